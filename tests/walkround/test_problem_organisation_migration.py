"""walkround 0004 fills each existing problem's organisation from its visit."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from visitt.accounts.models import User
from visitt.organisations.models import Organisation, Unit
from visitt.planning.models import Visit

BEFORE = [("walkround", "0003_questions")]
AFTER = [("walkround", "0004_problem_organisation")]


@pytest.mark.django_db(transaction=True)
def test_existing_problems_get_their_visits_organisation():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    # The other apps' tables are as today; only the problem is the historical model.
    Problem = executor.loader.project_state(BEFORE).apps.get_model("walkround", "Problem")
    user = User.objects.create(email="migrering@test.no")
    pairs = []
    for number, name in enumerate(("Første kommune", "Andre kommune")):
        org = Organisation.objects.create(name=name, organisation_number=f"9{number}0000000")
        unit = Unit.objects.create(organisation=org, name=f"{name} sykehjem")
        visit = Visit.objects.create(
            organisation=org, unit=unit, date=date(2026, 3, 2), visit_leader=user, created_by=user
        )
        problem = Problem.objects.create(
            visit_id=visit.pk, number=1, title="Fall", created_by_id=user.pk
        )
        pairs.append((problem.pk, org.pk))

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("walkround", "Problem")
    assert [(p.pk, p.organisation_id) for p in new.objects.order_by("pk")] == pairs
