"""Notebook support: session setup and headless execution with stored outputs."""

from __future__ import annotations

import os
import time
import warnings
from pathlib import Path

import numpy as np


def notebook_setup(seed: int = 2013) -> np.random.Generator:
    """Seed numpy, apply the house plot style, set pandas display options.

    Returns ``numpy.random.default_rng(seed)`` for the notebook to use.
    """
    import matplotlib
    import pandas as pd

    from . import plotting

    np.random.seed(seed)
    plotting.apply_style()
    matplotlib.rcParams["figure.max_open_warning"] = 0
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.width", 120)
    pd.set_option("display.precision", 3)
    return np.random.default_rng(seed)


def execute_notebook(path: str | os.PathLike, timeout: int = 600) -> float:
    """Execute a notebook in place (its folder as working directory). Returns seconds taken.

    The notebook is written atomically: a failing run leaves the stored version untouched.
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
    tmp = path.with_name(f".{path.name}.tmp")
    nbformat.write(nb, tmp)
    os.replace(tmp, path)
    return elapsed
