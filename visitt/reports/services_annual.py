"""The annual summary (årlig oppsummering): the figures of a year, the top leader's
learning points, the leadership group's review and its decisions.

The regulation (forskrift om ledelse og kvalitetsforbedring §§ 6-9) asks the management
to plan, carry out, evaluate and correct; the summary says what was planned (the plan's
goals), done (visits, units, problems, actions), evaluated (times, measures, surveys)
and corrected (decisions).

- ``figures()`` computes everything from the year's data, in a fixed number of queries
  however many visits, problems and actions there are. The result is JSON-safe: it is
  what ``record_review()`` freezes in ``AnnualSummary.snapshot``. Interface words (a
  status, a goal's measure) are kept as codes and named when shown, so that a frozen
  summary reads in the reader's language; organisation content (unit and category
  names, texts) is kept as it was.
- Once reviewed, the summary is locked like signed minutes: every service refuses with
  an AnnualSummaryError and nothing changes.
- Decisions are recorded until the review, and in the review itself (the review form
  carries them, and they are stored in the same transaction that locks the summary):
  the leadership group decides at the meeting where it reviews the summary.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Min, OuterRef
from django.db.models.functions import ExtractYear
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from visitt.audit.models import AuditEvent
from visitt.audit.services import record
from visitt.core.personal_data import GuardResult
from visitt.followup.feedback import Feedback
from visitt.followup.minutes import Minutes
from visitt.followup.plans import Action, Measure
from visitt.organisations.models import Organisation
from visitt.planning.goals import reached, units_to_visit
from visitt.planning.plan import AnnualPlan, year_overview
from visitt.planning.visits import Postponement, Visit
from visitt.walkround.problems import ProblemCategory
from visitt.walkround.services_problems import ProblemError, guard, stale_message

from . import themes
from .annual import AnnualSummary, SummaryDecision
from .keyfigures import Ratio, for_year

if TYPE_CHECKING:
    from visitt.accounts.models import User

A = AuditEvent.Action

# Refused changes: messages for the user and the HTTP status (400, 409, 422), as the
# action plan's services do.
AnnualSummaryError = ProblemError

# Years before this are typing mistakes, never walkround years.
FIRST_YEAR = 2000
MAX_DECISIONS_AT_REVIEW = 5


def locked_message() -> str:
    return _(
        "The leadership group has reviewed this annual summary, and it is locked like "
        "signed minutes. Nothing was changed."
    )


# --- Which years ----------------------------------------------------------------------------


def years_with_data(organisation: Organisation) -> list[int]:
    """The years that have an annual plan or visits, newest first (two queries)."""
    plans = AnnualPlan.objects.for_organisation(organisation).values_list("year", flat=True)
    visits = (
        Visit.objects.for_organisation(organisation)
        .annotate(year=ExtractYear("date"))
        .values_list("year", flat=True)
        .distinct()
        .order_by()
    )
    return sorted({*plans, *visits}, reverse=True)


def has_data(organisation: Organisation, year: int) -> bool:
    """Whether ``year`` has an annual plan or visits (at most two queries)."""
    if year < FIRST_YEAR:
        return False
    return (
        AnnualPlan.objects.for_organisation(organisation).filter(year=year).exists()
        or Visit.objects.for_organisation(organisation).in_year(year).exists()
    )


# --- The figures ----------------------------------------------------------------------------


def _median_days(days: Iterable[int]) -> float | None:
    values = list(days)
    if not values:
        return None
    return float(statistics.median(values))


def _percent(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def _days(visit_day: date, moment: Any) -> int:
    """Calendar days from the visit to ``moment`` (in Norwegian time)."""
    return (timezone.localdate(moment) - visit_day).days


def _number(value: Decimal | float | None) -> float | None:
    return float(value) if value is not None else None


def _ratio(ratio: Ratio) -> dict[str, Any]:
    """A key figure's part of whole, and its share, as JSON."""
    return {"part": ratio.part, "whole": ratio.whole, "percent": _number(ratio.percent)}


def _key_figures(organisation: Organisation, year: int) -> dict[str, Any]:
    """The year's key figures (reports/keyfigures.py), the same numbers the key-figures
    page and the plan's follow-up goals show."""
    figures = for_year(organisation, year)
    result: dict[str, Any] = {
        "visits_planned": figures.visits_planned,
        "visits_done": figures.visits_done,
    }
    for name in ("minutes_on_time", "actions_on_time", "feedback_in_time", "follow_ups_done"):
        result[name] = _ratio(getattr(figures, name))
    return result


