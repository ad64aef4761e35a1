"""Flow maps: curved arrows between countries, scaled to the value drawn (a stock, a flow, a
count of cases or of persons returned), with a legend in real units titled after that measure.

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
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D
from matplotlib.patches import ArrowStyle, FancyArrowPatch
from matplotlib.path import Path as MplPath

from ..checks import require_columns
from ..errors import InputError
from ._checks import _numeric
from ._places import _check_points, _display_name, _points, _resolve, _without_point
from .maps import _extent, _inside, _mark_capital, gms_map, map_extent
from .style import _format_value, country_colour

__all__ = ["MEASURES", "FlowMap", "FlowMapPanels", "flow_map", "flow_map_panels"]


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


#: Legend titles of the measures a map can draw (``measure=``).  A stock is people living
#: abroad at one date (origin = place of birth); a flow is moves over a period; cases are
#: counted events such as registered trafficking cases; returns are persons returned
#: (repatriated) from one country to another in a period, such as trafficking victims.
MEASURES: dict[str, str] = {
    "stock": "Migrant stock",
    "flow": "Flow",
    "cases": "Cases",
    "returns": "Persons returned",
}

#: Value-column names from which :func:`flow_map` infers the measure when none is given.
_MEASURE_FROM_COLUMN = {"stock": "stock", "stocks": "stock", "migrant_stock": "stock",
                        "flow": "flow", "flows": "flow", "moves": "flow",
                        "cases": "cases", "returns": "returns"}


def _measure_title(measure, value: str, what: str) -> str:
    if measure is None:
        measure = _MEASURE_FROM_COLUMN.get(str(value).lower())
        if measure is None:
            raise InputError(
                f"{what}: say what the column '{value}' holds, measure='stock' (people living "
                "abroad at a date), 'flow' (moves over a period), 'cases' (counted events) or "
                "'returns' (persons returned from one country to another); "
                "the legend is titled after it."
            )
    if measure not in MEASURES:
        raise InputError(f"{what}: measure must be one of {sorted(MEASURES)}, got {measure!r}.")
    return MEASURES[measure]


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
        One arrow per flow drawn with a head (the ``max_arrows`` largest), keyed by
        (origin, destination).
    widths : pandas.Series
        Width in points of every drawn arc (arrows and headless arcs), indexed by
        (orig, dest), largest flow first.
    points_per_unit : float
        The scale: width = value x points_per_unit, but never below ``min_width``.
    reference_values : list of float
        The values (in ``units``) shown in the legend.
    legend : matplotlib.legend.Legend or None
        The legend (None when drawn with ``legend=False``).
    dropped : pandas.DataFrame
        Rows not drawn: ``orig``, ``dest``, ``value``, ``dashed`` and ``reason`` ("zero or
        self", or "no coordinates").
    measure : str
        The legend title: what was drawn (see :data:`MEASURES`).
    n_shown, n_total : int
        Corridors drawn, and corridors with a positive value (``n_shown < n_total`` when
        ``top`` kept only the largest).
    labelled : list of str
        Places named on the map (the ``label_top`` largest by value in + out).
    minor_arcs : matplotlib.collections.PathCollection or None
        The arcs beyond ``max_arrows``, drawn as one collection of headless arcs.
    curvature : pandas.Series
        The ``arc3`` curvature of each drawn arc, indexed by (orig, dest).
    """

    basemap: Any
    ax: Any
    arrows: dict[tuple[str, str], FancyArrowPatch]
    widths: pd.Series
    points_per_unit: float
    reference_values: list[float]
    legend: Any
    dropped: pd.DataFrame = field(default_factory=pd.DataFrame)
    measure: str = "Flow"
    n_shown: int = 0
    n_total: int = 0
    labelled: list = field(default_factory=list)
    minor_arcs: Any = None
    curvature: pd.Series = field(default_factory=pd.Series)


def _bearing(a, b) -> float:
    return math.degrees(math.atan2(b[1] - a[1], b[0] - a[0]))


