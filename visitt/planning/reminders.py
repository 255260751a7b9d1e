"""The confirmation one week before (Vedlegg 4, fase 1: "Bekreftelse en uke før").

Seven calendar days before the visit, or on the nearest working day before that, Visitt
e-mails the unit's contact person and the unit leader. A daily command
(`manage.py send_reminders`, run by cron) finds the visits that are due and claims each
one atomically before queueing its e-mail, so that running the command twice, or on two
machines at once, never sends a reminder twice.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from visitt.core.workdays import add_working_days, previous_working_day

from .visits import Visit, VisitQuerySet

DAYS_BEFORE = 7


def reminder_date(visit_date: date) -> date:
    """Seven calendar days before the visit, moved back to the nearest working day if
    that is not one. A visit on Monday 13 April 2026 is reminded on Wednesday 1 April:
    the 6th is Easter Monday, and Maundy Thursday and Good Friday come before it."""
    return previous_working_day(visit_date - timedelta(days=DAYS_BEFORE))


def _last_visit_date_due(today: date) -> date:
    """The latest visit date whose reminder date is today or earlier.

    previous_working_day() never moves forward and never skips a working day, so
    reminder_date(d) <= today exactly when no working day lies between today and
    d - 7: that is, when d - 7 comes before the next working day after today.
    """
    return add_working_days(today, 1) + timedelta(days=DAYS_BEFORE - 1)


def due_visits(today: date | None = None) -> VisitQuerySet:
    """Planned or confirmed visits from today on whose reminder date has come, that have
    no reminder yet and someone to send it to (a query when evaluated)."""
    today = today or timezone.localdate()
    return (
        Visit.objects.filter(
            status__in=[Visit.Status.PLANNED, Visit.Status.CONFIRMED],
            reminder_sent_at=None,
            date__gte=today,
            date__lte=_last_visit_date_due(today),
        )
        .filter(Q(unit_leader__isnull=False) | ~Q(contact_email=""))
        .order_by("date", "pk")
    )


def claim(visit_pk: int) -> bool:
    """Marks the reminder as sent, if no one else has (one query). Only the caller that
    gets True may send it."""
    return (
        Visit.objects.filter(pk=visit_pk, reminder_sent_at=None).update(
            reminder_sent_at=timezone.now()
        )
        == 1
    )


def send_due_reminders(today: date | None = None) -> list[int]:
    """Claims every due visit and queues its reminder; returns the claimed visits' keys.

    1. Read the due visits (one query).
    2. For each, claim it with a conditional UPDATE; a concurrent run that claimed it
       first makes the row count 0, and this run skips it.
    3. Queue the e-mail in the same transaction as the claim, so that a failure to
       queue releases the claim and tomorrow's run tries again.
    """
    from .tasks_reminders import send_visit_reminder

    claimed = []
    for visit_pk in list(due_visits(today).values_list("pk", flat=True)):
        with transaction.atomic():
            if not claim(visit_pk):
                continue
            send_visit_reminder.enqueue(visit_pk)
        claimed.append(visit_pk)
    return claimed
