"""Helpers that run Visitt as real processes for the operations tests: gunicorn app
servers with production settings on loopback, `manage.py db_worker` task workers, an
SMTP sink that counts the e-mails, and a PostgreSQL test database made and dropped by
a fixture (on TEST_POSTGRES_URL, else postgres://postgres@127.0.0.1:5432)."""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import dj_database_url
import psycopg
import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/visitt")
DEMO_PASSWORD = "demo-visitt"


# --- PostgreSQL -----------------------------------------------------------------------


def _pg_admin_connection() -> psycopg.Connection:
    config = dj_database_url.parse(PG_URL)
    return psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"],
        dbname="postgres",
        connect_timeout=3,
        autocommit=True,
    )


def postgres_answers() -> bool:
    try:
        _pg_admin_connection().close()
    except Exception:
        return False
    return True


def require_postgres() -> None:
    """Skips the test when PostgreSQL does not answer; fails it instead when
    VISITT_REQUIRE_POSTGRES=1 (as in CI)."""
    if postgres_answers():
        return
    message = f"PostgreSQL at {PG_URL} does not answer"
    if os.environ.get("VISITT_REQUIRE_POSTGRES") == "1":
        pytest.fail(message + " and VISITT_REQUIRE_POSTGRES=1")
    pytest.skip(message)


def postgres_url(name: str) -> str:
    config = dj_database_url.parse(PG_URL)
    credentials = config["USER"] or "postgres"
    if config["PASSWORD"]:
        credentials += f":{config['PASSWORD']}"
    return f"postgres://{credentials}@{config['HOST']}:{config['PORT'] or 5432}/{name}"


def create_postgres_database(template: str = "") -> str:
    name = f"visitt_ops_{secrets.token_hex(4)}"
    with _pg_admin_connection() as connection:
        if template:
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        else:
            connection.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_postgres_database(name: str) -> None:
    with _pg_admin_connection() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database, dropped after the test."""
    require_postgres()
    name = create_postgres_database()
    try:
        yield postgres_url(name)
    finally:
        drop_postgres_database(name)


@pytest.fixture(scope="session")
def seeded_postgres_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The name of a PostgreSQL database with the demo, migrated and seeded once per
    session; tests copy it (CREATE DATABASE ... TEMPLATE) as SQLite tests copy a file."""
    require_postgres()
    name = create_postgres_database()
    try:
        environment = app_environment(postgres_url(name), tmp_path_factory.mktemp("media"))
        migrate(environment)
        seed_demo(environment)
        yield name
    finally:
        drop_postgres_database(name)


@pytest.fixture
def seeded_postgres(seeded_postgres_template: str) -> Iterator[str]:
    """The URL of a fresh copy of the seeded demo database, dropped after the test."""
    name = create_postgres_database(template=seeded_postgres_template)
    try:
        yield postgres_url(name)
    finally:
        drop_postgres_database(name)


# --- Environment and manage.py --------------------------------------------------------


_STATIC_VAR_DIR: list[Path] = []


def collected_static_files(environment: dict[str, str]) -> str:
    """A folder whose static/ holds what collectstatic gathers, once per test process:
    production pages need its manifest, as on a real deployment."""
    if not _STATIC_VAR_DIR:
        folder = Path(tempfile.mkdtemp(prefix="visitt-static-"))
        manage({**environment, "VISITT_VAR_DIR": str(folder)}, "collectstatic", "--no-input", "-v0")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _STATIC_VAR_DIR.append(folder)
    return str(_STATIC_VAR_DIR[0])


def app_environment(database_url: str, media_root: Path, **extra: str) -> dict[str, str]:
    """Production settings, served over plain http on loopback, with collected static
    files."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO_", "VISITT_", "EMAIL_", "COV_"))
    }
    environment.update(
        {
            "VISITT_ENV": "production",
            "DEBUG": "false",
            "SECRET_KEY": "ops-test-" + "k3y" * 20,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(media_root),
            "DB_CONN_MAX_AGE": "0",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    environment.update(extra)
    environment["VISITT_VAR_DIR"] = collected_static_files(environment)
    return environment


def manage(environment: dict[str, str], *args: str, timeout: float = 180) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def run_python(environment: dict[str, str], code: str) -> object:
    """Runs code in a Django shell with the given settings; returns the JSON it printed
    on its last line."""
    output = manage(environment, "shell", "--no-imports", "-c", code)
    return json.loads(output.strip().splitlines()[-1])


def migrate(environment: dict[str, str]) -> None:
    """What a deployment runs before starting: the schema, and the cache table that
    rate limits and locks share between processes."""
    manage(environment, "migrate", "--no-input", "-v0")
    manage(environment, "createcachetable")


def seed_demo(environment: dict[str, str]) -> None:
    """The demo refuses a production database; seed it as a laptop would."""
    manage({**environment, "VISITT_ENV": "development"}, "seed_demo")


_SEEDED_SQLITE: dict[str, Path] = {}


def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with the demo (seed_demo), made once per test session."""
    if "demo" not in _SEEDED_SQLITE:
        folder = tmp_path_factory.mktemp("seeded")
        path = folder / "demo.sqlite3"
        environment = app_environment(f"sqlite:///{path}", folder / "media")
        migrate(environment)
        seed_demo(environment)
        # One self-contained file to copy: fold the write-ahead log into it.
        connection = __import__("sqlite3").connect(path)
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
        _SEEDED_SQLITE["demo"] = path
    return _SEEDED_SQLITE["demo"]


