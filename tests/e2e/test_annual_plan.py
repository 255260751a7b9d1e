"""The coordinator plans next year: creates the plan with its default goals, lets Visitt
propose dates, corrects a date that falls on a public holiday, saves, and reads the year
as a list and as a calendar; every page checked with axe."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.support import click_and_wait
from visitt.core.workdays import is_working_day
from visitt.planning.models import AnnualPlan, Visit

pytestmark = pytest.mark.e2e


def first_working_tuesday(year: int, month: int) -> date:
    day = date(year, month, 1)
    while day.weekday() != 1 or not is_working_day(day):
        day += timedelta(days=1)
    return day


def test_a_coordinator_plans_the_year_and_adjusts_a_proposal(page, world, sign_in, axe_check):
    year = timezone.localdate().year + 1
    sign_in(page, world.coordinator)

    # The menu's annual plan is this year's; next year has no plan yet.
    page.goto("/arsplan/")
    expect(page).to_have_url(re.compile(rf"/arsplan/{year - 1}/$"))
    axe_check(page)
    page.goto(f"/arsplan/{year}/")
    axe_check(page)
    click_and_wait(page, page.locator(f"a.ds-button[href='/arsplan/{year}/endre/']"))

    # The new plan starts from the default goals and the top leader as owner.
    expect(page.locator("#id_goals-0-text")).to_have_value("Alle aktive enheter besøkt")
    axe_check(page)
    click_and_wait(page, page.locator("main form button[type=submit]"))
    expect(page).to_have_url(re.compile(rf"/arsplan/{year}/$"))
    expect(page.locator("#goals-heading")).to_be_visible()
    assert AnnualPlan.objects.get(organisation=world.org, year=year).goals.count() == 4
    axe_check(page)

    # Plan both units in May and June: the ward is chosen beforehand; Solbakken sykehjem,
    # visited through its ward, is chosen by hand.
    click_and_wait(page, page.locator(f"a[href='/arsplan/{year}/planlegg/']"))
    axe_check(page)
    expect(page.locator(f"input[name=units][value='{world.ward.pk}']")).to_be_checked()
    page.locator(f"input[name=units][value='{world.unit.pk}']").check()
    page.locator("input[name=months][value='5']").check()
    page.locator("input[name=months][value='6']").check()
    click_and_wait(page, page.locator("button[name=action][value=propose]"))
    expect(page.locator("input[type=date]")).to_have_count(2)
    axe_check(page)

    # 17 May is a public holiday: the row is refused and nothing is saved.
    page.locator("#id_rows-0-date").fill(f"{year}-05-17")
    click_and_wait(page, page.locator("button[name=action][value=save]"))
    expect(page.locator(".ds-error-summary")).to_be_visible()
    assert not Visit.objects.exists()
    axe_check(page)

    tuesday = first_working_tuesday(year, 6)
    page.locator("#id_rows-0-date").fill(tuesday.isoformat())
    page.locator("#id_rows-0-start_time").fill("12:30")
    click_and_wait(page, page.locator("button[name=action][value=save]"))
    expect(page).to_have_url(re.compile(rf"/arsplan/{year}/$"))
    assert Visit.objects.filter(organisation=world.org, date__year=year).count() == 2
    assert Visit.objects.filter(date=tuesday, start_time="12:30").exists()
    expect(page.locator("main")).to_contain_text("Solbakken sykehjem")
    axe_check(page)

    click_and_wait(page, page.locator(f"a[href='/arsplan/{year}/kalender/']"))
    expect(page.locator("table.plan-calendar__table")).to_have_count(12)
    axe_check(page)
