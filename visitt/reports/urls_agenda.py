from django.urls import path

from . import views_agenda as views

urlpatterns = [
    path("ledermote/", views.leadership_agenda, name="leadership_agenda"),
    path(
        "ledermote/<int:meeting_pk>/",
        views.leadership_agenda_meeting,
        name="leadership_agenda_meeting",
    ),
    path(
        "ledermote/<int:meeting_pk>/pdf/", views.leadership_agenda_pdf, name="leadership_agenda_pdf"
    ),
    path(
        "ledermote/<int:meeting_pk>/word/",
        views.leadership_agenda_docx,
        name="leadership_agenda_docx",
    ),
]
