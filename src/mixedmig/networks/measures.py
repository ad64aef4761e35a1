"""Country- and actor-level network measures.

Strength, reciprocity, counterflows, centrality, Gould-Fernandez brokerage and the
Krackhardt-Stern E-I index.  Node tables are plain measure tables (pandas DataFrames); the E-I
index returns :class:`EIIndexResult`.

References
----------
Brandes, U. (2001). A faster algorithm for betweenness centrality. *Journal of Mathematical
Sociology* 25(2), 163-177.
Gould, R. V. & Fernandez, R. M. (1989). Structures of mediation: a formal approach to brokerage
in transaction networks. *Sociological Methodology* 19, 89-126.
Krackhardt, D. & Stern, R. N. (1988). Informal networks and organizational crises: an
experimental simulation. *Social Psychology Quarterly* 51(2), 123-140.
Newman, M. E. J. (2001). Scientific collaboration networks II: shortest paths, weighted networks,
and centrality. *Physical Review E* 64, 016132.
Squartini, T., Picciolo, F., Ruzzenenti, F. & Garlaschelli, D. (2013). Reciprocity of weighted
networks. *Scientific Reports* 3, 2729.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

from ..results import Result, diagnostics_frame
from .graphs import (
    _DENSE_EIGEN_MAX_NODES,
    _TIE_DECIMALS,
    BROKERAGE_ROLES,
    _check_bool,
    _check_open_unit,
    _label_key,
    _node_groups,
    _rank_key,
    _sorted_nodes,
    _weighted_betweenness,
    _weighted_digraph,
)


@dataclass(frozen=True, eq=False)
class EIIndexResult(Result):
    """Krackhardt & Stern (1988) E-I index, overall and by group (see :func:`ei_index`).

    Parameters
    ----------
    overall : float
        ``(external - internal) / (external + internal)`` over all ties; NaN without ties.
    external : float
        Ties (or tie weight) between nodes of different groups.
    internal : float
        Ties (or tie weight) within a group.
    by_group : pandas.DataFrame
        One row per group (label order): ``group``, ``n_nodes``, ``external`` (ties with
        exactly one end in the group, either direction), ``internal`` (ties with both ends in
        it) and ``ei``.
    weighted : bool
        Whether ties were counted with their weight.
    converged, iterations, message, diagnostics
        The result protocol (:class:`mixedmig.results.Result`); closed form, so
        ``converged=True`` and ``iterations=0``; diagnostics lists groups whose index is
        undefined (no ties).
    """

    overall: float
    external: float
    internal: float
    by_group: pd.DataFrame = field(repr=False)
    weighted: bool = False

    def to_frame(self) -> pd.DataFrame:
        """The E-I index by group.

        Returns
        -------
        pandas.DataFrame
            A copy of ``by_group``.
        """
        return self.by_group.copy()


def strength_table(G, weight: str = "weight") -> pd.DataFrame:
    """Node strength table: weight received, sent, net and gross, and degrees.

    Parameters
    ----------
    G : networkx.Graph
        The network (normalised as in the package conventions; e.g. from :func:`od_graph`).
    weight : str
        Edge attribute holding the weight (missing = 1).

    Returns
    -------
    pandas.DataFrame
        A plain measure table, one row per node: ``node``, ``in_strength`` (total weight
        received), ``out_strength`` (sent), ``net``, ``gross``, ``in_degree``, ``out_degree``,
        ``degree`` (degrees count edges of positive weight only: a zero flow is no tie).
        Sorted by gross strength (largest first), ties by node label.

    Raises
    ------
    InputError
        Not a networkx graph, a negative, missing (NaN) or infinite weight, or a ``weight``
        attribute that some edges lack (see the package conventions).

    Notes
    -----
    ``in_i = sum_j w_ji``, ``out_i = sum_j w_ij``, ``net_i = in_i - out_i``,
    ``gross_i = in_i + out_i``.  A self-loop counts in both in- and out-strength (networkx
    convention).  Over all nodes the net column sums to zero.

    Examples
    --------
    >>> G = nx.DiGraph([("KHM", "THA", {"weight": 30.0}), ("THA", "KHM", {"weight": 10.0})])
    >>> strength_table(G)[["node", "in_strength", "out_strength", "net"]]
      node  in_strength  out_strength   net
    0  KHM         10.0          30.0 -20.0
    1  THA         30.0          10.0  20.0
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

    Parameters
    ----------
    G : networkx.Graph
        The network (normalised as in the package conventions).
    weighted : bool
        Weighted reciprocity (default) or the share of reciprocated edges.
    weight : str
        Edge attribute holding the weight (missing = 1).

    Returns
    -------
    float
        The reciprocity in [0, 1]; NaN when there is no flow (weighted) or no edge.

    Raises
    ------
    InputError
        Not a networkx graph, a bad weight, or a ``weight`` attribute that some edges lack
        (see the package conventions), or ``weighted`` not True/False.

    Notes
    -----
    Weighted (Squartini et al. 2013): ``r = sum_{i != j} min(w_ij, w_ji) / sum_{i != j} w_ij``,
    the share of the total flow volume matched by a flow in the opposite direction (1 for a
    symmetric matrix, 0 when no pair exchanges in both directions).  Unweighted: the share of
    edges whose reverse edge exists (``networkx.reciprocity``), counting only edges of
    positive weight: ``A -> B`` (5) with ``B -> A`` (0) is one tie, unreciprocated, so 0.

    References
    ----------
    Squartini, T., Picciolo, F., Ruzzenenti, F. & Garlaschelli, D. (2013). Reciprocity of
    weighted networks. *Scientific Reports* 3, 2729.

    Examples
    --------
    Made-up flows 30 and 10 between two places: min(30, 10) counts twice out of 40.

    >>> G = nx.DiGraph([("a", "b", {"weight": 30.0}), ("b", "a", {"weight": 10.0})])
    >>> reciprocity(G), reciprocity(G, weighted=False)
    (0.5, 1.0)
    """
    weighted = _check_bool(weighted, "weighted")
    H = _weighted_digraph(G, weight, weights_used=weighted)
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
    """Counterflow share of every pair of nodes with any flow: smaller flow / larger flow.

    Parameters
    ----------
    G : networkx.Graph
        The network (normalised as in the package conventions).
    weight : str
        Edge attribute holding the weight (missing = 1).

    Returns
    -------
    pandas.DataFrame
        A plain measure table, one row per unordered pair: ``node_a``, ``node_b`` (label
        order), ``flow_ab``, ``flow_ba``, ``larger``, ``smaller``, ``main_orig``,
        ``main_dest`` (direction of the larger flow; ``node_a -> node_b`` when equal) and
        ``counterflow_share``.  Sorted by gross pair flow (largest first), then labels.
        Self-loops are ignored.

    Raises
    ------
    InputError
        Not a networkx graph, a bad weight, or a ``weight`` attribute that some edges lack
        (see the package conventions).

    Notes
    -----
    ``counterflow_share = min(w_ab, w_ba) / max(w_ab, w_ba)``: 1 = balanced exchange,
    0 = one-way.  Only pairs with a positive flow in at least one direction are listed
    (zero-weight edges are no ties), so the share is always defined.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b", {"weight": 40.0}), ("b", "a", {"weight": 10.0})])
    >>> counterflow_share(G)[["node_a", "node_b", "main_orig", "counterflow_share"]]
      node_a node_b main_orig  counterflow_share
    0      a      b         a               0.25
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


