"""The public page where anyone at the unit sends an example before the visit: anonymous
(nothing about the sender stored), checked by the personal-data guard, lightly limited,
and closed after the visit day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tests.conftest import World
from visitt.audit.models import AuditEvent
from visitt.planning.models import Visit
from visitt.planning.preparation import STAFF_INPUT_LIMIT, StaffInput

FNR = "15108695088"
GOOD = "Medisiner blir ikke gitt til riktig tid når det er travelt på kveldsvakten."
# What a browser and a proxy would tell the server about the sender.
SENDER = {
    "REMOTE_ADDR": "203.0.113.7",
    "HTTP_X_FORWARDED_FOR": "198.51.100.23",
    "HTTP_USER_AGENT": "Mozilla/5.0 (Ansattes mobil)",
}


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English, the msgids, whatever the catalogues say."""
    with translation.override("en"):
        yield


@pytest.fixture
def anonymous(settings) -> Client:
    """Someone at the unit with no account, who has chosen English."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def make_visit(world: World, days_ahead: int = 7, **fields) -> Visit:
    return Visit.objects.create(
        organisation=world.org,
        unit=world.unit,
        date=timezone.localdate() + timedelta(days=days_ahead),
        visit_leader=world.top_leader,
        created_by=world.coordinator,
        **fields,
    )


def url(visit: Visit) -> str:
    return reverse("staff_input", args=[visit.staff_input_token])


def send(client: Client, visit: Visit, text: str = GOOD, **extra):
    return client.post(url(visit), {"text": text, **extra}, **SENDER)


# --- The page -----------------------------------------------------------------------------


def test_the_page_tells_the_unit_and_date_and_that_the_sender_is_anonymous(world, anonymous):
    visit = make_visit(world)

    response = anonymous.get(url(visit))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Solbakken sykehjem" in body and "Testkommune" in body
    assert "anonymous" in body
    assert "systems and routines" in body


def test_the_page_works_without_javascript_and_has_accessible_markup(world, anonymous):
    body = anonymous.get(url(make_visit(world))).content.decode()

    assert body.count("<h1") == 1
    assert '<form method="post" novalidate>' in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert '<label class="ds-label" for="id_text">' in body
    assert 'aria-describedby="id_text_helptext"' in body
    assert 'type="submit"' in body
    assert 'type="checkbox"' not in body  # "send anyway" only appears after a warning


def test_without_a_language_choice_the_page_speaks_the_organisations_language_form(world):
    world.org.language = "nn"
    world.org.save(update_fields=["language"])

    body = Client().get(url(make_visit(world))).content.decode()

    assert '<html lang="nn"' in body


def test_an_unknown_address_answers_404(db, anonymous):
    response = anonymous.get(reverse("staff_input", args=["ukjent-lenke"]))

    assert response.status_code == 404
    assert "does not lead to a walkround" in response.content.decode()


# --- Sending --------------------------------------------------------------------------------


def test_an_example_is_stored_with_only_its_text_and_time(world, anonymous):
    visit = make_visit(world)

    response = send(anonymous, visit, f"  {GOOD}  ")

    assert response.status_code == 302
    assert response["Location"] == f"{url(visit)}?sendt=1"
    example = StaffInput.objects.get()
    assert example.visit == visit and example.text == GOOD
    assert "Thank you" in anonymous.get(response["Location"]).content.decode()


def test_the_model_has_no_place_for_anything_that_identifies_the_sender():
    fields = {field.name for field in StaffInput._meta.get_fields()}

    assert fields == {"id", "visit", "text", "created_at"}


def test_no_ip_address_or_user_agent_is_stored_anywhere(world, anonymous):
    visit = make_visit(world)

    send(anonymous, visit)

    event = AuditEvent.objects.get(action=AuditEvent.Action.STAFF_INPUT_RECEIVED)
    assert event.ip_address is None and event.user_agent == ""
    assert event.actor is None and event.actor_email == ""
    assert event.organisation == world.org and event.object_id == str(visit.pk)
    assert GOOD not in str(event.data) and GOOD not in event.object_repr
    for ip in ("203.0.113.7", "198.51.100.23"):
        assert not AuditEvent.objects.filter(ip_address=ip).exists()
    assert not AuditEvent.objects.exclude(user_agent="").exists()
    assert not Session.objects.exists()  # no session, so nothing to tie examples together


def test_a_signed_in_member_who_sends_an_example_is_not_recorded_either(world, client_for):
    client = client_for(world.secretary)
    visit = make_visit(world)
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    send(client, visit)

    new = AuditEvent.objects.exclude(pk__in=before)
    assert [event.action for event in new] == [AuditEvent.Action.STAFF_INPUT_RECEIVED]
    assert new.get().actor is None and new.get().ip_address is None


@pytest.mark.parametrize(
    "text", ["for kort", "x" * 2001, "", "          "], ids=["short", "long", "empty", "blank"]
)
def test_too_short_or_too_long_is_refused_with_400(world, anonymous, text):
    response = send(anonymous, make_visit(world), text)

    assert response.status_code == 400
    assert not StaffInput.objects.exists()


# --- The personal-data guard ---------------------------------------------------------------


@pytest.mark.parametrize("extra", [{}, {"send_anyway": "on"}], ids=["plain", "send anyway"])
def test_a_national_identity_number_is_refused_even_with_send_anyway(world, anonymous, extra):
    response = send(anonymous, make_visit(world), f"Gjelder {FNR}, som fikk feil dose.", **extra)

    assert response.status_code == 400
    assert not StaffInput.objects.exists()
    body = response.content.decode()
    assert "national identity number" in body
    assert "not the person" in body
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PERSONAL_DATA_OVERRIDE).exists()


def test_a_warning_is_shown_with_the_choice_to_send_anyway(world, anonymous):
    response = send(anonymous, make_visit(world), "Pasienten på rom 12 fikk ikke medisinen sin.")

    assert response.status_code == 400
    assert not StaffInput.objects.exists()
    body = response.content.decode()
    assert "points at a person" in body
    assert 'type="checkbox" name="send_anyway"' in body
    assert "Pasienten på rom 12" in body  # the text is kept for rewriting


def test_the_sender_may_rephrase_and_send(world, anonymous):
    visit = make_visit(world)
    send(anonymous, visit, "Pasienten på rom 12 fikk ikke medisinen sin.")

    response = send(anonymous, visit, "En pasient fikk ikke medisinen sin i tide.")

    assert response.status_code == 302
    assert StaffInput.objects.get().text == "En pasient fikk ikke medisinen sin i tide."
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PERSONAL_DATA_OVERRIDE).exists()


def test_the_sender_may_send_anyway_and_the_override_is_audited_without_text_or_ip(
    world, anonymous
):
    visit = make_visit(world)
    text = "Ring vakttelefonen 98765432 når legen ikke svarer, det tar for lang tid."

    response = send(anonymous, visit, text, send_anyway="on")

    assert response.status_code == 302
    assert StaffInput.objects.get().text == text
    event = AuditEvent.objects.get(action=AuditEvent.Action.PERSONAL_DATA_OVERRIDE)
    assert event.data["kinds"] == ["phone"]
    assert event.data["reason"]
    assert "98765432" not in str(event.data)
    assert event.ip_address is None and event.user_agent == "" and event.actor is None
    assert event.organisation == world.org


# --- Limits and closing ---------------------------------------------------------------------


def test_at_most_a_fixed_number_of_examples_per_visit(world, anonymous):
    visit = make_visit(world)
    StaffInput.objects.bulk_create(
        [StaffInput(visit=visit, text=f"Eksempel nummer {i}") for i in range(STAFF_INPUT_LIMIT)]
    )

    response = send(anonymous, visit)

    assert response.status_code == 429
    assert StaffInput.objects.filter(visit=visit).count() == STAFF_INPUT_LIMIT
    assert "as many as this page accepts" in response.content.decode()


def test_the_limit_is_per_visit(world, anonymous):
    full = make_visit(world)
    StaffInput.objects.bulk_create(
        [StaffInput(visit=full, text=f"Eksempel {i}") for i in range(STAFF_INPUT_LIMIT)]
    )

    assert send(anonymous, make_visit(world)).status_code == 302


def test_examples_are_taken_on_the_visit_day(world, anonymous):
    assert send(anonymous, make_visit(world, days_ahead=0)).status_code == 302


def test_after_the_visit_day_the_page_says_it_has_taken_place_and_accepts_nothing(world, anonymous):
    visit = make_visit(world, days_ahead=-1)

    page = anonymous.get(url(visit))
    response = send(anonymous, visit)

    assert page.status_code == 200
    assert "has taken place" in page.content.decode()
    assert "<textarea" not in page.content.decode()
    assert response.status_code == 410
    assert not StaffInput.objects.exists()


def test_a_conducted_visit_accepts_nothing(world, anonymous):
    visit = make_visit(world, days_ahead=0, status=Visit.Status.CONDUCTED)

    assert send(anonymous, visit).status_code == 410
    assert not StaffInput.objects.exists()


def test_one_visits_address_never_adds_to_another_visit(world, anonymous):
    mine, other = make_visit(world), make_visit(world)

    send(anonymous, mine)

    assert list(StaffInput.objects.values_list("visit", flat=True)) == [mine.pk]
    assert not other.staff_inputs.exists()
