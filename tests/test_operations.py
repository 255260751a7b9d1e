from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from visitt.organisations.models import Invitation, Organisation, Role


def test_create_organisation_creates_it_and_emails_the_first_administrator(db):
    call_command(
        "create_organisation",
        name="Eksempel kommune",
        organisation_number="964 000 018",
        admin_email="IT@eksempel.no",
        stdout=StringIO(),
    )
    org = Organisation.objects.get()
    assert org.organisation_number == "964000018"
    invitation = Invitation.objects.get(organisation=org)
    assert invitation.email == "it@eksempel.no"
    assert set(invitation.roles) == {Role.ADMIN, Role.TOP_LEADER}
    assert len(mail.outbox) == 1
    assert "/invitasjon/" in mail.outbox[0].body


def test_create_organisation_refuses_a_wrong_organisation_number(db):
    with pytest.raises(CommandError):
        call_command(
            "create_organisation",
            name="Feil kommune",
            organisation_number="123456789",
            admin_email="it@feil.no",
            stdout=StringIO(),
        )
    assert not Organisation.objects.exists()
    assert len(mail.outbox) == 0
