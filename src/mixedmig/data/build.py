"""``mixedmig build``: the curated tables of ``data/raw`` -> the derived tables of ``data/processed``.

The build is

- **validated first**: every curated table is loaded (sha256 against its manifest, every row
  against its schema) before anything is written, so a bad input stops the build with the file,
  line and column of the problem;
- **deterministic**: tables are written in sorted order with ``\\n`` line endings and floats in
  their shortest exact text, and ``manifest.json`` is written with sorted keys, so two builds
  from the same inputs are byte-identical;
- **atomic**: everything is written to a staging folder beside the target, which then replaces
  the target in one rename; a failure at any point leaves the previous outputs untouched and
  removes the staging folder. A ``README.md`` in the target folder is kept.

``manifest.json`` records the sha256 of every input file (``inputs``), the row count of every
curated table (``input_tables``), the sha256 of every output (``outputs``) and the column dtypes
of every output (``dtypes``), which :func:`mixedmig.data.load` uses to read a processed table
back typed and to refuse a table that was altered or built from other inputs.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from . import catalog, derived
from .catalog import PROCESSED_NAME

__all__ = ["build"]


def build(processed_dir: str | os.PathLike | None = None) -> Path:
    """Build ``data/processed`` from ``data/raw``, deterministically and atomically.

    Parameters
    ----------
    processed_dir : str or os.PathLike, optional
        Folder to write. Default: ``processed`` beside the ``data/raw`` folder of
        :func:`mixedmig.data.data_dir` (i.e. ``data/processed``). The folder is replaced
        as a whole.

    Returns
    -------
    pathlib.Path
        The folder written. It holds one CSV per derived table (see
        :func:`mixedmig.data.build_outputs`) and ``manifest.json`` with keys ``generator``,
        ``inputs`` (sha256 of every ``data/raw`` CSV and YAML file), ``input_tables`` (rows per
        curated table), ``outputs`` (sha256 per output CSV) and ``dtypes`` (column dtypes per
        output CSV).

    Raises
    ------
    mixedmig.errors.DataError
        If a curated table is missing or unreadable; its subclasses ``IntegrityError`` (a CSV
        whose sha256 differs from its manifest), ``SchemaError`` (a row or column that breaks
        the schema) and ``ManifestError`` (a missing or malformed manifest) name the file, line
        and column. Nothing is written in that case.
    OSError
        If the target folder cannot be written; the previous outputs are then restored.

    See Also
    --------
    mixedmig.data.load : reads a processed table by name, checked against ``manifest.json``.

    Examples
    --------
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> from mixedmig import data
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     target = data.build(Path(tmp) / "processed")
    ...     record = json.loads((target / "manifest.json").read_text())
    ...     print(sorted(record), "gravity_pairs.csv" in record["outputs"])
    ['dtypes', 'generator', 'input_tables', 'inputs', 'outputs'] True
    """
    raw_dir = catalog.data_dir()
    target = Path(processed_dir) if processed_dir is not None else raw_dir.parent / PROCESSED_NAME
    validation = catalog.validate_all()  # every input must load before anything is written
    outputs = derived.build_outputs()

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".processed-", dir=target.parent))
    try:
        for relative, frame in sorted(outputs.items()):
            derived._write_csv(frame, staging / relative)
        record = {
            "generator": "mixedmig build",
            "inputs": catalog._raw_digests(raw_dir),
            "input_tables": validation.set_index("name")["rows"].astype(int).to_dict(),
            "outputs": {rel: catalog.sha256_file(staging / rel) for rel in sorted(outputs)},
            "dtypes": {rel: derived._dtypes(outputs[rel]) for rel in sorted(outputs)},
        }
        (staging / "manifest.json").write_text(
            json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        readme = target / "README.md"  # the tracked note on the folder survives a rebuild
        if readme.is_file():
            shutil.copyfile(readme, staging / "README.md")
        backup = None
        if target.exists():
            backup = Path(tempfile.mkdtemp(prefix=".processed-old-", dir=target.parent))
            backup.rmdir()
            os.replace(target, backup)
        try:
            os.replace(staging, target)
        except BaseException:
            if backup is not None:
                os.replace(backup, target)
            raise
        if backup is not None:
            shutil.rmtree(backup, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target
