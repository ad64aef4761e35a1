"""Synthetic referral events for teaching, calibrated to published totals.

The published totals are read from ``data/raw/commit_referrals.csv`` (COMMIT 2017: persons
supported through the national and transnational referral mechanisms, and those referred
between civil society and government); everything else is a stated assumption.

References
----------
UN-ACT (2018). *Annual Progress Report 2017*. Bangkok: UNDP Bangkok Regional Hub (highlights
published 5 October 2018).
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import countries as _countries
from ..data import load as _load
from ..errors import DataError, InputError
from ..results import Result, diagnostics_frame
from .events import (
    ACTOR_COLUMNS,
    CASE_CATEGORIES,
    EVENT_COLUMNS,
    OUTCOMES,
    SECTORS,
    is_cross_sector,
)


@dataclass(frozen=True, eq=False)
class SyntheticReferralsResult(Result):
    """SYNTHETIC actors and referral events and the assumptions that generated them.

    Parameters
    ----------
    actors : pandas.DataFrame
        Actor table (:data:`ACTOR_COLUMNS` plus ``synthetic=True``).
    events : pandas.DataFrame
        Referral events (:data:`EVENT_COLUMNS`, every row ``synthetic=True``), in date order.
    assumptions : dict
        Every value used to generate the tables (calibration totals, seed, assumptions).
    converged, iterations, message, diagnostics
        The result protocol (:class:`mixedmig.results.Result`); diagnostics checks the
        calibration: events generated vs ``n_cases``, cross-sector events vs
        ``n_cross_sector``, countries that refer at least one case.
    """

    actors: pd.DataFrame = field(repr=False)
    events: pd.DataFrame = field(repr=False)
    assumptions: dict = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The synthetic referral events.

        Returns
        -------
        pandas.DataFrame
            A copy of ``events``.
        """
        return self.events.copy()


_COMMIT_TABLE = "commit_referrals"


def _commit_2017_figures() -> tuple[int, int]:
    """(persons supported, persons referred CSO <-> government) in 2017, from data/raw."""
    table = _load(_COMMIT_TABLE)
    figures = []
    for measure in ("persons_referred_supported", "persons_referred_cso_government"):
        rows = table[(table["year"] == 2017) & (table["measure"] == measure)]
        if len(rows) != 1:
            raise DataError(
                f"expected one 2017 row of measure {measure!r}, found {len(rows)}; the "
                "synthetic referral defaults need it",
                path=f"data/raw/{_COMMIT_TABLE}.csv", column="measure",
            )
        figures.append(round(float(rows["value"].iloc[0])))
    return figures[0], figures[1]


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
        raise InputError(f"{name}: unknown key(s) {unknown}; allowed: {list(keys)}")
    p = np.array([float(weights.get(k, 0.0)) for k in keys])
    if not np.all(np.isfinite(p)) or np.any(p < 0) or p.sum() <= 0:
        raise InputError(f"{name}: weights must be finite, non-negative and not all zero")
    return p / p.sum()


