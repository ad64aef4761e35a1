"""Tests of mixedmig.plotting: house style, maps, flow maps, chord and alluvial diagrams,
small multiples and deterministic figure files.

Data used (real, cited):

* WB2013 — World Bank / KNOMAD, *Bilateral Estimates of Migrant Stocks in 2013* (Migration and
  Remittances Factbook 2016), matrix ``bilateralmigrationmatrix20130.xlsx``: migrant stocks
  (persons) between GMS countries.
* UNIAP — UNIAP (A. Lyth), officially identified trafficking victims per country and year
  2008-2012, presentation to the Regional Consultation on the Right to an Effective Remedy for
  Trafficked Persons, Bangkok, 27 Sept 2013.  N/A cells stay missing (Cambodia 2012 is N/A in
  the text; only its implied value 442 is known, so it is left out here).
* Repatriations of trafficked persons: to Myanmar ~2012 by returning country (World Vision
  ETIP factsheet, Aug 2013, citing Myanmar's Anti-Trafficking Unit); to Cambodia 2017 (MFA
  rescues, Phnom Penh Post — a secondary source, hence drawn dashed).
* UNDESA2019 — UN DESA Population Division (2019), *International Migrant Stock 2019*
  (POP/DB/MIG/Stock/Rev.2019), bilateral stocks (persons).
"""

from __future__ import annotations

import math
import socket
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgb

from mixedmig import countries, plotting
from mixedmig.errors import (
    InputError,
    MixedmigError,
)

# WB2013, GMS origin -> GMS destination (persons).  CHN is left out of the flow-map table so the
# map stays on the "gms" extent (Beijing lies north of it).
WB2013_GMS = [
    ("KHM", "CHN", 464), ("LAO", "CHN", 1373), ("MMR", "CHN", 39776), ("THA", "CHN", 23357),
    ("VNM", "CHN", 36205), ("CHN", "KHM", 1550), ("LAO", "KHM", 265), ("MMR", "KHM", 53),
    ("THA", "KHM", 31472), ("VNM", "KHM", 37225), ("CHN", "LAO", 3014), ("KHM", "LAO", 1201),
    ("MMR", "LAO", 282), ("THA", "LAO", 1652), ("VNM", "LAO", 11447), ("CHN", "MMR", 47742),
    ("KHM", "MMR", 0), ("LAO", "MMR", 0), ("THA", "MMR", 0), ("VNM", "MMR", 0),
    ("CHN", "THA", 149352), ("KHM", "THA", 750109), ("LAO", "THA", 926427),
    ("MMR", "THA", 1892480), ("VNM", "THA", 17663), ("CHN", "VNM", 8639), ("KHM", "VNM", 2485),
    ("LAO", "VNM", 4284), ("MMR", "VNM", 9783), ("THA", "VNM", 512),
]

# WB2013, origins KHM, LAO, MMR -> every registry destination with a positive stock.
WB2013_THREE_ORIGINS = [
    ("KHM", "BGD", 19279), ("LAO", "BGD", 86526), ("MMR", "BGD", 197625), ("KHM", "CHN", 464),
    ("LAO", "CHN", 1373), ("MMR", "CHN", 39776), ("KHM", "JPN", 2750), ("MMR", "JPN", 99),
    ("LAO", "KHM", 265), ("MMR", "KHM", 53), ("KHM", "KOR", 14550), ("MMR", "KOR", 4748),
    ("KHM", "LAO", 1201), ("MMR", "LAO", 282), ("KHM", "MYS", 17226), ("MMR", "MYS", 79691),
    ("KHM", "PHL", 40), ("MMR", "PHL", 424), ("KHM", "THA", 750109), ("LAO", "THA", 926427),
    ("MMR", "THA", 1892480), ("KHM", "VNM", 2485), ("LAO", "VNM", 4284), ("MMR", "VNM", 9783),
]

# Repatriations of trafficked persons (see module docstring); secondary = drawn dashed.
REPATRIATIONS = [
    ("CHN", "MMR", 118, False), ("THA", "MMR", 76, False), ("IDN", "MMR", 26, False),
    ("VNM", "MMR", 2, False), ("MYS", "MMR", 1, False),
    ("MYS", "KHM", 351, True), ("THA", "KHM", 260, True), ("CHN", "KHM", 50, True),
    ("LAO", "KHM", 33, True), ("IDN", "KHM", 18, True), ("VNM", "KHM", 17, True),
]

# UNIAP identified victims, 2008-2012 (None = N/A on the slide).
UNIAP = {
    "KHM": [709, 701, 686, 581, None],
    "CHN": [None, 10820, 16568, 24118, 29853],
    "LAO": [235, 155, 145, 195, 195],
    "MMR": [303, 302, 381, 265, 261],
    "THA": [520, 530, 509, 279, None],
    "VNM": [981, 869, 671, 821, 782],
}

