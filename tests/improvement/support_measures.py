"""A conducted visit with a measure, an action owned by the action owner, and helpers."""

from __future__ import annotations

from tests.followup.support_plans import fill, make_planned
from visitt.followup.plans import Measure


def make_measure(world, *, unit: str = "antall"):
    planned = make_planned(world, problems=1)
    fill(planned, actions_per_problem=1)
    measure = Measure.objects.get(problem=planned.problems[0])
    if unit:
        Measure.objects.filter(pk=measure.pk).update(unit=unit)
        measure.refresh_from_db()
    return planned, measure
