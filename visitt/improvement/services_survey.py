"""The staff pulse survey ("Pulsmåling"): making one, answering it anonymously, and
reading the results only when enough people have answered.

Vedlegg 4 of the method asks the leaders to "evaluere virkningen på miljøet, holdninger
hos personale/brukere". A unit runs a few statements on a 1-5 scale before a visit and
again later; ``compare`` sets the two side by side.

- ``create_survey`` and ``update_survey`` refuse bad input with ``SurveyError`` and store
  nothing; the statements can change only until the first answer (afterwards the
  answers would no longer mean what they were given to mean). Every change is audited
  (SURVEY_CHANGED).
- ``answer`` stores the day and the scores, nothing else: no user, no IP address, no
  browser, no time of day. The caller must not pass a request on to anything that
  records one.
- ``results`` gives numbers only when at least ``MIN_RESPONSES`` have answered: with
  fewer, the scores of a small group could be traced back to the people in it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, F, Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from visitt.audit.models import AuditEvent
from visitt.audit.services import record
from visitt.core.personal_data import check_text
from visitt.organisations.models import Organisation, Role, Unit
from visitt.planning.visits import Visit
from visitt.walkround.services_problems import ProblemError, stale_message

from .survey import MIN_RESPONSES, PulseAnswer, PulseResponse, PulseStatement, PulseSurvey

if TYPE_CHECKING:
    from visitt.accounts.models import User

A = AuditEvent.Action

# The same refusals as elsewhere: messages for the user and an HTTP status.
SurveyError = ProblemError

SCORES = (1, 2, 3, 4, 5)
MAX_STATEMENTS = 10
STATEMENT_LENGTH = 300
TITLE_LENGTH = 200

# Statements to agree or disagree with, turned from the questions of Vedlegg 2
# ("Forslag til spørsmål under pasient- og brukersikkerhetsvisitten") so that they can be
# answered on a scale. Organisation content in the organisation's language form, not
# interface text: the unit edits them before the survey opens.
# Source: Helsedirektoratet, «Veileder for pasient- og brukersikkerhetsvisitter»
# (I trygge hender 24-7), Vedlegg 2 (themes Miljø, Avvik, Kommunikasjon, Gruppearbeid,
# Brukermedvirkning).
DEFAULT_STATEMENTS: dict[str, tuple[str, ...]] = {
    Organisation.LanguageForm.BOKMAAL: (
        # "Ville du likt at et medlem av din familie mottok tjenester her?"
        "Jeg ville likt at et medlem av familien min mottok tjenester her.",
        # "Melder du alltid fra når du gjør en feil?"
        "Jeg melder alltid fra når jeg gjør en feil.",
        # "… hvordan kommunikasjonen mellom pleiepersonalet enten fremmer eller hindrer
        # trygg pleie …"
        "Kommunikasjonen mellom oss som jobber her fremmer trygg pleie.",
        # "… enhetens evne til å arbeide godt sammen på tvers av ansvarsområde?"
        "Vi på enheten arbeider godt sammen på tvers av ansvarsområder.",
        # "Har du hatt muligheten til å gi brukerne en så trygg pleie som mulig denne uken?"
        "Denne uken har jeg hatt mulighet til å gi brukerne så trygg pleie som mulig.",
    ),
    Organisation.LanguageForm.NYNORSK: (
        "Eg ville likt at eit medlem av familien min fekk tenester her.",
        "Eg melder alltid frå når eg gjer ein feil.",
        "Kommunikasjonen mellom oss som jobbar her fremjar trygg pleie.",
        "Vi på eininga arbeider godt saman på tvers av ansvarsområde.",
        "Denne veka har eg hatt høve til å gi brukarane så trygg pleie som mogleg.",
    ),
}

CREDIT = gettext_lazy(
    "The suggested statements are based on the questions in the Norwegian Directorate of "
    "Health's guide to patient and user safety walkrounds (I trygge hender 24-7), "
    "Vedlegg 2. Edit them to suit the unit."
)


def default_statements(organisation: Organisation) -> list[str]:
    """The suggested statements in the organisation's language form."""
    return list(
        DEFAULT_STATEMENTS.get(
            organisation.language, DEFAULT_STATEMENTS[Organisation.LanguageForm.BOKMAAL]
        )
    )


# --- Who may run a unit's survey ------------------------------------------------------------


