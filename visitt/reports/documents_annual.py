"""The annual summary as a document: the page, the PDF (WeasyPrint, charts as SVG) and
the Word file (python-docx, the charts' numbers as tables) show the same sections.

The content is services_annual.summary_content(): the frozen snapshot of a reviewed
summary, else the figures computed now. This module only names and formats it: a
status or a goal's measure is named in the language the document is made in, so the
page reads in the reader's language and the files in the organisation's language form.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from visitt.followup.plans import Action
from visitt.organisations.models import Organisation
from visitt.planning.documents import (
    FONTS_DIR,
    docx_a4,
    docx_letterhead,
    docx_setup,
    html_to_pdf,
    logo_path,
)
from visitt.planning.plan import PlanGoal
from visitt.walkround.questions import Theme

from . import services_annual as services
from .annual import AnnualSummary, SummaryDecision
from .charts import bar_chart_svg

DASH = "\u2013"


def long_date(day: date | str | None) -> str:
    """'23. november 2026' in the active language (an ISO string from a snapshot too)."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return date_format(day, "j. F Y") if day else ""


def percent(value: float | None) -> str:
    return f"{number_format(value, 1)} %" if value is not None else DASH


def days(value: float | None) -> str:
    if value is None:
        return DASH
    shown = number_format(value, 0 if float(value).is_integer() else 1)
    return _("%(days)s days") % {"days": shown}


def ratio(figure: dict[str, Any] | None) -> str:
    if not figure:
        return DASH
    return _("%(part)s of %(whole)s (%(percent)s)") % {
        "part": figure["part"],
        "whole": figure["whole"],
        "percent": percent(figure["percent"]),
    }


@dataclass
class Section:
    """A heading with a chart, a table and lines of text (each optional)."""

    key: str
    title: str
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    empty: str = ""
    chart: str = ""
    chart_title: str = ""


@dataclass
class AnnualDocument:
    summary: AnnualSummary
    organisation: Organisation
    language: str
    title: str
    sections: list[Section]
    learning_points: str
    decisions: list[SummaryDecision]
    status_line: str
    headings: dict[str, str]

    @property
    def filename_stem(self) -> str:
        return f"arsoppsummering-{self.summary.year}"


def _chart(key: str, bars: list[tuple[str, int]], title: str) -> str:
    """The bar chart with ids of its own, so that several fit on one page."""
    description = ", ".join(f"{label}: {value}" for label, value in bars) or _("Nothing to show.")
    svg = bar_chart_svg(bars, title=title, description=description)
    return svg.replace("bar-chart-title", f"{key}-chart-title").replace(
        "bar-chart-desc", f"{key}-chart-desc"
    )


def _yes_no(met: bool | None) -> str:
    if met is None:
        return _("Not assessed")
    return _("Yes") if met else _("No")


def _goals(content: dict[str, Any]) -> Section:
    section = Section(
        "goals",
        _("The plan's goals against the outcome"),
        columns=[_("Goal"), _("How it is measured"), _("Target"), _("Result"), _("Met")],
        empty=_("The year has no annual plan with goals.")
        if not content["has_plan"]
        else _("The annual plan has no goals."),
    )
    for goal in content["goals"]:
        try:
            measure = str(PlanGoal.Measure(goal["measure"]).label)
        except ValueError:
            measure = goal["measure"]
        result = percent(goal["result"])
        if goal.get("counted"):
            part, whole = goal["counted"]
            # Only the units goal counts units; the others count minutes, actions, visits.
            if goal["measure"] == PlanGoal.Measure.UNITS_VISITED:
                counted = _("%(part)s of %(whole)s units") % {"part": part, "whole": whole}
            else:
                counted = _("%(part)s of %(whole)s") % {"part": part, "whole": whole}
            result += f" ({counted})"
        section.rows.append(
            [goal["text"], measure, percent(goal["target"]), result, _yes_no(goal["met"])]
        )
    return section