def _check_fraction(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 1:
        raise InputError(f"{name} must be a number between 0 and 1, got {value!r}")
    return float(value)


def synthetic_referral_events(
    n_cases: int | None = None,
    n_cross_sector: int | None = None,
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
) -> SyntheticReferralsResult:
    """Seeded SYNTHETIC actors and referral events for teaching the network measures.

    Calibrated EXACTLY to published aggregates: ``n_cases`` events (one event = one
    referred person), of which exactly ``n_cross_sector`` go between a civil-society and a
    government actor (either direction) and none of the others does; every country of
    ``countries`` refers at least one case; all dates fall in ``year``.

    Parameters
    ----------
    n_cases : int, optional
        Number of events (>= number of countries).  Default None: the COMMIT 2017 figure of
        persons supported through the referral mechanisms, read from
        ``data/raw/commit_referrals.csv`` (row 2017, ``persons_referred_supported``).
    n_cross_sector : int, optional
        Number of CSO <-> government events (0 <= n_cross_sector <= n_cases).  Default None:
        the COMMIT 2017 figure from the same table (row 2017,
        ``persons_referred_cso_government``).
    countries : sequence of str
        Economies (names or codes; converted to ISO3); default the six GMS countries, the
        COMMIT members.
    seed : int
        Seed of ``numpy.random.default_rng``; the same arguments and seed give identical
        tables.
    year : int
        Calendar year of the event dates (default 2017).
    actors_per_sector : mapping, optional
        ASSUMPTION, see below.
    share_cross_border : float
        ASSUMPTION, see below.
    share_cso_to_government : float
        ASSUMPTION, see below.
    other_sector_pairs : mapping, optional
        ASSUMPTION, see below.
    country_weights : mapping, optional
        ASSUMPTION, see below.
    activity_exponent : float
        ASSUMPTION, see below.
    category_weights : mapping, optional
        ASSUMPTION, see below.
    outcome_weights : mapping, optional
        ASSUMPTION, see below.

    Returns
    -------
    SyntheticReferralsResult
        ``actors``, ``events`` (also ``to_frame()``) and ``assumptions`` (every value used);
        every actor and event row has ``synthetic=True``; actor ids look like
        ``"KHM-GOV01"``, event ids like ``"SYN2017-00001"`` (in date order).

    Raises
    ------
    InputError
        Inconsistent totals, unknown sectors / pairs / categories, weights that are negative
        or all zero, a CSO <-> government pair in ``other_sector_pairs``, too few actors for
        a sector pair that is used, or a country listed twice.
    UnknownCountryError
        A country the registry does not know.
    DataError
        A default is needed and ``data/raw/commit_referrals.csv`` lacks its 2017 row.

    Notes
    -----
    Everything except the two totals is an ASSUMPTION, not data - state it whenever the
    output is shown:

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

    References
    ----------
    UN-ACT (2018). *Annual Progress Report 2017*. Bangkok: UNDP Bangkok Regional Hub.

    Examples
    --------
    A small made-up calibration (60 referrals, 20 of them cross-sector, two countries):

    >>> result = synthetic_referral_events(60, 20, countries=["KHM", "THA"], seed=1)
    >>> len(result.events), bool(result.events["synthetic"].all())
    (60, True)
    >>> int(result.diagnostics.set_index("check").loc["cross_sector_events", "value"])
    20
    """
    if n_cases is None or n_cross_sector is None:
        published_cases, published_cross = _commit_2017_figures()
        n_cases = published_cases if n_cases is None else n_cases
        n_cross_sector = published_cross if n_cross_sector is None else n_cross_sector
    for value, name in ((n_cases, "n_cases"), (n_cross_sector, "n_cross_sector"),
                        (year, "year")):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise InputError(f"{name} must be an integer, got {value!r}")
    n_cases, n_cross_sector, year = int(n_cases), int(n_cross_sector), int(year)
    if n_cases < 1 or not 0 <= n_cross_sector <= n_cases:
        raise InputError(
            f"need n_cases >= 1 and 0 <= n_cross_sector <= n_cases, got {n_cases}, "
            f"{n_cross_sector}"
        )
    country_codes = []
    for c in countries:
        code = _countries.to_iso3(c)
        if code in country_codes:
            raise InputError(f"country {code} is listed twice in countries")
        country_codes.append(code)
    if not country_codes:
        raise InputError("countries must list at least one economy")
    if n_cases < len(country_codes):
        raise InputError(
            f"n_cases = {n_cases} is fewer than the {len(country_codes)} countries, each of "
            "which must refer at least one case"
        )
    per_sector = dict(DEFAULT_ACTORS_PER_SECTOR if actors_per_sector is None
                      else actors_per_sector)
    unknown = [s for s in per_sector if s not in SECTORS]
    if unknown:
        raise InputError(f"actors_per_sector: unknown sector(s) {unknown}; allowed: {SECTORS}")
    for s in SECTORS:
        k = per_sector.setdefault(s, 0)
        if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 0:
            raise InputError(f"actors_per_sector[{s!r}] must be a non-negative integer, got {k!r}")
    share_cross_border = _check_fraction(share_cross_border, "share_cross_border")
    share_cso_to_government = _check_fraction(share_cso_to_government, "share_cso_to_government")
    if len(country_codes) == 1 and share_cross_border > 0:
        raise InputError("share_cross_border must be 0 when there is only one country")
    if (isinstance(activity_exponent, bool) or not isinstance(activity_exponent, numbers.Real)
            or not math.isfinite(activity_exponent) or activity_exponent < 0):
        raise InputError(f"activity_exponent must be a non-negative number, got "
                         f"{activity_exponent!r}")

    pairs_weights = dict(DEFAULT_OTHER_SECTOR_PAIRS if other_sector_pairs is None
                         else other_sector_pairs)
    all_pairs = [(a, b) for a in SECTORS for b in SECTORS if not is_cross_sector(a, b)]
    for cross in (("government", "civil_society"), ("civil_society", "government")):
        if cross in pairs_weights:
            raise InputError(
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
                raise InputError(f"sector pair {a} -> {b} is used but actors_per_sector[{s!r}] = 0")
        if a == b and per_sector[a] < 2 and share_cross_border < 1:
            raise InputError(
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
    sector_of = dict(zip(actors["actor_id"].tolist(), actors["sector"].tolist()))
    achieved_cross = sum(
        is_cross_sector(sector_of[a], sector_of[b])
        for a, b in zip(events["referring_actor"].tolist(), events["receiving_actor"].tolist())
    )
    referring_countries = events["referring_country"].nunique()
    return SyntheticReferralsResult(
        actors=actors, events=events, assumptions=assumptions,
        message=(f"SYNTHETIC: {len(actors)} actors in {len(country_codes)} countries, "
                 f"{n_cases} referral events ({achieved_cross} cross-sector), seed {seed}"),
        diagnostics=diagnostics_frame([
            ("events", len(events), f"calibration target n_cases = {n_cases}"),
            ("cross_sector_events", int(achieved_cross),
             f"calibration target n_cross_sector = {n_cross_sector}"),
            ("referring_countries", int(referring_countries),
             f"every one of the {len(country_codes)} countries refers at least one case"),
        ]),
    )
