"""The start page per role passes axe-core in light and dark, with something in every
panel: as top leader, coordinator, secretary, unit leader and action owner."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.followup.support_plans import action_owner
from tests.reports.dashboard_support import fill, plan_this_year

pytestmark = pytest.mark.e2e

PANELS = {
    "top_leader": ["top-leader", "goals", "minutes", "feedback"],
    "coordinator": ["preparation"],
    "secretary": ["secretary", "secretary-visits", "secretary-minutes"],
    "unit_leader": ["unit-leader", "my-actions"],
    "action_owner": ["my-actions"],
}


@pytest.mark.parametrize("who", list(PANELS))
def test_the_start_page_per_role_passes_axe(page, world, sign_in, axe_check, who):
    plan_this_year(world)
    fill(world, 2)
    user = action_owner(world) if who == "action_owner" else getattr(world, who)
    sign_in(page, user)
    page.goto("/")
    expect(page.locator("h1")).to_have_count(1)
    for key in PANELS[who]:
        expect(page.locator(f'[data-panel="{key}"]')).to_be_visible()
    # The cards are still there, below the panels.
    expect(page.locator("#card-calendar")).to_be_visible()
    axe_check(page)
