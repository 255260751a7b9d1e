"""Preparation material: incident counts, the visit's preparation page, and the public
page where the unit's staff send examples before the visit."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from visitt.audit.models import AuditEvent
from visitt.audit.services import record
from visitt.core.personal_data import record_override
from visitt.organisations.access import OrgRequest, get_in_organisation, org_view, public_view

from .forms_preparation import IncidentFilterForm, IncidentForm, IncidentImportForm, StaffInputForm
from .incidents import import_incidents, incident_table, known_categories, record_count
from .preparation import (
    STAFF_INPUT_LIMIT,
    IncidentCount,
    StaffInput,
    StaffInputClosed,
    StaffInputLimitReached,
    accepts_staff_input,
    staff_input_qr_svg,
    staff_input_url,
)
from .visits import Visit

A = AuditEvent.Action
PAGE_SIZE = 50


# --- Incident counts ---------------------------------------------------------------


@org_view("planning.view_preparation")
def incident_list(request: OrgRequest) -> HttpResponse:
    """Counts per unit, month, category and severity, newest month first, 50 a page
    (a fixed number of queries)."""
    org = request.organisation
    form = IncidentFilterForm(request.GET or None, organisation=org)
    counts = (
        IncidentCount.objects.for_organisation(org)
        .select_related("unit")
        .order_by("-period", "unit__name", "category", "severity", "pk")
    )
    if form.is_bound and form.is_valid():
        if form.cleaned_data["enhet"]:
            counts = counts.filter(unit=form.cleaned_data["enhet"])
    elif form.is_bound:
        counts = counts.none()  # a filter that cannot be understood shows nothing
    page = Paginator(counts, PAGE_SIZE).get_page(request.GET.get("side"))
    query = request.GET.copy()
    query.pop("side", None)
    return render(
        request,
        "planning/incident_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_manage": request.user.has_perm("planning.manage_visits", org),
        },
        status=400 if form.errors else 200,
    )


@org_view("planning.manage_visits")
@require_http_methods(["GET", "POST"])
def incident_create(request: OrgRequest) -> HttpResponse:
    org = request.organisation
    form = IncidentForm(request.POST or None, organisation=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        count, created = record_count(
            org,
            unit=data["unit"],
            period=data["month"],
            category=data["category"],
            severity=data["severity"],
            count=data["count"],
            by=request.user,
        )
        record(
            request,
            A.INCIDENTS_CHANGED,
            target=count,
            unit=count.unit_id,
            period=count.period.isoformat(),
            category=count.category,
            severity=count.severity,
            count=count.count,
            created=created,
        )
        if created:
            messages.success(request, _("The count is recorded."))
        else:
            messages.success(request, _("The count replaces the one recorded before."))
        return redirect(f"{reverse('incident_list')}?enhet={count.unit_id}")
    return render(
        request,
        "planning/incident_form.html",
        {"form": form, "categories": sorted(set(known_categories(org).values()), key=str.lower)},
        status=400 if form.errors else 200,
    )


@org_view("planning.manage_visits")
@require_http_methods(["GET", "POST"])
def incident_import(request: OrgRequest) -> HttpResponse:
    form = IncidentImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = import_incidents(
            request.organisation, form.cleaned_data["file"].read(), by=request.user
        )
        if result.ok:
            record(
                request,
                A.INCIDENTS_CHANGED,
                imported=result.saved,
                created=result.created,
                updated=result.updated,
            )
            messages.success(
                request,
                _("%(count)d counts are imported (%(created)d new, %(updated)d replaced).")
                % {"count": result.saved, "created": result.created, "updated": result.updated},
            )
            if result.ignored_columns:
                messages.info(
                    request,
                    _("These columns were not imported: %(columns)s.")
                    % {"columns": ", ".join(result.ignored_columns)},
                )
            return redirect("incident_list")
    status = 400 if form.errors or (result and not result.ok) else 200
    return render(
        request, "planning/incident_import.html", {"form": form, "result": result}, status=status
    )


# --- The visit's preparation page ----------------------------------------------------


@org_view("planning.view_preparation")
def visit_preparation(request: OrgRequest, visit_pk: int) -> HttpResponse:
    """The unit's incident counts and the staff's examples. Confidential: every read is
    audited."""
    visit = get_in_organisation(
        request, Visit.objects.with_team().select_related("organisation"), pk=visit_pk
    )
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    table = incident_table(visit)
    examples = list(visit.staff_inputs.all())
    record(request, A.PREPARATION_READ, target=visit, examples=len(examples))
    return render(
        request,
        "planning/preparation_detail.html",
        {
            "visit": visit,
            "table": table,
            "examples": examples,
            "staff_input_url": staff_input_url(visit),
            "accepts_input": accepts_staff_input(visit),
            "can_manage": request.user.has_perm("planning.manage_visits", request.organisation),
        },
    )


@org_view("planning.view_visits")
def visit_staff_input_qr(request: OrgRequest, visit_pk: int) -> HttpResponse:
    """The QR code for the poster: the absolute address of the staff's page, as SVG."""
    visit = get_in_organisation(request, Visit, pk=visit_pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    response = HttpResponse(staff_input_qr_svg(visit), content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="innspill-{visit.pk}.svg"'
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- The staff's examples (public, anonymous) -----------------------------------------


def _speak_the_organisations_language(request: HttpRequest, visit: Visit) -> None:
    """Staff without an account see the organisation's language form, unless they chose one."""
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        translation.activate(visit.organisation.language)
        request.LANGUAGE_CODE = translation.get_language()


@public_view
@require_http_methods(["GET", "POST"])
def staff_input(request: HttpRequest, token: str) -> HttpResponse:
    """Anyone at the unit sends an example of an adverse event or near miss, anonymously.

    Nothing that identifies the sender is stored: no account, no IP address, no user
    agent. The audit trail only counts that an example came in (record() without the
    request), so it holds nothing about who sent it either.
    """
    visit = (
        Visit.objects.select_related("unit", "organisation").filter(staff_input_token=token).first()
    )
    if visit is None:
        return render(request, "planning/staff_input_invalid.html", status=404)
    _speak_the_organisations_language(request, visit)
    context: dict = {"visit": visit, "sent": request.GET.get("sendt") == "1"}
    if not accepts_staff_input(visit):
        context["closed"] = True
        return render(
            request,
            "planning/staff_input.html",
            context,
            status=410 if request.method == "POST" else 200,
        )
    form = StaffInputForm(request.POST or None)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        try:
            StaffInput.receive(visit, form.cleaned_data["text"])
        except StaffInputClosed:
            context["closed"] = True
            return render(request, "planning/staff_input.html", context, status=410)
        except StaffInputLimitReached:
            context["full"] = True
            context["limit"] = STAFF_INPUT_LIMIT
            return render(request, "planning/staff_input.html", context, status=429)
        # No request: the event must not carry the sender's IP address or browser.
        record(
            None,
            A.STAFF_INPUT_RECEIVED,
            target=visit,
            organisation=visit.organisation,
            actor=None,
        )
        if form.overridden:
            record_override(
                None,
                form.guard,
                "anonymous sender chose to send anyway",
                target=visit,
                organisation=visit.organisation,
                actor=None,
            )
        return redirect(f"{reverse('staff_input', args=[token])}?sendt=1")
    return render(request, "planning/staff_input.html", context, status=400 if form.errors else 200)
