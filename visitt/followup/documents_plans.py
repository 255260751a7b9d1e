"""The action plan printed and downloaded in the layout of Vedlegg 3 ("Eksempel på
fremdriftsplan etter gjennomført pasient- og brukersikkerhetsvisitt"): the date and the
unit at the top, one row per problem with the aim, the measures, the actions, who is
responsible and when, and the participants at the bottom.

The participants are the conversation group by profession; by name only when the
organisation has chosen so (Organisation.minutes_show_names). The same PlanDocument
feeds the PDF (WeasyPrint) and the Word file (python-docx), in the organisation's
language form."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import slugify
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
from visitt.planning.group import Participant
from visitt.planning.models import Visit

from . import services_plans as services

DASH = "\u2013"  # an en dash for an empty cell


def short_date(day: date | None) -> str:
    """'10.11.2017', as Vedlegg 3 writes it."""
    return f"{day:%d.%m.%Y}" if day else ""


@dataclass
class PlanAction:
    what: str
    responsible: str
    when: str
    status: str


@dataclass
class PlanRow:
    number: int
    problem: str
    description: str
    aim: str
    target: str
    measures: list[str]
    actions: list[PlanAction]


@dataclass
class PlanDocument:
    visit: Visit
    organisation: Organisation
    language: str
    title: str
    date: str
    unit: str
    rows: list[PlanRow]
    participants: list[str] = field(default_factory=list)
    headings: dict[str, str] = field(default_factory=dict)

    @property
    def filename_stem(self) -> str:
        return f"tiltaksplan-{slugify(self.unit)}-{self.visit.date:%Y-%m-%d}"


def _measure_text(measure) -> str:
    parts = [measure.name]
    details = [d for d in (measure.unit, measure.get_frequency_display().lower()) if d]
    if details:
        parts.append(f"({', '.join(details)})")
    return " ".join(parts)


def participants_of(visit: Visit, show_names: bool) -> list[str]:
    """The conversation group who took part (everyone not marked absent), by profession:
    'Sykepleier (2)', or with names 'Sykepleier: Anne Ås, Bente Bø'."""
    people = (
        Participant.objects.filter(visit=visit)
        .exclude(attended=False)
        .select_related("profession")
        .order_by("profession__name", "name")
    )
    if show_names:
        by_profession: dict[str, list[str]] = {}
        for person in people:
            by_profession.setdefault(person.profession.name, []).append(person.name)
        return [f"{name}: {', '.join(names)}" for name, names in by_profession.items()]
    counts = Counter(person.profession.name for person in people)
    return [f"{name} ({count})" for name, count in counts.items()]


def build_plan(visit: Visit) -> PlanDocument:
    """The plan of ``visit`` in its organisation's language form (five queries)."""
    organisation = visit.organisation
    language = organisation.language or "nb"
    with translation.override(language):
        rows = [_row(problem) for problem in services.plan_of(visit)] if visit.is_conducted else []
        headings = {
            "problem": _("Identified problem"),
            "aim": _("Aim: what do we want to achieve?"),
            "measures": _("Which measures can show that the change is an improvement?"),
            "actions": _("Which concrete actions will we take to reach the aim?"),
            "responsible": _("Who is responsible?"),
            "when": _("When are the changes made?"),
            "date": _("Date"),
            "unit": _("Unit"),
            "participants": _("Participants"),
            "none": _("No actions yet."),
            "target": _("Target"),
        }
        title = _("Action plan after the patient and user safety walkround")
    return PlanDocument(
        visit=visit,
        organisation=organisation,
        language=language,
        title=title,
        date=short_date(visit.date),
        unit=visit.unit.name,
        rows=rows,
        participants=participants_of(visit, organisation.minutes_show_names),
        headings=headings,
    )


def _row(problem) -> PlanRow:
    aim = services.aim_of(problem)
    return PlanRow(
        number=problem.number,
        problem=problem.title,
        description=problem.description,
        aim=aim.text if aim else "",
        target=aim.target if aim else "",
        measures=[_measure_text(m) for m in problem.measures.all()],
        actions=[
            PlanAction(
                what=action.what,
                responsible=str(action.owner) if action.owner else "",
                when=short_date(action.due_date),
                status=str(action.get_status_display()),
            )
            for action in problem.actions.all()
        ],
    )


# --- PDF ------------------------------------------------------------------------------


def print_html(plan: PlanDocument) -> str:
    logo = logo_path(plan.organisation)
    return render_to_string(
        "followup/plan_print.html",
        {
            "plan": plan,
            # What the shared print layout reads: the language and the title.
            "letter": {"language": plan.language, "subject": f"{plan.title}: {plan.unit}"},
            "organisation": plan.organisation,
            "logo_url": logo.as_uri() if logo else "",
            "fonts_url": FONTS_DIR.as_uri(),
        },
    )


def plan_pdf(plan: PlanDocument) -> bytes:
    return html_to_pdf(print_html(plan))


# --- Word -------------------------------------------------------------------------------


def plan_docx(plan: PlanDocument) -> bytes:
    """The plan as a Word file (A4 landscape, one table row per problem)."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = Document()
    section = document.sections[0]
    docx_a4(section, margin_cm=1.8, landscape=True)

    docx_setup(
        document,
        language=plan.language,
        font_size=10,
        title=f"{plan.title}: {plan.unit}",
        organisation=plan.organisation,
    )
    docx_letterhead(section, plan.organisation, logo_cm=1.2)

    h = plan.headings
    document.add_heading(plan.title, level=1)
    line = document.add_paragraph()
    line.add_run(f"{h['date']}: ").bold = True
    line.add_run(plan.date)
    line.add_run("    ")
    line.add_run(f"{h['unit']}: ").bold = True
    line.add_run(plan.unit)

    columns = ["problem", "aim", "measures", "actions", "responsible", "when"]
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, key in zip(table.rows[0].cells, columns, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(h[key]).bold = True
    # The heading row repeats on every page.
    row_properties = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    row_properties.append(repeat)

    for row in plan.rows:
        cells = table.add_row().cells
        _lines(cells[0], [f"{row.number}. {row.problem}", row.description])
        _lines(cells[1], [row.aim, f"{h['target']}: {row.target}" if row.target else ""])
        _lines(cells[2], row.measures)
        if row.actions:
            _lines(cells[3], [f"{a.what} ({a.status.lower()})" for a in row.actions])
            _lines(cells[4], [a.responsible or DASH for a in row.actions])
            _lines(cells[5], [a.when or DASH for a in row.actions])
        else:
            _lines(cells[3], [h["none"]])

    document.add_heading(h["participants"], level=2)
    for participant in plan.participants:
        document.add_paragraph(participant, style="List Bullet")

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _lines(cell, lines: list[str]) -> None:
    """One paragraph per non-empty line in a table cell."""
    lines = [line for line in lines if line]
    cell.text = lines[0] if lines else ""
    for line in lines[1:]:
        cell.add_paragraph(line)
