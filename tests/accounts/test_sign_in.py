"""Signing in with e-mail and password: the audit trail and the brute-force guard."""

from __future__ import annotations

import pytest
from allauth.account import app_settings as account_settings
from django.conf import settings
from django.contrib.auth import SESSION_KEY

from tests.accounts.conftest import LOGIN_URL
from tests.conftest import PASSWORD
from visitt.audit.models import AuditEvent

A = AuditEvent.Action
WRONG_PASSWORD = "not-the-password-1"
# allauth's own messages, from its Norwegian Bokmål catalogue (nb is the default language).
WRONG_CREDENTIALS_NB = "E-postadressen og/eller passordet du oppgav er feil."
TOO_MANY_ATTEMPTS_NB = "For mange innloggingsforsøk."


def login_failed_limit(scope: str) -> int:
    """How many failed sign-ins settings.ACCOUNT_RATE_LIMITS allows per `scope` (ip or key)."""
    for rate in settings.ACCOUNT_RATE_LIMITS["login_failed"].split(","):
        if rate.strip().endswith(f"/{scope}"):
            return int(rate.split("/")[0])
    raise AssertionError(f"no {scope} limit for login_failed")


def test_signing_in_with_email_and_password_works_and_is_audited(world, sign_in):
    client, response = sign_in(world.top_leader)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(world.top_leader.pk)
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.get(action=A.LOGIN)
    assert event.actor == world.top_leader
    assert event.actor_email == "toppleder@test.no"
    assert event.ip_address == "127.0.0.1"


def test_the_email_address_is_not_case_sensitive(world, sign_in):
    world.top_leader.email = "TOPPLEDER@test.no"  # stored lower-case by User.save

    _client, response = sign_in(world.top_leader)

    assert response.status_code == 302


def test_a_failed_sign_in_writes_one_audit_event_and_shows_the_form_with_a_norwegian_error(
    world, sign_in
):
    client, response = sign_in(world.top_leader, WRONG_PASSWORD)

    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    page = response.content.decode()
    assert WRONG_CREDENTIALS_NB in page
    # The error is in the error summary at the top of the form, the fields keep their labels.
    assert 'class="ds-error-summary"' in page
    assert '<label class="ds-label" for="id_password">' in page
    events = AuditEvent.objects.filter(action=A.LOGIN_FAILED)
    assert events.count() == 1
    assert events.get().actor == world.top_leader
    assert not AuditEvent.objects.filter(action=A.LOGIN).exists()


def test_a_failed_sign_in_with_an_unknown_address_is_audited_without_an_actor(db, client):
    response = client.post(LOGIN_URL, {"login": "nobody@test.no", "password": WRONG_PASSWORD})

    assert response.status_code == 200
    assert WRONG_CREDENTIALS_NB in response.content.decode()
    event = AuditEvent.objects.get(action=A.LOGIN_FAILED)
    assert event.actor is None
    assert event.actor_email == ""


def test_an_inactive_account_cannot_sign_in(world, sign_in):
    world.top_leader.is_active = False
    world.top_leader.save(update_fields=["is_active"])

    client, _response = sign_in(world.top_leader)

    assert SESSION_KEY not in client.session
    assert not AuditEvent.objects.filter(action=A.LOGIN).exists()


def test_repeated_failed_sign_ins_for_one_address_are_refused_even_with_the_right_password(
    world, sign_in
):
    # allauth counts failed sign-ins per address (and per IP) in the shared cache and
    # then refuses further attempts with a form error (200), not with a 429 page.
    limit = login_failed_limit("key")
    for _attempt in range(limit):
        _client, response = sign_in(world.top_leader, WRONG_PASSWORD)
        assert WRONG_CREDENTIALS_NB in response.content.decode()

    client, response = sign_in(world.top_leader, PASSWORD)

    assert response.status_code == 200
    assert TOO_MANY_ATTEMPTS_NB in response.content.decode()
    assert SESSION_KEY not in client.session
    # Refused attempts are not audited one by one (they are unlimited, the failures are not).
    assert AuditEvent.objects.filter(action=A.LOGIN_FAILED).count() == limit
    assert not AuditEvent.objects.filter(action=A.LOGIN).exists()


def test_the_limit_for_one_address_leaves_other_addresses_alone(world, sign_in):
    for _attempt in range(login_failed_limit("key")):
        sign_in(world.top_leader, WRONG_PASSWORD)

    client, response = sign_in(world.coordinator)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(world.coordinator.pk)


def test_many_failed_sign_ins_from_one_ip_address_are_refused_for_every_address(db, client):
    limit = login_failed_limit("ip")
    for attempt in range(limit):
        client.post(LOGIN_URL, {"login": f"guess{attempt}@test.no", "password": WRONG_PASSWORD})

    response = client.post(LOGIN_URL, {"login": "another@test.no", "password": WRONG_PASSWORD})

    assert response.status_code == 200
    assert TOO_MANY_ATTEMPTS_NB in response.content.decode()


def test_any_sign_in_attempts_beyond_the_per_ip_limit_get_429(db, client):
    # A second, coarser guard: allauth's "login" limit counts every POST to the form
    # (settings.ACCOUNT_RATE_LIMITS leaves allauth's default in place) and answers 429.
    limit = int(account_settings.RATE_LIMITS["login"].split("/")[0])
    for attempt in range(limit):
        response = client.post(LOGIN_URL, {"login": f"x{attempt}@test.no", "password": "x"})
        assert response.status_code == 200

    response = client.post(LOGIN_URL, {"login": "y@test.no", "password": "x"})

    assert response.status_code == 429


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/"])
def test_sign_in_never_redirects_to_another_site(world, client, next_url):
    response = client.post(
        f"{LOGIN_URL}?next={next_url}",
        {"login": world.top_leader.email, "password": PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_sign_in_returns_to_the_page_asked_for(world, client):
    response = client.get("/organisasjon/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN_URL}?next=")

    response = client.post(response["Location"], {"login": world.admin.email, "password": PASSWORD})

    assert response["Location"] == "/organisasjon/"


def test_signing_out_ends_the_session_and_is_audited(world, sign_in):
    client, _response = sign_in(world.top_leader)

    response = client.post("/konto/logout/")

    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(action=A.LOGOUT, actor=world.top_leader).count() == 1


def test_signing_out_needs_a_post(world, sign_in):
    client, _response = sign_in(world.top_leader)

    response = client.get("/konto/logout/")

    # A confirmation page, so a link or an image cannot sign anyone out.
    assert response.status_code == 200
    assert client.session[SESSION_KEY] == str(world.top_leader.pk)
