"""Tests for mixedmig.flows.

Golden values come from published worked examples:

* Abel (2013), Demographic Research 28(18) / Abel & Sander (2014), Science 343 - the 4x4
  hypothetical stock tables with regions A-D, as printed with their flow estimates in the
  documentation of the R package migest 2.0.5 (``ffs_demo`` reference page, examples "demographic
  research and science paper example", "science paper supp. material example",
  "international migration review ... example(s)").
* Abel & Cohen (2019), Scientific Data 6:82, Table 4 - birthplace-specific flows under the
  quasi-independence (stayer) model, printed to one decimal.
* migest 2.0.5 reference pages of ``ffs_diff``, ``ffs_rates`` and ``net_matrix_ipf`` /
  ``net_matrix_entropy`` for the stock-differencing, Dennett-rates and net-matrix examples.

Where the model has a closed form the expected numbers are derived by hand in the test.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mixedmig import flows
from mixedmig.errors import (
    ConvergenceError,
    DataError,
    InfeasibleError,
    InputError,
    SchemaError,
)
from mixedmig.flows import (
    flows_demographic,
    flows_difference,
    flows_from_stocks,
    flows_rates,
    ipf2,
    ipf2_quasi,
    ipf3,
    net_matrix,
    to_long,
    to_matrix,
)

ABCD = ["A", "B", "C", "D"]


def A(frame):
    """The numbers of a labelled result frame as an array: a matrix, or the (layer, row,
    column) cube of a frame whose rows are a MultiIndex (layer, row)."""
    assert isinstance(frame, pd.DataFrame)
    values = frame.to_numpy()
    if isinstance(frame.index, pd.MultiIndex):
        values = values.reshape(len(frame.index.levels[0]), -1, frame.shape[1])
    return values


def by_rows(values, labels=ABCD):
    """Matrix from values listed row by row (R's ``matrix(..., byrow = TRUE)``)."""
    n = len(labels)
    return pd.DataFrame(np.array(values, float).reshape(n, n), index=labels, columns=labels)


def by_cols(values, labels=ABCD):
    """Matrix from values listed column by column (R's ``s1[] <- c(...)`` fill order)."""
    n = len(labels)
    return pd.DataFrame(np.array(values, float).reshape(n, n).T, index=labels, columns=labels)


# ------------------------------------------------------------------------------------------
# long <-> matrix
# ------------------------------------------------------------------------------------------


def test_to_matrix_places_values_fills_missing_and_sorts_labels():
    long = pd.DataFrame({"orig": ["THA", "KHM", "MMR"], "dest": ["KHM", "THA", "THA"],
                         "value": [5.0, 7.0, 11.0]})
    mat = to_matrix(long)
    assert list(mat.index) == ["KHM", "MMR", "THA"] == list(mat.columns)
    assert mat.loc["KHM", "THA"] == 7.0
    assert mat.loc["MMR", "THA"] == 11.0
    assert mat.loc["THA", "KHM"] == 5.0
    assert mat.to_numpy().sum() == 23.0  # every other cell is the fill value 0
    assert np.isnan(to_matrix(long, fill=np.nan).loc["KHM", "MMR"])


def test_to_matrix_uses_given_label_order_and_column_names():
    long = pd.DataFrame({"from": ["a", "b"], "to": ["b", "a"], "n": [1.0, 2.0]})
    mat = to_matrix(long, orig="from", dest="to", value="n", labels=["b", "a", "c"])
    assert list(mat.index) == ["b", "a", "c"]
    assert mat.to_numpy().tolist() == [[0, 2, 0], [1, 0, 0], [0, 0, 0]]


def test_to_matrix_duplicate_pair_is_an_error_naming_the_pair():
    long = pd.DataFrame({"orig": ["LAO", "LAO"], "dest": ["THA", "THA"], "value": [1, 2]})
    with pytest.raises(DataError, match=r"'LAO' -> 'THA'"):
        to_matrix(long)


def test_to_matrix_reports_missing_column_and_unknown_labels():
    # issue 8 / review B7, C10: the column check is mixedmig.checks.require_columns (SchemaError)
    with pytest.raises(SchemaError, match=r"column 'value'.*no column\(s\) \['value'\]") as err:
        to_matrix(pd.DataFrame({"orig": ["a"], "dest": ["b"]}))
    assert err.value.column == "value"
    with pytest.raises(SchemaError, match="expected a pandas DataFrame"):
        to_matrix([("a", "b", 1.0)])
    long = pd.DataFrame({"orig": ["a"], "dest": ["z"], "value": [1.0]})
    with pytest.raises(DataError, match="'z'"):
        to_matrix(long, labels=["a", "b"])


def test_to_long_round_trip_and_drop_diagonal():
    mat = by_rows(range(16))
    long = to_long(mat)
    assert len(long) == 16
    assert long.iloc[6].tolist() == ["B", "C", 6.0]  # row-major: B is row 1, C column 2
    pd.testing.assert_frame_equal(to_matrix(long, labels=ABCD), mat, check_names=False,
                                  check_index_type=False, check_column_type=False)
    off = to_long(mat, drop_diagonal=True)
    assert len(off) == 12
    assert (off["orig"] != off["dest"]).all()
    assert off["value"].sum() == sum(range(16)) - (0 + 5 + 10 + 15)


def test_to_long_reorders_columns_listed_in_another_order_and_rejects_other_regions():
    # issue 8 / review C9: one OD validator (check_od_matrix): same regions in another column
    # order are matched by label (cell B -> A is 4 in row-major range(16)), not by position.
    mat = by_rows(range(16))
    swapped = to_long(mat[["B", "A", "C", "D"]])
    pd.testing.assert_frame_equal(swapped, to_long(mat))
    assert swapped.query("orig == 'B' and dest == 'A'")["value"].item() == 4.0
    with pytest.raises(SchemaError, match="square"):
        to_long(mat.iloc[:, :3])
    other = mat.rename(columns={"D": "E"})
    with pytest.raises(SchemaError, match=r"only in rows: \['D'\], only in columns: \['E'\]"):
        to_long(other)


# ------------------------------------------------------------------------------------------
# ipf2 / ipf2_quasi / ipf3
# ------------------------------------------------------------------------------------------


def test_ipf2_uniform_prior_gives_independence_table():
    # With a prior of ones the fit is y_ij = r_i c_j / T: [[30*40, 30*60], [70*40, 70*60]] / 100.
    res = ipf2([30, 70], [40, 60])
    np.testing.assert_allclose(A(res.fitted), [[12, 18], [28, 42]], rtol=1e-12)
    assert res.converged and res.iterations == 1
    assert res.max_margin_error < 1e-10


def test_ipf2_preserves_the_prior_odds_ratio():
    # The fit y_ij = a_i b_j m_ij keeps the cross-product ratio of the prior. Seed [[1, 2], [3, 4]]
    # has theta = 1*4/(2*3) = 2/3; with all margins 10 the table is [[x, 10-x], [10-x, x]], so
    # x^2 / (10-x)^2 = 2/3 and x = 10*sqrt(2/3) / (1 + sqrt(2/3)).
    res = ipf2([10, 10], [10, 10], [[1, 2], [3, 4]])
    x = 10 * math.sqrt(2 / 3) / (1 + math.sqrt(2 / 3))
    np.testing.assert_allclose(A(res.fitted), [[x, 10 - x], [10 - x, x]], rtol=1e-9)
    assert res.converged


def test_ipf2_rejects_margins_with_different_totals_naming_both_sums():
    with pytest.raises(InfeasibleError, match=r"sum to 100 .* sum to 101"):
        ipf2([30, 70], [40, 61])


def test_ipf2_reports_non_convergence_instead_of_hiding_it():
    res = ipf2([10, 10], [10, 10], [[1, 2], [3, 4]], max_iter=1)
    assert not res.converged
    assert res.iterations == 1
    assert "did NOT converge" in res.message
    assert res.max_margin_error > 0.1  # the odds-ratio example needs many cycles


def test_ipf2_strict_raises_convergence_error_with_the_message():
    with pytest.raises(ConvergenceError, match="did NOT converge after 1 iteration"):
        ipf2([10, 10], [10, 10], [[1, 2], [3, 4]], max_iter=1, strict=True)
    # Quasi fit: stayers 5 each; movers 15, 15 leave A, B for C, D through the prior block
    # [[1, 2], [3, 4]], which needs many cycles (odds ratio 2/3), so one cycle is not enough.
    prior = np.ones((4, 4))
    prior[:2, 2:] = [[1, 2], [3, 4]]
    with pytest.raises(ConvergenceError):
        ipf2_quasi([20, 20, 5, 5], [5, 5, 20, 20], prior, max_iter=1, strict=True)
    # a converged fit is returned whatever strict says
    assert ipf2([30, 70], [40, 60], strict=True).converged


def test_ipf_infeasible_margins_name_both_sums_the_gap_and_the_fix():
    with pytest.raises(InfeasibleError, match=r"gap -1\b.*Rescale"):
        ipf2([30, 70], [40, 61])
    with pytest.raises(InfeasibleError, match=r"index 1: .* sum to 2 but .* sum to 3 \(gap -1\)"):
        ipf3(np.ones((2, 2, 2)), {(0, 1): [[1, 1], [1, 1]], (0, 2): [[1, 1], [1, 2]]})


def test_ipf_result_protocol_to_frame_and_diagnostics():
    # Independence table of the made-up margins: [[12, 18], [28, 42]].
    rows = pd.Series([30.0, 70.0], index=["KHM", "LAO"])
    cols = pd.Series([40.0, 60.0], index=["THA", "VNM"])
    res = ipf2(rows, cols)
    frame = res.to_frame()
    assert list(frame.columns) == ["orig", "dest", "flow"]
    assert frame["orig"].tolist() == ["KHM", "KHM", "LAO", "LAO"]
    np.testing.assert_allclose(frame["flow"], [12, 18, 28, 42], rtol=1e-12)
    assert res.diagnostics.columns.tolist() == ["layer", "iterations", "max_margin_error",
                                                "converged", "total_gap", "rescaled",
                                                "row_scale", "col_scale"]
    assert res.diagnostics["converged"].item() and res.diagnostics["iterations"].item() == 1
    unlabelled = ipf2([30, 70], [40, 60]).to_frame()
    assert unlabelled["orig"].tolist() == [0, 0, 1, 1]
    # three-way fit: one diagnostics row per layer; to_frame names the value column "flow"
    layered = ipf3(np.ones((2, 2, 2)), {(0, 1): [[1, 3], [2, 2]], (0, 2): [[2, 2], [1, 3]]},
                   labels=(["x", "y"], ["A", "B"], ["A", "B"]))
    assert len(layered.diagnostics) == 2
    assert list(layered.to_frame().columns) == ["layer", "orig", "dest", "flow"]
    np.testing.assert_allclose(layered.to_frame()["flow"], [0.5, 0.5, 1.5, 1.5,
                                                            0.5, 1.5, 0.5, 1.5])


def test_ipf2_infeasible_structural_zeros_are_rejected_before_iterating():
    # Row 0 may only use column 0, and column 0 must hold 5, but row 0 needs 10: no table
    # exists (Gale's condition fails for A = {row 0}: 10 > 5), so the fit could never
    # converge. Old behaviour: 200 cycles, then "did NOT converge".
    zeros = np.array([[False, True], [False, False]])
    rows = pd.Series([10.0, 10.0], index=["KHM", "LAO"])
    cols = pd.Series([5.0, 15.0], index=["THA", "VNM"])
    with pytest.raises(InfeasibleError, match=r"rows \['KHM'\] need 10 .* columns \['THA'\].*"
                                              r"sum to 5 \(short by 5\)"):
        ipf2(rows, cols, structural_zeros=zeros, max_iter=200)
    # a row whose prior cells are all zero
    with pytest.raises(InfeasibleError, match=r"rows \[1\] need 4 .* columns \[\]"):
        ipf2([6, 4], [5, 5], [[1, 1], [0, 0]])
    # Margins this pattern can carry only as [[5, 0], [0, 15]]: cell (1, 0) is allowed but
    # must be 0, which IPF reaches at rate 1/k (old code: error 3.7e-3 after 1000 cycles).
    with pytest.raises(InfeasibleError, match=r"force cells \(row, column\) \[\(1, 0\)\].*"
                                              r"structural zeros"):
        ipf2([5, 15], [5, 15], structural_zeros=zeros)
    # declaring the forced zero as the message says gives the table at once
    res = ipf2([5, 15], [5, 15], structural_zeros=[[False, True], [True, False]])
    np.testing.assert_allclose(A(res.fitted), [[5, 0], [0, 15]], atol=1e-9)
    assert res.converged and res.iterations <= 2


def test_ipf2_zero_pattern_needing_a_set_of_rows_is_rejected():
    # Rows 0 and 1 may use only column 0 (total 9) but need 5 + 5 = 10; each row alone fits,
    # so only the set condition (Gale 1957) finds it.
    prior = [[1, 0, 0], [1, 0, 0], [1, 1, 1]]
    with pytest.raises(InfeasibleError, match=r"rows \[0, 1\] need 10 .* columns \[0\]"):
        ipf2([5, 5, 10], [9, 5, 6], prior)
    # 5 + 4 = 9 fits, but only with row 2 -> column 0 exactly zero (forced zero)
    with pytest.raises(InfeasibleError, match=r"force cells \(row, column\) \[\(2, 0\)\]"):
        ipf2([5, 4, 11], [9, 5, 6], prior)
    res = ipf2([5, 4, 11], [9, 5, 6], prior, structural_zeros=[[0, 0, 0], [0, 0, 0], [1, 0, 0]])
    assert res.converged
    np.testing.assert_allclose(A(res.fitted)[:2, 0], [5, 4], rtol=1e-9)
    np.testing.assert_allclose(A(res.fitted)[2], [0, 5, 6], rtol=1e-9)


def test_ipf2_labelled_margins_give_labelled_table():
    rows = pd.Series([30.0, 70.0], index=["KHM", "LAO"])
    cols = pd.Series([40.0, 60.0], index=["THA", "VNM"])
    res = ipf2(rows, cols)
    # issue 8 / review A1: one labelled field, no array + table pair
    assert not hasattr(res, "table")
    assert list(res.fitted.index) == ["KHM", "LAO"]
    assert list(res.fitted.columns) == ["THA", "VNM"]
    assert res.fitted.loc["LAO", "VNM"] == pytest.approx(70 * 60 / 100)
    unlabelled = ipf2([30.0, 70.0], [40.0, 60.0])
    assert list(unlabelled.fitted.index) == [0, 1] and list(unlabelled.fitted.columns) == [0, 1]


def test_ipf2_quasi_fixes_diagonal_at_maximum_and_fits_off_diagonal():
    # Abel & Cohen (2019) Table 4, birthplace C: start (30, 10, 140, 40), end (55, 0, 115, 50).
    # Stayers = min = (30, 0, 115, 40); leftover starts (0, 10, 25, 0) and ends (25, 0, 0, 10)
    # meet only in the block {B, C} x {A, D}, which is an independence table:
    # B->A = 10*25/35, B->D = 10*10/35, C->A = 25*25/35, C->D = 25*10/35.
    res = ipf2_quasi([30, 10, 140, 40], [55, 0, 115, 50])
    expected = np.array([[30, 0, 0, 0],
                         [250 / 35, 0, 0, 100 / 35],
                         [625 / 35, 0, 115, 250 / 35],
                         [0, 0, 0, 40]])
    np.testing.assert_allclose(A(res.fitted), expected, rtol=1e-12, atol=1e-12)
    same = ipf2([30, 10, 140, 40], [55, 0, 115, 50], diagonal="max")
    np.testing.assert_array_equal(A(same.fitted), A(res.fitted))


def test_ipf2_diagonal_zero_and_structural_zeros_stay_zero():
    res = ipf2([10, 20, 30], [30, 20, 10], diagonal="zero")
    assert np.all(np.diag(A(res.fitted)) == 0)
    np.testing.assert_allclose(A(res.fitted).sum(axis=1), [10, 20, 30], rtol=1e-9)
    np.testing.assert_allclose(A(res.fitted).sum(axis=0), [30, 20, 10], rtol=1e-9)


def test_ipf3_with_layer_margins_equals_one_ipf2_per_layer():
    rng = np.random.default_rng(7)
    prior = rng.uniform(0.5, 2.0, size=(3, 4, 4))
    table = rng.uniform(1.0, 50.0, size=(3, 4, 4))
    rows, cols = table.sum(axis=2), table.sum(axis=1)
    res = ipf3(prior, {(0, 1): rows, (0, 2): cols})
    for k in range(3):
        single = ipf2(rows[k], cols[k], prior[k])
        np.testing.assert_allclose(A(res.fitted)[k], A(single.fitted), rtol=1e-9)
    quasi = ipf3(prior, {(0, 1): rows, (0, 2): cols}, diagonal="max")
    for k in range(3):
        np.testing.assert_allclose(np.diag(A(quasi.fitted)[k]), np.minimum(rows[k], cols[k]))


def test_ipf3_all_three_margins_are_fitted():
    rng = np.random.default_rng(11)
    table = rng.uniform(1.0, 30.0, size=(3, 4, 5))
    margins = {(0, 1): table.sum(axis=2), (0, 2): table.sum(axis=1), (1, 2): table.sum(axis=0)}
    res = ipf3(np.ones_like(table), margins, max_iter=5000,
               labels=(["x", "y", "z"], ABCD, list("vwxyz")))
    assert res.converged
    for (a, b), target in margins.items():
        other = ({0, 1, 2} - {a, b}).pop()
        np.testing.assert_allclose(A(res.fitted).sum(axis=other), target, rtol=1e-9)
    assert res.fitted.shape == (12, 5)
    assert res.fitted.index.names == ["layer", "orig"] and res.fitted.columns.name == "dest"
    # cell (layer y, orig C, dest w) of the labelled frame is y[1, 2, 1] of the cube
    assert res.fitted.loc[("y", "C"), "w"] == A(res.fitted)[1, 2, 1]
    long = res.to_frame()
    assert list(long.columns) == ["layer", "orig", "dest", "flow"] and len(long) == 60
    np.testing.assert_array_equal(long["flow"], A(res.fitted).reshape(-1))


def test_ipf3_rejects_inconsistent_margins_and_bad_diagonal_request():
    prior = np.ones((2, 2, 2))
    with pytest.raises(InfeasibleError, match="disagree"):
        ipf3(prior, {(0, 1): [[1, 1], [1, 1]], (0, 2): [[1, 1], [1, 2]]})
    with pytest.raises(InputError, match="diagonal='max'"):
        ipf3(prior, {(0, 1): np.ones((2, 2)), (1, 2): np.ones((2, 2))}, diagonal="max")


positive_tables = arrays(np.float64, st.tuples(st.integers(2, 6), st.integers(2, 6)),
                         elements=st.floats(0.5, 1000.0))


@settings(max_examples=40, deadline=None)
@given(table=positive_tables, scale=st.floats(1e-3, 1e3), prior_data=st.data())
def test_ipf2_properties_margins_nonnegative_and_prior_scale_invariance(table, scale, prior_data):
    prior = prior_data.draw(arrays(np.float64, table.shape, elements=st.floats(0.1, 10.0)))
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    res = ipf2(rows, cols, prior, max_iter=5000)
    assert res.converged
    assert (A(res.fitted) >= 0).all()
    np.testing.assert_allclose(A(res.fitted).sum(axis=1), rows, rtol=1e-9)
    np.testing.assert_allclose(A(res.fitted).sum(axis=0), cols, rtol=1e-9)
    rescaled = ipf2(rows, cols, prior * scale, max_iter=5000)
    np.testing.assert_allclose(A(rescaled.fitted), A(res.fitted), rtol=1e-7)


def _table_loop(prior, rows, cols, tol, max_iter):
    """An independent plain numpy IPF loop (issue 12): scale rows, scale columns, then stop
    when every margin entry meets |f - t| <= tol * max(1, |t|); a zero sum gives factor 0."""
    y = np.array(prior, dtype=float)

    def met(y):
        r_ok = (np.abs(y.sum(axis=1) - rows) / np.maximum(1.0, rows)).max() <= tol
        return r_ok and (np.abs(y.sum(axis=0) - cols) / np.maximum(1.0, cols)).max() <= tol

    it = 0
    while not met(y) and it < max_iter:
        s = y.sum(axis=1)
        y *= np.where(s > 0, rows / np.where(s > 0, s, 1.0), 0.0)[:, None]
        s = y.sum(axis=0)
        y *= np.where(s > 0, cols / np.where(s > 0, s, 1.0), 0.0)[None, :]
        it += 1
    return y, it, met(y)


@settings(max_examples=60, deadline=None)
@given(shape=st.tuples(st.integers(1, 9), st.integers(1, 9)), data=st.data(),
       max_iter=st.sampled_from([1, 3, 1000]))
def test_single_table_path_matches_a_plain_table_loop(shape, data, max_iter):
    # issue 12 item 2: one table is fitted in factor form (y = diag(a) m diag(b)), two
    # matrix-vector products per cycle; the cycles, the stopping rule and every cell must be
    # those of the plain loop above (made-up random tables, some cells and targets zero).
    from mixedmig.flows.ipf import _fit_layers, _fit_table

    prior = data.draw(arrays(np.float64, shape, elements=st.sampled_from([0.0, 0.3, 1.0, 7.5])
                             | st.floats(0.01, 1e4)))
    rows = data.draw(arrays(np.float64, shape[0], elements=st.sampled_from([0.0])
                            | st.floats(1.0, 1e6)))
    cols = data.draw(arrays(np.float64, shape[1], elements=st.floats(0.5, 1e6)))
    if rows.sum() == 0:
        rows[0] = 1.0
    cols *= rows.sum() / cols.sum()
    want, want_it, want_ok = _table_loop(prior, rows, cols, 1e-10, max_iter)
    before = prior.copy()
    fit = _fit_table(prior, rows, cols, 1e-10, max_iter)
    assert np.array_equal(prior, before)  # the prior is only read
    assert int(fit.iterations[0]) == want_it
    assert bool(fit.converged[0]) == want_ok
    np.testing.assert_allclose(fit.fitted[0], want, rtol=1e-12, atol=0)
    got = fit.fitted[0]
    err = max(np.abs(got.sum(axis=1) - rows).max(), np.abs(got.sum(axis=0) - cols).max())
    assert float(fit.max_error[0]) == err  # summed from the formed table, not the factors
    same = _fit_layers(prior[None], rows[None], cols[None], 1e-10, max_iter)  # dispatches
    np.testing.assert_array_equal(same.fitted, fit.fitted)


def test_single_table_path_falls_back_to_the_table_loop_when_a_factor_is_not_finite():
    # made-up table whose first row sums to a subnormal number: the factor 1e10 / 5e-324
    # overflows, so the fit must be exactly that of the table loop (_fit_block), from the prior.
    from mixedmig.flows.ipf import _fit_block, _fit_table

    prior = np.array([[5e-324, 0.0], [1.0, 2.0]])
    rows, cols = np.array([1e10, 3.0]), np.array([1e10 + 1.0, 2.0])
    y = prior.copy()[None]
    its, errs, conv = np.zeros(1, dtype=int), np.zeros(1), np.zeros(1, dtype=bool)
    with np.errstate(all="ignore"):
        fit = _fit_table(prior, rows, cols, 1e-10, 50)
        _fit_block(y, rows[None], cols[None], 1e-10, 50, its, errs, conv)
    np.testing.assert_array_equal(fit.fitted, y)
    assert (fit.iterations[0], fit.converged[0]) == (its[0], conv[0])


def test_single_table_path_follows_the_table_loop_on_margins_that_cannot_be_met():
    # made-up block-diagonal prior whose margins no table can meet: the factors drift apart
    # (one block's grow by 5/3 a cycle, the other's by 3), which must not turn cells into 0 or
    # inf; the non-converged table is the table loop's, here after 1000 and 3000 cycles.
    from mixedmig.flows.ipf import _fit_table

    prior = np.array([[0.3, 0.0], [0.0, 7.5]])
    rows, cols = np.array([1.0, 1.0]), np.array([5.0, 1.0]) / 3.0
    for max_iter in (1000, 3000):
        want, want_it, want_ok = _table_loop(prior, rows, cols, 1e-10, max_iter)
        fit = _fit_table(prior, rows, cols, 1e-10, max_iter)
        assert (int(fit.iterations[0]), bool(fit.converged[0])) == (want_it, want_ok)
        np.testing.assert_allclose(fit.fitted[0], want, rtol=1e-12)
        np.testing.assert_allclose(fit.fitted[0], [[5 / 3, 0.0], [0.0, 1 / 3]], rtol=1e-12)


def test_single_table_path_in_place_and_fortran_order_priors():
    # made-up 3 x 4 problem; the prior may be Fortran-ordered or read-only (inplace=False) or
    # the caller's own C-ordered copy (inplace=True, the fit is formed in it): same table.
    from mixedmig.flows.ipf import _fit_table

    prior = np.arange(1.0, 13.0).reshape(3, 4)
    rows, cols = np.array([10.0, 20.0, 30.0]), np.array([15.0, 15.0, 15.0, 15.0])
    want, want_it, _ = _table_loop(prior, rows, cols, 1e-10, 1000)
    fortran = np.asfortranarray(prior)
    fortran.flags.writeable = False
    own = prior.copy()
    for m, inplace in ((fortran, False), (own, True)):
        fit = _fit_table(m, rows, cols, 1e-10, 1000, inplace=inplace)
        assert int(fit.iterations[0]) == want_it
        np.testing.assert_allclose(fit.fitted[0], want, rtol=1e-12)
    assert np.shares_memory(fit.fitted, own)


# ------------------------------------------------------------------------------------------
# flows_from_stocks: demographic accounting (golden examples)
# ------------------------------------------------------------------------------------------

# Abel (2013) / Abel & Sander (2014) hypothetical stocks (migest ffs_demo docs, byrow = TRUE).
DR_START = by_rows([1000, 100, 10, 0, 55, 555, 50, 5, 80, 40, 800, 40, 20, 25, 20, 200])
DR_END = by_rows([950, 100, 60, 0, 80, 505, 75, 5, 90, 30, 800, 40, 40, 45, 0, 180])


def test_demographic_abel_2013_example_without_births_and_deaths():
    res = flows_demographic(DR_START, DR_END)
    assert res.converged
    # Published birthplace tables (origin x destination, stayers on the diagonal).
    expected = np.array([
        [[950, 0, 50, 0], [0, 100, 0, 0], [0, 0, 10, 0], [0, 0, 0, 0]],      # born in A
        [[55, 0, 0, 0], [25, 505, 25, 0], [0, 0, 50, 0], [0, 0, 0, 5]],      # born in B
        [[80, 0, 0, 0], [10, 30, 0, 0], [0, 0, 800, 0], [0, 0, 0, 40]],      # born in C
        [[20, 0, 0, 0], [0, 25, 0, 0], [10, 10, 0, 0], [10, 10, 0, 180]],    # born in D
    ], dtype=float)
    np.testing.assert_allclose(A(res.by_birthplace), expected, atol=1e-8)
    # Published origin-destination flows (sum over birthplaces, stayers excluded).
    od = [[0, 0, 50, 0], [35, 0, 25, 0], [10, 10, 0, 0], [10, 10, 0, 0]]
    np.testing.assert_allclose(res.flows.to_numpy(), od, atol=1e-8)
    assert res.flows.to_numpy().sum() == pytest.approx(150)
    assert list(res.flows.index) == ABCD and res.method == "demographic"
    assert "stayer" in res.assumptions and "min(start[b, i], end[b, i])" in res.assumptions


# Abel & Cohen (2019) Scientific Data example (R column-major fill).
SD_START = by_cols([100, 80, 30, 60, 10, 180, 10, 70, 10, 10, 140, 10, 0, 90, 40, 160])
SD_END = by_cols([95, 75, 55, 35, 5, 225, 0, 25, 15, 5, 115, 25, 5, 55, 50, 215])


def test_demographic_abel_cohen_2019_table_4_to_printed_precision():
    res = flows_demographic(SD_START, SD_END)
    table_4 = np.array([
        [[95, 0, 2.5, 2.5], [0, 5, 2.5, 2.5], [0, 0, 10, 0], [0, 0, 0, 0]],
        [[75, 5, 0, 0], [0, 180, 0, 0], [0, 5, 5, 0], [0, 35, 0, 55]],
        [[30, 0, 0, 0], [7.1, 0, 0, 2.9], [17.9, 0, 115, 7.1], [0, 0, 0, 40]],
        [[35, 0, 5.4, 19.6], [0, 25, 9.6, 35.4], [0, 0, 10, 0], [0, 0, 0, 160]],
    ])
    np.testing.assert_array_equal(np.round(A(res.by_birthplace), 1), table_4)
    # The same example's OD table as printed by migest (six decimals).
    od = [[0, 5, 7.857143, 22.142857],
          [7.142857, 0, 12.142857, 40.714286],
          [17.857143, 5, 0, 7.142857],
          [0, 35, 0, 0]]
    np.testing.assert_allclose(res.flows.to_numpy(), od, atol=1e-6)
    fits = res.diagnostics[res.diagnostics["step"] == "birthplace"]
    assert fits["converged"].all() and fits["item"].tolist() == ABCD
    assert len(res.diagnostics) == 4  # birthplace totals agree: no step (4) rescaling
    assert res.iterations == fits["iterations"].max()


# Abel & Sander (2014) supplementary example with births and deaths (column-major fill).
SCI_START = by_cols([1000, 55, 80, 20, 100, 555, 40, 25, 10, 50, 800, 20, 0, 5, 40, 200])
SCI_END = by_cols([1060, 45, 70, 30, 60, 540, 75, 30, 10, 40, 770, 20, 10, 0, 70, 230])


def test_demographic_abel_sander_2014_example_with_births_and_deaths():
    births = pd.Series([80, 20, 60, 60], index=ABCD)
    deaths = pd.Series([70, 30, 50, 10], index=ABCD)
    res = flows_demographic(SCI_START, SCI_END, births=births, deaths=deaths)
    # migest's printed OD table. migest stops its IPF steps when cells change by less than
    # 1e-3 (mipfp tol = 1e-3), so only about three decimals of its output are determined; we
    # fit to 1e-10 and compare at 1e-3.
    od = [[0, 3.328563, 0, 3.242990],
          [34.120952437, 0, 0.5838738, 9.809336],
          [0.004365738, 27.127753, 0, 25.711331],
          [12.446119999, 9.058478, 2.2595262, 0]]
    np.testing.assert_allclose(res.flows.to_numpy(), od, atol=1e-3)
    assert res.flows.to_numpy().sum() == pytest.approx(127.693289, abs=3e-3)
    # Demographic accounting: adjusted stocks are consistent with every birthplace table.
    np.testing.assert_allclose(A(res.by_birthplace).sum(axis=2), res.stock_start_adjusted,
                               rtol=1e-9)
    np.testing.assert_allclose(A(res.by_birthplace).sum(axis=1), res.stock_end_adjusted,
                               rtol=1e-9)
    # Residence totals after removing deaths (start) and births (end) are kept.
    np.testing.assert_allclose(res.stock_start_adjusted.sum(axis=0),
                               SCI_START.sum(axis=0).to_numpy() - deaths.to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(res.stock_end_adjusted.sum(axis=0),
                               SCI_END.sum(axis=0).to_numpy() - births.to_numpy(), rtol=1e-9)


def test_rescaling_step_that_stops_early_makes_the_result_not_converged():
    # In the Abel & Sander (2014) example the birthplace totals after removing deaths (start)
    # and births (end) differ, so step (4) rescales both tables; one iteration cannot reach
    # tol=1e-10, while every birthplace fit of step (5) still meets its own margins at once.
    births = pd.Series([80, 20, 60, 60], index=ABCD)
    deaths = pd.Series([70, 30, 50, 10], index=ABCD)
    res = flows_demographic(SCI_START, SCI_END, births=births, deaths=deaths, max_iter=1)
    rescale = res.diagnostics[res.diagnostics["step"] == "rescale"]
    fits = res.diagnostics[res.diagnostics["step"] == "birthplace"]
    assert fits["converged"].all()  # step (5) is not what failed
    assert not res.converged
    assert "step (4)" in res.message and "did NOT converge" in res.message
    assert rescale["item"].tolist() == ["start", "end"]
    assert rescale["iterations"].tolist() == [1, 1]
    assert not rescale["converged"].any()
    assert any("start and end stock table(s)" in note for note in res.notes)
    # with the default budget the same rescaling converges and the flag says so
    full = flows_demographic(SCI_START, SCI_END, births=births, deaths=deaths)
    assert full.converged and full.diagnostics["converged"].all()
    assert full.diagnostics["step"].tolist()[:2] == ["rescale", "rescale"]
    assert "step (4)" not in full.message
    # strict=True turns the unconverged step (4) into an error carrying the message
    with pytest.raises(ConvergenceError, match="step \\(4\\)"):
        flows_demographic(SCI_START, SCI_END, births=births, deaths=deaths, max_iter=1,
                          strict=True)


def _undesa_2024_stock_tables(years):
    """Notebook 02's 15 x 15 stock tables: UN DESA IMS 2024 edition, both sexes; native-born
    diagonal = UN WPP 2024 population minus the foreign-born listed from the other 14."""
    from mixedmig import countries, data, flows

    bilateral = data.load("undesa_ims_bilateral")
    bilateral = bilateral[(bilateral["edition"] == 2024) & (bilateral["sex"] == "total")]
    population = data.load("wpp2024_population")
    labels = list(countries.codes())
    tables = []
    for year in years:
        residents = (population[population["year"] == year]
                     .set_index("country")["pop_total"].astype(float))
        tables.append(flows.stock_table(bilateral[bilateral["year"] == year], residents,
                                      labels=labels))
    return tables


def test_rescaling_converges_on_real_populations_at_the_defaults():
    # UN DESA 2024 / WPP 2024 stocks 2015 and 2020 (populations up to 1.4e9, tables dominated
    # by the native-born diagonal): plain IPF needed about 2,000 cycles for step (4) at
    # tol=1e-10, so at max_iter=1000 it stopped with a "did NOT converge" note.

    start, end = _undesa_2024_stock_tables([2015, 2020])
    natural = flows.closed_system_natural_change(start, end)
    births, deaths = natural["natural_surplus"], natural["natural_deficit"]
    res = flows_demographic(start, end, births=births, deaths=deaths)
    assert res.converged
    assert not any("NOT" in note for note in res.notes)
    rescale = res.diagnostics[res.diagnostics["step"] == "rescale"]
    assert rescale["converged"].tolist() == [True, True]
    adj1, adj2 = res.stock_start_adjusted.to_numpy(), res.stock_end_adjusted.to_numpy()
    # Step (4): equal birthplace totals (their mean), residence totals kept, to tol=1e-10.
    target = 0.5 * ((start.to_numpy() * (1 - deaths.to_numpy() / start.sum(axis=0).to_numpy()))
                    .sum(axis=1)
                    + (end.to_numpy() - np.diag(births.to_numpy())).sum(axis=1))
    np.testing.assert_allclose(adj1.sum(axis=1), target, rtol=1e-10)
    np.testing.assert_allclose(adj2.sum(axis=1), target, rtol=1e-10)
    np.testing.assert_allclose(adj1.sum(axis=0), start.sum(axis=0) - deaths, rtol=1e-10)
    np.testing.assert_allclose(adj2.sum(axis=0), end.sum(axis=0) - births, rtol=1e-10)


@st.composite
def stock_pairs_with_unequal_birthplace_totals(draw):
    # Every cell positive, so a table with any positive margins of equal sum exists.
    n = draw(st.integers(2, 5))
    start = draw(arrays(np.float64, (n, n), elements=st.floats(0.01, 500.0)))
    start[np.arange(n), np.arange(n)] += draw(arrays(np.float64, n, elements=st.floats(1, 1e4)))
    end = draw(arrays(np.float64, (n, n), elements=st.floats(0.01, 500.0)))
    end[np.arange(n), np.arange(n)] += draw(arrays(np.float64, n, elements=st.floats(1, 1e4)))
    end *= start.sum() / end.sum()  # same world total: no native-born balancing in step (1)
    return start, end


@settings(max_examples=30, deadline=None)
@given(stock_pairs_with_unequal_birthplace_totals())
def test_rescaling_step_is_the_biproportional_fit(stocks):
    # Step (4) fits each stock table to the mean birthplace totals and its own residence totals
    # by y_ij = a_i b_j m_ij. With every cell positive, that fit is the unique table which meets
    # both margins and keeps every odds ratio of the prior: y_ij y_kl / (y_il y_kj) =
    # m_ij m_kl / (m_il m_kj) (Ireland & Kullback 1968; Deming & Stephan 1940).
    start, end = stocks
    res = flows_demographic(start, end)
    assert res.converged
    target = 0.5 * (start.sum(axis=1) + end.sum(axis=1))
    for table, adjusted in ((start, res.stock_start_adjusted), (end, res.stock_end_adjusted)):
        y = adjusted.to_numpy()
        np.testing.assert_allclose(y.sum(axis=1), target, rtol=1e-9)
        np.testing.assert_allclose(y.sum(axis=0), table.sum(axis=0), rtol=1e-9)
        log_ratio = np.log(y) - np.log(table)  # = u_i + v_j for a biproportional fit
        interaction = (log_ratio - log_ratio.mean(axis=1, keepdims=True)
                       - log_ratio.mean(axis=0, keepdims=True) + log_ratio.mean())
        np.testing.assert_allclose(interaction, 0.0, atol=1e-8)


def test_demographic_world_totals_balanced_through_native_born_stocks():
    # The Abel (2013) stocks do not change in total (3000 -> 3000), but 10 births and no deaths
    # imply growth of 10. Half the gap (5) is taken from the start native-born stocks and half
    # added to the end native-born stocks; the 10 births then leave the end native-born of A.
    # Both adjusted tables must therefore total 3000 - 5 = 3000 + 5 - 10 = 2995.
    res = flows_demographic(DR_START, DR_END, births=[10, 0, 0, 0], deaths=[0, 0, 0, 0])
    assert any("births - deaths by 10;" in note for note in res.notes)
    assert res.stock_start_adjusted.to_numpy().sum() == pytest.approx(2995)
    assert res.stock_end_adjusted.to_numpy().sum() == pytest.approx(2995)
    # native-born start stocks lose 5 in proportion to their size (1000, 555, 800, 200)
    # (no deaths, so residence totals at the start change only by that): A loses 5*1000/2555
    np.testing.assert_allclose(res.stock_start_adjusted.to_numpy().sum(axis=0),
                               [1155 - 5000 / 2555, 720 - 2775 / 2555, 880 - 4000 / 2555,
                                245 - 1000 / 2555], rtol=1e-9)
    assert res.converged


def test_demographic_births_exceeding_native_born_are_spread_over_the_column():
    # Abel (2018, International Migration Review) supplementary example: 50 births in B but
    # only 45 B-born residents of B at the end, so B's births are spread over column B.
    start = by_cols([100, 20, 10, 20, 10, 55, 40, 25, 10, 25, 140, 20, 0, 10, 65, 200])
    end = by_cols([75, 20, 30, 30, 25, 45, 40, 30, 5, 30, 150, 20, 0, 15, 60, 230])
    res = flows_demographic(start, end, births=[10, 50, 25, 60], deaths=[30, 10, 40, 10])
    od = [[0, 8.126216, 0, 0],
          [15.45535, 0, 18.081832, 5.712864],
          [0, 1.125679, 0, 0],
          [17.66941, 0, 8.043363, 0]]
    # migest's printed values (two chained fits at mipfp tol = 1e-3) agree to ~1e-3.
    np.testing.assert_allclose(res.flows.to_numpy(), od, atol=2e-3)
    assert any("['B']" in note for note in res.notes)


IMR_START = by_cols([100, 20, 10, 20, 10, 55, 40, 25, 10, 25, 140, 20, 0, 10, 65, 200])
IMR_END = by_cols([70, 25, 10, 40, 30, 60, 55, 45, 10, 10, 140, 0, 10, 15, 50, 180])


def test_demographic_abel_2018_example_and_prior_effect_derived_by_hand():
    res = flows_demographic(IMR_START, IMR_END)
    od = [[0, 20, 0, 10], [0, 0, 0, 0], [15, 15, 0, 5], [10, 25, 0, 0]]
    np.testing.assert_allclose(res.flows.to_numpy(), od, atol=1e-8)
    # With the distance matrix of the same example as prior, only birthplace D has a table that
    # is not determined by its margins: its movers leave C and D (20 each) for A and B (20
    # each), a 2x2 block with prior [[50, 45], [500, 495]]. The fit keeps the prior odds ratio
    # theta = 50*495 / (45*500) = 1.1, so C->A = D->B = x with x^2/(20-x)^2 = 1.1:
    # x = 20*sqrt(1.1) / (1 + sqrt(1.1)).
    distance = by_rows([0, 5, 50, 500, 5, 0, 45, 495, 50, 45, 0, 450, 500, 495, 450, 0])
    with_prior = flows_demographic(IMR_START, IMR_END, prior=distance)
    x = 20 * math.sqrt(1.1) / (1 + math.sqrt(1.1))
    born_d = A(with_prior.by_birthplace)[3]
    np.testing.assert_allclose(born_d[2:, :2], [[x, 20 - x], [20 - x, x]], rtol=1e-9)
    # the other birthplaces are unchanged by the prior (one mover origin or destination each)
    np.testing.assert_allclose(A(with_prior.by_birthplace)[:3], A(res.by_birthplace)[:3], atol=1e-8)


def test_demographic_uniform_prior_has_closed_form():
    # With stayers = min(start, end), a region has leftover starts or leftover ends, never both,
    # so with a prior of ones the movers form an independence table: y_ij = r_i c_j / T.
    res = flows_demographic(SD_START, SD_END)
    s1, s2 = SD_START.to_numpy(), SD_END.to_numpy()
    for b in range(4):
        stay = np.minimum(s1[b], s2[b])
        r, c = s1[b] - stay, s2[b] - stay
        expected = np.outer(r, c) / r.sum() + np.diag(stay)
        np.testing.assert_allclose(A(res.by_birthplace)[b], expected, atol=1e-9)


@st.composite
def closed_stock_pairs(draw):
    n = draw(st.integers(2, 5))
    start = draw(arrays(np.float64, (n, n), elements=st.floats(0.0, 500.0)))
    start[np.arange(n), np.arange(n)] += draw(arrays(np.float64, n, elements=st.floats(1, 1e4)))
    weights = draw(arrays(np.float64, (n, n), elements=st.floats(0.01, 10.0)))
    end = weights * (start.sum(axis=1) / weights.sum(axis=1))[:, None]  # same birthplace totals
    prior = draw(st.none() | arrays(np.float64, (n, n), elements=st.floats(0.1, 10.0)))
    return start, end, prior


@settings(max_examples=40, deadline=None)
@given(closed_stock_pairs())
def test_demographic_flows_reproduce_stock_changes(stocks):
    start, end, prior = stocks
    res = flows_demographic(start, end, prior=prior, max_iter=5000)
    assert res.converged
    cube = A(res.by_birthplace)
    assert (cube >= 0).all() and (res.flows.to_numpy() >= 0).all()
    assert np.all(np.diag(res.flows.to_numpy()) == 0)
    # for every birthplace: end - start in each region = inflow - outflow of that region
    movers = cube.copy()
    idx = np.arange(len(start))
    movers[:, idx, idx] = 0.0
    net = movers.sum(axis=1) - movers.sum(axis=2)
    np.testing.assert_allclose(net, end - start, atol=1e-7 * max(1.0, start.max()))
    np.testing.assert_allclose(np.diagonal(cube, axis1=1, axis2=2), np.minimum(start, end),
                               atol=1e-9 * max(1.0, start.max()))


# ------------------------------------------------------------------------------------------
# flows_from_stocks: differencing and rates
# ------------------------------------------------------------------------------------------

DIFF_START = by_rows([100, 10, 10, 0, 20, 55, 25, 10, 10, 40, 140, 65, 20, 25, 20, 200])
DIFF_END = by_rows([75, 25, 5, 15, 20, 45, 30, 15, 30, 40, 150, 35, 10, 50, 5, 200])


def test_difference_method_zero_and_return():
    zero = flows_difference(DIFF_START, DIFF_END, negative="zero")
    np.testing.assert_array_equal(zero.flows.to_numpy(),
                                  [[0, 15, 0, 15], [0, 0, 5, 5], [20, 0, 0, 0], [0, 25, 0, 0]])
    back = flows_difference(DIFF_START, DIFF_END, negative="return")
    np.testing.assert_array_equal(back.flows.to_numpy(),
                                  [[0, 15, 0, 25], [0, 0, 5, 5], [25, 0, 0, 15], [0, 25, 30, 0]])
    # D-born persons in A fell 20 -> 10: read as 10 returns A -> D, recorded under birthplace D
    assert A(back.by_birthplace)[3, 0, 3] == 10
    assert "Beine" in back.assumptions


def test_rates_method_dennett_shares_of_foreign_born_stock():
    # Foreign-born stock at the start is 750 - 495 = 255; with a world total of 60 flows each
    # corridor gets 60 * stock / 255 (migest ffs_rates example, M = sum |net change| = 60).
    res = flows_rates(DIFF_START, DIFF_END, total_flow=60)
    expected = 60 * DIFF_START.to_numpy() / 255
    np.fill_diagonal(expected, 0)
    np.testing.assert_allclose(res.flows.to_numpy(), expected, rtol=1e-12)
    assert res.flows.loc["C", "D"] == pytest.approx(15.294118, abs=1e-6)
    assert res.flows.to_numpy().sum() == pytest.approx(60)
    assert "Dennett" in res.assumptions


# ------------------------------------------------------------------------------------------
# flows_from_stocks: validation
# ------------------------------------------------------------------------------------------


def test_flows_from_stocks_validates_inputs():
    # issue 8 / review C9: the same regions in another order are matched by label
    shuffled = DR_END.loc[["B", "A", "C", "D"], ["D", "A", "C", "B"]]
    for method, kw in (("demographic", {}), ("difference", {}), ("rates", {"total_flow": 9})):
        np.testing.assert_array_equal(
            A(flows_from_stocks(DR_START, shuffled, method, **kw).by_birthplace),
            A(flows_from_stocks(DR_START, DR_END, method, **kw).by_birthplace))
    other = DR_END.rename(index={"D": "E"}, columns={"D": "E"})
    with pytest.raises(SchemaError, match=r"stock_end must hold the regions .*missing: \['D'\]"):
        flows_from_stocks(DR_START, other)
    with pytest.raises(SchemaError, match="square"):
        flows_from_stocks(DR_START.iloc[:, :3], DR_END)
    negative = DR_END.copy()
    negative.loc["A", "B"] = -1
    with pytest.raises(DataError, match="negative"):
        flows_from_stocks(DR_START, negative)
    with pytest.raises(InputError, match="births is only used by method='demographic'"):
        flows_from_stocks(DR_START, DR_END, births=[1, 1, 1, 1], method="difference")
    with pytest.raises(InputError, match="total_flow"):
        flows_from_stocks(DR_START, DR_END, method="rates")
    with pytest.raises(InputError, match="only used by method='rates'"):
        flows_from_stocks(DR_START, DR_END, total_flow=10)
    with pytest.raises(DataError, match="no value for regions"):
        flows_from_stocks(DR_START, DR_END, births=pd.Series([1.0], index=["A"]))
    with pytest.raises(InputError, match="prior="):
        flows_from_stocks(DR_START, DR_END, seed=np.ones((4, 4)))
    with pytest.raises(InputError, match="method must be one of"):
        flows_from_stocks(DR_START, DR_END, method="gravity")
    with pytest.raises(InputError, match="negative must be"):
        flows_difference(DR_START, DR_END, negative="abs")
    with pytest.raises(InputError, match="non-negative"):
        flows_rates(DR_START, DR_END, total_flow=-1.0)


def test_dispatcher_returns_the_same_numbers_as_each_method():
    pairs = [
        (flows_from_stocks(DR_START, DR_END), flows_demographic(DR_START, DR_END)),
        (flows_from_stocks(DIFF_START, DIFF_END, method="difference", negative="return"),
         flows_difference(DIFF_START, DIFF_END, negative="return")),
        (flows_from_stocks(DIFF_START, DIFF_END, method="rates", total_flow=60),
         flows_rates(DIFF_START, DIFF_END, total_flow=60)),
    ]
    for via, direct in pairs:
        assert via.method == direct.method
        np.testing.assert_array_equal(A(via.by_birthplace), A(direct.by_birthplace))


def test_flows_result_to_frame_is_the_off_diagonal_long_table():
    # Abel (2013) example: published OD flows A->C 50, B->A 35, B->C 25, C->A 10, C->B 10,
    # D->A 10, D->B 10, all others 0; 12 off-diagonal pairs.
    frame = flows_demographic(DR_START, DR_END).to_frame()
    assert list(frame.columns) == ["orig", "dest", "flow"] and len(frame) == 12
    assert (frame["orig"] != frame["dest"]).all()
    flow = frame.set_index(["orig", "dest"])["flow"]
    assert flow[("B", "A")] == pytest.approx(35) and flow[("A", "B")] == pytest.approx(0)
    assert frame["flow"].sum() == pytest.approx(150)
    closed = flows_difference(DIFF_START, DIFF_END)
    assert closed.converged and closed.iterations == 0 and closed.diagnostics.empty


def test_by_birthplace_long_table():
    res = flows_demographic(DR_START, DR_END)
    long = res.by_birthplace_long(drop_zero=True)
    assert list(long.columns) == ["birthplace", "orig", "dest", "value"]
    row = long[(long.birthplace == "D") & (long.orig == "C") & (long.dest == "A")]
    assert row["value"].item() == pytest.approx(10)
    assert long["value"].sum() == pytest.approx(DR_START.to_numpy().sum())


# ------------------------------------------------------------------------------------------
# net_matrix
# ------------------------------------------------------------------------------------------


def test_net_matrix_migest_example_to_two_decimals():
    prior = by_rows([0, 100, 30, 70, 50, 0, 45, 5, 60, 35, 0, 40, 20, 25, 20, 0])
    res = net_matrix(pd.Series([30, 40, -15, -55], index=ABCD), prior)
    printed = [[0.00, 80.58, 26.05, 34.78],
               [62.05, 0.00, 48.48, 3.08],
               [69.11, 32.48, 0.00, 22.89],
               [40.25, 40.55, 34.95, 0.00]]
    np.testing.assert_array_equal(res.flows.round(2).to_numpy(), printed)
    assert list(res.flows.index) == ABCD and list(res.flows.columns) == ABCD
    in_minus_out = res.flows.sum(axis=0) - res.flows.sum(axis=1)
    np.testing.assert_allclose(in_minus_out, [30, 40, -15, -55], rtol=1e-9)
    assert res.converged


def test_net_matrix_two_regions_closed_form():
    # y_12 = alpha_2/alpha_1 = r and y_21 = 1/r with a prior of ones; net_1 = y_21 - y_12 = 1.5
    # gives 1/r - r = 1.5, r = (-1.5 + sqrt(1.5^2 + 4)) / 2 = 0.5.
    res = net_matrix([1.5, -1.5])
    np.testing.assert_allclose(A(res.flows), [[0, 0.5], [2.0, 0]], rtol=1e-10)
    assert list(res.flows.index) == [0, 1]  # positional labels without input labels


def test_net_matrix_rejects_totals_not_summing_to_zero_and_infeasible_patterns():
    with pytest.raises(InfeasibleError, match="sum to 5"):
        net_matrix([10, -5, 0])
    prior = np.array([[0, 1, 0], [1, 0, 0], [1, 1, 0]], float)  # column 2 empty: no inflow to 2
    with pytest.raises(InfeasibleError, match="no flow into it"):
        net_matrix([-5, 0, 5], prior)


def test_net_matrix_result_protocol_and_strict():
    # Two regions, prior of ones: flows [[0, 0.5], [2, 0]] (see the closed form above).
    res = net_matrix(pd.Series([1.5, -1.5], index=["KHM", "THA"]))
    frame = res.to_frame()
    assert list(frame.columns) == ["orig", "dest", "flow"]
    np.testing.assert_allclose(frame["flow"], [0, 0.5, 2.0, 0], rtol=1e-10, atol=1e-12)
    diag = res.diagnostics.set_index("region")
    np.testing.assert_allclose(diag["net_target"], [1.5, -1.5])
    np.testing.assert_allclose(diag["net_fitted"], [1.5, -1.5], rtol=1e-9)
    assert not diag["isolated"].any()
    prior_table = by_rows([0, 100, 30, 70, 50, 0, 45, 5, 60, 35, 0, 40, 20, 25, 20, 0])
    with pytest.raises(ConvergenceError, match="did NOT converge after 1 sweep"):
        net_matrix(pd.Series([30, 40, -15, -55], index=ABCD), prior_table, max_iter=1,
                   strict=True)


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 6).flatmap(lambda n: st.tuples(
    arrays(np.float64, n, elements=st.floats(-1000, 1000)),
    arrays(np.float64, (n, n), elements=st.floats(0.1, 100.0)))))
