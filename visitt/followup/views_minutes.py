"""The minutes page: the draft, its review, the two signatures, versions, the PDF and
sending it to the participants. For the visit's leadership team and the top leaders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from visitt.core.http import refuse_unless_read
from visitt.organisations.access import OrgRequest, get_in_organisation, org_view
from visitt.planning.documents import blocks
from visitt.planning.models import Visit

from . import services_minutes as services
from .documents_minutes import minutes_pdf as render_pdf
from .documents_minutes import signature_lines
from .forms_minutes import MinutesBodyForm, NewVersionForm, SignForm
from .minutes import Minutes, MinutesVersion, Signature, minutes_deadline


def _visit(request: OrgRequest, visit_pk: int) -> Visit:
    """The visit, for its leadership team and the top leaders: another organisation's
    visit is 404, anyone else 403."""
    visit = get_in_organisation(
        request,
        Visit.objects.with_team().select_related("organisation", "unit", "parent"),
        pk=visit_pk,
    )
    if not services.may_work_on(request.user, visit, request.roles):
        raise PermissionDenied(
            _("Only the visit's leadership team and the top leaders work on the minutes.")
        )
    return visit


def _minutes(visit: Visit) -> Minutes:
    minutes = services.minutes_of(visit)
    if minutes is None:
        raise Http404(_("This visit has no minutes yet."))
    minutes.visit = visit  # already loaded with its team
    return minutes


def _flash(request: OrgRequest, error: services.MinutesError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _page(
    request: OrgRequest,
    visit: Visit,
    *,
    body_form: MinutesBodyForm | None = None,
    sign_form: SignForm | None = None,
    new_form: NewVersionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    minutes = services.minutes_of(visit)
    context: dict[str, Any] = {
        "visit": visit,
        "minutes": minutes,
        "deadline": minutes.deadline if minutes else minutes_deadline(visit.date),
        "overdue": services.is_overdue(minutes, visit),
        "today": timezone.localdate(),
    }
    if minutes is None:
        return render(request, "followup/minutes.html", context, status=status)
    minutes.visit = visit
    current = services.current_version(minutes)
    versions = sorted(minutes.versions.all(), key=lambda v: v.number)
    my_roles = services.signing_roles(request.user, visit, request.roles)
    signed_roles = {signature.role for signature in current.signatures.all()}
    locked = minutes.is_locked
    if not locked and body_form is None:
        body_form = MinutesBodyForm(initial={"body": current.body, "version": minutes.version})
    can_sign = (
        minutes.status == Minutes.Status.IN_REVIEW
        and bool(my_roles)
        and not set(my_roles) <= signed_roles
    )
    if can_sign and sign_form is None:
        sign_form = SignForm(
            initial={"version": minutes.version}, totp=services.uses_totp(request.user)
        )
    if locked and new_form is None:
        new_form = NewVersionForm(initial={"version": minutes.version}, prefix="new")
    signed = services.latest_signed(minutes)
    recipients, without_email = services.recipients(visit) if signed else ([], [])
    context.update(
        {
            "current": current,
            "current_text": {"blocks": blocks(current.body)},
            "versions": versions,
            "locked": locked,
            "body_form": None if locked else body_form,
            "sign_form": sign_form if can_sign else None,
            "my_roles": [Signature.Role(role).label for role in my_roles],
            "signature_lines": signature_lines(current),
            "missing_roles": [
                label for value, label in Signature.Role.choices if value not in signed_roles
            ],
            "new_form": new_form if locked else None,
            "signed": signed,
            "recipients": recipients,
            "without_email": without_email,
            "follow_up": visit.follow_ups.order_by("pk").first()
            if visit.kind == Visit.Kind.MAIN and locked
            else None,
        }
    )
    return render(request, "followup/minutes.html", context, status=status)


@org_view("followup.edit_minutes")
def minutes(request: OrgRequest, visit_pk: int) -> HttpResponse:
    # The visit first: another organisation's is 404 whatever the method.
    visit = _visit(request, visit_pk)
    return refuse_unless_read(request) or _page(request, visit)


@org_view("followup.edit_minutes")
@require_POST
def minutes_start(request: OrgRequest, visit_pk: int) -> HttpResponse:
    visit = _visit(request, visit_pk)
    try:
        services.start_minutes(request, visit)
    except services.MinutesError as error:
        _flash(request, error)
    else:
        messages.success(
            request, _("The draft is made from the visit. Read it through and edit it.")
        )
    return redirect("minutes", visit_pk=visit.pk)


@org_view("followup.edit_minutes")
@require_POST
def minutes_save(request: OrgRequest, visit_pk: int) -> HttpResponse:
    visit = _visit(request, visit_pk)
    minutes = _minutes(visit)
    form = MinutesBodyForm(request.POST)
    if not form.is_valid():
        return _page(request, visit, body_form=form, status=400)
    try:
        services.save_body(
            request,
            minutes,
            form.cleaned_data["body"],
            form.cleaned_data["version"],
            override_reason=form.override_reason(),
        )
    except services.MinutesError as error:
        return _page(request, visit, body_form=form, status=form.refuse(error))
    messages.success(request, _("The minutes are saved."))
    return redirect("minutes", visit_pk=visit.pk)


@org_view("followup.edit_minutes")
@require_POST
def minutes_review(request: OrgRequest, visit_pk: int) -> HttpResponse:
    visit = _visit(request, visit_pk)
    minutes = _minutes(visit)
    try:
        sent = services.send_for_review(request, minutes)
    except services.MinutesError as error:
        _flash(request, error)
    else:
        if sent:
            messages.success(
                request,
                _("The draft is sent to %(leader)s for review.") % {"leader": visit.visit_leader},
            )
        else:
            messages.info(request, _("The draft was already sent for review."))
    return redirect("minutes", visit_pk=visit.pk)


@org_view("followup.sign_minutes")
@require_POST
def minutes_sign(request: OrgRequest, visit_pk: int) -> HttpResponse:
    visit = _visit(request, visit_pk)
    minutes = _minutes(visit)
    form = SignForm(request.POST, totp=services.uses_totp(request.user))
    if not form.is_valid():
        return _page(request, visit, sign_form=form, status=400)
    try:
        result = services.sign(
            request,
            minutes,
            form.cleaned_data["version"],
            password=form.cleaned_data.get("password", ""),
            code=form.cleaned_data.get("code", ""),
        )
    except services.MinutesError as error:
        if error.status == 403:
            raise PermissionDenied(error.messages[0]) from error
        for message in error.messages:
            form.add_error(None, message)
        return _page(request, visit, sign_form=form, status=error.status)
    if result.completed:
        messages.success(request, _("Both have signed. The minutes are locked."))
        if result.follow_up is not None:
            messages.info(
                request,
                _("The follow-up visit is planned for %(date)s.")
                % {"date": result.follow_up.date.strftime("%d.%m.%Y")},
            )
        if result.closed:
            messages.info(request, _("The follow-up visit is closed."))
    else:
        messages.success(request, _("You have signed. The minutes wait for the other signature."))
    return redirect("minutes", visit_pk=visit.pk)


@org_view("followup.edit_minutes")
@require_POST
def minutes_new_version(request: OrgRequest, visit_pk: int) -> HttpResponse:
    visit = _visit(request, visit_pk)
    minutes = _minutes(visit)
    form = NewVersionForm(request.POST, prefix="new")
    if not form.is_valid():
        return _page(request, visit, new_form=form, status=400)
    try:
        created = services.new_version(
            request,
            minutes,
            form.cleaned_data["reason"],
            form.cleaned_data["version"],
            override_reason=form.override_reason(),
        )
    except services.MinutesError as error:
        return _page(request, visit, new_form=form, status=form.refuse(error))
    messages.success(
        request,
        _("Version %(number)d is made. It needs both signatures again.")
        % {"number": created.number},
    )
    return redirect("minutes", visit_pk=visit.pk)


@org_view("followup.edit_minutes")
@require_POST
def minutes_send(request: OrgRequest, visit_pk: int) -> HttpResponse:
    visit = _visit(request, visit_pk)
    minutes = _minutes(visit)
    try:
        result = services.send_to_participants(request, minutes)
    except services.MinutesError as error:
        _flash(request, error)
        return redirect("minutes", visit_pk=visit.pk)
    if result.already_sent:
        messages.info(request, _("These minutes were already sent. Nothing was sent again."))
    else:
        messages.success(
            request,
            ngettext(
                "The minutes are sent to %(count)d person.",
                "The minutes are sent to %(count)d people.",
                len(result.sent),
            )
            % {"count": len(result.sent)},
        )
    return redirect(f"{reverse('minutes', args=[visit.pk])}#send")


@org_view("followup.edit_minutes")
def minutes_version(request: OrgRequest, visit_pk: int, number: int) -> HttpResponse:
    visit = _visit(request, visit_pk)
    if refused := refuse_unless_read(request):
        return refused
    minutes = _minutes(visit)
    version = next((v for v in minutes.versions.all() if v.number == number), None)
    if version is None:
        raise Http404(_("There is no such version."))
    return render(
        request,
        "followup/minutes_version.html",
        {
            "visit": visit,
            "minutes": minutes,
            "version": version,
            "is_current": version.number == services.current_version(minutes).number,
            "signature_lines": signature_lines(version),
            "text": {"blocks": blocks(version.body)},
        },
    )


@org_view("followup.edit_minutes")
def minutes_pdf(request: OrgRequest, visit_pk: int) -> HttpResponse:
    """A signed version as PDF: the latest, or ``?versjon=n``. Drafts have no PDF: what
    goes out is what was signed."""
    visit = _visit(request, visit_pk)
    if refused := refuse_unless_read(request):
        return refused
    minutes = _minutes(visit)
    signed = MinutesVersion.objects.filter(minutes=minutes, locked_at__isnull=False)
    wanted = request.GET.get("versjon", "")
    if wanted and not wanted.isdigit():
        raise Http404(_("There is no such version."))
    version = (
        get_object_or_404(signed, number=int(wanted))
        if wanted
        else signed.order_by("-number").first()
    )
    if version is None:
        raise Http404(_("The minutes are not signed yet."))
    version.minutes = minutes
    document = render_pdf(version)
    response = HttpResponse(document.content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.filename}"'
    return response
