"""Password reset by e-mail link."""

from __future__ import annotations

import re

from django.contrib.auth import SESSION_KEY
from django.core import mail

from tests.accounts.conftest import LOGIN_URL
from visitt.audit.models import AuditEvent

RESET_URL = "/konto/password/reset/"
DONE_URL = "/konto/password/reset/done/"
NEW_PASSWORD = "Et-helt-nytt-passord-42"
# allauth's own message, from its nb catalogue: "We have sent you an email. ..."
SENT_NB = "Vi har sendt deg en e-post."
RESET_LINK = re.compile(r"https?://[^/\s]+(/konto/password/reset/key/[^\s]+/)")


def request_reset(client, email: str):
    return client.post(RESET_URL, {"email": email})


def test_a_password_reset_sends_an_email_and_the_page_says_so_in_norwegian(world, client):
    response = request_reset(client, world.coordinator.email)

    assert response.status_code == 302
    assert response["Location"] == DONE_URL
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.coordinator.email]
    assert RESET_LINK.search(message.body)
    page = client.get(DONE_URL)
    assert page.status_code == 200
    assert SENT_NB in page.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_reset_link(db, client):
    response = request_reset(client, "ukjent@test.no")

    # The same page as for a real account, so the form does not reveal who has one.
    assert response.status_code == 302
    assert response["Location"] == DONE_URL
    assert not any(RESET_LINK.search(message.body) for message in mail.outbox)


def test_the_link_in_the_email_sets_a_new_password_and_is_audited(world, client):
    request_reset(client, world.coordinator.email)
    link = RESET_LINK.search(mail.outbox[0].body).group(1)

    # allauth moves the key from the address into the session before showing the form.
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    html = response.content.decode()
    assert '<label class="ds-label" for="id_password1">' in html

    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/konto/password/reset/key/done/"
    assert client.get(response["Location"]).status_code == 200
    # Resetting does not sign the person in; they sign in with the new password.
    assert SESSION_KEY not in client.session
    world.coordinator.refresh_from_db()
    assert world.coordinator.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.PASSWORD_RESET, actor=world.coordinator
    ).exists()
    response = client.post(LOGIN_URL, {"login": world.coordinator.email, "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_a_reset_link_works_only_once(world, client):
    request_reset(client, world.coordinator.email)
    link = RESET_LINK.search(mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    response = client.get(link, follow=True)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="password1"' not in html
    assert f'href="{RESET_URL}"' in html


def test_a_made_up_reset_link_shows_the_invalid_link_page(world, client):
    response = client.get("/konto/password/reset/key/1-abcdef-0123456789abcdef/", follow=True)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="password1"' not in html
    assert f'href="{RESET_URL}"' in html
    assert html.count("<h1") == 1


def test_a_weak_new_password_is_refused_with_the_error_at_the_field(world, client):
    request_reset(client, world.coordinator.email)
    link = RESET_LINK.search(mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]

    response = client.post(form_url, {"password1": "12345", "password2": "12345"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert 'id="id_password1_error"' in html
    assert 'aria-describedby="id_password1_helptext id_password1_error"' in html


def test_the_email_to_an_unknown_address_does_not_invite_anyone_to_sign_up(db, client):
    request_reset(client, "ukjent@test.no")

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ukjent@test.no"]
    assert "/konto/signup/" not in mail.outbox[0].body
