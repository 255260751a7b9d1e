"""The visit's preparation page (incident counts of the last twelve months and the staff's
examples; confidential, every read audited) and the QR code for the poster."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tests.conftest import World, make_user
from visitt.audit.models import AuditEvent
from visitt.organisations.models import Role, Unit
from visitt.planning.incidents import incident_table
from visitt.planning.models import Visit
from visitt.planning.preparation import IncidentCount, StaffInput, staff_input_url

VISIT_DAY = date(2026, 3, 18)


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English, the msgids, whatever the catalogues say."""
    with translation.override("en"):
        yield


@pytest.fixture
def client_for(client_for, settings):
    """Signed-in clients that have chosen English (see english())."""

    def make(user):
        client = client_for(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def make_visit(world: World, day: date = VISIT_DAY, unit: Unit | None = None) -> Visit:
    return Visit.objects.create(
        organisation=world.org,
        unit=unit or world.unit,
        date=day,
        visit_leader=world.top_leader,
        coordinator=world.coordinator,
        created_by=world.coordinator,
    )


def add_count(world: World, period: date, category: str, count: int, **fields) -> IncidentCount:
    values = {
        "organisation": world.org,
        "unit": world.unit,
        "period": period,
        "category": category,
        "severity": IncidentCount.Severity.NONE,
        "count": count,
        "created_by": world.coordinator,
    }
    values.update(fields)
    return IncidentCount.objects.create(**values)


def url(visit: Visit) -> str:
    return reverse("visit_preparation", args=[visit.pk])


# --- The incident table ---------------------------------------------------------------


def test_the_table_has_the_twelve_months_before_the_visit_by_category_with_totals(world):
    visit = make_visit(world)
    add_count(world, date(2025, 3, 1), "Fall", 2)  # the first of the twelve months
    add_count(world, date(2025, 3, 1), "Fall", 1, severity=IncidentCount.Severity.SEVERE)
    add_count(world, date(2026, 2, 1), "Fall", 4)  # the last
    add_count(world, date(2026, 2, 1), "Legemiddelhåndtering", 5, unit=world.ward)
    add_count(world, date(2025, 2, 1), "Fall", 100)  # thirteen months before: left out
    add_count(world, date(2026, 3, 1), "Fall", 100)  # the visit's own month: left out
    other_unit = Unit.objects.create(organisation=world.org, name="Hjemmetjenesten")
    add_count(world, date(2025, 6, 1), "Fall", 100, unit=other_unit)

    table = incident_table(visit)

    assert table.months[0] == date(2025, 3, 1) and table.months[-1] == date(2026, 2, 1)
    assert table.rows == [
        ("Fall", [3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4], 7),
        ("Legemiddelhåndtering", [0] * 11 + [5], 5),
    ]
    assert table.month_totals == [3] + [0] * 10 + [9]
    assert table.total == 12
    assert dict(table.by_severity) == {"No harm": 11, "Severe harm": 1}
    assert table.unit_count == 2  # the nursing home and its ward


def test_a_wards_visit_counts_only_the_ward(world):
    add_count(world, date(2026, 1, 1), "Fall", 4)
    add_count(world, date(2026, 1, 1), "Fall", 1, unit=world.ward)

    table = incident_table(make_visit(world, unit=world.ward))

    assert table.total == 1 and table.unit_count == 1


def test_another_organisations_counts_are_never_in_the_table(world):
    IncidentCount.objects.create(
        organisation=world.other_org,
        unit=world.other_unit,
        period=date(2026, 1, 1),
        category="Fall",
        count=9,
        created_by=world.outsider,
    )

    assert incident_table(make_visit(world)).total == 0


# --- The page ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["top_leader", "coordinator", "secretary"])
def test_the_leadership_group_reads_the_preparation_page(world, client_for, persona):
    visit = make_visit(world)
    add_count(world, date(2026, 1, 1), "Legemiddelhåndtering", 3)
    StaffInput.objects.create(visit=visit, text="Medisinene kom for sent fra apoteket.")

    response = client_for(getattr(world, persona)).get(url(visit))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Legemiddelhåndtering" in body
    assert "Medisinene kom for sent fra apoteket." in body


def test_a_medical_advisor_reads_it_too(world, client_for):
    advisor = make_user("lege@test.no", world.org, Role.MEDICAL_ADVISOR)

    assert client_for(advisor).get(url(make_visit(world))).status_code == 200


@pytest.mark.parametrize(
    "role", [Role.UNIT_LEADER, Role.ACTION_OWNER, Role.CONTACT_PERSON, Role.ADMIN]
)
def test_unit_leaders_action_owners_and_others_get_403(world, client_for, role):
    visit = make_visit(world)
    person = make_user(f"person-{role}@test.no", world.org, role)

    assert client_for(person).get(url(visit)).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PREPARATION_READ).exists()


def test_the_unit_leader_persona_gets_403(world, client_for):
    assert client_for(world.unit_leader).get(url(make_visit(world))).status_code == 403


def test_the_outsider_gets_404_and_nothing_is_audited(world, client_for):
    visit = make_visit(world)
    StaffInput.objects.create(visit=visit, text="Hemmelig eksempel")

    response = client_for(world.outsider).get(url(visit))

    assert response.status_code == 404
    assert "Hemmelig eksempel" not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PREPARATION_READ).exists()


