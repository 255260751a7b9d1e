"""Two leaders (or a double click) sending the same feedback at the same moment store it
once and queue one e-mail task. Needs real row locks between connections, so it runs on
PostgreSQL (DATABASE_URL=postgres://...) and is skipped on SQLite."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.tasks.signals import task_enqueued
from django.test import Client
from django.urls import reverse

from tests.followup.support_feedback import make_cycle
from tests.planning.test_letters_concurrency import at_once
from visitt.followup.feedback import Feedback

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="concurrent claims need PostgreSQL (set DATABASE_URL)",
)


def test_two_sends_at_the_same_moment_store_one_feedback_and_queue_one_task(
    world, transactional_db
):
    cycle = make_cycle(world)
    queued: list[list] = []

    def on_enqueued(sender, task_result, **kwargs):
        queued.append(task_result.args)

    def send():
        client = Client()
        client.force_login(world.coordinator, backend="django.contrib.auth.backends.ModelBackend")
        return client.post(
            reverse("action_feedback", args=[cycle.done.pk]),
            {"message": "Tiltaket er gjennomført.", "about_status": "done"},
        ).status_code

    task_enqueued.connect(on_enqueued)
    try:
        results, errors = at_once(send)
    finally:
        task_enqueued.disconnect(on_enqueued)

    assert errors == []
    assert results == [302, 302]
    assert Feedback.objects.filter(action=cycle.done).count() == 1
    assert queued == [[Feedback.objects.get().pk]]
