"""Where countries are drawn: the one source of country names and coordinates for the figures
(private).

:func:`_country_table` is the single switch between the registry of the 15 study economies
(``countries.table()``) and the full ISO 3166 / M49 registry (``countries.table(group="all")``)
once :mod:`mixedmig.countries` provides it; everything in :mod:`mixedmig.plotting` that needs a
country's display name or representative point goes through :func:`_points`.
"""

from __future__ import annotations

import functools

import pandas as pd

from .. import countries
from ..checks import require_columns
from ..errors import InputError, MixedmigError


def _country_table() -> pd.DataFrame:
    """The registry table the figures read: every country the registry knows."""
    return countries.registry()


@functools.lru_cache(maxsize=1)
def _registry_points() -> pd.DataFrame:
    table = _country_table()
    frame = pd.DataFrame(
        {
            "name": table["name"].astype(str).to_numpy(),
            # the representative point: the capital, else the centroid (countries.Country.point)
            "lon": pd.to_numeric(table["point_lon"], errors="coerce").to_numpy(dtype=float),
            "lat": pd.to_numeric(table["point_lat"], errors="coerce").to_numpy(dtype=float),
            "capital": (table["capital"].astype(str).to_numpy() if "capital" in table
                        else table["name"].astype(str).to_numpy()),
        },
        index=pd.Index(table["iso3"].astype(str), name="iso3"),
    )
    return frame[~frame.index.duplicated()]


def _check_points(points: pd.DataFrame, what: str) -> pd.DataFrame:
    """A caller's own coordinates: columns iso3 (or the index), lon, lat, optional name."""
    if not isinstance(points, pd.DataFrame):
        raise InputError(f"{what}: points must be a DataFrame with columns iso3, lon, lat.")
    frame = points.reset_index() if "iso3" not in points.columns else points
    require_columns(frame, ["iso3", "lon", "lat"], f"{what} (points)")
    if frame["iso3"].duplicated().any():
        dup = frame.loc[frame["iso3"].duplicated(), "iso3"].iloc[0]
        raise InputError(f"{what}: points lists {dup!r} twice; give one point per country.")
    lon = pd.to_numeric(frame["lon"], errors="coerce")
    lat = pd.to_numeric(frame["lat"], errors="coerce")
    bad = lon.isna() | lat.isna() | ~lon.between(-180, 180) | ~lat.between(-90, 90)
    if bad.any():
        row = frame.loc[bad].iloc[0]
        raise InputError(
            f"{what}: points row for {row['iso3']!r} has lon={row['lon']!r}, lat={row['lat']!r}; "
            "need decimal degrees, -180 <= lon <= 180 and -90 <= lat <= 90."
        )
    names = frame["name"].astype(str) if "name" in frame else frame["iso3"].astype(str)
    return pd.DataFrame({"name": names.to_numpy(), "lon": lon.to_numpy(dtype=float),
                         "lat": lat.to_numpy(dtype=float), "capital": names.to_numpy()},
                        index=pd.Index(frame["iso3"].astype(str), name="iso3"))


def _resolve(values, points: pd.DataFrame | None) -> list[str]:
    """Codes of the drawn places: a value listed in ``points`` stays as it is; anything else
    goes through the registry (:func:`mixedmig.countries.to_iso3`, which raises for unknown
    names)."""
    lookup: dict = {}
    out = []
    for v in values:
        if v not in lookup:
            if points is not None and v in points.index:
                lookup[v] = v
            else:
                lookup[v] = countries.to_iso3(v)
        out.append(lookup[v])
    return out


def _without_point(codes, points: pd.DataFrame | None) -> list[str]:
    """The codes neither ``points`` nor the registry gives coordinates for."""
    registry = _registry_points()
    return sorted(
        c for c in set(codes)
        if not (points is not None and c in points.index)
        and not (c in registry.index and pd.notna(registry.at[c, "lon"])
                 and pd.notna(registry.at[c, "lat"]))
    )


def _points(codes, points: pd.DataFrame | None, what: str) -> pd.DataFrame:
    """Name, lon, lat and capital of each code, from ``points`` first, then the registry."""
    registry = _registry_points()
    rows = {}
    missing = []
    for c in codes:
        if points is not None and c in points.index:
            rows[c] = points.loc[c]
        elif c in registry.index and pd.notna(registry.at[c, "lon"]):
            rows[c] = registry.loc[c]
        else:
            missing.append(c)
    if missing:
        raise InputError(
            f"{what}: no coordinates for {sorted(missing)}: the country registry has no point "
            "for them; pass points=DataFrame(iso3, lon, lat) with your own coordinates."
        )
    return pd.DataFrame(rows).T.reindex(list(codes))


def _display_name(code, points: pd.DataFrame | None = None) -> str:
    """The name a figure writes for a place: never its capital."""
    if points is not None and code in points.index:
        return str(points.at[code, "name"])
    registry = _registry_points()
    if code in registry.index:
        return str(registry.at[code, "name"])
    try:
        return countries.name(code)
    except MixedmigError:
        return str(code)
