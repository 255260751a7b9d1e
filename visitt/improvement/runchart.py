"""Run-chart analysis with the Anhøj rules (Anhøj & Olesen 2014, PLoS ONE 9(11): e113825).

A run chart shows the points of a measure over time around their median. Random variation
crosses the median often and seldom stays long on one side; the two Anhøj rules flag
what is unlikely to be chance:

- an unusually long run: longest run > round(log2(n) + 3);
- unusually few crossings: crossings < the 5th percentile of Binomial(n - 1, 0.5)
  (R's ``qbinom(0.05, n - 1, 0.5)``, as qicharts2 computes it).

n is the number of useful observations: points that are not missing and not on the
median. Points on the median neither break a run nor add to it, and they are not crossings.

Pure functions: no database, no request. The pages and the reports call ``analyse``.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Literal

from django.utils.translation import gettext, ngettext

Direction = Literal["up", "down"]
Side = Literal["above", "below"]

# Anhøj's tables start at ten useful observations; below that the rules say little.
ENOUGH_DATA = 10


@dataclass(frozen=True)
class RunChartAnalysis:
    median: float | None  # None when there are no values at all
    useful_observations: int  # n: values that are neither missing nor on the median
    longest_run: int
    longest_run_limit: int
    crossings: int
    crossings_limit: int
    shift_signal: bool
    crossings_signal: bool
    signal: bool
    # Where the longest run lies; None when there are no useful points.
    longest_run_side: Side | None
    # When the shift signal fires, which way the process moved: towards the side of the
    # longest run, except when that run opens the series and the points after it are on
    # the other side (then the level moved away from it). None without a shift signal.
    direction: Direction | None
    enough_data: bool  # n >= 10
    # How many values the median was taken from (the baseline, or all values).
    baseline_points: int
    # Indexes into the original values of the first and last point of the longest run,
    # so a chart can mark it; None when there is no run.
    longest_run_start: int | None
    longest_run_end: int | None


@cache
def longest_run_limit(n: int) -> int:
    """round(log2(n) + 3); log2(n) + 3 is never exactly x.5 for whole n, so how Python
    rounds halves does not matter."""
    if n < 1:
        return 0
    return round(math.log2(n) + 3)


@cache
def crossings_limit(n: int) -> int:
    """The smallest c with P(X <= c) >= 0.05 for X ~ Binomial(n - 1, 0.5), computed exactly.

    Fewer crossings than this is a signal."""
    if n < 2:
        return 0
    trials = n - 1
    total = 2**trials
    # P(X <= c) >= 1/20  <=>  20 * sum(comb) >= 2**trials, all in whole numbers.
    cumulative = 0
    for c in range(trials + 1):
        cumulative += math.comb(trials, c)
        if 20 * cumulative >= total:
            return c
    return trials  # not reached: the sum ends at 2**trials


def analyse(values: Sequence[float | None], *, baseline: int | None = None) -> RunChartAnalysis:
    """Anhøj analysis of ``values`` in time order; ``None`` is a missing value and is skipped.

    ``baseline=k`` takes the median from the first k values that are present (a frozen
    baseline: a new phase is judged against the median from before the change); the runs
    and crossings are counted over all the values. ``None`` or a k beyond the data uses
    all values."""
    present = [(i, float(v)) for i, v in enumerate(values) if v is not None]
    if baseline is not None and baseline < 1:
        raise ValueError("baseline must be at least 1")
    base = present if baseline is None else present[:baseline]
    median = statistics.median(v for _, v in base) if base else None

    # Sides of the useful points: +1 above, -1 below the median.
    sides = (
        [] if median is None else [(i, 1 if v > median else -1) for i, v in present if v != median]
    )
    n = len(sides)

    crossings = sum(1 for a, b in pairwise(sides) if a[1] != b[1])

    longest = 0
    run_start = run_end = None
    run_side = 0
    start = 0
    for k in range(n):
        if k > 0 and sides[k][1] != sides[k - 1][1]:
            start = k
        length = k - start + 1
        # ">=": of runs equally long, the latest wins (it says most about the present).
        if length >= longest:
            longest = length
            run_start, run_end = sides[start][0], sides[k][0]
            run_side = sides[k][1]

    run_limit = longest_run_limit(n)
    cross_limit = crossings_limit(n)
    shift = longest > run_limit
    few_crossings = crossings < cross_limit
    side: Side | None = None if run_start is None else ("above" if run_side > 0 else "below")
    direction: Direction | None = None
    if shift:
        moved_away = run_start == sides[0][0] and run_end != sides[-1][0]
        direction = "up" if (run_side > 0) != moved_away else "down"
    return RunChartAnalysis(
        median=median,
        useful_observations=n,
        longest_run=longest,
        longest_run_limit=run_limit,
        crossings=crossings,
        crossings_limit=cross_limit,
        shift_signal=shift,
        crossings_signal=few_crossings,
        signal=shift or few_crossings,
        longest_run_side=side,
        direction=direction,
        enough_data=n >= ENOUGH_DATA,
        baseline_points=len(base),
        longest_run_start=run_start,
        longest_run_end=run_end,
    )


def describe(analysis: RunChartAnalysis, better: str) -> str:
    """The analysis in one or two plain sentences for the page, the PDF and screen readers.

    ``better`` is the measure's better direction, "higher" or "lower" (Measure.Direction)."""
    if not analysis.enough_data:
        return gettext(
            "Too few data points to judge the variation: the run chart rules need at least "
            "%(needed)d points that are not on the median (there are %(n)d)."
        ) % {"needed": ENOUGH_DATA, "n": analysis.useful_observations}
    if not analysis.signal:
        return gettext(
            "No signal of non-random variation: the points vary around the median as chance "
            "would have it."
        )
    if analysis.shift_signal:
        reason = gettext(
            "%(run)d points in a row on the same side of the median (more than %(limit)d)."
        ) % {"run": analysis.longest_run, "limit": analysis.longest_run_limit}
    else:
        reason = ngettext(
            "The points cross the median only %(crossings)d time (fewer than %(limit)d).",
            "The points cross the median only %(crossings)d times (fewer than %(limit)d).",
            analysis.crossings,
        ) % {"crossings": analysis.crossings, "limit": analysis.crossings_limit}
    if analysis.direction is None:
        return " ".join(
            [gettext("Signal of non-random variation, without a clear direction."), reason]
        )
    improved = (analysis.direction == "up") == (better == "higher")
    if analysis.direction == "up":
        headline = (
            gettext("Signal of non-random variation: the values have gone up, an improvement.")
            if improved
            else gettext(
                "Signal of non-random variation: the values have gone up, a deterioration."
            )
        )
    else:
        headline = (
            gettext("Signal of non-random variation: the values have gone down, an improvement.")
            if improved
            else gettext(
                "Signal of non-random variation: the values have gone down, a deterioration."
            )
        )
    return " ".join([headline, reason])
