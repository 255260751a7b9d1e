"""The notice settings page passes axe-core in light and dark, and the choice is saved
with the keyboard alone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_the_notice_settings_page_passes_axe_and_saves(page, world, sign_in, axe_check):
    sign_in(page, world.secretary)
    page.goto(reverse("home"))
    page.locator(f'a[href="{reverse("notification_settings")}"]').click()
    expect(page.locator("h1")).to_have_count(1)
    axe_check(page)

    box = page.locator("#id_daily_digest")
    box.focus()
    page.keyboard.press("Space")
    page.locator("form:has(#id_daily_digest) button[type=submit]").focus()
    page.keyboard.press("Enter")

    expect(page.locator("#id_daily_digest")).to_be_checked()
    axe_check(page)
    world.secretary.refresh_from_db()
    assert world.secretary.daily_digest is True
