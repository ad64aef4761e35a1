"""Table schemas and manifests: column specifications, manifest parsing, frame validation.

A curated table ``data/raw/NAME.csv`` is described by its YAML manifest ``NAME.yml``: provenance
(``sources`` with publisher, citation, url, edition, licence, retrieval date), ``units``,
``reliability``, the ``sha256`` of the CSV bytes and a ``schema`` (columns with a type from
:data:`COLUMN_TYPES`, optional ``nullable``, ``minimum``, ``maximum``, ``allowed``, ``pattern``, and
a ``primary_key``). The format is documented in ``docs/data-manifests.md``.

:func:`read_manifest` parses and checks a manifest (:class:`~mixedmig.errors.ManifestError` on any
defect); :func:`validate_frame` checks a table of strings against a :class:`Schema` and returns it
typed. Validation collects every problem before raising: one
:class:`~mixedmig.errors.SchemaError` names the file, the line (header = line 1) and the column of
the first problem and lists the others (its attribute ``problems`` holds each :class:`Problem`:
file, line, column, message, fix; at most :data:`MAX_PROBLEMS` by default, with a count of the
rest). Cell values quoted in messages are escaped, so a control character or an ANSI escape
sequence in a file is never sent raw to the terminal.

CSV files are read in chunks (blocks of bytes decoded as UTF-8, 20,000 rows checked
at a time, each check run once per distinct value), so the peak memory is about the size of the
typed table, not a multiple of the file (``benchmarks/bench_validate.py`` measures it). What real
files bring is handled: Excel's UTF-8 byte-order mark is dropped; a semicolon-, tab- or
bar-separated file (also under Excel's ``sep=;`` line) is named as such with the fix, before
its header is checked; a workbook (``.xlsx``, ``.xls``, ``.ods``), zip or gzip file is named
by its leading bytes instead of being read as text; blank lines, rows of empty fields and
empty trailing columns are ignored; a line that is not UTF-8 is located.
"""

from __future__ import annotations

import csv
import datetime
import functools
import itertools
import numbers
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import countries
from ..checks import label_sort_key, require_columns, require_counts, sorted_labels  # noqa: F401
from ..errors import (
    DataError,
    InputError,
    ManifestError,
    SchemaError,
    UnknownCountryError,
)

__all__ = [
    "COLUMN_TYPES",
    "MAX_PROBLEMS",
    "RELIABILITY_VALUES",
    "REQUIRED_MANIFEST_KEYS",
    "REQUIRED_SOURCE_KEYS",
    "ColumnSpec",
    "Manifest",
    "Problem",
    "RowRule",
    "Schema",
    "read_manifest",
    "validate_frame",
]


#: Column types a schema may declare: ``country`` = the ISO3 code of one of the 15 study
#: economies (:func:`mixedmig.countries.codes`); ``registry_country`` = any country or area of
#: the registry, written as an ISO3/ISO2/M49 code or a name and normalised to ISO3 on load
#: (aggregates such as "World" refused).
COLUMN_TYPES = ("string", "integer", "number", "boolean", "date", "country", "iso3",
                "registry_country")


#: The collector's reliability markers of published figures.
RELIABILITY_VALUES = ("read", "computed", "secondary", "uncertain")


#: Fields every manifest must have (plus ``source`` or ``sources``).
REQUIRED_MANIFEST_KEYS = ("name", "title", "description", "units", "sha256", "schema")


#: Fields every source entry of a manifest must have.
REQUIRED_SOURCE_KEYS = ("publisher", "citation", "url", "edition", "licence", "retrieved")


_INTEGER_RE = re.compile(r"^[+-]?\d+\Z")


_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")


