"""The action plan as PDF and Word in the layout of Vedlegg 3, read back with pypdf and
python-docx (visitt.followup.documents_plans)."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date

import docx
import pypdf
import pytest
from django.urls import reverse

from tests.conftest import make_user
from tests.followup.support_plans import make_planned
from tests.planning.test_documents import pdf_text
from visitt.followup import documents_plans as documents
from visitt.followup.plans import Action, Aim, Measure
from visitt.organisations.models import Role


def docx_text(content: bytes) -> str:
    """Paragraphs, table cells and the header of a Word file, as one line."""
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    parts += [p.text for p in document.sections[0].header.paragraphs]
    return " ".join(" ".join(parts).split())


@pytest.fixture
def planned(world):
    planned = make_planned(world)
    sores = planned.problems[0]
    Aim.objects.create(
        problem=sores,
        text="Forebygge nye trykksår",
        target="Redusere antall trykksår med 30 % innen mars",
    )
    Measure.objects.create(problem=sores, name="Antall nye trykksår per måned", unit="antall")
    Action.objects.create(
        problem=sores,
        what="Bytte madrasser",
        owner=planned.owner,
        due_date=date(2026, 12, 1),
        created_by=world.secretary,
    )
    return planned


def test_the_pdf_has_the_date_the_unit_each_problem_and_the_group_by_profession(
    world, planned, en_client_for
):
    response = en_client_for(world.coordinator).get(
        reverse("action_plan_pdf", args=[planned.visit.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "tiltaksplan-solbakken-sykehjem" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert planned.visit.date.strftime("%d.%m.%Y") in text
    assert "Solbakken sykehjem" in text
    for expected in (
        "1. Trykksår og madrasser",
        "Forebygge nye trykksår",
        "30 % innen mars",
        "Antall nye trykksår per måned",
        "Bytte madrasser",
        "Tor Tiltakseier",
        "01.12.2026",
        "2. Armlener på toalettet",
        "3. Legemiddellister etter sykehus",
    ):
        assert expected in text, expected
    # Names are left out unless the organisation chose them; the absent are left out.
    assert "Per Pleier" not in text
    assert "(2)" in text
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape


def test_the_docx_has_one_row_per_problem_and_names_when_the_organisation_wants(
    world, planned, en_client_for
):
    world.org.minutes_show_names = True
    world.org.save()
    response = en_client_for(world.unit_leader).get(
        reverse("action_plan_docx", args=[planned.visit.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    document = docx.Document(io.BytesIO(response.content))
    table = document.tables[0]
    assert len(table.rows) == 1 + 3  # the heading row and one row per problem
    first = [cell.text for cell in table.rows[1].cells]
    assert first[0].startswith("1. Trykksår og madrasser")
    assert "30 % innen mars" in first[1]
    assert "Antall nye trykksår per måned" in first[2]
    assert first[3].startswith("Bytte madrasser")
    assert (first[4], first[5]) == ("Tor Tiltakseier", "01.12.2026")
    text = docx_text(response.content)
    assert "Per Pleier" in text and "Sara Sykepleier" in text
    assert "Ola Borte" not in text  # absent
    assert "Testkommune" in text
    section = document.sections[0]
    assert section.page_width > section.page_height


def test_a_contact_person_and_another_organisation_get_no_plan(world, planned, en_client_for):
    contact = make_user("kontakt@test.no", world.org, Role.CONTACT_PERSON)
    for name in ("action_plan_pdf", "action_plan_docx"):
        url = reverse(name, args=[planned.visit.pk])
        assert en_client_for(contact).get(url).status_code == 403
        assert en_client_for(world.outsider).get(url).status_code == 404


def test_building_the_plan_costs_a_fixed_number_of_queries(
    world, planned, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        documents.build_plan(planned.visit)


@pytest.mark.skipif(not shutil.which("libreoffice"), reason="LibreOffice is not installed")
def test_the_word_file_opens_in_libreoffice(world, planned, tmp_path):
    source = tmp_path / "tiltaksplan.docx"
    source.write_bytes(documents.plan_docx(documents.build_plan(planned.visit)))

    subprocess.run(
        ["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), source],
        check=True,
        capture_output=True,
        timeout=120,
    )

    text = pdf_text((tmp_path / "tiltaksplan.pdf").read_bytes())
    assert "Bytte madrasser" in text and "Solbakken sykehjem" in text