def _visits(content: dict[str, Any]) -> list[Section]:
    visits = content["visits"]
    bars = [
        (pgettext("visits", "Planned"), visits["planned"]),
        (pgettext("visits", "Done"), visits["done"]),
        (_("Postponed"), visits["postponed_visits"]),
        (_("Follow-up visits done"), visits["follow_ups_done"]),
    ]
    done = Section(
        "visits",
        _("Visits and units"),
        columns=[_("What"), _("Number")],
        rows=[
            [_("Walkrounds in the year (planned)"), str(visits["planned"])],
            [_("Walkrounds done"), str(visits["done"])],
            [_("Walkrounds not done, date passed"), str(visits["not_done_past"])],
            [_("Walkrounds still to come"), str(visits["coming"])],
            [_("Visits postponed"), str(visits["postponed_visits"])],
            [
                _("Follow-up visits done (of planned)"),
                f"{visits['follow_ups_done']} / {visits['follow_ups_planned']}",
            ],
            [
                _("Active units visited"),
                f"{visits['units_covered']} / {visits['units_active']} "
                f"({percent(visits['units_percent'])})",
            ],
        ],
        chart=_chart("visits", bars, _("Visits in %(year)s") % {"year": content["year"]}),
        chart_title=_("Visits in %(year)s") % {"year": content["year"]},
    )
    if visits.get("units_through_sub_units"):  # absent from summaries reviewed before
        done.lines.append(
            _("Visited through their sub-units and not counted on their own: %(units)s.")
            % {"units": ", ".join(visits["units_through_sub_units"])}
        )
    if visits["units_not_covered"]:
        done.lines.append(
            _("Active units without a walkround: %(units)s.")
            % {"units": ", ".join(visits["units_not_covered"])}
        )
    postponed = Section(
        "postponements",
        _("Postponements"),
        columns=[_("Unit"), _("From"), _("To"), _("Reason")],
        rows=[
            [p["unit"], long_date(p["from_date"]), long_date(p["to_date"]), p["reason"]]
            for p in visits["postponements"]
        ],
        empty=_("No visit was postponed."),
    )
    return [done, postponed]


def _key_figures(content: dict[str, Any]) -> Section:
    figures = content.get("key_figures")
    section = Section(
        "key-figures",
        _("Key figures"),
        columns=[_("Key figure"), _("Result")],
        empty=_("The key figures are not available."),
    )
    if figures:
        names = [
            ("minutes_on_time", _("Minutes signed within four working days")),
            ("actions_on_time", _("Actions done by their deadline")),
            ("feedback_in_time", _("Feedback given in time")),
            ("follow_ups_done", _("Follow-up visits done")),
        ]
        section.rows = [[label, ratio(figures.get(name))] for name, label in names]
    return section


def _problems(content: dict[str, Any]) -> Section:
    problems = content["problems"]
    bars = [(name, count) for name, count in problems["by_category"]]
    theme_names = dict(Theme.choices)
    section = Section(
        "problems",
        _("Problems by category"),
        columns=[_("Category"), _("Problems")],
        rows=[[name, str(count)] for name, count in bars],
        empty=_("No problems from conducted visits in the year."),
    )
    if bars:
        section.chart_title = _("Problems per category, %(period)s") % {"period": content["year"]}
        section.chart = _chart("problems", bars, section.chart_title)
        section.rows.append([_("Total"), str(problems["total"])])
    themes = [f"{theme_names.get(value, value)}: {count}" for value, count in problems["by_theme"]]
    if themes:
        section.lines.append(_("By theme: %(themes)s.") % {"themes": ", ".join(themes)})
    for item in problems["recurring"]:
        section.lines.append(
            _("Recurring: %(category)s (%(units)s).")
            % {"category": item["category"], "units": ", ".join(item["units"])}
        )
    return section


def _actions(content: dict[str, Any]) -> list[Section]:
    actions = content["actions"]
    labels = dict(Action.Status.choices)
    bars = [(str(labels.get(status, status)), count) for status, count in actions["by_status"]]
    overview = Section(
        "actions",
        _("Actions"),
        columns=[_("Status"), _("Actions")],
        rows=[[label, str(count)] for label, count in bars],
        empty=_("No actions on the year's problems."),
    )
    if actions["total"]:
        overview.rows.append([_("Total"), str(actions["total"])])
        overview.chart_title = _("Actions by status")
        overview.chart = _chart("actions", bars, overview.chart_title)
        overview.lines.append(
            _("Open actions past their deadline: %(count)s.") % {"count": actions["overdue"]}
        )
    else:
        overview.rows = []
    not_possible = Section(
        "not-possible",
        _("Actions not possible now, with the reasons"),
        columns=[_("Unit"), _("Problem"), _("Action"), _("Why it is not possible now")],
        rows=[[a["unit"], a["problem"], a["what"], a["reason"]] for a in actions["not_possible"]],
        empty=_("No action was found not possible."),
    )
    return [overview, not_possible]


