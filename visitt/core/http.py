"""Small HTTP helpers shared by the apps' views."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed


def refuse_unless_read(request: HttpRequest) -> HttpResponse | None:
    """405 for anything but GET or HEAD, else None. For views that look their object up
    first, so that another organisation's is 404 whatever the method."""
    if request.method in ("GET", "HEAD"):
        return None
    return HttpResponseNotAllowed(["GET", "HEAD"])
