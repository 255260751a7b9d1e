"""Feedback to the conversation group: who may send it, what it says, and that it goes
out exactly once."""

from __future__ import annotations

import io

import pypdf
import pytest
from django.urls import reverse

from tests.conftest import make_user
from tests.followup.support_feedback import action_owner, make_cycle
from visitt.audit.models import AuditEvent
from visitt.followup.feedback import Feedback
from visitt.followup.plans import Action
from visitt.followup.services_feedback import feedback_owed
from visitt.followup.tasks_feedback import send_feedback_emails
from visitt.organisations.models import Role


def url(action: Action) -> str:
    return reverse("action_feedback", args=[action.pk])


def post(client, action: Action, message: str, **extra):
    return client.post(url(action), {"message": message, "about_status": action.status, **extra})


def test_the_form_suggests_a_message_that_the_action_is_done(world, en_client_for):
    cycle = make_cycle(world)
    response = en_client_for(world.coordinator).get(url(cycle.done))
    assert response.status_code == 200
    form = response.context["form"]
    # Written in the organisation's language (the group reads it) once translated.
    assert "Tiltak for Trykksår og madrasser" in form.initial["message"]
    assert "Trykksår og madrasser" in form.initial["message"]
    assert "Per Pleier" not in response.content.decode()  # the names come after sending


def test_not_possible_feedback_is_prefilled_with_the_reason_and_always_carries_it(
    world, en_client_for, django_capture_on_commit_callbacks
):
    cycle = make_cycle(world)
    client = en_client_for(world.coordinator)
    response = client.get(url(cycle.not_possible))
    assert "Budsjettet er brukt opp i år" in response.context["form"].initial["message"]

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, cycle.not_possible, "Tiltaket kan ikke gjennomføres nå.")
    assert response.status_code == 302
    feedback = Feedback.objects.get(action=cycle.not_possible)
    # The writer left the reason out: it is added, the group must hear why.
    assert "Budsjettet er brukt opp i år" in feedback.message
    assert feedback.about_status == Action.Status.NOT_POSSIBLE


def test_sending_stores_once_then_e_mails_the_group_after_the_commit(
    world, en_client_for, enqueued, mailoutbox, django_capture_on_commit_callbacks
):
    cycle = make_cycle(world)
    client = en_client_for(world.coordinator)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post(client, cycle.done, "Tiltaket er gjennomført. Takk for innspillet!")
    assert response.status_code == 302
    # The row exists before anything is sent; sending waits for the commit.
    assert Feedback.objects.filter(action=cycle.done).count() == 1
    assert len(enqueued) == 0 and len(callbacks) == 1
    callbacks[0]()
    assert [(r.task.func, r.args) for r in enqueued] == [
        (send_feedback_emails.func, [Feedback.objects.get().pk])
    ]

    # A double submit: nothing stored, nothing enqueued again.
    with django_capture_on_commit_callbacks(execute=True) as again:
        response = post(client, cycle.done, "Tiltaket er gjennomført. Takk for innspillet!")
    assert response.status_code == 302 and again == []
    assert Feedback.objects.filter(action=cycle.done).count() == 1 and len(enqueued) == 1
    page = client.get(url(cycle.done))
    assert "Nothing was sent again" in page.content.decode()

    assert send_feedback_emails.call(Feedback.objects.get().pk) == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["per@test.no", "sara@test.no"]
    assert "Tiltaket er gjennomført. Takk for innspillet!" in mailoutbox[0].body
    assert "Solbakken sykehjem" in mailoutbox[0].subject

    feedback = Feedback.objects.get()
    assert (feedback.emailed_to, feedback.printed_for) == (2, 1)
    event = AuditEvent.objects.get(action=AuditEvent.Action.FEEDBACK_SENT)
    assert event.object_id == str(cycle.done.pk)
    assert "Tiltaket" not in str(event.data)  # the audit does not copy the message
    # The contact person sees who needs a printed letter.
    assert "Ola Uten" in page.content.decode()