def test_net_matrix_reproduces_net_totals(data):
    net, prior = data
    net = net - net.mean()
    res = net_matrix(net, prior)
    assert res.converged
    flows_ = A(res.flows)
    assert (flows_ >= 0).all() and np.all(np.diag(flows_) == 0)
    np.testing.assert_allclose(flows_.sum(axis=0) - flows_.sum(axis=1), net,
                               atol=1e-9 * max(1.0, np.abs(net).max()))


# ------------------------------------------------------------------------------------------
# issue 8, item 2: inputs no fit can reconcile are rejected before iterating
# ------------------------------------------------------------------------------------------

# The issue's numbers: row totals summing to 12,345,678 and column totals to 12,345,679.
ISSUE_ROWS = [6172839.0, 6172839.0]
ISSUE_COLS = [6172839.0, 6172840.0]


def test_ipf2_rejects_a_gap_the_fit_cannot_close_before_iterating():
    # Old code: the relative check (1e-6) let a gap of 1 pass, then 1,000 cycles and a bare
    # "did NOT converge". After a column step row i is off by r_i * gap / S (scaled error
    # gap / S = 8.1e-8 > tol = 1e-10), so the fit can never converge.
    with pytest.raises(InfeasibleError, match=r"sum to 12345678 but column totals sum to "
                                              r"12345679 \(gap -1\).*rescale=True"):
        ipf2(ISSUE_ROWS, ISSUE_COLS)
    with pytest.raises(InfeasibleError, match=r"gap -1\b.*movers"):
        ipf2_quasi([6172839.0, 6172839.0, 5.0], [6172839.0, 6172840.0, 5.0])
    # the same gap is fine for a looser tolerance: limit tol / 2 * S = 6.2 at tol = 1e-6
    loose = ipf2(ISSUE_ROWS, ISSUE_COLS, tol=1e-6)
    assert loose.converged and loose.diagnostics["total_gap"].item() == -1.0
    # a rounding-level gap (1e-4 < 0.5e-10 * 12345678 = 6.2e-4) still converges to tol
    close = ipf2(ISSUE_ROWS, [6172839.0, 6172839.0001])
    assert close.converged


