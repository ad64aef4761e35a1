"""Student copies: solution cells removed, prompts kept, an answer cell after each exercise,
outputs cleared, and the copy still runs (issue 11, section 2)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import nbformat
import pytest
from hypothesis import given, settings, strategies as st

from mixedmig.errors import InputError
from mixedmig.teaching import (
    EXERCISE_PLACEHOLDER,
    NoSolutionsWarning,
    count_solutions,
    student_copy,
    write_student_copies,
)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(ROOT.glob("notebooks/[0-9][0-9]-*.ipynb")) + [ROOT / "notebooks" / "profile.ipynb"]


def _tags(cell):
    return cell.metadata.get("tags", [])


def make_notebook():
    """Exercise + code and Markdown solutions, then a later cell that must still run.

    The numbers are made-up test values."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["mixedmig"] = {"alternative_parameters": [{"N": 5}]}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell("x = 1\nx", execution_count=1, outputs=[nbformat.v4.new_output(
            "execute_result", data={"text/plain": "1"}, execution_count=1)]),
        nbformat.v4.new_markdown_cell("### Exercise 1: a share\nCompute 813 out of 1817.",
                                      metadata={"tags": ["exercise"]}),
        nbformat.v4.new_code_cell("share = 813 / 1817\nshare", metadata={"tags": ["solution"]},
                                  execution_count=2, outputs=[nbformat.v4.new_output(
                                      "execute_result", data={"text/plain": "0.447"},
                                      execution_count=2)]),
        nbformat.v4.new_markdown_cell("The answer is 44.7%.", metadata={"tags": ["solution"]}),
        nbformat.v4.new_markdown_cell("### Exercise 2: twice x", metadata={"tags": ["exercise"]}),
        nbformat.v4.new_code_cell("twice = 2 * x", metadata={"tags": ["solution"]}),
        nbformat.v4.new_code_cell("print(x + 1)"),
        nbformat.v4.new_markdown_cell("## Discussion questions", metadata={"tags": ["discussion"]}),
    ]
    return nb


def test_student_copy_removes_solutions_and_keeps_prompts():
    nb = make_notebook()
    student = student_copy(nb)
    got = [(c.cell_type, c.source, _tags(c)) for c in student.cells]
    assert got == [
        ("markdown", "# Title", []),
        ("code", "x = 1\nx", []),
        ("markdown", "### Exercise 1: a share\nCompute 813 out of 1817.", ["exercise"]),
        ("code", EXERCISE_PLACEHOLDER, ["answer"]),
        ("markdown", "### Exercise 2: twice x", ["exercise"]),
        ("code", EXERCISE_PLACEHOLDER, ["answer"]),
        ("code", "print(x + 1)", []),
        ("markdown", "## Discussion questions", ["discussion"]),
    ]
    assert all(c.outputs == [] and c.execution_count is None
               for c in student.cells if c.cell_type == "code")
    assert student.metadata == nb.metadata
    assert "44.7" not in nbformat.writes(student) and "813 / 1817" not in nbformat.writes(student)
    assert count_solutions(nb) == 3 and count_solutions(student) == 0
    assert nb.cells[3].outputs, "the original keeps its outputs"


def test_a_prompt_without_solution_gets_no_answer_cell():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("### Exercise 1: think", metadata={"tags": ["exercise"]}),
                nbformat.v4.new_code_cell("y = 2")]
    assert [c.source for c in student_copy(nb).cells] == ["### Exercise 1: think", "y = 2"]


_CELL_KINDS = st.sampled_from(["plain-code", "plain-md", "exercise", "solution-code",
                               "solution-md"])


def _build(kinds):
    nb = nbformat.v4.new_notebook()
    for i, kind in enumerate(kinds):
        tags = {"exercise": ["exercise"], "solution-code": ["solution"],
                "solution-md": ["solution"]}.get(kind, [])
        if kind.endswith("code"):
            nb.cells.append(nbformat.v4.new_code_cell(f"c{i} = {i}", metadata={"tags": tags},
                                                      execution_count=i, outputs=[
                nbformat.v4.new_output("stream", name="stdout", text=f"{i}\n")]))
        else:
            nb.cells.append(nbformat.v4.new_markdown_cell(f"m{i}", metadata={"tags": tags}))
    return nb


@given(st.lists(_CELL_KINDS, max_size=25))
@settings(max_examples=200, deadline=None)
def test_student_copy_invariants(kinds):
    nb = _build(kinds)
    original = nbformat.writes(nb)
    student = student_copy(nb)
    kept = [c for c in student.cells if "answer" not in _tags(c)]
    # every non-solution cell is kept, in order, with its source; no solution survives
    assert [c.source for c in kept] == [c.source for c in nb.cells if "solution" not in _tags(c)]
    assert count_solutions(student) == 0
    # one answer cell per exercise prompt followed (before any other kept cell) by a solution
    expected = 0
    for i, kind in enumerate(kinds):
        if kind == "exercise" and i + 1 < len(kinds) and kinds[i + 1].startswith("solution"):
            expected += 1
    answers = [i for i, c in enumerate(student.cells) if "answer" in _tags(c)]
    assert len(answers) == expected
    assert all("exercise" in _tags(student.cells[i - 1]) for i in answers)
    assert all(c.outputs == [] for c in student.cells if c.cell_type == "code")
    assert nbformat.writes(nb) == original, "the input is unchanged"
    assert nbformat.writes(student_copy(nb)) == nbformat.writes(student), "deterministic"
    nbformat.validate(student)  # unique, valid cell ids


