"""The guard for every URL: no view without an access mark, and no view that shows or
changes another organisation's data (DESIGN.md §3: "no query, view or API call may ever
return another organisation's data").

A new URL is covered the moment it is added to visitt.urls: an unguarded view, or a
URL keyword tests/scene.py has no object for, fails the suite.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from django.utils import timezone

from tests.conftest import World
from tests.scene import build_scene, url_value
from visitt.accounts.models import User
from visitt.organisations.access import ACCESS_MARK
from visitt.organisations.models import Invitation, Membership, Role, Unit

# Account pages from django-allauth (sign-in, password, two-factor) are not ours to mark.
# They are scoped to the signed-in person by allauth itself and show no organisation data,
# so they are the one accepted exception to "every view carries an access mark".
ACCEPTED_UNMARKED_MODULE_PREFIXES = ("allauth.",)


@dataclass(frozen=True)
class Route:
    route: str
    name: str | None
    callback: Callable[..., Any]
    kwargs: tuple[str, ...]

    @property
    def access(self) -> str | None:
        return getattr(self.callback, ACCESS_MARK, None)

    @property
    def is_allauth(self) -> bool:
        return (self.callback.__module__ or "").startswith(ACCEPTED_UNMARKED_MODULE_PREFIXES)

    @property
    def is_public(self) -> bool:
        return self.access == "public"

    @property
    def is_org_view(self) -> bool:
        return bool(self.access and self.access.startswith("org:"))

    def __str__(self) -> str:
        return f"{self.route} ({self.name})"


def _kwarg_names(pattern: Any) -> tuple[str, ...]:
    converters = getattr(pattern, "converters", None)
    if converters:  # path("<int:unit_pk>/")
        return tuple(converters)
    regex = getattr(pattern, "regex", None)
    return tuple(regex.groupindex) if regex is not None else ()


def walk(
    patterns: list, prefix: str = "", namespace: str = "", kwargs: tuple[str, ...] = ()
) -> Iterator[Route]:
    """Every URL pattern, through includes, with its full name and URL keywords."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner_namespace = namespace
            if entry.namespace:
                inner_namespace = f"{namespace}{entry.namespace}:"
            yield from walk(
                entry.url_patterns,
                prefix + str(entry.pattern),
                inner_namespace,
                kwargs + _kwarg_names(entry.pattern),
            )
        elif isinstance(entry, URLPattern):
            yield Route(
                route=prefix + str(entry.pattern),
                name=f"{namespace}{entry.name}" if entry.name else None,
                callback=entry.callback,
                kwargs=kwargs + _kwarg_names(entry.pattern),
            )


def unguarded(routes: list[Route]) -> list[str]:
    return [str(r) for r in routes if not (r.is_public or r.is_org_view or r.is_allauth)]


ROUTES = list(walk(get_resolver().url_patterns))
# Our own views. allauth's account pages (see above) hold no organisation's data; its
# keyword URLs (e-mail confirmation and password reset keys) are its own signed tokens.
OUR_ROUTES = [r for r in ROUTES if not r.is_allauth]


# --- (a) every view carries an access mark ------------------------------------------------


def test_every_url_pattern_is_found_by_the_walk():
    # A sanity check on the walk itself, so that (a) cannot pass by seeing nothing.
    names = {r.name for r in ROUTES}
    assert {"home", "unit_edit", "person_edit", "audit_log", "account_login"} <= names


def test_every_view_is_marked_org_view_or_public_view():
    assert unguarded(ROUTES) == [], (
        "These views carry no access mark. Wrap each in visitt.organisations.access.org_view(...) "
        "or, if it is open on purpose, public_view."
    )


def test_the_guard_notices_an_unguarded_view():
    def naked(request):  # pragma: no cover - never called
        raise AssertionError

    routes = list(walk([path("naked/", naked, name="naked")]))
    assert unguarded(routes) == ["naked/ (naked)"]


def test_every_access_mark_is_public_or_an_organisation_permission():
    for route in OUR_ROUTES:
        assert route.access == "public" or re.fullmatch(r"org:[\w.]+", route.access or ""), route


# --- (b) URLs with keywords refuse another organisation's objects ------------------------


# What an attacker would post: enough for every form here to change something if the
# guard let it through.
HOSTILE_POST = {
    "name": "Overtatt",
    "kind": Unit.Kind.OTHER,
    "code": "OVERTATT",
    "parent": "",
    "title": "Overtatt",
    "roles": [Role.ADMIN, Role.TOP_LEADER],
}


def snapshot(obj: models.Model) -> dict[str, Any] | None:
    """The stored state of obj (None when deleted), incl. a membership's roles."""
    row = type(obj)._default_manager.filter(pk=obj.pk).values().first()
    if row is not None and isinstance(obj, Membership):
        row["roles"] = sorted(obj.grants.values_list("role", flat=True))
    return row


# URL keywords that choose a part of the current organisation's own data (the year of
# the annual plan), not another object: such URLs are checked like pages without
# keywords in (c), with these values.
SCOPE_KWARGS: dict[str, Callable[[], Any]] = {"year": lambda: timezone.localdate().year}


