"""Two runs of the daily notices at the same moment (two machines, or cron overlapping a
manual run) never send a notice twice, single or in a digest. Needs real row locks
between connections, so it runs on PostgreSQL (DATABASE_URL=postgres://...) and is
skipped on SQLite; scripts/run-tests runs it in its PostgreSQL pass (and with
VISITT_REQUIRE_POSTGRES=1 a missing PostgreSQL server fails the run)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail

from tests.followup.notices_support import at, conducted_visit, make_action
from tests.planning.test_letters_concurrency import racing_claims
from visitt.followup import notify
from visitt.followup.notices import Notice
from visitt.followup.plans import Action

ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]
pytestmark = pytest.mark.skipif(
    not ON_POSTGRES, reason="concurrent claims need PostgreSQL (set DATABASE_URL)"
)

RUNS = 2
TODAY = date(2026, 4, 8)


def test_two_concurrent_runs_send_every_notice_exactly_once(world, transactional_db):
    world.secretary.daily_digest = True  # some in a digest, the rest one by one
    world.secretary.save(update_fields=["daily_digest"])
    for i in range(4):
        conducted_visit(world, date(2026, 3, 23) + timedelta(days=i))  # minutes overdue
        make_action(world, due=TODAY + timedelta(days=i), what=f"Tiltak {i}")  # due soon
        make_action(
            world, due=TODAY - timedelta(days=30 + i), owner=world.secretary, what=f"Sent {i}"
        )
        make_action(
            world,
            due=TODAY,
            status=Action.Status.DONE,
            finished=at(TODAY - timedelta(days=1)),
            what=f"Ferdig {i}",
        )

    # Both runs read what is due before either claims anything, so they race for every
    # notice.
    results, errors = racing_claims(notify, lambda: notify.send_followup_notices(TODAY), RUNS)

    assert errors == []
    assert len(results) == RUNS
    every_claim = [key for result in results for key in result.created]
    all_keys = list(Notice.objects.values_list("key", flat=True))
    assert sorted(every_claim) == sorted(all_keys)  # each claimed once, none lost
    assert not Notice.objects.filter(sent_at=None).exists()

    # Single notices: one e-mail each, to everyone but the secretary.
    singles = [m for m in mail.outbox if m.to != [world.secretary.email]]
    others = Notice.objects.exclude(recipient=world.secretary).select_related("recipient")
    assert len(singles) == others.count()
    for notice in others:
        hits = [m for m in singles if m.to == [notice.recipient.email] and notice.body in m.body]
        assert len(hits) == 1, notice.key
    # The secretary's notices: each in exactly one digest.
    digests = [m.body for m in mail.outbox if m.to == [world.secretary.email]]
    assert digests
    for notice in Notice.objects.filter(recipient=world.secretary):
        assert sum(body.count(notice.body) for body in digests) == 1, notice.key

    # A third run afterwards finds nothing left to do.
    before = len(mail.outbox)
    again = notify.send_followup_notices(TODAY)
    assert again.created == [] and len(mail.outbox) == before
