"""The annual plan: the year view (list and calendar), the plan and its goals, scheduling
many visits at once, and the year as PDF and spreadsheet."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from visitt.audit.models import AuditEvent
from visitt.audit.services import record
from visitt.core.workdays import is_public_holiday
from visitt.organisations.access import OrgRequest, org_view
from visitt.organisations.models import Role, Unit

from . import exports
from .forms_plan import GoalFormSet, PlanForm, ProposalRowFormSet, ScheduleForm
from .goals import unreached
from .plan import AnnualPlan, PlanGoal, StalePlanError, default_goals, year_overview
from .scheduling import (
    SchedulingError,
    create_scheduled_visits,
    propose_dates,
    team_busy_times,
)
from .services import default_visit_leader
from .visits import Visit

A = AuditEvent.Action

# Step 1's fields, carried through step 2 as hidden inputs.
SCHEDULE_FIELDS = (
    "units",
    "months",
    "start_time",
    "visit_leader",
    "coordinator",
    "secretary",
    "medical_advisor",
)
# Years the pages answer for; outside them a year is a typo, not a plan.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404


def _year_nav(year: int) -> dict[str, Any]:
    return {
        "year": year,
        "previous_year": year - 1 if year > FIRST_YEAR else None,
        "next_year": year + 1 if year < LAST_YEAR else None,
        "this_year": timezone.localdate().year,
    }


def _get_plan(request: OrgRequest, year: int) -> AnnualPlan | None:
    return AnnualPlan.objects.for_organisation(request.organisation).filter(year=year).first()


@org_view("planning.view_visits")
def plan_current(request: OrgRequest) -> HttpResponse:
    return redirect("plan_year", year=timezone.localdate().year)


# --- The year view --------------------------------------------------------------------------


@org_view("planning.view_visits")
def plan_year(request: OrgRequest, year: int) -> HttpResponse:
    """The plan, its goals and every visit of the year by month (a fixed number of queries)."""
    _check_year(year)
    overview = year_overview(request.organisation, year)
    return render(
        request,
        "planning/plan_year.html",
        {
            "overview": overview,
            "can_manage": request.user.has_perm("planning.manage_plan", request.organisation),
            **_year_nav(year),
        },
    )


@org_view("planning.view_visits")
def plan_calendar(request: OrgRequest, year: int) -> HttpResponse:
    """Twelve month calendars, weeks from Monday, with ISO week numbers and holidays."""
    _check_year(year)
    overview = year_overview(request.organisation, year)
    by_day: dict[date, list] = {}
    for visit in overview.visits:
        by_day.setdefault(visit.date, []).append(visit)
    today = timezone.localdate()
    weeks_of = calendar.Calendar(firstweekday=calendar.MONDAY)
    months = []
    for month in range(1, 13):
        weeks = []
        for week in weeks_of.monthdatescalendar(year, month):
            weeks.append(
                {
                    "number": week[0].isocalendar().week,
                    "days": [
                        {
                            "date": day,
                            "in_month": day.month == month,
                            "is_weekend": day.weekday() >= 5,
                            "is_holiday": is_public_holiday(day),
                            "is_today": day == today,
                            "visits": by_day.get(day, []) if day.month == month else [],
                        }
                        for day in week
                    ],
                }
            )
        months.append(
            {
                "first": date(year, month, 1),
                "weeks": weeks,
                "count": sum(len(v) for d, v in by_day.items() if d.month == month),
            }
        )
    weekdays = [date(2024, 1, 1) + timedelta(days=offset) for offset in range(7)]  # a Monday
    return render(
        request,
        "planning/plan_calendar.html",
        {"overview": overview, "months": months, "weekdays": weekdays, **_year_nav(year)},
    )


# --- The plan and its goals ---------------------------------------------------------------


@org_view("planning.manage_plan")
@require_http_methods(["GET", "POST"])
def plan_edit(request: OrgRequest, year: int) -> HttpResponse:
    """Creates or changes the year's plan and its goals, refusing a stale save."""
    _check_year(year)
    organisation = request.organisation
    plan = _get_plan(request, year)
    is_new = plan is None
    instance = plan or AnnualPlan(organisation=organisation, year=year)
    data = request.POST if request.method == "POST" else None
    form = PlanForm(data, instance=instance, organisation=organisation)
    if is_new and data is None:
        leader = default_visit_leader(organisation, year)
        form.initial["owner"] = leader.pk if leader else None
        # A new plan starts from the default goals, offered as ordinary rows: only what is
        # posted back is saved, so they can be changed or removed first.
        initial = [
            {"text": g.text, "measure": g.measure, "target": g.target}
            for g in default_goals(organisation.language)
        ]
        goals = GoalFormSet(instance=instance, prefix="goals", initial=initial)
        goals.extra = len(initial) + 1
    else:
        goals = GoalFormSet(data, instance=instance, prefix="goals")

    status = 200
    if data is not None:
        if form.is_valid() and goals.is_valid():
            try:
                _save_plan(request, form, goals, is_new)
            except StalePlanError:
                form.add_error(
                    None,
                    _(
                        "Someone else saved this plan after you opened it. Your changes are not "
                        "saved: open the plan again to see the current version."
                    ),
                )
                status = 409
            else:
                messages.success(
                    request, _("The annual plan for %(year)d is saved.") % {"year": year}
                )
                return redirect("plan_year", year=year)
        else:
            status = 400
    return render(
        request,
        "planning/plan_edit.html",
        {
            "form": form,
            "goals": goals,
            "plan": plan,
            "has_top_leader": form.fields["owner"].queryset.exists(),  # type: ignore[attr-defined]
            **_year_nav(year),
        },
        status=status,
    )


