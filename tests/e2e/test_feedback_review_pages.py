"""The phase-3 pages for feedback to the group, the follow-up visit and closing pass
axe-core in light and dark, with realistic content."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.followup.support_feedback import follow_up_of, make_cycle
from visitt.followup.feedback import Feedback
from visitt.followup.review import FollowUpReview

pytestmark = pytest.mark.e2e


def test_the_feedback_and_follow_up_pages_pass_axe(page, world, sign_in, axe_check):
    cycle = make_cycle(world)
    Feedback.objects.create(
        action=cycle.not_possible,
        about_status="not_possible",
        message="Tiltaket kan ikke gjennomføres nå. Budsjettet er brukt opp i år.",
        sent_by=world.coordinator,
        emailed_to=2,
        printed_for=1,
    )
    follow_up = follow_up_of(world, cycle)
    follow_up.date = timezone.localdate()
    follow_up.save()
    FollowUpReview.objects.create(
        visit=follow_up,
        problem=cycle.problems[0],
        implemented="yes",
        improved="partly",
        comment="Nye madrasser på alle rom.",
    )
    sign_in(page, world.coordinator)
    for path in [
        reverse("action_feedback", args=[cycle.done.pk]),  # the form
        reverse("action_feedback", args=[cycle.not_possible.pk]),  # sent, letters to print
        reverse("feedback_owed"),
        reverse("follow_up_review", args=[follow_up.pk]),
        reverse("visit_detail", args=[cycle.visit.pk]),
    ]:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        expect(page.locator("h1")).to_have_count(1)
        axe_check(page)


def test_sending_feedback_with_the_keyboard(page, world, sign_in):
    cycle = make_cycle(world)
    sign_in(page, world.coordinator)
    page.goto(reverse("action_feedback", args=[cycle.done.pk]))
    page.get_by_role("textbox").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=2).first).to_be_visible()
    assert Feedback.objects.filter(action=cycle.done).count() == 1
