"""The catalogue of tables: where they live, their manifests, and ``load()`` by name.

Two kinds of table are loaded by name with :func:`load`:

- **curated tables** ``data/raw/NAME.csv``, each with a YAML manifest ``NAME.yml`` (provenance,
  units, sha256 of the CSV, schema; format in ``docs/data-manifests.md``). ``load`` checks the
  sha256 and validates every row against the schema;
- **derived tables** (``gravity_pairs``, ``identified_victims_wide``,
  ``undesa_od/edition-E/year-Y``; see :mod:`mixedmig.data.derived`), which ``mixedmig build``
  writes to ``data/processed``. ``load`` reads ``data/processed/NAME.csv`` when the folder has
  been built, after checking its sha256 and the input digests recorded in
  ``data/processed/manifest.json``; when the folder has not been built (a fresh clone), it builds
  that one table in memory from the validated curated tables. Both paths parse the same CSV text
  with the same dtypes, so they return the same frame.

``data/raw`` is ``$MIXEDMIG_DATA`` when that is set, else the repository's ``data/raw``;
``data/processed`` is the folder ``processed`` beside it.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

import pandas as pd

from ..errors import DataError, InputError, IntegrityError, ManifestError
from .schema import (
    _HOW_TO_FIX_HASH,
    MAX_PROBLEMS,
    Manifest,
    _manifest_path_for,
    _read_and_validate,
    read_manifest,
)

__all__ = [
    "PROCESSED_NAME",
    "data_dir",
    "dataset_names",
    "datasets_markdown",
    "list_datasets",
    "load",
    "manifest",
    "processed_dir",
    "repo_root",
    "sha256_file",
    "validate_all",
    "validate_file",
]

#: Name of the folder of derived tables, beside ``data/raw``.
PROCESSED_NAME = "processed"

_DERIVED_HINT = (
    "derived tables: gravity_pairs, identified_victims_wide, undesa_od/edition-E/year-Y"
)


def data_dir() -> Path:
    """The folder of curated tables, ``data/raw``.

    Returns
    -------
    pathlib.Path
        ``$MIXEDMIG_DATA`` if that environment variable is set; else the ``data/raw`` folder of
        the repository, found from the package location (src layout, editable install) or,
        failing that, by walking up from the current directory.

    Raises
    ------
    mixedmig.errors.DataError
        If ``MIXEDMIG_DATA`` is unset and no repository with ``data/raw`` and
        ``pyproject.toml`` is found.

    Examples
    --------
    >>> from mixedmig import data
    >>> data.data_dir().name
    'raw'
    """
    env = os.environ.get("MIXEDMIG_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    candidates = [here.parents[3]] + [Path.cwd(), *Path.cwd().parents]
    for root in candidates:
        if (root / "data" / "raw").is_dir() and (root / "pyproject.toml").is_file():
            return root / "data" / "raw"
    raise DataError(
        "cannot find the data/raw folder of the mixedmig repository; run from inside a clone "
        "of the repository or set MIXEDMIG_DATA to the folder that holds the CSV files"
    )


def processed_dir() -> Path:
    """The folder of derived tables written by ``mixedmig build``.

    Returns
    -------
    pathlib.Path
        The folder ``processed`` beside :func:`data_dir` (``data/processed``). It may not
        exist yet.

    Raises
    ------
    mixedmig.errors.DataError
        If :func:`data_dir` cannot be found.

    Examples
    --------
    >>> from mixedmig import data
    >>> data.processed_dir().name
    'processed'
    """
    return data_dir().parent / PROCESSED_NAME


def repo_root() -> Path:
    """The repository root, the parent of ``data/``.

    Returns
    -------
    pathlib.Path
        ``data_dir().parents[1]``.

    Raises
    ------
    mixedmig.errors.DataError
        If :func:`data_dir` cannot be found.

    Examples
    --------
    >>> from mixedmig import data
    >>> (data.repo_root() / "pyproject.toml").is_file()
    True
    """
    return data_dir().parents[1]


def sha256_file(path: str | os.PathLike) -> str:
    """Hex sha256 digest of a file's bytes (the digest a manifest records).

    Parameters
    ----------
    path : str or os.PathLike
        The file.

    Returns
    -------
    str
        64 lower-case hexadecimal digits.

    Raises
    ------
    mixedmig.errors.DataError
        If the file does not exist.

    Examples
    --------
    >>> import tempfile, os
    >>> from mixedmig import data
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "empty.csv")
    ...     open(path, "wb").close()
    ...     data.sha256_file(path)[:16]
    'e3b0c44298fc1c14'
    """
    import hashlib
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except FileNotFoundError:
        raise DataError("file not found; check the path", path=path) from None
    return digest.hexdigest()


def _raw_digests(raw_dir: Path) -> dict[str, str]:
    """sha256 of every CSV and YAML file of ``data/raw``, keyed ``data/raw/NAME``."""
    return {
        f"data/raw/{p.name}": sha256_file(p)
        for p in sorted(raw_dir.glob("*"))
        if p.suffix in (".csv", ".yml", ".yaml")
    }


def manifest(name: str) -> Manifest:
    """The manifest of the curated table ``name``.

    Parameters
    ----------
    name : str
        A curated table name (see :func:`dataset_names`), e.g. ``"undesa_ims_bilateral"``.

    Returns
    -------
    mixedmig.data.Manifest
        Provenance (sources, units, reliability), the recorded sha256 and the schema.

    Raises
    ------
    mixedmig.errors.InputError
        If ``name`` is not a non-empty string or there is no curated table ``name`` (the
        message suggests the closest names and lists the known ones).
    mixedmig.errors.ManifestError
        If the manifest is missing or malformed.

    Examples
    --------
    >>> from mixedmig import data
    >>> m = data.manifest("undesa_ims_bilateral")
    >>> m.units, list(m.schema.primary_key)
    ('persons (mid-year stock)', ['edition', 'year', 'sex', 'orig', 'dest'])
    """
    csv_path = _csv_path(name)
    yml = _manifest_path_for(csv_path)
    if yml is None:
        raise ManifestError(
            f"no manifest beside {csv_path.name}: write {csv_path.stem}.yml "
            "(see docs/data-manifests.md)",
            path=csv_path,
        )
    return read_manifest(yml)


def _check_name(name) -> None:
    if not isinstance(name, str) or not name:
        raise InputError(f"a table name must be a non-empty string, got {name!r}")


def _unknown_name(name: str, known: list[str], what: str, hint: str = "",
                  also=()) -> InputError:
    """The one unknown-name error: the name, a "did you mean" (difflib) and the known names.

    An unknown table or schema name is a bad argument (InputError), not a bad file: the message
    names no file the caller never passed.  ``also`` are further names offered as suggestions
    only (the derived tables, for :func:`load`).
    """
    stem = name[:-4] if name.lower().endswith(".csv") else name
    close = difflib.get_close_matches(stem, [*known, *also], n=3, cutoff=0.6)
    parts = [f"no {what} named {name!r}"]
    if stem != name and stem in known:
        parts.append(f"give the name without '.csv': {stem!r}")
    elif close:
        parts.append("did you mean " + " or ".join(repr(c) for c in close))
    parts.append(f"known {what}s: {', '.join(known) or '(none)'}")
    if hint:
        parts.append(hint)
    return InputError("; ".join(parts))


def _csv_path(name: str, what: str = "dataset", hint: str = _DERIVED_HINT) -> Path:
    _check_name(name)
    csv_path = data_dir() / f"{name}.csv"
    if any(sep in name for sep in ("/", "\\")) or name.startswith(".") or not csv_path.is_file():
        from . import derived

        also = derived._SINGLE_TABLES if what == "dataset" else ()
        raise _unknown_name(name, dataset_names(), what, hint, also=also)
    return csv_path


def dataset_names() -> list[str]:
    """Names of the curated tables (the CSV stems in ``data/raw``).

    Returns
    -------
    list of str
        Sorted names.

    Raises
    ------
    mixedmig.errors.DataError
        If :func:`data_dir` cannot be found.

    Examples
    --------
    >>> from mixedmig import data
    >>> "undesa_ims_bilateral" in data.dataset_names()
    True
    """
    return sorted(p.stem for p in data_dir().glob("*.csv"))


def list_datasets() -> pd.DataFrame:
    """One row per curated table with its provenance.

    Returns
    -------
    pandas.DataFrame
        Columns ``name``, ``title``, ``publisher``, ``edition``, ``licence`` (several sources
        joined with ``"; "``), ``rows`` (data rows of the CSV) and ``units``, sorted by name.

    Raises
    ------
    mixedmig.errors.ManifestError
        If a manifest is missing or malformed.

    Examples
    --------
    >>> from mixedmig import data
    >>> table = data.list_datasets()
    >>> list(table.columns)
    ['name', 'title', 'publisher', 'edition', 'licence', 'rows', 'units']
    """
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


def _is_derived(name: str) -> bool:
    from . import derived

    return name in derived._SINGLE_TABLES or name.startswith(derived._OD_PREFIX)


def load(name: str, *, verify_hash: bool = True, processed: bool | None = None) -> pd.DataFrame:
    """Load a curated or derived table by name as a validated, typed DataFrame.

    A **curated table** is read from ``data/raw/NAME.csv``: its sha256 is checked against the
    manifest ``NAME.yml`` and every row is validated against the manifest's schema.

    A **derived table** (``"gravity_pairs"``, ``"identified_victims_wide"``,
    ``"undesa_od/edition-E/year-Y"``) is read from ``data/processed/NAME.csv`` when
    ``mixedmig build`` has written that folder: the file's sha256 must match
    ``data/processed/manifest.json``, and the input digests recorded there must match the
    current ``data/raw`` (else the folder is stale). When ``data/processed`` has not been built
    (a fresh clone), the one table is built in memory from the validated curated tables
    (:func:`mixedmig.data.build_table`), deterministically. Both paths parse the same CSV text
    with the same recorded dtypes, so they return the same frame.

    Parameters
    ----------
    name : str
        A curated table (see :func:`dataset_names`) or a derived table (see
        :func:`mixedmig.data.derived_names`).
    verify_hash : bool, default True
        Check sha256 digests (the CSV against its manifest; for a processed table, the file
        and the inputs against ``manifest.json``).
    processed : bool or None, default None
        Derived tables only. ``None``: read ``data/processed`` if it has been built, else build
        in memory. ``True``: require the processed file. ``False``: always build in memory.

    Returns
    -------
    pandas.DataFrame
        The typed table (nullable ``Int64`` integers, ``float64`` numbers, ``boolean``
        flags, strings), with a default RangeIndex. ``frame.attrs["manifest"]`` holds a plain
        dict of provenance: for curated tables ``name``, ``title``, ``sources``, ``units``,
        ``sha256``; for derived tables ``name``, ``derived_from`` and ``sha256`` (of the CSV
        text, identical for both paths).

    Raises
    ------
    mixedmig.errors.InputError
        If ``name`` is not a non-empty string, names no table (the message says "did you
        mean" with the closest names and lists the known ones), or ``processed`` is given for
        a curated table.
    mixedmig.errors.DataError
        If ``processed=True`` and ``data/processed`` has not been built.
    mixedmig.errors.IntegrityError
        If a sha256 differs from the one recorded (curated CSV vs. its manifest; processed CSV
        vs. ``manifest.json``; current ``data/raw`` vs. the inputs of the build).
    mixedmig.errors.SchemaError
        If a row or column breaks the schema (the message names file, line and column).
    mixedmig.errors.ManifestError
        If a manifest (YAML or ``manifest.json``) is missing or malformed.

    See Also
    --------
    validate_file : apply a curated table's schema to a CSV of your own.
    mixedmig.data.build : write ``data/processed``.

    Examples
    --------
    >>> from mixedmig import data
    >>> victims = data.load("uniap_identified_victims")
    >>> list(victims.columns)[:3]
    ['country', 'year', 'victims']
    >>> pairs = data.load("gravity_pairs")
    >>> pairs.shape[0] == pairs["year"].nunique() * 15 * 14
    True
    """
    _check_name(name)
    if _is_derived(name):
        return _load_derived(name, verify_hash, processed)
    if processed is not None:
        raise InputError(
            f"'{name}' is not a derived table; 'processed' applies to derived tables only "
            f"({_DERIVED_HINT}): leave it out"
        )
    return _load_curated(name, verify_hash)


def _load_curated(name: str, verify_hash: bool) -> pd.DataFrame:
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


def _build_record(folder: Path) -> dict:
    path = folder / "manifest.json"
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ManifestError(
            f"not valid JSON ({exc.msg}); run `mixedmig build` to rewrite data/processed",
            path=path, row=exc.lineno,
        ) from None
    missing = [k for k in ("inputs", "outputs", "dtypes") if not isinstance(record.get(k), dict)]
    if missing:
        raise ManifestError(
            f"lacks {missing} (written by an older mixedmig?); run `mixedmig build`", path=path
        )
    return record


def _load_derived(name: str, verify_hash: bool, processed: bool | None) -> pd.DataFrame:
    from . import derived

    folder = processed_dir()
    built = (folder / "manifest.json").is_file()
    relative = f"{name}.csv"
    if processed is False or (processed is None and not built):
        frame = derived.build_table(name)
        text = derived._csv_text(frame)
        dtypes = derived._dtypes(frame)
    else:
        if not built:
            raise DataError(
                "data/processed has not been built; run `mixedmig build` (or load with "
                "processed=None to build the table in memory)",
                path=folder / "manifest.json",
            )
        record = _build_record(folder)
        path = folder / relative
        if relative not in record["outputs"] or relative not in record["dtypes"]:
            raise DataError(
                f"data/processed has no table '{name}'; run `mixedmig build`", path=path
            )
        if verify_hash:
            actual = sha256_file(path)
            if actual != record["outputs"][relative]:
                raise IntegrityError(
                    f"sha256 mismatch: manifest.json records {record['outputs'][relative][:12]}… "
                    f"but the file is {actual[:12]}…; never edit data/processed by hand: "
                    "run `mixedmig build`",
                    path=path,
                )
            current = _raw_digests(data_dir())
            changed = sorted(k for k in set(current) | set(record["inputs"])
                             if current.get(k) != record["inputs"].get(k))
            if changed:
                raise IntegrityError(
                    f"data/processed is out of date: {changed[0]} changed since the last build"
                    f"{f' (and {len(changed) - 1} more)' if len(changed) > 1 else ''}; "
                    "run `mixedmig build`",
                    path=folder / "manifest.json",
                )
        text = path.read_text(encoding="utf-8")
        dtypes = record["dtypes"][relative]
    frame = derived._parse_csv(text, dtypes)
    frame.attrs["manifest"] = {
        "name": name,
        "derived_from": "mixedmig.data.derived (see its module docstring)",
        "sha256": derived._sha256_text(text),
    }
    return frame


def validate_file(path: str | os.PathLike, schema: str, *,
                  max_problems: int = MAX_PROBLEMS) -> pd.DataFrame:
    """Validate a CSV of your own against the schema of a curated table.

    The file's sha256 is not checked (it is not a curated table). Every row is checked and
    every problem reported in one run (the first ``max_problems`` in file order, with a count
    of the rest). The file is read in chunks, so memory stays near the size of the typed table
    even for files of hundreds of megabytes.

    What spreadsheets write is handled: Excel's UTF-8 byte-order mark is dropped; blank lines,
    rows of empty fields and empty trailing columns are ignored; a file separated by
    semicolons, tabs or bars is rejected with a message naming the delimiter and how to save it
    with commas; a line that is not UTF-8 is located.

    Parameters
    ----------
    path : str or os.PathLike
        A UTF-8 CSV file with a header row.
    schema : str
        Name of the curated table whose schema the file must follow (see
        :func:`dataset_names`).
    max_problems : int, default 50
        How many problems the error lists (all are counted).

    Returns
    -------
    pandas.DataFrame
        The typed table, as :func:`load` would return it.

    Raises
    ------
    mixedmig.errors.InputError
        If ``schema`` names no curated table (the message says "did you mean" with the
        closest names and lists them; checked before the file).
    mixedmig.errors.DataError
        If the file does not exist.
    mixedmig.errors.SchemaError
        If anything in the file breaks the schema: wrong delimiter or header, a value of the
        wrong type (``inf``, ``1e999``, ``NaN`` in a number column; an integer beyond 64 bits),
        a control character in a text cell, an unknown country code, a negative count, a
        duplicate key, a line that is not UTF-8... The message names the file, the line
        (header = line 1) and the column of each problem and says how to fix it; the
        attribute ``problems`` holds them as :class:`~mixedmig.data.Problem` records and
        ``problem_count`` counts them all. Cell values are escaped in messages.
    mixedmig.errors.InputError
        If ``max_problems`` is not a positive whole number.

    Examples
    --------
    >>> import os, tempfile
    >>> from mixedmig import data
    >>> from mixedmig.errors import SchemaError
    >>> header = "country,year,victims,reliability,source,url,note\\n"
    >>> rows = ("KHM,2011,-3,read,made-up,https://example.org,\\n"
    ...         "Laos,2012,5,read,made-up,https://example.org,\\n")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "mine.csv")
    ...     with open(path, "w") as f:
    ...         _ = f.write(header + rows)
    ...     try:
    ...         data.validate_file(path, "uniap_identified_victims")
    ...     except SchemaError as err:
    ...         for problem in err.problems:
    ...             print(problem.line, problem.column, problem.message)
    2 victims negative value -3 (minimum 0)
    3 country unknown country code 'Laos'
    """
    if not isinstance(schema, str) or not schema:
        raise InputError(f"schema must be the name of a curated table (a non-empty str), got {schema!r}")
    _csv_path(schema, what="schema",
              hint="a schema is the name of a curated table (derived tables have none)")
    path = Path(path)
    if not path.is_file():
        raise DataError("file not found; check the path", path=path)
    return _read_and_validate(path, manifest(schema).schema, max_problems=max_problems)


def validate_all() -> pd.DataFrame:
    """Load every curated table (sha256 and schema), stopping at the first failure.

    Returns
    -------
    pandas.DataFrame
        Columns ``name``, ``rows``, ``status`` (``"ok"``), one row per curated table.

    Raises
    ------
    mixedmig.errors.DataError
        The first failure of :func:`load` (``IntegrityError``, ``SchemaError``,
        ``ManifestError``).

    Examples
    --------
    >>> from mixedmig import data
    >>> report = data.validate_all()
    >>> set(report["status"])
    {'ok'}
    """
    rows = []
    for name in dataset_names():
        frame = load(name)
        rows.append({"name": name, "rows": len(frame), "status": "ok"})
    return pd.DataFrame(rows)


def datasets_markdown() -> str:
    """The table of curated datasets as Markdown (the README's dataset table).

    Long lists of publishers, editions or licences (more than three) are summarised as
    "N publishers (see the manifest)".

    Returns
    -------
    str
        A Markdown table with columns table, what, original publisher, edition / vintage,
        licence, rows; one line per curated table; ends with a newline.

    Raises
    ------
    mixedmig.errors.ManifestError
        If a manifest is missing or malformed.

    Examples
    --------
    >>> from mixedmig import data
    >>> data.datasets_markdown().splitlines()[0]
    '| table | what | original publisher | edition / vintage | licence | rows |'
    """
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
