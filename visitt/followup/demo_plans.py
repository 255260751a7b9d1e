"""The demo's action plans: Vedlegg 3's own example on the problems of the conducted
visit at Solbakken sykehjem, avdeling 1 (visitt.walkround.demo).

- Pressure sores and old mattresses: the aim "reduce pressure sores by 30 % by March",
  the measure "Antall nye trykksår per måned"; new mattresses (done) and training in
  moving residents (in progress).
- Falls from the toilet without armrests: "no one shall fall from the toilet", the
  measure "Antall fall på toalett"; armrests mounted (done), and a new, higher toilet
  that is not possible now, with the reason the group is told.
- Medication lists after a hospital stay: two actions owned by tiltakseier@, one in
  progress and one past its due date, so that Mine tiltak shows something overdue.

Dates are relative to the visit and to ``today``. Made with the models directly (no
audit events: nobody did anything, the demo was seeded). Idempotent: a visit whose
problems already have an aim or an action is left alone. Every text passes the
personal-data guard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Q

from visitt.accounts.models import User
from visitt.organisations.models import Organisation
from visitt.planning.models import Visit
from visitt.planning.visits import OSLO
from visitt.walkround.problems import Problem

from .plans import Action, Aim, Measure

UNIT_CODE = "SOL-1"
S = Action.Status
D = Measure.Direction
F = Measure.Frequency


@dataclass(frozen=True)
class DemoAction:
    what: str
    owner: str  # the demo account's e-mail
    due: str  # "visit+N" (days after the visit) or "today+N" / "today-N"
    status: str
    finished: int | None = None  # days after the visit
    reason: str = ""
    progress_note: str = ""


@dataclass(frozen=True)
class DemoPlan:
    aim: str
    target: str
    measure: tuple[str, str, str, str, str]  # name, unit, how counted, better, frequency
    actions: tuple[DemoAction, ...]


TOP = "toppleder@demo.visitt.no"
UNIT_LEADER = "enhetsleder@demo.visitt.no"
COORDINATOR = "koordinator@demo.visitt.no"
OWNER = "tiltakseier@demo.visitt.no"

# By problem number, as visitt.walkround.demo made them.
PLANS = {
    1: DemoPlan(
        aim="Forebygge nye trykksår og forverring av gamle.",
        target="Redusere antall trykksår med 30 % innen mars",
        measure=(
            "Antall nye trykksår per måned",
            "antall",
            "Telles fra hudobservasjonene ved morgenstell og avviksmeldingene, ved "
            "utgangen av hver måned.",
            D.LOWER,
            F.MONTHLY,
        ),
        actions=(
            DemoAction(
                "Bytte ut de gamle madrassene med trykkavlastende madrasser",
                TOP,
                "visit+30",
                S.DONE,
                finished=26,
                progress_note="Nye madrasser er levert og tatt i bruk på alle rom.",
            ),
            DemoAction(
                "Opplæring i forflytning og trykkavlastning for alle på avdelingen, også "
                "vikarer på kveld og i helger",
                UNIT_LEADER,
                "today+21",
                S.IN_PROGRESS,
                progress_note="To av tre kurskvelder er holdt. Vikarene får egen "
                "gjennomgang ved oppstart.",
            ),
        ),
    ),
    2: DemoPlan(
        aim="Ingen brukere skal falle når de sitter på toalettet.",
        target="Ingen fall fra toalettet i gangen",
        measure=(
            "Antall fall på toalett",
            "antall",
            "Fra avviksmeldingene om fall, per måned.",
            D.LOWER,
            F.MONTHLY,
        ),
        actions=(
            DemoAction(
                "Montere armlener på toalettet i gangen",
                UNIT_LEADER,
                "visit+14",
                S.DONE,
                finished=9,
                progress_note="Armlenene er montert av vaktmester.",
            ),
            DemoAction(
                "Bytte til et høyere toalett med faste armlener",
                COORDINATOR,
                "visit+60",
                S.NOT_POSSIBLE,
                finished=40,
                reason="Toalettet kan ikke byttes før badet pusses opp, og det er planlagt "
                "neste år. Armlenene som er montert, gir støtte i mellomtiden.",
            ),
        ),
    ),
    3: DemoPlan(
        aim="Beboere som kommer tilbake fra sykehuset, får legemidler etter en oppdatert "
        "legemiddelliste.",
        target="Samstemt legemiddelliste innen ett døgn ved alle innkomster fra sykehus",
        measure=(
            "Andel innkomster med samstemt legemiddelliste innen ett døgn",
            "%",
            "Sykepleier krysser av i innkomstsjekklisten; telles ved utgangen av måneden.",
            D.HIGHER,
            F.MONTHLY,
        ),
        actions=(
            DemoAction(
                "Lage en fast rutine for samstemming av legemiddellisten ved innkomst fra sykehus",
                OWNER,
                "today+14",
                S.IN_PROGRESS,
                progress_note="Utkast til rutine er laget og sendt til kommuneoverlegen.",
            ),
            DemoAction(
                "Avtale med sykehuset at oppdatert legemiddelliste sendes samme dag som "
                "beboeren skrives ut",
                OWNER,
                "today-10",
                S.PLANNED,
            ),
        ),
    ),
}


def _due(spec: str, visit_day: date, today: date) -> date:
    base, _, days = spec.partition("+") if "+" in spec else spec.partition("-")
    offset = int(days) if "+" in spec else -int(days)
    return (visit_day if base == "visit" else today) + timedelta(days=offset)


def _visit(municipality: Organisation, year: int) -> Visit | None:
    """The year's conducted visit at Solbakken avdeling 1 with problems, else its latest
    conducted one with problems (earlier years are the demo's history)."""
    visits = (
        Visit.objects.filter(organisation=municipality, date__year=year)
        .conducted()
        .filter(Exists(Problem.objects.filter(visit=OuterRef("pk"))))
        .select_related("visit_leader", "secretary", "coordinator")
    )
    return visits.filter(unit__code=UNIT_CODE).first() or visits.order_by("-date").first()


def seed(municipality: Organisation, trust: Organisation, today: date) -> None:
    visit = _visit(municipality, today.year)
    if visit is None:
        return
    problems = {p.number: p for p in Problem.objects.filter(visit=visit)}
    planned = Problem.objects.filter(visit=visit).filter(
        Q(Exists(Aim.objects.filter(problem=OuterRef("pk"))))
        | Q(Exists(Action.objects.filter(problem=OuterRef("pk"))))
    )
    if planned.exists():
        return  # made before (and perhaps used since)
    people = {
        user.email: user
        for user in User.objects.filter(email__in=[TOP, UNIT_LEADER, COORDINATOR, OWNER])
    }
    writer = visit.secretary or visit.coordinator or visit.visit_leader
    written = datetime.combine(visit.date, time(14, 0), OSLO) + timedelta(days=2)

    for number, plan in PLANS.items():
        problem = problems.get(number)
        if problem is None:
            continue
        Aim.objects.create(problem=problem, text=plan.aim, target=plan.target, updated_by=writer)
        name, unit, how_counted, better, frequency = plan.measure
        Measure.objects.create(
            problem=problem,
            name=name,
            unit=unit,
            how_counted=how_counted,
            better=better,
            frequency=frequency,
        )
        for order, spec in enumerate(plan.actions):
            finished_at = None
            if spec.finished is not None:
                day = min(visit.date + timedelta(days=spec.finished), today)
                finished_at = datetime.combine(day, time(10, 0), OSLO)
            Action.objects.create(
                problem=problem,
                what=spec.what,
                owner=people.get(spec.owner),
                due_date=_due(spec.due, visit.date, today),
                status=spec.status,
                reason=spec.reason,
                progress_note=spec.progress_note,
                finished_at=finished_at,
                order=order,
                created_by=writer,
            )
    # As written two days after the visit.
    Aim.objects.filter(problem__visit=visit).update(updated_at=written)
    Measure.objects.filter(problem__visit=visit).update(created_at=written, updated_at=written)
    Action.objects.filter(problem__visit=visit).update(created_at=written)
