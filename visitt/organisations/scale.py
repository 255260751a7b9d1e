"""National-scale synthetic data for benchmarks (issue 7): many organisations, years of visits.

Plain functions build unsaved model instances and save them with bulk_create, one
transaction per organisation, so 400 organisations by 10 years fit in minutes on SQLite.
Only random.Random(seed) decides values, so the same seed gives the same rows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import models, transaction

from visitt.accounts.models import User
from visitt.audit.models import AuditEvent
from visitt.core.statistics import refresh_statistics
from visitt.followup.feedback import Feedback
from visitt.followup.minutes import minutes_deadline
from visitt.followup.models import Action, Measure, Minutes, MinutesVersion, Signature
from visitt.followup.services_visits import FOLLOW_UP_MINUTES, follow_up_date
from visitt.improvement.models import MeasurePoint
from visitt.improvement.survey import PulseAnswer, PulseResponse, PulseStatement, PulseSurvey
from visitt.organisations.models import Membership, Organisation, Role, RoleGrant, Unit
from visitt.planning.group import DEFAULT_PROFESSIONS
from visitt.planning.models import AnnualPlan, Participant, Profession, Visit
from visitt.walkround.models import Problem, VisitNote, Walkround

BATCH_SIZE = 500
LARGEST_UNITS = 80
VISITS_PER_UNIT_PER_YEAR = 2
GROUP_SIZE = 6
MAX_MEASURE_MONTHS = 24
DRAFT_DAYS = 7  # visits this recent have their minutes still in draft
FEEDBACK_OWED_DAYS = 14  # actions finished this recently have no feedback yet
CLOSED_DAYS = 120  # visits older than this are closed
SURVEY_RESPONSES = 5
SURVEY_STATEMENTS = [
    "Det er trygt å si fra om feil her",
    "Vi lærer av uønskede hendelser",
    "Ledelsen følger opp det vi melder",
]
EMAIL_DOMAIN = "scale.visitt.no"

UNIT_KINDS = [
    Unit.Kind.NURSING_HOME,
    Unit.Kind.HOME_CARE,
    Unit.Kind.HEALTH_CENTRE,
    Unit.Kind.MENTAL_HEALTH,
    Unit.Kind.CARE_CENTRE,
    Unit.Kind.EMERGENCY,
]
PROBLEM_TITLES = [
    "Medication lists not updated after hospital stays",
    "Handovers at shift change miss fall risk",
    "Too few staff trained in the new bed alarm",
    "Hand hygiene stations empty in the evening",
    "Nutrition screening not documented",
    "Unclear who calls the doctor at night",
    "Pressure ulcer checks skipped at weekends",
    "Temporary staff lack access to records",
]
ACTION_TEXTS = [
    "Add the check to the shift checklist",
    "Train all staff in a short session",
    "Agree on a fixed responsible person",
    "Review the routine with the doctor",
    "Order and place the missing equipment",
]


def org_slug(index: int) -> str:
    return f"org-{index:04d}"


def top_leader_email(index: int) -> str:
    return f"toppleder@{org_slug(index)}.{EMAIL_DOMAIN}"


def organisation_number(index: int) -> str:
    """A valid, unique organisation number ("9" + index), skipping check digit 10."""
    weights = (3, 2, 7, 6, 5, 4, 3, 2)
    candidate = 9_000_0000 + index * 2
    while True:
        digits = f"{candidate:08d}"
        check = (11 - sum(w * int(d) for w, d in zip(weights, digits, strict=True)) % 11) % 11
        if check != 10:
            return digits + str(check)
        candidate += 1


def unit_count(index: int, rng: random.Random) -> int:
    """Organisation 1 is the largest; the rest are skewed: many small, a few large."""
    if index == 1:
        return LARGEST_UNITS
    return max(3, min(LARGEST_UNITS - 5, int(rng.paretovariate(1.2) * 4)))


def aware(day: date, at: time = time(10, 0)) -> datetime:
    return datetime.combine(day, at, tzinfo=UTC)


def scale_data_exists(count: int) -> bool:
    """True when any of the first ``count`` scale organisations is already there."""
    numbers = [organisation_number(i) for i in range(1, count + 1)]
    return Organisation.objects.filter(organisation_number__in=numbers).exists()


@dataclass
class Summary:
    organisations: int = 0
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, count: int) -> None:
        self.rows[name] = self.rows.get(name, 0) + count


def seed_scale(organisations: int, years: int, seed: int, password: str, today: date) -> Summary:
    """Create the organisations one transaction each; returns row counts per model."""
    password_hash = make_password(password)  # hashed once: per-user hashing takes hours
    summary = Summary()
    for index in range(1, organisations + 1):
        # One generator per organisation so a different --organisations keeps earlier ones.
        rng = random.Random(f"{seed}:{index}")
        with transaction.atomic():
            seed_organisation(index, years, rng, password_hash, today, summary)
        summary.organisations += 1
    refresh_statistics()
    return summary


def bulk[M: models.Model](model: type[M], rows: list[M], summary: Summary) -> list[M]:
    created = model._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
    summary.add(model._meta.label, len(rows))
    return created


def seed_organisation(
    index: int,
    years: int,
    rng: random.Random,
    password_hash: str,
    today: date,
    summary: Summary,
) -> Organisation:
    slug = org_slug(index)
    # Two-factor optional (as in the demo) so the benchmark signs in with the password.
    organisation = Organisation(
        name=f"Skalakommune {index:04d}",
        organisation_number=organisation_number(index),
        two_factor_policy=Organisation.TwoFactorPolicy.OPTIONAL,
    )
    bulk(Organisation, [organisation], summary)
    units = create_units(organisation, unit_count(index, rng), rng, summary)
    people = create_people(organisation, slug, len(units), password_hash, today, years, summary)
    people.professions = bulk(
        Profession,
        [
            Profession(organisation=organisation, name=name, order=order)
            for order, name in enumerate(DEFAULT_PROFESSIONS)
        ],
        summary,
    )
    first_year = today.year - years + 1
    for year in range(first_year, today.year + 1):
        create_year(organisation, year, units, people, rng, today, summary)
    return organisation


def create_units(
    organisation: Organisation, count: int, rng: random.Random, summary: Summary
) -> list[Unit]:
    """Service areas at the top, the visited units below them."""
    areas = [
        Unit(organisation=organisation, name=f"Tjenesteområde {n}", kind=Unit.Kind.SERVICE_AREA)
        for n in range(1, max(1, count // 15) + 1)
    ]
    bulk(Unit, areas, summary)
    units = [
        Unit(
            organisation=organisation,
            parent=areas[n % len(areas)],
            name=f"Enhet {n:02d}",
            kind=rng.choice(UNIT_KINDS),
            code=f"E{n:03d}",
        )
        for n in range(1, count + 1)
    ]
    return bulk(Unit, units, summary)


@dataclass
class People:
    top_leader: User
    coordinator: User
    secretary: User
    unit_leaders: list[User]
    professions: list[Profession] = field(default_factory=list)


def create_people(
    organisation: Organisation,
    slug: str,
    unit_total: int,
    password_hash: str,
    today: date,
    years: int,
    summary: Summary,
) -> People:
    joined = aware(date(today.year - years, 1, 1))
    domain = f"{slug}.{EMAIL_DOMAIN}"
    leaders_needed = max(1, unit_total // 4)

    def person(local: str, name: str) -> User:
        return User(
            email=f"{local}@{domain}", full_name=name, password=password_hash, date_joined=joined
        )

    users = [
        person("toppleder", "Toppleder"),
        person("koordinator", "Koordinator"),
        person("sekretaer", "Sekretær"),
    ] + [person(f"enhetsleder{n}", f"Enhetsleder {n}") for n in range(1, leaders_needed + 1)]
    users = bulk(User, users, summary)
    roles = [[Role.TOP_LEADER], [Role.COORDINATOR], [Role.SECRETARY]] + [
        [Role.UNIT_LEADER, Role.ACTION_OWNER]
    ] * leaders_needed
    memberships = bulk(
        Membership, [Membership(user=u, organisation=organisation) for u in users], summary
    )
    grants = [
        RoleGrant(membership=membership, role=role)
        for membership, held in zip(memberships, roles, strict=True)
        for role in held
    ]
    bulk(RoleGrant, grants, summary)
    return People(users[0], users[1], users[2], users[3:])


def create_year(
    organisation: Organisation,
    year: int,
    units: list[Unit],
    people: People,
    rng: random.Random,
    today: date,
    summary: Summary,
) -> None:
    plan = bulk(
        AnnualPlan,
        [AnnualPlan(organisation=organisation, year=year, owner=people.top_leader)],
        summary,
    )[0]
    visits = []
    for n, unit in enumerate(units):
        leader = people.unit_leaders[n % len(people.unit_leaders)]
        for half in range(VISITS_PER_UNIT_PER_YEAR):
            day = date(year, 1 + half * 6 + rng.randrange(5), 1 + rng.randrange(27))
            visits.append(new_visit(organisation, plan, unit, day, leader, people, rng, today))
    visits = bulk(Visit, visits, summary)
    conducted = [visit for visit in visits if visit.conducted_at is not None]
    bulk(Walkround, [new_walkround(visit, people) for visit in conducted], summary)
    bulk(Visit, [new_follow_up(visit, plan, rng, today) for visit in conducted], summary)
    bulk(
        VisitNote,
        [
            VisitNote(visit=visit, text="Gruppen var engasjert.", updated_by=people.secretary)
            for visit in conducted
        ],
        summary,
    )
    problems = bulk(
        Problem, [p for visit in conducted for p in new_problems(visit, people, rng)], summary
    )
    actions = bulk(Action, [a for p in problems for a in new_actions(p, rng, today)], summary)
    create_feedback(actions, people, rng, today, summary)
    bulk(Participant, [p for visit in visits for p in new_group(visit, people, rng)], summary)
    create_minutes(conducted, people, summary)
    create_measures(problems, rng, today, summary)
    create_surveys(organisation, year, units, people, rng, today, summary)
    bulk(AuditEvent, [e for visit in visits for e in new_audit_events(visit, people)], summary)


def create_feedback(
    actions: list[Action], people: People, rng: random.Random, today: date, summary: Summary
) -> None:
    """The group is told of most finished actions within a fortnight; those finished in
    the last two weeks, and a few older ones, are still owed (the feedback-owed list)."""
    told: list[tuple[Action, datetime]] = [
        (action, action.finished_at + timedelta(days=1 + rng.randrange(14)))
        for action in actions
        if action.finished_at is not None
        and (today - action.finished_at.date()).days > FEEDBACK_OWED_DAYS
        and rng.random() < 0.95
    ]
    feedback = bulk(
        Feedback,
        [
            Feedback(
                action=action,
                about_status=action.status,
                message="Tiltaket er gjennomført. Takk for at dere meldte fra.",
                sent_by=people.top_leader,
                emailed_to=GROUP_SIZE,
            )
            for action, _sent_at in told
        ],
        summary,
    )
    # Inserting sets sent_at to now (auto_now_add); the real day follows the action's end.
    for item, (_action, sent_at) in zip(feedback, told, strict=True):
        item.sent_at = sent_at
    Feedback.objects.bulk_update(feedback, ["sent_at"], batch_size=BATCH_SIZE)


def new_group(visit: Visit, people: People, rng: random.Random) -> list[Participant]:
    """The conversation group: staff by profession; those of past visits were present."""
    conducted = visit.conducted_at is not None
    return [
        Participant(
            visit=visit,
            name=f"Deltaker {n}",
            profession=rng.choice(people.professions),
            is_leader=False,
            attended=(rng.random() < 0.9) if conducted else None,
        )
        for n in range(1, GROUP_SIZE + 1)
    ]


def create_minutes(conducted: list[Visit], people: People, summary: Summary) -> None:
    """Draft minutes for the most recent visits, signed ones (one version) for the rest."""
    minutes = bulk(
        Minutes,
        [
            Minutes(
                visit=visit,
                status=Minutes.Status.DRAFT
                if visit.status == Visit.Status.CONDUCTED
                else Minutes.Status.SIGNED,
                deadline=minutes_deadline(visit.date),
                signed_at=None
                if visit.status == Visit.Status.CONDUCTED
                else aware(visit.date + timedelta(days=3)),
            )
            for visit in conducted
        ],
        summary,
    )
    versions = bulk(
        MinutesVersion,
        [
            MinutesVersion(
                minutes=item,
                number=1,
                body="Referat fra samtalen med gruppen.",
                created_by=people.secretary,
                locked_at=item.signed_at,
                sent_at=item.signed_at,
            )
            for item in minutes
        ],
        summary,
    )
    bulk(
        Signature,
        [
            Signature(
                minutes_version=version,
                role=Signature.Role.TOP_LEADER,
                signer=people.top_leader,
                signer_name=people.top_leader.full_name,
                method=Signature.Method.PASSWORD,
            )
            for version in versions
            if version.locked_at is not None
        ],
        summary,
    )


def months_between(first: date, last: date) -> list[date]:
    """The first day of each month from first's month to last's month, inclusive."""
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def create_measures(
    problems: list[Problem], rng: random.Random, today: date, summary: Summary
) -> None:
    """One measure for about half the problems, with a data point per month since the visit."""
    measured = [problem for problem in problems if rng.random() < 0.5]
    measures = bulk(
        Measure,
        [
            Measure(problem=problem, name="Antall avvik per måned", unit="antall")
            for problem in measured
        ],
        summary,
    )
    points = []
    for measure, problem in zip(measures, measured, strict=True):
        level = rng.randint(4, 20)
        last_month = today.replace(day=1) - timedelta(days=1)
        months = months_between(problem.visit.date, last_month)[:MAX_MEASURE_MONTHS]
        for month in months:
            level = max(0, level + rng.randint(-3, 2))
            points.append(
                MeasurePoint(
                    measure=measure,
                    period=month,
                    value=Decimal(level),
                    entered_by=problem.created_by,
                )
            )
    bulk(MeasurePoint, points, summary)


def create_surveys(
    organisation: Organisation,
    year: int,
    units: list[Unit],
    people: People,
    rng: random.Random,
    today: date,
    summary: Summary,
) -> None:
    """One pulse survey per unit a year, in March, answered by a few staff once closed."""
    opens = date(year, 3, 1)
    if opens >= today:
        return
    surveys = bulk(
        PulseSurvey,
        [
            PulseSurvey(
                organisation=organisation,
                unit=unit,
                title=f"Pulsmåling {year}",
                token=f"{rng.getrandbits(160):040x}",
                opens_on=opens,
                closes_on=opens + timedelta(days=14),
                created_by=people.coordinator,
            )
            for unit in units
        ],
        summary,
    )
    statements = bulk(
        PulseStatement,
        [
            PulseStatement(survey=survey, text=text, order=order)
            for survey in surveys
            for order, text in enumerate(SURVEY_STATEMENTS)
        ],
        summary,
    )
    responses = bulk(
        PulseResponse,
        [
            PulseResponse(survey=survey, answered_on=opens + timedelta(days=rng.randrange(14)))
            for survey in surveys
            for _ in range(SURVEY_RESPONSES)
        ],
        summary,
    )
    by_survey: dict[int, list[PulseStatement]] = {}
    for statement in statements:
        by_survey.setdefault(statement.survey_id, []).append(statement)
    bulk(
        PulseAnswer,
        [
            PulseAnswer(response=response, statement=statement, score=rng.randint(2, 5))
            for response in responses
            for statement in by_survey[response.survey_id]
        ],
        summary,
    )


def new_audit_events(visit: Visit, people: People) -> list[AuditEvent]:
    """The visit's creation and, once held, its conduct (times are the insert time)."""
    events = [(AuditEvent.Action.VISIT_CREATED, people.coordinator)]
    if visit.conducted_at is not None:
        events.append((AuditEvent.Action.VISIT_CONDUCTED, people.top_leader))
    return [
        AuditEvent(
            organisation_id=visit.organisation_id,
            actor=actor,
            actor_email=actor.email,
            action=action,
            object_type="planning.visit",
            object_id=str(visit.pk),
            object_repr=f"{visit.unit.name} {visit.date.isoformat()}",
            data={"date": visit.date.isoformat()},
        )
        for action, actor in events
    ]


