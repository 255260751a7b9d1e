"""The action plan per problem (Vedlegg 3): who may read and edit it, the aim, measures
and actions, versions, the personal-data guard and the status of an action."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_user
from tests.followup.support_plans import fill, make_planned, status_data
from visitt.audit.models import AuditEvent
from visitt.followup.plans import Action, Aim, Measure
from visitt.organisations.models import Role
from visitt.walkround.problems import Problem

A = AuditEvent.Action
S = Action.Status
FNR = "15108695088"  # a valid fødselsnummer (synthetic)


def plan_url(visit) -> str:
    return reverse("action_plan", args=[visit.pk])


@pytest.fixture
def planned(world):
    return make_planned(world)


# --- Reading ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["top_leader", "coordinator", "secretary"])
def test_the_leadership_reads_and_may_edit_the_plan(who, world, planned, en_client_for):
    fill(planned)
    response = en_client_for(getattr(world, who)).get(plan_url(planned.visit))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Problem 1: Trykksår og madrasser" in body
    assert "Mål for Trykksår og madrasser" in body
    assert "Tiltak 1 for Legemiddellister etter sykehus" in body
    assert "Tor Tiltakseier" in body
    assert reverse("action_plan_aim", args=[planned.visit.pk, planned.problems[0].pk]) in body


def test_an_open_action_past_its_due_date_is_marked_overdue(world, planned, en_client_for):
    problem = planned.problems[0]
    yesterday = timezone.localdate() - timedelta(days=1)
    for what, status, due in [
        ("Forsinket tiltak", S.IN_PROGRESS, yesterday),
        ("Ferdig tiltak", S.DONE, yesterday),
        ("Tiltak med frist i dag", S.PLANNED, timezone.localdate()),
    ]:
        Action.objects.create(
            problem=problem, what=what, status=status, due_date=due, created_by=world.secretary
        )

    body = en_client_for(world.coordinator).get(plan_url(planned.visit)).content.decode()

    def row(what: str) -> str:
        return next(row for row in body.split("<tr") if f"<td>{what}" in row)

    assert 'data-state="overdue"' in row("Forsinket tiltak")
    assert 'data-state="overdue"' not in row("Ferdig tiltak")
    assert 'data-state="overdue"' not in row("Tiltak med frist i dag")


@pytest.mark.parametrize("who", ["unit_leader", "owner"])
def test_unit_leaders_and_action_owners_read_but_do_not_edit(who, world, planned, en_client_for):
    fill(planned)
    user = planned.owner if who == "owner" else world.unit_leader
    client = en_client_for(user)

    response = client.get(plan_url(planned.visit))
    assert response.status_code == 200
    assert "Mål for Trykksår og madrasser" in response.content.decode()
    assert "/malsetting/" not in response.content.decode()

    problem = planned.problems[0]
    aim_url = reverse("action_plan_aim", args=[planned.visit.pk, problem.pk])
    assert client.get(aim_url).status_code == 403
    assert client.post(aim_url, {"text": "Overtatt", "version": 1}).status_code == 403
    action = problem.actions.first()
    status_url = reverse("action_plan_action_status", args=[planned.visit.pk, action.pk])
    assert client.post(status_url, {f"a{action.pk}-status": S.DONE}).status_code == 403
    assert Aim.objects.get(problem=problem).text == "Mål for Trykksår og madrasser"


def test_a_contact_person_only_may_not_read_the_plan(world, planned, en_client_for):
    contact = make_user("kontakt@test.no", world.org, Role.CONTACT_PERSON)
    assert en_client_for(contact).get(plan_url(planned.visit)).status_code == 403


def test_another_organisations_user_gets_404(world, planned, en_client_for):
    fill(planned)
    client = en_client_for(world.outsider)
    problem = planned.problems[0]
    action = problem.actions.first()
    for url in (
        plan_url(planned.visit),
        reverse("action_plan_pdf", args=[planned.visit.pk]),
        reverse("action_plan_docx", args=[planned.visit.pk]),
        reverse("action_plan_aim", args=[planned.visit.pk, problem.pk]),
        reverse("action_plan_action", args=[planned.visit.pk, action.pk]),
        reverse("action_plan_action_status", args=[planned.visit.pk, action.pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("action_plan_action_status", args=[planned.visit.pk, action.pk]),
        {f"a{action.pk}-status": S.DONE, f"a{action.pk}-version": 1},
    )
    assert response.status_code == 404
    action.refresh_from_db()
    assert action.status == S.PLANNED


def test_a_visit_not_yet_conducted_has_no_plan_to_edit(world, en_client_for):
    planned = make_planned(world, conducted=False)
    client = en_client_for(world.coordinator)

    response = client.get(plan_url(planned.visit))
    assert response.status_code == 200
    assert "after the visit has been conducted" in response.content.decode()
    url = reverse("action_plan_aim", args=[planned.visit.pk, planned.problems[0].pk])
    response = client.post(url, {"text": "For tidlig", "version": 0})
    assert response.status_code == 400
    assert not Aim.objects.exists()


def test_the_plan_page_costs_the_same_queries_for_more_data(
    world, en_client_for, django_assert_max_num_queries
):
    small = make_planned(world, problems=1)
    fill(small, actions_per_problem=1)
    client = en_client_for(world.coordinator)
    client.get(plan_url(small.visit))  # warm up the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(plan_url(small.visit)).status_code == 200

    large = make_planned(world, problems=3)
    Action.objects.all().delete()
    fill(large, actions_per_problem=6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(plan_url(large.visit)).status_code == 200


# --- The aim ----------------------------------------------------------------------------


def test_the_leadership_sets_and_edits_the_aim_with_versions(world, planned, en_client_for):
    client = en_client_for(world.secretary)
    problem = planned.problems[0]
    url = reverse("action_plan_aim", args=[planned.visit.pk, problem.pk])

    response = client.post(
        url,
        {"text": "Forebygge nye trykksår", "target": "Redusere med 30 % innen mars", "version": 0},
    )
    assert response.status_code == 302
    aim = Aim.objects.get(problem=problem)
    assert (aim.text, aim.target, aim.version) == (
        "Forebygge nye trykksår",
        "Redusere med 30 % innen mars",
        1,
    )
    assert AuditEvent.objects.filter(action=A.PLAN_ITEM_CHANGED, data__item="aim").exists()

    # A second tab still holds version 0: refused, nothing changed.
    response = client.post(url, {"text": "Gammel fane", "version": 0})
    assert response.status_code == 409
    assert "Someone else saved this" in response.content.decode()
    aim.refresh_from_db()
    assert aim.text == "Forebygge nye trykksår"

    response = client.post(url, {"text": "Ny tekst", "version": 1})
    assert response.status_code == 302
    aim.refresh_from_db()
    assert (aim.text, aim.version, aim.updated_by) == ("Ny tekst", 2, world.secretary)


def test_a_national_identity_number_is_refused_and_a_warning_needs_a_reason(
    world, planned, en_client_for
):
    client = en_client_for(world.secretary)
    url = reverse("action_plan_aim", args=[planned.visit.pk, planned.problems[0].pk])

    response = client.post(url, {"text": f"Gjelder {FNR}", "version": 0})
    assert response.status_code == 422
    assert not Aim.objects.exists()

    response = client.post(url, {"text": "Ring 91234567 ved spørsmål", "version": 0})
    assert response.status_code == 422
    assert 'name="override_reason"' in response.content.decode()
    assert not Aim.objects.exists()

    response = client.post(
        url,
        {
            "text": "Ring 91234567 ved spørsmål",
            "version": 0,
            "override_reason": "Vakttelefonen til avdelingen",
        },
    )
    assert response.status_code == 302
    assert Aim.objects.get().text == "Ring 91234567 ved spørsmål"
    assert AuditEvent.objects.filter(action=A.PERSONAL_DATA_OVERRIDE).exists()


# --- Measures ---------------------------------------------------------------------------


def test_measures_are_added_edited_and_removed(world, planned, en_client_for):
    client = en_client_for(world.coordinator)
    problem = planned.problems[1]
    response = client.post(
        reverse("action_plan_measure_add", args=[planned.visit.pk, problem.pk]),
        {
            "name": "Antall fall på toalett",
            "unit": "antall",
            "how_counted": "Fra avviksmeldingene",
            "better": Measure.Direction.LOWER,
            "frequency": Measure.Frequency.MONTHLY,
        },
    )
    assert response.status_code == 302
    measure = Measure.objects.get(problem=problem)
    assert (measure.name, measure.better, measure.version) == (
        "Antall fall på toalett",
        "lower",
        1,
    )

    edit = reverse("action_plan_measure", args=[planned.visit.pk, measure.pk])
    data = {
        "name": "Antall fall fra toalettet",
        "better": Measure.Direction.LOWER,
        "frequency": Measure.Frequency.WEEKLY,
        "version": 1,
    }
    assert client.post(edit, data).status_code == 302
    assert client.post(edit, {**data, "name": "Gammel"}).status_code == 409
    measure.refresh_from_db()
    assert (measure.name, measure.frequency, measure.version) == (
        "Antall fall fra toalettet",
        "weekly",
        2,
    )

    remove = reverse("action_plan_measure_remove", args=[planned.visit.pk, measure.pk])
    assert client.post(remove, {"version": 1}).status_code == 302  # stale: kept
    assert Measure.objects.filter(pk=measure.pk).exists()
    assert client.post(remove, {"version": 2}).status_code == 302
    assert not Measure.objects.filter(pk=measure.pk).exists()


# --- Actions ----------------------------------------------------------------------------


def test_an_action_gets_a_responsible_member_and_a_due_date(world, planned, en_client_for):
    client = en_client_for(world.coordinator)
    problem = planned.problems[0]
    url = reverse("action_plan_action_add", args=[planned.visit.pk, problem.pk])

    response = client.get(url)
    assert "Tor Tiltakseier" in response.content.decode()
    assert "Olav Utenfor" not in response.content.decode()  # another organisation's

    response = client.post(
        url, {"what": "Bytte madrasser", "owner": planned.owner.pk, "due_date": "2026-12-01"}
    )
    assert response.status_code == 302
    action = Action.objects.get(problem=problem)
    assert (action.what, action.owner, action.due_date, action.status) == (
        "Bytte madrasser",
        planned.owner,
        date(2026, 12, 1),
        S.PLANNED,
    )

    response = client.post(url, {"what": "Noe", "owner": world.outsider.pk})
    assert response.status_code == 400  # not a member here
    assert Action.objects.count() == 1

    edit = reverse("action_plan_action", args=[planned.visit.pk, action.pk])
    data = {"what": "Kjøpe trykkavlastende madrasser", "owner": world.unit_leader.pk}
    assert client.post(edit, {**data, "version": 1}).status_code == 302
    assert client.post(edit, {**data, "what": "Gammel", "version": 1}).status_code == 409
    action.refresh_from_db()
    assert (action.what, action.owner, action.version) == (
        "Kjøpe trykkavlastende madrasser",
        world.unit_leader,
        2,
    )


def test_an_inactive_member_cannot_be_made_responsible(world, planned, en_client_for):
    planned.owner.memberships.update(is_active=False)
    url = reverse("action_plan_action_add", args=[planned.visit.pk, planned.problems[0].pk])
    response = en_client_for(world.coordinator).post(
        url, {"what": "Noe", "owner": planned.owner.pk}
    )
    assert response.status_code == 400
    assert not Action.objects.exists()


# --- Status -----------------------------------------------------------------------------


def test_not_possible_needs_the_reason_the_participants_are_told(world, planned, en_client_for):
    fill(planned, actions_per_problem=1)
    action = Action.objects.first()
    url = reverse("action_plan_action_status", args=[planned.visit.pk, action.pk])
    client = en_client_for(world.coordinator)

    response = client.post(url, status_data(action, S.NOT_POSSIBLE))
    assert response.status_code == 400
    assert "the participants are told" in response.content.decode()
    action.refresh_from_db()
    assert action.status == S.PLANNED

    response = client.post(
        url, status_data(action, S.NOT_POSSIBLE, reason="Budsjettet er brukt opp i år")
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.reason) == (S.NOT_POSSIBLE, "Budsjettet er brukt opp i år")
    assert action.finished_at is not None


def test_a_status_change_is_audited_and_a_finished_action_leads_to_feedback(
    world, planned, en_client_for
):
    fill(planned, actions_per_problem=1)
    action = Action.objects.first()
    url = reverse("action_plan_action_status", args=[planned.visit.pk, action.pk])
    client = en_client_for(world.coordinator)

    response = client.post(url, status_data(action, S.IN_PROGRESS, note="Bestilt"))
    assert response.status_code == 302
    assert response["Location"].startswith(plan_url(planned.visit))
    action.refresh_from_db()
    response = client.post(url, status_data(action, S.DONE), follow=True)
    action.refresh_from_db()
    assert action.status == S.DONE
    # The feedback page if it exists, else the plan; either way the message is shown.
    assert "Feedback to the conversation group is owed" in response.content.decode()
    changes = AuditEvent.objects.filter(action=A.ACTION_STATUS_CHANGED).order_by("pk")
    assert [(e.data["before"], e.data["after"]) for e in changes] == [
        (S.PLANNED, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.DONE),
    ]


def test_a_stale_status_change_is_refused(world, planned, en_client_for):
    fill(planned, actions_per_problem=1)
    action = Action.objects.first()
    url = reverse("action_plan_action_status", args=[planned.visit.pk, action.pk])
    client = en_client_for(world.coordinator)

    assert client.post(url, status_data(action, S.IN_PROGRESS)).status_code == 302
    response = client.post(url, status_data(action, S.DONE, version=1))
    assert response.status_code == 409
    action.refresh_from_db()
    assert action.status == S.IN_PROGRESS


def test_the_visit_page_links_to_the_action_plan_once_conducted(world, en_client_for):
    client = en_client_for(world.coordinator)
    planned = make_planned(world)
    page = client.get(reverse("visit_detail", args=[planned.visit.pk])).content.decode()
    assert plan_url(planned.visit) in page
    upcoming = make_planned(world, conducted=False)
    page = client.get(reverse("visit_detail", args=[upcoming.visit.pk])).content.decode()
    assert plan_url(upcoming.visit) not in page


def test_an_action_keeps_its_problems_organisation_for_the_lists(world):
    planned = make_planned(world, problems=1)
    problem = planned.problems[0]
    action = Action.objects.create(problem=problem, what="Sengealarm", created_by=world.coordinator)
    assert action.organisation_id == world.org.pk == problem.visit.organisation_id
    # The problem keeps it too (theme analysis, search and the summary read it).
    assert problem.organisation_id == world.org.pk
    assert list(Problem.objects.filter(organisation=world.other_org)) == []
    assert list(Action.objects.in_organisation(world.org)) == [action]
    assert not Action.objects.in_organisation(world.other_org).exists()
