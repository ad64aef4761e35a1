"""Counter Trafficking Data Collaborative (CTDC) case records, read into one tidy shape.

CTDC (run by IOM with Polaris and Liberty Shared, ctdatacollaborative.org) publishes case
records of identified and assisted victims of trafficking in three layouts, all read here by
:func:`read_ctdc` into the ``case_records`` shape (:data:`CASE_RECORD_COLUMNS`, then any
further CTDC flags, then ``dataset``):

``"k_anonymised"``
    The k-anonymised Global Dataset (k = 11) as CTDC releases it (e.g. "The Global Dataset 14
    Apr 2020", 63 columns): ISO 3166-1 alpha-2 country codes, ``"00"`` = unknown country,
    ``-99`` = missing, flags 0/1, age bands such as ``0--8``, gender
    Male/Female/Transgender/NonConforming/Unknown.  ``NA`` is Namibia, not a missing value.
``"k_anonymised_subset"``
    A column subset of that release written by a third party with pandas (e.g. the 7-column
    extract of the 14 April 2020 release in ``../shared/reference``): a blank cell is missing,
    flags may be written ``0.0``/``1.0``.  pandas' default reading had already blanked the code
    ``NA``, so **a blank country in such a file may be Namibia or missing**; it is read as
    missing.
``"synthetic"``
    The Global Synthetic Dataset (differentially private, codebook v2 of February 2024):
    ISO 3166-1 alpha-3 codes, flags ``1``/``NULL`` (``NULL`` = missing *or* not indicated, so a
    flag is True or ``<NA>``, never False), age bands with an em dash (``0—8``), gender
    Man/Woman/Trans/Transgender/NonConforming.

The output conforms to the ``case_records`` schema kind of :mod:`mixedmig.data.kinds`
(its column list is imported from there when that module exists).

A record is a **registered case**, not a sample of victims: counts made from these files are
registrations by the contributing organisations (see the notebook
``06-trafficking-cases.ipynb``).  The person-level files must never be committed to the
project: curated tables hold only aggregates that passed disclosure control at k = 11
(``tools/curate_ctdc.py``).

References
----------
Counter Trafficking Data Collaborative (2020). *The Global Dataset 14 Apr 2020* (k-anonymised,
k = 11). IOM, Polaris, Liberty Shared. https://www.ctdatacollaborative.org
Counter Trafficking Data Collaborative (2018). *CTDC Global Dataset data dictionary*, version
15-08-2018.
Counter Trafficking Data Collaborative (2024). *Codebook: CTDC global synthetic data*, version 2
(February 2024).
"""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .. import countries
from ..errors import DataError, InputError, UnknownCountryError

__all__ = [
    "AGE_BANDS",
    "CASE_RECORD_COLUMNS",
    "CTDC_DATASETS",
    "CTDC_LAYOUTS",
    "FORMS_OF_EXPLOITATION",
    "SEXES",
    "case_counts",
    "detect_ctdc_layout",
    "form_of_exploitation",
    "read_ctdc",
]

try:  # the kind's column list, when the schema kinds (mixedmig.data.kinds) define it
    from .kinds import AGE_BANDS as _KIND_AGE_BANDS
    from .kinds import CASE_RECORD_COLUMNS as _KIND_COLUMNS
except ImportError:  # pragma: no cover - before the kinds module exists
    _KIND_COLUMNS = _KIND_AGE_BANDS = None

#: Columns of the ``case_records`` shape, in order (further flags and ``dataset`` follow).
CASE_RECORD_COLUMNS: tuple[str, ...] = tuple(_KIND_COLUMNS) if _KIND_COLUMNS is not None else (
    "year_of_registration",
    "sex",
    "age_band",
    "citizenship",
    "country_of_exploitation",
    "forced_labour",
    "sexual_exploitation",
)

#: CTDC age bands at registration (``ageBroad``), written with a hyphen.
AGE_BANDS: tuple[str, ...] = tuple(_KIND_AGE_BANDS) if _KIND_AGE_BANDS is not None else (
    "0-8", "9-17", "18-20", "21-23", "24-26", "27-29", "30-38", "39-47", "48+")

