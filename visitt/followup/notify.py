"""The daily follow-up notices (issue 5, «Eskalering og varsler»): what is due for whom.

A daily command (`manage.py send_followup_notices`, run by cron, or the task in
tasks_notices.py) finds what is due, claims each notice once and e-mails it:

- minutes due tomorrow → the visit's secretary (the coordinator when the visit has no
  secretary). "Tomorrow" means the next working day: the notice goes out on the last
  working day before the deadline (on a Friday for a deadline on Monday; on the
  Wednesday before Easter for a deadline on the Tuesday after it), and from then on a
  missed run is caught up by the next one as long as the deadline has not passed. The
  cron runs every day, so a weekend run announces nothing the Friday run did not.
- minutes overdue (the deadline has passed and they are not signed, or a conducted visit
  has no minutes at all although minutes_deadline(visit.date) has passed) → the
  secretary and the visit leader;
- actions due within seven calendar days → their owner;
- actions overdue → their owner; and ``Organisation.escalate_after_days`` days after the
  due date → the organisation's top leaders (escalation);
- feedback owed (an action is done or not possible, and the group has not been told about
  that outcome, since at least the day before) → the visit leader.

The follow-up visit's reminder one week before is sent by send_reminders like any visit's.

Exactly once: every notice has a deterministic key (what, about which record and date,
for whom). Claiming it is an INSERT into the Notice ledger in its own transaction; the
unique key makes a concurrent or repeated run lose with an IntegrityError, and the loser
sends nothing. Sending claims ``sent_at`` with a conditional UPDATE in the same
transaction as the e-mail, so a failed e-mail leaves the notice for the next run.

A person who chose a daily digest (User.daily_digest) gets one e-mail per run with all
their notices; the others get one e-mail per notice. Texts are in the person's language,
or their organisation's language form. Only active people with an active membership in
the organisation the record belongs to get anything.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy

from visitt.accounts.models import User
from visitt.core.emails import send_templated
from visitt.core.workdays import add_working_days
from visitt.organisations.models import Membership, Organisation, Role, RoleGrant
from visitt.planning.models import Visit

from .feedback import Feedback
from .minutes import Minutes, minutes_deadline
from .notices import Notice
from .plans import Action, ActionQuerySet

logger = logging.getLogger(__name__)

Kind = Notice.Kind
ACTION_DUE_DAYS = 7
# How far back a visit may lie for its (missing) minutes to be looked for: a visit whose
# deadline is tomorrow was at most this many days ago (four working days, plus weekends
# and the longest run of Norwegian holidays).
_MAX_DEADLINE_SPAN = 20
# Visits whose minutes can still be written: conducted and not closed.
MINUTES_OPEN_STATUSES = (Visit.Status.CONDUCTED, Visit.Status.MINUTES_DRAFTED)


@dataclass
class Due:
    """One notice that is due: what, about which record, for whom."""

    kind: str
    recipient_id: int
    visit: Visit
    deadline: date
    action: Action | None = None
    # For escalation: how many days overdue.
    days_overdue: int = 0

    @property
    def organisation_id(self) -> int:
        return self.visit.organisation_id

    @property
    def key(self) -> str:
        """E.g. "action_overdue:action:42:2026-11-20:user:7": a new due date (or deadline)
        is a new notice; feedback is owed once per outcome."""
        if self.action is None:
            about = f"visit:{self.visit.pk}:{self.deadline:%Y-%m-%d}"
        elif self.kind == Kind.FEEDBACK_OWED:
            about = f"action:{self.action.pk}:{self.action.status}"
        else:
            about = f"action:{self.action.pk}:{self.deadline:%Y-%m-%d}"
        return f"{self.kind}:{about}:user:{self.recipient_id}"


@dataclass
class RunResult:
    created: list[str] = field(default_factory=list)  # the keys this run claimed
    sent: int = 0  # single e-mails
    digests: int = 0  # digest e-mails
    failed: int = 0  # e-mails that could not be sent (left for the next run)


# --- When -----------------------------------------------------------------------------


def minutes_due_window(today: date) -> tuple[date, date]:
    """Deadlines announced today: after today, up to and including the next working day.
    On a Friday that is Saturday to Monday; before Easter it spans the holidays."""
    return today + timedelta(days=1), add_working_days(today, 1)


def _visit_dates_with_deadline_in(first: date, last: date) -> list[date]:
    """The visit dates whose minutes deadline lies in [first, last]."""
    day = first - timedelta(days=_MAX_DEADLINE_SPAN)
    return [
        day + timedelta(days=i)
        for i in range(_MAX_DEADLINE_SPAN + (last - first).days + 1)
        if first <= minutes_deadline(day + timedelta(days=i)) <= last
    ]


def _last_visit_date_overdue(today: date) -> date:
    """The latest visit date whose minutes deadline is before today."""
    day = today
    while minutes_deadline(day) >= today:
        day -= timedelta(days=1)
    return day


# --- What is due ----------------------------------------------------------------------


def _visits() -> QuerySet[Visit]:
    return Visit.objects.filter(organisation__is_active=True).select_related("organisation", "unit")


def _minutes_writer(visit: Visit) -> int | None:
    return visit.secretary_id or visit.coordinator_id


def due_minutes(today: date) -> Iterator[Due]:
    """Minutes due tomorrow and minutes overdue (four queries)."""
    first, last = minutes_due_window(today)
    unsigned = Minutes.objects.exclude(status=Minutes.Status.SIGNED).filter(
        visit__organisation__is_active=True,
        visit__status__in=MINUTES_OPEN_STATUSES,
    )
    missing = _visits().filter(status__in=MINUTES_OPEN_STATUSES, minutes__isnull=True)

    soon = [
        (m.visit, m.deadline)
        for m in unsigned.filter(deadline__gte=first, deadline__lte=last).select_related(
            "visit__organisation", "visit__unit"
        )
    ] + [
        (v, minutes_deadline(v.date))
        for v in missing.filter(date__in=_visit_dates_with_deadline_in(first, last))
    ]
    for visit, deadline in soon:
        if writer := _minutes_writer(visit):
            yield Due(Kind.MINUTES_DUE, writer, visit, deadline)

    late = [
        (m.visit, m.deadline)
        for m in unsigned.filter(deadline__lt=today).select_related(
            "visit__organisation", "visit__unit"
        )
    ] + [
        (v, minutes_deadline(v.date))
        for v in missing.filter(date__lte=_last_visit_date_overdue(today))
    ]
    for visit, deadline in late:
        for recipient in dict.fromkeys(
            filter(None, (_minutes_writer(visit), visit.visit_leader_id))
        ):
            yield Due(Kind.MINUTES_OVERDUE, recipient, visit, deadline)


def _actions() -> ActionQuerySet:
    return Action.objects.filter(problem__visit__organisation__is_active=True).select_related(
        "owner", "problem__visit__organisation", "problem__visit__unit"
    )


def due_actions(today: date, top_leaders: dict[int, list[int]]) -> Iterator[Due]:
    """Actions due within seven days, overdue, and escalated (two queries).
    ``top_leaders``: organisation key → its top leaders' keys."""
    open_actions = _actions().open().filter(owner__isnull=False, due_date__isnull=False)
    for action in open_actions.filter(
        due_date__gte=today, due_date__lte=today + timedelta(days=ACTION_DUE_DAYS)
    ):
        assert action.owner_id is not None and action.due_date is not None
        yield Due(Kind.ACTION_DUE, action.owner_id, action.problem.visit, action.due_date, action)
    for action in open_actions.filter(due_date__lt=today):
        assert action.owner_id is not None and action.due_date is not None
        visit = action.problem.visit
        yield Due(Kind.ACTION_OVERDUE, action.owner_id, visit, action.due_date, action)
        late = (today - action.due_date).days
        if late >= visit.organisation.escalate_after_days:
            for leader in top_leaders.get(visit.organisation_id, []):
                yield Due(
                    Kind.ACTION_ESCALATED, leader, visit, action.due_date, action, days_overdue=late
                )


