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
