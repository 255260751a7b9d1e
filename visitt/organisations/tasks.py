from __future__ import annotations

from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from visitt.core.emails import send_templated

from .invitations import new_token
from .models import Invitation


@task()
def send_invitation(invitation_id: int) -> None:
    """E-mails an invitation link. The token is made here, so it never sits in the task queue.

    Sending again makes a new link and retires the old one.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("organisation", "invited_by")
            .get(pk=invitation_id)
        )
        if not invitation.is_pending:
            return
        token, invitation.token_hash = new_token()
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["token_hash", "sent_at"])
    send_templated(
        "invitation",
        invitation.email,
        {
            "invitation": invitation,
            "organisation": invitation.organisation,
            "path": reverse("accept_invitation", args=[token]),
        },
        language=invitation.organisation.language,
    )
