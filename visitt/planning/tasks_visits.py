"""E-mails about one visit that the task worker sends. Tasks take primary keys only, so
no personal data or secret sits in the queue."""

from __future__ import annotations

from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from visitt.core.emails import send_templated

from .group import GroupLink
from .visits import Visit


@task()
def send_group_link(visit_id: int) -> bool:
    """E-mails the contact person a new link to fill in the conversation group.

    The link is made here, so its token exists only in the e-mail; making it retires
    older links. Returns whether an e-mail was sent.
    """
    visit = Visit.objects.select_related("organisation", "unit").filter(pk=visit_id).first()
    if visit is None or not visit.contact_email:
        return False
    if GroupLink.expiry_for(visit) <= timezone.now():
        return False  # the visit day has passed: a link would not work
    with transaction.atomic():
        link, token = GroupLink.issue(visit)
    send_templated(
        "group_link",
        visit.contact_email,
        {
            "visit": visit,
            "organisation": visit.organisation,
            "link": link,
            "path": reverse("group_link_fill", args=[token]),
        },
        language=visit.organisation.language,
    )
    return True
