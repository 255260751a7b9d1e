"""The signed minutes as PDF, sending them to the participants exactly once, the
follow-up visit's short minutes, and the minutes deadline in the visit list."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pypdf
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from tests.followup.test_minutes import (
    conducted_visit,
    review,
    sign_as,
    signed_minutes,
    start,
    url,
)
from visitt.audit.models import AuditEvent
from visitt.followup.minutes import Minutes
from visitt.followup.plans import Action
from visitt.followup.review import FollowUpReview
from visitt.followup.tasks_minutes import send_minutes_emails
from visitt.planning.models import Visit

A = AuditEvent.Action


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_of_signed_minutes_has_the_signatures(world, en_client_for):
    minutes = signed_minutes(world, en_client_for)
    response = en_client_for(world.secretary).get(url("minutes_pdf", minutes.visit))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "referat-solbakken-sykehjem-2026-04-01-v1.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Solbakken sykehjem" in text and "Fall på toalettet" in text
    assert "Tone Toppleder" in text and "Kari Koordinator" in text
    assert "Øverste leder" in text or "Toppleder" in text or "Top leader" in text
    today = timezone.localdate()
    assert f"{today.day}.{today.month}.{today.year}" in text


def test_a_draft_has_no_pdf_and_old_versions_keep_theirs(world, en_client_for):
    visit = conducted_visit(world)
    secretary = en_client_for(world.secretary)
    start(secretary, visit)
    assert secretary.get(url("minutes_pdf", visit)).status_code == 404
    minutes = signed_minutes(world, en_client_for, visit)
    secretary.post(
        url("minutes_new_version", visit),
        {"new-reason": "Rettelse", "new-version": minutes.version},
    )
    assert secretary.get(url("minutes_pdf", visit) + "?versjon=2").status_code == 404
    assert secretary.get(url("minutes_pdf", visit) + "?versjon=x").status_code == 404
    old = secretary.get(url("minutes_pdf", visit) + "?versjon=1")
    assert old.status_code == 200 and "Tone Toppleder" in pdf_text(old.content)


def test_the_minutes_are_sent_to_the_participants_exactly_once(
    world, en_client_for, enqueued, django_capture_on_commit_callbacks
):
    minutes = signed_minutes(world, en_client_for)
    visit = minutes.visit
    mail.outbox.clear()
    secretary = en_client_for(world.secretary)

    page = secretary.get(url("minutes", visit)).content.decode()
    assert "Send to the participants" in page
    assert "Ada Assistent" in page  # no e-mail: listed for a printed copy

    with django_capture_on_commit_callbacks(execute=True):
        assert secretary.post(url("minutes_send", visit)).status_code == 302
        assert secretary.post(url("minutes_send", visit)).status_code == 302

    # The request claims and records; the worker sends, once.
    assert mail.outbox == []
    version = minutes.versions.get()
    assert [(r.task.func, r.args) for r in enqueued] == [(send_minutes_emails.func, [version.pk])]
    assert send_minutes_emails.call(version.pk) == 4
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted(
        ["per@test.no", "borte@test.no", world.unit_leader.email, "kontakt@test.no"]
    )
    message = mail.outbox[0]
    assert "Solbakken sykehjem" in message.subject
    (name, content, mimetype) = message.attachments[0]
    assert name.endswith(".pdf") and mimetype == "application/pdf"
    assert "Kari Koordinator" in pdf_text(content)
    version.refresh_from_db()
    assert version.sent_at is not None
    assert AuditEvent.objects.filter(action=A.MINUTES_SENT).count() == 1
    assert "Sent to the participants" in secretary.get(url("minutes", visit)).content.decode()


def test_unsigned_minutes_are_not_sent(world, en_client_for):
    visit = conducted_visit(world)
    secretary = en_client_for(world.secretary)
    start(secretary, visit)
    mail.outbox.clear()
    secretary.post(url("minutes_send", visit))
    assert mail.outbox == []


def test_the_follow_up_visit_has_short_minutes_and_signing_closes_it(world, en_client_for):
    minutes = signed_minutes(world, en_client_for)
    parent = minutes.visit
    follow_up = Visit.objects.get(parent=parent)
    follow_up.mark_conducted(world.secretary)
    falls = parent.problems.get(number=1)
    FollowUpReview.objects.create(
        visit=follow_up,
        problem=falls,
        implemented=FollowUpReview.Implemented.YES,
        improved=FollowUpReview.Improved.PARTLY,
        comment="Færre fall på badet",
    )
    Action.objects.filter(problem=falls).update(status=Action.Status.DONE)
    secretary = en_client_for(world.secretary)
    short = start(secretary, follow_up)
    body = short.versions.get().body
    assert "Fall på toalettet" in body and "Færre fall på badet" in body
    with translation.override("nb"):
        for label in (
            FollowUpReview.Implemented.YES.label,
            FollowUpReview.Improved.PARTLY.label,
            Action.Status.DONE.label,
        ):
            assert str(label) in body

    review(secretary, short)
    sign_as(en_client_for(world.top_leader), short)
    sign_as(en_client_for(world.coordinator), short)
    short.refresh_from_db()
    follow_up.refresh_from_db()
    parent.refresh_from_db()
    assert short.status == Minutes.Status.SIGNED
    assert follow_up.status == Visit.Status.CLOSED
    assert parent.status == Visit.Status.FOLLOW_UP_DONE
    assert not Visit.objects.filter(parent=follow_up).exists()


def test_the_visit_list_shows_minutes_due_without_extra_queries(
    world, en_client_for, django_assert_max_num_queries
):
    today = timezone.localdate()
    for days in range(1, 11):
        visit = conducted_visit(world, day=today - timedelta(days=days))
        visit.contact_email = ""
        visit.save()
    top = en_client_for(world.top_leader)
    top.get(reverse("visit_list"))  # warm up (sessions, caches)
    with django_assert_max_num_queries(15):
        body = top.get(reverse("visit_list")).content.decode()
    assert "Minutes due" in body and "Minutes overdue" in body


def test_signed_minutes_are_not_due_in_the_list(world, en_client_for):
    day = timezone.localdate() - timedelta(days=2)
    minutes = signed_minutes(world, en_client_for, conducted_visit(world, day=day))
    assert minutes.visit.date == day
    body = en_client_for(world.top_leader).get(reverse("visit_list")).content.decode()
    assert "Minutes due" not in body and "Minutes overdue" not in body


def test_the_deadline_before_17_may_is_shown_on_the_minutes_page(world, en_client_for):
    visit = conducted_visit(world, day=date(2026, 5, 13))
    page = en_client_for(world.secretary).get(url("minutes", visit)).content.decode()
    assert "May 20, 2026" in page