def copy_sqlite(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    return target


# --- Processes ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Process:
    """A child process in its own process group, so that kill() takes down a gunicorn
    master and its workers at once, as a crashed machine would."""

    def __init__(self, args: list[str], environment: dict[str, str], log: Path) -> None:
        self.log = log
        self._log_file = open(log, "ab")  # noqa: SIM115 - closed in stop()/kill()
        self.popen = subprocess.Popen(
            args,
            cwd=ROOT,
            env=environment,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL, no chance to finish anything."""
        self._signal(signal.SIGKILL)

    def stop(self) -> None:
        self._signal(signal.SIGTERM)

    def _signal(self, signum: int) -> None:
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signum)
        try:
            self.popen.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=5)
        self._log_file.close()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


class Server(Process):
    def __init__(self, environment: dict[str, str], log: Path, workers: int = 2) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        super().__init__(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "visitt.wsgi:application",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={workers}",
                "--threads=4",
                "--timeout=60",
                # Longer than any pause in a test: with the default two seconds a client
                # that sends just as the server closes its idle connection gets a reset
                # (gunicorn #1698), which a test would take for the server dying.
                "--keep-alive=75",
            ],
            environment,
            log,
        )
        self.wait_until_ready()

    def wait_until_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{self.output()}")
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer /healthz:\n{self.output()}")


def start_worker(environment: dict[str, str], log: Path, worker_id: str) -> Process:
    return Process(
        [
            PYTHON,
            "manage.py",
            "db_worker",
            "--no-startup-delay",
            "--no-reload",
            "--interval=0.2",
            f"--worker-id={worker_id}",
        ],
        environment,
        log,
    )


# --- E-mail ---------------------------------------------------------------------------


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's SMTP backend (no TLS, no login)."""

    def handle(self) -> None:
        sink: SmtpSink = self.server.sink  # type: ignore[attr-defined]
        self._reply("220 sink ready")
        recipients: list[str] = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.decode("ascii", "replace").strip().upper()
            if verb.startswith(("EHLO", "HELO")):
                self._reply("250 sink")
            elif verb.startswith("MAIL FROM"):
                recipients = []
                self._reply("250 ok")
            elif verb.startswith("RCPT TO"):
                if sink.hold_once(line.decode()):
                    return  # the client was killed while we held it
                recipients.append(
                    re.sub(r"^RCPT TO:\s*<?|>.*$", "", line.decode().strip(), flags=re.I)
                )
                self._reply("250 ok")
            elif verb == "DATA":
                self._reply("354 go ahead")
                body = []
                while (data := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    body.append(data)
                sink.add(recipients, b"".join(body).decode("utf-8", "replace"))
                self._reply("250 queued")
            elif verb == "QUIT":
                self._reply("221 bye")
                return
            else:
                self._reply("250 ok")

    def _reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")


class SmtpSink:
    """An SMTP server on loopback that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []
        self._lock = threading.Lock()
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpHandler)
        self._server.daemon_threads = True
        self._server.sink = self  # type: ignore[attr-defined]
        self.port = self._server.server_address[1]
        # hold(address): the next RCPT TO that address hangs until release(), so a test
        # can kill the process that is sending, in the middle of its work.
        self._hold_address = ""
        self.holding = threading.Event()
        self._released = threading.Event()
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def hold(self, address: str) -> None:
        self._hold_address = address.lower()

    def release(self) -> None:
        self._released.set()

    def hold_once(self, rcpt_line: str) -> bool:
        if not self._hold_address or self._hold_address not in rcpt_line.lower():
            return False
        self._hold_address = ""
        self.holding.set()
        self._released.wait(timeout=60)
        return True

    def to(self, address: str) -> int:
        """How many messages went to ``address``."""
        return sum(address.lower() in (r.lower() for r in rs) for rs, _ in self.messages)

    def add(self, recipients: list[str], message: str) -> None:
        with self._lock:
            self.messages.append((recipients, message))

    def environment(self) -> dict[str, str]:
        return {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(self.port), "EMAIL_USE_TLS": "false"}

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    yield sink
    sink.close()


# --- A browser ------------------------------------------------------------------------


class Browser:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()

    def _headers(self, extra: dict[str, str]) -> dict[str, str]:
        # Production marks the cookies Secure, which requests would not send over the
        # plain http these tests use on loopback: send them by hand.
        cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.session.cookies)
        return {"Cookie": cookies, **extra}

    def csrf_token(self) -> str:
        return self.session.cookies.get("csrftoken", "")

    def get(self, path: str, **kwargs) -> requests.Response:  # type: ignore[no-untyped-def]
        headers = self._headers(kwargs.pop("headers", {}))
        return self.session.get(self.base_url + path, headers=headers, timeout=30, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> requests.Response:  # type: ignore[no-untyped-def]
        headers = self._headers({"X-CSRFToken": self.csrf_token(), **kwargs.pop("headers", {})})
        return self.session.post(
            self.base_url + path, data=data, headers=headers, timeout=30, **kwargs
        )

    def sign_in(self, email: str, password: str = DEMO_PASSWORD) -> None:
        page = self.get("/konto/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, page.text[:500]
        response = self.post(
            "/konto/login/",
            {"csrfmiddlewaretoken": token.group(1), "login": email, "password": password},
            allow_redirects=False,
        )
        assert response.status_code == 302, response.text[:2000]

    def with_base(self, base_url: str) -> Browser:
        """The same signed-in session against another server (another node)."""
        other = Browser(base_url)
        other.session = self.session
        return other
