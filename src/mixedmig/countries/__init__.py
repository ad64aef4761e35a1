"""Registry of every country and area of ISO 3166-1 and UN M49, with the 15 study economies.

The registry holds the 249 entries of ISO 3166-1 (from **pycountry**, the Debian iso-codes
database) plus two areas that publishers report but ISO does not code:

* **Kosovo**: ``XKX`` / ``XK``, the user-assigned codes of the World Bank (IMF: ``UVK``; IOC:
  ``KOS``; ``KSV`` is accepted too); no M49 code.  UN DESA's migrant stock counts Kosovo within
  Serbia, UNHCR reports "Serbia and Kosovo: S/RES/1244 (1999)" (resolved to ``SRB``).
* **Channel Islands**: M49 830, which UN DESA (International Migrant Stock, WPP) and the World
  Bank (code ``CHI``) report as one area; ISO codes Jersey (``JEY``) and Guernsey (``GGY``)
  separately.  Sark (M49 680) is refused with an explanation (ISO counts it in Guernsey).

The 15 economies studied by mixedmig stay a named group, in their usual order:
Greater Mekong Sub-region (GMS): Cambodia KHM, China CHN, Lao PDR LAO, Myanmar MMR,
Thailand THA, Viet Nam VNM; other Asia: Malaysia MYS, Singapore SGP, Japan JPN, Republic of
Korea KOR, Taiwan TWN, Hong Kong SAR HKG, Indonesia IDN, Philippines PHL, Bangladesh BGD.
:data:`COUNTRIES` and :data:`ISO3_CODES` are these 15; :data:`REGISTRY` and ``codes("all")``
are all 251.

Names are resolved from three sources: the ISO names of pycountry (``name``,
``official_name``, ``common_name``), the registry's display names, and the package's alias
table ``aliases.csv`` (columns ``alias, iso3, publisher, note``) with the spellings of UN DESA,
World Bank / WDI, UNHCR, CEPII, WPP and CTDC ("Korea, Dem. People's Rep.", "China, Macao SAR",
"Congo, Dem. Rep.", "Türkiye", "TFYR Macedonia", ...).  Lookup ignores case, accents,
punctuation, repeated whitespace and trailing footnote markers.  No key may point to two
countries (checked when the package is imported).

Aggregates (``aggregates.csv``: M49 regions and sub-regions, SDG regions, UN DESA development
and income groups, "Other South", World Bank regions, income groups and their codes, UNHCR's
"Various/unknown" and "Stateless", CTDC's "00" and "-99", "Other Asia, nes", UN DESA's "Other
countries" (location code 2003)) are recognised by
:func:`is_aggregate` and refused by :func:`to_iso3` with a message saying what they are.  Former
countries (Netherlands Antilles, Serbia and Montenegro, USSR, ...) are refused with their
successors.  UNHCR's own three-letter codes (``coo``/``coa``: "AUS" is Austria, "ARE" Egypt)
clash with ISO and are not resolved; use UNHCR's ``coo_iso``/``coa_iso`` columns.

Coordinates (decimal degrees, WGS 84) come from the package data ``registry.csv``, generated
by ``tools/build_country_registry.py`` from *countryinfo* 1.0.1 (P. Chandro, MIT): capital and
capital coordinates (``capital_latlng``) and centroid (``latlng``).  Caveats: countryinfo
geocodes ten capitals to namesakes elsewhere (Dili at Delhi, Saint-Denis at Paris, ...); those
capital coordinates are left empty and :attr:`Country.point` falls back to the centroid.  A few
areas have no coordinates at all (Antarctica, Bouvet Island, US Minor Outlying Islands).
Myanmar's capital is Naypyidaw (19.75 N, 96.10 E); Hong Kong's is the City of Victoria.
Kosovo's centroid is that of mledoze/countries (ODbL); the Channel Islands' point is the mean
of the Jersey and Guernsey centroids.

References
----------
ISO 3166-1:2020, *Codes for the representation of names of countries and their subdivisions*.

United Nations Statistics Division, *Standard country or area codes for statistical use (M49)*.

Mayer, T. and Zignago, S. (2011). Notes on CEPII's distances measures: the GeoDist database.

CEPII Working Paper 2011-25.
"""

from __future__ import annotations

import csv
import difflib
import math
import numbers
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..errors import InputError, UnknownCountryError

__all__ = [
    "ALL_CODES",
    "ASEAN",
    "COUNTRIES",
    "GMS",
    "GROUPS",
    "ISO3_CODES",
    "OTHER_ASIA",
    "REGISTRY",
    "Country",
    "aggregates",
    "codes",
    "from_iso2",
    "from_m49",
    "get",
    "is_aggregate",
    "is_country_code",
    "is_registry_code",
    "is_study_code",
    "name",
    "normalize_name",
    "registry",
    "table",
    "to_iso3",
    "to_iso3_series",
]

_HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Country:
    """One country or area of the registry: codes, display name, coordinates, groups, aliases.

    Parameters
    ----------
    iso3 : str
        ISO 3166-1 alpha-3 code, e.g. ``"MMR"`` (``"XKX"`` for Kosovo, ``"CHI"`` for the
        Channel Islands, the World Bank's codes).
    iso2 : str or None
        ISO 3166-1 alpha-2 code, e.g. ``"MM"``; None for the Channel Islands.
    m49 : int or None
        UN M49 numeric code, e.g. 104; None for Kosovo.
    name : str
        Short English display name.
    capital : str
        Capital city ("" where there is none or it is unknown).
    capital_lat, capital_lon : float
        Capital's latitude and longitude, decimal degrees (WGS 84); NaN when unknown.
    groups : tuple of str
        For the 15 study economies ``"GMS"`` or ``"other"``; ``"ASEAN"`` for ASEAN members;
        ``()`` otherwise.
    aliases : tuple of str
        Spellings under which the country appears in the sources (display name first).
    centroid_lat, centroid_lon : float, default NaN
        Country centroid (countryinfo ``latlng``), decimal degrees.
    status : str, default "ISO 3166-1"
        Where the code comes from ("ISO 3166-1", or a note for Kosovo / Channel Islands).
    region, subregion : str, default ""
        countryinfo's region and sub-region (close to, but not certified as, the M49 scheme).

    Examples
    --------
    >>> from mixedmig import countries
    >>> lao = countries.get("LAO")
    >>> lao.m49, lao.capital, lao.groups
    (418, 'Vientiane', ('GMS', 'ASEAN'))
    >>> countries.get("Kosovo").point
    (42.666667, 21.166667)
    """

    iso3: str
    iso2: str | None
    m49: int | None
    name: str
    capital: str
    capital_lat: float
    capital_lon: float
    groups: tuple[str, ...]
    aliases: tuple[str, ...]
    centroid_lat: float = math.nan
    centroid_lon: float = math.nan
    status: str = "ISO 3166-1"
    region: str = ""
    subregion: str = field(default="")

    @property
    def point(self) -> tuple[float, float]:
        """A representative point ``(lat, lon)`` for maps: the capital, else the centroid.

        Both NaN when neither is known (Antarctica, Bouvet Island, US Minor Outlying Islands).
        """
        if math.isfinite(self.capital_lat) and math.isfinite(self.capital_lon):
            return (self.capital_lat, self.capital_lon)
        return (self.centroid_lat, self.centroid_lon)


# --- normalisation --------------------------------------------------------------------------

