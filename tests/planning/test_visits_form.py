"""Planning and editing a visit: the team, the warnings that do not block, optimistic
locking, the calendar sequence, and the date that is fixed once the invitation is out."""

from __future__ import annotations

from datetime import time

import pytest
from django.contrib.messages import constants, get_messages
from django.utils import timezone

from tests.conftest import make_user
from tests.planning.factories_visits import CREATE, in_days, make_visit, url, visit_data
from visitt.audit.models import AuditEvent
from visitt.organisations.models import Role, Unit
from visitt.planning.models import AnnualPlan, Visit

A = AuditEvent.Action


def warnings_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level == constants.WARNING]


def stored(visit: Visit) -> dict:
    return Visit.objects.filter(pk=visit.pk).values().get()


@pytest.fixture
def coordinator(world, client_for):
    return client_for(world.coordinator)


# --- Creating ------------------------------------------------------------------------------


def test_the_coordinator_plans_a_visit_with_its_team(world, coordinator):
    response = coordinator.post(CREATE, visit_data(world, medical_advisor=world.top_leader.pk))

    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url(visit)
    assert (visit.organisation, visit.unit, visit.date, visit.start_time) == (
        world.org,
        world.unit,
        in_days(30),
        time(10, 0),
    )
    assert (visit.visit_leader, visit.coordinator, visit.secretary, visit.unit_leader) == (
        world.top_leader,
        world.coordinator,
        world.secretary,
        world.unit_leader,
    )
    assert (visit.contact_name, visit.contact_email) == ("Kari Kontakt", "kontakt@solbakken.test")
    assert (visit.status, visit.created_by, visit.version) == (
        Visit.Status.PLANNED,
        world.coordinator,
        1,
    )
    event = AuditEvent.objects.get(action=A.VISIT_CREATED)
    assert (event.organisation, event.object_id) == (world.org, str(visit.pk))


def test_the_form_proposes_an_hour_the_top_leader_and_the_coordinator(world, coordinator):
    form = coordinator.get(CREATE).context["form"]

    assert form["duration_minutes"].value() == 60
    assert form["visit_leader"].value() == world.top_leader.pk
    assert form["coordinator"].value() == world.coordinator.pk


def test_the_plan_owner_is_proposed_as_visit_leader(world, coordinator):
    other_leader = make_user("aa.leder@test.no", world.org, Role.TOP_LEADER, name="Aa Leder")
    AnnualPlan.objects.create(
        organisation=world.org, year=timezone.localdate().year, owner=world.top_leader
    )
    assert other_leader.full_name < world.top_leader.full_name  # first in the list otherwise

    form = coordinator.get(CREATE).context["form"]

    assert form["visit_leader"].value() == world.top_leader.pk


def test_a_visit_is_linked_to_the_annual_plan_of_its_year(world, coordinator):
    plan = AnnualPlan.objects.create(
        organisation=world.org, year=in_days(30).year, owner=world.top_leader
    )
    coordinator.post(CREATE, visit_data(world))
    assert Visit.objects.get().plan == plan


def test_only_active_units_of_the_organisation_can_be_chosen(world, coordinator):
    closed = Unit.objects.create(organisation=world.org, name="Nedlagt", is_active=False)
    for unit in (closed, world.other_unit):
        response = coordinator.post(CREATE, visit_data(world, unit=unit.pk))
        assert response.status_code == 400
        assert "unit" in response.context["form"].errors
    assert not Visit.objects.exists()


def test_the_visit_leader_must_be_an_active_top_leader_of_the_organisation(world, coordinator):
    gone = make_user("borte@test.no", world.org, Role.TOP_LEADER)
    gone.memberships.get().deactivate()
    for person in (world.secretary, world.outsider, gone):
        response = coordinator.post(CREATE, visit_data(world, visit_leader=person.pk))
        assert response.status_code == 400
        assert "visit_leader" in response.context["form"].errors
    assert not Visit.objects.exists()


def test_team_members_must_be_active_members_of_the_organisation(world, coordinator):
    gone = make_user("borte@test.no", world.org, Role.SECRETARY)
    gone.memberships.get().deactivate()
    for field, person in (
        ("secretary", gone),
        ("coordinator", world.outsider),
        ("medical_advisor", world.outsider),
        ("unit_leader", world.outsider),
    ):
        response = coordinator.post(CREATE, visit_data(world, **{field: person.pk}))
        assert response.status_code == 400, field
        assert field in response.context["form"].errors
    assert not Visit.objects.exists()