def _feedback_owed_fallback() -> QuerySet[Action]:
    """Finished actions without feedback about the outcome they reached."""
    told = Feedback.objects.filter(action=OuterRef("pk"), about_status=OuterRef("status"))
    return Action.objects.filter(status__in=Action.FINISHED).exclude(Exists(told))


def feedback_owed_actions() -> Iterator[QuerySet[Action]]:
    """Finished actions without feedback about their outcome, per active organisation:
    visitt.followup.services_feedback.feedback_owed(organisation) when it exists (one
    query per organisation), otherwise the same query here for all at once."""
    try:
        from visitt.followup.services_feedback import feedback_owed  # optional module
    except ImportError:
        yield _feedback_owed_fallback()
        return
    for organisation in Organisation.objects.filter(is_active=True).order_by("pk"):
        yield feedback_owed(organisation)


def due_feedback(today: date) -> Iterator[Due]:
    """Feedback owed since at least yesterday → the visit leader (one query per
    organisation)."""
    start_of_today = timezone.make_aware(datetime.combine(today, time.min))
    actions = (
        action
        for owed in feedback_owed_actions()
        for action in owed.filter(problem__visit__organisation__is_active=True)
        .filter(Q(finished_at__isnull=True) | Q(finished_at__lt=start_of_today))
        .select_related("owner", "problem__visit__organisation", "problem__visit__unit")
    )
    for action in actions:
        visit = action.problem.visit
        if visit.visit_leader_id:
            finished = timezone.localdate(action.finished_at) if action.finished_at else today
            yield Due(Kind.FEEDBACK_OWED, visit.visit_leader_id, visit, finished, action)


