"""The demo's phase 2 (visitt.walkround.demo): a conducted walkround with notes, three
problems and a debrief, and an upcoming visit ready to run."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
import time_machine

from visitt.accounts.models import User
from visitt.core.personal_data import scan
from visitt.organisations.demo import seed_demo
from visitt.planning.checklist import ChecklistItem
from visitt.planning.models import Participant, Visit
from visitt.planning.visits import OSLO
from visitt.walkround.models import (
    Debrief,
    Problem,
    ProblemCategory,
    Question,
    VisitNote,
    VisitQuestion,
    Walkround,
)
from visitt.walkround.progress import phase2_steps
from visitt.walkround.services_mode import minutes_between

# A Monday in late November, as in tests/organisations/test_demo.py.
SESSION_DAY = date(2026, 11, 23)
PHASE2_MODELS = (
    Question,
    ProblemCategory,
    VisitQuestion,
    VisitNote,
    Walkround,
    Problem,
    Debrief,
    Participant,
)


def seed_on(day: date) -> None:
    with time_machine.travel(datetime.combine(day, time(9, 0), OSLO), tick=False):
        seed_demo()


def walked(organisation: str) -> Visit:
    """This year's walked visit (last year's are the demo's history)."""
    return Visit.objects.select_related("walkround", "debrief", "unit").get(
        organisation__name=organisation, walkround__isnull=False, date__year=SESSION_DAY.year
    )


@pytest.mark.django_db
def test_the_conducted_demo_visit_has_notes_three_problems_and_a_debrief():
    seed_on(SESSION_DAY)
    visit = walked("Demo kommune")
    walkround = visit.walkround

    assert visit.is_conducted  # and phase 3 of the demo has taken it further
    assert visit.unit.code == "SOL-1"
    assert visit.date < SESSION_DAY
    assert minutes_between(walkround.actual_start, walkround.actual_end) == 55
    assert walkround.summary and walkround.had_tour is True
    assert walkround.observer_present is True  # the unit leader observed
    assert walkround.completed_by.email == "sekretaer@demo.visitt.no"
    assert walkround.completed_at.astimezone(OSLO).date() == visit.date
    assert visit.conducted_at == walkround.completed_at
    participants = list(visit.participants.all())
    assert len(participants) == 5 and all(p.attended for p in participants)

    picked = list(VisitQuestion.objects.filter(visit=visit).select_related("question"))
    assert len(picked) == 8
    assert len({row.question.theme for row in picked}) == 6  # every theme of Vedlegg 2
    notes = list(VisitNote.objects.filter(visit=visit))
    assert 5 <= len(notes) < len(picked)  # a guide, not a form to fill in
    assert {note.question_id for note in notes} <= {row.question_id for row in picked}
    for note in notes:
        assert note.version == 1
        assert note.updated_by.email == "sekretaer@demo.visitt.no"
        assert note.updated_at.astimezone(OSLO).date() == visit.date

    problems = list(Problem.objects.filter(visit=visit).select_related("category"))
    assert [p.number for p in problems] == [1, 2, 3]
    assert {p.category.name for p in problems} == {
        "Trykksår",
        "Fall",
        "Overganger og samhandling",
    }
    for problem in problems:
        assert problem.description and problem.theme and problem.level
        assert problem.value and problem.effort
        assert problem.category.organisation_id == visit.organisation_id
    assert {p.level for p in problems} == {"local", "higher"}

    assert visit.debrief.went_well and visit.debrief.could_be_better
    assert all(step.done for step in phase2_steps(visit))
    assert all(item.is_done for item in visit.checklist.all())


@pytest.mark.django_db
def test_no_demo_text_of_phase_2_holds_personal_data():
    seed_on(SESSION_DAY)

    texts = [note.text for note in VisitNote.objects.all()]
    texts += [w.summary for w in Walkround.objects.all()]
    texts += [f"{p.title}\n{p.description}" for p in Problem.objects.all()]
    texts += [f"{d.went_well}\n{d.could_be_better}" for d in Debrief.objects.all()]
    assert len(texts) >= 16
    for text in texts:
        assert text.strip()
        assert scan(text) == [], text


