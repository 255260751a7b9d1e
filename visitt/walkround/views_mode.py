"""The visit mode: one page for the hour at the unit, on a tablet or a laptop.

Every form on it works without JavaScript; static/visitt/visit-mode.js adds autosave,
the offline queue and the conflict box on top. Notes are confidential: only the visit's
leadership team and the organisation's top leaders (can_read_notes), every read audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from visitt.audit.models import AuditEvent
from visitt.audit.services import record
from visitt.organisations.access import OrgRequest, get_in_organisation, org_view
from visitt.planning.models import Participant, Visit
from visitt.planning.visits import RECOMMENDED_MINUTES

from . import services_mode as services
from .access import can_read_notes
from .forms_mode import ClosingForm, SubstituteForm
from .services_problems import problems_of

A = AuditEvent.Action
TOUR_VALUES: dict[bool | None, str] = {True: "yes", False: "no"}


def _visit_for_notes(request: OrgRequest, visit_pk: int) -> Visit:
    """The visit, if this person may read its notes: another organisation's is 404, a
    member outside the visit's team 403."""
    visit = get_in_organisation(
        request, Visit.objects.with_team().select_related("organisation"), pk=visit_pk
    )
    if not can_read_notes(request.user, visit, request.roles):
        raise PermissionDenied(
            _("Only the visit's leadership team and the top leaders can read the notes.")
        )
    return visit


