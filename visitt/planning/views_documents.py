"""Letters, posters and calendars: the organisation's letter templates, a visit's
invitation (preview, send, PDF, Word), its poster, its .ics file, and each person's
calendar feed."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from visitt.audit.models import AuditEvent
from visitt.audit.services import record
from visitt.organisations.access import OrgRequest, get_in_organisation, org_view, public_view

from . import calendar, documents, letters
from .forms_documents import FIELD_HELP, LetterTemplateForm
from .letters import LetterTemplate
from .visits import Visit

A = AuditEvent.Action
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    # Names of people and places: never kept by a shared cache.
    patch_cache_control(response, private=True, no_store=True)
    return response


def _visit(request: OrgRequest, visit_pk: int) -> Visit:
    return get_in_organisation(
        request, Visit.objects.with_team().select_related("organisation"), pk=visit_pk
    )


# --- Letter templates -----------------------------------------------------------------


@org_view("planning.manage_visits")
@require_GET
def letter_templates(request: OrgRequest) -> HttpResponse:
    """The organisation's templates, its own language form first (two queries)."""
    org = request.organisation
    letters.ensure_default_templates(org)
    templates = sorted(
        LetterTemplate.objects.filter(organisation=org),
        key=lambda t: (t.language != org.language, t.language, t.kind != "invitation"),
    )
    return render(request, "planning/letter_templates.html", {"templates": templates})


@org_view("planning.manage_visits")
@require_http_methods(["GET", "POST"])
def letter_template_edit(request: OrgRequest, template_pk: int) -> HttpResponse:
    template = get_in_organisation(request, LetterTemplate, pk=template_pk)
    form = LetterTemplateForm(request.POST or None, instance=template)
    status = 200
    version = template.version
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            form.add_error(None, _("The form was not understood. Try again."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                template.save_text(subject=data["subject"], body=data["body"], version=version)
            except letters.StaleTemplate:
                form.add_error(
                    None,
                    _(
                        "Someone else saved this template while you were editing it. Your "
                        "changes are not saved; open the template again to see the current text."
                    ),
                )
                status = 409
            else:
                record(request, A.TEMPLATE_CHANGED, target=template, kind=template.kind)
                messages.success(request, _("The template is saved."))
                return redirect("letter_templates")
        else:
            status = 400
    default_subject, default_body = letters.default_text(template.kind, template.language)
    return render(
        request,
        "planning/letter_template_edit.html",
        {
            "form": form,
            "template": template,
            "version": version,
            "field_help": FIELD_HELP,
            "default_subject": default_subject,
            "default_body": default_body,
        },
        status=status,
    )


# --- A visit's invitation and poster --------------------------------------------------


def _preview(request: OrgRequest, visit: Visit, *, send_error: str = "", status: int = 200):
    letter = documents.build_letter(visit, LetterTemplate.Kind.INVITATION)
    return render(
        request,
        "planning/letter_preview.html",
        {
            "visit": visit,
            "letter": letter,
            "recipients": letters.invitation_recipients(visit),
            "dispatches": visit.invitation_dispatches.select_related("requested_by")[:10],
            "send_error": send_error,
        },
        status=status,
    )


@org_view("planning.view_visits")
def visit_invitation_preview(request: OrgRequest, visit_pk: int) -> HttpResponse:
    """The filled-in letter as the unit will read it, in the organisation's language form."""
    return _preview(request, _visit(request, visit_pk))


@org_view("planning.manage_visits")
@require_POST
def visit_invitation_send(request: OrgRequest, visit_pk: int) -> HttpResponse:
    visit = _visit(request, visit_pk)
    try:
        last_sent = letters.parse_sent_marker(request.POST.get("last_sent", ""))
    except ValueError:
        return _preview(
            request, visit, send_error=_("The form was not understood. Try again."), status=400
        )
    try:
        dispatch = letters.request_invitation(visit, by=request.user, last_sent=last_sent)
    except letters.CannotSendInvitation as error:
        return _preview(request, visit, send_error=str(error), status=400)

    if dispatch is None:
        messages.info(
            request,
            _("The invitation had already been sent, so it was not sent again."),
        )
    else:
        record(request, A.LETTER_SENT, target=visit, recipients=len(dispatch.recipients))
        messages.success(
            request,
            _("The invitation is on its way to %(recipients)s.")
            % {"recipients": ", ".join(r["email"] for r in dispatch.recipients)},
        )
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("visit_invitation_preview", visit_pk=visit.pk)


@org_view("planning.view_visits")
def visit_invitation_pdf(request: OrgRequest, visit_pk: int) -> HttpResponse:
    letter, pdf = documents.invitation_pdf(_visit(request, visit_pk))
    return _download(pdf, f"{letter.filename_stem}.pdf", "application/pdf")


@org_view("planning.view_visits")
def visit_invitation_docx(request: OrgRequest, visit_pk: int) -> HttpResponse:
    letter, docx = documents.invitation_docx(_visit(request, visit_pk))
    return _download(docx, f"{letter.filename_stem}.docx", DOCX)


@org_view("planning.view_visits")
def visit_poster_pdf(request: OrgRequest, visit_pk: int) -> HttpResponse:
    letter, pdf = documents.poster_pdf(_visit(request, visit_pk))
    return _download(pdf, f"{letter.filename_stem}.pdf", "application/pdf")


@org_view("planning.view_visits")
def visit_ics(request: OrgRequest, visit_pk: int) -> HttpResponse:
    visit = _visit(request, visit_pk)
    filename = f"visitt-{visit.date:%Y-%m-%d}.ics"
    return _download(calendar.visit_ics(visit), filename, "text/calendar; charset=utf-8")


# --- Calendar feeds -------------------------------------------------------------------


def _calendar_page(request: OrgRequest, *, token: str = "") -> HttpResponse:
    feed = calendar.active_feed(request.user)
    context = {
        "feed": feed,
        "visit_count": calendar.visits_for_feed(request.user).count() if feed else 0,
    }
    if token:
        url = calendar.feed_url(token)
        context["feed_url"] = url
        context["webcal_url"] = "webcal://" + url.split("://", 1)[1]
    response = render(request, "planning/calendar_settings.html", context)
    if token:
        # The secret link is shown once: never cached, never offered again.
        patch_cache_control(response, private=True, no_store=True)
    return response


@org_view()
@require_GET
def calendar_settings(request: OrgRequest) -> HttpResponse:
    return _calendar_page(request)


@org_view()
@require_POST
def calendar_feed_create(request: OrgRequest) -> HttpResponse:
    had_feed = calendar.active_feed(request.user) is not None
    feed, token = calendar.issue_feed(request.user)
    if had_feed:
        record(request, A.CALENDAR_FEED_REVOKED, replaced=True)
    record(request, A.CALENDAR_FEED_CREATED, target=feed)
    return _calendar_page(request, token=token)


@org_view()
@require_POST
def calendar_feed_revoke(request: OrgRequest) -> HttpResponse:
    if calendar.revoke_feeds(request.user):
        record(request, A.CALENDAR_FEED_REVOKED)
        messages.success(request, _("Your calendar link is revoked. It no longer works."))
    return redirect("calendar_settings")


@public_view
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The secret subscription URL a calendar program fetches. Whoever holds the link
    sees when and where the person's visits are, nothing more."""
    feed = calendar.feed_for_token(token)
    if feed is None:
        raise Http404
    response = HttpResponse(calendar.feed_ics(feed), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, "visitt.ics") or ""
    response["X-Robots-Tag"] = "noindex"
    patch_cache_control(response, private=True, max_age=0)
    return response
