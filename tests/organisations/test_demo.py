"""`manage.py seed_demo`: Demo kommune with its units and one account per role, and a
realistic current year of visits for it and for Demo helseforetak."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.utils import timezone

from visitt.accounts.models import User
from visitt.core.workdays import is_working_day
from visitt.organisations.demo import seed_demo
from visitt.organisations.models import Membership, Organisation, Role, RoleGrant, Unit
from visitt.planning.checklist import ChecklistItem
from visitt.planning.group import GroupLink, Participant, Profession, group_warnings
from visitt.planning.letters import InvitationDispatch, LetterTemplate
from visitt.planning.plan import AnnualPlan, PlanGoal
from visitt.planning.preparation import IncidentCount, StaffInput
from visitt.planning.reminders import due_visits
from visitt.planning.visits import OSLO, Postponement, Visit

DEMO_ACCOUNTS = {
    "toppleder@demo.visitt.no": Role.TOP_LEADER,
    "koordinator@demo.visitt.no": Role.COORDINATOR,
    "sekretaer@demo.visitt.no": Role.SECRETARY,
    "radgiver@demo.visitt.no": Role.MEDICAL_ADVISOR,
    "enhetsleder@demo.visitt.no": Role.UNIT_LEADER,
    "tiltakseier@demo.visitt.no": Role.ACTION_OWNER,
    "admin@demo.visitt.no": Role.ADMIN,
}


ACCOUNT_MODELS = (Organisation, Unit, User, Membership, RoleGrant)
PLANNING_MODELS = (
    AnnualPlan,
    PlanGoal,
    Visit,
    Postponement,
    Participant,
    Profession,
    ChecklistItem,
    GroupLink,
    InvitationDispatch,
    LetterTemplate,
    IncidentCount,
    StaffInput,
)
# The session's date: a Monday in late November.
SESSION_DAY = date(2026, 11, 23)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ACCOUNT_MODELS + PLANNING_MODELS}


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_creates_demo_kommune_with_its_units():
    seed()

    kommune = Organisation.objects.get(name="Demo kommune")
    units = Unit.objects.filter(organisation=kommune)
    assert 7 <= units.count() <= 10
    assert units.filter(parent__isnull=False).exists()  # wards under a nursing home
    assert kommune.language == "nb"


@pytest.mark.django_db
def test_seed_demo_creates_the_seven_accounts_with_the_demo_password(rf):
    output = seed()

    kommune = Organisation.objects.get(name="Demo kommune")
    for email, role in DEMO_ACCOUNTS.items():
        user = authenticate(rf.get("/"), email=email, password="demo-visitt")
        assert user is not None, email
        membership = Membership.objects.get(user=user, organisation=kommune)
        assert membership.role_codes == [role]
        assert email in output
    assert Membership.objects.filter(organisation=kommune).count() == 7


@pytest.mark.django_db
def test_a_demo_account_can_sign_in_and_reach_the_start_page(client):
    seed()
    response = client.post(
        "/konto/login/", {"login": "koordinator@demo.visitt.no", "password": "demo-visitt"}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    seed()
    first = counts()
    seed()
    assert counts() == first


@pytest.mark.django_db
def test_seed_demo_refreshes_changed_demo_data():
    seed()
    Unit.objects.filter(code="SOL").update(name="Omdøpt")
    Membership.objects.filter(user__email="admin@demo.visitt.no").update(is_active=False)
    seed()
    assert (
        Unit.objects.get(code="SOL", organisation__name="Demo kommune").name == "Solbakken sykehjem"
    )
    assert Membership.objects.get(user__email="admin@demo.visitt.no").is_active


@pytest.mark.django_db
def test_seed_demo_refuses_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        seed()
    assert set(counts().values()) == {0}


# --- The current year ------------------------------------------------------------------------


def seed_on(day: date) -> None:
    """Seeds as if it were 09:00 on ``day`` in Oslo."""
    with time_machine.travel(datetime.combine(day, time(9, 0), OSLO), tick=False):
        seed_demo()


def kommune_visits() -> list[Visit]:
    """The year's planned walkrounds (not the follow-up visits that phase 3 adds, nor
    last year's history)."""
    return list(
        Visit.objects.filter(
            organisation__name="Demo kommune",
            kind=Visit.Kind.MAIN,
            date__gte=date(SESSION_DAY.year, 1, 1),
        )
        .with_team()
        .prefetch_related("participants", "postponements", "checklist")
        .order_by("date")
    )


@pytest.mark.django_db
def test_the_demo_year_has_a_plan_owned_by_the_top_leader_with_the_default_goals():
    seed_on(SESSION_DAY)

    plan = AnnualPlan.objects.get(organisation__name="Demo kommune", year=2026)
    assert plan.owner.email == "toppleder@demo.visitt.no"
    assert [goal.measure for goal in plan.goals.all()] == [
        "units_visited",
        "minutes_on_time",
        "actions_done_on_time",
        "follow_ups_done",
    ]
    assert plan.visits.filter(kind=Visit.Kind.MAIN).count() == len(kommune_visits())


