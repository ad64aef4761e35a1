"""The catalogue of tables: where they live, their manifests, and ``load()`` by name or path.

Three origins of table are loaded by name with :func:`load`, in this order:

- **curated tables** ``data/raw/NAME.csv``, each with a YAML manifest ``NAME.yml`` (provenance,
  units, sha256 of the CSV, schema; format in ``docs/data-manifests.md``). ``load`` checks the
  sha256 and validates every row against the schema;
- **derived tables** (``gravity_pairs``, ``identified_victims_wide``,
  ``undesa_od/edition-E/year-Y``; see :mod:`mixedmig.data.derived`), which ``mixedmig build``
  writes to ``data/processed``. ``load`` reads ``data/processed/NAME.csv`` when the folder has
  been built, after checking its sha256 and the input digests recorded in
  ``data/processed/manifest.json``; when the folder has not been built (a fresh clone), it builds
  that one table in memory from the validated curated tables. Both paths parse the same CSV text
  with the same dtypes, so they return the same frame;
- **imported tables** ``<imports>/NAME.csv`` written by :func:`save_imported` (and ``mixedmig
  import``) from an official file or a researcher's own table, each with a manifest
  ``NAME.yml`` naming its schema kind, source, edition, the original file and its sha256, the
  date it was read and the sha256 of the CSV. ``load`` checks the sha256 and validates the
  table against its kind. A curated name always wins: an import may not take one.

``load`` also takes a **path** to a CSV file (``str`` or ``os.PathLike``; a string is a path
when it holds a path separator, ends in ``.csv`` or names an existing file): the file is
validated against a schema kind (:mod:`mixedmig.data.kinds`), given as ``kind=`` or named by a
sidecar manifest ``<file stem>.yml`` (``kind: bilateral_stocks``), and returned in the kind's
tidy shape. :func:`validate_file` checks a file against a kind or a curated table's schema.

Locations, set by environment variables:

``MIXEDMIG_DATA``
    The folder of curated tables (default: the repository's ``data/raw``). ``data/processed``
    is the folder ``processed`` beside it.
``MIXEDMIG_IMPORTS``
    The folder of imported tables (default: ``data/imported`` of the repository when running
    from a clone, else ``platformdirs.user_data_dir("mixedmig")/imported``), see
    :func:`imports_dir`.
"""

from __future__ import annotations

import datetime
import difflib
import json
import os
import re
from pathlib import Path

import pandas as pd

from ..errors import DataError, InputError, IntegrityError, ManifestError, SchemaError
from . import kinds as _kinds
from .schema import (
    _HOW_TO_FIX_HASH,
    MAX_PROBLEMS,
    Manifest,
    _manifest_path_for,
    _printable,
    _read_and_validate,
    read_manifest,
)

__all__ = [
    "IMPORTS_NAME",
    "PROCESSED_NAME",
    "data_dir",
    "dataset_names",
    "datasets_markdown",
    "imported_names",
    "imports_dir",
    "list_datasets",
    "load",
    "load_as",
    "manifest",
    "processed_dir",
    "repo_root",
    "save_imported",
    "sha256_file",
    "validate_all",
    "validate_file",
]

#: Name of the folder of derived tables, beside ``data/raw``.
PROCESSED_NAME = "processed"


#: Name of the folder of imported tables in a repository clone (``data/imported``).
IMPORTS_NAME = "imported"

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
    root = _repository()
    if root is not None:
        return root / "data" / "raw"
    raise DataError(
        "cannot find the data/raw folder of the mixedmig repository; run from inside a clone "
        "of the repository or set MIXEDMIG_DATA to the folder that holds the CSV files"
    )


def _repository() -> Path | None:
    """The root of the mixedmig clone we run from (package location first, then the current
    directory and its parents), or None."""
    here = Path(__file__).resolve()
    candidates = [here.parents[3]] + [Path.cwd(), *Path.cwd().parents]
    for root in candidates:
        if (root / "data" / "raw").is_dir() and (root / "pyproject.toml").is_file():
            return root
    return None


