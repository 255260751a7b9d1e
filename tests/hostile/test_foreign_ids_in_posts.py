"""Another organisation's identifiers in every form field that takes an id, and in
URLs that mix one's own objects with another organisation's (issue 7; an extension of
tests/test_tenant_isolation.py to POSTs): refused, never stored.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.hostile.crawl import (
    CRAWLED_ROUTES,
    ROLES,
    Field,
    Form,
    changed_tables,
    plausible,
    post_forms_on,
    table_digests,
)
from tests.scene import build_scene
from tests.test_tenant_isolation import SCOPE_KWARGS

# Which objects a field of this name takes; any other id field is tried with them all.
FIELD_TAKES = {
    "unit": ["unit_pk"],
    "enhet": ["unit_pk"],
    "parent": ["unit_pk", "visit_pk"],
    "visit": ["visit_pk"],
    "category": ["category_pk"],
    "question": ["question_pk"],
    "profession": ["profession"],
    "problem": ["problem_pk"],
    "measure": ["measure_pk"],
    "action": ["action_pk"],
    "template": ["template_pk"],
    "owner": ["user"],
    "visit_leader": ["user"],
    "coordinator": ["user"],
    "secretary": ["user"],
    "medical_advisor": ["user"],
    "unit_leader": ["user"],
    "responsible": ["user"],
}
# Hidden fields that are counters, not ids.
NOT_IDS = ("version", "TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")
SKIPPED_ACTIONS = ("/konto/logout/", "/i18n/setlang/")
# The unit leader is shown a part of what the top leader is (their own units' plans).
FORM_ROLES = [role for role in ROLES if role != "unit_leader"]


def base_name(name: str) -> str:
    """goals-0-measure -> measure, new-category -> category, a1-owner -> owner."""
    return name.rsplit("-", 1)[-1]


def takes_an_id(field: Field) -> bool:
    if field.kind in {"button", "file"} or field.name.endswith(NOT_IDS):
        return False
    if base_name(field.name) in FIELD_TAKES:
        return True
    values = [v for v in field.options if v] or ([field.value] if field.value else [])
    if field.kind in {"select", "radio", "checkbox", "hidden"} and values:
        return all(v.isdigit() for v in values)
    return False


def references_to(obj: models.Model) -> int:
    """How many stored rows point at obj, through any foreign key or many-to-many."""
    total = 0
    for relation in obj._meta.related_objects:
        related = relation.related_model
        if relation.many_to_many:
            total += related._default_manager.filter(**{relation.field.name: obj}).count()
        elif relation.field.concrete and not relation.field.many_to_many:
            total += related._default_manager.filter(**{relation.field.name: obj.pk}).count()
    return total


def foreign_scene(world: World) -> dict[str, models.Model]:
    from visitt.planning.group import Profession

    theirs = build_scene(world, world.other_org)
    theirs["user"] = world.outsider
    theirs["profession"] = Profession.objects.create(organisation=world.other_org, name="Hemmeleg")
    return theirs


def candidates(field: Field, theirs: dict[str, models.Model]) -> list[models.Model]:
    keys = FIELD_TAKES.get(base_name(field.name), list(theirs))
    own_values = set(field.options) | {field.value}
    return [theirs[k] for k in keys if str(theirs[k].pk) not in own_values]


def own_url(route, scene: dict[str, models.Model]) -> str:
    from tests.hostile.crawl import url_of

    return url_of(route, scene)


PAGE_ROUTES = [
    r
    for r in CRAWLED_ROUTES
    if not (r.name or "").endswith(("_pdf", "_docx", "_xlsx", "_ics", "_qr"))
]


def test_foreign_ids_in_form_fields_are_refused_and_never_stored(world, client_for):
    # One world for all pages (the crawl is the slow part); every problem is listed.
    scene = build_scene(world, world.org)
    theirs = foreign_scene(world)
    clients = {role: client_for(getattr(world, role)) for role in FORM_ROLES}
    seen: set[tuple] = set()
    problems: list[str] = []
    for route in PAGE_ROUTES:
        url = own_url(route, scene)
        for role, client in clients.items():
            for form in post_forms_on(client.get(url), url):
                key = (form.action, tuple(form.fields))
                if form.action.startswith(SKIPPED_ACTIONS) or key in seen:
                    continue
                seen.add(key)
                problems += try_foreign_ids(client, form, theirs, role)
    assert len(seen) >= 40  # the crawl found the forms
    assert problems == []


def try_foreign_ids(
    client: Client, form: Form, theirs: dict[str, models.Model], role: str
) -> list[str]:
    problems = []
    payload = {
        name: plausible(field)
        for name, field in form.fields.items()
        if field.kind not in {"button", "file"}
    }
    for field in form.fields.values():
        if not takes_an_id(field):
            continue
        for foreign in candidates(field, theirs):
            before = references_to(foreign)
            value: Any = str(foreign.pk)
            if field.kind == "checkbox":
                value = [str(foreign.pk)]
            response = client.post(form.action, {**payload, field.name: value})
            where = f"{field.name}={type(foreign).__name__} {foreign.pk} to {form.action} as {role}"
            if response.status_code >= 500:
                problems.append(f"{where}: {response.status_code}")
            if references_to(foreign) != before:
                problems.append(f"{where}: stored")
    return problems


# --- URLs that mix one's own objects with another organisation's -------------------------

MIXED_ROUTES = [r for r in CRAWLED_ROUTES if len(set(r.kwargs) - SCOPE_KWARGS.keys()) >= 2]


def test_there_are_urls_with_two_objects():
    assert len(MIXED_ROUTES) >= 5


@pytest.mark.parametrize("route", MIXED_ROUTES, ids=str)
def test_own_parent_with_a_foreign_child_in_the_url_is_refused(route, world, client_for):
    # /visitter/<own visit>/tiltaksplan/tiltak/<their action>/: each key must be checked,
    # not only the first one.
    ours = build_scene(world, world.org)
    theirs = foreign_scene(world)
    # A minutes version's number counts within its visit: not an id of its own.
    names = [k for k in route.kwargs if k not in SCOPE_KWARGS and k != "number"]
    for foreign_key in names:
        kwargs: dict[str, Any] = {}
        for name in route.kwargs:
            source = theirs if name == foreign_key else ours
            if name in SCOPE_KWARGS:
                kwargs[name] = SCOPE_KWARGS[name]()
            elif name == "number":
                kwargs[name] = source[name].number  # type: ignore[attr-defined]
            else:
                kwargs[name] = source[name].pk
        url = reverse(route.name, kwargs=kwargs)
        for role in ("top_leader", "admin"):
            client = client_for(getattr(world, role))
            before = table_digests()
            get = client.get(url)
            post = client.post(url, {"name": "Overtatt", "title": "Overtatt", "what": "Overtatt"})
            assert get.status_code in (403, 404, 405), f"GET {url} as {role}: {get.status_code}"
            assert post.status_code in (403, 404), f"POST {url} as {role}: {post.status_code}"
            assert changed_tables(before, table_digests()) == [], f"POST {url} as {role}"


def test_the_crawl_finds_the_id_fields_it_must_try(world, client_for):
    # A guard on the crawl itself, so that the test above cannot pass by seeing nothing.
    url_names = {
        "unit_create": ("admin", {"parent"}),
        "visit_edit": ("top_leader", {"unit", "visit_leader", "coordinator", "parent"}),
        "visit_problem_edit": ("top_leader", {"category"}),
        "action_plan_action_add": ("top_leader", {"owner"}),
    }
    scene = build_scene(world, world.org)
    theirs = foreign_scene(world)
    for name, (role, expected) in url_names.items():
        route = next(r for r in CRAWLED_ROUTES if r.name == name)
        url = own_url(route, scene)
        forms = post_forms_on(client_for(getattr(world, role)).get(url), url)
        id_fields = {
            base_name(f.name)
            for form in forms
            for f in form.fields.values()
            if takes_an_id(f) and candidates(f, theirs)
        }
        assert expected <= id_fields, f"{url}: {id_fields}"
