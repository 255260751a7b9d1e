"""Refreshes the query planner's statistics: daily with the other commands (see README)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from visitt.core.statistics import refresh_statistics


class Command(BaseCommand):
    help = "Refresh the database's query planner statistics (ANALYZE)."

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        refresh_statistics()
        self.stdout.write(
            _("Statistics refreshed in %(seconds).1f s.") % {"seconds": time.monotonic() - started}
        )
