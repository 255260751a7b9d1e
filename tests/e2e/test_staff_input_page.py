"""In the browser: someone at the unit sends an example through the poster's link (with
and without JavaScript), and the coordinator reads it on the preparation page and imports
incident counts. Every page is checked with axe-core."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from tests.e2e.support import click_and_wait, save_form
from visitt.planning.models import Visit
from visitt.planning.preparation import IncidentCount, StaffInput

pytestmark = pytest.mark.e2e


def make_visit(world) -> Visit:
    return Visit.objects.create(
        organisation=world.org,
        unit=world.unit,
        date=timezone.localdate() + timedelta(days=10),
        visit_leader=world.top_leader,
        coordinator=world.coordinator,
        created_by=world.coordinator,
    )


def test_a_staff_member_rephrases_after_a_warning_and_sends_anyway(page, world, axe_check):
    visit = make_visit(world)

    page.goto(f"/innspill/{visit.staff_input_token}/")
    expect(page.locator("h1")).to_have_count(1)
    axe_check(page)

    page.locator("#id_text").fill("Pasienten på rom 12 fikk ikke medisinen sin i tide.")
    save_form(page, "#id_text")
    expect(page.locator(".ds-error-summary")).to_be_visible()
    expect(page.locator("#id_text")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_send_anyway")).to_be_visible()
    axe_check(page)
    assert not StaffInput.objects.exists()

    page.locator("#id_text").fill("En pasient fikk ikke medisinen sin i tide på kveldsvakt.")
    save_form(page, "#id_text")
    expect(page.locator(".ds-alert[data-color=success]")).to_be_visible()
    axe_check(page)

    page.locator("#id_text").fill("Ring 98765432 når legen ikke svarer; det tar for lang tid.")
    save_form(page, "#id_text")
    page.locator("#id_send_anyway").check()
    save_form(page, "#id_text")
    expect(page.locator(".ds-alert[data-color=success]")).to_be_visible()
    assert StaffInput.objects.filter(visit=visit).count() == 2


def test_the_page_works_without_javascript(
    playwright_browser: Browser, live_server, world, transactional_db
):
    visit = make_visit(world)
    context = playwright_browser.new_context(
        base_url=live_server.url, locale="nb-NO", java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(f"/innspill/{visit.staff_input_token}/")
        page.locator("#id_text").fill("Observasjoner blir ikke gjort når det er få på vakt.")
        save_form(page, "#id_text")
        expect(page.locator(".ds-alert[data-color=success]")).to_be_visible()
    finally:
        context.close()
    assert StaffInput.objects.get().visit == visit


def test_the_page_after_the_visit_is_accessible(page, world, axe_check):
    visit = make_visit(world)
    Visit.objects.filter(pk=visit.pk).update(date=timezone.localdate() - timedelta(days=1))

    page.goto(f"/innspill/{visit.staff_input_token}/")
    expect(page.locator("textarea")).to_have_count(0)
    axe_check(page)


def test_the_coordinator_imports_counts_and_reads_the_preparation_page(
    page, world, sign_in, axe_check, tmp_path
):
    visit = make_visit(world)
    StaffInput.objects.create(visit=visit, text="Medisinene kom for sent fra apoteket.")
    month = (visit.date.replace(day=1) - timedelta(days=1)).replace(day=1)
    csv = tmp_path / "hendelser.csv"
    csv.write_text(
        f"enhet;periode;kategori;alvorlighet;antall\nSOL;{month:%Y-%m};Fall;Moderat;3\n"
        f"SOL;{month:%Y-%m};Legemiddelhåndtering;Ingen skade;5\n",
        encoding="utf-8",
    )
    sign_in(page, world.coordinator)

    page.goto("/hendelser/importer/")
    axe_check(page)
    page.locator("#id_file").set_input_files(str(csv))
    save_form(page, "#id_file")
    expect(page.locator("table")).to_contain_text("Legemiddelhåndtering")
    axe_check(page)
    assert IncidentCount.objects.count() == 2

    page.goto("/hendelser/ny/")
    axe_check(page)

    page.goto(f"/visitter/{visit.pk}/forberedelse/")
    expect(page.locator("tfoot")).to_contain_text("8")
    expect(page.locator("main")).to_contain_text("Medisinene kom for sent fra apoteket.")
    axe_check(page)
    click_and_wait(page, page.locator("a[href^='/hendelser/?enhet=']"))
    expect(page.locator("tbody tr")).to_have_count(2)
    axe_check(page)
