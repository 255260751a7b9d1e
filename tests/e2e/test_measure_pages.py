"""A measure's page, its import, point, phase and PDSA pages in a real browser: a leader
enters data points one by one until the run chart shows a signal, every page passes
axe-core in light and dark (with the run chart, the SPC view, import errors, a phase
and PDSA cycles showing), and a data point is added with the keyboard alone."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.support import save_form
from tests.improvement.support_measures import make_measure
from visitt.followup.plans import Action, Measure
from visitt.improvement.models import MeasurePoint, PdsaCycle

pytestmark = pytest.mark.e2e

# Eight points high, then eight low: sixteen useful observations, the median (7) between
# the two halves, and the last run of eight is longer than round(log2(16) + 3) = 7.
HIGH = ["9", "10", "11", "12", "9", "10", "11", "12"]
LOW = ["3", "4", "5", "2", "3", "4", "5", "2"]


def months_back(count: int) -> list[date]:
    """The first days of the `count` months before this one, oldest first."""
    first = timezone.localdate().replace(day=1)
    months = []
    for _ in range(count):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(first)
    return months[::-1]


def verdict(page: Page) -> str | None:
    return page.locator("#run-verdict").get_attribute("data-verdict")


def upload(page: Page, text: str) -> None:
    """Chooses a CSV file with `text` on the import page and sends it."""
    page.locator("input[name=file]").set_input_files(
        files=[{"name": "data.csv", "mimeType": "text/csv", "buffer": text.encode()}]
    )
    save_form(page, "input[name=file]")


def tab_to(page: Page, name: str, *, limit: int) -> None:
    """Presses Tab until the field called `name` has the focus (at most `limit` times)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name") == name:
            return
    pytest.fail(f"{limit} presses on Tab did not reach the field {name}")


