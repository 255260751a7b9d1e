"""The problem-category pages pass axe-core in light and dark: the list with retired
categories, an add refused for a duplicate name, and the edit page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.support import click_and_wait
from visitt.walkround import categories as taxonomy
from visitt.walkround.problems import ProblemCategory

pytestmark = pytest.mark.e2e


def test_the_category_pages_pass_axe_and_work_as_plain_forms(page, world, sign_in, axe_check):
    ProblemCategory.ensure_defaults(world.org)
    fall = ProblemCategory.objects.get(organisation=world.org, name="Fall")
    taxonomy.retire_category(ProblemCategory.objects.get(organisation=world.org, name="Annet"))
    sign_in(page, world.coordinator)

    page.goto(reverse("problem_categories"))
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("#retired-heading")).to_be_visible()
    axe_check(page)

    # Moving a category down with its button (a plain form post).
    click_and_wait(page, page.locator(f"#category-{fall.pk} button[value=down]"))
    expect(page.locator("tbody tr").nth(1)).to_have_id(f"category-{fall.pk}")

    # A duplicate name is refused with an error summary, which must pass axe too.
    page.locator("#id_new-name").fill("trykksår")
    click_and_wait(page, page.locator("button[value=add]"))
    expect(page.locator(".ds-error-summary")).to_contain_text("Trykksår")
    axe_check(page)

    page.goto(reverse("problem_category_edit", args=[fall.pk]))
    expect(page.locator("h1")).to_have_count(1)
    axe_check(page)
    page.locator("#id_name").fill("Fall og fallskader")
    click_and_wait(page, page.locator("button[value=rename]"))
    expect(page.locator(f"#category-{fall.pk}")).to_contain_text("Fall og fallskader")