def new_visit(
    organisation: Organisation,
    plan: AnnualPlan,
    unit: Unit,
    day: date,
    unit_leader: User,
    people: People,
    rng: random.Random,
    today: date,
) -> Visit:
    return Visit(
        organisation=organisation,
        plan=plan,
        unit=unit,
        date=day,
        status=visit_status(day, today),
        visit_leader=people.top_leader,
        coordinator=people.coordinator,
        secretary=people.secretary,
        unit_leader=unit_leader,
        staff_input_token=f"{rng.getrandbits(128):032x}",
        conducted_at=aware(day, time(11, 0)) if day < today else None,
        created_by=people.coordinator,
    )


def new_follow_up(visit: Visit, plan: AnnualPlan, rng: random.Random, today: date) -> Visit:
    """The follow-up visit about three months later: held when its day has passed. One
    that falls in the next year has no plan, as when planned in Visitt before that
    year's plan exists."""
    day = follow_up_date(visit)
    return Visit(
        organisation_id=visit.organisation_id,
        plan=plan if day.year == plan.year else None,
        unit_id=visit.unit_id,
        kind=Visit.Kind.FOLLOW_UP,
        parent=visit,
        date=day,
        duration_minutes=FOLLOW_UP_MINUTES,
        status=Visit.Status.CLOSED if day < today else Visit.Status.PLANNED,
        visit_leader_id=visit.visit_leader_id,
        coordinator_id=visit.coordinator_id,
        secretary_id=visit.secretary_id,
        unit_leader_id=visit.unit_leader_id,
        staff_input_token=f"{rng.getrandbits(128):032x}",
        conducted_at=aware(day, time(11, 0)) if day < today else None,
        created_by=visit.coordinator,
    )


