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
``keep_all=True``; unknown names are reported, never guessed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from .. import countries
from ..errors import DataError, SchemaError, UnknownCountryError

UNDESA_SEXES = ("total", "male", "female")
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

    Returns the columns of the curated ``undesa_ims_bilateral`` table: edition, year, sex, orig,
    dest, stock, for pairs of the 15 economies (matched on M49 codes, so spelling does not
    matter). Self-pairs are dropped; missing ('..') stays missing.
    """
    path = Path(path)
    if edition not in UNDESA_YEARS:
        raise DataError(
            f"edition {edition} is not supported by this reader; supported: "
            f"{sorted(UNDESA_YEARS)} (2019 and older editions use a wide matrix layout)",
            path=path,
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


WORLD_BANK_AGGREGATES = ("Other North", "Other South", "World")


def read_worldbank_matrix(
    path: str | os.PathLike, year: int, *, keep_all: bool = False
) -> pd.DataFrame:
    """Read the World Bank / KNOMAD bilateral migration matrix into ``orig, dest, migrants``.

    Accepts the official .xlsx (title row, header on row 2) or a CSV of the same matrix. Source
    (origin) countries run down, destinations across; 'Other North', 'Other South' and 'World'
    rows and columns are aggregates and are dropped. Names are resolved with
    :func:`mixedmig.countries.to_iso3`; names outside the 15 economies are dropped unless
    ``keep_all=True`` (then their names are kept in ``orig_name``/``dest_name``).
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


UNHCR_COLUMNS = {
    "Year": "year",
    "Country of origin": "orig_name",
    "Country of origin (ISO)": "orig",
    "Country of asylum": "asylum_name",
    "Country of asylum (ISO)": "asylum",
    "Refugees under UNHCR's mandate": "refugees",
    "Asylum-seekers": "asylum_seekers",
}
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
    """Read a UNHCR population table (Refugee Data Finder CSV export, or the ``refugees``
    data-package columns) into ``year, orig, asylum, refugees, asylum_seekers``.

    The Refugee Data Finder export starts with a preamble; the header row is found by its
    'Year' cell. ISO3 columns are used (UNHCR's own codes such as MYA or CHI are not ISO).
    ``involving`` (ISO3 codes) keeps rows whose origin or asylum is one of them.
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
    frame["year"] = pd.to_numeric(frame["year"], errors="raise").astype("Int64")
    for column in ("refugees", "asylum_seekers"):
        frame[column] = _to_count(frame[column].replace({"-": ""}))
    if involving is not None:
        codes = set(involving)
        frame = frame[frame["orig"].isin(codes) | frame["asylum"].isin(codes)]
    return frame.sort_values(["year", "orig", "asylum"]).reset_index(drop=True)
