"""The annual plan's goals, checked against what happened.

The method asks for "definerte mål og resultater som kan etterprøves": where Visitt
holds the facts it computes the result itself; otherwise the leadership group records
whether the goal was met. Pure functions over already loaded visits and units (no
query), so the year view, the PDF and the spreadsheet show the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .plan import PlanGoal
from .visits import Visit

Measure = PlanGoal.Measure

# Measures whose facts (minutes, actions, follow-up visits) arrive with the follow-up
# phase. Until then their result is "not yet measurable", never a misleading 0 %.
NOT_YET_MEASURABLE = frozenset(
    {Measure.MINUTES_ON_TIME, Measure.ACTIONS_DONE_ON_TIME, Measure.FOLLOW_UPS_DONE}
)

HUNDRED = Decimal(100)


def share(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in per cent with one decimal, or None when ``whole`` is 0."""
    if whole <= 0:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def visited_unit_ids(visits: Iterable[Visit]) -> set[int]:
    """Units with a conducted walkround (a follow-up visit does not count as one)."""
    return {
        visit.unit_id for visit in visits if visit.kind == Visit.Kind.MAIN and visit.is_conducted
    }


def goal_result(goal: PlanGoal, visits: Iterable[Visit], units: Sequence) -> Decimal | None:
    """The goal's result in per cent, or None when it cannot be told (yet).

    ``visits`` are the plan year's visits and ``units`` the organisation's active units.
    A manual goal is 100 when the leadership group marked it achieved, 0 when not, and
    None while it is not assessed.
    """
    if goal.measure == Measure.UNITS_VISITED:
        active = {unit.pk for unit in units}
        return share(len(visited_unit_ids(visits) & active), len(active))
    if goal.measure == Measure.MANUAL:
        return None if goal.achieved is None else (HUNDRED if goal.achieved else Decimal(0))
    return None


@dataclass(frozen=True)
class GoalOutcome:
    goal: PlanGoal
    result: Decimal | None
    # False for the measures that wait for the follow-up phase.
    measurable: bool
    # True/False against the target; None when either the result or the target is missing.
    met: bool | None
    # For units_visited: how many of how many units, to show beside the share.
    counted: tuple[int, int] | None = None


def evaluate(
    goals: Iterable[PlanGoal], visits: Iterable[Visit], units: Sequence
) -> list[GoalOutcome]:
    visits = list(visits)
    outcomes = []
    for goal in goals:
        result = goal_result(goal, visits, units)
        counted = None
        if goal.measure == Measure.UNITS_VISITED:
            active = {unit.pk for unit in units}
            counted = (len(visited_unit_ids(visits) & active), len(active))
        if goal.measure == Measure.MANUAL and goal.target is None:
            met = goal.achieved
        elif result is None or goal.target is None:
            met = None
        else:
            met = result >= goal.target
        outcomes.append(
            GoalOutcome(
                goal=goal,
                result=result,
                measurable=goal.measure not in NOT_YET_MEASURABLE,
                met=met,
                counted=counted,
            )
        )
    return outcomes
