"""The demo's two years (visitt.followup.demo_history and the modules after it): last year
complete, this year under way, so that every dashboard, chart, theme table and the
annual summary show something real from the first click, whatever the day."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from io import StringIO
from statistics import mean

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from visitt.accounts.models import User
from visitt.core.personal_data import scan
from visitt.core.workdays import is_working_day
from visitt.followup import demo_history
from visitt.followup.feedback import Feedback
from visitt.followup.minutes import Minutes
from visitt.followup.plans import Action, Aim, Measure
from visitt.followup.review import FollowUpReview
from visitt.improvement.demo_history import AFTER, BEFORE, OPEN_NOW
from visitt.improvement.library import LibraryEntry
from visitt.improvement.models import MeasurePoint, PdsaCycle
from visitt.improvement.runchart import analyse
from visitt.improvement.survey import MIN_RESPONSES, PulseAnswer, PulseResponse, PulseSurvey
from visitt.organisations.demo import seed_demo
from visitt.organisations.models import Organisation
from visitt.planning.plan import AnnualPlan
from visitt.planning.visits import OSLO, Postponement, Visit
from visitt.reports import dashboard, themes
from visitt.reports.annual import AnnualSummary, SummaryDecision
from visitt.reports.meetings import LeadershipMeeting
from visitt.walkround.problems import Problem, ProblemCategory

SESSION_DAY = date(2026, 11, 23)
MODELS = (
    AnnualPlan,
    Visit,
    Postponement,
    Problem,
    Aim,
    Measure,
    Action,
    MeasurePoint,
    PdsaCycle,
    Minutes,
    Feedback,
    FollowUpReview,
    LibraryEntry,
    PulseSurvey,
    PulseResponse,
    PulseAnswer,
    LeadershipMeeting,
    AnnualSummary,
    SummaryDecision,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def seed_on(day: date) -> None:
    with time_machine.travel(datetime.combine(day, time(9, 0), OSLO), tick=False):
        seed_demo()


def kommune() -> Organisation:
    return Organisation.objects.get(name="Demo kommune")


@pytest.mark.django_db
def test_both_years_are_there_and_last_year_is_complete():
    seed_on(SESSION_DAY)
    org = kommune()

    assert set(AnnualPlan.objects.filter(organisation=org).values_list("year", flat=True)) == {
        2025,
        2026,
    }
    last = Visit.objects.filter(organisation=org, date__year=2025)
    main = last.filter(kind=Visit.Kind.MAIN)
    assert 8 <= main.count() <= 10
    assert len({v.unit_id for v in main}) >= 7
    for visit in last:
        assert is_working_day(visit.date) and visit.date.month != 7, visit
        # The cycle is closed: minutes signed, follow-up held and reviewed.
        assert visit.status == Visit.Status.CLOSED, visit
        assert visit.minutes.status == Minutes.Status.SIGNED
    assert last.filter(kind=Visit.Kind.FOLLOW_UP).count() == main.count()
    assert (
        FollowUpReview.objects.filter(visit__in=last).count()
        == Problem.objects.filter(visit__in=main).count()
    )
    # One postponed once, with its reason; none cancelled (the method never cancels).
    postponement = Postponement.objects.get(visit__in=main)
    assert postponement.reason and postponement.to_date == postponement.visit.date
    # Minutes: most within four working days, a couple late.
    on_time = Counter(
        m.signed_at.astimezone(OSLO).date() <= m.deadline
        for m in Minutes.objects.filter(visit__in=main)
    )
    assert on_time[True] >= 5 and on_time[False] == 2
    # This year is under way.
    assert Visit.objects.filter(organisation=org, date__year=2026).conducted().exists()


@pytest.mark.django_db
def test_last_years_actions_feedback_and_pdsa():
    seed_on(SESSION_DAY)
    actions = list(Action.objects.filter(problem__visit__date__year=2025))
    statuses = Counter(a.status for a in actions)
    assert statuses["done"] > len(actions) / 2
    assert statuses["not_possible"] == 2 and statuses["in_progress"] >= 1
    done = [a for a in actions if a.status == "done"]
    late = [a for a in done if a.finished_at.astimezone(OSLO).date() > a.due_date]
    assert 1 <= len(late) < len(done) / 2
    for action in actions:
        if action.status == "not_possible":
            assert action.reason
    finished = [a for a in actions if a.status in Action.FINISHED]
    assert Feedback.objects.filter(action__in=finished).count() == len(finished)
    decisions = set(
        PdsaCycle.objects.filter(action__problem__visit__date__year=2025).values_list(
            "decision", flat=True
        )
    )
    assert decisions == {"adopt", "adapt", "abandon"}


@pytest.mark.django_db
def test_the_theme_analysis_finds_recurring_problems():
    seed_on(SESSION_DAY)
    org = kommune()
    categories = list(ProblemCategory.objects.filter(organisation=org))
    result = themes.analyse(themes.problems_in_scope(org), list(org.units.all()), categories)

    recurring = {r.category.name: r for r in result.recurring}
    assert recurring["Legemiddelhåndtering"].across_units
    assert len(recurring["Legemiddelhåndtering"].units) >= 3
    # Falls come back at Solbakken avdeling 1 this year.
    assert "SOL-1" in {unit.code for unit in recurring["Fall"].recurring_units}


@pytest.mark.django_db
def test_some_of_last_years_measures_show_an_improvement_and_some_do_not():
    seed_on(SESSION_DAY)
    signals = []
    for measure in Measure.objects.filter(problem__visit__date__year=2025):
        values = [float(p.value) for p in measure.points.order_by("period")]
        result = analyse(values)
        signals.append(result.signal)
        if result.signal:
            wanted = "down" if measure.better == "lower" else "up"
            assert result.direction == wanted, measure
    assert signals.count(True) >= 2 and signals.count(False) >= 2


@pytest.mark.django_db
def test_two_library_entries_from_done_improving_actions():
    seed_on(SESSION_DAY)
    entries = list(LibraryEntry.objects.select_related("action__problem__visit"))
    assert len(entries) == 2
    for entry in entries:
        assert entry.organisation == kommune()
        assert entry.action.status == Action.Status.DONE
        assert entry.action.problem.visit.date.year == 2025
        assert entry.title and entry.summary and entry.result and entry.advice


@pytest.mark.django_db
def test_the_pulse_surveys_before_after_and_one_open_under_the_threshold():
    seed_on(SESSION_DAY)
    surveys = list(PulseSurvey.objects.order_by("opens_on"))
    before, after, open_now = surveys
    assert before.unit == after.unit and before.visit == after.visit
    assert before.closes_on < before.visit.date < after.opens_on
    assert before.responses.count() >= max(8, MIN_RESPONSES)
    assert after.responses.count() >= max(8, MIN_RESPONSES)

    def average(survey: PulseSurvey) -> float:
        return mean(
            PulseAnswer.objects.filter(response__survey=survey).values_list("score", flat=True)
        )

    assert average(after) > average(before)
    # Open now, with three answers: below the threshold, so no results are shown.
    assert open_now.opens_on < SESSION_DAY < open_now.closes_on
    assert 0 < open_now.responses.count() < MIN_RESPONSES
    assert all(r.answered_on <= SESSION_DAY for r in open_now.responses.all())
    assert open_now.statements.filter(text__startswith="Ville du likt").exists()
    assert (len(BEFORE), len(AFTER), len(OPEN_NOW)) == (10, 9, 3)


@pytest.mark.django_db
def test_leadership_meetings_and_the_annual_summaries():
    seed_on(SESSION_DAY)
    meetings = list(LeadershipMeeting.objects.order_by("-held_on"))
    assert len(meetings) >= 3
    assert 21 <= (SESSION_DAY - meetings[0].held_on).days <= 35
    assert meetings[0].covers_from == meetings[1].held_on

    last = AnnualSummary.objects.get(year=2025)
    assert last.is_locked and last.reviewed_on.month == 2 and last.reviewed_on.year == 2026
    assert last.reviewed_in == "Ledergruppa og hovedutvalg for helse og omsorg"
    assert last.learning_points and 2 <= last.decisions.count() <= 3
    assert last.snapshot is not None  # frozen as the review does
    draft = AnnualSummary.objects.get(year=2026)
    assert not draft.is_locked and draft.learning_points


@pytest.mark.django_db
def test_the_top_leader_sees_one_overdue_minutes_on_the_start_page(client):
    seed_on(SESSION_DAY)
    listing = dashboard.minutes_pending(kommune(), SESSION_DAY)
    assert listing.count == 1
    assert [row.state for row in listing.rows] == ["overdue"]
    client.force_login(User.objects.get(email="toppleder@demo.visitt.no"))
    with time_machine.travel(datetime.combine(SESSION_DAY, time(9, 0), OSLO), tick=False):
        assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_seeding_again_changes_nothing_even_on_another_day():
    seed_on(SESSION_DAY)
    first = counts()
    seed_on(SESSION_DAY)
    assert counts() == first
    history = Visit.objects.filter(date__year=2025).count()
    seed_on(SESSION_DAY + timedelta(days=20))
    assert Visit.objects.filter(date__year=2025).count() == history
    assert PulseSurvey.objects.count() == first["PulseSurvey"]
    assert AnnualSummary.objects.count() == first["AnnualSummary"]


def seed_command(day: date) -> None:
    with time_machine.travel(datetime.combine(day, time(9, 0), OSLO), tick=False):
        call_command("seed_demo", today=day.isoformat(), stdout=StringIO())


@pytest.mark.django_db
@pytest.mark.parametrize("today", [date(2027, 1, 4), date(2026, 12, 14), date(2026, 6, 2)])
def test_any_day_gives_a_complete_last_year_and_nothing_in_the_future(today):
    seed_command(today)
    seed_command(today)  # and a second run changes nothing
    org = kommune()
    last = Visit.objects.filter(organisation=org, date__year=today.year - 1)
    assert last.filter(kind=Visit.Kind.MAIN).count() >= 8
    assert not last.exclude(status=Visit.Status.CLOSED).exists()
    end = datetime.combine(today, time(0, 0), OSLO)
    assert not Minutes.objects.filter(signed_at__gte=end).exists()
    assert not Feedback.objects.filter(sent_at__gte=end).exists()
    assert not Action.objects.filter(finished_at__gte=end).exists()
    assert not PulseResponse.objects.filter(answered_on__gt=today).exists()
    assert not LeadershipMeeting.objects.filter(held_on__gte=today).exists()
    assert not AnnualSummary.objects.filter(reviewed_on__gte=today).exists()
    assert not MeasurePoint.objects.filter(period__gte=today.replace(day=1)).exists()
    # In January last year's summary still waits for the leadership group's meeting.
    assert AnnualSummary.objects.get(year=today.year - 1).is_locked == (today.month > 2)
    assert dashboard.minutes_pending(org, today).count <= 1


def test_every_history_text_passes_the_personal_data_guard():
    texts = []
    for past in demo_history.PAST_VISITS:
        for problem in past.problems:
            texts += [problem.problem.title, problem.problem.description, problem.aim]
            texts += [problem.target, problem.review[2]]
            texts += [f"{a.what}\n{a.reason}\n{a.progress_note}" for a in problem.actions]
    texts += [demo_history.POSTPONEMENT_REASON, *demo_history.WENT_WELL]
    texts += list(demo_history.COULD_BE_BETTER)
    for text in texts:
        assert scan(text) == [], text
