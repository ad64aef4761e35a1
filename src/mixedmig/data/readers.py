"""Readers for the official file layouts, returning tables in the project's schemas.

A researcher who downloads an official file (a newer UN DESA edition, the World Bank matrix, a
UNHCR Refugee Data Finder export) reads it here into the same long shape as the curated tables,
so the notebooks' code applies unchanged. Layouts follow the official files as described in
``shared/research/migration_data_sources.md`` (sections 1.5, 2 and 5) and
``shared/research/official_downloads.md``:

- UN DESA *International Migrant Stock* 2020/2024 bilateral workbook: sheet ``Table 1``, title
  block, the sex of each block of year columns on row 10 (merged cells), the header on row 11;
  one row per (destination, origin), year columns for both sexes, then males, then females;
  aggregates (world, regions) mixed with countries; ``..`` = missing; names carry footnote
  markers ``*``. Rows are matched on the numeric M49 location codes.
- World Bank / KNOMAD bilateral migration matrix (2013, 2017): one sheet, title on row 1, header
  on row 2 with destinations across and sources down, ending with ``Other North``,
  ``Other South`` and ``World`` rows and columns; a ``Notes:`` block below.
- UNHCR Refugee Data Finder population export (CSV) or the ``refugees`` data package table:
  year, origin name and ISO3, asylum name and ISO3, refugees, asylum-seekers, ...

What every reader does the same way (one number parser, one header locator):

- **Header by label.** The header row is found by its labels within the first
  :data:`HEADER_SEARCH_ROWS` rows (a title block of any height is skipped), the sheet of a
  workbook by its content (a notes sheet placed first is skipped) and the delimiter of a text
  file by its header (``,``, ``;`` or tab); year and sex columns are matched by their labels,
  never by position.
- **The publishers' number formats.** A count may be written ``1104``, ``1,104`` (thousands
  separators: ``,``, or ``.`` in a ``;``-separated file, a space or a non-breaking space, used
  consistently in groups of three), with footnote marks (``136674*``, ``†``, ``‡``), or as a
  missing-value mark (``..``, ``...``, ``-``, an en or em dash, ``*``, an empty cell), which
  stays missing. A stored number that is not whole (an unrounded estimate) is rounded to the
  nearest person, as the publisher's number format displays it. Anything else -- a negative
  count, a decimal written as text, ``1.104`` where ``.`` is the decimal mark, a date, a
  true/false cell, words -- raises :class:`~mixedmig.errors.DataError`.
- **Checks.** The edition or vintage written in the file (title block, sheet name, year
  columns) must agree with the argument; duplicate keys, a key cell left blank in a row that
  holds counts (a merged cell counts as the value of its top-left cell), a merged count cell, a
  value beyond the header's last column and totals that disagree with their parts (UN DESA:
  males + females = both sexes; World Bank: the ``World`` row and column; UNHCR: a ``Total``
  row) raise an error.
- **Encodings.** Text files are read as UTF-8 (with or without a byte-order mark); a file that
  is not valid UTF-8 is read as Windows-1252, or Latin-1 when not valid Windows-1252 (numbers
  and ISO3 codes are ASCII, so only accented names depend on the guess); pass ``encoding=`` to
  choose.

Only economies of ``mixedmig.countries`` are kept by the bilateral readers unless
``keep_all=True``; unknown names are reported, never guessed. A file that is missing raises
:class:`~mixedmig.errors.DataError`; a file that does not have the expected layout raises
:class:`~mixedmig.errors.SchemaError`; a bad value raises :class:`~mixedmig.errors.DataError`.
Every message names the file and, where it applies, the sheet, the row (``row`` attribute: the
worksheet row, or the line of a text file), the cell and the column, and says how to fix it.

References
----------
UN DESA Population Division (2020, 2024). *International Migrant Stock*. United Nations.

World Bank (2013, 2017). *Bilateral Migration Matrix*. KNOMAD / World Bank.

UNHCR (2024). *Refugee Data Finder*. https://www.unhcr.org/refugee-statistics/
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import numbers
import os
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd

from .. import countries
from ..errors import DataError, InputError, SchemaError, UnknownCountryError

__all__ = [
    "HEADER_SEARCH_ROWS",
    "MISSING_MARKS",
    "UNDESA_SEXES",
    "UNDESA_YEARS",
    "UNHCR_COLUMNS",
    "UNHCR_PACKAGE_COLUMNS",
    "WORLD_BANK_AGGREGATES",
    "read_undesa_bilateral_workbook",
    "read_unhcr_population",
    "read_worldbank_matrix",
]

#: The three blocks of year columns of the UN DESA workbook, in the publisher's order.
UNDESA_SEXES = ("total", "male", "female")
#: Years of each supported UN DESA edition.
UNDESA_YEARS = {
    2020: (1990, 1995, 2000, 2005, 2010, 2015, 2020),
    2024: (1990, 1995, 2000, 2005, 2010, 2015, 2020, 2024),
}
#: How many rows from the top of a sheet or text file the readers search for the header row.
HEADER_SEARCH_ROWS = 60
#: Cell texts the publishers write for a missing or not-applicable count (after trimming spaces).
MISSING_MARKS = ("", "..", "...", "\u2026", "-", "\u2013", "\u2014", "*")

_M49_TO_ISO3 = {c.m49: c.iso3 for c in countries.COUNTRIES}
_FOOTNOTE_MARKS = "*\u2020\u2021"
_BLANKS = " \t\r\n\u00a0\u2007\u2009\u202f"
_GROUP_MARKS = (" ", "\u00a0", "\u2009", "\u202f", "'")
_DIGITS = re.compile(r"[0-9]+")
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")
_ISO3 = re.compile(r"[A-Z]{3}")


# --------------------------------------------------------------------------- numbers


def _is_blank(value) -> bool:
    """True for an empty cell: ``None``, NaN or text of spaces only."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip(_BLANKS)


def _whole_from_text(body: str, decimal: str):
    """Digits with optional consistent thousands groups and an all-zero fraction, or None."""
    integer, mark, fraction = body.partition(decimal)
    if mark:
        if not _DIGITS.fullmatch(fraction):
            return None
        if fraction.strip("0"):
            raise DataError(
                f"{body!r} is not a whole number of persons ({decimal!r} is the decimal mark of "
                f"this file; write counts without decimals, and thousands with "
                f"{(',' if decimal == '.' else '.')!r} or a space)"
            )
    if _DIGITS.fullmatch(integer):
        return int(integer)
    thousands = "," if decimal == "." else "."
    for group in (thousands, *_GROUP_MARKS):
        if re.fullmatch(rf"[0-9]{{1,3}}(?:{re.escape(group)}[0-9]{{3}})+", integer):
            return int(integer.replace(group, ""))
    return None


