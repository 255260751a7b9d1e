"""The standing item on the leadership meetings ("Fast tema på ledermøter", Vedlegg 4):
what happened with the walkrounds since the last meeting, and what is overdue.

The method asks the leadership to follow the progress as a standing item on its
meetings. One click makes the item: the visits conducted in the period, the problems
they found, the progress on the actions (status changes, done, not possible now with
the reason), the PDSA cycles that ran, and what is overdue. Each meeting is remembered
(``LeadershipMeeting``), so that the next item starts where the last one ended.

The period includes both ends: a visit on the day of the last meeting shows in both
items rather than in neither (the item is often made in the morning of the meeting).
Everything is scoped to the organisation, and the number of queries does not grow with
the data (one per section, the overdue lists reuse the start page's panels).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from visitt.audit.models import AuditEvent
from visitt.audit.services import record
from visitt.followup.minutes import Minutes
from visitt.followup.plans import Action
from visitt.improvement.models import PdsaCycle
from visitt.organisations.models import Organisation
from visitt.planning.visits import Visit
from visitt.walkround.problems import Problem

from . import dashboard
from .meetings import LeadershipMeeting

# A meeting date this far ahead is a typing error: it would block every meeting before it.
MAX_DAYS_AHEAD = 366


class AgendaError(Exception):
    """A meeting date that cannot be used; the message is for the user."""


@dataclass(frozen=True)
class VisitLine:
    visit: Visit
    minutes_status: str  # "" when the minutes are not started

    @property
    def minutes_signed(self) -> bool:
        return self.minutes_status == Minutes.Status.SIGNED

    @property
    def minutes_label(self) -> str | Promise:
        if not self.minutes_status:
            return _("Not started")
        return Minutes.Status(self.minutes_status).label


@dataclass(frozen=True)
class StatusChange:
    on: date
    before: str
    after: str

    @property
    def before_label(self) -> str | Promise:
        return _status_label(self.before)

    @property
    def after_label(self) -> str | Promise:
        return _status_label(self.after)


@dataclass(frozen=True)
class ActionProgress:
    action: Action
    changes: list[StatusChange]
    finished_in_period: bool

    @property
    def finished_on(self) -> date | None:
        finished = self.action.finished_at
        return timezone.localdate(finished) if finished else None


@dataclass
class Agenda:
    organisation: Organisation
    since: date | None  # the last meeting; None for the first item
    until: date
    overdue_as_of: date
    starts: date | None = None  # where the first item starts (FIRST_ITEM_MONTHS back)
    visits: list[VisitLine] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    progress: list[ActionProgress] = field(default_factory=list)
    pdsa: list[PdsaCycle] = field(default_factory=list)
    overdue: list[dashboard.Listing] = field(default_factory=list)

    @property
    def done(self) -> list[ActionProgress]:
        return [p for p in self.progress if p.action.status == Action.Status.DONE]

    @property
    def not_possible(self) -> list[ActionProgress]:
        return [p for p in self.progress if p.action.status == Action.Status.NOT_POSSIBLE]

    @property
    def overdue_count(self) -> int:
        return sum(listing.count for listing in self.overdue)


def _status_label(value: str) -> str | Promise:
    try:
        return Action.Status(value).label
    except ValueError:
        return value


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# --- The sections ----------------------------------------------------------------------


def _visits(organisation: Organisation, since: date | None, until: date) -> list[VisitLine]:
    """Visits conducted in the period, with their minutes' status (one query)."""
    visits = (
        Visit.objects.for_organisation(organisation)
        .conducted()
        .filter(date__lte=until)
        .select_related("unit", "minutes")
        .order_by("date", "start_time", "pk")
    )
    if since is not None:
        visits = visits.filter(date__gte=since)
    lines = []
    for visit in visits:
        minutes = getattr(visit, "minutes", None)
        lines.append(VisitLine(visit, minutes.status if minutes is not None else ""))
    return lines


def _problems(organisation: Organisation, since: date | None, until: date) -> list[Problem]:
    """Problems found at the visits conducted in the period, with their category (one
    query). The visit's date decides, not when the problem was typed in."""
    problems = (
        Problem.objects.filter(organisation=organisation, visit__date__lte=until)
        .exclude(visit__status__in=Visit.NOT_YET_CONDUCTED)
        .select_related("visit__unit", "category")
        .order_by("visit__date", "visit_id", "number")
    )
    if since is not None:
        problems = problems.filter(visit__date__gte=since)
    return list(problems)


def _progress(organisation: Organisation, since: date | None, until: date) -> list[ActionProgress]:
    """Actions whose status changed in the period (from the audit trail, which keeps
    every change) or that were finished in it (two queries)."""
    end = _day_start(until + timedelta(days=1))
    events = AuditEvent.objects.filter(
        organisation=organisation,
        action=AuditEvent.Action.ACTION_STATUS_CHANGED,
        created_at__lt=end,
    )
    finished = Q(finished_at__lt=end)
    if since is not None:
        start = _day_start(since)
        events = events.filter(created_at__gte=start)
        finished &= Q(finished_at__gte=start)
    changes: dict[int, list[StatusChange]] = {}
    for data, created_at in events.order_by("created_at", "pk").values_list("data", "created_at"):
        action_id = data.get("action_id") if isinstance(data, dict) else None
        if not isinstance(action_id, int):
            continue
        changes.setdefault(action_id, []).append(
            StatusChange(
                timezone.localdate(created_at),
                str(data.get("before", "")),
                str(data.get("after", "")),
            )
        )
    actions = (
        Action.objects.in_organisation(organisation)
        .filter(Q(pk__in=list(changes)) | finished)
        .select_related("problem__visit__unit", "owner")
        .order_by("problem__visit__date", "problem__visit_id", "problem__number", "order", "pk")
    )
    result = []
    for action in actions:
        finished_on = timezone.localdate(action.finished_at) if action.finished_at else None
        in_period = (
            finished_on is not None
            and action.status in Action.FINISHED
            and (since is None or finished_on >= since)
            and finished_on <= until
        )
        result.append(ActionProgress(action, changes.get(action.pk, []), in_period))
    return result


