"""The start page per role (issue 6): one query function per panel, each bounded.

Every panel is a count plus at most ``SHORT_LIST`` rows, so the start page runs the same
number of queries however many visits, minutes and actions the organisation has. All
of it is scoped to the current organisation. Only titles, dates and statuses are shown:
never the confidential notes or the debrief.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from django.db.models import Case, Count, Prefetch, Q, When
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from visitt.followup.minutes import Minutes, minutes_deadline
from visitt.followup.plans import Action
from visitt.followup.services_feedback import feedback_owed
from visitt.followup.services_plans import DUE_SOON_DAYS
from visitt.organisations.access import OrgRequest
from visitt.organisations.models import Organisation, Role, Unit
from visitt.planning.checklist import ChecklistItem
from visitt.planning.goals import GoalOutcome, evaluate, key_figures_for
from visitt.planning.group import IDEAL_GROUP_SIZE
from visitt.planning.plan import AnnualPlan
from visitt.planning.visits import Visit
from visitt.walkround.problems import Problem

SHORT_LIST = 5
COMING_DAYS = 30
NOT_CONDUCTED = (Visit.Status.PLANNED, Visit.Status.CONFIRMED)


@dataclass(frozen=True)
class Row:
    """One line of a panel's short list. ``tag`` is said in words, never colour alone."""

    text: str
    url: str = ""
    when: date | None = None
    tag: str | Promise = ""
    tag_color: str = "neutral"
    state: str = ""
    is_deadline: bool = False  # ``when`` is a deadline, shown as "frist 3. desember 2026"


@dataclass(frozen=True)
class Listing:
    key: str
    title: str | Promise
    count: int
    rows: list[Row]
    full_url: str = ""
    empty: str | Promise = ""


@dataclass(frozen=True)
class GoalsPanel:
    year: int
    plan: AnnualPlan | None
    goals: list[GoalOutcome]
    url: str


@dataclass(frozen=True)
class PreparationRow:
    visit: Visit
    done: int
    total: int
    group_size: int
    ideal_group_size: int = IDEAL_GROUP_SIZE

    @property
    def is_ready(self) -> bool:
        return self.done == self.total

    @property
    def group_complete(self) -> bool:
        return not self.visit.asks_for_group or self.group_size >= self.ideal_group_size


@dataclass(frozen=True)
class ActionSummary:
    open: int
    overdue: int
    due_soon: int
    rows: list[Row]


@dataclass
class Panels:
    goals: GoalsPanel | None = None
    leader: list[Listing] = field(default_factory=list)
    preparation: list[PreparationRow] | None = None
    preparation_count: int = 0
    secretary: list[Listing] = field(default_factory=list)
    unit_visits: list[Visit] | None = None
    unit_visit_count: int = 0
    my_actions: ActionSummary | None = None

    @property
    def any(self) -> bool:
        return bool(
            self.goals
            or self.leader
            or self.preparation is not None
            or self.secretary
            or self.unit_visits is not None
            or self.my_actions
        )


def _visit_text(visit: Visit) -> str:
    return str(visit.unit.name)


# --- Top leader ------------------------------------------------------------------------


def plan_goals(organisation: Organisation, today: date) -> GoalsPanel:
    """The current year's plan against its goals (four queries, reusing goals.evaluate;
    two more for the key figures when a goal is measured by them)."""
    year = today.year
    plan = (
        AnnualPlan.objects.for_organisation(organisation)
        .filter(year=year)
        .prefetch_related("goals")
        .first()
    )
    goals: list[GoalOutcome] = []
    if plan is not None:
        visits = (
            Visit.objects.for_organisation(organisation)
            .in_year(year)
            .only("pk", "unit_id", "kind", "status")
        )
        units = Unit.objects.for_organisation(organisation).active().only("pk", "parent_id")
        figures = key_figures_for(plan.goals.all(), organisation, year)
        goals = evaluate(plan.goals.all(), visits, list(units), figures)
    return GoalsPanel(year, plan, goals, reverse("plan_year", args=[year]))


