"""Writing a measure's data points, its phases and an action's PDSA cycles.

- Who enters data (``may_enter``): the leadership (followup.edit_plans), the unit
  leader of the measure's visit, and the owners of the actions on the measure's
  problem. Others who may read the plan (followup.view_plans) read.
- One point per period. The entry form refuses a period that already has a value
  ("edit it instead"), so a double submit stores nothing twice; an import updates the
  periods it names (a re-import replaces). Every edit and delete is one conditional
  UPDATE/DELETE on the version: a stale one is refused (409).
- The personal-data guard runs on every free text (comment, phase name, PDSA texts).
- Every change is audited (MEASURE_DATA_CHANGED, PDSA_CHANGED) against the visit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from visitt.audit.models import AuditEvent
from visitt.audit.services import record
from visitt.core.personal_data import GuardResult, record_override
from visitt.followup.plans import Action, Measure
from visitt.walkround.services_problems import ProblemError, guard, stale_message

from . import periods
from .models import MeasurePhase, MeasurePoint, PdsaCycle

if TYPE_CHECKING:
    from visitt.accounts.models import User
    from visitt.organisations.access import OrgRequest

A = AuditEvent.Action

# The same refusals as the action plan: messages, and a status (400, 409, 422).
ImprovementError = ProblemError

MAX_VALUE = Decimal("1e9")


# --- Who may write ------------------------------------------------------------------------


def _may_write(user: User, organisation: Any, problem_id: int, unit_leader_id: int | None) -> bool:
    if user.has_perm("followup.edit_plans", organisation):
        return True
    if unit_leader_id is not None and unit_leader_id == user.pk:
        return True
    return Action.objects.filter(problem_id=problem_id, owner=user).exists()


def may_enter(request: OrgRequest, measure: Measure) -> bool:
    """May the signed-in person enter data for ``measure`` (whose problem__visit is
    loaded)? One query at most."""
    visit = measure.problem.visit
    return _may_write(request.user, request.organisation, measure.problem_id, visit.unit_leader_id)


def may_edit_pdsa(request: OrgRequest, action: Action) -> bool:
    """The action's owner, the visit's unit leader and the leadership."""
    if action.owner_id == request.user.pk:
        return True
    visit = action.problem.visit
    return _may_write(request.user, request.organisation, action.problem_id, visit.unit_leader_id)


# --- Values -------------------------------------------------------------------------------


def is_percent(measure: Measure) -> bool:
    return measure.unit.strip() == "%"


def computed_value(measure: Measure, numerator: Decimal, denominator: Decimal) -> Decimal:
    """numerator / denominator, as a percentage when the measure's unit is "%"."""
    value = numerator / denominator
    if is_percent(measure):
        value *= 100
    return value.quantize(Decimal("0.0001"))


@dataclass
class PointData:
    period: date
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    comment: str = ""


def checked_fields(measure: Measure, data: PointData, today: date) -> dict[str, Any]:
    """The fields to store for ``data``, or ImprovementError with every problem found."""
    problems = []
    period = periods.start_of(data.period, measure.frequency)
    if period > today:
        problems.append(_("The period is in the future."))
    if period.year < 2000:
        problems.append(_("The period is too far back."))
    value = data.value
    numerator, denominator = data.numerator, data.denominator
    if (numerator is None) != (denominator is None):
        problems.append(_("Give both the numerator and the denominator, or neither."))
    elif numerator is not None and denominator is not None:
        if denominator <= 0:
            problems.append(_("The denominator must be more than zero."))
        elif numerator < 0:
            problems.append(_("The numerator cannot be negative."))
        elif is_percent(measure) and numerator > denominator:
            problems.append(_("The numerator cannot be larger than the denominator."))
        else:
            value = computed_value(measure, numerator, denominator)
    if value is None and not problems:
        problems.append(_("Give the value, or the numerator and the denominator."))
    if value is not None and abs(value) >= MAX_VALUE:
        problems.append(_("The value is too large."))
    if problems:
        raise ImprovementError(problems)
    return {
        "period": period,
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "comment": " ".join(data.comment.split()),
    }


