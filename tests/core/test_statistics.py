"""analyze_database: the query planner's statistics, refreshed by the daily command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import translation


@pytest.mark.django_db
def test_the_command_gives_the_planner_statistics_of_the_tables(world):
    out = StringIO()
    with translation.override("en"):
        call_command("analyze_database", stdout=out)
    assert "Statistics refreshed in" in out.getvalue()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT tbl, stat FROM sqlite_stat1 WHERE tbl = 'accounts_user'")
        else:
            cursor.execute(
                "SELECT attname, n_distinct FROM pg_stats WHERE tablename = 'accounts_user'"
            )
        assert cursor.fetchall()


@pytest.mark.django_db
def test_postgresql_plans_for_an_ssd_and_keeps_its_cores_for_the_requests():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner settings")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"
