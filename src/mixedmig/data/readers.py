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
- UN DESA *International Migrant Stock* 2017/2019 bilateral workbook (wide): sheets ``Table 1``
  (both sexes), ``Table 2`` (males), ``Table 3`` (females); header on row 16 (the origin
  names); one row per (year, destination): year, sort order, destination name, notes, M49
  code, type of data, then ``Total``, ``Other North``, ``Other South`` and one column per
  origin name. Destinations are matched on their codes, origins on their names.
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
  count, a decimal written as text (``12.5``), a date, a true/false cell, words -- raises
  :class:`~mixedmig.errors.DataError`.
- **Ambiguous separators.** Text with the file's decimal mark followed by exactly three digits
  after one to three digits (``12.000``, ``1.104`` where ``.`` is the decimal mark;
  ``12,000`` in a ``;``-separated file, whose decimal mark is ``,``) reads as a decimal
  fraction or as a thousands group, a factor of 1,000 apart, and is refused (located
  :class:`~mixedmig.errors.DataError` saying how to rewrite it). The reading is taken as
  known only when the cell itself settles it: thousands groups of the other separator
  (``1,234.000`` = 1234), four or more integer digits (``1234.000``, not a thousands group)
  or a leading zero (``0.000``). The thousands separator of the file's convention (``1,104``
  where ``.`` is the decimal mark) is read as such; a number stored as a number is never
  ambiguous.
- **Formulas.** A workbook cell holding a formula without a stored value (a workbook written
  by a script, never opened and saved by a spreadsheet program) is refused, wherever it is in
  the sheet read, with a located DataError: the readers read stored values and never compute
  formulas, so such a cell would otherwise be a silently missing number.
- **Checks.** The edition or vintage written in the file (title block, sheet name, year
  columns) must agree with the argument; duplicate keys, a repeated column label, a key cell
  left blank in a row that holds counts (a merged cell counts as the value of its top-left
  cell), a merged count cell, a value beyond the header's last column, a row of a text file
  with fewer fields than the header (truncated) and totals that disagree with their parts (UN
  DESA: males + females = both sexes, and both sexes given wherever a sex is; World Bank: the
  ``World`` row and column; UNHCR: a ``Total`` row) raise an error. Totals are checked on the
  values as stored, before rounding: whole values must add up exactly (the official World
  Bank 2013 file and UN DESA 2024 figures do); when a stored value is not whole, the gap may
  be at most half a person, a fixed bound that does not grow with the number of parts.
- **Encodings.** Text files are read as UTF-8 (with or without a byte-order mark); a file that
  is not valid UTF-8 is read as Windows-1252, or Latin-1 when not valid Windows-1252 (numbers
  and ISO3 codes are ASCII, so only accented names depend on the guess); pass ``encoding=`` to
  choose.

