"""The learning library: candidates, one-click publishing, editing (versioned),
withdrawing, who may do what, tenant isolation and bounded queries."""

from __future__ import annotations

from datetime import date
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_user
from tests.followup.support_plans import fill, make_planned
from tests.improvement.support_measures import make_measure
from visitt.audit.models import AuditEvent
from visitt.followup.plans import Action, Measure
from visitt.improvement import services_library
from visitt.improvement.library import LibraryEntry
from visitt.improvement.models import MeasurePoint, PdsaCycle
from visitt.organisations.models import Role
from visitt.walkround.problems import ProblemCategory

pytestmark = pytest.mark.django_db

A = AuditEvent.Action

# Twenty months: ten high, then ten low. With "lower is better" (the default) the run
# of ten below the median at the end (> 7, the limit for n = 20) is an improvement.
IMPROVING = [10, 11, 10, 12, 11, 10, 11, 12, 10, 11, 3, 2, 3, 4, 2, 3, 2, 4, 3, 2]
WORSENING = list(reversed(IMPROVING))
RANDOM = [5, 7, 4, 8, 5, 7, 4, 8, 6, 3, 7, 5, 8, 4, 6, 7, 3, 8, 5, 6]


def _points(measure: Measure, values: list[float]) -> None:
    MeasurePoint.objects.bulk_create(
        MeasurePoint(measure=measure, period=date(2024 + k // 12, k % 12 + 1, 1), value=v)
        for k, v in enumerate(values)
    )


def _done(action: Action) -> Action:
    Action.objects.filter(pk=action.pk).update(
        status=Action.Status.DONE, finished_at=timezone.now()
    )
    action.refresh_from_db()
    return action


def _candidate(world, values=IMPROVING, *, done=True) -> tuple[Action, Measure]:
    planned, measure = make_measure(world)
    _points(measure, values)
    action = Action.objects.get(problem=planned.problems[0])
    if done:
        _done(action)
    return action, measure


def _more_candidates(world, count: int) -> None:
    """``count`` more visits, each with a done action and an improving measure."""
    for _n in range(count):
        planned = make_planned(world, problems=1)
        fill(planned, actions_per_problem=1)
        _points(Measure.objects.get(problem=planned.problems[0]), IMPROVING)
        _done(Action.objects.get(problem=planned.problems[0]))


def publish_url(action: Action) -> str:
    return reverse("library_publish", args=[action.pk])


def entry_urls(entry: LibraryEntry) -> dict[str, str]:
    return {
        "entry": reverse("library_entry", args=[entry.pk]),
        "edit": reverse("library_entry_edit", args=[entry.pk]),
        "withdraw": reverse("library_entry_withdraw", args=[entry.pk]),
    }


def _entry_data(entry: LibraryEntry, **changes) -> dict:
    return {
        "title": entry.title,
        "summary": entry.summary,
        "result": entry.result,
        "advice": "",
        "version": entry.version,
        **changes,
    }


# --- Candidates -----------------------------------------------------------------------------


def test_a_done_action_whose_measure_improved_is_a_candidate(world):
    action, _measure = _candidate(world)
    found = services_library.candidates(world.org)
    assert [c.action for c in found] == [action]
    assert found[0].improving[0].verdict == "improvement"


@pytest.mark.parametrize(
    ("values", "done", "better"),
    [
        (IMPROVING, False, "lower"),  # not done
        (RANDOM, True, "lower"),  # no signal
        (WORSENING, True, "lower"),  # a deterioration
        (IMPROVING, True, "higher"),  # going down is a deterioration when higher is better
        (IMPROVING[:8], True, "lower"),  # too few points to judge
    ],
)
def test_other_actions_are_no_candidates(world, values, done, better):
    _action, measure = _candidate(world, values, done=done)
    Measure.objects.filter(pk=measure.pk).update(better=better)
    assert services_library.candidates(world.org) == []


def test_an_action_in_progress_or_without_measures_is_no_candidate(world):
    action, measure = _candidate(world, done=False)
    Action.objects.filter(pk=action.pk).update(status=Action.Status.IN_PROGRESS)
    assert services_library.candidates(world.org) == []
    _done(action)
    MeasurePoint.objects.filter(measure=measure).delete()
    Measure.objects.filter(pk=measure.pk).delete()
    assert services_library.candidates(world.org) == []


def test_a_published_action_is_no_longer_a_candidate(world):
    action, _measure = _candidate(world)
    services_library.publish(action, world.top_leader)
    assert services_library.candidates(world.org) == []


def test_candidates_of_another_organisation_are_not_shown(world):
    _candidate(world)
    assert services_library.candidates(world.other_org) == []


def test_candidates_cost_the_same_queries_however_many(world, django_assert_max_num_queries):
    _candidate(world)
    _more_candidates(world, 4)
    with django_assert_max_num_queries(4):
        assert len(services_library.candidates(world.org)) == 5


def test_only_the_most_recent_candidates_are_shown_found_a_batch_at_a_time(
    world, monkeypatch, django_assert_max_num_queries
):
    _candidate(world)
    _more_candidates(world, 4)
    every = services_library.candidates(world.org)
    assert len(every) == 5
    monkeypatch.setattr(services_library, "CANDIDATE_BATCH", 2)
    with django_assert_max_num_queries(8):  # two batches of two actions
        newest = services_library.candidates(world.org, limit=3)
    assert [c.action.pk for c in newest] == [c.action.pk for c in every[:3]]
    assert [c.action.pk for c in services_library.candidates(world.org)] == [
        c.action.pk for c in every
    ]


# --- Publishing -----------------------------------------------------------------------------


def test_one_click_publishes_the_action_with_its_words_and_run_chart(world, en_client_for):
    action, measure = _candidate(world)
    PdsaCycle.objects.create(
        action=action,
        plan="Prøve ny madrassrutine på ett rom",
        study="Færre trykksår",
        act="Innføre rutinen på hele avdelingen",
        decision=PdsaCycle.Decision.ADOPT,
        start_date=date(2024, 9, 1),
    )
    client = en_client_for(world.coordinator)
    response = client.post(publish_url(action))
    entry = LibraryEntry.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("library_entry", args=[entry.pk])
    assert entry.organisation == world.org and entry.published_by == world.coordinator
    assert entry.title == f"{action.problem.title}: {action.what}"
    assert entry.summary.startswith(action.what)
    assert "Innføre rutinen på hele avdelingen" in entry.summary
    assert entry.result.startswith(f"{measure.name}: ")
    assert "an improvement" in entry.result
    event = AuditEvent.objects.get(action=A.LIBRARY_PUBLISHED)
    assert event.data["action_id"] == action.pk and event.actor == world.coordinator


def test_a_second_click_makes_no_second_entry(world, en_client_for):
    action, _measure = _candidate(world)
    client = en_client_for(world.top_leader)
    first = client.post(publish_url(action))
    second = client.post(publish_url(action))
    assert second.status_code == 302 and second.url == first.url
    assert LibraryEntry.objects.count() == 1
    assert AuditEvent.objects.filter(action=A.LIBRARY_PUBLISHED).count() == 1


def test_two_leaders_at_the_same_moment_give_one_entry(world):
    action, _measure = _candidate(world)
    theirs, _created = services_library.publish(action, world.coordinator)
    # As if the other click had not yet seen the first entry when it looked.
    empty = mock.Mock()
    empty.first.return_value = None
    with mock.patch.object(LibraryEntry.objects, "filter", return_value=empty):
        entry, created = services_library.publish(action, world.top_leader)
    assert (entry.pk, created) == (theirs.pk, False)
    assert LibraryEntry.objects.count() == 1


def test_an_action_that_is_not_a_candidate_is_refused(world, client_for):
    action, _measure = _candidate(world, RANDOM)
    client = client_for(world.top_leader)
    response = client.post(publish_url(action), follow=True)
    assert response.status_code == 200
    assert not LibraryEntry.objects.exists()
    assert not AuditEvent.objects.filter(action=A.LIBRARY_PUBLISHED).exists()
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1


def test_publishing_needs_a_post(world, en_client_for):
    action, _measure = _candidate(world)
    assert en_client_for(world.top_leader).get(publish_url(action)).status_code == 405
    assert not LibraryEntry.objects.exists()


# --- The pages ------------------------------------------------------------------------------


def test_the_library_lists_entries_and_the_leaders_see_the_candidates(world, en_client_for):
    action, _measure = _candidate(world)
    leader = en_client_for(world.top_leader)
    page = leader.get(reverse("library")).content.decode()
    assert 'id="candidates"' in page and publish_url(action) in page
    leader.post(publish_url(action))
    entry = LibraryEntry.objects.get()
    page = leader.get(reverse("library")).content.decode()
    assert entry.title in page and publish_url(action) not in page


def test_the_entry_shows_the_run_chart_and_the_pdsa_cycles(world, en_client_for):
    action, measure = _candidate(world)
    PdsaCycle.objects.create(
        action=action, plan="Liten test på ett rom", start_date=date(2024, 9, 1)
    )
    entry, _created = services_library.publish(action, world.top_leader)
    page = en_client_for(world.unit_leader).get(entry_urls(entry)["entry"]).content.decode()
    assert entry.title in page
    assert world.unit.name in page
    assert 'role="img"' in page and 'data-verdict="improvement"' in page
    assert "Liten test på ett rom" in page
    assert measure.name in page
    assert entry_urls(entry)["edit"] not in page  # a unit leader only reads


def test_entries_are_filtered_by_category_newest_first_and_paginated(world, en_client_for):
    ProblemCategory.ensure_defaults(world.org)
    first, second = ProblemCategory.objects.filter(organisation=world.org)[:2]
    _candidate(world)
    _more_candidates(world, 2)
    actions = list(Action.objects.filter(status=Action.Status.DONE).order_by("pk"))
    for n, action in enumerate(actions):
        category = first if n == 0 else second
        action.problem.__class__.objects.filter(pk=action.problem_id).update(category=category)
        services_library.publish(action, world.top_leader)
    client = en_client_for(world.secretary)
    page = client.get(reverse("library"), {"kategori": second.pk})
    entries = list(page.context["entries"])
    assert [e.action_id for e in entries] == [actions[2].pk, actions[1].pk]
    page = client.get(reverse("library"), {"kategori": first.pk})
    assert [e.action_id for e in page.context["entries"]] == [actions[0].pk]
    assert client.get(reverse("library"), {"kategori": "x"}).status_code == 200
    with mock.patch("visitt.improvement.views_library.PAGE_SIZE", 2):
        page = client.get(reverse("library"), {"side": 2})
    assert [e.action_id for e in page.context["entries"]] == [actions[0].pk]


# --- Editing and withdrawing ----------------------------------------------------------------


def test_a_leader_edits_the_entry(world, en_client_for):
    action, _measure = _candidate(world)
    entry, _created = services_library.publish(action, world.top_leader)
    client = en_client_for(world.coordinator)
    url = entry_urls(entry)["edit"]
    assert client.get(url).status_code == 200
    data = _entry_data(entry, advice="Start med ett rom og mål hver uke.")
    response = client.post(url, data)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.advice == "Start med ett rom og mål hver uke." and entry.version == 2
    assert AuditEvent.objects.filter(action=A.LIBRARY_CHANGED).count() == 1


def test_a_stale_edit_is_refused_in_norwegian_and_changes_nothing(world, client_for):
    action, _measure = _candidate(world)
    entry, _created = services_library.publish(action, world.top_leader)
    client = client_for(world.top_leader)
    url = entry_urls(entry)["edit"]
    assert client.post(url, _entry_data(entry, advice="Først")).status_code == 302
    response = client.post(url, _entry_data(entry, advice="Sist"))
    assert response.status_code == 409
    assert "Noen andre lagret dette" in response.content.decode()
    entry.refresh_from_db()
    assert entry.advice == "Først" and entry.version == 2


def test_personal_data_in_an_entry_needs_a_reason_or_is_refused(world, en_client_for):
    action, _measure = _candidate(world)
    entry, _created = services_library.publish(action, world.top_leader)
    client = en_client_for(world.top_leader)
    url = entry_urls(entry)["edit"]
    response = client.post(url, _entry_data(entry, advice="Ring 91234567 ved spørsmål"))
    assert response.status_code == 422
    assert 'name="override_reason"' in response.content.decode()
    response = client.post(url, _entry_data(entry, advice="Gjelder 15108695088"))
    assert response.status_code == 422
    entry.refresh_from_db()
    assert entry.advice == "" and entry.version == 1
    response = client.post(
        url,
        {
            **_entry_data(entry, advice="Ring 91234567 ved spørsmål"),
            "override_reason": "Vakttelefonen til avdelingen",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=A.PERSONAL_DATA_OVERRIDE).exists()


def test_an_empty_title_or_summary_is_refused(world, en_client_for):
    action, _measure = _candidate(world)
    entry, _created = services_library.publish(action, world.top_leader)
    client = en_client_for(world.top_leader)
    response = client.post(entry_urls(entry)["edit"], _entry_data(entry, title=" ", summary=""))
    assert response.status_code == 400
    entry.refresh_from_db()
    assert entry.version == 1 and entry.title


def test_withdrawing_removes_the_entry_and_keeps_the_action(world, en_client_for):
    action, _measure = _candidate(world)
    entry, _created = services_library.publish(action, world.top_leader)
    client = en_client_for(world.coordinator)
    assert client.get(entry_urls(entry)["withdraw"]).status_code == 405
    response = client.post(entry_urls(entry)["withdraw"])
    assert response.status_code == 302 and response.url == reverse("library")
    assert not LibraryEntry.objects.exists()
    assert Action.objects.filter(pk=action.pk).exists()
    event = AuditEvent.objects.get(action=A.LIBRARY_WITHDRAWN)
    assert event.object_id == str(entry.pk) and event.data["action_id"] == action.pk
    # It is a candidate again, and a second withdraw finds nothing.
    assert [c.action for c in services_library.candidates(world.org)] == [action]
    assert client.post(entry_urls(entry)["withdraw"]).status_code == 404


# --- Who may --------------------------------------------------------------------------------


def _readers(world):
    return [
        world.top_leader,
        world.coordinator,
        world.secretary,
        world.unit_leader,
        world.admin,
        make_user("raadgiver@test.no", world.org, Role.MEDICAL_ADVISOR),
        make_user("kontakt@test.no", world.org, Role.CONTACT_PERSON),
        make_user("eier@test.no", world.org, Role.ACTION_OWNER),
    ]


def test_every_member_reads_only_leaders_publish(world, en_client_for):
    action, _measure = _candidate(world)
    entry, _created = services_library.publish(action, world.top_leader)
    urls = entry_urls(entry)
    publishers = {world.top_leader.pk, world.coordinator.pk}
    for user in _readers(world):
        client = en_client_for(user)
        assert client.get(reverse("library")).status_code == 200
        assert client.get(urls["entry"]).status_code == 200
        library = client.get(reverse("library")).content.decode()
        if user.pk in publishers:
            assert 'id="candidates"' in library
            assert client.get(urls["edit"]).status_code == 200
        else:
            assert 'id="candidates"' not in library
            assert client.get(urls["edit"]).status_code == 403
            assert client.post(urls["edit"], _entry_data(entry, advice="Nei")).status_code == 403
            assert client.post(urls["withdraw"]).status_code == 403
            assert client.post(publish_url(action)).status_code == 403
    entry.refresh_from_db()
    assert entry.version == 1 and LibraryEntry.objects.count() == 1


def test_the_unit_leader_reads_but_cannot_publish(world, en_client_for):
    action, _measure = _candidate(world)
    client = en_client_for(world.unit_leader)
    assert client.get(reverse("library")).status_code == 200
    assert client.post(publish_url(action)).status_code == 403
    assert not LibraryEntry.objects.exists()


def test_someone_signed_out_is_sent_to_sign_in(world, client):
    response = client.get(reverse("library"))
    assert response.status_code == 302 and "login" in response.url


def test_another_organisations_entries_and_actions_are_404(world, en_client_for):
    action, _measure = _candidate(world)
    entry, _created = services_library.publish(action, world.top_leader)
    outsider = en_client_for(world.outsider)  # top leader of the other organisation
    urls = entry_urls(entry)
    assert outsider.get(urls["entry"]).status_code == 404
    assert outsider.get(urls["edit"]).status_code == 404
    assert outsider.post(urls["edit"], _entry_data(entry, advice="Utenfra")).status_code == 404
    assert outsider.post(urls["withdraw"]).status_code == 404
    LibraryEntry.objects.all().delete()
    assert outsider.post(publish_url(action)).status_code == 404
    assert not LibraryEntry.objects.exists()
    services_library.publish(action, world.top_leader)
    page = outsider.get(reverse("library"))
    assert page.status_code == 200
    assert list(page.context["entries"]) == [] and page.context["candidates"] == []


# --- Bounded queries ------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 6])
def test_the_library_costs_the_same_queries_however_many_entries(
    world, en_client_for, django_assert_max_num_queries, count
):
    _candidate(world)
    _more_candidates(world, count)
    for action in Action.objects.filter(status=Action.Status.DONE)[: count // 2 + 1]:
        services_library.publish(action, world.top_leader)
    client = en_client_for(world.top_leader)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("library")).status_code == 200


@pytest.mark.parametrize("count", [20, 60])
def test_the_entry_costs_the_same_queries_however_many_points(
    world, en_client_for, django_assert_max_num_queries, count
):
    action, _measure = _candidate(world)
    entry, _created = services_library.publish(action, world.top_leader)
    second = Measure.objects.create(problem=action.problem, name="Andre måling")
    _points(second, (RANDOM * 3)[:count])
    for n in range(3):
        PdsaCycle.objects.create(action=action, plan=f"Test {n}", start_date=date(2024, 3 + n, 1))
    client = en_client_for(world.unit_leader)
    with django_assert_max_num_queries(14):
        assert client.get(entry_urls(entry)["entry"]).status_code == 200
