"""Feedback to the conversation group when an action is finished, and closing the cycle.

The method asks that the people who raised a problem hear what came of it: that the
action is carried out, or why it cannot be done now. One message per action and outcome
(Feedback is unique per action and status):

1. In one transaction: lock the action, check that it is finished and that no message
   about this outcome exists, store the Feedback row and audit it.
2. After the commit: the task worker e-mails everyone in the group with an address.
   Those without one get a printed letter from the contact person.

A double submit finds the row from step 1 and sends nothing again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from visitt.audit.models import AuditEvent
from visitt.audit.services import record
from visitt.core.personal_data import record_override
from visitt.organisations.models import Organisation, Role
from visitt.planning.group import Participant
from visitt.planning.models import Visit
from visitt.planning.visits import VisitTransitionError
from visitt.walkround.access import is_on_team
from visitt.walkround.services_problems import ProblemError, guard

from .feedback import Feedback
from .plans import Action

if TYPE_CHECKING:
    from visitt.organisations.access import OrgRequest

A = AuditEvent.Action

LEADERSHIP = frozenset({Role.TOP_LEADER, Role.COORDINATOR, Role.SECRETARY, Role.MEDICAL_ADVISOR})


# A refused message, nothing stored or sent: the same shape as a refused problem
# (messages for the user, an HTTP status, whether a reason would let it through).
FeedbackError = ProblemError


class AlreadySent(Exception):
    """The message about this outcome exists already (a double submit)."""

    def __init__(self, feedback: Feedback):
        self.feedback = feedback
        super().__init__(str(feedback))


# --- Who ---------------------------------------------------------------------------------


def can_lead(user: Any, visit: Visit, roles: Any) -> bool:
    """Whether ``user`` (holding ``roles`` in the visit's organisation) speaks for the
    leadership of ``visit``: a top leader, or a leadership member on the visit's team.
    Unit leaders and action owners do not (no query)."""
    roles = frozenset(roles)
    if Role.TOP_LEADER in roles:
        return True
    return bool(roles & LEADERSHIP) and is_on_team(user, visit)


# --- What is owed ------------------------------------------------------------------------


def feedback_owed(organisation: Organisation) -> QuerySet[Action]:
    """Finished actions (done or not possible now) of ``organisation`` without a message
    about their current outcome, oldest first. Loads problem, visit, unit and owner
    (one query when evaluated)."""
    told = Feedback.objects.filter(action=OuterRef("pk"), about_status=OuterRef("status"))
    return (
        Action.objects.in_organisation(organisation)
        .filter(status__in=Action.FINISHED)
        .exclude(Exists(told))
        .select_related("problem__visit__unit", "owner")
        .order_by("finished_at", "pk")
    )


def suggested_message(action: Action, language: str) -> str:
    """The text the form starts with, in the organisation's language (the group reads
    it). For "not possible now" it says why."""
    values = {"action": action.what.strip(), "problem": action.problem.title}
    with translation.override(language):
        if action.status == Action.Status.NOT_POSSIBLE:
            return _(
                "Thank you for raising “%(problem)s” at the walkround. The action "
                "“%(action)s” cannot be carried out now. The reason: %(reason)s"
            ) % {**values, "reason": action.reason.strip()}
        return (
            _(
                "Thank you for raising “%(problem)s” at the walkround. The action “%(action)s” "
                "has been carried out."
            )
            % values
        )


def with_reason(action: Action, message: str, language: str) -> str:
    """For "not possible now" the group must hear why: the reason is added when the
    message does not already contain it."""
    message = message.replace("\r\n", "\n").strip()
    reason = action.reason.strip()
    if action.status != Action.Status.NOT_POSSIBLE or not reason:
        return message
    if " ".join(reason.split()).lower() in " ".join(message.split()).lower():
        return message
    with translation.override(language):
        line = _("Why it is not possible now: %(reason)s") % {"reason": reason}
    return f"{message}\n\n{line}"


@dataclass
class Recipients:
    emails: list[str] = field(default_factory=list)
    # Participants without an address: the contact person prints a letter for each.
    without_email: list[Participant] = field(default_factory=list)


def recipients(visit: Visit) -> Recipients:
    """The conversation group of ``visit``: each address once, and who has none (one
    query)."""
    result = Recipients()
    seen: set[str] = set()
    for participant in Participant.objects.filter(visit=visit).select_related("profession"):
        address = participant.email.strip()
        if not address:
            result.without_email.append(participant)
        elif address.lower() not in seen:
            seen.add(address.lower())
            result.emails.append(address)
    return result


# --- Sending -----------------------------------------------------------------------------


def send_feedback(
    request: OrgRequest,
    action: Action,
    *,
    about_status: str,
    message: str,
    override_reason: str = "",
) -> Feedback:
    """Stores the message about ``action``'s outcome and has it sent after the commit.

    Raises AlreadySent for a second message about the same outcome (nothing is sent),
    FeedbackError when the message may not go out."""
    visit = action.problem.visit
    language = visit.organisation.language
    with transaction.atomic():
        locked = Action.objects.select_for_update().select_related("problem").get(pk=action.pk)
        existing = Feedback.objects.filter(action=locked, about_status=about_status).first()
        if existing is not None:
            raise AlreadySent(existing)
        if locked.status != about_status:
            raise FeedbackError(
                _(
                    "The action's status changed while you were writing. Nothing was sent: "
                    "reload the page and check the message."
                ),
                status=409,
            )
        if locked.status not in Action.FINISHED:
            raise FeedbackError(
                _("Feedback is sent when an action is done, or when it is not possible now.")
            )
        text = with_reason(locked, message, language)
        if not text:
            raise FeedbackError(_("Write a short message to the group."))
        result = guard([text], override_reason)
        group = recipients(visit)
        try:
            with transaction.atomic():
                feedback = Feedback.objects.create(
                    action=locked,
                    about_status=about_status,
                    message=text,
                    sent_by=request.user,
                    emailed_to=len(group.emails),
                    printed_for=len(group.without_email),
                )
        except IntegrityError:
            raise AlreadySent(
                Feedback.objects.get(action=locked, about_status=about_status)
            ) from None
        if result.has_warnings:
            record_override(request, result, override_reason, target=locked, feedback=True)
        record(
            request,
            A.FEEDBACK_SENT,
            target=locked,
            visit=visit.pk,
            about_status=about_status,
            emailed_to=feedback.emailed_to,
            printed_for=feedback.printed_for,
        )
        from .tasks_feedback import send_feedback_emails

        feedback_pk = feedback.pk
        transaction.on_commit(lambda: send_feedback_emails.enqueue(feedback_pk))
    return feedback


# --- Closing the cycle -------------------------------------------------------------------


def close_blockers(visit: Visit) -> list[str]:
    """What stops ``visit`` from being closed, in words for the user; empty when it may
    be closed (two queries)."""
    missing: list[str] = []
    if visit.status == Visit.Status.CLOSED:
        return missing
    if visit.status != Visit.Status.FOLLOW_UP_DONE:
        missing.append(
            _("The follow-up visit must be completed first (the status is now “%(status)s”).")
            % {"status": Visit.Status(visit.status).label}
        )
    open_count = Action.objects.filter(problem__visit=visit, status__in=Action.OPEN).count()
    if open_count:
        missing.append(
            translation.ngettext(
                "%(count)d action is not finished: it must be done or declared not possible now.",
                "%(count)d actions are not finished: each must be done or declared not possible "
                "now.",
                open_count,
            )
            % {"count": open_count}
        )
    owed = feedback_owed(visit.organisation).filter(problem__visit=visit).count()
    if owed:
        missing.append(
            translation.ngettext(
                "The conversation group has not had feedback on %(count)d finished action.",
                "The conversation group has not had feedback on %(count)d finished actions.",
                owed,
            )
            % {"count": owed}
        )
    return missing


def close_visit(request: OrgRequest, visit: Visit) -> Visit:
    """Closes the cycle of a walkround: after the follow-up visit, with every action
    finished and the group told. Raises VisitTransitionError with what is missing."""
    with transaction.atomic():
        visit = Visit.objects.select_for_update().select_related("organisation").get(pk=visit.pk)
        if visit.status == Visit.Status.CLOSED:
            return visit  # a double submit changes nothing
        if visit.kind != Visit.Kind.MAIN:
            raise VisitTransitionError(
                _("A follow-up visit is closed when its own short minutes are signed.")
            )
        missing = close_blockers(visit)
        if missing:
            raise VisitTransitionError(" ".join(missing))
        visit.close(request.user)
        record(request, A.VISIT_CLOSED, target=visit)
    return visit
