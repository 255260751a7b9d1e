from django.urls import path

from . import views_learning as views

urlpatterns = [
    path("analyse/", views.learning, name="learning"),
]
