"""Prepares one benchmark run, inside Django with the benchmark's settings: signs the
largest organisation's top leader in and picks the pages to load.

Prints one JSON object: the session cookie and the pages as [name, path] pairs. Every
page is fetched once here and must answer 200, so that a broken page fails the
benchmark instead of being timed as a fast error.

Run by bench/run.py as `python manage.py shell -c "exec(open('bench/prepare.py').read())"`.
"""

import json
import sys

from django.test import Client

from bench.pages import key_pages, largest_organisation, top_leader
from visitt.followup.plans import Action
from visitt.organisations.models import Organisation


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
            "actions": Action.objects.filter(problem__visit__organisation=org).count(),
            "organisations": Organisation.objects.count(),
            "session": client.cookies["sessionid"].value,
            "pages": chosen,
        },
        sys.stdout,
    )


main()
