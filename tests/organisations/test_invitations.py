"""Accepting an invitation link: a new account, an existing account, and dead links."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.utils import timezone

from tests.conftest import PASSWORD
from visitt.accounts.models import User
from visitt.audit.models import AuditEvent
from visitt.organisations import invitations
from visitt.organisations.middleware import SESSION_KEY
from visitt.organisations.models import Invitation, Membership, Role

NEW_PASSWORD = "Fjellheim-sykehjem-2026"


@pytest.fixture
def make_invitation(world):
    def make(email="ny@test.no", org=None, **fields) -> tuple[Invitation, str]:
        token, token_hash = invitations.new_token()
        data = {
            "organisation": org or world.org,
            "email": email,
            "full_name": "Nina Ny",
            "roles": [Role.SECRETARY, Role.ACTION_OWNER],
            "invited_by": world.admin,
            "expires_at": timezone.now() + timedelta(days=14),
            "token_hash": token_hash,
        }
        invitation = Invitation.objects.create(**{**data, **fields})
        return invitation, f"/invitasjon/{token}/"

    return make


def sign_up(client, url, password=NEW_PASSWORD, repeat=None, name="Nina Ny"):
    return client.post(
        url, {"full_name": name, "password1": password, "password2": repeat or password}
    )


def counts() -> tuple[int, int]:
    return User.objects.count(), Membership.objects.count()


# --- A new account --------------------------------------------------------------------


def test_the_link_shows_the_form_for_a_new_account(world, client, make_invitation):
    _invitation, url = make_invitation()
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["form"].initial["full_name"] == "Nina Ny"


def test_accepting_with_a_new_account_creates_user_and_membership_and_signs_in(
    world, client, make_invitation
):
    invitation, url = make_invitation()

    response = sign_up(client, url, name="Nina Nyberg")

    assert response.status_code == 302
    user = User.objects.get(email="ny@test.no")
    assert user.full_name == "Nina Nyberg"
    assert user.check_password(NEW_PASSWORD)
    membership = Membership.objects.get(user=user)
    assert membership.organisation == world.org
    assert membership.role_codes == [Role.SECRETARY, Role.ACTION_OWNER]
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert client.session[AUTH_SESSION_KEY] == str(user.pk)
    assert client.session[SESSION_KEY] == world.org.pk
    assert client.get("/").status_code == 200
    joined = AuditEvent.objects.get(action=AuditEvent.Action.INVITATION_ACCEPTED)
    assert (joined.organisation, joined.actor) == (world.org, user)


def test_the_new_account_speaks_the_organisations_language_form(world, client, make_invitation):
    _invitation, url = make_invitation(org=world.other_org)
    sign_up(client, url)
    assert User.objects.get(email="ny@test.no").language == "nn"


@pytest.mark.parametrize(
    "password,repeat", [("kort", None), ("12345678901234", None), (NEW_PASSWORD, "Noe-annet-2026")]
)
def test_a_weak_or_mismatched_password_gives_400_and_creates_nothing(
    password, repeat, world, client, make_invitation
):
    invitation, url = make_invitation()
    before = counts()

    response = sign_up(client, url, password, repeat)

    assert response.status_code == 400
    assert counts() == before
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert AUTH_SESSION_KEY not in client.session


def test_a_used_invitation_gives_410(world, client, make_invitation):
    _invitation, url = make_invitation()
    sign_up(client, url)
    before = counts()

    other_browser = client.__class__()
    assert other_browser.get(url).status_code == 410
    assert sign_up(other_browser, url, name="Noen andre").status_code == 410
    assert counts() == before


def test_an_expired_invitation_gives_410_and_creates_nothing(world, client, make_invitation):
    _invitation, url = make_invitation(expires_at=timezone.now() - timedelta(minutes=1))
    before = counts()

    assert client.get(url).status_code == 410
    assert sign_up(client, url).status_code == 410
    assert counts() == before
    assert not User.objects.filter(email="ny@test.no").exists()


def test_a_withdrawn_invitation_gives_404(world, client, make_invitation):
    _invitation, url = make_invitation(revoked_at=timezone.now())
    before = counts()
    assert client.get(url).status_code == 404
    assert sign_up(client, url).status_code == 404
    assert counts() == before


@pytest.mark.parametrize("token", ["ukjent", "x" * 43, ""])
def test_an_unknown_link_gives_404(token, world, client, make_invitation):
    make_invitation(token_hash="")  # never sent: no token matches an empty hash
    url = f"/invitasjon/{token}/" if token else "/invitasjon/%20/"
    assert client.get(url).status_code == 404


# --- An existing account --------------------------------------------------------------


def test_an_existing_user_must_sign_in_first(world, client, make_invitation):
    _invitation, url = make_invitation(email=world.outsider.email)
    before = counts()

    response = client.get(url)
    assert response.status_code == 200
    assert "organisations/invitation_sign_in.html" in [t.name for t in response.templates]
    assert client.post(url).status_code == 200
    assert sign_up(client, url).status_code == 200
    assert counts() == before
    assert not Membership.objects.filter(user=world.outsider, organisation=world.org).exists()


def test_someone_else_signed_in_is_asked_to_sign_in_as_the_invited_person(
    world, client_for, make_invitation
):
    _invitation, url = make_invitation(email=world.outsider.email)
    client = client_for(world.coordinator)
    assert "organisations/invitation_sign_in.html" in [t.name for t in client.get(url).templates]
    client.post(url)
    assert not Membership.objects.filter(user=world.outsider, organisation=world.org).exists()
    assert Membership.objects.filter(user=world.coordinator).count() == 1


def test_an_existing_user_joins_after_signing_in(world, client, make_invitation):
    invitation, url = make_invitation(email=world.outsider.email)
    assert client.login(email=world.outsider.email, password=PASSWORD)

    assert client.get(url).status_code == 200
    response = client.post(url)

    assert response.status_code == 302
    membership = Membership.objects.get(user=world.outsider, organisation=world.org)
    assert membership.role_codes == [Role.SECRETARY, Role.ACTION_OWNER]
    assert client.session[SESSION_KEY] == world.org.pk
    # Still a member of their own organisation, with the same roles.
    own = Membership.objects.get(user=world.outsider, organisation=world.other_org)
    assert own.role_codes == [Role.TOP_LEADER, Role.ADMIN]
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert client.get(url).status_code == 410


# --- Used once, even at the same moment -----------------------------------------------


def test_an_invitation_accepted_at_the_same_moment_creates_no_second_account(
    world, client, make_invitation
):
    # The page was read before another browser accepted it (a double submit).
    invitation, url = make_invitation()
    stale = Invitation.objects.get(pk=invitation.pk)
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    before = counts()

    with mock.patch.object(invitations, "find_invitation", return_value=stale):
        response = sign_up(client, url)

    assert response.status_code == 410
    assert counts() == before
    assert AUTH_SESSION_KEY not in client.session


def test_an_invitation_withdrawn_while_joining_does_not_join(world, client, make_invitation):
    invitation, url = make_invitation(email=world.outsider.email)
    assert client.login(email=world.outsider.email, password=PASSWORD)
    stale = Invitation.objects.get(pk=invitation.pk)
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())

    with mock.patch.object(invitations, "find_invitation", return_value=stale):
        response = client.post(url)

    assert response.status_code == 410
    assert not Membership.objects.filter(user=world.outsider, organisation=world.org).exists()


def test_accepting_twice_is_refused(world, make_invitation):
    invitation, _url = make_invitation(email=world.outsider.email)
    invitations.accept(None, invitation, world.outsider)
    with pytest.raises(invitations.InvitationNotPending):
        invitations.accept(None, invitation, world.outsider)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.INVITATION_ACCEPTED).count() == 1
