"""A measure's data points from a CSV file: periode;verdi;teller;nevner;kommentar.

Every row is checked first; if one is wrong nothing is imported and every wrong row is
named. A period that already has a point is updated (a re-import replaces), a new one
is added. Separated by semicolon or comma, UTF-8 or Windows encoding (visitt.core.csvfile).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from visitt.audit.models import AuditEvent
from visitt.audit.services import record
from visitt.core.csvfile import CsvFileError, one_line, read_rows
from visitt.core.personal_data import check_text
from visitt.followup.plans import Measure

from . import periods
from .models import MeasurePoint
from .services import ImprovementError, PointData, checked_fields, parse_number

if TYPE_CHECKING:
    from visitt.organisations.access import OrgRequest

MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000

COLUMNS = {
    "period": {"periode", "period", "måned", "månad", "mnd", "uke", "veke", "dato", "date"},
    "value": {"verdi", "value", "antall", "tal"},
    "numerator": {"teller", "numerator"},
    "denominator": {"nevner", "nemnar", "denominator"},
    "comment": {"kommentar", "merknad", "comment"},
}


@dataclass
class ImportResult:
    errors: list[tuple[int, str]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def saved(self) -> int:
        return self.created + self.updated


def _read(measure: Measure, raw: bytes, result: ImportResult) -> dict[date, dict[str, Any]]:
    """The checked rows by period; errors go to ``result``."""
    try:
        rows = read_rows(raw, max_bytes=MAX_BYTES)
    except CsvFileError as error:
        result.errors.append((error.line, error.message))
        return {}
    header = [heading.strip().lower() for heading in rows[0][1]]
    positions: dict[str, int] = {}
    for index, heading in enumerate(header):
        for column, names in COLUMNS.items():
            if heading in names and column not in positions:
                positions[column] = index
                break
        else:
            if heading:
                result.ignored_columns.append(rows[0][1][index].strip())
    if "period" not in positions or not (
        "value" in positions or {"numerator", "denominator"} <= positions.keys()
    ):
        result.errors.append(
            (
                rows[0][0],
                _(
                    "The first row must name the columns: periode and verdi, or periode, teller and nevner; kommentar is optional."
                ),
            )
        )
        return {}
    body = rows[1:]
    if not body:
        result.errors.append((0, _("The file has no rows with values.")))
        return {}
    if len(body) > MAX_ROWS:
        result.errors.append(
            (0, _("At most %(max)d rows can be imported at once.") % {"max": MAX_ROWS})
        )
        return {}

    def cell(row: list[str], column: str) -> str:
        index = positions.get(column)
        return one_line(row[index]) if index is not None and index < len(row) else ""

    today = timezone.localdate()
    checked: dict[date, dict[str, Any]] = {}
    lines: dict[date, int] = {}
    for line, row in body:
        period_text = cell(row, "period")
        period = periods.parse(period_text, measure.frequency)
        if period is None:
            result.errors.append(
                (
                    line,
                    _("“%(value)s” is not a period. %(hint)s")
                    % {"value": period_text, "hint": periods.hint(measure.frequency)},
                )
            )
            continue
        numbers: dict[str, Any] = {}
        unreadable = []
        for column in ("value", "numerator", "denominator"):
            text = cell(row, column)
            numbers[column] = parse_number(text)
            if text and numbers[column] is None:
                unreadable.append(text)
        if unreadable:
            result.errors.append(
                (
                    line,
                    _("“%(value)s” is not a number.") % {"value": unreadable[0]},
                )
            )
            continue
        comment = cell(row, "comment")
        guarded = check_text(comment) if comment else None
        if guarded is not None and (guarded.blocked or guarded.has_warnings):
            result.errors.append(
                (
                    line,
                    _(
                        "The comment may hold personal data. Write about the system, not a person, and import again."
                    ),
                )
            )
            continue
        data = PointData(period=period, comment=comment, **numbers)
        try:
            fields = checked_fields(measure, data, today)
        except ImprovementError as error:
            result.errors.append((line, " ".join(error.messages)))
            continue
        if fields["period"] in lines:
            result.errors.append(
                (
                    line,
                    _("%(period)s is also on row %(line)d.")
                    % {
                        "period": periods.label(fields["period"], measure.frequency),
                        "line": lines[fields["period"]],
                    },
                )
            )
            continue
        lines[fields["period"]] = line
        checked[fields["period"]] = fields
    return checked


def import_points(request: OrgRequest, measure: Measure, raw: bytes) -> ImportResult:
    """Stores the points in ``raw`` or, if any row is wrong, none of them."""
    result = ImportResult()
    checked = _read(measure, raw, result)
    if not result.ok:
        return result
    with transaction.atomic():
        existing = {
            point.period: point
            for point in MeasurePoint.objects.select_for_update().filter(
                measure=measure, period__in=list(checked)
            )
        }
        new = []
        for period, fields in checked.items():
            point = existing.get(period)
            if point is None:
                new.append(MeasurePoint(measure=measure, entered_by=request.user, **fields))
                continue
            MeasurePoint.objects.filter(pk=point.pk).update(
                version=F("version") + 1,
                updated_at=timezone.now(),
                entered_by=request.user,
                **fields,
            )
            result.updated += 1
        MeasurePoint.objects.bulk_create(new)
        result.created = len(new)
        record(
            request,
            AuditEvent.Action.MEASURE_DATA_CHANGED,
            target=measure.problem.visit,
            measure=measure.pk,
            imported=result.saved,
            created=result.created,
            updated=result.updated,
        )
    return result
