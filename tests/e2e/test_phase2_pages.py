"""Every phase-2 page around the visit mode passes axe-core, in light and dark, with
realistic content: the question bank and its forms, the opening script, a unit's and a
visit's questions, the problems with none, two and three (the limit), a problem's edit
page, the personal-data warning and a validation error, and the debrief. A keyboard
user can add a problem without a mouse. (The visit mode has test_visit_mode.py.)"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.support import click_and_wait
from tests.planning.factories_visits import make_visit
from visitt.planning.models import Participant, Profession, Visit
from visitt.walkround import question_bank as qb
from visitt.walkround.models import Debrief, Problem, ProblemCategory, Theme, VisitNote

pytestmark = pytest.mark.e2e


def walkround_visit(world) -> Visit:
    """A visit to Avdeling 1 today: a group, a unit with its own question set, questions
    picked for the visit, a retired question and a note."""
    visit = make_visit(world, when=timezone.localdate(), unit=world.ward)
    Profession.ensure_defaults(world.org)
    group = zip(
        ["Ingrid S.", "Ola N.", "Aisha K."],
        Profession.objects.filter(organisation=world.org),
        strict=False,
    )
    Participant.objects.bulk_create(
        Participant(visit=visit, name=name, profession=profession) for name, profession in group
    )

    qb.ensure_question_bank(world.org)
    own = qb.add_question(
        world.org,
        theme=Theme.COMMUNICATION,
        text_nb="Hvordan får nye medarbeidere vite om rutinene på kveld?",
        text_en="How do new colleagues learn the evening routines?",
        hints_nb="Opplæring\nFaddere",
    )
    bank = qb.bank(world.org)
    qb.retire_question(bank[-1])
    qb.set_unit_questions(world.ward, [q.pk for q in bank[:8]] + [own.pk])
    picked = [bank[0], own, bank[3], bank[5]]
    qb.set_visit_questions(visit, [q.pk for q in picked])
    VisitNote.objects.create(
        visit=visit,
        question=bank[0],
        text="Avvik meldes, men tilbakemeldingen kommer sjelden tilbake til avdelingen.",
        updated_by=world.secretary,
    )
    return visit


def add_problem(visit: Visit, number: int) -> Problem:
    ProblemCategory.ensure_defaults(visit.organisation)
    categories = ProblemCategory.objects.filter(organisation=visit.organisation)
    title, description, theme, category, level, value, effort = [
        (
            "Dobbeltkontroll av insulin på kveld",
            "Kveldsvakten er ofte alene med ansvaret, og rutinen for dobbeltkontroll "
            "følges ikke når det er travelt.",
            Theme.INCIDENTS,
            "Legemiddelhåndtering",
            Problem.Level.LOCAL,
            Problem.Value.HIGH,
            Problem.Effort.EASY,
        ),
        (
            "Overlevering mellom vaktene",
            "Muntlig rapport uten fast struktur: viktige opplysninger om fallrisiko "
            "kommer ikke alltid med.",
            Theme.COMMUNICATION,
            "Overganger og samhandling",
            Problem.Level.HIGHER,
            "",
            "",
        ),
        (
            "Sengealarmer som ikke virker",
            "Flere alarmer har vært i stykker i ukevis; meldingen til drift blir liggende.",
            Theme.ENVIRONMENT,
            "Utstyr og IT",
            "",
            Problem.Value.HIGH,
            Problem.Effort.HARD,
        ),
    ][number - 1]
    return Problem.objects.create(
        visit=visit,
        number=number,
        title=title,
        description=description,
        theme=theme,
        category=categories.get(name=category),
        level=level,
        value=value,
        effort=effort,
        created_by=visit.coordinator,
    )


def check(page: Page, path: str, axe_check) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    expect(page.locator("h1")).to_have_count(1)
    axe_check(page)


def test_the_question_pages_pass_axe(page, world, sign_in, axe_check):
    visit = walkround_visit(world)
    question = qb.bank(world.org)[1]
    sign_in(page, world.coordinator)
    for path in [
        reverse("question_bank"),
        reverse("question_add"),
        reverse("question_edit", args=[question.pk]),
        reverse("opening_script_edit"),
        reverse("unit_questions", args=[world.ward.pk]),
        reverse("visit_questions", args=[visit.pk]),
    ]:
        check(page, path, axe_check)

    # A question without its Bokmål text: the error summary and the field's message.
    page.goto(reverse("question_add"))
    page.locator("#id_theme").select_option(Theme.TEAMWORK)
    click_and_wait(page, page.locator("main form button[type=submit]"))
    expect(page.locator("[data-error-summary]")).to_be_focused()
    axe_check(page)

    # Someone else rewords the question, or the opening, while the page is open: the
    # save is refused and the stored text shown.
    page.goto(reverse("question_edit", args=[question.pk]))
    qb.reword_question(
        question,
        version=question.version,
        text_nb=question.text_nb + " (omformulert)",
        text_en="Reworded by someone else",
    )
    page.locator("#id_text_nb").fill("Min nye formulering")
    click_and_wait(page, page.locator("main form button[type=submit]"))
    expect(page.locator(".ds-alert[data-color=warning]")).to_contain_text("(omformulert)")
    axe_check(page)

    page.goto(reverse("opening_script_edit"))
    script = qb.ensure_opening_script(world.org)
    qb.save_opening_script(script, version=script.version, text="Velkommen, alle sammen.")
    page.locator("#id_text").fill("Min versjon av åpningen")
    click_and_wait(page, page.locator("main form button[type=submit]"))
    expect(page.locator(".ds-alert[data-color=warning]")).to_contain_text("Velkommen")
    axe_check(page)


def test_the_problem_pages_and_the_debrief_pass_axe(page, world, sign_in, axe_check):
    visit = walkround_visit(world)
    problems = reverse("visit_problems", args=[visit.pk])
    sign_in(page, world.coordinator)

    # No problems yet, and no debrief.
    check(page, problems, axe_check)
    check(page, reverse("visit_debrief", args=[visit.pk]), axe_check)

    # A problem without a title: the validation error.
    page.goto(problems)
    page.locator("#id_new-description").fill("Noe om rutinene")
    click_and_wait(page, page.locator("form:has(#id_new-title) button[type=submit]"))
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("#id_new-title_error")).to_be_visible()
    axe_check(page)

    # A phone number in the description: the guard warns and asks for a reason.
    page.locator("#id_new-title").fill("Ringeliste ved fravær")
    page.locator("#id_new-description").fill("Vikarer må ringe 912 34 567 for å få vakt.")
    click_and_wait(page, page.locator("form:has(#id_new-title) button[type=submit]"))
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("#id_new-override_reason")).to_be_visible()
    assert not Problem.objects.filter(visit=visit).exists()
    axe_check(page)

    # Two problems, one of them placed on the matrix, and the edit page of one.
    first = add_problem(visit, 1)
    add_problem(visit, 2)
    check(page, problems, axe_check)
    check(page, reverse("visit_problem_edit", args=[visit.pk, first.pk]), axe_check)

    # Three: the limit of the method, and no form.
    add_problem(visit, 3)
    check(page, problems, axe_check)
    expect(page.locator("#id_new-title")).to_have_count(0)
    expect(page.locator("section:has(#add-heading) .ds-alert")).to_contain_text(
        "opp til tre problemer"
    )

    # The debrief, saved once, with a level to confirm for each problem.
    Debrief.objects.create(
        visit=visit,
        went_well="Alle kom til orde, og enhetslederen fikk tid til omvisningen.",
        could_be_better="Vi brukte for lang tid på presentasjonen.",
        updated_by=world.top_leader,
    )
    check(page, reverse("visit_debrief", args=[visit.pk]), axe_check)
    expect(page.locator("main form select")).to_have_count(3)


def focused_name(page: Page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.name || ''")


def tab_to(page: Page, name: str, *, limit: int = 60) -> None:
    """Presses Tab until the field called ``name`` has the focus."""
    for _ in range(limit):
        if focused_name(page) == name:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached the field {name} on {page.url}")


def test_a_keyboard_user_adds_a_problem(page, world, sign_in, axe_check):
    """The secretary, who writes during the visit, with the keyboard only."""
    visit = walkround_visit(world)
    add_problem(visit, 1)
    sign_in(page, world.secretary)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": page.url}]
    )
    # The secretary reads the visit's questions but does not pick them.
    check(page, reverse("visit_questions", args=[visit.pk]), axe_check)
    expect(page.locator("main input[type=checkbox]")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("How do new colleagues")

    page.goto(reverse("visit_problems", args=[visit.pk]))
    keyboard = page.keyboard

    tab_to(page, "new-title")
    keyboard.type("Ingen fast rutine for tilsyn om natta")
    keyboard.press("Tab")
    assert focused_name(page) == "new-description"
    keyboard.type("Nattevakten går runder etter skjønn; ingen ser til beboerne med fallrisiko.")
    keyboard.press("Tab")
    assert focused_name(page) == "new-theme"
    keyboard.press("ArrowDown")  # "Adverse events", the first theme
    keyboard.press("Tab")
    assert focused_name(page) == "new-category"
    keyboard.press("ArrowDown")  # "Fall", the first category
    keyboard.press("Tab")
    assert focused_name(page) == "new-level"
    keyboard.press("ArrowDown")  # from "Not decided yet" to "Solved locally"
    keyboard.press("Tab")
    assert focused_name(page) == "new-value"
    keyboard.press("ArrowDown")  # "High value"
    keyboard.press("Tab")
    assert focused_name(page) == "new-effort"
    keyboard.press("ArrowDown")  # "Easy"
    keyboard.press("Tab")
    expect(page.get_by_role("button", name="Add the problem")).to_be_focused()
    with page.expect_navigation():
        keyboard.press("Enter")

    problem = Problem.objects.get(visit=visit, number=2)
    assert problem.title == "Ingen fast rutine for tilsyn om natta"
    assert problem.theme == Theme.INCIDENTS
    assert problem.category is not None and problem.category.name == "Fall"
    assert (problem.level, problem.value, problem.effort) == ("local", "high", "easy")
    card = page.locator("#problem-2")
    expect(card).to_contain_text("Problem 2: Ingen fast rutine for tilsyn om natta")
    expect(page.locator(".messages")).to_contain_text("Problem 2 is saved")
    # The focus is on the new problem, where a screen reader goes on reading.
    expect(card).to_be_focused()
    axe_check(page)
