"""The problem-category taxonomy page: who may use it, unique names, reordering,
retiring and restoring, and that retired categories stay on old problems but are not
offered for new ones."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.conftest import make_user
from visitt.audit.models import AuditEvent
from visitt.organisations.models import Role
from visitt.walkround import categories as taxonomy
from visitt.walkround import services_problems as services
from visitt.walkround.problems import DEFAULT_CATEGORIES, Problem, ProblemCategory

A = AuditEvent.Action
LIST = "/organisasjon/problemkategorier/"


def edit_url(category: ProblemCategory) -> str:
    return reverse("problem_category_edit", args=[category.pk])


def names(org, active: bool = True) -> list[str]:
    return [c.name for c in taxonomy.taxonomy(org) if c.is_active == active]


def named(org, name: str) -> ProblemCategory:
    return ProblemCategory.objects.get(organisation=org, name=name)


def add(client, name: str):
    return client.post(LIST, {"action": "add", "new-name": name})


def test_the_urls_are_where_the_lead_says():
    assert reverse("problem_categories") == LIST
    assert reverse("problem_category_edit", args=[5]) == "/organisasjon/problemkategorier/5/"


# --- Who may use the page ------------------------------------------------------------


@pytest.mark.parametrize("persona", ["coordinator", "admin"])
def test_admins_and_coordinators_see_the_national_areas_in_order(world, client_for, persona):
    response = client_for(getattr(world, persona)).get(LIST)
    assert response.status_code == 200
    assert response.text.count("<h1") == 1
    assert names(world.org) == DEFAULT_CATEGORIES["nb"]
    page = response.text
    assert page.index("Fall") < page.index("Legemiddelhåndtering") < page.index("Annet")


def test_a_nynorsk_organisation_starts_with_the_nynorsk_names(world, client_for):
    client_for(world.outsider).get(LIST)
    assert names(world.other_org) == DEFAULT_CATEGORIES["nn"]


@pytest.mark.parametrize("persona", ["unit_leader", "secretary", "top_leader"])
def test_other_roles_are_refused(world, client_for, persona):
    client = client_for(getattr(world, persona))
    ProblemCategory.ensure_defaults(world.org)
    fall = named(world.org, "Fall")
    assert client.get(LIST).status_code == 403
    assert add(client, "Vold og trusler").status_code == 403
    assert client.get(edit_url(fall)).status_code == 403
    assert client.post(edit_url(fall), {"action": "retire"}).status_code == 403
    fall.refresh_from_db()
    assert fall.is_active and not ProblemCategory.objects.filter(name="Vold og trusler").exists()


def test_another_organisations_user_cannot_open_or_change_our_category(world, client_for):
    ProblemCategory.ensure_defaults(world.org)
    fall = named(world.org, "Fall")
    outsider = client_for(world.outsider)
    assert outsider.get(edit_url(fall)).status_code == 404
    assert outsider.post(edit_url(fall), {"action": "retire"}).status_code == 404
    response = outsider.post(
        edit_url(fall), {"action": "rename", "name": "Overtatt", "stored_name": "Fall"}
    )
    assert response.status_code == 404
    assert outsider.post(LIST, {"action": "down", "category": fall.pk}).status_code == 404
    fall.refresh_from_db()
    assert (fall.name, fall.is_active, fall.order) == ("Fall", True, 0)


def test_the_outsider_sees_only_their_own_categories(world, client_for):
    taxonomy.add_category(world.org, "Bare vår kategori")
    page = client_for(world.outsider).get(LIST).text
    assert "Bare vår kategori" not in page
    assert "Legemiddelhandtering" in page


def test_a_coordinator_of_another_organisation_cannot_add_to_ours(world, client_for):
    coordinator = make_user("koord2@test.no", world.other_org, Role.COORDINATOR)
    add(client_for(coordinator), "Ny kategori")
    assert not ProblemCategory.objects.filter(organisation=world.org, name="Ny kategori").exists()
    assert ProblemCategory.objects.filter(organisation=world.other_org, name="Ny kategori").exists()


def test_the_list_takes_the_same_number_of_queries_for_more_categories(world, client_for):
    client = client_for(world.coordinator)
    client.get(LIST)  # seeded, session warm
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    for index in range(20):
        category = taxonomy.add_category(world.org, f"Ekstra {index}")
        if index % 2:
            taxonomy.retire_category(category)
    with CaptureQueriesContext(connection) as many:
        assert client.get(LIST).status_code == 200
    assert len(many) == len(few)
    assert len(many) <= 10


def test_the_edit_page_takes_a_bounded_number_of_queries(
    world, client_for, visit, django_assert_max_num_queries
):
    client = client_for(world.coordinator)
    client.get(LIST)
    fall = named(world.org, "Fall")
    for number in (1, 2, 3):
        Problem.objects.create(
            visit=visit,
            number=number,
            title=f"P{number}",
            category=fall,
            created_by=visit.visit_leader,
        )
    with django_assert_max_num_queries(10):
        response = client.get(edit_url(fall))
    assert "3 problems have this category." in response.text


# --- Adding ----------------------------------------------------------------------------


def test_adding_a_category_places_it_last_and_is_audited(world, client_for):
    client = client_for(world.coordinator)
    response = add(client, "  Vold   og trusler ")
    assert response.status_code == 302
    new = named(world.org, "Vold og trusler")
    assert response["Location"].endswith(f"#category-{new.pk}")
    assert names(world.org)[-1] == "Vold og trusler"
    event = AuditEvent.objects.get(action=A.ORGANISATION_CHANGED, object_id=str(new.pk))
    assert event.organisation == world.org and event.actor == world.coordinator


def test_a_name_the_organisation_has_is_refused_whatever_the_case(world, client_for):
    client = client_for(world.coordinator)
    client.get(LIST)
    response = add(client, "fall")
    assert response.status_code == 400
    assert "There is already a category called “Fall”." in response.text
    assert ProblemCategory.objects.filter(organisation=world.org, name__iexact="fall").count() == 1


def test_a_double_submitted_add_stores_one_category(world, client_for):
    client = client_for(world.coordinator)
    assert add(client, "Vold og trusler").status_code == 302
    assert add(client, "Vold og trusler").status_code == 400
    assert (
        ProblemCategory.objects.filter(organisation=world.org, name="Vold og trusler").count() == 1
    )


def test_the_database_refuses_a_duplicate_that_slips_past_the_check(world, monkeypatch):
    taxonomy.add_category(world.org, "Vold og trusler")
    # As if a second request checked before the first one stored the name.
    monkeypatch.setattr(taxonomy, "_check_unique", lambda *args, **kwargs: None)
    with (
        translation.override("en"),
        pytest.raises(taxonomy.CategoryError, match="already a category"),
    ):
        taxonomy.add_category(world.org, "Vold og trusler")
    assert (
        ProblemCategory.objects.filter(organisation=world.org, name="Vold og trusler").count() == 1
    )


def test_the_same_name_is_fine_in_another_organisation(world):
    taxonomy.add_category(world.org, "Vold og trusler")
    taxonomy.add_category(world.other_org, "Vold og trusler")
    assert ProblemCategory.objects.filter(name="Vold og trusler").count() == 2


def test_a_retired_name_is_refused_with_a_hint_to_take_it_back(world, client_for):
    taxonomy.retire_category(taxonomy.add_category(world.org, "Vold og trusler"))
    response = add(client_for(world.coordinator), "Vold og trusler")
    assert response.status_code == 400
    assert "Take it back into use" in response.text


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_an_empty_or_too_long_name_is_refused(world, client_for, name):
    client = client_for(world.coordinator)
    client.get(LIST)
    response = add(client, name)
    assert response.status_code == 400
    assert ProblemCategory.objects.filter(organisation=world.org).count() == 11


def test_a_bad_action_or_category_is_refused_with_400(world, client_for):
    client = client_for(world.coordinator)
    client.get(LIST)
    fall = named(world.org, "Fall")
    assert client.post(LIST, {"action": "explode", "category": fall.pk}).status_code == 400
    assert client.post(LIST, {"action": "up", "category": "x"}).status_code == 400
    assert client.post(edit_url(fall), {"action": "delete"}).status_code == 400
    assert ProblemCategory.objects.filter(pk=fall.pk).exists()


# --- Reordering --------------------------------------------------------------------------


def test_moving_a_category_up_and_down(world, client_for):
    client = client_for(world.coordinator)
    client.get(LIST)
    trykksar = named(world.org, "Trykksår")
    response = client.post(LIST, {"action": "up", "category": trykksar.pk})
    assert response.status_code == 302
    assert names(world.org)[:3] == ["Trykksår", "Fall", "Legemiddelhåndtering"]
    client.post(LIST, {"action": "down", "category": trykksar.pk})
    client.post(LIST, {"action": "down", "category": trykksar.pk})
    assert names(world.org)[:3] == ["Fall", "Legemiddelhåndtering", "Trykksår"]
    assert AuditEvent.objects.filter(action=A.ORGANISATION_CHANGED).count() == 3


def test_moving_the_first_up_changes_nothing(world, client_for):
    client = client_for(world.coordinator)
    client.get(LIST)
    response = client.post(LIST, {"action": "up", "category": named(world.org, "Fall").pk})
    assert response.status_code == 302
    assert names(world.org) == DEFAULT_CATEGORIES["nb"]
    assert not AuditEvent.objects.filter(action=A.ORGANISATION_CHANGED).exists()


def test_a_retired_category_cannot_be_moved(world, client_for):
    client = client_for(world.coordinator)
    client.get(LIST)
    fall = named(world.org, "Fall")
    taxonomy.retire_category(fall)
    assert client.post(LIST, {"action": "down", "category": fall.pk}).status_code == 400


def test_the_problem_form_offers_the_categories_in_the_new_order(world, visit):
    ProblemCategory.ensure_defaults(world.org)
    taxonomy.move_category(named(world.org, "Annet"), "up")
    offered = [c.name for c in services.categories_for(visit)]
    assert offered[-2:] == ["Annet", "Brukermedvirkning"]


# --- Renaming --------------------------------------------------------------------------


def test_renaming_shows_the_new_name_on_problems_that_have_it(world, client_for, visit):
    client = client_for(world.coordinator)
    client.get(LIST)
    fall = named(world.org, "Fall")
    problem = Problem.objects.create(
        visit=visit, number=1, title="Glatte gulv", category=fall, created_by=world.coordinator
    )
    response = client.post(
        edit_url(fall), {"action": "rename", "name": "Fall og fallskader", "stored_name": "Fall"}
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.category.name == "Fall og fallskader"
    event = AuditEvent.objects.get(action=A.ORGANISATION_CHANGED)
    assert event.data["old_name"] == "Fall"


def test_renaming_to_another_categorys_name_is_refused(world, client_for):
    client = client_for(world.coordinator)
    client.get(LIST)
    fall = named(world.org, "Fall")
    response = client.post(
        edit_url(fall), {"action": "rename", "name": "trykksår", "stored_name": "Fall"}
    )
    assert response.status_code == 400
    assert "There is already a category called “Trykksår”." in response.text
    fall.refresh_from_db()
    assert fall.name == "Fall"


def test_changing_only_the_case_of_a_name_is_allowed(world, client_for):
    category = taxonomy.add_category(world.org, "vold og trusler")
    response = client_for(world.coordinator).post(
        edit_url(category),
        {"action": "rename", "name": "Vold og trusler", "stored_name": "vold og trusler"},
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.name == "Vold og trusler"


def test_a_stale_rename_is_refused_with_409_and_the_stored_name_is_shown(world, client_for):
    client = client_for(world.coordinator)
    client.get(LIST)
    fall = named(world.org, "Fall")
    taxonomy.rename_category(fall, "Fallskader", stored_name="Fall")
    response = client.post(
        edit_url(fall), {"action": "rename", "name": "Fall og skader", "stored_name": "Fall"}
    )
    assert response.status_code == 409
    assert "Fallskader" in response.text
    assert 'value="Fallskader"' in response.text  # the next save is deliberate
    fall.refresh_from_db()
    assert fall.name == "Fallskader"


def test_a_rename_without_the_stored_name_is_refused(world, client_for):
    client = client_for(world.coordinator)
    client.get(LIST)
    fall = named(world.org, "Fall")
    response = client.post(edit_url(fall), {"name": "Fall og skader"})
    assert response.status_code == 409
    fall.refresh_from_db()
    assert fall.name == "Fall"


# --- Retiring and restoring ------------------------------------------------------------


def test_a_category_is_never_deleted_only_retired(world, client_for):
    client = client_for(world.coordinator)
    client.get(LIST)
    fall = named(world.org, "Fall")
    page = client.get(edit_url(fall)).text
    assert "Delete" not in page
    response = client.post(edit_url(fall), {"action": "retire"})
    assert response.status_code == 302
    fall.refresh_from_db()
    assert not fall.is_active
    page = client.get(LIST).text
    assert page.index("Retired categories") < page.index(">Fall<")
    assert AuditEvent.objects.filter(
        action=A.ORGANISATION_CHANGED, data__what="category_retired"
    ).exists()


def test_restoring_places_the_category_last(world, client_for):
    client = client_for(world.coordinator)
    client.get(LIST)
    fall = named(world.org, "Fall")
    client.post(edit_url(fall), {"action": "retire"})
    response = client.post(edit_url(fall), {"action": "restore"})
    assert response.status_code == 302
    assert names(world.org)[-1] == "Fall"
    assert names(world.org, active=False) == []


def test_retiring_twice_is_harmless(world, client_for):
    client = client_for(world.coordinator)
    client.get(LIST)
    fall = named(world.org, "Fall")
    client.post(edit_url(fall), {"action": "retire"})
    assert client.post(edit_url(fall), {"action": "retire"}).status_code == 302
    assert AuditEvent.objects.filter(data__what="category_retired").count() == 1


def test_a_retired_category_is_not_offered_for_new_problems(world, client_for, visit):
    ProblemCategory.ensure_defaults(world.org)
    fall = named(world.org, "Fall")
    taxonomy.retire_category(fall)
    assert fall not in services.categories_for(visit)
    client = client_for(world.secretary)
    page = client.get(reverse("visit_problems", args=[visit.pk])).text
    assert ">Fall</option>" not in page and ">Trykksår</option>" in page
    response = client.post(
        reverse("visit_problem_add", args=[visit.pk]),
        {"new-title": "Glatte gulv", "new-category": fall.pk},
    )
    assert response.status_code == 400
    assert not Problem.objects.exists()


def test_the_service_refuses_a_retired_category_for_a_new_problem(world, visit):
    ProblemCategory.ensure_defaults(world.org)
    fall = named(world.org, "Fall")
    taxonomy.retire_category(fall)

    class Request:
        user = world.secretary
        organisation = world.org

    with translation.override("en"), pytest.raises(services.ProblemError, match="retired"):
        services.add_problem(
            Request(),  # type: ignore[arg-type]
            visit,
            services.ProblemData(title="Glatte gulv", category=fall),
        )
    assert not Problem.objects.exists()


def test_an_old_problem_keeps_and_shows_its_retired_category(world, client_for, visit):
    ProblemCategory.ensure_defaults(world.org)
    fall = named(world.org, "Fall")
    problem = Problem.objects.create(
        visit=visit, number=1, title="Glatte gulv", category=fall, created_by=world.coordinator
    )
    taxonomy.retire_category(fall)
    client = client_for(world.secretary)
    assert "Fall" in client.get(reverse("visit_problems", args=[visit.pk])).text
    edit = reverse("visit_problem_edit", args=[visit.pk, problem.pk])
    page = client.get(edit).text
    assert f'<option value="{fall.pk}" selected>Fall</option>' in page
    # Saving the problem again keeps the retired category.
    response = client.post(
        edit, {"title": "Glatte gulv i gangen", "category": fall.pk, "version": problem.version}
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.category == fall and problem.title == "Glatte gulv i gangen"


def test_another_problem_cannot_take_a_retired_category_on_edit(world, client_for, visit):
    ProblemCategory.ensure_defaults(world.org)
    fall = named(world.org, "Fall")
    problem = Problem.objects.create(
        visit=visit, number=1, title="Glatte gulv", created_by=world.coordinator
    )
    taxonomy.retire_category(fall)
    response = client_for(world.secretary).post(
        reverse("visit_problem_edit", args=[visit.pk, problem.pk]),
        {"title": "Glatte gulv", "category": fall.pk, "version": problem.version},
    )
    assert response.status_code == 400
    problem.refresh_from_db()
    assert problem.category is None


def test_a_used_category_says_how_many_problems_have_it(world, client_for, visit):
    ProblemCategory.ensure_defaults(world.org)
    fall = named(world.org, "Fall")
    Problem.objects.create(
        visit=visit, number=1, title="Glatte gulv", category=fall, created_by=world.coordinator
    )
    page = client_for(world.coordinator).get(edit_url(fall)).text
    assert "1 problem has this category." in page
