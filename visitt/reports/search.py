"""Search across problems, actions and follow-up reviews of one organisation.

Plain ``icontains`` on every backend (kept simple). The confidential visit notes and
the debrief are never searched. At most ``LIMIT_PER_KIND`` hits of each kind are fetched
(three queries in all, whatever the amount of data).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from visitt.followup.plans import Action
from visitt.followup.review import FollowUpReview
from visitt.organisations.models import Organisation
from visitt.planning.models import Visit
from visitt.walkround.problems import Problem

MIN_LENGTH = 2
LIMIT_PER_KIND = 200

KINDS = {
    "problem": _("Problems"),
    "action": pgettext_lazy("search results", "Actions"),  # tiltak
    "review": _("Follow-up reviews"),
}


@dataclass
class Hit:
    kind: str
    title: str
    text: str
    unit: str
    date: date
    url: str

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])


def search(organisation: Organisation, query: str) -> tuple[list[Hit], bool]:
    """The hits, grouped by kind (problems, actions, reviews), newest visit first; and
    whether any kind had more than LIMIT_PER_KIND hits."""
    query = query.strip()
    if len(query) < MIN_LENGTH:
        return [], False
    conducted = ~Q(visit__status__in=Visit.NOT_YET_CONDUCTED)
    problems = list(
        Problem.objects.filter(organisation=organisation)
        .filter(conducted)
        .filter(Q(title__icontains=query) | Q(description__icontains=query))
        .select_related("visit__unit")
        .order_by("-visit__date", "visit_id", "number")[: LIMIT_PER_KIND + 1]
    )
    actions = list(
        Action.objects.in_organisation(organisation)
        .filter(
            Q(what__icontains=query)
            | Q(progress_note__icontains=query)
            | Q(reason__icontains=query)
        )
        .select_related("problem__visit__unit")
        .order_by("-problem__visit__date", "problem_id", "order", "pk")[: LIMIT_PER_KIND + 1]
    )
    reviews = list(
        FollowUpReview.objects.filter(
            visit__organisation=organisation,
            problem__visit__organisation=organisation,
            comment__icontains=query,
        )
        .select_related("visit__unit", "problem")
        .order_by("-visit__date", "pk")[: LIMIT_PER_KIND + 1]
    )
    more = any(len(found) > LIMIT_PER_KIND for found in (problems, actions, reviews))
    hits: list[Hit] = []
    for problem in problems[:LIMIT_PER_KIND]:
        visit = problem.visit
        hits.append(
            Hit(
                "problem",
                problem.title,
                problem.description,
                visit.unit.name,
                visit.date,
                reverse("action_plan", args=[visit.pk]) + f"#problem-{problem.number}",
            )
        )
    for action in actions[:LIMIT_PER_KIND]:
        visit = action.problem.visit
        hits.append(
            Hit(
                "action",
                action.what,
                action.progress_note or action.reason,
                visit.unit.name,
                visit.date,
                reverse("action_plan", args=[visit.pk]) + f"#action-{action.pk}",
            )
        )
    for review in reviews[:LIMIT_PER_KIND]:
        hits.append(
            Hit(
                "review",
                review.problem.title,
                review.comment,
                review.visit.unit.name,
                review.visit.date,
                reverse("follow_up_review", args=[review.visit_id]),
            )
        )
    return hits, more
