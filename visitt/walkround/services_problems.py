"""Up to three problems per visit, and the leadership group's debrief.

- Adding a problem takes the lowest free number 1..3. The unique (visit, number)
  constraint makes a fourth impossible even when two people add one at the same moment:
  the loser of the race gets an IntegrityError, looks again and takes the next free
  number, or is refused with the method's words ("opp til tre problemer").
- Every edit is one conditional UPDATE (``... WHERE version = n``): a stale edit changes
  nothing and is refused.
- The personal-data guard runs on every text: a national identity number refuses the
  save; other findings need a reason, which is audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from visitt.audit.models import AuditEvent
from visitt.audit.services import record
from visitt.core.personal_data import GuardResult, check_text, record_override
from visitt.planning.models import Visit

from .conduct import Debrief
from .problems import MAX_PROBLEMS, Problem, ProblemCategory

if TYPE_CHECKING:
    from visitt.organisations.access import OrgRequest

A = AuditEvent.Action


class ProblemError(Exception):
    """A refused change; the messages are for the user, and nothing was stored.

    ``status`` is the HTTP status a view answers with: 400 bad input or the limit,
    409 a stale version, 422 the personal-data guard (``needs_reason`` when a reason
    would let it through)."""

    def __init__(self, messages: str | list[str], status: int = 400, needs_reason: bool = False):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        self.status = status
        self.needs_reason = needs_reason
        super().__init__(" ".join(self.messages))


def limit_message() -> str:
    return _(
        "This visit already has three problems. The method says the group agrees on "
        "“opp til tre problemer” (up to three problems): edit one of them instead."
    )


def stale_message() -> str:
    return _(
        "Someone else saved this while you were editing. Nothing was changed: reload the "
        "page to see their version, then make your change again."
    )


@dataclass
class ProblemData:
    title: str
    description: str = ""
    theme: str = ""
    category: ProblemCategory | None = None
    level: str = ""
    value: str = ""
    effort: str = ""

    def fields(self) -> dict[str, Any]:
        return {
            "title": self.title.strip(),
            "description": self.description.replace("\r\n", "\n").strip(),
            "theme": self.theme,
            "category": self.category,
            "level": self.level,
            "value": self.value,
            "effort": self.effort,
        }


def guard(
    texts: list[str], override_reason: str, *, error: type[ProblemError] = ProblemError
) -> GuardResult:
    """Runs the guard on ``texts``; raises ``error`` (a ProblemError by default) unless
    they may be saved."""
    result = check_text("\n\n".join(text for text in texts if text))
    if result.blocked:
        raise error(result.messages(), status=422)
    if result.has_warnings and not override_reason.strip():
        raise error(result.messages(), status=422, needs_reason=True)
    return result


def categories_for(visit: Visit, *, keep: int | None = None) -> Any:
    """The categories a problem of ``visit`` may get: those in use, plus ``keep`` (the
    problem's own category, which stays choosable after it is retired)."""
    ProblemCategory.ensure_defaults(visit.organisation)
    offered = Q(is_active=True)
    if keep is not None:
        offered |= Q(pk=keep)
    return ProblemCategory.objects.filter(offered, organisation_id=visit.organisation_id)


def problems_of(visit: Visit) -> list[Problem]:
    return list(Problem.objects.filter(visit=visit).select_related("category"))


def free_number(visit: Visit) -> int | None:
    taken = set(Problem.objects.filter(visit=visit).values_list("number", flat=True))
    return next((n for n in range(1, MAX_PROBLEMS + 1) if n not in taken), None)


def _check_category(visit: Visit, data: ProblemData, current: int | None = None) -> None:
    category = data.category
    if category is None:
        return
    if category.organisation_id != visit.organisation_id:
        raise ProblemError(_("Choose a category of this organisation."))
    # A retired category stays on the problems that have it, but is not given anew.
    if not category.is_active and category.pk != current:
        raise ProblemError(_("That category is retired. Choose another one."))


def add_problem(
    request: OrgRequest, visit: Visit, data: ProblemData, *, override_reason: str = ""
) -> Problem:
    """Adds a problem with the lowest free number, or refuses a fourth."""
    _check_category(visit, data)
    result = guard([data.title, data.description], override_reason)
    # Each try either stores the problem, or loses a race for a number that someone
    # else just took; after MAX_PROBLEMS lost races every number is taken.
    for _attempt in range(MAX_PROBLEMS + 1):
        number = free_number(visit)
        if number is None:
            raise ProblemError(limit_message())
        try:
            with transaction.atomic():
                problem = Problem.objects.create(
                    visit=visit, number=number, created_by=request.user, **data.fields()
                )
                if result.has_warnings:
                    record_override(request, result, override_reason, target=visit, problem=number)
                record(request, A.VISIT_CHANGED, target=visit, problem=number, created=True)
        except IntegrityError:
            continue
        return problem
    raise ProblemError(limit_message())


def edit_problem(
    request: OrgRequest,
    visit: Visit,
    problem: Problem,
    data: ProblemData,
    version: int,
    *,
    override_reason: str = "",
) -> Problem:
    """Saves ``data`` if ``version`` is the stored one; a stale edit changes nothing."""
    if problem.visit_id != visit.pk:
        raise ProblemError(_("That problem does not belong to this visit."))
    _check_category(visit, data, current=problem.category_id)
    result = guard([data.title, data.description], override_reason)
    with transaction.atomic():
        updated = Problem.objects.filter(pk=problem.pk, version=version).update(
            version=F("version") + 1, updated_at=timezone.now(), **data.fields()
        )
        if not updated:
            raise ProblemError(stale_message(), status=409)
        problem.refresh_from_db()
        if result.has_warnings:
            record_override(request, result, override_reason, target=visit, problem=problem.number)
        record(
            request, A.VISIT_CHANGED, target=visit, problem=problem.number, version=problem.version
        )
    return problem


# --- Debrief ---------------------------------------------------------------------------


def debrief_of(visit: Visit) -> Debrief | None:
    return Debrief.objects.filter(visit=visit).first()


def save_debrief(
    request: OrgRequest,
    visit: Visit,
    *,
    version: int,
    went_well: str,
    could_be_better: str,
    levels: Mapping[int, str],
    override_reason: str = "",
) -> Debrief:
    """Saves the debrief and the confirmed responsibility level of each problem (by
    problem pk), in one transaction. ``version`` 0 means no debrief was stored yet."""
    valid_levels = set(Problem.Level.values)
    problems = {problem.pk: problem for problem in Problem.objects.filter(visit=visit)}
    if set(levels) != set(problems) or not set(levels.values()) <= valid_levels:
        raise ProblemError(_("Confirm the responsibility level of each problem."))
    went_well = went_well.replace("\r\n", "\n").strip()
    could_be_better = could_be_better.replace("\r\n", "\n").strip()
    result = guard([went_well, could_be_better], override_reason)
    with transaction.atomic():
        debrief, _created = Debrief.objects.get_or_create(visit=visit, defaults={"version": 0})
        updated = Debrief.objects.filter(pk=debrief.pk, version=version).update(
            went_well=went_well,
            could_be_better=could_be_better,
            version=F("version") + 1,
            updated_at=timezone.now(),
            updated_by=request.user,
        )
        if not updated:
            raise ProblemError(stale_message(), status=409)
        changed = []
        for pk, level in levels.items():
            if problems[pk].level != level:
                Problem.objects.filter(pk=pk).update(
                    level=level, version=F("version") + 1, updated_at=timezone.now()
                )
                changed.append(problems[pk].number)
        debrief.refresh_from_db()
        if result.has_warnings:
            record_override(request, result, override_reason, target=visit, debrief=True)
        record(
            request,
            A.NOTES_CHANGED,
            target=visit,
            debrief=debrief.version,
            levels_changed=changed,
        )
    return debrief