def _parse_count(value, decimal: str = "."):
    """One cell as a whole non-negative count (int), or None when the publisher marks it missing.

    The one number parser of the readers; the rules are those of the module docstring.

    Parameters
    ----------
    value : object
        The cell: None, a number or text.
    decimal : str, default "."
        The file's decimal mark; the other of ``,`` and ``.`` separates thousands.

    Returns
    -------
    int or None
        The count, or None for an empty cell or a missing-value mark.

    Raises
    ------
    mixedmig.errors.DataError
        If the cell is negative, not whole (as text), infinite, too large, or not a number in
        any of the publishers' formats; without a location, which :meth:`_Grid.count` adds.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise DataError(f"{value!r} (a true/false cell) is not a count")
    if isinstance(value, numbers.Integral):
        number = int(value)
    elif isinstance(value, numbers.Real):
        real = float(value)
        if math.isnan(real):
            return None
        if math.isinf(real):
            raise DataError(f"{value!r} is not a finite number")
        if real < 0:
            raise DataError(f"{value!r} is negative; counts of persons are >= 0")
        number = math.floor(real + 0.5)
    elif isinstance(value, str):
        text = value.strip(_BLANKS)
        if text in MISSING_MARKS:
            return None
        core = text.rstrip(_FOOTNOTE_MARKS).strip(_BLANKS)
        if core in MISSING_MARKS:
            return None
        negative = len(core) > 1 and core[0] in "-\u2212\u2013"
        body = core[1:].strip(_BLANKS) if negative else core
        number = _whole_from_text(body, decimal)
        if number is None:
            raise DataError(
                f"{value!r} is not a count: expected digits, optionally with thousands "
                f"separators ('1,104') and footnote marks ('136674*'), or a missing-value mark "
                f"('..', '-', '*')"
            )
        if negative and number:
            raise DataError(f"{value!r} is negative; counts of persons are >= 0")
    else:
        raise DataError(f"{value!r} (a {type(value).__name__} cell) is not a count")
    if number < 0:
        raise DataError(f"{value!r} is negative; counts of persons are >= 0")
    if number > 2**63 - 1:
        raise DataError(f"{value!r} is too large to be a count of persons")
    return number


def _parse_year(value):
    """A year cell (``2024``, ``2024.0``, ``"2024*"``) as an int, or None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        value = int(value) if float(value).is_integer() else None
    if isinstance(value, numbers.Integral):
        return int(value) if _YEAR.fullmatch(str(int(value))) else None
    if isinstance(value, str):
        text = value.strip(_BLANKS).rstrip(_FOOTNOTE_MARKS).strip(_BLANKS)
        return int(text) if _YEAR.fullmatch(text) else None
    return None


def _rounding_tolerance(parts: int) -> float:
    """Largest gap between a total and the sum of its parts when each is rounded on its own."""
    return 0.5 * (parts + 1)


def _check_total(parts, total):
    """None if ``total`` agrees with ``parts`` (missing parts: the known sum may not exceed it)."""
    if total is None:
        return None
    known = [p for p in parts if p is not None]
    gap = sum(known) - total
    tolerance = _rounding_tolerance(len(parts))
    if len(known) == len(parts) and abs(gap) <= tolerance:
        return None
    if len(known) < len(parts) and gap <= tolerance:
        return None
    return sum(known), len(known)


# --------------------------------------------------------------------------- labels, grids


def _label(value) -> str:
    """A header or name cell as comparable text: trimmed, lower case, spaces collapsed,
    trailing footnote marks dropped; whole numbers as digits (``1990.0`` -> ``"1990"``)."""
    if _is_blank(value):
        return ""
    if (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and float(value).is_integer()):
        return str(int(value))
    text = " ".join(str(value).replace("\u2019", "'").split()).lower()
    return text.rstrip(_FOOTNOTE_MARKS).strip()


def _name(value) -> str:
    """A published name as printed, trimmed, spaces collapsed, trailing footnote marks dropped."""
    if _is_blank(value):
        return ""
    return " ".join(str(value).split()).rstrip(_FOOTNOTE_MARKS).strip()