# UNDESA2019, stock in Thailand by origin (persons).
UNDESA2019_TO_THA = {
    "MMR": [229504, 436777, 734129, 1150168, 1648602, 1782773, 1858735],
    "KHM": [73756, 102948, 153382, 369213, 611508, 661275, 689451],
}
UNDESA2019_YEARS = [1990, 1995, 2000, 2005, 2010, 2015, 2019]


def _flows(rows, with_flag=False) -> pd.DataFrame:
    cols = ["orig", "dest", "value"] + (["secondary"] if with_flag else [])
    return pd.DataFrame(rows, columns=cols)


def _wb_matrix() -> pd.DataFrame:
    table = _flows(WB2013_GMS)
    gms = list(countries.GMS)
    return table.pivot(index="orig", columns="dest", values="value").reindex(
        index=gms, columns=gms, fill_value=0
    ).fillna(0)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --------------------------------------------------------------------------- style


def test_palette_is_okabe_ito_2008():
    # Okabe & Ito (2008), RGB 0-255 of their eight colours, in their order.
    published = [(0, 0, 0), (230, 159, 0), (86, 180, 233), (0, 158, 115), (240, 228, 66),
                 (0, 114, 178), (213, 94, 0), (204, 121, 167)]
    got = [tuple(round(c * 255) for c in to_rgb(h)) for h in plotting.PALETTE]
    assert got == published
    assert len(plotting.PALETTE_NAMES) == 8


def test_country_colours_cover_gms_with_distinct_palette_colours():
    assert set(plotting.COUNTRY_COLOURS) == set(countries.GMS)
    colours = list(plotting.COUNTRY_COLOURS.values())
    assert len(set(colours)) == 6
    assert set(colours) <= set(plotting.PALETTE) - {"#000000", "#F0E442"}
    assert plotting.country_colour("Thailand") == plotting.COUNTRY_COLOURS["THA"]
    assert plotting.country_colour("MYS") == plotting.GREY
    assert plotting.country_colour("World") == plotting.GREY


def test_apply_style_sets_rcparams():
    with matplotlib.rc_context():
        applied = plotting.apply_style()
        assert matplotlib.rcParams["axes.spines.top"] is False
        assert matplotlib.rcParams["axes.spines.right"] is False
        assert matplotlib.rcParams["axes.grid"] is True
        assert matplotlib.rcParams["svg.hashsalt"] == "mixedmig"
        assert matplotlib.rcParams["figure.dpi"] == applied["figure.dpi"]
        assert matplotlib.rcParams["font.size"] >= 9


# --------------------------------------------------------------------------- maps


