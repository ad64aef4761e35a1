"""Tests of mixedmig.privacy: small-cell suppression.

Published figures used in the hand examples:
* Lao PDR, victims identified in 2021: 30 adult women, 62 girls, 5 adult men, 13 boys
  (US Department of State, Trafficking in Persons Report 2022, Laos).
* Viet Nam, victims identified by sex: 2020 female 112 / male 9; 2021 female 114 / male 12;
  2022 female 102 / male 153 (US TIP Reports 2021-2023, Vietnam).
* Cambodians rescued abroad by the Ministry of Foreign Affairs in 2017, by country
  (Phnom Penh Post; the listed countries add up to 752, the article states 757).

The protection property is checked against an attacker simulated here independently of
the module: a linear program over ALL cells of the table with the published cells fixed,
the published totals as equality constraints and non-negativity (scipy.optimize.linprog).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from mixedmig.errors import DataError, InfeasibleError, InputError, MixedmigError
from mixedmig.privacy import disclosure_intervals, suppress_small_cells
from mixedmig.results import Result

LAOS_2021 = pd.DataFrame({"adult": [30, 5], "child": [62, 13]}, index=["female", "male"])
VIET_NAM_BY_SEX = pd.DataFrame({"female": [112, 114, 102], "male": [9, 12, 153]}, index=[2020, 2021, 2022])
CAMBODIA_RESCUED_2017 = pd.DataFrame(
    {"rescued": [351, 260, 50, 33, 18, 17, 13, 5, 4, 1]},
    index=["Malaysia", "Thailand", "China", "Laos", "Indonesia", "Viet Nam", "Somalia", "Japan",
           "Singapore", "Saudi Arabia"],
)


# ------------------------------------------------------------------ independent attacker


def attacker_intervals(published: np.ndarray, row_totals, col_totals) -> dict:
    """Feasible [min, max] of every unknown (NaN) cell given published cells and totals."""
    n_rows, n_cols = published.shape
    n = n_rows * n_cols
    a_eq, b_eq = [], []
    for i in range(n_rows):
        for j in range(n_cols):
            if not np.isnan(published[i, j]):
                row = np.zeros(n)
                row[i * n_cols + j] = 1
                a_eq.append(row)
                b_eq.append(published[i, j])
    if row_totals is not None:
        for i in range(n_rows):
            row = np.zeros(n)
            row[i * n_cols:(i + 1) * n_cols] = 1
            a_eq.append(row)
            b_eq.append(row_totals[i])
    if col_totals is not None:
        for j in range(n_cols):
            row = np.zeros(n)
            row[j::n_cols] = 1
            a_eq.append(row)
            b_eq.append(col_totals[j])
    intervals = {}
    for i, j in np.argwhere(np.isnan(published)):
        bounds = []
        for sign in (1, -1):
            objective = np.zeros(n)
            objective[i * n_cols + j] = sign
            res = linprog(objective, A_eq=np.array(a_eq) if a_eq else None,
                          b_eq=np.array(b_eq) if b_eq else None, bounds=(0, None), method="highs")
            if res.status == 3:
                bounds.append(np.inf)
            else:
                assert res.status == 0, res.message
                bounds.append(sign * res.fun)
        intervals[(int(i), int(j))] = (bounds[0], bounds[1])
    return intervals


def attacker_view(result):
    """Read the published table as an attacker would: cells, row and column totals."""
    rows, cols = list(result.primary.index), list(result.primary.columns)
    cells = result.table.loc[rows, cols].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    row_totals = result.table.loc[rows, "Total"].to_numpy(dtype=float) if result.row_totals else None
    col_totals = result.table.loc["Total", cols].to_numpy(dtype=float) if result.col_totals else None
    return cells, row_totals, col_totals


# ------------------------------------------------------------------------ hand examples


def test_laos_2021_hand_example():
    # k = 10: only adult men (5) is small. Its row (male) and column (adult) each need a
    # second hidden cell; the only candidates are boys (13) and adult women (30), and then
    # the female row needs a second one: girls (62). With totals female 92, male 18,
    # adult 35, child 75 and m = adult men: boys = 18 - m, women = 35 - m, girls = 57 + m,
    # all >= 0  =>  0 <= m <= 18.
    result = suppress_small_cells(LAOS_2021, 10)
    assert result.primary.to_numpy().tolist() == [[False, False], [True, False]]
    assert result.secondary.to_numpy().tolist() == [[True, True], [False, True]]
    assert result.table.loc["Total"].tolist() == [35, 75, 110]
    assert result.table["Total"].tolist() == [92, 18, 110]
    assert all(str(result.table[c].dtype) == "Int64" for c in result.table.columns)
    assert result.table.loc[["female", "male"], ["adult", "child"]].isna().all().all()
    intervals = disclosure_intervals(result).set_index(["row", "column"])
    assert tuple(intervals.loc[("male", "adult"), ["lower", "upper"]]) == (0.0, 18.0)
    assert tuple(intervals.loc[("female", "child"), ["lower", "upper"]]) == (57.0, 75.0)
    assert result.provenance == {
        "suppression_threshold": 10,
        "method": result.provenance["method"],
        "protection_rule": result.provenance["protection_rule"],
        "markers": "one marker for every hidden cell",
        "n_primary": 1,
        "n_secondary": 3,
        "suppress_zeros": False,
        "row_totals": True,
        "col_totals": True,
        "audited": True,
    }
    json.dumps(result.provenance)  # manifest-ready: plain Python types only
    published = result.as_published()
    # one marker for every hidden cell (the form the protection rule covers) ...
    assert published.to_numpy().tolist() == [["[c]", "[c]", "92"], ["[c]", "[c]", "18"], ["35", "75", "110"]]
    # ... and distinct markers only when asked for
    assert result.as_published(primary_marker="<10").loc["male", "adult"] == "<10"


def test_threshold_is_strict():
    # k = 5: 5 adult men is not below 5, so nothing is hidden
    result = suppress_small_cells(LAOS_2021, 5)
    assert not result.suppressed.to_numpy().any()
    assert result.table.loc[["female", "male"], ["adult", "child"]].to_numpy().tolist() == [[30, 62], [5, 13]]


def test_viet_nam_complements_are_the_smallest_cells():
    # k = 10: 2020 male (9) is small. The cheapest cycle through it hides 2020 female (112),
    # 2021 male (12) and 2021 female (114): total 238, against 112 + 153 + 102 = 367 through
    # 2022. With x = 2020 male: 2021 male = 21 - x (male total 174 - 153 published), so
    # 0 <= x <= 21.
    result = suppress_small_cells(VIET_NAM_BY_SEX, 10)
    assert result.suppressed.to_numpy().tolist() == [[True, True], [True, True], [False, False]]
    intervals = disclosure_intervals(result).set_index(["row", "column"])
    assert tuple(intervals.loc[(2020, "male"), ["lower", "upper"]]) == (0.0, 21.0)
    assert tuple(intervals.loc[(2021, "female"), ["lower", "upper"]]) == (105.0, 126.0)


def test_single_column_table_with_column_total_only():
    # k = 5: Singapore (4) and Saudi Arabia (1) are hidden; the column total 752 leaves
    # 4 + 1 = 5 to share between them, so each lies in [0, 5]. No secondary cell is needed.
    result = suppress_small_cells(CAMBODIA_RESCUED_2017, 5, row_totals=False)
    assert result.primary["rescued"][lambda s: s].index.tolist() == ["Singapore", "Saudi Arabia"]
    assert not result.secondary.to_numpy().any()
    assert result.table.loc["Total", "rescued"] == 752
    assert "Total" not in result.table.columns
    intervals = disclosure_intervals(result)
    assert intervals[["lower", "upper"]].to_numpy().tolist() == [[0.0, 5.0], [0.0, 5.0]]
    assert result.as_published().loc[["Japan", "Singapore"], "rescued"].tolist() == ["5", "[c]"]


def test_a_cell_that_its_own_total_reveals_raises():
    # with row totals, every row total of a one-column table equals its only cell
    # valid input, but no suppression pattern protects the cell: InfeasibleError (a ModelError)
    with pytest.raises(InfeasibleError, match="cannot be protected") as info:
        suppress_small_cells(CAMBODIA_RESCUED_2017, 5)
    assert isinstance(info.value, MixedmigError)
    assert "Singapore" in str(info.value)


def test_no_totals_means_no_secondary_suppression():
    result = suppress_small_cells(VIET_NAM_BY_SEX, 10, row_totals=False, col_totals=False)
    assert result.primary.to_numpy().sum() == 1 and not result.secondary.to_numpy().any()
    assert result.table.shape == VIET_NAM_BY_SEX.shape


def test_markers_label_columns_and_margins_in_the_input():
    df = VIET_NAM_BY_SEX.assign(note=["TIP 2021", "TIP 2022", "TIP 2023"])
    df["Total"] = df["female"] + df["male"]
    result = suppress_small_cells(df, 10, value_columns=["female", "male", "Total"], marker="x")
    assert result.table.loc[2020, "male"] == "x"
    assert result.table.loc[2022, "male"] == 153
    assert result.table.loc[2021, "note"] == "TIP 2022"
    assert result.table["Total"].tolist()[:3] == [121, 126, 255]
    shown = result.as_published(primary_marker="[c]")
    assert shown.loc[2020, "male"] == shown.loc[2020, "female"] == "[c]"
    assert shown.loc["Total", "note"] == ""
    bad = df.copy()
    bad.loc[2021, "Total"] = 127
    with pytest.raises(DataError, match="row 2021: the 'Total' column says 127") as info:
        suppress_small_cells(bad, 10, value_columns=["female", "male", "Total"])
    assert info.value.column == "Total"


@pytest.mark.parametrize(
    "table,k,fragment",
    [
        (LAOS_2021.astype(float).assign(adult=[30.5, 5.0]), 10, "whole non-negative"),
        (LAOS_2021.assign(adult=[-30, 5]), 10, "whole non-negative"),
        (LAOS_2021.astype(float).assign(adult=[np.nan, 5.0]), 10, "missing values"),
        (LAOS_2021, 0, "k must be"),
        (LAOS_2021, 2.5, "k must be"),
        (pd.concat([LAOS_2021, LAOS_2021]), 10, "unique"),
        (LAOS_2021.assign(adult=["30", "5"]), 10, "must hold counts"),
    ],
)
def test_bad_input_raises(table, k, fragment):
    with pytest.raises(InputError, match=fragment):
        suppress_small_cells(table, k)


def test_small_totals_are_reported():
    result = suppress_small_cells(LAOS_2021, 20)
    # diagnostics is a table, one row per check: the male row total 5 + 13 = 18 < 20
    notes = result.diagnostics
    assert list(notes.columns) == ["check", "value", "note"]
    male = notes[notes["note"].str.contains("row total of 'male' is 18")]
    assert male[["check", "value"]].to_numpy().tolist() == [["row_total_below_k", 18]]
    assert isinstance(result, Result) and result.to_frame().equals(result.table)


# ---------------------------------------------------------------------- property tests


@st.composite
def count_tables(draw):
    n_rows = draw(st.integers(1, 5))
    n_cols = draw(st.integers(1, 5))
    cell = st.one_of(st.integers(0, 6), st.integers(0, 60))
    values = draw(st.lists(cell, min_size=n_rows * n_cols, max_size=n_rows * n_cols))
    return pd.DataFrame(
        np.array(values, dtype=np.int64).reshape(n_rows, n_cols),
        index=[f"r{i}" for i in range(n_rows)],
        columns=[f"c{j}" for j in range(n_cols)],
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    table=count_tables(),
    k=st.integers(2, 10),
    suppress_zeros=st.booleans(),
    row_totals=st.booleans(),
    col_totals=st.booleans(),
)
def test_no_small_cell_is_published_and_none_can_be_recovered(table, k, suppress_zeros, row_totals, col_totals):
    values = table.to_numpy()
    try:
        result = suppress_small_cells(
            table, k, suppress_zeros=suppress_zeros, row_totals=row_totals, col_totals=col_totals
        )
    except InfeasibleError:
        event("impossible: totals reveal a small cell")
        # Only allowed when protection is impossible: with every cell hidden, the totals
        # alone still pin down some small cell.
        everything_hidden = attacker_intervals(
            np.full(values.shape, np.nan),
            values.sum(axis=1) if row_totals else None,
            values.sum(axis=0) if col_totals else None,
        )
        small = (values < k) & ((values > 0) | suppress_zeros)
        smallest = np.full(values.shape, np.inf)
        if row_totals:
            smallest = np.minimum(smallest, values.sum(axis=1, keepdims=True))
        if col_totals:
            smallest = np.minimum(smallest, values.sum(axis=0, keepdims=True))
        assert any(small[cell] and (upper - lower < 0.5 or upper < min(k, smallest[cell]) - 1e-7)
                   for cell, (lower, upper) in everything_hidden.items())
        return

    hidden = result.suppressed.to_numpy()
    event(f"secondary cells: {'some' if result.secondary.to_numpy().any() else 'none'}")
    expected_primary = (values < k) & ((values > 0) | suppress_zeros)
    assert (result.primary.to_numpy() == expected_primary).all()
    assert not (result.primary.to_numpy() & result.secondary.to_numpy()).any()
    assert result.provenance["n_primary"] == expected_primary.sum()
    assert result.provenance["n_secondary"] == result.secondary.to_numpy().sum()

    # (1) no published cell is below k, except zeros when zeros are not suppressed;
    #     published cells and totals are the true ones
    cells, published_row_totals, published_col_totals = attacker_view(result)
    shown = ~np.isnan(cells)
    assert (shown == ~hidden).all()
    assert ((cells[shown] >= k) | ((cells[shown] == 0) & (not suppress_zeros))).all()
    assert (cells[shown] == values[shown]).all()
    if row_totals:
        assert (published_row_totals == values.sum(axis=1)).all()
    if col_totals:
        assert (published_col_totals == values.sum(axis=0)).all()

    # (2a) every line with a published total and a hidden cell has at least two
    if row_totals:
        assert not (hidden.sum(axis=1) == 1).any()
    if col_totals:
        assert not (hidden.sum(axis=0) == 1).any()

    # (2b) every hidden cell has a feasible interval of positive width for the attacker
    intervals = attacker_intervals(cells, published_row_totals, published_col_totals)
    assert set(intervals) == {tuple(int(x) for x in c) for c in np.argwhere(hidden)}
    for cell, (lower, upper) in intervals.items():
        assert lower - 1e-7 <= values[cell] <= upper + 1e-7
        assert upper - lower >= 1 - 1e-7  # integral end points (totally unimodular system)
        # the protection rule: a small cell may reach k (or the smallest total containing it)
        if 0 < values[cell] < k:
            reach = min([k] + ([values[cell[0]].sum()] if row_totals else [])
                        + ([values[:, cell[1]].sum()] if col_totals else []))
            assert upper >= reach - 1e-7

    # the module's own audit agrees with the independent one
    own = disclosure_intervals(result)
    for _, row in own.iterrows():
        cell = (int(row["row"][1:]), int(row["column"][1:]))
        assert (row["lower"], row["upper"]) == pytest.approx(intervals[cell], abs=1e-7)


def test_complements_fixed_by_the_totals_are_published_not_hidden():
    # Table found by a seeded random search (numpy default_rng(11), sparse 3 x 3 tables;
    # not data). Protecting 3 (k = 4) may first route through the all-zero row r0 or the
    # 4 of column c0, but a row whose published total is 0 determines its cells, and the 4
    # is the whole of its column total: hiding them protects nothing, so they are published
    # and the cycle goes through r2 instead. 3 can then move down by up to 3 along
    # r1c1 -> r1c2 -> r2c2 -> r2c1, and up to 3 (its column total), so its interval is [0, 3].
    table = pd.DataFrame([[0, 0, 0], [4, 3, 0], [0, 0, 19]], index=["r0", "r1", "r2"], columns=["c0", "c1", "c2"])
    result = suppress_small_cells(table, 4)
    assert not result.suppressed.loc["r0"].any()
    published = result.diagnostics[result.diagnostics["check"] == "complement_published"]
    assert published["note"].str.contains("determined by the published totals").all()
    assert len(published) >= 1
    cells, row_totals, col_totals = attacker_view(result)
    for row, column in published["value"]:
        i, j = int(row[1:]), int(column[1:])
        assert not result.suppressed.at[row, column]
        rehidden = cells.copy()
        rehidden[i, j] = np.nan  # hiding it again: the totals still pin it
        lower, upper = attacker_intervals(rehidden, row_totals, col_totals)[(i, j)]
        assert lower == upper == table.at[row, column]
    intervals = attacker_intervals(cells, row_totals, col_totals)
    assert intervals[(1, 1)] == pytest.approx((0.0, 3.0), abs=1e-9)
    assert all(upper - lower >= 1 - 1e-7 for lower, upper in intervals.values())


def test_line_rule_alone_can_leave_a_cell_recoverable_and_the_audit_fixes_it():
    # Random tables (seeded) until the classic rule "two hidden cells per line" leaves a
    # hidden cell whose value the totals determine; the audited suppression must not.
    rng = np.random.default_rng(2013)
    for attempt in range(500):
        values = rng.integers(0, 40, size=(5, 5))
        values[rng.random((5, 5)) < 0.3] = rng.integers(1, 5)
        table = pd.DataFrame(values, index=[f"r{i}" for i in range(5)], columns=[f"c{j}" for j in range(5)])
        try:
            line_rule = suppress_small_cells(table, 5, audit=False)
        except InfeasibleError:
            continue
        intervals = attacker_intervals(*attacker_view(line_rule))
        if any(upper - lower < 0.5 for lower, upper in intervals.values()):
            break
    else:
        pytest.fail("no counter-example to the line rule found in 500 seeded tables")
    audited = suppress_small_cells(table, 5)
    intervals = attacker_intervals(*attacker_view(audited))
    assert all(upper - lower >= 1 - 1e-7 for lower, upper in intervals.values())
    assert audited.suppressed.to_numpy().sum() >= 1


# --- bad arguments are InputErrors, one check per kind (issue 8, review finding B4) ------------

def _made_up_counts() -> pd.DataFrame:
    return pd.DataFrame({"a": [1, 20], "b": [30, 40]}, index=["x", "y"])


def test_disclosure_intervals_refuses_a_plain_dataframe():
    # before (commit ba12894): AttributeError from deep inside the audit
    with pytest.raises(InputError, match="result must be a SuppressionResult or LinkedSuppressionResult"):
        disclosure_intervals(pd.DataFrame())
    with pytest.raises(InputError, match="markers must be one of 'single', 'distinct'"):
        disclosure_intervals(suppress_small_cells(_made_up_counts(), 5), markers=["single"])


@pytest.mark.parametrize("flag", ["row_totals", "col_totals", "suppress_zeros", "audit"])
@pytest.mark.parametrize("value", ["no", None, 0])
def test_suppression_flags_must_be_true_or_false(flag, value):
    # before: audit="no" counted as True and audit=0 silently switched the audit off
    with pytest.raises(InputError, match=f"{flag} must be True or False"):
        suppress_small_cells(_made_up_counts(), 5, **{flag: value})


def test_linked_suppression_flags_must_be_true_or_false():
    from mixedmig.privacy import suppress_linked

    with pytest.raises(InputError, match="row_totals must be True or False"):
        suppress_linked({"t": _made_up_counts()}, 5, row_totals="yes")


@pytest.mark.parametrize("marker", ["5", "0", 7, "", "  ", "1,000"])
def test_markers_that_read_as_counts_are_refused(marker):
    # before: a hidden cell could be published as "5" or "0", indistinguishable from a count
    result = suppress_small_cells(_made_up_counts(), 5)
    with pytest.raises(InputError, match="must not look like a published count"):
        result.as_published(primary_marker=marker)
    with pytest.raises(InputError, match="must not look like a published count"):
        result.as_published(secondary_marker=marker)
    with pytest.raises(InputError, match="marker must be a non-empty text"):
        suppress_small_cells(_made_up_counts(), 5, marker=marker)


def test_text_and_missing_markers_are_accepted():
    result = suppress_small_cells(_made_up_counts(), 5, marker=np.nan)
    assert result.suppressed.to_numpy().sum() == 4  # x_a = 1 needs the whole 2x2 cycle
    shown = suppress_small_cells(_made_up_counts(), 5).as_published(primary_marker="<5")
    assert shown.loc["x", "a"] == "<5" and shown.loc["x", "b"] == "[c]"


def test_disclosure_intervals_accepts_a_float_table():
    # A result whose table holds floats (NaN for hidden cells) rather than Int64, as a caller
    # who builds a SuppressionResult by hand may pass: the reader's intervals are the same as
    # for the Int64 table of the Laos example above (0 <= adult men <= 18, 57 <= girls <= 75).
    import dataclasses

    result = suppress_small_cells(LAOS_2021, 10)
    as_float = dataclasses.replace(result, table=result.table.astype("float64"))
    intervals = disclosure_intervals(as_float).set_index(["row", "column"])
    assert tuple(intervals.loc[("male", "adult"), ["lower", "upper"]]) == (0.0, 18.0)
    assert tuple(intervals.loc[("female", "child"), ["lower", "upper"]]) == (57.0, 75.0)
