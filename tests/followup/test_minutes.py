"""The minutes: the draft Visitt makes from the visit, the secretary's edits, review,
the two signatures, locking and versions. (The deadline's working-day rule is tested
in test_lifecycle.py.)"""

from __future__ import annotations

from datetime import date

from django.core import mail
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.walkround.conftest import make_visit
from visitt.audit.models import AuditEvent
from visitt.followup.minutes import Minutes, MinutesVersion, Signature, minutes_deadline
from visitt.followup.plans import Action
from visitt.followup.services_visits import follow_up_date
from visitt.planning.group import Participant, Profession
from visitt.planning.models import Visit
from visitt.walkround.conduct import VisitNote
from visitt.walkround.problems import Problem
from visitt.walkround.questions import Question, Theme

A = AuditEvent.Action


def conducted_visit(world, *, leader=None, day: date | None = None) -> Visit:
    """A conducted walkround with a group, notes on two themes, two problems and an
    action with a responsible person."""
    visit = make_visit(world, leader=leader)
    visit.date = day or date(2026, 4, 1)
    visit.contact_name = "Kari Kontakt"
    visit.contact_email = "kontakt@test.no"
    visit.save()
    visit.mark_conducted(world.secretary)
    Profession.ensure_defaults(world.org)
    nurse, assistant = list(Profession.objects.filter(organisation=world.org))[:2]
    Participant.objects.create(
        visit=visit, name="Per Pleier", profession=nurse, email="per@test.no"
    )
    Participant.objects.create(visit=visit, name="Ada Assistent", profession=assistant)
    Participant.objects.create(
        visit=visit, name="Borte Bjørn", profession=nurse, email="borte@test.no", attended=False
    )
    for theme, text in ((Theme.COMMUNICATION, "HEMMELIG NOTAT om rapporten"), (Theme.TEAMWORK, "")):
        question = Question.objects.create(organisation=world.org, theme=theme, text_nb="Spørsmål?")
        VisitNote.objects.create(visit=visit, question=question, text=text)
    falls = Problem.objects.create(
        visit=visit, number=1, title="Fall på toalettet", created_by=world.secretary
    )
    Problem.objects.create(
        visit=visit,
        number=2,
        title="Legemiddellister etter sykehusopphold",
        created_by=world.secretary,
    )
    Action.objects.create(
        problem=falls,
        what="Sette opp armlener på toalettene",
        owner=world.unit_leader,
        due_date=date(2026, 5, 15),
        created_by=world.secretary,
    )
    return visit


def url(name: str, visit: Visit, *args) -> str:
    return reverse(name, args=[visit.pk, *args])


def start(client, visit: Visit) -> Minutes:
    response = client.post(url("minutes_start", visit))
    assert response.status_code == 302, response.content
    return Minutes.objects.get(visit=visit)


def body_of(minutes: Minutes) -> str:
    return minutes.versions.order_by("-number").first().body


def sign_as(client, minutes: Minutes, password: str = PASSWORD):
    minutes.refresh_from_db()
    return client.post(
        url("minutes_sign", minutes.visit), {"version": minutes.version, "password": password}
    )


def review(client, minutes: Minutes) -> None:
    assert client.post(url("minutes_review", minutes.visit)).status_code == 302


def signed_minutes(world, en_client_for, visit: Visit | None = None) -> Minutes:
    visit = visit or conducted_visit(world)
    minutes = start(en_client_for(world.secretary), visit)
    review(en_client_for(world.secretary), minutes)
    assert sign_as(en_client_for(world.top_leader), minutes).status_code == 302
    assert sign_as(en_client_for(world.coordinator), minutes).status_code == 302
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.SIGNED
    return minutes


# --- The draft -------------------------------------------------------------------------


