"""The conversation group on the coordinator's page: up to five participants, a profession
from the organisation's list, and warnings (not five, fewer than three professions, a
leader in the group) that never block."""

from __future__ import annotations

import pytest

from tests.planning.factories_visits import fill_group, make_visit, professions, url
from visitt.audit.models import AuditEvent
from visitt.planning.models import Participant, Profession

A = AuditEvent.Action


@pytest.fixture
def coordinator(world, client_for):
    return client_for(world.coordinator)


def add(client, visit, name="Ola Nordmann", profession=None, **extra):
    data = {"action": "add", "name": name, "profession": profession, "email": "", **extra}
    return client.post(url(visit, "gruppe"), data)


def test_the_group_page_gives_the_organisation_its_professions(world, coordinator):
    visit = make_visit(world)
    assert not Profession.objects.filter(organisation=world.org).exists()

    page = coordinator.get(url(visit, "gruppe"))

    assert page.status_code == 200
    choices = [label for _value, label in page.context["form"].fields["profession"].choices]
    assert "Sykepleier" in choices and "Kjøkkenpersonale" in choices


def test_the_coordinator_adds_a_participant_and_it_is_audited_without_the_name(world, coordinator):
    visit = make_visit(world)
    nurse = professions(world)[1]

    response = add(coordinator, visit, "Per Pleier", nurse.pk, email="per@test.no")

    assert response.status_code == 302
    person = Participant.objects.get()
    assert (person.visit, person.name, person.profession, person.email, person.is_leader) == (
        visit,
        "Per Pleier",
        nurse,
        "per@test.no",
        False,
    )
    event = AuditEvent.objects.get(action=A.GROUP_CHANGED)
    assert event.data == {"change": "added", "participant": person.pk, "via_link": False}
    assert "Per Pleier" not in str(event.data) + event.object_repr


def test_a_participant_is_changed_and_removed(world, coordinator):
    visit = make_visit(world)
    person = fill_group(visit, 1)[0]
    kinds = professions(world)

    page = coordinator.get(url(visit, "gruppe") + f"?endre={person.pk}")
    assert page.context["editing"] == person
    response = coordinator.post(
        url(visit, "gruppe"),
        {
            "action": "save",
            "participant": person.pk,
            "name": "Nytt Navn",
            "profession": kinds[4].pk,
            "email": "",
            "is_leader": "on",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.name, person.profession, person.is_leader) == ("Nytt Navn", kinds[4], True)

    coordinator.post(url(visit, "gruppe"), {"action": "remove", "participant": person.pk})
    assert not Participant.objects.exists()
    events = AuditEvent.objects.filter(action=A.GROUP_CHANGED).order_by("pk")
    assert [e.data["change"] for e in events] == ["changed", "removed"]


def test_a_sixth_participant_is_refused_with_a_clear_message(world, coordinator):
    visit = make_visit(world)
    fill_group(visit, 5)

    response = add(coordinator, visit, "Sjette", professions(world)[0].pk)

    assert response.status_code == 400
    assert "already has five participants" in response.content.decode()
    assert visit.participants.count() == 5


def test_a_sixth_who_is_a_leader_is_refused_too(world, coordinator):
    visit = make_visit(world)
    fill_group(visit, 5)
    response = add(coordinator, visit, "Leder", professions(world)[0].pk, is_leader="on")
    assert response.status_code == 400
    assert visit.participants.count() == 5


def test_a_full_group_offers_no_add_form_but_each_can_be_edited(world, coordinator):
    visit = make_visit(world)
    people = fill_group(visit, 5)
    body = coordinator.get(url(visit, "gruppe")).content.decode()
    assert "Remove someone before adding another person" in body
    assert 'value="add"' not in body
    page = coordinator.get(url(visit, "gruppe") + f"?endre={people[0].pk}")
    assert 'value="save"' in page.content.decode()


def test_a_profession_of_another_organisation_is_refused(world, coordinator):
    visit = make_visit(world)
    Profession.ensure_defaults(world.other_org)
    theirs = Profession.objects.filter(organisation=world.other_org).first()
    response = add(coordinator, visit, "Ola", theirs.pk)
    assert response.status_code == 400
    assert "profession" in response.context["form"].errors
    assert not Participant.objects.exists()


def test_a_deactivated_profession_is_not_offered_for_new_participants(world, coordinator):
    visit = make_visit(world)
    old = professions(world)[0]
    old.is_active = False
    old.save()
    assert add(coordinator, visit, "Ola", old.pk).status_code == 400


def test_a_participant_of_another_visit_cannot_be_changed_from_this_page(world, coordinator):
    visit = make_visit(world)
    other = make_visit(world, unit=world.ward)
    theirs = fill_group(other, 1)[0]
    response = coordinator.post(
        url(visit, "gruppe"), {"action": "remove", "participant": theirs.pk}
    )
    assert response.status_code == 404
    assert Participant.objects.filter(pk=theirs.pk).exists()


def test_a_name_is_required(world, coordinator):
    visit = make_visit(world)
    assert add(coordinator, visit, "", professions(world)[0].pk).status_code == 400
    assert not Participant.objects.exists()


def test_an_unknown_action_is_refused(world, coordinator):
    visit = make_visit(world)
    assert coordinator.post(url(visit, "gruppe"), {"action": "drop"}).status_code == 400


# --- Warnings ------------------------------------------------------------------------------


def group_warnings_on(client, visit) -> list[str]:
    return client.get(url(visit, "gruppe")).context["group_warnings"]


def test_a_group_of_five_with_five_professions_and_no_leader_has_no_warnings(world, coordinator):
    visit = make_visit(world)
    fill_group(visit, 5)
    assert group_warnings_on(coordinator, visit) == []
    assert coordinator.get(url(visit)).context["group_warnings"] == []


def test_a_group_that_is_not_five_is_warned_about_but_saved(world, coordinator):
    visit = make_visit(world)
    fill_group(visit, 3)
    warnings = group_warnings_on(coordinator, visit)
    assert any("group of five" in w and "3" in w for w in warnings)


def test_fewer_than_three_professions_is_warned_about(world, coordinator):
    visit = make_visit(world)
    nurse = professions(world)[1]
    for i in range(5):
        add(coordinator, visit, f"Sykepleier {i}", nurse.pk)
    assert visit.participants.count() == 5
    warnings = group_warnings_on(coordinator, visit)
    assert any("fewer than three professions" in w for w in warnings)


def test_a_leader_in_the_group_is_warned_about_by_name(world, coordinator):
    visit = make_visit(world)
    add(coordinator, visit, "Lise Leder", professions(world)[1].pk, is_leader="on")
    assert Participant.objects.get().is_leader
    warnings = group_warnings_on(coordinator, visit)
    assert any("Lise Leder" in w and "observers" in w for w in warnings)
    body = coordinator.get(url(visit)).content.decode()
    assert "Lise Leder has a leader role" in body


def test_the_professions_link_is_shown_to_the_coordinator(world, coordinator):
    visit = make_visit(world)
    assert 'href="/organisasjon/yrker/"' in coordinator.get(url(visit, "gruppe")).content.decode()
