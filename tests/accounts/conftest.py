"""Helpers for the sign-in tests: signing in through the real forms, and TOTP codes."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.http import HttpResponse
from django.test import Client

from tests.conftest import PASSWORD
from visitt.accounts.models import User

LOGIN_URL = "/konto/login/"
MFA_AUTHENTICATE_URL = "/konto/2fa/authenticate/"
TOTP_ACTIVATE_URL = "/konto/2fa/totp/activate/"
REAUTHENTICATE_URL = "/konto/reauthenticate/"
# The secret the activation page shows in its read-only field: 20 random bytes in base32.
SECRET_FIELD = re.compile(r'id="authenticator_secret" value="([A-Z2-7]{32})"')


def totp_code(secret: str) -> str:
    """The authenticator app's current code for `secret`, computed as allauth does.

    Near the end of a period it waits for the next one, so the code is still current
    when the server checks it.
    """
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 2:
        time.sleep(period - time.time() % period + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def secret_on_page(response: HttpResponse) -> str:
    match = SECRET_FIELD.search(response.content.decode())
    assert match, "the activation page does not show the secret"
    return match.group(1)


@pytest.fixture
def sign_in(db) -> Callable[..., tuple[Client, HttpResponse]]:
    """sign_in(user) posts the real login form; returns the client and the response.

    Unlike client_for, this goes through allauth, which records how and when the
    person signed in (pages that ask for recent sign-in rely on that).
    """

    def do(user: User, password: str = PASSWORD, client: Client | None = None):
        client = client or Client()
        response = client.post(LOGIN_URL, {"login": user.email, "password": password})
        return client, response

    return do


def reauthenticate(client: Client, next_url: str, password: str = PASSWORD) -> HttpResponse:
    """Gives the password again, as allauth asks before every change to two-factor
    sign-in (a recent sign-in does not count)."""
    return client.post(f"{REAUTHENTICATE_URL}?next={next_url}", {"password": password})
