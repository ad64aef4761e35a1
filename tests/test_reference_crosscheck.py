"""The curated tables of data/raw: figures cross-checked against their sources.

* Reference-derived tables (UN DESA, World Bank, CEPII, WPP, WDI, Maddison, UNHCR) are compared,
  figure by figure and key by key, with the extracts in ``../shared/reference`` (the folder
  beside the repository, ``$MIXEDMIG_REFERENCE_DIR`` or ``$MIXEDMIG_SHARED``); these tests
  are skipped when the extracts are not there.
* Published-figure tables (UNIAP, COMMIT, repatriations, case tables, STEAM) are checked
  against the printed figures and the arithmetic of their published totals.
* Every manifest's sha256 matches its CSV, and ``tools/curate_reference.py`` rebuilds data/raw
  byte for byte, twice.
"""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest

from mixedmig import data

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "tools" / "curate_reference.py"
GMS = ("KHM", "CHN", "LAO", "MMR", "THA", "VNM")
PUBLISHED_TABLES = ("uniap_identified_victims", "uniap_identified_victims_totals",
                    "commit_referrals", "gms_repatriations", "gms_trafficking_cases",
                    "steam_cohort")


def _reference_dir() -> Path:
    if os.environ.get("MIXEDMIG_REFERENCE_DIR"):
        return Path(os.environ["MIXEDMIG_REFERENCE_DIR"])
    if os.environ.get("MIXEDMIG_SHARED"):
        shared = Path(os.environ["MIXEDMIG_SHARED"])
        return shared / "reference" if (shared / "reference").is_dir() else shared
    return Path(__file__).resolve().parents[2] / "shared" / "reference"


REFERENCE = _reference_dir()


def reference(filename: str, **kwargs) -> pd.DataFrame:
    """A reference extract as text (every cell a string, '' = missing)."""
    path = REFERENCE / filename
    if not path.is_file():
        pytest.skip(f"reference extract {path} not available")
    return pd.read_csv(path, dtype=str, keep_default_na=False, **kwargs)


def dec(text: str) -> Decimal | None:
    text = text.strip()
    return None if text in ("", ".", "..") else Decimal(text)


def same(curated, published_text: str) -> bool:
    """A typed value from load() equals the published text (both missing, or numerically equal)."""
    expected = dec(published_text)
    if curated is None or curated is pd.NA or (isinstance(curated, float) and pd.isna(curated)):
        return expected is None
    if expected is None:
        return False
    return Decimal(repr(float(curated))) == expected if isinstance(curated, float) else (
        Decimal(int(curated)) == expected)


def assert_figures_equal(curated: pd.DataFrame, extract: pd.DataFrame, key_map: dict,
                         value_map: dict) -> None:
    """Every curated row has one extract row with the same key and the same figures."""
    extract = extract.rename(columns={v: k for k, v in key_map.items()})
    lookup = extract.set_index(list(key_map))
    assert not lookup.index.duplicated().any()
    mismatches = []
    for row in curated.itertuples(index=False):
        row = row._asdict()
        key = tuple(str(row[k]) for k in key_map)
        source_row = lookup.loc[key]
        for ours, theirs in value_map.items():
            if not same(row[ours], source_row[theirs]):
                mismatches.append((key, ours, row[ours], source_row[theirs]))
    assert mismatches == []


# =================================================================== manifests and the script


def test_every_manifest_records_the_sha256_of_its_csv():
    names = data.dataset_names()
    assert set(PUBLISHED_TABLES) <= set(names)
    for name in names:
        manifest = data.manifest(name)
        assert data.sha256_file(manifest.csv_path) == manifest.sha256, name
        assert len(data.load(name)) > 0  # hash and schema validation pass


