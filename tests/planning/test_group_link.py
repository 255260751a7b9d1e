"""The contact person's personal link: shown once (only a hash is stored), e-mailed by the
task worker on request, fills in the group of one visit and nothing else, and expires at
the end of the visit day."""

from __future__ import annotations

import re
from datetime import date, datetime, time

import pytest
import time_machine
from django.core import mail
from django.tasks import default_task_backend

from tests.planning.conftest import english_client
from tests.planning.factories_visits import fill_group, make_visit, professions, url
from visitt.audit.models import AuditEvent
from visitt.planning.group import hash_token
from visitt.planning.models import GroupLink, Participant
from visitt.planning.tasks_visits import send_group_link
from visitt.planning.visits import OSLO

A = AuditEvent.Action
VISIT_DAY = date(2031, 3, 12)


@pytest.fixture
def coordinator(world, client_for):
    return client_for(world.coordinator)


@pytest.fixture
def visit(world):
    return make_visit(world, when=VISIT_DAY, medical_advisor=world.top_leader)


def issue(client, visit) -> str:
    """Makes a link on the coordinator's page and returns its path, read off the page."""
    response = client.post(url(visit, "gruppe/lenke"), {"how": "show"})
    assert response.status_code == 200
    match = re.search(r'value="http://testserver(/gruppe/[^"/]+/)"', response.content.decode())
    assert match, response.content.decode()
    return match.group(1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), OSLO)


# --- Issuing ---------------------------------------------------------------------------------


def test_the_link_is_shown_once_and_only_its_hash_is_stored(world, coordinator, visit):
    response = coordinator.post(url(visit, "gruppe/lenke"), {"how": "show"})
    path = re.search(r'value="http://testserver(/gruppe/([^"/]+)/)"', response.content.decode())
    token = path.group(2)

    link = GroupLink.objects.get()
    assert link.token_hash == hash_token(token)
    assert token not in str(GroupLink.objects.values().get())
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action=A.GROUP_LINK_ISSUED)
    assert token not in str(event.data) and event.object_id == str(visit.pk)
    # Not shown again anywhere.
    assert token not in coordinator.get(url(visit, "gruppe")).content.decode()
    assert token not in coordinator.get(url(visit)).content.decode()


def test_the_link_expires_at_the_end_of_the_visit_day(world, coordinator, visit):
    path = issue(coordinator, visit)
    contact = english_client()

    with time_machine.travel(at(VISIT_DAY, 9), tick=False):
        assert contact.get(path).status_code == 200
    with time_machine.travel(at(VISIT_DAY, 23, 59), tick=False):
        assert contact.get(path).status_code == 200
    with time_machine.travel(at(date(2031, 3, 13), 0, 1), tick=False):
        response = contact.get(path)
        posted = contact.post(
            path, {"action": "add", "name": "For sent", "profession": professions(world)[0].pk}
        )
    assert response.status_code == 410
    assert "The link has expired" in response.content.decode()
    assert posted.status_code == 410
    assert not Participant.objects.exists()


def test_a_new_link_revokes_the_old_one(world, coordinator, visit):
    first = issue(coordinator, visit)
    second = issue(coordinator, visit)
    contact = english_client()

    old = contact.get(first)
    assert old.status_code == 410
    assert "replaced" in old.content.decode()
    assert contact.get(second).status_code == 200


def test_an_unknown_link_gives_404(world):
    response = english_client().get("/gruppe/ikke-en-ekte-lenke/")
    assert response.status_code == 404
    assert "The link is not valid" in response.content.decode()


def test_no_link_is_made_after_the_visit_day(world, coordinator):
    past = make_visit(world, when=date(2020, 1, 6))
    response = coordinator.post(url(past, "gruppe/lenke"), {"how": "show"})
    assert response.status_code == 400
    assert not GroupLink.objects.exists()


def test_the_link_page_needs_post(world, coordinator, visit):
    assert coordinator.get(url(visit, "gruppe/lenke")).status_code == 405


def test_a_unit_leader_cannot_make_a_link(world, client_for, visit):
    assert client_for(world.unit_leader).post(url(visit, "gruppe/lenke")).status_code == 403
    assert not GroupLink.objects.exists()


# --- E-mailing -------------------------------------------------------------------------------


