"""The staff pulse survey (Vedlegg 4: "evaluere effekten på holdninger blant
medarbeidere og brukere"): a few statements on a 1-5 scale, answered anonymously
through a link or QR code shown at the unit, before a visit and again later.

Anonymity by design: a response stores the survey, the day it was given and the
scores: no account, no IP address, no time of day, no identifier. Results are shown
only when at least ``MIN_RESPONSES`` have answered."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from visitt.organisations.models import Organisation, Unit
from visitt.planning.visits import Visit

MIN_RESPONSES = 5


def new_token() -> str:
    return secrets.token_urlsafe(18)


class PulseSurvey(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="pulse_surveys"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="pulse_surveys")
    # The visit the survey measures around ("before the visit", "three months after").
    visit = models.ForeignKey(
        Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="pulse_surveys"
    )
    title = models.CharField(_("title"), max_length=200)
    # The secret in the link and the QR code; a new one shuts out the old link.
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    opens_on = models.DateField(_("opens"))
    closes_on = models.DateField(_("closes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("pulse survey")
        verbose_name_plural = _("pulse surveys")
        ordering = ["organisation", "-opens_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="pulse_survey_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PulseStatement(models.Model):
    survey = models.ForeignKey(PulseSurvey, on_delete=models.CASCADE, related_name="statements")
    text = models.CharField(_("statement"), max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["survey", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class PulseResponse(models.Model):
    """One person's answers. Deliberately without time of day, user, IP or device."""

    survey = models.ForeignKey(PulseSurvey, on_delete=models.CASCADE, related_name="responses")
    answered_on = models.DateField()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self) -> str:
        return f"{self.survey} {self.answered_on:%Y-%m-%d}"


class PulseAnswer(models.Model):
    response = models.ForeignKey(PulseResponse, on_delete=models.CASCADE, related_name="answers")
    statement = models.ForeignKey(PulseStatement, on_delete=models.CASCADE, related_name="answers")
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "statement"], name="one_answer_per_statement"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="pulse_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement}: {self.score}"
