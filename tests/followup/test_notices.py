"""The daily follow-up notices: what is due for whom, each notice once, the digest, the
language, and nothing from another organisation."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_user
from tests.followup.notices_support import (
    at,
    conducted_visit,
    day_before,
    make_action,
    sent,
    with_minutes,
)
from visitt.followup import notify
from visitt.followup.feedback import Feedback
from visitt.followup.minutes import Minutes, minutes_deadline
from visitt.followup.notices import Notice
from visitt.followup.plans import Action
from visitt.followup.services_visits import plan_follow_up_visit
from visitt.followup.tasks_notices import send_followup_notices_task
from visitt.organisations.models import Membership, Role
from visitt.planning.models import Visit
from visitt.planning.reminders import due_visits, reminder_date

K = Notice.Kind


def notices(kind: str | None = None) -> list[tuple[str, str]]:
    """(kind, recipient e-mail) of the recorded notices, sorted."""
    rows = Notice.objects.select_related("recipient")
    if kind:
        rows = rows.filter(kind=kind)
    return sorted((n.kind, n.recipient.email) for n in rows)


def due(today: date, kind: str) -> list[tuple[int, str]]:
    """(visit, recipient e-mail) of what is due today of one kind, without recording it."""
    from visitt.accounts.models import User

    items = [d for d in notify.due_notices(today) if d.kind == kind]
    emails = dict(User.objects.values_list("pk", "email"))
    return sorted((d.visit.pk, emails[d.recipient_id]) for d in items)


# --- Minutes due tomorrow -------------------------------------------------------------


@pytest.mark.parametrize(
    ("visit_day", "deadline", "announced"),
    [
        pytest.param(
            date(2026, 11, 16), date(2026, 11, 20), date(2026, 11, 19), id="ordinary week"
        ),
        pytest.param(
            date(2026, 11, 17), date(2026, 11, 23), date(2026, 11, 20), id="Monday: on Friday"
        ),
        pytest.param(
            date(2026, 3, 27),
            date(2026, 4, 7),
            date(2026, 4, 1),
            id="Tuesday after Easter: on the Wednesday before",
        ),
        pytest.param(
            date(2027, 5, 11), date(2027, 5, 18), date(2027, 5, 14), id="after 17 May 2027"
        ),
        pytest.param(
            date(2026, 12, 21),
            date(2026, 12, 28),
            date(2026, 12, 24),
            id="after Christmas: on Christmas Eve",
        ),
    ],
)
def test_minutes_due_are_announced_on_the_last_working_day_before(
    world, visit_day, deadline, announced
):
    visit = conducted_visit(world, visit_day)
    with_minutes(visit)
    assert minutes_deadline(visit_day) == deadline

    assert due(day_before(announced), K.MINUTES_DUE) == []
    assert due(announced, K.MINUTES_DUE) == [(visit.pk, "sekretaer@test.no")]
    # The days between (a weekend, the holidays) still find it, and the claim stops a
    # second notice; on the deadline day it is no longer "due tomorrow".
    assert due(deadline, K.MINUTES_DUE) == []


def test_a_friday_run_announces_a_monday_deadline_and_the_weekend_sends_nothing_more(world):
    visit = conducted_visit(world, date(2026, 11, 17))  # deadline Monday 23 November
    with_minutes(visit)

    for day in (date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22)):
        notify.send_followup_notices(day)

    assert notices() == [(K.MINUTES_DUE, "sekretaer@test.no")]
    assert len(mail.outbox) == 1


def test_a_visit_without_minutes_is_due_too_and_signed_minutes_are_not(world):
    missing = conducted_visit(world, date(2026, 11, 16))
    signed = conducted_visit(world, date(2026, 11, 16), status=Visit.Status.MINUTES_SIGNED)
    with_minutes(signed, Minutes.Status.SIGNED)
    planned = conducted_visit(world, date(2026, 11, 16), status=Visit.Status.PLANNED)

    assert due(date(2026, 11, 19), K.MINUTES_DUE) == [(missing.pk, "sekretaer@test.no")]
    assert planned.pk not in {v for v, _ in due(date(2026, 11, 23), K.MINUTES_OVERDUE)}


def test_without_a_secretary_the_coordinator_is_told(world):
    visit = conducted_visit(world, date(2026, 11, 16), secretary=None)

    assert due(date(2026, 11, 19), K.MINUTES_DUE) == [(visit.pk, "koordinator@test.no")]


# --- Minutes overdue ------------------------------------------------------------------


def test_overdue_minutes_go_to_the_secretary_and_the_visit_leader_from_the_day_after(world):
    visit = conducted_visit(world, date(2026, 3, 27))  # deadline Tuesday 7 April 2026
    with_minutes(visit, Minutes.Status.IN_REVIEW)
    no_minutes = conducted_visit(world, date(2026, 3, 27), visit_leader=world.coordinator)

    assert due(date(2026, 4, 7), K.MINUTES_OVERDUE) == []
    assert due(date(2026, 4, 8), K.MINUTES_OVERDUE) == [
        (visit.pk, "sekretaer@test.no"),
        (visit.pk, "toppleder@test.no"),
        (no_minutes.pk, "koordinator@test.no"),
        (no_minutes.pk, "sekretaer@test.no"),
    ]


def test_the_secretary_who_also_leads_gets_one_overdue_notice(world):
    visit = conducted_visit(world, date(2026, 3, 27), visit_leader=world.secretary)

    assert due(date(2026, 4, 8), K.MINUTES_OVERDUE) == [(visit.pk, "sekretaer@test.no")]


def test_closed_visits_have_no_minutes_to_chase(world):
    conducted_visit(world, date(2026, 3, 27), status=Visit.Status.CLOSED)

    assert due(date(2026, 4, 20), K.MINUTES_OVERDUE) == []


# --- Actions ---------------------------------------------------------------------------

MONDAY = date(2026, 11, 16)


def test_actions_due_within_seven_days_go_to_their_owner(world):
    in_seven = make_action(world, due=MONDAY + timedelta(days=7))
    in_two = make_action(world, due=MONDAY + timedelta(days=2), owner=world.coordinator)
    make_action(world, due=MONDAY + timedelta(days=8))
    make_action(
        world, due=MONDAY + timedelta(days=3), status=Action.Status.DONE, finished=at(MONDAY)
    )
    make_action(world, due=None)

    items = [d for d in notify.due_notices(MONDAY) if d.kind == K.ACTION_DUE]

    assert sorted((d.action.pk, d.recipient_id) for d in items) == sorted(
        [(in_seven.pk, world.unit_leader.pk), (in_two.pk, world.coordinator.pk)]
    )


def test_an_action_is_announced_once_even_as_its_due_date_comes_closer(world):
    make_action(world, due=MONDAY + timedelta(days=7))

    for offset in range(8):
        notify.send_followup_notices(MONDAY + timedelta(days=offset))

    assert notices(K.ACTION_DUE) == [(K.ACTION_DUE, "enhetsleder@test.no")]
    assert notices(K.ACTION_OVERDUE) == []


def test_a_new_due_date_is_a_new_notice(world):
    action = make_action(world, due=MONDAY + timedelta(days=7))
    notify.send_followup_notices(MONDAY)
    action.due_date = MONDAY + timedelta(days=21)
    action.save()

    notify.send_followup_notices(MONDAY + timedelta(days=14))

    assert notices(K.ACTION_DUE) == [(K.ACTION_DUE, "enhetsleder@test.no")] * 2


def test_overdue_actions_go_to_the_owner_and_after_n_days_to_the_top_leaders_only(world):
    world.org.escalate_after_days = 10
    world.org.save(update_fields=["escalate_after_days"])
    second_leader = make_user("toppleder2@test.no", world.org, Role.TOP_LEADER)
    gone_leader = make_user("sluttet@test.no", world.org, Role.TOP_LEADER)
    Membership.objects.filter(user=gone_leader).update(is_active=False)
    action = make_action(world, due=MONDAY)

    notify.send_followup_notices(MONDAY)  # due today: not overdue
    assert notices(K.ACTION_OVERDUE) == []

    notify.send_followup_notices(MONDAY + timedelta(days=1))
    assert notices(K.ACTION_OVERDUE) == [(K.ACTION_OVERDUE, "enhetsleder@test.no")]

    notify.send_followup_notices(MONDAY + timedelta(days=9))
    assert notices(K.ACTION_ESCALATED) == []

    notify.send_followup_notices(MONDAY + timedelta(days=10))
    notify.send_followup_notices(MONDAY + timedelta(days=11))
    assert notices(K.ACTION_ESCALATED) == [
        (K.ACTION_ESCALATED, second_leader.email),
        (K.ACTION_ESCALATED, "toppleder@test.no"),
    ]
    escalation = Notice.objects.get(kind=K.ACTION_ESCALATED, recipient=world.top_leader)
    assert action.what in escalation.body and "Eva Enhetsleder" in escalation.body
    assert "10" in escalation.body
    # The outsider is a top leader elsewhere; the coordinator is no top leader.
    assert not Notice.objects.filter(recipient__in=[world.outsider, world.coordinator]).exists()


# --- Feedback owed ---------------------------------------------------------------------


def test_feedback_owed_goes_to_the_visit_leader_from_the_day_after(world):
    done = make_action(world, due=MONDAY, status=Action.Status.DONE, finished=at(MONDAY))
    told = make_action(world, due=MONDAY, status=Action.Status.DONE, finished=at(MONDAY))
    Feedback.objects.create(
        action=told, about_status=Action.Status.DONE, message="Takk!", sent_by=world.top_leader
    )
    not_possible = make_action(
        world, due=MONDAY, status=Action.Status.NOT_POSSIBLE, finished=at(MONDAY)
    )
    make_action(world, due=MONDAY)  # open: nothing to tell yet

    assert due(MONDAY, K.FEEDBACK_OWED) == []
    items = [d for d in notify.due_notices(MONDAY + timedelta(days=1)) if d.kind == K.FEEDBACK_OWED]

    assert sorted(d.action.pk for d in items) == sorted([done.pk, not_possible.pk])
    assert {d.recipient_id for d in items} == {world.top_leader.pk}


def test_feedback_owed_is_sent_once_per_outcome(world):
    action = make_action(world, due=MONDAY, status=Action.Status.DONE, finished=at(MONDAY))
    notify.send_followup_notices(MONDAY + timedelta(days=1))
    notify.send_followup_notices(MONDAY + timedelta(days=2))
    assert notices(K.FEEDBACK_OWED) == [(K.FEEDBACK_OWED, "toppleder@test.no")]

    Feedback.objects.create(
        action=action, about_status=Action.Status.DONE, message="Takk!", sent_by=world.top_leader
    )
    notify.send_followup_notices(MONDAY + timedelta(days=3))
    assert len(notices(K.FEEDBACK_OWED)) == 1


# --- Once ----------------------------------------------------------------------------


def busy_day(world) -> date:
    """Minutes overdue, an action due, an action overdue, feedback owed: on 8 April 2026."""
    today = date(2026, 4, 8)
    conducted_visit(world, date(2026, 3, 27))
    make_action(world, due=today + timedelta(days=3))
    make_action(world, due=today - timedelta(days=3), owner=world.secretary)
    make_action(world, due=today, status=Action.Status.DONE, finished=at(today - timedelta(days=2)))
    return today


def test_running_twice_sends_each_notice_once(world):
    today = busy_day(world)

    first = notify.send_followup_notices(today)
    second = notify.send_followup_notices(today)
    notify.send_followup_notices(today + timedelta(days=1))

    assert len(first.created) == 5 and first.sent == 5 and first.failed == 0
    assert second.created == [] and second.sent == 0
    assert sent() == sorted(
        [("sekretaer@test.no", n.subject) for n in Notice.objects.filter(recipient=world.secretary)]
        + [
            ("toppleder@test.no", n.subject)
            for n in Notice.objects.filter(recipient=world.top_leader)
        ]
        + [
            ("enhetsleder@test.no", n.subject)
            for n in Notice.objects.filter(recipient=world.unit_leader)
        ]
    )
    assert len(mail.outbox) == 5
    assert not Notice.objects.filter(sent_at=None).exists()


def test_the_loser_of_a_claim_sends_nothing(world):
    today = busy_day(world)
    item = next(d for d in notify.due_notices(today) if d.kind == K.ACTION_DUE)

    assert notify.claim(item, world.unit_leader) is not None
    assert notify.claim(item, world.unit_leader) is None
    assert Notice.objects.filter(key=item.key).count() == 1


def test_the_single_e_mail_says_what_and_links_to_it(world):
    visit = conducted_visit(world, date(2026, 3, 27))
    notify.send_followup_notices(date(2026, 4, 8))

    message = next(m for m in mail.outbox if m.to == ["toppleder@test.no"])
    notice = Notice.objects.get(recipient=world.top_leader)
    assert message.subject == notice.subject
    assert "Solbakken sykehjem" in message.subject
    for body in (message.body, message.alternatives[0][0]):
        assert notice.body.split(" ")[0] in body
        assert "07.04.2026" in body or "7. april 2026" in body
        assert str(visit.pk) in body  # the link to the minutes or the visit
        assert "/konto/varsler/" in body


def test_a_failed_e_mail_is_retried_by_the_next_run_and_others_still_go(world):
    today = busy_day(world)
    real = notify.send_templated

    def flaky(name, to, context, language, **kwargs):
        if to == "sekretaer@test.no":
            raise OSError("smtp down")
        return real(name, to, context, language, **kwargs)

    with mock.patch("visitt.followup.notify.send_templated", side_effect=flaky):
        result = notify.send_followup_notices(today)

    assert result.failed == 2 and result.sent == 3
    assert Notice.objects.filter(sent_at=None, recipient=world.secretary).count() == 2

    again = notify.send_followup_notices(today + timedelta(days=1))
    assert again.sent == 2 and again.failed == 0
    assert len(mail.outbox) == 5


def test_the_command_reports_and_refuses_a_date_it_cannot_read(world):
    today = busy_day(world)
    out = StringIO()

    call_command("send_followup_notices", today=today.isoformat(), stdout=out)
    assert "Recorded 5 notice(s); sent 5 e-mail(s) and 0 digest(s); 0 failed." in out.getvalue()
    with pytest.raises(CommandError):
        call_command("send_followup_notices", today="08.04.2026")


def test_the_task_runs_the_same_function(world):
    today = busy_day(world)

    assert send_followup_notices_task.call(today.isoformat()) == {
        "created": 5,
        "sent": 5,
        "digests": 0,
        "failed": 0,
    }
    assert send_followup_notices_task.call(today.isoformat())["sent"] == 0


# --- The digest ------------------------------------------------------------------------


def test_a_digest_gathers_the_persons_notices_into_one_e_mail(world):
    world.secretary.daily_digest = True
    world.secretary.save(update_fields=["daily_digest"])
    today = busy_day(world)  # the secretary: overdue minutes and an overdue action

    result = notify.send_followup_notices(today)

    to_secretary = [m for m in mail.outbox if m.to == ["sekretaer@test.no"]]
    assert len(to_secretary) == 1 and result.digests == 1
    digest = to_secretary[0]
    mine = Notice.objects.filter(recipient=world.secretary)
    assert mine.count() == 2
    for notice in mine:
        assert notice.in_digest and notice.sent_at is not None
        assert notice.subject in digest.body and notice.subject in digest.alternatives[0][0]
    assert "2" in digest.subject
    # The others still get theirs one by one.
    assert len(mail.outbox) == 1 + 3

    notify.send_followup_notices(today)
    notify.send_followup_notices(today + timedelta(days=1))
    assert len(mail.outbox) == 4


def test_a_digest_that_fails_is_sent_whole_the_next_day(world):
    world.secretary.daily_digest = True
    world.secretary.save(update_fields=["daily_digest"])
    today = busy_day(world)

    with mock.patch("visitt.followup.notify.send_templated", side_effect=OSError("down")):
        result = notify.send_followup_notices(today)
    assert result.failed >= 1 and mail.outbox == []
    assert Notice.objects.filter(sent_at=None, recipient=world.secretary).count() == 2

    notify.send_followup_notices(today + timedelta(days=1))
    assert len([m for m in mail.outbox if m.to == ["sekretaer@test.no"]]) == 1


# --- Language and scope ---------------------------------------------------------------


def test_texts_are_in_the_persons_language_or_the_organisations(world):
    world.org.language = "nn"
    world.org.save(update_fields=["language"])
    world.unit_leader.language = "en"
    world.unit_leader.save(update_fields=["language"])
    today = busy_day(world)

    with mock.patch("visitt.followup.notify.send_templated") as send:
        notify.send_followup_notices(today)

    languages = {call.args[1]: call.kwargs["language"] for call in send.call_args_list}
    assert languages == {
        "enhetsleder@test.no": "en",
        "sekretaer@test.no": "nn",
        "toppleder@test.no": "nn",
    }
    english = Notice.objects.get(recipient=world.unit_leader, kind=K.ACTION_DUE)
    assert english.subject.startswith("Action due")


def test_another_organisations_records_never_reach_a_notice(world):
    # The outsider's organisation: an overdue action, minutes overdue, feedback owed.
    other_visit = conducted_visit(
        world,
        date(2026, 3, 27),
        org=world.other_org,
        unit=world.other_unit,
        visit_leader=world.outsider,
        coordinator=world.outsider,
        secretary=world.outsider,
        unit_leader=None,
    )
    make_action(
        world,
        due=date(2026, 3, 1),
        owner=world.outsider,
        visit=other_visit,
        what="Hemmeleg tiltak",
    )
    today = busy_day(world)

    notify.send_followup_notices(today)

    for notice in Notice.objects.select_related("recipient"):
        if notice.recipient == world.outsider:
            assert notice.organisation == world.other_org
            assert "Solbakken" not in notice.subject + notice.body
        else:
            assert notice.organisation == world.org
            assert "Hemmeleg" not in notice.subject + notice.body
    for message in mail.outbox:
        if message.to != [world.outsider.email]:
            assert "Hemmeleg" not in message.body
    escalated = Notice.objects.filter(kind=K.ACTION_ESCALATED)
    assert {n.recipient for n in escalated} == {world.outsider}


def test_a_person_whose_membership_or_account_is_inactive_gets_nothing(world):
    gone = make_user("borte@test.no", world.org, Role.ACTION_OWNER)
    Membership.objects.filter(user=gone).update(is_active=False)
    locked = make_user("sperret@test.no", world.org, Role.ACTION_OWNER)
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    # A member of another organisation who owns an action here: not a member here.
    make_action(world, due=MONDAY + timedelta(days=2), owner=world.outsider)
    make_action(world, due=MONDAY + timedelta(days=2), owner=gone)
    make_action(world, due=MONDAY + timedelta(days=2), owner=locked)

    notify.send_followup_notices(MONDAY)

    assert notices(K.ACTION_DUE) == []
    assert not {m.to[0] for m in mail.outbox} & {gone.email, locked.email, world.outsider.email}


def test_an_inactive_organisation_gets_nothing(world):
    make_action(world, due=MONDAY + timedelta(days=2))
    world.org.is_active = False
    world.org.save(update_fields=["is_active"])

    assert notify.send_followup_notices(MONDAY).created == []


def test_finding_what_is_due_takes_the_same_queries_for_many_rows(world):
    def count(today: date) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            found = notify.due_notices(today)
        return len(queries), len(found)

    today = busy_day(world)
    few_queries, few = count(today)
    for offset in range(6):
        make_action(world, due=today + timedelta(days=offset % 3))
        make_action(world, due=today - timedelta(days=20 + offset), owner=world.secretary)
        conducted_visit(world, date(2026, 3, 20) + timedelta(days=offset))
    many_queries, many = count(today)

    assert many > few + 15
    assert many_queries == few_queries <= 12


# --- The follow-up visit's reminder ---------------------------------------------------


def test_the_follow_up_visit_is_reminded_like_any_visit(world):
    visit = conducted_visit(world, date(2026, 6, 10), status=Visit.Status.MINUTES_SIGNED)
    follow_up = plan_follow_up_visit(None, visit)

    assert follow_up.kind == Visit.Kind.FOLLOW_UP
    assert follow_up in due_visits(reminder_date(follow_up.date))
    assert follow_up not in due_visits(reminder_date(follow_up.date) - timedelta(days=1))


def test_each_notice_links_where_to_act(world):
    today = busy_day(world)
    notify.send_followup_notices(today)

    urls = {n.kind: n.url for n in Notice.objects.all()}
    visit = Visit.objects.get(date=date(2026, 3, 27))
    owed = Action.objects.get(status=Action.Status.DONE)
    assert urls[K.ACTION_DUE] == urls[K.ACTION_OVERDUE] == reverse("my_actions")
    assert urls[K.MINUTES_OVERDUE] == reverse("minutes", args=[visit.pk])
    assert urls[K.FEEDBACK_OWED] == reverse("action_feedback", args=[owed.pk])
