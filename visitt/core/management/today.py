"""The ``--today`` option of the daily commands (send_reminders, send_followup_notices):
act as if today were another date, e.g. to catch up after downtime."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import CommandError


def add_today_argument(parser: Any) -> None:
    parser.add_argument(
        "--today",
        help="Act as if today were this date (YYYY-MM-DD), e.g. to catch up after downtime.",
    )


def today_option(options: dict[str, Any]) -> date | None:
    """The date given with ``--today``, or None for the real today."""
    if not options["today"]:
        return None
    try:
        return date.fromisoformat(options["today"])
    except ValueError as error:
        raise CommandError("--today must be a date written YYYY-MM-DD.") from error
