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
