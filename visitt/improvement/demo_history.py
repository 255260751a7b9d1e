"""The demo's history for measures, PDSA, the learning library and the pulse survey
(called from visitt.followup.demo_history and visitt.organisations.demo).

- Last year's measures get monthly points from eight months before their visit to last
  month. Where the pattern moves, the new level starts the month after the problem's
  first action was finished (never before), so those run charts show an improvement
  signal by the Anhøj rules; the others vary at random around one level.
- PDSA cycles on the actions marked for one: adopt, adapt and abandon.
- Two published library entries, from last year's done actions whose measures improved.
- Pulse surveys at Solbakken avdeling 1: one before last year's visit and one about three
  months after (slightly better), ten and nine answers; and one open now at avdeling 2
  with three answers, under the threshold of five, so its page says so.

Deterministic, made with the models directly (no audit events), idempotent: each part
is left alone once made.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from visitt.accounts.models import User
from visitt.followup.plans import Action, Measure
from visitt.organisations.models import Organisation, Unit
from visitt.planning.visits import Visit

from . import periods
from .library import LibraryEntry
from .models import MeasurePoint, PdsaCycle
from .survey import PulseAnswer, PulseResponse, PulseStatement, PulseSurvey

if TYPE_CHECKING:
    from visitt.followup.demo_history import PastVisit

MONTHS_BEFORE = 8

PDSA_TEXTS = {
    PdsaCycle.Decision.ADOPT: (
        "Teste rutinen i sone nord i fire uker. Vi tror at alle endringer når apoteket samme dag.",
        "Rutinen ble brukt ved alle endringer i perioden.",
        "Alle endringer kom med i neste multidose; to avvik mot sju i måneden før.",
        "Vi tar rutinen i bruk i begge soner.",
    ),
    PdsaCycle.Decision.ADAPT: (
        "Teste sjekk av sengealarmene ved kveldsrapporten i to uker.",
        "Sjekken ble gjort på de fleste kvelder, men glemt i helgene.",
        "Færre alarmer var slått av, men helgene trenger en påminnelse.",
        "Vi legger sjekken inn i helgelisten og tester to uker til.",
    ),
    PdsaCycle.Decision.ABANDON: (
        "Teste et eget skjema for muntlig rapport ved overføring i tre uker.",
        "Skjemaet ble brukt ved halvparten av overføringene.",
        "Skjemaet tok for lang tid i akutte situasjoner.",
        "Vi går bort fra skjemaet og bruker ISBAR-kortet i stedet.",
    ),
}

LIBRARY = {
    # The start of the action's text: title, summary, result, advice.
    "Fast rutine for å melde endringer i multidose": (
        "Endringer i multidose meldt samme dag",
        "Hjemmetjenesten lagde en fast rutine: sykepleieren som får beskjed om en endring, "
        "melder den til apoteket samme dag og noterer det i journalen.",
        "Avvikene om legemidler gikk fra fem-seks i måneden til rundt to, og nivået har "
        "holdt seg i mer enn åtte måneder.",
        "Avtal rutinen med apoteket først, og gjør det klart hvem som melder på kveld og i helger.",
    ),
    "Nattlys med bevegelsessensor": (
        "Nattlys med bevegelsessensor mot fall om natten",
        "Sykehjemmet monterte nattlys med bevegelsessensor på alle rom, slik at det blir lyst "
        "når beboeren står opp.",
        "Fallene om natten gikk fra fire i måneden til rundt én.",
        "Kombiner med fast sjekk av sengealarmene; lyset alene er ikke nok for alle.",
    ),
}

STATEMENTS = (
    "Ville du likt at et medlem av din familie mottok tjenester her?",
    "Jeg melder alltid fra når jeg gjør en feil eller oppdager en.",
    "Kommunikasjonen mellom oss som jobber her, fremmer trygg pleie.",
    "Enheten arbeider godt sammen på tvers av ansvarsområder.",
)
# One row per response: a score for each statement.
BEFORE = (
    (3, 3, 2, 3),
    (4, 3, 3, 3),
    (3, 2, 3, 4),
    (2, 3, 2, 3),
    (4, 4, 3, 3),
    (3, 3, 3, 2),
    (3, 4, 2, 3),
    (4, 3, 3, 4),
    (2, 3, 3, 3),
    (3, 3, 2, 3),
)
AFTER = (
    (4, 4, 3, 4),
    (4, 3, 4, 4),
    (3, 4, 3, 4),
    (4, 4, 4, 3),
    (5, 4, 3, 4),
    (3, 3, 3, 4),
    (4, 4, 4, 4),
    (4, 3, 3, 3),
    (3, 4, 4, 4),
)
OPEN_NOW = ((4, 4, 3, 4), (3, 4, 4, 3), (4, 3, 3, 4))


def _months(first: date, today: date) -> list[date]:
    last = (periods.start_of(today, Measure.Frequency.MONTHLY) - timedelta(days=1)).replace(day=1)
    return periods.all_between(first, last, Measure.Frequency.MONTHLY)


def _first_month(visit_day: date) -> date:
    month = visit_day.replace(day=1)
    for _ in range(MONTHS_BEFORE):
        month = (month - timedelta(days=1)).replace(day=1)
    return month


def _values(
    months: list[date], change: date | None, before: tuple[int, ...], after: tuple[int, ...]
) -> list[int]:
    values = []
    start = next((i for i, m in enumerate(months) if change and m >= change), len(months))
    for i in range(len(months)):
        pattern, offset = (before, i) if i < start else (after, i - start)
        values.append(pattern[offset % len(pattern)])
    return values


def _change(measure: Measure) -> date | None:
    """The month after the problem's first done action was finished."""
    done = [
        timezone.localtime(a.finished_at).date()
        for a in measure.problem.actions.all()
        if a.status == Action.Status.DONE and a.finished_at is not None
    ]
    if not done:
        return None
    return periods.following(periods.start_of(min(done), Measure.Frequency.MONTHLY), "monthly")


