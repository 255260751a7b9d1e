"""The debrief right after the visit: what went well, what could be better, and the
confirmed responsibility level of each problem. Private to the leadership group."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import make_user
from visitt.audit.models import AuditEvent
from visitt.organisations.models import Role
from visitt.planning.models import Visit
from visitt.walkround.conduct import Debrief
from visitt.walkround.problems import Problem

A = AuditEvent.Action
FNR = "15108695088"


@pytest.fixture
def problems(visit) -> list[Problem]:
    return [
        Problem.objects.create(
            visit=visit, number=n, title=f"Problem {n}", created_by=visit.visit_leader
        )
        for n in (1, 2)
    ]


def url(visit: Visit) -> str:
    return reverse("visit_debrief", args=[visit.pk])


def form(problems, version=0, **extra) -> dict:
    data = {
        "went_well": "God stemning, alle kom til orde.",
        "could_be_better": "Vi brukte for lang tid på presentasjonen.",
        "version": version,
    }
    for problem in problems:
        data[f"level_{problem.pk}"] = "local" if problem.number == 1 else "higher"
    data.update(extra)
    return data


def test_the_debrief_saves_and_confirms_each_problems_level(world, visit, problems, client_for):
    client = client_for(world.secretary)
    page = client.get(url(visit))
    assert page.status_code == 200
    assert "Responsibility level of problem 1: Problem 1" in page.text

    response = client.post(url(visit), form(problems))

    assert response.status_code == 302
    debrief = Debrief.objects.get(visit=visit)
    assert debrief.went_well == "God stemning, alle kom til orde."
    assert debrief.could_be_better.startswith("Vi brukte")
    assert debrief.version == 1 and debrief.updated_by == world.secretary
    levels = dict(Problem.objects.values_list("number", "level"))
    assert levels == {1: "local", 2: "higher"}
    event = AuditEvent.objects.get(action=A.NOTES_CHANGED)
    assert event.data["debrief"] == 1 and sorted(event.data["levels_changed"]) == [1, 2]


def test_a_level_must_be_confirmed_for_every_problem(world, visit, problems, client_for):
    data = form(problems)
    data[f"level_{problems[1].pk}"] = ""

    response = client_for(world.secretary).post(url(visit), data)

    assert response.status_code == 400
    assert not Debrief.objects.exists()
    assert not Problem.objects.exclude(level="").exists()


def test_a_debrief_without_problems_saves(world, visit, client_for):
    response = client_for(world.coordinator).post(url(visit), form([]))
    assert response.status_code == 302
    assert Debrief.objects.get(visit=visit).version == 1


def test_reading_the_debrief_is_audited(world, visit, client_for):
    client_for(world.top_leader).get(url(visit))
    assert AuditEvent.objects.filter(action=A.NOTES_READ, data__debrief=True).count() == 1


def test_a_stale_debrief_is_refused_with_409_and_nothing_changes(
    world, visit, problems, client_for
):
    Debrief.objects.create(visit=visit, went_well="Deres tekst", version=3)

    response = client_for(world.secretary).post(url(visit), form(problems, version=2))

    assert response.status_code == 409
    debrief = Debrief.objects.get(visit=visit)
    assert (debrief.went_well, debrief.version) == ("Deres tekst", 3)
    assert not Problem.objects.exclude(level="").exists()


def test_two_first_saves_do_not_overwrite_each_other(world, visit, problems, client_for):
    first = client_for(world.secretary).post(url(visit), form(problems))
    second = client_for(world.coordinator).post(url(visit), form(problems, went_well="Min versjon"))
    assert first.status_code == 302 and second.status_code == 409
    assert Debrief.objects.get(visit=visit).went_well.startswith("God stemning")


def test_the_guard_refuses_a_national_identity_number_in_the_debrief(
    world, visit, problems, client_for
):
    response = client_for(world.secretary).post(
        url(visit), form(problems, could_be_better=f"Journalen til {FNR}")
    )
    assert response.status_code == 422
    assert not Debrief.objects.exists()


def test_a_warning_in_the_debrief_is_saved_with_an_audited_reason(
    world, visit, problems, client_for
):
    client = client_for(world.secretary)
    data = form(problems, went_well="Ring 98765432 for å booke rommet")
    assert client.post(url(visit), data).status_code == 422

    response = client.post(url(visit), {**data, "override_reason": "Sentralbordet"})

    assert response.status_code == 302
    event = AuditEvent.objects.get(action=A.PERSONAL_DATA_OVERRIDE)
    assert event.data["kinds"] == ["phone"] and event.data["reason"] == "Sentralbordet"


# --- Confidentiality -------------------------------------------------------------------


def test_the_leadership_team_and_top_leaders_may_read_the_debrief(world, visit, client_for):
    Debrief.objects.create(visit=visit, went_well="Hemmelig evaluering")
    for user in (world.secretary, world.coordinator, world.top_leader):
        response = client_for(user).get(url(visit))
        assert response.status_code == 200
        assert "Hemmelig evaluering" in response.text


@pytest.mark.parametrize("role", [Role.UNIT_LEADER, Role.ACTION_OWNER, Role.ADMIN])
def test_unit_leaders_action_owners_and_admins_are_refused(
    world, visit, problems, client_for, role
):
    user = make_user(f"{role}-x@test.no", world.org, role)
    client = client_for(user)
    assert client.get(url(visit)).status_code == 403
    assert client.post(url(visit), form(problems)).status_code == 403
    assert not Debrief.objects.exists()


def test_the_visits_own_unit_leader_is_refused(world, visit, client_for):
    assert client_for(world.unit_leader).get(url(visit)).status_code == 403


def test_another_organisation_gets_404(world, visit, problems, client_for):
    client = client_for(world.outsider)
    assert client.get(url(visit)).status_code == 404
    assert client.post(url(visit), form(problems)).status_code == 404
    assert not Debrief.objects.exists()
