"""The question bank's rules: Vedlegg 2 seeded once, the set for a visit, retiring,
reordering, rewording with a version check, and the opening script."""

from __future__ import annotations

import pytest

from tests.walkround.conftest import make_visit
from visitt.planning.models import Visit
from visitt.walkround import question_bank as qb
from visitt.walkround.models import (
    OpeningScript,
    Question,
    Theme,
    UnitQuestion,
    VisitNote,
    VisitQuestion,
)


@pytest.fixture
def visit(world) -> Visit:
    return make_visit(world, in_days=7)


def test_the_bank_is_seeded_once_with_every_question_of_vedlegg_2(world):
    assert qb.ensure_question_bank(world.org) is True
    assert qb.ensure_question_bank(world.org) is False
    questions = Question.objects.for_organisation(world.org)
    assert questions.count() == len(qb.DEFAULT_QUESTIONS) == 15
    assert set(questions.values_list("theme", flat=True)) == {t.value for t in Theme}
    assert all(q.from_helsedirektoratet for q in questions)
    assert not Question.objects.for_organisation(world.other_org).exists()


def test_seeded_questions_read_in_bokmal_nynorsk_and_english(world):
    qb.ensure_question_bank(world.org)
    first = qb.bank(world.org)[0]
    assert first.text_in("nb") == "Når ble en bruker sist skadet på din enhet? Hva skjedde?"
    assert first.text_in("nn") == "Når vart ein brukar sist skadd på eininga di? Kva skjedde?"
    assert first.text_in("en") == "When was a service user last harmed in your unit? What happened?"
    for question in Question.objects.all():
        assert question.text_nb and question.text_nn and question.text_en


def test_the_sub_points_are_hints_with_the_typo_fixed(world):
    qb.ensure_question_bank(world.org)
    question = Question.objects.get(text_nb__startswith="Hvilke elementer i omgivelsene")
    assert question.hints_in("nb") == [
        "Aspekter ved inn-/ut-skriving til hjemmetjenesten",
        "Forflytninger innenfor kommunen",
        "IT-/dataproblemer",
    ]
    assert question.hints_in("nn")[0] == "Sider ved inn-/utskriving til heimetenesta"
    assert question.hints_in("en")[0] == "Admission to and discharge from home care"
    assert not Question.objects.filter(hints_nb__contains="hjemmetjenestennesten").exists()


def test_seeding_again_after_rewording_and_retiring_adds_nothing(world):
    qb.ensure_question_bank(world.org)
    question = qb.bank(world.org)[0]
    qb.reword_question(question, version=question.version, text_nb="Ny ordlyd")
    qb.retire_question(qb.bank(world.org)[0])
    assert qb.ensure_question_bank(world.org) is False
    assert Question.objects.for_organisation(world.org).count() == 15


def test_a_visit_without_choices_gets_the_whole_current_bank_in_theme_order(world, visit):
    questions = qb.questions_for_visit(visit)
    assert len(questions) == 15
    assert questions[0].theme == Theme.INCIDENTS
    assert questions[-1].theme == Theme.ACTIONS
    qb.retire_question(questions[0])
    assert len(qb.questions_for_visit(visit)) == 14


def test_a_visit_uses_the_units_set_when_it_has_one(world, visit):
    qb.ensure_question_bank(world.org)
    bank = qb.bank(world.org)
    qb.set_unit_questions(world.unit, [bank[3].pk, bank[0].pk])
    assert qb.questions_for_visit(visit) == [bank[3], bank[0]]


def test_a_visit_uses_its_own_picked_questions_first(world, visit):
    qb.ensure_question_bank(world.org)
    bank = qb.bank(world.org)
    qb.set_unit_questions(world.unit, [bank[3].pk])
    qb.set_visit_questions(visit, [bank[5].pk, bank[1].pk])
    assert qb.questions_for_visit(visit) == [bank[5], bank[1]]


def test_a_retired_question_stays_in_the_old_visit_and_its_note_stays_readable(world, visit):
    qb.ensure_question_bank(world.org)
    question = qb.bank(world.org)[0]
    qb.set_visit_questions(visit, [question.pk])
    VisitNote.objects.create(visit=visit, question=question, text="Notat")
    qb.retire_question(question)
    assert qb.questions_for_visit(visit) == [question]
    assert VisitNote.objects.get(visit=visit).question.text_nb == question.text_nb
    # The visit can be saved again with the retired question kept, but not add it anew.
    qb.set_visit_questions(visit, [question.pk])
    other = Visit.objects.create(
        organisation=world.org,
        unit=world.unit,
        date=visit.date,
        visit_leader=world.coordinator,
        created_by=world.coordinator,
    )
    with pytest.raises(qb.QuestionBankError):
        qb.set_visit_questions(other, [question.pk])
    assert not VisitQuestion.objects.filter(visit=other).exists()


