"""The HTTP response headers of Visitt under its production settings.

The settings are read once per process, so a production process is started for real
(VISITT_ENV=production, a fresh SQLite database) and asked through Django's test
client, as a request that came through the TLS proxy."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import json
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("createcachetable", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
from django.test import Client
from visitt.accounts.models import User
from visitt.organisations.models import Membership, Organisation, Role

org = Organisation.objects.create(
    name="Hodekommune", organisation_number="964000018",
    two_factor_policy=Organisation.TwoFactorPolicy.OPTIONAL,
)
user = User.objects.create_user("leder@hode.no", "Et-langt-passord-1", full_name="Lea Leder")
Membership.objects.create(user=user, organisation=org).set_roles([Role.TOP_LEADER])

def answer(response):
    cookies = {
        name: {key: str(morsel[key]) for key in ("secure", "httponly", "samesite")}
        for name, morsel in response.cookies.items()
    }
    return {"status": response.status_code, "headers": dict(response.headers), "cookies": cookies}

anonymous = Client(enforce_csrf_checks=False)
result = {
    "login": answer(anonymous.get("/konto/login/", secure=True)),
    "http": answer(Client().get("/konto/login/")),
    "healthz": answer(Client().get("/healthz")),
}
signed_in = Client()
result["sign_in"] = answer(signed_in.post(
    "/konto/login/", {"login": "leder@hode.no", "password": "Et-langt-passord-1"}, secure=True
))
result["start"] = answer(signed_in.get("/", secure=True))
print("PROBE" + json.dumps(result))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> dict:
    var_dir = tmp_path_factory.mktemp("production")
    database = var_dir / "visitt.sqlite3"
    env = {
        **os.environ,
        "VISITT_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{database}",
        # Its own static files: production pages need the manifest that collectstatic writes.
        "VISITT_VAR_DIR": str(var_dir),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    env.pop("PYTEST_VERSION", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("PROBE"))
    return json.loads(line.removeprefix("PROBE"))


def test_the_content_security_policy_allows_no_inline_script_or_foreign_source(production):
    policy = production["login"]["headers"]["Content-Security-Policy"]
    directives = {}
    for part in filter(None, (d.strip() for d in policy.split(";"))):
        name, _, value = part.partition(" ")
        directives[name] = value
    assert directives["default-src"] == "'self'"
    assert directives["script-src"].startswith("'self' 'nonce-")
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["form-action"] == "'self'"
    # A new nonce each response, never a fixed one.
    assert (
        production["login"]["headers"]["Content-Security-Policy"]
        != (production["start"]["headers"]["Content-Security-Policy"])
    )


def test_the_browser_is_told_to_use_https_and_keep_pages_to_itself(production):
    headers = production["login"]["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "geolocation=()" in headers["Permissions-Policy"]


def test_plain_http_is_sent_to_https_but_the_health_check_answers(production):
    assert production["http"]["status"] == 301
    assert production["http"]["headers"]["Location"].startswith("https://")
    assert production["healthz"]["status"] == 200


def test_cookies_are_secure_http_only_and_same_site(production):
    session = production["sign_in"]["cookies"]["sessionid"]
    assert session == {"secure": "True", "httponly": "True", "samesite": "Lax"}
    csrf = production["login"]["cookies"]["csrftoken"]
    assert csrf["secure"] == "True" and csrf["samesite"] == "Lax"


def test_a_signed_in_page_is_not_kept_in_the_browser_cache(production):
    assert production["sign_in"]["status"] == 302
    start = production["start"]
    assert start["status"] == 200
    assert start["headers"]["Cache-Control"] == "no-store"


def test_no_template_has_inline_script_handler_or_style():
    """The policy would block them in the browser (silently to the user): none is written."""
    import re

    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    style = re.compile(r"\sstyle\s*=", re.IGNORECASE)
    found = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for name, pattern in (("script", inline_script), ("handler", handler), ("style", style)):
            found += [f"{template.relative_to(ROOT)}: {name}" for _ in pattern.findall(text)]
        if "javascript:" in text.lower():
            found.append(f"{template.relative_to(ROOT)}: javascript: URL")
    assert not found, found