def led_unit_ids(organisation: Organisation, user: Any) -> set[int]:
    """The units where ``user`` is the unit leader on a visit (one query)."""
    return set(
        Visit.objects.for_organisation(organisation)
        .filter(unit_leader_id=user.pk)
        .values_list("unit_id", flat=True)
        .distinct()
    )


def manages_every_unit(user: Any, organisation: Organisation) -> bool:
    """Top leaders and coordinators run surveys for every unit (no query)."""
    return user.has_perm("improvement.manage_all_surveys", organisation)


def allowed_unit_ids(organisation: Organisation, user: Any) -> set[int] | None:
    """None: every unit; else the units a unit leader leads (one query)."""
    if manages_every_unit(user, organisation):
        return None
    roles = getattr(user, "visitt_roles", {}).get(organisation.pk, frozenset())
    if Role.UNIT_LEADER not in roles:
        return set()
    return led_unit_ids(organisation, user)


# --- Making and changing a survey -----------------------------------------------------------


@dataclass
class SurveyData:
    title: str
    opens_on: date
    closes_on: date
    statements: list[str] | None = None  # None: leave the statements as they are

    def clean_title(self) -> str:
        return " ".join(self.title.split())[:TITLE_LENGTH]

    def clean_statements(self) -> list[str] | None:
        if self.statements is None:
            return None
        return [" ".join(text.split()) for text in self.statements if text.strip()]