#: Values of ``sex``.
SEXES: tuple[str, ...] = ("female", "male", "transgender")

#: Values of ``dataset``.
CTDC_DATASETS: tuple[str, ...] = ("ctdc_k_anonymised", "ctdc_synthetic")

#: File layouts :func:`read_ctdc` reads.
CTDC_LAYOUTS: tuple[str, ...] = ("k_anonymised", "k_anonymised_subset", "synthetic")

#: Categories of :func:`form_of_exploitation`.
FORMS_OF_EXPLOITATION: tuple[str, ...] = (
    "forced labour", "sexual exploitation", "both", "neither flagged", "not recorded",
)

_REQUIRED = ("yearOfRegistration", "gender", "ageBroad", "citizenship", "CountryOfExploitation",
             "isForcedLabour", "isSexualExploit")

#: Columns only the full k-anonymised release has (any one identifies it).
_RELEASE_ONLY = ("Datasource", "majorityStatus", "majorityStatusAtExploit", "MajorityEntry",
                 "meansOfControlDebtBondage", "meansOfControlConcatenated", "typeOfExploitConcatenated")

#: Columns only the synthetic dataset has.
_SYNTHETIC_ONLY = ("traffickMonths", "meansDebtBondageEarnings", "meansAbusePsyPhySex", "meansDrugsAlcohol",
                   "meansDenyBasicNeeds", "meansExcessiveWorkHours", "meansWithholdDocs")

#: Columns that are flags (0/1) although their prefix is not one of _FLAG_PREFIXES.
_FLAG_PREFIXES = ("is", "meansOfControl", "means", "typeOfLabour", "typeOfSex", "recruiterRelation")

_RENAMED = {"isForcedLabour": "forced_labour", "isSexualExploit": "sexual_exploitation",
            "isOtherExploit": "other_exploitation"}

_GENDER = {
    "k_anonymised": {"female": "female", "male": "male", "transgender/nonconforming": "transgender",
                     "transgender": "transgender", "unknown": None},
    "synthetic": {"woman": "female", "man": "male", "trans/transgender/nonconforming": "transgender",
                  "transgender/nonconforming": "transgender", "transgender": "transgender"},
}

_DASHES = re.compile("\\s*(?:-{1,2}|\u2013|\u2014)\\s*")


def _snake(name: str) -> str:
    """``isForcedMarriage`` -> ``forced_marriage``; ``typeOfLabourAgriculture`` ->
    ``type_of_labour_agriculture``."""
    if name in _RENAMED:
        return _RENAMED[name]
    if name.startswith("is") and name[2:3].isupper():
        name = name[2:]
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _is_flag(name: str) -> bool:
    return (any(name.startswith(p) and name[len(p):len(p) + 1].isupper() for p in _FLAG_PREFIXES)
            and not name.endswith("Concatenated"))


