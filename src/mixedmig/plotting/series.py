"""Small multiples and corridor time series."""

from __future__ import annotations
import math
from typing import Mapping, Sequence
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator, StrMethodFormatter
from matplotlib.transforms import blended_transform_factory
from .. import countries
from .style import GREY
from ..errors import InputError
from .style import _codes_or_none
from .style import _colour_for
from .style import _display_name
from ._checks import _numeric
from ._checks import _require_columns
from .style import country_colour


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
        raise InputError(f"{what}: ncols must be a positive integer, got {ncols!r}.")
    data = df[[x, y, facet] + ([hue] if hue else [])].copy()
    data[y] = _numeric(data[y], what, allow_missing=True, allow_negative=True)
    if data[x].isna().any() or data[facet].isna().any():
        raise InputError(f"{what}: columns '{x}' and '{facet}' may not have missing values.")
    keys = [facet, x] + ([hue] if hue else [])
    if data.duplicated(keys).any():
        dup = data[data.duplicated(keys, keep=False)][keys].drop_duplicates().head(3)
        raise InputError(
            f"{what}: more than one row per ({', '.join(keys)}), e.g. "
            f"{dup.to_dict('records')}; aggregate or filter first."
        )
    facets = list(order) if order is not None else sorted(data[facet].unique().tolist())
    if not facets:
        raise InputError(f"{what}: the table has no rows to draw.")
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
        raise InputError(f"{what}: give at least one (origin, destination) corridor.")
    pairs = []
    for pair in corridors:
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
            raise InputError(
                f"{what}: corridors must be (origin, destination) pairs, got {pair!r}."
            )
        pairs.append((countries.to_iso3(pair[0]), countries.to_iso3(pair[1])))
    if len(set(pairs)) != len(pairs):
        raise InputError(f"{what}: a corridor is listed twice in {corridors!r}.")
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