def test_gms_map_offline_and_bangkok_inside(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("gms_map tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    _, ax = plt.subplots()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = plotting.gms_map(ax, resolution="c", labels=True, capitals=True)
    assert caught == []  # basemap's warnings are recorded in plotting.basemap_warnings() instead
    assert isinstance(plotting.basemap_warnings(), list)
    assert all(isinstance(w, str) and ": " in w for w in plotting.basemap_warnings())
    assert m.ax is ax
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    bkk = countries.get("THA")
    x, y = m(bkk.capital_lon, bkk.capital_lat)
    assert x0 < x < x1 and y0 < y < y1
    # Beijing (39.9 N) lies north of the GMS extent (5-30 N), inside the "asia" one.
    pek = countries.get("CHN")
    assert m(pek.capital_lon, pek.capital_lat)[1] > y1
    m_asia = plotting.gms_map(region="asia", resolution="c")
    ax2 = m_asia.ax
    xb, yb = m_asia(pek.capital_lon, pek.capital_lat)
    assert ax2.get_xlim()[0] < xb < ax2.get_xlim()[1]
    assert ax2.get_ylim()[0] < yb < ax2.get_ylim()[1]
    # Labels: every registry capital inside the extent is named (and no other).
    texts = {t.get_text() for t in ax.texts}
    inside = [c for c in countries.codes() if 90 <= countries.get(c).capital_lon <= 112
              and 5 <= countries.get(c).capital_lat <= 30]
    expected = {countries.get(c).capital for c in inside} | {countries.get(c).name for c in inside}
    assert texts == expected


def test_gms_map_rejects_bad_region_and_resolution():
    with pytest.raises(InputError, match="unknown map region"):
        plotting.gms_map(region="europe", resolution="c")
    with pytest.raises(InputError, match="resolution"):
        plotting.gms_map(resolution="x")
    with pytest.raises(InputError, match="not a valid extent"):
        plotting.gms_map(region=(112, 90, 5, 30), resolution="c")


# --------------------------------------------------------------------------- flow map


def test_flow_map_widths_proportional_and_legend_in_real_units():
    table = _flows([r for r in WB2013_GMS if "CHN" not in r[:2]])
    fm = plotting.flow_map(table, measure="stock", resolution="c", max_width=9.0, min_width=0.6)
    assert fm.basemap.urcrnrlon == pytest.approx(112.0)  # auto region chose "gms"
    vmax = 1892480  # MMR -> THA, the largest stock
    assert fm.points_per_unit == pytest.approx(9.0 / vmax)
    drawn = table[table["value"] > 0]
    assert set(fm.arrows) == set(zip(drawn["orig"], drawn["dest"]))
    above_floor = 0
    for row in drawn.itertuples():
        width = fm.arrows[(row.orig, row.dest)].get_arrowstyle().tail_width
        expected = 9.0 * row.value / vmax
        if expected >= 0.6:
            above_floor += 1
            assert width / row.value == pytest.approx(9.0 / vmax)
        else:
            assert width == pytest.approx(0.6)
    assert above_floor == 3  # MMR->THA, LAO->THA, KHM->THA
    # Zero stocks (e.g. KHM -> MMR) are not drawn but reported.
    assert set(zip(fm.dropped["orig"], fm.dropped["dest"])) == {
        ("KHM", "MMR"), ("LAO", "MMR"), ("THA", "MMR"), ("VNM", "MMR")
    }
    # Legend: the 1-2-5 round number below 1,892,480 is 1,000,000, then its half.  Its tenth,
    # 100,000, would be drawn at the minimum width (flows under 0.6 x 1,892,480 / 9 =
    # 126,165.3 are), so the third value is the next 1-2-5 number above that: 200,000.  Then
    # an entry for the floored flows.  Widths use the arrows' points-per-person scale.
    labels = [t.get_text() for t in fm.legend.get_texts()]
    assert labels == ["1,000,000 persons", "500,000 persons", "200,000 persons",
                      "< 126,166 persons (min. width)"]
    handles = fm.legend.legend_handles
    for handle, value in zip(handles, [1_000_000, 500_000, 200_000]):
        assert handle.get_linewidth() == pytest.approx(value * 9.0 / vmax)
    assert handles[3].get_linewidth() == pytest.approx(0.6)


def test_flow_map_reciprocal_arcs_bend_to_opposite_sides():
    table = _flows([r for r in WB2013_GMS if "CHN" not in r[:2]])
    fm = plotting.flow_map(table, measure="stock", resolution="c")
    fm.ax.figure.canvas.draw()
    a = np.array(fm.basemap(countries.get("KHM").capital_lon, countries.get("KHM").capital_lat))
    b = np.array(fm.basemap(countries.get("THA").capital_lon, countries.get("THA").capital_lat))

    def side(key):
        centre = fm.arrows[key].get_path().vertices.mean(axis=0)
        d, v = b - a, centre - a
        return np.sign(d[0] * v[1] - d[1] * v[0])

    assert side(("KHM", "THA")) == -side(("THA", "KHM")) != 0


def test_flow_map_dashed_edges_and_auto_region():
    fm = plotting.flow_map(_flows(REPATRIATIONS, with_flag=True), measure="cases", dashed="secondary",
                           resolution="c", units="victims")
    assert fm.basemap.urcrnrlon == pytest.approx(147.0)  # Beijing and Jakarta -> "asia"
    for orig, dest, _value, secondary in REPATRIATIONS:
        arrow = fm.arrows[(orig, dest)]
        if secondary:
            assert arrow.get_linestyle() == "--"
        else:
            assert arrow.get_linewidth() == 0.0  # solid filled band, no outline
    labels = [t.get_text() for t in fm.legend.get_texts()]
    # Largest flow 351 -> round number 200, then 100; the tenth (20) is under the minimum-width
    # value 0.6 x 351 / 9 = 23.4, so the third is 50.
    assert labels == ["200 victims", "100 victims", "50 victims",
                      "< 24 victims (min. width)", "secondary source"]
    # Places are named by their display names, never by their capitals.
    assert {t.get_text() for t in fm.ax.texts} >= {"Myanmar", "Cambodia", "China"}
    assert not {t.get_text() for t in fm.ax.texts} & {"Naypyidaw", "Phnom Penh", "Beijing"}


def test_flow_map_panels_share_one_scale_and_one_legend():
    # Two panels of the repatriation data: to Myanmar ~2012 (largest 118, from China) and to
    # Cambodia 2017 (largest 351, from Malaysia).  With max_width 9 over both panels the scale
    # is 9 / 351 points per person in each, so Malaysia->Cambodia is 9 pt wide and
    # China->Myanmar 118 x 9 / 351 = 3.026 pt.
    table = _flows(REPATRIATIONS, with_flag=True)
    table["period"] = np.where(table["dest"] == "MMR", "~2012", "2017")
    drawing = plotting.flow_map_panels(
        table, "period", ["~2012", "2017"], titles={"~2012": "to Myanmar"}, max_width=9.0,
        suptitle="returns", region="asia", resolution="c", dashed="secondary", units="persons",
        measure="cases")
    assert list(drawing.maps) == ["~2012", "2017"]
    assert drawing.points_per_unit == pytest.approx(9 / 351)
    for fm in drawing.maps.values():
        assert fm.points_per_unit == pytest.approx(9 / 351)
    assert drawing.maps["2017"].widths[("MYS", "KHM")] == pytest.approx(9.0)
    assert drawing.maps["~2012"].widths[("CHN", "MMR")] == pytest.approx(118 * 9 / 351)
    assert drawing.maps["~2012"].legend is None and drawing.maps["~2012"].ax.get_legend() is None
    assert drawing.legend is drawing.maps["2017"].legend is not None
    assert [fm.ax.get_title() for fm in drawing.maps.values()] == ["to Myanmar", "2017"]
    assert drawing.figure._suptitle.get_text() == "returns"
    assert len(drawing.figure.axes) == 2
    with pytest.raises(InputError, match="no row"):
        plotting.flow_map_panels(table, "period", ["2017", "2020"], measure="cases", resolution="c")


def test_flow_map_legend_can_be_switched_off():
    table = _flows(REPATRIATIONS, with_flag=True)
    with_legend = plotting.flow_map(table, dashed="secondary", measure="cases", resolution="c")
    fm = plotting.flow_map(table, dashed="secondary", measure="cases", resolution="c", legend=False)
    assert fm.legend is None and fm.ax.get_legend() is None
    # the scale a shared legend needs is still returned, identical to the map with a legend
    assert fm.reference_values == with_legend.reference_values == [200, 100, 50]
    assert fm.points_per_unit == pytest.approx(9.0 / 351)
    assert set(fm.arrows) == set(with_legend.arrows)


def test_flow_map_top_keeps_largest():
    fm = plotting.flow_map(_flows(WB2013_GMS), top=3, measure="stock", resolution="c")
    assert set(fm.arrows) == {("MMR", "THA"), ("LAO", "THA"), ("KHM", "THA")}


def test_flow_map_bad_input():
    table = _flows([r for r in WB2013_GMS if "CHN" not in r[:2]])
    with pytest.raises(InputError, match="'flow'"):
        plotting.flow_map(table, value="flow", resolution="c")
    with pytest.raises(InputError, match="non-negative"):
        plotting.flow_map(table.assign(value=-table["value"]), measure="stock", resolution="c")
    with pytest.raises(InputError, match="more than one row"):
        plotting.flow_map(pd.concat([table, table.head(1)]), measure="stock", resolution="c")
    with pytest.raises(InputError, match="outside the map region"):  # CHN north of "gms"
        plotting.flow_map(_flows(WB2013_GMS), region="gms", measure="stock", resolution="c")
    with pytest.raises(MixedmigError):
        plotting.flow_map(table.assign(orig="Atlantis"), measure="stock", resolution="c")


# --------------------------------------------------------------------------- chord diagram


def test_chord_arcs_proportional_to_node_totals():
    matrix = _wb_matrix()
    cd = plotting.chord_diagram(matrix, gap=2.0)
    # Thailand by hand: inflow 149,352 + 750,109 + 926,427 + 1,892,480 + 17,663 = 3,736,031;
    # outflow 23,357 + 31,472 + 1,652 + 0 + 512 = 56,993; total 3,793,024.
    assert cd.totals["THA"] == 3_793_024
    np.testing.assert_array_equal(
        cd.totals.to_numpy(), (matrix.sum(axis=1) + matrix.sum(axis=0)).to_numpy()
    )
    sizes = {k: w.theta2 - w.theta1 for k, w in cd.arcs.items()}
    for node, size in sizes.items():
        assert size / cd.totals[node] == pytest.approx(cd.degrees_per_unit)
    assert sum(sizes.values()) + 2.0 * len(sizes) == pytest.approx(360.0)
    # Each ribbon is as wide (in degrees) at its origin as at its destination: flow x k.
    for (o, d), (a, b) in cd.segments.items():
        flow = matrix.loc[o, d]
        assert a[1] - a[0] == pytest.approx(flow * cd.degrees_per_unit)
        assert b[1] - b[0] == pytest.approx(flow * cd.degrees_per_unit)
        start = cd.ribbons[(o, d)].get_path().vertices[0]
        inner = 1.0 - 0.08
        assert start == pytest.approx([inner * math.cos(math.radians(a[0])),
                                       inner * math.sin(math.radians(a[0]))])


def test_chord_min_share_drops_ribbons_not_arc_sizes():
    matrix = _wb_matrix()
    full = plotting.chord_diagram(matrix)
    sparse = plotting.chord_diagram(matrix, min_share=0.01)
    total = matrix.to_numpy().sum()  # no diagonal in this matrix
    kept = {k for k in full.segments if matrix.loc[k] >= 0.01 * total}
    assert set(sparse.ribbons) == kept
    # Total flow 3,998,812, 1% = 39,988.12: the four corridors into Thailand and CHN -> MMR
    # (47,742); MMR -> CHN (39,776) falls just short.
    assert kept == {("MMR", "THA"), ("LAO", "THA"), ("KHM", "THA"), ("CHN", "THA"),
                    ("CHN", "MMR")}
    for node in full.arcs:
        assert sparse.arcs[node].theta2 == pytest.approx(full.arcs[node].theta2)


def test_chord_order_is_deterministic_and_validated():
    matrix = _wb_matrix()
    a = plotting.chord_diagram(matrix)
    b = plotting.chord_diagram(matrix.loc[::-1, ::-1], order=list(countries.GMS))
    for node in a.arcs:
        assert a.arcs[node].theta1 == pytest.approx(b.arcs[node].theta1)
    with pytest.raises(InputError, match="order"):
        plotting.chord_diagram(matrix, order=["THA", "MMR"])
    with pytest.raises(InputError, match="missing value"):
        plotting.chord_diagram(matrix.astype(float).where(matrix > 0))


# --------------------------------------------------------------------------- small multiples


def _uniap_long() -> pd.DataFrame:
    rows = [(c, 2008 + i, v) for c, vals in UNIAP.items() for i, v in enumerate(vals)]
    return pd.DataFrame(rows, columns=["country", "year", "victims"])


def test_small_multiples_one_axes_per_facet_and_marks_gaps():
    fig = plotting.small_multiples(_uniap_long(), x="year", y="victims", facet="country",
                                   ncols=4)
    assert len(fig.axes) == 6  # 2 x 4 grid, two empty cells removed
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == [countries.name(c) for c in sorted(UNIAP)]
    marks = {}
    for ax, code in zip(fig.axes, sorted(UNIAP)):
        coll = [c for c in ax.collections if c.get_gid() == "missing-values"]
        marks[code] = sorted(coll[0].get_offsets()[:, 0].tolist()) if coll else []
        line = ax.get_lines()[0]
        y = np.asarray(line.get_ydata(), dtype=float)
        expected = np.array([np.nan if v is None else v for v in UNIAP[code]], dtype=float)
        np.testing.assert_array_equal(y, expected)
    assert marks == {"CHN": [2008], "KHM": [2012], "LAO": [], "MMR": [], "THA": [2012],
                     "VNM": []}


def test_small_multiples_absent_row_is_a_gap_too():
    table = _uniap_long().dropna()  # N/A rows removed entirely: still marked as gaps
    fig = plotting.small_multiples(table, x="year", y="victims", facet="country")
    offsets = {ax.get_title(): [c.get_offsets()[0, 0] for c in ax.collections
                                if c.get_gid() == "missing-values"] for ax in fig.axes}
    assert offsets["China"] == [2008] and offsets["Cambodia"] == [2012]


def test_small_multiples_rejects_duplicates():
    table = _uniap_long()
    with pytest.raises(InputError, match="more than one row"):
        plotting.small_multiples(pd.concat([table, table.head(1)]), x="year", y="victims",
                                 facet="country")


def test_small_multiples_sharey_range_covers_every_panel():
    # LAO first: its largest count (235) is far below China's (29,853 in 2012), so a range
    # frozen at the first panel's scale would cut China off.
    table = _uniap_long()
    fig = plotting.small_multiples(table, x="year", y="victims", facet="country",
                                   order=["LAO", "MMR", "CHN"], sharey=True)
    limits = {ax.get_title(): ax.get_ylim() for ax in fig.axes}
    assert len(set(limits.values())) == 1
    low, high = limits["China"]
    assert low == 0 and high >= 29853
    # without sharey each panel keeps its own range, still from 0
    fig = plotting.small_multiples(table, x="year", y="victims", facet="country",
                                   order=["LAO", "MMR", "CHN"])
    limits = {ax.get_title(): ax.get_ylim() for ax in fig.axes}
    assert limits["Lao PDR"][0] == 0 and 235 <= limits["Lao PDR"][1] < 29853
    assert limits["China"][1] >= 29853


def _uniap_yearly_change() -> pd.DataFrame:
    """Year-on-year change in UNIAP identified victims (NaN next to an N/A year)."""
    rows = []
    for code, values in UNIAP.items():
        series = np.array([np.nan if v is None else v for v in values], dtype=float)
        rows += [(code, 2009 + i, change) for i, change in enumerate(np.diff(series))]
    return pd.DataFrame(rows, columns=["country", "year", "change"])


def test_small_multiples_draws_negative_values_with_a_zero_line():
    # Changes 2009-2012 (from the UNIAP counts above): Cambodia -8, -15, -105 (all negative);
    # China 5,748, 7,550, 5,935 (all positive); Lao PDR -80, -10, 50, 0; Myanmar -1, 79, -116,
    # -4; Thailand 10, -21, -230; Viet Nam -112, -198, 150, -39 (these four cross zero).
    table = _uniap_yearly_change()
    fig = plotting.small_multiples(table, x="year", y="change", facet="country")
    crossing = {ax.get_title() for ax in fig.axes
                if any(line.get_gid() == "zero-line" for line in ax.get_lines())}
    assert crossing == {"Lao PDR", "Myanmar", "Thailand", "Viet Nam"}
    limits = {ax.get_title(): ax.get_ylim() for ax in fig.axes}
    assert limits["Thailand"][0] < -230 and limits["Cambodia"][1] < 0  # no forced 0 bottom
    assert limits["China"][0] > 0
    ys = {ax.get_title(): np.asarray(ax.get_lines()[0].get_ydata(), dtype=float)
          for ax in fig.axes}
    np.testing.assert_array_equal(ys["Thailand"], [10, -21, -230, np.nan])
    # shared: one range from Thailand's -230 to China's 7,550, zero line in every panel
    fig = plotting.small_multiples(table, x="year", y="change", facet="country", sharey=True)
    low, high = fig.axes[0].get_ylim()
    assert low < -230 and high > 7550
    assert all(any(line.get_gid() == "zero-line" for line in ax.get_lines())
               for ax in fig.axes)


def test_small_multiples_non_negative_data_have_no_zero_line_and_reject_infinity():
    fig = plotting.small_multiples(_uniap_long(), x="year", y="victims", facet="country")
    assert not any(line.get_gid() == "zero-line" for ax in fig.axes for line in ax.get_lines())
    table = _uniap_yearly_change()
    table.loc[0, "change"] = np.inf
    with pytest.raises(InputError, match="must be finite"):
        plotting.small_multiples(table, x="year", y="change", facet="country")


def test_corridor_timeseries_panels_follow_corridors():
    rows = [(o, "THA", yr, v) for o, vals in UNDESA2019_TO_THA.items()
            for yr, v in zip(UNDESA2019_YEARS, vals)]
    table = pd.DataFrame(rows, columns=["orig", "dest", "year", "value"])
    fig = plotting.corridor_timeseries(table, [("MMR", "THA"), ("Cambodia", "Thailand"),
                                               ("LAO", "THA")])
    assert [ax.get_title() for ax in fig.axes] == [
        "Myanmar → Thailand", "Cambodia → Thailand", "Lao PDR → Thailand"]
    np.testing.assert_array_equal(fig.axes[0].get_lines()[0].get_ydata(),
                                  UNDESA2019_TO_THA["MMR"])
    assert [t.get_text() for t in fig.axes[2].texts] == ["no data"]


# --------------------------------------------------------------------------- alluvial


def test_alluvial_block_heights_proportional_to_stage_totals():
    table = pd.DataFrame(WB2013_THREE_ORIGINS, columns=["orig", "dest", "migrants"])
    table["dest_group"] = ["GMS" if d in countries.GMS else "other Asia" for d in table["dest"]]
    stages = ["orig", "dest", "dest_group"]
    al = plotting.alluvial(table, stages, "migrants")
    grand = table["migrants"].sum()
    for stage in stages:
        totals = table.groupby(stage)["migrants"].sum()
        assert al.totals[stage].sum() == grand
        for node, total in totals.items():
            assert al.blocks[(stage, node)].get_height() / total == pytest.approx(al.scale)
    # MMR by hand: 197,625 + 39,776 + 99 + 53 + 4,748 + 282 + 79,691 + 424 + 1,892,480 + 9,783
    assert al.totals["orig"]["MMR"] == 2_224_961
    # Default order: decreasing total, so Thailand heads the destination stage.
    assert al.order["dest"][0] == "THA"
    # Bands have equal width at both ends: flow x scale.
    band = al.ribbons[(0, "MMR", "THA", "MMR")].get_path().vertices
    left = band[0, 1] - band[7, 1]
    right = band[3, 1] - band[4, 1]
    assert left == pytest.approx(1892480 * al.scale)
    assert right == pytest.approx(left)


def test_alluvial_bad_input():
    table = pd.DataFrame(WB2013_THREE_ORIGINS, columns=["orig", "dest", "migrants"])
    with pytest.raises(InputError, match="two distinct stage"):
        plotting.alluvial(table, ["orig"], "migrants")
    with pytest.raises(InputError, match="missing values"):
        plotting.alluvial(table.assign(dest=table["dest"].where(table["migrants"] > 100)),
                          ["orig", "dest"], "migrants")


# --------------------------------------------------------------------------- saving


def _chord_figure():
    with plotting.style_context():
        cd = plotting.chord_diagram(_wb_matrix(), title="GMS migrant stocks, 2013")
    return cd.ax.figure


def test_save_figure_is_byte_identical_across_runs(tmp_path):
    first = plotting.save_figure(_chord_figure(), "chord", tmp_path / "a")
    fig = _chord_figure()
    second = plotting.save_figure(fig, "chord", tmp_path / "b")
    assert [p.name for p in first] == ["chord.png", "chord.svg"]
    for p, q in zip(first, second):
        assert p.read_bytes() == q.read_bytes()
    again = plotting.save_figure(fig, "chord", tmp_path / "b")  # overwrite in place
    assert again[0].read_bytes() == first[0].read_bytes()
    assert b"Software" not in first[0].read_bytes()
    svg = first[1].read_text()
    assert "<dc:date>" not in svg and "<dc:creator>" not in svg
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == ["chord.png", "chord.svg"]


def test_save_figure_rejects_bad_names_and_formats(tmp_path):
    fig = _chord_figure()
    with pytest.raises(InputError, match="plain file stem"):
        plotting.save_figure(fig, "sub/chord", tmp_path)
    with pytest.raises(InputError, match="unsupported format"):
        plotting.save_figure(fig, "chord", tmp_path, formats=("gif",))
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- diagnostics

# A made-up fit table (hand-worked, not real data): Pearson residual (observed - fitted) /
# sqrt(fitted) = 500/20 = 25, 0/20 = 0, -100/10 = -10, 5/5 = 1 and 96/8 = 12.
FITS = pd.DataFrame({
    "orig": ["KHM", "LAO", "MMR", "VNM", "CHN"],
    "dest": ["THA", "THA", "THA", "LAO", "MMR"],
    "observed": [900.0, 400.0, 0.0, 30.0, 160.0],
    "fitted": [400.0, 400.0, 100.0, 25.0, 64.0],
})
FITS["pearson_residual"] = (FITS["observed"] - FITS["fitted"]) / np.sqrt(FITS["fitted"])


def test_residual_plot_draws_fit_and_residual_panels():
    ols = pd.DataFrame({"observed": [900.0, 400.0], "fitted": [500.0, 300.0]})
    drawing = plotting.residual_plot(FITS, ols, year=2020)
    assert FITS["pearson_residual"].tolist() == [25.0, 0.0, -10.0, 1.0, 12.0]
    left, right = drawing.fit_ax, drawing.residual_ax
    assert drawing.figure is left.figure is right.figure
    # Panel (a): positive corridors at (fitted, observed), the zero corridor at observed = 1.
    assert drawing.points["positive"].get_offsets().tolist() == [
        [400.0, 900.0], [400.0, 400.0], [25.0, 30.0], [64.0, 160.0]]
    assert drawing.points["zero"].get_offsets().tolist() == [[100.0, 1.0]]
    assert drawing.points["ols"].get_offsets().tolist() == [[500.0, 900.0], [300.0, 400.0]]
    assert to_rgb(drawing.points["positive"].get_facecolor()[0]) == to_rgb("#0072B2")
    assert to_rgb(drawing.points["ols"].get_facecolor()[0]) == to_rgb("#E69F00")
    assert to_rgb(drawing.points["zero"].get_edgecolor()[0]) == to_rgb("#D55E00")
    # The largest value is 900, so the axes run to 10^ceil(log10 900) = 1000.
    assert drawing.limits == (0.5, 1000.0)
    assert left.get_xlim() == pytest.approx((0.5, 1000.0))
    assert left.get_xscale() == left.get_yscale() == "log"
    assert list(drawing.diagonal.get_xdata()) == [0.5, 1000.0]
    assert list(left.get_yticks()) == [1.0, 10.0, 100.0, 1000.0]
    assert [t.get_text() for t in left.get_yticklabels()] == ["0", "$10^1$", "$10^2$", "$10^3$"]
    assert left.get_title() == "(a) observed vs fitted, 2020"
    assert [t.get_text() for t in left.get_legend().get_texts()] == [
        "PPML, positive corridors", "OLS, exp(fitted ln stock)",
        "PPML, zero or unlisted corridors"]
    # Panel (b): every corridor at (fitted, residual), the zero one in vermillion.
    assert drawing.points["residuals"].get_offsets().tolist() == [
        [400.0, 25.0], [400.0, 0.0], [100.0, -10.0], [25.0, 1.0], [64.0, 12.0]]
    colours = [to_rgb(c) for c in drawing.points["residuals"].get_facecolor()]
    assert colours[2] == to_rgb("#D55E00")
    assert all(c == to_rgb("#0072B2") for i, c in enumerate(colours) if i != 2)
    # Three largest residuals (25, 12, 1) and the most negative (-10) are labelled.
    assert [a.get_text() for a in drawing.annotations] == [
        "KHM→THA", "CHN→MMR", "VNM→LAO", "MMR→THA"]
    assert [a.xy for a in drawing.annotations] == [(400.0, 25.0), (64.0, 12.0), (25.0, 1.0),
                                                   (100.0, -10.0)]
    assert right.get_xscale() == "log"
    plt.close(drawing.figure)


def test_residual_plot_without_ols_and_on_given_axes():
    fig, axes = plt.subplots(1, 2)
    drawing = plotting.residual_plot(FITS, axes=axes, n_largest=1, n_smallest=0)
    assert "ols" not in drawing.points
    assert drawing.fit_ax is axes[0] and drawing.figure is fig
    assert drawing.fit_ax.get_title() == "(a) observed vs fitted"
    assert [a.get_text() for a in drawing.annotations] == ["KHM→THA"]
    plt.close(fig)


def test_residual_plot_bad_input():
    with pytest.raises(InputError, match="zero_at"):
        plotting.residual_plot(FITS, zero_at=30.0)  # above the smallest positive stock, 30
    with pytest.raises(InputError, match="pearson_residual"):
        plotting.residual_plot(FITS.drop(columns="pearson_residual"))
    with pytest.raises(InputError, match="positive"):
        plotting.residual_plot(FITS.assign(fitted=[400.0, 0.0, 100.0, 25.0, 64.0]))
    with pytest.raises(InputError, match="pair of Axes"):
        plotting.residual_plot(FITS, axes=3)
    plt.close("all")


def test_coefficient_plot_offsets_intervals_and_labels():
    # Made-up estimates of three models (not real data).
    table = pd.DataFrame({
        "model": ["A", "A", "B", "B", "C", "C"],
        "regressor": ["log_dist", "contig"] * 3,
        "coef": [-1.0, 0.5, -0.8, 0.7, -1.5, 0.2],
        "ci_low": [-1.2, 0.1, -1.1, 0.2, -2.0, -0.3],
        "ci_high": [-0.8, 0.9, -0.5, 1.2, -1.0, 0.7],
        "nobs": [30, 30, 28, 28, 25, 25],
    })
    drawing = plotting.coefficient_plot(table, ["log_dist", "contig"],
                                        labels={"log_dist": "ln distance"}, alpha=0.10,
                                        title="made up")
    ax = drawing.ax
    # Offsets linspace(-0.22, 0.22, 3) = -0.22, 0, 0.22 round rows 0 and 1.
    assert drawing.positions["y"].tolist() == pytest.approx([-0.22, 0.78, 0.0, 1.0, 0.22, 1.22])
    data_line, _, (bars,) = drawing.errorbars["C"].lines
    assert data_line.get_marker() == "^"
    assert drawing.errorbars["A"].lines[0].get_marker() == "o"
    assert list(data_line.get_xdata()) == [-1.5, 0.2]
    segments = bars.get_segments()
    assert np.allclose(segments[0], [[-2.0, 0.22], [-1.0, 0.22]])
    assert np.allclose(segments[1], [[-0.3, 1.22], [0.7, 1.22]])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["ln distance", "contig"]
    assert ax.get_ylim()[0] > ax.get_ylim()[1]  # first regressor on top
    assert ax.get_xlabel() == "coefficient (log points) with 90% confidence interval"
    assert [t.get_text() for t in drawing.legend.get_texts()] == [
        "A (n = 30)", "B (n = 28)", "C (n = 25)"]
    assert ax.get_title() == "made up"
    with pytest.raises(InputError, match="no coefficient"):
        plotting.coefficient_plot(table, ["log_dist", "comlang"])
    with pytest.raises(InputError, match="nobs"):
        plotting.coefficient_plot(table.drop(columns="nobs"), ["log_dist"])
    plt.close("all")