def test_write_student_copies_warns_and_keeps_originals(tmp_path):
    nb = make_notebook()
    (tmp_path / "notebooks").mkdir()
    with_solutions = tmp_path / "notebooks" / "01-demo.ipynb"
    nbformat.write(nb, with_solutions)
    without = tmp_path / "notebooks" / "02-plain.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), without)
    before = with_solutions.read_bytes()
    with pytest.warns(NoSolutionsWarning, match="02-plain.ipynb has no cell tagged 'solution'"):
        written = write_student_copies([with_solutions, without], tmp_path / "student")
    assert [p.name for p in written] == ["01-demo.ipynb", "02-plain.ipynb"]
    assert with_solutions.read_bytes() == before
    assert count_solutions(nbformat.read(written[0], as_version=4)) == 0
    assert sorted(p.name for p in (tmp_path / "student").iterdir()) == [
        "01-demo.ipynb", "02-plain.ipynb"]  # no temporary file left


def test_write_student_copies_refuses_the_notebooks_folder(tmp_path):
    path = tmp_path / "01-demo.ipynb"
    nbformat.write(make_notebook(), path)
    before = path.read_bytes()
    with pytest.raises(InputError, match="would overwrite the notebook"):
        write_student_copies([path], tmp_path)
    with pytest.raises(InputError):
        write_student_copies([path], tmp_path / "sub" / "..")
    assert path.read_bytes() == before


@pytest.mark.parametrize("inside", ["student", "teaching/student"])
def test_write_student_copies_refuses_a_folder_inside_the_notebooks_folder(tmp_path, inside):
    # a reviewer wrote copies into notebooks/student/: they then sat among the originals
    path = tmp_path / "notebooks" / "01-demo.ipynb"
    path.parent.mkdir()
    nbformat.write(make_notebook(), path)
    with pytest.raises(InputError, match="is inside .*notebooks, the folder of the notebook"):
        write_student_copies([path], path.parent / inside)
    assert sorted(p.name for p in path.parent.iterdir()) == ["01-demo.ipynb"]  # nothing made
    assert write_student_copies([path], tmp_path / "student")[0].parent == tmp_path / "student"


def test_cli_prints_the_warning_and_refuses_the_notebooks_folder(tmp_path):
    plain = tmp_path / "notebooks" / "02-plain.ipynb"
    plain.parent.mkdir()
    nbformat.write(nbformat.v4.new_notebook(), plain)
    cmd = [sys.executable, "-m", "mixedmig.cli", "student-copies"]
    ok = subprocess.run(cmd + [str(tmp_path / "out"), str(plain)], capture_output=True,
                        text=True, check=False)
    assert ok.returncode == 0
    assert "mixedmig: warning: 02-plain.ipynb has no cell tagged 'solution'" in ok.stderr
    refused = subprocess.run(cmd + [str(plain.parent), str(plain)], capture_output=True,
                             text=True, check=False)
    assert refused.returncode == 2 and "would overwrite the notebook" in refused.stderr
    inside = subprocess.run(cmd + [str(plain.parent / "student"), str(plain)],
                            capture_output=True, text=True, check=False)
    assert inside.returncode == 2 and "is inside" in inside.stderr
    assert not (plain.parent / "student").exists()


def _execute_copy(source: Path, workdir: Path) -> nbformat.NotebookNode:
    """Execute the student copy of ``source`` in workdir/notebooks (figures go to workdir)."""
    from nbclient import NotebookClient

    folder = workdir / "notebooks"
    folder.mkdir(parents=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NoSolutionsWarning)
        copy_path = write_student_copies([source], folder.parent / "student")[0]
    nb = nbformat.read(copy_path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    return nb


def test_student_copy_of_a_small_notebook_runs(tmp_path):
    src = tmp_path / "src" / "01-demo.ipynb"
    src.parent.mkdir()
    nbformat.write(make_notebook(), src)
    nb = _execute_copy(src, tmp_path / "work")
    printed = [o["text"] for c in nb.cells for o in c.get("outputs", []) if o.get("name") == "stdout"]
    assert printed == ["2\n"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_copy_of_each_notebook_runs(path, tmp_path):
    if not path.exists():
        pytest.skip(f"{path.name} not in this checkout")
    nb = nbformat.read(path, as_version=4)
    if count_solutions(nb) == 0:
        pytest.skip(f"{path.name} has no solution cells yet")
    (tmp_path / "src").mkdir()
    shutil.copy(path, tmp_path / "src" / path.name)
    student = _execute_copy(tmp_path / "src" / path.name, tmp_path / "work")
    errors = [o for c in student.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    assert sum(EXERCISE_PLACEHOLDER == c.source for c in student.cells) >= 1
