"""The demo: "Demo kommune" (Bokmål) with realistic units and one account per role, and
"Demo helseforetak" (Nynorsk) so that the isolation between organisations is visible.
Their current year of visits is made by visitt.planning.demo and the modules it leads
to; last year, complete, by visitt.followup.demo_history."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from visitt.accounts.models import User

from .models import Membership, Organisation, Role, Unit

DEMO_PASSWORD = "demo-visitt"

K = Unit.Kind
MUNICIPALITY_UNITS = [
    # (name, kind, code, parent code)
    ("Solbakken sykehjem", K.NURSING_HOME, "SOL", None),
    ("Solbakken sykehjem, avdeling 1 (langtid)", K.WARD, "SOL-1", "SOL"),
    ("Solbakken sykehjem, avdeling 2 (korttid og rehabilitering)", K.WARD, "SOL-2", "SOL"),
    ("Hjemmetjenesten sone nord", K.HOME_CARE, "HJT-N", None),
    ("Hjemmetjenesten sone sør", K.HOME_CARE, "HJT-S", None),
    ("Interkommunal legevakt", K.EMERGENCY, "LV", None),
    ("Fjellheim bo- og behandlingssenter", K.CARE_CENTRE, "FBB", None),
    ("Helsestasjon og skolehelsetjeneste", K.HEALTH_CENTRE, "HS", None),
    ("Rus og psykisk helse", K.MENTAL_HEALTH, "RPH", None),
]
HEALTH_TRUST_UNITS = [
    ("Medisinsk klinikk", K.SERVICE_AREA, "MED", None),
    ("Sengepost for indremedisin", K.HOSPITAL_DEPARTMENT, "MED-1", "MED"),
    ("Akuttmottak", K.HOSPITAL_DEPARTMENT, "AKM", None),
    ("Distriktspsykiatrisk senter", K.MENTAL_HEALTH, "DPS", None),
]

# (e-mail, name, title, roles in Demo kommune)
MUNICIPALITY_PEOPLE = [
    (
        "toppleder@demo.visitt.no",
        "Tone Lien",
        "Kommunaldirektør helse og omsorg",
        [Role.TOP_LEADER],
    ),
    ("koordinator@demo.visitt.no", "Kari Nordmann", "Kvalitetsrådgiver", [Role.COORDINATOR]),
    ("sekretaer@demo.visitt.no", "Siri Hansen", "Konsulent", [Role.SECRETARY]),
    ("radgiver@demo.visitt.no", "Rune Dahl", "Kommuneoverlege", [Role.MEDICAL_ADVISOR]),
    (
        "enhetsleder@demo.visitt.no",
        "Eva Berg",
        "Enhetsleder Solbakken sykehjem",
        [Role.UNIT_LEADER],
    ),
    ("tiltakseier@demo.visitt.no", "Tor Moen", "Fagsykepleier", [Role.ACTION_OWNER]),
    ("admin@demo.visitt.no", "Anne Admin", "Systemansvarlig", [Role.ADMIN]),
]
HEALTH_TRUST_PEOPLE = [
    ("toppleiar@helseforetak.demo.visitt.no", "Halvard Vik", "Klinikkdirektør", [Role.TOP_LEADER]),
    ("admin@helseforetak.demo.visitt.no", "Ingrid Aasen", "Systemansvarleg", [Role.ADMIN]),
    # The coordinator works for both, to show switching between organisations.
    ("koordinator@demo.visitt.no", "Kari Nordmann", "Kvalitetsrådgjevar", [Role.COORDINATOR]),
]


def _units(org: Organisation, rows: list) -> None:
    by_code: dict[str, Unit] = {}
    for name, kind, code, parent_code in rows:
        unit, _ = Unit.objects.update_or_create(
            organisation=org,
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "parent": by_code.get(parent_code) if parent_code else None,
            },
        )
        by_code[code] = unit


def _people(org: Organisation, rows: list, hashed: list[str]) -> None:
    for email, name, title, roles in rows:
        user = User.objects.filter(email=email).first()
        if user is None:
            # Hashing is slow by design: the demo password is hashed once for everyone.
            if not hashed:
                hashed.append(make_password(DEMO_PASSWORD))
            user = User.objects.create_user(email, None, full_name=name)
            user.password = hashed[0]
            user.save(update_fields=["password"])
        membership, _ = Membership.objects.update_or_create(
            user=user, organisation=org, defaults={"title": title, "is_active": True}
        )
        membership.set_roles(roles)
        if org.language == Organisation.LanguageForm.BOKMAAL and membership.last_used_at is None:
            # People in both demo organisations start in Demo kommune.
            membership.last_used_at = timezone.now()
            membership.save(update_fields=["last_used_at"])


@transaction.atomic
def seed_demo(today: date | None = None) -> None:
    """Creates or refreshes the demo data. Safe to run again; refuses in production.

    The year of visits is built around ``today`` (by default today's date).
    """
    if settings.PRODUCTION:
        raise ImproperlyConfigured("The demo is never seeded into a production database.")
    municipality, _ = Organisation.objects.update_or_create(
        organisation_number="964000018",
        defaults={
            "name": "Demo kommune",
            "kind": Organisation.Kind.MUNICIPALITY,
            "language": Organisation.LanguageForm.BOKMAAL,
            # So anyone can try the demo at once; see the README to turn it on.
            "two_factor_policy": Organisation.TwoFactorPolicy.OPTIONAL,
        },
    )
    trust, _ = Organisation.objects.update_or_create(
        organisation_number="983000002",
        defaults={
            "name": "Demo helseforetak",
            "kind": Organisation.Kind.HEALTH_TRUST,
            "language": Organisation.LanguageForm.NYNORSK,
            "two_factor_policy": Organisation.TwoFactorPolicy.OPTIONAL,
        },
    )
    _units(municipality, MUNICIPALITY_UNITS)
    _units(trust, HEALTH_TRUST_UNITS)
    hashed: list[str] = []
    _people(municipality, MUNICIPALITY_PEOPLE, hashed)
    _people(trust, HEALTH_TRUST_PEOPLE, hashed)

    from visitt.followup.demo import seed_followup  # the follow-up on the walkround
    from visitt.followup.demo_history import seed_history  # last year, complete
    from visitt.improvement.demo_history import seed_library, seed_surveys
    from visitt.planning.demo import seed_planning  # planning builds on organisations
    from visitt.reports.demo_history import seed_reports  # meetings, annual summaries
    from visitt.walkround.demo import seed_walkround  # and the walkround on planning

    today = today or timezone.localdate()
    seed_planning(municipality, trust, today)
    seed_walkround(municipality, trust, today)
    seed_followup(municipality, trust, today)
    # The history comes after the current year: the current year's parts look only at
    # this year's visits, and last year's are made once, whatever the day.
    seed_history(municipality, trust, today)
    seed_library(municipality, today)
    seed_surveys(municipality, today)
    seed_reports(municipality, trust, today)