def split_statements(text: str) -> list[str]:
    """One statement per line, blank lines skipped."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _check(data: SurveyData) -> None:
    errors: list[str] = []
    if not data.clean_title():
        errors.append(_("Give the survey a title."))
    if data.closes_on < data.opens_on:
        errors.append(_("The survey must close on or after the day it opens."))
    statements = data.clean_statements()
    if statements is not None:
        if not statements:
            errors.append(_("Write at least one statement, one per line."))
        if len(statements) > MAX_STATEMENTS:
            errors.append(
                _("A pulse survey has at most %(max)d statements, so that it takes a minute.")
                % {"max": MAX_STATEMENTS}
            )
        if any(len(text) > STATEMENT_LENGTH for text in statements):
            errors.append(
                _("A statement can be at most %(max)d characters long.") % {"max": STATEMENT_LENGTH}
            )
        if len({text.casefold() for text in statements}) != len(statements):
            errors.append(_("The same statement is there twice."))
        found = check_text("\n".join([data.title, *statements]))
        if not found.ok:
            # Anyone with the link reads the statements: no reason can let personal data in.
            errors.append(
                _(
                    "Anyone with the link reads the title and the statements, so they "
                    "must not contain personal data."
                )
            )
            errors.extend(found.messages())
    if errors:
        raise SurveyError(errors)


def create_survey(
    organisation: Organisation,
    unit: Unit,
    data: SurveyData,
    by: User,
    *,
    visit: Visit | None = None,
    request: HttpRequest | None = None,
) -> PulseSurvey:
    """A new survey with its statements (a fixed number of queries). The unit (and the
    visit, when given) must belong to ``organisation``; the visit must be to that unit."""
    if unit.organisation_id != organisation.pk or not unit.is_active:
        raise SurveyError(_("Choose one of the organisation's active units."))
    if visit is not None and (visit.organisation_id != organisation.pk or visit.unit_id != unit.pk):
        raise SurveyError(_("The visit must be to the unit the survey is for."))
    if data.statements is None:
        data.statements = default_statements(organisation)
    _check(data)
    statements = data.clean_statements() or []
    with transaction.atomic():
        survey = PulseSurvey.objects.create(
            organisation=organisation,
            unit=unit,
            visit=visit,
            title=data.clean_title(),
            opens_on=data.opens_on,
            closes_on=data.closes_on,
            created_by=by,
        )
        PulseStatement.objects.bulk_create(
            PulseStatement(survey=survey, text=text, order=i)
            for i, text in enumerate(statements, start=1)
        )
        record(
            request,
            A.SURVEY_CHANGED,
            target=survey,
            organisation=organisation,
            actor=by,
            change="created",
            unit_id=unit.pk,
            statements=len(statements),
        )
    return survey


def statements_locked_message() -> str:
    return _(
        "Someone has already answered, so the statements can no longer change: the "
        "answers must keep meaning what they were given to mean. Make a new survey instead."
    )


def update_survey(
    survey: PulseSurvey,
    data: SurveyData,
    version: int,
    by: User,
    *,
    request: HttpRequest | None = None,
) -> None:
    """Changes the title, the dates and (until the first answer) the statements, if
    nobody saved in between. Refused with 409 on a stale version, 400 on bad input or
    new statements after the first answer."""
    _check(data)
    statements = data.clean_statements()
    with transaction.atomic():
        # The lock makes an answer wait (or this wait for it): statements are never
        # replaced under an answer that is being stored.
        locked = PulseSurvey.objects.select_for_update().filter(pk=survey.pk).first()
        if locked is None or locked.version != version:
            raise SurveyError(stale_message(), status=409)
        current = list(locked.statements.order_by("order", "pk").values_list("text", flat=True))
        changed_statements = statements is not None and statements != current
        if changed_statements and PulseResponse.objects.filter(survey=locked).exists():
            raise SurveyError(statements_locked_message())
        PulseSurvey.objects.filter(pk=survey.pk, version=version).update(
            title=data.clean_title(),
            opens_on=data.opens_on,
            closes_on=data.closes_on,
            version=F("version") + 1,
        )
        if changed_statements:
            assert statements is not None
            PulseStatement.objects.filter(survey=locked).delete()
            PulseStatement.objects.bulk_create(
                PulseStatement(survey=locked, text=text, order=i)
                for i, text in enumerate(statements, start=1)
            )
        record(
            request,
            A.SURVEY_CHANGED,
            target=locked,
            organisation=survey.organisation,
            actor=by,
            change="edited",
            statements_changed=changed_statements,
        )
    survey.refresh_from_db()


# --- Answering ------------------------------------------------------------------------------


def is_open(survey: PulseSurvey, today: date) -> bool:
    return survey.opens_on <= today <= survey.closes_on


class SurveyClosed(SurveyError):
    """The survey is not open on this day; nothing was stored."""


def closed_message(survey: PulseSurvey, today: date) -> str:
    if today < survey.opens_on:
        return _("This survey is not open yet.")
    return _("This survey is closed. Thank you for your interest.")


def answer(survey: PulseSurvey, scores: dict[int, int], today: date) -> PulseResponse:
    """Stores one anonymous response: the day and a score 1-5 for every statement.

    Refused (SurveyError, nothing stored) when the survey is not open on ``today``, a
    statement is unanswered, a score is outside 1-5 or belongs to another survey. One
    transaction, five queries."""
    if not is_open(survey, today):
        raise SurveyClosed(closed_message(survey, today), status=410)
    with transaction.atomic():
        PulseSurvey.objects.select_for_update().filter(pk=survey.pk).values_list("pk").first()
        statement_ids = set(survey.statements.values_list("pk", flat=True))
        errors: list[str] = []
        if set(scores) - statement_ids:
            errors.append(_("The answer does not match this survey. Reload the page."))
        if statement_ids - set(scores):
            errors.append(_("Choose a number from 1 to 5 for every statement."))
        if any(
            not isinstance(score, int) or isinstance(score, bool) or score not in SCORES
            for score in scores.values()
        ):
            errors.append(_("Each answer must be a number from 1 to 5."))
        if errors or not statement_ids:
            raise SurveyError(errors or [_("This survey has no statements.")])
        # Only the day: with the time of day, a leader who saw who stood by the poster
        # at 14:05 could pick out their answer.
        response = PulseResponse.objects.create(survey=survey, answered_on=today)
        PulseAnswer.objects.bulk_create(
            PulseAnswer(response=response, statement_id=pk, score=scores[pk])
            for pk in sorted(statement_ids)
        )
    return response


# --- Results --------------------------------------------------------------------------------


@dataclass
class StatementResult:
    statement: PulseStatement
    # Shown only when the survey's result is shown; otherwise None and empty.
    mean: float | None = None
    distribution: tuple[int, ...] = ()  # how many answered 1, 2, 3, 4, 5

    @property
    def text(self) -> str:
        return self.statement.text

    @property
    def shares(self) -> list[tuple[int, int, int]]:
        """(score, count, percent) for each score 1-5."""
        total = sum(self.distribution) or 1
        return [
            (score, count, round(100 * count / total))
            for score, count in zip(SCORES, self.distribution, strict=True)
        ]


@dataclass
class SurveyResult:
    survey: PulseSurvey
    count: int
    shown: bool
    statements: list[StatementResult] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.survey.title

    @property
    def unit(self) -> Unit:
        return self.survey.unit

    @property
    def missing(self) -> int:
        """How many more answers before the results can be shown."""
        return max(0, MIN_RESPONSES - self.count)


def _results(surveys: Sequence[PulseSurvey]) -> list[SurveyResult]:
    """The results of ``surveys`` (whose statements are prefetched, or are loaded here):
    two queries however many surveys, statements and answers."""
    if not surveys:
        return []
    ids = [survey.pk for survey in surveys]
    counts = dict(
        PulseResponse.objects.filter(survey_id__in=ids)
        .values("survey_id")
        .annotate(n=Count("pk"))
        .values_list("survey_id", "n")
    )
    shown_ids = [pk for pk in ids if counts.get(pk, 0) >= MIN_RESPONSES]
    distribution: dict[int, list[int]] = defaultdict(lambda: [0] * len(SCORES))
    if shown_ids:
        rows = (
            PulseAnswer.objects.filter(response__survey_id__in=shown_ids)
            .values("statement_id", "score")
            .annotate(n=Count("pk"))
            .values_list("statement_id", "score", "n")
        )
        for statement_id, score, n in rows:
            distribution[statement_id][score - 1] = n
    results = []
    for survey in surveys:
        count = counts.get(survey.pk, 0)
        shown = count >= MIN_RESPONSES
        items = []
        for statement in _statements_of(survey):
            if not shown:
                items.append(StatementResult(statement))
                continue
            spread = tuple(distribution[statement.pk])
            answered = sum(spread)
            mean = (
                round(sum(s * n for s, n in zip(SCORES, spread, strict=True)) / answered, 2)
                if answered
                else None
            )
            items.append(StatementResult(statement, mean, spread))
        results.append(SurveyResult(survey, count, shown, items))
    return results


def _statements_of(survey: PulseSurvey) -> list[PulseStatement]:
    return sorted(survey.statements.all(), key=lambda s: (s.order, s.pk))


def results(survey: PulseSurvey) -> SurveyResult:
    """The survey's result: numbers only with at least MIN_RESPONSES answers (three
    queries, two of them when the statements are prefetched)."""
    return _results([survey])[0]


def results_for_year(organisation: Organisation, year: int) -> list[SurveyResult]:
    """The results of the surveys that opened in ``year``, by unit and date (four
    queries, however many surveys)."""
    surveys = list(
        PulseSurvey.objects.filter(organisation=organisation, opens_on__year=year)
        .select_related("unit", "visit")
        .prefetch_related("statements")
        .order_by("unit__name", "opens_on", "pk")
    )
    return _results(surveys)


# --- Before and after -----------------------------------------------------------------------


@dataclass
class ComparedStatement:
    text: str
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 2)


@dataclass
class Comparison:
    before: SurveyResult
    after: SurveyResult
    rows: list[ComparedStatement]

    @property
    def shown(self) -> bool:
        return self.before.shown and self.after.shown


def compare(before: PulseSurvey, after: PulseSurvey) -> Comparison:
    """The means of two surveys of the same unit side by side, statement by statement
    (matched by their wording, so an edited statement stands alone). Means only where
    both have enough answers. Four queries."""
    if before.unit_id != after.unit_id or before.organisation_id != after.organisation_id:
        raise ValueError("compare() takes two surveys of the same unit.")
    first, second = _results([before, after])
    if not (first.shown and second.shown):
        # Neither side gives numbers when one lacks answers: a difference is a number too.
        rows = _pair(
            [(s.text, None) for s in first.statements], [(s.text, None) for s in second.statements]
        )
    else:
        rows = _pair(
            [(s.text, s.mean) for s in first.statements],
            [(s.text, s.mean) for s in second.statements],
        )
    return Comparison(first, second, rows)


def _pair(
    before: Iterable[tuple[str, float | None]], after: Iterable[tuple[str, float | None]]
) -> list[ComparedStatement]:
    def key(text: str) -> str:
        return " ".join(text.casefold().split())

    later = {key(text): (text, mean) for text, mean in after}
    rows = []
    for text, mean in before:
        match = later.pop(key(text), None)
        rows.append(ComparedStatement(text, mean, match[1] if match else None))
    rows.extend(ComparedStatement(text, None, mean) for text, mean in later.values())
    return rows


def earlier_survey(survey: PulseSurvey) -> PulseSurvey | None:
    """The unit's survey that opened last before this one (one query)."""
    return (
        PulseSurvey.objects.filter(organisation_id=survey.organisation_id, unit_id=survey.unit_id)
        .filter(Q(opens_on__lt=survey.opens_on) | Q(opens_on=survey.opens_on, pk__lt=survey.pk))
        .exclude(pk=survey.pk)
        .order_by("-opens_on", "-pk")
        .first()
    )
