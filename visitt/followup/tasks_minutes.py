"""The signed minutes' e-mails to the participants, sent by the task worker after the
claim on ``MinutesVersion.sent_at`` is committed. The request only claims and records;
building the PDF and talking to the mail server happen here, so a slow or failing mail
server neither holds the secretary's page nor rolls back the claim. Takes the key only
(no personal data in the queue)."""

from __future__ import annotations

from django.tasks import task

from visitt.core.emails import already_sent, record_sent, send_templated

from .minutes import MinutesVersion


@task()
def send_minutes_emails(version_id: int) -> int:
    """E-mails the signed version with its PDF to each recipient; returns how many were
    sent. Enqueued once, when services_minutes.send_to_participants claims the version."""
    from .documents_minutes import minutes_pdf
    from .services_minutes import recipients

    version = (
        MinutesVersion.objects.select_related(
            "minutes__visit__organisation", "minutes__visit__unit", "minutes__visit__unit_leader"
        )
        .filter(pk=version_id, sent_at__isnull=False)
        .first()
    )
    if version is None:
        return 0
    visit = version.minutes.visit
    sent, _without = recipients(visit)
    if not sent:
        return 0
    document = minutes_pdf(version)
    ledger_key = f"minutes:{version.pk}"
    for recipient in sent:
        if already_sent(ledger_key, recipient.email):
            continue  # reached by a run whose worker died after sending it
        send_templated(
            "minutes_sent",
            recipient.email,
            {
                "visit": visit,
                "recipient": recipient,
                "organisation": visit.organisation,
                "version": version,
            },
            visit.organisation.language,
            attachments=[(document.filename, document.content, "application/pdf")],
        )
        record_sent(ledger_key, recipient.email)
    return len(sent)
