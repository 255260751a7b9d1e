"""Incident information (avviksrapporter) for preparing a visit: counts per unit, month,
category and severity, recorded by hand or imported from the incident system's CSV.

Only counts are kept. The method asks the coordinator to gather "rapporter om uønskede
hendelser" before a visit, but Visitt must never hold the reports' text or anything
about persons: columns other than the five below are ignored, and a file with anything
that looks like a fødselsnummer is refused as a whole, with the rows named.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from visitt.core.csvfile import CsvFileError, one_line, read_rows
from visitt.core.personal_data import check_text
from visitt.organisations.models import Organisation, Unit

from .preparation import IncidentCount
from .visits import Visit

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10000
MAX_COUNT = 100000
MONTHS_BEFORE_VISIT = 12

# Accepted header names (Norwegian, Nynorsk and English) for each column.
COLUMNS = {
    "unit": {"enhet", "eining", "unit", "enhetsnavn", "enhetskode", "avdeling"},
    "period": {"periode", "period", "month", "måned", "månad", "mnd"},
    "category": {"kategori", "category", "hendelsestype", "hendingstype"},
    "severity": {"alvorlighet", "alvorlighetsgrad", "alvorsgrad", "alvorlegheit", "severity"},
    "count": {"antall", "tal", "talet", "count", "number"},
}
REQUIRED = ("unit", "period", "category", "count")

# Severities as incident systems write them, so that an import does not depend on the
# interface's translation catalogues being compiled.
SEVERITY_ALIASES = {
    IncidentCount.Severity.NONE: {"ingen", "ingen skade", "ikkje skade", "ingen konsekvens"},
    IncidentCount.Severity.MINOR: {"liten", "liten skade", "mindre", "mindre skade", "lett"},
    IncidentCount.Severity.MODERATE: {"moderat", "moderat skade", "middels", "betydelig"},
    IncidentCount.Severity.SEVERE: {"alvorlig", "alvorleg", "alvorlig skade", "alvorleg skade"},
    IncidentCount.Severity.UNKNOWN: {"", "ukjent", "ikke klassifisert", "ikkje klassifisert"},
}


def _severity_lookup() -> dict[str, str]:
    from django.utils import translation

    lookup: dict[str, str] = {}
    for value, label in IncidentCount.Severity.choices:
        lookup[value] = value
        lookup.update(dict.fromkeys(SEVERITY_ALIASES.get(IncidentCount.Severity(value), ()), value))
        for language in ("nb", "nn", "en"):
            with translation.override(language):
                lookup[str(label).lower()] = value
    return lookup


# --- Months -------------------------------------------------------------------------

_YEAR_MONTH = re.compile(r"(\d{4})[-/.](\d{1,2})")
_MONTH_YEAR = re.compile(r"(\d{1,2})[-/.](\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NORWEGIAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def parse_month(text: str) -> date | None:
    """The first day of the month written as 2025-03, 03.2025, or as the month's first
    day (2025-03-01, 01.03.2025). None if it is none of these."""
    text = text.strip()
    day = 1
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _NORWEGIAN_DATE.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := _YEAR_MONTH.fullmatch(text):
        year, month = (int(part) for part in match.groups())
    elif match := _MONTH_YEAR.fullmatch(text):
        month, year = (int(part) for part in match.groups())
    else:
        return None
    if day != 1 or not 1 <= month <= 12 or year < 1900:
        return None
    return date(year, month, 1)


def month_problem(period: date, today: date | None = None) -> str | None:
    """Why a month cannot have counts, or None."""
    today = today or timezone.localdate()
    if period > today.replace(day=1):
        return _("The month is in the future.")
    if period.year < 2000:
        return _("The month is before the year 2000.")
    return None


def add_months(first_day: date, months: int) -> date:
    index = first_day.year * 12 + first_day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_before(day: date, count: int = MONTHS_BEFORE_VISIT) -> list[date]:
    """The ``count`` whole months before the month of ``day``, oldest first."""
    this_month = day.replace(day=1)
    return [add_months(this_month, -offset) for offset in range(count, 0, -1)]


# --- Recording one count --------------------------------------------------------------


def category_problem(category: str) -> str | None:
    """A category is a short label from the incident system, never a description."""
    if not category:
        return _("The category is missing.")
    if len(category) > IncidentCount._meta.get_field("category").max_length:  # type: ignore[operator]
        return _(
            "The category is longer than 100 characters. Use the incident system's category, not a description."
        )
    guard = check_text(category)
    if guard.blocked:
        return _("The category contains what looks like a national identity number.")
    if not guard.ok:
        return _(
            "The category looks like it says something about a person. Use the incident system's category."
        )
    return None


def clean_category(text: str) -> str:
    return " ".join(text.split())


def known_categories(organisation: Organisation) -> dict[str, str]:
    """The organisation's categories as first written, by lower case (one query), so that
    "fall" and "Fall" are counted as one."""
    spelled: dict[str, str] = {}
    categories = (
        IncidentCount.objects.for_organisation(organisation)
        .order_by("created_at")
        .values_list("category", flat=True)
    )
    for category in categories:
        spelled.setdefault(category.lower(), category)
    return spelled


def record_count(
    organisation: Organisation,
    *,
    unit: Unit,
    period: date,
    category: str,
    severity: str,
    count: int,
    by,
) -> tuple[IncidentCount, bool]:
    """Records one count, replacing the count of the same unit, month, category and
    severity (two queries). Returns it and whether it is new."""
    if unit.organisation_id != organisation.pk:
        raise ValueError("The unit belongs to another organisation.")
    category = clean_category(category)
    category = known_categories(organisation).get(category.lower(), category)
    return IncidentCount.objects.update_or_create(
        unit=unit,
        period=period,
        category=category,
        severity=severity,
        defaults={"count": count, "created_by": by, "organisation": organisation},
    )


# --- CSV import -------------------------------------------------------------------------


@dataclass
class ImportResult:
    errors: list[tuple[int, str]] = field(default_factory=list)
    # Rows with something that looks like a fødselsnummer: the file is refused.
    national_id_rows: list[int] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.national_id_rows

    @property
    def saved(self) -> int:
        return self.created + self.updated


def import_incidents(organisation: Organisation, raw: bytes, by) -> ImportResult:
    """Records the counts in ``raw`` (CSV) or, if any row is wrong, none of them.

    Re-importing a month replaces its counts (an upsert on unit, month, category and
    severity). Costs four queries however long the file is, plus the batched upsert.
    """
    result = ImportResult()
    try:
        rows = read_rows(raw, max_bytes=MAX_BYTES)
    except CsvFileError as error:
        result.errors.append((error.line, error.message))
        return result

    # 1. Anything that looks like a fødselsnummer, in any cell of any column, refuses
    #    the whole file: it should never have left the incident system.
    for line, row in rows:
        if any(check_text(value).blocked for value in row):
            result.national_id_rows.append(line)
    if result.national_id_rows:
        return result

    # 2. The heading row names the columns.
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
    missing = [column for column in REQUIRED if column not in positions]
    if missing:
        result.errors.append(
            (
                rows[0][0],
                _(
                    "The first row must name the columns: enhet (unit), periode (month), kategori (category) and antall (count); alvorlighet (severity) is optional."
                ),
            )
        )
        return result
    body = rows[1:]
    if not body:
        result.errors.append((0, _("The file has no rows with counts.")))
        return result
    if len(body) > MAX_ROWS:
        result.errors.append(
            (0, _("At most %(max)d rows can be imported at once.") % {"max": MAX_ROWS})
        )
        return result

    # 3. Check every row against the organisation's units and categories.
    units = list(Unit.objects.for_organisation(organisation))
    by_code = {unit.code.lower(): unit for unit in units if unit.code}
    by_name: dict[str, list[Unit]] = defaultdict(list)
    for unit in units:
        by_name[unit.name.lower()].append(unit)
    severities = _severity_lookup()
    categories = known_categories(organisation)
    today = timezone.localdate()

    def cell(row: list[str], column: str) -> str:
        index = positions.get(column)
        return one_line(row[index]) if index is not None and index < len(row) else ""

    planned: dict[tuple[int, date, str, str], tuple[int, int]] = {}  # key: (line, count)
    for line, row in body:
        unit_text, period_text = cell(row, "unit"), cell(row, "period")
        category, severity_text = cell(row, "category"), cell(row, "severity")
        count_text = cell(row, "count").replace(" ", "").replace("\u00a0", "")

        key = unit_text.lower()
        candidates = [by_code[key]] if key in by_code else by_name.get(key, [])
        if not unit_text:
            result.errors.append((line, _("The unit is missing.")))
            continue
        if not candidates:
            result.errors.append((line, _("Found no unit “%(unit)s”.") % {"unit": unit_text}))
            continue
        if len(candidates) > 1:
            result.errors.append(
                (
                    line,
                    _("More than one unit is called “%(name)s”; use its code.")
                    % {"name": unit_text},
                )
            )
            continue
        period = parse_month(period_text)
        if period is None:
            result.errors.append(
                (
                    line,
                    _("“%(value)s” is not a month. Write it as 2025-03.") % {"value": period_text},
                )
            )
            continue
        if problem := month_problem(period, today):
            result.errors.append((line, problem))
            continue
        if problem := category_problem(category):
            result.errors.append((line, problem))
            continue
        severity = severities.get(severity_text.lower())
        if severity is None:
            result.errors.append(
                (line, _("Unknown severity “%(value)s”.") % {"value": severity_text})
            )
            continue
        if not (count_text.isascii() and count_text.isdigit()) or int(count_text) > MAX_COUNT:
            result.errors.append((line, _("The count must be a whole number from 0 to 100000.")))
            continue
        category = categories.setdefault(category.lower(), category)
        row_key = (candidates[0].pk, period, category, severity)
        if row_key in planned:
            result.errors.append(
                (
                    line,
                    _("Row %(row)d has the same unit, month, category and severity.")
                    % {"row": planned[row_key][0]},
                )
            )
            continue
        planned[row_key] = (line, int(count_text))
    if result.errors:
        return result

    # 4. Save all rows, or none.
    existing = set(
        IncidentCount.objects.filter(
            unit_id__in={key[0] for key in planned}, period__in={key[1] for key in planned}
        ).values_list("unit_id", "period", "category", "severity")
    )
    result.created = sum(1 for key in planned if key not in existing)
    result.updated = len(planned) - result.created
    with transaction.atomic():
        IncidentCount.objects.bulk_create(
            [
                IncidentCount(
                    organisation=organisation,
                    unit_id=unit_pk,
                    period=period,
                    category=category,
                    severity=severity,
                    count=count,
                    created_by=by,
                )
                for (unit_pk, period, category, severity), (_line, count) in planned.items()
            ],
            update_conflicts=True,
            unique_fields=["unit", "period", "category", "severity"],
            update_fields=["count", "created_by"],
            batch_size=500,
        )
    return result


# --- The preparation page's summary ----------------------------------------------------


@dataclass
class IncidentTable:
    """A unit's counts by category (rows) and month (columns), with totals."""

    months: list[date]
    rows: list[tuple[str, list[int], int]]
    month_totals: list[int]
    by_severity: list[tuple[str, int]]
    total: int
    unit_count: int  # the visited unit and the units under it


