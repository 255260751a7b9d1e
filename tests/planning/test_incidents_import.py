"""Importing incident counts from the incident system's CSV: both separators and
encodings, row-by-row errors, all or nothing, replacing a month, and refusing a file that
holds anything like a fødselsnummer."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from visitt.audit.models import AuditEvent
from visitt.planning.incidents import import_incidents
from visitt.planning.preparation import IncidentCount

IMPORT = reverse("incident_import")
FNR = "15108695088"


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English, the msgids, whatever the catalogues say."""
    with translation.override("en"):
        yield


@pytest.fixture
def client_for(client_for, settings):
    """Signed-in clients that have chosen English (see english())."""

    def make(user):
        client = client_for(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def upload(client, content: str | bytes, name: str = "hendelser.csv"):
    raw = content.encode() if isinstance(content, str) else content
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, raw, content_type="text/csv")})


def stored() -> list[tuple[str, str, str, str, int]]:
    return sorted(
        (c.unit.code, c.period.isoformat()[:7], c.category, c.severity, c.count)
        for c in IncidentCount.objects.select_related("unit")
    )


SEMICOLON = """enhet;periode;kategori;alvorlighet;antall
SOL;2025-03;Legemiddelhåndtering;Ingen skade;4
SOL;2025-03;Fall;Moderat;1
Avdeling 1;2025-04-01;Fall;;2
"""


def test_the_coordinator_imports_a_semicolon_file_and_it_is_audited(world, client_for):
    world.ward.code = "AVD1"
    world.ward.save()

    response = upload(client_for(world.coordinator), SEMICOLON)

    assert response.status_code == 302
    assert stored() == [
        ("AVD1", "2025-04", "Fall", "unknown", 2),
        ("SOL", "2025-03", "Fall", "moderate", 1),
        ("SOL", "2025-03", "Legemiddelhåndtering", "none", 4),
    ]
    assert {c.created_by for c in IncidentCount.objects.all()} == {world.coordinator}
    event = AuditEvent.objects.get(action=AuditEvent.Action.INCIDENTS_CHANGED)
    assert event.data == {"imported": 3, "created": 3, "updated": 0}
    assert event.organisation == world.org


def test_a_comma_separated_cp1252_file_with_english_headings_is_read(world):
    raw = "unit,month,category,severity,count\r\nsol,2025-03,Legemiddelhåndtering,minor,7\r\n"

    result = import_incidents(world.org, raw.encode("cp1252"), by=world.coordinator)

    assert result.ok, result.errors
    assert stored() == [("SOL", "2025-03", "Legemiddelhåndtering", "minor", 7)]


def test_a_utf8_file_with_a_byte_order_mark_is_read(world):
    raw = "\ufeffEnhet;Periode;Kategori;Antall\nSolbakken sykehjem;03.2025;Fall;3\n"

    result = import_incidents(world.org, raw.encode("utf-8"), by=world.coordinator)

    assert result.ok, result.errors
    assert stored() == [("SOL", "2025-03", "Fall", "unknown", 3)]


def test_importing_the_same_month_again_replaces_its_counts(world, client_for):
    client = client_for(world.coordinator)
    upload(client, SEMICOLON)
    corrected = "enhet;periode;kategori;alvorlighet;antall\nSOL;2025-03;legemiddelhåndtering;Ingen skade;6\n"

    response = upload(client, corrected)

    assert response.status_code == 302
    counts = {
        (c.category, c.severity): c.count
        for c in IncidentCount.objects.filter(unit=world.unit, period=date(2025, 3, 1))
    }
    assert counts == {("Legemiddelhåndtering", "none"): 6, ("Fall", "moderate"): 1}
    assert AuditEvent.objects.filter(action=AuditEvent.Action.INCIDENTS_CHANGED).first().data == {
        "imported": 1,
        "created": 0,
        "updated": 1,
    }


