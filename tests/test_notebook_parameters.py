"""Every notebook runs clean under its alternative parameter sets (issue 11, section 3).

Each notebook's metadata holds ``{"mixedmig": {"alternative_parameters": [{...}, ...]}}``: another
edition, country, corridor or threshold. Each set is run with papermill (in a temporary copy of
the notebook's folder, so runs never touch the repository or each other) and must raise nothing
and print no warning. Every parameter of the ``parameters`` cell must carry a comment.

While the notebooks are being converted, notebooks without alternative sets (or with
undocumented parameters) are skipped; set ``REQUIRE_ALTERNATIVES = True`` to make them fail.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest

from mixedmig.notebook import notebook_parameters, run_notebook

#: Turn the skips below into failures once every notebook has its alternative parameter sets.
REQUIRE_ALTERNATIVES = True

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")) + [
    ROOT / "notebooks" / "profile.ipynb"]
#: A warning printed by a cell (Python's warnings module writes "...Warning: message" to stderr).
WARNING = re.compile(r"\w*Warning\b")


def _missing(reason: str):
    if REQUIRE_ALTERNATIVES:
        pytest.fail(reason)
    pytest.skip(reason)


def _alternatives(path: Path) -> list:
    nb = nbformat.read(path, as_version=4)
    return list(nb.metadata.get("mixedmig", {}).get("alternative_parameters", []) or [])


def _cases():
    for path in NOTEBOOKS:
        sets = _alternatives(path) if path.exists() else []
        if not sets:
            yield pytest.param(path, None, id=f"{path.stem}-none")
        for index, parameters in enumerate(sets):
            yield pytest.param(path, parameters, id=f"{path.stem}-alt{index}")


@pytest.mark.parametrize("path,parameters", list(_cases()))
def test_notebook_runs_clean_with_alternative_parameters(path, parameters, tmp_path):
    if parameters is None:
        _missing(f"{path.name}: no alternative_parameters in metadata")
    assert isinstance(parameters, dict) and parameters, (
        f"{path.name}: each alternative_parameters entry must be a non-empty dict")
    # a private copy of the notebooks folder: figures go to tmp_path/figures
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(path, folder / path.name)
    run = run_notebook(folder / path.name, parameters, output_dir=tmp_path / "runs",
                       timeout=900)
    nb = nbformat.read(run.notebook, as_version=4)
    problems = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                problems.append(f"cell {index}: {output['ename']}: {output['evalue']}")
            elif (output.get("output_type") == "stream" and output.get("name") == "stderr"
                  and WARNING.search(output.get("text", ""))):
                problems.append(f"cell {index} warns: {output['text'].strip()[:300]}")
    assert not problems, f"{path.name} with {parameters}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_parameter_is_documented(path):
    if not path.exists():
        pytest.skip(f"{path.name} not in this checkout")
    declared = notebook_parameters(path)
    assert declared, f"{path.name} has no cell tagged 'parameters'"
    undocumented = [name for name, spec in declared.items() if not spec["help"]]
    if undocumented:
        _missing(f"{path.name}: parameters without a comment: {', '.join(undocumented)}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_alternative_parameters_name_real_parameters(path):
    if not path.exists():
        pytest.skip(f"{path.name} not in this checkout")
    declared = notebook_parameters(path)
    unknown = {name for parameters in _alternatives(path) for name in parameters} - set(declared)
    assert not unknown, f"{path.name}: alternative_parameters name unknown parameters {unknown}"
