"""The pages people see when something is out of reach are accessible too."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_page_without_access_and_a_missing_page_explain_themselves(
    page, world, sign_in, axe_check
):
    sign_in(page, world.secretary)

    response = page.goto("/organisasjon/enheter/")
    assert response.status == 403
    expect(page.locator("main a[href='/']")).to_be_visible()
    axe_check(page)

    response = page.goto("/finnes-ikke/")
    assert response.status == 404
    expect(page.locator("main a[href='/']")).to_be_visible()
    axe_check(page)
