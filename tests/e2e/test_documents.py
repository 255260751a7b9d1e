"""The coordinator edits the invitation template, previews and sends a visit's
invitation, and subscribes to the visits in a calendar; every page checked with axe."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from playwright.sync_api import expect

from tests.e2e.support import click_and_wait
from visitt.planning.letters import InvitationDispatch, LetterTemplate, template_for
from visitt.planning.preparation import CalendarFeed
from visitt.planning.visits import Visit

pytestmark = pytest.mark.e2e


def test_a_coordinator_edits_the_template_and_sends_the_invitation(page, world, sign_in, axe_check):
    visit = Visit.objects.create(
        organisation=world.org,
        unit=world.unit,
        date=date(2030, 11, 19),
        start_time=time(10, 0),
        place="Personalrommet",
        visit_leader=world.top_leader,
        coordinator=world.coordinator,
        unit_leader=world.unit_leader,
        contact_name="Kari Kontakt",
        contact_email="kontakt@test.no",
        created_by=world.coordinator,
    )
    sign_in(page, world.coordinator)

    # The templates: an unknown field is refused with an error summary.
    page.goto("/organisasjon/brevmaler/")
    axe_check(page)
    template = template_for(world.org, LetterTemplate.Kind.INVITATION)
    click_and_wait(page, page.locator(f"a[href='/organisasjon/brevmaler/{template.pk}/']"))
    axe_check(page)
    page.locator("#id_subject").fill("Besøk på {enhet}")
    click_and_wait(page, page.get_by_role("button", name=re.compile("Lagre|Save")))
    expect(page.locator(".ds-error-summary")).to_contain_text("{enhet}")
    axe_check(page)
    page.locator("#id_subject").fill("Invitasjon: besøk på {unit} {date}")
    click_and_wait(page, page.get_by_role("button", name=re.compile("Lagre|Save")))
    expect(page).to_have_url(re.compile(r"/organisasjon/brevmaler/$"))

    # The preview shows the filled-in letter; sending it queues the e-mails.
    page.goto(f"/visitter/{visit.pk}/invitasjon/")
    expect(page.locator(".letter-preview h2")).to_have_text(
        "Invitasjon: besøk på Solbakken sykehjem tirsdag 19. november 2030"
    )
    axe_check(page)
    click_and_wait(
        page, page.locator(f"form[action='/visitter/{visit.pk}/invitasjon/send/'] button")
    )
    expect(page.locator(".messages")).to_contain_text("kontakt@test.no")
    axe_check(page)
    assert InvitationDispatch.objects.filter(visit=visit).count() == 1

    # The calendar: the secret link is shown once.
    page.goto("/kalender/")
    axe_check(page)
    click_and_wait(page, page.locator("form[action='/kalender/ny-lenke/'] button"))
    link = page.locator("#feed-url")
    expect(link).to_have_value(re.compile(r"/kalender/[\w-]+\.ics$"))
    axe_check(page)
    assert CalendarFeed.objects.filter(user=world.coordinator, revoked_at=None).count() == 1