def test_a_follow_up_visit_needs_the_walkround_it_follows_up_at_the_same_unit(world, coordinator):
    walkround = make_visit(world, when=in_days(-90), status=Visit.Status.CONDUCTED)
    elsewhere = make_visit(world, when=in_days(-60), unit=world.ward)

    missing = coordinator.post(CREATE, visit_data(world, kind=Visit.Kind.FOLLOW_UP))
    other_unit = coordinator.post(
        CREATE, visit_data(world, kind=Visit.Kind.FOLLOW_UP, parent=elsewhere.pk)
    )
    ok = coordinator.post(CREATE, visit_data(world, kind=Visit.Kind.FOLLOW_UP, parent=walkround.pk))

    assert missing.status_code == other_unit.status_code == 400
    assert ok.status_code == 302
    follow_up = Visit.objects.get(kind=Visit.Kind.FOLLOW_UP)
    assert follow_up.parent == walkround


def test_plan_a_follow_up_prefills_the_walkround(world, coordinator):
    walkround = make_visit(world, when=in_days(-90), status=Visit.Status.CONDUCTED)
    form = coordinator.get(f"{CREATE}?folger_opp={walkround.pk}").context["form"]
    assert (form["kind"].value(), form["parent"].value(), form["unit"].value()) == (
        Visit.Kind.FOLLOW_UP,
        walkround.pk,
        world.unit.pk,
    )


def test_the_walkround_is_chosen_among_the_last_year_and_a_half(world, coordinator):
    recent = make_visit(world, when=in_days(-500), status=Visit.Status.CONDUCTED)
    old = make_visit(world, when=in_days(-600), status=Visit.Status.CONDUCTED)
    offered = set(coordinator.get(CREATE).context["form"].fields["parent"].queryset)
    assert recent in offered and old not in offered
    # A follow-up of an old walkround keeps it when edited.
    follow_up = make_visit(world, when=in_days(-500), kind=Visit.Kind.FOLLOW_UP, parent=old)
    edit = coordinator.get(url(follow_up, "endre")).context["form"]
    assert old in set(edit.fields["parent"].queryset)


def test_a_main_visit_has_no_parent(world, coordinator):
    walkround = make_visit(world, when=in_days(-90))
    coordinator.post(CREATE, visit_data(world, parent=walkround.pk))
    assert Visit.objects.exclude(pk=walkround.pk).get().parent is None


# --- Warnings that do not block ----------------------------------------------------------------


def test_a_visit_longer_than_an_hour_is_saved_with_a_warning(world, coordinator):
    response = coordinator.post(CREATE, visit_data(world, duration_minutes=90), follow=True)

    assert response.status_code == 200
    assert Visit.objects.get().duration_minutes == 90
    assert any("90 minutes" in w and "one hour" in w for w in warnings_of(response))


def test_an_hour_gives_no_duration_warning(world, coordinator):
    response = coordinator.post(CREATE, visit_data(world, duration_minutes=60), follow=True)
    assert not any("minutes" in w for w in warnings_of(response))


def test_a_team_member_booked_at_an_overlapping_time_is_warned_about(world, coordinator):
    make_visit(world, unit=world.ward, start_time=time(10, 30), coordinator=None, secretary=None)

    response = coordinator.post(CREATE, visit_data(world, start_time="10:00"), follow=True)

    assert Visit.objects.count() == 2  # saved all the same
    warnings = warnings_of(response)
    assert any("Tone Toppleder" in w and "Avdeling 1" in w for w in warnings), warnings
    assert not any("Kari Koordinator" in w for w in warnings)  # not on the other visit


def test_visits_that_only_touch_do_not_overlap(world, coordinator):
    make_visit(world, unit=world.ward, start_time=time(11, 0))
    response = coordinator.post(CREATE, visit_data(world, start_time="10:00"), follow=True)
    assert not any("overlaps" in w for w in warnings_of(response))


def test_the_overlap_warning_is_shown_on_the_visit_page_too(world, coordinator):
    make_visit(world, unit=world.ward, start_time=time(10, 30))
    visit = make_visit(world)
    page = coordinator.get(url(visit))
    assert any("overlaps" in w for w in page.context["warnings"])


# --- Editing -------------------------------------------------------------------------------


