"""Backs up the configured database to one file.

SQLite: the online backup API (sqlite3.Connection.backup), which copies a consistent
snapshot while the app keeps running. PostgreSQL: ``pg_dump -Fc`` (custom format, for
``pg_restore``). Restore with ``manage.py restore_database PATH``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"


def database_kind(settings_dict: dict) -> str:
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise CommandError(f"Backup and restore support SQLite and PostgreSQL, not {engine}.")


def postgres_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise CommandError(
            f"{name} was not found on PATH. Install the PostgreSQL client tools "
            f"(the same major version as the server, e.g. the postgresql-client package)."
        )
    return path


def postgres_environment(settings_dict: dict) -> dict[str, str]:
    """The libpq variables for the configured database, so that no password appears on
    a command line (visible to every user in the process list)."""
    environment = dict(os.environ)
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
    }
    environment.update({key: str(value) for key, value in values.items() if value})
    return environment


def run_tool(command: list[str], environment: dict[str, str], name: str) -> None:
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise CommandError(f"{name} failed (exit status {result.returncode}):\n{result.stderr}")


def file_kind(path) -> str:
    """ "sqlite" or "postgresql" from the file's first bytes, or "unknown"."""
    with open(path, "rb") as file:
        header = file.read(len(SQLITE_HEADER))
    if header == SQLITE_HEADER:
        return "sqlite"
    if header.startswith(PG_DUMP_HEADER):
        return "postgresql"
    return "unknown"


class Command(BaseCommand):
    help = (
        "Back up the database to PATH: SQLite with the online backup API, "
        "PostgreSQL with pg_dump -Fc. Safe while Visitt is running."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="The backup file to write.")
        parser.add_argument(
            "--force", action="store_true", help="Overwrite PATH if it already exists."
        )
        parser.add_argument("--database", default="default", help="Database alias.")

    def handle(self, *args, **options) -> None:
        path = Path(options["path"]).resolve()
        if path.exists() and not options["force"]:
            raise CommandError(f"{path} already exists. Choose another file or use --force.")
        if not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist.")
        settings_dict = connections[options["database"]].settings_dict
        kind = database_kind(settings_dict)
        # Write next to the target and rename at the end: a failed backup never leaves
        # a half-written file under the name an operator will later restore from.
        partial = path.with_name(path.name + ".partial")
        partial.unlink(missing_ok=True)
        try:
            if kind == "sqlite":
                backup_sqlite(settings_dict["NAME"], partial)
            else:
                backup_postgres(settings_dict, partial)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        size = path.stat().st_size
        self.stdout.write(f"Backed up the {kind} database to {path} ({size} bytes).")


def backup_sqlite(database_name: str, target: Path) -> None:
    source_path = Path(str(database_name))
    if not source_path.is_file():
        raise CommandError(f"The SQLite database {source_path} does not exist.")
    source = sqlite3.connect(source_path)
    destination = sqlite3.connect(target)
    try:
        with destination:
            source.backup(destination)
    finally:
        destination.close()
        source.close()


def backup_postgres(settings_dict: dict, target: Path) -> None:
    pg_dump = postgres_tool("pg_dump")
    run_tool(
        [pg_dump, "--format=custom", "--no-owner", f"--file={target}"],
        postgres_environment(settings_dict),
        "pg_dump",
    )
