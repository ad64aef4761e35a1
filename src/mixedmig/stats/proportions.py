"""Proportions with confidence intervals: Wilson score, Wald (normal) and Clopper-Pearson exact.

References
----------
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
*Journal of the American Statistical Association* 22: 209-212.
Clopper, C. J. & Pearson, E. S. (1934). The use of confidence or fiducial limits illustrated in
the case of the binomial. *Biometrika* 26: 404-413.
Brown, L. D., Cai, T. T. & DasGupta, A. (2001). Interval estimation for a binomial proportion.
*Statistical Science* 16(2): 101-133.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError
from ..results import Result
from ._checks import (
    _check_k_n,
    _check_level,
    _check_method,
    _count_column,
    _critical_value,
    _scipy_stats,
)


def _proportion_bounds(k: np.ndarray, n: np.ndarray, method: str, level: float):
    """Vectorised estimate, lower and upper bound for already validated float arrays."""
    estimate = k / n
    if method == "wilson":
        z = _critical_value(level)
        z2 = z * z
        centre = (k + z2 / 2.0) / (n + z2)
        half_width = z / (n + z2) * np.sqrt(k * (n - k) / n + z2 / 4.0)
        lower = np.where(k == 0, 0.0, np.clip(centre - half_width, 0.0, 1.0))
        upper = np.where(k == n, 1.0, np.clip(centre + half_width, 0.0, 1.0))
    elif method == "normal":
        z = _critical_value(level)
        half_width = z * np.sqrt(estimate * (1.0 - estimate) / n)
        lower = np.clip(estimate - half_width, 0.0, 1.0)
        upper = np.clip(estimate + half_width, 0.0, 1.0)
    else:  # exact (Clopper-Pearson): central interval from beta quantiles
        tail = (1.0 - level) / 2.0
        lower = np.zeros_like(estimate)
        upper = np.ones_like(estimate)
        has_events = k > 0
        not_all = k < n
        lower[has_events] = _scipy_stats().beta.ppf(tail, k[has_events], n[has_events] - k[has_events] + 1)
        upper[not_all] = _scipy_stats().beta.isf(tail, k[not_all] + 1, n[not_all] - k[not_all])
    return estimate, lower, upper

@dataclass(frozen=True, eq=False)
class ProportionCIResult(Result):
    """A proportion k/n with its two-sided confidence interval (all on the 0-1 scale).

    Parameters
    ----------
    estimate : float
        ``k / n``.
    lower, upper : float
        Confidence limits.
    k : int
        Number of events.
    n : int
        Number of people (or cases) the events are counted among.
    method : str
        ``"wilson"``, ``"normal"`` or ``"exact"``.
    level : float
        Confidence level, e.g. 0.95.
    converged : bool
        Always True (closed form).
    iterations : int
        Always 0.
    message : str
        The proportion and its interval in one line.
    diagnostics : pandas.DataFrame
        Empty (nothing to report).
    """

    estimate: float
    lower: float
    upper: float
    k: int
    n: int
    method: str
    level: float

    @property
    def width(self) -> float:
        """Width of the interval, ``upper - lower``."""
        return self.upper - self.lower

    def to_frame(self) -> pd.DataFrame:
        """One-row table of the proportion.

        Returns
        -------
        pandas.DataFrame
            Columns ``k, n, estimate, lower, upper, method, level``.
        """
        return pd.DataFrame([{"k": self.k, "n": self.n, "estimate": self.estimate,
                              "lower": self.lower, "upper": self.upper,
                              "method": self.method, "level": self.level}])


def proportion_ci(k, n, method: str = "wilson", level: float = 0.95) -> ProportionCIResult:
    """Proportion ``k/n`` with a two-sided confidence interval.

    Parameters
    ----------
    k : int
        Number of events (whole, ``0 <= k <= n``; 481.0 is accepted as 481).
    n : int
        Number of people or cases (whole, ``n >= 1``).
    method : {"wilson", "normal", "exact"}, default "wilson"
        Wilson score interval, Wald (normal approximation) or Clopper-Pearson exact interval.
    level : float, default 0.95
        Confidence level, strictly between 0 and 1.

    Returns
    -------
    ProportionCIResult
        ``estimate``, ``lower``, ``upper`` (0-1 scale), ``k``, ``n``, ``method``, ``level``.

    Raises
    ------
    InputError
        k or n is not a whole number, k < 0, n = 0, k > n, the method is unknown or the level
        is not strictly between 0 and 1.

    Notes
    -----
    With z the standard-normal quantile for ``level`` and p = k/n:

    * ``"wilson"`` (score interval; Wilson 1927):
      ``(k + z^2/2)/(n + z^2) +- z/(n + z^2) sqrt(k(n-k)/n + z^2/4)``; lower = 0 when k = 0
      and upper = 1 when k = n.  Recommended default: good coverage, never outside [0, 1]
      (Brown, Cai & DasGupta 2001).
    * ``"normal"`` (Wald): ``p +- z sqrt(p(1-p)/n)``, clipped to [0, 1]; zero width when
      k = 0 or k = n, poor coverage for small n or extreme p.
    * ``"exact"`` (Clopper & Pearson 1934): the alpha/2 quantile of Beta(k, n-k+1) and the
      1-alpha/2 quantile of Beta(k+1, n-k), with lower = 0 when k = 0 and upper = 1 when
      k = n.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. *Journal of the American Statistical Association* 22: 209-212.
    Clopper, C. J. & Pearson, E. S. (1934). The use of confidence or fiducial limits
    illustrated in the case of the binomial. *Biometrika* 26: 404-413.
    Brown, L. D., Cai, T. T. & DasGupta, A. (2001). Interval estimation for a binomial
    proportion. *Statistical Science* 16(2): 101-133.

    Examples
    --------
    Kiss et al. 2015, *Lancet Global Health* 3: e154-61: 478 of 1,015 people in
    post-trafficking services had been threatened, printed as 47%:

    >>> ci = proportion_ci(478, 1015)
    >>> round(100 * ci.estimate)
    47
    >>> round(100 * ci.lower, 1), round(100 * ci.upper, 1)
    (44.0, 50.2)

    A hand-checkable case: k = 0 of n = 10 with the exact interval has upper limit
    ``1 - 0.025 ** (1/10)``:

    >>> ci = proportion_ci(0, 10, method="exact")
    >>> ci.lower, round(ci.upper, 4), round(1 - 0.025 ** 0.1, 4)
    (0.0, 0.3085, 0.3085)
    """
    method = _check_method(method)
    level = _check_level(level)
    k, n = _check_k_n(k, n)
    est, lo, hi = _proportion_bounds(np.array([k], float), np.array([n], float), method, level)
    estimate, lower, upper = float(est[0]), float(lo[0]), float(hi[0])
    return ProportionCIResult(
        estimate, lower, upper, k, n, method, level,
        message=(f"{k}/{n} = {100 * estimate:.1f}% ({100 * level:g}% {method} CI "
                 f"{100 * lower:.1f}% to {100 * upper:.1f}%)"),
    )


def proportion_ci_table(
    df: pd.DataFrame,
    k: str = "k",
    n: str = "n",
    method: str = "wilson",
    level: float = 0.95,
) -> pd.DataFrame:
    """Vectorised :func:`proportion_ci`: one interval per row of a table of counts.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per proportion, with whole non-negative count columns ``k`` and ``n``.
    k : str, default "k"
        Column of events.
    n : str, default "n"
        Column of people (or cases) the events are counted among.
    method : {"wilson", "normal", "exact"}, default "wilson"
        Interval method, see :func:`proportion_ci`.
    level : float, default 0.95
        Confidence level, strictly between 0 and 1.

    Returns
    -------
    pandas.DataFrame
        A copy of ``df`` with float columns ``estimate``, ``lower`` and ``upper`` (0-1
        scale) added.

    Raises
    ------
    SchemaError
        A count column is missing or not numeric.
    DataError
        A count is missing, negative or not whole (the first offending row is named).
    InputError
        n = 0 or k > n in a row, ``df`` already has a column ``estimate``, ``lower`` or
        ``upper`` (rename it first: it would be overwritten), or a bad method or level.

    Notes
    -----
    The formulas are those of :func:`proportion_ci`.

    Examples
    --------
    Two made-up rows:

    >>> import pandas as pd
    >>> table = proportion_ci_table(pd.DataFrame({"k": [0, 5], "n": [10, 10]}))
    >>> table["estimate"].tolist()
    [0.0, 0.5]
    >>> table["lower"].round(4).tolist(), table["upper"].round(4).tolist()
    ([0.0, 0.2366], [0.2775, 0.7634])
    """
    method = _check_method(method)
    level = _check_level(level)
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    clash = [c for c in ("estimate", "lower", "upper") if c in df.columns]
    if clash:
        raise InputError(
            f"df already has column(s) {clash}; rename them before computing intervals"
        )
    k_values = _count_column(df, k)
    n_values = _count_column(df, n)
    for position in np.flatnonzero((n_values == 0) | (k_values > n_values)):
        label = df.index[position]
        if n_values[position] == 0:
            raise InputError(f"row {label!r}: {n}=0, a proportion of zero people is undefined")
        raise InputError(
            f"row {label!r}: {k}={int(k_values[position])} is larger than "
            f"{n}={int(n_values[position])} (are the columns swapped?)"
        )
    est, lo, hi = _proportion_bounds(k_values, n_values, method, level)
    result = df.copy()
    result["estimate"] = est
    result["lower"] = lo
    result["upper"] = hi
    return result
