"""Proportions with confidence intervals, a check of computed figures against published
ones, and tests for contingency tables.

Everything here works on counts: ``k`` events among ``n`` people (or cases).  Results are
frozen dataclasses so they can be logged and compared; tables are pandas DataFrames.

References
----------
Wilson EB (1927). Probable inference, the law of succession, and statistical inference.
    *Journal of the American Statistical Association* 22: 209-212.
Clopper CJ, Pearson ES (1934). The use of confidence or fiducial limits illustrated in the
    case of the binomial. *Biometrika* 26: 404-413.
Newcombe RG (1998). Interval estimation for the difference between independent
    proportions: comparison of eleven methods. *Statistics in Medicine* 17: 873-890.
Rothman KJ, Greenland S, Lash TL (2008). *Modern Epidemiology*, 3rd ed., ch. 14.
    Lippincott Williams & Wilkins.
Cochran WG (1954). Some methods for strengthening the common chi-square tests.
    *Biometrics* 10: 417-451.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd
from scipy import stats as sps

from .errors import MixedmigError

__all__ = [
    "StatsInputError",
    "PROPORTION_METHODS",
    "ProportionCI",
    "proportion_ci",
    "proportion_ci_table",
    "compare_to_published",
    "ChiSquareResult",
    "chi_square_test",
    "FisherExactResult",
    "fisher_exact_test",
    "RatioResult",
    "rate_ratio",
    "DifferenceResult",
    "risk_difference",
]

PROPORTION_METHODS = ("wilson", "normal", "exact")


class StatsInputError(MixedmigError, ValueError):
    """Bad input to a statistical function: impossible counts, a confidence level outside
    (0, 1), an unknown method or a table of the wrong shape."""


# --------------------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------------------


def _check_level(level) -> float:
    if isinstance(level, bool) or not isinstance(level, numbers.Real):
        raise StatsInputError(f"level must be a number between 0 and 1 (e.g. 0.95), got {level!r}")
    level = float(level)
    if not (0.0 < level < 1.0):
        raise StatsInputError(
            f"level must lie strictly between 0 and 1 (e.g. 0.95 for a 95% interval), got {level}"
        )
    return level


def _check_method(method, allowed=PROPORTION_METHODS) -> str:
    if method not in allowed:
        raise StatsInputError(f"unknown method {method!r}; choose one of {', '.join(allowed)}")
    return method


def _critical_value(level: float) -> float:
    """Two-sided standard-normal quantile z with P(|Z| > z) = 1 - level."""
    return float(sps.norm.isf((1.0 - level) / 2.0))


def _as_count(value, name: str) -> int:
    """An integer-valued, non-negative count as a Python int (481.0 is accepted as 481)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise StatsInputError(f"{name} must be a whole number, got {value!r}")
    if not math.isfinite(value) or value != math.floor(value):
        raise StatsInputError(f"{name} must be a whole number, got {value!r}")
    if value < 0:
        raise StatsInputError(f"{name} must not be negative, got {value!r}")
    return int(value)


def _check_k_n(k, n, k_name: str = "k", n_name: str = "n") -> tuple[int, int]:
    k = _as_count(k, k_name)
    n = _as_count(n, n_name)
    if n == 0:
        raise StatsInputError(f"{n_name} must be at least 1: a proportion of zero people is undefined")
    if k > n:
        raise StatsInputError(
            f"{k_name}={k} is larger than {n_name}={n}; a count of events cannot exceed "
            f"the number of people it is counted among (are k and n swapped?)"
        )
    return k, n


