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


# -- a named table of the wrong kind ---------------------------------------------------------------

#: Real rows of ../shared/reference/unhcr_population_asia.csv (line numbers of the extract), in
#: the API / ``refugees`` package layout (the extract's empty ``oip`` written as UNHCR's ``-``).
UNHCR_API = ("year,coo_name,coo,coo_iso,coa_name,coa,coa_iso,refugees,asylum_seekers,"
             "returned_refugees,idps,returned_idps,stateless,ooc,oip,hst\n"
             "2024,Myanmar,MYA,MMR,Bangladesh,BGD,BGD,1005561,35,0,0,0,0,0,-,0\n"  # line 970
             "2024,Myanmar,MYA,MMR,Thailand,THA,THA,81005,0,0,0,0,0,513,-,0\n")  # line 12938


def test_a_named_table_of_another_kind_is_refused_before_any_keyerror(tmp_path, monkeypatch):
    from mixedmig.data.importing import import_official

    monkeypatch.setenv("MIXEDMIG_IMPORTS", str(tmp_path / "imports"))
    path = tmp_path / "population.csv"
    path.write_text(UNHCR_API)
    import_official("unhcr_refugees", path)  # kind bilateral_stocks
    import_official("unhcr_population", path, name="displacement_mine")
    with pytest.raises(InputError) as info:
        data.load_as("unhcr_refugees", "unhcr_refugees_gms")  # notebook 08's REFUGEES
    text = str(info.value)
    assert not isinstance(info.value, KeyError)
    assert "'unhcr_refugees' is an imported table of kind 'bilateral_stocks'" in text
    assert "in place of 'unhcr_refugees_gms' needs a table of kind 'displacement_stocks'" in text
    assert "`mixedmig import unhcr_population FILE`" in text
    assert "unhcr_refugees_gms, displacement_mine" in text  # the tables of the kind needed
    # a curated table of another kind, and one of published figures (no kind)
    with pytest.raises(InputError, match="'worldbank_bilateral_2013' is a curated table of "
                                         "kind 'bilateral_stocks'"):
        data.load_as("worldbank_bilateral_2013", "unhcr_refugees_gms")
    with pytest.raises(InputError, match=r"'gms_repatriations' is a curated table of kind "
                                         r"\(none: a table of published figures\)"):
        data.load_as("gms_repatriations", "undesa_ims_bilateral")
    # tables of the right kind still load
    got = data.load_as("displacement_mine", "unhcr_refugees_gms")
    assert got["refugees"].tolist() == [1005561, 81005]
    assert len(data.load_as("worldbank_bilateral_2013", "undesa_ims_bilateral")) > 0
    assert len(data.load_as("unhcr_refugees", "worldbank_bilateral_2013")) == 2
    # a table of published figures takes any named table (no kind to check)
    assert len(data.load_as("gms_repatriations", "gms_repatriations")) > 0