def _goals(overview) -> list[dict[str, Any]]:
    """The plan's goals with their results, as the year plan evaluates them (the
    follow-up goals from the key figures)."""
    return [
        {
            "text": outcome.goal.text,
            "measure": outcome.goal.measure,
            "target": _number(outcome.goal.target),
            "result": _number(outcome.result),
            "met": outcome.met,
            "counted": list(outcome.counted) if outcome.counted else None,
        }
        for outcome in overview.goals
    ]


def _visits(organisation: Organisation, year: int, overview) -> dict[str, Any]:
    visits: list[Visit] = list(overview.visits)
    main = [v for v in visits if v.kind == Visit.Kind.MAIN]
    conducted_main = [v for v in main if v.is_conducted]
    follow_ups = [v for v in visits if v.kind == Visit.Kind.FOLLOW_UP]
    to_visit = units_to_visit(overview.units)
    covered = reached(overview.units, {v.unit_id for v in conducted_main})
    postponements = list(
        Postponement.objects.filter(visit__organisation=organisation, visit__date__year=year)
        .select_related("visit__unit")
        .order_by("postponed_at", "pk")
    )
    today = timezone.localdate()
    return {
        "planned": len(main),
        "done": len(conducted_main),
        "not_done_past": sum(1 for v in main if not v.is_conducted and v.date < today),
        "coming": sum(1 for v in main if not v.is_conducted and v.date >= today),
        "follow_ups_planned": len(follow_ups),
        "follow_ups_done": sum(1 for v in follow_ups if v.is_conducted),
        "postponed_visits": len({p.visit_id for p in postponements}),
        "postponements": [
            {
                "unit": p.visit.unit.name,
                "from_date": p.from_date.isoformat(),
                "to_date": p.to_date.isoformat(),
                "reason": p.reason,
            }
            for p in postponements
        ],
        "units_active": len(to_visit),
        "units_covered": len(covered),
        "units_percent": _percent(len(covered), len(to_visit)),
        "units_not_covered": sorted(
            (u.name for u in to_visit if u.pk not in covered), key=str.lower
        ),
        # Not counted on their own (goals.units_to_visit): said beside the figure.
        "units_through_sub_units": sorted(
            (u.name for u in overview.units if u not in to_visit), key=str.lower
        ),
    }


def _problems(organisation: Organisation, year: int, units) -> dict[str, Any]:
    categories = list(
        ProblemCategory.objects.filter(organisation=organisation).order_by("order", "name")
    )
    problems = themes.problems_in_scope(organisation, year=year)
    analysis = themes.analyse(problems, units, categories)
    return {
        "total": analysis.total,
        "by_category": [[name, count] for name, count in analysis.bars if count],
        "by_theme": [[value, count] for value, _label, count in analysis.themes if count],
        "recurring": [
            {
                "category": item.category.name,
                "units": [u.name for u in item.units],
                "across_units": item.across_units,
            }
            for item in analysis.recurring
        ],
    }


def _actions(organisation: Organisation, year: int) -> dict[str, Any]:
    """The actions on the year's conducted visits' problems (one query)."""
    rows = list(
        Action.objects.in_organisation(organisation)
        .filter(problem__visit__date__year=year)
        .exclude(problem__visit__status__in=Visit.NOT_YET_CONDUCTED)
        .values(
            "status",
            "what",
            "reason",
            "due_date",
            "finished_at",
            "problem__title",
            "problem__visit__date",
            "problem__visit__unit__name",
        )
        .order_by("problem__visit__date", "problem_id", "order", "pk")
    )
    counts = Counter(row["status"] for row in rows)
    today = timezone.localdate()
    return {
        "total": len(rows),
        "by_status": [[status, counts.get(status, 0)] for status in Action.Status.values],
        "overdue": sum(
            1
            for row in rows
            if row["status"] in Action.OPEN and row["due_date"] and row["due_date"] < today
        ),
        "not_possible": [
            {
                "what": row["what"],
                "reason": row["reason"],
                "problem": row["problem__title"],
                "unit": row["problem__visit__unit__name"],
            }
            for row in rows
            if row["status"] == Action.Status.NOT_POSSIBLE
        ],
        "_rows": rows,  # for the times; removed before the figures are returned
    }


