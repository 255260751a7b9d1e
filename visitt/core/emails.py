"""E-mails as subject/text/html template triplets in templates/emails/, rendered in the
recipient organisation's language."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation


def send_templated(
    name: str,
    to: str,
    context: dict[str, Any],
    language: str,
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> None:
    """Sends templates/emails/<name>_{subject.txt,body.txt,body.html} to one address,
    with optional (filename, content, mimetype) attachments."""
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
        text = render_to_string(f"emails/{name}_body.txt", context)
        html = render_to_string(f"emails/{name}_body.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    message.send()


# --- Sending again after a worker died ----------------------------------------------
#
# The task worker (django-tasks-db) marks a task RUNNING when it takes it and leaves it
# so if the process is killed: it never retries it by itself. requeue_abandoned_tasks()
# puts such tasks back in the queue, and the e-mail tasks skip the addresses a previous
# run already reached (the sent-ledger below), so a task run again sends no duplicate.

# How long the ledger remembers an address: far longer than any task waits for retry.
SENT_LEDGER_SECONDS = 14 * 24 * 3600


def _sent_key(key: str, address: str) -> str:
    digest = hashlib.sha256(address.strip().lower().encode()).hexdigest()[:32]
    return f"email-sent:{key}:{digest}"


def already_sent(key: str, address: str) -> bool:
    """Whether the e-mail identified by ``key`` (e.g. "reminder:12:<claim time>") has
    already gone to ``address``."""
    return bool(cache.get(_sent_key(key, address)))


def record_sent(key: str, address: str) -> None:
    """Remembers, right after the mail server accepted it, that ``key`` went to
    ``address``. The ledger is the shared database cache, so every worker sees it."""
    cache.set(_sent_key(key, address), True, timeout=SENT_LEDGER_SECONDS)


def requeue_abandoned_tasks(older_than: timedelta) -> int:
    """Puts back in the queue the tasks marked running for longer than ``older_than``:
    their worker died (SIGKILL, a crashed machine) before finishing them. Returns how
    many. The threshold must be longer than any task runs (they take seconds); a task
    that was in fact still running is harmless to run again (see already_sent)."""
    from django.tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=timezone.now() - older_than
    ).update(status=TaskResultStatus.READY)
