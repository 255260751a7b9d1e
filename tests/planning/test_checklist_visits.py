"""The phase-1 checklist (Vedlegg 4) on the visit page: manual items ticked with who and
when; the items Visitt knows tick themselves and cannot be ticked by hand."""

from __future__ import annotations

import pytest

from tests.planning.factories_visits import fill_group, make_visit, url
from visitt.audit.models import AuditEvent
from visitt.planning.models import ChecklistItem, Participant
from visitt.planning.services import sync_group_checklist

A = AuditEvent.Action
K = ChecklistItem.Key


@pytest.fixture
def coordinator(world, client_for):
    return client_for(world.coordinator)


def item(visit, key) -> ChecklistItem | None:
    return ChecklistItem.objects.filter(visit=visit, key=key).first()


@pytest.mark.parametrize("key", [K.LEADERSHIP_GROUP, K.DATE_AGREED, K.CONTACT_PERSON])
def test_a_manual_item_is_ticked_with_who_and_when(world, coordinator, key):
    visit = make_visit(world)

    response = coordinator.post(url(visit, "sjekkliste"), {"key": key, "done": "1"})

    assert response.status_code == 302
    assert response["Location"].endswith("#checklist")
    ticked = item(visit, key)
    assert ticked.is_done and ticked.done_by == world.coordinator
    event = AuditEvent.objects.get(action=A.CHECKLIST_CHANGED)
    assert event.data == {"item": key, "done": True}


def test_a_manual_item_is_unticked(world, coordinator):
    visit = make_visit(world)
    coordinator.post(url(visit, "sjekkliste"), {"key": K.DATE_AGREED, "done": "1"})
    coordinator.post(url(visit, "sjekkliste"), {"key": K.DATE_AGREED, "done": "0"})
    assert not item(visit, K.DATE_AGREED).is_done
    assert AuditEvent.objects.filter(action=A.CHECKLIST_CHANGED).count() == 2


@pytest.mark.parametrize("key", sorted(ChecklistItem.AUTOMATIC))
def test_an_automatic_item_cannot_be_ticked_by_hand(world, coordinator, key):
    visit = make_visit(world)
    response = coordinator.post(url(visit, "sjekkliste"), {"key": key, "done": "1"})
    assert response.status_code == 400
    assert "cannot be ticked by hand" in response.content.decode()
    assert item(visit, key) is None
    assert not AuditEvent.objects.filter(action=A.CHECKLIST_CHANGED).exists()


def test_an_unknown_item_is_refused(world, coordinator):
    visit = make_visit(world)
    assert coordinator.post(url(visit, "sjekkliste"), {"key": "x", "done": "1"}).status_code == 400
    assert not ChecklistItem.objects.exists()


def test_the_page_shows_who_ticked_and_when(world, coordinator):
    visit = make_visit(world)
    coordinator.post(url(visit, "sjekkliste"), {"key": K.CONTACT_PERSON, "done": "1"})
    page = coordinator.get(url(visit))
    entries = {entry["key"]: entry for entry in page.context["checklist"]}
    assert list(entries) == list(K.values)  # the order of Vedlegg 4
    assert entries[K.CONTACT_PERSON]["item"].done_by == world.coordinator
    assert entries[K.GROUP_ASSEMBLED]["automatic"] is True
    assert "Kari Koordinator" in page.content.decode()


def test_the_group_item_ticks_itself_with_five_participants_who_are_not_leaders(world):
    visit = make_visit(world)
    fill_group(visit, 5, leaders=1)
    sync_group_checklist(visit)
    assert not getattr(item(visit, K.GROUP_ASSEMBLED), "is_done", False)

    Participant.objects.filter(visit=visit, is_leader=True).update(is_leader=False)
    sync_group_checklist(visit)
    assert item(visit, K.GROUP_ASSEMBLED).is_done
    assert item(visit, K.GROUP_ASSEMBLED).done_by is None  # ticked by Visitt


def test_the_group_item_unticks_when_the_group_drops_below_five(world, coordinator):
    visit = make_visit(world)
    people = fill_group(visit, 5)
    sync_group_checklist(visit)
    assert item(visit, K.GROUP_ASSEMBLED).is_done

    coordinator.post(url(visit, "gruppe"), {"action": "remove", "participant": people[0].pk})

    assert not item(visit, K.GROUP_ASSEMBLED).is_done


def test_adding_the_fifth_participant_through_the_page_ticks_the_item(world, coordinator):
    visit = make_visit(world)
    fill_group(visit, 4)
    profession = visit.organisation.professions.first()
    coordinator.post(
        url(visit, "gruppe"),
        {"action": "add", "name": "Femte", "profession": profession.pk, "email": ""},
    )
    assert item(visit, K.GROUP_ASSEMBLED).is_done


def test_a_secretary_sees_the_checklist_but_cannot_tick(world, client_for):
    visit = make_visit(world)
    secretary = client_for(world.secretary)
    page = secretary.get(url(visit))
    assert page.status_code == 200
    assert "Mark as done" not in page.content.decode()
    response = secretary.post(url(visit, "sjekkliste"), {"key": K.DATE_AGREED, "done": "1"})
    assert response.status_code == 403
    assert item(visit, K.DATE_AGREED) is None
