"""The question bank (Vedlegg 2), a unit's adapted set, the questions for one visit,
and the leader's opening script. Thin views: the rules are in question_bank.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from visitt.audit.models import AuditEvent
from visitt.audit.services import record
from visitt.organisations.access import OrgRequest, get_in_organisation, org_view
from visitt.organisations.models import Organisation, Unit
from visitt.planning.models import Visit

from . import question_bank as qb
from .forms_questions import OpeningScriptForm, QuestionForm
from .questions import Question

A = AuditEvent.Action
BAD_REQUEST = {"status": 400, "content_type": "text/plain; charset=utf-8"}


def _language() -> str:
    return (translation.get_language() or "nb")[:2]


def _posted_version(request: OrgRequest) -> int:
    """The version the form was opened with; 0 (which no record has) if missing, so
    that such a save is refused as stale."""
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else 0


def _rows(questions: list[Question], language: str) -> list[dict[str, Any]]:
    return [
        {"question": q, "text": q.text_in(language), "hints": q.hints_in(language)}
        for q in questions
    ]


def _themes(questions: list[Question], language: str) -> list[tuple[str, str, list[dict]]]:
    return [(theme, label, _rows(items, language)) for theme, label, items in qb.grouped(questions)]


# --- The bank ------------------------------------------------------------------------


@org_view("walkround.manage_questions")
@require_http_methods(["GET", "POST"])
def question_bank(request: OrgRequest) -> HttpResponse:
    """The organisation's questions by theme: add, reword, reorder, retire."""
    org = request.organisation
    if request.method == "POST":
        action = request.POST.get("action", "")
        pk = request.POST.get("question", "")
        if not pk.isdigit():
            return HttpResponse(_("Choose a question."), **BAD_REQUEST)
        question = get_in_organisation(request, Question, pk=pk)
        try:
            if action in ("up", "down"):
                qb.move_question(question, action)
            elif action == "retire":
                qb.retire_question(question)
                messages.success(request, _("The question is retired. Old visits keep it."))
            elif action == "unretire":
                qb.unretire_question(question)
                messages.success(request, _("The question is back in the bank."))
            else:
                return HttpResponse(_("Unknown action."), **BAD_REQUEST)
        except qb.QuestionBankError as error:
            return HttpResponse(str(error), **BAD_REQUEST)
        record(request, A.ORGANISATION_CHANGED, target=question, what=f"question_{action}")
        return redirect(f"{request.path}#question-{question.pk}")
    qb.ensure_question_bank(org)
    questions = qb.bank(org, include_retired=True)
    language = _language()
    current = [q for q in questions if q.retired_at is None]
    retired = [q for q in questions if q.retired_at is not None]
    return render(
        request,
        "walkround/question_bank.html",
        {
            "themes": _themes(current, language),
            "retired": _rows(retired, language),
            "credit": qb.CREDIT,
        },
    )


