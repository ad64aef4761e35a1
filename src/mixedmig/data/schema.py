"""Table schemas and manifests: column specifications, manifest parsing, frame validation.

A curated table ``data/raw/NAME.csv`` is described by its YAML manifest ``NAME.yml``: provenance
(``sources`` with publisher, citation, url, edition, licence, retrieval date), ``units``,
``reliability``, the ``sha256`` of the CSV bytes and a ``schema`` (columns with a type from
:data:`COLUMN_TYPES`, optional ``nullable``, ``minimum``, ``maximum``, ``allowed``, ``pattern``, and
a ``primary_key``). The format is documented in ``docs/data-manifests.md``.

:func:`read_manifest` parses and checks a manifest (:class:`~mixedmig.errors.ManifestError` on any
defect); :func:`validate_frame` checks a table of strings against a :class:`Schema` and returns it
typed, raising :class:`~mixedmig.errors.SchemaError` with the file, the line (header = line 1) and
the column of the first problem, how many other rows fail, and how to fix it.
"""

from __future__ import annotations

import numbers

import csv
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from .. import countries
from ..errors import DataError, ManifestError, SchemaError, UnknownCountryError

__all__ = [
    "COLUMN_TYPES",
    "RELIABILITY_VALUES",
    "REQUIRED_MANIFEST_KEYS",
    "REQUIRED_SOURCE_KEYS",
    "ColumnSpec",
    "Manifest",
    "Schema",
    "label_sort_key",
    "read_manifest",
    "require_columns",
    "require_counts",
    "sorted_labels",
    "validate_frame",
]


#: Column types a schema may declare (``country`` = one of the registry's ISO3 codes).
COLUMN_TYPES = ("string", "integer", "number", "boolean", "date", "country", "iso3")


#: The collector's reliability markers of published figures.
RELIABILITY_VALUES = ("read", "computed", "secondary", "uncertain")


#: Fields every manifest must have (plus ``source`` or ``sources``).
REQUIRED_MANIFEST_KEYS = ("name", "title", "description", "units", "sha256", "schema")


#: Fields every source entry of a manifest must have.
REQUIRED_SOURCE_KEYS = ("publisher", "citation", "url", "edition", "licence", "retrieved")


_INTEGER_RE = re.compile(r"^[+-]?\d+$")


_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


_ISO3_RE = re.compile(r"^[A-Z]{3}$")


