"""Workflows around a visit that span several models: saving it and saying what
deviates from the method (without blocking), the lifecycle actions with their audit
events, the conversation group and its link, the checklist and the profession list.

Views call these; they never write visits, participants or checklist items themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.db.models import F, ProtectedError, RestrictedError
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from visitt.accounts.models import User
from visitt.audit.models import AuditEvent
from visitt.audit.services import record
from visitt.organisations.models import Organisation, Role

from .checklist import ChecklistItem, tick, untick
from .group import IDEAL_GROUP_SIZE, GroupLink, Participant, Profession, group_warnings
from .plan import AnnualPlan
from .visits import Postponement, Visit, VisitTransitionError

if TYPE_CHECKING:
    from visitt.organisations.access import OrgRequest

A = AuditEvent.Action

# "Up to five participants" (issue 3): a sixth person is refused, leader or not.
MAX_GROUP_SIZE = IDEAL_GROUP_SIZE

TEAM_FIELDS = ("visit_leader", "coordinator", "secretary", "medical_advisor")
LEADERSHIP_ROLES = (Role.TOP_LEADER, Role.COORDINATOR, Role.SECRETARY, Role.MEDICAL_ADVISOR)
# What the visit form edits. The lifecycle (status, postponements) has its own actions.
EDITABLE_FIELDS = (
    "unit",
    "kind",
    "parent",
    "date",
    "start_time",
    "duration_minutes",
    "place",
    *TEAM_FIELDS,
    "unit_leader",
    "contact_name",
    "contact_email",
)
# A change to any of these changes the calendar event (same UID, higher SEQUENCE).
CALENDAR_FIELDS = frozenset({"date", "start_time", "duration_minutes", "place"})


class VisitChangeError(Exception):
    """A change the rules refuse; the message is for the user."""


class StaleVisitError(VisitChangeError):
    """Someone else saved the visit after this form was opened (optimistic locking)."""


class GroupFullError(VisitChangeError):
    pass


def stale_message() -> str:
    return _(
        "Someone else saved this visit after you opened it. Your changes are not saved: "
        "open the visit again to see the current version."
    )


def never_cancelled_message() -> str:
    return _(
        "A visit is never cancelled, only postponed. It can be deleted only if it was "
        "registered by mistake: while it is still planned and before any invitation is sent."
    )


# --- People -----------------------------------------------------------------------------


def members(organisation: Organisation, *roles: str) -> models.QuerySet[User]:
    """Active members of the organisation, holding one of ``roles`` when given.

    One filter() call, so that the role is held in *this* organisation's membership.
    """
    lookup: dict[str, Any] = {
        "is_active": True,
        "memberships__organisation": organisation,
        "memberships__is_active": True,
    }
    if roles:
        lookup["memberships__grants__role__in"] = roles
    return User.objects.filter(**lookup).distinct().order_by("full_name", "email")


def default_visit_leader(organisation: Organisation, year: int) -> User | None:
    """The owner of the year's plan when they are an active top leader, else the first
    active top leader (the method: the top leader leads the visit unless changed)."""
    leaders = list(members(organisation, Role.TOP_LEADER))
    plan = AnnualPlan.objects.filter(organisation=organisation, year=year).first()
    if plan is not None:
        for leader in leaders:
            if leader.pk == plan.owner_id:
                return leader
    return leaders[0] if leaders else None


def _plan_for(organisation: Organisation, day: date) -> AnnualPlan | None:
    return AnnualPlan.objects.filter(organisation=organisation, year=day.year).first()


# --- Warnings (said, never blocking) -------------------------------------------------------


def _team_ids(visit: Visit) -> set[int]:
    return {pk for pk in (getattr(visit, f"{name}_id") for name in TEAM_FIELDS) if pk is not None}


def overlap_candidates(organisation: Organisation, visits: list[Visit]) -> list[Visit]:
    """The organisation's visits around the days of ``visits`` (one query), to look for
    clashes in the team's calendars."""
    days: set[date] = set()
    for visit in visits:
        days |= {visit.date - timedelta(days=1), visit.date, visit.date + timedelta(days=1)}
    if not days:
        return []
    return list(
        Visit.objects.for_organisation(organisation).filter(date__in=days).select_related("unit")
    )