def test_ipf2_rescale_fits_both_margins_to_their_mean_and_records_it():
    res = ipf2(ISSUE_ROWS, ISSUE_COLS, rescale=True)
    assert res.converged
    mean = (12345678 + 12345679) / 2
    np.testing.assert_allclose(A(res.fitted).sum(axis=1), np.multiply(ISSUE_ROWS, mean / 12345678),
                               rtol=1e-12)
    np.testing.assert_allclose(A(res.fitted).sum(axis=0), np.multiply(ISSUE_COLS, mean / 12345679),
                               rtol=1e-12)
    diag = res.diagnostics.iloc[0]
    assert bool(diag["rescaled"]) and diag["total_gap"] == -1.0
    assert diag["row_scale"] == pytest.approx(mean / 12345678, rel=1e-15)
    assert diag["col_scale"] == pytest.approx(mean / 12345679, rel=1e-15)
    assert "rescaled" in res.message
    # made-up 100 vs 102: independence table of [30.3, 70.7] and [40*101/102, 62*101/102]
    small = ipf2([30, 70], [40, 62], rescale=True)
    r, c = np.array([30, 70]) * 1.01, np.array([40, 62]) * 101 / 102
    np.testing.assert_allclose(A(small.fitted), np.outer(r, c) / 101, rtol=1e-12)
    with pytest.raises(InfeasibleError, match="cannot rescale"):
        ipf2([0, 0], [1, 2], rescale=True)
    # without a gap, rescale changes nothing
    same = ipf2([30, 70], [40, 60], rescale=True)
    assert same.diagnostics[["row_scale", "col_scale"]].values.tolist() == [[1.0, 1.0]]


