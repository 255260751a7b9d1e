"""A walkround with problems, actions and a conversation group, for the feedback,
follow-up review and closing tests."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from tests.conftest import make_user
from tests.walkround.conftest import make_visit
from visitt.followup.plans import Action
from visitt.followup.services_visits import plan_follow_up_visit
from visitt.organisations.models import Role
from visitt.planning.group import Participant, Profession
from visitt.planning.models import Visit
from visitt.walkround.problems import Problem


@dataclass
class Cycle:
    visit: Visit
    problems: list[Problem]
    done: Action
    not_possible: Action
    open: Action


def finish(action: Action, status: str, reason: str = "") -> Action:
    action.status = status
    action.reason = reason
    action.finished_at = timezone.now()
    action.save()
    return action


def make_cycle(world, *, signed: bool = False) -> Cycle:
    """A conducted visit (coordinator leads, secretary writes) with three problems, one
    action each (one done, one not possible now, one open) and a group of three: two
    with e-mail (one address twice), one without."""
    visit = make_visit(world)
    visit.contact_name = "Kari Kontakt"
    visit.save()
    visit.mark_conducted(world.secretary)
    Profession.ensure_defaults(world.org)
    nurse = Profession.objects.filter(organisation=world.org).first()
    for name, email in (
        ("Per Pleier", "per@test.no"),
        ("Sara Sykepleier", "sara@test.no"),
        ("Sara igjen", "SARA@test.no"),
        ("Ola Uten", ""),
    ):
        Participant.objects.create(visit=visit, name=name, profession=nurse, email=email)
    titles = ["Trykksår og madrasser", "Armlener på toalettene", "Medisinlister etter sykehus"]
    problems = [
        Problem.objects.create(visit=visit, number=n, title=t, created_by=world.secretary)
        for n, t in enumerate(titles, start=1)
    ]
    actions = [
        Action.objects.create(problem=p, what=f"Tiltak for {p.title}", created_by=world.secretary)
        for p in problems
    ]
    finish(actions[0], Action.Status.DONE)
    finish(actions[1], Action.Status.NOT_POSSIBLE, "Budsjettet er brukt opp i år")
    if signed:
        visit.mark_minutes_signed(world.secretary)
    return Cycle(visit, problems, actions[0], actions[1], actions[2])


def follow_up_of(world, cycle: Cycle) -> Visit:
    """Signs the minutes and plans the follow-up visit."""
    visit = cycle.visit
    visit.refresh_from_db()
    if visit.status in (Visit.Status.CONDUCTED, Visit.Status.MINUTES_DRAFTED):
        visit.mark_minutes_signed(world.secretary)
    return plan_follow_up_visit(None, visit)


def action_owner(world):
    return make_user("tiltakseier@test.no", world.org, Role.ACTION_OWNER, name="Tor Tiltakseier")
