"""People in an organisation: the list, invitations, roles and deactivation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.messages import constants, get_messages
from django.utils import timezone

from tests.conftest import make_user
from visitt.audit.models import AuditEvent
from visitt.organisations import invitations
from visitt.organisations.models import Invitation, Membership, Role
from visitt.organisations.tasks import send_invitation

A = AuditEvent.Action
LIST = "/organisasjon/personer/"
INVITE = "/organisasjon/personer/inviter/"


@pytest.fixture
def admin(world, client_for):
    return client_for(world.admin)


def membership(user, org=None) -> Membership:
    return Membership.objects.get(user=user, **({"organisation": org} if org else {}))


def roles(user, org=None) -> list[str]:
    return sorted(membership(user, org).grants.values_list("role", flat=True))


def error_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level == constants.ERROR]


def invite(client, email="ny@test.no", role_codes=(Role.SECRETARY,), full_name="Nina Ny"):
    return client.post(INVITE, {"email": email, "full_name": full_name, "roles": list(role_codes)})


# --- The list -------------------------------------------------------------------------


def test_the_list_shows_the_organisations_people_and_open_invitations(world, admin):
    Invitation.objects.create(
        organisation=world.org,
        email="venter@test.no",
        roles=[Role.SECRETARY],
        invited_by=world.admin,
        expires_at=timezone.now() + timedelta(days=1),
    )
    Invitation.objects.create(
        organisation=world.org,
        email="utlopt@test.no",
        roles=[Role.SECRETARY],
        invited_by=world.admin,
        expires_at=timezone.now() - timedelta(days=1),
    )

    response = admin.get(LIST)

    assert response.status_code == 200
    page = response.content.decode()
    for user in (
        world.top_leader,
        world.coordinator,
        world.secretary,
        world.unit_leader,
        world.admin,
    ):
        assert user.email in page
    assert world.outsider.email not in page
    assert [i.email for i in response.context["invitations"]] == ["venter@test.no"]


def add_people(org, count: int, start: int = 0) -> None:
    for i in range(start, start + count):
        make_user(f"person{i}@test.no", org, Role.ACTION_OWNER, Role.UNIT_LEADER)
        Invitation.objects.create(
            organisation=org,
            email=f"invitert{i}@test.no",
            roles=[Role.SECRETARY],
            invited_by=org.memberships.first().user,
            expires_at=timezone.now() + timedelta(days=1),
        )


def test_the_list_runs_the_same_number_of_queries_for_few_and_many_people(
    world, admin, django_assert_max_num_queries
):
    counts = []
    for count in (3, 30):
        add_people(world.org, count, start=len(counts) * 100)
        with django_assert_max_num_queries(12) as queries:
            assert admin.get(LIST).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts


# --- Inviting -------------------------------------------------------------------------


def test_inviting_queues_the_email_and_the_task_sends_the_link(
    world, admin, enqueued, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(admin, "Nina.Ny@Test.no", (Role.SECRETARY, Role.ACTION_OWNER))

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.organisation, invitation.email, invitation.full_name) == (
        world.org,
        "nina.ny@test.no",
        "Nina Ny",
    )
    assert invitation.roles == [Role.ACTION_OWNER, Role.SECRETARY]
    assert invitation.invited_by == world.admin
    assert AuditEvent.objects.filter(action=A.INVITATION_SENT, organisation=world.org).exists()
    # The e-mail goes only when the task runs; the task gets the primary key, no address.
    assert mailoutbox == []
    assert [(r.task.func, r.args) for r in enqueued] == [(send_invitation.func, [invitation.pk])]

    send_invitation.call(invitation.pk)

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["nina.ny@test.no"]
    token = re.search(r"/invitasjon/([\w-]+)/", mail.body).group(1)
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    assert invitation.token_hash == invitations.hash_token(token)
    assert token not in invitation.token_hash
    assert f"/invitasjon/{token}/" in mail.alternatives[0][0]


def test_nothing_is_queued_when_the_invitation_is_not_saved(
    world, admin, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(admin, "ikke-en-adresse")
    assert response.status_code == 400
    assert enqueued == []
    assert not Invitation.objects.exists()


def test_the_task_sends_nothing_for_a_withdrawn_invitation(world, mailoutbox):
    invitation = Invitation.objects.create(
        organisation=world.org,
        email="trukket@test.no",
        roles=[Role.SECRETARY],
        invited_by=world.admin,
        expires_at=timezone.now() + timedelta(days=1),
        revoked_at=timezone.now(),
    )
    send_invitation.call(invitation.pk)
    assert mailoutbox == []


@pytest.mark.parametrize("email", ["koordinator@test.no", "Koordinator@TEST.no"])
def test_inviting_an_existing_member_gives_400(email, world, admin, enqueued):
    response = invite(admin, email)
    assert response.status_code == 400
    assert "email" in response.context["form"].errors
    assert not Invitation.objects.exists()
    assert enqueued == []


def test_inviting_an_address_that_is_already_invited_gives_400(
    world, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert invite(admin, "ny@test.no").status_code == 302
        response = invite(admin, "NY@test.no")
    assert response.status_code == 400
    assert Invitation.objects.count() == 1


def test_a_member_of_another_organisation_can_be_invited(world, admin):
    assert invite(admin, world.outsider.email).status_code == 302
    assert Invitation.objects.get().email == world.outsider.email


def test_an_invitation_needs_a_role(world, admin):
    assert invite(admin, role_codes=()).status_code == 400
    assert not Invitation.objects.exists()


def make_invitation(world, **fields) -> tuple[Invitation, str]:
    token, token_hash = invitations.new_token()
    data = {
        "organisation": world.org,
        "email": "ny@test.no",
        "roles": [Role.SECRETARY],
        "invited_by": world.admin,
        "expires_at": timezone.now() + timedelta(days=14),
        "token_hash": token_hash,
        **fields,
    }
    return Invitation.objects.create(**data), token


def test_sending_again_makes_a_new_link_and_retires_the_old(
    world, admin, mailoutbox, enqueued, django_capture_on_commit_callbacks
):
    invitation, old_token = make_invitation(world, expires_at=timezone.now() + timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"/organisasjon/invitasjoner/{invitation.pk}/send-igjen/")
    assert response.status_code == 302
    assert len(enqueued) == 1
    send_invitation.call(invitation.pk)

    invitation.refresh_from_db()
    assert invitation.expires_at > timezone.now() + timedelta(days=13)
    new_token = re.search(r"/invitasjon/([\w-]+)/", mailoutbox[0].body).group(1)
    assert new_token != old_token
    assert admin.get(f"/invitasjon/{old_token}/").status_code == 404


def test_withdrawing_an_invitation_makes_the_link_invalid(world, admin, client):
    invitation, token = make_invitation(world)

    response = admin.post(f"/organisasjon/invitasjoner/{invitation.pk}/trekk-tilbake/")

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert AuditEvent.objects.filter(action=A.INVITATION_REVOKED).exists()
    assert client.get(f"/invitasjon/{token}/").status_code == 404


def test_an_accepted_invitation_cannot_be_withdrawn_or_sent_again(world, admin):
    invitation, _token = make_invitation(world, accepted_at=timezone.now())
    assert (
        admin.post(f"/organisasjon/invitasjoner/{invitation.pk}/trekk-tilbake/").status_code == 404
    )
    assert admin.post(f"/organisasjon/invitasjoner/{invitation.pk}/send-igjen/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


# --- Roles ----------------------------------------------------------------------------


def edit(client, user, role_codes, title="", org=None):
    return client.post(
        f"/organisasjon/personer/{membership(user, org).pk}/",
        {"roles": list(role_codes), "title": title},
    )


def test_the_roles_page_shows_the_persons_roles(world, admin):
    response = admin.get(f"/organisasjon/personer/{membership(world.coordinator).pk}/")
    assert response.status_code == 200
    assert response.context["form"].initial["roles"] == [Role.COORDINATOR]


def test_editing_roles_saves_them_and_writes_person_roles_changed(world, admin):
    response = edit(admin, world.coordinator, [Role.SECRETARY, Role.ACTION_OWNER], "Rådgiver")

    assert response.status_code == 302
    assert roles(world.coordinator) == [Role.ACTION_OWNER, Role.SECRETARY]
    assert membership(world.coordinator).title == "Rådgiver"
    event = AuditEvent.objects.get(action=A.ROLES_CHANGED)
    assert event.organisation == world.org
    assert event.object_id == str(membership(world.coordinator).pk)
    assert event.data == {
        "added": [Role.ACTION_OWNER, Role.SECRETARY],
        "removed": [Role.COORDINATOR],
    }


def test_an_unknown_role_is_refused(world, admin):
    assert edit(admin, world.coordinator, ["emperor"]).status_code == 400
    assert roles(world.coordinator) == [Role.COORDINATOR]


def test_removing_the_last_admin_role_is_refused_with_400(world, admin):
    response = edit(admin, world.admin, [Role.TOP_LEADER])

    assert response.status_code == 400
    assert "roles" in response.context["form"].errors
    assert roles(world.admin) == [Role.ADMIN]
    assert not AuditEvent.objects.filter(action=A.ROLES_CHANGED).exists()


def test_a_deactivated_admin_does_not_count_as_another_admin(world, admin):
    other = make_user("admin2@test.no", world.org, Role.ADMIN)
    membership(other).deactivate()

    assert edit(admin, world.admin, [Role.TOP_LEADER]).status_code == 400
    assert roles(world.admin) == [Role.ADMIN]


def test_the_admin_role_can_be_removed_when_another_admin_remains(world, admin):
    make_user("admin2@test.no", world.org, Role.ADMIN)
    assert edit(admin, world.admin, [Role.TOP_LEADER]).status_code == 302
    assert roles(world.admin) == [Role.TOP_LEADER]


# --- Deactivate and reactivate --------------------------------------------------------


def test_deactivating_a_person_takes_away_their_access(world, admin, client_for):
    coordinator = client_for(world.coordinator)
    assert coordinator.get("/").status_code == 200

    response = admin.post(f"/organisasjon/personer/{membership(world.coordinator).pk}/deaktiver/")

    assert response.status_code == 302
    m = membership(world.coordinator)
    assert m.is_active is False and m.deactivated_at is not None
    assert roles(world.coordinator) == [Role.COORDINATOR]  # kept for a later reactivation
    assert AuditEvent.objects.filter(action=A.MEMBERSHIP_DEACTIVATED).exists()
    assert coordinator.get("/").status_code == 403


def test_deactivating_yourself_is_refused(world, admin):
    response = admin.post(f"/organisasjon/personer/{membership(world.admin).pk}/deaktiver/")

    assert error_messages(response)
    assert membership(world.admin).is_active is True
    assert not AuditEvent.objects.filter(action=A.MEMBERSHIP_DEACTIVATED).exists()


def test_an_admin_can_deactivate_another_admin(world, admin):
    other = make_user("admin2@test.no", world.org, Role.ADMIN)
    admin.post(f"/organisasjon/personer/{membership(other).pk}/deaktiver/")
    assert membership(other).is_active is False


def test_reactivating_gives_access_back(world, admin, client_for):
    membership(world.coordinator).deactivate()

    response = admin.post(f"/organisasjon/personer/{membership(world.coordinator).pk}/aktiver/")

    assert response.status_code == 302
    assert membership(world.coordinator).is_active is True
    assert AuditEvent.objects.filter(action=A.MEMBERSHIP_REACTIVATED).exists()
    assert client_for(world.coordinator).get("/").status_code == 200