def test_published_rows_cite_a_manifest_source_and_url():
    for name in PUBLISHED_TABLES:
        table = data.load(name)
        ids = {s["id"] for s in table.attrs["manifest"]["sources"]}
        urls = {s["url"] for s in table.attrs["manifest"]["sources"]}
        assert table["source"].notna().all() and table["url"].notna().all(), name
        assert set(table["source"]) == ids, name  # every row cites one; every source is used
        assert table["url"].str.match(r"^https?://\S+$").all(), name
        # the page a figure was read from is the source's page, or the note names it
        assert set(table["url"]) <= urls, name
        assert table["reliability"].isin(["read", "computed", "secondary", "uncertain"]).all()


def _run_script(out: Path, *extra: str) -> None:
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out), *extra], check=True,
                   capture_output=True, text=True)


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_curation_script_is_deterministic_and_reproduces_data_raw(tmp_path):
    extra = () if REFERENCE.is_dir() else ("--published-only",)
    first, second = tmp_path / "first", tmp_path / "second"
    _run_script(first, "--reference", str(REFERENCE), *extra)
    _run_script(second, "--reference", str(REFERENCE), *extra)
    assert _tree(first) == _tree(second)
    raw = data.data_dir()
    for name, content in _tree(first).items():
        assert (raw / name).read_bytes() == content, f"data/raw/{name} differs from a rebuild"


def test_haversine_of_the_script_on_a_hand_computed_case():
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import curate_reference
    finally:
        sys.path.remove(str(SCRIPT.parent))
    # one degree of longitude on the equator: R * pi / 180 = 6371.0088 * 0.0174532925 km
    assert curate_reference.haversine_km(0, 0, 0, 1) == pytest.approx(111.19508, abs=1e-5)
    # pole to pole: half a great circle, R * pi
    assert curate_reference.haversine_km(90, 0, -90, 0) == pytest.approx(20015.114, abs=1e-3)


# =================================================================== UN DESA


def test_undesa_bilateral_matches_the_extract_figure_by_figure():
    extract = reference("undesa_ims_bilateral_asia.csv")
    curated = data.load("undesa_ims_bilateral")
    long = []
    for sex in ("total", "male", "female"):
        part = extract[extract[f"stock_{sex}"] != ""][
            ["edition", "year", "orig_iso3", "dest_iso3", f"stock_{sex}"]]
        long.append(part.rename(columns={f"stock_{sex}": "stock"}).assign(sex=sex))
    long = pd.concat(long, ignore_index=True)
    keys = ["edition", "year", "sex", "orig", "dest"]
    ours = {tuple(map(str, k)) for k in curated[keys].itertuples(index=False)}
    theirs = set(zip(long["edition"], long["year"], long["sex"], long["orig_iso3"],
                     long["dest_iso3"]))
    assert ours == theirs  # nothing added, nothing dropped
    assert_figures_equal(curated, long,
                         {"edition": "edition", "year": "year", "sex": "sex",
                          "orig": "orig_iso3", "dest": "dest_iso3"},
                         {"stock": "stock"})


def test_undesa_bilateral_editions_and_the_myanmar_thailand_1990_figure():
    stocks = data.load("undesa_ims_bilateral")
    mmr_tha_1990 = stocks.query("orig == 'MMR' and dest == 'THA' and year == 1990 "
                                "and sex == 'total'").set_index("edition")["stock"]
    # UN DESA, Myanmar-born in Thailand, 1990, as re-estimated by each edition
    assert mmr_tha_1990.to_dict() == {2017: 229504, 2019: 229504, 2024: 1106}
    for edition in (2017, 2019):
        part = stocks[stocks["edition"] == edition]
        assert set(part["sex"]) == {"total"}
        # complete grid of 14 economies (no TWN) for each of 7 years
        assert len(part) == 7 * 14 * 13
        assert "TWN" not in set(part["orig"]) | set(part["dest"])
    e2024 = stocks[stocks["edition"] == 2024].pivot_table(
        index=["year", "orig", "dest"], columns="sex", values="stock", aggfunc="first")
    assert (e2024["male"] + e2024["female"] == e2024["total"]).all()
    assert "TWN" in set(stocks.loc[stocks["edition"] == 2024, "orig"])


