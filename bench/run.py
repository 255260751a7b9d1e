"""The load benchmark behind `make bench` (issue 7): Visitt under gunicorn with the
production settings, on SQLite and then on PostgreSQL, with national-scale data and with
one organisation, 16 concurrent clients over the key pages; writes bench/RESULTS.md.

Settings through the environment (defaults in brackets):
  BENCH_ORGANISATIONS [400]  BENCH_YEARS [10]  BENCH_SEED [1]
  BENCH_USERS [16]  BENCH_SECONDS [120]  BENCH_DATABASES [sqlite,postgres]
  BENCH_POSTGRES_URL [postgres://postgres@127.0.0.1:5432/postgres]
The data is generated once per database and size and reused by the next run while the
settings are the same (bench/var/*.stamp); delete bench/var to start afresh.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "bench" / "var"
PY = str(ROOT / ".venv" / "bin" / "python")
BIN = ROOT / ".venv" / "bin"

ORGANISATIONS = int(os.environ.get("BENCH_ORGANISATIONS", "400"))
YEARS = int(os.environ.get("BENCH_YEARS", "10"))
SEED = int(os.environ.get("BENCH_SEED", "1"))
USERS = int(os.environ.get("BENCH_USERS", "16"))
# Two minutes give each page about 160 requests (in one minute its p95 rests on four).
SECONDS = int(os.environ.get("BENCH_SECONDS", "120"))
DATABASES = os.environ.get("BENCH_DATABASES", "sqlite,postgres").split(",")
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")

# The budgets of issue 7, on this 2-core machine at 16 concurrent clients.
HTML_P95_MS = 150
PDF_P95_MS = 2000
SINGLE_ORGANISATION_FACTOR = 1.5


@dataclass
class PageResult:
    name: str
    requests: int
    failures: int
    p50: float
    p95: float
    rps: float


def say(message: str) -> None:
    print(f"bench: {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(kind: str, size: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{VAR / f'bench-{size}.sqlite3'}"
    base = POSTGRES_URL.rsplit("/", 1)[0]
    return f"{base}/visitt_bench_{size}"


def environment(url: str) -> dict[str, str]:
    """Production settings, on loopback: the TLS proxy is played by the client's
    X-Forwarded-Proto header."""
    return {
        **os.environ,
        "VISITT_ENV": "production",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": url,
        "SITE_URL": "https://127.0.0.1",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PYTHONUNBUFFERED": "1",
    }


SECRET_KEY = secrets.token_urlsafe(60)


def manage(url: str, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=environment(url),
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def fresh_database(kind: str, url: str) -> None:
    if kind == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        return
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def prepare_data(kind: str, size: str, organisations: int) -> str:
    """The database for one run, seeded unless the same data is already there."""
    url = database_url(kind, size)
    stamp = VAR / f"{kind}-{size}.stamp"
    wanted = f"{organisations} {YEARS} {SEED} {date.today().isoformat()}"
    if stamp.exists() and stamp.read_text().strip() == wanted:
        say(f"{kind}, {size}: reusing the data ({wanted})")
        manage(url, "migrate", "--no-input", "-v", "0")
        manage(url, "analyze_database")  # a migration may have added an index
        return url
    say(f"{kind}, {size}: generating {organisations} organisations x {YEARS} years")
    fresh_database(kind, url)
    manage(url, "migrate", "--no-input", "-v", "0")
    manage(url, "createcachetable")
    started = time.monotonic()
    manage(
        url,
        "seed_scale",
        "--organisations",
        str(organisations),
        "--years",
        str(YEARS),
        "--seed",
        str(SEED),
        "--password",
        secrets.token_urlsafe(16),
    )
    say(f"{kind}, {size}: seeded in {time.monotonic() - started:.0f} s")
    stamp.write_text(wanted)
    return url


def serve(url: str, port: int) -> subprocess.Popen:
    cores = os.cpu_count() or 2
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "visitt.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(cores * 2 + 1),
            "--worker-class",
            "sync",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment(url),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("bench: gunicorn did not answer /healthz within 60 s")


def load(url: str, port: int, label: str) -> tuple[dict, list[PageResult]]:
    plan = json.loads(
        manage(url, "shell", "-c", "exec(open('bench/prepare.py').read())", capture=True)
        .strip()
        .splitlines()[-1]
    )
    warm_up(port, plan)
    plan_file = VAR / f"{label}-plan.json"
    plan_file.write_text(json.dumps(plan))
    prefix = VAR / label
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(USERS),
            "--spawn-rate",
            str(USERS),
            "--run-time",
            f"{SECONDS}s",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env={**os.environ, "BENCH_PLAN": str(plan_file)},
        check=False,
    )
    return plan, read_stats(Path(f"{prefix}_stats.csv"), [name for name, _ in plan["pages"]])


def warm_up(port: int, plan: dict) -> None:
    """Every worker process loads its code and templates once before the timing starts."""
    headers = {"X-Forwarded-Proto": "https", "Cookie": f"sessionid={plan['session']}"}
    for _ in range((os.cpu_count() or 2) * 2 + 1):
        for _name, path in plan["pages"]:
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
            with urllib.request.urlopen(request, timeout=60) as answer:
                answer.read()


def read_stats(path: Path, order: list[str]) -> list[PageResult]:
    rows = {row["Name"]: row for row in csv.DictReader(path.open(encoding="utf-8"))}
    return [
        PageResult(
            name=name,
            requests=int(rows[name]["Request Count"]),
            failures=int(rows[name]["Failure Count"]),
            p50=float(rows[name]["50%"]),
            p95=float(rows[name]["95%"]),
            rps=float(rows[name]["Requests/s"]),
        )
        for name in order
        if name in rows
    ]


def run(kind: str, size: str, organisations: int) -> tuple[dict, list[PageResult]]:
    url = prepare_data(kind, size, organisations)
    manage(url, "collectstatic", "--no-input", "-v", "0")
    port = free_port()
    server = serve(url, port)
    try:
        say(f"{kind}, {size}: {USERS} clients for {SECONDS} s")
        return load(url, port, f"{kind}-{size}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def budget(result: PageResult, single: PageResult | None) -> tuple[bool, str]:
    """Whether the page met its budgets, and which it missed."""
    missed = []
    limit = PDF_P95_MS if result.name.endswith("PDF") else HTML_P95_MS
    if result.p95 > limit:
        missed.append(f"p95 > {limit} ms")
    if result.failures:
        missed.append(f"{result.failures} failed")
    if single is not None and result.p50 > SINGLE_ORGANISATION_FACTOR * max(single.p50, 5):
        missed.append(f"p50 > {SINGLE_ORGANISATION_FACTOR}x one organisation")
    return not missed, ", ".join(missed)


def machine() -> str:
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{platform.platform()}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}"
    )


def report(results: dict[str, dict[str, tuple[dict, list[PageResult]]]]) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Made by `make bench` on {date.today().isoformat()}; machine: {machine()}.",
        "",
        f"Visitt under gunicorn ({(os.cpu_count() or 2) * 2 + 1} sync workers, production"
        " settings, static files by WhiteNoise as in production), locust with"
        f" {USERS} concurrent clients for {SECONDS} s, each opening the key pages in turn"
        " with 0.5-1.5 s between clicks, signed in as the largest organisation's top"
        f" leader. National-scale data: `seed_scale --organisations {ORGANISATIONS}"
        f" --years {YEARS} --seed {SEED}`; the comparison run has one organisation"
        f" (`--organisations 1`, same seed). Budgets: HTML p95 ≤ {HTML_P95_MS} ms, the"
        f" annual summary PDF p95 ≤ {PDF_P95_MS} ms, p50 at most"
        f" {SINGLE_ORGANISATION_FACTOR}x the one-organisation run (pages under 5 ms count"
        " as 5 ms). Times in milliseconds.",
        "",
    ]
    for kind, sizes in results.items():
        plan, national = sizes["national"]
        single = {r.name: r for r in sizes["single"][1]} if "single" in sizes else {}
        lines += [
            f"## {'SQLite' if kind == 'sqlite' else 'PostgreSQL'}",
            "",
            f"{plan['organisations']} organisations; the largest, {plan['organisation']},"
            f" has {plan['units']} units and {plan['actions']} actions.",
            "",
            "| page | p50 | p95 | req/s | requests | one org p50 | budget |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        for result in national:
            one = single.get(result.name)
            ok, missed = budget(result, one)
            lines.append(
                f"| {result.name} | {result.p50:.0f} | {result.p95:.0f} | {result.rps:.1f}"
                f" | {result.requests} | {f'{one.p50:.0f}' if one else '-'}"
                f" | {'met' if ok else f'**missed**: {missed}'} |"
            )
        if "uncached" in plan:
            lines += [
                "",
                "The annual summary keeps a draft's figures for ten minutes and its PDF per"
                " content, so the load above mostly meets them kept. Without the cache, once:"
                f" the figures {plan['uncached']['figures']:.0f} ms, the PDF layout"
                f" {plan['uncached']['pdf']:.0f} ms.",
            ]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    if not (BIN / "locust").exists():
        raise SystemExit("bench: locust is missing; run `make bench`, which installs it")
    VAR.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict[str, tuple[dict, list[PageResult]]]] = {}
    for kind in DATABASES:
        if kind == "postgres":
            try:
                psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
            except psycopg.OperationalError:
                say(f"PostgreSQL at {POSTGRES_URL} does not answer: skipped")
                continue
        results[kind] = {
            "national": run(kind, "national", ORGANISATIONS),
            "single": run(kind, "single", 1),
        }
    text = report(results)
    print(text)
    (ROOT / "bench" / "RESULTS.md").write_text(text + "\n" + kept_notes(), encoding="utf-8")


NOTES_MARK = "<!-- Notes below this line are kept when make bench writes the tables again. -->"


def kept_notes() -> str:
    """The written analysis under the tables, kept from the previous RESULTS.md."""
    try:
        previous = (ROOT / "bench" / "RESULTS.md").read_text(encoding="utf-8")
    except FileNotFoundError:
        return "\n" + NOTES_MARK + "\n"
    _, mark, notes = previous.partition(NOTES_MARK)
    return "\n" + NOTES_MARK + (notes if mark else "\n")


if __name__ == "__main__":
    sys.exit(main())
