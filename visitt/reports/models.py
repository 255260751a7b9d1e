"""Reports, split by concept: meetings.py (the leadership meetings' standing item) and
annual.py (the annual summary and its decisions) — gathered here for Django."""

from .annual import AnnualSummary, SummaryDecision
from .meetings import LeadershipMeeting

__all__ = ["AnnualSummary", "LeadershipMeeting", "SummaryDecision"]
