"""Preparation material: incident counts per unit and the staff's anonymous examples."""

from __future__ import annotations

import io
from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from visitt.organisations.models import Organisation, Unit

from .visits import Visit

# A light limit per visit against abuse of the public page; a unit's staff send a
# handful of examples, not hundreds.
STAFF_INPUT_LIMIT = 50
STAFF_INPUT_MAX_CHARS = 2000


class IncidentCountQuerySet(models.QuerySet["IncidentCount"]):
    def for_organisation(self, organisation: Organisation) -> IncidentCountQuerySet:
        return self.filter(organisation=organisation)

    def in_months(self, first: date, last: date) -> IncidentCountQuerySet:
        """Counts for the months from ``first`` to ``last`` (first days of months), inclusive."""
        return self.filter(period__gte=first, period__lte=last)


class IncidentCount(models.Model):
    """How many adverse events were reported for a unit in a month, by category and
    severity. Only counts: never the reports' text or anything about persons."""

    class Severity(models.TextChoices):
        NONE = "none", _("No harm")
        MINOR = "minor", _("Minor harm")
        MODERATE = "moderate", _("Moderate harm")
        SEVERE = "severe", _("Severe harm")
        UNKNOWN = "unknown", _("Not classified")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="incident_counts")
    period = models.DateField(_("month"), help_text=_("The first day of the month."))
    category = models.CharField(_("category"), max_length=100)
    severity = models.CharField(
        _("severity"), max_length=20, choices=Severity, default=Severity.UNKNOWN
    )
    count = models.PositiveIntegerField(_("number"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = IncidentCountQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident count")
        verbose_name_plural = _("incident counts")
        ordering = ["-period", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "category", "severity"],
                name="one_count_per_unit_month_category",
            ),
        ]
        indexes = [
            # The preparation page: a unit's last twelve months.
            models.Index(fields=["unit", "period"], name="incident_unit_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period:%Y-%m} {self.category}: {self.count}"


class StaffInput(models.Model):
    """An example of an adverse event or near miss sent by anyone at the unit before the
    visit, anonymously: nothing that identifies the sender is stored (no account, no IP
    address, no user agent). Confidential like the visit's notes."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="staff_inputs")
    text = models.TextField(_("example"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("example from the staff")
        verbose_name_plural = _("examples from the staff")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        # Never the text: this string ends up in the audit trail and in logs.
        return f"{self.visit}: #{self.pk}"

    @classmethod
    def receive(cls, visit: Visit, text: str, today: date | None = None) -> StaffInput:
        """Stores an example (two queries). The caller has run the personal-data guard.

        Raises StaffInputClosed after the visit, StaffInputLimitReached when the visit
        already has STAFF_INPUT_LIMIT examples.
        """
        if not accepts_staff_input(visit, today):
            raise StaffInputClosed
        if cls.objects.filter(visit=visit).count() >= STAFF_INPUT_LIMIT:
            raise StaffInputLimitReached
        return cls.objects.create(visit=visit, text=text.strip()[:STAFF_INPUT_MAX_CHARS])


class StaffInputClosed(Exception):
    """The visit has taken place; the page takes no more examples."""


class StaffInputLimitReached(Exception):
    """The visit has as many examples as the public page accepts."""


def accepts_staff_input(visit: Visit, today: date | None = None) -> bool:
    """Examples are taken until the end of the visit day, and not once it is conducted."""
    today = today or timezone.localdate()
    return visit.date >= today and not visit.is_conducted


def staff_input_url(visit: Visit) -> str:
    """The absolute address of the public page, for the poster, the invitation and the QR code."""
    return settings.SITE_URL + reverse("staff_input", args=[visit.staff_input_token])


def staff_input_qr_svg(visit: Visit) -> bytes:
    """An SVG QR code of staff_input_url(), one path, scalable for print."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(
        staff_input_url(visit),
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=10,
        border=4,
    )
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


class CalendarFeed(models.Model):
    """A person's secret iCalendar subscription URL. Only a hash is stored; making a
    new one revokes the old."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user} ({'revoked' if self.revoked_at else 'active'})"
