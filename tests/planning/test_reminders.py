"""The reminder one week before: when it is due, the daily command that claims it once,
and the e-mail the task sends."""

from __future__ import annotations

from datetime import date, time, timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.tasks import default_task_backend
from django.utils import translation
from django.utils.translation import gettext

from tests.conftest import World
from visitt.audit.models import AuditEvent
from visitt.planning.checklist import ChecklistItem
from visitt.planning.group import Participant, Profession
from visitt.planning.models import Visit
from visitt.planning.reminders import (
    _last_visit_date_due,
    claim,
    due_visits,
    reminder_date,
    send_due_reminders,
)
from visitt.planning.tasks_reminders import reminder_recipients, send_visit_reminder

# An ordinary week: Wednesday 25 November 2026 is a working day, as is the 18th.
VISIT_DAY = date(2026, 11, 25)
REMINDER_DAY = date(2026, 11, 18)


@pytest.fixture
def queued():
    """The tasks enqueued during the test (test settings use Django's DummyBackend)."""
    default_task_backend.clear()
    yield default_task_backend.results
    default_task_backend.clear()


def make_visit(world: World, day: date = VISIT_DAY, **fields) -> Visit:
    values = {
        "organisation": world.org,
        "unit": world.unit,
        "date": day,
        "start_time": time(13, 0),
        "place": "Personalrommet, 2. etasje",
        "visit_leader": world.top_leader,
        "coordinator": world.coordinator,
        "unit_leader": world.unit_leader,
        "contact_name": "Kari Kontakt",
        "contact_email": "kontakt@solbakken.no",
        "created_by": world.coordinator,
    }
    values.update(fields)
    return Visit.objects.create(**values)


def queued_visits(results) -> list[int]:
    return [result.args[0] for result in results if result.task.name == send_visit_reminder.name]


# --- When the reminder is due ------------------------------------------------------------


@pytest.mark.parametrize(
    ("visit_day", "expected"),
    [
        pytest.param(date(2026, 11, 25), date(2026, 11, 18), id="an ordinary Wednesday"),
        pytest.param(date(2026, 11, 23), date(2026, 11, 16), id="a Monday: the Monday before"),
        pytest.param(date(2026, 11, 29), date(2026, 11, 20), id="a Sunday: back to Friday"),
        pytest.param(
            date(2026, 4, 13),
            date(2026, 4, 1),
            id="after Easter 2026: Easter Monday, Good Friday, Maundy Thursday are skipped",
        ),
        pytest.param(date(2026, 4, 9), date(2026, 4, 1), id="Thursday after Easter"),
        pytest.param(date(2027, 5, 24), date(2027, 5, 14), id="17 May 2027 is a Monday"),
        pytest.param(date(2028, 5, 24), date(2028, 5, 16), id="17 May 2028 is a Wednesday"),
        pytest.param(date(2026, 5, 21), date(2026, 5, 13), id="Ascension Day 2026"),
        pytest.param(date(2027, 1, 2), date(2026, 12, 24), id="Christmas: 26 and 25 Dec skipped"),
        pytest.param(date(2027, 1, 4), date(2026, 12, 28), id="28 Dec is a working day"),
        pytest.param(date(2027, 1, 8), date(2026, 12, 31), id="New Year's Eve is a working day"),
    ],
)
def test_reminder_date_is_seven_calendar_days_before_on_a_working_day(visit_day, expected):
    assert reminder_date(visit_day) == expected


def test_the_due_window_agrees_with_reminder_date_every_day_of_two_years():
    # due_visits() filters with _last_visit_date_due(); it must say exactly what
    # reminder_date() says, including around every holiday.
    today = date(2026, 1, 1)
    while today < date(2028, 1, 1):
        last = _last_visit_date_due(today)
        assert reminder_date(last) <= today, today
        assert reminder_date(last + timedelta(days=1)) > today, today
        today += timedelta(days=1)


def test_a_visit_is_due_from_its_reminder_date_until_the_visit_day(world):
    visit = make_visit(world)

    assert visit not in due_visits(REMINDER_DAY - timedelta(days=1))
    assert visit in due_visits(REMINDER_DAY)
    assert visit in due_visits(VISIT_DAY - timedelta(days=1))  # a missed run catches up
    assert visit in due_visits(VISIT_DAY)
    assert visit not in due_visits(VISIT_DAY + timedelta(days=1))


def test_a_friday_run_takes_the_weekend_visits_of_the_week_after(world):
    friday = date(2026, 11, 20)
    saturday_visit = make_visit(world, date(2026, 11, 28))
    sunday_visit = make_visit(world, date(2026, 11, 29))
    monday_visit = make_visit(world, date(2026, 11, 30))

    assert set(due_visits(friday)) == {saturday_visit, sunday_visit}
    assert monday_visit in due_visits(date(2026, 11, 23))