def _read_strings(path: Path) -> pd.DataFrame:
    """Every cell as text, nothing turned into NaN ("NA" is Namibia)."""
    if not path.is_file():
        raise DataError("file not found; give the path of the CTDC CSV you downloaded", path=path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            sample = handle.read(65536)
    except UnicodeDecodeError:
        raise DataError("the file is not UTF-8 text; save it as CSV (UTF-8) and read it again",
                        path=path) from None
    first = sample.splitlines()[0] if sample else ""
    if not first.strip():
        raise DataError("the file is empty; expected a CTDC CSV with a header row", path=path)
    delimiter = "," if first.count(",") >= max(first.count(";"), first.count("\t")) else (
        ";" if first.count(";") >= first.count("\t") else "\t")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8-sig",
                            sep=delimiter, quoting=csv.QUOTE_MINIMAL)
    except pd.errors.ParserError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise DataError(f"the CSV is malformed ({exc}); check the quoting and the number of fields",
                        path=path, row=int(match.group(1)) if match else None) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def detect_ctdc_layout(columns, sample=None) -> str:
    """Which CTDC layout a header (and, if needed, some rows) belongs to.

    Parameters
    ----------
    columns : sequence of str
        The header of the file.
    sample : pandas.DataFrame, optional
        Some rows as text, used when the header alone is not enough (a subset of the columns):
        gender ``Man``/``Woman`` or three-letter country codes mean the synthetic dataset.

    Returns
    -------
    str
        One of :data:`CTDC_LAYOUTS`.

    Raises
    ------
    InputError
        If a required CTDC column (``yearOfRegistration``, ``gender``, ``ageBroad``,
        ``citizenship``, ``CountryOfExploitation``, ``isForcedLabour``, ``isSexualExploit``) is
        missing.

    Examples
    --------
    >>> detect_ctdc_layout(["yearOfRegistration", "gender", "ageBroad", "citizenship",
    ...                     "isForcedLabour", "isSexualExploit", "CountryOfExploitation"])
    'k_anonymised_subset'
    >>> detect_ctdc_layout(["yearOfRegistration", "gender", "ageBroad", "citizenship",
    ...                     "CountryOfExploitation", "traffickMonths", "isForcedLabour",
    ...                     "isSexualExploit"])
    'synthetic'
    """
    columns = [str(c) for c in columns]
    missing = [c for c in _REQUIRED if c not in columns]
    if missing:
        raise InputError(
            f"not a CTDC case file: column(s) {missing} are missing (found {columns[:10]}"
            f"{' ...' if len(columns) > 10 else ''}); a CTDC Global Dataset or Global Synthetic "
            f"Dataset CSV has {list(_REQUIRED)}"
        )
    if any(c in columns for c in _SYNTHETIC_ONLY):
        return "synthetic"
    if any(c in columns for c in _RELEASE_ONLY):
        return "k_anonymised"
    if sample is not None and len(sample):
        genders = {str(v).strip().lower() for v in sample["gender"]}
        codes = [str(v).strip() for v in pd.concat([sample["citizenship"], sample["CountryOfExploitation"]])]
        if genders & {"man", "woman"} or any(len(c) == 3 and c.isalpha() for c in codes):
            return "synthetic"
        if any(str(v).strip() == "-99" for v in sample[list(_REQUIRED)].to_numpy().ravel()):
            return "k_anonymised"
    return "k_anonymised_subset"


class _Problems:
    """Every problem of a file, located; raised together as one DataError."""

    def __init__(self, path: Path, limit: int = 20):
        self.path, self.limit, self.items, self.count = path, limit, [], 0

    def add(self, lines: np.ndarray, column: str, message: str) -> None:
        for line in lines:
            self.count += 1
            if len(self.items) < self.limit:
                self.items.append((int(line), column, message))

    def raise_if_any(self, layout: str) -> None:
        if not self.items:
            return
        self.items.sort()
        line, column, message = self.items[0]
        others = "".join(f"\n  line {ln}, column '{col}': {msg}" for ln, col, msg in self.items[1:])
        more = f"\n  ... and {self.count - len(self.items)} more" if self.count > len(self.items) else ""
        raise DataError(
            f"{message} (read as the CTDC {layout.replace('_', '-')} layout; {self.count} problem(s) "
            f"in all){others}{more}",
            path=self.path, row=line, column=column,
        )


def _missing_mask(values: pd.Series, layout: str) -> np.ndarray:
    text = values.str.strip()
    if layout == "k_anonymised":
        return (text == "-99").to_numpy() | (text == "").to_numpy()
    if layout == "synthetic":
        return text.str.upper().isin(["NULL", ""]).to_numpy()
    return (text == "").to_numpy()


def _each(values: pd.Series, convert):
    """Apply ``convert`` once per distinct value; returns (converted list, bad mask)."""
    out, bad = {}, {}
    for value in pd.unique(values):
        try:
            out[value], bad[value] = convert(value), False
        except (InputError, ValueError, KeyError):  # a cell that cannot be read
            out[value], bad[value] = None, True
    return [out[v] for v in values], np.array([bad[v] for v in values], dtype=bool)


def _country(code: str, layout: str):
    text = code.strip()
    if layout != "synthetic" and text.upper() == "NA":
        text = "NA"  # Namibia, never a missing value
    if layout != "synthetic" and text == "00":
        return None  # CTDC's "unknown country"
    if layout != "synthetic" and len(text) != 2:
        raise InputError(text)
    if layout == "synthetic" and len(text) != 3:
        raise InputError(text)
    from_iso2 = getattr(countries, "from_iso2", None)
    if layout != "synthetic" and from_iso2 is not None:
        return from_iso2(text)
    return countries.to_iso3(text.upper())