def test_ipf3_layers_are_checked_and_rescaled_like_ipf2():
    prior = np.ones((2, 2, 2))
    t01 = np.array([[1.0, 1.0], ISSUE_ROWS])
    t02 = np.array([[0.5, 1.5], ISSUE_COLS])
    with pytest.raises(InfeasibleError, match=r"axis 0 total at index 1: .*12345678 .* "
                                              r"12345679 \(gap -1\)"):
        ipf3(prior, {(0, 1): t01, (0, 2): t02})
    res = ipf3(prior, {(0, 1): t01, (0, 2): t02}, rescale=True)
    assert res.converged
    assert res.diagnostics["rescaled"].tolist() == [True, True]
    assert res.diagnostics["row_scale"].tolist()[0] == 1.0  # layer 0 already agreed
    mean = (12345678 + 12345679) / 2
    np.testing.assert_allclose(A(res.fitted)[1].sum(), mean, rtol=1e-12)
    # the general three-way fit checks shared totals the same way, and never rescales
    t12 = np.array([[2.0, 2.0], [3.0, 3.0]])  # axis-1 totals 4, 6 vs t01's 4, 7
    with pytest.raises(InputError, match="rescale=True is defined for the margins"):
        ipf3(np.ones((2, 2, 2)), {(0, 1): [[1, 2], [3, 5]], (1, 2): t12}, rescale=True)
    with pytest.raises(InfeasibleError, match=r"axis 1 total at index 1: .*sum to 7 but .*"
                                              r"sum to 6 \(gap 1\)") as info:
        ipf3(np.ones((2, 2, 2)), {(0, 1): [[1, 2], [3, 5]], (1, 2): t12})
    assert "rescale=True" not in str(info.value)