@pytest.mark.django_db
def test_most_units_have_a_visit_some_conducted_and_some_upcoming():
    seed_on(SESSION_DAY)
    visits = kommune_visits()

    assert len({visit.unit_id for visit in visits}) >= 7  # of the nine units
    statuses = Counter(visit.status for visit in visits)
    assert sum(visit.is_conducted for visit in visits) >= 4
    assert statuses["planned"] + statuses["confirmed"] >= 3
    for visit in visits:
        if visit.is_conducted:
            assert visit.date < SESSION_DAY
            assert visit.conducted_at is not None
            assert len(visit.participants.all()) == 5
            assert all(item.is_done for item in visit.checklist.all())
            assert len(visit.checklist.all()) == len(ChecklistItem.Key)
        else:
            assert visit.date > SESSION_DAY
    # Spread over the year, not bunched in one month.
    assert len({visit.date.month for visit in visits if visit.is_conducted}) >= 4


@pytest.mark.django_db
def test_one_visit_is_postponed_with_a_reason_and_its_history():
    seed_on(SESSION_DAY)

    postponement = Postponement.objects.select_related("visit").get(
        visit__organisation__name="Demo kommune", visit__date__year=SESSION_DAY.year
    )
    visit = postponement.visit
    assert "norovirus" in postponement.reason
    assert postponement.postponed_by.email == "koordinator@demo.visitt.no"
    assert postponement.postponed_at.date() < SESSION_DAY
    assert postponement.from_date > SESSION_DAY
    assert (postponement.to_date, postponement.to_time) == (visit.date, visit.start_time)
    assert postponement.to_date > postponement.from_date
    # As after Visit.postpone: back to planned, a new calendar sequence, never cancelled.
    assert visit.status == Visit.Status.PLANNED
    assert visit.calendar_sequence == 1
    assert visit.invitation_sent_at is not None and not visit.can_be_deleted


@pytest.mark.django_db
def test_one_visit_is_within_the_next_seven_days_with_its_reminder_and_staff_examples():
    seed_on(SESSION_DAY)
    upcoming = [visit for visit in kommune_visits() if not visit.is_conducted]

    next_visit = upcoming[0]
    assert SESSION_DAY < next_visit.date <= SESSION_DAY + timedelta(days=7)
    assert next_visit.status == Visit.Status.CONFIRMED
    # Seven days before has passed: the reminder went out and ticked its item.
    assert next_visit.reminder_sent_at is not None
    assert next_visit.checklist.get(key="confirmation").is_done
    assert not due_visits(SESSION_DAY).filter(pk=next_visit.pk).exists()
    examples = StaffInput.objects.filter(visit=next_visit)
    assert 2 <= examples.count() <= 3
    assert not StaffInput.objects.exclude(visit=next_visit).exists()
    assert next_visit.unit.name.startswith("Solbakken")


@pytest.mark.django_db
def test_one_upcoming_group_has_three_people_so_the_warning_shows():
    seed_on(SESSION_DAY)
    visits = kommune_visits()

    warned = [visit for visit in visits if group_warnings(list(visit.participants.all()), visit)]
    assert len(warned) == 1
    small = warned[0]
    assert small.status == Visit.Status.PLANNED
    assert len(small.participants.all()) == 3
    assert len({p.profession_id for p in small.participants.all()}) == 3
    # The contact person is filling it in through a link.
    assert GroupLink.objects.valid().filter(visit=small).exists()
    assert not small.checklist.filter(key="group_assembled").exists()


@pytest.mark.django_db
def test_the_team_and_the_people_at_the_unit():
    seed_on(SESSION_DAY)
    visits = kommune_visits()

    assert {v.visit_leader.email for v in visits} == {"toppleder@demo.visitt.no"}
    assert {v.coordinator.email for v in visits} == {"koordinator@demo.visitt.no"}
    assert {v.secretary.email for v in visits} == {"sekretaer@demo.visitt.no"}
    advisors = [v for v in visits if v.medical_advisor is not None]
    assert 0 < len(advisors) < len(visits)
    assert {v.medical_advisor.email for v in advisors} == {"radgiver@demo.visitt.no"}
    for visit in visits:
        at_solbakken = visit.unit.code.startswith("SOL")
        assert (visit.unit_leader is not None) == at_solbakken
        if at_solbakken:
            assert visit.unit_leader.email == "enhetsleder@demo.visitt.no"
        assert visit.contact_name
        assert visit.contact_email.endswith("@demo.visitt.no")
    # Mixed professions from the organisation's own list; invented names, no leaders.
    professions = set(Profession.objects.filter(organisation__name="Demo kommune"))
    participants = Participant.objects.filter(visit__organisation__name="Demo kommune")
    assert {p.profession for p in participants} <= professions
    assert len({p.profession_id for p in participants}) >= 6
    assert not participants.filter(is_leader=True).exists()
    assert all(p.email.endswith("@demo.visitt.no") for p in participants if p.email)