def test_a_file_with_one_bad_row_imports_nothing_and_names_every_bad_row(world, client_for):
    raw = """enhet;periode;kategori;alvorlighet;antall
SOL;2025-03;Fall;;2
UKJENT;2025-03;Fall;;1
SOL;mars;Fall;;1
SOL;2025-03;Fall;Katastrofal;1
SOL;2025-04;Fall;;to
SOL;2999-01;Fall;;1
SOL;2025-05;;;1
SOL;2025-03;fall;;5
"""
    response = upload(client_for(world.coordinator), raw)

    assert response.status_code == 400
    assert not IncidentCount.objects.exists()
    lines = [line for line, _message in response.context["result"].errors]
    assert lines == [3, 4, 5, 6, 7, 8, 9]
    body = response.content.decode()
    assert "Nothing was imported" in body
    assert "UKJENT" in body


def test_a_file_with_anything_like_a_national_identity_number_is_refused_with_its_rows(
    world, client_for
):
    raw = f"""enhet;periode;kategori;antall;beskrivelse
SOL;2025-03;Fall;1;Falt på badet
SOL;2025-03;Legemiddelhåndtering;2;Gjelder {FNR}
SOL;2025-04;Fall;1;ok
SOL;2025-04;Legemiddelhåndtering;1;151086 95088
"""
    response = upload(client_for(world.coordinator), raw)

    assert response.status_code == 400
    assert not IncidentCount.objects.exists()
    assert response.context["result"].national_id_rows == [3, 5]
    body = response.content.decode()
    assert "national identity number" in body
    assert "3, 5" in body
    assert FNR not in body  # the page never repeats the number
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.INCIDENTS_CHANGED).exists()


def test_eleven_digits_that_are_not_a_national_identity_number_do_not_refuse_a_file(world):
    raw = "enhet;periode;kategori;antall;saksnummer\nSOL;2025-03;Fall;1;12345678901\n"

    result = import_incidents(world.org, raw.encode(), by=world.coordinator)

    assert result.ok, result.errors


def test_other_columns_are_never_stored_and_are_named_after_the_import(world, client_for):
    raw = "enhet;periode;kategori;antall;Beskrivelse\nSOL;2025-03;Fall;1;Beboer falt på badet\n"

    response = upload(client_for(world.coordinator), raw)

    assert response.status_code == 302
    assert stored() == [("SOL", "2025-03", "Fall", "unknown", 1)]
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Beskrivelse" in message for message in messages)


def test_a_category_that_describes_a_person_is_refused(world):
    raw = "enhet;periode;kategori;antall\nSOL;2025-03;Pasienten på rom 12 falt;1\n"

    result = import_incidents(world.org, raw.encode(), by=world.coordinator)

    assert [line for line, _m in result.errors] == [2]
    assert not IncidentCount.objects.exists()


def test_an_ambiguous_unit_name_asks_for_the_code(world):
    world.ward.name = world.unit.name
    world.ward.save()
    raw = "enhet;periode;kategori;antall\nSolbakken sykehjem;2025-03;Fall;1\n"

    result = import_incidents(world.org, raw.encode(), by=world.coordinator)

    assert "use its code" in result.errors[0][1]


def test_units_of_another_organisation_are_not_found(world):
    raw = "enhet;periode;kategori;antall\nHEM;2025-03;Fall;1\n"

    result = import_incidents(world.org, raw.encode(), by=world.coordinator)

    assert not result.ok
    assert not IncidentCount.objects.exists()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"enhet;periode;kategori;antall\n", "no rows"),
        (b"navn;kode\nSOL;1\n", "first row must name the columns"),
        (b"\x00\x01\x02binary", "not a text file"),
        (b'enhet;periode;kategori;antall\nSOL;2025-03;"Fall;1\n', "could not be read"),
    ],
)
def test_a_file_that_is_not_a_count_table_is_refused_with_a_reason(world, raw, message):
    result = import_incidents(world.org, raw, by=world.coordinator)

    assert not result.ok
    assert message in result.errors[0][1]


@pytest.mark.parametrize("persona", ["secretary", "unit_leader", "admin"])
def test_only_those_who_manage_visits_import(world, client_for, persona):
    response = upload(client_for(getattr(world, persona)), SEMICOLON)

    assert response.status_code == 403
    assert not IncidentCount.objects.exists()


def test_the_import_page_explains_the_columns(world, client_for):
    body = client_for(world.coordinator).get(IMPORT).content.decode()

    assert "enhet;periode;kategori;alvorlighet;antall" in body
