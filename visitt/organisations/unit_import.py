"""CSV import of units: every row is checked first, and nothing is saved unless all are good."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from visitt.core.csvfile import CsvFileError, one_line, read_rows

from .models import Organisation, Unit

MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000

# Accepted header names (Norwegian and English) for each column.
COLUMNS = {
    "name": {"name", "navn", "namn", "enhet", "eining"},
    "part_of": {"part_of", "parent", "overordnet", "del av", "del_av"},
    "kind": {"type", "kind", "enhetstype"},
    "code": {"code", "kode"},
}


# Unit types as people write them in Norwegian, so an import does not depend on the
# interface's translation catalogues being compiled.
KIND_ALIASES = {
    Unit.Kind.NURSING_HOME: {"sykehjem", "sjukeheim"},
    Unit.Kind.WARD: {"avdeling", "post", "sengepost"},
    Unit.Kind.HOME_CARE: {"hjemmetjeneste", "hjemmetjenesten", "heimeteneste", "heimetenesta"},
    Unit.Kind.EMERGENCY: {"legevakt"},
    Unit.Kind.CARE_CENTRE: {
        "helse- og omsorgssenter",
        "bo- og behandlingssenter",
        "bu- og behandlingssenter",
    },
    Unit.Kind.HEALTH_CENTRE: {"helsestasjon"},
    Unit.Kind.MENTAL_HEALTH: {"psykisk helse og rus", "rus og psykisk helse"},
    Unit.Kind.HOSPITAL_DEPARTMENT: {"sykehusavdeling", "sjukehusavdeling"},
    Unit.Kind.SERVICE_AREA: {"tjenesteområde", "tenesteområde"},
    Unit.Kind.OTHER: {"annet", "anna", "annen"},
}


def _kind_lookup() -> dict[str, str]:
    """Unit types by code, Norwegian word and interface label (nb, nn, en), lower-cased."""
    from django.utils import translation

    lookup: dict[str, str] = {}
    for value, label in Unit.Kind.choices:
        lookup[value.lower()] = value
        lookup.update(dict.fromkeys(KIND_ALIASES.get(Unit.Kind(value), ()), value))
        for language in ("nb", "nn", "en"):
            with translation.override(language):
                lookup[str(label).lower()] = value
    return lookup


@dataclass
class ImportResult:
    errors: list[tuple[int, str]] = field(default_factory=list)
    created: list[Unit] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def import_units(organisation: Organisation, raw: bytes) -> ImportResult:
    """Creates the units in ``raw`` (CSV) or, if any row is wrong, none of them.

    A row's part_of names a unit by code or by name: an existing one, or another row
    of the file. Costs one query to read the organisation's units and one per new unit.
    """
    result = ImportResult()
    try:
        rows = read_rows(raw, max_bytes=MAX_BYTES)
    except CsvFileError as error:
        result.errors.append((error.line, error.message))
        return result

    header = [heading.strip().lower() for heading in rows[0][1]]
    positions: dict[str, int] = {}
    for column, names in COLUMNS.items():
        for index, heading in enumerate(header):
            if heading in names:
                positions[column] = index
    if "name" not in positions:
        result.errors.append(
            (
                rows[0][0],
                _(
                    "The first row must name the columns, and one of them must be “name” (or “navn”)."
                ),
            )
        )
        return result
    body = rows[1:]
    if not body:
        result.errors.append((0, _("The file is empty.")))
        return result
    if len(body) > MAX_ROWS:
        result.errors.append(
            (0, _("At most %(max)d units can be imported at once.") % {"max": MAX_ROWS})
        )
        return result

    existing = list(Unit.objects.for_organisation(organisation))
    kinds = _kind_lookup()

    def cell(row: list[str], column: str) -> str:
        index = positions.get(column)
        return one_line(row[index]) if index is not None and index < len(row) else ""

    planned: list[tuple[int, Unit, str]] = []  # line, unit, parent reference
    for line, row in body:
        name, parent_ref = cell(row, "name"), cell(row, "part_of")
        kind_text, code = cell(row, "kind"), cell(row, "code")
        if not name:
            result.errors.append((line, _("The name is missing.")))
            continue
        if len(name) > Unit._meta.get_field("name").max_length:  # type: ignore[operator]
            result.errors.append((line, _("The name is longer than 200 characters.")))
            continue
        if len(code) > Unit._meta.get_field("code").max_length:  # type: ignore[operator]
            result.errors.append((line, _("The code is longer than 40 characters.")))
            continue
        kind = Unit.Kind.OTHER.value
        if kind_text:
            if kind_text.lower() not in kinds:
                result.errors.append(
                    (line, _("Unknown unit type “%(type)s”.") % {"type": kind_text})
                )
                continue
            kind = kinds[kind_text.lower()]
        planned.append(
            (line, Unit(organisation=organisation, name=name, kind=kind, code=code), parent_ref)
        )

    # Codes are unique in the organisation, whatever the case.
    by_code: dict[str, Unit] = {u.code.lower(): u for u in existing if u.code}
    for line, unit, _ref in planned:
        if unit.code:
            if unit.code.lower() in by_code:
                result.errors.append(
                    (line, _("Another unit already has the code “%(code)s”.") % {"code": unit.code})
                )
            else:
                by_code[unit.code.lower()] = unit
    by_name: dict[str, list[Unit]] = {}
    for unit in [*existing, *(unit for _line, unit, _ref in planned)]:
        by_name.setdefault(unit.name.lower(), []).append(unit)

    # Parents may be existing units or other rows: by code first, then by name.
    resolved: list[tuple[Unit, Unit | None]] = []
    for line, unit, parent_ref in planned:
        parent: Unit | None = None
        if parent_ref:
            key = parent_ref.lower()
            candidates = [by_code[key]] if key in by_code else by_name.get(key, [])
            if len(candidates) > 1:
                result.errors.append(
                    (
                        line,
                        _("More than one unit is called “%(name)s”; use its code.")
                        % {"name": parent_ref},
                    )
                )
                continue
            if not candidates or candidates[0] is unit:
                result.errors.append(
                    (line, _("Found no unit “%(name)s” to be part of.") % {"name": parent_ref})
                )
                continue
            parent = candidates[0]
            if not parent.is_active:
                # An active unit is never under a deactivated one (see views.unit_deactivate).
                result.errors.append(
                    (line, _("Reactivate %(parent)s first.") % {"parent": parent.name})
                )
                continue
        resolved.append((unit, parent))
    if result.errors:
        result.errors.sort(key=lambda error: error[0])
        return result

    with transaction.atomic():
        pending = list(resolved)
        # Save parents before children; a cycle within the file can never resolve.
        while pending:
            progress = False
            for item in list(pending):
                unit, parent = item
                if parent is None or parent.pk is not None:
                    unit.parent = parent
                    unit.save()
                    result.created.append(unit)
                    pending.remove(item)
                    progress = True
            if not progress:
                transaction.set_rollback(True)
                result.created.clear()
                result.errors.append((0, _("Some rows are part of each other in a circle.")))
                return result
    return result