def _age_band(text: str):
    band = _DASHES.sub("-", text.strip())
    if band not in AGE_BANDS:
        raise InputError(text)
    return band


def _year(text: str):
    value = float(text)
    if not value.is_integer() or not 1900 <= value <= 2100:
        raise InputError(text)
    return int(value)


def _flag(text: str, layout: str):
    value = text.strip()
    if layout == "synthetic":
        if value in ("1", "1.0"):
            return True
        if value in ("0", "0.0"):
            return False
        raise InputError(text)
    if value in ("1", "1.0"):
        return True
    if value in ("0", "0.0"):
        return False
    raise InputError(text)


def read_ctdc(path: str | os.PathLike, *, layout: str | None = None) -> pd.DataFrame:
    """Read a CTDC case file (k-anonymised release, a subset of it, or synthetic data).

    Parameters
    ----------
    path : str or os.PathLike
        A CSV file downloaded from CTDC (or a column subset of one): comma-, semicolon- or
        tab-separated, UTF-8, one row per registered case.
    layout : {"k_anonymised", "k_anonymised_subset", "synthetic"}, optional
        The file's layout (see the module docstring); default: detected from the header
        (:func:`detect_ctdc_layout`) and, for a subset of the columns, from the first rows.

    Returns
    -------
    pandas.DataFrame
        One row per record, in file order, in the ``case_records`` kind's tidy order: the
        columns of :data:`CASE_RECORD_COLUMNS`:
        ``year_of_registration`` (``Int64``), ``sex`` (text: female / male / transgender),
        ``age_band`` (text: one of :data:`AGE_BANDS`), ``citizenship`` and
        ``country_of_exploitation`` (text: ISO 3166-1 alpha-3),
        ``forced_labour`` and ``sexual_exploitation`` (``boolean``); then every further CTDC
        flag present, as ``boolean`` with a snake_case name (``isForcedMarriage`` ->
        ``forced_marriage``, ``meansOfControlDebtBondage`` -> ``means_of_control_debt_bondage``,
        ...), after ``dataset`` (``"ctdc_k_anonymised"`` or ``"ctdc_synthetic"``).  Missing
        values (``-99``, ``NULL``, blank, gender ``Unknown``, country ``00``) are ``None`` in
        text columns (object dtype, as the ``case_records`` kind returns them) and ``<NA>`` in
        the others.
        Text columns of the release that are not flags (``Datasource``, ``majorityStatus``,
        the ``...Concatenated`` summaries, ``traffickMonths``) are not kept.

    Raises
    ------
    DataError
        The file is missing, not UTF-8, empty or malformed; or cells cannot be read: every
        problem is listed (line, header = line 1, and column) with the value and the fix, e.g.
        an unknown age band, a flag other than 0/1 (or 1/NULL), a year that is not a whole
        number, an unknown country code.
    InputError
        A required CTDC column is missing, or ``layout`` is unknown.

    Notes
    -----
    Country codes resolve through :mod:`mixedmig.countries` (ISO2 in the k-anonymised files,
    ``NA`` = Namibia; ISO3 in the synthetic file).  In a ``"k_anonymised_subset"`` file a
    blank country may be Namibia blanked by the program that wrote the file, or missing:
    both read as ``<NA>``.  In the synthetic file ``NULL`` in a flag means "missing or not
    indicated", so its flags are True or ``<NA>``: a share of True among non-missing flags
    is 1 there by construction; count True over all records instead.

    References
    ----------
    Counter Trafficking Data Collaborative (2018). *CTDC Global Dataset data dictionary*,
    version 15-08-2018. Counter Trafficking Data Collaborative (2024). *Codebook: CTDC global
    synthetic data*, version 2.

    Examples
    --------
    Two made-up records in the release layout (``NA`` is Namibia only after the full
    country registry; Cambodia and Thailand are used here):

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "ctdc.csv").write_text(
    ...     "yearOfRegistration,Datasource,gender,ageBroad,citizenship,isForcedLabour,"
    ...     "isSexualExploit,isForcedMarriage,CountryOfExploitation\\n"
    ...     "2017,Case Management,Female,18--20,KH,0,1,-99,TH\\n"
    ...     "-99,Case Management,Unknown,-99,KH,-99,-99,1,00\\n")  # made-up test values
    >>> records = read_ctdc(folder / "ctdc.csv")
    >>> records[["year_of_registration", "sex", "age_band", "citizenship", "country_of_exploitation"]]
       year_of_registration     sex age_band citizenship country_of_exploitation
    0                  2017  female    18-20         KHM                     THA
    1                  <NA>    None     None         KHM                    None
    >>> records[["forced_labour", "sexual_exploitation", "forced_marriage", "dataset"]]
       forced_labour  sexual_exploitation  forced_marriage            dataset
    0          False                 True             <NA>  ctdc_k_anonymised
    1           <NA>                 <NA>             True  ctdc_k_anonymised
    """
    path = Path(path)
    if layout is not None and layout not in CTDC_LAYOUTS:
        raise InputError(f"layout must be one of {list(CTDC_LAYOUTS)} or None (detect), got {layout!r}")
    frame = _read_strings(path)
    try:
        layout = layout or detect_ctdc_layout(frame.columns, frame.head(200))
    except InputError as exc:
        raise DataError(str(exc), path=path, row=1) from None
    missing_required = [c for c in _REQUIRED if c not in frame.columns]
    if missing_required:
        raise DataError(f"column(s) {missing_required} are missing; a CTDC file has {list(_REQUIRED)}",
                        path=path, row=1)
    lines = np.arange(2, len(frame) + 2)
    problems = _Problems(path)
    out: dict = {}
    code_kind = "ISO 3166-1 alpha-3 (e.g. KHM)" if layout == "synthetic" else "ISO 3166-1 alpha-2 (e.g. KH; 00 = unknown)"
    missing_word = {"k_anonymised": "-99", "k_anonymised_subset": "an empty cell",
                    "synthetic": "NULL"}[layout]

    def column(name, convert, what, fix, dtype):
        values = frame[name]
        missing = _missing_mask(values, layout)
        converted, bad = _each(values, convert)
        bad &= ~missing
        if bad.any():
            for value in pd.unique(values[bad]):
                where = lines[bad & (values == value).to_numpy()]
                problems.add(where, name, f"{what} {value!r} cannot be read; {fix}, or {missing_word} if missing")
        data = [None if (m or b) else c for c, m, b in zip(converted, missing, bad, strict=True)]
        if dtype is object:  # text: str or None, as the case_records kind returns it
            return pd.Series(data, dtype=object)
        return pd.array(data, dtype=dtype)

    out["year_of_registration"] = column("yearOfRegistration", _year, "year", "write a year such as 2017", "Int64")
    genders = _GENDER["synthetic" if layout == "synthetic" else "k_anonymised"]

    def gender(text):
        key = text.strip().lower()
        if key not in genders:
            raise InputError(text)
        return genders[key]

    gender_fix = ("use Woman, Man or Trans/Transgender/NonConforming" if layout == "synthetic"
                  else "use Female, Male, Transgender/NonConforming or Unknown")
    out["sex"] = column("gender", gender, "gender", gender_fix, object)
    out["age_band"] = column("ageBroad", _age_band, "age band", f"use one of {', '.join(AGE_BANDS)}", object)

    def country(text):
        try:
            return _country(text, layout)
        except UnknownCountryError as exc:
            raise InputError(str(exc)) from None

    for source, target in (("citizenship", "citizenship"), ("CountryOfExploitation", "country_of_exploitation")):
        out[target] = column(source, country, "country code", f"use an {code_kind}", object)
    flags = [c for c in frame.columns if _is_flag(c)]
    for name in flags:
        out[_snake(name)] = column(name, lambda t: _flag(t, layout), "flag",
                                   "write 1 or NULL" if layout == "synthetic" else "write 0 or 1", "boolean")
    problems.raise_if_any(layout)
    out["dataset"] = pd.Series(["ctdc_synthetic" if layout == "synthetic" else "ctdc_k_anonymised"]
                               * len(frame), dtype=object)
    ordered = list(CASE_RECORD_COLUMNS) + ["dataset"] + [c for c in out if c not in CASE_RECORD_COLUMNS
                                                         and c != "dataset"]
    return pd.DataFrame({name: out[name] for name in ordered if name in out})