def top_leaders_by_organisation() -> dict[int, list[int]]:
    """Active top leaders per organisation (one query)."""
    leaders: dict[int, list[int]] = defaultdict(list)
    rows = RoleGrant.objects.filter(
        role=Role.TOP_LEADER,
        membership__is_active=True,
        membership__user__is_active=True,
        membership__organisation__is_active=True,
    ).values_list("membership__organisation_id", "membership__user_id")
    for organisation_id, user_id in rows.order_by("membership__user_id"):
        leaders[organisation_id].append(user_id)
    return leaders


def due_notices(today: date) -> list[Due]:
    """Everything due today, for active members only, each key once (about ten queries
    whatever the number of rows)."""
    candidates = [
        *due_minutes(today),
        *due_actions(today, top_leaders_by_organisation()),
        *due_feedback(today),
    ]
    if not candidates:
        return []
    members = set(
        Membership.objects.active()
        .filter(
            organisation_id__in={d.organisation_id for d in candidates},
            user_id__in={d.recipient_id for d in candidates},
        )
        .values_list("user_id", "organisation_id")
    )
    unique = {d.key: d for d in candidates if (d.recipient_id, d.organisation_id) in members}
    return list(unique.values())


# --- The texts ------------------------------------------------------------------------


def language_for(user: User, organisation: Organisation) -> str:
    """The person's chosen language, else the organisation's language form."""
    return user.language or organisation.language


