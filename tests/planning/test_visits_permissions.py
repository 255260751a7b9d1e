"""Who may see and change visits: the leadership group sees them, the top leader and the
coordinator plan and change them; a unit leader or an action owner gets 403, and a
user of another organisation gets 404."""

from __future__ import annotations

import pytest

from tests.conftest import make_user
from tests.planning.factories_visits import LIST, make_visit, url
from visitt.organisations.models import Role
from visitt.planning.models import Visit

# (path under the visit, method) for every page of one visit.
VISIT_PAGES = [
    ("", "get"),
    ("endre", "get"),
    ("endre", "post"),
    ("utsett", "get"),
    ("utsett", "post"),
    ("bekreft", "post"),
    ("gjennomfort", "post"),
    ("slett", "post"),
    ("sjekkliste", "post"),
    ("gruppe", "get"),
    ("gruppe", "post"),
    ("gruppe/lenke", "post"),
]
MANAGE_PAGES = [page for page in VISIT_PAGES if page != ("", "get")]
HOSTILE = {
    "to_date": "2031-01-01",
    "reason": "x",
    "version": "1",
    "key": "date_agreed",
    "done": "1",
    "action": "add",
    "name": "Overtatt",
    "how": "show",
}


def snapshot(visit: Visit) -> tuple:
    return (
        Visit.objects.filter(pk=visit.pk).values().first(),
        visit.participants.count(),
        visit.checklist.count(),
        visit.group_links.count(),
        visit.postponements.count(),
    )


def call(client, visit, page):
    path, method = page
    target = url(visit, path) if path else url(visit)
    return client.post(target, HOSTILE) if method == "post" else client.get(target)


@pytest.fixture
def action_owner(world):
    return make_user("tiltakseier@test.no", world.org, Role.ACTION_OWNER, name="Tor Tiltak")


@pytest.mark.parametrize("page", VISIT_PAGES, ids=lambda p: f"{p[1]} {p[0] or 'detail'}")
@pytest.mark.parametrize("persona", ["unit_leader", "action_owner"])
def test_a_unit_leader_or_action_owner_gets_403_and_changes_nothing(
    world, client_for, action_owner, page, persona
):
    visit = make_visit(world)
    user = action_owner if persona == "action_owner" else world.unit_leader
    before = snapshot(visit)
    assert call(client_for(user), visit, page).status_code == 403
    assert snapshot(visit) == before


@pytest.mark.parametrize("persona", ["unit_leader", "action_owner"])
def test_a_unit_leader_or_action_owner_gets_403_on_the_list_and_create(
    world, client_for, action_owner, persona
):
    client = client_for(action_owner if persona == "action_owner" else world.unit_leader)
    assert client.get(LIST).status_code == 403
    assert client.get("/visitter/ny/").status_code == 403
    assert client.post("/visitter/ny/", {"unit": world.unit.pk}).status_code == 403
    assert not Visit.objects.exists()


@pytest.mark.parametrize("page", VISIT_PAGES, ids=lambda p: f"{p[1]} {p[0] or 'detail'}")
def test_a_user_of_another_organisation_gets_404_and_changes_nothing(world, client_for, page):
    visit = make_visit(world)
    before = snapshot(visit)
    assert call(client_for(world.outsider), visit, page).status_code == 404
    assert snapshot(visit) == before


@pytest.mark.parametrize("page", MANAGE_PAGES, ids=lambda p: f"{p[1]} {p[0]}")
def test_the_secretary_sees_but_cannot_change(world, client_for, page):
    visit = make_visit(world)
    before = snapshot(visit)
    secretary = client_for(world.secretary)
    assert secretary.get(url(visit)).status_code == 200
    assert call(secretary, visit, page).status_code == 403
    assert snapshot(visit) == before


def test_a_medical_advisor_sees_the_visit(world, client_for):
    advisor = make_user("lege@test.no", world.org, Role.MEDICAL_ADVISOR)
    visit = make_visit(world, medical_advisor=advisor)
    assert client_for(advisor).get(url(visit)).status_code == 200


@pytest.mark.parametrize("persona", ["top_leader", "coordinator"])
def test_the_top_leader_and_the_coordinator_manage_visits(world, client_for, persona):
    visit = make_visit(world)
    client = client_for(getattr(world, persona))
    for path in ("", "endre", "utsett", "gruppe"):
        assert client.get(url(visit, path) if path else url(visit)).status_code == 200, path
    assert client.get("/visitter/ny/").status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(world):
    from django.test import Client

    visit = make_visit(world)
    for path in (LIST, url(visit), url(visit, "gruppe"), "/organisasjon/yrker/"):
        response = Client().get(path)
        assert response.status_code == 302 and "/konto/" in response["Location"], path