def _has_object_kwargs(route: Route) -> bool:
    return bool(set(route.kwargs) - SCOPE_KWARGS.keys())


# Public views are skipped: the invitation link (a token, no object key) has its own
# tests in tests/organisations/test_invitations.py.
ROUTES_WITH_KWARGS = [r for r in OUR_ROUTES if _has_object_kwargs(r) and not r.is_public]


def test_there_are_urls_with_keywords_to_check():
    assert len(ROUTES_WITH_KWARGS) >= 9


@pytest.mark.parametrize("route", ROUTES_WITH_KWARGS, ids=str)
def test_user_of_another_organisation_gets_404_or_403_and_changes_nothing(route, world, client_for):
    their_scene = build_scene(world, world.org)
    missing = [k for k in route.kwargs if k not in their_scene]
    assert not missing, f"add {', '.join(missing)} to tests/scene.py build_scene ({route})"
    assert route.name, f"give {route.route} a name so the test can reverse it"

    own_scene = build_scene(world, world.other_org)
    theirs = {k: their_scene[k] for k in route.kwargs}
    own = {k: own_scene[k] for k in route.kwargs}
    before = {k: snapshot(obj) for k, obj in theirs.items()}
    url = reverse(route.name, kwargs={k: url_value(k, obj) for k, obj in theirs.items()})
    own_url = reverse(route.name, kwargs={k: url_value(k, obj) for k, obj in own.items()})
    client = client_for(world.outsider)

    response = client.get(url)
    if response.status_code == 405:
        # A POST-only view answers GET with 405 before any lookup. That says nothing
        # about the object, as long as the outsider's own object gets the same answer.
        assert client.get(own_url).status_code == 405, route
    else:
        assert response.status_code in (403, 404), f"GET {url}: {response.status_code}"

    response = client.post(url, HOSTILE_POST)
    assert response.status_code in (403, 404), f"POST {url}: {response.status_code}"

    for key, obj in theirs.items():
        assert snapshot(obj) == before[key], f"{route} changed {obj!r}"


@pytest.mark.parametrize(
    "route", [r for r in ROUTES_WITH_KWARGS if r.name and r.name.startswith("unit")], ids=str
)
def test_the_outsider_reaches_the_same_url_for_their_own_unit(route, world, client_for):
    # Proves the 404s above come from scoping by organisation, not from a broken URL.
    own = Unit.objects.create(organisation=world.other_org, name="Eiga eining")
    response = client_for(world.outsider).get(reverse(route.name, kwargs={"unit_pk": own.pk}))
    assert response.status_code in (200, 405)


# --- (c) pages without keywords show none of organisation A's data -----------------------


@pytest.fixture
def busy_world(world: World, client_for, settings, tmp_path) -> World:
    """Organisation A with activity: sign-ins, a pending invitation, changes, a logo."""
    settings.MEDIA_ROOT = tmp_path
    admin = client_for(world.admin)  # signing in writes an audit event
    admin.post(
        "/organisasjon/enheter/ny/",
        {"name": "Hemmelig avdeling", "kind": Unit.Kind.WARD, "code": "HEM-A"},
    )
    Invitation.objects.create(
        organisation=world.org,
        email="hemmelig.invitert@test.no",
        roles=[Role.SECRETARY],
        invited_by=world.admin,
        expires_at=timezone.now() + timedelta(days=3),
    )
    admin.get("/organisasjon/logg/")
    world.org.logo = SimpleUploadedFile("logo.png", b"not shown", content_type="image/png")
    world.org.save()
    return world


def secrets_of(org) -> set[str]:
    units = set(Unit.objects.filter(organisation=org).values_list("name", flat=True))
    people = User.objects.filter(memberships__organisation=org)
    emails = set(people.values_list("email", flat=True))
    names = {name for name in people.values_list("full_name", flat=True) if name}
    invited = set(Invitation.objects.filter(organisation=org).values_list("email", flat=True))
    return units | emails | names | invited | {org.name, org.organisation_number}


ORG_ROUTES_WITHOUT_KWARGS = [r for r in OUR_ROUTES if r.is_org_view and not _has_object_kwargs(r)]


@pytest.mark.parametrize("route", ORG_ROUTES_WITHOUT_KWARGS, ids=str)
def test_pages_of_the_outsider_show_nothing_of_another_organisation(route, busy_world, client_for):
    secrets = secrets_of(busy_world.org)
    assert "Hemmelig avdeling" in secrets and "hemmelig.invitert@test.no" in secrets

    scope = {k: SCOPE_KWARGS[k]() for k in route.kwargs}
    response = client_for(busy_world.outsider).get(reverse(route.name, kwargs=scope))

    assert response.status_code in (200, 302, 404, 405), response.status_code
    body = html.unescape(response.content.decode(errors="replace"))  # PDF/XLSX too
    leaked = sorted(secret for secret in secrets if secret in body)
    assert leaked == [], f"{route} shows organisation A's {leaked}"
    if route.name == "organisation_logo":
        assert response.status_code == 404  # the outsider's organisation has no logo