def imports_dir() -> Path:
    """The folder of imported tables (written by :func:`save_imported`, read by :func:`load`).

    Returns
    -------
    pathlib.Path
        ``$MIXEDMIG_IMPORTS`` if that environment variable is set; else ``data/imported`` of
        the repository when running from a clone (the folder is ignored by git); else
        ``platformdirs.user_data_dir("mixedmig")/imported``. It may not exist yet.

    Examples
    --------
    >>> import os
    >>> from mixedmig import data
    >>> os.environ["MIXEDMIG_IMPORTS"] = "/tmp/my-imports"
    >>> data.imports_dir().as_posix()
    '/tmp/my-imports'
    >>> del os.environ["MIXEDMIG_IMPORTS"]
    """
    env = os.environ.get("MIXEDMIG_IMPORTS")
    if env:
        return Path(env)
    root = _repository()
    if root is not None:
        return root / "data" / IMPORTS_NAME
    import platformdirs

    return Path(platformdirs.user_data_dir("mixedmig")) / IMPORTS_NAME


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

        also = derived._SINGLE_TABLES if what == "dataset" else _kinds.kind_names()
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


def _count_rows(path: Path) -> int:
    with open(path, encoding="utf-8") as handle:
        return max(sum(1 for _ in handle) - 1, 0)


def list_datasets(*, derived: bool = False) -> pd.DataFrame:
    """One row per table :func:`load` finds by name, with its provenance and origin.

    Parameters
    ----------
    derived : bool, default False
        Also list the derived tables (``origin == "derived"``; their ``rows`` are left empty:
        counting them would build them).

    Returns
    -------
    pandas.DataFrame
        Columns ``name``, ``title``, ``publisher``, ``edition``, ``licence`` (several sources
        joined with ``"; "``), ``rows`` (data rows of the CSV, nullable ``Int64``), ``units``,
        ``kind`` (the schema kind the table conforms to, or empty) and ``origin``
        (``curated``, then ``derived``, then ``imported``); sorted by name within each origin.
        Imported tables are those of :func:`imports_dir`.

    Raises
    ------
    mixedmig.errors.ManifestError
        If a manifest is missing or malformed.

    Examples
    --------
    >>> from mixedmig import data
    >>> table = data.list_datasets()
    >>> list(table.columns)
    ['name', 'title', 'publisher', 'edition', 'licence', 'rows', 'units', 'kind', 'origin']
    >>> table.set_index("name").loc["wpp2024_population", ["kind", "origin"]].tolist()
    ['population', 'curated']
    """
    rows = []
    for name in dataset_names():
        m = manifest(name)
        rows.append(
            {
                "name": name,
                "title": m.title,
                "publisher": m.publisher,
                "edition": m.edition,
                "licence": m.licence,
                "rows": _count_rows(m.csv_path),
                "units": m.units,
                "kind": m.kind or "",
                "origin": "curated",
            }
        )
    if derived:
        from . import derived as _derived

        for name in _derived.derived_names():
            rows.append({"name": name, "title": "derived from the curated tables "
                         "(see mixedmig.data.derived)", "publisher": "", "edition": "",
                         "licence": "", "rows": None, "units": "", "kind": "",
                         "origin": "derived"})
    for name in imported_names():
        record = _import_record(name)
        rows.append({"name": name, "title": str(record.get("title") or
                                                f"imported {record.get('kind')} table"),
                     "publisher": str(record.get("source") or ""),
                     "edition": "" if record.get("edition") is None else str(record["edition"]),
                     "licence": str(record.get("licence") or ""),
                     "rows": _count_rows(imports_dir() / f"{name}.csv"),
                     "units": str(record.get("units") or ""),
                     "kind": str(record.get("kind") or ""), "origin": "imported"})
    columns = ["name", "title", "publisher", "edition", "licence", "rows", "units", "kind",
               "origin"]
    table = pd.DataFrame(rows, columns=columns)
    table["rows"] = table["rows"].astype("Int64")
    return table


def _is_derived(name: str) -> bool:
    from . import derived

    return name in derived._SINGLE_TABLES or name.startswith(derived._OD_PREFIX)


def _is_path(source) -> bool:
    """Whether ``source`` is meant as a file path rather than a table name."""
    if isinstance(source, os.PathLike):
        return True
    return (any(sep in source for sep in ("/", "\\", os.sep)) or source.lower().endswith(".csv")
            or Path(source).is_file())


