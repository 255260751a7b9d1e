"""series.build without drawing: the same judgement as the drawn chart, for summaries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from visitt.followup.plans import Measure
from visitt.improvement import series
from visitt.improvement.models import MeasurePoint


def falls_after_month_eight() -> tuple[Measure, list[MeasurePoint]]:
    measure = Measure(pk=1, name="Fall per måned", better=Measure.Direction.LOWER)
    values = [9, 8, 9, 10, 9, 8, 9, 10, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2]
    start = date(2025, 1, 1)
    points = [
        MeasurePoint(measure=measure, period=start + relativedelta(months=n), value=Decimal(v))
        for n, v in enumerate(values)
    ]
    return measure, points


def test_undrawn_gives_the_same_verdict_and_words_without_the_chart():
    measure, points = falls_after_month_eight()
    drawn = series.build(measure, points, [], [], [])
    judged = series.build(measure, points, [], [], [], drawn=False)
    assert drawn.verdict == "improvement"
    assert (judged.verdict, judged.words, judged.values) == (
        drawn.verdict,
        drawn.words,
        drawn.values,
    )
    assert drawn.svg and not judged.svg
    assert judged.labels == [] and judged.annotations == []
