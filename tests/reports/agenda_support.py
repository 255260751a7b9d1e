"""A small hand-built world for the leadership meeting's agenda item: a meeting 30 days
ago, and visits, problems, actions and PDSA cycles before and after it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.test import Client
from django.utils import timezone

from tests.conftest import World
from tests.followup.notices_support import at, conducted_visit, make_action, with_minutes
from tests.followup.support_plans import action_owner
from tests.walkround.conftest import english_client
from visitt.audit.models import AuditEvent
from visitt.audit.services import record
from visitt.followup.minutes import Minutes
from visitt.followup.plans import Action
from visitt.improvement.models import PdsaCycle
from visitt.planning.models import Visit
from visitt.reports.meetings import LeadershipMeeting
from visitt.walkround.problems import Problem, ProblemCategory


@dataclass
class AgendaWorld:
    today: date
    meeting: LeadershipMeeting
    before: Visit
    after: Visit
    unsigned: Visit
    done: Action
    not_possible: Action
    started: Action
    old_done: Action
    overdue: Action
    cycle_after: PdsaCycle
    cycle_running: PdsaCycle
    cycle_old: PdsaCycle


def status_changed(world: World, action: Action, before: str, after: str, day: date) -> None:
    event = record(
        None,
        AuditEvent.Action.ACTION_STATUS_CHANGED,
        target=action.problem.visit,
        organisation=world.org,
        actor=world.top_leader,
        action_id=action.pk,
        problem=action.problem.number,
        before=before,
        after=after,
    )
    AuditEvent.objects.filter(pk=event.pk).update(created_at=at(day))


def build(world: World, *, rounds: int = 1) -> AgendaWorld:
    """One meeting 30 days ago; ``rounds`` times over: a visit before it and two after
    it (one with signed minutes), their problems and actions, and three PDSA cycles."""
    today = timezone.localdate()
    meeting = LeadershipMeeting.objects.create(
        organisation=world.org, held_on=today - timedelta(days=30), created_by=world.top_leader
    )
    ProblemCategory.ensure_defaults(world.org)
    falls = ProblemCategory.objects.get(organisation=world.org, name="Fall")
    owner = action_owner(world)
    for i in range(rounds):
        before = conducted_visit(
            world, today - timedelta(days=60 + i), status=Visit.Status.MINUTES_SIGNED
        )
        with_minutes(before, Minutes.Status.SIGNED)
        after = conducted_visit(
            world, today - timedelta(days=10 + i), status=Visit.Status.MINUTES_SIGNED
        )
        with_minutes(after, Minutes.Status.SIGNED)
        unsigned = conducted_visit(world, today - timedelta(days=12 + i), unit=world.ward)
        old_done = make_action(
            world,
            due=today - timedelta(days=40),
            visit=before,
            what=f"Gammelt ferdig tiltak {i}",
            status=Action.Status.DONE,
            finished=at(today - timedelta(days=45)),
        )
        Problem.objects.filter(visit=before).update(title=f"Gammelt problem {i}")
        done = make_action(
            world,
            due=today + timedelta(days=30),
            visit=after,
            owner=owner,
            what=f"Nye sklisikre matter {i}",
            status=Action.Status.DONE,
            finished=at(today - timedelta(days=3)),
        )
        Problem.objects.filter(pk=done.problem_id).update(
            title=f"Fall på badet {i}", category=falls
        )
        not_possible = make_action(
            world,
            due=today + timedelta(days=30),
            visit=after,
            what=f"Nytt sykesignalanlegg {i}",
            status=Action.Status.NOT_POSSIBLE,
            finished=at(today - timedelta(days=2)),
        )
        started = make_action(
            world, due=today + timedelta(days=20), visit=unsigned, what=f"Opplæring i ny rutine {i}"
        )
        Action.objects.filter(pk=started.pk).update(status=Action.Status.IN_PROGRESS)
        status_changed(world, started, "planned", "in_progress", today - timedelta(days=4))
        status_changed(world, old_done, "planned", "done", today - timedelta(days=45))
        overdue = make_action(
            world, due=today - timedelta(days=1), visit=before, what=f"Forfalt tiltak {i}"
        )
        cycle_after = PdsaCycle.objects.create(
            action=done,
            plan=f"Teste matter på ett bad {i}",
            start_date=today - timedelta(days=20),
            end_date=today - timedelta(days=6),
            decision=PdsaCycle.Decision.ADOPT,
        )
        cycle_running = PdsaCycle.objects.create(
            action=started, plan=f"Teste rutinen på natt {i}", start_date=today - timedelta(days=50)
        )
        cycle_old = PdsaCycle.objects.create(
            action=old_done,
            plan=f"Gammel syklus {i}",
            start_date=today - timedelta(days=80),
            end_date=today - timedelta(days=70),
            decision=PdsaCycle.Decision.ABANDON,
        )
    started.refresh_from_db()
    return AgendaWorld(
        today=today,
        meeting=meeting,
        before=before,
        after=after,
        unsigned=unsigned,
        done=done,
        not_possible=not_possible,
        started=started,
        old_done=old_done,
        overdue=overdue,
        cycle_after=cycle_after,
        cycle_running=cycle_running,
        cycle_old=cycle_old,
    )


def other_organisation_visit(world: World) -> Visit:
    """A conducted visit with a problem in the other organisation, after the meeting."""
    visit = conducted_visit(
        world, timezone.localdate() - timedelta(days=7), org=world.other_org, unit=world.other_unit
    )
    make_action(
        world, due=timezone.localdate() - timedelta(days=1), visit=visit, what="Hemmeleg tiltak"
    )
    Problem.objects.filter(visit=visit).update(title="Hemmeleg problem")
    return visit


def signed_in(user) -> Client:
    """A client signed in as ``user``, reading the interface in English (the msgids)."""
    client = english_client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client
