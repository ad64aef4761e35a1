"""Referral networks from events, their summary measures and the cross-sector share."""

from __future__ import annotations
from dataclasses import dataclass, field
import networkx as nx
import pandas as pd
from .. import networks as _networks
from ..errors import SchemaError
from .events import is_cross_sector
from .events import validate_actors
from .events import validate_events


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
    from ..stats import proportion_ci

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
