"""The organisation's profession list: add, rename, reorder, deactivate. Never deleted,
since participants refer to it."""

from __future__ import annotations

import pytest

from tests.conftest import make_user
from visitt.audit.models import AuditEvent
from visitt.organisations.models import Role
from visitt.planning.group import DEFAULT_PROFESSIONS, DEFAULT_PROFESSIONS_NN
from visitt.planning.models import Profession

A = AuditEvent.Action
PAGE = "/organisasjon/yrker/"


def names(org) -> list[str]:
    return list(Profession.objects.filter(organisation=org).values_list("name", flat=True))


def named(org, name) -> Profession:
    return Profession.objects.get(organisation=org, name=name)


@pytest.fixture
def coordinator(world, client_for):
    return client_for(world.coordinator)


def test_the_list_starts_with_the_defaults_of_the_organisations_language_form(
    world, coordinator, client_for
):
    assert coordinator.get(PAGE).status_code == 200
    assert names(world.org) == DEFAULT_PROFESSIONS
    assert client_for(world.outsider).get(PAGE).status_code == 200
    assert names(world.other_org) == DEFAULT_PROFESSIONS_NN


def test_a_profession_is_added_last(world, coordinator):
    coordinator.get(PAGE)
    response = coordinator.post(PAGE, {"action": "add", "name": "  Prest  "})
    assert response.status_code == 302
    assert names(world.org)[-1] == "Prest"
    event = AuditEvent.objects.get(action=A.ORGANISATION_CHANGED)
    assert event.data["fields"] == ["professions"] and event.data["change"] == "added"


def test_a_name_already_on_the_list_is_refused_whatever_the_case(world, coordinator):
    coordinator.get(PAGE)
    response = coordinator.post(PAGE, {"action": "add", "name": "sykepleier"})
    assert response.status_code == 400
    assert "already has" in response.content.decode()
    assert len(names(world.org)) == len(DEFAULT_PROFESSIONS)


def test_an_empty_name_is_refused(world, coordinator):
    assert coordinator.post(PAGE, {"action": "add", "name": "  "}).status_code == 400


def test_a_profession_is_renamed(world, coordinator):
    coordinator.get(PAGE)
    renovation = named(world.org, "Renhold")
    page = coordinator.get(f"{PAGE}?endre={renovation.pk}")
    assert page.context["renaming"] == renovation
    coordinator.post(PAGE, {"action": "rename", "profession": renovation.pk, "name": "Renholder"})
    renovation.refresh_from_db()
    assert renovation.name == "Renholder"


def test_renaming_to_another_professions_name_is_refused(world, coordinator):
    coordinator.get(PAGE)
    renovation = named(world.org, "Renhold")
    response = coordinator.post(
        PAGE, {"action": "rename", "profession": renovation.pk, "name": "Lege"}
    )
    assert response.status_code == 400
    assert Profession.objects.get(pk=renovation.pk).name == "Renhold"


def test_professions_are_moved_up_and_down(world, coordinator):
    coordinator.get(PAGE)
    nurse = named(world.org, "Sykepleier")
    coordinator.post(PAGE, {"action": "up", "profession": nurse.pk})
    assert names(world.org)[:2] == ["Sykepleier", "Lege"]
    coordinator.post(PAGE, {"action": "down", "profession": nurse.pk})
    coordinator.post(PAGE, {"action": "down", "profession": nurse.pk})
    assert names(world.org)[:3] == ["Lege", "Vernepleier", "Sykepleier"]
    # The first cannot move further up.
    first = named(world.org, "Lege")
    coordinator.post(PAGE, {"action": "up", "profession": first.pk})
    assert names(world.org)[0] == "Lege"


def test_a_profession_is_deactivated_and_reactivated(world, coordinator):
    coordinator.get(PAGE)
    cook = named(world.org, "Kjøkkenpersonale")
    coordinator.post(PAGE, {"action": "deactivate", "profession": cook.pk})
    cook.refresh_from_db()
    assert not cook.is_active
    coordinator.post(PAGE, {"action": "activate", "profession": cook.pk})
    cook.refresh_from_db()
    assert cook.is_active


def test_another_organisations_profession_cannot_be_changed(world, coordinator):
    Profession.ensure_defaults(world.other_org)
    theirs = Profession.objects.filter(organisation=world.other_org).first()
    for action in ("rename", "up", "deactivate"):
        response = coordinator.post(
            PAGE, {"action": action, "profession": theirs.pk, "name": "Overtatt"}
        )
        assert response.status_code == 404, action
    assert Profession.objects.get(pk=theirs.pk).name == theirs.name
    assert Profession.objects.get(pk=theirs.pk).is_active
    assert coordinator.get(f"{PAGE}?endre={theirs.pk}").status_code == 404


def test_an_unknown_action_is_refused(world, coordinator):
    coordinator.get(PAGE)
    lege = named(world.org, "Lege")
    assert coordinator.post(PAGE, {"action": "delete", "profession": lege.pk}).status_code == 400
    assert Profession.objects.filter(pk=lege.pk).exists()


@pytest.mark.parametrize("persona", ["admin", "coordinator"])
def test_admins_and_coordinators_manage_the_list(world, client_for, persona):
    assert client_for(getattr(world, persona)).get(PAGE).status_code == 200


@pytest.mark.parametrize("persona", ["top_leader", "secretary", "unit_leader"])
def test_other_roles_get_403(world, client_for, persona):
    client = client_for(getattr(world, persona))
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"action": "add", "name": "Prest"}).status_code == 403
    assert "Prest" not in names(world.org)


def test_an_action_owner_gets_403(world, client_for):
    owner = make_user("tiltak@test.no", world.org, Role.ACTION_OWNER)
    assert client_for(owner).get(PAGE).status_code == 403
