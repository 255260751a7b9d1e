from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from visitt.core.management.today import add_today_argument, today_option
from visitt.organisations.demo import DEMO_PASSWORD, MUNICIPALITY_PEOPLE, seed_demo


class Command(BaseCommand):
    help = "Create or refresh the demo organisations and accounts (never in production)."

    def add_arguments(self, parser: object) -> None:
        add_today_argument(parser)

    def handle(self, *args: object, **options: object) -> None:
        try:
            seed_demo(today_option(options))
        except ImproperlyConfigured as error:
            # A clean message and exit status 1, not a traceback.
            raise CommandError(str(error)) from error
        self.stdout.write(f"Demo kommune is ready. Sign in with (password {DEMO_PASSWORD}):")
        for email, _name, _title, roles in MUNICIPALITY_PEOPLE:
            self.stdout.write(f"  {email:32} {', '.join(str(r.label) for r in roles)}")
