"""The signed minutes as a PDF (WeasyPrint, tagged PDF/UA like the letters): the text
of one version laid out with planning.documents.blocks, then the signatures with
names, roles and times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from visitt.planning.documents import FONTS_DIR, Block, blocks, html_to_pdf, logo_path, long_date

from .minutes import MinutesVersion, Signature


@dataclass
class SignatureLine:
    name: str
    roles: str
    signed_at: datetime


@dataclass
class MinutesDocument:
    """What the print page shows: ``language`` and ``subject`` as the letters' base
    template expects them."""

    version: MinutesVersion
    language: str
    subject: str
    date_text: str
    blocks: list[Block]
    signatures: list[SignatureLine]

    @property
    def filename(self) -> str:
        visit = self.version.minutes.visit
        return (
            f"referat-{slugify(visit.unit.name)}-{visit.date:%Y-%m-%d}-v{self.version.number}.pdf"
        )


def signature_lines(version: MinutesVersion) -> list[SignatureLine]:
    """One line per person: a leader who signed as both top leader and visit leader
    is one line with both roles."""
    lines: dict[int, SignatureLine] = {}
    order: dict[str, int] = {Signature.Role.TOP_LEADER: 0, Signature.Role.VISIT_LEADER: 1}
    for signature in sorted(version.signatures.all(), key=lambda s: order.get(s.role, 9)):
        label = str(Signature.Role(signature.role).label)
        line = lines.get(signature.signer_id)
        if line is None:
            lines[signature.signer_id] = SignatureLine(
                signature.signer_name, label, timezone.localtime(signature.signed_at)
            )
        else:
            line.roles = f"{line.roles}, {label.lower()}"
    return list(lines.values())


def build(version: MinutesVersion) -> MinutesDocument:
    """The document of ``version`` in its organisation's language form (load the
    version with minutes__visit__unit and organisation; one query for signatures)."""
    visit = version.minutes.visit
    language = visit.organisation.language
    with translation.override(language):
        title = (
            _("Minutes of the follow-up visit")
            if visit.kind == visit.Kind.FOLLOW_UP
            else _("Minutes of the patient and user safety walkround")
        )
        return MinutesDocument(
            version=version,
            language=language,
            subject=f"{title}: {visit.unit.name}",
            date_text=long_date(visit.date, language),
            blocks=blocks(version.body),
            signatures=signature_lines(version),
        )


def print_html(document: MinutesDocument) -> str:
    organisation = document.version.minutes.visit.organisation
    logo = logo_path(organisation)
    with translation.override(document.language):
        return render_to_string(
            "followup/minutes_print.html",
            {
                "letter": document,
                "document": document,
                "organisation": organisation,
                "logo_url": logo.as_uri() if logo else "",
                "fonts_url": FONTS_DIR.as_uri(),
            },
        )


@dataclass
class RenderedPdf:
    filename: str
    content: bytes


def minutes_pdf(version: MinutesVersion) -> RenderedPdf:
    """The PDF of ``version`` (about a second)."""
    document = build(version)
    return RenderedPdf(document.filename, html_to_pdf(print_html(document)))
