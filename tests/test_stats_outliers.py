"""Tests of mixedmig.stats.outliers.implausible_stocks: hand-worked thresholds, the published
UN DESA figures the review found implausible (Lao-born and Malaysia-born in Bangladesh, 2024
edition) and the Myanmar-born in Thailand revision between editions, errors, and properties."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mixedmig import data
from mixedmig.errors import InputError, SchemaError
from mixedmig.results import Result
from mixedmig.stats.outliers import (
    IMPLAUSIBILITY_RULES,
    ImplausibleStocksResult,
    implausible_stocks,
)


def _editions(values_1, values_2, years=(2000, 2005)):
    # made-up test values: one corridor A->B in two editions
    rows = []
    for edition, values in ((1, values_1), (2, values_2)):
        for year, value in zip(years, values):
            rows.append({"edition": edition, "year": year, "orig": "A", "dest": "B",
                         "stock": value})
    return pd.DataFrame(rows)


def test_edition_revision_threshold_is_strict():
    # made-up test values: 10,000 vs 1,000 is a factor of exactly 10 (not > 10): no flag;
    # 10,001 vs 1,000 is 10.001: flagged
    at = implausible_stocks(_editions([10000], [1000], years=(2000,)), rules="edition_revision")
    assert at.flags.empty
    above = implausible_stocks(_editions([10001], [1000], years=(2000,)),
                               rules="edition_revision")
    assert len(above.flags) == 1
    row = above.flags.iloc[0]
    assert row["value"] == 10001 and row["reference"] == 1000
    assert row["ratio"] == pytest.approx(10.001)
    assert pd.isna(row["edition"])
    assert row["description"] == ("editions differ by a factor 10.0 (> 10): 1: 10,001; "
                                  "2: 1,000")


def test_edition_revision_zero_and_min_stock():
    # made-up test values: 0 vs 1,000 is flagged (>= min_stock 1,000), 0 vs 999 is not
    flagged = implausible_stocks(_editions([0, 0], [1000, 999]), rules="edition_revision")
    assert flagged.flags["year"].tolist() == [2000]
    assert math.isinf(flagged.flags["ratio"].iloc[0])
    assert flagged.flags["description"].iloc[0] == "editions differ from 0 to 1,000: 1: 0; 2: 1,000"
    # with min_stock = 0 both years are flagged
    assert implausible_stocks(_editions([0, 0], [1000, 999]), rules="edition_revision",
                              min_stock=0).flags["year"].tolist() == [2000, 2005]


def test_jump_hand_worked():
    # made-up test values: 1,000 -> 10,000 (factor 10, not > 10), 10,000 -> 100,001 (10.0001)
    stocks = pd.DataFrame({"year": [2000, 2005, 2010], "orig": "A", "dest": "B",
                           "stock": [1000, 10000, 100001]})
    result = implausible_stocks(stocks)
    assert result.rules.set_index("rule")["applied"].to_dict() == {
        "edition_revision": False, "jump": True, "against_gradient": False}
    assert result.rules.set_index("rule").loc["jump", "checked"] == 2
    assert len(result.flags) == 1
    row = result.flags.iloc[0]
    assert (row["rule"], row["year"], row["value"], row["reference"]) == (
        "jump", 2010, 100001.0, 10000.0)
    assert row["ratio"] == pytest.approx(10.0001)
    assert pd.isna(row["edition"]) and row["sex"] == "total"
    # a fall by more than a factor 10 is a jump too: 50,000 -> 4,000 is 1/12.5
    fall = pd.DataFrame({"year": [2000, 2005], "orig": "A", "dest": "B", "stock": [50000, 4000]})
    assert implausible_stocks(fall).flags["ratio"].tolist() == pytest.approx([0.08])


def test_jump_small_corridors_need_min_stock():
    # made-up test values: 5 -> 900 is a factor 180 but both are below min_stock = 1,000
    stocks = pd.DataFrame({"year": [2000, 2005], "orig": "A", "dest": "B", "stock": [5, 900]})
    assert implausible_stocks(stocks).flags.empty
    assert len(implausible_stocks(stocks, min_stock=900).flags) == 1


def _gradient_row(**overrides):
    # made-up test values: origin of 1,000,000 people, destination half as rich, no border
    row = {"year": 2020, "orig": "A", "dest": "B", "stock": 3000, "contig": 0,
           "pop_orig": 1_000_000, "gdppc_orig": 20000.0, "gdppc_dest": 10000.0}
    row.update(overrides)
    return pd.DataFrame([row])


def test_against_gradient_hand_worked():
    # 3,000 = 3 per 1,000 of 1,000,000: at the threshold (>=), flagged
    flagged = implausible_stocks(_gradient_row(), rules="against_gradient")
    assert len(flagged.flags) == 1
    row = flagged.flags.iloc[0]
    assert row["ratio"] == pytest.approx(0.003) and row["reference"] == 1_000_000
    assert row["description"] == (
        "3,000 = 3.0 per 1,000 of the origin's population (>= 3), in a non-contiguous "
        "destination with 0.50 times the origin's GDP per capita (<= 0.75)")
    # one person fewer, a shared border, or a destination 0.76 times as rich: no flag
    for overrides in ({"stock": 2999}, {"contig": 1}, {"gdppc_dest": 15200.0}):
        assert implausible_stocks(_gradient_row(**overrides),
                                  rules="against_gradient").flags.empty, overrides
    # exactly 0.75 times as rich is "poorer"
    assert len(implausible_stocks(_gradient_row(gdppc_dest=15000.0),
                                  rules="against_gradient").flags) == 1
    # a missing GDP per capita skips the row and says so
    skipped = implausible_stocks(_gradient_row(gdppc_dest=float("nan")), rules="against_gradient")
    assert skipped.flags.empty
    assert skipped.diagnostics["value"].tolist() == [1]


def test_result_protocol_corridors_and_marks():
    stocks = pd.concat([_gradient_row(), _gradient_row(orig="C", stock=10)], ignore_index=True)
    result = implausible_stocks(stocks, rules="against_gradient")
    assert isinstance(result, ImplausibleStocksResult) and isinstance(result, Result)
    assert result.converged and result.iterations == 0
    assert result.message == ("implausible stocks: 1 rule(s) applied (against_gradient) to 2 "
                              "stocks; 1 flag(s) on 1 corridor(s)")
    assert result.to_frame().equals(result.flags)
    assert result.corridors().to_dict("records") == [
        {"orig": "A", "dest": "B", "rules": "against_gradient", "years": "2020"}]
    assert result.corridors(years=2015).empty
    frame = pd.DataFrame({"orig": ["A", "C", "A"], "dest": ["B", "B", "C"]})
    assert result.is_flagged(frame).tolist() == [True, False, False]
    with pytest.raises(InputError, match="unknown rule"):
        result.corridors(rules="jumps")


def test_published_bangladesh_stocks_are_flagged():
    # UN DESA International Migrant Stock 2024: 86,447 Lao-born and 199,618 Malaysia-born
    # persons in Bangladesh in 2020 (the figures the review found implausible)
    pairs = data.load("gravity_pairs")
    year = pairs[pairs["year"] == 2020]
    result = implausible_stocks(year[year["stock_listed"]], rules="against_gradient")
    flagged = result.flags.set_index(["orig", "dest"])
    assert flagged.loc[("LAO", "BGD"), "value"] == 86447
    assert flagged.loc[("MYS", "BGD"), "value"] == 199618
    lao_pop = year.loc[(year["orig"] == "LAO") & (year["dest"] == "BGD"), "pop_orig"].item()
    assert flagged.loc[("LAO", "BGD"), "ratio"] == pytest.approx(86447 / lao_pop)
    # Myanmar-born in Bangladesh (Rohingya refugees) and the expatriate Japan -> Thailand
    # corridor are not flagged by this rule
    assert ("MMR", "BGD") not in flagged.index and ("JPN", "THA") not in flagged.index


def test_published_edition_revision_myanmar_thailand():
    # UN DESA: Myanmar-born in Thailand, 1990 = 229,504 (2017 and 2019 editions) vs 1,106 (2024)
    stocks = data.load("undesa_ims_bilateral")
    stocks = stocks[(stocks["sex"] == "total") & (stocks["orig"] == "MMR")
                    & (stocks["dest"] == "THA")]
    result = implausible_stocks(stocks, rules="edition_revision")
    row = result.flags.set_index("year").loc[1990]
    assert (row["value"], row["reference"]) == (229504, 1106)
    assert row["ratio"] == pytest.approx(229504 / 1106)
    assert row["description"].endswith("2017: 229,504; 2019: 229,504; 2024: 1,106")


@pytest.mark.parametrize("kwargs, match", [
    ({"rules": "outlier"}, "unknown rule"),
    ({"rules": "against_gradient"}, "needs column"),
    ({"rules": "edition_revision"}, "needs column"),
    ({"jump_ratio": 1.0}, "jump_ratio"),
    ({"revision_ratio": float("inf")}, "revision_ratio"),
    ({"max_income_ratio": 1.5}, "max_income_ratio"),
    ({"min_origin_share": 0}, "min_origin_share"),
    ({"min_stock": -1}, "min_stock"),
])
def test_bad_arguments(kwargs, match):
    stocks = pd.DataFrame({"year": [2000], "orig": ["A"], "dest": ["B"], "stock": [1]})
    with pytest.raises(InputError, match=match):
        implausible_stocks(stocks, **kwargs)


def test_bad_tables():
    with pytest.raises(SchemaError):
        implausible_stocks(pd.DataFrame({"orig": ["A"], "dest": ["B"], "stock": [1]}))
    with pytest.raises(InputError, match="finite and >= 0"):
        implausible_stocks(pd.DataFrame({"year": [2000], "orig": ["A"], "dest": ["B"],
                                         "stock": [-3]}))
    with pytest.raises(InputError, match="must hold numbers"):
        implausible_stocks(pd.DataFrame({"year": [2000], "orig": ["A"], "dest": ["B"],
                                         "stock": ["many"]}))
    with pytest.raises(InputError, match="more than one row"):
        implausible_stocks(pd.DataFrame({"year": [2000, 2000], "orig": ["A", "A"],
                                         "dest": ["B", "B"], "stock": [1, 2]}))
    with pytest.raises(InputError, match="DataFrame"):
        implausible_stocks([1, 2])
    assert set(IMPLAUSIBILITY_RULES) == {"edition_revision", "jump", "against_gradient"}


_series = st.lists(st.integers(min_value=0, max_value=10**7), min_size=2, max_size=6)


@settings(max_examples=60, deadline=None)
@given(_series, st.floats(min_value=1.5, max_value=50), st.floats(min_value=1.01, max_value=20))
def test_jump_matches_independent_rule_and_is_monotone(values, ratio, factor):
    stocks = pd.DataFrame({"year": [2000 + 5 * i for i in range(len(values))], "orig": "A",
                           "dest": "B", "stock": values})
    flagged = set(implausible_stocks(stocks, jump_ratio=ratio, min_stock=0).flags["year"])
    expected = set()
    for i in range(1, len(values)):
        low, high = sorted((values[i - 1], values[i]))
        if high > 0 and (low == 0 or high / low > ratio):
            expected.add(2000 + 5 * i)
    assert flagged == expected
    # a stricter threshold never flags more
    stricter = set(implausible_stocks(stocks, jump_ratio=ratio * factor,
                                      min_stock=0).flags["year"])
    assert stricter <= flagged


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 10**6), st.integers(1, 10**6)), min_size=1,
                max_size=5), st.integers(2, 1000))
def test_revision_flags_are_scale_invariant(pairs, scale):
    first, second = zip(*pairs)
    years = tuple(2000 + 5 * i for i in range(len(pairs)))
    stocks = _editions(first, second, years=years)
    scaled = stocks.assign(stock=stocks["stock"] * scale)
    a = implausible_stocks(stocks, rules="edition_revision", min_stock=0).flags
    b = implausible_stocks(scaled, rules="edition_revision", min_stock=0).flags
    assert a["year"].tolist() == b["year"].tolist()
    assert a["ratio"].tolist() == pytest.approx(b["ratio"].tolist())


def test_text_editions_are_listed_as_text():
    # made-up test values: UN DESA editions named as in its releases ("rev2019", "rev2024")
    stocks = _editions([20000], [200], years=(2000,)).assign(
        edition=["rev2019", "rev2024"])
    result = implausible_stocks(stocks, rules="edition_revision")
    assert result.flags["description"].tolist() == [
        "editions differ by a factor 100.0 (> 10): rev2019: 20,000; rev2024: 200"]
    # integer editions are still written without a decimal point
    assert implausible_stocks(_editions([20000], [200], years=(2000,)),
                              rules="edition_revision").flags["description"].iloc[0].endswith(
        "1: 20,000; 2: 200")


@pytest.mark.parametrize("rule", ["edition_revision", "jump"])
def test_missing_sex_is_an_error_naming_the_row(rule):
    # made-up test values: the 2005 row of edition 2 has no sex; grouping would skip it silently
    stocks = _editions([20000, 20000], [200, 10000]).assign(
        sex=["total", "total", "total", None])
    with pytest.raises(InputError, match=r"row 3 .*'sex' is missing"):
        implausible_stocks(stocks, rules=rule)
    # once labelled, the row is checked: 200 -> 10,000 is a jump, 20,000 vs 200 a revision
    fixed = implausible_stocks(stocks.fillna({"sex": "total"}), rules=rule)
    assert fixed.flags["year"].tolist() == ([2000] if rule == "edition_revision" else [2005])
