"""Registry of the 15 economies studied by mixedmig.

Greater Mekong Sub-region (GMS): Cambodia KHM, China CHN, Lao PDR LAO, Myanmar MMR,
Thailand THA, Viet Nam VNM.  Other Asia: Malaysia MYS, Singapore SGP, Japan JPN,
Republic of Korea KOR, Taiwan TWN, Hong Kong SAR HKG, Indonesia IDN, Philippines PHL,
Bangladesh BGD.

Each :class:`Country` carries ISO 3166-1 alpha-3 / alpha-2 codes, the UN M49 numeric code,
a short display name, its capital with coordinates, its groups (``"GMS"`` or ``"other"``,
plus ``"ASEAN"`` for ASEAN members) and the aliases under which it appears in the sources
the toolkit reads:

* UN DESA (International Migrant Stock, World Population Prospects; M49 names such as
  "Lao People's Democratic Republic", "Republic of Korea", "China, Hong Kong SAR",
  "China, Taiwan Province of China", with trailing footnote markers such as "*");
* World Bank / KNOMAD ("Lao PDR", "Vietnam", "Korea, Rep.", "Hong Kong SAR, China");
* UNHCR Refugee Data Finder ("Lao People's Dem. Rep.", "Rep. of Korea", "Viet Nam");
* CEPII GeoDist geo_cepii ("Burma", "Korea", "Hong Kong", "Taiwan");
* CTDC (ISO alpha-2 in the k-anonymised file, alpha-3 in the synthetic file);
* ISO 3166-1 short names and common English variants ("Laos", "South Korea", ...).

Deliberate non-aliases: "Other Asia, nes" (UN Comtrade / CEPII code 490) is *not* Taiwan
and does not resolve; CEPII's ``cnum`` for Taiwan is 490, not M49 158, so 490 does not
resolve either.  "Korea" resolves to the Republic of Korea because CEPII spells it so;
the Democratic People's Republic of Korea is not in the registry and its names raise.

Capitals and coordinates (decimal degrees, WGS 84) are those of the PyPI package
*countryinfo* 1.0.1 (P. Chandro, MIT licence; keys ``capital`` and ``capital_latlng``,
compiled from Wikipedia according to its README), as extracted in the project's reference
file ``capitals_asia.csv``.  Myanmar's capital is Naypyidaw (seat of government since
2005/2006), at 19.75 N, 96.10 E, the same value as the Wikipedia article "Naypyidaw"
(19 deg 45' N, 96 deg 6' E); CEPII's GeoDist still uses Yangon (Rangoon) for Myanmar.
Hong Kong's "capital" is the City of Victoria (Central), as in countryinfo.

Lookup ignores case, accents, punctuation, repeated whitespace and trailing footnote
markers, so ``to_iso3("Lao People's Dem. Rep.")``, ``to_iso3("LAO PDR*")`` and
``to_iso3("la")`` all give ``"LAO"``.  A name or code the registry does not know raises
:class:`mixedmig.errors.UnknownCountryError` (an ``InputError`` and a ``KeyError``) with
suggestions; an unknown group raises :class:`mixedmig.errors.InputError`.

References
----------
ISO 3166-1:2020, *Codes for the representation of names of countries and their subdivisions*.

United Nations Statistics Division, *Standard country or area codes for statistical use (M49)*.

Mayer, T. and Zignago, S. (2011). Notes on CEPII's distances measures: the GeoDist database.
CEPII Working Paper 2011-25.
"""

from __future__ import annotations

import difflib
import math
import numbers
import re
import unicodedata
from dataclasses import dataclass

from .errors import InputError, UnknownCountryError

__all__ = [
    "ASEAN",
    "COUNTRIES",
    "GMS",
    "GROUPS",
    "ISO3_CODES",
    "OTHER_ASIA",
    "Country",
    "codes",
    "get",
    "is_registry_code",
    "name",
    "normalize_name",
    "table",
    "to_iso3",
    "to_iso3_series",
]



