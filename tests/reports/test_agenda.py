"""The leadership meeting's agenda item (issue 6, "Fast tema på ledermøter"): what each
section holds, the remembered meeting date, roles, other organisations and queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.conftest import make_user
from tests.followup.notices_support import conducted_visit
from tests.reports.agenda_support import build, other_organisation_visit, signed_in
from visitt.audit.models import AuditEvent
from visitt.organisations.models import Role
from visitt.reports.agenda import (
    AgendaError,
    agenda_for,
    build_agenda,
    last_meeting,
    record_meeting,
)
from visitt.reports.meetings import LeadershipMeeting

pytestmark = pytest.mark.django_db


# --- The sections ----------------------------------------------------------------------


def test_the_visits_are_those_conducted_since_the_last_meeting_with_their_minutes(world):
    w = build(world)
    agenda = build_agenda(world.org, since=w.meeting.held_on, until=w.today)
    lines = {line.visit.pk: line for line in agenda.visits}
    assert set(lines) == {w.after.pk, w.unsigned.pk}
    assert lines[w.after.pk].minutes_signed
    assert not lines[w.unsigned.pk].minutes_signed
    assert lines[w.unsigned.pk].minutes_status == ""
    # In date order.
    assert [line.visit.pk for line in agenda.visits] == [w.unsigned.pk, w.after.pk]


def test_the_new_problems_come_from_the_visits_in_the_period_with_their_category(world):
    w = build(world)
    agenda = build_agenda(world.org, since=w.meeting.held_on, until=w.today)
    titles = {p.title: p for p in agenda.problems}
    assert "Fall på badet 0" in titles
    assert titles["Fall på badet 0"].category.name == "Fall"
    assert not any(title.startswith("Gammelt problem") for title in titles)
    assert {p.visit_id for p in agenda.problems} == {w.after.pk, w.unsigned.pk}


def test_progress_shows_status_changes_done_and_not_possible_with_the_reason(world):
    w = build(world)
    agenda = build_agenda(world.org, since=w.meeting.held_on, until=w.today)
    progress = {p.action.pk: p for p in agenda.progress}
    assert set(progress) == {w.done.pk, w.not_possible.pk, w.started.pk}
    assert progress[w.done.pk].finished_in_period
    assert progress[w.not_possible.pk].action.reason == "Budsjettet er brukt opp"
    change = progress[w.started.pk].changes[0]
    assert (change.before, change.after) == ("planned", "in_progress")
    assert change.on == w.today - timedelta(days=4)
    assert [p.action.pk for p in agenda.done] == [w.done.pk]
    assert [p.action.pk for p in agenda.not_possible] == [w.not_possible.pk]


def test_the_pdsa_cycles_are_those_that_ran_in_the_period_with_their_decision(world):
    w = build(world)
    agenda = build_agenda(world.org, since=w.meeting.held_on, until=w.today)
    cycles = {c.pk: c for c in agenda.pdsa}
    # Ended after the meeting (adopted), and still running though started before it.
    assert set(cycles) == {w.cycle_after.pk, w.cycle_running.pk}
    assert cycles[w.cycle_after.pk].decision == "adopt"
    assert cycles[w.cycle_running.pk].is_running


def test_what_is_overdue_reuses_the_start_page_panels(world):
    w = build(world)
    agenda = build_agenda(world.org, since=w.meeting.held_on, until=w.today)
    counts = {listing.key: listing.count for listing in agenda.overdue}
    assert counts["actions-overdue"] == 1
    assert agenda.overdue[0].rows[0].text.startswith("Forfalt tiltak 0")
    # The conducted visit twelve days ago has no minutes and is past the deadline.
    assert counts["minutes"] == 1
    # The two finished actions have had no feedback yet.
    assert counts["feedback"] == 3  # and the old one, finished before the meeting
    assert agenda.overdue_count == sum(counts.values())
    assert agenda.overdue_as_of == w.today


def test_a_meeting_ahead_counts_what_is_overdue_today(world):
    w = build(world)
    agenda = build_agenda(world.org, since=w.meeting.held_on, until=w.today + timedelta(days=7))
    assert agenda.overdue_as_of == w.today


def test_the_first_item_covers_the_last_three_months(world):
    w = build(world)
    long_ago = conducted_visit(world, w.today - timedelta(days=100))
    agenda = build_agenda(world.org, since=None, until=w.today)
    assert agenda.starts == w.today - relativedelta(months=3)
    assert {line.visit.pk for line in agenda.visits} == {w.before.pk, w.after.pk, w.unsigned.pk}
    assert long_ago.pk not in {line.visit.pk for line in agenda.visits}
    assert w.old_done.pk in {p.action.pk for p in agenda.progress}
    assert w.cycle_old.pk in {c.pk for c in agenda.pdsa}


def test_the_agenda_never_shows_another_organisations_data(world):
    w = build(world)
    other_organisation_visit(world)
    agenda = build_agenda(world.org, since=w.meeting.held_on, until=w.today)
    assert all(line.visit.organisation_id == world.org.pk for line in agenda.visits)
    assert "Hemmeleg problem" not in {p.title for p in agenda.problems}
    assert all(listing.count <= 3 for listing in agenda.overdue)
    assert not any("Hemmeleg" in row.text for listing in agenda.overdue for row in listing.rows)


# --- The remembered meeting date ---------------------------------------------------------


def test_the_first_meeting_covers_from_nothing_and_the_next_from_it(world):
    first, created = record_meeting(world.org, world_day(-14), world.coordinator)
    assert created and first.covers_from is None
    second, created = record_meeting(world.org, world_day(0), world.secretary)
    assert created and second.covers_from == first.held_on
    assert last_meeting(world.org) == second
    agenda = agenda_for(second)
    assert (agenda.since, agenda.until) == (first.held_on, second.held_on)
    events = AuditEvent.objects.filter(action=AuditEvent.Action.AGENDA_MADE)
    assert events.count() == 2
    assert events.filter(organisation=world.org, actor=world.secretary).exists()


def test_the_same_day_twice_is_one_meeting_and_one_audit_event(world):
    first, _ = record_meeting(world.org, world_day(0), world.coordinator)
    again, created = record_meeting(world.org, world_day(0), world.top_leader)
    assert again == first and not created
    assert LeadershipMeeting.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.AGENDA_MADE).count() == 1


def test_a_date_before_the_last_meeting_is_refused(world):
    record_meeting(world.org, world_day(0), world.coordinator)
    with (
        translation.override("en"),
        pytest.raises(AgendaError, match="before the last leadership meeting"),
    ):
        record_meeting(world.org, world_day(-1), world.coordinator)
    assert LeadershipMeeting.objects.count() == 1


def test_a_meeting_ahead_is_allowed_but_not_years_ahead(world):
    _, created = record_meeting(world.org, world_day(14), world.coordinator)
    assert created
    with pytest.raises(AgendaError):
        record_meeting(world.org, world_day(800), world.coordinator)


def test_each_organisation_remembers_its_own_meetings(world):
    record_meeting(world.org, world_day(0), world.coordinator)
    other, _ = record_meeting(world.other_org, world_day(-3), world.outsider)
    assert other.covers_from is None
    assert last_meeting(world.other_org) == other


def world_day(offset: int):
    from django.utils import timezone

    return timezone.localdate() + timedelta(days=offset)


# --- The pages -------------------------------------------------------------------------


def advisor(world):
    return make_user("lege@test.no", world.org, Role.MEDICAL_ADVISOR)


def test_the_page_shows_the_item_since_the_last_meeting_and_the_form(world):
    w = build(world)
    response = signed_in(world.coordinator).get(reverse("leadership_agenda"))
    assert response.status_code == 200
    agenda = response.context["agenda"]
    assert agenda.since == w.meeting.held_on and agenda.until == w.today
    html = response.content.decode()
    for expected in (
        "Fall på badet 0",
        "Nye sklisikre matter 0",
        "Budsjettet er brukt opp",
        "Teste matter på ett bad 0",
        "Forfalt tiltak 0",
        "Make the agenda item",
    ):
        assert expected in html, expected
    assert "Gammelt problem" not in html
    assert reverse("leadership_agenda_meeting", args=[w.meeting.pk]) in html
    assert response.context["form"].initial["held_on"] == w.today


@pytest.mark.parametrize("role", ["top_leader", "coordinator", "secretary"])
def test_those_who_prepare_the_meeting_make_the_item(world, role):
    w = build(world)
    client = signed_in(getattr(world, role))
    response = client.post(reverse("leadership_agenda"), {"held_on": w.today.isoformat()})
    meeting = LeadershipMeeting.objects.get(organisation=world.org, held_on=w.today)
    assert response.status_code == 302
    assert response["Location"] == reverse("leadership_agenda_meeting", args=[meeting.pk])
    assert meeting.covers_from == w.meeting.held_on
    assert meeting.created_by == getattr(world, role)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert reverse("leadership_agenda_pdf", args=[meeting.pk]) in page.content.decode()


def test_a_double_submit_makes_one_meeting(world):
    client = signed_in(world.top_leader)
    data = {"held_on": world_day(0).isoformat()}
    first = client.post(reverse("leadership_agenda"), data)
    second = client.post(reverse("leadership_agenda"), data)
    assert first["Location"] == second["Location"]
    assert LeadershipMeeting.objects.count() == 1


def test_a_date_before_the_last_meeting_gives_a_message_and_changes_nothing(world):
    w = build(world)
    response = signed_in(world.coordinator).post(
        reverse("leadership_agenda"),
        {"held_on": (w.meeting.held_on - timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 400
    assert "cannot be before the last leadership meeting" in response.content.decode()
    assert LeadershipMeeting.objects.count() == 1
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.AGENDA_MADE).exists()


def test_a_missing_or_bad_date_gives_a_message(world):
    client = signed_in(world.coordinator)
    for value in ("", "not a date", "2026-13-45"):
        response = client.post(reverse("leadership_agenda"), {"held_on": value})
        assert response.status_code == 400
        assert response.context["form"].errors["held_on"]
    assert not LeadershipMeeting.objects.exists()


def test_the_page_in_bokmaal_says_the_date_in_norwegian(world, client_for):
    w = build(world)
    response = client_for(world.top_leader).get(
        reverse("leadership_agenda_meeting", args=[w.meeting.pk])
    )
    assert response.status_code == 200
    months = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august")
    months += ("september", "oktober", "november", "desember")
    assert any(f"{w.meeting.held_on.day}. {m}" in response.content.decode() for m in months)


def test_a_meeting_page_shows_the_item_as_made_for_that_meeting(world):
    w = build(world)
    later, _ = record_meeting(world.org, w.today, world.coordinator)
    response = signed_in(world.top_leader).get(
        reverse("leadership_agenda_meeting", args=[later.pk])
    )
    agenda = response.context["agenda"]
    assert (agenda.since, agenda.until) == (w.meeting.held_on, w.today)
    # The earlier meeting: from the beginning to its date.
    response = signed_in(world.top_leader).get(
        reverse("leadership_agenda_meeting", args=[w.meeting.pk])
    )
    agenda = response.context["agenda"]
    assert agenda.since is None and agenda.until == w.meeting.held_on
    assert {line.visit.pk for line in agenda.visits} == {w.before.pk}
    assert "Fall på badet" not in response.content.decode()


def test_the_medical_advisor_reads_the_items_but_does_not_make_them(world):
    w = build(world)
    client = signed_in(advisor(world))
    response = client.get(reverse("leadership_agenda"))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert "Make the agenda item" not in response.content.decode()
    assert client.get(reverse("leadership_agenda_meeting", args=[w.meeting.pk])).status_code == 200
    response = client.post(reverse("leadership_agenda"), {"held_on": w.today.isoformat()})
    assert response.status_code == 403
    assert LeadershipMeeting.objects.count() == 1


@pytest.mark.parametrize("role", ["unit_leader", "admin"])
def test_other_roles_get_403(world, role):
    w = build(world)
    client = signed_in(getattr(world, role))
    owner = signed_in(make_user("eier@test.no", world.org, Role.ACTION_OWNER))
    for c in (client, owner):
        assert c.get(reverse("leadership_agenda")).status_code == 403
        assert (
            c.post(reverse("leadership_agenda"), {"held_on": w.today.isoformat()}).status_code
            == 403
        )
        for name in (
            "leadership_agenda_meeting",
            "leadership_agenda_pdf",
            "leadership_agenda_docx",
        ):
            assert c.get(reverse(name, args=[w.meeting.pk])).status_code == 403
    assert LeadershipMeeting.objects.count() == 1


def test_another_organisations_meeting_is_404(world):
    w = build(world)
    client = signed_in(world.outsider)
    for name in ("leadership_agenda_meeting", "leadership_agenda_pdf", "leadership_agenda_docx"):
        assert client.get(reverse(name, args=[w.meeting.pk])).status_code == 404
        assert client.post(reverse(name, args=[w.meeting.pk])).status_code == 404
    # Their own page shows none of ours.
    response = client.get(reverse("leadership_agenda"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Fall på badet" not in html and "Forfalt tiltak" not in html
    assert response.context["meetings"] == []


def test_a_meeting_page_only_reads(world):
    w = build(world)
    response = signed_in(world.top_leader).post(
        reverse("leadership_agenda_meeting", args=[w.meeting.pk])
    )
    assert response.status_code == 405


def test_anonymous_visitors_are_sent_to_sign_in(world, client):
    assert client.get(reverse("leadership_agenda")).status_code == 302


# --- Queries ---------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_pages_run_the_same_queries_with_more_data(world):
    w = build(world)
    client = signed_in(world.top_leader)
    meeting_url = reverse("leadership_agenda_meeting", args=[w.meeting.pk])
    later, _ = record_meeting(world.org, w.today, world.coordinator)
    later_url = reverse("leadership_agenda_meeting", args=[later.pk])
    small = (
        _queries(client, reverse("leadership_agenda")),
        _queries(client, meeting_url),
        _queries(client, later_url),
    )
    LeadershipMeeting.objects.all().delete()
    build(world, rounds=4)
    w2_meeting = LeadershipMeeting.objects.get(organisation=world.org)
    later, _ = record_meeting(world.org, w.today, world.coordinator)
    large = (
        _queries(client, reverse("leadership_agenda")),
        _queries(client, reverse("leadership_agenda_meeting", args=[w2_meeting.pk])),
        _queries(client, reverse("leadership_agenda_meeting", args=[later.pk])),
    )
    assert small == large
    assert max(large) <= 30


def test_the_page_stays_within_its_query_budget(world, django_assert_max_num_queries):
    build(world, rounds=3)
    client = signed_in(world.coordinator)
    client.get(reverse("leadership_agenda"))  # warm the session
    with django_assert_max_num_queries(30):
        assert client.get(reverse("leadership_agenda")).status_code == 200
