"""Methods and figures at the scale of the whole migration system (issue 9, section 4).

The full UN DESA bilateral matrix has 232 destinations.  This test builds a 232 x 232 bilateral
stock table for two dates -- MADE-UP TEST VALUES generated with numpy from the seed below (real
figures only ever come from publishers), on real ISO 3166-1 alpha-3 codes from pycountry -- and
runs flows from stocks, indices, network measures, a chord diagram with lumping and the world
flow map on it, asserting invariants (totals, ranges, lumped sums), never timings.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pycountry
import pytest

from mixedmig import flows, indices, networks, plotting

N_PLACES = 232
SEED = 20240115  # seed of the made-up stocks


@pytest.fixture(scope="module")
def stocks():
    """MADE-UP bilateral stocks (rows = place of birth, columns = residence) at two dates."""
    codes = sorted(c.alpha_3 for c in pycountry.countries)[:N_PLACES]
    rng = np.random.default_rng(SEED)
    n = len(codes)
    start = rng.lognormal(mean=6.0, sigma=2.5, size=(n, n)) * (rng.random((n, n)) < 0.4)
    np.fill_diagonal(start, rng.lognormal(mean=14.0, sigma=1.5, size=n))  # native-born
    end = start * rng.uniform(0.8, 1.3, size=(n, n))
    start = pd.DataFrame(np.round(start), index=codes, columns=codes)
    end = pd.DataFrame(np.round(end), index=codes, columns=codes)
    return start, end


@pytest.fixture(scope="module")
def demographic(stocks):
    return flows.flows_demographic(*stocks)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_the_made_up_system_has_232_real_iso3_codes(stocks):
    start, end = stocks
    assert start.shape == end.shape == (N_PLACES, N_PLACES)
    assert all(pycountry.countries.get(alpha_3=c) is not None for c in start.index)
    assert list(start.index) == list(start.columns) == list(end.index)


def test_flows_difference_at_scale_equals_the_positive_increases(stocks):
    start, end = stocks
    result = flows.flows_difference(start, end)
    increase = np.clip(end.to_numpy() - start.to_numpy(), 0, None)
    np.fill_diagonal(increase, 0)
    assert result.flows.shape == (N_PLACES, N_PLACES)
    assert np.allclose(result.flows.to_numpy(), increase)
    assert float(result.flows.to_numpy().sum()) == pytest.approx(float(increase.sum()))
    with_returns = flows.flows_difference(start, end, negative="return")
    decrease = np.clip(start.to_numpy() - end.to_numpy(), 0, None)
    np.fill_diagonal(decrease, 0)
    assert float(with_returns.flows.to_numpy().sum()) == pytest.approx(
        float(increase.sum() + decrease.sum()))


def test_flows_demographic_at_scale_converges_and_fits_every_birthplace(demographic):
    result = demographic
    assert result.converged
    n = N_PLACES
    cube = result.by_birthplace.to_numpy().reshape(n, n, n)
    assert (cube >= -1e-9).all()
    start = result.stock_start_adjusted.to_numpy()
    end = result.stock_end_adjusted.to_numpy()
    # Each birthplace's table: rows sum to its start stocks, columns to its end stocks.
    assert np.allclose(cube.sum(axis=2), start, rtol=1e-8, atol=1e-6)
    assert np.allclose(cube.sum(axis=1), end, rtol=1e-8, atol=1e-6)
    # The flows are the off-diagonal cells summed over birthplaces.
    off = cube.sum(axis=0)
    np.fill_diagonal(off, 0.0)
    assert np.allclose(result.flows.to_numpy(), off)
    assert np.diag(result.flows.to_numpy()).sum() == 0


def test_indices_at_scale_stay_in_their_ranges(demographic):
    od = demographic.flows
    totals = indices.migration_totals(od)
    total = float(od.to_numpy().sum())
    assert float(totals["in_migration"].sum()) == pytest.approx(total)
    assert float(totals["out_migration"].sum()) == pytest.approx(total)
    assert float(totals["net_migration"].sum()) == pytest.approx(0.0, abs=1e-6 * total)
    mei = indices.migration_effectiveness(od)
    assert ((mei >= -100) & (mei <= 100)).all() and len(mei) == N_PLACES
    assert 0 <= indices.aggregate_migration_effectiveness(od) <= 100
    assert 0 <= indices.connectivity(od) <= 1
    assert 0 <= indices.gini_total(od) <= 1
    assert 0 <= indices.migration_weighted_gini(od) <= 1
    assert indices.coefficient_of_variation(od) >= 0


def test_network_measures_at_scale(demographic):
    long = flows.to_long(demographic.flows)
    G = networks.od_graph(long)
    assert G.number_of_nodes() == N_PLACES
    strength = networks.strength_table(G)
    total = float(long["value"].sum())
    assert float(strength["in_strength"].sum()) == pytest.approx(total)
    assert float(strength["out_strength"].sum()) == pytest.approx(total)
    assert 0 <= networks.reciprocity(G) <= 1
    central = networks.centrality(G)
    assert len(central.table) == N_PLACES
    assert float(central.table["pagerank"].sum()) == pytest.approx(1.0)
    assert (central.table["betweenness"] >= 0).all()


def test_chord_diagram_at_scale_lumps_all_but_the_largest(demographic):
    od = demographic.flows
    lumped = plotting.lump_small(od, top_n=20)
    assert list(lumped.index) == list(lumped.columns) and lumped.shape == (21, 21)
    assert float(lumped.to_numpy().sum()) == pytest.approx(float(od.to_numpy().sum()))
    drawing = plotting.chord_diagram(od, lump_top_n=20, label_min_degrees=2.0)
    assert drawing.order[-1] == "Other" and len(drawing.order) == 21
    assert len(drawing.lumped) == N_PLACES - 20
    # Node totals count every flow twice (out at its origin, in at its destination), except
    # flows among the lumped places, which stay inside "Other" (its diagonal).
    inside_other = float(lumped.loc["Other", "Other"])
    assert float(drawing.totals.sum()) == pytest.approx(
        2 * (float(od.to_numpy().sum()) - inside_other))
    assert set(drawing.labels) <= set(drawing.order)


def test_world_flow_map_at_scale(demographic):
    long = flows.to_long(demographic.flows)
    positive = long[long["value"] > 0]
    fm = plotting.flow_map(long, measure="flow", resolution="c", figsize=(12, 6))
    unplaced = fm.dropped[fm.dropped["reason"] == "no coordinates"]
    assert fm.n_total + len(unplaced) == len(positive)
    assert fm.n_shown == len(fm.arrows) == 50
    assert (fm.basemap.llcrnrlon, fm.basemap.urcrnrlon) == (-180.0, 180.0)
    assert len(fm.labelled) == 15
    texts = [t.get_text() for t in fm.legend.get_texts()]
    assert texts[-1] == f"largest 50 of {fm.n_total:,} corridors shown"
    assert fm.legend.get_title().get_text() == "Flow"
    # Every corridor on request, most of them as one collection of headless arcs.
    every = plotting.flow_map(long, measure="flow", resolution="c", top=None, legend=False,
                              label_top=20, figsize=(12, 6))
    assert every.n_shown == every.n_total == fm.n_total
    assert len(every.arrows) + len(every.minor_arcs.get_paths()) == every.n_total
    every.ax.figure.canvas.draw()
