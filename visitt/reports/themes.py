"""Learning across units: problems by category and theme, and the recurring ones.

Query functions only; every count is aggregated in the database (values().annotate()),
so the number of queries does not grow with the number of units, visits or problems.
Only problems of conducted visits of one organisation are counted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils.translation import gettext

from visitt.organisations.models import Organisation, Unit
from visitt.planning.models import Visit
from visitt.walkround.problems import Problem, ProblemCategory
from visitt.walkround.questions import Theme

# A category found in this many units in the period is flagged "across units".
ACROSS_UNITS_THRESHOLD = 3


def problems_in_scope(
    organisation: Organisation, *, year: int | None = None, unit_ids: set[int] | None = None
) -> QuerySet[Problem]:
    """Problems of the organisation's conducted visits, in ``year`` and in ``unit_ids``."""
    problems = Problem.objects.filter(organisation=organisation).exclude(
        visit__status__in=Visit.NOT_YET_CONDUCTED
    )
    if year is not None:
        problems = problems.filter(visit__date__year=year)
    if unit_ids is not None:
        problems = problems.filter(visit__unit_id__in=unit_ids)
    return problems


def years_with_problems(organisation: Organisation) -> list[int]:
    """The years that have problems, newest first (two queries).

    Counted by date ranges, not by extracting each visit's year: SQLite extracts a year
    in Python, row by row, and the largest organisation has thousands of problems."""
    scope = problems_in_scope(organisation)
    bounds = scope.aggregate(first=Min("visit__date"), last=Max("visit__date"))
    if bounds["first"] is None:
        return []
    years = range(bounds["last"].year, bounds["first"].year - 1, -1)
    counts = scope.aggregate(
        **{
            str(year): Count(
                "pk",
                filter=Q(visit__date__gte=date(year, 1, 1), visit__date__lt=date(year + 1, 1, 1)),
            )
            for year in years
        }
    )
    return [year for year in years if counts[str(year)]]


@dataclass
class Column:
    category_id: int | None
    name: str


@dataclass
class Row:
    unit: Unit
    counts: list[int]
    total: int


@dataclass
class Visited:
    visit_id: int
    date: date
    unit: Unit


@dataclass
class Recurring:
    """A category that comes back: in several units, or in the same unit again."""

    category: Column
    across_units: bool
    recurring_units: list[Unit]
    units: list[Unit]
    visits: list[Visited] = field(default_factory=list)


@dataclass
class ThemeAnalysis:
    columns: list[Column]
    rows: list[Row]
    column_totals: list[int]
    total: int
    themes: list[tuple[str, str, int]]  # (value, label, count)
    recurring: list[Recurring]

    @property
    def bars(self) -> list[tuple[str, int]]:
        return [(c.name, n) for c, n in zip(self.columns, self.column_totals, strict=True)]


def analyse(
    problems: QuerySet[Problem], units: list[Unit], categories: list[ProblemCategory]
) -> ThemeAnalysis:
    """The units-by-categories table, the theme counts and the recurring categories.

    ``units`` and ``categories`` are already loaded (the organisation's); three queries.
    """
    unit_by_id = {unit.pk: unit for unit in units}
    cells: dict[tuple[int, int | None], int] = {}
    visits_per_cell: dict[tuple[int, int | None], int] = {}
    for row in (
        problems.values("visit__unit_id", "category_id")
        .annotate(n=Count("pk"), visits=Count("visit_id", distinct=True))
        .order_by()
    ):
        key = (row["visit__unit_id"], row["category_id"])
        cells[key] = row["n"]
        visits_per_cell[key] = row["visits"]

    used_categories = {category_id for _, category_id in cells}
    columns = [Column(c.pk, c.name) for c in categories if c.is_active or c.pk in used_categories]
    if None in used_categories:
        columns.append(Column(None, gettext("No category")))

    rows = []
    for unit_id in sorted({u for u, _ in cells}, key=lambda pk: unit_by_id[pk].name.lower()):
        counts = [cells.get((unit_id, column.category_id), 0) for column in columns]
        rows.append(Row(unit_by_id[unit_id], counts, sum(counts)))
    column_totals = [sum(row.counts[i] for row in rows) for i in range(len(columns))]

    theme_counts = {
        row["theme"]: row["n"]
        for row in problems.exclude(theme="").values("theme").annotate(n=Count("pk")).order_by()
    }
    themes = [(value, str(label), theme_counts.get(value, 0)) for value, label in Theme.choices]

    recurring = _recurring(problems, columns, cells, visits_per_cell, unit_by_id)
    return ThemeAnalysis(columns, rows, column_totals, sum(column_totals), themes, recurring)


def _recurring(problems, columns, cells, visits_per_cell, unit_by_id) -> list[Recurring]:
    units_per_category: dict[int, list[int]] = defaultdict(list)
    for unit_id, category_id in cells:
        if category_id is not None:
            units_per_category[category_id].append(unit_id)
    found: dict[int, Recurring] = {}
    for column in columns:
        if column.category_id is None:
            continue
        unit_ids = units_per_category.get(column.category_id, [])
        again = [
            unit_id
            for unit_id in unit_ids
            if visits_per_cell.get((unit_id, column.category_id), 0) >= 2
        ]
        across = len(unit_ids) >= ACROSS_UNITS_THRESHOLD
        if across or again:

            def by_name(pk: int) -> str:
                return unit_by_id[pk].name.lower()

            found[column.category_id] = Recurring(
                column,
                across_units=across,
                recurring_units=[unit_by_id[pk] for pk in sorted(again, key=by_name)],
                units=[unit_by_id[pk] for pk in sorted(unit_ids, key=by_name)],
            )
    if not found:
        return []
    # The visits behind the flags, for the links to their action plans (one query).
    seen: set[tuple[int, int]] = set()
    for row in (
        problems.filter(category_id__in=found)
        .values("category_id", "visit_id", "visit__date", "visit__unit_id")
        .order_by("visit__date", "visit_id")
    ):
        key = (row["category_id"], row["visit_id"])
        if key in seen:
            continue
        seen.add(key)
        found[row["category_id"]].visits.append(
            Visited(row["visit_id"], row["visit__date"], unit_by_id[row["visit__unit_id"]])
        )
    return list(found.values())
