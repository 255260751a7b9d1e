"""The e-mails of a feedback message, sent by the task worker after the Feedback row is
committed. Takes the key only (no personal data in the queue)."""

from __future__ import annotations

from django.tasks import task

from visitt.core.emails import already_sent, record_sent, send_templated

from .feedback import Feedback


def letter_context(feedback: Feedback) -> dict:
    action = feedback.action
    visit = action.problem.visit
    return {
        "feedback": feedback,
        "action": action,
        "problem": action.problem,
        "visit": visit,
        "organisation": visit.organisation,
        "sender": feedback.sent_by,
    }


@task()
def send_feedback_emails(feedback_id: int) -> int:
    """E-mails the message to each address in the conversation group; returns how many
    were sent. Enqueued once, when the row is created (services_feedback.send_feedback)."""
    from .services_feedback import recipients

    feedback = (
        Feedback.objects.select_related(
            "action__problem__visit__organisation", "action__problem__visit__unit", "sent_by"
        )
        .filter(pk=feedback_id)
        .first()
    )
    if feedback is None:
        return 0
    context = letter_context(feedback)
    visit = context["visit"]
    sent = 0
    ledger_key = f"feedback:{feedback.pk}"
    for address in recipients(visit).emails:
        if not already_sent(ledger_key, address):  # a run again after a worker died
            send_templated(
                "feedback_to_group", address, context, language=visit.organisation.language
            )
            record_sent(ledger_key, address)
        sent += 1
    return sent
