"""Tests of mixedmig.plotting.networks: grouped circle layout, referral network drawing and
robustness curves.  All inputs are small made-up graphs and tables (not real data) with
hand-worked positions, sizes and widths."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgb, to_rgba

from mixedmig import plotting
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


def _referrals():
    G = nx.DiGraph()
    G.add_node("KH-GOV", country="KHM", sector="government")
    G.add_node("KH-CSO", country="KHM", sector="civil_society")
    G.add_node("TH-IO", country="THA", sector="international_organisation")
    G.add_edge("KH-CSO", "KH-GOV", weight=10, cross_border=False)
    G.add_edge("KH-GOV", "KH-CSO", weight=2, cross_border=False)
    G.add_edge("TH-IO", "KH-GOV", weight=4, cross_border=True)
    return G


def test_referral_network_plot_positions_sizes_colours_and_ties():
    G = _referrals()
    betweenness = pd.Series({"KH-GOV": 0.5, "KH-CSO": 0.0, "TH-IO": 0.1})
    drawing = plotting.referral_network_plot(G, size=betweenness, order=["KHM", "THA"],
                                             title="made up")
    # KHM centred at (0, 1): KH-CSO (first by label) on top of its circle of radius 0.32,
    # KH-GOV at the bottom; THA's single actor on THA's centre (0, -1).
    assert drawing.positions["KH-CSO"] == pytest.approx((0.0, 1.32))
    assert drawing.positions["KH-GOV"] == pytest.approx((0.0, 0.68))
    assert drawing.positions["TH-IO"] == pytest.approx((0.0, -1.0))
    # Node area 40 + 1500 x betweenness.
    assert drawing.node_sizes.to_dict() == pytest.approx(
        {"KH-GOV": 790.0, "KH-CSO": 40.0, "TH-IO": 190.0})
    assert list(drawing.nodes) == ["government", "civil_society", "international_organisation"]
    for sector, colour in (("government", "#0072B2"), ("civil_society", "#E69F00"),
                           ("international_organisation", "#009E73")):
        assert to_rgb(drawing.nodes[sector].get_facecolor()[0]) == to_rgb(colour)
    assert np.allclose(drawing.nodes["government"].get_offsets(), [[0.0, 0.68]])
    assert list(drawing.nodes["international_organisation"].get_sizes()) == [190.0]
    # Ties: one cross-border (vermillion, alpha 0.18), two domestic (grey, alpha 0.4), width
    # 0.2 + 0.1 x persons, no arrow heads.
    assert drawing.edge_lists == {"cross_border": [("TH-IO", "KH-GOV")],
                                  "domestic": [("KH-GOV", "KH-CSO"), ("KH-CSO", "KH-GOV")]}
    border, domestic = drawing.edges["cross_border"], drawing.edges["domestic"]
    assert np.allclose(border.get_linewidths(), [0.6])
    assert np.allclose(domestic.get_linewidths(), [0.4, 1.2])
    assert np.allclose(border.get_edgecolor()[0], to_rgba("#D55E00", 0.18))
    assert np.allclose(domestic.get_edgecolor()[0], to_rgba("#777777", 0.4))
    assert np.allclose(border.get_segments()[0], [[0.0, -1.0], [0.0, 0.68]])
    assert not drawing.ax.patches  # arrows=False: lines, not arrow patches
    # Country names at radius 1.55, clockwise from the top.
    labels = drawing.group_labels
    assert [t.get_text() for t in labels.values()] == ["Cambodia", "Thailand"]
    assert labels["KHM"].get_position() == pytest.approx((0.0, 1.55))
    assert labels["THA"].get_position() == pytest.approx((0.0, -1.55), abs=1e-12)
    assert sorted(t.get_text() for t in drawing.legend.get_texts()) == sorted([
        "government", "civil society", "international organisation", "domestic referral",
        "cross-border referral"])
    assert drawing.legend.get_title().get_text() == "node size = betweenness"
    assert drawing.ax.get_xlim() == pytest.approx((-1.85, 1.85))
    assert drawing.ax.get_title() == "made up"
    plt.close(drawing.ax.figure)


def test_referral_network_plot_bad_input():
    G = _referrals()
    with pytest.raises(InputError, match="no colour"):
        plotting.referral_network_plot(G, colours={"government": "#000000"})
    with pytest.raises(InputError, match="no value"):
        plotting.referral_network_plot(G, size={"KH-GOV": 0.5})
    G.add_edge("KH-GOV", "TH-IO", weight=1)
    with pytest.raises(InputError, match="cross_border"):
        plotting.referral_network_plot(G)
    plt.close("all")


def test_robustness_plot_draws_percentages():
    targeted = pd.DataFrame({"step": [0, 1, 2], "weight_share": [1.0, 0.5, 0.25]})
    baseline = pd.DataFrame({"step": [0, 1, 2], "weight_share_mean": [1.0, 0.8, 0.6],
                             "weight_share_low": [1.0, 0.7, 0.4],
                             "weight_share_high": [1.0, 0.9, 0.8]})
    drawing = plotting.robustness_plot(targeted, baseline, title="made up")
    assert list(drawing.targeted_line.get_ydata()) == [100.0, 50.0, 25.0]
    assert list(drawing.random_line.get_ydata()) == pytest.approx([100.0, 80.0, 60.0])
    band = drawing.band.get_paths()[0].vertices
    assert {(x, round(y, 9)) for x, y in band} >= {(1.0, 70.0), (1.0, 90.0), (2.0, 40.0),
                                                   (2.0, 80.0)}
    assert to_rgb(drawing.targeted_line.get_color()) == to_rgb("#D55E00")
    assert to_rgb(drawing.random_line.get_color()) == to_rgb("#999999")
    assert drawing.ax.get_ylim() == (0.0, 102.0)
    assert [t.get_text() for t in drawing.legend.get_texts()] == [
        "random removal, 5th-95th percentile", "random removal, mean",
        "targeted (highest betweenness first)"]
    alone = plotting.robustness_plot(targeted)
    assert alone.band is None and alone.random_line is None
    with pytest.raises(InputError, match="weight_share"):
        plotting.robustness_plot(targeted.drop(columns="weight_share"))
    plt.close("all")
