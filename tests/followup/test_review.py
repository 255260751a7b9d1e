"""The follow-up visit's page: answers per problem (versioned, guarded), who may write
and read them, and completing the follow-up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.followup.support_feedback import action_owner, follow_up_of, make_cycle
from visitt.audit.models import AuditEvent
from visitt.followup.review import FollowUpReview
from visitt.followup.services_review import complete
from visitt.planning.models import Visit

S = Visit.Status


@pytest.fixture
def cycle(world):
    return make_cycle(world)


@pytest.fixture
def follow_up(world, cycle):
    visit = follow_up_of(world, cycle)
    visit.date = timezone.localdate()  # the day of the follow-up visit
    visit.save()
    return visit


def url(visit: Visit) -> str:
    return reverse("follow_up_review", args=[visit.pk])


def answer(client, visit, problem, version=0, implemented="yes", improved="partly", **extra):
    prefix = f"problem-{problem.pk}"
    data = {
        "problem": problem.pk,
        f"{prefix}-implemented": implemented,
        f"{prefix}-improved": improved,
        f"{prefix}-comment": extra.pop("comment", "Nye madrasser på alle rom."),
        f"{prefix}-version": version,
    }
    data.update({f"{prefix}-{k}": v for k, v in extra.items()})
    return client.post(url(visit), data)


def test_the_page_lists_every_action_of_the_walkround_with_its_status(
    world, cycle, follow_up, en_client_for, django_assert_max_num_queries
):
    client = en_client_for(world.coordinator)
    client.get(url(follow_up))
    with django_assert_max_num_queries(15):
        response = client.get(url(follow_up))
    page = response.content.decode()
    assert response.status_code == 200
    for action in (cycle.done, cycle.not_possible, cycle.open):
        assert action.what in page
    assert "Budsjettet er brukt opp i år" in page
    assert len(response.context["rows"]) == 3


def test_the_walkrounds_page_leads_to_its_follow_up_visit(world, cycle, follow_up, en_client_for):
    response = en_client_for(world.coordinator).get(url(cycle.visit))
    assert response.status_code == 302 and response.url == url(follow_up)


def test_a_walkround_without_a_follow_up_visit_has_no_such_page(world, cycle, en_client_for):
    assert en_client_for(world.coordinator).get(url(cycle.visit)).status_code == 404


def test_saving_answers_is_versioned_and_audited(world, cycle, follow_up, en_client_for):
    client = en_client_for(world.coordinator)
    problem = cycle.problems[0]
    assert answer(client, follow_up, problem).status_code == 302
    review = FollowUpReview.objects.get(visit=follow_up, problem=problem)
    assert (review.implemented, review.improved, review.version) == ("yes", "partly", 1)
    assert review.updated_by == world.coordinator
    assert answer(client, follow_up, problem, version=1, improved="yes").status_code == 302
    review.refresh_from_db()
    assert (review.improved, review.version) == ("yes", 2)
    events = AuditEvent.objects.filter(action=AuditEvent.Action.FOLLOW_UP_RECORDED)
    assert events.count() == 2
    assert "madrasser" not in str(events.last().data)


def test_a_stale_save_changes_nothing(world, cycle, follow_up, en_client_for):
    client = en_client_for(world.coordinator)
    problem = cycle.problems[0]
    answer(client, follow_up, problem)  # version 1
    answer(client, follow_up, problem, version=1, improved="yes")  # version 2
    response = answer(client, follow_up, problem, version=1, improved="no")
    assert response.status_code == 409
    assert "Someone else saved this" in response.content.decode()
    assert FollowUpReview.objects.get(problem=problem).improved == "yes"
    # A second "first answer" is stale as well.
    assert answer(client, follow_up, problem, version=0, improved="no").status_code == 409


def test_the_comment_passes_the_personal_data_guard(world, cycle, follow_up, en_client_for):
    client = en_client_for(world.coordinator)
    problem = cycle.problems[1]
    response = answer(client, follow_up, problem, comment="Gjelder 15108695088")
    assert response.status_code == 422
    response = answer(client, follow_up, problem, comment="Pasienten på rom 12 falt igjen")
    assert response.status_code == 422 and not FollowUpReview.objects.exists()
    response = answer(
        client,
        follow_up,
        problem,
        comment="Pasienten på rom 12 falt igjen",
        override_reason="Romnummeret peker på et toalett",
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PERSONAL_DATA_OVERRIDE).exists()


def test_a_problem_of_another_visit_is_not_accepted(world, cycle, follow_up, en_client_for):
    other = make_cycle(world)
    response = answer(en_client_for(world.coordinator), follow_up, other.problems[0])
    assert response.status_code == 404
    assert not FollowUpReview.objects.exists()


def test_unit_leaders_and_action_owners_read_but_do_not_write(
    world, cycle, follow_up, en_client_for
):
    en_client_for(world.coordinator)
    answer(en_client_for(world.coordinator), follow_up, cycle.problems[0])
    for user in (world.unit_leader, action_owner(world)):
        client = en_client_for(user)
        response = client.get(url(follow_up))
        assert response.status_code == 200
        assert response.context["can_edit"] is False
        assert "Nye madrasser på alle rom." in response.content.decode()
        assert answer(client, follow_up, cycle.problems[1]).status_code == 403
        complete_url = reverse("follow_up_complete", args=[follow_up.pk])
        assert client.post(complete_url).status_code == 403
    assert FollowUpReview.objects.count() == 1


def test_an_admin_without_a_leadership_role_may_not_read(world, cycle, follow_up, en_client_for):
    assert en_client_for(world.admin).get(url(follow_up)).status_code == 403


def test_another_organisation_gets_404(world, cycle, follow_up, en_client_for):
    client = en_client_for(world.outsider)
    assert client.get(url(follow_up)).status_code == 404
    assert answer(client, follow_up, cycle.problems[0]).status_code == 404
    assert client.post(reverse("follow_up_complete", args=[follow_up.pk])).status_code == 404


def _answer_all(client, follow_up, cycle):
    for problem in cycle.problems:
        assert answer(client, follow_up, problem).status_code == 302


def test_completing_marks_it_conducted_and_the_walkround_follow_up_done(
    world, cycle, follow_up, en_client_for
):
    client = en_client_for(world.coordinator)
    complete_url = reverse("follow_up_complete", args=[follow_up.pk])
    client.post(complete_url)  # not every problem answered yet
    follow_up.refresh_from_db()
    assert follow_up.status == S.PLANNED

    _answer_all(client, follow_up, cycle)
    response = client.post(complete_url)
    assert response.status_code == 302
    follow_up.refresh_from_db()
    cycle.visit.refresh_from_db()
    assert follow_up.status == S.CONDUCTED and follow_up.conducted_at is not None
    assert cycle.visit.status == S.FOLLOW_UP_DONE
    # A double submit changes nothing and fails nothing.
    assert client.post(complete_url).status_code == 302
    cycle.visit.refresh_from_db()
    assert cycle.visit.status == S.FOLLOW_UP_DONE


def test_a_follow_up_visit_in_the_future_cannot_be_completed(
    world, cycle, follow_up, en_client_for
):
    client = en_client_for(world.coordinator)
    _answer_all(client, follow_up, cycle)
    follow_up.date = timezone.localdate() + timedelta(days=3)
    follow_up.save()
    client.post(reverse("follow_up_complete", args=[follow_up.pk]))
    follow_up.refresh_from_db()
    assert follow_up.status == S.PLANNED


def test_a_walkround_not_yet_follow_up_planned_is_left_as_it_is_with_a_note(world, cycle):
    # A follow-up visit registered by hand while the minutes are not signed yet.
    follow_up = Visit.objects.create(
        organisation=world.org,
        unit=world.unit,
        kind=Visit.Kind.FOLLOW_UP,
        parent=cycle.visit,
        date=timezone.localdate(),
        visit_leader=world.coordinator,
        created_by=world.coordinator,
    )
    for problem in cycle.problems:
        FollowUpReview.objects.create(
            visit=follow_up, problem=problem, implemented="yes", improved="too_early"
        )
    notes = complete(None, follow_up, by=world.coordinator)
    follow_up.refresh_from_db()
    cycle.visit.refresh_from_db()
    assert follow_up.status == S.CONDUCTED
    assert cycle.visit.status == S.CONDUCTED
    assert len(notes) == 1
