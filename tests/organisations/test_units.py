"""Units (enheter): create, rename, move, deactivate, reactivate, delete, and the list."""

from __future__ import annotations

import pytest
from django.contrib.messages import constants, get_messages

from visitt.audit.models import AuditEvent
from visitt.organisations.models import Unit

A = AuditEvent.Action
LIST = "/organisasjon/enheter/"
CREATE = "/organisasjon/enheter/ny/"


def edit_url(unit: Unit, action: str = "") -> str:
    return f"/organisasjon/enheter/{unit.pk}/" + (f"{action}/" if action else "")


def unit_data(unit: Unit | None = None, **changes) -> dict:
    data = {"name": "", "kind": Unit.Kind.OTHER, "parent": "", "code": ""}
    if unit is not None:
        data.update(name=unit.name, kind=unit.kind, parent=unit.parent_id or "", code=unit.code)
    data.update(changes)
    return data


def stored(unit: Unit) -> dict | None:
    return Unit.objects.filter(pk=unit.pk).values().first()


def error_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level == constants.ERROR]


@pytest.fixture
def admin(world, client_for):
    return client_for(world.admin)


# --- Create ---------------------------------------------------------------------------


def test_admin_creates_a_unit_under_another(world, admin):
    response = admin.post(
        CREATE,
        unit_data(name="Avdeling 2", kind=Unit.Kind.WARD, parent=world.unit.pk, code="SOL-2"),
    )

    assert response.status_code == 302
    unit = Unit.objects.get(code="SOL-2")
    assert (unit.organisation, unit.parent, unit.name, unit.is_active) == (
        world.org,
        world.unit,
        "Avdeling 2",
        True,
    )
    event = AuditEvent.objects.get(action=A.UNIT_CREATED)
    assert (event.organisation, event.object_id) == (world.org, str(unit.pk))


def test_a_unit_without_name_is_refused(world, admin):
    count = Unit.objects.count()
    assert admin.post(CREATE, unit_data(name="")).status_code == 400
    assert Unit.objects.count() == count


def test_a_code_another_unit_has_is_refused_whatever_the_case(world, admin):
    count = Unit.objects.count()

    response = admin.post(CREATE, unit_data(name="Ny enhet", code="sol"))

    assert response.status_code == 400
    assert "code" in response.context["form"].errors
    assert Unit.objects.count() == count


def test_the_same_code_may_be_used_in_another_organisation(world, admin):
    # world.other_unit has the code HEM in the other organisation.
    assert admin.post(CREATE, unit_data(name="Hemsedal", code="HEM")).status_code == 302
    assert Unit.objects.filter(organisation=world.org, code="HEM").exists()


def test_a_parent_from_another_organisation_is_refused(world, admin):
    count = Unit.objects.count()

    response = admin.post(CREATE, unit_data(name="Snik", parent=world.other_unit.pk))

    assert response.status_code == 400
    assert "parent" in response.context["form"].errors
    assert Unit.objects.count() == count


def test_the_parent_choices_are_the_active_units_of_the_organisation(world, admin):
    inactive = Unit.objects.create(organisation=world.org, name="Nedlagt", is_active=False)
    choices = set(admin.get(CREATE).context["form"].fields["parent"].queryset)
    assert choices == {world.unit, world.ward}
    assert inactive not in choices and world.other_unit not in choices


# --- Rename and move ------------------------------------------------------------------


def test_renaming_a_unit_writes_unit_changed(world, admin):
    response = admin.post(edit_url(world.ward), unit_data(world.ward, name="Avdeling 1 (langtid)"))

    assert response.status_code == 302
    world.ward.refresh_from_db()
    assert world.ward.name == "Avdeling 1 (langtid)"
    event = AuditEvent.objects.get(action=A.UNIT_CHANGED)
    assert event.data["fields"] == ["name"]


def test_a_unit_can_be_moved_to_another_parent(world, admin):
    other_home = Unit.objects.create(organisation=world.org, name="Fjellheim")

    response = admin.post(edit_url(world.ward), unit_data(world.ward, parent=other_home.pk))

    assert response.status_code == 302
    world.ward.refresh_from_db()
    assert world.ward.parent == other_home


def test_a_unit_can_be_moved_to_the_top_level(world, admin):
    assert admin.post(edit_url(world.ward), unit_data(world.ward, parent="")).status_code == 302
    world.ward.refresh_from_db()
    assert world.ward.parent is None


def test_moving_a_unit_under_its_own_descendant_is_refused(world, admin):
    grandchild = Unit.objects.create(organisation=world.org, name="Gruppe A", parent=world.ward)
    before = stored(world.unit)

    for below in (world.ward, grandchild):
        response = admin.post(edit_url(world.unit), unit_data(world.unit, parent=below.pk))
        assert response.status_code == 400
        assert "parent" in response.context["form"].errors
    assert stored(world.unit) == before


def test_moving_a_unit_under_itself_is_refused(world, admin):
    before = stored(world.ward)
    response = admin.post(edit_url(world.ward), unit_data(world.ward, parent=world.ward.pk))
    assert response.status_code == 400
    assert stored(world.ward) == before


def test_a_deactivated_unit_under_a_deactivated_parent_can_still_be_renamed(world, admin):
    world.ward.deactivate()
    world.unit.deactivate()

    response = admin.post(edit_url(world.ward), unit_data(world.ward, name="Avdeling 1 (nedlagt)"))

    assert response.status_code == 302
    world.ward.refresh_from_db()
    assert (world.ward.name, world.ward.parent) == ("Avdeling 1 (nedlagt)", world.unit)


# --- Deactivate and reactivate --------------------------------------------------------


