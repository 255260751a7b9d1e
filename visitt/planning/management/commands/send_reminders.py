"""Sends the reminders one week before that are due. Run it once a day (cron, a systemd
timer or a scheduler); it is idempotent, so running it again, or on several machines at
once, sends nothing twice. The e-mails themselves go out through the task worker."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from visitt.core.emails import requeue_abandoned_tasks
from visitt.core.management.today import add_today_argument, today_option
from visitt.planning.reminders import send_due_reminders

# A task running this long has lost its worker: the e-mail tasks take seconds.
DEFAULT_REQUEUE_MINUTES = 30


def add_requeue_argument(parser) -> None:
    parser.add_argument(
        "--requeue-tasks-after",
        type=int,
        default=DEFAULT_REQUEUE_MINUTES,
        metavar="MINUTES",
        help=(
            "Put back in the queue the tasks marked running for longer than this: their "
            "worker died. Sending them again skips what was already sent "
            f"(default {DEFAULT_REQUEUE_MINUTES})."
        ),
    )


def requeue_abandoned(command: BaseCommand, options: dict) -> None:
    """Shared by the daily commands, so that a worker killed mid-task is recovered by
    the next daily (or hourly) run on any node."""
    minutes = options["requeue_tasks_after"]
    if minutes < 0:
        raise CommandError("--requeue-tasks-after must be 0 or more minutes.")
    requeued = requeue_abandoned_tasks(timedelta(minutes=minutes))
    if requeued and options["verbosity"] >= 1:
        command.stdout.write(f"Put {requeued} abandoned task(s) back in the queue.")


class Command(BaseCommand):
    help = "Queue the reminders one week before each visit that are due (run daily)."

    def add_arguments(self, parser) -> None:
        add_today_argument(parser)
        add_requeue_argument(parser)

    def handle(self, *args, **options) -> None:
        requeue_abandoned(self, options)
        claimed = send_due_reminders(today_option(options))
        if options["verbosity"] >= 1:
            self.stdout.write(f"Queued {len(claimed)} reminder(s).")
