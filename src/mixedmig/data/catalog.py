"""The catalogue of curated tables: locations, manifests by name, load and validate."""

from __future__ import annotations
import hashlib
import os
from pathlib import Path
import pandas as pd
from ..errors import DataError, IntegrityError, ManifestError
from .schema import Manifest
from .schema import _HOW_TO_FIX_HASH
from .schema import _manifest_path_for
from .schema import _read_and_validate
from .schema import read_manifest


def data_dir() -> Path:
    """The ``data/raw`` folder: ``$MIXEDMIG_DATA`` if set, else the repository's ``data/raw``.

    The repository is found from the package location (src layout, editable install) or,
    failing that, by walking up from the current directory.
    """
    env = os.environ.get("MIXEDMIG_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    candidates = [here.parents[2]] + [Path.cwd(), *Path.cwd().parents]
    for root in candidates:
        if (root / "data" / "raw").is_dir() and (root / "pyproject.toml").is_file():
            return root / "data" / "raw"
    raise DataError(
        "cannot find the data/raw folder of the mixedmig repository; run from inside a clone "
        "of the repository or set MIXEDMIG_DATA to the folder that holds the CSV files"
    )


def repo_root() -> Path:
    """The repository root (the parent of ``data/``)."""
    return data_dir().parents[1]


def sha256_file(path: str | os.PathLike) -> str:
    """Hex sha256 digest of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest(name: str) -> Manifest:
    """The manifest of the curated table ``name``."""
    csv_path = _csv_path(name)
    yml = _manifest_path_for(csv_path)
    if yml is None:
        raise ManifestError(
            f"no manifest beside {csv_path.name}: write {csv_path.stem}.yml "
            "(see docs/data-manifests.md)",
            path=csv_path,
        )
    return read_manifest(yml)


def _csv_path(name: str) -> Path:
    directory = data_dir()
    csv_path = directory / f"{name}.csv"
    if not csv_path.is_file():
        known = ", ".join(dataset_names()) or "(none)"
        raise DataError(
            f"no dataset named '{name}'; known datasets: {known}", path=csv_path
        )
    return csv_path


def dataset_names() -> list[str]:
    """Names of the curated tables (CSV stems in data/raw), sorted."""
    return sorted(p.stem for p in data_dir().glob("*.csv"))


def list_datasets() -> pd.DataFrame:
    """One row per curated table: name, title, publisher, edition, licence, rows, units."""
    rows = []
    for name in dataset_names():
        m = manifest(name)
        with open(m.csv_path, encoding="utf-8") as handle:
            n_rows = max(sum(1 for _ in handle) - 1, 0)
        rows.append(
            {
                "name": name,
                "title": m.title,
                "publisher": m.publisher,
                "edition": m.edition,
                "licence": m.licence,
                "rows": n_rows,
                "units": m.units,
            }
        )
    return pd.DataFrame(rows)


def load(name: str, *, verify_hash: bool = True) -> pd.DataFrame:
    """Load the curated table ``name`` from data/raw as a validated, typed DataFrame.

    The manifest is attached as ``df.attrs["manifest"]`` (a plain dict of provenance).
    """
    m = manifest(name)
    if verify_hash:
        actual = sha256_file(m.csv_path)
        if actual != m.sha256:
            raise IntegrityError(
                f"sha256 mismatch: the manifest records {m.sha256[:12]}… but the file is "
                f"{actual[:12]}…. " + _HOW_TO_FIX_HASH.format(path=m.csv_path),
                path=m.csv_path,
            )
    frame = _read_and_validate(m.csv_path, m.schema)
    frame.attrs["manifest"] = {
        "name": m.name,
        "title": m.title,
        "sources": [dict(s) for s in m.sources],
        "units": m.units,
        "sha256": m.sha256,
    }
    return frame


def validate_file(path: str | os.PathLike, schema: str) -> pd.DataFrame:
    """Validate a researcher's own CSV against the schema of curated table ``schema``.

    The file's hash is not checked (it is not a curated table). Returns the typed DataFrame.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError("file not found; check the path", path=path)
    return _read_and_validate(path, manifest(schema).schema)


def validate_all() -> pd.DataFrame:
    """Load every curated table (hash + schema). Returns name, rows, status per table."""
    rows = []
    for name in dataset_names():
        frame = load(name)
        rows.append({"name": name, "rows": len(frame), "status": "ok"})
    return pd.DataFrame(rows)


def datasets_markdown() -> str:
    """The table of curated datasets as Markdown (the README's dataset table)."""
    lines = [
        "| table | what | original publisher | edition / vintage | licence | rows |",
        "|---|---|---|---|---|---|",
    ]
    def brief(joined: str, noun: str) -> str:
        parts = joined.split("; ")
        return joined if len(parts) <= 3 else f"{len(parts)} {noun} (see the manifest)"

    for row in list_datasets().itertuples():
        lines.append(
            f"| `{row.name}` | {row.title} | {brief(row.publisher, 'publishers')} | "
            f"{brief(row.edition, 'editions')} | {brief(row.licence, 'licences')} | {row.rows:,} |"
        )
    return "\n".join(lines) + "\n"
