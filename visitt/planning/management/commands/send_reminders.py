"""Sends the reminders one week before that are due. Run it once a day (cron, a systemd
timer or a scheduler); it is idempotent, so running it again, or on several machines at
once, sends nothing twice. The e-mails themselves go out through the task worker."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from visitt.core.management.today import add_today_argument, today_option
from visitt.planning.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Queue the reminders one week before each visit that are due (run daily)."

    def add_arguments(self, parser) -> None:
        add_today_argument(parser)

    def handle(self, *args, **options) -> None:
        claimed = send_due_reminders(today_option(options))
        if options["verbosity"] >= 1:
            self.stdout.write(f"Queued {len(claimed)} reminder(s).")
