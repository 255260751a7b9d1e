"""Who may do what in phase 3. Checked against the current organisation (no query);
object-level checks (is this person on the visit's team, the owner of this action) live
in visitt.followup.access."""

import rules

from visitt.organisations.models import Role
from visitt.organisations.rules import has_role

is_leadership = has_role(Role.TOP_LEADER, Role.COORDINATOR, Role.SECRETARY, Role.MEDICAL_ADVISOR)

# The action plan: the leadership works on it; unit leaders and action owners read it.
rules.add_perm("followup.view_plans", is_leadership | has_role(Role.UNIT_LEADER, Role.ACTION_OWNER))
rules.add_perm("followup.edit_plans", is_leadership)
# Minutes: drafted by the secretary (or another member of the visit's team), signed by
# the top leader and the visit leader.
rules.add_perm("followup.edit_minutes", is_leadership)
rules.add_perm("followup.sign_minutes", is_leadership)
# "Mine tiltak": anyone who can own an action.
rules.add_perm(
    "followup.own_actions",
    is_leadership | has_role(Role.UNIT_LEADER, Role.ACTION_OWNER, Role.ADMIN),
)
