"""Referral networks from events, their summary measures and the cross-sector share.

References
----------
Gould, R. V. & Fernandez, R. M. (1989). Structures of mediation: a formal approach to brokerage
in transaction networks. *Sociological Methodology* 19, 89-126.
Krackhardt, D. & Stern, R. N. (1988). Informal networks and organizational crises: an
experimental simulation. *Social Psychology Quarterly* 51(2), 123-140.
UN-ACT (2018). *Annual Progress Report 2017*. Bangkok: UNDP Bangkok Regional Hub (COMMIT
figures; in ``data/raw/commit_referrals.csv``).
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
*Journal of the American Statistical Association* 22, 209-212.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import networkx as nx
import pandas as pd

from .. import networks as _networks
from ..checks import label_sort_key
from ..errors import SchemaError
from ..results import Result
from .events import is_cross_sector, validate_actors, validate_events


def referral_network(events: pd.DataFrame, actors, weighted: bool = True,
                     multigraph: bool = False) -> nx.DiGraph | nx.MultiDiGraph:
    """The referral network of validated referral events.

    Parameters
    ----------
    events : pandas.DataFrame
        Referral events (validated first by :func:`validate_events`).
    actors : pandas.DataFrame or iterable of Actor
        The actor table; every actor becomes a node, also actors without referrals.
    weighted : bool
        Edge ``weight`` = number of referrals (default) or 1 (simple graph only).
    multigraph : bool
        Return a ``MultiDiGraph`` with one edge per event instead of a weighted ``DiGraph``.

    Returns
    -------
    networkx.DiGraph or networkx.MultiDiGraph
        Nodes (sorted by ``actor_id``) with attributes ``country``, ``sector``, ``role``.
        ``DiGraph``: an edge ``i -> j`` when ``i`` referred at least one person to ``j``, with
        ``n_events``, ``weight``, ``cross_border`` (countries differ) and ``cross_sector``
        (CSO <-> government).  ``MultiDiGraph``: one edge per event keyed by ``event_id``,
        with ``weight`` 1, ``date``, ``case_category``, ``outcome``, ``synthetic`` and the two
        flags.

    Raises
    ------
    SchemaError
        The actor or event table fails validation.

    Examples
    --------
    >>> actors = pd.DataFrame({"actor_id": ["g", "c"], "country": ["LAO", "THA"],
    ...                        "sector": ["government", "civil_society"],
    ...                        "role": ["law_enforcement", "shelter"]})
    >>> events = pd.DataFrame({"event_id": ["e1", "e2"], "date": ["2017-01-05", "2017-02-01"],
    ...                        "referring_actor": ["g", "g"], "receiving_actor": ["c", "c"],
    ...                        "referring_country": ["LAO", "LAO"],
    ...                        "receiving_country": ["THA", "THA"],
    ...                        "case_category": ["forced_labour"] * 2,
    ...                        "outcome": ["accepted"] * 2, "synthetic": [True, True]})
    >>> G = referral_network(events, actors)
    >>> G["g"]["c"]["weight"], G["g"]["c"]["cross_border"], G["g"]["c"]["cross_sector"]
    (2.0, True, True)
    """
    actor_table = validate_actors(actors)
    checked = validate_events(events, actor_table)
    G = nx.MultiDiGraph() if multigraph else nx.DiGraph()
    order = sorted(range(len(actor_table)), key=lambda i: label_sort_key(actor_table["actor_id"].iloc[i]))
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


@dataclass(frozen=True, eq=False)
class ReferralNetworkSummaryResult(Result):
    """Measures of a referral network (see :func:`referral_network_summary`).

    Parameters
    ----------
    centrality : pandas.DataFrame
        the table of :func:`mixedmig.networks.centrality` of the network, one row per actor.
    brokerage_by_sector : pandas.DataFrame
        :func:`mixedmig.networks.brokerage_roles` with groups = sectors.
    brokerage_by_country : pandas.DataFrame
        :func:`mixedmig.networks.brokerage_roles` with groups = countries.
    ei_cross_border : mixedmig.networks.EIIndexResult
        E-I index with groups = countries (external = cross-border referrals).
    ei_cross_sector : mixedmig.networks.EIIndexResult
        E-I index with groups = sectors (external = referrals between sectors).
    reciprocity_weighted : float
        Weighted reciprocity (Squartini et al. 2013).
    reciprocity_unweighted : float
        Share of reciprocated ties.
    robustness : pandas.DataFrame
        :func:`mixedmig.networks.robustness` of the network (targeted removal).
    converged, iterations, message, diagnostics
        The result protocol (:class:`mixedmig.results.Result`): closed form
        (``converged=True``, ``iterations=0``); diagnostics carries the reasons why a
        centrality is undefined (the diagnostics of :func:`mixedmig.networks.centrality`); ``converged``
        is False only when PageRank did not converge.
    """

    centrality: pd.DataFrame = field(repr=False)
    brokerage_by_sector: pd.DataFrame = field(repr=False)
    brokerage_by_country: pd.DataFrame = field(repr=False)
    ei_cross_border: _networks.EIIndexResult
    ei_cross_sector: _networks.EIIndexResult
    reciprocity_weighted: float
    reciprocity_unweighted: float
    robustness: pd.DataFrame = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The network-level measures as a tidy table.

        Returns
        -------
        pandas.DataFrame
            Columns ``measure`` and ``value``: ``reciprocity_weighted``,
            ``reciprocity_unweighted``, ``ei_cross_border``, ``ei_cross_sector``.  Actor-level
            tables are the fields ``centrality``, ``brokerage_by_sector`` and
            ``brokerage_by_country``.
        """
        return pd.DataFrame(
            {
                "measure": ["reciprocity_weighted", "reciprocity_unweighted",
                            "ei_cross_border", "ei_cross_sector"],
                "value": [self.reciprocity_weighted, self.reciprocity_unweighted,
                          self.ei_cross_border.overall, self.ei_cross_sector.overall],
            }
        )


