"""Tests of mixedmig.data.importing and the new readers (WDI, WPP) on files written by the tests.

Every count and value below is a MADE-UP TEST VALUE (or generated with numpy from a fixed
seed); country names and codes are real (ISO 3166 / UN M49, from pycountry). Nothing here is a
published figure.

Tests that keep countries outside the 15 study economies (India, Namibia, the full matrix)
need the full country registry of ``mixedmig.countries``; tests that save an import need
``mixedmig.data.save_imported`` and ``data.load`` of imported names.
"""

from __future__ import annotations

import gzip
import io
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pycountry
import pytest

from mixedmig import data, flows, indices, networks
from mixedmig.data import readers
from mixedmig.data.importing import IMPORT_SOURCES, import_official, read_official
from mixedmig.errors import DataError, InputError, SchemaError

UNDESA_2024_YEARS = (1990, 1995, 2000, 2005, 2010, 2015, 2020, 2024)
UNDESA_HEADER = ["Index", "Region, development group, country or area of destination",
                 "Coverage", "Data type", "Location code of destination",
                 "Region, development group, country or area of origin",
                 "Location code of origin"]


def write_undesa_2024(path: Path, rows, years=UNDESA_2024_YEARS, edition=2024) -> Path:
    """A workbook in the official 2024 destination x origin layout (title block, sex labels on
    row 10, header on row 11, data from row 12). ``rows``: (dest name, dest code, orig name,
    orig code, totals by year, males by year); females = totals - males."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Table of contents")
    sheet.append(["International Migrant Stock (made-up test file)"])
    sheet = book.create_sheet("Table 1")
    sheet.append([None, None, None, None, f"International Migrant Stock {edition} "
                  "(MADE-UP TEST VALUES)"])
    for _ in range(8):
        sheet.append([])
    n = len(years)
    sex_row = [None] * (7 + 3 * n)
    sex_row[7], sex_row[7 + n], sex_row[7 + 2 * n] = "Both sexes", "Male", "Female"
    sheet.append(sex_row)
    sheet.append(UNDESA_HEADER + list(years) * 3)
    for k, (dname, dcode, oname, ocode, total, male) in enumerate(rows, start=1):
        female = [t - m if isinstance(t, int) and isinstance(m, int) else ".."
                  for t, m in zip(total, male)]
        sheet.append([k, dname, None, "B", dcode, oname, ocode, *total, *male, *female])
    book.save(path)
    return path


def _country(code: int):
    return pycountry.countries.get(numeric=f"{code:03d}")


# --------------------------------------------------------------------------- WDI reader

WDI_BULK = (
    '"Data Source","World Development Indicators",\n'
    "\n"
    '"Last Updated Date","2022-02-15",\n'
    "\n"
    '"Country Name","Country Code","Indicator Name","Indicator Code","2019","2020",\n'
    '"Thailand","THA","Population, total","SP.POP.TOTL","100","101",\n'        # made-up
    '"Lao PDR","LAO","Population, total","SP.POP.TOTL","","7.5",\n'           # made-up
    '"East Asia & Pacific","EAS","Population, total","SP.POP.TOTL","500","501",\n'
    '"World","WLD","Population, total","SP.POP.TOTL","900","",\n'
)

WDI_DATABANK = (
    "Series Name,Series Code,Country Name,Country Code,2019 [YR2019],2020 [YR2020]\n"
    "GDP per capita (current US$),NY.GDP.PCAP.CD,Thailand,THA,7800.5,..\n"      # made-up
    "GDP per capita (current US$),NY.GDP.PCAP.CD,Viet Nam,VNM,3000,3100.25\n"   # made-up
    "\"Population, total\",SP.POP.TOTL,Thailand,THA,100,101\n"                    # made-up
    "\"Population, total\",SP.POP.TOTL,Viet Nam,VNM,..,..\n"
    ",,,,,\n"
    ",,,,,\n"
    "Data from database: World Development Indicators,,,,,\n"
    "Last Updated: 04/08/2026,,,,,\n"
)


def test_wdi_bulk_layout(tmp_path):
    path = tmp_path / "API_SP.POP.TOTL_DS2_en_csv_v2_3686014.csv"
    path.write_text(WDI_BULK, encoding="utf-8-sig")
    table = readers.read_wdi(path)
    assert list(table.columns) == ["country", "year", "sp_pop_totl"]
    assert table.to_dict("records") == [
        {"country": "LAO", "year": 2020, "sp_pop_totl": 7.5},
        {"country": "THA", "year": 2019, "sp_pop_totl": 100.0},
        {"country": "THA", "year": 2020, "sp_pop_totl": 101.0},
    ]
    official = read_official("wdi", path)
    assert official.kind == "country_covariates"
    assert set(official.dropped["code"]) == {"EAS", "WLD"}


def test_wdi_databank_layout_with_footer_and_dots(tmp_path):
    path = tmp_path / "Data_Extract_From_World_Development_Indicators.csv"
    path.write_text(WDI_DATABANK, encoding="utf-8")
    table = readers.read_wdi(path)
    assert list(table.columns) == ["country", "year", "ny_gdp_pcap_cd", "sp_pop_totl"]
    tha = table[table["country"] == "THA"].set_index("year")
    assert tha.loc[2019, "ny_gdp_pcap_cd"] == 7800.5
    assert pd.isna(tha.loc[2020, "ny_gdp_pcap_cd"])
    assert tha.loc[2020, "sp_pop_totl"] == 101.0
    vnm = table[table["country"] == "VNM"].set_index("year")
    assert vnm.loc[2020, "ny_gdp_pcap_cd"] == 3100.25
    assert vnm["sp_pop_totl"].isna().all()


def test_wdi_bad_value_is_located(tmp_path):
    path = tmp_path / "wdi.csv"
    path.write_text(WDI_BULK.replace('"7.5"', '"7,5 thousand"'))
    with pytest.raises(DataError) as info:
        readers.read_wdi(path)
    assert info.value.row == 7 and info.value.column == "2020"
    assert "not a number" in str(info.value)


def test_wdi_duplicate_row_is_refused(tmp_path):
    path = tmp_path / "wdi.csv"
    line = '"Thailand","THA","Population, total","SP.POP.TOTL","100","101",\n'
    path.write_text(WDI_BULK + line)
    with pytest.raises(DataError, match="also on line 6"):
        readers.read_wdi(path)


def test_wdi_not_a_wdi_file(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(SchemaError, match="no header row of a WDI table"):
        readers.read_wdi(path)


def test_wdi_zip_import_reads_the_api_member(tmp_path):
    archive = tmp_path / "wdi_SP.POP.TOTL.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("Metadata_Indicator_API_SP.POP.TOTL_DS2_en_csv_v2_1.csv", "x\n")
        z.writestr("API_SP.POP.TOTL_DS2_en_csv_v2_1.csv", WDI_BULK)
    table = read_official("wdi", archive)
    assert table.frame["sp_pop_totl"].sum() == 208.5


# --------------------------------------------------------------------------- WPP reader

WPP_HEADER = ("SortOrder,LocID,Notes,ISO3_code,ISO2_code,SDMX_code,LocTypeID,LocTypeName,"
              "ParentID,Location,VarID,Variant,Time,MidPeriod,PopMale,PopFemale,PopTotal,"
              "PopDensity\n")
WPP_ROWS = (  # made-up test values (thousands)
    "1,900,,,,1,1,World,0,World,2,Medium,2020,2020.5,10.0,10.0,20.0,1\n"
    "2,764,,THA,TH,764,4,Country/Area,920,Thailand,2,Medium,2020,2020.5,1.2345,1.3,2.5345,1\n"
    "3,764,,THA,TH,764,4,Country/Area,920,Thailand,2,Medium,2021,2021.5,1.0,1.0,2.0,1\n"
    "4,764,,THA,TH,764,4,Country/Area,920,Thailand,3,High,2021,2021.5,9.0,9.0,18.0,1\n"
)


def test_wpp_gzip_layout_units_and_variant(tmp_path):
    path = tmp_path / "WPP2024_TotalPopulationBySex.csv.gz"
    path.write_bytes(gzip.compress(("\ufeff" + WPP_HEADER + WPP_ROWS).encode("utf-8")))
    table = readers.read_wpp_population(path)
    # thousands x 1000, half up: 1.2345 -> 1235, 1.3 -> 1300, 2.5345 -> 2535 (by hand)
    assert table.to_dict("records") == [
        {"country": "THA", "year": 2020, "pop_total": 2535, "pop_male": 1235,
         "pop_female": 1300},
        {"country": "THA", "year": 2021, "pop_total": 2000, "pop_male": 1000,
         "pop_female": 1000},
    ]
    high = readers.read_wpp_population(path, variant="High")
    assert high["pop_total"].tolist() == [18000]
    with pytest.raises(DataError, match="no row has Variant 'Low'.*High"):
        readers.read_wpp_population(path, variant="Low")
    official = read_official("wpp", path)
    assert official.kind == "population" and official.edition == "2024"
    assert official.dropped.to_dict("records") == [  # the World row of the Medium variant
        {"code": "World", "name": "World", "reason": "aggregate", "rows": 1}]


def test_wpp_by_age_group_is_summed(tmp_path):
    text = ("Location,ISO3_code,Variant,Time,AgeGrp,PopMale,PopFemale,PopTotal\n"
            "Thailand,THA,Medium,2020,0-4,1.5,1.5,3.0\n"      # made-up
            "Thailand,THA,Medium,2020,5-9,0.25,0.75,1.0\n")   # made-up
    path = tmp_path / "WPP2024_PopulationByAge5GroupSex_Medium.csv"
    path.write_text(text)
    table = readers.read_wpp_population(path)
    assert table[["pop_total", "pop_male", "pop_female"]].iloc[0].tolist() == [4000, 1750, 2250]


def test_wpp_negative_and_duplicate(tmp_path):
    path = tmp_path / "wpp.csv"
    path.write_text(WPP_HEADER + WPP_ROWS.replace("1.0,1.0,2.0", "1.0,-1.0,2.0"))
    with pytest.raises(DataError, match="negative population") as info:
        readers.read_wpp_population(path)
    assert info.value.row == 4 and info.value.column == "PopFemale"
    path.write_text(WPP_HEADER + WPP_ROWS + WPP_ROWS.splitlines(keepends=True)[1])
    with pytest.raises(DataError, match="THA 2020 is also on line 3"):
        readers.read_wpp_population(path)


# --------------------------------------------------------------------------- UN DESA, all countries


def test_undesa_keep_all_drops_aggregates_and_keeps_every_country(tmp_path):
    years = UNDESA_2024_YEARS
    rows = [  # made-up test values
        ("WORLD", 900, "India", 356, [50] * 8, [20] * 8),
        ("Thailand*", 764, "India", 356, [30] * 8, [10] * 8),
        ("Thailand*", 764, "Myanmar", 104, [40] * 8, [25] * 8),
        ("Thailand*", 764, "Other countries", 2003, [5] * 8, [2] * 8),
        ("Namibia", 516, "South Africa", 710, [7] * 8, [3] * 8),
        ("ASIA", 935, "Myanmar", 104, [99] * 8, [50] * 8),
    ]
    path = write_undesa_2024(tmp_path / "undesa_pd_2024_ims_stock_by_sex_destination_and_"
                             "origin.xlsx", rows, years)
    study = readers.read_undesa_bilateral_workbook(path, 2024)
    assert set(zip(study["orig"], study["dest"])) == {("MMR", "THA")}
    table = read_official("undesa_ims_bilateral", path)  # edition from the file name
    assert table.edition == "2024" and table.kind == "bilateral_stocks"
    frame = table.frame
    assert set(zip(frame["orig"], frame["dest"])) == {("IND", "THA"), ("MMR", "THA"),
                                                      ("ZAF", "NAM")}
    assert len(frame) == 3 * 8 * 3
    pair = frame[(frame["orig"] == "IND") & (frame["year"] == 2024)].set_index("sex")["stock"]
    assert pair.to_dict() == {"female": 20, "male": 10, "total": 30}
    assert set(table.dropped["reason"]) == {"aggregate"}
    assert set(table.dropped["code"]) == {"900", "935", "2003"}
    assert (frame["source"] == "UN DESA International Migrant Stock 2024").all()


def test_undesa_edition_must_be_told_or_in_the_name(tmp_path):
    path = write_undesa_2024(tmp_path / "stocks.xlsx",
                             [("Thailand", 764, "Myanmar", 104, [1] * 8, [1] * 8)])
    with pytest.raises(InputError, match="--edition"):
        read_official("undesa_ims_bilateral", path)
    with pytest.raises(DataError, match="pass edition=2024"):
        read_official("undesa_ims_bilateral", path, edition=2020)
    assert len(read_official("undesa_ims_bilateral", path, edition=2024).frame) == 24


def test_unknown_source_and_missing_file(tmp_path):
    with pytest.raises(InputError, match="unknown source"):
        read_official("undesa", tmp_path / "x.xlsx")
    with pytest.raises(DataError, match="file not found.*mixedmig fetch wpp"):
        read_official("wpp", tmp_path / "missing.csv")
    assert IMPORT_SOURCES["wpp"] == "population"


# --------------------------------------------------------------------------- World Bank, UNHCR

WB_MATRIX = (  # made-up test values
    "Bilateral Estimates of Migrant Stocks in 2013\n"
    "Destination country (across) - Source country (down),India,Namibia,Thailand,Other North,"
    "World\n"
    "India,0,5,10,1,16\n"
    "Namibia,2,0,0,0,2\n"
    "Thailand,3,0,0,0,3\n"
    "Other North,1,1,1,0,3\n"
    "World,6,6,11,1,24\n"
)


def test_worldbank_import_keeps_all_countries(tmp_path):
    path = tmp_path / "bilateralmigrationmatrix20130.csv"
    path.write_text(WB_MATRIX)
    table = read_official("worldbank_bilateral", path)
    frame = table.frame
    assert table.edition == "2013"
    got = {(o, d): int(s) for o, d, s in zip(frame["orig"], frame["dest"], frame["stock"])}
    assert got == {("IND", "NAM"): 5, ("IND", "THA"): 10, ("NAM", "IND"): 2,
                   ("NAM", "THA"): 0, ("THA", "IND"): 3, ("THA", "NAM"): 0}
    assert set(frame["sex"]) == {"total"} and set(frame["year"]) == {2013}


UNHCR_EXPORT = (  # made-up test values, 2022-2024 preamble layout (shortened)
    "Extracted: made-up test file\n"
    "\n"
    "Year,Country of origin,Country of origin (ISO),Country of asylum,Country of asylum (ISO),"
    "Refugees under UNHCR's mandate,Asylum-seekers\n"
    "2022,Myanmar,MMR,Bangladesh,BGD,900,3\n"
    "2022,Myanmar,MMR,India,IND,80,-\n"
    "2022,Unknown,UNK,Thailand,THA,4,1\n"
    "2022,Myanmar,MMR,Unknown ,,7,-\n"
)


def test_unhcr_zip_import_as_bilateral_refugee_stocks(tmp_path):
    archive = tmp_path / "unhcr_population_1951_2023.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("footnotes.csv", "none\n")
        z.writestr("population.csv", UNHCR_EXPORT)
    table = read_official("unhcr_refugees", archive)  # refugees only, as migrant stocks
    frame = table.frame
    assert table.kind == "bilateral_stocks"
    got = {(o, d): int(s) for o, d, s in zip(frame["orig"], frame["dest"], frame["stock"])}
    assert got == {("MMR", "BGD"): 900, ("MMR", "IND"): 80}
    assert table.dropped[["code", "name", "reason", "rows"]].values.tolist() == [
        ["UNK", "Unknown", "aggregate", 1], ["", "Unknown", "blank ISO3", 1]]
    # every population type of the same archive: the unknown origin (UNK) is kept
    table = read_official("unhcr_population", archive)
    assert table.kind == "displacement_stocks"
    got = {(o, a): (r, s) for o, a, r, s in table.frame[
        ["orig", "asylum", "refugees", "asylum_seekers"]].itertuples(index=False)}
    assert got == {("MMR", "BGD"): (900, 3), ("MMR", "IND"): (80, pd.NA),
                   ("UNK", "THA"): (4, 1)}
    assert table.dropped[["code", "name", "reason", "rows"]].values.tolist() == [
        ["", "Unknown", "blank ISO3", 1]]
    # the reader itself refuses a blank ISO3 unless told to keep it
    path = tmp_path / "population.csv"
    path.write_text(UNHCR_EXPORT)
    with pytest.raises(SchemaError, match="asylum ISO3 cell is blank") as info:
        readers.read_unhcr_population(path)
    assert info.value.row == 7


def test_zip_without_the_expected_member(tmp_path):
    archive = tmp_path / "x.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("readme.txt", "made-up")
    with pytest.raises(DataError, match="expected exactly one file"):
        read_official("unhcr_population", archive)


# --------------------------------------------------------------------------- saving an import


def test_import_official_saves_and_loads(tmp_path, monkeypatch):
    monkeypatch.setenv("MIXEDMIG_IMPORTS", str(tmp_path / "imports"))
    path = tmp_path / "API_SP.POP.TOTL_DS2_en_csv_v2_1.csv"
    path.write_text(WDI_BULK)
    imported = import_official("wdi", path)
    assert imported.name == "wdi_sp_pop_totl"
    assert imported.rows == 3 and imported.countries == 2
    assert 'data.load("wdi_sp_pop_totl")' in imported.summary()
    loaded = data.load("wdi_sp_pop_totl")
    assert loaded["sp_pop_totl"].sum() == 208.5
    manifest = imported.path.with_suffix(".yml").read_text()
    assert imported.original_sha256 in manifest
    with pytest.raises(InputError):
        import_official("wdi", path)  # the name is taken
    import_official("wdi", path, overwrite=True)


# --------------------------------------------------------------------------- the full-size matrix


def full_size_rows(seed: int = 20240101):
    """Rows of a full-size UN DESA 2024 bilateral table: 232 destinations, each with 30
    origins drawn at random, plus aggregate rows (WORLD, regions, 'Other countries').
    Names and M49 codes are real (pycountry); every count is GENERATED (made-up) by numpy."""
    rng = np.random.default_rng(seed)
    areas = sorted((int(c.numeric), c.name) for c in pycountry.countries
                   if int(c.numeric) < 900)
    # 232 destinations, as in the UN DESA 2024 file (its areas, minus a few uninhabited ones)
    uninhabited = {10, 74, 86, 239, 260, 334, 581}  # AQ, BV, IO, GS, TF, HM, UM
    areas = [a for a in areas if a[0] not in uninhabited][:232]
    rows = []
    for dcode, dname in areas:
        others = [a for a in areas if a[0] != dcode]
        picks = rng.choice(len(others), size=30, replace=False)
        for p in sorted(picks):
            ocode, oname = others[p]
            total = rng.integers(0, 200_000, size=8)
            male = (total * rng.uniform(0.3, 0.7, size=8)).astype(int)
            rows.append((dname, dcode, oname, ocode, total.tolist(), male.tolist()))
        total = rng.integers(0, 1000, size=8)
        rows.append((dname, dcode, "Other countries", 2003, total.tolist(),
                     (total // 2).tolist()))
    for code, name in ((900, "WORLD"), (935, "ASIA"), (903, "AFRICA")):
        total = rng.integers(10**6, 10**8, size=8)
        rows.append((name, code, "WORLD", 900, total.tolist(), (total // 2).tolist()))
    return areas, rows


def notebook01_analysis(stocks: pd.DataFrame, edition, seed: int = 1):
    """Notebook 01's code path on a full matrix: corridors, network measures, indices, and flows
    from stocks for the last two years (populations GENERATED by numpy: made-up)."""
    one = stocks[(stocks["edition"].astype(str) == str(edition)) & (stocks["sex"] == "total")]
    one = one.dropna(subset=["stock"]).reset_index(drop=True)
    one = one.assign(stock=one["stock"].astype("int64"))
    years = sorted(one["year"].unique().tolist())
    latest = one[one["year"] == years[-1]]
    out = {
        "change": networks.corridor_change(one, value="stock"),
        "summary": networks.network_summary_by_period(one, value="stock", top=10),
        "net": networks.strength_by_period(one, "net", value="stock"),
        "ranking": networks.corridor_ranking(latest, value="stock", top=15),
    }
    labels = sorted(set(one["orig"]) | set(one["dest"]))
    start, end = years[-2], years[-1]
    rng = np.random.default_rng(seed)
    tables = []
    for year in (start, end):
        part = one[one["year"] == year]
        foreign = part.groupby("dest")["stock"].sum().reindex(labels, fill_value=0)
        population = (foreign * rng.uniform(3, 30, size=len(labels)) + 10_000).astype(float)
        tables.append(flows.stock_table(part, population, labels=labels))
    result = flows.flows_from_stocks(tables[0], tables[1], method="demographic")
    od = flows.to_matrix(result.flows, labels=labels) if "orig" in result.flows else result.flows
    out["flows"] = result
    out["effectiveness"] = indices.migration_effectiveness(od)
    out["connectivity"] = indices.connectivity(od)
    return out


def test_full_size_undesa_import_then_notebook01_analysis(tmp_path, monkeypatch):
    """Done-when: the official UN DESA layout with all 232 destinations goes through import,
    then notebook 01's analysis runs on the imported table (values generated: made-up)."""
    monkeypatch.setenv("MIXEDMIG_IMPORTS", str(tmp_path / "imports"))
    areas, rows = full_size_rows()
    path = write_undesa_2024(
        tmp_path / "undesa_pd_2024_ims_stock_by_sex_destination_and_origin.xlsx", rows)
    origins = {r[3] for r in rows if r[3] < 900}
    assert len(areas) == 232 and len(origins) >= 200
    t0 = time.perf_counter()
    imported = import_official("undesa_ims_bilateral", path)
    t1 = time.perf_counter()
    assert imported.name == "undesa_ims_bilateral_2024"
    stocks = data.load("undesa_ims_bilateral_2024")
    pairs = stocks.drop_duplicates(["orig", "dest"])
    assert stocks["dest"].nunique() == 232
    assert stocks["orig"].nunique() == len(origins)
    assert len(pairs) == 232 * 30
    assert len(stocks) == 232 * 30 * 8 * 3
    assert set(imported.dropped["code"]) == {"900", "903", "935", "2003"}
    # totals survive the round trip exactly (sum of the generated both-sexes counts)
    expected = sum(sum(r[4]) for r in rows if r[1] < 900 and r[3] < 900)
    assert int(stocks.loc[stocks["sex"] == "total", "stock"].sum()) == expected
    result = notebook01_analysis(stocks, 2024)
    t2 = time.perf_counter()
    assert result["ranking"]["value"].iloc[0] == \
        stocks[(stocks["sex"] == "total") & (stocks["year"] == 2024)]["stock"].max()
    assert len(result["net"]) == len(set(stocks["orig"]) | set(stocks["dest"]))
    assert result["flows"].converged
    assert result["effectiveness"].between(-100, 100).all()
    print(f"import {t1 - t0:.1f} s, analysis {t2 - t1:.1f} s")


