from django.urls import path

from . import views_plan as views

urlpatterns = [
    path("arsplan/", views.plan_current, name="plan_current"),
    path("arsplan/<int:year>/", views.plan_year, name="plan_year"),
    path("arsplan/<int:year>/kalender/", views.plan_calendar, name="plan_calendar"),
    path("arsplan/<int:year>/endre/", views.plan_edit, name="plan_edit"),
    path("arsplan/<int:year>/planlegg/", views.plan_schedule, name="plan_schedule"),
    path("arsplan/<int:year>/arsplan.pdf", views.plan_export_pdf, name="plan_export_pdf"),
    path("arsplan/<int:year>/arsplan.xlsx", views.plan_export_xlsx, name="plan_export_xlsx"),
]
