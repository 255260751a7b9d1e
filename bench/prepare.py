"""Prepares one benchmark run, inside Django with the benchmark's settings: signs the
largest organisation's top leader in and picks the pages to load.

Prints one JSON object: the session cookie and the pages as [name, path] pairs. Every
page is fetched once here and must answer 200, so that a broken page fails the
benchmark instead of being timed as a fast error.

Run by bench/run.py as `python manage.py shell -c "exec(open('bench/prepare.py').read())"`.
"""

import json
import sys

from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from visitt.followup.plans import Action, Measure
from visitt.organisations.models import Membership, Organisation, Role
from visitt.planning.visits import Visit


def largest_organisation() -> Organisation:
    return Organisation.objects.annotate(size=Count("units")).order_by("-size", "pk").first()


def top_leader(org: Organisation):
    membership = (
        Membership.objects.filter(organisation=org, grants__role=Role.TOP_LEADER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise SystemExit(f"bench: {org} has no top leader")
    return membership.user


def pages(org: Organisation) -> list[tuple[str, str]]:
    year = timezone.localdate().year
    visit = (
        Visit.objects.filter(organisation=org, kind=Visit.Kind.MAIN, date__year=year)
        .filter(problems__actions__isnull=False)
        .order_by("-date", "pk")
        .first()
    ) or Visit.objects.filter(organisation=org).order_by("-date", "pk").first()
    measure = (
        Measure.objects.filter(problem__visit__organisation=org)
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


def main() -> None:
    org = largest_organisation()
    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
    client.force_login(top_leader(org), backend="django.contrib.auth.backends.ModelBackend")
    chosen = pages(org)
    for name, path in chosen:
        status = client.get(path, secure=True).status_code
        if status != 200:
            raise SystemExit(f"bench: {name} ({path}) answered {status}, not 200")
    units = org.units.count()
    json.dump(
        {
            "organisation": org.name,
            "units": units,
            "actions": Action.objects.filter(problem__visit__organisation=org).count(),
            "organisations": Organisation.objects.count(),
            "session": client.cookies["sessionid"].value,
            "pages": chosen,
        },
        sys.stdout,
    )


main()
