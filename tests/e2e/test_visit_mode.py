"""In the browser: the visit mode never loses a note. It saves as one types, keeps the
text through a reload and a cut network, shows both texts when two people edit the same
note, and passes axe at tablet size and at 200 % zoom."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from visitt.planning.models import Visit
from visitt.walkround.models import Question, Theme, VisitNote

pytestmark = pytest.mark.e2e

TABLET = {"width": 768, "height": 1024}
# 200 % zoom of a tablet: the same page laid out in half the CSS pixels.
ZOOMED = {"width": 384, "height": 512}
SAVED = re.compile(r"Saved at \d\d:\d\d")


def make_visit(world) -> Visit:
    visit = Visit.objects.create(
        organisation=world.org,
        unit=world.unit,
        date=timezone.localdate(),
        visit_leader=world.coordinator,
        coordinator=world.coordinator,
        secretary=world.secretary,
        unit_leader=world.unit_leader,
        created_by=world.coordinator,
    )
    Question.objects.create(
        organisation=world.org,
        theme=Theme.INCIDENTS,
        text_nb="Hva skjer når noe går galt?",
        text_en="What happens when something goes wrong?",
        hints_nb="Meldes det?\nHva lærer dere?",
    )
    return visit


def open_mode(page: Page, sign_in, user, visit: Visit) -> None:
    sign_in(page, user)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": page.url}]
    )
    page.goto(f"/visitter/{visit.pk}/visitt/")
    expect(page.locator("h1")).to_have_count(1)


def general(page: Page):
    form = page.locator("#note-general")
    return form, form.locator("textarea[name=text]"), form.locator("[data-status]")


def test_a_note_saves_itself_and_survives_a_reload(page, world, sign_in, axe_check):
    visit = make_visit(world)
    page.set_viewport_size(TABLET)
    open_mode(page, sign_in, world.secretary, visit)
    axe_check(page)

    _form, text, status = general(page)
    text.fill("Rutinen for overlevering er uklar")
    expect(status).to_have_text(SAVED)
    assert VisitNote.objects.get(visit=visit, question=None).text == (
        "Rutinen for overlevering er uklar"
    )

    # Leaving the field saves at once (no waiting for the pause).
    text.fill("Rutinen for overlevering er uklar om natta")
    page.keyboard.press("Tab")
    expect(status).to_have_text(SAVED)
    page.reload()
    _form, text, _status = general(page)
    expect(text).to_have_value("Rutinen for overlevering er uklar om natta")
    note = VisitNote.objects.get(visit=visit, question=None)
    assert note.text == "Rutinen for overlevering er uklar om natta"
    assert note.version == 2


def test_a_cut_network_keeps_the_text_through_a_reload_and_sends_it_when_back(page, world, sign_in):
    visit = make_visit(world)
    page.set_viewport_size(TABLET)
    open_mode(page, sign_in, world.secretary, visit)
    _form, text, status = general(page)

    # The browser goes offline in the middle of a note.
    text.fill("Første del")
    expect(status).to_have_text(SAVED)
    page.context.set_offline(True)
    text.fill("Første del, andre del skrevet uten nett")
    expect(status).to_contain_text("Not saved yet")
    assert VisitNote.objects.get(visit=visit, question=None).text == "Første del"

    # The connection returns: the text goes out by itself.
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(status).to_have_text(SAVED)
    assert VisitNote.objects.get(visit=visit, question=None).text == (
        "Første del, andre del skrevet uten nett"
    )

    # The server cannot be reached (requests fail) and the page is reloaded: the text
    # comes back from the browser, and is sent when the server answers again.
    page.route("**/notater/", lambda route: route.abort())
    text.fill("Tredje versjon, aldri mottatt")
    expect(status).to_contain_text("Not saved yet")
    page.reload()
    _form, text, status = general(page)
    expect(text).to_have_value("Tredje versjon, aldri mottatt")
    expect(status).to_contain_text("Not saved yet")
    page.unroute("**/notater/")
    expect(status).to_have_text(SAVED, timeout=15_000)  # the retry every few seconds
    assert VisitNote.objects.get(visit=visit, question=None).text == (
        "Tredje versjon, aldri mottatt"
    )
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('visitt:'))") == []


def test_two_people_on_the_same_note_see_both_texts(
    page, world, sign_in, axe_check, playwright_browser: Browser, live_server
):
    visit = make_visit(world)
    question = Question.objects.get(organisation=world.org)
    page.set_viewport_size(TABLET)
    open_mode(page, sign_in, world.secretary, visit)

    other_context = playwright_browser.new_context(base_url=live_server.url, locale="nb-NO")
    try:
        other = other_context.new_page()
        other.set_viewport_size(TABLET)
        open_mode(other, sign_in, world.coordinator, visit)

        mine = page.locator(f"#note-{question.pk}")
        theirs = other.locator(f"#note-{question.pk}")
        mine.locator("textarea[name=text]").fill("Sekretærens tekst")
        expect(mine.locator("[data-status]")).to_have_text(SAVED)

        # The coordinator's page still carries the old version.
        theirs.locator("textarea[name=text]").fill("Koordinatorens tekst")
        conflict = theirs.locator("[data-conflict]")
        expect(conflict).to_be_visible()
        expect(conflict.locator("[data-theirs]")).to_have_value("Sekretærens tekst")
        expect(theirs.locator("textarea[name=text]")).to_have_value("Koordinatorens tekst")
        expect(theirs.locator("[data-status]")).to_contain_text("Not saved")
        assert VisitNote.objects.get(question=question).text == "Sekretærens tekst"
        axe_check(other)

        # Merge: their text below mine, then save.
        conflict.get_by_role("button", name="Add their text below mine").click()
        conflict.get_by_role("button", name="Save the text in the field").click()
        expect(theirs.locator("[data-status]")).to_have_text(SAVED)
        expect(conflict).to_be_hidden()
        assert VisitNote.objects.get(question=question).text == (
            "Koordinatorens tekst\n\nSekretærens tekst"
        )
        assert VisitNote.objects.filter(visit=visit).count() == 1
    finally:
        other_context.close()


def test_a_national_identity_number_is_refused_and_kept_in_the_field(page, world, sign_in):
    visit = make_visit(world)
    open_mode(page, sign_in, world.secretary, visit)
    _form, text, status = general(page)
    text.fill("Gjelder 15108695088")
    expect(page.locator("#note-general [data-guard]")).to_be_visible()
    expect(status).to_contain_text("Not saved")
    expect(text).to_have_value("Gjelder 15108695088")
    assert not VisitNote.objects.filter(text__contains="15108695088").exists()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('visitt:'))") == []


@pytest.mark.parametrize("viewport", [TABLET, ZOOMED], ids=["tablet", "zoom-200"])
def test_the_visit_mode_passes_axe(page, world, sign_in, axe_check, viewport):
    visit = make_visit(world)
    page.set_viewport_size(viewport)
    open_mode(page, sign_in, world.secretary, visit)
    axe_check(page)
    # Nothing sticks out sideways at 200 % zoom (WCAG 1.4.10, reflow).
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    # Touch targets: the buttons and note fields are at least 44 px high.
    heights = page.evaluate(
        "[...document.querySelectorAll('.visit-mode .ds-button, .visit-mode textarea')]"
        ".filter(e => e.offsetParent).map(e => e.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 44
