"""Closing the cycle: after the follow-up visit, with every action finished and the
group told what came of each."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.urls import reverse

from tests.followup.support_feedback import finish, follow_up_of, make_cycle
from visitt.audit.models import AuditEvent
from visitt.followup.feedback import Feedback
from visitt.followup.plans import Action
from visitt.planning.models import Visit

S = Visit.Status


def close(client, visit):
    return client.post(reverse("visit_close", args=[visit.pk]))


def follow_up_done(world):
    cycle = make_cycle(world)
    follow_up_of(world, cycle)
    cycle.visit.refresh_from_db()
    cycle.visit.mark_follow_up_done(world.coordinator)
    return cycle


def said(response) -> str:
    """The message the last request added (unread ones from earlier stay queued)."""
    return str(list(get_messages(response.wsgi_request))[-1])


def test_a_visit_before_its_follow_up_cannot_be_closed(world, en_client_for):
    cycle = make_cycle(world)
    response = close(en_client_for(world.coordinator), cycle.visit)
    assert response.status_code == 302
    assert "The follow-up visit must be completed first" in said(response)
    cycle.visit.refresh_from_db()
    assert cycle.visit.status == S.CONDUCTED


def test_open_actions_and_feedback_owed_stop_the_closing_and_are_named(world, en_client_for):
    cycle = follow_up_done(world)
    client = en_client_for(world.coordinator)
    response = close(client, cycle.visit)
    message = said(response)
    assert "1 action is not finished" in message
    assert "has not had feedback on 2 finished actions" in message
    cycle.visit.refresh_from_db()
    assert cycle.visit.status == S.FOLLOW_UP_DONE

    finish(cycle.open, Action.Status.DONE)
    for action in (cycle.done, cycle.not_possible):
        Feedback.objects.create(
            action=action, about_status=action.status, message="...", sent_by=world.coordinator
        )
    response = close(client, cycle.visit)
    message = said(response)
    assert "not finished" not in message
    assert "has not had feedback on 1 finished action" in message  # the one just done

    Feedback.objects.create(
        action=cycle.open, about_status="done", message="...", sent_by=world.coordinator
    )
    response = close(client, cycle.visit)
    assert "The visit is closed" in said(response)
    cycle.visit.refresh_from_db()
    assert cycle.visit.status == S.CLOSED
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VISIT_CLOSED, object_id=str(cycle.visit.pk)
    ).exists()
    # A double submit changes nothing.
    close(client, cycle.visit)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VISIT_CLOSED).count() == 1


def test_feedback_is_required_before_closing(world, en_client_for):
    cycle = follow_up_done(world)
    finish(cycle.open, Action.Status.DONE)
    client = en_client_for(world.coordinator)
    close(client, cycle.visit)
    cycle.visit.refresh_from_db()
    assert cycle.visit.status == S.FOLLOW_UP_DONE
    for action in (cycle.done, cycle.not_possible, cycle.open):
        action.refresh_from_db()
        response = client.post(
            reverse("action_feedback", args=[action.pk]),
            {"message": "Tilbakemelding til gruppen.", "about_status": action.status},
        )
        assert response.status_code == 302
    close(client, cycle.visit)
    cycle.visit.refresh_from_db()
    assert cycle.visit.status == S.CLOSED


def test_unit_leaders_and_other_organisations_may_not_close(world, en_client_for):
    cycle = follow_up_done(world)
    assert close(en_client_for(world.unit_leader), cycle.visit).status_code == 403
    assert close(en_client_for(world.outsider), cycle.visit).status_code == 404
    assert en_client_for(world.coordinator).get(
        reverse("visit_close", args=[cycle.visit.pk])
    ).status_code in (405,)


def test_the_visit_page_links_the_follow_up_and_offers_closing(world, en_client_for):
    cycle = follow_up_done(world)
    client = en_client_for(world.coordinator)
    page = client.get(reverse("visit_detail", args=[cycle.visit.pk])).content.decode()
    follow_up = cycle.visit.follow_ups.get()
    assert reverse("visit_close", args=[cycle.visit.pk]) in page
    assert reverse("visit_detail", args=[follow_up.pk]) in page
    assert reverse("follow_up_review", args=[follow_up.pk]) in page
    assert reverse("feedback_owed") in page
    page = client.get(reverse("visit_detail", args=[follow_up.pk])).content.decode()
    assert reverse("follow_up_review", args=[follow_up.pk]) in page
    assert reverse("visit_close", args=[follow_up.pk]) not in page
