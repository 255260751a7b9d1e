"""The month calendar of the annual plan: weeks from Monday with ISO week numbers,
public holidays marked, each visit on its day."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from django.urls import reverse

from tests.planning.plan_helpers import english, make_visit, postpone


@pytest.fixture
def coordinator(world, client_for):
    return english(client_for(world.coordinator))


def calendar_page(client, year: int) -> str:
    response = client.get(reverse("plan_calendar", args=[year]))
    assert response.status_code == 200
    return response.content.decode()


def month(page: str, number: int) -> str:
    start = page.index(f'id="cal-{number}"')
    end = page.index(f'id="cal-{number + 1}"') if number < 12 else len(page)
    return page[start:end]


def day_cell(month_html: str, day: date) -> str:
    marker = f'<span aria-hidden="true">{day.day}</span>'
    start = month_html.index(marker)
    return month_html[month_html.rindex("<td", 0, start) : month_html.index("</td>", start)]


def test_there_is_one_table_per_month(world, coordinator):
    page = calendar_page(coordinator, 2026)
    assert page.count('<table class="ds-table plan-calendar__table"') == 12
    assert page.count("<h1") == 1


def test_weeks_start_on_monday(world, coordinator):
    header = month(calendar_page(coordinator, 2026), 1).split("</thead>")[0]
    days = re.findall(r'<span class="ds-sr-only">(\w+)</span></th>', header)
    assert days == [
        "Week",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]


def test_rows_carry_iso_week_numbers(world, coordinator):
    page = calendar_page(coordinator, 2027)
    weeks = lambda html: [int(n) for n in re.findall(r"Week </span>(\d+)</th>", html)]  # noqa: E731
    # 1 January 2027 is a Friday in week 53 of 2026; 31 December 2027 is in week 52.
    assert weeks(month(page, 1))[:2] == [53, 1]
    assert weeks(month(page, 12))[-1] == 52
    assert weeks(month(page, 5)) == [17, 18, 19, 20, 21, 22]


@pytest.mark.parametrize(
    "holiday",
    [
        date(2028, 5, 17),
        date(2028, 5, 25),
        date(2028, 4, 13),
        date(2028, 4, 14),
        date(2028, 6, 5),
        date(2028, 12, 25),
        date(2028, 12, 26),
    ],
)
def test_public_holidays_are_marked_in_words(holiday, world, coordinator):
    cell = day_cell(month(calendar_page(coordinator, 2028), holiday.month), holiday)
    assert "Public holiday" in cell


def test_an_ordinary_day_is_not_marked(world, coordinator):
    cell = day_cell(month(calendar_page(coordinator, 2028), 5), date(2028, 5, 16))
    assert "Public holiday" not in cell


def test_each_visit_stands_on_its_day_with_time_status_and_link(world, coordinator):
    visit = make_visit(world, world.unit, date(2026, 9, 15), time(9, 0))
    postponed = make_visit(world, world.ward, date(2026, 9, 16))
    postpone(world, postponed, date(2026, 9, 22))

    september = month(calendar_page(coordinator, 2026), 9)

    cell = day_cell(september, date(2026, 9, 15))
    assert "Solbakken sykehjem" in cell and "9 a.m." in cell and "Planned" in cell
    assert reverse("visit_detail", args=[visit.pk]) in cell
    moved = day_cell(september, date(2026, 9, 22))
    assert "Avdeling 1" in moved and "postponed" in moved
    assert "Avdeling 1" not in day_cell(september, date(2026, 9, 16))
    assert "(2 visits)" in september


def test_days_of_neighbouring_months_are_left_empty(world, coordinator):
    make_visit(world, world.unit, date(2026, 10, 1))
    september = month(calendar_page(coordinator, 2026), 9)
    # The last week of September runs into October; the visit on 1 October is not shown there.
    assert "Solbakken sykehjem" not in september
