"""Phase 2 of the method (Gjennomføring): the question bank, the walkround itself with
its notes, up to three problems, and the leadership group's debrief.

Split by concept: questions.py (Vedlegg 2), conduct.py (the visit mode's record, notes,
opening script), problems.py (problems, categories) — gathered here for Django.
"""

from .conduct import Debrief, OpeningScript, VisitNote, Walkround
from .problems import MAX_PROBLEMS, Problem, ProblemCategory
from .questions import Question, Theme, UnitQuestion, VisitQuestion

__all__ = [
    "MAX_PROBLEMS",
    "Debrief",
    "OpeningScript",
    "Problem",
    "ProblemCategory",
    "Question",
    "Theme",
    "UnitQuestion",
    "VisitNote",
    "VisitQuestion",
    "Walkround",
]
