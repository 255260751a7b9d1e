"""The demo's action plans (visitt.followup.demo_plans): Vedlegg 3's own example on the
conducted visit's problems, an overdue action for tiltakseier@, made once."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from visitt.accounts.models import User
from visitt.core.personal_data import scan
from visitt.followup.plans import Action, Aim, Measure
from visitt.organisations.demo import seed_demo
from visitt.walkround.problems import Problem

SESSION_DAY = date(2026, 11, 23)
S = Action.Status


@pytest.fixture
def demo(db):
    with time_machine.travel(date(2026, 11, 23), tick=False):
        seed_demo(SESSION_DAY)


def test_the_demo_plan_is_vedlegg_3s_example(demo):
    problems = {
        p.number: p
        for p in Problem.objects.filter(visit__unit__code="SOL-1", visit__date__year=2026)
    }
    sores, toilet, medication = problems[1], problems[2], problems[3]

    assert "30 %" in Aim.objects.get(problem=sores).target
    assert Measure.objects.get(problem=sores).name == "Antall nye trykksår per måned"
    assert Measure.objects.get(problem=toilet).name == "Antall fall på toalett"
    assert sorted(Action.objects.filter(problem=sores).values_list("status", flat=True)) == [
        S.DONE,
        S.IN_PROGRESS,
    ]
    impossible = Action.objects.get(problem=toilet, status=S.NOT_POSSIBLE)
    assert impossible.reason
    owner = User.objects.get(email="tiltakseier@demo.visitt.no")
    mine = Action.objects.filter(problem=medication, owner=owner)
    assert {a.status for a in mine} == {S.IN_PROGRESS, S.PLANNED}
    assert any(a.due_date < SESSION_DAY for a in mine)  # overdue
    for action in Action.objects.all():
        assert not scan(f"{action.what}\n{action.reason}\n{action.progress_note}")
    for aim in Aim.objects.all():
        assert not scan(f"{aim.text}\n{aim.target}")


def test_the_demo_is_made_once(demo):
    counts = (Aim.objects.count(), Measure.objects.count(), Action.objects.count())
    with time_machine.travel(date(2026, 11, 23), tick=False):
        seed_demo(SESSION_DAY)
    assert (Aim.objects.count(), Measure.objects.count(), Action.objects.count()) == counts


def test_the_action_owner_sees_the_overdue_action_on_my_actions(demo, en_client_for):
    owner = User.objects.get(email="tiltakseier@demo.visitt.no")
    with time_machine.travel(date(2026, 11, 23), tick=False):
        response = en_client_for(owner).get(reverse("my_actions"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Overdue" in body
    assert "samstemming av legemiddellisten" in body
