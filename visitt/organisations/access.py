"""The one access layer: which organisation a request acts for, and who may do what.

Every view is wrapped in exactly one of these decorators:

- ``org_view(perm)`` — a signed-in, active member of the current organisation,
  holding ``perm`` (a ``rules`` permission checked against the organisation);
- ``public_view`` — deliberately open (sign-in, health check, invitation links).

tests/test_tenant_isolation.py fails for any URL whose view carries neither mark.
Objects are looked up through ``get_in_organisation``, never by primary key alone.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from visitt.accounts.models import User

    from .models import Membership, Organisation

    class OrgRequest(HttpRequest):
        """A request from a signed-in member, as org_view guarantees it."""

        user: User
        organisation: Organisation
        membership: Membership
        roles: frozenset[str]
        memberships: list[Membership]
else:
    OrgRequest = HttpRequest

ACCESS_MARK = "visitt_access"


def public_view[V: Callable[..., HttpResponseBase]](view: V) -> V:
    """Marks a view as open to anyone, on purpose."""
    setattr(view, ACCESS_MARK, "public")
    return view


def org_view[V: Callable[..., HttpResponseBase]](perm: str | None = None) -> Callable[[V], V]:
    """Requires a member of the current organisation, and ``perm`` when given.

    Anonymous users are sent to sign in; a member without the permission gets 403.
    """

    def decorator(view: V) -> V:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if getattr(request, "organisation", None) is None:
                return render(request, "organisations/no_membership.html", status=403)
            if perm and not request.user.has_perm(perm, request.organisation):  # type: ignore[attr-defined]
                raise PermissionDenied(_("Your role does not give access to this page."))
            return view(request, *args, **kwargs)

        setattr(wrapper, ACCESS_MARK, f"org:{perm or 'member'}")
        return wrapper  # type: ignore[return-value]

    return decorator


def get_in_organisation[M: models.Model](
    request: OrgRequest, queryset: type[M] | models.QuerySet[M], **lookup: Any
) -> M:
    """One object of the current organisation, or 404 (never another organisation's)."""
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    return get_object_or_404(queryset.filter(organisation=request.organisation), **lookup)
