from django.urls import path

from . import views_annual as views

urlpatterns = [
    path("arsoppsummering/", views.annual_summaries, name="annual_summaries"),
    path("arsoppsummering/<int:year>/", views.annual_summary, name="annual_summary"),
    path("arsoppsummering/<int:year>/pdf/", views.annual_summary_pdf, name="annual_summary_pdf"),
    path("arsoppsummering/<int:year>/word/", views.annual_summary_docx, name="annual_summary_docx"),
    path(
        "arsoppsummering/<int:year>/beregn/",
        views.annual_summary_recompute,
        name="annual_summary_recompute",
    ),
    path(
        "arsoppsummering/<int:year>/behandlet/",
        views.annual_summary_review,
        name="annual_summary_review",
    ),
    path(
        "arsoppsummering/<int:year>/vedtak/",
        views.annual_summary_decision,
        name="annual_summary_decision",
    ),
]