def test_cli_import_prints_what_was_written(tmp_path, monkeypatch, capsys):
    from mixedmig.cli import main

    monkeypatch.setenv("MIXEDMIG_IMPORTS", str(tmp_path / "imports"))
    path = tmp_path / "WPP2024_TotalPopulationBySex.csv"
    path.write_text(WPP_HEADER + WPP_ROWS)
    assert main(["import", "wpp", str(path), "--name", "my_wpp"]) == 0
    out = capsys.readouterr().out
    assert "population table 'my_wpp': 2 rows, 1 countries" in out
    assert "Dropped 1 aggregate code(s): World (1 row)\n" in out
    assert 'data.load("my_wpp")' in out
    assert main(["import", "wpp", str(path), "--name", "my_wpp"]) == 2  # exists already
    assert main(["import", "undesa", str(path)]) == 2
    assert "unknown source" in capsys.readouterr().err


def test_cli_import_names_the_option_not_the_python_keyword(tmp_path, monkeypatch, capsys):
    # a reviewer was told "pass edition=2024" on the command line
    from mixedmig.cli import main

    monkeypatch.setenv("MIXEDMIG_IMPORTS", str(tmp_path / "imports"))
    path = write_undesa_2024(tmp_path / "stocks.xlsx",
                             [("Thailand", 764, "Myanmar", 104, [1] * 8, [1] * 8)])
    assert main(["import", "undesa_ims_bilateral", str(path), "--edition", "2020"]) == 2
    err = capsys.readouterr().err
    assert "those of the 2024 edition; pass --edition 2024" in err
    assert "edition=" not in err
    with pytest.raises(DataError, match="pass edition=2024"):  # Python callers keep edition=
        read_official("undesa_ims_bilateral", path, edition=2020)
    assert main(["import", "undesa_ims_bilateral", str(path), "--edition", "2024"]) == 0


