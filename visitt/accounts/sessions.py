"""Sliding session expiry without a database write on every request."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# How often a session in use has its expiry moved on. Saving the session on every
# request (SESSION_SAVE_EVERY_REQUEST) made each page view a write transaction, which
# on SQLite waits for every other writer; once a minute keeps the idle timeout to within
# a minute of SESSION_IDLE_MINUTES.
REFRESH_SECONDS = 60
REFRESHED_KEY = "_visitt_refreshed"


class SlidingSessionMiddleware:
    """Saves a session in use (and so moves its expiry) at most once a minute. Goes right
    after SessionMiddleware, so that its response phase runs before the session is saved."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # An anonymous visitor without a session gets none; a flushed session stays empty.
        if session is None or session.session_key is None or session.is_empty():
            return response
        now = int(time.time())
        if now - session.get(REFRESHED_KEY, 0) >= REFRESH_SECONDS:
            session[REFRESHED_KEY] = now
        return response
