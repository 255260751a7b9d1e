"""Phase 1 URLs. Each area has its own module so that they grow independently."""

from django.urls import include, path

urlpatterns = [
    path("", include("visitt.planning.urls_visits")),
    path("", include("visitt.planning.urls_plan")),
    path("", include("visitt.planning.urls_documents")),
    path("", include("visitt.planning.urls_preparation")),
]
