"""The reminder one week before, sent by the task worker. Queued by send_due_reminders()
after it has claimed the visit; takes the visit's key only (no personal data in the queue)."""

from __future__ import annotations

from django.tasks import task

from visitt.audit.models import AuditEvent
from visitt.audit.services import record
from visitt.core.emails import already_sent, record_sent, send_templated

from .checklist import ChecklistItem, tick
from .preparation import staff_input_url
from .visits import Visit


def reminder_recipients(visit: Visit) -> list[str]:
    """The contact person and the unit leader, whoever has an address, each once (no query
    when the unit leader is loaded)."""
    addresses: list[str] = []
    for address in (visit.contact_email, getattr(visit.unit_leader, "email", "")):
        if address and address.lower() not in {a.lower() for a in addresses}:
            addresses.append(address)
    return addresses


@task()
def send_visit_reminder(visit_id: int) -> int:
    """E-mails the reminder for a claimed visit; returns how many e-mails were sent.

    1. Reload the visit. If it was postponed after the claim (postpone() clears the
       claim), send nothing: the daily run reminds of the new date in due time.
    2. Send one e-mail per recipient not already reached by this claim.
    3. If nothing could be sent, release the claim so tomorrow's run tries again;
       once anything is sent, the claim stays, so no one gets it twice.
    4. Tick "confirmation one week before" and audit it.
    """
    visit = (
        Visit.objects.select_related(
            "organisation", "unit", "unit_leader", "visit_leader", "coordinator"
        )
        .filter(pk=visit_id)
        .first()
    )
    if visit is None or visit.reminder_sent_at is None or visit.is_conducted:
        return 0
    recipients = reminder_recipients(visit)
    context = {
        "visit": visit,
        "organisation": visit.organisation,
        "participants": list(visit.participants.select_related("profession")),
        "staff_input_url": staff_input_url(visit),
    }
    # One claim, one reminder per address: a run again after a worker died skips the
    # addresses the first run reached (still counted as sent, so the claim stays).
    ledger_key = f"reminder:{visit.pk}:{visit.reminder_sent_at.isoformat()}"
    sent = 0
    try:
        for address in recipients:
            if not already_sent(ledger_key, address):
                send_templated(
                    "visit_reminder", address, context, language=visit.organisation.language
                )
                record_sent(ledger_key, address)
            sent += 1
    finally:
        if sent:
            tick(visit, ChecklistItem.Key.CONFIRMATION)
            record(
                None,
                AuditEvent.Action.REMINDER_SENT,
                target=visit,
                organisation=visit.organisation,
                actor=None,
                recipients=sent,
            )
        else:
            Visit.objects.filter(pk=visit.pk, reminder_sent_at=visit.reminder_sent_at).update(
                reminder_sent_at=None
            )
    return sent
