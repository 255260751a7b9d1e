"""Who may do what in phase 1. Checked against the current organisation (no query)."""

import rules

from visitt.organisations.models import Role
from visitt.organisations.rules import has_role

is_leadership = has_role(Role.TOP_LEADER, Role.COORDINATOR, Role.SECRETARY, Role.MEDICAL_ADVISOR)
plans_visits = has_role(Role.TOP_LEADER, Role.COORDINATOR)

# The year's plan and the visits: the leadership group sees them; the top leader and
# the coordinator plan, schedule, postpone and send invitations.
rules.add_perm("planning.view_visits", is_leadership)
rules.add_perm("planning.manage_visits", plans_visits)
rules.add_perm("planning.manage_plan", plans_visits)
# Incident counts and the staff's examples are confidential preparation material.
rules.add_perm("planning.view_preparation", is_leadership)
rules.add_perm("planning.manage_professions", has_role(Role.ADMIN, Role.COORDINATOR))
