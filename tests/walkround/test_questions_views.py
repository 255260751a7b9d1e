"""The question bank pages: who may use them, what they show, and that bad or stale
saves change nothing."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_user
from tests.walkround.conftest import make_visit
from visitt.organisations.models import Role
from visitt.planning.models import Visit
from visitt.walkround import question_bank as qb
from visitt.walkround.models import OpeningScript, Question, Theme, UnitQuestion, VisitQuestion

BANK = "/organisasjon/sporsmal/"
CREDIT = "Norwegian Directorate of Health"


@pytest.fixture
def visit(world) -> Visit:
    return make_visit(world, in_days=7)


@pytest.fixture
def bank(world) -> list[Question]:
    qb.ensure_question_bank(world.org)
    return qb.bank(world.org)


def test_the_urls_are_where_the_issue_says():
    assert reverse("question_bank") == BANK
    assert reverse("opening_script_edit") == "/organisasjon/apning/"
    assert reverse("unit_questions", args=[3]) == "/organisasjon/enheter/3/sporsmal/"
    assert reverse("visit_questions", args=[4]) == "/visitter/4/sporsmal/"


# --- The bank page -------------------------------------------------------------------


def test_the_coordinator_sees_the_seeded_bank_by_theme_with_the_credit(world, client_for):
    response = client_for(world.coordinator).get(BANK)
    assert response.status_code == 200
    assert "Adverse events" in response.text and "User involvement" in response.text
    assert "When was a service user last harmed in your unit?" in response.text
    assert CREDIT in response.text
    assert response.text.count("<h1") == 1
    assert Question.objects.for_organisation(world.org).count() == 15


def test_the_bank_reads_in_bokmal_for_a_bokmal_reader(world, client_for):
    client = client_for(world.admin)
    client.cookies["django_language"] = "nb"
    response = client.get(BANK)
    assert "Når ble en bruker sist skadet på din enhet?" in response.text
    assert "Aspekter ved inn-/ut-skriving til hjemmetjenesten" in response.text


def test_an_admin_may_manage_the_bank(world, client_for):
    assert client_for(world.admin).get(BANK).status_code == 200


@pytest.mark.parametrize("persona", ["unit_leader", "secretary", "top_leader"])
def test_other_roles_are_refused_the_bank(world, client_for, persona):
    client = client_for(getattr(world, persona))
    assert client.get(BANK).status_code == 403
    assert client.get(reverse("opening_script_edit")).status_code == 403
    assert client.get(reverse("question_add")).status_code == 403


def test_an_outsider_cannot_open_or_change_our_question(world, client_for, bank):
    outsider = client_for(world.outsider)
    question = bank[0]
    assert outsider.get(reverse("question_edit", args=[question.pk])).status_code == 404
    response = outsider.post(BANK, {"question": question.pk, "action": "retire"})
    assert response.status_code == 404
    question.refresh_from_db()
    assert question.retired_at is None


def test_the_bank_page_uses_the_same_number_of_queries_for_more_questions(world, client_for, bank):
    client = client_for(world.coordinator)
    client.get(BANK)
    with CaptureQueriesContext(connection) as few:
        assert client.get(BANK).status_code == 200
    for index in range(20):
        question = qb.add_question(world.org, theme=Theme.TEAMWORK, text_nb=f"Ekstra {index}?")
        if index % 2:
            qb.retire_question(question)
    with CaptureQueriesContext(connection) as many:
        assert client.get(BANK).status_code == 200
    assert len(many) == len(few)


def test_moving_and_retiring_through_the_page(world, client_for, bank):
    client = client_for(world.coordinator)
    first, second = bank[:2]
    response = client.post(BANK, {"question": second.pk, "action": "up"})
    assert response.status_code == 302
    assert qb.bank(world.org)[:2] == [second, first]
    client.post(BANK, {"question": first.pk, "action": "retire"})
    first.refresh_from_db()
    assert first.retired_at is not None
    page = client.get(BANK).text
    assert "Retired questions" in page
    client.post(BANK, {"question": first.pk, "action": "unretire"})
    first.refresh_from_db()
    assert first.retired_at is None


def test_a_bad_action_is_refused_with_400(world, client_for, bank):
    client = client_for(world.coordinator)
    assert client.post(BANK, {"question": bank[0].pk, "action": "explode"}).status_code == 400
    assert client.post(BANK, {"question": "x", "action": "up"}).status_code == 400


def test_adding_a_question(world, client_for, bank):
    client = client_for(world.coordinator)
    response = client.post(
        reverse("question_add"),
        {"theme": Theme.TEAMWORK, "text_nb": "Hvordan går vaktskiftet?", "text_en": "Shifts?"},
    )
    assert response.status_code == 302
    new = Question.objects.get(text_nb="Hvordan går vaktskiftet?")
    assert new.text_in("en") == "Shifts?" and new.text_in("nn") == "Hvordan går vaktskiftet?"


def test_adding_a_question_without_text_is_refused(world, client_for, bank):
    client = client_for(world.coordinator)
    response = client.post(reverse("question_add"), {"theme": Theme.TEAMWORK, "text_nb": ""})
    assert response.status_code == 400
    assert Question.objects.count() == 15


def test_rewording_a_question_with_its_version(world, client_for, bank):
    question = bank[0]
    response = client_for(world.coordinator).post(
        reverse("question_edit", args=[question.pk]),
        {"version": question.version, "text_nb": "Omformulert?", "text_nn": "", "text_en": ""},
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.text_nb == "Omformulert?" and question.version == 2
    assert question.theme == Theme.INCIDENTS


def test_a_stale_reword_is_refused_with_409_and_the_stored_text_is_shown(world, client_for, bank):
    question = bank[0]
    qb.reword_question(question, version=1, text_nb="Lagret av en annen?")
    response = client_for(world.coordinator).post(
        reverse("question_edit", args=[question.pk]),
        {"version": 1, "text_nb": "Min tekst?"},
    )
    assert response.status_code == 409
    assert "Lagret av en annen?" in response.text
    question.refresh_from_db()
    assert question.text_nb == "Lagret av en annen?" and question.version == 2


def test_a_reword_without_a_version_is_refused(world, client_for, bank):
    question = bank[0]
    response = client_for(world.coordinator).post(
        reverse("question_edit", args=[question.pk]), {"text_nb": "Min tekst?"}
    )
    assert response.status_code == 409
    question.refresh_from_db()
    assert question.text_nb.startswith("Når ble")


def test_an_empty_reword_is_refused_with_400(world, client_for, bank):
    question = bank[0]
    response = client_for(world.coordinator).post(
        reverse("question_edit", args=[question.pk]), {"version": 1, "text_nb": " "}
    )
    assert response.status_code == 400
    question.refresh_from_db()
    assert question.version == 1


# --- The opening script --------------------------------------------------------------


def test_the_opening_is_edited_in_the_organisations_language_form(world, client_for):
    client = client_for(world.coordinator)
    url = reverse("opening_script_edit")
    page = client.get(url)
    assert page.status_code == 200
    assert "opp til tre problemer" in page.text
    response = client.post(url, {"version": 1, "language": "nb", "text": "Velkommen!"})
    assert response.status_code == 302
    assert OpeningScript.objects.get(organisation=world.org, language="nb").text == "Velkommen!"


def test_the_nynorsk_opening_can_be_edited_too(world, client_for):
    client = client_for(world.coordinator)
    page = client.get(reverse("opening_script_edit") + "?sprak=nn")
    assert "einskildpersonar" in page.text
    client.post(reverse("opening_script_edit"), {"version": 1, "language": "nn", "text": "Hei"})
    assert OpeningScript.objects.get(organisation=world.org, language="nn").text == "Hei"


def test_a_stale_opening_save_is_refused_with_409(world, client_for):
    script = qb.ensure_opening_script(world.org, "nb")
    qb.save_opening_script(script, version=1, text="Den andres tekst")
    response = client_for(world.coordinator).post(
        reverse("opening_script_edit"), {"version": 1, "language": "nb", "text": "Min"}
    )
    assert response.status_code == 409
    assert "Den andres tekst" in response.text
    script.refresh_from_db()
    assert script.text == "Den andres tekst"


def test_an_unknown_language_form_is_refused(world, client_for):
    response = client_for(world.coordinator).post(
        reverse("opening_script_edit"), {"version": 1, "language": "sv", "text": "Hej"}
    )
    assert response.status_code == 400
    assert not OpeningScript.objects.exists()


def test_the_visit_mode_shows_the_organisations_opening(world, client_for, visit):
    script = qb.ensure_opening_script(world.org, "nb")
    qb.save_opening_script(script, version=1, text="Vår egen åpning for visitten")
    page = client_for(world.secretary).get(reverse("visit_mode", args=[visit.pk]))
    assert "Vår egen åpning for visitten" in page.text


# --- A unit's set ----------------------------------------------------------------------


def test_the_coordinator_picks_and_orders_a_units_set(world, client_for, bank):
    url = reverse("unit_questions", args=[world.unit.pk])
    client = client_for(world.coordinator)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "shown": [q.pk for q in bank],
            "question": [bank[0].pk, bank[4].pk],
            f"position-{bank[0].pk}": "2",
            f"position-{bank[4].pk}": "1",
        },
    )
    assert response.status_code == 302
    assert qb.unit_set(world.unit) == [bank[4], bank[0]]
    client.post(url, {"action": "reset"})
    assert not UnitQuestion.objects.exists()


def test_a_unit_set_with_a_foreign_question_is_refused(world, client_for, bank):
    qb.ensure_question_bank(world.other_org)
    foreign = qb.bank(world.other_org)[0]
    qb.set_unit_questions(world.unit, [bank[0].pk])
    response = client_for(world.coordinator).post(
        reverse("unit_questions", args=[world.unit.pk]), {"question": [bank[1].pk, foreign.pk]}
    )
    assert response.status_code == 400
    assert qb.unit_set(world.unit) == [bank[0]]


def test_another_organisations_unit_is_not_found(world, client_for):
    url = reverse("unit_questions", args=[world.other_unit.pk])
    assert client_for(world.coordinator).get(url).status_code == 404


def test_a_unit_leader_cannot_change_the_units_set(world, client_for, bank):
    url = reverse("unit_questions", args=[world.unit.pk])
    response = client_for(world.unit_leader).post(url, {"question": [bank[0].pk]})
    assert response.status_code == 403
    assert not UnitQuestion.objects.exists()


# --- A visit's set -------------------------------------------------------------------


def test_the_visit_starts_with_the_whole_bank_and_the_coordinator_picks(
    world, client_for, visit, bank
):
    url = reverse("visit_questions", args=[visit.pk])
    client = client_for(world.coordinator)
    page = client.get(url)
    assert page.status_code == 200 and "The whole question bank" in page.text
    assert CREDIT in page.text
    response = client.post(
        url,
        {
            "shown": [q.pk for q in bank],
            "question": [bank[2].pk, bank[7].pk],
            f"position-{bank[7].pk}": "1",
        },
    )
    assert response.status_code == 302
    assert qb.questions_for_visit(visit) == [bank[7], bank[2]]
    assert "Picked for this visit" in client.get(url).text


def test_the_visit_shows_the_units_set_when_nothing_is_picked(world, client_for, visit, bank):
    qb.set_unit_questions(world.unit, [bank[1].pk])
    page = client_for(world.coordinator).get(reverse("visit_questions", args=[visit.pk]))
    assert "The unit&#x27;s own set" in page.text or "The unit's own set" in page.text


def test_the_secretary_sees_the_visits_questions_but_cannot_change_them(
    world, client_for, visit, bank
):
    client = client_for(world.secretary)
    url = reverse("visit_questions", args=[visit.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "When was a service user last harmed" in page.text
    assert 'name="question"' not in page.text
    assert client.post(url, {"question": [bank[0].pk]}).status_code == 403
    assert not VisitQuestion.objects.exists()


def test_a_unit_leader_is_refused_the_visits_questions(world, client_for, visit):
    url = reverse("visit_questions", args=[visit.pk])
    assert client_for(world.unit_leader).get(url).status_code == 403


def test_an_outsider_gets_404_for_our_visits_questions(world, client_for, visit, bank):
    url = reverse("visit_questions", args=[visit.pk])
    outsider = client_for(world.outsider)
    assert outsider.get(url).status_code == 404
    assert outsider.post(url, {"question": [bank[0].pk]}).status_code == 404
    assert not VisitQuestion.objects.exists()


def test_a_conducted_visits_questions_cannot_be_changed(world, client_for, visit, bank):
    qb.set_visit_questions(visit, [bank[0].pk])
    Visit.objects.filter(pk=visit.pk).update(status=Visit.Status.CONDUCTED)
    response = client_for(world.coordinator).post(
        reverse("visit_questions", args=[visit.pk]), {"question": [bank[1].pk]}
    )
    assert response.status_code == 400
    assert qb.questions_for_visit(visit) == [bank[0]]


def test_a_retired_question_still_shows_in_the_visit_that_used_it(world, client_for, visit, bank):
    qb.set_visit_questions(visit, [bank[0].pk])
    qb.retire_question(bank[0])
    for user in (world.coordinator, world.secretary):
        page = client_for(user).get(reverse("visit_questions", args=[visit.pk]))
        assert "When was a service user last harmed" in page.text
    page = client_for(world.secretary).get(reverse("visit_mode", args=[visit.pk]))
    assert "When was a service user last harmed" in page.text or bank[0].text_nb in page.text


def test_a_top_leader_who_is_also_in_another_org_sees_only_this_orgs_questions(world, client_for):
    coordinator = make_user("koord2@test.no", world.other_org, Role.COORDINATOR)
    qb.ensure_question_bank(world.org)
    qb.add_question(world.org, theme=Theme.TEAMWORK, text_nb="Bare vår organisasjon?")
    page = client_for(coordinator).get(BANK)
    assert "Bare vår organisasjon?" not in page.text


def test_only_the_opening_text_is_marked_with_the_scripts_language(world, client_for):
    html = client_for(world.admin).get(reverse("opening_script_edit") + "?sprak=nn").content
    html = html.decode()
    assert re.search(r'<textarea[^>]*lang="nn"', html)
    assert not re.search(r'<form[^>]*lang="', html)
