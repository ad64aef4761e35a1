"""Robustness of referral networks: removal curves for a given order and a random-removal
baseline.

:func:`mixedmig.networks.robustness` removes the *most central* actor at each step (a targeted
attack).  Whether that damage is large only shows against a baseline: the same number of
actors removed at random ("error" versus "attack" tolerance, Albert, Jeong & Barabasi 2000).

* :func:`removal_curve` - the network left after removing nodes in a given order: size of the
  largest weakly connected component and the share of edge weight (referrals) still possible,
  with the columns of :func:`mixedmig.networks.robustness` except `largest_wcc_share_of_remaining`.
* :func:`random_removal` - the mean and a percentile band of those curves over seeded random
  removal orders.
* :func:`grouped_circle_layout` - deterministic node positions for drawing an actor network:
  one small circle of actors per group (e.g. country), the groups on a large circle.

Reference: Albert, R., Jeong, H. & Barabasi, A.-L. (2000). Error and attack tolerance of
complex networks. *Nature* 406, 378-382.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import networkx as nx
import numpy as np
import pandas as pd

from .errors import MixedmigError

__all__ = ["RemovalInputError", "removal_curve", "random_removal", "grouped_circle_layout"]

_CURVE_COLUMNS = ["step", "removed", "n_nodes", "largest_wcc", "largest_wcc_share",
                  "weight_share"]


class RemovalInputError(MixedmigError, ValueError):
    """A graph, removal order or parameter that the removal analysis cannot use."""


def _checked_graph(G, weight: str) -> nx.DiGraph:
    """A DiGraph copy with float ``weight`` (parallel edges summed, missing weight = 1)."""
    if not isinstance(G, nx.Graph) or not G.is_directed():
        raise RemovalInputError(
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
            raise RemovalInputError(
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
        raise RemovalInputError(f"node(s) {unknown[:3]} of the removal order are not in the graph")
    if len(set(order)) != len(order):
        raise RemovalInputError("the removal order lists a node more than once")
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
            raise RemovalInputError(f"{name} must be an integer >= {low}, got {value!r}")
    if isinstance(band, bool) or not isinstance(band, numbers.Real) or not 0 < band < 1:
        raise RemovalInputError(f"band must be a number strictly between 0 and 1, got {band!r}")
    H0 = _checked_graph(G, weight)
    nodes = sorted(H0.nodes, key=lambda n: (str(type(n).__name__), str(n)))
    if steps > len(nodes):
        raise RemovalInputError(f"steps = {steps} exceeds the {len(nodes)} nodes of the graph")
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


def grouped_circle_layout(G, group: str, order: Sequence | None = None, radius: float = 1.0,
                          inner_radius: float = 0.3) -> dict:
    """Positions ``{node: (x, y)}``: group ``i`` of ``g`` (in ``order``, default sorted) is
    centred at angle ``90 - 360 i / g`` degrees on a circle of ``radius`` (clockwise from the
    top); its ``m`` members, sorted by label, sit at angle ``90 - 360 j / m`` degrees on a
    circle of ``inner_radius`` around that centre (a group of one sits on the centre).
    ``group`` names a node attribute.  No randomness, so a drawing never changes between runs.
    """
    groups: dict = {}
    for node, data in G.nodes(data=True):
        if group not in data:
            raise RemovalInputError(f"node {node!r} has no attribute {group!r}")
        groups.setdefault(data[group], []).append(node)
    if order is None:
        order = sorted(groups, key=str)
    else:
        order = list(order)
        missing = [g for g in groups if g not in order]
        if missing:
            raise RemovalInputError(f"group(s) {missing} are not in order")
    positions = {}
    n_groups = len(order)
    for i, label in enumerate(order):
        angle = math.radians(90 - 360 * i / n_groups)
        cx, cy = radius * math.cos(angle), radius * math.sin(angle)
        members = sorted(groups.get(label, []), key=str)
        for j, node in enumerate(members):
            if len(members) == 1:
                positions[node] = (cx, cy)
                continue
            inner = math.radians(90 - 360 * j / len(members))
            positions[node] = (cx + inner_radius * math.cos(inner),
                               cy + inner_radius * math.sin(inner))
    return positions
