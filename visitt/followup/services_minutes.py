"""The minutes' workflow: the draft Visitt writes from the visit, the secretary's edits,
review by the visit leader, the two signatures, new versions and sending to the group.

- Every edit is one conditional UPDATE on ``Minutes.version``: a stale save changes
  nothing and is refused. A signature names the version it was given for, so nobody
  signs a text that changed after they read it.
- Signing asks again for the password, or for a code from the authenticator app when
  the person has one (allauth.mfa TOTP). Failures are audited and rate-limited.
- One person who is both the top leader and the visit leader signs once; that signing
  stores both signatures (one row per role), so the PDF shows both roles and the rule
  "both roles have signed" stays one simple check.
- When both have signed, the version is locked; a change makes version n+1 with a
  reason, which needs both signatures again. Old versions keep their signatures.
- Sending to the participants claims ``MinutesVersion.sent_at`` first, so a double
  submit (or two workers) sends nothing twice.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from visitt.audit.models import AuditEvent
from visitt.audit.services import record
from visitt.core.emails import send_templated
from visitt.core.personal_data import record_override
from visitt.organisations.models import Role
from visitt.planning.models import Visit
from visitt.planning.visits import VisitTransitionError
from visitt.walkround.access import is_on_team
from visitt.walkround.services_problems import ProblemError, guard

from .minutes import Minutes, MinutesVersion, Signature, minutes_deadline

if TYPE_CHECKING:
    from visitt.organisations.access import OrgRequest

A = AuditEvent.Action
S = Signature.Role

# After this many failed signing attempts within the window, signing is refused for a
# while: a password or a six-digit code must not be guessable here.
MAX_SIGNING_FAILURES = 5
SIGNING_FAILURE_WINDOW = 15 * 60  # seconds


class MinutesError(ProblemError):
    """A refused change; the messages are for the user, and nothing was stored.

    ``status`` is the HTTP status a view answers with: 400 bad input, 403 not allowed,
    409 stale or in the wrong state, 422 the personal-data guard (``needs_reason`` when
    a reason would let it through), 429 too many failed signing attempts."""


def stale_message() -> str:
    return _(
        "Someone else saved the minutes while you were working on them. Nothing was "
        "changed: reload the page to see the current text, then try again."
    )


def locked_message() -> str:
    return _(
        "These minutes are signed and locked. Make a new version (with a reason) to change them."
    )


# --- Who may do what ----------------------------------------------------------------------


def may_work_on(user: Any, visit: Visit, roles: frozenset[str] | set[str]) -> bool:
    """The visit's leadership team and the organisation's top leaders (no query)."""
    return Role.TOP_LEADER in roles or is_on_team(user, visit)


def signing_roles(user: Any, visit: Visit, roles: frozenset[str] | set[str]) -> list[str]:
    """The roles ``user`` signs as: top leader (a member with that role), visit leader
    (the visit's own leader). Both, for one person who is both (no query)."""
    result: list[str] = []
    if Role.TOP_LEADER in roles:
        result.append(S.TOP_LEADER)
    if getattr(user, "pk", None) is not None and visit.visit_leader_id == user.pk:
        result.append(S.VISIT_LEADER)
    return result


# --- Reading ------------------------------------------------------------------------------


def minutes_of(visit: Visit) -> Minutes | None:
    """The visit's minutes with their versions and signatures (three queries), or None."""
    return (
        Minutes.objects.filter(visit=visit)
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=MinutesVersion.objects.select_related("created_by").prefetch_related(
                    "signatures"
                ),
            )
        )
        .first()
    )


def current_version(minutes: Minutes) -> MinutesVersion:
    """The highest-numbered version (no query when loaded by minutes_of)."""
    return max(minutes.versions.all(), key=lambda version: version.number)


def is_overdue(minutes: Minutes | None, visit: Visit, today=None) -> bool:
    today = today or timezone.localdate()
    deadline = minutes.deadline if minutes else minutes_deadline(visit.date)
    return (minutes is None or minutes.signed_at is None) and today > deadline


# --- The draft ---------------------------------------------------------------------------


def _line(label: str, value: str) -> str:
    return f"{label}: {value}"


def _people(visit: Visit) -> list[str]:
    """The leadership team, each person once with their roles on this visit."""
    roles: dict[int, tuple[Any, list[str]]] = {}
    for label, user in (
        (_("Visit leader"), visit.visit_leader),
        (_("Coordinator"), visit.coordinator),
        (_("Secretary"), visit.secretary),
        (_("Medical advisor"), visit.medical_advisor),
    ):
        if user is not None:
            roles.setdefault(user.pk, (user, []))[1].append(str(label))
    return [
        f"- {user} ({', '.join([labels[0]] + [label.lower() for label in labels[1:]])})"
        for user, labels in roles.values()
    ]


