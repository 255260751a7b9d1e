"""Where a visit stands in phase 2 (Vedlegg 4, "FASE 2"), shown on the visit's page
next to the phase-1 checklist.

Unlike the preparation checklist nobody ticks these by hand: each step is done when its
record exists, so the list cannot say "done" about something that did not happen. It
reads only whether things exist, never the confidential text, so it may be shown to
everyone who sees the visit.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Subquery
from django.utils.translation import gettext as _

from visitt.planning.models import Participant, Visit

from .conduct import VisitNote
from .problems import MAX_PROBLEMS, Problem


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    done: bool


def phase2_steps(visit: Visit) -> list[Step]:
    """The steps of the walkround in the method's order, from one query whatever the
    size of the visit."""
    here = OuterRef("pk")
    row = (
        Visit.objects.filter(pk=visit.pk)
        .annotate(
            attended=Exists(Participant.objects.filter(visit=here, attended=True)),
            noted=Exists(VisitNote.objects.filter(visit=here).exclude(text="")),
            problem_count=Subquery(
                Problem.objects.filter(visit=here)
                .order_by()
                .values("visit")
                .annotate(n=Count("pk"))
                .values("n")
            ),
        )
        .values(
            "attended",
            "noted",
            "problem_count",
            "walkround__summary",
            "walkround__actual_start",
            "walkround__actual_end",
            "walkround__had_tour",
            "walkround__completed_at",
            "debrief__went_well",
            "debrief__could_be_better",
        )
        .get()
    )
    problems = row["problem_count"] or 0
    closed = bool(
        row["walkround__summary"]
        and row["walkround__actual_start"]
        and row["walkround__actual_end"]
    )
    return [
        Step("presentations", _("Presentations: who came is recorded"), row["attended"]),
        Step("questions", _("Questions: notes are written"), row["noted"]),
        Step(
            "problems",
            _("Up to three problems are agreed (%(count)s of %(max)s)")
            % {"count": problems, "max": MAX_PROBLEMS},
            problems > 0,
        ),
        Step("closing", _("Closing: the leader's summary and the actual times"), closed),
        Step(
            "tour",
            _("Tour of the unit (if needed): answered"),
            row["walkround__had_tour"] is not None,
        ),
        Step(
            "debrief",
            _("Debrief: what went well and what could be better"),
            bool(row["debrief__went_well"] or row["debrief__could_be_better"]),
        ),
        Step(
            "completed",
            _("The walkround is completed and the visit conducted"),
            row["walkround__completed_at"] is not None or visit.is_conducted,
        ),
    ]
