"""Tests of the corridor and by-period summaries of mixedmig.networks (mixedmig.networks.corridors:
network_summary_by_period, strength_by_period): hand-computed small tables, exact invariants,
property tests against independent formulas, and published UN DESA corridor figures."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mixedmig.errors import DataError, InputError, SchemaError
from mixedmig.indices import dissimilarity_index
from mixedmig.networks import (
    STRENGTH_MEASURES,
    network_summary_by_period,
    strength_by_period,
)


def two_periods() -> pd.DataFrame:
    # 2000: A->B 10, B->A 4, A->C 3, C->A 0 (a listed zero), C->C 7 (a diagonal cell).
    # 2010: A->B 5 only.
    return pd.DataFrame(
        {
            "year": [2000, 2000, 2000, 2000, 2000, 2010],
            "orig": ["A", "B", "A", "C", "C", "A"],
            "dest": ["B", "A", "C", "A", "C", "B"],
            "value": [10, 4, 3, 0, 7, 5],
        }
    )


def test_network_summary_hand_example():
    out = network_summary_by_period(two_periods(), top=2)
    assert out["year"].tolist() == [2000, 2010]
    first, second = out.iloc[0], out.iloc[1]
    # 2000: positive off-diagonal corridors A->B, B->A, A->C; total 10 + 4 + 3 + 0 = 17
    # (the diagonal 7 is excluded).
    assert first["economies"] == 3
    assert first["corridors"] == 3
    assert first["total"] == 17.0
    # matched volume: min(10, 4) counted from both directions = 8; 8 / 17.
    assert first["weighted_reciprocity"] == pytest.approx(8 / 17, rel=1e-12)
    # 2 of the 3 edges (A->B, B->A) have a reverse edge.
    assert first["reciprocity"] == pytest.approx(2 / 3, rel=1e-12)
    assert (first["top_orig"], first["top_dest"]) == ("A", "B")
    assert first["top_share"] == pytest.approx(10 / 17, rel=1e-12)
    assert first["top_share_cumulative"] == pytest.approx(14 / 17, rel=1e-12)
    # 2010: one corridor; no reverse flow; top-2 share capped at the one corridor there is.
    assert (second["economies"], second["corridors"], second["total"]) == (2, 1, 5.0)
    assert second["weighted_reciprocity"] == 0.0
    assert second["reciprocity"] == 0.0
    assert second["top_share"] == 1.0
    assert second["top_share_cumulative"] == 1.0


def test_network_summary_period_of_zeros_is_nan_not_zero():
    table = pd.DataFrame({"year": [1990, 1990], "orig": ["A", "B"], "dest": ["B", "A"],
                          "value": [0, 0]})
    row = network_summary_by_period(table).iloc[0]
    assert row["corridors"] == 0 and row["total"] == 0.0
    assert math.isnan(row["weighted_reciprocity"]) and math.isnan(row["top_share"])
    assert row["top_orig"] is None


def test_network_summary_rejects_bad_input():
    with pytest.raises(SchemaError, match="no column"):
        network_summary_by_period(two_periods(), period="edition")
    with pytest.raises(InputError, match="top must be"):
        network_summary_by_period(two_periods(), top=0)
    doubled = pd.concat([two_periods(), two_periods().iloc[[0]]], ignore_index=True)
    with pytest.raises(SchemaError, match="duplicate corridor"):
        network_summary_by_period(doubled)


def test_strength_by_period_hand_example():
    net = strength_by_period(two_periods(), "net")
    # 2000: in A = 4 (+0 from C), B = 10, C = 3; out A = 13, B = 4, C = 0 (diagonal dropped).
    assert net.index.tolist() == ["A", "B", "C"]
    assert net[2000].tolist() == [-9.0, 6.0, 3.0]
    # 2010: A -> B 5; C has no rows in 2010, so it is unknown there, not zero.
    assert net.loc["A", 2010] == -5.0 and net.loc["B", 2010] == 5.0
    assert math.isnan(net.loc["C", 2010])
    gross = strength_by_period(two_periods(), "gross")
    assert gross[2000].tolist() == [17.0, 14.0, 3.0]
    with pytest.raises(InputError, match="measure must be"):
        strength_by_period(two_periods(), "betweenness")


def test_dissimilarity_hand_example():
    # shares a = (.25, .25, .5), b = (.5, 0, .5): 1/2 (.25 + .25 + 0) = .25
    a = pd.Series([1, 1, 2], index=["x", "y", "z"])
    b = pd.Series([2, 0, 2], index=["z", "y", "x"])  # same items, another order
    # aligned: x 1 vs 2, y 1 vs 0, z 2 vs 2 -> shares (.25,.25,.5) vs (.5,0,.5)
    assert dissimilarity_index(a, b) == pytest.approx(0.25, abs=1e-15)
    assert dissimilarity_index(pd.Series([5, 0], index=[1, 2]),
                               pd.Series([0, 3], index=[1, 2])) == 1.0


def test_dissimilarity_rejects_bad_input():
    a = pd.Series([1, 2], index=["x", "y"])
    with pytest.raises(DataError, match="same items"):
        dissimilarity_index(a, pd.Series([1, 2], index=["x", "z"]))
    with pytest.raises(DataError, match="missing"):
        dissimilarity_index(a, pd.Series([1, np.nan], index=["x", "y"]))
    with pytest.raises(DataError, match="sums to zero"):
        dissimilarity_index(a, pd.Series([0, 0], index=["x", "y"]))
    with pytest.raises(DataError, match="Series"):
        dissimilarity_index(a, [1, 2])


matrices = st.integers(min_value=2, max_value=5).flatmap(
    lambda n: st.lists(
        st.lists(st.integers(min_value=0, max_value=1000), min_size=n, max_size=n),
        min_size=n, max_size=n,
    )
)


def long_from_matrix(matrix, year=2000) -> pd.DataFrame:
    n = len(matrix)
    return pd.DataFrame(
        [{"year": year, "orig": f"c{i}", "dest": f"c{j}", "value": matrix[i][j]}
         for i in range(n) for j in range(n) if i != j]
    )


@settings(max_examples=60, deadline=None)
@given(matrices)
def test_net_strength_sums_to_zero_and_total_matches(matrix):
    table = long_from_matrix(matrix)
    net = strength_by_period(table, "net")
    assert net[2000].sum() == pytest.approx(0.0, abs=1e-9)
    summary = network_summary_by_period(table)
    assert summary["total"].iloc[0] == float(table["value"].sum())
    gross = strength_by_period(table, "gross")[2000].sum()
    assert gross == pytest.approx(2 * table["value"].sum())


@settings(max_examples=60, deadline=None)
@given(matrices)
def test_symmetric_matrix_is_fully_reciprocal(matrix):
    n = len(matrix)
    sym = [[matrix[min(i, j)][max(i, j)] for j in range(n)] for i in range(n)]
    summary = network_summary_by_period(long_from_matrix(sym)).iloc[0]
    if summary["total"] > 0:
        assert summary["weighted_reciprocity"] == pytest.approx(1.0, rel=1e-12)
        assert summary["reciprocity"] == pytest.approx(1.0, rel=1e-12)
    else:
        assert math.isnan(summary["weighted_reciprocity"])


positive_vectors = st.lists(st.integers(min_value=0, max_value=10_000), min_size=1,
                            max_size=12).filter(lambda v: sum(v) > 0)


@settings(max_examples=80, deadline=None)
@given(positive_vectors, st.data())
def test_dissimilarity_equals_one_minus_overlap(a_values, data):
    b_values = data.draw(
        st.lists(st.integers(min_value=0, max_value=10_000), min_size=len(a_values),
                 max_size=len(a_values)).filter(lambda v: sum(v) > 0)
    )
    a = pd.Series(a_values, dtype=float)
    b = pd.Series(b_values, dtype=float)
    d = dissimilarity_index(a, b)
    # independent formula: D = 1 - sum_i min(p_i, q_i)
    overlap = np.minimum(a / a.sum(), b / b.sum()).sum()
    assert d == pytest.approx(1.0 - overlap, abs=1e-12)
    assert 0.0 <= d <= 1.0 + 1e-12
    assert d == pytest.approx(dissimilarity_index(b, a), abs=1e-15)
    assert dissimilarity_index(a, 7 * a) == pytest.approx(0.0, abs=1e-12)


def test_un_desa_2024_edition_published_corridors():
    """UN DESA, International Migrant Stock 2024, both sexes, 2024 (research notes 1.2-1.3):
    China-born in Hong Kong SAR 2,490,414 is the largest corridor among the 15 economies;
    Myanmar-born in Thailand 1,708,695, Cambodia-born 375,635, Lao-born 285,819."""
    from mixedmig.data import load

    stocks = load("undesa_ims_bilateral")
    one = stocks[(stocks["edition"] == 2024) & (stocks["sex"] == "total")
                 & (stocks["year"] == 2024)]
    row = network_summary_by_period(one, value="stock").iloc[0]
    assert (row["top_orig"], row["top_dest"]) == ("CHN", "HKG")
    assert row["top_share"] * row["total"] == pytest.approx(2_490_414, abs=1e-6)
    inflow = strength_by_period(one, "in_strength", value="stock")[2024]
    thai_gms = one[(one["dest"] == "THA")].set_index("orig")["stock"]
    assert thai_gms["MMR"] == 1_708_695 and thai_gms["KHM"] == 375_635
    assert thai_gms["LAO"] == 285_819
    assert inflow["THA"] == float(thai_gms.sum())
    assert set(STRENGTH_MEASURES) == {"in_strength", "out_strength", "net", "gross"}