@pytest.mark.django_db
def test_the_next_confirmed_visit_is_ready_to_run():
    seed_on(SESSION_DAY)
    visit = (
        Visit.objects.filter(organisation__name="Demo kommune", date__gt=SESSION_DAY)
        .order_by("date")
        .first()
    )

    assert visit.status == Visit.Status.CONFIRMED
    picked = list(VisitQuestion.objects.filter(visit=visit).order_by("order"))
    assert len(picked) == 8
    assert [row.order for row in picked] == list(range(8))
    assert visit.participants.count() == 5
    assert all(item.is_done for item in visit.checklist.all())
    assert visit.checklist.count() == len(ChecklistItem.Key)
    # Nothing of the walkround itself yet.
    assert not Walkround.objects.filter(visit=visit).exists()
    assert not VisitNote.objects.filter(visit=visit).exists()
    assert not Problem.objects.filter(visit=visit).exists()
    # No other upcoming visit was touched.
    others = VisitQuestion.objects.filter(visit__date__gt=SESSION_DAY).exclude(visit=visit)
    assert not others.exists()


@pytest.mark.django_db
def test_both_organisations_have_their_bank_and_categories_the_trust_in_nynorsk():
    seed_on(SESSION_DAY)

    for name in ("Demo kommune", "Demo helseforetak"):
        questions = Question.objects.filter(organisation__name=name, from_helsedirektoratet=True)
        assert questions.count() >= 14
        assert all(q.text_nn for q in questions)
    assert ProblemCategory.objects.filter(
        organisation__name="Demo helseforetak", name="Legemiddelhandtering"
    ).exists()
    assert ProblemCategory.objects.filter(
        organisation__name="Demo kommune", name="Legemiddelhåndtering"
    ).exists()

    visit = walked("Demo helseforetak")
    assert visit.is_conducted  # and phase 3 of the demo has taken it further
    assert 1 <= Problem.objects.filter(visit=visit).count() <= 3
    assert VisitNote.objects.filter(visit=visit).exists()
    assert "samtale" in visit.debrief.went_well
    # Its categories are its own.
    assert (
        not Problem.objects.filter(visit=visit)
        .exclude(category__organisation=visit.organisation)
        .exists()
    )


@pytest.mark.django_db
def test_seeding_twice_changes_nothing():
    seed_on(SESSION_DAY)
    first = {model.__name__: model.objects.count() for model in PHASE2_MODELS}
    versions = sorted(VisitNote.objects.values_list("pk", "version", "text"))

    seed_on(SESSION_DAY)
    assert {model.__name__: model.objects.count() for model in PHASE2_MODELS} == first
    assert sorted(VisitNote.objects.values_list("pk", "version", "text")) == versions
    this_year = {"visit__date__year": SESSION_DAY.year}
    assert Walkround.objects.filter(**this_year).count() == 2
    assert Problem.objects.filter(**this_year).count() == 5


@pytest.mark.django_db
@pytest.mark.parametrize("today", [date(2027, 1, 4), date(2026, 7, 14), date(2026, 12, 21)])
def test_any_day_seeds_without_errors(today):
    seed_on(today)
    seed_on(today)

    for walkround in Walkround.objects.select_related("visit"):
        assert walkround.visit.is_conducted
        assert walkround.visit.date < today
    for row in VisitQuestion.objects.select_related("visit"):
        assert row.visit.is_conducted or row.visit.status == Visit.Status.CONFIRMED


@pytest.mark.django_db
def test_the_secretary_reads_the_conducted_visit_in_visitt(client):
    seed_on(SESSION_DAY)
    visit = walked("Demo kommune")
    client.force_login(User.objects.get(email="sekretaer@demo.visitt.no"))

    mode = client.get(f"/visitter/{visit.pk}/visitt/")
    assert mode.status_code == 200
    assert "armlener" in mode.content.decode()
    problems = client.get(f"/visitter/{visit.pk}/problemer/")
    assert problems.status_code == 200
    assert "Trykksår og gamle madrasser" in problems.content.decode()
    debrief = client.get(f"/visitter/{visit.pk}/evaluering/")
    assert debrief.status_code == 200
    assert "kjøkkenpersonalet" in debrief.content.decode()
