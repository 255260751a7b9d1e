"""Named personas, built once per test (STYLE.md): a top leader, a coordinator, a
secretary, a unit leader and an admin of "Testkommune", and an outsider who is admin
of another municipality."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.tasks import default_task_backend
from django.test import Client
from django.utils import translation

from visitt.accounts.models import User
from visitt.organisations.models import Membership, Organisation, Role, Unit

PASSWORD = "Visitt-test-passord-1"


@pytest.fixture(autouse=True)
def _language_of_the_settings():
    """Each test starts in the default language (Bokmål). A request through the test
    client activates the requester's language in the thread and leaves it there, so
    without this a test would see whatever language the test before it ran in."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _session_saved_on_every_request(monkeypatch):
    """Production saves a session in use at most once a minute; here every request saves
    it, so that a page's query count does not depend on how long ago the test signed in
    (tests/accounts/test_session.py tests the minute)."""
    monkeypatch.setattr("visitt.accounts.sessions.REFRESH_SECONDS", 0)


@dataclass
class World:
    org: Organisation
    other_org: Organisation
    top_leader: User
    coordinator: User
    secretary: User
    unit_leader: User
    admin: User
    outsider: User
    unit: Unit
    ward: Unit
    other_unit: Unit


def make_user(email: str, org: Organisation | None = None, *roles: str, name: str = "") -> User:
    user = User.objects.create_user(email, PASSWORD, full_name=name or email.split("@")[0].title())
    if org is not None:
        membership = Membership.objects.create(user=user, organisation=org)
        membership.set_roles(roles)
    return user


@pytest.fixture
def world(db) -> World:
    org = Organisation.objects.create(
        name="Testkommune",
        organisation_number="964000018",
        two_factor_policy=Organisation.TwoFactorPolicy.OPTIONAL,
    )
    other = Organisation.objects.create(
        name="Annen kommune",
        organisation_number="983000002",
        language=Organisation.LanguageForm.NYNORSK,
        two_factor_policy=Organisation.TwoFactorPolicy.OPTIONAL,
    )
    unit = Unit.objects.create(
        organisation=org, name="Solbakken sykehjem", kind=Unit.Kind.NURSING_HOME, code="SOL"
    )
    ward = Unit.objects.create(
        organisation=org, name="Avdeling 1", kind=Unit.Kind.WARD, parent=unit
    )
    other_unit = Unit.objects.create(organisation=other, name="Hemmeleg eining", code="HEM")
    return World(
        org=org,
        other_org=other,
        top_leader=make_user("toppleder@test.no", org, Role.TOP_LEADER, name="Tone Toppleder"),
        coordinator=make_user(
            "koordinator@test.no", org, Role.COORDINATOR, name="Kari Koordinator"
        ),
        secretary=make_user("sekretaer@test.no", org, Role.SECRETARY, name="Siri Sekretær"),
        unit_leader=make_user("enhetsleder@test.no", org, Role.UNIT_LEADER, name="Eva Enhetsleder"),
        admin=make_user("admin@test.no", org, Role.ADMIN, name="Anne Admin"),
        outsider=make_user(
            "admin@annen.no", other, Role.ADMIN, Role.TOP_LEADER, name="Olav Utenfor"
        ),
        unit=unit,
        ward=ward,
        other_unit=other_unit,
    )


@pytest.fixture
def client_for(db):
    """client_for(user) gives a test client signed in as that user."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


@pytest.fixture
def enqueued():
    """The tasks enqueued during the test (test settings use Django's DummyBackend)."""
    default_task_backend.clear()
    yield default_task_backend.results
    default_task_backend.clear()