def visit_warnings(visit: Visit, candidates: list[Visit]) -> list[str]:
    """The visit's own deviations: longer than an hour, a team member booked twice.

    No query when the team is loaded (Visit.objects.with_team()).
    """
    warnings = []
    if visit.is_longer_than_recommended:
        warnings.append(
            _(
                "The visit is planned to last %(minutes)d minutes. The method recommends that "
                "it should not last longer than one hour."
            )
            % {"minutes": visit.duration_minutes}
        )
    team = {user.pk: user for user in visit.team}
    for other in candidates:
        if other.pk == visit.pk or not visit.overlaps(other):
            continue
        for user_id in sorted(_team_ids(other) & team.keys()):
            warnings.append(
                _(
                    "%(person)s is also on the team of the visit to %(unit)s on %(date)s at "
                    "%(time)s, which overlaps in time."
                )
                % {
                    "person": team[user_id],
                    "unit": other.unit,
                    "date": formats.date_format(other.date, "DATE_FORMAT"),
                    "time": formats.time_format(other.start_time, "TIME_FORMAT"),
                }
            )
    return warnings


def warnings_for(visit: Visit) -> list[str]:
    """The visit's own warnings (one query for the other visits)."""
    return visit_warnings(visit, overlap_candidates(visit.organisation, [visit]))


def attach_warnings(organisation: Organisation, visits: list[Visit]) -> None:
    """Sets ``visit.warnings`` (visit and group) on each visit: one query in all.

    The visits must be loaded with_team() and with their participants prefetched.
    """
    candidates = overlap_candidates(organisation, visits)
    for visit in visits:
        visit.warnings = visit_warnings(visit, candidates) + group_warnings(  # type: ignore[attr-defined]
            list(visit.participants.all()), visit
        )


# --- Creating and changing a visit ---------------------------------------------------------


@dataclass
class Saved:
    visit: Visit
    warnings: list[str]


def _attname(name: str) -> str:
    field = Visit._meta.get_field(name)
    return getattr(field, "attname", name)


