"""Offline basemap maps of the GMS and Asia."""

from __future__ import annotations
import copy
import functools
import warnings
from .. import countries
from ..errors import InputError
from .style import _BORDER
from .style import _LAND
from .style import _WATER
from .style import _halo
from .style import _new_axes


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
