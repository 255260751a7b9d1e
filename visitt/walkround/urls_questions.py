from django.urls import path

from . import views_questions as views

urlpatterns = [
    path("organisasjon/sporsmal/", views.question_bank, name="question_bank"),
    path("organisasjon/sporsmal/ny/", views.question_add, name="question_add"),
    path("organisasjon/sporsmal/<int:question_pk>/", views.question_edit, name="question_edit"),
    path("organisasjon/apning/", views.opening_script_edit, name="opening_script_edit"),
    path(
        "organisasjon/enheter/<int:unit_pk>/sporsmal/",
        views.unit_questions,
        name="unit_questions",
    ),
    path("visitter/<int:visit_pk>/sporsmal/", views.visit_questions, name="visit_questions"),
]
