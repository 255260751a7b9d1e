from django.urls import path

from . import views_minutes as views

urlpatterns = [
    path("visitter/<int:visit_pk>/referat/", views.minutes, name="minutes"),
    path("visitter/<int:visit_pk>/referat/utkast/", views.minutes_start, name="minutes_start"),
    path("visitter/<int:visit_pk>/referat/lagre/", views.minutes_save, name="minutes_save"),
    path(
        "visitter/<int:visit_pk>/referat/gjennomlesing/",
        views.minutes_review,
        name="minutes_review",
    ),
    path("visitter/<int:visit_pk>/referat/signer/", views.minutes_sign, name="minutes_sign"),
    path(
        "visitter/<int:visit_pk>/referat/ny-versjon/",
        views.minutes_new_version,
        name="minutes_new_version",
    ),
    path("visitter/<int:visit_pk>/referat/send/", views.minutes_send, name="minutes_send"),
    path(
        "visitter/<int:visit_pk>/referat/versjon/<int:number>/",
        views.minutes_version,
        name="minutes_version",
    ),
    path("visitter/<int:visit_pk>/referat.pdf", views.minutes_pdf, name="minutes_pdf"),
]
