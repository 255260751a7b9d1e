"""A measure's page (run chart, SPC view, the data, entry, phases, CSV import) and an
action's PDSA cycles.

Readers: followup.view_plans. Writers (``services.may_enter`` / ``may_edit_pdsa``):
the leadership, the visit's unit leader and the owners of the problem's actions; others
get 403 on a write. Another organisation's measure, point or action is 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from visitt.followup.plans import Action, Measure
from visitt.organisations.access import OrgRequest, org_view

from . import series, services
from .forms import CycleForm, ImportForm, PhaseForm, PointForm
from .imports import import_points
from .models import MeasurePhase, MeasurePoint, PdsaCycle

GET_OR_POST = ["GET", "HEAD", "POST"]
VIEW = "followup.view_plans"


# --- Lookups --------------------------------------------------------------------------------


def _measure(request: OrgRequest, measure_pk: int) -> Measure:
    return get_object_or_404(
        Measure.objects.select_related("problem__visit__unit").filter(
            problem__visit__organisation=request.organisation
        ),
        pk=measure_pk,
    )


def _point(request: OrgRequest, measure: Measure, point_pk: int) -> MeasurePoint:
    point = get_object_or_404(MeasurePoint.objects.filter(measure=measure), pk=point_pk)
    point.measure = measure
    return point


def _action(request: OrgRequest, action_pk: int) -> Action:
    return get_object_or_404(
        Action.objects.select_related("problem__visit__unit", "owner").filter(
            problem__visit__organisation=request.organisation
        ),
        pk=action_pk,
    )


def _cycle(action: Action, cycle_pk: int) -> PdsaCycle:
    cycle = get_object_or_404(PdsaCycle.objects.filter(action=action), pk=cycle_pk)
    cycle.action = action
    return cycle


def _require_enter(request: OrgRequest, measure: Measure) -> None:
    if not services.may_enter(request, measure):
        raise PermissionDenied(
            _("Only the leadership, the unit leader and the action owners enter data.")
        )


def _require_pdsa(request: OrgRequest, action: Action) -> None:
    if not services.may_edit_pdsa(request, action):
        raise PermissionDenied(
            _("Only the leadership, the unit leader and the action's owner change its PDSA cycles.")
        )


def measure_url(measure: Measure, anchor: str = "") -> str:
    url = reverse("measure_detail", args=[measure.pk])
    return f"{url}#{anchor}" if anchor else url


def _refused(form: Any, error: services.ImprovementError) -> int:
    return form.refuse(error)


# --- The measure's page ---------------------------------------------------------------------


def _page(
    request: OrgRequest,
    measure: Measure,
    *,
    point_form: PointForm | None = None,
    phase_form: PhaseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    points = list(MeasurePoint.objects.filter(measure=measure).order_by("period"))
    phases = list(MeasurePhase.objects.filter(measure=measure).order_by("start"))
    actions = list(Action.objects.filter(problem_id=measure.problem_id).order_by("order", "pk"))
    cycles = list(
        PdsaCycle.objects.filter(action__problem_id=measure.problem_id).order_by("start_date")
    )
    for point in points:
        point.measure = measure
    chart = series.build(measure, points, phases, actions, cycles)
    can_enter = services.may_enter(request, measure)
    rows = [(point, series.periods.label(point.period, measure.frequency)) for point in points]
    return render(
        request,
        "improvement/measure_detail.html",
        {
            "measure": measure,
            "visit": measure.problem.visit,
            "problem": measure.problem,
            "chart": chart,
            "rows": rows,
            "phases": phases,
            "has_fractions": any(point.has_fraction for point in points),
            "can_enter": can_enter,
            "point_form": point_form or PointForm(),
            "phase_form": phase_form or PhaseForm(),
            "period_hint": series.periods.hint(measure.frequency),
        },
        status=status,
    )


@org_view(VIEW)
@require_http_methods(GET_OR_POST)
def measure_detail(request: OrgRequest, measure_pk: int) -> HttpResponse:
    """The page; a POST adds a data point."""
    measure = _measure(request, measure_pk)
    if request.method != "POST":
        return _page(request, measure)
    _require_enter(request, measure)
    form = PointForm(request.POST)
    if not form.is_valid():
        return _page(request, measure, point_form=form, status=400)
    try:
        point = services.add_point(
            request, measure, form.data_for_service(), override_reason=form.override_reason()
        )
    except services.ImprovementError as error:
        return _page(request, measure, point_form=form, status=_refused(form, error))
    messages.success(
        request,
        _("The value for %(period)s is saved.")
        % {"period": series.periods.label(point.period, measure.frequency)},
    )
    return redirect(measure_url(measure, "data"))


@org_view(VIEW)
@require_http_methods(GET_OR_POST)
def measure_point_edit(request: OrgRequest, measure_pk: int, point_pk: int) -> HttpResponse:
    measure = _measure(request, measure_pk)
    point = _point(request, measure, point_pk)
    _require_enter(request, measure)
    status = 200
    if request.method == "POST":
        form = PointForm(request.POST)
        if form.is_valid():
            try:
                services.edit_point(
                    request,
                    point,
                    form.data_for_service(),
                    form.cleaned_data["version"] or 0,
                    override_reason=form.override_reason(),
                )
            except services.ImprovementError as error:
                status = _refused(form, error)
            else:
                messages.success(request, _("The value is saved."))
                return redirect(measure_url(measure, "data"))
        else:
            status = 400
    else:
        form = PointForm(initial=PointForm.initial_for(point))
    return render(
        request,
        "improvement/point_form.html",
        {
            "measure": measure,
            "point": point,
            "label": series.periods.label(point.period, measure.frequency),
            "form": form,
        },
        status=status,
    )


@org_view(VIEW)
@require_POST
def measure_point_delete(request: OrgRequest, measure_pk: int, point_pk: int) -> HttpResponse:
    measure = _measure(request, measure_pk)
    point = _point(request, measure, point_pk)
    _require_enter(request, measure)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.delete_point(request, point, version)
    except services.ImprovementError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("measure_point", measure_pk=measure.pk, point_pk=point.pk)
    messages.success(request, _("The value is deleted."))
    return redirect(measure_url(measure, "data"))


@org_view(VIEW)
@require_POST
def measure_phase(request: OrgRequest, measure_pk: int) -> HttpResponse:
    measure = _measure(request, measure_pk)
    _require_enter(request, measure)
    form = PhaseForm(request.POST)
    if not form.is_valid():
        return _page(request, measure, phase_form=form, status=400)
    data = form.cleaned_data
    try:
        services.start_phase(
            request,
            measure,
            start=data["start"],
            label=data["label"],
            baseline_points=data["baseline_points"],
            override_reason=form.override_reason(),
        )
    except services.ImprovementError as error:
        return _page(request, measure, phase_form=form, status=_refused(form, error))
    messages.success(request, _("The phase is saved."))
    return redirect(measure_url(measure, "phases"))


@org_view(VIEW)
@require_POST
def measure_phase_remove(request: OrgRequest, measure_pk: int, phase_pk: int) -> HttpResponse:
    measure = _measure(request, measure_pk)
    phase = get_object_or_404(MeasurePhase.objects.filter(measure=measure), pk=phase_pk)
    phase.measure = measure
    _require_enter(request, measure)
    services.remove_phase(request, phase)
    messages.success(request, _("The phase is removed."))
    return redirect(measure_url(measure, "phases"))


@org_view(VIEW)
@require_http_methods(GET_OR_POST)
def measure_import(request: OrgRequest, measure_pk: int) -> HttpResponse:
    measure = _measure(request, measure_pk)
    _require_enter(request, measure)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = import_points(request, measure, form.cleaned_data["file"].read())
        if result.ok:
            messages.success(
                request,
                _("%(count)d values are imported (%(created)d new, %(updated)d replaced).")
                % {"count": result.saved, "created": result.created, "updated": result.updated},
            )
            if result.ignored_columns:
                messages.info(
                    request,
                    _("These columns were not imported: %(columns)s.")
                    % {"columns": ", ".join(result.ignored_columns)},
                )
            return redirect(measure_url(measure, "data"))
    status = 400 if form.errors or (result and not result.ok) else 200
    return render(
        request,
        "improvement/measure_import.html",
        {
            "measure": measure,
            "form": form,
            "result": result,
            "period_hint": series.periods.hint(measure.frequency),
        },
        status=status,
    )


# --- PDSA -----------------------------------------------------------------------------------


@org_view(VIEW)
@require_http_methods(GET_OR_POST)
def action_pdsa(request: OrgRequest, action_pk: int) -> HttpResponse:
    """An action's PDSA cycles; a POST adds one."""
    action = _action(request, action_pk)
    can_edit = services.may_edit_pdsa(request, action)
    status = 200
    form = CycleForm()
    if request.method == "POST":
        _require_pdsa(request, action)
        form = CycleForm(request.POST)
        if form.is_valid():
            try:
                services.add_cycle(
                    request, action, form.data_for_service(), override_reason=form.override_reason()
                )
            except services.ImprovementError as error:
                status = _refused(form, error)
            else:
                messages.success(request, _("The PDSA cycle is added."))
                return redirect("action_pdsa", action_pk=action.pk)
        else:
            status = 400
    cycles = list(PdsaCycle.objects.filter(action=action).order_by("start_date", "pk"))
    measures = list(Measure.objects.filter(problem_id=action.problem_id))
    return render(
        request,
        "improvement/action_pdsa.html",
        {
            "action": action,
            "visit": action.problem.visit,
            "cycles": cycles,
            "measures": measures,
            "form": form,
            "can_edit": can_edit,
        },
        status=status,
    )


