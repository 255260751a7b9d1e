from django.urls import path

from . import views_visits as views

urlpatterns = [
    path("visitter/", views.visit_list, name="visit_list"),
    path("visitter/ny/", views.visit_create, name="visit_create"),
    path("visitter/<int:visit_pk>/", views.visit_detail, name="visit_detail"),
    path("visitter/<int:visit_pk>/endre/", views.visit_edit, name="visit_edit"),
    path("visitter/<int:visit_pk>/bekreft/", views.visit_confirm, name="visit_confirm"),
    path("visitter/<int:visit_pk>/utsett/", views.visit_postpone, name="visit_postpone"),
    path("visitter/<int:visit_pk>/gjennomfort/", views.visit_conducted, name="visit_conducted"),
    path("visitter/<int:visit_pk>/slett/", views.visit_delete, name="visit_delete"),
    path("visitter/<int:visit_pk>/sjekkliste/", views.visit_checklist, name="visit_checklist"),
    path("visitter/<int:visit_pk>/gruppe/", views.visit_group, name="visit_group"),
    path("visitter/<int:visit_pk>/gruppe/lenke/", views.visit_group_link, name="visit_group_link"),
    path("gruppe/<str:token>/", views.group_link_fill, name="group_link_fill"),
    path("organisasjon/yrker/", views.professions, name="professions"),
]
