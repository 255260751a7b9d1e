"""A conducted visit with problems and a conversation group, for the action plan and
Mine tiltak tests."""

from __future__ import annotations

from dataclasses import dataclass

from tests.conftest import make_user
from tests.walkround.conftest import make_visit
from visitt.accounts.models import User
from visitt.followup.plans import Action, Aim, Measure
from visitt.organisations.models import Role
from visitt.planning.group import Participant, Profession
from visitt.planning.models import Visit
from visitt.walkround.problems import Problem


@dataclass
class Planned:
    visit: Visit
    problems: list[Problem]
    owner: User


def action_owner(world) -> User:
    existing = User.objects.filter(email="tiltakseier@test.no").first()
    if existing is not None:
        return existing
    return make_user("tiltakseier@test.no", world.org, Role.ACTION_OWNER, name="Tor Tiltakseier")


def make_planned(world, *, problems: int = 3, conducted: bool = True) -> Planned:
    """A visit conducted today (the coordinator leads, the secretary writes) with
    ``problems`` problems and a conversation group of three."""
    visit = make_visit(world)
    if conducted:
        visit.mark_conducted(world.secretary)
    Profession.ensure_defaults(world.org)
    nurse, *rest = Profession.objects.filter(organisation=world.org)
    Participant.objects.create(visit=visit, name="Per Pleier", profession=nurse, attended=True)
    Participant.objects.create(visit=visit, name="Sara Sykepleier", profession=nurse)
    Participant.objects.create(visit=visit, name="Ola Borte", profession=rest[0], attended=False)
    titles = ["Trykksår og madrasser", "Armlener på toalettet", "Legemiddellister etter sykehus"]
    made = [
        Problem.objects.create(visit=visit, number=n, title=t, created_by=world.secretary)
        for n, t in enumerate(titles[:problems], start=1)
    ]
    return Planned(visit, made, action_owner(world))


def fill(planned: Planned, *, actions_per_problem: int = 2) -> None:
    """An aim, a measure and actions (owned by the action owner) on every problem."""
    for problem in planned.problems:
        Aim.objects.create(problem=problem, text=f"Mål for {problem.title}", target="30 %")
        Measure.objects.create(problem=problem, name=f"Måling for {problem.title}")
        for n in range(actions_per_problem):
            Action.objects.create(
                problem=problem,
                what=f"Tiltak {n} for {problem.title}",
                owner=planned.owner,
                created_by=planned.visit.secretary,
            )


def status_data(action: Action, status: str, reason="", note="", version=None) -> dict:
    """What the status form posts for ``action`` (its fields carry the action's prefix)."""
    prefix = f"a{action.pk}"
    return {
        f"{prefix}-status": status,
        f"{prefix}-reason": reason,
        f"{prefix}-progress_note": note,
        f"{prefix}-version": action.version if version is None else version,
    }
