"""Learning across units: the theme analysis and the search (issue 6)."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import World, make_user
from visitt.followup.plans import Action
from visitt.followup.review import FollowUpReview
from visitt.organisations.models import Organisation, Role, Unit
from visitt.planning.models import Visit
from visitt.walkround.conduct import Debrief, VisitNote
from visitt.walkround.problems import Problem, ProblemCategory
from visitt.walkround.questions import Theme

THEMES = "/analyse/temaer/"
SEARCH = "/sok/"


@pytest.fixture
def client_for(db):
    def make(user) -> Client:
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


def visit_at(
    org: Organisation, unit: Unit, day: date, leader, *, status=Visit.Status.CONDUCTED
) -> Visit:
    return Visit.objects.create(
        organisation=org,
        unit=unit,
        date=day,
        visit_leader=leader,
        created_by=leader,
        status=status,
    )


def problem(visit: Visit, number: int, title: str, category=None, theme="", **extra) -> Problem:
    return Problem.objects.create(
        visit=visit,
        number=number,
        title=title,
        category=category,
        theme=theme,
        created_by=visit.visit_leader,
        **extra,
    )


class Data:
    """Testkommune: falls found in three units in 2025 and again in the nursing home
    in 2026; medication once. Annen kommune: falls in its own unit (never counted)."""

    def __init__(self, world: World) -> None:
        org, leader = world.org, world.coordinator
        self.falls = ProblemCategory.objects.create(organisation=org, name="Fall", order=1)
        self.medication = ProblemCategory.objects.create(
            organisation=org, name="Legemidler", order=2
        )
        self.home_care = Unit.objects.create(organisation=org, name="Hjemmetjenesten")
        v1 = visit_at(org, world.unit, date(2025, 3, 1), leader)
        v2 = visit_at(org, world.ward, date(2025, 4, 1), leader)
        v3 = visit_at(org, self.home_care, date(2025, 5, 1), leader)
        v4 = visit_at(org, world.unit, date(2026, 2, 1), leader)
        planned = visit_at(org, world.unit, date(2026, 9, 1), leader, status=Visit.Status.PLANNED)
        self.visits = [v1, v2, v3, v4]
        self.p1 = problem(
            v1,
            1,
            "Fall ved sengen",
            self.falls,
            Theme.ENVIRONMENT,
            description="Sklisikre sokker mangler",
        )
        problem(v1, 2, "Feil i legemiddelliste", self.medication, Theme.COMMUNICATION)
        problem(v2, 1, "Fall i gangen", self.falls, Theme.ENVIRONMENT)
        problem(v3, 1, "Fall på badet", self.falls)
        problem(v4, 1, "Fall igjen", self.falls, Theme.ENVIRONMENT)
        problem(v4, 2, "Uten kategori", None)
        problem(planned, 1, "Planlagt, ikke gjennomført", self.falls)
        self.action = Action.objects.create(
            problem=self.p1,
            what="Kjøpe sklisikre sokker",
            progress_note="Bestilt hos leverandøren",
            created_by=leader,
        )
        self.review = FollowUpReview.objects.create(
            visit=v4, problem=self.p1, comment="Færre fall etter sokkene"
        )
        # The other organisation, with words that match the searches.
        other_leader = world.outsider
        other_falls = ProblemCategory.objects.create(organisation=world.other_org, name="Fall")
        ov = visit_at(world.other_org, world.other_unit, date(2025, 3, 1), other_leader)
        op = problem(ov, 1, "Hemmeleg fall sokker", other_falls, Theme.ENVIRONMENT)
        Action.objects.create(problem=op, what="Hemmeleg tiltak sokker", created_by=other_leader)


@pytest.fixture
def data(world) -> Data:
    return Data(world)


# Access ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", [THEMES, SEARCH, SEARCH + "?q=fall"])
def test_unit_leader_and_action_owner_are_refused(world, data, client_for, url):
    owner = make_user("eier@test.no", world.org, Role.ACTION_OWNER)
    assert client_for(world.unit_leader).get(url).status_code == 403
    assert client_for(owner).get(url).status_code == 403
    assert client_for(world.admin).get(url).status_code == 403


@pytest.mark.parametrize("url", [THEMES, SEARCH])
def test_anonymous_is_sent_to_sign_in(db, client, url):
    assert client.get(url).status_code == 302


@pytest.mark.parametrize("user", ["top_leader", "coordinator", "secretary"])
def test_leadership_sees_the_pages_and_the_menu_item(world, data, client_for, user):
    response = client_for(getattr(world, user)).get(THEMES)
    assert response.status_code == 200
    # The menu's "Learning" is the current item, and the hub leads here.
    assert b'href="/analyse/" aria-current="page"' in response.content
    hub = client_for(getattr(world, user)).get("/analyse/")
    assert b'href="/analyse/temaer/"' in hub.content
    assert client_for(getattr(world, user)).get(SEARCH).status_code == 200


def test_unit_leader_is_not_led_to_the_theme_analysis(world, client_for):
    response = client_for(world.unit_leader).get("/analyse/")
    assert response.status_code == 200
    assert b'href="/analyse/temaer/"' not in response.content


# Counts ---------------------------------------------------------------------------


def test_the_table_counts_only_this_organisations_conducted_visits(world, data, client_for):
    response = client_for(world.top_leader).get(THEMES)
    analysis = response.context["analysis"]
    assert [c.name for c in analysis.columns] == ["Fall", "Legemidler", "No category"]
    table = {row.unit.name: row.counts for row in analysis.rows}
    assert table == {
        "Avdeling 1": [1, 0, 0],
        "Hjemmetjenesten": [1, 0, 0],
        "Solbakken sykehjem": [2, 1, 1],
    }
    assert analysis.column_totals == [4, 1, 1]
    assert analysis.total == 6
    themes = {value: n for value, _, n in analysis.themes}
    assert themes[Theme.ENVIRONMENT] == 3
    assert themes[Theme.COMMUNICATION] == 1
    body = response.content.decode()
    assert "Hemmeleg" not in body
    assert "Planlagt" not in body
    assert 'role="img"' in body and "<title" in body and "<desc" in body
    assert "style=" not in response.context["chart"]


def test_the_year_filter(world, data, client_for):
    response = client_for(world.top_leader).get(THEMES, {"year": 2026})
    analysis = response.context["analysis"]
    assert analysis.total == 2
    assert [row.unit.name for row in analysis.rows] == ["Solbakken sykehjem"]
    assert analysis.recurring == []


def test_the_unit_filter_takes_the_units_below(world, data, client_for):
    response = client_for(world.top_leader).get(THEMES, {"unit": world.unit.pk})
    analysis = response.context["analysis"]
    assert {row.unit.name for row in analysis.rows} == {"Solbakken sykehjem", "Avdeling 1"}
    assert analysis.total == 5


def test_another_organisations_unit_is_not_a_valid_filter(world, data, client_for):
    response = client_for(world.top_leader).get(THEMES, {"unit": world.other_unit.pk})
    assert response.status_code == 200
    assert response.context["unit"] is None
    assert response.context["analysis"].total == 6


def test_the_other_organisation_sees_only_its_own(world, data, client_for):
    response = client_for(world.outsider).get(THEMES)
    analysis = response.context["analysis"]
    assert analysis.total == 1
    assert [row.unit.name for row in analysis.rows] == ["Hemmeleg eining"]
    assert "Solbakken" not in response.content.decode()


# Recurring ------------------------------------------------------------------------


def test_recurring_flags(world, data, client_for):
    response = client_for(world.top_leader).get(THEMES)
    recurring = response.context["analysis"].recurring
    assert [item.category.name for item in recurring] == ["Fall"]
    falls = recurring[0]
    assert falls.across_units
    assert [u.name for u in falls.recurring_units] == ["Solbakken sykehjem"]
    assert len(falls.units) == 3
    assert [v.visit_id for v in falls.visits] == [v.pk for v in data.visits]
    body = response.content.decode()
    for visit in data.visits:
        assert f'href="/visitter/{visit.pk}/tiltaksplan/"' in body
    assert 'data-flag="across-units"' in body
    assert 'data-flag="recurring-in-unit"' in body


def test_recurring_in_the_unit_only(world, data, client_for):
    response = client_for(world.top_leader).get(THEMES, {"unit": world.unit.pk})
    (falls,) = response.context["analysis"].recurring
    assert not falls.across_units  # two units within the subtree
    assert [u.name for u in falls.recurring_units] == ["Solbakken sykehjem"]


# Bounded queries ------------------------------------------------------------------


def _more_data(world: World, extra_units: int) -> None:
    falls = ProblemCategory.objects.get(organisation=world.org, name="Fall")
    for n in range(extra_units):
        unit = Unit.objects.create(organisation=world.org, name=f"Enhet {n}")
        for year in (2025, 2026):
            visit = visit_at(world.org, unit, date(year, 6, 1), world.coordinator)
            p = problem(visit, 1, f"Fall {n} {year}", falls, Theme.TEAMWORK)
            Action.objects.create(problem=p, what=f"Tiltak fall {n}", created_by=world.coordinator)


def _count_queries(client: Client, url: str, params: dict) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize(("url", "params"), [(THEMES, {}), (SEARCH, {"q": "fall"})])
def test_queries_do_not_grow_with_the_data(world, data, client_for, url, params):
    client = client_for(world.top_leader)
    client.get(url, params)  # warm up (session, site caches)
    small = _count_queries(client, url, params)
    _more_data(world, 12)
    large = _count_queries(client, url, params)
    assert small == large


def test_theme_page_query_budget(world, data, client_for, django_assert_max_num_queries):
    client = client_for(world.top_leader)
    with django_assert_max_num_queries(14):
        client.get(THEMES)


# Search ---------------------------------------------------------------------------


def test_search_finds_each_kind_and_links(world, data, client_for):
    response = client_for(world.top_leader).get(SEARCH, {"q": "SOKK"})
    hits = response.context["hits"]
    kinds = {hit.kind for hit in hits}
    assert kinds == {"problem", "action", "review"}
    body = response.content.decode()
    plan = f"/visitter/{data.visits[0].pk}/tiltaksplan/"
    assert f'href="{plan}#problem-1"' in body
    assert f'href="{plan}#action-{data.action.pk}"' in body
    assert f'href="/visitter/{data.visits[3].pk}/oppfolging/"' in body
    assert "Hemmeleg" not in body


def test_search_in_progress_notes(world, data, client_for):
    hits = client_for(world.top_leader).get(SEARCH, {"q": "leverandør"}).context["hits"]
    assert [(h.kind, h.title) for h in hits] == [("action", "Kjøpe sklisikre sokker")]


def test_search_is_scoped_to_the_organisation(world, data, client_for):
    hits = client_for(world.outsider).get(SEARCH, {"q": "sokker"}).context["hits"]
    assert {h.title for h in hits} == {"Hemmeleg fall sokker", "Hemmeleg tiltak sokker"}


def test_search_skips_visits_not_conducted(world, data, client_for):
    hits = client_for(world.top_leader).get(SEARCH, {"q": "planlagt"}).context["hits"]
    assert hits == []


def test_search_needs_two_characters(world, data, client_for):
    response = client_for(world.top_leader).get(SEARCH, {"q": "f"})
    assert response.status_code == 200
    assert response.context["hits"] == []
    assert response.context["form"].errors


def test_search_never_reads_the_confidential_notes(world, data, client_for):
    visit = data.visits[0]
    VisitNote.objects.create(visit=visit, text="Hemmelig notat xyzzy")
    Debrief.objects.create(visit=visit, went_well="xyzzy", could_be_better="xyzzy")
    hits = client_for(world.top_leader).get(SEARCH, {"q": "xyzzy"}).context["hits"]
    assert hits == []


def test_search_is_paginated(world, data, client_for):
    _more_data(world, 15)  # 30 more problems and actions with "fall"
    client = client_for(world.top_leader)
    first = client.get(SEARCH, {"q": "fall"})
    assert first.context["page"].paginator.num_pages == 3
    assert "side=2" in first.content.decode()
    second = client.get(SEARCH, {"q": "fall", "side": 2})
    assert second.context["page"].number == 2
