"""Network robustness: the largest weakly connected component as nodes are removed."""

from __future__ import annotations
import math
import numbers
import networkx as nx
import numpy as np
import pandas as pd
from collections.abc import Sequence
from ..errors import InputError
from .graphs import ROBUSTNESS_ORDERS
from .graphs import _rank_key
from .graphs import _weighted_betweenness
from .graphs import _weighted_digraph


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
        raise InputError(f"order must be one of {ROBUSTNESS_ORDERS}, got {order!r}")
    H = _weighted_digraph(G, weight)
    n0 = H.number_of_nodes()
    if steps is None:
        steps = n0
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 0:
        raise InputError(f"steps must be None or a non-negative integer, got {steps!r}")
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


_CURVE_COLUMNS = ["step", "removed", "n_nodes", "largest_wcc", "largest_wcc_share",
                  "weight_share"]


def _checked_graph(G, weight: str) -> nx.DiGraph:
    """A DiGraph copy with float ``weight`` (parallel edges summed, missing weight = 1)."""
    if not isinstance(G, nx.Graph) or not G.is_directed():
        raise InputError(
            f"expected a directed networkx graph, got {type(G).__name__}; build one with "
            "mixedmig.referral.referral_network()"
        )
    H = nx.DiGraph()
    H.add_nodes_from(G.nodes)
    edges = G.edges(keys=False, data=True) if G.is_multigraph() else G.edges(data=True)
    for u, v, data in edges:
        w = data.get(weight, 1.0)
        if (isinstance(w, bool) or not isinstance(w, numbers.Real) or not math.isfinite(w)
                or w < 0):
            raise InputError(
                f"edge {u!r} -> {v!r}: {weight!r} = {w!r} is not a finite non-negative number"
            )
        if H.has_edge(u, v):
            H[u][v]["weight"] += float(w)
        else:
            H.add_edge(u, v, weight=float(w))
    return H


def _curve(H: nx.DiGraph, order: Sequence) -> list[dict]:
    n0 = H.number_of_nodes()
    total = float(H.size(weight="weight"))

    def record(step, removed):
        largest = max((len(c) for c in nx.weakly_connected_components(H)), default=0)
        return {
            "step": step,
            "removed": removed,
            "n_nodes": H.number_of_nodes(),
            "largest_wcc": largest,
            "largest_wcc_share": largest / n0 if n0 else math.nan,
            "weight_share": float(H.size(weight="weight")) / total if total > 0 else math.nan,
        }

    rows = [record(0, None)]
    for step, node in enumerate(order, start=1):
        H.remove_node(node)
        rows.append(record(step, node))
    return rows


def removal_curve(G, order: Sequence, weight: str = "weight") -> pd.DataFrame:
    """The network left after removing the nodes of ``order`` one at a time.

    One row per step (step 0 = intact graph): ``step``, ``removed`` (None at step 0),
    ``n_nodes``, ``largest_wcc`` (nodes in the largest weakly connected component),
    ``largest_wcc_share`` (of the original number of nodes) and ``weight_share`` (edge weight
    among the remaining nodes / the original total weight) - the definitions of
    :func:`mixedmig.networks.robustness`.  ``G`` is not modified.
    """
    H = _checked_graph(G, weight)
    order = list(order)
    unknown = [n for n in order if n not in H]
    if unknown:
        raise InputError(f"node(s) {unknown[:3]} of the removal order are not in the graph")
    if len(set(order)) != len(order):
        raise InputError("the removal order lists a node more than once")
    table = pd.DataFrame(_curve(H, order), columns=_CURVE_COLUMNS)
    table["removed"] = pd.Series([None, *order], dtype=object)
    return table


def random_removal(G, steps: int, n_draws: int = 200, seed: int = 0,
                   weight: str = "weight", band: float = 0.9) -> pd.DataFrame:
    """Random-removal baseline: :func:`removal_curve` for ``n_draws`` seeded random orders.

    Each draw removes ``steps`` nodes chosen uniformly without replacement
    (``numpy.random.default_rng(seed).permutation`` of the nodes in sorted-label order, so the
    result does not depend on the graph's insertion order).  Returns one row per step with
    the mean and the central ``band`` percentile interval (default 5th-95th) of
    ``largest_wcc_share`` and ``weight_share`` over the draws: columns ``step``,
    ``largest_wcc_share_mean``, ``largest_wcc_share_low``, ``largest_wcc_share_high``,
    ``weight_share_mean``, ``weight_share_low``, ``weight_share_high``.  ``attrs`` records
    ``n_draws``, ``seed`` and ``band``.
    """
    for value, name, low in ((steps, "steps", 0), (n_draws, "n_draws", 1)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
            raise InputError(f"{name} must be an integer >= {low}, got {value!r}")
    if isinstance(band, bool) or not isinstance(band, numbers.Real) or not 0 < band < 1:
        raise InputError(f"band must be a number strictly between 0 and 1, got {band!r}")
    H0 = _checked_graph(G, weight)
    nodes = sorted(H0.nodes, key=lambda n: (str(type(n).__name__), str(n)))
    if steps > len(nodes):
        raise InputError(f"steps = {steps} exceeds the {len(nodes)} nodes of the graph")
    rng = np.random.default_rng(seed)
    lcc = np.empty((n_draws, steps + 1))
    share = np.empty((n_draws, steps + 1))
    for draw in range(n_draws):
        order = [nodes[i] for i in rng.permutation(len(nodes))[:steps]]
        rows = _curve(H0.copy(), order)
        lcc[draw] = [r["largest_wcc_share"] for r in rows]
        share[draw] = [r["weight_share"] for r in rows]
    q_low, q_high = (1 - band) / 2, 1 - (1 - band) / 2
    table = pd.DataFrame({"step": np.arange(steps + 1)})
    for name, values in (("largest_wcc_share", lcc), ("weight_share", share)):
        table[f"{name}_mean"] = values.mean(axis=0)
        table[f"{name}_low"] = np.quantile(values, q_low, axis=0)
        table[f"{name}_high"] = np.quantile(values, q_high, axis=0)
    table.attrs.update({"n_draws": int(n_draws), "seed": seed, "band": float(band)})
    return table