# --------------------------------------------------------------------------- CTDC source check

# made-up test values in the CTDC layouts (release: ISO2 codes, 0/1 flags; synthetic: ISO3
# codes, Woman/Man, 1/NULL flags, traffickMonths); not real records
CTDC_RELEASE = ("yearOfRegistration,Datasource,gender,ageBroad,citizenship,isForcedLabour,"
                "isSexualExploit,CountryOfExploitation\n"
                "2017,Case Management,Female,18--20,KH,0,1,TH\n")
CTDC_SUBSET = ("yearOfRegistration,gender,ageBroad,citizenship,isForcedLabour,"
               "isSexualExploit,CountryOfExploitation\n"
               "2017,Female,18--20,KH,0,1,TH\n")
CTDC_SYNTHETIC = ("yearOfRegistration,gender,ageBroad,citizenship,CountryOfExploitation,"
                  "traffickMonths,isForcedLabour,isSexualExploit\n"
                  "2021,Woman,18--20,KHM,THA,NULL,NULL,1\n")


@pytest.mark.parametrize("text, layout, right, wrong", [
    (CTDC_RELEASE, "k-anonymised", "ctdc_k_anonymised", "ctdc_synthetic"),
    (CTDC_SUBSET, "k-anonymised", "ctdc_k_anonymised", "ctdc_synthetic"),
    (CTDC_SYNTHETIC, "synthetic", "ctdc_synthetic", "ctdc_k_anonymised"),
])
def test_ctdc_import_checks_the_layout_against_the_source(tmp_path, text, layout, right, wrong):
    path = tmp_path / "ctdc.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_official(wrong, path)
    message = str(info.value)
    assert wrong in message and right in message and layout in message
    assert str(path) in message
    assert f"mixedmig import {right}" in message  # the fix: use the other source name
    # the right source name reads it, labelled consistently with its dataset column
    table = read_official(right, path)
    assert table.frame["dataset"].tolist() == [right]
    expected_label = {"ctdc_k_anonymised": "CTDC Global Dataset (k-anonymised)",
                      "ctdc_synthetic": "CTDC Global Synthetic Dataset"}[right]
    assert table.label == expected_label


