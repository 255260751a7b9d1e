"""The query planner's statistics. Both databases choose their query plans from them:
without them SQLite may read every organisation's open actions to find one
organisation's (the start page took seconds at national scale, tens of milliseconds
after ANALYZE). PostgreSQL's autovacuum keeps them fresh by itself; SQLite has nothing
like it, so the daily `analyze_database` command and seed_scale's bulk loads do it."""

from __future__ import annotations

from django.db import connection


def refresh_statistics() -> None:
    """ANALYZE the whole database (about two seconds for national-scale data on SQLite)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
