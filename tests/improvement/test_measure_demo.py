"""The demo's measure data: a shift signal on pressure sores, a P chart on the
medication lists, one adopted PDSA cycle; made once."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from visitt.accounts.models import User
from visitt.followup.plans import Measure
from visitt.improvement.models import MeasurePoint, PdsaCycle
from visitt.organisations.demo import seed_demo

DAY = date(2026, 11, 23)


@pytest.fixture
def demo(db):
    with time_machine.travel(DAY, tick=False):
        seed_demo(DAY)


def test_the_demo_has_data_and_a_signal(demo, en_client_for):
    sores = Measure.objects.get(name="Antall nye trykksår per måned")
    assert MeasurePoint.objects.filter(measure=sores).count() == 18
    assert PdsaCycle.objects.filter(decision="adopt").count() == 1
    leader = User.objects.get(email="toppleder@demo.visitt.no")
    with time_machine.travel(DAY, tick=False):
        html = en_client_for(leader).get(reverse("measure_detail", args=[sores.pk]))
    assert 'data-verdict="improvement"' in html.content.decode()


def test_the_demo_is_made_once(demo):
    before = MeasurePoint.objects.count(), PdsaCycle.objects.count()
    with time_machine.travel(DAY, tick=False):
        seed_demo(DAY)
    assert (MeasurePoint.objects.count(), PdsaCycle.objects.count()) == before
