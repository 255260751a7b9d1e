"""The action plan per problem (Vedlegg 3) and "Mine tiltak".

The leadership (followup.edit_plans) edits the plan; unit leaders and action owners
(followup.view_plans) read it. An action's owner updates its status and progress on
Mine tiltak (followup.own_actions), and only for their own actions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from visitt.core.http import refuse_unless_read
from visitt.organisations.access import OrgRequest, get_in_organisation, org_view
from visitt.planning.models import Visit
from visitt.walkround.problems import Problem

from . import documents_plans as documents
from . import services_plans as services
from .forms_plans import ActionForm, ActionStatusForm, AimForm, MeasureForm
from .plans import Action, Measure

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FINISHED_PAGE_SIZE = 20
GET_OR_POST = ["GET", "HEAD", "POST"]


# --- Lookups ----------------------------------------------------------------------------


def _visit(request: OrgRequest, visit_pk: int) -> Visit:
    """The visit in the current organisation, or 404."""
    return get_in_organisation(
        request, Visit.objects.with_team().select_related("organisation"), pk=visit_pk
    )


def _problem(request: OrgRequest, visit: Visit, problem_pk: int) -> Problem:
    # A problem belongs to the visit, which was looked up in the current organisation.
    return get_object_or_404(
        Problem.objects.filter(visit=visit, visit__organisation=request.organisation),
        pk=problem_pk,
    )


def _measure(request: OrgRequest, visit: Visit, measure_pk: int) -> Measure:
    return get_object_or_404(
        Measure.objects.select_related("problem").filter(
            problem__visit=visit, problem__visit__organisation=request.organisation
        ),
        pk=measure_pk,
    )


def _action(request: OrgRequest, visit: Visit, action_pk: int) -> Action:
    return get_object_or_404(
        Action.objects.select_related("problem", "owner").filter(
            problem__visit=visit, problem__visit__organisation=request.organisation
        ),
        pk=action_pk,
    )


def plan_url(visit: Visit, anchor: str = "") -> str:
    url = reverse("action_plan", args=[visit.pk])
    return f"{url}#{anchor}" if anchor else url


# --- The plan ---------------------------------------------------------------------------


@dataclass
class ActionRow:
    action: Action
    feedback_url: str | None = None
    is_overdue: bool = False
    is_due_soon: bool = False
    form: ActionStatusForm | None = None


@dataclass
class ProblemRow:
    problem: Problem
    aim: Any
    measures: list[Measure]
    actions: list[ActionRow]


def _rows(problems: list[Problem]) -> list[ProblemRow]:
    rows = []
    for problem in problems:
        actions = []
        for action in problem.actions.all():
            url = services.feedback_url(action) if action.status in Action.FINISHED else None
            actions.append(ActionRow(action, feedback_url=url))
        rows.append(
            ProblemRow(problem, services.aim_of(problem), list(problem.measures.all()), actions)
        )
    return rows


@org_view("followup.view_plans")
def action_plan(request: OrgRequest, visit_pk: int) -> HttpResponse:
    visit = _visit(request, visit_pk)
    if refused := refuse_unless_read(request):
        return refused
    problems = services.plan_of(visit) if visit.is_conducted else []
    return render(
        request,
        "followup/plan.html",
        {
            "visit": visit,
            "rows": _rows(problems),
            "can_edit": request.user.has_perm("followup.edit_plans", request.organisation),
        },
    )


def _form_page(
    request: OrgRequest,
    form: Any,
    save: Callable[[Any], object],
    *,
    saved: str,
    done_url: str,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """A plan form's page: on a valid POST, ``save(form)`` through the services; a
    refusal (stale version, the guard) shows on the form with its status."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                save(form)
            except services.PlanError as error:
                status = form.refuse(error)
            else:
                messages.success(request, saved)
                return redirect(done_url)
        else:
            status = 400
    return render(request, template, {**context, "form": form}, status=status)


def _version(form: Any) -> int:
    version = form.cleaned_data["version"]
    if version is None:
        raise services.PlanError(_("The form is missing its version. Reload the page."))
    return int(version)


@org_view("followup.edit_plans")
@require_http_methods(GET_OR_POST)
def plan_aim_edit(request: OrgRequest, visit_pk: int, problem_pk: int) -> HttpResponse:
    visit = _visit(request, visit_pk)
    problem = _problem(request, visit, problem_pk)
    posted = request.method == "POST"
    form = (
        AimForm(request.POST)
        if posted
        else AimForm(initial=AimForm.initial_for(services.aim_of(problem)))
    )

    def save(form: AimForm) -> object:
        data = form.cleaned_data
        return services.save_aim(
            request,
            visit,
            problem,
            text=data["text"],
            target=data["target"],
            version=data["version"],
            override_reason=form.override_reason(),
        )

    return _form_page(
        request,
        form,
        save,
        saved=_("The aim is saved."),
        done_url=plan_url(visit, f"problem-{problem.number}"),
        template="followup/plan_aim_form.html",
        context={"visit": visit, "problem": problem},
    )


