"""The year view of the annual plan: goals with results, every visit by month, the units
not yet planned, and access."""

from __future__ import annotations

import html
import re
from datetime import date, time

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.planning.plan_helpers import english, make_plan, make_units, make_visit, postpone
from visitt.organisations.models import Unit
from visitt.planning.models import PlanGoal, Visit

YEAR = 2026


def url(name: str, year: int = YEAR) -> str:
    return reverse(name, args=[year])


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


@pytest.fixture
def coordinator(world, client_for):
    return english(client_for(world.coordinator))


def test_the_plan_link_in_the_menu_goes_to_this_years_plan(world, coordinator):
    response = coordinator.get("/arsplan/")
    assert response.status_code == 302
    assert response["Location"] == f"/arsplan/{timezone.localdate().year}/"


def test_the_year_view_shows_the_owner_and_the_goals(world, coordinator):
    make_plan(world, YEAR, notes="Vi prioriterer hjemmetjenesten.")

    page = text(coordinator.get(url("plan_year")))

    assert "Annual plan 2026" in page
    assert "Tone Toppleder" in page
    assert "Vi prioriterer hjemmetjenesten." in page
    assert "Alle aktive enheter besøkt" in page
    assert "80 % av tiltakene fullført innen frist" in page


def test_every_visit_of_the_year_is_listed_in_its_month_with_status_time_and_leader(
    world, coordinator
):
    make_plan(world, YEAR)
    march = make_visit(world, world.unit, date(YEAR, 3, 10), time(13, 15))
    october = make_visit(world, world.ward, date(YEAR, 10, 6), visit_leader=world.coordinator)
    october.confirm(by=world.coordinator)

    response = coordinator.get(url("plan_year"))
    page = text(response)

    assert response.status_code == 200
    march_section = page[page.index('id="month-3"') : page.index('id="month-4"')]
    october_section = page[page.index('id="month-10"') : page.index('id="month-11"')]
    assert "Solbakken sykehjem" in march_section and "1:15 p.m." in march_section
    assert "Avdeling 1" in october_section and "Kari Koordinator" in october_section
    assert "Tone Toppleder" in march_section
    assert str(Visit.Status.PLANNED.label) in march_section
    assert str(Visit.Status.CONFIRMED.label) in october_section
    assert reverse("visit_detail", args=[march.pk]) in march_section
    assert reverse("visit_detail", args=[october.pk]) in october_section


def test_a_postponed_visit_is_marked(world, coordinator):
    visit = make_visit(world, world.unit, date(YEAR, 3, 10))
    postpone(world, visit, date(YEAR, 3, 17))
    make_visit(world, world.ward, date(YEAR, 3, 24))

    page = text(coordinator.get(url("plan_year")))

    march = page[page.index('id="month-3"') : page.index('id="month-4"')]
    rows = march.split("<tr>")
    postponed_row = next(r for r in rows if "Solbakken sykehjem" in r)
    other_row = next(r for r in rows if "Avdeling 1" in r)
    assert "Postponed" in postponed_row
    assert "Postponed" not in other_row


def test_visits_of_other_years_and_other_organisations_are_not_shown(world, coordinator):
    make_visit(world, world.unit, date(YEAR - 1, 12, 15))
    make_visit(
        world,
        world.other_unit,
        date(YEAR, 5, 5),
        visit_leader=world.outsider,
        coordinator=None,
        secretary=None,
        created_by=world.outsider,
    )

    page = text(coordinator.get(url("plan_year")))

    assert "Hemmeleg eining" not in page
    assert "0 visits this year" in page


def test_units_without_a_visit_this_year_are_listed_as_not_yet_planned(world, coordinator):
    (visited,) = make_units(world, 1, prefix="Fjellheim")
    make_visit(world, visited, date(YEAR, 4, 14))
    make_visit(world, world.ward, date(YEAR - 1, 4, 14))  # last year's does not count
    Unit.objects.create(organisation=world.org, name="Nedlagt enhet", is_active=False)

    page = text(coordinator.get(url("plan_year")))

    listed = page[page.index('id="not-planned-heading"') :].split("<ul")[1].split("</ul>")[0]
    assert "Avdeling 1" in listed
    assert "Fjellheim" not in listed
    # Solbakken sykehjem is visited through its ward: named beside it, not listed itself.
    assert "<li>Solbakken sykehjem" not in listed
    assert "Nedlagt enhet" not in page


def test_a_visit_to_a_unit_covers_the_units_under_it(world, coordinator):
    make_visit(world, world.unit, date(YEAR, 4, 14))

    page = text(coordinator.get(url("plan_year")))

    section = page[page.index('id="not-planned-heading"') :].split("</section>")[0]
    assert "Avdeling 1" not in section


