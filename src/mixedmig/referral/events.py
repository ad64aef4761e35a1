"""Referral actors and referral events: vocabularies, records and validation.

The controlled vocabularies (sectors, roles, forms of exploitation, outcomes, reliability of
published figures), the :class:`Actor` record, the actor, event and repatriation table
schemas, and the validators that name the row and column of every problem.  The COMMIT
definition of a cross-sector referral (civil society <-> government) is
:func:`is_cross_sector`.

References
----------
UN-ACT (2018). *Annual Progress Report 2017*. Bangkok: UNDP Bangkok Regional Hub (COMMIT
referral figures; the figures themselves are in ``data/raw/commit_referrals.csv``).
Surtees, R. (2013). *After Trafficking: Experiences and Challenges in the (Re)integration of
Trafficked Persons in the Greater Mekong Sub-region*. Bangkok: UNIAP / NEXUS Institute.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from .. import countries as _countries
from ..checks import require_columns
from ..errors import InputError, SchemaError, UnknownCountryError

#: Sectors of referral actors.
SECTORS = ("government", "civil_society", "international_organisation")


#: Roles of referral actors (a controlled vocabulary; ``other`` for anything else):
#: law_enforcement (police, anti-trafficking units), social_welfare (ministries / departments
#: of social welfare), shelter, border_repatriation_point (border liaison offices, official
#: hand-over points), ngo_service_provider, labour_inspection, prosecution, embassy_consular,
#: hotline, international_agency (UN agencies, IOM), other.
ROLES = (
    "law_enforcement",
    "social_welfare",
    "shelter",
    "border_repatriation_point",
    "ngo_service_provider",
    "labour_inspection",
    "prosecution",
    "embassy_consular",
    "hotline",
    "international_agency",
    "other",
)


#: Forms of exploitation of a referred case (the forms named in Surtees 2013, plus other/unknown).
CASE_CATEGORIES = (
    "sexual_exploitation",
    "forced_labour",
    "forced_marriage",
    "begging",
    "other",
    "unknown",
)


#: Outcomes of a referral.
OUTCOMES = ("accepted", "declined", "pending", "unknown")


#: Reliability of a published figure, from best to weakest: read in the primary publication,
#: computed from read figures, reported by a secondary source, uncertain (year, label or value).
RELIABILITY_LEVELS = ("read", "computed", "secondary", "uncertain")


#: Reliability levels of figures not read directly in a primary source (``weak_source`` edges).
WEAK_RELIABILITY = ("secondary", "uncertain")


#: Actor table: required columns (``name`` and ``synthetic`` are optional).
ACTOR_COLUMNS = ("actor_id", "country", "sector", "role")


#: Referral-event table: one row per referral of one person from one actor to another.
EVENT_COLUMNS = (
    "event_id",
    "date",
    "referring_actor",
    "receiving_actor",
    "referring_country",
    "receiving_country",
    "case_category",
    "outcome",
    "synthetic",
)


#: Repatriation table (published country-pair return counts).
REPATRIATION_COLUMNS = (
    "from_label",
    "to_label",
    "from_iso3",
    "to_iso3",
    "period",
    "year_start",
    "year_end",
    "count",
    "count_qualifier",
    "reliability",
    "source",
    "url",
    "note",
)


_CROSS_SECTOR_PAIR = frozenset({"government", "civil_society"})


_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


_ISO3_RE = re.compile(r"^[A-Z]{3}$")


def _country_hint(value) -> str:
    try:
        return f" (did you mean {_countries.to_iso3(value)!r}?)"
    except (UnknownCountryError, TypeError, ValueError):
        return ""


@dataclass(frozen=True)
class Actor:
    """A referral actor: an organisation or office that refers trafficked persons.

    Parameters
    ----------
    actor_id : str
        Non-empty identifier, unique within an actor table.
    country : str
        ISO3 code of the country registry, exactly (``mixedmig.countries.to_iso3`` converts
        names).
    sector : str
        One of :data:`SECTORS`.
    role : str
        One of :data:`ROLES` (``"other"`` for roles outside the vocabulary).
    name : str, optional
        A readable name.

    Raises
    ------
    SchemaError
        An empty ``actor_id`` or a sector / role outside the vocabularies.
    UnknownCountryError
        A country that is not a registry ISO3 code (the message suggests the code).

    Examples
    --------
    >>> Actor("KHM-GOV01", "KHM", "government", "law_enforcement").sector
    'government'
    """

    actor_id: str
    country: str
    sector: str
    role: str
    name: str | None = None

    def __post_init__(self):
        if not isinstance(self.actor_id, str) or not self.actor_id.strip():
            raise SchemaError(
                f"actor_id must be a non-empty string, got {self.actor_id!r}", column="actor_id"
            )
        if not _countries.is_registry_code(self.country):
            raise UnknownCountryError(
                f"actor {self.actor_id!r}: country {self.country!r} is not an ISO3 code of the "
                f"registry{_country_hint(self.country)}; use one of "
                f"{', '.join(_countries.ISO3_CODES)} (mixedmig.countries.to_iso3 converts names)."
            )
        if self.sector not in SECTORS:
            raise SchemaError(
                f"actor {self.actor_id!r}: sector {self.sector!r} is not one of {SECTORS}",
                column="sector",
            )
        if self.role not in ROLES:
            raise SchemaError(
                f"actor {self.actor_id!r}: role {self.role!r} is not one of {ROLES}; use "
                "'other' for roles outside the vocabulary",
                column="role",
            )


def _row_error(message: str, column: str, frame: pd.DataFrame, position: int,
               what: str) -> SchemaError:
    label = frame.index[position]
    label = label.item() if isinstance(label, np.generic) else label
    error = SchemaError(f"{what} row {label!r} (position {position}): {message}", column=column)
    error.row = label
    return error


def _first(mask) -> int | None:
    mask = np.asarray(mask, dtype=bool)
    return int(mask.argmax()) if mask.any() else None




def _check_no_missing(frame: pd.DataFrame, columns, what: str) -> None:
    for column in columns:
        position = _first(frame[column].isna().to_numpy())
        if position is not None:
            raise _row_error("missing value; this column is required", column, frame,
                             position, what)


def _check_vocabulary(frame: pd.DataFrame, column: str, allowed, what: str, fix: str = ""):
    values = frame[column].tolist()
    position = _first([v not in allowed for v in values])
    if position is not None:
        raise _row_error(
            f"{values[position]!r} is not one of {tuple(allowed)}{fix}", column, frame,
            position, what,
        )


def _check_countries(frame: pd.DataFrame, column: str, what: str) -> None:
    values = frame[column].tolist()
    position = _first([not _countries.is_registry_code(v) for v in values])
    if position is not None:
        value = values[position]
        raise _row_error(
            f"unknown country {value!r}{_country_hint(value)}; use the ISO3 code of one of the "
            f"15 economies ({', '.join(_countries.ISO3_CODES)})",
            column, frame, position, what,
        )


def _check_unique(frame: pd.DataFrame, column: str, what: str) -> None:
    duplicated = frame[column].duplicated(keep="first").to_numpy()
    position = _first(duplicated)
    if position is not None:
        value = frame[column].iloc[position]
        raise _row_error(
            f"duplicate {column} {value!r}; every {column} must be unique", column, frame,
            position, what,
        )


def actors_frame(actors: Iterable[Actor]) -> pd.DataFrame:
    """The actor table of a list of :class:`Actor` records.

    Parameters
    ----------
    actors : iterable of Actor
        The actors.

    Returns
    -------
    pandas.DataFrame
        Columns ``actor_id``, ``country``, ``sector``, ``role``, ``name``; validated by
        :func:`validate_actors`.

    Raises
    ------
    InputError
        An element that is not an :class:`Actor`.
    SchemaError
        A duplicate ``actor_id``.

    Examples
    --------
    >>> actors_frame([Actor("LAO-CSO01", "LAO", "civil_society", "shelter")])
        actor_id country         sector     role  name
    0  LAO-CSO01     LAO  civil_society  shelter  None
    """
    actors = list(actors)
    for a in actors:
        if not isinstance(a, Actor):
            raise InputError(f"expected Actor objects, got {type(a).__name__}")
    columns = [*ACTOR_COLUMNS, "name"]
    frame = pd.DataFrame([asdict(a) for a in actors], columns=columns)
    return validate_actors(frame)


def validate_actors(actors) -> pd.DataFrame:
    """Validate an actor table (or a list of :class:`Actor`) and return a copy.

    Parameters
    ----------
    actors : pandas.DataFrame or iterable of Actor
        Actor table with the columns of :data:`ACTOR_COLUMNS` (``name`` and ``synthetic``
        optional), or :class:`Actor` records.

    Returns
    -------
    pandas.DataFrame
        A validated copy.

    Raises
    ------
    SchemaError
        Naming the row and column: a missing column, a missing value, a duplicate
        ``actor_id``, a country that is not a registry ISO3 code, or a sector / role outside
        the vocabularies.

    Examples
    --------
    >>> table = pd.DataFrame({"actor_id": ["a"], "country": ["Laos"],
    ...                       "sector": ["government"], "role": ["shelter"]})
    >>> try:
    ...     validate_actors(table)
    ... except SchemaError as error:
    ...     print(error.column, "|", "did you mean 'LAO'?" in str(error))
    country | True
    """
    if not isinstance(actors, pd.DataFrame):
        return actors_frame(actors)
    what = "actor table"
    require_columns(actors, ACTOR_COLUMNS, what)
    _check_no_missing(actors, ACTOR_COLUMNS, what)
    _check_unique(actors, "actor_id", what)
    _check_countries(actors, "country", what)
    _check_vocabulary(actors, "sector", SECTORS, what)
    _check_vocabulary(actors, "role", ROLES, what, "; use 'other' for roles outside it")
    return actors.copy()


def actors_from_frame(actors: pd.DataFrame) -> list[Actor]:
    """:class:`Actor` records from an actor table.

    Parameters
    ----------
    actors : pandas.DataFrame
        Actor table (validated first by :func:`validate_actors`).

    Returns
    -------
    list of Actor
        One record per row, in table order; a missing ``name`` becomes None.

    Raises
    ------
    SchemaError
        The table fails :func:`validate_actors`.

    Examples
    --------
    >>> table = pd.DataFrame({"actor_id": ["a"], "country": ["LAO"],
    ...                       "sector": ["government"], "role": ["shelter"]})
    >>> actors_from_frame(table)[0].country
    'LAO'
    """
    frame = validate_actors(actors)
    names = frame["name"].tolist() if "name" in frame.columns else [None] * len(frame)
    return [
        Actor(i, c, s, r, None if (n is None or (isinstance(n, float) and math.isnan(n))) else n)
        for i, c, s, r, n in zip(frame["actor_id"].tolist(), frame["country"].tolist(),
                                 frame["sector"].tolist(), frame["role"].tolist(), names)
    ]


def _is_iso_date(value) -> bool:
    if not isinstance(value, str) or not _DATE_RE.match(value):
        return False
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def validate_events(events: pd.DataFrame, actors) -> pd.DataFrame:
    """Validate referral events against an actor table.

    Parameters
    ----------
    events : pandas.DataFrame
        One row per referral of one person, with the columns of :data:`EVENT_COLUMNS`.
    actors : pandas.DataFrame or iterable of Actor
        The actor table (validated first by :func:`validate_actors`).

    Returns
    -------
    pandas.DataFrame
        A copy, schema columns first (extra columns after them), ``synthetic`` as bool.

    Raises
    ------
    SchemaError
        Naming the row (index label and position) and column: a missing column; a missing
        value; a duplicate ``event_id``; a date that is not a valid ``YYYY-MM-DD``; an actor
        not in the actor table; a country that is not a registry ISO3 code or differs from the
        actor's country; a ``case_category`` or ``outcome`` outside :data:`CASE_CATEGORIES` /
        :data:`OUTCOMES`; a ``synthetic`` value that is not a boolean; a self-referral.

    Examples
    --------
    >>> actors = pd.DataFrame({"actor_id": ["g", "c"], "country": ["LAO", "LAO"],
    ...                        "sector": ["government", "civil_society"],
    ...                        "role": ["law_enforcement", "shelter"]})
    >>> events = pd.DataFrame({"event_id": ["e1"], "date": ["2017-03-31"],
    ...                        "referring_actor": ["g"], "receiving_actor": ["c"],
    ...                        "referring_country": ["LAO"], "receiving_country": ["LAO"],
    ...                        "case_category": ["forced_labour"], "outcome": ["accepted"],
    ...                        "synthetic": [True]})
    >>> len(validate_events(events, actors))
    1
    """
    actor_table = validate_actors(actors)
    what = "event table"
    require_columns(events, EVENT_COLUMNS, what)
    _check_no_missing(events, EVENT_COLUMNS, what)
    _check_unique(events, "event_id", what)
    dates = events["date"].tolist()
    position = _first([not _is_iso_date(d) for d in dates])
    if position is not None:
        raise _row_error(
            f"{dates[position]!r} is not a date; write ISO dates as YYYY-MM-DD (e.g. "
            "'2017-03-31')", "date", events, position, what,
        )
    actor_country = dict(zip(actor_table["actor_id"].tolist(), actor_table["country"].tolist()))
    for actor_col, country_col in (("referring_actor", "referring_country"),
                                   ("receiving_actor", "receiving_country")):
        ids = events[actor_col].tolist()
        position = _first([a not in actor_country for a in ids])
        if position is not None:
            raise _row_error(
                f"unknown actor {ids[position]!r}; add it to the actor table or correct the id",
                actor_col, events, position, what,
            )
        _check_countries(events, country_col, what)
        stated = events[country_col].tolist()
        position = _first([actor_country[a] != c for a, c in zip(ids, stated)])
        if position is not None:
            a = ids[position]
            raise _row_error(
                f"{stated[position]!r} differs from the country of actor {a!r} "
                f"({actor_country[a]!r}) in the actor table", country_col, events, position,
                what,
            )
    _check_vocabulary(events, "case_category", CASE_CATEGORIES, what)
    _check_vocabulary(events, "outcome", OUTCOMES, what)
    flags = events["synthetic"].tolist()
    position = _first([not isinstance(f, (bool, np.bool_)) for f in flags])
    if position is not None:
        raise _row_error(f"{flags[position]!r} is not a boolean; write True or False",
                         "synthetic", events, position, what)
    same = (events["referring_actor"] == events["receiving_actor"]).to_numpy()
    position = _first(same)
    if position is not None:
        raise _row_error(
            f"self-referral: actor {events['referring_actor'].iloc[position]!r} refers to "
            "itself; a referral links two different actors", "receiving_actor", events,
            position, what,
        )
    extra = [c for c in events.columns if c not in EVENT_COLUMNS]
    out = events[[*EVENT_COLUMNS, *extra]].copy()
    out["synthetic"] = out["synthetic"].astype(bool)
    return out


def is_cross_sector(sector_from: str, sector_to: str) -> bool:
    """Whether a referral is cross-sector in the COMMIT sense.

    Parameters
    ----------
    sector_from, sector_to : str
        Sectors (:data:`SECTORS`) of the referring and the receiving actor.

    Returns
    -------
    bool
        True for civil society -> government or government -> civil society; international
        organisations are neither.

    Raises
    ------
    InputError
        If either sector is not one of :data:`SECTORS` (a misspelt or capitalised sector
        would otherwise silently count as not cross-sector).

    Examples
    --------
    >>> is_cross_sector("civil_society", "government"), is_cross_sector("government",
    ...                                                                 "international_organisation")
    (True, False)
    """
    for role, sector in (("sector_from", sector_from), ("sector_to", sector_to)):
        if sector not in SECTORS:
            raise InputError(f"{role}={sector!r} is not a sector; use one of {list(SECTORS)}")
    return frozenset((sector_from, sector_to)) == _CROSS_SECTOR_PAIR