def form_of_exploitation(records: pd.DataFrame) -> pd.Series:
    """The form of exploitation of each record, from its two main flags.

    Parameters
    ----------
    records : pandas.DataFrame
        Case records (:func:`read_ctdc`) with boolean columns ``forced_labour`` and
        ``sexual_exploitation``.

    Returns
    -------
    pandas.Series of str
        One of :data:`FORMS_OF_EXPLOITATION` per record: ``"forced labour"`` (forced labour
        flagged, sexual exploitation not), ``"sexual exploitation"`` (the reverse), ``"both"``,
        ``"neither flagged"`` (both flags recorded as 0: another form such as forced marriage,
        or none recorded) and ``"not recorded"`` (no flag is 1 and at least one is missing).

    Raises
    ------
    InputError
        If a flag column is missing.

    Examples
    --------
    >>> flags = pd.DataFrame({"forced_labour": pd.array([True, None, False, True], dtype="boolean"),
    ...                       "sexual_exploitation": pd.array([None, True, False, True], dtype="boolean")})
    >>> form_of_exploitation(flags).tolist()  # made-up flags
    ['forced labour', 'sexual exploitation', 'neither flagged', 'both']
    """
    missing = [c for c in ("forced_labour", "sexual_exploitation") if c not in records.columns]
    if missing:
        raise InputError(f"records lack the flag column(s) {missing}; read the file with read_ctdc")
    labour = records["forced_labour"].astype("boolean")
    sexual = records["sexual_exploitation"].astype("boolean")
    is_l, is_s = labour.fillna(False).to_numpy(bool), sexual.fillna(False).to_numpy(bool)
    known_zero = (labour == False).fillna(False).to_numpy(bool) & (sexual == False).fillna(False).to_numpy(bool)  # noqa: E712
    form = np.select([is_l & is_s, is_l, is_s, known_zero],
                     ["both", "forced labour", "sexual exploitation", "neither flagged"], "not recorded")
    return pd.Series(form, index=records.index, name="form_of_exploitation", dtype=object)