def _times(content: dict[str, Any]) -> Section:
    times = content["times"]
    return Section(
        "times",
        _("Time from the visit"),
        columns=[_("From the visit to"), _("Median"), _("Counted")],
        rows=[
            [
                _("Signed minutes"),
                days(times["days_to_signed_minutes"]),
                ngettext(
                    "%(count)s signed minutes, %(on_time)s within the deadline (%(percent)s)",
                    "%(count)s signed minutes, %(on_time)s within the deadline (%(percent)s)",
                    times["minutes_signed"],
                )
                % {
                    "count": times["minutes_signed"],
                    "on_time": times["minutes_on_time"],
                    "percent": percent(times["minutes_on_time_percent"]),
                },
            ],
            [
                _("First feedback to the group"),
                days(times["days_to_first_feedback"]),
                ngettext(
                    "%(count)s visit with feedback",
                    "%(count)s visits with feedback",
                    times["visits_with_feedback"],
                )
                % {"count": times["visits_with_feedback"]},
            ],
            [
                _("Actions done"),
                days(times["days_to_done_action"]),
                ngettext("%(count)s action done", "%(count)s actions done", times["actions_done"])
                % {"count": times["actions_done"]},
            ],
        ],
    )


def verdict_name(verdict: str) -> str:
    names = {
        "improvement": _("Improvement"),
        "deterioration": _("Deterioration"),
        "signal": _("Non-random variation"),
        "none": _("No signal"),
        "too_few": _("Too few data points"),
    }
    return str(names.get(verdict, verdict))


def _measures(content: dict[str, Any]) -> Section:
    measures = content["measures"]
    improved = sum(1 for m in measures if m["verdict"] == "improvement")
    section = Section(
        "measures",
        _("Improvements shown by measures"),
        columns=[_("Measure"), _("Unit"), _("Problem"), _("Run chart"), _("In words")],
        rows=[
            [
                m["name"],
                m["unit"],
                m["problem"],
                verdict_name(m["verdict"]),
                m["words"],
            ]
            for m in measures
        ],
        empty=_("No measure has data in the year."),
    )
    if measures:
        section.lines.append(
            ngettext(
                "%(improved)s of %(count)s measure shows an improvement (Anhøj rules).",
                "%(improved)s of %(count)s measures show an improvement (Anhøj rules).",
                len(measures),
            )
            % {"improved": improved, "count": len(measures)}
        )
    return section


def _surveys(content: dict[str, Any]) -> Section:
    surveys = content.get("surveys")
    section = Section(
        "surveys",
        _("Staff pulse surveys"),
        columns=[_("Survey"), _("Unit"), _("Answers"), _("Mean per statement (1-5)")],
        empty=_("No pulse survey in the year.")
        if surveys is not None
        else _("The survey results are not available."),
    )
    for survey in surveys or []:
        if survey["shown"]:
            means = "; ".join(
                f"{text}: {number_format(mean, 1) if mean is not None else DASH}"
                for text, mean in survey["statements"]
            )
        else:
            means = _("Shown when at least five have answered.")
        title = survey["title"]
        if survey.get("opens_on"):
            title = f"{title} ({long_date(survey['opens_on'])})"
        section.rows.append([title, survey["unit"], str(survey["count"]), means])
    return section


def _status_line(summary: AnnualSummary, content: dict[str, Any], *, exact: bool) -> str:
    """Reviewed, or a draft computed when. The files say only the day: the PDF is laid
    out once per content (annual_pdf), and the minute would make every layout new."""
    if summary.is_locked:
        return _("Reviewed %(date)s in %(where)s. The figures are as they were then.") % {
            "date": long_date(summary.reviewed_on),
            "where": summary.reviewed_in,
        }
    computed_at = content.get("computed_at")
    if computed_at is None or not exact:
        return _("Draft: the figures are computed from today's data (%(date)s).") % {
            "date": long_date(content["computed_on"])
        }
    moment = datetime.fromisoformat(computed_at)
    return _("Draft: the figures were computed from the data at %(time)s on %(date)s.") % {
        "time": formats.time_format(moment, "TIME_FORMAT"),
        "date": long_date(moment.date()),
    }


