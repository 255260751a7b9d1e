"""The year as files: a PDF (A4 landscape) and a spreadsheet, read back with pypdf and
openpyxl."""

from __future__ import annotations

import io
from datetime import date, datetime, time

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.planning.plan_helpers import english, make_plan, make_visit, postpone
from visitt.organisations.models import Unit
from visitt.planning.models import PlanGoal

YEAR = 2026


@pytest.fixture
def coordinator(world, client_for):
    return english(client_for(world.coordinator))


@pytest.fixture
def year(world):
    make_plan(world, YEAR, notes="Sykehjemmene først")
    conducted = make_visit(world, world.unit, date(YEAR, 2, 10), time(9, 30))
    conducted.mark_conducted(by=world.coordinator)
    moved = make_visit(world, world.ward, date(YEAR, 3, 10))
    postpone(world, moved, date(YEAR, 3, 17))
    Unit.objects.create(organisation=world.org, name="Hjemmetjenesten sone nord")
    return world


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_is_a4_landscape_with_goals_visits_and_units_not_yet_planned(year, coordinator):
    response = coordinator.get(reverse("plan_export_pdf", args=[YEAR]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="arsplan-2026.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 842 and round(float(box.height)) == 595
    text = pdf_text(response)
    for expected in (
        "Testkommune",
        "Annual plan 2026",
        "Tone Toppleder",
        "Sykehjemmene først",
        "Alle aktive enheter besøkt",
        "Solbakken sykehjem",
        "Avdeling 1",
        "Hjemmetjenesten sone nord",
        "0.0 % (0 of 1)",  # the February minutes never signed: from the key figures
    ):
        assert expected in text, expected


def test_the_pdf_of_a_year_without_a_plan_says_so(world, coordinator):
    text = pdf_text(coordinator.get(reverse("plan_export_pdf", args=[YEAR])))
    assert "There is no annual plan for 2026 yet." in text


def test_the_spreadsheet_has_the_visits_with_real_dates_and_the_goals(year, coordinator):
    response = coordinator.get(reverse("plan_export_xlsx", args=[YEAR]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert response["Content-Disposition"] == 'attachment; filename="arsplan-2026.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Visits", "Goals"]
    visits = list(book["Visits"].iter_rows(values_only=True))
    assert visits[0][:4] == ("Unit", "Part of", "Date", "Start time")
    first, second = visits[1:]
    assert first[0] == "Solbakken sykehjem"
    assert first[2] == datetime(YEAR, 2, 10) and first[3] == time(9, 30)
    assert first[6] == "Conducted" and first[7] == "Tone Toppleder" and first[8] == "No"
    assert second[:3] == ("Avdeling 1", "Solbakken sykehjem", datetime(YEAR, 3, 17))
    assert second[8] == "Yes"
    assert book["Visits"]["C2"].number_format == "DD.MM.YYYY"
    assert book["Visits"]["C2"].is_date

    goals = list(book["Goals"].iter_rows(values_only=True))
    units_goal = next(row for row in goals if row[0] == "Alle aktive enheter besøkt")
    # The walkround in Solbakken sykehjem covers its ward: one of the two units to visit.
    assert units_goal[2] == 100 and units_goal[3] == pytest.approx(50) and units_goal[4] == "No"
    minutes_goal = next(row for row in goals if row[0] == "Referat sendt innen fire virkedager")
    # The February minutes were never signed: 0 of 1 on time (the key figures).
    assert minutes_goal[3] == 0.0 and minutes_goal[4] == "No"


def test_text_that_looks_like_a_formula_stays_text(world, coordinator):
    plan = make_plan(world, YEAR)
    unit = Unit.objects.create(
        organisation=world.org, name='=HYPERLINK("http://x.example","klikk")'
    )
    make_visit(world, unit, date(YEAR, 4, 14))
    PlanGoal.objects.create(plan=plan, text="=1+1", order=9)

    book = load_workbook(
        io.BytesIO(coordinator.get(reverse("plan_export_xlsx", args=[YEAR])).content)
    )

    cell = book["Visits"]["A2"]
    assert cell.value == '=HYPERLINK("http://x.example","klikk")' and cell.data_type == "s"
    goal = next(c for c in book["Goals"]["A"] if c.value == "=1+1")
    assert goal.data_type == "s"


@pytest.mark.parametrize("name", ["plan_export_pdf", "plan_export_xlsx"])
def test_the_outsiders_files_hold_nothing_of_another_organisation(name, year, client_for):
    response = english(client_for(year.outsider)).get(reverse(name, args=[YEAR]))
    assert response.status_code == 200
    if name == "plan_export_pdf":
        content = pdf_text(response)
    else:
        book = load_workbook(io.BytesIO(response.content))
        content = " ".join(
            str(v) for ws in book for row in ws.iter_rows(values_only=True) for v in row
        )
    for secret in (
        "Testkommune",
        "Solbakken sykehjem",
        "Avdeling 1",
        "Sykehjemmene først",
        "Tone Toppleder",
    ):
        assert secret not in content


@pytest.mark.parametrize("name", ["plan_export_pdf", "plan_export_xlsx"])
def test_a_unit_leader_gets_403(name, world, client_for):
    assert client_for(world.unit_leader).get(reverse(name, args=[YEAR])).status_code == 403
