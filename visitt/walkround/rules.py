"""Who may do what in phase 2. Checked against the current organisation (no query).

The notes and the debrief are confidential: the organisation-level permissions below
only open the door to the leadership roles; whether a person may read the notes of ONE
visit is decided by ``visitt.walkround.access.can_read_notes`` (the visit's own team or
a top leader)."""

import rules

from visitt.organisations.models import Role
from visitt.organisations.rules import has_role

is_leadership = has_role(Role.TOP_LEADER, Role.COORDINATOR, Role.SECRETARY, Role.MEDICAL_ADVISOR)

rules.add_perm("walkround.view_notes", is_leadership)
rules.add_perm("walkround.edit_notes", is_leadership)
rules.add_perm("walkround.manage_questions", has_role(Role.ADMIN, Role.COORDINATOR))
rules.add_perm("walkround.manage_categories", has_role(Role.ADMIN, Role.COORDINATOR))