# --------------------------------------------------------------------------- UN DESA 2017/2019 (wide)


def test_undesa_wide_2019_import_keeps_every_country_and_reports_aggregates(tmp_path,
                                                                             monkeypatch,
                                                                             capsys):
    from test_data_readers import write_undesa_wide

    from mixedmig.cli import main

    monkeypatch.setenv("MIXEDMIG_IMPORTS", str(tmp_path / "imports"))
    # MADE-UP test values; real names and M49 codes
    rows = [
        (2019, "WORLD", 900, [10, 20, 30], [5, 10, 15]),
        (2019, "Sub-Saharan Africa", 947, [1, 2, 3], [0, 1, 1]),
        (2019, "Namibia", 516, [7, "..", 9], [3, "..", 4]),
        (2019, "Thailand", 764, [40, 50, "-"], [20, 25, "-"]),
        (1990, "Thailand", 764, [4, 5, 6], [2, 2, 3]),
    ]
    path = write_undesa_wide(tmp_path / "UN_MigrantStockByOriginAndDestination_2019.xlsx",
                             2019, ["South Africa", "Myanmar", "Eastern Africa"], rows)
    table = read_official("undesa_ims_bilateral", path)  # the edition from the file name
    assert table.edition == "2019" and table.kind == "bilateral_stocks"
    frame = table.frame
    assert set(zip(frame["orig"], frame["dest"])) == {("ZAF", "NAM"), ("ZAF", "THA"),
                                                      ("MMR", "THA")}
    # 2019: three pairs estimated (MMR -> NAM is ".."); 1990: two pairs; three sexes each
    assert len(frame) == 3 * 3 + 2 * 3
    pair = frame[(frame["orig"] == "MMR") & (frame["dest"] == "THA")
                 & (frame["year"] == 2019)].set_index("sex")["stock"]
    assert pair.to_dict() == {"total": 50, "male": 25, "female": 25}
    assert frame["stock"].notna().all()  # ".." and "-" cells are not rows of the table
    assert (frame["source"] == "UN DESA International Migrant Stock 2019").all()
    dropped = dict(zip(table.dropped["code"], table.dropped["reason"]))
    assert dropped == {"900": "aggregate", "947": "aggregate", "Total": "aggregate",
                       "Other North": "aggregate", "Other South": "aggregate",
                       "Eastern Africa": "aggregate"}
    # the same file under an explicit edition, through import_official and the CLI
    imported = import_official("undesa_ims_bilateral", path, edition=2019)
    assert imported.name == "undesa_ims_bilateral_2019" and imported.rows == 15
    loaded = data.load("undesa_ims_bilateral_2019")
    assert len(loaded) == 15
    assert main(["import", "undesa_ims_bilateral", str(path), "--edition", "2019",
                 "--name", "ims19"]) == 0
    assert "bilateral_stocks table 'ims19': 15 rows" in capsys.readouterr().out
    # a wrong edition is refused on the command line with the option's spelling
    assert main(["import", "undesa_ims_bilateral", str(path), "--edition", "2017",
                 "--name", "ims17"]) != 0
    assert "--edition 2019" in capsys.readouterr().err


