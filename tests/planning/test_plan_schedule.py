"""Planning many visits at once: Visitt proposes, the coordinator adjusts, and the visits
are saved all together or not at all."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
import time_machine
from django.urls import reverse

from tests.planning.plan_helpers import english, make_plan, make_units, make_visit
from visitt.audit.models import AuditEvent
from visitt.core.workdays import is_working_day
from visitt.organisations.models import Unit
from visitt.planning.models import AnnualPlan, Visit
from visitt.planning.visits import OSLO

YEAR = 2026
URL = reverse("plan_schedule", args=[YEAR])


@pytest.fixture
def clock():
    # A Monday early in the year, so that every month of the year lies ahead.
    with time_machine.travel(datetime(YEAR, 1, 5, 9, 0, tzinfo=OSLO), tick=True):
        yield


@pytest.fixture
def coordinator(clock, world, client_for):
    return english(client_for(world.coordinator))


@pytest.fixture
def plan(world):
    return make_plan(world, YEAR)


def choices(world, units, months, **extra) -> dict:
    data = {
        "units": [str(u.pk) for u in units],
        "months": [str(m) for m in months],
        "start_time": "10:00",
        "visit_leader": str(world.top_leader.pk),
        "coordinator": str(world.coordinator.pk),
        "secretary": str(world.secretary.pk),
        "medical_advisor": "",
    }
    data.update(extra)
    return data


def propose(client, world, units, months, **extra):
    return client.post(URL, {**choices(world, units, months, **extra), "action": "propose"})


def proposed_rows(response) -> list[dict]:
    return list(response.context["rows"].initial)


def save_data(world, units, months, rows: list[dict], **extra) -> dict:
    data = {**choices(world, units, months), "action": "save"}
    data.update(
        {
            "rows-TOTAL_FORMS": str(len(rows)),
            "rows-INITIAL_FORMS": str(len(rows)),
            "rows-MIN_NUM_FORMS": "0",
            "rows-MAX_NUM_FORMS": "500",
        }
    )
    for i, row in enumerate(rows):
        unit = row["unit"]
        data[f"rows-{i}-unit"] = str(getattr(unit, "pk", unit))
        data[f"rows-{i}-date"] = (
            row["date"] if isinstance(row["date"], str) else row["date"].isoformat()
        )
        start = row["start_time"]
        data[f"rows-{i}-start_time"] = start if isinstance(start, str) else start.strftime("%H:%M")
    data.update(extra)
    return data


# --- Step 1 -------------------------------------------------------------------------------


def test_without_a_plan_the_page_asks_for_the_plan_first(world, coordinator):
    page = coordinator.get(URL).content.decode()
    assert "Create the plan for 2026 first" in page
    assert reverse("plan_edit", args=[YEAR]) in page

    response = propose(coordinator, world, [world.unit], [3])
    assert response.status_code == 400
    assert not Visit.objects.exists()


def test_units_without_a_visit_this_year_are_chosen_beforehand(world, coordinator, plan):
    visited = Unit.objects.create(organisation=world.org, name="Fjellheim")
    make_visit(world, visited, date(YEAR, 2, 10))
    form = coordinator.get(URL).context["form"]
    # Solbakken sykehjem is visited through its ward: offered, but not chosen beforehand.
    assert form["units"].initial == [world.ward.pk]
    page = coordinator.get(URL).content.decode()
    assert "Fjellheim: already has a visit on" in page


def test_a_visit_to_a_unit_leaves_the_units_under_it_unchosen(world, coordinator, plan):
    make_visit(world, world.unit, date(YEAR, 2, 10))
    form = coordinator.get(URL).context["form"]
    assert form["units"].initial == []
    assert "Solbakken sykehjem: already has a visit on" in coordinator.get(URL).content.decode()


def test_july_is_not_offered_and_cannot_be_posted(world, coordinator, plan):
    page = coordinator.get(URL).content.decode()
    assert 'name="months" value="7"' not in page
    assert 'name="months" value="8"' in page

    response = propose(coordinator, world, [world.unit], [7])
    assert response.status_code == 400


def test_the_visit_leader_must_be_in_the_leadership_group(world, coordinator, plan):
    response = propose(
        coordinator, world, [world.unit], [3], visit_leader=str(world.unit_leader.pk)
    )
    assert response.status_code == 400


def test_too_many_units_for_the_chosen_months_are_refused_with_a_reason(world, coordinator, plan):
    units = make_units(world, 25)
    response = propose(coordinator, world, units, [1])
    assert response.status_code == 400
    assert "do not have enough free working days" in response.content.decode()


# --- Step 2: the proposal -----------------------------------------------------------------


def test_the_proposal_is_an_editable_table_and_nothing_is_saved_yet(world, coordinator, plan):
    units = [world.unit, world.ward, *make_units(world, 4)]

    response = propose(coordinator, world, units, [3, 4, 5])

    assert response.status_code == 200
    rows = proposed_rows(response)
    assert sorted(row["unit"] for row in rows) == sorted(u.pk for u in units)
    for row in rows:
        assert is_working_day(row["date"]) and row["date"].month in (3, 4, 5)
        assert row["date"].weekday() in (1, 2, 3)
        assert row["start_time"] == time(10, 0)
    page = response.content.decode()
    assert page.count('type="date"') == 6 and page.count('type="time"') == 6
    assert "Solbakken sykehjem" in page and "Avdeling 1" in page
    assert page.count("<h1") == 1
    assert not Visit.objects.exists()


def test_proposals_lie_after_today(world, coordinator, plan):
    rows = proposed_rows(propose(coordinator, world, make_units(world, 4), [1]))
    assert all(row["date"] > date(YEAR, 1, 5) for row in rows)


def test_the_proposal_avoids_a_team_members_other_visit(world, coordinator, plan):
    (first,) = proposed_rows(propose(coordinator, world, [world.unit], [3]))
    other = Unit.objects.create(organisation=world.org, name="Hjemmetjenesten")
    # The secretary is on another visit at that hour.
    make_visit(
        world, other, first["date"], time(9, 30), visit_leader=world.coordinator, coordinator=None
    )

    (second,) = proposed_rows(propose(coordinator, world, [world.unit], [3]))

    assert second["date"] != first["date"]


def test_a_visit_of_people_outside_the_team_does_not_block_the_day(
    world, coordinator, plan, client_for
):
    (first,) = proposed_rows(propose(coordinator, world, [world.unit], [3]))
    other = Unit.objects.create(organisation=world.org, name="Hjemmetjenesten")
    make_visit(
        world,
        other,
        first["date"],
        visit_leader=world.coordinator,
        coordinator=None,
        secretary=None,
    )

    (second,) = proposed_rows(
        propose(coordinator, world, [world.unit], [3], coordinator="", secretary="")
    )

    assert second["date"] == first["date"]


def test_going_back_keeps_the_choices(world, coordinator, plan):
    data = {**choices(world, [world.ward], [9, 10]), "action": "change"}
    response = coordinator.post(URL, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form["months"].value() == ["9", "10"]


# --- Saving ---------------------------------------------------------------------------------


def test_adjusted_proposals_are_saved_as_planned_visits_of_the_plan(world, coordinator, plan):
    units = [world.unit, world.ward, *make_units(world, 1)]
    rows = proposed_rows(propose(coordinator, world, units, [3, 4]))
    moved = rows[0]
    moved["date"], moved["start_time"] = date(YEAR, 6, 2), "12:30"  # a Tuesday in June

    response = coordinator.post(URL, save_data(world, units, [3, 4], rows))

    assert response.status_code == 302
    assert response["Location"] == reverse("plan_year", args=[YEAR])
    visits = {v.unit_id: v for v in Visit.objects.all()}
    assert set(visits) == {u.pk for u in units}
    adjusted = visits[moved["unit"]]
    assert (adjusted.date, adjusted.start_time) == (date(YEAR, 6, 2), time(12, 30))
    for visit in visits.values():
        assert visit.status == Visit.Status.PLANNED
        assert visit.plan == plan and visit.organisation == world.org
        assert visit.created_by == world.coordinator
        assert visit.visit_leader == world.top_leader
        assert (visit.coordinator, visit.secretary, visit.medical_advisor) == (
            world.coordinator,
            world.secretary,
            None,
        )
    event = AuditEvent.objects.get(action=AuditEvent.Action.VISITS_SCHEDULED)
    assert event.data["count"] == 3 and event.object_id == str(plan.pk)


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2026-05-14", "is a public holiday"),  # Ascension Day
        ("2026-05-25", "is a public holiday"),  # Whit Monday
        ("2026-04-03", "is a public holiday"),  # Good Friday
        ("2026-12-25", "is a public holiday"),
        ("2026-03-07", "is a Saturday or a Sunday"),
        ("2026-07-07", "July, the school summer holiday"),
        ("2027-03-02", "is not in 2026"),
        ("2026-01-02", "has already passed"),
        ("2026-02-30", "Enter a valid date"),
        ("", "This field is required"),
    ],
)
def test_one_invalid_row_leaves_nothing_saved_and_says_why(day, message, world, coordinator, plan):
    units = [world.unit, world.ward]
    rows = proposed_rows(propose(coordinator, world, units, [3]))
    rows[1]["date"] = day

    response = coordinator.post(URL, save_data(world, units, [3], rows))

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "Nothing is saved yet" in page
    assert not Visit.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VISITS_SCHEDULED).exists()


def test_an_invalid_row_is_marked_and_keeps_what_was_typed(world, coordinator, plan):
    units = [world.unit, world.ward]
    rows = proposed_rows(propose(coordinator, world, units, [3]))
    rows[0]["date"] = "2026-05-14"

    page = coordinator.post(URL, save_data(world, units, [3], rows)).content.decode()

    assert 'value="2026-05-14"' in page
    assert 'aria-invalid="true"' in page and 'aria-describedby="rows-0-problems"' in page
    assert 'id="rows-0-problems"' in page


def test_two_rows_at_the_same_time_are_refused(world, coordinator, plan):
    units = [world.unit, world.ward]
    rows = proposed_rows(propose(coordinator, world, units, [3]))
    rows[1]["date"], rows[1]["start_time"] = rows[0]["date"], "10:30"

    response = coordinator.post(URL, save_data(world, units, [3], rows))

    assert response.status_code == 400
    assert "Another visit in this list is at the same time." in response.content.decode()
    assert not Visit.objects.exists()


def test_the_same_day_at_a_later_hour_is_fine(world, coordinator, plan):
    units = [world.unit, world.ward]
    rows = proposed_rows(propose(coordinator, world, units, [3]))
    rows[1]["date"], rows[1]["start_time"] = rows[0]["date"], "13:00"

    assert coordinator.post(URL, save_data(world, units, [3], rows)).status_code == 302
    assert Visit.objects.filter(date=rows[0]["date"]).count() == 2


def test_a_row_that_clashes_with_a_team_members_visit_is_refused(world, coordinator, plan):
    units = [world.unit]
    rows = proposed_rows(propose(coordinator, world, units, [3]))
    other = Unit.objects.create(organisation=world.org, name="Hjemmetjenesten")
    make_visit(world, other, rows[0]["date"], time(10, 45), visit_leader=world.top_leader)

    response = coordinator.post(URL, save_data(world, units, [3], rows))

    assert response.status_code == 400
    assert "already has a visit at that time" in response.content.decode()
    assert Visit.objects.count() == 1


def test_the_same_unit_twice_is_refused(world, coordinator, plan):
    rows = proposed_rows(propose(coordinator, world, [world.unit, world.ward], [3]))
    rows[1]["unit"] = rows[0]["unit"]

    response = coordinator.post(URL, save_data(world, [world.unit, world.ward], [3], rows))

    assert response.status_code == 400
    assert "This unit is already in the list." in response.content.decode()
    assert not Visit.objects.exists()


@pytest.mark.parametrize("which", ["other organisation", "not chosen"])
def test_a_row_for_a_unit_outside_the_choice_is_refused(which, world, coordinator, plan):
    rows = proposed_rows(propose(coordinator, world, [world.unit], [3]))
    rows[0]["unit"] = world.other_unit.pk if which == "other organisation" else world.ward.pk

    response = coordinator.post(URL, save_data(world, [world.unit], [3], rows))

    assert response.status_code == 400
    assert not Visit.objects.exists()


def test_saving_the_same_proposal_twice_creates_the_visits_once(world, coordinator, plan):
    units = [world.unit, world.ward]
    rows = proposed_rows(propose(coordinator, world, units, [3]))
    data = save_data(world, units, [3], rows)

    assert coordinator.post(URL, data).status_code == 302
    again = coordinator.post(URL, data)

    assert again.status_code == 400
    assert Visit.objects.count() == 2


def test_an_empty_list_of_rows_saves_nothing(world, coordinator, plan):
    response = coordinator.post(URL, save_data(world, [world.unit], [3], []))
    assert response.status_code == 400
    assert "There are no visits to save." in response.content.decode()


# --- Access -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["secretary", "unit_leader", "admin"])
def test_only_the_top_leader_and_the_coordinator_schedule(persona, world, client_for, plan, clock):
    client = client_for(getattr(world, persona))
    rows = [{"unit": world.unit.pk, "date": date(YEAR, 3, 3), "start_time": time(10, 0)}]
    assert client.get(URL).status_code == 403
    assert client.post(URL, save_data(world, [world.unit], [3], rows)).status_code == 403
    assert not Visit.objects.exists()


def test_the_outsider_cannot_schedule_visits_for_another_organisations_units(
    world, client_for, plan, clock
):
    outsider = english(client_for(world.outsider))
    AnnualPlan.objects.create(organisation=world.other_org, year=YEAR, owner=world.outsider)
    rows = [{"unit": world.unit.pk, "date": date(YEAR, 3, 3), "start_time": time(10, 0)}]

    page = outsider.get(URL).content.decode()
    response = outsider.post(
        URL, save_data(world, [world.unit], [3], rows, visit_leader=str(world.outsider.pk))
    )

    assert "Solbakken sykehjem" not in page
    assert response.status_code == 400
    assert not Visit.objects.exists()