def test_net_matrix_rejects_a_gap_the_fit_cannot_close_before_iterating():
    # Net totals summing to -1: old code (relative check 1e-6 of sum |net| = 2e6) swept
    # 10,000 times and returned "did NOT converge". The achieved totals always sum to zero,
    # so the errors sum to 1 and the scaled error is at least 1 / 2e6 = 5e-7 > tol.
    net = [-1e6, 3e5, 7e5 - 1]
    with pytest.raises(InfeasibleError, match=r"sum to -1, not zero .*gap -1\b.*rescale=True"):
        net_matrix(net)
    res = net_matrix(net, rescale=True)
    assert res.converged
    gains, losses = 1e6 - 1, 1e6
    mean = (gains + losses) / 2
    diag = res.diagnostics
    np.testing.assert_allclose(diag["scale"], [mean / losses, mean / gains, mean / gains],
                               rtol=1e-15)
    np.testing.assert_allclose(diag["net_target"], np.multiply(net, diag["scale"]), rtol=1e-15)
    np.testing.assert_allclose(diag["net_given"], net)
    flows_ = A(res.flows)
    np.testing.assert_allclose(flows_.sum(axis=0) - flows_.sum(axis=1), diag["net_target"],
                               rtol=1e-9)
    # a rounding-level gap (1e-6 <= 0.5e-10 * 2e6) converges, judged against the totals given
    close = net_matrix([-1e6, 1e6 + 1e-6])
    assert close.converged and close.diagnostics["scale"].tolist() == [1.0, 1.0]


