from __future__ import annotations

from typing import Any

from django import template

from visitt.accounts.policy import two_factor_required as _two_factor_required

register = template.Library()


@register.simple_tag
def two_factor_required(user: Any) -> bool:
    """{% two_factor_required user as required %}: two queries."""
    return bool(user.is_authenticated) and _two_factor_required(user)
