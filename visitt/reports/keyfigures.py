"""Key figures over time (issue 6): is the follow-up happening, and seen to happen?

Research on walkrounds is blunt: they improve safety culture only when follow-up and
feedback happen. These five figures say whether they do, per period. Each is counted
only where its outcome is settled, so a visit last week never shows as "late" before
its deadline has come:

visits done versus planned
    ``visits_planned``: walkrounds (kind "main"; follow-up visits have their own figure)
    dated in the period, whatever their status. A visit is never cancelled, only
    postponed, and a postponed visit counts in the period of its new date.
    ``visits_done``: those of them that have been conducted.

minutes on time (``minutes_on_time``)
    Of conducted walkrounds dated in the period whose minutes are signed or whose
    deadline has passed (``minutes_deadline(visit.date)``: the end of the fourth working
    day after the visit, weekends and Norwegian public holidays not counted), those whose
    minutes were first fully signed (both the top leader and the visit leader: the
    first version's ``locked_at``) by the deadline, in Norwegian time. A later version
    with a reason does not make minutes late after the fact.

actions on time (``actions_on_time``)
    Of actions with a due date in the period that are done, or still open after their
    due date, those done (``finished_at``, Norwegian time) by their due date. Actions
    declared "not possible now" count in neither part: they were decided, not late.

feedback in time (``feedback_in_time``, "you said, we did")
    Of actions finished (done or not possible now) in the period, whose feedback has been
    given or whose window of ``FEEDBACK_WITHIN_DAYS`` calendar days has passed, those
    whose message to the conversation group about that outcome was sent within
    ``FEEDBACK_WITHIN_DAYS`` days of finishing. The organisation has no setting for this
    (``Organisation.escalate_after_days`` is about overdue actions), hence the constant.

follow-up visits done (``follow_ups_done``)
    Of conducted walkrounds dated in the period whose follow-up visit is due (about three
    months on: ``followup.services_visits.follow_up_date``, before today) or already
    conducted, those with a conducted follow-up visit.

Everything is scoped to one organisation and loaded with two queries (visits, actions)
whatever the number of periods, visits or actions; the periods are counted in Python.
The annual plan's goals (``visitt.planning.goals``) read their follow-up results from
``for_year``, so the plan, the start page and these charts show the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from types import SimpleNamespace
from typing import Any, cast

from django.db.models import Exists, Min, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from visitt.followup.feedback import Feedback
from visitt.followup.minutes import minutes_deadline
from visitt.followup.plans import Action
from visitt.followup.services_visits import follow_up_date
from visitt.organisations.models import Organisation
from visitt.planning.goals import share
from visitt.planning.visits import OSLO, Visit

# "You said, we did": the group hears of a finished action within this many days.
FEEDBACK_WITHIN_DAYS = 14


@dataclass(frozen=True)
class Ratio:
    """``part`` of ``whole``; ``percent`` has one decimal and is None when ``whole`` is 0
    (never a misleading 0 %)."""

    part: int
    whole: int

    @property
    def percent(self) -> Decimal | None:
        return share(self.part, self.whole)


@dataclass(frozen=True)
class PeriodFigures:
    label: str
    start: date
    end: date
    visits_planned: int
    visits_done: int
    minutes_on_time: Ratio
    actions_on_time: Ratio
    feedback_in_time: Ratio
    follow_ups_done: Ratio

    @property
    def visits_done_ratio(self) -> Ratio:
        return Ratio(self.visits_done, self.visits_planned)


@dataclass(frozen=True)
class _Period:
    label: str
    start: date
    end: date

    def __contains__(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


@cache
def _follow_up_due(day: date) -> date:
    """When the follow-up visit of a walkround on ``day`` is due (it needs only the date)."""
    return follow_up_date(cast(Visit, SimpleNamespace(date=day)))


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, OSLO)


# --- Loading (two queries) ---------------------------------------------------------------


def _visit_rows(organisation: Organisation, start: date, end: date) -> list[Any]:
    """Walkrounds dated in [start, end] with the first full signing of their minutes and
    whether a follow-up visit has been conducted (one query)."""
    followed_up = Visit.objects.filter(parent=OuterRef("pk"), kind=Visit.Kind.FOLLOW_UP).exclude(
        status__in=Visit.NOT_YET_CONDUCTED
    )
    return list(
        Visit.objects.for_organisation(organisation)
        .filter(kind=Visit.Kind.MAIN, date__gte=start, date__lte=end)
        .annotate(
            first_signed=Min("minutes__versions__locked_at"),
            followed_up=Exists(followed_up),
        )
        .values("pk", "date", "status", "first_signed", "followed_up")
        .order_by()
    )


def _action_rows(organisation: Organisation, start: date, end: date) -> list[Any]:
    """Actions due, or finished, in [start, end] with the first feedback about their
    current outcome (one query)."""
    feedback = Feedback.objects.filter(
        action=OuterRef("pk"), about_status=OuterRef("status")
    ).order_by("sent_at")
    return list(
        Action.objects.in_organisation(organisation)
        .filter(
            Q(due_date__gte=start, due_date__lte=end)
            | Q(finished_at__gte=_start_of(start), finished_at__lt=_start_of(end + timedelta(1)))
        )
        .annotate(feedback_at=Subquery(feedback.values("sent_at")[:1]))
        .values("pk", "status", "due_date", "finished_at", "feedback_at")
        .order_by()
    )


# --- Counting (no query) -----------------------------------------------------------------


def _figures(
    period: _Period, visits: Iterable[dict], actions: Iterable[dict], today: date
) -> PeriodFigures:
    visits = [row for row in visits if row["date"] in period]
    conducted = [row for row in visits if row["status"] not in Visit.NOT_YET_CONDUCTED]

    minutes_whole = minutes_part = 0
    follow_whole = follow_part = 0
    for row in conducted:
        deadline = minutes_deadline(row["date"])
        signed = _local_date(row["first_signed"])
        if signed is not None or deadline < today:
            minutes_whole += 1
            minutes_part += signed is not None and signed <= deadline
        due = _follow_up_due(row["date"])
        if row["followed_up"] or due < today:
            follow_whole += 1
            follow_part += bool(row["followed_up"])

    actions_whole = actions_part = 0
    feedback_whole = feedback_part = 0
    for row in actions:
        finished = _local_date(row["finished_at"])
        status = row["status"]
        if row["due_date"] in period:
            if status == Action.Status.DONE and finished is not None:
                actions_whole += 1
                actions_part += finished <= row["due_date"]
            elif status in Action.OPEN and row["due_date"] < today:
                actions_whole += 1
        if status in Action.FINISHED and finished in period:
            assert finished is not None
            window_end = finished + timedelta(days=FEEDBACK_WITHIN_DAYS)
            told = _local_date(row["feedback_at"])
            if told is not None or window_end < today:
                feedback_whole += 1
                feedback_part += told is not None and told <= window_end

    return PeriodFigures(
        label=period.label,
        start=period.start,
        end=period.end,
        visits_planned=len(visits),
        visits_done=len(conducted),
        minutes_on_time=Ratio(minutes_part, minutes_whole),
        actions_on_time=Ratio(actions_part, actions_whole),
        feedback_in_time=Ratio(feedback_part, feedback_whole),
        follow_ups_done=Ratio(follow_part, follow_whole),
    )


def _compute(
    organisation: Organisation, periods: Sequence[_Period], today: date | None
) -> list[PeriodFigures]:
    if not periods:
        return []
    today = today or timezone.localdate()
    start, end = periods[0].start, periods[-1].end
    visits = _visit_rows(organisation, start, end)
    actions = _action_rows(organisation, start, end)
    return [_figures(period, visits, actions, today) for period in periods]


# --- Public ------------------------------------------------------------------------------


def for_year(organisation: Organisation, year: int, *, today: date | None = None) -> PeriodFigures:
    """The key figures of ``organisation`` for a calendar year (two queries)."""
    period = _Period(str(year), date(year, 1, 1), date(year, 12, 31))
    return _compute(organisation, [period], today)[0]


def quarter_label(year: int, quarter: int) -> str:
    return _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year}


def quarters(years: int, today: date) -> list[_Period]:
    """The quarters of the last ``years`` calendar years up to today's, oldest first."""
    periods = []
    for year in range(today.year - years + 1, today.year + 1):
        for quarter in range(1, 5):
            start = date(year, 3 * quarter - 2, 1)
            if start > today:
                break
            end = (
                date(year, 12, 31)
                if quarter == 4
                else date(year, 3 * quarter + 1, 1) - timedelta(days=1)
            )
            periods.append(_Period(quarter_label(year, quarter), start, end))
    return periods


def over_time(
    organisation: Organisation, *, years: int = 3, today: date | None = None
) -> list[PeriodFigures]:
    """The key figures per quarter over the last ``years`` calendar years, up to and
    including the current quarter, oldest first (two queries)."""
    today = today or timezone.localdate()
    return _compute(organisation, quarters(max(years, 1), today), today)
