"""Graph measures for origin-destination flows and actor networks (networkx).

Contents
--------
* :func:`od_graph` - a weighted ``nx.DiGraph`` from a tidy ``(orig, dest, value)`` table.
* Country / node level: :func:`strength_table` (in, out, net and gross strength, degree),
  :func:`reciprocity` (weighted and unweighted), :func:`counterflow_share`,
  :func:`corridor_ranking`, :func:`corridor_change`.
* Actor level: :func:`centrality` (degree, strength, betweenness, PageRank, eigenvector),
  :func:`brokerage_roles` (Gould & Fernandez 1989), :func:`ei_index` (Krackhardt & Stern 1988),
  :func:`robustness` (removal of the most central nodes), :func:`removal_curve` (a given
  removal order) and :func:`random_removal` (the random-failure baseline).
* By period: :func:`network_summary_by_period`, :func:`strength_by_period`.
* Node, pair and corridor tables and robustness curves are plain measure tables (DataFrames);
  :func:`ei_index` returns :class:`EIIndexResult` (the result protocol).

Conventions
-----------
* Every function accepts a ``DiGraph``; a ``MultiDiGraph`` is first collapsed to a ``DiGraph``
  whose edge weight is the sum of the parallel edges' weights, and an undirected ``Graph`` becomes
  a ``DiGraph`` with both directions.  A graph whose edges carry no ``weight`` attribute at
  all counts every edge as 1 (networkx's convention); a weight attribute carried by some edges
  but not others, or any other attribute name carried by no edge (``ei_index(G, g,
  weight="w")``), raises :class:`~mixedmig.errors.InputError` instead of counting the others
  as 1 (measures that only count ties, such as brokerage, do not read the weight).  Flags must
  be True/False, options one of the listed values, seeds whole numbers >= 0 and
  ``pagerank_alpha`` and ``band`` strictly between 0 and 1 (one check of each kind in
  :mod:`mixedmig.networks.graphs`).  An edge whose (summed) weight is 0 is no tie: graphs built from flows
  (:func:`od_graph`) omit zero flows, and every measure drops zero-weight edges first, so
  unweighted measures (degree, unweighted reciprocity, hop betweenness, brokerage, the
  unweighted E-I index, components in robustness curves) count only ties that carry a flow;
  negative, missing-but-set (NaN) or infinite weights raise
  :class:`~mixedmig.errors.InputError`; bad OD tables raise
  :class:`~mixedmig.errors.SchemaError` naming the row and column.
* Outputs are DataFrames sorted deterministically; node labels are ordered numbers first (by
  value), then everything else by ``str(label)``.  Ties in a ranking are broken by that label
  order, after rounding scores to 12 decimals so that floating-point noise does not decide ties.

References
----------
Gould, R. V. & Fernandez, R. M. (1989). Structures of mediation: a formal approach to brokerage
in transaction networks. *Sociological Methodology* 19, 89-126.
Krackhardt, D. & Stern, R. N. (1988). Informal networks and organizational crises: an
experimental simulation. *Social Psychology Quarterly* 51(2), 123-140.
Squartini, T., Picciolo, F., Ruzzenenti, F. & Garlaschelli, D. (2013). Reciprocity of weighted
networks. *Scientific Reports* 3, 2729 (doi:10.1038/srep02729; weighted reciprocity
r = W<-> / W).
Brandes, U. (2001). A faster algorithm for betweenness centrality. *Journal of Mathematical
Sociology* 25(2), 163-177.
Newman, M. E. J. (2001). Scientific collaboration networks II: shortest paths, weighted networks,
and centrality. *Physical Review E* 64, 016132 (distance = 1 / tie strength).
Albert, R., Jeong, H. & Barabasi, A.-L. (2000). Error and attack tolerance of complex networks.
*Nature* 406, 378-382.
"""

from __future__ import annotations

from .corridors import (
    STRENGTH_MEASURES,
    corridor_change,
    corridor_ranking,
    network_summary_by_period,
    strength_by_period,
)
from .graphs import BROKERAGE_ROLES, ROBUSTNESS_ORDERS, od_graph
from .measures import (
    EIIndexResult,
    brokerage_roles,
    CentralityResult,
    centrality,
    counterflow_share,
    ei_index,
    reciprocity,
    strength_table,
)
from .robustness import random_removal, removal_curve, robustness

__all__ = [
    "BROKERAGE_ROLES",
    "ROBUSTNESS_ORDERS",
    "STRENGTH_MEASURES",
    "EIIndexResult",
    "brokerage_roles",
    "CentralityResult",
    "centrality",
    "corridor_change",
    "corridor_ranking",
    "counterflow_share",
    "ei_index",
    "network_summary_by_period",
    "od_graph",
    "random_removal",
    "reciprocity",
    "removal_curve",
    "robustness",
    "strength_by_period",
    "strength_table",
]
