from django.urls import include, path

from visitt.audit import views as audit_views
from visitt.core import views as core_views
from visitt.organisations import views as org_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("konto/", include("allauth.urls")),
    path("bytt-organisasjon/", org_views.switch_organisation, name="switch_organisation"),
    path("invitasjon/<str:token>/", org_views.accept_invitation, name="accept_invitation"),
    path("organisasjon/", org_views.organisation_settings, name="organisation_settings"),
    path("organisasjon/logo/", org_views.organisation_logo, name="organisation_logo"),
    path("organisasjon/enheter/", org_views.unit_list, name="unit_list"),
    path("organisasjon/enheter/ny/", org_views.unit_create, name="unit_create"),
    path("organisasjon/enheter/importer/", org_views.unit_import, name="unit_import"),
    path("organisasjon/enheter/<int:unit_pk>/", org_views.unit_edit, name="unit_edit"),
    path(
        "organisasjon/enheter/<int:unit_pk>/deaktiver/",
        org_views.unit_deactivate,
        name="unit_deactivate",
    ),
    path(
        "organisasjon/enheter/<int:unit_pk>/aktiver/",
        org_views.unit_reactivate,
        name="unit_reactivate",
    ),
    path("organisasjon/enheter/<int:unit_pk>/slett/", org_views.unit_delete, name="unit_delete"),
    path("organisasjon/personer/", org_views.people_list, name="people_list"),
    path("organisasjon/personer/inviter/", org_views.person_invite, name="person_invite"),
    path("organisasjon/personer/<int:membership_pk>/", org_views.person_edit, name="person_edit"),
    path(
        "organisasjon/personer/<int:membership_pk>/deaktiver/",
        org_views.person_deactivate,
        name="person_deactivate",
    ),
    path(
        "organisasjon/personer/<int:membership_pk>/aktiver/",
        org_views.person_reactivate,
        name="person_reactivate",
    ),
    path(
        "organisasjon/invitasjoner/<int:invitation_pk>/send-igjen/",
        org_views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "organisasjon/invitasjoner/<int:invitation_pk>/trekk-tilbake/",
        org_views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("organisasjon/logg/", audit_views.audit_log, name="audit_log"),
    path("", include("visitt.planning.urls")),
    path("", include("visitt.walkround.urls")),
    path("", include("visitt.followup.urls")),
    path("", include("visitt.improvement.urls")),
    path("", include("visitt.reports.urls")),
]