def visits_coming(organisation: Organisation, today: date) -> Listing:
    visits = (
        Visit.objects.for_organisation(organisation)
        .upcoming(today)
        .filter(date__lte=today + timedelta(days=COMING_DAYS))
    )
    return _coming_listing(
        visits,
        "coming",
        _("Visits in the next 30 days"),
        _("No visits in the next 30 days."),
        reverse("visit_list"),
    )


def _coming_listing(
    visits: Any, key: str, title: str | Promise, empty: str | Promise, full_url: str = ""
) -> Listing:
    """The first of ``visits`` in date order, each with its kind (two queries)."""
    visits = visits.select_related("unit").order_by("date", "start_time", "pk")
    rows = [
        Row(_visit_text(v), reverse("visit_detail", args=[v.pk]), v.date, v.get_kind_display())
        for v in visits[:SHORT_LIST]
    ]
    return Listing(key, title, visits.count(), rows, full_url, empty)


def visits_overdue(organisation: Organisation, today: date) -> Listing:
    """The date has passed but the visit is not marked conducted."""
    visits = (
        Visit.objects.for_organisation(organisation)
        .filter(status__in=NOT_CONDUCTED, date__lt=today)
        .select_related("unit")
        .order_by("date", "pk")
    )
    rows = [
        Row(
            _visit_text(v),
            reverse("visit_detail", args=[v.pk]),
            v.date,
            _("Not marked conducted"),
            "danger",
            "overdue",
        )
        for v in visits[:SHORT_LIST]
    ]
    return Listing(
        "overdue-visits",
        _("Visits not marked conducted"),
        visits.count(),
        rows,
        reverse("visit_list"),
        _("No visit is waiting to be marked conducted."),
    )


def last_visit_date_past_deadline(today: date) -> date:
    """The latest visit date whose minutes deadline has passed (no query).

    The deadline only moves forward with the visit date, so the visits on or before
    this date are exactly those whose minutes are late."""
    day = today - timedelta(days=1)
    while minutes_deadline(day) >= today:
        day -= timedelta(days=1)
    return day


def minutes_pending(organisation: Organisation, today: date) -> Listing:
    """Minutes in draft or sent for review, and conducted visits whose minutes were not
    started by the deadline; the late ones first."""
    return _minutes_listing(
        {"organisation": organisation},
        today,
        missing_until=last_visit_date_past_deadline(today),
        key="minutes",
        title=_("Minutes overdue or awaiting signature"),
        empty=_("No minutes are waiting."),
    )


def _minutes_listing(
    visits: dict[str, Any],
    today: date,
    *,
    missing_until: date | None,
    key: str,
    title: str | Promise,
    empty: str | Promise,
) -> Listing:
    """Minutes in draft or in review of the visits matching ``visits`` (field lookups),
    and their conducted visits without minutes (up to ``missing_until``); the late first.
    Four queries, whatever the first one found."""
    pending = (
        Minutes.objects.filter(
            status__in=[Minutes.Status.DRAFT, Minutes.Status.IN_REVIEW],
            **{f"visit__{lookup}": value for lookup, value in visits.items()},
        )
        .select_related("visit__unit")
        .order_by("deadline", "pk")
    )
    missing = Visit.objects.filter(
        status=Visit.Status.CONDUCTED, minutes__isnull=True, **visits
    ).select_related("unit")
    if missing_until is not None:
        missing = missing.filter(date__lte=missing_until)
    rows = []
    for v in missing.order_by("date", "pk")[:SHORT_LIST]:
        deadline = minutes_deadline(v.date)
        late = deadline < today
        rows.append(
            Row(
                _visit_text(v),
                reverse("minutes", args=[v.pk]),
                deadline,
                _("Not started, overdue") if late else _("Not started"),
                "danger" if late else "info",
                "overdue" if late else "not-started",
                is_deadline=True,
            )
        )
    for m in pending[:SHORT_LIST]:
        late = m.deadline < today
        if m.status == Minutes.Status.IN_REVIEW:
            tag = _("Awaiting signature, overdue") if late else _("Awaiting signature")
        else:
            tag = _("Draft, overdue") if late else _("Draft")
        rows.append(
            Row(
                _visit_text(m.visit),
                reverse("minutes", args=[m.visit_id]),
                m.deadline,
                tag,
                "danger" if late else "info",
                "overdue" if late else m.status,
                is_deadline=True,
            )
        )
    rows.sort(key=lambda row: row.when or today)
    return Listing(key, title, missing.count() + pending.count(), rows[:SHORT_LIST], "", empty)


