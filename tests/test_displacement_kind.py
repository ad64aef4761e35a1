"""The ``displacement_stocks`` kind: UNHCR population types by origin and country of asylum.

Files in UNHCR's layouts are written by the tests with REAL ROWS copied from the reference
extract ``../shared/reference/unhcr_population_asia.csv`` (UNHCR population statistics, the
``refugees`` R data package 2025.12.1; line numbers of the extract are given beside each row).
The only change to a copied row is the layout: the API writes ``-`` for a figure it does not
give, where the extract has an empty ``oip`` cell; the Refugee Data Finder CSV writes UNHCR's
unknown country of asylum as ``Unknown `` with an empty ISO3 cell
(``shared/research/official_downloads.md``, section 3), where the extract has ``UNK``. Rows
marked MADE-UP are invented to exercise an error and never reach data/raw or a notebook.
"""

from __future__ import annotations

import shutil
import zipfile

import pandas as pd
import pytest

from mixedmig import data
from mixedmig.data import readers
from mixedmig.data.importing import IMPORT_SOURCES, import_official, read_official
from mixedmig.data.schema import ColumnSpec, Schema, validate_frame
from mixedmig.errors import ManifestError, SchemaError

#: The API / ``refugees`` data package layout (the extract's own header).
API_HEADER = ("year,coo_name,coo,coo_iso,coa_name,coa,coa_iso,refugees,asylum_seekers,"
              "returned_refugees,idps,returned_idps,stateless,ooc,oip,hst")
API_ROWS = [  # real rows of unhcr_population_asia.csv (line numbers of the extract)
    "1985,Cambodia,CAM,KHM,Unknown,UKN,UNK,0,0,75680,0,0,0,0,-,0",  # line 13454
    "2023,Myanmar,MYA,MMR,Australia,AUL,AUS,1310,613,5,0,0,0,0,-,0",  # line 369
    "2024,Myanmar,MYA,MMR,Bangladesh,BGD,BGD,1005561,35,0,0,0,0,0,-,0",  # line 970
    "2024,Myanmar,MYA,MMR,Myanmar,MYA,MMR,0,0,0,3513867,377566,0,0,-,0",  # line 8785
    "2024,Myanmar,MYA,MMR,Thailand,THA,THA,81005,0,0,0,0,0,513,-,0",  # line 12938
    "2024,Stateless,STA,XXA,Myanmar,MYA,MMR,0,0,0,0,0,619429,0,-,0",  # line 8806
    "2024,Stateless,STA,XXA,Thailand,THA,THA,0,0,0,0,0,612524,0,-,0",  # line 13248
    "2024,Unknown,UKN,UNK,Japan,JPN,JPN,225,31293,0,0,0,0,0,-,0",  # line 7073
]
COUNTS = ["refugees", "asylum_seekers", "returned_refugees", "idps", "returned_idps",
          "stateless", "ooc", "oip", "hst"]
NA = pd.NA
#: What the import must give for API_ROWS: (year, orig, asylum, the nine counts).
EXPECTED = [
    (1985, "KHM", "UNK", 0, 0, 75680, 0, 0, 0, 0, NA, 0),
    (2023, "MMR", "AUS", 1310, 613, 5, 0, 0, 0, 0, NA, 0),
    (2024, "MMR", "BGD", 1005561, 35, 0, 0, 0, 0, 0, NA, 0),
    (2024, "MMR", "MMR", 0, 0, 0, 3513867, 377566, 0, 0, NA, 0),
    (2024, "MMR", "THA", 81005, 0, 0, 0, 0, 0, 513, NA, 0),
    (2024, "UNK", "JPN", 225, 31293, 0, 0, 0, 0, 0, NA, 0),
    (2024, "XXA", "MMR", 0, 0, 0, 0, 0, 619429, 0, NA, 0),
    (2024, "XXA", "THA", 0, 0, 0, 0, 0, 612524, 0, NA, 0),
]

