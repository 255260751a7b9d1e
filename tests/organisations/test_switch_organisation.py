"""A person in two organisations works in one at a time and switches between them."""

from __future__ import annotations

import pytest

from visitt.audit.models import AuditEvent
from visitt.organisations.middleware import SESSION_KEY
from visitt.organisations.models import Membership, Organisation, Role

URL = "/bytt-organisasjon/"


@pytest.fixture
def two_hats(world):
    """The coordinator of Testkommune is also an admin in the other organisation."""
    membership = Membership.objects.create(user=world.coordinator, organisation=world.other_org)
    membership.set_roles([Role.ADMIN])
    return world.coordinator


def test_a_person_in_two_organisations_starts_in_the_first_by_name(world, two_hats, client_for):
    client = client_for(two_hats)
    response = client.get("/")
    assert response.context["current_organisation"] == world.other_org  # "Annen" < "Test"
    assert {m.organisation for m in response.context["my_memberships"]} == {
        world.org,
        world.other_org,
    }


def test_switching_organisation_changes_what_the_person_sees(world, two_hats, client_for):
    client = client_for(two_hats)
    units = client.get("/organisasjon/enheter/").content.decode()
    assert "Hemmeleg eining" in units and "Solbakken" not in units

    response = client.post(URL, {"organisation": world.org.pk})

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == world.org.pk
    # A coordinator in Testkommune: no admin pages there.
    assert client.get("/organisasjon/enheter/").status_code == 403
    assert client.get("/").context["current_organisation"] == world.org
    event = AuditEvent.objects.get(action=AuditEvent.Action.ORGANISATION_SWITCHED)
    assert (event.organisation, event.actor) == (world.org, two_hats)

    client.post(URL, {"organisation": world.other_org.pk})
    assert client.get("/organisasjon/enheter/").status_code == 200


def test_switching_to_an_organisation_you_are_not_a_member_of_gives_404(world, client_for):
    third = Organisation.objects.create(name="Tredje kommune", organisation_number="974760673")
    client = client_for(world.coordinator)

    for wanted in (world.other_org.pk, third.pk, 999999, "x", ""):
        response = client.post(URL, {"organisation": wanted})
        assert response.status_code == 404
        assert client.session[SESSION_KEY] == world.org.pk
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ORGANISATION_SWITCHED).exists()


def test_switching_to_an_organisation_where_you_are_deactivated_gives_404(
    world, two_hats, client_for
):
    Membership.objects.get(user=two_hats, organisation=world.other_org).deactivate()
    client = client_for(two_hats)
    assert client.post(URL, {"organisation": world.other_org.pk}).status_code == 404
    assert client.get("/").context["current_organisation"] == world.org


def test_a_stale_choice_in_the_session_falls_back_to_a_current_membership(
    world, two_hats, client_for
):
    client = client_for(two_hats)
    client.post(URL, {"organisation": world.other_org.pk})
    Membership.objects.get(user=two_hats, organisation=world.other_org).deactivate()

    response = client.get("/organisasjon/enheter/")

    # Now only a coordinator of Testkommune: no admin pages, and nothing of the other.
    assert response.status_code == 403
    assert client.get("/").context["current_organisation"] == world.org


def test_switching_needs_post(world, two_hats, client_for):
    assert client_for(two_hats).get(URL).status_code == 405
