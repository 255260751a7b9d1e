from django.utils import timezone

from tests.conftest import PASSWORD, make_user
from visitt.organisations.models import Membership, Role


def test_a_new_session_starts_in_the_organisation_last_chosen(client, world):
    person = make_user("begge@test.no", world.other_org, Role.COORDINATOR)
    Membership.objects.create(user=person, organisation=world.org).set_roles([Role.COORDINATOR])

    client.post("/konto/login/", {"login": person.email, "password": PASSWORD})
    client.post("/bytt-organisasjon/", {"organisation": world.org.pk})
    client.post("/konto/logout/")

    client.post("/konto/login/", {"login": person.email, "password": PASSWORD})
    response = client.get("/")
    assert response.context["current_organisation"] == world.org
    assert (
        Membership.objects.get(user=person, organisation=world.org).last_used_at <= timezone.now()
    )


def test_without_a_choice_the_first_organisation_by_name_is_used(client, world):
    person = make_user("begge2@test.no", world.other_org, Role.COORDINATOR)
    Membership.objects.create(user=person, organisation=world.org).set_roles([Role.COORDINATOR])

    client.post("/konto/login/", {"login": person.email, "password": PASSWORD})
    assert client.get("/").context["current_organisation"] == world.other_org  # "Annen kommune"
