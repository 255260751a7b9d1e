"""The theme analysis and the search in a real browser: a leader opens "Learning" from
the menu, sees the table, the chart and the recurring categories, searches, and every
page passes axe-core in light and dark."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import save_form, submit_field
from tests.reports.test_themes import Data

pytestmark = pytest.mark.e2e


def test_theme_analysis_and_search_pass_axe(page, world, sign_in, axe_check):
    data = Data(world)
    sign_in(page, world.coordinator)
    page.goto("/analyse/temaer/")
    expect(page.locator("#theme-table")).to_be_visible()
    expect(page.locator("svg.bar-chart")).to_be_visible()
    expect(page.locator("[data-flag=across-units]")).to_have_count(1)
    expect(page.locator("[data-total]")).to_have_text("6")
    axe_check(page)

    # A year with only one unit, chosen in the filter.
    page.locator("select[name=year]").select_option("2026")
    save_form(page, "select[name=year]")
    expect(page.locator("[data-total]")).to_have_text("2")
    axe_check(page)

    # Search from the theme page.
    submit_field(page, "input[name=q]", "sokk")
    expect(page).to_have_url(re.compile(r"/sok/\?q=sokk"))
    expect(page.locator("#results a.ds-link")).to_have_count(3)
    expect(page.locator(f"a[href$='#action-{data.action.pk}']")).to_be_visible()
    axe_check(page)

    # Too short a query: an error, no results.
    page.goto("/sok/?q=s")
    expect(page.locator("#results")).to_have_count(0)
    axe_check(page)
