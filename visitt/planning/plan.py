"""The annual plan (årsoversikt): the year's visits and goals that can be checked afterwards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext_lazy as _

from visitt.organisations.models import Organisation, Unit

from .visits import Postponement, Visit

if TYPE_CHECKING:
    from .goals import GoalOutcome


class StalePlanError(Exception):
    """Someone else saved the plan after this form was opened."""


class AnnualPlanQuerySet(models.QuerySet["AnnualPlan"]):
    def for_organisation(self, organisation: Organisation) -> AnnualPlanQuerySet:
        return self.filter(organisation=organisation)


class AnnualPlan(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="annual_plans"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner (top leader)"),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Optimistic locking: every save through the form checks and bumps it.
    version = models.PositiveIntegerField(default=1)

    objects = AnnualPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="one_plan_per_org_and_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"

    @classmethod
    def create_with_default_goals(
        cls, *, organisation: Organisation, year: int, owner: Any, notes: str = ""
    ) -> AnnualPlan:
        """A new plan with the goals most organisations start from (see default_goals)."""
        with transaction.atomic():
            plan = cls.objects.create(
                organisation=organisation, year=year, owner=owner, notes=notes
            )
            goals = default_goals(organisation.language)
            for order, goal in enumerate(goals):
                goal.plan, goal.order = plan, order
            PlanGoal.objects.bulk_create(goals)
        return plan

    def save_checked(self, expected_version: int, fields: list[str]) -> None:
        """Saves ``fields`` if nobody saved the plan since ``expected_version`` was read,
        bumping the version; raises StalePlanError otherwise (one query)."""
        values = {name: getattr(self, name) for name in fields}
        changed = AnnualPlan.objects.filter(pk=self.pk, version=expected_version).update(
            version=F("version") + 1, **values
        )
        if not changed:
            raise StalePlanError
        self.version = expected_version + 1


class PlanGoal(models.Model):
    """A goal with a target. Where Visitt can compute the result it does (``measure``);
    otherwise the owner records whether it was met."""

    class Measure(models.TextChoices):
        UNITS_VISITED = "units_visited", _("Share of active units visited (%)")
        MINUTES_ON_TIME = "minutes_on_time", _("Share of minutes sent within four working days (%)")
        ACTIONS_DONE_ON_TIME = (
            "actions_done_on_time",
            _("Share of actions completed by their deadline (%)"),
        )
        FOLLOW_UPS_DONE = "follow_ups_done", _("Share of visits with a follow-up visit (%)")
        MANUAL = "manual", _("Assessed by the leadership group")

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField(_("goal"), max_length=300)
    measure = models.CharField(
        _("how it is measured"), max_length=30, choices=Measure, default=Measure.MANUAL
    )
    target = models.DecimalField(
        _("target (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    achieved = models.BooleanField(_("achieved"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


# The goals a new plan starts with, taken from the method: every unit visited in the
# year, minutes within four working days, actions completed by their deadline, and a
# follow-up visit about three months later. Organisation content in the organisation's
# language form (after Helsedirektoratet, I trygge hender 24-7), editable like any goal.
DEFAULT_GOALS: dict[str, list[tuple[str, str, int]]] = {
    "nb": [
        ("Alle aktive enheter besøkt", PlanGoal.Measure.UNITS_VISITED, 100),
        ("Referat sendt innen fire virkedager", PlanGoal.Measure.MINUTES_ON_TIME, 100),
        ("80 % av tiltakene fullført innen frist", PlanGoal.Measure.ACTIONS_DONE_ON_TIME, 80),
        (
            "Oppfølgingsvisitt om lag tre måneder etter hver visitt",
            PlanGoal.Measure.FOLLOW_UPS_DONE,
            100,
        ),
    ],
    "nn": [
        ("Alle aktive einingar besøkte", PlanGoal.Measure.UNITS_VISITED, 100),
        ("Referat sendt innan fire vyrkedagar", PlanGoal.Measure.MINUTES_ON_TIME, 100),
        ("80 % av tiltaka fullførte innan fristen", PlanGoal.Measure.ACTIONS_DONE_ON_TIME, 80),
        (
            "Oppfølgingsvisitt om lag tre månader etter kvar visitt",
            PlanGoal.Measure.FOLLOW_UPS_DONE,
            100,
        ),
    ],
}


def default_goals(language: str) -> list[PlanGoal]:
    """Unsaved goals in the language form ``language`` (nb when unknown)."""
    return [
        PlanGoal(text=text, measure=measure, target=target, order=order)
        for order, (text, measure, target) in enumerate(
            DEFAULT_GOALS.get(language, DEFAULT_GOALS["nb"])
        )
    ]


# --- The year at a glance: the page, the PDF and the spreadsheet show the same --------------


@dataclass
class YearOverview:
    organisation: Organisation
    year: int
    plan: AnnualPlan | None
    goals: list[GoalOutcome]
    # The year's visits in date order, loaded with their unit (and its parent), their
    # visit leader and ``was_postponed``: what the year's views show of a visit.
    visits: Sequence[Visit]
    # The organisation's active units, and the units to visit (those without active
    # sub-units) that no visit this year reaches (goals.units_to_visit, goals.reached).
    units: list[Unit]
    not_planned: list[Unit]

    @property
    def months(self) -> list[tuple[date, list[Visit]]]:
        """All twelve months, each with its visits (no query)."""
        by_month: dict[int, list[Visit]] = {month: [] for month in range(1, 13)}
        for visit in self.visits:
            by_month[visit.date.month].append(visit)
        return [(date(self.year, month, 1), visits) for month, visits in by_month.items()]


def year_overview(organisation: Organisation, year: int) -> YearOverview:
    """Everything the year view shows, in four queries however many visits there are:
    the plan with its owner, its goals, the visits with their unit and leader, the active
    units (and two more for the key figures when a goal is measured by them)."""
    from .goals import evaluate, key_figures_for, unreached  # goals.py builds on this module

    plan = (
        AnnualPlan.objects.for_organisation(organisation)
        .filter(year=year)
        .select_related("owner")
        .prefetch_related("goals")
        .first()
    )
    visits = list(
        Visit.objects.for_organisation(organisation)
        .in_year(year)
        # Not with_team(): the year's views show only the visit leader, and the largest
        # organisation's ~340 visits a year made the other four people half the page.
        .select_related("unit__parent", "visit_leader")
        .annotate(was_postponed=Exists(Postponement.objects.filter(visit=OuterRef("pk"))))
        .order_by("date", "start_time", "pk")
    )
    units = list(
        Unit.objects.for_organisation(organisation)
        .active()
        .select_related("parent")
        .order_by("name")
    )
    return YearOverview(
        organisation=organisation,
        year=year,
        plan=plan,
        goals=(
            evaluate(
                plan.goals.all(),
                visits,
                units,
                key_figures_for(plan.goals.all(), organisation, year),
            )
            if plan
            else []
        ),
        visits=visits,
        units=units,
        not_planned=unreached(units, {visit.unit_id for visit in visits}),
    )
