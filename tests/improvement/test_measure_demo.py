"""The demo's measure data: pressure sores that drop after the new mattresses, a P chart
on the medication lists, one adopted PDSA cycle, and last year's measures with and
without a signal; made once."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from visitt.accounts.models import User
from visitt.followup.plans import Measure
from visitt.improvement.models import MeasurePoint, PdsaCycle
from visitt.improvement.runchart import analyse
from visitt.organisations.demo import seed_demo

DAY = date(2026, 11, 23)


@pytest.fixture
def demo(db):
    with time_machine.travel(DAY, tick=False):
        seed_demo(DAY)


def test_the_demo_has_data_and_a_signal(demo, en_client_for):
    sores = Measure.objects.get(
        name="Antall nye trykksår per måned", problem__visit__date__year=2026
    )
    assert MeasurePoint.objects.filter(measure=sores).count() == 18
    this_year = PdsaCycle.objects.filter(action__problem__visit__date__year=2026)
    assert this_year.filter(decision="adopt").count() == 1
    # Last year's history: a measure that improved after its action shows the signal.
    night_falls = Measure.objects.get(name="Antall fall om natten per måned")
    leader = User.objects.get(email="toppleder@demo.visitt.no")
    with time_machine.travel(DAY, tick=False):
        html = en_client_for(leader).get(reverse("measure_detail", args=[night_falls.pk]))
    assert 'data-verdict="improvement"' in html.content.decode()


def test_the_improvement_comes_after_the_action_is_done(demo):
    """The level drops in the month after the action's finished date, never before."""
    for name in ("Antall nye trykksår per måned", "Antall fall om natten per måned"):
        for measure in Measure.objects.filter(name=name):
            done = min(
                timezone.localtime(a.finished_at).date()
                for a in measure.problem.actions.filter(status="done")
            )
            points = list(measure.points.order_by("period"))
            before = [p.value for p in points if p.period <= done]
            after = [p.value for p in points if p.period > done]
            # Every month up to the one the action was done in is at the old level,
            # every month after it at the new one.
            assert before and after
            assert min(before) > max(after)


def test_last_year_has_measures_with_and_without_a_signal(demo):
    verdicts = []
    for measure in Measure.objects.filter(problem__visit__date__year=2025):
        values = [float(p.value) for p in measure.points.order_by("period")]
        verdicts.append(analyse(values).signal)
    assert verdicts.count(True) >= 2 and verdicts.count(False) >= 2


def test_the_demo_is_made_once(demo):
    before = MeasurePoint.objects.count(), PdsaCycle.objects.count()
    with time_machine.travel(DAY, tick=False):
        seed_demo(DAY)
    assert (MeasurePoint.objects.count(), PdsaCycle.objects.count()) == before
