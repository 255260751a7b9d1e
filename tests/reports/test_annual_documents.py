"""The annual summary as PDF and Word, read back with pypdf and python-docx, for a
hand-built year and for the demo year."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from docx import Document
from pypdf import PdfReader

from tests.reports.annual_support import TODAY, YEAR, Year
from visitt.followup.plans import Action
from visitt.organisations.models import Organisation
from visitt.reports import documents_annual as documents
from visitt.reports import services_annual as services
from visitt.reports import tasks_annual as tasks
from visitt.reports.annual import AnnualSummary

PAGE = f"/arsoppsummering/{YEAR}/"


@pytest.fixture
def client_for(db):
    def make(user) -> Client:
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_the_pdf_reads_back_with_the_year_and_the_review(world, client_for):
    with time_machine.travel(TODAY, tick=False):
        Year(world)
        client = client_for(world.top_leader)
        client.post(PAGE, {"learning-learning_points": "Sokker hjelper.", "learning-version": "1"})
        client.post(
            PAGE + "behandlet/",
            {
                "review-reviewed_on": "2026-02-20",
                "review-reviewed_in": "Ledergruppa",
                "review-version": "2",
                "review-decision_0_text": "Fall som fast tema",
            },
        )
        # Changed after the review: the PDF keeps what was reviewed.
        Action.objects.filter(status=Action.Status.IN_PROGRESS).update(
            status=Action.Status.NOT_POSSIBLE, reason="Endret etterpå"
        )
        response = client.get(PAGE + "pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "arsoppsummering-2025.pdf" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    for expected in (
        "Testkommune",
        "2025",
        "Solbakken sykehjem",
        "Sykdom i personalgruppen",
        "Krever ombygging som ikke er budsjettert",
        "Legemidler",
        "Sokker hjelper.",
        "Fall som fast tema",
        "Ledergruppa",
    ):
        assert expected in text, expected
    assert "Endret etterpå" not in text


def test_the_pdf_has_the_charts_as_svg(world):
    with time_machine.travel(TODAY, tick=False):
        Year(world)
        summary = AnnualSummary(organisation=world.org, year=YEAR)
        html = documents.print_html(documents.build_for_files(summary))
    assert html.count('role="img"') == 3  # visits, problems, actions
    assert 'id="problems-chart-title"' in html
    assert 'lang="nb"' in html


def test_the_word_file_opens_with_python_docx(world, client_for):
    with time_machine.travel(TODAY, tick=False):
        Year(world)
        response = client_for(world.coordinator).get(PAGE + "word/")
    assert response.status_code == 200
    assert "arsoppsummering-2025.docx" in response["Content-Disposition"]
    text = docx_text(response.content)
    assert "Krever ombygging som ikke er budsjettert" in text
    assert "Sykdom i personalgruppen" in text
    assert "Fall" in text
    assert Document(io.BytesIO(response.content)).core_properties.author == "Testkommune"


def test_the_annual_summary_for_the_demo_year_read_back_from_the_pdf(db):
    from visitt.organisations.demo import seed_demo

    day = date(2026, 11, 23)
    with time_machine.travel(day, tick=False):
        seed_demo(day)
        demo = Organisation.objects.get(name="Demo kommune")
        years = services.years_with_data(demo)
        assert day.year in years
        summary = services.get_or_start(demo, day.year, None)
        content = services.figures(demo, day.year)
        document = documents.build_for_files(summary)
        text = pdf_text(documents.annual_pdf(document))
    assert content["visits"]["done"] > 0
    assert content["problems"]["total"] > 0
    assert "Demo kommune" in text
    assert str(day.year) in text
    for name, _count in content["problems"]["by_category"]:
        assert name in text
    for postponement in content["visits"]["postponements"]:
        assert postponement["unit"] in text
    for action in content["actions"]["not_possible"]:
        assert " ".join(action["reason"].split())[:30] in text
    # Solbakken sykehjem is visited ward by ward, and the summary says why it is not counted.
    assert content["visits"]["units_through_sub_units"] == ["Solbakken sykehjem"]
    assert "underenhetene" in text


def test_only_the_units_goal_counts_units(world):
    with time_machine.travel(TODAY, tick=False):
        Year(world)
        document = documents.build_for_files(AnnualSummary(organisation=world.org, year=YEAR))
    goals = next(section for section in document.sections if section.key == "goals")
    results = {row[0]: row[3] for row in goals.rows}
    units = [result for result in results.values() if "enheter)" in result]
    assert len(units) == 1 and "(1 av 1 enheter)" in units[0]
    assert any(result.endswith("(1 av 2)") for result in results.values()), results
    # A postponement is from one date to another (the audit log's "From" is an address).
    postponements = next(section for section in document.sections if section.key == "postponements")
    assert postponements.columns == ["Enhet", "Fra", "Til", "Begrunnelse"]


def test_the_files_are_in_the_organisations_language_form(world):
    with time_machine.travel(TODAY, tick=False):
        Year(world)  # Annen kommune (nynorsk) has a visit in 2025 too
        summary = AnnualSummary(organisation=world.other_org, year=YEAR)
        document = documents.build_for_files(summary)
        html = documents.print_html(document)
        word = Document(io.BytesIO(documents.annual_docx(document)))
    assert document.language == "nn"
    assert 'lang="nn"' in html
    assert word.core_properties.language == "nn-NO"
    assert "Solbakken" not in html


def test_last_years_reviewed_demo_summary_reads_back_frozen(db):
    from visitt.organisations.demo import seed_demo

    day = date(2026, 11, 23)
    with time_machine.travel(day, tick=False):
        seed_demo(day)
        demo = Organisation.objects.get(name="Demo kommune")
        summary = AnnualSummary.objects.get(organisation=demo, year=day.year - 1)
        assert summary.is_locked and summary.snapshot is not None
        assert services.summary_content(summary) == summary.snapshot
        text = pdf_text(documents.annual_pdf(documents.build_for_files(summary)))
    assert " ".join(summary.learning_points.split())[:40] in text
    for decision in summary.decisions.all():
        assert " ".join(decision.text.split())[:30] in text
    assert summary.reviewed_in in text


def test_the_same_summary_is_laid_out_once_and_a_changed_one_again(world, monkeypatch):
    laid_out = []

    def html_to_pdf(html: str) -> bytes:
        laid_out.append(html)
        return b"%PDF-" + str(len(laid_out)).encode()

    monkeypatch.setattr(documents, "html_to_pdf", html_to_pdf)
    with time_machine.travel(TODAY, tick=False):
        Year(world)
        summary = services.get_or_start(world.org, YEAR, world.top_leader)
        first = documents.annual_pdf(documents.build_for_files(summary))
        again = documents.annual_pdf(documents.build_for_files(summary))
        summary.learning_points = "Vi lærte å følge opp tiltakene hver måned."
        summary.save()
        changed = documents.annual_pdf(documents.build_for_files(summary))
    assert first == again == b"%PDF-1"
    assert changed == b"%PDF-2"
    assert "følge opp tiltakene hver måned" in laid_out[1]


# The PDF laid out ahead by the worker -------------------------------------------------------


@pytest.fixture
def layouts(monkeypatch):
    """How many times WeasyPrint laid out a summary."""
    calls: list[int] = []
    real = documents.html_to_pdf

    def counted(html: str) -> bytes:
        calls.append(1)
        return real(html)

    monkeypatch.setattr(documents, "html_to_pdf", counted)
    return calls


def test_computing_the_figures_has_the_worker_lay_out_the_pdf_before_the_download(
    world, client_for, enqueued, layouts, django_capture_on_commit_callbacks
):
    with time_machine.travel(TODAY, tick=False):
        Year(world)
        client = client_for(world.top_leader)
        with django_capture_on_commit_callbacks(execute=True):
            assert client.get(PAGE).status_code == 200
        assert [(r.task.func, r.args) for r in enqueued] == [
            (tasks.lay_out_annual_pdf.func, [world.org.pk, YEAR])
        ]
        with django_capture_on_commit_callbacks(execute=True):
            client.get(PAGE)  # the kept figures: nothing new to lay out
        assert len(enqueued) == 1

        assert tasks.lay_out_annual_pdf.call(world.org.pk, YEAR) > 0
        assert len(layouts) == 1
        response = client.get(PAGE + "pdf/")
        assert len(layouts) == 1  # the download found it laid out
    assert "Testkommune" in pdf_text(response.content)


def test_the_files_say_the_day_so_that_a_layout_serves_all_day(world, client_for, layouts):
    with time_machine.travel(TODAY, tick=False) as clock:
        Year(world)
        client = client_for(world.top_leader)
        first = client.get(PAGE + "pdf/").content
        # Later in the day the figures are computed again from the same data: the same
        # PDF, not a new layout.
        clock.shift(services.FIGURES_CACHE_SECONDS + 60)
        second = client.get(PAGE + "pdf/")
        assert second.status_code == 200 and second.content == first
        assert len(layouts) == 1
        word = docx_text(client.get(PAGE + "word/").content)
    assert "Utkast: tallene er beregnet fra dagens data (2. mars 2026)." in pdf_text(first)
    assert "Utkast: tallene er beregnet fra dagens data (2. mars 2026)." in word


def test_the_review_has_the_worker_lay_out_the_locked_pdf(
    world, client_for, enqueued, django_capture_on_commit_callbacks
):
    with time_machine.travel(TODAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        Year(world)
        client = client_for(world.top_leader)
        client.post(
            PAGE + "behandlet/",
            {
                "review-reviewed_on": "2026-02-20",
                "review-reviewed_in": "Ledergruppa",
                "review-version": "1",
            },
        )
    assert [(r.task.func, r.args) for r in enqueued] == [
        (tasks.lay_out_annual_pdf.func, [world.org.pk, YEAR])
    ]
    assert tasks.lay_out_annual_pdf.call(world.org.pk + 1000, YEAR) == 0  # gone: nothing
