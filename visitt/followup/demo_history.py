"""The demo's history: last year, complete, so that every dashboard, chart, theme table
and the annual summary show something real from the first click.

Demo kommune, last year: an annual plan with the default goals and eight walkrounds on
working days outside July (one postponed once, with its reason; the method never
cancels a visit), each with its conversation group, notes, a summary, up to three
problems and the debrief. The problems' categories recur: medication handling in four
units, transitions in three, and falls at Solbakken avdeling 1, which come back there
this year. Every problem has an aim and actions (most done, some on time and some late,
two not possible now with the reason, two still in progress); five have monthly
measures, three of which improve after their action, so that their run charts show a
signal, and two vary at random. Three PDSA cycles (adopt, adapt, abandon). Minutes
signed, most within four working days and two late; feedback sent to the group for
every finished action; every follow-up visit held with its review recorded, its short
minutes signed and the cycle closed.

Demo helseforetak, last year: a plan and two conducted visits with signed minutes.

Called from visitt.organisations.demo.seed_demo after the current year, inside its
transaction. Made once: nothing is added when last year's plan already has visits (so a
second run, on any day, changes nothing). Made with the models directly and the other
demo modules' helpers; no e-mails. Every text is about systems and routines and passes
the personal-data guard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from visitt.accounts.models import User
from visitt.organisations.models import Organisation
from visitt.planning import demo as planning_demo
from visitt.planning.demo import DemoVisit
from visitt.planning.visits import OSLO, Postponement, Visit
from visitt.walkround import demo as walkround_demo
from visitt.walkround.demo import DemoProblem, DemoWalkround
from visitt.walkround.problems import Problem, ProblemCategory
from visitt.walkround.question_bank import ensure_question_bank
from visitt.walkround.questions import Theme

from . import demo_feedback, demo_minutes
from .feedback import Feedback
from .plans import Action, Aim, Measure
from .review import FollowUpReview

S = Action.Status
D = Measure.Direction
P = Problem
W = walkround_demo

TOP = "toppleder@demo.visitt.no"
COORDINATOR = "koordinator@demo.visitt.no"
SECRETARY = "sekretaer@demo.visitt.no"
ADVISOR = "radgiver@demo.visitt.no"
UNIT_LEADER = "enhetsleder@demo.visitt.no"
OWNER = "tiltakseier@demo.visitt.no"

POSTPONEMENT_REASON = (
    "Enheten hadde mange vikarer i ferieavviklingen og ba om en dato etter sommeren."
)


@dataclass(frozen=True)
class PastAction:
    what: str
    owner: str  # the demo account's e-mail
    due: int  # days after the visit
    status: str
    finished: int | None = None  # days after the visit
    reason: str = ""
    progress_note: str = ""
    pdsa: str = ""  # a PdsaCycle.Decision: the action was tested in a cycle


@dataclass(frozen=True)
class PastProblem:
    problem: DemoProblem
    aim: str
    target: str
    actions: tuple[PastAction, ...]
    review: tuple[str, str, str]  # implemented, improved, comment
    # (name, unit, how counted, better direction, pattern before, pattern after)
    measure: tuple[str, str, str, str, tuple[int, ...], tuple[int, ...]] | None = None


@dataclass(frozen=True)
class PastVisit:
    spec: DemoVisit
    target: tuple[int, int]  # month, day last year
    problems: tuple[PastProblem, ...]
    signed_after: int = 3  # working days from the visit to the signatures
    postponed_from: tuple[int, int] | None = None


def _visit(code: str, contact: str, group: str, place: str, **extra: object) -> DemoVisit:
    email = contact.split()[0].lower() + "." + code.lower() + "@demo.visitt.no"
    return DemoVisit(code, "conducted", (contact, email), group, place, **extra)  # type: ignore[arg-type]


# Patterns: a signal when the level moves after the action, random variation otherwise.
FEWER = ((5, 6, 4, 6, 5, 7, 5, 6), (2, 1, 2, 2, 1, 3, 2, 1, 2, 2))
FEW_FALLS = ((4, 3, 5, 4, 3, 4, 5, 3), (1, 1, 0, 2, 1, 1, 0, 1, 1, 0))
MORE_SHARE = ((55, 60, 50, 58, 52, 61, 54, 57), (80, 85, 78, 88, 82, 90, 84, 86, 83, 87))
NOISE_SHARE = ((62, 70, 58, 66, 73, 60, 68, 64), (61, 71, 65, 59, 69, 63, 72, 60, 67, 66))
NOISE_COUNT = ((3, 5, 2, 4, 3, 6, 2, 4), (5, 2, 4, 3, 6, 2, 3, 5, 4, 2))

PAST_VISITS: tuple[PastVisit, ...] = (
    PastVisit(
        _visit("HJT-N", "Hilde Sætre", "home_care", "Basen i Nordveien 4, møterommet"),
        (2, 11),
        (
            PastProblem(
                DemoProblem(
                    "Endringer i multidose når ikke fram til hjemmetjenesten",
                    "Når fastlegen endrer legemidler, kommer endringen i multidosen først etter "
                    "én til to uker. I mellomtiden gis legemidler etter den gamle listen.",
                    Theme.INCIDENTS,
                    "Legemiddelhåndtering",
                    P.Level.HIGHER,
                    P.Value.HIGH,
                    P.Effort.HARD,
                ),
                "Brukerne får legemidler etter gjeldende liste.",
                "Halvere avvikene om legemidler innen høsten",
                (
                    PastAction(
                        "Fast rutine for å melde endringer i multidose til apoteket samme dag",
                        OWNER,
                        45,
                        S.DONE,
                        finished=38,
                        progress_note="Rutinen er tatt i bruk i begge soner.",
                        pdsa="adopt",
                    ),
                    PastAction(
                        "Avtale med fastlegene om varsel til hjemmetjenesten ved endringer",
                        TOP,
                        60,
                        S.DONE,
                        finished=84,
                        progress_note="Avtalen er tatt opp i samarbeidsutvalget og gjelder nå.",
                    ),
                ),
                ("yes", "yes", "Færre avvik om legemidler hver måned siden rutinen kom."),
                (
                    "Antall avvik om legemidler per måned",
                    "antall",
                    "Fra avvikssystemet, ved utgangen av hver måned.",
                    D.LOWER,
                    *FEWER,
                ),
            ),
            PastProblem(
                DemoProblem(
                    "Nøkler til brukernes hjem er vanskelige å finne",
                    "Nøkkelskapet er uoversiktlig, og vikarer bruker tid på å lete. Besøk blir "
                    "forsinket, også besøk med tidskritiske legemidler.",
                    Theme.ENVIRONMENT,
                    "Utstyr og IT",
                    P.Level.LOCAL,
                    P.Value.LOW,
                    P.Effort.EASY,
                ),
                "Alle på vakt finner riktig nøkkel raskt.",
                "Ingen forsinkede besøk på grunn av nøkler",
                (
                    PastAction(
                        "Merke og sortere nøkkelskapet etter rute",
                        UNIT_LEADER,
                        21,
                        S.DONE,
                        finished=14,
                        progress_note="Skapet er sortert etter rute og merket.",
                    ),
                ),
                ("yes", "yes", "Vikarene finner nøklene uten å spørre."),
            ),
        ),
    ),
    PastVisit(
        _visit(
            "SOL-1",
            "Kjersti Lunde",
            "nursing",
            "Personalrommet, 1. etasje",
            medical_advisor=True,
            unit_leader=True,
        ),
        (3, 11),
        (
            PastProblem(
                DemoProblem(
                    "Fall om natten ved toalettbesøk",
                    "Beboere faller når de går alene til toalettet om natten. Det er mørkt i "
                    "rommene, og sengealarmene er ikke alltid slått på.",
                    Theme.INCIDENTS,
                    "Fall",
                    P.Level.LOCAL,
                    P.Value.HIGH,
                    P.Effort.EASY,
                ),
                "Færre fall om natten.",
                "Halvere antall fall om natten innen sommeren",
                (
                    PastAction(
                        "Nattlys med bevegelsessensor på alle rom",
                        UNIT_LEADER,
                        30,
                        S.DONE,
                        finished=24,
                        progress_note="Nattlys er montert på alle rom.",
                    ),
                    PastAction(
                        "Sjekk av sengealarmer ved kveldsrapporten",
                        UNIT_LEADER,
                        21,
                        S.DONE,
                        finished=35,
                        progress_note="Sjekken står på kveldsrapporten.",
                        pdsa="adapt",
                    ),
                ),
                ("yes", "yes", "Færre fall om natten, men fall på dagtid er fortsatt et tema."),
                (
                    "Antall fall om natten per måned",
                    "antall",
                    "Fra avviksmeldingene om fall mellom kl. 22 og 07.",
                    D.LOWER,
                    *FEW_FALLS,
                ),
            ),
            PastProblem(
                DemoProblem(
                    "Vekten blir ikke fulgt opp",
                    "Beboere skal veies hver måned, men vektene blir ikke alltid ført, og "
                    "vekttap blir oppdaget sent.",
                    Theme.ENVIRONMENT,
                    "Ernæring",
                    P.Level.LOCAL,
                    P.Value.LOW,
                    P.Effort.EASY,
                ),
                "Vekttap blir oppdaget tidlig.",
                "Alle beboere veid hver måned",
                (
                    PastAction(
                        "Fast veiedag den første mandagen i måneden",
                        UNIT_LEADER,
                        14,
                        S.DONE,
                        finished=10,
                    ),
                ),
                ("yes", "partly", "Veiingen skjer, men oppfølgingen av vekttap varierer."),
                (
                    "Andel beboere veid siste måned",
                    "%",
                    "Fra kurven ved utgangen av måneden.",
                    D.HIGHER,
                    *MORE_SHARE,
                ),
            ),
        ),
        signed_after=2,
    ),
    PastVisit(
        _visit(
            "SOL-2",
            "Ragnhild Bakke",
            "nursing",
            "Personalrommet, 2. etasje",
            unit_leader=True,
        ),
        (4, 8),
        (
            PastProblem(
                DemoProblem(
                    "Epikrisen mangler ved utskriving fra sykehuset",
                    "Pasienter kommer fra sykehuset uten epikrise, og avdelingen må ringe "
                    "etter opplysninger om legemidler og videre oppfølging.",
                    Theme.COMMUNICATION,
                    "Overganger og samhandling",
                    P.Level.HIGHER,
                    P.Value.HIGH,
                    P.Effort.HARD,
                ),
                "Epikrisen følger pasienten ved utskriving.",
                "Epikrise ved ni av ti utskrivinger",
                (
                    PastAction(
                        "Ta opp epikrisene i samhandlingsmøtet med sykehuset",
                        TOP,
                        45,
                        S.DONE,
                        finished=40,
                    ),
                    PastAction(
                        "Egen telefonlinje til sengepostene for kveld og helg",
                        COORDINATOR,
                        90,
                        S.NOT_POSSIBLE,
                        finished=70,
                        reason="Sykehuset har ikke bemanning til en egen linje nå. Saken tas "
                        "opp igjen ved neste reforhandling av samarbeidsavtalen.",
                    ),
                ),
                ("partly", "no", "Epikrisen mangler fortsatt ofte; saken er meldt videre."),
                (
                    "Andel utskrivinger med epikrise",
                    "%",
                    "Sykepleier krysser av i innkomstsjekklisten.",
                    D.HIGHER,
                    *NOISE_SHARE,
                ),
            ),
            PastProblem(
                DemoProblem(
                    "Dobbeltkontroll av vanedannende legemidler på kveld",
                    "På kveldsvakt er det ofte bare én med medisinansvar, og dobbeltkontrollen "
                    "blir gjort i ettertid eller ikke i det hele tatt.",
                    Theme.TEAMWORK,
                    "Legemiddelhåndtering",
                    P.Level.LOCAL,
                    P.Value.HIGH,
                    P.Effort.HARD,
                ),
                "Alle vanedannende legemidler dobbeltkontrolleres.",
                "Dobbeltkontroll hver gang",
                (
                    PastAction(
                        "Helsefagarbeidere med delegering tar dobbeltkontroll på kveld",
                        UNIT_LEADER,
                        60,
                        S.DONE,
                        finished=75,
                        progress_note="Seks helsefagarbeidere har fått opplæring og delegering.",
                    ),
                ),
                ("yes", "yes", "Dobbeltkontrollen gjøres nå på alle vakter."),
            ),
            PastProblem(
                DemoProblem(
                    "Fallrisiko står ikke i rapporten",
                    "Tiltakene etter vurdering av fallrisiko står i journalen, men ikke i "
                    "rapporten ved vaktskifte. Vikarer kjenner dem ikke.",
                    Theme.COMMUNICATION,
                    "Fall",
                    P.Level.LOCAL,
                    P.Value.LOW,
                    P.Effort.EASY,
                ),
                "Alle på vakt kjenner tiltakene mot fall.",
                "Fallrisiko i rapporten for alle beboere",
                (
                    PastAction(
                        "Eget felt for fallrisiko i rapportmalen",
                        UNIT_LEADER,
                        14,
                        S.DONE,
                        finished=12,
                    ),
                ),
                (
                    "yes",
                    "too_early",
                    "Feltet er tatt i bruk; for tidlig å si om det er færre fall.",
                ),
            ),
        ),
        signed_after=6,  # late: the visit leader was away
    ),
    PastVisit(
        _visit(
            "LV",
            "Anders Holm",
            "emergency",
            "Legevakten, vaktrommet",
            start_time=time(13, 0),
            medical_advisor=True,
        ),
        (5, 6),
        (
            PastProblem(
                DemoProblem(
                    "Ingen fast struktur når pasienter sendes til sykehuset",
                    "Muntlig rapport til ambulanse og sykehus varierer, og viktige "
                    "opplysninger faller ut.",
                    Theme.COMMUNICATION,
                    "Overganger og samhandling",
                    P.Level.LOCAL,
                    P.Value.HIGH,
                    P.Effort.EASY,
                ),
                "Alle overføringer har en strukturert rapport.",
                "ISBAR ved alle overføringer",
                (
                    PastAction(
                        "Innføre ISBAR ved overføring til sykehus",
                        ADVISOR,
                        60,
                        S.DONE,
                        finished=55,
                        pdsa="abandon",
                    ),
                ),
                ("yes", "partly", "ISBAR brukes, men ikke alltid om natten."),
            ),
            PastProblem(
                DemoProblem(
                    "Akuttsekken blir ikke sjekket fast",
                    "Ingen har fast ansvar for å sjekke akuttsekken, og utløpt utstyr er "
                    "funnet ved utrykning.",
                    Theme.ENVIRONMENT,
                    "Utstyr og IT",
                    P.Level.LOCAL,
                    P.Value.HIGH,
                    P.Effort.EASY,
                ),
                "Akuttsekken er alltid komplett.",
                "Sjekk hver uke",
                (
                    PastAction(
                        "Ukentlig sjekkliste for akuttsekken med fast ansvarlig",
                        ADVISOR,
                        14,
                        S.DONE,
                        finished=9,
                    ),
                ),
                ("yes", "yes", "Sjekklisten følges hver uke."),
            ),
        ),
        signed_after=4,
    ),
    PastVisit(
        _visit("HS", "Beate Strand", "health_centre", "Helsestasjonen, møterom 2"),
        (6, 10),
        (
            PastProblem(
                DemoProblem(
                    "Journalsystemet varsler ikke om manglende vaksiner",
                    "Helsesykepleierne må selv holde oversikt over vaksiner som mangler, og "
                    "noen barn blir ikke fulgt opp.",
                    Theme.ENVIRONMENT,
                    "Utstyr og IT",
                    P.Level.HIGHER,
                    P.Value.LOW,
                    P.Effort.HARD,
                ),
                "Ingen barn mister vaksiner fordi de ikke blir fulgt opp.",
                "Oversikt over manglende vaksiner hver måned",
                (
                    PastAction(
                        "Varsel om manglende vaksiner i journalsystemet",
                        COORDINATOR,
                        120,
                        S.NOT_POSSIBLE,
                        finished=60,
                        reason="Leverandøren har ikke funksjonen. Helsestasjonen tar ut en "
                        "manuell liste hver måned til systemet er byttet.",
                    ),
                    PastAction(
                        "Manuell liste over manglende vaksiner hver måned",
                        UNIT_LEADER,
                        30,
                        S.IN_PROGRESS,
                        progress_note="Listen tas ut, men ikke hver måned ennå.",
                    ),
                ),
                ("partly", "too_early", "Den manuelle listen er i gang."),
                (
                    "Antall barn med manglende vaksine over tre måneder",
                    "antall",
                    "Fra den manuelle listen.",
                    D.LOWER,
                    *NOISE_COUNT,
                ),
            ),
        ),
    ),
    PastVisit(
        _visit(
            "HJT-S",
            "Lars Eriksen",
            "home_care",
            "Basen på Sørtoppen, lunsjrommet",
            start_time=time(13, 0),
        ),
        (8, 26),
        (
            PastProblem(
                DemoProblem(
                    "Legemiddellisten i hjemmet er ikke oppdatert",
                    "Listen som ligger hjemme hos brukeren, er ofte eldre enn listen i "
                    "journalen. Pårørende og andre tjenester bruker den gamle.",
                    Theme.COMMUNICATION,
                    "Legemiddelhåndtering",
                    P.Level.LOCAL,
                    P.Value.HIGH,
                    P.Effort.HARD,
                ),
                "Listen i hjemmet er alltid den gjeldende.",
                "Oppdatert liste hos ni av ti brukere",
                (
                    PastAction(
                        "Skrive ut ny liste ved hver endring",
                        UNIT_LEADER,
                        21,
                        S.DONE,
                        finished=19,
                    ),
                ),
                ("yes", "yes", "Stikkprøver viser oppdaterte lister."),
            ),
            PastProblem(
                DemoProblem(
                    "Håndsprit og hansker mangler i bilene",
                    "Bilene blir ikke fylt opp fast, og utstyr for smittevern mangler på "
                    "kveldsrutene.",
                    Theme.ENVIRONMENT,
                    "Infeksjoner",
                    P.Level.LOCAL,
                    P.Value.LOW,
                    P.Effort.EASY,
                ),
                "Utstyr for smittevern i alle biler.",
                "Fylt opp hver fredag",
                (
                    PastAction(
                        "Fast påfylling av bilene hver fredag",
                        UNIT_LEADER,
                        14,
                        S.DONE,
                        finished=25,
                    ),
                ),
                ("yes", "yes", "Bilene er fylt opp."),
            ),
        ),
        postponed_from=(6, 3),
    ),
    PastVisit(
        _visit("FBB", "Sigrid Haugen", "nursing", "Kantina, 1. etasje"),
        (9, 9),
        (
            PastProblem(
                DemoProblem(
                    "Medisinrommet er trangt og uoversiktlig",
                    "Legemidler til flere beboere står på samme hylle, og det er lett å ta "
                    "feil. Rommet er ofte fullt ved utdeling.",
                    Theme.ENVIRONMENT,
                    "Legemiddelhåndtering",
                    P.Level.HIGHER,
                    P.Value.HIGH,
                    P.Effort.HARD,
                ),
                "Ingen feil på grunn av forveksling på medisinrommet.",
                "Færre avvik om legemidler",
                (
                    PastAction(
                        "Nye hyller med egen plass for hver beboer",
                        TOP,
                        45,
                        S.DONE,
                        finished=30,
                    ),
                    PastAction(
                        "Utvide medisinrommet ved ombyggingen",
                        TOP,
                        200,
                        S.IN_PROGRESS,
                        progress_note="Tegningene er klare; ombyggingen er vedtatt.",
                    ),
                ),
                ("partly", "yes", "Hyllene har gjort det lettere; rommet er fortsatt trangt."),
                (
                    "Antall avvik om legemidler per måned",
                    "antall",
                    "Fra avvikssystemet, ved utgangen av hver måned.",
                    D.LOWER,
                    *FEWER,
                ),
            ),
        ),
    ),
    PastVisit(
        _visit(
            "RPH",
            "Per Ivar Solberg",
            "mental_health",
            "Dagsenteret, samtalerommet",
            medical_advisor=True,
        ),
        (9, 17),
        (
            PastProblem(
                DemoProblem(
                    "Kriseplanene er ikke kjent for alle",
                    "Kriseplanene ligger i journalen, men de som møter brukeren på kveld og i "
                    "helger, kjenner dem ikke.",
                    Theme.COMMUNICATION,
                    "Kommunikasjon",
                    P.Level.LOCAL,
                    P.Value.HIGH,
                    P.Effort.EASY,
                ),
                "Alle som møter brukeren, kjenner kriseplanen.",
                "Kriseplan gjennomgått ved hvert vaktskifte der den er aktuell",
                (
                    PastAction(
                        "Kriseplanene tas med i rapporten ved vaktskifte",
                        UNIT_LEADER,
                        21,
                        S.DONE,
                        finished=33,
                    ),
                ),
                ("yes", "partly", "Kjent på dagtid; kvelds- og helgevakter følges opp."),
            ),
        ),
        signed_after=7,  # late: the minutes waited for the medical advisor's comments
    ),
)

# The health trust, a little: two conducted visits with signed minutes.
TRUST_VISITS = (
    (
        _visit("DPS", "Solveig Hjelle", "hospital_nn", "Møterommet på DPS", start_time=time(13, 0)),
        (3, 18),
    ),
    (
        _visit("AKM", "Eirik Myklebust", "hospital_nn", "Møterommet ved akuttmottaket"),
        (10, 14),
    ),
)
TRUST_NOTES = "Klinikkane vart besøkte avdelingsvis."
MUNICIPALITY_NOTES = (
    "Alle enheter i helse og omsorg skal ha hatt en pasient- og brukersikkerhetsvisitt i "
    "løpet av året, med oppfølgingsvisitt om lag tre måneder etter."
)

QUESTIONS = (
    W.LAST_HARMED,
    W.NEXT_HARM,
    W.PREVENT,
    W.COMMUNICATION,
    W.SHORTCOMINGS,
    W.TEAMWORK,
    W.SAFE_THIS_WEEK,
    W.ACTIONS,
)
WENT_WELL = (
    "Åpen samtale der alle i gruppen bidro, og vi holdt tiden.",
    "Gruppen kom godt forberedt, med eksempler fra hverdagen.",
    "God stemning, og samtalen holdt seg til systemer og rutiner.",
)
COULD_BE_BETTER = (
    "Vi brukte lang tid på de første spørsmålene og rakk ikke alle temaene.",
    "Møterommet var for lite; neste gang bør vi bestille et større rom.",
    "Telefonen avbrøt samtalen; dekning for telefonen bør avtales på forhånd.",
)


def _walkround(index: int, past: PastVisit) -> DemoWalkround:
    problems = tuple(p.problem for p in past.problems)
    titles = ", ".join(p.title[0].lower() + p.title[1:] for p in problems)
    notes = {W.LAST_HARMED: problems[0].description, W.ACTIONS: f"Gruppen ble enige om: {titles}."}
    if len(problems) > 1:
        notes[W.SHORTCOMINGS] = problems[1].description
    return DemoWalkround(
        unit_code=past.spec.unit_code,
        questions=QUESTIONS,
        notes=notes,
        summary=f"Takk for en åpen og konkret samtale. Vi er enige om dette: {titles}. Dere "
        "får referatet innen fire virkedager, og vi kommer tilbake om tre måneder.",
        problems=problems,
        went_well=WENT_WELL[index % len(WENT_WELL)],
        could_be_better=COULD_BE_BETTER[index % len(COULD_BE_BETTER)],
        late_start=2 + index % 4,
        minutes=50 + index % 3 * 5,
    )


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), OSLO)


def _context(
    organisation: Organisation, year: int, notes: str, emails: dict[str, str]
) -> planning_demo.Context | None:
    people = {key: User.objects.filter(email=email).first() for key, email in emails.items()}
    top, coordinator = people.get("top"), people.get("coordinator")
    if top is None or coordinator is None:
        return None
    return planning_demo.Context(
        organisation=organisation,
        plan=planning_demo._plan(organisation, year, top, notes),
        today=date(year, 12, 31),
        top_leader=top,
        coordinator=coordinator,
        secretary=people.get("secretary"),
        medical_advisor=people.get("advisor"),
        unit_leader=people.get("unit_leader"),
        professions=planning_demo._professions(organisation),
        names=iter(planning_demo.FIRST_NAMES[::-1] * 3),
    )


def _day(year: int, target: tuple[int, int], taken: set[date]) -> date:
    aim = date(year, *target)
    day = planning_demo.pick_day(aim, aim - timedelta(days=10), aim + timedelta(days=10), taken)
    assert day is not None  # twenty days always hold a usable working day
    taken.add(day)
    return day


def _visit_on(ctx: planning_demo.Context, spec: DemoVisit, day: date) -> Visit:
    visit = planning_demo._create_visit(ctx, spec, day)
    planning_demo._add_group(ctx, visit, spec)
    planning_demo._tick(ctx, visit, spec, day)
    return Visit.objects.select_related(
        "organisation", "unit", "visit_leader", "coordinator", "secretary", "medical_advisor"
    ).get(pk=visit.pk)


def _postponed(ctx: planning_demo.Context, visit: Visit, first: date) -> None:
    """The visit was first set for ``first`` and postponed once, with its history."""
    postponement = Postponement.objects.create(
        visit=visit,
        from_date=first,
        from_time=visit.start_time,
        to_date=visit.date,
        to_time=visit.start_time,
        reason=POSTPONEMENT_REASON,
        postponed_by=ctx.coordinator,
    )
    moment = _at(first - timedelta(days=14), 14)
    Postponement.objects.filter(pk=postponement.pk).update(postponed_at=moment)
    Visit.objects.filter(pk=visit.pk).update(calendar_sequence=1)


def _plans(visit: Visit, past: PastVisit, people: dict[str, User], today: date) -> list[Action]:
    """Aims, measures and actions as the leadership group wrote them two days after."""
    problems = {p.number: p for p in Problem.objects.filter(visit=visit)}
    writer = visit.secretary or visit.coordinator or visit.visit_leader
    written = _at(visit.date + timedelta(days=2), 14)
    made: list[Action] = []
    for number, spec in enumerate(past.problems, start=1):
        problem = problems.get(number)
        if problem is None:
            continue
        Aim.objects.create(problem=problem, text=spec.aim, target=spec.target, updated_by=writer)
        if spec.measure is not None:
            name, unit, how_counted, better, _before, _after = spec.measure
            Measure.objects.create(
                problem=problem,
                name=name,
                unit=unit,
                how_counted=how_counted,
                better=better,
                frequency=Measure.Frequency.MONTHLY,
            )
        for order, item in enumerate(spec.actions):
            finished_at = None
            if item.finished is not None:
                day = min(visit.date + timedelta(days=item.finished), today - timedelta(days=1))
                finished_at = _at(day)
            made.append(
                Action.objects.create(
                    problem=problem,
                    what=item.what,
                    owner=people.get(item.owner),
                    due_date=visit.date + timedelta(days=item.due),
                    status=item.status,
                    reason=item.reason,
                    progress_note=item.progress_note,
                    finished_at=finished_at,
                    order=order,
                    created_by=writer,
                )
            )
    Aim.objects.filter(problem__visit=visit).update(updated_at=written)
    Measure.objects.filter(problem__visit=visit).update(created_at=written, updated_at=written)
    Action.objects.filter(problem__visit=visit).update(created_at=written)
    return made


def _feedback(visit: Visit, actions: list[Action], today: date) -> None:
    """Feedback to the group for every finished action: most within a week, two later."""
    participants = list(visit.participants.all())
    emailed = len({p.email.lower() for p in participants if p.email})
    printed = sum(1 for p in participants if not p.email)
    for index, action in enumerate(actions):
        if action.status not in Action.FINISHED or action.finished_at is None:
            continue
        problem = action.problem.title
        if action.status == S.DONE:
            message = (
                f"Takk for at dere tok opp «{problem}» på visitten. Tiltaket «{action.what}» er "
                "gjennomført."
            )
        else:
            message = (
                f"Takk for at dere tok opp «{problem}» på visitten. Tiltaket «{action.what}» kan "
                f"ikke gjennomføres nå. Grunnen: {action.reason}"
            )
        feedback = Feedback.objects.create(
            action=action,
            about_status=action.status,
            message=message,
            sent_by=visit.visit_leader,
            emailed_to=emailed,
            printed_for=printed,
        )
        late = 16 if index % 5 == 4 else 3
        sent = min(timezone.localtime(action.finished_at).date() + timedelta(days=late), today)
        Feedback.objects.filter(pk=feedback.pk).update(sent_at=_at(sent, 13))


def _follow_up(visit: Visit, past: PastVisit, today: date) -> None:
    """The follow-up visit (planned when the minutes were signed): held, reviewed,
    its short minutes signed, and the cycle closed."""
    follow_up = visit.follow_ups.order_by("pk").first()
    if follow_up is None or follow_up.date >= today:
        return
    leader = follow_up.visit_leader
    for problem in visit.problems.all():
        if problem.number > len(past.problems):
            continue
        implemented, improved, comment = past.problems[problem.number - 1].review
        FollowUpReview.objects.create(
            visit=follow_up,
            problem=problem,
            implemented=implemented,
            improved=improved,
            comment=comment,
            updated_by=leader,
        )
    follow_up.mark_conducted(leader)
    Visit.objects.filter(pk=follow_up.pk).update(
        conducted_at=_at(follow_up.date, follow_up.start_time.hour + 1)
    )
    demo_feedback._close_follow_up(follow_up, today)
    visit.refresh_from_db()
    if visit.status == Visit.Status.FOLLOW_UP_PLANNED:
        visit.mark_follow_up_done(leader)
        visit.close(leader)


def _municipality(municipality: Organisation, today: date) -> None:
    year = today.year - 1
    ctx = _context(
        municipality,
        year,
        MUNICIPALITY_NOTES,
        {
            "top": TOP,
            "coordinator": COORDINATOR,
            "secretary": SECRETARY,
            "advisor": ADVISOR,
            "unit_leader": UNIT_LEADER,
        },
    )
    if ctx is None or ctx.plan.visits.exists():
        return  # made once
    people = {
        u.email: u
        for u in User.objects.filter(
            email__in=[TOP, COORDINATOR, SECRETARY, ADVISOR, UNIT_LEADER, OWNER]
        )
    }
    ensure_question_bank(municipality)
    ProblemCategory.ensure_defaults(municipality)
    bank = walkround_demo._bank(municipality)
    taken = set(Visit.objects.filter(date__year=year).values_list("date", flat=True))
    for index, past in enumerate(PAST_VISITS):
        day = _day(year, past.target, taken)
        visit = _visit_on(ctx, past.spec, day)
        if past.postponed_from is not None:
            _postponed(ctx, visit, _day(year, past.postponed_from, taken))
        walkround_demo._walk(visit, _walkround(index, past), bank)
        actions = _plans(visit, past, people, today)
        demo_minutes._signed(visit, today, working_days=past.signed_after)
        _feedback(visit, actions, today)
        visit.refresh_from_db()
        _follow_up(visit, past, today)
    from visitt.improvement.demo_history import seed_measures

    seed_measures(municipality, year, today, {p.spec.unit_code: p for p in PAST_VISITS})


def _trust(trust: Organisation, today: date) -> None:
    year = today.year - 1
    ctx = _context(
        trust,
        year,
        TRUST_NOTES,
        {"top": "toppleiar@helseforetak.demo.visitt.no", "coordinator": COORDINATOR},
    )
    if ctx is None or ctx.plan.visits.exists():
        return
    taken = set(Visit.objects.filter(date__year=year).values_list("date", flat=True))
    for spec, target in TRUST_VISITS:
        visit = _visit_on(ctx, spec, _day(year, target, taken))
        demo_minutes._signed(visit, today, working_days=3, follow_up=False, top=ctx.top_leader)


def seed_history(municipality: Organisation, trust: Organisation, today: date) -> None:
    """Last year of both demo organisations (see the module's docstring)."""
    _municipality(municipality, today)
    _trust(trust, today)