#: The Refugee Data Finder CSV layout (2022-2024): a 14-line preamble, the header on line 15.
RDF_PREAMBLE = "\n".join(["Extracted: test file in the Refugee Data Finder layout", ""]
                         + ["Population types included: see the header"] + [""] * 11)
RDF_HEADER = ("Year,Country of origin,Country of origin (ISO),Country of asylum,"
              "Country of asylum (ISO),Refugees under UNHCR's mandate,Asylum-seekers,"
              "Returned refugees,IDPs of concern to UNHCR,Returned IDPs,Stateless persons,"
              "Others of concern,Other people in need of international protection,"
              "Host community")
RDF_ROWS = [  # the same real rows in the export's layout
    "1985,Cambodia,KHM,Unknown ,,0,0,75680,0,0,0,0,-,0",  # line 13454: Unknown, empty ISO3
    '2024,Myanmar,MMR,Bangladesh,BGD,"1,005,561",35,0,0,0,0,0,-,0',  # line 970
    '2024,Myanmar,MMR,Myanmar,MMR,0,0,0,"3,513,867","377,566",0,0,-,0',  # line 8785
    '2024,Stateless,XXA,Thailand,THA,0,0,0,0,0,"612,524",0,-,0',  # line 13248
]


def api_file(tmp_path, rows=API_ROWS, name="population.csv"):
    path = tmp_path / name
    path.write_text(API_HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def as_tuples(frame):
    return [tuple(row) for row in frame[["year", "orig", "asylum", *COUNTS]].itertuples(
        index=False)]


# -- the kind ---------------------------------------------------------------------------------


def test_the_kind_holds_every_unhcr_population_type():
    kind = data.get_kind("displacement_stocks")
    assert kind.required == ("year", "orig", "asylum", "refugees", "asylum_seekers")
    assert kind.optional == ("returned_refugees", "idps", "returned_idps", "stateless", "ooc",
                             "oip", "hst", "source")
    assert kind.primary_key == ("year", "orig", "asylum")
    assert kind.rules == ()  # IDPs have orig = asylum: no self-pair rule
    assert kind.conforming == ("unhcr_refugees_gms",)
    assert kind.column("orig").extra_codes == ("XXA", "UNK")
    assert kind.column("asylum").extra_codes == ("UNK",)
    assert kind.column("asylum").aliases == ("coa_iso", "dest")
    for name in COUNTS:
        column = kind.column(name)
        assert (column.type, column.unit, column.minimum, column.nullable) == (
            "integer", "persons", 0, True), name
    for caveat in ("end of the year", "mid-year", "orig = asylum", "nationality",
                   "must not be added together", "XXA = stateless"):
        assert caveat in kind.description, caveat
    assert IMPORT_SOURCES["unhcr_population"] == "displacement_stocks"
    assert IMPORT_SOURCES["unhcr_refugees"] == "bilateral_stocks"


def test_kinds_markdown_shows_the_extra_codes():
    row = [line for line in data.kinds_markdown().splitlines()
           if line.startswith("| `displacement_stocks` |")]
    assert len(row) == 1
    assert ("`orig` country (also `XXA`/`UNK`; alias `coo_iso`), `asylum` country (also "
            "`UNK`; alias `coa_iso`/`dest`)") in row[0]
    assert row[0].endswith("| year, orig, asylum | `unhcr_refugees_gms` |")


def test_xxa_unk_and_idp_self_pairs_pass_the_kind(tmp_path):
    path = tmp_path / "mine.csv"  # the API rows' figures, in the kind's own columns
    path.write_text("year,coo_iso,coa_iso,refugees,asylum_seekers,idps,returned_idps,stateless\n"
                    "2024,XXA,Myanmar,0,0,0,0,619429\n"
                    "2024,UNK,JPN,225,31293,0,0,0\n"
                    "2024,MMR,MMR,0,0,3513867,377566,0\n"
                    "1985,KHM,UNK,0,0,,,\n")
    frame = data.load(path, kind="displacement_stocks")
    assert frame["orig"].tolist() == ["XXA", "UNK", "MMR", "KHM"]  # kept verbatim
    assert frame["asylum"].tolist() == ["MMR", "JPN", "MMR", "UNK"]  # names -> ISO3
    assert frame["idps"].tolist()[:3] == [0, 0, 3513867]
    assert frame["idps"].isna().tolist() == [False, False, False, True]


def test_another_aggregate_is_refused_with_file_line_column_and_fix(tmp_path):
    path = tmp_path / "mine.csv"  # MADE-UP rows: a World total and UNHCR's own code STA
    path.write_text("year,orig,asylum,refugees,asylum_seekers\n"
                    "2024,MMR,THA,81005,0\n"
                    "2024,World,THA,1,0\n"
                    "2024,STA,THA,1,0\n"
                    "2024,MMR,XXA,1,0\n")
    with pytest.raises(SchemaError) as info:
        data.validate_file(path, "displacement_stocks")
    error = info.value
    assert (error.row, error.column, error.path) == (3, "orig", str(path))
    assert error.problem_count == 3
    world, sta, xxa = error.problems
    assert (world.line, world.column, sta.line, xxa.line, xxa.column) == (
        3, "orig", 4, 5, "asylum")
    assert world.message == (
        "'World' is an aggregate (a region, income group or residual such as 'Other'), not a "
        "country, and not one of the non-country codes this column keeps: XXA (stateless), "
        "UNK (unknown)")
    assert world.fix == (
        "An aggregate such as 'World' is not a country: drop these rows (totals and regions "
        "are computed from the country rows); besides countries, the column keeps only the "
        "codes XXA, UNK, written exactly so.")
    assert sta.message.startswith("'STA' is an aggregate (a stateless entry), not a country")
    assert sta.fix == ("Write 'XXA' (exactly so) for stateless entries; the column keeps only "
                       "the codes XXA, UNK besides countries.")
    assert xxa.message.endswith("not one of the non-country codes this column keeps: "
                                "UNK (unknown)")
    text = str(error)
    assert f"file {path}, line 3, column 'orig': 'World' is an aggregate" in text


def test_other_kinds_still_refuse_xxa_and_unk(tmp_path):
    path = tmp_path / "mine.csv"  # MADE-UP stock
    path.write_text("year,orig,dest,stock\n2024,XXA,THA,1\n")
    with pytest.raises(SchemaError) as info:
        data.validate_file(path, "bilateral_stocks")
    assert info.value.problems[0].message == (
        "'XXA' is an aggregate (a region, income group or residual such as 'Other'), not a "
        "country")


def test_extra_codes_of_a_column_spec_and_a_manifest(tmp_path):
    schema = Schema((ColumnSpec("orig", "registry_country", extra_codes=("XXA",)),))
    frame = pd.DataFrame({"orig": ["XXA", "Thailand"]}, index=[2, 3])
    assert validate_frame(frame, schema, "t.csv")["orig"].tolist() == ["XXA", "THA"]
    manifest = (data.data_dir() / "wpp2024_population.yml").read_text(encoding="utf-8")
    assert "    type: country\n" in manifest
    bad = tmp_path / "wpp2024_population.yml"
    bad.write_text(manifest.replace("    type: country\n",
                                    "    type: country\n    extra_codes: [XXA]\n", 1))
    with pytest.raises(ManifestError, match="applies to columns of type registry_country only"):
        data.read_manifest(bad)


# -- the shipped table conforms ---------------------------------------------------------------


def test_the_shipped_unhcr_table_is_a_displacement_stocks_table(tmp_path):
    assert data.manifest("unhcr_refugees_gms").kind == "displacement_stocks"
    shipped = data.load("unhcr_refugees_gms")
    copy = tmp_path / "my_unhcr.csv"  # no sidecar manifest: the kind is given
    shutil.copyfile(data.data_dir() / "unhcr_refugees_gms.csv", copy)
    by_path = data.load(copy, kind="displacement_stocks")
    pd.testing.assert_frame_equal(by_path, shipped)
    assert len(by_path) == 6689
    assert by_path["orig"].value_counts()[["XXA", "UNK"]].tolist() == [69, 31]
    assert int((by_path["asylum"] == "UNK").sum()) == 12
    self_pairs = by_path[by_path["orig"] == by_path["asylum"]]
    assert len(self_pairs) == 25 and int(self_pairs["refugees"].sum()) == 0
    assert int(self_pairs["idps"].sum()) == 16719314


# -- importing UNHCR files ----------------------------------------------------------------------


def test_reader_keeps_every_population_column_the_file_has(tmp_path):
    frame = readers.read_unhcr_population(api_file(tmp_path))
    assert list(frame.columns) == ["year", "orig_name", "orig", "asylum_name", "asylum",
                                   *COUNTS]
    row = frame[(frame["orig"] == "MMR") & (frame["asylum"] == "MMR")].iloc[0]
    assert (row["idps"], row["returned_idps"]) == (3513867, 377566)
    # a file with only refugees and asylum-seekers gives only those (existing callers)
    two = tmp_path / "two.csv"
    two.write_text("year,coo_name,coo_iso,coa_name,coa_iso,refugees,asylum_seekers\n"
                   "2024,Myanmar,MMR,Thailand,THA,81005,0\n")  # line 12938
    assert list(readers.read_unhcr_population(two).columns) == [
        "year", "orig_name", "orig", "asylum_name", "asylum", "refugees", "asylum_seekers"]


def test_api_file_imports_into_displacement_stocks_with_every_column(tmp_path, monkeypatch):
    monkeypatch.setenv("MIXEDMIG_IMPORTS", str(tmp_path / "imports"))
    path = api_file(tmp_path)
    table = read_official("unhcr_population", path)
    assert table.kind == "displacement_stocks"
    assert list(table.frame.columns) == ["year", "orig", "asylum", *COUNTS, "source"]
    assert as_tuples(table.frame) == EXPECTED
    assert table.dropped.empty  # XXA, UNK and the self-pair are all kept
    imported = import_official("unhcr_population", path, edition=2025)
    assert (imported.name, imported.kind, imported.rows) == (
        "unhcr_population_2025", "displacement_stocks", 8)
    assert imported.countries == 6  # KHM, MMR, AUS, BGD, THA, JPN; not XXA, UNK
    loaded = data.load("unhcr_population_2025")
    assert as_tuples(loaded) == EXPECTED
    assert str(loaded["oip"].dtype) == "Int64" and loaded["oip"].isna().all()
    assert set(loaded["source"]) == {
        "UNHCR Refugee Data Finder: population statistics by population type"}


def test_imported_rows_equal_the_shipped_rows(tmp_path):
    """A researcher's own UNHCR table substitutes for the shipped one: same shape, same
    figures wherever both hold the pair."""
    frame = read_official("unhcr_population", api_file(tmp_path)).frame
    shipped = data.load("unhcr_refugees_gms")
    columns = ["year", "orig", "asylum", *COUNTS[:7]]
    both = frame[columns].merge(shipped[columns], on=["year", "orig", "asylum"],
                                suffixes=("", "_shipped"))
    assert len(both) == 7  # every row but UNK -> JPN (no GMS country: not shipped)
    for name in COUNTS[:7]:
        assert both[name].tolist() == both[f"{name}_shipped"].tolist(), name


def test_rdf_export_imports_every_column_and_reports_the_blank_asylum(tmp_path):
    archive = tmp_path / "unhcr_population_1951_2023.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("population.csv",
                   RDF_PREAMBLE + "\n" + RDF_HEADER + "\n" + "\n".join(RDF_ROWS) + "\n")
    table = read_official("unhcr_population", archive)
    assert as_tuples(table.frame) == [EXPECTED[2], EXPECTED[3], EXPECTED[7]]
    assert table.dropped.to_dict("records") == [  # line 13454's 'Unknown ' asylum
        {"code": "", "name": "Unknown", "reason": "blank ISO3", "rows": 1}]


