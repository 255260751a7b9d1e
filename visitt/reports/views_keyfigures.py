"""Key figures over time (issue 6): one chart per figure, each with its numbers in a
table and a sentence that says what is counted (visitt/reports/keyfigures.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from visitt.organisations.access import OrgRequest, org_view

from . import keyfigures
from .charts import column_chart_svg
from .keyfigures import PeriodFigures, Ratio

# At most twelve quarters: more columns would not leave room for their labels.
DEFAULT_YEARS = 3


class PeriodForm(forms.Form):
    years = forms.TypedChoiceField(
        label=gettext_lazy("Period"),
        coerce=int,
        choices=[
            (1, gettext_lazy("This year")),
            (2, gettext_lazy("The last 2 years")),
            (3, gettext_lazy("The last 3 years")),
        ],
        initial=DEFAULT_YEARS,
    )


@dataclass(frozen=True)
class Row:
    label: str
    part: int
    whole: int
    percent: Decimal | None


@dataclass(frozen=True)
class Chart:
    key: str
    heading: str | Promise
    description: str | Promise
    svg: str
    rows: list[Row]
    # Column headings of the table: what the part and the whole count.
    part_heading: str | Promise
    whole_heading: str | Promise
    shows_share: bool = True


def _percent(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _summary(rows: Sequence[Row], shares: bool) -> str:
    """The chart's <desc>: every period in words, for screen readers."""
    if not rows:
        return _("No periods.")
    parts = []
    for row in rows:
        if shares:
            if row.percent is None:
                parts.append(_("%(period)s: nothing to count") % {"period": row.label})
            else:
                parts.append(
                    _("%(period)s: %(part)s of %(whole)s (%(percent)s %%)")
                    % {
                        "period": row.label,
                        "part": row.part,
                        "whole": row.whole,
                        "percent": number_format(row.percent, 1),
                    }
                )
        else:
            parts.append(
                _("%(period)s: %(part)s done of %(whole)s planned")
                % {"period": row.label, "part": row.part, "whole": row.whole}
            )
    return "; ".join(parts) + "."


def _ratio_chart(
    figures: Sequence[PeriodFigures],
    key: str,
    pick: Callable[[PeriodFigures], Ratio],
    heading: str | Promise,
    description: str | Promise,
    part_heading: str | Promise,
    whole_heading: str | Promise,
) -> Chart:
    rows = [
        Row(f.label, pick(f).part, pick(f).whole, pick(f).percent)
        for f in figures  # one per period
    ]
    svg = column_chart_svg(
        [row.label for row in rows],
        [(str(heading), [_percent(row.percent) for row in rows])],
        title=str(heading),
        description=_summary(rows, shares=True),
        chart_id=f"{key}-chart",
        maximum=100,
        suffix=" %",
    )
    return Chart(key, heading, description, svg, rows, part_heading, whole_heading)


def charts(figures: Sequence[PeriodFigures]) -> list[Chart]:
    """The five key figures as charts with their tables (no query)."""
    visit_rows = [Row(f.label, f.visits_done, f.visits_planned, None) for f in figures]
    visits = Chart(
        "visits",
        _("Walkrounds done and planned"),
        _(
            "Walkrounds dated in each quarter (a postponed visit counts at its new date), "
            "and how many of them have been conducted; follow-up visits are counted below."
        ),
        column_chart_svg(
            [row.label for row in visit_rows],
            [
                (_("Planned"), [row.whole for row in visit_rows]),
                (_("Done"), [row.part for row in visit_rows]),
            ],
            title=_("Walkrounds done and planned"),
            description=_summary(visit_rows, shares=False),
            chart_id="visits-chart",
        ),
        visit_rows,
        _("Done"),
        _("Planned"),
        shows_share=False,
    )
    return [
        visits,
        _ratio_chart(
            figures,
            "minutes",
            lambda f: f.minutes_on_time,
            _("Minutes signed within four working days"),
            _(
                "Of the conducted walkrounds whose minutes are signed or overdue, the share "
                "signed by the top leader and the visit leader by the end of the fourth "
                "working day after the visit (weekends and public holidays do not count)."
            ),
            _("On time"),
            _("Signed or overdue"),
        ),
        _ratio_chart(
            figures,
            "actions",
            lambda f: f.actions_on_time,
            _("Actions done on time"),
            _(
                "Of the actions due in the quarter that are done or still open after their "
                "due date, the share done by the due date; actions found not possible now "
                "are left out."
            ),
            _("Done on time"),
            _("Done or overdue"),
        ),
        _ratio_chart(
            figures,
            "feedback",
            lambda f: f.feedback_in_time,
            _("Feedback to the conversation group in time"),
            _(
                "You said, we did: of the actions finished in the quarter, the share whose "
                "outcome the conversation group was told about within %(days)s days."
            )
            % {"days": keyfigures.FEEDBACK_WITHIN_DAYS},
            _("In time"),
            _("Told or overdue"),
        ),
        _ratio_chart(
            figures,
            "follow-ups",
            lambda f: f.follow_ups_done,
            _("Follow-up visits done"),
            _(
                "Of the conducted walkrounds whose follow-up visit (about three months later) "
                "is due, the share that have had it."
            ),
            _("Followed up"),
            _("Due"),
        ),
    ]


@org_view("reports.view_learning")
@require_GET
def key_figures(request: OrgRequest) -> HttpResponse:
    form = PeriodForm(request.GET if "years" in request.GET else None)
    years = form.cleaned_data["years"] if form.is_bound and form.is_valid() else DEFAULT_YEARS
    figures = keyfigures.over_time(request.organisation, years=years)
    return render(
        request,
        "reports/keyfigures.html",
        {
            "form": form,
            "years": years,
            "figures": figures,
            "charts": charts(figures),
            "feedback_days": keyfigures.FEEDBACK_WITHIN_DAYS,
        },
    )
