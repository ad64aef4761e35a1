"""corridor_profile: every measure of one corridor, checked against the source tables read here
independently (pandas on data/raw CSVs), units never mixed, empty corridors and bad input."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mixedmig import countries, data
from mixedmig.errors import InputError, UnknownCountryError
from mixedmig.profiles import CorridorProfile, corridor_profile
from mixedmig.profiles.corridor import MEASURE_FAMILIES, PROFILE_COLUMNS
from mixedmig.results import Result

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def raw(name: str) -> pd.DataFrame:
    # 'NA' is Namibia in these tables: only empty cells are missing.
    return pd.read_csv(RAW / f"{name}.csv", keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def mmr_tha():
    return corridor_profile("MMR", "THA")


@pytest.fixture(scope="module")
def khm_tha():
    return corridor_profile("KHM", "THA")


def family(profile, name):
    rows = profile.to_frame()
    return rows[rows["family"] == name].reset_index(drop=True)


def same(a, b):
    return (pd.isna(a) and pd.isna(b)) or float(a) == float(b)


# ----------------------------------------------------------------- value by value, two corridors

@pytest.mark.parametrize("origin", ["MMR", "KHM"])
def test_undesa_stocks_every_edition_year_and_sex(origin):
    p = corridor_profile(origin, "THA")
    src = raw("undesa_ims_bilateral")
    src = src[(src.orig == origin) & (src.dest == "THA")]
    got = family(p, "migrant stock (UN DESA)")
    assert len(got) == len(src) > 0
    merged = got.assign(edition=got.edition.astype(int), year=got.year.astype(int)).merge(
        src, on=["edition", "year", "sex"], validate="one_to_one")
    assert len(merged) == len(src)
    assert (merged["value"] == merged["stock"]).all()
    assert set(got["unit"]) == {"persons (stock)"} and set(got["quantity"]) == {"stock"}
    # each edition cites its own UN DESA revision
    for row in got.itertuples():
        assert f"({row.edition})" in row.citation


def test_undesa_published_values_mmr_tha(mmr_tha):
    # UN DESA International Migrant Stock 2024: Myanmar-born in Thailand, mid-2024.
    got = family(mmr_tha, "migrant stock (UN DESA)").query("edition == '2024' and year == 2024")
    values = dict(zip(got["sex"], got["value"]))
    assert values == {"total": 1708695.0, "male": 925560.0, "female": 783135.0}
    assert values["male"] + values["female"] == values["total"]


@pytest.mark.parametrize("origin", ["MMR", "KHM"])
def test_worldbank_and_unhcr(origin):
    p = corridor_profile(origin, "THA")
    wb = raw("worldbank_bilateral_2013").query("orig == @origin and dest == 'THA'")
    got = family(p, "migrant stock (World Bank 2013)")
    assert got["value"].tolist() == wb["migrants"].astype(float).tolist()
    un = raw("unhcr_refugees_gms").query("orig == @origin and asylum == 'THA'")
    for column, name in (("refugees", "refugees (UNHCR)"),
                         ("asylum_seekers", "asylum-seekers (UNHCR)")):
        # every published figure of the pair, zeros included
        want = un[un[column].notna()].set_index("year")[column].astype(float)
        got = family(p, name).set_index("year")["value"]
        got.index = got.index.astype(int)
        pd.testing.assert_series_equal(got.sort_index(), want.sort_index(),
                                       check_names=False, check_index_type=False)


@pytest.mark.parametrize("origin", ["MMR", "KHM"])
def test_thailand_registrations_are_points_of_the_nationality(origin):
    p = corridor_profile(origin, "THA")
    src = raw("thailand_migrant_workers").query("nationality == @origin")
    got = family(p, "migrant workers in Thailand (official points)")
    assert sorted(got["value"]) == sorted(src["value"].astype(float))
    assert set(got["quantity"]) <= {"point", "share"}
    assert (got.loc[got.quantity == "share", "unit"] == "percent of registered migrants").all()
    # grouped rows (ALL, CLM, KLMV) are not attributed to the corridor
    assert len(got) == len(src)


def test_uniap_by_country_not_corridor(mmr_tha):
    src = raw("uniap_identified_victims")
    for side, code in (("origin", "MMR"), ("destination", "THA")):
        got = family(mmr_tha, f"identified victims reported by the {side} (UNIAP)")
        want = src[src.country == code].sort_values("year")
        assert len(got) == len(want) == 5
        assert all(same(a, b) for a, b in zip(got.sort_values("year")["value"], want["victims"]))
        assert got["caveat"].str.contains("NOT by corridor").all()
    # Thailand 2012 was published as N/A: missing, and never the "latest" value
    m = mmr_tha.measures()
    tha = m[m.family == "identified victims reported by the destination (UNIAP)"].iloc[0]
    assert tha["latest"] == float(src.query("country == 'THA' and year == 2011").victims.item())


def test_ctdc_khm_tha_and_absence_in_mmr_tha(khm_tha, mmr_tha):
    src = raw("ctdc_cases_corridor_year").query(
        "citizenship == 'KHM' and country_of_exploitation == 'THA'")
    got = family(khm_tha, "registered trafficking cases (CTDC)")
    assert dict(zip(got.year.astype(int), got.value)) == dict(
        zip(src.year_of_registration, src.cases.astype(float)))
    # read in the table by hand: 52 in 2010, 76 in 2016, 126 in 2017
    assert {y: v for y, v in zip(got.year.astype(int), got.value) if v} == {
        2010: 52.0, 2016: 76.0, 2017: 126.0}
    assert set(got["unit"]) == {"registered cases"}
    na = mmr_tha.not_available.set_index("family")
    assert "absence is not zero" in na.loc["registered trafficking cases (CTDC)", "reason"]


def test_ctdc_suppressed_cells_stay_suppressed():
    # made-up test values: one suppressed cell ([c]) and one published cell
    fake = pd.DataFrame({"citizenship": ["KHM", "KHM"], "country_of_exploitation": ["THA", "THA"],
                         "year_of_registration": [2016, 2017], "cases": [pd.NA, 40],
                         "flag": ["[c]", None]})
    p = corridor_profile("KHM", "THA", tables={"ctdc_cases_corridor_year": fake})
    got = family(p, "registered trafficking cases (CTDC)").set_index("year")
    assert math.isnan(got.loc[2016, "value"]) and got.loc[2016, "flag"] == "[c]"
    assert got.loc[2017, "value"] == 40.0 and got.loc[2017, "flag"] == ""
    m = p.measures()
    assert m.loc[m.family == "registered trafficking cases (CTDC)", "latest"].item() == 40.0


def test_repatriations_run_from_destination_to_origin(mmr_tha, khm_tha):
    src = raw("gms_repatriations")
    for p, origin in ((mmr_tha, "MMR"), (khm_tha, "KHM")):
        want = src[(src.from_iso3 == "THA") & (src.to_iso3 == origin)]
        got = family(p, "repatriations and returns")
        assert sorted(zip(got.period, got.value)) == sorted(
            zip(want.period, want["count"].astype(float)))
        assert set(got["quantity"]) == {"flow"}
    got = family(khm_tha, "repatriations and returns")
    deported = got[got.measure.str.startswith("migrants deported")]
    # Poipet deportees (US TIP 2018/2019) and the H1 2020 push-backs are migrants, not victims
    assert sorted(deported.value) == [1000.0, 55000.0, 70225.0, 70500.0]
    victims = got[got.measure.str.startswith("victims repatriated")]
    assert victims.value.tolist() == [260.0]


def test_case_tables_of_both_ends(mmr_tha, khm_tha):
    got = family(mmr_tha, "trafficking case tables")
    assert dict(zip(got.measure, got.value)) == {
        "MMR-cases-2016 (Thailand)": 9.0, "MMR-victims-2014 (Thailand)": 13.0,
        "THA-identified-victims (Burma)": 94.0, "THA-shelter-caseload-c2012 (Myanmar)": 33.0}
    units = dict(zip(got.measure, got.unit))
    assert units["MMR-cases-2016 (Thailand)"] == "cases (over a period)"
    assert units["THA-shelter-caseload-c2012 (Myanmar)"] == "percent of the table's total"
    got = family(khm_tha, "trafficking case tables")
    assert dict(zip(got.measure, got.value)) == {
        "KHM-mfa-rescues-abroad-2017 (Thailand)": 260.0,
        "THA-shelter-caseload-c2012 (Cambodia)": 11.0}


def test_recruitment_costs_where_known():
    lao = family(corridor_profile("LAO", "THA"), "recruitment costs").query("sex == 'total'")
    values = dict(zip(lao.measure, lao.value))
    # Habiyakare & Zhong (2019), Table 1: USD 141.31, USD 430.88, 0.33 months
    assert values["recruitment cost mean"] == 141.31
    assert values["monthly earnings abroad mean"] == 430.88
    assert values["recruitment cost indicator mean"] == 0.33
    assert lao["caveat"].str.startswith("ALL destinations").all()
    vnm = family(corridor_profile("VNM", "MYS"), "recruitment costs")
    assert dict(zip(vnm.measure, zip(vnm.value, vnm.unit))) == {
        "recruitment cost paid to recruiter mean": (1375.0, "USD"),
        "monthly wage mean": (354.0, "USD"),
        "cost in months of earnings": (3.9, "months of earnings"),
        "share of costs paid to recruiters": (90.0, "percent")}
    assert not vnm["caveat"].str.contains("ALL destinations").any()
    assert "recruitment costs" in set(corridor_profile("MMR", "THA").not_available.family)


# ----------------------------------------------------------------- units never mixed

_TABLES = {}


def _preloaded():
    if not _TABLES:
        for role in dict.fromkeys(MEASURE_FAMILIES.values()):
            _TABLES[role] = data.load(role)
    return _TABLES


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(c.iso3 for c in countries.COUNTRIES)),
       st.sampled_from(sorted(c.iso3 for c in countries.COUNTRIES)))
def test_units_never_mixed_and_nothing_summed(origin, destination):
    if origin == destination:
        return
    p = corridor_profile(origin, destination, tables=dict(_preloaded()))
    rows = p.to_frame()
    assert list(rows.columns) == PROFILE_COLUMNS
    # one unit and one kind of quantity per measure; one kind of quantity per unit
    assert (rows.groupby(["family", "measure"])["unit"].nunique() <= 1).all()
    assert (rows.groupby("unit")["quantity"].nunique() <= 1).all()
    # by_unit partitions the rows
    parts = p.by_unit()
    assert sum(len(f) for f in parts.values()) == len(rows)
    assert all(f["unit"].nunique() == 1 for f in parts.values())
    # every latest value is one published figure of that measure, in that unit: never a sum
    for m in p.measures().itertuples():
        if m.status == "not available":
            assert m.figures == 0 and m.family not in set(rows.family)
            continue
        mine = rows[(rows.family == m.family) & (rows.measure == m.measure)]
        assert len(mine) == m.figures and (mine.unit == m.unit).all()
        assert any(same(m.latest, v) for v in mine.value)
    # every family is either present or listed as not available, never dropped
    assert set(rows.family) | set(p.not_available.family) == set(MEASURE_FAMILIES)
    assert not set(rows.family) & set(p.not_available.family)


# ----------------------------------------------------------------- protocol, empty, bad input

def test_result_protocol_and_spellings(mmr_tha):
    assert isinstance(mmr_tha, CorridorProfile) and isinstance(mmr_tha, Result)
    assert mmr_tha.converged and mmr_tha.iterations == 0 and "MMR -> THA" in mmr_tha.message
    with pytest.raises(dataclasses.FrozenInstanceError):
        mmr_tha.origin = "KHM"
    assert set(mmr_tha.diagnostics["check"]) == set(MEASURE_FAMILIES.values())
    other = corridor_profile("Burma", "Thailand")
    assert (other.origin, other.destination) == ("MMR", "THA")
    pd.testing.assert_frame_equal(other.to_frame(), mmr_tha.to_frame())


def test_corridor_with_nothing_lists_every_family():
    p = corridor_profile("FRA", "DEU")
    assert p.to_frame().empty and list(p.to_frame().columns) == PROFILE_COLUMNS
    m = p.measures()
    assert len(m) == len(MEASURE_FAMILIES) and (m.status == "not available").all()
    assert m["caveat"].str.len().gt(0).all()
    assert "0 figures" in p.message


def test_tables_substitute_and_leave_out():
    undesa = data.load("undesa_ims_bilateral")
    p = corridor_profile("MMR", "THA", tables={
        "undesa_ims_bilateral": undesa[undesa.edition == 2019], "recruitment_costs_gms": None})
    got = family(p, "migrant stock (UN DESA)")
    assert set(got.edition) == {"2019"}
    assert "left out" in p.not_available.set_index("family").loc["recruitment costs", "reason"]
    p = corridor_profile("MMR", "THA", editions=[2024], sexes=["female"])
    got = family(p, "migrant stock (UN DESA)")
    assert set(got.edition) == {"2024"} and set(got.sex) == {"female"}
    # editions 2017 and 2019 publish both sexes only: a filter that keeps nothing is reported
    p = corridor_profile("MMR", "THA", editions=[2017], sexes=["female"])
    assert "migrant stock (UN DESA)" in set(p.not_available.family)


def test_csv_paths_stand_in_for_every_source_with_the_same_figures(tmp_path):
    # copies of the shipped tables as a researcher's files: the tables of a kind (UN DESA, World
    # Bank, UNHCR) are read in the kind's shape (World Bank's `migrants` becomes `stock`), the
    # tables of published figures against their own schema; the figures are the same. A file
    # byte-identical to the shipped table (the sha256 of its manifest) IS the shipped table, so
    # the profile is the shipped one, citation and caveats included; a file whose bytes differ
    # (here: the same rows without the last line) is the user's, never cited as the curated
    # source
    import shutil

    paths = {role: str(shutil.copy(data.data_dir() / f"{role}.csv", tmp_path / f"mine_{role}.csv"))
             for role in dict.fromkeys(MEASURE_FAMILIES.values())}
    keep = ["family", "measure", "value", "unit", "year", "sex", "edition", "flag"]
    for origin, destination in (("MMR", "THA"), ("KHM", "THA"), ("VNM", "CHN")):
        shipped = corridor_profile(origin, destination).to_frame()
        mine = corridor_profile(origin, destination, tables=paths)
        pd.testing.assert_frame_equal(mine.to_frame(), shipped)
        assert not mine.inputs["user_supplied"].any()
        assert mine.inputs["input"].tolist() == list(paths.values())
    for role in paths:
        lines = (data.data_dir() / f"{role}.csv").read_text(encoding="utf-8").splitlines(True)
        edited = tmp_path / f"edited_{role}.csv"
        edited.write_text("".join(lines[:-1]), encoding="utf-8")
        assert data.sha256_file(edited) != data.manifest(role).sha256
        p = corridor_profile("MMR", "THA", tables={role: edited})
        user = p.inputs.set_index("role").loc[role]
        assert bool(user["user_supplied"]) and user["input"] == str(edited)
        label = f"user-supplied table for {role} ({edited})"
        assert user["source_table"] == label
        rows = p.to_frame().query("source_table == @label")
        assert (rows["citation"] == label).all() and (rows["reliability"] == "").all()


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(origin="Atlantis", destination="THA"), UnknownCountryError, "Atlantis"),
    (dict(origin="THA", destination="Thailand"), InputError, "different countries"),
    (dict(origin="MMR", destination="THA", tables={"stocks": "x"}), InputError, "unknown key"),
    (dict(origin="MMR", destination="THA", tables={"gms_repatriations": 3}), InputError,
     "tables['gms_repatriations']"),
    (dict(origin="MMR", destination="THA", tables=["x"]), InputError, "must be a dict"),
    (dict(origin="MMR", destination="THA", editions=[2018]), InputError, "2017, 2019, 2024"),
    (dict(origin="MMR", destination="THA", sexes=["women"]), InputError, "total, male, female"),
])
def test_bad_input(kwargs, error, words):
    with pytest.raises(error) as info:
        corridor_profile(**kwargs)
    assert words in str(info.value)


# ----------------------------------------------------------------- review fixes

def test_case_count_latest_is_latest_non_zero_year_and_total_over_years(khm_tha):
    # KHM -> THA in the CTDC extract, read from the CSV by hand: 0 in 2013-2015 and 2018,
    # 52 in 2010, 76 in 2016, 126 in 2017 -> latest non-zero year 2017, total 52+76+126 = 254
    m = khm_tha.measures().set_index("family").loc["registered trafficking cases (CTDC)"]
    assert m["latest"] == 126.0 and m["period"] == "registered 2017"
    assert m["total"] == 254.0
    assert m["total_over"].startswith("years in the table: 2010, 2013-2018")
    assert m["caveat"].startswith("latest non-zero year shown")
    # other quantities carry no total: stocks are never summed
    stock = khm_tha.measures().set_index("family").loc["migrant stock (UN DESA)"]
    assert math.isnan(stock["total"]) and stock["total_over"] == ""


def test_case_count_all_zero_and_suppressed_totals():
    # made-up test values: every year zero -> the latest zero is shown; a suppressed cell makes
    # the total a lower bound
    zero = pd.DataFrame({"citizenship": ["KHM"] * 2, "country_of_exploitation": ["THA"] * 2,
                         "year_of_registration": [2016, 2017], "cases": [0, 0],
                         "flag": [None, None]})
    m = corridor_profile("KHM", "THA", tables={"ctdc_cases_corridor_year": zero}).measures()
    row = m.set_index("family").loc["registered trafficking cases (CTDC)"]
    assert row["latest"] == 0.0 and row["period"] == "registered 2017" and row["total"] == 0.0
    mixed = pd.DataFrame({"citizenship": ["KHM"] * 3, "country_of_exploitation": ["THA"] * 3,
                          "year_of_registration": [2014, 2016, 2017], "cases": [5, pd.NA, 0],
                          "flag": [None, "[c]", None]})
    m = corridor_profile("KHM", "THA", tables={"ctdc_cases_corridor_year": mixed}).measures()
    row = m.set_index("family").loc["registered trafficking cases (CTDC)"]
    # 2017 is zero and 2016 suppressed: the latest non-zero figure is the hidden 2016 cell
    assert row["status"] == "suppressed" and row["period"] == "registered 2016"
    assert row["total"] == 5.0 and "lower bound" in row["total_over"]
    assert "2014, 2017" in row["total_over"]


def test_user_tables_are_never_cited_as_the_curated_source(tmp_path):
    undesa = data.load("undesa_ims_bilateral")
    curated = family(corridor_profile("MMR", "THA"), "migrant stock (UN DESA)")
    assert curated["reliability"].str.len().gt(0).all()
    assert set(curated["source_table"]) == {"undesa_ims_bilateral"}
    # a DataFrame, even one with the curated rows, is the user's table
    got = family(corridor_profile("MMR", "THA", tables={"undesa_ims_bilateral": undesa}),
                 "migrant stock (UN DESA)")
    label = "user-supplied table for undesa_ims_bilateral (a DataFrame)"
    assert set(got["citation"]) == {label} and set(got["source_table"]) == {label}
    assert set(got["reliability"]) == {""}
    assert not got["citation"].str.contains("United Nations").any()
    # a CSV path is cited with its path
    path = tmp_path / "stocks.csv"
    undesa[(undesa.orig == "MMR") & (undesa.dest == "THA")].to_csv(path, index=False)
    path.with_suffix(".yml").write_text("kind: bilateral_stocks\n")
    got = family(corridor_profile("MMR", "THA", tables={"undesa_ims_bilateral": path}),
                 "migrant stock (UN DESA)")
    assert len(got) == len(curated)
    assert set(got["citation"]) == {f"user-supplied table for undesa_ims_bilateral ({path})"}
    assert set(got["reliability"]) == {""}
    # rows whose own table carries a reliability column lose it too (a DataFrame)
    repat = data.load("gms_repatriations")
    got = family(corridor_profile("KHM", "THA", tables={"gms_repatriations": repat}),
                 "repatriations and returns")
    assert len(got) > 0 and set(got["reliability"]) == {""}
    # naming the curated table explicitly keeps its citation
    named = family(corridor_profile("MMR", "THA", tables={
        "undesa_ims_bilateral": "undesa_ims_bilateral"}), "migrant stock (UN DESA)")
    pd.testing.assert_frame_equal(named, curated)


def test_unhcr_last_year_not_labelled_end_year(mmr_tha):
    src = raw("unhcr_refugees_gms")
    last = int(src["year"].max())
    got = family(mmr_tha, "refugees (UNHCR)").set_index("year")
    assert got.loc[last, "period"] == f"{last} (possibly mid-year)"
    assert got.loc[last - 1, "period"] == f"end-{last - 1}"


# ----------------------------------------------------------------- a researcher's UNHCR table

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "unhcr_population_asia.csv"
needs_reference = pytest.mark.skipif(not REFERENCE.exists(),
                                     reason="shared/reference extract not in this checkout")


#: UNHCR's own country names and codes, beside the ISO3 columns the schema kind reads.
_UNHCR_NAMES = ["coo_name", "coo", "coa_name", "coa"]


def _reference_rows(query: str) -> pd.DataFrame:
    """Rows of UNHCR's population table (the shared reference extract, UNHCR's own columns):
    real figures, read here with pandas, not with the package."""
    ref = pd.read_csv(REFERENCE, keep_default_na=False, na_values=[""])
    return ref.query(query).reset_index(drop=True)


@needs_reference
def test_a_users_unhcr_export_gets_no_mid_year_caveat(tmp_path):
    # a researcher's export that stops in 2023 (UNHCR's rows for Myanmar -> Bangladesh up to
    # 2023, with UNHCR's ISO3 columns coo_iso/coa_iso): every year is end-year, none mid-year
    rows = _reference_rows("coo_iso == 'MMR' and coa_iso == 'BGD' and year <= 2023")
    path = tmp_path / "unhcr_export_2023.csv"
    rows.drop(columns=_UNHCR_NAMES).to_csv(path, index=False)
    p = corridor_profile("MMR", "BGD", tables={"unhcr_refugees_gms": path})
    got = family(p, "refugees (UNHCR)").set_index("year")
    got.index = got.index.astype(int)
    assert not got["caveat"].str.contains("mid-year").any()
    assert got.loc[2023, "period"] == "end-2023"
    # every figure of the export, zeros included, from the export
    want = rows.set_index("year")["refugees"].astype(float)
    pd.testing.assert_series_equal(got["value"].sort_index(), want.sort_index(),
                                   check_names=False, check_index_type=False)
    line = p.latest_by_family()["refugees (UNHCR)"]
    assert line == f"{want[2023]:,.0f} persons (stock) (end-2023)"
    # the shipped table's manifest says its last year may be mid-year: only it gets the caveat
    shipped = family(corridor_profile("MMR", "BGD"), "refugees (UNHCR)").set_index("year")
    last = int(raw("unhcr_refugees_gms")["year"].max())
    assert shipped.loc[last, "period"] == f"{last} (possibly mid-year)"
    assert f"{last} may be a mid-year figure" in shipped.loc[last, "caveat"]
    assert not shipped.drop(index=last)["caveat"].str.contains("mid-year").any()


@needs_reference
def test_an_imported_tables_edition_and_an_edition_column_are_shown(tmp_path, monkeypatch):
    monkeypatch.setenv("MIXEDMIG_IMPORTS", str(tmp_path / "imports"))
    rows = _reference_rows("coo_iso == 'MMR' and coa_iso == 'THA' and year >= 2020")
    frame = rows.rename(columns={"coo_iso": "orig", "coa_iso": "asylum"})[
        ["year", "orig", "asylum", "refugees", "asylum_seekers"]]
    # the edition of the reference extract (UNHCR's R package version, its source.md)
    edition = "refugees R package 2025.12.1"
    data.save_imported(frame, "my_unhcr_export", kind="displacement_stocks",
                       source="UNHCR Refugee Data Finder, population table", edition=edition,
                       read_date="2026-12-01")
    p = corridor_profile("MMR", "THA", tables={"unhcr_refugees_gms": "my_unhcr_export"})
    got = family(p, "refugees (UNHCR)")
    assert len(got) == len(rows) and set(got["edition"]) == {edition}
    label = "user-supplied table for unhcr_refugees_gms (my_unhcr_export)"
    assert set(got["citation"]) == {label}
    one = p.inputs.set_index("role").loc["unhcr_refugees_gms"]
    assert bool(one["user_supplied"]) and one["input"] == "my_unhcr_export"
    assert one["edition"] == edition
    # a DataFrame with its own edition column (the release year of the same package): each
    # row's edition
    with_edition = frame.assign(edition=2025)
    got = family(corridor_profile("MMR", "THA", tables={"unhcr_refugees_gms": with_edition}),
                 "refugees (UNHCR)")
    assert len(got) == len(rows) and set(got["edition"]) == {"2025"}


def test_unhcr_zeros_are_figures_and_latest_is_the_latest_non_zero_year(mmr_tha):
    src = raw("unhcr_refugees_gms").query("orig == 'MMR' and asylum == 'THA'")
    asylum = src.set_index("year")["asylum_seekers"]
    got = family(mmr_tha, "asylum-seekers (UNHCR)").set_index("year")["value"]
    got.index = got.index.astype(int)
    # the published zeros are figures (value 0), not dropped
    zeros = sorted(asylum.index[asylum == 0])
    assert zeros and sorted(got.index[got == 0]) == zeros
    # latest non-zero year, and the later zero years said, as for case counts
    last_positive = int(asylum[asylum > 0].index.max())
    later = [y for y in zeros if y > last_positive]
    assert later == list(range(later[0], later[-1] + 1))  # one run, e.g. 2020-2025
    m = mmr_tha.measures().set_index("family").loc["asylum-seekers (UNHCR)"]
    assert m["latest"] == float(asylum[last_positive])
    assert m["period"] == f"end-{last_positive}"
    assert m["figures"] == len(asylum)
    assert m["zeros_after"] == f"{later[0]}-{later[-1]}"
    assert m["caveat"].startswith(f"latest non-zero year shown; 0 in {later[0]}-{later[-1]}; ")
    assert mmr_tha.latest_by_family()["asylum-seekers (UNHCR)"] == (
        f"{asylum[last_positive]:,.0f} persons (stock) (end-{last_positive}); "
        f"0 in {later[0]}-{later[-1]}")
    # a UN DESA zero stays the latest figure (a pair not itemised, read as missing)
    reverse = corridor_profile("THA", "MMR").measures().set_index("family")
    assert reverse.loc["migrant stock (UN DESA)", "zeros_after"] == ""


# ----------------------------------------------------------------- readable labels, mid-year, repeats

def test_thai_registration_measures_have_readable_labels_and_computed_rows_say_so(mmr_tha):
    # the CSV's measure column holds identifiers; the 2011 Myanmar figure is computed by the
    # collector (derived = true: 1,480,000 x 78.6%), so its label says so
    src = raw("thailand_migrant_workers").query("nationality == 'MMR'")
    got = family(mmr_tha, "migrant workers in Thailand (official points)")
    assert not got["measure"].str.contains("_").any()
    assert not got["measure"].isin(src["measure"].str.replace("_", " ")).any()
    computed = got[got["measure"].str.contains("computed by the collector")]
    want = src[src["derived"].astype(str).str.lower() == "true"]
    assert sorted(computed["value"]) == sorted(want["value"].astype(float)) == [1163280.0]
    assert set(computed["reliability"]) == {"computed"}
    assert "certificates of identity issued" in set(got["measure"])


def test_mid_year_last_names_the_shipped_unhcr_year_only(mmr_tha, tmp_path):
    last = int(raw("unhcr_refugees_gms")["year"].max())
    assert mmr_tha.mid_year_last == {"unhcr_refugees_gms": last}
    # a copy of the shipped table that stops a year earlier is the user's: no mid-year year
    mine = raw("unhcr_refugees_gms").query("year < @last")
    p = corridor_profile("MMR", "THA", tables={"unhcr_refugees_gms": mine})
    assert p.mid_year_last == {}
    assert not family(p, "refugees (UNHCR)")["period"].str.contains("mid-year").any()


def test_short_period_keeps_the_mid_year_note_only(mmr_tha):
    from mixedmig.profiles.corridor import short_period

    m = mmr_tha.measures().set_index("measure")
    last = int(raw("unhcr_refugees_gms")["year"].max())
    assert short_period(m.loc["refugees (UNHCR)", "period"]) == f"{last} (possibly mid-year)"
    assert mmr_tha.latest_by_family()["refugees (UNHCR)"].endswith(
        f"({last} (possibly mid-year))")
    ci = m.loc["certificates of identity issued", "period"]
    assert ci.startswith("2017-07-27 (") and short_period(ci) == "2017-07-27"


def test_repeated_figures_read_from_the_csvs(khm_tha, mmr_tha):
    # the same publication (same source id) gives 260 Cambodians returned from Thailand in 2017
    # in the repatriations and in Cambodia's case table of rescues abroad
    rep = raw("gms_repatriations").query("from_iso3 == 'THA' and to_iso3 == 'KHM'")
    rep = rep[~rep["from_label"].str.contains("deportee") & (rep["year_start"] == rep["year_end"])]
    case = raw("gms_trafficking_cases").query("reporting_country == 'KHM' and "
                                              "dimension == 'destination' and "
                                              "category_iso3 == 'THA'")
    both = rep.merge(case, left_on=["year_end", "count"], right_on=["year", "value"])
    assert len(both) == 1
    got = khm_tha.repeated_figures()
    assert got[["value", "year"]].values.tolist() == [[float(both["count"].item()),
                                                       int(both["year"].item())]]
    assert got["families"].item() == "repatriations and returns | trafficking case tables"
    assert bool(got["same_citation"].item()) == (both["source_x"].item() == both["source_y"].item())
    # Myanmar -> Thailand: no figure repeats across families; zeros never count as repeats
    assert mmr_tha.repeated_figures().empty
    assert list(mmr_tha.repeated_figures().columns) == [
        "value", "unit", "year", "periods", "families", "measures", "same_citation"]
