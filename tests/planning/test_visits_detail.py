"""The visit page: everything about one visit, and the actions its state allows."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.planning.factories_visits import fill_group, in_days, make_visit, url
from visitt.planning.checklist import tick
from visitt.planning.models import ChecklistItem, Visit


@pytest.fixture
def coordinator(world, client_for):
    return client_for(world.coordinator)


def test_the_page_shows_the_visit_its_team_and_the_unit(world, coordinator):
    visit = make_visit(world, medical_advisor=world.top_leader)
    fill_group(visit, 2)

    response = coordinator.get(url(visit))

    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "Walkround at Solbakken sykehjem",
        "Personalrommet",
        "Tone Toppleder",
        "Kari Koordinator",
        "Siri Sekretær",
        "Eva Enhetsleder",
        "Kari Kontakt",
        "kontakt@solbakken.test",
        "Deltaker 1",
        "Planned",
        "10 a.m.\u201311 a.m.",
    ):
        assert text in body, text
    assert body.count("<h1") == 1
    assert any("group of five" in w for w in response.context["group_warnings"])


def test_a_follow_up_visit_links_to_the_walkround(world, coordinator):
    walkround = make_visit(world, when=in_days(-90), status=Visit.Status.CONDUCTED)
    follow_up = make_visit(world, kind=Visit.Kind.FOLLOW_UP, parent=walkround)
    response = coordinator.get(url(follow_up))
    body = response.content.decode()
    assert "Follow-up visit to Solbakken sykehjem" in body
    assert f'href="{url(walkround)}"' in body
    # It has no walkround of its own, and the method asks nothing of its group.
    assert 'id="walkround"' not in body
    assert reverse("follow_up_review", args=[follow_up.pk]) in body
    assert response.context["group_warnings"] == []
    assert 'id="walkround"' in coordinator.get(url(walkround)).content.decode()


def test_a_planned_visit_offers_confirm_postpone_and_delete(world, coordinator):
    body = coordinator.get(url(make_visit(world))).content.decode()
    assert "Confirm the visit" in body and "Postpone" in body and "Delete the visit" in body
    assert "Mark as conducted" not in body  # not before its day


def test_a_confirmed_visit_offers_no_delete_and_says_why(world, coordinator):
    visit = make_visit(world, status=Visit.Status.CONFIRMED, invitation_sent_at=timezone.now())
    body = coordinator.get(url(visit)).content.decode()
    assert "Delete the visit" not in body and "Confirm the visit" not in body
    assert "never cancelled, only postponed" in body


def test_a_conducted_walkround_offers_a_follow_up_and_no_postponing(world, coordinator):
    visit = make_visit(world, when=in_days(-3), status=Visit.Status.CONDUCTED)
    body = coordinator.get(url(visit)).content.decode()
    assert f"/visitter/ny/?folger_opp={visit.pk}" in body
    assert url(visit, "utsett") not in body


def test_a_visit_on_its_day_can_be_marked_conducted(world, coordinator):
    visit = make_visit(world, when=timezone.localdate())
    assert url(visit, "gjennomfort") in coordinator.get(url(visit)).content.decode()


def test_the_checklist_shows_who_ticked_and_that_visitt_ticks_some_itself(world, coordinator):
    visit = make_visit(world)
    tick(visit, ChecklistItem.Key.LEADERSHIP_GROUP, by=world.top_leader)
    tick(visit, ChecklistItem.Key.GROUP_ASSEMBLED)
    body = coordinator.get(url(visit)).content.decode()
    assert "Tone Toppleder, " in body
    assert "Visitt, " in body
    assert body.count("Mark as done") == 8 - 3 - 1  # manual items not yet done


def test_the_detail_page_shows_an_active_group_link_without_the_token(world, coordinator):
    from visitt.planning.models import GroupLink

    visit = make_visit(world)
    _link, token = GroupLink.issue(visit)
    body = coordinator.get(url(visit)).content.decode()
    assert "The contact person has a link" in body
    assert token not in body


def test_the_page_costs_the_same_queries_with_a_full_history(
    world, coordinator, django_assert_max_num_queries
):
    counts = []
    for participants, postponements in ((0, 0), (5, 3)):
        visit = make_visit(world)
        fill_group(visit, participants)
        for i in range(postponements):
            visit.postpone(
                to_date=in_days(40 + i), to_time=None, reason="Grunn", by=world.coordinator
            )
        # 16 for phase 1, one more for where the walkround (phase 2) stands.
        with django_assert_max_num_queries(17) as queries:
            assert coordinator.get(url(visit)).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts
