"""Editable texts per organisation and language form: the invitation letter (Vedlegg 1)
and the staff poster. Defaults are derived from Helsedirektoratet's material.

A template's body is plain text with three small conventions, so that the same text
becomes HTML, PDF and Word: a blank line starts a new paragraph, a line starting with
"## " is a heading, and lines starting with "- " are a bulleted list. Fields in braces
({unit}, {date}, ...) are filled in for each visit.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from visitt.organisations.models import Organisation

from .visits import Visit

# The fields a template may use, in the order the edit page explains them.
PLACEHOLDERS = (
    "organisation",
    "unit",
    "date",
    "time",
    "place",
    "visit_leader",
    "leaders",
    "contact",
    "staff_input_link",
)
_FIELD = re.compile(r"\{([^{}]*)\}")


class StaleTemplate(Exception):
    """Someone else saved the template after this form was opened."""


class LetterTemplate(models.Model):
    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation to the unit (Vedlegg 1)")
        POSTER = "poster", _("Poster for the unit's staff")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="letter_templates"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind)
    language = models.CharField(_("language form"), max_length=2, choices=Organisation.LanguageForm)
    subject = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Fields in braces are filled in for each visit: {organisation}, {unit}, {date}, "
            "{time}, {place}, {visit_leader}, {leaders}, {contact}, {staff_input_link}."
        ),
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "language"], name="one_template_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.language})"

    def fill(self, values: dict[str, str]) -> tuple[str, str]:
        """The subject and body with the fields filled in (no query)."""
        return fill(self.subject, values), fill(self.body, values)

    def save_text(self, *, subject: str, body: str, version: int) -> None:
        """Saves new text if nobody saved since ``version`` was read (optimistic locking).

        Raises StaleTemplate otherwise; the stored text is then unchanged. One query.
        """
        changed = LetterTemplate.objects.filter(pk=self.pk, version=version).update(
            subject=subject, body=body, version=F("version") + 1, updated_at=timezone.now()
        )
        if not changed:
            raise StaleTemplate
        self.subject, self.body, self.version = subject, body, version + 1


class InvitationDispatch(models.Model):
    """One request to e-mail a visit's invitation, and when it actually went out.

    The view creates it when it claims the send; the task claims it again by setting
    ``sent_at``, so a task that runs twice still sends one e-mail per recipient.
    """

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="invitation_dispatches")
    recipients = models.JSONField(default=list)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sent invitation")
        verbose_name_plural = _("sent invitations")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.visit} {self.requested_at:%Y-%m-%d %H:%M}"


# --- Fields ---------------------------------------------------------------------------


def unknown_placeholders(text: str) -> list[str]:
    """The fields in braces that Visitt cannot fill, as written (in order, no repeats)."""
    found: list[str] = []
    for match in _FIELD.finditer(text):
        if match[1].strip() not in PLACEHOLDERS and match[0] not in found:
            found.append(match[0])
    return found


def fill(text: str, values: dict[str, str]) -> str:
    """Replaces {field} with its value. Never str.format: a template is user input."""
    return _FIELD.sub(lambda m: values.get(m[1].strip(), m[0]), text)


# --- Default texts --------------------------------------------------------------------
# Organisation content, not interface text: written in Bokmål and Nynorsk, derived from
# Vedlegg 1 of Helsedirektoratet's method (I trygge hender 24-7) and credited to it.

INVITATION_NB = (
    "Invitasjon til pasient- og brukersikkerhetsvisitt på {unit}",
    """{organisation} er opptatt av pasient- og brukersikkerhet. For å øke bevisstheten rundt dette i organisasjonen vil {leaders} gjennomføre en pasient- og brukersikkerhetsvisitt på {unit}.

Tid: {date} kl. {time}
Sted: {place}

Jeg ønsker å møte et utvalg av fem personer som daglig arbeider med brukere, til en åpen og ærlig samtale om pasient- og brukersikkerhet. De jeg ønsker å snakke med, kan for eksempel være lege, sykepleier, helsefagarbeider, kjøkkenpersonale og andre som møter brukere i sitt daglige arbeid. Du som er leder for enheten, er velkommen til å delta på møtet som observatør.

