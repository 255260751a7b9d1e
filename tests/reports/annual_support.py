"""A hand-built walkround year (2025) for the annual summary's tests."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from tests.conftest import World
from visitt.followup.feedback import Feedback
from visitt.followup.minutes import Minutes, MinutesVersion, minutes_deadline
from visitt.followup.plans import Action
from visitt.organisations.models import Unit
from visitt.planning.plan import AnnualPlan
from visitt.planning.visits import Visit
from visitt.walkround.problems import Problem, ProblemCategory

YEAR = 2025
# The review happens in the next year's spring.
TODAY = date(2026, 3, 2)


def moment(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def visit(world: World, unit: Unit, day: date, status=Visit.Status.CONDUCTED, **extra) -> Visit:
    return Visit.objects.create(
        organisation=world.org,
        unit=unit,
        date=day,
        visit_leader=world.top_leader,
        coordinator=world.coordinator,
        secretary=world.secretary,
        created_by=world.coordinator,
        status=status,
        **extra,
    )


def signed_minutes(v: Visit, signed_on: date) -> Minutes:
    minutes = Minutes.objects.create(
        visit=v,
        deadline=minutes_deadline(v.date),
        status=Minutes.Status.SIGNED,
        signed_at=moment(signed_on),
    )
    MinutesVersion.objects.create(
        minutes=minutes,
        number=1,
        body="Referat",
        created_by=v.secretary or v.visit_leader,
        locked_at=moment(signed_on),
    )
    return minutes


class Year:
    """2025 in Testkommune: two walkrounds done (minutes on time, and late), one visit
    postponed and not yet done; two problems; an action done, one not possible (with the
    reason), one in progress; feedback on the done action. Annen kommune has a visit too
    (never counted)."""

    def __init__(self, world: World) -> None:
        org = world.org
        self.plan = AnnualPlan.create_with_default_goals(
            organisation=org, year=YEAR, owner=world.top_leader
        )
        self.falls = ProblemCategory.objects.create(organisation=org, name="Fall", order=1)
        self.medication = ProblemCategory.objects.create(
            organisation=org, name="Legemidler", order=2
        )
        self.v1 = visit(world, world.unit, date(2025, 3, 3), Visit.Status.CLOSED, plan=self.plan)
        self.v2 = visit(
            world, world.ward, date(2025, 5, 5), Visit.Status.MINUTES_SIGNED, plan=self.plan
        )
        signed_minutes(self.v1, date(2025, 3, 5))  # 2 days: on time
        signed_minutes(self.v2, date(2025, 5, 20))  # 15 days: late
        self.v3 = visit(world, world.unit, date(2025, 9, 1), Visit.Status.PLANNED, plan=self.plan)
        self.v3.postpone(
            to_date=date(2025, 9, 15),
            to_time=None,
            reason="Sykdom i personalgruppen",
            by=world.coordinator,
        )
        p1 = Problem.objects.create(
            visit=self.v1,
            number=1,
            title="Fall ved sengen",
            category=self.falls,
            created_by=world.top_leader,
        )
        p2 = Problem.objects.create(
            visit=self.v2,
            number=1,
            title="Feil i legemiddellister",
            category=self.medication,
            created_by=world.top_leader,
        )
        self.done = Action.objects.create(
            problem=p1,
            what="Kjøpe sklisikre sokker",
            status=Action.Status.DONE,
            finished_at=moment(date(2025, 4, 2)),
            created_by=world.top_leader,
        )
        Action.objects.create(
            problem=p1,
            what="Bygge om badene",
            status=Action.Status.NOT_POSSIBLE,
            reason="Krever ombygging som ikke er budsjettert",
            finished_at=moment(date(2025, 6, 1)),
            created_by=world.top_leader,
        )
        self.in_progress = Action.objects.create(
            problem=p2,
            what="Felles rutine for legemiddelsamstemming",
            status=Action.Status.IN_PROGRESS,
            created_by=world.top_leader,
        )
        feedback = Feedback.objects.create(
            action=self.done,
            about_status=Action.Status.DONE,
            message="Sokkene er kjøpt inn.",
            sent_by=world.top_leader,
        )
        Feedback.objects.filter(pk=feedback.pk).update(sent_at=moment(date(2025, 4, 5)))
        other = Visit.objects.create(
            organisation=world.other_org,
            unit=world.other_unit,
            date=date(2025, 4, 1),
            visit_leader=world.outsider,
            created_by=world.outsider,
            status=Visit.Status.CONDUCTED,
        )
        Problem.objects.create(
            visit=other, number=1, title="Hemmeleg problem", created_by=world.outsider
        )

    def more(self, world: World, count: int) -> None:
        """``count`` more conducted walkrounds with a problem and actions each."""
        for i in range(count):
            unit = Unit.objects.create(organisation=world.org, name=f"Enhet {i}")
            v = visit(world, unit, date(2025, 10, 1 + i), Visit.Status.MINUTES_SIGNED)
            signed_minutes(v, date(2025, 10, 3 + i))
            problem = Problem.objects.create(
                visit=v,
                number=1,
                title=f"Problem {i}",
                category=self.falls,
                created_by=world.top_leader,
            )
            for j in range(2):
                Action.objects.create(
                    problem=problem, what=f"Tiltak {i}.{j}", created_by=world.top_leader
                )
