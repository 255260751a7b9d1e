"""The demo's phase 1: a realistic current year for Demo kommune and a small one for Demo
helseforetak, all relative to today's date.

Demo kommune: an annual plan owned by the top leader with the default goals; visits
conducted earlier this year, one confirmed visit within the next seven days (its
reminder already sent, examples from the staff waiting), one planned visit whose group
has only three people (so the group warning shows), and one visit postponed because of
a norovirus outbreak, with its history. Incident counts for the last twelve months for
the units visited next. Every date is a working day outside July, each on its own day,
so no leader is booked twice.

Called from visitt.organisations.demo.seed_demo, inside its transaction. Idempotent: the
plan, letter templates, professions and incident counts are made once; the visits are
made only when the year's plan has none. Every name and address is invented.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from visitt.accounts.models import User
from visitt.core.workdays import is_working_day, previous_working_day
from visitt.organisations.models import Organisation, Unit

from .checklist import ChecklistItem
from .group import GroupLink, Participant, Profession
from .incidents import months_before
from .letters import InvitationDispatch, ensure_default_templates
from .plan import AnnualPlan
from .preparation import IncidentCount, StaffInput
from .reminders import reminder_date
from .visits import OSLO, Postponement, Visit

K = ChecklistItem.Key
ALL_ITEMS = tuple(K)
# The items Visitt ticks itself have no person as "done by", except the invitation,
# which the task ticks on behalf of the person who sent it.
BY_VISITT = frozenset({K.GROUP_ASSEMBLED, K.CONFIRMATION})

POSTPONEMENT_REASON = "Utbrudd av norovirus på avdelingen; enheten ba om ny dato."

MUNICIPALITY_PLAN_NOTES = (
    "Alle enheter i helse og omsorg skal ha hatt en pasient- og brukersikkerhetsvisitt i løpet "
    "av året, med oppfølgingsvisitt om lag tre måneder etter. Solbakken sykehjem besøkes "
    "avdelingsvis."
)
TRUST_PLAN_NOTES = (
    "Klinikkane vert besøkte avdelingsvis, med oppfølgingsvisitt om lag tre månader etter."
)

# Examples from the staff before the next visit: about systems and routines, never persons.
STAFF_EXAMPLES = [
    "Når beboere kommer tilbake fra sykehuset, mangler vi ofte oppdatert legemiddelliste og "
    "må ringe etter den. Da blir medisiner gitt etter den gamle listen i mellomtiden.",
    "På kveldsvakt er det bare én med medisinansvar. Dobbeltkontroll av "
    "vanedannende legemidler blir vanskelig når det er travelt.",
    "Fallrisiko blir vurdert ved innkomst, men tiltakene står ikke i rapporten ved "
    "vaktskifte, så nye vikarer vet ikke om dem.",
]

# Incident categories as the incident system names them, with a monthly base rate per
# kind of unit (counts vary around it).
CATEGORY_RATES: dict[str, dict[str, float]] = {
    "nursing": {
        "Legemiddelhåndtering": 4,
        "Fall": 5,
        "Trykksår": 1.5,
        "Overganger/samhandling": 1.5,
        "Smittevern": 1,
        "Vold og trusler": 1,
    },
    "home_care": {
        "Legemiddelhåndtering": 6,
        "Fall": 2,
        "Overganger/samhandling": 3,
        "Smittevern": 0.5,
        "Vold og trusler": 0.5,
    },
}
INCIDENT_UNITS = {"SOL-1": "nursing", "SOL-2": "nursing", "FBB": "nursing", "HJT-S": "home_care"}
# The share of a month's events by severity.
SEVERITY_SHARES = [
    (IncidentCount.Severity.NONE, 0.55),
    (IncidentCount.Severity.MINOR, 0.3),
    (IncidentCount.Severity.MODERATE, 0.15),
]

# Invented first names with an initial: the group needs only what the method needs.
FIRST_NAMES = [
    "Ingrid S.",
    "Mohammed A.",
    "Linnea K.",
    "Jonas B.",
    "Fatima H.",
    "Sander L.",
    "Marit E.",
    "Aleksander P.",
    "Nora T.",
    "Thi Lan N.",
    "Emil R.",
    "Hanne M.",
    "Kristoffer J.",
    "Sara O.",
    "Bjørn Å.",
    "Amina Y.",
    "Torunn G.",
    "Mats F.",
    "Leah W.",
    "Oddny V.",
    "Elias D.",
    "Silje N.",
    "Ola K.",
    "Rahel T.",
    "Vilde S.",
    "Kasper H.",
    "Gunn B.",
    "Petter M.",
    "Julie A.",
    "Ibrahim L.",
    "Marte R.",
    "Henrik E.",
    "Solveig J.",
    "Daniel G.",
    "Ane F.",
    "Khadija O.",
    "Tobias N.",
    "Randi P.",
    "Even M.",
    "Iselin K.",
]

# The professions of each kind of group (names from DEFAULT_PROFESSIONS /
# DEFAULT_PROFESSIONS_NN). The method: people who meet users daily, including
# unskilled staff, care assistants and kitchen staff.
GROUPS = {
    "nursing": [
        "Sykepleier",
        "Helsefagarbeider/hjelpepleier",
        "Assistent/ufaglært",
        "Kjøkkenpersonale",
        "Helsefagarbeider/hjelpepleier",
    ],
    "home_care": [
        "Sykepleier",
        "Helsefagarbeider/hjelpepleier",
        "Assistent/ufaglært",
        "Vernepleier",
        "Fysioterapeut/ergoterapeut",
    ],
    "emergency": ["Lege", "Sykepleier", "Sykepleier", "Annet", "Helsefagarbeider/hjelpepleier"],
    "health_centre": ["Sykepleier", "Lege", "Fysioterapeut/ergoterapeut", "Annet", "Sykepleier"],
    "mental_health": ["Miljøarbeider", "Vernepleier", "Sykepleier", "Assistent/ufaglært", "Lege"],
    "hospital_nn": [
        "Sjukepleiar",
        "Lege",
        "Helsefagarbeidar/hjelpepleiar",
        "Reinhald",
        "Sjukepleiar",
    ],
    "trio": ["Sykepleier", "Helsefagarbeider/hjelpepleier", "Kjøkkenpersonale"],
}


@dataclass
class DemoVisit:
    """One visit of the demo year, described before any date is chosen."""

    unit_code: str
    state: str  # "conducted", "next" (within a week), "upcoming", "postponed"
    contact: tuple[str, str]
    group: str
    place: str
    start_time: time = time(10, 0)
    medical_advisor: bool = False
    unit_leader: bool = False
    done: tuple[ChecklistItem.Key, ...] = ALL_ITEMS
    window: tuple[int, int, int] = (0, 0, 0)  # days from today: earliest, target, latest
    new_window: tuple[int, int, int] = (0, 0, 0)  # the postponed visit's new date
    emails: list[int] = field(default_factory=lambda: [0, 2])  # participants with e-mail


MUNICIPALITY_VISITS = [
    DemoVisit(
        "HJT-N",
        "conducted",
        ("Hilde Sætre", "hilde.saetre@demo.visitt.no"),
        "home_care",
        "Basen i Nordveien 4, møterommet",
    ),
    DemoVisit(
        "LV",
        "conducted",
        ("Anders Holm", "anders.holm@demo.visitt.no"),
        "emergency",
        "Legevakten, vaktrommet",
        start_time=time(13, 0),
        medical_advisor=True,
    ),
    DemoVisit(
        "SOL-1",
        "conducted",
        ("Kjersti Lunde", "kjersti.lunde@demo.visitt.no"),
        "nursing",
        "Personalrommet, 1. etasje",
        medical_advisor=True,
        unit_leader=True,
    ),
    DemoVisit(
        "HS",
        "conducted",
        ("Beate Strand", "beate.strand@demo.visitt.no"),
        "health_centre",
        "Helsestasjonen, møterom 2",
        start_time=time(12, 30),
    ),
    DemoVisit(
        "RPH",
        "conducted",
        ("Per Ivar Solberg", "per.ivar.solberg@demo.visitt.no"),
        "mental_health",
        "Dagsenteret, samtalerommet",
        medical_advisor=True,
    ),
    # Within the next seven days: confirmed, reminded, examples from the staff waiting.
    DemoVisit(
        "SOL-2",
        "next",
        ("Ragnhild Bakke", "ragnhild.bakke@demo.visitt.no"),
        "nursing",
        "Personalrommet, 2. etasje",
        medical_advisor=True,
        unit_leader=True,
        window=(2, 3, 6),
    ),
    # Postponed because of an outbreak; it was confirmed and invited for next week.
    DemoVisit(
        "HJT-S",
        "postponed",
        ("Lars Eriksen", "lars.eriksen@demo.visitt.no"),
        "home_care",
        "Basen på Sørtoppen, lunsjrommet",
        start_time=time(13, 0),
        done=(
            K.LEADERSHIP_GROUP,
            K.DATE_AGREED,
            K.CONTACT_PERSON,
            K.GROUP_ASSEMBLED,
            K.INVITATION_SENT,
            K.POSTERS_UP,
        ),
        window=(7, 8, 12),
        new_window=(17, 21, 27),
    ),
    # Planned in a couple of weeks; the contact person has found three so far.
    DemoVisit(
        "FBB",
        "upcoming",
        ("Sigrid Haugen", "sigrid.haugen@demo.visitt.no"),
        "trio",
        "Kantina, 1. etasje",
        done=(K.LEADERSHIP_GROUP, K.DATE_AGREED, K.CONTACT_PERSON),
        window=(12, 15, 20),
        emails=[0],
    ),
]

TRUST_VISITS = [
    DemoVisit(
        "MED-1",
        "conducted",
        ("Gunnhild Rekdal", "gunnhild.rekdal@demo.visitt.no"),
        "hospital_nn",
        "Vaktrommet, sengepost 3",
        start_time=time(13, 0),
    ),
    DemoVisit(
        "AKM",
        "upcoming",
        ("Eirik Myklebust", "eirik.myklebust@demo.visitt.no"),
        "hospital_nn",
        "Møterommet ved akuttmottaket",
        start_time=time(13, 0),
        done=(K.LEADERSHIP_GROUP, K.CONTACT_PERSON),
        window=(8, 18, 30),
        emails=[],
    ),
]


# --- Dates --------------------------------------------------------------------------------


def _usable(day: date, taken: set[date]) -> bool:
    """A working day outside July, not Christmas or New Year's Eve, and free."""
    return (
        is_working_day(day)
        and day.month != 7
        and (day.month, day.day) not in {(12, 24), (12, 31)}
        and day not in taken
    )


