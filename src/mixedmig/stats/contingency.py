"""Contingency tables: chi-square and Fisher tests, rate ratios, risk differences.

References
----------
Cochran, W. G. (1954). Some methods for strengthening the common chi-square tests.
*Biometrics* 10: 417-451.
Fisher, R. A. (1935). *The Design of Experiments*. Oliver & Boyd.
Katz, D., Baptista, J., Azen, S. P. & Pike, M. C. (1978). Obtaining confidence intervals for the
risk ratio in cohort studies. *Biometrics* 34: 469-474.
Newcombe, R. G. (1998). Interval estimation for the difference between independent proportions:
comparison of eleven methods. *Statistics in Medicine* 17: 873-890.
Rothman, K. J., Greenland, S. & Lash, T. L. (2008). *Modern Epidemiology*, 3rd ed., ch. 14.
Lippincott Williams & Wilkins.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError
from ..results import Result, diagnostics_frame
from ._checks import (
    _as_count,
    _check_k_n,
    _check_level,
    _check_method,
    _critical_value,
    _scipy_stats,
)
from .proportions import proportion_ci


def _count_table(table, name: str = "table") -> tuple[np.ndarray, pd.Index, pd.Index]:
    """A 2-D table of whole non-negative counts as an int64 array, with row/column labels."""
    if isinstance(table, pd.DataFrame):
        rows, cols = table.index, table.columns
        if not all(pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t)
                   for t in table.dtypes):
            raise InputError(f"{name} must hold only numeric counts; dtypes are {list(table.dtypes)}")
        values = table.to_numpy(dtype=float, na_value=np.nan)
    else:
        try:
            values = np.asarray(table, dtype=float)
        except (TypeError, ValueError) as exc:
            raise InputError(f"{name} must be a 2-D table of counts: {exc}") from None
        if values.ndim != 2:
            raise InputError(f"{name} must be 2-D (rows x columns), got {values.ndim} dimension(s)")
        rows, cols = pd.RangeIndex(values.shape[0]), pd.RangeIndex(values.shape[1])
    bad = ~np.isfinite(values) | (values < 0) | (values != np.floor(values))
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise InputError(
            f"{name}: cell (row {rows[i]!r}, column {cols[j]!r}) = {values[i, j]!r} is not a "
            f"whole non-negative count"
        )
    return values.astype(np.int64), rows, cols


@dataclass(frozen=True, eq=False)
class ChiSquareResult(Result):
    """Pearson chi-square test of independence in an r x c table.

    Parameters
    ----------
    statistic : float
        The chi-square statistic X^2.
    dof : int
        Degrees of freedom ``(r - 1)(c - 1)``.
    p_value : float
        Upper tail probability of X^2 under chi-square(dof).
    expected : pandas.DataFrame
        Expected counts under independence (row total x column total / grand total),
        labelled like the input table.
    min_expected : float
        The smallest expected count.
    n_expected_below_5 : int
        Number of cells with an expected count below 5.
    any_expected_below_5 : bool
        True when the chi-square approximation is doubtful (Cochran 1954).
    correction : bool
        Whether Yates' continuity correction was applied.
    converged : bool
        Always True (closed form).
    iterations : int
        Always 0.
    message : str
        The test result in one line.
    diagnostics : pandas.DataFrame
        Columns ``check, value, note``; one row ``"expected counts below 5"`` when some
        expected counts are below 5 (the note suggests Fisher's exact test for a 2 x 2
        table), else empty.
    """

    statistic: float
    dof: int
    p_value: float
    expected: pd.DataFrame
    min_expected: float
    n_expected_below_5: int
    any_expected_below_5: bool
    correction: bool

    def to_frame(self) -> pd.DataFrame:
        """One-row table of the test.

        Returns
        -------
        pandas.DataFrame
            Columns ``statistic, dof, p_value, min_expected, n_expected_below_5,
            correction``.
        """
        return pd.DataFrame([{"statistic": self.statistic, "dof": self.dof,
                              "p_value": self.p_value, "min_expected": self.min_expected,
                              "n_expected_below_5": self.n_expected_below_5,
                              "correction": self.correction}])


def chi_square_test(table, *, correction: bool = False) -> ChiSquareResult:
    """Pearson's chi-square test of independence.

    Parameters
    ----------
    table : pandas.DataFrame or array_like
        A 2-D table of whole non-negative counts, at least 2 x 2, with no all-zero row or
        column (those give zero expected counts: drop them first).
    correction : bool, default False
        Apply Yates' continuity correction to a 2 x 2 table (ignored for larger tables).

    Returns
    -------
    ChiSquareResult
        Statistic, degrees of freedom, p-value, expected counts and the small-expected-count
        check.

    Raises
    ------
    InputError
        A cell is not a whole non-negative count, the table is smaller than 2 x 2 or has an
        empty row or column.

    Notes
    -----
    ``X^2 = sum (O - E)^2 / E`` with ``E_ij = (row_i total)(column_j total) / N``, on
    ``(r - 1)(c - 1)`` degrees of freedom.  With ``correction=True`` and one degree of
    freedom, ``|O - E|`` is reduced by 0.5 but never below zero (as
    ``scipy.stats.chi2_contingency`` does).  Expected counts below 5 make the approximation
    doubtful (Cochran 1954).

    References
    ----------
    Cochran, W. G. (1954). Some methods for strengthening the common chi-square tests.
    *Biometrics* 10: 417-451.

    Examples
    --------
    A made-up 2 x 2 table [[10, 20], [20, 10]]: every expected count is 15, so
    ``X^2 = 4 x 25 / 15 = 6.667``:

    >>> result = chi_square_test([[10, 20], [20, 10]])
    >>> round(result.statistic, 3), result.dof, round(result.p_value, 4)
    (6.667, 1, 0.0098)
    """
    observed, rows, cols = _count_table(table)
    if observed.shape[0] < 2 or observed.shape[1] < 2:
        raise InputError(f"a chi-square test needs at least a 2 x 2 table, got {observed.shape}")
    row_totals, col_totals = observed.sum(axis=1), observed.sum(axis=0)
    for labels, totals, what in ((rows, row_totals, "row"), (cols, col_totals, "column")):
        empty = np.flatnonzero(totals == 0)
        if empty.size:
            raise InputError(
                f"{what} {labels[empty[0]]!r} has no counts, so its expected counts are zero; "
                f"drop empty rows and columns before testing"
            )
    grand = observed.sum()
    expected = np.outer(row_totals, col_totals) / grand
    dof = (observed.shape[0] - 1) * (observed.shape[1] - 1)
    deviation = np.abs(observed - expected)
    applied = bool(correction and dof == 1)
    if applied:
        deviation = deviation - np.minimum(0.5, deviation)
    statistic = float(np.sum(deviation**2 / expected))
    p_value = float(_scipy_stats().chi2.sf(statistic, dof))
    n_small = int(np.sum(expected < 5))
    rows_diag = []
    if n_small:
        note = (
            f"{n_small} of {expected.size} expected counts are below 5 (smallest "
            f"{expected.min():.3g}); the chi-square approximation may be poor"
            + ("; use fisher_exact_test for a 2 x 2 table" if expected.shape == (2, 2) else "")
        )
        rows_diag.append(("expected counts below 5", n_small, note))
    return ChiSquareResult(
        statistic=statistic,
        dof=dof,
        p_value=p_value,
        expected=pd.DataFrame(expected, index=rows, columns=cols),
        min_expected=float(expected.min()),
        n_expected_below_5=n_small,
        any_expected_below_5=n_small > 0,
        correction=applied,
        message=(f"chi-square = {statistic:.4g} on {dof} df, p = {p_value:.4g}"
                 + (f"; {n_small} expected count(s) below 5" if n_small else "")),
        diagnostics=diagnostics_frame(rows_diag),
    )


@dataclass(frozen=True, eq=False)
class FisherExactResult(Result):
    """Fisher's exact test of a 2 x 2 table [[a, b], [c, d]].

    Parameters
    ----------
    sample_odds_ratio : float
        ``ad / (bc)`` (inf or nan when b or c is zero).
    p_value : float
        Exact p-value for the chosen alternative.
    alternative : str
        ``"two-sided"``, ``"less"`` or ``"greater"``.
    converged : bool
        Always True (exact computation).
    iterations : int
        Always 0.
    message : str
        The test result in one line.
    diagnostics : pandas.DataFrame
        Empty (nothing to report).
    """

    sample_odds_ratio: float
    p_value: float
    alternative: str

    def to_frame(self) -> pd.DataFrame:
        """One-row table of the test.

        Returns
        -------
        pandas.DataFrame
            Columns ``sample_odds_ratio, p_value, alternative``.
        """
        return pd.DataFrame([{"sample_odds_ratio": self.sample_odds_ratio,
                              "p_value": self.p_value, "alternative": self.alternative}])


def fisher_exact_test(table_2x2, *, alternative: str = "two-sided") -> FisherExactResult:
    """Fisher's exact test of a 2 x 2 table.

    Parameters
    ----------
    table_2x2 : pandas.DataFrame or array_like
        A 2 x 2 table of whole non-negative counts [[a, b], [c, d]].
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
        The alternative hypothesis about the odds ratio.

    Returns
    -------
    FisherExactResult
        Sample odds ratio, p-value and the alternative.

    Raises
    ------
    InputError
        The table is not 2 x 2, a cell is not a whole non-negative count, or the alternative
        is unknown.

    Notes
    -----
    With margins fixed, a (the top-left count) is hypergeometric:
    ``P(a) = C(a+b, a) C(c+d, c) / C(N, a+c)``.  ``"greater"`` sums P over tables with a at
    least as large as observed, ``"less"`` at most as large, ``"two-sided"`` over all tables
    no more probable than the observed one (``scipy.stats.fisher_exact``).  The odds ratio
    reported is the sample one, ``ad / (bc)``.

    References
    ----------
    Fisher, R. A. (1935). *The Design of Experiments*, section 2. Oliver & Boyd.

    Examples
    --------
    Made-up table [[3, 0], [0, 3]]: the observed table is the most extreme of the 20 with these
    margins, so the one-sided p-value is 1/20:

    >>> result = fisher_exact_test([[3, 0], [0, 3]], alternative="greater")
    >>> round(result.p_value, 12), result.sample_odds_ratio
    (0.05, inf)
    """
    if alternative not in ("two-sided", "less", "greater"):
        raise InputError(f"alternative must be 'two-sided', 'less' or 'greater', got {alternative!r}")
    observed, _, _ = _count_table(table_2x2, "table_2x2")
    if observed.shape != (2, 2):
        raise InputError(f"fisher_exact_test needs a 2 x 2 table, got shape {observed.shape}")
    with np.errstate(divide="ignore", invalid="ignore"):
        result = _scipy_stats().fisher_exact(observed, alternative=alternative)
    odds, p_value = float(result.statistic), float(result.pvalue)
    return FisherExactResult(
        odds, p_value, alternative,
        message=f"Fisher exact test ({alternative}): sample odds ratio {odds:.4g}, "
                f"p = {p_value:.4g}",
    )


@dataclass(frozen=True, eq=False)
class RatioResult(Result):
    """Ratio of two proportions (or rates) with a log-normal confidence interval.

    Parameters
    ----------
    estimate : float
        ``(k1/n1) / (k2/n2)``.
    lower, upper : float
        Confidence limits.
    log_se : float
        Standard error of ``ln(estimate)``.
    level : float
        Confidence level.
    denominator : str
        ``"persons"`` (risk or prevalence ratio) or ``"person-time"`` (rate ratio).
    k1 : int
        Events in group 1.
    n1 : float
        People (or person-time) in group 1.
    k2 : int
        Events in group 2.
    n2 : float
        People (or person-time) in group 2.
    converged : bool
        Always True (closed form).
    iterations : int
        Always 0.
    message : str
        The ratio and its interval in one line.
    diagnostics : pandas.DataFrame
        Empty (nothing to report).
    """

    estimate: float
    lower: float
    upper: float
    log_se: float
    level: float
    denominator: str
    k1: int
    n1: float
    k2: int
    n2: float

    def to_frame(self) -> pd.DataFrame:
        """One-row table of the ratio.

        Returns
        -------
        pandas.DataFrame
            Columns ``k1, n1, k2, n2, estimate, lower, upper, log_se, level, denominator``.
        """
        return pd.DataFrame([{"k1": self.k1, "n1": self.n1, "k2": self.k2, "n2": self.n2,
                              "estimate": self.estimate, "lower": self.lower,
                              "upper": self.upper, "log_se": self.log_se,
                              "level": self.level, "denominator": self.denominator}])


def rate_ratio(k1, n1, k2, n2, *, level: float = 0.95,
               denominator: str = "persons") -> RatioResult:
    """Ratio ``(k1/n1) / (k2/n2)`` of two proportions or rates, with a log-normal interval.

    Parameters
    ----------
    k1, k2 : int
        Events in groups 1 and 2 (whole, at least 1).
    n1, n2 : int or float
        People in each group (whole, ``n >= k``) when ``denominator="persons"``; person-time
        (any positive number) when ``denominator="person-time"``.
    level : float, default 0.95
        Confidence level.
    denominator : {"persons", "person-time"}, default "persons"
        Risk or prevalence ratio, or incidence rate ratio.

    Returns
    -------
    RatioResult
        Estimate, limits, ``log_se`` and the inputs.

    Raises
    ------
    InputError
        A count is not whole, k > n, a person-time is not positive, a count is zero (the log
        ratio is then infinite), or a bad level or denominator.

    Notes
    -----
    The interval is ``exp(ln RR +- z SE)`` (Wald on the log scale).  For persons (Katz et al.
    1978): ``SE = sqrt(1/k1 - 1/n1 + 1/k2 - 1/n2)``; for person-time (Rothman, Greenland &
    Lash 2008, ch. 14): ``SE = sqrt(1/k1 + 1/k2)``.

    References
    ----------
    Katz, D., Baptista, J., Azen, S. P. & Pike, M. C. (1978). Obtaining confidence intervals
    for the risk ratio in cohort studies. *Biometrics* 34: 469-474.
    Rothman, K. J., Greenland, S. & Lash, T. L. (2008). *Modern Epidemiology*, 3rd ed.,
    ch. 14.

    Examples
    --------
    Made-up counts 20/100 against 10/100: RR = 2, SE = sqrt(1/20 - 1/100 + 1/10 - 1/100) =
    sqrt(0.13):

    >>> rr = rate_ratio(20, 100, 10, 100)
    >>> rr.estimate, round(rr.log_se ** 2, 10)
    (2.0, 0.13)
    >>> round(rr.lower, 3), round(rr.upper, 3)
    (0.987, 4.054)
    """
    level = _check_level(level)
    if denominator not in ("persons", "person-time"):
        raise InputError(f"denominator must be 'persons' or 'person-time', got {denominator!r}")
    if denominator == "persons":
        k1, n1 = _check_k_n(k1, n1, "k1", "n1")
        k2, n2 = _check_k_n(k2, n2, "k2", "n2")
    else:
        k1, k2 = _as_count(k1, "k1"), _as_count(k2, "k2")
        for name, value in (("n1", n1), ("n2", n2)):
            if isinstance(value, bool) or not isinstance(value, numbers.Real) \
                    or not math.isfinite(value) or value <= 0:
                raise InputError(f"{name} (person-time) must be a positive number, got {value!r}")
        n1, n2 = float(n1), float(n2)
    if k1 == 0 or k2 == 0:
        raise InputError(
            f"k1={k1}, k2={k2}: a ratio with a zero count has an infinite log standard error; "
            f"report risk_difference or an exact method instead"
        )
    estimate = (k1 / n1) / (k2 / n2)
    if denominator == "persons":
        log_se = math.sqrt(max(0.0, 1 / k1 - 1 / n1 + 1 / k2 - 1 / n2))
    else:
        log_se = math.sqrt(1 / k1 + 1 / k2)
    z = _critical_value(level)
    log_estimate = math.log(estimate)
    lower = math.exp(log_estimate - z * log_se)
    upper = math.exp(log_estimate + z * log_se)
    return RatioResult(
        estimate=estimate,
        lower=lower,
        upper=upper,
        log_se=log_se,
        level=level,
        denominator=denominator,
        k1=k1, n1=n1, k2=k2, n2=n2,
        message=(f"ratio {estimate:.4g} ({100 * level:g}% CI {lower:.4g} to {upper:.4g}; "
                 f"denominator {denominator})"),
    )


@dataclass(frozen=True, eq=False)
class DifferenceResult(Result):
    """Difference of two proportions ``k1/n1 - k2/n2`` with a confidence interval.

    Parameters
    ----------
    estimate : float
        ``p1 - p2``.
    lower, upper : float
        Confidence limits.
    level : float
        Confidence level.
    method : str
        ``"wald"`` or ``"newcombe"``.
    k1 : int
        Events in group 1.
    n1 : int
        People in group 1.
    k2 : int
        Events in group 2.
    n2 : int
        People in group 2.
    converged : bool
        Always True (closed form).
    iterations : int
        Always 0.
    message : str
        The difference and its interval in one line.
    diagnostics : pandas.DataFrame
        Empty (nothing to report).
    """

    estimate: float
    lower: float
    upper: float
    level: float
    method: str
    k1: int
    n1: int
    k2: int
    n2: int

    def to_frame(self) -> pd.DataFrame:
        """One-row table of the difference.

        Returns
        -------
        pandas.DataFrame
            Columns ``k1, n1, k2, n2, estimate, lower, upper, level, method``.
        """
        return pd.DataFrame([{"k1": self.k1, "n1": self.n1, "k2": self.k2, "n2": self.n2,
                              "estimate": self.estimate, "lower": self.lower,
                              "upper": self.upper, "level": self.level,
                              "method": self.method}])


def risk_difference(k1, n1, k2, n2, *, level: float = 0.95,
                    method: str = "wald") -> DifferenceResult:
    """Difference ``p1 - p2`` of two independent proportions with a confidence interval.

    Parameters
    ----------
    k1, n1 : int
        Events and people in group 1 (whole, ``0 <= k1 <= n1``, ``n1 >= 1``).
    k2, n2 : int
        Events and people in group 2.
    level : float, default 0.95
        Confidence level.
    method : {"wald", "newcombe"}, default "wald"
        Wald interval, or Newcombe's hybrid score interval.

    Returns
    -------
    DifferenceResult
        Estimate, limits and the inputs.

    Raises
    ------
    InputError
        A count is not whole, k > n, n = 0, or a bad level or method.

    Notes
    -----
    * ``"wald"``: ``(p1 - p2) +- z sqrt(p1(1-p1)/n1 + p2(1-p2)/n2)``.
    * ``"newcombe"`` (hybrid score, method 10 of Newcombe 1998), from the Wilson intervals
      (l1, u1), (l2, u2): ``lower = d - sqrt((p1-l1)^2 + (u2-p2)^2)``,
      ``upper = d + sqrt((u1-p1)^2 + (p2-l2)^2)``.  Better coverage in small samples and
      never outside [-1, 1].

    References
    ----------
    Newcombe, R. G. (1998). Interval estimation for the difference between independent
    proportions: comparison of eleven methods. *Statistics in Medicine* 17: 873-890.

    Examples
    --------
    Made-up counts 50/100 against 30/100: d = 0.2, Wald SE = sqrt(0.25/100 + 0.21/100):

    >>> rd = risk_difference(50, 100, 30, 100)
    >>> round(rd.estimate, 10), round(rd.lower, 4), round(rd.upper, 4)
    (0.2, 0.0671, 0.3329)
    """
    level = _check_level(level)
    method = _check_method(method, ("wald", "newcombe"))
    k1, n1 = _check_k_n(k1, n1, "k1", "n1")
    k2, n2 = _check_k_n(k2, n2, "k2", "n2")
    p1, p2 = k1 / n1, k2 / n2
    d = p1 - p2
    if method == "wald":
        half = _critical_value(level) * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
        lower, upper = d - half, d + half
    else:
        ci1 = proportion_ci(k1, n1, "wilson", level)
        ci2 = proportion_ci(k2, n2, "wilson", level)
        lower = d - math.sqrt((p1 - ci1.lower) ** 2 + (ci2.upper - p2) ** 2)
        upper = d + math.sqrt((ci1.upper - p1) ** 2 + (p2 - ci2.lower) ** 2)
    return DifferenceResult(
        d, lower, upper, level, method, k1, n1, k2, n2,
        message=(f"difference {d:.4g} ({100 * level:g}% {method} CI {lower:.4g} to "
                 f"{upper:.4g})"),
    )
