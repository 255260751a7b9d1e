import pytest
from django.conf import settings
from django.test import Client


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
