"""The demo's leadership meetings and annual summaries (after visitt.followup.demo_history).

- Four past leadership meetings of Demo kommune, the last one about four weeks ago, so
  that the next agenda item covers "since the last meeting".
- Last year's annual summary with the top leader's learning points and three decisions,
  reviewed by the leadership group in February and locked (while it is still January,
  it is a draft awaiting that meeting). Its figures are frozen with
  visitt.reports.services_annual.figures, as the review does.
- This year's summary: a draft with a few learning points so far.

Made with the models directly (no audit events: nobody did anything) and once: an
existing meeting or summary is left as it is.
"""

from __future__ import annotations

from datetime import date, timedelta

from visitt.accounts.models import User
from visitt.core.workdays import previous_working_day
from visitt.organisations.models import Organisation

from .annual import AnnualSummary, SummaryDecision
from .meetings import LeadershipMeeting

TOP = "toppleder@demo.visitt.no"
MEETINGS_WEEKS_AGO = (28, 20, 12, 4)  # oldest first
REVIEWED_IN = "Ledergruppa og hovedutvalg for helse og omsorg"

LAST_YEAR_POINTS = (
    "Alle enhetene fikk visitt, og nesten alle tiltakene ble gjennomført. Der vi målte, "
    "så vi at tiltakene virket: færre avvik om legemidler i hjemmetjenesten og færre fall "
    "om natten på Solbakken.\n\n"
    "Legemiddelhåndtering og overganger fra sykehuset går igjen i flere enheter. Det er "
    "et tegn på at rutinene må løses på tvers av enhetene, ikke én enhet om gangen.\n\n"
    "To referater ble signert for sent, og noen tilbakemeldinger til samtalegruppene kom "
    "sent. Gruppene må høre fra oss, også når et tiltak ikke kan gjennomføres nå."
)
DECISIONS = (
    (
        "Lage en felles rutine for samstemming av legemiddellister for alle enheter i helse "
        "og omsorg.",
        "Kommuneoverlegen",
        (6, 1),
    ),
    (
        "Ta opp epikriser og utskrivingsrutiner med sykehuset i samarbeidsutvalget.",
        "Kommunaldirektør helse og omsorg",
        (4, 30),
    ),
    (
        "Sekretæren setter av tid til referatet i kalenderen samme dag som visitten.",
        "Kvalitetsrådgiver",
        (3, 1),
    ),
)
THIS_YEAR_POINTS = (
    "Fall og trykksår på Solbakken avdeling 1: fall var et tema også i fjor, denne gangen "
    "på toalettet i gangen. Vi bør se fallforebyggingen på sykehjemmet under ett.\n\n"
    "Referatene blir nå stort sett signert innen fristen."
)


def _meetings(organisation: Organisation, today: date, top: User | None) -> None:
    if LeadershipMeeting.objects.filter(organisation=organisation).exists():
        return
    previous: date | None = None
    for weeks in MEETINGS_WEEKS_AGO:
        held = previous_working_day(today - timedelta(weeks=weeks))
        LeadershipMeeting.objects.create(
            organisation=organisation, held_on=held, covers_from=previous, created_by=top
        )
        previous = held


def _snapshot(organisation: Organisation, year: int) -> dict | None:
    """The figures as the review freezes them, when the annual-summary service is there."""
    try:
        from visitt.reports.services_annual import figures
    except ImportError:
        return None
    return figures(organisation, year)


def _summaries(organisation: Organisation, today: date, top: User | None) -> None:
    year = today.year - 1
    summary, created = AnnualSummary.objects.get_or_create(
        organisation=organisation,
        year=year,
        defaults={"learning_points": LAST_YEAR_POINTS, "created_by": top},
    )
    if created:
        for order, (text, responsible, (month, day)) in enumerate(DECISIONS):
            SummaryDecision.objects.create(
                summary=summary,
                text=text,
                responsible=responsible,
                due_date=date(today.year, month, day),
                order=order,
                created_by=top,
            )
        reviewed_on = previous_working_day(date(today.year, 2, 13))
        if reviewed_on < today:
            AnnualSummary.objects.filter(pk=summary.pk).update(
                reviewed_on=reviewed_on,
                reviewed_by=top,
                reviewed_in=REVIEWED_IN,
                snapshot=_snapshot(organisation, year),
                version=2,
            )
    AnnualSummary.objects.get_or_create(
        organisation=organisation,
        year=today.year,
        defaults={"learning_points": THIS_YEAR_POINTS, "created_by": top},
    )


def seed_reports(municipality: Organisation, trust: Organisation, today: date) -> None:
    top = User.objects.filter(email=TOP).first()
    _meetings(municipality, today, top)
    _summaries(municipality, today, top)
