from django.urls import path

from . import views_plans as views

urlpatterns = [
    path("visitter/<int:visit_pk>/tiltaksplan/", views.action_plan, name="action_plan"),
    path("visitter/<int:visit_pk>/tiltaksplan.pdf", views.action_plan_pdf, name="action_plan_pdf"),
    path(
        "visitter/<int:visit_pk>/tiltaksplan.docx", views.action_plan_docx, name="action_plan_docx"
    ),
    path(
        "visitter/<int:visit_pk>/tiltaksplan/problem/<int:problem_pk>/malsetting/",
        views.plan_aim_edit,
        name="action_plan_aim",
    ),
    path(
        "visitter/<int:visit_pk>/tiltaksplan/problem/<int:problem_pk>/ny-maling/",
        views.plan_measure_add,
        name="action_plan_measure_add",
    ),
    path(
        "visitter/<int:visit_pk>/tiltaksplan/maling/<int:measure_pk>/",
        views.plan_measure_edit,
        name="action_plan_measure",
    ),
    path(
        "visitter/<int:visit_pk>/tiltaksplan/maling/<int:measure_pk>/fjern/",
        views.plan_measure_remove,
        name="action_plan_measure_remove",
    ),
    path(
        "visitter/<int:visit_pk>/tiltaksplan/problem/<int:problem_pk>/nytt-tiltak/",
        views.plan_action_add,
        name="action_plan_action_add",
    ),
    path(
        "visitter/<int:visit_pk>/tiltaksplan/tiltak/<int:action_pk>/",
        views.plan_action_edit,
        name="action_plan_action",
    ),
    path(
        "visitter/<int:visit_pk>/tiltaksplan/tiltak/<int:action_pk>/status/",
        views.plan_action_status,
        name="action_plan_action_status",
    ),
    path("mine-tiltak/", views.my_actions, name="my_actions"),
    path("mine-tiltak/<int:action_pk>/", views.my_action_update, name="my_action_update"),
]
