"""The question bank's business rules (Vedlegg 2) and the leader's opening script.

- ``ensure_question_bank(org)`` seeds an organisation's bank once with every question of
  Vedlegg 2 (Bokmål as in the guide, Nynorsk and English translations), credited to
  Helsedirektoratet.
- ``questions_for_visit(visit)`` is the set the visit mode shows: the questions picked
  for the visit, else the unit's adapted set, else the whole current bank.
- Changes (add, reword, reorder, retire, unit sets, visit sets, opening script) refuse
  bad input with ``QuestionBankError`` and leave stored data unchanged; rewording and
  the opening script use optimistic locking (``StaleEdit``).

Source: Helsedirektoratet, «Veileder for pasient- og brukersikkerhetsvisitter»
(I trygge hender 24-7), Gjennomføring, Vedlegg 1 and Vedlegg 2.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from visitt.organisations.models import Organisation, Unit
from visitt.planning.models import Visit

from .conduct import OpeningScript
from .questions import Question, Theme, UnitQuestion, VisitQuestion

CREDIT = gettext_lazy(
    "The questions are taken from the Norwegian Directorate of Health's guide to patient "
    "and user safety walkrounds (I trygge hender 24-7)."
)
OPENING_CREDIT = gettext_lazy(
    "The default opening is based on the Norwegian Directorate of Health's guide to patient "
    "and user safety walkrounds (I trygge hender 24-7)."
)
MAX_TEXT = 2000
THEME_ORDER = {theme.value: index for index, theme in enumerate(Theme)}


class QuestionBankError(Exception):
    """Bad input; the message is for the user, and nothing was stored."""


class StaleEdit(QuestionBankError):
    """Someone else saved in between; nothing was stored."""


# --- Defaults (organisation content, not interface text) ------------------------------


@dataclass(frozen=True)
class DefaultQuestion:
    theme: str
    nb: str
    nn: str
    en: str
    hints_nb: tuple[str, ...] = ()
    hints_nn: tuple[str, ...] = ()
    hints_en: tuple[str, ...] = ()


DEFAULT_QUESTIONS: tuple[DefaultQuestion, ...] = (
    # Avvik
    DefaultQuestion(
        Theme.INCIDENTS,
        "Når ble en bruker sist skadet på din enhet? Hva skjedde?",
        "Når vart ein brukar sist skadd på eininga di? Kva skjedde?",
        "When was a service user last harmed in your unit? What happened?",
    ),
    DefaultQuestion(
        Theme.INCIDENTS,
        "Har det forekommet noen nestenulykker som kunne ført til pasientskade, men hvor de "
        "ble unngått?",
        "Har det skjedd nokre nestenulukker som kunne ha ført til pasientskade, men der "
        "skaden vart unngått?",
        "Have there been any near misses that could have led to patient harm, but where the "
        "harm was avoided?",
    ),
    DefaultQuestion(
        Theme.INCIDENTS,
        "Hvilke elementer i omgivelsene er det som sannsynligvis vil forårsake neste pasientskade?",
        "Kva element i omgjevnadene er det som truleg vil føre til den neste pasientskaden?",
        "What in your surroundings is most likely to cause the next patient harm?",
        hints_nb=(
            "Aspekter ved inn-/ut-skriving til hjemmetjenesten",
            "Forflytninger innenfor kommunen",
            "IT-/dataproblemer",
        ),
        hints_nn=(
            "Sider ved inn-/utskriving til heimetenesta",
            "Forflytningar innanfor kommunen",
            "IT-/dataproblem",
        ),
        hints_en=(
            "Admission to and discharge from home care",
            "Transfers within the municipality",
            "IT and computer problems",
        ),
    ),
    DefaultQuestion(
        Theme.INCIDENTS,
        "Er det noe vi kan gjøre for å forhindre neste uønskede hendelse?",
        "Er det noko vi kan gjere for å hindre den neste uønskte hendinga?",
        "Is there anything we can do to prevent the next adverse event?",
    ),
    DefaultQuestion(
        Theme.INCIDENTS,
        "Melder du alltid fra når du gjør en feil?",
        "Melder du alltid frå når du gjer ein feil?",
        "Do you always report it when you make a mistake?",
    ),
    DefaultQuestion(
        Theme.INCIDENTS,
        "Hvis du forhindrer/fanger opp en feil, melder du alltid fra om dette?",
        "Dersom du hindrar/fangar opp ein feil, melder du alltid frå om det?",
        "If you prevent or catch a mistake, do you always report it?",
    ),
    DefaultQuestion(
        Theme.INCIDENTS,
        "Har du utviklet en egen fremgangsmåte som du benytter for å unngå å gjøre feil "
        "(huskelapper, dobbelsjekking eller lignende.)",
        "Har du utvikla ein eigen framgangsmåte som du nyttar for å unngå å gjere feil "
        "(huskelappar, dobbelsjekking eller liknande)?",
        "Have you developed your own way of avoiding mistakes (reminder notes, "
        "double-checking or similar)?",
    ),
    # Kommunikasjon
    DefaultQuestion(
        Theme.COMMUNICATION,
        "Kan du beskrive hvordan kommunikasjonen mellom pleiepersonalet enten fremmer eller "
        "hindrer trygg pleie i din enhet?",
        "Kan du skildre korleis kommunikasjonen mellom pleiepersonalet anten fremjar eller "
        "hindrar trygg pleie i eininga di?",
        "Can you describe how communication among the care staff either supports or hinders "
        "safe care in your unit?",
    ),
    # Miljø
    DefaultQuestion(
        Theme.ENVIRONMENT,
        "Ville du likt at et medlem av din familie mottok tjenester her?",
        "Ville du likt at eit medlem av familien din fekk tenester her?",
        "Would you like a member of your family to receive care here?",
    ),
    DefaultQuestion(
        Theme.ENVIRONMENT,
        "Hva tror du denne enheten kan gjøre på jevnlig basis for å forbedre sikkerheten?",
        "Kva trur du denne eininga kan gjere jamleg for å betre tryggleiken?",
        "What do you think this unit could do on a regular basis to improve safety?",
    ),
    DefaultQuestion(
        Theme.ENVIRONMENT,
        "Opplever du på noen måte at det er gjennomgående mangler i systemet eller "
        "omgivelsene rundt deg? (Eks. utstyr eller rutiner)",
        "Opplever du på nokon måte at det er gjennomgåande manglar i systemet eller "
        "omgjevnadene rundt deg? (Til dømes utstyr eller rutinar)",
        "Do you in any way experience recurring shortcomings in the system or your "
        "surroundings? (For example equipment or routines)",
    ),
    # Gruppearbeid
    DefaultQuestion(
        Theme.TEAMWORK,
        "Kan du beskrive enhetens evne til å arbeide godt sammen på tvers av ansvarsområde?",
        "Kan du skildre korleis eininga får til å arbeide godt saman på tvers av ansvarsområde?",
        "Can you describe how well the unit works together across areas of responsibility?",
    ),
    # Brukermedvirkning
    DefaultQuestion(
        Theme.USER_INVOLVEMENT,
        "Har du drøftet sikkerhetsspørsmål med bruker eller deres pårørende? Har de "
        "spørsmål angående sikkerheten?",
        "Har du drøfta tryggleiksspørsmål med brukaren eller dei pårørande? Har dei "
        "spørsmål om tryggleiken?",
        "Have you discussed safety with service users or their relatives? Do they have "
        "questions about safety?",
    ),
    DefaultQuestion(
        Theme.USER_INVOLVEMENT,
        "Har du hatt muligheten til å gi brukerne en så trygg pleie som mulig denne uken? "
        "Hvis ikke, hvorfor ikke?",
        "Har du hatt høve til å gi brukarane så trygg pleie som mogleg denne veka? Viss "
        "ikkje, kvifor ikkje?",
        "Have you been able to give the service users the safest possible care this week? "
        "If not, why not?",
    ),
    # Definere 3 tiltak
    DefaultQuestion(
        Theme.ACTIONS,
        "Hvilke spesifikke tiltak fra ledelsens side vil gjøre arbeidet du gjør, tryggere "
        "for brukeren?",
        "Kva spesifikke tiltak frå leiinga si side vil gjere arbeidet du gjer, tryggare "
        "for brukaren?",
        "What specific actions by the management would make the work you do safer for the "
        "service user?",
    ),
)

DEFAULT_OPENING: dict[str, str] = {
    "nb": (
        "Velkommen, og takk for at dere tar dere tid. Vi begynner med en runde der alle "
        "presenterer seg selv, sin rolle og hvilken funksjon de har.\n\n"
        "Formålet med pasient- og brukersikkerhetsvisitten er å øke bevisstheten rundt "
        "pasient- og brukersikkerhet, finne områder som kan forbedres og bygge gode "
        "forbindelser mellom ledelsen og dere som arbeider tett på brukerne.\n\n"
        "Det som blir sagt her, blir i rommet. Referatet beskriver hva som ble drøftet og "
        "hvilke forbedringstiltak som skal settes i gang, ikke hvem som sa hva.\n\n"
        "Vi er interessert i risiko knyttet til system og rutiner, ikke i enkeltpersoner. "
        "Ingen skal få skylden for noe. Vi ønsker en ærlig og åpen samtale, og ingen "
        "pasient- eller brukeropplysninger.\n\n"
        "Vi har med noen spørsmål som veiledning; det er ikke et mål å komme gjennom alle. "
        "Mot slutten blir vi sammen enige om opp til tre problemer som vi skal gjøre noe "
        "med, og som realistisk sett kan løses på relativt kort sikt. Dere får et referat, "
        "og jeg følger opp tiltakene.\n\n"
        "(Etter Helsedirektoratets veileder for pasient- og brukersikkerhetsvisitter, "
        "I trygge hender 24-7.)"
    ),
    "nn": (
        "Velkomne, og takk for at de tek dykk tid. Vi byrjar med ein runde der alle "
        "presenterer seg sjølv, rolla si og kva funksjon dei har.\n\n"
        "Føremålet med pasient- og brukartryggleiksvisitten er å auke merksemda kring "
        "pasient- og brukartryggleik, finne område som kan betrast og byggje gode "
        "samband mellom leiinga og dykk som arbeider tett på brukarane.\n\n"
        "Det som blir sagt her, blir i rommet. Referatet skildrar kva som vart drøfta og "
        "kva forbetringstiltak som skal setjast i gang, ikkje kven som sa kva.\n\n"
        "Vi er interesserte i risiko knytt til system og rutinar, ikkje i einskildpersonar. "
        "Ingen skal få skulda for noko. Vi ønskjer ein ærleg og open samtale, og ingen "
        "pasient- eller brukaropplysningar.\n\n"
        "Vi har med nokre spørsmål som rettleiing; det er ikkje eit mål å kome gjennom alle. "
        "Mot slutten blir vi saman samde om opp til tre problem som vi skal gjere noko med, "
        "og som realistisk sett kan løysast på relativt kort sikt. De får eit referat, og "
        "eg følgjer opp tiltaka.\n\n"
        "(Etter Helsedirektoratet sin rettleiar for pasient- og brukartryggleiksvisittar, "
        "I trygge hender 24-7.)"
    ),
}


# --- Seeding ----------------------------------------------------------------------------


def ensure_question_bank(organisation: Organisation) -> bool:
    """Seeds the organisation's bank with Vedlegg 2 once. Returns True if it seeded.

    An organisation that already has Helsedirektoratet's questions (even retired or
    reworded ones) is left alone, so running it again never duplicates anything."""
    if Question.objects.filter(organisation=organisation, from_helsedirektoratet=True).exists():
        return False
    with transaction.atomic():
        # Serialise concurrent first visits to the bank of one organisation.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        if Question.objects.filter(organisation=organisation, from_helsedirektoratet=True).exists():
            return False
        start = _next_order(organisation)
        Question.objects.bulk_create(
            Question(
                organisation=organisation,
                theme=default.theme,
                text_nb=default.nb,
                text_nn=default.nn,
                text_en=default.en,
                hints_nb="\n".join(default.hints_nb),
                hints_nn="\n".join(default.hints_nn),
                hints_en="\n".join(default.hints_en),
                from_helsedirektoratet=True,
                order=start + index,
            )
            for index, default in enumerate(DEFAULT_QUESTIONS)
        )
    return True


def opening_language(organisation: Organisation, language: str | None = None) -> str:
    language = language or organisation.language
    return language if language in DEFAULT_OPENING else "nb"


def ensure_opening_script(organisation: Organisation, language: str | None = None) -> OpeningScript:
    """The organisation's opening script in a language form (its own by default),
    created from the method's default the first time."""
    language = opening_language(organisation, language)
    script = OpeningScript.objects.filter(organisation=organisation, language=language).first()
    if script is not None:
        return script
    try:
        with transaction.atomic():
            return OpeningScript.objects.create(
                organisation=organisation, language=language, text=DEFAULT_OPENING[language]
            )
    except IntegrityError:  # created by a concurrent request
        return OpeningScript.objects.get(organisation=organisation, language=language)


