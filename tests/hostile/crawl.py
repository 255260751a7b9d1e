"""Finding every form and endpoint of Visitt, for the hostile-input tests (issue 7).

The URL patterns come from the same walk as tests/test_tenant_isolation.py, and the
objects for their keywords from tests/scene.py (one consistent set per organisation),
so that every URL with keywords can be opened for real and its forms found. Forms are read from the HTML each role is shown.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urljoin

import lxml.html
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone

from tests.scene import url_value
from tests.test_tenant_isolation import OUR_ROUTES, SCOPE_KWARGS, Route

ROLES = ("top_leader", "coordinator", "secretary", "unit_leader", "admin")

# Our organisation views: public token pages (invitations, group links, surveys, the
# calendar feed) are opened with a secret, not a role, and have their own tests.
CRAWLED_ROUTES: list[Route] = [r for r in OUR_ROUTES if r.is_org_view]

# Statuses that mean "the server refused, and said so".
REFUSAL_STATUSES = {400, 403, 404, 405, 409, 413, 422}


def url_of(route: Route, scene: dict[str, models.Model]) -> str:
    kwargs: dict[str, Any] = {}
    for name in route.kwargs:
        if name in SCOPE_KWARGS:
            kwargs[name] = SCOPE_KWARGS[name]()
        else:
            kwargs[name] = url_value(name, scene[name])
    assert route.name, route
    return reverse(route.name, kwargs=kwargs)


# --- forms on a page ----------------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, select, checkbox, radio, number, date, file, hidden, ...
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False
    multiple: bool = False


@dataclass
class Form:
    page: str
    action: str
    enctype: str
    fields: dict[str, Field]

    @property
    def has_file(self) -> bool:
        return any(f.kind == "file" for f in self.fields.values())

    def __str__(self) -> str:
        return f"{self.action} ({', '.join(self.fields)})"


def is_html(response: Any) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def post_forms_on(response: Any, page: str) -> list[Form]:
    """The POST forms of an HTML response, with their fields and current values."""
    return forms_on(response, page, "post")


def forms_on(response: Any, page: str, method: str) -> list[Form]:
    """The forms of an HTML response sent with ``method`` (get: filters and searches)."""
    if response.status_code != 200 or not is_html(response) or not response.content.strip():
        return []
    document = lxml.html.fromstring(response.content)
    forms = []
    for element in document.iter("form"):
        if (element.get("method") or "get").lower() != method:
            continue
        action = urljoin(page, element.get("action") or page)
        fields: dict[str, Field] = {}
        for control in element.iter("input", "textarea", "select", "button"):
            name = control.get("name")
            if not name or name == "csrfmiddlewaretoken":
                continue
            _add_field(fields, control, name)
        # Inputs outside the form that name it with form="id".
        form_id = element.get("id")
        if form_id:
            for control in document.xpath("//*[@form=$id]", id=form_id):
                if control.get("name"):
                    _add_field(fields, control, control.get("name"))
        forms.append(Form(page, action, element.get("enctype") or "", fields))
    return forms


def _add_field(fields: dict[str, Field], control: Any, name: str) -> None:
    tag = control.tag
    if tag == "button":
        kind = "button"
    elif tag == "textarea":
        kind = "textarea"
    elif tag == "select":
        kind = "select"
    else:
        kind = (control.get("type") or "text").lower()
    if kind in {"submit", "button", "reset", "image"}:
        if name not in fields:
            fields[name] = Field(name, "button", control.get("value") or "")
        return
    existing = fields.get(name)
    if tag == "select":
        options = [o.get("value", o.text or "") for o in control.iter("option")]
        selected = [
            o.get("value", o.text or "")
            for o in control.iter("option")
            if o.get("selected") is not None
        ]
        fields[name] = Field(
            name,
            "select",
            selected[0] if selected else (options[0] if options else ""),
            options,
            multiple=control.get("multiple") is not None,
        )
    elif kind in {"checkbox", "radio"}:
        value = control.get("value") or "on"
        checked = control.get("checked") is not None
        if existing is None:
            existing = fields[name] = Field(name, kind, value if checked else "", [], checked)
        existing.options.append(value)
        if checked:
            existing.value = existing.value or value
            existing.checked = True
        existing.multiple = kind == "checkbox" and len(existing.options) > 1
    elif tag == "textarea":
        fields[name] = Field(name, "textarea", control.text or "")
    else:
        fields[name] = Field(name, kind, control.get("value") or "")


# --- data digest --------------------------------------------------------------------------

# Tables that change on any request, whatever was posted: sessions, and the audit log
# (opening a page that shows personal data is logged, refused or not).
VOLATILE_TABLES = {"django_session", "audit_auditevent"}


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(name for name in after if before.get(name) != after[name])


def table_digests() -> dict[str, str]:
    """Per table, for messages that say what changed."""
    result = {}
    for model in apps.get_models():
        if model._meta.db_table in VOLATILE_TABLES or not model._meta.managed:
            continue
        rows = model._default_manager.order_by("pk").values_list()
        result[model._meta.db_table] = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return result


def plausible(field: Field, text: str = "Test") -> Any:
    """A value that passes on its own: the current one, else one that fits the kind."""
    if field.kind == "checkbox":
        return [field.value] if field.value else []
    if field.value or field.kind in {"select", "radio", "hidden"}:
        return field.value or next((o for o in field.options if o), "")
    in_a_month = (timezone.localdate() + timedelta(days=30)).isoformat()
    return {
        "date": in_a_month,
        "number": "1",
        "email": "ny@test.no",
        "time": "10:00",
        "url": "https://example.org/",
    }.get(field.kind, text)


def shows_error_message(response: Any) -> bool:
    """A refusal the user can read: an error status, or a form with its error summary."""
    if response.status_code in REFUSAL_STATUSES:
        return True
    body = response.content.decode(errors="replace")
    return response.status_code == 200 and ("ds-error-summary" in body or "errorlist" in body)
