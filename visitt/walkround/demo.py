"""The demo's phase 2: a walkround that has happened and one that is ready to run.

Demo kommune: the conducted visit at Solbakken sykehjem, avdeling 1 (or, early in the
year, the latest conducted visit there is) is walked through as the secretary would have
recorded it: the whole group present, eight questions picked from Vedlegg 2 with notes
on most of them, the leader's summary, a tour, 55 minutes, exactly three problems (the
first two are Vedlegg 3's own examples: pressure ulcers and old mattresses, and falls
from a toilet without armrests) and the leadership group's debrief. The next confirmed
visit gets its questions picked and ordered; its group of five and its phase-1
checklist come from visitt.planning.demo.

Demo helseforetak (Nynorsk) gets a smaller conducted walkround with two problems. Both
organisations get the question bank and the default problem categories.

Called from visitt.organisations.demo.seed_demo right after visitt.planning.demo, inside
its transaction. Idempotent: a visit that already has a walkround (or, for the upcoming
visit, picked questions) is left alone. The records are made with the models directly,
with the versions and times the visit mode would have left, and no audit events (nobody
read or wrote anything; the demo was seeded). Every note is about systems and routines,
never persons, and passes the personal-data guard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef

from visitt.accounts.models import User
from visitt.organisations.models import Organisation
from visitt.planning.models import Participant, Visit
from visitt.planning.visits import OSLO

from .conduct import Debrief, VisitNote, Walkround
from .problems import Problem, ProblemCategory
from .question_bank import DEFAULT_QUESTIONS, ensure_question_bank
from .questions import Question, Theme, VisitQuestion

# Indexes into DEFAULT_QUESTIONS (Vedlegg 2), in the order the coordinator put them.
LAST_HARMED, NEAR_MISS, NEXT_HARM, PREVENT = 0, 1, 2, 3
COMMUNICATION, FAMILY, REGULARLY, SHORTCOMINGS, TEAMWORK = 7, 8, 9, 10, 11
DISCUSSED, SAFE_THIS_WEEK, ACTIONS = 12, 13, 14


@dataclass(frozen=True)
class DemoProblem:
    title: str
    description: str
    theme: Theme
    category: str  # a default category's name
    level: Problem.Level
    value: Problem.Value
    effort: Problem.Effort


@dataclass(frozen=True)
class DemoWalkround:
    unit_code: str
    questions: tuple[int, ...]
    notes: dict[int, str]
    summary: str
    problems: tuple[DemoProblem, ...]
    went_well: str
    could_be_better: str
    late_start: int = 3  # minutes after the planned start
    minutes: int = 55
    had_tour: bool = True


P = Problem
MUNICIPALITY_WALKROUND = DemoWalkround(
    unit_code="SOL-1",
    # Eight questions over the themes; the one on user involvement was not reached.
    questions=(
        LAST_HARMED,
        NEXT_HARM,
        PREVENT,
        COMMUNICATION,
        SHORTCOMINGS,
        TEAMWORK,
        SAFE_THIS_WEEK,
        ACTIONS,
    ),
    notes={
        LAST_HARMED: (
            "Gruppen trakk fram fall fra toalettet i gangen. Toalettet mangler armlener, og "
            "beboere som trenger støtte, har ikke noe å holde seg i når de skal sette seg "
            "eller reise seg. Fallene er meldt i avvikssystemet, men ingen tiltak er satt i "
            "gang ennå."
        ),
        NEXT_HARM: (
            "Madrassene på avdelingen er gamle og harde. Flere beboere har fått trykksår "
            "det siste halvåret, og trykksårene er smertefulle og tar lang tid å behandle. "
            "Avdelingen har for få trykkavlastende madrasser, og de som finnes, er nesten "
            "alltid i bruk."
        ),
        PREVENT: (
            "Forslag fra gruppen: fast hudobservasjon ved morgenstell, og at vurderingen av "
            "fallrisiko og trykksårrisiko ved innkomst blir ført inn i tiltaksplanen, ikke "
            "bare i journalen. En enkel sjekkliste ved vaktskifte kan hjelpe vikarene."
        ),
        COMMUNICATION: (
            "Muntlig rapport ved vaktskifte fungerer godt på dagtid. Vikarer på kveld og i "
            "helgene får ofte ikke med seg tiltakene for fallforebygging, fordi de ikke står "
            "i rapporten. Når beboere kommer tilbake fra sykehuset, mangler ofte oppdatert "
            "legemiddelliste; da må sykepleier ringe etter den, og i mellomtiden gis "
            "legemidlene etter den gamle listen."
        ),
        SHORTCOMINGS: (
            "Utstyr: gamle madrasser, ingen armlener på gangtoalettet, og personløfteren er "
            "ofte til service uten at det finnes en reserve. Rutiner: ingen fast rutine for "
            "å samstemme legemiddellisten ved innkomst fra sykehus."
        ),
        TEAMWORK: (
            "Godt samarbeid mellom pleie og kjøkken om måltider og ernæring. Fysioterapeut "
            "er på avdelingen én dag i uken, så fallforebyggende trening blir ofte utsatt."
        ),
        ACTIONS: (
            "Gruppen ble enige om tre problemer: trykksår og gamle madrasser, fall fra "
            "toalettet i gangen, og legemiddellister som ikke er oppdatert etter "
            "sykehusopphold. Armlenene kan enheten ordne selv; madrassene og samhandlingen "
            "med sykehuset tar ledelsen videre."
        ),
    },
    summary=(
        "Takk for en åpen og konkret samtale. Vi er enige om tre problemer: trykksår som "
        "følge av gamle og harde madrasser, fall fra toalettet i gangen som mangler "
        "armlener, og legemiddellister som ikke er oppdatert når beboere kommer tilbake fra "
        "sykehuset. Armlenene ordnes lokalt med enhetsleder. Madrassene og rutinen for "
        "samstemming med sykehuset tar jeg videre. Dere får referatet innen to uker, og vi "
        "kommer tilbake til en oppfølgingsvisitt om lag tre måneder etter."
    ),
    problems=(
        DemoProblem(
            "Trykksår og gamle madrasser",
            "Flere beboere har trykksår som er smertefulle og både tidkrevende og dyre å "
            "behandle. Madrassene på avdelingen er gamle og harde, og det er for få "
            "trykkavlastende madrasser. Risikoen er nye trykksår og at gamle blir verre.",
            Theme.ENVIRONMENT,
            "Trykksår",
            P.Level.HIGHER,
            P.Value.HIGH,
            P.Effort.HARD,
        ),
        DemoProblem(
            "Fall fra toalettet i gangen",
            "Det mangler armlener på toalettet i gangen, og beboere har falt ned fra "
            "toalettet. Ingen brukere skal falle når de sitter på toalettet.",
            Theme.INCIDENTS,
            "Fall",
            P.Level.LOCAL,
            P.Value.HIGH,
            P.Effort.EASY,
        ),
        DemoProblem(
            "Legemiddellisten er ikke oppdatert etter sykehusopphold",
            "Når beboere kommer tilbake fra sykehuset, mangler ofte oppdatert "
            "legemiddelliste. Legemidler kan bli gitt etter den gamle listen til den nye er "
            "på plass, særlig på kveld og i helger. Det finnes ingen fast rutine for "
            "samstemming ved innkomst.",
            Theme.COMMUNICATION,
            "Overganger og samhandling",
            P.Level.HIGHER,
            P.Value.HIGH,
            P.Effort.HARD,
        ),
    ),
    went_well=(
        "God stemning og en åpen samtale der alle i gruppen bidro, også kjøkkenpersonalet. "
        "Tallene fra avviksmeldingene for avdelingen ga et godt utgangspunkt. Samtalen "
        "holdt seg til systemer og rutiner, og vi holdt tiden."
    ),
    could_be_better=(
        "Spørsmålene om avvik tok mye tid, så vi rakk ikke spørsmålet om brukermedvirkning. "
        "Omvisningen bør avtales med enheten på forhånd, og møterommet bør bestilles med "
        "litt tid før og etter."
    ),
)

TRUST_WALKROUND = DemoWalkround(
    unit_code="MED-1",
    questions=(LAST_HARMED, NEXT_HARM, COMMUNICATION, SHORTCOMINGS, ACTIONS),
    notes={
        LAST_HARMED: (
            "Gruppa nemnde fall på natt ved toalettbesøk. Det er få sengealarmar, og dei som "
            "finst, er ikkje alltid kopla til. Fallrisiko vert vurdert ved innlegging, men "
            "tiltaka vert ikkje alltid følgde opp om natta."
        ),
        COMMUNICATION: (
            "Munnleg rapport ved vaktskifte fungerer godt, men legevisitten kjem ofte seint "
            "på dagen. Endringar i legemiddel vert då ikkje alltid formidla til kveldsvakta."
        ),
        SHORTCOMINGS: (
            "Sengeposten har infusjonspumper av to ulike typar, og nytilsette får lite "
            "opplæring i den eldste typen. Pumpene vert ikkje sende til kontroll til fast tid."
        ),
    },
    summary=(
        "Takk for ein open samtale. Vi er samde om to problem: ulike infusjonspumper med "
        "lite opplæring, og endringar i legemiddel som ikkje når fram til kveldsvakta. "
        "De får referatet innan to veker."
    ),
    problems=(
        DemoProblem(
            "Ulike infusjonspumper og lite opplæring",
            "To ulike typar infusjonspumper gjer det lett å stille inn feil, særleg for "
            "nytilsette og vikarar. Pumpene har ikkje fast kontroll.",
            Theme.ENVIRONMENT,
            "Utstyr og IT",
            P.Level.HIGHER,
            P.Value.HIGH,
            P.Effort.HARD,
        ),
        DemoProblem(
            "Endringar i legemiddel når ikkje fram til kveldsvakta",
            "Når legevisitten kjem seint, vert endringar i legemiddel ikkje alltid formidla "
            "ved vaktskiftet, og kveldsvakta gir etter den gamle planen.",
            Theme.COMMUNICATION,
            "Legemiddelhandtering",
            P.Level.LOCAL,
            P.Value.HIGH,
            P.Effort.EASY,
        ),
    ),
    went_well="Open og god samtale, og gruppa kom raskt fram til konkrete problem.",
    could_be_better=(
        "Vakttelefonen avbraut samtalen fleire gonger. Neste gong bør vi avtale dekning for "
        "telefonen på førehand."
    ),
    late_start=5,
    minutes=50,
    had_tour=False,
)

# The questions picked and ordered for the next confirmed visit (a short-term and
# rehabilitation ward: transitions first).
UPCOMING_QUESTIONS = (
    NEAR_MISS,
    NEXT_HARM,
    COMMUNICATION,
    REGULARLY,
    TEAMWORK,
    DISCUSSED,
    SAFE_THIS_WEEK,
    ACTIONS,
)


def _bank(organisation: Organisation) -> dict[int, Question]:
    """Helsedirektoratet's current questions by their index in DEFAULT_QUESTIONS (a
    question an admin has reworded or retired is simply not picked)."""
    by_text = {
        q.text_nb: q
        for q in Question.objects.filter(
            organisation=organisation, from_helsedirektoratet=True, retired_at=None
        )
    }
    return {
        index: by_text[default.nb]
        for index, default in enumerate(DEFAULT_QUESTIONS)
        if default.nb in by_text
    }


def _pick(visit: Visit, bank: dict[int, Question], indexes: tuple[int, ...]) -> None:
    questions = [bank[i] for i in indexes if i in bank]
    VisitQuestion.objects.bulk_create(
        VisitQuestion(visit=visit, question=q, order=order) for order, q in enumerate(questions)
    )


def _at(day: date, moment: time, minutes: int = 0) -> datetime:
    return datetime.combine(day, moment, OSLO) + timedelta(minutes=minutes)


def _conducted_visit(organisation: Organisation, unit_code: str, year: int) -> Visit | None:
    """The year's conducted visit at ``unit_code``, else its latest conducted one (early
    in the year the demo may have only a few); None when there is none yet. Annotated
    with whether it has a walkround already. Earlier years are the demo's history
    (visitt.followup.demo_history)."""
    visits = (
        Visit.objects.filter(organisation=organisation, date__year=year)
        .conducted()
        .select_related("organisation", "secretary", "coordinator", "visit_leader")
        .annotate(walked=Exists(Walkround.objects.filter(visit=OuterRef("pk"))))
    )
    return visits.filter(unit__code=unit_code).first() or visits.order_by("-date").first()


def _walk(visit: Visit, spec: DemoWalkround, bank: dict[int, Question]) -> None:
    """The walkround of a conducted visit as the visit mode would have left it."""
    organisation = visit.organisation
    # The secretary writes; without one (Demo helseforetak), the coordinator.
    writer: User = visit.secretary or visit.coordinator or visit.visit_leader
    start = _at(visit.date, visit.start_time, spec.late_start)
    end = start + timedelta(minutes=spec.minutes)
    # Completed when the planned hour was over (the demo year's conducted_at).
    completed = visit.conducted_at if visit.conducted_at and visit.conducted_at >= end else end
    if completed != visit.conducted_at:
        Visit.objects.filter(pk=visit.pk).update(conducted_at=completed)

    _pick(visit, bank, spec.questions)
    # One save each (version 1), written while the group talked.
    notes = VisitNote.objects.bulk_create(
        VisitNote(visit=visit, question=bank[i], text=spec.notes[i], updated_by=writer)
        for i in spec.questions
        if i in bank and i in spec.notes
    )
    step = timedelta(minutes=spec.minutes // max(len(notes) + 1, 2))
    for index, note in enumerate(notes, start=1):
        note.updated_at = start + step * index
    VisitNote.objects.bulk_update(notes, ["updated_at"])

    # Presentations: the whole group came, and the unit leader (if any) observed.
    Participant.objects.filter(visit=visit).update(attended=True)
    Walkround.objects.create(
        visit=visit,
        actual_start=start.time(),
        actual_end=end.time(),
        summary=spec.summary,
        had_tour=spec.had_tour,
        observer_present=True if visit.unit_leader_id else None,
        completed_at=completed,
        completed_by=writer,
        version=2,  # created on the first visit to the page, then the closing was saved
    )

    categories = {c.name: c for c in ProblemCategory.objects.filter(organisation=organisation)}
    problems = Problem.objects.bulk_create(
        Problem(
            visit=visit,
            organisation=organisation,
            number=number,
            title=problem.title,
            description=problem.description,
            theme=problem.theme,
            category=categories.get(problem.category),
            level=problem.level,
            value=problem.value,
            effort=problem.effort,
            created_by=writer,
        )
        for number, problem in enumerate(spec.problems, start=1)
    )
    for number, problem in enumerate(problems, start=1):
        problem.created_at = end - timedelta(minutes=12 - 3 * number)
        problem.updated_at = problem.created_at
    Problem.objects.bulk_update(problems, ["created_at", "updated_at"])

    debrief = Debrief.objects.create(
        visit=visit,
        went_well=spec.went_well,
        could_be_better=spec.could_be_better,
        updated_by=writer,
    )
    Debrief.objects.filter(pk=debrief.pk).update(updated_at=completed + timedelta(minutes=15))


def _next_confirmed(organisation: Organisation, today: date) -> Visit | None:
    """The next confirmed visit, annotated with whether its questions are picked."""
    return (
        Visit.objects.filter(
            organisation=organisation, status=Visit.Status.CONFIRMED, date__gte=today
        )
        .annotate(picked=Exists(VisitQuestion.objects.filter(visit=OuterRef("pk"))))
        .order_by("date", "start_time")
        .first()
    )


def seed_walkround(municipality: Organisation, trust: Organisation, today: date) -> None:
    """The phase-2 demo data of both organisations (see the module's docstring)."""
    for organisation, spec, upcoming in (
        (municipality, MUNICIPALITY_WALKROUND, UPCOMING_QUESTIONS),
        (trust, TRUST_WALKROUND, ()),
    ):
        ensure_question_bank(organisation)
        ProblemCategory.ensure_defaults(organisation)
        # Each part is made once: a visit that has a walkround, or picked questions, is
        # left as it is (the demo may have been used since).
        conducted = _conducted_visit(organisation, spec.unit_code, today.year)
        if conducted is not None and getattr(conducted, "walked", False):
            conducted = None
        ready = _next_confirmed(organisation, today) if upcoming else None
        if ready is not None and getattr(ready, "picked", False):
            ready = None
        if conducted is None and ready is None:
            continue
        bank = _bank(organisation)
        if conducted is not None:
            _walk(conducted, spec, bank)
        if ready is not None:
            _pick(ready, bank, upcoming)
