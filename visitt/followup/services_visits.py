"""The follow-up visit three months after the walkround: created when the minutes are
signed, with the same unit and team, short by default, on a working day."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Q

from visitt.audit.models import AuditEvent
from visitt.audit.services import record
from visitt.core.workdays import add_working_days
from visitt.planning.models import AnnualPlan, Visit
from visitt.planning.visits import OSLO
from visitt.walkround.access import TEAM_FIELDS

FOLLOW_UP_MONTHS = 3  # «Kort besøk etter 3 mnd»
FOLLOW_UP_MINUTES = 30


SUMMER_HOLIDAY_MONTH = 7  # planning avoids July; so does the follow-up


def follow_up_date(visit: Visit) -> date:
    """About three months after the visit, moved forward to a working day (and out of
    the July holidays, when the unit's staff and leaders are away)."""
    day = visit.date + relativedelta(months=FOLLOW_UP_MONTHS)
    if day.month == SUMMER_HOLIDAY_MONTH:
        day = day.replace(month=SUMMER_HOLIDAY_MONTH + 1, day=1)
    return add_working_days(day, 0)


def _free_day(visit: Visit, day: date) -> date:
    """``day``, or the next working day on which no one on the team already has a visit
    at the same time (a few tries; after that the coordinator moves it by hand)."""
    team = [pk for pk in (getattr(visit, field) for field in TEAM_FIELDS) if pk]
    for _ in range(10):
        others = Visit.objects.filter(date=day).filter(
            Q(visit_leader__in=team)
            | Q(coordinator__in=team)
            | Q(secretary__in=team)
            | Q(medical_advisor__in=team)
        )
        start = datetime.combine(day, visit.start_time, OSLO)
        end = start + timedelta(minutes=FOLLOW_UP_MINUTES)
        if not any(other.starts_at < end and start < other.ends_at for other in others):
            return day
        day = add_working_days(day, 1)
    return day


def plan_follow_up_visit(request, visit: Visit) -> Visit:
    """Creates the follow-up visit of ``visit`` (once: a second call returns the same
    one) and moves ``visit`` to "follow-up planned". ``request`` is for the audit trail;
    pass None from commands."""
    with transaction.atomic():
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        existing = visit.follow_ups.order_by("pk").first()
        if existing is not None:
            return existing
        day = _free_day(visit, follow_up_date(visit))
        follow_up = Visit.objects.create(
            organisation_id=visit.organisation_id,
            plan=AnnualPlan.objects.filter(
                organisation_id=visit.organisation_id, year=day.year
            ).first(),
            unit_id=visit.unit_id,
            kind=Visit.Kind.FOLLOW_UP,
            parent=visit,
            date=day,
            start_time=visit.start_time,
            duration_minutes=FOLLOW_UP_MINUTES,
            place=visit.place,
            visit_leader_id=visit.visit_leader_id,
            coordinator_id=visit.coordinator_id,
            secretary_id=visit.secretary_id,
            medical_advisor_id=visit.medical_advisor_id,
            unit_leader_id=visit.unit_leader_id,
            contact_name=visit.contact_name,
            contact_email=visit.contact_email,
            created_by_id=getattr(getattr(request, "user", None), "pk", None)
            or visit.visit_leader_id,
        )
        by = getattr(request, "user", None)
        visit.mark_follow_up_planned(by)
        record(
            request,
            AuditEvent.Action.FOLLOW_UP_PLANNED,
            target=follow_up,
            organisation=visit.organisation,
            parent=visit.pk,
        )
    return follow_up
