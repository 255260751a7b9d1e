"""Two coordinators (or a double click) sending the invitation at the same moment, and
two workers running the same task, send it once. Needs real row locks between
connections, so it runs on PostgreSQL (DATABASE_URL=postgres://...) and is skipped on
SQLite, which serialises all writers anyway."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.tasks.signals import task_enqueued

from tests.planning.test_letters import make_visit
from visitt.planning import letters
from visitt.planning.tasks_documents import send_visit_invitation

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="concurrent claims need PostgreSQL (set DATABASE_URL)",
)


def at_once(work: Callable[[], object], runs: int = 2) -> tuple[list, list[BaseException]]:
    """Runs ``work`` in ``runs`` threads that start together; returns results and errors."""
    barrier = threading.Barrier(runs, timeout=30)
    results: list = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait()
            result = work()
            with lock:
                results.append(result)
        except BaseException as error:  # pragma: no cover - reported by the caller
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def racing_claims(
    module: Any, work: Callable[[], object], runs: int = 2
) -> tuple[list, list[BaseException]]:
    """Runs ``work`` in ``runs`` threads (as at_once) that all read what is due before
    any of them claims a row, so that they race for every claim: ``module.claim`` waits,
    on each thread's first claim, until every thread has got that far."""
    barrier = threading.Barrier(runs, timeout=30)
    real_claim = module.claim
    started = threading.local()

    def claim_after_all_have_read(*args: Any, **kwargs: Any) -> Any:
        if not getattr(started, "yes", False):
            started.yes = True
            barrier.wait()
        return real_claim(*args, **kwargs)

    module.claim = claim_after_all_have_read
    try:
        return at_once(work, runs)
    finally:
        module.claim = real_claim


def test_two_sends_at_the_same_moment_queue_one_task(world, transactional_db):
    visit = make_visit(world)
    queued: list[list] = []

    def on_enqueued(sender, task_result, **kwargs):
        queued.append(task_result.args)

    # The task backend is per thread; the signal sees every enqueue.
    task_enqueued.connect(on_enqueued)
    try:
        results, errors = at_once(
            lambda: letters.request_invitation(visit, by=world.coordinator, last_sent=None)
        )
    finally:
        task_enqueued.disconnect(on_enqueued)

    assert errors == []
    assert sorted(result is None for result in results) == [False, True]
    assert queued == [[visit.pk]]
    assert letters.InvitationDispatch.objects.filter(visit=visit).count() == 1


def test_two_workers_running_the_task_at_once_send_one_e_mail_each(world, transactional_db):
    visit = make_visit(world)
    letters.request_invitation(visit, by=world.coordinator, last_sent=None)
    mail.outbox = []

    _results, errors = at_once(lambda: send_visit_invitation.call(visit.pk))

    assert errors == []
    assert sorted(m.to[0] for m in mail.outbox) == ["enhetsleder@test.no", "kontakt@test.no"]
