from django.urls import path

from . import views_library as views

urlpatterns = [
    path("laering/", views.library, name="library"),
    path("laering/<int:entry_pk>/", views.library_entry, name="library_entry"),
    path("laering/<int:entry_pk>/rediger/", views.library_entry_edit, name="library_entry_edit"),
    path(
        "laering/<int:entry_pk>/trekk-tilbake/",
        views.library_entry_withdraw,
        name="library_entry_withdraw",
    ),
    path("laering/publiser/<int:action_pk>/", views.library_publish, name="library_publish"),
]
