from django.urls import path

from . import views_keyfigures as views

urlpatterns = [
    path("analyse/nokkeltall/", views.key_figures, name="key_figures"),
]
