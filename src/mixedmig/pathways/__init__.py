"""Post-trafficking pathways as an absorbing Markov chain (the *After Trafficking* framework).

Surtees (2013) follows trafficked persons from the Greater Mekong Sub-region after their
exploitation: identified or not, referred or not, assistance accepted or declined, returned
through official channels or on their own, with or without reintegration assistance, and with
an outcome: reintegrated, re-migrated or re-trafficked.  This module writes such a pathway as
an absorbing Markov chain whose every transition probability is an explicit, documented
:class:`Parameter` (a published figure with its citation, or an assumption that says so), and
gives

* exact results from the fundamental matrix ``N = (I - Q)^-1``: expected visits ``N``,
  expected number of steps to absorption ``t = N 1``, its variance ``(2N - I) t - t_sq``
  and the absorption probabilities ``B = N R`` (Kemeny & Snell 1960, ch. 3; Grinstead &
  Snell 1997, ch. 11), where ``Q`` is the transient-to-transient and ``R`` the
  transient-to-absorbing block of the transition matrix: :meth:`PathwayModel.analysis`
  returns an :class:`AbsorptionResult`;
* the derivative of any absorption probability with respect to each parameter,
  ``dB = N dQ B + N dR`` (from ``dN = N dQ N``), checked against central differences
  (:func:`sensitivity`, a DataFrame indexed by parameter);
* a vectorised Monte Carlo simulation of individual case pathways (:func:`simulate_pathways`,
  a :class:`PathwaySimulationResult`), and the staging of the simulated routes for an
  alluvial plot (:func:`stage_pathways`);
* probabilistic sensitivity analysis (:func:`psa`, a :class:`PSAResult`): every parameter
  drawn from a distribution (a Beta posterior from published counts, a labelled range for an
  assumption), the chain solved per draw on Dask, with intervals and rank-correlation drivers;
* scenario comparisons: what a given absolute change in, say, identification does to the
  share of cases that end reintegrated (:func:`scenario_comparison`, a DataFrame indexed by
  quantity).

``sensitivity`` and ``scenario_comparison`` return plain DataFrames: they are closed-form
calculations with nothing to report beyond their table.  The estimators with something to
report (the absorption analysis, the simulation) return ``...Result`` objects.

Keeping rows stochastic.  Each row (the transitions out of one state) may name one branch as
:data:`COMPLEMENT`; its probability is one minus the sum of the explicit branches.  When a
parameter changes (a sensitivity derivative or a scenario) the complement branch of every row
that uses the parameter absorbs the change, e.g. for the binary choice ``identified`` /
``not_identified`` a rise in ``p_identified`` is a fall in ``P(not_identified)``.  A row without
a complement branch must sum to one on its own, and its parameters cannot be varied.

References
----------
Surtees R (2013).
*After Trafficking: Experiences and Challenges in the (Re)integration of Trafficked Persons in the Greater Mekong Sub-region.*
Bangkok: UNIAP / NEXUS Institute.

Kemeny JG, Snell JL (1960; 2nd ed. 1976). *Finite Markov Chains.* Princeton: Van Nostrand
(2nd ed. New York: Springer), ch. 3 (fundamental matrix, Theorems 3.2.4, 3.3.5, 3.3.7).

Grinstead CM, Snell JL (1997). *Introduction to Probability*, 2nd rev. ed. Providence: AMS,
ch. 11.2 (absorbing Markov chains).

U.S. Department of State (2022). *2022 Trafficking in Persons Report: Thailand.*
"""

from __future__ import annotations

from .after_trafficking import (
    AFTER_TRAFFICKING_STATES,
    after_trafficking_distributions,
    after_trafficking_model,
    thailand_2021_services_given_identified,
)
from .chain import (
    COMPLEMENT,
    PARAMETER_KINDS,
    ROW_SUM_TOLERANCE,
    AbsorptionResult,
    Parameter,
    PathwayModel,
)
from .sensitivity import scenario_comparison, sensitivity
from .simulation import PathwaySimulationResult, simulate_pathways
from .staging import stage_pathways
from .uncertainty import (
    DISTRIBUTION_FAMILIES,
    DISTRIBUTION_KINDS,
    ParameterDistribution,
    PSAResult,
    beta_from_counts,
    dirichlet_row,
    psa,
    uniform_range,
)

__all__ = [
    "AFTER_TRAFFICKING_STATES",
    "COMPLEMENT",
    "DISTRIBUTION_FAMILIES",
    "DISTRIBUTION_KINDS",
    "PARAMETER_KINDS",
    "ROW_SUM_TOLERANCE",
    "AbsorptionResult",
    "PSAResult",
    "Parameter",
    "ParameterDistribution",
    "PathwayModel",
    "PathwaySimulationResult",
    "after_trafficking_distributions",
    "after_trafficking_model",
    "beta_from_counts",
    "dirichlet_row",
    "psa",
    "scenario_comparison",
    "sensitivity",
    "simulate_pathways",
    "stage_pathways",
    "thailand_2021_services_given_identified",
    "uniform_range",
]


def __getattr__(name: str):
    # the former constant, now read from data/raw on first use (not at import)
    if name == "THAILAND_2021_SERVICES_GIVEN_IDENTIFIED":
        return thailand_2021_services_given_identified()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