def incident_table(visit: Visit) -> IncidentTable:
    """The last twelve whole months before the visit, for the visited unit and the units
    under it (two queries)."""
    units = Unit.objects.for_organisation(visit.organisation).only("pk", "parent_id")
    unit_ids = {visit.unit_id} | visit.unit.descendant_ids(units)
    months = months_before(visit.date)
    sums = (
        IncidentCount.objects.for_organisation(visit.organisation)
        .filter(unit_id__in=unit_ids)
        .in_months(months[0], months[-1])
        .values("category", "period", "severity")
        .annotate(total=Sum("count"))
        .order_by()
    )
    column = {month: index for index, month in enumerate(months)}
    grid: dict[str, list[int]] = defaultdict(lambda: [0] * len(months))
    severity_totals: dict[str, int] = defaultdict(int)
    for entry in sums:
        grid[entry["category"]][column[entry["period"]]] += entry["total"]
        severity_totals[entry["severity"]] += entry["total"]
    rows = sorted(
        ((category, counts, sum(counts)) for category, counts in grid.items()),
        key=lambda row: (-row[2], row[0].lower()),
    )
    month_totals = [sum(counts[index] for _c, counts, _t in rows) for index in range(len(months))]
    return IncidentTable(
        months=months,
        rows=rows,
        month_totals=month_totals,
        by_severity=[
            (str(label), severity_totals[value])
            for value, label in IncidentCount.Severity.choices
            if severity_totals.get(value)
        ],
        total=sum(month_totals),
        unit_count=len(unit_ids),
    )
