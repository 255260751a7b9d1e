"""Issue 7: the key pages run the same number of queries on small and on larger data.

The data is seed_scale's, as in the benchmark (bench/pages.py picks the same pages):
first one organisation with two years, then, after rolling that back, two
organisations with three years. The largest organisation (80 units) is signed in both
times; what grows is its history and the other organisations around it."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.pages import key_pages, largest_organisation, top_leader
from visitt.organisations.scale import seed_scale

pytestmark = pytest.mark.django_db

TODAY = date(2026, 10, 15)

# The most any key page may run, session and permission lookups included.
BUDGET = 40


def counts(organisations: int, years: int) -> dict[str, int]:
    seed_scale(organisations, years, seed=3, password="skala-passord-123", today=TODAY)
    org = largest_organisation()
    client = Client()
    client.force_login(top_leader(org), backend="django.contrib.auth.backends.ModelBackend")
    found = {}
    for name, path in key_pages(org):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (name, path)
        found[name] = len(queries)
    return found


def test_each_key_page_runs_the_same_queries_on_small_and_larger_data():
    with time_machine.travel(TODAY, tick=False):
        before = transaction.savepoint_create()
        small = counts(organisations=1, years=2)
        transaction.savepoint_rollback(before)
        larger = counts(organisations=2, years=3)
    assert set(small) == set(larger)
    assert {name: larger[name] for name in small} == small
    over = {name: count for name, count in larger.items() if count > BUDGET}
    assert not over, f"over {BUDGET} queries: {over}"