def load(source, *, kind: str | None = None, verify_hash: bool = True,
         processed: bool | None = None) -> pd.DataFrame:
    """Load a table by name (curated, derived or imported) or a CSV file by path, validated.

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

    An **imported table** (:func:`save_imported`, ``mixedmig import``) is read from
    :func:`imports_dir`: its sha256 is checked against its manifest and it is validated
    against its schema kind. Names are looked up in this order: derived, curated, imported.

    A **path** (an ``os.PathLike``, or a string with a path separator, ending in ``.csv`` or
    naming an existing file) is read as a CSV of the schema kind ``kind`` (or the kind its
    sidecar manifest ``<stem>.yml`` names; a ``sha256`` recorded there is checked), validated,
    and returned in the kind's tidy shape (:func:`mixedmig.data.read_kind_file`).

    Parameters
    ----------
    source : str or os.PathLike
        A curated table (see :func:`dataset_names`), a derived table (see
        :func:`mixedmig.data.derived_names`), an imported table (see :func:`imported_names`)
        or the path of a CSV file.
    kind : str, optional
        A schema kind (see :func:`mixedmig.data.kind_names`). Required for a path without a
        sidecar manifest naming one; for a name, it must be the kind the table declares.
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
        text, identical for both paths); for imported tables their manifest; for a path
        ``path``, ``kind`` and ``sha256``.

    Raises
    ------
    mixedmig.errors.InputError
        If ``source`` is neither a non-empty string nor a path, names no table (the message
        says "did you mean" with the closest names and lists the known ones), ``kind`` is not
        a kind or differs from the table's declared kind, a path has no kind (neither
        ``kind`` nor a sidecar manifest), or ``processed`` is given for a table that is not
        derived.
    mixedmig.errors.DataError
        If ``processed=True`` and ``data/processed`` has not been built, or a path names no
        file.
    mixedmig.errors.IntegrityError
        If a sha256 differs from the one recorded (curated CSV vs. its manifest; processed CSV
        vs. ``manifest.json``; current ``data/raw`` vs. the inputs of the build; an imported
        CSV vs. its manifest).
    mixedmig.errors.SchemaError
        If a row or column breaks the schema (the message names file, line and column).
    mixedmig.errors.ManifestError
        If a manifest (YAML or ``manifest.json``) is missing or malformed.

    See Also
    --------
    validate_file : check a CSV of your own against a schema kind or a curated table's schema.
    save_imported : store a table where ``load(name)`` finds it.
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
    >>> path = data.data_dir() / "wpp2024_population.csv"
    >>> data.load(path, kind="population").equals(data.load("wpp2024_population"))
    True
    """
    if kind is not None:
        kind = _kinds.get_kind(kind).name
    if isinstance(source, os.PathLike):
        return _load_path(Path(source), kind, verify_hash, processed)
    _check_name(source)
    if _is_derived(source):
        if kind is not None:
            raise InputError(f"'{source}' is a derived table, which follows no schema kind: "
                             "leave kind out")
        return _load_derived(source, verify_hash, processed)
    if not any(sep in source for sep in ("/", "\\")) and not source.startswith("."):
        if (data_dir() / f"{source}.csv").is_file():
            _no_processed(source, processed)
            if kind is not None:
                declared = manifest(source).kind
                if declared != kind:
                    raise InputError(
                        f"'{source}' is a curated table of kind "
                        f"{repr(declared) if declared else '(none: a table of published figures)'}"
                        f", not {kind!r}; leave kind out or name the right one")
            return _load_curated(source, verify_hash)
        if (imports_dir() / f"{source}.csv").is_file():
            _no_processed(source, processed)
            return _load_imported(source, kind, verify_hash)
    if _is_path(source):
        return _load_path(Path(source), kind, verify_hash, processed)
    from . import derived

    imports = imported_names()
    raise _unknown_name(source, dataset_names(), "dataset",
                        _DERIVED_HINT + (f"; imported tables: {', '.join(imports)}"
                                         if imports else ""),
                        also=[*derived._SINGLE_TABLES, *imports])