def build(
    summary: AnnualSummary, *, language: str | None = None, for_files: bool = False
) -> AnnualDocument:
    """The document in ``language`` (the active language when None); ``for_files`` for
    the PDF and Word file (their status line gives the day, the page's the minute)."""
    content = services.summary_content(summary)
    decisions = list(summary.decisions.all()) if summary.pk else []
    with translation.override(language or translation.get_language()):
        sections = [
            _goals(content),
            *_visits(content),
            _key_figures(content),
            _problems(content),
            *_actions(content),
            _times(content),
            _measures(content),
            _surveys(content),
        ]
        headings = {
            "learning": _("Learning points from the top leader"),
            "no_learning": _("The top leader has not written learning points yet."),
            "decisions": _("Decisions of the leadership group"),
            "no_decisions": _("No decisions recorded."),
            "decision": _("Decision"),
            "responsible": _("Responsible"),
            "due": _("Due date"),
            "legal": _(
                "The walkround part of the management's annual review (forskrift om ledelse "
                "og kvalitetsforbedring i helse- og omsorgstjenesten §§ 6-9): what was "
                "planned, done, evaluated and corrected."
            ),
        }
        return AnnualDocument(
            summary=summary,
            organisation=summary.organisation,
            language=language or translation.get_language() or "nb",
            title=_("Annual summary %(year)s: patient and user safety walkrounds")
            % {"year": summary.year},
            sections=sections,
            learning_points=summary.learning_points,
            decisions=decisions,
            status_line=_status_line(summary, content, exact=not for_files),
            headings=headings,
        )


def build_for_files(summary: AnnualSummary) -> AnnualDocument:
    """The document in the organisation's language form, for the meeting papers."""
    return build(summary, language=summary.organisation.language or "nb", for_files=True)


# --- PDF ------------------------------------------------------------------------------


def print_html(document: AnnualDocument) -> str:
    logo = logo_path(document.organisation)
    with translation.override(document.language):
        return render_to_string(
            "reports/annual_print.html",
            {
                "doc": document,
                "letter": {"language": document.language, "subject": document.title},
                "organisation": document.organisation,
                "logo_url": logo.as_uri() if logo else "",
                "fonts_url": FONTS_DIR.as_uri(),
            },
        )


# A large organisation's summary runs to forty pages, which WeasyPrint lays out in
# seconds; the same printed HTML gives the same PDF, so it is made once and then served
# from the shared cache (every node sees it) until the content, or the day, changes.
PDF_CACHE_SECONDS = 24 * 60 * 60


def annual_pdf(document: AnnualDocument) -> bytes:
    html = print_html(document)
    key = "annual-pdf:" + hashlib.sha256(html.encode()).hexdigest()
    pdf = cache.get(key)
    if pdf is None:
        pdf = html_to_pdf(html)
        cache.set(key, pdf, PDF_CACHE_SECONDS)
    return pdf


# --- Word -------------------------------------------------------------------------------


def annual_docx(document: AnnualDocument) -> bytes:
    """The summary as a Word file: the charts' numbers are in the tables."""
    from docx import Document

    word = Document()
    section = word.sections[0]
    docx_a4(section, margin_cm=2.0)
    docx_setup(
        word,
        language=document.language,
        font_size=10,
        title=document.title,
        organisation=document.organisation,
    )
    docx_letterhead(section, document.organisation, logo_cm=1.2)
    h = document.headings
    word.add_heading(document.title, level=1)
    word.add_paragraph(h["legal"])
    word.add_paragraph(document.status_line)

    for part in document.sections:
        word.add_heading(part.title, level=2)
        if part.rows:
            _table(word, part.columns, part.rows)
        elif part.empty:
            word.add_paragraph(part.empty)
        for line in part.lines:
            word.add_paragraph(line)

    word.add_heading(h["learning"], level=2)
    for paragraph in (document.learning_points or h["no_learning"]).split("\n\n"):
        word.add_paragraph(paragraph.strip())

    word.add_heading(h["decisions"], level=2)
    if document.decisions:
        with translation.override(document.language):
            rows = [
                [d.text, d.responsible or DASH, long_date(d.due_date) or DASH]
                for d in document.decisions
            ]
        _table(word, [h["decision"], h["responsible"], h["due"]], rows)
    else:
        word.add_paragraph(h["no_decisions"])

    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _table(word: Any, columns: list[str], rows: list[list[str]]) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table = word.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, columns, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(title).bold = True
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = value
