"""The standing item on the leadership meetings ("fast tema på ledermøter", Vedlegg 4):
each agenda item made is remembered with the meeting's date, so that the next one
covers what happened since."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from visitt.organisations.models import Organisation


class LeadershipMeeting(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="leadership_meetings"
    )
    held_on = models.DateField(_("meeting date"))
    # The previous meeting's date when this agenda item was made: the item covers the
    # time after it. Blank for the organisation's first meeting in Visitt.
    covers_from = models.DateField(_("covers from"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("leadership meeting")
        verbose_name_plural = _("leadership meetings")
        ordering = ["organisation", "-held_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "held_on"], name="one_leadership_meeting_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.held_on:%Y-%m-%d}"
