"""Visits in calendars: the .ics of one visit and each person's secret, revocable feed
(visitt.planning.calendar)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import World, make_user
from visitt.audit.models import AuditEvent
from visitt.organisations.models import Membership, Role, Unit
from visitt.planning import calendar
from visitt.planning.preparation import CalendarFeed
from visitt.planning.visits import Visit


def make_visit(world: World, **extra) -> Visit:
    values = {
        "organisation": world.org,
        "unit": world.unit,
        "date": date(2026, 11, 23),
        "start_time": time(10, 0),
        "place": "Personalrommet",
        "visit_leader": world.top_leader,
        "coordinator": world.coordinator,
        "secretary": world.secretary,
        "unit_leader": world.unit_leader,
        "contact_name": "Kari Kontakt",
        "contact_email": "kontakt@test.no",
        "created_by": world.coordinator,
    }
    values.update(extra)
    return Visit.objects.create(**values)


def parse(content: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(content)


def events(content: bytes) -> list[icalendar.Event]:
    return parse(content).events


# --- One visit ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        pytest.param(date(2026, 11, 23), 9, id="winter: CET, UTC+1"),
        pytest.param(date(2027, 6, 15), 8, id="summer: CEST, UTC+2"),
        pytest.param(date(2027, 3, 30), 8, id="the Tuesday after summer time starts"),
        pytest.param(date(2026, 10, 27), 9, id="the Tuesday after winter time starts"),
    ],
)
def test_a_visit_at_ten_is_at_ten_in_oslo(day, utc_hour, world, client_for):
    visit = make_visit(world, date=day)

    response = client_for(world.coordinator).get(reverse("visit_ics", args=[visit.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    (event,) = events(response.content)
    assert str(event.start.tzinfo) == "Europe/Oslo"
    assert event.start.replace(tzinfo=None) == datetime.combine(day, time(10, 0))
    assert event.start.astimezone(UTC).hour == utc_hour
    assert (event.end - event.start).total_seconds() == 3600
    assert b"DTSTART;TZID=Europe/Oslo:" in response.content


def test_the_calendar_carries_the_oslo_time_zone(world):
    visit = make_visit(world)

    cal = parse(calendar.visit_ics(visit))

    (zone,) = cal.timezones
    assert zone.tz_name == "Europe/Oslo"
    assert cal["METHOD"] == "PUBLISH"
    assert cal["PRODID"].startswith("-//Visitt//")


def test_the_event_says_what_and_where(world):
    visit = make_visit(world)

    (event,) = events(calendar.visit_ics(visit))

    assert event["SUMMARY"] == "Pasient- og brukersikkerhetsvisitt: Solbakken sykehjem"
    assert event["LOCATION"] == "Personalrommet, Solbakken sykehjem"
    assert event["STATUS"] == "TENTATIVE"
    visit.confirm(by=world.coordinator)
    (event,) = events(calendar.visit_ics(visit))
    assert event["STATUS"] == "CONFIRMED"


def test_a_nynorsk_organisation_gets_a_nynorsk_summary(world):
    visit = make_visit(
        world,
        organisation=world.other_org,
        unit=world.other_unit,
        visit_leader=world.outsider,
        coordinator=None,
        secretary=None,
        unit_leader=None,
        created_by=world.outsider,
    )

    (event,) = events(calendar.visit_ics(visit))

    assert event["SUMMARY"] == "Pasient- og brukarsikkerheitsvisitt: Hemmeleg eining"


def test_moving_a_visit_updates_the_same_event(world):
    visit = make_visit(world)
    (before,) = events(calendar.visit_ics(visit))

    visit.postpone(
        to_date=date(2026, 12, 1), to_time=time(13, 0), reason="Influensa", by=world.coordinator
    )
    visit.refresh_from_db()
    (after,) = events(calendar.visit_ics(visit))

    assert str(after["UID"]) == str(before["UID"]) == f"visit-{visit.pk}@visitt"
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert after.start == datetime(2026, 12, 1, 13, 0, tzinfo=after.start.tzinfo)


def test_the_event_holds_no_personal_data(world):
    visit = make_visit(world)

    content = calendar.visit_ics(visit).decode()

    for secret in (
        "Tone Toppleder",
        "Kari Koordinator",
        "Siri Sekretær",
        "Eva Enhetsleder",
        "Kari Kontakt",
        "kontakt@test.no",
        "@test.no",
    ):
        assert secret not in content


# --- The personal feed: making and revoking -------------------------------------------


def feed_token(response) -> str:
    url = response.context["feed_url"]
    return url.rsplit("/", 1)[1].removesuffix(".ics")


def test_the_calendar_page_shows_how_to_subscribe(world, client_for):
    response = client_for(world.coordinator).get(reverse("calendar_settings"))

    assert response.status_code == 200
    assert reverse("calendar_feed_create") in response.content.decode()


def test_making_a_link_shows_it_once_and_stores_only_its_hash(world, client_for):
    client = client_for(world.coordinator)

    response = client.post(reverse("calendar_feed_create"))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = feed_token(response)
    assert token in response.content.decode()
    feed = CalendarFeed.objects.get(user=world.coordinator)
    assert token not in feed.token_hash and len(feed.token_hash) == 64
    assert token not in client.get(reverse("calendar_settings")).content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.CALENDAR_FEED_CREATED)
    assert event.actor == world.coordinator
    assert token not in str(event.data)


def test_a_new_link_revokes_the_old_one(world, client_for):
    client = client_for(world.coordinator)
    old = feed_token(client.post(reverse("calendar_feed_create")))

    new = feed_token(client.post(reverse("calendar_feed_create")))

    assert client.get(reverse("calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("calendar_feed", args=[new])).status_code == 200
    assert CalendarFeed.objects.filter(user=world.coordinator, revoked_at=None).count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CALENDAR_FEED_REVOKED).count() == 1


def test_a_revoked_link_gives_404(world, client_for, client):
    token = feed_token(client_for(world.coordinator).post(reverse("calendar_feed_create")))

    response = client_for(world.coordinator).post(reverse("calendar_feed_revoke"))

    assert response.status_code == 302
    assert client.get(reverse("calendar_feed", args=[token])).status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CALENDAR_FEED_REVOKED).exists()


def test_an_unknown_link_gives_404(db, client):
    assert client.get(reverse("calendar_feed", args=["gjettet"])).status_code == 404


def test_the_link_of_a_deactivated_account_gives_404(world, client):
    _feed, token = calendar.issue_feed(world.coordinator)
    world.coordinator.is_active = False
    world.coordinator.save()

    assert client.get(reverse("calendar_feed", args=[token])).status_code == 404


def test_making_or_revoking_a_link_needs_post(world, client_for):
    client = client_for(world.coordinator)
    assert client.get(reverse("calendar_feed_create")).status_code == 405
    assert client.get(reverse("calendar_feed_revoke")).status_code == 405
    assert not CalendarFeed.objects.exists()


def test_an_anonymous_visitor_cannot_make_a_link(db, client):
    response = client.post(reverse("calendar_feed_create"))
    assert response.status_code == 302
    assert not CalendarFeed.objects.exists()


def test_revoking_touches_only_ones_own_link(world, client_for, client):
    _feed, theirs = calendar.issue_feed(world.secretary)

    client_for(world.coordinator).post(reverse("calendar_feed_revoke"))

    assert client.get(reverse("calendar_feed", args=[theirs])).status_code == 200


# --- The personal feed: what it shows ---------------------------------------------------


def feed_uids(client, token: str) -> set[str]:
    response = client.get(reverse("calendar_feed", args=[token]))
    assert response.status_code == 200
    return {str(event["UID"]) for event in events(response.content)}


def uid(visit: Visit) -> str:
    return f"visit-{visit.pk}@visitt"


def test_the_feed_shows_the_persons_visits_and_no_others(world, client):
    mine = make_visit(world)
    as_unit_leader = make_visit(
        world, date=date(2026, 12, 2), coordinator=None, secretary=None
    )  # the unit leader's; the coordinator is not on its team
    someone_elses = make_visit(
        world,
        date=date(2026, 12, 3),
        unit=world.ward,
        coordinator=None,
        secretary=world.top_leader,
        unit_leader=None,
    )
    theirs = make_visit(
        world,
        organisation=world.other_org,
        unit=world.other_unit,
        visit_leader=world.outsider,
        coordinator=None,
        secretary=None,
        unit_leader=None,
        created_by=world.outsider,
    )
    _feed, coordinator = calendar.issue_feed(world.coordinator)
    _feed, unit_leader = calendar.issue_feed(world.unit_leader)
    _feed, outsider = calendar.issue_feed(world.outsider)

    assert feed_uids(client, coordinator) == {uid(mine)}
    assert feed_uids(client, unit_leader) == {uid(mine), uid(as_unit_leader)}
    assert feed_uids(client, outsider) == {uid(theirs)}
    assert uid(someone_elses) not in feed_uids(client, coordinator)


def test_a_person_in_two_organisations_sees_both_until_one_membership_ends(world, client):
    membership = Membership.objects.create(user=world.secretary, organisation=world.other_org)
    membership.set_roles([Role.SECRETARY])
    here = make_visit(world)
    there = make_visit(
        world,
        organisation=world.other_org,
        unit=world.other_unit,
        visit_leader=world.outsider,
        coordinator=None,
        unit_leader=None,
        created_by=world.outsider,
    )
    _feed, token = calendar.issue_feed(world.secretary)
    assert feed_uids(client, token) == {uid(here), uid(there)}

    membership.deactivate()

    assert feed_uids(client, token) == {uid(here)}


def test_a_visit_where_the_person_no_longer_is_a_member_is_not_shown(world, client):
    # Left on a visit's team in an organisation that has since deactivated them.
    visit = make_visit(world)
    Membership.objects.get(user=world.coordinator, organisation=world.org).deactivate()
    _feed, token = calendar.issue_feed(world.coordinator)

    assert uid(visit) not in feed_uids(client, token)


def test_the_feed_holds_no_personal_data(world, client):
    make_visit(world)
    _feed, token = calendar.issue_feed(world.coordinator)

    content = client.get(reverse("calendar_feed", args=[token])).content.decode()

    for secret in ("Tone Toppleder", "Kari Koordinator", "Kari Kontakt", "@test.no"):
        assert secret not in content


def test_the_feed_is_a_subscribable_calendar(world, client):
    make_visit(world)
    feed, token = calendar.issue_feed(world.coordinator)

    response = client.get(reverse("calendar_feed", args=[token]))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["X-Robots-Tag"] == "noindex"
    cal = parse(response.content)
    assert "METHOD" not in cal  # a subscription, not an invitation
    assert cal["X-WR-CALNAME"] == "Visitt"
    assert [tz.tz_name for tz in cal.timezones] == ["Europe/Oslo"]
    feed.refresh_from_db()
    assert feed.last_used_at is not None


def test_the_feed_costs_the_same_queries_for_one_visit_or_many(world, client):
    make_visit(world)
    _feed, token = calendar.issue_feed(world.coordinator)
    url = reverse("calendar_feed", args=[token])

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(10):
        unit = Unit.objects.create(organisation=world.org, name=f"Enhet {n}")
        make_visit(world, unit=unit, date=date(2027, 1, 4 + n))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert len(events(response.content)) == 11
    assert len(one) == len(many) <= 4


def test_the_calendar_page_counts_the_visits_in_the_feed(world, client_for):
    make_visit(world)
    other = make_user("ny@test.no", world.org, Role.COORDINATOR)
    calendar.issue_feed(world.coordinator)
    calendar.issue_feed(other)

    page = client_for(world.coordinator).get(reverse("calendar_settings"))

    assert page.context["visit_count"] == 1
    assert client_for(other).get(reverse("calendar_settings")).context["visit_count"] == 0
