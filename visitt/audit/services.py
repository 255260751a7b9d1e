"""Writing to the audit trail. Every state change and every read of a confidential
record calls record() once."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from .models import AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # Behind a reverse proxy the first X-Forwarded-For entry is the client.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    ip = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR")
    return ip or None


def record(
    request: HttpRequest | None,
    action: str,
    *,
    target: models.Model | None = None,
    organisation: Any = "current",
    actor: Any = "current",
    **data: Any,
) -> AuditEvent:
    """Writes one audit event (one query).

    The organisation and actor default to the request's; pass None to leave them empty.
    """
    if organisation == "current":
        organisation = getattr(request, "organisation", None)
    if actor == "current":
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    return AuditEvent.objects.create(
        organisation=organisation,
        actor=actor,
        actor_email=getattr(actor, "email", "") or "",
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:200] if target is not None else "",
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:300],
        data=data,
    )
