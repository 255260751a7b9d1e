"""The visit's lifecycle through phase 3, and the follow-up visit that signing creates."""

from __future__ import annotations

from datetime import date

import pytest

from tests.walkround.conftest import make_visit
from visitt.followup.minutes import minutes_deadline
from visitt.followup.services_visits import follow_up_date, plan_follow_up_visit
from visitt.planning.models import Visit
from visitt.planning.visits import VisitTransitionError

S = Visit.Status


def test_a_visit_walks_the_whole_lifecycle(world):
    visit = make_visit(world)
    by = world.secretary
    visit.mark_conducted(by)
    visit.mark_minutes_drafted(by)
    visit.mark_minutes_signed(by)
    follow_up = plan_follow_up_visit(None, visit)
    visit.refresh_from_db()
    assert visit.status == S.FOLLOW_UP_PLANNED
    visit.mark_follow_up_done(by)
    visit.close(by)
    assert visit.status == S.CLOSED and visit.is_conducted
    assert follow_up.kind == Visit.Kind.FOLLOW_UP and follow_up.parent == visit


def test_a_step_cannot_be_skipped(world):
    visit = make_visit(world)
    with pytest.raises(VisitTransitionError):
        visit.mark_minutes_signed(world.secretary)
    visit.mark_conducted(world.secretary)
    with pytest.raises(VisitTransitionError):
        visit.close(world.secretary)
    with pytest.raises(VisitTransitionError):
        visit.postpone(to_date=date(2030, 1, 8), to_time=None, reason="x", by=world.secretary)


def test_the_follow_up_visit_is_made_once_with_the_same_team_on_a_working_day(world):
    visit = make_visit(world)
    visit.date = date(2026, 2, 17)  # three months later is 17 May, a public holiday
    visit.save()
    for step in (visit.mark_conducted, visit.mark_minutes_drafted, visit.mark_minutes_signed):
        step(world.secretary)
    first = plan_follow_up_visit(None, visit)
    second = plan_follow_up_visit(None, visit)
    assert first == second and Visit.objects.filter(parent=visit).count() == 1
    assert first.date == date(2026, 5, 18) == follow_up_date(visit)
    assert (first.unit, first.visit_leader, first.secretary) == (
        visit.unit,
        visit.visit_leader,
        visit.secretary,
    )
    assert first.duration_minutes == 30


@pytest.mark.parametrize(
    ("visit_day", "deadline"),
    [
        (date(2026, 4, 1), date(2026, 4, 10)),  # Wednesday before Easter: 2-6 April are off
        (date(2026, 5, 13), date(2026, 5, 20)),  # 14 May (Ascension) and 17 May (Sunday)
        (date(2026, 12, 22), date(2026, 12, 29)),  # Christmas: 24 Dec is a working day
        (date(2026, 11, 20), date(2026, 11, 26)),  # a Friday
    ],
)
def test_the_minutes_deadline_is_four_working_days_later(visit_day, deadline):
    assert minutes_deadline(visit_day) == deadline


def test_the_follow_up_visit_avoids_july_and_the_teams_other_visits(world):
    visit = make_visit(world)
    visit.date = date(2026, 4, 14)  # three months later is in the July holidays
    visit.save()
    busy = make_visit(world)
    busy.date = date(2026, 8, 3)  # the first working day of August: the team is busy
    busy.save()
    for step in (visit.mark_conducted, visit.mark_minutes_drafted, visit.mark_minutes_signed):
        step(world.secretary)
    assert follow_up_date(visit) == date(2026, 8, 3)
    assert plan_follow_up_visit(None, visit).date == date(2026, 8, 4)
