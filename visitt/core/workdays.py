"""Norwegian working days: the one rule every deadline in Visitt uses.

Weekends and Norwegian public holidays (helligdager, from the `holidays` package:
nyttårsdag, skjærtorsdag, langfredag, 1. og 2. påskedag, 1. mai, 17. mai, Kristi
himmelfartsdag, 1. og 2. pinsedag, 1. og 2. juledag) are not working days. Sundays are
not working days anyway, so the package's "every Sunday is a holiday" option is left off.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays


@cache
def _norwegian_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("NO", years=year))


def is_public_holiday(day: date) -> bool:
    return day in _norwegian_holidays(day.year)


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not a Norwegian public holiday."""
    return day.weekday() < 5 and not is_public_holiday(day)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself never counts).

    add_working_days(visit_day, 4) is the minutes deadline: the fourth working day after
    the visit. With ``days`` = 0 it is ``start`` if that is a working day, else the next one.
    Negative ``days`` count backwards.
    """
    if days == 0:
        day = start
        while not is_working_day(day):
            day += timedelta(days=1)
        return day
    step = timedelta(days=1 if days > 0 else -1)
    day, remaining = start, abs(days)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def previous_working_day(day: date) -> date:
    """``day`` itself if it is a working day, else the nearest working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day
