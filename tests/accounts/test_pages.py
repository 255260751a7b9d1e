"""The sign-in and account pages use Visitt's layout and Designsystemet markup."""

from __future__ import annotations

import pytest

from tests.accounts.markup import problems
from tests.accounts.pages import PAGES


@pytest.mark.parametrize("name", PAGES)
def test_every_account_page_has_sound_markup(world, sign_in, name):
    response = PAGES[name](world, sign_in)

    assert response.status_code == 200
    html = response.content.decode()
    assert problems(html) == []
    # Visitt's layout (the site header and footer) and a Designsystemet heading.
    assert 'class="site-header"' in html
    assert '<h1 class="ds-heading"' in html
    assert 'href="/konto/signup/"' not in html


def test_the_password_field_has_no_empty_description(world, client):
    html = client.get("/konto/login/").content.decode()

    # templates/account/password_reset_help_text.html must render nothing at all.
    assert "id_password_helptext" not in html


def test_field_errors_are_tied_to_their_fields(world, sign_in):
    client, _response = sign_in(world.coordinator)

    html = client.post(
        "/konto/password/change/", {"oldpassword": "feil", "password1": "", "password2": ""}
    ).content.decode()

    assert 'class="ds-error-summary"' in html
    assert 'aria-describedby="id_oldpassword_error"' in html
    assert (
        '<div class="ds-validation-message" data-field="validation" id="id_oldpassword_error">'
        in html
    )


def test_the_totp_page_shows_the_qr_code_and_the_secret(world, sign_in):
    html = PAGES["activate totp"](world, sign_in).content.decode()

    assert '<div class="totp-qr" role="img" aria-label="' in html
    assert '<svg width="' in html
    assert 'id="authenticator_secret"' in html
    assert 'for="authenticator_secret"' in html