def test_undesa_wide_2017_import_from_the_file_name(tmp_path):
    from test_data_readers import write_undesa_wide

    rows = [(2017, "Malaysia", 458, [3, 4], [1, 2]), (2015, "Malaysia", 458, [5, 6], [2, 3])]
    path = write_undesa_wide(tmp_path / "undesa_pd_2017_migrant_stock_origin_destination_"
                             "dataset.xlsx", 2017, ["Indonesia", "Philippines"], rows)  # made-up
    table = read_official("undesa_ims_bilateral", path)
    assert table.edition == "2017"
    assert set(table.frame["year"]) == {2015, 2017}
    assert table.frame.groupby("sex")["stock"].sum().to_dict() == {
        "total": 18, "male": 8, "female": 10}


def test_undesa_2024_cells_without_an_estimate_are_left_out(tmp_path, monkeypatch):
    """'..' marks a year with no estimate: the import keeps the pair's other years and leaves
    that cell out (a missing estimate is not a figure); made-up values, real names and codes."""
    monkeypatch.setenv("MIXEDMIG_IMPORTS", str(tmp_path / "imports"))
    years = UNDESA_2024_YEARS
    rows = [("Thailand", 764, "Myanmar", 104, [".."] + [10, 20, 30, 40, 50, 60, 70],
             [".."] + [5, 10, 15, 20, 25, 30, 35]),
            ("Thailand", 764, "Cambodia", 116, [1, 2, 3, 4, 5, 6, 7, 8], [0, 1, 1, 2, 2, 3, 3, 4])]
    path = write_undesa_2024(
        tmp_path / "undesa_pd_2024_ims_stock_by_sex_destination_and_origin.xlsx", rows, years)
    imported = import_official("undesa_ims_bilateral", path)
    stocks = data.load(imported.name)
    mmr = stocks[(stocks["orig"] == "MMR") & (stocks["dest"] == "THA")]
    assert sorted(mmr["year"].unique().tolist()) == list(years[1:])
    assert len(mmr) == 3 * (len(years) - 1)
    assert len(stocks[stocks["orig"] == "KHM"]) == 3 * len(years)