def referral_network_summary(G, robustness_order: str = "betweenness",
                             robustness_steps: int | None = None,
                             weighted_ei: bool = True) -> ReferralNetworkSummaryResult:
    """Apply the :mod:`mixedmig.networks` measures to a referral network.

    Parameters
    ----------
    G : networkx.DiGraph or networkx.MultiDiGraph
        A referral network from :func:`referral_network` (node attributes ``sector`` and
        ``country``).
    robustness_order : {"betweenness", "degree", "strength"}
        Which actors the robustness analysis removes first.
    robustness_steps : int, optional
        Number of actors removed; default all.
    weighted_ei : bool
        Count E-I ties with their number of referrals (default) or once each.

    Returns
    -------
    ReferralNetworkSummaryResult
        ``centrality`` (degree, strength, betweenness, PageRank, eigenvector), Gould-Fernandez
        brokerage with groups = sector and = country, E-I index with groups = country
        (external = cross-border referrals, internal = domestic) and = sector (external =
        referrals between sectors, including those involving international organisations),
        weighted and unweighted reciprocity, and the robustness table.

    Raises
    ------
    InputError
        Not a networkx graph, a node without ``sector`` / ``country``, a bad weight or a bad
        robustness argument.

    Examples
    --------
    A made-up network: a Lao government office refers to a Thai shelter and back.

    >>> G = nx.DiGraph()
    >>> G.add_node("g", sector="government", country="LAO")
    >>> G.add_node("c", sector="civil_society", country="THA")
    >>> G.add_edge("g", "c", weight=3.0)
    >>> G.add_edge("c", "g", weight=1.0)
    >>> summary = referral_network_summary(G)
    >>> summary.reciprocity_weighted, summary.ei_cross_border.overall
    (0.5, 1.0)
    """
    weight = "weight" if weighted_ei else None
    centrality = _networks.centrality(G)
    ei_border = _networks.ei_index(G, "country", weight=weight)
    return ReferralNetworkSummaryResult(
        message=(f"referral network of {G.number_of_nodes()} actors and "
                 f"{G.number_of_edges()} ties; E-I cross-border {ei_border.overall:.3f}"
                 if not math.isnan(ei_border.overall) else
                 f"referral network of {G.number_of_nodes()} actors and "
                 f"{G.number_of_edges()} ties"),
        diagnostics=centrality.diagnostics,
        converged=centrality.converged,
        centrality=centrality.table,
        brokerage_by_sector=_networks.brokerage_roles(G, "sector"),
        brokerage_by_country=_networks.brokerage_roles(G, "country"),
        ei_cross_border=ei_border,
        ei_cross_sector=_networks.ei_index(G, "sector", weight=weight),
        reciprocity_weighted=_networks.reciprocity(G, weighted=True),
        reciprocity_unweighted=_networks.reciprocity(G, weighted=False),
        robustness=_networks.robustness(G, order=robustness_order, steps=robustness_steps),
    )


