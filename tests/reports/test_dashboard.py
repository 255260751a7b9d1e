"""The start page per role (issue 6): each role's panels, scoped to the organisation,
bounded in queries, and never the confidential notes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_user
from tests.followup.notices_support import conducted_visit, with_minutes
from tests.followup.support_plans import action_owner
from tests.reports.dashboard_support import fill, plan_this_year
from visitt.followup.minutes import Minutes, minutes_deadline
from visitt.followup.plans import Action
from visitt.organisations.models import Role, Unit
from visitt.planning.models import Visit
from visitt.reports.dashboard import last_visit_date_past_deadline
from visitt.walkround.problems import Problem

pytestmark = pytest.mark.django_db


def home(client_for, user):
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
    return response


def panel(response, key):
    panels = response.context["panels"]
    return next(listing for listing in [*panels.leader, *panels.secretary] if listing.key == key)


def test_the_top_leader_sees_every_panel_with_counts_and_links(world, client_for):
    plan_this_year(world)
    fill(world, 2)
    response = home(client_for, world.top_leader)
    panels = response.context["panels"]
    assert panels.goals.plan is not None and panels.goals.goals
    counts = {listing.key: listing.count for listing in panels.leader}
    assert counts == {
        "coming": 4,  # two walkrounds and two follow-up visits within 30 days
        "overdue-visits": 2,
        "minutes": 4,  # two in review and two conducted visits without minutes
        "actions-overdue": 2,
        "feedback": 2,
        "follow-ups": 2,
    }
    html = response.content.decode()
    assert reverse("feedback_owed") in html
    assert reverse("visit_list") in html
    assert reverse("plan_year", args=[timezone.localdate().year]) in html
    assert 'data-panel="goals"' in html
    # Tags say it in words, not colour alone.
    assert "Overdue" in html or "Forfalt" in html


def test_short_lists_stop_at_five(world, client_for):
    fill(world, 7)
    response = home(client_for, world.top_leader)
    listing = panel(response, "overdue-visits")
    assert listing.count == 7
    assert len(listing.rows) == 5


def test_the_start_page_runs_the_same_queries_with_more_data(world, client_for):
    plan_this_year(world)
    user = make_user(
        "alle@test.no",
        world.org,
        Role.TOP_LEADER,
        Role.COORDINATOR,
        Role.UNIT_LEADER,
        Role.ACTION_OWNER,
    )
    client = client_for(user)
    fill(world, 1)
    client.get(reverse("home"))  # warm caches (site, session)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("home")).status_code == 200
    fill(world, 8)
    for n in range(6):  # more units too: the unit goal walks the unit tree
        Unit.objects.create(organisation=world.org, name=f"Avdeling {n + 2}", parent=world.unit)
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse("home")).status_code == 200
    assert len(large) == len(small)


def test_the_top_leaders_start_page_is_bounded(world, client_for, django_assert_max_num_queries):
    plan_this_year(world)
    fill(world, 6)
    client = client_for(world.top_leader)
    with django_assert_max_num_queries(40):
        client.get(reverse("home"))


def test_another_organisations_data_is_never_shown(world, client_for):
    fill(world, 2, org=world.other_org, unit=world.other_unit)
    response = home(client_for, world.top_leader)
    panels = response.context["panels"]
    assert all(listing.count == 0 for listing in panels.leader)
    assert world.other_unit.name not in response.content.decode()
    # And the outsider does not see ours.
    fill(world, 1)
    outsider = home(client_for, world.outsider).content.decode()
    assert world.unit.name not in outsider


def test_the_coordinator_sees_preparation_done_of_total_and_group_size(world, client_for):
    fill(world, 1)
    response = home(client_for, world.coordinator)
    panels = response.context["panels"]
    assert panels.leader == []
    row = panels.preparation[0]
    assert (row.done, row.total, row.group_size) == (2, 8, 3)
    html = response.content.decode()
    assert reverse("visit_preparation", args=[row.visit.pk]) in html
    assert 'data-state="group-short"' in html


def test_a_follow_up_visit_is_not_flagged_for_its_group(world, client_for):
    fill(world, 1)
    rows = home(client_for, world.coordinator).context["panels"].preparation
    follow_ups = [row for row in rows if row.visit.kind == Visit.Kind.FOLLOW_UP]
    walkrounds = [row for row in rows if row.visit.kind == Visit.Kind.MAIN]
    assert follow_ups and all(row.group_complete for row in follow_ups)
    assert walkrounds and not any(row.group_complete for row in walkrounds)


def test_the_unit_leader_sees_their_visits_problems_and_actions_not_notes(world, client_for):
    fill(world, 1)
    visit = Visit.objects.filter(organisation=world.org, status=Visit.Status.CONDUCTED).first()
    Problem.objects.filter(visit=visit).update(description="HEMMELIG BESKRIVELSE")
    other = make_user("annen-leder@test.no", world.org, Role.UNIT_LEADER)
    conducted_visit(world, timezone.localdate() - timedelta(days=40), unit_leader=other)
    response = home(client_for, world.unit_leader)
    panels = response.context["panels"]
    assert panels.unit_visit_count == Visit.objects.filter(unit_leader=world.unit_leader).count()
    html = response.content.decode()
    assert "Trykksår og madrasser" in html
    assert "Forfalt tiltak 0" in html
    assert "HEMMELIG BESKRIVELSE" not in html
    assert panels.goals is None and panels.preparation is None


def test_the_action_owner_sees_mine_tiltak_in_brief(world, client_for):
    fill(world, 2)
    owner = action_owner(world)
    response = home(client_for, owner)
    summary = response.context["panels"].my_actions
    assert (summary.open, summary.overdue) == (2, 2)
    assert reverse("my_actions") in response.content.decode()
    assert response.context["panels"].leader == []


def test_a_person_with_several_roles_sees_each_panel(world, client_for):
    user = make_user(
        "mange@test.no",
        world.org,
        Role.TOP_LEADER,
        Role.COORDINATOR,
        Role.UNIT_LEADER,
        Role.ACTION_OWNER,
    )
    html = home(client_for, user).content.decode()
    for key in ["top-leader", "preparation", "unit-leader", "my-actions"]:
        assert f'data-panel="{key}"' in html


def test_the_secretary_sees_the_next_visits_and_the_minutes_to_write(world, client_for):
    today = timezone.localdate()
    other_secretary = make_user("annen@test.no", world.org, Role.SECRETARY)
    coming = conducted_visit(world, today + timedelta(days=3), status=Visit.Status.PLANNED)
    conducted_visit(
        world, today + timedelta(days=4), status=Visit.Status.PLANNED, secretary=other_secretary
    )
    conducted_visit(
        world,
        today + timedelta(days=5),
        org=world.other_org,
        unit=world.other_unit,
        status=Visit.Status.PLANNED,
    )
    just_held = conducted_visit(world, today)  # minutes not started, not late yet
    late = with_minutes(conducted_visit(world, today - timedelta(days=20)))
    with_minutes(conducted_visit(world, today - timedelta(days=30)), Minutes.Status.SIGNED)

    response = home(client_for, world.secretary)

    visits = panel(response, "secretary-visits")
    assert visits.count == 1 and visits.rows[0].url == reverse("visit_detail", args=[coming.pk])
    minutes = panel(response, "secretary-minutes")
    assert minutes.count == 2
    # The late draft first; the minutes of today's visit are not started and not late.
    assert [(row.url, row.state) for row in minutes.rows] == [
        (reverse("minutes", args=[late.visit_id]), "overdue"),
        (reverse("minutes", args=[just_held.pk]), "not-started"),
    ]
    html = response.content.decode()
    assert 'data-panel="secretary"' in html and 'id="card-calendar"' in html
    # The date beside minutes is their deadline, and says so.
    minutes_html = html[html.index('data-panel="secretary-minutes"') :].split("</section>")[0]
    assert minutes_html.count("frist ") == 2
    assert world.other_unit.name not in html


def test_the_secretarys_start_page_runs_the_same_queries_with_more_data(world, client_for):
    client = client_for(world.secretary)
    today = timezone.localdate()

    def add(n: int) -> None:
        for i in range(n):
            conducted_visit(world, today + timedelta(days=2 + i), status=Visit.Status.PLANNED)
            with_minutes(conducted_visit(world, today - timedelta(days=10 + i)))
            conducted_visit(world, today - timedelta(days=40 + i))

    add(1)
    client.get(reverse("home"))  # warm caches (site, session)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("home")).status_code == 200
    add(8)
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse("home")).status_code == 200
    assert len(large) == len(small)


def test_minutes_are_late_exactly_after_the_fourth_working_day():
    today = timezone.localdate()
    last = last_visit_date_past_deadline(today)
    assert minutes_deadline(last) < today
    assert minutes_deadline(last + timedelta(days=1)) >= today


def test_the_unit_leader_sees_overdue_actions_and_the_follow_up_of_a_follow_up_visit(
    world, client_for
):
    today = timezone.localdate()
    walkround = conducted_visit(world, today - timedelta(days=100))
    problem = Problem.objects.create(
        visit=walkround, number=1, title="Gamle madrasser", created_by=world.secretary
    )
    Action.objects.create(
        problem=problem,
        what="Bestille madrasser",
        due_date=today - timedelta(days=1),
        created_by=world.secretary,
    )
    follow_up = conducted_visit(
        world, today - timedelta(days=5), kind=Visit.Kind.FOLLOW_UP, parent=walkround
    )

    html = home(client_for, world.unit_leader).content.decode()

    panel = html[html.index('data-panel="unit-leader"') :].split("</section>")[0]
    ordered = panel.split('id="dash-unit-visit-')
    follow_up_item = next(part for part in ordered if part.startswith(f'{follow_up.pk}"'))
    walkround_item = next(part for part in ordered if part.startswith(f'{walkround.pk}"'))
    assert "Oppfølgingsvisitt" in follow_up_item
    assert reverse("follow_up_review", args=[follow_up.pk]) in follow_up_item
    assert "Ingen problemer registrert" not in follow_up_item
    assert 'data-state="overdue"' in walkround_item.split("Bestille madrasser")[1]