def _group(visit: Visit, show_names: bool) -> list[str]:
    """The conversation group by profession; names only where the organisation chooses.
    Those marked absent on the day are left out (one query)."""
    from visitt.planning.group import Participant

    by_profession: dict[str, list[str]] = {}
    for participant in (
        Participant.objects.filter(visit=visit)
        .exclude(attended=False)
        .select_related("profession")
        .order_by("profession__order", "profession__name", "name")
    ):
        by_profession.setdefault(participant.profession.name, []).append(participant.name)
    lines = []
    for profession, names in by_profession.items():
        if show_names:
            lines.append(f"- {profession}: {', '.join(names)}")
        else:
            lines.append(f"- {profession}: {len(names)}")
    return lines or [_("The group is not registered in Visitt.")]


def _themes(visit: Visit) -> list[str]:
    """The themes of the questions that have notes: the themes only, never what was
    said, which stays in the confidential notes (one query)."""
    from visitt.walkround.conduct import VisitNote
    from visitt.walkround.questions import Theme

    used = set(
        VisitNote.objects.filter(visit=visit, question__isnull=False)
        .exclude(text="")
        .values_list("question__theme", flat=True)
    )
    return [f"- {label}" for value, label in Theme.choices if value in used]


def _problems(visit: Visit) -> list:
    from visitt.walkround.problems import Problem

    from .plans import Action

    return list(
        Problem.objects.filter(visit=visit)
        .order_by("number")
        .prefetch_related(
            Prefetch("actions", queryset=Action.objects.select_related("owner").order_by("order"))
        )
    )


def _action_line(action: Any, with_status: bool = False) -> str:
    text = " ".join(action.what.split())
    details = []
    if action.owner is not None:
        details.append(_line(_("responsible"), str(action.owner)))
    if action.due_date:
        details.append(_line(_("by"), action.due_date.strftime("%d.%m.%Y")))
    if with_status:
        details.append(_line(_("status"), str(action.get_status_display())))
        if action.status == action.Status.NOT_POSSIBLE and action.reason:
            details.append(_line(_("why"), " ".join(action.reason.split())))
    return f"- {text}" + (f" ({'; '.join(details)})" if details else "")


def _date(day) -> str:
    from visitt.planning.documents import long_date

    return long_date(day, translation.get_language() or "nb")


def draft_body(visit: Visit, show_names: bool) -> str:
    """The minutes Visitt drafts from the visit, in the organisation's language form,
    as plain text with "## " headings and "- " lists (planning.documents.blocks)."""
    with translation.override(visit.organisation.language):
        if visit.kind == Visit.Kind.FOLLOW_UP:
            return _follow_up_body(visit)
        return _main_body(visit, show_names)


def _main_body(visit: Visit, show_names: bool) -> str:
    from .services_visits import follow_up_date

    parts = [
        _line(_("Unit"), visit.unit.name),
        _line(_("Date"), _date(visit.date)),
        "",
        "## " + _("The leadership team"),
        *_people(visit),
        "",
        "## " + _("The conversation group"),
        *_group(visit, show_names),
        "",
        "## " + _("Themes we talked about"),
        *(_themes(visit) or [_("No themes recorded.")]),
        "",
        "## " + _("Problems and actions"),
    ]
    problems = _problems(visit)
    if not problems:
        parts.append(_("No problems recorded."))
    for problem in problems:
        parts += ["", "## " + f"{problem.number}. {problem.title}"]
        if problem.description:
            parts.append(" ".join(problem.description.split()))
        actions = list(problem.actions.all())
        if actions:
            parts += ["", *(_action_line(action) for action in actions)]
        else:
            parts.append(_("Actions: not agreed yet."))
    parts += [
        "",
        "## " + _("Follow-up"),
        _("Follow-up visit about three months later: %(date)s.")
        % {"date": _date(follow_up_date(visit))},
    ]
    return "\n".join(parts) + "\n"