def test_a_visit_that_is_reminded_conducted_or_without_addresses_is_not_due(world):
    reminded = make_visit(world)
    Visit.objects.filter(pk=reminded.pk).update(reminder_sent_at="2026-11-18T08:00:00+01:00")
    conducted = make_visit(world, status=Visit.Status.CONDUCTED)
    nobody = make_visit(world, unit_leader=None, contact_email="")
    contact_only = make_visit(world, unit_leader=None)
    leader_only = make_visit(world, contact_email="")
    confirmed = make_visit(world, status=Visit.Status.CONFIRMED)

    due = set(due_visits(REMINDER_DAY))

    assert reminded not in due and conducted not in due and nobody not in due
    assert {contact_only, leader_only, confirmed} <= due


def test_a_claim_is_granted_once(world):
    visit = make_visit(world)

    assert claim(visit.pk) is True
    assert claim(visit.pk) is False
    visit.refresh_from_db()
    assert visit.reminder_sent_at is not None


# --- The daily command ---------------------------------------------------------------------


def test_the_command_queues_one_task_per_due_visit_with_its_key_only(world, queued):
    due = make_visit(world)
    later = make_visit(world, VISIT_DAY + timedelta(days=14))
    out = StringIO()

    call_command("send_reminders", today=REMINDER_DAY.isoformat(), stdout=out)

    assert queued_visits(queued) == [due.pk]
    assert queued[0].args == [due.pk] and queued[0].kwargs == {}
    assert "Queued 1 reminder(s)." in out.getvalue()
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.reminder_sent_at is not None
    assert later.reminder_sent_at is None


def test_running_the_command_twice_queues_each_reminder_once(world, queued):
    first, second = make_visit(world), make_visit(world, VISIT_DAY + timedelta(days=1))

    call_command("send_reminders", today=REMINDER_DAY.isoformat(), verbosity=0)
    call_command("send_reminders", today=REMINDER_DAY.isoformat(), verbosity=0)
    call_command(
        "send_reminders", today=(REMINDER_DAY + timedelta(days=1)).isoformat(), verbosity=0
    )

    assert sorted(queued_visits(queued)) == sorted([first.pk, second.pk])


def test_the_command_refuses_a_date_it_cannot_read(db):
    with pytest.raises(CommandError):
        call_command("send_reminders", today="18.11.2026")


def test_a_failure_to_queue_releases_the_claim(world):
    visit = make_visit(world)

    with (
        mock.patch("visitt.planning.tasks_reminders.send_visit_reminder") as task,
        pytest.raises(RuntimeError),
    ):
        task.enqueue.side_effect = RuntimeError("queue down")
        send_due_reminders(REMINDER_DAY)

    visit.refresh_from_db()
    assert visit.reminder_sent_at is None
    assert visit in due_visits(REMINDER_DAY)


def test_sequential_runs_send_each_reminder_once_end_to_end(world, queued):
    visit = make_visit(world)
    for _run in range(3):
        send_due_reminders(REMINDER_DAY)
    for visit_pk in queued_visits(queued):
        send_visit_reminder.call(visit_pk)

    assert sorted(message.to[0] for message in mail.outbox) == [
        "enhetsleder@test.no",
        "kontakt@solbakken.no",
    ]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REMINDER_SENT).count() == 1
    assert visit.checklist.get(key=ChecklistItem.Key.CONFIRMATION).is_done


# --- The e-mail ----------------------------------------------------------------------------


def add_group(world: World, visit: Visit) -> None:
    Profession.ensure_defaults(world.org)
    professions = {p.name: p for p in Profession.objects.filter(organisation=world.org)}
    Participant.objects.create(visit=visit, name="Nina Natt", profession=professions["Sykepleier"])
    Participant.objects.create(
        visit=visit, name="Kjell Kjøkken", profession=professions["Kjøkkenpersonale"]
    )


def test_the_reminder_tells_date_place_group_and_what_to_check(world):
    visit = make_visit(world)
    add_group(world, visit)
    assert claim(visit.pk)

    sent = send_visit_reminder.call(visit.pk)

    assert sent == 2
    assert {m.to[0] for m in mail.outbox} == {"kontakt@solbakken.no", "enhetsleder@test.no"}
    message = mail.outbox[0]
    assert "Solbakken sykehjem" in message.subject
    assert "25.11.2026" in message.subject or "25. november 2026" in message.subject
    for body in (message.body, message.alternatives[0][0]):
        assert "Personalrommet, 2. etasje" in body
        assert "13:00" in body and "14:00" in body
        assert "Nina Natt" in body and "Sykepleier" in body
        assert "Kjell Kjøkken" in body and "Kjøkkenpersonale" in body
        assert "Tone Toppleder" in body
        assert visit.staff_input_token in body
    assert message.alternatives[0][1] == "text/html"