def load_as(source, table: str, *, verify_hash: bool = True) -> pd.DataFrame:
    """Load a table name or a CSV path given in place of the curated table ``table``.

    What a notebook's input parameter accepts: the name of any table (curated, imported or
    derived; loaded by :func:`load`), or the path of a CSV file of your own that stands in for
    ``table``.  A path is read with the sidecar manifest beside it if it has one (its ``kind``);
    else against ``table``'s schema kind when the curated table declares one (any year, any
    country of the registry: the file comes back in the kind's tidy shape); else, for a table
    of published figures (``kind: null``), against ``table``'s own schema (columns, types,
    allowed values and rules of its manifest; not its sha256), with
    :func:`validate_file`.

    Parameters
    ----------
    source : str or os.PathLike
        A table name, or the path of a CSV file.
    table : str
        The curated table the input stands in for (a notebook parameter's default), e.g.
        ``"gms_repatriations"``.
    verify_hash : bool, default True
        Check the sha256 of a named curated or imported table against its manifest.

    Returns
    -------
    pandas.DataFrame
        The validated table.

    Raises
    ------
    mixedmig.errors.InputError
        If ``table`` is not a curated table, or ``source`` is neither a table name nor a path;
        or ``source`` names a curated or imported table whose schema kind is not the kind
        ``table`` declares (e.g. a ``bilateral_stocks`` import in place of the
        ``displacement_stocks`` table ``unhcr_refugees_gms``): the message names both kinds,
        the tables of the kind needed and the ``mixedmig import`` sources that produce it.
    mixedmig.errors.DataError
        If the path names no file.
    mixedmig.errors.SchemaError
        If the file breaks the schema applied (the message names file, line, column and fix).

    See Also
    --------
    load : tables by name, and paths with an explicit kind.
    validate_file : check a file against a kind or a curated table's schema without loading it.

    Examples
    --------
    >>> import shutil, tempfile
    >>> from pathlib import Path
    >>> from mixedmig import data
    >>> folder = Path(tempfile.mkdtemp())
    >>> copy = shutil.copy(data.data_dir() / "gms_repatriations.csv", folder / "mine.csv")
    >>> data.load_as(copy, "gms_repatriations").equals(data.load("gms_repatriations"))
    True
    >>> data.load_as("gms_repatriations", "gms_repatriations").shape == data.load("gms_repatriations").shape
    True
    """
    if not isinstance(table, str) or table not in dataset_names():
        raise _unknown_name(table if isinstance(table, str) else repr(table), dataset_names(),
                            "curated table", "load_as(source, table) needs the curated table the "
                            "input stands in for")
    if isinstance(source, str) and source and not _is_path(source):
        _check_source_kind(source, table)
        return load(source, verify_hash=verify_hash)
    if not isinstance(source, (str, os.PathLike)) or not str(source):
        raise InputError(f"expected a table name or the path of a CSV file in place of {table!r}, "
                         f"got {source!r}")
    path = Path(source)
    if path.is_file() and _sidecar(path)[1].get("kind") is not None:
        return load(path, verify_hash=verify_hash)
    kind = manifest(table).kind
    if kind is not None:
        return load(path, kind=kind, verify_hash=verify_hash)
    return validate_file(path, table)


def _check_source_kind(source: str, table: str) -> None:
    """Refuse a curated or imported table ``source`` whose kind is not the one ``table``
    declares (derived tables and unknown names are left to :func:`load`)."""
    needed = manifest(table).kind
    if needed is None or any(sep in source for sep in ("/", "\\")) or source.startswith("."):
        return
    if (data_dir() / f"{source}.csv").is_file():
        what, has = "a curated table", manifest(source).kind
    elif (imports_dir() / f"{source}.csv").is_file():
        what, has = "an imported table", _import_record(source).get("kind")
    else:
        return
    if has == needed:
        return
    from .importing import IMPORT_SOURCES

    sources = [s for s, k in IMPORT_SOURCES.items() if k == needed]
    tables = [t for t in dataset_names() if manifest(t).kind == needed]
    for name in imported_names():
        try:
            if _import_record(name)["kind"] == needed:
                tables.append(name)
        except ManifestError:  # a damaged import is not offered
            continue
    ways = []
    if tables:
        ways.append(f"name a table of that kind ({', '.join(tables)})")
    if sources:
        ways.append("import an official file into it: "
                    + " or ".join(f"`mixedmig import {s} FILE`" for s in sources))
    ways.append(f"give the path of a CSV file of kind '{needed}' (check it with `mixedmig "
                f"validate FILE --schema {needed}`)")
    raise InputError(
        f"'{source}' is {what} of kind "
        f"{repr(has) if has else '(none: a table of published figures)'}, but the input in "
        f"place of '{table}' needs a table of kind '{needed}' (its columns differ). "
        f"Instead, {'; or '.join(ways)}")


def _no_processed(name: str, processed) -> None:
    if processed is not None:
        raise InputError(
            f"'{name}' is not a derived table; 'processed' applies to derived tables only "
            f"({_DERIVED_HINT}): leave it out"
        )


