"""The demo's minutes (visitt.followup.demo_minutes): the walkround's minutes signed in
time by the top leader as top leader and visit leader and sent, the follow-up visit
planned, and another visit's draft overdue."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
import time_machine

from visitt.followup.minutes import Minutes, MinutesVersion, Signature
from visitt.organisations.demo import seed_demo
from visitt.planning.models import Visit
from visitt.planning.visits import OSLO

SESSION_DAY = date(2026, 11, 23)


def seed_on(day: date) -> None:
    with time_machine.travel(datetime.combine(day, time(9, 0), OSLO), tick=False):
        seed_demo()


@pytest.mark.django_db
def test_the_demo_walkround_has_signed_and_sent_minutes_and_a_follow_up_visit():
    seed_on(SESSION_DAY)
    minutes = Minutes.objects.select_related("visit").get(
        visit__organisation__name="Demo kommune",
        visit__walkround__isnull=False,
        visit__date__year=SESSION_DAY.year,
    )
    visit = minutes.visit
    assert minutes.status == Minutes.Status.SIGNED
    assert minutes.signed_at.astimezone(OSLO).date() <= minutes.deadline
    version = minutes.versions.get()
    assert version.locked_at is not None and version.sent_at is not None
    signatures = {s.role: s.signer.email for s in version.signatures.select_related("signer")}
    assert signatures == {
        Signature.Role.TOP_LEADER: "toppleder@demo.visitt.no",
        Signature.Role.VISIT_LEADER: visit.visit_leader.email,
    }
    assert "Solbakken" in version.body
    assert Visit.objects.filter(parent=visit, kind=Visit.Kind.FOLLOW_UP).count() == 1
    visit.refresh_from_db()
    assert visit.status not in (Visit.Status.CONDUCTED, Visit.Status.MINUTES_DRAFTED)

    overdue = Minutes.objects.filter(
        visit__organisation__name="Demo kommune", signed_at=None, deadline__lt=SESSION_DAY
    )
    assert overdue.count() == 1
    assert overdue.get().visit.status == Visit.Status.MINUTES_DRAFTED


@pytest.mark.django_db
def test_seeding_the_minutes_twice_changes_nothing():
    seed_on(SESSION_DAY)
    counts = (Minutes.objects.count(), MinutesVersion.objects.count(), Signature.objects.count())
    follow_ups = Visit.objects.filter(kind=Visit.Kind.FOLLOW_UP).count()
    seed_on(SESSION_DAY)
    assert (
        Minutes.objects.count(),
        MinutesVersion.objects.count(),
        Signature.objects.count(),
    ) == counts
    assert Visit.objects.filter(kind=Visit.Kind.FOLLOW_UP).count() == follow_ups


@pytest.mark.django_db
@pytest.mark.parametrize("today", [date(2027, 1, 4), date(2026, 7, 14), date(2026, 12, 21)])
def test_any_day_seeds_the_minutes_without_errors(today):
    seed_on(today)
    seed_on(today)
    for minutes in Minutes.objects.filter(status=Minutes.Status.SIGNED):
        assert minutes.signed_at.astimezone(OSLO).date() < today


@pytest.mark.django_db
def test_the_top_leader_reads_the_demo_minutes_and_their_pdf(client):
    from visitt.accounts.models import User

    seed_on(SESSION_DAY)
    minutes = Minutes.objects.get(
        visit__organisation__name="Demo kommune",
        status=Minutes.Status.SIGNED,
        visit__walkround__isnull=False,
        visit__date__year=SESSION_DAY.year,
    )
    client.force_login(User.objects.get(email="toppleder@demo.visitt.no"))
    page = client.get(f"/visitter/{minutes.visit_id}/referat/")
    assert page.status_code == 200
    pdf = client.get(f"/visitter/{minutes.visit_id}/referat.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
