"""House style: the Okabe & Ito palette, rcParams, country colours and shared drawing helpers.

The palette is the eight-colour set of Okabe & Ito (2008), distinguishable under the common
forms of colour vision deficiency.  Each of the six GMS countries has its own palette colour
(:data:`COUNTRY_COLOURS`); everything else is grey.

References
----------
Okabe, M. & Ito, K. (2008). *Color Universal Design (CUD): How to make figures and
presentations that are friendly to colorblind people.* J*Fly,
https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib
import matplotlib.colors
import pandas as pd
from matplotlib import patheffects

from .. import countries
from ..errors import InputError, MixedmigError
from ..flows.stocks import VARIANTS as _FLOW_VARIANTS

__all__ = [
    "COUNTRY_COLOURS",
    "ESTIMATOR_COLOURS",
    "GREY",
    "PALETTE",
    "PALETTE_NAMES",
    "STYLE",
    "apply_style",
    "country_colour",
    "estimator_colour",
    "style_context",
]


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


#: Names of the :data:`PALETTE` colours, in the same order (Okabe & Ito 2008).
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


#: One colour per flow estimator, the same in every figure (notebook 02 draws the variants of
#: :data:`mixedmig.flows.VARIANTS` in several figures; each keeps its colour even when another
#: variant is left out of a figure).  The short method names of
#: :func:`mixedmig.flows.flows_from_stocks` take the colour of their main variant.
ESTIMATOR_COLOURS: dict[str, str] = {
    **dict(zip(_FLOW_VARIANTS, (
        _OKABE_ITO["blue"],            # demographic, approx. natural change
        _OKABE_ITO["sky blue"],        # demographic, no births/deaths
        _OKABE_ITO["orange"],          # difference, negatives zeroed
        _OKABE_ITO["vermillion"],      # difference, negatives as returns
        _OKABE_ITO["bluish green"],    # rates (Dennett)
    ))),
    "demographic": _OKABE_ITO["blue"],
    "difference": _OKABE_ITO["orange"],
    "rates": _OKABE_ITO["bluish green"],
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
    """Set the house style in ``matplotlib.rcParams`` for the rest of the session.

    The style (:data:`STYLE`) has readable font sizes, no top or right spines, a light grid,
    the Okabe & Ito (2008) colour cycle and a fixed ``svg.hashsalt`` so SVG files are
    reproducible.

    Returns
    -------
    dict
        A copy of the settings applied (:data:`STYLE`).

    See Also
    --------
    style_context : the same settings for a ``with`` block only.

    References
    ----------
    Okabe, M. & Ito, K. (2008). *Color Universal Design (CUD): How to make figures and
    presentations that are friendly to colorblind people.* J*Fly.

    Examples
    --------
    >>> import matplotlib
    >>> from mixedmig.plotting import apply_style
    >>> with matplotlib.rc_context():  # restore the settings afterwards
    ...     settings = apply_style()
    ...     matplotlib.rcParams["axes.spines.top"], settings["svg.hashsalt"]
    (False, 'mixedmig')
    """
    matplotlib.rcParams.update(STYLE)
    return dict(STYLE)


def style_context():
    """Context manager applying the house style inside a ``with`` block only.

    Returns
    -------
    contextlib.AbstractContextManager
        ``matplotlib.rc_context(STYLE)``: the settings of :data:`STYLE` hold inside the block
        and the previous ones are restored after it.

    See Also
    --------
    apply_style : set the style for the rest of the session.

    Examples
    --------
    >>> import matplotlib
    >>> from mixedmig.plotting import style_context
    >>> with style_context():
    ...     matplotlib.rcParams["font.size"]
    10.0
    """
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
    """House colour of a country.

    Parameters
    ----------
    code_or_name : str
        An ISO3, ISO2 or M49 code or any spelling the registry (:mod:`mixedmig.countries`)
        accepts.

    Returns
    -------
    str
        Hex colour: the :data:`COUNTRY_COLOURS` entry of the six GMS countries, :data:`GREY`
        for any other economy or for a label the registry does not know (never raises).

    Examples
    --------
    >>> from mixedmig.plotting import country_colour
    >>> country_colour("THA"), country_colour("Japan"), country_colour("Atlantis")
    ('#0072B2', '#999999', '#999999')
    """
    iso3 = _registry_code(code_or_name)
    return COUNTRY_COLOURS.get(iso3, GREY) if iso3 else GREY


def estimator_colour(name: str) -> str:
    """House colour of a flow estimator, the same in every figure.

    Parameters
    ----------
    name : str
        A variant name of :data:`mixedmig.flows.VARIANTS` (e.g.
        ``"difference, negatives zeroed"``) or a method name of
        :func:`mixedmig.flows.flows_from_stocks` (``"demographic"``, ``"difference"``,
        ``"rates"``).

    Returns
    -------
    str
        Hex colour from :data:`ESTIMATOR_COLOURS` (Okabe & Ito 2008 palette).

    Raises
    ------
    InputError
        If ``name`` is not an estimator the mapping knows.

    Examples
    --------
    >>> from mixedmig import flows
    >>> from mixedmig.plotting import estimator_colour
    >>> estimator_colour(flows.VARIANTS[0]), estimator_colour("rates")
    ('#0072B2', '#009E73')
    """
    try:
        return ESTIMATOR_COLOURS[name]
    except (KeyError, TypeError):
        raise InputError(
            f"unknown flow estimator {name!r}: use one of {sorted(ESTIMATOR_COLOURS)}."
        ) from None


def _display_name(label) -> str:
    iso3 = _registry_code(label)
    return countries.name(iso3) if iso3 else str(label)


def _colour_for(label, position: int, colours: Mapping | None) -> str:
    """Colour from an explicit mapping, else the estimator colour for flow estimators, else
    the country colour for registry codes, else the colour cycle by position."""
    if colours is not None and label in colours:
        return colours[label]
    if isinstance(label, str) and label in ESTIMATOR_COLOURS:
        return ESTIMATOR_COLOURS[label]
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
