"""The follow-up visit three months after the walkround: created when the minutes are
signed, with the same unit and team, short by default, on a working day."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from django.db import transaction

from visitt.audit.models import AuditEvent
from visitt.audit.services import record
from visitt.core.workdays import add_working_days
from visitt.planning.models import Visit

FOLLOW_UP_MONTHS = 3  # «Kort besøk etter 3 mnd»
FOLLOW_UP_MINUTES = 30


def follow_up_date(visit: Visit):
    """About three months after the visit, moved forward to a working day."""
    return add_working_days(visit.date + relativedelta(months=FOLLOW_UP_MONTHS), 0)


def plan_follow_up_visit(request, visit: Visit) -> Visit:
    """Creates the follow-up visit of ``visit`` (once: a second call returns the same
    one) and moves ``visit`` to "follow-up planned". ``request`` is for the audit trail;
    pass None from commands."""
    with transaction.atomic():
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        existing = visit.follow_ups.order_by("pk").first()
        if existing is not None:
            return existing
        follow_up = Visit.objects.create(
            organisation_id=visit.organisation_id,
            plan=visit.plan,
            unit_id=visit.unit_id,
            kind=Visit.Kind.FOLLOW_UP,
            parent=visit,
            date=follow_up_date(visit),
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
