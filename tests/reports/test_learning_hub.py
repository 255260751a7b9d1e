"""The learning hub (/analyse/): one menu item, "Læring", leads to every learning page
the user's role may open, and to none it may not."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import make_user
from visitt.organisations.models import Role
from visitt.reports.views_learning import is_learning_page

HUB = "/analyse/"

LEADERSHIP = {"themes", "key-figures", "agenda", "annual", "library"}
EXPECTED = {
    "top_leader": LEADERSHIP | {"surveys"},
    "coordinator": LEADERSHIP | {"surveys"},
    "secretary": LEADERSHIP,
    "medical_advisor": LEADERSHIP,
    "unit_leader": {"library", "surveys"},
    "action_owner": {"library"},
    "admin": {"library"},
}
EXTRA_ROLES = {"medical_advisor": Role.MEDICAL_ADVISOR, "action_owner": Role.ACTION_OWNER}


def person(world, role: str):
    if role in EXTRA_ROLES:
        return make_user(f"{role}@test.no", world.org, EXTRA_ROLES[role])
    return getattr(world, role)


def destinations(response) -> set[str]:
    return {
        part.split('"')[0] for part in response.content.decode().split('data-destination="')[1:]
    }


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_is_led_to_the_pages_it_may_open(world, client_for, role):
    client = client_for(person(world, role))
    response = client.get(HUB)
    assert response.status_code == 200
    assert destinations(response) == EXPECTED[role]
    # Every destination answers for this role.
    links = [
        part.split('"')[0]
        for part in response.content.decode().split(
            '<h2 class="ds-heading" data-size="sm"><a class="ds-link" href="'
        )[1:]
    ]
    assert len(links) == len(EXPECTED[role])
    for link in links:
        assert client.get(link).status_code == 200, link


def test_the_menu_item_is_current_on_the_pages_below_it(world, client_for):
    client = client_for(world.top_leader)
    for url in (HUB, reverse("key_figures"), reverse("library"), reverse("pulse_surveys")):
        assert b'href="/analyse/" aria-current="page"' in client.get(url).content, url
    assert b'href="/analyse/" aria-current="page"' not in client.get("/").content


def test_which_pages_are_learning_pages():
    assert is_learning_page("learning")
    assert is_learning_page("annual_summary_pdf")
    assert is_learning_page("pulse_survey_poster")
    assert not is_learning_page("pulse_answer")  # the public survey page has no menu
    assert not is_learning_page("my_actions")
    assert not is_learning_page(None)


def test_the_hub_runs_no_query_beyond_the_session(world, client_for, django_assert_max_num_queries):
    client = client_for(world.top_leader)
    client.get(HUB)
    with django_assert_max_num_queries(8):
        assert client.get(HUB).status_code == 200


def test_anonymous_is_sent_to_sign_in(db, client):
    assert client.get(HUB).status_code == 302


def test_someone_without_an_organisation_is_refused(world, client_for):
    assert client_for(make_user("ingen@test.no")).get(HUB).status_code == 403
