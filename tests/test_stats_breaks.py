"""Tests of mixedmig.stats.breaks.series_breaks: hand-worked values, the published UN DESA
figures of the Myanmar -> Bangladesh corridor, errors, and properties (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mixedmig.errors import InputError
from mixedmig.stats.breaks import BREAK_RULES, series_breaks


def test_share_points_hand_worked():
    # made-up test values: A falls 0.53 -> 0.20 (-33 points), B moves by 5 and 2 points
    shares = pd.DataFrame({"corridor": ["A"] * 3 + ["B"] * 3,
                           "year": [2010, 2015, 2020] * 2,
                           "share": [0.53, 0.53, 0.20, 0.40, 0.45, 0.47]})
    out = series_breaks(shares, "share", by="corridor", rule="share_points", threshold=15)
    assert out.columns.tolist() == ["corridor", "time_from", "time_to", "value_from",
                                    "value_to", "change", "rule", "threshold", "description"]
    assert len(out) == 1
    row = out.iloc[0]
    assert (row["corridor"], row["time_from"], row["time_to"]) == ("A", 2015, 2020)
    assert row["change"] == pytest.approx(-33.0)
    assert row["rule"] == "share_points" and row["threshold"] == 15.0
    assert row["description"] == "share fell 33.0 points (> 15 points)"
    # a threshold of 4 points also catches B's 5-point rise (2010 -> 2015) but not its 2 points
    out4 = series_breaks(shares, "share", by="corridor", rule="share_points", threshold=4)
    assert out4[["corridor", "time_to"]].values.tolist() == [["A", 2020], ["B", 2015]]
    assert out4["change"].tolist() == pytest.approx([-33.0, 5.0])


def test_log_ratio_hand_worked_and_zeros():
    # made-up test values: 100 -> 120 is ln 1.2 = 0.182, 120 -> 1200 is ln 10 = 2.303
    stock = pd.DataFrame({"year": [2000, 2005, 2010], "stock": [100, 120, 1200]})
    out = series_breaks(stock, "stock", threshold=1.0)
    assert out["time_to"].tolist() == [2010]
    assert out["change"].iloc[0] == pytest.approx(math.log(10))
    assert out["description"].iloc[0] == "multiplied by 10.0 (|log-ratio| 2.30 > 1)"
    # default threshold ln 2: a halving is not "more than" a halving (strict inequality)
    halving = pd.DataFrame({"year": [1, 2], "stock": [10.0, 5.0]})
    assert series_breaks(halving, "stock", threshold=math.log(2) + 1e-12).empty
    assert len(series_breaks(halving, "stock", threshold=math.log(2) - 1e-12)) == 1
    # zeros: 0 -> 0 is no change, 0 -> 7 rises from zero, 7 -> 0 falls to zero
    zeros = pd.DataFrame({"year": [1990, 1995, 2000, 2005], "stock": [0, 0, 7, 0]})
    out = series_breaks(zeros, "stock")
    assert out["time_to"].tolist() == [2000, 2005]
    assert out["change"].tolist() == [np.inf, -np.inf]
    assert out["description"].tolist() == ["rose from zero", "fell to zero"]


def test_per_year_and_missing_values():
    # made-up test values: -33 points over 5 years = -6.6 a year; +20 points over 4 years = 5.0
    shares = pd.DataFrame({"year": [2015, 2020, 2024], "share": [0.53, 0.20, 0.40]})
    out = series_breaks(shares, "share", rule="share_points", threshold=5, per_year=True)
    assert out["time_to"].tolist() == [2020]  # 5.0 a year is not > 5
    assert out["change"].iloc[0] == pytest.approx(-6.6)
    assert out["description"].iloc[0] == "share fell 6.6 points a year (> 5 points a year)"
    # a missing value is skipped: the pair is (2000, 2010), -40 points
    gap = pd.DataFrame({"year": [2010, 2000, 2005], "share": [0.1, 0.5, None]})
    out = series_breaks(gap, "share", rule="share_points", threshold=30)
    assert out[["time_from", "time_to"]].values.tolist() == [[2000, 2010]]
    assert out["change"].iloc[0] == pytest.approx(-40.0)


def test_weight_filters_small_denominators():
    # made-up test values: the share of a 12-person stock swings; the 5,000-person one does not
    shares = pd.DataFrame({"corridor": ["small"] * 2 + ["large"] * 2,
                           "year": [2010, 2015] * 2,
                           "share": [0.25, 0.75, 0.50, 0.10],
                           "total": [12, 12, 5000, 6000]})
    everything = series_breaks(shares, "share", by="corridor", rule="share_points",
                               threshold=20)
    assert sorted(everything["corridor"]) == ["large", "small"]
    big = series_breaks(shares, "share", by="corridor", rule="share_points", threshold=20,
                        weight="total", min_weight=1000)
    assert big["corridor"].tolist() == ["large"]
    assert big["change"].iloc[0] == pytest.approx(-40.0)


def test_published_myanmar_bangladesh_female_share_break():
    # UN DESA, International Migrant Stock 2024 (POP/DB/MIG/Stock/Rev.2024), Table 1:
    # Myanmar-born in Bangladesh, 2015: 125,805 women of 237,369; 2020: 182,874 of 907,426.
    from mixedmig import data

    stocks = data.load("undesa_ims_bilateral")
    corridor = stocks[(stocks["edition"] == 2024) & (stocks["orig"] == "MMR")
                      & (stocks["dest"] == "BGD")]
    wide = corridor.pivot(index="year", columns="sex", values="stock").astype(float)
    shares = (wide["female"] / wide["total"]).rename("female_share").reset_index()
    out = series_breaks(shares, "female_share", rule="share_points", threshold=15)
    assert out[["time_from", "time_to"]].values.tolist() == [[2015, 2020]]
    expected = 100 * (182874 / 907426 - 125805 / 237369)  # -32.85 points
    assert out["change"].iloc[0] == pytest.approx(expected)


def test_empty_result_has_the_columns():
    flat = pd.DataFrame({"orig": ["X", "X"], "year": [1, 2], "stock": [5, 5]})
    out = series_breaks(flat, "stock", by=["orig"])
    assert out.empty
    assert out.columns.tolist()[:3] == ["orig", "time_from", "time_to"]


@pytest.mark.parametrize("kwargs, message", [
    ({"rule": "percent"}, "unknown rule"),
    ({"threshold": 0}, "threshold must be a positive number"),
    ({"threshold": True}, "threshold must be a positive number"),
    ({"min_weight": -1}, "min_weight"),
])
def test_bad_options(kwargs, message):
    frame = pd.DataFrame({"year": [1, 2], "stock": [1.0, 2.0]})
    with pytest.raises(InputError, match=message):
        series_breaks(frame, "stock", **kwargs)


def test_bad_values():
    with pytest.raises(InputError, match="proportions in \\[0, 1\\].*divide percentages"):
        series_breaks(pd.DataFrame({"year": [1, 2], "s": [20.0, 53.0]}), "s",
                      rule="share_points", threshold=10)
    with pytest.raises(InputError, match="non-negative"):
        series_breaks(pd.DataFrame({"year": [1, 2], "s": [-1.0, 2.0]}), "s")
    with pytest.raises(InputError, match="infinity"):
        series_breaks(pd.DataFrame({"year": [1, 2], "s": [np.inf, 2.0]}), "s")
    with pytest.raises(InputError, match="must hold numbers"):
        series_breaks(pd.DataFrame({"year": [1, 2], "s": ["a", 2.0]}), "s")
    with pytest.raises(InputError, match="without missing values"):
        series_breaks(pd.DataFrame({"year": [1, None], "s": [1.0, 2.0]}), "s")
    with pytest.raises(InputError, match="more than one row"):
        series_breaks(pd.DataFrame({"year": [1, 1], "s": [1.0, 2.0]}), "s")
    with pytest.raises(InputError, match="missing|column"):
        series_breaks(pd.DataFrame({"year": [1, 2]}), "s")


def _brute_force(values, years, rule, threshold):
    """The breaks by a plain loop over consecutive observed pairs."""
    observed = [(y, v) for y, v in sorted(zip(years, values)) if v is not None]
    found = []
    for (s, a), (t, b) in zip(observed, observed[1:]):
        if rule == "share_points":
            change = 100 * (b - a)
        elif a == 0 and b == 0:
            change = 0.0
        elif a == 0:
            change = math.inf
        elif b == 0:
            change = -math.inf
        else:
            change = math.log(b / a)
        if abs(change) > threshold:
            found.append((s, t))
    return found


series = st.lists(st.one_of(st.none(), st.floats(0, 1, allow_nan=False)), min_size=1,
                  max_size=12)


@settings(max_examples=60, deadline=None)
@given(values=series, rule=st.sampled_from(sorted(BREAK_RULES)),
       threshold=st.floats(0.01, 60, allow_nan=False), seed=st.integers(0, 10**6))
def test_matches_brute_force(values, rule, threshold, seed):
    years = list(range(2000, 2000 + 5 * len(values), 5))
    order = np.random.default_rng(seed).permutation(len(values))  # row order is irrelevant
    frame = pd.DataFrame({"year": [years[i] for i in order],
                          "v": [values[i] for i in order]})
    out = series_breaks(frame, "v", rule=rule, threshold=threshold)
    assert list(zip(out["time_from"], out["time_to"])) == _brute_force(values, years, rule,
                                                                      threshold)


@settings(max_examples=40, deadline=None)
@given(values=st.lists(st.floats(0, 1e7, allow_nan=False), min_size=2, max_size=10),
       scale=st.floats(1e-3, 1e3), threshold=st.floats(0.05, 5))
def test_log_ratio_is_scale_free_and_thresholds_nest(values, scale, threshold):
    frame = pd.DataFrame({"year": range(len(values)), "v": values})
    base = series_breaks(frame, "v", threshold=threshold)
    scaled = series_breaks(frame.assign(v=frame["v"] * scale), "v", threshold=threshold)
    # multiplying every value by one constant leaves every log-ratio unchanged (up to rounding
    # of pairs that sit on the threshold)
    near = np.isclose(np.abs(base["change"]), threshold, rtol=1e-9)
    if not near.any():
        assert base["time_to"].tolist() == scaled["time_to"].tolist()
    # a higher threshold flags a subset of the pairs
    higher = series_breaks(frame, "v", threshold=threshold * 1.5)
    assert set(higher["time_to"]) <= set(base["time_to"])
