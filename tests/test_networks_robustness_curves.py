"""Tests of networks.removal_curve and networks.random_removal."""

from __future__ import annotations

import math

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mixedmig.errors import InputError
from mixedmig.networks import random_removal, removal_curve, robustness


def _chain() -> nx.DiGraph:
    # a -> b (weight 1), b -> c (weight 3): total weight 4, one component of 3 nodes.
    G = nx.DiGraph()
    G.add_edge("a", "b", weight=1.0)
    G.add_edge("b", "c", weight=3.0)
    return G


def _cycle(n: int) -> nx.DiGraph:
    G = nx.DiGraph()
    G.add_weighted_edges_from((i, (i + 1) % n, 1.0) for i in range(n))
    return G


def test_removal_curve_hand_computed_chain():
    # Removing b leaves a and c isolated: largest component 1 of 3, no weight left.
    # Removing a leaves b -> c: component of 2 of 3, weight 3 of 4.
    by_b = removal_curve(_chain(), ["b"])
    assert by_b["removed"].tolist() == [None, "b"]
    assert by_b["largest_wcc"].tolist() == [3, 1]
    assert by_b["largest_wcc_share"].tolist() == pytest.approx([1.0, 1 / 3])
    assert by_b["weight_share"].tolist() == pytest.approx([1.0, 0.0])
    by_a = removal_curve(_chain(), ["a", "c"])
    assert by_a["n_nodes"].tolist() == [3, 2, 1]
    assert by_a["largest_wcc_share"].tolist() == pytest.approx([1.0, 2 / 3, 1 / 3])
    assert by_a["weight_share"].tolist() == pytest.approx([1.0, 0.75, 0.0])


def test_removal_curve_sums_parallel_edges_and_leaves_graph_alone():
    # a -> b twice (1 + 1) and b -> c (2): removing a leaves 2 of 4 = 0.5 of the weight.
    G = nx.MultiDiGraph()
    G.add_edge("a", "b", weight=1.0)
    G.add_edge("a", "b", weight=1.0)
    G.add_edge("b", "c", weight=2.0)
    curve = removal_curve(G, ["a"])
    assert curve["weight_share"].tolist() == pytest.approx([1.0, 0.5])
    assert G.number_of_nodes() == 3 and G.number_of_edges() == 3


def test_random_removal_on_a_cycle_is_exact_after_one_removal():
    # Every node of a directed 6-cycle with equal weights is alike: removing any one leaves a
    # path of 5 nodes (5/6 of the nodes connected) and 4 of the 6 edges, so every draw, the
    # mean and both ends of the band are exactly those values.
    table = random_removal(_cycle(6), steps=1, n_draws=50, seed=1)
    row = table.iloc[1]
    for stat in ("mean", "low", "high"):
        assert row[f"largest_wcc_share_{stat}"] == pytest.approx(5 / 6)
        assert row[f"weight_share_{stat}"] == pytest.approx(4 / 6)
    assert table.iloc[0]["weight_share_mean"] == 1.0


def test_random_removal_two_nodes_of_a_cycle_stays_within_the_possible_values():
    # Removing two nodes of a 6-cycle: adjacent pair -> 3 of 6 edges left, a path of 4 nodes;
    # two apart -> 2 of 6 edges left, pieces of 1 and 3 nodes; opposite -> 2 edges left, two
    # pieces of 2.  Of the 15 pairs 6 are adjacent, 6 two apart and 3 opposite, so the expected
    # weight share is (6 * 3/6 + 9 * 2/6) / 15 = 0.4 (2,000 draws land close to it) and the
    # largest piece ranges from 2/6 (probability 3/15, inside the 5% tail) to 4/6.
    table = random_removal(_cycle(6), steps=2, n_draws=2000, seed=7)
    row = table.iloc[2]
    assert 2 / 6 <= row["weight_share_low"] <= row["weight_share_mean"] <= row[
        "weight_share_high"] <= 3 / 6
    assert row["weight_share_mean"] == pytest.approx(0.4, abs=0.01)
    assert row["largest_wcc_share_high"] == pytest.approx(4 / 6)
    assert row["largest_wcc_share_low"] == pytest.approx(2 / 6)


def test_random_removal_is_seeded_and_ignores_insertion_order():
    G = nx.gnp_random_graph(15, 0.3, seed=3, directed=True)
    nx.set_edge_attributes(G, 2.0, "weight")
    H = nx.DiGraph()
    H.add_nodes_from(sorted(G.nodes, reverse=True))
    H.add_edges_from(sorted(G.edges(data=True), reverse=True))
    first = random_removal(G, steps=5, n_draws=30, seed=11)
    assert first.equals(random_removal(H, steps=5, n_draws=30, seed=11))
    assert not first.equals(random_removal(G, steps=5, n_draws=30, seed=12))


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 9), p=st.floats(0.1, 0.9), seed=st.integers(0, 10_000),
       weights=st.lists(st.integers(1, 20), min_size=81, max_size=81))
def test_removal_curve_matches_networks_robustness(n, p, seed, weights):
    # networks.robustness picks its own order (static degree ranking); replaying that order
    # through removal_curve must give the same remaining-network figures.
    G = nx.gnp_random_graph(n, p, seed=seed, directed=True)
    for (u, v), w in zip(sorted(G.edges), weights):
        G[u][v]["weight"] = float(w)
    attack = robustness(G, order="degree", recompute=False)
    curve = removal_curve(G, attack["removed"].tolist()[1:])
    for column in ("n_nodes", "largest_wcc"):
        assert curve[column].tolist() == attack[column].tolist()
    for column in ("largest_wcc_share", "weight_share"):
        expected, got = attack[column].tolist(), curve[column].tolist()
        assert all((math.isnan(a) and math.isnan(b)) or a == pytest.approx(b)
                   for a, b in zip(expected, got))
    shares = [s for s in got if not math.isnan(s)]
    assert all(later <= earlier + 1e-12 for earlier, later in zip(shares, shares[1:]))


def test_errors_say_what_is_wrong():
    with pytest.raises(InputError, match="not in the graph"):
        removal_curve(_chain(), ["z"])
    with pytest.raises(InputError, match="more than once"):
        removal_curve(_chain(), ["a", "a"])
    with pytest.raises(InputError, match="directed"):
        removal_curve(nx.Graph([("a", "b")]), ["a"])
    bad = _chain()
    bad["a"]["b"]["weight"] = -1.0
    with pytest.raises(InputError, match="non-negative"):
        removal_curve(bad, ["a"])
    with pytest.raises(InputError, match="exceeds"):
        random_removal(_chain(), steps=4)
    with pytest.raises(InputError, match="n_draws"):
        random_removal(_chain(), steps=1, n_draws=0)
    with pytest.raises(InputError, match="band"):
        random_removal(_chain(), steps=1, band=1.0)


