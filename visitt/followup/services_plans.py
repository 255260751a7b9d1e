"""The action plan per problem (Vedlegg 3): the aim, the measures and the actions.

- Only a conducted visit has a plan: its problems are what the walkround agreed on.
- Every edit is one conditional UPDATE (``... WHERE version = n``): a stale edit changes
  nothing and is refused (409).
- The personal-data guard runs on every free text: a national identity number refuses
  the save; other findings need a reason, which is audited.
- A change of an action's status is audited (ACTION_STATUS_CHANGED); "not possible now"
  needs the reason the participants will be told (the database refuses it without).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Prefetch, ProtectedError, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from visitt.accounts.models import User
from visitt.audit.models import AuditEvent
from visitt.audit.services import record
from visitt.core.personal_data import GuardResult, record_override
from visitt.organisations.models import Membership, Organisation
from visitt.planning.models import Visit
from visitt.walkround.problems import Problem
from visitt.walkround.services_problems import ProblemError, guard, stale_message

from .feedback import Feedback
from .plans import Action, Aim, Measure

if TYPE_CHECKING:
    from visitt.organisations.access import OrgRequest

A = AuditEvent.Action
S = Action.Status

# "Due soon" on Mine tiltak: within this many days.
DUE_SOON_DAYS = 7


# The same refusals as the walkround's problems: messages for the user, and a status
# (400 bad input, 409 a stale version, 422 the personal-data guard).
PlanError = ProblemError


def reason_required_message() -> str:
    return _(
        "Say why the action is not possible now. The participants are told the reason, as "
        "the method requires."
    )


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


# --- Reading ----------------------------------------------------------------------------


def actions_with_feedback(queryset: QuerySet[Action]) -> QuerySet[Action]:
    """Annotates whether feedback was sent about the action's current outcome."""
    return queryset.annotate(
        has_feedback=Exists(
            Feedback.objects.filter(action=OuterRef("pk"), about_status=OuterRef("status"))
        )
    )


def plan_of(visit: Visit) -> list[Problem]:
    """The visit's problems with their aim, measures and actions (three queries)."""
    actions = actions_with_feedback(Action.objects.select_related("owner"))
    problems = (
        Problem.objects.filter(visit=visit)
        .select_related("aim")
        .prefetch_related("measures", Prefetch("actions", queryset=actions))
        .order_by("number")
    )
    return list(problems)


def aim_of(problem: Problem) -> Aim | None:
    try:
        return problem.aim
    except Aim.DoesNotExist:
        return None


def possible_owners(organisation: Organisation, keep: int | None = None) -> QuerySet[User]:
    """Who can be responsible for an action: the organisation's active members, plus the
    action's current owner (``keep``), who stays choosable after leaving."""
    active = Membership.objects.active().filter(organisation=organisation)
    members = User.objects.filter(pk__in=active.values("user_id"))
    if keep is not None:
        members = members | User.objects.filter(pk=keep)
    return members.distinct().order_by("full_name", "email")


def feedback_url(action: Action) -> str | None:
    """The page for the feedback to the group about ``action``, once it exists."""
    try:
        return reverse("action_feedback", args=[action.pk])
    except NoReverseMatch:
        return None


# --- The aim ----------------------------------------------------------------------------


def save_aim(
    request: OrgRequest,
    visit: Visit,
    problem: Problem,
    *,
    text: str,
    target: str,
    version: int,
    override_reason: str = "",
) -> Aim:
    """Saves the problem's aim. ``version`` 0 means none was stored yet."""
    _check_problem(visit, problem)
    text, target = _clean(text), target.strip()
    if not text:
        raise PlanError(_("Say what you want to achieve."))
    result = guard([text, target], override_reason)
    with transaction.atomic():
        aim, _created = Aim.objects.get_or_create(problem=problem, defaults={"version": 0})
        updated = Aim.objects.filter(pk=aim.pk, version=version).update(
            text=text,
            target=target,
            version=F("version") + 1,
            updated_at=timezone.now(),
            updated_by=request.user,
        )
        if not updated:
            raise PlanError(stale_message(), status=409)
        aim.refresh_from_db()
        _audit(request, visit, problem, result, override_reason, item="aim", version=aim.version)
    return aim


# --- Measures ---------------------------------------------------------------------------


@dataclass
class MeasureData:
    name: str
    unit: str = ""
    how_counted: str = ""
    better: str = Measure.Direction.LOWER
    frequency: str = Measure.Frequency.MONTHLY

    def fields(self) -> dict[str, Any]:
        return {
            "name": self.name.strip(),
            "unit": self.unit.strip(),
            "how_counted": _clean(self.how_counted),
            "better": self.better,
            "frequency": self.frequency,
        }

    def texts(self) -> list[str]:
        return [self.name, self.unit, self.how_counted]


def add_measure(
    request: OrgRequest,
    visit: Visit,
    problem: Problem,
    data: MeasureData,
    *,
    override_reason: str = "",
) -> Measure:
    _check_problem(visit, problem)
    result = guard(data.texts(), override_reason)
    with transaction.atomic():
        order = Measure.objects.filter(problem=problem).count()
        measure = Measure.objects.create(problem=problem, order=order, **data.fields())
        _audit(request, visit, problem, result, override_reason, item="measure", created=True)
    return measure


def edit_measure(
    request: OrgRequest,
    visit: Visit,
    measure: Measure,
    data: MeasureData,
    version: int,
    *,
    override_reason: str = "",
) -> Measure:
    problem = _problem_of(visit, measure.problem_id)
    result = guard(data.texts(), override_reason)
    with transaction.atomic():
        _save_versioned(measure, version, **data.fields())
        _audit(
            request,
            visit,
            problem,
            result,
            override_reason,
            item="measure",
            version=measure.version,
        )
    return measure


