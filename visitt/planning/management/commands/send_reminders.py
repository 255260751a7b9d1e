"""Sends the reminders one week before that are due. Run it once a day (cron, a systemd
timer or a scheduler); it is idempotent, so running it again, or on several machines at
once, sends nothing twice. The e-mails themselves go out through the task worker."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from visitt.planning.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Queue the reminders one week before each visit that are due (run daily)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--today",
            help="Act as if today were this date (YYYY-MM-DD), e.g. to catch up after downtime.",
        )

    def handle(self, *args, **options) -> None:
        today = None
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError as error:
                raise CommandError("--today must be a date written YYYY-MM-DD.") from error
        claimed = send_due_reminders(today)
        if options["verbosity"] >= 1:
            self.stdout.write(f"Queued {len(claimed)} reminder(s).")