def pick_day(target: date, earliest: date, latest: date, taken: set[date]) -> date | None:
    """The usable day nearest ``target`` within [earliest, latest], Tuesday to Thursday
    preferred (by three days' distance); None when there is none."""
    candidates = [
        earliest + timedelta(days=offset)
        for offset in range((latest - earliest).days + 1)
        if _usable(earliest + timedelta(days=offset), taken)
    ]
    if not candidates:
        return None

    def cost(day: date) -> tuple[int, date]:
        return abs((day - target).days) + (0 if day.weekday() in (1, 2, 3) else 3), day

    return min(candidates, key=cost)


def _ahead(today: date, window: tuple[int, int, int], taken: set[date]) -> date | None:
    earliest, target, latest = (today + timedelta(days=d) for d in window)
    # If the window is all July or holidays, take the first free day after it.
    return pick_day(target, earliest, latest, taken) or pick_day(
        latest, latest, latest + timedelta(days=60), taken
    )


def _spread_past(today: date, count: int, taken: set[date]) -> list[date | None]:
    """``count`` days spread over this year so far, up to ten days ago (fewer early in
    the year: None where there is no room)."""
    first, last = date(today.year, 1, 8), today - timedelta(days=10)
    if last < first or count == 0:
        return [None] * count
    span = (last - first).days
    days: list[date | None] = []
    for index in range(count):
        target = first + timedelta(days=int((index + 0.5) * span / count))
        day = pick_day(target, first, last, taken)
        if day is not None:
            taken.add(day)
        days.append(day)
    return days


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), OSLO)


