"""`mixedmig build`: deterministic, atomic, with a manifest of input and output digests."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from mixedmig import data
from mixedmig.data import derived
from mixedmig.errors import DataError, InputError, IntegrityError, SchemaError


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    target = tmp_path_factory.mktemp("build") / "processed"
    data.build(target)
    return target


def _tree_bytes(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_second_build_is_byte_identical(built, tmp_path):
    again = tmp_path / "processed"
    data.build(again)
    assert _tree_bytes(again) == _tree_bytes(built)


def test_manifest_records_every_input_and_output(built):
    record = json.loads((built / "manifest.json").read_text())
    files = {p.relative_to(built).as_posix() for p in built.rglob("*.csv")}
    assert set(record["outputs"]) == files
    for relative, digest in record["outputs"].items():
        assert data.sha256_file(built / relative) == digest
    raw = data.data_dir()
    assert set(record["inputs"]) == {f"data/raw/{p.name}" for p in raw.iterdir()
                                     if p.suffix in (".csv", ".yml")}
    for name, digest in record["inputs"].items():
        assert data.sha256_file(raw / name.removeprefix("data/raw/")) == digest


def test_od_tables_one_per_edition_and_year_never_mixed(built):
    stocks = data.load("undesa_ims_bilateral")
    expected = {f"undesa_od/edition-{e}/year-{y}.csv"
                for e, y in stocks[["edition", "year"]].drop_duplicates().itertuples(index=False)}
    produced = {p.relative_to(built).as_posix() for p in (built / "undesa_od").rglob("*.csv")}
    assert produced == expected
    table_2019 = pd.read_csv(built / "undesa_od/edition-2019/year-1990.csv")
    table_2024 = pd.read_csv(built / "undesa_od/edition-2024/year-1990.csv")
    mmr_tha = ("orig == 'MMR' and dest == 'THA'")
    # UN DESA: Myanmar-born in Thailand, 1990, as re-estimated by each edition
    assert table_2019.query(mmr_tha)["stock_total"].item() == 229504
    assert table_2024.query(mmr_tha)["stock_total"].item() == 1106
    assert table_2024.query(mmr_tha)["orig_name"].item() == "Myanmar"


def test_gravity_pairs_cover_every_ordered_pair(built):
    pairs = pd.read_csv(built / "gravity_pairs.csv")
    years = pairs["year"].nunique()
    assert len(pairs) == years * 15 * 14
    assert not pairs.duplicated(["year", "orig", "dest"]).any()
    row = pairs.query("year == 2020 and orig == 'MMR' and dest == 'THA'").iloc[0]
    assert row["stock"] == 1576317 and bool(row["stock_listed"])
    assert row["contig"] == 1


def test_failed_build_leaves_previous_outputs_intact(tmp_path, monkeypatch):
    target = tmp_path / "processed"
    data.build(target)
    before = _tree_bytes(target)

    def broken():
        raise SchemaError("simulated failure half-way through the build")

    monkeypatch.setattr(derived, "identified_victims_wide", broken)
    with pytest.raises(SchemaError, match="simulated failure"):
        data.build(target)
    assert _tree_bytes(target) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".processed-")]


def test_bad_raw_table_stops_the_build_before_writing(tmp_path, monkeypatch):
    raw = tmp_path / "data" / "raw"
    shutil.copytree(data.data_dir(), raw)
    csv_path = raw / "uniap_identified_victims.csv"
    csv_path.write_text(csv_path.read_text() + "extra,row\n")
    monkeypatch.setenv("MIXEDMIG_DATA", str(raw))
    with pytest.raises(Exception, match="sha256 mismatch"):
        data.build(tmp_path / "data" / "processed")
    assert not (tmp_path / "data" / "processed").exists()


@pytest.fixture
def raw_copy(tmp_path, monkeypatch):
    """A clone's data folder with data/raw only (as on a fresh clone: nothing built)."""
    raw = tmp_path / "data" / "raw"
    shutil.copytree(data.data_dir(), raw)
    monkeypatch.setenv("MIXEDMIG_DATA", str(raw))
    return raw


def test_derived_table_loads_the_same_frame_built_or_not(raw_copy):
    assert not data.processed_dir().exists()
    in_memory = data.load("gravity_pairs")  # fresh clone: built in memory from data/raw
    pd.testing.assert_frame_equal(in_memory, data.gravity_pairs())
    target = data.build()
    assert target == raw_copy.parent / "processed"
    from_disk = data.load("gravity_pairs")
    pd.testing.assert_frame_equal(from_disk, in_memory)
    record = json.loads((target / "manifest.json").read_text())
    # the digest of the CSV text is the same either way, and is the file's recorded digest
    assert in_memory.attrs["manifest"]["sha256"] == record["outputs"]["gravity_pairs.csv"]
    assert from_disk.attrs["manifest"]["sha256"] == record["outputs"]["gravity_pairs.csv"]
    # UN DESA 2024: Myanmar-born in Thailand, 2020
    row = from_disk.query("year == 2020 and orig == 'MMR' and dest == 'THA'")
    assert row["stock"].item() == 1576317
    for name in ("identified_victims_wide", "undesa_od/edition-2024/year-1990"):
        pd.testing.assert_frame_equal(data.load(name, processed=True),
                                      data.load(name, processed=False))
    od = data.load("undesa_od/edition-2024/year-1990")
    assert od.query("orig == 'MMR' and dest == 'THA'")["stock_total"].item() == 1106
    victims = data.load("identified_victims_wide").set_index("country")
    assert victims.loc["CHN", "2009"] == 10820 and pd.isna(victims.loc["CHN", "2008"])


def test_processed_table_is_checked_against_the_build_manifest(raw_copy):
    target = data.build()
    path = target / "gravity_pairs.csv"
    path.write_text(path.read_text().replace("1576317", "1576318"))
    with pytest.raises(IntegrityError, match=r"gravity_pairs\.csv.*sha256 mismatch.*mixedmig build"):
        data.load("gravity_pairs")
    data.build()
    yml = raw_copy / "steam_cohort.yml"
    yml.write_text(yml.read_text() + "# edited after the build\n")
    with pytest.raises(IntegrityError, match=r"out of date: data/raw/steam_cohort\.yml changed"):
        data.load("gravity_pairs")


def test_build_keeps_the_folder_readme(raw_copy):
    target = data.processed_dir()
    target.mkdir()
    (target / "README.md").write_text("# data/processed\n")
    data.build()
    assert (target / "README.md").read_text() == "# data/processed\n"
    assert (target / "manifest.json").is_file()


def test_load_argument_errors(raw_copy):
    with pytest.raises(DataError, match="data/processed has not been built"):
        data.load("gravity_pairs", processed=True)
    with pytest.raises(DataError, match="no derived table named 'undesa_od/edition-1990/year-1'"):
        data.load("undesa_od/edition-1990/year-1")
    with pytest.raises(InputError, match="non-empty string"):
        data.load(3)
    with pytest.raises(InputError, match="derived tables only"):
        data.load("steam_cohort", processed=True)
    with pytest.raises(DataError, match="no dataset named 'nope'.*gravity_pairs"):
        data.load("nope")
