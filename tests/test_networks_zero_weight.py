"""Zero-weight edges are no ties (issue 8, item 7): every unweighted measure ignores them.

All graphs are made-up fixtures; expected values are worked by hand in the comments.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from mixedmig.networks import (
    brokerage_roles,
    centrality,
    counterflow_share,
    ei_index,
    network_summary_by_period,
    od_graph,
    reciprocity,
    removal_curve,
    robustness,
    strength_table,
)


def _digraph(edges):
    G = nx.DiGraph()
    G.add_weighted_edges_from(edges)
    return G


def test_reciprocity_counts_no_tie_for_a_zero_flow():
    # A -> B carries 5, B -> A carries 0: one tie, not reciprocated -> 0 (old code: 2/2 = 1).
    G = _digraph([("A", "B", 5.0), ("B", "A", 0.0)])
    assert reciprocity(G, weighted=False) == 0.0
    assert reciprocity(G, weighted=True) == 0.0  # min(5, 0) / 5
    # add A <-> C (1 and 2): ties A->B, A->C, C->A; reciprocated: A->C, C->A -> 2/3
    G.add_weighted_edges_from([("A", "C", 1.0), ("C", "A", 2.0)])
    assert reciprocity(G, weighted=False) == pytest.approx(2 / 3)
    # weighted: (min(1, 2) + min(2, 1)) / (5 + 1 + 2) = 2 / 8
    assert reciprocity(G, weighted=True) == pytest.approx(0.25)


def test_od_graph_drops_zero_flows_and_keeps_every_place():
    table = pd.DataFrame({"orig": ["A", "B"], "dest": ["B", "A"], "value": [5.0, 0.0]})
    G = od_graph(table)
    assert sorted(G.nodes) == ["A", "B"] and list(G.edges) == [("A", "B")]
    # kept on request (e.g. to draw every listed corridor), still no tie for the measures
    kept = od_graph(table, drop_zero=False)
    assert kept.number_of_edges() == 2
    assert reciprocity(kept, weighted=False) == 0.0
    summary = network_summary_by_period(table.assign(year=2020))
    assert summary.loc[0, "corridors"] == 1 and summary.loc[0, "reciprocity"] == 0.0


def test_degrees_count_only_positive_edges():
    # a -> b (3), b -> a (0), b -> c (0): a has out-degree 1, b in-degree 1, nothing else.
    G = _digraph([("a", "b", 3.0), ("b", "a", 0.0), ("b", "c", 0.0)])
    s = strength_table(G).set_index("node")
    assert s.loc["a", ["in_degree", "out_degree", "degree"]].tolist() == [0, 1, 1]
    assert s.loc["b", ["in_degree", "out_degree", "degree"]].tolist() == [1, 0, 1]
    assert s.loc["c", "degree"] == 0  # the node stays, without ties
    c = centrality(G).table.set_index("node")
    assert c.loc["b", "degree"] == 1 and c.loc["b", "out_degree"] == 0


def test_hop_betweenness_ignores_zero_edges():
    # a -> b (1), b -> c (0): no path a -> b -> c, so b lies between nobody (old: 1 of the
    # (n-1)(n-2) = 2 ordered pairs -> 0.5).
    G = _digraph([("a", "b", 1.0), ("b", "c", 0.0)])
    table = centrality(G).table.set_index("node")
    assert table.loc["b", "betweenness_hops"] == 0.0
    assert table.loc["b", "betweenness"] == 0.0


def test_brokerage_ignores_zero_edges():
    # a -> b (1), b -> c (0): b brokers no pair (old code: gatekeeper 1); with b -> c (2) it
    # is the gatekeeper of the hand-worked docstring example.
    groups = {"a": "x", "b": "y", "c": "y"}
    zero = brokerage_roles(_digraph([("a", "b", 1.0), ("b", "c", 0.0)]), groups)
    assert zero["total"].sum() == 0
    positive = brokerage_roles(_digraph([("a", "b", 1.0), ("b", "c", 2.0)]), groups)
    assert positive.set_index("node").loc["b", "gatekeeper"] == 1


def test_unweighted_ei_index_ignores_zero_edges():
    # a -> b (1) inside group x; b -> c (0) across: E = 0, I = 1, EI = (0 - 1) / 1 = -1
    # (old code: E = 1, I = 1, EI = 0).
    result = ei_index(_digraph([("a", "b", 1.0), ("b", "c", 0.0)]),
                      {"a": "x", "b": "x", "c": "y"})
    assert (result.external, result.internal, result.overall) == (0.0, 1.0, -1.0)


def test_counterflow_pairs_need_a_positive_flow():
    G = _digraph([("a", "b", 4.0), ("b", "a", 1.0), ("c", "d", 0.0), ("d", "c", 0.0)])
    table = counterflow_share(G)
    assert table[["node_a", "node_b"]].values.tolist() == [["a", "b"]]
    assert table["counterflow_share"].tolist() == [0.25]


def test_components_in_robustness_ignore_zero_edges():
    # a -> b (0), c -> d (2): components {a}, {b}, {c, d}; the largest has 2 of 4 nodes
    # (old code: a -> b joined a and b, and both components had 2).
    G = _digraph([("a", "b", 0.0), ("c", "d", 2.0)])
    curve = removal_curve(G, ["c"])
    assert curve["largest_wcc"].tolist() == [2, 1]
    assert curve.loc[0, "largest_wcc_share"] == 0.5
    # degree order: only c and d have ties (degree 1 each); c first by label
    assert robustness(G, order="degree", steps=1)["removed"].tolist() == [None, "c"]


def test_parallel_edges_are_summed_before_zero_edges_are_dropped():
    M = nx.MultiDiGraph()
    M.add_edge("a", "b", weight=0.0)
    M.add_edge("a", "b", weight=3.0)
    M.add_edge("b", "a", weight=0.0)
    M.add_edge("b", "a", weight=0.0)
    assert strength_table(M).set_index("node").loc["a", "out_degree"] == 1
    assert reciprocity(M, weighted=False) == 0.0
