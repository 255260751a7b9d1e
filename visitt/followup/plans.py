"""The action plan per problem (Vedlegg 3, the Model for Improvement): what we want to
achieve (Aim), how we will know that a change is an improvement (Measure), and what we
will do (Action), who is responsible and by when."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from visitt.walkround.problems import Problem


class Aim(models.Model):
    """«Hva ønsker vi å oppnå?» One per problem."""

    problem = models.OneToOneField(Problem, on_delete=models.PROTECT, related_name="aim")
    text = models.TextField(_("what do we want to achieve?"))
    target = models.CharField(
        _("measurable target"),
        max_length=300,
        blank=True,
        help_text=_("Optional, e.g. “reduce pressure sores by 30 % by March”."),
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("aim")
        verbose_name_plural = _("aims")

    def __str__(self) -> str:
        return self.text[:80]


class Measure(models.Model):
    """«Hvilke målinger kan dokumentere at endringen er en forbedring?»"""

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="measures")
    name = models.CharField(_("measure"), max_length=200)
    unit = models.CharField(
        _("unit of measurement"), max_length=60, blank=True, help_text=_("E.g. number, %, days.")
    )
    how_counted = models.TextField(_("how it is counted"), blank=True)
    better = models.CharField(
        _("which direction is better"), max_length=10, choices=Direction, default=Direction.LOWER
    )
    frequency = models.CharField(
        _("how often"), max_length=10, choices=Frequency, default=Frequency.MONTHLY
    )
    order = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["problem", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class ActionQuerySet(models.QuerySet["Action"]):
    def open(self) -> ActionQuerySet:
        return self.filter(status__in=Action.OPEN)

    def owned_by(self, user) -> ActionQuerySet:
        return self.filter(owner=user)

    def in_organisation(self, organisation) -> ActionQuerySet:
        return self.filter(organisation=organisation)


class Action(models.Model):
    """«Hvilke konkrete tiltak …?» What, who is responsible, by when."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        NOT_POSSIBLE = "not_possible", _("Not possible now")

    OPEN = (Status.PLANNED, Status.IN_PROGRESS)
    FINISHED = (Status.DONE, Status.NOT_POSSIBLE)

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="actions")
    # The problem's organisation, kept on the action (save() sets it) so that an
    # organisation's actions are found by index without walking visits and problems:
    # at national scale that walk made the start page read every organisation's rows.
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", editable=False
    )
    what = models.TextField(_("action"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_actions",
        verbose_name=_("responsible"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=15, choices=Status, default=Status.PLANNED)
    # Required for "not possible now": the participants are told why.
    reason = models.TextField(_("why it is not possible now"), blank=True)
    progress_note = models.TextField(_("progress note"), blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["problem", "order", "pk"]
        indexes = [
            # The start page and the agenda: an organisation's open actions past their
            # due date (actions_overdue), and its finished ones by when
            # (feedback_owed, key figures).
            models.Index(
                fields=["organisation", "status", "due_date"], name="action_org_status_due_idx"
            ),
            models.Index(
                fields=["organisation", "status", "finished_at"],
                name="action_org_status_done_idx",
            ),
            # "Mine tiltak" and the daily notices: a person's open actions by due date.
            models.Index(fields=["owner", "status", "due_date"], name="action_owner_due_idx"),
            # Escalation: every open action due before a date.
            models.Index(fields=["status", "due_date"], name="action_status_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="not_possible") | ~models.Q(reason=""),
                name="not_possible_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.what[:80]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.organisation_id is None:
            # The problem the caller made the action with: no query when it is at hand.
            self.organisation_id = self.problem.organisation_id
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def is_overdue_on(self, day: date) -> bool:
        """Still open after its due date, on ``day``."""
        return self.is_open and self.due_date is not None and self.due_date < day

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())
