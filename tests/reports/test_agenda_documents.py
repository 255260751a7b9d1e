"""The leadership meeting's agenda item as PDF and Word, read back with pypdf and
python-docx (visitt.reports.documents_agenda)."""

from __future__ import annotations

import io
from datetime import timedelta

import docx
import pypdf
import pytest
from django.urls import reverse
from django.utils import translation

from tests.planning.test_documents import pdf_text
from tests.reports.agenda_support import build, other_organisation_visit, signed_in
from visitt.reports import documents_agenda as documents
from visitt.reports.agenda import record_meeting

pytestmark = pytest.mark.django_db

EXPECTED = (
    "Solbakken sykehjem",  # the visit after the last meeting
    "Avdeling 1",  # the conducted visit without minutes
    "Fall på badet 0",  # a new problem
    "Fall",  # its category
    "Nye sklisikre matter 0",  # done
    "Nytt sykesignalanlegg 0",  # not possible now …
    "Budsjettet er brukt opp",  # … and why
    "Opplæring i ny rutine 0",  # a status change
    "Teste matter på ett bad 0",  # a PDSA cycle
    "Teste rutinen på natt 0",  # a running PDSA cycle
    "Forfalt tiltak 0",  # overdue
)


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
def made(world):
    w = build(world)
    other_organisation_visit(world)
    meeting, _ = record_meeting(world.org, w.today, world.coordinator)
    return w, meeting


def test_the_pdf_holds_every_section_of_the_item(world, made):
    w, meeting = made
    response = signed_in(world.top_leader).get(reverse("leadership_agenda_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"ledermote-{w.today:%Y-%m-%d}.pdf" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    for expected in EXPECTED:
        assert expected in text, expected
    assert "Testkommune" in text
    # Not before the last meeting, and never the other organisation's.
    assert "Gammelt problem" not in text
    assert "Gammel syklus" not in text
    assert "Hemmeleg" not in text
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape


def test_the_word_file_opens_and_says_the_same(world, made):
    w, meeting = made
    response = signed_in(world.secretary).get(reverse("leadership_agenda_docx", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert f"ledermote-{w.today:%Y-%m-%d}.docx" in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    # Visits, problems, progress, PDSA and the five overdue lists that have rows.
    assert len(document.tables) >= 5
    text = docx_text(response.content)
    for expected in EXPECTED:
        assert expected in text, expected
    assert "Gammelt problem" not in text and "Hemmeleg" not in text
    assert document.core_properties.author == "Testkommune"
    assert document.core_properties.language == "nb-NO"
    section = document.sections[0]
    assert section.page_width > section.page_height


def test_the_documents_are_in_the_organisations_language_form(world, made):
    _, meeting = made
    world.org.language = "nn"
    world.org.save()
    meeting.refresh_from_db()
    with translation.override("en"):
        document = documents.build_document(meeting)
    assert document.language == "nn"
    content = documents.agenda_docx(document)
    assert docx.Document(io.BytesIO(content)).core_properties.language == "nn-NO"
    # Dates in Norwegian, whatever language the person reads the interface in.
    months = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august")
    months += ("september", "oktober", "november", "desember")
    assert any(
        f"{meeting.held_on.day}. {m} {meeting.held_on.year}" in document.title for m in months
    )


def test_the_first_meeting_covers_everything_up_to_it(world):
    w = build(world)
    w.meeting.delete()
    first, _ = record_meeting(world.org, w.today - timedelta(days=30), world.coordinator)
    document = documents.build_document(first)
    visits = document.sections[0]
    assert [row[0] for row in visits.rows] == ["Solbakken sykehjem"]  # the visit before
    problems = " ".join(row[0] for row in document.sections[1].rows)
    assert "Gammelt problem 0" in problems and "Fall på badet" not in problems


def test_another_organisation_and_other_roles_get_no_document(world, made):
    _, meeting = made
    outsider = signed_in(world.outsider)
    unit_leader = signed_in(world.unit_leader)
    for name in ("leadership_agenda_pdf", "leadership_agenda_docx"):
        url = reverse(name, args=[meeting.pk])
        assert outsider.get(url).status_code == 404
        assert unit_leader.get(url).status_code == 403
        assert signed_in(world.coordinator).post(url).status_code == 405


def test_building_the_document_runs_the_same_queries_with_more_data(
    world, django_assert_max_num_queries
):
    w = build(world, rounds=3)
    meeting, _ = record_meeting(world.org, w.today, world.coordinator)
    meeting.refresh_from_db()
    with django_assert_max_num_queries(20):
        document = documents.build_document(meeting)
    assert len(document.sections[0].rows) == 6
