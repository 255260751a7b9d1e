"""Sends the follow-up notices that are due: minutes due tomorrow and overdue, actions due
in seven days and overdue, escalation to the top leaders, feedback owed. Run it once a
day (cron, a systemd timer or a scheduler); it is idempotent, so running it again, or on
several machines at once, sends nothing twice. See visitt/followup/notify.py."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from visitt.core.management.today import add_today_argument, today_option
from visitt.followup.notify import send_followup_notices
from visitt.planning.management.commands.send_reminders import (
    add_requeue_argument,
    requeue_abandoned,
)


class Command(BaseCommand):
    help = "Send the follow-up notices and daily digests that are due (run daily)."

    def add_arguments(self, parser) -> None:
        add_today_argument(parser)
        add_requeue_argument(parser)

    def handle(self, *args, **options) -> None:
        requeue_abandoned(self, options)
        result = send_followup_notices(today_option(options))
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Recorded {len(result.created)} notice(s); sent {result.sent} e-mail(s) and "
                f"{result.digests} digest(s); {result.failed} failed."
            )
        if result.failed:
            raise CommandError(
                f"{result.failed} e-mail(s) could not be sent; the next run retries."
            )