def _action_row(action: Action, url: str, today: date) -> Row:
    overdue = action.is_overdue_on(today)
    return Row(
        f"{action} ({action.problem.visit.unit.name})",
        url,
        action.due_date,
        _("Overdue") if overdue else action.get_status_display(),
        "danger" if overdue else "neutral",
        "overdue" if overdue else action.status,
        is_deadline=True,
    )


def actions_overdue(organisation: Organisation, today: date) -> Listing:
    actions = (
        Action.objects.in_organisation(organisation)
        .open()
        .filter(due_date__lt=today)
        .select_related("problem__visit__unit")
        .order_by("due_date", "pk")
    )
    rows = [
        _action_row(a, f"{reverse('action_plan', args=[a.problem.visit_id])}#action-{a.pk}", today)
        for a in actions[:SHORT_LIST]
    ]
    return Listing(
        "actions-overdue",
        _("Actions overdue"),
        actions.count(),
        rows,
        "",
        _("No action is overdue."),
    )


def feedback_due(organisation: Organisation, today: date) -> Listing:
    owed = feedback_owed(organisation)
    rows = [
        Row(
            f"{a} ({a.problem.visit.unit.name})",
            reverse("action_feedback", args=[a.pk]),
            a.finished_at.date() if a.finished_at else None,
            a.get_status_display(),
        )
        for a in owed[:SHORT_LIST]
    ]
    return Listing(
        "feedback",
        _("Feedback owed to the units"),
        owed.count(),
        rows,
        reverse("feedback_owed"),
        _("No feedback is owed."),
    )


def follow_ups_due(organisation: Organisation, today: date) -> Listing:
    visits = (
        Visit.objects.for_organisation(organisation)
        .filter(
            kind=Visit.Kind.FOLLOW_UP,
            status__in=NOT_CONDUCTED,
            date__lte=today + timedelta(days=COMING_DAYS),
        )
        .select_related("unit")
        .order_by("date", "pk")
    )
    rows = []
    for v in visits[:SHORT_LIST]:
        late = v.date < today
        rows.append(
            Row(
                _visit_text(v),
                reverse("visit_detail", args=[v.pk]),
                v.date,
                _("Date passed") if late else _("Coming"),
                "danger" if late else "info",
                "overdue" if late else "coming",
            )
        )
    return Listing(
        "follow-ups",
        _("Follow-up visits due"),
        visits.count(),
        rows,
        reverse("visit_list"),
        _("No follow-up visit is due."),
    )


# --- Coordinator -----------------------------------------------------------------------


def preparation_status(organisation: Organisation, today: date) -> tuple[list, int]:
    """The next visits with their checklist done/total and group size (three queries)."""
    visits = Visit.objects.for_organisation(organisation).upcoming(today)
    coming = (
        visits.select_related("unit")
        .annotate(group_size=Count("participants", filter=Q(participants__is_leader=False)))
        .prefetch_related(
            Prefetch(
                "checklist",
                queryset=ChecklistItem.objects.filter(done_at__isnull=False).only(
                    "pk", "visit_id", "key", "done_at"
                ),
                to_attr="done_items",
            )
        )
        .order_by("date", "start_time", "pk")[:SHORT_LIST]
    )
    total = len(ChecklistItem.Key)
    rows = [
        PreparationRow(
            visit=v,
            done=len({item.key for item in v.done_items}),
            total=total,
            group_size=v.group_size,
        )
        for v in coming
    ]
    return rows, visits.count()


# --- Unit leader -----------------------------------------------------------------------