def test_undesa_totals_match_the_extract():
    extract = reference("undesa_ims_totals_asia.csv")
    curated = data.load("undesa_ims_totals")
    assert len(curated) == len(extract)
    assert_figures_equal(
        curated, extract, {"edition": "edition", "year": "year", "country": "iso3"},
        {"migrant_stock": "migrant_stock", "migrant_stock_male": "migrant_stock_male",
         "migrant_stock_female": "migrant_stock_female",
         "refugees": "refugees_incl_asylum_seekers",
         "population_thousands": "population_thousands",
         "migrant_pct": "migrant_pct_of_population"})
    by_key = extract.set_index(["edition", "year", "iso3"])["type_of_data"]
    for row in curated.itertuples(index=False):
        assert (row.type_of_data or "") == by_key[(str(row.edition), str(row.year), row.country)]


def test_undesa_totals_invariants():
    totals = data.load("undesa_ims_totals")
    both = totals.dropna(subset=["migrant_stock_male", "migrant_stock_female"])
    assert len(both) == 2 * 98  # 2019 and 2020 editions, 14 economies x 7 years
    assert (both["migrant_stock_male"] + both["migrant_stock_female"]
            == both["migrant_stock"]).all()
    # migrant_pct = 100 * stock / (1000 * population_thousands), printed to 3 decimals
    pct = 100 * both["migrant_stock"].astype(float) / (1000 * both["population_thousands"])
    assert ((pct - both["migrant_pct"]).abs() <= 0.0005 + 1e-9).all()
    tha = totals.query("country == 'THA' and year == 1990").set_index("edition")
    assert tha["migrant_stock"].to_dict() == {2017: 528693, 2019: 528693, 2020: 528693}


# =================================================================== World Bank, CEPII


def test_worldbank_matrix_matches_the_extract_and_keeps_world_totals_apart():
    extract = reference("worldbank_bilateral_migration_2013_asia.csv")
    pairs = data.load("worldbank_bilateral_2013")
    totals = data.load("worldbank_bilateral_2013_totals")
    country_pairs = extract[(extract["orig_iso3"] != "WLD") & (extract["dest_iso3"] != "WLD")]
    assert len(pairs) == len(country_pairs) == 14 * 13
    assert_figures_equal(pairs, country_pairs,
                         {"year": "year", "orig": "orig_iso3", "dest": "dest_iso3"},
                         {"migrants": "migrants"})
    world = extract.set_index(["orig_iso3", "dest_iso3"])["migrants"]
    for row in totals.itertuples(index=False):
        assert row.immigrants_world == int(world[("WLD", row.country)])
        assert row.emigrants_world == int(world[(row.country, "WLD")])
    assert "TWN" not in set(pairs["orig"]) | set(pairs["dest"]) | set(totals["country"])
    # a part cannot exceed the whole: immigrants from the other 13 <= immigrants from the world
    inflow = pairs.groupby("dest")["migrants"].sum()
    assert (inflow <= totals.set_index("country")["immigrants_world"]).all()
    assert pairs.query("orig == 'MMR' and dest == 'THA'")["migrants"].item() == 1892480


def test_cepii_matches_the_extract_and_capital_distances_agree():
    extract = reference("cepii_geodist_dist_asia.csv")
    geo = data.load("cepii_geodist")
    assert len(geo) == len(extract) == 225
    assert_figures_equal(
        geo, extract, {"orig": "iso_o", "dest": "iso_d"},
        {c: c for c in ("contig", "comlang_off", "comlang_ethno", "colony", "dist", "distcap",
                        "distw", "distwces")} | {"dist_capitals_km": "dist_capitals_haversine_km"})
    pairs = geo.set_index(["orig", "dest"])
    # symmetric; self-pairs have no capital distance
    for (o, d), row in pairs.iterrows():
        assert row["contig"] == pairs.loc[(d, o), "contig"]
        if o == d:
            assert pd.isna(row["dist_capitals_km"])
        else:
            assert row["dist_capitals_km"] == pairs.loc[(d, o), "dist_capitals_km"]
    # Naypyidaw-Bangkok vs CEPII's Rangoon-Bangkok (Mayer & Zignago 2011 use Rangoon)
    assert pairs.loc[("MMR", "THA"), "distcap"] == pytest.approx(575.9035)
    assert pairs.loc[("MMR", "THA"), "dist_capitals_km"] == pytest.approx(814.3)


