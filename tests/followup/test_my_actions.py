"""Mine tiltak: a person's own actions in the current organisation, open ones by due
date with overdue and due soon marked, finished ones below; the owner updates status
and progress of their own actions only."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_user
from tests.followup.support_plans import make_planned, status_data
from visitt.audit.models import AuditEvent
from visitt.followup.plans import Action
from visitt.organisations.models import Role

S = Action.Status
URL = reverse("my_actions")


def make_action(problem, owner, what, *, due_in=None, status=S.PLANNED, **fields) -> Action:
    due = timezone.localdate() + timedelta(days=due_in) if due_in is not None else None
    return Action.objects.create(
        problem=problem,
        what=what,
        owner=owner,
        due_date=due,
        status=status,
        created_by=problem.visit.secretary,
        **fields,
    )


def update_url(action) -> str:
    return reverse("my_action_update", args=[action.pk])


def test_open_actions_come_by_due_date_with_overdue_and_due_soon_marked(world, en_client_for):
    planned = make_planned(world)
    problem, owner = planned.problems[0], planned.owner
    make_action(problem, owner, "Later action", due_in=40)
    make_action(problem, owner, "Overdue action", due_in=-3)
    make_action(problem, owner, "Soon action", due_in=2, status=S.IN_PROGRESS)
    make_action(problem, owner, "Undated action")
    make_action(problem, world.unit_leader, "Someone else's action", due_in=1)
    make_action(
        problem, owner, "Completed mattress swap", status=S.DONE, finished_at=timezone.now()
    )

    response = en_client_for(owner).get(URL)

    assert response.status_code == 200
    body = response.content.decode()
    order = [body.index(t) for t in ("Overdue action", "Soon action", "Later action", "Undated")]
    assert order == sorted(order)
    assert "Someone else&#x27;s action" not in body and "Someone else's action" not in body
    assert body.index("Completed mattress swap") > body.index("Finished actions")
    assert "Overdue" in body and "Due soon" in body
    assert "1 action is past its due date." in body


def test_the_nav_links_to_my_actions_for_those_who_can_own_actions(world, en_client_for):
    planned = make_planned(world)
    assert URL in en_client_for(planned.owner).get(reverse("home")).content.decode()
    contact = make_user("kontakt@test.no", world.org, Role.CONTACT_PERSON)
    assert en_client_for(contact).get(URL).status_code == 403


def test_the_owner_updates_status_and_progress(world, en_client_for):
    planned = make_planned(world)
    action = make_action(planned.problems[0], planned.owner, "Bytte madrasser", due_in=5)
    client = en_client_for(planned.owner)

    response = client.post(update_url(action), status_data(action, S.IN_PROGRESS, note="Bestilt"))
    assert response.status_code == 302
    assert response["Location"].startswith(URL)
    action.refresh_from_db()
    assert (action.status, action.progress_note, action.version) == (S.IN_PROGRESS, "Bestilt", 2)
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACTION_STATUS_CHANGED)
    assert event.actor == planned.owner

    # Done: the owner (not a leader) is told the leadership owes the group feedback.
    response = client.post(update_url(action), status_data(action, S.DONE), follow=True)
    assert "owes the conversation group feedback" in response.content.decode()
    action.refresh_from_db()
    assert action.status == S.DONE and action.finished_at is not None


def test_not_possible_needs_a_reason_and_a_stale_update_is_refused(world, en_client_for):
    planned = make_planned(world)
    action = make_action(planned.problems[0], planned.owner, "Nytt toalett", due_in=5)
    client = en_client_for(planned.owner)

    response = client.post(update_url(action), status_data(action, S.NOT_POSSIBLE))
    assert response.status_code == 400
    assert "the participants are told" in response.content.decode()

    assert client.post(update_url(action), status_data(action, S.IN_PROGRESS)).status_code == 302
    response = client.post(update_url(action), status_data(action, S.DONE, version=1))
    assert response.status_code == 409
    action.refresh_from_db()
    assert action.status == S.IN_PROGRESS


def test_another_users_action_is_404_and_unchanged(world, en_client_for):
    planned = make_planned(world)
    theirs = make_action(planned.problems[0], world.unit_leader, "Eva's action", due_in=5)
    client = en_client_for(planned.owner)

    assert client.get(update_url(theirs)).status_code == 404
    assert client.post(update_url(theirs), status_data(theirs, S.DONE)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == S.PLANNED


def test_another_organisations_user_sees_none_of_them(world, en_client_for):
    planned = make_planned(world)
    action = make_action(planned.problems[0], planned.owner, "Hemmelig tiltak", due_in=5)
    client = en_client_for(world.outsider)

    assert "Hemmelig tiltak" not in client.get(URL).content.decode()
    assert client.post(update_url(action), status_data(action, S.DONE)).status_code == 404
    action.refresh_from_db()
    assert action.status == S.PLANNED


def test_my_actions_costs_the_same_queries_for_more_actions(
    world, en_client_for, django_assert_max_num_queries
):
    planned = make_planned(world)
    owner = planned.owner
    make_action(planned.problems[0], owner, "Ett", due_in=3)
    make_action(planned.problems[0], owner, "To", status=S.DONE, finished_at=timezone.now())
    client = en_client_for(owner)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200

    other = make_planned(world)
    for n in range(8):
        problem = other.problems[n % 3]
        make_action(problem, owner, f"Åpent {n}", due_in=n - 2)
        make_action(problem, owner, f"Ferdig {n}", status=S.DONE, finished_at=timezone.now())
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(URL).status_code == 200


def test_finished_actions_are_paginated(world, en_client_for):
    planned = make_planned(world)
    for n in range(25):
        make_action(
            planned.problems[0],
            planned.owner,
            f"Ferdig tiltak {n:02d}",
            status=S.DONE,
            finished_at=timezone.now() - timedelta(hours=n),
        )
    client = en_client_for(planned.owner)
    first = client.get(URL).content.decode()
    second = client.get(URL, {"side": 2}).content.decode()
    assert "Ferdig tiltak 00" in first and "Ferdig tiltak 24" not in first
    assert "Ferdig tiltak 24" in second