def test_the_printed_letters_have_one_page_per_person_without_e_mail(world, en_client_for):
    cycle = make_cycle(world)
    client = en_client_for(world.coordinator)
    post(client, cycle.done, "Tiltaket er gjennomført.")
    feedback = Feedback.objects.get()
    response = client.get(reverse("feedback_letters_pdf", args=[feedback.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Ola Uten" in text and "Tiltaket er gjennomført." in text


def test_the_personal_data_guard_stops_a_national_identity_number(world, en_client_for):
    cycle = make_cycle(world)
    response = post(en_client_for(world.coordinator), cycle.done, "Gjelder 15108695088.")
    assert response.status_code == 422
    assert not Feedback.objects.exists()


def test_a_warning_needs_a_reason_which_is_audited(world, en_client_for):
    cycle = make_cycle(world)
    client = en_client_for(world.coordinator)
    message = "Spørsmål? Ring 22 33 44 55."
    assert post(client, cycle.done, message).status_code == 422
    assert not Feedback.objects.exists()
    response = post(client, cycle.done, message, override_reason="Sentralbordet, ikke en person")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PERSONAL_DATA_OVERRIDE).exists()


def test_an_open_action_gets_no_feedback(world, en_client_for):
    cycle = make_cycle(world)
    client = en_client_for(world.coordinator)
    assert client.get(url(cycle.open)).context["form"] is None
    response = client.post(url(cycle.open), {"message": "Ferdig", "about_status": "done"})
    assert response.status_code == 400 and not Feedback.objects.exists()


def test_a_status_change_while_writing_sends_nothing(world, en_client_for):
    cycle = make_cycle(world)
    response = en_client_for(world.coordinator).post(
        url(cycle.done), {"message": "Kan ikke nå", "about_status": "not_possible"}
    )
    assert response.status_code == 409 and not Feedback.objects.exists()


def test_a_top_leader_outside_the_team_may_send(world, en_client_for):
    cycle = make_cycle(world)
    assert post(en_client_for(world.top_leader), cycle.done, "Gjennomført.").status_code == 302


@pytest.mark.parametrize("who", ["unit_leader", "action_owner", "admin"])
def test_unit_leaders_action_owners_and_admins_may_not_send(world, en_client_for, who):
    cycle = make_cycle(world)
    user = action_owner(world) if who == "action_owner" else getattr(world, who)
    if who == "action_owner":
        cycle.done.owner = user
        cycle.done.save()
    client = en_client_for(user)
    assert client.get(url(cycle.done)).status_code == 403
    assert post(client, cycle.done, "Gjennomført.").status_code == 403
    assert client.get(reverse("feedback_owed")).status_code == 403
    assert not Feedback.objects.exists()


def test_a_leader_not_on_the_visits_team_may_not_send(world, en_client_for):
    cycle = make_cycle(world)
    other = make_user("radgiver@test.no", world.org, Role.MEDICAL_ADVISOR)
    client = en_client_for(other)
    assert client.get(url(cycle.done)).status_code == 403
    # They see what is owed, without a link to send it.
    page = client.get(reverse("feedback_owed"))
    assert page.status_code == 200
    assert url(cycle.done) not in page.content.decode()


def test_another_organisation_gets_404(world, en_client_for):
    cycle = make_cycle(world)
    client = en_client_for(world.outsider)
    assert client.get(url(cycle.done)).status_code == 404
    assert post(client, cycle.done, "Hei").status_code == 404
    post(en_client_for(world.coordinator), cycle.done, "Gjennomført.")
    feedback = Feedback.objects.get()
    assert client.get(reverse("feedback_letters_pdf", args=[feedback.pk])).status_code == 404
    assert cycle.done.what not in client.get(reverse("feedback_owed")).content.decode()


def test_feedback_owed_lists_finished_actions_without_feedback_for_their_status(world):
    cycle = make_cycle(world)
    assert set(feedback_owed(world.org)) == {cycle.done, cycle.not_possible}
    Feedback.objects.create(
        action=cycle.done, about_status="done", message="Ferdig", sent_by=world.coordinator
    )
    assert list(feedback_owed(world.org)) == [cycle.not_possible]
    # Told it was not possible; later it was done after all: the group is owed news again.
    Feedback.objects.create(
        action=cycle.not_possible,
        about_status="not_possible",
        message="Ikke nå",
        sent_by=world.coordinator,
    )
    assert list(feedback_owed(world.org)) == []
    cycle.not_possible.status = Action.Status.DONE
    cycle.not_possible.save()
    assert list(feedback_owed(world.org)) == [cycle.not_possible]
    assert list(feedback_owed(world.other_org)) == []


def test_the_owed_list_takes_a_bounded_number_of_queries(
    world, en_client_for, django_assert_max_num_queries
):
    for _ in range(3):
        make_cycle(world)
    client = en_client_for(world.coordinator)
    client.get(reverse("feedback_owed"))  # warm up the session
    with django_assert_max_num_queries(12):
        response = client.get(reverse("feedback_owed"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 6


def test_the_owed_list_is_paginated_oldest_first(world, en_client_for, monkeypatch):
    from visitt.followup import views_feedback

    monkeypatch.setattr(views_feedback, "OWED_PAGE_SIZE", 4)
    for _ in range(3):
        make_cycle(world)
    client = en_client_for(world.coordinator)
    first = client.get(reverse("feedback_owed"))
    second = client.get(reverse("feedback_owed") + "?side=2")
    owed = list(feedback_owed(world.org))
    assert [row["action"] for row in first.context["rows"]] == owed[:4]
    assert [row["action"] for row in second.context["rows"]] == owed[4:]
    assert "6 finished actions are waiting for feedback" in first.content.decode()
    assert "Page 1 of 2" in first.content.decode()
