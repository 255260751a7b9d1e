"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

One headless Chromium serves the whole run; every test gets a fresh browser context
(its own cookies and storage), which costs milliseconds. Every page a test visits is
checked with axe-core, in the light and in the dark colour scheme, because our
<html data-color-scheme="auto"> lets Designsystemet follow the operating system.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.tasks.signals import task_enqueued
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Playwright,
    Response,
    expect,
    sync_playwright,
)

from tests.conftest import PASSWORD
from tests.e2e.support import submit_field

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
]
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
COLOUR_SCHEMES = ("light", "dark")
# Playwright waits this long for an element, a page or an expectation before a test
# fails: generous, because CI machines are sometimes busy.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)

E2E_DIR = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Browser tests run last. Playwright's sync API keeps an asyncio loop running in the
    # main thread, and Django refuses ORM calls under a running loop, so the other tests
    # must not run while the browser is up (see the browser fixture).
    items.sort(key=lambda item: E2E_DIR in Path(item.path).parents)


# --- The browser ------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright_browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = (
            f"BROWSER TESTS SKIPPED: {CHROMIUM} is missing, so the end-to-end and accessibility "
            "tests did not run. Install Debian's Chromium (apt-get install chromium)."
        )
        if os.environ.get("VISITT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{message} VISITT_REQUIRE_BROWSER=1, so that is a failure.", pytrace=False)
        warnings.warn(pytest.PytestWarning(message), stacklevel=1)
        pytest.skip(message)

    # The tests set up data with the ORM in the main thread while Playwright's event loop
    # runs there; Django's guard against ORM calls in async code does not apply to that.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright: Playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(playwright_browser: Browser, live_server, transactional_db) -> Iterator[Page]:
    """A page in a fresh browser context, pointed at the live server.

    The live server runs in another thread, so the data must really be committed:
    with live_server requested, pytest-django makes every test database fixture
    transactional, including the `db` that tests.conftest's `world` asks for.

    Server errors, uncaught script errors and Content Security Policy violations fail
    the test (at its end, so that its own assertion comes first).
    """
    context = playwright_browser.new_context(base_url=live_server.url, locale="nb-NO")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(f"CSP violation on {page.url}: {message.text}")

    def on_response(response: Response) -> None:
        if response.status >= 500:
            problems.append(f"Server error {response.status} for {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: problems.append(f"Script error on {page.url}: {error}"))
    yield page
    context.close()
    assert not problems, "\n".join(problems)


# --- Accessibility ------------------------------------------------------------------


def _format_violations(url: str, scheme: str, violations: list[dict]) -> str:
    lines = [f"axe found {len(violations)} accessibility violation(s) on {url} ({scheme} scheme):"]
    for violation in violations:
        lines.append(f"- {violation['id']} [{violation['impact']}]: {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {' > '.join(map(str, node['target']))}")
            if node.get("summary"):
                for summary_line in node["summary"].splitlines():
                    lines.append(f"       {summary_line}")
    return "\n".join(lines)


AXE_RUN = """async (tags) => {
    const results = await axe.run(document, {
        runOnly: {type: "tag", values: tags},
        resultTypes: ["violations"],
    });
    return results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({target: n.target, summary: n.failureSummary})),
    }));
}"""

WAIT_FOR_STYLES = """() => new Promise((resolve) =>
    requestAnimationFrame(() => requestAnimationFrame(resolve)))"""


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci` to install axe-core.", pytrace=False)
    # Wrapped so that Playwright evaluates it as one expression (the whole library).
    return f"(() => {{ {AXE_JS.read_text(encoding='utf-8')}\n}})(); true"


@pytest.fixture
def axe_check(axe_source: str) -> Callable[[Page], None]:
    """axe_check(page) fails the test with a readable list of WCAG 2.2 AA violations.

    It checks the page in both colour schemes and leaves it in the light one. The
    library is evaluated through the DevTools protocol, which our CSP (no inline
    scripts without a nonce) does not apply to.
    """

    def check(page: Page) -> None:
        page.wait_for_load_state("load")
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(axe_source)
        failures = []
        for scheme in COLOUR_SCHEMES:
            page.emulate_media(color_scheme=scheme)
            page.evaluate(WAIT_FOR_STYLES)
            violations = page.evaluate(AXE_RUN, WCAG_TAGS)
            if violations:
                failures.append(_format_violations(page.url, scheme, violations))
        page.emulate_media(color_scheme="light")
        if failures:
            pytest.fail("\n\n".join(failures), pytrace=False)

    return check


# --- Signing in ----------------------------------------------------------------------


@pytest.fixture
def sign_in(axe_check: Callable[[Page], None]) -> Callable[..., None]:
    """sign_in(page, user) signs in through the real login form (checked with axe).

    It stops after the password step; a person with two-factor sign-in continues on
    the code page.
    """

    def do(page: Page, user) -> None:
        page.goto("/konto/login/")
        axe_check(page)
        page.locator("input[name=login]").fill(user.email)
        submit_field(page, "input[name=password]", PASSWORD)
        expect(page).not_to_have_url(re.compile(r"/konto/login/$"))

    return do


@pytest.fixture
def enqueued_tasks() -> Iterator[list]:
    """Tasks enqueued anywhere, the live server's thread included (the DummyBackend keeps
    its results per thread, the signal is global)."""
    results: list = []

    def on_enqueued(sender, task_result, **kwargs) -> None:
        results.append(task_result)

    task_enqueued.connect(on_enqueued)
    yield results
    task_enqueued.disconnect(on_enqueued)
