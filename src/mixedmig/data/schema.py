"""Table schemas and manifests: column specifications, manifest parsing and frame validation."""

from __future__ import annotations
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
from ..errors import DataError, ManifestError, SchemaError


COLUMN_TYPES = ("string", "integer", "number", "boolean", "date", "country", "iso3")


RELIABILITY_VALUES = ("read", "computed", "secondary", "uncertain")


REQUIRED_MANIFEST_KEYS = ("name", "title", "description", "units", "sha256", "schema")


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
    """One column of a table schema (see ``docs/data-manifests.md``)."""

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
    columns: tuple[ColumnSpec, ...]
    primary_key: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


@dataclass(frozen=True)
class Manifest:
    """A table's manifest: provenance plus schema."""

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
        return self.path.with_suffix(".csv")

    @property
    def citation(self) -> str:
        return " ".join(s.get("citation", "") for s in self.sources).strip()

    @property
    def publisher(self) -> str:
        return "; ".join(dict.fromkeys(s.get("publisher", "") for s in self.sources))

    @property
    def edition(self) -> str:
        return "; ".join(dict.fromkeys(str(s.get("edition", "")) for s in self.sources))

    @property
    def licence(self) -> str:
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
    """Parse and check a YAML manifest (not the CSV it describes)."""
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


def _fail(path, column, lines, message, fix):
    lines = list(lines)
    more = f" ({len(lines) - 1} more row(s) fail too: lines {', '.join(map(str, lines[1:6]))}" + (
        ", ..." if len(lines) > 6 else ""
    ) + ")" if len(lines) > 1 else ""
    raise SchemaError(f"{message}{more}. {fix}", path=path, row=lines[0], column=column)


def _check_column(values: pd.Series, spec: ColumnSpec, path: Path) -> pd.Series:
    """Validate one column of strings and return it converted to its pandas type."""
    present = values != ""
    if not spec.nullable and not present.all():
        _fail(
            path, spec.name, values.index[~present],
            "empty value in a column that may not be missing",
            "Fill in the value, or declare the column `nullable: true` in the manifest "
            "if the source does not publish it.",
        )
    filled = values[present]
    kind = spec.type
    if kind == "integer":
        bad = ~filled.str.match(_INTEGER_RE)
        if bad.any():
            first = filled[bad].iloc[0]
            _fail(
                path, spec.name, filled.index[bad],
                f"'{first}' is not an integer",
                "Write whole numbers without thousands separators or decimals.",
            )
        converted = pd.array(
            [int(v) if v != "" else pd.NA for v in values], dtype="Int64"
        )
        out = pd.Series(converted, index=values.index, name=spec.name)
    elif kind == "number":
        numeric = pd.to_numeric(filled, errors="coerce")
        bad = numeric.isna()
        if bad.any():
            _fail(
                path, spec.name, filled.index[bad],
                f"'{filled[bad].iloc[0]}' is not a number",
                "Write a decimal number with '.' as decimal mark and no thousands separators.",
            )
        out = pd.to_numeric(values.replace("", np.nan), errors="coerce").astype("float64")
    elif kind == "boolean":
        lowered = filled.str.lower()
        bad = ~lowered.isin(["true", "false"])
        if bad.any():
            _fail(
                path, spec.name, filled.index[bad],
                f"'{filled[bad].iloc[0]}' is not a boolean",
                "Write true or false.",
            )
        out = pd.Series(
            pd.array([None if v == "" else v.lower() == "true" for v in values], dtype="boolean"),
            index=values.index,
        )
    elif kind == "date":
        bad = ~filled.str.match(_DATE_RE) | pd.to_datetime(
            filled, format="%Y-%m-%d", errors="coerce"
        ).isna()
        if bad.any():
            _fail(
                path, spec.name, filled.index[bad],
                f"'{filled[bad].iloc[0]}' is not a date",
                "Write dates as YYYY-MM-DD.",
            )
        out = values.astype(object)
    elif kind == "country":
        bad = ~filled.map(countries.is_registry_code).astype(bool)
        if bad.any():
            first = filled[bad].iloc[0]
            try:
                hint = f"did you mean '{countries.to_iso3(first)}'? "
            except Exception:  # noqa: BLE001 - any failure just means no hint
                hint = ""
            _fail(
                path, spec.name, filled.index[bad],
                f"unknown country code '{first}'",
                f"{hint}Use the ISO3 code of one of the 15 economies "
                f"({', '.join(countries.ISO3_CODES)}); "
                "`mixedmig.countries.to_iso3(name)` converts names.",
            )
        out = values.astype(object)
    elif kind == "iso3":
        bad = ~filled.str.match(_ISO3_RE)
        if bad.any():
            _fail(
                path, spec.name, filled.index[bad],
                f"'{filled[bad].iloc[0]}' is not a three-letter upper-case code",
                "Use ISO 3166-1 alpha-3 codes such as MMR or THA.",
            )
        out = values.astype(object)
    else:  # string
        out = values.astype(object)

    if kind == "string" or kind in ("date", "country", "iso3"):
        out = out.where(present, None)

    if spec.pattern is not None and kind in ("string", "date", "country", "iso3"):
        bad = ~filled.str.match(re.compile(spec.pattern))
        if bad.any():
            _fail(
                path, spec.name, filled.index[bad],
                f"'{filled[bad].iloc[0]}' does not match the pattern {spec.pattern}",
                "Correct the value or the pattern in the manifest.",
            )
    if spec.allowed is not None:
        allowed = set(spec.allowed)
        typed = out[present]
        bad = ~typed.map(lambda v: v in allowed).astype(bool)
        if bad.any():
            _fail(
                path, spec.name, typed.index[bad],
                f"value '{typed[bad].iloc[0]}' is not allowed",
                f"Allowed values: {list(spec.allowed)}.",
            )
    if kind in ("integer", "number"):
        typed = out[present].astype("float64")
        if spec.minimum is not None:
            bad = typed < spec.minimum
            if bad.any():
                what = "negative value" if spec.minimum == 0 else "value below the minimum"
                _fail(
                    path, spec.name, typed.index[bad],
                    f"{what} {values[typed.index[bad][0]]} (minimum {spec.minimum})",
                    "Counts cannot be negative: correct the figure against its source.",
                )
        if spec.maximum is not None:
            bad = typed > spec.maximum
            if bad.any():
                _fail(
                    path, spec.name, typed.index[bad],
                    f"value {values[typed.index[bad][0]]} above the maximum {spec.maximum}",
                    "Correct the figure against its source.",
                )
    return out


def validate_frame(frame: pd.DataFrame, schema: Schema, path: str | os.PathLike) -> pd.DataFrame:
    """Validate a DataFrame of strings (index = CSV line numbers) and return it typed."""
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
