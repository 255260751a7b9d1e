"""The organisation's own settings page (administrators only)."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from visitt.audit.models import AuditEvent
from visitt.organisations.models import Organisation

URL = "/organisasjon/"


def form_data(org: Organisation, **changes) -> dict:
    data = {
        "name": org.name,
        "organisation_number": org.organisation_number,
        "kind": org.kind,
        "language": org.language,
        "two_factor_policy": org.two_factor_policy,
        "escalate_after_days": org.escalate_after_days,
    }
    if org.minutes_show_names:
        data["minutes_show_names"] = "on"
    data.update(changes)
    return data


def png(size: tuple[int, int] = (8, 8), noise: bool = False) -> SimpleUploadedFile:
    image = (
        Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
        if noise
        else Image.new("RGB", size)
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def stored(org: Organisation) -> dict:
    return Organisation.objects.filter(pk=org.pk).values().get()


def test_admin_sees_the_settings_page(world, client_for):
    response = client_for(world.admin).get(URL)
    assert response.status_code == 200
    assert response.context["form"].instance == world.org


def test_valid_save_changes_the_organisation_and_writes_org_changed(world, client_for):
    response = client_for(world.admin).post(
        URL, form_data(world.org, name="Testkommune helse og omsorg", language="nn")
    )

    assert response.status_code == 302
    world.org.refresh_from_db()
    assert world.org.name == "Testkommune helse og omsorg"
    assert world.org.language == "nn"
    event = AuditEvent.objects.get(action=AuditEvent.Action.ORGANISATION_CHANGED)
    assert event.organisation == world.org
    assert event.actor == world.admin
    assert sorted(event.data["fields"]) == ["language", "name"]


def test_organisation_number_with_spaces_is_stored_as_nine_digits(world, client_for):
    response = client_for(world.admin).post(
        URL, form_data(world.org, organisation_number="974 760 673")
    )

    assert response.status_code == 302
    world.org.refresh_from_db()
    assert world.org.organisation_number == "974760673"


def test_invalid_organisation_number_gives_400_and_changes_nothing(world, client_for):
    before = stored(world.org)

    response = client_for(world.admin).post(
        URL, form_data(world.org, name="Nytt navn", organisation_number="123456789")
    )

    assert response.status_code == 400
    errors = response.context["form"].errors["organisation_number"]
    assert len(errors) == 1 and "123456789" in errors[0]
    assert stored(world.org) == before
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ORGANISATION_CHANGED).exists()
    # The page after a refused save shows the stored name, not the refused one.
    assert response.context["current_organisation"].name == "Testkommune"


def msgids(language: str) -> set[str]:
    """The msgids of a .po catalogue, continuation lines joined."""
    catalogue = Path(
        django_settings.BASE_DIR, "locale", language, "LC_MESSAGES", "django.po"
    ).read_text()
    return {
        "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block))
        for block in re.findall(r'^msgid ((?:"(?:[^"\\]|\\.)*"\n)+)', catalogue, flags=re.MULTILINE)
    }


def test_the_organisation_number_message_can_be_translated_to_norwegian():
    # The message goes through gettext, so the nb and nn catalogues carry it.
    msgid = "%(value)s is not a valid organisation number (nine digits with a correct check digit)."
    for language in ("nb", "nn"):
        assert msgid in msgids(language), language


def test_organisation_number_of_another_organisation_is_refused(world, client_for):
    response = client_for(world.admin).post(
        URL, form_data(world.org, organisation_number=world.other_org.organisation_number)
    )

    assert response.status_code == 400
    assert stored(world.org)["organisation_number"] == "964000018"


@pytest.mark.parametrize("persona", ["top_leader", "coordinator", "secretary", "unit_leader"])
def test_non_admins_get_403_and_change_nothing(persona, world, client_for):
    client = client_for(getattr(world, persona))
    before = stored(world.org)

    assert client.get(URL).status_code == 403
    assert client.post(URL, form_data(world.org, name="Overtatt")).status_code == 403
    assert stored(world.org) == before


def test_anonymous_visitor_is_sent_to_sign_in(world, client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")


def test_a_small_logo_is_saved_and_served_to_members(world, client_for, media):
    response = client_for(world.admin).post(URL, {**form_data(world.org), "logo": png()})

    assert response.status_code == 302
    world.org.refresh_from_db()
    assert world.org.logo.name.startswith("logos/")
    logo = client_for(world.coordinator).get("/organisasjon/logo/")
    assert logo.status_code == 200
    assert b"".join(logo.streaming_content).startswith(b"\x89PNG")


def test_a_logo_larger_than_1_mb_is_refused(world, client_for, media):
    big = png((800, 800), noise=True)
    assert big.size > 1024 * 1024

    response = client_for(world.admin).post(URL, {**form_data(world.org), "logo": big})

    assert response.status_code == 400
    assert "logo" in response.context["form"].errors
    world.org.refresh_from_db()
    assert not world.org.logo
    assert list(media.rglob("*.png")) == []


def test_a_file_that_is_not_an_image_is_refused_as_logo(world, client_for, media):
    fake = SimpleUploadedFile("logo.png", b"<script>alert(1)</script>", content_type="image/png")

    response = client_for(world.admin).post(URL, {**form_data(world.org), "logo": fake})

    assert response.status_code == 400
    world.org.refresh_from_db()
    assert not world.org.logo


def test_no_logo_gives_404(world, client_for):
    assert client_for(world.admin).get("/organisasjon/logo/").status_code == 404


def test_the_follow_up_settings_are_saved(world, client_for):
    response = client_for(world.admin).post(
        URL, form_data(world.org, minutes_show_names="on", escalate_after_days="21")
    )
    assert response.status_code == 302
    world.org.refresh_from_db()
    assert world.org.minutes_show_names and world.org.escalate_after_days == 21


def test_escalation_days_must_be_a_number(world, client_for):
    response = client_for(world.admin).post(URL, form_data(world.org, escalate_after_days="x"))
    assert response.status_code == 400
    world.org.refresh_from_db()
    assert world.org.escalate_after_days == 14
