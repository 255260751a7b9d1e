"""Small builders shared by the annual plan's tests."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.conf import settings
from django.test import Client

from tests.conftest import World
from visitt.organisations.models import Unit
from visitt.planning.models import AnnualPlan, Postponement, Visit


def make_plan(world: World, year: int, **kwargs: Any) -> AnnualPlan:
    return AnnualPlan.create_with_default_goals(
        organisation=world.org, year=year, owner=world.top_leader, **kwargs
    )


def make_visit(world: World, unit: Unit, day: date, at: time = time(10, 0), **kwargs: Any) -> Visit:
    fields: dict[str, Any] = {
        "organisation": unit.organisation,
        "unit": unit,
        "date": day,
        "start_time": at,
        "visit_leader": world.top_leader,
        "coordinator": world.coordinator,
        "secretary": world.secretary,
        "created_by": world.coordinator,
    }
    fields.update(kwargs)
    return Visit.objects.create(**fields)


def postpone(world: World, visit: Visit, to: date) -> Postponement:
    return visit.postpone(
        to_date=to, to_time=None, reason="Sykdom i ledergruppen", by=world.coordinator
    )


def make_units(world: World, count: int, prefix: str = "Enhet") -> list[Unit]:
    return [
        Unit.objects.create(organisation=world.org, name=f"{prefix} {i:02}") for i in range(count)
    ]


def english(client: Client) -> Client:
    """Pages in English, so that the tests read the interface's own msgids and keep
    passing when the nb and nn catalogues are translated."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
