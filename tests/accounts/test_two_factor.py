"""Two-factor sign-in (TOTP): the organisation's policy, setting it up, the second
step at sign-in, and the audit trail."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import SESSION_KEY

from tests.accounts.conftest import (
    LOGIN_URL,
    MFA_AUTHENTICATE_URL,
    REAUTHENTICATE_URL,
    TOTP_ACTIVATE_URL,
    reauthenticate,
    secret_on_page,
    totp_code,
)
from visitt.audit.models import AuditEvent
from visitt.organisations.models import Organisation

A = AuditEvent.Action
INCORRECT_CODE_NB = "Feil kode."  # allauth's own message, from its nb catalogue


def require_two_factor_for_leaders(world) -> None:
    world.org.two_factor_policy = Organisation.TwoFactorPolicy.LEADERS_AND_ADMINS
    world.org.save(update_fields=["two_factor_policy"])


def give_authenticator(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


# --- The policy ---------------------------------------------------------------------


def test_a_top_leader_without_totp_is_sent_to_set_it_up_from_ordinary_pages(world, client_for):
    require_two_factor_for_leaders(world)
    client = client_for(world.top_leader)

    for path in ["/", "/organisasjon/logg/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == TOTP_ACTIVATE_URL


def test_a_top_leader_without_totp_can_still_reach_the_account_pages_and_sign_out(
    world, client_for
):
    require_two_factor_for_leaders(world)
    client = client_for(world.top_leader)

    assert client.get("/konto/2fa/").status_code == 200
    assert client.get("/konto/password/change/").status_code == 200
    # Setting up the app first asks for the password again (the session came from
    # force_login, so allauth has no record of a recent sign-in).
    response = client.get(TOTP_ACTIVATE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/reauthenticate/")
    assert client.get("/healthz").status_code == 200

    response = client.post("/konto/logout/")
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_the_warning_names_the_organisation(world, client_for):
    require_two_factor_for_leaders(world)
    client = client_for(world.top_leader)

    response = client.get("/", follow=True)

    messages = [str(m) for m in response.context["messages"]]
    assert any("Testkommune" in m for m in messages)


def test_htmx_requests_are_sent_to_set_up_with_a_client_side_redirect(world, client_for):
    require_two_factor_for_leaders(world)
    client = client_for(world.top_leader)

    response = client.get("/", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Redirect"] == TOTP_ACTIVATE_URL


def test_roles_the_policy_does_not_cover_are_not_sent_to_set_up(world, client_for):
    require_two_factor_for_leaders(world)

    assert client_for(world.coordinator).get("/").status_code == 200


def test_everyone_must_set_it_up_when_the_policy_says_everyone(world, client_for):
    world.org.two_factor_policy = Organisation.TwoFactorPolicy.EVERYONE
    world.org.save(update_fields=["two_factor_policy"])

    response = client_for(world.coordinator).get("/")

    assert response["Location"] == TOTP_ACTIVATE_URL


def test_a_top_leader_with_totp_reaches_ordinary_pages(world, client_for):
    require_two_factor_for_leaders(world)
    give_authenticator(world.top_leader)

    assert client_for(world.top_leader).get("/").status_code == 200


# --- Setting it up ------------------------------------------------------------------


def test_activating_totp_with_a_code_from_the_shown_secret_is_audited(
    world, sign_in, django_capture_on_commit_callbacks
):
    require_two_factor_for_leaders(world)
    client, response = sign_in(world.top_leader)
    # Straight after signing in, the policy sends the top leader to set up the app,
    # where allauth asks for the password once more.
    assert client.get(response["Location"])["Location"] == TOTP_ACTIVATE_URL
    assert client.get(TOTP_ACTIVATE_URL)["Location"].startswith(REAUTHENTICATE_URL)
    assert reauthenticate(client, TOTP_ACTIVATE_URL)["Location"] == TOTP_ACTIVATE_URL

    page = client.get(TOTP_ACTIVATE_URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="totp-qr"' in html
    assert "<svg" in html
    assert "<?xml" not in html
    secret = secret_on_page(page)

    # allauth sends its signal (and so the audit event) once the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(TOTP_ACTIVATE_URL, {"code": totp_code(secret)})

    assert response.status_code == 302
    # allauth shows the recovery codes it made at the same time.
    assert response["Location"] == "/konto/2fa/recovery-codes/"
    assert Authenticator.objects.filter(
        user=world.top_leader, type=Authenticator.Type.TOTP
    ).exists()
    added = AuditEvent.objects.filter(action=A.MFA_ADDED, actor=world.top_leader)
    assert added.filter(data__kind=Authenticator.Type.TOTP).count() == 1
    assert client.get("/").status_code == 200


def test_a_wrong_code_does_not_activate_totp(world, sign_in):
    client, _response = sign_in(world.top_leader)
    reauthenticate(client, TOTP_ACTIVATE_URL)
    page = client.get(TOTP_ACTIVATE_URL)
    secret = secret_on_page(page)
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"

    response = client.post(TOTP_ACTIVATE_URL, {"code": wrong})

    assert response.status_code == 200
    html = response.content.decode()
    assert INCORRECT_CODE_NB in html
    assert 'aria-invalid="true"' in html
    assert not Authenticator.objects.filter(user=world.top_leader).exists()
    assert not AuditEvent.objects.filter(action=A.MFA_ADDED).exists()


def test_a_password_reset_request_does_not_block_setting_up_totp(world, sign_in, client):
    # allauth creates an unverified EmailAddress row when a reset is requested, and an
    # unverified address stops two-factor set-up. The invited address counts as verified.
    client.post("/konto/password/reset/", {"email": world.top_leader.email})
    assert EmailAddress.objects.get(user=world.top_leader).verified

    signed_in, _response = sign_in(world.top_leader)
    reauthenticate(signed_in, TOTP_ACTIVATE_URL)
    response = signed_in.get(TOTP_ACTIVATE_URL)

    assert response.status_code == 200


def test_totp_cannot_be_turned_off_when_the_organisation_requires_it(world, sign_in):
    require_two_factor_for_leaders(world)
    secret = give_authenticator(world.top_leader)
    client, _response = sign_in(world.top_leader)
    client.post(MFA_AUTHENTICATE_URL, {"code": totp_code(secret)})
    reauthenticate(client, "/konto/2fa/totp/deactivate/")

    page = client.get("/konto/2fa/totp/deactivate/")
    response = client.post("/konto/2fa/totp/deactivate/")

    assert page.status_code == 200
    assert 'type="submit"' not in page.content.decode().split("<main", 1)[1]
    assert response.status_code == 200
    assert Authenticator.objects.filter(user=world.top_leader).exists()
    assert not AuditEvent.objects.filter(action=A.MFA_REMOVED).exists()


def test_the_overview_offers_turning_totp_off_only_when_the_policy_allows_it(world, client_for):
    give_authenticator(world.top_leader)
    client = client_for(world.top_leader)
    assert 'href="/konto/2fa/totp/deactivate/"' in client.get("/konto/2fa/").content.decode()

    require_two_factor_for_leaders(world)

    assert 'href="/konto/2fa/totp/deactivate/"' not in client.get("/konto/2fa/").content.decode()


def test_totp_can_be_turned_off_when_the_policy_allows_it(world, sign_in):
    secret = give_authenticator(world.top_leader)
    client, _response = sign_in(world.top_leader)
    client.post(MFA_AUTHENTICATE_URL, {"code": totp_code(secret)})
    reauthenticate(client, "/konto/2fa/totp/deactivate/")

    response = client.post("/konto/2fa/totp/deactivate/")

    assert response.status_code == 302
    assert not Authenticator.objects.filter(
        user=world.top_leader, type=Authenticator.Type.TOTP
    ).exists()
    assert AuditEvent.objects.filter(action=A.MFA_REMOVED, actor=world.top_leader).exists()


# --- Signing in with it -------------------------------------------------------------


def test_a_person_with_totp_must_give_the_code_after_the_password(world, sign_in):
    secret = give_authenticator(world.top_leader)

    client, response = sign_in(world.top_leader)

    assert response.status_code == 302
    assert response["Location"] == MFA_AUTHENTICATE_URL
    # Not signed in yet: the password alone opens nothing.
    assert SESSION_KEY not in client.session
    assert client.get("/")["Location"].startswith(LOGIN_URL)
    assert not AuditEvent.objects.filter(action=A.LOGIN).exists()

    response = client.post(MFA_AUTHENTICATE_URL, {"code": totp_code(secret)})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(world.top_leader.pk)
    assert AuditEvent.objects.filter(action=A.LOGIN, actor=world.top_leader).count() == 1


def test_a_wrong_code_at_sign_in_is_refused_and_audited_as_a_failed_sign_in(world, sign_in):
    secret = give_authenticator(world.top_leader)
    client, _response = sign_in(world.top_leader)
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"

    response = client.post(MFA_AUTHENTICATE_URL, {"code": wrong})

    assert response.status_code == 200
    assert INCORRECT_CODE_NB in response.content.decode()
    assert SESSION_KEY not in client.session
    failed = AuditEvent.objects.get(action=A.LOGIN_FAILED)
    assert failed.actor == world.top_leader
    assert failed.data == {"step": "two_factor"}
    assert not AuditEvent.objects.filter(action=A.LOGIN).exists()


def test_a_code_cannot_be_used_twice(world, sign_in):
    secret = give_authenticator(world.top_leader)
    code = totp_code(secret)
    first, _response = sign_in(world.top_leader)
    first.post(MFA_AUTHENTICATE_URL, {"code": code})

    second, _response = sign_in(world.top_leader)
    response = second.post(MFA_AUTHENTICATE_URL, {"code": code})

    assert response.status_code == 200
    assert SESSION_KEY not in second.session


def test_a_recovery_code_works_instead_of_the_app(world, sign_in):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    give_authenticator(world.top_leader)
    codes = RecoveryCodes.activate(world.top_leader).get_unused_codes()
    client, _response = sign_in(world.top_leader)

    response = client.post(MFA_AUTHENTICATE_URL, {"code": codes[0]})

    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(world.top_leader.pk)


def test_cancelling_the_second_step_abandons_the_sign_in(world, sign_in):
    give_authenticator(world.top_leader)
    client, _response = sign_in(world.top_leader)

    response = client.post("/konto/logout/", {"next": LOGIN_URL})

    assert response["Location"] == LOGIN_URL
    assert client.get(MFA_AUTHENTICATE_URL)["Location"].startswith(LOGIN_URL)
