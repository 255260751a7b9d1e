"""Several nodes on one PostgreSQL (issue 7): two gunicorn app servers and two
db_workers. The daily commands run on both nodes at the same moment send each notice
once; two people saving the same note through different servers get the conflict, never
a lost update; a worker killed mid-task leaves no duplicate e-mail."""

from __future__ import annotations

import email
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from .servers import (
    PYTHON,
    ROOT,
    Browser,
    Server,
    SmtpSink,
    app_environment,
    manage,
    run_python,
    start_worker,
)

pytestmark = pytest.mark.ops

TOP_LEADER = "toppleder@demo.visitt.no"

# The day on which the most demo visits get their reminder one week before.
BUSIEST_REMINDER_DAY = """
import json
from collections import Counter
from visitt.planning.reminders import due_visits, reminder_date
from visitt.planning.visits import Visit
days = Counter(
    reminder_date(visit.date)
    for visit in Visit.objects.filter(
        status__in=[Visit.Status.PLANNED, Visit.Status.CONFIRMED], reminder_sent_at=None
    )
)
day = max(days, key=lambda d: (due_visits(d).count(), d))
print(json.dumps({"today": day.isoformat(), "due": due_visits(day).count()}))
"""

TASKS_LEFT = """
import json
from django_tasks_db.models import DBTaskResult
print(json.dumps(DBTaskResult.objects.exclude(status__in=["SUCCESSFUL", "FAILED"]).count()))
"""

A_VISIT_AND_A_QUESTION = """
import json
from visitt.planning.visits import Visit
from visitt.walkround.questions import Question
visit = Visit.objects.filter(organisation__name="Demo kommune").order_by("-date").first()
question = Question.objects.filter(organisation=visit.organisation).order_by("-pk").first()
print(json.dumps({"visit": visit.pk, "question": question.pk}))
"""


def environment_for(database_url: str, tmp_path: Path, sink: SmtpSink | None = None) -> dict:
    return app_environment(database_url, tmp_path / "media", **(sink.environment() if sink else {}))


