"""Corridor rankings and their change over time."""

from __future__ import annotations
import math
import numbers
import numpy as np
import pandas as pd
from ..errors import SchemaError
from .graphs import od_graph
from .measures import reciprocity, strength_table
from .graphs import _require_columns as _require
from ..errors import InputError
from .graphs import _TIE_DECIMALS
from .graphs import _flow_table
from .graphs import _label_key


def corridor_ranking(long_df: pd.DataFrame, orig: str = "orig", dest: str = "dest",
                     value: str = "value", top: int | None = None,
                     drop_self: bool = True) -> pd.DataFrame:
    """Corridors (``orig -> dest``) ranked by value, with ``share`` of the total of all corridors
    and ``cumulative_share``.

    Columns: ``rank`` (1 = largest; ties ranked by label order), ``orig``, ``dest``, ``value``,
    ``share = value / total``, ``cumulative_share``.  ``top`` keeps the first ``top`` rows; shares
    stay relative to the total of *all* corridors, so the last cumulative share says how much of
    the total the top corridors carry.  ``drop_self`` leaves out ``orig == dest`` rows.
    """
    if top is not None and (isinstance(top, bool) or not isinstance(top, numbers.Integral)
                            or top < 1):
        raise InputError(f"top must be None or a positive integer, got {top!r}")
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

    Periods are the sorted distinct values of ``year_col`` over the whole table.  For each
    corridor and each consecutive pair (p0, p1): ``value_from``, ``value_to``,
    ``abs_change = value_to - value_from`` and ``rel_change = abs_change / value_from``
    (NaN when ``value_from`` is 0: a relative change from nothing is undefined).  A corridor absent
    from a period is *unknown* (NaN) unless ``absent_as_zero=True`` says absence means no flow.
    Sorted by orig, dest, period.
    """
    table = _flow_table(long_df, orig, dest, value, keys=(year_col,))
    if drop_self:
        table = table[(table["orig"] != table["dest"]).to_numpy()]
    try:
        periods = sorted(set(table[year_col].tolist()))
    except TypeError as exc:
        raise SchemaError(
            f"the periods in column {year_col!r} cannot be ordered ({exc}); use one type "
            "(all years as integers or all labels as strings)",
            column=year_col,
        ) from None
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
        for p0, p1 in zip(periods[:-1], periods[1:]):
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


def _periods(frame: pd.DataFrame, period: str) -> list:
    if frame[period].isna().any():
        raise SchemaError(
            f"column {period!r} has missing periods; every row needs a period", column=period
        )
    return sorted(set(frame[period].tolist()))


def network_summary_by_period(long_df: pd.DataFrame, *, period: str = "year",
                              orig: str = "orig", dest: str = "dest", value: str = "value",
                              top: int = 10) -> pd.DataFrame:
    """One row per period (sorted) of an origin-destination table.

    Columns: ``period`` (named after the ``period`` argument), ``economies`` (distinct places
    in that period's rows), ``corridors`` (rows with a positive value, self-pairs excluded),
    ``total`` (sum of values), ``weighted_reciprocity`` ``= sum_{i != j} min(w_ij, w_ji) /
    sum_{i != j} w_ij`` (Squartini et al. 2013), ``reciprocity`` (share of corridors whose
    reverse corridor is positive), ``top_orig``, ``top_dest``, ``top_share`` (the largest
    corridor and its share of the total) and ``top_share_cumulative`` (share of the total held by
    the ``top`` largest corridors; ``top`` is kept in ``result.attrs["top"]``).

    Rows absent from a period are simply not in that period's network: the function does not
    decide whether an unlisted pair means zero.
    """
    if isinstance(top, bool) or not isinstance(top, numbers.Integral) or top < 1:
        raise SchemaError(f"top must be a positive integer, got {top!r}")
    _require(long_df, (period, orig, dest, value))
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
    result = pd.DataFrame(rows)
    result.attrs["top"] = int(top)
    return result


def strength_by_period(long_df: pd.DataFrame, measure: str = "net", *, period: str = "year",
                       orig: str = "orig", dest: str = "dest",
                       value: str = "value") -> pd.DataFrame:
    """Wide table of one node measure of :func:`mixedmig.networks.strength_table`: one row per
    economy (index ``node``, label order), one column per period (sorted).

    ``measure`` is ``in_strength`` (stock received), ``out_strength`` (stock sent), ``net``
    (= in - out) or ``gross`` (= in + out).  An economy without rows in a period is NaN there
    (unknown, not zero).  Within a period the net column sums to zero, because every corridor
    adds its value to one in-strength and one out-strength.
    """
    if measure not in STRENGTH_MEASURES:
        raise SchemaError(f"measure must be one of {STRENGTH_MEASURES}, got {measure!r}")
    _require(long_df, (period, orig, dest, value))
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
