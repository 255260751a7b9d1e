"""The demo's feedback and follow-up visit (visitt.followup.demo_feedback)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import time_machine

from visitt.core.personal_data import scan
from visitt.followup import demo_feedback
from visitt.followup.feedback import Feedback
from visitt.followup.plans import Action
from visitt.followup.review import FollowUpReview
from visitt.followup.services_feedback import feedback_owed
from visitt.followup.services_visits import plan_follow_up_visit
from visitt.organisations.demo import seed_demo
from visitt.organisations.models import Organisation
from visitt.planning.models import Visit
from visitt.planning.visits import OSLO

SESSION_DAY = date(2026, 11, 23)


def seed_on(day: date) -> None:
    with time_machine.travel(datetime.combine(day, time(9, 0), OSLO), tick=False):
        seed_demo()


def test_every_demo_text_passes_the_personal_data_guard():
    texts = list(demo_feedback.MESSAGES.values())
    texts += [comment for _, _, comment in demo_feedback.REVIEWS.values()]
    for text in texts:
        assert scan(text) == [], text


@pytest.mark.django_db
def test_the_demo_sends_feedback_and_leaves_one_finished_action_owed():
    seed_on(SESSION_DAY)
    municipality = Organisation.objects.get(name="Demo kommune")
    sent = Feedback.objects.filter(
        action__problem__visit__organisation=municipality,
        action__problem__visit__date__year=SESSION_DAY.year,
    )
    if not sent.exists():
        pytest.skip("the demo has no action plans on this day")
    assert sorted(sent.values_list("about_status", flat=True)) == ["done", "not_possible"]
    owed = list(feedback_owed(municipality))  # last year's history owes nothing
    assert len(owed) == 1 and owed[0].status == Action.Status.DONE
    seed_on(SESSION_DAY)  # idempotent
    assert sent.count() == 2


@pytest.mark.django_db
def test_the_demo_records_and_completes_a_past_follow_up_visit():
    seed_on(SESSION_DAY)
    municipality = Organisation.objects.get(name="Demo kommune")
    visit = Visit.objects.filter(
        organisation=municipality, problems__isnull=False, date__year=SESSION_DAY.year
    ).first()
    if visit is None or not visit.problems.filter(actions__isnull=False).exists():
        pytest.skip("the demo has no action plans on this day")
    if visit.status in (Visit.Status.CONDUCTED, Visit.Status.MINUTES_DRAFTED):
        visit.mark_minutes_signed(visit.secretary)
    follow_up = plan_follow_up_visit(None, visit)
    later = follow_up.date + timedelta(days=1)
    for _ in range(2):  # idempotent
        demo_feedback.seed(municipality, municipality, later)
    visit.refresh_from_db()
    follow_up.refresh_from_db()
    assert visit.status == Visit.Status.FOLLOW_UP_DONE
    assert follow_up.is_conducted
    answers = {
        r.problem.number: (r.implemented, r.improved)
        for r in FollowUpReview.objects.filter(visit=follow_up).select_related("problem")
    }
    assert answers == {1: ("yes", "partly"), 2: ("yes", "yes"), 3: ("partly", "too_early")}


@pytest.mark.django_db
def test_the_demo_copes_without_the_other_parts():
    empty = Organisation.objects.create(name="Tom kommune", organisation_number="964000026")
    demo_feedback.seed(empty, empty, SESSION_DAY)
    assert not Feedback.objects.exists()