def test_a_signed_out_visitor_is_sent_to_sign_in(world, client):
    response = client.get(url(make_visit(world)))

    assert response.status_code == 302
    assert "/konto/" in response["Location"]


def test_every_read_is_audited(world, client_for):
    visit = make_visit(world)
    StaffInput.objects.create(visit=visit, text="Et eksempel om rutiner")
    client = client_for(world.coordinator)

    client.get(url(visit))
    client.get(url(visit))

    events = AuditEvent.objects.filter(action=AuditEvent.Action.PREPARATION_READ)
    assert events.count() == 2
    event = events.first()
    assert event.actor == world.coordinator and event.organisation == world.org
    assert event.object_id == str(visit.pk)
    assert event.data == {"examples": 1}


def test_posting_to_the_page_is_not_allowed(world, client_for):
    assert client_for(world.coordinator).post(url(make_visit(world))).status_code == 405


def test_the_table_is_accessible_markup(world, client_for):
    visit = make_visit(world)
    add_count(world, date(2026, 1, 1), "Fall", 2)

    body = client_for(world.coordinator).get(url(visit)).content.decode()

    assert body.count("<h1") == 1
    assert "<caption" in body
    assert 'role="region"' in body and 'tabindex="0"' in body
    assert body.count('<th scope="col">') == 14  # category, twelve months, total
    assert '<th scope="row">Fall</th>' in body
    assert "<tfoot>" in body


def test_the_page_shows_where_staff_send_examples_until_the_visit(world, client_for):
    upcoming = make_visit(world, timezone.localdate() + timedelta(days=5))
    past = make_visit(world, timezone.localdate() - timedelta(days=1))
    client = client_for(world.coordinator)

    assert staff_input_url(upcoming) in client.get(url(upcoming)).content.decode()
    assert staff_input_url(past) not in client.get(url(past)).content.decode()


def test_the_page_costs_the_same_queries_for_few_and_many_examples_and_counts(world, client_for):
    visit = make_visit(world)
    client = client_for(world.coordinator)
    client.get(url(visit))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(visit)).status_code == 200
        return len(captured)

    few = queries()
    for month in range(1, 13):
        add_count(world, date(2025, month, 1), f"Kategori {month}", month)
        StaffInput.objects.create(visit=visit, text=f"Eksempel {month} om rutinene")
    assert queries() == few


# --- The link on the visit's page ------------------------------------------------------


def render_link(world: World, visit: Visit, user) -> str:
    request = RequestFactory().get("/")
    # What the organisation middleware does on a real request: the roles, once.
    user.visitt_roles = {world.org.pk: frozenset(user.memberships.get().role_codes)}
    request.user = user
    return render_to_string(
        "planning/_visit_preparation_link.html",
        {"visit": visit, "user": user, "current_organisation": world.org},
        request=request,
    )


def test_the_visit_page_links_to_the_preparation_with_the_number_of_examples(world):
    visit = make_visit(world)
    StaffInput.objects.create(visit=visit, text="Et eksempel om rutiner")
    StaffInput.objects.create(visit=visit, text="Et annet eksempel om rutiner")

    html = render_link(world, visit, world.coordinator)

    assert url(visit) in html
    assert "2 examples so far" in html


def test_the_link_is_hidden_from_those_who_may_not_see_the_preparation(world):
    assert url(make_visit(world)) not in render_link(world, make_visit(world), world.unit_leader)


# --- The QR code ------------------------------------------------------------------------


def test_the_qr_code_is_an_svg_of_the_absolute_staff_input_address(world, client_for, settings):
    settings.SITE_URL = "https://visitt.testkommune.no"
    visit = make_visit(world)

    response = client_for(world.secretary).get(reverse("visit_staff_input_qr", args=[visit.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<?xml") and b"<svg" in response.content
    assert staff_input_url(visit) == (
        f"https://visitt.testkommune.no/innspill/{visit.staff_input_token}/"
    )


def test_the_qr_code_decodes_to_the_staff_input_address(world, client_for):
    # Without a QR decoder installed, compare with the code made from the address itself.
    import io

    import qrcode
    import qrcode.image.svg

    visit = make_visit(world)
    expected = io.BytesIO()
    qrcode.make(
        f"{django_settings.SITE_URL}/innspill/{visit.staff_input_token}/",
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=10,
        border=4,
    ).save(expected)

    response = client_for(world.coordinator).get(reverse("visit_staff_input_qr", args=[visit.pk]))

    path = re.search(rb'<path d="([^"]+)"', response.content)
    assert path is not None
    assert path.group(1) in expected.getvalue()


def test_the_qr_code_is_for_those_who_see_visits(world, client_for):
    visit = make_visit(world)
    qr = reverse("visit_staff_input_qr", args=[visit.pk])

    assert client_for(world.unit_leader).get(qr).status_code == 403
    assert client_for(world.outsider).get(qr).status_code == 404


def test_the_visit_page_carries_the_link_and_the_preparation_page_links_back(world, client_for):
    visit = make_visit(world)
    client = client_for(world.coordinator)

    detail = client.get(reverse("visit_detail", args=[visit.pk])).content.decode()
    preparation = client.get(url(visit)).content.decode()

    assert url(visit) in detail
    assert reverse("visit_detail", args=[visit.pk]) in preparation
