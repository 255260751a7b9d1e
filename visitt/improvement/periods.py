"""Periods of a measure: a week (from Monday), a month or a quarter, each stored as its
first day; how they are written in files and shown on charts."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.utils import formats
from django.utils.translation import gettext as _

from visitt.followup.plans import Measure

F = Measure.Frequency

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NORWEGIAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_YEAR_MONTH = re.compile(r"(\d{4})[-/.](\d{1,2})")
_MONTH_YEAR = re.compile(r"(\d{1,2})[-/.](\d{4})")


def start_of(day: date, frequency: str) -> date:
    """The first day of the period ``day`` falls in."""
    if frequency == F.WEEKLY:
        return day - timedelta(days=day.weekday())
    if frequency == F.QUARTERLY:
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return day.replace(day=1)


def following(period: date, frequency: str) -> date:
    """The first day of the period after ``period``."""
    if frequency == F.WEEKLY:
        return period + timedelta(days=7)
    months = 3 if frequency == F.QUARTERLY else 1
    month = period.month - 1 + months
    return date(period.year + month // 12, month % 12 + 1, 1)


def all_between(first: date, last: date, frequency: str) -> list[date]:
    """Every period from ``first`` to ``last``, both included (gaps become visible)."""
    periods: list[date] = []
    period = first
    while period <= last and len(periods) < 1000:
        periods.append(period)
        period = following(period, frequency)
    return periods


def parse(text: str, frequency: str) -> date | None:
    """A period written as 2026-03, 03.2026, 2026-03-01 or 01.03.2026, as its first day.
    A week must be written as a date (any day of it). None if it is not readable."""
    text = text.strip()
    try:
        if match := _ISO_DATE.fullmatch(text):
            year, month, day = (int(part) for part in match.groups())
            return start_of(date(year, month, day), frequency)
        if match := _NORWEGIAN_DATE.fullmatch(text):
            day, month, year = (int(part) for part in match.groups())
            return start_of(date(year, month, day), frequency)
        if frequency == F.WEEKLY:
            return None
        if match := _YEAR_MONTH.fullmatch(text):
            year, month = (int(part) for part in match.groups())
        elif match := _MONTH_YEAR.fullmatch(text):
            month, year = (int(part) for part in match.groups())
        else:
            return None
        return start_of(date(year, month, 1), frequency)
    except ValueError:
        return None


def label(period: date, frequency: str) -> str:
    """The period as shown on a chart and in the table: "week 12 2026", "Mar 2026", "Q1 2026"."""
    if frequency == F.WEEKLY:
        year, week, _day = period.isocalendar()
        return _("week %(week)d %(year)d") % {"week": week, "year": year}
    if frequency == F.QUARTERLY:
        return _("Q%(quarter)d %(year)d") % {
            "quarter": (period.month - 1) // 3 + 1,
            "year": period.year,
        }
    return formats.date_format(period, "M Y")


def hint(frequency: str) -> str:
    if frequency == F.WEEKLY:
        return _("Any date in the week, e.g. 02.03.2026.")
    return _("The month as 2026-03 or 01.03.2026.")
