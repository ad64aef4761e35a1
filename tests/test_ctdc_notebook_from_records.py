"""Notebook 06 re-run on the CTDC records themselves (``CTDC_FILE``) gives the notebook a reader sees.

The notebook's ``CTDC_FILE`` parameter is the route a researcher takes with a release they
downloaded: the notebook counts the records and publishes the two case tables itself under
disclosure control (:func:`mixedmig.privacy.suppress_long_counts`), instead of loading the
curated tables.  Run on the same extract the curated tables were built from
(``../shared/reference/ctdc_gms_2020_04_14.csv``; skipped when absent), every cell after the
provenance cell must print exactly what the stored notebook printed: the tables it builds are
the shipped ones.  No person-level record is written anywhere but the temporary run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from mixedmig.notebook import run_notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "06-trafficking-cases.ipynb"
EXTRACT = ROOT.parent / "shared" / "reference" / "ctdc_gms_2020_04_14.csv"


def _texts(cell) -> list[str]:
    """The text outputs of a cell (streams and text/plain or text/markdown), images left out."""
    out = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            out.append(f"{output['name']}: {output['text']}")
        elif output.get("output_type") in ("execute_result", "display_data"):
            data = output.get("data", {})
            for mime in ("text/markdown", "text/plain"):
                if mime in data and "image/png" not in data:
                    out.append(f"{mime}: {data[mime]}")
                    break
        elif output.get("output_type") == "error":
            out.append(f"error: {output['ename']}: {output['evalue']}")
    return out


@pytest.mark.skipif(not EXTRACT.exists(), reason=f"reference extract {EXTRACT} not present")
def test_notebook_06_from_the_records_prints_what_it_prints_from_the_shipped_tables(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(NOTEBOOK, folder / NOTEBOOK.name)
    run = run_notebook(folder / NOTEBOOK.name, {"CTDC_FILE": str(EXTRACT)}, output_dir=tmp_path / "runs",
                       timeout=900)
    fresh = nbformat.read(run.notebook, as_version=4)
    stored = nbformat.read(NOTEBOOK, as_version=4)
    fresh_code = [c for c in fresh.cells if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", [])]
    stored_code = [c for c in stored.cells if c.cell_type == "code"]
    assert [c.source for c in fresh_code] == [c.source for c in stored_code]
    provenance = next(i for i, c in enumerate(stored_code) if "case_tables = " in c.source)
    differences = []
    compared = 0
    for index, (a, b) in enumerate(zip(fresh_code, stored_code)):
        if index == provenance:
            assert "built below from" in "".join(_texts(a))  # says where the tables come from
            continue
        compared += 1
        if _texts(a) != _texts(b):
            differences.append(f"code cell {index}:\n  from records: {_texts(a)[:2]}\n  stored: {_texts(b)[:2]}")
    assert compared > 25
    assert not differences, "\n".join(differences)
