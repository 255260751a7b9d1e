from django.urls import path

from . import views_mode as views

urlpatterns = [
    path("visitter/<int:visit_pk>/visitt/", views.visit_mode, name="visit_mode"),
    path("visitter/<int:visit_pk>/notater/", views.visit_note_save, name="visit_note_save"),
    path(
        "visitter/<int:visit_pk>/visitt/oppmote/",
        views.visit_mode_attendance,
        name="visit_mode_attendance",
    ),
    path(
        "visitter/<int:visit_pk>/visitt/vikar/",
        views.visit_mode_substitute,
        name="visit_mode_substitute",
    ),
    path(
        "visitter/<int:visit_pk>/visitt/avslutning/",
        views.visit_mode_close,
        name="visit_mode_close",
    ),
]