def test_unhcr_refugees_keeps_the_old_refugees_only_bilateral_result(tmp_path):
    table = read_official("unhcr_refugees", api_file(tmp_path))
    frame = table.frame
    assert table.kind == "bilateral_stocks"
    assert table.label == "UNHCR Refugee Data Finder: refugees under UNHCR's mandate"
    assert list(frame.columns) == ["orig", "dest", "year", "sex", "stock", "source"]
    got = [tuple(r) for r in frame[["year", "orig", "dest", "stock"]].itertuples(index=False)]
    assert got == [(2023, "MMR", "AUS", 1310), (2024, "MMR", "BGD", 1005561),
                   (2024, "MMR", "THA", 81005)]
    assert "asylum_seekers" not in frame and not (frame["orig"] == frame["dest"]).any()
    assert table.dropped.to_dict("records") == [  # UNK: lines 13454, 7073; XXA: 8806, 13248
        {"code": "UNK", "name": "Unknown", "reason": "aggregate", "rows": 2},
        {"code": "XXA", "name": "Stateless", "reason": "aggregate", "rows": 2}]
    tidy = data.validate_kind_frame(frame, "bilateral_stocks")
    assert tidy["stock"].tolist() == [1310, 1005561, 81005]


def test_unhcr_refugees_drops_a_row_without_a_refugee_figure(tmp_path):
    # MADE-UP row: refugees not given ('-'), asylum-seekers given
    rows = API_ROWS + ["2024,Myanmar,MYA,MMR,India,IND,IND,-,5,-,-,-,-,-,-,-"]
    refugees = read_official("unhcr_refugees", api_file(tmp_path, rows)).frame
    assert "IND" not in set(refugees["dest"]) and len(refugees) == 3
    everything = read_official("unhcr_population", api_file(tmp_path, rows)).frame
    row = everything[everything["asylum"] == "IND"].iloc[0]
    assert pd.isna(row["refugees"]) and row["asylum_seekers"] == 5


