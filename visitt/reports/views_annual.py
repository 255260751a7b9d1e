"""The annual summary (årlig oppsummering): the list of years, the page with the top
leader's learning points and the leadership group's review, the PDF and the Word file.

The leadership reads (reports.view_learning); the top leader writes and records the
review (reports.edit_annual_summary). Only years with an annual plan or visits exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from visitt.organisations.access import OrgRequest, org_view

from . import documents_annual as documents
from . import services_annual as services
from .annual import AnnualSummary
from .forms_annual import DecisionForm, LearningPointsForm, ReviewForm
from .tasks_annual import lay_out_annual_pdf

VIEW = "reports.view_learning"
EDIT = "reports.edit_annual_summary"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _summary(request: OrgRequest, year: int) -> AnnualSummary:
    """The year's summary, unsaved until someone writes to it; 404 for a year without an
    annual plan, visits or a summary (at most three queries)."""
    org = request.organisation
    summary = AnnualSummary.objects.filter(organisation=org, year=year).first()
    if summary is not None:
        return summary
    if not services.has_data(org, year):
        raise Http404(_("There is nothing to sum up for this year."))
    return AnnualSummary(organisation=org, year=year)


def _lay_out_pdf(organisation_id: int, year: int) -> None:
    transaction.on_commit(lambda: lay_out_annual_pdf.enqueue(organisation_id, year))


def _may_edit(request: OrgRequest) -> bool:
    return request.user.has_perm(EDIT, request.organisation)


def _require_edit(request: OrgRequest) -> None:
    if not _may_edit(request):
        raise PermissionDenied(_("Only the top leader may change the annual summary."))


@org_view(VIEW)
@require_GET
def annual_summaries(request: OrgRequest) -> HttpResponse:
    org = request.organisation
    years = services.years_with_data(org)
    summaries = {s.year: s for s in AnnualSummary.objects.filter(organisation=org)}
    this_year = timezone.localdate().year
    all_years = sorted({*years, *summaries}, reverse=True)
    rows = [(year, summaries.get(year)) for year in all_years]
    shortcuts = [year for year in (this_year, this_year - 1) if year in all_years]
    return render(
        request,
        "reports/annual_list.html",
        {"rows": rows, "shortcuts": shortcuts, "this_year": this_year},
    )


def _page(
    request: OrgRequest,
    summary: AnnualSummary,
    *,
    learning_form: LearningPointsForm | None = None,
    review_form: ReviewForm | None = None,
    decision_form: DecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_edit = _may_edit(request) and not summary.is_locked
    org = request.organisation
    computing = not summary.is_locked and not services.figures_are_kept(org, summary.year)
    doc = documents.build(summary)
    if computing:
        # The figures were computed now: the worker lays out the PDF with them before
        # anyone asks for it.
        _lay_out_pdf(org.pk, summary.year)
    context: dict[str, Any] = {
        "summary": summary,
        "doc": doc,
        "can_edit": can_edit,
    }
    if can_edit:
        context["learning_form"] = learning_form or LearningPointsForm(
            initial={"learning_points": summary.learning_points, "version": summary.version},
            prefix="learning",
        )
        context["review_form"] = review_form or ReviewForm(
            initial={"version": summary.version, "reviewed_on": timezone.localdate()},
            prefix="review",
        )
        context["decision_form"] = decision_form or DecisionForm(prefix="decision")
    return render(request, "reports/annual.html", context, status=status)


def _refused(
    request: OrgRequest,
    summary: AnnualSummary,
    form: LearningPointsForm | ReviewForm | DecisionForm,
    error: services.AnnualSummaryError,
    kind: str,
) -> HttpResponse:
    """The page again with the service's refusal: on the form, or as a message when the
    summary is locked (then there is no form to show it on)."""
    if summary.pk is not None:
        summary.refresh_from_db()
    if summary.is_locked:
        for text in error.messages:
            messages.error(request, text)
        return _page(request, summary, status=error.status)
    status = form.refuse(error)
    forms: dict[str, Any] = {f"{kind}_form": form}
    return _page(request, summary, status=status, **forms)


@org_view(VIEW)
@require_http_methods(["GET", "POST"])
def annual_summary(request: OrgRequest, year: int) -> HttpResponse:
    """The page; a POST saves the learning points."""
    summary = _summary(request, year)
    if request.method != "POST":
        return _page(request, summary)
    _require_edit(request)
    form = LearningPointsForm(request.POST, prefix="learning")
    if not form.is_valid():
        return _page(request, summary, learning_form=form, status=400)
    if summary.pk is None:
        summary = services.get_or_start(request.organisation, year, request.user)
    try:
        services.save_learning_points(
            summary,
            form.cleaned_data["learning_points"],
            form.cleaned_data["version"],
            request.user,
            override_reason=form.override_reason(),
            request=request,
        )
    except services.AnnualSummaryError as error:
        return _refused(request, summary, form, error, "learning")
    messages.success(request, _("The learning points are saved."))
    return redirect("annual_summary", year=year)


@org_view(VIEW)
@require_POST
def annual_summary_recompute(request: OrgRequest, year: int) -> HttpResponse:
    """Computes a draft's figures again from the data as it is now (the page keeps them
    for a few minutes); a reviewed summary keeps the figures it was reviewed with."""
    summary = _summary(request, year)
    if summary.is_locked:
        messages.error(request, services.locked_message())
    else:
        services.forget_figures(request.organisation, year)
        messages.success(request, _("The figures are computed again from the data as it is now."))
    return redirect("annual_summary", year=year)


@org_view(VIEW)
@require_POST
def annual_summary_review(request: OrgRequest, year: int) -> HttpResponse:
    summary = _summary(request, year)
    _require_edit(request)
    form = ReviewForm(request.POST, prefix="review")
    if not form.is_valid():
        return _page(request, summary, review_form=form, status=400)
    if summary.pk is None:
        summary = services.get_or_start(request.organisation, year, request.user)
    try:
        services.record_review(
            summary,
            form.cleaned_data["reviewed_on"],
            form.cleaned_data["reviewed_in"],
            request.user,
            decisions=form.decisions(),
            version=form.cleaned_data["version"],
            override_reason=form.override_reason(),
            request=request,
        )
    except services.AnnualSummaryError as error:
        return _refused(request, summary, form, error, "review")
    _lay_out_pdf(request.organisation.pk, year)  # the locked summary's PDF, once
    messages.success(
        request, _("The review is recorded. The annual summary is now locked with its figures.")
    )
    return redirect("annual_summary", year=year)


@org_view(VIEW)
@require_POST
def annual_summary_decision(request: OrgRequest, year: int) -> HttpResponse:
    summary = _summary(request, year)
    _require_edit(request)
    form = DecisionForm(request.POST, prefix="decision")
    if not form.is_valid():
        return _page(request, summary, decision_form=form, status=400)
    if summary.pk is None:
        summary = services.get_or_start(request.organisation, year, request.user)
    data = form.data_for_service()
    try:
        services.add_decision(
            summary,
            data.text,
            data.responsible,
            data.due_date,
            request.user,
            override_reason=form.override_reason(),
            request=request,
        )
    except services.AnnualSummaryError as error:
        return _refused(request, summary, form, error, "decision")
    messages.success(request, _("The decision is recorded."))
    return redirect("annual_summary", year=year)


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    patch_cache_control(response, private=True, no_store=True)
    return response


@org_view(VIEW)
@require_GET
def annual_summary_pdf(request: OrgRequest, year: int) -> HttpResponse:
    document = documents.build_for_files(_summary(request, year))
    return _download(
        documents.annual_pdf(document), f"{document.filename_stem}.pdf", "application/pdf"
    )


@org_view(VIEW)
@require_GET
def annual_summary_docx(request: OrgRequest, year: int) -> HttpResponse:
    document = documents.build_for_files(_summary(request, year))
    return _download(documents.annual_docx(document), f"{document.filename_stem}.docx", DOCX)
