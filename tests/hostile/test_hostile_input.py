"""Bad input and attacks (issue 7): every form and endpoint, as each role that may open
it, gets malformed, oversized, wrongly typed and hostile input.

Never a 500; a refusal shows a message (form errors or an error status) and leaves the
data unchanged; text that is stored never comes back as executable markup.
"""

from __future__ import annotations

import codecs
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import World
from tests.hostile.crawl import (
    CRAWLED_ROUTES,
    REFUSAL_STATUSES,
    ROLES,
    Field,
    Form,
    changed_tables,
    forms_on,
    is_html,
    plausible,
    post_forms_on,
    shows_error_message,
    table_digests,
    url_of,
)
from tests.scene import build_scene

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
MARKUP = [SCRIPT, IMG, "<svg onload=alert(1)>", "[klikk](javascript:alert(1))", "{{ 7*7 }}"]
# What an unescaped payload looks like in a page; escaped it reads &lt;script&gt;...
EXECUTABLE = ["<script>alert(1)", "<img src=x onerror", "<svg onload", 'href="javascript:']

NUMBERS = ["1e999", "NaN", "nan", "inf", "-1", "-99999999999", "9" * 40, "1,5", "0x10", "", "tre"]
DATES = ["2026-02-30", "2026-13-01", "0000-00-00", "99999-01-01", "30.02.2026", "", "i går"]
TIMES = ["25:61", "-1:00", "10:00:99", "", "klokka ti"]
IDS = ["0", "-1", "999999999", "9" * 30, "1.5", "abc", "' OR 1=1 --", "", "[]"]

settings.register_profile(
    "hostile",
    max_examples=3,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)

SKIPPED_ACTIONS = ("/konto/logout/", "/i18n/setlang/")
SKIPPED_FIELDS = {"next"}


def hostile_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(MARKUP),
        st.text(max_size=40),
        st.sampled_from(["x" * 100_000, "\x00", "a\x00b", "\ud7ff\ufffe", " ", "\u202e"]),
    )


def hostile_value(field: Field) -> st.SearchStrategy[Any]:
    """A value of the wrong kind, too large, or an attack, for this field."""
    if field.kind in {"number", "range"}:
        return st.one_of(st.sampled_from(NUMBERS), hostile_text())
    if field.kind in {"date", "datetime-local", "month"}:
        return st.one_of(st.sampled_from(DATES), hostile_text())
    if field.kind == "time":
        return st.sampled_from(TIMES)
    if field.kind in {"select", "radio", "checkbox"}:
        return st.one_of(st.sampled_from(IDS), hostile_text(), st.lists(st.sampled_from(IDS)))
    if field.kind == "hidden":
        return st.one_of(st.sampled_from(IDS + NUMBERS), hostile_text())
    return hostile_text()


def hostile_payload(form: Form) -> st.SearchStrategy[dict[str, Any]]:
    """Each field either gets a value that passes on its own or a hostile one, so that
    a hostile value often meets an otherwise valid form and reaches the code behind it."""
    parts = {
        name: st.one_of(st.just(plausible(field)), hostile_value(field))
        for name, field in form.fields.items()
        if field.kind not in {"file", "button"} and name not in SKIPPED_FIELDS
    }
    return st.fixed_dictionaries(parts)


def body_of(response: Any) -> str:
    return response.content.decode(errors="replace") if is_html(response) else ""


def executable_markup_in(response: Any) -> list[str]:
    body = body_of(response)
    return [marker for marker in EXECUTABLE if marker in body]


def submit(client: Client, form: Form, payload: dict[str, Any]) -> None:
    before = table_digests()
    response = client.post(form.action, payload)
    where = f"POST {form.action} {short(payload)}"
    assert response.status_code < 500, f"{where}: {response.status_code}"
    assert not executable_markup_in(response), f"{where} echoes markup unescaped"
    if "ds-error-summary" in body_of(response):
        # The organisation writes Bokmål, so the summary does too.
        assert "Rett opp dette" in body_of(response), f"{where}: error summary not in Bokmål"
    if shows_error_message(response):
        changed = changed_tables(before, table_digests())
        assert changed == [], f"{where} was refused but changed {changed}"
        return
    if response.status_code == 200 and payload:
        # The same page again with nothing saved and nothing said is a silent refusal.
        # (An empty POST is left out: a browser always sends the CSRF token, and a
        # Django form given `request.POST or None` is then unbound and says nothing.)
        assert changed_tables(before, table_digests()) != [], f"{where}: refused silently"
    # Accepted: wherever it leads, the stored text shows as text.
    if response.status_code == 302:
        landing = client.get(response["Location"])
        assert landing.status_code < 500, f"{where} then GET {response['Location']}"
        assert not executable_markup_in(landing), f"{response['Location']} after {where}"
    page = client.get(form.page)
    assert page.status_code < 500, f"GET {form.page} after {where}"
    assert not executable_markup_in(page), f"{form.page} after {where} shows markup"