def test_net_matrix_rejects_a_closed_group_that_cannot_balance():
    # Made-up prior: flows only A <-> B and C <-> D. A and B lose 2 and gain 1 between them
    # and no allowed flow leaves the group, so no flows give these totals (each region alone
    # can send and receive, so only the group condition finds it).
    prior = np.zeros((4, 4))
    prior[0, 1] = prior[1, 0] = prior[2, 3] = prior[3, 2] = 1.0
    with pytest.raises(InfeasibleError, match=r"regions \[0, 1\] have net losses of 2 .* "
                                              r"total only 1 \(short by 1\)"):
        net_matrix([-2.0, 1.0, -1.0, 2.0], prior)
    # balanced within each group it fits: y_AB = r, y_BA = 1/r with 1/r - r = -1
    res = net_matrix([-1.0, 1.0, -1.0, 1.0], prior)
    r = (1 + math.sqrt(5)) / 2
    np.testing.assert_allclose(A(res.flows)[0, 1], r, rtol=1e-9)


def test_flows_demographic_balances_any_world_gap_its_fits_cannot_absorb():
    # A world-total gap of -0.001 persons (3.3e-7 of 3,000; under the old 1e-6 threshold) was
    # left unbalanced, and step (4) then fitted margins 0.0005 apart: "did NOT converge".
    births = pd.Series([10 - 1e-3, 0, 0, 0], index=ABCD)
    deaths = pd.Series([10.0, 0, 0, 0], index=ABCD)
    res = flows_demographic(DR_START, DR_END, births=births, deaths=deaths)
    assert res.converged
    assert any("births - deaths by -0.001;" in note for note in res.notes)
    # g = (B - D) - (S_end - S_start) = -0.001: start + 0.0005, end - 0.0005, then minus
    # deaths (10) and births (9.999): both tables hold 3000.0005 - 10 = 2990.0005 persons
    assert res.stock_start_adjusted.to_numpy().sum() == pytest.approx(2990.0005, abs=1e-9)
    assert res.stock_end_adjusted.to_numpy().sum() == pytest.approx(2990.0005, abs=1e-9)


