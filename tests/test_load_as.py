"""data.load_as: a notebook input given as a table name or as the path of a researcher's CSV.

Every curated table, copied to a file outside the project, must load through ``load_as`` as the
table itself (tables of published figures: against their own schema) or in its kind's tidy shape
(tables that declare a kind), so that every notebook parameter documented as "a table name or a
CSV path" keeps that promise.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from mixedmig import data
from mixedmig.errors import DataError, InputError, SchemaError


@pytest.mark.parametrize("name", data.dataset_names())
def test_a_copy_of_every_curated_table_loads_in_its_place(name, tmp_path):
    copy = shutil.copy(data.data_dir() / f"{name}.csv", tmp_path / "my_table.csv")
    kind = data.manifest(name).kind
    got = data.load_as(copy, name)
    expected = data.load(name) if kind is None else data.load(copy, kind=kind)
    pd.testing.assert_frame_equal(got, expected)
    pd.testing.assert_frame_equal(data.load_as(name, name), data.load(name))


def test_a_file_that_breaks_the_tables_schema_is_refused_with_line_and_column(tmp_path):
    # the shipped repatriation table with one count made negative (a made-up error)
    lines = (data.data_dir() / "gms_repatriations.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    column = next(c for c in ("persons", "value", "count", "repatriated") if c in header)
    position = header.index(column)
    cells = lines[3].split(",")
    cells[position] = "-5"
    lines[3] = ",".join(cells)
    path = tmp_path / "repatriations_mine.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SchemaError) as caught:
        data.load_as(path, "gms_repatriations")
    message = str(caught.value)
    assert "repatriations_mine.csv" in message and "line 4" in message and column in message


def test_bad_arguments(tmp_path):
    with pytest.raises(InputError, match="no curated table named 'gms_repatriation'.*gms_repatriations"):
        data.load_as("gms_repatriations", "gms_repatriation")
    with pytest.raises(DataError, match="file not found"):
        data.load_as(tmp_path / "absent.csv", "undesa_ims_bilateral")
    with pytest.raises(InputError, match="table name or the path"):
        data.load_as(3, "gms_repatriations")
