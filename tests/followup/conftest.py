import pytest
from django.test import Client

from tests.walkround.conftest import english_client


@pytest.fixture
def en_client_for(db):
    """Signed-in clients that read the interface in English.

    Page tests here assert on English interface text (the msgids), so that they do not
    change with the wording of the nb and nn catalogues. (The plain ``client_for`` of
    tests/conftest.py reads the default language, Bokmål.)
    """

    def make(user) -> Client:
        client = english_client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make