def _curvatures(table: pd.DataFrame, xy: dict, curvature: float, spread: float) -> np.ndarray:
    """``arc3`` curvature per arc: ``curvature``, raised to ``curvature x (1 + spread)`` on
    every second of the arcs that reach the same destination within 25 degrees of each other,
    so their heads part instead of stacking."""
    rads = np.full(len(table), float(curvature))
    if spread <= 0 or len(table) < 2:
        return rads
    incoming: dict = {}
    for i, row in enumerate(table.itertuples(index=False)):
        incoming.setdefault(row.dest, []).append((_bearing(xy[row.dest], xy[row.orig]), i))
    for arrivals in incoming.values():
        arrivals.sort()
        bumped = False
        for (b0, _i0), (b1, i1) in zip(arrivals, arrivals[1:]):
            close = abs(b1 - b0) < 25.0
            if close and not bumped:
                rads[i1] = curvature * (1.0 + spread)
                bumped = True
            else:
                bumped = False
    return rads


def _lane_ends(a, b, lane: float):
    """Both ends of an arc moved ``lane`` map units to the right of its direction, so A->B
    and B->A run side by side instead of sharing their ends."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    norm = math.hypot(dx, dy)
    if norm == 0 or lane == 0:
        return a, b
    ox, oy = lane * dy / norm, -lane * dx / norm
    return (a[0] + ox, a[1] + oy), (b[0] + ox, b[1] + oy)


def _arc_path(a, b, rad: float) -> MplPath:
    """The quadratic Bezier matplotlib's ``arc3`` draws from a to b (control point at the
    midpoint plus ``rad`` times the chord turned to the right)."""
    cx = (a[0] + b[0]) / 2 + rad * (b[1] - a[1])
    cy = (a[1] + b[1]) / 2 - rad * (b[0] - a[0])
    return MplPath([a, (cx, cy), b], [MplPath.MOVETO, MplPath.CURVE3, MplPath.CURVE3])


def flow_map(
    flows: pd.DataFrame,
    *,
    orig: str = "orig",
    dest: str = "dest",
    value: str = "value",
    measure: str | None = None,
    ax=None,
    region="auto",
    resolution: str = "l",
    units: str = "persons",
    top: int | None = 50,
    max_arrows: int = 300,
    dashed: str | None = None,
    dashed_label: str = "secondary source",
    min_width: float = 0.6,
    max_width: float = 9.0,
    curvature: float = 0.25,
    spread: float = 0.8,
    lane: float = 0.004,
    colour_by: str = "orig",
    label_top: int | None = 15,
    label_size: float = 8.5,
    node_labels: str = "name",
    points: pd.DataFrame | None = None,
    missing_points: str = "drop",
    legend_values: Sequence[float] | None = None,
    legend_loc: str = "outside",
    legend: bool = True,
    title: str | None = None,
    figsize=(6.0, 6.5),
) -> FlowMap:
    """Flow map: arcs between the countries' points, width proportional to the value.

    Arcs run from each origin's representative point (its capital in the registry,
    :mod:`mixedmig.countries`) to the destination's, with line width
    ``width = max_width * value / max(value)`` points (floored at ``min_width`` so small
    values stay visible).  Arcs bend to the right of their direction (matplotlib ``arc3``)
    and both their ends sit ``lane`` to that side, so A->B and B->A run side by side.  Arcs
    that reach one destination from nearly the same direction get different curvatures, so
    their heads do not stack.  The legend, titled after the ``measure``, shows three
    reference widths drawn at the same scale, labelled with their values and ``units``.

    Any number of countries of the registry can be drawn (the full UN DESA matrix has 232
    destinations): by default only the ``top`` largest corridors are drawn, with the legend
    note "largest K of N corridors shown"; the ``max_arrows`` largest of those get heads and
    the rest are drawn as thin headless arcs in one collection (fast at tens of thousands).
    Only the ``label_top`` largest places (value in + out among the drawn arcs) are named.

    Parameters
    ----------
    flows : pandas.DataFrame
        Long table, one row per (origin, destination) pair; countries are ISO3 codes or any
        name the registry knows (or codes listed in ``points``).
    orig, dest, value : str, default "orig", "dest", "value"
        Columns holding the origin, the destination and the value (finite, >= 0, in
        ``units``).
    measure : {"stock", "flow", "cases", "returns"}, optional
        What ``value`` holds; titles the legend ("Migrant stock", "Flow", "Cases", "Persons
        returned").  May be left out only when the value column is named after it ("stock",
        "flow", "moves", "cases", "returns", ...): the map never calls a stock a flow, nor
        persons returned cases.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; None creates a new figure.
    region : str or tuple of float, default "auto"
        Map extent (see :func:`gms_map`); "auto" chooses it from the drawn places with
        :func:`map_extent` ("gms", "asia", their bounding box, or "world").
    resolution : str, default "l"
        Basemap coastline resolution.
    units : str, default "persons"
        Unit written in the legend.
    top : int or None, default 50
        Draw only the ``top`` largest corridors (ties broken by origin, then destination);
        None draws every corridor.
    max_arrows : int, default 300
        The largest ``max_arrows`` drawn corridors are arrows with heads; the others are
        headless arcs (:attr:`FlowMap.minor_arcs`).
    dashed : str, optional
        Boolean column; True rows are drawn as hollow bands with a dashed outline (e.g. edges
        read from a secondary source).
    dashed_label : str, default "secondary source"
        Legend label of dashed arrows.
    min_width, max_width : float, default 0.6 and 9.0
        Narrowest and widest arc (points), ``0 <= min_width < max_width``.
    curvature : float, default 0.25
        ``rad`` of the ``arc3`` connection.
    spread : float, default 0.8
        Extra curvature (share of ``curvature``) of every second arc reaching the same
        destination within 25 degrees of another; 0 switches it off.
    lane : float, default 0.004
        Sideways offset of both ends of every arc, as a share of the map's width.
    colour_by : {"orig", "dest"}, default "orig"
        Arcs take the house colour (:func:`country_colour`) of their origin or destination.
    label_top : int or None, default 15
        Name only the ``label_top`` places with the largest value in + out among the drawn
        arcs (the others get an unnamed point); None names every place.
    label_size : float, default 8.5
        Font size (points) of the place names.
    node_labels : {"name", "iso3", "capital"}, default "name"
        What a place is called: its display name (e.g. "Hong Kong SAR"), its ISO3 code, or
        its capital.
    points : pandas.DataFrame, optional
        Your own representative points, columns ``iso3`` (or the index), ``lon``, ``lat``
        (decimal degrees) and optionally ``name``; they take precedence over the registry's.
    missing_points : {"drop", "raise"}, default "drop"
        What to do with corridors of a place that has no coordinates (neither in ``points``
        nor in the registry, e.g. Antarctica): "drop" leaves them out, lists them in
        ``FlowMap.dropped`` (``reason`` "no coordinates") and says so in the legend;
        "raise" raises.
    legend_values : sequence of float, optional
        Values shown in the legend; default the 1-2-5 round number at or below the largest
        value, its half and its tenth.
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
        The map, its arcs, widths, scale, legend, labelled places and the rows not drawn.

    Raises
    ------
    InputError
        If a column is missing, ``measure`` is missing (and the value column does not name
        it) or unknown, values are negative or missing, a pair appears twice, the ``dashed``
        column is not boolean, no value is left to draw, a point lies outside the region, a
        country has no coordinates, or a country is unknown.

    Notes
    -----
    Rows with zero value or origin == destination (``reason`` "zero or self") and rows of
    places without coordinates (``reason`` "no coordinates") are not drawn and are returned
    in ``FlowMap.dropped``.  Values below ``min_width / points_per_unit`` are drawn at
    ``min_width`` and get their own legend entry.

    References
    ----------
    Tobler, W. R. (1987). Experiments in migration mapping by computer. *The American
    Cartographer*, 14(2), 155-163.

    Examples
    --------
    Made-up stocks (not real data):

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from mixedmig.plotting import flow_map
    >>> stocks = pd.DataFrame({"orig": ["KHM", "LAO", "MMR"], "dest": ["THA", "THA", "THA"],
    ...                        "stock": [500, 1000, 0]})
    >>> drawing = flow_map(stocks, value="stock", resolution="c", max_width=8.0)
    >>> drawing.measure, drawing.widths.round(1).tolist()
    ('Migrant stock', [8.0, 4.0])
    >>> drawing.reference_values
    [1000.0, 500.0, 100.0]
    >>> drawing.dropped[["orig", "dest"]].values.tolist()
    [['MMR', 'THA']]
    >>> sorted(t.get_text() for t in drawing.ax.texts)
    ['Cambodia', 'Lao PDR', 'Thailand']
    """
    what = "flow_map"
    columns = [orig, dest, value] + ([dashed] if dashed else [])
    require_columns(flows, columns, what)
    measure_title = _measure_title(measure, value, what)
    if not (0 <= min_width < max_width):
        raise InputError(
            f"{what}: need 0 <= min_width < max_width, got {min_width}, {max_width}."
        )
    if colour_by not in ("orig", "dest"):
        raise InputError(f"{what}: colour_by must be 'orig' or 'dest', got {colour_by!r}.")
    if node_labels not in ("name", "iso3", "capital"):
        raise InputError(
            f"{what}: node_labels must be 'name', 'iso3' or 'capital', got {node_labels!r}."
        )
    for option, setting in (("top", top), ("label_top", label_top)):
        if setting is not None and (not isinstance(setting, (int, np.integer))
                                    or isinstance(setting, bool) or setting < 1):
            raise InputError(
                f"{what}: {option} must be a positive integer or None, got {setting!r}."
            )
    if missing_points not in ("drop", "raise"):
        raise InputError(
            f"{what}: missing_points must be 'drop' or 'raise', got {missing_points!r}."
        )
    if not isinstance(max_arrows, (int, np.integer)) or max_arrows < 0:
        raise InputError(f"{what}: max_arrows must be an integer >= 0, got {max_arrows!r}.")
    own_points = _check_points(points, what) if points is not None else None
    table = pd.DataFrame(
        {
            "orig": _resolve(flows[orig], own_points),
            "dest": _resolve(flows[dest], own_points),
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
            f"{what}: more than one row for the pair(s) {pairs[:5]}; aggregate first, e.g. "
            "flows.groupby([orig, dest], as_index=False)[value].sum()."
        )
    drop = (table["value"] == 0) | (table["orig"] == table["dest"])
    dropped = table[drop].assign(reason="zero or self")
    table = table[~drop]
    no_point = _without_point(set(table["orig"]) | set(table["dest"]), own_points)
    if no_point and missing_points == "raise":
        raise InputError(
            f"{what}: no coordinates for {no_point[:10]}: the country registry has no point "
            "for them; pass points=DataFrame(iso3, lon, lat) with your own coordinates, or "
            "missing_points='drop'."
        )
    unplaced = table["orig"].isin(no_point) | table["dest"].isin(no_point)
    dropped = pd.concat([dropped, table[unplaced].assign(reason="no coordinates")],
                        ignore_index=True)
    table = table[~unplaced].sort_values(["value", "orig", "dest"], ascending=[False, True, True])
    n_total = len(table)
    if top is not None:
        table = table.head(int(top))
    if table.empty:
        raise InputError(f"{what}: nothing to draw (all values are zero or self-flows).")
    table = table.reset_index(drop=True)

    places = sorted(set(table["orig"]) | set(table["dest"]))
    where = _points(places, own_points, what)
    coords = {c: (float(where.at[c, "lon"]), float(where.at[c, "lat"])) for c in places}
    if isinstance(region, str) and region == "auto":
        region = map_extent([coords[c][0] for c in places], [coords[c][1] for c in places])
    extent = _extent(region)
    outside = [c for c in places if not _inside(extent, *coords[c])]
    if outside:
        raise InputError(
            f"{what}: the point(s) of {outside[:10]} lie outside the map region {region!r}; "
            "use region='auto', region='world' or a larger extent tuple."
        )
    m = gms_map(ax, region=region, resolution=resolution, figsize=figsize)
    ax = m.ax
    xy = {c: m(*coords[c]) for c in places}
    lane_units = float(lane) * (m.urcrnrx - m.llcrnrx)

    vmax = float(table["value"].max())
    scale = max_width / vmax
    widths = np.maximum(table["value"].to_numpy() * scale, min_width)
    rads = _curvatures(table, xy, curvature, spread)
    arrows: dict[tuple[str, str], FancyArrowPatch] = {}
    minor_paths, minor_widths, minor_colours = [], [], []
    for k, (row, width, rad) in enumerate(zip(table.itertuples(index=False), widths, rads)):
        colour = country_colour(row.orig if colour_by == "orig" else row.dest)
        w = float(width)
        start, end = _lane_ends(xy[row.orig], xy[row.dest], lane_units)
        if k >= max_arrows:
            minor_paths.append(_arc_path(start, end, float(rad)))
            minor_widths.append(w)
            minor_colours.append(matplotlib.colors.to_rgba(colour, 0.5))
            continue
        head_width = max(1.9 * w, w + 3.5)
        # A filled "simple" arrow: the band is exactly w points wide along the arc (its
        # tail_width, mutation_scale=1 so sizes are in points).  Dashed arrows are hollow
        # bands with a dashed outline.
        arrow = FancyArrowPatch(
            posA=start,
            posB=end,
            connectionstyle=f"arc3,rad={float(rad)}",
            arrowstyle=ArrowStyle(
                "simple", tail_width=w, head_width=head_width, head_length=0.75 * head_width
            ),
            mutation_scale=1.0,
            facecolor=(matplotlib.colors.to_rgba(colour, 0.2) if row.dashed
                       else matplotlib.colors.to_rgba(colour, 0.85)),
            edgecolor=colour if row.dashed else "none",
            linewidth=0.9 if row.dashed else 0.0,
            linestyle="--" if row.dashed else "-",
            shrinkA=5,
            shrinkB=7,
            zorder=4 + w / (max_width + 1),
            gid=f"flow-{row.orig}-{row.dest}",
        )
        ax.add_patch(arrow)
        arrows[(row.orig, row.dest)] = arrow
    minor = None
    if minor_paths:
        minor = PathCollection(minor_paths, facecolors="none", edgecolors=minor_colours,
                               linewidths=minor_widths, zorder=3.5, gid="flow-arcs-minor",
                               transform=ax.transData)
        ax.add_collection(minor, autolim=False)

    through = (table.groupby("orig")["value"].sum()
               .add(table.groupby("dest")["value"].sum(), fill_value=0.0))
    ranked = sorted(places, key=lambda c: (-float(through.get(c, 0.0)), c))
    labelled = ranked if label_top is None else ranked[: int(label_top)]
    names = {
        c: (c if node_labels == "iso3"
            else str(where.at[c, "capital"]) if node_labels == "capital"
            else _display_name(c, own_points))
        for c in labelled
    }
    for c in places:
        _mark_capital(ax, *xy[c], names.get(c), fontsize=label_size,
                      gid="place" if c in names else "place-unlabelled")

    floor_value = min_width / scale  # values below this are drawn at min_width
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
    if unplaced.any():
        handles.append(
            Line2D([], [], linestyle="none",
                   label=f"{int(unplaced.sum()):,} corridors of {len(no_point)} places "
                         "without coordinates not drawn")
        )
    if len(table) < n_total:
        handles.append(
            Line2D([], [], linestyle="none",
                   label=f"largest {len(table):,} of {n_total:,} corridors shown")
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
            title=measure_title,
            frameon=True,
            framealpha=0.9,
            handlelength=3.0,
            borderpad=0.8,
            labelspacing=0.9,
        )
        drawn_legend.set_zorder(10)
    if title:
        ax.set_title(title)
    index = pd.MultiIndex.from_frame(table[["orig", "dest"]])
    return FlowMap(
        basemap=m,
        ax=ax,
        arrows=arrows,
        widths=pd.Series(widths, index=index, name="width_pt"),
        points_per_unit=scale,
        reference_values=refs,
        legend=drawn_legend,
        dropped=dropped,
        measure=measure_title,
        n_shown=len(table),
        n_total=n_total,
        labelled=list(labelled),
        minor_arcs=minor,
        curvature=pd.Series(rads, index=index, name="rad"),
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
        Passed to :func:`flow_map` for every panel (e.g. ``measure``, ``region``,
        ``dashed``, ``colour_by``, ``units``, ``legend_values``, ``label_size``).

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
    >>> drawing = flow_map_panels(flows, "period", value="count", measure="cases",
    ...                           max_width=6.0, region="asia", resolution="c")
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
