"""The organisation's settings and its audit trail."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import click_and_wait, save_form

pytestmark = pytest.mark.e2e


def test_the_organisation_settings_page_is_accessible_also_with_errors(
    page, world, sign_in, axe_check
):
    sign_in(page, world.admin)
    click_and_wait(page, page.locator(".site-nav a[href='/organisasjon/']"))
    expect(page.locator("#id_name")).to_have_value(world.org.name)
    axe_check(page)

    page.locator("#id_organisation_number").fill("123456789")
    save_form(page, "#id_name")
    expect(page.locator(".ds-error-summary")).to_be_visible()
    expect(page.locator("#id_organisation_number")).to_have_attribute("aria-invalid", "true")
    axe_check(page)

    page.locator("#id_organisation_number").fill(world.org.organisation_number)
    page.locator("#id_name").fill("Testkommune helse og omsorg")
    save_form(page, "#id_name")
    expect(page).to_have_url(re.compile(r"/organisasjon/$"))
    expect(page.locator("#id_name")).to_have_value("Testkommune helse og omsorg")
    axe_check(page)


def test_the_audit_trail_shows_what_happened_and_can_be_filtered(page, world, sign_in, axe_check):
    sign_in(page, world.admin)
    click_and_wait(page, page.locator(".site-nav a[href='/organisasjon/logg/']"))
    expect(page.locator("table")).to_be_visible()
    axe_check(page)

    # Filter on the admin's own address: the table still renders, and is accessible.
    page.locator("#id_actor").fill(world.admin.email)
    save_form(page, "#id_actor")
    expect(page).to_have_url(re.compile(r"/organisasjon/logg/\?"))
    axe_check(page)


def test_a_top_leader_can_read_the_audit_trail(page, world, sign_in, axe_check):
    sign_in(page, world.top_leader)
    click_and_wait(page, page.locator(".site-nav a[href='/organisasjon/logg/']"))
    expect(page.locator("h1")).to_be_visible()
    axe_check(page)
