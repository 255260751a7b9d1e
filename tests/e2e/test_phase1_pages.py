"""Every phase-1 page a coordinator or top leader opens passes axe-core, in light and
dark, with realistic content (a visit with a group, postponement, incident counts and
staff examples) — including the pages no story test walks through."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from visitt.planning.models import (
    IncidentCount,
    LetterTemplate,
    Participant,
    Profession,
    StaffInput,
    Visit,
)

pytestmark = pytest.mark.e2e


def rich_visit(world) -> Visit:
    Profession.ensure_defaults(world.org)
    professions = list(Profession.objects.filter(organisation=world.org))
    visit = Visit.objects.create(
        organisation=world.org,
        unit=world.ward,
        date=timezone.localdate() + timedelta(days=12),
        place="Personalrommet",
        visit_leader=world.top_leader,
        coordinator=world.coordinator,
        secretary=world.secretary,
        unit_leader=world.unit_leader,
        contact_name="Kari Kontakt",
        contact_email="kontakt@test.no",
        created_by=world.coordinator,
    )
    visit.postpone(
        to_date=visit.date + timedelta(days=7),
        to_time=None,
        reason="Sykdom på enheten",
        by=world.coordinator,
    )
    for i, name in enumerate(["Ingrid S.", "Ola N.", "Aisha K."]):
        Participant.objects.create(visit=visit, name=name, profession=professions[i])
    StaffInput.objects.create(
        visit=visit, text="Vi mangler rutine for dobbeltkontroll av insulin på kveld."
    )
    first_of_month = timezone.localdate().replace(day=1)
    for months_back, category in enumerate(["Fall", "Legemiddelhåndtering", "Trykksår"], start=1):
        period = (first_of_month - timedelta(days=28 * months_back)).replace(day=1)
        IncidentCount.objects.create(
            organisation=world.org,
            unit=world.ward,
            period=period,
            category=category,
            count=3,
            created_by=world.coordinator,
        )
    return visit


def test_the_coordinators_phase1_pages_pass_axe(page, world, sign_in, axe_check):
    visit = rich_visit(world)
    sign_in(page, world.coordinator)
    year = visit.date.year
    for path in [
        reverse("visit_list"),
        reverse("visit_create"),
        reverse("visit_detail", args=[visit.pk]),
        reverse("visit_edit", args=[visit.pk]),
        reverse("visit_postpone", args=[visit.pk]),
        reverse("visit_group", args=[visit.pk]),
        reverse("visit_preparation", args=[visit.pk]),
        reverse("visit_invitation_preview", args=[visit.pk]),
        reverse("professions"),
        reverse("incident_list"),
        reverse("incident_create"),
        reverse("incident_import"),
        reverse("letter_templates"),
        reverse("calendar_settings"),
        reverse("plan_year", args=[year]),
        reverse("plan_calendar", args=[year]),
    ]:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        expect(page.locator("h1")).to_have_count(1)
        axe_check(page)


def test_the_letter_template_editor_passes_axe(page, world, sign_in, axe_check):
    rich_visit(world)
    sign_in(page, world.coordinator)
    page.goto(reverse("letter_templates"))
    template = LetterTemplate.objects.filter(organisation=world.org).first()
    assert template is not None
    page.goto(reverse("letter_template_edit", args=[template.pk]))
    expect(page.locator("h1")).to_have_count(1)
    axe_check(page)


def test_a_year_with_a_public_holiday_calendar_passes_axe(page, world, sign_in, axe_check):
    sign_in(page, world.top_leader)
    page.goto(reverse("plan_calendar", args=[date(2027, 1, 1).year]))
    expect(page.locator("table").first).to_be_visible()
    axe_check(page)
