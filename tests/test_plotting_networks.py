"""Tests of plotting.grouped_circle_layout."""

from __future__ import annotations


import networkx as nx
import pytest

from mixedmig.errors import InputError
from mixedmig.plotting import grouped_circle_layout


def test_grouped_circle_layout_hand_computed():
    # Two groups: "A" centred at the top (0, 1), "B" at the bottom (0, -1).  A's two members
    # sit at the top and bottom of a circle of radius 0.5 round its centre: (0, 1.5), (0, 0.5);
    # B's single member sits on B's centre.
    G = nx.DiGraph()
    G.add_node("a2", country="A")
    G.add_node("a1", country="A")
    G.add_node("b1", country="B")
    pos = grouped_circle_layout(G, "country", radius=1.0, inner_radius=0.5)
    assert pos["a1"] == pytest.approx((0.0, 1.5))
    assert pos["a2"] == pytest.approx((0.0, 0.5))
    assert pos["b1"] == pytest.approx((0.0, -1.0))
    flipped = grouped_circle_layout(G, "country", order=["B", "A"], radius=1.0)
    assert flipped["b1"] == pytest.approx((0.0, 1.0))
    with pytest.raises(InputError, match="not in order"):
        grouped_circle_layout(G, "country", order=["A"])
    with pytest.raises(InputError, match="no attribute"):
        grouped_circle_layout(G, "sector")