def _follow_up_body(visit: Visit) -> str:
    """The follow-up visit's short minutes: per problem of the visit it follows up, the
    answers recorded (implemented? improved? comment) and the actions' status."""
    from .review import FollowUpReview

    parent = visit.parent
    parts = [
        _line(_("Unit"), visit.unit.name),
        _line(_("Date"), _date(visit.date)),
    ]
    if parent is not None:
        parts.append(_line(_("Follows up the walkround of"), _date(parent.date)))
    parts += ["", "## " + _("The leadership team"), *_people(visit)]
    problems = _problems(parent) if parent is not None else []
    reviews = {review.problem_id: review for review in FollowUpReview.objects.filter(visit=visit)}
    for problem in problems:
        parts += ["", "## " + f"{problem.number}. {problem.title}"]
        review = reviews.get(problem.pk)
        implemented = review.get_implemented_display() if review and review.implemented else "-"
        improved = review.get_improved_display() if review and review.improved else "-"
        parts.append(_line(_("Was it implemented?"), str(implemented)))
        parts.append(_line(_("Did it lead to improvement?"), str(improved)))
        if review and review.comment:
            parts.append(_line(_("Comment"), " ".join(review.comment.split())))
        actions = list(problem.actions.all())
        if actions:
            parts += ["", *(_action_line(action, with_status=True) for action in actions)]
    if not problems:
        parts += ["", _("No problems to follow up.")]
    return "\n".join(parts) + "\n"


# --- Steps ---------------------------------------------------------------------------------


def start_minutes(request: OrgRequest, visit: Visit) -> Minutes:
    """Makes the minutes with version 1 drafted from the visit, once: a second call (or
    a double submit) returns the existing minutes."""
    if not visit.is_conducted:
        raise MinutesError(_("The minutes are written after the visit has been conducted."))
    existing = Minutes.objects.filter(visit=visit).first()
    if existing is not None:
        return existing
    show_names = visit.organisation.minutes_show_names
    body = draft_body(visit, show_names)
    try:
        with transaction.atomic():
            minutes = Minutes.objects.create(
                visit=visit, deadline=minutes_deadline(visit.date), show_names=show_names
            )
            MinutesVersion.objects.create(
                minutes=minutes, number=1, body=body, created_by=request.user
            )
            if visit.status == Visit.Status.CONDUCTED:
                visit.mark_minutes_drafted(request.user)
            record(request, A.MINUTES_CHANGED, target=visit, created=True, version=1)
    except IntegrityError:  # someone else made them at the same moment
        return Minutes.objects.get(visit=visit)
    return minutes


def _editable_version(minutes: Minutes) -> MinutesVersion:
    version = MinutesVersion.objects.filter(minutes=minutes).order_by("-number").first()
    if version is None:
        raise MinutesError(_("These minutes have no text yet."))
    if version.locked_at is not None or minutes.status == Minutes.Status.SIGNED:
        raise MinutesError(locked_message(), status=409)
    return version


def save_body(
    request: OrgRequest, minutes: Minutes, body: str, version: int, *, override_reason: str = ""
) -> Minutes:
    """Saves the current version's text if ``version`` is the stored one. A signature
    already given for the old text no longer holds: it is withdrawn (and audited), and
    that leader signs again."""
    body = body.replace("\r\n", "\n").strip() + "\n"
    if not body.strip():
        raise MinutesError(_("The minutes cannot be empty."))
    result = guard([body], override_reason, error=MinutesError)
    with transaction.atomic():
        current = _editable_version(minutes)
        updated = Minutes.objects.filter(pk=minutes.pk, version=version).update(
            version=F("version") + 1, updated_at=timezone.now()
        )
        if not updated:
            raise MinutesError(stale_message(), status=409)
        MinutesVersion.objects.filter(pk=current.pk).update(body=body, updated_at=timezone.now())
        withdrawn = list(
            Signature.objects.filter(minutes_version=current).values_list("role", flat=True)
        )
        if withdrawn:
            Signature.objects.filter(minutes_version=current).delete()
        minutes.refresh_from_db()
        if result.has_warnings:
            record_override(request, result, override_reason, target=minutes.visit, minutes=True)
        record(
            request,
            A.MINUTES_CHANGED,
            target=minutes.visit,
            version=current.number,
            signatures_withdrawn=withdrawn,
        )
    return minutes


def review_url(visit: Visit) -> str:
    return settings.SITE_URL + reverse("minutes", args=[visit.pk])


