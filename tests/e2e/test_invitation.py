"""A person follows the link in their invitation e-mail and creates an account."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.support import START_PAGE, click_and_wait, save_form, submit_field
from visitt.organisations.models import INVITATION_VALIDITY, Membership, Role
from visitt.organisations.tasks import send_invitation

pytestmark = pytest.mark.e2e


def test_an_invited_person_creates_an_account_and_lands_on_the_start_page(
    page, world, mailoutbox, axe_check
):
    invitation = world.org.invitations.create(
        email="ny.sekretaer@test.no",
        full_name="Nina Ny",
        roles=[Role.SECRETARY],
        invited_by=world.admin,
        expires_at=timezone.now() + INVITATION_VALIDITY,
    )
    send_invitation.call(invitation.pk)
    link = re.search(r"/invitasjon/[^/\s]+/", mailoutbox[-1].body).group()

    page.goto(link)
    expect(page.locator("#id_full_name")).to_have_value("Nina Ny")
    axe_check(page)

    # Two different passwords are refused, with the error where it belongs.
    page.locator("#id_password1").fill("Et-langt-passord-1")
    page.locator("#id_password2").fill("Et-annet-passord-2")
    save_form(page, "#id_password1")
    expect(page.locator(".ds-error-summary")).to_be_visible()
    expect(page.locator("#id_password2")).to_have_attribute("aria-invalid", "true")
    axe_check(page)

    page.locator("#id_password1").fill("Et-langt-passord-1")
    page.locator("#id_password2").fill("Et-langt-passord-1")
    save_form(page, "#id_password1")
    expect(page).to_have_url(START_PAGE)
    expect(page.locator("h1")).to_contain_text("Nina")
    axe_check(page)
    membership = Membership.objects.get(user__email="ny.sekretaer@test.no", organisation=world.org)
    assert membership.role_codes == [Role.SECRETARY]

    # The link works once; afterwards it says so.
    page.goto(link)
    expect(page.locator("a[href='/konto/login/']")).to_be_visible()
    axe_check(page)


def test_a_person_with_an_account_joins_a_second_organisation_and_switches_between_them(
    page, world, mailoutbox, sign_in, axe_check
):
    invitation = world.org.invitations.create(
        email=world.outsider.email,
        roles=[Role.COORDINATOR],
        invited_by=world.admin,
        expires_at=timezone.now() + INVITATION_VALIDITY,
    )
    send_invitation.call(invitation.pk)
    link = re.search(r"/invitasjon/[^/\s]+/", mailoutbox[-1].body).group()

    # Not signed in: the page asks the person to sign in with the account they have.
    page.goto(link)
    axe_check(page)
    click_and_wait(page, page.locator("main a[href^='/konto/login/?next=']"))
    axe_check(page)
    page.locator("input[name=login]").fill(world.outsider.email)
    submit_field(page, "input[name=password]", PASSWORD)

    # Back on the invitation, signed in: one button joins.
    expect(page).to_have_url(re.compile(re.escape(link) + "$"))
    axe_check(page)
    click_and_wait(page, page.locator("main form button[type=submit]"))
    expect(page).to_have_url(START_PAGE)
    expect(page.locator(".site-header__org")).to_have_text(world.org.name)
    axe_check(page)

    # With two organisations, the header offers a switch between them.
    page.locator("#switch-organisation").select_option(str(world.other_org.pk))
    save_form(page, "#switch-organisation")
    expect(page).to_have_url(START_PAGE)
    expect(page.locator(".site-header__org")).to_have_text(world.other_org.name)
    axe_check(page)


def test_a_person_whose_only_membership_is_deactivated_is_told_so(page, world, sign_in, axe_check):
    Membership.objects.filter(user=world.secretary).update(is_active=False)

    sign_in(page, world.secretary)
    expect(page).to_have_url(START_PAGE)
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator(".site-nav")).to_have_count(1)
    axe_check(page)
