"""Tests of mixedmig.post_trafficking_analysis: stage routes from hand-made visit counts and from
a simulated After Trafficking chain, the counts behind printed percentages (golden values from
Kiss et al. 2015, Lancet Global Health 3: e154-61, ties, round trips) and the sample size implied
by a printed interval (hand computation and round trips)."""

from __future__ import annotations

import math
from fractions import Fraction
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from mixedmig import pathways
from mixedmig.errors import InputError
from mixedmig.stats import consistent_counts, implied_sample_size
from mixedmig.pathways import stage_pathways

# ----------------------------------------------------------------------------- stage_pathways

STATES = ("start", "a", "b", "c", "end1", "end2")


def _fake(visits):
    return SimpleNamespace(states=STATES, visits=np.asarray(visits))


def test_stage_pathways_hand_example():
    # Four cases: start-a-c-end1, start-a-c-end1, start-b-end2, start-b-end1.
    # Stage "first" = {a, b}; stage "second" = {c} (case 3 and 4 skip it -> fill);
    # stage "outcome" = {end1, end2}.  Routes: (a, c, end1) x2, (b, none, end1) x1,
    # (b, none, end2) x1; ties in count are broken by the order of the states given.
    visits = [[1, 1, 0, 1, 1, 0], [1, 1, 0, 1, 1, 0], [1, 0, 1, 0, 0, 1], [1, 0, 1, 0, 1, 0]]
    table = stage_pathways(_fake(visits), {"first": ["a", "b"], "second": ["c"],
                                           "outcome": ["end1", "end2"]},
                           labels={"end1": "E1"})
    assert table.columns.tolist() == ["first", "second", "outcome", "cases"]
    assert table.astype({"first": str, "second": str, "outcome": str}).values.tolist() == [
        ["a", "c", "E1", 2], ["b", "none", "E1", 1], ["b", "none", "end2", 1]]
    assert list(table["second"].cat.categories) == ["c", "none"]
    assert list(table["outcome"].cat.categories) == ["E1", "end2"]


def test_stage_pathways_rejects_bad_input():
    visits = [[1, 1, 1, 0, 1, 0]]  # visited both a and b
    with pytest.raises(InputError, match="more than one"):
        stage_pathways(_fake(visits), {"first": ["a", "b"]})
    with pytest.raises(InputError, match="not states"):
        stage_pathways(_fake(visits), {"first": ["a", "zzz"]})
    with pytest.raises(InputError, match="record_visits"):
        stage_pathways(SimpleNamespace(states=STATES, visits=None), {"first": ["a"]})
    with pytest.raises(InputError, match="fill"):  # c unvisited: 'none' ambiguous
        stage_pathways(_fake([[1, 1, 0, 0, 1, 0]]), {"second": ["c"]}, labels={"c": "none"})
    with pytest.raises(InputError, match="share a label"):
        stage_pathways(_fake([[1, 1, 0, 0, 1, 0]]), {"first": ["a", "b"]}, labels={"a": "x", "b": "x"})
    # every case visited a or b, so a fill equal to a's label is never used and is allowed
    table = stage_pathways(_fake([[1, 1, 0, 0, 1, 0]]), {"first": ["a", "b"]}, labels={"a": "none"})
    assert table.astype({"first": str}).values.tolist() == [["none", 1]]
    with pytest.raises(InputError, match="clashes"):
        stage_pathways(_fake([[1, 1, 0, 0, 1, 0]]), {"cases": ["a", "b"]})


def test_stage_pathways_of_a_simulation_add_up_to_the_simulated_outcomes():
    model = pathways.after_trafficking_model(p_identified=0.3, p_reintegrated_assisted=0.7,
                                             p_re_trafficked_assisted=0.1)
    sim = pathways.simulate_pathways(model, 5000, seed=11)
    stages = {"identification": ["identified", "not_identified"],
              "assistance": ["assistance_accepted", "assistance_declined", "not_referred"],
              "return": ["return_official", "return_self"],
              "outcome": ["reintegrated", "re_migrated", "re_trafficked"]}
    table = stage_pathways(sim, stages)
    assert table["cases"].sum() == 5000
    assert (table["cases"].diff().dropna() <= 0).all()
    by_outcome = table.groupby("outcome", observed=True)["cases"].sum()
    counts = sim.absorption_table()["count"]
    for outcome in stages["outcome"]:
        assert by_outcome[outcome] == counts[outcome]
    # a person never identified has no assistance stage, and only they have none
    not_identified = table[table["identification"] == "not_identified"]
    assert set(not_identified["assistance"].astype(str)) == {"none"}
    identified = table[table["identification"] == "identified"]
    assert "none" not in set(identified["assistance"].astype(str))
    assert table.equals(stage_pathways(pathways.simulate_pathways(model, 5000, seed=11), stages))


# ----------------------------------------------------------------------------- consistent_counts


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
