"""Object-level access to a visit's confidential records (notes, debrief).

The method keeps what is said at a walkround within the visit's leadership team; the
organisation's top leaders may read it too. Unit leaders (observers), action owners,
admins without a leadership role on the visit and other organisations never may.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from visitt.organisations.models import Role
from visitt.planning.models import Visit

TEAM_FIELDS = ("visit_leader_id", "coordinator_id", "secretary_id", "medical_advisor_id")


def is_on_team(user: Any, visit: Visit) -> bool:
    """Whether ``user`` is on the visit's leadership team (no query)."""
    pk = getattr(user, "pk", None)
    return pk is not None and any(getattr(visit, field) == pk for field in TEAM_FIELDS)


def can_read_notes(user: Any, visit: Visit, roles: Iterable[str]) -> bool:
    """Whether ``user``, holding ``roles`` in the visit's organisation, may read (and
    write) the visit's notes and debrief.

    ``roles`` must be the user's roles in the organisation the request acts for, and the
    visit must belong to it (look it up with get_in_organisation); a visit of another
    organisation is refused here as well, as a second line of defence.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    memberships = getattr(user, "visitt_roles", None)
    if memberships is not None and visit.organisation_id not in memberships:
        return False
    if Role.TOP_LEADER in frozenset(roles):
        return True
    return is_on_team(user, visit)
