"""The annual summary's PDF laid out by the task worker ahead of the download: a large
organisation's runs to forty pages, which takes WeasyPrint several seconds."""

from __future__ import annotations

from django.tasks import task

from visitt.organisations.models import Organisation

from . import documents_annual as documents
from .annual import AnnualSummary


@task()
def lay_out_annual_pdf(organisation_id: int, year: int) -> int:
    """Lays out the year's summary as the PDF download would and keeps it in the shared
    cache (documents_annual.annual_pdf), so that the download finds it there. Enqueued
    when a draft's figures are computed and when the summary is reviewed. Returns the
    PDF's size in bytes (0 when the organisation is gone)."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    summary = AnnualSummary.objects.filter(organisation=organisation, year=year).first()
    document = documents.build_for_files(
        summary or AnnualSummary(organisation=organisation, year=year)
    )
    return len(documents.annual_pdf(document))
