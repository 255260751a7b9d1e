"""The learning library: which done actions may be published, publishing with one
click, editing an entry and withdrawing it.

- A candidate is an action that is done, not yet in the library, whose problem has a
  measure whose run chart shows an improvement (the Anhøj analysis of the current phase,
  as the measure's page shows it, read against the measure's better direction).
- ``publish`` is idempotent: a second click (or two leaders at once) gives the entry
  that exists; the one-to-one on the action makes a second entry impossible.
- ``update`` is one conditional UPDATE on the version; a stale one is refused (409).
- Every change is audited: LIBRARY_PUBLISHED, LIBRARY_CHANGED, LIBRARY_WITHDRAWN.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from visitt.audit.models import AuditEvent
from visitt.audit.services import record
from visitt.core.personal_data import record_override
from visitt.followup.plans import Action, Measure
from visitt.walkround.services_problems import ProblemError, guard, stale_message

from . import series
from .library import LibraryEntry
from .models import MeasurePhase, MeasurePoint, PdsaCycle
from .runchart import RunChartAnalysis

if TYPE_CHECKING:
    from visitt.accounts.models import User
    from visitt.organisations.models import Organisation

A = AuditEvent.Action

# The same refusals as the action plan: messages and a status (400, 409, 422).
LibraryError = ProblemError

TITLE_LENGTH = 200


@dataclass
class MeasureResult:
    measure: Measure
    analysis: RunChartAnalysis
    words: str
    verdict: str  # as series.verdict_of: "improvement", "deterioration", "signal", ...

    @property
    def improved(self) -> bool:
        return self.verdict == "improvement"


@dataclass
class Candidate:
    action: Action
    results: list[MeasureResult]

    @property
    def improving(self) -> list[MeasureResult]:
        return [result for result in self.results if result.improved]


# --- The run-chart verdict of measures ------------------------------------------------------


def result_of(
    measure: Measure, points: list[MeasurePoint], phases: list[MeasurePhase]
) -> MeasureResult:
    """The run-chart analysis of ``measure`` as its page shows it (series.build, not
    drawn): the current phase's points, missing periods as gaps, the phase's frozen
    baseline. No query: ``points`` and ``phases`` are in time order."""
    chart = series.build(measure, points, phases, [], [], drawn=False)
    return MeasureResult(measure, chart.analysis, chart.words, chart.verdict)


def results_for(measures: list[Measure]) -> list[MeasureResult]:
    """The verdict of every measure, in two queries whatever their number (points,
    phases)."""
    if not measures:
        return []
    ids = [measure.pk for measure in measures]
    points: dict[int, list[MeasurePoint]] = defaultdict(list)
    for point in MeasurePoint.objects.filter(measure_id__in=ids).order_by("period"):
        points[point.measure_id].append(point)
    phases: dict[int, list[MeasurePhase]] = defaultdict(list)
    for phase in MeasurePhase.objects.filter(measure_id__in=ids).order_by("start"):
        phases[phase.measure_id].append(phase)
    return [result_of(m, points[m.pk], phases[m.pk]) for m in measures]


def _measures_by_problem(problem_ids: Iterable[int]) -> dict[int, list[Measure]]:
    by_problem: dict[int, list[Measure]] = defaultdict(list)
    for measure in Measure.objects.filter(problem_id__in=set(problem_ids)).order_by(
        "problem_id", "order", "pk"
    ):
        by_problem[measure.problem_id].append(measure)
    return by_problem


def _with_results(actions: list[Action]) -> list[Candidate]:
    """Every action with the results of its problem's measures (three queries)."""
    by_problem = _measures_by_problem(action.problem_id for action in actions)
    measures = [measure for group in by_problem.values() for measure in group]
    results = {result.measure.pk: result for result in results_for(measures)}
    return [
        Candidate(action, [results[m.pk] for m in by_problem.get(action.problem_id, [])])
        for action in actions
    ]


# --- Candidates -----------------------------------------------------------------------------


# The library page shows the most recent candidates only. They are found a batch of
# actions at a time, newest first, so a municipality with ten years of done actions costs
# the same as one with a few; at most CANDIDATES_SCANNED actions are judged.
CANDIDATES_SHOWN = 10
CANDIDATE_BATCH = 50
CANDIDATES_SCANNED = 500


def candidates(organisation: Organisation, *, limit: int = CANDIDATES_SHOWN) -> list[Candidate]:
    """The ``limit`` most recently done actions of ``organisation``, not yet in the
    library, whose problem has a measure that shows an improvement. Four queries per
    batch of actions judged, and usually one batch."""
    actions = (
        Action.objects.in_organisation(organisation)
        .filter(
            status=Action.Status.DONE,
            library_entry__isnull=True,
        )
        .filter(Exists(Measure.objects.filter(problem_id=OuterRef("problem_id"))))
        .select_related("problem__visit__unit", "problem__category")
        .order_by(F("finished_at").desc(nulls_last=True), "-pk")
    )
    found: list[Candidate] = []
    for start in range(0, CANDIDATES_SCANNED, CANDIDATE_BATCH):
        batch = list(actions[start : start + CANDIDATE_BATCH])
        found += [candidate for candidate in _with_results(batch) if candidate.improving]
        if len(found) >= limit or len(batch) < CANDIDATE_BATCH:
            break
    return found[:limit]