## Formålet med pasient- og brukersikkerhetsvisitten er å
- øke bevisstheten rundt pasient- og brukersikkerhet i alle enheter som yter helsehjelp
- gjøre pasient- og brukersikkerhet til en prioritert oppgave for toppledere, ved å arbeide målbevisst for å fremme en pasientsikkerhetskultur
- innhente informasjon som identifiserer områder som kan forbedres, og innføre konkrete tiltak i henhold til dette
- bygge opp kommunikasjonskanaler og relasjoner mellom øverste ledelse og personale som arbeider tett på brukerne

## Hva skjer underveis?
Jeg som er leder for pasient- og brukersikkerhetsvisitten, vil forklare og presentere prosessen. Medlemmene i gruppen som gjennomfører visitten, stiller strukturerte spørsmål til deltakerne med vekt på områder som pasientskade, kommunikasjon, miljø og lignende.

Eksempler på tema som kan tas opp:
- forhold som dere mener kan sette brukeren i fare
- hva vi kan gjøre sammen for å bedre sikkerheten for brukeren
- kommunikasjon mellom ansatte
- hva ledelsen kan bidra med

Mot slutten av møtet blir vi enige om opptil tre hovedtiltak som kan forbedres for å gjøre enheten din tryggere for brukerne. Det er viktig at problemstillingene framstilles så tydelig som mulig.

Vi vil be personalet om å snakke med kollegaer før møtet og finne eksempler på uønskede hendelser de har opplevd, og dele dem med oss på møtet. Eksempler kan være brukere som ikke får medisinen sin i tide, observasjoner som ikke blir gjennomført, og lignende. Eksemplene kan også sendes inn anonymt på forhånd: {staff_input_link}

## Hva skjer med opplysningene?
Det som sies, er konfidensielt og handler om systemer og rutiner, ikke om enkeltpersoner. Ingen blir beskyldt på grunnlag av det som kommer fram.

Kort tid etter visitten blir referatet sendt ut til deltakerne på møtet. Det viser de viktigste områdene som ble drøftet, og hvilke forbedringstiltak som skal settes i gang.

Jeg vil personlig følge opp disse tiltakene og sørge for at problemene som tas opp, blir løst til det beste for alle parter, i samarbeid med deg som linjeleder og andre aktuelle parter.

Vi ser fram til å møte dere!

For mer informasjon, kontakt {contact}.

Med vennlig hilsen
{visit_leader}
{organisation}

Basert på mal fra Helsedirektoratet / I trygge hender 24-7
""",
)

INVITATION_NN = (
    "Invitasjon til pasient- og brukarsikkerheitsvisitt på {unit}",
    """{organisation} er oppteken av pasient- og brukarsikkerheit. For å auke medvitet rundt dette i organisasjonen vil {leaders} gjennomføre ein pasient- og brukarsikkerheitsvisitt på {unit}.

Tid: {date} kl. {time}
Stad: {place}

Eg ønskjer å møte eit utval på fem personar som dagleg arbeider med brukarar, til ein open og ærleg samtale om pasient- og brukarsikkerheit. Dei eg ønskjer å snakke med, kan til dømes vere lege, sjukepleiar, helsefagarbeidar, kjøkkenpersonale og andre som møter brukarar i det daglege arbeidet sitt. Du som er leiar for eininga, er velkomen til å delta på møtet som observatør.

## Føremålet med pasient- og brukarsikkerheitsvisitten er å
- auke medvitet rundt pasient- og brukarsikkerheit i alle einingar som yter helsehjelp
- gjere pasient- og brukarsikkerheit til ei prioritert oppgåve for toppleiarar, ved å arbeide målmedvite for å fremje ein pasientsikkerheitskultur
- hente inn informasjon som identifiserer område som kan forbetrast, og innføre konkrete tiltak i samsvar med dette
- byggje opp kommunikasjonskanalar og relasjonar mellom den øvste leiinga og personale som arbeider tett på brukarane

