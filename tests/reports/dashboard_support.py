"""Data for the start page tests: something in every panel, `n` times over."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.conftest import World
from tests.followup.notices_support import conducted_visit, make_action, with_minutes
from tests.followup.support_plans import action_owner
from visitt.followup.minutes import Minutes
from visitt.followup.plans import Action
from visitt.planning.checklist import ChecklistItem, tick
from visitt.planning.models import Participant, Profession, Visit
from visitt.planning.plan import AnnualPlan


def plan_this_year(world: World) -> AnnualPlan:
    return AnnualPlan.create_with_default_goals(
        organisation=world.org, year=timezone.localdate().year, owner=world.top_leader
    )


def fill(world: World, n: int = 1, *, org=None, unit=None) -> None:
    """Per round: a coming visit (with checklist and group), an overdue visit, a
    follow-up due, minutes in review, a conducted visit without minutes, an overdue
    action (owned by the action owner) and a finished action without feedback."""
    org = org or world.org
    unit = unit or world.unit
    today = timezone.localdate()
    owner = action_owner(world)
    Profession.ensure_defaults(world.org)
    profession = Profession.objects.filter(organisation=world.org).first()
    for i in range(n):
        coming = conducted_visit(
            world, today + timedelta(days=3 + i), org=org, unit=unit, status=Visit.Status.PLANNED
        )
        tick(coming, ChecklistItem.Key.DATE_AGREED, by=world.coordinator)
        tick(coming, ChecklistItem.Key.CONTACT_PERSON, by=world.coordinator)
        for k in range(3):
            Participant.objects.create(visit=coming, name=f"Deltaker {k}", profession=profession)
        conducted_visit(
            world, today - timedelta(days=2 + i), org=org, unit=unit, status=Visit.Status.PLANNED
        )
        conducted_visit(
            world,
            today + timedelta(days=10 + i),
            org=org,
            unit=unit,
            status=Visit.Status.PLANNED,
            kind=Visit.Kind.FOLLOW_UP,
        )
        reviewed = conducted_visit(
            world,
            today - timedelta(days=20 + i),
            org=org,
            unit=unit,
            status=Visit.Status.MINUTES_DRAFTED,
        )
        with_minutes(reviewed, Minutes.Status.IN_REVIEW)
        late = conducted_visit(world, today - timedelta(days=30 + i), org=org, unit=unit)
        make_action(
            world,
            due=today - timedelta(days=1),
            owner=owner,
            visit=late,
            what=f"Forfalt tiltak {i}",
        )
        make_action(
            world,
            due=today + timedelta(days=20),
            owner=owner,
            visit=late,
            what=f"Ferdig tiltak {i}",
            status=Action.Status.DONE,
            finished=timezone.now(),
        )
