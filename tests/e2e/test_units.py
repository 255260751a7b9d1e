"""An administrator keeps the unit tree: create, rename, move, deactivate."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import click_and_wait, save_form
from visitt.organisations.models import Unit

pytestmark = pytest.mark.e2e

UNIT_LIST = re.compile(r"/organisasjon/enheter/$")


def test_an_admin_creates_renames_moves_and_deactivates_a_unit(page, world, sign_in, axe_check):
    sign_in(page, world.admin)
    click_and_wait(page, page.locator(".site-nav a[href='/organisasjon/enheter/']"))
    expect(page.locator(".unit-tree")).to_contain_text(world.unit.name)
    axe_check(page)

    # A new unit; saving without a name is refused with an error summary.
    click_and_wait(page, page.locator("a[href='/organisasjon/enheter/ny/']"))
    axe_check(page)
    save_form(page, "#id_name")
    # The error summary takes focus, so a screen reader reads it out first.
    expect(page.locator(".ds-error-summary")).to_be_focused()
    expect(page.locator("#id_name")).to_have_attribute("aria-invalid", "true")
    axe_check(page)

    page.locator("#id_name").fill("Heimetenesta")
    page.locator("#id_kind").select_option(Unit.Kind.HOME_CARE.value)
    save_form(page, "#id_name")
    expect(page).to_have_url(UNIT_LIST)
    row = page.locator(".unit-row", has_text="Heimetenesta")
    expect(row).to_be_visible()
    axe_check(page)
    unit = Unit.objects.get(organisation=world.org, name="Heimetenesta")
    assert unit.parent is None

    # Rename it.
    click_and_wait(page, row.locator(f"a[href='/organisasjon/enheter/{unit.pk}/']"))
    expect(page.locator("#id_name")).to_have_value("Heimetenesta")
    axe_check(page)
    page.locator("#id_name").fill("Hjemmetjenesten nord")
    save_form(page, "#id_name")
    expect(page).to_have_url(UNIT_LIST)
    row = page.locator(".unit-row", has_text="Hjemmetjenesten nord")
    expect(row).to_be_visible()
    axe_check(page)

    # Move it under the nursing home.
    click_and_wait(page, row.locator(f"a[href='/organisasjon/enheter/{unit.pk}/']"))
    page.locator("#id_parent").select_option(str(world.unit.pk))
    save_form(page, "#id_name")
    expect(page).to_have_url(UNIT_LIST)
    nursing_home = page.locator(
        ".unit-tree > li", has=page.get_by_text(world.unit.name, exact=True)
    )
    expect(nursing_home.locator("ul .unit-row", has_text="Hjemmetjenesten nord")).to_be_visible()
    axe_check(page)
    unit.refresh_from_db()
    assert (unit.name, unit.parent) == ("Hjemmetjenesten nord", world.unit)

    # Deactivate it: it leaves the tree, and comes back with the "show deactivated" link.
    row = page.locator(".unit-row", has_text="Hjemmetjenesten nord")
    click_and_wait(
        page, row.locator(f"form[action='/organisasjon/enheter/{unit.pk}/deaktiver/'] button")
    )
    expect(page).to_have_url(UNIT_LIST)
    expect(page.locator(".unit-row", has_text="Hjemmetjenesten nord")).to_have_count(0)
    axe_check(page)
    unit.refresh_from_db()
    assert not unit.is_active

    click_and_wait(page, page.locator("a[href='/organisasjon/enheter/?vis=alle']"))
    row = page.locator(".unit-row", has_text="Hjemmetjenesten nord")
    expect(row.locator(".ds-tag")).to_be_visible()
    expect(row.locator(f"form[action='/organisasjon/enheter/{unit.pk}/aktiver/']")).to_be_visible()
    axe_check(page)


def test_an_admin_imports_units_from_a_csv_file_after_correcting_it(
    page, world, sign_in, axe_check
):
    sign_in(page, world.admin)
    page.goto("/organisasjon/enheter/")
    click_and_wait(page, page.locator("a[href='/organisasjon/enheter/importer/']"))
    axe_check(page)

    # A row that refers to an unknown parent: nothing is imported, the rows are listed.
    wrong = "navn;overordnet;type;kode\nFjellheim;FINNESIKKE;Avdeling;FJ-1\n"
    page.locator("input[type=file]").set_input_files(
        {"name": "enheter.csv", "mimeType": "text/csv", "buffer": wrong.encode()}
    )
    save_form(page, "input[type=file]")
    expect(page.locator(".ds-alert[data-color=danger]")).to_contain_text("FINNESIKKE")
    axe_check(page)
    assert not Unit.objects.filter(name="Fjellheim").exists()

    right = "navn;overordnet;type;kode\nFjellheim;SOL;Avdeling;FJ-1\n"
    page.locator("input[type=file]").set_input_files(
        {"name": "enheter.csv", "mimeType": "text/csv", "buffer": right.encode()}
    )
    save_form(page, "input[type=file]")
    expect(page).to_have_url(UNIT_LIST)
    expect(page.locator(".unit-row", has_text="Fjellheim")).to_be_visible()
    axe_check(page)
    assert Unit.objects.get(name="Fjellheim").parent == world.unit
