"""Organisations (kommune, helseforetak), their units and the people in them.

Every row that belongs to an organisation is reached through it; views never look
rows up by primary key alone (see access.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.no import orgnr


def validate_organisation_number(value: str) -> None:
    if not orgnr.is_valid(value):
        raise ValidationError(
            _(
                "%(value)s is not a valid organisation number (nine digits with a correct check digit)."
            ),
            params={"value": value},
            code="invalid_orgnr",
        )


class Role(models.TextChoices):
    """The roles of the method (DESIGN.md §1). A person can hold several."""

    TOP_LEADER = "top_leader", _("Top leader")
    COORDINATOR = "coordinator", _("Coordinator")
    SECRETARY = "secretary", _("Secretary")
    MEDICAL_ADVISOR = "medical_advisor", _("Medical advisor")
    UNIT_LEADER = "unit_leader", _("Unit leader")
    CONTACT_PERSON = "contact_person", _("Contact person at the unit")
    ACTION_OWNER = "action_owner", _("Action owner")
    ADMIN = "admin", _("Administrator")


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        HEALTH_TRUST = "health_trust", _("Health trust")
        OTHER = "other", _("Other organisation")

    class LanguageForm(models.TextChoices):
        BOKMAAL = "nb", _("Bokmål")
        NYNORSK = "nn", _("Nynorsk")

    class TwoFactorPolicy(models.TextChoices):
        LEADERS_AND_ADMINS = "leaders_and_admins", _("Required for top leaders and administrators")
        EVERYONE = "everyone", _("Required for everyone")
        OPTIONAL = "optional", _("Optional for everyone")

    # Roles that must use two-factor sign-in under each policy.
    TWO_FACTOR_ROLES = {
        TwoFactorPolicy.LEADERS_AND_ADMINS: frozenset({Role.TOP_LEADER, Role.ADMIN}),
        TwoFactorPolicy.EVERYONE: frozenset(Role),
        TwoFactorPolicy.OPTIONAL: frozenset(),
    }

    name = models.CharField(_("name"), max_length=200)
    organisation_number = models.CharField(
        _("organisation number"),
        max_length=9,
        unique=True,
        validators=[validate_organisation_number],
        help_text=_("Nine digits, from the Central Coordinating Register for Legal Entities."),
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind, default=Kind.MUNICIPALITY)
    language = models.CharField(
        _("language form"), max_length=2, choices=LanguageForm, default=LanguageForm.BOKMAAL
    )
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    two_factor_policy = models.CharField(
        _("two-factor sign-in"),
        max_length=20,
        choices=TwoFactorPolicy,
        default=TwoFactorPolicy.LEADERS_AND_ADMINS,
    )
    # Phase 3 choices.
    minutes_show_names = models.BooleanField(
        _("name the participants in the minutes"),
        default=False,
        help_text=_("Off: the minutes list the conversation group by profession only."),
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        _("days before an overdue action goes to the top leader"),
        default=14,
        help_text=_(
            "The owner is reminded first; this many days after the due date the top leaders are told too."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.organisation_number = orgnr.compact(self.organisation_number or "")

    def requires_two_factor(self, roles: Iterable[str]) -> bool:
        return bool(
            self.TWO_FACTOR_ROLES[self.TwoFactorPolicy(self.two_factor_policy)] & set(roles)
        )

    @property
    def formatted_organisation_number(self) -> str:
        return orgnr.format(self.organisation_number)


class UnitQuerySet(models.QuerySet["Unit"]):
    def for_organisation(self, organisation: Organisation) -> UnitQuerySet:
        return self.filter(organisation=organisation)

    def active(self) -> UnitQuerySet:
        return self.filter(is_active=True)


class Unit(models.Model):
    """An enhet: a nursing home, one of its wards, home care, ... Units form a tree."""

    class Kind(models.TextChoices):
        NURSING_HOME = "nursing_home", _("Nursing home")
        WARD = "ward", _("Ward")
        HOME_CARE = "home_care", _("Home care")
        EMERGENCY = "emergency", _("Emergency clinic")
        CARE_CENTRE = "care_centre", _("Care and treatment centre")
        HEALTH_CENTRE = "health_centre", _("Health centre")
        MENTAL_HEALTH = "mental_health", _("Mental health and substance use")
        HOSPITAL_DEPARTMENT = "hospital_department", _("Hospital department")
        SERVICE_AREA = "service_area", _("Service area")
        OTHER = "other", _("Other")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="units", verbose_name=_("organisation")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=30, choices=Kind, default=Kind.OTHER)
    code = models.CharField(
        _("code"),
        max_length=40,
        blank=True,
        help_text=_("Optional: the unit's code in other systems, for imports."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "organisation",
                Lower("code"),
                condition=~models.Q(code=""),
                name="unit_code_unique_in_organisation",
                violation_error_message=_("Another unit already has this code."),
            ),
        ]
        indexes = [
            # The unit tree of one organisation: Unit.objects.for_organisation(org).
            models.Index(fields=["organisation", "parent"], name="unit_org_parent_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def descendant_ids(self, all_units: Iterable[Unit]) -> set[int]:
        """Ids below this unit, computed from an already loaded list (no query)."""
        children: dict[int | None, list[int]] = {}
        for unit in all_units:
            children.setdefault(unit.parent_id, []).append(unit.pk)
        found: set[int] = set()
        stack = list(children.get(self.pk, []))
        while stack:
            pk = stack.pop()
            if pk not in found:
                found.add(pk)
                stack.extend(children.get(pk, []))
        return found

    def deactivate(self) -> None:
        """A unit with history is never deleted, only deactivated, so old visits keep their unit."""
        self.is_active = False
        self.deactivated_at = timezone.now()
        self.save(update_fields=["is_active", "deactivated_at"])

    def reactivate(self) -> None:
        self.is_active = True
        self.deactivated_at = None
        self.save(update_fields=["is_active", "deactivated_at"])


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True, user__is_active=True)


class Membership(models.Model):
    """A person's place in one organisation. Roles are granted per membership."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("job title"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    # When the person last chose to work in this organisation: a new session starts there.
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"

    @property
    def role_codes(self) -> list[str]:
        """The roles, ordered as Role lists them. Uses prefetched grants when present."""
        held = {grant.role for grant in self.grants.all()}
        return [role.value for role in Role if role.value in held]

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(code).label) for code in self.role_codes]

    def set_roles(self, roles: Iterable[str]) -> tuple[set[str], set[str]]:
        """Replace the roles; returns (added, removed)."""
        wanted = {Role(role).value for role in roles}
        current = set(self.grants.values_list("role", flat=True))
        added, removed = wanted - current, current - wanted
        if removed:
            self.grants.filter(role__in=removed).delete()
        RoleGrant.objects.bulk_create([RoleGrant(membership=self, role=role) for role in added])
        return added, removed

    def deactivate(self) -> None:
        self.is_active = False
        self.deactivated_at = timezone.now()
        self.save(update_fields=["is_active", "deactivated_at"])

    def reactivate(self) -> None:
        self.is_active = True
        self.deactivated_at = None
        self.save(update_fields=["is_active", "deactivated_at"])


class RoleGrant(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(_("role"), max_length=30, choices=Role)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["membership", "role"], name="one_grant_per_role"),
        ]

    def __str__(self) -> str:
        return self.get_role_display()


INVITATION_VALIDITY = timedelta(days=14)


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An e-mailed link that lets a person join an organisation with given roles.

    Only a hash of the link's token is stored; the token itself exists in the e-mail.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(_("name"), max_length=200, blank=True)
    roles = models.JSONField(_("roles"), default=list)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(code).label) for code in self.roles if code in Role.values]
