"""The invitation letter and the staff poster of a visit, filled in and rendered as HTML,
PDF (WeasyPrint) and Word (python-docx).

The organisation edits the text (letters.LetterTemplate); this module only fills in
the visit's fields and lays the text out. The same blocks feed every format, so the
preview shows what the PDF and the Word file say.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

import qrcode
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from visitt.organisations.models import Membership, Organisation

from .letters import LetterTemplate, template_for
from .preparation import staff_input_qr_svg, staff_input_url
from .visits import Visit

MONTHS = (
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
)
WEEKDAYS = {
    "nb": ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"),
    "nn": ("måndag", "tysdag", "onsdag", "torsdag", "fredag", "laurdag", "sundag"),
}
AND = {"nb": "og", "nn": "og"}

FONTS_DIR = settings.BASE_DIR / "node_modules" / "@fontsource" / "inter" / "files"


# --- Norwegian dates and times ------------------------------------------------------


def long_date(day: date, language: str = "nb") -> str:
    """'mandag 23. november 2026' (Bokmål) or 'måndag 23. november 2026' (Nynorsk)."""
    weekday = WEEKDAYS.get(language, WEEKDAYS["nb"])[day.weekday()]
    return f"{weekday} {day.day}. {MONTHS[day.month - 1]} {day.year}"


def clock(moment: time) -> str:
    """'10.00': the Norwegian way of writing a time of day."""
    return f"{moment:%H.%M}"


def time_span(visit: Visit) -> str:
    """'10.00-11.00' with an en dash, as Norwegian typography writes a span."""
    return f"{clock(visit.starts_at.time())}\u2013{clock(visit.ends_at.time())}"


# --- Links ----------------------------------------------------------------------------


def visit_url(visit: Visit) -> str:
    """The visit's page in Visitt."""
    return settings.SITE_URL + reverse("visit_detail", args=[visit.pk])


def qr_svg(visit: Visit) -> SafeString:
    """The staff input QR code (preparation.staff_input_qr_svg) for inline use in HTML:
    no XML declaration, sized by CSS, labelled for screen readers."""
    svg = staff_input_qr_svg(visit).decode()
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    svg = re.sub(r' (width|height)="[^"]*"', "", svg, count=2)
    label = escape(staff_input_url(visit))
    # The SVG is made by qrcode from Visitt's own URL; the label is escaped.
    return mark_safe(svg.replace("<svg ", f'<svg class="qr" role="img" aria-label="{label}" ', 1))


def qr_png(url: str) -> bytes:
    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8)
    code.add_data(url)
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    return buffer.getvalue()


# --- Filling in -----------------------------------------------------------------------


def _titles(visit: Visit) -> dict[int, str]:
    """Job titles of the visit's team in its organisation (one query)."""
    ids = [user.pk for user in visit.team]
    rows = Membership.objects.filter(organisation_id=visit.organisation_id, user_id__in=ids)
    return {user_id: title for user_id, title in rows.values_list("user_id", "title") if title}


def _join(names: list[str], language: str) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {AND.get(language, 'og')} {names[-1]}"


def letter_values(visit: Visit, language: str) -> dict[str, str]:
    """The value of every field for this visit (one query; load the visit with_team())."""
    titles = _titles(visit)
    leader = visit.visit_leader
    leader_text = str(leader) + (f", {titles[leader.pk]}" if leader.pk in titles else "")
    team = [
        str(user) + (f" ({titles[user.pk]})" if user.pk in titles else "") for user in visit.team
    ]
    # Whom the unit asks for more information: the coordinator, who plans the visit.
    contact_user = visit.coordinator or leader
    contact = str(contact_user)
    if contact_user.email and contact_user.email != contact:
        contact += f" ({contact_user.email})"
    return {
        "organisation": visit.organisation.name,
        "unit": visit.unit.name,
        "date": long_date(visit.date, language),
        "time": time_span(visit),
        "place": visit.place or visit.unit.name,
        "visit_leader": leader_text,
        "leaders": _join(team, language),
        "contact": contact,
        "staff_input_link": staff_input_url(visit),
    }


# --- Layout blocks --------------------------------------------------------------------


@dataclass
class Block:
    kind: Literal["heading", "paragraph", "list"]
    lines: list[str] = field(default_factory=list)


def blocks(text: str) -> list[Block]:
    """Plain text to blocks: "## " starts a heading, "- " a list item, a blank line a
    new paragraph; other line breaks are kept inside the paragraph."""
    result: list[Block] = []
    current: Block | None = None
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            current = None
        elif line.startswith("## "):
            result.append(Block("heading", [line[3:].strip()]))
            current = None
        elif line.startswith("- "):
            if current is None or current.kind != "list":
                current = Block("list")
                result.append(current)
            current.lines.append(line[2:].strip())
        else:
            if current is None or current.kind != "paragraph":
                current = Block("paragraph")
                result.append(current)
            current.lines.append(line)
    return result


@dataclass
class Letter:
    visit: Visit
    organisation: Organisation
    kind: str
    language: str
    subject: str
    blocks: list[Block]
    staff_input_url: str

    @property
    def filename_stem(self) -> str:
        prefix = "invitasjon" if self.kind == LetterTemplate.Kind.INVITATION else "plakat"
        return f"{prefix}-{slugify(self.visit.unit.name)}-{self.visit.date:%Y-%m-%d}"

    @property
    def is_poster(self) -> bool:
        return self.kind == LetterTemplate.Kind.POSTER