# --- Building the year ---------------------------------------------------------------------


@dataclass
class Context:
    organisation: Organisation
    plan: AnnualPlan
    today: date
    top_leader: User
    coordinator: User
    secretary: User | None
    medical_advisor: User | None
    unit_leader: User | None
    professions: dict[str, Profession]
    names: Iterable[str]


def _user(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def _plan(organisation: Organisation, year: int, owner: User, notes: str) -> AnnualPlan:
    plan = AnnualPlan.objects.filter(organisation=organisation, year=year).first()
    if plan is None:
        plan = AnnualPlan.create_with_default_goals(
            organisation=organisation, year=year, owner=owner, notes=notes
        )
    return plan


def _professions(organisation: Organisation) -> dict[str, Profession]:
    Profession.ensure_defaults(organisation)
    return {p.name: p for p in Profession.objects.filter(organisation=organisation)}


def _create_visit(ctx: Context, spec: DemoVisit, day: date) -> Visit:
    unit = Unit.objects.get(organisation=ctx.organisation, code=spec.unit_code)
    conducted = spec.state == "conducted"
    visit = Visit.objects.create(
        organisation=ctx.organisation,
        plan=ctx.plan if day.year == ctx.plan.year else None,
        unit=unit,
        date=day,
        start_time=spec.start_time,
        place=spec.place,
        status=Visit.Status.CONDUCTED if conducted else Visit.Status.PLANNED,
        visit_leader=ctx.top_leader,
        coordinator=ctx.coordinator,
        secretary=ctx.secretary,
        medical_advisor=ctx.medical_advisor if spec.medical_advisor else None,
        unit_leader=ctx.unit_leader if spec.unit_leader else None,
        contact_name=spec.contact[0],
        contact_email=spec.contact[1],
        created_by=ctx.coordinator,
    )
    invited = K.INVITATION_SENT in spec.done
    changes: dict[str, object] = {}
    if conducted:
        changes["conducted_at"] = visit.ends_at
    if spec.state in ("conducted", "next", "postponed"):
        changes["status"] = Visit.Status.CONDUCTED if conducted else Visit.Status.CONFIRMED
    if invited:
        changes["invitation_sent_at"] = _at(day - timedelta(days=21), 9, 12)
    reminded = reminder_date(day)
    if K.CONFIRMATION in spec.done and reminded <= ctx.today:
        changes["reminder_sent_at"] = _at(reminded, 6, 30)
    if changes:
        Visit.objects.filter(pk=visit.pk).update(**changes)
        for name, value in changes.items():
            setattr(visit, name, value)
    if invited:
        dispatch = InvitationDispatch.objects.create(
            visit=visit,
            recipients=[{"name": spec.contact[0], "email": spec.contact[1]}],
            requested_by=ctx.coordinator,
        )
        InvitationDispatch.objects.filter(pk=dispatch.pk).update(
            requested_at=visit.invitation_sent_at, sent_at=visit.invitation_sent_at
        )
    return visit


def _email(name: str, unit_code: str) -> str:
    local = name.split()[0].lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    return f"{local}.{unit_code.lower()}@demo.visitt.no"


def _add_group(ctx: Context, visit: Visit, spec: DemoVisit) -> None:
    professions = GROUPS[spec.group]
    fallback = next(iter(ctx.professions.values()))
    Participant.objects.bulk_create(
        [
            Participant(
                visit=visit,
                name=name,
                profession=ctx.professions.get(profession, fallback),
                email=_email(name, spec.unit_code) if index in spec.emails else "",
            )
            for index, (profession, name) in enumerate(zip(professions, ctx.names, strict=False))
        ]
    )


def _tick(ctx: Context, visit: Visit, spec: DemoVisit, day: date) -> None:
    """The checklist as the coordinator would have left it, each item on a plausible day."""
    ticked_on = {
        K.LEADERSHIP_GROUP: day - timedelta(days=35),
        K.DATE_AGREED: day - timedelta(days=30),
        K.CONTACT_PERSON: day - timedelta(days=28),
        K.GROUP_ASSEMBLED: day - timedelta(days=14),
        K.INVITATION_SENT: day - timedelta(days=21),
        K.POSTERS_UP: day - timedelta(days=12),
        K.CONFIRMATION: reminder_date(day),
        K.INFORMATION: day - timedelta(days=5),
    }
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(
                visit=visit,
                key=key,
                # Never in the future: an item ticked ahead of its usual day was ticked today.
                done_at=_at(min(ticked_on[key], ctx.today), 9 if key != K.CONFIRMATION else 6, 30),
                done_by=None if key in BY_VISITT else ctx.coordinator,
            )
            for key in spec.done
            # The reminder ticks its item; it is not due before its day.
            if key != K.CONFIRMATION or visit.reminder_sent_at is not None
        ]
    )


