"""Phase 3 from start to end in the browser (issue 5, "Done means"): after a conducted
walkround the secretary writes the action plan and the minutes and sends them for review;
the visit leader and the top leader each sign with their password, which locks the
minutes and plans the follow-up visit; a leader sends the minutes to the participants;
the action owner marks the action done in Mine tiltak and the leader gives the group
feedback; at the follow-up visit each problem is answered and the follow-up completed;
and the walkround is closed. Every page on the way is checked with axe-core, light and
dark.

Locators use ids, names and addresses, never interface text, so that the story does not
depend on the translation catalogues.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, make_user
from tests.e2e.support import click_and_wait
from tests.walkround.conftest import make_visit
from visitt.followup.feedback import Feedback
from visitt.followup.minutes import Minutes, Signature
from visitt.followup.plans import Action, Aim, Measure
from visitt.followup.review import FollowUpReview
from visitt.followup.tasks_feedback import send_feedback_emails
from visitt.followup.tasks_minutes import send_minutes_emails
from visitt.organisations.models import Role
from visitt.planning.group import Participant, Profession
from visitt.planning.models import Visit
from visitt.walkround.problems import Problem

pytestmark = pytest.mark.e2e

# The conversation group: five staff, three of them with an e-mail address.
GROUP = [
    ("Ingrid S.", "ingrid@test.no"),
    ("Mohammed A.", ""),
    ("Linnea K.", "linnea@test.no"),
    ("Jonas B.", "jonas@test.no"),
    ("Fatima H.", ""),
]
PROBLEMS = ["Trykksår og gamle madrasser", "Armlener mangler på toalettet", "Legemiddellister"]
AIM = "Ingen nye trykksår hos beboere som ligger mye."
ACTION = "Kjøpe trykkavlastende madrasser til alle rom."
EDITED = "Gruppen var enig om at madrassene må byttes før jul."
FEEDBACK = "Nye madrasser er på plass på alle rom. Takk for at dere sa fra!"


def conducted_walkround(world) -> tuple[Visit, list[Problem]]:
    """Today's walkround, conducted: the coordinator leads it, the secretary writes, the
    unit leader observes; a group of five and three problems."""
    visit = make_visit(world)
    visit.contact_name = "Kari Kontakt"
    visit.contact_email = "kontakt@test.no"
    visit.save()
    visit.mark_conducted(world.secretary)
    Profession.ensure_defaults(world.org)
    professions = list(Profession.objects.filter(organisation=world.org))
    for n, (name, email) in enumerate(GROUP):
        Participant.objects.create(
            visit=visit, name=name, profession=professions[n % 3], email=email
        )
    problems = [
        Problem.objects.create(visit=visit, number=n, title=title, created_by=world.secretary)
        for n, title in enumerate(PROBLEMS, start=1)
    ]
    return visit, problems


def submit(page: Page, form_selector: str) -> None:
    """Clicks the (first) submit button of the form and waits for the next page."""
    click_and_wait(page, page.locator(form_selector).locator("button[type=submit]").first)


def sign_out(page: Page) -> None:
    submit(page, f"form[action='{reverse('account_logout')}']")


def sign_minutes(page: Page, visit: Visit, axe_check) -> None:
    """Signs the minutes with the password, on the minutes page."""
    minutes_url = reverse("minutes", args=[visit.pk])
    page.goto(minutes_url)
    sign_form = f"form[action='{reverse('minutes_sign', args=[visit.pk])}']"
    expect(page.locator(f"{sign_form} input[name=password]")).to_be_visible()
    axe_check(page)  # the sign form
    page.locator(f"{sign_form} input[name=password]").fill(PASSWORD)
    submit(page, sign_form)
    expect(page).to_have_url(re.compile(rf"{minutes_url}$"))
    axe_check(page)


def test_from_a_conducted_visit_to_the_closed_follow_up(
    page: Page, world, sign_in, axe_check, enqueued_tasks, mailoutbox
):
    visit, problems = conducted_walkround(world)
    owner = make_user("tiltakseier@test.no", world.org, Role.ACTION_OWNER, name="Tor Tiltakseier")
    detail = reverse("visit_detail", args=[visit.pk])
    plan_url = reverse("action_plan", args=[visit.pk])
    minutes_url = reverse("minutes", args=[visit.pk])
    first = problems[0]

    # 1. The secretary opens the visit and its action plan.
    sign_in(page, world.secretary)
    page.goto(detail)
    axe_check(page)
    click_and_wait(page, page.locator(f"#follow-up a[href='{plan_url}']"))
    expect(page.locator("section[id^=problem-]")).to_have_count(3)
    axe_check(page)

    # The aim of the first problem.
    click_and_wait(
        page,
        page.locator(f"main a[href='{reverse('action_plan_aim', args=[visit.pk, first.pk])}']"),
    )
    axe_check(page)
    page.locator("#id_text").fill(AIM)
    page.locator("#id_target").fill("Ingen nye trykksår innen mars")
    submit(page, "main form[method=post]")
    expect(page).to_have_url(re.compile(rf"{plan_url}(#.*)?$"))
    axe_check(page)

    # A measure.
    click_and_wait(
        page,
        page.locator(
            f"main a[href='{reverse('action_plan_measure_add', args=[visit.pk, first.pk])}']"
        ),
    )
    axe_check(page)
    page.locator("#id_name").fill("Nye trykksår")
    page.locator("#id_unit").fill("antall")
    page.locator("#id_how_counted").fill("Telles i avvikssystemet hver måned.")
    submit(page, "main form[method=post]")
    expect(page).to_have_url(re.compile(rf"{plan_url}(#.*)?$"))
    axe_check(page)

    # An action with a responsible person and a due date.
    due = timezone.localdate() + timedelta(days=30)
    click_and_wait(
        page,
        page.locator(
            f"main a[href='{reverse('action_plan_action_add', args=[visit.pk, first.pk])}']"
        ),
    )
    axe_check(page)
    page.locator("#id_what").fill(ACTION)
    page.locator("#id_owner").select_option(str(owner.pk))
    page.locator("#id_due_date").fill(due.isoformat())
    submit(page, "main form[method=post]")
    expect(page).to_have_url(re.compile(rf"{plan_url}(#.*)?$"))
    action = Action.objects.get(problem=first)
    expect(page.locator(f"#action-{action.pk}")).to_be_visible()
    axe_check(page)
    assert Aim.objects.get(problem=first).text == AIM
    assert Measure.objects.filter(problem=first).count() == 1
    assert (action.what, action.owner, action.due_date) == (ACTION, owner, due)
    assert action.status == Action.Status.PLANNED

    # 2. The minutes: Visitt makes the draft, the secretary edits it and sends it for review.
    page.goto(detail)
    click_and_wait(page, page.locator(f"#follow-up a[href='{minutes_url}']"))
    axe_check(page)  # no minutes yet
    submit(page, f"form[action='{reverse('minutes_start', args=[visit.pk])}']")
    expect(page).to_have_url(re.compile(rf"{minutes_url}$"))
    body = page.locator("#id_body")
    expect(body).to_contain_text(ACTION)
    axe_check(page)  # the draft
    body.fill(f"{body.input_value()}\n\n{EDITED}\n")
    submit(page, f"form[action='{reverse('minutes_save', args=[visit.pk])}']")
    expect(page).to_have_url(re.compile(rf"{minutes_url}$"))
    expect(page.locator("#id_body")).to_contain_text(EDITED)
    axe_check(page)
    submit(page, f"form[action='{reverse('minutes_review', args=[visit.pk])}']")
    expect(page).to_have_url(re.compile(rf"{minutes_url}$"))
    axe_check(page)  # in review, as the secretary sees it
    minutes = Minutes.objects.get(visit=visit)
    assert minutes.status == Minutes.Status.IN_REVIEW
    visit.refresh_from_db()
    assert visit.status == Visit.Status.MINUTES_DRAFTED
    # The visit leader is told by e-mail that the draft waits for them.
    assert [message.to for message in mailoutbox] == [[world.coordinator.email]]
    mailoutbox.clear()
    sign_out(page)

    # 3. The visit leader signs, then the top leader: the minutes are locked, the
    #    follow-up visit is planned.
    sign_in(page, world.coordinator)
    sign_minutes(page, visit, axe_check)
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.IN_REVIEW
    assert list(Signature.objects.values_list("signer", "role", "method")) == [
        (world.coordinator.pk, Signature.Role.VISIT_LEADER, Signature.Method.PASSWORD)
    ]
    sign_out(page)

    sign_in(page, world.top_leader)
    sign_minutes(page, visit, axe_check)
    minutes.refresh_from_db()
    version = minutes.versions.get()
    assert minutes.status == Minutes.Status.SIGNED and version.locked_at is not None
    assert EDITED in version.body
    assert set(version.signatures.values_list("role", flat=True)) == {
        Signature.Role.VISIT_LEADER,
        Signature.Role.TOP_LEADER,
    }
    visit.refresh_from_db()
    assert visit.status == Visit.Status.FOLLOW_UP_PLANNED
    follow_up = Visit.objects.get(parent=visit)
    assert follow_up.kind == Visit.Kind.FOLLOW_UP and follow_up.date > timezone.localdate()
    # The signed text is no longer a form; the follow-up visit is linked.
    expect(page.locator("#id_body")).to_have_count(0)
    expect(
        page.locator(f"main a[href='{reverse('visit_detail', args=[follow_up.pk])}']")
    ).to_be_visible()
    click_and_wait(
        page, page.locator(f"main a[href='{reverse('minutes_version', args=[visit.pk, 1])}']")
    )
    axe_check(page)  # the version page
    sign_out(page)

    assert mailoutbox == []

    # 4. The coordinator sends the signed minutes to the participants, once.
    sign_in(page, world.coordinator)
    page.goto(minutes_url)
    axe_check(page)  # signed, not sent
    send_form = f"form[action='{reverse('minutes_send', args=[visit.pk])}']"
    submit(page, send_form)
    expect(page).to_have_url(re.compile(rf"{minutes_url}#send$"))
    expect(page.locator(send_form)).to_have_count(0)
    axe_check(page)  # signed and sent
    expected = sorted(
        [email for _name, email in GROUP if email] + ["enhetsleder@test.no", "kontakt@test.no"]
    )
    assert mailoutbox == []  # the worker sends
    (queued,) = [r for r in enqueued_tasks if r.task.func == send_minutes_emails.func]
    queued.task.call(*queued.args)
    assert sorted(message.to[0] for message in mailoutbox) == expected
    for message in mailoutbox:
        (pdf,) = message.attachments
        assert pdf.filename.endswith(".pdf") and pdf.mimetype == "application/pdf"
        reader = pypdf.PdfReader(io.BytesIO(pdf.content))
        text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
        assert visit.unit.name in text and world.top_leader.full_name in text
    # A second send (a stale page, a double click) sends nothing.
    page.request.post(
        reverse("minutes_send", args=[visit.pk]),
        form={"csrfmiddlewaretoken": csrf_token(page)},
    )
    assert len(mailoutbox) == len(expected)
    mailoutbox.clear()
    sign_out(page)

    # 5. The action owner marks the action done in Mine tiltak.
    sign_in(page, owner)
    page.goto(reverse("my_actions"))
    card = page.locator(f"#action-{action.pk}")
    expect(card).to_be_visible()
    axe_check(page)
    card.locator("summary").click()
    card.locator(f"select[name='a{action.pk}-status']").select_option(Action.Status.DONE)
    card.locator(f"[name='a{action.pk}-progress_note']").fill("Madrassene kom i går.")
    click_and_wait(page, card.locator("button[type=submit]"))
    expect(page).to_have_url(re.compile(r"/mine-tiltak/"))
    axe_check(page)
    action.refresh_from_db()
    assert action.status == Action.Status.DONE and action.finished_at is not None
    sign_out(page)

    # 6. The coordinator sees the feedback owed and sends it to the group.
    sign_in(page, world.coordinator)
    feedback_url = reverse("action_feedback", args=[action.pk])
    page.goto(reverse("feedback_owed"))
    expect(page.locator(f"main a[href='{feedback_url}']")).to_be_visible()
    axe_check(page)
    click_and_wait(page, page.locator(f"main a[href='{feedback_url}']").first)
    axe_check(page)  # the form
    page.locator("#id_message").fill(FEEDBACK)
    submit(page, "main form[method=post]")
    expect(page).to_have_url(re.compile(rf"{feedback_url}$"))
    axe_check(page)  # sent, letters to print
    feedback = Feedback.objects.get(action=action)
    assert (feedback.message, feedback.about_status) == (FEEDBACK, Action.Status.DONE)
    queued = [r for r in enqueued_tasks if r.task.func == send_feedback_emails.func]
    assert [r.args for r in queued] == [[feedback.pk]]
    assert mailoutbox == []  # the worker sends
    queued[0].task.call(*queued[0].args)
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        email for _name, email in GROUP if email
    )
    assert all(FEEDBACK in message.body for message in mailoutbox)

    # 7. The follow-up visit, on its day: every problem answered, then completed.
    Visit.objects.filter(pk=follow_up.pk).update(date=timezone.localdate())
    review_url = reverse("follow_up_review", args=[follow_up.pk])
    page.goto(reverse("visit_detail", args=[follow_up.pk]))
    axe_check(page)  # the follow-up visit's page
    click_and_wait(page, page.locator(f"#follow-up a[href='{review_url}']"))
    axe_check(page)
    answers = [
        ("yes", "yes", "Nye madrasser på alle rom."),
        ("partly", "too_early", ""),
        ("no", "no", "Venter på svar fra sykehuset."),
    ]
    for problem, (implemented, improved, comment) in zip(problems, answers, strict=True):
        prefix = f"problem-{problem.pk}"
        form = page.locator(f"section#{prefix} form")
        form.locator(f"input[name='{prefix}-implemented'][value={implemented}]").check()
        form.locator(f"input[name='{prefix}-improved'][value={improved}]").check()
        form.locator(f"[name='{prefix}-comment']").fill(comment)
        click_and_wait(page, form.locator("button[type=submit]"))
        expect(page).to_have_url(re.compile(rf"{review_url}#{prefix}$"))
    axe_check(page)  # all answered
    assert FollowUpReview.objects.filter(visit=follow_up).count() == 3
    submit(page, f"form[action='{reverse('follow_up_complete', args=[follow_up.pk])}']")
    expect(page).to_have_url(re.compile(rf"{review_url}$"))
    axe_check(page)  # completed
    visit.refresh_from_db()
    assert visit.status == Visit.Status.FOLLOW_UP_DONE
    first_review = FollowUpReview.objects.get(visit=follow_up, problem=first)
    assert (first_review.implemented, first_review.improved) == ("yes", "yes")

    # 8. The walkround is closed from its page.
    page.goto(detail)
    close_form = f"form[action='{reverse('visit_close', args=[visit.pk])}']"
    expect(page.locator(close_form)).to_be_visible()
    axe_check(page)  # the visit page with the follow-up section
    submit(page, close_form)
    expect(page).to_have_url(re.compile(rf"{detail}(#follow-up)?$"))
    axe_check(page)
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CLOSED
    expect(page.locator(close_form)).to_have_count(0)


def csrf_token(page: Page) -> str:
    return page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
