"""The demo's measure data and a PDSA cycle, for the action plans of the conducted visit
at Solbakken sykehjem, avdeling 1 (visitt.followup.demo_plans).

- Monthly points for 18 months ending last month. Pressure sores go from about six a
  month to about two after the new mattresses, falls from the toilet from about three
  to nearly none after the armrests. The new level starts the month after the action
  was finished, never before it, so when the visit was late in the year the charts have
  too few points since for a signal yet (eight in a row on one side), as in life; last
  year's measures (visitt.followup.demo_history) show the signals.
- The medication-list measure ("%") has numerators and denominators (admissions), so
  its page shows a P chart; it improves a little, without a signal yet.
- One PDSA cycle on the training action: tested on the evening shift, adopted.

Deterministic (fixed patterns, no randomness) and idempotent: a measure with points
and an action with cycles are left alone. Made with the models directly (no audit
events: nobody did anything).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from visitt.followup.plans import Action, Measure
from visitt.organisations.models import Organisation

from . import periods
from .models import MeasurePoint, PdsaCycle
from .services import computed_value

MONTHS = 18
MIN_AFTER = 8

SORES = "Antall nye trykksår per måned"
FALLS = "Antall fall på toalett"
MEDICATION = "Andel innkomster med samstemt legemiddelliste innen ett døgn"

# (before, after) patterns, repeated as needed.
PATTERNS = {
    SORES: ([6, 7, 5, 6, 8, 6, 5, 7, 6, 6], [2, 3, 1, 2, 2, 3, 1, 2, 2, 1]),
    FALLS: ([3, 2, 4, 3, 2, 3, 4, 2, 3, 3], [0, 1, 0, 0, 1, 0, 0, 0, 1, 0]),
}
ADMISSIONS = [5, 7, 6, 8, 4, 6, 7, 5, 6, 8, 5, 7, 6, 4, 7, 6, 5, 8]
RECONCILED_BEFORE = [3, 4, 3, 5, 2, 3, 4, 2, 3, 5, 3, 4, 3, 2]
RECONCILED_AFTER = [5, 6, 4, 6]

TRAINING = "Opplæring i forflytning"


def _months(today: date) -> list[date]:
    last = periods.start_of(today, Measure.Frequency.MONTHLY) - timedelta(days=1)
    last = last.replace(day=1)
    first = last
    for _ in range(MONTHS - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return periods.all_between(first, last, Measure.Frequency.MONTHLY)


def _change_index(months: list[date], finished: date | None) -> int:
    """The first month of the new level: the month after the action was finished, never
    before it (an improvement that came before the action would not be the action's).
    With fewer than MIN_AFTER months since, the chart shows no signal yet, as in life."""
    if finished is None:
        return max(1, len(months) - MIN_AFTER)
    after = periods.following(periods.start_of(finished, Measure.Frequency.MONTHLY), "monthly")
    index = next((i for i, month in enumerate(months) if month >= after), len(months))
    return max(1, index)


def _finished(measure: Measure) -> date | None:
    done = [
        timezone.localtime(action.finished_at).date()
        for action in measure.problem.actions.all()
        if action.status == Action.Status.DONE and action.finished_at is not None
    ]
    return min(done) if done else None


def seed_improvement(municipality: Organisation, trust: Organisation, today: date) -> None:
    measures = Measure.objects.filter(
        problem__visit__organisation=municipality,
        problem__visit__unit__code="SOL-1",
        problem__visit__date__year=today.year,
        name__in=[SORES, FALLS, MEDICATION],
    ).select_related("problem__visit")
    months = _months(today)
    for measure in measures:
        if MeasurePoint.objects.filter(measure=measure).exists():
            continue  # made before (and perhaps used since)
        points = []
        if measure.name in PATTERNS:
            before, after = PATTERNS[measure.name]
            change = _change_index(months, _finished(measure))
            for i, month in enumerate(months):
                pattern = before if i < change else after
                value = pattern[(i if i < change else i - change) % len(pattern)]
                points.append(MeasurePoint(measure=measure, period=month, value=Decimal(value)))
        else:
            reconciled = RECONCILED_BEFORE + RECONCILED_AFTER
            for i, month in enumerate(months):
                numerator, denominator = Decimal(reconciled[i]), Decimal(ADMISSIONS[i])
                points.append(
                    MeasurePoint(
                        measure=measure,
                        period=month,
                        numerator=numerator,
                        denominator=denominator,
                        value=computed_value(measure, numerator, denominator),
                    )
                )
        MeasurePoint.objects.bulk_create(points)
    _seed_cycle(municipality, today)


def _seed_cycle(municipality: Organisation, today: date) -> None:
    action = (
        Action.objects.filter(
            problem__visit__organisation=municipality,
            problem__visit__unit__code="SOL-1",
            problem__visit__date__year=today.year,
            what__startswith=TRAINING,
        )
        .select_related("problem__visit", "owner")
        .first()
    )
    if action is None or PdsaCycle.objects.filter(action=action).exists():
        return
    start = min(action.problem.visit.date + timedelta(days=14), today)
    PdsaCycle.objects.create(
        action=action,
        plan="Teste en kort gjennomgang av forflytning og trykkavlastning på kveldsvakten i to "
        "uker. Vi tror at alle på vakt kan vise riktig forflytning etter gjennomgangen.",
        do="Gjennomgangen ble holdt på fire kvelder. To vikarer fikk den ved oppstart av vakt.",
        study="Ni av ti på kveldsvakten viste riktig forflytning ved observasjon. Ingen nye "
        "trykksår på avdelingen i perioden.",
        act="Vi tar gjennomgangen inn i opplæringen av alle nye og vikarer.",
        start_date=start,
        end_date=min(start + timedelta(days=14), today),
        decision=PdsaCycle.Decision.ADOPT,
        created_by=action.owner,
    )