# --------------------------------------------------------------------------- notebook inputs


def _parameters_cells():
    import json

    cells = {}
    folder = Path(data.repo_root(), "notebooks")
    for path in sorted(folder.glob("[0-9][0-9]-*.ipynb")) + [folder / "profile.ipynb"]:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                cells["profile" if path.stem == "profile" else path.name[:2]] = "".join(cell["source"])
    return cells


def test_notebook_inputs_name_every_parameter_that_takes_a_kind():
    """NOTEBOOK_INPUTS (printed after an import) agrees with the notebooks' parameters cells:
    every parameter whose default is a curated table of a kind, and nothing else."""
    import re

    from mixedmig.data.importing import NOTEBOOK_INPUTS

    listed = set()
    for kind, text in NOTEBOOK_INPUTS.items():
        for name, where, profile in re.findall(r"([A-Z_]+) \((?:notebooks? )?([0-9, -]+)(; profile)?\)", text):
            if profile:
                listed.add(("profile", name, kind))
            for part in where.split(", "):
                first, _, last = part.partition("-")
                for number in range(int(first), int(last or first) + 1):
                    listed.add((f"{number:02d}", name, kind))
    found = set()
    for number, source in _parameters_cells().items():
        for name, default in re.findall(r'^([A-Z_]+) = "([a-z0-9_]+)"', source, flags=re.MULTILINE):
            if default in data.dataset_names() and data.manifest(default).kind:
                found.add((number, name, data.manifest(default).kind))
    assert listed == found