_APOSTROPHES_AND_DOTS = re.compile(r"[.'\u2019\u2018`\u00b4]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_TRAILING_FOOTNOTE = re.compile(r"[\s*\u2020\u2021\u00b9\u00b2\u00b3\u2070-\u2079]+$")
_NUMERIC = re.compile(r"^\s*(\d{1,4})(?:\.0+)?\s*$")


@lru_cache(maxsize=65536)
def normalize_name(text: str) -> str:
    """The lookup key of a country name, as the registry compares names.

    Accents are removed, case folded, apostrophes and dots dropped ("Rep." -> "rep",
    "People's" -> "peoples"), every other run of punctuation or whitespace turned into one
    space, and trailing footnote markers ("*", daggers, superscript digits) stripped.

    Parameters
    ----------
    text : str
        A country name as published.

    Returns
    -------
    str
        The normalised key (lower-case ASCII letters, digits and single spaces).

    Examples
    --------
    >>> from mixedmig import countries
    >>> countries.normalize_name("Lao People's Dem. Rep.*")
    'lao peoples dem rep'
    >>> countries.normalize_name("  Viêt   Nam ")
    'viet nam'
    """
    text = _TRAILING_FOOTNOTE.sub("", text)
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = _APOSTROPHES_AND_DOTS.sub("", ascii_text.casefold())
    return _NON_ALNUM.sub(" ", folded).strip()


# --- loading the package data ----------------------------------------------------------------

_STUDY_ORDER = ("KHM", "CHN", "LAO", "MMR", "THA", "VNM",
                "MYS", "SGP", "JPN", "KOR", "TWN", "HKG", "IDN", "PHL", "BGD")
_GMS = frozenset(_STUDY_ORDER[:6])
_ASEAN_MEMBERS = ("KHM", "LAO", "MMR", "THA", "VNM", "MYS", "SGP", "IDN", "PHL", "BRN")


def _read_csv(filename: str) -> list[dict[str, str]]:
    with open(_HERE / filename, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _float(text: str) -> float:
    return float(text) if text else math.nan


def _load_registry() -> tuple[Country, ...]:
    import pycountry

    extra: dict[str, list[str]] = {}
    for row in _read_csv("aliases.csv"):
        extra.setdefault(row["iso3"], []).append(row["alias"])
    records = []
    for row in _read_csv("registry.csv"):
        iso3 = row["iso3"]
        iso_names: list[str] = []
        entry = pycountry.countries.get(alpha_3=iso3)
        if entry is not None:
            iso_names = [getattr(entry, a, None) for a in ("name", "official_name", "common_name")]
        aliases = tuple(dict.fromkeys(a for a in (row["name"], *iso_names, *extra.pop(iso3, ()))
                                      if a))
        groups: tuple[str, ...] = ()
        if iso3 in _STUDY_ORDER:
            groups = ("GMS",) if iso3 in _GMS else ("other",)
        if iso3 in _ASEAN_MEMBERS:
            groups += ("ASEAN",)
        records.append(Country(
            iso3=iso3, iso2=row["iso2"] or None, m49=int(row["m49"]) if row["m49"] else None,
            name=row["name"], capital=row["capital"],
            capital_lat=_float(row["capital_lat"]), capital_lon=_float(row["capital_lon"]),
            groups=groups, aliases=aliases,
            centroid_lat=_float(row["centroid_lat"]), centroid_lon=_float(row["centroid_lon"]),
            status=row["status"], region=row["region"], subregion=row["subregion"],
        ))
    if extra:
        raise InputError(f"aliases.csv names ISO3 codes that are not in registry.csv: "
                         f"{sorted(extra)}; fix the alias table of mixedmig.countries")
    return tuple(records)


#: Every country and area of the registry (ISO 3166-1 plus Kosovo and the Channel Islands), in
#: ISO3 order.
REGISTRY: tuple[Country, ...] = _load_registry()
_BY_ISO3: dict[str, Country] = {c.iso3: c for c in REGISTRY}
#: The 15 study economies, GMS first, in registry order of the toolkit.
COUNTRIES: tuple[Country, ...] = tuple(_BY_ISO3[code] for code in _STUDY_ORDER)
#: ISO3 codes of the 15 study economies, in the order of :data:`COUNTRIES`.
ISO3_CODES: tuple[str, ...] = _STUDY_ORDER
#: ISO3 codes of every country and area of the registry.
ALL_CODES: tuple[str, ...] = tuple(c.iso3 for c in REGISTRY)
#: The six countries of the Greater Mekong Sub-region.
GMS: tuple[str, ...] = tuple(c.iso3 for c in COUNTRIES if "GMS" in c.groups)
#: The ten member states of ASEAN.
ASEAN: tuple[str, ...] = _ASEAN_MEMBERS
#: The nine study economies outside the GMS.
OTHER_ASIA: tuple[str, ...] = tuple(c.iso3 for c in COUNTRIES if "other" in c.groups)
#: The group names :func:`codes` accepts.
GROUPS: tuple[str, ...] = ("study", "GMS", "ASEAN", "other", "all")
_STUDY_SET = frozenset(ISO3_CODES)
_BY_M49: dict[int, str] = {c.m49: c.iso3 for c in REGISTRY if c.m49 is not None}
_BY_ISO2: dict[str, str] = {c.iso2: c.iso3 for c in REGISTRY if c.iso2}


def _build_index(countries) -> tuple[dict[str, str], dict[str, str]]:
    """Map every normalised alias and (lower-case) ISO code to its ISO3 code.

    Returns ``(index, spelling)`` where ``spelling`` maps a normalised alias back to its
    first published spelling (used in error messages).  Raises ``InputError`` if one key
    would point at two countries (a defect of the registry passed in).
    """
    index: dict[str, str] = {}
    spelling: dict[str, str] = {}
    for country in countries:
        keys = [(normalize_name(a), a) for a in (country.name, *country.aliases)]
        keys += [(country.iso3.lower(), country.iso3)]
        if country.iso2:
            keys.append((country.iso2.lower(), country.iso2))
        for key, original in keys:
            owner = index.setdefault(key, country.iso3)
            if owner != country.iso3:
                raise InputError(
                    f"alias {original!r} (key {key!r}) of {country.iso3} is already "
                    f"an alias of {owner}"
                )
            spelling.setdefault(key, original)
    return index, spelling


def _load_aggregates(index: dict[str, str]) -> tuple[dict[str, dict], dict[int, dict]]:
    by_key: dict[str, dict] = {}
    by_m49: dict[int, dict] = {}
    for row in _read_csv("aggregates.csv"):
        key = normalize_name(row["name"])
        if key in index:
            raise InputError(f"aggregate {row['name']!r} (key {key!r}) is also a name or code of "
                             f"{index[key]}; fix aggregates.csv or aliases.csv of mixedmig.countries")
        by_key.setdefault(key, row)
        if row["m49"]:
            code = int(row["m49"])
            if code in _BY_M49:
                raise InputError(f"aggregate code {code} of {row['name']!r} is the M49 code of "
                                 f"{_BY_M49[code]}; fix aggregates.csv of mixedmig.countries")
            by_m49.setdefault(code, row)
    return by_key, by_m49


_INDEX, _SPELLING = _build_index(REGISTRY)
_AGGREGATES, _AGGREGATE_M49 = _load_aggregates(_INDEX)
_NAME_KEYS = tuple(k for k in _SPELLING if len(k) > 3)
#: kinds of aggregates.csv that are not countries but categories (is_aggregate is True)
_AGGREGATE_KINDS = frozenset({"region", "development group", "income group", "group", "other",
                              "total", "unknown", "stateless"})


# --- errors ------------------------------------------------------------------------------------

def _fix_hint(value) -> str:
    shown = value if isinstance(value, str) else str(value)
    return (
        "Use an ISO 3166-1 code (ISO3 or ISO2), a UN M49 code or a published name "
        f"(mixedmig.countries.registry() lists all {len(REGISTRY)} countries and areas); for a "
        f"spelling of your own, pass aliases={{{shown!r}: '<ISO3>'}} to "
        "mixedmig.countries.to_iso3 or to_iso3_series."
    )


def _unknown(value, reason: str) -> UnknownCountryError:
    key = normalize_name(value) if isinstance(value, str) else ""
    close = difflib.get_close_matches(key, _NAME_KEYS, n=3, cutoff=0.6) if key else []
    hint = ""
    if close:
        shown = ", ".join(f"{_SPELLING[k]!r} ({_INDEX[k]})" for k in close)
        hint = f" Did you mean {shown}?"
    return UnknownCountryError(f"unknown country {value!r}: {reason}.{hint} {_fix_hint(value)}")


def _refused(value, row: dict) -> UnknownCountryError:
    kind, note, publisher = row["kind"], row["note"], row["publisher"]
    source = f"{kind}; {publisher}" if publisher else kind
    if kind == "former":
        what = f"{value!r} is a former country, not in the registry ({publisher})"
    elif kind == "part":
        what = f"{value!r} is part of another country or area ({publisher})"
    else:
        what = (f"{value!r} is an aggregate, not a country ({source}); drop these rows "
                "(mixedmig.countries.is_aggregate finds them) before resolving countries")
    detail = f": {note}" if note else ""
    return UnknownCountryError(f"not a country: {what}{detail}.")


# --- resolution --------------------------------------------------------------------------------

_KINDS = ("iso3", "iso2", "m49", "name")


def _as_code(value):
    """An integral M49 code from an int, integral float or numeric string; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        if math.isnan(value) or not float(value).is_integer():
            return None
        return int(value)
    if isinstance(value, str):
        match = _NUMERIC.match(value)
        return int(match.group(1)) if match else None
    return None


@lru_cache(maxsize=65536)
def _lookup_text(text: str):
    """(iso3, None) or (None, error factory args) for a string; cached for speed."""
    key = normalize_name(text)
    if not key:
        return None, ("unknown", "the name is empty")
    if key in _INDEX:
        return _INDEX[key], None
    if key in _AGGREGATES:
        return None, ("aggregate", key)
    code = _as_code(text)
    if code is not None:
        return _lookup_code(code)
    return None, ("unknown", "not a name or code of any country or area in the registry")


def _lookup_code(code: int):
    if code in _BY_M49:
        return _BY_M49[code], None
    if code in _AGGREGATE_M49:
        return None, ("aggregate-m49", code)
    return None, ("unknown", f"M49 code {code} is not a country or area of the registry")


def _resolve(value, kind=None, aliases=None):
    """(iso3, None) on success, (None, failure) otherwise; never raises for bad values."""
    if aliases and isinstance(value, str):
        user = aliases.get(normalize_name(value))
        if user is not None:
            return user, None
    if isinstance(value, bool) or value is None:
        return None, ("unknown", "expected a country name or code")
    if kind is None:
        if isinstance(value, str):
            return _lookup_text(value)
        if isinstance(value, numbers.Real):
            code = _as_code(value)
            if code is None:
                return None, ("unknown", "a missing value or a non-integer number is not an "
                              "M49 code")
            return _lookup_code(code)
        return None, ("unknown", f"expected a str or an int, got {type(value).__name__}")
    if kind == "m49":
        code = _as_code(value)
        if code is None:
            return None, ("unknown", "not an M49 code (an integer such as 104 or '104')")
        return _lookup_code(code)
    if not isinstance(value, str):
        return None, ("unknown", f"expected a str for kind={kind!r}, got {type(value).__name__}")
    text = value.strip()
    if kind == "iso3":
        if text.upper() in _BY_ISO3:
            return text.upper(), None
        return None, ("unknown", "not an ISO3 code of the registry")
    if kind == "iso2":
        if text.upper() in _BY_ISO2:
            return _BY_ISO2[text.upper()], None
        return None, ("unknown", "not an ISO2 code of the registry")
    # kind == "name": names only, never codes
    key = normalize_name(text)
    iso3 = _INDEX.get(key)
    if iso3 is not None and key not in (iso3.lower(), (_BY_ISO3[iso3].iso2 or "").lower()):
        return iso3, None
    if key in _AGGREGATES:
        return None, ("aggregate", key)
    return None, ("unknown", "not a country name of the registry")


def _error(value, failure) -> UnknownCountryError:
    what, detail = failure
    if what == "aggregate":
        return _refused(value, _AGGREGATES[detail])
    if what == "aggregate-m49":
        return _refused(value, _AGGREGATE_M49[detail])
    return _unknown(value, detail)


def _check_kind(kind) -> None:
    if kind is not None and kind not in _KINDS:
        raise InputError(f"unknown kind {kind!r}: use None (any code or name), "
                         f"{', '.join(repr(k) for k in _KINDS)}.")


def _user_aliases(aliases) -> dict[str, str] | None:
    if not aliases:
        return None
    table = {}
    for spelling, iso3 in dict(aliases).items():
        if not isinstance(iso3, str) or iso3 not in _BY_ISO3:
            raise InputError(f"aliases: {spelling!r} maps to {iso3!r}, which is not an ISO3 code of "
                             "the registry; give an ISO3 code such as 'THA'.")
        table[normalize_name(str(spelling))] = iso3
    return table


def to_iso3(name_or_code, *, kind: str | None = None, aliases=None) -> str:
    """The ISO3 code of a country or area, from any of its codes or published names.

    Parameters
    ----------
    name_or_code : str or int
        An ISO3 or ISO2 code, an M49 code (int, integral float or numeric string such as
        ``"104"``), or any alias of the registry. Case, accents, punctuation, extra whitespace
        and trailing footnote markers are ignored.
    kind : {None, "iso3", "iso2", "m49", "name"}, optional
        Restrict the lookup to one kind of code or to names, to read a column unambiguously
        (``kind="iso2"``: ``"NA"`` is Namibia). None (default) accepts any.
    aliases : mapping of str to str, optional
        Your own spellings, ``{spelling: ISO3}``, tried first.

    Returns
    -------
    str
        The ISO3 code, one of :data:`ALL_CODES`.

    Raises
    ------
    mixedmig.errors.UnknownCountryError
        If the value is an aggregate (region, income group, "other", unknown, stateless: the
        message says so), a former country, or is not a name or code of the registry (the
        message suggests close names), or is missing, a bool, or a non-integral number.
    mixedmig.errors.InputError
        If ``kind`` is not one of the allowed values or ``aliases`` maps to a non-registry code.

    Examples
    --------
    >>> from mixedmig import countries
    >>> countries.to_iso3("Lao People's Dem. Rep."), countries.to_iso3(104), countries.to_iso3("kr")
    ('LAO', 'MMR', 'KOR')
    >>> countries.to_iso3("Korea, Dem. People's Rep."), countries.to_iso3("China, Macao SAR")
    ('PRK', 'MAC')
    >>> countries.to_iso3("NA", kind="iso2")
    'NAM'
    >>> countries.to_iso3("Other South")
    Traceback (most recent call last):
    ...
    mixedmig.errors.UnknownCountryError: not a country: 'Other South' is an aggregate, not a country (other; UN DESA (residual origin)); drop these rows (mixedmig.countries.is_aggregate finds them) before resolving countries.
    """
    _check_kind(kind)
    iso3, failure = _resolve(name_or_code, kind, _user_aliases(aliases))
    if iso3 is None:
        raise _error(name_or_code, failure)
    return iso3


def from_iso2(code: str) -> str:
    """The ISO3 code of an ISO 3166-1 alpha-2 code (``to_iso3(code, kind="iso2")``).

    Parameters
    ----------
    code : str
        Two-letter code, any case; ``"NA"`` is Namibia, ``"XK"`` Kosovo.

    Returns
    -------
    str
        The ISO3 code.

    Raises
    ------
    mixedmig.errors.UnknownCountryError
        If the code is not an ISO2 code of the registry.

    Examples
    --------
    >>> from mixedmig import countries
    >>> countries.from_iso2("NA"), countries.from_iso2("mm")
    ('NAM', 'MMR')
    """
    return to_iso3(code, kind="iso2")


def from_m49(code) -> str:
    """The ISO3 code of a UN M49 numeric code (``to_iso3(code, kind="m49")``).

    Parameters
    ----------
    code : int or str
        M49 code, e.g. ``104`` or ``"004"``.

    Returns
    -------
    str
        The ISO3 code.

    Raises
    ------
    mixedmig.errors.UnknownCountryError
        If the code is a region (e.g. 142, Asia) or not an M49 code of the registry.

    Examples
    --------
    >>> from mixedmig import countries
    >>> countries.from_m49("004"), countries.from_m49(830)
    ('AFG', 'CHI')
    """
    return to_iso3(code, kind="m49")


def is_aggregate(value) -> bool:
    """Whether a value names an aggregate rather than a country.

    Aggregates are regions and sub-regions (M49, SDG, World Bank), development and income
    groups, groupings (GMS, ASEAN, EU, OECD...), residual categories ("Other South",
    "Other Asia, nes"), totals, and unknown / stateless origins (UNHCR "Various/unknown",
    "Stateless"; CTDC "00", "-99").

    Parameters
    ----------
    value : object
        A name, a code or an M49 number.

    Returns
    -------
    bool
        True for an aggregate; False for countries, former countries, unknown values and
        missing values.

    Examples
    --------
    >>> from mixedmig import countries
    >>> [countries.is_aggregate(v) for v in ("World", "High income", "-99", 142, "India")]
    [True, True, True, True, False]
    """
    row = None
    if isinstance(value, str):
        key = normalize_name(value)
        row = _AGGREGATES.get(key)
        if row is None and key not in _INDEX:
            code = _as_code(value)
            row = _AGGREGATE_M49.get(code) if code is not None else None
    elif isinstance(value, numbers.Real) and not isinstance(value, bool):
        code = _as_code(value)
        row = _AGGREGATE_M49.get(code) if code is not None else None
    return row is not None and row["kind"] in _AGGREGATE_KINDS


def get(code_or_name) -> Country:
    """The registry entry of a country or area.

    Parameters
    ----------
    code_or_name : str or int
        Any code or alias accepted by :func:`to_iso3`.

    Returns
    -------
    Country
        The country's record.

    Raises
    ------
    mixedmig.errors.UnknownCountryError
        If :func:`to_iso3` does not resolve the value.

    Examples
    --------
    >>> from mixedmig import countries
    >>> countries.get("Burma").capital, countries.get("India").m49
    ('Naypyidaw', 356)
    """
    return _BY_ISO3[to_iso3(code_or_name)]


def is_registry_code(code) -> bool:
    """Whether a value is one of the 15 study ISO3 codes, spelled exactly (same as
    :func:`is_study_code`; kept for the callers that validate the curated tables).

    Parameters
    ----------
    code : object
        Any value.

    Returns
    -------
    bool
        True only for a str in :data:`ISO3_CODES`; names, ISO2 codes and lower case give False.
        For the full registry use :func:`is_country_code`.

    Examples
    --------
    >>> from mixedmig import countries
    >>> countries.is_registry_code("THA"), countries.is_registry_code("tha"), countries.is_registry_code("IND")
    (True, False, False)
    """
    return is_study_code(code)


def is_study_code(code) -> bool:
    """Whether a value is one of the 15 study ISO3 codes, spelled exactly.

    Parameters
    ----------
    code : object
        Any value.

    Returns
    -------
    bool
        True only for a str in :data:`ISO3_CODES` (upper case, no padding).

    Examples
    --------
    >>> from mixedmig import countries
    >>> countries.is_study_code("MMR"), countries.is_study_code("IND")
    (True, False)
    """
    return isinstance(code, str) and code in _STUDY_SET


def is_country_code(code) -> bool:
    """Whether a value is the ISO3 code of a registry country or area, spelled exactly.

    Parameters
    ----------
    code : object
        Any value.

    Returns
    -------
    bool
        True only for a str in :data:`ALL_CODES` (upper case, no padding).

    Examples
    --------
    >>> from mixedmig import countries
    >>> countries.is_country_code("IND"), countries.is_country_code("XKX"), countries.is_country_code("WLD")
    (True, True, False)
    """
    return isinstance(code, str) and code in _BY_ISO3


def name(iso3) -> str:
    """The short English display name of a country or area.

    Parameters
    ----------
    iso3 : str or int
        Any code or alias accepted by :func:`to_iso3` (usually an ISO3 code).

    Returns
    -------
    str
        The display name, e.g. ``"Lao PDR"``.

    Raises
    ------
    mixedmig.errors.UnknownCountryError
        If :func:`to_iso3` does not resolve the value.

    Examples
    --------
    >>> from mixedmig import countries
    >>> countries.name("LAO"), countries.name(344), countries.name("COD")
    ('Lao PDR', 'Hong Kong SAR', 'DR Congo')
    """
    return get(iso3).name


def codes(group: str | None = None) -> tuple[str, ...]:
    """ISO3 codes of a group of countries.

    Parameters
    ----------
    group : str, optional
        ``None`` or ``"study"`` (the 15 study economies, GMS first), ``"GMS"`` (6),
        ``"ASEAN"`` (all 10 ASEAN members: the 9 study members, then BRN), ``"other"`` (the 9
        study economies outside the GMS; ``"other Asia"`` is accepted too), ``"all"`` (every
        country and area of the registry, sorted by ISO3). Case and punctuation are ignored.

    Returns
    -------
    tuple of str
        The ISO3 codes.

    Raises
    ------
    mixedmig.errors.InputError
        If ``group`` is not one of these.

    Examples
    --------
    >>> from mixedmig import countries
    >>> countries.codes("GMS")
    ('KHM', 'CHN', 'LAO', 'MMR', 'THA', 'VNM')
    >>> len(countries.codes()), len(countries.codes("other")), len(countries.codes("ASEAN"))
    (15, 9, 10)
    >>> len(countries.codes("all"))
    251
    """
    if group is None:
        return ISO3_CODES
    key = normalize_name(group) if isinstance(group, str) else None
    by_key = {"study": ISO3_CODES, "gms": GMS, "asean": ASEAN, "other": OTHER_ASIA,
              "other asia": OTHER_ASIA, "all": ALL_CODES}
    if key not in by_key:
        raise InputError(
            f"unknown country group {group!r}: use None or 'study' (the 15), 'GMS', 'ASEAN', "
            "'other' or 'all'."
        )
    return by_key[key]


def table(group: str | None = None):
    """The registry (or one group of it) as a table.

    Parameters
    ----------
    group : str, optional
        Any group accepted by :func:`codes`; default the 15 study economies, ``"all"`` for
        every country and area.

    Returns
    -------
    pandas.DataFrame
        One row per country in the group's order; columns ``iso3``, ``iso2``, ``m49``
        (int64; nullable Int64 when a member has none, as Kosovo), ``name``, ``capital``,
        ``capital_lat``, ``capital_lon`` (decimal degrees, WGS 84), ``gms``, ``asean`` (bool).

    Raises
    ------
    mixedmig.errors.InputError
        If ``group`` is not a group of :func:`codes`.

    Examples
    --------
    >>> from mixedmig import countries
    >>> t = countries.table()
    >>> t.shape, int(t["gms"].sum())
    ((15, 9), 6)
    >>> countries.table("all").shape
    (251, 9)
    """
    import pandas as pd

    members = [_BY_ISO3[c] for c in codes(group)]
    m49 = [c.m49 for c in members]
    return pd.DataFrame(
        {
            "iso3": [c.iso3 for c in members],
            "iso2": [c.iso2 for c in members],
            "m49": pd.array(m49, dtype="int64" if None not in m49 else "Int64"),
            "name": [c.name for c in members],
            "capital": [c.capital for c in members],
            "capital_lat": [c.capital_lat for c in members],
            "capital_lon": [c.capital_lon for c in members],
            "gms": [("GMS" in c.groups) for c in members],
            "asean": [("ASEAN" in c.groups) for c in members],
        }
    )


def registry():
    """Every country and area of the registry, with all its fields.

    Returns
    -------
    pandas.DataFrame
        One row per country, sorted by ISO3: ``iso3``, ``iso2``, ``m49`` (Int64), ``name``,
        ``status``, ``capital``, ``capital_lat``, ``capital_lon``, ``centroid_lat``,
        ``centroid_lon``, ``point_lat``, ``point_lon`` (:attr:`Country.point`), ``region``,
        ``subregion`` (countryinfo's), ``study``, ``gms``, ``asean`` (bool), ``aliases``
        (number of spellings known).

    Examples
    --------
    >>> from mixedmig import countries
    >>> r = countries.registry()
    >>> len(r), int(r["study"].sum()), r.set_index("iso3").loc["CHI", "m49"]
    (251, 15, np.int64(830))
    """
    import pandas as pd

    rows = REGISTRY
    return pd.DataFrame(
        {
            "iso3": [c.iso3 for c in rows],
            "iso2": [c.iso2 for c in rows],
            "m49": pd.array([c.m49 for c in rows], dtype="Int64"),
            "name": [c.name for c in rows],
            "status": [c.status for c in rows],
            "capital": [c.capital for c in rows],
            "capital_lat": [c.capital_lat for c in rows],
            "capital_lon": [c.capital_lon for c in rows],
            "centroid_lat": [c.centroid_lat for c in rows],
            "centroid_lon": [c.centroid_lon for c in rows],
            "point_lat": [c.point[0] for c in rows],
            "point_lon": [c.point[1] for c in rows],
            "region": [c.region for c in rows],
            "subregion": [c.subregion for c in rows],
            "study": [c.iso3 in _STUDY_SET for c in rows],
            "gms": [("GMS" in c.groups) for c in rows],
            "asean": [("ASEAN" in c.groups) for c in rows],
            "aliases": [len(c.aliases) for c in rows],
        }
    )


def aggregates():
    """The aggregates and other non-country entries that :func:`to_iso3` refuses.

    Returns
    -------
    pandas.DataFrame
        One row per spelling: ``name``, ``kind`` (region, development group, income group,
        group, other, total, unknown, stateless; ``former`` and ``part`` are refused but are
        not aggregates), ``m49`` (Int64, where the aggregate has a numeric code),
        ``publisher``, ``note``.

    Examples
    --------
    >>> from mixedmig import countries
    >>> a = countries.aggregates()
    >>> bool((a["name"] == "Other South").any())
    True
    """
    import pandas as pd

    frame = pd.DataFrame(_read_csv("aggregates.csv"))
    frame["m49"] = pd.array([int(v) if v else None for v in frame["m49"]], dtype="Int64")
    return frame


def _python_scalar(value):
    """numpy scalars as Python objects, so messages read ``11``, not ``np.int64(11)``."""
    import numpy as np

    return value.item() if isinstance(value, np.generic) else value


def to_iso3_series(series, *, allow_missing: bool = False, kind: str | None = None,
                   aliases=None):
    """Vectorised :func:`to_iso3`: ISO3 codes for a column of names or codes.

    Each distinct value is resolved once (and names are cached across calls), so 50,000
    values take a few milliseconds.

    Parameters
    ----------
    series : pandas.Series or array-like
        Names or codes (anything :func:`to_iso3` accepts); an array-like becomes an object
        Series with a RangeIndex.
    allow_missing : bool, default False
        Keep missing values missing instead of raising.
    kind : {None, "iso3", "iso2", "m49", "name"}, optional
        As in :func:`to_iso3`.
    aliases : mapping of str to str, optional
        Your own spellings, ``{spelling: ISO3}``, tried first.

    Returns
    -------
    pandas.Series
        ISO3 codes with the input's index and name.

    Raises
    ------
    mixedmig.errors.UnknownCountryError
        For the first value that does not resolve (or is missing, unless ``allow_missing``);
        the message names the value, its 0-based position and its index label, and the
        exception carries them as attributes ``value``, ``position`` and ``label``.
    mixedmig.errors.InputError
        If ``kind`` or ``aliases`` is invalid.

    Examples
    --------
    >>> import pandas as pd
    >>> from mixedmig import countries
    >>> countries.to_iso3_series(pd.Series(["Burma", "Viet Nam*", 764, "India"], name="origin")).tolist()
    ['MMR', 'VNM', 'THA', 'IND']
    """
    import pandas as pd

    _check_kind(kind)
    user = _user_aliases(aliases)
    if not isinstance(series, pd.Series):
        series = pd.Series(series, dtype=object)
    missing = series.isna().to_numpy()
    mapping: dict = {}
    failures: dict = {}
    for value in pd.unique(series[~missing].to_numpy(dtype=object)):
        iso3, failure = _resolve(value, kind, user)
        if iso3 is None:
            failures[value] = failure
        else:
            mapping[value] = iso3
    bad = series.isin(list(failures)).to_numpy() if failures else missing & False
    if not allow_missing:
        bad = bad | missing
    if bad.any():
        position = int(bad.argmax())
        value = _python_scalar(series.iloc[position])
        label = _python_scalar(series.index[position])
        if missing[position]:
            failure = _unknown(value, "missing value")
        else:
            failure = _error(value, failures[series.iloc[position]])
        column = f"column {series.name!r}" if series.name is not None else "the series"
        error = UnknownCountryError(
            f"{column}, position {position} (index label {label!r}): {failure}"
        )
        error.value, error.position, error.label = value, position, label
        raise error
    return series.map(mapping)