## Kva skjer undervegs?
Eg som er leiar for pasient- og brukarsikkerheitsvisitten, vil forklare og presentere prosessen. Medlemmene i gruppa som gjennomfører visitten, stiller strukturerte spørsmål til deltakarane med vekt på område som pasientskade, kommunikasjon, miljø og liknande.

Døme på tema som kan takast opp:
- forhold som de meiner kan setje brukaren i fare
- kva vi kan gjere saman for å betre sikkerheita for brukaren
- kommunikasjon mellom tilsette
- kva leiinga kan bidra med

Mot slutten av møtet blir vi samde om opptil tre hovudtiltak som kan forbetrast for å gjere eininga di tryggare for brukarane. Det er viktig at problemstillingane blir framstilte så tydeleg som mogleg.

Vi vil be personalet om å snakke med kollegaer før møtet og finne døme på uønskte hendingar dei har opplevd, og dele dei med oss på møtet. Døme kan vere brukarar som ikkje får medisinen sin i tide, observasjonar som ikkje blir gjennomførte, og liknande. Døma kan også sendast inn anonymt på førehand: {staff_input_link}

## Kva skjer med opplysningane?
Det som blir sagt, er konfidensielt og handlar om system og rutinar, ikkje om enkeltpersonar. Ingen blir skulda for noko på grunnlag av det som kjem fram.

Kort tid etter visitten blir referatet sendt ut til deltakarane på møtet. Det viser dei viktigaste områda som vart drøfta, og kva forbetringstiltak som skal setjast i gang.

Eg vil personleg følgje opp desse tiltaka og sørgje for at problema som blir tekne opp, blir løyste til det beste for alle partar, i samarbeid med deg som linjeleiar og andre aktuelle partar.

Vi ser fram til å møte dykk!

For meir informasjon, kontakt {contact}.

Med venleg helsing
{visit_leader}
{organisation}

Basert på mal frå Helsedirektoratet / I trygge hender 24-7
""",
)

POSTER_NB = (
    "Pasient- og brukersikkerhetsvisitt på {unit}",
    """{date} kl. {time}
Sted: {place}

Ledelsen i {organisation} kommer for å snakke med fem av dere som møter brukerne hver dag. Sammen finner vi ut hva som kan gjøre hverdagen tryggere for brukerne, og blir enige om opptil tre tiltak som ledelsen følger opp. Visitten ledes av {visit_leader}.

## Dette gjelder samtalen
- Det som sies, er konfidensielt.
- Vi snakker om systemer og rutiner, ikke om enkeltpersoner.
- Ingen blir beskyldt på grunnlag av det som kommer fram.

## Del et eksempel på forhånd
Snakk gjerne med kollegaer før visitten om uønskede hendelser og nesten-uhell dere har opplevd. Du kan sende inn et eksempel anonymt med lenken eller QR-koden: {staff_input_link}

Spørsmål? Kontakt {contact}.

Basert på mal fra Helsedirektoratet / I trygge hender 24-7
""",
)

POSTER_NN = (
    "Pasient- og brukarsikkerheitsvisitt på {unit}",
    """{date} kl. {time}
Stad: {place}

Leiinga i {organisation} kjem for å snakke med fem av dykk som møter brukarane kvar dag. Saman finn vi ut kva som kan gjere kvardagen tryggare for brukarane, og blir samde om opptil tre tiltak som leiinga følgjer opp. Visitten blir leidd av {visit_leader}.

## Dette gjeld samtalen
- Det som blir sagt, er konfidensielt.
- Vi snakkar om system og rutinar, ikkje om enkeltpersonar.
- Ingen blir skulda for noko på grunnlag av det som kjem fram.

## Del eit døme på førehand
Snakk gjerne med kollegaer før visitten om uønskte hendingar og nesten-uhell de har opplevd. Du kan sende inn eit døme anonymt med lenkja eller QR-koden: {staff_input_link}

Spørsmål? Kontakt {contact}.