def _date(day: date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def _url(due: Due) -> str:
    """Where to act: the minutes, the person's actions, the feedback form; the visit page
    where that page is not there."""
    pages: dict[str, list[tuple[str, list[int]]]] = {
        Kind.MINUTES_DUE: [("minutes", [due.visit.pk])],
        Kind.MINUTES_OVERDUE: [("minutes", [due.visit.pk])],
        Kind.ACTION_DUE: [("my_actions", [])],
        Kind.ACTION_OVERDUE: [("my_actions", [])],
        Kind.FEEDBACK_OWED: [("action_feedback", [due.action.pk] if due.action else [])],
    }
    wanted = pages.get(due.kind, [])
    for name, args in wanted:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return reverse("visit_detail", args=[due.visit.pk])


# Subject and body per kind; %(…)s from texts().
TEXTS = {
    Kind.MINUTES_DUE: (
        gettext_lazy("Minutes due %(deadline)s: %(unit)s"),
        gettext_lazy(
            "The minutes of the walkround at %(unit)s on %(visit_date)s are due "
            "%(deadline)s, the fourth working day after the visit. They are not signed yet."
        ),
    ),
    Kind.MINUTES_OVERDUE: (
        gettext_lazy("Minutes overdue: %(unit)s"),
        gettext_lazy(
            "The minutes of the walkround at %(unit)s on %(visit_date)s were due "
            "%(deadline)s and are not signed yet."
        ),
    ),
    Kind.ACTION_DUE: (
        gettext_lazy("Action due %(deadline)s: %(unit)s"),
        gettext_lazy(
            "The action “%(action)s” at %(unit)s, which you are responsible for, "
            "is due %(deadline)s."
        ),
    ),
    Kind.ACTION_OVERDUE: (
        gettext_lazy("Action overdue: %(unit)s"),
        gettext_lazy(
            "The action “%(action)s” at %(unit)s, which you are responsible for, was due "
            "%(deadline)s and is not done. Please update its status, or say why it is "
            "not possible now."
        ),
    ),
    Kind.ACTION_ESCALATED: (
        gettext_lazy("Overdue action at %(unit)s"),
        gettext_lazy(
            "The action “%(action)s” at %(unit)s was due %(deadline)s and is still not "
            "done, %(days)s days later. Responsible: %(owner)s."
        ),
    ),
    Kind.FEEDBACK_OWED: (
        gettext_lazy("Feedback owed: %(unit)s"),
        gettext_lazy(
            "The action “%(action)s” at %(unit)s is marked “%(status)s”. The conversation "
            "group has not been told yet: please send them a short message."
        ),
    ),
}


def texts(due: Due) -> tuple[str, str]:
    """Subject and body in the active language."""
    visit, action = due.visit, due.action
    values = {
        "unit": visit.unit.name,
        "visit_date": _date(visit.date),
        "deadline": _date(due.deadline),
        "action": Truncator(action.what).chars(200) if action else "",
        "days": due.days_overdue,
        "owner": action.owner.get_full_name() if action and action.owner else "",
        "status": Action.Status(action.status).label if action else "",
    }
    subject, body = TEXTS[Kind(due.kind)]
    return str(subject) % values, str(body) % values


# --- Claiming -------------------------------------------------------------------------


def _existing_keys(keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        found.update(
            Notice.objects.filter(key__in=keys[start : start + 500]).values_list("key", flat=True)
        )
    return found


def claim(due: Due, user: User) -> Notice | None:
    """Records the notice, if no one has (its own transaction). Only the caller that gets
    the row may send it; the loser of a race gets None."""
    with translation.override(language_for(user, due.visit.organisation)):
        subject, body = texts(due)
    try:
        with transaction.atomic():
            return Notice.objects.create(
                key=due.key,
                kind=due.kind,
                recipient=user,
                organisation_id=due.organisation_id,
                subject=subject[:300],
                body=body,
                url=_url(due)[:300],
                in_digest=user.daily_digest,
            )
    except IntegrityError:
        return None


def create_due_notices(today: date) -> list[Notice]:
    """Claims every notice due today that is not recorded yet; returns those this run won."""
    due = due_notices(today)
    existing = _existing_keys([d.key for d in due])
    fresh = [d for d in due if d.key not in existing]
    users = User.objects.in_bulk({d.recipient_id for d in fresh})
    created = []
    for item in fresh:
        notice = claim(item, users[item.recipient_id])
        if notice is not None:
            created.append(notice)
    return created


# --- Sending --------------------------------------------------------------------------


def pending_notices() -> QuerySet[Notice]:
    """Notices not sent yet, to active members of active organisations (one query)."""
    member = Membership.objects.filter(
        user=OuterRef("recipient"), organisation=OuterRef("organisation"), is_active=True
    )
    return (
        Notice.objects.filter(sent_at=None, recipient__is_active=True, organisation__is_active=True)
        .filter(Exists(member))
        .select_related("recipient", "organisation")
        .order_by("recipient_id", "organisation_id", "pk")
    )


def _send_one(notice: Notice) -> bool:
    """Claims and sends one notice in one transaction: a failed e-mail releases the claim."""
    with transaction.atomic():
        claimed = Notice.objects.filter(pk=notice.pk, sent_at=None).update(sent_at=timezone.now())
        if not claimed:
            return False
        send_templated(
            "notice",
            notice.recipient.email,
            {"notice": notice, "recipient": notice.recipient, "organisation": notice.organisation},
            language=language_for(notice.recipient, notice.organisation),
        )
    return True


class _Taken(Exception):
    """Another run sent some of these notices: send none of them now."""


def _send_digest(user: User, notices: list[Notice]) -> bool:
    """Claims all the person's pending notices and sends them in one e-mail, in one
    transaction. Rows another run holds are skipped (PostgreSQL); if another run got any
    of them first, this run sends nothing for the person and the other run sends them."""
    try:
        with transaction.atomic():
            pks = list(
                Notice.objects.select_for_update(skip_locked=True)
                .filter(pk__in=[n.pk for n in notices], sent_at=None)
                .values_list("pk", flat=True)
            )
            if not pks:
                return False
            claimed = Notice.objects.filter(pk__in=pks, sent_at=None).update(
                sent_at=timezone.now(), in_digest=True
            )
            if claimed != len(pks):
                raise _Taken
            mine = [n for n in notices if n.pk in set(pks)]
            by_organisation: dict[Organisation, list[Notice]] = defaultdict(list)
            for notice in mine:
                by_organisation[notice.organisation].append(notice)
            send_templated(
                "digest",
                user.email,
                {
                    "recipient": user,
                    "notices": mine,
                    "groups": sorted(by_organisation.items(), key=lambda item: item[0].name),
                    "count": len(mine),
                },
                language=language_for(user, mine[0].organisation),
            )
    except _Taken:
        return False
    return True


def _by_recipient(notices: Iterable[Notice]) -> dict[User, list[Notice]]:
    grouped: dict[User, list[Notice]] = defaultdict(list)
    for notice in notices:
        grouped[notice.recipient].append(notice)
    return grouped


def send_pending_notices(result: RunResult) -> RunResult:
    """Sends every notice not sent yet: one digest per person who chose it, else one
    e-mail per notice. A notice whose e-mail fails stays for the next run."""
    for user, notices in _by_recipient(pending_notices()).items():
        try:
            if user.daily_digest:
                result.digests += _send_digest(user, notices)
                continue
            for notice in notices:
                try:
                    result.sent += _send_one(notice)
                except Exception:
                    logger.exception("Follow-up notice %s could not be sent", notice.pk)
                    result.failed += 1
        except Exception:
            logger.exception("The daily digest for user %s could not be sent", user.pk)
            result.failed += 1
    return result


def send_followup_notices(today: date | None = None) -> RunResult:
    """The daily run: claim what is due today, then send what is pending."""
    today = today or timezone.localdate()
    created = create_due_notices(today)
    return send_pending_notices(RunResult(created=[n.key for n in created]))
