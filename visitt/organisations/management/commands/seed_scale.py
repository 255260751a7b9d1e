import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from visitt.core.management.today import add_today_argument, today_option
from visitt.organisations.scale import scale_data_exists, seed_scale, top_leader_email


class Command(BaseCommand):
    help = "Create national-scale synthetic data for benchmarks (never in production)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--organisations", type=int, default=10)
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--password", default="scale-visitt-2026")
        add_today_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        count = int(options["organisations"])
        years = int(options["years"])
        if count < 1 or years < 1:
            raise CommandError(_("--organisations and --years must be at least 1."))
        # Not idempotent: refuse rather than mix two generations of scale data.
        if scale_data_exists(count):
            raise CommandError(
                _("Scale data already exists in this database; use a fresh database.")
            )
        started = time.monotonic()
        summary = seed_scale(
            count,
            years,
            int(options["seed"]),
            str(options["password"]),
            today_option(options) or timezone.localdate(),
        )
        self.stdout.write(top_leader_email(1))
        if count > 1:
            self.stdout.write(
                f"... and {count - 1} more top leaders (toppleder@org-NNNN.scale.visitt.no)"
            )
        for label, rows in sorted(summary.rows.items()):
            self.stdout.write(f"  {label:28} {rows}")
        self.stdout.write(
            f"{summary.organisations} organisations in {time.monotonic() - started:.1f} s"
        )