def send_for_review(request: OrgRequest, minutes: Minutes) -> bool:
    """Sends the draft to the visit leader for review (once per version: a double
    submit sends nothing). Returns whether an e-mail went out."""
    visit = minutes.visit
    with transaction.atomic():
        _editable_version(minutes)
        claimed = Minutes.objects.filter(pk=minutes.pk, status=Minutes.Status.DRAFT).update(
            status=Minutes.Status.IN_REVIEW,
            sent_for_review_at=timezone.now(),
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        if not claimed:
            return False
        minutes.refresh_from_db()
        leader = visit.visit_leader
        record(request, A.MINUTES_SENT_FOR_REVIEW, target=visit, to=leader.email)
        if leader.email:
            send_templated(
                "minutes_review",
                leader.email,
                {
                    "visit": visit,
                    "leader": leader,
                    "sender": request.user,
                    "deadline": minutes.deadline,
                    "url": review_url(visit),
                },
                visit.organisation.language,
            )
    return True


# --- Signing ------------------------------------------------------------------------------


def _failures_key(user: Any) -> str:
    return f"visitt.minutes.sign_failures:{user.pk}"


def _check_credentials(user: Any, password: str, code: str) -> str | None:
    """The method used if the credentials hold, else None. With an authenticator app,
    the app's code is asked for; otherwise the password."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is not None:
        code = "".join(code.split())
        if code and TOTP(authenticator).validate_code(code):
            return Signature.Method.TOTP
        return None
    if password and user.check_password(password):
        return Signature.Method.PASSWORD
    return None


def uses_totp(user: Any) -> bool:
    """Whether signing asks for the authenticator app's code (one query)."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


@dataclass
class SignResult:
    roles: list[str]
    completed: bool
    follow_up: Visit | None = None
    closed: bool = False
    notes: list[str] = field(default_factory=list)


def sign(
    request: OrgRequest,
    minutes: Minutes,
    version: int,
    *,
    password: str = "",
    code: str = "",
) -> SignResult:
    """Signs the current version in every role the user holds for it (top leader,
    visit leader). When both roles have signed, the version is locked and the visit
    moves on: a walkround gets its follow-up visit; a follow-up visit is closed."""
    user = request.user
    visit = minutes.visit
    roles = signing_roles(user, visit, request.roles)
    if not roles:
        raise MinutesError(
            _("Only the top leader and the visit leader sign the minutes."), status=403
        )
    key = _failures_key(user)
    if (cache.get(key) or 0) >= MAX_SIGNING_FAILURES:
        record(request, A.MINUTES_SIGNING_FAILED, target=visit, reason="rate_limited")
        raise MinutesError(
            _("Too many failed attempts. Wait a quarter of an hour and try again."), status=429
        )
    method = _check_credentials(user, password, code)
    if method is None:
        cache.add(key, 0, SIGNING_FAILURE_WINDOW)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, SIGNING_FAILURE_WINDOW)
        record(request, A.MINUTES_SIGNING_FAILED, target=visit, reason="credentials")
        raise MinutesError(
            _("The code is not correct. Nothing was signed.")
            if uses_totp(user)
            else _("The password is not correct. Nothing was signed."),
            status=400,
        )
    cache.delete(key)

    with transaction.atomic():
        locked = Minutes.objects.select_for_update().get(pk=minutes.pk)
        if locked.version != version:
            raise MinutesError(stale_message(), status=409)
        if locked.status == Minutes.Status.SIGNED:
            raise MinutesError(_("These minutes are already signed."), status=409)
        if locked.status != Minutes.Status.IN_REVIEW:
            raise MinutesError(
                _("The draft is signed after it has been sent for review."), status=409
            )
        current = _editable_version(locked)
        already = set(
            Signature.objects.filter(minutes_version=current).values_list("role", flat=True)
        )
        new_roles = [role for role in roles if role not in already]
        if not new_roles:
            raise MinutesError(_("You have already signed this version."), status=409)
        name = user.get_full_name() or str(user)
        Signature.objects.bulk_create(
            [
                Signature(
                    minutes_version=current, role=role, signer=user, signer_name=name, method=method
                )
                for role in new_roles
            ]
        )
        record(
            request,
            A.MINUTES_SIGNED,
            target=visit,
            version=current.number,
            roles=new_roles,
            method=method,
        )
        result = SignResult(roles=new_roles, completed=False)
        if already | set(new_roles) >= {S.TOP_LEADER, S.VISIT_LEADER}:
            now = timezone.now()
            MinutesVersion.objects.filter(pk=current.pk).update(locked_at=now)
            Minutes.objects.filter(pk=locked.pk).update(
                status=Minutes.Status.SIGNED,
                signed_at=now,
                version=F("version") + 1,
                updated_at=now,
            )
            result.completed = True
            _move_visit_on(request, visit, result)
    minutes.refresh_from_db()
    return result