def test_the_draft_is_made_from_the_visit(world, en_client_for):
    visit = conducted_visit(world)
    secretary = en_client_for(world.secretary)

    page = secretary.get(url("minutes", visit))
    assert page.status_code == 200
    assert "Make the draft" in page.content.decode()
    minutes = start(secretary, visit)

    visit.refresh_from_db()
    assert visit.status == Visit.Status.MINUTES_DRAFTED
    assert minutes.deadline == minutes_deadline(visit.date) == date(2026, 4, 10)
    body = body_of(minutes)
    assert "Solbakken sykehjem" in body and "1. april 2026" in body
    assert "Kari Koordinator" in body and "Siri Sekretær" in body
    # The themes that have notes, never what the notes say.
    assert "Kommunikasjon" in body and "Gruppearbeid" not in body
    assert "HEMMELIG" not in body
    # The group by profession, without names by default; absent people left out.
    assert "Per Pleier" not in body and "Borte" not in body
    assert ": 1" in body
    assert "1. Fall på toalettet" in body and "2. Legemiddellister" in body
    assert "Sette opp armlener på toalettene" in body and "Eva Enhetsleder" in body
    # Three months after 1 April is in the July holidays: the follow-up goes to August.
    assert f"{follow_up_date(visit).day}. august 2026" in body
    assert AuditEvent.objects.filter(action=A.MINUTES_CHANGED).exists()


def test_names_are_in_the_draft_only_where_the_organisation_chooses(world, en_client_for):
    world.org.minutes_show_names = True
    world.org.save()
    visit = conducted_visit(world)
    minutes = start(en_client_for(world.secretary), visit)
    assert minutes.show_names
    assert "Per Pleier" in body_of(minutes) and "Ada Assistent" in body_of(minutes)


def test_a_double_submit_makes_one_draft(world, en_client_for):
    visit = conducted_visit(world)
    secretary = en_client_for(world.secretary)
    start(secretary, visit)
    start(secretary, visit)
    assert Minutes.objects.filter(visit=visit).count() == 1
    assert MinutesVersion.objects.filter(minutes__visit=visit).count() == 1


def test_a_visit_not_yet_conducted_gets_no_draft(world, en_client_for):
    visit = make_visit(world)
    secretary = en_client_for(world.secretary)
    assert "Make the draft" not in secretary.get(url("minutes", visit)).content.decode()
    secretary.post(url("minutes_start", visit))
    assert not Minutes.objects.filter(visit=visit).exists()


def test_the_unit_leader_and_other_organisations_are_refused(world, en_client_for):
    visit = conducted_visit(world)
    start(en_client_for(world.secretary), visit)
    assert en_client_for(world.unit_leader).get(url("minutes", visit)).status_code == 403
    assert en_client_for(world.unit_leader).post(url("minutes_start", visit)).status_code == 403
    outsider = en_client_for(world.outsider)
    for name in ("minutes", "minutes_pdf"):
        assert outsider.get(url(name, visit)).status_code == 404
    assert outsider.get(url("minutes_version", visit, 1)).status_code == 404
    for name in ("minutes_save", "minutes_review", "minutes_sign", "minutes_send"):
        assert outsider.post(url(name, visit)).status_code == 404


def test_a_leader_outside_the_visit_team_is_refused(world, en_client_for):
    from tests.conftest import make_user
    from visitt.organisations.models import Role

    other = make_user("annen@test.no", world.org, Role.COORDINATOR)
    visit = conducted_visit(world)
    assert en_client_for(other).get(url("minutes", visit)).status_code == 403


# --- Editing ---------------------------------------------------------------------------


def test_the_secretary_edits_and_a_stale_save_is_refused(world, en_client_for):
    visit = conducted_visit(world)
    secretary = en_client_for(world.secretary)
    minutes = start(secretary, visit)
    old = minutes.version

    saved = secretary.post(url("minutes_save", visit), {"body": "Ny tekst", "version": old})
    assert saved.status_code == 302
    assert body_of(minutes).strip() == "Ny tekst"

    stale = secretary.post(url("minutes_save", visit), {"body": "Gammel", "version": old})
    assert stale.status_code == 409
    assert "Someone else saved" in stale.content.decode()
    assert body_of(minutes).strip() == "Ny tekst"


def test_a_national_identity_number_is_never_saved(world, en_client_for):
    visit = conducted_visit(world)
    secretary = en_client_for(world.secretary)
    minutes = start(secretary, visit)
    before = body_of(minutes)
    response = secretary.post(
        url("minutes_save", visit), {"body": "Beboer 15108695088", "version": minutes.version}
    )
    assert response.status_code == 422
    assert body_of(minutes) == before


def test_the_deadline_is_on_the_minutes_page_and_the_visit_page(world, en_client_for):
    visit = conducted_visit(world, day=date(2026, 11, 20))
    top = en_client_for(world.top_leader)
    assert "Nov. 26, 2026" in top.get(url("minutes", visit)).content.decode()
    detail = top.get(reverse("visit_detail", args=[visit.pk])).content.decode()
    assert 'id="follow-up"' in detail and url("minutes", visit) in detail
    assert "Minutes overdue" in detail or "Minutes due" in detail