_ISO3_RE = re.compile(r"^[A-Z]{3}\Z")


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
        ``country`` (the ISO3 code of one of the 15 study economies of
        :mod:`mixedmig.countries`), ``iso3`` (any three upper-case letters),
        ``registry_country`` (any country or area of the registry as a code or a name,
        normalised to its ISO3 code; aggregates such as "World" are refused).
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
    extra_codes : tuple of str, default ()
        ``registry_country`` columns only: non-country codes the column also accepts, kept
        verbatim (exact spelling), although the registry refuses them as aggregates, e.g.
        UNHCR's ``XXA`` (stateless persons) and ``UNK`` (unknown origin) in the origin column of
        ``displacement_stocks``. Any other aggregate is still refused, and its message names
        the codes the column accepts.

    Examples
    --------
    >>> from mixedmig.data import ColumnSpec
    >>> ColumnSpec("stock", "integer", minimum=0).nullable
    False
    >>> ColumnSpec("orig", "registry_country", extra_codes=("XXA", "UNK")).extra_codes
    ('XXA', 'UNK')
    """

    name: str
    type: str
    description: str = ""
    nullable: bool = False
    minimum: float | None = None
    maximum: float | None = None
    allowed: tuple | None = None
    pattern: str | None = None
    extra_codes: tuple[str, ...] = ()


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
class RowRule:
    """A check across the columns of one row (e.g. origin differs from destination).

    Parameters
    ----------
    columns : tuple of str
        The columns the rule reads; the first names the column a problem is reported in. The
        rule is skipped when one of them is not in the table (an absent optional column).
    test : callable
        ``test(values)`` with ``values`` a dict of column name -> typed numpy array (object
        dtype, ``None`` for a missing or invalid cell) returns a boolean array, True where a
        row breaks the rule. Rows with a missing cell should not be flagged (the cell's own
        check reports it).
    message : callable
        ``message(row)`` with ``row`` the tuple of the row's values in ``columns`` order
        returns what is wrong, in the user's terms.
    fix : str
        How to fix it.

    Examples
    --------
    >>> import numpy as np
    >>> from mixedmig.data import RowRule
    >>> rule = RowRule(("dest", "orig"),
    ...                lambda v: np.array([o is not None and o == d
    ...                                    for o, d in zip(v["orig"], v["dest"])]),
    ...                lambda row: f"origin and destination are both {row[0]!r}",
    ...                "Drop the row.")
    >>> rule.test({"orig": np.array(["THA", "LAO"], dtype=object),
    ...            "dest": np.array(["THA", "THA"], dtype=object)}).tolist()
    [True, False]
    """

    columns: tuple[str, ...]
    test: Callable
    message: Callable
    fix: str = ""


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
    def kind(self) -> str | None:
        """The schema kind the table conforms to (field ``kind``), or None."""
        return self.raw.get("kind")

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
    extra_codes = entry.get("extra_codes") or ()
    if extra_codes and (entry["type"] != "registry_country" or not isinstance(extra_codes, list)
                        or not all(isinstance(c, str) and c for c in extra_codes)):
        raise ManifestError(
            f"column '{entry['name']}' has extra_codes {extra_codes!r}; extra_codes is a list "
            "of codes (e.g. [XXA, UNK]) and applies to columns of type registry_country only",
            path=path,
        )
    return ColumnSpec(
        name=str(entry["name"]),
        type=entry["type"],
        description=str(entry.get("description", "")),
        nullable=bool(entry.get("nullable", False)),
        minimum=entry.get("minimum"),
        maximum=entry.get("maximum"),
        allowed=tuple(allowed) if allowed is not None else None,
        pattern=entry.get("pattern"),
        extra_codes=tuple(extra_codes),
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
    import yaml
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
    kind = raw.get("kind")
    if kind is not None:
        from .kinds import KINDS

        if kind not in KINDS:
            raise ManifestError(
                f"field 'kind' is {kind!r}; use one of {list(KINDS)}, or null for a table of "
                "published figures that follows no kind", path=path)
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


#: How many problems a :class:`~mixedmig.errors.SchemaError` lists by default (the rest are counted).
MAX_PROBLEMS = 50


#: Rows validated at a time when a CSV file is read (memory stays bounded by one chunk plus the
#: typed result).
_CHUNK_ROWS = 20_000


#: Bytes read from a CSV file at a time.
_BLOCK_BYTES = 1 << 20


#: One line and its ending (``\n``, ``\r\n`` or ``\r`` only: ``str.splitlines`` would also
#: split at control characters such as ``\x1c`` that may sit inside a cell).
_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


#: Control characters a text cell may not hold (C0 except tab, line feed and carriage return;
#: DEL; C1). Tabs and line breaks inside quoted cells are legitimate.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


_NO_CONTROL_RE = re.compile("[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*\\Z")


#: Spellings of "not a number" that spreadsheets and programs write for a missing figure.
_NAN_SPELLINGS = frozenset(
    {"nan", "-nan", "+nan", "na", "n/a", "#n/a", "null", "none", "nat", "<na>"}
)
#: Publishers' marks for a figure not given ('..', '-', ...): a missing value, not a figure.
_MISSING_MARKS = frozenset({"..", "...", "\u2026", "-", "\u2013", "\u2014"})


def _spells_missing(value: str) -> bool:
    """Whether a cell spells a missing value (``N/A``, ``NaN``, ``..``, ``-``) instead of
    leaving the cell empty."""
    text = value.strip().lower()
    return text in _NAN_SPELLINGS or text in _MISSING_MARKS


_INT64_MAX = np.iinfo(np.int64).max


_INT64_MIN = np.iinfo(np.int64).min


def _printable(text, limit: int | None = 80, keep_newlines: bool = False) -> str:
    """``text`` safe to print on a terminal: every non-printable character escaped.

    Control characters (an ANSI escape sequence starts with ESC, ``\\x1b``), format characters
    such as the bidirectional overrides, and line or paragraph separators are written as
    Python escapes (``\\x1b``, ``\\u202e``), so a message never moves the cursor, recolours the
    terminal or reorders text. Text longer than ``limit`` characters is cut with ``…``.
    ``keep_newlines`` keeps ``"\\n"`` (for messages of several lines).
    """
    text = str(text)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable() or (keep_newlines and ch == "\n"):
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else
                       f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return "".join(out)


def _quoted(value) -> str:
    """A cell value for a message: escaped, cut to 60 characters, in single quotes."""
    return f"'{_printable(value, limit=60)}'"


@dataclass(frozen=True)
class Problem:
    """One problem found while validating a table: where it is, what is wrong, how to fix it.

    A :class:`~mixedmig.errors.SchemaError` raised by :func:`validate_frame`,
    :func:`mixedmig.data.validate_file` or :func:`mixedmig.data.load` lists every problem of the
    table (up to a limit) in its attribute ``problems`` (a tuple of ``Problem``, in file order)
    and their total number in ``problem_count``. Cell values quoted in messages are escaped
    (control characters such as ANSI escape sequences are shown as ``\\x1b``), so printing a
    problem is safe.

    Parameters
    ----------
    path : str or None
        The file (escaped for printing), or ``None`` for an unnamed table.
    line : int or None
        1-based line of the file (the header is line 1).
    column : str or None
        The column name, if the problem concerns one column.
    message : str
        What is wrong.
    fix : str, default ""
        How to fix it.

    Examples
    --------
    >>> from mixedmig.data import Problem
    >>> print(Problem("mine.csv", 3, "stock", "negative value -5 (minimum 0)",
    ...               "Counts cannot be negative: correct the figure against its source."))
    file mine.csv, line 3, column 'stock': negative value -5 (minimum 0). Counts cannot be negative: correct the figure against its source.
    """

    path: str | None
    line: int | None
    column: str | None
    message: str
    fix: str = ""

    @property
    def text(self) -> str:
        """The message and the fix, without the location."""
        return f"{self.message}. {self.fix}" if self.fix else self.message

    @property
    def location(self) -> str:
        """``line L, column 'C'`` (the parts that are known), without the file."""
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return ", ".join(where)

    def __str__(self) -> str:
        where = ([f"file {self.path}"] if self.path is not None else []) + (
            [self.location] if self.location else [])
        return (", ".join(where) + ": " if where else "") + self.text


class _Problems:
    """Collects the problems of one table: keeps the first ``limit`` in file order, counts all."""

    def __init__(self, path: str | None, limit: int):
        if not isinstance(limit, numbers.Integral) or isinstance(limit, bool) or limit < 1:
            raise InputError(f"max_problems must be a positive whole number, got {limit!r}")
        self.path = path
        self.limit = int(limit)
        self.count = 0
        self._items: list = []  # (line, order, sequence, Problem)
        self._sequence = 0

    def add(self, line, column, message, fix="", order=-1) -> None:
        """Record one problem (``order`` sorts problems of the same line: the column position)."""
        self.count += 1
        self._push(line, column, message, fix, order)

    def add_cells(self, column, order, lines, values, describe) -> None:
        """Record one problem per failing cell; ``describe(value)`` gives (message, fix).

        Only the first ``limit`` cells (in line order) are described; the others are counted.
        """
        self.count += len(lines)
        for line, value in zip(lines[: self.limit], values[: self.limit]):
            message, fix = describe(value)
            self._push(int(line), column, message, fix, order)

    def _push(self, line, column, message, fix, order) -> None:
        self._sequence += 1
        column = None if column is None else _printable(column, limit=60)
        self._items.append((line if line is not None else 0, order, self._sequence,
                            Problem(self.path, line, column, message, fix)))
        if len(self._items) > 4 * self.limit:
            self._trim()

    def _trim(self) -> None:
        self._items.sort(key=lambda item: item[:3])
        del self._items[self.limit:]

    @property
    def problems(self) -> tuple:
        """The first ``limit`` problems, in file order."""
        self._trim()
        return tuple(item[3] for item in self._items)

    def raise_if_any(self) -> None:
        """Raise one SchemaError listing the problems, if there are any."""
        if not self.count:
            return
        problems = self.problems
        first = problems[0]
        text = first.text
        if self.count > 1:
            lines = [text, f"{self.count - 1} more problem(s) in this file:"]
            lines += [f"  {p.location}: {p.text}" if p.location else f"  {p.text}"
                      for p in problems[1:]]
            unlisted = self.count - len(problems)
            if unlisted:
                lines.append(f"  ... and {unlisted} more not listed (only the first "
                             f"{len(problems)} are); fix these and validate again")
            text = "\n".join(lines)
        error = SchemaError(text, path=self.path, row=first.line, column=first.column)
        error.problems = problems
        error.problem_count = self.count
        raise error


def _country_hint(value: str) -> str:
    try:
        return f"did you mean '{countries.to_iso3(value)}'? "
    except (UnknownCountryError, TypeError, ValueError):
        return ""


def _study_codes() -> frozenset:
    """The ISO3 codes of the 15 study economies (the ``country`` column type)."""
    return frozenset(countries.codes())


def _study_country_problem(value: str) -> tuple[str, str]:
    """(message, fix) for a ``country`` cell that is not the ISO3 code of a study economy."""
    study = ", ".join(countries.codes())
    try:
        code = countries.to_iso3(value)
    except (UnknownCountryError, TypeError, ValueError):
        code = None
    if code is not None and code not in _study_codes():
        shown = _quoted(value) if value == code else f"{_quoted(value)} ({code})"
        return (f"{shown} is not one of the 15 study economies this table covers",
                f"This table's schema is limited to {study}. To check a file with other "
                "countries, validate it against a schema kind instead (e.g. "
                "`mixedmig validate FILE --schema bilateral_stocks`; `mixedmig list --kinds` "
                "lists them).")
    return (f"unknown country code {_quoted(value)}",
            f"{_country_hint(value)}Use the ISO3 code of one of the 15 economies "
            f"({study}); `mixedmig.countries.to_iso3(name)` converts names.")


_DID_YOU_MEAN_RE = re.compile(r"Did you mean [^?]*\?", re.IGNORECASE)


def _is_aggregate(value: str) -> bool:
    """Whether the registry recognises ``value`` as an aggregate ("World", "Asia", ...)."""
    test = getattr(countries, "is_aggregate", None)
    if test is None:  # a registry without aggregates: nothing is recognised as one
        return False
    try:
        return bool(test(value))
    except (UnknownCountryError, TypeError, ValueError):
        return False


@functools.lru_cache(maxsize=1)
def _aggregate_kinds() -> dict[str, str]:
    """Normalised name -> kind (``stateless``, ``unknown``, ``region``, ...) of every aggregate
    of the registry (read once)."""
    table = getattr(countries, "aggregates", None)
    if table is None:  # a registry without aggregates
        return {}
    frame = table()
    kinds: dict[str, str] = {}
    for name, kind in zip(frame["name"], frame["kind"]):
        kinds.setdefault(countries.normalize_name(str(name)), str(kind))
    return kinds


def _aggregate_kind(value: str) -> str | None:
    """The registry's kind of the aggregate ``value``, matched as the registry compares names,
    or None."""
    return _aggregate_kinds().get(countries.normalize_name(str(value)))


def _extra_code_problem(value: str, extra_codes: tuple[str, ...]):
    """(message, fix) for an aggregate refused by a column that accepts ``extra_codes``."""
    meaning = {code: _aggregate_kind(code) for code in extra_codes}
    listed = ", ".join(f"{code} ({meaning[code]})" if meaning[code] else code
                       for code in extra_codes)
    kind = _aggregate_kind(value)
    same = [code for code in extra_codes if kind is not None and meaning[code] == kind]
    what = (f"a {kind} entry" if kind in ("stateless", "unknown") else
            "a region, income group or residual such as 'Other'")
    message = (f"{_quoted(value)} is an aggregate ({what}), not a country, and not one of the "
               f"non-country codes this column keeps: {listed}")
    if same:
        fix = (f"Write {' or '.join(repr(c) for c in same)} (exactly so) for {kind} entries; "
               f"the column keeps only the codes {', '.join(extra_codes)} besides countries.")
    else:
        fix = ("An aggregate such as 'World' is not a country: drop these rows (totals and "
               f"regions are computed from the country rows); besides countries, the column "
               f"keeps only the codes {', '.join(extra_codes)}, written exactly so.")
    return message, fix


def _resolve_registry_country(value: str, extra_codes: tuple[str, ...] = ()):
    """(ISO3, None) for a registry country (or one of ``extra_codes``, kept verbatim), or
    (None, (message, fix)) for anything else."""
    if value in extra_codes:
        return value, None
    if _is_aggregate(value):
        if extra_codes:
            return None, _extra_code_problem(value, extra_codes)
        return None, (
            f"{_quoted(value)} is an aggregate (a region, income group or residual such as "
            "'Other'), not a country",
            "An aggregate such as 'World' is not a country: drop these rows (totals and "
            "regions are computed from the country rows).")
    try:
        return countries.to_iso3(value), None
    except (UnknownCountryError, TypeError, ValueError) as exc:
        found = _DID_YOU_MEAN_RE.search(str(exc))
        hint = f" {found.group(0)}" if found else ""
        return None, (f"unknown country {_quoted(value)}",
                      "Use an ISO 3166 alpha-3 code or a country name such as 'India'"
                      f"{'.' + hint if hint else '.'}")


_STRING_LIKE = ("string", "date", "country", "iso3")


class _Validator:
    """Validates a table chunk by chunk against a schema and assembles the typed result.

    Every check works on the distinct values of a chunk's column (``pandas.factorize``), so
    repeated codes are checked and converted once, and typed text columns share one string
    object per distinct value. Typed values are written into buffers allocated once for the
    whole table (``capacity`` rows, an upper bound; they grow if it was too small), so the peak
    memory is the typed table, its line numbers and key hashes, and one chunk.
    """

    def __init__(self, schema: Schema, path, limit: int, capacity: int = 0, *,
                 for_user: bool = False, label: str | None = None, rules=(),
                 problems: _Problems | None = None):
        self.schema = schema
        self.path = None if path is None else _printable(str(path), limit=None)
        self.problems = _Problems(self.path, limit) if problems is None else problems
        self.for_user = for_user  # fixes in the user's terms (their file), not the manifest's
        self.label = label
        self.rules = tuple(rules)
        self.key_positions = [schema.column_names.index(k) for k in schema.primary_key]
        self.caches: dict[str, dict] = {spec.name: {} for spec in schema.columns}
        self.size = 0
        self.capacity = 0
        self.values: dict[str, np.ndarray] = {}
        self.masks: dict[str, np.ndarray] = {}
        self.lines = self.hashes = self.key_ok = None
        self._allocate(max(int(capacity), 0))

    def _allocate(self, capacity: int) -> None:
        """Allocate (or grow to) buffers of ``capacity`` rows, keeping what they hold."""
        def grown(old, dtype, fill=None):
            new = np.empty(capacity, dtype=dtype)
            if fill is not None:
                new[self.size:] = fill
            if old is not None:
                new[: self.size] = old[: self.size]
            return new

        dtypes = {"integer": np.int64, "number": np.float64, "boolean": np.bool_}
        for spec in self.schema.columns:
            self.values[spec.name] = grown(self.values.get(spec.name),
                                           dtypes.get(spec.type, object))
            if spec.type in ("integer", "boolean"):
                self.masks[spec.name] = grown(self.masks.get(spec.name), np.bool_)
        self.lines = grown(self.lines, np.int64)
        if self.key_positions:
            self.hashes = grown(self.hashes, np.uint64)
            self.key_ok = grown(self.key_ok, np.bool_)
        self.capacity = capacity

    def typed_column(self, name: str, start: int = 0, stop: int | None = None):
        """The typed values of column ``name`` for rows ``start:stop`` (views, no copy)."""
        stop = self.size if stop is None else stop
        spec = self.schema.columns[self.schema.column_names.index(name)]
        values = self.values[name][start:stop]
        if spec.type == "integer":
            return pd.arrays.IntegerArray(values, self.masks[name][start:stop])
        if spec.type == "boolean":
            return pd.arrays.BooleanArray(values, self.masks[name][start:stop])
        return values

    # -- header ---------------------------------------------------------------------------

    def header(self, names: list) -> bool:
        """Check the header; return whether rows can be checked (no header problem)."""
        expected = self.schema.column_names
        names = [str(n) for n in names]
        if names == expected:
            return True
        add = self.problems.add
        shown = [_printable(n, 60) for n in names]
        duplicated = sorted({s for s, n in zip(shown, names) if names.count(n) > 1})
        if duplicated:
            add(1, duplicated[0], f"column(s) {duplicated} appear more than once in the header",
                "Keep one column of each name (the header must be: "
                f"{','.join(expected)})")
        missing = [c for c in expected if c not in names]
        extra = [n for n in names if n not in expected]
        if missing:
            near = [f"'{_printable(n, 60)}' differs from '{m}' only in spaces or capitals"
                    for m in missing for n in extra if n.strip().casefold() == m.casefold()]
            fix = ("Rename the column(s): " + "; ".join(near) + ".") if near else (
                "Add the column(s), or rename the ones that hold them.")
            add(1, missing[0],
                f"missing column(s) {missing}; the header must be: {','.join(expected)}", fix)
        if extra:
            extra_shown = [_printable(n, 60) for n in extra]
            add(1, extra_shown[0],
                f"unexpected column(s) {extra_shown}; remove them"
                + ("" if self.for_user else " or declare them in the manifest schema")
                + f" (expected header: {','.join(expected)})")
        if not (duplicated or missing or extra):
            add(1, None,
                f"columns are in the order {shown}; the schema's order is {expected}",
                "Reorder the columns.")
        return False

    # -- rows -----------------------------------------------------------------------------

    def malformed(self, line: int, record: list) -> None:
        """Record a row with the wrong number of fields."""
        n = len(self.schema.columns)
        fix = "Check for an unquoted comma or a missing field."
        if ";" in "".join(record):
            fields = next(csv.reader([",".join(record)], delimiter=";"), [])
            if len(fields) == n:
                fix = ("This row is separated by semicolons (';') while the header uses "
                       "commas: use commas throughout.")
        self.problems.add(line, None,
                          f"malformed CSV: {len(record)} fields where the header has {n}", fix)

    def chunk(self, columns: list, lines: np.ndarray) -> None:
        """Check and type one chunk: ``columns`` = one object array of strings per column."""
        m = len(lines)
        start, stop = self.size, self.size + m
        if stop > self.capacity:
            self._allocate(max(stop, 2 * self.capacity))
        key_ok = np.ones(m, dtype=bool)
        for position, (spec, raw) in enumerate(zip(self.schema.columns, columns)):
            ok = self._column(position, spec, raw, lines, start)
            if position in self.key_positions:
                key_ok &= ok
        self.size = stop
        self.lines[start:stop] = lines
        if self.key_positions:
            self.key_ok[start:stop] = key_ok
            key = pd.DataFrame(
                {str(i): pd.Series(self.typed_column(self.schema.column_names[i], start, stop),
                                   copy=False)
                 for i in self.key_positions}, copy=False)
            self.hashes[start:stop] = pd.util.hash_pandas_object(key, index=False).to_numpy()

    def _column(self, position: int, spec: ColumnSpec, raw: np.ndarray, lines: np.ndarray,
                start: int) -> np.ndarray:
        """Check one column of a chunk, write its typed values from row ``start`` of the
        buffers, and return which rows passed (a missing value passes if the column is
        nullable)."""
        codes, uniques = pd.factorize(raw)
        uniques = np.asarray(uniques, dtype=object)
        present = uniques != ""
        ok = present.copy()
        kind = spec.type

        def reject(bad, describe):
            bad = np.asarray(bad, dtype=bool) & ok
            if bad.any():
                rows = np.flatnonzero(bad[codes])
                self.problems.add_cells(spec.name, position, lines[rows],
                                        uniques[codes[rows[: self.problems.limit]]], describe)
                ok[bad] = False

        if not spec.nullable:
            rows = np.flatnonzero(~present[codes])
            if len(rows):
                self.problems.add_cells(
                    spec.name, position, lines[rows], [""] * min(len(rows), self.problems.limit),
                    lambda v: ("empty value in a column that may not be missing",
                               (f"Fill in the value: {self._where()} requires "
                                f"'{spec.name}' on every row."
                                if self.for_user else
                                "Fill in the value, or declare the column `nullable: true` in "
                                "the manifest if the source does not publish it.")))
        def each(test) -> np.ndarray:
            """``test(value)`` for every distinct value, as a boolean array."""
            return np.fromiter(map(test, uniques), dtype=bool, count=len(uniques))

        def matches(pattern) -> np.ndarray:
            return each(lambda v, match=pattern.match: match(v) is not None)

        if kind == "integer":
            not_integer = ~matches(_INTEGER_RE)
            reject(not_integer & each(_spells_missing), lambda v: (
                f"{_quoted(v)} is not an integer",
                "Leave the cell empty for a missing value"
                + ("." if spec.nullable else
                   f"; but {self._where()} requires a figure in this column: fill it in."
                   if self.for_user else
                   " and declare the column `nullable: true` in the manifest if the source "
                   "does not publish it.")))
            reject(not_integer,
                   lambda v: (f"{_quoted(v)} is not an integer",
                              "Write whole numbers without thousands separators or decimals."))
            lengths = np.fromiter(map(len, uniques), dtype=np.int64, count=len(uniques))
            too_long = np.zeros(len(uniques), dtype=bool)
            for i in np.flatnonzero((lengths > 18) & ok):  # may not fit in 64 bits
                too_long[i] = not _INT64_MIN <= int(uniques[i]) <= _INT64_MAX
            reject(too_long, lambda v: (
                (f"{_quoted(v)} has {len(v.lstrip('+-').lstrip('0'))} digits: too large for "
                 f"an integer column (at most {_INT64_MAX:,} in absolute value)"),
                ("Check the figure against its source (a spreadsheet may have joined cells or "
                 "run numbers together); an identifier this long belongs in a string column.")))
            typed_u = np.zeros(len(uniques), dtype=np.int64)
            if ok.any():
                typed_u[ok] = uniques[ok].astype(np.int64)
        elif kind == "number":
            typed_u = np.full(len(uniques), np.nan)
            typed_u[present] = pd.to_numeric(pd.Series(uniques[present], dtype=object),
                                             errors="coerce").to_numpy(dtype="float64",
                                                                       na_value=np.nan)
            failed = np.isnan(typed_u)
            spelled = np.zeros(len(uniques), dtype=bool)
            for i in np.flatnonzero(failed & ok):
                spelled[i] = uniques[i].strip().lower() in _NAN_SPELLINGS
            reject(spelled, lambda v: (
                f"{_quoted(v)} spells not-a-number, not a figure",
                "Leave the cell empty for a missing figure"
                + ("." if spec.nullable else
                   f"; but {self._where()} requires a figure in this column: fill it in."
                   if self.for_user else
                   " and declare the column `nullable: true` in the manifest if the source "
                   "does not publish it.")))
            reject(failed, lambda v: (
                f"{_quoted(v)} is not a number",
                "Write a decimal number with '.' as decimal mark and no thousands separators."))
            reject(np.isinf(typed_u), lambda v: (
                f"{_quoted(v)} is not a finite number",
                ("Write the figure as published; infinite values come from a division by zero "
                 "in a spreadsheet or a number beyond the float range (about 1.8e308).")))
        elif kind == "boolean":
            lowered = np.array([v.lower() for v in uniques], dtype=object)
            reject(~np.isin(lowered, ["true", "false"]),
                   lambda v: (f"{_quoted(v)} is not a boolean", "Write true or false."))
            typed_u = lowered == "true"
        else:
            if kind == "date":
                def is_date(v):
                    if _DATE_RE.match(v) is None:
                        return False
                    try:
                        datetime.date.fromisoformat(v)
                    except ValueError:
                        return False
                    return True

                reject(~each(is_date), lambda v: (f"{_quoted(v)} is not a date",
                                                  "Write dates as YYYY-MM-DD."))
            elif kind == "country":
                study = _study_codes()
                reject(~each(lambda v: v in study), _study_country_problem)
            elif kind == "registry_country":
                resolved = [_resolve_registry_country(v, spec.extra_codes) if p
                            else (None, None)
                            for v, p in zip(uniques.tolist(), present.tolist())]
                problem_of = {v: r[1] for v, r in zip(uniques.tolist(), resolved) if r[1]}
                reject(np.array([r[1] is not None for r in resolved], dtype=bool),
                       lambda v: problem_of[v])
            elif kind == "iso3":
                reject(~matches(_ISO3_RE),
                       lambda v: (f"{_quoted(v)} is not a three-letter upper-case code",
                                  "Use ISO 3166-1 alpha-3 codes such as MMR or THA."))
            else:  # string
                reject(~matches(_NO_CONTROL_RE), lambda v: (
                    (f"{_quoted(v)} contains control character(s) "
                     f"{sorted({f'U+{ord(c):04X}' for c in _CONTROL_RE.findall(v)})}"),
                    ("Remove them (ANSI colour codes and other control characters usually come "
                     "from copying terminal output or a binary file); tabs and line breaks "
                     "inside quoted cells are allowed.")))
            if spec.pattern is not None:
                reject(~matches(re.compile(spec.pattern)), lambda v: (
                    f"{_quoted(v)} does not match the pattern {spec.pattern}",
                    ("Correct the value." if self.for_user else
                     "Correct the value or the pattern in the manifest.")))
            cache = self.caches[spec.name]
            typed_u = np.empty(len(uniques), dtype=object)
            if kind == "registry_country":
                for i, (code, _) in enumerate(resolved):
                    typed_u[i] = code  # the ISO3 code; None when missing or unresolved
            else:
                for i, value in enumerate(uniques):
                    typed_u[i] = (cache.setdefault(value, value) if len(cache) < 100_000
                                  else cache.get(value, value))
            typed_u[~present] = None
        if spec.allowed is not None:
            allowed = set(spec.allowed)
            inside = np.array([v in allowed for v in typed_u.tolist()], dtype=bool)
            beyond = ("" if not (self.for_user and self.label
                                 and self.label.startswith("the schema of table")) else
                      f" These are the rules of {self.label}; to check a file of other "
                      "years, editions or countries, validate it against a schema kind "
                      "(`mixedmig list --kinds`).")
            reject(~inside, lambda v: (f"value {_quoted(v)} is not allowed",
                                       f"Allowed values: {list(spec.allowed)}.{beyond}"))
        if kind in ("integer", "number") and (spec.minimum is not None
                                              or spec.maximum is not None):
            as_float = typed_u.astype("float64")
            with np.errstate(invalid="ignore"):
                if spec.minimum is not None:
                    what = "negative value" if spec.minimum == 0 else "value below the minimum"
                    fix = ("Counts cannot be negative: correct the figure against its source."
                           if spec.minimum == 0 else "Correct the figure against its source.")
                    reject(as_float < spec.minimum, lambda v: (
                        f"{what} {_printable(v, 60)} (minimum {spec.minimum})", fix))
                if spec.maximum is not None:
                    reject(as_float > spec.maximum, lambda v: (
                        f"value {_printable(v, 60)} above the maximum {spec.maximum}",
                        "Correct the figure against its source."))
        stop = start + len(codes)
        np.take(typed_u, codes, out=self.values[spec.name][start:stop])
        if spec.name in self.masks:
            np.take(~ok, codes, out=self.masks[spec.name][start:stop])
        return ok[codes] | (~present[codes] if spec.nullable else False)

    # -- the whole table ------------------------------------------------------------------

    def _where(self) -> str:
        return self.label or "the schema"

    def finish(self, index=None) -> pd.DataFrame:
        """Check the primary key and the row rules over all rows, raise every problem, or
        return the typed table."""
        if self.key_positions and self.size > 1:
            self._duplicates()
        if self.rules and self.size:
            self._apply_rules()
        self.problems.raise_if_any()
        index = pd.RangeIndex(self.size) if index is None else index
        dtypes = {"integer": "Int64", "boolean": "boolean", "number": "float64"}
        return pd.DataFrame(
            {spec.name: pd.Series(self.typed_column(spec.name), index=index,
                                  dtype=dtypes.get(spec.type, object), copy=False)
             for spec in self.schema.columns},
            copy=False,
        )

    def _apply_rules(self) -> None:
        """Record every row that breaks a :class:`RowRule` (rules on absent columns skipped)."""
        names = self.schema.column_names
        cache: dict = {}

        def values_of(name):
            if name not in cache:
                column = self.typed_column(name)
                if isinstance(column, pd.api.extensions.ExtensionArray):
                    column = column.to_numpy(dtype=object, na_value=None)
                elif column.dtype.kind == "f":
                    column = np.where(np.isnan(column), None, column.astype(object))
                else:
                    column = column.astype(object)
                cache[name] = column
            return cache[name]

        for rule in self.rules:
            if not all(c in names for c in rule.columns):
                continue
            values = {c: values_of(c) for c in rule.columns}
            bad = np.asarray(rule.test(values), dtype=bool)
            rows = np.flatnonzero(bad)
            if not len(rows):
                continue
            shown = [tuple(_cell(values[c][r]) for c in rule.columns)
                     for r in rows[: self.problems.limit]]
            self.problems.add_cells(rule.columns[0], names.index(rule.columns[0]),
                                    self.lines[rows], shown,
                                    lambda row, rule=rule: (rule.message(row), rule.fix))

    def _duplicates(self) -> None:
        """Record every duplicate primary key (rows with a bad key cell are left out)."""
        size = self.size
        hashes = self.hashes[:size]  # sorted in place below: the hashes are not needed after
        order = np.argsort(hashes)
        hashes.sort()
        same = np.flatnonzero(hashes[1:] == hashes[:-1])
        if not len(same):
            return
        key_ok, lines = self.key_ok[:size], self.lines[:size]
        groups = []
        for run in np.split(same, np.flatnonzero(np.diff(same) != 1) + 1):
            rows = order[run[0]: run[-1] + 2]
            rows = np.sort(rows[key_ok[rows]])
            if len(rows) >= 2:
                groups.append((int(lines[rows[1]]), rows))
        del order
        groups.sort(key=lambda group: group[0])
        names = self.schema.primary_key
        columns = [self.typed_column(name) for name in names]
        for count, (_, rows) in enumerate(groups):
            if count >= self.problems.limit:  # not listed: counted without reading the values
                self.problems.count += 1
                continue
            by_key: dict = {}  # equal hashes, checked for equal values
            for row in rows[:10_000]:
                key = tuple(_cell(column[row]) for column in columns)
                by_key.setdefault(key, []).append(row)
            for key, same_rows in by_key.items():
                if len(same_rows) < 2:
                    continue
                found = [int(lines[r]) for r in same_rows]
                shown = ", ".join(map(str, found[:6])) + (
                    f", ... ({len(found)} rows)" if len(found) > 6 else "")
                values = ", ".join(f"{k}={_printable(v, 60)}" for k, v in zip(names, key))
                self.problems.add(
                    found[1], names[0],
                    f"duplicate key ({values}) on lines {shown}; the primary key "
                    f"{list(names)} must identify one row",
                    "Remove or correct the duplicate.",
                    order=self.key_positions[0])


def _cell(value):
    """A typed cell as a plain Python value (``None`` when missing), for key comparisons."""
    if value is pd.NA or value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


#: Leading bytes of files that are not CSV text: (magic, what the file is, how to fix it).
_SAVE_AS_CSV = ("save it as CSV UTF-8 (in Excel: File > Save As > 'CSV UTF-8 (Comma "
                "delimited)'; in LibreOffice: File > Save As > 'Text CSV', character set "
                "'Unicode (UTF-8)', field delimiter ',') and give that .csv file")
_BINARY_MAGIC = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97-2003 workbook (.xls)", _SAVE_AS_CSV),
    (b"\x1f\x8b", "a gzip-compressed file", "decompress it (e.g. gunzip FILE) and give the "
     "CSV file inside"),
)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


def _binary_format(csv_path: Path, head: bytes) -> tuple[str, str] | None:
    """``(what the file is, how to fix it)`` for a spreadsheet or archive given as CSV, else None.

    Recognised by their leading bytes (magic numbers): ``.xlsx``/``.xlsm`` workbooks and
    OpenDocument spreadsheets (``.ods``), which are zip archives (told apart by their members),
    other zip archives, Excel 97-2003 ``.xls`` workbooks (OLE2 compound files) and gzip files.
    """
    if head.startswith(_ZIP_MAGIC):
        import zipfile

        try:
            with zipfile.ZipFile(csv_path) as archive:
                members = archive.namelist()
                mimetype = (archive.read("mimetype")[:100] if "mimetype" in members else b"")
        except (zipfile.BadZipFile, OSError, KeyError):
            members, mimetype = [], b""
        if any(m.startswith("xl/") for m in members):
            return "an Excel workbook (.xlsx)", _SAVE_AS_CSV
        if b"opendocument.spreadsheet" in mimetype:
            return "an OpenDocument spreadsheet (.ods)", _SAVE_AS_CSV
        return ("a zip archive", "extract the CSV file from it and give that file (if it "
                "holds a spreadsheet instead, save that as CSV UTF-8)")
    for magic, what, fix in _BINARY_MAGIC:
        if head.startswith(magic):
            return what, fix
    return None


#: Field separators other than ',' that spreadsheets write: (separator, how to name it).
_SEPARATORS = ((";", "';' (semicolons)"), ("\t", "tabs"), ("|", "'|'"))
_EXCEL_SEP_LINE = re.compile(r"\s*sep=(.)\s*")


def _separator_problem(header: list, first_line: str | None, known=(), *,
                       in_file: bool = True) -> tuple[str, str] | None:
    """``(message, fix)`` when a header was written with another separator than ',', else None.

    ``header`` is the header as read with commas, ``first_line`` the file's first line as
    written (``None``: use the header joined by commas) and ``known`` the column names the
    schema accepts. The header is taken as separated by ';', tabs or '|' when splitting the
    line at that character gives more fields than the commas did, and either more of them are
    known column names or the commas found one field only. Excel's ``sep=;`` first line is
    recognised too. One mechanism for curated tables, schema kinds and DataFrames
    (``in_file=False``: the fix then says how to read the file).
    """
    names = [str(n).strip() for n in header]
    line = ",".join(str(n) for n in header) if first_line is None else first_line
    line = line.rstrip("\r\n")
    known = set(known)
    excel = _EXCEL_SEP_LINE.fullmatch(line)
    found = None
    if excel is not None:
        found = excel.group(1)
    elif not (known and names and all(n in known for n in names)):
        for delimiter, _label in _SEPARATORS:
            if delimiter not in line:
                continue
            fields = [f.strip() for f in next(csv.reader([line], delimiter=delimiter), [])]
            while fields and not fields[-1]:
                fields.pop()
            if len(fields) <= max(len(names), 1):
                continue
            hits, hits_before = len(set(fields) & known), len(set(names) & known)
            if hits > hits_before or len(names) == 1:
                found = delimiter
                break
    if found is None:
        return None
    label = dict(_SEPARATORS).get(found, repr(found))
    if found == ",":  # 'sep=,': Excel's hint line above a comma-separated header
        return ("the first line is Excel's separator hint 'sep=,', not the header",
                "Delete that line: the header must be the first line.")
    shown = "[" + ", ".join(_quoted(n) for n in names) + "]"
    if excel is not None:
        message = (f"the file uses {label} as separator, not commas: its first line is "
                   f"Excel's separator hint {_quoted(line)}")
    elif in_file:
        message = (f"the file uses {label} as separator, not commas: its header reads as "
                   f"{len(names)} column(s) {shown}")
    else:
        message = (f"the table's header is {len(names)} column(s) {shown}: its file uses "
                   f"{label} as separator and was read as if it used commas")
    skip = ", skiprows=1" if excel is not None else ""
    if in_file:
        fix = ("Save it comma-separated (CSV UTF-8): in Excel, File > Save As > 'CSV UTF-8 "
               "(Comma delimited)' (where the decimal mark is ',', Excel writes ';': make sure "
               "decimals use '.'); with pandas, pd.read_csv(path, "
               f"sep={found!r}{skip}, dtype=str).to_csv(new_path, index=False).")
    else:
        fix = (f"Read the file with its separator: pd.read_csv(path, sep={found!r}{skip}, "
               "dtype=str).")
    return message, fix


def _line_count(handle) -> int:
    """An upper bound on the number of lines of a binary file (``\n``, ``\r\n``, ``\r``)."""
    count = 1
    for block in iter(lambda: handle.read(_BLOCK_BYTES), b""):
        count += block.count(b"\n") + block.count(b"\r") - block.count(b"\r\n")
    handle.seek(0)
    return count


def _physical_lines(handle, problems: _Problems):
    """Yield the lines of a binary CSV file decoded as UTF-8 (a leading BOM removed).

    Lines end at ``\\n``, ``\\r\\n`` or ``\\r`` (line endings kept, as :mod:`csv` wants them).
    A line that is not valid UTF-8 is recorded as a problem (its line number) and yielded with
    the offending bytes replaced, so that the rest of the file is still checked. A UTF-16 file
    is recorded as one problem and nothing is yielded.
    """
    pending = b""
    first = True
    line_number = 0
    fix = ("Save the file as UTF-8: in Excel, File > Save As > 'CSV UTF-8 (Comma delimited)'; "
           "with pandas, pd.read_csv(path, dtype=str, encoding={!r}).to_csv(new_path, "
           "index=False){}")
    while True:
        block = handle.read(_BLOCK_BYTES)
        buffer = pending + block
        if block:
            cut = max(buffer.rfind(b"\n"), buffer.rfind(b"\r", 0, len(buffer) - 1))
            if cut < 0:
                pending = buffer
                continue
            pending, buffer = buffer[cut + 1:], buffer[: cut + 1]
        elif not buffer:
            return
        if first:
            first = False
            if buffer.startswith((b"\xff\xfe", b"\xfe\xff")):
                problems.add(1, None, "the file is UTF-16 text (Excel's 'Unicode Text'), not "
                             "UTF-8", fix.format("utf-16", ""))
                return
            if buffer.startswith(b"\xef\xbb\xbf"):  # the byte-order mark Excel writes
                buffer = buffer[3:]
        try:
            text = buffer.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None:
            for match in _LINE_RE.finditer(text):
                line_number += 1
                yield match.group()
        else:
            for raw in buffer.splitlines(keepends=True):
                line_number += 1
                try:
                    yield raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    problems.add(line_number, None,
                                 f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at byte "
                                 f"{exc.start + 1} of the line)",
                                 fix.format("cp1252", " (cp1252 is what Excel on Windows "
                                            "usually writes; check accented names after)"))
                    yield raw.decode("utf-8", errors="replace")
        if not block:
            return


def _columns_of(records: list, width: int) -> list:
    """The records of a chunk as one object array of strings per column."""
    if not records:
        return [np.zeros(0, dtype=object) for _ in range(width)]
    return [np.array(column, dtype=object) for column in zip(*records)]


def validate_frame(frame: pd.DataFrame, schema: Schema, path: str | os.PathLike, *,
                   max_problems: int = MAX_PROBLEMS) -> pd.DataFrame:
    """Validate a table of strings against a schema and return it typed.

    Every problem is collected before anything is raised: one run reports all of them (up to
    ``max_problems``, in file order, with a count of the rest), not only the first.

    Parameters
    ----------
    frame : pandas.DataFrame
        Every cell a string (``""`` = missing; ``None``/NaN are read as ``""``), index = the
        CSV line numbers (header = line 1), as the CSV reader of :func:`mixedmig.data.load`
        produces it.
    schema : Schema
        The schema to apply.
    path : str or os.PathLike
        The file the table came from (or a label for an in-memory table), used in messages.
    max_problems : int, default 50
        How many problems the error lists (all are counted).

    Returns
    -------
    pandas.DataFrame
        The typed table (``Int64``, ``float64``, ``boolean``, object strings with ``None`` for
        missing), same index.

    Raises
    ------
    mixedmig.errors.SchemaError
        If any cell or the header breaks the schema: a missing, unexpected, repeated or
        misplaced column (line 1), an empty value in a non-nullable column, a value of the
        wrong type (an integer beyond 64 bits, a number spelled ``NaN``, ``inf`` or ``1e999``),
        a control character in a text cell, an unknown country code, a value outside
        ``allowed``/``minimum``/``maximum``/``pattern``, or a duplicate primary key. ``row``
        and ``column`` locate the first problem; ``problems`` holds every listed
        :class:`Problem` (file, line, column, message, fix) and ``problem_count`` the total.
        Cell values in messages are escaped, so printing them is safe.
    mixedmig.errors.InputError
        If ``max_problems`` is not a positive whole number.

    Examples
    --------
    >>> import pandas as pd
    >>> from mixedmig.data import ColumnSpec, Schema, validate_frame
    >>> schema = Schema((ColumnSpec("orig", "country"), ColumnSpec("stock", "integer", minimum=0)))
    >>> toy = pd.DataFrame({"orig": ["MMR", "Laos"], "stock": ["10", "-1"]}, index=[2, 3])
    >>> try:
    ...     validate_frame(toy, schema, "toy.csv")
    ... except Exception as err:
    ...     print(type(err).__name__, err.row, err.column, err.problem_count)
    ...     for problem in err.problems:
    ...         print(problem.line, problem.column, problem.message)
    SchemaError 3 orig 2
    3 orig unknown country code 'Laos'
    3 stock negative value -1 (minimum 0)
    """
    return _validate_table(frame, schema, path, max_problems=max_problems)


def _validate_table(frame: pd.DataFrame, schema: Schema | None, path, *,
                    max_problems: int = MAX_PROBLEMS, for_user: bool = False,
                    label: str | None = None, resolve=None, rules=()) -> pd.DataFrame:
    """:func:`validate_frame` with the options of :func:`_read_and_validate` (see there)."""
    header = [str(c) for c in frame.columns]
    problems = _Problems(None if path is None else _printable(str(path), limit=None),
                         max_problems)
    known = schema.column_names if schema is not None else getattr(resolve, "names", ())
    if header != list(known):
        separator = _separator_problem(header, None, known, in_file=False)
        if separator is not None:
            problems.add(1, None, *separator)
            problems.raise_if_any()
    if resolve is not None:
        schema = resolve(header, problems)
        if schema is None:
            problems.raise_if_any()
    validator = _Validator(schema, path, max_problems, capacity=len(frame),
                           for_user=for_user, label=label, rules=rules, problems=problems)
    if not validator.header(header):
        validator.problems.raise_if_any()
    columns = []
    for name in schema.column_names:
        values = frame.iloc[:, header.index(name)].to_numpy(dtype=object, copy=True)
        missing = pd.isna(values)
        values[missing] = ""
        if pd.api.types.infer_dtype(values, skipna=False) not in ("string", "empty"):
            values = np.array([v if isinstance(v, str) else str(v) for v in values], dtype=object)
        columns.append(values)
    lines = (np.asarray(frame.index, dtype=np.int64)
             if pd.api.types.is_integer_dtype(frame.index) else np.arange(2, len(frame) + 2))
    validator.chunk(columns, lines)
    return validator.finish(index=frame.index)


def _read_and_validate(csv_path: Path, schema: Schema | None, *,
                       max_problems: int = MAX_PROBLEMS, for_user: bool = False,
                       label: str | None = None, resolve=None, rules=()) -> pd.DataFrame:
    """Read a CSV file in chunks, validate every row, and return the typed table.

    The file is read as UTF-8 (a byte-order mark is dropped), in blocks; blank lines and rows
    whose fields are all empty are skipped, and empty fields after the last column (Excel's
    trailing empty columns) are dropped. Every problem is collected; one SchemaError lists them.

    ``for_user``: the file is the user's own (fixes never say "edit the manifest"); ``label``
    names the schema in fixes ("kind 'bilateral_stocks'"). ``resolve(header, problems)``, when
    given, returns the schema for the file's actual header (or None after recording header
    problems); ``schema`` is then ignored. ``rules``: :class:`RowRule` checks run over all rows.
    """
    try:
        handle = open(csv_path, "rb")  # noqa: SIM115 (closed by the with block below)
    except FileNotFoundError:
        raise DataError("file not found", path=csv_path) from None
    except IsADirectoryError:
        raise DataError("is a folder, not a CSV file", path=csv_path) from None
    with handle:
        problems = _Problems(_printable(str(csv_path), limit=None), max_problems)
        binary = _binary_format(csv_path, handle.read(8))
        if binary is not None:  # a workbook or archive: say so, never show its bytes
            what, fix = binary
            problems.add(None, None, f"this is {what}, not a CSV text file",
                         fix[0].upper() + fix[1:] + ".")
            problems.raise_if_any()
        handle.seek(0)
        capacity = _line_count(handle)
        physical = _physical_lines(handle, problems)
        first_line = next(physical, None)
        reader = csv.reader(itertools.chain([first_line] if first_line is not None else [],
                                            physical))
        try:
            header = next(reader)
        except StopIteration:
            if not problems.count:
                problems.add(1, None, "the file is empty", "It needs a header row.")
            problems.raise_if_any()
        except csv.Error as exc:
            problems.add(1, None, f"malformed CSV header ({exc})", "Check the quoting.")
            problems.raise_if_any()
        while header and not header[-1].strip():  # Excel's trailing empty columns
            header.pop()
        known = schema.column_names if schema is not None else getattr(resolve, "names", ())
        if header != list(known):
            separator = _separator_problem(header, first_line, known)
            if separator is not None:
                problems.add(1, None, *separator)
                problems.raise_if_any()
        if resolve is not None:
            schema = resolve(header, problems)
            if schema is None:
                problems.raise_if_any()
        validator = _Validator(schema, csv_path, max_problems, capacity=capacity,
                               for_user=for_user, label=label, rules=rules, problems=problems)
        if not validator.header(header):
            problems.raise_if_any()
        width = len(header)
        records: list = []
        lines: list = []
        previous = reader.line_num
        try:
            for record in reader:
                start, previous = previous + 1, reader.line_num
                if len(record) != width:
                    if not any(record):  # blank line, or a row of empty fields
                        continue
                    if len(record) > width and not any(record[width:]):
                        record = record[:width]
                    else:
                        validator.malformed(start, record)
                        continue
                elif not record[0] and not any(record):
                    continue
                records.append(record)
                lines.append(start)
                if len(records) >= _CHUNK_ROWS:
                    validator.chunk(_columns_of(records, width), np.array(lines, dtype=np.int64))
                    records, lines = [], []
        except csv.Error as exc:
            problems.add(reader.line_num, None, f"malformed CSV ({exc}); reading stopped here",
                         "Check the quoting (a quote opened and never closed, or a very long "
                         "cell).")
        validator.chunk(_columns_of(records, width), np.array(lines, dtype=np.int64))
        del records, lines
    return validator.finish()
