"""A session ends after a period without activity (SESSION_IDLE_MINUTES)."""

from __future__ import annotations

import datetime as dt
import os

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.accounts.conftest import LOGIN_URL
from visitt.accounts.sessions import REFRESH_SECONDS


def test_the_idle_timeout_comes_from_session_idle_minutes_and_slides():
    minutes = int(os.environ.get("SESSION_IDLE_MINUTES") or 30)
    assert minutes * 60 == settings.SESSION_COOKIE_AGE
    # Sliding, but without a write on every request (visitt/accounts/sessions.py).
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert "visitt.accounts.sessions.SlidingSessionMiddleware" in settings.MIDDLEWARE
    # allauth is told not to offer "remember me", so no long-lived sessions exist.
    assert settings.ACCOUNT_SESSION_REMEMBER is False


def test_the_session_cookie_lives_only_as_long_as_the_browser(world, sign_in):
    _client, response = sign_in(world.top_leader)

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    # No max-age or expires: the browser drops it on exit. The idle timeout is kept on
    # the server, in the session's expiry date (next test).
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_the_session_expires_after_the_idle_timeout_but_not_while_in_use(world, sign_in):
    idle = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client, _response = sign_in(world.top_leader)
        assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE

        # Busy: a request every (timeout - 1 minute) keeps the session alive well past
        # one timeout in total.
        for _request in range(3):
            clock.shift(idle - dt.timedelta(minutes=1))
            assert client.get("/").status_code == 200

        # Idle for longer than the timeout: signed out.
        clock.shift(idle + dt.timedelta(minutes=1))
        response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert SESSION_KEY not in client.session


def test_a_session_in_use_is_saved_at_most_once_a_minute(world, sign_in, monkeypatch):
    monkeypatch.setattr("visitt.accounts.sessions.REFRESH_SECONDS", REFRESH_SECONDS)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client, _response = sign_in(world.top_leader)
        client.get("/")  # the first page stores the organisation chosen
        session = Session.objects.get(session_key=client.session.session_key)
        signed_in_until = session.expire_date

        # Pages within the minute do not write the session.
        clock.shift(dt.timedelta(seconds=30))
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        assert not any("UPDATE" in q["sql"] and "django_session" in q["sql"] for q in queries)
        session.refresh_from_db()
        assert session.expire_date == signed_in_until

        # A page a minute on moves the expiry on by the time that passed.
        clock.shift(dt.timedelta(seconds=REFRESH_SECONDS))
        assert client.get("/").status_code == 200
        session.refresh_from_db()
        assert session.expire_date > signed_in_until
        assert session.expire_date == pytest.approx(
            timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE),
            abs=dt.timedelta(seconds=1),
        )


def test_an_anonymous_visitor_gets_no_session(client, db):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not Session.objects.exists()
