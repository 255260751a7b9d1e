"""The visit mode's business rules: notes that are never lost or silently overwritten,
attendance, a substitute on the spot, and completing the walkround.

Saving a note is one conditional UPDATE (``... WHERE version = n``): a save based on an
older version changes nothing and gets the stored text back, so the writer can merge.
A repeated save of the same text (a double click, a resubmitted form, a retry after a
lost response) is recognised and answered as saved, never stored twice.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from visitt.audit.models import AuditEvent
from visitt.audit.services import record
from visitt.core.personal_data import GuardResult, check_text, record_override
from visitt.planning.models import Participant, Profession, Visit
from visitt.planning.visits import RECOMMENDED_MINUTES, VisitTransitionError

from .conduct import OpeningScript, VisitNote, Walkround
from .questions import Question, Theme

if TYPE_CHECKING:
    from visitt.organisations.access import OrgRequest

A = AuditEvent.Action
MAX_NOTE_LENGTH = 20_000


class ModeError(Exception):
    """Bad input; the message is for the user, and nothing was stored."""


# --- Notes ---------------------------------------------------------------------------


@dataclass
class NoteSave:
    """The outcome of one save. ``status`` is "saved", "conflict", "blocked" or "warning"."""

    status: str
    note: VisitNote | None = None
    version: int = 0
    text: str = ""  # on a conflict: the stored text (theirs)
    messages: list[str] = field(default_factory=list)
    updated_by: str = ""

    @property
    def saved(self) -> bool:
        return self.status == "saved"


def note_question(visit: Visit, question_id: str | int | None) -> Question | None:
    """The question a note belongs to (None: the general note), of the visit's
    organisation. Retired questions count: old visits stay readable and editable."""
    if question_id in (None, ""):
        return None
    try:
        pk = int(question_id)
    except (TypeError, ValueError):
        raise ModeError(_("That question does not exist.")) from None
    question = Question.objects.filter(organisation_id=visit.organisation_id, pk=pk).first()
    if question is None:
        raise ModeError(_("That question does not exist."))
    return question


def parse_version(value: Any) -> int:
    try:
        version = int(value)
    except (TypeError, ValueError):
        raise ModeError(_("The form is missing its version. Reload the page.")) from None
    if version < 0:
        raise ModeError(_("The form is missing its version. Reload the page."))
    return version


def save_note(
    request: OrgRequest,
    visit: Visit,
    question: Question | None,
    text: str,
    version: int,
    *,
    override_reason: str = "",
) -> NoteSave:
    """Saves a note if ``version`` is the stored one (0 for a note not stored yet).

    The personal-data guard runs first: a national identity number refuses the save; a
    warning refuses it unless the writer gives a reason, which is audited.
    """
    text = text.replace("\r\n", "\n")
    if len(text) > MAX_NOTE_LENGTH:
        raise ModeError(
            _("A note can be at most %(limit)d characters.") % {"limit": MAX_NOTE_LENGTH}
        )
    guard: GuardResult = check_text(text)
    if guard.blocked:
        return NoteSave("blocked", messages=guard.messages())
    override_reason = override_reason.strip()
    if guard.has_warnings and not override_reason:
        return NoteSave("warning", messages=guard.messages())

    with transaction.atomic():
        # The row exists before the conditional update (version 0 = nothing written yet);
        # the unique constraints make a concurrent create fall back to the existing row.
        note, _created = VisitNote.objects.get_or_create(
            visit=visit, question=question, defaults={"text": "", "version": 0}
        )
        now = timezone.now()
        updated = VisitNote.objects.filter(pk=note.pk, version=version).update(
            text=text, version=F("version") + 1, updated_by=request.user, updated_at=now
        )
        note = VisitNote.objects.select_related("updated_by").get(pk=note.pk)
        if not updated:
            if note.text == text:
                # The same text again (a double submit, a retry after a lost answer).
                return NoteSave("saved", note=note, version=note.version)
            return NoteSave(
                "conflict",
                note=note,
                version=note.version,
                text=note.text,
                updated_by=note.updated_by.full_name if note.updated_by else "",
                messages=[
                    _(
                        "Someone else saved this note while you were writing. Their text is shown below; yours is kept in the field. Merge them and save again."
                    )
                ],
            )
        if guard.has_warnings:
            record_override(request, guard, override_reason, target=visit, note=note.pk)
        record(
            request,
            A.NOTES_CHANGED,
            target=visit,
            note=note.pk,
            question=question.pk if question else None,
            version=note.version,
        )
    return NoteSave("saved", note=note, version=note.version)


def notes_by_question(visit: Visit) -> dict[int | None, VisitNote]:
    return {note.question_id: note for note in VisitNote.objects.filter(visit=visit)}


# --- What the page shows -------------------------------------------------------------

FALLBACK_OPENING = {
    "nb": (
        "Velkommen, og takk for at dere tar dere tid. Formålet med visitten er å lære om "
        "pasient- og brukersikkerheten her, sammen med dere som kjenner hverdagen best. "
        "Det som blir sagt, blir i rommet: vi snakker om systemer og rutiner, aldri om "
        "enkeltpersoner, og ingen skal få skylden for noe. Målet er å bli enige om opp til "
        "tre problemer som vi følger opp sammen. (Etter Helsedirektoratet, "
        "pasientsikkerhetsvisitter.)"
    ),
    "nn": (
        "Velkomen, og takk for at de tek dykk tid. Føremålet med visitten er å lære om "
        "pasient- og brukartryggleiken her, saman med dykk som kjenner kvardagen best. "
        "Det som blir sagt, blir i rommet: vi snakkar om system og rutinar, aldri om "
        "einskildpersonar, og ingen skal få skulda for noko. Målet er å bli samde om opp "
        "til tre problem som vi følgjer opp saman. (Etter Helsedirektoratet, "
        "pasienttryggleiksvisittar.)"
    ),
}


def _from_question_bank(name: str) -> Any:
    """A function of the question bank's module, if that area provides it (it is built
    alongside this one; until then the visit mode uses its own fallbacks)."""
    try:
        module = importlib.import_module("visitt.walkround.question_bank")
    except ImportError:
        return None
    return getattr(module, name, None)


def opening_text(visit: Visit) -> str:
    """The organisation's opening script in its language form, or the method's short
    default (from the question bank's defaults when that module provides them)."""
    organisation = visit.organisation
    language = organisation.language if organisation.language in ("nb", "nn") else "nb"
    ensure_opening_script = _from_question_bank("ensure_opening_script")
    if ensure_opening_script is not None:
        try:
            script = ensure_opening_script(organisation, language)
        except TypeError:
            script = ensure_opening_script(organisation)
        if isinstance(script, OpeningScript):
            return script.text
        if isinstance(script, str):
            return script
    script = OpeningScript.objects.filter(organisation=organisation, language=language).first()
    return script.text if script else FALLBACK_OPENING[language]


def visit_questions(visit: Visit) -> list[Question]:
    """The questions for the visit (the question bank's choice when it offers one)."""
    questions_for_visit = _from_question_bank("questions_for_visit")
    if questions_for_visit is not None:
        return list(questions_for_visit(visit))
    return list(Question.objects.for_organisation(visit.organisation).current())


def by_theme(questions: list[Question]) -> list[tuple[str, str, list[Question]]]:
    """(theme, its label, its questions) in the method's theme order, keeping the
    questions' own order within a theme."""
    groups: dict[str, list[Question]] = {}
    for question in questions:
        groups.setdefault(question.theme, []).append(question)
    return [
        (theme.value, str(theme.label), groups[theme.value]) for theme in Theme if theme in groups
    ]


# --- Presentations -------------------------------------------------------------------


def walkround_for(visit: Visit) -> Walkround:
    walkround, _created = Walkround.objects.get_or_create(visit=visit)
    return walkround


def save_attendance(
    request: OrgRequest, visit: Visit, present_ids: set[int], observer_present: bool | None
) -> None:
    with transaction.atomic():
        participants = Participant.objects.filter(visit=visit)
        participants.filter(pk__in=present_ids).update(attended=True)
        participants.exclude(pk__in=present_ids).update(attended=False)
        if visit.unit_leader_id is not None:
            walkround = walkround_for(visit)
            Walkround.objects.filter(pk=walkround.pk).update(
                observer_present=observer_present, updated_at=timezone.now()
            )
        record(request, A.GROUP_CHANGED, target=visit, present=len(present_ids))


def add_substitute(request: OrgRequest, visit: Visit, name: str, profession_id: Any) -> Participant:
    name = name.strip()
    if not name:
        raise ModeError(_("Write the substitute's name."))
    if len(name) > 200:
        raise ModeError(_("The name is too long."))
    try:
        profession = Profession.objects.get(
            organisation_id=visit.organisation_id, pk=int(profession_id), is_active=True
        )
    except (TypeError, ValueError, Profession.DoesNotExist):
        raise ModeError(_("Choose the substitute's profession.")) from None
    with transaction.atomic():
        participant = Participant.objects.create(
            visit=visit, name=name, profession=profession, attended=True, is_substitute=True
        )
        record(request, A.GROUP_CHANGED, target=visit, substitute=participant.pk)
    return participant


# --- Closing -------------------------------------------------------------------------


def minutes_between(start: time | None, end: time | None) -> int | None:
    if start is None or end is None:
        return None
    today = date.today()
    return int(
        (datetime.combine(today, end) - datetime.combine(today, start)).total_seconds() // 60
    )


def is_too_long(walkround: Walkround) -> bool:
    minutes = minutes_between(walkround.actual_start, walkround.actual_end)
    return minutes is not None and minutes > RECOMMENDED_MINUTES


def save_closing(
    request: OrgRequest,
    visit: Visit,
    *,
    version: int,
    summary: str,
    had_tour: bool | None,
    actual_start: time | None,
    actual_end: time | None,
    complete: bool,
) -> Walkround:
    """Saves the closing (the leader's summary, tour, actual times); with ``complete``
    also marks the visit conducted. A stale version is refused with nothing changed."""
    guard = check_text(summary)
    if guard.blocked:
        raise ModeError(" ".join(guard.messages()))
    if actual_start and actual_end and actual_end <= actual_start:
        raise ModeError(_("The end time must be after the start time."))
    if complete and (actual_start is None or actual_end is None):
        raise ModeError(_("Fill in the actual start and end time to complete the walkround."))
    if complete and visit.is_conducted:
        raise ModeError(_("This visit is already conducted."))
    with transaction.atomic():
        walkround = walkround_for(visit)
        now = timezone.now()
        changes: dict[str, Any] = {
            "summary": summary.strip(),
            "had_tour": had_tour,
            "actual_start": actual_start,
            "actual_end": actual_end,
            "version": F("version") + 1,
            "updated_at": now,
        }
        if complete:
            changes.update(completed_at=now, completed_by=request.user)
        updated = Walkround.objects.filter(pk=walkround.pk, version=version).update(**changes)
        if not updated:
            raise ModeError(
                _(
                    "Someone else saved the closing while you were writing. Reload the page to see their version."
                )
            )
        walkround.refresh_from_db()
        if complete:
            try:
                visit.mark_conducted(by=request.user)
            except VisitTransitionError as error:
                raise ModeError(str(error)) from None
            attended = Participant.objects.filter(visit=visit, attended=True).count()
            record(
                request,
                A.VISIT_CONDUCTED,
                target=visit,
                attended=attended,
                minutes=minutes_between(actual_start, actual_end),
            )
        else:
            record(request, A.VISIT_CHANGED, target=visit, closing=walkround.version)
    return walkround
