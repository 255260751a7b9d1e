"""Two-factor sign-in through the real forms, as the organisation's policy demands."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.support import START_PAGE, read_totp_secret, submit_field, totp_code
from visitt.organisations.models import Organisation

pytestmark = pytest.mark.e2e


def test_a_person_with_an_authenticator_signs_in_with_password_and_code(
    page, world, sign_in, axe_check
):
    world.org.two_factor_policy = Organisation.TwoFactorPolicy.LEADERS_AND_ADMINS
    world.org.save(update_fields=["two_factor_policy"])
    secret = generate_totp_secret()
    TOTP.activate(world.top_leader, secret)

    sign_in(page, world.top_leader)

    # The second step asks for the code from the authenticator app.
    code_field = page.locator("input[name=code]")
    expect(code_field).to_be_visible()
    axe_check(page)
    submit_field(page, "input[name=code]", totp_code(secret))

    expect(page).to_have_url(START_PAGE)
    expect(page.locator("h1")).to_contain_text("Tone")
    axe_check(page)


def test_a_top_leader_without_an_authenticator_must_set_one_up_before_going_on(
    page, world, sign_in, axe_check
):
    world.org.two_factor_policy = Organisation.TwoFactorPolicy.LEADERS_AND_ADMINS
    world.org.save(update_fields=["two_factor_policy"])

    sign_in(page, world.top_leader)

    # allauth asks for the password once more before an authenticator is added.
    if "/reauthenticate/" in page.url:
        axe_check(page)
        submit_field(page, "input[name=password]", PASSWORD)
    expect(page).to_have_url(re.compile(r"/konto/2fa/totp/activate/?$"))
    axe_check(page)
    secret = read_totp_secret(page)
    submit_field(page, "input[name=code]", totp_code(secret))

    assert Authenticator.objects.filter(
        user=world.top_leader, type=Authenticator.Type.TOTP
    ).exists()
    # allauth shows the new recovery codes next; from there the start page is open.
    axe_check(page)
    with page.expect_navigation():
        page.locator(".site-nav a[href='/']").click()
    expect(page).to_have_url(START_PAGE)
    axe_check(page)