def _times(organisation: Organisation, year: int, action_rows: list[dict]) -> dict[str, Any]:
    """Median days from the visit to its signed minutes, to its first feedback, and to
    each finished action (two queries)."""
    # First fully signed: the first version's locking, as the key figures count it (a
    # later version with a reason does not make the minutes late after the fact).
    minutes = [
        (row["visit__date"], row["first"] or row["signed_at"], row["deadline"])
        for row in Minutes.objects.filter(
            visit__organisation=organisation,
            visit__date__year=year,
            visit__kind=Visit.Kind.MAIN,
            status=Minutes.Status.SIGNED,
        )
        .annotate(first=Min("versions__locked_at"))
        .values("visit__date", "signed_at", "deadline", "first")
        .order_by()
    ]
    minutes = [row for row in minutes if row[1] is not None]
    to_minutes = [_days(visit_day, signed) for visit_day, signed, _deadline in minutes]
    on_time = sum(1 for _day, signed, deadline in minutes if _days(deadline, signed) <= 0)
    first_feedback = list(
        Feedback.objects.filter(
            action__problem__visit__organisation=organisation,
            action__problem__visit__date__year=year,
        )
        .values("action__problem__visit_id", "action__problem__visit__date")
        .annotate(first=Min("sent_at"))
        .order_by()
    )
    to_feedback = [
        _days(row["action__problem__visit__date"], row["first"]) for row in first_feedback
    ]
    to_done = [
        _days(row["problem__visit__date"], row["finished_at"])
        for row in action_rows
        if row["status"] == Action.Status.DONE and row["finished_at"] is not None
    ]
    return {
        "minutes_signed": len(minutes),
        "minutes_on_time": on_time,
        "minutes_on_time_percent": _percent(on_time, len(minutes)),
        "days_to_signed_minutes": _median_days(to_minutes),
        "visits_with_feedback": len(first_feedback),
        "days_to_first_feedback": _median_days(to_feedback),
        "actions_done": len(to_done),
        "days_to_done_action": _median_days(to_done),
    }


def _measures(organisation: Organisation, year: int) -> list[dict[str, Any]]:
    """Every measure with data in the year, judged by the run chart (Anhøj rules) on its
    points up to the end of the year, as its own page does (four queries)."""
    from visitt.improvement import series
    from visitt.improvement.models import MeasurePhase, MeasurePoint

    end = date(year, 12, 31)
    # Named rows, not model instances: a large organisation has hundreds of measures
    # and ten thousand points, and the judgement reads only these attributes.
    measures: list[Any] = list(
        Measure.objects.filter(problem__organisation=organisation)
        .filter(
            # One index probe per measure (one_point_per_period), not a join over
            # every point the organisation has.
            Exists(
                MeasurePoint.objects.filter(
                    measure=OuterRef("pk"), period__gte=date(year, 1, 1), period__lte=end
                )
            )
        )
        .order_by("problem__visit__date", "problem_id", "order", "pk")
        .values_list(
            "pk",
            "name",
            "better",
            "frequency",
            "problem__title",
            "problem__visit__unit__name",
            named=True,
        )
    )
    if not measures:
        return []
    ids = [measure.pk for measure in measures]
    points: dict[int, list] = defaultdict(list)
    for point in (
        MeasurePoint.objects.filter(measure__in=ids, period__lte=end)
        .order_by("period")
        .values_list("measure_id", "period", "value", named=True)
    ):
        points[point.measure_id].append(point)
    phases: dict[int, list] = defaultdict(list)
    for phase in MeasurePhase.objects.filter(measure__in=ids).order_by("start"):
        phases[phase.measure_id].append(phase)
    result = []
    for measure in measures:
        chart = series.build(
            cast(Measure, measure), points[measure.pk], phases[measure.pk], [], [], drawn=False
        )
        result.append(
            {
                "name": measure.name,
                "problem": measure.problem__title,
                "unit": measure.problem__visit__unit__name,
                "points": len(points[measure.pk]),
                "verdict": chart.verdict,
                "words": chart.words,
            }
        )
    return result


def _surveys(organisation: Organisation, year: int) -> list[dict[str, Any]] | None:
    """The staff pulse surveys that opened in the year: the means per statement only
    where at least five answered (the survey's own rule; four queries)."""
    try:
        from visitt.improvement.services_survey import results_for_year
    except ImportError:  # the survey arrives with improvement/services_survey.py
        return None
    return [
        {
            "title": result.title,
            "unit": result.unit.name,
            "opens_on": result.survey.opens_on.isoformat(),
            "count": result.count,
            "shown": result.shown,
            "statements": [[item.text, item.mean] for item in result.statements if result.shown],
        }
        for result in results_for_year(organisation, year)
    ]