def candidate_for(action: Action) -> Candidate:
    """The results for one action (three queries); ``improving`` is empty when it may
    not be published."""
    return _with_results([action])[0]


# --- Publishing -----------------------------------------------------------------------------


def _short(text: str, length: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def title_for(action: Action) -> str:
    """ "Problem: action", cut to fit."""
    problem = " ".join(action.problem.title.split())
    what = " ".join(action.what.split())
    if len(problem) + 2 + len(what) <= TITLE_LENGTH:
        return f"{problem}: {what}"
    return _short(f"{problem}: {what}", TITLE_LENGTH)


def summary_for(action: Action, cycles: list[PdsaCycle]) -> str:
    """The action's own words, and what the last adopted PDSA cycle decided."""
    parts = [action.what.strip()]
    adopted = [c for c in cycles if c.decision == PdsaCycle.Decision.ADOPT and c.act.strip()]
    if adopted:
        parts.append(_("Adopted after a PDSA cycle: %(act)s") % {"act": adopted[-1].act.strip()})
    return "\n\n".join(parts)


def result_for(results: list[MeasureResult]) -> str:
    """Each measure's run-chart analysis in words, one paragraph per measure."""
    return "\n\n".join(f"{result.measure.name}: {result.words}" for result in results)


def not_a_candidate_message() -> str:
    return _(
        "Only a done action whose measure shows an improvement on the run chart can be "
        "published to the learning library."
    )


def publish(
    action: Action, by: User, *, request: HttpRequest | None = None
) -> tuple[LibraryEntry, bool]:
    """Publishes ``action`` (whose problem is loaded) and returns (entry, created). A
    second click returns the entry that exists and records nothing more.

    Refused (LibraryError) when the action is not done or no measure of its problem
    shows an improvement."""
    existing = LibraryEntry.objects.filter(action=action).first()
    if existing is not None:
        return existing, False
    if action.status != Action.Status.DONE:
        raise LibraryError(not_a_candidate_message())
    candidate = candidate_for(action)
    if not candidate.improving:
        raise LibraryError(not_a_candidate_message())
    cycles = list(PdsaCycle.objects.filter(action=action).order_by("start_date", "pk"))
    organisation = action.problem.visit.organisation
    try:
        with transaction.atomic():
            entry = LibraryEntry.objects.create(
                organisation=organisation,
                action=action,
                title=title_for(action),
                summary=summary_for(action, cycles),
                result=result_for(candidate.results),
                published_by=by,
            )
            record(
                request,
                A.LIBRARY_PUBLISHED,
                target=entry,
                organisation=organisation,
                actor=by,
                action_id=action.pk,
            )
    except IntegrityError:
        # Someone published the same action at the same moment: theirs stands.
        return LibraryEntry.objects.get(action=action), False
    return entry, True


# --- Editing and withdrawing ----------------------------------------------------------------


@dataclass
class EntryData:
    title: str
    summary: str
    result: str = ""
    advice: str = ""

    def fields(self) -> dict[str, Any]:
        return {
            "title": " ".join(self.title.split()),
            "summary": _clean(self.summary),
            "result": _clean(self.result),
            "advice": _clean(self.advice),
        }

    def texts(self) -> list[str]:
        return [self.title, self.summary, self.result, self.advice]


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


def update(
    entry: LibraryEntry,
    data: EntryData,
    version: int,
    by: User,
    *,
    override_reason: str = "",
    request: HttpRequest | None = None,
) -> LibraryEntry:
    """Saves ``data`` if nobody changed the entry since ``version`` was read."""
    fields = data.fields()
    problems = []
    if not fields["title"]:
        problems.append(_("Give the entry a title."))
    if not fields["summary"]:
        problems.append(_("Say what was done."))
    if problems:
        raise LibraryError(problems)
    result = guard(data.texts(), override_reason)
    with transaction.atomic():
        updated = LibraryEntry.objects.filter(pk=entry.pk, version=version).update(
            version=F("version") + 1, updated_at=timezone.now(), **fields
        )
        if not updated:
            raise LibraryError(stale_message(), status=409)
        if result.has_warnings:
            record_override(request, result, override_reason, target=entry, entry=entry.pk)
        record(
            request,
            A.LIBRARY_CHANGED,
            target=entry,
            organisation=entry.organisation,
            actor=by,
            action_id=entry.action_id,
        )
    entry.refresh_from_db()
    return entry


def withdraw(entry: LibraryEntry, by: User, *, request: HttpRequest | None = None) -> bool:
    """Takes the entry out of the library (the action and its data stay). False when it
    was already withdrawn."""
    with transaction.atomic():
        deleted, _rows = LibraryEntry.objects.filter(pk=entry.pk).delete()
        if not deleted:
            return False
        record(
            request,
            A.LIBRARY_WITHDRAWN,
            target=entry,
            organisation=entry.organisation,
            actor=by,
            action_id=entry.action_id,
        )
    return True