@org_view("followup.edit_plans")
@require_http_methods(GET_OR_POST)
def plan_measure_add(request: OrgRequest, visit_pk: int, problem_pk: int) -> HttpResponse:
    visit = _visit(request, visit_pk)
    problem = _problem(request, visit, problem_pk)
    form = MeasureForm(request.POST if request.method == "POST" else None)
    return _form_page(
        request,
        form,
        lambda form: services.add_measure(
            request, visit, problem, form.data_for_service(), override_reason=form.override_reason()
        ),
        saved=_("The measure is added."),
        done_url=plan_url(visit, f"problem-{problem.number}"),
        template="followup/plan_measure_form.html",
        context={"visit": visit, "problem": problem, "measure": None},
    )


@org_view("followup.edit_plans")
@require_http_methods(GET_OR_POST)
def plan_measure_edit(request: OrgRequest, visit_pk: int, measure_pk: int) -> HttpResponse:
    visit = _visit(request, visit_pk)
    measure = _measure(request, visit, measure_pk)
    if request.method == "POST":
        form = MeasureForm(request.POST)
    else:
        form = MeasureForm(initial=MeasureForm.initial_for(measure))
    return _form_page(
        request,
        form,
        lambda form: services.edit_measure(
            request,
            visit,
            measure,
            form.data_for_service(),
            _version(form),
            override_reason=form.override_reason(),
        ),
        saved=_("The measure is saved."),
        done_url=plan_url(visit, f"problem-{measure.problem.number}"),
        template="followup/plan_measure_form.html",
        context={"visit": visit, "problem": measure.problem, "measure": measure},
    )


