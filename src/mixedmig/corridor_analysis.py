"""Corridor-level summaries of a bilateral migrant-stock table over several periods, and a
measure of how much two sources disagree about the distribution of corridors.

* :func:`network_summary_by_period` - one row per period: number of economies and corridors,
  total stock, weighted and unweighted reciprocity, the largest corridor and the share of the
  total held by the largest corridors (built on :mod:`mixedmig.networks`).
* :func:`strength_by_period` - one strength measure (in, out, net or gross) per economy and
  period, as a wide table.
* :func:`dissimilarity_index` - Duncan & Duncan's index of dissimilarity between two
  distributions over the same corridors (e.g. two UN DESA editions, or an edition and the World
  Bank matrix).

Each period is summarised on its own rows only: nothing is carried from one period to
another, so a table that holds several data editions must be filtered to one edition first
(editions are never spliced).

References
----------
Squartini, T., Picciolo, F., Ruzzenenti, F. & Garlaschelli, D. (2013). Reciprocity of weighted
networks. *Scientific Reports* 3, 2729.
Duncan, O. D. & Duncan, B. (1955). A methodological analysis of segregation indexes. *American
Sociological Review* 20(2), 210-217.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import pandas as pd

from . import networks
from .errors import DataError, SchemaError
from .networks import _require_columns as _require

__all__ = [
    "STRENGTH_MEASURES",
    "network_summary_by_period",
    "strength_by_period",
    "dissimilarity_index",
]

#: Columns of :func:`mixedmig.networks.strength_table` that :func:`strength_by_period` accepts.
STRENGTH_MEASURES: tuple[str, ...] = ("in_strength", "out_strength", "net", "gross")


def _label_key(label):
    """Numbers by value first, then everything else by its string (as mixedmig.networks)."""
    if isinstance(label, numbers.Real) and not isinstance(label, bool):
        return (0, float(label), "")
    return (1, 0.0, str(label))


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
        G = networks.od_graph(part, orig=orig, dest=dest, value=value)
        ranking = networks.corridor_ranking(part, orig=orig, dest=dest, value=value)
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
                "weighted_reciprocity": networks.reciprocity(G, weighted=True),
                "reciprocity": networks.reciprocity(G, weighted=False),
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
        table = networks.strength_table(
            networks.od_graph(part, orig=orig, dest=dest, value=value)
        )
        columns[p] = table.set_index("node")[measure]
    wide = pd.DataFrame(columns)
    wide = wide.loc[sorted(wide.index, key=_label_key)]
    wide.index.name = "node"
    wide.columns.name = period
    return wide


def dissimilarity_index(a: pd.Series, b: pd.Series) -> float:
    """Index of dissimilarity between two distributions over the same items (Duncan & Duncan
    1955): ``D = 1/2 * sum_i |a_i / sum(a) - b_i / sum(b)|``.

    D is the share of one distribution that would have to move to other items to reproduce the
    other's shares: 0 when the shares are identical (whatever the totals), 1 when no item is
    positive in both.  ``a`` and ``b`` must have the same index (the same corridors, e.g. a
    MultiIndex of origin and destination) with finite non-negative values and positive sums.
    """
    for label, s in (("a", a), ("b", b)):
        if not isinstance(s, pd.Series):
            raise DataError(f"{label} must be a pandas Series, got {type(s).__name__}")
        if not s.index.is_unique:
            raise DataError(f"{label} has a duplicated index label; give each item once")
    if not a.index.sort_values().equals(b.index.sort_values()):
        only_a = a.index.difference(b.index)
        only_b = b.index.difference(a.index)
        raise DataError(
            f"a and b must cover the same items; {len(only_a)} only in a, {len(only_b)} only "
            f"in b (e.g. {list(only_a[:2]) + list(only_b[:2])}). Align them first, e.g. keep "
            "the intersection of the two indexes."
        )
    x = pd.to_numeric(a, errors="coerce").astype("float64")
    y = pd.to_numeric(b, errors="coerce").astype("float64").reindex(x.index)
    for label, s in (("a", x), ("b", y)):
        values = s.to_numpy()
        if not np.isfinite(values).all() or (values < 0).any():
            raise DataError(
                f"{label} has missing, infinite or negative values; drop unknown items from "
                "both series first (a missing figure is not a zero)"
            )
        if values.sum() <= 0:
            raise DataError(f"{label} sums to zero; shares are undefined")
    share_x = x.to_numpy() / x.sum()
    share_y = y.to_numpy() / y.sum()
    return float(0.5 * np.abs(share_x - share_y).sum())
