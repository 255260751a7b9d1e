"""A scene: one consistent set of objects of an organisation, one for every URL keyword
(a conducted visit with its problem, measure, actions, minutes, feedback...).

The isolation test (tests/test_tenant_isolation.py) builds one for each of two
organisations and opens every URL with keywords with the other's objects; the
hostile-input tests (tests/hostile/) open every URL for real to find its forms.
A new URL keyword in visitt.urls needs an entry here (the isolation test says which).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import models
from django.utils import timezone

from tests.conftest import World, make_user
from visitt.organisations.models import INVITATION_VALIDITY, Invitation, Role


def build_scene(world: World, org: Any) -> dict[str, models.Model]:
    """One object for every URL keyword, all belonging together and to ``org``."""
    from visitt.followup.feedback import Feedback
    from visitt.followup.minutes import Minutes, MinutesVersion, minutes_deadline
    from visitt.followup.plans import Action, Measure
    from visitt.improvement.library import LibraryEntry
    from visitt.improvement.models import MeasurePhase, MeasurePoint, PdsaCycle
    from visitt.improvement.survey import PulseSurvey
    from visitt.planning.letters import LetterTemplate, template_for
    from visitt.planning.visits import Visit
    from visitt.reports.meetings import LeadershipMeeting
    from visitt.walkround.models import Question, Theme
    from visitt.walkround.problems import Problem, ProblemCategory

    mine = org == world.org
    leader = world.top_leader if mine else world.outsider
    unit = world.unit if mine else world.other_unit
    today = timezone.localdate()
    visit = Visit.objects.create(
        organisation=org,
        unit=unit,
        date=today - timedelta(days=7),
        status=Visit.Status.CONDUCTED,
        visit_leader=leader,
        coordinator=world.coordinator if mine else None,
        secretary=world.secretary if mine else None,
        created_by=leader,
    )
    problem = Problem.objects.create(visit=visit, number=1, title="Fallrisiko", created_by=leader)
    measure = Measure.objects.create(problem=problem, name="Antall fall")
    action = Action.objects.create(
        problem=problem, what="Sengealarm", owner=leader, created_by=leader
    )
    feedback_action = Action.objects.create(
        problem=problem, what="Opplæring", status="done", owner=leader, created_by=leader
    )
    minutes = Minutes.objects.create(visit=visit, deadline=minutes_deadline(visit.date))
    version = MinutesVersion.objects.create(
        minutes=minutes, number=1, body="Referat", created_by=leader
    )
    inviter = world.admin if mine else world.outsider
    member = make_user(f"medlem-{org.pk}@test.no", org, Role.COORDINATOR)
    return {
        "unit_pk": unit,
        "membership_pk": member.memberships.get(),
        "invitation_pk": Invitation.objects.create(
            organisation=org,
            email=f"invitert-{org.pk}@test.no",
            roles=[Role.COORDINATOR],
            invited_by=inviter,
            expires_at=timezone.now() + INVITATION_VALIDITY,
            token_hash="0" * 64,
        ),
        "visit_pk": visit,
        "problem_pk": problem,
        "template_pk": template_for(org, LetterTemplate.Kind.INVITATION),
        "question_pk": Question.objects.create(
            organisation=org, theme=Theme.TEAMWORK, text_nb="Hvordan samarbeider dere?"
        ),
        "category_pk": ProblemCategory.objects.create(organisation=org, name="Legemidler"),
        "feedback_pk": Feedback.objects.create(
            action=feedback_action, about_status="done", message="Takk", sent_by=leader
        ),
        "measure_pk": measure,
        "action_pk": action,
        "point_pk": MeasurePoint.objects.create(measure=measure, period="2026-01-01", value=1),
        "phase_pk": MeasurePhase.objects.create(measure=measure, start="2026-01-01", label="Fase"),
        "cycle_pk": PdsaCycle.objects.create(action=action, plan="Prøve", start_date="2026-01-01"),
        "entry_pk": LibraryEntry.objects.create(
            organisation=org, action=action, title="Lært", summary="Lært"
        ),
        "meeting_pk": LeadershipMeeting.objects.create(organisation=org, held_on="2026-01-01"),
        "survey_pk": PulseSurvey.objects.create(
            organisation=org, unit=unit, title="Puls", opens_on=today, closes_on=today
        ),
        "number": version,
    }


def url_value(name: str, obj: models.Model) -> Any:
    """What a URL keyword takes of its object: a minutes version's number, else the pk."""
    return obj.number if name == "number" else obj.pk  # type: ignore[attr-defined]