def test_a_retired_question_drops_out_of_the_units_set(world, visit):
    qb.ensure_question_bank(world.org)
    bank = qb.bank(world.org)
    qb.set_unit_questions(world.unit, [bank[0].pk, bank[1].pk])
    qb.retire_question(bank[0])
    assert qb.questions_for_visit(visit) == [bank[1]]
    assert UnitQuestion.objects.filter(unit=world.unit).count() == 2


def test_unretiring_brings_a_question_back(world):
    qb.ensure_question_bank(world.org)
    question = qb.bank(world.org)[0]
    qb.retire_question(question)
    assert question not in qb.bank(world.org)
    qb.unretire_question(question)
    assert qb.bank(world.org)[0] == question


def test_moving_a_question_up_and_down_within_its_theme(world):
    qb.ensure_question_bank(world.org)
    first, second = qb.bank(world.org)[:2]
    assert qb.move_question(second, "up") is True
    assert qb.bank(world.org)[:2] == [second, first]
    assert qb.move_question(qb.bank(world.org)[0], "up") is False
    second.refresh_from_db()
    assert qb.move_question(second, "down") is True
    assert qb.bank(world.org)[:2] == [first, second]


def test_moving_the_last_question_of_a_theme_down_stays_in_its_theme(world):
    qb.ensure_question_bank(world.org)
    communication = [q for q in qb.bank(world.org) if q.theme == Theme.COMMUNICATION]
    assert qb.move_question(communication[-1], "down") is False


def test_a_stale_reword_is_refused_and_the_stored_text_stays(world):
    qb.ensure_question_bank(world.org)
    question = qb.bank(world.org)[0]
    version = question.version
    qb.reword_question(question, version=version, text_nb="Første")
    with pytest.raises(qb.StaleEdit):
        qb.reword_question(question, version=version, text_nb="Andre")
    question.refresh_from_db()
    assert question.text_nb == "Første" and question.version == version + 1


def test_a_question_without_bokmal_text_is_refused(world):
    with pytest.raises(qb.QuestionBankError):
        qb.add_question(world.org, theme=Theme.TEAMWORK, text_nb="  ")
    with pytest.raises(qb.QuestionBankError):
        qb.add_question(world.org, theme="nonsense", text_nb="Hei?")
    assert not Question.objects.exists()


def test_a_new_question_comes_last_in_its_theme(world):
    qb.ensure_question_bank(world.org)
    new = qb.add_question(world.org, theme=Theme.INCIDENTS, text_nb="Nytt spørsmål?")
    incidents = [q for q in qb.bank(world.org) if q.theme == Theme.INCIDENTS]
    assert incidents[-1] == new
    assert not new.from_helsedirektoratet


def test_the_unit_set_refuses_another_organisations_question(world):
    qb.ensure_question_bank(world.other_org)
    foreign = qb.bank(world.other_org)[0]
    with pytest.raises(qb.QuestionBankError):
        qb.set_unit_questions(world.unit, [foreign.pk])
    assert not UnitQuestion.objects.exists()


def test_the_opening_script_is_created_once_per_language_form_from_the_method(world):
    script = qb.ensure_opening_script(world.org, "nb")
    assert qb.ensure_opening_script(world.org, "nb") == script
    assert "opp til tre problemer" in script.text
    assert "Helsedirektoratet" in script.text
    nynorsk = qb.ensure_opening_script(world.org, "nn")
    assert "opp til tre problem" in nynorsk.text and "einskildpersonar" in nynorsk.text
    assert OpeningScript.objects.filter(organisation=world.org).count() == 2


def test_a_stale_opening_save_is_refused(world):
    script = qb.ensure_opening_script(world.org)
    qb.save_opening_script(script, version=1, text="Vår åpning")
    with pytest.raises(qb.StaleEdit):
        qb.save_opening_script(script, version=1, text="Annen")
    script.refresh_from_db()
    assert script.text == "Vår åpning" and script.version == 2
