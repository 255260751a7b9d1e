"""The demo's minutes (after demo_plans, so the draft has the agreed actions):

- the conducted walkround at Solbakken sykehjem, avdeling 1: minutes drafted by the
  secretary the day after, sent for review, signed on the third working day (within
  the four-working-day deadline) by the top leader, who led the visit and so signs as
  both top leader and visit leader, and sent to the participants an hour later. Signing
  plans the follow-up visit three months later, as it does in Visitt;
- another conducted walkround of the year whose minutes were drafted but never
  signed: its deadline has passed, so the daily notices have something overdue;
- the year's other conducted visits: minutes signed (one of them late), so that the top
  leader's start page shows one overdue minutes, not all of them.

Made with the models directly (no e-mails, no audit events: nobody did anything, the
demo was seeded). Idempotent: a visit that has minutes is left alone.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef

from visitt.accounts.models import User
from visitt.core.workdays import add_working_days
from visitt.organisations.models import Organisation
from visitt.planning.models import Visit
from visitt.planning.visits import OSLO
from visitt.walkround.conduct import Walkround

from .minutes import Minutes, MinutesVersion, Signature, minutes_deadline
from .services_minutes import draft_body
from .services_visits import plan_follow_up_visit

UNIT_CODE = "SOL-1"
TOP = "toppleder@demo.visitt.no"


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), OSLO)


def _writer(visit: Visit) -> User:
    return visit.secretary or visit.coordinator or visit.visit_leader


def _draft(visit: Visit, written: datetime) -> tuple[Minutes, MinutesVersion]:
    show_names = visit.organisation.minutes_show_names
    minutes = Minutes.objects.create(
        visit=visit, deadline=minutes_deadline(visit.date), show_names=show_names
    )
    version = MinutesVersion.objects.create(
        minutes=minutes, number=1, body=draft_body(visit, show_names), created_by=_writer(visit)
    )
    Minutes.objects.filter(pk=minutes.pk).update(created_at=written, updated_at=written)
    MinutesVersion.objects.filter(pk=version.pk).update(created_at=written, updated_at=written)
    if visit.status == Visit.Status.CONDUCTED:
        visit.mark_minutes_drafted(_writer(visit))
    return minutes, version


def _signed(
    visit: Visit,
    today: date,
    *,
    working_days: int = 3,
    follow_up: bool = True,
    top: User | None = None,
) -> None:
    """The visit's minutes, signed ``working_days`` after the visit (in time up to four)
    by ``top`` (by default Demo kommune's top leader) and the visit leader, and sent;
    signing plans the follow-up visit unless ``follow_up`` is False."""
    top = top or User.objects.filter(email=TOP).first() or visit.visit_leader
    drafted = _at(add_working_days(visit.date, 1), 10)
    signed = _at(add_working_days(visit.date, working_days), 13)
    if signed.date() >= today:  # a visit only days ago: not signed yet
        return
    minutes, version = _draft(visit, drafted)
    signers = {Signature.Role.TOP_LEADER: top, Signature.Role.VISIT_LEADER: visit.visit_leader}
    for offset, (role, user) in enumerate(signers.items()):
        signature = Signature.objects.create(
            minutes_version=version,
            role=role,
            signer=user,
            signer_name=user.get_full_name() or str(user),
            method=Signature.Method.PASSWORD,
        )
        # One person in both roles signs once: the same moment for both rows.
        moment = signed if user == top else signed - timedelta(minutes=30 + offset)
        Signature.objects.filter(pk=signature.pk).update(signed_at=moment)
    MinutesVersion.objects.filter(pk=version.pk).update(
        locked_at=signed, sent_at=signed + timedelta(hours=1)
    )
    Minutes.objects.filter(pk=minutes.pk).update(
        status=Minutes.Status.SIGNED,
        sent_for_review_at=drafted + timedelta(hours=3),
        signed_at=signed,
        updated_at=signed,
        version=3,
    )
    visit.refresh_from_db()
    if visit.status == Visit.Status.MINUTES_DRAFTED:
        visit.mark_minutes_signed(top)
    if follow_up and visit.status == Visit.Status.MINUTES_SIGNED:
        plan_follow_up_visit(None, visit)


def _overdue(municipality: Organisation, walked: Visit | None, today: date) -> None:
    """A draft past its deadline, on the latest other conducted walkround."""
    if Minutes.objects.filter(
        visit__organisation=municipality, signed_at=None, deadline__lt=today
    ).exists():
        return
    candidates = (
        Visit.objects.filter(
            organisation=municipality,
            date__year=today.year,
            kind=Visit.Kind.MAIN,
            status=Visit.Status.CONDUCTED,
            minutes__isnull=True,
        )
        .select_related("organisation", "unit", "visit_leader", "coordinator", "secretary")
        .order_by("-date")
    )
    if walked is not None:
        candidates = candidates.exclude(pk=walked.pk)
    for visit in candidates:
        if minutes_deadline(visit.date) < today:
            _draft(visit, _at(add_working_days(visit.date, 2), 14))
            return


# Working days from visit to signature for the year's other visits, in turn: most in
# time, one late (so the key figure "signed within four working days" is not 100 %).
SIGNING_DAYS = (3, 2, 6, 4)


def _sign_the_rest(municipality: Organisation, today: date) -> None:
    """The year's other conducted visits get signed minutes, so that only the one draft
    above is overdue on the top leader's start page. They have no problems recorded in
    the demo, so no follow-up visit is planned for them."""
    visits = (
        Visit.objects.filter(
            organisation=municipality,
            date__year=today.year,
            kind=Visit.Kind.MAIN,
            status=Visit.Status.CONDUCTED,
            minutes__isnull=True,
        )
        .select_related("organisation", "unit", "visit_leader", "coordinator", "secretary")
        .order_by("date")
    )
    for index, visit in enumerate(visits):
        days = SIGNING_DAYS[index % len(SIGNING_DAYS)]
        if add_working_days(visit.date, days) >= today:
            days = 3  # a late signature would still lie ahead
        if minutes_deadline(visit.date) < today:
            _signed(visit, today, working_days=days, follow_up=False)


def seed(municipality: Organisation, trust: Organisation, today: date) -> None:
    walked = (
        Visit.objects.filter(organisation=municipality, kind=Visit.Kind.MAIN)
        .conducted()
        .filter(Exists(Walkround.objects.filter(visit=OuterRef("pk"))))
        .select_related(
            "organisation", "unit", "visit_leader", "coordinator", "secretary", "medical_advisor"
        )
        .filter(date__year=today.year)
        .order_by("-date")
    )
    visit = walked.filter(unit__code=UNIT_CODE).first() or walked.first()
    if visit is not None and not Minutes.objects.filter(visit=visit).exists():
        _signed(visit, today)
    _overdue(municipality, visit, today)
    _sign_the_rest(municipality, today)