@org_view("walkround.manage_questions")
@require_http_methods(["GET", "POST"])
def question_add(request: OrgRequest) -> HttpResponse:
    form = QuestionForm(request.POST or None, initial={"theme": request.GET.get("tema", "")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                question = qb.add_question(request.organisation, **data)
            except qb.QuestionBankError as error:
                form.add_error(None, str(error))
            else:
                record(request, A.ORGANISATION_CHANGED, target=question, what="question_added")
                messages.success(request, _("The question is added."))
                return redirect(reverse("question_bank") + f"#question-{question.pk}")
        status = 400
    return render(request, "walkround/question_form.html", {"form": form}, status=status)


@org_view("walkround.manage_questions")
@require_http_methods(["GET", "POST"])
def question_edit(request: OrgRequest, question_pk: int) -> HttpResponse:
    """Rewords a question, with a version check: a stale save is refused (409) and the
    stored text is shown, nothing overwritten."""
    question = get_in_organisation(request, Question, pk=question_pk)
    fields = ("text_nb", "text_nn", "text_en", "hints_nb", "hints_nn", "hints_en")
    form = QuestionForm(
        request.POST or None,
        rewording=True,
        initial={name: getattr(question, name) for name in fields},
    )
    version = question.version
    status = 200
    if request.method == "POST":
        version = _posted_version(request)
        if form.is_valid():
            try:
                qb.reword_question(question, version=version, **form.cleaned_data)
            except qb.StaleEdit as error:
                form.add_error(None, str(error))
                status = 409
            except qb.QuestionBankError as error:
                form.add_error(None, str(error))
                status = 400
            else:
                record(request, A.ORGANISATION_CHANGED, target=question, what="question_reworded")
                messages.success(request, _("The question is saved."))
                return redirect(reverse("question_bank") + f"#question-{question.pk}")
        else:
            status = 400
    return render(
        request,
        "walkround/question_form.html",
        {
            "form": form,
            "question": question,
            "version": version,
            "conflict": status == 409,
            "stored": _rows([question], _language())[0] if status == 409 else None,
        },
        status=status,
    )


# --- The opening script ----------------------------------------------------------------


@org_view("walkround.manage_questions")
@require_http_methods(["GET", "POST"])
def opening_script_edit(request: OrgRequest) -> HttpResponse:
    org = request.organisation
    requested = request.POST.get("language") or request.GET.get("sprak") or org.language
    if requested not in qb.DEFAULT_OPENING:
        return HttpResponse(_("Unknown language form."), **BAD_REQUEST)
    script = qb.ensure_opening_script(org, requested)
    form = OpeningScriptForm(
        request.POST or None, initial={"text": script.text}, language=script.language
    )
    version = script.version
    status = 200
    if request.method == "POST":
        version = _posted_version(request)
        if form.is_valid():
            try:
                qb.save_opening_script(script, version=version, text=form.cleaned_data["text"])
            except qb.StaleEdit as error:
                form.add_error(None, str(error))
                status = 409
                script.refresh_from_db()
            except qb.QuestionBankError as error:
                form.add_error("text", str(error))
                status = 400
            else:
                record(request, A.ORGANISATION_CHANGED, target=script, what="opening_script")
                messages.success(request, _("The opening is saved."))
                return redirect(f"{request.path}?sprak={script.language}")
        else:
            status = 400
    other = "nn" if script.language == "nb" else "nb"
    return render(
        request,
        "walkround/opening_edit.html",
        {
            "form": form,
            "script": script,
            "version": version,
            "conflict": status == 409,
            "language_name": Organisation.LanguageForm(script.language).label,
            "other_language": other,
            "other_language_name": Organisation.LanguageForm(other).label,
            "default_text": qb.DEFAULT_OPENING[script.language],
            "credit": qb.OPENING_CREDIT,
        },
        status=status,
    )


# --- Picking and ordering: a unit's set, a visit's set ---------------------------------


def _posted_choice(request: OrgRequest) -> list[str]:
    """The ticked questions in the order the positions say (ties: the page's order)."""
    ticked = request.POST.getlist("question")
    page_order = {pk: index for index, pk in enumerate(request.POST.getlist("shown"))}

    def position(pk: str) -> tuple[int, int]:
        value = request.POST.get(f"position-{pk}", "").strip()
        number = int(value) if value.isdigit() else 10_000
        return (number, page_order.get(pk, 10_000))

    return sorted(ticked, key=position)


def _picker_rows(
    chosen: list[Question], available: list[Question], language: str
) -> list[dict[str, Any]]:
    """The chosen questions first in their order, then the rest of the bank."""
    chosen_ids = {q.pk for q in chosen}
    rows = [
        {"question": q, "text": q.text_in(language), "chosen": True, "position": index}
        for index, q in enumerate(chosen, start=1)
    ]
    rows += [
        {"question": q, "text": q.text_in(language), "chosen": False, "position": ""}
        for q in available
        if q.pk not in chosen_ids
    ]
    return rows


@org_view("walkround.manage_questions")
@require_http_methods(["GET", "POST"])
def unit_questions(request: OrgRequest, unit_pk: int) -> HttpResponse:
    """A unit's adapted set: some of the bank's questions in its own order. Empty: the
    unit's visits use the whole bank."""
    unit = get_in_organisation(request, Unit, pk=unit_pk)
    org = request.organisation
    error = ""
    status = 200
    if request.method == "POST":
        ids = [] if request.POST.get("action") == "reset" else _posted_choice(request)
        try:
            qb.set_unit_questions(unit, ids)
        except qb.QuestionBankError as exc:
            error, status = str(exc), 400
        else:
            record(request, A.UNIT_CHANGED, target=unit, what="questions", count=len(ids))
            messages.success(
                request,
                _("The unit's questions are saved.")
                if ids
                else _("The unit uses the whole question bank."),
            )
            return redirect(request.path)
    qb.ensure_question_bank(org)
    chosen = qb.unit_set(unit)
    return render(
        request,
        "walkround/question_unit.html",
        {
            "unit": unit,
            "rows": _picker_rows(chosen, qb.bank(org), _language()),
            "uses_bank": not chosen,
            "error": error,
            "credit": qb.CREDIT,
        },
        status=status,
    )


@org_view("planning.view_visits")
@require_http_methods(["GET", "POST"])
def visit_questions(request: OrgRequest, visit_pk: int) -> HttpResponse:
    """The questions for one visit, picked and ordered by the coordinator while
    preparing it. Without a choice the visit uses the unit's set or the whole bank."""
    visit = get_in_organisation(
        request, Visit.objects.select_related("unit", "organisation"), pk=visit_pk
    )
    org = request.organisation
    can_change = request.user.has_perm("planning.manage_visits", org)
    error = ""
    status = 200
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied(_("Your role does not give access to this page."))
        if visit.is_conducted:
            return HttpResponse(
                _("The visit is conducted; its questions can no longer be changed."),
                **BAD_REQUEST,
            )
        ids = [] if request.POST.get("action") == "reset" else _posted_choice(request)
        try:
            qb.set_visit_questions(visit, ids)
        except qb.QuestionBankError as exc:
            error, status = str(exc), 400
        else:
            record(request, A.VISIT_CHANGED, target=visit, what="questions", count=len(ids))
            messages.success(
                request,
                _("The visit's questions are saved.")
                if ids
                else _("The visit uses the unit's questions or the whole bank."),
            )
            return redirect(request.path)
    picked = qb.visit_set(visit)
    questions = qb.questions_for_visit(visit)  # seeds the bank on first use
    source = "visit" if picked else ("unit" if qb.unit_set(visit.unit) else "bank")
    language = _language()
    # Questions picked earlier and retired since stay available to this visit.
    available = qb.bank(org) + [q for q in picked if q.retired_at is not None]
    return render(
        request,
        "walkround/visit_questions.html",
        {
            "visit": visit,
            "themes": _themes(questions, language),
            "rows": _picker_rows(questions, available, language),
            "source": source,
            "can_change": can_change and not visit.is_conducted,
            "error": error,
            "credit": qb.CREDIT,
        },
        status=status,
    )