def short(payload: dict[str, Any]) -> str:
    return repr(
        {k: (v[:60] + "…" if isinstance(v, str) and len(v) > 60 else v) for k, v in payload.items()}
    )


def forms_by_role(clients: dict[str, Client], url: str) -> dict[tuple, tuple[Form, list[str]]]:
    """The POST forms of the page, once each, with the roles that are shown them."""
    found: dict[tuple, tuple[Form, list[str]]] = {}
    for role, client in clients.items():
        response = client.get(url)
        assert response.status_code < 500, f"GET {url} as {role}: {response.status_code}"
        for form in post_forms_on(response, url):
            if form.action.startswith(SKIPPED_ACTIONS):
                continue
            key = (form.action, tuple(form.fields))
            found.setdefault(key, (form, []))[1].append(role)
    return found


@pytest.fixture
def clients(world: World, client_for) -> dict[str, Client]:
    return {role: client_for(getattr(world, role)) for role in ROLES}


def attack(form: Form, clients: dict[str, Client]) -> None:
    """A few hostile submissions of ``form``, each as one of the roles shown it."""

    @settings(settings.get_profile("hostile"))
    @given(role=st.sampled_from(sorted(clients)), payload=hostile_payload(form))
    def submit_as(role: str, payload: dict[str, Any]) -> None:
        submit(clients[role], form, payload)

    submit_as()


NUMBER_KINDS = {"hidden", "select", "radio", "checkbox", "number"}
HUGE = "9" * 30  # past any database integer


def sweep_huge_numbers(form: Form, client: Client) -> None:
    """One field at a time past any database integer, the rest valid: the id and version
    fields are read by views as well as forms, and SQLite cannot even compare such a number."""
    valid = {
        name: plausible(field)
        for name, field in form.fields.items()
        if field.kind not in {"file", "button"} and name not in SKIPPED_FIELDS
    }
    for name, field in form.fields.items():
        if name in valid and field.kind in NUMBER_KINDS:
            submit(client, form, {**valid, name: HUGE})


# Files (PDF, Word, Excel, calendar, QR code) have no forms; a form shown on several pages
# (a list's deactivate buttons) is attacked once.
DOCUMENT_SUFFIXES = ("_pdf", "_docx", "_xlsx", "_ics", "_qr", "_poster")
PAGE_ROUTES = [r for r in CRAWLED_ROUTES if not (r.name or "").endswith(DOCUMENT_SUFFIXES)]
ATTACKED: dict[tuple, Form] = {}


@pytest.mark.parametrize("route", PAGE_ROUTES, ids=str)
def test_every_form_refuses_hostile_input_clearly_or_stores_it_as_text(route, world, clients):
    url = url_of(route, build_scene(world, world.org))
    for key, (form, roles) in forms_by_role(clients, url).items():
        if key in ATTACKED:
            continue
        ATTACKED[key] = form
        attack(form, {role: clients[role] for role in roles})
        sweep_huge_numbers(form, clients[roles[0]])


# Forms that delete or withdraw would leave fewer pages to look at afterwards.
DESTRUCTIVE = ("/slett/", "/deaktiver/", "/trekk-tilbake/", "/fjern/")
TEXT_KINDS = {"text", "textarea", "search"}
MARKUP_LINE = f"{SCRIPT} {IMG} [klikk](javascript:alert(1))"


