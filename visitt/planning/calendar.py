"""Visits as calendar events: the .ics attached to the invitation, the download on the
visit's page, and each person's secret subscription feed for Outlook or Google Calendar.

An event keeps its UID for the life of the visit, and its SEQUENCE increases each time
the visit is moved (Visit.calendar_sequence), so calendars update the same event
instead of adding a second one.

The feed carries no personal data: no names, no e-mail addresses, no participants.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import date, timedelta

import icalendar
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from icalendar.enums import STATUS

from visitt.organisations.models import Membership

from .documents import visit_url
from .preparation import CalendarFeed
from .visits import Visit

PRODID = "-//Visitt//Pasient- og brukersikkerhetsvisitter//NB"
SUMMARY = {
    "nb": "Pasient- og brukersikkerhetsvisitt",
    "nn": "Pasient- og brukarsikkerheitsvisitt",
}
# How often a subscribed calendar should fetch the feed again.
REFRESH = timedelta(hours=1)


def event_uid(visit: Visit) -> str:
    return f"visit-{visit.pk}@visitt"


def visit_event(visit: Visit, *, stamp=None) -> icalendar.Event:
    """One VEVENT for the visit (no query when the unit and organisation are loaded)."""
    language = visit.organisation.language
    location = visit.unit.name if not visit.place else f"{visit.place}, {visit.unit.name}"
    url = visit_url(visit)
    description = f"{visit.organisation.name}\n{url}"
    event = icalendar.Event.new(
        uid=event_uid(visit),
        sequence=visit.calendar_sequence,
        summary=f"{SUMMARY.get(language, SUMMARY['nb'])}: {visit.unit.name}",
        start=visit.starts_at,
        end=visit.ends_at,
        location=location,
        description=description,
        url=url,
        stamp=stamp or visit.updated_at,
        created=visit.created_at,
        last_modified=visit.updated_at,
        status=STATUS.TENTATIVE if visit.status == Visit.Status.PLANNED else STATUS.CONFIRMED,
    )
    return event


def to_ical(visits: Iterable[Visit], *, name: str, uid: str, method: str | None = None) -> bytes:
    """A VCALENDAR with one VEVENT per visit and the Europe/Oslo VTIMEZONE they use."""
    visits = list(visits)
    calendar = icalendar.Calendar.new(prodid=PRODID, name=name, uid=uid, method=method)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-timezone", "Europe/Oslo")
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")  # the same, for Outlook
    stamp = timezone.now() if method else None
    for visit in visits:
        calendar.add_component(visit_event(visit, stamp=stamp))
    if visits:
        # The time zone's rules for the years the events span, not 1970-2038.
        first = min(v.date for v in visits)
        last = max(v.date for v in visits)
        calendar.add_missing_timezones(
            first_date=date(first.year - 1, 1, 1), last_date=date(last.year + 2, 1, 1)
        )
    return calendar.to_ical()


def visit_ics(visit: Visit) -> bytes:
    """The visit alone, to open in a calendar (METHOD:PUBLISH: add, no reply expected)."""
    return to_ical([visit], name=str(visit), uid=f"{event_uid(visit)}-calendar", method="PUBLISH")


# --- Personal feeds -------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_path(token: str) -> str:
    return reverse("calendar_feed", args=[token])


def feed_url(token: str) -> str:
    return settings.SITE_URL + feed_path(token)


def active_feed(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at=None).order_by("-created_at").first()


def issue_feed(user) -> tuple[CalendarFeed, str]:
    """A new secret feed for ``user``; any earlier one stops working. The token is
    returned once and only its hash is stored."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        revoke_feeds(user)
        feed = CalendarFeed.objects.create(user=user, token_hash=_hash(token))
    return feed, token


def revoke_feeds(user) -> int:
    return CalendarFeed.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())


def feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed with this token, for an active account (one query)."""
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=_hash(token), revoked_at=None, user__is_active=True)
        .first()
    )


def visits_for_feed(user):
    """The person's visits: where they are on the team or the unit's leader, in the
    organisations where their membership is active (one query)."""
    organisations = (
        Membership.objects.active()
        .filter(user=user, organisation__is_active=True)
        .values("organisation_id")
    )
    return (
        Visit.objects.filter(organisation__in=organisations)
        .filter(
            Q(visit_leader=user)
            | Q(coordinator=user)
            | Q(secretary=user)
            | Q(medical_advisor=user)
            | Q(unit_leader=user)
        )
        .select_related("unit", "organisation")
        .order_by("date", "start_time", "pk")
    )


def feed_ics(feed: CalendarFeed) -> bytes:
    """The feed's calendar (two queries: the visits, and noting when it was last read)."""
    body = to_ical(visits_for_feed(feed.user), name="Visitt", uid=f"feed-{feed.pk}@visitt")
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return body
