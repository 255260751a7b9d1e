"""The standing item on the leadership meetings: the page, the meetings made, and the
item as PDF and Word.

The leadership group reads the items (reports.view_agenda); those who prepare the
meetings, the top leader, the coordinator and the secretary, make them
(reports.make_agenda), which also moves the remembered date of the last meeting."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from visitt.core.http import refuse_unless_read
from visitt.organisations.access import OrgRequest, get_in_organisation, org_view

from . import documents_agenda as documents
from .agenda import Agenda, AgendaError, agenda_for, build_agenda, last_meeting, record_meeting
from .forms_agenda import MeetingForm
from .meetings import LeadershipMeeting

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _meeting(request: OrgRequest, meeting_pk: int) -> LeadershipMeeting:
    meetings = LeadershipMeeting.objects.select_related("organisation")
    return get_in_organisation(request, meetings, pk=meeting_pk)


def _page(
    request: OrgRequest,
    agenda: Agenda,
    *,
    meeting: LeadershipMeeting | None,
    form: MeetingForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_make = request.user.has_perm("reports.make_agenda", request.organisation)
    meetings = list(
        LeadershipMeeting.objects.filter(organisation=request.organisation).order_by("-held_on")
    )
    return render(
        request,
        "reports/agenda.html",
        {
            "agenda": agenda,
            "meeting": meeting,
            "meetings": meetings,
            "last": meetings[0] if meetings else None,
            "form": form if can_make else None,
        },
        status=status,
    )


@org_view("reports.view_agenda")
@require_http_methods(["GET", "HEAD", "POST"])
def leadership_agenda(request: OrgRequest) -> HttpResponse:
    """The item since the last meeting, and (POST) making it for a meeting's date."""
    organisation = request.organisation
    today = timezone.localdate()
    if request.method == "POST":
        if not request.user.has_perm("reports.make_agenda", organisation):
            raise PermissionDenied(_("Your role does not give access to this page."))
        form = MeetingForm(request.POST)
        if form.is_valid():
            held_on: date = form.cleaned_data["held_on"]
            try:
                meeting, created = record_meeting(
                    organisation, held_on, request.user, request=request
                )
            except AgendaError as error:
                form.add_error("held_on", str(error))
            else:
                if created:
                    messages.success(request, _("The agenda item is made."))
                else:
                    messages.info(request, _("The agenda item for this date was already made."))
                return redirect("leadership_agenda_meeting", meeting.pk)
        last = last_meeting(organisation)
        since = last.held_on if last else None
        agenda = build_agenda(organisation, since=since, until=max(today, since or today))
        return _page(request, agenda, meeting=None, form=form, status=400)

    last = last_meeting(organisation)
    since = last.held_on if last else None
    # A meeting recorded ahead of time: the item runs to it.
    until = max(today, since or today)
    agenda = build_agenda(organisation, since=since, until=until)
    form = MeetingForm(initial={"held_on": until})
    return _page(request, agenda, meeting=None, form=form)


@org_view("reports.view_agenda")
def leadership_agenda_meeting(request: OrgRequest, meeting_pk: int) -> HttpResponse:
    """The item as made for one meeting: from the meeting before it to its date."""
    meeting = _meeting(request, meeting_pk)
    if refused := refuse_unless_read(request):
        return refused
    return _page(request, agenda_for(meeting), meeting=meeting)


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    # Names of people and units' problems: never kept by a shared cache.
    patch_cache_control(response, private=True, no_store=True)
    return response


@org_view("reports.view_agenda")
def leadership_agenda_pdf(request: OrgRequest, meeting_pk: int) -> HttpResponse:
    meeting = _meeting(request, meeting_pk)
    if refused := refuse_unless_read(request):
        return refused
    document = documents.build_document(meeting)
    return _download(
        documents.agenda_pdf(document), f"{document.filename_stem}.pdf", "application/pdf"
    )


@org_view("reports.view_agenda")
def leadership_agenda_docx(request: OrgRequest, meeting_pk: int) -> HttpResponse:
    meeting = _meeting(request, meeting_pk)
    if refused := refuse_unless_read(request):
        return refused
    document = documents.build_document(meeting)
    return _download(documents.agenda_docx(document), f"{document.filename_stem}.docx", DOCX)