def on_both_nodes_at_once(environment: dict, *command: str) -> list[str]:
    """Starts the same manage.py command twice at the same moment, as two nodes' cron."""
    runs = [
        subprocess.Popen(
            [PYTHON, "manage.py", *command],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _node in range(2)
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    return outputs


def wait_for_tasks(environment: dict, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while run_python(environment, TASKS_LEFT) != 0:
        assert time.monotonic() < deadline, "the workers did not finish the queued tasks"
        time.sleep(0.5)


def delivered(sink: SmtpSink) -> Counter:
    """Each delivered e-mail as (recipient, subject, text), counted."""
    counts: Counter = Counter()
    for recipients, raw in sink.messages:
        message = email.message_from_string(raw)
        text = ""
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                text = part.get_payload(decode=True).decode("utf-8", "replace")
                break
        for recipient in recipients:
            counts[(recipient, str(message["Subject"]), text)] += 1
    return counts


def assert_each_sent_once(sink: SmtpSink) -> None:
    counts = delivered(sink)
    assert counts, "nothing was sent"
    duplicates = {key[:2]: count for key, count in counts.items() if count > 1}
    assert not duplicates, f"sent more than once: {duplicates}"


def test_reminders_run_on_both_nodes_at_once_are_sent_once(tmp_path, seeded_postgres, smtp_sink):
    environment = environment_for(seeded_postgres, tmp_path, smtp_sink)
    busiest = run_python(environment, BUSIEST_REMINDER_DAY)
    assert isinstance(busiest, dict) and busiest["due"] > 0
    workers = [start_worker(environment, tmp_path / f"worker-{n}.log", f"w{n}") for n in (1, 2)]
    try:
        outputs = on_both_nodes_at_once(environment, "send_reminders", "--today", busiest["today"])
        queued = [int(output.split("Queued ")[1].split()[0]) for output in outputs]
        # The nodes share the work: each visit is claimed by exactly one of them.
        assert sum(queued) == busiest["due"]
        wait_for_tasks(environment)
    finally:
        for worker in workers:
            worker.stop()
    assert_each_sent_once(smtp_sink)
    reminders = [key for key in delivered(smtp_sink)]
    assert len({(recipient, subject) for recipient, subject, _ in reminders}) == len(reminders)


def test_followup_notices_run_on_both_nodes_at_once_are_sent_once(
    tmp_path, seeded_postgres, smtp_sink
):
    environment = environment_for(seeded_postgres, tmp_path, smtp_sink)
    on_both_nodes_at_once(environment, "send_followup_notices")
    assert_each_sent_once(smtp_sink)
    sent_before = len(smtp_sink.messages)
    # A third run the same day finds everything sent.
    on_both_nodes_at_once(environment, "send_followup_notices")
    assert len(smtp_sink.messages) == sent_before


def test_the_same_note_saved_through_two_servers_conflicts_instead_of_losing_an_update(
    tmp_path, seeded_postgres
):
    environment = environment_for(seeded_postgres, tmp_path)
    target = run_python(environment, A_VISIT_AND_A_QUESTION)
    assert isinstance(target, dict)
    servers = [Server(environment, tmp_path / f"server-{n}.log") for n in (1, 2)]
    try:
        first, second = (Browser(server.url) for server in servers)
        first.sign_in(TOP_LEADER)
        second.sign_in(TOP_LEADER)
        url = f"/visitter/{target['visit']}/notater/"
        json_please = {"Accept": "application/json"}
        # Both opened the note at version 0; the first saves through node 1 ...
        saved = first.post(
            url,
            {"question": target["question"], "text": "From node one", "version": 0},
            headers=json_please,
        )
        assert saved.json()["status"] == "saved"
        # ... and the second, still on version 0, through node 2: a conflict.
        conflict = second.post(
            url,
            {"question": target["question"], "text": "From node two", "version": 0},
            headers=json_please,
        )
        assert conflict.status_code == 409
        assert conflict.json()["text"] == "From node one"
        # Without JavaScript the page shows the conflict, also 409.
        page = second.post(
            url, {"question": target["question"], "text": "From node two", "version": 0}
        )
        assert page.status_code == 409
        # Merged on the stored version, it is saved.
        merged = second.post(
            url,
            {
                "question": target["question"],
                "text": "From node one and two",
                "version": conflict.json()["version"],
            },
            headers=json_please,
        )
        assert merged.json()["status"] == "saved"
    finally:
        for server in servers:
            server.stop()


# Claims one upcoming visit's reminder and queues it, with two addresses to send to.
ONE_REMINDER_FOR_TWO = """
import json
from django.utils import timezone
from visitt.planning.reminders import claim
from visitt.planning.tasks_reminders import reminder_recipients, send_visit_reminder
from visitt.accounts.models import User
from visitt.planning.visits import Visit
visit = (
    Visit.objects.filter(
        status__in=[Visit.Status.PLANNED, Visit.Status.CONFIRMED],
        reminder_sent_at=None,
        date__gte=timezone.localdate(),
    )
    .order_by("date", "pk")
    .first()
)
Visit.objects.filter(pk=visit.pk).update(
    contact_email="kontaktperson@demo.visitt.no",
    unit_leader=User.objects.get(email="enhetsleder@demo.visitt.no"),
)
assert claim(visit.pk)
send_visit_reminder.enqueue(visit.pk)
print(json.dumps(reminder_recipients(Visit.objects.select_related("unit_leader").get(pk=visit.pk))))
"""


def test_a_worker_killed_mid_task_is_picked_up_again_without_a_duplicate_e_mail(
    tmp_path, seeded_postgres, smtp_sink
):
    environment = environment_for(seeded_postgres, tmp_path, smtp_sink)
    first, second = run_python(environment, ONE_REMINDER_FOR_TWO)  # type: ignore[misc]
    # The worker sends to the first address, then hangs on the second: kill it there.
    smtp_sink.hold(second)
    doomed = start_worker(environment, tmp_path / "doomed.log", "doomed")
    try:
        assert smtp_sink.holding.wait(timeout=60), doomed.output()
    finally:
        doomed.kill()
        smtp_sink.release()
    assert (smtp_sink.to(first), smtp_sink.to(second)) == (1, 0)
    assert run_python(environment, TASKS_LEFT) == 1  # django-tasks-db leaves it RUNNING

    # The next run of a daily command (on any node) puts it back in the queue; a date
    # with nothing due, so that only the abandoned task sends anything.
    output = manage(
        environment, "send_reminders", "--today", "2000-01-03", "--requeue-tasks-after", "0"
    )
    assert "Put 1 abandoned task(s) back in the queue." in output
    rescuer = start_worker(environment, tmp_path / "rescuer.log", "rescuer")
    try:
        wait_for_tasks(environment)
    finally:
        rescuer.stop()
    # Picked up again: the second address gets its reminder, the first no duplicate.
    assert (smtp_sink.to(first), smtp_sink.to(second)) == (1, 1)


# --- The recovery, in process ---------------------------------------------------------


def test_requeue_puts_back_only_tasks_running_longer_than_the_threshold(db):
    from datetime import timedelta

    from django.tasks.base import TaskResultStatus
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from visitt.core.emails import requeue_abandoned_tasks

    def running_since(minutes_ago: int) -> DBTaskResult:
        return DBTaskResult.objects.create(
            args_kwargs={"args": [1], "kwargs": {}},
            task_path="visitt.planning.tasks_reminders.send_visit_reminder",
            backend_name="default",
            run_after=timezone.now(),
            status=TaskResultStatus.RUNNING,
            started_at=timezone.now() - timedelta(minutes=minutes_ago),
        )

    abandoned, busy = running_since(45), running_since(2)
    assert requeue_abandoned_tasks(timedelta(minutes=30)) == 1
    abandoned.refresh_from_db()
    busy.refresh_from_db()
    assert (abandoned.status, busy.status) == (TaskResultStatus.READY, TaskResultStatus.RUNNING)


def test_a_reminder_run_again_after_a_crash_sends_each_address_once(world):
    from datetime import date, time
    from unittest import mock

    from django.core import mail

    from visitt.core import emails
    from visitt.planning.reminders import claim
    from visitt.planning.tasks_reminders import send_visit_reminder
    from visitt.planning.visits import Visit

    visit = Visit.objects.create(
        organisation=world.org,
        unit=world.unit,
        date=date(2026, 12, 14),
        start_time=time(13, 0),
        visit_leader=world.top_leader,
        coordinator=world.coordinator,
        unit_leader=world.unit_leader,
        contact_email="kontakt@solbakken.no",
        created_by=world.coordinator,
    )
    assert claim(visit.pk)
    calls: list[str] = []

    def dies_on_the_second(name, to, context, language):
        calls.append(to)
        if len(calls) == 2:
            raise OSError("the worker died here")
        emails.send_templated(name, to, context, language)

    with (
        mock.patch("visitt.planning.tasks_reminders.send_templated", dies_on_the_second),
        pytest.raises(OSError),
    ):
        send_visit_reminder.call(visit.pk)
    send_visit_reminder.call(visit.pk)  # the task, picked up again

    sent_to = sorted(address for message in mail.outbox for address in message.to)
    assert sent_to == sorted(["kontakt@solbakken.no", world.unit_leader.email])
