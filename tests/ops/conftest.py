"""The fixtures of tests/ops, defined in servers.py (here so that the session-wide
seeded PostgreSQL database is made once for all the modules)."""

from .servers import (  # noqa: F401 - fixtures
    postgres_database,
    seeded_postgres,
    seeded_postgres_template,
    smtp_sink,
)