@dataclass(frozen=True)
class Country:
    """One economy of the registry: codes, display name, capital, groups and aliases.

    Parameters
    ----------
    iso3 : str
        ISO 3166-1 alpha-3 code, e.g. ``"MMR"``.
    iso2 : str
        ISO 3166-1 alpha-2 code, e.g. ``"MM"``.
    m49 : int
        UN M49 numeric code, e.g. 104.
    name : str
        Short English display name.
    capital : str
        Capital city (Naypyidaw for Myanmar; City of Victoria for Hong Kong SAR).
    capital_lat, capital_lon : float
        Capital's latitude and longitude, decimal degrees (WGS 84).
    groups : tuple of str
        ``"GMS"`` or ``"other"``, plus ``"ASEAN"`` for ASEAN members.
    aliases : tuple of str
        Spellings under which the economy appears in the sources (see the module docstring).

    Examples
    --------
    >>> from mixedmig import countries
    >>> lao = countries.get("LAO")
    >>> lao.m49, lao.capital, lao.groups
    (418, 'Vientiane', ('GMS', 'ASEAN'))
    """

    iso3: str
    iso2: str
    m49: int
    name: str
    capital: str
    capital_lat: float
    capital_lon: float
    groups: tuple[str, ...]
    aliases: tuple[str, ...]


_GMS_ASEAN = ("GMS", "ASEAN")
_OTHER_ASEAN = ("other", "ASEAN")

COUNTRIES: tuple[Country, ...] = (
    Country(
        "KHM", "KH", 116, "Cambodia", "Phnom Penh", 11.568271, 104.922443, _GMS_ASEAN,
        ("Cambodia", "Kingdom of Cambodia"),
    ),
    Country(
        "CHN", "CN", 156, "China", "Beijing", 39.906217, 116.391276, ("GMS",),
        (
            "China",
            "People's Republic of China",
            "China, People's Republic of",
            "China (People's Republic of)",
            "Mainland China",
            "China (mainland)",
        ),
    ),
    Country(
        "LAO", "LA", 418, "Lao PDR", "Vientiane", 17.964099, 102.613371, _GMS_ASEAN,
        (
            "Lao PDR",
            "Lao People's Democratic Republic",
            "Lao People's Dem. Rep.",
            "Lao People's Democratic Republic (the)",
            "Lao P.D.R.",
            "Laos",
            "Lao",
        ),
    ),
    Country(
        "MMR", "MM", 104, "Myanmar", "Naypyidaw", 19.75, 96.1, _GMS_ASEAN,
        (
            "Myanmar",
            "Burma",
            "Myanmar (Burma)",
            "Republic of the Union of Myanmar",
        ),
    ),
    Country(
        "THA", "TH", 764, "Thailand", "Bangkok", 13.754253, 100.493087, _GMS_ASEAN,
        ("Thailand", "Kingdom of Thailand"),
    ),
    Country(
        "VNM", "VN", 704, "Viet Nam", "Hanoi", 21.02945, 105.854444, _GMS_ASEAN,
        (
            "Viet Nam",
            "Vietnam",
            "Socialist Republic of Viet Nam",
            "Socialist Republic of Vietnam",
        ),
    ),
    Country(
        "MYS", "MY", 458, "Malaysia", "Kuala Lumpur", 3.151696, 101.694237, _OTHER_ASEAN,
        ("Malaysia",),
    ),
    Country(
        "SGP", "SG", 702, "Singapore", "Singapore", 1.357107, 103.819499, _OTHER_ASEAN,
        ("Singapore", "Republic of Singapore"),
    ),
    Country(
        "JPN", "JP", 392, "Japan", "Tokyo", 35.682839, 139.759455, ("other",),
        ("Japan",),
    ),
    Country(
        "KOR", "KR", 410, "Republic of Korea", "Seoul", 37.566679, 126.978291, ("other",),
        (
            "Republic of Korea",
            "Korea, Rep.",
            "Rep. of Korea",
            "Korea, Republic of",
            "Korea (the Republic of)",
            "Korea (Republic of)",
            "Korea, South",
            "South Korea",
            "Korea",
        ),
    ),
    Country(
        "TWN", "TW", 158, "Taiwan", "Taipei", 25.03752, 121.56368, ("other",),
        (
            "Taiwan",
            "China, Taiwan Province of China",
            "Taiwan Province of China",
            "Taiwan, Province of China",
            "Taiwan (Province of China)",
            "Taiwan, China",
            "Chinese Taipei",
        ),
    ),
    Country(
        "HKG", "HK", 344, "Hong Kong SAR", "City of Victoria", 22.278333, 114.174444,
        ("other",),
        (
            "Hong Kong SAR",
            "China, Hong Kong SAR",
            "China Hong Kong SAR",
            "Hong Kong SAR, China",
            "China, Hong Kong Special Administrative Region",
            "Hong Kong Special Administrative Region of China",
            "Hong Kong, China",
            "Hong Kong",
        ),
    ),
    Country(
        "IDN", "ID", 360, "Indonesia", "Jakarta", -6.2, 106.816667, _OTHER_ASEAN,
        ("Indonesia", "Republic of Indonesia"),
    ),
    Country(
        "PHL", "PH", 608, "Philippines", "Manila", 14.590622, 120.97997, _OTHER_ASEAN,
        ("Philippines", "Philippines (the)", "The Philippines", "Republic of the Philippines"),
    ),
    Country(
        "BGD", "BD", 50, "Bangladesh", "Dhaka", 23.759357, 90.378814, ("other",),
        ("Bangladesh", "People's Republic of Bangladesh"),
    ),
)