def _pdsa(organisation: Organisation, since: date | None, until: date) -> list[PdsaCycle]:
    """PDSA cycles that ran in the period: started by its end, and ended in it, still
    running, or started in it (one query)."""
    cycles = PdsaCycle.objects.filter(
        action__problem__visit__organisation=organisation, start_date__lte=until
    )
    if since is not None:
        cycles = cycles.filter(
            Q(end_date__gte=since)
            | Q(end_date__isnull=True, decision="")
            | Q(end_date__isnull=True, start_date__gte=since)
        )
    return list(cycles.select_related("action__problem__visit__unit").order_by("start_date", "pk"))


def _overdue(organisation: Organisation, as_of: date) -> list[dashboard.Listing]:
    """What is overdue: the start page's panels for the top leader (count and the first
    few of each; two queries each, one for feedback owed)."""
    return [
        dashboard.actions_overdue(organisation, as_of),
        dashboard.minutes_pending(organisation, as_of),
        dashboard.feedback_due(organisation, as_of),
        dashboard.follow_ups_due(organisation, as_of),
        dashboard.visits_overdue(organisation, as_of),
    ]


# The first item, with no earlier meeting in Visitt, covers the last quarter rather
# than every year of history: leadership groups meet at least that often, and ten years
# of visits and actions would be neither readable nor quick.
FIRST_ITEM_MONTHS = 3


def first_item_start(until: date) -> date:
    return until - relativedelta(months=FIRST_ITEM_MONTHS)


def build_agenda(organisation: Organisation, *, since: date | None, until: date) -> Agenda:
    """The agenda item for the period from ``since`` (the last meeting; None for the
    first) to ``until`` (the meeting), both days included. What is overdue is as of the
    meeting, or today when the meeting is still to come. About fifteen queries,
    whatever the amount of data."""
    as_of = min(until, timezone.localdate())
    start = since if since is not None else first_item_start(until)
    return Agenda(
        organisation=organisation,
        since=since,
        until=until,
        overdue_as_of=as_of,
        starts=start if since is None else None,
        visits=_visits(organisation, start, until),
        problems=_problems(organisation, start, until),
        progress=_progress(organisation, start, until),
        pdsa=_pdsa(organisation, start, until),
        overdue=_overdue(organisation, as_of),
    )


# --- The meetings ----------------------------------------------------------------------


def last_meeting(organisation: Organisation) -> LeadershipMeeting | None:
    """The latest recorded meeting (one query)."""
    return LeadershipMeeting.objects.filter(organisation=organisation).order_by("-held_on").first()


def agenda_for(meeting: LeadershipMeeting) -> Agenda:
    """The item as made for ``meeting``: from the meeting before it to its date."""
    return build_agenda(meeting.organisation, since=meeting.covers_from, until=meeting.held_on)


def record_meeting(
    organisation: Organisation,
    held_on: date,
    by: Any,
    *,
    request: HttpRequest | None = None,
) -> tuple[LeadershipMeeting, bool]:
    """Remembers a meeting on ``held_on`` and returns it, and whether it is new.

    Idempotent per day: the same day twice (a double click, two people at once) gives
    the same meeting. The new meeting covers the time since the previous one. A date
    before the last meeting is refused: the items would overlap and the remembered date
    would go backwards."""
    today = timezone.localdate()
    if held_on > today + timedelta(days=MAX_DAYS_AHEAD):
        raise AgendaError(_("The meeting date can be at most a year ahead."))
    with transaction.atomic():
        existing = LeadershipMeeting.objects.filter(organisation=organisation, held_on=held_on)
        meeting = existing.first()
        if meeting is not None:
            return meeting, False
        last = last_meeting(organisation)
        if last is not None and held_on < last.held_on:
            raise AgendaError(
                _("The meeting date cannot be before the last leadership meeting (%(date)s).")
                % {"date": date_format(last.held_on, "j. F Y")}
            )
        try:
            with transaction.atomic():
                meeting = LeadershipMeeting.objects.create(
                    organisation=organisation,
                    held_on=held_on,
                    covers_from=last.held_on if last is not None else None,
                    created_by=by,
                )
        except IntegrityError:
            # Someone else made the same day's item a moment ago.
            return existing.get(), False
        record(
            request,
            AuditEvent.Action.AGENDA_MADE,
            target=meeting,
            organisation=organisation,
            actor=by,
            held_on=held_on.isoformat(),
            covers_from=meeting.covers_from.isoformat() if meeting.covers_from else None,
        )
    return meeting, True
