"""Notebook support: session set-up and headless execution with stored outputs.

:func:`notebook_setup` is the first call of every notebook (seeded random numbers, the house plot
style, pandas display options); :func:`execute_notebook` runs a notebook headless and stores its
outputs deterministically (no timing metadata, atomic write), for ``mixedmig notebooks`` and
``mixedmig reproduce``.
"""

from __future__ import annotations

import os
import time
import warnings
from pathlib import Path

import numpy as np

__all__ = ["execute_notebook", "merge_streams", "notebook_setup"]


def notebook_setup(seed: int = 2013) -> np.random.Generator:
    """Prepare a notebook session: seed numpy, apply the house plot style, set pandas options.

    Parameters
    ----------
    seed : int, default 2013
        Seed of numpy's legacy global generator and of the returned generator.

    Returns
    -------
    numpy.random.Generator
        ``numpy.random.default_rng(seed)``, for the notebook's random draws.

    Notes
    -----
    Changes global state on purpose (numpy's legacy seed, matplotlib rcParams, pandas
    options): call it once, in a notebook's first code cell. Inside a Jupyter kernel it also
    selects matplotlib's inline backend, so ``plt.show()`` stores each figure in the notebook
    as a PNG even when the kernel was started with ``MPLBACKEND=Agg`` (as ``make reproduce``
    and the tests do); elsewhere the backend is left alone.
    """
    import matplotlib
    import pandas as pd

    from . import plotting

    np.random.seed(seed)
    _inline_figures_in_kernels()
    plotting.apply_style()
    matplotlib.rcParams["figure.max_open_warning"] = 0
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.width", 120)
    pd.set_option("display.precision", 3)
    return np.random.default_rng(seed)


def _inline_figures_in_kernels() -> None:
    """Switch to the inline backend when running in a Jupyter kernel (no-op elsewhere)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the kernel
        return
    shell = get_ipython()
    if shell is not None and getattr(shell, "kernel", None) is not None:
        shell.run_line_magic("matplotlib", "inline")  # also registers the PNG formatter


def execute_notebook(path: str | os.PathLike, timeout: int = 600) -> float:
    """Execute a notebook in place, with its folder as working directory, storing the outputs.

    Cells' execution timing metadata is dropped and consecutive stream outputs are merged
    (:func:`merge_streams`), so re-running an unchanged notebook leaves the file identical. The notebook is written atomically: a failing run leaves the stored
    version untouched.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.ipynb`` file.
    timeout : int, default 600
        Seconds allowed per cell.

    Returns
    -------
    float
        Wall-clock seconds taken by the execution.

    Raises
    ------
    nbclient.exceptions.CellExecutionError
        If a cell raises; the stored notebook is then unchanged.
    FileNotFoundError
        If ``path`` does not exist.
    """
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,  # no timestamps in stored notebooks: reruns stay identical
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        client.execute()
    elapsed = time.perf_counter() - start
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = merge_streams(cell.outputs)
    tmp = path.with_name(f".{path.name}.tmp")
    nbformat.write(nb, tmp)
    os.replace(tmp, path)
    return elapsed


def merge_streams(outputs):
    r"""Merge consecutive stream outputs of the same stream into one output.

    How a kernel splits a cell's printed text into stream messages depends on timing, so the
    same cell can be stored as one or several chunks; merging them makes the stored notebook
    the same on every run.

    Parameters
    ----------
    outputs : list of dict
        A code cell's ``outputs`` (nbformat output nodes).

    Returns
    -------
    list
        The outputs with every run of consecutive ``stream`` outputs of one ``name`` (stdout or
        stderr) joined into one; other outputs are unchanged and keep their order.

    Examples
    --------
    >>> import nbformat
    >>> outs = [nbformat.v4.new_output("stream", name="stdout", text="a\n"),
    ...         nbformat.v4.new_output("stream", name="stdout", text="b\n"),
    ...         nbformat.v4.new_output("stream", name="stderr", text="c\n")]
    >>> [(o["name"], o["text"]) for o in merge_streams(outs)]
    [('stdout', 'a\nb\n'), ('stderr', 'c\n')]
    """
    merged = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (output.get("output_type") == "stream" and previous is not None
                and previous.get("output_type") == "stream"
                and previous.get("name") == output.get("name")):
            previous["text"] = previous["text"] + output["text"]
        else:
            merged.append(output)
    return merged
