"""A visit (pasient- og brukersikkerhetsvisitt): when and where, who leads it, and its
lifecycle. A visit is never cancelled: the method says visits should never be called
off, only postponed in exceptional cases, so there is no "cancelled" status."""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from visitt.organisations.models import Organisation, Unit

OSLO = ZoneInfo("Europe/Oslo")
RECOMMENDED_MINUTES = 60  # "bør ikke overstige én time"


def _new_public_token() -> str:
    import secrets

    return secrets.token_urlsafe(16)


class VisitTransitionError(Exception):
    """A state change the lifecycle does not allow; the message is for the user."""


class VisitQuerySet(models.QuerySet["Visit"]):
    def for_organisation(self, organisation: Organisation) -> VisitQuerySet:
        return self.filter(organisation=organisation)

    def conducted(self) -> VisitQuerySet:
        """Visits that have taken place, wherever they are in the follow-up."""
        return self.exclude(status__in=Visit.NOT_YET_CONDUCTED)

    def upcoming(self, today: date | None = None) -> VisitQuerySet:
        today = today or timezone.localdate()
        return self.filter(
            date__gte=today, status__in=[Visit.Status.PLANNED, Visit.Status.CONFIRMED]
        )

    def in_year(self, year: int) -> VisitQuerySet:
        return self.filter(date__year=year)

    def with_team(self) -> VisitQuerySet:
        # The unit's parent too: lists show it under the unit's name.
        return self.select_related(
            "unit__parent",
            "visit_leader",
            "coordinator",
            "secretary",
            "medical_advisor",
            "unit_leader",
        )

    def involving(self, user) -> VisitQuerySet:
        """Visits where ``user`` is on the leadership team."""
        return self.filter(
            Q(visit_leader=user) | Q(coordinator=user) | Q(secretary=user) | Q(medical_advisor=user)
        )


