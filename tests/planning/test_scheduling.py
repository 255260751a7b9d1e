"""Proposing dates for many visits at once (visitt.planning.scheduling, pure functions)."""

from __future__ import annotations

import calendar
from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import translation

from visitt.core.workdays import is_working_day
from visitt.planning.scheduling import (
    SchedulingError,
    interval,
    propose_dates,
    slot_problems,
)
from visitt.planning.visits import OSLO


@pytest.fixture(autouse=True)
def _english():
    """The reasons are read in their source language."""
    with translation.override("en"):
        yield


TEN = time(10, 0)


def units(count: int) -> list[str]:
    return [f"Enhet {i:02}" for i in range(count)]


def working_days(year: int, month: int) -> list[date]:
    last = calendar.monthrange(year, month)[1]
    return [d for d in (date(year, month, n) for n in range(1, last + 1)) if is_working_day(d)]


def at(day: date, hour: int, minute: int = 0, minutes: int = 60) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day, hour, minute, tzinfo=OSLO)
    return start, start + timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("year", "month", "holidays"),
    [
        pytest.param(
            2026, 4, [2, 3, 6], id="Easter 2026: Maundy Thursday, Good Friday, Easter Monday"
        ),
        pytest.param(2028, 4, [13, 14, 17], id="Easter 2028"),
        pytest.param(2028, 5, [1, 17, 25], id="May 2028: 1 May, 17 May (Wed), Ascension"),
        pytest.param(2026, 5, [1, 14, 25], id="May 2026: 1 May, Ascension, Whit Monday"),
        pytest.param(2028, 6, [5], id="Whit Monday 2028"),
        pytest.param(2028, 12, [25, 26], id="Christmas 2028 (Mon, Tue)"),
    ],
)
def test_a_full_month_uses_every_working_day_and_never_a_public_holiday(year, month, holidays):
    free = [d for d in working_days(year, month) if (d.month, d.day) not in {(12, 24), (12, 31)}]

    proposals = propose_dates(units(len(free)), [month], year, TEN, busy=[])

    days = [p.date for p in proposals]
    assert sorted(days) == free
    assert not {date(year, month, n) for n in holidays} & set(days)
    assert all(d.weekday() < 5 for d in days)


def test_one_unit_more_than_the_month_has_room_for_is_refused_with_a_reason():
    free = working_days(2026, 4)
    with pytest.raises(SchedulingError, match="not have enough free working days"):
        propose_dates(units(len(free) + 1), [4], 2026, TEN, busy=[])


def test_christmas_eve_and_new_years_eve_are_not_proposed():
    proposals = propose_dates(units(18), [12], 2026, TEN, busy=[])

    days = {p.date for p in proposals}
    assert date(2026, 12, 24) not in days and date(2026, 12, 31) not in days
    assert date(2026, 12, 25) not in days  # Christmas Day


def test_july_is_never_proposed_even_when_chosen():
    proposals = propose_dates(units(9), [6, 7, 8], 2026, TEN, busy=[])

    months = Counter(p.date.month for p in proposals)
    assert months == {6: 5, 8: 4} or months == {6: 4, 8: 5}


def test_only_july_chosen_is_refused():
    with pytest.raises(SchedulingError, match="other than July"):
        propose_dates(units(2), [7], 2026, TEN, busy=[])


def test_no_units_give_no_proposals():
    assert propose_dates([], [3], 2026, TEN, busy=[]) == []


def test_units_are_spread_evenly_over_the_months():
    months = [1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12]

    proposals = propose_dates(units(14), months, 2026, TEN, busy=[])

    per_month = Counter(p.date.month for p in proposals)
    assert set(per_month) == set(months)
    assert set(per_month.values()) <= {1, 2}
    # The doubles are spread out, not heaped at the start of the year.
    doubles = sorted(m for m, n in per_month.items() if n == 2)
    assert doubles[0] < 6 < doubles[-1]


def test_a_few_units_in_one_month_fall_on_tuesday_to_thursday_spread_over_the_month():
    proposals = propose_dates(units(3), [3], 2026, TEN, busy=[])

    days = [p.date for p in proposals]
    assert all(d.weekday() in (1, 2, 3) for d in days)
    assert days[0].day <= 10 and days[-1].day >= 20
    assert len(set(days)) == 3


