"""Creates an organisation and invites its first administrator (for operators)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from stdnum.no import orgnr

from visitt.organisations.models import INVITATION_VALIDITY, Invitation, Organisation, Role
from visitt.organisations.tasks import send_invitation


class Command(BaseCommand):
    help = "Create an organisation and e-mail an invitation to its first administrator."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--organisation-number", required=True)
        parser.add_argument("--language", choices=["nb", "nn"], default="nb")
        parser.add_argument("--kind", choices=Organisation.Kind.values, default="municipality")
        parser.add_argument("--admin-email", required=True)

    def handle(self, *args, **options) -> None:
        from visitt.accounts.models import User

        org = Organisation(
            name=options["name"],
            organisation_number=orgnr.compact(options["organisation_number"]),
            language=options["language"],
            kind=options["kind"],
        )
        try:
            org.full_clean()
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        operator, _ = User.objects.get_or_create(
            email="system@visitt.invalid", defaults={"is_active": False, "full_name": "Visitt"}
        )
        with transaction.atomic():
            org.save()
            invitation = Invitation.objects.create(
                organisation=org,
                email=options["admin_email"].lower(),
                roles=[Role.ADMIN, Role.TOP_LEADER],
                invited_by=operator,
                expires_at=timezone.now() + INVITATION_VALIDITY,
            )
        send_invitation.call(invitation.pk)
        self.stdout.write(f"Created {org} and e-mailed an invitation to {invitation.email}.")
