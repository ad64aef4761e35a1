"""Deterministic figure files: re-running a notebook gives byte-identical PNG, SVG and PDF.

Files are written without software or date metadata and with a fixed ``svg.hashsalt``, each
first to a temporary file in the same folder and then renamed over the target (atomic on
POSIX), so a failure never leaves a half-written figure.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import matplotlib
import matplotlib.colors

from ..errors import InputError
from .style import _HASHSALT

__all__ = ["save_figure"]


_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"Creator": None, "Producer": None, "CreationDate": None},
}


def save_figure(fig, name: str, directory: str | os.PathLike = "figures",
                formats: Sequence[str] = ("png", "svg"), *, dpi: float | None = None) -> list[Path]:
    """Write a figure to files that are byte-identical when re-run.

    Writes ``directory/name.FORMAT`` for each format with no software or date metadata and a
    fixed ``svg.hashsalt``.  Each file is written to a temporary file in the same folder and
    then renamed over the target, so a failure never leaves a half-written figure.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to write.
    name : str
        File stem, e.g. ``"flows-2013"`` (no folder, no suffix, not starting with ".").
    directory : str or os.PathLike, default "figures"
        Folder to write to; created if absent.
    formats : sequence of str, default ("png", "svg")
        Any of "png", "svg" and "pdf" (case and a leading "." are ignored).
    dpi : float, optional
        Resolution of PNG files; None uses ``savefig.dpi``.

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of ``formats``.

    Raises
    ------
    InputError
        If ``name`` is not a plain file stem or a format is not supported.

    Examples
    --------
    >>> import tempfile
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from mixedmig.plotting import save_figure
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], [0, 1])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     first = [p.read_bytes() for p in save_figure(fig, "line", folder, ("png", "svg"))]
    ...     again = [p.read_bytes() for p in save_figure(fig, "line", folder, ("png", "svg"))]
    >>> first == again
    True
    >>> plt.close(fig)
    """
    if not isinstance(name, str) or not name or name != Path(name).name or name.startswith("."):
        raise InputError(
            f"save_figure: name must be a plain file stem such as 'flows-2013', got {name!r}; "
            "pass the folder as directory=."
        )
    formats = [f.lower().lstrip(".") for f in formats]
    unknown = [f for f in formats if f not in _METADATA]
    if unknown or not formats:
        raise InputError(
            f"save_figure: unsupported format(s) {unknown or formats}; use {sorted(_METADATA)}."
        )
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    rc = {"svg.hashsalt": _HASHSALT, "svg.fonttype": "path", "pdf.fonttype": 42}
    with matplotlib.rc_context(rc):
        for fmt in formats:
            target = directory / f"{name}.{fmt}"
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=f".{fmt}.tmp", dir=directory)
            try:
                with os.fdopen(fd, "wb") as handle:
                    extra = {} if dpi is None else {"dpi": dpi}
                    fig.savefig(handle, format=fmt, metadata=_METADATA[fmt], **extra)
                os.chmod(tmp, 0o644)  # mkstemp creates 0600; figures are meant to be shared
                os.replace(tmp, target)
            except BaseException:
                if os.path.exists(tmp):
                    os.unlink(tmp)
                raise
            written.append(target)
    return written
