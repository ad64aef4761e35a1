"""Flow maps: curved arrows scaled to flow size, with a legend in real units."""

from __future__ import annotations
import math
from dataclasses import dataclass, field
from typing import Any, Sequence
import matplotlib
import matplotlib.colors
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import ArrowStyle, FancyArrowPatch
from .. import countries
from ..errors import InputError
from .maps import REGIONS
from .maps import _extent
from .style import _format_value
from .maps import _inside
from .maps import _mark_capital
from ._checks import _numeric
from ._checks import _require_columns
from .style import country_colour
from .maps import gms_map


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
