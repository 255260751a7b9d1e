"""Phase 3 of the demo, after the walkround demo: the action plans of the conducted
visit's problems (Vedlegg 3's own example), its signed minutes, feedback to the group,
the follow-up visit three months later, and something overdue for the notices.

Each part lives beside the code it shows (demo_*.py) and is idempotent."""

from __future__ import annotations

from datetime import date

from visitt.organisations.models import Organisation


def seed_followup(municipality: Organisation, trust: Organisation, today: date) -> None:
    from . import demo_feedback, demo_minutes, demo_plans

    demo_plans.seed(municipality, trust, today)
    demo_minutes.seed(municipality, trust, today)
    demo_feedback.seed(municipality, trust, today)
    from visitt.improvement.demo import seed_improvement

    seed_improvement(municipality, trust, today)