def test_cepii_capital_distance_recomputed_from_the_capitals_extract():
    import math

    capitals = reference("capitals_asia.csv").set_index("iso3")
    geo = data.load("cepii_geodist").dropna(subset=["dist_capitals_km"])
    for row in geo.itertuples(index=False):
        a, b = capitals.loc[row.orig], capitals.loc[row.dest]
        p1, p2 = math.radians(float(a["capital_lat"])), math.radians(float(b["capital_lat"]))
        dl = math.radians(float(b["capital_lon"]) - float(a["capital_lon"]))
        # spherical law of cosines, an independent formula for the same great-circle distance
        km = 6371.0088 * math.acos(min(1.0, math.sin(p1) * math.sin(p2)
                                       + math.cos(p1) * math.cos(p2) * math.cos(dl)))
        assert abs(km - row.dist_capitals_km) <= 0.05 + 1e-6


# =================================================================== population, GDP, UNHCR


def test_wpp_population_matches_the_extract():
    extract = reference("wpp2024_population_asia.csv")
    pop = data.load("wpp2024_population")
    assert len(pop) == len(extract) == 15 * 8
    assert_figures_equal(pop, extract, {"year": "year", "country": "iso3"},
                         {"pop_total": "pop_total", "pop_male": "pop_male",
                          "pop_female": "pop_female"})
    assert (pop["pop_male"] + pop["pop_female"] == pop["pop_total"]).all()


def test_wdi_and_maddison_match_the_extract():
    extract = reference("wdi_population_gdppc_asia.csv")
    wdi = data.load("wdi_gdppc")
    maddison = data.load("maddison_gdppc")
    with_wdi = extract[extract["population_wb"] != ""]
    assert len(wdi) == len(with_wdi) == 14 * 31
    assert_figures_equal(wdi, with_wdi, {"year": "year", "country": "iso3"},
                         {"population": "population_wb",
                          "gdppc_ppp_2017": "gdppc_ppp_const2017_intl"})
    with_maddison = extract[extract["gdppc_maddison2020_2011intl"] != ""]
    assert len(maddison) == len(with_maddison) == 15 * 29
    assert_figures_equal(maddison, with_maddison, {"year": "year", "country": "iso3"},
                         {"gdppc_2011": "gdppc_maddison2020_2011intl"})
    assert "TWN" not in set(wdi["country"]) and "TWN" in set(maddison["country"])
    khm = wdi[wdi["country"] == "KHM"].set_index("year")["gdppc_ppp_2017"]
    assert khm.loc[1990:1992].isna().all() and khm.loc[1993:].notna().all()


def test_unhcr_table_is_exactly_the_gms_rows_of_the_extract():
    extract = reference("unhcr_population_asia.csv")
    gms_rows = extract[extract["coo_iso"].isin(GMS) | extract["coa_iso"].isin(GMS)]
    curated = data.load("unhcr_refugees_gms")
    assert len(curated) == len(gms_rows)
    counts = ("refugees", "asylum_seekers", "returned_refugees", "idps", "returned_idps",
              "stateless", "ooc")
    assert_figures_equal(curated, gms_rows,
                         {"year": "year", "orig": "coo_iso", "asylum": "coa_iso"},
                         {c: c for c in counts})
    # the two UNHCR columns left out carry nothing in these rows
    assert set(gms_rows["hst"]) == {"0"} and set(gms_rows["oip"]) == {""}
    assert (curated["orig"].isin(GMS) | curated["asylum"].isin(GMS)).all()
    assert {"XXA", "UNK"} <= set(curated["orig"])  # stateless, unknown origin
    row = curated.query("year == 2024 and orig == 'MMR' and asylum == 'THA'")
    assert row["refugees"].item() == 81005


