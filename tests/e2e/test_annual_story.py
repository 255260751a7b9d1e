"""The top leader's reporting story in a real browser: makes the walkrounds' item for
today's leadership meeting and reads the PDF and the Word file back; opens last year's
annual summary, writes the learning points, records the leadership group's review, sees
the summary locked and reads the PDF back. Every page passes axe-core in light and dark."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from tests.e2e.support import click_and_wait, save_form
from tests.reports import agenda_support
from tests.reports.annual_support import YEAR, Year
from tests.reports.test_agenda_documents import docx_text
from tests.reports.test_annual_documents import pdf_text
from visitt.reports.annual import AnnualSummary
from visitt.reports.meetings import LeadershipMeeting

pytestmark = pytest.mark.e2e

LEARNING = "Sklisikre sokker virket; legemiddellistene trenger en felles rutine."


def download(page: Page, link: Locator) -> bytes:
    """Clicks a download link and gives the file's bytes."""
    with page.expect_download() as info:
        link.click()
    return Path(info.value.path()).read_bytes()


def test_the_agenda_item_is_made_and_read_back_from_pdf_and_word(page, world, sign_in, axe_check):
    agenda = agenda_support.build(world)
    new_problem = agenda.done.problem.title  # found after the last meeting
    today = timezone.localdate()
    sign_in(page, world.top_leader)

    page.goto(reverse("leadership_agenda"))
    axe_check(page)
    page.locator("input[name=held_on]").fill(today.isoformat())
    save_form(page, "input[name=held_on]")
    meeting = LeadershipMeeting.objects.get(organisation=world.org, held_on=today)
    expect(page).to_have_url(
        re.compile(rf"{reverse('leadership_agenda_meeting', args=[meeting.pk])}$")
    )
    expect(page.locator("main")).to_contain_text(new_problem)
    axe_check(page)

    links = page.locator("#downloads a")
    pdf = download(page, links.nth(0))
    assert pdf.startswith(b"%PDF")
    assert new_problem in pdf_text(pdf)
    word = download(page, links.nth(1))
    assert new_problem in docx_text(word)
    assert "Hemmeleg" not in pdf_text(pdf) + docx_text(word)


def test_the_annual_summary_gets_learning_points_a_review_and_is_locked(
    page, world, sign_in, axe_check
):
    Year(world)
    sign_in(page, world.top_leader)

    page.goto(reverse("annual_summaries"))
    axe_check(page)
    click_and_wait(page, page.locator(f"main a[href$='/arsoppsummering/{YEAR}/']").first)
    status = page.locator("#annual-status")
    expect(status).to_have_attribute("data-locked", "false")
    expect(page.locator("main")).to_contain_text("Fall ved sengen")
    axe_check(page)

    page.locator("textarea[name=learning-learning_points]").fill(LEARNING)
    save_form(page, "textarea[name=learning-learning_points]")
    expect(page.locator("main")).to_contain_text(LEARNING)
    axe_check(page)

    # A review without where it took place is refused, with the message on the field.
    reviewed_in = page.locator("input[name=review-reviewed_in]")
    save_form(page, "input[name=review-reviewed_in]")
    expect(reviewed_in).to_have_attribute("aria-invalid", "true")
    axe_check(page)

    reviewed_in.fill("Ledergruppa")
    page.locator("textarea[name=review-decision_0_text]").fill("Fall som fast tema i 2026")
    save_form(page, "input[name=review-reviewed_in]")
    expect(status).to_have_attribute("data-locked", "true")
    expect(page.locator("#learning-form, #decision-form, #review-form")).to_have_count(0)
    axe_check(page)
    assert AnnualSummary.objects.get(organisation=world.org, year=YEAR).is_locked

    text = pdf_text(download(page, page.locator(f"main a[href$='/{YEAR}/pdf/']")))
    for expected in (LEARNING, "Fall som fast tema i 2026", "Ledergruppa", "Fall ved sengen"):
        assert expected in text, expected
