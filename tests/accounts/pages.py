"""Every sign-in and account page in each of its states, as the test client gets it.

test_pages.py checks their markup; test_accessibility.py runs axe-core on them.
Each builder takes the personas and a sign_in function and returns the response.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.http import HttpResponse
from django.test import Client

from tests.accounts.conftest import (
    MFA_AUTHENTICATE_URL,
    TOTP_ACTIVATE_URL,
    reauthenticate,
    totp_code,
)
from tests.conftest import World

RESET_LINK = re.compile(r"https?://[^/\s]+(/konto/password/reset/key/[^\s]+/)")


def _signed_in(world: World, sign_in) -> Client:
    client, _response = sign_in(world.coordinator)
    return client


def _with_totp(world: World, sign_in) -> Client:
    secret = generate_totp_secret()
    TOTP.activate(world.coordinator, secret)
    RecoveryCodes.activate(world.coordinator)
    client, _response = sign_in(world.coordinator)
    client.post(MFA_AUTHENTICATE_URL, {"code": totp_code(secret)})
    return client


def _half_signed_in(world: World, sign_in) -> Client:
    TOTP.activate(world.coordinator, generate_totp_secret())
    client, _response = sign_in(world.coordinator)
    return client


def _without_password(world: World) -> Client:
    world.coordinator.set_unusable_password()
    world.coordinator.save(update_fields=["password"])
    client = Client()
    client.force_login(world.coordinator, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _reset_form_url(world: World) -> tuple[Client, str]:
    client = Client()
    client.post("/konto/password/reset/", {"email": world.coordinator.email})
    link = RESET_LINK.search(mail.outbox[-1].body).group(1)
    return client, client.get(link, follow=True).redirect_chain[-1][0]


def _reauthenticated(client: Client, url: str) -> HttpResponse:
    reauthenticate(client, url)
    return client.get(url)


NEW = "Et-helt-nytt-passord-42"

PAGES: dict[str, Callable[[World, Callable], HttpResponse]] = {
    "login": lambda w, s: Client().get("/konto/login/"),
    "login, wrong password": lambda w, s: s(w.coordinator, "feil-passord-1")[1],
    "login, empty form": lambda w, s: Client().post("/konto/login/", {}),
    "password reset": lambda w, s: Client().get("/konto/password/reset/"),
    "password reset, bad address": lambda w, s: Client().post(
        "/konto/password/reset/", {"email": "ikke-en-adresse"}
    ),
    "password reset done": lambda w, s: Client().get("/konto/password/reset/done/"),
    "password reset from key": lambda w, s: (lambda c, u: c.get(u))(*_reset_form_url(w)),
    "password reset from key, mismatch": lambda w, s: (
        lambda c, u: c.post(u, {"password1": NEW, "password2": NEW + "x"})
    )(*_reset_form_url(w)),
    "password reset from key, bad token": lambda w, s: Client().get(
        "/konto/password/reset/key/1-abc-0123456789abcdef/", follow=True
    ),
    "password reset from key done": lambda w, s: Client().get("/konto/password/reset/key/done/"),
    "signup closed": lambda w, s: Client().get("/konto/signup/"),
    "logout": lambda w, s: _signed_in(w, s).get("/konto/logout/"),
    "password change": lambda w, s: _signed_in(w, s).get("/konto/password/change/"),
    "password change, errors": lambda w, s: _signed_in(w, s).post(
        "/konto/password/change/", {"oldpassword": "feil", "password1": "kort", "password2": "x"}
    ),
    "set password": lambda w, s: _without_password(w).get("/konto/password/set/"),
    "reauthenticate": lambda w, s: _signed_in(w, s).get(
        f"/konto/reauthenticate/?next={TOTP_ACTIVATE_URL}"
    ),
    "reauthenticate, wrong password": lambda w, s: reauthenticate(
        _signed_in(w, s), TOTP_ACTIVATE_URL, "feil-passord-1"
    ),
    "two-factor index": lambda w, s: _signed_in(w, s).get("/konto/2fa/"),
    "two-factor index, active": lambda w, s: _with_totp(w, s).get("/konto/2fa/"),
    "activate totp": lambda w, s: _reauthenticated(_signed_in(w, s), TOTP_ACTIVATE_URL),
    "activate totp, wrong code": lambda w, s: (
        lambda c: (
            _reauthenticated(c, TOTP_ACTIVATE_URL),
            c.post(TOTP_ACTIVATE_URL, {"code": "1"}),
        )[1]
    )(_signed_in(w, s)),
    "deactivate totp": lambda w, s: _reauthenticated(
        _with_totp(w, s), "/konto/2fa/totp/deactivate/"
    ),
    "recovery codes": lambda w, s: _reauthenticated(_with_totp(w, s), "/konto/2fa/recovery-codes/"),
    "generate recovery codes": lambda w, s: _reauthenticated(
        _with_totp(w, s), "/konto/2fa/recovery-codes/generate/"
    ),
    "two-factor reauthenticate": lambda w, s: _with_totp(w, s).get(
        "/konto/2fa/reauthenticate/?next=/konto/2fa/"
    ),
    "two-factor sign-in step": lambda w, s: _half_signed_in(w, s).get(MFA_AUTHENTICATE_URL),
    "two-factor sign-in step, wrong code": lambda w, s: _half_signed_in(w, s).post(
        MFA_AUTHENTICATE_URL, {"code": "000000"}
    ),
    "email addresses": lambda w, s: _signed_in(w, s).get("/konto/email/"),
}
