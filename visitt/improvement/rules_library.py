"""Who may use the learning library. Checked against the current organisation (no query).

Every member reads it: the point is that other units reuse what worked. The top leader
and the coordinator publish, edit and withdraw entries; a unit leader reads only."""

import rules

from visitt.organisations.models import Role
from visitt.organisations.rules import has_role, is_member

rules.add_perm("improvement.view_library", is_member)
rules.add_perm("improvement.publish_library", has_role(Role.TOP_LEADER, Role.COORDINATOR))
