"""The data layer: manifests, hashes, schema validation and the messages users see.

Each bad-input test builds a small table in a temporary data folder (MIXEDMIG_DATA) and asserts
the content of the error message: the file, the line, the column and the fix.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest
import yaml

from mixedmig import data
from mixedmig.errors import DataError, IntegrityError, ManifestError, SchemaError

GOOD_CSV = "year,orig,dest,stock,note\n1990,MMR,THA,1106,\n1990,LAO,THA,163,listed\n"

SCHEMA = {
    "primary_key": ["year", "orig", "dest"],
    "columns": [
        {"name": "year", "type": "integer", "allowed": [1990, 2000]},
        {"name": "orig", "type": "country"},
        {"name": "dest", "type": "country"},
        {"name": "stock", "type": "integer", "minimum": 0, "nullable": True},
        {"name": "note", "type": "string", "nullable": True},
    ],
}


def write_table(folder, csv_text, name="toy", schema=None, sha=None, **overrides):
    csv_path = folder / f"{name}.csv"
    csv_path.write_bytes(csv_text.encode("utf-8"))
    manifest = {
        "name": name,
        "title": "Toy table",
        "description": "Two UN DESA 2024-edition stocks used to test the loader.",
        "source": {
            "publisher": "United Nations Department of Economic and Social Affairs, Population Division",
            "citation": "UN DESA Population Division (2024). International Migrant Stock 2024.",
            "url": "https://www.un.org/development/desa/pd/content/international-migrant-stock",
            "edition": "2024",
            "licence": "CC BY 3.0 IGO",
            "retrieved": "2026-11-29",
        },
        "units": "persons",
        "reliability": "as published",
        "sha256": sha or data.sha256_file(csv_path),
        "schema": schema or SCHEMA,
    }
    manifest.update(overrides)
    (folder / f"{name}.yml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    return csv_path


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("MIXEDMIG_DATA", str(tmp_path))
    return tmp_path


def test_load_returns_typed_frame(folder):
    write_table(folder, GOOD_CSV)
    frame = data.load("toy")
    assert list(frame.columns) == ["year", "orig", "dest", "stock", "note"]
    assert str(frame["stock"].dtype) == "Int64"
    assert frame["stock"].tolist() == [1106, 163]
    assert frame["note"].isna().tolist() == [True, False]
    assert frame.attrs["manifest"]["sources"][0]["edition"] == "2024"


def test_list_datasets_reports_title_and_source(folder):
    write_table(folder, GOOD_CSV)
    table = data.list_datasets()
    assert table.loc[0, "name"] == "toy"
    assert table.loc[0, "rows"] == 2
    assert "Population Division" in table.loc[0, "publisher"]


@pytest.mark.parametrize(
    "csv_text, line, column, fragments",
    [
        ("year,orig,dest,stock\n1990,MMR,THA,1\n", 1, "note", ["missing column(s) ['note']"]),
        (
            "year,orig,dest,stock,note,extra\n1990,MMR,THA,1,,x\n",
            1, "extra", ["unexpected column(s) ['extra']", "declare them in the manifest"],
        ),
        (
            "year,orig,dest,stock,note\n1990,MMR,THA,1,\nabc,LAO,THA,2,\n",
            3, "year", ["'abc' is not an integer"],
        ),
        (
            "year,orig,dest,stock,note\n1990,MMR,THA,1,\n1990,Vietnam,THA,2,\n",
            3, "orig", ["unknown country code 'Vietnam'", "did you mean 'VNM'"],
        ),
        (
            "year,orig,dest,stock,note\n1990,MMR,THA,-5,\n",
            2, "stock", ["negative value -5", "cannot be negative"],
        ),
        (
            "year,orig,dest,stock,note\n1990,MMR,THA,1,\n1990,MMR,THA,2,\n",
            3, "year", ["duplicate key (year=1990, orig=MMR, dest=THA) on lines 2, 3"],
        ),
        (
            "year,orig,dest,stock,note\n1990,MMR,THA,1,\n1990,LAO,THA\n",
            3, None, ["malformed CSV: 3 fields where the header has 5"],
        ),
        (
            "year,orig,dest,stock,note\n1995,MMR,THA,1,\n",
            2, "year", ["value '1995' is not allowed", "Allowed values: [1990, 2000]"],
        ),
        (
            "year,orig,dest,stock,note\n1990,,THA,1,\n",
            2, "orig", ["empty value in a column that may not be missing", "nullable: true"],
        ),
    ],
    ids=["missing-column", "extra-column", "wrong-type", "unknown-country", "negative",
         "duplicate-key", "malformed", "not-allowed", "missing-value"],
)
def test_bad_input_messages_name_file_line_column(folder, csv_text, line, column, fragments):
    csv_path = write_table(folder, csv_text)
    with pytest.raises(SchemaError) as info:
        data.load("toy")
    message = str(info.value)
    assert str(csv_path) in message
    assert f"line {line}" in message
    assert info.value.row == line
    assert info.value.column == column
    if column is not None:
        assert f"column '{column}'" in message
    for fragment in fragments:
        assert fragment in message


def test_more_failing_rows_are_counted(folder):
    write_table(folder, "year,orig,dest,stock,note\n1990,MMR,THA,x,\n1990,LAO,THA,y,\n")
    with pytest.raises(SchemaError, match=r"1 more row\(s\) fail too: lines 3"):
        data.load("toy")


def test_hash_mismatch_names_both_digests_and_the_fix(folder):
    csv_path = write_table(folder, GOOD_CSV, sha="0" * 64)
    with pytest.raises(IntegrityError) as info:
        data.load("toy")
    message = str(info.value)
    assert str(csv_path) in message
    assert "sha256 mismatch" in message and "000000000000" in message
    assert data.sha256_file(csv_path)[:12] in message
    assert "mixedmig hash" in message


def test_missing_manifest(folder):
    (folder / "toy.csv").write_text(GOOD_CSV)
    with pytest.raises(ManifestError, match=r"no manifest beside toy\.csv: write toy\.yml"):
        data.load("toy")


def test_manifest_without_citation_is_rejected(folder):
    write_table(folder, GOOD_CSV, source={"publisher": "UN DESA"})
    with pytest.raises(ManifestError, match=r"lacks \['citation', 'url', 'edition'"):
        data.load("toy")


def test_manifest_name_must_match_file(folder):
    write_table(folder, GOOD_CSV, name="toy")
    text = (folder / "toy.yml").read_text().replace("name: toy", "name: other")
    (folder / "toy.yml").write_text(text)
    with pytest.raises(ManifestError, match="field 'name' is 'other' but the file is toy.yml"):
        data.load("toy")


def test_invalid_yaml_reports_line(folder):
    write_table(folder, GOOD_CSV)
    (folder / "toy.yml").write_text("name: toy\ntitle: [unclosed\n")
    with pytest.raises(ManifestError) as info:
        data.load("toy")
    assert "not valid YAML" in str(info.value)
    assert info.value.row is not None


def test_unknown_dataset_lists_known_ones(folder):
    write_table(folder, GOOD_CSV)
    with pytest.raises(DataError, match="no dataset named 'nope'; known datasets: toy"):
        data.load("nope")


def test_validate_file_applies_named_schema_without_hash(folder, tmp_path_factory):
    write_table(folder, GOOD_CSV)
    own = tmp_path_factory.mktemp("own") / "mine.csv"
    own.write_text("year,orig,dest,stock,note\n2000,KHM,THA,24956,my survey\n")
    frame = data.validate_file(own, "toy")
    assert frame.loc[0, "stock"] == 24956
    own.write_text("year,orig,dest,stock,note\n2000,KHM,THA,-1,\n")
    with pytest.raises(SchemaError, match=r"mine\.csv, line 2, column 'stock': negative value"):
        data.validate_file(own, "toy")


def test_cli_validate_exits_nonzero_with_message(folder, tmp_path_factory, capsys):
    from mixedmig.cli import main

    write_table(folder, GOOD_CSV)
    own = tmp_path_factory.mktemp("own") / "mine.csv"
    own.write_text("year,orig,dest,stock,note\n2000,Laos,THA,1,\n")
    assert main(["validate", str(own), "--schema", "toy"]) == 2
    err = capsys.readouterr().err
    assert "line 2, column 'orig': unknown country code 'Laos'" in err
    assert "did you mean 'LAO'" in err
    own.write_text("year,orig,dest,stock,note\n2000,LAO,THA,1,\n")
    assert main(["validate", str(own), "--schema", "toy"]) == 0
    assert "matches schema 'toy' (1 rows)" in capsys.readouterr().out


def test_every_curated_table_loads_and_has_full_provenance(monkeypatch):
    monkeypatch.delenv("MIXEDMIG_DATA", raising=False)
    names = data.dataset_names()
    assert len(names) >= 11
    for name in names:
        frame = data.load(name)
        assert len(frame) > 0, name
        m = data.manifest(name)
        for source in m.sources:
            assert source["url"].startswith("http"), name
        assert m.schema.primary_key, f"{name}: declare a primary key"


def test_loaded_values_are_stable_under_roundtrip(folder):
    """Writing a loaded table back out and loading again gives the same frame."""
    write_table(folder, GOOD_CSV)
    first = data.load("toy")
    text = first.to_csv(index=False, lineterminator="\n")
    write_table(folder, text, name="toy2")
    second = data.load("toy2")
    pd.testing.assert_frame_equal(first, second)
    assert textwrap.dedent(text).startswith("year,orig,dest,stock,note\n")
