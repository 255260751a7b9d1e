"""Nobody creates an account for themselves: people join by invitation."""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY

from visitt.accounts.models import User

SIGNUP_URL = "/konto/signup/"


def test_the_signup_page_says_accounts_come_by_invitation_and_has_no_form(db, client):
    response = client.get(SIGNUP_URL)

    assert response.status_code == 200
    assert "account/signup_closed.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert 'name="password1"' not in html
    assert 'href="/konto/login/"' in html


def test_posting_to_the_signup_url_creates_no_account(db, client):
    response = client.post(
        SIGNUP_URL,
        {
            "email": "inntrenger@test.no",
            "password1": "Et-sterkt-passord-99",
            "password2": "Et-sterkt-passord-99",
        },
    )

    assert response.status_code == 200
    assert not User.objects.filter(email="inntrenger@test.no").exists()
    assert SESSION_KEY not in client.session


def test_the_sign_in_page_does_not_offer_sign_up_but_links_to_password_reset(db, client):
    html = client.get("/konto/login/").content.decode()

    assert f'href="{SIGNUP_URL}"' not in html
    assert 'href="/konto/password/reset/"' in html
