"""Key figures over time (issue 6): worked examples per figure, the page, its access and
its query count (visitt/reports/keyfigures.py, views_keyfigures.py)."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import translation

from tests.conftest import make_user
from visitt.followup.feedback import Feedback
from visitt.followup.minutes import Minutes, MinutesVersion, minutes_deadline
from visitt.followup.plans import Action
from visitt.organisations.models import Organisation, Role, Unit
from visitt.planning.models import AnnualPlan, PlanGoal, Visit
from visitt.planning.plan import year_overview
from visitt.reports import keyfigures
from visitt.reports.charts import bar_chart_svg, column_chart_svg
from visitt.reports.keyfigures import Ratio
from visitt.walkround.problems import Problem

OSLO = ZoneInfo("Europe/Oslo")
URL = "/analyse/nokkeltall/"
TODAY = date(2026, 6, 15)
S = Visit.Status
A = Action.Status


def at(day: date, hour: int = 12, minute: int = 0, tz=OSLO) -> datetime:
    return datetime.combine(day, time(hour, minute), tz)


def walkround(org: Organisation, unit: Unit, day: date, leader, status=S.CONDUCTED, **extra):
    return Visit.objects.create(
        organisation=org,
        unit=unit,
        date=day,
        visit_leader=leader,
        created_by=leader,
        status=status,
        **extra,
    )


def signed(visit: Visit, when: datetime | None, *, later: datetime | None = None) -> Minutes:
    """Minutes whose first version was fully signed at ``when`` (None: not yet); with
    ``later`` a second version signed then."""
    minutes = Minutes.objects.create(
        visit=visit,
        deadline=minutes_deadline(visit.date),
        status=Minutes.Status.SIGNED if when else Minutes.Status.DRAFT,
        signed_at=later or when,
    )
    MinutesVersion.objects.create(
        minutes=minutes, number=1, body="Referat", created_by=visit.visit_leader, locked_at=when
    )
    if later:
        MinutesVersion.objects.create(
            minutes=minutes, number=2, body="Rettet", created_by=visit.visit_leader, locked_at=later
        )
    return minutes


def action(
    visit: Visit,
    due: date | None,
    status=A.PLANNED,
    finished: datetime | None = None,
    number: int = 1,
) -> Action:
    problem, _ = Problem.objects.get_or_create(
        visit=visit,
        number=number,
        defaults={"title": f"Problem {number}", "created_by": visit.visit_leader},
    )
    return Action.objects.create(
        problem=problem,
        what="Tiltak",
        due_date=due,
        status=status,
        finished_at=finished,
        reason="Mangler midler" if status == A.NOT_POSSIBLE else "",
        created_by=visit.visit_leader,
    )


def told(act: Action, when: datetime, about=None) -> Feedback:
    feedback = Feedback.objects.create(
        action=act, about_status=about or act.status, message="Takk", sent_by=act.created_by
    )
    Feedback.objects.filter(pk=feedback.pk).update(sent_at=when)
    return feedback


def year(world, today: date = TODAY):
    return keyfigures.for_year(world.org, 2026, today=today)


# --- Ratio -------------------------------------------------------------------------------


def test_a_ratio_has_one_decimal_and_none_when_there_is_nothing_to_count():
    assert Ratio(2, 3).percent == Decimal("66.7")
    assert Ratio(0, 4).percent == Decimal("0.0")
    assert Ratio(0, 0).percent is None


# --- Visits done versus planned ----------------------------------------------------------


def test_visits_planned_are_the_years_walkrounds_and_done_the_conducted_ones(world):
    walkround(world.org, world.unit, date(2026, 2, 10), world.top_leader)
    walkround(world.org, world.ward, date(2026, 9, 1), world.top_leader, status=S.PLANNED)
    walkround(world.org, world.ward, date(2026, 3, 1), world.top_leader, status=S.CLOSED)
    walkround(world.org, world.unit, date(2025, 12, 31), world.top_leader)  # last year
    parent = walkround(world.org, world.unit, date(2026, 1, 5), world.top_leader)
    walkround(
        world.org, world.unit, date(2026, 4, 6), world.top_leader,
        kind=Visit.Kind.FOLLOW_UP, parent=parent,
    )  # fmt: skip

    figures = year(world)

    assert (figures.visits_planned, figures.visits_done) == (4, 3)


# --- Minutes within four working days ----------------------------------------------------


def test_easter_does_not_count_as_working_days_for_the_minutes_deadline():
    # Wednesday 1 April 2026; Maundy Thursday, Good Friday, the weekend and Easter Monday
    # are not working days: the fourth working day is Friday 10 April.
    assert minutes_deadline(date(2026, 4, 1)) == date(2026, 4, 10)


def test_minutes_signed_by_the_deadline_are_on_time_and_later_ones_late(world):
    before_easter = walkround(world.org, world.unit, date(2026, 4, 1), world.top_leader)
    signed(before_easter, at(date(2026, 4, 9)))  # on time thanks to the holidays
    late = walkround(world.org, world.ward, date(2026, 4, 1), world.top_leader)
    signed(late, at(date(2026, 4, 13)))
    # 23:30 in Oslo on the deadline day is still on time.
    evening = walkround(world.org, world.unit, date(2026, 5, 4), world.top_leader)
    signed(evening, at(date(2026, 5, 8), 23, 30))  # Friday 8 May, the fourth working day

    assert year(world).minutes_on_time == Ratio(2, 3)


def test_the_deadline_is_the_day_in_norway_not_in_utc(world):
    visit = walkround(world.org, world.unit, date(2026, 5, 4), world.top_leader)
    # 23:30 UTC on the deadline day is 01:30 the next day in Oslo: late.
    signed(visit, at(date(2026, 5, 8), 23, 30, tz=ZoneInfo("UTC")))

    assert year(world).minutes_on_time == Ratio(0, 1)


def test_unsigned_minutes_count_as_late_only_once_the_deadline_has_passed(world):
    walkround(world.org, world.unit, date(2026, 6, 1), world.top_leader)  # deadline 5 June
    walkround(world.org, world.ward, date(2026, 6, 12), world.top_leader)  # deadline 18 June
    signed(walkround(world.org, world.ward, date(2026, 6, 11), world.top_leader), None)

    assert year(world).minutes_on_time == Ratio(0, 1)


def test_minutes_signed_before_the_deadline_count_at_once(world):
    visit = walkround(world.org, world.unit, date(2026, 6, 12), world.top_leader)
    signed(visit, at(date(2026, 6, 15)))

    assert year(world).minutes_on_time == Ratio(1, 1)


def test_a_new_version_after_signing_does_not_make_the_minutes_late(world):
    visit = walkround(world.org, world.unit, date(2026, 3, 2), world.top_leader)
    signed(visit, at(date(2026, 3, 4)), later=at(date(2026, 5, 20)))

    assert year(world).minutes_on_time == Ratio(1, 1)


def test_visits_not_yet_conducted_have_no_minutes_to_count(world):
    walkround(world.org, world.unit, date(2026, 3, 2), world.top_leader, status=S.PLANNED)

    assert year(world).minutes_on_time == Ratio(0, 0)
    assert year(world).minutes_on_time.percent is None


# --- Actions done on time ----------------------------------------------------------------


def test_actions_done_by_their_due_date_are_on_time(world):
    visit = walkround(world.org, world.unit, date(2026, 2, 2), world.top_leader)
    due = date(2026, 6, 1)
    action(visit, due, A.DONE, at(date(2026, 5, 30)))  # early
    action(visit, due, A.DONE, at(due, 23, 0))  # on the day, late evening in Oslo
    action(visit, due, A.DONE, at(date(2026, 6, 2)))  # a day late
    action(visit, due, A.IN_PROGRESS)  # open after its due date: late
    action(visit, date(2026, 7, 1), A.PLANNED)  # not yet due: not counted
    action(visit, due, A.NOT_POSSIBLE, at(date(2026, 5, 2)))  # decided, not late
    action(visit, None, A.DONE, at(date(2026, 5, 2)))  # no due date: nothing to be late for

    assert year(world).actions_on_time == Ratio(2, 4)


def test_actions_count_in_the_year_they_are_due(world):
    visit = walkround(world.org, world.unit, date(2025, 11, 3), world.top_leader)
    action(visit, date(2025, 12, 1), A.DONE, at(date(2025, 11, 20)))
    action(visit, date(2026, 1, 15), A.DONE, at(date(2026, 1, 10)))

    assert year(world).actions_on_time == Ratio(1, 1)
    assert keyfigures.for_year(world.org, 2025, today=TODAY).actions_on_time == Ratio(1, 1)


# --- Feedback in time --------------------------------------------------------------------


def test_feedback_within_the_set_number_of_days_of_finishing_is_in_time(world):
    assert keyfigures.FEEDBACK_WITHIN_DAYS == 14
    visit = walkround(world.org, world.unit, date(2026, 2, 2), world.top_leader)
    finished = date(2026, 5, 1)
    told(action(visit, None, A.DONE, at(finished)), at(date(2026, 5, 15)))  # day 14
    told(action(visit, None, A.DONE, at(finished)), at(date(2026, 5, 16)))  # day 15: late
    action(visit, None, A.NOT_POSSIBLE, at(finished))  # never told, window passed: late
    action(visit, None, A.DONE, at(date(2026, 6, 10)))  # window still open: not counted
    told(action(visit, None, A.DONE, at(date(2026, 6, 10))), at(date(2026, 6, 11)))

    assert year(world).feedback_in_time == Ratio(2, 4)


def test_feedback_about_an_earlier_outcome_does_not_count(world):
    visit = walkround(world.org, world.unit, date(2026, 2, 2), world.top_leader)
    act = action(visit, None, A.NOT_POSSIBLE, at(date(2026, 4, 1)))
    told(act, at(date(2026, 3, 20)), about=A.DONE)

    assert year(world).feedback_in_time == Ratio(0, 1)


# --- Follow-up visits done ---------------------------------------------------------------


def test_walkrounds_whose_follow_up_is_due_count_and_a_conducted_follow_up_is_done(world):
    followed = walkround(world.org, world.unit, date(2026, 1, 12), world.top_leader)
    walkround(
        world.org, world.unit, date(2026, 4, 13), world.top_leader,
        kind=Visit.Kind.FOLLOW_UP, parent=followed,
    )  # fmt: skip
    walkround(world.org, world.ward, date(2026, 2, 2), world.top_leader)  # due 4 May: missed
    booked = walkround(world.org, world.ward, date(2026, 1, 5), world.top_leader)
    walkround(
        world.org, world.ward, date(2026, 4, 6), world.top_leader, status=S.PLANNED,
        kind=Visit.Kind.FOLLOW_UP, parent=booked,
    )  # fmt: skip  # planned, not conducted: not done
    walkround(world.org, world.unit, date(2026, 5, 4), world.top_leader)  # due in August

    assert year(world).follow_ups_done == Ratio(1, 3)


# --- Scope and queries -------------------------------------------------------------------


def fill(world, org: Organisation, unit: Unit, n: int) -> None:
    for i in range(n):
        visit = walkround(org, unit, date(2026, 1 + i % 5, 2 + i), world.top_leader)
        signed(visit, at(date(2026, 1 + i % 5, 10 + i)))
        told(action(visit, date(2026, 5, 1), A.DONE, at(date(2026, 4, 1))), at(date(2026, 4, 2)))


def test_another_organisations_data_is_never_counted(world):
    fill(world, world.other_org, world.other_unit, 3)

    figures = year(world)

    assert figures.visits_planned == 0
    assert figures.minutes_on_time == figures.actions_on_time == Ratio(0, 0)
    assert figures.feedback_in_time == figures.follow_ups_done == Ratio(0, 0)


@pytest.mark.parametrize("n", [1, 12])
def test_the_figures_take_two_queries_however_much_data(world, n, django_assert_num_queries):
    fill(world, world.org, world.unit, n)
    with django_assert_num_queries(2):
        assert keyfigures.for_year(world.org, 2026, today=TODAY).visits_planned == n
    with django_assert_num_queries(2):
        periods = keyfigures.over_time(world.org, years=3, today=TODAY)
    assert sum(p.visits_planned for p in periods) == n


def test_over_time_is_quarters_oldest_first_up_to_the_current_one(world):
    with time_machine.travel(TODAY, tick=False), translation.override("en"):
        periods = keyfigures.over_time(world.org, years=2)
    assert (periods[0].start, periods[0].end) == (date(2025, 1, 1), date(2025, 3, 31))
    assert (periods[-1].start, periods[-1].end) == (date(2026, 4, 1), date(2026, 6, 30))
    assert len(periods) == 6
    assert periods[0].label == "Q1 2025"


def test_a_period_holds_only_its_own_quarter(world):
    first = walkround(world.org, world.unit, date(2026, 3, 31), world.top_leader)
    signed(first, at(date(2026, 4, 2)))
    walkround(world.org, world.unit, date(2026, 4, 1), world.top_leader, status=S.PLANNED)

    q1, q2 = keyfigures.over_time(world.org, years=1, today=TODAY)

    assert (q1.visits_planned, q1.visits_done, q1.minutes_on_time) == (1, 1, Ratio(1, 1))
    assert (q2.visits_planned, q2.visits_done, q2.minutes_on_time) == (1, 0, Ratio(0, 0))


# --- The annual plan's goals read the same figures ----------------------------------------


def test_the_annual_plan_goals_show_the_key_figures(world):
    plan = AnnualPlan.objects.create(organisation=world.org, year=2026, owner=world.top_leader)
    PlanGoal.objects.create(plan=plan, text="Referat i tide", measure="minutes_on_time", target=90)
    PlanGoal.objects.create(plan=plan, text="Tiltak", measure="actions_done_on_time", target=50)
    visit = walkround(world.org, world.unit, date(2026, 4, 1), world.top_leader)
    signed(visit, at(date(2026, 4, 9)))
    action(visit, date(2026, 5, 1), A.DONE, at(date(2026, 5, 3)))

    with time_machine.travel(TODAY, tick=False):
        minutes_goal, actions_goal = year_overview(world.org, 2026).goals

    assert (minutes_goal.result, minutes_goal.met, minutes_goal.counted) == (
        Decimal("100.0"),
        True,
        (1, 1),
    )
    assert (actions_goal.result, actions_goal.met) == (Decimal("0.0"), False)


# --- Charts ------------------------------------------------------------------------------


def test_the_column_chart_is_accessible_svg_without_style_attributes():
    svg = column_chart_svg(
        ["Q1 2026", "Q2 2026"],
        [("Planned", [4, 2]), ("Done", [3, None])],
        title="Visits <done>",
        description="Q1: 3 of 4",
        chart_id="visits-chart",
    )
    assert 'role="img"' in svg and 'aria-labelledby="visits-chart-title visits-chart-desc"' in svg
    assert '<title id="visits-chart-title">Visits &lt;done&gt;</title>' in svg
    assert "style=" not in svg
    assert svg.count('class="column-chart__column"') == 3
    assert svg.count('class="column-chart__missing"') == 1


def test_the_bar_chart_keeps_its_signature_and_can_have_ids_of_its_own():
    assert 'id="bar-chart-title"' in bar_chart_svg([("A", 1)], title="T", description="D")
    own = bar_chart_svg([("A", 1)], title="T", description="D", chart_id="themes")
    assert 'id="themes-title"' in own and 'id="themes-desc"' in own


# --- The page ----------------------------------------------------------------------------


def client_for(user, language: str = "en") -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


@pytest.fixture
def medical_advisor(world):
    return make_user("lege@test.no", world.org, Role.MEDICAL_ADVISOR)


@pytest.fixture(autouse=True)
def june(db):
    with time_machine.travel(at(TODAY), tick=False):
        yield


def test_the_page_has_a_chart_and_a_table_per_key_figure(world):
    visit = walkround(world.org, world.unit, date(2026, 4, 1), world.top_leader)
    signed(visit, at(date(2026, 4, 9)))

    response = client_for(world.top_leader).get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    for key in ("visits", "minutes", "actions", "feedback", "follow-ups"):
        assert f'id="{key}-chart-title"' in page
        assert f'id="{key}-table"' in page
    ids = re.findall(r'id="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    minutes = text(response).split('id="minutes-table"')[1].split("</table>")[0]
    cells = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", minutes))
    assert "Q2 2026 1 1 100.0 %" in cells
    assert "style=" not in page.split("<main")[1]


@pytest.mark.parametrize("name", ["top_leader", "coordinator", "secretary"])
def test_the_leadership_reads_the_key_figures(world, name):
    assert client_for(getattr(world, name)).get(URL).status_code == 200


def test_the_medical_advisor_reads_the_key_figures(world, medical_advisor):
    assert client_for(medical_advisor).get(URL).status_code == 200


@pytest.mark.parametrize("name", ["unit_leader", "admin"])
def test_other_roles_get_403(world, name):
    assert client_for(getattr(world, name)).get(URL).status_code == 403


def test_anonymous_users_are_sent_to_log_in(world):
    response = Client().get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_user_of_another_organisation_sees_only_their_own_figures(world):
    fill(world, world.org, world.unit, 3)

    page = text(client_for(world.outsider).get(URL))

    visits = page.split('id="visits-table"')[1].split("</table>")[0]
    assert set(re.findall(r"<td>(\d+)</td>", visits)) == {"0"}


def test_a_bad_period_says_so_in_norwegian_and_shows_the_default(world):
    response = client_for(world.top_leader, "nb").get(URL, {"years": "7"})

    assert response.status_code == 200
    assert "Velg et gyldig valg" in text(response)
    assert text(response).count('class="column-chart"') == 5


def test_a_shorter_period_shows_fewer_quarters(world):
    page = text(client_for(world.top_leader).get(URL, {"years": "1"}))
    table = page.split('id="visits-table"')[1].split("</table>")[0]
    assert table.count('<th scope="row">') == 2  # Q1 and Q2 2026


@pytest.mark.parametrize("n", [1, 15])
def test_the_page_is_bounded_in_queries(world, n, django_assert_max_num_queries):
    fill(world, world.org, world.unit, n)
    client = client_for(world.top_leader)
    with django_assert_max_num_queries(12) as queries:
        assert client.get(URL).status_code == 200
    assert sum("planning_visit" in q["sql"] for q in queries.captured_queries) <= 2
