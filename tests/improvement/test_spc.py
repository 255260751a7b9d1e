"""P, U and I chart limits on small examples worked by hand."""

from __future__ import annotations

import pytest

from visitt.improvement.spc import ChartKind, chart_kind, i_chart, p_chart, spc, u_chart


def approx(values):
    return [None if v is None else pytest.approx(v, abs=1e-4) for v in values]


def test_the_chart_follows_the_kind_of_measure():
    assert chart_kind(has_denominator=True, proportion=True) is ChartKind.P
    assert chart_kind(has_denominator=True, proportion=False) is ChartKind.U
    assert chart_kind(has_denominator=False, proportion=True) is ChartKind.I
    assert chart_kind(has_denominator=False, proportion=False) is ChartKind.I


def test_p_chart_limits_vary_with_the_denominator():
    # p = (2 + 5 + 3 + 9) / (10 + 20 + 10 + 10) = 19/50 = 0.38.
    # n = 10: 3 * sqrt(0.38 * 0.62 / 10) = 3 * 0.153493 = 0.460478 -> [0 (clipped), 0.840478]
    # n = 20: 3 * sqrt(0.38 * 0.62 / 20) = 3 * 0.108536 = 0.325609 -> [0.054391, 0.705609]
    # 9/10 = 0.9 is above 0.840478.
    result = p_chart([2, 5, 3, 9], [10, 20, 10, 10])
    assert result.kind is ChartKind.P
    assert result.centre == pytest.approx(0.38)
    assert result.values == tuple(approx([0.2, 0.25, 0.3, 0.9]))
    assert list(result.upper) == approx([0.840478, 0.705609, 0.840478, 0.840478])
    assert list(result.lower) == approx([0.0, 0.054391, 0.0, 0.0])
    assert result.outside == (3,)
    assert result.above == (3,)
    assert result.below == ()
    assert result.signal


def test_p_chart_upper_limit_stays_at_one_and_percentages_scale():
    # p = 9/10 = 0.9; n = 2: 3 * sqrt(0.09 / 2) = 0.636396 -> upper 1.536 clipped to 1.
    result = p_chart([2, 7], [2, 8], multiplier=100)
    assert result.centre == pytest.approx(90)
    assert list(result.upper) == approx([100, 100])
    assert list(result.lower) == approx([26.3604, 58.1802])  # 0.9 - 3*sqrt(0.09/8) = 0.581802


def test_p_chart_skips_missing_points_and_empty_denominators():
    result = p_chart([2, None, 3, 4], [10, 10, 0, 10])
    assert result.centre == pytest.approx(0.3)  # (2 + 4) / 20
    assert result.values[1] is None and result.values[2] is None
    assert result.upper[1] is None and result.lower[2] is None


def test_u_chart_limits_with_a_rate_per_thousand():
    # u = (1 + 1 + 25) / 300 = 0.09; n = 100: 3 * sqrt(0.09 / 100) = 0.09 -> [0, 0.18].
    # Per 1,000: centre 90, limits [0, 180], points 10, 10 and 250 (above).
    result = u_chart([1, 1, 25], [100, 100, 100], multiplier=1000)
    assert result.kind is ChartKind.U
    assert result.centre == pytest.approx(90)
    assert list(result.values) == approx([10, 10, 250])
    assert list(result.upper) == approx([180, 180, 180])
    assert list(result.lower) == approx([0, 0, 0])
    assert result.outside == (2,)


def test_u_chart_lower_limit_is_clipped_at_zero_but_not_the_upper():
    # u = (4 + 2) / 150 = 0.04; n = 50: 3 * sqrt(0.04 / 50) = 0.084853 -> [0, 0.124853].
    # n = 100: 3 * sqrt(0.0004) = 0.06 -> [0, 0.1].
    result = u_chart([4, 2], [100, 50])
    assert list(result.upper) == approx([0.1, 0.124853])
    assert list(result.lower) == approx([0, 0])
    assert result.outside == ()


def test_i_chart_uses_the_average_moving_range():
    # Mean 78/5 = 15.6; moving ranges 2 1 4 15, average 5.5; 2.66 * 5.5 = 14.63.
    result = i_chart([10, 12, 11, 15, 30])
    assert result.centre == pytest.approx(15.6)
    assert list(result.upper) == approx([30.23] * 5)
    assert list(result.lower) == approx([0.97] * 5)
    assert result.outside == ()


def test_i_chart_with_a_baseline_flags_the_new_phase():
    # Baseline 10 12 11 15: mean 12, moving ranges 2 1 4, average 7/3;
    # 2.66 * 7/3 = 6.206667 -> [5.793333, 18.206667]. 30 is above.
    result = i_chart([10, 12, None, 11, 15, 30], baseline=4)
    assert result.centre == pytest.approx(12)
    assert result.baseline_points == 4
    assert result.upper[0] == pytest.approx(18.206667)
    assert result.lower[0] == pytest.approx(5.793333)
    assert result.values[2] is None and result.upper[2] is None
    assert result.outside == (5,)
    assert result.above == (5,)


def test_spc_dispatches_on_the_kind():
    assert spc(ChartKind.I, [1, 2, 3]).centre == pytest.approx(2)
    assert spc(ChartKind.P, [1, 1], [2, 2]).centre == pytest.approx(0.5)
    assert spc(ChartKind.U, [1, 3], [2, 2], multiplier=10).centre == pytest.approx(10)
    with pytest.raises(ValueError):
        spc(ChartKind.U, [1, 3])


def test_no_points_give_no_centre():
    result = p_chart([None], [None])
    assert result.centre is None
    assert result.outside == ()
    assert i_chart([]).centre is None
