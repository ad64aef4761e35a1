"""Network robustness: the largest weakly connected component as nodes are removed.

One removal-curve implementation serves three entry points: :func:`robustness` (targeted
attack, the most central node first), :func:`removal_curve` (a given removal order) and
:func:`random_removal` (the random-failure baseline, many seeded random orders).  All three
return plain measure tables (pandas DataFrames), not ``...Result`` objects.

References
----------
Albert, R., Jeong, H. & Barabasi, A.-L. (2000). Error and attack tolerance of complex networks.
*Nature* 406, 378-382.
Newman, M. E. J. (2001). Scientific collaboration networks II: shortest paths, weighted networks,
and centrality. *Physical Review E* 64, 016132 (distance = 1 / tie strength).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import networkx as nx
import numpy as np
import pandas as pd

from ..errors import InputError
from .graphs import (
    ROBUSTNESS_ORDERS,
    _check_bool,
    _check_int,
    _check_open_unit,
    _check_option,
    _check_seed,
    _rank_key,
    _sorted_nodes,
    _weighted_betweenness,
    _weighted_digraph,
)

_ROBUSTNESS_COLUMNS = ["step", "removed", "score", "n_nodes", "largest_wcc", "largest_wcc_share",
                       "largest_wcc_share_of_remaining", "weight_share"]

_CURVE_COLUMNS = ["step", "removed", "n_nodes", "largest_wcc", "largest_wcc_share",
                  "weight_share"]


def _removal_scores(H: nx.DiGraph, order: str) -> dict:
    if order == "betweenness":
        return _weighted_betweenness(H)
    if order == "degree":
        return {n: float(H.degree(n)) for n in H.nodes}
    return {n: float(H.degree(n, weight="weight")) for n in H.nodes}


def _curve(H: nx.DiGraph, steps: int, choose: Callable[[nx.DiGraph, int], tuple]) -> list[dict]:
    """The one removal curve: remove ``choose(H, step) -> (node, score)`` ``steps`` times.

    ``H`` (a normalised DiGraph) is modified.  One record per step, step 0 = intact graph.
    """
    n0 = H.number_of_nodes()
    total = float(H.size(weight="weight"))

    def record(step, removed, score):
        largest = max((len(c) for c in nx.weakly_connected_components(H)), default=0)
        n_nodes = H.number_of_nodes()
        return {
            "step": step,
            "removed": removed,
            "score": score,
            "n_nodes": n_nodes,
            "largest_wcc": largest,
            "largest_wcc_share": largest / n0 if n0 else math.nan,
            "largest_wcc_share_of_remaining": largest / n_nodes if n_nodes else math.nan,
            "weight_share": float(H.size(weight="weight")) / total if total > 0 else math.nan,
        }

    rows = [record(0, None, math.nan)]
    for step in range(1, steps + 1):
        node, score = choose(H, step)
        H.remove_node(node)
        rows.append(record(step, node, score))
    return rows


def _table(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=columns)
    # keep node labels as Python objects (None at step 0), not a string column with NaN
    table["removed"] = pd.Series([r["removed"] for r in rows], dtype=object)
    return table


def robustness(G, order: str = "betweenness", steps: int | None = None,
               recompute: bool = True, weight: str = "weight") -> pd.DataFrame:
    """Targeted attack: remove the most central node, one at a time (Albert et al. 2000).

    Parameters
    ----------
    G : networkx.Graph
        The network (``DiGraph``, ``MultiDiGraph`` or undirected; normalised as in the package
        conventions: parallel edges summed, undirected edges in both directions).
    order : {"betweenness", "degree", "strength"}
        Centrality deciding which node goes next: weighted betweenness (edge length
        1 / weight, as in :func:`~mixedmig.networks.centrality`), degree (in + out) or
        strength (in + out weight).
    steps : int, optional
        Number of removals; default: until no node is left.  Larger values are capped at the
        number of nodes.
    recompute : bool
        Recompute scores after each removal (adaptive attack, default); with False the
        ranking of the intact graph is used throughout.
    weight : str
        Edge attribute holding the weight (missing = 1).

    Returns
    -------
    pandas.DataFrame
        A plain measure table, one row per step (step 0 = intact graph): ``step``,
        ``removed`` (node label, None at step 0), ``score`` (its score when removed, NaN at
        step 0), ``n_nodes``, ``largest_wcc`` (nodes in the largest weakly connected
        component), ``largest_wcc_share``, ``largest_wcc_share_of_remaining`` and
        ``weight_share``.

    Raises
    ------
    InputError
        An unknown ``order``, a bad ``steps``, a ``recompute`` other than True/False,
        something other than a networkx graph, a negative, missing (NaN) or infinite edge
        weight, or a ``weight`` attribute that some edges lack.

    Notes
    -----
    With n_0 the original number of nodes, W_0 the original total edge weight and, after k
    removals, C_k the largest weakly connected component, n_k the remaining nodes and W_k the
    weight among them::

        largest_wcc_share              = |C_k| / n_0   (the usual curve; falls by 1/n_0 per
                                                        removal even while all stays connected)
        largest_wcc_share_of_remaining = |C_k| / n_k   (1 while connected; NaN when n_k = 0)
        weight_share                   = W_k / W_0

    Ties go to the lowest node label, after rounding scores to 12 decimals.

    References
    ----------
    Albert, R., Jeong, H. & Barabasi, A.-L. (2000). Error and attack tolerance of complex
    networks. *Nature* 406, 378-382.

    Examples
    --------
    A star with centre ``"c"`` (made-up weights) falls apart when its centre goes:

    >>> G = nx.DiGraph([("a", "c", {"weight": 2.0}), ("c", "b", {"weight": 1.0}),
    ...                 ("d", "c", {"weight": 1.0})])
    >>> table = robustness(G, order="degree", steps=1)
    >>> table[["step", "removed", "largest_wcc", "weight_share"]]
       step removed  largest_wcc  weight_share
    0     0    None            4           1.0
    1     1       c            1           0.0
    """
    order = _check_option(order, "order", ROBUSTNESS_ORDERS)
    recompute = _check_bool(recompute, "recompute")
    H = _weighted_digraph(G, weight)
    steps = _check_int(steps, "steps", 0, allow_none=True)
    steps = H.number_of_nodes() if steps is None else min(steps, H.number_of_nodes())
    fixed = None if recompute else _removal_scores(H, order)

    def most_central(graph, _step):
        scores = (_removal_scores(graph, order) if recompute
                  else {n: fixed[n] for n in graph.nodes})
        target = min(scores, key=lambda n: _rank_key(scores[n], n))
        return target, float(scores[target])

    return _table(_curve(H, steps, most_central), _ROBUSTNESS_COLUMNS)


def removal_curve(G, order: Sequence, weight: str = "weight") -> pd.DataFrame:
    """The network left after removing the nodes of ``order`` one at a time.

    Parameters
    ----------
    G : networkx.DiGraph or networkx.MultiDiGraph
        A directed network (parallel edges are summed; missing weight = 1).  Not modified.
    order : sequence
        Node labels in removal order, each at most once.
    weight : str
        Edge attribute holding the weight.

    Returns
    -------
    pandas.DataFrame
        A plain measure table, one row per step (step 0 = intact graph): ``step``,
        ``removed`` (None at step 0), ``n_nodes``, ``largest_wcc``, ``largest_wcc_share``
        and ``weight_share``, with the definitions (and the computation) of
        :func:`robustness`.

    Raises
    ------
    InputError
        An undirected graph, a node not in the graph or listed twice, a negative, missing
        or infinite weight, or a ``weight`` attribute that some edges lack.

    Examples
    --------
    A made-up chain ``a -> b -> c``; removing the middle node splits it:

    >>> G = nx.DiGraph([("a", "b", {"weight": 1.0}), ("b", "c", {"weight": 3.0})])
    >>> removal_curve(G, ["b"])[["step", "removed", "largest_wcc", "weight_share"]]
       step removed  largest_wcc  weight_share
    0     0    None            3           1.0
    1     1       b            1           0.0
    """
    H = _weighted_digraph(G, weight, directed=True)
    order = list(order)
    unknown = [n for n in order if n not in H]
    if unknown:
        raise InputError(f"node(s) {unknown[:3]} of the removal order are not in the graph")
    if len(set(order)) != len(order):
        raise InputError("the removal order lists a node more than once")
    rows = _curve(H, len(order), lambda _graph, step: (order[step - 1], math.nan))
    return _table(rows, _CURVE_COLUMNS)


def random_removal(G, steps: int, n_draws: int = 200, seed: int = 0,
                   weight: str = "weight", band: float = 0.9) -> pd.DataFrame:
    """Random-removal baseline: :func:`removal_curve` for ``n_draws`` seeded random orders.

    Parameters
    ----------
    G : networkx.DiGraph or networkx.MultiDiGraph
        A directed network (parallel edges summed; missing weight = 1).  Not modified.
    steps : int
        Nodes removed per draw (0 <= steps <= number of nodes).
    n_draws : int
        Number of random orders (>= 1).  Default 200.
    seed : int
        Seed of ``numpy.random.default_rng``: a whole number >= 0 (the same seed gives the
        same orders).
    weight : str
        Edge attribute holding the weight.
    band : float
        Central probability of the reported interval, strictly between 0 and 1 (default 0.9:
        the 5th to 95th percentile).

    Returns
    -------
    pandas.DataFrame
        A plain measure table, one row per step: ``step``, ``largest_wcc_share_mean``,
        ``largest_wcc_share_low``, ``largest_wcc_share_high``, ``weight_share_mean``,
        ``weight_share_low``, ``weight_share_high``.

    Raises
    ------
    InputError
        A bad ``steps``, ``n_draws``, ``seed`` (not a whole number >= 0) or ``band``,
        ``steps`` above the number of nodes, an undirected graph, a bad weight or a
        ``weight`` attribute that some edges lack.

    Notes
    -----
    Each draw removes ``steps`` nodes chosen uniformly without replacement: the first
    ``steps`` entries of ``default_rng(seed).permutation`` applied to the nodes in label order
    (numbers by value, then the rest by ``str``), so the result does not depend on the graph's
    insertion order.  low/high are the ``(1 - band) / 2`` and ``1 - (1 - band) / 2``
    quantiles over the draws (``numpy.quantile``, linear interpolation).

    References
    ----------
    Albert, R., Jeong, H. & Barabasi, A.-L. (2000). Error and attack tolerance of complex
    networks. *Nature* 406, 378-382.

    Examples
    --------
    In a made-up directed 4-cycle any one removal leaves a path of 3 nodes and 2 of 4 edges:

    >>> G = nx.DiGraph([(0, 1), (1, 2), (2, 3), (3, 0)])
    >>> table = random_removal(G, steps=1, n_draws=20, seed=0)
    >>> table.loc[1, ["largest_wcc_share_mean", "weight_share_mean"]].tolist()
    [0.75, 0.5]
    """
    steps = _check_int(steps, "steps", 0)
    n_draws = _check_int(n_draws, "n_draws", 1)
    seed = _check_seed(seed)
    band = _check_open_unit(band, "band")
    H0 = _weighted_digraph(G, weight, directed=True)
    nodes = _sorted_nodes(H0.nodes)
    if steps > len(nodes):
        raise InputError(f"steps = {steps} exceeds the {len(nodes)} nodes of the graph")
    rng = np.random.default_rng(seed)
    lcc = np.empty((n_draws, steps + 1))
    share = np.empty((n_draws, steps + 1))
    for draw in range(n_draws):
        order = [nodes[i] for i in rng.permutation(len(nodes))[:steps]]
        rows = _curve(H0.copy(), steps,
                      lambda _graph, step, order=order: (order[step - 1], math.nan))
        lcc[draw] = [r["largest_wcc_share"] for r in rows]
        share[draw] = [r["weight_share"] for r in rows]
    q_low, q_high = (1 - band) / 2, 1 - (1 - band) / 2
    table = pd.DataFrame({"step": np.arange(steps + 1)})
    for name, values in (("largest_wcc_share", lcc), ("weight_share", share)):
        table[f"{name}_mean"] = values.mean(axis=0)
        table[f"{name}_low"] = np.quantile(values, q_low, axis=0)
        table[f"{name}_high"] = np.quantile(values, q_high, axis=0)
    return table
