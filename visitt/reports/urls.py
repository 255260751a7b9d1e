"""Reports: one URL module per area, gathered here."""

from django.urls import include, path  # noqa: F401  (areas add their include lines)

urlpatterns: list = []
