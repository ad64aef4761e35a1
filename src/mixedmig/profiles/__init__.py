"""Profiles: every measure the toolkit holds about one corridor or one country, side by side.

Contents
--------
* :mod:`mixedmig.profiles.corridor` - ``corridor_profile(origin, destination)``: migrant stocks,
  refugees and asylum-seekers, registered migrant workers, identified victims and registered
  trafficking cases, repatriations and recruitment costs for one corridor, each with its unit,
  period and source, never summed across incompatible units.
* :mod:`mixedmig.profiles.country` - ``country_profile(iso3)``: the tables behind the country
  profile notebook (``mixedmig profile ISO3``).

This room sits above every other method room: it reads curated tables through
:mod:`mixedmig.data` and may use any method; no method imports it.
"""

from __future__ import annotations

from .corridor import CorridorProfile, corridor_profile
from .country import CountryProfile, country_profile

__all__ = [
    "CorridorProfile",
    "corridor_profile",
    "CountryProfile",
    "country_profile",
]
