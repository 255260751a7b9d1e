"""The demo's feedback to the conversation group and its follow-up visit.

- Feedback is sent for the new mattresses (done) and for the higher toilet that is not
  possible now, with the reason. The armrests are done too, but the group has not been
  told yet, so "Tilbakemeldinger" shows something owed.
- If the follow-up visit three months later exists (demo_minutes plans it when the
  minutes are signed) and its day is before ``today``, its answers are recorded and it
  is completed: the walkround goes to "follow-up done".

Made with the models directly (no e-mails, no audit events: nobody did anything, the
demo was seeded). Idempotent, and does nothing when the other demo parts are absent.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from visitt.organisations.models import Organisation
from visitt.planning.group import Participant
from visitt.planning.models import Visit
from visitt.planning.visits import OSLO

from . import demo_plans
from .feedback import Feedback
from .plans import Action
from .review import FollowUpReview

S = Action.Status
YES, PARTLY, NO, TOO_EARLY = "yes", "partly", "no", "too_early"

# By problem number: the first finished action of that status gets a message.
MESSAGES = {
    (1, S.DONE): (
        "Takk for at dere tok opp trykksårene og de gamle madrassene på visitten. Tiltaket "
        "«Bytte ut de gamle madrassene med trykkavlastende madrasser» er gjennomført: nye "
        "madrasser er tatt i bruk på alle rom. Vi følger med på antall nye trykksår hver måned."
    ),
    (2, S.NOT_POSSIBLE): (
        "Takk for at dere tok opp fallene fra toalettet i gangen. Tiltaket «Bytte til et "
        "høyere toalett med faste armlener» kan ikke gjennomføres nå. Grunnen: toalettet kan "
        "ikke byttes før badet pusses opp, og det er planlagt neste år. Armlenene som er "
        "montert, gir støtte i mellomtiden."
    ),
}

# By problem number: implemented, improved, comment.
REVIEWS = {
    1: (
        YES,
        PARTLY,
        "Alle rom har fått nye madrasser. Færre nye trykksår de siste to månedene, men "
        "opplæringen av vikarene er ikke ferdig.",
    ),
    2: (YES, YES, "Armlenene er i bruk, og det er ikke meldt fall fra toalettet siden."),
    3: (
        PARTLY,
        TOO_EARLY,
        "Rutinen for samstemming er laget, men avtalen med sykehuset er ikke på plass. For "
        "tidlig å si om det er færre feil.",
    ),
}


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), OSLO)


def _send_feedback(visit: Visit, today: date) -> None:
    participants = list(Participant.objects.filter(visit=visit))
    emailed = len({p.email.lower() for p in participants if p.email})
    printed = sum(1 for p in participants if not p.email)
    sender = visit.visit_leader
    for (number, status), message in MESSAGES.items():
        action = (
            Action.objects.filter(problem__visit=visit, problem__number=number, status=status)
            .order_by("order", "pk")
            .first()
        )
        if action is None:
            continue
        feedback, created = Feedback.objects.get_or_create(
            action=action,
            about_status=status,
            defaults={
                "message": message,
                "sent_by": sender,
                "emailed_to": emailed,
                "printed_for": printed,
            },
        )
        if created:
            finished = action.finished_at.date() if action.finished_at else visit.date
            sent = min(finished + timedelta(days=2), today)
            Feedback.objects.filter(pk=feedback.pk).update(sent_at=_at(sent, 13))


def _record_follow_up(visit: Visit, today: date) -> None:
    follow_up = visit.follow_ups.order_by("pk").first()
    if follow_up is None or follow_up.date >= today:
        return
    leader = follow_up.visit_leader
    for problem in visit.problems.all():
        answers = REVIEWS.get(problem.number)
        if answers is None:
            continue
        implemented, improved, comment = answers
        FollowUpReview.objects.get_or_create(
            visit=follow_up,
            problem=problem,
            defaults={
                "implemented": implemented,
                "improved": improved,
                "comment": comment,
                "updated_by": leader,
            },
        )
    if not follow_up.is_conducted:
        follow_up.mark_conducted(leader)
        Visit.objects.filter(pk=follow_up.pk).update(
            conducted_at=_at(follow_up.date, follow_up.start_time.hour)
        )
    _close_follow_up(follow_up, today)
    visit.refresh_from_db()
    if visit.status == Visit.Status.FOLLOW_UP_PLANNED:
        visit.mark_follow_up_done(leader)


def _close_follow_up(follow_up: Visit, today: date) -> None:
    """The follow-up visit's own short minutes, signed, and the visit closed: otherwise
    the start page would count its minutes as overdue."""
    from . import demo_minutes
    from .minutes import Minutes

    if not Minutes.objects.filter(visit=follow_up).exists():
        demo_minutes._signed(follow_up, today, working_days=2, follow_up=False)
    follow_up.refresh_from_db()
    if follow_up.status == Visit.Status.MINUTES_SIGNED:
        follow_up.close(follow_up.visit_leader)


def seed(municipality: Organisation, trust: Organisation, today: date) -> None:
    visit = demo_plans._visit(municipality, today.year)
    if visit is None:
        return
    _send_feedback(visit, today)
    _record_follow_up(visit, today)