# -- the review of the "bring your own data" route -----------------------------------------------

#: The header of UNHCR's API CSV download as public copies of the export spell it: the returned
#: IDPs column is headed ``Returned IDPss`` (sic), and ``Host Community`` has a capital C.
API_EXPORT_HEADER = ('Year,"Country of origin","Country of origin (ISO)","Country of asylum",'
                     '"Country of asylum (ISO)","Refugees under UNHCR\'s mandate",Asylum-seekers,'
                     '"Returned refugees","IDPs of concern to UNHCR","Returned IDPss",'
                     '"Stateless persons","Others of concern",'
                     '"Other people in need of international protection","Host Community"')
API_EXPORT_ROWS = [  # real Myanmar IDP rows of unhcr_population_asia.csv, in the export's layout
    "2021,Myanmar,MMR,Myanmar,MMR,0,0,0,671011,130432,0,0,-,0",  # line 8782
    "2022,Myanmar,MMR,Myanmar,MMR,0,0,0,1504848,325206,0,0,-,0",  # line 8783
    "2023,Myanmar,MMR,Myanmar,MMR,0,0,0,2607645,276612,0,0,-,0",  # line 8784
    "2024,Myanmar,MMR,Thailand,THA,81005,0,0,0,0,0,513,-,0",  # line 12938
    "1985,Cambodia,KHM,Unknown ,,0,0,75680,0,0,0,0,-,0",  # line 13454: Unknown, empty ISO3
]


