"""Importing units from CSV: all rows or none, with an error for every wrong row."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from visitt.audit.models import AuditEvent
from visitt.organisations.models import Unit

URL = "/organisasjon/enheter/importer/"


def upload(client, content: str | bytes, encoding: str = "utf-8"):
    raw = content.encode(encoding) if isinstance(content, str) else content
    return client.post(
        URL, {"file": SimpleUploadedFile("enheter.csv", raw, content_type="text/csv")}
    )


@pytest.fixture
def admin(world, client_for):
    return client_for(world.admin)


def units(org) -> dict[str, tuple[str | None, str, str]]:
    """name -> (parent name, kind, code)"""
    return {
        u.name: (u.parent.name if u.parent else None, u.kind, u.code)
        for u in Unit.objects.filter(organisation=org).select_related("parent")
    }


# --- Good files -----------------------------------------------------------------------


def test_a_semicolon_file_imports_every_row(world, admin):
    response = upload(
        admin,
        "navn;overordnet;type;kode\n"
        "Fjellheim sykehjem;;Sykehjem;FJ\n"
        "Fjellheim avdeling 1;FJ;Avdeling;FJ-1\n"
        "Hjemmetjenesten;;home_care;\n",
    )

    assert response.status_code == 302
    found = units(world.org)
    assert len(found) == 5
    assert found["Fjellheim sykehjem"] == (None, Unit.Kind.NURSING_HOME, "FJ")
    assert found["Fjellheim avdeling 1"] == ("Fjellheim sykehjem", Unit.Kind.WARD, "FJ-1")
    assert found["Hjemmetjenesten"] == (None, Unit.Kind.HOME_CARE, "")
    event = AuditEvent.objects.get(action=AuditEvent.Action.UNITS_IMPORTED)
    assert (event.organisation, event.data) == (world.org, {"count": 3})


def test_a_comma_file_with_english_headings_and_a_quoted_name_imports(world, admin):
    response = upload(
        admin,
        "name,part_of,type,code\n"
        '"Legevakt, interkommunal",,Emergency clinic,LV\n'
        '"Fjellheim ""gamle"" sykehjem",,nursing_home,\n',
    )

    assert response.status_code == 302
    found = units(world.org)
    assert found["Legevakt, interkommunal"] == (None, Unit.Kind.EMERGENCY, "LV")
    assert found['Fjellheim "gamle" sykehjem'] == (None, Unit.Kind.NURSING_HOME, "")


def test_a_windows_1252_file_keeps_æøå(world, admin):
    content = "navn;del av;type\nSætre bo- og behandlingssenter;;\nØvre Å avdeling;Sætre bo- og behandlingssenter;Avdeling\n"

    response = upload(admin, content, encoding="cp1252")

    assert response.status_code == 302
    assert units(world.org)["Øvre Å avdeling"] == (
        "Sætre bo- og behandlingssenter",
        Unit.Kind.WARD,
        "",
    )


def test_a_utf8_file_with_byte_order_mark_imports(world, admin):
    response = upload(admin, "\ufeffnavn;kode\nÅsgård;ÅS\n")
    assert response.status_code == 302
    assert units(world.org)["Åsgård"] == (None, Unit.Kind.OTHER, "ÅS")


def test_a_parent_can_be_an_existing_unit_by_code_or_by_name(world, admin):
    response = upload(
        admin,
        "navn;overordnet\nAvdeling 2;SOL\nAvdeling 3;sol\nAvdeling 4;Solbakken sykehjem\n",
    )

    assert response.status_code == 302
    found = units(world.org)
    for name in ("Avdeling 2", "Avdeling 3", "Avdeling 4"):
        assert found[name][0] == "Solbakken sykehjem"


def test_a_parent_can_be_an_earlier_row_by_name(world, admin):
    response = upload(
        admin,
        "navn;overordnet\nLindeheim;\nLindeheim post A;Lindeheim\nGruppe 1;Lindeheim post A\n",
    )

    assert response.status_code == 302
    found = units(world.org)
    assert found["Lindeheim post A"][0] == "Lindeheim"
    assert found["Gruppe 1"][0] == "Lindeheim post A"


def test_the_example_on_the_import_page_imports(world, admin):
    page = admin.get(URL).content.decode()
    example = re.search(r"<pre[^>]*>(.*?)</pre>", page, re.DOTALL).group(1)

    response = upload(admin, example)

    assert response.status_code == 302
    assert Unit.objects.filter(organisation=world.org).count() == 4


# --- Bad files: 400, an error per row, nothing imported ---------------------------------


def assert_refused(response, world, count: int, rows: list[int]) -> None:
    assert response.status_code == 400
    assert Unit.objects.count() == count, "nothing is imported when a row is wrong"
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UNITS_IMPORTED).exists()
    result = response.context["result"]
    assert [line for line, _message in result.errors] == rows
    assert all(message for _line, message in result.errors)


BAD_FILES = {
    "unknown type": ("navn;type\nA;Sykehjem\nB;Romskip\nC;ward\n", [3]),
    "unknown parent": ("navn;overordnet\nA;\nB;Finnes ikke\nC;A\n", [3]),
    "duplicate code in the file": ("navn;kode\nA;X1\nB;x1\n", [3]),
    "code another unit has": ("navn;kode\nA;sol\n", [2]),
    "missing name in a row": ("navn;kode\nA;K1\n;K2\n", [3]),
    "several wrong rows": ("navn;type;overordnet\nA;Romskip;\nB;;Ukjent\nC;;\n", [2, 3]),
    "a row part of itself": ("navn;overordnet\nA;A\n", [2]),
    "code longer than 40": ("navn;kode\nA;" + "K" * 41 + "\n", [2]),
    "unclosed quote": ('navn;kode\nA;K1\n"B;K2\n', [3]),
    "stray quote": ('navn;kode\nA;K1\n"B"x;K2\n', [3]),
}


@pytest.mark.parametrize("content,rows", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_imports_nothing_and_lists_the_wrong_rows(content, rows, world, admin):
    count = Unit.objects.count()
    assert_refused(upload(admin, content), world, count, rows)


def test_a_file_without_a_name_column_is_refused(world, admin):
    count = Unit.objects.count()
    assert_refused(upload(admin, "kode;type\nK1;ward\n"), world, count, [1])


def test_an_ambiguous_parent_name_is_refused(world, admin):
    Unit.objects.create(organisation=world.org, name="Avdeling 1", parent=None)  # a second one
    count = Unit.objects.count()
    assert_refused(upload(admin, "navn;overordnet\nGruppe;Avdeling 1\n"), world, count, [2])


def test_a_deactivated_unit_is_not_a_parent(world, admin):
    world.ward.deactivate()
    count = Unit.objects.count()
    assert_refused(upload(admin, "navn;overordnet\nGruppe;Avdeling 1\n"), world, count, [2])


def test_rows_that_are_part_of_each_other_are_refused(world, admin):
    count = Unit.objects.count()
    response = upload(admin, "navn;overordnet\nA;B\nB;A\n")
    assert response.status_code == 400
    assert Unit.objects.count() == count


def test_a_unit_of_another_organisation_is_not_a_parent(world, admin):
    count = Unit.objects.count()
    assert_refused(upload(admin, "navn;overordnet\nSnik;HEM\n"), world, count, [2])


def test_an_empty_file_is_refused(world, admin):
    count = Unit.objects.count()
    response = upload(admin, b"")
    assert response.status_code == 400
    assert "file" in response.context["form"].errors
    assert Unit.objects.count() == count


@pytest.mark.parametrize("content", ["\n\n  \n", "navn;kode\n", "\ufeff"])
def test_a_file_without_units_is_refused(content, world, admin):
    count = Unit.objects.count()
    response = upload(admin, content)
    assert response.status_code == 400
    assert response.context["result"].errors
    assert Unit.objects.count() == count


def test_a_binary_file_is_refused(world, admin):
    count = Unit.objects.count()
    response = upload(admin, "navn\nA\n".encode("utf-16"))
    assert response.status_code == 400
    assert Unit.objects.count() == count


def test_the_errors_are_shown_row_by_row(world, admin):
    response = upload(admin, "navn;type\nA;Romskip\nB;Månebase\n")
    page = response.content.decode()
    assert "Romskip" in page and "Månebase" in page
    assert page.count("<li>") >= 2


def test_non_admins_cannot_import(world, client_for):
    count = Unit.objects.count()
    response = upload(client_for(world.coordinator), "navn\nA\n")
    assert response.status_code == 403
    assert Unit.objects.count() == count
