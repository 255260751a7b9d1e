"""At 320 CSS pixels wide (a phone, or 400 % zoom) no page scrolls sideways (WCAG 1.4.10).

Wide tables may scroll inside their own box; the page itself must not.
"""

import pytest

pytestmark = pytest.mark.e2e

ADMIN_PAGES = [
    "/",
    "/organisasjon/",
    "/organisasjon/enheter/",
    "/organisasjon/enheter/ny/",
    "/organisasjon/enheter/importer/",
    "/organisasjon/personer/",
    "/organisasjon/personer/inviter/",
]

OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    return {
        scrollWidth: document.documentElement.scrollWidth,
        width,
        culprits: [...document.querySelectorAll("body *")]
            .filter((e) => e.getBoundingClientRect().right > width + 1)
            .filter((e) => !e.closest(".table-wrap"))
            .slice(0, 5)
            .map((e) => `${e.tagName.toLowerCase()}.${e.className}#${e.id}`),
    };
}"""


def check_reflow(page, paths, axe_check) -> None:
    problems = []
    for path in paths:
        page.goto(path)
        axe_check(page)
        result = page.evaluate(OVERFLOW)
        if result["scrollWidth"] > result["width"]:
            problems.append(f"{path}: {result['scrollWidth']}px wide, {result['culprits']}")
    assert not problems, "Pages that scroll sideways at 320px:\n" + "\n".join(problems)


def test_the_admin_pages_reflow_on_a_320_pixel_wide_screen(page, world, sign_in, axe_check):
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, world.admin)
    check_reflow(page, ADMIN_PAGES, axe_check)


def test_the_audit_trail_reflows_on_a_320_pixel_wide_screen(page, world, sign_in, axe_check):
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, world.admin)
    check_reflow(page, ["/organisasjon/logg/"], axe_check)