def test_a_single_unit_is_proposed_in_the_middle_of_the_month():
    (proposal,) = propose_dates(units(1), [9], 2026, TEN, busy=[])
    assert 10 <= proposal.date.day <= 20
    assert proposal.start_time == TEN


def test_a_visit_of_a_leader_at_the_same_time_moves_the_proposal():
    (free,) = propose_dates(units(1), [9], 2026, TEN, busy=[])

    (moved,) = propose_dates(units(1), [9], 2026, TEN, busy=[at(free.date, 10)])
    (overlapping,) = propose_dates(units(1), [9], 2026, TEN, busy=[at(free.date, 10, 30)])
    (other_time,) = propose_dates(units(1), [9], 2026, TEN, busy=[at(free.date, 12)])

    assert moved.date != free.date and moved.date.weekday() in (1, 2, 3)
    assert overlapping.date != free.date
    assert other_time.date == free.date  # 12:00 does not overlap 10:00-11:00


def test_proposals_never_clash_with_each_other():
    proposals = propose_dates(units(30), [2, 3], 2026, TEN, busy=[])

    slots = [interval(p.date, p.start_time) for p in proposals]
    for i, slot in enumerate(slots):
        assert all(not (slot[0] < other[1] and other[0] < slot[1]) for other in slots[i + 1 :])


def test_monday_and_friday_are_used_when_tuesday_to_thursday_are_taken():
    busy = [at(d, 10) for d in working_days(2026, 3) if d.weekday() in (1, 2, 3)]

    proposals = propose_dates(units(2), [3], 2026, TEN, busy=busy)

    assert {p.date.weekday() for p in proposals} <= {0, 4}


def test_every_proposal_is_on_or_after_not_before():
    proposals = propose_dates(units(2), [3], 2026, TEN, busy=[], not_before=date(2026, 3, 20))
    assert all(p.date >= date(2026, 3, 20) for p in proposals)


def test_a_month_already_past_hands_its_units_to_the_nearest_chosen_month():
    proposals = propose_dates(units(4), [3, 4], 2026, TEN, busy=[], not_before=date(2026, 4, 1))
    assert {p.date.month for p in proposals} == {4}


def test_proposals_come_in_date_order_and_keep_each_unit_once():
    names = units(7)
    proposals = propose_dates(names, [10, 11], 2026, time(13, 30), busy=[])

    assert [p.starts_at for p in proposals] == sorted(p.starts_at for p in proposals)
    assert sorted(p.unit for p in proposals) == names
    assert all(p.start_time == time(13, 30) for p in proposals)


def test_every_proposal_passes_the_hard_rules():
    busy = [at(date(2026, 5, d), 10) for d in (5, 6, 12, 13)]
    proposals = propose_dates(units(25), [5, 6, 7], 2026, TEN, busy=busy)

    for p in proposals:
        assert slot_problems(p.date, p.start_time, year=2026, busy=busy) == []


# --- slot_problems: the hard rules that also check the coordinator's adjustments ------


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (date(2028, 5, 17), "public holiday"),
        (date(2028, 5, 25), "public holiday"),  # Ascension Day
        (date(2026, 4, 3), "public holiday"),  # Good Friday
        (date(2026, 12, 25), "public holiday"),
        (date(2026, 3, 7), "Saturday or a Sunday"),
        (date(2026, 7, 8), "July"),
    ],
)
def test_a_day_off_or_in_july_is_refused(day, reason):
    problems = slot_problems(day, TEN, year=day.year, busy=[])
    assert any(reason in p for p in problems), problems


def test_a_date_in_another_year_is_refused():
    assert any(
        "is not in 2026" in p for p in slot_problems(date(2027, 3, 2), TEN, year=2026, busy=[])
    )


def test_a_clash_with_a_leader_is_refused():
    day = date(2026, 3, 3)
    problems = slot_problems(day, time(10, 30), year=2026, busy=[at(day, 10)])
    assert any("already has a visit" in p for p in problems)


def test_a_past_date_is_refused():
    problems = slot_problems(date(2026, 3, 3), TEN, year=2026, busy=[], not_before=date(2026, 3, 4))
    assert any("already passed" in p for p in problems)


def test_an_ordinary_tuesday_has_no_problems():
    assert slot_problems(date(2026, 3, 3), TEN, year=2026, busy=[at(date(2026, 3, 3), 11)]) == []


def test_christmas_eve_may_still_be_chosen_by_the_coordinator():
    assert slot_problems(date(2026, 12, 24), TEN, year=2026, busy=[]) == []
