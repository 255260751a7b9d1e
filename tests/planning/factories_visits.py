"""Visits, participants and form data for the tests of the visit pages."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from django.utils import timezone

from tests.conftest import World
from visitt.planning.models import Participant, Profession, Visit

LIST = "/visitter/"
CREATE = "/visitter/ny/"


def url(visit: Visit, action: str = "") -> str:
    return f"/visitter/{visit.pk}/" + (f"{action}/" if action else "")


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def make_visit(world: World, *, when: date | None = None, **fields: Any) -> Visit:
    values: dict[str, Any] = {
        "organisation": world.org,
        "unit": world.unit,
        "date": when or in_days(30),
        "start_time": time(10, 0),
        "place": "Personalrommet",
        "visit_leader": world.top_leader,
        "coordinator": world.coordinator,
        "secretary": world.secretary,
        "unit_leader": world.unit_leader,
        "contact_name": "Kari Kontakt",
        "contact_email": "kontakt@solbakken.test",
        "created_by": world.coordinator,
    }
    values.update(fields)
    return Visit.objects.create(**values)


def visit_data(world: World, visit: Visit | None = None, **changes: Any) -> dict[str, Any]:
    """What the visit form posts; from ``visit`` when given."""
    if visit is not None:
        data: dict[str, Any] = {
            "unit": visit.unit_id,
            "kind": visit.kind,
            "parent": visit.parent_id or "",
            "date": visit.date.isoformat(),
            "start_time": visit.start_time.strftime("%H:%M"),
            "duration_minutes": visit.duration_minutes,
            "place": visit.place,
            "visit_leader": visit.visit_leader_id,
            "coordinator": visit.coordinator_id or "",
            "secretary": visit.secretary_id or "",
            "medical_advisor": visit.medical_advisor_id or "",
            "unit_leader": visit.unit_leader_id or "",
            "contact_name": visit.contact_name,
            "contact_email": visit.contact_email,
            "version": visit.version,
        }
    else:
        data = {
            "unit": world.unit.pk,
            "kind": Visit.Kind.MAIN,
            "parent": "",
            "date": in_days(30).isoformat(),
            "start_time": "10:00",
            "duration_minutes": 60,
            "place": "Personalrommet",
            "visit_leader": world.top_leader.pk,
            "coordinator": world.coordinator.pk,
            "secretary": world.secretary.pk,
            "medical_advisor": "",
            "unit_leader": world.unit_leader.pk,
            "contact_name": "Kari Kontakt",
            "contact_email": "kontakt@solbakken.test",
        }
    data.update(changes)
    return data


def professions(world: World) -> list[Profession]:
    Profession.ensure_defaults(world.org)
    return list(Profession.objects.filter(organisation=world.org))


def fill_group(visit: Visit, count: int = 5, *, leaders: int = 0) -> list[Participant]:
    """``count`` participants of different professions, the last ``leaders`` of them leaders."""
    Profession.ensure_defaults(visit.organisation)
    kinds = list(Profession.objects.filter(organisation=visit.organisation))
    return [
        Participant.objects.create(
            visit=visit,
            name=f"Deltaker {i + 1}",
            profession=kinds[i % len(kinds)],
            is_leader=i >= count - leaders,
        )
        for i in range(count)
    ]
