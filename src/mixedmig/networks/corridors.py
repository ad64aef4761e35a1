"""Corridor rankings, corridor change over time and network summaries by period.

Every function here returns a plain measure table (a pandas DataFrame) and shares the checks
of :mod:`mixedmig.networks.graphs` (one column check, one flow-table validation, one period
logic, one label sort key).

References
----------
Squartini, T., Picciolo, F., Ruzzenenti, F. & Garlaschelli, D. (2013). Reciprocity of weighted
networks. *Scientific Reports* 3, 2729.
"""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np
import pandas as pd

from ..checks import require_columns
from .graphs import (
    _TIE_DECIMALS,
    _check_bool,
    _check_int,
    _check_option,
    _flow_table,
    _label_key,
    _periods,
    od_graph,
)
from .measures import reciprocity, strength_table


def corridor_ranking(long_df: pd.DataFrame, orig: str = "orig", dest: str = "dest",
                     value: str = "value", top: int | None = None,
                     drop_self: bool = True) -> pd.DataFrame:
    """Corridors (``orig -> dest``) ranked by value, with their share of the total.

    Parameters
    ----------
    long_df : pandas.DataFrame
        Tidy OD table, one row per corridor (origin/birthplace ``orig``, destination/residence
        ``dest``), one period only.
    orig, dest, value : str
        Names of the origin, destination and flow columns.
    top : int, optional
        Keep the first ``top`` rows (>= 1); shares stay relative to the total of *all*
        corridors, so the last cumulative share says how much the top corridors carry.
    drop_self : bool
        Leave out ``orig == dest`` rows (default True).

    Returns
    -------
    pandas.DataFrame
        A plain measure table: ``rank`` (1 = largest; ties ranked by label order), ``orig``,
        ``dest``, ``value``, ``share`` and ``cumulative_share`` (NaN when the total is 0).

    Raises
    ------
    InputError
        A bad ``top``, or ``drop_self`` not True/False.
    SchemaError
        A missing column, a missing label or value, a negative flow or a duplicate corridor.

    Notes
    -----
    ``share_k = v_k / sum_j v_j`` and ``cumulative_share_k = sum_{j <= k} v_j / sum_j v_j``
    with corridors sorted by value, largest first.

    Examples
    --------
    >>> table = pd.DataFrame({"orig": ["KHM", "LAO", "MMR"], "dest": ["THA"] * 3,
    ...                       "value": [20.0, 10.0, 70.0]})
    >>> corridor_ranking(table, top=2)
       rank orig dest  value  share  cumulative_share
    0     1  MMR  THA   70.0    0.7               0.7
    1     2  KHM  THA   20.0    0.2               0.9
    """
    top = _check_int(top, "top", 1, allow_none=True)
    drop_self = _check_bool(drop_self, "drop_self")
    table = _flow_table(long_df, orig, dest, value)
    if drop_self:
        table = table[(table["orig"] != table["dest"]).to_numpy()]
    records = list(zip(table["orig"].tolist(), table["dest"].tolist(),
                       table["value"].tolist()))
    records.sort(key=lambda r: (-round(r[2], _TIE_DECIMALS), _label_key(r[0]),
                                _label_key(r[1])))
    total = float(sum(r[2] for r in records))
    out = pd.DataFrame(records, columns=["orig", "dest", "value"])
    out.insert(0, "rank", np.arange(1, len(out) + 1, dtype="int64"))
    values = out["value"].to_numpy(dtype=float)
    if total > 0:
        out["share"] = values / total
        out["cumulative_share"] = np.cumsum(values) / total
    else:
        out["share"] = math.nan
        out["cumulative_share"] = math.nan
    if top is not None:
        out = out.iloc[: int(top)].reset_index(drop=True)
    return out


