"""An administrator invites people, changes their roles and takes away access."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import click_and_wait, save_form
from visitt.organisations.models import Invitation, Membership, Role

pytestmark = pytest.mark.e2e

PEOPLE_LIST = re.compile(r"/organisasjon/personer/(#.*)?$")


def test_an_admin_invites_a_person_changes_roles_and_deactivates_a_member(
    page, world, sign_in, axe_check
):
    sign_in(page, world.admin)
    click_and_wait(page, page.locator(".site-nav a[href='/organisasjon/personer/']"))
    expect(page.locator("tr", has_text=world.coordinator.email)).to_be_visible()
    axe_check(page)

    # Invite: without any role the form is refused, with an error summary.
    click_and_wait(page, page.locator("a[href='/organisasjon/personer/inviter/']"))
    axe_check(page)
    page.locator("#id_email").fill("ny.sekretaer@test.no")
    save_form(page, "#id_email")
    summary = page.locator(".ds-error-summary")
    expect(summary).to_be_visible()
    axe_check(page)
    # The summary's link leads to the first role's checkbox.
    summary.locator("a[href='#id_roles_0']").click()
    expect(page.locator("#id_roles_0")).to_be_focused()

    page.locator("#id_full_name").fill("Nina Ny")
    page.locator(f"input[name=roles][value={Role.SECRETARY.value}]").check()
    save_form(page, "#id_email")
    expect(page).to_have_url(PEOPLE_LIST)
    expect(
        page.locator("tr", has=page.locator("th", has_text="ny.sekretaer@test.no"))
    ).to_be_visible()
    axe_check(page)
    assert Invitation.objects.pending().get(email="ny.sekretaer@test.no").roles == [Role.SECRETARY]

    # Give the coordinator a second role and a job title.
    coordinator = Membership.objects.get(user=world.coordinator, organisation=world.org)
    row = page.locator("tr", has_text=world.coordinator.email)
    click_and_wait(page, row.locator(f"a[href='/organisasjon/personer/{coordinator.pk}/']"))
    expect(page.locator(f"input[name=roles][value={Role.COORDINATOR.value}]")).to_be_checked()
    axe_check(page)
    page.locator("#id_title").fill("Kvalitetsrådgiver")
    page.locator(f"input[name=roles][value={Role.MEDICAL_ADVISOR.value}]").check()
    save_form(page, "#id_title")
    expect(page).to_have_url(PEOPLE_LIST)
    expect(page.locator("tr", has_text=world.coordinator.email)).to_contain_text(
        "Kvalitetsrådgiver"
    )
    axe_check(page)
    assert set(coordinator.role_codes) == {Role.COORDINATOR, Role.MEDICAL_ADVISOR}

    # Deactivate the unit leader: the row stays, marked as deactivated.
    unit_leader = Membership.objects.get(user=world.unit_leader, organisation=world.org)
    row = page.locator("tr", has_text=world.unit_leader.email)
    click_and_wait(
        page,
        row.locator(f"form[action='/organisasjon/personer/{unit_leader.pk}/deaktiver/'] button"),
    )
    expect(page).to_have_url(PEOPLE_LIST)
    row = page.locator("tr", has_text=world.unit_leader.email)
    expect(row.locator(".ds-tag")).to_be_visible()
    expect(
        row.locator(f"form[action='/organisasjon/personer/{unit_leader.pk}/aktiver/']")
    ).to_be_visible()
    axe_check(page)
    unit_leader.refresh_from_db()
    assert not unit_leader.is_active
