"""A corridor profile's implausible stocks, its one-line-per-family summary and its figure
(``plotting.corridor_profile_panels``), checked against the shipped data/raw CSVs read here with
pandas and against what was drawn, read back from the axes."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from mixedmig.errors import InputError  # noqa: E402
from mixedmig.plotting import corridor_profile_panels  # noqa: E402
from mixedmig.plotting.series import _SERIES_FAMILIES  # noqa: E402
from mixedmig.profiles import corridor_profile  # noqa: E402
from mixedmig.profiles.corridor import MEASURE_FAMILIES  # noqa: E402

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
FLAG_COLUMNS = ["edition", "year", "sex", "value", "median", "ratio", "reason"]


def raw(name: str) -> pd.DataFrame:
    # 'NA' is Namibia in these tables: only empty cells are missing.
    return pd.read_csv(RAW / f"{name}.csv", keep_default_na=False, na_values=[""])


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def mmr_tha():
    return corridor_profile("MMR", "THA")


@pytest.fixture(scope="module")
def khm_tha():
    return corridor_profile("KHM", "THA")


# ----------------------------------------------------------- CorridorProfile.implausible_stocks

def test_myanmar_thailand_1990_1995_of_the_2024_edition_are_flagged(mmr_tha):
    # UN DESA 2024: 1,106 and 1,104 Myanmar-born in Thailand in 1990 and 1995; the 2017 and
    # 2019 editions: 229,504 and 436,777 (both editions agree, so the 2024 one is the outlier).
    flags = mmr_tha.implausible_stocks()
    assert list(flags.columns) == FLAG_COLUMNS
    total = flags[flags["sex"] == "total"]
    assert list(zip(total["edition"], total["year"], total["value"])) == [
        ("2024", 1990, 1106.0), ("2024", 1995, 1104.0)]
    assert list(total["median"]) == [229504.0, 436777.0]
    assert total["ratio"].round(3).tolist() == [round(229504 / 1106, 3), round(436777 / 1104, 3)]
    assert "2017: 229,504; 2019: 229,504; 2024: 1,106" in total["reason"].iloc[0]
    assert "edition 2024 is furthest" in total["reason"].iloc[0]


def _independent_flags(origin, destination, ratio=10.0, min_stock=1000.0):
    """The rule and its attribution computed from the raw CSV, without the package."""
    src = raw("undesa_ims_bilateral")
    src = src[(src["orig"] == origin) & (src["dest"] == destination) & src["stock"].notna()]
    out = set()
    for (year, sex), part in src.groupby(["year", "sex"]):
        if len(part) < 2:
            continue
        values = dict(zip(part["edition"].astype(str), part["stock"].astype(float)))
        high, low = max(values.values()), min(values.values())
        if high < min_stock or not (low == 0 or high / low > ratio):
            continue
        logs = {e: np.log(max(v, 1.0)) for e, v in values.items()}
        centre = float(np.median(list(logs.values())))
        far = max(abs(v - centre) for v in logs.values())
        out |= {(e, int(year), sex) for e, v in logs.items() if abs(abs(v - centre) - far) < 1e-9}
    return out


@pytest.mark.parametrize("origin,destination", [
    ("MMR", "THA"), ("KHM", "THA"), ("MMR", "LAO"), ("VNM", "MYS"), ("PHL", "MYS"),
    ("LAO", "JPN"), ("THA", "MMR")])
def test_flags_match_an_independent_computation_on_the_raw_table(origin, destination):
    got = corridor_profile(origin, destination).implausible_stocks()
    assert set(zip(got["edition"], got["year"], got["sex"])) == \
        _independent_flags(origin, destination)


def test_the_outlier_is_not_always_the_latest_edition():
    # UN DESA: Myanmar-born in Lao PDR, 2015: 254 (2017 edition) against 2,835 (2019 and 2024).
    flags = corridor_profile("MMR", "LAO", sexes=["total"]).implausible_stocks()
    assert list(zip(flags["edition"], flags["year"], flags["value"])) == [("2017", 2015, 254.0)]
    assert flags["median"].item() == 2835.0


def test_two_editions_cannot_tell_which_is_wrong():
    flags = corridor_profile("MMR", "THA", editions=[2019, 2024],
                             sexes=["total"]).implausible_stocks()
    assert list(zip(flags["edition"], flags["year"])) == [
        ("2019", 1990), ("2024", 1990), ("2019", 1995), ("2024", 1995)]
    assert flags["reason"].str.contains("cannot tell which is wrong").all()


def test_thresholds_are_passed_to_the_rule(mmr_tha):
    # factors: 207.5 (1990) and 395.6 (1995)
    total = lambda f: f[f["sex"] == "total"]  # noqa: E731
    assert total(mmr_tha.implausible_stocks(revision_ratio=300))["year"].tolist() == [1995]
    assert total(mmr_tha.implausible_stocks(revision_ratio=500)).empty
    # min_stock applies to the largest edition's figure (436,777 in 1995)
    assert total(mmr_tha.implausible_stocks(min_stock=300_000))["year"].tolist() == [1995]
    with pytest.raises(InputError, match="revision_ratio"):
        mmr_tha.implausible_stocks(revision_ratio=1)


def test_one_edition_gives_an_empty_table_with_the_columns():
    flags = corridor_profile("MMR", "THA", editions=[2024]).implausible_stocks()
    assert flags.empty and list(flags.columns) == FLAG_COLUMNS


# ----------------------------------------------------------------- CorridorProfile.latest_by_family

def test_latest_by_family_myanmar_thailand(mmr_tha):
    line = mmr_tha.latest_by_family()
    assert line.name == "MMR -> THA"
    assert list(line.index) == list(MEASURE_FAMILIES)
    # UN DESA International Migrant Stock 2024: Myanmar-born in Thailand, mid-2024
    assert line["migrant stock (UN DESA)"] == "1,708,695 persons (stock) (mid-2024)"
    wb = raw("worldbank_bilateral_2013").query("orig == 'MMR' and dest == 'THA'")
    assert line["migrant stock (World Bank 2013)"] == \
        f"{wb['migrants'].item():,.0f} persons (stock) (2013)"
    thai = raw("thailand_migrant_workers").query("nationality == 'MMR'")
    assert line["migrant workers in Thailand (official points)"] == (
        f"{thai['measure'].nunique()} measures, {len(thai)} figures in "
        f"{thai['unit'].nunique()} unit(s)")
    ctdc = raw("ctdc_cases_corridor_year").query(
        "citizenship == 'MMR' and country_of_exploitation == 'THA'")
    assert ctdc.empty and line["registered trafficking cases (CTDC)"] == "not available"


def test_latest_by_family_case_counts_give_latest_non_zero_year_and_total(khm_tha):
    ctdc = raw("ctdc_cases_corridor_year").query(
        "citizenship == 'KHM' and country_of_exploitation == 'THA'")
    non_zero = ctdc[ctdc["cases"] > 0].sort_values("year_of_registration").iloc[-1]
    # the later years with a published 0 are said (2018 in the CSV), never hidden
    later = ctdc[(ctdc["cases"] == 0)
                 & (ctdc["year_of_registration"] > non_zero["year_of_registration"])]
    assert later["year_of_registration"].tolist() == [2018]
    expected = (f"{non_zero['cases']:,.0f} registered cases (registered "
                f"{non_zero['year_of_registration']}); 0 in 2018; {ctdc['cases'].sum():,.0f} "
                f"over the years in the table")
    assert khm_tha.latest_by_family()["registered trafficking cases (CTDC)"] == expected


def test_latest_by_family_with_every_source_left_out():
    empty = corridor_profile("MMR", "THA", tables={t: None for t in MEASURE_FAMILIES.values()})
    line = empty.latest_by_family()
    assert list(line.index) == list(MEASURE_FAMILIES)
    assert (line == "not available").all()


# ----------------------------------------------------------------- corridor_profile_panels

def _rows_drawn(profile):
    rows = profile.to_frame()
    return rows[rows["sex"].isin(["total", ""])]


def _visible(fig):
    return [ax for ax in fig.axes if ax.get_visible()]


def _first_line(ax):
    return ax.get_title().split("\n")[0]


@pytest.mark.parametrize("origin,destination", [("MMR", "THA"), ("KHM", "THA"), ("THA", "MMR"),
                                                ("LAO", "THA")])
def test_one_panel_per_unit_with_deportees_apart(origin, destination):
    profile = corridor_profile(origin, destination)
    rows = _rows_drawn(profile)
    deported = rows["measure"].str.startswith("migrants deported or pushed back")
    expected = rows.assign(d=deported).groupby(["unit", "d"]).ngroups
    fig = corridor_profile_panels(profile, ncols=3)
    panels = _visible(fig)
    assert len(panels) == expected
    assert len(fig.axes) == 3 * int(np.ceil(expected / 3))  # the rest hidden
    # every panel's unit is a unit of the profile, and no unit is split except flows
    assert {_first_line(ax).split(": ")[0] for ax in panels} == set(rows["unit"])


def test_myanmar_thailand_panels_log_axis_and_rings(mmr_tha):
    fig = corridor_profile_panels(mmr_tha)
    panels = {_first_line(ax): ax for ax in _visible(fig)}
    assert list(panels) == ["persons (stock)", "persons (point, at a date)",
                            "percent of registered migrants",
                            "persons (flow over a period): victims", "cases (over a period)",
                            "percent of the table's total"]
    stock = panels["persons (stock)"]
    # 1,104 (UN DESA 2024, 1995) to 1,892,480 (World Bank 2013): more than a factor 1,000
    assert stock.get_yscale() == "log"
    assert panels["percent of registered migrants"].get_ylim() == (0.0, 100.0)
    rings = [line for line in stock.lines if line.get_gid() == "implausible"]
    assert len(rings) == 1
    assert list(rings[0].get_xdata()) == [1990, 1995]
    assert list(rings[0].get_ydata()) == [1106.0, 1104.0]
    styles = {line.get_label().split(",")[0]: line.get_linestyle() for line in stock.lines
              if line.get_gid() != "implausible"}
    assert styles["migrant stock (UN DESA)"] == "-"  # a series: joined
    assert styles["migrant stock (World Bank 2013)"] == "None"  # one estimate: a marker
    plain = corridor_profile_panels(mmr_tha, flag_implausible=False)
    assert not [line for ax in plain.axes for line in ax.lines if line.get_gid() == "implausible"]


_REASONS = ("zero(s)", "not published", "suppressed", "of unknown or uncertain year")


def _not_drawn(ax) -> dict:
    """The counts of the title's second line "not drawn: 1 not published; 2 of unknown ...",
    by reason."""
    lines = ax.get_title().split("\n")
    if len(lines) < 2:
        return {}
    assert lines[1].startswith("not drawn: "), lines[1]
    found = re.findall(r"(\d+) (" + "|".join(re.escape(r) for r in _REASONS) + ")", lines[1])
    return {reason: int(n) for n, reason in found}


@pytest.mark.parametrize("origin,destination", [("MMR", "THA"), ("KHM", "THA"), ("VNM", "MYS")])
def test_every_figure_is_drawn_or_counted_in_the_title(origin, destination):
    profile = corridor_profile(origin, destination)
    rows = _rows_drawn(profile)
    fig = corridor_profile_panels(profile)
    total_drawn = total_counted = 0
    counts = {reason: 0 for reason in _REASONS}
    for ax in _visible(fig):
        for reason, n in _not_drawn(ax).items():
            counts[reason] += n
            total_counted += n
        # a line's NaN entries are its breaks (a zero on a log axis, a missing year), no point
        drawn = sum(int(np.isfinite(np.asarray(line.get_ydata(), dtype=float)).sum())
                    for line in ax.lines if line.get_gid() != "implausible")
        total_drawn += drawn
    assert total_drawn + total_counted == len(rows)
    # the unpublished and the undated or uncertain ones, counted independently of the drawing
    missing = rows["value"].isna()
    assert counts["not published"] == int((missing & rows["flag"].ne("[c]")).sum())
    assert counts["suppressed"] == int((missing & rows["flag"].eq("[c]")).sum())
    undated = ~missing & (rows["year"].isna() | rows["period"].str.contains("?", regex=False))
    assert counts["of unknown or uncertain year"] == int(undated.sum())


def test_not_published_counted_apart_from_unknown_year_mmr_tha(mmr_tha):
    # Myanmar -> Thailand, victims panel, counted from the CSVs: UNIAP published Thailand 2012
    # (and any other year of MMR or THA) as N/A, a figure with a known year but no value; the
    # repatriations of Thailand -> Myanmar with no single year (cumulative counts) or an
    # uncertain date, and case tables of persons with no year or an uncertain one
    uniap = raw("uniap_identified_victims").query("country in ['MMR', 'THA']")
    not_published = int(uniap["victims"].isna().sum())
    assert uniap.loc[uniap["victims"].isna(), ["country", "year"]].values.tolist() == [
        ["THA", 2012]]
    rep = raw("gms_repatriations").query("from_iso3 == 'THA' and to_iso3 == 'MMR'")
    rep = rep[~rep["from_label"].str.lower().str.contains("deportee")
              & ~rep["note"].fillna("").str.lower().str.contains("pushed back")]
    one_year = rep["year_start"].notna() & (rep["year_start"] == rep["year_end"])
    undated = rep["count"].notna() & (~one_year | rep["period"].str.contains("?", regex=False))
    cases = raw("gms_trafficking_cases")
    cases = cases[(cases["unit"] == "persons") & (
        ((cases["reporting_country"] == "MMR") & (cases["dimension"] == "destination")
         & (cases["category_iso3"] == "THA"))
        | ((cases["reporting_country"] == "THA") & (cases["dimension"] == "nationality")
           & (cases["category_iso3"] == "MMR")))]
    not_published += int(cases["value"].isna().sum())
    undated_cases = cases["value"].notna() & (
        cases["year"].isna() | cases["period"].astype(str).str.contains("?", regex=False))
    unknown = int(undated.sum() + undated_cases.sum())
    assert (not_published, unknown) == (1, 2)  # the CSVs as shipped
    fig = corridor_profile_panels(mmr_tha)
    victims = next(ax for ax in _visible(fig)
                   if _first_line(ax) == "persons (flow over a period): victims")
    assert victims.get_title().split("\n")[1] == (
        f"not drawn: {not_published} not published; {unknown} of unknown or uncertain year")


def test_zeros_on_a_log_axis_are_counted_khm_tha(khm_tha):
    # Cambodia-born in Thailand: the stock panel spans more than a factor 1,000, so its zero
    # stocks (independently: the raw UN DESA, World Bank and UNHCR rows of value 0; UNHCR
    # publishes 0 refugees or asylum-seekers in a row that counts the other) are not drawn.
    undesa = raw("undesa_ims_bilateral").query("orig == 'KHM' and dest == 'THA' and "
                                               "sex == 'total'")
    wb = raw("worldbank_bilateral_2013").query("orig == 'KHM' and dest == 'THA'")
    unhcr = raw("unhcr_refugees_gms").query("orig == 'KHM' and asylum == 'THA'")
    unhcr_zeros = int((unhcr["refugees"] == 0).sum() + (unhcr["asylum_seekers"] == 0).sum())
    assert unhcr_zeros > 0
    zeros = int((undesa["stock"] == 0).sum() + (wb["migrants"] == 0).sum()) + unhcr_zeros
    fig = corridor_profile_panels(khm_tha)
    stock = next(ax for ax in _visible(fig) if _first_line(ax) == "persons (stock)")
    assert stock.get_yscale() == "log"
    assert stock.get_title().split("\n")[1] == f"not drawn: {zeros} zero(s) (no place on a log axis)"


def test_a_figure_in_two_families_gets_an_open_marker_khm_tha(khm_tha):
    # The Phnom Penh Post's 260 Cambodians returned from Thailand in 2017 are in the CSVs twice:
    # a repatriation (gms_repatriations) and a line of Cambodia's case table (gms_trafficking_cases)
    rep = raw("gms_repatriations").query("from_iso3 == 'THA' and to_iso3 == 'KHM' and "
                                         "year_start == 2017 and year_end == 2017")
    rep = rep[~rep["from_label"].str.contains("deportee")]  # victims, not deported migrants
    case = raw("gms_trafficking_cases").query("reporting_country == 'KHM' and "
                                              "dimension == 'destination' and "
                                              "category_iso3 == 'THA' and year == 2017")
    value = float(rep["count"].item())
    assert float(case["value"].item()) == value and rep["source"].item() == case["source"].item()
    fig = corridor_profile_panels(khm_tha)
    victims = next(ax for ax in _visible(fig)
                   if _first_line(ax) == "persons (flow over a period): victims")
    at = [line for line in victims.lines
          if (2017.0, value) in zip(map(float, line.get_xdata()), map(float, line.get_ydata()))]
    assert len(at) == 2
    first, second = at
    assert first.get_label().startswith("victims repatriated")
    assert first.get_markerfacecolor() != "none" and first.get_gid() is None
    assert second.get_label().startswith(case["table_id"].item())
    assert second.get_markerfacecolor() == "none" and second.get_gid() == "overlaps"
    assert second.get_markersize() > first.get_markersize()  # a ring around the dot


def test_an_edition_equal_to_the_one_before_is_drawn_open_and_dashed(mmr_tha):
    # UN DESA: the 2017 and 2019 editions give Myanmar-born in Thailand the same figure in
    # every year both publish (read from the CSV); the 2019 line would hide the 2017 one
    src = raw("undesa_ims_bilateral").query("orig == 'MMR' and dest == 'THA' and sex == 'total'")
    wide = src.pivot(index="year", columns="edition", values="stock")[[2017, 2019]].dropna()
    assert len(wide) >= 5 and (wide[2017] == wide[2019]).all()
    fig = corridor_profile_panels(mmr_tha)
    stock = next(ax for ax in _visible(fig) if _first_line(ax) == "persons (stock)")
    lines = {line.get_label().split(" (open")[0].replace("\n", " "): line
             for line in stock.lines}
    assert lines["migrant stock (UN DESA), 2017"].get_markerfacecolor() != "none"
    assert lines["migrant stock (UN DESA), 2017"].get_linestyle() == "-"
    assert lines["migrant stock (UN DESA), 2019"].get_markerfacecolor() == "none"
    assert lines["migrant stock (UN DESA), 2019"].get_linestyle() == "--"
    assert lines["migrant stock (UN DESA), 2024"].get_linestyle() == "-"  # its own figures


def test_no_yellow_thousands_separators_and_legends_below_the_panels(khm_tha):
    from matplotlib.colors import to_hex

    fig = corridor_profile_panels(khm_tha)
    fig.canvas.draw()
    colours = {to_hex(line.get_color()).lower() for ax in fig.axes for line in ax.lines}
    assert "#f0e442" not in colours  # Okabe-Ito yellow: hard to read on white
    points = next(ax for ax in _visible(fig) if _first_line(ax) == "persons (point, at a date)")
    assert points.get_yscale() == "linear"
    assert points.yaxis.get_offset_text().get_text() == ""  # no "1e5" above the axis
    labels = [t.get_text() for t in points.get_yticklabels() if t.get_text()]
    assert "400,000" in labels
    renderer = fig.canvas.get_renderer()
    for ax in _visible(fig):
        legend = ax.get_legend()
        if legend is not None:  # below the plotting area, never over the points
            assert legend.get_window_extent(renderer).y1 <= ax.get_window_extent(renderer).y0


def test_figure_size_follows_the_arguments(khm_tha):
    fig = corridor_profile_panels(khm_tha, ncols=4, width=10.0, panel_height=2.0)
    n = len(_visible(fig))
    rows = int(np.ceil(n / 4))
    assert len(fig.axes) == 4 * rows
    assert tuple(fig.get_size_inches()) == (10.0, 2.0 * rows)


def test_a_profile_without_figures_gets_one_panel_saying_so():
    empty = corridor_profile("MMR", "THA", tables={t: None for t in MEASURE_FAMILIES.values()})
    fig = corridor_profile_panels(empty)
    panels = _visible(fig)
    assert len(panels) == 1 and panels[0].get_title() == "no figure on this corridor"
    assert not panels[0].lines


def test_bad_input(mmr_tha):
    with pytest.raises(InputError, match="CorridorProfile"):
        corridor_profile_panels(mmr_tha.to_frame())
    with pytest.raises(InputError, match="ncols"):
        corridor_profile_panels(mmr_tha, ncols=0)
    with pytest.raises(InputError, match="width"):
        corridor_profile_panels(mmr_tha, width=-1.0)


def test_series_families_are_profile_families():
    assert _SERIES_FAMILIES <= set(MEASURE_FAMILIES)


# ----------------------------------------------------------------- recruitment_ratio_histogram
# (notebook 07's figure; in this file because it was moved in the same change)

from mixedmig.plotting import recruitment_ratio_histogram  # noqa: E402
from mixedmig.stats import recruitment_cost_indicator  # noqa: E402

# MADE-UP illustrative survey (not data): six workers, one who paid nothing, one with no
# earnings (dropped as invalid), one of weight 0 (represents nobody).
COSTS = np.array([100.0, 300.0, 300.0, 0.0, 50.0, 200.0])
EARNINGS = np.array([200.0, 300.0, 600.0, 400.0, 0.0, 100.0])
WEIGHTS = np.array([1.0, 2.0, 1.0, 3.0, 1.0, 0.0])


def _bars(ax):
    return [p for p in ax.patches if p.get_gid() is None]


def test_histogram_bars_hold_the_ratios_the_indicator_used():
    result = recruitment_cost_indicator(COSTS, EARNINGS, WEIGHTS, invalid="drop")
    ax = recruitment_ratio_histogram(COSTS, EARNINGS, result, weights=WEIGHTS,
                                     bins=[0, 0.25, 0.75, 1.25])
    # ratios kept: 0.5 (w 1), 1.0 (w 2), 0.5 (w 1), 0 (w 3); 50/0 and the weight-0 row are out
    assert [p.get_height() for p in _bars(ax)] == [3.0, 2.0, 2.0]
    assert ax.get_ylabel() == "persons represented (sum of weights)"
    # the weighted mean of the bars' ratios is the indicator: (0*3 + 0.5*2 + 1*2) / 7
    assert result.estimate == pytest.approx(3 / 7)
    indicator = next(line for line in ax.lines if line.get_gid() == "indicator")
    assert list(indicator.get_xdata()) == [result.estimate] * 2
    rom = next(line for line in ax.lines if line.get_gid() == "ratio-of-means")
    assert rom.get_xdata()[0] == pytest.approx((100 + 600 + 300 + 0) / (200 + 600 + 600 + 1200))
    band = next(p for p in ax.patches if p.get_gid() == "interval")
    xs = band.get_x(), band.get_x() + band.get_width()
    assert xs == pytest.approx((result.lower, result.upper))
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [f"mean of ratios (indicator) {result.estimate:.3f}",
                      f"ratio of means {result.ratio_of_means:.3f}", "95% CI of the indicator"]


def test_histogram_leaves_out_zero_costs_when_the_indicator_excluded_them():
    costs, earnings = COSTS[[0, 1, 2, 3]], EARNINGS[[0, 1, 2, 3]]
    result = recruitment_cost_indicator(costs, earnings, zero_costs="exclude")
    ax = recruitment_ratio_histogram(costs, earnings, result, bins=[0, 0.25, 0.75, 1.25])
    assert [p.get_height() for p in _bars(ax)] == [0.0, 2.0, 1.0]
    assert ax.get_ylabel() == "workers"


def test_histogram_refuses_data_the_result_was_not_computed_from():
    result = recruitment_cost_indicator(COSTS, EARNINGS, WEIGHTS, invalid="drop")
    with pytest.raises(InputError, match="indicator used 4"):
        recruitment_ratio_histogram(COSTS, EARNINGS, result)  # weights left out: 5 workers
    with pytest.raises(InputError, match="same length"):
        recruitment_ratio_histogram(COSTS[:3], EARNINGS, result, weights=WEIGHTS)
    with pytest.raises(InputError, match="RecruitmentCostResult"):
        recruitment_ratio_histogram(COSTS, EARNINGS, result.to_frame())


# ----------------------------------------------------------- lines never bridge a gap or a zero

def _segments(line):
    """The (x0, x1) of every segment a line draws: consecutive points both finite."""
    x = np.asarray(line.get_xdata(), dtype=float)
    y = np.asarray(line.get_ydata(), dtype=float)
    ok = np.isfinite(y)
    return [(x[i], x[i + 1]) for i in range(len(x) - 1) if ok[i] and ok[i + 1]]


def test_myanmar_bangladesh_asylum_seekers_line_breaks_at_the_zero_years():
    # UNHCR, Myanmar -> Bangladesh, read from the CSV: asylum-seekers 9 in 2014 and 5 in 2022,
    # published 0 in 2015-2021; on the log axis of the stock panel no segment joins 2014 and
    # 2022, and the zeros are counted in the title
    src = raw("unhcr_refugees_gms").query("orig == 'MMR' and asylum == 'BGD'")
    asylum = src.set_index("year")["asylum_seekers"]
    assert asylum[2014] > 0 and asylum[2022] > 0 and (asylum.loc[2015:2021] == 0).all()
    fig = corridor_profile_panels(corridor_profile("MMR", "BGD"))
    stock = next(ax for ax in _visible(fig) if _first_line(ax) == "persons (stock)")
    assert stock.get_yscale() == "log"
    line = next(line for line in stock.lines if line.get_label().startswith("asylum-seekers"))
    drawn = {int(x): y for x, y in zip(line.get_xdata(), line.get_ydata()) if np.isfinite(y)}
    assert drawn == {int(y): float(v) for y, v in asylum.items() if v > 0}
    for x0, x1 in _segments(line):
        assert x1 - x0 == 1, f"the asylum-seekers line bridges {x0:.0f} -> {x1:.0f}"


@pytest.mark.parametrize("origin,destination", [("MMR", "BGD"), ("MMR", "THA"), ("KHM", "THA")])
def test_annual_series_lines_join_consecutive_years_only(origin, destination):
    # UNHCR and UNIAP publish every year: a segment joins two consecutive years, never across a
    # year without a drawn figure (a zero on a log axis, or a year absent from the table)
    fig = corridor_profile_panels(corridor_profile(origin, destination))
    annual = ("refugees (UNHCR)", "asylum-seekers (UNHCR)", "identified victims reported")
    checked = 0
    for ax in _visible(fig):
        for line in ax.lines:
            if line.get_label().startswith(annual) and line.get_linestyle() == "-":
                checked += 1
                assert all(x1 - x0 == 1 for x0, x1 in _segments(line)), line.get_label()
    assert checked >= 2