def figures(organisation: Organisation, year: int) -> dict[str, Any]:
    """Everything the summary shows, computed now (JSON-safe; a fixed number of
    queries, not growing with the data)."""
    overview = year_overview(organisation, year)
    actions = _actions(organisation, year)
    rows = actions.pop("_rows")
    return {
        "year": year,
        "computed_on": timezone.localdate().isoformat(),
        "computed_at": timezone.localtime().isoformat(timespec="minutes"),
        "has_plan": overview.plan is not None,
        "goals": _goals(overview),
        "visits": _visits(organisation, year, overview),
        "key_figures": _key_figures(organisation, year),
        "problems": _problems(organisation, year, overview.units),
        "actions": actions,
        "times": _times(organisation, year, rows),
        "measures": _measures(organisation, year),
        "surveys": _surveys(organisation, year),
    }


# A draft's figures take the largest organisation's data a tenth of a second or more to
# compute, and the page, the PDF and the Word file all show them: they are kept in the
# shared cache (every node sees it) for a few minutes. The page says when they were
# computed and offers to compute them again; the review always freezes fresh figures.
FIGURES_CACHE_SECONDS = 10 * 60


def _figures_key(organisation: Organisation, year: int) -> str:
    return f"annual-figures:{organisation.pk}:{year}"


def current_figures(organisation: Organisation, year: int) -> dict[str, Any]:
    """The year's figures from the last few minutes, computed now when there are none."""
    key = _figures_key(organisation, year)
    content = cache.get(key)
    if content is None:
        content = figures(organisation, year)
        cache.set(key, content, FIGURES_CACHE_SECONDS)
    return content


def figures_are_kept(organisation: Organisation, year: int) -> bool:
    """Whether the year's figures are in the cache (one cache lookup)."""
    return cache.has_key(_figures_key(organisation, year))


def forget_figures(organisation: Organisation, year: int) -> None:
    """The next look at the summary computes its figures from the data as it is then."""
    cache.delete(_figures_key(organisation, year))


def summary_content(summary: AnnualSummary) -> dict[str, Any]:
    """What the summary shows: the frozen snapshot once reviewed, else the figures of
    the last few minutes (current_figures)."""
    if summary.is_locked and summary.snapshot is not None:
        return summary.snapshot
    return current_figures(summary.organisation, summary.year)


# --- Changes --------------------------------------------------------------------------------


def get_or_start(organisation: Organisation, year: int, by: User | None) -> AnnualSummary:
    """The year's summary, started (saved) the first time someone writes to it."""
    try:
        summary, _created = AnnualSummary.objects.get_or_create(
            organisation=organisation, year=year, defaults={"created_by": by}
        )
    except IntegrityError:  # started by someone else at the same moment
        summary = AnnualSummary.objects.get(organisation=organisation, year=year)
    return summary


def _refuse_if_locked(summary: AnnualSummary) -> None:
    if summary.is_locked:
        raise AnnualSummaryError(locked_message(), status=409)


def _audit(
    request: HttpRequest | None, action: str, summary: AnnualSummary, by: Any, **data: Any
) -> None:
    record(
        request,
        action,
        target=summary,
        organisation=summary.organisation,
        actor=by,
        year=summary.year,
        **data,
    )


def _override(
    request: HttpRequest | None,
    result: GuardResult,
    reason: str,
    summary: AnnualSummary,
    by: Any,
) -> None:
    """Audits text saved despite the personal-data guard's warning (as record_override
    does: the reason and the kinds, never the text)."""
    if result.has_warnings:
        _audit(
            request,
            A.PERSONAL_DATA_OVERRIDE,
            summary,
            by,
            kinds=result.kinds,
            reason=reason.strip()[:500],
        )


def save_learning_points(
    summary: AnnualSummary,
    text: str,
    version: int,
    by: User,
    *,
    override_reason: str = "",
    request: HttpRequest | None = None,
) -> AnnualSummary:
    """Saves the top leader's learning points if nobody saved since ``version`` and the
    summary is not locked; otherwise AnnualSummaryError and nothing changes."""
    _refuse_if_locked(summary)
    text = text.replace("\r\n", "\n").strip()
    result = guard([text], override_reason)
    with transaction.atomic():
        updated = AnnualSummary.objects.filter(
            pk=summary.pk, version=version, reviewed_on__isnull=True
        ).update(learning_points=text, version=F("version") + 1, updated_at=timezone.now())
        if not updated:
            summary.refresh_from_db()
            if summary.is_locked:
                raise AnnualSummaryError(locked_message(), status=409)
            raise AnnualSummaryError(stale_message(), status=409)
        _override(request, result, override_reason, summary, by)
        _audit(request, A.ANNUAL_SUMMARY_CHANGED, summary, by, learning_points=True)
    summary.refresh_from_db()
    return summary


