"""Phase 1 of the method (Forberedelse): the annual plan, visits and their preparation.

Split by concept: visits.py (the visit, its team, lifecycle and postponements),
group.py (the conversation group), plan.py (the annual plan and its goals),
checklist.py (the phase-1 checklist). This module only gathers them for Django.
"""

from .checklist import ChecklistItem
from .group import GroupLink, Participant, Profession
from .letters import LetterTemplate
from .plan import AnnualPlan, PlanGoal
from .preparation import CalendarFeed, IncidentCount, StaffInput
from .visits import Postponement, Visit, VisitTransitionError

__all__ = [
    "AnnualPlan",
    "CalendarFeed",
    "ChecklistItem",
    "GroupLink",
    "IncidentCount",
    "LetterTemplate",
    "Participant",
    "PlanGoal",
    "Postponement",
    "Profession",
    "StaffInput",
    "Visit",
    "VisitTransitionError",
]
