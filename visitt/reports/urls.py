"""Reports: one URL module per area, gathered here."""

from django.urls import include, path

urlpatterns: list = [
    path("", include("visitt.reports.urls_themes")),
]
