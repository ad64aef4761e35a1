"""Done-when for the full system (issue 9): an official UN DESA 2024 file with all 232
destinations goes through ``mixedmig.data.import_official`` and notebook 01 runs on the
imported table with parameters only; plus the papermill parameter parser reads every parameter
of every notebook (a line it cannot parse is printed as a warning by ``mixedmig run``), and a
researcher's file without editions is analysed as one undated edition, never as edition 2024.

Every stock in these tests is GENERATED (made-up test values, ``full_size_rows``) or a shipped
figure relabelled for the test (the undated-file test); none reaches data/raw or a notebook.
"""

from __future__ import annotations

import logging
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat
import pytest

from mixedmig import data
from mixedmig.data.importing import import_official
from mixedmig.notebook import notebook_parameters, run_notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_01 = ROOT / "notebooks" / "01-gms-migration-corridors.ipynb"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")) + [
    ROOT / "notebooks" / "profile.ipynb"]

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_data_import import full_size_rows, write_undesa_2024  # noqa: E402


def _outputs(notebook: Path) -> tuple[str, list[str]]:
    """All text a run printed or displayed, and its error outputs."""
    nb = nbformat.read(notebook, as_version=4)
    texts, errors = [], []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                errors.append(f"{output['ename']}: {output['evalue']}")
            elif output.get("output_type") == "stream":
                texts.append(output.get("text", ""))
            else:
                bundle = output.get("data", {})
                texts.append(bundle.get("text/markdown", "") + bundle.get("text/plain", ""))
    return "\n".join(texts), errors


def _private_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(NOTEBOOK_01, folder / NOTEBOOK_01.name)
    return folder / NOTEBOOK_01.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_papermill_reads_every_parameter_without_a_warning(path, caplog):
    # papermill's own parser (used by `mixedmig run` to check the names passed) gives up on a
    # line with two '=' (e.g. '<=' or '>=' in a comment) and logs "Unable to parse line";
    # a parameter it cannot read is then reported as unknown when passed.
    from papermill.translators import PythonTranslator

    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    with caplog.at_level(logging.WARNING, logger="papermill"):
        found = {p.name for p in PythonTranslator.inspect(cell)}
    assert not [r.getMessage() for r in caplog.records], path.name
    assert found == set(notebook_parameters(path)), (
        f"{path.name}: papermill reads {sorted(found)}")


def test_official_file_with_232_destinations_through_notebook_01(tmp_path, monkeypatch):
    """Issue 9 done-when: the official 2024 layout, all 232 destinations (counts GENERATED:
    made-up), imported, then notebook 01 with parameters only; a South Asian hub with the
    default map region (the map extent follows the places drawn)."""
    monkeypatch.setenv("MIXEDMIG_IMPORTS", str(tmp_path / "imports"))
    areas, rows = full_size_rows()
    assert len(areas) == 232
    path = write_undesa_2024(
        tmp_path / "undesa_pd_2024_ims_stock_by_sex_destination_and_origin.xlsx", rows)
    t0 = time.perf_counter()
    imported = import_official("undesa_ims_bilateral", path)
    t1 = time.perf_counter()
    stocks = data.load(imported.name)
    assert stocks["dest"].nunique() == 232
    economies = len(set(stocks["orig"]) | set(stocks["dest"]))
    assert economies == 232  # the generated origins are drawn from the same 232 areas
    run = run_notebook(_private_copy(tmp_path),
                       {"STOCKS": imported.name, "EDITION": 2024, "HUB": "IND",
                        "CLM": ["NPL", "BGD"]},
                       output_dir=tmp_path / "runs", timeout=900)
    t2 = time.perf_counter()
    text, errors = _outputs(run.notebook)
    assert not errors, errors
    # the validation cell and section 1 print the number of economies of the edition analysed:
    # 30 generated origins in each of 232 destinations, 8 years, both sexes only
    n_rows = 232 * 30 * 8
    assert f"edition 2024, total: {n_rows} rows, 232 economies" in text
    assert "analysed: edition 2024, sex 'total', 232 economies" in text
    print(f"import {t1 - t0:.1f} s, notebook 01 {t2 - t1:.1f} s")


def test_file_without_editions_is_one_undated_edition(tmp_path, monkeypatch):
    # A researcher's survey file with no edition column. Its rows are the shipped 2024-edition
    # stocks of 2020 relabelled as a 2021 survey: test values, not a real survey.
    shipped = data.load("undesa_ims_bilateral")
    survey = shipped[(shipped["edition"] == 2024) & (shipped["sex"] == "total")
                     & (shipped["year"].isin([2015, 2020]))].drop(columns=["edition"])
    survey = survey.assign(year=survey["year"] + 1)
    file = tmp_path / "survey_2021.csv"
    survey.to_csv(file, index=False)
    run = run_notebook(_private_copy(tmp_path), {"STOCKS": str(file), "HUB": "THA"},
                       output_dir=tmp_path / "runs", timeout=900)
    text, errors = _outputs(run.notebook)
    assert not errors, errors
    assert "no edition given" in text and "EDITION = 2024 does not apply" in text
    assert "the undated edition, total:" in text
    # no statement calls the analysed file edition 2024 (section 8 still compares the shipped
    # editions of COMPARE_STOCKS, which are real editions)
    assert not re.search(r"edition 2024 of '[^']*survey_2021", text)
    assert "In the undated edition, the largest origin" in text
