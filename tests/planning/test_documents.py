"""The invitation and the poster as PDF and Word files, read back with pypdf and
python-docx (visitt.planning.documents, views_documents)."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from datetime import date, time

import docx
import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.conftest import World
from visitt.organisations.models import Membership
from visitt.planning import documents
from visitt.planning.letters import LetterTemplate, template_for
from visitt.planning.preparation import staff_input_url
from visitt.planning.visits import Visit

DASH = "\u2013"  # Norwegian typography: an en dash between the times


def make_visit(world: World, **extra) -> Visit:
    values = {
        "organisation": world.org,
        "unit": world.unit,
        "date": date(2026, 11, 23),
        "start_time": time(10, 0),
        "place": "Personalrommet",
        "visit_leader": world.top_leader,
        "coordinator": world.coordinator,
        "secretary": world.secretary,
        "unit_leader": world.unit_leader,
        "contact_name": "Kari Kontakt",
        "contact_email": "kontakt@test.no",
        "created_by": world.coordinator,
    }
    values.update(extra)
    return Visit.objects.create(**values)


def make_nynorsk_visit(world: World) -> Visit:
    return Visit.objects.create(
        organisation=world.other_org,
        unit=world.other_unit,
        date=date(2026, 11, 23),
        start_time=time(10, 0),
        place="Pauserommet",
        visit_leader=world.outsider,
        contact_email="kontakt@annan.no",
        created_by=world.outsider,
    )


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    parts += [p.text for p in document.sections[0].header.paragraphs]
    return " ".join(" ".join(parts).split())


@pytest.fixture
def visit(world):
    Membership.objects.filter(user=world.top_leader).update(title="kommunaldirektør")
    return make_visit(world)


# --- The invitation -------------------------------------------------------------------


def test_the_invitation_pdf_names_the_unit_the_date_the_time_and_the_visit_leader(
    world, visit, client_for
):
    response = client_for(world.coordinator).get(reverse("visit_invitation_pdf", args=[visit.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "invitasjon-solbakken-sykehjem-2026-11-23.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Solbakken sykehjem" in text
    assert "mandag 23. november 2026" in text
    assert f"10.00{DASH}11.00" in text
    assert "Tone Toppleder, kommunaldirektør" in text
    assert "Testkommune" in text
    assert "Personalrommet" in text
    assert "Basert på mal fra Helsedirektoratet / I trygge hender 24-7" in text


def test_the_invitation_docx_names_the_unit_the_date_the_time_and_the_visit_leader(
    world, visit, client_for
):
    response = client_for(world.coordinator).get(reverse("visit_invitation_docx", args=[visit.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    text = docx_text(response.content)
    assert "Invitasjon til pasient- og brukersikkerhetsvisitt på Solbakken sykehjem" in text
    assert "mandag 23. november 2026" in text
    assert f"10.00{DASH}11.00" in text
    assert "Tone Toppleder, kommunaldirektør" in text
    assert "Tone Toppleder (kommunaldirektør), Kari Koordinator og Siri Sekretær" in text
    assert "Kari Koordinator (koordinator@test.no)" in text  # whom to contact


def test_the_word_file_is_a4_with_headings_lists_and_the_letters_language(world, visit):
    _letter, content = documents.invitation_docx(visit)
    document = docx.Document(io.BytesIO(content))

    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    styles = [p.style.name for p in document.paragraphs]
    assert styles[0] == "Heading 1"
    assert "Heading 2" in styles
    assert styles.count("List Bullet") >= 8
    assert document.core_properties.language == "nb-NO"
    assert document.core_properties.title.startswith("Invitasjon til pasient-")


@pytest.mark.skipif(not shutil.which("libreoffice"), reason="LibreOffice is not installed")
def test_the_word_file_opens_in_libreoffice(world, visit, tmp_path):
    _letter, content = documents.invitation_docx(visit)
    source = tmp_path / "invitasjon.docx"
    source.write_bytes(content)

    subprocess.run(
        ["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), source],
        check=True,
        capture_output=True,
        timeout=120,
    )

    assert "Solbakken sykehjem" in pdf_text((tmp_path / "invitasjon.pdf").read_bytes())


def test_a_nynorsk_organisation_gets_the_nynorsk_letter(world, client_for):
    visit = make_nynorsk_visit(world)

    pdf = client_for(world.outsider).get(reverse("visit_invitation_pdf", args=[visit.pk]))
    word = client_for(world.outsider).get(reverse("visit_invitation_docx", args=[visit.pk]))

    for text in (pdf_text(pdf.content), docx_text(word.content)):
        assert "Invitasjon til pasient- og brukarsikkerheitsvisitt på Hemmeleg eining" in text
        assert "måndag 23. november 2026" in text
        assert "Basert på mal frå Helsedirektoratet" in text
        assert "brukersikkerhetsvisitt" not in text


def test_the_organisations_edited_template_is_used(world, visit):
    template = template_for(world.org, LetterTemplate.Kind.INVITATION)
    template.save_text(subject="Besøk på {unit}", body="Vi kommer {date}.", version=1)

    letter, content = documents.invitation_pdf(visit)

    assert letter.subject == "Besøk på Solbakken sykehjem"
    assert "Vi kommer mandag 23. november 2026." in pdf_text(content)


def test_the_pdf_is_tagged_with_its_language_and_title(world, visit):
    _letter, content = documents.invitation_pdf(visit)
    reader = pypdf.PdfReader(io.BytesIO(content))

    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "nb"
    assert root["/MarkInfo"]["/Marked"]
    assert reader.metadata.title.startswith("Invitasjon til pasient- og brukersikkerhetsvisitt")
    assert reader.metadata.author == "Testkommune"
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width) / 72 * 25.4), round(float(height) / 72 * 25.4)) == (210, 297)


def media_files(word: bytes) -> list[str]:
    return [n for n in zipfile.ZipFile(io.BytesIO(word)).namelist() if n.startswith("word/media/")]


def test_the_logo_is_printed_on_the_letter(world, visit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _letter, without_logo = documents.invitation_docx(visit)
    assert len(media_files(without_logo)) == 1  # the QR code
    image = io.BytesIO()
    Image.new("RGB", (120, 40), "navy").save(image, format="PNG")
    world.org.logo = SimpleUploadedFile("logo.png", image.getvalue(), content_type="image/png")
    world.org.save()
    visit.refresh_from_db()

    _letter, pdf = documents.invitation_pdf(visit)
    _letter, word = documents.invitation_docx(visit)

    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    assert len(page.images) == 1
    assert len(media_files(word)) == 2  # the logo and the QR code


def test_pdfs_never_fetch_anything_but_fonts_and_uploads(settings, tmp_path):
    fetcher = documents._fetcher()

    for url in (
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/logo.png",
        "file:///etc/passwd",
        f"file://{settings.BASE_DIR}/visitt/settings.py",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    font = documents.FONTS_DIR / "inter-latin-400-normal.woff2"
    assert fetcher.fetch(font.as_uri()).url.endswith("inter-latin-400-normal.woff2")


# --- The poster -----------------------------------------------------------------------


def test_the_poster_tells_the_staff_the_purpose_the_rules_and_where_to_send_examples(
    world, visit, client_for
):
    response = client_for(world.coordinator).get(reverse("visit_poster_pdf", args=[visit.pk]))

    assert response.status_code == 200
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1  # one A4 sheet for the notice board
    text = pdf_text(response.content)
    assert "Pasient- og brukersikkerhetsvisitt på Solbakken sykehjem" in text
    assert f"mandag 23. november 2026 kl. 10.00{DASH}11.00" in text
    assert "Sted: Personalrommet" in text
    assert "konfidensielt" in text
    assert "systemer og rutiner, ikke om enkeltpersoner" in text
    assert "Ingen blir beskyldt" in text
    link = staff_input_url(visit)
    assert visit.staff_input_token in link
    assert link in text.replace(" ", "")


def test_the_poster_carries_a_qr_code_of_the_staff_input_link(world, visit):
    letter = documents.build_letter(visit, LetterTemplate.Kind.POSTER)

    html = documents.print_html(letter)

    assert '<svg class="qr" role="img"' in html
    assert f'aria-label="{staff_input_url(visit)}"' in html


# --- Who may see the documents ------------------------------------------------------------

DOCUMENT_URLS = [
    "visit_invitation_preview",
    "visit_invitation_pdf",
    "visit_invitation_docx",
    "visit_poster_pdf",
    "visit_ics",
]


@pytest.mark.parametrize("name", DOCUMENT_URLS)
def test_the_secretary_may_see_the_visits_documents(name, world, visit, client_for):
    assert client_for(world.secretary).get(reverse(name, args=[visit.pk])).status_code == 200


@pytest.mark.parametrize("name", DOCUMENT_URLS)
def test_the_unit_leader_gets_403(name, world, visit, client_for):
    assert client_for(world.unit_leader).get(reverse(name, args=[visit.pk])).status_code == 403


@pytest.mark.parametrize("name", DOCUMENT_URLS)
def test_user_of_another_organisation_gets_404(name, world, visit, client_for):
    assert client_for(world.outsider).get(reverse(name, args=[visit.pk])).status_code == 404


@pytest.mark.parametrize("name", DOCUMENT_URLS)
def test_an_anonymous_visitor_is_sent_to_sign_in(name, world, visit, client):
    response = client.get(reverse(name, args=[visit.pk]))
    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]


# --- Dates, times and fields ------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "language", "expected"),
    [
        (date(2026, 11, 23), "nb", "mandag 23. november 2026"),
        (date(2026, 11, 24), "nn", "tysdag 24. november 2026"),
        (date(2027, 5, 1), "nb", "lørdag 1. mai 2027"),
        (date(2027, 5, 2), "nn", "sundag 2. mai 2027"),
    ],
)
def test_dates_are_written_the_norwegian_way(day, language, expected):
    assert documents.long_date(day, language) == expected


def test_a_visit_without_place_or_coordinator_still_fills_every_field(world):
    visit = make_visit(world, place="", coordinator=None, secretary=None, duration_minutes=90)

    values = documents.letter_values(visit, "nb")

    assert values["place"] == "Solbakken sykehjem"
    assert values["time"] == f"10.00{DASH}11.30"
    assert values["leaders"] == "Tone Toppleder"
    assert values["contact"] == "Tone Toppleder (toppleder@test.no)"


def test_filling_in_costs_two_queries(world, visit, django_assert_num_queries):
    template_for(world.org, LetterTemplate.Kind.INVITATION)
    visit = Visit.objects.with_team().select_related("organisation").get(pk=visit.pk)

    with django_assert_num_queries(2):  # the template, the team's job titles
        documents.build_letter(visit, LetterTemplate.Kind.INVITATION)


def test_text_becomes_headings_lists_and_paragraphs():
    result = documents.blocks("Hei\nder\n\n## Tittel\n- en\n- to\nEtter\n\n\nSlutt")

    assert [(b.kind, b.lines) for b in result] == [
        ("paragraph", ["Hei", "der"]),
        ("heading", ["Tittel"]),
        ("list", ["en", "to"]),
        ("paragraph", ["Etter"]),
        ("paragraph", ["Slutt"]),
    ]
