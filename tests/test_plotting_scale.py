"""Tests of the plotting fixes of the review and of figures at the scale of the whole migration
system: maps of any registry countries (extent, top-K arcs, labels of the largest places, display
names), the measure drawn (stock / flow / cases), lumping small flows into "Other" for chord
diagrams, year ticks on the data years, one colour per flow estimator, readable return maps.

Data used: real figures where a published value is needed (UN DESA 2019 stocks in Thailand and
UNIAP identified victims, as cited in tests/test_plotting.py); otherwise MADE-UP TEST VALUES,
labelled as such where they are defined, generated here and never written to data/raw.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.colors import to_hex

from mixedmig import countries, flows, plotting
from mixedmig.errors import InputError

# UN DESA 2019 (International Migrant Stock 2019, POP/DB/MIG/Stock/Rev.2019), stock in
# Thailand by origin (persons), as in tests/test_plotting.py.
UNDESA2019_YEARS = [1990, 1995, 2000, 2005, 2010, 2015, 2019]
UNDESA2019_TO_THA = {
    "MMR": [229504, 436777, 734129, 1150168, 1648602, 1782773, 1858735],
    "KHM": [73756, 102948, 153382, 369213, 611508, 661275, 689451],
}
# UNIAP identified victims, 2008-2012 (None = N/A), as in tests/test_plotting.py.
UNIAP_LAO = [235, 155, 145, 195, 195]
UNIAP_VNM = [981, 869, 671, 821, 782]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _made_up_points(codes) -> pd.DataFrame:
    """MADE-UP coordinates (a regular grid over the world), one per code: only for testing that
    maps draw any number of places; they are not where these countries are."""
    n = len(codes)
    cols = math.ceil(math.sqrt(2 * n))
    lon = [-170 + 340 * (k % cols) / max(cols - 1, 1) for k in range(n)]
    lat = [-50 + 120 * (k // cols) / max(math.ceil(n / cols) - 1, 1) for k in range(n)]
    return pd.DataFrame({"iso3": list(codes), "lon": lon, "lat": lat,
                         "name": [f"Place {c}" for c in codes]})


def _made_up_flows(codes, seed=7) -> pd.DataFrame:
    """MADE-UP flows among ``codes`` (lognormal, seed ``seed``), one row per ordered pair."""
    rng = np.random.default_rng(seed)
    rows = [(o, d) for o in codes for d in codes if o != d]
    values = np.round(rng.lognormal(5, 2, size=len(rows)))
    return pd.DataFrame(rows, columns=["orig", "dest"]).assign(value=values)


# --------------------------------------------------------------------------- maps at scale


def test_flow_map_keeps_top_k_with_a_legend_note_and_draws_all_on_request():
    codes = [f"X{k:02d}" for k in range(40)]  # made-up codes placed by made-up points
    table = _made_up_flows(codes)
    n_positive = int((table["value"] > 0).sum())
    points = _made_up_points(codes)
    fm = plotting.flow_map(table, measure="flow", points=points, resolution="c", top=25)
    assert fm.n_shown == 25 and fm.n_total == n_positive
    assert len(fm.arrows) == 25 and fm.minor_arcs is None
    expected = table.sort_values(["value", "orig", "dest"], ascending=[False, True, True]).head(25)
    assert set(fm.arrows) == set(zip(expected["orig"], expected["dest"]))
    texts = [t.get_text() for t in fm.legend.get_texts()]
    assert texts[-1] == f"largest 25 of {n_positive:,} corridors shown"
    # Every corridor on request: the 100 largest with heads, the others as one collection.
    every = plotting.flow_map(table, measure="flow", points=points, resolution="c", top=None,
                              max_arrows=100, legend=False)
    assert every.n_shown == every.n_total == n_positive
    assert len(every.arrows) == 100
    assert len(every.minor_arcs.get_paths()) == n_positive - 100
    assert len(every.widths) == n_positive


def test_flow_map_labels_only_the_largest_places_by_their_names():
    codes = [f"X{k:02d}" for k in range(30)]
    table = _made_up_flows(codes, seed=3)
    fm = plotting.flow_map(table, measure="flow", points=_made_up_points(codes), resolution="c",
                           top=None, label_top=5, label_size=11)
    through = (table.groupby("orig")["value"].sum() + table.groupby("dest")["value"].sum())
    largest = sorted(codes, key=lambda c: (-through[c], c))[:5]
    assert fm.labelled == largest
    texts = [t for t in fm.ax.texts]
    assert sorted(t.get_text() for t in texts) == sorted(f"Place {c}" for c in largest)
    assert {t.get_fontsize() for t in texts} == {11}
    # Every place is still marked: 5 labelled points, 25 unlabelled ones.
    gids = [line.get_gid() for line in fm.ax.lines]
    assert gids.count("place") == 5 and gids.count("place-unlabelled") == 25


def test_flow_map_chooses_the_world_extent_when_the_data_span_it():
    codes = ["AAA", "BBB", "CCC"]
    points = pd.DataFrame({"iso3": codes, "lon": [-77.0, 139.7, 2.35],  # made-up test points
                           "lat": [38.9, 35.7, 48.9]})
    table = pd.DataFrame({"orig": ["AAA", "BBB"], "dest": ["BBB", "CCC"], "flow": [5, 3]})
    fm = plotting.flow_map(table, value="flow", points=points, resolution="c")
    assert (fm.basemap.llcrnrlon, fm.basemap.urcrnrlon) == (-180.0, 180.0)
    assert fm.measure == "Flow"
    # Points of the GMS only: the GMS extent; of Asia: "asia".
    assert plotting.map_extent([100.5, 104.9], [13.75, 11.55]) == "gms"
    assert plotting.map_extent([90.4, 139.7], [23.8, 35.7]) == "asia"


def test_map_extent_bounding_box_by_hand():
    # Two made-up points 20 x 10 degrees apart: margin 12% of 20 = 2.4 on each side in lon;
    # the 10-degree span is the minimum, so 1.2 each side in lat.
    assert plotting.map_extent([10.0, 30.0], [40.0, 50.0]) == (7.6, 32.4, 38.8, 51.2)
    with pytest.raises(InputError):
        plotting.map_extent([], [])


def test_flow_map_names_places_by_display_name_never_the_capital():
    # Made-up values; Hong Kong was labelled "City of Victoria" (its capital) in notebook 00.
    table = pd.DataFrame({"orig": ["CHN", "PHL", "IDN"], "dest": ["HKG", "HKG", "HKG"],
                          "stock": [300, 200, 100]})
    fm = plotting.flow_map(table, value="stock", resolution="c")
    texts = {t.get_text() for t in fm.ax.texts}
    assert texts == {countries.name(c) for c in ("CHN", "PHL", "IDN", "HKG")}
    assert "Hong Kong SAR" in texts and "City of Victoria" not in texts
    capitals = plotting.flow_map(table, value="stock", resolution="c", node_labels="capital")
    assert "City of Victoria" in {t.get_text() for t in capitals.ax.texts}
    codes = plotting.flow_map(table, value="stock", resolution="c", node_labels="iso3")
    assert {t.get_text() for t in codes.ax.texts} == {"CHN", "PHL", "IDN", "HKG"}


def test_flow_map_own_points_override_and_are_checked():
    table = pd.DataFrame({"orig": ["KHM"], "dest": ["THA"], "stock": [10]})  # made-up value
    own = pd.DataFrame({"iso3": ["KHM"], "lon": [105.0], "lat": [12.5], "name": ["Kampuchea"]})
    fm = plotting.flow_map(table, value="stock", resolution="c", points=own)
    assert "Kampuchea" in {t.get_text() for t in fm.ax.texts}
    x, y = fm.basemap(105.0, 12.5)
    assert [line for line in fm.ax.lines if line.get_gid() == "place"][0].get_xdata()[0] in (x,)
    with pytest.raises(InputError, match="lon"):
        plotting.flow_map(table, value="stock", resolution="c",
                          points=own.assign(lon=[200.0]))
    with pytest.raises(InputError, match="unknown country"):
        plotting.flow_map(pd.DataFrame({"orig": ["ZZZ"], "dest": ["KHM"], "stock": [1]}),
                          value="stock", resolution="c", points=own)


# --------------------------------------------------------------------------- stocks as stocks


def test_flow_map_titles_the_legend_after_the_measure():
    table = pd.DataFrame({"orig": ["KHM", "LAO"], "dest": ["THA", "THA"],
                          "value": [689451, 260000]})  # KHM: UN DESA 2019; LAO: made-up
    for measure, title in (("stock", "Migrant stock"), ("flow", "Flow"), ("cases", "Cases"),
                           ("returns", "Persons returned")):
        fm = plotting.flow_map(table, measure=measure, resolution="c")
        assert fm.legend.get_title().get_text() == title == fm.measure
    # A column named "stock" is a stock; an ambiguous column must be named explicitly.
    inferred = plotting.flow_map(table.rename(columns={"value": "stock"}), value="stock",
                                 resolution="c")
    assert inferred.legend.get_title().get_text() == "Migrant stock"
    with pytest.raises(InputError, match="measure='stock'"):
        plotting.flow_map(table, resolution="c")
    with pytest.raises(InputError, match="measure must be one of"):
        plotting.flow_map(table, measure="migrants", resolution="c")


def test_flow_map_panels_pass_the_measure_to_every_panel():
    table = pd.DataFrame({"period": ["a", "b"], "orig": ["THA", "MYS"], "dest": ["MMR", "KHM"],
                          "count": [76, 351]})  # repatriations, see tests/test_plotting.py
    drawing = plotting.flow_map_panels(table, "period", value="count", measure="cases",
                                       region="asia", resolution="c")
    assert drawing.legend.get_title().get_text() == "Cases"
    assert {fm.measure for fm in drawing.maps.values()} == {"Cases"}
    # persons returned between countries are titled as such, not as "Cases"
    returned = plotting.flow_map_panels(table, "period", value="count", measure="returns",
                                        region="asia", resolution="c")
    assert returned.legend.get_title().get_text() == "Persons returned"
    assert {fm.measure for fm in returned.maps.values()} == {"Persons returned"}
    inferred = plotting.flow_map(table.rename(columns={"count": "returns"}), value="returns",
                                 region="asia", resolution="c")
    assert inferred.measure == "Persons returned"


# --------------------------------------------------------------------------- return map


def test_reciprocal_arcs_run_in_separate_lanes_and_converging_arcs_part():
    # Made-up values.  KHM->THA and THA->KHM: ends offset to opposite sides of the chord.
    table = pd.DataFrame({"orig": ["KHM", "THA", "MYS", "SGP"],
                          "dest": ["THA", "KHM", "KHM", "KHM"], "flow": [50, 40, 30, 20]})
    fm = plotting.flow_map(table, value="flow", resolution="c", lane=0.01)
    there = fm.arrows[("KHM", "THA")]
    back = fm.arrows[("THA", "KHM")]
    a0, a1 = np.array(there._posA_posB[0]), np.array(there._posA_posB[1])
    b0, b1 = np.array(back._posA_posB[0]), np.array(back._posA_posB[1])
    khm = np.array(fm.basemap(countries.get("KHM").capital_lon, countries.get("KHM").capital_lat))
    width = fm.basemap.urcrnrx - fm.basemap.llcrnrx
    # Each end sits 1% of the map width from the place, the two directions on opposite sides.
    assert np.linalg.norm(a0 - khm) == pytest.approx(0.01 * width)
    assert np.linalg.norm(b1 - khm) == pytest.approx(0.01 * width)
    assert np.allclose(a0 - khm, -(b1 - khm))
    # MYS->KHM and SGP->KHM arrive from nearly the same direction: different curvatures.
    rad = fm.curvature
    assert rad[("MYS", "KHM")] != rad[("SGP", "KHM")]
    assert sorted([rad[("MYS", "KHM")], rad[("SGP", "KHM")]]) == pytest.approx([0.25, 0.45])
    assert there.get_connectionstyle().rad == rad[("KHM", "THA")]


# --------------------------------------------------------------------------- lumping


def _lump_example() -> pd.DataFrame:
    """Made-up test values: A and B large, C and D small (in + out 8 and 3)."""
    return pd.DataFrame([[0, 50, 2, 1], [40, 0, 1, 0], [3, 1, 0, 1], [0, 1, 0, 0]],
                        index=list("ABCD"), columns=list("ABCD"))


def test_lump_small_threshold_by_node_by_hand():
    lumped = plotting.lump_small(_lump_example(), threshold=8)  # C has exactly 8: kept
    assert list(lumped.index) == ["A", "B", "C", "Other"] == list(lumped.columns)
    assert lumped.loc["Other"].tolist() == [0, 1, 0, 0]   # D -> B
    assert lumped["Other"].tolist() == [1, 0, 1, 0]       # A -> D, C -> D
    lumped = plotting.lump_small(_lump_example(), threshold=8.5)
    assert list(lumped.index) == ["A", "B", "Other"]
    assert lumped.loc["Other", "Other"] == 1               # C -> D
    assert lumped.to_numpy().dtype.kind == "i"
    assert plotting.lump_small(_lump_example(), threshold=1).equals(_lump_example())


def test_lump_small_top_n_orig_dest_and_flow():
    m = _lump_example()
    top = plotting.lump_small(m, top_n=1)          # A (96) kept
    assert list(top.index) == ["A", "Other"]
    assert top.loc["A", "Other"] == 53 and top.loc["Other", "A"] == 43
    by_orig = plotting.lump_small(m, threshold=10, by="orig")  # C (5) and D (1) out
    assert list(by_orig.index) == ["A", "B", "Other"] and list(by_orig.columns) == list("ABCD")
    assert by_orig.loc["Other"].tolist() == [3, 2, 0, 1]
    by_dest = plotting.lump_small(m, threshold=10, by="dest")  # C (3) and D (2) in
    assert list(by_dest.columns) == ["A", "B", "Other"]
    assert by_dest["Other"].tolist() == [3, 1, 1, 0]
    by_flow = plotting.lump_small(m, threshold=2, by="flow")   # the 1s move to Other/Other
    assert by_flow.loc["Other", "Other"] == 5
    assert by_flow.loc["A", "D"] == 0 and by_flow.loc["A", "C"] == 2


def test_lump_small_rejects_bad_options():
    m = _lump_example()
    with pytest.raises(InputError, match="exactly one"):
        plotting.lump_small(m)
    with pytest.raises(InputError, match="exactly one"):
        plotting.lump_small(m, threshold=1, top_n=2)
    with pytest.raises(InputError, match="top_n"):
        plotting.lump_small(m, top_n=0)
    with pytest.raises(InputError, match="by must be"):
        plotting.lump_small(m, top_n=2, by="region")
    with pytest.raises(InputError, match="already a label"):
        plotting.lump_small(m, top_n=2, other="A")
    with pytest.raises(InputError, match="non-negative"):
        plotting.lump_small(-m, top_n=2)


def _migest_example() -> pd.DataFrame:
    """The example matrix of migest's ``sum_lump`` documentation (Abel, R package migest,
    man/sum_lump.Rd, "threshold on in and out region"): four regions A-D, rows = origins."""
    return pd.DataFrame([[0, 100, 30, 10], [50, 0, 50, 5], [10, 40, 0, 40], [20, 25, 20, 0]],
                        index=list("ABCD"), columns=list("ABCD"))


def test_lump_small_orig_and_dest_reproduces_migest_in_out():
    # migest: sum_lump(m, threshold = 100, lump = c("in", "out")) lumps an origin whose
    # outflow is below 100 (C 90, D 65; A 140 and B 105 stay) and, separately, a destination
    # whose inflow is below 100 (A 80, D 55; B 165 and C 100 stay). By hand:
    #   A -> B 100, A -> C 30, A -> {A, D} 0 + 10
    #   B -> B 0,   B -> C 50, B -> {A, D} 50 + 5
    #   {C, D} -> B 40 + 25, {C, D} -> C 0 + 20, {C, D} -> {A, D} 10 + 40 + 20 + 0
    m = _migest_example()
    lumped = plotting.lump_small(m, threshold=100, by=("orig", "dest"))
    expected = pd.DataFrame([[100, 30, 10], [0, 50, 55], [65, 20, 70]],
                            index=["A", "B", "Other"], columns=["B", "C", "Other"])
    pd.testing.assert_frame_equal(lumped, expected)
    assert plotting.lump_small(m, threshold=100, by=["dest", "orig"]).equals(expected)
    # chaining one side after the other gives the same table (the first call's "Other" row is
    # accepted by the second)
    chained = plotting.lump_small(plotting.lump_small(m, threshold=100, by="orig"),
                                  threshold=100, by="dest")
    pd.testing.assert_frame_equal(chained, expected)
    # by="node" measures outflow + inflow instead (A 220, B 270, C 190, D 120): nothing lumped
    assert plotting.lump_small(m, threshold=100).equals(m)


def test_lump_small_existing_other_must_be_last():
    m = _migest_example().rename(index={"A": "Other"}, columns={"A": "Other"})
    with pytest.raises(InputError, match="already a label"):
        plotting.lump_small(m, threshold=100, by="orig")
    with pytest.raises(InputError, match="by must be"):
        plotting.lump_small(_migest_example(), threshold=100, by=("orig", "flow"))
    # an "Other" row from an earlier call takes in what is lumped now
    once = plotting.lump_small(_migest_example(), threshold=100, by="orig")  # C, D
    twice = plotting.lump_small(once, threshold=106, by="orig")              # and B (105)
    assert list(twice.index) == ["A", "Other"]
    assert twice.loc["Other"].tolist() == [80, 65, 70, 45]


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 9).flatmap(lambda n: st.tuples(
        st.just(n),
        st.lists(st.integers(0, 10_000), min_size=n * n, max_size=n * n),
        st.integers(1, n),
        st.sampled_from(["node", "orig", "dest", "flow", ("orig", "dest")]),
    ))
)
def test_lump_small_preserves_sums_exactly(case):
    n, values, top_n, by = case
    labels = [f"L{k}" for k in range(n)]
    m = pd.DataFrame(np.array(values, dtype=np.int64).reshape(n, n), index=labels,
                     columns=labels)
    lumped = plotting.lump_small(m, top_n=top_n, by=by)
    assert int(lumped.to_numpy().sum()) == int(m.to_numpy().sum())
    kept_rows = [r for r in lumped.index if r != "Other"]
    kept_cols = [c for c in lumped.columns if c != "Other"]
    # Kept labels keep their input order; "Other" is last.
    assert kept_rows == [r for r in labels if r in kept_rows]
    assert "Other" not in lumped.index[:-1] and "Other" not in lumped.columns[:-1]
    if by != "flow":
        for r in kept_rows:       # a kept origin keeps its outflow
            assert int(lumped.loc[r].sum()) == int(m.loc[r].sum())
        for c in kept_cols:       # a kept destination keeps its inflow
            assert int(lumped[c].sum()) == int(m[c].sum())
    if by == "node":
        assert len(kept_rows) <= top_n
    if by == ("orig", "dest"):
        # both sides at once = one side after the other, when the diagonal is 0 (otherwise
        # the second call sees a lumped origin's diagonal cell as a flow from "Other")
        flows_only = m.where(~np.eye(n, dtype=bool), 0)
        chained = plotting.lump_small(plotting.lump_small(flows_only, top_n=top_n, by="orig"),
                                      top_n=top_n, by="dest")
        assert chained.equals(plotting.lump_small(flows_only, top_n=top_n, by=by))
    # Deterministic: the same input gives the same table.
    assert lumped.equals(plotting.lump_small(m, top_n=top_n, by=by))


def test_chord_diagram_lumps_small_places_into_a_grey_other_node():
    m = _lump_example()
    cd = plotting.chord_diagram(m, lump_threshold=8.5)
    assert cd.order == ["A", "B", "Other"] and cd.lumped == ["C", "D"]
    assert to_hex(cd.arcs["Other"].get_facecolor()) == plotting.GREY.lower()
    assert cd.labels["Other"].get_text() == "Other"
    # Node totals: off-diagonal in + out of the lumped matrix (Other->Other, 1, is not drawn).
    assert cd.totals.tolist() == [96.0, 93.0, 9.0]
    top = plotting.chord_diagram(m, lump_top_n=2, order=["B", "A", "C", "D"])
    assert top.order == ["B", "A", "Other"]
    # Unlumped: totals 96, 93, 8, 3 (sum 200), k = (360 - 4 x 2) / 200 = 1.76 degrees per
    # person, so C spans 14.08 and D 5.28 degrees: only D is left unnamed at 10 degrees.
    small = plotting.chord_diagram(m, label_min_degrees=10, label_size=7)
    assert small.degrees_per_unit == pytest.approx(1.76)
    assert set(small.labels) == {"A", "B", "C"}
    assert {t.get_fontsize() for t in small.labels.values()} == {7}


# --------------------------------------------------------------------------- year ticks


def test_year_ticks_choose_data_years_only():
    assert plotting.year_ticks(UNDESA2019_YEARS) == UNDESA2019_YEARS
    desa2024 = [1990, 1995, 2000, 2005, 2010, 2015, 2020, 2024]
    assert plotting.year_ticks(desa2024) == desa2024
    # Six ticks over 34 years: no two closer than 0.9 x 34 / 6 = 5.1 years, so 2020 (4 years
    # before 2024, the last year, which is always kept) and the 5-year steps are left out.
    assert plotting.year_ticks(desa2024, max_ticks=6) == [1990, 2000, 2010, 2024]
    assert plotting.year_ticks(desa2024, max_ticks=7) == [1990, 1995, 2000, 2005, 2010, 2015, 2024]
    annual = plotting.year_ticks(range(1990, 2025))
    assert annual == [1990, 1995, 2000, 2005, 2010, 2015, 2020, 2024]
    assert plotting.year_ticks([2012, 2008, 2010, 2009, 2011, 2008]) == list(range(2008, 2013))
    with pytest.raises(InputError):
        plotting.year_ticks([2010.5])
    with pytest.raises(InputError):
        plotting.year_ticks([2010], max_ticks=1)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(1950, 2030), min_size=1, max_size=60), st.integers(2, 12))
def test_year_ticks_are_a_subset_of_the_data_years(years, max_ticks):
    ticks = plotting.year_ticks(years, max_ticks=max_ticks)
    assert set(ticks) <= set(years)
    assert ticks == sorted(set(ticks))
    assert 1 <= len(ticks) <= max(max_ticks, 1)
    assert min(years) in ticks


def test_corridor_timeseries_ticks_on_the_undesa_years_never_between():
    rows = [(o, "THA", y, v) for o, vals in UNDESA2019_TO_THA.items()
            for y, v in zip(UNDESA2019_YEARS, vals)]
    stocks = pd.DataFrame(rows, columns=["orig", "dest", "year", "value"])
    fig = plotting.corridor_timeseries(stocks, [("MMR", "THA"), ("KHM", "THA")], ncols=2)
    for ax in fig.axes:
        fig.canvas.draw()
        assert [int(t) for t in ax.get_xticks()] == UNDESA2019_YEARS
        labels = [t.get_text() for t in ax.get_xticklabels()]
        assert labels == [str(y) for y in UNDESA2019_YEARS]
        assert not {"1992", "2008", "2016"} & set(labels)


def test_small_multiples_ticks_on_uniap_years():
    years = [2008, 2009, 2010, 2011, 2012]
    table = pd.DataFrame({"country": ["LAO"] * 5 + ["VNM"] * 5, "year": years * 2,
                          "victims": UNIAP_LAO + UNIAP_VNM})
    fig = plotting.small_multiples(table, x="year", y="victims", facet="country", ncols=2)
    for ax in fig.axes:
        assert [int(t) for t in ax.get_xticks()] == years


def test_data_year_ticks_on_any_axes():
    fig, ax = plt.subplots()
    ax.plot(UNDESA2019_YEARS, UNDESA2019_TO_THA["KHM"])
    ticks = plotting.data_year_ticks(ax, UNDESA2019_YEARS)
    assert ticks == [int(t) for t in ax.get_xticks()] == UNDESA2019_YEARS
    assert len(ax.xaxis.get_minorticklocs()) == 0


# --------------------------------------------------------------------------- estimator colours


def test_one_colour_per_estimator_whichever_variants_a_figure_shows():
    variants = list(flows.VARIANTS)
    assert set(variants) <= set(plotting.ESTIMATOR_COLOURS)
    colours = [plotting.estimator_colour(v) for v in variants]
    assert len(set(colours)) == len(variants)              # distinct
    assert set(colours) <= set(plotting.PALETTE)            # Okabe & Ito (2008)
    # Made-up index values per variant; a figure without the second variant keeps the others'
    # colours (notebook 02 drew the same estimator in two colours).
    rows = [(v, p, float(k + p)) for k, v in enumerate(variants) for p in (2015, 2020)]
    table = pd.DataFrame(rows, columns=["method", "period_end", "value"]).assign(index="amei")
    for shown in (variants, [v for v in variants if v != variants[1]]):
        part = table[table["method"].isin(shown)]
        fig = plotting.small_multiples(part, x="period_end", y="value", facet="index",
                                       hue="method")
        drawn = {line.get_label(): to_hex(line.get_color()) for line in fig.axes[0].get_lines()}
        assert drawn == {v: plotting.estimator_colour(v).lower() for v in shown}
        legend = {t.get_text(): to_hex(h.get_color())
                  for t, h in zip(fig.legends[0].get_texts(), fig.legends[0].legend_handles)}
        assert legend == drawn
    with pytest.raises(InputError, match="unknown flow estimator"):
        plotting.estimator_colour("gravity")
