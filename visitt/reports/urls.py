"""Reports: one URL module per area, gathered here."""

from django.urls import include, path

urlpatterns: list = [
    path("", include("visitt.reports.urls_learning")),
    path("", include("visitt.reports.urls_themes")),
    path("", include("visitt.reports.urls_keyfigures")),
    path("", include("visitt.reports.urls_agenda")),
    path("", include("visitt.reports.urls_annual")),
]
