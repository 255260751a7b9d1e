"""Phase 2 URLs, one module per area."""

from django.urls import include, path

urlpatterns = [
    path("", include("visitt.walkround.urls_questions")),
    path("", include("visitt.walkround.urls_mode")),
    path("", include("visitt.walkround.urls_problems")),
    path("", include("visitt.walkround.urls_categories")),
]
