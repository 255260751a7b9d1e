"""PDSA cycles on an action: add, edit (versioned), delete, who may, annotations."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import make_user
from tests.improvement.support_measures import make_measure
from visitt.audit.models import AuditEvent
from visitt.followup.plans import Action
from visitt.improvement.models import PdsaCycle
from visitt.organisations.models import Role

pytestmark = pytest.mark.django_db

CYCLE = {
    "plan": "Teste ny rutine på kveldsvakt i to uker",
    "start_date": "2026-03-02",
    "do": "",
    "study": "",
    "act": "",
    "end_date": "",
    "decision": "",
}


def test_owner_adds_edits_and_deletes_a_cycle(world, en_client_for):
    planned, _measure = make_measure(world)
    action = Action.objects.get(problem=planned.problems[0])
    client = en_client_for(planned.owner)
    url = reverse("action_pdsa", args=[action.pk])
    assert client.post(url, CYCLE).status_code == 302
    cycle = PdsaCycle.objects.get(action=action)
    edit = reverse("pdsa_edit", args=[action.pk, cycle.pk])
    data = {**CYCLE, "study": "Virket", "decision": "adopt", "version": 1}
    assert client.post(edit, data).status_code == 302
    assert client.post(edit, data).status_code == 409
    cycle.refresh_from_db()
    assert cycle.decision == "adopt" and cycle.version == 2
    assert "Teste ny rutine" in client.get(url).content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PDSA_CHANGED).count() == 2
    delete = reverse("pdsa_delete", args=[action.pk, cycle.pk])
    assert client.post(delete, {"version": 2}).status_code == 302
    assert not PdsaCycle.objects.exists()


def test_a_decision_needs_what_was_learned_and_dates_in_order(world, en_client_for):
    planned, _measure = make_measure(world)
    action = Action.objects.get(problem=planned.problems[0])
    client = en_client_for(world.top_leader)
    url = reverse("action_pdsa", args=[action.pk])
    assert client.post(url, {**CYCLE, "decision": "adopt"}).status_code == 400
    assert client.post(url, {**CYCLE, "end_date": "2026-01-01"}).status_code == 400
    assert not PdsaCycle.objects.exists()


def test_readers_read_others_are_refused(world, en_client_for):
    planned, _measure = make_measure(world)
    action = Action.objects.get(problem=planned.problems[0])
    url = reverse("action_pdsa", args=[action.pk])
    reader = make_user("leser@test.no", world.org, Role.ACTION_OWNER)
    assert en_client_for(reader).get(url).status_code == 200
    assert en_client_for(reader).post(url, CYCLE).status_code == 403
    assert en_client_for(world.outsider).get(url).status_code == 404
    assert en_client_for(world.outsider).post(url, CYCLE).status_code == 404
    assert not PdsaCycle.objects.exists()


def test_a_cycle_is_marked_on_the_run_chart(world, en_client_for):
    from datetime import date

    from visitt.improvement.models import MeasurePoint

    planned, measure = make_measure(world)
    action = Action.objects.get(problem=planned.problems[0])
    MeasurePoint.objects.bulk_create(
        MeasurePoint(measure=measure, period=date(2026, m, 1), value=m) for m in range(1, 6)
    )
    PdsaCycle.objects.create(action=action, plan="Liten test", start_date=date(2026, 3, 10))
    html = en_client_for(world.top_leader).get(reverse("measure_detail", args=[measure.pk]))
    assert "PDSA: Liten test" in html.content.decode()
