"""Contingency tables: chi-square and Fisher tests, rate ratios, risk differences."""

from __future__ import annotations
import math
import numbers
from dataclasses import dataclass
import numpy as np
import pandas as pd
from scipy import stats as sps
from ..errors import InputError
from .published import _as_count
from ._checks import _check_k_n
from ._checks import _check_level
from ._checks import _check_method
from ._checks import _critical_value
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
class ChiSquareResult:
    """Pearson chi-square test of independence in an r x c table.

    ``expected`` holds the expected counts under independence (row total x column total /
    grand total); ``any_expected_below_5`` flags a table for which the chi-square
    approximation is doubtful (Cochran 1954), ``n_expected_below_5`` counts those cells.
    """

    statistic: float
    dof: int
    p_value: float
    expected: pd.DataFrame
    min_expected: float
    n_expected_below_5: int
    any_expected_below_5: bool
    correction: bool
    note: str


def chi_square_test(table, *, correction: bool = False) -> ChiSquareResult:
    """Pearson's chi-square test of independence.

    X² = Σ (O - E)² / E with E_ij = (row_i total)(column_j total) / N, on
    (r - 1)(c - 1) degrees of freedom. With ``correction=True`` and one degree of freedom
    (a 2 x 2 table) Yates' continuity correction is applied: |O - E| is reduced by 0.5, but
    never below zero (as scipy.stats.chi2_contingency does). Other tables ignore it.

    ``table``: a DataFrame or 2-D array of whole non-negative counts, at least 2 x 2, with
    no all-zero row or column (those give zero expected counts: drop them first).
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
    p_value = float(sps.chi2.sf(statistic, dof))
    n_small = int(np.sum(expected < 5))
    note = ""
    if n_small:
        note = (
            f"{n_small} of {expected.size} expected counts are below 5 (smallest "
            f"{expected.min():.3g}); the chi-square approximation may be poor"
            + ("; use fisher_exact_test for a 2 x 2 table" if expected.shape == (2, 2) else "")
        )
    return ChiSquareResult(
        statistic=statistic,
        dof=dof,
        p_value=p_value,
        expected=pd.DataFrame(expected, index=rows, columns=cols),
        min_expected=float(expected.min()),
        n_expected_below_5=n_small,
        any_expected_below_5=n_small > 0,
        correction=applied,
        note=note,
    )


@dataclass(frozen=True)
class FisherExactResult:
    """Fisher's exact test of a 2 x 2 table [[a, b], [c, d]]."""

    sample_odds_ratio: float
    p_value: float
    alternative: str


def fisher_exact_test(table_2x2, *, alternative: str = "two-sided") -> FisherExactResult:
    """Fisher's exact test (Fisher 1935, *The Design of Experiments*, §2) of a 2 x 2 table.

    With margins fixed, a (the top-left count) is hypergeometric:
    P(a) = C(a+b, a) C(c+d, c) / C(N, a+c). ``"greater"`` sums P over tables with a at least
    as large as observed, ``"less"`` at most as large, ``"two-sided"`` over all tables no
    more probable than the observed one (scipy.stats.fisher_exact). The odds ratio reported
    is the sample one, ad / (bc) (inf or nan when b or c is zero).
    """
    if alternative not in ("two-sided", "less", "greater"):
        raise InputError(f"alternative must be 'two-sided', 'less' or 'greater', got {alternative!r}")
    observed, _, _ = _count_table(table_2x2, "table_2x2")
    if observed.shape != (2, 2):
        raise InputError(f"fisher_exact_test needs a 2 x 2 table, got shape {observed.shape}")
    with np.errstate(divide="ignore", invalid="ignore"):
        result = sps.fisher_exact(observed, alternative=alternative)
    return FisherExactResult(float(result.statistic), float(result.pvalue), alternative)


@dataclass(frozen=True)
class RatioResult:
    """Ratio of two proportions (or rates) with a log-normal confidence interval."""

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


def rate_ratio(k1, n1, k2, n2, *, level: float = 0.95, denominator: str = "persons") -> RatioResult:
    """Ratio (k1/n1) / (k2/n2) with the log-normal (Wald on the log scale) interval
    exp(ln RR ± z·SE) of Rothman, Greenland & Lash (2008, *Modern Epidemiology*, ch. 14).

    ``denominator="persons"`` (risk or prevalence ratio; n counts people, k ≤ n):
    SE = sqrt(1/k1 - 1/n1 + 1/k2 - 1/n2).
    ``denominator="person-time"`` (incidence rate ratio; n is person-time, any positive
    number): SE = sqrt(1/k1 + 1/k2).

    Both k1 and k2 must be at least 1: with a zero count the log ratio is infinite.
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
    return RatioResult(
        estimate=estimate,
        lower=math.exp(log_estimate - z * log_se),
        upper=math.exp(log_estimate + z * log_se),
        log_se=log_se,
        level=level,
        denominator=denominator,
        k1=k1, n1=n1, k2=k2, n2=n2,
    )


@dataclass(frozen=True)
class DifferenceResult:
    """Difference of two proportions k1/n1 - k2/n2 with a confidence interval."""

    estimate: float
    lower: float
    upper: float
    level: float
    method: str
    k1: int
    n1: int
    k2: int
    n2: int


def risk_difference(k1, n1, k2, n2, *, level: float = 0.95, method: str = "wald") -> DifferenceResult:
    """Difference p1 - p2 of two independent proportions with a confidence interval.

    * ``"wald"``: (p1 - p2) ± z·sqrt(p1(1-p1)/n1 + p2(1-p2)/n2).
    * ``"newcombe"`` (hybrid score, method 10 of Newcombe 1998, *Statistics in Medicine*
      17: 873-890), from the Wilson intervals (l1, u1), (l2, u2):
      lower = d - sqrt((p1-l1)² + (u2-p2)²), upper = d + sqrt((u1-p1)² + (p2-l2)²).
      Better coverage in small samples and never outside [-1, 1].
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
    return DifferenceResult(d, lower, upper, level, method, k1, n1, k2, n2)