Basert på mal frå Helsedirektoratet / I trygge hender 24-7
""",
)

DEFAULTS: dict[tuple[str, str], tuple[str, str]] = {
    (LetterTemplate.Kind.INVITATION, "nb"): INVITATION_NB,
    (LetterTemplate.Kind.INVITATION, "nn"): INVITATION_NN,
    (LetterTemplate.Kind.POSTER, "nb"): POSTER_NB,
    (LetterTemplate.Kind.POSTER, "nn"): POSTER_NN,
}


def ensure_default_templates(organisation: Organisation) -> None:
    """Creates the default templates the organisation lacks (idempotent; one query when
    they exist, two otherwise). Never overwrites an edited template."""
    existing = set(
        LetterTemplate.objects.filter(organisation=organisation).values_list("kind", "language")
    )
    missing = [
        LetterTemplate(
            organisation=organisation, kind=kind, language=language, subject=subject, body=body
        )
        for (kind, language), (subject, body) in DEFAULTS.items()
        if (kind, language) not in existing
    ]
    if missing:
        # Two first visits at once may both get here; the unique constraint keeps one.
        with transaction.atomic():
            LetterTemplate.objects.bulk_create(missing, ignore_conflicts=True)


def template_for(organisation: Organisation, kind: str) -> LetterTemplate:
    """The organisation's template of ``kind`` in its own language form (one query
    once the defaults exist)."""
    lookup = {"organisation": organisation, "kind": kind, "language": organisation.language}
    template = LetterTemplate.objects.filter(**lookup).first()
    if template is None:
        ensure_default_templates(organisation)
        template = LetterTemplate.objects.get(**lookup)
    return template


def default_text(kind: str, language: str) -> tuple[str, str]:
    return DEFAULTS[(kind, language)]


# --- Sending the invitation -----------------------------------------------------------


class CannotSendInvitation(Exception):
    """The invitation cannot go out; the message is for the user."""


def invitation_recipients(visit: Visit) -> list[dict[str, str]]:
    """The unit leader and the contact person, those with an e-mail address, once each
    (no query when the visit is loaded with_team())."""
    candidates = []
    if visit.unit_leader is not None:
        candidates.append((str(visit.unit_leader), visit.unit_leader.email))
    candidates.append((visit.contact_name, visit.contact_email))
    recipients: list[dict[str, str]] = []
    for name, email in candidates:
        email = (email or "").strip()
        if email and email.lower() not in {r["email"].lower() for r in recipients}:
            recipients.append({"name": name, "email": email})
    return recipients


def parse_sent_marker(value: str) -> datetime | None:
    """The form's copy of visit.invitation_sent_at ("" when none had been sent).

    Raises ValueError when it is not a time Visitt wrote.
    """
    value = value.strip()
    return datetime.fromisoformat(value) if value else None


def request_invitation(
    visit: Visit, *, by, last_sent: datetime | None
) -> InvitationDispatch | None:
    """Claims the sending of the invitation and queues the e-mails once the transaction
    commits. Returns None when someone already sent it after ``last_sent`` (the time the
    person saw on the page): a double click, or two coordinators at once, send once.

    The claim is one conditional UPDATE of visit.invitation_sent_at, the pattern of
    STYLE.md: only the request that changes the row goes on.
    """
    from .tasks_documents import send_visit_invitation

    if visit.is_conducted:
        raise CannotSendInvitation(_("This visit is already conducted."))
    recipients = invitation_recipients(visit)
    if not recipients:
        raise CannotSendInvitation(
            _(
                "Neither the unit leader nor the contact person has an e-mail address. "
                "Add one to the visit first."
            )
        )
    now = timezone.now()
    with transaction.atomic():
        claimed = Visit.objects.filter(pk=visit.pk, invitation_sent_at=last_sent).update(
            invitation_sent_at=now
        )
        if not claimed:
            return None
        visit.invitation_sent_at = now
        dispatch = InvitationDispatch.objects.create(
            visit=visit, recipients=recipients, requested_by=by
        )
        transaction.on_commit(lambda: send_visit_invitation.enqueue(visit.pk))
    return dispatch
