"""Schema kinds, validating any file, loading by path, imported tables (issue 9, sections 2, 4).

Every CSV written here holds MADE-UP TEST VALUES (labelled so; they never reach data/raw or a
notebook), except where a test copies a curated table of data/raw byte for byte.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mixedmig import countries, data
from mixedmig.errors import DataError, InputError, IntegrityError, SchemaError

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def imports(tmp_path, monkeypatch):
    """An empty imports folder ($MIXEDMIG_IMPORTS), so tests never write into the repository."""
    folder = tmp_path / "imports"
    monkeypatch.setenv("MIXEDMIG_IMPORTS", str(folder))
    return folder


def write(folder: Path, text: str, name: str = "mine.csv") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# -- the 2021 survey with India (the failing case) ---------------------------------------

# made-up test values: a 2021 survey's bilateral stocks, with India
SURVEY_2021 = ("edition,year,sex,orig,dest,stock,source\n"
               "2021,2021,total,India,Thailand,1500,made-up survey\n"
               "2021,2021,female,MMR,IND,20,made-up survey\n"
               "2021,2021,male,Viet Nam,KR,7,made-up survey\n")


def test_survey_2021_with_india_passes_bilateral_stocks(tmp_path):
    path = write(tmp_path, SURVEY_2021)
    frame = data.validate_file(path, "bilateral_stocks")
    assert frame["orig"].tolist() == ["IND", "MMR", "VNM"]  # names normalised to ISO3
    assert frame["dest"].tolist() == ["THA", "IND", "KOR"]
    assert frame["edition"].tolist() == [2021, 2021, 2021]
    assert list(frame.columns) == ["edition", "year", "sex", "orig", "dest", "stock", "source"]


def test_survey_2021_fails_the_curated_tables_schema_with_a_pointer_to_the_kinds(tmp_path):
    path = write(tmp_path, "edition,year,sex,orig,dest,stock\n2021,2021,total,IND,THA,1500\n"
                           "2024,2020,total,,THA,3\n")  # made-up test values
    with pytest.raises(SchemaError) as info:
        data.validate_file(path, "undesa_ims_bilateral")
    text = str(info.value)
    assert "value '2021' is not allowed" in text and "schema kind" in text
    assert "'IND' is not one of the 15 study economies" in text
    assert "--schema bilateral_stocks" in text
    assert "manifest" not in text  # the user's file: never "edit the project's manifest"
    assert info.value.problem_count == 4


# -- every kind accepts a small valid file ---------------------------------------------------------

VALID = {  # made-up test values, one small valid file per kind
    "bilateral_stocks": "year,orig,dest,stock\n2021,IND,NPL,10\n2021,NPL,IND,0\n",
    "od_flows": ("orig,dest,period_start,period_end,flow\n"
                 "IND,NPL,2015,2020,12.5\nNPL,IND,2015,2020,0\n"),
    "population": "year,country,pop_total,pop_male,pop_female\n2021,IND,100,51,49\n"
                  "2021,NPL,50,,\n",
    "displacement_stocks": ("year,orig,asylum,refugees,asylum_seekers,idps\n"
                            "2021,XXA,THA,0,,\n2021,NPL,NPL,0,0,10\n2021,UNK,IND,3,4,\n"),
    "country_covariates": "year,country,gdppc_ppp_2017,distance_km\n2021,IND,7000.5,\n",
    "case_records": ("year_of_registration,sex,age_band,citizenship,country_of_exploitation,"
                     "forced_labour,sexual_exploitation,dataset,forced_marriage\n"
                     "2019,female,18-20,NA,ZAF,false,true,ctdc_k_anonymised,\n"
                     ",,,,,,,ctdc_synthetic,true\n"),
    "referral_actors": "actor_id,country,sector,role\nIND-GOV01,IND,government,shelter\n",
    "referral_events": ("event_id,date,referring_actor,receiving_actor,referring_country,"
                        "receiving_country,case_category,outcome,synthetic\n"
                        "e1,2021-03-31,a,b,IND,NPL,forced_labour,accepted,true\n"),
}


def test_every_kind_has_a_valid_example():
    assert set(VALID) == set(data.kind_names())


@pytest.mark.parametrize("kind", sorted(VALID))
def test_every_kind_accepts_a_small_valid_file(tmp_path, kind):
    frame = data.read_kind_file(write(tmp_path, VALID[kind]), kind)
    assert len(frame) == VALID[kind].count("\n") - 1
    spec = data.get_kind(kind)
    tidy = [c for c in spec.column_names if c in frame.columns]
    assert list(frame.columns[: len(tidy)]) == tidy  # the kind's order first
    assert isinstance(frame.index, pd.RangeIndex)
    for column in spec.columns:
        if column.name in frame.columns:
            expected = {"integer": "Int64", "number": "float64", "boolean": "boolean"}.get(
                column.type, "object")
            assert str(frame[column.name].dtype) == expected, column.name


def test_case_records_keep_namibia_and_missing_apart(tmp_path):
    frame = data.read_kind_file(write(tmp_path, VALID["case_records"]), "case_records")
    assert frame["citizenship"].tolist() == ["NAM", None]  # "NA" is Namibia, not missing
    assert frame["forced_marriage"].isna().tolist() == [True, False]
    assert frame["forced_marriage"].dtype == "boolean"
    assert frame["year_of_registration"].isna().tolist() == [False, True]
    assert list(frame.columns) == [*data.CASE_RECORD_COLUMNS, "dataset", "forced_marriage"]


def test_columns_in_any_order_aliases_and_defaults(tmp_path):
    # made-up test values in the World Bank matrix's long shape: migrants, no sex column
    path = write(tmp_path, "dest,migrants,orig,year\nTHA,5,LAO,2013\nTHA,6,764,2017\n")
    with pytest.raises(SchemaError, match="orig and dest are the same"):
        data.read_kind_file(path, "bilateral_stocks")
    path = write(tmp_path, "dest,migrants,orig,year\nTHA,5,LAO,2013\nTHA,6,104,2017\n")
    frame = data.read_kind_file(path, "bilateral_stocks")
    assert list(frame.columns) == ["year", "sex", "orig", "dest", "stock"]
    assert frame["sex"].tolist() == ["total", "total"]  # absent sex = both sexes
    assert frame["orig"].tolist() == ["LAO", "MMR"]  # M49 104 is Myanmar
    assert frame["stock"].tolist() == [5, 6]


# -- every rule violation, with its line and column --------------------------------------------

HEAD = "year,orig,dest,stock\n"

VIOLATIONS = [  # (kind, csv text, line, column, fragment); made-up test values
    ("bilateral_stocks", HEAD + "2021,IND,NPL,1\n2021,IND,IND,3\n", 3, "dest",
     "orig and dest are the same ('IND')"),
    ("bilateral_stocks", HEAD + "2021,IND,NPL,-1\n", 2, "stock", "negative value -1"),
    ("bilateral_stocks", HEAD + "2021,IND,NPL,1.5\n", 2, "stock", "'1.5' is not an integer"),
    ("bilateral_stocks", HEAD + "1700,IND,NPL,1\n", 2, "year", "minimum 1800"),
    ("bilateral_stocks", HEAD + "2101,IND,NPL,1\n", 2, "year", "above the maximum 2100"),
    ("bilateral_stocks", HEAD + "2021,Atlantis,NPL,1\n", 2, "orig",
     "unknown country 'Atlantis'. Use an ISO 3166 alpha-3 code or a country name such as "
     "'India'"),
    ("bilateral_stocks", HEAD + "2021,IND,,1\n", 2, "dest", "empty value"),
    ("bilateral_stocks", "year,sex,orig,dest,stock\n2021,both,IND,NPL,1\n", 2, "sex",
     "value 'both' is not allowed"),
    ("bilateral_stocks", HEAD + "2021,IND,NPL,1\n2021,India,Nepal,2\n", 3, "year",
     "duplicate key"),
    ("bilateral_stocks", "year,orig,dest\n2021,IND,NPL\n", 1, "stock", "missing column(s)"),
    ("bilateral_stocks", "year,orig,dest,stock,comment\n2021,IND,NPL,1,x\n", 1, "comment",
     "not a column of kind 'bilateral_stocks'"),
    ("bilateral_stocks", "year,orig,dest,stock,stock\n2021,IND,NPL,1,2\n", 1, "stock",
     "appears twice"),
    ("bilateral_stocks", "year,orig,dest,migrants,stock\n2021,IND,NPL,1,2\n", 1, "stock",
     "appears twice"),
    ("od_flows", "orig,dest,period_start,period_end,flow\nIND,NPL,2020,2015,1\n", 2,
     "period_end", "period_end 2015 is not after period_start 2020"),
    ("od_flows", "orig,dest,period_start,period_end,flow\nIND,NPL,2015,2015,1\n", 2,
     "period_end", "is not after period_start"),
    ("od_flows", "orig,dest,period_start,period_end,flow\nIND,NPL,2015,2020,-0.5\n", 2, "flow",
     "negative value -0.5"),
    ("od_flows", "orig,dest,period_start,period_end,flow\nNPL,NPL,2015,2020,1\n", 2, "dest",
     "orig and dest are the same"),
    ("population", "year,country,pop_total,pop_male\n2021,IND,100,101\n", 2, "pop_male",
     "pop_male 101 exceeds pop_total 100"),
    ("population", "year,country,pop_total\n2021,IND,\n", 2, "pop_total", "empty value"),
    ("country_covariates", "year,country\n2021,IND\n", 1, None, "no covariate column"),
    ("country_covariates", "year,country,GDP per capita\n2021,IND,1\n", 1, "GDP per capita",
     "snake_case"),
    ("country_covariates", "year,country,gdppc\n2021,IND,abc\n", 2, "gdppc",
     "'abc' is not a number"),
    ("case_records", VALID["case_records"].replace("18-20", "18--20"), 2, "age_band",
     "value '18--20' is not allowed"),
    ("case_records", VALID["case_records"].replace("female", "Woman"), 2, "sex",
     "value 'Woman' is not allowed"),
    ("case_records", VALID["case_records"].replace(",true,ctdc_k", ",1,ctdc_k"), 2,
     "sexual_exploitation", "'1' is not a boolean"),
    ("case_records", VALID["case_records"].replace("ZAF", "00"), 2,
     "country_of_exploitation", "is an aggregate"),
    ("displacement_stocks", "year,orig,asylum,refugees,asylum_seekers\n2021,NPL,IND,1,0\n"
     "2021,World,IND,1,0\n", 3, "orig",
     "'World' is an aggregate (a region, income group or residual such as 'Other'), not a "
     "country, and not one of the non-country codes this column keeps: XXA (stateless), "
     "UNK (unknown)"),
    ("displacement_stocks", "year,orig,asylum,refugees,asylum_seekers\n2021,NPL,XXA,1,0\n", 2,
     "asylum", "not one of the non-country codes this column keeps: UNK (unknown)"),
    ("displacement_stocks", "year,coo_iso,coa_iso,refugees,asylum_seekers\n2021,NPL,IND,1,-2\n",
     2, "asylum_seekers", "negative value -2"),
    ("displacement_stocks", "year,orig,asylum,refugees,asylum_seekers\n2021,XXA,IND,1,0\n"
     "2021,XXA,India,2,0\n", 3, "year", "duplicate key"),
    ("displacement_stocks", "year,orig,asylum,refugees\n2021,NPL,IND,1\n", 1, "asylum_seekers",
     "missing column(s)"),
    ("referral_actors", "actor_id,country,sector,role\na,IND,government,police\n", 2, "role",
     "value 'police' is not allowed"),
    ("referral_actors", "actor_id,country,sector,role\na,IND,government,shelter\n"
     "a,NPL,government,shelter\n", 3, "actor_id", "duplicate key"),
    ("referral_events", VALID["referral_events"].replace(",b,", ",a,"), 2, "receiving_actor",
     "self-referral: actor 'a' refers to itself"),
    ("referral_events", VALID["referral_events"].replace("2021-03-31", "31/03/2021"), 2,
     "date", "is not a date"),
]


@pytest.mark.parametrize("kind,text,line,column,fragment", VIOLATIONS,
                         ids=[f"{v[0]}-{i}" for i, v in enumerate(VIOLATIONS)])
def test_every_rule_violation_is_located(tmp_path, kind, text, line, column, fragment):
    path = write(tmp_path, text)
    with pytest.raises(SchemaError) as info:
        data.validate_file(path, kind)
    error = info.value
    assert error.row == line and error.column == column, str(error)
    assert error.path == str(path)
    assert fragment in str(error)
    assert "manifest" not in str(error).lower()  # fixes are in the user's terms


AGGREGATES = ["World", "Asia", "South-Eastern Asia", "High income", "Least developed countries"]


@pytest.mark.parametrize("aggregate", AGGREGATES)
def test_aggregates_are_refused_with_the_aggregate_message(tmp_path, aggregate):
    path = write(tmp_path, HEAD + f'2021,"{aggregate}",THA,1\n')  # made-up test values
    with pytest.raises(SchemaError) as info:
        data.validate_file(path, "bilateral_stocks")
    assert info.value.column == "orig" and info.value.row == 2
    assert "is an aggregate" in str(info.value)
    assert "an aggregate such as 'world' is not a country: drop these rows" in str(info.value).lower()


def test_many_problems_are_all_reported_and_counted(tmp_path):
    # made-up test values: 120 rows, each with a negative stock and an unknown origin
    rows = "".join(f"2021,Nowhere{i},THA,-{i + 1}\n" for i in range(120))
    path = write(tmp_path, HEAD + rows)
    with pytest.raises(SchemaError) as info:
        data.validate_file(path, "bilateral_stocks", max_problems=500)
    assert info.value.problem_count == 240
    assert len(info.value.problems) == 240
    lines = [p.line for p in info.value.problems]
    assert lines == sorted(lines) and set(lines) == set(range(2, 122))
    assert {p.column for p in info.value.problems} == {"orig", "stock"}
    with pytest.raises(SchemaError) as info:
        data.validate_file(path, "bilateral_stocks")
    assert info.value.problem_count == 240 and len(info.value.problems) == data.MAX_PROBLEMS
    assert "and 190 more not listed" in str(info.value)


def test_validate_file_names_kinds_for_an_unknown_schema(tmp_path):
    path = write(tmp_path, VALID["bilateral_stocks"])
    with pytest.raises(InputError) as info:
        data.validate_file(path, "bilateral_stock")
    assert "did you mean 'bilateral_stocks'" in str(info.value)
    assert "schema kinds: bilateral_stocks, od_flows" in str(info.value)


# -- normalisation and frames -----------------------------------------------------------------------

@pytest.mark.parametrize("spelling,iso3", [
    ("India", "IND"), ("Viet Nam", "VNM"), ("Lao People's Democratic Republic", "LAO"),
    ("KR", "KOR"), ("764", "THA"), ("Dem. People's Republic of Korea", "PRK"),
    ("China, Macao SAR", "MAC"), ("Türkiye", "TUR"), ("NA", "NAM"),
])
def test_country_spellings_are_normalised_to_iso3(tmp_path, spelling, iso3):
    path = write(tmp_path, HEAD + f'2021,"{spelling}",NPL,1\n')  # made-up test values
    assert data.read_kind_file(path, "bilateral_stocks")["orig"].tolist() == [iso3]


def test_a_frame_passes_exactly_when_its_csv_does(tmp_path):
    frame = pd.DataFrame({"orig": ["Myanmar", "India"], "dest": ["Thailand", "NPL"],
                          "year": [2021, 2021], "stock": [1200.0, 3.0]})  # made-up values
    tidy = data.validate_kind_frame(frame, "bilateral_stocks")
    assert tidy["stock"].dtype == "Int64" and tidy["stock"].tolist() == [1200, 3]
    frame.loc[1, "stock"] = 2.5
    frame.loc[0, "orig"] = "World"
    with pytest.raises(SchemaError) as info:
        data.validate_kind_frame(frame, "bilateral_stocks", path="survey.xlsx")
    assert [(p.line, p.column) for p in info.value.problems] == [(2, "orig"), (3, "stock")]
    assert info.value.path == "survey.xlsx"


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(countries.codes("all")),
                          st.sampled_from(countries.codes("all")),
                          st.integers(1800, 2100), st.integers(0, 10**12)),
                min_size=1, max_size=30))
def test_valid_rows_round_trip_unchanged(tmp_path_factory, rows):
    rows = {(o, d, y): s for o, d, y, s in rows if o != d}  # one row per key, no self-pair
    if not rows:
        return
    text = HEAD + "".join(f"{y},{o},{d},{s}\n" for (o, d, y), s in rows.items())
    path = write(tmp_path_factory.mktemp("prop"), text)
    frame = data.read_kind_file(path, "bilateral_stocks")
    got = {(o, d, y): s for y, o, d, s in
           frame[["year", "orig", "dest", "stock"]].itertuples(index=False)}
    assert got == rows


# -- load by path ---------------------------------------------------------------------------

@pytest.mark.parametrize("name,kind", [("undesa_ims_bilateral", "bilateral_stocks"),
                                       ("wpp2024_population", "population"),
                                       ("worldbank_bilateral_2013", "bilateral_stocks")])
def test_load_path_equals_load_name_for_a_copy_of_a_curated_table(tmp_path, name, kind):
    copy = tmp_path / "copy.csv"
    shutil.copyfile(data.data_dir() / f"{name}.csv", copy)
    by_path = data.load(copy, kind=kind)
    curated = data.load(name)
    if name == "worldbank_bilateral_2013":  # its value column is `migrants`, no sex column
        curated = curated.rename(columns={"migrants": "stock"})
        curated.insert(1, "sex", pd.Series(["total"] * len(curated), dtype=object))
    pd.testing.assert_frame_equal(by_path, curated)
    assert data.load(str(copy), kind=kind).equals(by_path)  # a str path too
    assert by_path.attrs["manifest"]["kind"] == kind


def test_load_path_needs_a_kind_or_a_sidecar_manifest(tmp_path):
    path = write(tmp_path, SURVEY_2021, "survey.csv")
    with pytest.raises(InputError, match="name the schema kind"):
        data.load(path)
    (tmp_path / "survey.yml").write_text("kind: bilateral_stocks\n")
    assert data.load(path)["orig"].tolist() == ["IND", "MMR", "VNM"]
    with pytest.raises(InputError, match="says kind: bilateral_stocks"):
        data.load(path, kind="od_flows")
    (tmp_path / "survey.yml").write_text("kind: bilateral_stocks\nsha256: " + "0" * 64 + "\n")
    with pytest.raises(IntegrityError, match="sha256 mismatch"):
        data.load(path)
    assert len(data.load(path, verify_hash=False)) == 3
    with pytest.raises(InputError, match="no schema kind named 'stocks'"):
        data.load(path, kind="stocks")
    with pytest.raises(DataError, match="file not found"):
        data.load(tmp_path / "absent.csv", kind="bilateral_stocks")


def test_load_name_checks_the_declared_kind():
    assert len(data.load("wpp2024_population", kind="population")) > 0
    with pytest.raises(InputError, match="curated table of kind 'population', not"):
        data.load("wpp2024_population", kind="bilateral_stocks")
    with pytest.raises(InputError, match="published figures"):
        data.load("steam_cohort", kind="population")
    with pytest.raises(InputError, match="derived table"):
        data.load("gravity_pairs", kind="bilateral_stocks")


# -- imported tables ------------------------------------------------------------------------------

def survey_frame() -> pd.DataFrame:
    return pd.read_csv(pd.io.common.StringIO(SURVEY_2021), dtype=str)  # made-up test values


def test_imports_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MIXEDMIG_IMPORTS", str(tmp_path / "x"))
    assert data.imports_dir() == tmp_path / "x"
    monkeypatch.delenv("MIXEDMIG_IMPORTS")
    assert data.imports_dir() == REPO / "data" / "imported"  # running from the repository


def test_gitignore_keeps_imports_out_of_the_repository():
    assert "data/imported/" in (REPO / ".gitignore").read_text().splitlines()


def test_save_imported_writes_a_table_and_its_manifest(imports, tmp_path):
    original = write(tmp_path, "the official bytes", "official.xlsx")
    path = data.save_imported(survey_frame(), "survey_2021", kind="bilateral_stocks",
                              source="made-up survey", edition=2021, original=original,
                              read_date="2026-12-01")
    assert path == imports / "survey_2021.csv"
    record = yaml.safe_load((imports / "survey_2021.yml").read_text())
    assert record["kind"] == "bilateral_stocks" and record["edition"] == 2021
    assert record["original_file"] == "official.xlsx"
    assert record["original_sha256"] == data.sha256_file(original)
    assert record["sha256"] == data.sha256_file(path) and record["rows"] == 3
    assert record["read_date"] == "2026-12-01"
    import mixedmig

    assert record["mixedmig_version"] == mixedmig.__version__
    loaded = data.load("survey_2021")
    assert loaded.equals(data.read_kind_file(write(tmp_path, SURVEY_2021), "bilateral_stocks"))
    assert loaded.attrs["manifest"]["source"] == "made-up survey"
    table = data.list_datasets()
    row = table[table["name"] == "survey_2021"].iloc[0]
    assert (row["origin"], row["kind"], row["rows"]) == ("imported", "bilateral_stocks", 3)
    with pytest.raises(InputError, match="imported table of kind 'bilateral_stocks'"):
        data.load("survey_2021", kind="population")
    path.write_text(path.read_text() + "2021,2021,total,NPL,IND,1,x\n")
    with pytest.raises(IntegrityError, match="sha256 mismatch"):
        data.load("survey_2021")


def test_save_imported_defaults_the_read_date_to_today(imports):
    import datetime

    data.save_imported(survey_frame(), "s", kind="bilateral_stocks", source="made-up")
    record = yaml.safe_load((imports / "s.yml").read_text())
    assert record["read_date"] == datetime.date.today().isoformat()
    assert record["original_file"] is None and record["edition"] is None


def test_save_imported_refuses_curated_derived_existing_and_bad_names(imports):
    frame = survey_frame()
    for name in ("undesa_ims_bilateral", "gravity_pairs", "../escape", "a b", "x.csv", ""):
        with pytest.raises(InputError):
            data.save_imported(frame, name, kind="bilateral_stocks", source="made-up")
    data.save_imported(frame, "mine", kind="bilateral_stocks", source="made-up")
    before = (imports / "mine.csv").read_bytes()
    with pytest.raises(InputError, match="already exists"):
        data.save_imported(frame.iloc[:1], "mine", kind="bilateral_stocks", source="made-up")
    assert (imports / "mine.csv").read_bytes() == before
    data.save_imported(frame.iloc[:1], "mine", kind="bilateral_stocks", source="made-up",
                       overwrite=True)
    assert len(data.load("mine")) == 1
    assert sorted(p.name for p in imports.iterdir()) == ["mine.csv", "mine.yml"]


def test_save_imported_validates_before_writing(imports):
    frame = survey_frame()
    frame.loc[0, "orig"] = "World"
    with pytest.raises(SchemaError, match="is an aggregate"):
        data.save_imported(frame, "bad", kind="bilateral_stocks", source="made-up")
    assert not imports.exists() or not any(imports.iterdir())


@pytest.mark.parametrize("fail_at", [1, 2])
def test_save_imported_leaves_no_file_when_writing_fails(imports, monkeypatch, fail_at):
    calls = []
    real_replace = os.replace

    def failing_replace(src, dst):
        calls.append(dst)
        if len(calls) == fail_at:
            raise OSError("disk full (simulated)")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="simulated"):
        data.save_imported(survey_frame(), "half", kind="bilateral_stocks", source="made-up")
    assert list(imports.iterdir()) == []  # no table, no manifest, no temporary file
    assert data.imported_names() == []


@pytest.mark.parametrize("which", [".csv", ".yml"])
def test_save_imported_leaves_no_file_when_interrupted_mid_write(imports, monkeypatch, which):
    from mixedmig.data import catalog

    real = catalog._write_atomic

    def interrupted(tmp, payload):
        real(tmp, payload[: len(payload) // 2])  # half the bytes reach the disk...
        if which in tmp.name:
            raise KeyboardInterrupt  # ...then Ctrl-C while the table or manifest is written

    monkeypatch.setattr(catalog, "_write_atomic", interrupted)
    with pytest.raises(KeyboardInterrupt):
        data.save_imported(survey_frame(), "half", kind="bilateral_stocks", source="made-up")
    leftovers = [p.name for p in imports.iterdir()]
    assert leftovers == [], leftovers  # not even a hidden temporary file


def test_an_import_never_shadows_a_curated_table(imports):
    imports.mkdir()
    shutil.copyfile(data.data_dir() / "wpp2024_population.csv", imports / "steam_cohort.csv")
    (imports / "steam_cohort.yml").write_text("name: steam_cohort\nkind: population\n"
                                              "sha256: " + "0" * 64 + "\n")
    assert "indicator" in data.load("steam_cohort").columns  # the curated table wins


# -- curated manifests name their kind and conform -------------------------------------------------

def test_every_curated_manifest_names_a_kind_and_conforming_tables_pass_it():
    declared = {}
    for name in data.dataset_names():
        m = data.manifest(name)
        assert "kind" in m.raw, f"{name}.yml lacks a 'kind' field (kind: null if none)"
        if m.kind is None:
            continue
        declared.setdefault(m.kind, set()).add(name)
        frame = data.read_kind_file(m.csv_path, m.kind)
        assert len(frame) == len(data.load(name)), name
    for kind in data.KINDS.values():
        assert set(kind.conforming) == declared.get(kind.name, set()), kind.name
    assert declared["bilateral_stocks"] == {"undesa_ims_bilateral", "worldbank_bilateral_2013"}
    assert declared["displacement_stocks"] == {"unhcr_refugees_gms"}


def test_a_manifest_with_an_unknown_kind_is_refused(tmp_path):
    text = (data.data_dir() / "wpp2024_population.yml").read_text()
    bad = tmp_path / "wpp2024_population.yml"
    bad.write_text(text.replace("kind: population", "kind: populations"))
    from mixedmig.errors import ManifestError

    with pytest.raises(ManifestError, match="field 'kind' is 'populations'"):
        data.read_manifest(bad)


# -- kinds against the rooms and references they mirror --------------------------------------------

def test_referral_kinds_use_the_referral_rooms_vocabularies():
    from mixedmig.referral import events

    actors = data.get_kind("referral_actors")
    assert actors.column("sector").allowed == events.SECTORS
    assert actors.column("role").allowed == events.ROLES
    assert set(events.ACTOR_COLUMNS) == set(actors.required)
    kind = data.get_kind("referral_events")
    assert kind.column("case_category").allowed == events.CASE_CATEGORIES
    assert kind.column("outcome").allowed == events.OUTCOMES
    assert set(events.EVENT_COLUMNS) == set(kind.required)


def test_synthetic_referral_tables_pass_their_kinds(tmp_path):
    from mixedmig.referral import synthetic_referral_events

    result = synthetic_referral_events(60, 20, countries=["KHM", "THA"], seed=1)
    for frame, kind in ((result.actors, "referral_actors"), (result.events, "referral_events")):
        path = tmp_path / f"{kind}.csv"
        frame.to_csv(path, index=False)
        tidy = data.read_kind_file(path, kind)
        assert len(tidy) == len(frame)
        assert tidy["synthetic"].all()


def _snake(camel: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).lower()


def test_case_record_flags_are_the_ctdc_flags_in_snake_case():
    reference = REPO.parent / "shared" / "reference" / "ctdc_schema.csv"
    if not reference.is_file():
        pytest.skip(f"reference extract {reference} not available")
    schema = pd.read_csv(reference, dtype=str, keep_default_na=False)
    binary = schema[schema["type"].str.lower().eq("bool") | schema["values"].str.startswith("1|")]
    expected = set()
    renamed = {"is_forced_labour": "forced_labour", "is_sexual_exploit": "sexual_exploitation",
               "is_other_exploit": "other_exploitation"}
    for camel in binary["column"]:
        snake = _snake(camel)
        snake = renamed.get(snake, re.sub(r"^is_", "", snake))
        expected.add(snake)
    flags = set(data.CASE_RECORD_FLAGS) | {"forced_labour", "sexual_exploitation"}
    assert expected <= flags, sorted(expected - flags)
    pattern = re.compile(data.CASE_RECORD_FLAG_PATTERN)
    assert all(pattern.match(f) for f in data.CASE_RECORD_FLAGS)
    ages = schema.loc[schema["column"] == "ageBroad", "values"].iloc[0]
    assert tuple(ages.replace("--", "-").split("|")) == data.AGE_BANDS


# -- the documentation -------------------------------------------------------------------------------

def test_bringing_your_own_data_doc_shows_the_kinds_table():
    text = (REPO / "docs" / "bringing-your-own-data.md").read_text(encoding="utf-8")
    assert data.kinds_markdown() in text, "regenerate the table with data.kinds_markdown()"
    for word in ("MIXEDMIG_DATA", "MIXEDMIG_IMPORTS", "mixedmig validate", "save_imported",
                 "Fetching and importing official files"):
        assert word in text


def test_catalog_docstring_documents_the_environment_variables():
    from mixedmig.data import catalog

    assert "MIXEDMIG_DATA" in catalog.__doc__ and "MIXEDMIG_IMPORTS" in catalog.__doc__


def test_kinds_table_lists_every_kind_once():
    table = data.kinds_table()
    assert table["kind"].tolist() == data.kind_names()
    assert np.all(table["required"].str.len() > 0)


# -- what a new researcher's files look like (new-user review) ----------------------------------

# made-up test values: one valid bilateral stock, written as spreadsheets save it
ROW = ["MMR", "THA", "2020", "total", "1200", "made-up survey"]
COLUMNS = ["orig", "dest", "year", "sex", "stock", "source"]


def _joined(separator: str, newline: str = "\n") -> str:
    return separator.join(COLUMNS) + newline + separator.join(ROW) + newline


SEPARATED = {  # name -> (bytes of the file, the separator the message must name)
    "excel_bom_semicolon_crlf": (b"\xef\xbb\xbf" + _joined(";", "\r\n").encode(), "';'"),
    "semicolon": (_joined(";").encode(), "';'"),
    "tsv": (_joined("\t").encode(), "tabs"),
    "bar": (_joined("|").encode(), "'|'"),
    "excel_sep_line": (("sep=;\r\n" + _joined(";", "\r\n")).encode(), "';'"),
}


@pytest.mark.parametrize("name", sorted(SEPARATED))
@pytest.mark.parametrize("schema", ["bilateral_stocks", "undesa_ims_bilateral"])
def test_another_separator_is_named_with_the_fix_for_kinds_and_tables(tmp_path, name, schema):
    content, label = SEPARATED[name]
    path = tmp_path / f"{name}.csv"
    path.write_bytes(content)
    with pytest.raises(SchemaError) as info:
        data.validate_file(path, schema)
    error = info.value
    assert error.problem_count == 1 and error.row == 1  # the cause, not its symptoms
    text = str(error)
    assert f"the file uses {label}" in text and "as separator, not commas" in text
    assert "Save it comma-separated (CSV UTF-8)" in text
    assert "is not a column of kind" not in text and "missing column" not in text


def test_another_separator_is_named_by_load_and_for_a_frame(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_bytes(SEPARATED["excel_bom_semicolon_crlf"][0])
    with pytest.raises(SchemaError, match="the file uses ';' .semicolons. as separator"):
        data.load(path, kind="bilateral_stocks")
    frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig")  # read as if comma-separated
    with pytest.raises(SchemaError, match="uses ';' .semicolons. as separator") as info:
        data.validate_kind_frame(frame, "bilateral_stocks")
    assert "pd.read_csv(path, sep=';'" in str(info.value)
    # once saved with commas, the same values pass
    path.write_text(_joined(","), encoding="utf-8")
    assert data.load(path, kind="bilateral_stocks")["stock"].tolist() == [1200]


def test_a_column_name_holding_a_semicolon_is_not_taken_for_a_separator(tmp_path):
    # made-up test values: a comma-separated file with one odd extra column
    path = write(tmp_path, "year,country,gdp;ppp\n2021,IND,7000\n")
    with pytest.raises(SchemaError) as info:
        data.validate_file(path, "country_covariates")
    assert "as separator" not in str(info.value)
    assert "'gdp;ppp' is not a column of kind" in str(info.value)


def _xlsx(path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(COLUMNS)
    book.active.append(ROW)
    book.save(path)
    return path


def _ods(path: Path) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:  # the OpenDocument container: mimetype first
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return path


def _zip(path: Path) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("survey.csv", _joined(","))
    return path


def _xls(path: Path) -> Path:
    # the OLE2 compound-file signature that every Excel 97-2003 workbook starts with
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    return path


def _gzip(path: Path) -> Path:
    import gzip

    path.write_bytes(gzip.compress(_joined(",").encode()))
    return path


BINARY = {  # file name -> (writer, what the message must call it, a word of the fix)
    "survey.xlsx": (_xlsx, "an Excel workbook (.xlsx)", "CSV UTF-8"),
    "survey.xls": (_xls, "an Excel 97-2003 workbook (.xls)", "CSV UTF-8"),
    "survey.ods": (_ods, "an OpenDocument spreadsheet (.ods)", "Text CSV"),
    "survey.zip": (_zip, "a zip archive", "extract the CSV file"),
    "survey.csv.gz": (_gzip, "a gzip-compressed file", "decompress it"),
    "survey_saved_as.csv": (_xlsx, "an Excel workbook (.xlsx)", "CSV UTF-8"),  # misnamed
}


@pytest.mark.parametrize("name", sorted(BINARY))
def test_workbooks_and_archives_are_named_not_read_as_text(tmp_path, name):
    writer, what, fix = BINARY[name]
    path = writer(tmp_path / name)
    for call in (lambda: data.validate_file(path, "bilateral_stocks"),
                 lambda: data.validate_file(path, "undesa_ims_bilateral"),
                 lambda: data.load(path, kind="bilateral_stocks")):
        with pytest.raises(SchemaError) as info:
            call()
        text = str(info.value)
        assert f"this is {what}, not a CSV text file" in text and fix.lower() in text.lower()
        assert info.value.problem_count == 1
        # never the bytes of the file as a column name, never the symptom "not UTF-8"
        assert "PK" not in text and "\\x" not in text and "not UTF-8" not in text


def test_a_header_only_mismatch_with_a_table_hints_at_its_kind(tmp_path):
    # made-up test values: valid for kind bilateral_stocks, not in the curated column order
    path = write(tmp_path, "year,orig,dest,stock\n2020,MMR,THA,1200\n")
    with pytest.raises(SchemaError) as info:
        data.validate_file(path, "undesa_ims_bilateral")
    error = info.value
    assert error.problem_count == 1 and "missing column(s) ['edition', 'sex']" in str(error)
    assert "matches schema kind 'bilateral_stocks'" in error.hint
    assert "--schema bilateral_stocks" in error.hint
    assert "data.validate_file(path, 'bilateral_stocks')" in error.hint
    assert error.hint in str(error)
    assert len(data.validate_file(path, "bilateral_stocks")) == 1  # the hint is true


def test_no_kind_hint_when_the_kind_refuses_the_file_too(tmp_path):
    # made-up test values: a negative stock breaks the kind as well
    path = write(tmp_path, "year,orig,dest,stock\n2020,MMR,THA,-5\n")
    with pytest.raises(SchemaError) as info:
        data.validate_file(path, "undesa_ims_bilateral")
    assert getattr(info.value, "hint", None) is None
    assert "matches schema kind" not in str(info.value)


def test_a_file_without_editions_is_never_given_a_default_edition(tmp_path, imports):
    # made-up test values
    path = write(tmp_path, "year,orig,dest,stock\n2020,MMR,THA,1200\n2020,LAO,THA,300\n")
    for frame in (data.load(path, kind="bilateral_stocks"),
                  data.validate_file(path, "bilateral_stocks"),
                  data.validate_kind_frame(pd.read_csv(path), "bilateral_stocks")):
        assert "edition" not in frame.columns  # no column invented, no value filled in
        assert frame["sex"].tolist() == ["total", "total"]  # the documented default of sex
    data.save_imported(data.load(path, kind="bilateral_stocks"), "survey_no_edition",
                       kind="bilateral_stocks", source="made-up survey")
    loaded = data.load("survey_no_edition")
    assert "edition" not in loaded.columns
    record = yaml.safe_load((imports / "survey_no_edition.yml").read_text())
    assert record["edition"] is None
    # an edition column with a missing value is refused, not filled
    path = write(tmp_path, "edition,year,orig,dest,stock\n,2020,MMR,THA,1200\n")
    with pytest.raises(SchemaError, match="empty value"):
        data.load(path, kind="bilateral_stocks")


def test_a_missing_value_spelt_out_in_an_integer_column_says_leave_it_empty(tmp_path):
    # MADE-UP cells 'N/A' and '..' in otherwise real rows (lines 8783 and 12938 of
    # ../shared/reference/unhcr_population_asia.csv)
    path = tmp_path / "mine.csv"
    path.write_text("year,orig,asylum,refugees,asylum_seekers\n"
                    "2022,MMR,MMR,0,N/A\n2024,MMR,THA,..,0\n")
    with pytest.raises(SchemaError) as info:
        data.validate_file(path, "displacement_stocks")
    got = [(p.line, p.column, p.message, p.fix) for p in info.value.problems]
    assert got == [
        (2, "asylum_seekers", "'N/A' is not an integer", "Leave the cell empty for a missing value."),
        (3, "refugees", "'..' is not an integer", "Leave the cell empty for a missing value.")]
    # a column that may not be empty: the fix says the figure is required
    path.write_text("year,orig,dest,stock\nN/A,MMR,THA,5\n")  # made-up values
    with pytest.raises(SchemaError) as info:
        data.validate_file(path, "bilateral_stocks")
    assert info.value.problems[0].fix == (
        "Leave the cell empty for a missing value; but kind 'bilateral_stocks' requires a "
        "figure in this column: fill it in.")
