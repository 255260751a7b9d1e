"""The learning hub in a real browser: the menu's "Learning" leads to it, it passes
axe-core in light and dark, and its links are reached by keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import click_and_wait

pytestmark = pytest.mark.e2e


def test_the_hub_from_the_menu_passes_axe_and_works_by_keyboard(page, world, sign_in, axe_check):
    sign_in(page, world.top_leader)
    menu = page.get_by_role("navigation", name="Hovedmeny")
    click_and_wait(page, menu.get_by_role("link", name="Læring"))
    expect(page).to_have_url(re.compile(r"/analyse/$"))
    expect(menu.get_by_role("link", name="Læring")).to_have_attribute("aria-current", "page")
    expect(page.locator("[data-destination]")).to_have_count(6)
    axe_check(page)

    # The first destination is a plain link: Enter on it opens the page.
    first = page.locator("[data-destination=themes] a")
    first.focus()
    expect(first).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/analyse/temaer/$"))
