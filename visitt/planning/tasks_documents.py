"""Background work for the visit's documents: e-mailing the invitation."""

from __future__ import annotations

from typing import Any

from django.tasks import task
from django.utils import timezone

from visitt.core.emails import send_templated

from . import calendar, checklist, documents
from .checklist import ChecklistItem
from .letters import InvitationDispatch
from .visits import Visit


@task()
def send_visit_invitation(visit_pk: int) -> None:
    """E-mails the invitation letter (PDF) and a calendar invitation (.ics) to the unit
    leader and the contact person, one e-mail each.

    1. Claim the newest dispatch the view queued, so a task that runs twice (a retry,
       two workers) sends nothing the second time.
    2. Render the letter and the calendar event as they are now.
    3. Send, then tick "invitation sent" on the checklist.
    """
    # 1. Claim.
    dispatch = (
        InvitationDispatch.objects.filter(visit_id=visit_pk, sent_at=None)
        .select_related("requested_by")
        .order_by("-requested_at", "-pk")
        .first()
    )
    if dispatch is None:
        return
    now = timezone.now()
    if not InvitationDispatch.objects.filter(pk=dispatch.pk, sent_at=None).update(sent_at=now):
        return
    # Older requests whose task never ran are covered by this sending.
    InvitationDispatch.objects.filter(visit_id=visit_pk, sent_at=None, pk__lt=dispatch.pk).update(
        sent_at=now
    )

    # 2. Render.
    visit = Visit.objects.with_team().select_related("organisation").get(pk=visit_pk)
    letter, pdf = documents.invitation_pdf(visit)
    ics = calendar.visit_ics(visit)

    # 3. Send. If nothing went out, release the claim so that the task can be retried.
    sent = 0
    try:
        for recipient in dispatch.recipients:
            _send(visit, letter, recipient, pdf, ics)
            sent += 1
    except Exception:
        if sent == 0:
            InvitationDispatch.objects.filter(pk=dispatch.pk).update(sent_at=None)
        raise
    checklist.tick(visit, ChecklistItem.Key.INVITATION_SENT, by=dispatch.requested_by)


def _send(
    visit: Visit,
    letter: documents.Letter,
    recipient: dict[str, str],
    pdf: bytes,
    ics: bytes,
) -> None:
    language = visit.organisation.language
    context: dict[str, Any] = {
        "organisation": visit.organisation,
        "visit": visit,
        "recipient_name": recipient.get("name", ""),
        "date": documents.long_date(visit.date, language),
        "time": documents.time_span(visit),
        "place": visit.place or visit.unit.name,
        "visit_leader": visit.visit_leader,
        "subject": letter.subject,
    }
    send_templated(
        "visit_invitation",
        recipient["email"],
        context,
        language,
        attachments=[
            (f"{letter.filename_stem}.pdf", pdf, "application/pdf"),
            ("visitt.ics", ics, "text/calendar"),
        ],
    )
