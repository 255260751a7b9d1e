"""The follow-up visit three months later: per problem of the visit it follows up, was
the action plan implemented, and did it lead to improvement? Then completing it moves
the walkround it follows up to "follow-up done".

Every save is one conditional write (``... WHERE version = n``, or an INSERT that only
one person can win for a new answer): a stale save changes nothing and is refused.
The comment passes the personal-data guard like every other free text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from visitt.audit.models import AuditEvent
from visitt.audit.services import record
from visitt.core.personal_data import record_override
from visitt.planning.models import Visit
from visitt.walkround.problems import Problem
from visitt.walkround.services_problems import ProblemError, guard, stale_message

from .plans import Action
from .review import FollowUpReview

if TYPE_CHECKING:
    from visitt.organisations.access import OrgRequest

A = AuditEvent.Action


# A refused save, nothing stored: the same shape as a refused problem (messages for
# the user, an HTTP status, whether a reason would let it through).
ReviewError = ProblemError


@dataclass
class ProblemFollowUp:
    problem: Problem
    actions: list[Action]
    review: FollowUpReview | None

    @property
    def answered(self) -> bool:
        return bool(self.review and self.review.implemented and self.review.improved)


@dataclass
class FollowUpOverview:
    visit: Visit
    parent: Visit | None
    items: list[ProblemFollowUp] = field(default_factory=list)

    @property
    def all_answered(self) -> bool:
        return all(item.answered for item in self.items)


def overview(visit: Visit) -> FollowUpOverview:
    """The parent visit's problems with their actions (and owners) and this follow-up
    visit's answers (three queries)."""
    parent = visit.parent
    if parent is None:
        return FollowUpOverview(visit, None)
    problems = Problem.objects.filter(visit=parent).prefetch_related(
        Prefetch("actions", queryset=Action.objects.select_related("owner"))
    )
    reviews = {r.problem_id: r for r in FollowUpReview.objects.filter(visit=visit)}
    items = [
        ProblemFollowUp(problem, list(problem.actions.all()), reviews.get(problem.pk))
        for problem in problems
    ]
    return FollowUpOverview(visit, parent, items)


def save_review(
    request: OrgRequest,
    visit: Visit,
    problem: Problem,
    *,
    implemented: str,
    improved: str,
    comment: str,
    version: int,
    override_reason: str = "",
) -> FollowUpReview:
    """Stores the answers for ``problem`` if ``version`` is the stored one (0 for the
    first answer); a stale save changes nothing."""
    if visit.kind != Visit.Kind.FOLLOW_UP or problem.visit_id != visit.parent_id:
        raise ReviewError(_("That problem is not followed up by this visit."))
    if visit.status == Visit.Status.CLOSED:
        raise ReviewError(_("This follow-up visit is closed."))
    comment = comment.replace("\r\n", "\n").strip()
    result = guard([comment], override_reason)
    values: dict[str, Any] = {
        "implemented": implemented,
        "improved": improved,
        "comment": comment,
        "updated_by": request.user,
    }
    try:
        with transaction.atomic():
            if version == 0:
                review = FollowUpReview.objects.create(visit=visit, problem=problem, **values)
            else:
                updated = FollowUpReview.objects.filter(
                    visit=visit, problem=problem, version=version
                ).update(version=F("version") + 1, updated_at=timezone.now(), **values)
                if not updated:
                    raise ReviewError(stale_message(), status=409)
                review = FollowUpReview.objects.get(visit=visit, problem=problem)
            if result.has_warnings:
                record_override(
                    request, result, override_reason, target=visit, problem=problem.number
                )
            record(
                request,
                A.FOLLOW_UP_RECORDED,
                target=visit,
                problem=problem.number,
                implemented=implemented,
                improved=improved,
                version=review.version,
            )
    except IntegrityError:
        # Someone else gave the first answer at the same moment.
        raise ReviewError(stale_message(), status=409) from None
    return review


def complete(request: OrgRequest | None, visit: Visit, *, by: Any = None) -> list[str]:
    """Completes the follow-up visit: marks it conducted (if it is not already) and the
    walkround it follows up "follow-up done". Returns notes for the user about what
    could not be moved (e.g. the walkround's minutes are not signed yet); raises
    ReviewError when the follow-up visit itself is not ready."""
    by = by or getattr(request, "user", None)
    notes: list[str] = []
    with transaction.atomic():
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        if visit.kind != Visit.Kind.FOLLOW_UP or visit.parent_id is None:
            raise ReviewError(_("Only a follow-up visit can be completed here."))
        if visit.date > timezone.localdate():
            raise ReviewError(
                _("The follow-up visit is on %(date)s. It can be completed on that day or later.")
                % {"date": visit.date.strftime("%d.%m.%Y")}
            )
        if not overview(visit).all_answered:
            raise ReviewError(
                _("Answer both questions for every problem before completing the follow-up.")
            )
        if not visit.is_conducted:
            visit.mark_conducted(by)
            record(request, A.VISIT_CONDUCTED, target=visit, organisation=visit.organisation)
        parent = Visit.objects.select_for_update().get(pk=visit.parent_id)
        if parent.status == Visit.Status.FOLLOW_UP_PLANNED:
            parent.mark_follow_up_done(by)
            record(
                request,
                A.FOLLOW_UP_RECORDED,
                target=parent,
                organisation=parent.organisation,
                follow_up=visit.pk,
                completed=True,
            )
        elif parent.status not in (Visit.Status.FOLLOW_UP_DONE, Visit.Status.CLOSED):
            notes.append(
                _(
                    "The walkround it follows up is “%(status)s”, so it is not yet marked "
                    "“follow-up done”. Sign its minutes first; then complete this again."
                )
                % {"status": Visit.Status(parent.status).label}
            )
    return notes
