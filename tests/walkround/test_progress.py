"""Phase 2 on the visit's page: the steps show as done when their records exist, and the
ways into the walkround are offered only to those who may use them. Also the other ways
in: the start page and the unit's page."""

from __future__ import annotations

from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_user
from tests.walkround.conftest import make_visit
from visitt.organisations.models import Role
from visitt.planning.models import Participant, Profession, Visit
from visitt.walkround.conduct import Debrief, VisitNote, Walkround
from visitt.walkround.problems import Problem
from visitt.walkround.progress import phase2_steps


@pytest.fixture
def visit(world) -> Visit:
    return make_visit(world, leader=world.top_leader)


def done(visit: Visit) -> dict[str, bool]:
    return {step.key: step.done for step in phase2_steps(visit)}


def conduct_fully(visit: Visit) -> None:
    Profession.ensure_defaults(visit.organisation)
    profession = Profession.objects.filter(organisation=visit.organisation).first()
    Participant.objects.create(visit=visit, name="Deltaker", profession=profession, attended=True)
    VisitNote.objects.create(visit=visit, text="Rutinen for overlevering er uklar.")
    Problem.objects.create(visit=visit, number=1, title="Overlevering", created_by=visit.secretary)
    Walkround.objects.create(
        visit=visit,
        summary="Tre gode funn.",
        had_tour=False,
        actual_start=time(10, 0),
        actual_end=time(10, 55),
        completed_at=timezone.now(),
    )
    Debrief.objects.create(visit=visit, went_well="God tone.")


def test_nothing_is_done_before_the_walkround(visit):
    assert not any(done(visit).values())
    assert list(done(visit)) == [
        "presentations",
        "questions",
        "problems",
        "closing",
        "tour",
        "debrief",
        "completed",
    ]


def test_every_step_is_done_after_a_full_walkround(visit):
    conduct_fully(visit)
    assert all(done(visit).values())


def test_an_empty_note_or_debrief_does_not_count(visit):
    VisitNote.objects.create(visit=visit, text="")
    Debrief.objects.create(visit=visit)
    Walkround.objects.create(visit=visit, summary="Oppsummert", actual_start=time(10, 0))
    state = done(visit)
    assert not state["questions"] and not state["debrief"] and not state["closing"]


def test_the_steps_run_a_fixed_number_of_queries(visit, django_assert_num_queries):
    conduct_fully(visit)
    with django_assert_num_queries(1):
        phase2_steps(visit)


def test_the_visit_page_shows_the_steps_and_the_ways_in_to_the_team(world, visit, client_for):
    conduct_fully(visit)
    page = client_for(world.secretary).get(reverse("visit_detail", args=[visit.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "The walkround" in html
    assert "Debrief: what went well and what could be better" in html
    for name in ("visit_mode", "visit_problems", "visit_debrief", "visit_questions"):
        assert reverse(name, args=[visit.pk]) in html
    # The steps show whether things exist, never the confidential text itself.
    assert "Rutinen for overlevering" not in html and "God tone." not in html


def test_a_unit_leader_sees_the_steps_but_no_way_into_the_notes(world, visit, client_for):
    viewer = make_user("leder2@test.no", world.org, Role.UNIT_LEADER, Role.COORDINATOR)
    page = client_for(viewer).get(reverse("visit_detail", args=[visit.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "The walkround" in html
    assert reverse("visit_mode", args=[visit.pk]) not in html
    assert reverse("visit_debrief", args=[visit.pk]) not in html


def test_the_visit_page_stays_bounded_with_phase_two(
    world, visit, client_for, django_assert_max_num_queries
):
    conduct_fully(visit)
    client = client_for(world.secretary)
    client.get(reverse("visit_detail", args=[visit.pk]))  # warm the session
    with django_assert_max_num_queries(40):
        assert client.get(reverse("visit_detail", args=[visit.pk])).status_code == 200


def test_the_visit_mode_lists_the_problems_agreed_so_far(world, visit, client_for):
    Problem.objects.create(
        visit=visit, number=1, title="Gamle madrasser", created_by=world.secretary
    )
    html = client_for(world.secretary).get(reverse("visit_mode", args=[visit.pk])).content
    assert "Gamle madrasser" in html.decode()
    assert "Add or change the problems" in html.decode()


def test_the_start_page_leads_coordinators_to_the_question_bank(world, client_for):
    url = reverse("question_bank")
    assert url in client_for(world.coordinator).get(reverse("home")).content.decode()
    assert url not in client_for(world.unit_leader).get(reverse("home")).content.decode()


def test_the_unit_page_leads_to_the_units_own_questions(world, client_for):
    html = client_for(world.admin).get(reverse("unit_edit", args=[world.unit.pk])).content
    assert reverse("unit_questions", args=[world.unit.pk]) in html.decode()


def test_the_question_bank_leads_to_the_opening_and_the_categories(world, client_for):
    html = client_for(world.coordinator).get(reverse("question_bank")).content.decode()
    assert reverse("opening_script_edit") in html
    assert reverse("problem_categories") in html
