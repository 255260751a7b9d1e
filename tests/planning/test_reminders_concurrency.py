"""Two runs of the daily reminder command at the same moment (two machines, or cron
overlapping a manual run) never queue a reminder twice. Needs real row locks between
connections, so it runs on PostgreSQL (DATABASE_URL=postgres://...) and is skipped on
SQLite, which serialises all writers anyway."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.tasks.signals import task_enqueued

from tests.planning.test_letters_concurrency import racing_claims
from tests.planning.test_reminders import REMINDER_DAY, VISIT_DAY, make_visit
from visitt.planning import reminders
from visitt.planning.tasks_reminders import send_visit_reminder

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="concurrent claims need PostgreSQL (set DATABASE_URL)",
)

RUNS = 2
# Late enough for all the visits below (the 25th to the 27th of November).
TODAY = REMINDER_DAY + timedelta(days=2)


def test_two_concurrent_runs_queue_every_reminder_exactly_once(world, transactional_db):
    visits = [make_visit(world, VISIT_DAY + timedelta(days=i % 3)) for i in range(12)]
    queued: list[int] = []
    lock = threading.Lock()

    def on_enqueued(sender, task_result, **kwargs):
        with lock:
            queued.append(task_result.args[0])

    # Both runs read the same due visits before either claims one, so that they race
    # for every row.
    task_enqueued.connect(on_enqueued)
    try:
        claimed, errors = racing_claims(
            reminders, lambda: reminders.send_due_reminders(TODAY), RUNS
        )
    finally:
        task_enqueued.disconnect(on_enqueued)

    assert errors == []
    assert len(claimed) == RUNS
    every_claim = [pk for run_claims in claimed for pk in run_claims]
    assert sorted(every_claim) == sorted(v.pk for v in visits)  # each once, none lost
    assert sorted(queued) == sorted(v.pk for v in visits)

    # And the e-mails that follow: two per visit (contact person and unit leader).
    for visit_pk in queued:
        send_visit_reminder.call(visit_pk)
    assert len(mail.outbox) == 2 * len(visits)

    # A third run afterwards finds nothing left to do.
    assert reminders.send_due_reminders(TODAY) == []
