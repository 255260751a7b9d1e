"""The daily follow-up notices as a task, for deployments that schedule work through the
task worker instead of cron. Same function as `manage.py send_followup_notices`; takes
the date only (no personal data in the queue)."""

from __future__ import annotations

from datetime import date

from django.tasks import task

from .notify import send_followup_notices


@task()
def send_followup_notices_task(today: str | None = None) -> dict[str, int]:
    """Runs the daily notices (``today`` as YYYY-MM-DD, or the real today); returns counts."""
    result = send_followup_notices(date.fromisoformat(today) if today else None)
    return {
        "created": len(result.created),
        "sent": result.sent,
        "digests": result.digests,
        "failed": result.failed,
    }
