"""The annual plan's goals against what happened (visitt.planning.goals, pure functions)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from visitt.organisations.models import Unit
from visitt.planning.goals import (
    evaluate,
    goal_result,
    key_figures_for,
    reached,
    share,
    units_to_visit,
)
from visitt.planning.models import PlanGoal, Visit
from visitt.reports.keyfigures import PeriodFigures, Ratio

M = PlanGoal.Measure
CONDUCTED, PLANNED = Visit.Status.CONDUCTED, Visit.Status.PLANNED


def unit(pk: int) -> Unit:
    return Unit(pk=pk, name=f"Enhet {pk}")


def visit(unit_pk: int, status=CONDUCTED, kind=Visit.Kind.MAIN) -> Visit:
    return Visit(unit_id=unit_pk, status=status, kind=kind)


def goal(measure, target=None, achieved=None) -> PlanGoal:
    return PlanGoal(text="Mål", measure=measure, target=target, achieved=achieved)


UNITS = [unit(1), unit(2), unit(3), unit(4)]


def test_units_visited_is_the_share_of_active_units_with_a_conducted_walkround():
    visits = [visit(1), visit(2), visit(3, status=PLANNED)]
    assert goal_result(goal(M.UNITS_VISITED, 100), visits, UNITS) == Decimal("50.0")


def test_a_planned_or_confirmed_visit_does_not_count_as_visited():
    visits = [visit(1, status=PLANNED), visit(2, status=Visit.Status.CONFIRMED)]
    assert goal_result(goal(M.UNITS_VISITED), visits, UNITS) == Decimal("0.0")


def test_a_follow_up_visit_does_not_count_as_the_units_walkround():
    visits = [visit(1, kind=Visit.Kind.FOLLOW_UP)]
    assert goal_result(goal(M.UNITS_VISITED), visits, UNITS) == Decimal("0.0")


def test_a_unit_visited_twice_counts_once():
    assert goal_result(goal(M.UNITS_VISITED), [visit(1), visit(1)], UNITS) == Decimal("25.0")


def test_visits_of_units_that_are_not_active_do_not_count():
    # Unit 9 was deactivated: it is not among the active units, and does not lift the share.
    assert goal_result(goal(M.UNITS_VISITED), [visit(9), visit(1)], UNITS) == Decimal("25.0")


def test_all_units_visited_is_100():
    visits = [visit(u.pk) for u in UNITS]
    assert goal_result(goal(M.UNITS_VISITED), visits, UNITS) == Decimal("100.0")


# Solbakken (10) has two wards (11, 12); Fjellheim (13) has none.
TREE = [
    Unit(pk=10, name="Solbakken sykehjem"),
    Unit(pk=11, name="Avdeling 1", parent_id=10),
    Unit(pk=12, name="Avdeling 2", parent_id=10),
    Unit(pk=13, name="Fjellheim"),
]


def test_a_unit_with_sub_units_is_visited_through_them_and_not_counted_itself():
    assert [unit.pk for unit in units_to_visit(TREE)] == [11, 12, 13]
    outcome = evaluate([goal(M.UNITS_VISITED, 100)], [visit(11), visit(13)], TREE)[0]
    assert (outcome.result, outcome.counted) == (Decimal("66.7"), (2, 3))


def test_a_walkround_in_a_unit_covers_the_units_under_it():
    assert reached(TREE, {10}) == {11, 12}
    assert goal_result(goal(M.UNITS_VISITED), [visit(10), visit(13)], TREE) == Decimal("100.0")


def test_a_unit_whose_sub_units_are_all_inactive_is_visited_itself():
    # Only the active units are passed in: Solbakken without its wards is a unit to visit.
    assert [unit.pk for unit in units_to_visit([TREE[0], TREE[3]])] == [10, 13]
    assert reached([TREE[0], TREE[3]], {10}) == {10}


def test_a_unit_under_an_inactive_parent_is_reached_only_by_its_own_visit():
    ward_of_closed_home = Unit(pk=21, name="Avdeling", parent_id=20)
    assert reached([ward_of_closed_home], {20}) == set()
    assert reached([ward_of_closed_home], {21}) == {21}


def test_units_visited_without_any_active_unit_cannot_be_told():
    assert goal_result(goal(M.UNITS_VISITED), [visit(1)], []) is None


@pytest.mark.parametrize("measure", [M.MINUTES_ON_TIME, M.ACTIONS_DONE_ON_TIME, M.FOLLOW_UPS_DONE])
def test_follow_up_measures_without_the_key_figures_are_not_measurable(measure):
    outcome = evaluate([goal(measure, 80)], [visit(1)], UNITS)[0]
    assert goal_result(goal(measure, 80), [visit(1)], UNITS) is None
    assert outcome.measurable is False and outcome.met is None


def figures(**ratios: Ratio) -> PeriodFigures:
    empty = Ratio(0, 0)
    return PeriodFigures(
        label="2026",
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        visits_planned=0,
        visits_done=0,
        minutes_on_time=ratios.get("minutes_on_time", empty),
        actions_on_time=ratios.get("actions_on_time", empty),
        feedback_in_time=ratios.get("feedback_in_time", empty),
        follow_ups_done=ratios.get("follow_ups_done", empty),
    )


@pytest.mark.parametrize(
    ("measure", "name"),
    [
        (M.MINUTES_ON_TIME, "minutes_on_time"),
        (M.ACTIONS_DONE_ON_TIME, "actions_on_time"),
        (M.FOLLOW_UPS_DONE, "follow_ups_done"),
    ],
)
def test_follow_up_measures_are_the_years_key_figures(measure, name):
    year = figures(**{name: Ratio(3, 4)})
    reached, below = evaluate([goal(measure, 75), goal(measure, 80)], [], UNITS, year)
    assert reached.measurable and reached.result == Decimal("75.0") and reached.met is True
    assert reached.counted == (3, 4)
    assert below.met is False


def test_a_follow_up_measure_with_nothing_settled_yet_is_unknown_not_zero():
    outcome = evaluate([goal(M.MINUTES_ON_TIME, 80)], [], UNITS, figures())[0]
    assert outcome.measurable and outcome.result is None and outcome.met is None


def test_key_figures_are_loaded_only_when_a_goal_needs_them(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert key_figures_for([goal(M.UNITS_VISITED), goal(M.MANUAL)], None, 2026) is None


@pytest.mark.parametrize(
    ("achieved", "result"), [(True, Decimal(100)), (False, Decimal(0)), (None, None)]
)
def test_a_manual_goal_is_what_the_leadership_group_recorded(achieved, result):
    assert goal_result(goal(M.MANUAL, achieved=achieved), [], UNITS) == result


def test_a_manual_goal_without_target_is_met_when_marked_achieved():
    met, not_met, open_ = evaluate(
        [goal(M.MANUAL, achieved=True), goal(M.MANUAL, achieved=False), goal(M.MANUAL)], [], UNITS
    )
    assert (met.met, not_met.met, open_.met) == (True, False, None)
    assert met.measurable


def test_a_computed_goal_is_met_when_the_result_reaches_the_target():
    visits = [visit(1), visit(2), visit(3)]
    below, reached, no_target = evaluate(
        [goal(M.UNITS_VISITED, 100), goal(M.UNITS_VISITED, Decimal("75")), goal(M.UNITS_VISITED)],
        visits,
        UNITS,
    )
    assert below.result == Decimal("75.0") and below.met is False
    assert reached.met is True
    assert no_target.met is None
    assert below.counted == (3, 4)


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(1, 3, "33.3"), (2, 3, "66.7"), (0, 5, "0.0"), (5, 5, "100.0"), (1, 8, "12.5")],
)
def test_shares_have_one_decimal_rounded_half_up(part, whole, expected):
    assert share(part, whole) == Decimal(expected)