@dataclass
class DecisionData:
    text: str
    responsible: str = ""
    due_date: date | None = None

    def cleaned(self) -> DecisionData:
        return DecisionData(
            self.text.replace("\r\n", "\n").strip(), self.responsible.strip(), self.due_date
        )


def _create_decisions(
    summary: AnnualSummary, decisions: list[DecisionData], by: Any
) -> list[SummaryDecision]:
    start = summary.decisions.count()
    created = [
        SummaryDecision(
            summary=summary,
            text=d.text,
            responsible=d.responsible,
            due_date=d.due_date,
            order=start + i,
            created_by=by,
        )
        for i, d in enumerate(decisions)
    ]
    return SummaryDecision.objects.bulk_create(created)


def add_decision(
    summary: AnnualSummary,
    text: str,
    responsible: str,
    due_date: date | None,
    by: User,
    *,
    override_reason: str = "",
    request: HttpRequest | None = None,
) -> SummaryDecision:
    """Records a decision of the leadership group while the summary is not locked."""
    data = DecisionData(text, responsible, due_date).cleaned()
    if not data.text:
        raise AnnualSummaryError(_("Write the decision."))
    result = guard([data.text, data.responsible], override_reason)
    with transaction.atomic():
        # Locks the row, so a review at the same moment waits (or this sees it locked).
        locked = AnnualSummary.objects.select_for_update().get(pk=summary.pk)
        _refuse_if_locked(locked)
        (decision,) = _create_decisions(locked, [data], by)
        _override(request, result, override_reason, summary, by)
        _audit(request, A.ANNUAL_SUMMARY_DECISION, summary, by, decision=decision.pk)
    return decision


def check_review_date(reviewed_on: date | None, year: int) -> list[str]:
    problems = []
    if reviewed_on is None:
        problems.append(_("Give the date of the review."))
    elif reviewed_on > timezone.localdate():
        problems.append(_("The review date cannot be in the future."))
    elif reviewed_on < date(year, 1, 1):
        problems.append(_("The review date cannot be before the year it sums up."))
    return problems


def record_review(
    summary: AnnualSummary,
    reviewed_on: date | None,
    reviewed_in: str,
    by: User,
    *,
    decisions: list[DecisionData] | None = None,
    version: int | None = None,
    override_reason: str = "",
    request: HttpRequest | None = None,
) -> AnnualSummary:
    """Records that the leadership group reviewed the summary, with the decisions it
    took there: freezes the figures in the snapshot and locks the summary.

    1. Refuses a locked summary, a bad date, an empty "reviewed in", a stale version.
    2. Computes the figures now, and stores them with the review in one transaction.
    """
    _refuse_if_locked(summary)
    reviewed_in = " ".join(reviewed_in.split())
    cleaned = [d.cleaned() for d in decisions or [] if d.text.strip()]
    problems = check_review_date(reviewed_on, summary.year)
    if not reviewed_in:
        problems.append(_("Say where it was reviewed, for example the leadership group."))
    if problems:
        raise AnnualSummaryError(problems)
    result = guard(
        [reviewed_in, *(d.text for d in cleaned), *(d.responsible for d in cleaned)],
        override_reason,
    )
    snapshot = figures(summary.organisation, summary.year)
    with transaction.atomic():
        lookup: dict[str, Any] = {"pk": summary.pk, "reviewed_on__isnull": True}
        if version is not None:
            lookup["version"] = version
        updated = AnnualSummary.objects.filter(**lookup).update(
            reviewed_on=reviewed_on,
            reviewed_in=reviewed_in,
            reviewed_by=by,
            snapshot=snapshot,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        if not updated:
            summary.refresh_from_db()
            if summary.is_locked:
                raise AnnualSummaryError(locked_message(), status=409)
            raise AnnualSummaryError(stale_message(), status=409)
        if cleaned:
            made = _create_decisions(summary, cleaned, by)
            for decision in made:
                _audit(request, A.ANNUAL_SUMMARY_DECISION, summary, by, decision=decision.pk)
        _override(request, result, override_reason, summary, by)
        _audit(
            request,
            A.ANNUAL_SUMMARY_REVIEWED,
            summary,
            by,
            reviewed_on=reviewed_on.isoformat() if reviewed_on else "",
        )
    summary.refresh_from_db()
    return summary
