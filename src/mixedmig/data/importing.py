"""Import an official file on disk into a schema kind's tidy shape, validated and saved.

``import_official(source, path)`` reads a file the researcher downloaded (with
:func:`mixedmig.data.fetch` or by hand) with the reader of its layout
(:mod:`mixedmig.data.readers`, :mod:`mixedmig.data.ctdc`), keeps **every country of the
registry** (not only the 15 study economies), drops aggregates (UN DESA M49 codes of 900 and
above, ``World``, regions, income groups) and reports them, then validates the table against
its schema kind and writes it with :func:`mixedmig.data.save_imported` -- a CSV and a manifest
recording the source, edition, the original file's name and sha256, and the date it was read.
A notebook then loads it by name: ``data.load("undesa_ims_bilateral_2024")``.

=========================  ====================================  ===================
source                     file                                  kind
=========================  ====================================  ===================
``undesa_ims_bilateral``   UN DESA destination x origin          ``bilateral_stocks``
                           workbook, 2020 or 2024 edition, or
                           2017 / 2019 (wide layout, Tables 1-3)
``worldbank_bilateral``    World Bank / KNOMAD matrix, 2013      ``bilateral_stocks``
                           or 2017 (``sex`` = ``total``)
``unhcr_population``       Refugee Data Finder export (CSV, or   ``displacement_stocks``
                           the API's zip): every population
                           type of the file by origin and asylum
``unhcr_refugees``         the same file: refugees under         ``bilateral_stocks``
                           UNHCR's mandate only, as migrant
                           stocks (self-pairs dropped)
``wdi``                    WDI bulk ``API_`` CSV (or its zip)    ``country_covariates``
                           or a DataBank extract
``wpp``                    WPP ``TotalPopulationBySex`` CSV      ``population``
                           (``.csv.gz``)
``ctdc_k_anonymised``,     CTDC Global Dataset / Global          ``case_records``
``ctdc_synthetic``         Synthetic Dataset
=========================  ====================================  ===================

A UNHCR file is imported in one of two ways. ``unhcr_population`` keeps every population type
the file has (refugees, asylum-seekers, returned refugees, IDPs, returned IDPs, stateless
persons, others of concern, other people in need of international protection, host community)
as a ``displacement_stocks`` table, the shape of the shipped ``unhcr_refugees_gms``: UNHCR's
non-country codes XXA (stateless) and UNK (unknown origin or asylum) are kept verbatim, and IDP
rows keep origin = asylum. ``unhcr_refugees`` keeps only the refugees, as a
``bilateral_stocks`` table (origin = country of origin, destination = country of asylum,
``stock`` = refugees under UNHCR's mandate at the end of the year, ``source`` says so), for
flow and gravity work; self-pairs and the XXA/UNK rows are dropped there. Either way, rows
whose origin or asylum is blank (UNHCR's ``Unknown`` asylum with an empty ISO3 cell), an
aggregate or a code the registry does not know are dropped and reported, with the rows each
had. Headers are matched ignoring case and spacing (UNHCR's own ``Returned IDPss`` of the API
download is read as returned IDPs); a column the reader does not know is reported
(``columns_not_read``, "Columns not read: ..."), never dropped silently. Refugees are counted
by nationality and UN DESA migrant stocks include them: never add the two.

A UNHCR file's edition is never read from its name (a name such as
``unhcr_population_ind_bgd_2025.csv`` may give the data's years, not the release): pass
``edition=`` (``--edition``), else the manifest records none and the summary says so.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import DataError, InputError
from . import readers
from .kinds import KINDS

__all__ = ["IMPORT_SOURCES", "NOTEBOOK_INPUTS", "ImportedTable", "OfficialTable",
           "import_official", "official_file_hint", "read_official"]

#: The sources :func:`import_official` reads, with the schema kind each becomes.
IMPORT_SOURCES = {
    "undesa_ims_bilateral": "bilateral_stocks",
    "worldbank_bilateral": "bilateral_stocks",
    "unhcr_population": "displacement_stocks",
    "unhcr_refugees": "bilateral_stocks",
    "wdi": "country_covariates",
    "wpp": "population",
    "ctdc_k_anonymised": "case_records",
    "ctdc_synthetic": "case_records",
}
_PUBLISHER = {
    "undesa_ims_bilateral": "UN DESA International Migrant Stock {edition}",
    "worldbank_bilateral": "World Bank/KNOMAD Bilateral Migration Matrix {edition}",
    "unhcr_population": "UNHCR Refugee Data Finder: population statistics by population type",
    "unhcr_refugees": "UNHCR Refugee Data Finder: refugees under UNHCR's mandate",
    "wdi": "World Bank World Development Indicators",
    "wpp": "UN World Population Prospects {edition}",
    "ctdc_k_anonymised": "CTDC Global Dataset (k-anonymised)",
    "ctdc_synthetic": "CTDC Global Synthetic Dataset",
}
#: The notebook parameters that take a table of each kind (their ``parameters`` cells): a
#: table name or a CSV path given there replaces the shipped default.
NOTEBOOK_INPUTS = {
    "bilateral_stocks": ("STOCKS (notebooks 00-03, 08; profile), COMPARE_STOCKS (01), "
                         "STOCKS_WORLD_BANK (08)"),
    "displacement_stocks": "REFUGEES (notebook 08; profile)",
    "population": "POPULATION (notebook 02)",
}
#: A variable name for the table of each kind in the "In a notebook" line.
_VARIABLE = {"bilateral_stocks": "stocks", "displacement_stocks": "displacement",
             "population": "population", "country_covariates": "covariates",
             "case_records": "cases", "od_flows": "flows"}
#: Import sources read from the file of another download source (``mixedmig fetch`` name).
_FETCHED_AS = {"unhcr_refugees": "unhcr_population"}
#: Non-country codes some kinds keep verbatim (UNHCR's XXA, UNK): not counted as countries.
_NON_COUNTRY_CODES = frozenset(code for kind in KINDS.values() for column in kind.columns
                               for code in column.extra_codes)


@dataclass(frozen=True)
class OfficialTable:
    """An official file read into its schema kind's tidy shape (not yet saved).

    Parameters
    ----------
    source : str
        The source (a key of :data:`IMPORT_SOURCES`).
    edition : str or None
        Edition, vintage or indicator.
    kind : str
        The schema kind of ``frame``.
    frame : pandas.DataFrame
        The tidy table.
    dropped : pandas.DataFrame
        Codes or names left out, one row each: ``code``, ``name``, ``reason``
        (``aggregate``; ``unknown``: not a country of the registry; ``blank ISO3``: rows whose
        ISO3 cell is empty, ``code`` empty and ``name`` the publisher's name) and ``rows``
        (how many rows of the file had it; missing where a code heads a column of a matrix).
    label : str
        The publisher's name of the dataset, for the manifest's ``source``.
    columns_not_read : tuple of str, default ()
        Columns of the file the reader does not know, as the file spells them (UNHCR files):
        reported, never dropped silently.
    """

    source: str
    edition: str | None
    kind: str
    frame: pd.DataFrame
    dropped: pd.DataFrame
    label: str
    columns_not_read: tuple = ()


@dataclass(frozen=True)
class ImportedTable:
    """What :func:`import_official` wrote.

    Parameters
    ----------
    name : str
        The table's name: ``data.load(name)`` reads it.
    path : pathlib.Path
        The CSV written (its manifest ``<name>.yml`` sits beside it).
    kind : str
        The schema kind.
    source, edition : str
        Source and edition.
    rows : int
        Rows written.
    countries : int
        Distinct countries in the table (UNHCR's non-country codes XXA and UNK not counted).
    dropped : pandas.DataFrame
        Codes or names left out (``code``, ``name``, ``reason``, ``rows``).
    original : pathlib.Path
        The official file read.
    original_sha256 : str
        Its sha256 (recorded in the manifest).
    columns_not_read : tuple of str, default ()
        Columns of the file the reader does not know (reported by ``summary()``).
    """

    name: str
    path: Path
    kind: str
    source: str
    edition: str | None
    rows: int
    countries: int
    dropped: pd.DataFrame = field(repr=False)
    original: Path
    original_sha256: str
    columns_not_read: tuple = ()

    def summary(self) -> str:
        """A few lines for a person: what was written, what was dropped, how to load it.

        Returns
        -------
        str
            The text ``mixedmig import`` prints.

        Examples
        --------
        >>> from pathlib import Path
        >>> import pandas as pd
        >>> t = ImportedTable("wpp_2024", Path("/x/wpp_2024.csv"), "population", "wpp", "2024",
        ...                   10, 5, pd.DataFrame(columns=["code", "name", "reason"]),
        ...                   Path("/d/WPP.csv.gz"), "ab" * 32)
        >>> print("\\n".join(t.summary().splitlines()[-2:]))
        In a notebook: population = data.load("wpp_2024")
        Notebook parameters taking a population table: POPULATION (notebook 02), e.g. -p POPULATION wpp_2024
        """
        lines = [f"Imported {self.original.name} ({self.source}"
                 f"{', edition ' + str(self.edition) if self.edition else ''}) as the "
                 f"{self.kind} table {self.name!r}: {self.rows} rows, {self.countries} "
                 f"countries.", f"Written to {self.path} (manifest {self.path.with_suffix('.yml')})"]
        if self.edition is None and self.source != "wdi":
            lines.append(f"No edition recorded (a {self.source} file's name is not read for "
                         f"one): pass --edition YEAR to record it (`mixedmig import "
                         f"{self.source} {self.original.name} --edition YEAR` writes the table "
                         f"{self.source}_YEAR)")
        if self.columns_not_read:
            lines.append(f"Columns not read: {', '.join(map(repr, self.columns_not_read))} "
                         f"(not a column {self.source} knows; they are not in the table)")
        dropped = self.dropped
        rows = dropped["rows"] if "rows" in dropped else pd.Series(pd.NA, index=dropped.index)
        for reason, part in dropped.groupby("reason", sort=True):
            counted = rows.loc[part.index]
            items = [_dropped_item(c, n, r) for c, n, r in zip(part["code"], part["name"],
                                                              counted)]
            shown = ", ".join(items[:12]) + (", ..." if len(items) > 12 else "")
            total = (f" ({int(counted.sum())} row{'s' if counted.sum() != 1 else ''})"
                     if counted.notna().all() and len(part) > 1 else "")
            if reason == "blank ISO3":
                lines.append(f"Dropped the rows whose country ISO3 cell is blank{total}: {shown}")
            else:
                lines.append(f"Dropped {len(part)} {reason} code(s){total}: {shown}")
        variable = _VARIABLE.get(self.kind, "table")
        lines.append(f'In a notebook: {variable} = data.load("{self.name}")')
        if self.kind in NOTEBOOK_INPUTS:
            first = NOTEBOOK_INPUTS[self.kind].split(" ", 1)[0]
            lines.append(f"Notebook parameters taking a {self.kind.replace('_', ' ')} table: "
                         f"{NOTEBOOK_INPUTS[self.kind]}, e.g. -p {first} {self.name}")
        return "\n".join(lines)


def _dropped_item(code: str, name: str, rows) -> str:
    """One dropped code for people: ``XXA (Stateless; 12 rows)``, ``'Unknown' (3 rows)``."""
    count = "" if pd.isna(rows) else f"{int(rows)} row{'s' if int(rows) != 1 else ''}"
    if not code:  # a blank ISO3 cell: the publisher's name is all there is
        return f"{name!r}" + (f" ({count})" if count else "")
    facts = [f for f in (name if name and name != code else "", count) if f]
    return code + (f" ({'; '.join(facts)})" if facts else "")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _dropped_frame(dropped: dict) -> pd.DataFrame:
    """``code, name, reason, rows`` from ``{code: (name, reason[, rows])}``; a tuple key
    ``("", name)`` is a blank ISO3 cell."""
    records = []
    for key, value in dropped.items():
        code = key[0] if isinstance(key, tuple) else str(key)
        records.append((code, value[0], value[1], value[2] if len(value) > 2 else None))
    frame = pd.DataFrame(records, columns=["code", "name", "reason", "rows"])
    frame["rows"] = frame["rows"].astype("Int64")
    frame = frame.sort_values(["reason", "code", "name"], kind="stable")
    return frame.reset_index(drop=True)


def _edition_from(path: Path, allowed, what: str, source: str) -> int:
    found = sorted({int(y) for y in re.findall(r"(?:19|20)[0-9]{2}", path.name)
                    if int(y) in allowed})
    if len(found) == 1:
        return found[0]
    raise InputError(f"cannot tell the {what} of {path.name} from its name; pass it: "
                     f"`mixedmig import {source} {path.name} --edition E` "
                     f"(E one of {', '.join(map(str, allowed))})")


def _member(path: Path, pattern: str, tmp: str, source: str) -> Path:
    """The file of a zip archive whose name matches ``pattern``, extracted into ``tmp``."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist()
                     if re.fullmatch(pattern, n.rsplit("/", 1)[-1], flags=re.IGNORECASE)]
            if len(names) != 1:
                raise DataError(
                    f"the archive holds {archive.namelist()}; expected exactly one file named "
                    f"like {pattern!r} for {source}. Extract the right CSV and import it",
                    path=path)
            target = Path(tmp) / names[0].rsplit("/", 1)[-1]
            target.write_bytes(archive.read(names[0]))
            return target
    except zipfile.BadZipFile:
        raise DataError("the file ends in .zip but is not a zip archive; download it again",
                        path=path) from None


def _bilateral(frame: pd.DataFrame, value: str, edition, label: str) -> pd.DataFrame:
    out = pd.DataFrame({
        "orig": frame["orig"].astype(object),
        "dest": frame["dest"].astype(object),
        "year": frame["year"].astype("Int64"),
        "sex": frame["sex"].astype(object) if "sex" in frame else "total",
        "stock": frame[value].astype("Int64"),
    })
    if edition is not None:
        out["edition"] = str(edition)
    out["source"] = label
    return out.sort_values(["year", "sex", "orig", "dest"], kind="stable").reset_index(drop=True)


def _read_unhcr(source: str, path: Path, tmp: str, dropped: dict, edition,
                not_read: list) -> pd.DataFrame:
    """A UNHCR file as ``displacement_stocks`` (``unhcr_population``) or refugees-only
    ``bilateral_stocks`` (``unhcr_refugees``); left-out codes recorded in ``dropped``, columns
    the reader does not know in ``not_read``."""
    if path.suffix.lower() == ".zip":
        path_read = _member(path, r"(population|persons_of_concern)\.csv", tmp, source)
    else:
        path_read = path
    raw = readers.read_unhcr_population(path_read, blank_iso="keep")
    not_read.extend(raw.attrs.get("columns_not_read", ()))
    displacement = IMPORT_SOURCES[source] == "displacement_stocks"
    kind = KINDS["displacement_stocks"]
    resolved = {}
    for column, name in (("orig", "orig_name"), ("asylum", "asylum_name")):
        keep = kind.column(column).extra_codes if displacement else ()
        codes: dict = {}
        reasons: dict = {}
        for code, label in zip(raw[column], raw[name]):  # every dropped row is counted
            if pd.isna(code):
                readers._drop(dropped, ("", label), label, "blank ISO3")
                continue
            if code not in codes:
                if code in keep:  # UNHCR's XXA (stateless), UNK (unknown): kept verbatim
                    codes[code], reasons[code] = code, None
                else:
                    codes[code], reasons[code] = readers._resolve_location(code)
            if codes[code] is None:
                readers._drop(dropped, code, label, reasons[code])
        resolved[column] = codes

    def code_of(column):
        return lambda code: None if pd.isna(code) else resolved[column][code]

    raw = raw.assign(orig=raw["orig"].map(code_of("orig")),
                     asylum=raw["asylum"].map(code_of("asylum")))
    raw = raw[raw["orig"].notna() & raw["asylum"].notna()]
    if not displacement:  # refugees only: no self-pairs, no row without a refugee figure
        raw = raw[(raw["orig"] != raw["asylum"]) & raw["refugees"].notna()]
        raw = raw.rename(columns={"asylum": "dest"})
        return _bilateral(raw, "refugees", edition, _PUBLISHER[source])
    counts = [c for c in ("refugees", "asylum_seekers", *readers.UNHCR_OPTIONAL_COUNTS)
              if c in raw.columns]
    frame = pd.DataFrame({"year": raw["year"].astype("Int64"),
                          "orig": raw["orig"].astype(object),
                          "asylum": raw["asylum"].astype(object),
                          **{c: raw[c].astype("Int64") for c in counts}})
    frame["source"] = _PUBLISHER[source]
    return frame.sort_values(["year", "orig", "asylum"], kind="stable").reset_index(drop=True)


def read_official(source: str, path, *, edition=None) -> OfficialTable:
    """Read an official file into its schema kind's tidy shape, every registry country kept.

    Parameters
    ----------
    source : str
        A key of :data:`IMPORT_SOURCES` (the same names as :func:`mixedmig.data.fetch`; the
        file of ``unhcr_refugees`` is the ``unhcr_population`` download).
    path : str or os.PathLike
        The file on disk (``.xlsx``, ``.csv``, ``.csv.gz``, ``.tsv``, or the ``.zip`` the UNHCR
        and WDI download links give).
    edition : str or int, optional
        UN DESA edition (2017, 2019, 2020, 2024), World Bank vintage (2013, 2017), WPP revision; by
        default read from the file name (``..._2024_...``), else an InputError asks for it.
        For WDI and CTDC it is only a label.

    Returns
    -------
    OfficialTable
        The tidy ``frame`` (columns of its ``kind``), the ``dropped`` codes (aggregates and
        codes the registry does not know) and the dataset ``label``.

    Raises
    ------
    mixedmig.errors.InputError
        If the source is unknown or the edition cannot be told; or a CTDC file's layout
        (detected by :func:`mixedmig.data.ctdc.detect_ctdc_layout`; a column subset of the
        k-anonymised release counts as k-anonymised) is not the ``source`` given
        (``ctdc_k_anonymised`` or ``ctdc_synthetic``): the message names both.
    mixedmig.errors.DataError
        Any located problem of the file (see the readers).

    Examples
    --------
    A made-up WDI bulk file (the values are invented):

    >>> import os, tempfile
    >>> from mixedmig.data.importing import read_official
    >>> text = ('"Data Source","World Development Indicators",\\n\\n'
    ...         '"Last Updated Date","2022-02-15",\\n\\n'
    ...         '"Country Name","Country Code","Indicator Name","Indicator Code","2020",\\n'
    ...         '"Thailand","THA","GDP per capita","NY.GDP.PCAP.CD","7000.5",\\n'
    ...         '"World","WLD","GDP per capita","NY.GDP.PCAP.CD","11000",\\n')
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "API_NY.GDP.PCAP.CD_DS2_en_csv_v2_1.csv")
    ...     with open(path, "w") as f:
    ...         _ = f.write(text)
    ...     table = read_official("wdi", path)
    >>> table.kind, table.frame.to_dict("records")
    ('country_covariates', [{'country': 'THA', 'year': 2020, 'ny_gdp_pcap_cd': 7000.5}])
    >>> table.dropped["code"].tolist()
    ['WLD']
    """
    if source not in IMPORT_SOURCES:
        raise InputError(f"unknown source {source!r}; `mixedmig import` reads "
                         f"{', '.join(IMPORT_SOURCES)}")
    path = Path(path)
    if not path.is_file():
        raise DataError("file not found; check the path (download it with `mixedmig fetch "
                        f"{_FETCHED_AS.get(source, source)}` or from the publisher's page)",
                        path=path)
    kind = IMPORT_SOURCES[source]
    try:
        return _read_official(source, path, kind, edition)
    except DataError as error:
        fix = _kind_shape_fix(path, kind, source)
        if fix is not None and not getattr(error, "hint", None):
            error.hint = fix
            error.args = (f"{error.args[0]}\nHint: {fix}",) + error.args[1:]
        raise


def _read_official(source: str, path: Path, kind: str, edition) -> OfficialTable:
    not_read: list = []
    with tempfile.TemporaryDirectory() as tmp:
        dropped: dict = {}
        if source == "undesa_ims_bilateral":
            editions = sorted({*readers.UNDESA_YEARS, *readers.UNDESA_WIDE_YEARS})
            edition = (int(edition) if edition is not None else
                       _edition_from(path, editions, "edition", source))
            if edition in readers.UNDESA_WIDE_YEARS:
                raw, dropped, edition = readers._read_undesa_wide(path, edition, keep_all=True)
            else:
                raw, dropped = readers._read_undesa(path, edition, keep_all=True)
            # '..' and '-' mark a year with no estimate (the wide matrix has a cell for every
            # origin): a missing estimate is not a figure, so the cell is left out
            raw = raw[raw["stock"].notna()]
            frame = _bilateral(raw, "stock", edition, _PUBLISHER[source].format(edition=edition))
        elif source == "worldbank_bilateral":
            edition = (int(edition) if edition is not None else
                       _edition_from(path, (2013, 2017), "vintage", source))
            raw = readers.read_worldbank_matrix(path, edition, keep_all=True)
            unknown = raw["orig"].isna() | raw["dest"].isna()
            for column in ("orig", "dest"):
                for name in sorted(set(raw.loc[raw[column].isna(), f"{column}_name"])):
                    dropped[name] = (name, "unknown")
            raw = raw[~unknown & (raw["orig"] != raw["dest"])]
            frame = _bilateral(raw, "migrants", edition,
                               _PUBLISHER[source].format(edition=edition))
        elif source in ("unhcr_population", "unhcr_refugees"):
            frame = _read_unhcr(source, path, tmp, dropped, edition, not_read)
        elif source == "wdi":
            if path.suffix.lower() == ".zip":
                path_read = _member(path, r"API_.*\.csv", tmp, source)
            else:
                path_read = path
            frame, dropped = readers._read_wdi(path_read, keep_all=True)
        elif source == "wpp":
            edition = edition if edition is not None else (
                _edition_from(path, range(2010, 2100), "revision", source))
            frame, dropped = readers._read_wpp(path, keep_all=True)
        else:
            from .ctdc import read_ctdc

            frame = read_ctdc(path)
            _check_ctdc_source(source, path, frame)
    edition = None if edition is None else str(edition)
    return OfficialTable(source, edition, kind, frame, _dropped_frame(dropped),
                         _PUBLISHER[source].format(edition=edition or "").strip(),
                         tuple(not_read))


#: The import sources of each official layout :func:`readers._official_layout` recognises.
_LAYOUT_SOURCES = {
    "unhcr": (("unhcr_population", "a UNHCR population export"),
              ("unhcr_refugees", "a UNHCR population export")),
    "wdi": (("wdi", "a World Bank WDI file"),),
    "wpp": (("wpp", "a UN WPP population file"),),
}


def official_file_hint(path, kind: str) -> str | None:
    """The import to run when a file that failed schema kind ``kind`` is an official file.

    A raw official download (UNHCR population export, WDI bulk file, UN WPP CSV) is not in a
    kind's tidy shape: ``mixedmig import SOURCE FILE`` reads it. The header is recognised
    from the file's first lines (:func:`mixedmig.data.readers` layouts); a hint is given only
    when an import source of that layout produces ``kind``.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file that failed.
    kind : str
        The schema kind it was checked against.

    Returns
    -------
    str or None
        One sentence naming the layout and the command, or None.

    Examples
    --------
    A made-up export header (no rows needed):

    >>> import os, tempfile
    >>> from mixedmig.data.importing import official_file_hint
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "export.csv")
    ...     with open(path, "w") as f:
    ...         _ = f.write("Year,Country of origin,Country of origin (ISO),Country of "
    ...                     "asylum,Country of asylum (ISO),Refugees under UNHCR's mandate\\n")
    ...     print(official_file_hint(path, "displacement_stocks"))
    this looks like a UNHCR population export, not a table in the shape of kind 'displacement_stocks': import it with `mixedmig import unhcr_population export.csv` (Python: import_official('unhcr_population', path)), then load it by the name it prints
    >>> print(official_file_hint(path, "population"))
    None
    """
    path = Path(path)
    layout = readers._official_layout(path) if path.is_file() else None
    for source, what in _LAYOUT_SOURCES.get(layout, ()):
        if IMPORT_SOURCES[source] == kind:
            return (f"this looks like {what}, not a table in the shape of kind '{kind}': "
                    f"import it with `mixedmig import {source} {path.name}` (Python: "
                    f"import_official({source!r}, path)), then load it by the name it prints")
    return None


def _kind_shape_fix(path: Path, kind: str, source: str) -> str | None:
    """The fix when a file given to ``mixedmig import`` is already in ``kind``'s tidy shape
    (its header names every required column of the kind, by name or alias): no import is
    needed. None for any other file (or one that cannot be read as CSV text)."""
    import csv

    if path.suffix.lower() not in (".csv", ".txt", ".tsv", "") or not path.is_file():
        return None
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as stream:
            first = stream.readline(1 << 16)
    except OSError:
        return None
    header = next(csv.reader([first]), [])
    if readers._official_layout(path) is not None:  # an official file with another problem
        return None
    spec = KINDS[kind]
    names = {}
    for column in spec.columns:
        for name in (column.name, *column.aliases):
            names[name.casefold()] = column.name
    found = {names.get(h.strip().casefold()) for h in header}
    if not all(c in found for c in spec.required):
        return None
    where = (f"pass its absolute path as a notebook parameter: {NOTEBOOK_INPUTS[kind]}"
             if kind in NOTEBOOK_INPUTS else "pass its path as a notebook's input parameter")
    return (f"{path.name} is already in the shape of schema kind '{kind}' (not an official "
            f"{source} file), so no import is needed: load it with data.load(path, "
            f"kind=\"{kind}\") (check it first with `mixedmig validate {path.name} --schema "
            f"{kind}`), or {where}")


def _check_ctdc_source(source: str, path: Path, frame: pd.DataFrame) -> None:
    """Refuse a CTDC file whose detected layout is not the ``source`` it is imported as.

    The layout is the one :func:`mixedmig.data.ctdc.read_ctdc` detected (its ``dataset``
    column); a ``k_anonymised_subset`` file counts as ``ctdc_k_anonymised``.
    """
    from .ctdc import _read_strings, detect_ctdc_layout

    if len(frame):
        detected = str(frame["dataset"].iloc[0])
    else:  # a header without rows: tell the layout from the header alone
        header = _read_strings(path).columns
        detected = ("ctdc_synthetic" if detect_ctdc_layout(header) == "synthetic"
                    else "ctdc_k_anonymised")
    if detected == source:
        return
    layout = {"ctdc_synthetic": "synthetic", "ctdc_k_anonymised": "k-anonymised"}
    raise InputError(
        f"{path} is in the CTDC {layout[detected]} layout ({_PUBLISHER[detected]}), but it was "
        f"imported as {source} ({_PUBLISHER[source]}); its records and manifest would be "
        f"mislabelled. Import it as {detected}: `mixedmig import {detected} {path}` (Python: "
        f"import_official({detected!r}, path))")


def import_official(source: str, path, *, edition=None, name: str | None = None,
                    overwrite: bool = False) -> ImportedTable:
    """Read an official file, validate it against its kind and save it for ``data.load``.

    Parameters
    ----------
    source : str
        A key of :data:`IMPORT_SOURCES`.
    path : str or os.PathLike
        The official file on disk.
    edition : str or int, optional
        See :func:`read_official`.
    name : str, optional
        The table's name; by default ``<source>_<edition>`` (``undesa_ims_bilateral_2024``,
        ``wdi_ny_gdp_pcap_cd`` for a one-indicator WDI file).
    overwrite : bool, default False
        Replace an earlier import of that name.

    Returns
    -------
    ImportedTable
        Where it was written, rows, countries, the dropped codes; ``summary()`` for people.

    Raises
    ------
    mixedmig.errors.InputError
        See :func:`read_official`; also if ``name`` is taken (``overwrite=False``) or is a
        curated table's name (raised by :func:`mixedmig.data.save_imported`).
    mixedmig.errors.DataError
        A located problem of the file, or the table fails its kind's validation.

    Examples
    --------
    >>> from mixedmig.data.importing import import_official
    >>> import_official("undesa", "x.xlsx")
    Traceback (most recent call last):
    ...
    mixedmig.errors.InputError: unknown source 'undesa'; `mixedmig import` reads undesa_ims_bilateral, worldbank_bilateral, unhcr_population, unhcr_refugees, wdi, wpp, ctdc_k_anonymised, ctdc_synthetic
    """
    table = read_official(source, path, edition=edition)
    path = Path(path)
    if name is None:
        tail = table.edition
        if source == "wdi":
            indicators = list(table.frame.columns[2:])
            tail = indicators[0] if len(indicators) == 1 else "indicators"
        name = f"{source}_{tail}" if tail else source
    from .. import data as _data

    save_imported = getattr(_data, "save_imported", None)
    if save_imported is None:  # pragma: no cover - the catalog always provides it
        raise InputError("mixedmig.data.save_imported is missing from this installation; "
                         "update mixedmig")

    sha = _sha256(path)
    written = save_imported(
        table.frame, name, kind=table.kind, source=table.label, edition=table.edition,
        original=path.name, original_sha256=sha, read_date=_dt.date.today().isoformat(),
        overwrite=overwrite,
    )
    frame = table.frame
    country_columns = [c for c in ("orig", "dest", "asylum", "country", "citizenship",
                                   "country_of_exploitation") if c in frame]
    distinct = set()
    for column in country_columns:
        distinct |= set(frame[column].dropna()) - _NON_COUNTRY_CODES
    return ImportedTable(name, Path(written), table.kind, source, table.edition, len(frame),
                         len(distinct), table.dropped, path, sha, table.columns_not_read)