def remove_measure(request: OrgRequest, visit: Visit, measure: Measure, version: int) -> None:
    """Removes a measure nothing refers to yet; one in use (e.g. with recorded values)
    is refused, and so is a stale one."""
    problem = _problem_of(visit, measure.problem_id)
    try:
        with transaction.atomic():
            deleted, _rows = Measure.objects.filter(pk=measure.pk, version=version).delete()
            if not deleted:
                raise PlanError(stale_message(), status=409)
            record(
                request,
                A.PLAN_ITEM_CHANGED,
                target=visit,
                problem=problem.number,
                item="measure",
                removed=True,
            )
    except (ProtectedError, IntegrityError) as error:
        raise PlanError(
            _("This measure is in use and cannot be removed. Change it instead.")
        ) from error


# --- Actions ----------------------------------------------------------------------------


@dataclass
class ActionData:
    what: str
    owner: User | None = None
    due_date: date | None = None

    def fields(self) -> dict[str, Any]:
        return {"what": _clean(self.what), "owner": self.owner, "due_date": self.due_date}


def _check_owner(visit: Visit, owner: User | None, current: int | None = None) -> None:
    if owner is None or owner.pk == current:
        return
    if not Membership.objects.active().filter(organisation=visit.organisation, user=owner).exists():
        raise PlanError(_("Choose an active member of the organisation as responsible."))


def add_action(
    request: OrgRequest,
    visit: Visit,
    problem: Problem,
    data: ActionData,
    *,
    override_reason: str = "",
) -> Action:
    _check_problem(visit, problem)
    if not data.what.strip():
        raise PlanError(_("Say what the action is."))
    _check_owner(visit, data.owner)
    result = guard([data.what], override_reason)
    with transaction.atomic():
        order = Action.objects.filter(problem=problem).count()
        action = Action.objects.create(
            problem=problem, order=order, created_by=request.user, **data.fields()
        )
        _audit(request, visit, problem, result, override_reason, item="action", created=True)
    return action


def edit_action(
    request: OrgRequest,
    visit: Visit,
    action: Action,
    data: ActionData,
    version: int,
    *,
    override_reason: str = "",
) -> Action:
    problem = _problem_of(visit, action.problem_id)
    if not data.what.strip():
        raise PlanError(_("Say what the action is."))
    _check_owner(visit, data.owner, current=action.owner_id)
    result = guard([data.what], override_reason)
    with transaction.atomic():
        _save_versioned(action, version, **data.fields())
        _audit(
            request,
            visit,
            problem,
            result,
            override_reason,
            item="action",
            action_id=action.pk,
            version=action.version,
        )
    return action


def change_status(
    request: OrgRequest,
    action: Action,
    *,
    status: str,
    reason: str,
    progress_note: str,
    version: int,
    override_reason: str = "",
) -> bool:
    """Sets the action's status (and, for "not possible now", the reason the participants
    are told) and its progress note. Returns whether the action has just become finished
    (done or not possible now): then the group is owed feedback."""
    if status not in S.values:
        raise PlanError(_("Choose a status."))
    reason, progress_note = _clean(reason), _clean(progress_note)
    if status == S.NOT_POSSIBLE and not reason:
        raise PlanError(reason_required_message())
    if status != S.NOT_POSSIBLE:
        reason = ""  # only "not possible now" carries a reason
    result = guard([reason, progress_note], override_reason)
    previous = action.status
    finished_now = status in Action.FINISHED and status != previous
    fields: dict[str, Any] = {"status": status, "reason": reason, "progress_note": progress_note}
    if status in Action.FINISHED:
        if status != previous or action.finished_at is None:
            fields["finished_at"] = timezone.now()
    else:
        fields["finished_at"] = None
    with transaction.atomic():
        _save_versioned(action, version, **fields)
        visit = action.problem.visit
        if result.has_warnings:
            record_override(request, result, override_reason, target=visit, action_id=action.pk)
        if status != previous:
            record(
                request,
                A.ACTION_STATUS_CHANGED,
                target=visit,
                action_id=action.pk,
                problem=action.problem.number,
                before=previous,
                after=status,
            )
        else:
            record(
                request,
                A.PLAN_ITEM_CHANGED,
                target=visit,
                problem=action.problem.number,
                item="progress",
                action_id=action.pk,
            )
    return finished_now


# --- Helpers ----------------------------------------------------------------------------


def _save_versioned(record: Measure | Action, version: int, **fields: Any) -> None:
    """One conditional UPDATE: saves ``fields`` if ``version`` is the stored one, else
    changes nothing and refuses (409). ``record`` is reloaded."""
    updated = (
        type(record)
        .objects.filter(pk=record.pk, version=version)
        .update(version=F("version") + 1, updated_at=timezone.now(), **fields)
    )
    if not updated:
        raise PlanError(stale_message(), status=409)
    record.refresh_from_db()


def _check_problem(visit: Visit, problem: Problem) -> None:
    if problem.visit_id != visit.pk:
        raise PlanError(_("That problem does not belong to this visit."))
    if not visit.is_conducted:
        raise PlanError(_("The action plan is made after the visit has been conducted."))


def _problem_of(visit: Visit, problem_pk: int) -> Problem:
    problem = Problem.objects.filter(visit=visit, pk=problem_pk).first()
    if problem is None:
        raise PlanError(_("That problem does not belong to this visit."))
    return problem


def _audit(
    request: OrgRequest,
    visit: Visit,
    problem: Problem,
    result: GuardResult,
    override_reason: str,
    **data: Any,
) -> None:
    if result.has_warnings:
        record_override(request, result, override_reason, target=visit, problem=problem.number)
    record(request, A.PLAN_ITEM_CHANGED, target=visit, problem=problem.number, **data)
