"""axe-core (WCAG 2.2 AA) on every sign-in and account page, in both colour schemes.

The pages come from the Django test client (tests/accounts/pages.py), with their real
Content-Security-Policy header; Chromium loads each one from a routed address and gets
the static files from the staticfiles finders, so no live server is needed. Playwright
runs in a thread of its own: its event loop then never runs in the main thread, where
the ORM works (Django refuses ORM calls while a loop runs in the calling thread).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from tests.accounts.pages import PAGES

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ORIGIN = "http://testserver"
AXE_RUN = """async (tags) => {
    const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
    return results.violations.map((v) =>
        `${v.id} [${v.impact}]: ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}"""


class Browser:
    """One headless Chromium in its own thread; check() sends it a page and waits."""

    def __init__(self) -> None:
        self.jobs: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def check(self, path: str, html: str, headers: dict[str, str]) -> list[str]:
        answer: queue.Queue = queue.Queue()
        self.jobs.put((path, html, headers, answer))
        result = answer.get(timeout=120)
        if isinstance(result, BaseException):
            raise result
        return result

    def close(self) -> None:
        self.jobs.put(None)
        self.thread.join(timeout=30)

    def _run(self) -> None:
        from playwright.sync_api import sync_playwright

        axe = AXE_JS.read_text(encoding="utf-8")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
            )
            while (job := self.jobs.get()) is not None:
                path, html, headers, answer = job
                try:
                    answer.put(self._check(browser, axe, path, html, headers))
                except BaseException as error:  # handed to the test thread
                    answer.put(error)
            browser.close()

    @staticmethod
    def _check(browser, axe: str, path: str, html: str, headers: dict[str, str]) -> list[str]:
        context = browser.new_context(locale="nb-NO")
        page = context.new_page()
        found: list[str] = []
        page.on(
            "console",
            lambda m: found.append(f"console: {m.text}") if m.type == "error" else None,
        )

        def serve(route) -> None:
            url = route.request.url
            if url == f"{ORIGIN}{path}":
                route.fulfill(status=200, body=html, headers=headers)
            elif url.startswith(f"{ORIGIN}{settings.STATIC_URL}"):
                name = url.removeprefix(f"{ORIGIN}{settings.STATIC_URL}").split("?")[0]
                file = finders.find(name)
                if file:
                    route.fulfill(path=file)
                else:
                    found.append(f"missing static file {name}")
                    route.abort()
            else:
                route.abort()

        page.route("**/*", serve)
        page.goto(f"{ORIGIN}{path}")
        page.evaluate(f"(() => {{ {axe}\n}})(); true")
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            for violation in page.evaluate(AXE_RUN, WCAG_TAGS):
                found.append(f"{scheme}: {violation}")
        context.close()
        return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists() or not AXE_JS.exists():
        pytest.skip(f"needs {CHROMIUM} and {AXE_JS} (apt-get install chromium; npm ci)")
    browser = Browser()
    yield browser
    browser.close()


@pytest.mark.parametrize("name", PAGES)
def test_every_account_page_passes_axe_in_light_and_dark(world, sign_in, browser, name):
    response = PAGES[name](world, sign_in)
    assert response.status_code == 200
    path = response.wsgi_request.get_full_path()
    headers = {"Content-Type": response["Content-Type"]}
    if "Content-Security-Policy" in response:
        headers["Content-Security-Policy"] = response["Content-Security-Policy"]

    assert browser.check(path, response.content.decode(), headers) == []
