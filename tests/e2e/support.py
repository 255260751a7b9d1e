"""Small helpers for the browser tests."""

from __future__ import annotations

import re
import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import Locator, Page

# A TOTP secret as allauth makes it: 20 random bytes in base32.
SECRET_PATTERN = re.compile(r"\b[A-Z2-7]{32}\b")


def totp_code(secret: str) -> str:
    """The authenticator app's current code for `secret`, as allauth computes it.

    Near the end of a period it waits for the next one, so that the code is still
    valid when the server checks it (allauth accepts only the current period).
    """
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 3:
        time.sleep(period - time.time() % period + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def read_totp_secret(page: Page) -> str:
    """The secret the activation page shows, wherever and however it shows it.

    Looks in form fields first (allauth shows it in a read-only input), then in the
    page's text, with spaces removed in case it is grouped for reading.
    """
    texts = page.locator("input").evaluate_all("inputs => inputs.map((i) => i.value)")
    texts.append(page.locator("main").inner_text())
    for text in texts:
        match = SECRET_PATTERN.search(re.sub(r"(?<=[A-Z2-7]) (?=[A-Z2-7])", "", text))
        if match:
            return match.group()
    raise AssertionError(f"No TOTP secret shown on {page.url}")


def submit_field(page: Page, selector: str, value: str) -> None:
    """Fills a field and submits its form with Enter, as people do."""
    field = page.locator(selector)
    field.fill(value)
    with page.expect_navigation():
        field.press("Enter")


# The start page, on whatever port the live server listens.
START_PAGE = re.compile(r"^http://[^/]+/$")


def form_of(page: Page, field_selector: str) -> Locator:
    """The form that holds the field."""
    return page.locator("form", has=page.locator(field_selector))


def click_and_wait(page: Page, target: Locator) -> None:
    """Clicks a link or button that loads a new page, and waits for it."""
    with page.expect_navigation():
        target.click()


def save_form(page: Page, field_selector: str) -> None:
    """Clicks the submit button of the form that holds the field."""
    click_and_wait(page, form_of(page, field_selector).locator("button[type=submit]").first)