def percent_measure(world) -> Measure:
    """A 'higher is better' percentage measure with numerator and denominator (a P chart)."""
    _planned, measure = make_measure(world, unit="%")
    Measure.objects.filter(pk=measure.pk).update(better=Measure.Direction.HIGHER)
    measure.refresh_from_db()
    for period, (numerator, denominator) in zip(
        months_back(12),
        [(12, 20), (14, 22), (11, 18), (15, 21), (13, 20), (20, 24)] * 2,
        strict=True,
    ):
        MeasurePoint.objects.create(
            measure=measure,
            period=period,
            numerator=numerator,
            denominator=denominator,
            value=(Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.0001")),
        )
    return measure


def test_a_leader_enters_points_until_the_run_chart_shows_an_improvement(
    page, world, sign_in, axe_check
):
    _planned, measure = make_measure(world)
    assert measure.better == Measure.Direction.LOWER
    sign_in(page, world.top_leader)
    page.goto(reverse("measure_detail", args=[measure.pk]))
    expect(page.locator("h1")).to_have_count(1)
    assert verdict(page) == "too_few"
    axe_check(page)

    seen = []
    for period, value in zip(months_back(16), HIGH + LOW, strict=True):
        page.locator("input[name=period]").fill(period.isoformat())
        page.locator("input[name=value]").fill(value)
        save_form(page, "input[name=value]")
        expect(page).to_have_url(re.compile(r"#data$"))
        seen.append(verdict(page))

    assert MeasurePoint.objects.filter(measure=measure).count() == 16
    assert seen[0] == "too_few"
    assert seen[-1] == "improvement", seen
    expect(page.locator("#chart svg[role=img]")).to_be_visible()
    expect(page.locator("#data tbody tr[id^=point-]")).to_have_count(16)
    axe_check(page)


def test_the_spc_view_the_import_and_the_point_pages_pass_axe(page, world, sign_in, axe_check):
    measure = percent_measure(world)
    point = MeasurePoint.objects.filter(measure=measure).first()
    assert point is not None
    sign_in(page, world.top_leader)

    page.goto(reverse("measure_detail", args=[measure.pk]))
    expect(page.locator("#spc svg[role=img]")).to_be_visible()
    axe_check(page)

    page.goto(reverse("measure_point", args=[measure.pk, point.pk]))
    expect(page.locator("input[name=numerator]")).to_have_value("12")
    axe_check(page)

    page.goto(reverse("measure_import", args=[measure.pk]))
    expect(page.locator("h1")).to_have_count(1)
    axe_check(page)

    # Row errors: nothing is imported, and the page names every wrong row.
    upload(page, "periode;teller;nevner\n2026-01;3;6\nmars;4;5\n2026-02;9;4\n2099-01;1;2\n")
    expect(page.locator(".ds-alert[data-color=danger] li")).to_have_count(3)
    axe_check(page)

    # A good import lands on the measure's page with the new values.
    upload(page, "periode;teller;nevner;kommentar\n2024-01;3;6;\n2024-02;4;5;Ny rutine\n")
    expect(page).to_have_url(re.compile(rf"/malinger/{measure.pk}/#data$"))
    assert MeasurePoint.objects.filter(measure=measure).count() == 14
    axe_check(page)


def test_the_pdsa_and_phase_pages_pass_axe(page, world, sign_in, axe_check):
    measure = percent_measure(world)
    action = Action.objects.filter(problem=measure.problem).first()
    assert action is not None
    months = months_back(12)
    adopted = PdsaCycle.objects.create(
        action=action,
        plan="Sjekkliste ved innkomst på to rom i to uker. Vi tror flere blir vurdert.",
        do="Gjennomført på rom 3 og 4.",
        study="Andelen vurderte gikk opp fra 60 til 85 %.",
        act="Tas i bruk på hele posten.",
        start_date=months[5] + timedelta(days=3),
        end_date=months[6] + timedelta(days=3),
        decision=PdsaCycle.Decision.ADOPT,
        created_by=world.top_leader,
    )
    PdsaCycle.objects.create(
        action=action,
        plan="Sjekklisten også på nattevakt.",
        start_date=months[9],
        created_by=world.top_leader,
    )
    sign_in(page, world.top_leader)

    page.goto(reverse("action_pdsa", args=[action.pk]))
    expect(page.locator(f"#cycle-{adopted.pk}")).to_be_visible()
    axe_check(page)

    page.goto(reverse("pdsa_edit", args=[action.pk, adopted.pk]))
    expect(page.locator("select[name=decision]")).to_have_value(PdsaCycle.Decision.ADOPT)
    axe_check(page)

    # The measure's page with the cycles marked on the chart, then a new phase.
    page.goto(reverse("measure_detail", args=[measure.pk]))
    page.locator("input[name=start]").fill(months[6].isoformat())
    page.locator("input[name=label]").fill("Etter sjekklisten")
    page.locator("input[name=baseline_points]").fill("4")
    save_form(page, "input[name=label]")
    expect(page).to_have_url(re.compile(r"#phases$"))
    expect(page.locator("#phases li")).to_have_count(1)
    axe_check(page)


def test_a_data_point_is_added_with_the_keyboard_alone(page, world, sign_in):
    _planned, measure = make_measure(world)
    sign_in(page, world.top_leader)
    page.goto(reverse("measure_detail", args=[measure.pk]))
    month = months_back(1)[0]
    # A day with the month's number: typed as ddmmyyyy it means the same date whether the
    # browser orders the date field's parts day-month-year or month-day-year.
    typed = month.replace(day=month.month)

    tab_to(page, "period", limit=80)
    page.keyboard.type(typed.strftime("%d%m%Y"))
    expect(page.locator("input[name=period]")).to_have_value(typed.isoformat())
    # Chromium's date field keeps one more Tab stop (its calendar button) before the next.
    tab_to(page, "value", limit=3)
    page.keyboard.type("4,5")
    # On past the optional fields to the form's button, and press it.
    for _ in range(4):
        page.keyboard.press("Tab")
    submit = page.locator("#add button[type=submit]")
    expect(submit).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#data$"))
    saved = MeasurePoint.objects.get(measure=measure)
    assert (saved.period, saved.value) == (month, Decimal("4.5"))
