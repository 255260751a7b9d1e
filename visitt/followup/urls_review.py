from django.urls import path

from . import views_review as views

urlpatterns = [
    path("visitter/<int:visit_pk>/oppfolging/", views.follow_up_review, name="follow_up_review"),
    path(
        "visitter/<int:visit_pk>/oppfolging/fullfor/",
        views.follow_up_complete,
        name="follow_up_complete",
    ),
]
