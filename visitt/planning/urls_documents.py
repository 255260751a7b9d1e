from django.urls import path

from . import views_documents as views

urlpatterns = [
    path("organisasjon/brevmaler/", views.letter_templates, name="letter_templates"),
    path(
        "organisasjon/brevmaler/<int:template_pk>/",
        views.letter_template_edit,
        name="letter_template_edit",
    ),
    path(
        "visitter/<int:visit_pk>/invitasjon/",
        views.visit_invitation_preview,
        name="visit_invitation_preview",
    ),
    path(
        "visitter/<int:visit_pk>/invitasjon/send/",
        views.visit_invitation_send,
        name="visit_invitation_send",
    ),
    path(
        "visitter/<int:visit_pk>/invitasjon.pdf",
        views.visit_invitation_pdf,
        name="visit_invitation_pdf",
    ),
    path(
        "visitter/<int:visit_pk>/invitasjon.docx",
        views.visit_invitation_docx,
        name="visit_invitation_docx",
    ),
    path("visitter/<int:visit_pk>/plakat.pdf", views.visit_poster_pdf, name="visit_poster_pdf"),
    path("visitter/<int:visit_pk>/visitt.ics", views.visit_ics, name="visit_ics"),
    path("kalender/", views.calendar_settings, name="calendar_settings"),
    path("kalender/ny-lenke/", views.calendar_feed_create, name="calendar_feed_create"),
    path("kalender/trekk-tilbake/", views.calendar_feed_revoke, name="calendar_feed_revoke"),
    path("kalender/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
