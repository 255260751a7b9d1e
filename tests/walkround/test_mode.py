"""The visit mode: who may read the notes, saving notes safely, attendance, closing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import make_user
from tests.walkround.conftest import make_visit
from visitt.audit.models import AuditEvent
from visitt.organisations.models import Role
from visitt.planning.models import Participant, Profession, Visit
from visitt.walkround.access import can_read_notes
from visitt.walkround.models import Question, Theme, VisitNote, Walkround

A = AuditEvent.Action
FNR = "15108695088"  # a valid fødselsnummer (synthetic, from the guard's tests)
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def visit(world) -> Visit:
    return make_visit(world, in_days=7)


@pytest.fixture
def question(world) -> Question:
    return Question.objects.create(
        organisation=world.org, theme=Theme.INCIDENTS, text_nb="Hva skjer ved avvik?"
    )


def note_url(visit: Visit) -> str:
    return reverse("visit_note_save", args=[visit.pk])


def mode_url(visit: Visit) -> str:
    return reverse("visit_mode", args=[visit.pk])


# --- Confidentiality ----------------------------------------------------------------


def test_the_visits_secretary_reads_the_notes_and_the_read_is_audited(
    world, visit, question, client_for
):
    VisitNote.objects.create(visit=visit, question=question, text="Rutinen er uklar")
    response = client_for(world.secretary).get(mode_url(visit))
    assert response.status_code == 200
    assert "Rutinen er uklar" in response.text
    assert "Hva skjer ved avvik?" in response.text
    event = AuditEvent.objects.get(action=A.NOTES_READ)
    assert event.actor == world.secretary and event.object_id == str(visit.pk)


def test_a_secretary_outside_the_visits_team_is_refused(world, visit, client_for):
    other = make_user("sekretaer2@test.no", world.org, Role.SECRETARY)
    assert client_for(other).get(mode_url(visit)).status_code == 403
    assert not AuditEvent.objects.filter(action=A.NOTES_READ).exists()


def test_a_top_leader_reads_the_notes_of_any_visit_in_the_organisation(world, visit, client_for):
    assert client_for(world.top_leader).get(mode_url(visit)).status_code == 200


def test_a_secretary_who_is_also_top_leader_reads_notes_of_other_visits(world, visit, client_for):
    both = make_user("begge@test.no", world.org, Role.SECRETARY, Role.TOP_LEADER)
    assert client_for(both).get(mode_url(visit)).status_code == 200


@pytest.mark.parametrize("role", [Role.UNIT_LEADER, Role.ACTION_OWNER, Role.ADMIN])
def test_unit_leaders_action_owners_and_admins_never_read_notes(world, visit, client_for, role):
    user = make_user(f"{role}-2@test.no", world.org, role)
    assert client_for(user).get(mode_url(visit)).status_code == 403
    response = client_for(user).post(note_url(visit), {"text": "x", "version": 0, "question": ""})
    assert response.status_code == 403
    assert not VisitNote.objects.exists()


def test_the_visits_own_unit_leader_is_refused(world, visit, client_for):
    assert client_for(world.unit_leader).get(mode_url(visit)).status_code == 403


def test_another_organisation_gets_404(world, visit, client_for):
    assert client_for(world.outsider).get(mode_url(visit)).status_code == 404
    response = client_for(world.outsider).post(
        note_url(visit), {"text": "x", "version": 0, "question": ""}
    )
    assert response.status_code == 404
    assert not VisitNote.objects.exists()


def test_can_read_notes_follows_the_visits_team_and_top_leaders(world, visit):
    adviser = make_user("lege@test.no", world.org, Role.ADMIN)
    visit.medical_advisor = adviser
    assert can_read_notes(adviser, visit, {Role.ADMIN})  # on the team for this visit
    assert can_read_notes(world.secretary, visit, {Role.SECRETARY})
    assert can_read_notes(world.top_leader, visit, {Role.TOP_LEADER})
    assert not can_read_notes(world.admin, visit, {Role.ADMIN})
    assert not can_read_notes(world.unit_leader, visit, {Role.UNIT_LEADER})


# --- Saving notes -------------------------------------------------------------------


def test_a_note_saves_and_answers_the_new_version_and_time(world, visit, question, client_for):
    client = client_for(world.secretary)
    data = {"question": question.pk, "text": "Meldingene forsvinner", "version": 0}
    response = client.post(note_url(visit), data, **JSON)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "saved" and body["version"] == 1
    assert body["message"].startswith("Saved at ")
    note = VisitNote.objects.get()
    assert (note.text, note.version, note.updated_by) == (
        "Meldingene forsvinner",
        1,
        world.secretary,
    )
    assert AuditEvent.objects.filter(action=A.NOTES_CHANGED).count() == 1


def test_without_javascript_a_save_goes_back_to_the_page(world, visit, client_for):
    client = client_for(world.secretary)
    response = client.post(note_url(visit), {"question": "", "text": "Generelt", "version": 0})
    assert response.status_code == 302
    assert response["Location"].endswith("#note-general")
    assert VisitNote.objects.get(question=None).text == "Generelt"


def test_a_stale_save_is_refused_with_the_stored_text_and_nothing_changes(
    world, visit, question, client_for
):
    note = VisitNote.objects.create(
        visit=visit, question=question, text="Deres tekst", version=3, updated_by=world.coordinator
    )
    response = client_for(world.secretary).post(
        note_url(visit), {"question": question.pk, "text": "Min tekst", "version": 2}, **JSON
    )
    assert response.status_code == 409
    body = response.json()
    assert body["status"] == "conflict"
    assert body["text"] == "Deres tekst" and body["version"] == 3
    assert body["updated_by"] == world.coordinator.full_name
    note.refresh_from_db()
    assert (note.text, note.version) == ("Deres tekst", 3)


def test_a_stale_save_without_javascript_shows_both_texts(world, visit, question, client_for):
    VisitNote.objects.create(visit=visit, question=question, text="Deres tekst", version=3)
    response = client_for(world.secretary).post(
        note_url(visit), {"question": question.pk, "text": "Min tekst", "version": 2}
    )
    assert response.status_code == 409
    assert "Deres tekst" in response.text and "Min tekst" in response.text
    assert "Someone else changed this note." in response.text
    # Saving again with the version the page now carries merges.
    response = client_for(world.secretary).post(
        note_url(visit), {"question": question.pk, "text": "Begge", "version": 3}
    )
    assert response.status_code == 302
    assert VisitNote.objects.get().text == "Begge"


def test_a_double_submit_stores_one_note(world, visit, question, client_for):
    client = client_for(world.secretary)
    data = {"question": question.pk, "text": "To ganger", "version": 0}
    first = client.post(note_url(visit), data, **JSON)
    second = client.post(note_url(visit), data, **JSON)
    assert first.status_code == second.status_code == 200
    assert second.json()["version"] == 1
    assert VisitNote.objects.count() == 1
    assert VisitNote.objects.get().version == 1


def test_a_question_of_another_organisation_is_refused(world, visit, client_for):
    foreign = Question.objects.create(
        organisation=world.other_org, theme=Theme.INCIDENTS, text_nb="Fremmed"
    )
    response = client_for(world.secretary).post(
        note_url(visit), {"question": foreign.pk, "text": "x", "version": 0}, **JSON
    )
    assert response.status_code == 400
    assert not VisitNote.objects.exists()


def test_a_missing_version_is_refused(world, visit, client_for):
    response = client_for(world.secretary).post(
        note_url(visit), {"question": "", "text": "x"}, **JSON
    )
    assert response.status_code == 400
    assert not VisitNote.objects.exists()


# --- The personal-data guard --------------------------------------------------------


def test_a_national_identity_number_is_refused_and_the_text_kept_in_the_field(
    world, visit, client_for
):
    client = client_for(world.secretary)
    text = f"Pasienten med {FNR} falt"
    response = client.post(note_url(visit), {"question": "", "text": text, "version": 0}, **JSON)
    assert response.status_code == 422
    assert response.json()["status"] == "blocked"
    assert not VisitNote.objects.filter(text__contains=FNR).exists()
    # Without JavaScript the page comes back with the text still in the field.
    response = client.post(
        note_url(visit),
        {"question": "", "text": text, "version": 0, "override_reason": "Trenger det"},
    )
    assert response.status_code == 422
    assert text in response.text
    assert "national identity number" in response.text
    assert not VisitNote.objects.filter(text__contains=FNR).exists()
    assert not AuditEvent.objects.filter(action=A.PERSONAL_DATA_OVERRIDE).exists()


def test_a_warning_refuses_until_a_reason_is_given_and_the_override_is_audited(
    world, visit, client_for
):
    client = client_for(world.secretary)
    data = {"question": "", "text": "Ring vakttelefonen 22 33 44 55", "version": 0}
    response = client.post(note_url(visit), data, **JSON)
    assert response.status_code == 422
    assert response.json()["status"] == "warning"
    assert not VisitNote.objects.exclude(text="").exists()

    response = client.post(
        note_url(visit), {**data, "override_reason": "Avdelingens felles nummer"}, **JSON
    )
    assert response.status_code == 200
    assert VisitNote.objects.get().text == data["text"]
    event = AuditEvent.objects.get(action=A.PERSONAL_DATA_OVERRIDE)
    assert event.data["reason"] == "Avdelingens felles nummer"
    assert event.data["kinds"] == ["phone"]
    assert "22 33" not in str(event.data)


# --- Presentations and closing ------------------------------------------------------


def test_attendance_and_a_substitute_are_recorded(world, visit, client_for):
    nurse = Profession.objects.create(organisation=world.org, name="Sykepleier")
    came = Participant.objects.create(visit=visit, name="Per", profession=nurse)
    away = Participant.objects.create(visit=visit, name="Pål", profession=nurse)
    client = client_for(world.secretary)
    response = client.post(
        reverse("visit_mode_attendance", args=[visit.pk]),
        {"present": [came.pk], "observer_present": ["no", "yes"]},
    )
    assert response.status_code == 302
    came.refresh_from_db()
    away.refresh_from_db()
    assert (came.attended, away.attended) == (True, False)
    assert Walkround.objects.get(visit=visit).observer_present is True

    response = client.post(
        reverse("visit_mode_substitute", args=[visit.pk]),
        {"name": "Vikar Vera", "profession": nurse.pk},
    )
    assert response.status_code == 302
    vera = Participant.objects.get(name="Vikar Vera")
    assert vera.is_substitute and vera.attended


def test_attendance_for_a_participant_of_another_visit_is_refused(world, visit, client_for):
    nurse = Profession.objects.create(organisation=world.org, name="Sykepleier")
    other = Visit.objects.create(
        organisation=world.org,
        unit=world.ward,
        date=visit.date,
        visit_leader=world.coordinator,
        created_by=world.coordinator,
    )
    stranger = Participant.objects.create(visit=other, name="Annen", profession=nurse)
    response = client_for(world.secretary).post(
        reverse("visit_mode_attendance", args=[visit.pk]), {"present": [stranger.pk]}
    )
    assert response.status_code == 400
    stranger.refresh_from_db()
    assert stranger.attended is None


def test_completing_the_walkround_marks_the_visit_conducted(world, visit, client_for):
    client = client_for(world.coordinator)
    response = client.post(
        reverse("visit_mode_close", args=[visit.pk]),
        {
            "summary": "Tre problemer",
            "had_tour": "yes",
            "actual_start": "10:00",
            "actual_end": "11:15",
            "version": 1,
            "complete": "",
        },
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CONDUCTED
    walkround = Walkround.objects.get(visit=visit)
    assert walkround.completed_at is not None and walkround.had_tour is True
    assert walkround.summary == "Tre problemer"
    assert AuditEvent.objects.filter(action=A.VISIT_CONDUCTED).count() == 1
    # Over sixty minutes is flagged, not blocked.
    page = client.get(mode_url(visit))
    assert "The walkround lasted 75 minutes" in page.text


def test_completing_needs_the_actual_times(world, visit, client_for):
    response = client_for(world.coordinator).post(
        reverse("visit_mode_close", args=[visit.pk]),
        {"summary": "", "had_tour": "", "version": 1, "complete": ""},
    )
    assert response.status_code == 400
    assert "actual start and end time" in response.text
    visit.refresh_from_db()
    assert visit.status == Visit.Status.PLANNED


def test_a_stale_closing_is_refused_and_nothing_changes(world, visit, client_for):
    Walkround.objects.create(visit=visit, summary="Deres", version=4)
    response = client_for(world.coordinator).post(
        reverse("visit_mode_close", args=[visit.pk]),
        {"summary": "Min", "had_tour": "no", "version": 3},
    )
    assert response.status_code == 400
    walkround = Walkround.objects.get(visit=visit)
    assert (walkround.summary, walkround.version) == ("Deres", 4)