def _save_plan(request: OrgRequest, form: PlanForm, goals: Any, is_new: bool) -> None:
    """Saves the plan and its goals in one transaction; raises StalePlanError."""
    plan = form.instance
    try:
        with transaction.atomic():
            if is_new:
                plan.save()
                # Visits registered for the year before its plan existed belong to it too.
                Visit.objects.for_organisation(plan.organisation).in_year(plan.year).filter(
                    plan=None
                ).update(plan=plan)
            else:
                plan.save_checked(form.cleaned_data["version"], ["owner", "notes"])
            goals.instance = plan
            goals.save()
            # Keep the goals in the order they stand on the form.
            kept = [
                f.instance
                for f in goals.forms
                if f.instance.pk is not None and f not in goals.deleted_forms
            ]
            for order, goal in enumerate(kept):
                goal.order = order
            PlanGoal.objects.bulk_update(kept, ["order"])
            summary = {
                "goals_added": len(goals.new_objects),
                "goals_changed": len(goals.changed_objects),
                "goals_deleted": len(goals.deleted_objects),
            }
            if is_new:
                record(request, A.PLAN_CREATED, target=plan, year=plan.year, **summary)
            else:
                record(request, A.PLAN_CHANGED, target=plan, fields=form.changed_data, **summary)
    except IntegrityError as error:
        # Two people creating the same year's plan at once: the second save is stale.
        raise StalePlanError from error


# --- Scheduling many visits at once ---------------------------------------------------------


def _units_not_yet_planned(organisation: Any, with_visit: set[int]) -> list[int]:
    """The units to visit that no visit this year reaches (as the year view lists them)."""
    units = list(Unit.objects.for_organisation(organisation).active().only("pk", "parent_id"))
    return [unit.pk for unit in unreached(units, with_visit)]


