"""House style: Okabe-Ito palette, rcParams, country colours and shared drawing helpers."""

from __future__ import annotations
from typing import Any, Mapping
import matplotlib
import matplotlib.colors
import pandas as pd
from matplotlib import patheffects
from .. import countries
from ..errors import MixedmigError



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