def test_markup_stored_through_any_form_shows_as_text_on_every_page(world, clients):
    scene = build_scene(world, world.org)
    urls = [url_of(route, scene) for route in PAGE_ROUTES]
    stored = []
    for url in urls:
        for form, roles in forms_by_role(clients, url).values():
            if any(part in form.action for part in DESTRUCTIVE):
                continue
            payload = {
                name: MARKUP_LINE if field.kind in TEXT_KINDS else plausible(field)
                for name, field in form.fields.items()
                if field.kind not in {"button", "file"}
            }
            response = clients[roles[0]].post(form.action, payload)
            assert response.status_code < 500, f"POST {form.action}: {response.status_code}"
            if response.status_code == 302:
                stored.append(form.action)
    assert len(stored) >= 20, stored  # enough went through to make the look meaningful
    shown_as_text = 0
    for url in urls:
        for role in ("top_leader", "admin", "unit_leader"):
            response = clients[role].get(url)
            assert response.status_code < 500, f"GET {url} as {role}"
            assert not executable_markup_in(response), f"{url} as {role} shows stored markup"
            shown_as_text += "&lt;script&gt;alert(1)" in body_of(response)
    assert shown_as_text >= 20  # the look found the stored text, escaped


# Query parameters pages commonly read, besides those their filter forms name.
COMMON_QUERY = ("q", "page", "year", "ar", "enhet", "unit", "tema", "fra", "til", "sort", "status")


def test_every_page_survives_hostile_query_parameters(world, clients):
    scene = build_scene(world, world.org)
    for route in PAGE_ROUTES:
        url = url_of(route, scene)
        client = clients["top_leader"] if "organisasjon" not in url else clients["admin"]
        look_with_hostile_queries(client, url)


def look_with_hostile_queries(client: Client, url: str) -> None:
    names = set(COMMON_QUERY)
    for form in forms_on(client.get(url), url, "get"):
        names |= {name for name, field in form.fields.items() if field.kind != "button"}

    @settings(settings.get_profile("hostile"), max_examples=4)
    @given(query=st.fixed_dictionaries({}, optional=dict.fromkeys(names, hostile_query())))
    def look(query: dict[str, Any]) -> None:
        response = client.get(url, query)
        assert response.status_code < 500, f"GET {url} {short(query)}: {response.status_code}"
        assert not executable_markup_in(response), f"GET {url} {short(query)} echoes markup"

    look()


def hostile_query() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(MARKUP + NUMBERS + DATES + IDS),
        st.text(max_size=30),
        st.lists(st.sampled_from(IDS), max_size=3),
    )


HOSTILE_FIELDS = {
    "version": "1e999",
    "action": SCRIPT,
    "key": IMG,
    "id": "' OR 1=1 --",
    "date": "2026-02-30",
    "status": "9" * 30,
}


def test_every_endpoint_survives_a_hostile_post_without_a_form(world, clients):
    # POST-only actions (confirm, delete, send...) have no page of their own to crawl.
    scene = build_scene(world, world.org)
    problems = []
    for route in PAGE_ROUTES:
        url = url_of(route, scene)
        for role in ("admin", "top_leader"):
            clients[role].get(url)  # pages that set up their defaults on first sight
            before = table_digests()
            response = clients[role].post(url, HOSTILE_FIELDS)
            where = f"POST {url} as {role}: {response.status_code}"
            if response.status_code >= 500:
                problems.append(where)
            elif executable_markup_in(response):
                problems.append(f"{where} echoes markup")
            elif response.status_code in REFUSAL_STATUSES:
                changed = changed_tables(before, table_digests())
                if changed:
                    problems.append(f"{where} refused but changed {changed}")
    assert problems == []


# --- 10 MB bodies -------------------------------------------------------------------------

TEN_MB = 10 * 1024 * 1024


def test_a_10_mb_body_is_refused_everywhere(world):
    # With the CSRF check on, as in production: the middleware reads the body first,
    # and Django refuses what is over DATA_UPLOAD_MAX_MEMORY_SIZE with a 400.
    scene = build_scene(world, world.org)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin, backend="django.contrib.auth.backends.ModelBackend")
    client.cookies["csrftoken"] = "x" * 32  # a well-formed secret; the body is read next
    body = b"text=" + b"A" * TEN_MB
    before = table_digests()
    answers = {}
    for route in CRAWLED_ROUTES:
        url = url_of(route, scene)
        response = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
        answers[url] = response.status_code
    assert {url: code for url, code in answers.items() if code not in (400, 413)} == {}
    assert changed_tables(before, table_digests()) == []


# --- files --------------------------------------------------------------------------------

UPLOAD_ROUTES = [
    r for r in CRAWLED_ROUTES if r.name in {"measure_import", "unit_import", "incident_import"}
]

