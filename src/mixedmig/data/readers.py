"""Readers for the official file layouts, returning tables in the project's schemas.

A researcher who downloads an official file (a newer UN DESA edition, the World Bank matrix, a
UNHCR Refugee Data Finder export) reads it here into the same long shape as the curated tables,
so the notebooks' code applies unchanged. Layouts follow the official files as described in
``shared/research/migration_data_sources.md`` (sections 1.5, 2 and 5):

- UN DESA *International Migrant Stock* 2020/2024 bilateral workbook: sheet ``Table 1``, header on
  row 11, one row per (destination, origin), year columns for both sexes, then males, then
  females; aggregates (world, regions) mixed with countries; ``..`` = missing; names carry
  footnote markers ``*``. Rows are matched on the numeric M49 location codes.
- World Bank / KNOMAD bilateral migration matrix (2013, 2017): one sheet, title on row 1, header
  on row 2 with destinations across and sources down, ending with ``Other North``,
  ``Other South`` and ``World`` rows and columns.
- UNHCR Refugee Data Finder population export (CSV) or the ``refugees`` data package table:
  year, origin name and ISO3, asylum name and ISO3, refugees, asylum-seekers, ...

Only economies of ``mixedmig.countries`` are kept by the bilateral readers unless
``keep_all=True``; unknown names are reported, never guessed. A file that is missing raises
:class:`~mixedmig.errors.DataError`; a file that does not have the expected layout raises
:class:`~mixedmig.errors.SchemaError` naming the file, the row and the column.

References
----------
UN DESA Population Division (2020, 2024). *International Migrant Stock*. United Nations.

World Bank (2013, 2017). *Bilateral Migration Matrix*. KNOMAD / World Bank.

UNHCR (2024). *Refugee Data Finder*. https://www.unhcr.org/refugee-statistics/
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from .. import countries
from ..errors import DataError, InputError, SchemaError, UnknownCountryError

__all__ = [
    "UNDESA_SEXES",
    "UNDESA_YEARS",
    "UNHCR_COLUMNS",
    "UNHCR_PACKAGE_COLUMNS",
    "WORLD_BANK_AGGREGATES",
    "read_undesa_bilateral_workbook",
    "read_unhcr_population",
    "read_worldbank_matrix",
]

#: The three blocks of year columns of the UN DESA workbook, in order.
UNDESA_SEXES = ("total", "male", "female")
#: Years of each supported UN DESA edition.
UNDESA_YEARS = {
    2020: (1990, 1995, 2000, 2005, 2010, 2015, 2020),
    2024: (1990, 1995, 2000, 2005, 2010, 2015, 2020, 2024),
}
_M49_TO_ISO3 = {c.m49: c.iso3 for c in countries.COUNTRIES}


def _to_count(values: pd.Series) -> pd.Series:
    """Official workbooks write missing as '..' or '-'; counts may come as floats."""
    cleaned = values.replace({"..": pd.NA, "-": pd.NA, "": pd.NA})
    numeric = pd.to_numeric(cleaned, errors="coerce")
    return numeric.round().astype("Int64")


def read_undesa_bilateral_workbook(
    path: str | os.PathLike, edition: int, *, sheet: str = "Table 1", header_row: int = 11
) -> pd.DataFrame:
    """Read a UN DESA bilateral migrant-stock workbook (2020 or 2024 edition) into long form.

    Parameters
    ----------
    path : str or os.PathLike
        The official ``.xlsx`` workbook (*International Migrant Stock*, destination and origin).
    edition : int
        2020 or 2024 (keys of :data:`UNDESA_YEARS`); older editions use another layout.
    sheet : str, default "Table 1"
        Sheet holding the bilateral table.
    header_row : int, default 11
        1-based row of the column headers.

    Returns
    -------
    pandas.DataFrame
        The columns of the curated ``undesa_ims_bilateral`` table: ``edition``, ``year``,
        ``sex`` (``total``, ``male``, ``female``), ``orig`` (country of birth), ``dest``
        (country of residence), ``stock`` (persons, nullable integer), for ordered pairs of the
        15 economies, matched on the M49 codes (so spelling does not matter), sorted by
        ``edition, year, sex, orig, dest``. Aggregates and self-pairs are dropped; missing
        (``..``) stays missing.

    Raises
    ------
    mixedmig.errors.InputError
        If ``edition`` is not supported.
    mixedmig.errors.DataError
        If the file does not exist or the sheet cannot be read.
    mixedmig.errors.SchemaError
        If the header row lacks the location-code columns or the year columns (row given).

    See Also
    --------
    mixedmig.countries.to_iso3 : the M49 codes of the 15 economies.
    """
    path = Path(path)
    if edition not in UNDESA_YEARS:
        raise InputError(
            f"edition {edition} is not supported by this reader; supported: "
            f"{sorted(UNDESA_YEARS)} (2019 and older editions use a wide matrix layout)"
        )
    try:
        raw = pd.read_excel(path, sheet_name=sheet, header=header_row - 1, dtype=object)
    except FileNotFoundError:
        raise DataError("file not found; check the path", path=path) from None
    except ValueError as exc:
        raise DataError(f"cannot read sheet '{sheet}' ({exc})", path=path) from None
    years = UNDESA_YEARS[edition]
    columns = [str(c).strip() for c in raw.columns]
    dest_code = next((c for c in columns if c.lower().startswith("location code of destination")), None)
    orig_code = next((c for c in columns if c.lower().startswith("location code of origin")), None)
    if dest_code is None or orig_code is None:
        raise SchemaError(
            "no 'Location code of destination' / 'Location code of origin' columns in the header; "
            f"is row {header_row} the header row of sheet '{sheet}'? (header_row=...)",
            path=path, row=header_row,
        )
    raw.columns = columns
    year_columns = [c for c in columns if c.split(".")[0].split("...")[0].strip() in map(str, years)]
    if len(year_columns) != 3 * len(years):
        raise SchemaError(
            f"expected {3 * len(years)} year columns (both sexes, males, females for "
            f"{years[0]}-{years[-1]}), found {len(year_columns)}",
            path=path, row=header_row,
        )
    codes = raw[[dest_code, orig_code]].apply(pd.to_numeric, errors="coerce")
    keep = codes[dest_code].isin(_M49_TO_ISO3) & codes[orig_code].isin(_M49_TO_ISO3)
    keep &= codes[dest_code] != codes[orig_code]
    selected = raw.loc[keep]
    frames = []
    for block, sex in enumerate(UNDESA_SEXES):
        for i, year in enumerate(years):
            column = year_columns[block * len(years) + i]
            frames.append(
                pd.DataFrame(
                    {
                        "edition": edition,
                        "year": year,
                        "sex": sex,
                        "orig": codes.loc[keep, orig_code].astype(int).map(_M49_TO_ISO3).to_numpy(),
                        "dest": codes.loc[keep, dest_code].astype(int).map(_M49_TO_ISO3).to_numpy(),
                        "stock": _to_count(selected[column]).to_numpy(),
                    }
                )
            )
    long = pd.concat(frames, ignore_index=True)
    long["stock"] = long["stock"].astype("Int64")
    long["edition"] = long["edition"].astype("Int64")
    long["year"] = long["year"].astype("Int64")
    return long.sort_values(["edition", "year", "sex", "orig", "dest"]).reset_index(drop=True)


#: Aggregate rows and columns of the World Bank matrix, dropped by the reader.
WORLD_BANK_AGGREGATES = ("Other North", "Other South", "World")


def read_worldbank_matrix(
    path: str | os.PathLike, year: int, *, keep_all: bool = False
) -> pd.DataFrame:
    """Read the World Bank / KNOMAD bilateral migration matrix into ``orig, dest, migrants``.

    Parameters
    ----------
    path : str or os.PathLike
        The official ``.xlsx`` (title on row 1, header on row 2) or a CSV of the same matrix.
        Source (origin) countries run down the rows, destinations across the columns.
    year : int
        Vintage of the matrix (2013, 2017), written into the ``year`` column.
    keep_all : bool, default False
        Keep pairs whose names are outside the 15 economies (their ISO3 is then missing) and
        self-pairs, with the published names in ``orig_name`` and ``dest_name``.

    Returns
    -------
    pandas.DataFrame
        Columns ``year``, ``orig``, ``dest`` (ISO3), ``migrants`` (persons, nullable integer),
        plus ``orig_name``, ``dest_name`` when ``keep_all``; sorted by ``orig, dest``. The
        aggregates ``Other North``, ``Other South`` and ``World`` are dropped; names are
        resolved with :func:`mixedmig.countries.to_iso3`.

    Raises
    ------
    mixedmig.errors.DataError
        If the file does not exist.

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
    if not path.is_file():
        raise DataError("file not found; check the path", path=path)
    if path.suffix.lower() in (".xlsx", ".xls"):
        matrix = pd.read_excel(path, header=1, index_col=0, dtype=object)
    else:
        matrix = pd.read_csv(path, header=1, index_col=0, dtype=object, thousands=",")
    matrix.index = matrix.index.map(lambda v: str(v).strip())
    matrix.columns = [str(c).strip() for c in matrix.columns]
    matrix = matrix.loc[
        ~matrix.index.isin(WORLD_BANK_AGGREGATES) & (matrix.index != "nan"),
        [c for c in matrix.columns if c not in WORLD_BANK_AGGREGATES and not c.startswith("Unnamed")],
    ]
    matrix = matrix[~matrix.index.str.startswith("Notes")]
    long = matrix.stack(future_stack=True).rename("migrants").reset_index()
    long.columns = ["orig_name", "dest_name", "migrants"]
    long["migrants"] = _to_count(long["migrants"].astype(str).str.replace(",", "", regex=False))

    def resolve(name):
        try:
            return countries.to_iso3(name)
        except UnknownCountryError:
            return None

    long["orig"] = long["orig_name"].map(resolve)
    long["dest"] = long["dest_name"].map(resolve)
    if not keep_all:
        long = long[long["orig"].notna() & long["dest"].notna()]
        long = long.drop(columns=["orig_name", "dest_name"])
    long = long[long["orig"] != long["dest"]] if not keep_all else long
    long.insert(0, "year", year)
    ordered = ["year", "orig", "dest", "migrants"] + (["orig_name", "dest_name"] if keep_all else [])
    return long[ordered].sort_values(["orig", "dest"], na_position="last").reset_index(drop=True)


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


