"""Feedback to the people who raised the problems: when an action is done or declared
not possible, the leader writes a short message to the conversation group. The method
requires that people hear of progress, and why when something cannot be solved now."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .plans import Action


class Feedback(models.Model):
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="feedback")
    # The action's status the message tells about (done or not possible now).
    about_status = models.CharField(max_length=15, choices=Action.Status)
    message = models.TextField(_("message to the group"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    emailed_to = models.PositiveSmallIntegerField(default=0)
    # Participants without e-mail get a printed letter from the contact person.
    printed_for = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["sent_at"]
        constraints = [
            # One message per action and outcome: a double submit sends nothing twice.
            models.UniqueConstraint(
                fields=["action", "about_status"], name="one_feedback_per_outcome"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.about_status}"