def test_deactivating_keeps_the_unit_and_its_history(world, admin):
    response = admin.post(edit_url(world.ward, "deaktiver"))

    assert response.status_code == 302
    world.ward.refresh_from_db()
    assert world.ward.is_active is False
    assert world.ward.deactivated_at is not None
    assert world.ward.parent == world.unit
    assert AuditEvent.objects.filter(
        action=A.UNIT_DEACTIVATED, object_id=str(world.ward.pk)
    ).exists()


def test_deactivating_a_unit_with_active_children_is_refused(world, admin):
    before = stored(world.unit)

    response = admin.post(edit_url(world.unit, "deaktiver"))

    assert response.status_code == 302
    assert error_messages(response)
    assert stored(world.unit) == before
    assert not AuditEvent.objects.filter(action=A.UNIT_DEACTIVATED).exists()


def test_a_unit_whose_children_are_all_deactivated_can_be_deactivated(world, admin):
    world.ward.deactivate()
    admin.post(edit_url(world.unit, "deaktiver"))
    world.unit.refresh_from_db()
    assert world.unit.is_active is False


def test_deactivating_needs_post(world, admin):
    assert admin.get(edit_url(world.ward, "deaktiver")).status_code == 405
    world.ward.refresh_from_db()
    assert world.ward.is_active


def test_reactivating_brings_the_unit_back(world, admin):
    world.ward.deactivate()

    response = admin.post(edit_url(world.ward, "aktiver"))

    assert response.status_code == 302
    world.ward.refresh_from_db()
    assert world.ward.is_active is True
    assert world.ward.deactivated_at is None
    assert AuditEvent.objects.filter(action=A.UNIT_REACTIVATED).exists()


def test_reactivating_under_a_deactivated_parent_is_refused(world, admin):
    world.ward.deactivate()
    world.unit.deactivate()

    response = admin.post(edit_url(world.ward, "aktiver"))

    assert error_messages(response)
    world.ward.refresh_from_db()
    assert world.ward.is_active is False


# --- Delete ---------------------------------------------------------------------------


def test_a_unit_without_history_can_be_deleted(world, admin):
    mistake = Unit.objects.create(organisation=world.org, name="Feilregistrert")

    response = admin.post(edit_url(mistake, "slett"))

    assert response.status_code == 302
    assert not Unit.objects.filter(pk=mistake.pk).exists()
    event = AuditEvent.objects.get(action=A.UNIT_DELETED)
    assert event.data == {"name": "Feilregistrert", "unit_id": mistake.pk}


def test_a_unit_with_units_under_it_cannot_be_deleted(world, admin):
    before = stored(world.unit)

    response = admin.post(edit_url(world.unit, "slett"))

    assert response.status_code == 302
    assert error_messages(response)
    assert stored(world.unit) == before
    assert stored(world.ward) is not None
    assert not AuditEvent.objects.filter(action=A.UNIT_DELETED).exists()


def test_deleting_needs_post(world, admin):
    assert admin.get(edit_url(world.ward, "slett")).status_code == 405
    assert stored(world.ward) is not None


# --- The list -------------------------------------------------------------------------


def test_the_list_shows_the_tree_without_deactivated_units(world, admin):
    Unit.objects.create(organisation=world.org, name="Nedlagt enhet", is_active=False)

    response = admin.get(LIST)

    assert response.status_code == 200
    tree = response.context["tree"]
    assert [node.unit for node in tree] == [world.unit]
    assert [node.unit for node in tree[0].children] == [world.ward]
    assert response.context["inactive_count"] == 1
    assert "Nedlagt enhet" not in response.content.decode()
    assert "Hemmeleg eining" not in response.content.decode()


def test_the_list_can_show_deactivated_units(world, admin):
    Unit.objects.create(organisation=world.org, name="Nedlagt enhet", is_active=False)
    assert "Nedlagt enhet" in admin.get(LIST + "?vis=alle").content.decode()


def make_units(org, count: int) -> None:
    homes = Unit.objects.bulk_create(
        Unit(organisation=org, name=f"Sykehjem {i:02}", code=f"S{i:02}") for i in range(count // 3)
    )
    Unit.objects.bulk_create(
        Unit(
            organisation=org,
            name=f"Avdeling {i:02}",
            parent=homes[i % len(homes)],
            is_active=i % 5 != 0,
        )
        for i in range(count - len(homes))
    )


def test_the_list_runs_the_same_number_of_queries_for_3_and_60_units(
    world, admin, django_assert_max_num_queries
):
    Unit.objects.filter(organisation=world.org).update(parent=None)
    Unit.objects.filter(organisation=world.org).delete()
    counts = []
    for total in (3, 60):
        Unit.objects.filter(organisation=world.org, parent__isnull=False).delete()
        Unit.objects.filter(organisation=world.org).delete()
        make_units(world.org, total)
        for url in (LIST, LIST + "?vis=alle"):
            with django_assert_max_num_queries(10) as queries:
                response = admin.get(url)
            assert response.status_code == 200
            counts.append(len(queries.captured_queries))
        assert Unit.objects.filter(organisation=world.org).count() == total
    assert counts[0] == counts[2] and counts[1] == counts[3], counts


@pytest.mark.parametrize(
    "url", [LIST, CREATE, "/organisasjon/enheter/importer/", "/organisasjon/enheter/{pk}/"]
)
@pytest.mark.parametrize("persona", ["top_leader", "coordinator", "secretary", "unit_leader"])
def test_non_admins_get_403_on_unit_pages(url, persona, world, client_for):
    response = client_for(getattr(world, persona)).get(url.format(pk=world.unit.pk))
    assert response.status_code == 403
