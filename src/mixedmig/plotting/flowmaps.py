"""Flow maps: curved arrows between capitals, scaled to flow size, with a legend in real units.

Arrow widths are proportional to the flow (a proportional-symbol flow map, Tobler 1987), and
the legend shows reference widths drawn at the same scale, labelled in persons (or other
units), with 1-2-5 round numbers.

References
----------
Tobler, W. R. (1987). Experiments in migration mapping by computer. *The American
Cartographer*, 14(2), 155-163.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib
import matplotlib.colors
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import ArrowStyle, FancyArrowPatch

from .. import countries
from ..checks import require_columns
from ..errors import InputError
from ._checks import _numeric
from .maps import REGIONS, _extent, _inside, _mark_capital, gms_map
from .style import _format_value, country_colour

__all__ = ["FlowMap", "FlowMapPanels", "flow_map", "flow_map_panels"]


def _nice_floor(value: float) -> float:
    """Largest number of the form 1, 2 or 5 x 10^k that is <= value (value > 0)."""
    exponent = math.floor(math.log10(value))
    for mantissa in (5, 2, 1):
        candidate = mantissa * 10.0**exponent
        if candidate <= value * (1 + 1e-12):
            return float(round(candidate, 12 - exponent if exponent < 12 else 0))
    return 10.0**exponent  # pragma: no cover - mantissa 1 always fits


def _nice_ceil(value: float) -> float:
    """Smallest number of the form 1, 2 or 5 x 10^k that is >= value (value > 0)."""
    exponent = math.floor(math.log10(value))
    for mantissa in (1, 2, 5, 10):
        candidate = mantissa * 10.0**exponent
        if candidate >= value * (1 - 1e-12):
            return float(round(candidate, 12 - exponent if exponent < 12 else 0))
    return 10.0 ** (exponent + 1)  # pragma: no cover


def _reference_values(vmax: float, floor_value: float) -> list[float]:
    """Legend values: the 1-2-5 round number at or below the largest flow, its half, and its
    tenth -- or, when the tenth would be drawn at the minimum width, the smallest 1-2-5 number
    drawn above it (dropped if that is not below the half)."""
    top = _nice_floor(vmax)
    refs = [top, top / 2]
    if top / 10 >= floor_value:
        refs.append(top / 10)
    else:
        third = _nice_ceil(floor_value)
        if third < top / 2:
            refs.append(third)
    return refs


@dataclass
class FlowMap:
    """What :func:`flow_map` drew (a drawing, not an estimator result).

    Attributes
    ----------
    basemap : mpl_toolkits.basemap.Basemap
        The projection the map was drawn with (``x, y = basemap(lon, lat)``).
    ax : matplotlib.axes.Axes
        The axes drawn on.
    arrows : dict of (str, str) to matplotlib.patches.FancyArrowPatch
        One arrow per drawn flow, keyed by (origin ISO3, destination ISO3).
    widths : pandas.Series
        Arrow width in points, indexed by (orig, dest), largest flow first.
    points_per_unit : float
        The scale: width = value x points_per_unit, but never below ``min_width``.
    reference_values : list of float
        The flows (in ``units``) shown in the legend.
    legend : matplotlib.legend.Legend or None
        The legend (None when drawn with ``legend=False``).
    dropped : pandas.DataFrame
        Rows not drawn (zero flow or origin = destination): ``orig``, ``dest``, ``value``,
        ``dashed``.
    """

    basemap: Any
    ax: Any
    arrows: dict[tuple[str, str], FancyArrowPatch]
    widths: pd.Series
    points_per_unit: float
    reference_values: list[float]
    legend: Any
    dropped: pd.DataFrame = field(default_factory=pd.DataFrame)


def flow_map(
    flows: pd.DataFrame,
    *,
    orig: str = "orig",
    dest: str = "dest",
    value: str = "value",
    ax=None,
    region="auto",
    resolution: str = "l",
    units: str = "persons",
    top: int | None = None,
    dashed: str | None = None,
    dashed_label: str = "secondary source",
    min_width: float = 0.6,
    max_width: float = 9.0,
    curvature: float = 0.25,
    colour_by: str = "orig",
    legend_values: Sequence[float] | None = None,
    legend_loc: str = "outside",
    legend: bool = True,
    title: str | None = None,
    figsize=(6.0, 6.5),
) -> FlowMap:
    """Flow map: arrows between capitals, width proportional to the flow.

    Arrows run from each origin's capital to the destination's capital with line width
    ``width = max_width * value / max(value)`` points (floored at ``min_width`` so small
    flows stay visible).  Arrows are arcs (matplotlib ``arc3`` connection), so A->B and B->A
    bend to opposite sides and do not overlap.  The legend shows three reference widths drawn
    at the same scale, labelled with their values and ``units``.

    Parameters
    ----------
    flows : pandas.DataFrame
        Long table, one row per (origin, destination) pair; countries are ISO3 codes or any
        name the registry knows.
    orig, dest, value : str, default "orig", "dest", "value"
        Columns holding the origin, the destination and the flow (finite, >= 0, in
        ``units``).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; None creates a new figure.
    region : str or tuple of float, default "auto"
        Map extent (see :func:`gms_map`); "auto" uses "gms" when every capital lies inside
        it, else "asia".
    resolution : str, default "l"
        Basemap coastline resolution.
    units : str, default "persons"
        Unit written in the legend.
    top : int, optional
        Keep only the ``top`` largest flows (ties broken by origin, then destination).
    dashed : str, optional
        Boolean column; True rows are drawn as hollow bands with a dashed outline (e.g. edges
        read from a secondary source).
    dashed_label : str, default "secondary source"
        Legend label of dashed arrows.
    min_width, max_width : float, default 0.6 and 9.0
        Narrowest and widest arrow (points), ``0 <= min_width < max_width``.
    curvature : float, default 0.25
        ``rad`` of the ``arc3`` connection.
    colour_by : {"orig", "dest"}, default "orig"
        Arrows take the house colour (:func:`country_colour`) of their origin or destination.
    legend_values : sequence of float, optional
        Flows shown in the legend; default the 1-2-5 round number at or below the largest
        flow, its half and its tenth.
    legend_loc : str, default "outside"
        "outside" puts the legend right of the map; otherwise a matplotlib ``loc``.
    legend : bool, default True
        False draws no legend (``FlowMap.legend`` is None), e.g. for panels that share one
        legend; ``reference_values`` and ``points_per_unit`` are still returned.
    title : str, optional
        Axes title.
    figsize : tuple of float, default (6.0, 6.5)
        Size (inches) of a new figure.

    Returns
    -------
    FlowMap
        The map, its arrows, widths, scale and legend, and the rows not drawn.

    Raises
    ------
    InputError
        If a column is missing, values are negative or missing, a pair appears twice, the
        ``dashed`` column is not boolean, no flow is left to draw, a capital lies outside
        the region or a country is unknown.

    Notes
    -----
    Rows with zero flow or origin == destination are not drawn and are returned in
    ``FlowMap.dropped``.  Flows below ``min_width / points_per_unit`` are drawn at
    ``min_width`` and get their own legend entry.

    References
    ----------
    Tobler, W. R. (1987). Experiments in migration mapping by computer. *The American
    Cartographer*, 14(2), 155-163.

    Examples
    --------
    Made-up flows (not real data):

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from mixedmig.plotting import flow_map
    >>> flows = pd.DataFrame({"orig": ["KHM", "LAO", "MMR"], "dest": ["THA", "THA", "THA"],
    ...                       "value": [500, 1000, 0]})
    >>> drawing = flow_map(flows, resolution="c", max_width=8.0)
    >>> drawing.widths.round(1).tolist()
    [8.0, 4.0]
    >>> drawing.reference_values
    [1000.0, 500.0, 100.0]
    >>> drawing.dropped[["orig", "dest"]].values.tolist()
    [['MMR', 'THA']]
    """
    what = "flow_map"
    columns = [orig, dest, value] + ([dashed] if dashed else [])
    require_columns(flows, columns, what)
    if not (0 <= min_width < max_width):
        raise InputError(
            f"{what}: need 0 <= min_width < max_width, got {min_width}, {max_width}."
        )
    if colour_by not in ("orig", "dest"):
        raise InputError(f"{what}: colour_by must be 'orig' or 'dest', got {colour_by!r}.")
    table = pd.DataFrame(
        {
            "orig": [countries.to_iso3(v) for v in flows[orig]],
            "dest": [countries.to_iso3(v) for v in flows[dest]],
            "value": _numeric(flows[value], what, allow_missing=False).to_numpy(),
        }
    )
    if dashed:
        flags = flows[dashed]
        if flags.isna().any() or not all(isinstance(v, (bool, np.bool_)) for v in flags):
            raise InputError(
                f"{what}: column '{dashed}' must hold True/False for every row "
                "(True = draw the arrow dashed)."
            )
        table["dashed"] = flags.to_numpy(dtype=bool)
    else:
        table["dashed"] = False
    duplicated = table.duplicated(["orig", "dest"], keep=False)
    if duplicated.any():
        pairs = sorted(set(zip(table.loc[duplicated, "orig"], table.loc[duplicated, "dest"])))
        raise InputError(
            f"{what}: more than one row for the pair(s) {pairs}; aggregate first, e.g. "
            "flows.groupby([orig, dest], as_index=False)[value].sum()."
        )
    drop = (table["value"] == 0) | (table["orig"] == table["dest"])
    dropped = table[drop].reset_index(drop=True)
    table = table[~drop].sort_values(["value", "orig", "dest"], ascending=[False, True, True])
    if top is not None:
        if not isinstance(top, (int, np.integer)) or top < 1:
            raise InputError(f"{what}: top must be a positive integer, got {top!r}.")
        table = table.head(int(top))
    if table.empty:
        raise InputError(f"{what}: no flow to draw (all values are zero or self-flows).")
    table = table.reset_index(drop=True)

    places = sorted(set(table["orig"]) | set(table["dest"]))
    coords = {c: (countries.get(c).capital_lon, countries.get(c).capital_lat) for c in places}
    if isinstance(region, str) and region == "auto":
        region = "gms" if all(_inside(REGIONS["gms"], *coords[c]) for c in places) else "asia"
    extent = _extent(region)
    outside = [c for c in places if not _inside(extent, *coords[c])]
    if outside:
        raise InputError(
            f"{what}: the capital(s) of {outside} lie outside the map region {region!r}; "
            "use region='asia', region='auto' or a larger extent tuple."
        )
    m = gms_map(ax, region=region, resolution=resolution, figsize=figsize)
    ax = m.ax
    xy = {c: m(*coords[c]) for c in places}

    vmax = float(table["value"].max())
    scale = max_width / vmax
    widths = np.maximum(table["value"].to_numpy() * scale, min_width)
    arrows: dict[tuple[str, str], FancyArrowPatch] = {}
    for row, width in zip(table.itertuples(index=False), widths):
        colour = country_colour(row.orig if colour_by == "orig" else row.dest)
        w = float(width)
        head_width = max(2.2 * w, w + 4.0)
        # A filled "simple" arrow: the band is exactly w points wide along the arc (its
        # tail_width, mutation_scale=1 so sizes are in points).  Dashed arrows are hollow
        # bands with a dashed outline.
        arrow = FancyArrowPatch(
            posA=xy[row.orig],
            posB=xy[row.dest],
            connectionstyle=f"arc3,rad={curvature}",
            arrowstyle=ArrowStyle(
                "simple", tail_width=w, head_width=head_width, head_length=0.8 * head_width
            ),
            mutation_scale=1.0,
            facecolor=(matplotlib.colors.to_rgba(colour, 0.2) if row.dashed
                       else matplotlib.colors.to_rgba(colour, 0.85)),
            edgecolor=colour if row.dashed else "none",
            linewidth=0.9 if row.dashed else 0.0,
            linestyle="--" if row.dashed else "-",
            shrinkA=5,
            shrinkB=6,
            zorder=4 + w / (max_width + 1),
            gid=f"flow-{row.orig}-{row.dest}",
        )
        ax.add_patch(arrow)
        arrows[(row.orig, row.dest)] = arrow
    for c in places:
        _mark_capital(ax, *xy[c], countries.get(c).capital)

    floor_value = min_width / scale  # flows below this are drawn at min_width
    refs = (list(legend_values) if legend_values is not None
            else _reference_values(vmax, floor_value))
    handles = [
        Line2D([], [], color="#555555", linewidth=max(v * scale, min_width),
               label=f"{_format_value(v)} {units}")
        for v in refs
    ]
    if (table["value"] < floor_value).any():
        handles.append(
            Line2D([], [], color="#555555", linewidth=min_width,
                   label=f"< {_format_value(math.ceil(floor_value))} {units} (min. width)")
        )
    if table["dashed"].any():
        handles.append(
            Line2D([], [], color="#555555", linewidth=1.2, linestyle="--", label=dashed_label)
        )
    drawn_legend = None
    if legend:
        placement = (
            {"loc": "upper left", "bbox_to_anchor": (1.02, 1.0), "borderaxespad": 0.0}
            if legend_loc == "outside"
            else {"loc": legend_loc}
        )
        drawn_legend = ax.legend(
            handles=handles,
            **placement,
            title="Flow",
            frameon=True,
            framealpha=0.9,
            handlelength=3.0,
            borderpad=0.8,
            labelspacing=0.9,
        )
        drawn_legend.set_zorder(10)
    if title:
        ax.set_title(title)
    widths_series = pd.Series(
        widths, index=pd.MultiIndex.from_frame(table[["orig", "dest"]]), name="width_pt"
    )
    return FlowMap(
        basemap=m,
        ax=ax,
        arrows=arrows,
        widths=widths_series,
        points_per_unit=scale,
        reference_values=refs,
        legend=drawn_legend,
        dropped=dropped,
    )


@dataclass
class FlowMapPanels:
    """What :func:`flow_map_panels` drew (a drawing, not an estimator result).

    Attributes
    ----------
    figure : matplotlib.figure.Figure
        The figure holding the panels.
    maps : dict
        ``{panel value: FlowMap}``, in panel order.
    points_per_unit : float
        The one scale of every panel: width = value x points_per_unit (points).
    legend : matplotlib.legend.Legend or None
        The one legend, on the last panel (None when no panel has one).
    """

    figure: Any
    maps: dict
    points_per_unit: float
    legend: Any


def flow_map_panels(
    flows: pd.DataFrame,
    by: str,
    panels: Sequence | None = None,
    *,
    value: str = "value",
    titles: dict | None = None,
    max_width: float = 9.0,
    suptitle: str | None = None,
    figsize=(17.0, 6.0),
    **kwargs,
) -> FlowMapPanels:
    """Flow maps side by side, one per value of ``by``, all on one width scale.

    Each panel is a :func:`flow_map` of the rows of one ``by`` value (e.g. one period; the
    panels show different quantities, never to be summed).  The widest arrow of the panel
    holding the largest flow is ``max_width`` points and every panel uses the same points per
    unit, so widths compare across panels; only the last panel keeps its legend.

    Parameters
    ----------
    flows : pandas.DataFrame
        Long table of flows with the columns :func:`flow_map` needs and ``by``.
    by : str
        Column whose values get one panel each.
    panels : sequence, optional
        Values of ``by`` to draw, left to right; default the sorted values present.
    value : str, default "value"
        Column holding the flows.
    titles : dict, optional
        Title of each panel, by ``by`` value (default the value itself).
    max_width : float, default 9.0
        Width (points) of the largest flow over all panels.
    suptitle : str, optional
        Figure title.
    figsize : tuple of float, default (17.0, 6.0)
        Size (inches) of the figure (constrained layout, one row).
    **kwargs
        Passed to :func:`flow_map` for every panel (e.g. ``region``, ``dashed``,
        ``colour_by``, ``units``, ``legend_values``).

    Returns
    -------
    FlowMapPanels
        The figure, one :class:`FlowMap` per panel, the shared scale and the legend.

    Raises
    ------
    InputError
        If ``by`` or ``value`` is missing, a panel has no row, or :func:`flow_map` rejects a
        panel.

    Notes
    -----
    Panel ``p`` is drawn with ``max_width_p = max_width x max(value_p) / max(value)``, so
    ``points_per_unit = max_width / max(value)`` in every panel.

    Examples
    --------
    Made-up returns in two periods (not real data):

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from mixedmig.plotting import flow_map_panels
    >>> flows = pd.DataFrame({"period": ["early", "early", "late"],
    ...                       "orig": ["THA", "MYS", "THA"], "dest": ["MMR", "MMR", "KHM"],
    ...                       "count": [300, 100, 150]})
    >>> drawing = flow_map_panels(flows, "period", value="count", max_width=6.0,
    ...                           region="asia", resolution="c")
    >>> list(drawing.maps), drawing.points_per_unit
    (['early', 'late'], 0.02)
    >>> drawing.maps["late"].widths.tolist()
    [3.0]
    """
    import matplotlib.pyplot as plt

    what = "flow_map_panels"
    require_columns(flows, [by, value], what)
    if panels is None:
        panels = sorted(pd.unique(flows[by]).tolist())
    panels = list(panels)
    if not panels:
        raise InputError(f"{what}: the table has no rows to draw.")
    empty = [p for p in panels if not (flows[by] == p).any()]
    if empty:
        raise InputError(f"{what}: no row has {by} = {empty}; drop those panels.")
    largest = float(_numeric(flows.loc[flows[by].isin(panels), value], what,
                             allow_missing=False).max())
    if largest <= 0:
        raise InputError(f"{what}: no positive flow to draw.")
    figure, axes = plt.subplots(1, len(panels), figsize=figsize, layout="constrained",
                                squeeze=False)
    maps = {}
    for position, (ax, panel) in enumerate(zip(axes[0], panels)):
        part = flows[flows[by] == panel]
        drawing = flow_map(part, value=value, ax=ax,
                           max_width=max_width * part[value].max() / largest,
                           title=(titles or {}).get(panel, str(panel)), **kwargs)
        if position < len(panels) - 1 and drawing.legend is not None:
            drawing.legend.remove()  # one scale, so one legend (the last panel's)
            drawing.legend = None
        maps[panel] = drawing
    if suptitle:
        figure.suptitle(suptitle)
    return FlowMapPanels(figure=figure, maps=maps, points_per_unit=max_width / largest,
                         legend=maps[panels[-1]].legend)
