from django.urls import path

from . import views_problems as views

urlpatterns = [
    path("visitter/<int:visit_pk>/problemer/", views.visit_problems, name="visit_problems"),
    path(
        "visitter/<int:visit_pk>/problemer/nytt/",
        views.visit_problem_add,
        name="visit_problem_add",
    ),
    path(
        "visitter/<int:visit_pk>/problemer/<int:problem_pk>/",
        views.visit_problem_edit,
        name="visit_problem_edit",
    ),
    path("visitter/<int:visit_pk>/evaluering/", views.visit_debrief, name="visit_debrief"),
]
