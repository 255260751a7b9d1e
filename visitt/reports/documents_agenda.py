"""The leadership meeting's agenda item as PDF (WeasyPrint) and Word (python-docx).

The item goes into the meeting papers, so it is written in the organisation's language
form, whatever language the person who downloads it reads the interface in. The same
AgendaDocument (headings and plain-text tables) feeds both formats, so they say the
same. Only titles, dates, statuses and the reasons the participants are told are
shown: never the confidential notes or the debrief."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from visitt.organisations.models import Organisation
from visitt.planning.documents import (
    FONTS_DIR,
    docx_a4,
    docx_letterhead,
    docx_setup,
    html_to_pdf,
    logo_path,
)

from .agenda import Agenda, agenda_for
from .meetings import LeadershipMeeting

DASH = "\u2013"


def long_date(day: date | None) -> str:
    """'23. november 2026' in the active language."""
    return date_format(day, "j. F Y") if day else ""


@dataclass
class Section:
    """A heading and a table (or a line saying there is nothing)."""

    title: str
    level: int = 2
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    empty: str = ""
    note: str = ""


@dataclass
class AgendaDocument:
    organisation: Organisation
    language: str
    title: str
    period: str
    sections: list[Section]
    held_on: date

    @property
    def filename_stem(self) -> str:
        return f"ledermote-{self.held_on:%Y-%m-%d}"


def build_document(meeting: LeadershipMeeting) -> AgendaDocument:
    """The item made for ``meeting``, in the organisation's language form."""
    organisation = meeting.organisation
    language = organisation.language or "nb"
    with translation.override(language):
        agenda = agenda_for(meeting)
        return _document(agenda, meeting, language)


def _period(agenda: Agenda) -> str:
    if agenda.since is None:
        return _("The three months from %(starts)s to %(until)s (the first agenda item)") % {
            "starts": long_date(agenda.starts) if agenda.starts else "",
            "until": long_date(agenda.until),
        }
    return _("From %(since)s to %(until)s") % {
        "since": long_date(agenda.since),
        "until": long_date(agenda.until),
    }


def _document(agenda: Agenda, meeting: LeadershipMeeting, language: str) -> AgendaDocument:
    unit, when = _("Unit"), _("Date")
    sections = [
        Section(
            _("Visits conducted"),
            columns=[unit, when, _("Type"), _("Status"), _("Minutes")],
            rows=[
                [
                    line.visit.unit.name,
                    long_date(line.visit.date),
                    str(line.visit.get_kind_display()),
                    str(line.visit.get_status_display()),
                    str(line.minutes_label),
                ]
                for line in agenda.visits
            ],
            empty=_("No visits were conducted in the period."),
        ),
        Section(
            _("New problems"),
            columns=[_("Problem"), unit, when, _("Category"), _("Responsibility level")],
            rows=[
                [
                    f"{p.number}. {p.title}",
                    p.visit.unit.name,
                    long_date(p.visit.date),
                    p.category.name if p.category else DASH,
                    str(p.get_level_display()) or DASH,
                ]
                for p in agenda.problems
            ],
            empty=_("No new problems in the period."),
        ),
        Section(
            _("Progress on the actions"),
            columns=[_("Action"), unit, _("Responsible"), _("Status"), _("Progress")],
            rows=[_progress_row(p) for p in agenda.progress],
            empty=_("No action changed status in the period."),
        ),
        Section(
            _("PDSA cycles"),
            columns=[_("Plan"), _("Action"), _("Start"), _("End"), _("Decision")],
            rows=[
                [
                    cycle.plan,
                    f"{cycle.action.what} ({cycle.action.problem.visit.unit.name})",
                    long_date(cycle.start_date),
                    long_date(cycle.end_date) or DASH,
                    str(cycle.get_decision_display()) if cycle.decision else _("Running"),
                ]
                for cycle in agenda.pdsa
            ],
            empty=_("No PDSA cycles ran in the period."),
        ),
        Section(
            _("Overdue"),
            note=_("As of %(date)s.") % {"date": long_date(agenda.overdue_as_of)},
        ),
    ]
    for listing in agenda.overdue:
        shown = len(listing.rows)
        sections.append(
            Section(
                f"{listing.title} ({listing.count})",
                level=3,
                columns=[_("What"), when, _("Status")],
                rows=[
                    [row.text, long_date(row.when) or DASH, str(row.tag) or DASH]
                    for row in listing.rows
                ],
                empty=str(listing.empty),
                note=(
                    _("Showing %(shown)s of %(total)s.") % {"shown": shown, "total": listing.count}
                    if listing.count > shown
                    else ""
                ),
            )
        )
    return AgendaDocument(
        organisation=agenda.organisation,
        language=language,
        title=_("Patient and user safety walkrounds: leadership meeting %(date)s")
        % {"date": long_date(meeting.held_on)},
        period=_period(agenda),
        sections=sections,
        held_on=meeting.held_on,
    )


def _progress_row(progress) -> list[str]:
    action = progress.action
    notes = [
        _("%(date)s: %(before)s → %(after)s")
        % {"date": long_date(c.on), "before": c.before_label, "after": c.after_label}
        for c in progress.changes
    ]
    if action.status == action.Status.NOT_POSSIBLE and action.reason:
        notes.append(_("Why not possible now: %(reason)s") % {"reason": action.reason})
    if action.progress_note:
        notes.append(action.progress_note)
    return [
        action.what,
        action.problem.visit.unit.name,
        str(action.owner) if action.owner else DASH,
        str(action.get_status_display()),
        "\n".join(notes) or DASH,
    ]


# --- PDF ------------------------------------------------------------------------------


def print_html(document: AgendaDocument) -> str:
    logo = logo_path(document.organisation)
    return render_to_string(
        "reports/agenda_print.html",
        {
            "document": document,
            # What the shared print layout reads: the language and the title.
            "letter": {"language": document.language, "subject": document.title},
            "organisation": document.organisation,
            "logo_url": logo.as_uri() if logo else "",
            "fonts_url": FONTS_DIR.as_uri(),
        },
    )


def agenda_pdf(document: AgendaDocument) -> bytes:
    return html_to_pdf(print_html(document))


# --- Word -------------------------------------------------------------------------------


def agenda_docx(document: AgendaDocument) -> bytes:
    """The item as a Word file (A4 landscape: the tables have five columns)."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    word = Document()
    section = word.sections[0]
    docx_a4(section, margin_cm=1.8, landscape=True)
    docx_setup(
        word,
        language=document.language,
        font_size=10,
        title=document.title,
        organisation=document.organisation,
    )
    docx_letterhead(section, document.organisation, logo_cm=1.2)

    word.add_heading(document.title, level=1)
    word.add_paragraph(document.period)
    for part in document.sections:
        word.add_heading(part.title, level=part.level)
        if part.note:
            word.add_paragraph(part.note)
        if not part.columns:
            continue
        if not part.rows:
            word.add_paragraph(part.empty)
            continue
        table = word.add_table(rows=1, cols=len(part.columns))
        table.style = "Table Grid"
        for cell, heading in zip(table.rows[0].cells, part.columns, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(heading).bold = True
        # The heading row repeats on every page.
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        table.rows[0]._tr.get_or_add_trPr().append(repeat)
        for row in part.rows:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                lines = text.split("\n")
                cell.text = lines[0]
                for line in lines[1:]:
                    cell.add_paragraph(line)

    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
