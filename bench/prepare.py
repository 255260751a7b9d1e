"""Prepares one benchmark run, inside Django with the benchmark's settings: signs the
largest organisation's top leader in and picks the pages to load.

Prints one JSON object: the session cookie, the pages as [name, path] pairs, and what
the annual summary costs before its caches hold it. Every page is fetched once here and
must answer 200, so that a broken page fails the benchmark instead of being timed as a
fast error.

Run by bench/run.py as `python manage.py shell -c "exec(open('bench/prepare.py').read())"`.
"""

import json
import sys
import time

from django.test import Client
from django.utils import timezone

from bench.pages import key_pages, largest_organisation, top_leader
from visitt.followup.plans import Action
from visitt.organisations.models import Organisation
from visitt.planning.documents import html_to_pdf
from visitt.reports import documents_annual, services_annual
from visitt.reports.annual import AnnualSummary


def milliseconds(work) -> float:
    started = time.perf_counter()
    work()
    return round((time.perf_counter() - started) * 1000)


def uncached(org: Organisation) -> dict[str, float]:
    """The work the annual summary keeps in the cache, timed once without it: the load
    mostly meets the kept figures and PDF, so the report states this separately."""
    year = timezone.localdate().year - 1
    summary = AnnualSummary(organisation=org, year=year)
    services_annual.forget_figures(org, year)
    document = documents_annual.build_for_files(summary)  # computes and keeps the figures
    return {
        "figures": milliseconds(lambda: services_annual.figures(org, year)),
        "pdf": milliseconds(lambda: html_to_pdf(documents_annual.print_html(document))),
    }


def main() -> None:
    org = largest_organisation()
    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
    client.force_login(top_leader(org), backend="django.contrib.auth.backends.ModelBackend")
    chosen = key_pages(org)
    for name, path in chosen:
        status = client.get(path, secure=True).status_code
        if status != 200:
            raise SystemExit(f"bench: {name} ({path}) answered {status}, not 200")
    units = org.units.count()
    json.dump(
        {
            "organisation": org.name,
            "units": units,
            "actions": Action.objects.in_organisation(org).count(),
            "organisations": Organisation.objects.count(),
            "session": client.cookies["sessionid"].value,
            "pages": chosen,
            "uncached": uncached(org),
        },
        sys.stdout,
    )


main()
