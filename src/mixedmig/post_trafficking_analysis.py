"""Helpers for the post-trafficking notebook: simulated pathways by stage, and what a printed
percentage or confidence interval says about the counts behind it.

* :func:`stage_pathways` - collapse simulated case pathways (:func:`mixedmig.pathways.
  simulate_pathways`) into one row per distinct route through named stages, with the number
  of cases, ready for :func:`mixedmig.plotting.alluvial`.
* :func:`consistent_counts` - every numerator (given the denominator) or every denominator
  (given the numerator) whose percentage rounds to the printed one.  This tells a reader
  which counts a printed "48%" can stand for.
* :func:`implied_sample_size` - the sample size that a printed 95% interval around a printed
  percentage implies under the normal (Wald) approximation, with the range allowed by the
  rounding of the printed bounds.

A printed value ``p`` with ``d`` decimals stands for any x that rounds to it by either of the
two common rules (round half up, round half to even), i.e. x in [p - h, p + h] with
h = 0.5 x 10^-d, the end points included only when a rule sends them to ``p``; the same
convention as :func:`mixedmig.stats.compare_to_published`.

References
----------
Kiss L, Pocock NS, Naisanguansri V, et al. (2015). Health of men, women, and children in
    post-trafficking services in Cambodia, Thailand, and Vietnam: an observational
    cross-sectional study. *Lancet Global Health* 3: e154-61.
Brown LD, Cai TT, DasGupta A (2001). Interval estimation for a binomial proportion.
    *Statistical Science* 16: 101-133 (the Wald interval p +- z sqrt(p(1-p)/n)).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

from .errors import MixedmigError

__all__ = [
    "PostTraffickingInputError",
    "stage_pathways",
    "consistent_counts",
    "ImpliedSampleSize",
    "implied_sample_size",
]


class PostTraffickingInputError(MixedmigError, ValueError):
    """Input the post-trafficking helpers cannot use: unknown states, overlapping stages,
    impossible percentages or counts."""


# --------------------------------------------------------------------------------------
# simulated pathways by stage
# --------------------------------------------------------------------------------------


def stage_pathways(simulation, stages: Mapping[str, Sequence[str]], *, fill: str = "none",
                   labels: Mapping[str, str] | None = None, count: str = "cases") -> pd.DataFrame:
    """One row per distinct route of the simulated cases through ``stages``, with its count.

    ``stages`` maps a stage name to the states that are alternatives at that stage (e.g.
    ``{"identification": ["identified", "not_identified"], ...}``).  A case's value at a stage
    is the one listed state it visited, or ``fill`` if it visited none of them (e.g. a person
    never identified has no referral stage).  A case that visited two states of one stage
    (possible only in a chain with loops) raises :class:`PostTraffickingInputError`: such a
    stage does not describe one step.  ``labels`` renames states for display; ``fill`` may
    equal a label of a stage in which every case visited one of the states.

    Stage columns are ordered categoricals (states in the order given, ``fill`` last), so an
    alluvial plot keeps the model's order; rows are sorted by decreasing count, then by route.
    Needs ``simulation.visits`` (``simulate_pathways(..., record_visits=True)``).
    """
    visits = getattr(simulation, "visits", None)
    states = list(getattr(simulation, "states", ()))
    if visits is None:
        raise PostTraffickingInputError(
            "the simulation has no visit counts; rerun simulate_pathways(..., record_visits=True)"
        )
    if not isinstance(stages, Mapping) or not stages:
        raise PostTraffickingInputError("stages must be a non-empty mapping {stage: [states]}")
    labels = dict(labels or {})
    if count in stages:
        raise PostTraffickingInputError(f"count column {count!r} clashes with a stage name")
    visited = np.asarray(visits) > 0
    columns: dict[str, pd.Categorical] = {}
    for stage, members in stages.items():
        members = list(members)
        if not members or len(set(members)) != len(members):
            raise PostTraffickingInputError(f"stage {stage!r} needs distinct states, got {members}")
        unknown = [s for s in members if s not in states]
        if unknown:
            raise PostTraffickingInputError(
                f"stage {stage!r}: {unknown} are not states of the model; states are {states}"
            )
        block = visited[:, [states.index(s) for s in members]]
        several = np.flatnonzero(block.sum(axis=1) > 1)
        if several.size:
            raise PostTraffickingInputError(
                f"stage {stage!r}: case {int(several[0])} visited more than one of {members}; "
                "a stage must list states that exclude each other"
            )
        names = [labels.get(s, s) for s in members]
        if len(set(names)) != len(names):
            raise PostTraffickingInputError(f"stage {stage!r}: two states share a label in {names}")
        matched = block.any(axis=1)
        if fill in names and not matched.all():
            raise PostTraffickingInputError(
                f"stage {stage!r}: some cases visited none of its states, and their fill {fill!r} "
                "is also the label of one of its states; choose another fill"
            )
        choice = np.where(matched, block.argmax(axis=1), len(members))
        categories = names + ([] if fill in names else [fill])
        columns[stage] = pd.Categorical.from_codes(choice, categories=categories, ordered=True)
    frame = pd.DataFrame(columns)
    table = frame.groupby(list(stages), observed=True).size().rename(count).reset_index()
    codes = [table[s].cat.codes for s in stages]
    table = table.assign(_order=-table[count], **{f"_code{i}": c for i, c in enumerate(codes)})
    table = table.sort_values(["_order"] + [f"_code{i}" for i in range(len(codes))], kind="stable")
    table = table.drop(columns=["_order"] + [f"_code{i}" for i in range(len(codes))])
    for stage in stages:  # drop categories no case took, keep the order of the rest
        table[stage] = table[stage].cat.remove_unused_categories()
    return table.reset_index(drop=True)


# --------------------------------------------------------------------------------------
# counts behind a printed percentage
# --------------------------------------------------------------------------------------


def _printed(value, decimals, name: str) -> tuple[Fraction, int]:
    if isinstance(decimals, bool) or not isinstance(decimals, numbers.Integral) or decimals < 0:
        raise PostTraffickingInputError(f"decimals must be a whole number >= 0, got {decimals!r}")
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise PostTraffickingInputError(f"{name} must be a finite number, got {value!r}")
    shown = Fraction(repr(float(value)))
    if round(shown, int(decimals)) != shown:
        raise PostTraffickingInputError(f"{name} {float(value)} has more than {decimals} decimal(s)")
    return shown, int(decimals)


def _rounds_to(x: Fraction, shown: Fraction, d: int) -> bool:
    """True when x rounds to ``shown`` at d decimals by round-half-up or round-half-even."""
    scale = Fraction(10) ** d
    half_up = math.floor(x * scale + Fraction(1, 2)) / scale  # x >= 0 here
    return half_up == shown or Fraction(round(x, d)) == shown


def _as_count(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise PostTraffickingInputError(f"{name} must be a whole number >= 0, got {value!r}")
    return int(value)


def consistent_counts(published_pct, decimals: int, *, k=None, n=None) -> tuple[int, int | float] | None:
    """The counts that reproduce a printed percentage.

    Give exactly one of ``n`` (denominator: returns the range of numerators k in [0, n]) or
    ``k`` (numerator: returns the range of denominators n >= max(k, 1)) such that 100 k / n
    rounds to ``published_pct`` at ``decimals`` decimals by either rounding rule.  Returns
    ``(lowest, highest)`` inclusive (``highest`` is ``math.inf`` when every large enough n
    works, i.e. a printed 0 with k = 0), or None when no count reproduces the printed value.
    Both sets are intervals because 100 k / n rises with k and falls with n.

    Example (Kiss et al. 2015: "222 (22%) of 983"): 222/983 = 22.58% rounds to 23, but
    222/n rounds to 22% for n = 987..1032, so the printed 22% fits the full analytic sample
    of 1,015 (21.87%):

    >>> consistent_counts(22, 0, k=222)
    (987, 1032)
    """
    shown, d = _printed(published_pct, decimals, "published_pct")
    if not 0 <= shown <= 100:
        raise PostTraffickingInputError(f"published_pct must lie in [0, 100], got {float(shown)}")
    if (k is None) == (n is None):
        raise PostTraffickingInputError("give exactly one of k= (numerator) or n= (denominator)")
    half = Fraction(1, 2) / Fraction(10) ** d
    low_pct, high_pct = max(shown - half, Fraction(0)), shown + half
    if n is not None:
        n = _as_count(n, "n")
        if n == 0:
            raise PostTraffickingInputError("n = 0: a percentage of nobody is undefined")
        first = max(0, math.ceil(low_pct * n / 100))
        last = min(n, math.floor(high_pct * n / 100))
        return _trim(first, last, lambda c: _rounds_to(Fraction(100 * c, n), shown, d))
    k = _as_count(k, "k")
    if k == 0:
        return (1, math.inf) if shown == 0 else None

    def reproduces(denominator: int) -> bool:
        return _rounds_to(Fraction(100 * k, denominator), shown, d)

    first = max(k, math.ceil(100 * k / high_pct))
    if shown == 0:  # 100 k / n falls towards 0, so every large enough n prints as 0
        return (first if reproduces(first) else first + 1, math.inf)
    return _trim(first, math.floor(100 * k / low_pct), reproduces)


def _trim(first: int, last: int, ok) -> tuple[int, int] | None:
    """The sub-interval of [first, last] where ``ok`` holds.  Only the two end points can fail
    (a value exactly half a unit from the printed one that neither rounding rule sends to it),
    so at most two candidates are tried at each end."""
    while first <= last and not ok(first):
        first += 1
    while last >= first and not ok(last):
        last -= 1
    return (first, last) if first <= last else None


# --------------------------------------------------------------------------------------
# sample size implied by a printed interval
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImpliedSampleSize:
    """Sample size n implied by a printed proportion and its two-sided interval under the
    Wald approximation n = z^2 p (1 - p) / h^2 (h: half the interval width, on the 0-1 scale).
    ``central`` uses the printed values; ``lowest`` and ``highest`` are the extremes over all
    values that round to the printed ones (each printed number +- half a unit of its last
    decimal)."""

    central: float
    lowest: float
    highest: float
    level: float


def implied_sample_size(pct, lower, upper, decimals: int, level: float = 0.95) -> ImpliedSampleSize:
    """What denominator a printed "pct% (lower-upper)" interval corresponds to.

    n = z^2 p (1 - p) / h^2 with p = pct/100, h = (upper - lower) / 200 and z the normal
    quantile for ``level`` (the Wald interval p +- z sqrt(p(1-p)/n); Brown, Cai & DasGupta
    2001).  The extremes let p and both bounds move by half a unit of the last printed
    decimal: n is largest for the narrowest interval and the p nearest 50%, smallest for the
    widest interval and the p furthest from 50%.  This is a consistency check, not a
    recomputation: a design-adjusted or non-Wald interval implies a different n.

    Example (Kiss et al. 2015: depression symptoms 61.2%, 95% CI 58.2-64.2):

    >>> round(implied_sample_size(61.2, 58.2, 64.2, 1).central)
    1014
    """
    p, d = _printed(pct, decimals, "pct")
    lo, _ = _printed(lower, decimals, "lower")
    hi, _ = _printed(upper, decimals, "upper")
    if not 0 < lo < p < hi < 100:
        raise PostTraffickingInputError(
            f"need 0 < lower < pct < upper < 100, got {float(lo)}, {float(p)}, {float(hi)}"
        )
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0 < level < 1:
        raise PostTraffickingInputError(f"level must lie strictly between 0 and 1, got {level!r}")
    z = float(sps.norm.ppf(0.5 + level / 2))
    half_unit = 0.5 * 10.0 ** (-d)

    def n_for(p_pct: float, width_pct: float) -> float:
        q = p_pct / 100
        h = width_pct / 200
        return z * z * q * (1 - q) / (h * h)

    width = float(hi - lo)  # at least two units of the last decimal, so width - 2 half-units > 0
    p_values = [float(p) - half_unit, float(p) + half_unit]
    variances = [q / 100 * (1 - q / 100) for q in p_values]
    p_far = p_values[int(np.argmin(variances))]
    p_near = 50.0 if p_values[0] <= 50.0 <= p_values[1] else p_values[int(np.argmax(variances))]
    return ImpliedSampleSize(
        central=n_for(float(p), width),
        lowest=n_for(p_far, width + 2 * half_unit),
        highest=n_for(p_near, width - 2 * half_unit),
        level=float(level),
    )
