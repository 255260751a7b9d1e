"""Inviting people into an organisation, and accepting an invitation."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from visitt.accounts.models import User
from visitt.audit.models import AuditEvent
from visitt.audit.services import record

from .models import INVITATION_VALIDITY, Invitation, Membership


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def find_invitation(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=hash_token(token))
        .exclude(token_hash="")
        .first()
    )


def invite(request, organisation, *, email: str, full_name: str, roles: list[str]) -> Invitation:
    """Creates the invitation and queues its e-mail once the transaction commits."""
    from .tasks import send_invitation

    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email.lower(),
        full_name=full_name,
        roles=sorted(set(roles)),
        invited_by=request.user,
        expires_at=timezone.now() + INVITATION_VALIDITY,
    )
    record(request, AuditEvent.Action.INVITATION_SENT, target=invitation, roles=invitation.roles)
    transaction.on_commit(lambda: send_invitation.enqueue(invitation.pk))
    return invitation


def resend(request, invitation: Invitation) -> None:
    from .tasks import send_invitation

    invitation.expires_at = timezone.now() + INVITATION_VALIDITY
    invitation.save(update_fields=["expires_at"])
    record(request, AuditEvent.Action.INVITATION_SENT, target=invitation, again=True)
    transaction.on_commit(lambda: send_invitation.enqueue(invitation.pk))


class InvitationNotPending(Exception):
    """The invitation was used, withdrawn or expired while the person was accepting it."""


def accept(request, invitation: Invitation, user: User) -> Membership:
    """Joins ``user`` to the invitation's organisation with its roles.

    An invitation is used once: the row is locked and checked again, so a double
    submit or a withdrawal at the same moment raises InvitationNotPending and the
    surrounding transaction (e.g. a new account) is rolled back.
    """
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_pending:
            raise InvitationNotPending
        membership, _created = Membership.objects.get_or_create(
            user=user, organisation=locked.organisation
        )
        if not membership.is_active:
            membership.reactivate()
        membership.set_roles(set(membership.role_codes) | set(locked.roles))
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at"])
        record(
            request,
            AuditEvent.Action.INVITATION_ACCEPTED,
            target=membership,
            organisation=locked.organisation,
            actor=user,
        )
    return membership
