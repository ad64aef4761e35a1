"""Tests of mixedmig.networks: hand-computed small graphs, published corridor figures and
property tests (hypothesis) against independent formulas."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mixedmig.errors import InputError, MixedmigError, SchemaError
from mixedmig.networks import (
    BROKERAGE_ROLES,
    brokerage_roles,
    centrality,
    corridor_change,
    corridor_ranking,
    counterflow_share,
    ei_index,
    od_graph,
    reciprocity,
    robustness,
    strength_table,
)
from mixedmig.results import Result

# Cambodians rescued abroad by Cambodia's Ministry of Foreign Affairs in 2017, by country where
# they were rescued (Phnom Penh Post, "Police stepping up operations to combat human
# trafficking",
# https://m.phnompenhpost.com/national/police-stepping-operations-combat-human-trafficking;
# research notes section 4.4).  The ten listed countries sum to 752 (the article states 757).
MFA_RESCUES_2017 = {
    "MYS": 351, "THA": 260, "CHN": 50, "LAO": 33, "IDN": 18, "VNM": 17,
    "SOM": 13, "JPN": 5, "SGP": 4, "SAU": 1,
}


def mfa_table() -> pd.DataFrame:
    return pd.DataFrame(
        {"orig": list(MFA_RESCUES_2017), "dest": "KHM", "value": list(MFA_RESCUES_2017.values())}
    )


def small_flows() -> pd.DataFrame:
    # Hand example: A->B 10, B->A 4, A->C 3, C->A 0 (zero flow), C->C 7 (a diagonal cell).
    return pd.DataFrame(
        {"orig": ["A", "B", "A", "C", "C"], "dest": ["B", "A", "C", "A", "C"],
         "value": [10, 4, 3, 0, 7]}
    )


def digraph_from_matrix(matrix) -> nx.DiGraph:
    G = nx.DiGraph()
    n = len(matrix)
    G.add_nodes_from(range(n))
    for i in range(n):
        for j in range(n):
            if matrix[i][j] > 0:
                G.add_edge(i, j, weight=float(matrix[i][j]))
    return G


weight_matrices = st.integers(min_value=2, max_value=6).flatmap(
    lambda n: st.lists(
        st.lists(st.integers(min_value=0, max_value=9), min_size=n, max_size=n),
        min_size=n, max_size=n,
    )
)


# --- od_graph ------------------------------------------------------------------------------


def test_od_graph_drops_zero_and_self_flows_but_keeps_every_place():
    G = od_graph(small_flows())
    assert sorted(G.nodes) == ["A", "B", "C"]
    assert sorted(G.edges(data="weight")) == [("A", "B", 10.0), ("A", "C", 3.0), ("B", "A", 4.0)]
    kept = od_graph(small_flows(), drop_zero=False, drop_self=False)
    assert kept["C"]["A"]["weight"] == 0.0
    assert kept["C"]["C"]["weight"] == 7.0
    assert kept.number_of_edges() == 5


def test_od_graph_custom_column_names():
    df = small_flows().rename(columns={"orig": "from", "dest": "to", "value": "n"})
    G = od_graph(df, orig="from", dest="to", value="n")
    assert G["A"]["B"]["weight"] == 10.0


@pytest.mark.parametrize(
    "change, column, fragment",
    [
        (lambda d: d.drop(columns="value"), "value", "no column"),
        (lambda d: d.assign(value=[10, -4, 3, 0, 7]), "value", "negative"),
        (lambda d: d.assign(value=[10, None, 3, 0, 7]), "value", "missing value"),
        (lambda d: d.assign(value=[10, "many", 3, 0, 7]), "value", "not a finite number"),
        (lambda d: d.assign(dest=["B", "A", "B", "A", "C"]), "orig", "duplicate corridor"),
        (lambda d: d.assign(orig=["A", None, "A", "C", "C"]), "orig", "missing label"),
    ],
)
def test_od_graph_rejects_bad_tables(change, column, fragment):
    with pytest.raises(SchemaError, match=fragment) as info:
        od_graph(change(small_flows()))
    assert info.value.column == column


def test_bad_row_is_named_by_index_label():
    df = small_flows().assign(value=[10, 4, -3, 0, 7])
    df.index = [11, 12, 13, 14, 15]
    with pytest.raises(SchemaError, match=r"row 13 \(position 2\)") as info:
        od_graph(df)
    assert info.value.row == 13


# --- strength, reciprocity, counterflows ---------------------------------------------------


def test_strength_table_by_hand():
    table = strength_table(od_graph(small_flows())).set_index("node")
    # A: out 10 + 3 = 13, in 4; B: out 4, in 10; C: in 3.
    assert table.loc["A", ["in_strength", "out_strength", "net", "gross"]].tolist() == [
        4.0, 13.0, -9.0, 17.0]
    assert table.loc["B", ["in_strength", "out_strength", "net", "gross"]].tolist() == [
        10.0, 4.0, 6.0, 14.0]
    assert table.loc["C", ["in_degree", "out_degree", "degree"]].tolist() == [1, 0, 1]
    assert list(table.index) == ["A", "B", "C"]  # by gross strength 17 > 14 > 3


def test_strength_table_collapses_multigraph_edges():
    M = nx.MultiDiGraph()
    M.add_edge("X", "Y", weight=2)
    M.add_edge("X", "Y", weight=5)
    M.add_edge("Y", "X", weight=1)
    table = strength_table(M).set_index("node")
    assert table.loc["X", "out_strength"] == 7.0
    assert table.loc["X", "in_strength"] == 1.0
    assert table.loc["X", "out_degree"] == 1


@settings(max_examples=40, deadline=None)
@given(weight_matrices)
def test_strength_accounting_identities(matrix):
    G = digraph_from_matrix(matrix)
    table = strength_table(G)
    total = float(np.sum(matrix))
    assert table["in_strength"].sum() == pytest.approx(total)
    assert table["out_strength"].sum() == pytest.approx(total)
    assert table["net"].sum() == pytest.approx(0.0, abs=1e-9)
    by_node = table.set_index("node")
    for i, row in enumerate(matrix):
        assert by_node.loc[i, "out_strength"] == pytest.approx(sum(row))


def test_reciprocity_by_hand():
    G = od_graph(small_flows())
    # Flows A->B 10, B->A 4, A->C 3: matched volume min(10,4) twice = 8 of 17.
    assert reciprocity(G) == pytest.approx(8 / 17)
    # Edges A->B and B->A are reciprocated, A->C is not: 2 of 3.
    assert reciprocity(G, weighted=False) == pytest.approx(2 / 3)


def test_reciprocity_ignores_self_loops_and_is_nan_without_flows():
    G = od_graph(small_flows(), drop_self=False)
    assert reciprocity(G) == pytest.approx(8 / 17)
    empty = nx.DiGraph()
    empty.add_nodes_from("AB")
    assert math.isnan(reciprocity(empty))
    assert math.isnan(reciprocity(empty, weighted=False))


@settings(max_examples=40, deadline=None)
@given(weight_matrices)
def test_weighted_reciprocity_matches_pairwise_imbalance_formula(matrix):
    # sum min(w_ij, w_ji) = (W - sum_pairs |w_ij - w_ji|) / ... gives r = 1 - sum|w_ij - w_ji| / W
    # over unordered pairs, an independent way of computing the same number.
    m = np.array(matrix, dtype=float)
    np.fill_diagonal(m, 0)
    total = m.sum()
    G = digraph_from_matrix(matrix)
    if total == 0:
        assert math.isnan(reciprocity(G))
        return
    imbalance = np.abs(m - m.T)[np.triu_indices(len(m), 1)].sum()
    assert reciprocity(G) == pytest.approx(1 - imbalance / total)
    no_loops = G.copy()
    no_loops.remove_edges_from(list(nx.selfloop_edges(no_loops)))
    assert reciprocity(G, weighted=False) == pytest.approx(nx.reciprocity(no_loops))


def test_symmetric_flows_are_fully_reciprocal():
    G = digraph_from_matrix([[0, 3, 1], [3, 0, 2], [1, 2, 0]])
    assert reciprocity(G) == 1.0
    assert reciprocity(G, weighted=False) == 1.0


def test_counterflow_share_by_hand():
    table = counterflow_share(od_graph(small_flows()))
    assert table[["node_a", "node_b"]].values.tolist() == [["A", "B"], ["A", "C"]]
    first = table.iloc[0]
    assert (first["flow_ab"], first["flow_ba"], first["counterflow_share"]) == (10.0, 4.0, 0.4)
    assert (first["main_orig"], first["main_dest"]) == ("A", "B")
    assert table.iloc[1]["counterflow_share"] == 0.0


# --- corridors ----------------------------------------------------------------------------


def test_corridor_ranking_reproduces_mfa_rescue_shares():
    ranking = corridor_ranking(mfa_table())
    assert ranking["orig"].tolist()[:3] == ["MYS", "THA", "CHN"]
    assert ranking["rank"].tolist() == list(range(1, 11))
    total = sum(MFA_RESCUES_2017.values())
    assert total == 752
    assert ranking["share"].iloc[0] == pytest.approx(351 / 752)  # 46.7% via Malaysia
    assert ranking["cumulative_share"].iloc[1] == pytest.approx((351 + 260) / 752)
    assert ranking["cumulative_share"].iloc[-1] == pytest.approx(1.0)
    top = corridor_ranking(mfa_table(), top=2)
    assert len(top) == 2
    assert top["cumulative_share"].iloc[-1] == pytest.approx(611 / 752)  # 81.3%


def test_corridor_ranking_ties_are_broken_by_label():
    df = pd.DataFrame({"orig": ["B", "A", "C"], "dest": ["X", "X", "X"], "value": [5, 5, 9]})
    assert corridor_ranking(df)["orig"].tolist() == ["C", "A", "B"]


def test_corridor_ranking_rejects_bad_top():
    with pytest.raises(InputError):
        corridor_ranking(mfa_table(), top=0)


def test_corridor_change_by_hand():
    df = pd.DataFrame(
        {
            "orig": ["A", "A", "A", "B", "B"],
            "dest": ["X", "X", "X", "X", "X"],
            "year": [2015, 2016, 2017, 2015, 2017],
            "value": [10, 15, 0, 4, 8],
        }
    )
    change = corridor_change(df)
    a = change[change["orig"] == "A"]
    # 10 -> 15: +5, +50%; 15 -> 0: -15, -100%.
    assert a["abs_change"].tolist() == [5.0, -15.0]
    assert a["rel_change"].tolist() == [0.5, -1.0]
    b = change[change["orig"] == "B"]
    # B -> X is absent in 2016: unknown, so both of its changes are unknown.
    assert b["period_from"].tolist() == [2015, 2016]
    assert b["abs_change"].isna().all()
    zero = corridor_change(df, absent_as_zero=True)
    b0 = zero[zero["orig"] == "B"]
    assert b0["abs_change"].tolist() == [-4.0, 8.0]
    assert b0["rel_change"].iloc[0] == -1.0
    assert math.isnan(b0["rel_change"].iloc[1])  # relative change from 0 is undefined


def test_corridor_change_rejects_duplicate_corridor_period():
    df = pd.DataFrame({"orig": ["A", "A"], "dest": ["X", "X"], "year": [2015, 2015],
                       "value": [1, 2]})
    with pytest.raises(SchemaError, match="duplicate corridor"):
        corridor_change(df)


# --- centrality ---------------------------------------------------------------------------


def test_weighted_betweenness_uses_inverse_weight_as_length():
    # A->B and B->C carry 10 each, the direct A->C only 1.  With length 1/weight the route
    # A->B->C (0.1 + 0.1) is shorter than A->C (1.0), so B lies on the one shortest path A->C
    # of the 3*2 ordered pairs: normalised betweenness 1 / ((n-1)(n-2)) = 1/2.  Counting hops,
    # the direct edge wins and B brokers nothing.
    G = nx.DiGraph()
    G.add_weighted_edges_from([("A", "B", 10), ("B", "C", 10), ("A", "C", 1)])
    table = centrality(G).table.set_index("node")
    assert table.loc["B", "betweenness"] == pytest.approx(0.5)
    assert table.loc["B", "betweenness_hops"] == 0.0
    assert table.loc["A", "strength"] == 11.0
    assert table["pagerank"].sum() == pytest.approx(1.0)


def test_eigenvector_centrality_two_node_cycle_by_hand():
    # A->B weight 4, B->A weight 1.  In-edge eigenvector: x_A = w_BA x_B / lambda and
    # x_B = w_AB x_A / lambda, so lambda = sqrt(4 * 1) = 2 and x_A = x_B / 2; unit length gives
    # x_B = 2 / sqrt(5), x_A = 1 / sqrt(5).
    G = nx.DiGraph()
    G.add_weighted_edges_from([("A", "B", 4), ("B", "A", 1)])
    table = centrality(G).table.set_index("node")
    assert table.loc["A", "eigenvector"] == pytest.approx(1 / math.sqrt(5))
    assert table.loc["B", "eigenvector"] == pytest.approx(2 / math.sqrt(5))
    assert centrality(G).diagnostics.empty


def test_eigenvector_matches_networkx_power_iteration_on_strongly_connected_graph():
    G = nx.DiGraph()
    G.add_weighted_edges_from(
        [("A", "B", 3), ("B", "C", 1), ("C", "A", 2), ("A", "C", 1), ("C", "B", 5), ("B", "A", 2)]
    )
    reference = nx.eigenvector_centrality(G, weight="weight", max_iter=10_000, tol=1e-12)
    table = centrality(G).table.set_index("node")
    for node, value in reference.items():
        assert table.loc[node, "eigenvector"] == pytest.approx(value, rel=1e-6)


def test_eigenvector_is_nan_with_a_reason_when_not_strongly_connected():
    result = centrality(od_graph(small_flows()))
    table = result.table
    assert table["eigenvector"].isna().all()
    assert any("not strongly connected" in d for d in result.diagnostics["note"])
    assert set(result.diagnostics["check"]) == {"eigenvector"}


# --- brokerage ----------------------------------------------------------------------------


def brokerage_graph() -> nx.DiGraph:
    # Groups: A = {a1, a2, a3}, B = {b1, b2}, C = {c1}.
    G = nx.DiGraph()
    for node in ("a1", "a2", "a3", "b1", "b2", "c1"):
        G.add_node(node, team=node[0].upper())
    G.add_edges_from([("a1", "a2"), ("a2", "a3"), ("a3", "b1"), ("b1", "a1"),
                      ("c1", "b2"), ("b2", "b1"), ("b2", "a1")])
    return G


def test_brokerage_roles_counted_by_hand():
    # Two-paths x -> broker -> y with x != y and no tie x -> y:
    #   a1: b1->a1->a2 (B,A,A) and b2->a1->a2 (B,A,A): gatekeeper 2
    #   a2: a1->a2->a3 (A,A,A): coordinator 1
    #   a3: a2->a3->b1 (A,A,B): representative 1
    #   b1: a3->b1->a1 (A,B,A): itinerant 1; b2->b1->a1 is closed by the tie b2->a1
    #   b2: c1->b2->b1 (C,B,B): gatekeeper 1; c1->b2->a1 (C,B,A): liaison 1
    #   c1: no incoming tie, brokers nothing
    table = brokerage_roles(brokerage_graph(), "team").set_index("node")
    expected = {
        "a1": {"gatekeeper": 2},
        "a2": {"coordinator": 1},
        "a3": {"representative": 1},
        "b1": {"itinerant": 1},
        "b2": {"gatekeeper": 1, "liaison": 1},
        "c1": {},
    }
    for node, roles in expected.items():
        for role in BROKERAGE_ROLES:
            assert table.loc[node, role] == roles.get(role, 0), (node, role)
        assert table.loc[node, "total"] == sum(roles.values())
    assert table.loc["b2", "group"] == "B"


def test_brokerage_group_mapping_equals_attribute():
    G = brokerage_graph()
    mapping = {n: n[0].upper() for n in G.nodes}
    by_attr = brokerage_roles(G, "team")
    by_map = brokerage_roles(G, mapping)
    pd.testing.assert_frame_equal(by_attr, by_map)


def test_brokerage_missing_group_is_an_error():
    with pytest.raises(InputError, match="no group"):
        brokerage_roles(brokerage_graph(), {"a1": "A"})
    with pytest.raises(MixedmigError):
        brokerage_roles(brokerage_graph(), 42)


@settings(max_examples=40, deadline=None)
@given(weight_matrices, st.integers(min_value=1, max_value=3), st.randoms(use_true_random=False))
def test_brokerage_total_equals_open_two_paths(matrix, n_groups, rnd):
    # Independent count: open two-paths = sum over a != c of (A^2)_ac * (1 - A_ac), with A the
    # 0/1 adjacency matrix without self-loops.
    G = digraph_from_matrix(matrix)
    adjacency = (np.array(matrix) > 0).astype(int)
    np.fill_diagonal(adjacency, 0)
    two = adjacency @ adjacency
    open_paths = sum(
        two[a, c] * (1 - adjacency[a, c])
        for a in range(len(adjacency)) for c in range(len(adjacency)) if a != c
    )
    groups = {n: rnd.randrange(n_groups) for n in G.nodes}
    table = brokerage_roles(G, groups)
    assert table["total"].sum() == open_paths
    assert (table[list(BROKERAGE_ROLES)].sum(axis=1) == table["total"]).all()
    one_group = brokerage_roles(G, dict.fromkeys(G.nodes, 0))
    assert one_group["coordinator"].sum() == open_paths
    own_group = brokerage_roles(G, {n: n for n in G.nodes})
    assert own_group["liaison"].sum() == open_paths


# --- E-I index ----------------------------------------------------------------------------


def test_ei_index_by_hand():
    # Ties: a1->a2, a2->a3 (internal A), b2->b1 (internal B); a3->b1, b1->a1, c1->b2, b2->a1
    # (external).  Overall (4 - 3) / 7.  A: E = 3 (a3->b1, b1->a1, b2->a1), I = 2 -> 1/5.
    # B: E = 4, I = 1 -> 3/5.  C: E = 1, I = 0 -> 1.
    result = ei_index(brokerage_graph(), "team")
    assert result.overall == pytest.approx(1 / 7)
    assert (result.external, result.internal) == (4.0, 3.0)
    by_group = result.by_group.set_index("group")
    assert by_group["ei"].tolist() == pytest.approx([1 / 5, 3 / 5, 1.0])
    assert by_group["n_nodes"].tolist() == [3, 2, 1]
    # result protocol: a closed-form Result whose main table is the by-group table
    assert isinstance(result, Result) and result.converged and result.iterations == 0
    assert result.to_frame().equals(result.by_group)
    assert isinstance(result.diagnostics, pd.DataFrame)
    assert result.diagnostics.set_index("check").loc["groups_without_ties", "value"] == 0


def test_weighted_ei_index_by_hand():
    G = nx.DiGraph()
    G.add_node("x", g="P")
    G.add_node("y", g="P")
    G.add_node("z", g="Q")
    G.add_weighted_edges_from([("x", "y", 6), ("y", "z", 2), ("z", "x", 1)])
    # weighted: E = 2 + 1 = 3, I = 6 -> (3 - 6) / 9 = -1/3; unweighted: E = 2, I = 1 -> 1/3.
    assert ei_index(G, "g", weight="weight").overall == pytest.approx(-1 / 3)
    assert ei_index(G, "g").overall == pytest.approx(1 / 3)


@settings(max_examples=40, deadline=None)
@given(weight_matrices, st.randoms(use_true_random=False))
def test_ei_group_totals_add_up(matrix, rnd):
    G = digraph_from_matrix(matrix)
    groups = {n: rnd.randrange(3) for n in G.nodes}
    result = ei_index(G, groups, weight="weight")
    assert result.by_group["external"].sum() == pytest.approx(2 * result.external)
    assert result.by_group["internal"].sum() == pytest.approx(result.internal)
    off_diagonal = float(np.sum(matrix) - np.trace(np.array(matrix)))
    assert result.external + result.internal == pytest.approx(off_diagonal)
    if result.external + result.internal > 0:
        assert -1.0 <= result.overall <= 1.0


# --- robustness ---------------------------------------------------------------------------


def path_graph(weights=(1, 1, 1)) -> nx.DiGraph:
    G = nx.DiGraph()
    G.add_weighted_edges_from(zip("ABC", "BCD", weights))
    return G


def test_robustness_betweenness_recomputed_by_hand():
    # A->B->C->D: B lies on A->C and A->D, C on A->D and B->D: tie, B wins by label.
    # Then A and C->D remain, every betweenness is 0, so A goes (label), then C, then D.
    table = robustness(path_graph())
    assert table["removed"].tolist() == [None, "B", "A", "C", "D"]
    assert table["largest_wcc"].tolist() == [4, 2, 2, 1, 0]
    assert table["weight_share"].tolist() == pytest.approx([1, 1 / 3, 1 / 3, 0, 0])
    assert table["score"].iloc[1] == pytest.approx(2 / 6)  # 2 paths / ((n-1)(n-2))


def test_robustness_shares_of_original_and_of_remaining_nodes():
    # A->B, A->C, A->D, B->C (weight 1 each). Strength (in + out): A 3, B 2, C 2, D 1, so A
    # goes first, leaving B->C and D alone; then B and C have strength 1 (tie: B by label),
    # leaving C and D apart; then C, then D.
    G = nx.DiGraph()
    G.add_weighted_edges_from([("A", "B", 1), ("A", "C", 1), ("A", "D", 1), ("B", "C", 1)])
    table = robustness(G, order="strength")
    assert table["removed"].tolist() == [None, "A", "B", "C", "D"]
    assert table["n_nodes"].tolist() == [4, 3, 2, 1, 0]
    assert table["largest_wcc"].tolist() == [4, 2, 1, 1, 0]
    # of the original 4 nodes: 4/4, 2/4, 1/4, 1/4, 0/4
    assert table["largest_wcc_share"].tolist() == pytest.approx([1, 0.5, 0.25, 0.25, 0])
    # of the nodes still there: 4/4, 2/3, 1/2, 1/1, undefined with no node left
    shares = table["largest_wcc_share_of_remaining"].tolist()
    assert shares[:4] == pytest.approx([1, 2 / 3, 0.5, 1]) and math.isnan(shares[4])


def test_robustness_share_of_remaining_stays_one_while_connected():
    # Complete digraph on four nodes: whatever is removed, the rest stays one component, so
    # the share of the remaining nodes is 1 while the share of the original falls by 1/4.
    G = nx.DiGraph()
    G.add_weighted_edges_from((a, b, 1) for a in "ABCD" for b in "ABCD" if a != b)
    table = robustness(G, order="degree")
    assert table["largest_wcc_share"].tolist() == pytest.approx([1, 0.75, 0.5, 0.25, 0])
    assert table["largest_wcc_share_of_remaining"].tolist()[:4] == [1.0, 1.0, 1.0, 1.0]


def test_robustness_without_recomputation_uses_initial_ranking():
    # Initial betweenness: B = C = 1/3, A = D = 0, so the order is B, C, A, D.
    table = robustness(path_graph(), recompute=False, steps=2)
    assert table["removed"].tolist() == [None, "B", "C"]
    assert table["largest_wcc"].tolist() == [4, 2, 1]


def test_robustness_by_strength_and_degree():
    G = path_graph(weights=(1, 1, 5))
    by_strength = robustness(G, order="strength", steps=1)
    # strengths: A 1, B 2, C 6, D 5 -> C first; A->B (1) of 7 remains.
    assert by_strength["removed"].tolist() == [None, "C"]
    assert by_strength["weight_share"].iloc[1] == pytest.approx(1 / 7)
    by_degree = robustness(G, order="degree", steps=1)
    assert by_degree["removed"].tolist() == [None, "B"]  # B and C have degree 2; label order


def test_robustness_rejects_bad_parameters():
    with pytest.raises(InputError, match="order"):
        robustness(path_graph(), order="closeness")
    with pytest.raises(InputError, match="steps"):
        robustness(path_graph(), steps=-1)


def test_negative_weights_are_rejected():
    G = nx.DiGraph()
    G.add_edge("A", "B", weight=-1)
    with pytest.raises(InputError, match="non-negative"):
        strength_table(G)
