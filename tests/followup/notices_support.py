"""Visits, minutes and actions for the follow-up notice tests."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core import mail
from django.utils import timezone

from tests.conftest import World
from visitt.followup.minutes import Minutes, minutes_deadline
from visitt.followup.plans import Action
from visitt.planning.models import Visit
from visitt.walkround.problems import Problem


def conducted_visit(world: World, day: date, *, org=None, unit=None, **fields) -> Visit:
    """A conducted visit: the top leader leads, the secretary writes."""
    values = {
        "organisation": org or world.org,
        "unit": unit or world.unit,
        "date": day,
        "start_time": time(13, 0),
        "status": Visit.Status.CONDUCTED,
        "visit_leader": world.top_leader,
        "coordinator": world.coordinator,
        "secretary": world.secretary,
        "unit_leader": world.unit_leader,
        "created_by": world.coordinator,
    }
    values.update(fields)
    return Visit.objects.create(**values)


def with_minutes(visit: Visit, status: str = Minutes.Status.DRAFT) -> Minutes:
    return Minutes.objects.create(visit=visit, status=status, deadline=minutes_deadline(visit.date))


def make_action(
    world: World,
    *,
    due: date | None,
    owner=None,
    visit: Visit | None = None,
    what: str = "Bytte madrasser på avdeling 1",
    status: str = Action.Status.PLANNED,
    finished: datetime | None = None,
) -> Action:
    visit = visit or conducted_visit(world, date(2026, 6, 10))
    problem = Problem.objects.create(
        visit=visit,
        number=visit.problems.count() + 1,
        title="Trykksår og madrasser",
        created_by=world.secretary,
    )
    return Action.objects.create(
        problem=problem,
        what=what,
        owner=owner if owner is not None else world.unit_leader,
        due_date=due,
        status=status,
        reason="Budsjettet er brukt opp" if status == Action.Status.NOT_POSSIBLE else "",
        finished_at=finished,
        created_by=world.secretary,
    )


def at(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def day_before(day: date) -> date:
    return day - timedelta(days=1)


def sent() -> list[tuple[str, str]]:
    """(recipient, subject) of every e-mail sent, sorted."""
    return sorted((message.to[0], message.subject) for message in mail.outbox)