def period_taken_message(measure: Measure, period: date) -> str:
    return _("%(period)s already has a value. Edit that point instead.") % {
        "period": periods.label(period, measure.frequency)
    }


# --- Points -------------------------------------------------------------------------------


def add_point(
    request: OrgRequest, measure: Measure, data: PointData, *, override_reason: str = ""
) -> MeasurePoint:
    fields = checked_fields(measure, data, timezone.localdate())
    result = guard([fields["comment"]], override_reason)
    try:
        with transaction.atomic():
            point = MeasurePoint.objects.create(measure=measure, entered_by=request.user, **fields)
            _audit(request, measure, result, override_reason, period=fields["period"], added=True)
    except IntegrityError:
        # The unique (measure, period): a double submit, or someone else was first.
        raise ImprovementError(period_taken_message(measure, fields["period"])) from None
    return point


def edit_point(
    request: OrgRequest,
    point: MeasurePoint,
    data: PointData,
    version: int,
    *,
    override_reason: str = "",
) -> MeasurePoint:
    measure = point.measure
    fields = checked_fields(measure, data, timezone.localdate())
    result = guard([fields["comment"]], override_reason)
    try:
        with transaction.atomic():
            updated = MeasurePoint.objects.filter(pk=point.pk, version=version).update(
                version=F("version") + 1,
                updated_at=timezone.now(),
                entered_by=request.user,
                **fields,
            )
            if not updated:
                raise ImprovementError(stale_message(), status=409)
            _audit(
                request, measure, result, override_reason, period=fields["period"], point=point.pk
            )
    except IntegrityError:
        raise ImprovementError(period_taken_message(measure, fields["period"])) from None
    point.refresh_from_db()
    return point


def delete_point(request: OrgRequest, point: MeasurePoint, version: int) -> None:
    with transaction.atomic():
        deleted, _rows = MeasurePoint.objects.filter(pk=point.pk, version=version).delete()
        if not deleted:
            raise ImprovementError(stale_message(), status=409)
        record(
            request,
            A.MEASURE_DATA_CHANGED,
            target=point.measure.problem.visit,
            measure=point.measure_id,
            period=point.period.isoformat(),
            removed=True,
        )


# --- Phases -------------------------------------------------------------------------------


def start_phase(
    request: OrgRequest,
    measure: Measure,
    *,
    start: date,
    label: str,
    baseline_points: int | None,
    override_reason: str = "",
) -> MeasurePhase:
    """A new phase from ``start`` (a period); for a period that already starts one, its
    name and frozen baseline are changed instead."""
    start = periods.start_of(start, measure.frequency)
    label = " ".join(label.split())
    if not label:
        raise ImprovementError(_("Give the phase a name, e.g. “after the new mattresses”."))
    result = guard([label], override_reason)
    with transaction.atomic():
        phase, created = MeasurePhase.objects.update_or_create(
            measure=measure,
            start=start,
            defaults={"label": label, "baseline_points": baseline_points},
            create_defaults={
                "label": label,
                "baseline_points": baseline_points,
                "created_by": request.user,
            },
        )
        _audit(
            request,
            measure,
            result,
            override_reason,
            phase=start.isoformat(),
            baseline_points=baseline_points,
            added=created,
        )
    return phase


def remove_phase(request: OrgRequest, phase: MeasurePhase) -> None:
    with transaction.atomic():
        MeasurePhase.objects.filter(pk=phase.pk).delete()
        record(
            request,
            A.MEASURE_DATA_CHANGED,
            target=phase.measure.problem.visit,
            measure=phase.measure_id,
            phase=phase.start.isoformat(),
            removed=True,
        )


# --- PDSA cycles --------------------------------------------------------------------------


