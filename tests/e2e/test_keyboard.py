"""Keyboard users skip the header with the first Tab and Enter."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import START_PAGE

pytestmark = pytest.mark.e2e


def tab_and_skip_to_main(page: Page) -> None:
    page.keyboard.press("Tab")
    skip_link = page.locator("a.ds-skip-link")
    expect(skip_link).to_be_focused()
    # Hidden until focused, then visible for the sighted keyboard user.
    expect(skip_link).to_be_visible()
    expect(skip_link).to_have_attribute("href", "#main")

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_the_first_tab_focuses_the_skip_link_and_enter_moves_focus_to_main(
    page, world, sign_in, axe_check
):
    sign_in(page, world.admin)
    expect(page).to_have_url(START_PAGE)
    axe_check(page)
    tab_and_skip_to_main(page)


def test_the_skip_link_works_on_the_sign_in_page_too(page, axe_check):
    page.goto("/konto/login/")
    axe_check(page)
    tab_and_skip_to_main(page)
