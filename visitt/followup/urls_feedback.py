from django.urls import path

from . import views_feedback as views

urlpatterns = [
    path("tiltak/<int:action_pk>/tilbakemelding/", views.action_feedback, name="action_feedback"),
    path("tilbakemeldinger/", views.feedback_owed, name="feedback_owed"),
    path(
        "tilbakemeldinger/<int:feedback_pk>/brev.pdf",
        views.feedback_letters_pdf,
        name="feedback_letters_pdf",
    ),
    path("visitter/<int:visit_pk>/avslutt/", views.visit_close, name="visit_close"),
]