# --- Review and signing ------------------------------------------------------------------


def test_sending_for_review_mails_the_visit_leader_once(world, en_client_for):
    visit = conducted_visit(world)
    secretary = en_client_for(world.secretary)
    minutes = start(secretary, visit)
    review(secretary, minutes)
    review(secretary, minutes)
    assert [m.to for m in mail.outbox] == [[world.coordinator.email]]
    assert url("minutes", visit) in mail.outbox[0].body
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.IN_REVIEW
    assert AuditEvent.objects.filter(action=A.MINUTES_SENT_FOR_REVIEW).count() == 1


def test_the_secretary_cannot_sign(world, en_client_for):
    visit = conducted_visit(world)
    secretary = en_client_for(world.secretary)
    minutes = start(secretary, visit)
    review(secretary, minutes)
    assert "Sign the minutes" not in secretary.get(url("minutes", visit)).content.decode()
    assert sign_as(secretary, minutes).status_code == 403
    assert not Signature.objects.exists()


def test_a_wrong_password_signs_nothing_and_is_audited(world, en_client_for):
    visit = conducted_visit(world)
    minutes = start(en_client_for(world.secretary), visit)
    review(en_client_for(world.secretary), minutes)
    response = sign_as(en_client_for(world.top_leader), minutes, password="feil-passord")
    assert response.status_code == 400
    assert "password is not correct" in response.content.decode()
    assert not Signature.objects.exists()
    assert AuditEvent.objects.filter(action=A.MINUTES_SIGNING_FAILED).count() == 1


def test_repeated_wrong_passwords_are_rate_limited(world, en_client_for):
    visit = conducted_visit(world)
    minutes = start(en_client_for(world.secretary), visit)
    review(en_client_for(world.secretary), minutes)
    top = en_client_for(world.top_leader)
    for _attempt in range(5):
        sign_as(top, minutes, password="feil")
    assert sign_as(top, minutes).status_code == 429
    assert not Signature.objects.exists()


def test_the_draft_is_signed_only_after_review(world, en_client_for):
    visit = conducted_visit(world)
    minutes = start(en_client_for(world.secretary), visit)
    assert sign_as(en_client_for(world.top_leader), minutes).status_code == 409
    assert not Signature.objects.exists()


def test_each_leader_signs_in_their_own_role_and_both_lock_the_minutes(world, en_client_for):
    visit = conducted_visit(world)
    secretary = en_client_for(world.secretary)
    minutes = start(secretary, visit)
    review(secretary, minutes)

    assert sign_as(en_client_for(world.top_leader), minutes).status_code == 302
    first = Signature.objects.get()
    assert (first.role, first.signer, first.method) == (
        Signature.Role.TOP_LEADER,
        world.top_leader,
        Signature.Method.PASSWORD,
    )
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.IN_REVIEW and not minutes.is_locked
    # The top leader cannot sign a second time, nor as visit leader.
    assert sign_as(en_client_for(world.top_leader), minutes).status_code == 409

    assert sign_as(en_client_for(world.coordinator), minutes).status_code == 302
    minutes.refresh_from_db()
    version = minutes.versions.get()
    assert minutes.status == Minutes.Status.SIGNED and version.locked_at is not None
    assert set(version.signatures.values_list("role", flat=True)) == {"top_leader", "visit_leader"}
    visit.refresh_from_db()
    assert visit.status == Visit.Status.FOLLOW_UP_PLANNED
    follow_up = Visit.objects.get(parent=visit)
    assert follow_up.kind == Visit.Kind.FOLLOW_UP and follow_up.date == follow_up_date(visit)
    assert AuditEvent.objects.filter(action=A.MINUTES_SIGNED).count() == 2


def test_one_person_who_is_both_top_leader_and_visit_leader_signs_once(world, en_client_for):
    visit = conducted_visit(world, leader=world.top_leader)
    minutes = start(en_client_for(world.secretary), visit)
    review(en_client_for(world.secretary), minutes)
    assert sign_as(en_client_for(world.top_leader), minutes).status_code == 302
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.SIGNED
    assert Signature.objects.filter(signer=world.top_leader).count() == 2


