from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from visitt.planning.models import Visit


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def english_client() -> Client:
    """An anonymous client (e.g. a contact person with a link) reading English."""
    return _english(Client())


@pytest.fixture
def client_for(db):
    """Signed-in clients that read the interface in English.

    Page tests here assert on English interface text (the msgids), so that they do not
    change with the wording of the nb and nn catalogues.
    """

    def make(user) -> Client:
        client = _english(Client())
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


@pytest.fixture
def client(client):
    return _english(client)


def make_visit(world, *, in_days: int = 0, leader=None) -> Visit:
    """A visit to world.unit with the usual team: the coordinator leads unless told
    otherwise, the secretary writes, the unit leader observes."""
    return Visit.objects.create(
        organisation=world.org,
        unit=world.unit,
        date=timezone.localdate() + timedelta(days=in_days),
        visit_leader=leader or world.coordinator,
        coordinator=world.coordinator,
        secretary=world.secretary,
        unit_leader=world.unit_leader,
        created_by=world.coordinator,
    )


@pytest.fixture
def visit(world) -> Visit:
    """Today's visit, the day of the walkround."""
    return make_visit(world)
