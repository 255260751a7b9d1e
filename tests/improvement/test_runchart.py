"""The Anhøj run-chart analysis: worked examples by hand, the limits against the formula
for every n from 10 to 100, and random series against a naive implementation."""

from __future__ import annotations

import math
import random
import statistics
from fractions import Fraction
from itertools import groupby

import pytest
from django.utils import translation

from visitt.improvement.runchart import analyse, crossings_limit, describe, longest_run_limit

# Anhøj & Olesen (2014), Table 1: n -> (longest run limit, crossings limit).
PUBLISHED = {10: (6, 2), 20: (7, 6), 30: (8, 10), 50: (9, 19), 100: (10, 41)}


def test_ten_rising_points_cross_the_median_only_once():
    # Median of 1..10 is 5.5: five points below, then five above. One crossing, fewer
    # than the limit of 2 for n = 10; the longest run, 5, is within the limit of 6.
    result = analyse([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    assert result.median == 5.5
    assert result.useful_observations == 10
    assert (result.longest_run, result.longest_run_limit) == (5, 6)
    assert (result.crossings, result.crossings_limit) == (1, 2)
    assert not result.shift_signal
    assert result.crossings_signal
    assert result.signal
    assert result.enough_data
    # Two runs of five: the later one (above) is the longest run.
    assert result.longest_run_side == "above"
    assert (result.longest_run_start, result.longest_run_end) == (5, 9)
    assert result.direction is None  # no shift signal, so no direction


def test_points_on_the_median_neither_break_a_run_nor_count():
    # Sorted: 1 1 1 1 1 5 5 5 5 9 9 9 9, the 7th of 13 is 5. The four 5s are not useful:
    # n = 9. Sides: + + + + (over two 5s) then - - - - - (over one 5): runs 4 and 5, one
    # crossing. n = 9: run limit round(log2 9 + 3) = round(6.17) = 6; crossings limit:
    # P(X <= 1) = 9/256 < 0.05 <= P(X <= 2) = 37/256, so 2.
    values = [5, 9, 5, 9, 9, 5, 9, 1, 1, 1, 1, 5, 1]
    result = analyse(values)
    assert result.median == 5
    assert result.useful_observations == 9
    assert result.longest_run == 5
    assert (result.longest_run_start, result.longest_run_end) == (7, 12)
    assert result.longest_run_side == "below"
    assert result.crossings == 1
    assert (result.longest_run_limit, result.crossings_limit) == (6, 2)
    assert result.crossings_signal and not result.shift_signal
    assert not result.enough_data


def test_alternating_points_with_ties_show_no_signal():
    # Sorted: 1 1 2 3 3 3 3 3 4 5 5 6, median (3 + 3) / 2 = 3. Useful: 1 5 2 4 6 1 5,
    # sides - + - + + - +: five crossings, longest run 2.
    result = analyse([3, 1, 3, 5, 3, 2, 4, 3, 6, 1, 5, 3])
    assert result.median == 3
    assert result.useful_observations == 7
    assert result.crossings == 5
    assert result.longest_run == 2
    assert (result.longest_run_limit, result.crossings_limit) == (6, 1)
    assert not result.signal


def test_a_frozen_baseline_judges_the_new_phase_and_skips_missing_values():
    # Baseline: the first six values 5 6 4 5 6 4, median 5 (the 5s are on it). After the
    # change eight 3s, with a missing month in between. Useful: 6 4 6 4 and eight 3s,
    # n = 12; sides + - + - then - x 8: three crossings, longest run 9 (the last 4 and the
    # eight 3s). n = 12: run limit round(6.58) = 7, crossings limit 3 (P(X <= 2) = 67/2048,
    # P(X <= 3) = 299/2048). 9 > 7: a shift, downwards.
    values = [5, 6, 4, 5, 6, 4, 3, 3, None, 3, 3, 3, 3, 3, 3]
    result = analyse(values, baseline=6)
    assert result.median == 5
    assert result.baseline_points == 6
    assert result.useful_observations == 12
    assert result.crossings == 3
    assert result.longest_run == 9
    assert (result.longest_run_start, result.longest_run_end) == (5, 14)
    assert (result.longest_run_limit, result.crossings_limit) == (7, 3)
    assert result.shift_signal and not result.crossings_signal
    assert result.direction == "down"
    # Without the baseline the median of all fourteen values is 3 (eight of them are 3),
    # so the new phase sits on the median and says nothing: what a frozen baseline is for.
    whole = analyse(values)
    assert whole.median == 3
    assert whole.useful_observations == 6
    assert not whole.shift_signal


def test_missing_values_are_skipped_not_counted():
    with_gaps = analyse([None, 1, 2, None, 3, 4, None, 5, 6, 7, 8, 9, 10, None])
    assert with_gaps.useful_observations == 10
    plain = analyse([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    for field in ("median", "crossings", "longest_run", "signal"):
        assert getattr(with_gaps, field) == getattr(plain, field)
    # The run indexes point into the values as given, gaps included.
    assert (with_gaps.longest_run_start, with_gaps.longest_run_end) == (8, 12)


def test_a_long_run_at_the_start_means_the_level_moved_away_from_it():
    # Sorted: 1..10 then 20..30; the 11th of 21 is 20, on the median. Useful: 21..29 above
    # (9 in a row, from the first useful point), 1 2 3 below, 30 above, 4..10 below: n =
    # 20, three crossings. The process went down: an opening run above that ends before
    # the last point means the later values sit below.
    values = [20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 1, 2, 3, 30, 4, 5, 6, 7, 8, 9, 10]
    result = analyse(values)
    assert result.median == 20
    assert result.useful_observations == 20
    assert result.longest_run == 9
    assert result.longest_run_side == "above"
    assert result.crossings == 3
    assert result.shift_signal and result.crossings_signal
    assert result.direction == "down"


def test_no_values_give_an_empty_analysis():
    result = analyse([None, None])
    assert result.median is None
    assert result.useful_observations == 0
    assert not result.signal
    assert result.longest_run_side is None


def test_a_baseline_must_hold_a_point():
    with pytest.raises(ValueError):
        analyse([1, 2, 3], baseline=0)


def test_the_published_table_of_limits():
    for n, (run_limit, cross_limit) in PUBLISHED.items():
        assert (longest_run_limit(n), crossings_limit(n)) == (run_limit, cross_limit), n


def _expected_crossings_limit(n: int) -> int:
    """qbinom(0.05, n - 1, 0.5) by summing the probabilities one by one as fractions."""
    trials = n - 1
    probability = Fraction(1, 2**trials)  # P(X = 0)
    cumulative = Fraction(0)
    for c in range(trials + 1):
        cumulative += probability
        if cumulative >= Fraction(5, 100):
            return c
        probability = probability * (trials - c) / (c + 1)
    raise AssertionError("unreachable")


@pytest.mark.parametrize("n", range(10, 101))
def test_the_limits_follow_the_formula(n):
    expected_run = math.floor(math.log(n, 2) + 3 + 0.5)  # round half up; never a half here
    assert longest_run_limit(n) == expected_run
    assert crossings_limit(n) == _expected_crossings_limit(n)
    # And analyse uses them for a series with n useful points.
    values = [float(i % 2) for i in range(n)]  # 0 1 0 1 ...: median 0.5 for even n
    if n % 2 == 0:
        result = analyse(values)
        assert result.useful_observations == n
        assert result.longest_run_limit == expected_run
        assert result.crossings_limit == _expected_crossings_limit(n)
        assert result.crossings == n - 1
        assert not result.signal


def _naive(values, baseline=None):
    present = [v for v in values if v is not None]
    base = present if baseline is None else present[:baseline]
    median = statistics.median(base)
    signs = ["+" if v > median else "-" for v in present if v != median]
    n = len(signs)
    crossings = sum(1 for k in range(1, n) if signs[k] != signs[k - 1])
    longest = max((len(list(group)) for _, group in groupby(signs)), default=0)
    run_limit = round(math.log2(n) + 3) if n else 0
    cross_limit = _expected_crossings_limit(n) if n > 1 else 0
    return median, n, longest, crossings, longest > run_limit or crossings < cross_limit


def test_random_series_agree_with_a_naive_implementation():
    rng = random.Random(20141117)
    for _ in range(300):
        length = rng.randint(10, 60)
        # Small whole numbers make ties on the median common; some values missing; some
        # series drift so that signals happen.
        drift = rng.choice([0, 0, 0.1, -0.1])
        values = [
            None if rng.random() < 0.1 else float(round(rng.gauss(5 + drift * i, 1.5)))
            for i in range(length)
        ]
        if sum(v is not None for v in values) < 2:
            continue
        baseline = rng.choice([None, None, rng.randint(1, length)])
        result = analyse(values, baseline=baseline)
        median, n, longest, crossings, signal = _naive(values, baseline)
        assert result.median == median
        assert result.useful_observations == n
        assert result.longest_run == longest
        assert result.crossings == crossings
        assert result.signal == signal


def test_describe_says_improvement_or_deterioration_by_the_better_direction():
    values = [5, 6, 4, 5, 6, 4, 3, 3, None, 3, 3, 3, 3, 3, 3]
    result = analyse(values, baseline=6)
    with translation.override("en"):
        lower = describe(result, "lower")
        higher = describe(result, "higher")
    assert "gone down, an improvement" in lower
    assert "9 points in a row" in lower
    assert "gone down, a deterioration" in higher


def test_describe_says_when_there_is_no_signal_or_too_few_points():
    with translation.override("en"):
        assert describe(analyse([3, 1, 3, 5, 3, 2, 4, 3, 6, 1, 5, 3]), "higher").startswith(
            "Too few data points"
        )
        calm = analyse([1, 3, 2, 4, 1, 3, 2, 4, 1, 3, 2, 4])
        assert calm.enough_data and not calm.signal
        assert describe(calm, "higher").startswith("No signal")
        rising = describe(analyse([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), "higher")
        assert "cross the median only 1 time " in rising
        assert "without a clear direction" in rising
