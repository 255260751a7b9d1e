"""The conversation group (samtalegruppen): ideally five staff who meet users daily,
reflecting the unit's staff mix. Line managers observe; they are not in the group."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, time, timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from visitt.organisations.models import Organisation

from .visits import OSLO, Visit

IDEAL_GROUP_SIZE = 5
MIN_PROFESSIONS = 3

# The editable list each organisation starts with (issue 3).
DEFAULT_PROFESSIONS = [
    "Lege",
    "Sykepleier",
    "Vernepleier",
    "Helsefagarbeider/hjelpepleier",
    "Assistent/ufaglært",
    "Kjøkkenpersonale",
    "Renhold",
    "Fysioterapeut/ergoterapeut",
    "Miljøarbeider",
    "Annet",
]
DEFAULT_PROFESSIONS_NN = [
    "Lege",
    "Sjukepleiar",
    "Vernepleiar",
    "Helsefagarbeidar/hjelpepleiar",
    "Assistent/ufaglært",
    "Kjøkkenpersonale",
    "Reinhald",
    "Fysioterapeut/ergoterapeut",
    "Miljøarbeidar",
    "Anna",
]


class Profession(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="professions"
    )
    name = models.CharField(gettext_lazy("name"), max_length=100)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(gettext_lazy("active"), default=True)

    class Meta:
        verbose_name = gettext_lazy("profession")
        verbose_name_plural = gettext_lazy("professions")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="profession_unique_in_org"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def ensure_defaults(cls, organisation: Organisation) -> None:
        """Gives an organisation the default list once (idempotent)."""
        if cls.objects.filter(organisation=organisation).exists():
            return
        names = DEFAULT_PROFESSIONS_NN if organisation.language == "nn" else DEFAULT_PROFESSIONS
        Profession.objects.bulk_create(
            [
                Profession(organisation=organisation, name=name, order=i)
                for i, name in enumerate(names)
            ]
        )


class Participant(models.Model):
    """A member of the conversation group. Only what the method needs: a name, a
    profession and, optionally, an e-mail address for the invitation and the minutes."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(gettext_lazy("name"), max_length=200)
    profession = models.ForeignKey(
        Profession,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("profession"),
    )
    email = models.EmailField(gettext_lazy("e-mail (optional)"), blank=True)
    is_leader = models.BooleanField(
        gettext_lazy("has a leader role"),
        default=False,
        help_text=gettext_lazy(
            "Line managers can observe, but should not take part in the conversation."
        ),
    )
    # Filled in during the walkround's presentations.
    attended = models.BooleanField(gettext_lazy("present"), null=True, blank=True)
    is_substitute = models.BooleanField(gettext_lazy("substitute added on the day"), default=False)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("participant")
        verbose_name_plural = gettext_lazy("participants")
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return self.name


def group_warnings(participants: list[Participant], visit: Visit) -> list[str]:
    """What deviates from the method, said without blocking (no query); nothing for a
    visit that asks for no group (Visit.asks_for_group)."""
    if not visit.asks_for_group:
        return []
    warnings = []
    members = [p for p in participants if not p.is_leader]
    if len(members) != IDEAL_GROUP_SIZE:
        warnings.append(
            _("The method recommends a group of five; this group has %(count)d.")
            % {"count": len(members)}
        )
    if members and len({p.profession_id for p in members}) < MIN_PROFESSIONS:
        warnings.append(
            _("The group has fewer than three professions. It should reflect the unit's staff mix.")
        )
    for leader in (p for p in participants if p.is_leader):
        warnings.append(
            _(
                "%(name)s has a leader role. Line managers can be observers, but should not have a role in the conversation."
            )
            % {"name": leader.name}
        )
    return warnings


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class GroupLinkQuerySet(models.QuerySet["GroupLink"]):
    def valid(self) -> GroupLinkQuerySet:
        return self.filter(revoked_at=None, expires_at__gt=timezone.now())


class GroupLink(models.Model):
    """A personal link that lets the unit's contact person, who often has no account,
    fill in the conversation group for one visit and do nothing else. It expires at the
    end of the visit day; only a hash of its token is stored."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="group_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = GroupLinkQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("group link")
        verbose_name_plural = gettext_lazy("group links")

    def __str__(self) -> str:
        return f"{self.visit} ({self.expires_at:%Y-%m-%d})"

    @staticmethod
    def expiry_for(visit: Visit) -> datetime:
        return datetime.combine(visit.date + timedelta(days=1), time(0, 0), OSLO)

    @classmethod
    def issue(cls, visit: Visit) -> tuple[GroupLink, str]:
        """Makes a new link (retiring older ones); returns it and its token."""
        now = timezone.now()
        cls.objects.filter(visit=visit, revoked_at=None).update(revoked_at=now)
        token = secrets.token_urlsafe(32)
        link = cls.objects.create(
            visit=visit, token_hash=hash_token(token), expires_at=cls.expiry_for(visit)
        )
        return link, token

    @classmethod
    def find(cls, token: str) -> GroupLink | None:
        return (
            cls.objects.valid()
            .select_related("visit", "visit__unit", "visit__organisation")
            .filter(token_hash=hash_token(token))
            .first()
        )
