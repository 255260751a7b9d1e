"""Who may see the reports. Checked against the current organisation (no query)."""

import rules

from visitt.organisations.models import Role
from visitt.organisations.rules import has_role

# Learning across units: the leadership sees every unit's problems and outcomes.
rules.add_perm(
    "reports.view_learning",
    has_role(Role.TOP_LEADER, Role.COORDINATOR, Role.SECRETARY, Role.MEDICAL_ADVISOR),
)
