"""Executing a notebook stores the same outputs on every run (stream chunks merged)."""

from __future__ import annotations

import nbformat

from mixedmig.notebook import execute_notebook


def test_printed_text_is_stored_as_one_stream_output_per_stream(tmp_path):
    # Two prints separated by a flush and a pause reach the kernel client as separate stream
    # messages; the stored cell must hold one stdout output whatever the timing.
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(
        "import sys, time\nprint('first', flush=True)\ntime.sleep(0.2)\nprint('second')\n"
        "print('to stderr', file=sys.stderr)"))
    path = tmp_path / "chunks.ipynb"
    nbformat.write(nb, path)
    execute_notebook(path, timeout=60)
    outputs = nbformat.read(path, as_version=4).cells[0].outputs
    assert [(o["output_type"], o["name"]) for o in outputs] == [("stream", "stdout"),
                                                                  ("stream", "stderr")]
    assert outputs[0]["text"] == "first\nsecond\n"
    first = path.read_bytes()
    execute_notebook(path, timeout=60)
    assert path.read_bytes() == first


def test_stored_notebooks_show_their_figures():
    """Every code cell that calls plt.show() stores a PNG, so the figure is visible on GitHub,
    nbviewer or a printed handout (notebook_setup selects the inline backend in kernels)."""
    from pathlib import Path

    missing = []
    for path in sorted(Path(__file__).resolve().parents[1].glob("notebooks/*.ipynb")):
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if cell.cell_type == "code" and "plt.show()" in cell.source:
                if not any("image/png" in o.get("data", {}) for o in cell.outputs):
                    missing.append(f"{path.name} cell {index}")
    assert not missing, f"figure cells without a stored image: {missing}"


# --- run_notebook: papermill runs with parameters into an output folder (issue 11, section 3) ---

import json  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import pytest  # noqa: E402
from hypothesis import given, strategies as st  # noqa: E402

from mixedmig.errors import InputError  # noqa: E402
from mixedmig.notebook import (  # noqa: E402
    notebook_parameters,
    parse_parameter_value,
    run_notebook,
)


