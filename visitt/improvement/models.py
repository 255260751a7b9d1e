"""Measure and learn (issue 6): the data points of an action plan's measures, the phases
of their run charts, and PDSA cycles on actions.

- A data point is one period of a measure (``period`` is the period's first day: the
  Monday of a week, the first of a month or quarter). A measure has at most one point
  per period (unique): a re-import of the same period updates it, and the entry form
  refuses a period that already has a value unless that point is being edited.
- With a numerator and a denominator the value is computed (numerator / denominator,
  times 100 when the measure's unit is "%").
- A phase starts at a period (after a change) and may freeze its baseline: the median
  is then taken from its first ``baseline_points`` points and stays put as new points
  come in. Points before the first phase form an implicit first phase.
- A PDSA cycle (Plan, Do, Study, Act) belongs to an action; its decision (adopt, adapt,
  abandon) is blank while it runs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from visitt.followup.plans import Action, Measure


class MeasurePoint(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="points")
    period = models.DateField(_("period"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    numerator = models.DecimalField(
        _("numerator"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    denominator = models.DecimalField(
        _("denominator"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("data point")
        verbose_name_plural = _("data points")
        ordering = ["measure", "period"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "period"], name="one_point_per_period"),
            models.CheckConstraint(
                condition=models.Q(denominator__isnull=True) | models.Q(denominator__gt=0),
                name="point_denominator_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.period:%Y-%m-%d}: {self.value}"

    @property
    def has_fraction(self) -> bool:
        return self.numerator is not None and self.denominator is not None


class MeasurePhase(models.Model):
    """A new phase of a measure's run chart, from ``start`` on, after a change."""

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="phases")
    start = models.DateField(_("first period"))
    label = models.CharField(_("name of the phase"), max_length=200)
    baseline_points = models.PositiveSmallIntegerField(
        _("points in the frozen baseline"),
        null=True,
        blank=True,
        help_text=_("The median is taken from this many first points of the phase."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["measure", "start"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "start"], name="one_phase_per_start"),
        ]

    def __str__(self) -> str:
        return self.label


class PdsaCycle(models.Model):
    """One turn of Plan, Do, Study, Act on an action."""

    class Decision(models.TextChoices):
        ADOPT = "adopt", _("Adopt")
        ADAPT = "adapt", _("Adapt")
        ABANDON = "abandon", _("Abandon")

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="pdsa_cycles")
    plan = models.TextField(_("plan"), help_text=_("What do we test, and what do we predict?"))
    do = models.TextField(_("do"), blank=True, help_text=_("What happened when we tried it?"))
    study = models.TextField(
        _("study"), blank=True, help_text=_("What did the data show, against the prediction?")
    )
    act = models.TextField(_("act"), blank=True, help_text=_("What do we do next?"))
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("PDSA cycle")
        verbose_name_plural = _("PDSA cycles")
        ordering = ["action", "start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="pdsa_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.plan[:80]

    @property
    def is_running(self) -> bool:
        return not self.decision


# The learning library and the pulse survey live in their own modules.
from .library import LibraryEntry  # noqa: E402
from .survey import PulseAnswer, PulseResponse, PulseStatement, PulseSurvey  # noqa: E402

__all__ = [
    "LibraryEntry",
    "MeasurePhase",
    "MeasurePoint",
    "PdsaCycle",
    "PulseAnswer",
    "PulseResponse",
    "PulseStatement",
    "PulseSurvey",
]
