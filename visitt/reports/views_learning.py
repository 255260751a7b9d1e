"""The learning hub: one menu item, "Læring", that leads to every page about learning
from the visits, each shown only to the roles that may open it (no query)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from visitt.organisations.access import OrgRequest, org_view

# The URL names of the pages the hub leads to (and of the pages below them), which
# mark the menu item "Læring" as the current one.
LEARNING_PAGES = frozenset({"learning", "theme_analysis", "search", "key_figures"})
LEARNING_PREFIXES = ("leadership_agenda", "annual_summar", "library", "pulse_survey")


def is_learning_page(url_name: str | None) -> bool:
    return bool(url_name) and (
        url_name in LEARNING_PAGES or url_name.startswith(LEARNING_PREFIXES)  # type: ignore[union-attr]
    )


@dataclass(frozen=True)
class Destination:
    key: str
    title: str
    text: str
    url: str


def destinations(request: OrgRequest) -> list[Destination]:
    """The learning pages this user may open, in the order of the yearly cycle."""
    org = request.organisation
    may = request.user.has_perm
    pages = []
    if may("reports.view_learning", org):
        pages += [
            Destination(
                "themes",
                _("Theme analysis and search"),
                _(
                    "Problems by category across units and years, the categories that"
                    " recur, and search in problems, actions and outcomes."
                ),
                reverse("theme_analysis"),
            ),
            Destination(
                "key-figures",
                _("Key figures"),
                _(
                    "Visits done against planned, minutes on time, actions done on time,"
                    " feedback and follow-up visits, quarter by quarter."
                ),
                reverse("key_figures"),
            ),
        ]
    if may("reports.view_agenda", org):
        pages.append(
            Destination(
                "agenda",
                _("Leadership meetings"),
                _(
                    "The standing item for the next leadership meeting: visits, new"
                    " problems, progress and what is overdue since the last meeting."
                ),
                reverse("leadership_agenda"),
            )
        )
    if may("reports.view_learning", org):
        pages.append(
            Destination(
                "annual",
                _("Annual summaries"),
                _(
                    "The walkround part of the management's annual review, with learning"
                    " points and the leadership group's decisions."
                ),
                reverse("annual_summaries"),
            )
        )
    if may("improvement.view_library", org):
        pages.append(
            Destination(
                "library",
                _("Learning library"),
                _("Actions that worked, described so that other units can reuse them."),
                reverse("library"),
            )
        )
    if may("improvement.view_surveys", org):
        pages.append(
            Destination(
                "surveys",
                _("Pulse surveys"),
                _(
                    "Short anonymous surveys of the staff's attitudes, before a visit and"
                    " again later."
                ),
                reverse("pulse_surveys"),
            )
        )
    return pages


@org_view()
@require_GET
def learning(request: OrgRequest) -> HttpResponse:
    return render(request, "reports/learning.html", {"destinations": destinations(request)})