@pytest.mark.django_db
def test_incident_counts_for_a_few_units_over_the_last_twelve_months():
    seed_on(SESSION_DAY)

    counts_ = IncidentCount.objects.filter(organisation__name="Demo kommune")
    assert 2 <= counts_.values("unit").distinct().count() <= 5
    assert set(counts_.values_list("category", flat=True)) >= {
        "Legemiddelhåndtering",
        "Fall",
        "Trykksår",
        "Overganger/samhandling",
        "Smittevern",
        "Vold og trusler",
    }
    periods = set(counts_.values_list("period", flat=True))
    assert min(periods) == date(2025, 11, 1)
    assert max(periods) == date(2026, 10, 1)
    assert all(count > 0 for count in counts_.values_list("count", flat=True))


@pytest.mark.django_db
def test_the_health_trust_has_a_small_plan_in_nynorsk_and_both_have_letter_templates():
    seed_on(SESSION_DAY)

    trust = Organisation.objects.get(name="Demo helseforetak")
    plan = AnnualPlan.objects.get(organisation=trust, year=2026)
    assert plan.owner.email == "toppleiar@helseforetak.demo.visitt.no"
    assert plan.goals.first().text == "Alle aktive einingar besøkte"
    visits = Visit.objects.filter(organisation=trust, date__year__gte=SESSION_DAY.year)
    assert 2 <= visits.count() <= 3
    assert {v.status for v in visits} >= {"conducted", "planned"}
    assert Participant.objects.filter(visit__organisation=trust, profession__name="Sjukepleiar")
    for org in Organisation.objects.all():
        assert LetterTemplate.objects.filter(organisation=org).count() == 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    "today",
    [
        SESSION_DAY,
        date(2027, 1, 4),  # the first working day of a year: nothing done yet
        date(2026, 3, 30),  # the Monday of Easter week
        date(2026, 7, 14),  # the summer holiday
        date(2026, 12, 21),  # the week before Christmas: some visits next year
    ],
)
def test_every_demo_date_respects_the_rules_whatever_the_day(today):
    seed_on(today)
    visits = list(Visit.objects.with_team())

    assert visits
    for visit in visits:
        assert is_working_day(visit.date), visit
        assert visit.date.month != 7, visit
        # Last year is the demo's history (visitt.followup.demo_history).
        assert visit.date.year in (today.year - 1, today.year, today.year + 1)
        assert visit.is_conducted == (visit.date < today), visit
        if visit.plan is not None:
            assert visit.plan.year == visit.date.year
    # No member of any team has two visits at overlapping times (the coordinator works
    # for both organisations).
    for index, visit in enumerate(visits):
        for other in visits[index + 1 :]:
            if visit.overlaps(other):
                assert not {u.pk for u in visit.team} & {u.pk for u in other.team}
    assert Postponement.objects.count() <= 2  # one this year, one in the history
    for postponement in Postponement.objects.all():
        assert is_working_day(postponement.postponed_at.astimezone(OSLO).date())
    # Nothing is ticked in the future.
    now = timezone.make_aware(datetime.combine(today, time(23, 59)), OSLO)
    assert not ChecklistItem.objects.filter(done_at__gt=now).exists()


@pytest.mark.django_db
def test_the_demo_year_is_made_once(django_assert_max_num_queries):
    seed_on(SESSION_DAY)
    first = counts()
    assert first["Visit"] >= 10
    with django_assert_max_num_queries(200):
        seed_on(SESSION_DAY)
    assert counts() == first
    # A later day does not add a second year of visits either.
    seed_on(SESSION_DAY + timedelta(days=3))
    assert counts()["Visit"] == first["Visit"]


@pytest.mark.django_db
def test_the_command_seeds_today_quickly(django_assert_max_num_queries):
    # A fixed budget for the whole demo: phases 1 to 3 of two organisations, and last
    # year's history.
    with django_assert_max_num_queries(1800):
        seed()
    years = AnnualPlan.objects.filter(organisation__name="Demo kommune")
    year = timezone.localdate().year
    assert sorted(years.values_list("year", flat=True)) == [year - 1, year]


@pytest.mark.django_db
def test_the_coordinator_reads_the_demo_year_in_visitt(client):
    seed_on(SESSION_DAY)
    client.post("/konto/login/", {"login": "koordinator@demo.visitt.no", "password": "demo-visitt"})
    # The coordinator works for both demo organisations; Demo helseforetak comes first.
    kommune = Organisation.objects.get(name="Demo kommune")
    client.post("/bytt-organisasjon/", {"organisation": kommune.pk})

    with time_machine.travel(datetime.combine(SESSION_DAY, time(9, 0), OSLO), tick=False):
        year = client.get("/arsplan/2026/")
        assert year.status_code == 200
        assert year.content.decode().count('href="/visitter/') >= 8
        for visit in kommune_visits():
            page = client.get(f"/visitter/{visit.pk}/")
            assert page.status_code == 200, visit
            assert client.get(f"/visitter/{visit.pk}/forberedelse/").status_code == 200
        postponed = Postponement.objects.get(
            visit__organisation__name="Demo kommune", visit__date__year=2026
        ).visit
        assert "norovirus" in client.get(f"/visitter/{postponed.pk}/").content.decode()
