"""Alluvial (Sankey-style) diagrams of staged pathways.

Stages are columns of blocks sized by their totals, joined by bands whose width is the
number of pathways between two blocks (Rosvall & Bergstrom 2010), e.g. the staged
post-trafficking pathways of :mod:`mixedmig.pathways.staging`.

References
----------
Rosvall, M. & Bergstrom, C. T. (2010). Mapping change in large networks. *PLoS ONE*, 5(1),
e8694.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath

from ..checks import label_sort_key, require_columns
from ..errors import InputError
from ._checks import _numeric
from .style import _colour_for, _display_name, _format_value, _halo, _new_axes

__all__ = ["AlluvialDiagram", "alluvial"]


@dataclass
class AlluvialDiagram:
    """What :func:`alluvial` drew (a drawing, not an estimator result).

    Attributes
    ----------
    ax : matplotlib.axes.Axes
        The axes drawn on.
    stages : list of str
        The stage columns, left to right (stage k at x = k).
    order : dict of str to list
        Node order (top to bottom) of each stage.
    totals : dict of str to pandas.Series
        Total value per node of each stage, in ``order``.
    scale : float
        Height per unit of value.
    blocks : dict of (str, node) to matplotlib.patches.Rectangle
        ``blocks[(stage, node)]`` has height ``totals[stage][node] * scale``.
    ribbons : dict of (int, node, node, category) to matplotlib.patches.PathPatch
        ``ribbons[(k, a, b, c)]`` is the band from node ``a`` of stage k to node ``b`` of
        stage k+1 for colour category ``c``.
    """

    ax: Any
    stages: list[str]
    order: dict[str, list]
    totals: dict[str, pd.Series]
    scale: float
    blocks: dict[tuple[str, Any], Rectangle]
    ribbons: dict[tuple[int, Any, Any, Any], PathPatch]


def _stage_order(data: pd.DataFrame, stage: str, value: str, given: Sequence | None) -> list:
    present = set(data[stage].tolist())
    if given is not None:
        given = list(given)
        missing = sorted(map(str, present - set(given)))
        if missing:
            raise InputError(f"alluvial: order for stage '{stage}' lacks {missing}.")
        return [g for g in given if g in present]
    column = data[stage]
    if isinstance(column.dtype, pd.CategoricalDtype):
        return [c for c in column.cat.categories if c in present]
    totals = data.groupby(stage, observed=True)[value].sum()
    return sorted(totals.index, key=lambda n: (-totals[n], label_sort_key(n)))


def alluvial(
    df: pd.DataFrame,
    stages: Sequence[str],
    value: str,
    ax=None,
    *,
    order: Mapping[str, Sequence] | None = None,
    colour_by: str | None = None,
    colours: Mapping | None = None,
    block_width: float = 0.08,
    gap: float = 0.03,
    stage_labels: Mapping[str, str] | None = None,
    show_values: bool = True,
    ribbon_alpha: float = 0.55,
    title: str | None = None,
    figsize=(7.0, 4.5),
) -> AlluvialDiagram:
    """Alluvial (Sankey-style) plot of pathways through consecutive stages.

    Stage k is a column of blocks at x = k, one per node (category of the stage), with
    height proportional to the node's total.  Between stages k and k+1 a band per (node at k,
    node at k+1, ``colour_by`` category) has the same width, its value x ``scale``, at both
    ends.  Bands take the colour of their ``colour_by`` node.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per pathway (or group of identical pathways) with its stage categories and
        its count.
    stages : sequence of str
        At least two distinct stage columns, left to right; no missing values (use an
        explicit category such as "unknown").
    value : str
        Column with the count of each row (finite, >= 0); rows with 0 are not drawn.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; None creates a new figure.
    order : mapping of str to sequence, optional
        Node order (top to bottom) per stage; default the categorical order, else decreasing
        total (ties by name).
    colour_by : str, optional
        The stage whose nodes colour the bands (default the first stage).
    colours : mapping, optional
        Colour of each ``colour_by`` node; default the house country colour for registry
        codes, else the colour cycle.
    block_width : float, default 0.08
        Block width (x units; stages are 1 apart).
    gap : float, default 0.03
        Vertical gap between blocks (the plot is 1 high).
    stage_labels : mapping of str to str, optional
        Heading of each stage (default the column name).
    show_values : bool, default True
        Write each node's total after its name.
    ribbon_alpha : float, default 0.55
        Band opacity.
    title : str, optional
        Axes title.
    figsize : tuple of float, default (7.0, 4.5)
        Size (inches) of a new figure.

    Returns
    -------
    AlluvialDiagram
        The axes, stages, node orders, totals, scale, blocks and bands.

    Raises
    ------
    InputError
        If fewer than two distinct stages are given, ``colour_by`` is not a stage, a column
        is missing, a stage has missing values, values are negative or missing, an ``order``
        lacks a node, nothing positive is left or ``gap`` is too large.

    Notes
    -----
    ``scale = (1 - gap (m - 1)) / N``, with ``N`` the total value and ``m`` the largest
    number of nodes in one stage, so block heights are proportional to totals and comparable
    across stages.

    References
    ----------
    Rosvall, M. & Bergstrom, C. T. (2010). Mapping change in large networks. *PLoS ONE*,
    5(1), e8694.

    Examples
    --------
    Made-up pathways (not real data): 6 persons go from shelter to family, 2 from shelter to
    work, 2 from family to family.  N = 10 and m = 2, so scale = (1 - 0.03) / 10.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from mixedmig.plotting import alluvial
    >>> paths = pd.DataFrame({"first": ["shelter", "shelter", "family"],
    ...                       "then": ["family", "work", "family"], "n": [6, 2, 2]})
    >>> drawing = alluvial(paths, ["first", "then"], "n")
    >>> round(drawing.scale, 6), drawing.order["then"]
    (0.097, ['family', 'work'])
    >>> round(drawing.blocks[("then", "family")].get_height(), 6)
    0.776
    """
    what = "alluvial"
    stages = list(stages)
    if len(stages) < 2 or len(set(stages)) != len(stages):
        raise InputError(f"{what}: need at least two distinct stage columns, got {stages}.")
    colour_by = colour_by or stages[0]
    if colour_by not in stages:
        raise InputError(f"{what}: colour_by must be one of the stages {stages}.")
    require_columns(df, stages + [value], what)
    data = df[stages + [value]].copy()
    data[value] = _numeric(data[value], what, allow_missing=False)
    for s in stages:
        if data[s].isna().any():
            raise InputError(
                f"{what}: stage column '{s}' has missing values; fill them with an explicit "
                "category such as 'unknown'."
            )
    data = data[data[value] > 0]
    if data.empty:
        raise InputError(f"{what}: no positive value to draw.")
    grand = float(data[value].sum())
    orders = {s: _stage_order(data, s, value, (order or {}).get(s)) for s in stages}
    m = max(len(o) for o in orders.values())
    scale = (1.0 - gap * (m - 1)) / grand
    if scale <= 0:
        raise InputError(f"{what}: gap={gap} is too large for {m} nodes in one stage.")

    ax = _new_axes(ax, figsize)
    totals: dict[str, pd.Series] = {}
    blocks: dict[tuple[str, Any], Rectangle] = {}
    tops: dict[tuple[str, Any], float] = {}
    half = block_width / 2
    colour_nodes = orders[colour_by]
    for k, s in enumerate(stages):
        t = data.groupby(s, observed=True)[value].sum().reindex(orders[s])
        totals[s] = t
        height = grand * scale + gap * (len(orders[s]) - 1)
        y_top = 0.5 + height / 2
        for node in orders[s]:
            h = float(t[node]) * scale
            colour = (_colour_for(node, orders[s].index(node), colours) if s == colour_by
                      else "#555555")
            rect = Rectangle((k - half, y_top - h), block_width, h, facecolor=colour,
                             edgecolor="white", linewidth=0.5, zorder=3, gid=f"block-{s}-{node}")
            ax.add_patch(rect)
            blocks[(s, node)] = rect
            tops[(s, node)] = y_top
            text = _display_name(node)
            if show_values:
                text += f" ({_format_value(float(t[node]))})"
            if k == 0:
                xt, ha = k - half - 0.02, "right"
            else:
                xt, ha = k + half + 0.02, "left"
            ax.text(xt, y_top - h / 2, text, ha=ha, va="center", fontsize=8, zorder=6,
                    path_effects=_halo())
            y_top -= h + gap
        ax.text(k, 1.04, (stage_labels or {}).get(s, s), ha="center", va="bottom",
                fontsize=9, fontweight="bold")

    ribbons: dict[tuple[int, Any, Any, Any], PathPatch] = {}
    for k in range(len(stages) - 1):
        s0, s1 = stages[k], stages[k + 1]
        bands = data.groupby([s0, s1, colour_by], observed=True)[value].sum()
        rank0 = {n: i for i, n in enumerate(orders[s0])}
        rank1 = {n: i for i, n in enumerate(orders[s1])}
        rankc = {n: i for i, n in enumerate(colour_nodes)}
        keys = list(bands.index)
        out_cursor = {n: tops[(s0, n)] for n in orders[s0]}
        in_cursor = {n: tops[(s1, n)] for n in orders[s1]}
        start_y: dict = {}
        for key in sorted(keys, key=lambda t: (rank0[t[0]], rank1[t[1]], rankc[t[2]])):
            start_y[key] = out_cursor[key[0]]
            out_cursor[key[0]] -= float(bands[key]) * scale
        end_y: dict = {}
        for key in sorted(keys, key=lambda t: (rank1[t[1]], rank0[t[0]], rankc[t[2]])):
            end_y[key] = in_cursor[key[1]]
            in_cursor[key[1]] -= float(bands[key]) * scale
        x0, x1 = k + half, k + 1 - half
        xm = (x0 + x1) / 2
        for key in sorted(keys, key=lambda t: (rank0[t[0]], rank1[t[1]], rankc[t[2]])):
            h = float(bands[key]) * scale
            ya, yb = start_y[key], end_y[key]
            path = MplPath(
                [(x0, ya), (xm, ya), (xm, yb), (x1, yb), (x1, yb - h),
                 (xm, yb - h), (xm, ya - h), (x0, ya - h), (x0, ya)],
                [MplPath.MOVETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4, MplPath.LINETO,
                 MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4, MplPath.CLOSEPOLY],
            )
            colour = _colour_for(key[2], rankc[key[2]], colours)
            patch = PathPatch(path, facecolor=colour, edgecolor="none", alpha=ribbon_alpha,
                              zorder=2, gid=f"band-{k}-{key[0]}-{key[1]}-{key[2]}")
            ax.add_patch(patch)
            ribbons[(k, key[0], key[1], key[2])] = patch

    ax.set_xlim(-0.6, len(stages) - 1 + 0.6)
    ax.set_ylim(-0.02, 1.1)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return AlluvialDiagram(ax=ax, stages=stages, order=orders, totals=totals, scale=scale,
                           blocks=blocks, ribbons=ribbons)
