from django.urls import path

from . import views_themes as views

urlpatterns = [
    path("analyse/temaer/", views.theme_analysis, name="theme_analysis"),
    path("sok/", views.search, name="search"),
]