def _build_year(ctx: Context, specs: list[DemoVisit], taken: set[date]) -> list[Visit]:
    past = iter(_spread_past(ctx.today, sum(s.state == "conducted" for s in specs), taken))
    visits = []
    for spec in specs:
        day = next(past) if spec.state == "conducted" else _ahead(ctx.today, spec.window, taken)
        if day is None:
            continue  # early in January there is no "earlier this year"
        taken.add(day)
        visit = _create_visit(ctx, spec, day)
        _add_group(ctx, visit, spec)
        _tick(ctx, visit, spec, day)
        if spec.state == "upcoming" and len(GROUPS[spec.group]) < 5:
            # The contact person is still filling in the group through a link.
            GroupLink.issue(visit)
        if spec.state == "postponed":
            new_day = _ahead(ctx.today, spec.new_window, taken)
            if new_day is not None:
                taken.add(new_day)
                postponement = visit.postpone(
                    to_date=new_day, to_time=None, reason=POSTPONEMENT_REASON, by=ctx.coordinator
                )
                Postponement.objects.filter(pk=postponement.pk).update(
                    postponed_at=_at(previous_working_day(ctx.today - timedelta(days=1)), 14, 10)
                )
                if new_day.year != ctx.plan.year:
                    Visit.objects.filter(pk=visit.pk).update(plan=None)
        visits.append(visit)
    return visits


