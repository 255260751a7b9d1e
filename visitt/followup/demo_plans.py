"""Demo data for phase 3 (plans). Filled in by the work on that area."""

from __future__ import annotations

from datetime import date

from visitt.organisations.models import Organisation


def seed(municipality: Organisation, trust: Organisation, today: date) -> None:
    return None
