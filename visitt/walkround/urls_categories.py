from django.urls import path

from . import views_categories as views

urlpatterns = [
    path("organisasjon/problemkategorier/", views.problem_categories, name="problem_categories"),
    path(
        "organisasjon/problemkategorier/<int:category_pk>/",
        views.problem_category_edit,
        name="problem_category_edit",
    ),
]
