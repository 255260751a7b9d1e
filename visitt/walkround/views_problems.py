"""Up to three problems per visit, and the leadership group's debrief right after it.

Both are confidential to the visit's leadership team and the organisation's top leaders
(can_read_notes); every read is audited like a read of the notes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from visitt.audit.models import AuditEvent
from visitt.audit.services import record
from visitt.organisations.access import OrgRequest, get_in_organisation, org_view
from visitt.planning.models import Visit

from . import services_problems as services
from .access import can_read_notes
from .forms_problems import DebriefForm, ProblemForm
from .problems import MAX_PROBLEMS, Problem

A = AuditEvent.Action


def _visit_for_leaders(request: OrgRequest, visit_pk: int) -> Visit:
    """The visit, if this person is on its leadership team or a top leader: another
    organisation's visit is 404, a member outside the team 403."""
    visit = get_in_organisation(
        request, Visit.objects.with_team().select_related("organisation", "unit"), pk=visit_pk
    )
    if not can_read_notes(request.user, visit, request.roles):
        raise PermissionDenied(
            _("Only the visit's leadership team and the top leaders can see the problems.")
        )
    return visit


def _matrix(problems: list[Problem]) -> list[dict[str, Any]]:
    """The value/effort matrix, high value first, easy first: rows of cells."""
    rows = []
    for value, value_label in (
        (Problem.Value.HIGH, _("High value")),
        (Problem.Value.LOW, _("Lower value")),
    ):
        cells = [
            [p for p in problems if p.value == value and p.effort == effort]
            for effort in (Problem.Effort.EASY, Problem.Effort.HARD)
        ]
        rows.append({"label": value_label, "cells": cells})
    return rows


def _render_list(
    request: OrgRequest, visit: Visit, *, form: ProblemForm | None = None, status: int = 200
) -> HttpResponse:
    problems = services.problems_of(visit)
    can_add = len(problems) < MAX_PROBLEMS
    if form is None and can_add:
        form = ProblemForm(categories=services.categories_for(visit), prefix="new")
    record(request, A.NOTES_READ, target=visit, problems=True)
    return render(
        request,
        "walkround/problem_list.html",
        {
            "visit": visit,
            "problems": problems,
            "form": form,
            "can_add": can_add,
            "max_problems": MAX_PROBLEMS,
            "matrix": _matrix(problems),
            "unplaced": [p for p in problems if not (p.value and p.effort)],
        },
        status=status,
    )


@org_view("walkround.view_notes")
def visit_problems(request: OrgRequest, visit_pk: int) -> HttpResponse:
    # The visit first: another organisation's is 404 whatever the method.
    visit = _visit_for_leaders(request, visit_pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return _render_list(request, visit)


@org_view("walkround.edit_notes")
@require_POST
def visit_problem_add(request: OrgRequest, visit_pk: int) -> HttpResponse:
    visit = _visit_for_leaders(request, visit_pk)
    form = ProblemForm(request.POST, categories=services.categories_for(visit), prefix="new")
    if not form.is_valid():
        return _render_list(request, visit, form=form, status=400)
    try:
        problem = services.add_problem(
            request, visit, form.data_for_service(), override_reason=form.override_reason()
        )
    except services.ProblemError as error:
        return _render_list(request, visit, form=form, status=form.refuse(error))
    messages.success(
        request,
        _("Problem %(number)d is saved: %(title)s")
        % {"number": problem.number, "title": problem.title},
    )
    return redirect(f"{reverse('visit_problems', args=[visit.pk])}#problem-{problem.number}")


@org_view("walkround.edit_notes")
@require_http_methods(["GET", "HEAD", "POST"])
def visit_problem_edit(request: OrgRequest, visit_pk: int, problem_pk: int) -> HttpResponse:
    visit = _visit_for_leaders(request, visit_pk)
    problem = get_object_or_404(
        Problem.objects.filter(visit=visit, organisation=request.organisation), pk=problem_pk
    )
    categories = services.categories_for(visit, keep=problem.category_id)
    status = 200
    if request.method == "POST":
        form = ProblemForm(request.POST, categories=categories)
        if form.is_valid():
            version = form.cleaned_data["version"]
            try:
                if version is None:
                    raise services.ProblemError(
                        _("The form is missing its version. Reload the page.")
                    )
                services.edit_problem(
                    request,
                    visit,
                    problem,
                    form.data_for_service(),
                    version,
                    override_reason=form.override_reason(),
                )
            except services.ProblemError as error:
                status = form.refuse(error)
            else:
                messages.success(request, _("The problem is saved."))
                return redirect(
                    f"{reverse('visit_problems', args=[visit.pk])}#problem-{problem.number}"
                )
        else:
            status = 400
    else:
        form = ProblemForm(initial=ProblemForm.initial_for(problem), categories=categories)
        record(request, A.NOTES_READ, target=visit, problem=problem.number)
    return render(
        request,
        "walkround/problem_edit.html",
        {"visit": visit, "problem": problem, "form": form},
        status=status,
    )


# --- Debrief -----------------------------------------------------------------------------


@org_view("walkround.edit_notes")
@require_http_methods(["GET", "HEAD", "POST"])
def visit_debrief(request: OrgRequest, visit_pk: int) -> HttpResponse:
    visit = _visit_for_leaders(request, visit_pk)
    problems = services.problems_of(visit)
    debrief = services.debrief_of(visit)
    status = 200
    if request.method == "POST":
        form = DebriefForm(request.POST, problems=problems)
        if form.is_valid():
            try:
                services.save_debrief(
                    request,
                    visit,
                    version=form.cleaned_data["version"],
                    went_well=form.cleaned_data["went_well"],
                    could_be_better=form.cleaned_data["could_be_better"],
                    levels=form.levels(),
                    override_reason=form.override_reason(),
                )
            except services.ProblemError as error:
                status = form.refuse(error)
            else:
                messages.success(request, _("The debrief is saved."))
                return redirect("visit_debrief", visit_pk=visit.pk)
        else:
            status = 400
    else:
        form = DebriefForm(
            initial={
                "went_well": debrief.went_well if debrief else "",
                "could_be_better": debrief.could_be_better if debrief else "",
                "version": debrief.version if debrief else 0,
            },
            problems=problems,
        )
        record(request, A.NOTES_READ, target=visit, debrief=True)
    return render(
        request,
        "walkround/debrief_form.html",
        {"visit": visit, "form": form, "problems": problems, "debrief": debrief},
        status=status,
    )
