"""Who may see the reports. Checked against the current organisation (no query)."""

import rules

from visitt.organisations.models import Role
from visitt.organisations.rules import has_role

# Learning across units: the leadership sees every unit's problems and outcomes.
rules.add_perm(
    "reports.view_learning",
    has_role(Role.TOP_LEADER, Role.COORDINATOR, Role.SECRETARY, Role.MEDICAL_ADVISOR),
)

# The annual summary: the top leader writes the learning points and records the
# leadership group's review and decisions; the leadership reads it (view_learning).
rules.add_perm("reports.edit_annual_summary", has_role(Role.TOP_LEADER))

# The standing item on the leadership meetings. The ones who prepare the meetings make
# it (and so set the remembered date); the medical advisor is part of the leadership
# group (DESIGN.md 1) and may read the items and download them, but does not make them.
rules.add_perm(
    "reports.make_agenda",
    has_role(Role.TOP_LEADER, Role.COORDINATOR, Role.SECRETARY),
)
rules.add_perm(
    "reports.view_agenda",
    has_role(Role.TOP_LEADER, Role.COORDINATOR, Role.SECRETARY, Role.MEDICAL_ADVISOR),
)
