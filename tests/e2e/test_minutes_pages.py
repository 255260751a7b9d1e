"""The minutes pages pass axe-core in light and dark in every state the phase-3 story
does not reach: a refused signature and a refused new version (the forms with their
errors), a text one leader has signed, and signed minutes with two versions (the new
one in review, then signed, and each version's own page)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.e2e.support import click_and_wait
from tests.walkround.conftest import make_visit
from visitt.followup.minutes import Minutes
from visitt.planning.group import Participant, Profession
from visitt.walkround.problems import Problem

pytestmark = pytest.mark.e2e


def url(name: str, visit, *args) -> str:
    return reverse(name, args=[visit.pk, *args])


def minutes_in_review(world, client_for) -> Minutes:
    """A conducted walkround (the coordinator leads) whose draft the secretary has sent
    for review."""
    visit = make_visit(world)
    visit.mark_conducted(world.secretary)
    Profession.ensure_defaults(world.org)
    nurse = Profession.objects.filter(organisation=world.org).first()
    Participant.objects.create(visit=visit, name="Per Pleier", profession=nurse, email="per@x.no")
    Participant.objects.create(visit=visit, name="Ada Assistent", profession=nurse)
    Problem.objects.create(
        visit=visit, number=1, title="Fall på toalettet", created_by=world.secretary
    )
    secretary = client_for(world.secretary)
    assert secretary.post(url("minutes_start", visit)).status_code == 302
    assert secretary.post(url("minutes_review", visit)).status_code == 302
    return Minutes.objects.get(visit=visit)


def sign(client, minutes: Minutes) -> None:
    minutes.refresh_from_db()
    response = client.post(
        url("minutes_sign", minutes.visit), {"version": minutes.version, "password": PASSWORD}
    )
    assert response.status_code == 302


def submit(page: Page, form_selector: str) -> None:
    click_and_wait(page, page.locator(form_selector).locator("button[type=submit]").first)


def test_a_refused_signature_and_a_half_signed_text_pass_axe(
    page, world, client_for, sign_in, axe_check
):
    minutes = minutes_in_review(world, client_for)
    visit = minutes.visit
    sign_in(page, world.top_leader)
    page.goto(url("minutes", visit))
    sign_form = f"form[action='{url('minutes_sign', visit)}']"
    page.locator(f"{sign_form} input[name=password]").fill("not the password")
    submit(page, sign_form)
    # Refused: the form comes back with its error.
    expect(page.locator(f"{sign_form} .ds-error-summary")).to_be_visible()
    axe_check(page)
    assert not minutes.versions.get().signatures.exists()

    # The top leader signs; the secretary sees the text one leader has signed.
    sign(client_for(world.top_leader), minutes)
    page.context.clear_cookies()
    sign_in(page, world.secretary)
    page.goto(url("minutes", visit))
    expect(page.locator("#id_body")).to_be_visible()
    axe_check(page)


def test_signed_minutes_with_two_versions_pass_axe(page, world, client_for, sign_in, axe_check):
    minutes = minutes_in_review(world, client_for)
    visit = minutes.visit
    sign(client_for(world.top_leader), minutes)
    sign(client_for(world.coordinator), minutes)

    sign_in(page, world.secretary)
    page.goto(url("minutes", visit))
    new_form = f"form[action='{url('minutes_new_version', visit)}']"
    submit(page, new_form)  # no reason: refused, the form shows its error
    expect(page.locator(f"{new_form} .ds-error-summary")).to_be_visible()
    axe_check(page)
    page.locator(f"{new_form} textarea").fill("Feil frist på tiltaket.")
    submit(page, new_form)
    expect(page).to_have_url(re.compile(rf"{url('minutes', visit)}$"))
    expect(page.locator("#id_body")).to_be_visible()
    axe_check(page)  # version 2, a draft, next to signed version 1
    submit(page, f"form[action='{url('minutes_review', visit)}']")
    axe_check(page)  # version 2 in review

    sign(client_for(world.top_leader), minutes)
    sign(client_for(world.coordinator), minutes)
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.SIGNED
    assert minutes.versions.filter(locked_at__isnull=False).count() == 2
    page.goto(url("minutes", visit))
    expect(page.locator(f"main a[href^='{url('minutes_version', visit, 1)}']")).to_be_visible()
    axe_check(page)  # signed, two versions
    for number in (1, 2):
        response = page.goto(url("minutes_version", visit, number))
        assert response is not None and response.status == 200
        expect(page.locator("h1")).to_have_count(1)
        axe_check(page)