def _sidecar(csv_path: Path) -> tuple[Path | None, dict]:
    """The sidecar manifest of a CSV file (``<stem>.yml``) as a mapping, or (None, {})."""
    import yaml

    yml = _manifest_path_for(csv_path)
    if yml is None:
        return None, {}
    try:
        record = yaml.safe_load(yml.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ManifestError(f"not valid YAML ({getattr(exc, 'problem', exc)}); fix the syntax",
                            path=yml, row=(mark.line + 1) if mark is not None else None
                            ) from None
    if not isinstance(record, dict):
        raise ManifestError("a manifest must be a YAML mapping of fields", path=yml)
    return yml, record


def _check_sha(csv_path: Path, recorded, yml: Path) -> str:
    actual = sha256_file(csv_path)
    if recorded is not None and actual != str(recorded).strip().lower():
        raise IntegrityError(
            f"sha256 mismatch: the manifest {yml.name} records {str(recorded)[:12]}… but the "
            f"file is {actual[:12]}…. If you changed the CSV on purpose, import it again "
            "(or record the new digest that `mixedmig hash FILE` prints); otherwise restore it",
            path=csv_path)
    return actual


def _load_path(path: Path, kind: str | None, verify_hash: bool, processed) -> pd.DataFrame:
    if processed is not None:
        raise InputError("'processed' applies to derived tables only, not to a file path: "
                         "leave it out")
    if not path.is_file():
        stem = path.name[:-4] if path.name.lower().endswith(".csv") else None
        if (stem and path.parent == Path(".") and
                stem in (dataset_names() + imported_names())):
            raise InputError(f"no file {str(path)!r}; to load the table, give the name "
                             f"without '.csv': {stem!r}")
        if path.is_dir():
            raise DataError("is a folder, not a CSV file", path=path)
        raise DataError("file not found; check the path (or give a table name: "
                        "`mixedmig list` lists them)", path=path)
    yml, record = _sidecar(path)
    declared = record.get("kind")
    if declared is not None:
        declared = _kinds.get_kind(declared).name
    if kind is None and declared is None:
        raise InputError(
            f"name the schema kind of {_printable(path, limit=None)}: load(path, kind=KIND) "
            f"with KIND one of {', '.join(_kinds.kind_names())} (or write a sidecar manifest "
            f"{path.with_suffix('.yml').name} with a line 'kind: KIND')")
    if kind is not None and declared is not None and kind != declared:
        raise InputError(f"kind={kind!r} but the manifest {yml.name} beside the file says "
                         f"kind: {declared}; pass the same kind or leave it out")
    kind = kind or declared
    digest = (_check_sha(path, record.get("sha256"), yml) if verify_hash and yml is not None
              else None)
    frame = _read_kind_file(path, kind)
    frame.attrs["manifest"] = {"path": str(path), "kind": kind,
                               "sha256": digest or sha256_file(path)}
    return frame


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
    """Validate a CSV of your own against a schema kind or the schema of a curated table.

    ``schema`` is looked up among the schema kinds first (:func:`mixedmig.data.kind_names`:
    any year, any country of the registry, any edition; columns in any order), then among the
    curated tables (their manifest's schema, with the table's own restrictions, e.g. its
    editions and the 15 study economies). Messages say which one was applied ("kind
    'bilateral_stocks'" or "the schema of table 'undesa_ims_bilateral'").

    The file's sha256 is not checked (it is not a curated table). Every row is checked and
    every problem reported in one run (the first ``max_problems`` in file order, with a count
    of the rest), each with its fix in terms of your file (never "edit the project's
    manifest"). The file is read in chunks, so memory stays near the size of the typed table
    even for files of hundreds of megabytes.

    What spreadsheets write is handled: Excel's UTF-8 byte-order mark is dropped; blank lines,
    rows of empty fields and empty trailing columns are ignored; a file separated by
    semicolons, tabs or bars is rejected with a message naming the separator and how to save it
    with commas; a workbook (``.xlsx``, ``.xls``, ``.ods``) or an archive is named as such
    with how to save it as CSV UTF-8; a line that is not UTF-8 is located.

    When a file fails the schema of a curated table but passes the schema kind that table
    conforms to, the error's ``hint`` attribute says so (and names the kind to validate
    against); the hint also ends the error's message.

    Parameters
    ----------
    path : str or os.PathLike
        A UTF-8 CSV file with a header row.
    schema : str
        A schema kind (e.g. ``"bilateral_stocks"``) or the name of a curated table whose
        schema the file must follow (see :func:`dataset_names`).
    max_problems : int, default 50
        How many problems the error lists (all are counted).

    Returns
    -------
    pandas.DataFrame
        The typed table: for a kind, in the kind's tidy shape (countries as ISO3 codes); for
        a curated table's schema, as :func:`load` would return the table.

    Raises
    ------
    mixedmig.errors.InputError
        If ``schema`` names neither a kind nor a curated table (the message says "did you
        mean" with the closest names and lists them; checked before the file).
    mixedmig.errors.DataError
        If the file does not exist.
    mixedmig.errors.SchemaError
        If anything in the file breaks the schema: wrong delimiter or header, a value of the
        wrong type (``inf``, ``1e999``, ``NaN`` in a number column; an integer beyond 64 bits),
        a control character in a text cell, an unknown country code or an aggregate, a
        negative count, a broken row rule, a duplicate key, a line that is not UTF-8... The
        message names the file, the line (header = line 1) and the column of each problem and
        says how to fix it; the attribute ``problems`` holds them as
        :class:`~mixedmig.data.Problem` records and ``problem_count`` counts them all. Cell
        values are escaped in messages.
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
        raise InputError("schema must be the name of a curated table or of a schema kind "
                         f"(a non-empty str), got {schema!r}")
    if schema in _kinds.KINDS:
        return _read_kind_file(path, schema, max_problems=max_problems)
    _csv_path(schema, what="schema",
              hint=(f"schema kinds: {', '.join(_kinds.kind_names())}; a schema is a kind or "
                    "the name of a curated table (derived tables have none)"))
    path = Path(path)
    if not path.is_file():
        raise DataError("file not found; check the path", path=path)
    table = manifest(schema)
    try:
        return _read_and_validate(path, table.schema, max_problems=max_problems,
                                  for_user=True, label=f"the schema of table '{schema}'")
    except SchemaError as error:
        if table.kind is not None:
            _hint_official(error, path, table.kind)
        if table.kind is not None and not getattr(error, "hint", None) and _matches_kind(
                path, table.kind):
            hint = (f"the file matches schema kind '{table.kind}' (any year, country or "
                    f"edition; columns in any order), which curated table '{schema}' "
                    f"conforms to; its own schema is stricter (its column order, editions and "
                    f"countries). To check your data against the kind: mixedmig validate FILE "
                    f"--schema {table.kind} (Python: data.validate_file(path, "
                    f"'{table.kind}'))")
            error.hint = hint
            error.args = (f"{error.args[0]}\nHint: {hint}",) + error.args[1:]
        raise


def _hint_official(error: DataError, path, kind: str) -> None:
    """Give ``error`` the hint to import ``path`` when it is a raw official file (a UNHCR
    export, a WDI or WPP file) whose import source produces ``kind``."""
    from .importing import official_file_hint

    hint = official_file_hint(path, kind)
    if hint is not None:
        error.hint = hint
        error.args = (f"{error.args[0]}\nHint: {hint}",) + error.args[1:]


def _read_kind_file(path, kind: str, **options) -> pd.DataFrame:
    """:func:`mixedmig.data.read_kind_file`, with the import hint when ``path`` is a raw
    official file."""
    try:
        return _kinds.read_kind_file(path, kind, **options)
    except SchemaError as error:
        _hint_official(error, path, kind)
        raise


def _matches_kind(path: Path, kind: str) -> bool:
    """Whether the file passes validation against schema kind ``kind``."""
    try:
        _kinds.read_kind_file(path, kind, max_problems=1)
    except (DataError, InputError):
        return False
    return True


# -- imported tables --------------------------------------------------------------------------


#: Names an imported table may take (they become file names).
_IMPORT_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*\Z")


def imported_names() -> list[str]:
    """Names of the imported tables (CSV files with a manifest in :func:`imports_dir`).

    Returns
    -------
    list of str
        Sorted names; empty when the folder does not exist.

    Examples
    --------
    >>> import os, tempfile
    >>> from mixedmig import data
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     os.environ["MIXEDMIG_IMPORTS"] = tmp
    ...     names = data.imported_names()
    >>> del os.environ["MIXEDMIG_IMPORTS"]
    >>> names
    []
    """
    folder = imports_dir()
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.csv")
                  if not p.name.startswith(".") and _manifest_path_for(p) is not None)


def _import_record(name: str) -> dict:
    """The manifest of an imported table, checked (ManifestError on any defect)."""
    csv_path = imports_dir() / f"{name}.csv"
    yml, record = _sidecar(csv_path)
    if yml is None:
        raise ManifestError(f"no manifest beside {csv_path.name}: import the file again "
                            "(`mixedmig import`)", path=csv_path)
    missing = [k for k in ("name", "kind", "sha256") if not record.get(k)]
    if missing:
        raise ManifestError(f"missing field(s) {missing}; import the file again "
                            "(`mixedmig import`)", path=yml)
    if record["kind"] not in _kinds.KINDS:
        raise ManifestError(f"field 'kind' is {record['kind']!r}; use one of "
                            f"{_kinds.kind_names()}", path=yml)
    return record


def _load_imported(name: str, kind: str | None, verify_hash: bool) -> pd.DataFrame:
    record = _import_record(name)
    if kind is not None and kind != record["kind"]:
        raise InputError(f"'{name}' is an imported table of kind {record['kind']!r}, not "
                         f"{kind!r}; leave kind out or name the right one")
    csv_path = imports_dir() / f"{name}.csv"
    if verify_hash:
        _check_sha(csv_path, record["sha256"], csv_path.with_suffix(".yml"))
    frame = _kinds.read_kind_file(csv_path, record["kind"])
    frame.attrs["manifest"] = dict(record)
    return frame


def _csv_text(frame: pd.DataFrame) -> str:
    """The tidy table as CSV text: booleans true/false, missing empty, floats shortest."""
    out = pd.DataFrame({c: _kinds._as_text(frame[c]) for c in frame.columns})
    return out.to_csv(index=False, lineterminator="\n")


def _temporary(path: Path) -> Path:
    """The hidden temporary file written before it is renamed to ``path``."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def _write_atomic(tmp: Path, payload: bytes) -> None:
    """Write ``payload`` to the temporary file ``tmp``, flushed to disk."""
    with open(tmp, "wb") as handle:
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())


