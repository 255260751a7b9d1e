"""The minutes deadline in lists and on the visit page, computed from the visit's date
(no query): the fourth working day after the visit."""

from __future__ import annotations

from django import template

from visitt.followup.minutes import minutes_deadline as deadline_for
from visitt.planning.models import Visit

register = template.Library()

# Conducted, and the minutes not signed yet: the statuses where a deadline is running.
DUE = (Visit.Status.CONDUCTED, Visit.Status.MINUTES_DRAFTED)


@register.filter
def minutes_due(visit: Visit):
    """The minutes deadline while it is running, else None."""
    if visit.status not in DUE:
        return None
    return deadline_for(visit.date)