@org_view(VIEW)
@require_http_methods(GET_OR_POST)
def pdsa_edit(request: OrgRequest, action_pk: int, cycle_pk: int) -> HttpResponse:
    action = _action(request, action_pk)
    cycle = _cycle(action, cycle_pk)
    _require_pdsa(request, action)
    status = 200
    if request.method == "POST":
        form = CycleForm(request.POST)
        if form.is_valid():
            try:
                services.edit_cycle(
                    request,
                    cycle,
                    form.data_for_service(),
                    form.cleaned_data["version"] or 0,
                    override_reason=form.override_reason(),
                )
            except services.ImprovementError as error:
                status = _refused(form, error)
            else:
                messages.success(request, _("The PDSA cycle is saved."))
                return redirect("action_pdsa", action_pk=action.pk)
        else:
            status = 400
    else:
        form = CycleForm(initial=CycleForm.initial_for(cycle))
    return render(
        request,
        "improvement/pdsa_form.html",
        {"action": action, "cycle": cycle, "form": form},
        status=status,
    )


@org_view(VIEW)
@require_POST
def pdsa_delete(request: OrgRequest, action_pk: int, cycle_pk: int) -> HttpResponse:
    action = _action(request, action_pk)
    cycle = _cycle(action, cycle_pk)
    _require_pdsa(request, action)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.delete_cycle(request, cycle, version)
    except services.ImprovementError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("pdsa_edit", action_pk=action.pk, cycle_pk=cycle.pk)
    messages.success(request, _("The PDSA cycle is deleted."))
    return redirect("action_pdsa", action_pk=action.pk)