def _move_visit_on(request: OrgRequest, visit: Visit, result: SignResult) -> None:
    """After the signatures: the visit's lifecycle. A later version's signing finds the
    visit already further on and leaves it there."""
    from .services_visits import plan_follow_up_visit

    by = request.user
    visit = Visit.objects.select_related("parent").get(pk=visit.pk)
    if visit.status in (Visit.Status.CONDUCTED, Visit.Status.MINUTES_DRAFTED):
        visit.mark_minutes_signed(by)
    if visit.kind == Visit.Kind.MAIN:
        if visit.status == Visit.Status.MINUTES_SIGNED:
            result.follow_up = plan_follow_up_visit(request, visit)
        return
    if visit.status != Visit.Status.CLOSED:
        visit.close(by)
        record(request, A.VISIT_CLOSED, target=visit)
        result.closed = True
    parent = visit.parent
    if parent is not None and parent.status == Visit.Status.FOLLOW_UP_PLANNED:
        with suppress(VisitTransitionError):  # checked just above; a race leaves it
            parent.mark_follow_up_done(by)


# --- Versions -----------------------------------------------------------------------------


def new_version(
    request: OrgRequest, minutes: Minutes, reason: str, version: int, *, override_reason: str = ""
) -> MinutesVersion:
    """Version n+1 of signed minutes, with the same text and a reason. It is a draft
    again: it needs both signatures anew. The signed versions stay as they were."""
    reason = reason.replace("\r\n", "\n").strip()
    if not reason:
        raise MinutesError(_("Give a reason for the new version."))
    result = guard([reason], override_reason, error=MinutesError)
    with transaction.atomic():
        locked = Minutes.objects.select_for_update().get(pk=minutes.pk)
        if locked.version != version:
            raise MinutesError(stale_message(), status=409)
        if locked.status != Minutes.Status.SIGNED:
            raise MinutesError(
                _("The current version is not signed yet: edit it instead."), status=409
            )
        latest = MinutesVersion.objects.filter(minutes=locked).order_by("-number").first()
        assert latest is not None
        created = MinutesVersion.objects.create(
            minutes=locked,
            number=latest.number + 1,
            body=latest.body,
            reason=reason,
            created_by=request.user,
        )
        Minutes.objects.filter(pk=locked.pk).update(
            status=Minutes.Status.DRAFT,
            sent_for_review_at=None,
            signed_at=None,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        if result.has_warnings:
            record_override(request, result, override_reason, target=minutes.visit, minutes=True)
        record(request, A.MINUTES_NEW_VERSION, target=minutes.visit, version=created.number)
    minutes.refresh_from_db()
    return created


# --- Sending ------------------------------------------------------------------------------


@dataclass
class Recipient:
    name: str
    email: str


@dataclass
class SendResult:
    sent: list[Recipient]
    without_email: list[str]
    already_sent: bool = False


def recipients(visit: Visit) -> tuple[list[Recipient], list[str]]:
    """Who gets the signed minutes: every participant with an e-mail address, the unit
    leader and the contact person (each address once); and the participants without
    an address, for the contact person to hand a printed copy (one query)."""
    from visitt.planning.group import Participant

    seen: set[str] = set()
    sent: list[Recipient] = []
    without: list[str] = []

    def add(name: str, email: str) -> None:
        if email and email.lower() not in seen:
            seen.add(email.lower())
            sent.append(Recipient(name, email))

    for participant in Participant.objects.filter(visit=visit).order_by("added_at", "pk"):
        if participant.email:
            add(participant.name, participant.email)
        else:
            without.append(participant.name)
    if visit.unit_leader is not None:
        add(str(visit.unit_leader), visit.unit_leader.email)
    add(visit.contact_name, visit.contact_email)
    return sent, without


def latest_signed(minutes: Minutes) -> MinutesVersion | None:
    return (
        MinutesVersion.objects.filter(minutes=minutes, locked_at__isnull=False)
        .order_by("-number")
        .first()
    )


def send_to_participants(request: OrgRequest, minutes: Minutes) -> SendResult:
    """Sends the latest signed version as a short letter with the PDF, once: the claim
    on ``sent_at`` and the audit event are one transaction, and the task worker sends the
    e-mails after it commits (tasks_minutes.send_minutes_emails); a second submit finds
    the version claimed and sends nothing."""
    from .tasks_minutes import send_minutes_emails

    visit = minutes.visit
    version = latest_signed(minutes)
    if version is None:
        raise MinutesError(_("The minutes are sent when both have signed."), status=409)
    sent, without = recipients(visit)
    with transaction.atomic():
        claimed = MinutesVersion.objects.filter(pk=version.pk, sent_at=None).update(
            sent_at=timezone.now()
        )
        if not claimed:
            return SendResult(sent=[], without_email=without, already_sent=True)
        record(
            request,
            A.MINUTES_SENT,
            target=visit,
            version=version.number,
            recipients=len(sent),
            without_email=len(without),
        )
        if sent:
            version_pk = version.pk
            transaction.on_commit(lambda: send_minutes_emails.enqueue(version_pk))
    return SendResult(sent=sent, without_email=without)
