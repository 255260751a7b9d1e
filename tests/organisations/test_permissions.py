"""Only administrators manage the organisation, its units and its people.

Every URL that needs an organisations.manage_* permission is found in visitt.urls,
so a new admin page is covered here without being listed.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.test_tenant_isolation import HOSTILE_POST, OUR_ROUTES
from visitt.accounts.models import User
from visitt.organisations.models import Invitation, Membership, Organisation, Role, RoleGrant, Unit

ADMIN_ROUTES = [r for r in OUR_ROUTES if (r.access or "").startswith("org:organisations.manage_")]
NON_ADMINS = ["top_leader", "coordinator", "secretary", "unit_leader"]


def state(org: Organisation) -> dict:
    """Everything an admin page could change in the organisation."""
    return {
        "organisation": Organisation.objects.filter(pk=org.pk).values().get(),
        "units": list(Unit.objects.filter(organisation=org).order_by("pk").values()),
        "memberships": list(Membership.objects.filter(organisation=org).order_by("pk").values()),
        "roles": sorted(
            RoleGrant.objects.filter(membership__organisation=org).values_list(
                "membership_id", "role"
            )
        ),
        "invitations": list(Invitation.objects.filter(organisation=org).order_by("pk").values()),
        "users": User.objects.count(),
    }


def test_the_admin_pages_are_found():
    names = {r.name for r in ADMIN_ROUTES}
    assert {
        "organisation_settings",
        "unit_list",
        "unit_import",
        "people_list",
        "person_edit",
    } <= names
    assert len(ADMIN_ROUTES) >= 15


@pytest.fixture
def url_kwargs(world):
    invitation = Invitation.objects.create(
        organisation=world.org,
        email="venter@test.no",
        roles=[Role.SECRETARY],
        invited_by=world.admin,
        expires_at=timezone.now() + timedelta(days=3),
    )
    return {
        "unit_pk": world.ward.pk,
        # The admin's own membership: the juiciest target for a role change.
        "membership_pk": Membership.objects.get(user=world.admin).pk,
        "invitation_pk": invitation.pk,
    }


@pytest.mark.parametrize("route", ADMIN_ROUTES, ids=str)
@pytest.mark.parametrize("persona", NON_ADMINS)
def test_a_non_admin_gets_403_on_every_admin_page_and_changes_nothing(
    persona, route, world, url_kwargs, client_for
):
    url = reverse(route.name, kwargs={k: url_kwargs[k] for k in route.kwargs})
    client = client_for(getattr(world, persona))
    before = state(world.org)

    assert client.get(url).status_code == 403
    assert client.post(url, {**HOSTILE_POST, "email": "snik@test.no"}).status_code == 403

    assert state(world.org) == before


@pytest.mark.parametrize("persona", NON_ADMINS)
def test_a_non_admin_cannot_give_themselves_the_admin_role(persona, world, client_for):
    user = getattr(world, persona)
    membership = Membership.objects.get(user=user)
    roles_before = membership.role_codes

    response = client_for(user).post(
        f"/organisasjon/personer/{membership.pk}/", {"roles": [Role.ADMIN], "title": "Sjef"}
    )

    assert response.status_code == 403
    membership = Membership.objects.get(pk=membership.pk)
    assert membership.role_codes == roles_before
    assert membership.title == ""


def test_an_anonymous_visitor_is_sent_to_sign_in_from_every_admin_page(world, url_kwargs, client):
    before = state(world.org)
    for route in ADMIN_ROUTES:
        url = reverse(route.name, kwargs={k: url_kwargs[k] for k in route.kwargs})
        for response in (client.get(url), client.post(url, HOSTILE_POST)):
            assert response.status_code == 302, route
            assert response["Location"].startswith("/konto/login/")
    assert state(world.org) == before
