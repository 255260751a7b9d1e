"""Letter templates per organisation, kind and language form: the defaults after
Vedlegg 1, editing with optimistic locking, and sending the invitation once."""

from __future__ import annotations

import io
from datetime import date, time

import icalendar
import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import World
from visitt.audit.models import AuditEvent
from visitt.organisations.models import Organisation
from visitt.planning.checklist import ChecklistItem
from visitt.planning.letters import (
    DEFAULTS,
    PLACEHOLDERS,
    InvitationDispatch,
    LetterTemplate,
    ensure_default_templates,
    fill,
    template_for,
    unknown_placeholders,
)
from visitt.planning.tasks_documents import send_visit_invitation
from visitt.planning.visits import Visit


def make_visit(world: World, **extra) -> Visit:
    values = {
        "organisation": world.org,
        "unit": world.unit,
        "date": date(2026, 11, 23),
        "start_time": time(10, 0),
        "place": "Personalrommet",
        "visit_leader": world.top_leader,
        "coordinator": world.coordinator,
        "secretary": world.secretary,
        "unit_leader": world.unit_leader,
        "contact_name": "Kari Kontakt",
        "contact_email": "kontakt@test.no",
        "created_by": world.coordinator,
    }
    values.update(extra)
    return Visit.objects.create(**values)


# --- Default texts ----------------------------------------------------------------------


def test_every_organisation_gets_an_invitation_and_a_poster_in_bokmal_and_nynorsk(world):
    ensure_default_templates(world.org)
    ensure_default_templates(world.org)  # idempotent

    kinds = set(
        LetterTemplate.objects.filter(organisation=world.org).values_list("kind", "language")
    )
    assert kinds == {
        ("invitation", "nb"),
        ("invitation", "nn"),
        ("poster", "nb"),
        ("poster", "nn"),
    }


def test_making_the_defaults_never_overwrites_an_edited_template(world):
    template = template_for(world.org, LetterTemplate.Kind.INVITATION)
    template.save_text(subject="Vår egen tittel", body="Vår egen tekst", version=1)

    ensure_default_templates(world.org)

    template.refresh_from_db()
    assert (template.subject, template.body, template.version) == (
        "Vår egen tittel",
        "Vår egen tekst",
        2,
    )


@pytest.mark.parametrize(("kind", "language"), list(DEFAULTS))
def test_the_default_texts_credit_helsedirektoratet_and_use_only_known_fields(kind, language):
    subject, body = DEFAULTS[(kind, language)]

    assert unknown_placeholders(subject + body) == []
    assert "Helsedirektoratet / I trygge hender 24-7" in body
    for field in ("{unit}", "{date}", "{time}", "{place}", "{staff_input_link}", "{contact}"):
        assert field in subject + body


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_the_poster_says_what_is_said_is_confidential_and_about_systems_not_persons(language):
    _subject, body = DEFAULTS[(LetterTemplate.Kind.POSTER, language)]

    assert "konfidensielt" in body
    assert ("systemer og rutiner" if language == "nb" else "system og rutinar") in body
    assert ("ikke om enkeltpersoner" if language == "nb" else "ikkje om enkeltpersonar") in body
    assert ("beskyldt" if language == "nb" else "skulda") in body


def test_the_invitation_follows_vedlegg_1():
    _subject, body = DEFAULTS[(LetterTemplate.Kind.INVITATION, "nb")]

    assert "fem personer som daglig arbeider med brukere" in body
    assert "observatør" in body
    assert "opptil tre hovedtiltak" in body
    assert "Hva skjer med opplysningene?" in body


def test_a_nynorsk_organisation_uses_its_nynorsk_template(world):
    template = template_for(world.other_org, LetterTemplate.Kind.INVITATION)

    assert template.language == Organisation.LanguageForm.NYNORSK
    assert "brukarsikkerheitsvisitt" in template.subject


# --- Fields -------------------------------------------------------------------------------