def corridor_change(long_df: pd.DataFrame, year_col: str = "year", orig: str = "orig",
                    dest: str = "dest", value: str = "value", absent_as_zero: bool = False,
                    drop_self: bool = True) -> pd.DataFrame:
    """Period-on-period change per corridor between consecutive periods of ``year_col``.

    Parameters
    ----------
    long_df : pandas.DataFrame
        Tidy OD table with one row per corridor and period.
    year_col : str
        Name of the period column; periods are its sorted distinct values over the table.
    orig, dest, value : str
        Names of the origin, destination and flow columns.
    absent_as_zero : bool
        A corridor absent from a period is *unknown* (NaN, default) unless this says absence
        means no flow (0).
    drop_self : bool
        Leave out ``orig == dest`` rows (default True).

    Returns
    -------
    pandas.DataFrame
        A plain measure table, one row per corridor and consecutive pair of periods, sorted
        by orig, dest, period: ``orig``, ``dest``, ``period_from``, ``period_to``,
        ``value_from``, ``value_to``, ``abs_change``, ``rel_change``.

    Raises
    ------
    InputError
        ``absent_as_zero`` or ``drop_self`` not True/False.
    SchemaError
        A missing column, a missing label or period, a bad value, a duplicate corridor within
        a period, or periods that cannot be ordered.

    Notes
    -----
    ``abs_change = v(p1) - v(p0)`` and ``rel_change = abs_change / v(p0)`` (NaN when
    ``v(p0) = 0``: a relative change from nothing is undefined).

    Examples
    --------
    >>> table = pd.DataFrame({"orig": ["KHM", "KHM"], "dest": ["THA", "THA"],
    ...                       "year": [2010, 2015], "value": [40.0, 50.0]})
    >>> corridor_change(table)[["period_from", "period_to", "abs_change", "rel_change"]]
       period_from  period_to  abs_change  rel_change
    0         2010       2015        10.0        0.25
    """
    absent_as_zero = _check_bool(absent_as_zero, "absent_as_zero")
    drop_self = _check_bool(drop_self, "drop_self")
    table = _flow_table(long_df, orig, dest, value, keys=(year_col,))
    if drop_self:
        table = table[(table["orig"] != table["dest"]).to_numpy()]
    periods = _periods(table, year_col)
    lookup = {
        (o, d, p): v
        for o, d, p, v in zip(table["orig"].tolist(), table["dest"].tolist(),
                              table[year_col].tolist(), table["value"].tolist())
    }
    corridors = sorted({(o, d) for o, d, _ in lookup},
                       key=lambda c: (_label_key(c[0]), _label_key(c[1])))
    default = 0.0 if absent_as_zero else math.nan
    rows = []
    for o, d in corridors:
        for p0, p1 in pairwise(periods):
            v0 = lookup.get((o, d, p0), default)
            v1 = lookup.get((o, d, p1), default)
            change = v1 - v0
            relative = change / v0 if (not math.isnan(v0) and v0 != 0) else math.nan
            rows.append(
                {"orig": o, "dest": d, "period_from": p0, "period_to": p1,
                 "value_from": v0, "value_to": v1, "abs_change": change,
                 "rel_change": relative}
            )
    columns = ["orig", "dest", "period_from", "period_to", "value_from", "value_to",
               "abs_change", "rel_change"]
    return pd.DataFrame(rows, columns=columns)


#: Columns of :func:`mixedmig.networks.strength_table` that :func:`strength_by_period` accepts.
STRENGTH_MEASURES: tuple[str, ...] = ("in_strength", "out_strength", "net", "gross")


