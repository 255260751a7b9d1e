"""Restores a backup made by ``manage.py backup_database`` into the configured database.

Refuses a database that already holds data unless --force, so that a restore aimed at
the wrong server cannot silently replace live records. SQLite: copied back with the
online backup API. PostgreSQL: ``pg_restore --clean --if-exists`` in one transaction.
Stop the app servers and workers first.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from .backup_database import (
    database_kind,
    file_kind,
    postgres_environment,
    postgres_tool,
    run_tool,
)


class Command(BaseCommand):
    help = (
        "Restore a backup from PATH into the configured database. Refuses a database "
        "that holds data unless --force. Stop the servers and workers first."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="A file written by backup_database.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the database even if it holds data (everything in it is lost).",
        )
        parser.add_argument("--database", default="default", help="Database alias.")

    def handle(self, *args, **options) -> None:
        path = Path(options["path"]).resolve()
        if not path.is_file():
            raise CommandError(f"The backup file {path} does not exist.")
        connection = connections[options["database"]]
        kind = database_kind(connection.settings_dict)
        if file_kind(path) != kind:
            raise CommandError(
                f"{path} is not a {kind} backup made by backup_database "
                f"(it looks like: {file_kind(path)})."
            )
        if not options["force"]:
            tables = tables_with_data(connection)
            if tables:
                raise CommandError(
                    "The database already holds data (for example in "
                    f"{', '.join(tables[:3])}). Restoring would replace it. "
                    "Use --force if that is what you want."
                )
        settings_dict = connection.settings_dict
        connection.close()
        if kind == "sqlite":
            restore_sqlite(path, settings_dict["NAME"])
        else:
            restore_postgres(path, settings_dict)
        self.stdout.write(f"Restored the {kind} database from {path}.")


def tables_with_data(connection) -> list[str]:
    """The tables of models that hold rows. Content types and permissions are left
    out: migrating an empty database creates them."""
    existing = set(connection.introspection.table_names())
    ignored = {"contenttypes", "auth"}
    with_data = []
    for model in apps.get_models():
        table = model._meta.db_table
        if model._meta.app_label in ignored or table not in existing:
            continue
        if model._default_manager.using(connection.alias).exists():
            with_data.append(table)
    return with_data


def restore_sqlite(path: Path, database_name: str) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise CommandError(f"{path} is damaged (SQLite integrity check failed).")
        destination = sqlite3.connect(str(database_name), timeout=20)
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()


def restore_postgres(path: Path, settings_dict: dict) -> None:
    pg_restore = postgres_tool("pg_restore")
    environment = postgres_environment(settings_dict)
    run_tool(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={environment['PGDATABASE']}",
            str(path),
        ],
        environment,
        "pg_restore",
    )