_HOW_TO_FIX_HASH = (
    "If you changed the CSV on purpose, record the new digest in the manifest "
    "(`mixedmig hash {path}` prints it); otherwise restore the file from version control."
)


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a table schema (see ``docs/data-manifests.md``).

    Parameters
    ----------
    name : str
        Column name, as in the CSV header.
    type : str
        One of :data:`COLUMN_TYPES`: ``string``, ``integer`` (read as nullable ``Int64``),
        ``number`` (``float64``), ``boolean`` (``true``/``false``), ``date`` (YYYY-MM-DD),
        ``country`` (an ISO3 code of :mod:`mixedmig.countries`), ``iso3`` (any three upper-case
        letters).
    description : str, default ""
        What the column holds, with units.
    nullable : bool, default False
        Whether empty cells are allowed.
    minimum, maximum : float, optional
        Bounds of numeric columns (inclusive).
    allowed : tuple, optional
        The only values allowed (compared after typing).
    pattern : str, optional
        A regular expression text values must match (from their start).

    Examples
    --------
    >>> from mixedmig.data import ColumnSpec
    >>> ColumnSpec("stock", "integer", minimum=0).nullable
    False
    """

    name: str
    type: str
    description: str = ""
    nullable: bool = False
    minimum: float | None = None
    maximum: float | None = None
    allowed: tuple | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class Schema:
    """The schema of a table: its columns in order and its primary key.

    Parameters
    ----------
    columns : tuple of ColumnSpec
        The columns, in the order the CSV header must list them.
    primary_key : tuple of str, default ()
        Columns whose values identify one row; duplicates are rejected.

    Examples
    --------
    >>> from mixedmig.data import ColumnSpec, Schema
    >>> schema = Schema((ColumnSpec("orig", "country"), ColumnSpec("stock", "integer")), ("orig",))
    >>> schema.column_names
    ['orig', 'stock']
    """

    columns: tuple[ColumnSpec, ...]
    primary_key: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        """The column names in schema order (the expected CSV header)."""
        return [c.name for c in self.columns]


@dataclass(frozen=True)
class Manifest:
    """A curated table's manifest: provenance plus schema, as read by :func:`read_manifest`.

    Parameters
    ----------
    name : str
        Table name (the file stem).
    title : str
        One-line title.
    description : str
        What the table holds and how it was curated.
    sources : tuple of dict
        One mapping per source with at least the keys of :data:`REQUIRED_SOURCE_KEYS`.
    units : str
        Units of the figures (e.g. ``"persons"``).
    reliability : str
        How the figures were obtained (free text; rows may carry a marker from
        :data:`RELIABILITY_VALUES`).
    sha256 : str
        Recorded sha256 of the CSV bytes (64 lower-case hex digits).
    schema : Schema
        The table's schema.
    path : pathlib.Path
        The manifest file.
    raw : dict
        The parsed YAML mapping, for fields without an attribute.

    Examples
    --------
    >>> from mixedmig import data
    >>> m = data.manifest("undesa_ims_bilateral")
    >>> m.csv_path.name, m.units
    ('undesa_ims_bilateral.csv', 'persons (mid-year stock)')
    """

    name: str
    title: str
    description: str
    sources: tuple[dict, ...]
    units: str
    reliability: str
    sha256: str
    schema: Schema
    path: Path
    raw: dict = field(repr=False, default_factory=dict)

    @property
    def csv_path(self) -> Path:
        """The CSV the manifest describes (same folder and stem)."""
        return self.path.with_suffix(".csv")

    @property
    def citation(self) -> str:
        """The sources' citations joined with spaces."""
        return " ".join(s.get("citation", "") for s in self.sources).strip()

    @property
    def publisher(self) -> str:
        """The distinct publishers, in source order, joined with ``"; "``."""
        return "; ".join(dict.fromkeys(s.get("publisher", "") for s in self.sources))

    @property
    def edition(self) -> str:
        """The distinct editions, in source order, joined with ``"; "``."""
        return "; ".join(dict.fromkeys(str(s.get("edition", "")) for s in self.sources))

    @property
    def licence(self) -> str:
        """The distinct licences, in source order, joined with ``"; "``."""
        return "; ".join(dict.fromkeys(str(s.get("licence", "")) for s in self.sources))


def _manifest_path_for(csv_path: Path) -> Path | None:
    for suffix in (".yml", ".yaml"):
        candidate = csv_path.with_suffix(suffix)
        if candidate.is_file():
            return candidate
    return None


def _parse_column(entry: Any, path: Path, index: int) -> ColumnSpec:
    if not isinstance(entry, dict) or "name" not in entry or "type" not in entry:
        raise ManifestError(
            f"schema.columns[{index}] must be a mapping with at least 'name' and 'type'",
            path=path,
        )
    unknown = set(entry) - {f for f in ColumnSpec.__dataclass_fields__}
    if unknown:
        raise ManifestError(
            f"schema.columns[{index}] ('{entry['name']}') has unknown keys {sorted(unknown)}; "
            f"allowed keys: {list(ColumnSpec.__dataclass_fields__)}",
            path=path,
        )
    if entry["type"] not in COLUMN_TYPES:
        raise ManifestError(
            f"column '{entry['name']}' has type '{entry['type']}'; use one of {list(COLUMN_TYPES)}",
            path=path,
        )
    allowed = entry.get("allowed")
    return ColumnSpec(
        name=str(entry["name"]),
        type=entry["type"],
        description=str(entry.get("description", "")),
        nullable=bool(entry.get("nullable", False)),
        minimum=entry.get("minimum"),
        maximum=entry.get("maximum"),
        allowed=tuple(allowed) if allowed is not None else None,
        pattern=entry.get("pattern"),
    )