def _db_value(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def create_visit(request: OrgRequest, data: dict[str, Any]) -> Saved:
    organisation = request.organisation
    with transaction.atomic():
        visit = Visit(
            organisation=organisation,
            created_by=request.user,
            plan=_plan_for(organisation, data["date"]),
            **{name: data[name] for name in EDITABLE_FIELDS},
        )
        visit.save()
        record(request, A.VISIT_CREATED, target=visit)
    visit = Visit.objects.with_team().get(pk=visit.pk)
    return Saved(visit, warnings_for(visit))


def update_visit(request: OrgRequest, visit: Visit, data: dict[str, Any], *, version: int) -> Saved:
    """Saves the form's changes if nobody else saved the visit since ``version``.

    The date and time are fixed once the invitation is sent: after that, a new date goes
    through postponing, which keeps the history and tells the unit.
    """
    current = Visit.objects.get(pk=visit.pk)
    if current.version != version:
        raise StaleVisitError(stale_message())
    changes = {
        name: data[name]
        for name in EDITABLE_FIELDS
        if name in data and getattr(current, _attname(name)) != _db_value(data[name])
    }
    if current.invitation_sent_at is not None and {"date", "start_time"} & changes.keys():
        raise VisitChangeError(
            _(
                "The invitation has been sent, so the date and time can only be changed by "
                "postponing the visit."
            )
        )
    if changes:
        update: dict[str, Any] = {
            **changes,
            "version": F("version") + 1,
            "updated_at": timezone.now(),
        }
        if CALENDAR_FIELDS & changes.keys():
            update["calendar_sequence"] = F("calendar_sequence") + 1
        if "date" in changes:
            update["plan"] = _plan_for(current.organisation, changes["date"])
        with transaction.atomic():
            # The version in the WHERE clause makes the check and the write one step,
            # so two saves of the same version cannot both win.
            if not Visit.objects.filter(pk=visit.pk, version=version).update(**update):
                raise StaleVisitError(stale_message())
            saved = Visit.objects.with_team().select_related("organisation").get(pk=visit.pk)
            if "date" in changes:
                _move_group_links(saved)
            record(request, A.VISIT_CHANGED, target=saved, fields=sorted(changes))
        return Saved(saved, warnings_for(saved))
    saved = Visit.objects.with_team().select_related("organisation").get(pk=visit.pk)
    return Saved(saved, warnings_for(saved))


def _move_group_links(visit: Visit) -> None:
    """A link that still works follows the visit to its new day."""
    GroupLink.objects.filter(visit=visit, revoked_at=None, expires_at__gt=timezone.now()).update(
        expires_at=GroupLink.expiry_for(visit)
    )


# --- The lifecycle -------------------------------------------------------------------------


def _locked(visit: Visit) -> Visit:
    return Visit.objects.select_for_update().get(pk=visit.pk)


def confirm_visit(request: OrgRequest, visit: Visit) -> None:
    with transaction.atomic():
        visit = _locked(visit)
        visit.confirm(by=request.user)
        record(request, A.VISIT_CONFIRMED, target=visit)


def mark_conducted(request: OrgRequest, visit: Visit) -> None:
    with transaction.atomic():
        visit = _locked(visit)
        if visit.date > timezone.localdate():
            raise VisitTransitionError(_("A visit can be marked as conducted on its day or later."))
        visit.mark_conducted(by=request.user)
        record(request, A.VISIT_CONDUCTED, target=visit)


def postpone_visit(
    request: OrgRequest,
    visit: Visit,
    *,
    to_date: date,
    to_time: time | None,
    reason: str,
    version: int,
) -> Postponement:
    """Moves the visit to a new date with a reason (Visit.postpone keeps the history).

    The week-before confirmation is due again for the new date, the invitation that went
    out carried the old date (so its checklist item asks for a new one), and a group
    link that still works follows the visit.
    """
    with transaction.atomic():
        locked = _locked(visit)
        if locked.version != version:
            raise StaleVisitError(stale_message())
        postponement = locked.postpone(
            to_date=to_date, to_time=to_time, reason=reason, by=request.user
        )
        untick(locked, ChecklistItem.Key.CONFIRMATION)
        untick(locked, ChecklistItem.Key.INVITATION_SENT)
        _move_group_links(locked)
        record(
            request,
            A.VISIT_POSTPONED,
            target=locked,
            postponement=postponement.pk,
            from_date=postponement.from_date.isoformat(),
            to_date=postponement.to_date.isoformat(),
        )
    return postponement


def delete_visit(request: OrgRequest, visit: Visit) -> None:
    """Deletes a visit registered by mistake. The method never cancels a visit: once it is
    confirmed or the invitation is out, it can only be postponed."""
    if not visit.can_be_deleted:
        raise VisitChangeError(never_cancelled_message())
    description = {"unit": visit.unit.name, "date": visit.date.isoformat()}
    try:
        with transaction.atomic():
            record(request, A.VISIT_DELETED, target=visit, **description)
            visit.delete()
    except (ProtectedError, RestrictedError):
        raise VisitChangeError(
            _(
                "Other records refer to this visit (such as a follow-up visit), so it cannot be deleted."
            )
        ) from None


# --- The checklist ---------------------------------------------------------------------------


def set_checklist_item(request: OrgRequest, visit: Visit, key: str, *, done: bool) -> None:
    if key not in ChecklistItem.Key.values:
        raise VisitChangeError(_("There is no such item on the checklist."))
    if key in ChecklistItem.AUTOMATIC:
        raise VisitChangeError(
            _("Visitt ticks this item itself when it happens; it cannot be ticked by hand.")
        )
    with transaction.atomic():
        if done:
            tick(visit, key, by=request.user)
        else:
            untick(visit, key)
        record(request, A.CHECKLIST_CHANGED, target=visit, item=key, done=done)


def sync_group_checklist(visit: Visit) -> None:
    """ "Conversation group assembled" follows the group: ticked with five participants
    who are not leaders, unticked again if it drops below."""
    count = visit.participants.filter(is_leader=False).count()
    if count >= IDEAL_GROUP_SIZE:
        tick(visit, ChecklistItem.Key.GROUP_ASSEMBLED)
    else:
        untick(visit, ChecklistItem.Key.GROUP_ASSEMBLED)


# --- The conversation group ------------------------------------------------------------------

PARTICIPANT_FIELDS = ("name", "profession", "email", "is_leader")


def _record_group(
    request: HttpRequest, visit: Visit, change: str, participant: int, via_link: bool
) -> None:
    # The participant's name is personal data: the trail keeps only the row's key.
    record(
        request,
        A.GROUP_CHANGED,
        target=visit,
        organisation=visit.organisation,
        change=change,
        participant=participant,
        via_link=via_link,
    )


def save_participant(
    request: HttpRequest,
    visit: Visit,
    data: dict[str, Any],
    participant: Participant | None = None,
    *,
    via_link: bool = False,
) -> Participant:
    """Adds a participant (``participant`` None) or changes one; refuses a sixth."""
    with transaction.atomic():
        # Lock the visit, so that two people adding at once cannot both add the sixth.
        Visit.objects.select_for_update().filter(pk=visit.pk).first()
        if participant is None:
            if visit.participants.count() >= MAX_GROUP_SIZE:
                raise GroupFullError(
                    _(
                        "The group already has five participants, which is what the method asks "
                        "for. Remove someone before adding another person."
                    )
                )
            participant = Participant.objects.create(
                visit=visit, **{name: data[name] for name in PARTICIPANT_FIELDS}
            )
            change = "added"
        else:
            for name in PARTICIPANT_FIELDS:
                setattr(participant, name, data[name])
            participant.save(update_fields=list(PARTICIPANT_FIELDS))
            change = "changed"
        sync_group_checklist(visit)
        _record_group(request, visit, change, participant.pk, via_link)
    return participant


def remove_participant(
    request: HttpRequest, visit: Visit, participant: Participant, *, via_link: bool = False
) -> None:
    with transaction.atomic():
        pk = participant.pk
        participant.delete()
        sync_group_checklist(visit)
        _record_group(request, visit, "removed", pk, via_link)


def _check_link_can_work(visit: Visit) -> None:
    if GroupLink.expiry_for(visit) <= timezone.now():
        raise VisitChangeError(
            _("The visit day has passed, so a link for the group would not work.")
        )


def issue_group_link(request: OrgRequest, visit: Visit) -> tuple[GroupLink, str]:
    """A new link for the contact person (older ones stop working). The token is
    returned to be shown once; only its hash is stored."""
    _check_link_can_work(visit)
    with transaction.atomic():
        link, token = GroupLink.issue(visit)
        record(request, A.GROUP_LINK_ISSUED, target=visit, link=link.pk, emailed=False)
    return link, token


def email_group_link(request: OrgRequest, visit: Visit) -> None:
    """Queues an e-mail with a new link to the contact person. The task makes the link
    itself, so the token never sits in the task queue."""
    from .tasks_visits import send_group_link

    if not visit.contact_email:
        raise VisitChangeError(
            _(
                "The visit has no e-mail address for the contact person. Add one by editing the visit."
            )
        )
    _check_link_can_work(visit)
    record(request, A.GROUP_LINK_ISSUED, target=visit, emailed=True)
    transaction.on_commit(lambda: send_group_link.enqueue(visit.pk))


class LinkState:
    UNKNOWN = "unknown"
    REPLACED = "replaced"
    EXPIRED = "expired"


def find_group_link(token: str) -> tuple[GroupLink | None, str | None]:
    """The link for a token and, when it does not work, why (one query)."""
    from .group import hash_token

    link = (
        GroupLink.objects.select_related("visit", "visit__unit", "visit__organisation")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if link is None:
        return None, LinkState.UNKNOWN
    if link.revoked_at is not None:
        return link, LinkState.REPLACED
    if link.expires_at <= timezone.now():
        return link, LinkState.EXPIRED
    return link, None


# --- The organisation's professions ----------------------------------------------------------


class ProfessionError(VisitChangeError):
    pass


def _record_professions(request: OrgRequest, change: str, profession: Profession) -> None:
    # There is no audit action of its own for the profession list; it is part of the
    # organisation's settings.
    record(
        request,
        A.ORGANISATION_CHANGED,
        target=profession,
        fields=["professions"],
        change=change,
    )


def _name_taken(organisation: Organisation, name: str, exclude: int | None = None) -> bool:
    same = Profession.objects.filter(organisation=organisation, name__iexact=name)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    return same.exists()


def add_profession(request: OrgRequest, name: str) -> Profession:
    organisation = request.organisation
    name = name.strip()
    if _name_taken(organisation, name):
        raise ProfessionError(_("The list already has %(name)s.") % {"name": name})
    with transaction.atomic():
        last = (
            Profession.objects.filter(organisation=organisation).aggregate(models.Max("order"))[
                "order__max"
            ]
            or 0
        )
        profession = Profession.objects.create(organisation=organisation, name=name, order=last + 1)
        _record_professions(request, "added", profession)
    return profession


def rename_profession(request: OrgRequest, profession: Profession, name: str) -> None:
    name = name.strip()
    if _name_taken(profession.organisation, name, exclude=profession.pk):
        raise ProfessionError(_("The list already has %(name)s.") % {"name": name})
    with transaction.atomic():
        profession.name = name
        profession.save(update_fields=["name"])
        _record_professions(request, "renamed", profession)


def set_profession_active(request: OrgRequest, profession: Profession, active: bool) -> None:
    """A profession in use is never deleted, only taken off the list for new participants."""
    with transaction.atomic():
        profession.is_active = active
        profession.save(update_fields=["is_active"])
        _record_professions(request, "activated" if active else "deactivated", profession)


def move_profession(request: OrgRequest, profession: Profession, step: int) -> None:
    """Moves a profession one place up (-1) or down (+1) in the list."""
    with transaction.atomic():
        ordered = list(
            Profession.objects.select_for_update()
            .filter(organisation=profession.organisation)
            .order_by("order", "name")
        )
        index = next(i for i, p in enumerate(ordered) if p.pk == profession.pk)
        target = index + step
        if not 0 <= target < len(ordered):
            return
        ordered[index], ordered[target] = ordered[target], ordered[index]
        for position, item in enumerate(ordered):
            item.order = position
        Profession.objects.bulk_update(ordered, ["order"])
        _record_professions(request, "moved", profession)