def test_editing_saves_bumps_the_version_and_audits_the_fields(world, coordinator):
    visit = make_visit(world)
    response = coordinator.post(url(visit, "endre"), visit_data(world, visit, contact_name="Per"))

    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.contact_name, visit.version, visit.calendar_sequence) == ("Per", 2, 0)
    event = AuditEvent.objects.get(action=A.VISIT_CHANGED)
    assert event.data["fields"] == ["contact_name"]


@pytest.mark.parametrize(
    "change",
    [
        {"date": "in 31 days"},
        {"start_time": "12:00"},
        {"place": "Kantina"},
    ],
    ids=["date", "time", "place"],
)
def test_moving_the_visit_updates_the_calendar_event(world, coordinator, change):
    visit = make_visit(world)
    if "date" in change:
        change = {"date": in_days(31).isoformat()}
    coordinator.post(url(visit, "endre"), visit_data(world, visit, **change))
    visit.refresh_from_db()
    assert visit.calendar_sequence == 1


def test_a_stale_form_is_refused_and_the_data_is_unchanged(world, coordinator, client_for):
    visit = make_visit(world)
    opened = visit_data(world, visit)  # both open version 1
    leader = client_for(world.top_leader)
    assert leader.post(url(visit, "endre"), {**opened, "place": "Kantina"}).status_code == 302
    before = stored(visit)

    response = coordinator.post(url(visit, "endre"), {**opened, "place": "Biblioteket"})

    assert response.status_code == 409
    assert "Someone else saved this visit" in response.content.decode()
    assert stored(visit) == before
    assert before["place"] == "Kantina"
    # The refused form keeps the version it was opened with, so resending fails again.
    assert 'name="version" value="1"' in response.content.decode()


def test_a_save_without_a_version_is_refused(world, coordinator):
    visit = make_visit(world)
    data = visit_data(world, visit, place="Kantina")
    del data["version"]
    assert coordinator.post(url(visit, "endre"), data).status_code == 409
    assert Visit.objects.get(pk=visit.pk).place == "Personalrommet"


def test_a_refused_edit_shows_the_stored_visit_in_the_heading(world, coordinator):
    visit = make_visit(world)
    response = coordinator.post(url(visit, "endre"), visit_data(world, visit, duration_minutes=5))
    assert response.status_code == 400
    assert "duration_minutes" in response.context["form"].errors
    assert response.context["visit"].duration_minutes == 60


def test_after_the_invitation_the_date_changes_only_by_postponing(world, coordinator):
    visit = make_visit(world, invitation_sent_at=timezone.now())

    page = coordinator.get(url(visit, "endre"))
    assert page.context["form"].fields["date"].disabled
    assert "postpone" in page.content.decode().lower()

    response = coordinator.post(
        url(visit, "endre"),
        visit_data(world, visit, date=in_days(40).isoformat(), start_time="13:00", place="Kantina"),
    )
    visit.refresh_from_db()
    assert response.status_code == 302
    assert (visit.date, visit.start_time, visit.place) == (in_days(30), time(10, 0), "Kantina")


def test_before_the_invitation_the_date_can_be_edited(world, coordinator):
    visit = make_visit(world)
    coordinator.post(url(visit, "endre"), visit_data(world, visit, date=in_days(40).isoformat()))
    visit.refresh_from_db()
    assert visit.date == in_days(40)
    assert not visit.postponements.exists()


def test_a_team_member_who_left_can_stay_on_an_older_visit(world, coordinator):
    visit = make_visit(world)
    world.secretary.memberships.get().deactivate()
    response = coordinator.post(url(visit, "endre"), visit_data(world, visit, place="Kantina"))
    assert response.status_code == 302


def test_a_team_member_who_left_cannot_be_put_on_a_visit(world, coordinator):
    visit = make_visit(world, secretary=None)
    world.secretary.memberships.get().deactivate()
    response = coordinator.post(
        url(visit, "endre"), visit_data(world, visit, secretary=world.secretary.pk)
    )
    assert response.status_code == 400
    assert Visit.objects.get(pk=visit.pk).secretary is None


def test_editing_the_date_moves_a_working_group_link(world, coordinator):
    from visitt.planning.models import GroupLink

    visit = make_visit(world)
    link, _token = GroupLink.issue(visit)
    coordinator.post(url(visit, "endre"), visit_data(world, visit, date=in_days(40).isoformat()))
    link.refresh_from_db()
    visit.refresh_from_db()
    assert link.expires_at == GroupLink.expiry_for(visit)
    assert timezone.localtime(link.expires_at).date() == in_days(41)