def case_counts(records: pd.DataFrame, by) -> pd.DataFrame:
    """Count case records by one or more variables (missing values are a category).

    Parameters
    ----------
    records : pandas.DataFrame
        Case records (:func:`read_ctdc`); ``"form_of_exploitation"`` may be named in ``by``
        even if it is not a column (it is derived with :func:`form_of_exploitation`).
    by : str or list of str
        The variables to count by.

    Returns
    -------
    pandas.DataFrame
        One row per combination that occurs (missing values kept as missing), columns ``by``
        then ``cases`` (int64, >= 1), sorted by ``by`` with missing values last.  Every record
        is counted once: ``cases.sum() == len(records)``.

    Raises
    ------
    InputError
        ``by`` is empty or names a column the records do not have.

    Examples
    --------
    >>> records = pd.DataFrame({"citizenship": ["KHM", "KHM", None], "sex": ["male", "male", "female"]})
    >>> counts = case_counts(records, ["citizenship", "sex"])  # made-up records
    >>> counts.to_dict("list")
    {'citizenship': ['KHM', nan], 'sex': ['male', 'female'], 'cases': [2, 1]}
    """
    by = [by] if isinstance(by, str) else list(by)
    if not by:
        raise InputError("by must name at least one variable, e.g. ['citizenship', 'sex']")
    frame = records
    if "form_of_exploitation" in by and "form_of_exploitation" not in records.columns:
        frame = records.assign(form_of_exploitation=form_of_exploitation(records))
    unknown = [c for c in by if c not in frame.columns]
    if unknown:
        raise InputError(f"records have no column(s) {unknown}; available: {list(frame.columns)}")
    counts = frame.groupby(by, dropna=False, sort=False).size().rename("cases").reset_index()
    counts = counts.sort_values(by, na_position="last", kind="mergesort").reset_index(drop=True)
    counts["cases"] = counts["cases"].astype(np.int64)
    return counts
