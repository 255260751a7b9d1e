"""Phase 3 URLs, one module per area."""

from django.urls import include, path

urlpatterns = [
    path("", include("visitt.followup.urls_feedback")),
    path("", include("visitt.followup.urls_review")),
    path("", include("visitt.followup.urls_plans")),
    path("", include("visitt.followup.urls_notices")),
    path("", include("visitt.followup.urls_minutes")),
]