def test_an_edit_after_one_signature_withdraws_it(world, en_client_for):
    visit = conducted_visit(world)
    secretary = en_client_for(world.secretary)
    minutes = start(secretary, visit)
    review(secretary, minutes)
    sign_as(en_client_for(world.top_leader), minutes)
    minutes.refresh_from_db()
    secretary.post(url("minutes_save", visit), {"body": "Endret", "version": minutes.version})
    assert not Signature.objects.exists()
    # A signature for the text as it was before the change is stale.
    stale_version = minutes.version
    minutes.refresh_from_db()
    response = en_client_for(world.coordinator).post(
        url("minutes_sign", visit), {"version": stale_version, "password": PASSWORD}
    )
    assert response.status_code == 409


def test_a_leader_with_an_authenticator_app_signs_with_a_code(world, en_client_for):
    from allauth.mfa.totp.internal.auth import (
        TOTP,
        format_hotp_value,
        generate_totp_secret,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    secret = generate_totp_secret()
    TOTP.activate(world.top_leader, secret)
    visit = conducted_visit(world)
    minutes = start(en_client_for(world.secretary), visit)
    review(en_client_for(world.secretary), minutes)
    top = en_client_for(world.top_leader)
    page = top.get(url("minutes", visit)).content.decode()
    assert "Code from your authenticator app" in page and 'name="password"' not in page

    minutes.refresh_from_db()
    wrong = top.post(url("minutes_sign", visit), {"version": minutes.version, "code": "000000"})
    assert wrong.status_code == 400 and not Signature.objects.exists()
    counter = list(yield_hotp_counters_from_time())[len(list(yield_hotp_counters_from_time())) // 2]
    code = format_hotp_value(hotp_value(secret, counter))
    assert (
        top.post(url("minutes_sign", visit), {"version": minutes.version, "code": code}).status_code
        == 302
    )
    assert Signature.objects.get().method == Signature.Method.TOTP


# --- Locking and versions ------------------------------------------------------------------


def test_signed_minutes_are_locked_and_a_new_version_needs_a_reason(world, en_client_for):
    minutes = signed_minutes(world, en_client_for)
    visit = minutes.visit
    secretary = en_client_for(world.secretary)
    first_body = body_of(minutes)

    refused = secretary.post(
        url("minutes_save", visit), {"body": "Endret", "version": minutes.version}
    )
    assert refused.status_code == 409
    assert body_of(minutes) == first_body

    no_reason = secretary.post(
        url("minutes_new_version", visit), {"new-reason": "", "new-version": minutes.version}
    )
    assert no_reason.status_code == 400
    made = secretary.post(
        url("minutes_new_version", visit),
        {"new-reason": "Feil frist på tiltak 1", "new-version": minutes.version},
    )
    assert made.status_code == 302
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.DRAFT and not minutes.is_locked
    second = minutes.versions.get(number=2)
    assert second.body == first_body and second.reason == "Feil frist på tiltak 1"
    assert not second.signatures.exists() and second.locked_at is None
    assert (
        secretary.post(
            url("minutes_save", visit), {"body": "Rettet", "version": minutes.version}
        ).status_code
        == 302
    )
    first = minutes.versions.get(number=1)
    assert first.body == first_body and first.signatures.count() == 2
    old_page = secretary.get(url("minutes_version", visit, 1)).content.decode()
    assert "earlier version" in old_page and "Tone Toppleder" in old_page
    assert secretary.get(url("minutes_version", visit, 3)).status_code == 404
    assert AuditEvent.objects.filter(action=A.MINUTES_NEW_VERSION).count() == 1

    # Version 2 needs both signatures again; the visit stays where it is.
    review(secretary, minutes)
    sign_as(en_client_for(world.top_leader), minutes)
    sign_as(en_client_for(world.coordinator), minutes)
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.SIGNED
    assert minutes.versions.get(number=2).locked_at is not None
    assert Visit.objects.filter(parent=visit).count() == 1


def test_the_minutes_page_has_a_bounded_number_of_queries(
    world, en_client_for, django_assert_max_num_queries
):
    minutes = signed_minutes(world, en_client_for)
    top = en_client_for(world.top_leader)
    with django_assert_max_num_queries(20):
        assert top.get(url("minutes", minutes.visit)).status_code == 200