def seed_measures(
    organisation: Organisation, year: int, today: date, past: Mapping[str, PastVisit]
) -> None:
    """The points of last year's measures and its PDSA cycles (see the docstring)."""
    measures = (
        Measure.objects.filter(problem__visit__organisation=organisation)
        .filter(problem__visit__date__year=year, problem__visit__kind=Visit.Kind.MAIN)
        .select_related("problem__visit__unit")
        .prefetch_related("problem__actions")
    )
    points = []
    for measure in measures:
        visit = measure.problem.visit
        spec = past.get(visit.unit.code)
        if spec is None or MeasurePoint.objects.filter(measure=measure).exists():
            continue
        problem = spec.problems[measure.problem.number - 1]
        if problem.measure is None:
            continue
        before, after = problem.measure[4], problem.measure[5]
        months = _months(_first_month(visit.date), today)
        for month, value in zip(
            months, _values(months, _change(measure), before, after), strict=True
        ):
            points.append(MeasurePoint(measure=measure, period=month, value=Decimal(value)))
    MeasurePoint.objects.bulk_create(points)
    _cycles(organisation, year, past)


def _cycles(organisation: Organisation, year: int, past: Mapping[str, PastVisit]) -> None:
    wanted = {
        action.what: action.pdsa
        for visit in past.values()
        for problem in visit.problems
        for action in problem.actions
        if action.pdsa
    }
    actions = Action.objects.filter(
        problem__visit__organisation=organisation,
        problem__visit__date__year=year,
        what__in=list(wanted),
    ).select_related("problem__visit", "owner")
    for action in actions:
        if PdsaCycle.objects.filter(action=action).exists():
            continue
        decision = wanted[action.what]
        plan, do, study, act = PDSA_TEXTS[PdsaCycle.Decision(decision)]
        start = action.problem.visit.date + timedelta(days=7)
        PdsaCycle.objects.create(
            action=action,
            plan=plan,
            do=do,
            study=study,
            act=act,
            start_date=start,
            end_date=start + timedelta(days=21),
            decision=decision,
            created_by=action.owner,
        )