def cross_sector_share(k_cross, n_total, level: float = 0.95, method: str = "wilson"):
    """Share of referred persons referred between civil society and government, with a CI.

    Parameters
    ----------
    k_cross : int
        Persons referred from civil society to government or vice versa.
    n_total : int
        All persons referred.
    level : float
        Confidence level (default 0.95).
    method : str
        Interval method of :func:`mixedmig.stats.proportion_ci` (default ``"wilson"``, the
        Wilson score interval).

    Returns
    -------
    mixedmig.stats.ProportionCIResult
        ``estimate = k_cross / n_total``, ``lower``, ``upper``, ``k``, ``n``, ``method``,
        ``level`` (as returned by :func:`mixedmig.stats.proportion_ci`).

    Raises
    ------
    InputError
        Counts or options that :func:`mixedmig.stats.proportion_ci` rejects.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. *Journal of the American Statistical Association* 22, 209-212.
    UN-ACT (2018). *Annual Progress Report 2017* (COMMIT 2017: 813 of 1,817 persons).

    Examples
    --------
    The COMMIT 2017 figures (``data/raw/commit_referrals.csv``): 813 of 1,817 persons.

    >>> round(cross_sector_share(813, 1817).estimate, 4)
    0.4474
    """
    from ..stats import proportion_ci

    return proportion_ci(k_cross, n_total, method=method, level=level)


def cross_sector_share_from_events(events: pd.DataFrame, actors, level: float = 0.95,
                                   method: str = "wilson"):
    """:func:`cross_sector_share` counted from referral events.

    Parameters
    ----------
    events : pandas.DataFrame
        Referral events (validated first by :func:`validate_events`).
    actors : pandas.DataFrame or iterable of Actor
        The actor table.
    level : float
        Confidence level (default 0.95).
    method : str
        Interval method of :func:`mixedmig.stats.proportion_ci` (default ``"wilson"``).

    Returns
    -------
    mixedmig.stats.ProportionCIResult
        The share with ``k`` = events between a civil-society and a government actor (either
        direction) and ``n`` = all events.

    Raises
    ------
    SchemaError
        The tables fail validation, or there are no events.

    Notes
    -----
    Each event is taken as one referred person, as in the COMMIT count of persons; referrals
    involving international organisations count in ``n`` but never in ``k``.

    Examples
    --------
    >>> actors = pd.DataFrame({"actor_id": ["g", "c"], "country": ["LAO", "LAO"],
    ...                        "sector": ["government", "civil_society"],
    ...                        "role": ["law_enforcement", "shelter"]})
    >>> events = pd.DataFrame({"event_id": ["e1"], "date": ["2017-03-31"],
    ...                        "referring_actor": ["c"], "receiving_actor": ["g"],
    ...                        "referring_country": ["LAO"], "receiving_country": ["LAO"],
    ...                        "case_category": ["other"], "outcome": ["accepted"],
    ...                        "synthetic": [True]})
    >>> share = cross_sector_share_from_events(events, actors)
    >>> share.k, share.n, share.estimate
    (1, 1, 1.0)
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