def _column_letter(index: int) -> str:
    """Spreadsheet letters of a 0-based column index (0 -> ``A``, 26 -> ``AA``)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class _Grid:
    """The cells of one sheet or text file: ``rows[i][j]``, rows padded to one width."""

    path: Path
    sheet: str | None
    rows: list
    decimal: str = "."
    lines: list | None = None  # file line of each row of a text file
    merged: list = field(default_factory=list)  # (min_col, min_row, max_col, max_row), 1-based

    def row_number(self, i: int) -> int:
        """The 1-based worksheet row or text-file line of row index ``i``."""
        return self.lines[i] if self.lines is not None and i < len(self.lines) else i + 1

    def error(self, kind, message, *, row=None, col=None, column=None):
        """A ``kind`` error naming the file, sheet, row, cell and column."""
        where = []
        if self.sheet is not None:
            where.append(f"sheet '{self.sheet}'")
            if row is not None and col is not None:
                where.append(f"cell {_column_letter(col)}{self.row_number(row)}")
        elif col is not None:
            where.append(f"field {col + 1}")
        prefix = (", ".join(where) + ": ") if where else ""
        return kind(prefix + message, path=self.path,
                    row=None if row is None else self.row_number(row), column=column)

    def count(self, i: int, j: int, column: str):
        """The cell ``rows[i][j]`` parsed by the one number parser; a located DataError if bad."""
        try:
            return _parse_count(self.rows[i][j], self.decimal)
        except DataError as exc:
            raise self.error(DataError, str(exc), row=i, col=j, column=column) from None


def _pad(rows) -> list:
    """Rows as lists of one width, trailing empty rows dropped."""
    rows = [list(r) for r in rows]
    while rows and all(_is_blank(v) for v in rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    for r in rows:
        r.extend([None] * (width - len(r)))
    return rows


def _find_header(rows, is_header, limit: int = HEADER_SEARCH_ROWS):
    """Index of the first of the first ``limit`` rows whose labels satisfy ``is_header``."""
    for i, row in enumerate(rows[:limit]):
        if is_header([_label(v) for v in row]):
            return i
    return None


def _merged_ranges(path: Path, sheet: str) -> list:
    """Merged ranges of a worksheet, read from its XML without loading its cells.

    openpyxl's fast read-only mode, which the readers use for the cells, does not report merged
    cells; they are listed after the cells in the sheet's XML, so a byte scan finds them.
    """
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    pattern = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Za-z]+[0-9]+(?::[A-Za-z]+[0-9]+)?)"')
    try:
        with zipfile.ZipFile(path) as archive:
            workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            rid = next(s.get(f"{rel}id") for s in workbook.iter(f"{main}sheet")
                       if s.get("name") == sheet)
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            target = next(r.get("Target") for r in rels if r.get("Id") == rid)
            member = (target.lstrip("/") if target.startswith("/")
                      else posixpath.normpath(posixpath.join("xl", target)))
            found, tail = set(), b""
            with archive.open(member) as stream:
                while chunk := stream.read(1 << 20):
                    buffer = tail + chunk
                    found.update(m.group(1).decode() for m in pattern.finditer(buffer))
                    tail = buffer[-512:]
    except (KeyError, StopIteration, zipfile.BadZipFile, ElementTree.ParseError, OSError):
        return []
    from openpyxl.utils.cell import range_boundaries

    return sorted(range_boundaries(ref if ":" in ref else f"{ref}:{ref}") for ref in found)


def _apply_merges(grid: _Grid, data_start: int, count_cols) -> None:
    """Give every cell of a merged range the value of its top-left cell, as the sheet shows it.

    A merged range over count cells of data rows (index >= ``data_start``) is refused: one
    printed number cannot be given to several rows or columns without double counting.
    """
    count_cols = set(count_cols)
    for c0, r0, c1, r1 in grid.merged:
        if r1 - 1 >= data_start and any(c - 1 in count_cols for c in range(c0, c1 + 1)):
            if (c0, r0) != (c1, r1):
                ref = f"{_column_letter(c0 - 1)}{r0}:{_column_letter(c1 - 1)}{r1}"
                raise grid.error(
                    SchemaError,
                    f"the count cells {ref} are merged; a merged number cannot be given to one "
                    f"row and column. Unmerge them and write each count in its own cell",
                    row=max(r0 - 1, data_start), col=c0 - 1,
                )
            continue
        if r0 - 1 >= len(grid.rows) or c0 - 1 >= len(grid.rows[0]):
            continue
        value = grid.rows[r0 - 1][c0 - 1]
        for r in range(r0 - 1, min(r1, len(grid.rows))):
            for c in range(c0 - 1, min(c1, len(grid.rows[r]))):
                grid.rows[r][c] = value


def _workbook_grids(path: Path, sheet: str | None):
    """(sheet name, rows) of the requested sheet, or of every sheet in workbook order."""
    try:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise DataError(f"cannot open the workbook ({exc}); is it an .xlsx file?",
                        path=path) from None
    try:
        names = list(book.sheetnames)
        if sheet is not None and sheet not in names:
            raise DataError(f"no sheet '{sheet}' in the workbook; its sheets are {names}",
                            path=path)
        for name in [sheet] if sheet is not None else names:
            yield name, _pad(book[name].iter_rows(min_row=1, values_only=True))
    finally:
        book.close()


def _xls_grids(path: Path, sheet: str | None):
    """(sheet name, rows) of a legacy ``.xls`` workbook, read by pandas (needs xlrd)."""
    try:
        frames = pd.read_excel(path, sheet_name=sheet, header=None, dtype=object)
    except ImportError as exc:
        raise DataError(f"cannot read a legacy .xls workbook ({exc}); save it as .xlsx",
                        path=path) from None
    except ValueError as exc:
        raise DataError(f"cannot read the workbook ({exc})", path=path) from None
    if sheet is not None:
        frames = {sheet: frames}
    for name, frame in frames.items():
        rows = frame.astype(object).where(frame.notna(), None).values.tolist()
        yield name, _pad(rows)


def _decode(path: Path, encoding: str | None) -> str:
    """The text of a file: UTF-8 (BOM or not; UTF-16 with a BOM), else Windows-1252/Latin-1."""
    raw = path.read_bytes()
    if encoding is not None:
        candidates = [encoding]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8-sig", "cp1252", "latin-1"]
    for name in candidates:
        try:
            return raw.decode(name)
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}; use a Python codec name such "
                             f"as 'utf-8' or 'latin-1'") from None
        except UnicodeDecodeError as exc:
            problem = exc
    line = raw[: problem.start].count(b"\n") + 1
    raise DataError(
        f"the file is not valid {encoding} (byte {raw[problem.start]:#04x}); pass the file's "
        f"encoding (e.g. encoding='latin-1'), or leave encoding=None to let the reader choose",
        path=path, row=line,
    )


def _text_grids(path: Path, encoding: str | None):
    """(delimiter, rows, lines) of a text file, for each candidate delimiter."""
    text = _decode(path, encoding)
    for delimiter in (",", ";", "\t"):
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows, lines = [], []
        try:
            for record in reader:
                rows.append(record)
                lines.append(reader.line_num)
        except csv.Error as exc:
            raise DataError(f"cannot split the file into fields ({exc})", path=path,
                            row=reader.line_num) from None
        yield delimiter, _pad([[None if not c.strip(_BLANKS) else c for c in r] for r in rows]), lines


def _read_grid(path: Path, is_header, what: str, *, sheet=None, encoding=None,
               header_row=None):
    """The grid of the sheet (or the delimiter) whose header row satisfies ``is_header``.

    Returns ``(grid, header_index)``. Workbooks: the requested sheet, else the first sheet in
    workbook order that has such a header. Text files: the first of ``,``, ``;`` and tab that
    splits the header; a ``;``-separated file writes decimals with ``,``.
    """
    if not path.is_file():
        raise DataError("file not found; check the path", path=path)
    suffix = path.suffix.lower()
    tried = []
    if suffix in (".xlsx", ".xlsm", ".xls"):
        grids = (_xls_grids if suffix == ".xls" else _workbook_grids)(path, sheet)
        for name, rows in grids:
            grid = _Grid(path, name, rows)
            header = _locate(grid, is_header, what, header_row)
            if header is not None:
                if suffix != ".xls":
                    grid.merged = _merged_ranges(path, name)
                return grid, header
            tried.append(f"sheet '{name}'")
    else:
        if sheet is not None:
            raise InputError(f"sheet={sheet!r} applies to workbooks; {path.name} is a text file")
        for delimiter, rows, lines in _text_grids(path, encoding):
            grid = _Grid(path, None, rows, "," if delimiter == ";" else ".", lines)
            header = _locate(grid, is_header, what, header_row)
            if header is not None:
                return grid, header
            tried.append(f"fields separated by {delimiter!r}")
    searched = (f"row {header_row}" if header_row is not None
                else f"the first {HEADER_SEARCH_ROWS} rows")
    raise SchemaError(
        f"no header row of {what} in {searched} (tried {', '.join(tried) or 'no sheet'}); "
        f"is this the right file?", path=path, row=header_row,
    )


def _locate(grid: _Grid, is_header, what, header_row):
    """Header index in ``grid`` (searched, or checked at ``header_row``), or None."""
    if header_row is None:
        return _find_header(grid.rows, is_header)
    i = header_row - 1
    if 0 <= i < len(grid.rows) and is_header([_label(v) for v in grid.rows[i]]):
        return i
    where = f"sheet '{grid.sheet}'" if grid.sheet is not None else "the file"
    raise SchemaError(
        f"row {header_row} of {where} is not a header row of {what}; is row {header_row} the "
        f"header row of {where}? (leave header_row=None to let the reader find it)",
        path=grid.path, row=header_row,
    )


def _years_written(texts) -> set:
    """Four-digit years in texts such as a title, a sheet name or 'POP/DB/MIG/Stock/Rev.2024'."""
    return {int(y) for t in texts for y in re.findall(r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])", t)}


# --------------------------------------------------------------------------- UN DESA


def _is_undesa_header(labels) -> bool:
    return (any(v.startswith("location code of destination") for v in labels)
            and any(v.startswith("location code of origin") for v in labels))


def _sex_of(label: str):
    """The sex of a block label of the UN DESA workbook (``Both sexes``, ``Males``, ...)."""
    if re.search(r"\bboth sexes\b|^total\b", label):
        return "total"
    if re.search(r"\b(?:females?|women)\b", label):
        return "female"
    if re.search(r"\b(?:males?|men)\b", label):
        return "male"
    return None


def _undesa_edition_in_title(grid: _Grid, header: int):
    """(edition, cell text, row, col) written in the title block, e.g. 'Rev.2024', or None."""
    pattern = re.compile(r"(?:rev\.?\s*|international migrant stock\s*)((?:19|20)[0-9]{2})")
    for i in range(header):
        for j, value in enumerate(grid.rows[i]):
            if isinstance(value, str):
                match = pattern.search(" ".join(value.split()).lower())
                if match:
                    return int(match.group(1)), value.strip(), i, j
    return None


def _m49(grid: _Grid, i: int, j: int, column: str) -> int:
    """A location-code cell as an int, or a located SchemaError."""
    value = grid.rows[i][j]
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    if isinstance(value, str) and _DIGITS.fullmatch(_label(value)):
        return int(_label(value))
    raise grid.error(SchemaError, f"{value!r} is not an M49 location code (a whole number)",
                     row=i, col=j, column=column)


def read_undesa_bilateral_workbook(
    path: str | os.PathLike, edition: int, *, sheet: str = "Table 1", header_row: int | None = None
) -> pd.DataFrame:
    """Read a UN DESA bilateral migrant-stock workbook (2020 or 2024 edition) into long form.

    The header row is found by its ``Location code of destination`` and ``Location code of
    origin`` labels; each year column by its label, and its sex by the block label above it
    (``Both sexes``, ``Male``, ``Female``, merged over the block) or, when the sheet has no
    such row, by the order of the repeated years (both sexes, males, females, as published).
    Counts are read in the publisher's formats (``1,104``, ``136674*``, ``..``, ``-``; see
    the module docstring).

    Parameters
    ----------
    path : str or os.PathLike
        The official ``.xlsx`` workbook (*International Migrant Stock*, destination and origin).
    edition : int
        2020 or 2024 (keys of :data:`UNDESA_YEARS`); older editions use another layout. It must
        agree with the edition the workbook states (its year columns and the ``Rev.YYYY`` or
        ``International Migrant Stock YYYY`` text of its title block).
    sheet : str, default "Table 1"
        Sheet holding the bilateral table.
    header_row : int, optional
        1-based row of the column headers (row 11 in the official files); by default the row is
        found by its labels within the first :data:`HEADER_SEARCH_ROWS` rows.

    Returns
    -------
    pandas.DataFrame
        The columns of the curated ``undesa_ims_bilateral`` table: ``edition``, ``year``,
        ``sex`` (``total``, ``male``, ``female``), ``orig`` (country of birth), ``dest``
        (country of residence), ``stock`` (persons, nullable integer), for ordered pairs of the
        15 economies, matched on the M49 codes (so spelling does not matter), sorted by
        ``edition, year, sex, orig, dest``. Aggregates and self-pairs are dropped; missing
        (``..``, ``-``) stays missing.

    Raises
    ------
    mixedmig.errors.InputError
        If ``edition`` is not supported.
    mixedmig.errors.DataError
        If the file does not exist, is not a workbook or has no such sheet; if the workbook is
        another edition than ``edition`` (its year columns or title block say so); if a count
        is negative or not a number in the publisher's formats; if an ordered pair of
        economies appears on two rows; or if males + females differ from both sexes by more
        than rounding (1 person) in a row and year (misaligned columns). Cell, row and column
        are given.
    mixedmig.errors.SchemaError
        If no header row with the location-code columns is found (or ``header_row`` is not
        one); if a year column is missing, repeated or has no sex; if a row holds counts but a
        location-code cell is blank (a merged cell is read as its top-left value); if a code is
        not a number; or if count cells are merged.

    See Also
    --------
    mixedmig.countries.to_iso3 : the M49 codes of the 15 economies.

    Examples
    --------
    A made-up one-row workbook in the official 2024 layout (title block, sex blocks on row 10,
    header on row 11; the figures are invented):

    >>> import os, tempfile, openpyxl
    >>> from mixedmig import data
    >>> years = data.UNDESA_YEARS[2024]
    >>> book = openpyxl.Workbook()
    >>> sheet = book.active
    >>> sheet.title = "Table 1"
    >>> sheet["A1"] = "International Migrant Stock 2024 (made-up example)"
    >>> for col, label in ((8, "Both sexes"), (16, "Male"), (24, "Female")):
    ...     _ = sheet.cell(row=10, column=col, value=label)
    >>> sheet.append(["Index", "Region, development group, country or area of destination",
    ...               "Coverage", "Data type", "Location code of destination",
    ...               "Region, development group, country or area of origin",
    ...               "Location code of origin"] + list(years) * 3)
    >>> sheet.append([1, "Thailand*", "", "B R", 764, "Myanmar", 104]
    ...              + ["1,000"] * 8 + [600] * 8 + ["400*"] * 8)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "ims.xlsx")
    ...     book.save(path)
    ...     table = data.read_undesa_bilateral_workbook(path, edition=2024)
    >>> table[table["year"] == 2024]
        edition  year     sex orig dest  stock
    21     2024  2024  female  MMR  THA    400
    22     2024  2024    male  MMR  THA    600
    23     2024  2024   total  MMR  THA   1000
    """
    path = Path(path)
    if edition not in UNDESA_YEARS:
        raise InputError(
            f"edition {edition} is not supported by this reader; supported: "
            f"{sorted(UNDESA_YEARS)} (2019 and older editions use a wide matrix layout)"
        )
    if path.suffix.lower() not in (".xlsx", ".xlsm") and path.is_file():
        raise DataError("not an .xlsx workbook; the UN DESA bilateral table is published as "
                        ".xlsx (open and save a converted copy as .xlsx)", path=path)
    grid, h = _read_grid(path, _is_undesa_header, "the UN DESA bilateral table (columns "
                         "'Location code of destination' and 'Location code of origin')",
                         sheet=sheet, header_row=header_row)
    labels = [_label(v) for v in grid.rows[h]]
    titles = [" ".join(str(v).split()) if v is not None else "" for v in grid.rows[h]]
    dest_col = next(j for j, v in enumerate(labels) if v.startswith("location code of destination"))
    orig_col = next(j for j, v in enumerate(labels) if v.startswith("location code of origin"))
    year_cols = [(j, int(v)) for j, v in enumerate(labels) if _YEAR.fullmatch(v)]
    _apply_merges(grid, h + 1, [j for j, _ in year_cols])

    # the edition the workbook states, against the argument
    expected = list(UNDESA_YEARS[edition])
    found = sorted({y for _, y in year_cols})
    if found != expected:
        match = [e for e, ys in UNDESA_YEARS.items() if list(ys) == found]
        hint = (f"those of the {match[0]} edition; pass edition={match[0]}" if match
                else f"edition {edition} has {expected}")
        raise grid.error(DataError, f"the header's year columns are {found}: {hint}", row=h)
    stated = _undesa_edition_in_title(grid, h)
    if stated is not None and stated[0] != edition:
        raise grid.error(
            DataError,
            f"the workbook states it is the {stated[0]} edition ({stated[1]!r}), but "
            f"edition={edition} was passed; pass edition={stated[0]}",
            row=stated[2], col=stated[3],
        )

    # the sex of each year column: block labels in one of the three rows above the header
    # (merged over the block, so read from the left), else the published order
    above, labelled, sex_row = [], False, h
    for k in range(h - 1, max(h - 4, -1), -1):
        above = [_sex_of(_label(v)) for v in grid.rows[k]]
        if any(above[j] for j, _ in year_cols):
            labelled, sex_row = True, k
            break
    slots, current, seen = {}, None, {}
    for j, year in year_cols:
        if labelled:
            current = above[j] or current
            if current is None:
                raise grid.error(SchemaError, f"the year column {year} has no sex label (Both "
                                 f"sexes, Male, Female) above it", row=sex_row, col=j)
            sex = current
        else:
            k = seen.get(year, 0)
            seen[year] = k + 1
            if k >= len(UNDESA_SEXES):
                raise grid.error(SchemaError, f"the year {year} heads more than three columns "
                                 f"(both sexes, males, females)", row=h, col=j)
            sex = UNDESA_SEXES[k]
        if (sex, year) in slots:
            raise grid.error(
                SchemaError,
                f"two columns for {year} ({sex}): {_column_letter(slots[(sex, year)])} and "
                f"{_column_letter(j)}; each year appears once per sex", row=h, col=j,
            )
        slots[(sex, year)] = j
    for sex in UNDESA_SEXES:
        for year in expected:
            if (sex, year) not in slots:
                raise grid.error(SchemaError, f"no column for {year} ({sex}) in the header row",
                                 row=h)

    # the rows: located codes, no blank key beside counts, no duplicate pair
    count_cols = sorted(slots.values())
    kept, first_row = [], {}
    for i in range(h + 1, len(grid.rows)):
        row = grid.rows[i]
        for j in (dest_col, orig_col):
            if _is_blank(row[j]):
                if any(not _is_blank(row[c]) for c in count_cols):
                    raise grid.error(
                        SchemaError,
                        f"the row holds counts but its '{titles[j]}' cell is blank; write the "
                        f"M49 code in every row (a merged cell is read as its top-left value)",
                        row=i, col=j, column=titles[j],
                    )
                break
        else:
            dest = _m49(grid, i, dest_col, titles[dest_col])
            orig = _m49(grid, i, orig_col, titles[orig_col])
            if dest in _M49_TO_ISO3 and orig in _M49_TO_ISO3 and dest != orig:
                if (dest, orig) in first_row:
                    raise grid.error(
                        DataError,
                        f"the pair destination {dest} / origin {orig} is also on row "
                        f"{grid.row_number(first_row[(dest, orig)])}; each pair appears once "
                        f"(remove the duplicate row)", row=i, col=orig_col, column=titles[orig_col],
                    )
                first_row[(dest, orig)] = i
                kept.append((i, _M49_TO_ISO3[orig], _M49_TO_ISO3[dest]))

    records = []
    for i, orig, dest in kept:
        stock = {key: grid.count(i, j, f"{key[1]} ({key[0]})") for key, j in slots.items()}
        for year in expected:
            total, male, female = (stock[(s, year)] for s in UNDESA_SEXES)
            if None not in (total, male, female) and abs(male + female - total) > 1:
                raise grid.error(
                    DataError,
                    f"males {male:,} + females {female:,} = {male + female:,}, but both sexes = "
                    f"{total:,} for {year}; the year or sex columns may be misaligned",
                    row=i, col=slots[("total", year)], column=f"{year} (total)",
                )
        records += [(edition, year, sex, orig, dest, stock[(sex, year)])
                    for (sex, year) in slots]
    long = pd.DataFrame.from_records(
        records, columns=["edition", "year", "sex", "orig", "dest", "stock"]
    )
    for column in ("edition", "year", "stock"):
        long[column] = long[column].astype("Int64")
    long["sex"] = long["sex"].astype(object)
    for column in ("orig", "dest"):
        long[column] = long[column].astype(object)
    return long.sort_values(["edition", "year", "sex", "orig", "dest"]).reset_index(drop=True)


# --------------------------------------------------------------------------- World Bank


#: Aggregate rows and columns of the World Bank matrix, dropped by the reader.
WORLD_BANK_AGGREGATES = ("Other North", "Other South", "World")
_WB_AGGREGATE_LABELS = {a.lower() for a in WORLD_BANK_AGGREGATES}


def _is_worldbank_header(labels) -> bool:
    if not labels:
        return False
    corner = labels[0]
    if ("source country" in corner or "destination country" in corner) and sum(
            bool(v) for v in labels[1:]) >= 2:
        return True
    return "world" in labels[1:] and sum(bool(v) for v in labels[1:]) >= 3


def _resolve_name(name: str):
    try:
        return countries.to_iso3(name)
    except UnknownCountryError:
        return None


def read_worldbank_matrix(
    path: str | os.PathLike, year: int, *, keep_all: bool = False, sheet: str | None = None,
    encoding: str | None = None,
) -> pd.DataFrame:
    """Read the World Bank / KNOMAD bilateral migration matrix into ``orig, dest, migrants``.

    The header row is the first row (within :data:`HEADER_SEARCH_ROWS`) whose corner cell
    names the layout (``Destination country (across) - Source country (down)``) or that holds a
    ``World`` column; in a workbook, the first sheet with such a row is read (a notes sheet
    placed first is skipped); a text file may be separated by ``,``, ``;`` (decimals then
    written with ``,``) or tabs. Counts are read in the publisher's formats (see the module
    docstring). Rows below the matrix whose first cell is not an economy and which hold no
    numbers (the ``Notes:`` block) are skipped.

    Parameters
    ----------
    path : str or os.PathLike
        The official ``.xlsx`` (title on row 1, header on row 2) or a CSV of the same matrix.
        Source (origin) countries run down the rows, destinations across the columns.
    year : int
        Vintage of the matrix (2013, 2017), written into the ``year`` column. It must agree
        with a year the file states in its title or sheet name (``Bilateral Estimates of
        Migrant Stocks in 2013``).
    keep_all : bool, default False
        Keep pairs whose names are outside the 15 economies (their ISO3 is then missing) and
        self-pairs, with the published names in ``orig_name`` and ``dest_name``.
    sheet : str, optional
        Sheet of a workbook to read; by default the first sheet holding the matrix.
    encoding : str, optional
        Encoding of a text file; by default UTF-8, else Windows-1252 or Latin-1 (see the module
        docstring).

    Returns
    -------
    pandas.DataFrame
        Columns ``year``, ``orig``, ``dest`` (ISO3), ``migrants`` (persons, nullable integer),
        plus ``orig_name``, ``dest_name`` when ``keep_all``; sorted by ``orig, dest``. The
        aggregates ``Other North``, ``Other South`` and ``World`` are dropped; names are
        resolved with :func:`mixedmig.countries.to_iso3`.

    Raises
    ------
    mixedmig.errors.InputError
        If ``sheet`` is given for a text file, or ``encoding`` is not a known codec.
    mixedmig.errors.DataError
        If the file does not exist, cannot be opened or decoded (``encoding`` given), or has no
        such sheet; if the file states another year than ``year``; if a count is negative or
        not a number in the publisher's formats; or if a ``World`` total differs from the sum
        of its row or column by more than rounding (half a person per cell). Cell, row and
        column are given.
    mixedmig.errors.SchemaError
        If no sheet or delimiter gives a header row; if a destination or source name is
        repeated; if a row holds counts but its name cell is blank, or a cell holds a value in
        a column without a destination name; if count cells are merged; or if, without
        ``keep_all``, no pair of the 15 economies is found (a table that would be empty).

    Examples
    --------
    A made-up 2 x 2 matrix in the official CSV layout:

    >>> import os, tempfile
    >>> from mixedmig import data
    >>> text = ("Bilateral Migration Matrix (made-up)\\n"
    ...         "Source,Lao PDR,Thailand,World\\n"
    ...         "Lao PDR,0,\\"1,000\\",1000\\n"
    ...         "Thailand,20,0,20\\n")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "matrix.csv")
    ...     with open(path, "w") as f:
    ...         _ = f.write(text)
    ...     data.read_worldbank_matrix(path, 2013)
       year orig dest  migrants
    0  2013  LAO  THA      1000
    1  2013  THA  LAO        20
    """
    path = Path(path)
    grid, h = _read_grid(path, _is_worldbank_header, "a bilateral migration matrix (a corner "
                         "cell 'Destination country (across) - Source country (down)' or a "
                         "'World' column)", sheet=sheet, encoding=encoding)
    header = grid.rows[h]
    corner = _name(header[0]) or "source country"

    # the vintage the file states, against the argument
    texts = [grid.sheet or ""] + [str(v) for r in grid.rows[:h] for v in r if isinstance(v, str)]
    stated = _years_written(t for t in texts if "migra" in t.lower())
    if stated and year not in stated:
        raise grid.error(DataError, f"the file states the year(s) {sorted(stated)} in its "
                         f"title, but year={year} was passed; pass year={min(stated)}")

    dest_cols = [(j, _name(header[j])) for j in range(1, len(header)) if _name(header[j])]
    _apply_merges(grid, h + 1, [j for j, _ in dest_cols])
    dest_cols = [(j, _name(grid.rows[h][j])) for j in range(1, len(header)) if _name(grid.rows[h][j])]
    by_label = {}
    for j, name in dest_cols:
        if name.lower() in by_label:
            raise grid.error(SchemaError, f"the destination {name!r} heads two columns "
                             f"({_column_letter(by_label[name.lower()])} and "
                             f"{_column_letter(j)}); each destination appears once", row=h, col=j)
        by_label[name.lower()] = j
    dest_set = {j for j, _ in dest_cols}

    resolved = {}

    def resolve(name):
        if name not in resolved:
            resolved[name] = _resolve_name(name)
        return resolved[name]

    sources, source_row = [], {}
    for i in range(h + 1, len(grid.rows)):
        row = grid.rows[i]
        name = _name(row[0])
        filled = [j for j in range(1, len(row)) if not _is_blank(row[j])]
        if not name:
            if filled:
                raise grid.error(SchemaError, "the row holds values but its source-country cell "
                                 "is blank; write the name in every row", row=i, col=0,
                                 column=corner)
            continue
        if not filled and name.lower() not in _WB_AGGREGATE_LABELS and resolve(name) is None:
            continue  # a note below the matrix ("Notes:", sources)
        stray = [j for j in filled if j not in dest_set]
        if stray:
            raise grid.error(SchemaError, f"a value {row[stray[0]]!r} in a column without a "
                             f"destination name in the header row (row {grid.row_number(h)})",
                             row=i, col=stray[0])
        if name.lower() in source_row:
            raise grid.error(SchemaError, f"the source {name!r} is also on row "
                             f"{grid.row_number(source_row[name.lower()])}; each source "
                             f"appears once", row=i, col=0, column=corner)
        source_row[name.lower()] = i
        sources.append((i, name))

    values = {(i, j): grid.count(i, j, name) for i, _ in sources for j, name in dest_cols}

    # the World row and column are totals of the published matrix
    world_i = source_row.get("world")
    world_j = by_label.get("world")
    if world_i is not None:
        for j, name in dest_cols:
            if j != world_j:
                parts = [values[(i, j)] for i, _ in sources if i != world_i]
                _total_error(grid, _check_total(parts, values[(world_i, j)]),
                             values[(world_i, j)], world_i, j, name, "column")
    if world_j is not None:
        for i, name in sources:
            if i != world_i:
                parts = [values[(i, j)] for j, _ in dest_cols if j != world_j]
                _total_error(grid, _check_total(parts, values[(i, world_j)]),
                             values[(i, world_j)], i, world_j, "World", "row")

    records = []
    for i, orig_name in sources:
        if orig_name.lower() in _WB_AGGREGATE_LABELS:
            continue
        for j, dest_name in dest_cols:
            if dest_name.lower() in _WB_AGGREGATE_LABELS:
                continue
            orig, dest = resolve(orig_name), resolve(dest_name)
            if not keep_all and (orig is None or dest is None or orig == dest):
                continue
            records.append((year, orig, dest, values[(i, j)], orig_name, dest_name))
    if not records:
        raise grid.error(
            SchemaError,
            "no pair of the 15 economies was recognised in the header row and the first column "
            "(World Bank names such as 'Lao PDR', 'Vietnam'); is this the bilateral matrix? "
            "(keep_all=True keeps every published name)" if not keep_all else
            "the matrix has no cells below its header row", row=h,
        )
    long = pd.DataFrame.from_records(
        records, columns=["year", "orig", "dest", "migrants", "orig_name", "dest_name"]
    )
    long["migrants"] = long["migrants"].astype("Int64")
    ordered = ["year", "orig", "dest", "migrants"] + (["orig_name", "dest_name"] if keep_all else [])
    return long[ordered].sort_values(["orig", "dest"], na_position="last",
                                     kind="stable").reset_index(drop=True)


def _total_error(grid, problem, total, i, j, column, line):
    """Raise the located DataError of a total that disagrees with its parts."""
    if problem is None:
        return
    known, n = problem
    raise grid.error(
        DataError,
        f"the total {total:,} disagrees with the sum of the {n} values of its {line} "
        f"({known:,}) by more than rounding; rows or columns may be shifted or a value "
        f"mistyped", row=i, col=j, column=column,
    )


# --------------------------------------------------------------------------- UNHCR


#: Columns of the Refugee Data Finder export, mapped to the reader's names.
UNHCR_COLUMNS = {
    "Year": "year",
    "Country of origin": "orig_name",
    "Country of origin (ISO)": "orig",
    "Country of asylum": "asylum_name",
    "Country of asylum (ISO)": "asylum",
    "Refugees under UNHCR's mandate": "refugees",
    "Asylum-seekers": "asylum_seekers",
}
#: Columns of the ``refugees`` data package, mapped to the reader's names.
UNHCR_PACKAGE_COLUMNS = {
    "year": "year",
    "coo_name": "orig_name",
    "coo_iso": "orig",
    "coa_name": "asylum_name",
    "coa_iso": "asylum",
    "refugees": "refugees",
    "asylum_seekers": "asylum_seekers",
}
_UNHCR_COUNTS = ("refugees", "asylum_seekers")


def _is_unhcr_header(labels) -> bool:
    return bool(labels) and labels[0] == "year" and sum(bool(v) for v in labels) >= 2


def read_unhcr_population(
    path: str | os.PathLike, *, involving=None, encoding: str | None = None
) -> pd.DataFrame:
    """Read a UNHCR population table into ``year, orig, asylum, refugees, asylum_seekers``.

    The header is the first row (within :data:`HEADER_SEARCH_ROWS`, after the export's
    preamble) whose first cell is ``Year``; columns are matched by their labels (case and
    spacing ignored), fields may be separated by ``,``, ``;`` or tabs. Years may carry footnote
    marks (``2024*``); counts are read in the publisher's formats (``-`` = missing; see the
    module docstring). Rows whose first cell is not a year and which hold no counts (footnotes,
    source lines) are skipped; a ``Total`` row is checked against the sum of the rows.

    Parameters
    ----------
    path : str or os.PathLike
        A Refugee Data Finder CSV export (columns of :data:`UNHCR_COLUMNS`, after a preamble)
        or a table with the ``refugees`` data-package columns (:data:`UNHCR_PACKAGE_COLUMNS`);
        an ``.xlsx`` copy is read the same way.
    involving : iterable of str, optional
        ISO3 codes; keep only rows whose origin or asylum country is one of them.
    encoding : str, optional
        Encoding of a text file; by default UTF-8 (with or without a byte-order mark), else
        Windows-1252 or Latin-1, so an export re-saved by a spreadsheet program is read.

    Returns
    -------
    pandas.DataFrame
        Columns ``year`` (Int64), ``orig_name``, ``orig``, ``asylum_name``, ``asylum`` (the
        ISO3 columns of the file: UNHCR's own codes such as MYA are not used), ``refugees`` and
        ``asylum_seekers`` (persons, nullable integers; ``-`` = missing), sorted by
        ``year, orig, asylum``.

    Raises
    ------
    mixedmig.errors.InputError
        If ``encoding`` is not a known codec.
    mixedmig.errors.DataError
        If the file does not exist or cannot be decoded with the given ``encoding``; if a
        count is negative or not a number in the publisher's formats; if a (year, origin,
        asylum) row appears twice; or if a ``Total`` row disagrees with the sum of the rows.
        Line and column are given.
    mixedmig.errors.SchemaError
        If no header row starts with ``Year``, a column is missing, a year is not a number, a
        row holds counts but no year, an ISO3 cell is not three capital letters (a name with an
        unquoted delimiter shifts the columns), or a row has more fields than the header
        (line and column given).

    Examples
    --------
    A made-up two-row export:

    >>> import os, tempfile
    >>> from mixedmig import data
    >>> text = ("Extracted: made-up example\\n\\n"
    ...         "Year,Country of origin,Country of origin (ISO),Country of asylum,"
    ...         "Country of asylum (ISO),Refugees under UNHCR's mandate,Asylum-seekers\\n"
    ...         "2020,Myanmar,MMR,Thailand,THA,100,5\\n"
    ...         "2020,Viet Nam,VNM,Japan,JPN,7,-\\n")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "unhcr.csv")
    ...     with open(path, "w") as f:
    ...         _ = f.write(text)
    ...     table = data.read_unhcr_population(path, involving=["THA"])
    >>> table[["year", "orig", "asylum", "refugees", "asylum_seekers"]]
       year orig asylum  refugees  asylum_seekers
    0  2020  MMR    THA       100               5
    """
    path = Path(path)
    grid, h = _read_grid(path, _is_unhcr_header, "a UNHCR population export (first column "
                         "'Year')", encoding=encoding)
    labels = [_label(v) for v in grid.rows[h]]
    package = "coo_iso" in labels or "coo_name" in labels
    mapping = UNHCR_PACKAGE_COLUMNS if package else UNHCR_COLUMNS
    wanted = {_label(k): v for k, v in mapping.items()}
    position = {}
    for j, label in enumerate(labels):
        if label in wanted and wanted[label] not in position:
            position[wanted[label]] = j
    missing = [k for k in mapping if mapping[k] not in position]
    if missing:
        raise grid.error(SchemaError, f"missing column(s) {missing} in the UNHCR export",
                         row=h, column=missing[0])
    width = max(j for j, v in enumerate(labels) if v) + 1
    year_col = position["year"]

    records, lines, first_line, totals_row = [], [], {}, None
    for i in range(h + 1, len(grid.rows)):
        row = grid.rows[i]
        if all(_is_blank(v) for v in row):
            continue
        cell = row[year_col]
        text = "" if _is_blank(cell) else str(cell).strip(_BLANKS)
        if _label(text).startswith("total"):
            totals_row = i
            continue
        numeric_cell = isinstance(cell, numbers.Real) and not isinstance(cell, bool)
        if not numeric_cell and not text[:1].isdigit():
            # a note's text may spill into the count columns; a blank year may not sit beside
            # anything but missing-value marks
            holds_counts = any(
                (_safe_count(row[position[c]], grid.decimal) is not None) if text
                else not _is_blank(row[position[c]])
                and str(row[position[c]]).strip(_BLANKS) not in MISSING_MARKS
                for c in _UNHCR_COUNTS
            )
            if holds_counts:
                raise grid.error(
                    SchemaError,
                    f"the row holds counts but its year cell is {text or 'blank'!r}; write the "
                    f"year in every row", row=i, col=year_col, column="year",
                )
            continue  # a footnote or source line
        extra = [j for j in range(width, len(row)) if not _is_blank(row[j])]
        if extra:
            raise grid.error(
                SchemaError,
                f"the row has a value ({row[extra[0]]!r}) beyond the header's {width} columns; "
                f"a name containing the delimiter must be quoted", row=i, col=extra[0],
            )
        year = _parse_year(cell)
        if year is None:
            raise grid.error(SchemaError, f"{text!r} is not a year; the column must hold whole "
                             f"numbers", row=i, col=year_col, column="year")
        record = {"year": year}
        for key in ("orig_name", "asylum_name"):
            record[key] = _name(row[position[key]])
        for key in ("orig", "asylum"):
            code = "" if _is_blank(row[position[key]]) else str(row[position[key]]).strip(_BLANKS)
            if code not in ("", "-") and not _ISO3.fullmatch(code):
                raise grid.error(
                    SchemaError,
                    f"{code!r} is not an ISO3 code (three capital letters); the columns may be "
                    f"shifted by a name containing an unquoted delimiter", row=i,
                    col=position[key], column=key,
                )
            record[key] = code
        for key in _UNHCR_COUNTS:
            record[key] = grid.count(i, position[key], key)
        identity = tuple(record[k] for k in ("year", "orig_name", "orig", "asylum_name", "asylum"))
        if identity in first_line:
            raise grid.error(
                DataError,
                f"the row {identity} is also on line {grid.row_number(first_line[identity])}; "
                f"each (year, origin, asylum) appears once (remove the duplicate)",
                row=i, col=year_col, column="year",
            )
        first_line[identity] = i
        records.append(record)
        lines.append(i)

    if totals_row is not None:
        for key in _UNHCR_COUNTS:
            total = grid.count(totals_row, position[key], key)
            problem = _check_total([r[key] for r in records], total)
            if problem is not None:
                _total_error(grid, problem, total, totals_row, position[key], key, "column")
    frame = pd.DataFrame.from_records(
        records, columns=["year", "orig_name", "orig", "asylum_name", "asylum", *_UNHCR_COUNTS]
    )
    for column in ("year", *_UNHCR_COUNTS):
        frame[column] = frame[column].astype("Int64")
    if involving is not None:
        codes = set(involving)
        frame = frame[frame["orig"].isin(codes) | frame["asylum"].isin(codes)]
    return frame.sort_values(["year", "orig", "asylum"], kind="stable").reset_index(drop=True)


def _safe_count(value, decimal):
    """The count of a cell, or None when it is missing or not a count at all."""
    try:
        return _parse_count(value, decimal)
    except DataError:
        return None