def test_fields_are_filled_and_unknown_braces_are_left_alone():
    assert fill("{unit} {  date } {ukjent}", {"unit": "A", "date": "B"}) == "A B {ukjent}"


def test_a_template_cannot_reach_into_python_objects():
    # A template is user input: never str.format, which would follow attributes.
    assert unknown_placeholders("{organisation.__class__} {unit}") == ["{organisation.__class__}"]
    assert fill("{organisation.__class__}", {"organisation": "X"}) == "{organisation.__class__}"


def test_the_known_fields_are_the_ones_the_issue_names():
    assert set(PLACEHOLDERS) == {
        "organisation",
        "unit",
        "date",
        "time",
        "place",
        "visit_leader",
        "leaders",
        "contact",
        "staff_input_link",
    }


# --- The template pages -------------------------------------------------------------------


def test_the_coordinator_sees_the_four_templates(world, client_for):
    response = client_for(world.coordinator).get(reverse("letter_templates"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Invitasjon til pasient- og brukersikkerhetsvisitt på {unit}" in body
    assert "Pasient- og brukarsikkerheitsvisitt på {unit}" in body
    assert LetterTemplate.objects.filter(organisation=world.org).count() == 4


def test_the_template_list_costs_the_same_queries_every_time(world, client_for):
    client = client_for(world.coordinator)
    client.get(reverse("letter_templates"))  # makes the defaults

    with CaptureQueriesContext(connection) as first:
        client.get(reverse("letter_templates"))
    template_for(world.org, LetterTemplate.Kind.POSTER).save_text(
        subject="Ny", body="Ny", version=1
    )
    with CaptureQueriesContext(connection) as second:
        client.get(reverse("letter_templates"))

    assert len(first) == len(second)
    assert len(first) <= 10  # sign-in and session: 7; the view: the defaults check and the list


@pytest.mark.parametrize("who", ["secretary", "unit_leader", "admin"])
def test_only_those_who_manage_visits_edit_templates(who, world, client_for):
    template = template_for(world.org, LetterTemplate.Kind.INVITATION)
    client = client_for(getattr(world, who))

    assert client.get(reverse("letter_templates")).status_code == 403
    url = reverse("letter_template_edit", args=[template.pk])
    assert client.post(url, {"subject": "X", "body": "X", "version": 1}).status_code == 403
    template.refresh_from_db()
    assert template.version == 1


def test_user_of_another_organisation_gets_404_for_a_template(world, client_for):
    template = template_for(world.org, LetterTemplate.Kind.INVITATION)
    client = client_for(world.outsider)
    url = reverse("letter_template_edit", args=[template.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"subject": "X", "body": "X", "version": 1}).status_code == 404


def test_saving_a_template_keeps_the_text_and_is_audited(world, client_for):
    template = template_for(world.org, LetterTemplate.Kind.INVITATION)
    client = client_for(world.coordinator)
    url = reverse("letter_template_edit", args=[template.pk])
    assert client.get(url).status_code == 200

    response = client.post(
        url, {"subject": "Besøk på {unit}", "body": "Vi kommer {date} kl. {time}.", "version": 1}
    )

    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.subject, template.version) == ("Besøk på {unit}", 2)
    event = AuditEvent.objects.get(action=AuditEvent.Action.TEMPLATE_CHANGED)
    assert event.object_id == str(template.pk)
    assert event.actor == world.coordinator


def test_an_unknown_field_is_refused_with_400_and_a_message(world, client_for):
    template = template_for(world.org, LetterTemplate.Kind.INVITATION)
    before = template.body

    response = client_for(world.coordinator).post(
        reverse("letter_template_edit", args=[template.pk]),
        {"subject": "Besøk", "body": "Vi kommer {dato} til {kommune}.", "version": 1},
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "{dato}, {kommune}" in body
    assert "{staff_input_link}" in body  # the message lists the known fields
    template.refresh_from_db()
    assert (template.body, template.version) == (before, 1)


def test_a_stale_save_is_refused_and_the_newer_text_is_kept(world, client_for):
    template = template_for(world.org, LetterTemplate.Kind.INVITATION)
    url = reverse("letter_template_edit", args=[template.pk])
    client_for(world.top_leader).post(url, {"subject": "Først", "body": "Først", "version": 1})

    response = client_for(world.coordinator).post(
        url, {"subject": "Sist", "body": "Sist", "version": 1}
    )

    assert response.status_code == 409
    assert "Someone else saved this template" in response.content.decode()
    template.refresh_from_db()
    assert (template.subject, template.version) == ("Først", 2)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.TEMPLATE_CHANGED).count() == 1


# --- The preview ----------------------------------------------------------------------------


def test_the_preview_shows_the_filled_in_letter(world, client_for):
    visit = make_visit(world)

    response = client_for(world.secretary).get(reverse("visit_invitation_preview", args=[visit.pk]))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Invitasjon til pasient- og brukersikkerhetsvisitt på Solbakken sykehjem" in body
    assert "mandag 23. november 2026" in body
    assert 'lang="nb"' in body
    assert "{unit}" not in body
    # The secretary may read it, but only those who manage visits send it.
    assert reverse("visit_invitation_send", args=[visit.pk]) not in body


def test_the_preview_is_in_nynorsk_for_a_nynorsk_organisation(world, client_for):
    visit = Visit.objects.create(
        organisation=world.other_org,
        unit=world.other_unit,
        date=date(2026, 11, 24),
        visit_leader=world.outsider,
        created_by=world.outsider,
    )

    response = client_for(world.outsider).get(reverse("visit_invitation_preview", args=[visit.pk]))

    body = response.content.decode()
    assert "Invitasjon til pasient- og brukarsikkerheitsvisitt på Hemmeleg eining" in body
    assert "tysdag 24. november 2026" in body
    assert 'lang="nn"' in body


# --- Sending ----------------------------------------------------------------------------------


def send(client, visit: Visit, last_sent: str = ""):
    return client.post(reverse("visit_invitation_send", args=[visit.pk]), {"last_sent": last_sent})


def test_sending_e_mails_the_unit_leader_and_the_contact_person_the_pdf_and_the_ics(
    world, client_for, enqueued, mailoutbox, django_capture_on_commit_callbacks
):
    visit = make_visit(world)

    with django_capture_on_commit_callbacks(execute=True):
        response = send(client_for(world.coordinator), visit)

    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.invitation_sent_at is not None
    assert [(r.task.func, r.args) for r in enqueued] == [(send_visit_invitation.func, [visit.pk])]
    assert mailoutbox == []  # the worker sends

    send_visit_invitation.call(visit.pk)

    assert sorted(m.to[0] for m in mailoutbox) == ["enhetsleder@test.no", "kontakt@test.no"]
    mail = mailoutbox[0]
    assert mail.subject == "Invitasjon til pasient- og brukersikkerhetsvisitt på Solbakken sykehjem"
    assert "mandag 23. november 2026" in mail.body
    names = [attachment.filename for attachment in mail.attachments]
    assert names == ["invitasjon-solbakken-sykehjem-2026-11-23.pdf", "visitt.ics"]
    pdf = mail.attachments[0].content
    text = " ".join(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "Solbakken sykehjem" in text
    ics = mail.attachments[1]
    assert ics.mimetype == "text/calendar"
    event = icalendar.Calendar.from_ical(ics.content).events[0]
    assert str(event["UID"]) == f"visit-{visit.pk}@visitt"
    html = mail.alternatives[0].content
    assert "Solbakken sykehjem" in html

    item = ChecklistItem.objects.get(visit=visit, key=ChecklistItem.Key.INVITATION_SENT)
    assert item.is_done and item.done_by == world.coordinator
    event = AuditEvent.objects.get(action=AuditEvent.Action.LETTER_SENT)
    assert (event.object_id, event.data) == (str(visit.pk), {"recipients": 2})
    assert InvitationDispatch.objects.get(visit=visit).sent_at is not None


def test_a_double_submit_sends_once(
    world, client_for, enqueued, mailoutbox, django_capture_on_commit_callbacks
):
    visit = make_visit(world)
    client = client_for(world.coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        first = send(client, visit)
        second = send(client, visit)  # the same form, posted twice

    assert (first.status_code, second.status_code) == (302, 302)
    assert len(enqueued) == 1
    assert InvitationDispatch.objects.filter(visit=visit).count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LETTER_SENT).count() == 1

    send_visit_invitation.call(visit.pk)
    send_visit_invitation.call(visit.pk)  # a retry, or a second worker

    assert len(mailoutbox) == 2  # one e-mail to each of the two recipients


def test_the_invitation_can_be_sent_again_from_the_current_page(
    world, client_for, enqueued, mailoutbox, django_capture_on_commit_callbacks
):
    visit = make_visit(world)
    client = client_for(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        send(client, visit)
    send_visit_invitation.call(visit.pk)
    visit.refresh_from_db()
    page = client.get(reverse("visit_invitation_preview", args=[visit.pk])).content.decode()
    assert visit.invitation_sent_at.isoformat() in page

    with django_capture_on_commit_callbacks(execute=True):
        send(client, visit, last_sent=visit.invitation_sent_at.isoformat())
    send_visit_invitation.call(visit.pk)

    assert len(enqueued) == 2
    assert len(mailoutbox) == 4


def test_nobody_with_an_e_mail_address_gives_400_and_sends_nothing(
    world, client_for, enqueued, django_capture_on_commit_callbacks
):
    world.unit_leader.email = ""
    world.unit_leader.save()
    visit = make_visit(world, contact_email="")

    with django_capture_on_commit_callbacks(execute=True):
        response = send(client_for(world.coordinator), visit)

    assert response.status_code == 400
    assert "Neither the unit leader nor the contact person has an e-mail address" in (
        response.content.decode()
    )
    visit.refresh_from_db()
    assert visit.invitation_sent_at is None
    assert enqueued == []
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LETTER_SENT).exists()


def test_only_the_contact_person_gets_it_when_there_is_no_unit_leader(
    world, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    visit = make_visit(world, unit_leader=None)
    with django_capture_on_commit_callbacks(execute=True):
        send(client_for(world.coordinator), visit)

    send_visit_invitation.call(visit.pk)

    assert [m.to for m in mailoutbox] == [["kontakt@test.no"]]


def test_a_conducted_visit_is_not_invited_to(world, client_for, enqueued):
    visit = make_visit(world)
    visit.mark_conducted(by=world.coordinator)

    response = send(client_for(world.coordinator), visit)

    assert response.status_code == 400
    assert enqueued == []


def test_a_garbled_form_gives_400(world, client_for, enqueued):
    visit = make_visit(world)

    response = send(client_for(world.coordinator), visit, last_sent="i går")

    assert response.status_code == 400
    visit.refresh_from_db()
    assert visit.invitation_sent_at is None


@pytest.mark.parametrize("who", ["secretary", "unit_leader"])
def test_those_who_do_not_manage_visits_cannot_send(who, world, client_for, enqueued):
    visit = make_visit(world)

    response = send(client_for(getattr(world, who)), visit)

    assert response.status_code == 403
    visit.refresh_from_db()
    assert visit.invitation_sent_at is None
    assert enqueued == []


def test_user_of_another_organisation_cannot_send(world, client_for, enqueued):
    visit = make_visit(world)

    assert send(client_for(world.outsider), visit).status_code == 404
    assert enqueued == []


def test_sending_only_accepts_post(world, client_for):
    visit = make_visit(world)
    response = client_for(world.coordinator).get(reverse("visit_invitation_send", args=[visit.pk]))
    assert response.status_code == 405


def test_the_task_sends_nothing_without_a_request(world, mailoutbox):
    visit = make_visit(world)

    send_visit_invitation.call(visit.pk)

    assert mailoutbox == []