GOOD_CSV = "periode;verdi;kommentar\n2026-01;3;ok\n2026-02;4;\n"
BROKEN_FILES = {
    "utf16": GOOD_CSV.encode("utf-16"),
    "utf16-no-bom": GOOD_CSV.encode("utf-16-le"),
    "utf32": GOOD_CSV.encode("utf-32"),
    "unclosed-quote": b'periode;verdi\n"2026-01;3\n2026-02;4\n',
    "nul": b"periode;verdi\n2026-01;\x003\n",
    "binary": bytes(range(256)) * 8,
    "png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,
    "empty": b"",
    "only-header": b"periode;verdi\n",
    "bom-only": codecs.BOM_UTF8,
    "30-february": b"periode;verdi\n2026-02-30;3\n",
    "huge-numbers": b"periode;verdi\n2026-01;1e999\n2026-02;NaN\n2026-03;-inf\n2026-04;"
    + b"9" * 400
    + b"\n",
    "markup": f"periode;verdi;kommentar\n2026-01;3;{SCRIPT}\n2026-02;4;{IMG}\n".encode(),
    "ragged": b"periode;verdi\n2026-01\n2026-02;4;5;6;7\n;;;\n",
    "10mb": b"periode;verdi\n" + b"2026-01;3\n" * (TEN_MB // 10),
    "many-rows": b"periode;verdi\n" + b"2026-01;3\n" * 5000,
    "mixed-newlines": b"periode;verdi\r2026-01;3\r\n2026-02;4\n",
    "cp1252": "periode;verdi;kommentar\n2026-01;3;bl\xe5b\xe6r\n".encode("cp1252"),
}


@pytest.mark.parametrize("route", UPLOAD_ROUTES, ids=str)
@pytest.mark.parametrize("name", BROKEN_FILES)
def test_imports_refuse_broken_files_clearly(route, name, world, clients):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = url_of(route, build_scene(world, world.org))
    upload = SimpleUploadedFile(f"{name}.csv", BROKEN_FILES[name], content_type="text/csv")
    client = clients["admin"] if route.name != "measure_import" else clients["top_leader"]
    before = table_digests()
    response = client.post(url, {"file": upload})
    assert response.status_code < 500, f"{name} to {url}: {response.status_code}"
    assert not executable_markup_in(response)
    if response.status_code == 302:
        landing = client.get(response["Location"])
        assert not executable_markup_in(landing), f"{name} stored markup shown by {landing}"
        return
    assert shows_error_message(response), f"{name} to {url}: no message"
    assert changed_tables(before, table_digests()) == [], f"{name} refused but data changed"


def test_measure_import_survives_any_bytes(world, clients):
    from django.core.files.uploadedfile import SimpleUploadedFile

    route = next(r for r in UPLOAD_ROUTES if r.name == "measure_import")
    url = url_of(route, build_scene(world, world.org))

    @settings(settings.get_profile("hostile"), max_examples=15)
    @given(raw=st.binary(max_size=2000))
    def upload(raw: bytes) -> None:
        response = clients["top_leader"].post(url, {"file": SimpleUploadedFile("x.csv", raw)})
        assert response.status_code < 500

    upload()


# --- public pages anyone with the link can post to ----------------------------------------


def test_public_forms_refuse_hostile_input_clearly_or_store_it_as_text(world, clients):
    from datetime import timedelta

    from django.utils import timezone

    from visitt.planning.visits import Visit

    scene = build_scene(world, world.org)
    upcoming = Visit.objects.create(
        organisation=world.org,
        unit=world.unit,
        date=timezone.localdate() + timedelta(days=14),
        visit_leader=world.top_leader,
        created_by=world.top_leader,
    )
    survey = scene["survey_pk"]
    pages = {
        f"/p/{survey.token}/": f"/puls/{survey.pk}/",  # type: ignore[attr-defined]
        f"/innspill/{upcoming.staff_input_token}/": f"/visitter/{upcoming.pk}/forberedelse/",
    }
    anonymous = Client()
    attacked = 0
    for public, staff_page in pages.items():
        for form in post_forms_on(anonymous.get(public), public):
            attack(form, {"anonymous": anonymous})
            attacked += 1
        # What the public stored is shown to the leaders as text.
        for role in ("top_leader", "coordinator"):
            response = clients[role].get(staff_page)
            assert response.status_code < 500, staff_page
            assert not executable_markup_in(response), f"{staff_page} shows stored markup"
    assert attacked >= 2, "the public pages showed no form"
