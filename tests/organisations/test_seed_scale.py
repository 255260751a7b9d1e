"""seed_scale (issue 7): consistent, reproducible national-scale data, quick to sign in to."""

from __future__ import annotations

import hashlib
import itertools
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.utils import translation

from visitt.audit.models import AuditEvent
from visitt.followup.feedback import Feedback
from visitt.followup.models import Action, Measure, Minutes
from visitt.improvement.models import MeasurePoint
from visitt.improvement.survey import PulseAnswer
from visitt.organisations.models import Organisation, Role, RoleGrant, Unit
from visitt.organisations.scale import (
    FEEDBACK_OWED_DAYS,
    LARGEST_UNITS,
    aware,
    organisation_number,
    top_leader_email,
)
from visitt.planning.models import Visit
from visitt.walkround.models import Problem, Walkround

pytestmark = pytest.mark.django_db

PASSWORD = "skala-passord-123"
TODAY = "2026-06-15"


def seed(seed: int = 7) -> str:
    out = StringIO()
    call_command(
        "seed_scale",
        organisations=3,
        years=2,
        seed=seed,
        password=PASSWORD,
        today=TODAY,
        stdout=out,
    )
    return out.getvalue()


def digest() -> str:
    """A digest of the generated rows, without ids and timestamps set by the database."""
    rows = [
        list(Unit.objects.order_by("organisation__name", "name").values_list("name", "kind")),
        list(
            Visit.objects.order_by("unit__organisation__name", "unit__name", "date").values_list(
                "unit__name", "date", "status", "staff_input_token"
            )
        ),
        list(
            Problem.objects.order_by("visit__date", "visit__unit__name", "number").values_list(
                "visit__date", "number", "title", "level", "value", "effort"
            )
        ),
        list(
            Action.objects.order_by("problem__visit__date", "problem__number", "order").values_list(
                "what", "due_date", "status"
            )
        ),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_the_command_prints_the_largest_top_leader_and_organisation_1_has_80_units():
    output = seed()
    assert top_leader_email(1) in output.splitlines()[0]
    largest = Organisation.objects.get(organisation_number=organisation_number(1))
    visited = Unit.objects.filter(organisation=largest).exclude(kind=Unit.Kind.SERVICE_AREA)
    assert visited.count() == LARGEST_UNITS
    for other in Organisation.objects.exclude(pk=largest.pk):
        assert Unit.objects.filter(organisation=other).count() < LARGEST_UNITS


def test_the_data_is_consistent():
    seed()
    today = date.fromisoformat(TODAY)
    # Every problem belongs to a conducted walkround of its visit, at most three per visit.
    for problem in Problem.objects.select_related("visit"):
        assert problem.visit.conducted_at is not None
        assert problem.visit.date < today
        assert Walkround.objects.filter(visit=problem.visit).exists()
        assert 1 <= problem.number <= 3
    # Visits in the future are planned and not conducted; units belong to the visit's org.
    for visit in Visit.objects.select_related("unit", "plan"):
        assert visit.unit.organisation_id == visit.organisation_id
        if visit.plan is not None or visit.kind == Visit.Kind.MAIN:
            assert visit.plan.organisation_id == visit.organisation_id
            assert visit.plan.year == visit.date.year
        if visit.date >= today:
            assert visit.status in (Visit.Status.PLANNED, Visit.Status.CONFIRMED)
            assert visit.conducted_at is None
    for action in Action.objects.select_related("problem__visit"):
        assert action.due_date > action.problem.visit.date
        assert (action.status == Action.Status.DONE) == (action.finished_at is not None)
        assert action.owner.memberships.filter(
            organisation=action.problem.visit.organisation
        ).exists()
    # The group is told of most finished actions, after they ended and before today;
    # those finished in the last fortnight are still owed.
    for feedback in Feedback.objects.select_related("action"):
        assert feedback.about_status == feedback.action.status
        assert feedback.action.finished_at < feedback.sent_at < aware(today)
        assert (today - feedback.action.finished_at.date()).days > FEEDBACK_OWED_DAYS
    done = Action.objects.filter(status=Action.Status.DONE)
    assert 0.8 * done.count() <= Feedback.objects.count() < done.count()
    # Minutes: signed (before today) for every conducted visit but the most recent ones.
    for minutes in Minutes.objects.select_related("visit"):
        assert minutes.visit.conducted_at is not None
        if minutes.status == Minutes.Status.SIGNED:
            assert minutes.signed_at.date() < today
            assert minutes.versions.get().signatures.exists()
        else:
            assert minutes.visit.status == Visit.Status.CONDUCTED
    main = Visit.objects.filter(kind=Visit.Kind.MAIN)
    assert Minutes.objects.count() == main.exclude(conducted_at=None).count()
    # Each conducted walkround has its follow-up visit about three months later.
    for follow_up in Visit.objects.filter(kind=Visit.Kind.FOLLOW_UP).select_related("parent"):
        assert follow_up.parent.conducted_at is not None
        assert 80 <= (follow_up.date - follow_up.parent.date).days <= 130
        assert (follow_up.conducted_at is None) == (follow_up.date >= today)
    assert (
        Visit.objects.filter(kind=Visit.Kind.FOLLOW_UP).count()
        == main.exclude(conducted_at=None).count()
    )
    # Data points: one per month, from the visit's month, none in the current month.
    for measure in Measure.objects.select_related("problem__visit"):
        periods = list(measure.points.order_by("period").values_list("period", flat=True))
        assert all(period.day == 1 for period in periods)
        assert periods[0] == measure.problem.visit.date.replace(day=1)
        for earlier, later in itertools.pairwise(periods):
            assert (later - earlier).days in (28, 29, 30, 31)
        assert periods[-1] < today.replace(day=1)
    assert MeasurePoint.objects.exists() and PulseAnswer.objects.exists()
    assert AuditEvent.objects.filter(organisation__isnull=False).exists()
    assert RoleGrant.objects.filter(role=Role.TOP_LEADER).count() == 3
    assert Problem.objects.exists() and Action.objects.exists()


def test_the_same_seed_gives_the_same_data():
    with transaction.atomic():
        seed(seed=11)
        first = digest()
        transaction.set_rollback(True)
    with transaction.atomic():
        seed(seed=12)
        other = digest()
        transaction.set_rollback(True)
    seed(seed=11)
    assert digest() == first
    assert other != first


def test_a_second_run_is_refused():
    seed()
    with translation.override("en"), pytest.raises(CommandError, match="already exists"):
        seed()


def test_the_top_leader_signs_in_and_the_start_page_is_bounded(django_assert_max_num_queries):
    seed()
    client = Client()
    assert client.login(username=top_leader_email(1), password=PASSWORD)
    with django_assert_max_num_queries(40):
        response = client.get("/")
    assert response.status_code == 200
