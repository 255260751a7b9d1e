"""The action plan pages and Mine tiltak pass axe-core in light and dark, with a plan
that has aims, measures and actions in every status; and an owner marks an action as
not possible now, which needs the reason the participants are told."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.support import click_and_wait
from tests.followup.support_plans import fill, make_planned
from visitt.followup.plans import Action

pytestmark = pytest.mark.e2e
S = Action.Status


def plan_with_every_status(world):
    planned = make_planned(world)
    fill(planned, actions_per_problem=2)
    actions = list(Action.objects.order_by("pk"))
    today = timezone.localdate()
    for action, status, due in zip(
        actions,
        [S.DONE, S.NOT_POSSIBLE, S.IN_PROGRESS, S.PLANNED, S.PLANNED, S.IN_PROGRESS],
        [-20, -10, -2, 3, 30, None],
        strict=True,
    ):
        action.status = status
        action.due_date = today + timedelta(days=due) if due is not None else None
        if status in Action.FINISHED:
            action.finished_at = timezone.now()
        if status == S.NOT_POSSIBLE:
            action.reason = "Badet pusses opp neste år."
        action.save()
    return planned, actions


def test_the_plan_pages_pass_axe(page, world, sign_in, axe_check):
    planned, actions = plan_with_every_status(world)
    visit, problem = planned.visit, planned.problems[0]
    measure = problem.measures.first()
    sign_in(page, world.coordinator)
    for path in [
        reverse("action_plan", args=[visit.pk]),
        reverse("action_plan_aim", args=[visit.pk, problem.pk]),
        reverse("action_plan_measure_add", args=[visit.pk, problem.pk]),
        reverse("action_plan_measure", args=[visit.pk, measure.pk]),
        reverse("action_plan_action_add", args=[visit.pk, problem.pk]),
        reverse("action_plan_action", args=[visit.pk, actions[0].pk]),
        reverse("action_plan_action_status", args=[visit.pk, actions[2].pk]),
    ]:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        expect(page.locator("h1")).to_have_count(1)
        axe_check(page)


def test_mine_tiltak_passes_axe_and_the_owner_gives_a_reason(page, world, sign_in, axe_check):
    planned, actions = plan_with_every_status(world)
    sign_in(page, planned.owner)
    page.goto(reverse("my_actions"))
    expect(page.locator("[data-state=overdue]").first).to_be_visible()
    axe_check(page)

    target = actions[3]
    card = page.locator(f"#action-{target.pk}")
    card.locator("summary").click()
    expect(card.locator("select")).to_be_visible()  # the details have opened
    card.locator("select").select_option(S.NOT_POSSIBLE)
    click_and_wait(page, card.locator("button[type=submit]"))
    # Refused without the reason: the form comes back with the error, and passes axe.
    expect(page.locator(".ds-error-summary")).to_be_visible()
    axe_check(page)
    page.locator(f"#id_a{target.pk}-reason").fill("Leverandøren har ikke delene før i mars.")
    click_and_wait(page, page.locator("form button[type=submit]").last)
    expect(page).to_have_url(re.compile(rf"/mine-tiltak/#action-{target.pk}$"))
    target.refresh_from_db()
    assert (target.status, target.reason) == (
        S.NOT_POSSIBLE,
        "Leverandøren har ikke delene før i mars.",
    )
