"""Backup and restore (issue 7): seed the demo, back it up, restore it into a fresh
database and find every record, on SQLite always and on PostgreSQL when it answers."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from .servers import (
    app_environment,
    copy_sqlite,
    create_postgres_database,
    drop_postgres_database,
    manage,
    postgres_url,
    run_python,
    seeded_sqlite,
)

pytestmark = pytest.mark.ops

# Row count and a digest of every row, per model, in primary-key order.
CENSUS = """
import hashlib, json
from django.apps import apps
from django.core import serializers
census = {}
for model in apps.get_models():
    rows = model._default_manager.order_by("pk")
    digest = hashlib.sha256(serializers.serialize("json", rows).encode()).hexdigest()
    census[model._meta.label] = [rows.count(), digest]
print(json.dumps(census))
"""


def census(environment: dict[str, str]) -> dict[str, list]:
    result = run_python(environment, CENSUS)
    assert isinstance(result, dict)
    return result


def assert_same_records(before: dict, after: dict) -> None:
    assert before["accounts.User"][0] > 0, "the demo was not seeded"
    different = {label for label in before if before[label] != after.get(label)}
    assert not different, f"these models differ after the restore: {sorted(different)}"


def test_sqlite_backup_restores_every_record_into_a_fresh_database(tmp_path, tmp_path_factory):
    live = copy_sqlite(seeded_sqlite(tmp_path_factory), tmp_path / "live.sqlite3")
    live_environment = app_environment(f"sqlite:///{live}", tmp_path / "media")
    before = census(live_environment)

    backup = tmp_path / "backup.sqlite3"
    assert "Backed up" in manage(live_environment, "backup_database", str(backup))
    # The backup of a running (WAL) database is one consistent file of its own.
    assert sqlite3.connect(backup).execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    fresh = tmp_path / "fresh.sqlite3"
    fresh_environment = app_environment(f"sqlite:///{fresh}", tmp_path / "media")
    # Fresh: no file at all, not even migrated.
    assert "Restored" in manage(fresh_environment, "restore_database", str(backup))
    assert_same_records(before, census(fresh_environment))


def test_sqlite_restore_refuses_a_database_with_data_unless_forced(tmp_path, tmp_path_factory):
    live = copy_sqlite(seeded_sqlite(tmp_path_factory), tmp_path / "live.sqlite3")
    environment = app_environment(f"sqlite:///{live}", tmp_path / "media")
    backup = tmp_path / "backup.sqlite3"
    manage(environment, "backup_database", str(backup))

    with pytest.raises(AssertionError, match="already holds data"):
        manage(environment, "restore_database", str(backup))
    with pytest.raises(AssertionError, match="already exists"):
        manage(environment, "backup_database", str(backup))
    assert "Restored" in manage(environment, "restore_database", "--force", str(backup))


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    environment = app_environment(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path / "media")
    with pytest.raises(AssertionError, match="is not a sqlite backup"):
        manage(environment, "restore_database", str(not_a_backup))


def test_postgres_backup_restores_every_record_into_a_fresh_database(
    tmp_path: Path,
    seeded_postgres: str,
) -> None:
    live_environment = app_environment(seeded_postgres, tmp_path / "media")
    before = census(live_environment)
    backup = tmp_path / "backup.dump"
    assert "Backed up" in manage(live_environment, "backup_database", str(backup))

    fresh_name = create_postgres_database()
    try:
        fresh_environment = app_environment(postgres_url(fresh_name), tmp_path / "media")
        assert "Restored" in manage(fresh_environment, "restore_database", str(backup))
        assert_same_records(before, census(fresh_environment))
        with pytest.raises(AssertionError, match="already holds data"):
            manage(fresh_environment, "restore_database", str(backup))
    finally:
        drop_postgres_database(fresh_name)
