"""The learning and reporting pages in a real browser: key figures, the leadership
meeting's agenda item, the learning library (publishing a candidate and editing it) and
the pulse surveys (made through the form, the poster, and the public page answered with
the keyboard alone, without an account). Every page passes axe-core in light and dark.

Entering data points until the run chart shows a signal is covered by
test_measure_pages.py."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.support import click_and_wait, save_form
from tests.improvement import test_library
from tests.improvement.test_survey import _fill, _survey
from tests.reports import agenda_support
from tests.reports.annual_support import Year
from visitt.improvement.library import LibraryEntry
from visitt.improvement.survey import PulseResponse, PulseSurvey

pytestmark = pytest.mark.e2e


def test_key_figures_and_the_agenda_pages_pass_axe(page, world, sign_in, axe_check):
    Year(world)
    agenda = agenda_support.build(world)
    sign_in(page, world.top_leader)

    page.goto(reverse("key_figures"))
    expect(page.locator("main h1")).to_be_visible()
    axe_check(page)

    # The item since the last meeting, with the form to make it for a meeting.
    page.goto(reverse("leadership_agenda"))
    expect(page.locator("#make form")).to_be_visible()
    expect(page.locator("main")).to_contain_text(agenda.done.problem.title)
    axe_check(page)

    # No date: the form says so, and the page still passes.
    page.locator("input[name=held_on]").fill("")
    save_form(page, "input[name=held_on]")
    expect(page.locator("input[name=held_on]")).to_have_attribute("aria-invalid", "true")
    axe_check(page)

    # The item as made for the meeting 30 days ago, with its downloads.
    page.goto(reverse("leadership_agenda_meeting", args=[agenda.meeting.pk]))
    expect(page.locator("#downloads a")).to_have_count(2)
    axe_check(page)


def test_a_leader_publishes_a_candidate_and_edits_the_entry(page, world, sign_in, axe_check):
    action, _measure = test_library._candidate(world)
    sign_in(page, world.coordinator)

    page.goto(reverse("library"))
    candidate = page.locator(f"#candidate-{action.pk}")
    expect(candidate).to_be_visible()
    axe_check(page)

    click_and_wait(page, candidate.locator("button[type=submit]"))
    entry = LibraryEntry.objects.get(action=action)
    expect(page).to_have_url(re.compile(rf"{reverse('library_entry', args=[entry.pk])}$"))
    expect(page.locator("#result [data-verdict=improvement]")).to_be_visible()
    axe_check(page)

    click_and_wait(page, page.locator(f"#manage a[href$='{entry.pk}/rediger/']"))
    axe_check(page)

    # An empty title is refused with a message on the field.
    page.locator("input[name=title]").fill("")
    save_form(page, "input[name=title]")
    expect(page.locator("input[name=title]")).to_have_attribute("aria-invalid", "true")
    axe_check(page)

    page.locator("input[name=title]").fill("Sklisikre sokker mot fall")
    page.locator("textarea[name=advice]").fill("Start med ett rom og mål fall hver måned.")
    save_form(page, "input[name=title]")
    expect(page).to_have_url(re.compile(rf"{reverse('library_entry', args=[entry.pk])}$"))
    expect(page.locator("main h1")).to_have_text("Sklisikre sokker mot fall")
    expect(page.locator("#advice")).to_contain_text("Start med ett rom")
    axe_check(page)

    # The library lists the entry, and the action is no longer a candidate.
    page.goto(reverse("library"))
    expect(page.locator(f"#entry-{entry.pk}")).to_be_visible()
    expect(page.locator(f"#candidate-{action.pk}")).to_have_count(0)
    axe_check(page)


def test_a_coordinator_makes_a_pulse_survey_and_its_pages_pass_axe(page, world, sign_in, axe_check):
    sign_in(page, world.coordinator)
    page.goto(reverse("pulse_surveys"))
    axe_check(page)

    click_and_wait(page, page.locator(f"main a[href='{reverse('pulse_survey_create')}']"))
    axe_check(page)

    # A survey that closes before it opens is refused.
    today = timezone.localdate()
    page.locator("select[name=unit]").select_option(str(world.unit.pk))
    page.locator("input[name=title]").fill("Før visitten")
    page.locator("input[name=opens_on]").fill(today.isoformat())
    page.locator("input[name=closes_on]").fill((today - timedelta(days=1)).isoformat())
    save_form(page, "input[name=title]")
    expect(page.locator("main [data-error-summary]")).to_be_visible()
    axe_check(page)

    page.locator("input[name=closes_on]").fill((today + timedelta(days=14)).isoformat())
    page.locator("textarea[name=statements]").fill("Vi lærer av feil.\nJeg trives her.")
    save_form(page, "input[name=title]")
    survey = PulseSurvey.objects.get()
    expect(page).to_have_url(re.compile(rf"{reverse('pulse_survey', args=[survey.pk])}$"))
    expect(page.locator("main a.survey-url")).to_be_visible()
    axe_check(page)

    click_and_wait(page, page.locator(f"main a[href$='{survey.pk}/plakat/']"))
    expect(page.locator("svg").first).to_be_visible()
    axe_check(page)

    page.goto(reverse("pulse_survey_edit", args=[survey.pk]))
    axe_check(page)

    # Five answers: the results, with the chart and the table.
    _fill(survey, 5)
    page.goto(reverse("pulse_survey", args=[survey.pk]))
    expect(page.locator("#results table")).to_be_visible()
    expect(page.locator("#results svg").first).to_be_visible()
    axe_check(page)


FOCUSED_NAME = "() => document.activeElement.name || document.activeElement.type"


def tab_to(page: Page, name: str, *, limit: int = 30) -> None:
    """Presses Tab until the field called `name` (or, for a button, of that type) has
    the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_NAME) == name:
            return
    pytest.fail(f"{limit} presses on Tab did not reach {name} on {page.url}")


def choose_with_keys(page: Page, presses: int) -> None:
    """In the focused group of radio buttons: Space picks the first, arrows move on."""
    page.keyboard.press("Space")
    for _ in range(presses):
        page.keyboard.press("ArrowRight")


def test_staff_answer_the_public_survey_with_the_keyboard_alone(page, world, axe_check):
    survey = _survey(world)
    names = [f"s{pk}" for pk in survey.statements.values_list("pk", flat=True)]
    page.goto(reverse("pulse_answer", args=[survey.token]))
    expect(page.locator("main fieldset")).to_have_count(len(names))
    axe_check(page)

    # Sending nothing: the message and every group marked.
    tab_to(page, "submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#answer-errors")).to_be_visible()
    expect(page.locator("main [data-field=validation]")).to_have_count(len(names))
    axe_check(page)

    # Tab into the first group; one Tab from each group leads to the next, then to Send.
    tab_to(page, names[0])
    choose_with_keys(page, presses=3)
    for name in names[1:]:
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUSED_NAME) == name
        choose_with_keys(page, presses=3)
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED_NAME) == "submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?takk=1$"))
    expect(page.locator("main [role=status]")).to_be_visible()
    axe_check(page)

    response = PulseResponse.objects.get(survey=survey)
    assert sorted(response.answers.values_list("score", flat=True)) == [4] * len(names)
