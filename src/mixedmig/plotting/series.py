"""Small multiples, corridor time series and a corridor profile's measures over time.

One small panel per country or corridor, same axes layout, so series are compared at a glance
(Tufte 1983).  Missing values break the lines and are marked on the x axis, never
interpolated.  :func:`corridor_profile_panels` draws every measure of one corridor profile
(:func:`mixedmig.profiles.corridor_profile`) over time, one panel per unit, so that a stock, a
flow and a count of cases never share an axis.

References
----------
Tufte, E. R. (1983). *The Visual Display of Quantitative Information*. Cheshire, CT:
Graphics Press.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import NullLocator, StrMethodFormatter
from matplotlib.transforms import blended_transform_factory

from .. import countries
from ..checks import require_columns
from ..errors import InputError
from ._checks import _numeric
from .style import GREY, _codes_or_none, _colour_for, _display_name, country_colour

__all__ = ["corridor_profile_panels", "corridor_timeseries", "data_year_ticks", "small_multiples",
           "year_ticks"]


def year_ticks(years, max_ticks: int = 8) -> list[int]:
    """The data years to put ticks on: never a year without data.

    Every year is kept when they fit; otherwise the years are added level by level -- the
    first and the last year, then the years divisible by 10, then by 5, then the others --
    a level only when all its years fit within ``max_ticks``, and never a year closer than
    ``0.9 x (last - first) / max_ticks`` to one already chosen, so the ticks stay evenly
    spaced.

    Parameters
    ----------
    years : iterable of int
        The years the data hold (repeats and order do not matter).
    max_ticks : int, default 8
        Most ticks to put on the axis (>= 2).

    Returns
    -------
    list of int
        The chosen years, ascending.

    Raises
    ------
    InputError
        If no year is given, a year is not a whole number, or ``max_ticks`` < 2.

    Examples
    --------
    UN DESA 2024 edition years, and annual years 1990-2024:

    >>> from mixedmig.plotting import year_ticks
    >>> year_ticks([1990, 1995, 2000, 2005, 2010, 2015, 2020, 2024])
    [1990, 1995, 2000, 2005, 2010, 2015, 2020, 2024]
    >>> year_ticks(range(1990, 2025))
    [1990, 1995, 2000, 2005, 2010, 2015, 2020, 2024]
    >>> year_ticks([1990, 1995, 2000, 2005, 2010, 2015, 2020, 2024], max_ticks=6)
    [1990, 2000, 2010, 2024]
    """
    if isinstance(max_ticks, bool) or not isinstance(max_ticks, (int, np.integer)) \
            or max_ticks < 2:
        raise InputError(f"year_ticks: max_ticks must be an integer >= 2, got {max_ticks!r}.")
    values = []
    for y in years:
        try:
            f = float(y)
        except (TypeError, ValueError):
            raise InputError(f"year_ticks: years must be whole numbers, got {y!r}.") from None
        if not (math.isfinite(f) and f.is_integer()):
            raise InputError(f"year_ticks: years must be whole numbers, got {y!r}.")
        values.append(int(f))
    unique = sorted(set(values))
    if not unique:
        raise InputError("year_ticks: no year given.")
    first, last = unique[0], unique[-1]
    min_gap = 0.9 * (last - first) / max_ticks
    gaps_ok = all(b - a >= min_gap for a, b in zip(unique, unique[1:]))
    if len(unique) <= max_ticks and gaps_ok:
        return unique
    chosen: list[int] = []
    levels = ([first, last], [y for y in unique if y % 10 == 0],
              [y for y in unique if y % 5 == 0], unique)
    for level in levels:
        batch: list[int] = []
        for y in level:
            if y in chosen or y in batch or any(abs(y - c) < min_gap for c in chosen + batch):
                continue
            batch.append(y)
        if len(chosen) + len(batch) > max_ticks:
            break
        chosen += batch
    return sorted(chosen)


def data_year_ticks(ax, years, max_ticks: int = 8) -> list[int]:
    """Put an axis' x ticks on the years present in the data.

    Ticks go on the years chosen by :func:`year_ticks` (labelled as plain years, no
    thousands separator), so a UN DESA series gets 1990, 1995, ..., 2020, 2024 and never a
    year without data such as 1992 or 2008.  Minor ticks are removed.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes whose x axis holds years.
    years : iterable of int
        The years the data hold.
    max_ticks : int, default 8
        Most ticks (see :func:`year_ticks`).

    Returns
    -------
    list of int
        The tick positions set.

    Raises
    ------
    InputError
        As :func:`year_ticks`.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from mixedmig.plotting import data_year_ticks
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([2008, 2009, 2010, 2011, 2012], [235, 155, 145, 195, 195])  # UNIAP, Lao PDR
    >>> data_year_ticks(ax, [2008, 2009, 2010, 2011, 2012])
    [2008, 2009, 2010, 2011, 2012]
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['2008', '2009', '2010', '2011', '2012']
    """
    ticks = year_ticks(years, max_ticks=max_ticks)
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.xaxis.set_minor_locator(NullLocator())
    return ticks


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
    max_ticks: int = 7,
):
    """Small multiples: one panel per value of ``facet``, ``y`` against ``x``.

    Every line is laid on all the ``x`` values that its series (the whole table, or one
    ``hue`` value) has in any panel: an ``x`` with a missing ``y`` (NaN, or no row) breaks the
    line and is marked with a grey cross on the panel's x-axis (collection gid
    ``"missing-values"``), explained in a figure legend.  A facet in ``order`` without any row
    gets an empty panel saying "no data".

    Parameters
    ----------
    df : pandas.DataFrame
        Long table, at most one row per (facet, x[, hue]).
    x, y : str
        Columns of the horizontal (e.g. year; no missing values) and vertical values
        (numbers; may be negative or missing).
    facet : str
        Column whose values get one panel each (no missing values).
    ncols : int, default 3
        Panels per row.
    sharey : bool, default False
        All panels share one y range covering every panel's data.
    hue : str, optional
        Column drawn as one line per value in each panel (e.g. one per data edition, so
        editions never join), with a figure legend.
    order : sequence, optional
        Facets in panel order (default sorted); facets without rows get a "no data" panel.
    facet_labels : mapping, optional
        Panel titles; default the country name for registry codes, else the value.
    colours : mapping, optional
        Line colour per facet (without ``hue``) or per hue value.
    xlabel, ylabel : str, optional
        Axis labels (bottom row, left column).
    title : str, optional
        Figure title.
    missing_label : str, default "no figure published"
        Legend label of the missing-value marks.
    panel_size : tuple of float, default (3.2, 2.4)
        Size (inches) of one panel.
    max_ticks : int, default 7
        Most x ticks per panel.  Integer ``x`` (years) get their ticks on the values present
        in the table (:func:`data_year_ticks`), never on years without data.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, with exactly one Axes per facet, in ``order``.

    Raises
    ------
    InputError
        If a column is missing, ``ncols`` is not a positive integer, ``y`` holds non-numbers
        or infinities, ``x`` or ``facet`` has missing values, a (facet, x[, hue]) appears
        twice or there is nothing to draw.

    Notes
    -----
    The y-axis starts at 0 only when every ``y`` in the table is non-negative; a panel whose
    y range crosses 0 gets a thin grey zero line (gid ``"zero-line"``).

    References
    ----------
    Tufte, E. R. (1983). *The Visual Display of Quantitative Information*. Graphics Press.

    Examples
    --------
    Made-up counts (not real data); Laos has no value for 2010:

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from mixedmig.plotting import small_multiples
    >>> counts = pd.DataFrame({"country": ["KHM", "KHM", "LAO", "LAO"],
    ...                        "year": [2009, 2010, 2009, 2010],
    ...                        "victims": [10.0, 12.0, 5.0, None]})
    >>> fig = small_multiples(counts, x="year", y="victims", facet="country", ncols=2)
    >>> [ax.get_title() for ax in fig.axes]
    ['Cambodia', 'Lao PDR']
    >>> [c.get_gid() for c in fig.axes[1].collections]
    ['missing-values']
    """
    import matplotlib.pyplot as plt

    what = "small_multiples"
    require_columns(df, [x, y, facet] + ([hue] if hue else []), what)
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
    all_x = sorted(data[x].unique().tolist()) if integer_x else []
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
            data_year_ticks(ax, all_x, max_ticks=max_ticks)
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
    max_ticks: int = 7,
):
    """Small multiples of the time series of chosen corridors (origin, destination).

    One panel per corridor in the given order, titled "Origin → Destination" and coloured by
    the origin's house colour (or one line per ``hue`` value).  A corridor without rows gets
    a "no data" panel; rows naming economies outside the registry (e.g. a "World" total) are
    never chosen.

    Parameters
    ----------
    long_df : pandas.DataFrame
        Long table of flows or stocks: origin, destination, time and value columns.
    corridors : sequence of (str, str)
        The (origin, destination) pairs to draw, each once; any code or name the registry
        accepts.
    orig, dest, time, value : str, default "orig", "dest", "year", "value"
        Column names.
    hue : str, optional
        Column drawn as one line per value (e.g. data edition).
    ncols : int, default 3
        Panels per row.
    sharey : bool, default False
        All panels share one y range.
    units : str, default "persons"
        y-axis label.
    title : str, optional
        Figure title.
    max_ticks : int, default 7
        Most x ticks per panel, on the data years (see :func:`data_year_ticks`).

    Returns
    -------
    matplotlib.figure.Figure
        The figure, one Axes per corridor (see :func:`small_multiples`).

    Raises
    ------
    InputError
        If a column is missing, no corridor is given, a corridor is not a pair or is listed
        twice, or a corridor names an unknown country.

    Examples
    --------
    Made-up stocks (not real data):

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from mixedmig.plotting import corridor_timeseries
    >>> stocks = pd.DataFrame({"orig": ["MMR", "MMR", "KHM"], "dest": ["THA", "THA", "THA"],
    ...                        "year": [2010, 2015, 2015], "value": [100, 150, 80]})
    >>> fig = corridor_timeseries(stocks, [("MMR", "THA"), ("KHM", "THA")], ncols=2)
    >>> [ax.get_title() for ax in fig.axes]
    ['Myanmar → Thailand', 'Cambodia → Thailand']
    """
    what = "corridor_timeseries"
    require_columns(long_df, [orig, dest, time, value] + ([hue] if hue else []), what)
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
        max_ticks=max_ticks,
    )


# Families of a corridor profile published as regular series (one figure per year): drawn as
# lines. Every other figure is a point of its own period, drawn as a marker only; CTDC
# registrations too (years absent from the extract are unknown, not zero).
_SERIES_FAMILIES = frozenset({
    "migrant stock (UN DESA)", "refugees (UNHCR)", "asylum-seekers (UNHCR)",
    "identified victims reported by the origin (UNIAP)",
    "identified victims reported by the destination (UNIAP)",
})
# Of those, the families published every year: a year missing between two of their figures
# breaks the line (it is unknown, not a figure to interpolate). UN DESA publishes every five
# years (then the edition's last year), so its line joins its own years.
_ANNUAL_FAMILIES = frozenset({
    "refugees (UNHCR)", "asylum-seekers (UNHCR)",
    "identified victims reported by the origin (UNIAP)",
    "identified victims reported by the destination (UNIAP)",
})
_DEPORTED = "migrants deported or pushed back"
_UNDESA = "migrant stock (UN DESA)"


def _broken_line(years, values, *, annual: bool, log: bool):
    """The x and y of one series with a NaN wherever the line must break: at a zero on a log
    axis (no place for it) and, for an annual series, at every year missing between two
    figures. Matplotlib draws no segment to or from a NaN, and no marker at it."""
    xs = [int(y) for y in years]
    ys = [float(v) if not (log and v <= 0) else np.nan for v in values]
    if annual:
        present = dict(zip(xs, ys))
        xs = list(range(min(xs), max(xs) + 1)) if xs else []
        ys = [present.get(x, np.nan) for x in xs]
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    drawn = np.flatnonzero(np.isfinite(ys))
    if len(drawn):  # no NaN before the first or after the last point drawn
        xs, ys = xs[drawn[0]:drawn[-1] + 1], ys[drawn[0]:drawn[-1] + 1]
    return xs, ys


def _panel_key(row) -> str:
    """The panel of one profile row: its unit; flows of victims apart from deportees."""
    if row["measure"].startswith(_DEPORTED):
        return f"{row['unit']}: {_DEPORTED} (not victims)"
    if row["quantity"] == "flow":  # repatriated, identified or rescued victims
        return f"{row['unit']}: victims"
    return row["unit"]


def _not_drawn(part: pd.DataFrame) -> list[str]:
    """What a panel cannot draw, counted by reason: a figure not published (no value), a
    suppressed one (flag ``[c]``), a figure of unknown or uncertain year. A row without a
    value is counted as not published (or suppressed) whatever its year."""
    missing = part["value"].isna()
    suppressed = missing & part["flag"].eq("[c]")
    undated = ~missing & (part["year"].isna()
                          | part["period"].str.contains("?", regex=False))
    notes = []
    for n, what in ((int((missing & ~suppressed).sum()), "not published"),
                    (int(suppressed.sum()), "suppressed"),
                    (int(undated.sum()), "of unknown or uncertain year")):
        if n:
            notes.append(f"{n} {what}")
    return notes


def corridor_profile_panels(profile, *, ncols: int = 3, width: float = 13.0,
                            panel_height: float = 4.6, flag_implausible: bool = True):
    """Every measure of one corridor profile, one panel per unit, never on a shared axis.

    Draws the rows of sex ``total`` of a :class:`mixedmig.profiles.CorridorProfile` (sexless
    rows too). Each panel holds one unit (``unit`` column), and flows are split further:
    migrants deported or pushed back apart from repatriated, identified or rescued victims.
    Within a panel a line joins the figures of one (family, measure, edition) over the years
    of a regular series (UN DESA stocks, UNHCR refugees and asylum-seekers, UNIAP identified
    victims); every other figure (Thai registration points, CTDC registrations, case tables,
    repatriations, World Bank 2013, recruitment costs) is a marker only. A line never bridges
    a figure that is not drawn: it breaks at a zero on a log axis and, for the annual series
    (UNHCR, UNIAP), at every year missing between two figures.

    Parameters
    ----------
    profile : mixedmig.profiles.CorridorProfile
        The corridor's profile (:func:`mixedmig.profiles.corridor_profile`).
    ncols : int, default 3
        Panels per row; the figure has ``ceil(panels / ncols) * ncols`` axes, the unused ones
        hidden.
    width : float, default 13.0
        Figure width (inches).
    panel_height : float, default 4.6
        Height of one row of panels (inches).
    flag_implausible : bool, default True
        Ring in red the UN DESA stocks of sex total that
        :meth:`mixedmig.profiles.CorridorProfile.implausible_stocks` attributes to an
        edition (default thresholds of the ``"edition_revision"`` rule).

    Returns
    -------
    matplotlib.figure.Figure
        The figure. Its visible axes are the panels, in order of first appearance of their
        unit in the profile; each title is the panel's unit, followed on a second line by the
        figures it does not draw, counted by reason (``"not drawn: 1 not published; 2 of
        unknown or uncertain year"``; also ``suppressed`` and, on a log axis, ``zero(s)``).
        Legends sit under their panel. A profile with no figure gets one panel saying so.

    Raises
    ------
    InputError
        If ``profile`` is not a corridor profile, ``ncols`` is not a positive integer, or
        ``width`` or ``panel_height`` is not a positive number.

    Notes
    -----
    A figure is drawn only when it has a value and a calendar year, and its period is not
    marked uncertain (``"?"``, e.g. ``"2018 [?]"``); the others are counted in the panel title,
    by reason: no value (``not published``; ``suppressed`` when flagged ``[c]``), else no year
    or an uncertain one (``of unknown or uncertain year``).
    A series any of whose markers falls on a marker already drawn in the panel (another
    edition with the same figures, one figure read into two families:
    :meth:`mixedmig.profiles.CorridorProfile.repeated_figures`) is drawn with larger open
    markers (``gid="overlaps"``) and, if joined, a dashed line, so the point beneath stays
    visible. Colours are the Okabe-Ito palette without its yellow; linear axes label values
    with thousands separators.
    A panel whose positive values span more than a factor :math:`10^3`
    (:math:`\\max x / \\min x > 10^3`) gets a log axis, on which zeros have no place: they are
    counted in the title too, and a line breaks there (a NaN in the line's y data, as at a
    missing year of an annual series). On a linear axis a published zero is drawn at 0.
    Linear axes start at 0; a panel in percent runs from 0 to 100.
    Ticks go on the years of the data (:func:`data_year_ticks`). The ringed stocks are the
    outlying edition's figures: editions revise the whole history, and a revision by more
    than a factor 10 for the same year means one edition's figure is not a measurement.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from mixedmig.plotting import corridor_profile_panels
    >>> from mixedmig.profiles import corridor_profile
    >>> fig = corridor_profile_panels(corridor_profile("THA", "MMR"))
    >>> [ax.get_title().split("\\n")[0] for ax in fig.axes if ax.get_visible()]
    ['persons (stock)', 'persons (flow over a period): victims']
    >>> len(fig.axes)  # one row of three, the third hidden
    3
    """
    import textwrap

    import matplotlib.pyplot as plt

    from ..profiles.corridor import CorridorProfile
    from .style import PALETTE, PALETTE_NAMES

    # Okabe-Ito without yellow, which is hard to read on white at marker size
    colours = [c for c, name in zip(PALETTE, PALETTE_NAMES) if name != "yellow"]

    what = "corridor_profile_panels"
    if not isinstance(profile, CorridorProfile):
        raise InputError(f"{what}: profile must be a CorridorProfile (from "
                         f"mixedmig.profiles.corridor_profile), got {type(profile).__name__}.")
    if isinstance(ncols, bool) or not isinstance(ncols, (int, np.integer)) or ncols < 1:
        raise InputError(f"{what}: ncols must be a positive integer, got {ncols!r}.")
    for name, size in (("width", width), ("panel_height", panel_height)):
        if isinstance(size, bool) or not isinstance(size, (int, float, np.number)) \
                or not math.isfinite(size) or size <= 0:
            raise InputError(f"{what}: {name} must be a positive number of inches, "
                             f"got {size!r}.")
    flagged = set()
    if flag_implausible:
        flags = profile.implausible_stocks()
        flags = flags[flags["sex"] == "total"]
        flagged = set(zip(flags["edition"], flags["year"].astype(int)))
    rows = profile.to_frame()
    rows = rows[rows["sex"].isin(["total", ""])]
    keys = rows.apply(_panel_key, axis=1) if len(rows) else pd.Series(dtype=object)
    parts = {key: part for key, part in rows.groupby(keys, sort=False)}
    nrows = max(1, math.ceil(len(parts) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, panel_height * nrows), squeeze=False)
    for ax, (key, part) in zip(axes.flat, parts.items()):
        notes = _not_drawn(part)
        uncertain = part["period"].str.contains("?", regex=False)
        dated = part[part["year"].notna() & part["value"].notna() & ~uncertain]
        positive = dated["value"][dated["value"] > 0]
        log = len(positive) and positive.max() / positive.min() > 1e3
        if log:
            zeros = int((dated["value"] <= 0).sum())
            if zeros:
                notes.append(f"{zeros} zero(s) (no place on a log axis)")
        series = dated.groupby(["family", "measure", "edition"], sort=False)
        i = -1
        points = set()  # (x, y) of the markers already drawn in this panel
        for (family, measure, edition), s in series:
            s = s.sort_values("year")
            if log and not (s["value"] > 0).any():
                continue  # only zeros: counted in the title, nothing to draw
            i += 1
            label = measure if not edition or edition == str(s["year"].iloc[0]) else \
                f"{measure}, {edition}"
            joined = family in _SERIES_FAMILIES
            # a line breaks at a zero on a log axis and at a missing year of an annual series,
            # so it never bridges figures that are not there
            xs, ys = _broken_line(s["year"], s["value"], annual=joined and family in
                                  _ANNUAL_FAMILIES, log=log)
            mine = {(float(x), float(y)) for x, y in zip(xs, ys) if np.isfinite(y)}
            # a marker on a point already drawn (another edition with the same figures, the
            # same figure in two families) is drawn open and larger, its line dashed, so that
            # the one beneath stays visible
            over = bool(mine & points)
            points |= mine
            ax.plot(xs, ys, marker="o", ms=8 if over else 4, mew=1.4 if over else 1.0,
                    mfc="none" if over else None, lw=1.4,
                    ls=("--" if over else "-") if joined else "none",
                    color=colours[i % len(colours)], gid="overlaps" if over else None,
                    label=textwrap.fill(label + (" (open rings: drawn over another)" if over
                                                 else ""), 44))
            if family == _UNDESA:
                bad = s[[(edition, int(y)) in flagged for y in s["year"]]]
                if log:
                    bad = bad[bad["value"] > 0]
                if len(bad):
                    ax.plot(bad["year"].astype(int), bad["value"], "o", ms=10, mfc="none",
                            mec="red", mew=1.5, gid="implausible",
                            label=textwrap.fill(f"flagged implausible (edition {edition})", 44))
        if log:
            ax.set_yscale("log")
            dated = dated[dated["value"] > 0]
        else:
            if key.startswith("percent"):
                ax.set_ylim(0, 100)
            else:
                ax.set_ylim(bottom=0,
                            top=max(1.0, 1.1 * dated["value"].max()) if len(dated) else 1)
            ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))  # no "1e6" offset
        ax.set_title(key + (f"\nnot drawn: {'; '.join(notes)}" if notes else ""), fontsize=8.5)
        ax.tick_params(labelsize=8)
        if len(dated):
            data_year_ticks(ax, sorted(dated["year"].astype(int).unique()), max_ticks=6)
            # below the panel, never over the points
            ax.legend(fontsize=6.5, frameon=False, loc="upper left",
                      bbox_to_anchor=(0.0, -0.12), borderaxespad=0.0)
        else:
            ax.text(0.5, 0.5, "nothing to draw", ha="center", va="center",
                    transform=ax.transAxes, fontsize=8, color="grey")
    if not parts:
        ax = axes.flat[0]
        ax.set_title("no figure on this corridor", fontsize=8.5)
        ax.text(0.5, 0.5, "nothing to draw: see profile.not_available", ha="center",
                va="center", transform=ax.transAxes, fontsize=8, color="grey")
    for ax in list(axes.flat)[max(1, len(parts)):]:
        ax.set_visible(False)
    fig.suptitle(f"{profile.origin_name} -> {profile.destination_name}: every measure on its "
                 f"own unit (sex: total; lines: regular series; markers: points or "
                 f"registrations)", fontsize=10.5)
    fig.tight_layout()
    return fig
