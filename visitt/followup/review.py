"""The follow-up visit three months later asks, per problem of the visit it follows up:
was it implemented, and did it lead to improvement?"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from visitt.planning.models import Visit
from visitt.walkround.problems import Problem


class FollowUpReview(models.Model):
    class Implemented(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    class Improved(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")
        TOO_EARLY = "too_early", _("Too early to say")

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="reviews")
    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="reviews")
    implemented = models.CharField(
        _("was it implemented?"), max_length=10, choices=Implemented, blank=True
    )
    improved = models.CharField(
        _("did it lead to improvement?"), max_length=10, choices=Improved, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("follow-up review")
        verbose_name_plural = _("follow-up reviews")
        constraints = [
            models.UniqueConstraint(fields=["visit", "problem"], name="one_review_per_problem"),
        ]

    def __str__(self) -> str:
        return f"{self.visit}: {self.problem}"