def read_manifest(path: str | os.PathLike) -> Manifest:
    """Parse and check a YAML manifest (not the CSV it describes).

    Parameters
    ----------
    path : str or os.PathLike
        The ``NAME.yml`` file.

    Returns
    -------
    Manifest
        The parsed manifest with its :class:`Schema`.

    Raises
    ------
    mixedmig.errors.ManifestError
        If the file is missing or not valid YAML (with the line), lacks a required field, its
        ``name`` differs from the file stem, a source lacks a required key, the schema is
        malformed (unknown column type or key, a column listed twice, a primary key naming an
        undefined column), or ``sha256`` is not 64 hex digits.

    Examples
    --------
    >>> from mixedmig import data
    >>> m = data.read_manifest(data.data_dir() / "uniap_identified_victims.yml")
    >>> m.schema.primary_key
    ('country', 'year')
    """
    path = Path(path)
    if not path.is_file():
        raise ManifestError(
            "manifest not found; every CSV in data/raw needs a YAML manifest of the same name "
            "(see docs/data-manifests.md)",
            path=path,
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ManifestError(
            f"not valid YAML ({getattr(exc, 'problem', exc)}); fix the syntax",
            path=path,
            row=(mark.line + 1) if mark is not None else None,
        ) from None
    if not isinstance(raw, dict):
        raise ManifestError("a manifest must be a YAML mapping of fields", path=path)
    missing = [k for k in REQUIRED_MANIFEST_KEYS if k not in raw]
    if "source" not in raw and "sources" not in raw:
        missing.append("source (or sources)")
    if missing:
        raise ManifestError(
            f"missing required field(s) {missing}; see docs/data-manifests.md", path=path
        )
    if raw["name"] != path.stem:
        raise ManifestError(
            f"field 'name' is '{raw['name']}' but the file is {path.name}; they must agree",
            path=path,
        )
    sources = raw.get("sources") or [raw["source"]]
    if isinstance(sources, dict):
        sources = [sources]
    for i, source in enumerate(sources):
        if not isinstance(source, dict):
            raise ManifestError(f"source {i} must be a mapping", path=path)
        lacking = [k for k in REQUIRED_SOURCE_KEYS if not source.get(k)]
        if lacking:
            raise ManifestError(
                f"source {i} lacks {lacking}: cite the original publisher in full "
                "(see docs/data-manifests.md)",
                path=path,
            )
    schema_raw = raw["schema"]
    if not isinstance(schema_raw, dict) or not isinstance(schema_raw.get("columns"), list):
        raise ManifestError("'schema' must be a mapping with a list 'columns'", path=path)
    columns = tuple(_parse_column(c, path, i) for i, c in enumerate(schema_raw["columns"]))
    names = [c.name for c in columns]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ManifestError(f"schema lists column(s) {duplicated} twice", path=path)
    primary_key = tuple(schema_raw.get("primary_key") or ())
    unknown_key = [k for k in primary_key if k not in names]
    if unknown_key:
        raise ManifestError(
            f"primary_key names column(s) {unknown_key} that the schema does not define",
            path=path,
        )
    sha = str(raw["sha256"]).strip().lower()
    if not re.fullmatch(r"[0-9a-f]{64}", sha):
        raise ManifestError(
            "field 'sha256' must be 64 hexadecimal digits (`mixedmig hash FILE` prints it)",
            path=path,
        )
    return Manifest(
        name=raw["name"],
        title=str(raw["title"]).strip(),
        description=str(raw["description"]).strip(),
        sources=tuple(sources),
        units=str(raw["units"]).strip(),
        reliability=str(raw.get("reliability", "")).strip(),
        sha256=sha,
        schema=Schema(columns=columns, primary_key=primary_key),
        path=path,
        raw=raw,
    )


def _read_csv_strict(path: Path, text: str) -> pd.DataFrame:
    """Read CSV text as strings, rejecting rows with the wrong number of fields."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise SchemaError("the file is empty; it needs a header row", path=path, row=1) from None
    except csv.Error as exc:
        raise SchemaError(f"malformed CSV ({exc})", path=path, row=1) from None
    records = []
    try:
        for record in reader:
            line = reader.line_num
            if not record:
                continue
            if len(record) != len(header):
                raise SchemaError(
                    f"malformed CSV: {len(record)} fields where the header has {len(header)}; "
                    "check for an unquoted comma or a missing field",
                    path=path,
                    row=line,
                )
            records.append((line, record))
    except csv.Error as exc:
        raise SchemaError(
            f"malformed CSV ({exc}); check the quoting", path=path, row=reader.line_num
        ) from None
    frame = pd.DataFrame([r for _, r in records], columns=header, dtype=object)
    frame.index = pd.Index([line for line, _ in records], name="line")
    return frame


def _reject(path, column, values: pd.Series, bad, message, fix) -> None:
    """Raise a located SchemaError for the rows of ``values`` where ``bad`` holds, if any.

    ``message`` is called with the first failing value (as written in the file); the error
    names the first failing line and counts the others.
    """
    bad = np.asarray(bad, dtype=bool)
    if not bad.any():
        return
    lines = list(values.index[bad])
    more = ""
    if len(lines) > 1:
        shown = ", ".join(map(str, lines[1:6])) + (", ..." if len(lines) > 6 else "")
        more = f" ({len(lines) - 1} more row(s) fail too: lines {shown})"
    raise SchemaError(f"{message(values[lines[0]])}{more}. {fix}",
                      path=path, row=lines[0], column=column)


def _country_hint(value: str) -> str:
    try:
        return f"did you mean '{countries.to_iso3(value)}'? "
    except UnknownCountryError:
        return ""


def _check_column(values: pd.Series, spec: ColumnSpec, path: Path) -> pd.Series:
    """Validate one column of strings and return it converted to its pandas type."""
    present = values != ""
    if not spec.nullable:
        _reject(path, spec.name, values, ~present,
                lambda v: "empty value in a column that may not be missing",
                "Fill in the value, or declare the column `nullable: true` in the manifest "
                "if the source does not publish it.")
    filled = values[present]
    kind = spec.type
    if kind == "integer":
        _reject(path, spec.name, filled, ~filled.str.match(_INTEGER_RE),
                lambda v: f"'{v}' is not an integer",
                "Write whole numbers without thousands separators or decimals.")
        converted = pd.array([int(v) if v != "" else pd.NA for v in values], dtype="Int64")
        out = pd.Series(converted, index=values.index, name=spec.name)
    elif kind == "number":
        _reject(path, spec.name, filled, pd.to_numeric(filled, errors="coerce").isna(),
                lambda v: f"'{v}' is not a number",
                "Write a decimal number with '.' as decimal mark and no thousands separators.")
        out = pd.to_numeric(values.replace("", np.nan), errors="coerce").astype("float64")
    elif kind == "boolean":
        _reject(path, spec.name, filled, ~filled.str.lower().isin(["true", "false"]),
                lambda v: f"'{v}' is not a boolean", "Write true or false.")
        out = pd.Series(
            pd.array([None if v == "" else v.lower() == "true" for v in values], dtype="boolean"),
            index=values.index,
        )
    elif kind == "date":
        bad = ~filled.str.match(_DATE_RE) | pd.to_datetime(
            filled, format="%Y-%m-%d", errors="coerce"
        ).isna()
        _reject(path, spec.name, filled, bad, lambda v: f"'{v}' is not a date",
                "Write dates as YYYY-MM-DD.")
        out = values.astype(object)
    elif kind == "country":
        bad = ~filled.map(countries.is_registry_code).astype(bool)
        first = filled[bad].iloc[0] if bad.any() else ""
        _reject(path, spec.name, filled, bad, lambda v: f"unknown country code '{v}'",
                f"{_country_hint(first)}Use the ISO3 code of one of the 15 economies "
                f"({', '.join(countries.ISO3_CODES)}); "
                "`mixedmig.countries.to_iso3(name)` converts names.")
        out = values.astype(object)
    elif kind == "iso3":
        _reject(path, spec.name, filled, ~filled.str.match(_ISO3_RE),
                lambda v: f"'{v}' is not a three-letter upper-case code",
                "Use ISO 3166-1 alpha-3 codes such as MMR or THA.")
        out = values.astype(object)
    else:  # string
        out = values.astype(object)

    if kind in ("string", "date", "country", "iso3"):
        out = out.where(present, None)
        if spec.pattern is not None:
            _reject(path, spec.name, filled, ~filled.str.match(re.compile(spec.pattern)),
                    lambda v: f"'{v}' does not match the pattern {spec.pattern}",
                    "Correct the value or the pattern in the manifest.")
    if spec.allowed is not None:
        allowed = set(spec.allowed)
        typed = out[present]
        _reject(path, spec.name, typed, ~typed.map(lambda v: v in allowed).astype(bool),
                lambda v: f"value '{v}' is not allowed", f"Allowed values: {list(spec.allowed)}.")
    if kind in ("integer", "number"):
        typed = out[present].astype("float64")
        if spec.minimum is not None:
            what = "negative value" if spec.minimum == 0 else "value below the minimum"
            _reject(path, spec.name, filled, (typed < spec.minimum).to_numpy(),
                    lambda v: f"{what} {v} (minimum {spec.minimum})",
                    "Counts cannot be negative: correct the figure against its source.")
        if spec.maximum is not None:
            _reject(path, spec.name, filled, (typed > spec.maximum).to_numpy(),
                    lambda v: f"value {v} above the maximum {spec.maximum}",
                    "Correct the figure against its source.")
    return out



def require_columns(frame, columns, what: str = "table") -> None:
    """Check that ``frame`` is a DataFrame holding every column in ``columns``.

    The one column check of the package: data loaders, methods and plotting functions all call
    it, so a missing column reads the same everywhere.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table to check.
    columns : iterable of str
        Column names that must be present.
    what : str, default "table"
        How the message names the table (e.g. ``"flow table"``, ``"events"``).

    Returns
    -------
    None
        Returns only when every column is present.

    Raises
    ------
    mixedmig.errors.SchemaError
        If ``frame`` is not a DataFrame, or lacks a column (``column`` names the first missing one).

    Examples
    --------
    >>> import pandas as pd
    >>> require_columns(pd.DataFrame({"orig": [], "dest": []}), ["orig", "dest"], "flow table")
    >>> require_columns(pd.DataFrame({"orig": []}), ["orig", "dest"], "flow table")
    Traceback (most recent call last):
    ...
    mixedmig.errors.SchemaError: column 'dest': the flow table has no column(s) ['dest']; its columns are ['orig']. Rename the columns or pass their names as arguments.
    """
    if not isinstance(frame, pd.DataFrame):
        raise SchemaError(f"expected a pandas DataFrame as the {what}, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SchemaError(
            f"the {what} has no column(s) {missing}; its columns are {list(frame.columns)}. "
            "Rename the columns or pass their names as arguments.",
            column=missing[0],
        )



def label_sort_key(label):
    """Sort key for row and column labels: real numbers by value first, then the rest by text.

    The one label order of the package (matrices, graphs' nodes, tables): ISO3 codes sort
    alphabetically, years numerically, and a mix never raises.

    Parameters
    ----------
    label : object
        A label (country code, year, actor id, ...).

    Returns
    -------
    tuple
        ``(0, value, "")`` for real numbers (not bools), ``(1, 0.0, str(label))`` otherwise.

    Examples
    --------
    >>> sorted(["THA", 2020, "KHM", 1990.5], key=label_sort_key)
    [1990.5, 2020, 'KHM', 'THA']
    """
    if isinstance(label, numbers.Real) and not isinstance(label, bool):
        return (0, float(label), "")
    return (1, 0.0, str(label))


def sorted_labels(values) -> list:
    """The distinct values of ``values`` in :func:`label_sort_key` order.

    Parameters
    ----------
    values : iterable
        Labels, possibly repeated.

    Returns
    -------
    list
        Each distinct label once, sorted.

    Examples
    --------
    >>> sorted_labels(["VNM", "KHM", "VNM", "LAO"])
    ['KHM', 'LAO', 'VNM']
    """
    return sorted(dict.fromkeys(values), key=label_sort_key)


def require_counts(frame, columns, what: str = "table") -> np.ndarray:
    """The named columns of ``frame`` as whole, non-negative counts.

    The one count check of the package (statistics on tables of counts, disclosure control).

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.
    columns : sequence of str
        Count columns to read.
    what : str, default "table"
        How the message names the table.

    Returns
    -------
    numpy.ndarray of float, shape (len(frame), len(columns))
        The counts, in the order of ``columns``.

    Raises
    ------
    mixedmig.errors.SchemaError
        If a column is missing or not numeric.
    mixedmig.errors.DataError
        If a value is missing, infinite, negative or not whole (``column`` names it and the
        message gives the row label).

    Examples
    --------
    >>> import pandas as pd
    >>> require_counts(pd.DataFrame({"k": [3, 0], "n": [10, 4]}), ["k", "n"]).tolist()
    [[3.0, 10.0], [0.0, 4.0]]
    >>> require_counts(pd.DataFrame({"k": [3, -1]}), ["k"])
    Traceback (most recent call last):
    ...
    mixedmig.errors.DataError: column 'k': row 1: -1 is not a whole non-negative count (missing values are not allowed)
    """
    columns = list(columns)
    require_columns(frame, columns, what)
    for column in columns:
        series = frame[column]
        if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            raise SchemaError(
                f"column {column!r} must hold counts (numbers), but its dtype is {series.dtype}",
                column=column,
            )
    values = frame[columns].to_numpy(dtype=float, na_value=np.nan).reshape(len(frame), len(columns))
    bad = ~np.isfinite(values) | (values != np.floor(values)) | (values < 0)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        value = frame[columns[j]].iloc[i]
        value = value.item() if isinstance(value, np.generic) else value
        raise DataError(
            f"row {frame.index[i]!r}: {value!r} is not a whole non-negative count "
            f"(missing values are not allowed)",
            column=columns[j],
        )
    return values


def validate_frame(frame: pd.DataFrame, schema: Schema, path: str | os.PathLike) -> pd.DataFrame:
    """Validate a table of strings against a schema and return it typed.

    Parameters
    ----------
    frame : pandas.DataFrame
        Every cell a string (``""`` = missing), index = the CSV line numbers (header = line 1),
        as the CSV reader of :func:`mixedmig.data.load` produces it.
    schema : Schema
        The schema to apply.
    path : str or os.PathLike
        The file the table came from (or a label for an in-memory table), used in messages.

    Returns
    -------
    pandas.DataFrame
        The typed table (``Int64``, ``float64``, ``boolean``, object strings with ``None`` for
        missing), same index.

    Raises
    ------
    mixedmig.errors.SchemaError
        On the first problem: a missing, unexpected or misplaced column (line 1), an empty
        value in a non-nullable column, a value of the wrong type, an unknown country code,
        a value outside ``allowed``/``minimum``/``maximum``/``pattern``, or a duplicate primary
        key; ``row`` and ``column`` locate it.

    Examples
    --------
    >>> import pandas as pd
    >>> from mixedmig.data import ColumnSpec, Schema, validate_frame
    >>> schema = Schema((ColumnSpec("orig", "country"), ColumnSpec("stock", "integer", minimum=0)))
    >>> toy = pd.DataFrame({"orig": ["MMR", "LAO"], "stock": ["10", "-1"]}, index=[2, 3])
    >>> try:
    ...     validate_frame(toy, schema, "toy.csv")
    ... except Exception as err:
    ...     print(type(err).__name__, err.row, err.column)
    SchemaError 3 stock
    """
    path = Path(path)
    expected = schema.column_names
    actual = list(frame.columns)
    missing = [c for c in expected if c not in actual]
    extra = [c for c in actual if c not in expected]
    if missing:
        raise SchemaError(
            f"missing column(s) {missing}; the header must be: {','.join(expected)}",
            path=path, row=1, column=missing[0],
        )
    if extra:
        raise SchemaError(
            f"unexpected column(s) {extra}; remove them or declare them in the manifest schema "
            f"(expected header: {','.join(expected)})",
            path=path, row=1, column=extra[0],
        )
    if actual != expected:
        raise SchemaError(
            f"columns are in the order {actual}; the schema's order is {expected}",
            path=path, row=1,
        )
    typed = pd.DataFrame(
        {spec.name: _check_column(frame[spec.name], spec, path) for spec in schema.columns},
        index=frame.index,
    )
    if schema.primary_key:
        key = typed[list(schema.primary_key)].astype(str)
        duplicated = key.duplicated(keep=False)
        if duplicated.any():
            first_dup = key[duplicated].iloc[0]
            same = key.index[(key == first_dup).all(axis=1)]
            values = ", ".join(f"{k}={v}" for k, v in first_dup.items())
            raise SchemaError(
                f"duplicate key ({values}) on lines {', '.join(map(str, same))}; "
                f"the primary key {list(schema.primary_key)} must identify one row — "
                "remove or correct the duplicate",
                path=path, row=int(same[1]), column=schema.primary_key[0],
            )
    return typed


def _read_and_validate(csv_path: Path, schema: Schema) -> pd.DataFrame:
    try:
        text = csv_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError("file not found", path=csv_path) from None
    except UnicodeDecodeError as exc:
        raise SchemaError(
            f"not UTF-8 text (byte {exc.start}); save the file as UTF-8", path=csv_path
        ) from None
    frame = _read_csv_strict(csv_path, text)
    typed = validate_frame(frame, schema, csv_path)
    return typed.reset_index(drop=True)
