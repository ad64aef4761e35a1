"""Graphs from origin-destination tables and the checks every network measure shares.

Holds :func:`od_graph` and the private helpers used by every measure of
:mod:`mixedmig.networks`: the one graph normalisation (:func:`_weighted_digraph`: a ``DiGraph``
with a float ``weight`` on every edge, parallel edges summed, missing weights = 1, edges whose
(summed) weight is zero dropped, since a zero flow is no tie), the one
edge-weight check, the one column check, the one flow-table validation, the one period logic
and the one node-label sort key (numbers by value first, then everything else by ``str``).

References
----------
Newman, M. E. J. (2001). Scientific collaboration networks II: shortest paths, weighted
networks, and centrality. *Physical Review E* 64, 016132 (distance = 1 / tie strength).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping

import networkx as nx
import numpy as np
import pandas as pd

from ..checks import label_sort_key as _label_key
from ..checks import require_columns
from ..checks import sorted_labels as _sorted_nodes
from ..errors import InputError, SchemaError

#: Gould & Fernandez (1989) brokerage roles, in the order of their paper's table.
BROKERAGE_ROLES = ("coordinator", "itinerant", "gatekeeper", "representative", "liaison")


#: Node orderings accepted by :func:`robustness`.
ROBUSTNESS_ORDERS = ("betweenness", "degree", "strength")


_TIE_DECIMALS = 12


_DENSE_EIGEN_MAX_NODES = 2000




def _check_int(value, name: str, minimum: int = 0, allow_none: bool = False):
    """``value`` as an int >= ``minimum`` (None passes through when ``allow_none``)."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        what = f"an integer >= {minimum}"
        raise InputError(f"{name} must be {'None or ' if allow_none else ''}{what}, got {value!r}")
    return int(value)