def test_the_reminder_is_in_the_organisations_language_form(world, settings):
    world.org.language = "nn"
    world.org.save(update_fields=["language"])
    visit = make_visit(world)
    assert claim(visit.pk)

    with mock.patch("visitt.planning.tasks_reminders.send_templated") as send:
        send_visit_reminder.call(visit.pk)

    assert {call.kwargs["language"] for call in send.call_args_list} == {"nn"}


def test_the_reminder_says_when_no_group_is_registered(world):
    visit = make_visit(world, unit_leader=None)
    assert claim(visit.pk)

    send_visit_reminder.call(visit.pk)

    assert len(mail.outbox) == 1
    with translation.override(world.org.language):
        expected = gettext(
            "No participants are registered yet. Please register the group before the visit."
        )
    assert expected in mail.outbox[0].body


def test_the_same_address_for_contact_and_leader_gets_one_e_mail(world):
    visit = make_visit(world, contact_email="ENHETSLEDER@test.no")

    assert reminder_recipients(visit) == ["ENHETSLEDER@test.no"]


def test_the_reminder_ticks_the_checklist_and_is_audited_without_an_actor(world):
    visit = make_visit(world)
    assert claim(visit.pk)

    send_visit_reminder.call(visit.pk)

    item = visit.checklist.get(key=ChecklistItem.Key.CONFIRMATION)
    assert item.is_done and item.done_by is None
    event = AuditEvent.objects.get(action=AuditEvent.Action.REMINDER_SENT)
    assert event.organisation == world.org
    assert event.actor is None and event.ip_address is None
    assert event.object_id == str(visit.pk)
    assert event.data == {"recipients": 2}


def test_a_task_for_a_visit_that_was_not_claimed_sends_nothing(world):
    visit = make_visit(world)

    assert send_visit_reminder.call(visit.pk) == 0
    assert mail.outbox == []


def test_a_task_for_a_deleted_visit_sends_nothing(db):
    assert send_visit_reminder.call(999999) == 0


def test_a_visit_postponed_after_the_claim_is_not_reminded_of_the_old_date(world):
    visit = make_visit(world)
    assert claim(visit.pk)
    visit.refresh_from_db()
    visit.postpone(
        to_date=VISIT_DAY + timedelta(days=21), to_time=None, reason="Sykdom", by=world.coordinator
    )

    assert send_visit_reminder.call(visit.pk) == 0
    assert mail.outbox == []


def test_if_no_e_mail_can_be_sent_the_claim_is_released_for_tomorrow(world):
    visit = make_visit(world)
    assert claim(visit.pk)

    with (
        mock.patch(
            "visitt.planning.tasks_reminders.send_templated", side_effect=OSError("smtp down")
        ),
        pytest.raises(OSError),
    ):
        send_visit_reminder.call(visit.pk)

    visit.refresh_from_db()
    assert visit.reminder_sent_at is None
    assert not visit.checklist.filter(done_at__isnull=False).exists()


def test_once_one_e_mail_is_sent_the_claim_stays_even_if_the_next_fails(world):
    visit = make_visit(world)
    assert claim(visit.pk)
    calls = []

    def flaky(name, to, context, language):
        calls.append(to)
        if len(calls) == 2:
            raise OSError("smtp down")

    with (
        mock.patch("visitt.planning.tasks_reminders.send_templated", side_effect=flaky),
        pytest.raises(OSError),
    ):
        send_visit_reminder.call(visit.pk)

    visit.refresh_from_db()
    assert visit.reminder_sent_at is not None  # never sent twice to the first address
    assert visit.checklist.get(key=ChecklistItem.Key.CONFIRMATION).is_done


# --- Postponing ----------------------------------------------------------------------------


def test_a_postponed_visit_gets_a_new_reminder_for_its_new_date(world, queued):
    visit = make_visit(world)
    send_due_reminders(REMINDER_DAY)
    send_visit_reminder.call(visit.pk)
    assert len(mail.outbox) == 2

    new_day = date(2026, 12, 9)
    visit.refresh_from_db()
    visit.postpone(
        to_date=new_day, to_time=None, reason="Enheten har utbrudd", by=world.coordinator
    )
    assert visit.reminder_sent_at is None

    assert send_due_reminders(REMINDER_DAY + timedelta(days=1)) == []  # not due yet
    assert send_due_reminders(reminder_date(new_day)) == [visit.pk]
    send_visit_reminder.call(visit.pk)

    assert len(mail.outbox) == 4
    assert "09.12.2026" in mail.outbox[-1].body or "9. desember 2026" in mail.outbox[-1].body
    assert queued_visits(queued) == [visit.pk, visit.pk]
