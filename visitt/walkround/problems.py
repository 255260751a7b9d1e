"""Up to three problems per visit: the method's "opp til tre problemer" that the group
and the leader agree on, and that the follow-up phase works on."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from visitt.organisations.models import Organisation
from visitt.planning.models import Visit

from .questions import Theme

MAX_PROBLEMS = 3

# The national programme's areas, the taxonomy each organisation starts with.
DEFAULT_CATEGORIES = {
    "nb": [
        "Fall",
        "Trykksår",
        "Legemiddelhåndtering",
        "Infeksjoner",
        "Ernæring",
        "Overganger og samhandling",
        "Kommunikasjon",
        "Kompetanse og bemanning",
        "Utstyr og IT",
        "Brukermedvirkning",
        "Annet",
    ],
    "nn": [
        "Fall",
        "Trykksår",
        "Legemiddelhandtering",
        "Infeksjonar",
        "Ernæring",
        "Overgangar og samhandling",
        "Kommunikasjon",
        "Kompetanse og bemanning",
        "Utstyr og IT",
        "Brukarmedverknad",
        "Anna",
    ],
}


class ProblemCategory(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("problem category")
        verbose_name_plural = _("problem categories")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="problem_category_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def ensure_defaults(cls, organisation: Organisation) -> None:
        if ProblemCategory.objects.filter(organisation=organisation).exists():
            return
        names = DEFAULT_CATEGORIES["nn" if organisation.language == "nn" else "nb"]
        # Two first visits at the same moment both seed; the unique name keeps one set.
        ProblemCategory.objects.bulk_create(
            [
                ProblemCategory(organisation=organisation, name=name, order=i)
                for i, name in enumerate(names)
            ],
            ignore_conflicts=True,
        )


class Problem(models.Model):
    class Level(models.TextChoices):
        LOCAL = "local", _("Solved locally with the line manager")
        HIGHER = "higher", _("Needs a higher level")

    class Value(models.TextChoices):
        HIGH = "high", _("High value")
        LOW = "low", _("Lower value")

    class Effort(models.TextChoices):
        EASY = "easy", _("Easy")
        HARD = "hard", _("Demanding")

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="problems")
    # The visit's organisation, kept on the problem (save() sets it) so that theme
    # analysis, search and the annual summary read an organisation's problems by this
    # key's index: walking its visits first read twice the rows at national scale.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", editable=False
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("the risk"), blank=True)
    theme = models.CharField(_("theme"), max_length=30, choices=Theme, blank=True)
    category = models.ForeignKey(
        ProblemCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    level = models.CharField(_("responsibility level"), max_length=10, choices=Level, blank=True)
    value = models.CharField(_("value"), max_length=10, choices=Value, blank=True)
    effort = models.CharField(_("effort"), max_length=10, choices=Effort, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["number"]
        constraints = [
            # With the numbers 1..3 this makes a fourth problem impossible even when two
            # people add one at the same moment.
            models.UniqueConstraint(fields=["visit", "number"], name="one_problem_per_number"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=MAX_PROBLEMS),
                name="at_most_three_problems",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.organisation_id is None:
            # The visit the caller made the problem with: no query when it is at hand.
            self.organisation_id = self.visit.organisation_id
        super().save(*args, **kwargs)