@dataclass
class CycleData:
    plan: str
    start_date: date
    do: str = ""
    study: str = ""
    act: str = ""
    end_date: date | None = None
    decision: str = ""

    def fields(self) -> dict[str, Any]:
        return {
            "plan": _clean(self.plan),
            "do": _clean(self.do),
            "study": _clean(self.study),
            "act": _clean(self.act),
            "start_date": self.start_date,
            "end_date": self.end_date,
            "decision": self.decision,
        }

    def texts(self) -> list[str]:
        return [self.plan, self.do, self.study, self.act]


def _check_cycle(data: CycleData) -> None:
    problems = []
    if not data.plan.strip():
        problems.append(_("Say what the cycle tests (the plan)."))
    if data.end_date is not None and data.end_date < data.start_date:
        problems.append(_("The cycle cannot end before it starts."))
    if data.decision and data.decision not in PdsaCycle.Decision.values:
        problems.append(_("Choose adopt, adapt or abandon."))
    if data.decision and not data.study.strip():
        problems.append(_("Say what you learned (study) before deciding."))
    if problems:
        raise ImprovementError(problems)


def add_cycle(
    request: OrgRequest, action: Action, data: CycleData, *, override_reason: str = ""
) -> PdsaCycle:
    _check_cycle(data)
    result = guard(data.texts(), override_reason)
    with transaction.atomic():
        cycle = PdsaCycle.objects.create(action=action, created_by=request.user, **data.fields())
        _audit_cycle(request, action, result, override_reason, cycle=cycle.pk, added=True)
    return cycle


def edit_cycle(
    request: OrgRequest,
    cycle: PdsaCycle,
    data: CycleData,
    version: int,
    *,
    override_reason: str = "",
) -> PdsaCycle:
    _check_cycle(data)
    result = guard(data.texts(), override_reason)
    with transaction.atomic():
        updated = PdsaCycle.objects.filter(pk=cycle.pk, version=version).update(
            version=F("version") + 1, updated_at=timezone.now(), **data.fields()
        )
        if not updated:
            raise ImprovementError(stale_message(), status=409)
        _audit_cycle(
            request,
            cycle.action,
            result,
            override_reason,
            cycle=cycle.pk,
            decision=data.decision,
        )
    cycle.refresh_from_db()
    return cycle


def delete_cycle(request: OrgRequest, cycle: PdsaCycle, version: int) -> None:
    with transaction.atomic():
        deleted, _rows = PdsaCycle.objects.filter(pk=cycle.pk, version=version).delete()
        if not deleted:
            raise ImprovementError(stale_message(), status=409)
        record(
            request,
            A.PDSA_CHANGED,
            target=cycle.action.problem.visit,
            action_id=cycle.action_id,
            cycle=cycle.pk,
            removed=True,
        )


# --- Helpers ------------------------------------------------------------------------------


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


def parse_number(text: str) -> Decimal | None:
    """A number as people write it: "3,5", "3.5", "1 200"; None if empty or unreadable."""
    text = text.replace(" ", "").replace("\u00a0", "").replace(",", ".").strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _audit(
    request: OrgRequest,
    measure: Measure,
    result: GuardResult,
    override_reason: str,
    **data: Any,
) -> None:
    visit = measure.problem.visit
    if result.has_warnings:
        record_override(request, result, override_reason, target=visit, measure=measure.pk)
    for key, value in list(data.items()):
        if isinstance(value, date):
            data[key] = value.isoformat()
    record(request, A.MEASURE_DATA_CHANGED, target=visit, measure=measure.pk, **data)


def _audit_cycle(
    request: OrgRequest,
    action: Action,
    result: GuardResult,
    override_reason: str,
    **data: Any,
) -> None:
    visit = action.problem.visit
    if result.has_warnings:
        record_override(request, result, override_reason, target=visit, action_id=action.pk)
    record(request, A.PDSA_CHANGED, target=visit, action_id=action.pk, **data)
