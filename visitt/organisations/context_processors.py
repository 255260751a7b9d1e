from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from visitt.reports.views_learning import is_learning_page


def organisation(request: HttpRequest) -> dict[str, Any]:
    """The current organisation and the user's roles, for the layout's header and menu."""
    user = getattr(request, "user", None)
    org = getattr(request, "organisation", None)
    can = {}
    if user is not None and user.is_authenticated and org is not None:
        can = {
            "manage_organisation": user.has_perm("organisations.manage_organisation", org),
            "view_audit": user.has_perm("audit.view_auditevent", org),
            "view_visits": user.has_perm("planning.view_visits", org),
            "manage_visits": user.has_perm("planning.manage_visits", org),
            "view_preparation": user.has_perm("planning.view_preparation", org),
            "manage_questions": user.has_perm("walkround.manage_questions", org),
            "own_actions": user.has_perm("followup.own_actions", org),
            "view_learning": user.has_perm("reports.view_learning", org),
            "view_agenda": user.has_perm("reports.view_agenda", org),
            "view_library": user.has_perm("improvement.view_library", org),
            "view_surveys": user.has_perm("improvement.view_surveys", org),
        }
    return {
        "current_organisation": org,
        "current_roles": getattr(request, "roles", frozenset()),
        "my_memberships": getattr(request, "memberships", []),
        "can": can,
        "in_learning": can
        and is_learning_page(getattr(getattr(request, "resolver_match", None), "url_name", None)),
    }