# --------------------------------------------------------------------------------------
# single proportions
# --------------------------------------------------------------------------------------


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

    Raises :class:`StatsInputError` when k or n is not a whole number, k < 0, n = 0,
    k > n, the method is unknown or level is not strictly between 0 and 1.
    """
    method = _check_method(method)
    level = _check_level(level)
    k, n = _check_k_n(k, n)
    est, lo, hi = _proportion_bounds(np.array([k], float), np.array([n], float), method, level)
    return ProportionCI(float(est[0]), float(lo[0]), float(hi[0]), k, n, method, level)


def _count_column(df: pd.DataFrame, column: str) -> np.ndarray:
    if column not in df.columns:
        raise StatsInputError(
            f"column {column!r} not found; the table has columns {list(df.columns)}. "
            f"Pass the right name (e.g. k='events', n='total')."
        )
    series = df[column]
    if not (pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)):
        raise StatsInputError(
            f"column {column!r} must hold numbers (counts), but its dtype is {series.dtype}"
        )
    values = series.to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(values) | (values != np.floor(values)) | (values < 0)
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        raise StatsInputError(
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

    Raises :class:`StatsInputError` naming the first offending row when a count is missing,
    negative, not whole, n = 0 or k > n, and when ``df`` already has a column called
    ``estimate``, ``lower`` or ``upper`` (rename it first: it would be overwritten).
    """
    method = _check_method(method)
    level = _check_level(level)
    if not isinstance(df, pd.DataFrame):
        raise StatsInputError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    clash = [c for c in ("estimate", "lower", "upper") if c in df.columns]
    if clash:
        raise StatsInputError(
            f"df already has column(s) {clash}; rename them before computing intervals"
        )
    k_values = _count_column(df, k)
    n_values = _count_column(df, n)
    for position in np.flatnonzero((n_values == 0) | (k_values > n_values)):
        label = df.index[position]
        if n_values[position] == 0:
            raise StatsInputError(f"row {label!r}: {n}=0, a proportion of zero people is undefined")
        raise StatsInputError(
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


# --------------------------------------------------------------------------------------
# reproducing a published table
# --------------------------------------------------------------------------------------

_PARTS = ("estimate", "lower", "upper")


def _exact_decimal(value: float) -> Fraction:
    """The decimal number a float prints as (its shortest repr), as an exact fraction."""
    return Fraction(repr(float(value)))


def _round_half_up(x: Fraction, decimals: int) -> Fraction:
    """Round half away from zero (the schoolbook rule) to ``decimals`` places."""
    scale = Fraction(10) ** decimals
    magnitude = math.floor(abs(x) * scale + Fraction(1, 2))
    return (magnitude if x >= 0 else -magnitude) / scale


def _round_half_even(x: Fraction, decimals: int) -> Fraction:
    """Round half to even (banker's rounding, Python's ``round``) to ``decimals`` places."""
    return Fraction(round(x, decimals))


def _fmt(x: Fraction | float, decimals: int) -> str:
    return f"{float(x):.{decimals}f}"


def compare_to_published(
    table: pd.DataFrame,
    *,
    decimals: int | str = "decimals",
    published: str = "published_pct",
    published_lower: str = "published_lower_pct",
    published_upper: str = "published_upper_pct",
    computed: str = "computed_pct",
    computed_lower: str = "computed_lower_pct",
    computed_upper: str = "computed_upper_pct",
    k: str = "k",
    n: str = "n",
    method: str = "wilson",
    level: float = 0.95,
) -> pd.DataFrame:
    """Check computed percentages against the ones printed in a publication.

    Input columns (names configurable by the keyword of the same role):

    * ``published_pct`` — the percentage as printed (e.g. 48 for "48%"); may be missing
      in a row that prints only an interval.
    * ``published_lower_pct``, ``published_upper_pct`` — optional printed CI bounds (%).
    * ``decimals`` — the number of decimals printed: a column name, or one int for all rows.
    * the computed side, either ``computed_pct`` (and optionally ``computed_lower_pct``,
      ``computed_upper_pct``), unrounded percentages; or, when ``computed_pct`` is absent,
      counts ``k`` and ``n`` from which the estimate (exactly, as 100·k/n) and the interval
      (``method``, ``level``, see :func:`proportion_ci`) are computed.

    Agreement: a computed value agrees with a printed one when it rounds to it at the
    printed number of decimals.  Because publications differ in how they round ties
    (round half up, as taught in school, or round half to even, as in many programs and
    ISO 80000-1), a value agrees if EITHER rule gives the printed value; the explanation
    says when only one rule does.  Floats are read as the decimal they print as (so
    0.145 is treated as the tie it looks like).

    Output: a copy of ``table`` with these columns added or overwritten:

    * ``computed_pct``, ``computed_lower_pct``, ``computed_upper_pct`` — unrounded computed
      values in percent (NaN when not available);
    * ``estimate_diff_pp``, ``lower_diff_pp``, ``upper_diff_pp`` — computed minus printed,
      in percentage points (NaN where nothing is printed);
    * ``estimate_agrees``, ``lower_agrees``, ``upper_agrees`` — nullable booleans (<NA>
      where nothing is printed);
    * ``agrees`` — True when every printed part agrees, <NA> when the row prints nothing;
    * ``explanation`` — which part disagrees and how, e.g. ``"estimate: computed 22.58
      rounds to 23, printed 22 (+0.58 pp)"``.

    Raises :class:`StatsInputError` when a needed column is missing, a printed value has
    more decimals than ``decimals`` says, or a printed bound has no computed counterpart.
    """
    if not isinstance(table, pd.DataFrame):
        raise StatsInputError(f"table must be a pandas DataFrame, got {type(table).__name__}")
    n_rows = len(table)
    index = table.index

    # decimals per row
    if isinstance(decimals, str):
        decimals_values = _count_column(table, decimals).astype(int)
    elif isinstance(decimals, numbers.Integral) and not isinstance(decimals, bool) and decimals >= 0:
        decimals_values = np.full(n_rows, int(decimals))
    else:
        raise StatsInputError(
            f"decimals must be a column name or a non-negative whole number, got {decimals!r}"
        )

    def optional_float_column(name: str) -> np.ndarray | None:
        if name not in table.columns:
            return None
        series = table[name]
        if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            raise StatsInputError(
                f"column {name!r} must hold numbers (percentages such as 48 or 61.2), "
                f"but its dtype is {series.dtype}; strip '%' signs before comparing"
            )
        return series.to_numpy(dtype=float, na_value=np.nan)

    printed = {
        "estimate": optional_float_column(published),
        "lower": optional_float_column(published_lower),
        "upper": optional_float_column(published_upper),
    }
    if all(v is None for v in printed.values()):
        raise StatsInputError(
            f"no published values: the table needs at least one of the columns "
            f"{published!r}, {published_lower!r}, {published_upper!r}"
        )

    # computed side: explicit percentages, or counts
    exact_estimates: list[Fraction | None] = [None] * n_rows
    if computed in table.columns:
        given = {
            "estimate": optional_float_column(computed),
            "lower": optional_float_column(computed_lower),
            "upper": optional_float_column(computed_upper),
        }
    elif k in table.columns and n in table.columns:
        counts = proportion_ci_table(table[[k, n]], k=k, n=n, method=method, level=level)
        given = {
            "estimate": 100.0 * counts["estimate"].to_numpy(),
            "lower": 100.0 * counts["lower"].to_numpy(),
            "upper": 100.0 * counts["upper"].to_numpy(),
        }
        k_values, n_values = counts[k].to_numpy(), counts[n].to_numpy()
        exact_estimates = [Fraction(100 * int(a), int(b)) for a, b in zip(k_values, n_values)]
    else:
        raise StatsInputError(
            f"nothing to compare with: give computed percentages in column {computed!r} "
            f"or counts in columns {k!r} and {n!r}"
        )
    for part in _PARTS:
        if printed[part] is not None and given[part] is None:
            raise StatsInputError(
                f"the table prints a {part} value but has no computed {part}: add the column "
                f"{ {'estimate': computed, 'lower': computed_lower, 'upper': computed_upper}[part]!r} "
                f"or give counts {k!r} and {n!r}"
            )

    diff = {part: np.full(n_rows, np.nan) for part in _PARTS}
    agrees = {part: [pd.NA] * n_rows for part in _PARTS}
    explanations: list[str] = []
    overall: list = []
    for row in range(n_rows):
        d = int(decimals_values[row])
        problems: list[str] = []
        notes: list[str] = []
        compared = False
        for part in _PARTS:
            if printed[part] is None or not math.isfinite(printed[part][row]):
                continue
            value = given[part][row]
            if not math.isfinite(value):
                problems.append(f"{part}: printed but no computed value")
                agrees[part][row] = False
                compared = True
                continue
            shown = _exact_decimal(printed[part][row])
            if _round_half_even(shown, d) != shown:
                raise StatsInputError(
                    f"row {index[row]!r}: the printed {part} {float(shown)} has more than "
                    f"{d} decimal(s); fix the value or the decimals column"
                )
            exact = exact_estimates[row] if part == "estimate" and exact_estimates[row] is not None \
                else _exact_decimal(value)
            up, even = _round_half_up(exact, d), _round_half_even(exact, d)
            diff[part][row] = float(exact - shown)
            compared = True
            if up == shown or even == shown:
                agrees[part][row] = True
                if up != even:
                    rule = "round-half-up" if up == shown else "round-half-even"
                    notes.append(f"{part} is a tie that matches {rule} only")
            else:
                agrees[part][row] = False
                rounded = up if up == even else None
                rounds_to = _fmt(rounded, d) if rounded is not None \
                    else f"{_fmt(up, d)} or {_fmt(even, d)}"
                problems.append(
                    f"{part}: computed {_fmt(exact, d + 2)} rounds to {rounds_to}, printed "
                    f"{_fmt(shown, d)} ({float(exact - shown):+.{d + 2}f} pp)"
                )
        if not compared:
            overall.append(pd.NA)
            explanations.append("nothing printed to compare")
        elif problems:
            overall.append(False)
            explanations.append("; ".join(problems))
        else:
            overall.append(True)
            text = f"agrees at {d} decimal(s)"
            explanations.append(text + (f" ({'; '.join(notes)})" if notes else ""))

    result = table.copy()
    for part, name in zip(_PARTS, ("computed_pct", "computed_lower_pct", "computed_upper_pct")):
        result[name] = given[part] if given[part] is not None else np.full(n_rows, np.nan)
    for part in _PARTS:
        result[f"{part}_diff_pp"] = diff[part]
    for part in _PARTS:
        result[f"{part}_agrees"] = pd.array(agrees[part], dtype="boolean")
    result["agrees"] = pd.array(overall, dtype="boolean")
    result["explanation"] = explanations
    return result


# --------------------------------------------------------------------------------------
# contingency tables
# --------------------------------------------------------------------------------------


def _count_table(table, name: str = "table") -> tuple[np.ndarray, pd.Index, pd.Index]:
    """A 2-D table of whole non-negative counts as an int64 array, with row/column labels."""
    if isinstance(table, pd.DataFrame):
        rows, cols = table.index, table.columns
        if not all(pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t)
                   for t in table.dtypes):
            raise StatsInputError(f"{name} must hold only numeric counts; dtypes are {list(table.dtypes)}")
        values = table.to_numpy(dtype=float, na_value=np.nan)
    else:
        try:
            values = np.asarray(table, dtype=float)
        except (TypeError, ValueError) as exc:
            raise StatsInputError(f"{name} must be a 2-D table of counts: {exc}") from None
        if values.ndim != 2:
            raise StatsInputError(f"{name} must be 2-D (rows x columns), got {values.ndim} dimension(s)")
        rows, cols = pd.RangeIndex(values.shape[0]), pd.RangeIndex(values.shape[1])
    bad = ~np.isfinite(values) | (values < 0) | (values != np.floor(values))
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise StatsInputError(
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
        raise StatsInputError(f"a chi-square test needs at least a 2 x 2 table, got {observed.shape}")
    row_totals, col_totals = observed.sum(axis=1), observed.sum(axis=0)
    for labels, totals, what in ((rows, row_totals, "row"), (cols, col_totals, "column")):
        empty = np.flatnonzero(totals == 0)
        if empty.size:
            raise StatsInputError(
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
        raise StatsInputError(f"alternative must be 'two-sided', 'less' or 'greater', got {alternative!r}")
    observed, _, _ = _count_table(table_2x2, "table_2x2")
    if observed.shape != (2, 2):
        raise StatsInputError(f"fisher_exact_test needs a 2 x 2 table, got shape {observed.shape}")
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
        raise StatsInputError(f"denominator must be 'persons' or 'person-time', got {denominator!r}")
    if denominator == "persons":
        k1, n1 = _check_k_n(k1, n1, "k1", "n1")
        k2, n2 = _check_k_n(k2, n2, "k2", "n2")
    else:
        k1, k2 = _as_count(k1, "k1"), _as_count(k2, "k2")
        for name, value in (("n1", n1), ("n2", n2)):
            if isinstance(value, bool) or not isinstance(value, numbers.Real) \
                    or not math.isfinite(value) or value <= 0:
                raise StatsInputError(f"{name} (person-time) must be a positive number, got {value!r}")
        n1, n2 = float(n1), float(n2)
    if k1 == 0 or k2 == 0:
        raise StatsInputError(
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
