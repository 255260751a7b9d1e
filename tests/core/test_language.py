from datetime import date

from django.template import Context, Template
from django.utils import translation

from tests.conftest import PASSWORD


def render_date(language: str) -> str:
    with translation.override(language):
        return Template('{{ day|date:"DATE_FORMAT" }}').render(Context({"day": date(2026, 11, 23)}))


def test_dates_are_written_the_norwegian_way():
    assert render_date("nb") == "23. november 2026"
    assert render_date("nn") == "23. november 2026"


def test_the_interface_is_bokmaal_even_when_the_browser_asks_for_english(client, db):
    response = client.get("/konto/login/", headers={"accept-language": "en-US,en;q=0.9"})
    assert response.headers["Content-Language"] == "nb"
    assert '<html lang="nb"' in response.text


def test_a_member_of_a_nynorsk_organisation_gets_nynorsk_after_signing_in(client, world):
    client.post("/konto/login/", {"login": world.outsider.email, "password": PASSWORD})
    response = client.get("/")
    assert response.headers["Content-Language"] == "nn"


def test_choosing_a_language_is_remembered_for_the_person(client_for, world):
    client = client_for(world.coordinator)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    world.coordinator.refresh_from_db()
    assert world.coordinator.language == "en"
    assert client.get("/").headers["Content-Language"] == "en"


def test_an_unknown_language_is_refused_and_nothing_is_stored(client_for, world):
    client = client_for(world.coordinator)
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    world.coordinator.refresh_from_db()
    assert world.coordinator.language == ""