def unit_leader_visits(organisation: Organisation, user: Any) -> tuple[list[Visit], int]:
    """The latest visits where ``user`` is the unit leader, conducted ones first, with their
    problems' titles and the actions' status (four queries). Descriptions and notes are
    not loaded."""
    visits = Visit.objects.for_organisation(organisation).filter(unit_leader=user)
    latest = (
        visits.select_related("unit")
        .prefetch_related(
            Prefetch(
                "problems",
                queryset=Problem.objects.only("pk", "visit_id", "number", "title").order_by(
                    "number"
                ),
            ),
            Prefetch(
                "problems__actions",
                queryset=Action.objects.only(
                    "pk", "problem_id", "what", "status", "due_date", "order"
                ),
            ),
        )
        # Conducted visits first (they have problems and actions), the latest first.
        .order_by(
            Case(When(status__in=Visit.NOT_YET_CONDUCTED, then=1), default=0),
            "-date",
            "-pk",
        )[:SHORT_LIST]
    )
    return list(latest), visits.count()


# --- Secretary -------------------------------------------------------------------------


def secretary_visits(organisation: Organisation, user: Any, today: date) -> Listing:
    """The next visits where ``user`` writes the notes (two queries)."""
    return _coming_listing(
        Visit.objects.for_organisation(organisation).upcoming(today).filter(secretary=user),
        "secretary-visits",
        _("Your next visits as secretary"),
        _("No visits ahead where you are the secretary."),
    )


def minutes_to_write(organisation: Organisation, user: Any, today: date) -> Listing:
    """The minutes of the visits where ``user`` was the secretary that are not yet signed,
    or not started: every one, not only the late (four queries)."""
    return _minutes_listing(
        {"organisation": organisation, "secretary": user},
        today,
        missing_until=None,
        key="secretary-minutes",
        title=_("Minutes you write"),
        empty=_("No minutes are waiting for you."),
    )


# --- Action owner ----------------------------------------------------------------------


def my_actions(organisation: Organisation, user: Any, today: date) -> ActionSummary:
    """«Mine tiltak» in brief: open, overdue and due soon, and the first few (two queries)."""
    mine = Action.objects.in_organisation(organisation).owned_by(user).open()
    soon = today + timedelta(days=DUE_SOON_DAYS)
    counts = mine.aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=Q(due_date__lt=today)),
        due_soon=Count("pk", filter=Q(due_date__gte=today, due_date__lte=soon)),
    )
    first = mine.select_related("problem__visit__unit").order_by(
        "due_date", "problem__visit__date", "pk"
    )
    rows = []
    for action in first[:SHORT_LIST]:
        row = _action_row(action, f"{reverse('my_actions')}#action-{action.pk}", today)
        if row.state != "overdue" and action.due_date is not None and action.due_date <= soon:
            row = replace(row, tag=_("Due soon"), tag_color="warning", state="due-soon")
        rows.append(row)
    return ActionSummary(counts["open"], counts["overdue"], counts["due_soon"], rows)


# --- Together --------------------------------------------------------------------------


def panels_for(request: OrgRequest) -> Panels:
    """Every panel the person's roles give, in this organisation."""
    organisation = request.organisation
    roles = request.roles
    user = request.user
    today = timezone.localdate()
    panels = Panels()
    if Role.TOP_LEADER in roles:
        panels.goals = plan_goals(organisation, today)
        panels.leader = [
            visits_coming(organisation, today),
            visits_overdue(organisation, today),
            minutes_pending(organisation, today),
            actions_overdue(organisation, today),
            feedback_due(organisation, today),
            follow_ups_due(organisation, today),
        ]
    if Role.COORDINATOR in roles:
        panels.preparation, panels.preparation_count = preparation_status(organisation, today)
    if Role.SECRETARY in roles:
        panels.secretary = [
            secretary_visits(organisation, user, today),
            minutes_to_write(organisation, user, today),
        ]
    if Role.UNIT_LEADER in roles:
        panels.unit_visits, panels.unit_visit_count = unit_leader_visits(organisation, user)
    if Role.ACTION_OWNER in roles or Role.UNIT_LEADER in roles:
        panels.my_actions = my_actions(organisation, user, today)
    return panels
