"""The learning library ("Læringsbibliotek"): the entries, newest first and filterable
by problem category; an entry with what was done, the run charts of its measures, the
advice and the action's PDSA cycles; and, for the leaders, the candidates with a
one-click "Publiser", editing and withdrawing.

Readers: every member (improvement.view_library), so that other units reuse what worked.
Publishers (improvement.publish_library): the top leader and the coordinator; others
get 403 on a write. Another organisation's entry or action is 404."""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from visitt.followup.plans import Action, Measure
from visitt.organisations.access import OrgRequest, org_view

from . import charts, series
from . import services_library as services
from .forms_library import CategoryFilterForm, EntryForm
from .library import LibraryEntry
from .models import MeasurePhase, MeasurePoint, PdsaCycle

GET_OR_POST = ["GET", "HEAD", "POST"]
VIEW = "improvement.view_library"
PUBLISH = "improvement.publish_library"
PAGE_SIZE = 20


def _entries(request: OrgRequest) -> QuerySet[LibraryEntry]:
    return LibraryEntry.objects.filter(organisation=request.organisation).select_related(
        "action__problem__visit__unit", "action__problem__category", "published_by"
    )


def _entry(request: OrgRequest, entry_pk: int) -> LibraryEntry:
    entry = get_object_or_404(_entries(request), pk=entry_pk)
    entry.organisation = request.organisation
    return entry


def _categories(request: OrgRequest) -> list[tuple[int, str, int]]:
    """The categories that have entries, with their counts (one query)."""
    rows = (
        LibraryEntry.objects.filter(
            organisation=request.organisation, action__problem__category__isnull=False
        )
        .values("action__problem__category", "action__problem__category__name")
        .annotate(count=Count("pk"))
        .order_by("action__problem__category__order", "action__problem__category__name")
    )
    return [
        (row["action__problem__category"], row["action__problem__category__name"], row["count"])
        for row in rows
    ]


@org_view(VIEW)
def library(request: OrgRequest) -> HttpResponse:
    """The entries, newest first; for the leaders also the candidates to publish."""
    categories = _categories(request)
    form = CategoryFilterForm(request.GET or None, categories=categories)
    category = form.category()
    entries = _entries(request).order_by("-published_at", "-pk")
    if category is not None:
        entries = entries.filter(action__problem__category_id=category)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("side"))
    can_publish = request.user.has_perm(PUBLISH, request.organisation)
    return render(
        request,
        "improvement/library.html",
        {
            "form": form,
            "page": page,
            "entries": page.object_list,
            "category": category,
            "has_categories": bool(categories),
            "query": urlencode({"kategori": category}) if category is not None else "",
            "can_publish": can_publish,
            "candidates": services.candidates(request.organisation) if can_publish else [],
            "candidates_shown": services.CANDIDATES_SHOWN,
        },
    )


@org_view(VIEW)
def library_entry(request: OrgRequest, entry_pk: int) -> HttpResponse:
    """The entry, with the run chart of each of its problem's measures and the PDSA
    cycles of its action. A fixed number of queries, however much data."""
    entry = _entry(request, entry_pk)
    action = entry.action
    problem = action.problem
    measures = list(Measure.objects.filter(problem=problem).order_by("order", "pk"))
    points: dict[int, list[MeasurePoint]] = defaultdict(list)
    phases: dict[int, list[MeasurePhase]] = defaultdict(list)
    actions: list[Action] = []
    cycles: list[PdsaCycle] = []
    if measures:
        ids = [measure.pk for measure in measures]
        for point in MeasurePoint.objects.filter(measure_id__in=ids).order_by("period"):
            points[point.measure_id].append(point)
        for phase in MeasurePhase.objects.filter(measure_id__in=ids).order_by("start"):
            phases[phase.measure_id].append(phase)
        actions = list(Action.objects.filter(problem=problem).order_by("order", "pk"))
    cycles = list(PdsaCycle.objects.filter(action__problem=problem).order_by("start_date", "pk"))
    built = [
        series.build(measure, points[measure.pk], phases[measure.pk], actions, cycles)
        for measure in measures
    ]
    return render(
        request,
        "improvement/library_entry.html",
        {
            "entry": entry,
            "action": action,
            "problem": problem,
            "visit": problem.visit,
            "measures": [
                (measure, chart, _rows(chart))
                for measure, chart in zip(measures, built, strict=True)
            ],
            "cycles": [cycle for cycle in cycles if cycle.action_id == action.pk],
            "can_publish": request.user.has_perm(PUBLISH, request.organisation),
        },
    )


def _rows(chart: series.MeasureChart) -> list[tuple[str, str | None]]:
    """The chart's data for the table beside it: period and value (None: missing)."""
    return [
        (label, None if value is None else charts.format_number(value))
        for label, value in zip(chart.labels, chart.values, strict=True)
    ]


@org_view(PUBLISH)
@require_POST
def library_publish(request: OrgRequest, action_pk: int) -> HttpResponse:
    """One click: the action becomes an entry, from its own words and its run charts."""
    action = get_object_or_404(
        Action.objects.select_related("problem__visit__organisation").filter(
            problem__visit__organisation=request.organisation
        ),
        pk=action_pk,
    )
    try:
        entry, created = services.publish(action, request.user, request=request)
    except services.LibraryError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("library")
    if created:
        messages.success(
            request,
            _(
                "The action is published to the learning library. Add advice to other "
                "units, and check that the text says nothing about a person."
            ),
        )
    else:
        messages.info(request, _("The action is already in the learning library."))
    return redirect("library_entry", entry_pk=entry.pk)


@org_view(PUBLISH)
@require_http_methods(GET_OR_POST)
def library_entry_edit(request: OrgRequest, entry_pk: int) -> HttpResponse:
    entry = _entry(request, entry_pk)
    status = 200
    if request.method == "POST":
        form = EntryForm(request.POST)
        if form.is_valid():
            try:
                services.update(
                    entry,
                    form.data_for_service(),
                    form.cleaned_data["version"] or 0,
                    request.user,
                    override_reason=form.override_reason(),
                    request=request,
                )
            except services.LibraryError as error:
                status = form.refuse(error)
            else:
                messages.success(request, _("The entry is saved."))
                return redirect("library_entry", entry_pk=entry.pk)
        else:
            status = 400
    else:
        form = EntryForm(initial=EntryForm.initial_for(entry))
    return render(
        request,
        "improvement/library_form.html",
        {"entry": entry, "form": form},
        status=status,
    )


@org_view(PUBLISH)
@require_POST
def library_entry_withdraw(request: OrgRequest, entry_pk: int) -> HttpResponse:
    entry = _entry(request, entry_pk)
    services.withdraw(entry, request.user, request=request)
    messages.success(
        request,
        _("The entry is withdrawn from the learning library. The action and its data are kept."),
    )
    return redirect("library")
