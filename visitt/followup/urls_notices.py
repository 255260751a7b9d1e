from django.urls import path

from . import views_notices as views

urlpatterns = [
    path("konto/varsler/", views.notification_settings, name="notification_settings"),
]
