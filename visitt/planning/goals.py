"""The annual plan's goals, checked against what happened.

The method asks for "definerte mål og resultater som kan etterprøves": where Visitt
holds the facts it computes the result itself; otherwise the leadership group records
whether the goal was met. Pure functions over already loaded visits and units (no
query), so the year view, the PDF and the spreadsheet show the same numbers.

The follow-up measures (minutes on time, actions done on time, follow-up visits done)
are the year's key figures (visitt.reports.keyfigures.for_year, defined there), passed
in as ``figures``; ``key_figures_for`` loads them only when a goal needs them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from .plan import PlanGoal
from .visits import Visit

if TYPE_CHECKING:
    from visitt.organisations.models import Unit
    from visitt.reports.keyfigures import PeriodFigures

Measure = PlanGoal.Measure

# Measures read from the year's key figures (the PeriodFigures attribute of each).
# Without the figures their result is "not yet measurable", never a misleading 0 %.
KEY_FIGURE: dict[str, str] = {
    Measure.MINUTES_ON_TIME: "minutes_on_time",
    Measure.ACTIONS_DONE_ON_TIME: "actions_on_time",
    Measure.FOLLOW_UPS_DONE: "follow_ups_done",
}

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


def units_to_visit(units: Sequence[Unit]) -> list[Unit]:
    """Of the active ``units``, those where walkrounds happen: the units without active
    sub-units. A unit with sub-units (a nursing home with wards) is visited through them,
    so it is neither counted nor listed as not yet planned on its own."""
    parents = {unit.parent_id for unit in units}
    return [unit for unit in units if unit.pk not in parents]


def reached(units: Sequence[Unit], visited: set[int]) -> set[int]:
    """The pks of ``units_to_visit(units)`` that a visit to one of ``visited`` reached:
    a visit to a unit covers the units under it too."""
    parent_of = {unit.pk: unit.parent_id for unit in units}
    covered = set()
    for unit in units_to_visit(units):
        pk: int | None = unit.pk
        for _level in range(len(units)):  # a bounded walk up, whatever the tree holds
            if pk is None:
                break
            if pk in visited:
                covered.add(unit.pk)
                break
            pk = parent_of.get(pk)
    return covered


def unreached(units: Sequence[Unit], visited: set[int]) -> list[Unit]:
    """The units to visit that no visit to one of ``visited`` reached."""
    covered = reached(units, visited)
    return [unit for unit in units_to_visit(units) if unit.pk not in covered]


def units_visited(units: Sequence[Unit], visits: Iterable[Visit]) -> tuple[int, int]:
    """How many of the units to visit had a conducted walkround, of how many."""
    return len(reached(units, visited_unit_ids(visits))), len(units_to_visit(units))


def key_figures_for(
    goals: Iterable[PlanGoal], organisation: Any, year: int
) -> PeriodFigures | None:
    """The year's key figures when one of ``goals`` is measured by them (two queries),
    else None (no query)."""
    if not any(goal.measure in KEY_FIGURE for goal in goals):
        return None
    from visitt.reports.keyfigures import for_year  # the reports build on planning

    return for_year(organisation, year)


def goal_result(
    goal: PlanGoal,
    visits: Iterable[Visit],
    units: Sequence,
    figures: PeriodFigures | None = None,
) -> Decimal | None:
    """The goal's result in per cent, or None when it cannot be told (yet).

    ``visits`` are the plan year's visits and ``units`` the organisation's active units
    (of which units_to_visit counts);
    ``figures`` the year's key figures for the follow-up measures.
    A manual goal is 100 when the leadership group marked it achieved, 0 when not, and
    None while it is not assessed.
    """
    if goal.measure in KEY_FIGURE:
        return getattr(figures, KEY_FIGURE[goal.measure]).percent if figures else None
    if goal.measure == Measure.UNITS_VISITED:
        return share(*units_visited(units, visits))
    if goal.measure == Measure.MANUAL:
        return None if goal.achieved is None else (HUNDRED if goal.achieved else Decimal(0))
    return None


@dataclass(frozen=True)
class GoalOutcome:
    goal: PlanGoal
    result: Decimal | None
    # False for the follow-up measures when no key figures were given.
    measurable: bool
    # True/False against the target; None when either the result or the target is missing.
    met: bool | None
    # How many of how many (units; minutes, actions or walkrounds), to show beside the share.
    counted: tuple[int, int] | None = None


def evaluate(
    goals: Iterable[PlanGoal],
    visits: Iterable[Visit],
    units: Sequence,
    figures: PeriodFigures | None = None,
) -> list[GoalOutcome]:
    """The outcome of each goal; ``figures`` are the year's key figures (see
    key_figures_for), without which the follow-up measures are not measurable."""
    visits = list(visits)
    outcomes = []
    for goal in goals:
        result = goal_result(goal, visits, units, figures)
        counted = None
        if goal.measure == Measure.UNITS_VISITED:
            counted = units_visited(units, visits)
        elif goal.measure in KEY_FIGURE and figures is not None:
            ratio = getattr(figures, KEY_FIGURE[goal.measure])
            counted = (ratio.part, ratio.whole)
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
                measurable=goal.measure not in KEY_FIGURE or figures is not None,
                met=met,
                counted=counted,
            )
        )
    return outcomes