@dataclass(frozen=True, eq=False)
class CentralityResult(Result):
    """Actor-level centralities of a network (see :func:`centrality`).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per node, sorted by node label: ``node``, ``in_degree``, ``out_degree``,
        ``degree``; ``in_strength``, ``out_strength``, ``strength`` (sums of edge weights);
        ``betweenness`` (weighted), ``betweenness_hops`` (every edge length 1), ``pagerank``
        (weighted) and ``eigenvector`` (weighted, on in-edges).
    converged : bool
        False when PageRank's power iteration did not converge.
    iterations : int
        0 (networkx does not report PageRank's iteration count).
    message : str
        How many nodes, and whether any measure is undefined.
    diagnostics : pandas.DataFrame
        Why a measure is NaN (``check`` = the measure, ``value`` = ``"undefined"`` or
        ``"not converged"``, ``note`` = the reason); empty when every measure is defined.
    """

    table: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The centrality table.

        Returns
        -------
        pandas.DataFrame
            A copy of ``table``.
        """
        return self.table.copy()


def centrality(G, weight: str = "weight", pagerank_alpha: float = 0.85) -> CentralityResult:
    """Actor-level centralities, one row per node, sorted by node label.

    Parameters
    ----------
    G : networkx.Graph
        The network (normalised as in the package conventions).
    weight : str
        Edge attribute holding the weight (missing = 1).
    pagerank_alpha : float
        PageRank damping factor, strictly between 0 and 1 (default 0.85): the probability
        that the random walker follows an edge rather than jumps to a random node.

    Returns
    -------
    CentralityResult
        ``table`` holds the measures (``eigenvector`` is NaN unless the graph is strongly
        connected; ``pagerank`` is NaN without a positive edge weight); ``diagnostics`` says
        why a measure is NaN; ``converged`` is False when PageRank did not converge.

    Raises
    ------
    InputError
        Not a networkx graph, a bad weight, a ``weight`` attribute that some edges (or, for a
        name other than ``"weight"``, all edges) lack, or ``pagerank_alpha`` not strictly
        between 0 and 1 (at 0 every node gets 1/n, at 1 or above the walk has no damping and
        PageRank is not a stationary distribution of a damped walk).

    Notes
    -----
    Betweenness (Brandes 2001) is normalised by ``(n-1)(n-2)`` for directed graphs and runs
    on shortest paths whose edge length is ``1 / w`` (Newman 2001: a heavier tie is a shorter,
    more used route; zero-weight edges carry no path).  Eigenvector centrality solves
    ``x_i = (1 / lambda) sum_j w_ji x_j`` with lambda the Perron root (an actor is central when
    it receives from central actors), normalised to unit Euclidean length.

    References
    ----------
    Brandes, U. (2001). A faster algorithm for betweenness centrality. *Journal of
    Mathematical Sociology* 25(2), 163-177.
    Newman, M. E. J. (2001). Scientific collaboration networks II: shortest paths, weighted
    networks, and centrality. *Physical Review E* 64, 016132.

    Examples
    --------
    In a made-up chain ``a -> b -> c`` only ``b`` lies between two others:

    >>> G = nx.DiGraph([("a", "b"), ("b", "c")])
    >>> centrality(G).table[["node", "degree", "betweenness"]]
      node  degree  betweenness
    0    a       1          0.0
    1    b       2          0.5
    2    c       1          0.0
    """
    pagerank_alpha = _check_open_unit(pagerank_alpha, "pagerank_alpha")
    H = _weighted_digraph(G, weight)
    diagnostics: list[tuple[str, str, str]] = []
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
            diagnostics.append(("pagerank", "not converged", f"pagerank did not converge: {exc}"))
    elif H.number_of_nodes():
        diagnostics.append(("pagerank", "undefined",
                            "pagerank undefined: the graph has no positive edge weight"))
    eigen, reason = _eigenvector_in(H) if H.number_of_nodes() else (None, None)
    if reason:
        diagnostics.append(("eigenvector", "undefined", reason))
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
    converged = not any(value == "not converged" for _, value, _ in diagnostics)
    return CentralityResult(
        table=table, converged=converged,
        message=(f"centralities of {len(nodes)} nodes"
                 + ("" if not diagnostics else f"; {len(diagnostics)} measure(s) undefined or "
                    "not converged (see diagnostics)")),
        diagnostics=diagnostics_frame(diagnostics),
    )


def brokerage_roles(G, group) -> pd.DataFrame:
    """Gould & Fernandez (1989) brokerage counts per node.

    Parameters
    ----------
    G : networkx.Graph
        The network; a tie is any edge whose ``weight`` is positive or missing (the size of
        the weight is ignored; zero-weight edges are no ties), self-loops are ignored.
    group : str or mapping
        A node-attribute name or a mapping node -> group.

    Returns
    -------
    pandas.DataFrame
        A plain measure table, one row per node (label order): ``node``, ``group``, the five
        role counts (:data:`BROKERAGE_ROLES`, int64) and ``total``.

    Raises
    ------
    InputError
        Not a networkx graph, a ``group`` of another type, or a node without a group.

    Notes
    -----
    Node ``b`` brokers the ordered pair ``(a, c)`` when ``a -> b -> c`` with ``a, b, c``
    distinct and no direct tie ``a -> c``.  Each such two-path is classified by the groups
    ``g(a), g(b), g(c)``:

    * coordinator: ``g(a) = g(b) = g(c)``;
    * itinerant (consultant): ``g(a) = g(c) != g(b)``;
    * gatekeeper: ``g(b) = g(c) != g(a)`` (b controls entry into its own group);
    * representative: ``g(a) = g(b) != g(c)`` (b speaks for its group to outsiders);
    * liaison: all three groups differ.

    Expected counts under random mixing (the paper's normalisation) are not computed.

    References
    ----------
    Gould, R. V. & Fernandez, R. M. (1989). Structures of mediation: a formal approach to
    brokerage in transaction networks. *Sociological Methodology* 19, 89-126.

    Examples
    --------
    A made-up referral ``a -> b -> c`` with ``a`` in group x and ``b``, ``c`` in group y:
    ``b`` is a gatekeeper (it controls entry into its own group).

    >>> G = nx.DiGraph([("a", "b"), ("b", "c")])
    >>> table = brokerage_roles(G, {"a": "x", "b": "y", "c": "y"})
    >>> table.loc[table["node"] == "b", ["gatekeeper", "total"]].to_numpy().tolist()
    [[1, 1]]
    """
    H = _weighted_digraph(G, weights_used=False)
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

    Parameters
    ----------
    G : networkx.Graph
        The network (normalised as in the package conventions).
    group : str or mapping
        A node-attribute name or a mapping node -> group.
    weight : str, optional
        Edge attribute to count ties with their (summed) weight; every edge must carry it (a
        name that no edge, or only some edges, carry raises InputError instead of counting
        the others as 1).  Default None: each directed edge is one tie (parallel edges of a
        multigraph are merged first; an edge whose ``weight`` attribute is 0 is no tie).

    Returns
    -------
    EIIndexResult
        ``overall``, ``external``, ``internal``, ``by_group`` (one row per group) and
        ``weighted``; ``to_frame()`` gives ``by_group``.

    Raises
    ------
    InputError
        Not a networkx graph, a bad weight, a ``weight`` attribute missing from some or all
        edges, or a node without a group.

    Notes
    -----
    ``EI = (E - I) / (E + I)`` with ``E`` the ties between nodes of different groups and
    ``I`` the ties within a group; it runs from -1 (all ties internal) to +1 (all external)
    and is NaN without ties.  Per group, ``E`` is the ties with exactly one end in the group
    and ``I`` the ties with both ends in it.  Self-loops are ignored.

    References
    ----------
    Krackhardt, D. & Stern, R. N. (1988). Informal networks and organizational crises: an
    experimental simulation. *Social Psychology Quarterly* 51(2), 123-140.

    Examples
    --------
    Made-up ties: one within group x (a -> b), three across (b -> c, c -> a, c -> b):

    >>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "b")])
    >>> result = ei_index(G, {"a": "x", "b": "x", "c": "y"})
    >>> result.overall, result.external, result.internal
    (0.5, 3.0, 1.0)
    """
    H = _weighted_digraph(G, weight if weight is not None else "weight",
                          weights_used=weight is not None)
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
    undefined = [g for g in labels if external[g] + internal[g] == 0]
    overall = _ei(total_e, total_i)
    return EIIndexResult(
        overall=overall, external=total_e, internal=total_i,
        by_group=by_group, weighted=weight is not None,
        message=(f"E-I index {overall:.3f} over {total_e + total_i:g} "
                 f"{'tie weight' if weight is not None else 'ties'} in {len(labels)} groups"),
        diagnostics=diagnostics_frame(
            [("groups_without_ties", len(undefined),
              "E-I undefined (NaN) for: " + ", ".join(map(str, undefined)) if undefined else "")]
        ),
    )
