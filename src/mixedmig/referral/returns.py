"""The return (repatriation) network from published repatriation figures.

Counts of different periods (e.g. "cumulative to 2008" and "~2012") are different quantities;
:func:`return_network` never adds them silently.  The published figures are in
``data/raw/gms_repatriations.csv``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

from .. import countries as _countries
from .. import networks as _networks
from ..checks import require_columns, sorted_labels
from ..errors import InputError
from ..results import Result, diagnostics_frame
from .events import (
    _ISO3_RE,
    RELIABILITY_LEVELS,
    REPATRIATION_COLUMNS,
    WEAK_RELIABILITY,
    _check_no_missing,
    _check_vocabulary,
    _first,
    _row_error,
)


@dataclass(frozen=True, eq=False)
class ReturnNetworkResult(Result):
    """Transnational return network built by :func:`return_network`.

    Parameters
    ----------
    graph : networkx.DiGraph or networkx.MultiDiGraph
        From returning country to country of return (``MultiDiGraph`` for
        ``combine="separate"``); node attributes ``name`` and ``in_registry``.
    edges : pandas.DataFrame
        One row per edge: ``orig``, ``dest``, ``count``, ``period``, ``year_start``,
        ``year_end``, ``reliability``, ``secondary``, ``weak_source``, ``count_qualifier``,
        ``n_rows``, ``rows``, ``periods``, ``counts``, ``sources``, ``urls``.
    strength : pandas.DataFrame
        :func:`mixedmig.networks.strength_table` with a ``period`` column (one block per
        period when periods are kept separate).
    corridors : pandas.DataFrame
        :func:`mixedmig.networks.corridor_ranking` with a ``period`` column.
    excluded : pandas.DataFrame
        Rows left out and why: ``row``, ``from_label``, ``to_label``, ``period``, ``count``,
        ``reason``.
    combine : str
        The ``combine`` rule used (``"error"``, ``"sum"`` or ``"separate"``).
    converged, iterations, message, diagnostics
        The result protocol (:class:`mixedmig.results.Result`): closed form; diagnostics
        counts the rows used, the rows excluded and the edges from weak sources.
    """

    graph: nx.DiGraph
    edges: pd.DataFrame = field(repr=False)
    strength: pd.DataFrame = field(repr=False)
    corridors: pd.DataFrame = field(repr=False)
    excluded: pd.DataFrame = field(repr=False)
    combine: str = "error"

    def to_frame(self) -> pd.DataFrame:
        """The edges of the return network.

        Returns
        -------
        pandas.DataFrame
            A copy of ``edges``.
        """
        return self.edges.copy()


def _validate_repatriations(table: pd.DataFrame) -> pd.DataFrame:
    what = "repatriation table"
    require_columns(table, REPATRIATION_COLUMNS, what)
    _check_no_missing(table, ("from_label", "to_label", "period", "reliability"), what)
    for column in ("from_iso3", "to_iso3"):
        values = table[column].tolist()
        position = _first([not (pd.isna(v) or (isinstance(v, str) and _ISO3_RE.match(v)))
                           for v in values])
        if position is not None:
            raise _row_error(
                f"{values[position]!r} is not an ISO 3166-1 alpha-3 code; leave it empty when "
                "the end is not a single country (e.g. 'all neighbours')", column, table,
                position, what,
            )
    raw = table["count"]
    numeric = pd.to_numeric(raw, errors="coerce").astype("float64")
    position = _first(numeric.isna().to_numpy() & raw.notna().to_numpy())
    if position is not None:
        raise _row_error(f"{_none_if_missing(raw.iloc[position])!r} is not a number; "
                         "leave unknown counts empty",
                         "count", table, position, what)
    position = _first((numeric < 0).to_numpy())
    if position is not None:
        raise _row_error(f"negative count {float(numeric.iloc[position])!r}", "count", table,
                         position, what)
    _check_vocabulary(table, "reliability", RELIABILITY_LEVELS, what)
    out = table.copy()
    out["count"] = numeric.to_numpy()
    return out


def _none_if_missing(value):
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value.item() if isinstance(value, np.generic) else value


def _year(value):
    """A year as an int (a column with gaps arrives as float), or None when missing."""
    value = _none_if_missing(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def return_network(repatriations: pd.DataFrame, period: str | Sequence[str] | None = None,
                   combine: str = "error") -> ReturnNetworkResult:
    """Transnational return network from published repatriation counts.

    Parameters
    ----------
    repatriations : pandas.DataFrame
        Published country-pair return counts with the columns of
        :data:`REPATRIATION_COLUMNS` (e.g. ``mixedmig.data.load("gms_repatriations")``).
    period : str or sequence of str, optional
        Keep only rows whose ``period`` equals it (a label or a list of labels).
    combine : {"error", "sum", "separate"}
        What to do when a country pair still has several rows (see Notes).

    Returns
    -------
    ReturnNetworkResult
        ``graph``, ``edges`` (also ``to_frame()``), ``strength``, ``corridors``, ``excluded``
        and ``combine``.

    Raises
    ------
    InputError
        An unknown ``combine`` or ``period``, or (``combine="error"``) a country pair with
        several rows.
    SchemaError
        A missing column or value, a non-ISO3 code, a count that is not a non-negative number
        or a reliability outside :data:`RELIABILITY_LEVELS`, naming the row and column.

    Notes
    -----
    An edge ``from_iso3 -> to_iso3`` (returning country -> country of return) is made only from
    rows whose two ends are single countries (``from_iso3``/``to_iso3`` filled) and whose
    ``count`` is published; every other row is listed in ``excluded`` with the reason, as are
    rows of periods not selected.  Edges keep ``count`` (also as ``weight``), ``period``,
    ``year_start``, ``year_end``, ``reliability``, ``secondary`` (reliability == "secondary"),
    ``weak_source`` (True when the count was not read directly in a primary source:
    reliability "secondary" or "uncertain"; e.g. ``flow_map(..., dashed="weak_source")``),
    ``count_qualifier``, ``source`` and ``url``.

    Counts of different periods (e.g. "cumulative to 2008" and "~2012") are different
    quantities, so they are never added silently:

    * ``period`` keeps only rows whose ``period`` equals it (a label or a list of labels);
    * ``combine="error"`` (default) raises :class:`~mixedmig.errors.InputError` when a country
      pair still has several rows;
    * ``combine="sum"`` adds them and records what was combined on the edge (``rows``,
      ``periods``, ``counts``; ``reliability`` = the weakest of the rows, ``secondary`` and
      ``weak_source`` = any);
    * ``combine="separate"`` keeps one edge per row in a ``MultiDiGraph``; strength and
      corridors are then computed per period.

    Examples
    --------
    Made-up counts for two periods of one pair; they are kept apart:

    >>> table = pd.DataFrame({
    ...     "from_label": ["Thailand"] * 2, "to_label": ["Myanmar"] * 2,
    ...     "from_iso3": ["THA"] * 2, "to_iso3": ["MMR"] * 2, "period": ["2010", "2011"],
    ...     "year_start": [2010, 2011], "year_end": [2010, 2011], "count": [12, 7],
    ...     "count_qualifier": [None, None], "reliability": ["read", "secondary"],
    ...     "source": ["s"] * 2, "url": ["u"] * 2, "note": [None, None]})
    >>> result = return_network(table, combine="separate")
    >>> result.to_frame()[["orig", "dest", "period", "count", "weak_source"]]
      orig dest period  count  weak_source
    0  THA  MMR   2010   12.0        False
    1  THA  MMR   2011    7.0         True
    """
    if combine not in ("error", "sum", "separate"):
        raise InputError(f"combine must be 'error', 'sum' or 'separate', got {combine!r}")
    table = _validate_repatriations(repatriations)
    selected = None
    if period is not None:
        selected = [period] if isinstance(period, str) else list(period)
        available = sorted_labels(table["period"].tolist())
        unknown = [p for p in selected if p not in available]
        if unknown:
            raise InputError(f"period(s) {unknown} not in the table; available: {available}")

    excluded_rows = []
    kept = []
    for position in range(len(table)):
        row = table.iloc[position]
        label = _none_if_missing(table.index[position])
        reason = None
        if _none_if_missing(row["from_iso3"]) is None:
            reason = f"origin {row['from_label']!r} is not a single country (from_iso3 empty)"
        elif _none_if_missing(row["to_iso3"]) is None:
            reason = f"destination {row['to_label']!r} is not a single country (to_iso3 empty)"
        elif _none_if_missing(row["count"]) is None:
            reason = "count not published (missing)"
        elif row["from_iso3"] == row["to_iso3"]:
            reason = "same country at both ends (not a transnational return)"
        elif selected is not None and row["period"] not in selected:
            reason = f"period {row['period']!r} not selected"
        if reason is None:
            kept.append(position)
        else:
            excluded_rows.append(
                {"row": label, "from_label": row["from_label"], "to_label": row["to_label"],
                 "period": row["period"], "count": _none_if_missing(row["count"]),
                 "reason": reason}
            )
    excluded = pd.DataFrame(excluded_rows,
                            columns=["row", "from_label", "to_label", "period", "count", "reason"])
    excluded["row"] = pd.Series([r["row"] for r in excluded_rows], dtype=object)

    records = []
    for position in kept:
        row = table.iloc[position]
        records.append(
            {
                "row": _none_if_missing(table.index[position]),
                "orig": row["from_iso3"], "dest": row["to_iso3"],
                "count": float(row["count"]), "period": row["period"],
                "year_start": _year(row["year_start"]),
                "year_end": _year(row["year_end"]),
                "reliability": row["reliability"],
                "count_qualifier": _none_if_missing(row["count_qualifier"]),
                "source": _none_if_missing(row["source"]),
                "url": _none_if_missing(row["url"]),
            }
        )
    by_pair: dict = {}
    for rec in records:
        by_pair.setdefault((rec["orig"], rec["dest"]), []).append(rec)
    if combine == "error":
        clashes = {pair: recs for pair, recs in by_pair.items() if len(recs) > 1}
        if clashes:
            pair, recs = min(clashes.items(), key=lambda kv: kv[0])
            periods = [r["period"] for r in recs]
            raise InputError(
                f"{len(clashes)} country pair(s) have several rows, e.g. {pair[0]} -> {pair[1]} "
                f"for periods {periods}; counts of different periods are not added silently. "
                "Choose one with period=..., or pass combine='sum' (records what was added) or "
                "combine='separate' (one edge per row)."
            )

    G = nx.MultiDiGraph() if combine == "separate" else nx.DiGraph()
    codes = sorted({r["orig"] for r in records} | {r["dest"] for r in records})
    labels = {}
    for position in kept:
        row = table.iloc[position]
        labels.setdefault(row["from_iso3"], row["from_label"])
        labels.setdefault(row["to_iso3"], row["to_label"])
    for code in codes:
        in_registry = _countries.is_registry_code(code)
        G.add_node(code, name=_countries.name(code) if in_registry else labels[code],
                   in_registry=in_registry)

    edge_rows = []
    if combine == "separate":
        for rec in records:
            attrs = _edge_attributes([rec])
            G.add_edge(rec["orig"], rec["dest"], key=rec["row"], **attrs)
            edge_rows.append({"orig": rec["orig"], "dest": rec["dest"], **attrs})
    else:
        for (o, d), recs in sorted(by_pair.items()):
            attrs = _edge_attributes(recs)
            G.add_edge(o, d, **attrs)
            edge_rows.append({"orig": o, "dest": d, **attrs})
    edge_columns = ["orig", "dest", "count", "period", "year_start", "year_end", "reliability",
                    "secondary", "weak_source", "count_qualifier", "n_rows", "rows", "periods",
                    "counts", "sources", "urls"]
    edges = pd.DataFrame(edge_rows, columns=[*edge_columns, "weight"]).drop(columns="weight")
    edges = edges.sort_values(["period", "orig", "dest"], kind="stable").reset_index(drop=True)

    strength_parts, corridor_parts = [], []
    groups = (
        sorted_labels(e["period"] for e in edge_rows) if combine == "separate" else [None]
    )
    for group in groups:
        part = edges if group is None else edges[edges["period"] == group]
        long = part[["orig", "dest", "count"]].rename(columns={"count": "value"})
        H = nx.DiGraph()
        H.add_nodes_from(sorted_labels(list(long["orig"]) + list(long["dest"])))
        H.add_weighted_edges_from(zip(long["orig"], long["dest"], long["value"]))
        label = group if group is not None else (
            " + ".join(sorted_labels(e["period"] for e in edge_rows)) if edge_rows else None
        )
        s = _networks.strength_table(H)
        s.insert(0, "period", label)
        strength_parts.append(s)
        c = _networks.corridor_ranking(long)
        c.insert(0, "period", label)
        corridor_parts.append(c)
    strength = pd.concat(strength_parts, ignore_index=True)
    corridors = pd.concat(corridor_parts, ignore_index=True)
    n_weak = int(edges["weak_source"].sum()) if len(edges) else 0
    return ReturnNetworkResult(
        graph=G, edges=edges, strength=strength, corridors=corridors, excluded=excluded,
        combine=combine,
        message=(f"return network: {len(edges)} edge(s) between {G.number_of_nodes()} "
                 f"countries from {len(records)} row(s); {len(excluded)} row(s) excluded"),
        diagnostics=diagnostics_frame([
            ("rows_used", len(records), "rows that became (part of) an edge"),
            ("rows_excluded", len(excluded), "see the excluded table for the reasons"),
            ("weak_source_edges", n_weak,
             "edges whose count was not read in a primary source (secondary or uncertain)"),
        ]),
    )


def _edge_attributes(recs: list[dict]) -> dict:
    weakest = max(recs, key=lambda r: RELIABILITY_LEVELS.index(r["reliability"]))["reliability"]
    periods = tuple(r["period"] for r in recs)
    starts = [r["year_start"] for r in recs if r["year_start"] is not None]
    ends = [r["year_end"] for r in recs if r["year_end"] is not None]
    qualifiers = sorted({r["count_qualifier"] for r in recs if r["count_qualifier"] is not None})
    total = float(sum(r["count"] for r in recs))
    return {
        "count": total,
        "weight": total,
        "period": " + ".join(periods),
        "year_start": min(starts) if starts else None,
        "year_end": max(ends) if ends else None,
        "reliability": weakest,
        "secondary": any(r["reliability"] == "secondary" for r in recs),
        "weak_source": any(r["reliability"] in WEAK_RELIABILITY for r in recs),
        "count_qualifier": "; ".join(qualifiers) if qualifiers else None,
        "n_rows": len(recs),
        "rows": tuple(r["row"] for r in recs),
        "periods": periods,
        "counts": tuple(r["count"] for r in recs),
        "sources": tuple(r["source"] for r in recs),
        "urls": tuple(r["url"] for r in recs),
    }
