"""The question bank (Vedlegg 2): suggested questions by theme. The method says it is
not a goal to get through all of them; the set for a visit is a guide."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from visitt.organisations.models import Organisation, Unit
from visitt.planning.models import Visit


class Theme(models.TextChoices):
    """The themes of Vedlegg 2, in its order."""

    INCIDENTS = "incidents", _("Adverse events")  # Avvik
    COMMUNICATION = "communication", _("Communication")
    ENVIRONMENT = "environment", _("Environment")  # Miljø
    TEAMWORK = "teamwork", _("Teamwork")  # Gruppearbeid
    USER_INVOLVEMENT = "user_involvement", _("User involvement")  # Brukermedvirkning
    ACTIONS = "actions", _("Agreeing on up to three actions")  # Definere 3 tiltak


class QuestionQuerySet(models.QuerySet["Question"]):
    def for_organisation(self, organisation: Organisation) -> QuestionQuerySet:
        return self.filter(organisation=organisation)

    def current(self) -> QuestionQuerySet:
        return self.filter(retired_at=None)


class Question(models.Model):
    """One question, in Bokmål, Nynorsk and English. Retired questions are kept so that
    old visits stay readable."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="questions"
    )
    theme = models.CharField(_("theme"), max_length=30, choices=Theme)
    text_nb = models.TextField(_("question (Bokmål)"))
    text_nn = models.TextField(_("question (Nynorsk)"), blank=True)
    text_en = models.TextField(_("question (English)"), blank=True)
    # Sub-points under a question (Vedlegg 2 lists some), one per line.
    hints_nb = models.TextField(_("prompts (Bokmål)"), blank=True)
    hints_nn = models.TextField(_("prompts (Nynorsk)"), blank=True)
    hints_en = models.TextField(_("prompts (English)"), blank=True)
    from_helsedirektoratet = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text_nb[:60]

    def text_in(self, language: str) -> str:
        """The question in the language form asked for, falling back to Bokmål."""
        return getattr(self, f"text_{language}", "") or self.text_nb

    def hints_in(self, language: str) -> list[str]:
        own = {"nn": self.hints_nn, "en": self.hints_en}.get(language, "")
        text = own or self.hints_nb
        return [line.strip() for line in text.splitlines() if line.strip()]


class UnitQuestion(models.Model):
    """A unit's own adapted set: which questions, in which order."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "question"], name="one_unit_question"),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.question}"


class VisitQuestion(models.Model):
    """The questions picked and ordered for one visit while preparing it."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "question"], name="one_visit_question"),
        ]

    def __str__(self) -> str:
        return f"{self.visit}: {self.question}"