def save_imported(frame: pd.DataFrame, name: str, *, kind: str, source: str,
                  edition=None, original: str | os.PathLike | None = None,
                  original_sha256: str | None = None, read_date: str | None = None,
                  overwrite: bool = False) -> Path:
    """Validate a table against a schema kind and store it where :func:`load` finds it by name.

    Writes ``<imports_dir>/NAME.csv`` (the kind's tidy shape) and its manifest ``NAME.yml``:
    ``name``, ``kind``, ``source``, ``edition``, ``original_file`` (the name of the file read)
    and ``original_sha256``, ``read_date``, ``rows``, ``sha256`` (of the written CSV) and
    ``mixedmig_version``. Both files are written to temporary files first and renamed into
    place, so a failure never leaves a half-written table.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table, e.g. from an official-file reader (:mod:`mixedmig.data.readers`).
    name : str
        The table's name: letters, digits, ``_``, ``.`` and ``-``; not the name of a curated
        or derived table.
    kind : str
        The schema kind the table follows (see :func:`mixedmig.data.kind_names`).
    source : str
        Where the figures come from (publisher and title, e.g. "UN DESA, International Migrant
        Stock 2024").
    edition : str or int, optional
        Edition or vintage of the source.
    original : str or os.PathLike, optional
        The file the table was read from; its name is recorded (and its sha256, computed
        when ``original_sha256`` is not given and the file exists).
    original_sha256 : str, optional
        sha256 of the original file (64 hex digits).
    read_date : str, optional
        Date the file was read, ``YYYY-MM-DD`` (default: today).
    overwrite : bool, default False
        Replace an existing import of the same name.

    Returns
    -------
    pathlib.Path
        The written CSV file.

    Raises
    ------
    mixedmig.errors.InputError
        If ``name`` is malformed, is a curated or derived table's name, or is already
        imported (and ``overwrite`` is False); if ``kind`` is not a kind, ``source`` is
        empty, ``read_date`` is not a date or ``original_sha256`` not 64 hex digits.
    mixedmig.errors.SchemaError
        If ``frame`` breaks the kind (every problem listed).

    Examples
    --------
    >>> import os, tempfile
    >>> import pandas as pd
    >>> from mixedmig import data
    >>> survey = pd.DataFrame({"year": [2021], "orig": ["Myanmar"], "dest": ["Thailand"],
    ...                        "stock": [1200]})   # made-up test values
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     os.environ["MIXEDMIG_IMPORTS"] = tmp
    ...     path = data.save_imported(survey, "my_survey", kind="bilateral_stocks",
    ...                               source="made-up example", read_date="2026-12-01")
    ...     print(path.name, data.load("my_survey")[["orig", "dest", "stock"]].values.tolist())
    my_survey.csv [['MMR', 'THA', 1200]]
    >>> del os.environ["MIXEDMIG_IMPORTS"]
    """
    import yaml

    from .. import __version__

    kind = _kinds.get_kind(kind).name
    if (not isinstance(name, str) or not _IMPORT_NAME_RE.match(name)
            or name.lower().endswith((".csv", ".yml", ".yaml"))):
        raise InputError(f"an imported table's name must be letters, digits, '_', '.' or '-' "
                         f"(starting with a letter or digit), got {name!r}")
    if (data_dir() / f"{name}.csv").is_file():
        raise InputError(f"{name!r} is the name of a curated table; a curated name always "
                         "wins, so choose another name for the import")
    if _is_derived(name):
        raise InputError(f"{name!r} is the name of a derived table; choose another name")
    if not isinstance(source, str) or not source.strip():
        raise InputError("source must say where the figures come from (a non-empty str)")
    if read_date is None:
        read_date = datetime.date.today().isoformat()
    try:
        datetime.date.fromisoformat(str(read_date))
    except ValueError:
        raise InputError(f"read_date must be a date YYYY-MM-DD, got {read_date!r}") from None
    original_name = None
    if original is not None:
        original_name = Path(original).name
        if original_sha256 is None and Path(original).is_file():
            original_sha256 = sha256_file(original)
    if original_sha256 is not None:
        original_sha256 = str(original_sha256).strip().lower()
        if not re.fullmatch(r"[0-9a-f]{64}", original_sha256):
            raise InputError(f"original_sha256 must be 64 hexadecimal digits, got "
                             f"{original_sha256!r}")
    folder = imports_dir()
    csv_path, yml_path = folder / f"{name}.csv", folder / f"{name}.yml"
    if not overwrite and (csv_path.exists() or yml_path.exists()):
        raise InputError(f"an imported table {name!r} already exists in {folder}; pass "
                         "overwrite=True (mixedmig import --overwrite) to replace it, or "
                         "choose another name")
    tidy = _kinds.validate_kind_frame(frame, kind, path=f"the table to import as {name!r}")
    payload = _csv_text(tidy).encode("utf-8")
    import hashlib

    record = {
        "name": name,
        "kind": kind,
        "source": source.strip(),
        "edition": edition if edition is None or isinstance(edition, (int, str))
        else str(edition),
        "original_file": original_name,
        "original_sha256": original_sha256,
        "read_date": str(read_date),
        "rows": len(tidy),
        "sha256": hashlib.sha256(payload).hexdigest(),
        "mixedmig_version": __version__,
    }
    text = ("# Written by mixedmig.data.save_imported; import the file again rather than "
            "editing it.\n" + yaml.safe_dump(record, sort_keys=False, allow_unicode=True))
    folder.mkdir(parents=True, exist_ok=True)
    temporary = [_temporary(csv_path), _temporary(yml_path)]
    existed = csv_path.exists()
    replaced = False
    try:
        _write_atomic(temporary[0], payload)
        _write_atomic(temporary[1], text.encode("utf-8"))
        os.replace(temporary[0], csv_path)
        replaced = True
        os.replace(temporary[1], yml_path)
    except BaseException:  # also KeyboardInterrupt: never leave a half-written import
        for tmp in temporary:
            tmp.unlink(missing_ok=True)
        if replaced and not existed:
            csv_path.unlink(missing_ok=True)  # no table without its manifest
        raise
    return csv_path


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

    table = list_datasets()
    for row in table[table["origin"] == "curated"].itertuples():
        lines.append(
            f"| `{row.name}` | {row.title} | {brief(row.publisher, 'publishers')} | "
            f"{brief(row.edition, 'editions')} | {brief(row.licence, 'licences')} | {row.rows:,} |"
        )
    return "\n".join(lines) + "\n"