# --- Reading ----------------------------------------------------------------------------


def by_theme_order(questions: Iterable[Question]) -> list[Question]:
    """Questions in the method's theme order, then their own order."""
    return sorted(questions, key=lambda q: (THEME_ORDER.get(q.theme, 99), q.order, q.pk))


def bank(organisation: Organisation, *, include_retired: bool = False) -> list[Question]:
    questions = Question.objects.filter(organisation=organisation)
    if not include_retired:
        questions = questions.filter(retired_at=None)
    return by_theme_order(questions)


def grouped(questions: Sequence[Question]) -> list[tuple[str, str, list[Question]]]:
    """(theme, label, questions) in the method's theme order, keeping the given order
    within each theme."""
    groups: dict[str, list[Question]] = {}
    for question in questions:
        groups.setdefault(question.theme, []).append(question)
    return [(t.value, str(t.label), groups[t.value]) for t in Theme if t.value in groups]


def unit_set(unit: Unit) -> list[Question]:
    """The unit's adapted set (current questions only), in its order; empty if none."""
    return [
        row.question
        for row in UnitQuestion.objects.filter(unit=unit, question__retired_at=None)
        .select_related("question")
        .order_by("order", "pk")
    ]


def visit_set(visit: Visit) -> list[Question]:
    """The questions picked for the visit, in their order (retired ones included: the
    visit keeps what it was prepared with)."""
    return [
        row.question
        for row in VisitQuestion.objects.filter(visit=visit)
        .select_related("question")
        .order_by("order", "pk")
    ]


