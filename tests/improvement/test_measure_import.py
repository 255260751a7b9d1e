"""The CSV import of a measure's points: row-by-row errors, all or nothing, re-import
updates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.improvement.support_measures import make_measure
from visitt.improvement.models import MeasurePoint

pytestmark = pytest.mark.django_db


def upload(client, measure, text: str, encoding="utf-8"):
    file = SimpleUploadedFile("data.csv", text.encode(encoding), content_type="text/csv")
    return client.post(reverse("measure_import", args=[measure.pk]), {"file": file})


def test_import_and_reimport_updates(world, en_client_for):
    _planned, measure = make_measure(world)
    client = en_client_for(world.top_leader)
    response = upload(client, measure, "periode;verdi;kommentar\n2026-01;6;\n01.02.2026;4,5;Ny\n")
    assert response.status_code == 302
    assert MeasurePoint.objects.count() == 2
    assert MeasurePoint.objects.get(period=date(2026, 2, 1)).value == Decimal("4.5")
    assert upload(client, measure, "periode,verdi\n2026-02,3\n2026-03,2\n").status_code == 302
    assert MeasurePoint.objects.count() == 3
    assert MeasurePoint.objects.get(period=date(2026, 2, 1)).value == Decimal(3)


def test_one_wrong_row_imports_nothing_and_every_error_is_named(world, en_client_for):
    _planned, measure = make_measure(world)
    text = "periode;verdi\n2026-01;6\nmars;4\n2026-02;mange\n2026-01;3\n2099-01;1\n"
    response = upload(en_client_for(world.top_leader), measure, text)
    assert response.status_code == 400
    html = response.content.decode()
    for row in (3, 4, 5, 6):
        assert f"Row {row}" in html
    assert not MeasurePoint.objects.exists()


def test_numerator_and_denominator_columns(world, en_client_for):
    _planned, measure = make_measure(world, unit="%")
    text = "periode;teller;nevner\n2026-01;3;6\n"
    assert upload(en_client_for(world.top_leader), measure, text).status_code == 302
    assert MeasurePoint.objects.get().value == Decimal(50)


def test_missing_columns_and_personal_data_are_refused(world, en_client_for):
    _planned, measure = make_measure(world)
    client = en_client_for(world.top_leader)
    assert upload(client, measure, "dato;tall\n2026-01;3\n").status_code == 400
    text = "periode;verdi;kommentar\n2026-01;3;15108695088\n"
    assert upload(client, measure, text).status_code == 400
    assert not MeasurePoint.objects.exists()


def test_the_import_page_is_for_writers_of_this_organisation(world, en_client_for):
    _planned, measure = make_measure(world)
    url = reverse("measure_import", args=[measure.pk])
    assert en_client_for(world.outsider).get(url).status_code == 404
    assert en_client_for(world.top_leader).get(url).status_code == 200