Only economies of ``mixedmig.countries`` are kept by the bilateral readers unless
``keep_all=True``; unknown names are reported, never guessed. A file that is missing raises
:class:`~mixedmig.errors.DataError`; a file that does not have the expected layout raises
:class:`~mixedmig.errors.SchemaError`; a bad value raises :class:`~mixedmig.errors.DataError`.
Every message names the file and, where it applies, the sheet, the row, the cell and the
column, and says how to fix it; the error's attributes say the same: ``path``, ``sheet`` (None
for a text file), ``row`` (the worksheet row, written ``row 12`` in the message, or the line of
a text file, written ``line 12``) and ``column`` (the column's label).

References
----------
UN DESA Population Division (2020, 2024). *International Migrant Stock*. United Nations.

World Bank (2013, 2017). *Bilateral Migration Matrix*. KNOMAD / World Bank.

UNHCR (2024). *Refugee Data Finder*. https://www.unhcr.org/refugee-statistics/
"""

from __future__ import annotations

import codecs
import csv
import decimal
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
    "UNHCR_OPTIONAL_COUNTS",
    "UNHCR_PACKAGE_COLUMNS",
    "UNDESA_AGGREGATE_MIN_CODE",
    "UNDESA_WIDE_SHEETS",
    "UNDESA_WIDE_YEARS",
    "WDI_FOOTER_PREFIXES",
    "WORLD_BANK_AGGREGATES",
    "read_undesa_bilateral_wide_workbook",
    "read_undesa_bilateral_workbook",
    "read_unhcr_population",
    "read_wdi",
    "read_worldbank_matrix",
    "read_wpp_population",
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
    """Digits with optional consistent thousands groups and an all-zero fraction, or None.

    A single decimal mark followed by exactly three digits after one to three digits
    (``12.000``, ``1.104`` where ``.`` is the decimal mark) is ambiguous -- a decimal fraction
    or a thousands group -- and is refused (see the module docstring), unless the cell itself
    settles it: thousands groups of the other separator (``1,234.000``), an integer part of
    four or more digits (``1234.000``) or a leading zero (``0.000``).
    """
    thousands = "," if decimal == "." else "."
    integer, mark, fraction = body.partition(decimal)
    if mark:
        if not _DIGITS.fullmatch(fraction):
            return None
        if len(fraction) == 3 and re.fullmatch(r"[1-9][0-9]{0,2}", integer):
            as_decimal = (f"the whole number {int(integer):,}" if not fraction.strip("0")
                          else f"{integer}.{fraction}, not a whole number of persons")
            grouped = int(integer + fraction)
            raise DataError(
                f"{body!r} is ambiguous: with {decimal!r} as the decimal mark of this file it is "
                f"{as_decimal}; with {decimal!r} as a thousands separator it is {grouped:,}. "
                f"Write the count without separators ({grouped} or {int(integer)}), with "
                f"{thousands!r} or a space between thousands, or store the cell as a number"
            )
        if fraction.strip("0"):
            raise DataError(
                f"{body!r} is not a whole number of persons ({decimal!r} is the decimal mark of "
                f"this file; write counts without decimals, and thousands with "
                f"{thousands!r} or a space)"
            )
    if _DIGITS.fullmatch(integer):
        return int(integer)
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
        If the cell is negative, not whole (as text), ambiguous between a decimal fraction and
        a thousands group (``12.000``), infinite, too large, a formula without a stored value,
        or not a number in any of the publishers' formats; without a location, which
        :meth:`_Grid.count` adds.
    """
    if value is None:
        return None
    if isinstance(value, _NoStoredValue):
        raise DataError(f"the cell holds {value.formula!r}, a {_NO_VALUE_FIX}")
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


# Largest gap accepted between a total and the sum of its parts when a stored value is not
# whole (unrounded estimates): half a person, whatever the number of parts. Whole stored
# values (every count written as text, and whole numbers) must add up exactly.
_TOTAL_TOLERANCE = 0.5


def _is_whole(value) -> bool:
    return isinstance(value, numbers.Integral) or float(value).is_integer()


def _check_total(parts, total):
    """None if ``total`` agrees with ``parts``, else ``(sum of the known parts, their number)``.

    ``parts`` and ``total`` are the values as stored in the file (:meth:`_Grid.stored`): the
    sum is taken before any rounding, so it is exact for whole counts, which must match
    exactly; when a stored value is not whole the gap may be at most ``_TOTAL_TOLERANCE``,
    a fixed bound that does not grow with the number of parts. With parts missing, the known
    parts may not exceed the total. A missing total is not checked here.
    """
    if total is None:
        return None
    known = [p for p in parts if p is not None]
    whole = all(_is_whole(v) for v in (*known, total))
    if whole:
        gap = sum(int(v) for v in known) - int(total)
        tolerance = 0
    else:
        gap = math.fsum([*known, -float(total)])
        tolerance = _TOTAL_TOLERANCE
    if len(known) == len(parts) and abs(gap) <= tolerance:
        return None
    if len(known) < len(parts) and gap <= tolerance:
        return None
    return (sum(int(v) for v in known) if whole else math.fsum(known)), len(known)


def _number_text(value) -> str:
    """A stored value for a message: ``1,104`` (whole) or ``1,104.4`` (as stored)."""
    if _is_whole(value):
        return f"{int(value):,}"
    return f"{float(value):,.4f}".rstrip("0").rstrip(".")


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


class _NoStoredValue:
    """A workbook cell holding a formula but no stored (cached) value.

    openpyxl and scripts write formulas without computing them; only a spreadsheet program
    stores their values. The reader never computes formulas, so such a cell is refused.
    """

    __slots__ = ("formula",)

    def __init__(self, formula: str):
        self.formula = formula

    def __repr__(self) -> str:
        return self.formula

    __str__ = __repr__


_NO_VALUE_FIX = ("formula without a stored value; open and save the file in Excel or "
                 "LibreOffice so the values are stored (the reader reads stored values and does "
                 "not compute formulas)")


def _located(kind, message, *, path, sheet=None, row=None, cell=None, field_no=None,
             column=None):
    """A ``kind`` error whose message and attributes name the same place.

    The attributes are ``path``, ``row`` (the worksheet row, or the line of a text file),
    ``column`` and ``sheet`` (None for a text file); the message says ``row`` for a worksheet
    row and ``line`` for a text-file line, then the cell (``R12``) or field number.
    """
    where = [f"file {path}"]
    if sheet is not None:
        where.append(f"sheet '{sheet}'")
        if cell is not None:
            where.append(f"cell {cell}")
        if row is not None:
            where.append(f"row {row}")
    else:
        if row is not None:
            where.append(f"line {row}")
        if field_no is not None:
            where.append(f"field {field_no}")
    if column is not None:
        where.append(f"column '{column}'")
    error = kind(", ".join(where) + ": " + message)
    error.path = str(path)
    error.row = row
    error.column = column
    error.sheet = sheet
    return error


@dataclass
class _Grid:
    """The cells of one sheet or text file: ``rows[i][j]``, rows padded to one width."""

    path: Path
    sheet: str | None
    rows: list
    decimal: str = "."
    lines: list | None = None  # file line of each row of a text file
    merged: list = field(default_factory=list)  # (min_col, min_row, max_col, max_row), 1-based
    widths: list | None = None  # fields of each row of a text file, before padding

    @property
    def unit(self) -> str:
        """``row`` for a worksheet, ``line`` for a text file."""
        return "row" if self.sheet is not None else "line"

    def row_number(self, i: int) -> int:
        """The 1-based worksheet row or text-file line of row index ``i``."""
        return self.lines[i] if self.lines is not None and i < len(self.lines) else i + 1

    def place(self, i: int) -> str:
        """``row 12`` of a worksheet or ``line 12`` of a text file, for row index ``i``."""
        return f"{self.unit} {self.row_number(i)}"

    def column_name(self, j: int) -> str:
        """``column R`` of a worksheet or ``field 18`` of a text file."""
        return f"column {_column_letter(j)}" if self.sheet is not None else f"field {j + 1}"

    def fields(self, i: int):
        """How many fields row ``i`` of a text file has (None for a worksheet)."""
        return self.widths[i] if self.widths is not None and i < len(self.widths) else None

    def error(self, kind, message, *, row=None, col=None, column=None):
        """A ``kind`` error naming the file, sheet, row, cell and column (see ``_located``)."""
        number = None if row is None else self.row_number(row)
        cell = (f"{_column_letter(col)}{number}" if col is not None and number is not None
                else None)
        return _located(kind, message, path=self.path, sheet=self.sheet, row=number, cell=cell,
                        field_no=None if col is None else col + 1, column=column)

    def count(self, i: int, j: int, column: str):
        """The cell ``rows[i][j]`` parsed by the one number parser; a located DataError if bad."""
        try:
            return _parse_count(self.rows[i][j], self.decimal)
        except DataError as exc:
            raise self.error(DataError, str(exc), row=i, col=j, column=column) from None

    def stored(self, i: int, j: int):
        """The cell as stored, for the totals checks: a number as is, text as parsed.

        Call after :meth:`count` has accepted the cell.
        """
        value = self.rows[i][j]
        if (isinstance(value, numbers.Real) and not isinstance(value, bool)
                and not (isinstance(value, float) and math.isnan(value))):
            return value
        return _parse_count(value, self.decimal)


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


def _sheet_member(archive: zipfile.ZipFile, sheet: str) -> str:
    """The path inside the ``.xlsx`` archive of the XML of worksheet ``sheet``."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rid = next(s.get(f"{rel}id") for s in workbook.iter(f"{main}sheet") if s.get("name") == sheet)
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next(r.get("Target") for r in rels if r.get("Id") == rid)
    return (target.lstrip("/") if target.startswith("/")
            else posixpath.normpath(posixpath.join("xl", target)))


def _scan_sheet(path: Path, sheet: str):
    """(merged ranges, whether the sheet holds formulas), read from the worksheet's XML.

    openpyxl's fast read-only mode, which the readers use for the cells, does not report merged
    cells (listed after the cells in the sheet's XML) nor, when reading stored values, which
    cells are formulas; one byte scan finds both.
    """
    pattern = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Za-z]+[0-9]+(?::[A-Za-z]+[0-9]+)?)"')
    formula = re.compile(rb"<(?:\w+:)?f[\s>/]")
    try:
        with zipfile.ZipFile(path) as archive:
            member = _sheet_member(archive, sheet)
            found, tail, formulas = set(), b"", False
            with archive.open(member) as stream:
                while chunk := stream.read(1 << 20):
                    buffer = tail + chunk
                    found.update(m.group(1).decode() for m in pattern.finditer(buffer))
                    formulas = formulas or formula.search(buffer) is not None
                    tail = buffer[-512:]
    except (KeyError, StopIteration, zipfile.BadZipFile, ElementTree.ParseError, OSError):
        return [], False
    from openpyxl.utils.cell import range_boundaries

    merged = sorted(range_boundaries(ref if ":" in ref else f"{ref}:{ref}") for ref in found)
    return merged, formulas


def _is_formula(value) -> bool:
    """True for a formula as openpyxl reads it without stored values (``=A1+1``, array)."""
    if isinstance(value, str):
        return value.startswith("=")
    return type(value).__name__ in ("ArrayFormula", "DataTableFormula")


def _mark_formulas_without_value(path: Path, sheet: str, rows: list) -> None:
    """Replace each empty cell of ``rows`` that holds a formula by a :class:`_NoStoredValue`.

    openpyxl reads a formula cell that has no stored value as an empty cell (None); reading the
    sheet a second time for its formulas tells the two apart. Done only for sheets that hold
    formulas.
    """
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        for i, formulas in enumerate(book[sheet].iter_rows(min_row=1, values_only=True)):
            for j, value in enumerate(formulas):
                if value is None or not _is_formula(value):
                    continue
                while len(rows) <= i:
                    rows.append([])
                if len(rows[i]) <= j:
                    rows[i].extend([None] * (j + 1 - len(rows[i])))
                if rows[i][j] is None:
                    text = value if isinstance(value, str) else f"={getattr(value, 'text', '')}"
                    rows[i][j] = _NoStoredValue(text)
    finally:
        book.close()


def _first_formula_without_value(grid: _Grid, header: int | None):
    """A located DataError for the first formula cell without a stored value, or None."""
    for i, row in enumerate(grid.rows):
        for j, value in enumerate(row):
            if isinstance(value, _NoStoredValue):
                column = None
                if header is not None and i > header:
                    column = " ".join(str(grid.rows[header][j] or "").split()) or None
                return grid.error(DataError, f"the cell holds {value.formula!r}, a "
                                  f"{_NO_VALUE_FIX}", row=i, col=j, column=column)
    return None


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
    """(sheet name, rows, merged ranges) of the requested sheet, or of every sheet in order.

    A formula cell without a stored value is a :class:`_NoStoredValue`, never an empty cell.
    """
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
            rows = [list(r) for r in book[name].iter_rows(min_row=1, values_only=True)]
            merged, formulas = _scan_sheet(path, name)
            if formulas:
                _mark_formulas_without_value(path, name, rows)
            yield name, _pad(rows), merged
    finally:
        book.close()


def _xls_grids(path: Path, sheet: str | None):
    """(sheet name, rows, merged ranges) of a legacy ``.xls`` workbook, read by pandas (xlrd).

    An ``.xls`` file always stores the values of its formulas, which xlrd reads.
    """
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
        yield name, _pad(rows), []


def _decode(path: Path, encoding: str | None) -> str:
    """The text of a file: UTF-8 (BOM or not; UTF-16 with a BOM), else Windows-1252/Latin-1."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":  # gzip (WPP's .csv.gz)
        import gzip

        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise DataError(f"the gzip file is damaged ({exc}); download it again",
                            path=path) from None
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
    """(delimiter, rows, lines, widths) of a text file, for each candidate delimiter.

    ``widths`` holds the number of fields of each row before the rows are padded, so that a
    truncated row can be told from a row whose last fields are empty.
    """
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
        widths = [len(r) for r in rows]
        rows = _pad([[None if not c.strip(_BLANKS) else c for c in r] for r in rows])
        yield delimiter, rows, lines, widths


def _read_grid(path: Path, is_header, what: str, *, sheet=None, encoding=None,
               header_row=None):
    """The grid of the sheet (or the delimiter) whose header row satisfies ``is_header``.

    Returns ``(grid, header_index)``. Workbooks: the requested sheet, else the first sheet in
    workbook order that has such a header. Text files: the first of ``,``, ``;`` and tab that
    splits the header; a ``;``-separated file writes decimals with ``,``. A formula cell
    without a stored value anywhere in the sheet read (or, when no sheet has the header, in a
    sheet searched) is refused with a located DataError.
    """
    if not path.is_file():
        raise DataError("file not found; check the path", path=path)
    suffix = path.suffix.lower()
    tried, unstored = [], None
    if suffix in (".xlsx", ".xlsm", ".xls"):
        grids = (_xls_grids if suffix == ".xls" else _workbook_grids)(path, sheet)
        for name, rows, merged in grids:
            grid = _Grid(path, name, rows, merged=merged)
            header = _locate(grid, is_header, what, header_row)
            problem = _first_formula_without_value(grid, header)
            if header is not None:
                if problem is not None:
                    raise problem
                return grid, header
            unstored = unstored or problem
            tried.append(f"sheet '{name}'")
        if unstored is not None:
            raise unstored
    else:
        if sheet is not None:
            raise InputError(f"sheet={sheet!r} applies to workbooks; {path.name} is a text file")
        for delimiter, rows, lines, widths in _text_grids(path, encoding):
            grid = _Grid(path, None, rows, "," if delimiter == ";" else ".", lines,
                         widths=widths)
            header = _locate(grid, is_header, what, header_row)
            if header is not None:
                return grid, header
            tried.append(f"fields separated by {delimiter!r}")
    searched = (f"row {header_row}" if header_row is not None
                else f"the first {HEADER_SEARCH_ROWS} rows")
    raise _located(
        SchemaError,
        f"no header row of {what} in {searched} (tried {', '.join(tried) or 'no sheet'}); "
        f"is this the right file?", path=path, sheet=sheet, row=header_row,
    )


def _locate(grid: _Grid, is_header, what, header_row):
    """Header index in ``grid`` (searched, or checked at ``header_row``), or None."""
    if header_row is None:
        return _find_header(grid.rows, is_header)
    i = header_row - 1
    if 0 <= i < len(grid.rows) and is_header([_label(v) for v in grid.rows[i]]):
        return i
    where = f"sheet '{grid.sheet}'" if grid.sheet is not None else "the file"
    raise grid.error(
        SchemaError,
        f"{grid.unit} {header_row} of {where} is not a header row of {what}; is row "
        f"{header_row} the header row of {where}? (leave header_row=None to let the reader "
        f"find it)", row=i,
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
    path: str | os.PathLike, edition: int, *, sheet: str = "Table 1", header_row: int | None = None,
    keep_all: bool = False,
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
        2020 or 2024 (keys of :data:`UNDESA_YEARS`). 2017 and 2019 (keys of
        :data:`UNDESA_WIDE_YEARS`, a wide layout) are read by
        :func:`read_undesa_bilateral_wide_workbook` (with the default ``sheet`` and
        ``header_row``). It must
        agree with the edition the workbook states (its year columns and the ``Rev.YYYY`` or
        ``International Migrant Stock YYYY`` text of its title block).
    sheet : str, default "Table 1"
        Sheet holding the bilateral table.
    header_row : int, optional
        1-based row of the column headers (row 11 in the official files); by default the row is
        found by its labels within the first :data:`HEADER_SEARCH_ROWS` rows.
    keep_all : bool, default False
        Keep every pair of countries of the registry (:func:`mixedmig.countries.to_iso3`
        resolves the M49 codes), not only the 15 study economies. Aggregates (M49 codes of 900
        and above, such as ``900`` World or ``2003`` Other countries, and any code
        :func:`mixedmig.countries.is_aggregate` recognises) and codes the registry does not
        know are dropped; :func:`mixedmig.data.import_official` reports them.

    Returns
    -------
    pandas.DataFrame
        The columns of the curated ``undesa_ims_bilateral`` table: ``edition``, ``year``,
        ``sex`` (``total``, ``male``, ``female``), ``orig`` (country of birth), ``dest``
        (country of residence), ``stock`` (persons, nullable integer), for ordered pairs of the
        15 economies (every registry country with ``keep_all``), matched on the M49 codes (so
        spelling does not matter), sorted by ``edition, year, sex, orig, dest``. Aggregates
        and self-pairs are dropped; missing (``..``, ``-``) stays missing.

    Raises
    ------
    mixedmig.errors.InputError
        If ``edition`` is not supported.
    mixedmig.errors.DataError
        If the file does not exist, is not a workbook or has no such sheet; if the workbook is
        another edition than ``edition`` (its year columns or title block say so); if a count
        is negative, ambiguous (``1.000``) or not a number in the publisher's formats; if a
        cell holds a formula without a stored value (a workbook written by a script and never
        saved by a spreadsheet program); if an ordered pair of economies appears on two rows;
        if males + females differ from both sexes in a row and year (exactly, for whole
        stored values; by more than half a person for unrounded ones: misaligned columns);
        or if both sexes is missing beside a male or female figure. The error's ``path``,
        ``sheet``, ``row`` and ``column`` attributes locate it; the message also names the
        cell.
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
    if edition in UNDESA_WIDE_YEARS and sheet == "Table 1" and header_row is None:
        return _read_undesa_wide(path, edition, keep_all=keep_all)[0]
    return _read_undesa(path, edition, sheet=sheet, header_row=header_row,
                        keep_all=keep_all)[0]


def _read_undesa(path, edition, *, sheet="Table 1", header_row=None, keep_all=False):
    """``(table, dropped)`` of :func:`read_undesa_bilateral_workbook`; ``dropped`` maps each
    location code left out (with ``keep_all``) to ``(name, reason)``."""
    path = Path(path)
    if edition not in UNDESA_YEARS:
        raise InputError(
            f"edition {edition} is not supported by this reader; supported: "
            f"{sorted(UNDESA_YEARS)} (the 2017 and 2019 editions use a wide matrix layout: "
            f"read_undesa_bilateral_wide_workbook reads them)"
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
    kept, first_row, dropped = [], {}, {}
    name_cols = {}
    for j, label in enumerate(labels):
        if label.startswith("region, development group, country or area of destination"):
            name_cols["dest"] = j
        elif label.startswith("region, development group, country or area of origin"):
            name_cols["orig"] = j
    resolved, reasons = ({}, {}) if keep_all else (None, None)
    study_m49 = {} if keep_all else {countries.get(c).m49: c for c in _study_codes()}

    def iso3(code, i, which):
        if not keep_all:
            return study_m49.get(code)
        if code not in resolved:
            resolved[code], reasons[code] = _resolve_location(code)
        if resolved[code] is None:  # every row of the code is counted
            j = name_cols.get(which)
            _drop(dropped, code, _name(grid.rows[i][j]) if j is not None else "",
                  reasons[code])
        return resolved[code]

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
            dest_iso, orig_iso = iso3(dest, i, "dest"), iso3(orig, i, "orig")
            if dest_iso is not None and orig_iso is not None and dest_iso != orig_iso:
                if (dest, orig) in first_row:
                    raise grid.error(
                        DataError,
                        f"the pair destination {dest} / origin {orig} is also on row "
                        f"{grid.row_number(first_row[(dest, orig)])}; each pair appears once "
                        f"(remove the duplicate row)", row=i, col=orig_col, column=titles[orig_col],
                    )
                first_row[(dest, orig)] = i
                kept.append((i, orig_iso, dest_iso))

    records = []
    for i, orig, dest in kept:
        stock = {key: grid.count(i, j, f"{key[1]} ({key[0]})") for key, j in slots.items()}
        for year in expected:
            total, male, female = (grid.stored(i, slots[(s, year)]) for s in UNDESA_SEXES)
            where = {"row": i, "col": slots[("total", year)], "column": f"{year} (total)"}
            if total is None and (male is not None or female is not None):
                given = " and ".join(f"{s}s {_number_text(v)}" for s, v in
                                     (("male", male), ("female", female)) if v is not None)
                raise grid.error(
                    DataError,
                    f"both sexes is missing for {year} although {given} are given; a total "
                    f"is published wherever its parts are, so the cell may have lost its value "
                    f"(write the both-sexes figure)", **where,
                )
            if _check_total([male, female], total) is None:
                continue
            if male is not None and female is not None:
                whole = _is_whole(male) and _is_whole(female)
                parts = int(male) + int(female) if whole else math.fsum([male, female])
                text = (f"males {_number_text(male)} + females {_number_text(female)} = "
                        f"{_number_text(parts)}, but")
            else:
                sex, value = ("male", male) if male is not None else ("female", female)
                text = f"{sex}s {_number_text(value)} (the other sex missing) exceed"
            raise grid.error(
                DataError,
                f"{text} both sexes = {_number_text(total)} for {year}; males + females "
                f"must equal both sexes exactly (the year or sex columns may be misaligned)",
                **where,
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
    long = long.sort_values(["edition", "year", "sex", "orig", "dest"]).reset_index(drop=True)
    return long, dropped


# --------------------------------------------------------------------------- UN DESA, wide


#: Years of the UN DESA editions published as a wide destination x origin matrix (2017, 2019).
UNDESA_WIDE_YEARS = {
    2017: (1990, 1995, 2000, 2005, 2010, 2015, 2017),
    2019: (1990, 1995, 2000, 2005, 2010, 2015, 2019),
}
#: The sheet of each sex in the wide workbooks: ``Table 1`` both sexes, ``Table 2`` males,
#: ``Table 3`` females.
UNDESA_WIDE_SHEETS = {"total": "Table 1", "male": "Table 2", "female": "Table 3"}
_WIDE_RESIDUALS = ("total", "other north", "other south")
_WIDE_TITLE = re.compile(
    r"rev\.?\s*((?:19|20)[0-9]{2})|((?:19|20)[0-9]{2})\s+revision"
    r"|international migrant stock[:,]?\s*(?:the\s+)?((?:19|20)[0-9]{2})"
    r"|migrantstock\w*?_((?:19|20)[0-9]{2})")


def _is_undesa_wide_header(labels) -> bool:
    return "other north" in labels and "other south" in labels


def _wide_title_edition(grid: _Grid, header: int):
    """(edition, cell text, row, col) stated above the header of a wide sheet, or None."""
    for i in range(header):
        for j, value in enumerate(grid.rows[i]):
            if isinstance(value, str):
                match = _WIDE_TITLE.search(" ".join(value.split()).lower())
                if match:
                    year = int(next(g for g in match.groups() if g))
                    return year, value.strip(), i, j
    return None


def _wide_key_column(labels_by_row, test, default):
    """The first column whose label (in the header row or the row above it) passes ``test``."""
    for labels in labels_by_row:
        for j, label in enumerate(labels):
            if label and test(label):
                return j
    return default


def _wide_sheet(path: Path, sex: str):
    """The parsed sheet of one sex: grid, header index, key columns, origin columns, rows."""
    sheet = UNDESA_WIDE_SHEETS[sex]
    grid, h = _read_grid(path, _is_undesa_wide_header, "the UN DESA wide bilateral table "
                         "(origin columns 'Total', 'Other North', 'Other South', ...)",
                         sheet=sheet)
    labels = [_label(v) for v in grid.rows[h]]
    first = min(labels.index(v) for v in _WIDE_RESIDUALS if v in labels)
    origin_cols = [j for j in range(first, len(labels)) if labels[j]]
    _apply_merges(grid, h + 1, origin_cols)
    labels = [_label(v) for v in grid.rows[h]]
    above = [_label(v) for v in grid.rows[h - 1]] if h > 0 else []
    rows_of_labels = [labels[:first], above[:first]]
    year_col = _wide_key_column(rows_of_labels, lambda v: v == "year", 0)
    code_col = _wide_key_column(rows_of_labels, lambda v: v == "code" or v.startswith(
        "code of") or v.startswith("location code"), 4)
    name_col = _wide_key_column(rows_of_labels, lambda v: "destination" in v, 2)
    if max(year_col, code_col, name_col) >= first:
        raise grid.error(SchemaError, "the columns year, destination and code must come "
                         "before the 'Total', 'Other North' and 'Other South' columns", row=h)
    seen = {}
    for j in origin_cols:
        if labels[j] in seen:
            raise grid.error(
                SchemaError,
                f"the origin {_name(grid.rows[h][j])!r} heads two columns, "
                f"{_column_letter(seen[labels[j]])} and {_column_letter(j)}; each origin "
                f"appears once (remove the repeated column)", row=h, col=j)
        seen[labels[j]] = j
    return grid, h, year_col, code_col, name_col, origin_cols


def _wide_rows(grid: _Grid, h, year_col, code_col, name_col, origin_cols, allowed):
    """{(year, dest code): row index} of the data rows of a wide sheet, checked."""
    keys = {}
    for i in range(h + 1, len(grid.rows)):
        row = grid.rows[i]
        holds_counts = any(not _is_blank(row[c]) for c in origin_cols)
        if _is_blank(row[code_col]) and _parse_year(row[year_col]) is None:
            if holds_counts:
                raise grid.error(
                    SchemaError, "the row holds counts but its year and code cells are "
                    "blank; write the year and the M49 code of the destination in every row",
                    row=i, col=code_col, column="Code")
            continue  # a blank, notes or footnote row
        for j, what in ((year_col, "Year"), (code_col, "Code")):
            if _is_blank(row[j]):
                raise grid.error(SchemaError, f"the row's {what} cell is blank; write the "
                                 f"year and the M49 code of the destination in every row (a "
                                 f"merged cell is read as its top-left value)", row=i,
                                 col=j, column=what)
        year = _parse_year(row[year_col])
        if year is None:
            raise grid.error(SchemaError, f"{row[year_col]!r} is not a year", row=i,
                             col=year_col, column="Year")
        if year not in allowed[1]:
            fits = [e for e, ys in UNDESA_WIDE_YEARS.items() if year in ys]
            hint = (f"it is a year of the {fits[0]} edition; pass edition={fits[0]}" if fits
                    else f"the years of edition {allowed[0]} are {list(allowed[1])}")
            raise grid.error(DataError, f"the year {year} is not a year of the "
                             f"{allowed[0]} edition: {hint}", row=i, col=year_col,
                             column="Year")
        code = _m49(grid, i, code_col, "Code")
        if (year, code) in keys:
            raise grid.error(
                DataError, f"destination {code} ({_name(row[name_col])}) in {year} is also on "
                f"row {grid.row_number(keys[(year, code)])}; each destination appears once a "
                f"year (remove the duplicate row)", row=i, col=code_col, column="Code")
        keys[(year, code)] = i
    return keys


def _wide_edition(path: Path, edition, grid: _Grid, h, year_col):
    """The edition of a wide workbook: the argument, checked against the title block, the
    years of the year column and the file name; or told by them when ``edition`` is None."""
    stated = _wide_title_edition(grid, h)
    years = {}
    for i in range(h + 1, len(grid.rows)):
        y = _parse_year(grid.rows[i][year_col])
        if y is not None:
            years.setdefault(y, i)
    by_years = [(e, years[e]) for e in UNDESA_WIDE_YEARS if e in years]
    named = sorted({int(y) for y in re.findall(r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])",
                                               path.name)} & set(UNDESA_WIDE_YEARS))
    if edition is None:
        if stated is not None:
            edition = stated[0]
        elif len(by_years) == 1:
            edition = by_years[0][0]
        elif len(named) == 1:
            edition = named[0]
        else:
            raise InputError(
                f"cannot tell the edition of {path.name} from its title block, years or "
                f"name; pass it: edition=2019 or edition=2017")
    if edition not in UNDESA_WIDE_YEARS:
        supported = sorted({*UNDESA_WIDE_YEARS, *UNDESA_YEARS})
        raise InputError(f"edition {edition} is not a wide-layout edition; the wide reader "
                         f"reads {sorted(UNDESA_WIDE_YEARS)} (supported editions: "
                         f"{supported}; 2020 and 2024 use read_undesa_bilateral_workbook)")
    if stated is not None and stated[0] != edition:
        raise grid.error(
            DataError, f"the workbook states it is the {stated[0]} edition ({stated[1]!r}), "
            f"but edition={edition} was passed; pass edition={stated[0]}",
            row=stated[2], col=stated[3])
    for other, i in by_years:
        if other != edition:
            raise grid.error(
                DataError, f"the year column holds {other}, a year of the {other} edition, "
                f"but edition={edition} was passed; pass edition={other}", row=i,
                col=year_col, column="Year")
    return edition


def read_undesa_bilateral_wide_workbook(
    path: str | os.PathLike, *, edition: int | None = None, keep_all: bool = False,
) -> pd.DataFrame:
    """Read a UN DESA bilateral migrant-stock workbook of the 2017 or 2019 edition (wide).

    These editions (``UN_MigrantStockByOriginAndDestination_2019.xlsx`` and ``..._2017``)
    publish one sheet per sex -- ``Table 1`` both sexes, ``Table 2`` males, ``Table 3``
    females -- each a wide matrix with one row per (year, destination): year, sort order,
    destination name, notes, M49 code, type of data, then the origin columns ``Total``,
    ``Other North``, ``Other South`` and one column per origin **name** (header on row 16,
    found by its ``Other North`` and ``Other South`` labels). Destinations are matched on
    their M49 codes, origins on their names (:func:`mixedmig.countries.to_iso3`; trailing
    footnote marks ``*`` dropped). Counts are read in the publisher's formats (``1,104``,
    ``..`` and ``-`` = missing; see the module docstring).

    Parameters
    ----------
    path : str or os.PathLike
        The official ``.xlsx`` workbook.
    edition : int, optional
        2019 or 2017 (keys of :data:`UNDESA_WIDE_YEARS`). By default it is told by the title
        block (``International migrant stock 2019``, ``Rev.2019``, ``The 2017 revision``),
        else by the edition year in the year column (2017 or 2019), else by the file name.
        When given, it must agree with the title block and the year column.
    keep_all : bool, default False
        Keep every country of the registry, not only the 15 study economies. Aggregates
        (destination codes of 900 and above, region names, ``Total``, ``Other North``,
        ``Other South``) and names the registry does not know are dropped;
        :func:`mixedmig.data.import_official` reports them.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`read_undesa_bilateral_workbook`: ``edition``, ``year``,
        ``sex`` (``total``, ``male``, ``female``), ``orig`` (country of birth), ``dest``
        (country of residence), ``stock`` (persons, nullable integer), sorted by ``edition,
        year, sex, orig, dest``; self-pairs dropped; missing (``..``, ``-``) stays missing.

    Raises
    ------
    mixedmig.errors.InputError
        If ``edition`` is not 2017 or 2019, or cannot be told.
    mixedmig.errors.DataError
        If the file is missing, not an ``.xlsx`` workbook, or lacks a sheet ``Table 1``-``3``;
        if its title block or years state another edition; if a year is not one of the
        edition's; if a count is negative, ambiguous or not a number; if a destination
        appears twice in a year; if a (year, destination) row of ``Table 1`` is missing from
        ``Table 2`` or ``Table 3`` (or the reverse); if males + females differ from both
        sexes, or both sexes is missing beside a male or female figure. The error's ``path``,
        ``sheet``, ``row`` and ``column`` locate it.
    mixedmig.errors.SchemaError
        If a sheet has no header row with ``Other North`` and ``Other South``; if an origin
        heads two columns; if a row holding counts lacks its year or code; if a code is not
        a number; if count cells are merged.

    References
    ----------
    UN DESA Population Division (2017, 2019). *International Migrant Stock* (POP/DB/MIG/Stock/
    Rev.2017, Rev.2019). United Nations.

    Examples
    --------
    A made-up two-row workbook in the 2019 layout (the figures are invented):

    >>> import os, tempfile, openpyxl
    >>> from mixedmig import data
    >>> book = openpyxl.Workbook()
    >>> book.remove(book.active)
    >>> for k, (sheet, value) in enumerate((("Table 1", 10), ("Table 2", 6), ("Table 3", 4))):
    ...     ws = book.create_sheet(sheet)
    ...     ws["A1"] = "International migrant stock 2019 (made-up example)"
    ...     ws["A16"], ws["C16"], ws["E16"] = "Year", "Destination", "Code"
    ...     for col, label in enumerate(["Total", "Other North", "Other South", "Myanmar"], 7):
    ...         _ = ws.cell(row=16, column=col, value=label)
    ...     ws.append([2019, 1, "Thailand", None, 764, "B", value, "..", "-", value])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "ims.xlsx")
    ...     book.save(path)
    ...     table = data.read_undesa_bilateral_wide_workbook(path)
    >>> table
       edition  year     sex orig dest  stock
    0     2019  2019  female  MMR  THA      4
    1     2019  2019    male  MMR  THA      6
    2     2019  2019   total  MMR  THA     10
    """
    return _read_undesa_wide(path, edition, keep_all=keep_all)[0]


def _read_undesa_wide(path, edition=None, *, keep_all=False):
    """``(table, dropped, edition)`` of :func:`read_undesa_bilateral_wide_workbook`;
    ``dropped`` maps each destination code or origin name left out to ``(name, reason)``."""
    path = Path(path)
    if edition is not None:
        edition = int(edition)
        if edition not in UNDESA_WIDE_YEARS:
            hint = (" (a long-layout edition: use read_undesa_bilateral_workbook)"
                    if edition in UNDESA_YEARS else "")
            raise InputError(f"edition {edition} is not supported by the wide reader{hint}; "
                             f"supported: {sorted(UNDESA_WIDE_YEARS)}")
    if path.suffix.lower() not in (".xlsx", ".xlsm") and path.is_file():
        raise DataError("not an .xlsx workbook; the UN DESA bilateral table is published as "
                        ".xlsx (open and save a converted copy as .xlsx)", path=path)
    sheets = {sex: _wide_sheet(path, sex) for sex in UNDESA_SEXES}
    grid, h, year_col = sheets["total"][0], sheets["total"][1], sheets["total"][2]
    edition = _wide_edition(path, edition, grid, h, year_col)
    for sex in ("male", "female"):
        g, hh, yc = sheets[sex][:3]
        _wide_edition(path, edition, g, hh, yc)
    allowed = (edition, UNDESA_WIDE_YEARS[edition])
    keys = {sex: _wide_rows(*sheets[sex], allowed) for sex in UNDESA_SEXES}

    # the same rows and origin columns in the three tables
    base = sheets["total"]
    origins = {sex: {_label(s[0].rows[s[1]][j]): j for j in s[5]} for sex, s in sheets.items()}
    for sex in ("male", "female"):
        g, hh = sheets[sex][:2]
        for name, j in origins["total"].items():
            if name not in origins[sex]:
                raise g.error(SchemaError, f"no column for the origin "
                              f"{_name(grid.rows[h][j])!r} of sheet 'Table 1'; the three "
                              f"tables have the same origin columns", row=hh)
        for name, j in origins[sex].items():
            if name not in origins["total"]:
                raise g.error(SchemaError, f"the origin {_name(g.rows[hh][j])!r} has no column "
                              f"in sheet 'Table 1'; the three tables have the same origin "
                              f"columns", row=hh, col=j)
        for key, i in keys["total"].items():
            if key not in keys[sex]:
                raise g.error(DataError, f"no row for destination {key[1]} in {key[0]}, which "
                              f"is on row {grid.row_number(i)} of sheet 'Table 1'; the three "
                              f"tables have the same rows", row=hh)
        for key, i in keys[sex].items():
            if key not in keys["total"]:
                raise g.error(DataError, f"destination {key[1]} in {key[0]} has no row in "
                              f"sheet 'Table 1'; the three tables have the same rows",
                              row=i, col=sheets[sex][3], column="Code")

    # the countries kept
    dropped, study = {}, None if keep_all else set(_study_codes())

    def keep(iso):
        return iso is not None and (study is None or iso in study)

    orig_iso = {}
    for name, j in origins["total"].items():
        printed = _name(grid.rows[h][j])
        iso, reason = _resolve_location(printed)
        if iso is None:
            dropped[printed] = (printed, reason)
        elif iso in orig_iso.values():
            other = next(n for n, v in orig_iso.items() if v == iso)
            raise grid.error(SchemaError, f"the origins {other!r} and {printed!r} are both "
                             f"{iso}; each country heads one column", row=h, col=j)
        if keep(iso):
            orig_iso[printed] = iso
    orig_cols = {iso: origins["total"][_label(p)] for p, iso in orig_iso.items()}
    dest_iso = {}
    name_col = base[4]
    dest_found = {}
    for (year, code), i in keys["total"].items():
        if code not in dest_iso:
            dest_found[code] = _resolve_location(code)
            dest_iso[code] = dest_found[code][0] if keep(dest_found[code][0]) else None
        if dest_found[code][0] is None:  # every (year, destination) row of it is counted
            _drop(dropped, code, _name(grid.rows[i][name_col]), dest_found[code][1])

    records = []
    for (year, code), i in keys["total"].items():
        dest = dest_iso[code]
        if dest is None:
            continue
        for orig, j in orig_cols.items():
            if orig == dest:
                continue
            column = f"{_name(grid.rows[h][j])} ({year})"
            values = {}
            for sex in UNDESA_SEXES:
                g, hh = sheets[sex][:2]
                ii, jj = keys[sex][(year, code)], origins[sex][_label(grid.rows[h][j])]
                values[sex] = (g.count(ii, jj, column), ii, jj)
            stored = {sex: sheets[sex][0].stored(ii, jj) for sex, (_, ii, jj) in values.items()}
            total, male, female = stored["total"], stored["male"], stored["female"]
            if total is None and (male is not None or female is not None):
                given = " and ".join(f"{s}s {_number_text(v)}" for s, v in
                                     (("male", male), ("female", female)) if v is not None)
                raise grid.error(
                    DataError, f"both sexes is missing although {given} are given in sheets "
                    f"'Table 2'/'Table 3'; a total is published wherever its parts are "
                    f"(write the both-sexes figure)", row=i, col=j, column=column)
            if _check_total([male, female], total) is not None:
                m = "missing" if male is None else _number_text(male)
                f = "missing" if female is None else _number_text(female)
                raise grid.error(
                    DataError, f"males {m} (sheet 'Table 2', row "
                    f"{sheets['male'][0].row_number(values['male'][1])}) + females {f} (sheet "
                    f"'Table 3', row {sheets['female'][0].row_number(values['female'][1])}) "
                    f"do not add up to both sexes = {_number_text(total)}; males + females must "
                    f"equal both sexes exactly (the rows or origin columns of the tables may be "
                    f"misaligned)", row=i, col=j, column=column)
            records += [(edition, year, sex, orig, dest, values[sex][0]) for sex in UNDESA_SEXES]
    long = pd.DataFrame.from_records(
        records, columns=["edition", "year", "sex", "orig", "dest", "stock"])
    for column in ("edition", "year", "stock"):
        long[column] = long[column].astype("Int64")
    for column in ("sex", "orig", "dest"):
        long[column] = long[column].astype(object)
    long = long.sort_values(["edition", "year", "sex", "orig", "dest"]).reset_index(drop=True)
    return long, dropped, edition


#: Smallest UN M49 code of an aggregate in the UN DESA files (900 = World; regions, development
#: and income groups, and 2003 = Other countries, are all above).
UNDESA_AGGREGATE_MIN_CODE = 900


def _is_aggregate(value) -> bool:
    """Whether the registry recognises ``value`` as an aggregate (False if it cannot tell)."""
    check = getattr(countries, "is_aggregate", None)
    if check is None:
        return False
    try:
        return bool(check(value))
    except Exception:  # an unusual value is simply not a known aggregate
        return False


def _drop(dropped: dict, key, name: str, reason: str) -> None:
    """Record one more row left out under ``key`` in ``dropped``: ``(name, reason, rows)``."""
    if key in dropped:
        first = dropped[key]
        dropped[key] = (first[0], first[1], (first[2] if len(first) > 2 else 0) + 1)
    else:
        dropped[key] = (name, reason, 1)


def _resolve_location(value):
    """``(iso3, None)`` for a registry country, else ``(None, reason)``.

    ``reason`` is ``"aggregate"`` (an M49 code of 900 or above, or a value
    :func:`mixedmig.countries.is_aggregate` recognises) or ``"unknown"`` (not in the registry:
    reported, never guessed).
    """
    if isinstance(value, numbers.Integral) and int(value) >= UNDESA_AGGREGATE_MIN_CODE:
        return None, "aggregate"
    if _is_aggregate(value):
        return None, "aggregate"
    try:
        return countries.to_iso3(value), None
    except UnknownCountryError as exc:
        return None, ("aggregate" if "aggregate" in str(exc).lower() else "unknown")


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
        ambiguous (``1.000``) or not a number in the publisher's formats; if a cell holds a
        formula without a stored value; or if a ``World`` total differs from the sum of its
        row or column (exactly for whole stored values, as in the official file; by more than
        half a person when a stored value is unrounded; with blank cells, the known values may
        not exceed it). The error's ``path``, ``sheet``, ``row`` and ``column`` attributes
        locate it; the message also names the cell.
    mixedmig.errors.SchemaError
        If no sheet or delimiter gives a header row; if a destination or source name is
        repeated; if a row holds counts but its name cell is blank, or a cell holds a value in
        a column without a destination name; if a row of a text file has fewer fields than
        the header (truncated); if count cells are merged; or if, without
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

    study = None if keep_all else set(_study_codes())
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
        short = grid.fields(i)
        if short is not None and short <= max(dest_set):
            raise grid.error(
                SchemaError,
                f"the row has {short} fields but the header row ({grid.place(h)}) has "
                f"{max(dest_set) + 1}: the row is truncated, so its last values would be "
                f"missing; write every field (an empty field or '..' for a missing value)",
                row=i, col=short, column=_name(header[short]) if short < len(header) else None,
            )
        stray = [j for j in filled if j not in dest_set]
        if stray:
            raise grid.error(SchemaError, f"a value {row[stray[0]]!r} in a column without a "
                             f"destination name in the header row ({grid.place(h)})",
                             row=i, col=stray[0])
        if name.lower() in source_row:
            raise grid.error(SchemaError, f"the source {name!r} is also on "
                             f"{grid.place(source_row[name.lower()])}; each source "
                             f"appears once", row=i, col=0, column=corner)
        source_row[name.lower()] = i
        sources.append((i, name))

    values = {(i, j): grid.count(i, j, name) for i, _ in sources for j, name in dest_cols}

    # the World row and column are totals of the published matrix
    world_i = source_row.get("world")
    world_j = by_label.get("world")
    # (exactly, on the values as stored: the official 2013 file's totals are exact sums)
    if world_i is not None:
        for j, name in dest_cols:
            if j != world_j:
                parts = [grid.stored(i, j) for i, _ in sources if i != world_i]
                total = grid.stored(world_i, j)
                _total_error(grid, _check_total(parts, total), total, world_i, j, name, "column")
    if world_j is not None:
        for i, name in sources:
            if i != world_i:
                parts = [grid.stored(i, j) for j, _ in dest_cols if j != world_j]
                total = grid.stored(i, world_j)
                _total_error(grid, _check_total(parts, total), total, i, world_j, "World",
                             "row")

    records = []
    for i, orig_name in sources:
        if orig_name.lower() in _WB_AGGREGATE_LABELS:
            continue
        for j, dest_name in dest_cols:
            if dest_name.lower() in _WB_AGGREGATE_LABELS:
                continue
            orig, dest = resolve(orig_name), resolve(dest_name)
            if not keep_all and (orig not in study or dest not in study or orig == dest):
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
        f"the total {_number_text(total)} disagrees with the sum of the {n} values of its "
        f"{line} ({_number_text(known)}); totals must equal the sum of their parts exactly "
        f"(within half a person for unrounded stored values). Rows or columns may be shifted "
        f"or a value mistyped", row=i, col=j, column=column,
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
#: UNHCR's further population types, kept by :func:`read_unhcr_population` when the file has
#: them (in this order), with the header labels accepted for each (case and spacing
#: ignored): the ``refugees`` data package / API field name, and the Refugee Data Finder's
#: readable label. ``Stateless persons`` and ``Others of concern`` are confirmed verbatim
#: (``shared/research/official_downloads.md``, section 3); the IDP, other-people and
#: host-community labels are the export's wording as OWID's snake-cased copies give it (both
#: forms accepted); ``Returned refugees`` and ``Returned IDPs`` are not confirmed.
#: ``Returned IDPss`` (sic) is UNHCR's own spelling of that header in the API's CSV download,
#: seen in public copies of the export (``"IDPs of concern to UNHCR","Returned IDPss",
#: "Stateless persons"``); it is read as ``returned_idps``, not dropped.
UNHCR_OPTIONAL_COUNTS = {
    "returned_refugees": ("returned_refugees", "Returned refugees"),
    "idps": ("idps", "IDPs of concern to UNHCR", "idps_of_concern_to_unhcr"),
    "returned_idps": ("returned_idps", "Returned IDPs", "Returned IDPss"),
    "stateless": ("stateless", "Stateless persons"),
    "ooc": ("ooc", "Others of concern"),
    "oip": ("oip", "Other people in need of international protection",
            "other_people_in_need_of_international_protection"),
    "hst": ("hst", "Host community", "host_community"),
}


#: Columns of UNHCR's files the reader knows and leaves out on purpose (UNHCR's own country
#: codes and ids: the ISO3 columns are read instead); never reported as columns not read.
_UNHCR_IGNORED_COLUMNS = ("coo", "coa", "coo_id", "coa_id")


def _is_unhcr_header(labels) -> bool:
    return bool(labels) and labels[0] == "year" and sum(bool(v) for v in labels) >= 2


def _is_unhcr_layout(labels) -> bool:
    """Whether a header row is one of UNHCR's own layouts (Refugee Data Finder export, the
    2025 file, or the API / ``refugees`` package fields), not a table in a kind's shape."""
    labels = set(labels)
    rdf = ({"country of origin (iso)", "country of origin iso"} & labels
           and {"country of asylum (iso)", "country of asylum iso"} & labels)
    package = {"coo_iso", "coa_iso"} <= labels and bool({"coo_name", "coa_name", "coo",
                                                        "coa"} & labels)
    return "year" in labels and bool(rdf or package)


def _official_layout(path) -> str | None:
    """The official layout whose header a CSV text file holds within its first
    :data:`HEADER_SEARCH_ROWS` lines: ``"unhcr"`` (a UNHCR population export or API / data
    package table), ``"wdi"`` (WDI bulk file or DataBank extract), ``"wpp"`` (UN WPP), or None.

    Only the first lines are read (a hint for a file that failed a kind, never a check).
    """
    path = Path(path)
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as stream:
            lines = [stream.readline(1 << 16) for _ in range(HEADER_SEARCH_ROWS)]
    except OSError:
        return None
    lines = [line for line in lines if line.strip()]
    for delimiter in (",", ";", "\t"):
        for record in csv.reader(lines, delimiter=delimiter):
            labels = [_label(v) for v in record]
            if _is_unhcr_layout(labels):
                return "unhcr"
            if _is_wdi_header(labels):
                return "wdi"
            if _is_wpp_header(labels):
                return "wpp"
    return None


def read_unhcr_population(
    path: str | os.PathLike, *, involving=None, encoding: str | None = None,
    blank_iso: str = "raise",
) -> pd.DataFrame:
    """Read a UNHCR population table into ``year, orig, asylum, refugees, asylum_seekers, ...``.

    The header is the first row (within :data:`HEADER_SEARCH_ROWS`, after the export's
    preamble) whose first cell is ``Year``; columns are matched by their labels (case and
    spacing ignored), fields may be separated by ``,``, ``;`` or tabs. Years may carry footnote
    marks (``2024*``); counts are read in the publisher's formats (``-`` = missing; see the
    module docstring). Rows whose first cell is not a year and which hold no counts (footnotes,
    source lines) are skipped; a ``Total`` row is checked against the sum of the rows.
    UNHCR's further population types (:data:`UNHCR_OPTIONAL_COUNTS`: returned refugees, IDPs,
    returned IDPs, stateless persons, others of concern, other people in need of international
    protection, host community) are read the same way when the file has their columns.

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
    blank_iso : {"raise", "keep"}, default "raise"
        What a blank (or ``-``) origin or asylum ISO3 cell does: raise a located SchemaError,
        or keep the row with a missing code (the official export writes ``Unknown`` asylum
        with an empty ISO3; :func:`mixedmig.data.import_official` keeps and reports them).

    Returns
    -------
    pandas.DataFrame
        Columns ``year`` (Int64), ``orig_name``, ``orig``, ``asylum_name``, ``asylum`` (the
        ISO3 columns of the file: UNHCR's own codes such as MYA are not used), ``refugees`` and
        ``asylum_seekers``, then those of ``returned_refugees``, ``idps``, ``returned_idps``,
        ``stateless``, ``ooc``, ``oip``, ``hst`` the file has, in that order (persons, nullable
        integers; ``-`` = missing), sorted by ``year, orig, asylum``.
        ``frame.attrs["columns_not_read"]`` lists the header labels of the file's columns the
        reader does not know (as the file spells them; empty when every column was read), so
        that a caller reports them instead of losing them silently (``mixedmig import``
        prints "columns not read: ..."). UNHCR's own codes (``coo``, ``coa``, ids) are known
        and left out on purpose.

    Raises
    ------
    mixedmig.errors.InputError
        If ``encoding`` is not a known codec.
    mixedmig.errors.DataError
        If the file does not exist or cannot be decoded with the given ``encoding``; if a
        count is negative, ambiguous (``12.000`` where ``.`` is the decimal mark) or not a
        number in the publisher's formats; if a cell of a workbook holds a formula without a
        stored value; if a (year, origin, asylum) row appears twice; or if a ``Total`` row
        differs from the sum of the rows (exactly: UNHCR counts are whole; with missing
        counts, their known sum may not exceed it).
    mixedmig.errors.SchemaError
        If no header row starts with ``Year``, a column is missing or appears twice, a year is
        not a number, a row holds counts but no year, an origin or asylum ISO3 cell is blank
        (or ``-``) or not three capital letters (a name with an unquoted delimiter shifts the
        columns), or a row has more or fewer fields than the header (a truncated row).

        Every error's ``path``, ``row`` (the line of a text file, the row of a worksheet),
        ``column`` and ``sheet`` (None for a text file) attributes locate it.

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
    if blank_iso not in ("raise", "keep"):
        raise InputError(f"blank_iso must be 'raise' or 'keep', not {blank_iso!r}")
    wanted = {_label(k): v for k, v in mapping.items()}
    # the 2025 Refugee Data Finder file spells the ISO columns without parentheses
    wanted.update({"country of origin iso": "orig", "country of asylum iso": "asylum"})
    for key, spellings in UNHCR_OPTIONAL_COUNTS.items():
        wanted.update({_label(spelling): key for spelling in spellings})
    position, not_read = {}, []
    ignored = {_label(v) for v in _UNHCR_IGNORED_COLUMNS}
    for j, label in enumerate(labels):
        if label not in wanted:
            if label and label not in ignored:
                not_read.append(_name(grid.rows[h][j]))
            continue
        if wanted[label] in position:
            first = position[wanted[label]]
            raise grid.error(
                SchemaError,
                f"the column {_name(grid.rows[h][j])!r} appears twice in the header "
                f"({grid.column_name(first)} and {grid.column_name(j)}); which one holds the "
                f"figures is unknown, so remove or rename the duplicate",
                row=h, col=j, column=_name(grid.rows[h][j]),
            )
        position[wanted[label]] = j
    missing = [k for k in mapping if mapping[k] not in position]
    if missing:
        raise grid.error(SchemaError, f"missing column(s) {missing} in the UNHCR export",
                         row=h, column=missing[0])
    width = max(j for j, v in enumerate(labels) if v) + 1
    year_col = position["year"]
    counts = (*_UNHCR_COUNTS, *(key for key in UNHCR_OPTIONAL_COUNTS if key in position))

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
                for c in counts
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
        short = grid.fields(i)
        if short is not None and short < width:
            raise grid.error(
                SchemaError,
                f"the row has {short} fields but the header has {width}: the row is truncated, "
                f"so its last values would be missing; write every field (an empty field or "
                f"'-' for a missing count)", row=i, col=short, column=_name(grid.rows[h][short]),
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
            if code in MISSING_MARKS and blank_iso == "keep":
                record[key] = None
                continue
            if code in MISSING_MARKS:
                what = "origin" if key == "orig" else "asylum"
                raise grid.error(
                    SchemaError,
                    f"the row holds a year but its {what} ISO3 cell is "
                    f"{'blank' if not code else repr(code)}; write the ISO3 code in every row "
                    f"(UNHCR writes UNK for an unknown country and XXA for stateless persons)",
                    row=i, col=position[key], column=key,
                )
            if not _ISO3.fullmatch(code):
                raise grid.error(
                    SchemaError,
                    f"{code!r} is not an ISO3 code (three capital letters); the columns may be "
                    f"shifted by a name containing an unquoted delimiter", row=i,
                    col=position[key], column=key,
                )
            record[key] = code
        for key in counts:
            record[key] = grid.count(i, position[key], key)
        identity = tuple(record[k] for k in ("year", "orig_name", "orig", "asylum_name", "asylum"))
        if identity in first_line:
            raise grid.error(
                DataError,
                f"the row {identity} is also on {grid.place(first_line[identity])}; "
                f"each (year, origin, asylum) appears once (remove the duplicate)",
                row=i, col=year_col, column="year",
            )
        first_line[identity] = i
        records.append(record)
        lines.append(i)

    if totals_row is not None:
        for key in counts:
            grid.count(totals_row, position[key], key)
            total = grid.stored(totals_row, position[key])
            problem = _check_total([grid.stored(i, position[key]) for i in lines], total)
            if problem is not None:
                _total_error(grid, problem, total, totals_row, position[key], key, "column")
    frame = pd.DataFrame.from_records(
        records, columns=["year", "orig_name", "orig", "asylum_name", "asylum", *counts]
    )
    for column in ("year", *counts):
        frame[column] = frame[column].astype("Int64")
    if involving is not None:
        codes = set(involving)
        frame = frame[frame["orig"].isin(codes) | frame["asylum"].isin(codes)]
    frame = frame.sort_values(["year", "orig", "asylum"], kind="stable").reset_index(drop=True)
    frame.attrs["columns_not_read"] = not_read
    return frame


def _safe_count(value, decimal):
    """The count of a cell, or None when it is missing or not a count at all."""
    try:
        return _parse_count(value, decimal)
    except DataError:
        return None


# --------------------------------------------------------------------------- WDI

#: First-cell texts of the lines a World Bank DataBank extract writes below its table.
WDI_FOOTER_PREFIXES = ("data from database:", "last updated:")
_WDI_YEAR = re.compile(r"((?:19|20)[0-9]{2})(?:\s*\[yr((?:19|20)[0-9]{2})\])?")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _parse_number(value, decimal: str = "."):
    """A cell as a float (any sign, decimals allowed), or None when marked missing.

    Missing marks are those of :data:`MISSING_MARKS` (WDI writes ``..``). Thousands separators
    are not accepted: the WDI and WPP files write plain numbers.
    """
    if isinstance(value, bool):
        raise DataError(f"{value!r} is a true/false cell, not a number")
    if isinstance(value, numbers.Real):
        return None if isinstance(value, float) and math.isnan(value) else float(value)
    if _is_blank(value):
        return None
    text = str(value).strip(_BLANKS)
    if text in MISSING_MARKS:
        return None
    if decimal == ",":
        text = text.replace(",", ".")
    if _FLOAT.fullmatch(text):
        return float(text)
    raise DataError(f"{str(value)!r} is not a number; write a plain number such as 1234.5 "
                    f"(no thousands separators), or '..' for a missing value")


def _is_wdi_header(labels) -> bool:
    return "country code" in labels and any(_WDI_YEAR.fullmatch(v) for v in labels)


def _covariate_name(code: str) -> str:
    """``SP.POP.TOTL`` -> ``sp_pop_totl``: an indicator code as a column name."""
    return re.sub(r"[^0-9a-z]+", "_", code.strip().lower()).strip("_")


def read_wdi(path: str | os.PathLike, *, keep_all: bool = True,
             encoding: str | None = None) -> pd.DataFrame:
    """Read a World Development Indicators CSV (bulk ``API_`` file or DataBank extract).

    Two layouts are read, both with one row per country (and indicator) and one column per
    year:

    - the per-indicator bulk file ``API_<INDICATOR>_DS2_en_csv_v2_<n>.csv``: a 4-line preamble
      (``"Data Source","World Development Indicators"``, a blank line, ``"Last Updated
      Date","2022-02-15"``, a blank line), then the header ``Country Name, Country Code,
      Indicator Name, Indicator Code, 1960, ...`` with a trailing comma; a missing value is an
      empty field;
    - a DataBank extract: header ``Series Name, Series Code, Country Name, Country Code,
      1990 [YR1990], ...`` (the columns in any order), ``..`` for a missing value, and a footer
      of blank lines, ``Data from database: World Development Indicators`` and
      ``Last Updated: MM/DD/YYYY`` lines.

    The header row is found by its labels (``Country Code`` and year columns); the footer and
    blank lines are skipped.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file (``.csv``; an ``.xlsx`` DataBank extract is read the same way).
    keep_all : bool, default True
        Keep every country of the registry; with False, only the 15 study economies.
        Aggregates (``WLD``, ``EAS``, income groups) and codes the registry does not know are
        always dropped; :func:`mixedmig.data.import_official` reports them.
    encoding : str, optional
        Encoding of a text file (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        The ``country_covariates`` shape: ``country`` (ISO3), ``year`` (Int64), then one float
        column per indicator, named by its code in lower case with ``_`` for punctuation
        (``SP.POP.TOTL`` -> ``sp_pop_totl``); sorted by ``country, year``. Country-years with
        every indicator missing are dropped.

    Raises
    ------
    mixedmig.errors.DataError
        If the file does not exist or cannot be decoded, a value is not a number (located by
        line and column), or a (country, indicator) row appears twice.
    mixedmig.errors.SchemaError
        If no header row with ``Country Code`` and year columns is found, the indicator code
        column is missing while the file holds several indicators, or a row has values but no
        country code.

    References
    ----------
    World Bank (2024). *World Development Indicators*. https://databank.worldbank.org/

    Examples
    --------
    A made-up bulk file in the official layout (the values are invented):

    >>> import os, tempfile
    >>> from mixedmig.data import readers
    >>> text = ('"Data Source","World Development Indicators",\\n\\n'
    ...         '"Last Updated Date","2022-02-15",\\n\\n'
    ...         '"Country Name","Country Code","Indicator Name","Indicator Code","2019","2020",\\n'
    ...         '"Thailand","THA","Population, total","SP.POP.TOTL","100","101",\\n'
    ...         '"World","WLD","Population, total","SP.POP.TOTL","900","",\\n')
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "API_SP.POP.TOTL_DS2_en_csv_v2_1.csv")
    ...     with open(path, "w") as f:
    ...         _ = f.write(text)
    ...     readers.read_wdi(path)
      country  year  sp_pop_totl
    0     THA  2019        100.0
    1     THA  2020        101.0
    """
    return _read_wdi(path, keep_all=keep_all, encoding=encoding)[0]


def _read_wdi(path, *, keep_all=True, encoding=None):
    path = Path(path)
    grid, h = _read_grid(path, _is_wdi_header, "a WDI table (columns 'Country Code' and years)",
                         encoding=encoding)
    labels = [_label(v) for v in grid.rows[h]]
    code_col = labels.index("country code")
    name_col = labels.index("country name") if "country name" in labels else None
    series_col = next((labels.index(k) for k in ("indicator code", "series code")
                       if k in labels), None)
    years = []
    for j, label in enumerate(labels):
        match = _WDI_YEAR.fullmatch(label)
        if match:
            years.append((j, int(match.group(1))))
    study = set(_study_codes()) if not keep_all else None
    records, seen, dropped = [], {}, {}
    series_seen = set()
    for i in range(h + 1, len(grid.rows)):
        row = grid.rows[i]
        first = _label(row[0])
        if all(_is_blank(v) for v in row) or first.startswith(WDI_FOOTER_PREFIXES):
            continue
        code = _name(row[code_col])
        values = [(year, j) for j, year in years]
        if not code:
            if any(not _is_blank(row[j]) and str(row[j]).strip() not in MISSING_MARKS
                   for _, j in values):
                raise grid.error(SchemaError, "the row holds values but its 'Country Code' "
                                 "cell is blank; write the ISO3 code in every row",
                                 row=i, col=code_col, column="Country Code")
            continue
        series = _name(row[series_col]) if series_col is not None else "value"
        if not series:
            raise grid.error(SchemaError, "the indicator code cell is blank; write the code "
                             "(e.g. SP.POP.TOTL) in every row", row=i, col=series_col,
                             column=_name(grid.rows[h][series_col]))
        series_seen.add(series)
        if (code, series) in seen:
            raise grid.error(DataError, f"the country {code} and indicator {series} are also on "
                             f"{grid.place(seen[(code, series)])}; each appears once (remove the "
                             f"duplicate row)", row=i, col=code_col, column="Country Code")
        seen[(code, series)] = i
        iso3, reason = _resolve_location(code)
        if iso3 is None or (study is not None and iso3 not in study):
            if iso3 is None:
                name = _name(row[name_col]) if name_col is not None else ""
                _drop(dropped, code, name, reason)
            continue
        for year, j in values:
            try:
                value = _parse_number(row[j], grid.decimal)
            except DataError as exc:
                raise grid.error(DataError, str(exc), row=i, col=j,
                                 column=_name(grid.rows[h][j])) from None
            records.append((iso3, year, _covariate_name(series), value))
    frame = pd.DataFrame.from_records(records, columns=["country", "year", "series", "value"])
    wide = frame.pivot_table(index=["country", "year"], columns="series", values="value",
                             aggfunc="first", dropna=False)
    wide = wide.dropna(how="all").reset_index()
    wide.columns.name = None
    wide["year"] = wide["year"].astype("Int64")
    for column in wide.columns[2:]:
        wide[column] = wide[column].astype(float)
    wide["country"] = wide["country"].astype(object)
    wide = wide.sort_values(["country", "year"], kind="stable").reset_index(drop=True)
    return wide, dropped


def _study_codes():
    """The ISO3 codes of the 15 study economies."""
    try:
        return tuple(countries.codes("study"))
    except Exception:  # a registry without the "study" group name: its default is the 15
        return tuple(countries.codes())


# --------------------------------------------------------------------------- WPP


def _is_wpp_header(labels) -> bool:
    return "time" in labels and "poptotal" in labels and ("iso3_code" in labels
                                                          or "locid" in labels)


def read_wpp_population(path: str | os.PathLike, *, variant: str = "Medium",
                        keep_all: bool = True, encoding: str | None = None) -> pd.DataFrame:
    """Read a UN World Population Prospects CSV into ``country, year, pop_total, ...``.

    The layout is that of ``WPP2024_TotalPopulationBySex.csv.gz`` (gzip, UTF-8 with a byte
    order mark): one row per location, variant and year with the columns ``ISO3_code``,
    ``Location``, ``Variant``, ``Time``, ``PopMale``, ``PopFemale``, ``PopTotal`` (thousands of
    persons, with decimals). A file by age group (``AgeGrp``, e.g.
    ``WPP2024_PopulationByAge5GroupSex_Medium.csv.gz``) is summed over the age groups.
    Aggregates (regions, income groups, the world) have an empty ``ISO3_code`` and are
    dropped; a gzip-compressed file is read directly.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file (``.csv`` or ``.csv.gz``).
    variant : str, default "Medium"
        The projection variant to keep (``Variant`` column); WPP 2024 labels the estimates
        to 2023 ``Medium`` in this file.
    keep_all : bool, default True
        Keep every country of the registry; with False, only the 15 study economies.
    encoding : str, optional
        Encoding of the text (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        The ``population`` shape: ``country`` (ISO3), ``year`` (Int64), ``pop_total``,
        ``pop_male``, ``pop_female`` (persons: the published thousands times 1,000, rounded
        to whole persons; Int64), sorted by ``country, year``.

    Raises
    ------
    mixedmig.errors.DataError
        If the file does not exist or cannot be decoded, a value is not a number or is
        negative, no row has the variant (the message lists the variants of the file), or a
        (country, year, age group) row appears twice.
    mixedmig.errors.SchemaError
        If no header row with ``Time`` and ``PopTotal`` (and ``ISO3_code``) is found.

    References
    ----------
    United Nations, Department of Economic and Social Affairs, Population Division (2024).
    *World Population Prospects 2024*. CC BY 3.0 IGO.

    Examples
    --------
    A made-up file in the official layout (the values are invented):

    >>> import os, tempfile
    >>> from mixedmig.data import readers
    >>> text = ("SortOrder,LocID,ISO3_code,ISO2_code,LocTypeName,Location,Variant,Time,"
    ...         "PopMale,PopFemale,PopTotal\\n"
    ...         "1,900,,,World,World,Medium,2020,5.0,5.0,10.0\\n"
    ...         "2,764,THA,TH,Country/Area,Thailand,Medium,2020,1.2345,1.3,2.5345\\n")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "WPP2024_TotalPopulationBySex.csv")
    ...     with open(path, "w") as f:
    ...         _ = f.write(text)
    ...     readers.read_wpp_population(path)
      country  year  pop_total  pop_male  pop_female
    0     THA  2020       2535      1235        1300
    """
    return _read_wpp(path, variant=variant, keep_all=keep_all, encoding=encoding)[0]


def _read_wpp(path, *, variant="Medium", keep_all=True, encoding=None):
    path = Path(path)
    grid, h = _read_grid(path, _is_wpp_header, "a WPP population table (columns 'Time', "
                         "'PopTotal' and 'ISO3_code')", encoding=encoding)
    labels = [_label(v) for v in grid.rows[h]]
    col = {k: labels.index(k) for k in ("iso3_code", "location", "variant", "time", "poptotal",
                                        "popmale", "popfemale", "agegrp", "loctypename",
                                        "locid") if k in labels}
    measures = [("pop_total", "poptotal"), ("pop_male", "popmale"), ("pop_female", "popfemale")]
    measures = [(out, src) for out, src in measures if src in col]
    study = set(_study_codes()) if not keep_all else None
    variants, totals, first_row, dropped = set(), {}, {}, {}
    for i in range(h + 1, len(grid.rows)):
        row = grid.rows[i]
        if all(_is_blank(v) for v in row):
            continue
        if "variant" in col:
            found = _name(row[col["variant"]])
            variants.add(found)
            if found.lower() != variant.lower():
                continue
        code = _name(row[col["iso3_code"]]) if "iso3_code" in col else ""
        name = _name(row[col["location"]]) if "location" in col else ""
        if not code:
            key = name or _name(row[col["locid"]]) if "locid" in col else name
            _drop(dropped, key, name, "aggregate")
            continue
        iso3, reason = _resolve_location(code)
        if iso3 is None:
            _drop(dropped, code, name, reason)
            continue
        if study is not None and iso3 not in study:
            continue
        year = _parse_year(row[col["time"]])
        if year is None:
            raise grid.error(SchemaError, f"{row[col['time']]!r} is not a year", row=i,
                             col=col["time"], column=_name(grid.rows[h][col["time"]]))
        age = _name(row[col["agegrp"]]) if "agegrp" in col else ""
        if (iso3, year, age) in first_row:
            raise grid.error(DataError, f"{iso3} {year}{' age ' + age if age else ''} is also on "
                             f"{grid.place(first_row[(iso3, year, age)])}; each appears once "
                             f"(remove the duplicate row, or pass the variant to keep)",
                             row=i, col=col["time"], column=_name(grid.rows[h][col["time"]]))
        first_row[(iso3, year, age)] = i
        sums = totals.get((iso3, year), [decimal.Decimal(0)] * len(measures))
        for k, (out, src) in enumerate(measures):
            j = col[src]
            try:
                value = _parse_number(row[j], grid.decimal)
            except DataError as exc:
                raise grid.error(DataError, str(exc), row=i, col=j,
                                 column=_name(grid.rows[h][j])) from None
            if value is not None:
                # exact decimal arithmetic: thousands with decimals become whole persons
                cell = row[j]
                value = (decimal.Decimal(str(cell).strip(_BLANKS).replace(",", "."))
                         if isinstance(cell, str) else decimal.Decimal(repr(float(cell))))
            if value is not None and value < 0:
                raise grid.error(DataError, f"a negative population ({value}); populations "
                                 f"are >= 0", row=i, col=j, column=_name(grid.rows[h][j]))
            sums[k] = None if value is None or sums[k] is None else sums[k] + value
        totals[(iso3, year)] = sums
    if not totals and "variant" in col and variant.lower() not in {v.lower() for v in variants}:
        raise _located(DataError, f"no row has Variant {variant!r}; the file's variants are "
                       f"{sorted(variants)} (pass variant=...)", path=path)
    half_up = decimal.ROUND_HALF_UP
    records = [(c, y, *[None if v is None else int((v * 1000).quantize(1, rounding=half_up))
                        for v in sums])
               for (c, y), sums in totals.items()]
    frame = pd.DataFrame.from_records(records, columns=["country", "year",
                                                        *[o for o, _ in measures]])
    for column in frame.columns[1:]:
        frame[column] = frame[column].astype("Int64")
    frame["country"] = frame["country"].astype(object)
    return frame.sort_values(["country", "year"], kind="stable").reset_index(drop=True), dropped