# =================================================================== UNIAP


def test_uniap_rows_add_up_to_the_published_totals():
    victims = data.load("uniap_identified_victims")
    totals = data.load("uniap_identified_victims_totals")
    row_totals = totals[totals["total_of"] == "country"].set_index("country")["victims"]
    column_totals = totals[totals["total_of"] == "year"].set_index("year")["victims"]
    grand = totals.loc[totals["total_of"] == "all", "victims"].item()
    assert len(victims) == 30 and len(row_totals) == 6 and len(column_totals) == 5
    read = victims[victims["reliability"] == "read"]
    # N/A cells count as 0 in the printed totals; the inferred cell is left out here
    read_by_country = read.groupby("country")["victims"].sum()
    read_by_year = read.groupby("year")["victims"].sum()
    for country, total in row_totals.items():
        gap = total - read_by_country[country]
        assert gap == (442 if country == "KHM" else 0), country
    for year, total in column_totals.items():
        gap = total - read_by_year[year]
        assert gap == (442 if year == 2012 else 0), year
    # with the inferred cell every row and column adds up; totals agree with each other
    assert (victims.groupby("country")["victims"].sum() == row_totals).all()
    assert (victims.groupby("year")["victims"].sum() == column_totals).all()
    assert row_totals.sum() == column_totals.sum() == grand == 92877


def test_uniap_inferred_and_missing_cells():
    victims = data.load("uniap_identified_victims").set_index(["country", "year"])
    khm = victims.loc[("KHM", 2012)]
    assert khm["victims"] == 442 and khm["reliability"] == "computed"
    assert "3,119 - 2,677" in khm["note"] and "31,533 - 31,091" in khm["note"]
    assert victims.loc[("CHN", 2008), "victims"] is pd.NA
    assert victims.loc[("THA", 2012), "victims"] is pd.NA
    assert (victims["reliability"] == "computed").sum() == 1
    assert victims.loc[("VNM", 2009), "victims"] == 869


# =================================================================== COMMIT


def test_commit_referral_figures():
    commit = data.load("commit_referrals").set_index(["year", "measure"])
    value = commit["value"]
    assert value[(2015, "persons_referred_supported")] == 2911
    assert value[(2015, "pct_change_on_previous_year")] == 16
    assert value[(2017, "persons_referred_supported")] == 1817
    assert value[(2017, "persons_referred_cso_government")] == 813
    # cross-sector share 2017: 813 / 1817 = 0.44744 -> 44.7%
    assert round(813 / 1817, 3) == 0.447
    derived = commit.loc[(2014, "persons_referred_supported")]
    assert derived["reliability"] == "computed" and "NOT published" in derived["note"]
    # 2,911 / 2,509 - 1 = 16.02% rounds to the published +16%
    assert round(100 * (2911 / derived["value"] - 1)) == 16


