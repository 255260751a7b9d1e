"""The page where each person chooses a daily digest of the follow-up notices."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from tests.conftest import make_user
from visitt.audit.models import AuditEvent

URL = "/konto/varsler/"


def test_the_page_has_its_address(db):
    assert reverse("notification_settings") == URL


def test_sign_in_is_required(db):
    response = Client().get(URL)

    assert response.status_code == 302 and "/konto/login/" in response["Location"]


def test_someone_without_an_active_membership_is_refused(world, client_for):
    lonely = make_user("ingen@test.no")

    assert client_for(lonely).get(URL).status_code == 403
    assert client_for(lonely).post(URL, {"daily_digest": "on"}).status_code == 403
    lonely.refresh_from_db()
    assert lonely.daily_digest is False


def test_the_page_shows_the_choice_with_norwegian_labels(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.secretary)

    with django_assert_max_num_queries(12):
        response = client.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="nb"' in page
    with translation.override("nb"):
        label = capfirst(gettext("gather notices in one e-mail a day"))
        heading = gettext("Notices by e-mail")
    assert label in page and heading in page
    assert 'type="checkbox" name="daily_digest"' in page
    assert 'for="id_daily_digest"' in page


def test_saving_the_choice_changes_only_ones_own_setting_and_is_audited(world, client_for):
    client = client_for(world.secretary)

    response = client.post(URL, {"daily_digest": "on"})

    assert response.status_code == 302 and response["Location"] == URL
    world.secretary.refresh_from_db()
    world.coordinator.refresh_from_db()
    assert world.secretary.daily_digest is True
    assert world.coordinator.daily_digest is False
    event = AuditEvent.objects.get(action=AuditEvent.Action.NOTIFICATION_SETTINGS_CHANGED)
    assert event.actor == world.secretary and event.organisation == world.org
    assert event.data == {"daily_digest": True}

    client.post(URL, {})  # unticked
    world.secretary.refresh_from_db()
    assert world.secretary.daily_digest is False
    assert (
        AuditEvent.objects.filter(action=AuditEvent.Action.NOTIFICATION_SETTINGS_CHANGED).count()
        == 2
    )


def test_saving_without_a_change_records_nothing(world, client_for):
    client_for(world.secretary).post(URL, {})

    assert not AuditEvent.objects.filter(
        action=AuditEvent.Action.NOTIFICATION_SETTINGS_CHANGED
    ).exists()


def test_the_start_page_links_to_it(world, client_for):
    page = client_for(world.unit_leader).get(reverse("home")).content.decode()

    assert f'href="{URL}"' in page
