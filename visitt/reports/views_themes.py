"""Learning across units: the theme analysis and the search."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from visitt.organisations.access import OrgRequest, org_view
from visitt.organisations.models import Unit
from visitt.walkround.problems import ProblemCategory

from . import search as searching
from . import themes
from .charts import bar_chart_svg
from .forms_themes import SearchForm, ThemeFilterForm

SEARCH_PAGE_SIZE = 25


@org_view("reports.view_learning")
@require_GET
def theme_analysis(request: OrgRequest) -> HttpResponse:
    org = request.organisation
    units = list(Unit.objects.for_organisation(org))
    categories = list(ProblemCategory.objects.filter(organisation=org).order_by("order", "name"))
    years = themes.years_with_problems(org)
    form = ThemeFilterForm(request.GET or None, years=years, units=units)
    year: int | None = None
    unit: Unit | None = None
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"]
        unit_pk = form.cleaned_data["unit"]
        unit = next((u for u in units if u.pk == unit_pk), None)
    unit_ids = {unit.pk, *unit.descendant_ids(units)} if unit is not None else None
    problems = themes.problems_in_scope(org, year=year, unit_ids=unit_ids)
    analysis = themes.analyse(problems, units, categories)
    period = str(year) if year else _("all years")
    chart = bar_chart_svg(
        analysis.bars,
        title=_("Problems per category, %(period)s") % {"period": period},
        description=", ".join(f"{label}: {value}" for label, value in analysis.bars)
        or _("No problems."),
    )
    return render(
        request,
        "reports/themes.html",
        {
            "form": form,
            "analysis": analysis,
            "chart": chart,
            "year": year,
            "unit": unit,
            "threshold": themes.ACROSS_UNITS_THRESHOLD,
            "search_form": SearchForm(),
        },
    )


@org_view("reports.view_learning")
@require_GET
def search(request: OrgRequest) -> HttpResponse:
    form = SearchForm(request.GET if "q" in request.GET else None)
    hits: list[searching.Hit] = []
    more = False
    if form.is_bound and form.is_valid():
        hits, more = searching.search(request.organisation, form.cleaned_data["q"])
    page = Paginator(hits, SEARCH_PAGE_SIZE).get_page(request.GET.get("side"))
    counts = {kind: sum(1 for hit in hits if hit.kind == kind) for kind in searching.KINDS}
    return render(
        request,
        "reports/search.html",
        {
            "form": form,
            "page": page,
            "hits": hits,
            "counts": [(searching.KINDS[k], n) for k, n in counts.items()],
            "more": more,
            "limit": searching.LIMIT_PER_KIND,
            "query": urlencode({"q": form.cleaned_data["q"]}) if hits else "",
        },
    )
