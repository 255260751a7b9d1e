"""The annual summary (årlig oppsummering): the walkround part of the management's
annual review (forskrift om ledelse og kvalitetsforbedring §§ 6-9). The figures are
computed from the year's data while it is a draft; when the leadership group has
reviewed it, the figures are frozen in ``snapshot`` and the summary is locked like
signed minutes: later changes to visits or actions do not change what was reviewed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from visitt.organisations.models import Organisation


class AnnualSummary(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="annual_summaries"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    learning_points = models.TextField(
        _("learning points"),
        blank=True,
        help_text=_("What the top leader wants the leadership group to take from the year."),
    )
    # Who reviewed it and when: the leadership group's meeting, and the committees told.
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_in = models.CharField(
        _("reviewed in"),
        max_length=300,
        blank=True,
        help_text=_("For example: Ledergruppa, and the committee for health and care."),
    )
    # The computed figures as they were when the summary was locked (JSON-safe values).
    snapshot = models.JSONField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("annual summary")
        verbose_name_plural = _("annual summaries")
        ordering = ["organisation", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="one_annual_summary_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"

    @property
    def is_locked(self) -> bool:
        return self.reviewed_on is not None


class SummaryDecision(models.Model):
    """A decision the leadership group took on the summary (§ 9: korrigere)."""

    summary = models.ForeignKey(AnnualSummary, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    responsible = models.CharField(_("responsible"), max_length=200, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["summary", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]
