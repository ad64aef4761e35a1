"""Bad arguments to mixedmig.networks raise InputError, one shared check per kind (issue 8, review
findings B4 and B5): seeds, flags, options, numbers in (0, 1) and weight attribute names.

Each case below returned a result or raised a raw numpy/TypeError before these checks; the graphs
are made up.  Expected weighted values are worked by hand in the test."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from mixedmig.errors import InputError
from mixedmig.networks import (
    brokerage_roles,
    centrality,
    corridor_change,
    corridor_ranking,
    ei_index,
    od_graph,
    random_removal,
    reciprocity,
    robustness,
    strength_by_period,
    strength_table,
)


def cycle() -> nx.DiGraph:
    # made-up weighted 3-cycle
    return nx.DiGraph([(0, 1, {"weight": 2.0}), (1, 2, {"weight": 1.0}), (2, 0, {"weight": 1.0})])


def table() -> pd.DataFrame:
    return pd.DataFrame({"orig": ["a", "b"], "dest": ["b", "a"], "year": [2000, 2000],
                         "value": [3.0, 1.0]})


# --- seeds (B4): one check, networks.graphs._check_seed ---------------------------------------

@pytest.mark.parametrize("seed", ["x", 1.5, -1, None, True, "0"])
def test_random_removal_refuses_bad_seed(seed):
    with pytest.raises(InputError, match=r"seed must be a whole number >= 0"):
        random_removal(cycle(), 2, n_draws=3, seed=seed)


def test_random_removal_accepts_numpy_integer_seed_and_is_reproducible():
    a = random_removal(cycle(), 1, n_draws=5, seed=np.int64(3))
    b = random_removal(cycle(), 1, n_draws=5, seed=3)
    pd.testing.assert_frame_equal(a, b)


# --- numbers strictly between 0 and 1 (B5) ------------------------------------------------------

@pytest.mark.parametrize("alpha", [2, 1, 1.0, 0, -0.5, "a", None, True, float("nan")])
def test_centrality_refuses_pagerank_alpha_outside_open_unit_interval(alpha):
    with pytest.raises(InputError, match="pagerank_alpha must be a number strictly between 0 and 1"):
        centrality(cycle(), pagerank_alpha=alpha)


def test_centrality_pagerank_alpha_inside_interval_matches_hand_computation():
    # 3-cycle 0 -> 1 -> 2 -> 0: every node has one out-edge, so PageRank is uniform, 1/3 each,
    # whatever the damping factor.
    ranks = centrality(cycle(), pagerank_alpha=0.5).table["pagerank"].to_numpy()
    np.testing.assert_allclose(ranks, [1 / 3] * 3, atol=1e-6)


@pytest.mark.parametrize("band", [0, 1, 1.5, "0.9", None])
def test_random_removal_refuses_band_outside_open_unit_interval(band):
    with pytest.raises(InputError, match="band must be a number strictly between 0 and 1"):
        random_removal(cycle(), 1, n_draws=3, band=band)


# --- flags: one check, networks.graphs._check_bool -----------------------------------------------

@pytest.mark.parametrize("call, name", [
    (lambda: robustness(cycle(), recompute="no"), "recompute"),
    (lambda: reciprocity(cycle(), weighted="no"), "weighted"),
    (lambda: od_graph(table(), drop_zero="no"), "drop_zero"),
    (lambda: od_graph(table(), drop_self=None), "drop_self"),
    (lambda: corridor_ranking(table(), drop_self="yes"), "drop_self"),
    (lambda: corridor_change(table(), absent_as_zero="x"), "absent_as_zero"),
    (lambda: corridor_change(table(), drop_self=1), "drop_self"),
])
def test_flags_must_be_true_or_false(call, name):
    # before: any truthy string counted as True, 0/1 and None passed silently
    with pytest.raises(InputError, match=f"{name} must be True or False"):
        call()


def test_numpy_bool_flag_is_accepted():
    assert reciprocity(cycle(), weighted=np.bool_(False)) == 0.0  # no edge is reciprocated


# --- options: one check, networks.graphs._check_option -------------------------------------------

def test_options_list_the_allowed_values():
    with pytest.raises(InputError, match="order must be one of 'betweenness', 'degree', 'strength'"):
        robustness(cycle(), order="pagerank")
    with pytest.raises(InputError, match="measure must be one of 'in_strength'"):
        strength_by_period(table(), measure="netto")
    with pytest.raises(InputError, match="order must be one of"):
        robustness(cycle(), order=["degree"])  # unhashable: InputError, not TypeError


# --- weight attribute names (B5) ------------------------------------------------------------------

def test_ei_index_weight_no_edge_carries_is_refused():
    # before: every tie silently counted as 1, overall = (2 - 1) / 3
    G = cycle()
    with pytest.raises(InputError, match=r"no edge has the attribute 'w'.*\['weight'\]"):
        ei_index(G, {0: "a", 1: "a", 2: "b"}, weight="w")


def test_ei_index_weight_carried_by_some_edges_only_is_refused():
    G = nx.DiGraph([("a", "b", {"w": 5.0}), ("b", "c")])
    with pytest.raises(InputError, match=r"1 of 2 edges have no attribute 'w' \(e.g. 'b' -> 'c'\)"):
        ei_index(G, {"a": "x", "b": "x", "c": "y"}, weight="w")


def test_ei_index_with_a_weight_every_edge_carries_is_weighted_by_hand():
    # internal a -> b (5), external b -> c (1): EI = (1 - 5) / (1 + 5) = -2/3
    G = nx.DiGraph([("a", "b", {"w": 5.0}), ("b", "c", {"w": 1.0})])
    result = ei_index(G, {"a": "x", "b": "x", "c": "y"}, weight="w")
    assert (result.internal, result.external) == (5.0, 1.0)
    assert result.overall == pytest.approx(-2 / 3)


def test_unweighted_measures_ignore_partial_weights():
    # the tie counts do not read the weight, so a partly weighted graph is fine there
    G = nx.DiGraph([("a", "b", {"weight": 5.0}), ("b", "c")])
    assert ei_index(G, {"a": "x", "b": "x", "c": "y"}).overall == 0.0  # (1 - 1) / 2
    assert brokerage_roles(G, {"a": "x", "b": "x", "c": "y"})["total"].sum() == 1
    assert reciprocity(G, weighted=False) == 0.0


@pytest.mark.parametrize("call", [
    lambda G: strength_table(G),
    lambda G: reciprocity(G),
    lambda G: centrality(G),
    lambda G: robustness(G),
    lambda G: random_removal(G, 1, n_draws=2),
])
def test_weighted_measures_refuse_partially_weighted_graphs(call):
    # before: the edge without a weight counted as 1 person, mixing units
    G = nx.DiGraph([("a", "b", {"weight": 500.0}), ("b", "a")])
    with pytest.raises(InputError, match="1 of 2 edges have no attribute 'weight'"):
        call(G)


def test_graph_without_any_weight_attribute_counts_each_edge_as_one():
    # the documented networkx convention for the default name "weight" stays
    G = nx.DiGraph([("a", "b"), ("b", "a"), ("b", "c")])
    strengths = strength_table(G).set_index("node")
    assert strengths.loc["b", "out_strength"] == 2.0
    assert reciprocity(G) == pytest.approx(2 / 3)  # min(1,1)*2 / 3


@pytest.mark.parametrize("weight", [5, "", None])
def test_weight_must_be_an_attribute_name(weight):
    with pytest.raises(InputError, match="weight must be the name of an edge attribute"):
        strength_table(cycle(), weight=weight)
