"""The visit list: recent and upcoming visits, filters, pages, warnings, and a fixed
number of queries however many visits there are."""

from __future__ import annotations

from datetime import time

import pytest

from tests.planning.factories_visits import LIST, fill_group, in_days, make_visit
from visitt.organisations.models import Unit
from visitt.planning.models import Visit


@pytest.fixture
def leader(world, client_for):
    return client_for(world.top_leader)


def shown(response) -> list[Visit]:
    return list(response.context["page"])


def test_the_list_shows_recent_and_upcoming_visits_by_date(world, leader):
    old = make_visit(world, when=in_days(-200), status=Visit.Status.CONDUCTED)
    recent = make_visit(world, when=in_days(-10), status=Visit.Status.CONDUCTED)
    soon = make_visit(world, when=in_days(5), unit=world.ward)
    later = make_visit(world, when=in_days(60))

    response = leader.get(LIST)

    assert response.status_code == 200
    assert shown(response) == [recent, soon, later]
    assert old not in shown(response)
    body = response.content.decode()
    assert "Avdeling 1" in body and "Tone Toppleder" in body
    assert "Conducted" in body and "Planned" in body


def test_past_and_all_visits_are_listed_newest_first(world, leader):
    old = make_visit(world, when=in_days(-200), status=Visit.Status.CONDUCTED)
    recent = make_visit(world, when=in_days(-10), status=Visit.Status.CONDUCTED)
    later = make_visit(world, when=in_days(60))
    assert shown(leader.get(LIST, {"period": "past"})) == [recent, old]
    assert shown(leader.get(LIST, {"period": "all"})) == [later, recent, old]


def test_the_list_is_filtered_by_status_and_unit(world, leader):
    confirmed = make_visit(world, when=in_days(5), status=Visit.Status.CONFIRMED)
    ward = make_visit(world, when=in_days(6), unit=world.ward)
    make_visit(world, when=in_days(7))

    assert shown(leader.get(LIST, {"status": "confirmed"})) == [confirmed]
    assert shown(leader.get(LIST, {"unit": world.ward.pk})) == [ward]


def test_a_filter_that_cannot_be_understood_shows_nothing(world, leader):
    make_visit(world)
    response = leader.get(LIST, {"unit": world.other_unit.pk})
    assert response.status_code == 400
    assert shown(response) == []


def test_the_list_shows_only_the_organisations_own_visits(world, client_for):
    make_visit(world)
    response = client_for(world.outsider).get(LIST)
    assert response.status_code == 200
    assert shown(response) == []
    assert "Solbakken" not in response.content.decode()


def test_the_list_counts_each_visits_warnings(world, leader):
    long = make_visit(world, when=in_days(5), duration_minutes=90)
    fill_group(long, 5)
    fine = make_visit(world, when=in_days(6))
    fill_group(fine, 5)
    clash = make_visit(world, when=in_days(6), unit=world.ward, start_time=time(10, 30))
    fill_group(clash, 5)

    by_pk = {v.pk: v.warnings for v in shown(leader.get(LIST))}

    assert len(by_pk[long.pk]) == 1
    # visit leader, coordinator and secretary are on both
    assert len(by_pk[fine.pk]) == 3 and len(by_pk[clash.pk]) == 3


def test_the_list_is_paged(world, leader):
    for i in range(30):
        make_visit(world, when=in_days(i + 1))
    first = leader.get(LIST)
    second = leader.get(LIST, {"side": 2})
    assert len(shown(first)) == 25 and len(shown(second)) == 5
    assert "side=2" in first.content.decode()


def make_visits(world, count: int) -> None:
    units = [Unit.objects.create(organisation=world.org, name=f"Enhet {i:02}") for i in range(4)]
    for i in range(count):
        visit = make_visit(
            world,
            when=in_days(1 + i // 3),
            unit=units[i % len(units)],
            start_time=time(9 + i % 3, 0),
            duration_minutes=60 + 30 * (i % 2),
        )
        fill_group(visit, 1 + i % 5, leaders=i % 2)


def test_the_list_runs_the_same_number_of_queries_for_3_and_25_visits(
    world, leader, django_assert_max_num_queries
):
    counts = []
    for total in (3, 25):
        Visit.objects.all().delete()
        make_visits(world, total)
        for params in ({}, {"status": "planned", "period": "all"}):
            with django_assert_max_num_queries(14) as queries:
                response = leader.get(LIST, params)
            assert response.status_code == 200
            assert len(shown(response)) == total
            counts.append(len(queries.captured_queries))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts


def test_the_plan_a_visit_button_is_only_for_those_who_plan(world, leader, client_for):
    assert 'href="/visitter/ny/"' in leader.get(LIST).content.decode()
    secretary = client_for(world.secretary).get(LIST)
    assert secretary.status_code == 200
    assert 'href="/visitter/ny/"' not in secretary.content.decode()
