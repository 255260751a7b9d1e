"""Phase 1 from start to end in the browser (issue 3, "Done means"): the coordinator plans
next year, schedules the units, postpones a visit and hands the contact person a link;
the contact person, without an account, fills in the conversation group; the coordinator
sees the group and sends the invitation, whose e-mail carries the letter as PDF and the
calendar invitation. Every page on the way is checked with axe-core, light and dark.

Locators use ids, names and addresses, never interface text, so that the story does not
depend on the translation catalogues.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import icalendar
import pypdf
import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.e2e.support import click_and_wait
from visitt.core.workdays import is_working_day
from visitt.planning.checklist import ChecklistItem
from visitt.planning.group import Profession
from visitt.planning.letters import InvitationDispatch
from visitt.planning.models import AnnualPlan, Postponement, Visit
from visitt.planning.tasks_documents import send_visit_invitation
from visitt.planning.visits import OSLO

pytestmark = pytest.mark.e2e

REASON = "Utbrudd av norovirus på avdelingen; enheten ba om ny dato."
# The contact person's group: five staff, four professions, nobody with a leader role.
GROUP = [
    ("Ingrid S.", "Sykepleier", "ingrid@test.no"),
    ("Mohammed A.", "Helsefagarbeider/hjelpepleier", ""),
    ("Linnea K.", "Assistent/ufaglært", ""),
    ("Jonas B.", "Kjøkkenpersonale", "jonas@test.no"),
    ("Fatima H.", "Helsefagarbeider/hjelpepleier", ""),
]


def working_weekday_from(day: date, weekday: int) -> date:
    """The first working day on or after ``day`` that falls on ``weekday`` (0 = Monday)."""
    while day.weekday() != weekday or not is_working_day(day):
        day += timedelta(days=1)
    return day


def submit(page: Page, form_selector: str = "main form[method=post]") -> None:
    """Clicks the (first) submit button of the form and waits for the next page."""
    click_and_wait(page, page.locator(form_selector).locator("button[type=submit]").first)


def test_a_coordinator_prepares_a_visit_and_the_contact_person_fills_in_the_group(
    page: Page,
    playwright_browser: Browser,
    live_server,
    world,
    sign_in,
    axe_check,
    enqueued_tasks,
    mailoutbox,
):
    year = timezone.localdate().year + 1
    sign_in(page, world.coordinator)
    axe_check(page)  # the start page

    # 1. The annual plan: created from the default goals, then edited.
    page.goto(f"/arsplan/{year}/")
    axe_check(page)
    click_and_wait(page, page.locator(f"main a.ds-button[href='/arsplan/{year}/endre/']"))
    expect(page.locator("#id_goals-0-text")).not_to_be_empty()
    axe_check(page)
    submit(page)
    expect(page).to_have_url(re.compile(rf"/arsplan/{year}/$"))
    axe_check(page)
    click_and_wait(page, page.locator(f"main a.ds-button[href='/arsplan/{year}/endre/']"))
    page.locator("#id_notes").fill("Alle enheter besøkes før sommeren.")
    page.locator("#id_goals-2-target").fill("90")
    axe_check(page)
    submit(page)
    expect(page).to_have_url(re.compile(rf"/arsplan/{year}/$"))
    expect(page.locator("main")).to_contain_text("Alle enheter besøkes før sommeren.")
    plan = AnnualPlan.objects.get(organisation=world.org, year=year)
    assert plan.owner == world.top_leader
    assert plan.version == 2
    assert [int(goal.target) for goal in plan.goals.all()] == [100, 100, 90, 100]

    # 2. Schedule both units in March and April: propose, move one date, save.
    click_and_wait(page, page.locator(f"main a[href='/arsplan/{year}/planlegg/']"))
    # The ward is chosen beforehand; Solbakken sykehjem, visited through its ward, is not,
    # and the coordinator chooses it too.
    expect(page.locator(f"input[name=units][value='{world.unit.pk}']")).not_to_be_checked()
    expect(page.locator(f"input[name=units][value='{world.ward.pk}']")).to_be_checked()
    page.locator(f"input[name=units][value='{world.unit.pk}']").check()
    page.locator("input[name=months][value='3']").check()
    page.locator("input[name=months][value='4']").check()
    page.locator("#id_secretary").select_option(str(world.secretary.pk))
    axe_check(page)
    click_and_wait(page, page.locator("button[name=action][value=propose]"))
    expect(page.locator("input[type=date]")).to_have_count(2)
    axe_check(page)
    moved_unit = int(page.locator("input[name='rows-1-unit']").input_value())
    proposed = date.fromisoformat(page.locator("#id_rows-1-date").input_value())
    moved_to = working_weekday_from(date(year, 4, 20), 2)  # a Wednesday after Easter
    if moved_to == proposed:
        moved_to = working_weekday_from(moved_to + timedelta(days=1), 2)
    page.locator("#id_rows-1-date").fill(moved_to.isoformat())
    click_and_wait(page, page.locator("button[name=action][value=save]"))
    expect(page).to_have_url(re.compile(rf"/arsplan/{year}/$"))
    axe_check(page)
    visits = Visit.objects.filter(organisation=world.org, plan=plan)
    assert visits.count() == 2
    visit = visits.get(unit_id=moved_unit)
    assert visit.date == moved_to
    assert (visit.visit_leader, visit.coordinator, visit.secretary) == (
        world.top_leader,
        world.coordinator,
        world.secretary,
    )

    # 3. Open the visit from the year view and give it a contact person and an observer.
    detail = f"/visitter/{visit.pk}/"
    click_and_wait(page, page.locator(f"main a[href='{detail}']"))
    axe_check(page)
    click_and_wait(page, page.locator(f"main a[href='{detail}endre/']"))
    axe_check(page)
    page.locator("#id_place").fill("Personalrommet")
    page.locator("#id_unit_leader").select_option(str(world.unit_leader.pk))
    page.locator("#id_contact_name").fill("Kari Kontakt")
    page.locator("#id_contact_email").fill("kontakt@test.no")
    submit(page)
    expect(page).to_have_url(re.compile(rf"{detail}$"))
    axe_check(page)
    visit.refresh_from_db()
    sequence = visit.calendar_sequence  # the place is part of the calendar event

    # 4. Postpone it with a reason; the history shows the old and the new date.
    click_and_wait(page, page.locator(f"main a[href='{detail}utsett/']"))
    axe_check(page)
    new_date = working_weekday_from(date(year, 5, 24), 3)  # a Thursday after 17 May
    page.locator("#id_to_date").fill(new_date.isoformat())
    page.locator("#id_reason").fill(REASON)
    submit(page)
    expect(page).to_have_url(re.compile(rf"{detail}$"))
    history = page.locator("section[aria-labelledby=postponed-heading] tbody tr")
    expect(history).to_have_count(1)
    expect(history).to_contain_text(REASON)
    axe_check(page)
    postponement = Postponement.objects.get(visit=visit)
    assert (postponement.from_date, postponement.to_date) == (moved_to, new_date)
    visit.refresh_from_db()
    assert (visit.date, visit.status) == (new_date, Visit.Status.PLANNED)
    assert visit.calendar_sequence == sequence + 1

    # 5. A link for the contact person, shown once.
    click_and_wait(page, page.locator(f"main a[href='{detail}gruppe/']"))
    axe_check(page)
    submit(page, f"form[action='{detail}gruppe/lenke/']:has(input[name=how][value=show])")
    link = page.locator("#group-link").input_value()
    assert re.search(r"/gruppe/[\w-]{20,}/$", link), link
    axe_check(page)

    # 6. The contact person, with no account, opens the link in a browser of their own
    #    and adds the five participants.
    Profession.ensure_defaults(world.org)
    professions = dict(Profession.objects.filter(organisation=world.org).values_list("name", "pk"))
    context = playwright_browser.new_context(base_url=live_server.url, locale="nb-NO")
    server_errors: list[str] = []
    try:
        contact = context.new_page()
        contact.on(
            "response",
            lambda r: server_errors.append(f"{r.status} {r.url}") if r.status >= 500 else None,
        )
        contact.goto(link)
        expect(contact.locator("h1")).to_have_count(1)
        expect(contact.locator(f"a[href^='{detail}']")).to_have_count(0)  # nothing else
        axe_check(contact)
        add_form = "main form:has(input[name=action][value=add])"
        for count, (name, profession, email) in enumerate(GROUP, start=1):
            contact.locator("#id_name").fill(name)
            contact.locator("#id_profession").select_option(str(professions[profession]))
            contact.locator("#id_email").fill(email)
            submit(contact, add_form)
            expect(contact.locator("main tbody tr")).to_have_count(count)
            axe_check(contact)
        # The group is full: the form to add is gone.
        expect(contact.locator(add_form)).to_have_count(0)
    finally:
        context.close()
    assert not server_errors, server_errors
    assert visit.participants.count() == 5
    assert ChecklistItem.objects.get(visit=visit, key="group_assembled").is_done

    # 7. Back as the coordinator: the group is on the visit's page.
    page.goto(detail)
    group = page.locator("section[aria-labelledby=group-heading] tbody tr")
    expect(group).to_have_count(5)
    for name, _profession, _email in GROUP:
        expect(page.locator("section[aria-labelledby=group-heading]")).to_contain_text(name)
    axe_check(page)

    # 8. Send the invitation; the worker's task (run here) e-mails the unit leader and the
    #    contact person the letter as PDF and the calendar invitation.
    submit(page, f"main form[action='{detail}invitasjon/send/']")
    expect(page).to_have_url(re.compile(rf"{detail}$"))
    expect(page.locator(".messages")).to_contain_text("kontakt@test.no")
    axe_check(page)
    dispatch = InvitationDispatch.objects.get(visit=visit)
    assert {r["email"] for r in dispatch.recipients} == {"kontakt@test.no", "enhetsleder@test.no"}
    queued = [r for r in enqueued_tasks if r.task.func == send_visit_invitation.func]
    assert [r.args for r in queued] == [[visit.pk]]
    assert mailoutbox == []  # the worker sends

    queued[0].task.call(*queued[0].args)

    assert sorted(message.to[0] for message in mailoutbox) == [
        "enhetsleder@test.no",
        "kontakt@test.no",
    ]
    for message in mailoutbox:
        pdf, ics = message.attachments
        assert pdf.filename.endswith(".pdf") and pdf.mimetype == "application/pdf"
        text = " ".join(pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text().split())
        assert visit.unit.name in text
        assert ics.filename.endswith(".ics") and ics.mimetype == "text/calendar"
        event = icalendar.Calendar.from_ical(ics.content).events[0]
        # The postponed date, in Oslo time, as a moved event (same UID, higher SEQUENCE).
        start = event.decoded("DTSTART").astimezone(OSLO)
        assert (start.date(), start.hour) == (new_date, visit.start_time.hour)
        assert str(event["UID"]).startswith(f"visit-{visit.pk}@")
        assert int(event["SEQUENCE"]) == visit.calendar_sequence
    assert ChecklistItem.objects.get(visit=visit, key="invitation_sent").is_done
