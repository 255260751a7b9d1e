"""The minutes (referat): drafted by Visitt from the visit, edited by the secretary,
reviewed by the visit leader, signed by the top leader and the visit leader, and then
locked. A change after signing makes a new version with a reason; old versions stay
readable and keep their signatures.

The deadline is the end of the fourth working day after the visit
(visitt.core.workdays.add_working_days).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from visitt.core.workdays import add_working_days
from visitt.planning.models import Visit

DEADLINE_WORKING_DAYS = 4  # «Innen fire dager»


def minutes_deadline(visit_date: date) -> date:
    """The last day the minutes are on time: the fourth working day after the visit."""
    return add_working_days(visit_date, DEADLINE_WORKING_DAYS)


class Minutes(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("Sent for review")
        SIGNED = "signed", _("Signed")

    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, related_name="minutes")
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    deadline = models.DateField(_("deadline"))
    # Names of the participants in the minutes only where the organisation chooses.
    show_names = models.BooleanField(_("name the participants"), default=False)
    sent_for_review_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    # When the signed minutes went to the participants (per version: MinutesVersion.sent_at).
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        indexes = [
            # Daily notices: minutes not signed, by deadline.
            models.Index(fields=["status", "deadline"], name="minutes_status_deadline_idx"),
        ]

    def __str__(self) -> str:
        return str(self.visit)

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.SIGNED


class MinutesVersion(models.Model):
    """The text of one version. The current one is the highest number; a signed version
    is never changed again."""

    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    body = models.TextField(_("minutes"))
    reason = models.TextField(_("reason for the new version"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("minutes version")
        verbose_name_plural = _("minutes versions")
        ordering = ["minutes", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "number"], name="one_minutes_version_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.minutes} v{self.number}"


class Signature(models.Model):
    class Role(models.TextChoices):
        TOP_LEADER = "top_leader", _("Top leader")
        VISIT_LEADER = "visit_leader", _("Visit leader")

    class Method(models.TextChoices):
        PASSWORD = "password", _("Password")
        TOTP = "totp", _("Authenticator app")

    minutes_version = models.ForeignKey(
        MinutesVersion, on_delete=models.PROTECT, related_name="signatures"
    )
    role = models.CharField(_("signs as"), max_length=15, choices=Role)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The name as it was when signing: the PDF shows it even if the account changes.
    signer_name = models.CharField(max_length=200)
    method = models.CharField(max_length=10, choices=Method)
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["minutes_version", "role"], name="one_signature_per_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signer_name} ({self.role})"
