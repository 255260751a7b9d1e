"""Statistical process control (Shewhart) charts: P, U and I charts with 3-sigma limits.

- P chart, proportions (numerator out of denominator, e.g. patients with a risk
  assessment): centre p = sum(numerators) / sum(denominators), limits
  p ± 3·sqrt(p(1 - p) / n_i), kept within [0, 1].
- U chart, rates (events per exposure, e.g. falls per 1,000 bed days): centre
  u = sum(numerators) / sum(denominators), limits u ± 3·sqrt(u / n_i), not below 0.
- I chart, individual values without a denominator: centre = mean, limits
  mean ± 2.66 · average moving range (2.66 = 3 / d2, d2 = 1.128 for ranges of two).

The P and U limits vary with each point's denominator: a small month has wider limits.
``baseline=k`` takes the centre (and for the I chart the moving range) from the first k
points that are present, to judge a new phase against the old process.

Pure functions: no database, no request.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

# 3 / d2 for moving ranges of two consecutive points (d2 = 1.128).
I_CHART_FACTOR = 2.66


class ChartKind(StrEnum):
    P = "p"
    U = "u"
    I = "i"  # noqa: E741 - the name of the chart


def chart_kind(has_denominator: bool, proportion: bool) -> ChartKind:
    """P chart for a proportion with a denominator, U chart for a rate with a denominator,
    I chart for values without one."""
    if not has_denominator:
        return ChartKind.I
    return ChartKind.P if proportion else ChartKind.U


@dataclass(frozen=True)
class SPCAnalysis:
    kind: ChartKind
    # What is plotted, one per input point (None where the point is missing): the
    # proportion, the rate (times ``multiplier``) or the value itself.
    values: tuple[float | None, ...]
    centre: float | None  # None when no point is present
    lower: tuple[float | None, ...]  # per point; None where the point is missing
    upper: tuple[float | None, ...]
    outside: tuple[int, ...]  # indexes of the points outside the limits
    baseline_points: int  # how many points the centre was taken from

    @property
    def signal(self) -> bool:
        return bool(self.outside)

    @property
    def above(self) -> tuple[int, ...]:
        return tuple(i for i in self.outside if (u := self.upper[i]) is not None and self._v(i) > u)

    @property
    def below(self) -> tuple[int, ...]:
        return tuple(
            i for i in self.outside if (lo := self.lower[i]) is not None and self._v(i) < lo
        )

    def _v(self, i: int) -> float:
        value = self.values[i]
        assert value is not None
        return value


def _outside(
    values: Sequence[float | None], lower: Sequence[float | None], upper: Sequence[float | None]
) -> tuple[int, ...]:
    return tuple(
        i
        for i, (v, lo, up) in enumerate(zip(values, lower, upper, strict=True))
        if v is not None and lo is not None and up is not None and (v < lo or v > up)
    )


def _ratio_chart(
    kind: ChartKind,
    numerators: Sequence[float | None],
    denominators: Sequence[float | None],
    baseline: int | None,
    multiplier: float,
) -> SPCAnalysis:
    if len(numerators) != len(denominators):
        raise ValueError("numerators and denominators differ in length")
    if baseline is not None and baseline < 1:
        raise ValueError("baseline must be at least 1")
    # A point is present when it has a numerator and a positive denominator.
    present = [
        (i, float(num), float(den))
        for i, (num, den) in enumerate(zip(numerators, denominators, strict=True))
        if num is not None and den is not None and den > 0
    ]
    base = present if baseline is None else present[:baseline]
    total = sum(den for _, _, den in base)
    centre = sum(num for _, num, _ in base) / total if base else None

    values: list[float | None] = [None] * len(numerators)
    lower: list[float | None] = [None] * len(numerators)
    upper: list[float | None] = [None] * len(numerators)
    if centre is not None:
        for i, num, den in present:
            if kind is ChartKind.P:
                sigma = math.sqrt(centre * (1 - centre) / den)
                lower[i] = max(0.0, centre - 3 * sigma) * multiplier
                upper[i] = min(1.0, centre + 3 * sigma) * multiplier
            else:
                sigma = math.sqrt(centre / den)
                lower[i] = max(0.0, centre - 3 * sigma) * multiplier
                upper[i] = (centre + 3 * sigma) * multiplier
            values[i] = num / den * multiplier
    return SPCAnalysis(
        kind=kind,
        values=tuple(values),
        centre=None if centre is None else centre * multiplier,
        lower=tuple(lower),
        upper=tuple(upper),
        outside=_outside(values, lower, upper),
        baseline_points=len(base),
    )


def p_chart(
    numerators: Sequence[float | None],
    denominators: Sequence[float | None],
    *,
    baseline: int | None = None,
    multiplier: float = 1.0,
) -> SPCAnalysis:
    """Proportions; ``multiplier=100`` gives percentages. A point without a numerator or
    with no denominator (None or 0) is missing."""
    return _ratio_chart(ChartKind.P, numerators, denominators, baseline, multiplier)


def u_chart(
    numerators: Sequence[float | None],
    denominators: Sequence[float | None],
    *,
    baseline: int | None = None,
    multiplier: float = 1.0,
) -> SPCAnalysis:
    """Rates; ``multiplier=1000`` gives e.g. falls per 1,000 bed days."""
    return _ratio_chart(ChartKind.U, numerators, denominators, baseline, multiplier)


def i_chart(values: Sequence[float | None], *, baseline: int | None = None) -> SPCAnalysis:
    """Individual values. Moving ranges are taken between consecutive present values.
    The limits are not clipped: a measure that cannot go below zero may show a negative
    lower limit, as in the textbooks."""
    if baseline is not None and baseline < 1:
        raise ValueError("baseline must be at least 1")
    present = [(i, float(v)) for i, v in enumerate(values) if v is not None]
    base = [v for _, v in (present if baseline is None else present[:baseline])]
    centre = statistics.fmean(base) if base else None
    ranges = [abs(b - a) for a, b in pairwise(base)]
    spread = I_CHART_FACTOR * statistics.fmean(ranges) if ranges else 0.0

    plotted: list[float | None] = [None] * len(values)
    lower: list[float | None] = [None] * len(values)
    upper: list[float | None] = [None] * len(values)
    if centre is not None:
        for i, v in present:
            plotted[i] = v
            lower[i] = centre - spread
            upper[i] = centre + spread
    return SPCAnalysis(
        kind=ChartKind.I,
        values=tuple(plotted),
        centre=centre,
        lower=tuple(lower),
        upper=tuple(upper),
        outside=_outside(plotted, lower, upper),
        baseline_points=len(base),
    )


def spc(
    kind: ChartKind,
    values: Sequence[float | None],
    denominators: Sequence[float | None] | None = None,
    *,
    baseline: int | None = None,
    multiplier: float = 1.0,
) -> SPCAnalysis:
    """The chart of ``kind``: ``values`` are the numerators for P and U charts (with
    ``denominators``), the values themselves for an I chart (``multiplier`` is ignored)."""
    if kind is ChartKind.I:
        return i_chart(values, baseline=baseline)
    if denominators is None:
        raise ValueError(f"a {kind.value.upper()} chart needs denominators")
    chart = p_chart if kind is ChartKind.P else u_chart
    return chart(values, denominators, baseline=baseline, multiplier=multiplier)
