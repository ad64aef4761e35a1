"""Network layouts and drawings: grouped circle layouts, referral networks, robustness curves.

:func:`grouped_circle_layout` places the nodes of each group (e.g. the actors of a country) on
a small circle round the group's point on a large circle, so a drawing never changes between
runs; :func:`referral_network_plot` draws a referral network on it (node size by a centrality
such as betweenness, Freeman 1977; Brandes 2001), and :func:`robustness_plot` draws the share
of flow left as nodes are removed, targeted against random removal (Albert, Jeong & Barabasi
2000).

References
----------
Albert, R., Jeong, H. & Barabasi, A.-L. (2000). Error and attack tolerance of complex
networks. *Nature*, 406, 378-382.

Brandes, U. (2001). A faster algorithm for betweenness centrality. *Journal of Mathematical
Sociology*, 25(2), 163-177.

Freeman, L. C. (1977). A set of measures of centrality based on betweenness. *Sociometry*,
40(1), 35-41.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..checks import label_sort_key, require_columns, sorted_labels
from ..errors import InputError
from ._checks import _numeric
from .style import GREY, PALETTE, _display_name, _new_axes

__all__ = [
    "SECTOR_COLOURS",
    "NetworkDrawing",
    "RobustnessPlot",
    "grouped_circle_layout",
    "referral_network_plot",
    "robustness_plot",
]

#: Node colour of each referral sector (Okabe & Ito 2008 palette): government blue, civil
#: society orange, international organisations bluish green.
SECTOR_COLOURS: dict[str, str] = {
    "government": PALETTE[5],
    "civil_society": PALETTE[1],
    "international_organisation": PALETTE[3],
}


def grouped_circle_layout(G, group: str, order: Sequence | None = None, radius: float = 1.0,
                          inner_radius: float = 0.3) -> dict:
    """Deterministic positions for a graph whose nodes belong to groups.

    Group ``i`` of ``g`` (in ``order``) is centred at angle ``90 - 360 i / g`` degrees on a
    circle of ``radius`` (clockwise from the top); its ``m`` members, sorted by label, sit at
    angle ``90 - 360 j / m`` degrees on a circle of ``inner_radius`` round that centre (a
    group of one sits on the centre).  No randomness, so a drawing never changes between
    runs.

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
        The graph; every node must have the attribute ``group``.
    group : str
        Name of the node attribute holding the group (e.g. ``"country"``).
    order : sequence, optional
        Groups in drawing order, clockwise from the top; it may list groups without nodes
        (they keep their place).  Default: the groups sorted by label.
    radius : float, default 1.0
        Radius of the circle of group centres.
    inner_radius : float, default 0.3
        Radius of each group's circle of members.

    Returns
    -------
    dict
        ``{node: (x, y)}``, as taken by the ``networkx`` drawing functions.

    Raises
    ------
    InputError
        If a node lacks the attribute or its group is not in ``order``.

    Notes
    -----
    Centre of group ``i``: ``c_i = R (cos a_i, sin a_i)``, ``a_i = 90 - 360 i / g`` degrees;
    member ``j`` of ``m``: ``c_i + r (cos b_j, sin b_j)``, ``b_j = 90 - 360 j / m`` degrees.

    Examples
    --------
    >>> import networkx as nx
    >>> from mixedmig.plotting import grouped_circle_layout
    >>> G = nx.DiGraph()
    >>> G.add_nodes_from([("a1", {"country": "A"}), ("a2", {"country": "A"}),
    ...                   ("b1", {"country": "B"})])
    >>> pos = grouped_circle_layout(G, "country", radius=1.0, inner_radius=0.5)
    >>> [tuple(round(v, 6) + 0.0 for v in pos[n]) for n in ("a1", "a2", "b1")]
    [(0.0, 1.5), (0.0, 0.5), (0.0, -1.0)]
    """
    groups: dict = {}
    for node, data in G.nodes(data=True):
        if group not in data:
            raise InputError(f"node {node!r} has no attribute {group!r}")
        groups.setdefault(data[group], []).append(node)
    if order is None:
        order = sorted(groups, key=label_sort_key)
    else:
        order = list(order)
        missing = [g for g in groups if g not in order]
        if missing:
            raise InputError(f"group(s) {missing} are not in order")
    positions = {}
    n_groups = len(order)
    for i, label in enumerate(order):
        angle = math.radians(90 - 360 * i / n_groups)
        cx, cy = radius * math.cos(angle), radius * math.sin(angle)
        members = sorted(groups.get(label, []), key=label_sort_key)
        for j, node in enumerate(members):
            if len(members) == 1:
                positions[node] = (cx, cy)
                continue
            inner = math.radians(90 - 360 * j / len(members))
            positions[node] = (cx + inner_radius * math.cos(inner),
                               cy + inner_radius * math.sin(inner))
    return positions


@dataclass
class NetworkDrawing:
    """What :func:`referral_network_plot` drew (a drawing, not an estimator result).

    Attributes
    ----------
    ax : matplotlib.axes.Axes
        The axes drawn on.
    positions : dict
        ``{node: (x, y)}`` from :func:`grouped_circle_layout`.
    edges : dict of str to matplotlib.collections.LineCollection
        ``"cross_border"`` and ``"domestic"`` ties (a kind with no tie is absent).
    edge_lists : dict of str to list of tuple
        The ``(u, v)`` ties of each kind, in the order drawn.
    nodes : dict of str to matplotlib.collections.PathCollection
        One collection per colour category (sector) with nodes, in the order of ``colours``.
    node_sizes : pandas.Series
        Marker area (points^2) of every node drawn, indexed by node.
    group_labels : dict
        ``{group: matplotlib.text.Text}``, the group names written round the circle.
    legend : matplotlib.legend.Legend
        Sector entries, then "domestic referral" and "cross-border referral".
    """

    ax: Any
    positions: dict
    edges: dict[str, Any]
    edge_lists: dict[str, list]
    nodes: dict[str, Any]
    node_sizes: pd.Series
    group_labels: dict
    legend: Any


def referral_network_plot(
    G,
    *,
    size: Mapping | pd.Series | None = None,
    size_label: str = "betweenness",
    group: str = "country",
    order: Sequence | None = None,
    colour_by: str = "sector",
    colours: Mapping[str, str] | None = None,
    radius: float = 1.0,
    inner_radius: float = 0.32,
    label_radius: float = 1.55,
    base_size: float = 40.0,
    size_scale: float = 1500.0,
    title: str | None = None,
    ax=None,
    figsize=(8.5, 8.5),
) -> NetworkDrawing:
    """Draw a referral network, actors grouped by country, coloured by sector.

    Nodes are placed by :func:`grouped_circle_layout` (groups clockwise from the top, in
    ``order``), coloured by ``colours[node[colour_by]]`` and sized ``base_size + size_scale x
    size[node]`` points^2.  Ties are drawn without arrow heads, width ``0.2 + 0.1 x weight``
    points: cross-border ties (edge attribute ``cross_border`` True) in vermillion at alpha
    0.18, under domestic ties in grey at alpha 0.4.  Group names are written at
    ``label_radius`` and the axes span ``+-(label_radius + 0.3)``.

    Parameters
    ----------
    G : networkx.DiGraph
        Referral network as built by :func:`mixedmig.referral.referral_network`: node
        attributes ``group`` and ``colour_by``, edge attributes ``weight`` (persons referred)
        and ``cross_border`` (bool).
    size : mapping or pandas.Series, optional
        Value setting each node's size (e.g. weighted betweenness, in [0, 1]), indexed by
        node; None draws every node at ``base_size``.
    size_label : str, default "betweenness"
        Named in the legend title "node size = SIZE_LABEL".
    group : str, default "country"
        Node attribute grouping the nodes (the group names are ISO3 codes or other labels;
        registry codes are written as country names).
    order : sequence, optional
        Groups clockwise from the top (default sorted), e.g. ``list(countries.GMS)``.
    colour_by : str, default "sector"
        Node attribute choosing the colour.
    colours : mapping of str to str, optional
        Colour of each value of ``colour_by``, in legend order; default
        :data:`SECTOR_COLOURS`.  Legend labels replace "_" by " ".
    radius, inner_radius : float, default 1.0 and 0.32
        Radii of the layout (see :func:`grouped_circle_layout`).
    label_radius : float, default 1.55
        Distance of the group names from the centre.
    base_size, size_scale : float, default 40 and 1500
        Node area ``base_size + size_scale x size`` (points^2).
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; None creates a new figure.
    figsize : tuple of float, default (8.5, 8.5)
        Size (inches) of a new figure.

    Returns
    -------
    NetworkDrawing
        The axes and what was drawn on it.

    Raises
    ------
    InputError
        If a node lacks an attribute, its ``colour_by`` value has no colour, a tie lacks
        ``weight`` or ``cross_border``, or ``size`` lacks a node.

    Examples
    --------
    A made-up network of three actors (not real data):

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import networkx as nx
    >>> from mixedmig.plotting import referral_network_plot
    >>> G = nx.DiGraph()
    >>> G.add_node("KH-GOV", country="KHM", sector="government")
    >>> G.add_node("KH-CSO", country="KHM", sector="civil_society")
    >>> G.add_node("TH-GOV", country="THA", sector="government")
    >>> G.add_edge("KH-CSO", "KH-GOV", weight=10, cross_border=False)
    >>> G.add_edge("TH-GOV", "KH-GOV", weight=4, cross_border=True)
    >>> drawing = referral_network_plot(G, size={"KH-GOV": 0.5, "KH-CSO": 0.0, "TH-GOV": 0.0},
    ...                                 order=["KHM", "THA"])
    >>> drawing.node_sizes.to_dict()
    {'KH-GOV': 790.0, 'TH-GOV': 40.0, 'KH-CSO': 40.0}
    >>> [t.get_text() for t in drawing.group_labels.values()]
    ['Cambodia', 'Thailand']
    >>> [round(float(w), 6) for w in drawing.edges["cross_border"].get_linewidths()]
    [0.6]
    """
    import networkx as nx

    what = "referral_network_plot"
    colours = dict(SECTOR_COLOURS if colours is None else colours)
    for node, data in G.nodes(data=True):
        for attr in (group, colour_by):
            if attr not in data:
                raise InputError(f"{what}: node {node!r} has no attribute {attr!r}.")
        if data[colour_by] not in colours:
            raise InputError(
                f"{what}: node {node!r} has {colour_by} {data[colour_by]!r}, which has no "
                f"colour; pass colours= with an entry for it (known: {sorted(colours)})."
            )
    for u, v, data in G.edges(data=True):
        for attr in ("weight", "cross_border"):
            if attr not in data:
                raise InputError(f"{what}: tie {u!r} -> {v!r} has no attribute {attr!r}.")
    if size is not None:
        absent = [n for n in G.nodes if n not in size]
        if absent:
            raise InputError(f"{what}: size has no value for node(s) {absent[:5]}.")
    positions = grouped_circle_layout(G, group, order=order, radius=radius,
                                      inner_radius=inner_radius)
    if order is None:
        order = sorted_labels(d for _, d in G.nodes(data=group))
    order = list(order)
    ax = _new_axes(ax, figsize)
    domestic = [(u, v) for u, v, d in G.edges(data=True) if not d["cross_border"]]
    border = [(u, v) for u, v, d in G.edges(data=True) if d["cross_border"]]
    edges: dict[str, Any] = {}
    edge_lists = {"cross_border": border, "domestic": domestic}
    for kind, edge_list, colour, alpha in (("cross_border", border, PALETTE[6], 0.18),
                                           ("domestic", domestic, "#777777", 0.4)):
        if not edge_list:
            continue
        edges[kind] = nx.draw_networkx_edges(
            G, positions, edgelist=edge_list, ax=ax, edge_color=colour, alpha=alpha,
            arrows=False, width=[0.2 + 0.1 * G[u][v]["weight"] for u, v in edge_list])
    nodes: dict[str, Any] = {}
    sizes: dict = {}
    for category, colour in colours.items():
        members = sorted(a for a, s in G.nodes(data=colour_by) if s == category)
        if not members:
            continue
        area = [base_size + size_scale * (0.0 if size is None else float(size[a]))
                for a in members]
        sizes.update(zip(members, area))
        nodes[category] = nx.draw_networkx_nodes(
            G, positions, nodelist=members, ax=ax, node_color=colour, node_size=area,
            edgecolors="white", linewidths=0.6, label=str(category).replace("_", " "))
    group_labels = {}
    for i, label in enumerate(order):
        angle = math.radians(90 - 360 * i / len(order))
        group_labels[label] = ax.text(
            label_radius * math.cos(angle), label_radius * math.sin(angle),
            _display_name(label), ha="center", va="center", fontsize=10, fontweight="bold")
    ax.plot([], [], color="#777777", label="domestic referral")
    ax.plot([], [], color=PALETTE[6], label="cross-border referral")
    legend = ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False,
                       title=f"node size = {size_label}")
    limit = label_radius + 0.3
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    return NetworkDrawing(ax=ax, positions=positions, edges=edges, edge_lists=edge_lists,
                          nodes=nodes, node_sizes=pd.Series(sizes, name="node_size"),
                          group_labels=group_labels, legend=legend)


@dataclass
class RobustnessPlot:
    """What :func:`robustness_plot` drew (a drawing, not an estimator result).

    Attributes
    ----------
    ax : matplotlib.axes.Axes
        The axes drawn on.
    band : matplotlib.collections.PolyCollection or None
        The random-removal percentile band (None without a baseline).
    random_line : matplotlib.lines.Line2D or None
        Mean share left under random removal (None without a baseline).
    targeted_line : matplotlib.lines.Line2D
        Share left under targeted removal.
    legend : matplotlib.legend.Legend
        The legend.
    """

    ax: Any
    band: Any
    random_line: Any
    targeted_line: Any
    legend: Any


def _frame(table, what: str, name: str) -> pd.DataFrame:
    if not isinstance(table, pd.DataFrame) and hasattr(table, "to_frame"):
        table = table.to_frame()
    if not isinstance(table, pd.DataFrame):
        raise InputError(f"{what}: {name} must be a DataFrame, got {type(table).__name__}.")
    return table


def robustness_plot(
    targeted,
    baseline=None,
    *,
    targeted_label: str = "targeted (highest betweenness first)",
    xlabel: str = "actors removed",
    ylabel: str = "% of referrals (persons) still possible",
    title: str | None = None,
    ax=None,
    figsize=(7.5, 4.2),
) -> RobustnessPlot:
    """Share of flow left as nodes are removed: targeted removal against random removal.

    The random-removal baseline is a grey band (5th-95th percentile over the draws) with
    its mean as a grey line; the targeted removal is a vermillion line with dots.  Shares
    are drawn in percent; the y axis runs from 0 to 102.

    Parameters
    ----------
    targeted : pandas.DataFrame
        Targeted removal, as returned by :func:`mixedmig.networks.robustness`: columns
        ``step`` (nodes removed) and ``weight_share`` (share of the total edge weight left,
        0-1).  A result object with ``to_frame()`` is accepted too.
    baseline : pandas.DataFrame, optional
        Random removal, as returned by :func:`mixedmig.networks.random_removal`: columns
        ``step``, ``weight_share_mean``, ``weight_share_low`` and ``weight_share_high``.
        None draws the targeted line only.
    targeted_label : str, default "targeted (highest betweenness first)"
        Legend label of the targeted line.
    xlabel, ylabel : str
        Axis labels.
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; None creates a new figure.
    figsize : tuple of float, default (7.5, 4.2)
        Size (inches) of a new figure.

    Returns
    -------
    RobustnessPlot
        The axes and what was drawn on it.

    Raises
    ------
    InputError
        If a table or column is missing or shares are not numbers.

    Notes
    -----
    Drawn value: ``100 x W_k / W_0``, the edge weight among the remaining nodes after ``k``
    removals over the total (Albert, Jeong & Barabasi 2000 use the largest component).

    References
    ----------
    Albert, R., Jeong, H. & Barabasi, A.-L. (2000). Error and attack tolerance of complex
    networks. *Nature*, 406, 378-382.

    Examples
    --------
    Made-up shares (not real data):

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from mixedmig.plotting import robustness_plot
    >>> targeted = pd.DataFrame({"step": [0, 1, 2], "weight_share": [1.0, 0.5, 0.25]})
    >>> drawing = robustness_plot(targeted)
    >>> drawing.targeted_line.get_ydata().tolist()
    [100.0, 50.0, 25.0]
    """
    what = "robustness_plot"
    targeted = _frame(targeted, what, "targeted")
    require_columns(targeted, ["step", "weight_share"], what)
    ax = _new_axes(ax, figsize)
    band = random_line = None
    if baseline is not None:
        baseline = _frame(baseline, what, "baseline")
        columns = ["weight_share_low", "weight_share_high", "weight_share_mean"]
        require_columns(baseline, ["step"] + columns, what)
        low, high, mean = (_numeric(baseline[c], what, allow_missing=True) for c in columns)
        band = ax.fill_between(baseline["step"], 100 * low, 100 * high, color=GREY, alpha=0.3,
                               label="random removal, 5th-95th percentile")
        (random_line,) = ax.plot(baseline["step"], 100 * mean, color=GREY,
                                 label="random removal, mean")
    share = _numeric(targeted["weight_share"], what, allow_missing=True)
    (targeted_line,) = ax.plot(targeted["step"], 100 * share, color=PALETTE[6], marker="o",
                               markersize=3.5, label=targeted_label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, 102)
    legend = ax.legend(loc="lower left", fontsize=8)
    if title:
        ax.set_title(title)
    return RobustnessPlot(ax=ax, band=band, random_line=random_line,
                          targeted_line=targeted_line, legend=legend)
