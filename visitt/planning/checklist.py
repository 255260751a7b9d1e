"""The phase-1 checklist of Vedlegg 4. Items Visitt can see for itself tick themselves."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .visits import Visit

StrOrPromise = str | Promise


class ChecklistItem(models.Model):
    class Key(models.TextChoices):
        LEADERSHIP_GROUP = "leadership_group", _("Leadership group identified")
        DATE_AGREED = "date_agreed", _("Date and time agreed with the unit")
        CONTACT_PERSON = "contact_person", _("Contact person at the unit agreed")
        GROUP_ASSEMBLED = "group_assembled", _("Conversation group assembled")
        INVITATION_SENT = "invitation_sent", _("Invitation sent to the unit leader")
        POSTERS_UP = "posters_up", _("Posters or brochure put up at the unit")
        CONFIRMATION = "confirmation", _("Confirmation one week before")
        INFORMATION = "information", _("Relevant information gathered (e.g. incident reports)")

    # Ticked by Visitt itself when it sees the fact happen.
    AUTOMATIC = frozenset({Key.GROUP_ASSEMBLED, Key.INVITATION_SENT, Key.CONFIRMATION})

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="checklist")
    key = models.CharField(max_length=30, choices=Key)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.UniqueConstraint(fields=["visit", "key"], name="one_checklist_item_per_key"),
        ]

    def __str__(self) -> str:
        return self.get_key_display()

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


def tick(visit: Visit, key: str, by=None) -> None:
    """Marks an item done (idempotent: the first tick's who and when are kept)."""
    item, _created = ChecklistItem.objects.get_or_create(visit=visit, key=key)
    if item.done_at is None:
        item.done_at = timezone.now()
        item.done_by = by
        item.save(update_fields=["done_at", "done_by"])


def untick(visit: Visit, key: str) -> None:
    ChecklistItem.objects.filter(visit=visit, key=key).update(done_at=None, done_by=None)


def checklist_for(visit: Visit) -> list[tuple[str, StrOrPromise, ChecklistItem | None]]:
    """Every key with its label and item (one query), in the order of Vedlegg 4."""
    items = {item.key: item for item in visit.checklist.select_related("done_by")}
    return [(key.value, key.label, items.get(key.value)) for key in ChecklistItem.Key]
