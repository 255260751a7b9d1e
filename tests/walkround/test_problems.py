"""Up to three problems per visit: numbering, the limit (also under concurrency on
PostgreSQL), who may see them, stale edits, and the personal-data guard."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_user
from visitt.audit.models import AuditEvent
from visitt.organisations.models import Role
from visitt.planning.models import Visit
from visitt.walkround import services_problems as services
from visitt.walkround.problems import MAX_PROBLEMS, Problem, ProblemCategory
from visitt.walkround.questions import Theme

A = AuditEvent.Action
FNR = "15108695088"  # a valid fødselsnummer (synthetic)


def list_url(visit: Visit) -> str:
    return reverse("visit_problems", args=[visit.pk])


def add_url(visit: Visit) -> str:
    return reverse("visit_problem_add", args=[visit.pk])


def edit_url(problem: Problem) -> str:
    return reverse("visit_problem_edit", args=[problem.visit_id, problem.pk])


def new(title: str, **extra) -> dict:
    return {"new-title": title, **{f"new-{k}": v for k, v in extra.items()}}


def make_problem(visit: Visit, number: int, title: str = "", **fields) -> Problem:
    return Problem.objects.create(
        visit=visit,
        number=number,
        title=title or f"Problem {number}",
        created_by=visit.visit_leader,
        **fields,
    )


# --- Adding and numbering -------------------------------------------------------------


def test_the_secretary_adds_a_problem_with_its_theme_category_level_and_placement(
    world, visit, client_for
):
    ProblemCategory.ensure_defaults(world.org)
    category = ProblemCategory.objects.get(organisation=world.org, name="Legemiddelhåndtering")
    data = new(
        "Dobbeltkontroll faller bort på kveld",
        description="Feil dose kan gis når bare én sykepleier er på vakt.",
        theme=Theme.TEAMWORK,
        category=category.pk,
        level=Problem.Level.LOCAL,
        value=Problem.Value.HIGH,
        effort=Problem.Effort.EASY,
    )

    response = client_for(world.secretary).post(add_url(visit), data)

    assert response.status_code == 302
    problem = Problem.objects.get(visit=visit)
    assert (problem.number, problem.title, problem.theme) == (
        1,
        "Dobbeltkontroll faller bort på kveld",
        Theme.TEAMWORK,
    )
    assert problem.category == category and problem.level == Problem.Level.LOCAL
    assert (problem.value, problem.effort) == (Problem.Value.HIGH, Problem.Effort.EASY)
    assert problem.created_by == world.secretary
    event = AuditEvent.objects.get(action=A.VISIT_CHANGED)
    assert event.data["problem"] == 1 and event.object_id == str(visit.pk)


def test_the_list_shows_the_problems_and_the_value_effort_matrix(world, visit, client_for):
    make_problem(visit, 1, "Meldingene forsvinner", value="high", effort="easy")
    make_problem(visit, 2, "Overlevering uten struktur")

    response = client_for(world.secretary).get(list_url(visit))

    assert response.status_code == 200
    assert "Meldingene forsvinner" in response.text
    assert "Problems by value and effort: high value, easy first" in response.text
    assert '<th scope="row">High value</th>' in response.text
    assert AuditEvent.objects.filter(action=A.NOTES_READ, data__problems=True).exists()


def test_a_new_problem_takes_the_lowest_free_number(world, visit, client_for):
    make_problem(visit, 1)
    make_problem(visit, 3)

    client_for(world.secretary).post(add_url(visit), new("Det andre"))

    assert Problem.objects.get(title="Det andre").number == 2


def test_a_fourth_problem_is_refused_quoting_the_method(world, visit, client_for):
    for number in range(1, MAX_PROBLEMS + 1):
        make_problem(visit, number)

    response = client_for(world.secretary).post(add_url(visit), new("Det fjerde"))

    assert response.status_code == 400
    assert "opp til tre problemer" in response.text
    assert Problem.objects.filter(visit=visit).count() == 3
    assert not Problem.objects.filter(title="Det fjerde").exists()


def test_with_three_problems_the_page_offers_no_add_form(world, visit, client_for):
    for number in range(1, MAX_PROBLEMS + 1):
        make_problem(visit, number)

    response = client_for(world.secretary).get(list_url(visit))

    assert "opp til tre problemer" in response.text
    assert add_url(visit) not in response.text


def test_a_problem_needs_a_title(world, visit, client_for):
    response = client_for(world.secretary).post(add_url(visit), new(""))
    assert response.status_code == 400
    assert not Problem.objects.exists()


def test_a_category_of_another_organisation_is_refused(world, visit, client_for):
    ProblemCategory.ensure_defaults(world.other_org)
    theirs = ProblemCategory.objects.filter(organisation=world.other_org).first()

    response = client_for(world.secretary).post(add_url(visit), new("X", category=theirs.pk))

    assert response.status_code == 400
    assert not Problem.objects.exists()


def test_the_list_page_takes_the_same_number_of_queries_for_one_or_three_problems(
    world, visit, client_for
):
    client = client_for(world.secretary)
    make_problem(visit, 1)
    client.get(list_url(visit))  # categories seeded, session warm
    with CaptureQueriesContext(connection) as one:
        client.get(list_url(visit))
    make_problem(visit, 2)
    make_problem(visit, 3)
    with CaptureQueriesContext(connection) as three:
        client.get(list_url(visit))
    # Three problems hide the add form (no category query), never more queries.
    assert len(three) <= len(one)


# --- Concurrency (PostgreSQL) ---------------------------------------------------------


def _request_for(user, org):
    request = RequestFactory().post("/")
    request.user = user
    request.organisation = org
    request.roles = frozenset({Role.SECRETARY})
    return request


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("existing", [2, 0])
def test_two_people_adding_at_once_never_make_more_than_three(world, visit, existing):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writes need PostgreSQL (SQLite serialises them)")
    for number in range(1, existing + 1):
        make_problem(visit, number)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()
    # Both read the free numbers before either writes: the race the constraint decides.
    original = services.free_number

    calls: list[int | None] = []

    def racing_free_number(v):
        number = original(v)
        with lock:
            calls.append(number)
        if not getattr(local, "raced", False):
            local.raced = True
            barrier.wait(timeout=10)
        return number

    local = threading.local()

    def add(title: str) -> None:
        try:
            services.add_problem(
                _request_for(world.secretary, world.org), visit, services.ProblemData(title)
            )
            outcome = "saved"
        except services.ProblemError as error:
            outcome = error.messages[0]
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    services.free_number = racing_free_number
    try:
        threads = [threading.Thread(target=add, args=(f"Samtidig {i}",)) for i in (1, 2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        services.free_number = original

    numbers = sorted(Problem.objects.filter(visit=visit).values_list("number", flat=True))
    # Both saw the same free number; the loser hit the unique constraint and looked again.
    assert calls[:2] == [existing + 1, existing + 1] and len(calls) == 3
    if existing == 2:
        assert calls[2] is None
        assert numbers == [1, 2, 3]
        assert outcomes.count("saved") == 1
        assert any("opp til tre problemer" in o for o in outcomes if o != "saved")
    else:
        assert calls[2] == 2
        assert numbers == [1, 2]
        assert outcomes == ["saved", "saved"]


# --- Confidentiality ------------------------------------------------------------------


def test_the_visits_secretary_and_a_top_leader_see_the_problems(world, visit, client_for):
    problem = make_problem(visit, 1, "Meldingene forsvinner")
    for user in (world.secretary, world.coordinator, world.top_leader):
        response = client_for(user).get(list_url(visit))
        assert response.status_code == 200, user
        assert "Meldingene forsvinner" in response.text
        assert client_for(user).get(edit_url(problem)).status_code == 200


def test_the_unit_leader_is_refused(world, visit, client_for):
    problem = make_problem(visit, 1, "Meldingene forsvinner")
    client = client_for(world.unit_leader)
    assert client.get(list_url(visit)).status_code == 403
    assert client.get(edit_url(problem)).status_code == 403
    assert client.post(add_url(visit), new("Fra enhetslederen")).status_code == 403
    assert Problem.objects.count() == 1


def test_an_action_owner_is_refused(world, visit, client_for):
    owner = make_user("tiltakseier@test.no", world.org, Role.ACTION_OWNER)
    problem = make_problem(visit, 1)
    client = client_for(owner)
    assert client.get(list_url(visit)).status_code == 403
    assert client.post(edit_url(problem), {"title": "Endret", "version": 1}).status_code == 403
    problem.refresh_from_db()
    assert problem.title == "Problem 1"


def test_a_secretary_outside_the_visits_team_is_refused(world, visit, client_for):
    other = make_user("sekretaer2@test.no", world.org, Role.SECRETARY)
    assert client_for(other).get(list_url(visit)).status_code == 403
    assert client_for(other).post(add_url(visit), new("X")).status_code == 403
    assert not Problem.objects.exists()


def test_another_organisation_gets_404(world, visit, client_for):
    problem = make_problem(visit, 1)
    client = client_for(world.outsider)
    assert client.get(list_url(visit)).status_code == 404
    assert client.get(edit_url(problem)).status_code == 404
    assert client.post(add_url(visit), new("X")).status_code == 404
    assert client.post(edit_url(problem), {"title": "Overtatt", "version": 1}).status_code == 404
    problem.refresh_from_db()
    assert problem.title == "Problem 1" and Problem.objects.count() == 1


def test_a_problem_of_another_visit_is_not_reached_through_this_one(world, visit, client_for):
    other_visit = Visit.objects.create(
        organisation=world.org,
        unit=world.ward,
        date=timezone.localdate() + timedelta(days=3),
        visit_leader=world.top_leader,
        created_by=world.top_leader,
    )
    theirs = make_problem(other_visit, 1)
    url = reverse("visit_problem_edit", args=[visit.pk, theirs.pk])
    assert client_for(world.secretary).get(url).status_code == 404


# --- Editing --------------------------------------------------------------------------


def edit_data(problem: Problem, **changes) -> dict:
    data = {
        "title": problem.title,
        "description": problem.description,
        "theme": problem.theme,
        "category": problem.category_id or "",
        "level": problem.level,
        "value": problem.value,
        "effort": problem.effort,
        "version": problem.version,
    }
    data.update(changes)
    return data


def test_an_edit_saves_and_bumps_the_version(world, visit, client_for):
    problem = make_problem(visit, 2, "Gammel tittel")

    response = client_for(world.secretary).post(
        edit_url(problem), edit_data(problem, title="Ny tittel", level="higher")
    )

    assert response.status_code == 302
    problem.refresh_from_db()
    assert (problem.title, problem.level, problem.version, problem.number) == (
        "Ny tittel",
        "higher",
        2,
        2,
    )


def test_a_stale_edit_is_refused_with_409_and_changes_nothing(world, visit, client_for):
    problem = make_problem(visit, 1, "Første tekst")
    stale = edit_data(problem, title="Min tekst")
    Problem.objects.filter(pk=problem.pk).update(title="Deres tekst", version=2)

    response = client_for(world.secretary).post(edit_url(problem), stale)

    assert response.status_code == 409
    assert "Someone else saved this" in response.text
    problem.refresh_from_db()
    assert (problem.title, problem.version) == ("Deres tekst", 2)


def test_an_edit_without_version_is_refused(world, visit, client_for):
    problem = make_problem(visit, 1)
    data = edit_data(problem, title="Uten versjon")
    del data["version"]

    response = client_for(world.secretary).post(edit_url(problem), data)

    assert response.status_code == 400
    problem.refresh_from_db()
    assert problem.title == "Problem 1"


# --- The personal-data guard -----------------------------------------------------------


def test_a_national_identity_number_in_a_problem_is_refused_with_422(world, visit, client_for):
    client = client_for(world.secretary)
    response = client.post(add_url(visit), new("Feil medisin", description=f"Gjelder {FNR}"))

    assert response.status_code == 422
    assert "national identity number" in response.text
    assert not Problem.objects.exists()

    problem = make_problem(visit, 1)
    response = client.post(edit_url(problem), edit_data(problem, title=f"Pasient {FNR}"))
    assert response.status_code == 422
    problem.refresh_from_db()
    assert problem.title == "Problem 1" and problem.version == 1


def test_a_warning_asks_for_a_reason_and_saving_with_one_is_audited(world, visit, client_for):
    client = client_for(world.secretary)
    data = new("Fall", description="Pasienten på rom 12 falt to ganger")

    warned = client.post(add_url(visit), data)

    assert warned.status_code == 422
    assert "Reason to save despite the warning" in warned.text
    assert not Problem.objects.exists()

    saved = client.post(add_url(visit), {**data, "new-override_reason": "Rommet er et lager"})

    assert saved.status_code == 302
    assert Problem.objects.get().number == 1
    event = AuditEvent.objects.get(action=A.PERSONAL_DATA_OVERRIDE)
    assert event.data["kinds"] == ["person_reference"]
    assert event.data["reason"] == "Rommet er et lager"
    assert "rom 12" not in str(event.data)


def test_a_reason_cannot_override_a_national_identity_number(world, visit, client_for):
    response = client_for(world.secretary).post(
        add_url(visit), new(f"Gjelder {FNR}", override_reason="Må")
    )
    assert response.status_code == 422
    assert not Problem.objects.exists()
    assert not AuditEvent.objects.filter(action=A.PERSONAL_DATA_OVERRIDE).exists()


def test_the_default_categories_are_the_national_programmes_areas(world):
    ProblemCategory.ensure_defaults(world.org)
    names = list(
        ProblemCategory.objects.filter(organisation=world.org).values_list("name", flat=True)
    )
    assert names[0] == "Fall" and "Trykksår" in names and names[-1] == "Annet"
