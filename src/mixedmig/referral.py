"""Referral mechanisms: actors, referral events, referral and return networks.

Contents
--------
* :class:`Actor` and the actor table (``ACTOR_COLUMNS``): who refers trafficked persons -
  its country (ISO3 of the registry), sector (``SECTORS``) and role (``ROLES``).
* The referral-event schema (``EVENT_COLUMNS``) and :func:`validate_events`.
* :func:`referral_network` (weighted ``DiGraph`` or one-edge-per-event ``MultiDiGraph``) and
  :func:`referral_network_summary`, which applies the measures of :mod:`mixedmig.networks`.
* :func:`cross_sector_share` / :func:`cross_sector_share_from_events`: the share of referrals
  between civil society and government, with a confidence interval.
* :func:`return_network`: the transnational return (repatriation) network from a table of
  published repatriation counts, without silently adding figures of different periods.
* :func:`synthetic_referral_events`: seeded synthetic actors and events for teaching,
  calibrated to the published COMMIT 2017 aggregates.

Published anchor: in 2017, 1,817 trafficked persons were supported through COMMIT's national
and transnational referral mechanisms, of whom 813 were referred from civil-society
organisations to government agencies or vice versa (UN-ACT, *Annual Progress Report 2017*,
UNDP Bangkok Regional Hub, highlights published 5 October 2018): 813 / 1,817 = 44.7%.
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

from . import countries as _countries
from . import networks as _networks
from .errors import ModelError, SchemaError, UnknownCountryError

__all__ = [
    "SECTORS",
    "ROLES",
    "CASE_CATEGORIES",
    "OUTCOMES",
    "RELIABILITY_LEVELS",
    "WEAK_RELIABILITY",
    "ACTOR_COLUMNS",
    "EVENT_COLUMNS",
    "REPATRIATION_COLUMNS",
    "COMMIT_2017_PERSONS_SUPPORTED",
    "COMMIT_2017_CROSS_SECTOR",
    "Actor",
    "ReferralNetworkSummary",
    "ReturnNetwork",
    "SyntheticReferrals",
    "actors_frame",
    "actors_from_frame",
    "validate_actors",
    "validate_events",
    "is_cross_sector",
    "referral_network",
    "referral_network_summary",
    "cross_sector_share",
    "cross_sector_share_from_events",
    "return_network",
    "synthetic_referral_events",
]

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

#: UN-ACT Annual Progress Report 2017: persons supported through COMMIT (trans)national
#: referral mechanisms in 2017, and those referred from CSOs to government or vice versa.
COMMIT_2017_PERSONS_SUPPORTED = 1817
COMMIT_2017_CROSS_SECTOR = 813

_CROSS_SECTOR_PAIR = frozenset({"government", "civil_society"})
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO3_RE = re.compile(r"^[A-Z]{3}$")


# --------------------------------------------------------------------------------------------
# actors
# --------------------------------------------------------------------------------------------


def _country_hint(value) -> str:
    try:
        return f" (did you mean {_countries.to_iso3(value)!r}?)"
    except (UnknownCountryError, TypeError, ValueError):
        return ""


@dataclass(frozen=True)
class Actor:
    """A referral actor: ``actor_id``, ``country`` (ISO3 code of the registry, exactly),
    ``sector`` (one of :data:`SECTORS`), ``role`` (one of :data:`ROLES`), optional ``name``."""

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


def _check_present(frame: pd.DataFrame, columns, what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise SchemaError(f"expected the {what} as a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SchemaError(
            f"the {what} has no column(s) {missing}; required columns: {list(columns)}",
            column=missing[0],
        )


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
    """Actor table (columns ``actor_id, country, sector, role, name``) from :class:`Actor`s."""
    actors = list(actors)
    for a in actors:
        if not isinstance(a, Actor):
            raise SchemaError(f"expected Actor objects, got {type(a).__name__}")
    columns = [*ACTOR_COLUMNS, "name"]
    frame = pd.DataFrame([asdict(a) for a in actors], columns=columns)
    return validate_actors(frame)


def validate_actors(actors) -> pd.DataFrame:
    """Validate an actor table (or a list of :class:`Actor`) and return a copy.

    Raises :class:`~mixedmig.errors.SchemaError` naming the row and column for a missing
    column, a missing value, a duplicate ``actor_id``, a country that is not a registry ISO3
    code, or a sector / role outside the vocabularies.
    """
    if not isinstance(actors, pd.DataFrame):
        return actors_frame(actors)
    what = "actor table"
    _check_present(actors, ACTOR_COLUMNS, what)
    _check_no_missing(actors, ACTOR_COLUMNS, what)
    _check_unique(actors, "actor_id", what)
    _check_countries(actors, "country", what)
    _check_vocabulary(actors, "sector", SECTORS, what)
    _check_vocabulary(actors, "role", ROLES, what, "; use 'other' for roles outside it")
    return actors.copy()


def actors_from_frame(actors: pd.DataFrame) -> list[Actor]:
    """:class:`Actor` objects from a validated actor table."""
    frame = validate_actors(actors)
    names = frame["name"].tolist() if "name" in frame.columns else [None] * len(frame)
    return [
        Actor(i, c, s, r, None if (n is None or (isinstance(n, float) and math.isnan(n))) else n)
        for i, c, s, r, n in zip(frame["actor_id"].tolist(), frame["country"].tolist(),
                                 frame["sector"].tolist(), frame["role"].tolist(), names)
    ]


# --------------------------------------------------------------------------------------------
# events
# --------------------------------------------------------------------------------------------


def _is_iso_date(value) -> bool:
    if not isinstance(value, str) or not _DATE_RE.match(value):
        return False
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def validate_events(events: pd.DataFrame, actors) -> pd.DataFrame:
    """Validate referral events against an actor table; return a copy (schema columns first,
    ``synthetic`` as bool).

    Raises :class:`~mixedmig.errors.SchemaError` naming the row (index label and position) and
    column for: a missing column; a missing value; a duplicate ``event_id``; a date that is not
    a valid ``YYYY-MM-DD``; an actor not in the actor table; a country that is not a registry
    ISO3 code or differs from the actor's country; a ``case_category`` or ``outcome`` outside
    :data:`CASE_CATEGORIES` / :data:`OUTCOMES`; a ``synthetic`` value that is not a boolean;
    a self-referral (same referring and receiving actor).
    """
    actor_table = validate_actors(actors)
    what = "event table"
    _check_present(events, EVENT_COLUMNS, what)
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
    """True for a referral from civil society to government or from government to civil
    society (the COMMIT definition); international organisations are neither."""
    return frozenset((sector_from, sector_to)) == _CROSS_SECTOR_PAIR


# --------------------------------------------------------------------------------------------
# referral networks
# --------------------------------------------------------------------------------------------


def referral_network(events: pd.DataFrame, actors, weighted: bool = True,
                     multigraph: bool = False) -> nx.DiGraph | nx.MultiDiGraph:
    """Referral network: one node per actor of the actor table (also actors without
    referrals), with node attributes ``country``, ``sector``, ``role``.

    ``DiGraph`` (default): an edge ``i -> j`` when ``i`` referred at least one person to ``j``,
    with ``n_events`` (number of referrals), ``weight`` (= ``n_events`` when ``weighted``, 1
    otherwise), ``cross_border`` (countries differ) and ``cross_sector`` (CSO <-> government).
    ``multigraph=True``: a ``MultiDiGraph`` with one edge per event, keyed by ``event_id``, with
    ``weight`` 1, ``date``, ``case_category``, ``outcome``, ``synthetic`` and the two flags.
    Events are validated first (:func:`validate_events`).
    """
    actor_table = validate_actors(actors)
    checked = validate_events(events, actor_table)
    G = nx.MultiDiGraph() if multigraph else nx.DiGraph()
    order = sorted(range(len(actor_table)), key=lambda i: actor_table["actor_id"].iloc[i])
    sector_of = {}
    for i in order:
        row = actor_table.iloc[i]
        sector_of[row["actor_id"]] = row["sector"]
        G.add_node(row["actor_id"], country=row["country"], sector=row["sector"],
                   role=row["role"])
    records = zip(
        checked["event_id"].tolist(), checked["date"].tolist(),
        checked["referring_actor"].tolist(), checked["receiving_actor"].tolist(),
        checked["referring_country"].tolist(), checked["receiving_country"].tolist(),
        checked["case_category"].tolist(), checked["outcome"].tolist(),
        checked["synthetic"].tolist(),
    )
    for event_id, date, a, b, ca, cb, category, outcome, synthetic in records:
        flags = {"cross_border": ca != cb,
                 "cross_sector": is_cross_sector(sector_of[a], sector_of[b])}
        if multigraph:
            G.add_edge(a, b, key=event_id, weight=1.0, date=date, case_category=category,
                       outcome=outcome, synthetic=bool(synthetic), **flags)
        elif G.has_edge(a, b):
            G[a][b]["n_events"] += 1
        else:
            G.add_edge(a, b, n_events=1, **flags)
    if not multigraph:
        for _, _, d in G.edges(data=True):
            d["weight"] = float(d["n_events"]) if weighted else 1.0
    return G


@dataclass(frozen=True)
class ReferralNetworkSummary:
    """Measures of a referral network (see :func:`referral_network_summary`)."""

    centrality: pd.DataFrame = field(repr=False)
    brokerage_by_sector: pd.DataFrame = field(repr=False)
    brokerage_by_country: pd.DataFrame = field(repr=False)
    ei_cross_border: _networks.EIIndexResult
    ei_cross_sector: _networks.EIIndexResult
    reciprocity_weighted: float
    reciprocity_unweighted: float
    robustness: pd.DataFrame = field(repr=False)


def referral_network_summary(G, robustness_order: str = "betweenness",
                             robustness_steps: int | None = None,
                             weighted_ei: bool = True) -> ReferralNetworkSummary:
    """Apply the :mod:`mixedmig.networks` measures to a referral network.

    ``centrality`` (degree, strength, betweenness, PageRank, eigenvector); Gould-Fernandez
    brokerage with groups = sector and = country; E-I index with groups = country (external =
    cross-border referrals, internal = domestic) and = sector (external = referrals between
    sectors, including those involving international organisations), weighted by the number of
    referrals when ``weighted_ei``; weighted and unweighted reciprocity; robustness when the
    most central actors are removed (``robustness_order``: betweenness, degree or strength).
    """
    weight = "weight" if weighted_ei else None
    return ReferralNetworkSummary(
        centrality=_networks.centrality_table(G),
        brokerage_by_sector=_networks.brokerage_roles(G, "sector"),
        brokerage_by_country=_networks.brokerage_roles(G, "country"),
        ei_cross_border=_networks.ei_index(G, "country", weight=weight),
        ei_cross_sector=_networks.ei_index(G, "sector", weight=weight),
        reciprocity_weighted=_networks.reciprocity(G, weighted=True),
        reciprocity_unweighted=_networks.reciprocity(G, weighted=False),
        robustness=_networks.robustness(G, order=robustness_order, steps=robustness_steps),
    )


def cross_sector_share(k_cross, n_total, level: float = 0.95, method: str = "wilson"):
    """Share of referred persons referred between civil society and government, with a CI.

    ``k_cross / n_total`` and its interval from :func:`mixedmig.stats.proportion_ci` (Wilson
    score interval by default; Wilson 1927, *JASA* 22: 209-212).  COMMIT 2017 (UN-ACT Annual
    Progress Report 2017): ``cross_sector_share(813, 1817).estimate`` = 0.4474 (44.7%).
    Returns the :class:`mixedmig.stats.ProportionCI` (estimate, lower, upper, k, n, method,
    level).
    """
    from .stats import proportion_ci

    return proportion_ci(k_cross, n_total, method=method, level=level)


def cross_sector_share_from_events(events: pd.DataFrame, actors, level: float = 0.95,
                                   method: str = "wilson"):
    """:func:`cross_sector_share` counted from referral events: ``k`` = events between a
    civil-society actor and a government actor (either direction), ``n`` = all events.

    Each event is taken as one referred person, as in the COMMIT count of persons; referrals
    involving international organisations count in ``n`` but never in ``k``.
    """
    actor_table = validate_actors(actors)
    checked = validate_events(events, actor_table)
    if len(checked) == 0:
        raise SchemaError("the event table has no rows; a share needs at least one referral")
    sector_of = dict(zip(actor_table["actor_id"].tolist(), actor_table["sector"].tolist()))
    k = sum(
        is_cross_sector(sector_of[a], sector_of[b])
        for a, b in zip(checked["referring_actor"].tolist(), checked["receiving_actor"].tolist())
    )
    return cross_sector_share(int(k), len(checked), level=level, method=method)


# --------------------------------------------------------------------------------------------
# return (repatriation) network
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnNetwork:
    """Transnational return network built by :func:`return_network`.

    ``graph``: ``DiGraph`` (or ``MultiDiGraph`` for ``combine="separate"``) from returning
    country to country of return.  ``edges``: one row per edge (``orig``, ``dest``, ``count``,
    ``period``, ``reliability``, ``secondary``, ``weak_source``, ``count_qualifier``,
    ``n_rows``, ``rows``, ``sources``).  ``strength`` and ``corridors``:
    :func:`mixedmig.networks.strength_table` and
    :func:`mixedmig.networks.corridor_ranking`, with a ``period`` column (one block per period
    when periods are kept separate).  ``excluded``: rows left out and why.
    """

    graph: nx.DiGraph
    edges: pd.DataFrame = field(repr=False)
    strength: pd.DataFrame = field(repr=False)
    corridors: pd.DataFrame = field(repr=False)
    excluded: pd.DataFrame = field(repr=False)
    combine: str = "error"


def _validate_repatriations(table: pd.DataFrame) -> pd.DataFrame:
    what = "repatriation table"
    _check_present(table, REPATRIATION_COLUMNS, what)
    _check_no_missing(table, ("from_label", "to_label", "period", "reliability"), what)
    for column in ("from_iso3", "to_iso3"):
        values = table[column].tolist()
        position = _first([not (pd.isna(v) or (isinstance(v, str) and _ISO3_RE.match(v)))
                           for v in values])
        if position is not None:
            raise _row_error(
                f"{values[position]!r} is not an ISO 3166-1 alpha-3 code; leave it empty when "
                "the end is not a single country (e.g. 'all neighbours')", column, table,
                position, what,
            )
    raw = table["count"]
    numeric = pd.to_numeric(raw, errors="coerce").astype("float64")
    position = _first(numeric.isna().to_numpy() & raw.notna().to_numpy())
    if position is not None:
        raise _row_error(f"{_none_if_missing(raw.iloc[position])!r} is not a number; "
                         "leave unknown counts empty",
                         "count", table, position, what)
    position = _first((numeric < 0).to_numpy())
    if position is not None:
        raise _row_error(f"negative count {float(numeric.iloc[position])!r}", "count", table,
                         position, what)
    _check_vocabulary(table, "reliability", RELIABILITY_LEVELS, what)
    out = table.copy()
    out["count"] = numeric.to_numpy()
    return out


def _none_if_missing(value):
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value.item() if isinstance(value, np.generic) else value


def _year(value):
    """A year as an int (a column with gaps arrives as float), or None when missing."""
    value = _none_if_missing(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def return_network(repatriations: pd.DataFrame, period: str | Sequence[str] | None = None,
                   combine: str = "error") -> ReturnNetwork:
    """Transnational return network from published repatriation counts.

    An edge ``from_iso3 -> to_iso3`` (returning country -> country of return) is made only from
    rows whose two ends are single countries (``from_iso3``/``to_iso3`` filled) and whose
    ``count`` is published; every other row is listed in ``excluded`` with the reason, as are
    rows of periods not selected.  Edges keep ``count`` (also as ``weight``), ``period``,
    ``year_start``, ``year_end``, ``reliability``, ``secondary`` (reliability == "secondary"),
    ``weak_source`` (True when the count was not read directly in a primary source:
    reliability "secondary" or "uncertain"; e.g. ``flow_map(..., dashed="weak_source")``),
    ``count_qualifier``, ``source`` and ``url``.

    Counts of different periods (e.g. "cumulative to 2008" and "~2012") are different
    quantities, so they are never added silently:

    * ``period`` keeps only rows whose ``period`` equals it (a label or a list of labels);
    * ``combine="error"`` (default) raises :class:`~mixedmig.errors.ModelError` when a country
      pair still has several rows;
    * ``combine="sum"`` adds them and records what was combined on the edge (``rows``,
      ``periods``, ``counts``; ``reliability`` = the weakest of the rows, ``secondary`` and
      ``weak_source`` = any);
    * ``combine="separate"`` keeps one edge per row in a ``MultiDiGraph``; strength and
      corridors are then computed per period.
    """
    if combine not in ("error", "sum", "separate"):
        raise ModelError(f"combine must be 'error', 'sum' or 'separate', got {combine!r}")
    table = _validate_repatriations(repatriations)
    selected = None
    if period is not None:
        selected = [period] if isinstance(period, str) else list(period)
        available = sorted(set(table["period"].tolist()), key=str)
        unknown = [p for p in selected if p not in available]
        if unknown:
            raise ModelError(f"period(s) {unknown} not in the table; available: {available}")

    excluded_rows = []
    kept = []
    for position in range(len(table)):
        row = table.iloc[position]
        label = _none_if_missing(table.index[position])
        reason = None
        if _none_if_missing(row["from_iso3"]) is None:
            reason = f"origin {row['from_label']!r} is not a single country (from_iso3 empty)"
        elif _none_if_missing(row["to_iso3"]) is None:
            reason = f"destination {row['to_label']!r} is not a single country (to_iso3 empty)"
        elif _none_if_missing(row["count"]) is None:
            reason = "count not published (missing)"
        elif row["from_iso3"] == row["to_iso3"]:
            reason = "same country at both ends (not a transnational return)"
        elif selected is not None and row["period"] not in selected:
            reason = f"period {row['period']!r} not selected"
        if reason is None:
            kept.append(position)
        else:
            excluded_rows.append(
                {"row": label, "from_label": row["from_label"], "to_label": row["to_label"],
                 "period": row["period"], "count": _none_if_missing(row["count"]),
                 "reason": reason}
            )
    excluded = pd.DataFrame(excluded_rows,
                            columns=["row", "from_label", "to_label", "period", "count", "reason"])
    excluded["row"] = pd.Series([r["row"] for r in excluded_rows], dtype=object)

    records = []
    for position in kept:
        row = table.iloc[position]
        records.append(
            {
                "row": _none_if_missing(table.index[position]),
                "orig": row["from_iso3"], "dest": row["to_iso3"],
                "count": float(row["count"]), "period": row["period"],
                "year_start": _year(row["year_start"]),
                "year_end": _year(row["year_end"]),
                "reliability": row["reliability"],
                "count_qualifier": _none_if_missing(row["count_qualifier"]),
                "source": _none_if_missing(row["source"]),
                "url": _none_if_missing(row["url"]),
            }
        )
    by_pair: dict = {}
    for rec in records:
        by_pair.setdefault((rec["orig"], rec["dest"]), []).append(rec)
    if combine == "error":
        clashes = {pair: recs for pair, recs in by_pair.items() if len(recs) > 1}
        if clashes:
            pair, recs = min(clashes.items(), key=lambda kv: kv[0])
            periods = [r["period"] for r in recs]
            raise ModelError(
                f"{len(clashes)} country pair(s) have several rows, e.g. {pair[0]} -> {pair[1]} "
                f"for periods {periods}; counts of different periods are not added silently. "
                "Choose one with period=..., or pass combine='sum' (records what was added) or "
                "combine='separate' (one edge per row)."
            )

    G = nx.MultiDiGraph() if combine == "separate" else nx.DiGraph()
    codes = sorted({r["orig"] for r in records} | {r["dest"] for r in records})
    labels = {}
    for position in kept:
        row = table.iloc[position]
        labels.setdefault(row["from_iso3"], row["from_label"])
        labels.setdefault(row["to_iso3"], row["to_label"])
    for code in codes:
        in_registry = _countries.is_registry_code(code)
        G.add_node(code, name=_countries.name(code) if in_registry else labels[code],
                   in_registry=in_registry)

    edge_rows = []
    if combine == "separate":
        for rec in records:
            attrs = _edge_attributes([rec])
            G.add_edge(rec["orig"], rec["dest"], key=rec["row"], **attrs)
            edge_rows.append({"orig": rec["orig"], "dest": rec["dest"], **attrs})
    else:
        for (o, d), recs in sorted(by_pair.items()):
            attrs = _edge_attributes(recs)
            G.add_edge(o, d, **attrs)
            edge_rows.append({"orig": o, "dest": d, **attrs})
    edge_columns = ["orig", "dest", "count", "period", "year_start", "year_end", "reliability",
                    "secondary", "weak_source", "count_qualifier", "n_rows", "rows", "periods",
                    "counts", "sources", "urls"]
    edges = pd.DataFrame(edge_rows, columns=[*edge_columns, "weight"]).drop(columns="weight")
    edges = edges.sort_values(["period", "orig", "dest"], kind="stable").reset_index(drop=True)

    strength_parts, corridor_parts = [], []
    groups = (
        sorted({e["period"] for e in edge_rows}) if combine == "separate" else [None]
    )
    for group in groups:
        part = edges if group is None else edges[edges["period"] == group]
        long = part[["orig", "dest", "count"]].rename(columns={"count": "value"})
        H = nx.DiGraph()
        H.add_nodes_from(sorted(set(long["orig"]) | set(long["dest"])))
        H.add_weighted_edges_from(zip(long["orig"], long["dest"], long["value"]))
        label = group if group is not None else (
            " + ".join(sorted({e["period"] for e in edge_rows})) if edge_rows else None
        )
        s = _networks.strength_table(H)
        s.insert(0, "period", label)
        strength_parts.append(s)
        c = _networks.corridor_ranking(long)
        c.insert(0, "period", label)
        corridor_parts.append(c)
    strength = pd.concat(strength_parts, ignore_index=True)
    corridors = pd.concat(corridor_parts, ignore_index=True)
    return ReturnNetwork(graph=G, edges=edges, strength=strength, corridors=corridors,
                         excluded=excluded, combine=combine)


def _edge_attributes(recs: list[dict]) -> dict:
    weakest = max(recs, key=lambda r: RELIABILITY_LEVELS.index(r["reliability"]))["reliability"]
    periods = tuple(r["period"] for r in recs)
    starts = [r["year_start"] for r in recs if r["year_start"] is not None]
    ends = [r["year_end"] for r in recs if r["year_end"] is not None]
    qualifiers = sorted({r["count_qualifier"] for r in recs if r["count_qualifier"] is not None})
    total = float(sum(r["count"] for r in recs))
    return {
        "count": total,
        "weight": total,
        "period": " + ".join(periods),
        "year_start": min(starts) if starts else None,
        "year_end": max(ends) if ends else None,
        "reliability": weakest,
        "secondary": any(r["reliability"] == "secondary" for r in recs),
        "weak_source": any(r["reliability"] in WEAK_RELIABILITY for r in recs),
        "count_qualifier": "; ".join(qualifiers) if qualifiers else None,
        "n_rows": len(recs),
        "rows": tuple(r["row"] for r in recs),
        "periods": periods,
        "counts": tuple(r["count"] for r in recs),
        "sources": tuple(r["source"] for r in recs),
        "urls": tuple(r["url"] for r in recs),
    }


# --------------------------------------------------------------------------------------------
# synthetic events for teaching
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyntheticReferrals:
    """Synthetic actors and referral events (every row ``synthetic=True``) and the
    assumptions that generated them."""

    actors: pd.DataFrame = field(repr=False)
    events: pd.DataFrame = field(repr=False)
    assumptions: dict = field(default_factory=dict)


_SECTOR_ROLES = {
    "government": ("law_enforcement", "social_welfare", "border_repatriation_point",
                   "prosecution", "labour_inspection", "embassy_consular"),
    "civil_society": ("ngo_service_provider", "shelter", "hotline"),
    "international_organisation": ("international_agency",),
}
_SECTOR_CODES = {"government": "GOV", "civil_society": "CSO", "international_organisation": "IO"}

#: ASSUMPTION (default of ``actors_per_sector``): actors per country and sector.
DEFAULT_ACTORS_PER_SECTOR = {"government": 4, "civil_society": 3, "international_organisation": 1}

#: ASSUMPTION (default of ``other_sector_pairs``): relative frequency of the sector pairs
#: (referring, receiving) of the referrals that are *not* CSO <-> government.
DEFAULT_OTHER_SECTOR_PAIRS = {
    ("government", "government"): 0.4,
    ("civil_society", "civil_society"): 0.2,
    ("government", "international_organisation"): 0.1,
    ("international_organisation", "government"): 0.1,
    ("civil_society", "international_organisation"): 0.1,
    ("international_organisation", "civil_society"): 0.1,
}


def _probabilities(weights: Mapping, keys, name: str) -> np.ndarray:
    unknown = [k for k in weights if k not in keys]
    if unknown:
        raise ModelError(f"{name}: unknown key(s) {unknown}; allowed: {list(keys)}")
    p = np.array([float(weights.get(k, 0.0)) for k in keys])
    if not np.all(np.isfinite(p)) or np.any(p < 0) or p.sum() <= 0:
        raise ModelError(f"{name}: weights must be finite, non-negative and not all zero")
    return p / p.sum()


def _check_fraction(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 1:
        raise ModelError(f"{name} must be a number between 0 and 1, got {value!r}")
    return float(value)


def synthetic_referral_events(
    n_cases: int = COMMIT_2017_PERSONS_SUPPORTED,
    n_cross_sector: int = COMMIT_2017_CROSS_SECTOR,
    countries: Sequence[str] = _countries.GMS,
    seed: int = 2017,
    *,
    year: int = 2017,
    actors_per_sector: Mapping[str, int] | None = None,
    share_cross_border: float = 0.25,
    share_cso_to_government: float = 0.5,
    other_sector_pairs: Mapping[tuple[str, str], float] | None = None,
    country_weights: Mapping[str, float] | None = None,
    activity_exponent: float = 1.0,
    category_weights: Mapping[str, float] | None = None,
    outcome_weights: Mapping[str, float] | None = None,
) -> SyntheticReferrals:
    """Seeded SYNTHETIC actors and referral events for teaching the network measures.

    Calibrated EXACTLY to the published aggregates (UN-ACT Annual Progress Report 2017):
    ``n_cases`` = 1,817 events (one event = one referred person), of which exactly
    ``n_cross_sector`` = 813 go between a civil-society and a government actor (either
    direction) and none of the others does; every country of ``countries`` (default: the six GMS
    countries, the COMMIT members) refers at least one case; all dates fall in ``year`` (2017).

    Everything else is an ASSUMPTION, not data - state it whenever the output is shown:

    * ``actors_per_sector`` - actors per country and sector; default
      ``{"government": 4, "civil_society": 3, "international_organisation": 1}``; roles are
      assigned in the order of a fixed list per sector (government: law_enforcement,
      social_welfare, border_repatriation_point, prosecution, labour_inspection,
      embassy_consular; civil society: ngo_service_provider, shelter, hotline; international
      organisation: international_agency).
    * ``share_cross_border`` - probability that the receiving actor is in another country;
      default 0.25.
    * ``share_cso_to_government`` - probability that a cross-sector referral goes from civil
      society to government (else government to civil society); default 0.5.
    * ``other_sector_pairs`` - relative weights of the (referring, receiving) sector pairs of the
      ``n_cases - n_cross_sector`` other referrals; default government->government 0.4,
      civil_society->civil_society 0.2, each of the four pairs with an international
      organisation 0.1.  A CSO<->government pair is not allowed here.
    * ``country_weights`` - relative weight of each referring country; default equal.
    * ``activity_exponent`` - within a country and sector the k-th actor is chosen with weight
      ``1 / k**activity_exponent`` (Zipf-like hubs); default 1.0; 0 = uniform.
    * ``category_weights`` - forms of exploitation; default equal over :data:`CASE_CATEGORIES`
      (an uninformative choice: the published total has no breakdown).
    * ``outcome_weights`` - default ``{"accepted": 1}``: the published figure counts persons
      *supported*, i.e. referrals that were taken up.

    Every actor and event row has ``synthetic=True``; actor ids look like ``"KHM-GOV01"``,
    event ids like ``"SYN2017-00001"`` (in date order).  ``assumptions`` records every value
    used.  The same arguments and seed give identical tables.
    """
    for value, name in ((n_cases, "n_cases"), (n_cross_sector, "n_cross_sector"),
                        (year, "year")):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise ModelError(f"{name} must be an integer, got {value!r}")
    n_cases, n_cross_sector, year = int(n_cases), int(n_cross_sector), int(year)
    if n_cases < 1 or not 0 <= n_cross_sector <= n_cases:
        raise ModelError(
            f"need n_cases >= 1 and 0 <= n_cross_sector <= n_cases, got {n_cases}, "
            f"{n_cross_sector}"
        )
    country_codes = []
    for c in countries:
        code = _countries.to_iso3(c)
        if code in country_codes:
            raise ModelError(f"country {code} is listed twice in countries")
        country_codes.append(code)
    if not country_codes:
        raise ModelError("countries must list at least one economy")
    if n_cases < len(country_codes):
        raise ModelError(
            f"n_cases = {n_cases} is fewer than the {len(country_codes)} countries, each of "
            "which must refer at least one case"
        )
    per_sector = dict(DEFAULT_ACTORS_PER_SECTOR if actors_per_sector is None
                      else actors_per_sector)
    unknown = [s for s in per_sector if s not in SECTORS]
    if unknown:
        raise ModelError(f"actors_per_sector: unknown sector(s) {unknown}; allowed: {SECTORS}")
    for s in SECTORS:
        k = per_sector.setdefault(s, 0)
        if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 0:
            raise ModelError(f"actors_per_sector[{s!r}] must be a non-negative integer, got {k!r}")
    share_cross_border = _check_fraction(share_cross_border, "share_cross_border")
    share_cso_to_government = _check_fraction(share_cso_to_government, "share_cso_to_government")
    if len(country_codes) == 1 and share_cross_border > 0:
        raise ModelError("share_cross_border must be 0 when there is only one country")
    if (isinstance(activity_exponent, bool) or not isinstance(activity_exponent, numbers.Real)
            or not math.isfinite(activity_exponent) or activity_exponent < 0):
        raise ModelError(f"activity_exponent must be a non-negative number, got "
                         f"{activity_exponent!r}")

    pairs_weights = dict(DEFAULT_OTHER_SECTOR_PAIRS if other_sector_pairs is None
                         else other_sector_pairs)
    all_pairs = [(a, b) for a in SECTORS for b in SECTORS if not is_cross_sector(a, b)]
    for cross in (("government", "civil_society"), ("civil_society", "government")):
        if cross in pairs_weights:
            raise ModelError(
                "other_sector_pairs may not contain CSO <-> government pairs: their number is "
                "fixed by n_cross_sector"
            )
    pair_p = _probabilities(pairs_weights, all_pairs, "other_sector_pairs")
    needed = {pair for pair, p in zip(all_pairs, pair_p) if p > 0 and n_cases > n_cross_sector}
    if n_cross_sector > 0:
        needed |= {("civil_society", "government"), ("government", "civil_society")}
    for a, b in needed:
        for s in (a, b):
            if per_sector[s] < 1:
                raise ModelError(f"sector pair {a} -> {b} is used but actors_per_sector[{s!r}] = 0")
        if a == b and per_sector[a] < 2 and share_cross_border < 1:
            raise ModelError(
                f"sector pair {a} -> {b} needs at least 2 {a} actors per country for domestic "
                "referrals (no self-referrals)"
            )
    country_p = _probabilities(
        country_weights if country_weights is not None else dict.fromkeys(country_codes, 1.0),
        country_codes, "country_weights",
    )
    category_p = _probabilities(
        category_weights if category_weights is not None
        else dict.fromkeys(CASE_CATEGORIES, 1.0), CASE_CATEGORIES, "category_weights",
    )
    outcome_p = _probabilities(
        outcome_weights if outcome_weights is not None else {"accepted": 1.0},
        OUTCOMES, "outcome_weights",
    )

    # actors
    actor_rows = []
    members: dict[tuple[str, str], list[str]] = {}
    for code in country_codes:
        for sector in SECTORS:
            roles = _SECTOR_ROLES[sector]
            for k in range(per_sector[sector]):
                actor_id = f"{code}-{_SECTOR_CODES[sector]}{k + 1:02d}"
                members.setdefault((code, sector), []).append(actor_id)
                actor_rows.append({"actor_id": actor_id, "country": code, "sector": sector,
                                   "role": roles[k % len(roles)], "synthetic": True})
    actors = pd.DataFrame(actor_rows, columns=[*ACTOR_COLUMNS, "synthetic"])

    rng = np.random.default_rng(seed)
    n_other = n_cases - n_cross_sector
    n_cso_to_gov = int(rng.binomial(n_cross_sector, share_cso_to_government))
    sector_pairs = (
        [("civil_society", "government")] * n_cso_to_gov
        + [("government", "civil_society")] * (n_cross_sector - n_cso_to_gov)
        + [all_pairs[i] for i in rng.choice(len(all_pairs), size=n_other, p=pair_p)]
    )
    order = rng.permutation(n_cases)
    sector_pairs = [sector_pairs[i] for i in order]
    m = len(country_codes)
    referring = list(rng.permutation(country_codes)) + [
        country_codes[i] for i in rng.choice(m, size=n_cases - m, p=country_p)
    ]
    referring = [referring[i] for i in rng.permutation(n_cases)]
    cross_border = rng.random(n_cases) < share_cross_border

    def _pick(ids: list[str], exclude: str | None = None) -> str:
        candidates = [a for a in ids if a != exclude]
        ranks = np.array([ids.index(a) + 1 for a in candidates], dtype=float)
        w = ranks ** (-float(activity_exponent))
        return candidates[int(rng.choice(len(candidates), p=w / w.sum()))]

    referring_actor, receiving_actor, receiving = [], [], []
    for i in range(n_cases):
        s_from, s_to = sector_pairs[i]
        c_from = referring[i]
        a = _pick(members[(c_from, s_from)])
        if cross_border[i]:
            others = [c for c in country_codes if c != c_from]
            w = np.array([country_p[country_codes.index(c)] for c in others])
            w = w / w.sum() if w.sum() > 0 else np.full(len(others), 1 / len(others))
            c_to = others[int(rng.choice(len(others), p=w))]
        else:
            c_to = c_from
        b = _pick(members[(c_to, s_to)], exclude=a)
        referring_actor.append(a)
        receiving_actor.append(b)
        receiving.append(c_to)

    start = _dt.date(year, 1, 1)
    days_in_year = (_dt.date(year + 1, 1, 1) - start).days
    offsets = rng.integers(0, days_in_year, size=n_cases)
    categories = rng.choice(len(CASE_CATEGORIES), size=n_cases, p=category_p)
    outcomes = rng.choice(len(OUTCOMES), size=n_cases, p=outcome_p)
    events = pd.DataFrame(
        {
            "date": [(start + _dt.timedelta(days=int(d))).isoformat() for d in offsets],
            "referring_actor": referring_actor,
            "receiving_actor": receiving_actor,
            "referring_country": referring,
            "receiving_country": receiving,
            "case_category": [CASE_CATEGORIES[i] for i in categories],
            "outcome": [OUTCOMES[i] for i in outcomes],
            "synthetic": True,
        }
    )
    events = events.sort_values("date", kind="stable").reset_index(drop=True)
    events.insert(0, "event_id", [f"SYN{year}-{i + 1:05d}" for i in range(n_cases)])
    events = events[list(EVENT_COLUMNS)]
    events["synthetic"] = events["synthetic"].astype(bool)

    assumptions = {
        "n_cases": n_cases,
        "n_cross_sector": n_cross_sector,
        "countries": tuple(country_codes),
        "seed": seed,
        "year": year,
        "actors_per_sector": {s: int(per_sector[s]) for s in SECTORS},
        "share_cross_border": share_cross_border,
        "share_cso_to_government": share_cso_to_government,
        "other_sector_pairs": {p: float(w) for p, w in zip(all_pairs, pair_p)},
        "country_weights": dict(zip(country_codes, country_p.tolist())),
        "activity_exponent": float(activity_exponent),
        "category_weights": dict(zip(CASE_CATEGORIES, category_p.tolist())),
        "outcome_weights": dict(zip(OUTCOMES, outcome_p.tolist())),
    }
    return SyntheticReferrals(actors=actors, events=events, assumptions=assumptions)
