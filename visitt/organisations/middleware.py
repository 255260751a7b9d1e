"""Sets request.organisation: the organisation this request acts for."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

from .models import Membership

SESSION_KEY = "visitt_organisation_id"


class CurrentOrganisationMiddleware:
    """Loads the user's active memberships (two queries) and picks the current one.

    The choice is kept in the session; a person in several organisations switches
    with the organisation switcher. Without a membership, request.organisation is None.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.organisation = None  # type: ignore[attr-defined]
        request.membership = None  # type: ignore[attr-defined]
        request.memberships = []  # type: ignore[attr-defined]
        request.roles = frozenset()  # type: ignore[attr-defined]
        user = request.user
        if user.is_authenticated:
            memberships = list(
                Membership.objects.active()
                .filter(user=user, organisation__is_active=True)
                .select_related("organisation")
                .prefetch_related("grants")
                .order_by("organisation__name")
            )
            user.visitt_roles = {m.organisation_id: frozenset(m.role_codes) for m in memberships}  # type: ignore[attr-defined]
            wanted = request.session.get(SESSION_KEY)
            current = next((m for m in memberships if m.organisation_id == wanted), None)
            if current is None and memberships:
                # A new session starts where the person last chose to work.
                current = max(
                    memberships,
                    key=lambda m: m.last_used_at or datetime.min.replace(tzinfo=UTC),
                )
                request.session[SESSION_KEY] = current.organisation_id
            if current is not None:
                request.organisation = current.organisation  # type: ignore[attr-defined]
                request.membership = current  # type: ignore[attr-defined]
                request.roles = user.visitt_roles[current.organisation_id]  # type: ignore[attr-defined]
            request.memberships = memberships  # type: ignore[attr-defined]
        return self.get_response(request)