@org_view("planning.manage_plan")
@require_http_methods(["GET", "POST"])
def plan_schedule(request: OrgRequest, year: int) -> HttpResponse:
    """Plans many visits at once, in two steps.

    1. GET, or POST "propose": choose units, months, a start time and the team; Visitt
       proposes a date for each unit (scheduling.propose_dates).
    2. POST "save": the coordinator's adjusted rows are checked again, and the visits are
       saved all together or not at all. POST "change" goes back to step 1.
    """
    _check_year(year)
    organisation = request.organisation
    plan = _get_plan(request, year)
    context: dict[str, Any] = {"plan": plan, **_year_nav(year)}
    if plan is None:
        # The visits belong to the year's plan, so the plan comes first.
        status = 400 if request.method == "POST" else 200
        return render(request, "planning/plan_schedule.html", context, status=status)
    # The year's visit per unit, to show which units already have one (one query).
    context["existing"] = {
        visit.unit_id: visit
        for visit in Visit.objects.for_organisation(organisation).in_year(year).order_by("date")
    }

    if request.method == "GET":
        form = ScheduleForm(
            organisation=organisation,
            existing=context["existing"],
            initial={
                "visit_leader": plan.owner_id,
                "coordinator": request.user.pk if Role.COORDINATOR in request.roles else None,
                "units": _units_not_yet_planned(organisation, set(context["existing"])),
            },
        )
        return render(request, "planning/plan_schedule.html", {**context, "form": form})

    action = request.POST.get("action", "propose")
    form = ScheduleForm(request.POST, organisation=organisation, existing=context["existing"])
    if action == "change" or not form.is_valid():
        status = 200 if action == "change" else 400
        return render(
            request, "planning/plan_schedule.html", {**context, "form": form}, status=status
        )
    chosen = form.cleaned_data["units"]
    today = timezone.localdate()

    if action == "save":
        rows, visits = _save_schedule(request, plan, form, today)
        if visits is None:
            return _render_proposal(request, context, form, rows, status=400)
        messages.success(
            request,
            ngettext("%(count)d visit is planned.", "%(count)d visits are planned.", len(visits))
            % {"count": len(visits)},
        )
        return redirect("plan_year", year=year)

    busy = team_busy_times(organisation, year, form.team())
    try:
        proposals = propose_dates(
            list(chosen),
            form.cleaned_data["months"],
            year,
            form.cleaned_data["start_time"],
            busy,
            not_before=today + timedelta(days=1),
        )
    except SchedulingError as error:
        form.add_error(None, str(error))
        return render(request, "planning/plan_schedule.html", {**context, "form": form}, status=400)
    rows = ProposalRowFormSet(
        prefix="rows",
        units=chosen,
        year=year,
        busy=busy,
        not_before=today,
        initial=[
            {"unit": p.unit.pk, "date": p.date, "start_time": p.start_time} for p in proposals
        ],
    )
    return _render_proposal(request, context, form, rows, status=200)


def _save_schedule(
    request: OrgRequest, plan: AnnualPlan, form: ScheduleForm, today: date
) -> tuple[Any, list[Visit] | None]:
    """Checks the posted rows and saves them all, or none (then the visits are None)."""
    team = form.team()
    with transaction.atomic():
        # One scheduling round at a time per plan: a double submit waits here, then
        # finds the first round's visits among the team's busy times and is refused.
        AnnualPlan.objects.select_for_update().get(pk=plan.pk)
        rows = ProposalRowFormSet(
            request.POST,
            prefix="rows",
            units=form.cleaned_data["units"],
            year=plan.year,
            busy=team_busy_times(request.organisation, plan.year, team),
            not_before=today,
        )
        if not rows.is_valid():
            return rows, None
        visits = create_scheduled_visits(
            plan=plan, rows=rows.proposals(), team=team, created_by=request.user
        )
        record(
            request,
            A.VISITS_SCHEDULED,
            target=plan,
            count=len(visits),
            visits=[visit.pk for visit in visits],
        )
    return rows, visits


def _render_proposal(
    request: OrgRequest, context: dict[str, Any], form: ScheduleForm, rows: Any, *, status: int
) -> HttpResponse:
    """Step 2: the proposal as an editable table, with step 1's answers carried along."""
    units = {str(unit.pk): unit for unit in form.cleaned_data["units"]}
    lines = []
    for row in rows.forms:
        if row.is_bound:
            day = row.cleaned_data.get("date") if hasattr(row, "cleaned_data") else None
        else:
            day = row.initial.get("date")
        if row.errors:
            for name in ("date", "start_time"):
                row.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"{row.prefix}-problems"}
                )
        lines.append({"form": row, "unit": units.get(str(row["unit"].value())), "day": day})
    carried = [(name, value) for name in SCHEDULE_FIELDS for value in request.POST.getlist(name)]
    return render(
        request,
        "planning/plan_schedule_proposal.html",
        {**context, "form": form, "rows": rows, "lines": lines, "carried": carried},
        status=status,
    )


# --- Files ----------------------------------------------------------------------------------


@org_view("planning.view_visits")
def plan_export_pdf(request: OrgRequest, year: int) -> HttpResponse:
    _check_year(year)
    overview = year_overview(request.organisation, year)
    response = HttpResponse(exports.year_pdf(request, overview), content_type=exports.PDF_TYPE)
    response["Content-Disposition"] = f'attachment; filename="arsplan-{year}.pdf"'
    return response


@org_view("planning.view_visits")
def plan_export_xlsx(request: OrgRequest, year: int) -> HttpResponse:
    _check_year(year)
    overview = year_overview(request.organisation, year)
    response = HttpResponse(exports.year_xlsx(overview), content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="arsplan-{year}.xlsx"'
    return response
