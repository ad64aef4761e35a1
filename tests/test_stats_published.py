"""Tests of stats.consistent_counts and stats.implied_sample_size (reproducing published tables)."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from mixedmig.errors import InputError
from mixedmig.stats import consistent_counts, implied_sample_size

# ----------------------------------------------------------------------------- stage_pathways

def test_consistent_counts_golden_kiss_2015():
    # "222 (22%) of 983": 222/987 = 22.49% -> 22, 222/986 = 22.52% -> 23;
    # 222/1032 = 21.51% -> 22, 222/1033 = 21.49% -> 21.
    assert consistent_counts(22, 0, k=222) == (987, 1032)
    # "481 (48%) of 1015": 481/992 = 48.49%, 481/991 = 48.54%; 481/1012 = 47.53%, 481/1013 = 47.48%.
    assert consistent_counts(48, 0, k=481) == (992, 1012)
    # numerators of 1015 printing as 48%: 483/1015 = 47.59%, 482/1015 = 47.49%;
    # 492/1015 = 48.47%, 493/1015 = 48.57%.
    assert consistent_counts(48, 0, n=1015) == (483, 492)
    # and the printed 47% of 478/1015 = 47.09% is reproduced
    low, high = consistent_counts(47, 0, n=1015)
    assert low <= 478 <= high


def test_consistent_counts_ties_follow_either_rounding_rule():
    # 1/8 = 12.5% exactly: half-up prints 13, half-even prints 12; both are accepted.
    assert consistent_counts(12, 0, n=8) == (1, 1)
    assert consistent_counts(13, 0, n=8) == (1, 1)
    # 3/8 = 37.5%: half-up 38, half-even 38 (8 is even); 37 is reproduced by nothing.
    assert consistent_counts(38, 0, n=8) == (3, 3)
    assert consistent_counts(37, 0, n=8) is None


def test_consistent_counts_edges_and_errors():
    assert consistent_counts(50, 0, n=1) is None  # 0% or 100% only
    assert consistent_counts(0, 0, k=0) == (1, math.inf)
    assert consistent_counts(0, 0, k=1) == (200, math.inf)  # 1/200 = 0.5% rounds half-even to 0
    assert consistent_counts(100, 0, k=5) == (5, 5)
    with pytest.raises(InputError, match="exactly one"):
        consistent_counts(20, 0, k=1, n=5)
    with pytest.raises(InputError, match="decimal"):
        consistent_counts(20.5, 0, n=5)
    with pytest.raises(InputError, match="0, 100"):
        consistent_counts(120, 0, n=5)
    with pytest.raises(InputError, match="n = 0"):
        consistent_counts(20, 0, n=0)


def _prints_as(k, n, d, printed):
    x = Fraction(100 * k, n)
    scale = Fraction(10) ** d
    return math.floor(x * scale + Fraction(1, 2)) / scale == printed or Fraction(round(x, d)) == printed


@settings(max_examples=150, deadline=None)
@given(n=st.integers(1, 3000), data=st.data(), d=st.sampled_from([0, 1]))
def test_consistent_counts_contain_the_truth_and_nothing_else(n, data, d):
    k = data.draw(st.integers(0, n))
    printed = Fraction(round(Fraction(100 * k, n), d))
    low, high = consistent_counts(float(printed), d, n=n)
    assert low <= k <= high
    assert _prints_as(low, n, d, printed) and _prints_as(high, n, d, printed)
    assert low == 0 or not _prints_as(low - 1, n, d, printed)
    assert high == n or not _prints_as(high + 1, n, d, printed)
    if k > 0:
        low_n, high_n = consistent_counts(float(printed), d, k=k)
        assert low_n <= n <= high_n
        assert _prints_as(k, low_n, d, printed)
        assert low_n == k or not _prints_as(k, low_n - 1, d, printed)
        if high_n != math.inf:
            assert _prints_as(k, high_n, d, printed) and not _prints_as(k, high_n + 1, d, printed)


# ----------------------------------------------------------------------------- implied_sample_size


def test_implied_sample_size_hand_computed():
    # 50% (40-60): h = 0.10, n = z^2 * 0.25 / 0.01 = 25 z^2 with z = 1.959964 -> 96.04.
    # Extremes: width 19-21 pp (each bound +-0.5), p 49.5-50.5 (50 inside, p(1-p) max 0.25):
    # highest = 0.25 z^2 / 0.095^2, lowest = 0.495*0.505 z^2 / 0.105^2.
    z = sps.norm.ppf(0.975)
    result = implied_sample_size(50, 40, 60, 0)
    assert result.central == pytest.approx(25 * z * z, rel=1e-12)
    assert result.highest == pytest.approx(0.25 * z * z / 0.095**2, rel=1e-12)
    assert result.lowest == pytest.approx(0.495 * 0.505 * z * z / 0.105**2, rel=1e-12)
    # Kiss et al. 2015, depression symptoms 61.2% (58.2-64.2): 3.8415 * 0.612 * 0.388 / 0.03^2
    assert round(implied_sample_size(61.2, 58.2, 64.2, 1).central) == 1014


def test_implied_sample_size_errors():
    with pytest.raises(InputError, match="lower < pct < upper"):
        implied_sample_size(50, 60, 40, 0)
    with pytest.raises(InputError, match="level"):
        implied_sample_size(50, 40, 60, 0, level=1.5)
    with pytest.raises(InputError, match="decimal"):
        implied_sample_size(50.25, 40, 60, 1)


@settings(max_examples=100, deadline=None)
@given(n=st.integers(200, 5000), share=st.floats(0.1, 0.9))
def test_implied_sample_size_range_contains_the_true_n_of_a_rounded_wald_interval(n, share):
    k = round(share * n)
    p = k / n
    z = sps.norm.ppf(0.975)
    half = z * math.sqrt(p * (1 - p) / n)
    printed = [round(100 * v, 1) for v in (p, p - half, p + half)]
    result = implied_sample_size(*printed, 1)
    assert result.lowest <= n <= result.highest
    assert result.lowest <= result.central <= result.highest


def test_implied_sample_size_follows_the_protocol():
    from mixedmig.results import Result

    # hand-worked: 50% (40-60) at 95%: n = z^2 x 0.25 / 0.1^2 = 25 z^2
    result = implied_sample_size(50, 40, 60, 0)
    z = sps.norm.isf(0.025)
    assert isinstance(result, Result) and result.converged and result.iterations == 0
    frame = result.to_frame()
    assert list(frame.columns) == ["central", "lowest", "highest", "level"]
    assert frame.loc[0, "central"] == pytest.approx(25 * z * z, rel=1e-12)
    assert frame.loc[0, "lowest"] <= frame.loc[0, "central"] <= frame.loc[0, "highest"]
    assert result.message.startswith("implied n = 96 ")