def test_the_link_is_e_mailed_by_the_task_worker(
    world, coordinator, visit, django_capture_on_commit_callbacks
):
    old = issue(coordinator, visit)
    default_task_backend.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(url(visit, "gruppe/lenke"), {"how": "email"})

    assert response.status_code == 302
    [result] = default_task_backend.results
    assert result.task.func is send_group_link.func
    assert result.args == [visit.pk]  # the key only: no token or address in the queue
    assert AuditEvent.objects.filter(action=A.GROUP_LINK_ISSUED, data__emailed=True).exists()

    assert send_group_link.call(visit.pk) is True
    [message] = mail.outbox
    assert message.to == ["kontakt@solbakken.test"]
    assert "Solbakken sykehjem" in message.subject
    path = re.search(r"http://[^/\s]+(/gruppe/[^/\s]+/)", message.body).group(1)
    assert english_client().get(path).status_code == 200
    assert english_client().get(old).status_code == 410
    default_task_backend.clear()


def test_without_the_contact_persons_address_no_e_mail_is_queued(world, coordinator):
    visit = make_visit(world, when=VISIT_DAY, contact_email="")
    default_task_backend.clear()
    response = coordinator.post(url(visit, "gruppe/lenke"), {"how": "email"})
    assert response.status_code == 400
    assert default_task_backend.results == []


# --- What the contact person can do ---------------------------------------------------------


def test_the_contact_person_fills_in_the_group(world, coordinator, visit):
    path = issue(coordinator, visit)
    contact = english_client()
    kinds = professions(world)

    response = contact.post(
        path, {"action": "add", "name": "Anne Assistent", "profession": kinds[4].pk, "email": ""}
    )
    assert response.status_code == 302
    assert response["Location"] == path
    person = Participant.objects.get()
    assert (person.visit, person.name) == (visit, "Anne Assistent")

    page = contact.get(f"{path}?endre={person.pk}")
    assert page.context["editing"] == person
    contact.post(
        path,
        {"action": "save", "participant": person.pk, "name": "Anne A.", "profession": kinds[4].pk},
    )
    person.refresh_from_db()
    assert person.name == "Anne A."
    contact.post(path, {"action": "remove", "participant": person.pk})
    assert not Participant.objects.exists()

    events = AuditEvent.objects.filter(action=A.GROUP_CHANGED).order_by("pk")
    assert [e.data["change"] for e in events] == ["added", "changed", "removed"]
    assert all(e.data["via_link"] and e.actor is None for e in events)
    assert all(e.organisation == world.org for e in events)


def test_the_contact_person_sees_the_warnings_and_cannot_add_a_sixth(world, coordinator, visit):
    path = issue(coordinator, visit)
    fill_group(visit, 5, leaders=1)
    contact = english_client()

    page = contact.get(path)
    assert any("leader role" in w for w in page.context["group_warnings"])

    response = contact.post(
        path, {"action": "add", "name": "Sjette", "profession": professions(world)[0].pk}
    )
    assert response.status_code == 400
    assert "already has five participants" in response.content.decode()
    assert visit.participants.count() == 5


def test_the_link_cannot_touch_another_visit(world, coordinator, visit):
    path = issue(coordinator, visit)
    other = make_visit(world, unit=world.ward, when=VISIT_DAY)
    theirs = fill_group(other, 1)[0]
    contact = english_client()

    assert contact.get(f"{path}?endre={theirs.pk}").status_code == 404
    assert contact.post(path, {"action": "remove", "participant": theirs.pk}).status_code == 404
    changed = contact.post(
        path,
        {
            "action": "save",
            "participant": theirs.pk,
            "name": "Overtatt",
            "profession": professions(world)[0].pk,
        },
    )
    assert changed.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Deltaker 1"
    # Adding always adds to the link's own visit, whatever is posted.
    contact.post(
        path,
        {"action": "add", "name": "Ny", "profession": professions(world)[0].pk, "visit": other.pk},
    )
    assert Participant.objects.get(name="Ny").visit == visit


def test_the_link_reaches_no_other_page(world, coordinator, visit):
    path = issue(coordinator, visit)
    contact = english_client()
    contact.get(path)
    for page in (url(visit), url(visit, "gruppe"), "/visitter/"):
        response = contact.get(page)
        assert response.status_code == 302 and "/konto/" in response["Location"], page


def test_the_contact_persons_page_shows_nothing_about_the_team(world, coordinator, visit):
    path = issue(coordinator, visit)
    body = english_client().get(path).content.decode()

    assert "Solbakken sykehjem" in body and "Personalrommet" in body
    for person in (world.top_leader, world.coordinator, world.secretary, world.unit_leader):
        assert person.email not in body
        assert person.full_name not in body
    assert visit.staff_input_token not in body
    assert f"/visitter/{visit.pk}/" not in body