def api_export(tmp_path, header=API_EXPORT_HEADER, rows=API_EXPORT_ROWS,
               name="population.csv"):
    path = tmp_path / name
    path.write_text(RDF_PREAMBLE + "\n" + header + "\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    return path


def test_returned_idpss_header_lands_in_returned_idps(tmp_path, monkeypatch):
    monkeypatch.setenv("MIXEDMIG_IMPORTS", str(tmp_path / "imports"))
    path = api_export(tmp_path)
    frame = readers.read_unhcr_population(path, blank_iso="keep")
    idps = frame[frame["asylum"] == "MMR"]
    assert idps[["year", "idps", "returned_idps"]].values.tolist() == [
        [2021, 671011, 130432], [2022, 1504848, 325206], [2023, 2607645, 276612]]
    assert frame.attrs["columns_not_read"] == []  # every column of the export was read
    imported = import_official("unhcr_population", path, name="unhcr_mine")
    assert imported.columns_not_read == ()
    loaded = data.load("unhcr_mine")
    got = loaded[loaded["asylum"] == "MMR"]
    assert got["returned_idps"].tolist() == [130432, 325206, 276612]
    assert "Columns not read" not in imported.summary()


def test_a_column_the_reader_does_not_know_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("MIXEDMIG_IMPORTS", str(tmp_path / "imports"))
    # MADE-UP extra column 'Notes' (empty cells) beside the real rows
    path = api_export(tmp_path, header=API_EXPORT_HEADER + ",Notes",
                      rows=[r + "," for r in API_EXPORT_ROWS[:3]])
    assert readers.read_unhcr_population(path).attrs["columns_not_read"] == ["Notes"]
    table = read_official("unhcr_population", path)
    assert table.columns_not_read == ("Notes",)
    imported = import_official("unhcr_population", path, name="with_notes")
    assert imported.columns_not_read == ("Notes",)
    assert "Columns not read: 'Notes'" in imported.summary()
    # UNHCR's own codes of the API layout (coo, coa) are left out on purpose, never reported
    assert readers.read_unhcr_population(api_file(tmp_path)).attrs["columns_not_read"] == []


def test_dropped_codes_say_how_many_rows_and_a_blank_iso3_reads_plainly(tmp_path, monkeypatch):
    monkeypatch.setenv("MIXEDMIG_IMPORTS", str(tmp_path / "imports"))
    refugees = import_official("unhcr_refugees", api_file(tmp_path), name="refugees_only")
    text = refugees.summary()
    # UNK: lines 13454, 7073 of the extract; XXA: lines 8806, 13248
    assert ("Dropped 2 aggregate code(s) (4 rows): UNK (Unknown; 2 rows), "
            "XXA (Stateless; 2 rows)") in text
    everything = import_official("unhcr_population", api_export(tmp_path), name="all_types")
    text = everything.summary()
    assert "Dropped the rows whose country ISO3 cell is blank: 'Unknown' (1 row)" in text
    assert "(blank ISO3)" not in text and "Unknown (Unknown)" not in text


def test_unhcr_import_without_edition_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("MIXEDMIG_IMPORTS", str(tmp_path / "imports"))
    path = api_export(tmp_path, name="unhcr_population_ind_bgd_2025.csv")
    imported = import_official("unhcr_population", path)
    assert (imported.name, imported.edition) == ("unhcr_population", None)
    assert "edition: null" in imported.path.with_suffix(".yml").read_text()
    text = imported.summary()
    assert "No edition recorded" in text
    assert ("`mixedmig import unhcr_population unhcr_population_ind_bgd_2025.csv --edition "
            "YEAR` writes the table unhcr_population_YEAR") in text
    dated = import_official("unhcr_population", path, edition=2025)
    assert dated.name == "unhcr_population_2025" and "No edition" not in dated.summary()


def test_import_summary_names_the_notebook_parameter_of_the_kind(tmp_path, monkeypatch):
    monkeypatch.setenv("MIXEDMIG_IMPORTS", str(tmp_path / "imports"))
    text = import_official("unhcr_population", api_export(tmp_path), edition=2025).summary()
    assert 'In a notebook: displacement = data.load("unhcr_population_2025")' in text
    assert "REFUGEES (notebook 08; profile), e.g. -p REFUGEES unhcr_population_2025" in text
    text = import_official("unhcr_refugees", api_file(tmp_path), edition=2025).summary()
    assert 'In a notebook: stocks = data.load("unhcr_refugees_2025")' in text
    assert "STOCKS (notebooks 00-03, 08; profile)" in text
