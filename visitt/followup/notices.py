"""The ledger of follow-up notices (minutes due, overdue, actions due, escalation,
feedback owed). Each notice has a key that says what it is about and for whom; claiming
it is an INSERT that only one process can win, so that a notice goes out once even when
the daily command runs on two servers at the same moment."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    class Kind(models.TextChoices):
        MINUTES_DUE = "minutes_due", _("Minutes due tomorrow")
        MINUTES_OVERDUE = "minutes_overdue", _("Minutes overdue")
        ACTION_DUE = "action_due", _("Action due in seven days")
        ACTION_OVERDUE = "action_overdue", _("Action overdue")
        ACTION_ESCALATED = "action_escalated", _("Overdue action escalated")
        FEEDBACK_OWED = "feedback_owed", _("Feedback owed")

    # E.g. "action_overdue:42:user:7": what, about which record, for whom (and, for
    # repeating notices, which day). Unique: the claim.
    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=Kind)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    subject = models.CharField(max_length=300)
    body = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Sent alone, or gathered into the recipient's daily digest.
    sent_at = models.DateTimeField(null=True, blank=True)
    in_digest = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            # The digest: a person's notices not yet sent.
            models.Index(fields=["recipient", "sent_at"], name="notice_recipient_sent_idx"),
        ]

    def __str__(self) -> str:
        return self.key