def build_letter(visit: Visit, kind: str) -> Letter:
    """The visit's letter of ``kind`` in its organisation's language form (two queries)."""
    organisation = visit.organisation
    template = template_for(organisation, kind)
    subject, body = template.fill(letter_values(visit, template.language))
    return Letter(
        visit=visit,
        organisation=organisation,
        kind=kind,
        language=template.language,
        subject=subject,
        blocks=blocks(body),
        staff_input_url=staff_input_url(visit),
    )


# --- HTML and PDF ---------------------------------------------------------------------


def logo_path(organisation: Organisation) -> Path | None:
    if not organisation.logo:
        return None
    try:
        path = Path(organisation.logo.path)
    except NotImplementedError:  # a storage without local files
        return None
    return path if path.is_file() else None


def print_html(letter: Letter) -> str:
    """The print page (A4) for WeasyPrint."""
    logo = logo_path(letter.organisation)
    qr = qr_svg(letter.visit)
    return render_to_string(
        f"planning/documents/{letter.kind}.html",
        {
            "letter": letter,
            "organisation": letter.organisation,
            "logo_url": logo.as_uri() if logo else "",
            "fonts_url": FONTS_DIR.as_uri(),
            "qr": qr,
        },
    )


def _allowed_roots() -> tuple[Path, ...]:
    return (FONTS_DIR.resolve(), Path(settings.MEDIA_ROOT).resolve())


def _fetcher():
    """WeasyPrint may read our fonts and the organisation's logo, nothing else: no
    network, no other files, whatever a template contains."""
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if any(path.is_relative_to(root) for root in _allowed_roots()):
                    return super().fetch(url, headers)
            raise ValueError(f"Visitt does not fetch {url!r} for a PDF")

    return LocalFetcher(allowed_protocols=("file", "data"))


def html_to_pdf(html: str) -> bytes:
    """Renders a print page to a tagged PDF (PDF/UA-1: structure and language for
    screen readers). Takes about a second."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    document = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_fetcher())
    pdf = document.write_pdf(font_config=fonts, pdf_variant="pdf/ua-1")
    assert pdf is not None
    return pdf


def letter_pdf(letter: Letter) -> bytes:
    return html_to_pdf(print_html(letter))


def invitation_pdf(visit: Visit) -> tuple[Letter, bytes]:
    letter = build_letter(visit, LetterTemplate.Kind.INVITATION)
    return letter, letter_pdf(letter)


def poster_pdf(visit: Visit) -> tuple[Letter, bytes]:
    letter = build_letter(visit, LetterTemplate.Kind.POSTER)
    return letter, letter_pdf(letter)


# --- Word -----------------------------------------------------------------------------

DOCX_LANGUAGE = {"nb": "nb-NO", "nn": "nn-NO"}


def docx_a4(section: Any, *, margin_cm: float, landscape: bool = False) -> None:
    """An A4 page (not US Letter), upright or on its side, with the same margin all round."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21)
    else:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(margin_cm))


def docx_setup(
    document: Any, *, language: str, font_size: int, title: str, organisation: Organisation
) -> None:
    """The Word file's language (spelling and hyphenation in ``language``, "nb" or "nn"),
    its body font size and its properties (title, the organisation as author)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    language = DOCX_LANGUAGE.get(language, "nb-NO")
    normal = document.styles["Normal"]
    normal.font.size = Pt(font_size)
    run_properties = normal.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), language)
    run_properties.append(lang)
    properties = document.core_properties
    properties.title = title
    properties.author = organisation.name
    properties.language = language


def docx_letterhead(section: Any, organisation: Organisation, *, logo_cm: float) -> None:
    """The page header: the organisation's logo (when Word can show it) and its name."""
    from docx.shared import Cm

    header = section.header.paragraphs[0]
    logo = logo_path(organisation)
    if logo is not None:
        try:
            header.add_run().add_picture(str(logo), height=Cm(logo_cm))
            header.add_run("  ")
        except Exception:  # a logo Word cannot show (e.g. SVG) is left out
            header = section.header.paragraphs[0]
    header.add_run(organisation.name).bold = True


def letter_docx(letter: Letter) -> bytes:
    """The letter as a Word file the organisation can edit further (Word, LibreOffice)."""
    from docx import Document
    from docx.shared import Cm

    document = Document()
    section = document.sections[0]
    docx_a4(section, margin_cm=2.5)

    # Spelling and hyphenation in the letter's language form.
    docx_setup(
        document,
        language=letter.language,
        font_size=11,
        title=letter.subject,
        organisation=letter.organisation,
    )
    docx_letterhead(section, letter.organisation, logo_cm=1.5)

    document.add_heading(letter.subject, level=1)
    for block in letter.blocks:
        if block.kind == "heading":
            document.add_heading(block.lines[0], level=2)
        elif block.kind == "list":
            for line in block.lines:
                document.add_paragraph(line, style="List Bullet")
        else:
            paragraph = document.add_paragraph()
            for index, line in enumerate(block.lines):
                run = paragraph.add_run(line)
                if index < len(block.lines) - 1:
                    run.add_break()
    # The staff input link as a QR code, as on the printed letter.
    document.add_paragraph().add_run().add_picture(
        io.BytesIO(qr_png(letter.staff_input_url)), width=Cm(3)
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def invitation_docx(visit: Visit) -> tuple[Letter, bytes]:
    letter = build_letter(visit, LetterTemplate.Kind.INVITATION)
    return letter, letter_docx(letter)