def seed_library(organisation: Organisation, today: date) -> None:
    """Two published entries from last year's done, improving actions (made once)."""
    if LibraryEntry.objects.filter(organisation=organisation).exists():
        return
    top = User.objects.filter(email="toppleder@demo.visitt.no").first()
    for start, (title, summary, result, advice) in LIBRARY.items():
        action = (
            Action.objects.filter(
                problem__visit__organisation=organisation,
                problem__visit__date__year=today.year - 1,
                status=Action.Status.DONE,
                what__startswith=start,
            )
            .select_related("problem__visit")
            .first()
        )
        if action is None or action.finished_at is None:
            continue
        entry = LibraryEntry.objects.create(
            organisation=organisation,
            action=action,
            title=title,
            summary=summary,
            result=result,
            advice=advice,
            published_by=top,
        )
        published = timezone.localtime(action.finished_at) + timedelta(days=120)
        LibraryEntry.objects.filter(pk=entry.pk).update(
            published_at=min(published, timezone.now()), updated_at=min(published, timezone.now())
        )


def _answer_day(first: date, last: date, index: int) -> date:
    """Answers spread over the days the survey was open (staff work every day)."""
    return first + timedelta(days=(index * 3) % ((last - first).days + 1))


def _survey(
    organisation: Organisation,
    unit: Unit,
    visit: Visit | None,
    title: str,
    opens: date,
    closes: date,
    rows: tuple[tuple[int, ...], ...],
    by: User | None,
    answered_until: date | None = None,
) -> None:
    survey = PulseSurvey.objects.create(
        organisation=organisation,
        unit=unit,
        visit=visit,
        title=title,
        opens_on=opens,
        closes_on=closes,
        created_by=by,
    )
    statements = PulseStatement.objects.bulk_create(
        PulseStatement(survey=survey, text=text, order=order)
        for order, text in enumerate(STATEMENTS)
    )
    last = min(closes, opens + timedelta(days=12), answered_until or closes)
    responses = PulseResponse.objects.bulk_create(
        PulseResponse(survey=survey, answered_on=_answer_day(opens, last, i))
        for i in range(len(rows))
    )
    PulseAnswer.objects.bulk_create(
        PulseAnswer(response=response, statement=statement, score=score)
        for response, row in zip(responses, rows, strict=True)
        for statement, score in zip(statements, row, strict=True)
    )


def seed_surveys(organisation: Organisation, today: date) -> None:
    """Before and after last year's visit at Solbakken avdeling 1, and one open now at
    avdeling 2 (made once)."""
    if PulseSurvey.objects.filter(organisation=organisation).exists():
        return
    coordinator = User.objects.filter(email="koordinator@demo.visitt.no").first()
    visit = (
        Visit.objects.filter(
            organisation=organisation,
            unit__code="SOL-1",
            kind=Visit.Kind.MAIN,
            date__year=today.year - 1,
        )
        .select_related("unit")
        .first()
    )
    if visit is not None:
        before = visit.date - timedelta(days=21)
        _survey(
            organisation,
            visit.unit,
            visit,
            "Før visitten",
            before,
            visit.date - timedelta(days=2),
            BEFORE,
            coordinator,
        )
        after = visit.date + timedelta(days=91)
        _survey(
            organisation,
            visit.unit,
            visit,
            "Tre måneder etter visitten",
            after,
            after + timedelta(days=14),
            AFTER,
            coordinator,
        )
    unit = Unit.objects.filter(organisation=organisation, code="SOL-2").first()
    if unit is not None:
        upcoming = (
            Visit.objects.filter(organisation=organisation, unit=unit, date__gte=today)
            .order_by("date")
            .first()
        )
        opens = today - timedelta(days=4)
        _survey(
            organisation,
            unit,
            upcoming,
            "Før visitten",
            opens,
            today + timedelta(days=14),
            OPEN_NOW,
            coordinator,
            answered_until=today,
        )
