from django.urls import include, path

from . import views

urlpatterns = [
    path("malinger/<int:measure_pk>/", views.measure_detail, name="measure_detail"),
    path("malinger/<int:measure_pk>/import/", views.measure_import, name="measure_import"),
    path("malinger/<int:measure_pk>/fase/", views.measure_phase, name="measure_phase"),
    path(
        "malinger/<int:measure_pk>/fase/<int:phase_pk>/fjern/",
        views.measure_phase_remove,
        name="measure_phase_remove",
    ),
    path(
        "malinger/<int:measure_pk>/punkt/<int:point_pk>/",
        views.measure_point_edit,
        name="measure_point",
    ),
    path(
        "malinger/<int:measure_pk>/punkt/<int:point_pk>/slett/",
        views.measure_point_delete,
        name="measure_point_delete",
    ),
    path("tiltak/<int:action_pk>/pdsa/", views.action_pdsa, name="action_pdsa"),
    path("tiltak/<int:action_pk>/pdsa/<int:cycle_pk>/", views.pdsa_edit, name="pdsa_edit"),
    path(
        "tiltak/<int:action_pk>/pdsa/<int:cycle_pk>/slett/",
        views.pdsa_delete,
        name="pdsa_delete",
    ),
    path("", include("visitt.improvement.urls_library")),
    path("", include("visitt.improvement.urls_survey")),
]
