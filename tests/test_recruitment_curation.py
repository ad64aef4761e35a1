"""The fair-recruitment tables of data/raw: rebuilt byte for byte by tools/curate_recruitment.py
from ../shared/reference (those tests skip when the folder is absent), figure by figure equal to
the extracts, and consistent with the publications' own arithmetic.

Published figures checked: Habiyakare & Zhong (2019), Lao PDR LFS 2017, Table 1 (p. 418): totals
of costs USD 6,843,640 (male 3,946,239 + female 2,897,401) and of earnings USD 20,866,748
(male 12,158,304 + female 8,708,444) over 48,429 persons (27,919 + 20,510); 254 of 280 return
migrant workers sampled had non-zero costs and earnings. Thailand NSO Statistical Yearbook 2019:
work permits in force, December 2017, 2,062,807 = the sum of the seven permit types. ADB/JUNIMA
(2014): 1,480,000 registered migrants in 2011, shares 78.6 / 10.9 / 10.5 percent.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from mixedmig import data

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "tools" / "curate_recruitment.py"
REFERENCE = Path(os.environ.get("MIXEDMIG_REFERENCE_DIR", REPO.parent / "shared" / "reference"))
TABLES = ("recruitment_costs_gms", "thailand_migrant_workers")
needs_reference = pytest.mark.skipif(not REFERENCE.is_dir(),
                                     reason="../shared/reference is not available")


def _reference(name):
    with open(REFERENCE / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@needs_reference
def test_script_rebuilds_data_raw_byte_for_byte(tmp_path):
    for out in (tmp_path / "a", tmp_path / "b"):
        subprocess.run([sys.executable, str(SCRIPT), "--out", str(out), "--reference",
                        str(REFERENCE)], check=True, capture_output=True, text=True)
    for name in TABLES:
        for suffix in (".csv", ".yml"):
            rebuilt = (tmp_path / "a" / f"{name}{suffix}").read_bytes()
            assert rebuilt == (tmp_path / "b" / f"{name}{suffix}").read_bytes()
            assert rebuilt == (data.data_dir() / f"{name}{suffix}").read_bytes(), name


@needs_reference
def test_recruitment_costs_equal_the_extract_figure_by_figure():
    table = data.load("recruitment_costs_gms")
    for r in _reference("recruitment_costs_gms.csv"):
        measure = r["measure"].replace("_RCI_mean", "_mean")
        row = table[(table["origin"] == r["origin_iso3"]) & (table["measure"] == measure)
                    & (table["sex"] == r["sex"])]
        assert len(row) == 1, (r["origin_iso3"], measure, r["sex"])
        row = row.iloc[0]
        assert row["value"] == float(r["value"])
        assert row["unit"] == r["unit"]
        for ours, theirs in (("sample_cases", "sample_cases"),
                             ("weighted_persons", "weighted_persons"),
                             ("min", "min"), ("max", "max"), ("std_error", "std_error")):
            if r[theirs].strip():
                assert float(row[ours]) == float(r[theirs]), ours
            else:
                assert pd.isna(row[ours]), ours
        assert row["reliability"] == ("primary" if r["source_type"].startswith("primary")
                                      else "secondary")
    # the extract's rows plus the female RCI row (printed, cut off in the stored page: missing)
    assert len(table) == len(_reference("recruitment_costs_gms.csv")) + 1


@needs_reference
def test_thailand_points_equal_the_extract_figure_by_figure():
    table = data.load("thailand_migrant_workers")
    extract = _reference("thailand_migrant_workers_points.csv")
    assert len(table) == len(extract)
    keyed = table.set_index(["ref_date", "measure", "nationality"])
    for r in extract:
        row = keyed.loc[(r["ref_date"], r["measure"], r["nationality_iso3"])]
        assert row["value"] == float(r["value"])
        assert bool(row["derived"]) == (r["derived"] == "yes")


def test_lao_sex_rows_add_up_to_the_published_totals():
    table = data.load("recruitment_costs_gms")
    lao = table[table["origin"] == "LAO"].set_index(["measure", "sex"])
    for measure in ("recruitment_cost_mean", "monthly_earnings_abroad_mean"):
        m, f, t = (lao.loc[(measure, s)] for s in ("male", "female", "total"))
        assert m["published_total"] + f["published_total"] == t["published_total"]
        assert m["weighted_persons"] + f["weighted_persons"] == t["weighted_persons"] == 48429
        assert m["sample_cases"] + f["sample_cases"] == t["sample_cases"] == 254
        for row in (m, f, t):  # mean = total / persons, to the printed cent
            assert abs(row["published_total"] / row["weighted_persons"] - row["value"]) <= 0.01
    assert lao.loc[("recruitment_cost_mean", "total"), "published_total"] == 6_843_640
    assert lao.loc[("monthly_earnings_abroad_mean", "total"), "published_total"] == 20_866_748
    # 254 of the 280 sampled return migrant workers had non-zero costs and earnings
    assert lao.loc[("return_migrant_workers", "total"), "sample_cases"] == 280
    # the ratio of the published means is 0.328; the published mean of ratios is 0.33
    ratio = (lao.loc[("recruitment_cost_mean", "total"), "value"]
             / lao.loc[("monthly_earnings_abroad_mean", "total"), "value"])
    assert round(ratio, 3) == 0.328
    assert lao.loc[("recruitment_cost_indicator_mean", "total"), "value"] == 0.33
    assert pd.isna(lao.loc[("recruitment_cost_indicator_mean", "female"), "value"])


def test_viet_nam_rows_are_secondary_and_approximately_consistent():
    table = data.load("recruitment_costs_gms")
    vnm = table[table["origin"] == "VNM"].set_index("measure")
    assert set(vnm["reliability"]) == {"secondary"}
    assert set(vnm["destination"]) == {"MYS"} and set(vnm["sample_cases"]) == {339}
    # 1,375 / 354 = 3.88 months, printed as 'about 3.9'
    ratio = vnm.loc["recruitment_cost_paid_to_recruiter_mean", "value"] / vnm.loc[
        "monthly_wage_mean", "value"]
    assert round(ratio, 1) == vnm.loc["cost_in_months_of_earnings", "value"] == 3.9
    lao = table[table["origin"] == "LAO"]
    assert set(lao["reliability"]) == {"primary"} and lao["destination"].isna().all()


def test_thailand_points_arithmetic():
    table = data.load("thailand_migrant_workers")
    keyed = table.set_index(["ref_date", "measure", "nationality"])["value"]
    permits = table[(table["ref_date"] == "2017-12") & (table["measure"] != "work_permits_total")]
    assert permits["value"].sum() == keyed[("2017-12", "work_permits_total", "ALL")] == 2_062_807
    shares = table[table["measure"] == "registered_migrants_share"]
    assert shares["value"].sum() == pytest.approx(100.0)
    total = keyed[("2011", "registered_migrants_total", "CLM")]
    for nat in ("MMR", "KHM", "LAO"):
        assert keyed[("2011", "registered_migrants", nat)] == pytest.approx(
            total * keyed[("2011", "registered_migrants_share", nat)] / 100)
    assert ((table["reliability"] == "computed") == table["derived"].astype(bool)).all()
    # the 2017 employer reports by nationality sum to 10 more than the stated total (kept)
    parts = sum(keyed[("2017-08-07", "employer_reported_undocumented_workers", n)]
                for n in ("MMR", "KHM", "LAO"))
    assert parts - keyed[("2017-08-07", "employer_reported_undocumented_workers", "CLM")] == 10


@pytest.mark.parametrize("name", TABLES)
def test_manifests_cite_every_source_and_declare_the_kind(name):
    table = data.load(name)
    manifest = table.attrs["manifest"]
    raw = data.manifest(name).raw  # the YAML as written
    assert "kind" in raw and raw["kind"] is None  # published figures, no schema kind
    assert set(table["source"]) == {s["id"] for s in manifest["sources"]}
    urls = {s["url"] for s in manifest["sources"]}
    assert set(table["url"].dropna()) <= urls
    assert data.sha256_file(data.data_dir() / f"{name}.csv") == manifest["sha256"]
