"""Whether a person must use two-factor sign-in, from their organisations' policies."""

from __future__ import annotations

from typing import Any


def two_factor_required(user: Any) -> bool:
    """True when any organisation the person is an active member of requires it for
    one of their roles there. Two queries (memberships, then their role grants)."""
    from visitt.organisations.models import Membership

    memberships = (
        Membership.objects.active()
        .filter(user_id=user.pk, organisation__is_active=True)
        .select_related("organisation")
        .prefetch_related("grants")
    )
    return any(m.organisation.requires_two_factor(m.role_codes) for m in memberships)