ISO3_CODES: tuple[str, ...] = tuple(c.iso3 for c in COUNTRIES)
GMS: tuple[str, ...] = tuple(c.iso3 for c in COUNTRIES if "GMS" in c.groups)
ASEAN: tuple[str, ...] = tuple(c.iso3 for c in COUNTRIES if "ASEAN" in c.groups)
OTHER_ASIA: tuple[str, ...] = tuple(c.iso3 for c in COUNTRIES if "other" in c.groups)
GROUPS: tuple[str, ...] = ("GMS", "ASEAN", "other")

_BY_ISO3: dict[str, Country] = {c.iso3: c for c in COUNTRIES}
_BY_M49: dict[int, str] = {c.m49: c.iso3 for c in COUNTRIES}

_APOSTROPHES_AND_DOTS = re.compile(r"[.'\u2019\u2018`\u00b4]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_TRAILING_FOOTNOTE = re.compile(r"[\s*\u2020\u2021\u00b9\u00b2\u00b3\u2070-\u2079]+$")
_NUMERIC = re.compile(r"^\s*(\d{1,3})(?:\.0+)?\s*$")


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
        keys += [(country.iso3.lower(), country.iso3), (country.iso2.lower(), country.iso2)]
        for key, original in keys:
            owner = index.setdefault(key, country.iso3)
            if owner != country.iso3:
                raise InputError(
                    f"alias {original!r} (key {key!r}) of {country.iso3} is already "
                    f"an alias of {owner}"
                )
            spelling.setdefault(key, original)
    return index, spelling


_INDEX, _SPELLING = _build_index(COUNTRIES)
_NAME_KEYS = tuple(k for k in _SPELLING if len(k) > 3)

_DPRK = "the Democratic People's Republic of Korea (PRK) is not in the registry"
_MACAO = "Macao SAR (MAC) is not in the registry"
# Names that look like registry members but are not; they get an explanation instead of
# misleading "did you mean" suggestions.
_NOT_IN_REGISTRY = {
    "other asia nes": "'Other Asia, nes' is a residual category of trade and migration "
    "statistics, not Taiwan; it is deliberately not an alias of TWN",
    "korea dem rep": _DPRK,
    "korea dem peoples rep": _DPRK,
    "dem peoples rep of korea": _DPRK,
    "democratic peoples republic of korea": _DPRK,
    "north korea": _DPRK,
    "china macao sar": _MACAO,
    "china macao special administrative region": _MACAO,
    "macao sar china": _MACAO,
    "macao": _MACAO,
    "macau": _MACAO,
}


def _unknown(value, reason: str) -> UnknownCountryError:
    key = normalize_name(value) if isinstance(value, str) else ""
    if key in _NOT_IN_REGISTRY:
        reason, key = _NOT_IN_REGISTRY[key], ""
    close = difflib.get_close_matches(key, _NAME_KEYS, n=3, cutoff=0.6) if key else []
    hint = ""
    if close:
        shown = ", ".join(f"{_SPELLING[k]!r} ({_INDEX[k]})" for k in close)
        hint = f" Did you mean {shown}?"
    return UnknownCountryError(
        f"unknown country {value!r}: {reason}.{hint} Use one of the ISO3 codes "
        f"{', '.join(ISO3_CODES)} (or their ISO2 / M49 codes or a known name), "
        "or add an alias to the registry in mixedmig.countries."
    )


def to_iso3(name_or_code) -> str:
    """The ISO3 code of an economy, from any of its codes or published names.

    Parameters
    ----------
    name_or_code : str or int
        An ISO3 or ISO2 code, an M49 code (int, integral float or numeric string such as
        ``"104"``), or any alias of the registry. Case, accents, punctuation, extra whitespace
        and trailing footnote markers are ignored.

    Returns
    -------
    str
        The ISO3 code, one of :data:`ISO3_CODES`.

    Raises
    ------
    mixedmig.errors.UnknownCountryError
        If the value is not a name or code of the 15 economies (the message suggests close
        names and explains deliberate non-aliases such as "Other Asia, nes"), or is missing,
        a bool, or a non-integral number.

    Examples
    --------
    >>> from mixedmig import countries
    >>> countries.to_iso3("Lao People's Dem. Rep."), countries.to_iso3(104), countries.to_iso3("kr")
    ('LAO', 'MMR', 'KOR')
    >>> countries.to_iso3("Korea, Dem. Rep.")
    Traceback (most recent call last):
    ...
    mixedmig.errors.UnknownCountryError: unknown country 'Korea, Dem. Rep.': the Democratic People's Republic of Korea (PRK) is not in the registry. Use one of the ISO3 codes KHM, CHN, LAO, MMR, THA, VNM, MYS, SGP, JPN, KOR, TWN, HKG, IDN, PHL, BGD (or their ISO2 / M49 codes or a known name), or add an alias to the registry in mixedmig.countries.
    """
    value = name_or_code
    if isinstance(value, bool) or value is None:
        raise _unknown(value, "expected a country name or code")
    if isinstance(value, numbers.Integral):
        code = int(value)
    elif isinstance(value, numbers.Real):
        if math.isnan(value) or not float(value).is_integer():
            raise _unknown(value, "a missing value or a non-integer number is not an M49 code")
        code = int(value)
    elif isinstance(value, str):
        numeric = _NUMERIC.match(value)
        if numeric is None:
            key = normalize_name(value)
            if not key:
                raise _unknown(value, "the name is empty")
            try:
                return _INDEX[key]
            except KeyError:
                reason = "not a name or code of the 15 economies in the registry"
                raise _unknown(value, reason) from None
        code = int(numeric.group(1))
    else:
        raise _unknown(value, f"expected a str or an int, got {type(value).__name__}")
    try:
        return _BY_M49[code]
    except KeyError:
        reason = f"M49 code {code} is not one of the 15 economies in the registry"
        raise _unknown(value, reason) from None


def get(code_or_name) -> Country:
    """The registry entry of an economy.

    Parameters
    ----------
    code_or_name : str or int
        Any code or alias accepted by :func:`to_iso3`.

    Returns
    -------
    Country
        The economy's record.

    Raises
    ------
    mixedmig.errors.UnknownCountryError
        If :func:`to_iso3` does not know the value.

    Examples
    --------
    >>> from mixedmig import countries
    >>> countries.get("Burma").capital
    'Naypyidaw'
    """
    return _BY_ISO3[to_iso3(code_or_name)]


def is_registry_code(code) -> bool:
    """Whether a value is one of the 15 ISO3 codes, spelled exactly (upper case, no padding).

    Parameters
    ----------
    code : object
        Any value.

    Returns
    -------
    bool
        True only for a str in :data:`ISO3_CODES`; names, ISO2 codes and lower case give False.

    Examples
    --------
    >>> from mixedmig import countries
    >>> countries.is_registry_code("THA"), countries.is_registry_code("tha"), countries.is_registry_code("TH")
    (True, False, False)
    """
    return isinstance(code, str) and code in _BY_ISO3


def name(iso3) -> str:
    """The short English display name of an economy.

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
        If :func:`to_iso3` does not know the value.

    Examples
    --------
    >>> from mixedmig import countries
    >>> countries.name("LAO"), countries.name(344)
    ('Lao PDR', 'Hong Kong SAR')
    """
    return get(iso3).name


def codes(group: str | None = None) -> tuple[str, ...]:
    """ISO3 codes of a group of economies, in registry order.

    Parameters
    ----------
    group : str, optional
        ``None`` (all 15), ``"GMS"`` (6), ``"ASEAN"`` (the 9 ASEAN members of the registry) or
        ``"other"`` (the 9 outside the GMS; ``"other Asia"`` is accepted too). Case and
        punctuation are ignored.

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
    >>> len(countries.codes()), len(countries.codes("other"))
    (15, 9)
    """
    if group is None:
        return ISO3_CODES
    key = normalize_name(group) if isinstance(group, str) else None
    by_key = {"gms": GMS, "asean": ASEAN, "other": OTHER_ASIA, "other asia": OTHER_ASIA}
    if key not in by_key:
        raise InputError(
            f"unknown country group {group!r}: use None (all 15), 'GMS', 'ASEAN' or 'other'."
        )
    return by_key[key]


def table():
    """The registry as a table.

    Returns
    -------
    pandas.DataFrame
        One row per economy in registry order; columns ``iso3``, ``iso2``, ``m49`` (int64),
        ``name``, ``capital``, ``capital_lat``, ``capital_lon`` (decimal degrees, WGS 84),
        ``gms``, ``asean`` (bool).

    Examples
    --------
    >>> from mixedmig import countries
    >>> t = countries.table()
    >>> t.shape, int(t["gms"].sum())
    ((15, 9), 6)
    """
    import pandas as pd

    return pd.DataFrame(
        {
            "iso3": [c.iso3 for c in COUNTRIES],
            "iso2": [c.iso2 for c in COUNTRIES],
            "m49": pd.array([c.m49 for c in COUNTRIES], dtype="int64"),
            "name": [c.name for c in COUNTRIES],
            "capital": [c.capital for c in COUNTRIES],
            "capital_lat": [c.capital_lat for c in COUNTRIES],
            "capital_lon": [c.capital_lon for c in COUNTRIES],
            "gms": [("GMS" in c.groups) for c in COUNTRIES],
            "asean": [("ASEAN" in c.groups) for c in COUNTRIES],
        }
    )


def _python_scalar(value):
    """numpy scalars as Python objects, so messages read ``11``, not ``np.int64(11)``."""
    import numpy as np

    return value.item() if isinstance(value, np.generic) else value


def to_iso3_series(series, *, allow_missing: bool = False):
    """Vectorised :func:`to_iso3`: ISO3 codes for a column of names or codes.

    Each distinct value is resolved once.

    Parameters
    ----------
    series : pandas.Series or array-like
        Names or codes (anything :func:`to_iso3` accepts); an array-like becomes an object
        Series with a RangeIndex.
    allow_missing : bool, default False
        Keep missing values missing instead of raising.

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

    Examples
    --------
    >>> import pandas as pd
    >>> from mixedmig import countries
    >>> countries.to_iso3_series(pd.Series(["Burma", "Viet Nam*", 764], name="origin")).tolist()
    ['MMR', 'VNM', 'THA']
    """
    import pandas as pd

    if not isinstance(series, pd.Series):
        series = pd.Series(series, dtype=object)
    missing = series.isna().to_numpy()
    mapping: dict = {}
    failures: dict = {}
    for value in pd.unique(series[~missing].to_numpy(dtype=object)):
        try:
            mapping[value] = to_iso3(value)
        except UnknownCountryError as exc:
            failures[value] = exc
    bad = series.isin(list(failures)).to_numpy() if failures else missing & False
    if not allow_missing:
        bad = bad | missing
    if bad.any():
        position = int(bad.argmax())
        value = _python_scalar(series.iloc[position])
        label = _python_scalar(series.index[position])
        failure = failures.get(value) or _unknown(value, "missing value")
        detail = str(failure)
        column = f"column {series.name!r}" if series.name is not None else "the series"
        error = UnknownCountryError(
            f"{column}, position {position} (index label {label!r}): {detail}"
        )
        error.value, error.position, error.label = value, position, label
        raise error
    return series.map(mapping)
