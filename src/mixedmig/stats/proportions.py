"""Proportions with confidence intervals."""

from __future__ import annotations
from dataclasses import dataclass
import numpy as np
import pandas as pd
from scipy import stats as sps
from ..errors import InputError
from ._checks import _check_k_n
from ._checks import _check_level
from ._checks import _check_method
from ._checks import _critical_value


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
        lower[has_events] = sps.beta.ppf(tail, k[has_events], n[has_events] - k[has_events] + 1)
        upper[not_all] = sps.beta.isf(tail, k[not_all] + 1, n[not_all] - k[not_all])
    return estimate, lower, upper


@dataclass(frozen=True)
class ProportionCI:
    """A proportion k/n with its confidence interval (all on the 0-1 scale)."""

    estimate: float
    lower: float
    upper: float
    k: int
    n: int
    method: str
    level: float

    @property
    def width(self) -> float:
        """upper - lower."""
        return self.upper - self.lower


def proportion_ci(k, n, method: str = "wilson", level: float = 0.95) -> ProportionCI:
    """Proportion ``k/n`` with a two-sided confidence interval.

    Methods, with z the standard-normal quantile for ``level`` and p = k/n:

    * ``"wilson"`` (score interval; Wilson 1927):
      (k + z²/2)/(n + z²) ± z/(n + z²) · sqrt(k(n-k)/n + z²/4).
      Recommended default: good coverage and never outside [0, 1].
    * ``"normal"`` (Wald): p ± z·sqrt(p(1-p)/n), clipped to [0, 1]; zero width when k = 0
      or k = n, poor coverage for small n or extreme p.
    * ``"exact"`` (Clopper & Pearson 1934): the α/2 quantile of Beta(k, n-k+1) and the
      1-α/2 quantile of Beta(k+1, n-k), with lower = 0 when k = 0 and upper = 1 when k = n.

    Example (Kiss et al. 2015, *Lancet Global Health* 3: e154-61: 478 of 1,015 people in
    post-trafficking services had been threatened, printed as 47%):

    >>> ci = proportion_ci(478, 1015)
    >>> round(100 * ci.estimate)
    47
    >>> round(100 * ci.lower, 1), round(100 * ci.upper, 1)
    (44.0, 50.2)

    Raises :class:`InputError` when k or n is not a whole number, k < 0, n = 0,
    k > n, the method is unknown or level is not strictly between 0 and 1.
    """
    method = _check_method(method)
    level = _check_level(level)
    k, n = _check_k_n(k, n)
    est, lo, hi = _proportion_bounds(np.array([k], float), np.array([n], float), method, level)
    return ProportionCI(float(est[0]), float(lo[0]), float(hi[0]), k, n, method, level)


def _count_column(df: pd.DataFrame, column: str) -> np.ndarray:
    if column not in df.columns:
        raise InputError(
            f"column {column!r} not found; the table has columns {list(df.columns)}. "
            f"Pass the right name (e.g. k='events', n='total')."
        )
    series = df[column]
    if not (pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)):
        raise InputError(
            f"column {column!r} must hold numbers (counts), but its dtype is {series.dtype}"
        )
    values = series.to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(values) | (values != np.floor(values)) | (values < 0)
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"row {df.index[position]!r}, column {column!r}: {series.iloc[position]!r} is not a "
            f"whole, non-negative count (missing values are not allowed either)"
        )
    return values


def proportion_ci_table(
    df: pd.DataFrame,
    k: str = "k",
    n: str = "n",
    method: str = "wilson",
    level: float = 0.95,
) -> pd.DataFrame:
    """Vectorised :func:`proportion_ci`: a copy of ``df`` with float columns ``estimate``,
    ``lower`` and ``upper`` (0-1 scale) added, one interval per row from the count columns
    ``k`` and ``n``. The method and level are stored in ``result.attrs``.

    Raises :class:`InputError` naming the first offending row when a count is missing,
    negative, not whole, n = 0 or k > n, and when ``df`` already has a column called
    ``estimate``, ``lower`` or ``upper`` (rename it first: it would be overwritten).
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
    result.attrs.update({"ci_method": method, "ci_level": level})
    return result
