"""Tests for mixedmig.flows.stocks (variants, periods, flow types) and mixedmig.indices.system_indices.

The examples are small hand-made tables; each expected value is derived in the test from the
definition in the function's docstring (no published figures are involved).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mixedmig.errors import DataError, InputError, SchemaError
from mixedmig.flows import (
    VARIANTS,
    closed_system_natural_change,
    compare_methods,
    flows_demographic,
    flows_over_periods,
    stock_table,
)
from mixedmig.indices import system_indices

ABC = ["A", "B", "C"]


def bilateral(rows):
    return pd.DataFrame(rows, columns=["orig", "dest", "stock"])


def square(values, labels):
    return pd.DataFrame(np.array(values, dtype=float), index=pd.Index(labels, dtype=object),
                        columns=pd.Index(labels, dtype=object))


# ------------------------------------------------------------------------------------------
# stock_table
# ------------------------------------------------------------------------------------------


def test_stock_table_derives_native_born_and_fills_unlisted_pairs_with_zero():
    # Listed: A-born in B 10, C-born in B 5, B-born in A 2.  Residents A 100, B 50, C 30.
    # Native-born = residents - listed foreign-born: A 100 - 2 = 98, B 50 - 15 = 35, C 30.
    # Unlisted pairs (A in C, B in C, C in A) are 0.
    pop = pd.Series({"C": 30.0, "A": 100.0, "B": 50.0})
    table = stock_table(bilateral([("A", "B", 10), ("C", "B", 5), ("B", "A", 2)]), pop,
                        orig="orig", dest="dest", value="stock")
    expected = [[98, 10, 0],
                [2, 35, 0],
                [0, 5, 30]]
    assert list(table.index) == ABC and list(table.columns) == ABC
    np.testing.assert_array_equal(table.to_numpy(), np.array(expected, dtype=float))
    assert table.index.name == "birthplace" and table.columns.name == "residence"


def test_stock_table_uses_given_label_order():
    pop = pd.Series({"A": 10.0, "B": 20.0})
    table = stock_table(bilateral([("A", "B", 4)]), pop, orig="orig", dest="dest",
                        value="stock", labels=["B", "A"])
    assert list(table.index) == ["B", "A"]
    np.testing.assert_array_equal(table.to_numpy(), [[16.0, 0.0], [4.0, 10.0]])


def test_stock_table_rejects_self_pairs_overfull_columns_and_missing_population():
    pop = pd.Series({"A": 10.0, "B": 20.0})
    with pytest.raises(DataError, match="itself"):
        stock_table(bilateral([("A", "A", 1)]), pop, orig="orig", dest="dest", value="stock")
    with pytest.raises(DataError, match="exceed its population"):
        stock_table(bilateral([("A", "B", 21)]), pop, orig="orig", dest="dest", value="stock")
    with pytest.raises(DataError, match="no value for"):
        stock_table(bilateral([("A", "B", 1)]), pop, orig="orig", dest="dest", value="stock",
                    labels=["A", "B", "C"])
    with pytest.raises(DataError, match="no column"):
        stock_table(bilateral([("A", "B", 1)]).rename(columns={"orig": "origin"}), pop)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 1000), min_size=6, max_size=6),
       st.lists(st.integers(0, 5000), min_size=3, max_size=3))
def test_stock_table_columns_sum_to_population(foreign, extra):
    pairs = [(o, d) for o in ABC for d in ABC if o != d]
    df = bilateral([(o, d, v) for (o, d), v in zip(pairs, foreign)])
    inflow = df.groupby("dest")["stock"].sum().reindex(ABC, fill_value=0)
    pop = pd.Series(inflow.to_numpy() + np.array(extra), index=ABC, dtype=float)
    table = stock_table(df, pop, orig="orig", dest="dest", value="stock")
    np.testing.assert_array_equal(table.sum(axis=0).to_numpy(), pop.to_numpy())
    np.testing.assert_array_equal(np.diag(table.to_numpy()), np.array(extra, dtype=float))


# ------------------------------------------------------------------------------------------
# closed_system_natural_change
# ------------------------------------------------------------------------------------------


def test_natural_change_is_change_in_birthplace_totals_split_by_sign():
    # A-born: 90 + 10 = 100 -> 95 + 15 = 110 (change +10); B-born: 50 + 5 = 55 -> 40 + 8 = 48
    # (change -7).
    start = square([[90, 10], [5, 50]], ["A", "B"])
    end = square([[95, 15], [8, 40]], ["A", "B"])
    out = closed_system_natural_change(start, end)
    np.testing.assert_array_equal(out["born_start"].to_numpy(), [100.0, 55.0])
    np.testing.assert_array_equal(out["born_end"].to_numpy(), [110.0, 48.0])
    np.testing.assert_array_equal(out["natural_change"].to_numpy(), [10.0, -7.0])
    np.testing.assert_array_equal(out["natural_surplus"].to_numpy(), [10.0, 0.0])
    np.testing.assert_array_equal(out["natural_deficit"].to_numpy(), [0.0, 7.0])


@given(st.lists(st.integers(0, 10**6), min_size=18, max_size=18))
@settings(max_examples=50, deadline=None)
def test_natural_surplus_and_deficit_are_the_signed_parts_of_the_net_change(cells):
    # The columns hold net residuals, not births and deaths: exact invariants of the split
    # for any 3 x 3 start and end tables.
    labels = ["A", "B", "C"]
    start = square([cells[0:3], cells[3:6], cells[6:9]], labels)
    end = square([cells[9:12], cells[12:15], cells[15:18]], labels)
    out = closed_system_natural_change(start, end)
    assert "births" not in out.columns and "deaths" not in out.columns
    expected = end.sum(axis=1).to_numpy(float) - start.sum(axis=1).to_numpy(float)
    np.testing.assert_array_equal(out["natural_change"].to_numpy(), expected)
    surplus, deficit = out["natural_surplus"].to_numpy(), out["natural_deficit"].to_numpy()
    assert (surplus >= 0).all() and (deficit >= 0).all()
    assert (np.minimum(surplus, deficit) == 0).all()
    np.testing.assert_array_equal(surplus - deficit, expected)


def test_natural_change_rejects_other_economies_and_reorders_the_same_ones():
    # issue 8 / review C9: labels, not positions, identify economies.  A-born: 1 + 2 = 3 at the
    # start; the end table lists B first, so its A row is [4, 0] -> 4 A-born at the end.
    start = square([[1, 2], [0, 1]], ["A", "B"])
    end = square([[1, 0], [0, 4]], ["B", "A"])
    out = closed_system_natural_change(start, end)
    assert out.loc["A", "born_end"] == 4.0 and out.loc["A", "natural_change"] == 1.0
    with pytest.raises(SchemaError, match=r"missing: \['B'\], extra: \['C'\]"):
        closed_system_natural_change(start, square([[1, 0], [0, 1]], ["A", "C"]))


# ------------------------------------------------------------------------------------------
# compare_methods
# ------------------------------------------------------------------------------------------


def test_compare_methods_on_a_single_move():
    # Ten A-born move from A to B; nothing else changes.  Under the stayer assumption
    # min(90, 80) = 80 A-born stay in A, so the only flow is A -> B = 10 for both demographic
    # variants (no natural change), differencing gives +10 A-born in B, and the rates method
    # puts the whole total (10) on the only foreign-born corridor A -> B.
    start = square([[90, 10], [0, 100]], ["A", "B"])
    end = square([[80, 20], [0, 100]], ["A", "B"])
    change = closed_system_natural_change(start, end)
    results = compare_methods(start, end, births=change["natural_surplus"], deaths=change["natural_deficit"])
    assert list(results) == list(VARIANTS)
    for name, result in results.items():
        np.testing.assert_allclose(result.flows.to_numpy(), [[0, 10], [0, 0]], atol=1e-6,
                                   err_msg=name)


def test_compare_methods_births_variant_removes_pure_natural_growth():
    # Only the A-born at home grow (120 -> 140): with births = +20 (the closed-system
    # natural change) the demographic variant finds no migration at all.
    start = square([[120, 10], [10, 100]], ["A", "B"])
    end = square([[140, 10], [10, 100]], ["A", "B"])
    change = closed_system_natural_change(start, end)
    assert change["natural_surplus"].tolist() == [20.0, 0.0]
    results = compare_methods(start, end, births=change["natural_surplus"], deaths=change["natural_deficit"])
    np.testing.assert_allclose(results[VARIANTS[0]].flows.to_numpy(), 0.0, atol=1e-6)


def test_compare_methods_difference_variants_and_rates_total():
    # B-born in A fall 30 -> 20 (-10); A-born in B rise 5 -> 12 (+7).
    # zeroed: A -> B 7 only.  returns: also B-born going home from A: A -> B 7 + 10 = 17.
    start = square([[100, 5], [30, 200]], ["A", "B"])
    end = square([[105, 12], [20, 210]], ["A", "B"])
    change = closed_system_natural_change(start, end)
    results = compare_methods(start, end, births=change["natural_surplus"], deaths=change["natural_deficit"],
                              rates_total_from="difference, negatives as returns")
    np.testing.assert_array_equal(results["difference, negatives zeroed"].flows.to_numpy(),
                                  [[0, 7], [0, 0]])
    np.testing.assert_array_equal(results["difference, negatives as returns"].flows.to_numpy(),
                                  [[0, 17], [0, 0]])
    # Rates: total 17 spread over start foreign-born shares 5/35 (A -> B) and 30/35 (B -> A).
    np.testing.assert_allclose(results["rates (Dennett)"].flows.to_numpy(),
                               [[0, 17 * 5 / 35], [17 * 30 / 35, 0]])
    with pytest.raises(InputError, match="rates_total_from"):
        compare_methods(start, end, births=change["natural_surplus"], deaths=change["natural_deficit"],
                        rates_total_from="rates (Dennett)")


# ------------------------------------------------------------------------------------------
# flows_over_periods and system_indices
# ------------------------------------------------------------------------------------------


def test_flows_over_periods_matches_compare_methods_per_period():
    labels = ["A", "B", "C"]
    stocks = {
        2000: square([[500, 20, 5], [10, 300, 0], [3, 8, 200]], labels),
        2005: square([[520, 30, 4], [12, 310, 2], [3, 15, 205]], labels),
        2010: square([[530, 25, 9], [20, 305, 2], [6, 15, 210]], labels),
    }
    result = flows_over_periods(stocks)
    flows, diagnostics = result.flows, result.diagnostics
    assert result.converged == bool(diagnostics["converged"].all())
    assert result.to_frame().equals(flows)
    assert len(flows) == 2 * len(VARIANTS) * 6
    assert list(flows.columns) == ["period_start", "period_end", "method", "orig", "dest",
                                   "value"]
    assert flows["method"].iloc[:6].eq(VARIANTS[0]).all()
    assert sorted(set(zip(diagnostics["period_start"], diagnostics["period_end"]))) == [
        (2000, 2005), (2005, 2010)]
    change = closed_system_natural_change(stocks[2005], stocks[2010])
    direct = flows_demographic(stocks[2005], stocks[2010], births=change["natural_surplus"],
                               deaths=change["natural_deficit"])
    part = flows[(flows["period_start"] == 2005) & (flows["method"] == VARIANTS[0])]
    expected = direct.flows.to_numpy()[~np.eye(3, dtype=bool)]
    np.testing.assert_allclose(part["value"].to_numpy(), expected)


def test_system_indices_by_hand():
    # Two economies, one flow A -> B of 10 in 2000-2005.  AMEI = 100 * (|10| + |-10|) / 20 =
    # 100; connectivity = 1 of 2 corridors = 50 %; per 1,000 of 100 + 300 residents = 25.
    flows = pd.DataFrame({"period_start": [2000, 2000], "period_end": [2005, 2005],
                          "method": ["m", "m"], "orig": ["A", "B"], "dest": ["B", "A"],
                          "value": [10.0, 0.0]})
    pop = {2000: pd.Series({"A": 100.0, "B": 300.0})}
    out = system_indices(flows, pop)
    row = out.iloc[0]
    assert row["total_flow"] == 10.0
    assert row["amei"] == pytest.approx(100.0)
    assert row["connectivity"] == pytest.approx(50.0)
    assert row["migrants_per_1000"] == pytest.approx(25.0)
    assert system_indices(flows, connectivity_threshold=10.0)["connectivity"].iloc[0] == 0.0


def test_stock_table_unlisted_pairs_take_the_given_stock():
    # With unlisted = 3 the two unlisted pairs (B in A and A in B... here only B in A) get 3:
    # listed A-born in B 4; B-born in A unlisted -> 3.  Native: A 10 - 3 = 7, B 20 - 4 = 16.
    pop = pd.Series({"A": 10.0, "B": 20.0})
    table = stock_table(bilateral([("A", "B", 4)]), pop, orig="orig", dest="dest",
                        value="stock", unlisted=3.0)
    np.testing.assert_array_equal(table.to_numpy(), [[7.0, 4.0], [3.0, 16.0]])
    with pytest.raises(DataError, match="unlisted"):
        stock_table(bilateral([("A", "B", 4)]), pop, orig="orig", dest="dest", value="stock",
                    unlisted=-1.0)


def test_flow_types_classifies_moves_by_birthplace():
    # Birthplace (rows) x residence (columns).  A-born: 90/10/0 -> 80/20/0, so under the
    # stayer assumption 10 A-born leave A for B (emigration).  B-born: 20 in A -> 10 in A and
    # 100 -> 110 at home: 10 go back from A to B (return).  C-born: 5 in A -> 5 in B, 50 at
    # home throughout: 5 move A -> B, neither from nor to C (onward).
    start = square([[90, 10, 0], [20, 100, 0], [5, 0, 50]], ABC)
    end = square([[80, 20, 0], [10, 110, 0], [0, 5, 50]], ABC)
    out = flows_demographic(start, end).flow_types()
    assert list(out.index) == ["emigration", "return", "onward"]
    np.testing.assert_allclose(out["moves"].to_numpy(), [10.0, 10.0, 5.0], atol=1e-6)
    np.testing.assert_allclose(out["share"].to_numpy(), [40.0, 40.0, 20.0], atol=1e-6)