def _incidents(ctx: Context) -> None:
    """The last twelve whole months of counts for a few units (made with the year's visits)."""
    rows = []
    for code, kind in INCIDENT_UNITS.items():
        unit = Unit.objects.filter(organisation=ctx.organisation, code=code).first()
        if unit is None:
            continue
        for period in months_before(ctx.today):
            chance = random.Random(f"{code}-{period:%Y-%m}")
            for category, rate in CATEGORY_RATES[kind].items():
                total = max(0, round(chance.gauss(rate, rate / 2)))
                for severity, part in SEVERITY_SHARES:
                    count = round(total * part + chance.random() * 0.6)
                    if count:
                        rows.append(
                            IncidentCount(
                                organisation=ctx.organisation,
                                unit=unit,
                                period=period,
                                category=category,
                                severity=severity,
                                count=count,
                                created_by=ctx.coordinator,
                            )
                        )
    IncidentCount.objects.bulk_create(rows, ignore_conflicts=True)


def _seed(
    organisation: Organisation,
    *,
    today: date,
    emails: dict[str, str],
    notes: str,
    specs: list[DemoVisit],
    taken: set[date],
) -> None:
    top_leader, coordinator = _user(emails["top_leader"]), _user(emails["coordinator"])
    if top_leader is None or coordinator is None:
        return
    ensure_default_templates(organisation)
    ctx = Context(
        organisation=organisation,
        plan=_plan(organisation, today.year, top_leader, notes),
        today=today,
        top_leader=top_leader,
        coordinator=coordinator,
        secretary=_user(emails.get("secretary", "")),
        medical_advisor=_user(emails.get("medical_advisor", "")),
        unit_leader=_user(emails.get("unit_leader", "")),
        professions=_professions(organisation),
        names=iter(FIRST_NAMES),
    )
    if ctx.plan.visits.exists():
        return  # the demo year is made once; a second run changes nothing
    # The days already in use (both organisations share the coordinator).
    taken |= set(
        Visit.objects.filter(date__year__in=[today.year, today.year + 1]).values_list(
            "date", flat=True
        )
    )
    visits = _build_year(ctx, specs, taken)
    if organisation.language != "nn":
        _incidents(ctx)
        upcoming = [v for v in visits if not v.is_conducted]
        if upcoming:
            next_visit = min(upcoming, key=lambda v: (v.date, v.start_time))
            StaffInput.objects.bulk_create(
                [StaffInput(visit=next_visit, text=text) for text in STAFF_EXAMPLES]
            )


def seed_planning(municipality: Organisation, trust: Organisation, today: date) -> None:
    """The phase-1 demo data of both organisations (see the module's docstring)."""
    taken: set[date] = set()
    _seed(
        municipality,
        today=today,
        emails={
            "top_leader": "toppleder@demo.visitt.no",
            "coordinator": "koordinator@demo.visitt.no",
            "secretary": "sekretaer@demo.visitt.no",
            "medical_advisor": "radgiver@demo.visitt.no",
            "unit_leader": "enhetsleder@demo.visitt.no",
        },
        notes=MUNICIPALITY_PLAN_NOTES,
        specs=MUNICIPALITY_VISITS,
        taken=taken,
    )
    _seed(
        trust,
        today=today,
        emails={
            "top_leader": "toppleiar@helseforetak.demo.visitt.no",
            "coordinator": "koordinator@demo.visitt.no",
        },
        notes=TRUST_PLAN_NOTES,
        specs=TRUST_VISITS,
        taken=taken,
    )