def test_goal_results_are_computed_including_the_follow_up_measures(world, coordinator):
    make_plan(world, YEAR)
    make_units(world, 1)  # not visited; Avdeling 1 is, by the walkround in Solbakken
    visit = make_visit(world, world.unit, date(YEAR, 2, 10))
    visit.mark_conducted(by=world.coordinator)

    page = text(coordinator.get(url("plan_year")))

    goals = page[page.index('id="goals-heading"') : page.index('id="visits-heading"')]
    units_row = next(r for r in goals.split("<tr>") if "Alle aktive enheter besøkt" in r)
    minutes_row = next(r for r in goals.split("<tr>") if "Referat sendt" in r)
    assert "50.0 %" in units_row
    assert "1 of 2 units" in units_row
    assert "Not met" in units_row
    # The minutes of the February walkround were never signed: late, from the key figures.
    assert "0.0 %" in minutes_row
    assert "(0 of 1)" in minutes_row
    assert "Not met" in minutes_row


def test_a_manual_goal_shows_the_leadership_groups_assessment(world, coordinator):
    plan = make_plan(world, YEAR)
    PlanGoal.objects.create(
        plan=plan, text="Visittene drøftet i ledermøtet", achieved=True, order=9
    )

    page = text(coordinator.get(url("plan_year")))

    row = next(r for r in page.split("<tr>") if "drøftet i ledermøtet" in r)
    assert "Achieved" in row and ">Met<" in row


def test_without_a_plan_the_coordinator_is_offered_to_create_it(world, coordinator, client_for):
    page = text(coordinator.get(url("plan_year")))
    assert "There is no annual plan for 2026 yet" in page
    assert url("plan_edit") in page

    secretary_page = text(english(client_for(world.secretary)).get(url("plan_year")))
    assert "There is no annual plan for 2026 yet" in secretary_page
    assert url("plan_edit") not in secretary_page  # the secretary sees, but does not plan


def test_the_year_view_links_the_neighbouring_years_the_calendar_and_the_files(world, coordinator):
    page = text(coordinator.get(url("plan_year")))
    for link in (
        "/arsplan/2025/",
        "/arsplan/2027/",
        url("plan_calendar"),
        url("plan_export_pdf"),
        url("plan_export_xlsx"),
    ):
        assert f'href="{link}"' in page


def test_the_year_view_links_its_print_stylesheet(world, coordinator):
    page = coordinator.get(url("plan_year")).content.decode()
    assert 'href="/static/visitt/print.css"' in page


def test_a_year_far_outside_any_plan_is_not_found(world, coordinator):
    assert coordinator.get("/arsplan/1899/").status_code == 404
    assert coordinator.get("/arsplan/3000/").status_code == 404


def test_the_page_has_one_h1(world, coordinator):
    make_plan(world, YEAR)
    make_visit(world, world.unit, date(YEAR, 2, 10))
    assert coordinator.get(url("plan_year")).content.decode().count("<h1") == 1


@pytest.mark.parametrize("name", ["plan_year", "plan_calendar"])
def test_the_year_pages_run_the_same_number_of_queries_for_3_and_40_visits(
    name, world, coordinator, django_assert_max_num_queries
):
    make_plan(world, YEAR)
    units = make_units(world, 40)
    counts = []
    for total in (3, 40):
        Visit.objects.all().delete()
        for i, unit in enumerate(units[:total]):
            visit = make_visit(world, unit, date(YEAR, 1 + i % 12, 1 + i % 28), time(8 + i % 8, 0))
            if i % 3 == 0:
                postpone(world, visit, date(YEAR, 1 + i % 12, 1 + (i + 1) % 28))
        with django_assert_max_num_queries(15) as queries:
            response = coordinator.get(url(name))
        assert response.status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts


# --- Access -----------------------------------------------------------------------------


PAGES = ["plan_year", "plan_calendar", "plan_export_pdf", "plan_export_xlsx"]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("persona", ["top_leader", "coordinator", "secretary"])
def test_the_leadership_group_sees_the_year(name, persona, world, client_for):
    assert client_for(getattr(world, persona)).get(url(name)).status_code == 200


@pytest.mark.parametrize("name", [*PAGES, "plan_edit", "plan_schedule"])
@pytest.mark.parametrize("persona", ["unit_leader", "admin"])
def test_a_unit_leader_or_administrator_gets_403(name, persona, world, client_for):
    assert client_for(getattr(world, persona)).get(url(name)).status_code == 403


@pytest.mark.parametrize("name", [*PAGES, "plan_edit", "plan_schedule"])
def test_signed_out_visitors_are_sent_to_sign_in(name, client):
    response = client.get(url(name))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("name", ["plan_year", "plan_calendar"])
def test_the_outsider_sees_only_their_own_organisations_year(name, world, client_for):
    make_plan(world, YEAR, notes="Hemmelig notat")
    make_visit(world, world.unit, date(YEAR, 3, 10))

    response = english(client_for(world.outsider)).get(url(name))

    page = text(response)
    assert response.status_code == 200
    for secret in (
        "Solbakken sykehjem",
        "Avdeling 1",
        "Hemmelig notat",
        "Tone Toppleder",
        "Testkommune",
    ):
        assert secret not in page
    assert "Hemmeleg eining" in page or name == "plan_calendar"
