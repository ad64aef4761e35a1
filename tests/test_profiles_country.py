"""Country profiles: values checked against the curated CSV files read independently here
(pandas.read_csv, not mixedmig.data.load), published totals, and invariants (issue 11, section 4).

Thailand has every source; Singapore lacks the UNIAP series and has UNHCR rows only with GMS
partners; Taiwan is the sparse case (no UN DESA destination total, no UNHCR, no case data).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from mixedmig.errors import InputError, UnknownCountryError
from mixedmig.profiles import CountryProfile, country_profile

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def _csv(name):
    return pd.read_csv(RAW / f"{name}.csv", keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def tha():
    return country_profile("THA")


def test_thailand_immigrant_totals_match_the_csv(tha):
    raw = _csv("undesa_ims_totals").query("country == 'THA'")
    assert isinstance(tha, CountryProfile) and tha.iso3 == "THA" and tha.name == "Thailand"
    for row in raw.itertuples():
        got = tha.immigrant_totals.query("edition == @row.edition and year == @row.year")
        assert got.query("sex == 'total'")["migrant_stock"].tolist() == [row.migrant_stock]
        if pd.notna(row.migrant_stock_female):
            assert got.query("sex == 'female'")["migrant_stock"].tolist() == [
                row.migrant_stock_female]
            assert got.query("sex == 'male'")["migrant_stock"].tolist() == [row.migrant_stock_male]
    assert len(tha.immigrant_totals.query("sex == 'total'")) == len(raw)


def test_thailand_bilateral_sums_and_top_corridors(tha):
    raw = _csv("undesa_ims_bilateral").query("edition == 2024 and year == 2024 and sex == 'total'")
    into = raw[(raw.dest == "THA") & (raw.orig != "THA")]
    out = raw[(raw.orig == "THA") & (raw.dest != "THA")]
    got = tha.bilateral_stocks.query("edition == 2024 and year == 2024 and sex == 'total'")
    assert got.set_index("direction")["stock"].to_dict() == {
        "immigrants": into.stock.sum(), "emigrants": out.stock.sum()}
    top_in = tha.top_corridors.query("direction == 'immigrants'")
    expected = into.sort_values("stock", ascending=False).head(10)
    assert top_in["origin"].tolist() == expected["orig"].tolist()
    assert top_in["stock"].tolist() == expected["stock"].tolist()
    assert top_in["origin"].iloc[0] == "MMR"
    assert top_in["share"].iloc[0] == pytest.approx(expected.stock.iloc[0] / into.stock.sum())
    assert tha.edition == 2024 and set(tha.top_corridors["year"]) == {2024}


def test_2024_sexes_add_up(tha):
    wide = tha.bilateral_stocks.query("edition == 2024").pivot_table(
        index=["direction", "year"], columns="sex", values="stock", aggfunc="sum")
    assert (wide["male"] + wide["female"]).tolist() == wide["total"].tolist()


def test_thailand_refugees_match_the_csv(tha):
    raw = _csv("unhcr_refugees_gms")
    for year in (1980, 2000, 2024):
        hosted = raw[(raw.asylum == "THA") & (raw.orig != "THA") & (raw.year == year)]
        abroad = raw[(raw.orig == "THA") & (raw.asylum != "THA") & (raw.year == year)]
        got = tha.refugees.query("year == @year").set_index("direction")
        assert got.loc["hosted", "refugees"] == hosted.refugees.sum()
        assert got.loc["hosted", "asylum_seekers"] == hosted.asylum_seekers.sum()
        if abroad[["refugees", "asylum_seekers"]].to_numpy().sum():
            assert got.loc["abroad", "refugees"] == abroad.refugees.sum()


def test_thailand_victims_add_up_to_the_published_row_total(tha):
    published = _csv("uniap_identified_victims_totals").query(
        "total_of == 'country' and country == 'THA'")["victims"].item()
    assert published == 1838  # UNIAP (2013), row total 2008-2012 as published
    assert tha.identified_victims["victims"].sum() == published
    assert tha.identified_victims["year"].tolist() == [2008, 2009, 2010, 2011, 2012]
    assert tha.identified_victims["victims"].isna().tolist() == [False] * 4 + [True]


def test_thailand_case_and_return_rows(tha):
    cases = _csv("gms_trafficking_cases")
    expected = cases[(cases.reporting_country == "THA") | (cases.category_iso3 == "THA")]
    assert len(tha.trafficking_cases) == len(expected) > 0
    returns = _csv("gms_repatriations")
    assert len(tha.repatriations) == len(
        returns[(returns.from_iso3 == "THA") | (returns.to_iso3 == "THA")]) > 0
    assert tha.empty_sources() == []


def test_singapore_lacks_the_uniap_series_and_flags_unhcr_coverage():
    sgp = country_profile("Singapore", edition=2019, top=3)
    assert sgp.iso3 == "SGP" and sgp.edition == 2019
    assert "uniap_identified_victims" in sgp.empty_sources()
    caveat = sgp.sources.set_index("table").loc["unhcr_refugees_gms", "caveat"]
    assert "Only pairs with a GMS country" in caveat
    raw = _csv("undesa_ims_bilateral").query(
        "edition == 2019 and year == 2019 and sex == 'total' and dest == 'SGP' and orig != 'SGP'")
    top = sgp.top_corridors.query("direction == 'immigrants'")
    assert len(top) == 3
    assert top["stock"].tolist() == raw.stock.nlargest(3).tolist()
    total = _csv("undesa_ims_totals").query("country == 'SGP' and edition == 2020 and year == 2020")
    got = sgp.immigrant_totals.query("edition == 2020 and year == 2020 and sex == 'total'")
    assert got["migrant_stock"].item() == total.migrant_stock.item()
    assert got["migrant_pct"].item() == pytest.approx(total.migrant_pct.item())


def test_taiwan_is_sparse_and_says_so():
    twn = country_profile("TWN")
    assert twn.immigrant_totals.empty and twn.refugees.empty and twn.identified_victims.empty
    assert list(twn.immigrant_totals.columns) == ["edition", "year", "sex", "migrant_stock",
                                                  "refugees", "population_thousands",
                                                  "migrant_pct"]
    for table in ("undesa_ims_totals", "unhcr_refugees_gms", "uniap_identified_victims",
                  "gms_trafficking_cases", "gms_repatriations"):
        assert table in twn.empty_sources()
    assert "undesa_ims_bilateral" not in twn.empty_sources()
    raw = _csv("undesa_ims_bilateral").query("dest == 'TWN' and orig != 'TWN' and stock > 0")
    assert sorted(twn.bilateral_stocks.query("direction == 'immigrants'")["edition"].unique()) \
        == sorted(raw.edition.unique())


@pytest.mark.parametrize("code", ["THA", "SGP", "TWN", "BGD", "KHM"])
def test_corridor_invariants(code):
    p = country_profile(code, top=5)
    for _, part in p.top_corridors.groupby("direction"):
        assert part["rank"].tolist() == list(range(1, len(part) + 1))
        assert part["stock"].is_monotonic_decreasing and (part["stock"] > 0).all()
        assert 0 < part["share"].sum() <= 1 + 1e-12
    assert (p.top_corridors.query("direction == 'immigrants'")["destination"] == code).all()
    assert (p.top_corridors.query("direction == 'emigrants'")["origin"] == code).all()
    assert set(p.sources["table"]) >= {"undesa_ims_totals", "undesa_ims_bilateral",
                                       "unhcr_refugees_gms", "uniap_identified_victims",
                                       "gms_trafficking_cases", "gms_repatriations"}


def test_bad_arguments():
    with pytest.raises(UnknownCountryError):
        country_profile("Atlantis")
    with pytest.raises(InputError, match="edition 2018 is not in undesa_ims_bilateral"):
        country_profile("THA", edition=2018)
    with pytest.raises(InputError, match="top must be a positive integer"):
        country_profile("THA", top=0)


def test_cli_profile_writes_notebook_and_html(tmp_path):
    cmd = [sys.executable, "-m", "mixedmig.cli", "profile", "TWN", "--output", str(tmp_path)]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=600)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "profile-TWN.html").is_file()
    nb = nbformat.read(tmp_path / "profile-TWN.ipynb", as_version=4)
    text = "".join(o.get("data", {}).get("text/markdown", "") for c in nb.cells
                   for o in c.get("outputs", []))
    assert "# Taiwan (TWN)" in text
    assert "No UN DESA destination total is published for Taiwan" in text
    assert not any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))
    assert sorted(p.name for p in (tmp_path / "figures").glob("*.png"))  # beside the profile
    bad = subprocess.run([sys.executable, "-m", "mixedmig.cli", "profile", "XYZ", "--output",
                          str(tmp_path)], capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and "unknown country 'XYZ'" in bad.stderr


# --- review findings (brief F1) -------------------------------------------------------------

def _manifest_publishers(name):
    """id -> publisher, read from the manifest YAML directly (not through mixedmig.data)."""
    import yaml

    with open(RAW / f"{name}.yml", encoding="utf-8") as fh:
        sources = yaml.safe_load(fh)["sources"]
    return {str(s["id"]): s["publisher"] for s in sources}


def test_refugees_outside_the_gms_are_not_called_totals():
    mys = country_profile("MYS")
    raw = _csv("unhcr_refugees_gms")
    hosted = raw[(raw.asylum == "MYS") & (raw.orig != "MYS") & (raw.year == 2024)]
    assert hosted.refugees.sum() == 128478  # the reviewer's figure: GMS origins only
    row = mys.refugees.query("year == 2024 and direction == 'hosted'").iloc[0]
    assert row["refugees"] == 128478 and row["coverage"] == "GMS countries only"
    assert set(hosted.orig) <= set(("KHM", "CHN", "LAO", "MMR", "THA", "VNM"))
    assert row["partners"] == hosted.loc[hosted.refugees + hosted.asylum_seekers > 0,
                                         "orig"].nunique()
    assert set(country_profile("THA").refugees["coverage"]) == {"all countries"}
    caveat = mys.sources.set_index("table").loc["unhcr_refugees_gms", "caveat"]
    assert "not the country's totals" in caveat


def test_each_row_is_credited_to_its_own_publisher():
    khm = country_profile("KHM")
    sources = khm.sources.set_index("table")
    for table, own in (("gms_trafficking_cases", ["reporting_country", "category_iso3"]),
                       ("gms_repatriations", ["from_iso3", "to_iso3"])):
        raw = _csv(table)
        rows = raw[(raw[own[0]] == "KHM") | (raw[own[1]] == "KHM")]
        publishers = _manifest_publishers(table)
        expected = {publishers[s] for s in rows["source"]}
        got = set(sources.loc[table, "publisher"].split("; "))
        assert got == expected
        assert "The Phnom Penh Post" in got
        counts = dict(part.rsplit(": ", 1) for part in sources.loc[table, "cited"].split("; "))
        assert {k: int(v) for k, v in counts.items()} == rows["source"].value_counts().to_dict()
    assert "Burma News International" not in sources.loc["gms_trafficking_cases", "publisher"]
    assert "BenarNews" not in sources.loc["gms_repatriations", "publisher"]
    # a table with no row about the country credits nobody
    assert country_profile("TWN").sources.set_index("table").loc[
        "gms_trafficking_cases", ["publisher", "cited"]].tolist() == ["", ""]


def test_cambodia_stateless_idps_and_returns():
    khm = country_profile("KHM")
    got = khm.displacement.query("year == 2025").set_index("measure")["persons"].to_dict()
    # UNHCR 2025 rows of the curated CSV: XXA -> KHM stateless, KHM -> KHM IDPs
    assert got == {"stateless": 75000, "idps": 517555, "returned_idps": 131608}
    raw = _csv("unhcr_refugees_gms")
    returned = raw[(raw.orig == "KHM") & (raw.asylum != "KHM")].groupby("year")[
        "returned_refugees"].sum()
    returned = returned[returned > 0]
    mine = khm.displacement.query("measure == 'returned_refugees'").set_index("year")["persons"]
    assert mine.to_dict() == returned.to_dict() and len(mine) > 0
    assert returned.loc[1980] == 19940 + 175000  # returned from LAO and from THA in 1980
    units = khm.displacement.drop_duplicates("measure").set_index("measure")["unit"]
    assert units["stateless"] == units["idps"] == "persons, stock at end of year"
    assert units["returned_idps"] == "persons, returned during the year"
    # the refugee sums leave the stateless row (origin XXA) out
    hosted = khm.refugees.query("year == 2025 and direction == 'hosted'").iloc[0]
    assert (hosted["refugees"], hosted["asylum_seekers"], hosted["partners"]) == (23, 5, 2)


def test_cambodia_edition_revision_is_in_the_emigrants_and_flagged():
    khm = country_profile("KHM")
    em = khm.bilateral_stocks.query("direction == 'emigrants' and sex == 'total' and year == 2015")
    assert em.set_index("edition")["stock"].to_dict() == {2017: 716452, 2019: 717715,
                                                         2024: 382493}
    im = khm.bilateral_stocks.query("direction == 'immigrants' and sex == 'total' "
                                    "and year == 2015")
    assert im["stock"].nunique() == 1  # immigrants identical in the three editions
    # hand check of the rule edition_revision on the CSV: max/min > 10 with max >= 1000
    raw = _csv("undesa_ims_bilateral").query(
        "sex == 'total' and orig != dest and (orig == 'KHM' or dest == 'KHM')")
    wide = raw.pivot_table(index=["orig", "dest", "year"], columns="edition", values="stock")
    hi, lo = wide.max(axis=1), wide.min(axis=1)
    expected = set(wide.index[(hi >= 1000) & ((lo == 0) | (hi / lo.where(lo > 0) > 10))])
    flags = khm.stock_flags.query("rule == 'edition_revision' and sex == 'total'")
    assert set(zip(flags.orig, flags.dest, flags.year)) == expected
    assert ("KHM", "THA", 1990) in expected  # 73,756 (2017) against 0 (2024)
    tha = khm.top_corridors.query("destination == 'THA'")["flags"].item()
    assert tha.startswith("edition_revision (1990, 1995)")


def test_outside_the_study_economies_says_what_is_shipped():
    from mixedmig.profiles.country import shipped_coverage

    assert shipped_coverage("KHM") == "" and shipped_coverage("Taiwan") == ""
    note = shipped_coverage("NPL")
    assert "cover the 15 study economies only" in note and "mixedmig fetch" in note
    assert "mixedmig import" in note
    npl = country_profile("NPL")
    assert not npl.study_economy and npl.immigrant_totals.empty
    assert note in npl.sources.set_index("table").loc["undesa_ims_totals", "caveat"]


def test_cli_profile_outside_the_study_economies(tmp_path):
    cmd = [sys.executable, "-m", "mixedmig.cli", "profile", "NPL", "--output", str(tmp_path)]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "warning: The shipped UN DESA extracts" in result.stderr
    nb = nbformat.read(tmp_path / "profile-NPL.ipynb", as_version=4)
    text = "".join(o.get("data", {}).get("text/markdown", "") for c in nb.cells
                   for o in c.get("outputs", []))
    assert "No UN DESA destination total is published" not in text
    assert "cover the 15 study economies only" in text
    raw = _csv("unhcr_refugees_gms").query("year == 2025 and asylum == 'NPL'")
    assert (raw.refugees.sum(), raw.asylum_seekers.sum()) == (444, 53)
    assert ("hosted **444** refugees and **53** asylum-seekers from 1 GMS country of origin "
            "only") in text
    assert "This is not Nepal's total" in text and "1 countries" not in text


def test_cli_profile_alias_says_what_to_type(tmp_path):
    bad = subprocess.run([sys.executable, "-m", "mixedmig.cli", "profile", "Cambodge",
                          "--output", str(tmp_path)], capture_output=True, text=True,
                         check=False, timeout=120)
    assert bad.returncode == 2
    assert "unknown country 'Cambodge'" in bad.stderr
    assert "mixedmig profile KHM" in bad.stderr and "aliases=" not in bad.stderr


# ------------------------------------------------------------ a researcher's own tables (tables=)

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "unhcr_population_asia.csv"
needs_reference = pytest.mark.skipif(not REFERENCE.exists(),
                                     reason="shared/reference extract not in this checkout")


def _bangladesh_rows():
    """UNHCR's rows with Bangladesh as origin or asylum (the shared reference extract, read
    with pandas): real figures, including the stateless persons in Bangladesh (origin XXA)."""
    ref = pd.read_csv(REFERENCE, keep_default_na=False, na_values=[""])
    return ref.query("coo_iso == 'BGD' or coa_iso == 'BGD'").reset_index(drop=True)


@needs_reference
@pytest.mark.parametrize("as_path", [True, False], ids=["csv-path", "dataframe"])
def test_a_users_unhcr_table_gives_the_profiles_figures(as_path, tmp_path):
    rows = _bangladesh_rows()
    tidy = rows.rename(columns={"coo_iso": "orig", "coa_iso": "asylum"}).drop(
        columns=["coo_name", "coo", "coa_name", "coa", "oip", "hst"])
    if as_path:
        given = tmp_path / "unhcr_bgd.csv"
        tidy.to_csv(given, index=False)
    else:
        given = tidy
    p = country_profile("BGD", tables={"unhcr_refugees_gms": given})
    # stateless persons in Bangladesh, summed here over every origin (XXA in this table)
    want = rows[rows["coa_iso"] == "BGD"].groupby("year")["stateless"].sum()
    want = want[want > 0]
    got = p.displacement.query("measure == 'stateless'").set_index("year")["persons"]
    assert got.to_dict() == {int(y): int(v) for y, v in want.items()}
    assert got[2017] >= 932_204  # XXA -> BGD alone: 932,204 at the end of 2017
    # the shipped GMS table has none: only the user's table holds them
    assert country_profile("BGD").displacement.query("measure == 'stateless'").empty
    # refugees hosted, every origin but Bangladesh itself
    hosted = rows[(rows["coa_iso"] == "BGD") & (rows["coo_iso"] != "BGD")]
    hosted = hosted[(hosted["refugees"] > 0) | (hosted["asylum_seekers"] > 0)]
    want_ref = hosted.groupby("year")["refugees"].sum()
    got_ref = p.refugees.query("direction == 'hosted'").set_index("year")["refugees"]
    assert got_ref.to_dict() == {int(y): int(v) for y, v in want_ref.items()}
    assert set(p.refugees["coverage"]) == {"as in the table given"}
    # the profile says the table is the user's, and gives the shipped table's mid-year note
    # to nobody
    src = p.sources.set_index("table").loc["unhcr_refugees_gms"]
    shown = str(given) if as_path else "a DataFrame"
    assert bool(src["user_supplied"]) and src["input"] == shown
    assert src["caveat"].startswith(f"Your table ({shown}), read in place of unhcr_refugees_gms")
    assert src["publisher"] == "" and "UNHCR, the UN Refugee Agency" not in src["caveat"]
    assert p.mid_year_last == {}
    assert not p.sources.drop(index=p.sources.index[p.sources["table"] == "unhcr_refugees_gms"]
                              )["user_supplied"].any()
    assert country_profile("BGD").mid_year_last == {"unhcr_refugees_gms": 2025}


def test_tables_leave_out_and_refuse_unknown_keys():
    p = country_profile("THA", tables={"uniap_identified_victims": None})
    assert p.identified_victims.empty
    src = p.sources.set_index("table").loc["uniap_identified_victims"]
    assert src["input"] == "left out" and src["rows"] == 0
    assert src["caveat"].startswith("Left out")
    # the default names are the curated tables, cited with their manifests
    named = country_profile("THA", tables={"unhcr_refugees_gms": "unhcr_refugees_gms"})
    assert not named.sources["user_supplied"].any()
    with pytest.raises(InputError, match="unknown key"):
        country_profile("THA", tables={"refugees": "unhcr_refugees_gms"})
    with pytest.raises(InputError, match="must be a dict"):
        country_profile("THA", tables=["unhcr_refugees_gms"])


# --- review findings 15-16 --------------------------------------------------------------------

def test_thailand_not_victims_include_the_pushed_back_row(tha):
    returns = _csv("gms_repatriations")
    pushed = returns[(returns.from_iso3 == "THA") & (returns.period == "H1 2020")]
    assert len(pushed) == 1 and "pushed back" in pushed.note.item()  # the row in data/raw
    assert "NOT identified" not in pushed.note.item()  # missed by the old case-sensitive filter
    deportees = returns[returns.from_label.str.contains("deportees") & (returns.from_iso3 == "THA")]
    got = tha.migrants_not_victims()
    assert sorted(got["count"].tolist()) == sorted(
        pushed["count"].tolist() + deportees["count"].tolist()) == [1000, 55000, 70225, 70500]
    assert "H1 2020" in got["period"].tolist()
    assert list(got.columns) == list(tha.repatriations.columns)
    assert country_profile("TWN").migrants_not_victims().empty


@pytest.mark.parametrize("origin,destination", [("KHM", "THA"), ("MMR", "THA"), ("MMR", "CHN")])
def test_not_victims_is_the_corridor_profiles_rule(origin, destination):
    """One rule: the rows the country profile calls migrants are those the corridor profile
    (notebook 08) files as 'migrants deported or pushed back', corridor by corridor."""
    from mixedmig.profiles import corridor_profile

    measures = corridor_profile(origin, destination).to_frame()
    returns = measures[measures["family"] == "repatriations and returns"]
    assert len(returns) > 0
    corridor_migrants = sorted(returns.loc[returns["measure"].str.startswith("migrants"),
                                           "value"].astype(int))
    country = country_profile(origin).migrants_not_victims()
    mine = country[(country.from_iso3 == destination) & (country.to_iso3 == origin)]
    assert sorted(mine["count"].astype(int)) == corridor_migrants


def test_mid_year_caveat_only_for_the_shipped_unhcr_table(tha, tmp_path):
    caveat = tha.sources.set_index("table").loc["unhcr_refugees_gms", "caveat"]
    assert tha.mid_year_last == {"unhcr_refugees_gms": 2025}
    assert "The last year (2025) may be a mid-year figure" in caveat
    own = _csv("unhcr_refugees_gms").query("year <= 2024")
    mine = country_profile("THA", tables={"unhcr_refugees_gms": own})
    assert mine.mid_year_last == {}
    assert "mid-year" not in mine.sources.set_index("table").loc["unhcr_refugees_gms", "caveat"]


def test_profile_notebook_prose_names_no_figure_from_the_data():
    """Review finding 18: the markdown cells state no year, edition or count (they go stale
    when TOTALS/STOCKS name a user's table); the solutions compute their edition and year."""
    import re

    nb = nbformat.read(Path(__file__).resolve().parents[1] / "notebooks" / "profile.ipynb",
                       as_version=4)
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert not re.findall(r"\b(?:19|20)\d\d\b", prose)  # no year or edition
    for stale in ("15 study", "six GMS", "the only bilateral edition", "2024 totals"):
        assert stale not in prose
    solutions = "\n".join(c.source for c in nb.cells if "solution" in c.metadata.get("tags", []))
    assert not re.findall(r"\b(?:19|20)\d\d\b", solutions)