def network_summary_by_period(long_df: pd.DataFrame, *, period: str = "year",
                              orig: str = "orig", dest: str = "dest", value: str = "value",
                              top: int = 10) -> pd.DataFrame:
    """Network summary of an origin-destination table, one row per period (sorted).

    Parameters
    ----------
    long_df : pandas.DataFrame
        Tidy OD table with one row per corridor and period.
    period : str
        Name of the period column.
    orig, dest, value : str
        Names of the origin, destination and flow columns.
    top : int
        Number of largest corridors whose cumulative share is reported (>= 1; default 10).

    Returns
    -------
    pandas.DataFrame
        A plain measure table: a period column (named after ``period``), ``economies``
        (distinct places in that period's rows), ``corridors`` (rows with a positive value,
        self-pairs excluded), ``total`` (sum of values), ``weighted_reciprocity``,
        ``reciprocity`` (share of corridors whose reverse corridor is positive), ``top_orig``,
        ``top_dest``, ``top_share`` (the largest corridor and its share of the total) and
        ``top_share_cumulative`` (share of the ``top`` largest corridors).

    Raises
    ------
    InputError
        A bad ``top``.
    SchemaError
        A missing column or period, a bad value or a duplicate corridor within a period.

    Notes
    -----
    ``weighted_reciprocity = sum_{i != j} min(w_ij, w_ji) / sum_{i != j} w_ij`` (Squartini
    et al. 2013).  Rows absent from a period are not in that period's network: the function
    does not decide whether an unlisted pair means zero.

    References
    ----------
    Squartini, T., Picciolo, F., Ruzzenenti, F. & Garlaschelli, D. (2013). Reciprocity of
    weighted networks. *Scientific Reports* 3, 2729.

    Examples
    --------
    >>> table = pd.DataFrame({"orig": ["a", "b", "a"], "dest": ["b", "a", "b"],
    ...                       "year": [2010, 2010, 2020], "value": [30.0, 10.0, 5.0]})
    >>> summary = network_summary_by_period(table, top=1)
    >>> summary[["year", "corridors", "total", "weighted_reciprocity", "top_share"]]
       year  corridors  total  weighted_reciprocity  top_share
    0  2010          2   40.0                   0.5       0.75
    1  2020          1    5.0                   0.0       1.00
    """
    top = _check_int(top, "top", 1)
    require_columns(long_df, (period, orig, dest, value))
    rows = []
    for p in _periods(long_df, period):
        part = long_df[long_df[period] == p]
        G = od_graph(part, orig=orig, dest=dest, value=value)
        ranking = corridor_ranking(part, orig=orig, dest=dest, value=value)
        total = float(ranking["value"].sum())
        if total > 0:
            first = ranking.iloc[0]
            top_orig, top_dest = first["orig"], first["dest"]
            top_share = float(first["share"])
            cumulative = float(ranking["cumulative_share"].iloc[min(int(top), len(ranking)) - 1])
        else:
            top_orig = top_dest = None
            top_share = cumulative = math.nan
        rows.append(
            {
                period: p,
                "economies": G.number_of_nodes(),
                "corridors": G.number_of_edges(),
                "total": total,
                "weighted_reciprocity": reciprocity(G, weighted=True),
                "reciprocity": reciprocity(G, weighted=False),
                "top_orig": top_orig,
                "top_dest": top_dest,
                "top_share": top_share,
                "top_share_cumulative": cumulative,
            }
        )
    return pd.DataFrame(rows)


def strength_by_period(long_df: pd.DataFrame, measure: str = "net", *, period: str = "year",
                       orig: str = "orig", dest: str = "dest",
                       value: str = "value") -> pd.DataFrame:
    """One node measure of :func:`strength_table` by period: economies x periods.

    Parameters
    ----------
    long_df : pandas.DataFrame
        Tidy OD table with one row per corridor and period.
    measure : {"in_strength", "out_strength", "net", "gross"}
        ``in_strength`` (stock received), ``out_strength`` (stock sent), ``net`` (in - out)
        or ``gross`` (in + out); default ``net``.
    period : str
        Name of the period column.
    orig, dest, value : str
        Names of the origin, destination and flow columns.

    Returns
    -------
    pandas.DataFrame
        A plain measure table: one row per economy (index ``node``, label order), one column
        per period (sorted; the columns' name is ``period``).  An economy without rows in a
        period is NaN there (unknown, not zero).

    Raises
    ------
    InputError
        An unknown ``measure``.
    SchemaError
        A missing column or period, a bad value or a duplicate corridor within a period.

    Notes
    -----
    Within a period the net column sums to zero, because every corridor adds its value to one
    in-strength and one out-strength.

    Examples
    --------
    >>> table = pd.DataFrame({"orig": ["a", "b", "a"], "dest": ["b", "a", "b"],
    ...                       "year": [2010, 2010, 2020], "value": [30.0, 10.0, 5.0]})
    >>> strength_by_period(table, "net")
    year  2010  2020
    node
    a    -20.0  -5.0
    b     20.0   5.0
    """
    measure = _check_option(measure, "measure", STRENGTH_MEASURES)
    require_columns(long_df, (period, orig, dest, value))
    columns = {}
    for p in _periods(long_df, period):
        part = long_df[long_df[period] == p]
        table = strength_table(
            od_graph(part, orig=orig, dest=dest, value=value)
        )
        columns[p] = table.set_index("node")[measure]
    wide = pd.DataFrame(columns)
    wide = wide.loc[sorted(wide.index, key=_label_key)]
    wide.index.name = "node"
    wide.columns.name = period
    return wide
