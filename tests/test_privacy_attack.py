"""An attacker's view of suppressed tables (issue 8, item 3).

The attacker here is written independently of mixedmig.privacy: it reads the published
display tables (strings, as a reader sees them), turns every published number, total and
marker into constraints, adds the identities between linked tables, and bounds every hidden
cell with scipy.optimize.linprog (HiGHS, whole-number variables; "0 or >= k" as x >= k b,
x <= M b with b binary).  The protection rule checked (mixedmig.privacy docstring): a hidden
small cell (0 < x < k) has upper bound >= min(k, smallest published total containing it)
and an interval at least 1 wide; a hidden complement has an interval at least 1 wide.

The tables are MADE-UP test fixtures (the issue's examples and hypothesis-generated tables),
except LAOS_2021 (US TIP Report 2022, Laos: 30 adult women, 62 girls, 5 adult men, 13 boys).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from mixedmig.errors import DataError, InfeasibleError
from mixedmig.privacy import disclosure_intervals, suppress_linked, suppress_small_cells

# ------------------------------------------------------------------------ the attacker


def read_published(shown: pd.DataFrame, k: int, total="Total", zeros_shown=True):
    """What a reader knows from one display table: known cells, per-cell domains, totals.

    Returns (known, lower, upper, gap, row_totals, col_totals) over the inner cells; a
    marker beginning with "<" means 1..k-1 (0..k-1 if zeros are not shown); when such
    markers appear, any other marker means 0 or >= k (>= k if zeros are not shown);
    when every hidden cell has the same marker it means only ">= 0"."""
    rows = [r for r in shown.index if r != total]
    cols = [c for c in shown.columns if c != total]
    inner = shown.loc[rows, cols]
    known = np.full(inner.shape, np.nan)
    lower = np.zeros(inner.shape)
    upper = np.full(inner.shape, np.inf)
    gap = np.zeros(inner.shape, bool)
    distinct = inner.map(lambda s: s.startswith("<")).to_numpy().any()
    for i in range(len(rows)):
        for j in range(len(cols)):
            text = inner.iat[i, j]
            if text.lstrip("-").isdigit():
                known[i, j] = float(text)
            elif text.startswith("<"):
                lower[i, j] = 1.0 if zeros_shown else 0.0
                upper[i, j] = float(int(text[1:]) - 1)
            elif distinct:
                if zeros_shown:
                    gap[i, j] = True
                else:
                    lower[i, j] = float(k)
    row_totals = shown.loc[rows, total].astype(float).to_numpy() if total in shown.columns else None
    col_totals = shown.loc[total, cols].astype(float).to_numpy() if total in shown.index else None
    return known, lower, upper, gap, row_totals, col_totals


def attack(views, k, links=()):
    """Bounds of every hidden cell of several display tables read together.

    views: list of read_published outputs; links: list of [(table, i, j, coefficient)]
    whose weighted sum is 0. Returns {(table, i, j): (lower, upper)}."""
    offsets, n = [], 0
    for known, *_ in views:
        offsets.append(n)
        n += known.size
    index = lambda t, i, j: offsets[t] + i * views[t][0].shape[1] + j
    a_eq, b_eq, bounds, gaps = [], [], [None] * n, []
    for t, (known, lower, upper, gap, row_totals, col_totals) in enumerate(views):
        n_rows, n_cols = known.shape
        for i in range(n_rows):
            for j in range(n_cols):
                v = index(t, i, j)
                if np.isnan(known[i, j]):
                    bounds[v] = (lower[i, j], None if np.isinf(upper[i, j]) else upper[i, j])
                    if gap[i, j]:
                        gaps.append(v)
                else:
                    bounds[v] = (known[i, j], known[i, j])
        for totals, lines in ((row_totals, [[(i, j) for j in range(n_cols)] for i in range(n_rows)]),
                              (col_totals, [[(i, j) for i in range(n_rows)] for j in range(n_cols)])):
            if totals is None:
                continue
            for line, total in zip(lines, totals, strict=True):
                row = np.zeros(n)
                for i, j in line:
                    row[index(t, i, j)] = 1.0
                a_eq.append(row)
                b_eq.append(total)
    for link in links:
        row = np.zeros(n)
        for t, i, j, c in link:
            row[index(t, i, j)] += c
        a_eq.append(row)
        b_eq.append(0.0)
    big = 10.0 * (1 + sum(abs(b) for b in b_eq) + sum(b[0] for b in bounds))
    n_var = n + len(gaps)
    a_ub = np.zeros((2 * len(gaps), n_var))
    for g, v in enumerate(gaps):
        a_ub[2 * g, v], a_ub[2 * g, n + g] = -1.0, k        # x >= k b
        a_ub[2 * g + 1, v], a_ub[2 * g + 1, n + g] = 1.0, -big  # x <= big b
    a_eq = np.hstack([np.array(a_eq), np.zeros((len(a_eq), len(gaps)))]) if a_eq else None
    out = {}
    for t, (known, *_rest) in enumerate(views):
        for i, j in np.argwhere(np.isnan(known)):
            v = index(t, int(i), int(j))
            ends = []
            for sign in (1.0, -1.0):
                c = np.zeros(n_var)
                c[v] = sign
                res = linprog(c, A_ub=a_ub if gaps else None, b_ub=np.zeros(2 * len(gaps)) if gaps else None,
                              A_eq=a_eq, b_eq=np.array(b_eq) if b_eq else None,
                              bounds=bounds + [(0, 1)] * len(gaps), integrality=np.ones(n_var), method="highs")
                if res.status == 3 or (sign < 0 and res.status != 0 and "nbounded" in res.message):
                    ends.append(np.inf)
                else:
                    assert res.status == 0, res.message
                    ends.append(sign * res.fun)
            out[(t, int(i), int(j))] = (ends[0], ends[1])
    return out


def smallest_totals(values, row_totals=True, col_totals=True):
    out = np.full(values.shape, np.inf)
    if row_totals:
        out = np.minimum(out, values.sum(axis=1, keepdims=True))
    if col_totals:
        out = np.minimum(out, values.sum(axis=0, keepdims=True))
    return out


def assert_protected(intervals, values_by_table, k, smallest_by_table):
    """The protection rule, checked cell by cell against the true values."""
    for (t, i, j), (lower, upper) in intervals.items():
        x = values_by_table[t][i, j]
        assert lower - 1e-6 <= x <= upper + 1e-6
        assert upper - lower >= 1 - 1e-6, f"cell {(t, i, j)} = {x} pinned to [{lower}, {upper}]"
        if 0 < x < k:
            need = min(k, smallest_by_table[t][i, j])
            assert upper >= need - 1e-6, f"small cell {(t, i, j)} = {x}: upper {upper} < {need}"


# ------------------------------------------------------------------- the issue's examples

ISSUE_K5 = pd.DataFrame([[1, 1, 50], [20, 30, 40]], index=["r0", "r1"], columns=["c0", "c1", "c2"])
ISSUE_K10 = pd.DataFrame({"adult": [30, 1], "child": [62, 10]}, index=["female", "male"])
LAOS_2021 = pd.DataFrame({"adult": [30, 5], "child": [62, 13]}, index=["female", "male"])


@pytest.mark.parametrize("table,k", [(ISSUE_K5, 5), (ISSUE_K10, 10), (LAOS_2021, 10)])
def test_default_published_form_withstands_the_attacker(table, k):
    # The published display (strings) is all the attacker reads. On the old code the
    # default form marked small cells "<k": ISSUE_K5 gave x + y = 2 with x, y >= 1, so
    # x = y = 1; ISSUE_K10 gave boys = 11 - m with m in 1..9 and boys 0 or >= 10, so m = 1
    # and all four cells followed.
    result = suppress_small_cells(table, k)
    view = read_published(result.as_published(), k)
    intervals = attack([view], k)
    values = table.to_numpy()
    assert {(i, j) for _t, i, j in intervals} == {tuple(c) for c in np.argwhere(result.suppressed.to_numpy())}
    assert_protected(intervals, [values], k, [smallest_totals(values)])


def test_issue_k5_example_hides_more_than_the_two_small_cells():
    # Worked by hand: with 50 published, x + y = 52 - 50 = 2, so each small cell is at most
    # 2 < 5 whatever the markers say: the 50 (and cells to protect it) must be hidden too.
    result = suppress_small_cells(ISSUE_K5, 5)
    assert result.suppressed.loc["r0"].all()
    own = disclosure_intervals(result).set_index(["row", "column"])
    assert own.loc[("r0", "c0"), "upper"] >= 5 and own.loc[("r0", "c1"), "upper"] >= 5
    assert own["protected"].all()


def test_distinct_markers_audit_sees_what_the_markers_say():
    # The k = 10 example, every cell hidden, with "<10" / "[c]" markers: m in 1..9 and
    # boys = 11 - m in {0} U [10, 11] give m = 1, boys = 10, women = 29 + ... all pinned
    # (worked by hand: women = 31 - m = 30, girls = 72 - boys = 62).
    result = suppress_small_cells(ISSUE_K10, 10)
    assert result.suppressed.to_numpy().all()
    distinct = disclosure_intervals(result, markers="distinct").set_index(["row", "column"])
    assert distinct.loc[("male", "adult"), ["lower", "upper"]].tolist() == [1.0, 1.0]
    assert distinct.loc[("female", "child"), ["lower", "upper"]].tolist() == [62.0, 62.0]
    assert not distinct["protected"].any()
    # the default (single-marker) form: m in [0, 11] (boys = 11 - m >= 0), which reaches k
    single = disclosure_intervals(result).set_index(["row", "column"])
    assert single.loc[("male", "adult"), ["lower", "upper"]].tolist() == [0.0, 11.0]
    assert single["protected"].all()
    # and the module's audit equals the independent attacker on both forms
    shown = result.as_published(primary_marker="<10")
    attacked = attack([read_published(shown, 10)], 10)
    for (_t, i, j), (lower, upper) in attacked.items():
        row = distinct.loc[(ISSUE_K10.index[i], ISSUE_K10.columns[j])]
        assert (row["lower"], row["upper"]) == pytest.approx((lower, upper))


# ------------------------------------------------------------------------- linked tables


def test_linked_hierarchy_defeats_separate_suppression():
    # Made-up: region S is province P3 alone. Suppressing the province table alone hides
    # P1 and P3; the region table then gives P3 (= S) and, through the women column
    # total, P1's 3 women. Suppressed together, the attacker over both tables learns
    # nothing that breaks the rule.
    provinces = pd.DataFrame({"women": [3, 40, 12], "men": [25, 35, 14]}, index=["P1", "P2", "P3"])
    regions = pd.DataFrame({"women": [43, 12], "men": [60, 14]}, index=["N", "S"])
    mapping = {"P1": "N", "P2": "N", "P3": "S"}
    links = [[(1, r, j, 1.0)] + [(0, p, j, -1.0) for p in range(3) if mapping[provinces.index[p]] == region]
             for r, region in enumerate(regions.index) for j in range(2)]
    alone = [suppress_small_cells(provinces, 5).as_published(), suppress_small_cells(regions, 5).as_published()]
    broken = attack([read_published(s, 5) for s in alone], 5, links)
    assert broken[(0, 0, 0)] == (3.0, 3.0)  # P1 women pinned
    result = suppress_linked({"province": provinces, "region": regions}, 5, hierarchy={"region": ("province", mapping)})
    shown = result.as_published()
    intervals = attack([read_published(shown["province"], 5), read_published(shown["region"], 5)], 5, links)
    values = [provinces.to_numpy(), regions.to_numpy()]
    assert_protected(intervals, values, 5, [smallest_totals(v) for v in values])
    own = disclosure_intervals(result)
    assert own["protected"].all() and set(own["table"]) <= {"province", "region"}


def test_linked_shared_margin_by_sex_and_by_form():
    # Made-up: the same people by sex and by form of exploitation, column totals only;
    # the year totals agree. Alone, "by sex" hides 2020 women (3) and 2021 women (30):
    # a reader of "by form" gets the 2020 total 23, so 2020 women = 23 - 20 = 3.
    by_sex = pd.DataFrame({"women": [3, 30], "men": [20, 40]}, index=[2020, 2021])
    by_form = pd.DataFrame({"sexual": [10, 35], "labour": [13, 35]}, index=[2020, 2021])
    links = [[(0, i, 0, 1.0), (0, i, 1, 1.0), (1, i, 0, -1.0), (1, i, 1, -1.0)] for i in range(2)]
    alone = [suppress_small_cells(t, 5, row_totals=False).as_published() for t in (by_sex, by_form)]
    broken = attack([read_published(s, 5) for s in alone], 5, links)
    assert broken[(0, 0, 0)] == (3.0, 3.0)
    result = suppress_linked({"sex": by_sex, "form": by_form}, 5, row_totals=False,
                             shared_margins=[("sex", "form", "rows")])
    shown = result.as_published()
    intervals = attack([read_published(shown["sex"], 5), read_published(shown["form"], 5)], 5, links)
    values = [by_sex.to_numpy(), by_form.to_numpy()]
    assert_protected(intervals, values, 5, [smallest_totals(v, row_totals=False) for v in values])
    assert result.provenance["n_primary"] == 1 and len(result.provenance["links"]) == 2
    frame = result.to_frame()
    assert list(frame.columns) == ["table", "row", "column", "count", "status"]
    assert frame["count"].isna().sum() == int(result.provenance["n_primary"] + result.provenance["n_secondary"])


def test_linked_bad_links_are_located():
    provinces = pd.DataFrame({"women": [3, 40], "men": [25, 35]}, index=["P1", "P2"])
    regions = pd.DataFrame({"women": [44], "men": [60]}, index=["N"])
    with pytest.raises(DataError, match="'region' row 'N', column 'women'") as info:
        suppress_linked({"province": provinces, "region": regions}, 5,
                        hierarchy={"region": ("province", {"P1": "N", "P2": "N"})})
    assert "does not hold" in str(info.value)
    with pytest.raises(DataError, match="row 'P2'"):
        suppress_linked({"province": provinces, "region": regions.assign(women=43)}, 5,
                        hierarchy={"region": ("province", {"P1": "N"})})


# ----------------------------------------------------------------------- property tests


@st.composite
def small_tables(draw):
    n_rows, n_cols = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    cell = st.one_of(st.integers(0, 6), st.integers(0, 40))
    values = draw(st.lists(cell, min_size=n_rows * n_cols, max_size=n_rows * n_cols))
    return np.array(values, dtype=np.int64).reshape(n_rows, n_cols)


def _frame(values, prefix="r"):
    return pd.DataFrame(values, index=[f"{prefix}{i}" for i in range(values.shape[0])],
                        columns=[f"c{j}" for j in range(values.shape[1])])


def _hidden_everything_fails(values, k, row_totals, col_totals):
    """Independent check that InfeasibleError was justified: with every cell hidden, the
    attacker still finds a small cell breaking the rule."""
    n_rows, n_cols = values.shape
    shown = pd.DataFrame("[c]", index=[f"r{i}" for i in range(n_rows)], columns=[f"c{j}" for j in range(n_cols)])
    if row_totals:
        shown["Total"] = [str(s) for s in values.sum(axis=1)]
    if col_totals:
        shown.loc["Total"] = [str(s) for s in values.sum(axis=0)] + ([str(values.sum())] if row_totals else [])
    intervals = attack([read_published(shown, k)], k)
    smallest = smallest_totals(values, row_totals, col_totals)
    return any(0 < values[i, j] < k and (upper - lower < 1 - 1e-6 or upper < min(k, smallest[i, j]) - 1e-6)
               for (_t, i, j), (lower, upper) in intervals.items())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=small_tables(), k=st.integers(2, 10), row_totals=st.booleans(), col_totals=st.booleans())
def test_attacker_finds_no_hidden_cell_narrower_than_the_rule(values, k, row_totals, col_totals):
    try:
        result = suppress_small_cells(_frame(values), k, row_totals=row_totals, col_totals=col_totals)
    except InfeasibleError:
        event("infeasible")
        assert _hidden_everything_fails(values, k, row_totals, col_totals)
        return
    shown = result.as_published()
    assert not shown.isin([f"<{k}"]).any().any()  # one marker for every hidden cell
    intervals = attack([read_published(shown, k)], k)
    assert_protected(intervals, [values], k, [smallest_totals(values, row_totals, col_totals)])
    # the module's own audit agrees with the attacker, on the default and the distinct form
    own = disclosure_intervals(result)
    for _, row in own.iterrows():
        cell = (0, int(row["row"][1:]), int(row["column"][1:]))
        assert (row["lower"], row["upper"]) == pytest.approx(intervals[cell], abs=1e-6)
    assert own["protected"].all()
    distinct = attack([read_published(result.as_published(primary_marker=f"<{k}"), k)], k)
    for _, row in disclosure_intervals(result, markers="distinct").iterrows():
        cell = (0, int(row["row"][1:]), int(row["column"][1:]))
        assert (row["lower"], row["upper"]) == pytest.approx(distinct[cell], abs=1e-6)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=small_tables(), k=st.integers(3, 8), data=st.data())
def test_linked_region_and_province_tables_withstand_the_attacker(values, k, data):
    n_rows, n_cols = values.shape
    groups = data.draw(st.lists(st.integers(0, 1), min_size=n_rows, max_size=n_rows))
    regions_present = sorted(set(groups))
    provinces = _frame(values, "p")
    mapping = {f"p{i}": f"R{g}" for i, g in enumerate(groups)}
    region_values = np.array([values[[i for i, g in enumerate(groups) if g == r]].sum(axis=0)
                              for r in regions_present])
    regions = pd.DataFrame(region_values, index=[f"R{r}" for r in regions_present], columns=provinces.columns)
    try:
        result = suppress_linked({"province": provinces, "region": regions}, k,
                                 hierarchy={"region": ("province", mapping)})
    except InfeasibleError:
        event("infeasible")
        return
    links = [[(1, r, j, 1.0)] + [(0, p, j, -1.0) for p in range(n_rows) if groups[p] == region]
             for r, region in enumerate(regions_present) for j in range(n_cols)]
    shown = result.as_published()
    intervals = attack([read_published(shown["province"], k), read_published(shown["region"], k)], k, links)
    tables = [values, region_values]
    assert_protected(intervals, tables, k, [smallest_totals(v) for v in tables])
