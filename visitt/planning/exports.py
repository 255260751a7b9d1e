"""The year view as files: a printable PDF (WeasyPrint) and a spreadsheet (openpyxl).

Both are built from the same YearOverview as the page, so the numbers never differ.
"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .documents import FONTS_DIR, html_to_pdf
from .goals import GoalOutcome
from .plan import YearOverview

PDF_TYPE = "application/pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_CELL = "DD.MM.YYYY"
TIME_CELL = "HH:MM"


def year_pdf(request: HttpRequest, overview: YearOverview) -> bytes:
    """The year view on A4 landscape, rendered like the letters (documents.html_to_pdf:
    our fonts only, nothing fetched from elsewhere, tagged for screen readers)."""
    html = render_to_string(
        "planning/print/plan_year.html",
        {
            "overview": overview,
            "printed_at": timezone.localtime(),
            "fonts_url": FONTS_DIR.as_uri(),
        },
        request=request,
    )
    return html_to_pdf(html)


def _append(sheet: Worksheet, values: list[Any]) -> None:
    """Appends a row in which all text stays text: openpyxl would store a goal or unit
    name that starts with "=" as a formula, which Excel would then run."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"


def _header(sheet: Worksheet, titles: list[str], widths: list[int]) -> None:
    sheet.append(titles)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def _result(outcome: GoalOutcome) -> Any:
    if not outcome.measurable:
        return _("Not yet measurable")
    return float(outcome.result) if outcome.result is not None else ""


def _met(outcome: GoalOutcome) -> str:
    if outcome.met is None:
        return ""
    return _("Yes") if outcome.met else _("No")


def year_xlsx(overview: YearOverview) -> bytes:
    """Two sheets: the visits (real date and time cells) and the goals."""
    book = Workbook()
    visits = book.active
    assert visits is not None
    visits.title = _("Visits")[:31]
    _header(
        visits,
        [
            _("Unit"),
            _("Part of"),
            _("Date"),
            _("Start time"),
            _("Duration (minutes)"),
            _("Type"),
            _("Status"),
            _("Visit leader"),
            _("Postponed"),
        ],
        [34, 28, 12, 10, 12, 18, 14, 28, 11],
    )
    for visit in overview.visits:
        _append(
            visits,
            [
                visit.unit.name,
                visit.unit.parent.name if visit.unit.parent else "",
                visit.date,
                visit.start_time,
                visit.duration_minutes,
                str(visit.get_kind_display()),
                str(visit.get_status_display()),
                visit.visit_leader.get_full_name() or visit.visit_leader.email,
                _("Yes") if getattr(visit, "was_postponed", False) else _("No"),
            ],
        )
        row = visits.max_row
        visits.cell(row=row, column=3).number_format = DATE_CELL
        visits.cell(row=row, column=4).number_format = TIME_CELL

    goals = book.create_sheet(_("Goals")[:31])
    _header(
        goals,
        [_("Goal"), _("How it is measured"), _("Target (%)"), _("Result (%)"), _("Met")],
        [50, 44, 11, 20, 8],
    )
    for outcome in overview.goals:
        goal = outcome.goal
        _append(
            goals,
            [
                goal.text,
                str(goal.get_measure_display()),
                float(goal.target) if goal.target is not None else "",
                _result(outcome),
                _met(outcome),
            ],
        )
    book.properties.title = _("Annual plan %(year)d") % {"year": overview.year}
    book.properties.created = datetime.now()
    out = BytesIO()
    book.save(out)
    return out.getvalue()