def test_flows_demographic_rejects_a_prior_no_birthplace_table_can_fit():
    # Prior forbidding every flow out of A: A-born movers leave A (50 of them) with nowhere
    # to go, so the birthplace-A fit could never converge.
    prior = np.ones((4, 4))
    prior[0, 1:] = 0.0
    with pytest.raises(InfeasibleError, match=r"\(layer 0\).*rows \['A'\] need 50"):
        flows_demographic(DR_START, DR_END, prior=prior)


def test_flows_demographic_docstring_states_the_migest_seed_difference():
    # migest 2.0.5 ffs_demo (R/ffs_demo.R): with stayer_assumption = TRUE the movers are fitted
    # by mipfp::Ipfp(seed = diag_zero, ...); `seed` enters only the stayer_assumption = FALSE
    # branch. mixedmig applies the prior (Abel 2013), so the seeded example differs.
    doc = " ".join(flows_demographic.__doc__.split())
    assert "migest 2.0.5 ``ffs_demo`` does not" in doc
    assert "diag_zero" in doc and "only when ``stayer_assumption = FALSE``" in doc
    assert "Abel (2013" in doc and "e2 <- ffs_demo(..., seed = dd)" in doc


# ------------------------------------------------------------------------------------------
# issue 8 (review 7): labelled results, option checks, messages, one OD validator
# ------------------------------------------------------------------------------------------


def test_results_hold_one_labelled_frame_per_output():
    # review A1: no bare arrays beside labels, no duplicate fields.
    res = net_matrix(pd.Series([1.5, -1.5], index=["KHM", "THA"]))
    assert not hasattr(res, "table")
    assert res.flows.loc["THA", "KHM"] == pytest.approx(2.0)  # closed form r = 2 (see above)
    stocks = flows_demographic(DR_START, DR_END)
    assert not hasattr(stocks, "labels")
    frame = stocks.by_birthplace
    assert isinstance(frame, pd.DataFrame)
    assert frame.index.names == ["birthplace", "orig"] and frame.columns.name == "dest"
    # by_birthplace.loc[(b, i), j] agrees with the long table, cell by cell
    long = stocks.by_birthplace_long().set_index(["birthplace", "orig", "dest"])["value"]
    for b, i, j in [("D", "C", "A"), ("A", "A", "A"), ("B", "D", "C")]:
        assert frame.loc[(b, i), j] == long.loc[(b, i, j)]
    # summing over birthplaces gives the OD flows off the diagonal
    od = frame.groupby(level="orig").sum().loc[ABCD, ABCD].to_numpy().copy()
    np.fill_diagonal(od, 0)
    np.testing.assert_allclose(od, stocks.flows.to_numpy())


@pytest.mark.parametrize("bad", [-1, 0, float("nan"), float("inf"), "1e-10", True])
def test_every_iterative_routine_rejects_a_bad_tol(bad):
    # review B5: tol=-1 used to run every iteration; one option check for all routines.
    for call in (lambda: ipf2([1, 2], [2, 1], tol=bad),
                 lambda: ipf3(np.ones((1, 2, 2)), {(0, 1): [[1, 2]], (0, 2): [[2, 1]]}, tol=bad),
                 lambda: net_matrix([1.0, -1.0], tol=bad),
                 lambda: flows_demographic(DR_START, DR_END, tol=bad)):
        with pytest.raises(InputError, match="tol must be a finite number > 0"):
            call()


@pytest.mark.parametrize("bad", [0, -3, "10", 10.0, True, None])
def test_every_iterative_routine_rejects_a_bad_max_iter(bad):
    # review B4 / B5: max_iter="10" raised a numpy TypeError, max_iter=0 was accepted.
    for call in (lambda: ipf2([1, 2], [2, 1], max_iter=bad),
                 lambda: ipf2_quasi([1, 2], [2, 1], max_iter=bad),
                 lambda: ipf3(np.ones((1, 2, 2)), {(0, 1): [[1, 2]], (0, 2): [[2, 1]]},
                              max_iter=bad),
                 lambda: net_matrix([1.0, -1.0], max_iter=bad),
                 lambda: flows.compare_methods(DR_START, DR_END, births=None, deaths=None,
                                         max_iter=bad)):
        with pytest.raises(InputError, match="max_iter must be an integer >= 1"):
            call()


@pytest.mark.parametrize("key", ["01", ("0", "1"), (0, 0), (0, 3), (0,), (0, 1, 2), 5,
                                 (True, 1), (0.0, 1.0)])
def test_ipf3_rejects_margin_keys_that_are_not_a_pair_of_int_axes(key):
    # review B4: {"foo": t} raised ValueError at int(); "01" was read as (0, 1).
    with pytest.raises(InputError, match="is not a pair of two different axes"):
        ipf3(np.ones((2, 2, 2)), {key: np.ones((2, 2))})


def test_ipf3_rejects_the_same_margin_twice():
    with pytest.raises(InputError, match="given twice"):
        ipf3(np.ones((2, 2, 2)), {(0, 1): np.ones((2, 2)), (1, 0): np.ones((2, 2))})


def test_net_matrix_totals_with_gains_only_name_the_sign_problem_not_minus_zero():
    # review B8: net_matrix([1., 2.]) said "net losses -0 ... multiply the gains by -0 / 3".
    with pytest.raises(InfeasibleError) as err:
        net_matrix([1.0, 2.0])
    message = str(err.value)
    assert "-0" not in message and "multiply" not in message
    assert "all net gains" in message and "no region has net losses" in message
    with pytest.raises(InfeasibleError, match="all net losses"):
        net_matrix([-1.0, -2.0], rescale=True)


def test_priors_in_another_label_order_are_matched_by_label():
    # review C9: a labelled prior is reordered to the margins' (net totals', stocks') labels.
    prior = by_rows([0, 100, 30, 70, 50, 0, 45, 5, 60, 35, 0, 40, 20, 25, 20, 0])
    net = pd.Series([30, 40, -15, -55], index=ABCD)
    shuffled = prior.loc[["C", "A", "D", "B"], ["B", "D", "A", "C"]]
    pd.testing.assert_frame_equal(net_matrix(net, shuffled).flows, net_matrix(net, prior).flows)
    rows = pd.Series([10.0, 20.0, 30.0, 40.0], index=ABCD)
    cols = pd.Series([40.0, 30.0, 20.0, 10.0], index=ABCD)
    pd.testing.assert_frame_equal(ipf2(rows, cols, shuffled + 1).fitted,
                                  ipf2(rows, cols, prior + 1).fitted)
    pd.testing.assert_frame_equal(
        flows_demographic(DR_START, DR_END, prior=shuffled + 1).flows,
        flows_demographic(DR_START, DR_END, prior=prior + 1).flows)
    with pytest.raises(SchemaError, match="missing"):
        net_matrix(net, prior.rename(index={"D": "E"}, columns={"D": "E"}))
    with pytest.raises(SchemaError, match="differ from the labels of the row totals"):
        ipf2(rows, cols, prior.rename(index={"D": "E"}))


def test_same_bad_matrix_raises_the_same_class_in_flows_and_indices():
    # review B7 / C9: a non-square matrix, a list instead of a frame, other regions on the
    # columns: SchemaError from both rooms (one validator, check_od_matrix).
    from mixedmig import indices

    square = by_rows(range(16))
    for bad in (square.iloc[:, :3], "not a table", square.rename(columns={"D": "E"})):
        for call in (lambda b=bad: to_long(b), lambda b=bad: flows_difference(b, b),
                     lambda b=bad: indices.migration_totals(b),
                     lambda b=bad: flows.closed_system_natural_change(b, b)):
            with pytest.raises(SchemaError):
                call()


