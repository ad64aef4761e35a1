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
aggregate or a code the registry does not know are dropped and reported. Refugees are counted
by nationality and UN DESA migrant stocks include them: never add the two.
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

__all__ = ["IMPORT_SOURCES", "ImportedTable", "OfficialTable", "import_official",
           "read_official"]

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
        (``aggregate`` or ``unknown``: not a country of the registry).
    label : str
        The publisher's name of the dataset, for the manifest's ``source``.
    """

    source: str
    edition: str | None
    kind: str
    frame: pd.DataFrame
    dropped: pd.DataFrame
    label: str


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
        Codes or names left out (``code``, ``name``, ``reason``).
    original : pathlib.Path
        The official file read.
    original_sha256 : str
        Its sha256 (recorded in the manifest).
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
        >>> print(t.summary().splitlines()[-1])
        In a notebook: stocks = data.load("wpp_2024")
        """
        lines = [f"Imported {self.original.name} ({self.source}"
                 f"{', edition ' + str(self.edition) if self.edition else ''}) as the "
                 f"{self.kind} table {self.name!r}: {self.rows} rows, {self.countries} "
                 f"countries.", f"Written to {self.path} (manifest {self.path.with_suffix('.yml')})"]
        for reason, part in self.dropped.groupby("reason", sort=True):
            shown = ", ".join(c if not n or n == c else f"{c} ({n})"
                              for c, n in zip(part["code"], part["name"]))
            if len(part) > 12:
                shown = ", ".join(f"{c}" for c in part["code"].head(12)) + ", ..."
            lines.append(f"Dropped {len(part)} {reason} code(s): {shown}")
        lines.append(f'In a notebook: stocks = data.load("{self.name}")')
        return "\n".join(lines)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _dropped_frame(dropped: dict) -> pd.DataFrame:
    rows = [(str(code), name, reason) for code, (name, reason) in dropped.items()]
    frame = pd.DataFrame(rows, columns=["code", "name", "reason"])
    return frame.sort_values(["reason", "code"], kind="stable").reset_index(drop=True)


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


def _read_unhcr(source: str, path: Path, tmp: str, dropped: dict, edition) -> pd.DataFrame:
    """A UNHCR file as ``displacement_stocks`` (``unhcr_population``) or refugees-only
    ``bilateral_stocks`` (``unhcr_refugees``); left-out codes recorded in ``dropped``."""
    if path.suffix.lower() == ".zip":
        path_read = _member(path, r"(population|persons_of_concern)\.csv", tmp, source)
    else:
        path_read = path
    raw = readers.read_unhcr_population(path_read, blank_iso="keep")
    displacement = IMPORT_SOURCES[source] == "displacement_stocks"
    kind = KINDS["displacement_stocks"]
    resolved = {}
    for column, name in (("orig", "orig_name"), ("asylum", "asylum_name")):
        keep = kind.column(column).extra_codes if displacement else ()
        codes: dict = {}
        for code, label in zip(raw[column], raw[name]):
            if pd.isna(code):
                dropped[f"(blank ISO3) {label}"] = (label, "unknown")
            elif code not in codes:
                if code in keep:  # UNHCR's XXA (stateless), UNK (unknown): kept verbatim
                    codes[code] = code
                    continue
                codes[code], reason = readers._resolve_location(code)
                if codes[code] is None:
                    dropped[code] = (label, reason)
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
            frame = _read_unhcr(source, path, tmp, dropped, edition)
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
                         _PUBLISHER[source].format(edition=edition or "").strip())


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
                         len(distinct), table.dropped, path, sha)
