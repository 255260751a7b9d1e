"""Phase 3 of the method (Oppfølging), split by concept: plans.py (Vedlegg 3: aim,
measures, actions), minutes.py (minutes, versions, signatures), feedback.py (messages to
the group), review.py (the follow-up visit's questions), notices.py (the daily notices'
ledger) — gathered here for Django."""

from .feedback import Feedback
from .minutes import Minutes, MinutesVersion, Signature, minutes_deadline
from .notices import Notice
from .plans import Action, Aim, Measure
from .review import FollowUpReview

__all__ = [
    "Action",
    "Aim",
    "Feedback",
    "FollowUpReview",
    "Measure",
    "Minutes",
    "MinutesVersion",
    "Notice",
    "Signature",
    "minutes_deadline",
]
