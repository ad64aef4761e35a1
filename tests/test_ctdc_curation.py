"""tools/curate_ctdc.py rebuilds the CTDC aggregate tables of data/raw byte for byte.

Skipped when the reference extract (``../shared/reference/ctdc_gms_2020_04_14.csv``, outside
the project) is absent, as the other reference cross-checks are.  The published figures below
come from ``ctdc_gms_2020_04_14.source.md`` and the issue text, not from the code.
"""

from __future__ import annotations

import filecmp
import hashlib
import importlib.util
import os
from pathlib import Path

import pytest
import yaml

from mixedmig import data

REPO = Path(__file__).resolve().parents[1]
TABLES = ("ctdc_cases_corridor_year", "ctdc_cases_profile")


def _reference_dir() -> Path:
    if os.environ.get("MIXEDMIG_REFERENCE_DIR"):
        return Path(os.environ["MIXEDMIG_REFERENCE_DIR"])
    return REPO.parent / "shared" / "reference"


REFERENCE = _reference_dir()


def _curate_module():
    spec = importlib.util.spec_from_file_location("curate_ctdc", REPO / "tools" / "curate_ctdc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    if not (REFERENCE / "ctdc_gms_2020_04_14.csv").is_file():
        pytest.skip(f"reference extract {REFERENCE / 'ctdc_gms_2020_04_14.csv'} not available")
    out = tmp_path_factory.mktemp("ctdc")
    written = _curate_module().build_all(out, REFERENCE)
    assert sorted(name for name, _ in written) == sorted(TABLES)
    return out


@pytest.mark.parametrize("name", TABLES)
@pytest.mark.parametrize("suffix", [".csv", ".yml"])
def test_rebuild_is_byte_identical(rebuilt, name, suffix):
    assert filecmp.cmp(rebuilt / f"{name}{suffix}", REPO / "data" / "raw" / f"{name}{suffix}", shallow=False), (
        f"data/raw/{name}{suffix} differs from a rebuild: run tools/curate_ctdc.py")


@pytest.mark.parametrize("name", TABLES)
def test_manifest_records_input_and_csv_digests(rebuilt, name):
    manifest = yaml.safe_load((REPO / "data" / "raw" / f"{name}.yml").read_text(encoding="utf-8"))
    extract = REFERENCE / "ctdc_gms_2020_04_14.csv"
    assert manifest["derived_from"]["sha256"] == hashlib.sha256(extract.read_bytes()).hexdigest()
    assert manifest["derived_from"]["records"] == 3685
    csv_bytes = (REPO / "data" / "raw" / f"{name}.csv").read_bytes()
    assert manifest["sha256"] == hashlib.sha256(csv_bytes).hexdigest()


@pytest.mark.parametrize("name", TABLES)
def test_manifest_cites_ctdc_release_and_caveats(name):
    manifest = data.manifest(name)
    raw = manifest.raw
    assert "Counter Trafficking Data Collaborative" in manifest.publisher
    assert "14 Apr 2020" in manifest.edition
    assert "not confirmed" in manifest.licence and "aggregates" in manifest.licence
    assert "wellingtonf-souza/Human-Trafficking" in manifest.sources[0]["via"]
    assert "Namibia" in manifest.description and "not a sample" in manifest.description
    assert "registration, not of exploitation" in manifest.description
    control = raw["disclosure_control"]
    assert control["case_derived"] is True and control["threshold"] == 11
    assert control["marker"] == "[c]" and control["count_column"] == "cases"
    assert "n_primary" not in control  # would tell a reader more than the table does


def test_corridor_year_published_figures():
    table = data.load("ctdc_cases_corridor_year")
    assert int(table["cases"].sum()) == 3685  # nothing hidden: every cell is 0 or >= 11
    assert table["flag"].isna().all()

    def cases(cit, coe, year=None):
        rows = table[(table["citizenship"] == cit) & (table["country_of_exploitation"] == coe)]
        if year is not None:
            rows = rows[rows["year_of_registration"] == year]
        return int(rows["cases"].sum())

    # ctdc_gms_2020_04_14.source.md (citizenship x country of exploitation; caveat 2)
    assert cases("MMR", "IDN") == 1224 and cases("MMR", "IDN", 2015) == 1011
    assert cases("KHM", "THA") == 254 and cases("KHM", "MYS") == 120
    assert cases("KHM", "CHN") == 79 and cases("KHM", "IDN") == 253
    assert cases("LAO", "THA") == 126 and cases("VNM", "MYS") == 108
    by_year = table.groupby("year_of_registration")["cases"].sum().to_dict()
    assert by_year == {2010: 178, 2013: 29, 2014: 136, 2015: 1127, 2016: 370, 2017: 868, 2018: 977}
    idn = table[table["country_of_exploitation"] == "IDN"]
    assert int(idn["cases"].sum()) == 1532
    assert int(table.loc[table["citizenship"].isna(), "cases"].sum()) == 82


def test_profile_published_figures():
    table = data.load("ctdc_cases_profile")
    assert int(table["cases"].sum()) == 3685
    by_sex = table.groupby("sex")["cases"].sum().to_dict()
    assert by_sex == {"female": 1335, "male": 2350}  # .source.md: Male 2,350, Female 1,335
    myanmar = table[table["citizenship"] == "MMR"]
    assert int(myanmar["cases"].sum()) == 1250  # 1,224 (IDN) + 26 (BGD)
    # the whole Myanmar -> Indonesia group is flagged forced labour (1,426 of the 1,532 IDN rows)
    assert int(myanmar.loc[myanmar["form_of_exploitation"] == "forced labour", "cases"].sum()) == 1250
