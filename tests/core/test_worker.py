"""The real background path: a task queued in the database is run by `db_worker`."""

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from visitt.organisations.models import INVITATION_VALIDITY, Invitation


def test_the_database_worker_sends_a_queued_invitation(world, settings, transactional_db):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    from visitt.organisations.tasks import send_invitation

    invitation = Invitation.objects.create(
        organisation=world.org,
        email="ny@test.no",
        roles=["secretary"],
        invited_by=world.admin,
        expires_at=timezone.now() + INVITATION_VALIDITY,
    )
    result = send_invitation.enqueue(invitation.pk)
    assert len(mail.outbox) == 0  # only queued

    call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0)

    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ny@test.no"]
    invitation.refresh_from_db()
    assert invitation.sent_at is not None and invitation.token_hash
