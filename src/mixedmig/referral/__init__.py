"""Referral mechanisms: actors, referral events, referral and return networks.

Contents
--------
* :class:`Actor` and the actor table (``ACTOR_COLUMNS``): who refers trafficked persons -
  its country (ISO3 of the registry), sector (``SECTORS``) and role (``ROLES``).
* The referral-event schema (``EVENT_COLUMNS``) and :func:`validate_events`.
* :func:`referral_network` (weighted ``DiGraph`` or one-edge-per-event ``MultiDiGraph``) and
  :func:`referral_network_summary`, which applies the measures of :mod:`mixedmig.networks`.
* :func:`cross_sector_share` / :func:`cross_sector_share_from_events`: the share of referrals
  between civil society and government, with a confidence interval.
* :func:`return_network`: the transnational return (repatriation) network from a table of
  published repatriation counts, without silently adding figures of different periods.
* :func:`synthetic_referral_events`: seeded synthetic actors and events for teaching,
  calibrated to the published COMMIT 2017 aggregates (read from
  ``data/raw/commit_referrals.csv``).
* Results follow the result protocol: :class:`ReferralNetworkSummaryResult`,
  :class:`ReturnNetworkResult`, :class:`SyntheticReferralsResult`.

Published anchor (the figures live in ``data/raw/commit_referrals.csv``): in 2017, 1,817
trafficked persons were supported through COMMIT's national and transnational referral
mechanisms, of whom 813 were referred from civil-society organisations to government agencies
or vice versa: 813 / 1,817 = 44.7%.

References
----------
UN-ACT (2018). *Annual Progress Report 2017*. Bangkok: UNDP Bangkok Regional Hub (highlights
published 5 October 2018).
"""

from __future__ import annotations

from .events import (
    ACTOR_COLUMNS,
    CASE_CATEGORIES,
    EVENT_COLUMNS,
    OUTCOMES,
    RELIABILITY_LEVELS,
    REPATRIATION_COLUMNS,
    ROLES,
    SECTORS,
    WEAK_RELIABILITY,
    Actor,
    actors_frame,
    actors_from_frame,
    is_cross_sector,
    validate_actors,
    validate_events,
)
from .network import (
    ReferralNetworkSummaryResult,
    cross_sector_share,
    cross_sector_share_from_events,
    referral_network,
    referral_network_summary,
)
from .returns import ReturnNetworkResult, return_network
from .synthetic import (
    DEFAULT_ACTORS_PER_SECTOR,
    DEFAULT_OTHER_SECTOR_PAIRS,
    SyntheticReferralsResult,
    synthetic_referral_events,
)

__all__ = [
    "ACTOR_COLUMNS",
    "CASE_CATEGORIES",
    "DEFAULT_ACTORS_PER_SECTOR",
    "DEFAULT_OTHER_SECTOR_PAIRS",
    "EVENT_COLUMNS",
    "OUTCOMES",
    "RELIABILITY_LEVELS",
    "REPATRIATION_COLUMNS",
    "ROLES",
    "SECTORS",
    "WEAK_RELIABILITY",
    "Actor",
    "ReferralNetworkSummaryResult",
    "ReturnNetworkResult",
    "SyntheticReferralsResult",
    "actors_frame",
    "actors_from_frame",
    "cross_sector_share",
    "cross_sector_share_from_events",
    "is_cross_sector",
    "referral_network",
    "referral_network_summary",
    "return_network",
    "synthetic_referral_events",
    "validate_actors",
    "validate_events",
]
