"""E-mails as subject/text/html template triplets in templates/emails/, rendered in the
recipient organisation's language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


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