def _wants_json(request: OrgRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _note_key(question_id: int | None) -> str:
    return str(question_id) if question_id else "general"


def _render_mode(
    request: OrgRequest,
    visit: Visit,
    *,
    note_states: dict[str, dict[str, Any]] | None = None,
    closing_form: ClosingForm | None = None,
    substitute_form: SubstituteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    note_states = note_states or {}
    language = (translation.get_language() or "nb")[:2]
    notes = services.notes_by_question(visit)
    walkround = services.walkround_for(visit)

    def note_field(question_id: int | None) -> dict[str, Any]:
        note = notes.get(question_id)
        key = _note_key(question_id)
        field: dict[str, Any] = {
            "key": key,
            "question_id": question_id or "",
            "text": note.text if note else "",
            "version": note.version if note else 0,
        }
        field.update(note_states.get(key, {}))
        return field

    themes = [
        (
            theme,
            label,
            [
                {
                    "question": question,
                    "text": question.text_in(language),
                    "hints": question.hints_in(language),
                    "note": note_field(question.pk),
                    "described_by": f"question-{question.pk}"
                    + (f" hints-{question.pk}" if question.hints_in(language) else ""),
                }
                for question in questions
            ],
        )
        for theme, label, questions in services.by_theme(services.visit_questions(visit))
    ]
    participants = list(Participant.objects.filter(visit=visit).select_related("profession"))
    if closing_form is None:
        closing_form = ClosingForm(
            initial={
                "summary": walkround.summary,
                "had_tour": TOUR_VALUES.get(walkround.had_tour, ""),
                "actual_start": walkround.actual_start,
                "actual_end": walkround.actual_end,
                "version": walkround.version,
            }
        )
    minutes = services.minutes_between(walkround.actual_start, walkround.actual_end)
    record(request, A.NOTES_READ, target=visit)
    return render(
        request,
        "walkround/mode_page.html",
        {
            "visit": visit,
            "walkround": walkround,
            "participants": participants,
            "opening": services.opening_text(visit),
            "themes": themes,
            "general_note": note_field(None),
            "problems": problems_of(visit),
            "problems_url": reverse("visit_problems", args=[visit.pk]),
            "closing_form": closing_form,
            "substitute_form": substitute_form or SubstituteForm(organisation=request.organisation),
            "minutes": minutes,
            "too_long": minutes is not None and minutes > RECOMMENDED_MINUTES,
            "recommended_minutes": RECOMMENDED_MINUTES,
            "conducted": visit.is_conducted,
        },
        status=status,
    )


@org_view("walkround.view_notes")
def visit_mode(request: OrgRequest, visit_pk: int) -> HttpResponse:
    visit = _visit_for_notes(request, visit_pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return _render_mode(request, visit)


@org_view("walkround.edit_notes")
@require_POST
def visit_note_save(request: OrgRequest, visit_pk: int) -> HttpResponse:
    """Saves one note. Answers JSON to the page's script; without JavaScript it goes
    back to the page (or shows it again with the conflict or the warning)."""
    visit = _visit_for_notes(request, visit_pk)
    wants_json = _wants_json(request)
    text = request.POST.get("text", "")
    try:
        question = services.note_question(visit, request.POST.get("question"))
        version = services.parse_version(request.POST.get("version"))
        result = services.save_note(
            request,
            visit,
            question,
            text,
            version,
            override_reason=request.POST.get("override_reason", ""),
        )
    except services.ModeError as error:
        if wants_json:
            return JsonResponse({"status": "error", "messages": [str(error)]}, status=400)
        messages.error(request, str(error))
        return _render_mode(request, visit, status=400)
    key = _note_key(question.pk if question else None)
    if result.saved:
        assert result.note is not None
        saved_at = time_format(timezone.localtime(result.note.updated_at), "H:i")
        message = _("Saved at %(time)s") % {"time": saved_at}
        if wants_json:
            return JsonResponse(
                {
                    "status": "saved",
                    "version": result.version,
                    "saved_at": saved_at,
                    "message": message,
                }
            )
        messages.success(request, message)
        return redirect(f"{reverse('visit_mode', args=[visit.pk])}#note-{key}")
    status = 409 if result.status == "conflict" else 422
    if wants_json:
        return JsonResponse(
            {
                "status": result.status,
                "messages": result.messages,
                "version": result.version,
                "text": result.text,
                "updated_by": result.updated_by,
            },
            status=status,
        )
    state: dict[str, Any] = {"text": text, "status": result.status, "messages": result.messages}
    if result.status == "conflict":
        state.update(version=result.version, theirs=result.text, theirs_by=result.updated_by)
    else:
        state["version"] = version
    return _render_mode(request, visit, note_states={key: state}, status=status)


@org_view("walkround.edit_notes")
@require_POST
def visit_mode_attendance(request: OrgRequest, visit_pk: int) -> HttpResponse:
    visit = _visit_for_notes(request, visit_pk)
    present = set()
    for value in request.POST.getlist("present"):
        try:
            present.add(int(value))
        except ValueError:
            return HttpResponse(_("Unknown participant."), status=400)
    known = set(Participant.objects.filter(visit=visit).values_list("pk", flat=True))
    if not present <= known:
        return HttpResponse(_("Unknown participant."), status=400)
    observer = request.POST.get("observer_present")
    services.save_attendance(
        request, visit, present, {"yes": True, "no": False}.get(observer or "")
    )
    messages.success(request, _("Attendance saved."))
    return redirect(f"{reverse('visit_mode', args=[visit.pk])}#presentations")


@org_view("walkround.edit_notes")
@require_POST
def visit_mode_substitute(request: OrgRequest, visit_pk: int) -> HttpResponse:
    visit = _visit_for_notes(request, visit_pk)
    form = SubstituteForm(request.POST, organisation=request.organisation)
    if not form.is_valid():
        return _render_mode(request, visit, substitute_form=form, status=400)
    try:
        participant = services.add_substitute(
            request, visit, form.cleaned_data["name"], form.cleaned_data["profession"].pk
        )
    except services.ModeError as error:
        form.add_error(None, str(error))
        return _render_mode(request, visit, substitute_form=form, status=400)
    messages.success(request, _("%(name)s was added as a substitute.") % {"name": participant})
    return redirect(f"{reverse('visit_mode', args=[visit.pk])}#presentations")


@org_view("walkround.edit_notes")
@require_POST
def visit_mode_close(request: OrgRequest, visit_pk: int) -> HttpResponse:
    visit = _visit_for_notes(request, visit_pk)
    form = ClosingForm(request.POST)
    complete = "complete" in request.POST
    if not form.is_valid():
        return _render_mode(request, visit, closing_form=form, status=400)
    data = form.cleaned_data
    try:
        services.save_closing(
            request,
            visit,
            version=data["version"],
            summary=data["summary"],
            had_tour=form.tour(),
            actual_start=data["actual_start"],
            actual_end=data["actual_end"],
            complete=complete,
        )
    except services.ModeError as error:
        form.add_error(None, str(error))
        return _render_mode(request, visit, closing_form=form, status=400)
    if complete:
        messages.success(request, _("The walkround is complete and the visit marked conducted."))
    else:
        messages.success(request, _("The closing is saved."))
    return redirect(f"{reverse('visit_mode', args=[visit.pk])}#closing")