class Visit(models.Model):
    class Kind(models.TextChoices):
        MAIN = "main", _("Walkround")
        FOLLOW_UP = "follow_up", _("Follow-up visit")

    class Status(models.TextChoices):
        # Phase 1 and 2.
        PLANNED = "planned", _("Planned")
        CONFIRMED = "confirmed", _("Confirmed")
        CONDUCTED = "conducted", _("Conducted")
        # Phase 3: the follow-up.
        MINUTES_DRAFTED = "minutes_drafted", _("Minutes drafted")
        MINUTES_SIGNED = "minutes_signed", _("Minutes signed")
        FOLLOW_UP_PLANNED = "follow_up_planned", _("Follow-up planned")
        FOLLOW_UP_DONE = "follow_up_done", _("Follow-up done")
        CLOSED = "closed", _("Closed")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="visits")
    plan = models.ForeignKey(
        "planning.AnnualPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("annual plan"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="visits", verbose_name=_("unit")
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind, default=Kind.MAIN)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("follows up"),
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), default=time(10, 0))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=RECOMMENDED_MINUTES,
        help_text=_("The method recommends at most one hour."),
    )
    place = models.CharField(
        _("place"),
        max_length=200,
        blank=True,
        help_text=_(
            "Where at the unit, e.g. the staff room. The visit takes place where the staff work."
        ),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PLANNED)

    # The leadership team for this visit.
    visit_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("visit leader"),
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("coordinator"),
    )
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("secretary"),
    )
    medical_advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("medical advisor"),
    )
    # At the unit: the leader observes; the contact person assembles the group and
    # often has no account.
    unit_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit leader (observer)"),
    )
    contact_name = models.CharField(_("contact person at the unit"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact person's e-mail"), blank=True)

    # The public link on the poster where staff send examples before the visit. It is
    # printed on paper, so it is stored as it is; it only lets people add examples.
    staff_input_token = models.CharField(max_length=32, unique=True, default=_new_public_token)
    invitation_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    conducted_at = models.DateTimeField(null=True, blank=True)
    # Optimistic locking: every save through a form checks and bumps it.
    version = models.PositiveIntegerField(default=1)
    # The calendar event's SEQUENCE: increases each time the time or place changes.
    calendar_sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["date", "start_time"]
        indexes = [
            # The year view and lists: Visit.objects.for_organisation(org).in_year(y).
            models.Index(fields=["organisation", "date"], name="visit_org_date_idx"),
            # Daily reminders: visits on a date without a reminder yet.
            models.Index(fields=["date", "reminder_sent_at"], name="visit_reminder_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.date:%d.%m.%Y}"

    # --- Time ------------------------------------------------------------------------

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.date, self.start_time, OSLO)

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_longer_than_recommended(self) -> bool:
        return self.duration_minutes > RECOMMENDED_MINUTES

    def overlaps(self, other: Visit) -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at

    @property
    def team(self) -> list:
        """The leadership team members, without repeats (no query when loaded with_team())."""
        seen, members = set(), []
        for user in (self.visit_leader, self.coordinator, self.secretary, self.medical_advisor):
            if user is not None and user.pk not in seen:
                seen.add(user.pk)
                members.append(user)
        return members

    # --- Lifecycle ------------------------------------------------------------------
    #
    # planned -> confirmed -> conducted -> minutes drafted -> minutes signed ->
    # follow-up planned -> follow-up done -> closed. A follow-up visit itself ends at
    # "closed" once its short minutes are signed. Never "cancelled" (see the module).

    NOT_YET_CONDUCTED = ("planned", "confirmed")

    @property
    def is_conducted(self) -> bool:
        """Whether the visit has taken place (whatever the follow-up has reached)."""
        return self.status not in self.NOT_YET_CONDUCTED

    @property
    def asks_for_group(self) -> bool:
        """The method asks for a conversation group of five in the walkround only: a
        follow-up visit reviews the actions with the unit."""
        return self.kind == self.Kind.MAIN

    @property
    def can_be_deleted(self) -> bool:
        """Only a visit registered by mistake, before any invitation has gone out."""
        return self.invitation_sent_at is None and self.status == self.Status.PLANNED

    def confirm(self, by) -> None:
        if self.status != self.Status.PLANNED:
            raise VisitTransitionError(_("Only a planned visit can be confirmed."))
        self._change_status(self.Status.CONFIRMED, by)

    def mark_conducted(self, by) -> None:
        if self.status not in (self.Status.PLANNED, self.Status.CONFIRMED):
            raise VisitTransitionError(_("This visit is already conducted."))
        self.conducted_at = timezone.now()
        self._change_status(self.Status.CONDUCTED, by, extra=["conducted_at"])

    def mark_minutes_drafted(self, by) -> None:
        self._advance(self.Status.MINUTES_DRAFTED, (self.Status.CONDUCTED,), by)

    def mark_minutes_signed(self, by) -> None:
        self._advance(
            self.Status.MINUTES_SIGNED, (self.Status.CONDUCTED, self.Status.MINUTES_DRAFTED), by
        )

    def mark_follow_up_planned(self, by) -> None:
        if self.kind != self.Kind.MAIN:
            raise VisitTransitionError(_("A follow-up visit has no follow-up visit of its own."))
        self._advance(self.Status.FOLLOW_UP_PLANNED, (self.Status.MINUTES_SIGNED,), by)

    def mark_follow_up_done(self, by) -> None:
        self._advance(self.Status.FOLLOW_UP_DONE, (self.Status.FOLLOW_UP_PLANNED,), by)

    def close(self, by) -> None:
        """The end of the cycle: a main visit after its follow-up, a follow-up visit
        when its own short minutes are signed."""
        ready = (
            (self.Status.FOLLOW_UP_DONE,)
            if self.kind == self.Kind.MAIN
            else (self.Status.CONDUCTED, self.Status.MINUTES_DRAFTED, self.Status.MINUTES_SIGNED)
        )
        self._advance(self.Status.CLOSED, ready, by)

    def _advance(self, status: str, allowed_from: tuple[str, ...], by) -> None:
        if self.status == status:
            return  # already there: a double submit changes nothing
        if self.status not in allowed_from:
            raise VisitTransitionError(
                _("The visit cannot go from “%(current)s” to “%(next)s”.")
                % {
                    "current": self.Status(self.status).label,
                    "next": self.Status(status).label,
                }
            )
        self._change_status(status, by)

    def _change_status(self, status: str, by, extra: list[str] | None = None) -> None:
        self.status = status
        self.version = F("version") + 1
        self.save(update_fields=["status", "version", "updated_at", *(extra or [])])
        self.refresh_from_db(fields=["version"])

    def postpone(self, *, to_date: dt.date, to_time: time | None, reason: str, by) -> Postponement:
        """Moves the visit to a new date, keeping the old one and the reason in its history.

        A postponed visit goes back to "planned": the unit must confirm the new date.
        """
        reason = reason.strip()
        if self.is_conducted:
            raise VisitTransitionError(_("A conducted visit cannot be postponed."))
        if not reason:
            raise VisitTransitionError(_("Give a reason for postponing the visit."))
        to_time = to_time or self.start_time
        if (to_date, to_time) == (self.date, self.start_time):
            raise VisitTransitionError(_("Choose another date or time than the current one."))
        with transaction.atomic():
            postponement = Postponement.objects.create(
                visit=self,
                from_date=self.date,
                from_time=self.start_time,
                to_date=to_date,
                to_time=to_time,
                reason=reason,
                postponed_by=by,
            )
            self.date, self.start_time = to_date, to_time
            self.status = self.Status.PLANNED
            self.reminder_sent_at = None  # the week-before reminder is due again
            self.version = F("version") + 1
            self.calendar_sequence = F("calendar_sequence") + 1
            self.save(
                update_fields=[
                    "date",
                    "start_time",
                    "status",
                    "reminder_sent_at",
                    "version",
                    "calendar_sequence",
                    "updated_at",
                ]
            )
            self.refresh_from_db(fields=["version", "calendar_sequence"])
        return postponement


class Postponement(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="postponements")
    from_date = models.DateField(_("from date"))
    from_time = models.TimeField(_("from time"))
    to_date = models.DateField(_("to date"))
    to_time = models.TimeField(_("to time"))
    reason = models.TextField(_("reason"))
    postponed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    postponed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("postponement")
        verbose_name_plural = _("postponements")
        ordering = ["postponed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_date} -> {self.to_date}"
