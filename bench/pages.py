"""The key pages of issue 7, for the largest organisation: the benchmark loads them and
tests/test_key_page_queries.py counts their queries on small and larger data."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from visitt.followup.plans import Measure
from visitt.organisations.models import Membership, Organisation, Role
from visitt.planning.visits import Visit


def largest_organisation() -> Organisation:
    organisation = (
        Organisation.objects.annotate(size=Count("units")).order_by("-size", "pk").first()
    )
    if organisation is None:
        raise LookupError("no organisation: generate data with seed_scale first")
    return organisation


def top_leader(org: Organisation):
    membership = (
        Membership.objects.filter(organisation=org, grants__role=Role.TOP_LEADER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise LookupError(f"{org} has no top leader")
    return membership.user


def key_pages(org: Organisation) -> list[tuple[str, str]]:
    """[name, path] of each key page; the visit is this year's latest with actions, the
    run chart the measure with the most points."""
    year = timezone.localdate().year
    visit = (
        Visit.objects.filter(organisation=org, kind=Visit.Kind.MAIN, date__year=year)
        .filter(problems__actions__isnull=False)
        .order_by("-date", "pk")
        .first()
    ) or Visit.objects.filter(organisation=org).order_by("-date", "pk").first()
    measure = (
        Measure.objects.filter(problem__organisation=org)
        .annotate(point_count=Count("points"))
        .order_by("-point_count", "pk")
        .first()
    )
    last_year = year - 1
    found = [
        ("start page", reverse("home")),
        ("year plan", reverse("plan_year", args=[year])),
        ("visit detail", reverse("visit_detail", args=[visit.pk])),
        ("visit mode", reverse("visit_mode", args=[visit.pk])),
        ("action list", reverse("action_plan", args=[visit.pk])),
        ("Mine tiltak", reverse("my_actions")),
        ("theme analysis", reverse("theme_analysis")),
        ("annual summary", reverse("annual_summary", args=[last_year])),
        ("annual summary PDF", reverse("annual_summary_pdf", args=[last_year])),
        ("/healthz", reverse("healthz")),
    ]
    if measure is not None:
        found.insert(6, ("run chart", reverse("measure_detail", args=[measure.pk])))
    return found
