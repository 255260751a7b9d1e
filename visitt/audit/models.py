"""The audit trail: who did or read what, when, for which organisation, and from where."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def visible_to_organisation(self, organisation) -> AuditEventQuerySet:
        """Events of the organisation, and sign-in events of its members.

        Sign-in is not tied to one organisation, so those events carry none; each
        organisation sees them for its own members, from the day they joined (what a
        person did before is none of the organisation's business).
        """
        from visitt.organisations.models import Membership

        member_then = Membership.objects.filter(
            organisation=organisation,
            user_id=models.OuterRef("actor_id"),
            created_at__lte=models.OuterRef("created_at"),
        )
        return self.filter(
            models.Q(organisation=organisation)
            | models.Q(organisation=None, actor__isnull=False) & models.Exists(member_then)
        )


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        LOGIN = "auth.login", _("Signed in")
        LOGIN_FAILED = "auth.login_failed", _("Failed sign-in")
        LOGOUT = "auth.logout", _("Signed out")
        PASSWORD_CHANGED = "auth.password_changed", _("Changed password")
        PASSWORD_RESET = "auth.password_reset", _("Reset password")
        MFA_ADDED = "auth.mfa_added", _("Turned on two-factor sign-in")
        MFA_REMOVED = "auth.mfa_removed", _("Turned off two-factor sign-in")
        MFA_RESET = "auth.mfa_reset", _("Generated new recovery codes")
        ORGANISATION_CHANGED = "org.changed", _("Changed the organisation")
        ORGANISATION_SWITCHED = "org.switched", _("Switched organisation")
        UNIT_CREATED = "unit.created", _("Created a unit")
        UNIT_CHANGED = "unit.changed", _("Changed a unit")
        UNIT_DELETED = "unit.deleted", _("Deleted a unit")
        UNIT_DEACTIVATED = "unit.deactivated", _("Deactivated a unit")
        UNIT_REACTIVATED = "unit.reactivated", _("Reactivated a unit")
        UNITS_IMPORTED = "unit.imported", _("Imported units")
        INVITATION_SENT = "person.invited", _("Invited a person")
        INVITATION_REVOKED = "person.invitation_revoked", _("Withdrew an invitation")
        INVITATION_ACCEPTED = "person.joined", _("Accepted an invitation")
        ROLES_CHANGED = "person.roles_changed", _("Changed roles")
        MEMBERSHIP_DEACTIVATED = "person.deactivated", _("Deactivated a person")
        MEMBERSHIP_REACTIVATED = "person.reactivated", _("Reactivated a person")
        AUDIT_READ = "audit.read", _("Read the audit trail")
        # Phase 1: planning and preparation.
        PLAN_CREATED = "plan.created", _("Created an annual plan")
        PLAN_CHANGED = "plan.changed", _("Changed an annual plan")
        VISITS_SCHEDULED = "plan.scheduled", _("Scheduled visits")
        VISIT_CREATED = "visit.created", _("Created a visit")
        VISIT_CHANGED = "visit.changed", _("Changed a visit")
        VISIT_DELETED = "visit.deleted", _("Deleted a visit registered by mistake")
        VISIT_CONFIRMED = "visit.confirmed", _("Confirmed a visit")
        VISIT_POSTPONED = "visit.postponed", _("Postponed a visit")
        VISIT_CONDUCTED = "visit.conducted", _("Marked a visit as conducted")
        GROUP_CHANGED = "visit.group_changed", _("Changed the conversation group")
        GROUP_LINK_ISSUED = "visit.group_link", _("Made a link for the contact person")
        CHECKLIST_CHANGED = "visit.checklist", _("Changed the preparation checklist")
        LETTER_SENT = "visit.invitation_sent", _("Sent the invitation to the unit")
        REMINDER_SENT = "visit.reminder_sent", _("Sent the reminder one week before")
        TEMPLATE_CHANGED = "letter.changed", _("Changed a letter template")
        INCIDENTS_CHANGED = "incidents.changed", _("Changed incident counts")
        PREPARATION_READ = "visit.preparation_read", _("Read the preparation material")
        STAFF_INPUT_RECEIVED = "visit.staff_input", _("Received an example from the staff")
        CALENDAR_FEED_CREATED = "calendar.created", _("Made a calendar link")
        CALENDAR_FEED_REVOKED = "calendar.revoked", _("Revoked a calendar link")
        PERSONAL_DATA_OVERRIDE = "privacy.override", _("Saved text despite a personal data warning")
        # Phase 2: the walkround. Notes are confidential: every read is recorded.
        NOTES_READ = "visit.notes_read", _("Read the notes from a visit")
        NOTES_CHANGED = "visit.notes_changed", _("Changed the notes from a visit")
        # Phase 3: the follow-up.
        PLAN_ITEM_CHANGED = "followup.plan_changed", _("Changed an action plan")
        ACTION_STATUS_CHANGED = "followup.action_status", _("Changed the status of an action")
        MINUTES_CHANGED = "minutes.changed", _("Changed the minutes")
        MINUTES_SENT_FOR_REVIEW = "minutes.review", _("Sent the minutes for review")
        MINUTES_SIGNED = "minutes.signed", _("Signed the minutes")
        MINUTES_SIGNING_FAILED = "minutes.sign_failed", _("Failed to sign the minutes")
        MINUTES_NEW_VERSION = "minutes.new_version", _("Made a new version of signed minutes")
        MINUTES_SENT = "minutes.sent", _("Sent the minutes to the participants")
        FEEDBACK_SENT = "followup.feedback", _("Sent feedback to the conversation group")
        FOLLOW_UP_PLANNED = "followup.planned", _("Planned the follow-up visit")
        FOLLOW_UP_RECORDED = "followup.recorded", _("Recorded the follow-up of the problems")
        VISIT_CLOSED = "visit.closed", _("Closed a visit")
        NOTIFICATION_SETTINGS_CHANGED = "account.notifications", _("Changed notice settings")
        # Measure and learn.
        MEASURE_DATA_CHANGED = "improvement.measure_data", _("Changed the data of a measure")
        PDSA_CHANGED = "improvement.pdsa", _("Changed a PDSA cycle")
        LIBRARY_PUBLISHED = (
            "improvement.library_published",
            _("Published an action to the learning library"),
        )
        LIBRARY_CHANGED = "improvement.library_changed", _("Changed a learning library entry")
        LIBRARY_WITHDRAWN = (
            "improvement.library_withdrawn",
            _("Withdrew an entry from the learning library"),
        )
        SURVEY_CHANGED = "improvement.survey_changed", _("Created or changed a pulse survey")
        SURVEY_RESULTS_READ = "improvement.survey_results", _("Read a pulse survey's results")
        # Reports.
        AGENDA_MADE = "reports.agenda", _("Made the agenda item for a leadership meeting")
        ANNUAL_SUMMARY_CHANGED = "reports.annual_changed", _("Changed an annual summary")
        ANNUAL_SUMMARY_REVIEWED = (
            "reports.annual_reviewed",
            _("Recorded the leadership group's review of an annual summary"),
        )
        ANNUAL_SUMMARY_DECISION = (
            "reports.annual_decision",
            _("Recorded a decision on an annual summary"),
        )

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    # Kept beside the key so the trail stays readable if the account changes.
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(_("what"), max_length=60, choices=Action)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("from"), null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The admin's audit page: newest events of one organisation.
            models.Index(fields=["organisation", "-created_at"], name="audit_org_time_idx"),
            # Sign-in events of an organisation's members.
            models.Index(fields=["actor", "-created_at"], name="audit_actor_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_email} {self.action}"
