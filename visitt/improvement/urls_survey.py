from django.urls import path

from . import views_survey as views

urlpatterns = [
    # Public: staff answer without an account, through the link or the QR code.
    path("p/<str:token>/", views.pulse_answer, name="pulse_answer"),
    path("puls/", views.pulse_surveys, name="pulse_surveys"),
    path("puls/ny/", views.pulse_survey_create, name="pulse_survey_create"),
    path("puls/<int:survey_pk>/", views.pulse_survey, name="pulse_survey"),
    path("puls/<int:survey_pk>/plakat/", views.pulse_survey_poster, name="pulse_survey_poster"),
    path("puls/<int:survey_pk>/rediger/", views.pulse_survey_edit, name="pulse_survey_edit"),
]
