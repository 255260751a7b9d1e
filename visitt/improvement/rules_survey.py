"""Who may run the staff pulse survey. Checked against the current organisation (no
query); whether a unit leader leads the survey's unit is checked in services_survey.

The top leader and the coordinator run surveys for every unit; a unit leader for the
units they lead (as unit leader on a visit there). Answering needs no account at all."""

import rules

from visitt.organisations.models import Role
from visitt.organisations.rules import has_role

rules.add_perm(
    "improvement.view_surveys", has_role(Role.TOP_LEADER, Role.COORDINATOR, Role.UNIT_LEADER)
)
rules.add_perm("improvement.manage_all_surveys", has_role(Role.TOP_LEADER, Role.COORDINATOR))
