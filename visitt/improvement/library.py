"""The learning library: completed actions whose measures showed an improvement,
described so that other units can reuse them. A leader publishes an action with one
click; the entry starts from the action's own words and can be edited afterwards."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from visitt.followup.plans import Action
from visitt.organisations.models import Organisation


class LibraryEntry(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="library_entries"
    )
    action = models.OneToOneField(Action, on_delete=models.PROTECT, related_name="library_entry")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("what was done"))
    result = models.TextField(_("what the measures showed"), blank=True)
    advice = models.TextField(
        _("advice to other units"),
        blank=True,
        help_text=_("What others should know before they try the same."),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("library entry")
        verbose_name_plural = _("library entries")
        ordering = ["organisation", "-published_at"]

    def __str__(self) -> str:
        return self.title