def questions_for_visit(visit: Visit) -> list[Question]:
    """The questions for a visit: the ones picked for it, else the unit's adapted set,
    else the organisation's whole current bank (seeded on first use)."""
    picked = visit_set(visit)
    if picked:
        return picked
    adapted = unit_set(visit.unit)
    if adapted:
        return adapted
    ensure_question_bank(visit.organisation)
    return bank(visit.organisation)


# --- Changing the bank --------------------------------------------------------------


def _next_order(organisation: Organisation) -> int:
    top = Question.objects.filter(organisation=organisation).aggregate(top=Max("order"))["top"]
    return 0 if top is None else top + 1


def _clean(text: str, *, required: bool, label: str) -> str:
    text = (text or "").strip()
    if required and not text:
        raise QuestionBankError(_("Write the question in Bokmål."))
    if len(text) > MAX_TEXT:
        raise QuestionBankError(
            _("%(field)s is too long (at most %(max)s characters).")
            % {"field": label, "max": MAX_TEXT}
        )
    return text


def _clean_hints(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    joined = "\n".join(lines)
    if len(joined) > MAX_TEXT:
        raise QuestionBankError(_("The prompts are too long."))
    return joined


def add_question(
    organisation: Organisation,
    *,
    theme: str,
    text_nb: str,
    text_nn: str = "",
    text_en: str = "",
    hints_nb: str = "",
    hints_nn: str = "",
    hints_en: str = "",
) -> Question:
    if theme not in THEME_ORDER:
        raise QuestionBankError(_("Choose a theme."))
    values = {
        "text_nb": _clean(text_nb, required=True, label=_("The question in Bokmål")),
        "text_nn": _clean(text_nn, required=False, label=_("The question in Nynorsk")),
        "text_en": _clean(text_en, required=False, label=_("The question in English")),
        "hints_nb": _clean_hints(hints_nb),
        "hints_nn": _clean_hints(hints_nn),
        "hints_en": _clean_hints(hints_en),
    }
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        return Question.objects.create(
            organisation=organisation, theme=theme, order=_next_order(organisation), **values
        )


def reword_question(
    question: Question,
    *,
    version: int,
    text_nb: str,
    text_nn: str = "",
    text_en: str = "",
    hints_nb: str = "",
    hints_nn: str = "",
    hints_en: str = "",
) -> Question:
    """Rewords a question if nobody saved it since ``version`` was read (one conditional
    UPDATE); raises StaleEdit otherwise, leaving the stored text as it was.

    Rewording changes the text shown in old visits too: for a different question, add a
    new one and retire this one."""
    values = {
        "text_nb": _clean(text_nb, required=True, label=_("The question in Bokmål")),
        "text_nn": _clean(text_nn, required=False, label=_("The question in Nynorsk")),
        "text_en": _clean(text_en, required=False, label=_("The question in English")),
        "hints_nb": _clean_hints(hints_nb),
        "hints_nn": _clean_hints(hints_nn),
        "hints_en": _clean_hints(hints_en),
    }
    updated = Question.objects.filter(pk=question.pk, version=version).update(
        version=F("version") + 1, **values
    )
    if not updated:
        raise StaleEdit(
            _(
                "Someone else changed this question after you opened it. Your text was not "
                "saved; the stored text is shown below."
            )
        )
    question.refresh_from_db()
    return question


def move_question(question: Question, direction: str) -> bool:
    """Moves a question one place up or down among the current questions of its theme.
    Returns False if it is already first or last."""
    if direction not in ("up", "down"):
        raise QuestionBankError(_("Choose up or down."))
    with transaction.atomic():
        siblings = list(
            Question.objects.select_for_update()
            .filter(organisation_id=question.organisation_id, theme=question.theme, retired_at=None)
            .order_by("order", "pk")
        )
        ids = [q.pk for q in siblings]
        if question.pk not in ids:
            raise QuestionBankError(_("A retired question cannot be moved."))
        index = ids.index(question.pk)
        other = index - 1 if direction == "up" else index + 1
        if other < 0 or other >= len(siblings):
            return False
        siblings[index], siblings[other] = siblings[other], siblings[index]
        # Renumber the theme's questions in their new order, keeping the theme's slots.
        slots = sorted(q.order for q in siblings)
        if len(set(slots)) != len(slots):
            base = slots[0]
            slots = list(range(base, base + len(siblings)))
        for slot, sibling in zip(slots, siblings, strict=True):
            if sibling.order != slot:
                Question.objects.filter(pk=sibling.pk).update(order=slot)
    return True


def retire_question(question: Question) -> None:
    """Takes a question out of use for new visits. Old visits keep it."""
    Question.objects.filter(pk=question.pk, retired_at=None).update(retired_at=timezone.now())


def unretire_question(question: Question) -> None:
    Question.objects.filter(pk=question.pk).exclude(retired_at=None).update(retired_at=None)


# --- Unit and visit sets --------------------------------------------------------------


# The largest id the database can hold; a larger posted number cannot be a question
# (and SQLite refuses to even look it up).
MAX_ID = 2**63 - 1


def _question_ids(ids: Sequence[int | str]) -> list[int]:
    """The posted ids as numbers; anything else is a question that does not exist."""
    try:
        wanted = [int(pk) for pk in ids]
    except (TypeError, ValueError):
        raise QuestionBankError(_("That question does not exist.")) from None
    if any(not 0 < pk <= MAX_ID for pk in wanted):
        raise QuestionBankError(_("That question does not exist."))
    return wanted


def _picked(organisation: Organisation, ids: Sequence[int | str]) -> list[Question]:
    """The current questions of the organisation with these ids, in the given order."""
    wanted = _question_ids(ids)
    if len(set(wanted)) != len(wanted):
        raise QuestionBankError(_("A question was chosen twice."))
    found = {
        q.pk: q
        for q in Question.objects.for_organisation(organisation).current().filter(pk__in=wanted)
    }
    if len(found) != len(wanted):
        raise QuestionBankError(_("That question does not exist or is retired."))
    return [found[pk] for pk in wanted]


def set_unit_questions(unit: Unit, ids: Sequence[int | str]) -> list[Question]:
    """Replaces the unit's adapted set (empty: the unit uses the whole bank)."""
    questions = _picked(unit.organisation, ids)
    with transaction.atomic():
        UnitQuestion.objects.filter(unit=unit).delete()
        UnitQuestion.objects.bulk_create(
            UnitQuestion(unit=unit, question=q, order=i) for i, q in enumerate(questions)
        )
    return questions


def set_visit_questions(visit: Visit, ids: Sequence[int | str]) -> list[Question]:
    """Replaces the questions picked for the visit (empty: the unit's set or the bank).

    Questions already picked for the visit may stay even if they were retired since."""
    organisation = visit.organisation
    already = set(VisitQuestion.objects.filter(visit=visit).values_list("question_id", flat=True))
    wanted = _question_ids(ids)
    if len(set(wanted)) != len(wanted):
        raise QuestionBankError(_("A question was chosen twice."))
    allowed = Question.objects.for_organisation(organisation).filter(pk__in=wanted)
    found = {q.pk: q for q in allowed if q.retired_at is None or q.pk in already}
    if len(found) != len(wanted):
        raise QuestionBankError(_("That question does not exist or is retired."))
    questions = [found[pk] for pk in wanted]
    with transaction.atomic():
        VisitQuestion.objects.filter(visit=visit).delete()
        VisitQuestion.objects.bulk_create(
            VisitQuestion(visit=visit, question=q, order=i) for i, q in enumerate(questions)
        )
    return questions


# --- Opening script ----------------------------------------------------------------------


def save_opening_script(script: OpeningScript, *, version: int, text: str) -> OpeningScript:
    text = (text or "").strip()
    if not text:
        raise QuestionBankError(_("Write the opening."))
    if len(text) > 10_000:
        raise QuestionBankError(_("The opening is too long (at most 10,000 characters)."))
    updated = OpeningScript.objects.filter(pk=script.pk, version=version).update(
        text=text, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise StaleEdit(
            _(
                "Someone else changed the opening after you opened it. Your text was not "
                "saved; the stored text is shown below."
            )
        )
    script.refresh_from_db()
    return script
