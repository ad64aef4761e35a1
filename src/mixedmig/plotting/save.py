"""Deterministic figure files."""

from __future__ import annotations
import os
import tempfile
from pathlib import Path
from typing import Sequence
import matplotlib
import matplotlib.colors
from ..errors import InputError
from .style import _HASHSALT


_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"Creator": None, "Producer": None, "CreationDate": None},
}


def save_figure(fig, name: str, directory: str | os.PathLike = "figures",
                formats: Sequence[str] = ("png", "svg"), *, dpi: float | None = None) -> list[Path]:
    """Write ``fig`` as ``directory/name.FORMAT`` for each format ("png", "svg", "pdf") so that
    re-running gives byte-identical files: no software/date metadata, a fixed
    ``svg.hashsalt``.  Each file is written to a temporary file in the same folder and then
    renamed over the target, so a failure never leaves a half-written figure.  Returns the
    paths written."""
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