def test_fast_ipf_core_matches_the_plain_alternating_scaling_loop():
    # issue 12 item 2: the faster cores (block-wise, cached margin sums, compaction for layers;
    # the factor form for one table) must give the cycles of the textbook loop "scale rows,
    # scale columns, check both margins" and its numbers: bit for bit for layers, to 1e-12
    # relative for one table (the factor form rounds each cell twice, not twice per cycle).
    rng = np.random.default_rng(3)
    prior = rng.lognormal(0.0, 2.0, size=(30, 30))
    rows = rng.uniform(10, 500, 30)
    cols = rng.uniform(10, 500, 30)
    cols *= rows.sum() / cols.sum()
    y = prior.copy()
    for it in range(1, 10_000):
        y *= (rows / y.sum(axis=1))[:, None]
        y *= (cols / y.sum(axis=0))[None, :]
        if max((np.abs(y.sum(axis=1) - rows) / np.maximum(1, rows)).max(),
               (np.abs(y.sum(axis=0) - cols) / np.maximum(1, cols)).max()) <= 1e-10:
            break
    res = ipf2(rows, cols, prior)
    assert res.iterations == it
    np.testing.assert_allclose(A(res.fitted), y, rtol=1e-12, atol=0)
    # layers converging at different cycles (compaction) still equal their own 2-D fits
    priors = rng.lognormal(0.0, 2.0, size=(9, 12, 12))
    priors[::3] = 1.0  # independence layers converge in one cycle
    r3 = rng.uniform(10, 500, (9, 12))
    c3 = rng.uniform(10, 500, (9, 12))
    c3 *= (r3.sum(axis=1) / c3.sum(axis=1))[:, None]
    layered = ipf3(priors, {(0, 1): r3, (0, 2): c3})
    its = layered.diagnostics["iterations"].to_numpy()
    assert len(set(its)) > 2
    for k in range(9):
        single = ipf2(r3[k], c3[k], priors[k])
        np.testing.assert_allclose(A(layered.fitted)[k], A(single.fitted), rtol=1e-12, atol=0)
        assert its[k] == single.iterations


# ------------------------------------------------------------------------------------------
# issue 8 item 2: inputs that can never converge are rejected up front (review of ipf3/ipf2)
# ------------------------------------------------------------------------------------------


def test_ipf3_three_pairwise_consistent_margins_no_table_meets_are_rejected_up_front():
    # Worked by hand: t01 = t02 = A = [[45, 5], [5, 45]], t12 = B = [[5, 45], [45, 5]]; every
    # pair agrees on its shared one-way totals (all 50). t12[0, 0] = 5 gives y000 <= 5 and
    # t12[1, 1] = 5 gives y111 <= 5; then t01[0, 0] = 45 gives y001 >= 40 and t02[1, 1] = 45
    # gives y101 >= 40, so y001 + y101 >= 80 > t12[0, 1] = 45: no non-negative table exists.
    # Old code: 1,000 iterations, then "did NOT converge ... Raise max_iter".
    a = np.array([[45.0, 5.0], [5.0, 45.0]])
    b = np.array([[5.0, 45.0], [45.0, 5.0]])
    with pytest.raises(InfeasibleError, match=r"no table .* meets the three margins .* "
                                              r"although each pair agrees.*no number of "
                                              r"iterations can converge"):
        ipf3(np.ones((2, 2, 2)), {(0, 1): a, (0, 2): a, (1, 2): b})
    # Cross-check with an independent LP written here: equality constraints, no solution.
    from scipy.optimize import linprog
    rows, rhs = [], []
    for axis, target in ((2, a), (1, a), (0, b)):  # the axis each margin sums over
        for idx in np.ndindex(2, 2):
            mask = np.zeros((2, 2, 2))
            mask[tuple(np.insert(np.array(idx, dtype=object), axis, slice(None)))] = 1
            rows.append(mask.reshape(-1))
            rhs.append(target[idx])
    assert linprog(np.zeros(8), A_eq=np.array(rows), b_eq=rhs, method="highs").status == 2


def test_ipf3_three_margins_met_only_with_forced_zeros_are_rejected():
    # Made-up 2x2x2 table T with zeros at (0,0,0) and (1,1,1). With its three margins fixed,
    # every table is T + lam * D, D[k,i,j] = (-1)**(k+i+j) (one degree of freedom); the zero
    # at (0,0,0) (D = +1) needs lam >= 0 and the one at (1,1,1) (D = -1) lam <= 0, so T is
    # the only table and both cells are forced zeros (IPF on a prior of ones crawls to them).
    t = np.array([[[0, 1], [1, 1]], [[1, 1], [1, 0]]], dtype=float)
    margins = {(0, 1): t.sum(2), (0, 2): t.sum(1), (1, 2): t.sum(0)}
    with pytest.raises(InfeasibleError, match=r"force cells \(layer, orig, dest\) "
                                              r"\[\(0, 0, 0\), \(1, 1, 1\)\].*structural zeros"):
        ipf3(np.ones((2, 2, 2)), margins)
    zeros = t == 0  # declaring them, as the message says, gives T at once
    res = ipf3(np.ones((2, 2, 2)), margins, structural_zeros=zeros)
    assert res.converged
    np.testing.assert_allclose(A(res.fitted).reshape(2, 2, 2), t, atol=1e-9)


@pytest.mark.parametrize("keys", [[(1, 2)], [(0, 1), (1, 2)], [(0, 2), (1, 2)],
                                  [(0, 1), (0, 2), (1, 2)]])
def test_ipf3_prior_zero_where_a_margin_needs_people_is_rejected_for_every_margin_set(keys):
    # Prior zero at (orig, dest) = (0, 1) and (1, 0) in every layer, all margins 5: margin
    # (1, 2) needs 5 at (0, 1) but no layer may hold it. Old code: "did NOT converge".
    prior = np.ones((2, 2, 2))
    prior[:, 0, 1] = prior[:, 1, 0] = 0
    with pytest.raises(InfeasibleError, match=r"margin \(1, 2\) needs 5 at \(orig 0, dest 1\) "
                                              r"but every prior cell there \(over layer\) is "
                                              r"zero"):
        ipf3(prior, {k: np.full((2, 2), 5.0) for k in keys})


def test_ipf3_two_general_margins_get_gales_condition_and_forced_zeros_per_slice():
    # Margins (0, 1) and (1, 2) share axis 1 (orig): for orig 0 the layers x dests slice must
    # have row totals t01[:, 0] and column totals t12[0]. Layers 0 and 1 may only use dest 0
    # (total 9) but need 5 + 5 = 10 (Gale 1957, as in the ipf2 test above); every line alone
    # has an allowed cell, so only the set condition finds it.
    prior = np.ones((3, 3, 3))
    prior[0:2, 0, 1:] = 0
    t01 = np.full((3, 3), 5.0)
    t12 = np.full((3, 3), 5.0)
    t12[0] = [9, 5, 6]
    t01[:, 0] = [5, 5, 10]
    with pytest.raises(InfeasibleError, match=r"\(orig 0\): layers \[0, 1\] need 10 .* "
                                              r"dests \[0\], whose totals sum to 9"):
        ipf3(prior, {(0, 1): t01, (1, 2): t12})
    # 5 + 4 = 9 fits, but only with (layer 2, dest 0) of orig 0 exactly zero
    t01[:, 0] = [5, 4, 11]
    with pytest.raises(InfeasibleError, match=r"force cells \(layer, dest\) \[\(2, 0\)\] "
                                              r"\(orig 0\)"):
        ipf3(prior, {(0, 1): t01, (1, 2): t12})


def test_ipf3_feasible_three_margin_fits_are_unchanged_by_the_checks():
    # margins of a made-up table with zeros (not forced: a prior of ones can spread them)
    rng = np.random.default_rng(3)
    table = rng.uniform(0.0, 10.0, size=(3, 4, 4))
    margins = {(0, 1): table.sum(2), (0, 2): table.sum(1), (1, 2): table.sum(0)}
    res = ipf3(np.ones_like(table), margins, max_iter=5000)
    assert res.converged
    for (a, b), target in margins.items():
        other = ({0, 1, 2} - {a, b}).pop()
        np.testing.assert_allclose(A(res.fitted).reshape(3, 4, 4).sum(axis=other), target,
                                   rtol=1e-9)


def test_ipf2_prior_whose_sums_overflow_is_scaled_not_zeroed():
    # Finite prior [[1e308] * 2] * 2 whose sums overflow: old code returned an all-zero table
    # and "did NOT converge". IPF does not depend on the prior's scale, so the fit is that of
    # a prior of ones: the independence table 5 * 5 / 10 = 2.5 everywhere.
    res = ipf2([5, 5], [5, 5], prior=[[1e308] * 2] * 2)
    assert res.converged
    np.testing.assert_allclose(A(res.fitted), [[2.5, 2.5], [2.5, 2.5]], rtol=1e-12)
    # the odds ratio of a huge prior is kept as well (1 * 4 / (2 * 3) = 2/3, as above)
    y = A(ipf2([10, 10], [10, 10], np.array([[1, 2], [3, 4]]) * 4e307).fitted)
    x = 10 * math.sqrt(2 / 3) / (1 + math.sqrt(2 / 3))
    np.testing.assert_allclose(y, [[x, 10 - x], [10 - x, x]], rtol=1e-9)
    res3 = ipf3(np.full((2, 2, 2), 1e308), {(0, 1): np.full((2, 2), 4.0),
                                            (1, 2): np.full((2, 2), 4.0)})
    assert res3.converged
    np.testing.assert_allclose(A(res3.fitted), np.full((2, 2, 2), 2.0), rtol=1e-12)
    # a prior whose scaling would wipe out its smallest entries is refused, with the fix
    with pytest.raises(InputError, match=r"span too many orders of magnitude.*Rescale the "
                                         r"prior"):
        ipf2([5, 5], [5, 5], prior=[[1e308, 1e308], [1e-320, 1e308]])


def test_net_matrix_prior_whose_sum_overflows_is_refused():
    # MADE-UP values: finite entries whose sum overflows; the net fit is not scale invariant,
    # so the prior must be rescaled by the caller (hostile review of issue 8, item 2).
    with pytest.raises(InputError, match="sum overflows"):
        net_matrix([1.0, -1.0], prior=np.full((2, 2), 1e308))
