"""Graph measures for origin-destination flows and actor networks (networkx).

Contents
--------
* :func:`od_graph` - a weighted ``nx.DiGraph`` from a tidy ``(orig, dest, value)`` table.
* Country / node level: :func:`strength_table` (in, out, net and gross strength, degree),
  :func:`reciprocity` (weighted and unweighted), :func:`counterflow_share`,
  :func:`corridor_ranking`, :func:`corridor_change`.
* Actor level: :func:`centrality_table` (degree, strength, betweenness, PageRank, eigenvector),
  :func:`brokerage_roles` (Gould & Fernandez 1989), :func:`ei_index` (Krackhardt & Stern 1988),
  :func:`robustness` (removal of the most central nodes).

Conventions
-----------
* Every function accepts a ``DiGraph``; a ``MultiDiGraph`` is first collapsed to a ``DiGraph``
  whose edge weight is the sum of the parallel edges' weights, and an undirected ``Graph`` becomes
  a ``DiGraph`` with both directions.  A missing ``weight`` attribute counts as 1 (networkx's
  convention); negative, missing-but-set (NaN) or infinite weights raise
  :class:`GraphInputError`.
* Outputs are DataFrames sorted deterministically; node labels are ordered numbers first (by
  value), then everything else by ``str(label)``.  Ties in a ranking are broken by that label
  order, after rounding scores to 12 decimals so that floating-point noise does not decide ties.

References
----------
Gould, R. V. & Fernandez, R. M. (1989). Structures of mediation: a formal approach to brokerage
in transaction networks. *Sociological Methodology* 19, 89-126.
Krackhardt, D. & Stern, R. N. (1988). Informal networks and organizational crises: an
experimental simulation. *Social Psychology Quarterly* 51(2), 123-140.
Squartini, T., Picciolo, F., Ruzzenenti, F. & Garlaschelli, D. (2013). Reciprocity of weighted
networks. *Scientific Reports* 3, 2729 (doi:10.1038/srep02729; weighted reciprocity
r = W<-> / W).
Brandes, U. (2001). A faster algorithm for betweenness centrality. *Journal of Mathematical
Sociology* 25(2), 163-177.
Newman, M. E. J. (2001). Scientific collaboration networks II: shortest paths, weighted networks,
and centrality. *Physical Review E* 64, 016132 (distance = 1 / tie strength).
Albert, R., Jeong, H. & Barabasi, A.-L. (2000). Error and attack tolerance of complex networks.
*Nature* 406, 378-382.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

from .errors import MixedmigError, SchemaError

__all__ = [
    "GraphInputError",
    "EIIndexResult",
    "BROKERAGE_ROLES",
    "ROBUSTNESS_ORDERS",
    "od_graph",
    "strength_table",
    "reciprocity",
    "counterflow_share",
    "corridor_ranking",
    "corridor_change",
    "centrality_table",
    "brokerage_roles",
    "ei_index",
    "robustness",
]

#: Gould & Fernandez (1989) brokerage roles, in the order of their paper's table.
BROKERAGE_ROLES = ("coordinator", "itinerant", "gatekeeper", "representative", "liaison")

#: Node orderings accepted by :func:`robustness`.
ROBUSTNESS_ORDERS = ("betweenness", "degree", "strength")

_TIE_DECIMALS = 12
_DENSE_EIGEN_MAX_NODES = 2000


class GraphInputError(MixedmigError, ValueError):
    """A graph, a group assignment or a parameter that the network measures cannot use."""


@dataclass(frozen=True)
class EIIndexResult:
    """Krackhardt & Stern E-I index, overall and by group.

    ``overall = (external - internal) / (external + internal)`` over all ties (NaN without
    ties).  ``by_group`` has one row per group: ``group``, ``n_nodes``, ``external`` (ties with
    exactly one end in the group, either direction), ``internal`` (ties with both ends in it)
    and ``ei``.
    """

    overall: float
    external: float
    internal: float
    by_group: pd.DataFrame = field(repr=False)
    weighted: bool = False


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def _label_key(label):
    """Sort key: real numbers by value first, then everything else by its string."""
    if isinstance(label, numbers.Real) and not isinstance(label, bool):
        return (0, float(label), "")
    return (1, 0.0, str(label))


def _sorted_nodes(nodes) -> list:
    return sorted(nodes, key=_label_key)


def _check_weight(value, u, v, weight: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise GraphInputError(
            f"edge {u!r} -> {v!r}: attribute {weight!r} is {value!r}, not a number; "
            "give every edge a non-negative numeric weight."
        )
    value = float(value)
    if not math.isfinite(value) or value < 0:
        raise GraphInputError(
            f"edge {u!r} -> {v!r}: weight {value!r} is not a finite non-negative number; "
            "flows and referral counts cannot be negative or missing."
        )
    return value


def _weighted_digraph(G, weight: str = "weight") -> nx.DiGraph:
    """A DiGraph copy with a float ``weight`` on every edge (see the module conventions)."""
    if not isinstance(G, nx.Graph):
        raise GraphInputError(
            f"expected a networkx graph, got {type(G).__name__}; build one with od_graph() "
            "or mixedmig.referral.referral_network()."
        )
    H = nx.DiGraph()
    H.add_nodes_from(G.nodes(data=True))
    if G.is_multigraph():
        edge_iter = ((u, v, d) for u, v, _, d in G.edges(keys=True, data=True))
    else:
        edge_iter = G.edges(data=True)
    directed = G.is_directed()
    for u, v, data in edge_iter:
        w = _check_weight(data.get(weight, 1.0), u, v, weight)
        pairs = [(u, v)] if directed or u == v else [(u, v), (v, u)]
        for a, b in pairs:
            if H.has_edge(a, b):
                H[a][b]["weight"] += w
            else:
                H.add_edge(a, b, weight=w)
    return H


def _column_error(message: str, *, column=None, label=None, position=None) -> SchemaError:
    where = ""
    if isinstance(label, np.generic):
        label = label.item()
    if label is not None:
        where = f"row {label!r} (position {position}): "
    error = SchemaError(where + message, column=column)
    error.row = label
    return error


def _require_columns(frame: pd.DataFrame, columns, what: str = "table") -> None:
    if not isinstance(frame, pd.DataFrame):
        raise SchemaError(f"expected a pandas DataFrame as the {what}, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SchemaError(
            f"the {what} has no column(s) {missing}; its columns are {list(frame.columns)}. "
            "Rename the columns or pass their names as arguments.",
            column=missing[0],
        )


def _flow_table(long_df: pd.DataFrame, orig: str, dest: str, value: str, keys=()) -> pd.DataFrame:
    """Validated copy with columns orig, dest, value (float64) and the extra key columns."""
    keys = tuple(keys)
    _require_columns(long_df, (orig, dest, value, *keys), "flow table")
    for column in (orig, dest, *keys):
        missing = long_df[column].isna().to_numpy()
        if missing.any():
            position = int(missing.argmax())
            raise _column_error(
                "missing label; every flow needs an origin, a destination"
                + (" and a period" if keys else ""),
                column=column, label=long_df.index[position], position=position,
            )
    raw = long_df[value]
    numeric = pd.to_numeric(raw, errors="coerce").astype("float64")
    bad = numeric.isna().to_numpy() | ~np.isfinite(numeric.to_numpy())
    if bad.any():
        position = int(bad.argmax())
        shown = raw.iloc[position]
        shown = shown.item() if isinstance(shown, np.generic) else shown
        what = "missing value" if pd.isna(shown) else f"{shown!r} is not a finite number"
        raise _column_error(
            f"{what}; drop rows whose flow is unknown before building corridors or graphs "
            "(a missing flow is not a zero flow)",
            column=value, label=long_df.index[position], position=position,
        )
    negative = (numeric < 0).to_numpy()
    if negative.any():
        position = int(negative.argmax())
        raise _column_error(
            f"negative flow {float(numeric.iloc[position])!r}; flows are non-negative counts",
            column=value, label=long_df.index[position], position=position,
        )
    table = pd.DataFrame(
        {
            "orig": long_df[orig].astype(object).to_numpy(),
            "dest": long_df[dest].astype(object).to_numpy(),
            "value": numeric.to_numpy(),
        },
        index=long_df.index,
    )
    for k in keys:
        table[k] = long_df[k].astype(object).to_numpy()
    key_cols = ["orig", "dest", *keys]
    duplicated = table.duplicated(subset=key_cols, keep="first").to_numpy()
    if duplicated.any():
        position = int(duplicated.argmax())
        first = table.iloc[position]
        shown = ", ".join(f"{c}={first[c]!r}" for c in key_cols)
        raise _column_error(
            f"duplicate corridor ({shown}); each corridor may appear once"
            + (" per period" if keys else "")
            + ". Filter to one period or aggregate explicitly before calling",
            column=orig, label=long_df.index[position], position=position,
        )
    return table


def _node_groups(H: nx.DiGraph, group) -> dict:
    """Map node -> group label from a node-attribute name or a mapping."""
    groups = {}
    missing = []
    for node in H.nodes:
        if isinstance(group, Mapping):
            value = group.get(node)
        elif isinstance(group, str):
            value = H.nodes[node].get(group)
        else:
            raise GraphInputError(
                f"group must be a node-attribute name (str) or a mapping node -> group, got "
                f"{type(group).__name__}"
            )
        if value is None or (isinstance(value, float) and math.isnan(value)):
            missing.append(node)
        else:
            groups[node] = value
    if missing:
        shown = ", ".join(repr(n) for n in _sorted_nodes(missing)[:5])
        source = f"node attribute {group!r}" if isinstance(group, str) else "the group mapping"
        raise GraphInputError(
            f"{len(missing)} node(s) have no group in {source} (e.g. {shown}); give every node "
            "a group."
        )
    return groups


def _rank_key(score: float, node):
    rounded = round(score, _TIE_DECIMALS) if math.isfinite(score) else score
    return (-rounded, _label_key(node))


def _weighted_betweenness(H: nx.DiGraph, normalized: bool = True) -> dict:
    """Betweenness with edge length 1 / weight (Newman 2001); zero-weight edges are no path."""
    D = nx.DiGraph()
    D.add_nodes_from(H.nodes)
    D.add_edges_from(
        (u, v, {"distance": 1.0 / d["weight"]})
        for u, v, d in H.edges(data=True)
        if d["weight"] > 0 and u != v
    )
    return nx.betweenness_centrality(D, weight="distance", normalized=normalized)


# --------------------------------------------------------------------------------------------
# OD graphs and country-level measures
# --------------------------------------------------------------------------------------------


def od_graph(long_df: pd.DataFrame, orig: str = "orig", dest: str = "dest",
             value: str = "value", drop_zero: bool = True, drop_self: bool = True) -> nx.DiGraph:
    """Directed graph of an OD table: one edge ``orig -> dest`` per row with attribute ``weight``.

    Every origin and destination becomes a node, also when all its flows are dropped, so node
    tables list every place.  ``drop_zero`` omits zero flows (no edge), ``drop_self`` omits
    ``orig == dest`` rows (e.g. the diagonal of a stock matrix).  Missing or negative values and
    duplicate corridors raise :class:`~mixedmig.errors.SchemaError` (a missing flow is not zero;
    several periods must be filtered or aggregated first).
    """
    table = _flow_table(long_df, orig, dest, value)
    G = nx.DiGraph()
    G.add_nodes_from(_sorted_nodes(set(table["orig"]) | set(table["dest"])))
    keep = np.ones(len(table), dtype=bool)
    if drop_zero:
        keep &= table["value"].to_numpy() != 0
    if drop_self:
        keep &= (table["orig"] != table["dest"]).to_numpy()
    kept = table[keep]
    G.add_weighted_edges_from(
        zip(kept["orig"].tolist(), kept["dest"].tolist(), kept["value"].tolist())
    )
    return G


def strength_table(G, weight: str = "weight") -> pd.DataFrame:
    """Node table: ``in_strength`` (total weight received), ``out_strength`` (sent),
    ``net = in - out``, ``gross = in + out``, ``in_degree``, ``out_degree``, ``degree``.

    A self-loop counts in both in- and out-strength (networkx convention).  Rows are sorted
    by gross strength (largest first), ties by node label.
    """
    H = _weighted_digraph(G, weight)
    rows = []
    for node in H.nodes:
        s_in = float(H.in_degree(node, weight="weight"))
        s_out = float(H.out_degree(node, weight="weight"))
        rows.append(
            {
                "node": node,
                "in_strength": s_in,
                "out_strength": s_out,
                "net": s_in - s_out,
                "gross": s_in + s_out,
                "in_degree": int(H.in_degree(node)),
                "out_degree": int(H.out_degree(node)),
                "degree": int(H.degree(node)),
            }
        )
    rows.sort(key=lambda r: _rank_key(r["gross"], r["node"]))
    columns = ["node", "in_strength", "out_strength", "net", "gross",
               "in_degree", "out_degree", "degree"]
    return pd.DataFrame(rows, columns=columns)


def reciprocity(G, weighted: bool = True, weight: str = "weight") -> float:
    """Reciprocity of a directed graph, self-loops excluded.

    Weighted (Squartini, Picciolo, Ruzzenenti & Garlaschelli 2013, "Reciprocity of weighted
    networks", *Scientific Reports* 3, 2729):
    ``r = sum_{i != j} min(w_ij, w_ji) / sum_{i != j} w_ij``, the share of the total flow volume
    that is matched by a flow in the opposite direction (1 for a symmetric matrix, 0 when no
    pair exchanges in both directions).  Unweighted: the share of edges whose reverse edge
    exists (``networkx.reciprocity``).  NaN when there is no flow / no edge.
    """
    H = _weighted_digraph(G, weight)
    H.remove_edges_from(list(nx.selfloop_edges(H)))
    if not weighted:
        if H.number_of_edges() == 0:
            return math.nan
        return float(nx.reciprocity(H))
    total = 0.0
    matched = 0.0
    for u, v, d in H.edges(data=True):
        total += d["weight"]
        if H.has_edge(v, u):
            matched += min(d["weight"], H[v][u]["weight"])
    return matched / total if total > 0 else math.nan


def counterflow_share(G, weight: str = "weight") -> pd.DataFrame:
    """Per unordered pair of nodes with any flow: ``counterflow_share = smaller / larger``.

    Columns: ``node_a``, ``node_b`` (label order), ``flow_ab``, ``flow_ba``, ``larger``,
    ``smaller``, ``main_orig``, ``main_dest`` (direction of the larger flow; ``node_a -> node_b``
    when equal) and ``counterflow_share`` (1 = balanced exchange, 0 = one-way; NaN when both flows
    are zero).  Sorted by gross pair flow (largest first), then labels.  Self-loops ignored.
    """
    H = _weighted_digraph(G, weight)
    seen = set()
    rows = []
    for u, v in H.edges:
        if u == v:
            continue
        a, b = sorted((u, v), key=_label_key)
        if (a, b) in seen:
            continue
        seen.add((a, b))
        ab = H[a][b]["weight"] if H.has_edge(a, b) else 0.0
        ba = H[b][a]["weight"] if H.has_edge(b, a) else 0.0
        larger, smaller = max(ab, ba), min(ab, ba)
        main = (a, b) if ab >= ba else (b, a)
        rows.append(
            {
                "node_a": a, "node_b": b, "flow_ab": ab, "flow_ba": ba,
                "larger": larger, "smaller": smaller,
                "main_orig": main[0], "main_dest": main[1],
                "counterflow_share": smaller / larger if larger > 0 else math.nan,
            }
        )
    rows.sort(key=lambda r: (-round(r["larger"] + r["smaller"], _TIE_DECIMALS),
                             _label_key(r["node_a"]), _label_key(r["node_b"])))
    columns = ["node_a", "node_b", "flow_ab", "flow_ba", "larger", "smaller",
               "main_orig", "main_dest", "counterflow_share"]
    return pd.DataFrame(rows, columns=columns)


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
        raise GraphInputError(f"top must be None or a positive integer, got {top!r}")
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


# --------------------------------------------------------------------------------------------
# actor-level measures
# --------------------------------------------------------------------------------------------


def _eigenvector_in(H: nx.DiGraph) -> tuple[dict | None, str | None]:
    """Weighted in-edge eigenvector centrality, defined for strongly connected graphs.

    ``x_i = (1 / lambda) * sum_j w_ji x_j`` with lambda the Perron root; by the Perron-Frobenius
    theorem the vector is unique and positive only when the graph is strongly connected
    (irreducible weight matrix).  Normalised to unit Euclidean length, as networkx does.
    """
    n = H.number_of_nodes()
    if n < 2:
        return None, "eigenvector centrality undefined: fewer than two nodes"
    positive = nx.DiGraph()
    positive.add_nodes_from(H.nodes)
    positive.add_edges_from((u, v) for u, v, d in H.edges(data=True) if d["weight"] > 0)
    if not nx.is_strongly_connected(positive):
        return None, (
            "eigenvector centrality undefined: the graph is not strongly connected (the "
            "leading eigenvector is not unique and positive); use pagerank"
        )
    nodes = list(H.nodes)
    if n <= _DENSE_EIGEN_MAX_NODES:
        matrix = nx.to_numpy_array(H, nodelist=nodes, weight="weight")
        values, vectors = np.linalg.eig(matrix.T)
        leading = vectors[:, int(np.argmax(values.real))].real
    else:  # pragma: no cover - large graphs only
        import scipy.sparse.linalg as spla

        matrix = nx.to_scipy_sparse_array(H, nodelist=nodes, weight="weight", dtype=float)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, vectors = spla.eigs(matrix.T, k=1, which="LR")
        leading = vectors[:, 0].real
    leading = leading / (np.sign(leading.sum()) * np.linalg.norm(leading))
    return dict(zip(nodes, leading.tolist())), None


def centrality_table(G, weight: str = "weight", pagerank_alpha: float = 0.85) -> pd.DataFrame:
    """Actor-level centralities, one row per node, sorted by node label.

    Columns: ``in_degree``, ``out_degree``, ``degree``; ``in_strength``, ``out_strength``,
    ``strength`` (sums of edge weights); ``betweenness`` (Brandes 2001, normalised by
    ``(n-1)(n-2)`` for directed graphs) on shortest paths whose edge *length is 1 / weight*
    (Newman 2001: a heavier tie is a shorter, more used route; zero-weight edges carry no path);
    ``betweenness_hops`` (every edge length 1); ``pagerank`` (weighted, damping
    ``pagerank_alpha``); ``eigenvector`` (weighted, on in-edges: an actor is central when it
    receives from central actors), NaN unless the graph is strongly connected.  Why a measure is
    NaN is listed in ``result.attrs["diagnostics"]``.
    """
    H = _weighted_digraph(G, weight)
    diagnostics: list[str] = []
    nodes = _sorted_nodes(H.nodes)
    between = _weighted_betweenness(H)
    hop_graph = nx.DiGraph()
    hop_graph.add_nodes_from(H.nodes)
    hop_graph.add_edges_from((u, v) for u, v in H.edges if u != v)
    between_hops = nx.betweenness_centrality(hop_graph, normalized=True)
    pagerank: dict = {}
    if H.number_of_nodes() and H.size(weight="weight") > 0:
        try:
            pagerank = nx.pagerank(H, alpha=pagerank_alpha, weight="weight")
        except nx.PowerIterationFailedConvergence as exc:
            diagnostics.append(f"pagerank did not converge: {exc}")
    elif H.number_of_nodes():
        diagnostics.append("pagerank undefined: the graph has no positive edge weight")
    eigen, reason = _eigenvector_in(H) if H.number_of_nodes() else (None, None)
    if reason:
        diagnostics.append(reason)
    rows = []
    for node in nodes:
        rows.append(
            {
                "node": node,
                "in_degree": int(H.in_degree(node)),
                "out_degree": int(H.out_degree(node)),
                "degree": int(H.degree(node)),
                "in_strength": float(H.in_degree(node, weight="weight")),
                "out_strength": float(H.out_degree(node, weight="weight")),
                "strength": float(H.degree(node, weight="weight")),
                "betweenness": float(between[node]),
                "betweenness_hops": float(between_hops[node]),
                "pagerank": float(pagerank.get(node, math.nan)),
                "eigenvector": float(eigen[node]) if eigen is not None else math.nan,
            }
        )
    columns = ["node", "in_degree", "out_degree", "degree", "in_strength", "out_strength",
               "strength", "betweenness", "betweenness_hops", "pagerank", "eigenvector"]
    table = pd.DataFrame(rows, columns=columns)
    table.attrs["diagnostics"] = diagnostics
    return table


def brokerage_roles(G, group) -> pd.DataFrame:
    """Gould & Fernandez (1989) brokerage counts per node.

    Node ``b`` brokers the ordered pair ``(a, c)`` when ``a -> b -> c`` with ``a, b, c``
    distinct and no direct tie ``a -> c``.  Each such two-path is classified by the groups
    ``g(a), g(b), g(c)``:

    * coordinator: ``g(a) = g(b) = g(c)``;
    * itinerant (consultant): ``g(a) = g(c) != g(b)``;
    * gatekeeper: ``g(b) = g(c) != g(a)`` (b controls entry into its own group);
    * representative: ``g(a) = g(b) != g(c)`` (b speaks for its group to outsiders);
    * liaison: all three groups differ.

    A tie is any edge of ``G`` (weights are ignored); self-loops are ignored.  ``group`` is a
    node-attribute name or a mapping node -> group.  Returns one row per node (label order) with
    ``group``, the five role counts and ``total``.  Expected counts under random mixing (the
    paper's normalisation) are not computed.
    """
    H = _weighted_digraph(G)
    groups = _node_groups(H, group)
    counts = {node: dict.fromkeys(BROKERAGE_ROLES, 0) for node in H.nodes}
    for b in H.nodes:
        senders = [a for a in H.predecessors(b) if a != b]
        receivers = [c for c in H.successors(b) if c != b]
        gb = groups[b]
        for a in senders:
            ga = groups[a]
            for c in receivers:
                if c == a or H.has_edge(a, c):
                    continue
                gc = groups[c]
                if ga == gb == gc:
                    role = "coordinator"
                elif ga == gc:
                    role = "itinerant"
                elif gb == gc:
                    role = "gatekeeper"
                elif ga == gb:
                    role = "representative"
                else:
                    role = "liaison"
                counts[b][role] += 1
    rows = []
    for node in _sorted_nodes(H.nodes):
        row = {"node": node, "group": groups[node], **counts[node]}
        row["total"] = sum(counts[node].values())
        rows.append(row)
    columns = ["node", "group", *BROKERAGE_ROLES, "total"]
    table = pd.DataFrame(rows, columns=columns)
    for role in (*BROKERAGE_ROLES, "total"):
        table[role] = table[role].astype("int64")
    return table


def ei_index(G, group, weight: str | None = None) -> EIIndexResult:
    """Krackhardt & Stern (1988) E-I index: ``(E - I) / (E + I)``.

    ``E`` counts ties between nodes of different groups, ``I`` ties within a group; each
    directed edge is one tie (parallel edges of a multigraph are merged first) unless
    ``weight`` names an edge attribute, in which case ties count with their (summed) weight.
    The index runs from -1 (all ties internal) to +1 (all external).  Per group, ``E`` is the
    ties with exactly one end in the group and ``I`` the ties with both ends in it.  Self-loops
    are ignored.
    """
    H = _weighted_digraph(G, weight if weight is not None else "weight")
    groups = _node_groups(H, group)
    labels = sorted(set(groups.values()), key=_label_key)
    external = dict.fromkeys(labels, 0.0)
    internal = dict.fromkeys(labels, 0.0)
    total_e = total_i = 0.0
    for u, v, d in H.edges(data=True):
        if u == v:
            continue
        w = d["weight"] if weight is not None else 1.0
        gu, gv = groups[u], groups[v]
        if gu == gv:
            total_i += w
            internal[gu] += w
        else:
            total_e += w
            external[gu] += w
            external[gv] += w

    def _ei(e: float, i: float) -> float:
        return (e - i) / (e + i) if (e + i) > 0 else math.nan

    sizes = pd.Series(list(groups.values())).value_counts()
    by_group = pd.DataFrame(
        {
            "group": labels,
            "n_nodes": [int(sizes[g]) for g in labels],
            "external": [external[g] for g in labels],
            "internal": [internal[g] for g in labels],
            "ei": [_ei(external[g], internal[g]) for g in labels],
        }
    )
    return EIIndexResult(
        overall=_ei(total_e, total_i), external=total_e, internal=total_i,
        by_group=by_group, weighted=weight is not None,
    )


def _removal_scores(H: nx.DiGraph, order: str) -> dict:
    if order == "betweenness":
        return _weighted_betweenness(H)
    if order == "degree":
        return {n: float(H.degree(n)) for n in H.nodes}
    return {n: float(H.degree(n, weight="weight")) for n in H.nodes}


def robustness(G, order: str = "betweenness", steps: int | None = None,
               recompute: bool = True, weight: str = "weight") -> pd.DataFrame:
    """Targeted attack: remove the most central node, one at a time (Albert et al. 2000).

    ``order`` is ``"betweenness"`` (weighted, length 1 / weight, as in
    :func:`centrality_table`), ``"degree"`` (in + out) or ``"strength"`` (in + out weight).
    With ``recompute=True`` scores are recomputed after each removal (adaptive attack);
    otherwise the ranking of the intact graph is used throughout.  Ties go to the lowest node
    label.  ``steps`` = number of removals (default: until no node is left).

    Returns one row per step (step 0 = intact graph): ``step``, ``removed`` (node label, None at
    step 0), ``score`` (its score when removed), ``n_nodes``, ``largest_wcc`` (size of the
    largest weakly connected component), ``largest_wcc_share`` = largest_wcc / original number
    of nodes (the usual robustness curve, Albert et al. 2000; it falls by 1/n with every
    removal even while the rest stays connected), ``largest_wcc_share_of_remaining`` =
    largest_wcc / n_nodes (1.0 while the remaining nodes are all connected, so it shows
    fragmentation only; NaN once no node is left) and ``weight_share`` (edge weight among
    remaining nodes / original total weight).
    """
    if order not in ROBUSTNESS_ORDERS:
        raise GraphInputError(f"order must be one of {ROBUSTNESS_ORDERS}, got {order!r}")
    H = _weighted_digraph(G, weight)
    n0 = H.number_of_nodes()
    if steps is None:
        steps = n0
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 0:
        raise GraphInputError(f"steps must be None or a non-negative integer, got {steps!r}")
    steps = min(int(steps), n0)
    total_weight = float(H.size(weight="weight"))

    def _record(step, removed, score):
        lcc = max((len(c) for c in nx.weakly_connected_components(H)), default=0)
        remaining = float(H.size(weight="weight"))
        return {
            "step": step,
            "removed": removed,
            "score": score,
            "n_nodes": H.number_of_nodes(),
            "largest_wcc": lcc,
            "largest_wcc_share": lcc / n0 if n0 else math.nan,
            "largest_wcc_share_of_remaining": (lcc / H.number_of_nodes()
                                               if H.number_of_nodes() else math.nan),
            "weight_share": remaining / total_weight if total_weight > 0 else math.nan,
        }

    rows = [_record(0, None, math.nan)]
    fixed = None if recompute else _removal_scores(H, order)
    for step in range(1, steps + 1):
        scores = _removal_scores(H, order) if recompute else {n: fixed[n] for n in H.nodes}
        target = min(scores, key=lambda n: _rank_key(scores[n], n))
        H.remove_node(target)
        rows.append(_record(step, target, float(scores[target])))
    table = pd.DataFrame(rows, columns=["step", "removed", "score", "n_nodes", "largest_wcc",
                                        "largest_wcc_share", "largest_wcc_share_of_remaining",
                                        "weight_share"])
    # keep node labels as Python objects (None at step 0), not a string column with NaN
    table["removed"] = pd.Series([r["removed"] for r in rows], dtype=object)
    return table
