"""Feedback to the conversation group when an action is finished, the list of what is
owed, the printed letters for those without e-mail, and closing a visit's cycle.

The leadership speaks to the group: a top leader, or a leadership member on the visit's
team. Unit leaders and action owners read the plans but do not send feedback."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from visitt.organisations.access import OrgRequest, get_in_organisation, org_view
from visitt.planning import documents
from visitt.planning.models import Visit
from visitt.planning.visits import VisitTransitionError

from . import services_feedback as services
from .feedback import Feedback
from .forms_feedback import FeedbackForm
from .plans import Action
from .tasks_feedback import letter_context

OWED_PAGE_SIZE = 25


def _action_for_leaders(request: OrgRequest, action_pk: int) -> Action:
    """The action, if it belongs to the current organisation (else 404) and this person
    leads its visit (else 403)."""
    action = get_object_or_404(
        Action.objects.in_organisation(request.organisation).select_related(
            "problem__visit__organisation", "problem__visit__unit", "owner"
        ),
        pk=action_pk,
    )
    if not services.can_lead(request.user, action.problem.visit, request.roles):
        raise PermissionDenied(
            _("Only the visit's leadership team and the top leaders send feedback to the group.")
        )
    return action


@org_view("followup.edit_plans")
@require_http_methods(["GET", "HEAD", "POST"])
def action_feedback(request: OrgRequest, action_pk: int) -> HttpResponse:
    action = _action_for_leaders(request, action_pk)
    visit = action.problem.visit
    sent = list(Feedback.objects.filter(action=action).select_related("sent_by"))
    current = next((f for f in sent if f.about_status == action.status), None)
    finished = action.status in Action.FINISHED
    form = None
    status = 200
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if not finished:
            form.add_error(
                None, _("Feedback is sent when an action is done, or when it is not possible now.")
            )
            status = 400
        elif form.is_valid():
            try:
                services.send_feedback(
                    request,
                    action,
                    about_status=form.cleaned_data["about_status"],
                    message=form.cleaned_data["message"],
                    override_reason=form.override_reason(),
                )
            except services.AlreadySent as already:
                messages.info(
                    request,
                    _("This feedback was already sent on %(when)s. Nothing was sent again.")
                    % {"when": formats.date_format(already.feedback.sent_at, "DATETIME_FORMAT")},
                )
                return redirect("action_feedback", action_pk=action.pk)
            except services.FeedbackError as error:
                status = form.refuse(error)
            else:
                messages.success(request, _("The feedback is on its way to the group."))
                return redirect("action_feedback", action_pk=action.pk)
        else:
            status = 400
    elif finished and current is None:
        form = FeedbackForm(
            initial={
                "message": services.suggested_message(action, visit.organisation.language),
                "about_status": action.status,
            }
        )
    group = services.recipients(visit)
    return render(
        request,
        "followup/feedback_form.html",
        {
            "action": action,
            "problem": action.problem,
            "visit": visit,
            "form": form,
            "finished": finished,
            "current": current,
            "sent": sent,
            "group": group,
        },
        status=status,
    )


@org_view("followup.edit_plans")
@require_http_methods(["GET", "HEAD"])
def feedback_owed(request: OrgRequest) -> HttpResponse:
    """What the group has not yet been told, across the organisation, oldest first, a
    page at a time (two queries: the count and the page)."""
    page = Paginator(services.feedback_owed(request.organisation), OWED_PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    rows = [
        {
            "action": action,
            "can_send": services.can_lead(request.user, action.problem.visit, request.roles),
        }
        for action in page
    ]
    return render(
        request,
        "followup/feedback_owed.html",
        {"rows": rows, "page": page, "total": page.paginator.count},
    )


def _feedback_in_organisation(request: OrgRequest, feedback_pk: int) -> Feedback:
    queryset: QuerySet[Feedback] = Feedback.objects.filter(
        action__problem__visit__organisation=request.organisation
    ).select_related(
        "action__problem__visit__organisation", "action__problem__visit__unit", "sent_by"
    )
    feedback = get_object_or_404(queryset, pk=feedback_pk)
    if not services.can_lead(request.user, feedback.action.problem.visit, request.roles):
        raise PermissionDenied(
            _("Only the visit's leadership team and the top leaders send feedback to the group.")
        )
    return feedback


@org_view("followup.edit_plans")
def feedback_letters_pdf(request: OrgRequest, feedback_pk: int) -> HttpResponse:
    """One A4 letter per participant without e-mail, for the contact person to hand out
    (a single letter "to the conversation group" if everyone has an address)."""
    # The feedback first: another organisation's is 404 whatever the method.
    feedback = _feedback_in_organisation(request, feedback_pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    context = letter_context(feedback)
    visit, organisation = context["visit"], context["organisation"]
    names = [p.name for p in services.recipients(visit).without_email] or [""]
    with translation.override(organisation.language):
        subject = _("What came of the walkround at %(unit)s") % {"unit": visit.unit.name}
        html = render_to_string(
            "followup/feedback_letter.html",
            {
                **context,
                "names": names,
                "letter": {"language": organisation.language, "subject": subject},
                "logo_url": "",
                "fonts_url": documents.FONTS_DIR.as_uri(),
            },
        )
    pdf = documents.html_to_pdf(html)
    response = HttpResponse(pdf, content_type="application/pdf")
    stem = slugify(f"tilbakemelding {visit.unit.name} {visit.date:%Y-%m-%d}")
    response["Content-Disposition"] = f'attachment; filename="{stem}.pdf"'
    return response


@org_view("followup.edit_plans")
@require_POST
def visit_close(request: OrgRequest, visit_pk: int) -> HttpResponse:
    visit = get_in_organisation(request, Visit.objects.select_related("organisation"), pk=visit_pk)
    if not services.can_lead(request.user, visit, request.roles):
        raise PermissionDenied(_("Only the visit's leadership team and the top leaders close it."))
    try:
        services.close_visit(request, visit)
    except VisitTransitionError as error:
        messages.error(
            request, _("The visit cannot be closed yet. %(missing)s") % {"missing": error}
        )
    else:
        messages.success(request, _("The visit is closed. The cycle is complete."))
    return redirect(f"{reverse('visit_detail', args=[visit.pk])}#follow-up")
