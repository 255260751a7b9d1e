"""Creating and changing the annual plan and its goals: default goals in the organisation's
language form, the owner is a top leader, optimistic locking, audit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.conftest import make_user
from tests.planning.plan_helpers import english, make_plan, make_visit
from visitt.audit.models import AuditEvent
from visitt.organisations.models import Organisation, Role
from visitt.planning.models import AnnualPlan, PlanGoal
from visitt.planning.plan import StalePlanError, default_goals

YEAR = 2026
URL = reverse("plan_edit", args=[YEAR])
M = PlanGoal.Measure


@pytest.fixture
def coordinator(world, client_for):
    return english(client_for(world.coordinator))


def management(prefix: str, total: int, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "20",
    }


def goal_rows(goals: list[dict], existing: list[PlanGoal] | None = None) -> dict[str, str]:
    existing = existing or []
    data = management("goals", len(goals), len(existing))
    for i, goal in enumerate(goals):
        if i < len(existing):
            data[f"goals-{i}-id"] = str(existing[i].pk)
        for key, value in goal.items():
            data[f"goals-{i}-{key}"] = "" if value is None else str(value)
        data.setdefault(f"goals-{i}-achieved", "unknown")
    return data


def new_plan_data(world, **extra) -> dict[str, str]:
    data = {"owner": str(world.top_leader.pk), "notes": "Alle sykehjem først."}
    data.update(
        goal_rows(
            [
                {"text": "Alle aktive enheter besøkt", "measure": M.UNITS_VISITED, "target": 100},
                {"text": "Visittene drøftet i ledermøtet", "measure": M.MANUAL, "target": ""},
            ]
        )
    )
    data.update(extra)
    return data


# --- The model ----------------------------------------------------------------------------


def test_a_new_plan_gets_the_default_goals_in_bokmaal(world):
    plan = make_plan(world, YEAR)

    goals = list(plan.goals.all())
    assert [(g.text, g.measure, g.target) for g in goals[:3]] == [
        ("Alle aktive enheter besøkt", M.UNITS_VISITED, Decimal(100)),
        ("Referat sendt innen fire virkedager", M.MINUTES_ON_TIME, Decimal(100)),
        ("80 % av tiltakene fullført innen frist", M.ACTIONS_DONE_ON_TIME, Decimal(80)),
    ]
    assert [g.order for g in goals] == list(range(len(goals)))


def test_a_nynorsk_organisation_gets_the_default_goals_in_nynorsk(world):
    plan = AnnualPlan.create_with_default_goals(
        organisation=world.other_org, year=YEAR, owner=world.outsider
    )
    texts = [g.text for g in plan.goals.all()]
    assert "Alle aktive einingar besøkte" in texts
    assert "Referat sendt innan fire vyrkedagar" in texts


def test_default_goals_cover_every_language_form():
    for language in Organisation.LanguageForm.values:
        assert len(default_goals(language)) == 4


def test_a_checked_save_refuses_an_old_version(world):
    plan = make_plan(world, YEAR)
    plan.notes = "Første"
    plan.save_checked(1, ["notes"])
    plan.notes = "Andre"
    with pytest.raises(StalePlanError):
        plan.save_checked(1, ["notes"])
    plan.refresh_from_db()
    assert (plan.notes, plan.version) == ("Første", 2)


# --- Creating -----------------------------------------------------------------------------


def test_the_new_plan_form_offers_the_default_goals_and_the_top_leader_as_owner(world, coordinator):
    response = coordinator.get(URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Alle aktive enheter besøkt"' in page
    assert 'value="80 % av tiltakene fullført innen frist"' in page
    assert f'<option value="{world.top_leader.pk}" selected>' in page
    assert page.count("<h1") == 1


def test_a_nynorsk_organisation_is_offered_nynorsk_goals(world, client_for):
    response = english(client_for(world.outsider)).get(URL)
    assert 'value="Alle aktive einingar besøkte"' in response.content.decode()


def test_creating_the_plan_saves_the_posted_goals_in_order_and_audits(world, coordinator):
    response = coordinator.post(URL, new_plan_data(world))

    assert response.status_code == 302
    assert response["Location"] == reverse("plan_year", args=[YEAR])
    plan = AnnualPlan.objects.get(organisation=world.org, year=YEAR)
    assert plan.owner == world.top_leader and plan.notes == "Alle sykehjem først."
    assert [(g.text, g.order) for g in plan.goals.all()] == [
        ("Alle aktive enheter besøkt", 0),
        ("Visittene drøftet i ledermøtet", 1),
    ]
    event = AuditEvent.objects.get(action=AuditEvent.Action.PLAN_CREATED)
    assert event.object_id == str(plan.pk) and event.organisation == world.org
    assert event.data["goals_added"] == 2


def test_visits_registered_before_the_plan_existed_join_it(world, coordinator):
    earlier = make_visit(world, world.unit, date(YEAR, 3, 10))
    last_year = make_visit(world, world.ward, date(YEAR - 1, 3, 10))

    coordinator.post(URL, new_plan_data(world))

    plan = AnnualPlan.objects.get(organisation=world.org, year=YEAR)
    earlier.refresh_from_db()
    last_year.refresh_from_db()
    assert earlier.plan == plan and last_year.plan is None


def test_a_default_goal_ticked_for_deletion_is_not_created(world, coordinator):
    data = new_plan_data(world, **{"goals-1-DELETE": "on"})
    coordinator.post(URL, data)
    plan = AnnualPlan.objects.get(organisation=world.org, year=YEAR)
    assert [g.text for g in plan.goals.all()] == ["Alle aktive enheter besøkt"]


def test_the_owner_must_be_a_top_leader_of_the_organisation(world, coordinator):
    for owner in (world.coordinator, world.outsider):
        response = coordinator.post(URL, new_plan_data(world, owner=str(owner.pk)))
        assert response.status_code == 400
    assert not AnnualPlan.objects.exists()


def test_a_target_above_100_is_refused_and_nothing_is_saved(world, coordinator):
    response = coordinator.post(URL, new_plan_data(world, **{"goals-0-target": "120"}))

    assert response.status_code == 400
    assert "Give a share from 0 to 100." in response.content.decode()
    assert not AnnualPlan.objects.exists() and not PlanGoal.objects.exists()


def test_without_any_top_leader_the_page_says_who_can_fix_it(world, coordinator):
    world.top_leader.memberships.get().set_roles([Role.SECRETARY])
    page = coordinator.get(URL).content.decode()
    assert "Nobody in the organisation has the top leader role yet" in page


# --- Changing -----------------------------------------------------------------------------


def change_data(world, plan: AnnualPlan, version: int | None = None, **extra) -> dict[str, str]:
    goals = list(plan.goals.all())
    data = {
        "owner": str(plan.owner_id),
        "notes": plan.notes,
        "version": str(version or plan.version),
    }
    data.update(
        goal_rows(
            [{"text": g.text, "measure": g.measure, "target": g.target} for g in goals],
            existing=goals,
        )
    )
    data.update(extra)
    return data


def test_changing_the_plan_bumps_the_version_and_audits_what_changed(world, coordinator):
    plan = make_plan(world, YEAR)
    second_leader = make_user("leder2@test.no", world.org, Role.TOP_LEADER, name="Lise Leder")

    response = coordinator.post(
        URL,
        change_data(
            world,
            plan,
            owner=str(second_leader.pk),
            notes="Ny prioritering",
            **{"goals-2-target": "90", "goals-3-DELETE": "on"},
        ),
    )

    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.owner, plan.notes, plan.version) == (second_leader, "Ny prioritering", 2)
    goals = list(plan.goals.all())
    assert len(goals) == 3
    assert goals[2].target == Decimal(90)
    event = AuditEvent.objects.get(action=AuditEvent.Action.PLAN_CHANGED)
    assert set(event.data["fields"]) == {"owner", "notes"}
    assert event.data["goals_changed"] == 1 and event.data["goals_deleted"] == 1


def test_a_stale_save_is_refused_with_a_message_and_nothing_changes(world, coordinator, client_for):
    plan = make_plan(world, YEAR)
    opened = change_data(world, plan)
    # Someone else saves first.
    english(client_for(world.top_leader)).post(
        URL, change_data(world, plan, notes="Lederens notat")
    )

    response = coordinator.post(
        URL, {**opened, "notes": "Koordinatorens notat", "goals-0-text": "Endret"}
    )

    assert response.status_code == 409
    assert "Someone else saved this plan after you opened it" in response.content.decode()
    plan.refresh_from_db()
    assert plan.notes == "Lederens notat" and plan.version == 2
    assert plan.goals.first().text == "Alle aktive enheter besøkt"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PLAN_CHANGED).count() == 1


def test_a_change_without_the_version_is_refused(world, coordinator):
    plan = make_plan(world, YEAR)
    data = change_data(world, plan, notes="Uten versjon")
    data["version"] = ""

    assert coordinator.post(URL, data).status_code == 400
    plan.refresh_from_db()
    assert plan.notes == ""


def test_achieved_is_kept_for_a_manual_goal_and_cleared_for_a_computed_one(world, coordinator):
    plan = make_plan(world, YEAR)
    manual = PlanGoal.objects.create(plan=plan, text="Drøftet i ledermøtet", order=9)
    data = change_data(world, plan, **{"goals-0-achieved": "true"})
    data.update({"goals-4-measure": M.MANUAL, "goals-4-achieved": "true"})

    coordinator.post(URL, data)

    manual.refresh_from_db()
    assert manual.achieved is True
    assert plan.goals.get(measure=M.UNITS_VISITED).achieved is None


def test_a_new_goal_can_be_added_in_the_empty_row(world, coordinator):
    plan = make_plan(world, YEAR)
    data = change_data(world, plan)
    data.update(management("goals", 5, 4))
    data.update(
        {
            "goals-4-text": "Tilbakemelding til alle deltakere",
            "goals-4-measure": M.MANUAL,
            "goals-4-achieved": "unknown",
        }
    )

    assert coordinator.post(URL, data).status_code == 302
    assert plan.goals.last().text == "Tilbakemelding til alle deltakere"


def test_the_edit_page_of_an_existing_plan_carries_its_version(world, coordinator):
    plan = make_plan(world, YEAR)
    plan.save_checked(1, ["notes"])
    page = coordinator.get(URL).content.decode()
    assert 'name="version" value="2"' in page


@pytest.mark.parametrize("persona", ["secretary", "unit_leader", "admin"])
def test_only_the_top_leader_and_the_coordinator_change_the_plan(persona, world, client_for):
    client = client_for(getattr(world, persona))
    assert client.get(URL).status_code == 403
    assert client.post(URL, new_plan_data(world)).status_code == 403
    assert not AnnualPlan.objects.exists()


def test_the_top_leader_can_create_the_plan(world, client_for):
    response = client_for(world.top_leader).post(URL, new_plan_data(world))
    assert response.status_code == 302


def test_the_outsider_changes_only_their_own_organisations_plan(world, client_for):
    plan = make_plan(world, YEAR, notes="Testkommunes plan")
    outsider = english(client_for(world.outsider))

    page = outsider.get(URL).content.decode()
    outsider.post(
        URL, {**new_plan_data(world), "owner": str(world.outsider.pk), "notes": "Overtatt"}
    )

    assert "Testkommunes plan" not in page
    plan.refresh_from_db()
    assert plan.notes == "Testkommunes plan" and plan.version == 1
    assert AnnualPlan.objects.get(organisation=world.other_org).notes == "Overtatt"
