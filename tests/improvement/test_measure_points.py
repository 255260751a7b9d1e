"""Entering a measure's data points: who may, one point per period, versions, audit,
and the page's query count."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.conftest import make_user
from tests.improvement.support_measures import make_measure
from visitt.audit.models import AuditEvent
from visitt.improvement.models import MeasurePhase, MeasurePoint
from visitt.organisations.models import Role

pytestmark = pytest.mark.django_db


def post_point(client, measure, period="2026-03-01", value="4", **extra):
    data = {"period": period, "value": value, "numerator": "", "denominator": "", "comment": ""}
    data.update(extra)
    return client.post(reverse("measure_detail", args=[measure.pk]), data)


def test_the_leadership_adds_a_point_and_it_is_audited(world, en_client_for):
    _planned, measure = make_measure(world)
    response = post_point(en_client_for(world.top_leader), measure, period="2026-03-17")
    assert response.status_code == 302
    point = MeasurePoint.objects.get(measure=measure)
    assert point.period == date(2026, 3, 1) and point.value == Decimal(4)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.MEASURE_DATA_CHANGED).exists()


def test_a_double_submit_stores_one_point_and_says_why(world, en_client_for):
    _planned, measure = make_measure(world)
    client = en_client_for(world.top_leader)
    assert post_point(client, measure).status_code == 302
    response = post_point(client, measure, value="5")
    assert response.status_code == 400
    assert "already has a value" in response.content.decode()
    assert MeasurePoint.objects.get(measure=measure).value == Decimal(4)


@pytest.mark.parametrize("who", ["owner", "unit_leader_of_visit", "top_leader"])
def test_action_owner_visit_unit_leader_and_leadership_enter_data(world, en_client_for, who):
    planned, measure = make_measure(world)
    user = {"owner": planned.owner, "top_leader": world.top_leader}.get(who)
    if who == "unit_leader_of_visit":
        user = world.unit_leader
        type(planned.visit).objects.filter(pk=planned.visit.pk).update(unit_leader=user)
    assert post_point(en_client_for(user), measure).status_code == 302


def test_others_who_read_the_plan_may_not_enter(world, en_client_for):
    _planned, measure = make_measure(world)
    reader = make_user("annen-eier@test.no", world.org, Role.ACTION_OWNER)
    client = en_client_for(reader)
    assert client.get(reverse("measure_detail", args=[measure.pk])).status_code == 200
    assert post_point(client, measure).status_code == 403
    assert not MeasurePoint.objects.exists()


def test_another_organisation_gets_404(world, en_client_for):
    _planned, measure = make_measure(world)
    client = en_client_for(world.outsider)
    assert client.get(reverse("measure_detail", args=[measure.pk])).status_code == 404
    assert post_point(client, measure).status_code == 404


def test_numerator_and_denominator_give_a_percentage(world, en_client_for):
    _planned, measure = make_measure(world, unit="%")
    response = post_point(
        en_client_for(world.top_leader), measure, value="", numerator="3", denominator="4"
    )
    assert response.status_code == 302
    assert MeasurePoint.objects.get().value == Decimal(75)


def test_refusals(world, en_client_for):
    _planned, measure = make_measure(world, unit="%")
    client = en_client_for(world.top_leader)
    assert post_point(client, measure, value="", numerator="3").status_code == 400
    assert post_point(client, measure, value="", numerator="5", denominator="4").status_code == 400
    assert post_point(client, measure, period="2099-01-01").status_code == 400
    assert post_point(client, measure, value="").status_code == 400
    assert not MeasurePoint.objects.exists()


def test_edit_is_versioned_and_delete(world, en_client_for):
    _planned, measure = make_measure(world)
    client = en_client_for(world.top_leader)
    post_point(client, measure)
    point = MeasurePoint.objects.get()
    url = reverse("measure_point", args=[measure.pk, point.pk])
    data = {"period": "2026-03-01", "value": "7", "comment": "", "version": point.version}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 409  # the old version
    point.refresh_from_db()
    assert point.value == Decimal(7) and point.version == 2
    delete = reverse("measure_point_delete", args=[measure.pk, point.pk])
    assert client.post(delete, {"version": 2}).status_code == 302
    assert not MeasurePoint.objects.exists()


def test_a_comment_with_a_national_id_is_refused(world, en_client_for):
    _planned, measure = make_measure(world)
    response = post_point(en_client_for(world.top_leader), measure, comment="Gjelder 15108695088")
    assert response.status_code == 422
    assert not MeasurePoint.objects.exists()


def test_a_phase_with_a_frozen_baseline(world, en_client_for):
    _planned, measure = make_measure(world)
    client = en_client_for(world.top_leader)
    url = reverse("measure_phase", args=[measure.pk])
    data = {"start": "2025-01-01", "label": "Etter nye madrasser", "baseline_points": "6"}
    assert client.post(url, data).status_code == 302
    assert MeasurePhase.objects.get().baseline_points == 6


def _points(measure, count):
    year, month = 2020, 1
    points = []
    for i in range(count):
        points.append(
            MeasurePoint(measure=measure, period=date(year, month, 1), value=Decimal(i % 7))
        )
        month += 1
        if month > 12:
            year, month = year + 1, 1
    MeasurePoint.objects.bulk_create(points)


def test_the_page_shows_a_signal_and_the_table(world, en_client_for):
    _planned, measure = make_measure(world)
    values = [6, 7, 5, 6, 8, 6, 7, 5, 6, 7, 2, 1, 2, 3, 1, 2, 1, 2, 3, 1]
    MeasurePoint.objects.bulk_create(
        MeasurePoint(measure=measure, period=date(2024 + i // 12, i % 12 + 1, 1), value=v)
        for i, v in enumerate(values)
    )
    page = en_client_for(world.top_leader).get(reverse("measure_detail", args=[measure.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-verdict="improvement"' in html
    assert "<svg" in html and '<th scope="col">' in html


@pytest.mark.parametrize("count", [10, 60])
def test_the_page_costs_the_same_queries_however_many_points(
    world, en_client_for, django_assert_max_num_queries, count
):
    _planned, measure = make_measure(world)
    _points(measure, count)
    client = en_client_for(world.top_leader)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("measure_detail", args=[measure.pk])).status_code == 200