def visit_status(day: date, today: date) -> str:
    """Consistent with the date: planned ahead, minutes drafted just after, signed, closed."""
    age = (today - day).days
    if age <= 0:
        return Visit.Status.CONFIRMED if age > -30 else Visit.Status.PLANNED
    if age <= DRAFT_DAYS:
        return Visit.Status.CONDUCTED
    if age <= CLOSED_DAYS:
        return Visit.Status.MINUTES_SIGNED
    return Visit.Status.CLOSED


def new_walkround(visit: Visit, people: People) -> Walkround:
    return Walkround(
        visit=visit,
        actual_start=time(10, 0),
        actual_end=time(11, 0),
        summary="Gode samtaler om pasientsikkerhet.",
        had_tour=True,
        observer_present=True,
        completed_at=visit.conducted_at,
        completed_by=people.top_leader,
    )


def new_problems(visit: Visit, people: People, rng: random.Random) -> list[Problem]:
    return [
        Problem(
            visit=visit,
            organisation_id=visit.organisation_id,
            number=number,
            title=rng.choice(PROBLEM_TITLES),
            level=rng.choice(Problem.Level.values),
            value=rng.choice(Problem.Value.values),
            effort=rng.choice(Problem.Effort.values),
            created_by=people.secretary,
        )
        for number in range(1, rng.randint(1, 3) + 1)
    ]


def new_actions(problem: Problem, rng: random.Random, today: date) -> list[Action]:
    visit_day = problem.visit.date
    actions = []
    for order in range(rng.randint(1, 2)):
        due = visit_day + timedelta(days=30 + rng.randrange(90))
        done = due < today and rng.random() < 0.8
        actions.append(
            Action(
                problem=problem,
                organisation_id=problem.organisation_id,
                what=rng.choice(ACTION_TEXTS),
                owner=problem.visit.unit_leader,
                due_date=due,
                status=Action.Status.DONE if done else Action.Status.IN_PROGRESS,
                finished_at=aware(due) if done else None,
                order=order,
                created_by=problem.created_by,
            )
        )
    return actions
