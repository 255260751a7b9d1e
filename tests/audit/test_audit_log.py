"""The audit page: who did or read what, for administrators and top leaders."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD, make_user
from visitt.audit.models import AuditEvent
from visitt.audit.services import record
from visitt.organisations.models import Membership, Role

A = AuditEvent.Action
URL = "/organisasjon/logg/"
OSLO = ZoneInfo("Europe/Oslo")


def event(
    action, *, actor=None, organisation=None, at: datetime | None = None, **data
) -> AuditEvent:
    created = AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_email=actor.email if actor else "",
        organisation=organisation,
        data=data,
    )
    if at is not None:
        AuditEvent.objects.filter(pk=created.pk).update(created_at=at)
        created.refresh_from_db()
    return created


def shown(response) -> list[AuditEvent]:
    return list(response.context["page"].object_list)


@pytest.fixture
def admin(world, client_for):
    return client_for(world.admin)


# --- Who may read it ------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["admin", "top_leader"])
def test_admins_and_top_leaders_see_the_audit_page(persona, world, client_for):
    assert client_for(getattr(world, persona)).get(URL).status_code == 200


@pytest.mark.parametrize("persona", ["coordinator", "secretary", "unit_leader"])
def test_other_roles_get_403_and_nothing_is_recorded_as_read(persona, world, client_for):
    assert client_for(getattr(world, persona)).get(URL).status_code == 403
    assert not AuditEvent.objects.filter(action=A.AUDIT_READ).exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(world, client):
    assert client.get(URL).status_code == 302


# --- What it shows --------------------------------------------------------------------


def test_it_shows_the_organisations_events_and_its_members_sign_ins(world, admin):
    changed = event(A.UNIT_CHANGED, actor=world.admin, organisation=world.org)
    login = event(A.LOGIN, actor=world.coordinator)
    failed = event(A.LOGIN_FAILED, actor=world.secretary, step="two_factor")

    events = shown(admin.get(URL))

    assert {changed, login, failed} <= set(events)


def test_a_members_real_sign_in_and_failed_sign_in_are_shown(world, client, client_for):
    client.post("/konto/login/", {"login": world.coordinator.email, "password": "feil-passord"})
    client.post("/konto/login/", {"login": world.coordinator.email, "password": PASSWORD})

    events = shown(client_for(world.admin).get(URL, {"actor": world.coordinator.email}))

    assert [e.action for e in events] == [A.LOGIN, A.LOGIN_FAILED]
    assert all(e.organisation is None for e in events)


def test_it_never_shows_events_of_another_organisation(world, client_for):
    theirs = event(A.UNIT_CHANGED, actor=world.outsider, organisation=world.other_org)
    their_login = event(A.LOGIN, actor=world.outsider)
    unknown_failed = event(A.LOGIN_FAILED)
    # A person in both organisations: what they do in the other one stays there.
    Membership.objects.create(user=world.coordinator, organisation=world.other_org).set_roles(
        [Role.ADMIN]
    )
    elsewhere = event(A.ROLES_CHANGED, actor=world.coordinator, organisation=world.other_org)

    response = client_for(world.admin).get(URL)

    events = shown(response)
    assert not {theirs, their_login, unknown_failed, elsewhere} & set(events)
    assert world.outsider.email not in response.content.decode()
    assert all(e.organisation in (world.org, None) for e in events)


def test_it_shows_sign_ins_of_a_member_only_from_when_they_joined(world, admin):
    newcomer = make_user("ny@test.no")
    before_joining = event(A.LOGIN, actor=newcomer, at=timezone.now() - timedelta(days=30))
    Membership.objects.create(user=newcomer, organisation=world.org).set_roles([Role.SECRETARY])
    after_joining = event(A.LOGIN, actor=newcomer)

    events = shown(admin.get(URL))

    assert after_joining in events
    assert before_joining not in events


def test_the_newest_events_come_first(world, admin):
    old = event(
        A.UNIT_CREATED,
        actor=world.admin,
        organisation=world.org,
        at=timezone.now() - timedelta(days=2),
    )
    new = event(A.UNIT_CHANGED, actor=world.admin, organisation=world.org)
    events = shown(admin.get(URL))
    assert events.index(new) < events.index(old)


# --- Filters --------------------------------------------------------------------------


def test_filtering_by_action(world, admin):
    changed = event(A.UNIT_CHANGED, actor=world.admin, organisation=world.org)
    event(A.UNIT_CREATED, actor=world.admin, organisation=world.org)

    events = shown(admin.get(URL, {"action": A.UNIT_CHANGED}))

    assert events == [changed]


def test_filtering_by_email(world, admin):
    mine = event(A.LOGIN, actor=world.coordinator)
    event(A.LOGIN, actor=world.secretary)

    events = shown(admin.get(URL, {"actor": "KOORDINATOR@"}))

    assert events == [mine]


def test_filtering_by_date_uses_norwegian_days(world, admin):
    def at(day: int, hour: int, minute: int = 0) -> datetime:
        return datetime(2026, 3, day, hour, minute, tzinfo=OSLO)

    too_early = event(A.UNIT_CHANGED, organisation=world.org, at=at(9, 23, 59))
    first = event(
        A.UNIT_CHANGED, organisation=world.org, at=at(10, 0, 30)
    )  # 23:00:30 UTC on the 9th
    last = event(A.UNIT_CHANGED, organisation=world.org, at=at(11, 23, 59))
    too_late = event(A.UNIT_CHANGED, organisation=world.org, at=at(12, 0, 1))

    events = shown(
        admin.get(
            URL, {"date_from": "2026-03-10", "date_to": "2026-03-11", "action": A.UNIT_CHANGED}
        )
    )

    assert events == [last, first]
    assert too_early not in events and too_late not in events


def test_an_invalid_filter_shows_the_error_and_no_events(world, admin):
    event(A.UNIT_CHANGED, organisation=world.org)
    response = admin.get(URL, {"date_from": "i går"})
    assert response.status_code == 400
    assert "date_from" in response.context["form"].errors
    assert shown(response) == []


# --- Reading is recorded --------------------------------------------------------------


def test_reading_the_audit_trail_writes_audit_read(world, admin):
    admin.get(URL, {"actor": "koordinator@test.no", "side": "1"})

    read = AuditEvent.objects.get(action=A.AUDIT_READ)
    assert (read.organisation, read.actor) == (world.org, world.admin)
    assert read.data["filters"] == {"actor": "koordinator@test.no"}


# --- Pages ----------------------------------------------------------------------------


def make_events(org, actor, count: int) -> None:
    AuditEvent.objects.bulk_create(
        AuditEvent(organisation=org, actor=actor, actor_email=actor.email, action=A.UNIT_CHANGED)
        for _ in range(count)
    )


def test_the_trail_is_paginated(world, admin):
    make_events(world.org, world.admin, 120)

    first = admin.get(URL, {"action": A.UNIT_CHANGED})
    third = admin.get(URL, {"action": A.UNIT_CHANGED, "side": 3})

    assert len(shown(first)) == 50
    assert len(shown(third)) == 20
    assert first.context["page"].paginator.num_pages == 3
    assert "action=unit.changed&amp;side=2" in first.content.decode()


def test_a_page_shows_the_events_as_they_were_when_it_was_asked_for(world, admin):
    make_events(world.org, world.admin, 70)
    visible = AuditEvent.objects.visible_to_organisation(world.org)
    newest = list(visible.values_list("pk", flat=True)[:50])

    events = shown(admin.get(URL))

    # The audit.read written by this very request does not push an event off the page.
    assert [e.pk for e in events] == newest
    assert len(events) == 50


def test_the_page_runs_the_same_number_of_queries_for_few_and_many_events(
    world, admin, django_assert_max_num_queries
):
    counts = []
    for count in (5, 200):
        make_events(world.org, world.admin, count)
        with django_assert_max_num_queries(12) as queries:
            assert admin.get(URL, {"side": 2}).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts


def test_record_keeps_the_address_and_browser_of_the_request(world, rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="10.1.2.3, 192.0.2.1", HTTP_USER_AGENT="Firefox")
    request.user = world.admin
    request.organisation = world.org

    saved = record(request, A.UNIT_CHANGED, target=world.unit, fields=["name"])

    assert (saved.ip_address, saved.user_agent) == ("10.1.2.3", "Firefox")
    assert (saved.object_type, saved.object_id, saved.object_repr) == (
        "organisations.unit",
        str(world.unit.pk),
        "Solbakken sykehjem",
    )
    assert (saved.actor, saved.actor_email, saved.organisation) == (
        world.admin,
        "admin@test.no",
        world.org,
    )
