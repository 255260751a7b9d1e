"""The language switcher in the header changes the whole page's language."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import START_PAGE, save_form

pytestmark = pytest.mark.e2e


def test_choosing_nynorsk_and_then_english_changes_the_page_language(
    page, world, sign_in, axe_check
):
    sign_in(page, world.coordinator)
    expect(page).to_have_url(START_PAGE)
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    axe_check(page)

    for language in ("nn", "en"):
        page.locator("#language-switcher").select_option(language)
        save_form(page, "#language-switcher")
        # The switch returns to the page it was made on.
        expect(page).to_have_url(START_PAGE)
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("#language-switcher")).to_have_value(language)
        axe_check(page)

    world.coordinator.refresh_from_db()
    assert world.coordinator.language == "en"


def test_the_language_switcher_works_before_signing_in(page, axe_check):
    page.goto("/konto/login/")
    page.locator("#language-switcher").select_option("nn")
    save_form(page, "#language-switcher")
    expect(page).to_have_url(re.compile(r"/konto/login/$"))
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    axe_check(page)
