from django.urls import path

from . import views_preparation as views

urlpatterns = [
    path("hendelser/", views.incident_list, name="incident_list"),
    path("hendelser/ny/", views.incident_create, name="incident_create"),
    path("hendelser/importer/", views.incident_import, name="incident_import"),
    path(
        "visitter/<int:visit_pk>/forberedelse/",
        views.visit_preparation,
        name="visit_preparation",
    ),
    path(
        "visitter/<int:visit_pk>/innspill.svg",
        views.visit_staff_input_qr,
        name="visit_staff_input_qr",
    ),
    path("innspill/<str:token>/", views.staff_input, name="staff_input"),
]