def test_commit_2014_referrals_are_rounded_once_from_the_published_figures():
    # Published: 2,911 in 2015, +16% on 2014. The 2014 count is 2,911 / 1.16 rounded once:
    # 2,509.4827... -> 2,509 (rounding first to 2,509.5 and then to 2,510 rounds twice).
    quotient = Decimal(2911) / Decimal("1.16")
    assert Decimal("2509.48") < quotient < Decimal("2509.49")
    expected = int(quotient.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert expected == 2509
    commit = data.load("commit_referrals").set_index(["year", "measure"])
    derived = commit.loc[(2014, "persons_referred_supported")]
    assert derived["value"] == expected
    assert "2,911 / 1.16 = 2,509.48" in derived["note"] and "2,509.5" not in derived["note"]
    assert "rounded once to 2,509" in derived["note"]
    # the range the rounded +16% allows: every N with round(100 * (2911 / N - 1)) == 16
    allowed = [n for n in range(2400, 2600) if round(100 * (2911 / n - 1)) == 16]
    assert (allowed[0], allowed[-1]) == (2499, 2520)
    assert f"from {allowed[0]:,} to {allowed[-1]:,}" in derived["note"]
    assert set(commit.loc[commit["reliability"] == "read"].index.get_level_values("year")) \
        == {2015, 2017}


# =================================================================== repatriations


def test_repatriations_columns_figures_and_totals():
    from mixedmig.referral import REPATRIATION_COLUMNS

    rep = data.load("gms_repatriations")
    assert tuple(rep.columns) == REPATRIATION_COLUMNS

    def count(from_label, to_label, period):
        match = rep[(rep["from_label"] == from_label) & (rep["to_label"] == to_label)
                    & (rep["period"] == period)]
        return match["count"].item()

    cum = "cumulative to 2008"
    assert count("Thailand", "Myanmar", cum) == 344
    assert count("China", "Myanmar", cum) == 272
    assert count("Malaysia", "Myanmar", cum) == 45
    parts = rep[(rep["period"] == cum) & ~rep["from_label"].str.startswith("All ")]
    assert parts["count"].sum() == count("All returning countries (total)", "Myanmar", cum) == 686
    remainder = parts[parts["reliability"] == "computed"]
    assert remainder["count"].item() == 25 and remainder["from_iso3"].isna().all()
    c2012 = rep[(rep["period"] == "~2012") & rep["from_iso3"].notna()]
    assert c2012["count"].sum() == 226 and (c2012["reliability"] == "uncertain").all()
    assert count("All neighbours", "Myanmar", "2009") == 425
    fishing = rep[rep["from_label"].str.startswith("Thai fishing boats")].iloc[0]
    assert fishing["count"] == 1000 and fishing["count_qualifier"] == "more_than"
    assert pd.isna(fishing["from_iso3"])


def test_repatriations_mfa_rescues_and_deportees():
    rep = data.load("gms_repatriations")
    mfa = rep[(rep["to_iso3"] == "KHM") & (rep["period"] == "2017")
              & ~rep["from_label"].str.contains("deportees")]
    listed = mfa[mfa["from_iso3"].notna()]
    assert len(listed) == 10 and listed["count"].sum() == 752  # the gap of the source
    stated = mfa[mfa["from_iso3"].isna()]
    assert stated["count"].item() == 757 and "752" in stated["note"].item()
    by_country = listed.set_index("from_iso3")["count"]
    assert by_country[["MYS", "THA", "CHN", "LAO", "IDN", "VNM"]].tolist() == \
        [351, 260, 50, 33, 18, 17]
    deportees = rep[rep["from_label"].str.contains("deportees")]
    assert deportees["count"].tolist() == [55000, 70500, 70225]
    assert deportees["note"].str.contains("NOT identified as trafficking victims").all()
    assert (deportees["count_qualifier"] == "approx").all()


def test_repatriation_table_feeds_the_return_network():
    from mixedmig import referral

    rep = data.load("gms_repatriations")
    network = referral.return_network(rep, period="~2012")
    # six returning countries -> Myanmar, ~2012 (World Vision factsheet): 226 persons
    assert network.edges["count"].sum() == 226
    assert set(network.edges["dest"]) == {"MMR"}
    assert len(network.edges) == 6


# =================================================================== case tables


def _case_values(cases, table_id, period, dimension):
    part = cases[(cases["table_id"] == table_id) & (cases["period"] == period)
                 & (cases["dimension"] == dimension)]
    return part.set_index("category")["value"]


@pytest.mark.parametrize(
    "table_id, period, dimensions, total",
    [
        ("MMR-cases-2016", "2016", ("destination", "form"), 131),
        ("MMR-victims-2016", "2016", ("sex",), 307),
        ("MMR-victims-2014", "Jan-Sep 2014", ("destination", "form"), 85),
        ("MMR-cases-c2012", "~2012", ("form",), 119),
        ("KHM-police-rescues", "2017", ("age",), 345),
        ("THA-identified-victims", "2021", ("sex", "nationality", "form"), 414),
        ("THA-shelter-assisted", "2016", ("form",), 561),
        ("VNM-identified-victims", "2020", ("sex",), 121),
        ("VNM-identified-victims", "2021", ("sex", "form"), 126),
        ("VNM-identified-victims", "2022", ("sex", "form"), 255),
        ("LAO-identified-victims", "2020", ("form",), 142),
        ("LAO-identified-victims", "2021", ("sex_age",), 110),
    ],
)
def test_case_table_splits_add_up_to_the_published_total(table_id, period, dimensions, total):
    cases = data.load("gms_trafficking_cases")
    assert _case_values(cases, table_id, period, "total").item() == total
    for dimension in dimensions:
        assert _case_values(cases, table_id, period, dimension).sum() == total, dimension


def test_case_tables_keep_the_published_inconsistencies():
    cases = data.load("gms_trafficking_cases")
    mfa = _case_values(cases, "KHM-mfa-rescues-abroad-2017", "2017", "destination")
    assert len(mfa) == 10 and mfa.sum() == 752
    assert _case_values(cases, "KHM-mfa-rescues-abroad-2017", "2017", "total").item() == 757
    nationality = _case_values(cases, "THA-shelter-assisted", "2016", "nationality")
    assert nationality.sum() == 567  # 207 + 360, while the report states 561
    shares = _case_values(cases, "THA-shelter-caseload-c2012", "~2012", "nationality")
    assert shares.sum() == pytest.approx(99.7)
    myanmar_2016 = _case_values(cases, "MMR-cases-2016", "2016", "destination")
    assert myanmar_2016[["China", "within Myanmar", "Thailand", "Malaysia"]].tolist() == \
        [88, 28, 9, 6]
    china = cases[cases["table_id"] == "CHN-identified-victims"]
    assert china["value"].isna().all() and china["value_qualifier"].isna().all()
    burma_2022 = _case_values(cases, "MMR-identified-victims", "2022", "total")
    assert burma_2022.item() == 0


# =================================================================== STEAM


def _round_half_up(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def test_steam_published_marginals():
    steam = data.load("steam_cohort").set_index(["indicator", "subgroup"])
    violence = steam.loc[("physical and/or sexual violence", "reached work destination")]
    assert (violence["n"], violence["N"], violence["published_pct"]) == (481, 1015, 48)
    sexual = steam.loc[("sexual violence", "women and girls")]
    assert (sexual["n"], sexual["N"], sexual["published_pct"]) == (198, 566, 35)
    assert steam.loc[("interviewed", "all"), "n"] == 1102
    assert steam.loc[("reached work destination", "interviewed"), ["n", "N"]].tolist() == \
        [1015, 1102]
    mental = steam.loc[[("depression symptoms", "participants"),
                        ("anxiety symptoms", "participants"),
                        ("PTSD symptoms", "participants")]]
    assert mental["n"].isna().all() and mental["N"].isna().all()
    assert mental["published_pct"].tolist() == [61.2, 42.8, 38.9]
    assert mental["published_ci_lower"].tolist() == [58.2, 39.8, 36.0]
    assert mental["published_ci_upper"].tolist() == [64.2, 45.9, 42.0]
    assert (mental["pct_decimals"] == 1).all()
    assert steam.loc[("participants", "children 10-17"), "n"] == 387


def test_steam_printed_percentages_against_n_over_N():
    steam = data.load("steam_cohort")
    both = steam.dropna(subset=["n", "N", "published_pct"])
    disagree = set()
    for row in both.itertuples(index=False):
        computed = _round_half_up(Decimal(100 * int(row.n)) / Decimal(int(row.N)),
                                  int(row.pct_decimals))
        if computed != Decimal(repr(row.published_pct)):
            disagree.add(row.indicator)
    assert len(both) == 10
    # 481/1015 = 47.4% printed 48%; 222/983 = 22.6% printed 22% (as in the article)
    assert disagree == {"physical and/or sexual violence", "serious injury at work"}
    for indicator in disagree:
        assert "rounds to" in steam.loc[steam["indicator"] == indicator, "note"].item()