@org_view("followup.edit_plans")
@require_POST
def plan_measure_remove(request: OrgRequest, visit_pk: int, measure_pk: int) -> HttpResponse:
    visit = _visit(request, visit_pk)
    measure = _measure(request, visit, measure_pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.remove_measure(request, visit, measure, version)
    except services.PlanError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("action_plan_measure", visit_pk=visit.pk, measure_pk=measure.pk)
    messages.success(request, _("The measure is removed."))
    return redirect(plan_url(visit, f"problem-{measure.problem.number}"))


@org_view("followup.edit_plans")
@require_http_methods(GET_OR_POST)
def plan_action_add(request: OrgRequest, visit_pk: int, problem_pk: int) -> HttpResponse:
    visit = _visit(request, visit_pk)
    problem = _problem(request, visit, problem_pk)
    owners = services.possible_owners(request.organisation)
    form = ActionForm(request.POST if request.method == "POST" else None, owners=owners)
    return _form_page(
        request,
        form,
        lambda form: services.add_action(
            request, visit, problem, form.data_for_service(), override_reason=form.override_reason()
        ),
        saved=_("The action is added."),
        done_url=plan_url(visit, f"problem-{problem.number}"),
        template="followup/action_form.html",
        context={"visit": visit, "problem": problem, "action": None},
    )


@org_view("followup.edit_plans")
@require_http_methods(GET_OR_POST)
def plan_action_edit(request: OrgRequest, visit_pk: int, action_pk: int) -> HttpResponse:
    visit = _visit(request, visit_pk)
    action = _action(request, visit, action_pk)
    owners = services.possible_owners(request.organisation, keep=action.owner_id)
    if request.method == "POST":
        form = ActionForm(request.POST, owners=owners)
    else:
        form = ActionForm(initial=ActionForm.initial_for(action), owners=owners)
    return _form_page(
        request,
        form,
        lambda form: services.edit_action(
            request,
            visit,
            action,
            form.data_for_service(),
            _version(form),
            override_reason=form.override_reason(),
        ),
        saved=_("The action is saved."),
        done_url=plan_url(visit, f"action-{action.pk}"),
        template="followup/action_form.html",
        context={"visit": visit, "problem": action.problem, "action": action},
    )


# --- Status -----------------------------------------------------------------------------


def _status_saved(
    request: OrgRequest, action: Action, finished_now: bool, back: str
) -> HttpResponse:
    """After a status change: a finished action owes the group feedback. A leader goes
    straight to writing it (once that page exists); others are told."""
    if not finished_now:
        messages.success(request, _("The action is updated."))
        return redirect(back)
    if request.user.has_perm("followup.edit_plans", request.organisation):
        messages.warning(
            request,
            _(
                "The action is updated. Feedback to the conversation group is owed: tell them "
                "the action is done, or why it is not possible now."
            ),
        )
        return redirect(services.feedback_url(action) or back)
    messages.success(
        request,
        _(
            "The action is updated. The leadership owes the conversation group feedback on "
            "it, and can see that on the action plan."
        ),
    )
    return redirect(back)


def _status_form(
    request: OrgRequest, action: Action, *, back: str, template_context: dict[str, Any]
) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = ActionStatusForm(request.POST, prefix=f"a{action.pk}")
        if form.is_valid():
            data = form.cleaned_data
            try:
                finished_now = services.change_status(
                    request,
                    action,
                    status=data["status"],
                    reason=data["reason"],
                    progress_note=data["progress_note"],
                    version=data["version"],
                    override_reason=form.override_reason(),
                )
            except services.PlanError as error:
                status = form.refuse(error)
            else:
                return _status_saved(request, action, finished_now, back)
        else:
            status = 400
    else:
        form = ActionStatusForm(
            initial=ActionStatusForm.initial_for(action), prefix=f"a{action.pk}"
        )
    return render(
        request,
        "followup/action_status_form.html",
        {"action": action, "form": form, "back": back, **template_context},
        status=status,
    )


@org_view("followup.edit_plans")
@require_http_methods(GET_OR_POST)
def plan_action_status(request: OrgRequest, visit_pk: int, action_pk: int) -> HttpResponse:
    visit = _visit(request, visit_pk)
    action = _action(request, visit, action_pk)
    return _status_form(
        request,
        action,
        back=plan_url(visit, f"action-{action.pk}"),
        template_context={"visit": visit},
    )


# --- Mine tiltak ------------------------------------------------------------------------


def _my_actions(request: OrgRequest):
    return (
        Action.objects.in_organisation(request.organisation)
        .owned_by(request.user)
        .select_related("problem__visit__unit")
    )


@org_view("followup.own_actions")
@require_GET
def my_actions(request: OrgRequest) -> HttpResponse:
    today = timezone.localdate()
    soon = today + timedelta(days=services.DUE_SOON_DAYS)
    open_actions = []
    for action in _my_actions(request).open().order_by("due_date", "problem__visit__date", "pk"):
        overdue = action.is_overdue_on(today)
        due_soon = not overdue and action.due_date is not None and action.due_date <= soon
        form = ActionStatusForm(
            initial=ActionStatusForm.initial_for(action), prefix=f"a{action.pk}"
        )
        open_actions.append(ActionRow(action, is_overdue=overdue, is_due_soon=due_soon, form=form))
    # Undated actions last.
    open_actions.sort(key=lambda row: row.action.due_date is None)
    finished = (
        _my_actions(request).filter(status__in=Action.FINISHED).order_by("-finished_at", "-pk")
    )
    page = Paginator(finished, FINISHED_PAGE_SIZE).get_page(request.GET.get("side"))
    return render(
        request,
        "followup/my_actions.html",
        {
            "open_actions": open_actions,
            "overdue": sum(1 for row in open_actions if row.is_overdue),
            "page": page,
            "today": today,
        },
    )


@org_view("followup.own_actions")
@require_http_methods(GET_OR_POST)
def my_action_update(request: OrgRequest, action_pk: int) -> HttpResponse:
    # Only the signed-in person's own action in this organisation: another's is 404.
    action = get_object_or_404(
        _my_actions(request).select_related("owner", "problem__visit__organisation"),
        pk=action_pk,
    )
    return _status_form(
        request,
        action,
        back=f"{reverse('my_actions')}#action-{action.pk}",
        template_context={"visit": action.problem.visit, "own": True},
    )


# --- Printing and downloading -------------------------------------------------------------


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    # Names of people: never kept by a shared cache.
    patch_cache_control(response, private=True, no_store=True)
    return response


@org_view("followup.view_plans")
def action_plan_pdf(request: OrgRequest, visit_pk: int) -> HttpResponse:
    visit = _visit(request, visit_pk)
    if refused := refuse_unless_read(request):
        return refused
    plan = documents.build_plan(visit)
    return _download(documents.plan_pdf(plan), f"{plan.filename_stem}.pdf", "application/pdf")


@org_view("followup.view_plans")
def action_plan_docx(request: OrgRequest, visit_pk: int) -> HttpResponse:
    visit = _visit(request, visit_pk)
    if refused := refuse_unless_read(request):
        return refused
    plan = documents.build_plan(visit)
    return _download(documents.plan_docx(plan), f"{plan.filename_stem}.docx", DOCX)