def read_unhcr_population(path: str | os.PathLike, *, involving=None) -> pd.DataFrame:
    """Read a UNHCR population table into ``year, orig, asylum, refugees, asylum_seekers``.

    Parameters
    ----------
    path : str or os.PathLike
        A Refugee Data Finder CSV export (columns of :data:`UNHCR_COLUMNS`, after a preamble;
        the header row is found by its ``Year`` cell) or a table with the ``refugees``
        data-package columns (:data:`UNHCR_PACKAGE_COLUMNS`).
    involving : iterable of str, optional
        ISO3 codes; keep only rows whose origin or asylum country is one of them.

    Returns
    -------
    pandas.DataFrame
        Columns ``year`` (Int64), ``orig_name``, ``orig``, ``asylum_name``, ``asylum`` (the
        ISO3 columns of the file: UNHCR's own codes such as MYA are not used), ``refugees`` and
        ``asylum_seekers`` (persons, nullable integers; ``-`` = missing), sorted by
        ``year, orig, asylum``.

    Raises
    ------
    mixedmig.errors.DataError
        If the file does not exist.
    mixedmig.errors.SchemaError
        If no header row starts with ``Year``, a column is missing, or a year is not a number
        (row and column given).

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
    if not path.is_file():
        raise DataError("file not found; check the path", path=path)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header_index = next(
        (i for i, line in enumerate(lines) if line.startswith(("Year,", '"Year"', "year,"))), None
    )
    if header_index is None:
        raise SchemaError(
            "no header row starting with 'Year' found; is this a UNHCR population export?",
            path=path,
        )
    frame = pd.read_csv(path, skiprows=header_index, dtype=str, keep_default_na=False,
                        encoding="utf-8-sig")
    mapping = UNHCR_COLUMNS if "Year" in frame.columns else UNHCR_PACKAGE_COLUMNS
    missing = [c for c in mapping if c not in frame.columns]
    if missing:
        raise SchemaError(
            f"missing column(s) {missing} in the UNHCR export", path=path,
            row=header_index + 1, column=missing[0],
        )
    frame = frame[list(mapping)].rename(columns=mapping)
    years = pd.to_numeric(frame["year"], errors="coerce")
    bad = years.isna()
    if bad.any():
        raise SchemaError(
            f"'{frame['year'][bad].iloc[0]}' is not a year; the column must hold whole numbers",
            path=path, row=header_index + 2 + int(bad.to_numpy().argmax()), column="year",
        )
    frame["year"] = years.astype("Int64")
    for column in ("refugees", "asylum_seekers"):
        frame[column] = _to_count(frame[column].replace({"-": ""}))
    if involving is not None:
        codes = set(involving)
        frame = frame[frame["orig"].isin(codes) | frame["asylum"].isin(codes)]
    return frame.sort_values(["year", "orig", "asylum"]).reset_index(drop=True)
