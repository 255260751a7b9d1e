"""The follow-up visit's page: every action of the walkround it follows up, and per
problem, was it implemented and did it lead to improvement. The visit's leadership team
and the top leaders answer; others who read the action plans may read the answers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from visitt.organisations.access import OrgRequest, get_in_organisation, org_view
from visitt.planning.models import Visit

from . import services_review as services
from .forms_review import ReviewForm
from .services_feedback import can_lead


def _follow_up_visit(request: OrgRequest, visit_pk: int) -> Visit:
    """The follow-up visit of the current organisation (else 404)."""
    visit = get_in_organisation(
        request,
        Visit.objects.select_related("organisation", "unit", "parent__unit"),
        pk=visit_pk,
    )
    if visit.kind != Visit.Kind.FOLLOW_UP or visit.parent is None:
        raise Http404(_("This is not a follow-up visit."))
    return visit


@org_view("followup.view_plans")
@require_http_methods(["GET", "HEAD", "POST"])
def follow_up_review(request: OrgRequest, visit_pk: int) -> HttpResponse:
    visit = get_in_organisation(
        request,
        Visit.objects.select_related("organisation", "unit", "parent__unit"),
        pk=visit_pk,
    )
    if visit.kind == Visit.Kind.MAIN:
        # From the walkround: to its follow-up visit, if there is one.
        follow_up = visit.follow_ups.order_by("pk").first()
        if follow_up is None:
            raise Http404(_("This visit has no follow-up visit yet."))
        return redirect("follow_up_review", visit_pk=follow_up.pk)
    if visit.parent is None:
        raise Http404(_("This is not a follow-up visit."))
    can_edit = can_lead(request.user, visit, request.roles)
    data = services.overview(visit)
    forms_by_problem = {
        item.problem.pk: ReviewForm(
            initial=ReviewForm.initial_for(item.review),
            prefix=ReviewForm.prefix_for(item.problem),
        )
        for item in data.items
    }
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(
                _("Only the visit's leadership team and the top leaders record the follow-up.")
            )
        item = next(
            (i for i in data.items if str(i.problem.pk) == request.POST.get("problem")), None
        )
        if item is None:
            raise Http404(_("That problem is not followed up by this visit."))
        form = ReviewForm(request.POST, prefix=ReviewForm.prefix_for(item.problem))
        forms_by_problem[item.problem.pk] = form
        if form.is_valid():
            try:
                services.save_review(
                    request,
                    visit,
                    item.problem,
                    implemented=form.cleaned_data["implemented"],
                    improved=form.cleaned_data["improved"],
                    comment=form.cleaned_data["comment"],
                    version=form.cleaned_data["version"],
                    override_reason=form.override_reason(),
                )
            except services.ReviewError as error:
                status = form.refuse(error)
            else:
                messages.success(
                    request,
                    _("The follow-up of problem %(number)d is saved.")
                    % {"number": item.problem.number},
                )
                return redirect(
                    f"{request.path}#{ReviewForm.prefix_for(item.problem)}"  # same page
                )
        else:
            status = 400
    rows = [(item, forms_by_problem[item.problem.pk]) for item in data.items]
    return render(
        request,
        "followup/review.html",
        {
            "visit": visit,
            "parent": data.parent,
            "rows": rows,
            "can_edit": can_edit,
            "all_answered": data.all_answered,
        },
        status=status,
    )


@org_view("followup.edit_plans")
@require_POST
def follow_up_complete(request: OrgRequest, visit_pk: int) -> HttpResponse:
    visit = _follow_up_visit(request, visit_pk)
    if not can_lead(request.user, visit, request.roles):
        raise PermissionDenied(
            _("Only the visit's leadership team and the top leaders record the follow-up.")
        )
    try:
        notes = services.complete(request, visit)
    except services.ReviewError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("follow_up_review", visit_pk=visit.pk)
    messages.success(request, _("The follow-up visit is completed."))
    for note in notes:
        messages.warning(request, note)
    return redirect("follow_up_review", visit_pk=visit.pk)
