"""The annual summary (issue 6): the figures of a hand-built year, the learning points,
the review with its decisions, locking, and who may do what."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.conftest import make_user
from tests.reports.annual_support import TODAY, YEAR, Year
from visitt.audit.models import AuditEvent
from visitt.followup.plans import Action
from visitt.organisations.models import Role
from visitt.planning.plan import AnnualPlan
from visitt.reports import services_annual as services
from visitt.reports.annual import AnnualSummary, SummaryDecision

PAGE = f"/arsoppsummering/{YEAR}/"
LIST = "/arsoppsummering/"
REVIEW = PAGE + "behandlet/"
DECISION = PAGE + "vedtak/"
RECOMPUTE = PAGE + "beregn/"
OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def client_for(db):
    def make(user) -> Client:
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


@pytest.fixture
def year(world) -> Year:
    return Year(world)


def review_data(version: int = 1, **extra) -> dict:
    return {
        "review-reviewed_on": "2026-02-20",
        "review-reviewed_in": "Ledergruppa",
        "review-version": str(version),
        **extra,
    }


# The figures ---------------------------------------------------------------------------


def test_the_figures_of_a_hand_built_year(world, year):
    figures = services.figures(world.org, YEAR)
    visits = figures["visits"]
    assert (visits["planned"], visits["done"], visits["not_done_past"]) == (3, 2, 1)
    assert visits["postponed_visits"] == 1
    assert visits["postponements"][0]["reason"] == "Sykdom i personalgruppen"
    assert visits["postponements"][0]["from_date"] == "2025-09-01"
    # Solbakken sykehjem is visited through its one ward: one unit to visit, reached.
    assert (visits["units_covered"], visits["units_active"]) == (1, 1)
    assert visits["units_through_sub_units"] == ["Solbakken sykehjem"]

    assert figures["problems"]["by_category"] == [["Fall", 1], ["Legemidler", 1]]
    assert figures["problems"]["total"] == 2  # not Annen kommune's

    actions = figures["actions"]
    assert dict(actions["by_status"]) == {
        "planned": 0,
        "in_progress": 1,
        "done": 1,
        "not_possible": 1,
    }
    assert actions["not_possible"] == [
        {
            "what": "Bygge om badene",
            "reason": "Krever ombygging som ikke er budsjettert",
            "problem": "Fall ved sengen",
            "unit": "Solbakken sykehjem",
        }
    ]

    times = figures["times"]
    assert (times["minutes_signed"], times["minutes_on_time"]) == (2, 1)
    assert times["days_to_signed_minutes"] == 8.5  # median of 2 and 15
    assert times["days_to_first_feedback"] == 33.0
    assert times["days_to_done_action"] == 30.0

    units_goal = next(g for g in figures["goals"] if g["measure"] == "units_visited")
    assert (units_goal["result"], units_goal["met"]) == (100.0, True)
    minutes_goal = next(g for g in figures["goals"] if g["measure"] == "minutes_on_time")
    assert (minutes_goal["result"], minutes_goal["met"]) == (50.0, False)
    follow_up_goal = next(g for g in figures["goals"] if g["measure"] == "follow_ups_done")
    assert (follow_up_goal["result"], follow_up_goal["met"]) == (0.0, False)


def test_the_key_figures_come_from_the_key_figures_module(world, year):
    figures = services.figures(world.org, YEAR)["key_figures"]
    assert (figures["visits_planned"], figures["visits_done"]) == (3, 2)
    assert figures["minutes_on_time"] == {"part": 1, "whole": 2, "percent": 50.0}
    # The done action was told in three days; the not-possible one never was.
    assert figures["feedback_in_time"] == {"part": 1, "whole": 2, "percent": 50.0}


def test_the_figures_are_json_safe(world, year):
    import json

    figures = services.figures(world.org, YEAR)
    assert json.loads(json.dumps(figures)) == figures


def test_the_figures_take_a_bounded_number_of_queries(world, year, django_assert_max_num_queries):
    year.more(world, 2)  # so that both sizes have a recurring category
    with django_assert_max_num_queries(30) as small:
        services.figures(world.org, YEAR)
    year.more(world, 8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        services.figures(world.org, YEAR)


# The page and the list -------------------------------------------------------------------


@pytest.mark.parametrize("user", ["top_leader", "coordinator", "secretary"])
def test_the_leadership_reads_the_page_and_the_list(world, year, client_for, user):
    client = client_for(getattr(world, user))
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Krever ombygging som ikke er budsjettert" in html
    assert "Sykdom i personalgruppen" in html
    assert 'role="img"' in html
    listing = client.get(LIST)
    assert listing.status_code == 200
    assert f'data-year="{YEAR}"' in listing.content.decode()


def test_only_the_top_leader_sees_the_forms(world, year, client_for):
    assert b'id="review-form"' in client_for(world.top_leader).get(PAGE).content
    assert b'id="review-form"' not in client_for(world.coordinator).get(PAGE).content


@pytest.mark.parametrize("user", ["unit_leader", "admin"])
def test_other_roles_get_403(world, year, client_for, user):
    client = client_for(getattr(world, user))
    for url in (LIST, PAGE, PAGE + "pdf/", PAGE + "word/"):
        assert client.get(url).status_code == 403
    owner = make_user("eier@test.no", world.org, Role.ACTION_OWNER)
    assert client_for(owner).get(PAGE).status_code == 403


@pytest.mark.parametrize("user", ["coordinator", "secretary"])
def test_readers_may_not_write(world, year, client_for, user):
    client = client_for(getattr(world, user))
    learning = {"learning-learning_points": "Lært", "learning-version": "1"}
    assert client.post(PAGE, learning).status_code == 403
    assert client.post(REVIEW, review_data()).status_code == 403
    assert client.post(DECISION, {"decision-text": "Vedtak"}).status_code == 403
    assert not AnnualSummary.objects.exists()


def test_a_year_without_a_plan_or_visits_is_404(world, year, client_for):
    client = client_for(world.top_leader)
    assert client.get("/arsoppsummering/1900/").status_code == 404
    assert client.get("/arsoppsummering/2019/").status_code == 404
    assert client.post("/arsoppsummering/2019/behandlet/", review_data()).status_code == 404


def test_another_organisation_gets_404_and_never_our_figures(world, year, client_for):
    AnnualPlan.objects.create(organisation=world.org, year=2023, owner=world.top_leader)
    mine = client_for(world.top_leader)
    assert mine.get("/arsoppsummering/2023/").status_code == 200
    mine.post(DECISION, {"decision-text": "Vårt vedtak"})
    client = client_for(world.outsider)
    # A year only Testkommune has: 404 for Annen kommune.
    for url in ("/arsoppsummering/2023/", "/arsoppsummering/2023/pdf/"):
        assert client.get(url).status_code == 404
    assert client.post("/arsoppsummering/2023/behandlet/", review_data()).status_code == 404
    # A year both have: Annen kommune sees its own summary, never ours.
    html = client.get(PAGE).content.decode()
    assert "Solbakken" not in html and "Krever ombygging" not in html
    assert "Vårt vedtak" not in html
    assert "2023" not in client.get(LIST).content.decode()
    assert AnnualSummary.objects.filter(organisation=world.other_org).count() == 0


def test_the_page_takes_a_bounded_number_of_queries(
    world, year, client_for, django_assert_max_num_queries
):
    client = client_for(world.top_leader)
    year.more(world, 2)
    with django_assert_max_num_queries(45) as small:
        assert client.get(PAGE).status_code == 200
    year.more(world, 8)
    services.forget_figures(world.org, YEAR)  # computed again, not read from the cache
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(PAGE).status_code == 200


# The draft's figures are kept for a few minutes ----------------------------------------------


def test_the_page_pdf_and_word_reuse_the_figures_and_say_when_they_were_computed(
    world, year, client_for, django_assert_max_num_queries
):
    client = client_for(world.top_leader)
    with django_assert_max_num_queries(45) as computed:
        html = client.get(PAGE).content.decode()
    assert "the figures were computed from the data at 1 a.m. on 2. March 2026" in html
    with django_assert_max_num_queries(len(computed.captured_queries) - 10):
        assert client.get(PAGE).status_code == 200
    with django_assert_max_num_queries(len(computed.captured_queries) - 10):
        assert client.get(PAGE + "word/").status_code == 200


def test_changed_data_shows_when_the_figures_are_computed_again(world, year, client_for):
    client = client_for(world.top_leader)
    assert "Ny grunn" not in client.get(PAGE).content.decode()
    Action.objects.filter(pk=year.in_progress.pk).update(
        status=Action.Status.NOT_POSSIBLE, reason="Ny grunn"
    )
    assert "Ny grunn" not in client.get(PAGE).content.decode()  # the kept figures

    with time_machine.travel(datetime(2026, 3, 2, 1, 7, tzinfo=OSLO), tick=False):
        response = client.post(RECOMPUTE, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "The figures are computed again from the data as it is now." in html
    assert "Ny grunn" in html
    assert "computed from the data at 1:07 a.m." in html
    assert not AnnualSummary.objects.exists()  # computing again writes nothing


def test_the_kept_figures_expire(world, year, client_for):
    client = client_for(world.top_leader)
    client.get(PAGE)
    Action.objects.filter(pk=year.in_progress.pk).update(
        status=Action.Status.NOT_POSSIBLE, reason="Ny grunn"
    )
    later = timezone.now() + timedelta(seconds=services.FIGURES_CACHE_SECONDS + 60)
    with time_machine.travel(later, tick=False):
        assert "Ny grunn" in client.get(PAGE).content.decode()


def test_a_reviewed_summary_is_not_computed_again(world, year, client_for):
    client = client_for(world.top_leader)
    client.post(REVIEW, review_data())
    before = AnnualSummary.objects.values().get()
    response = client.post(RECOMPUTE, follow=True)
    assert "it is locked like signed minutes" in response.content.decode()
    assert b"Compute the figures again" not in response.content
    assert AnnualSummary.objects.values().get() == before


def test_computing_again_is_for_the_leadership_of_the_organisation(world, year, client_for):
    assert client_for(world.coordinator).post(RECOMPUTE).status_code == 302
    assert client_for(world.unit_leader).post(RECOMPUTE).status_code == 403
    AnnualPlan.objects.create(organisation=world.org, year=2023, owner=world.top_leader)
    outsider = client_for(world.outsider)
    assert outsider.post("/arsoppsummering/2023/beregn/").status_code == 404
    assert client_for(world.top_leader).get(PAGE.replace(str(YEAR), "2023")).status_code == 200
    assert client_for(world.top_leader).get(RECOMPUTE).status_code == 405


# Learning points -------------------------------------------------------------------------


def test_the_top_leader_saves_learning_points(world, year, client_for):
    client = client_for(world.top_leader)
    response = client.post(
        PAGE,
        {"learning-learning_points": "Fallforebygging virker.", "learning-version": "1"},
    )
    assert response.status_code == 302
    summary = AnnualSummary.objects.get()
    assert summary.learning_points == "Fallforebygging virker."
    assert summary.version == 2
    assert summary.created_by == world.top_leader
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ANNUAL_SUMMARY_CHANGED).count() == 1
    assert "Fallforebygging virker." in client.get(PAGE).content.decode()


def test_a_stale_version_is_refused_and_nothing_changes(world, year, client_for):
    client = client_for(world.top_leader)
    client.post(PAGE, {"learning-learning_points": "Første", "learning-version": "1"})
    response = client.post(PAGE, {"learning-learning_points": "Andre", "learning-version": "1"})
    assert response.status_code == 409
    assert "Someone else saved this" in response.content.decode()
    assert AnnualSummary.objects.get().learning_points == "Første"


def test_personal_data_in_the_learning_points_asks_for_a_reason(world, year, client_for):
    client = client_for(world.top_leader)
    data = {"learning-learning_points": "Ring 912 34 567 om saken", "learning-version": "1"}
    response = client.post(PAGE, data)
    assert response.status_code == 422
    assert AnnualSummary.objects.get().learning_points == ""


def test_bad_input_gives_a_message_and_changes_nothing(world, year, client_for):
    client = client_for(world.top_leader)
    response = client.post(PAGE, {"learning-learning_points": "x"})  # no version
    assert response.status_code == 400
    response = client.post(REVIEW, review_data(**{"review-reviewed_on": "2027-01-01"}))
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    response = client.post(REVIEW, review_data(**{"review-reviewed_on": "2024-12-31"}))
    assert response.status_code == 400
    response = client.post(DECISION, {"decision-text": ""})
    assert response.status_code == 400
    assert not AnnualSummary.objects.filter(reviewed_on__isnull=False).exists()
    assert not SummaryDecision.objects.exists()


# Decisions and the review ----------------------------------------------------------------


def test_decisions_are_recorded_before_and_at_the_review(world, year, client_for):
    client = client_for(world.top_leader)
    response = client.post(
        DECISION,
        {
            "decision-text": "Fall som fast tema i ledermøtet",
            "decision-responsible": "Kommunalsjef",
            "decision-due_date": "2026-06-01",
        },
    )
    assert response.status_code == 302
    response = client.post(
        REVIEW,
        review_data(
            **{
                "review-decision_0_text": "Nye visitter på alle sykehjem",
                "review-decision_0_responsible": "Koordinator",
            }
        ),
    )
    assert response.status_code == 302
    summary = AnnualSummary.objects.get()
    assert summary.is_locked
    assert (summary.reviewed_on, summary.reviewed_in) == (date(2026, 2, 20), "Ledergruppa")
    assert summary.reviewed_by == world.top_leader
    assert [d.text for d in summary.decisions.all()] == [
        "Fall som fast tema i ledermøtet",
        "Nye visitter på alle sykehjem",
    ]
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count(AuditEvent.Action.ANNUAL_SUMMARY_DECISION) == 2
    assert actions.count(AuditEvent.Action.ANNUAL_SUMMARY_REVIEWED) == 1
    html = client.get(PAGE).content.decode()
    assert "Nye visitter på alle sykehjem" in html
    assert 'data-locked="true"' in html


def test_after_the_review_the_page_shows_the_frozen_figures(world, year, client_for):
    client = client_for(world.top_leader)
    client.post(REVIEW, review_data())
    summary = AnnualSummary.objects.get()
    assert summary.snapshot["actions"]["not_possible"][0]["what"] == "Bygge om badene"
    # The data changes after the review ...
    Action.objects.filter(pk=year.in_progress.pk).update(
        status=Action.Status.NOT_POSSIBLE, reason="Ny grunn etter behandlingen"
    )
    year.more(world, 2)
    # ... but what was reviewed does not.
    html = client.get(PAGE).content.decode()
    assert "Ny grunn etter behandlingen" not in html
    assert "Enhet 0" not in html
    assert services.summary_content(summary) == summary.snapshot
    # Fresh figures would have shown it.
    assert services.figures(world.org, YEAR)["actions"]["not_possible"][1]["reason"] == (
        "Ny grunn etter behandlingen"
    )


def test_after_the_review_nothing_changes(world, year, client_for):
    client = client_for(world.top_leader)
    client.post(PAGE, {"learning-learning_points": "Lært", "learning-version": "1"})
    client.post(REVIEW, review_data(version=2))
    before = AnnualSummary.objects.values().get()
    events = AuditEvent.objects.count()

    response = client.post(PAGE, {"learning-learning_points": "Endret", "learning-version": "3"})
    assert response.status_code == 409
    assert "it is locked like signed minutes" in response.content.decode()
    response = client.post(DECISION, {"decision-text": "For sent"})
    assert response.status_code == 409
    response = client.post(REVIEW, review_data(version=3, **{"review-reviewed_in": "Igjen"}))
    assert response.status_code == 409

    assert AnnualSummary.objects.values().get() == before
    assert not SummaryDecision.objects.exists()
    assert AuditEvent.objects.count() == events


def test_the_services_refuse_a_locked_summary(world, year):
    summary = services.get_or_start(world.org, YEAR, world.top_leader)
    services.record_review(summary, date(2026, 2, 20), "Ledergruppa", world.top_leader)
    with pytest.raises(services.AnnualSummaryError):
        services.save_learning_points(summary, "x", summary.version, world.top_leader)
    with pytest.raises(services.AnnualSummaryError):
        services.add_decision(summary, "x", "", None, world.top_leader)
    with pytest.raises(services.AnnualSummaryError):
        services.record_review(summary, date(2026, 2, 21), "Igjen", world.top_leader)
    summary.refresh_from_db()
    assert (summary.reviewed_on, summary.learning_points) == (date(2026, 2, 20), "")


def test_the_list_shows_the_status_of_each_year(world, year, client_for):
    client = client_for(world.top_leader)
    assert 'data-status="not-started"' in client.get(LIST).content.decode()
    client.post(REVIEW, review_data())
    assert 'data-status="reviewed"' in client.get(LIST).content.decode()


def test_a_reason_lets_a_warned_text_through_and_is_audited(world, year, client_for):
    client = client_for(world.top_leader)
    data = {
        "learning-learning_points": "Ring 912 34 567 om saken",
        "learning-version": "1",
        "learning-override_reason": "Sentralbordet, ikke en person",
    }
    assert client.post(PAGE, data).status_code == 302
    assert AnnualSummary.objects.get().learning_points == "Ring 912 34 567 om saken"
    event = AuditEvent.objects.get(action=AuditEvent.Action.PERSONAL_DATA_OVERRIDE)
    assert event.actor == world.top_leader
    assert "912" not in str(event.data)


def test_a_decision_row_without_text_is_refused(world, year, client_for):
    client = client_for(world.top_leader)
    response = client.post(REVIEW, review_data(**{"review-decision_1_responsible": "Kommunalsjef"}))
    assert response.status_code == 400
    assert "Write the decision." in response.content.decode()
    assert not AnnualSummary.objects.filter(reviewed_on__isnull=False).exists()


def test_the_list_takes_a_bounded_number_of_queries(
    world, year, client_for, django_assert_max_num_queries
):
    client = client_for(world.top_leader)
    with django_assert_max_num_queries(12) as small:
        client.get(LIST)
    AnnualPlan.objects.create(organisation=world.org, year=2023, owner=world.top_leader)
    AnnualSummary.objects.create(organisation=world.org, year=2023)
    year.more(world, 5)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(LIST)


def test_survey_results_show_means_only_with_five_answers(world, year, client_for):
    survey_module = pytest.importorskip("visitt.improvement.services_survey")
    from visitt.improvement.survey import PulseAnswer, PulseResponse, PulseStatement, PulseSurvey

    assert survey_module.results_for_year

    def survey(title: str, answers: list[int]) -> None:
        made = PulseSurvey.objects.create(
            organisation=world.org,
            unit=world.unit,
            title=title,
            opens_on=date(2025, 2, 1),
            closes_on=date(2025, 2, 14),
        )
        statement = PulseStatement.objects.create(survey=made, text="Jeg kan si fra om feil")
        for score in answers:
            response = PulseResponse.objects.create(survey=made, answered_on=date(2025, 2, 3))
            PulseAnswer.objects.create(response=response, statement=statement, score=score)

    survey("Før visitten", [4, 4, 5, 3, 4])
    survey("For få svar", [1, 1])
    surveys = {s["title"]: s for s in services.figures(world.org, YEAR)["surveys"]}
    assert surveys["Før visitten"]["statements"] == [["Jeg kan si fra om feil", 4.0]]
    assert (surveys["For få svar"]["count"], surveys["For få svar"]["shown"]) == (2, False)
    assert surveys["For få svar"]["statements"] == []
    html = client_for(world.top_leader).get(PAGE).content.decode()
    assert "Jeg kan si fra om feil: 4.0" in html
    assert "Shown when at least five have answered." in html
