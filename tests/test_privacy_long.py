"""Tests of mixedmig.privacy.suppress_long_counts: a long table of counts published under
small-cell suppression in its long shape (the form of the curated CTDC tables).

Expected values come from an independent pivot (pandas ``groupby``) and from
:func:`suppress_small_cells` on that pivot, never from the function under test.  Values named
"made up" are test fixtures, not data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mixedmig.errors import DataError, InfeasibleError, InputError, SchemaError
from mixedmig.privacy import LongSuppressionResult, disclosure_intervals, suppress_long_counts, suppress_small_cells
from mixedmig.results import Result

# Lao PDR victims identified in 2021 by sex and age (US TIP Report 2022: 30 adult women, 62 girls,
# 5 adult men, 13 boys), in long form.
LAO_2021 = pd.DataFrame({"sex": ["female", "female", "male", "male"],
                         "age": ["adult", "child", "adult", "child"],
                         "cases": [30, 62, 5, 13]})


def test_lao_2021_long_matches_the_wide_suppression_of_the_same_table():
    published = suppress_long_counts(LAO_2021, "sex", "age", 10)
    wide = suppress_small_cells(pd.DataFrame({"adult": [30, 5], "child": [62, 13]}, index=["female", "male"]), 10)
    assert isinstance(published, LongSuppressionResult) and isinstance(published, Result)
    table = published.to_frame()
    assert list(table.columns) == ["sex", "age", "cases", "flag"]
    # every cell hidden (one primary: 5 adult men; three complements), exactly as the wide result
    expected_hidden = wide.suppressed.stack().to_dict()
    got_hidden = {(r.sex, r.age): r.flag == "[c]" for r in table.itertuples()}
    assert got_hidden == expected_hidden
    assert table["cases"].isna().sum() == 4
    assert published.wide.as_published().equals(wide.as_published())
    assert len(published.intervals) == 4 and published.intervals["protected"].all()
    assert published.wide.table.loc["Total", "Total"] == 110


def test_visible_cells_zeros_and_order_with_a_given_row_and_column_order():
    # made-up counts; row_order adds a row absent from counts (all zeros) and column_order a year
    counts = pd.DataFrame({"origin": ["KHM", "KHM", "LAO", "KHM"], "year": [2016, 2015, 2015, 2016],
                           "cases": [40, 50, 60, 2]})
    published = suppress_long_counts(counts, ["origin"], "year", 5, row_order=[("LAO",), ("KHM",), ("MMR",)],
                                     column_order=[2015, 2016, 2017], row_totals=False, col_totals=False)
    table = published.table
    assert table[["origin", "year"]].to_numpy().tolist() == [
        ["LAO", 2015], ["LAO", 2016], ["LAO", 2017], ["KHM", 2015], ["KHM", 2016], ["KHM", 2017],
        ["MMR", 2015], ["MMR", 2016], ["MMR", 2017]]
    # repeated keys are added up (40 + 2 = 42); without totals nothing needs a complement
    assert table["cases"].tolist() == [60, 0, 0, 50, 42, 0, 0, 0, 0]
    assert table["flag"].isna().all()


def test_missing_key_values_are_one_category_sorted_last_and_kept_missing():
    # made-up counts: None and NaN citizenship are the same missing category
    counts = pd.DataFrame({"citizenship": ["VNM", None, np.nan, "KHM"], "year": [2015, 2015, 2015, 2015],
                           "cases": [20, 7, 8, 30]})
    table = suppress_long_counts(counts, "citizenship", "year", 5).table
    assert table["citizenship"].tolist()[:2] == ["KHM", "VNM"] and pd.isna(table["citizenship"].iloc[2])
    assert table["cases"].tolist() == [30, 20, 15]
    assert "(missing) " not in str(table["citizenship"].tolist())


counts_strategy = st.lists(
    st.tuples(st.sampled_from(["KHM", "LAO", "MMR", "THA", None]), st.sampled_from(["female", "male"]),
              st.sampled_from([2014, 2015, 2016]), st.integers(min_value=0, max_value=40)),
    min_size=1, max_size=30)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts_strategy, st.integers(min_value=2, max_value=12))
def test_long_table_agrees_with_an_independent_pivot(records, k):
    counts = pd.DataFrame(records, columns=["citizenship", "sex", "year", "cases"])  # made-up counts
    try:
        published = suppress_long_counts(counts, ["citizenship", "sex"], "year", k)
    except InfeasibleError:
        return  # a small cell the totals determine: nothing can be published, and it says so
    table = published.table
    key = counts["citizenship"].fillna("(missing)") + "|" + counts["sex"] + "|" + counts["year"].astype(str)
    truth = counts.groupby(key)["cases"].sum()
    out_key = table["citizenship"].fillna("(missing)") + "|" + table["sex"] + "|" + table["year"].astype(str)
    # one row per combination of the pivot: every occurring (citizenship, sex) x every occurring year
    n_rows = counts[["citizenship", "sex"]].fillna("(missing)").drop_duplicates().shape[0]
    assert len(table) == n_rows * counts["year"].nunique() and not out_key.duplicated().any()
    visible = table["cases"].notna()
    assert (table["flag"].isna() == visible).all() and set(table.loc[~visible, "flag"]) <= {"[c]"}
    for got_key, got in zip(out_key[visible], table.loc[visible, "cases"]):
        assert got == truth.get(got_key, 0)
    # no visible cell is a small positive count, and the hidden cells hold the rest of the total
    assert not ((table.loc[visible, "cases"] > 0) & (table.loc[visible, "cases"] < k)).any()
    hidden_truth = sum(truth.get(kk, 0) for kk in out_key[~visible])
    assert int(table["cases"].sum()) + hidden_truth == int(counts["cases"].sum())
    assert disclosure_intervals(published.wide)["protected"].all()


@pytest.mark.parametrize("kwargs, error, match", [
    ({"rows": []}, InputError, "rows must name"),
    ({"rows": ["year"]}, InputError, "rows must name"),
    ({"k": 0}, InputError, "k"),
    ({"row_order": [("female",)]}, InputError, "not in row_order"),
    ({"column_order": ["adult"]}, InputError, "not in column_order"),
    ({"row_order": [("female",), ("female",), ("male",)]}, InputError, "repeats"),
    ({"separator": "ale"}, InputError, "contains the separator"),
    ({"missing_label": "male"}, InputError, "equals missing_label"),
    ({"count": "victims"}, SchemaError, "victims"),
    ({"marker": "5"}, InputError, "marker"),
])
def test_bad_arguments_get_clear_errors(kwargs, error, match):
    args = {"counts": LAO_2021, "rows": "sex", "column": "age", "k": 10} | kwargs
    if args["rows"] == ["year"]:
        args["column"] = "year"
    with pytest.raises(error, match=match):
        suppress_long_counts(**args)


def test_negative_or_fractional_counts_are_refused_naming_the_row():
    bad = LAO_2021.assign(cases=[30, 62, -5, 13])
    with pytest.raises(DataError, match=r"column 'cases': row 2: -5 is not a whole non-negative count"):
        suppress_long_counts(bad, "sex", "age", 10)
