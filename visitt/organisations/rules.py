"""Who may do what in an organisation, as ``rules`` permissions on the Organisation.

The roles of the current membership are loaded once per request by the middleware
(``request.roles``) and mirrored on the user, so checks cost no query.
"""

from __future__ import annotations

from typing import Any

import rules

from .models import Role


def _roles_in(user: Any, organisation: Any) -> frozenset[str]:
    if organisation is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    return getattr(user, "visitt_roles", {}).get(organisation.pk, frozenset())


def has_role(*roles: str) -> rules.Predicate:
    wanted = frozenset(roles)

    @rules.predicate(name=f"has_role({','.join(sorted(wanted))})")
    def predicate(user: Any, organisation: Any) -> bool:
        return bool(_roles_in(user, organisation) & wanted)

    return predicate


@rules.predicate
def is_member(user: Any, organisation: Any) -> bool:
    return organisation is not None and organisation.pk in getattr(user, "visitt_roles", {})


is_admin = has_role(Role.ADMIN)

rules.add_perm("organisations.view_organisation", is_member)
rules.add_perm("organisations.manage_organisation", is_admin)
rules.add_perm("organisations.manage_units", is_admin)
rules.add_perm("organisations.manage_people", is_admin)
rules.add_perm("audit.view_auditevent", is_admin | has_role(Role.TOP_LEADER))
