"""Incident counts: the list (who sees it, the unit filter, bounded queries) and recording
one count by hand."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from tests.conftest import World, make_user
from visitt.audit.models import AuditEvent
from visitt.organisations.models import Role, Unit
from visitt.planning.incidents import months_before, parse_month
from visitt.planning.preparation import IncidentCount

LIST = reverse("incident_list")
CREATE = reverse("incident_create")


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English, the msgids, whatever the catalogues say."""
    with translation.override("en"):
        yield


@pytest.fixture
def client_for(client_for, settings):
    """Signed-in clients that have chosen English (see english())."""

    def make(user):
        client = client_for(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def add_count(world: World, unit: Unit | None = None, **fields) -> IncidentCount:
    values = {
        "organisation": world.org,
        "unit": unit or world.unit,
        "period": date(2025, 3, 1),
        "category": "Legemiddelhåndtering",
        "severity": IncidentCount.Severity.NONE,
        "count": 4,
        "created_by": world.coordinator,
    }
    values.update(fields)
    return IncidentCount.objects.create(**values)


# --- Months ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03", date(2025, 3, 1)),
        ("2025-3", date(2025, 3, 1)),
        ("2025/03", date(2025, 3, 1)),
        ("2025-03-01", date(2025, 3, 1)),
        ("01.03.2025", date(2025, 3, 1)),
        ("03.2025", date(2025, 3, 1)),
        (" 2025-12 ", date(2025, 12, 1)),
        ("2025-13", None),
        ("2025-03-15", None),  # not the first day: perhaps one event's date
        ("15.03.2025", None),
        ("mars 2025", None),
        ("", None),
    ],
)
def test_a_month_is_read_as_year_and_month_or_its_first_day(text, expected):
    assert parse_month(text) == expected


def test_the_twelve_months_before_a_visit_end_with_the_month_before():
    months = months_before(date(2026, 2, 10))

    assert months[0] == date(2025, 2, 1)
    assert months[-1] == date(2026, 1, 1)
    assert len(months) == 12


# --- The list -------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["top_leader", "coordinator", "secretary"])
def test_the_leadership_group_sees_the_counts(world, client_for, persona):
    add_count(world)

    response = client_for(getattr(world, persona)).get(LIST)

    assert response.status_code == 200
    assert "Legemiddelhåndtering" in response.content.decode()


@pytest.mark.parametrize("persona", ["unit_leader", "admin"])
def test_others_in_the_organisation_get_403(world, client_for, persona):
    assert client_for(getattr(world, persona)).get(LIST).status_code == 403


def test_an_action_owner_gets_403(world, client_for):
    owner = make_user("tiltak@test.no", world.org, Role.ACTION_OWNER)

    assert client_for(owner).get(LIST).status_code == 403


def test_the_outsider_sees_only_their_own_organisations_counts(world, client_for):
    add_count(world, category="Hemmelig kategori")

    response = client_for(world.outsider).get(LIST)

    assert response.status_code == 200
    assert "Hemmelig kategori" not in response.content.decode()


def test_only_those_who_manage_visits_see_the_buttons_to_change(world, client_for):
    assert CREATE in client_for(world.coordinator).get(LIST).content.decode()
    assert CREATE not in client_for(world.secretary).get(LIST).content.decode()


def test_the_list_filters_by_unit(world, client_for):
    add_count(world, category="Fall på sykehjemmet")
    add_count(world, unit=world.ward, category="Fall på avdelingen")

    body = client_for(world.coordinator).get(LIST, {"enhet": world.ward.pk}).content.decode()

    assert "Fall på avdelingen" in body
    assert "Fall på sykehjemmet" not in body


def test_filtering_by_another_organisations_unit_shows_nothing(world, client_for):
    add_count(world)

    response = client_for(world.coordinator).get(LIST, {"enhet": world.other_unit.pk})

    assert response.status_code == 400
    assert "Legemiddelhåndtering" not in response.content.decode()


def test_the_list_is_paginated(world, client_for):
    for month in range(1, 13):
        for category in ("A", "B", "C", "D", "E"):
            add_count(world, period=date(2024, month, 1), category=category)

    first = client_for(world.coordinator).get(LIST)
    second = client_for(world.coordinator).get(LIST, {"side": 2})

    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 10


def test_the_list_costs_the_same_queries_for_few_and_many_counts(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.coordinator)
    add_count(world)
    client.get(LIST)  # warm up the session

    def queries(params: dict) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST, params).status_code == 200
        return len(captured)

    few = queries({}), queries({"enhet": world.unit.pk})
    for month in range(1, 13):
        for unit in (world.unit, world.ward):
            add_count(world, unit=unit, period=date(2024, month, 1), category=f"K{month}")
    many = queries({}), queries({"enhet": world.unit.pk})

    assert many == few


# --- Recording one count -----------------------------------------------------------------


def post(client, **overrides):
    data = {
        "unit": "",
        "month": "2025-03",
        "category": "Fall",
        "severity": IncidentCount.Severity.MINOR,
        "count": "3",
    }
    data.update(overrides)
    return client.post(CREATE, data)


def test_the_coordinator_records_a_count_and_it_is_audited(world, client_for):
    response = post(client_for(world.coordinator), unit=world.unit.pk)

    assert response.status_code == 302
    count = IncidentCount.objects.get()
    assert (count.unit, count.period, count.category, count.severity, count.count) == (
        world.unit,
        date(2025, 3, 1),
        "Fall",
        "minor",
        3,
    )
    assert count.organisation == world.org and count.created_by == world.coordinator
    event = AuditEvent.objects.get(action=AuditEvent.Action.INCIDENTS_CHANGED)
    assert event.data["count"] == 3 and event.data["created"] is True


def test_recording_the_same_unit_month_category_and_severity_replaces_the_count(world, client_for):
    add_count(world, category="Fall", severity="minor", count=9)
    client = client_for(world.coordinator)

    post(client, unit=world.unit.pk, category="fall", count="2")

    count = IncidentCount.objects.get()
    assert count.count == 2
    assert count.category == "Fall"  # the first spelling is kept


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("month", "mars"),
        ("month", "2999-01"),
        ("count", "-1"),
        ("count", "2.5"),
        ("category", ""),
        ("category", "Pasient 15108695088 falt"),
        ("category", "pasienten på rom 12 falt"),
        ("category", "x" * 101),
    ],
)
def test_a_wrong_value_is_refused_with_400_and_nothing_stored(world, client_for, field, value):
    response = post(client_for(world.coordinator), unit=world.unit.pk, **{field: value})

    assert response.status_code == 400
    assert not IncidentCount.objects.exists()


def test_a_unit_of_another_organisation_cannot_be_chosen(world, client_for):
    response = post(client_for(world.coordinator), unit=world.other_unit.pk)

    assert response.status_code == 400
    assert not IncidentCount.objects.exists()


@pytest.mark.parametrize("persona", ["secretary", "unit_leader", "admin"])
def test_only_those_who_manage_visits_record_counts(world, client_for, persona):
    response = post(client_for(getattr(world, persona)), unit=world.unit.pk)

    assert response.status_code == 403
    assert not IncidentCount.objects.exists()


def test_the_form_suggests_the_categories_already_used(world, client_for):
    add_count(world, category="Legemiddelhåndtering")

    body = client_for(world.coordinator).get(CREATE).content.decode()

    assert '<option value="Legemiddelhåndtering">' in body
    assert 'list="known-categories"' in body
