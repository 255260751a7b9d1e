"""Finding every form and endpoint of Visitt, for the hostile-input tests (issue 7).

The URL patterns come from the same walk as tests/test_tenant_isolation.py. A "scene"
is one consistent set of objects of an organisation (a conducted visit with its
problem, measure, action, minutes...), so that every URL with keywords can be opened
for real and its forms found. Forms are read from the HTML each role is shown.
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

from tests.conftest import World, make_user
from tests.test_tenant_isolation import OUR_ROUTES, SCOPE_KWARGS, Route
from visitt.organisations.models import INVITATION_VALIDITY, Invitation, Role

ROLES = ("top_leader", "coordinator", "secretary", "unit_leader", "admin")

# Our organisation views: public token pages (invitations, group links, surveys, the
# calendar feed) are opened with a secret, not a role, and have their own tests.
CRAWLED_ROUTES: list[Route] = [r for r in OUR_ROUTES if r.is_org_view]

# Statuses that mean "the server refused, and said so".
REFUSAL_STATUSES = {400, 403, 404, 405, 409, 413, 422}


# --- a consistent set of objects per organisation -----------------------------------------


def build_scene(world: World, org: Any) -> dict[str, models.Model]:
    """One object for every URL keyword, all belonging together and to ``org``."""
    from visitt.followup.feedback import Feedback
    from visitt.followup.minutes import Minutes, MinutesVersion, minutes_deadline
    from visitt.followup.plans import Action, Measure
    from visitt.improvement.library import LibraryEntry
    from visitt.improvement.models import MeasurePhase, MeasurePoint, PdsaCycle
    from visitt.improvement.survey import PulseSurvey
    from visitt.planning.letters import LetterTemplate, template_for
    from visitt.planning.visits import Visit
    from visitt.reports.meetings import LeadershipMeeting
    from visitt.walkround.models import Question, Theme
    from visitt.walkround.problems import Problem, ProblemCategory

    mine = org == world.org
    leader = world.top_leader if mine else world.outsider
    unit = world.unit if mine else world.other_unit
    today = timezone.localdate()
    visit = Visit.objects.create(
        organisation=org,
        unit=unit,
        date=today - timedelta(days=7),
        status=Visit.Status.CONDUCTED,
        visit_leader=leader,
        coordinator=world.coordinator if mine else None,
        secretary=world.secretary if mine else None,
        created_by=leader,
    )
    problem = Problem.objects.create(visit=visit, number=1, title="Fallrisiko", created_by=leader)
    measure = Measure.objects.create(problem=problem, name="Antall fall")
    action = Action.objects.create(
        problem=problem, what="Sengealarm", owner=leader, created_by=leader
    )
    feedback_action = Action.objects.create(
        problem=problem, what="Opplæring", status="done", owner=leader, created_by=leader
    )
    minutes = Minutes.objects.create(visit=visit, deadline=minutes_deadline(visit.date))
    version = MinutesVersion.objects.create(
        minutes=minutes, number=1, body="Referat", created_by=leader
    )
    inviter = world.admin if mine else world.outsider
    member = make_user(f"medlem-{org.pk}@test.no", org, Role.COORDINATOR)
    return {
        "unit_pk": unit,
        "membership_pk": member.memberships.get(),
        "invitation_pk": Invitation.objects.create(
            organisation=org,
            email=f"invitert-{org.pk}@test.no",
            roles=[Role.COORDINATOR],
            invited_by=inviter,
            expires_at=timezone.now() + INVITATION_VALIDITY,
            token_hash="0" * 64,
        ),
        "visit_pk": visit,
        "problem_pk": problem,
        "template_pk": template_for(org, LetterTemplate.Kind.INVITATION),
        "question_pk": Question.objects.create(
            organisation=org, theme=Theme.TEAMWORK, text_nb="Hvordan samarbeider dere?"
        ),
        "category_pk": ProblemCategory.objects.create(organisation=org, name="Legemidler"),
        "feedback_pk": Feedback.objects.create(
            action=feedback_action, about_status="done", message="Takk", sent_by=leader
        ),
        "measure_pk": measure,
        "action_pk": action,
        "point_pk": MeasurePoint.objects.create(measure=measure, period="2026-01-01", value=1),
        "phase_pk": MeasurePhase.objects.create(measure=measure, start="2026-01-01", label="Fase"),
        "cycle_pk": PdsaCycle.objects.create(action=action, plan="Prøve", start_date="2026-01-01"),
        "entry_pk": LibraryEntry.objects.create(
            organisation=org, action=action, title="Lært", summary="Lært"
        ),
        "meeting_pk": LeadershipMeeting.objects.create(organisation=org, held_on="2026-01-01"),
        "survey_pk": PulseSurvey.objects.create(
            organisation=org, unit=unit, title="Puls", opens_on=today, closes_on=today
        ),
        "number": version,
    }


def url_of(route: Route, scene: dict[str, models.Model]) -> str:
    kwargs: dict[str, Any] = {}
    for name in route.kwargs:
        if name in SCOPE_KWARGS:
            kwargs[name] = SCOPE_KWARGS[name]()
        elif name == "number":
            kwargs[name] = scene[name].number  # type: ignore[attr-defined]
        else:
            kwargs[name] = scene[name].pk
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
