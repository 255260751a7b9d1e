"""The walkround as it happens: the record of the hour (opening, attendance, times,
the leader's summary), the notes per question, and the leadership group's debrief.

Notes and the debrief are confidential: the visit's leadership team and the
organisation's top leaders only, every read audited. Every record that people edit
while others may be editing too carries a ``version`` (optimistic locking)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from visitt.organisations.models import Organisation
from visitt.planning.models import Visit

from .questions import Question


class OpeningScript(models.Model):
    """The leader's opening, editable per organisation and language form."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(_("language form"), max_length=2, choices=Organisation.LanguageForm)
    text = models.TextField(_("opening"))
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("opening script")
        verbose_name_plural = _("opening scripts")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "language"], name="one_opening_per_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.language})"


class Walkround(models.Model):
    """What happened during the hour at the unit, one per visit."""

    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, related_name="walkround")
    actual_start = models.TimeField(_("actual start"), null=True, blank=True)
    actual_end = models.TimeField(_("actual end"), null=True, blank=True)
    summary = models.TextField(_("the leader's summary"), blank=True)
    had_tour = models.BooleanField(_("tour of the unit"), null=True, blank=True)
    # The unit leader observes (not in the group); was he or she there?
    observer_present = models.BooleanField(_("unit leader present"), null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("walkround")
        verbose_name_plural = _("walkrounds")

    def __str__(self) -> str:
        return str(self.visit)


class VisitNote(models.Model):
    """The secretary's note on one question (or, without a question, the general notes)."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="notes")
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [
            models.UniqueConstraint(fields=["visit", "question"], name="one_note_per_question"),
            models.UniqueConstraint(
                fields=["visit"], condition=models.Q(question=None), name="one_general_note"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visit}: {self.question or '-'}"


class Debrief(models.Model):
    """The leadership group's evaluation right after the visit (umiddelbar evaluering)."""

    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, related_name="debrief")
    went_well = models.TextField(_("what went well"), blank=True)
    could_be_better = models.TextField(_("what could be better"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("debrief")
        verbose_name_plural = _("debriefs")

    def __str__(self) -> str:
        return str(self.visit)