def _check_seed(seed) -> int:
    """A random seed: a whole number >= 0 (what ``numpy.random.default_rng`` accepts as one int).

    The one seed check of :mod:`mixedmig.networks`; strings, floats, booleans, negative numbers
    and None are refused (None would draw fresh entropy and make the result irreproducible).
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise InputError(
            f"seed must be a whole number >= 0 (e.g. seed=0), got {seed!r}; the same seed "
            "gives the same random draws"
        )
    return int(seed)


def _check_bool(value, name: str) -> bool:
    """``value`` as a bool; anything but True/False (or a numpy bool) is refused.

    The one flag check of :mod:`mixedmig.networks`: ``recompute="no"`` would otherwise count as
    True.
    """
    if not isinstance(value, bool | np.bool_):
        raise InputError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def _check_option(value, name: str, allowed) -> str:
    """``value`` if it is one of ``allowed``, else an InputError listing them (the one option check)."""
    if not isinstance(value, str) or value not in allowed:
        shown = ", ".join(repr(a) for a in allowed)
        raise InputError(f"{name} must be one of {shown}, got {value!r}")
    return value


def _check_open_unit(value, name: str) -> float:
    """``value`` as a float strictly between 0 and 1 (a damping factor, a probability band)."""
    if (isinstance(value, bool) or not isinstance(value, numbers.Real)
            or not 0 < float(value) < 1):
        raise InputError(f"{name} must be a number strictly between 0 and 1, got {value!r}")
    return float(value)


def _check_weight_name(G, weight) -> None:
    """Refuse a ``weight`` attribute that no edge, or only some edges, of ``G`` carry.

    ``"weight"`` carried by no edge is an unweighted graph: every edge counts 1 (networkx's
    convention, documented in the package).  Any other name carried by no edge is a typo, and
    an attribute carried by some edges but not others would silently count the others as 1:
    both raise InputError naming the attribute (and the first edges without it).
    """
    if not isinstance(weight, str) or not weight:
        raise InputError(
            f"weight must be the name of an edge attribute (a non-empty str), got {weight!r}"
        )
    if G.is_multigraph():
        edges = [(u, v, d) for u, v, _k, d in G.edges(keys=True, data=True)]
    else:
        edges = list(G.edges(data=True))
    if not edges:
        return
    lacking = [(u, v) for u, v, d in edges if weight not in d]
    if not lacking or (weight == "weight" and len(lacking) == len(edges)):
        return
    if len(lacking) == len(edges):
        carried = sorted({str(k) for _u, _v, d in edges for k in d})
        raise InputError(
            f"no edge has the attribute {weight!r}; the edges carry "
            f"{carried if carried else 'no attributes'}. Pass one of those as weight"
            " (or leave weight out to count every tie as 1)."
        )
    shown = ", ".join(f"{u!r} -> {v!r}" for u, v in lacking[:3])
    raise InputError(
        f"{len(lacking)} of {len(edges)} edges have no attribute {weight!r} (e.g. {shown}); "
        f"give every edge a {weight!r} value (a missing value is not 1 tie's worth)."
    )


def _periods(frame: pd.DataFrame, period: str) -> list:
    """The sorted distinct periods of column ``period`` (missing or unorderable: SchemaError)."""
    if frame[period].isna().any():
        raise SchemaError(
            f"column {period!r} has missing periods; every row needs a period", column=period
        )
    try:
        return sorted(set(frame[period].tolist()))
    except TypeError as exc:
        raise SchemaError(
            f"the periods in column {period!r} cannot be ordered ({exc}); use one type "
            "(all years as integers or all labels as strings)",
            column=period,
        ) from None


def _check_weight(value, u, v, weight: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(
            f"edge {u!r} -> {v!r}: attribute {weight!r} is {value!r}, not a number; "
            "give every edge a non-negative numeric weight."
        )
    value = float(value)
    if not math.isfinite(value) or value < 0:
        raise InputError(
            f"edge {u!r} -> {v!r}: weight {value!r} is not a finite non-negative number; "
            "flows and referral counts cannot be negative or missing."
        )
    return value


def _weighted_digraph(G, weight: str = "weight", directed: bool = False,
                      weights_used: bool = True) -> nx.DiGraph:
    """A DiGraph copy with a float ``weight`` on every edge (see the package conventions).

    Parallel edges are summed first; an edge whose weight is then 0 is dropped (its nodes
    stay), so that every measure, weighted or not, counts only ties that carry a flow: with
    ``A -> B`` (5) and ``B -> A`` (0) there is one tie, unreciprocated.  ``directed=True``
    refuses undirected graphs instead of giving each edge both directions.
    """
    if not isinstance(G, nx.Graph) or (directed and not G.is_directed()):
        kind = "a directed networkx graph" if directed else "a networkx graph"
        raise InputError(
            f"expected {kind}, got {type(G).__name__}; build one with od_graph() "
            "or mixedmig.referral.referral_network()."
        )
    if weights_used:
        _check_weight_name(G, weight)
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
    H.remove_edges_from([(u, v) for u, v, w in H.edges(data="weight") if w == 0])
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




def _flow_table(long_df: pd.DataFrame, orig: str, dest: str, value: str, keys=()) -> pd.DataFrame:
    """Validated copy with columns orig, dest, value (float64) and the extra key columns."""
    keys = tuple(keys)
    require_columns(long_df, (orig, dest, value, *keys), "flow table")
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
            raise InputError(
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
        raise InputError(
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


def od_graph(long_df: pd.DataFrame, orig: str = "orig", dest: str = "dest",
             value: str = "value", drop_zero: bool = True, drop_self: bool = True) -> nx.DiGraph:
    """Directed graph of an OD table: one edge ``orig -> dest`` per row with attribute ``weight``.

    Every origin and destination becomes a node, also when all its flows are dropped, so node
    tables list every place.  Nodes are added in label order (numbers by value, then the rest
    by ``str``).

    Parameters
    ----------
    long_df : pandas.DataFrame
        Tidy OD table, one row per corridor (rows = origin/birthplace ``orig``, columns of the
        matching matrix = destination/residence ``dest``).
    orig, dest : str
        Names of the origin and destination columns.
    value : str
        Name of the flow column (persons; finite, non-negative).
    drop_zero : bool
        Omit zero flows (no edge).  Default True: a zero flow is no tie.  With False the
        zero-weight edges are kept in the graph (e.g. to draw every listed corridor), but
        every measure of :mod:`mixedmig.networks` still ignores them.
    drop_self : bool
        Omit ``orig == dest`` rows (e.g. the diagonal of a stock matrix).  Default True.

    Returns
    -------
    networkx.DiGraph
        One node per place, one edge per kept row with float attribute ``weight`` = the flow.

    Raises
    ------
    InputError
        ``drop_zero`` or ``drop_self`` not True/False.
    SchemaError
        A missing column, a missing label, a missing, non-finite or negative value (a missing
        flow is not a zero flow), or a duplicate corridor (filter or aggregate several periods
        first).

    Examples
    --------
    >>> table = pd.DataFrame({"orig": ["KHM", "LAO", "KHM"], "dest": ["THA", "THA", "KHM"],
    ...                       "value": [30.0, 0.0, 5.0]})
    >>> G = od_graph(table)
    >>> sorted(G.nodes), list(G.edges(data="weight"))
    (['KHM', 'LAO', 'THA'], [('KHM', 'THA', 30.0)])
    """
    drop_zero = _check_bool(drop_zero, "drop_zero")
    drop_self = _check_bool(drop_self, "drop_self")
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
