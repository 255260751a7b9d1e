"""Planning many visits at once: Visitt proposes dates, the coordinator adjusts them.

The rules (issue 3, "Annual plan"): spread the chosen units evenly over the chosen
months; prefer Tuesday to Thursday (Monday and Friday are the days staff are most often
away or busy with the week's start and end); never a weekend or a Norwegian public
holiday; never in July, the school summer holiday; and never at a time when a member of
the leadership team already has a visit, nor two proposals at the same time.

``propose_dates`` and ``slot_problems`` are pure: they take the busy times as
arguments and touch no database. ``slot_problems`` holds the hard rules and checks the
coordinator's adjusted rows before anything is saved; every proposal passes it. The
proposer adds soft preferences on top (Tuesday to Thursday, no Christmas or New Year's
Eve) that the coordinator may override.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _

from visitt.core.workdays import is_public_holiday, is_working_day

from .visits import OSLO, RECOMMENDED_MINUTES, Visit

if TYPE_CHECKING:
    from visitt.organisations.models import Organisation, Unit

    from .plan import AnnualPlan

SUMMER_HOLIDAY_MONTH = 7  # juli: the school summer holiday, when units run on temps
PREFERRED_WEEKDAYS = frozenset({1, 2, 3})  # Tuesday, Wednesday, Thursday
# Christmas Eve and New Year's Eve are working days by law, but hardly anyone would
# plan a visit then: proposals avoid them, though a coordinator may still choose them.
EVES = frozenset({(12, 24), (12, 31)})

Interval = tuple[datetime, datetime]


class SchedulingError(ValueError):
    """No proposal can be made; the message is for the user."""


@dataclass(frozen=True)
class Proposal[U]:
    unit: U
    date: date
    start_time: time

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.date, self.start_time, OSLO)


def interval(day: date, start_time: time, duration_minutes: int = RECOMMENDED_MINUTES) -> Interval:
    start = datetime.combine(day, start_time, OSLO)
    return start, start + timedelta(minutes=duration_minutes)


def clashes(slot: Interval, busy: Iterable[Interval]) -> bool:
    start, end = slot
    return any(start < busy_end and busy_start < end for busy_start, busy_end in busy)


def slot_problems(
    day: date,
    start_time: time,
    *,
    year: int,
    busy: Iterable[Interval],
    duration_minutes: int = RECOMMENDED_MINUTES,
    not_before: date | None = None,
) -> list[str]:
    """Why a visit cannot be at ``day`` ``start_time`` (empty when it can)."""
    problems = []
    shown = formats.date_format(day, "DATE_FORMAT")
    if day.year != year:
        problems.append(_("%(date)s is not in %(year)d.") % {"date": shown, "year": year})
    if not_before is not None and day < not_before:
        problems.append(_("%(date)s has already passed.") % {"date": shown})
    if day.month == SUMMER_HOLIDAY_MONTH:
        problems.append(_("%(date)s is in July, the school summer holiday.") % {"date": shown})
    if day.weekday() >= 5:
        problems.append(_("%(date)s is a Saturday or a Sunday.") % {"date": shown})
    elif is_public_holiday(day):
        problems.append(_("%(date)s is a public holiday.") % {"date": shown})
    if clashes(interval(day, start_time, duration_minutes), busy):
        problems.append(
            _("A member of the leadership team already has a visit at that time on %(date)s.")
            % {"date": shown}
        )
    return problems


def _free_days(year: int, month: int, not_before: date | None) -> tuple[list[date], list[date]]:
    """The working days of a month from ``not_before`` on: (Tuesday to Thursday, Monday/Friday)."""
    preferred: list[date] = []
    others: list[date] = []
    for day_number in range(1, calendar.monthrange(year, month)[1] + 1):
        day = date(year, month, day_number)
        if not is_working_day(day) or (not_before is not None and day < not_before):
            continue
        if (day.month, day.day) in EVES:
            continue
        (preferred if day.weekday() in PREFERRED_WEEKDAYS else others).append(day)
    return preferred, others


def _pick_day(
    year: int,
    month: int,
    position: int,
    count: int,
    start_time: time,
    duration_minutes: int,
    taken: list[Interval],
    not_before: date | None,
) -> date | None:
    """The free day nearest to the ``position``-th of ``count`` evenly spaced points in
    the month, Tuesday to Thursday first; None when every working day is taken."""
    preferred, others = _free_days(year, month, not_before)
    days = preferred or others
    if not days:
        return None
    target = days[min(len(days) - 1, int((position + 0.5) * len(days) / count))]

    def nearest(candidates: list[date]) -> list[date]:
        return sorted(candidates, key=lambda day: (abs((day - target).days), day))

    for day in nearest(preferred) + nearest(others):
        if not clashes(interval(day, start_time, duration_minutes), taken):
            return day
    return None


def propose_dates[U](
    units: Sequence[U],
    months: Iterable[int],
    year: int,
    start_time: time,
    busy: Iterable[Interval],
    *,
    duration_minutes: int = RECOMMENDED_MINUTES,
    not_before: date | None = None,
) -> list[Proposal[U]]:
    """One proposed date per unit, in date order.

    ``busy`` are the (start, end) times when a member of the leadership team is already
    taken; the proposals are added to it as they are made, so they never clash with each
    other. ``not_before`` (usually tomorrow) keeps proposals out of the past. July is
    never used, even when chosen. A month without room passes its units on to the
    nearest chosen month that has room.

    Raises SchedulingError when no month is usable or the chosen months are full.
    """
    usable = sorted({month for month in months if month != SUMMER_HOLIDAY_MONTH})
    if not units:
        return []
    if not usable:
        raise SchedulingError(_("Choose at least one month other than July."))
    taken = list(busy)

    # 1. Spread the units evenly over the months, keeping their order: with 14 units
    #    in 10 months every month gets one or two, and the doubles are spread out too.
    buckets: dict[int, list[U]] = {month: [] for month in usable}
    for index, unit in enumerate(units):
        buckets[usable[index * len(usable) // len(units)]].append(unit)

    # 2. Within a month, spread its units evenly over its working days.
    proposals: list[Proposal[U]] = []
    for month, bucket in buckets.items():
        for position, unit in enumerate(bucket):
            day = _pick_day(
                year, month, position, len(bucket), start_time, duration_minutes, taken, not_before
            )
            # 3. A full month (or one already past) hands the unit to its nearest neighbour.
            for other in sorted(usable, key=lambda m: (abs(m - month), m)):
                if day is not None:
                    break
                day = _pick_day(year, other, 0, 1, start_time, duration_minutes, taken, not_before)
            if day is None:
                raise SchedulingError(
                    _(
                        "The chosen months do not have enough free working days for %(count)d visits. Choose more months."
                    )
                    % {"count": len(units)}
                )
            taken.append(interval(day, start_time, duration_minutes))
            proposals.append(Proposal(unit=unit, date=day, start_time=start_time))
    return sorted(proposals, key=lambda proposal: proposal.starts_at)


# --- Around the pure part: the team's busy times, and saving an accepted proposal ---------


@dataclass(frozen=True)
class Team:
    """The leadership team given to every visit of one scheduling round."""

    visit_leader: Any
    coordinator: Any = None
    secretary: Any = None
    medical_advisor: Any = None

    @property
    def members(self) -> list[Any]:
        people = (self.visit_leader, self.coordinator, self.secretary, self.medical_advisor)
        return [person for person in people if person is not None]


def team_busy_times(organisation: Organisation, year: int, team: Team) -> list[Interval]:
    """When any team member already has a visit in ``year`` (one query)."""
    query = Q()
    for member in team.members:
        query |= (
            Q(visit_leader=member)
            | Q(coordinator=member)
            | Q(secretary=member)
            | Q(medical_advisor=member)
        )
    visits = Visit.objects.for_organisation(organisation).in_year(year).filter(query)
    return [
        (visit.starts_at, visit.ends_at)
        for visit in visits.only("date", "start_time", "duration_minutes")
    ]


def create_scheduled_visits(
    *, plan: AnnualPlan, rows: Sequence[Proposal[Unit]], team: Team, created_by: Any
) -> list[Visit]:
    """Creates the visits of an accepted proposal, all or none (one query per visit, so
    that every visit is saved the ordinary way, signals included)."""
    with transaction.atomic():
        return [
            Visit.objects.create(
                organisation_id=plan.organisation_id,
                plan=plan,
                unit=row.unit,
                date=row.date,
                start_time=row.start_time,
                status=Visit.Status.PLANNED,
                visit_leader=team.visit_leader,
                coordinator=team.coordinator,
                secretary=team.secretary,
                medical_advisor=team.medical_advisor,
                created_by=created_by,
            )
            for row in rows
        ]