def _parameter_notebook(path):
    """A small notebook: a documented parameters cell, a cell printing the values' types."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell(
            "# edition of the table\nEDITION = 2024\nHUB = 'THA'  # hub country\n"
            "SHARE = 0.5  # a threshold", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(
            "import sys, time\nprint(EDITION, type(EDITION).__name__, flush=True)\n"
            "time.sleep(0.1)\nprint(HUB, SHARE)"),
        nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\n"
                                  "fig, ax = plt.subplots(); ax.plot([1, 2]); plt.show()"),
    ]
    nbformat.write(nb, path)
    return path


def test_parameters_cell_is_read_with_its_comments(tmp_path):
    path = _parameter_notebook(tmp_path / "p.ipynb")
    assert notebook_parameters(path) == {
        "EDITION": {"default": "2024", "help": "edition of the table"},
        "HUB": {"default": "'THA'", "help": "hub country"},
        "SHARE": {"default": "0.5", "help": "a threshold"},
    }


@pytest.mark.parametrize("text,expected", [
    ("2019", 2019), ("-3", -3), ("0.25", 0.25), ("THA", "THA"), ("true", True),
    ("False", False), ("[KHM, LAO]", ["KHM", "LAO"]), ("NO", "NO"), ("off", "off"),
    ("null", None), ("'2019'", "2019"),
])
def test_parameter_values_are_typed_as_yaml(text, expected):
    value = parse_parameter_value(text)
    assert value == expected and type(value) is type(expected)


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_any_integer_text_gives_that_int(n):
    assert parse_parameter_value(str(n)) == n


def test_run_injects_parameters_and_never_touches_the_source(tmp_path):
    src = _parameter_notebook(tmp_path / "p.ipynb")
    before = src.read_bytes()
    run = run_notebook(src, {"EDITION": 2019, "HUB": "KHM"}, output_dir=tmp_path / "out",
                       html=True, timeout=120)
    assert src.read_bytes() == before
    assert run.notebook == tmp_path / "out" / "p.ipynb" and run.notebook.is_file()
    nb = nbformat.read(run.notebook, as_version=4)
    printed = [o for c in nb.cells for o in c.get("outputs", []) if o.get("name") == "stdout"]
    assert len(printed) == 1 and printed[0]["text"] == "2019 int\nKHM 0.5\n"
    assert nb.metadata["papermill"] == {"parameters": {"EDITION": 2019, "HUB": "KHM"}}
    assert not any("execution" in c.metadata or "papermill" in c.metadata for c in nb.cells)
    # the HTML page embeds its image and loads nothing from the network
    page = run.html.read_text(encoding="utf-8")
    assert "data:image/png;base64," in page
    assert not re.search(r'(src|href)="https?://', page)
    assert 'import("http' not in page


def test_a_rerun_writes_the_same_bytes(tmp_path):
    src = _parameter_notebook(tmp_path / "p.ipynb")
    first = run_notebook(src, {"SHARE": 0.75}, output_dir=tmp_path / "a", timeout=120)
    second = run_notebook(src, {"SHARE": 0.75}, output_dir=tmp_path / "b", timeout=120)
    assert first.notebook.read_bytes() == second.notebook.read_bytes()


def test_unknown_parameter_lists_the_notebooks_parameters(tmp_path):
    src = _parameter_notebook(tmp_path / "p.ipynb")
    with pytest.raises(InputError, match=r"no parameter 'YEAR'.*EDITION, HUB, SHARE"):
        run_notebook(src, {"YEAR": 2019}, output_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_run_refuses_to_overwrite_the_source(tmp_path):
    src = _parameter_notebook(tmp_path / "p.ipynb")
    with pytest.raises(InputError, match="overwrite the notebook itself"):
        run_notebook(src, {"EDITION": 2019}, output_dir=tmp_path)


def test_a_failing_run_keeps_the_failed_copy_apart(tmp_path):
    import papermill

    src = _parameter_notebook(tmp_path / "p.ipynb")
    good = run_notebook(src, output_dir=tmp_path / "out", timeout=120).notebook.read_bytes()
    nb = nbformat.read(src, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("1 / 0"))
    nbformat.write(nb, src)
    with pytest.raises(papermill.PapermillExecutionError):
        run_notebook(src, output_dir=tmp_path / "out", timeout=120)
    assert (tmp_path / "out" / "p.ipynb").read_bytes() == good
    assert (tmp_path / "out" / "p.failed.ipynb").is_file()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["p.failed.ipynb", "p.ipynb"]


def _failing_then_fixed(tmp_path):
    """The notebook of _parameter_notebook with a cell that fails when FAIL is true."""
    src = _parameter_notebook(tmp_path / "p.ipynb")
    nb = nbformat.read(src, as_version=4)
    nb.cells[0].source += "\nFAIL = False  # make the last cell raise"
    nb.cells.append(nbformat.v4.new_code_cell("assert not FAIL, 'asked to fail'"))
    nbformat.write(nb, src)
    return src


def test_a_successful_run_removes_only_its_own_stale_failed_copy(tmp_path):
    # a reviewer found runs/NAME.failed.ipynb left beside the good output of a later run
    import papermill

    src = _failing_then_fixed(tmp_path)
    out = tmp_path / "out"
    with pytest.raises(papermill.PapermillExecutionError):
        run_notebook(src, {"FAIL": True}, output_dir=out, timeout=120)
    assert sorted(p.name for p in out.iterdir()) == ["p.failed.ipynb"]
    run = run_notebook(src, {"FAIL": False}, output_dir=out, timeout=120)
    assert sorted(p.name for p in out.iterdir()) == ["p.ipynb"]  # the stale failure is gone
    assert run.notebook == out / "p.ipynb"
    # a file of that name the tool did not write (no mark), or wrote for another notebook, stays
    users = out / "p.failed.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), users)
    other = nbformat.v4.new_notebook()
    other.metadata["mixedmig"] = {"failed_run_of": "q.ipynb"}
    run_notebook(src, {"FAIL": False}, output_dir=out, timeout=120)
    assert users.is_file()
    nbformat.write(other, users)
    run_notebook(src, {"FAIL": False}, output_dir=out, timeout=120)
    assert users.is_file()


def test_cli_run_types_parameters_and_reports_unknown_ones(tmp_path):
    src = _parameter_notebook(tmp_path / "p.ipynb")
    out = tmp_path / "runs"
    cmd = [sys.executable, "-m", "mixedmig.cli", "run", str(src), "-p", "EDITION", "2017",
           "-p", "HUB", "LAO", "--output", str(out), "--html"]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stderr
    # the kernel's own log stays quiet: no "Kernel is running over TCP without encryption"
    assert "IPKernelApp" not in result.stderr, result.stderr
    assert (out / "p.html").is_file()
    nb = json.loads((out / "p.ipynb").read_text())
    assert nb["metadata"]["papermill"]["parameters"] == {"EDITION": 2017, "HUB": "LAO"}
    bad = subprocess.run([sys.executable, "-m", "mixedmig.cli", "run", str(src), "-p", "X", "1",
                          "--output", str(out)], capture_output=True, text=True, check=False)
    assert bad.returncode == 2
    assert "has no parameter 'X'" in bad.stderr and "EDITION, HUB, SHARE" in bad.stderr


def test_figures_is_the_notebooks_command():
    from mixedmig.cli import build_parser

    parser = build_parser()
    assert (parser.parse_args(["figures"]).func is parser.parse_args(["notebooks"]).func)


def test_default_notebooks_include_the_profile_template():
    from mixedmig.cli.notebooks import _notebook_paths

    names = [p.name for p in _notebook_paths([])]
    assert names[-1] == "profile.ipynb"
    assert names[:-1] == sorted(names[:-1]) and all(re.match(r"\d\d-", n) for n in names[:-1])


def test_a_run_saves_its_figures_beside_it(tmp_path):
    # A notebook with a FIGURES parameter pointing at the repository's figures/ folder: a run
    # writes into OUT/figures instead, unless FIGURES is given explicitly.
    src = tmp_path / "nb" / "f.ipynb"
    src.parent.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells.append(nbformat.v4.new_code_cell('FIGURES = "../figures"  # folder for figures',
                                              metadata={"tags": ["parameters"]}))
    nb.cells.append(nbformat.v4.new_code_cell(
        "from pathlib import Path\nPath(FIGURES).mkdir(parents=True, exist_ok=True)\n"
        "(Path(FIGURES) / 'x.txt').write_text('x')"))
    nbformat.write(nb, src)
    run_notebook(src, {}, output_dir=tmp_path / "out", timeout=120)
    assert (tmp_path / "out" / "figures" / "x.txt").is_file()
    assert not (tmp_path / "figures").exists()
    run_notebook(src, {"FIGURES": str(tmp_path / "mine")}, output_dir=tmp_path / "out2",
                 timeout=120)
    assert (tmp_path / "mine" / "x.txt").is_file()


def test_a_relative_path_parameter_is_read_from_the_callers_folder(tmp_path, monkeypatch):
    # The notebook runs in its own folder; -p INPUT mine.csv given in the caller's folder must
    # reach it as that file (made-up file content).
    src = tmp_path / "nb" / "r.ipynb"
    src.parent.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells.append(nbformat.v4.new_code_cell('INPUT = "default.csv"  # a file to read',
                                              metadata={"tags": ["parameters"]}))
    nb.cells.append(nbformat.v4.new_code_cell("print(open(INPUT).read())"))
    nbformat.write(nb, src)
    work = tmp_path / "work"
    work.mkdir()
    (work / "mine.csv").write_text("a,b\n1,2\n")
    monkeypatch.chdir(work)
    run = run_notebook(src, {"INPUT": "mine.csv"}, output_dir=tmp_path / "out", timeout=120)
    out = nbformat.read(run.notebook, as_version=4)
    printed = [o["text"] for c in out.cells for o in c.get("outputs", []) if o.get("name") == "stdout"]
    assert printed == ["a,b\n1,2\n\n"]
    assert run.parameters["INPUT"] == str(work / "mine.csv")
