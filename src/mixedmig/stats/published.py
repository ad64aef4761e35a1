"""Reproducing published tables: comparison with printed percentages, consistent counts, implied
sample sizes.

A publication prints rounded percentages (and sometimes their intervals).  These functions check
computed figures against the printed ones allowing for either rounding rule
(:func:`compare_to_published`), find the counts that reproduce a printed percentage
(:func:`consistent_counts`) and the sample size a printed interval implies
(:func:`implied_sample_size`).

References
----------
Kiss, L. et al. (2015). Health of men, women, and children in post-trafficking services in
Cambodia, Thailand, and Vietnam: an observational cross-sectional study. *Lancet Global Health*
3: e154-61.
Brown, L. D., Cai, T. T. & DasGupta, A. (2001). Interval estimation for a binomial proportion.
*Statistical Science* 16(2): 101-133.
ISO 80000-1:2009, Quantities and units, Part 1: General, annex B (rounding of numbers).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from ..errors import InputError, SchemaError
from ..results import Result
from ._checks import _as_count, _check_level, _count_column, _critical_value
from .proportions import proportion_ci_table

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

    Parameters
    ----------
    table : pandas.DataFrame
        One row per printed figure, with the columns named by the other arguments.
    decimals : str or int, default "decimals"
        Number of decimals printed: a column name, or one whole number for all rows.
    published : str, default "published_pct"
        Column of the percentage as printed (e.g. 48 for "48%"); may be missing in a row that
        prints only an interval.
    published_lower, published_upper : str
        Optional columns of printed confidence limits (%).
    computed : str, default "computed_pct"
        Column of unrounded computed percentages; when absent, the counts ``k`` and ``n`` are
        used instead.
    computed_lower, computed_upper : str
        Optional columns of unrounded computed limits (%).
    k, n : str, default "k", "n"
        Count columns (events, people) from which the estimate (exactly, as ``100 k / n``)
        and the interval are computed when ``computed`` is absent.
    method : {"wilson", "normal", "exact"}, default "wilson"
        Interval method for counts (see :func:`~mixedmig.stats.proportion_ci`).
    level : float, default 0.95
        Confidence level for counts.

    Returns
    -------
    pandas.DataFrame
        A copy of ``table`` with these columns added or overwritten:
        ``computed_pct``, ``computed_lower_pct``, ``computed_upper_pct`` (unrounded, %, NaN
        when not available); ``estimate_diff_pp``, ``lower_diff_pp``, ``upper_diff_pp``
        (computed minus printed, percentage points, NaN where nothing is printed);
        ``estimate_agrees``, ``lower_agrees``, ``upper_agrees`` (nullable booleans, <NA>
        where nothing is printed); ``agrees`` (True when every printed part agrees, <NA> when
        the row prints nothing) and ``explanation`` (which part disagrees and how, e.g.
        ``"estimate: computed 22.58 rounds to 23, printed 22 (+0.58 pp)"``).

    Raises
    ------
    SchemaError
        A needed column is missing or not numeric, or a printed part has no computed
        counterpart.
    DataError
        A count is missing, negative or not whole.
    InputError
        A printed value has more decimals than ``decimals`` says, n = 0 or k > n in a row, or
        a bad ``decimals``, method or level.

    Notes
    -----
    A computed value agrees with a printed one when it rounds to it at the printed number of
    decimals.  Publications differ in how they round ties (round half up, as taught in
    school, or round half to even, as in many programs and ISO 80000-1), so a value agrees
    if EITHER rule gives the printed value; the explanation says when only one rule does.
    Floats are read as the decimal they print as (so 0.145 is treated as the tie it looks
    like).

    Examples
    --------
    Kiss et al. (2015) print "222 (22%)" of 983; 222/983 = 22.58% rounds to 23:

    >>> import pandas as pd
    >>> table = pd.DataFrame({"k": [222], "n": [983], "published_pct": [22]})
    >>> out = compare_to_published(table, decimals=0)
    >>> bool(out.loc[0, "agrees"]), out.loc[0, "explanation"]
    (False, 'estimate: computed 22.58 rounds to 23, printed 22 (+0.58 pp)')
    """
    if not isinstance(table, pd.DataFrame):
        raise InputError(f"table must be a pandas DataFrame, got {type(table).__name__}")
    n_rows = len(table)
    index = table.index

    # decimals per row
    if isinstance(decimals, str):
        decimals_values = _count_column(table, decimals).astype(int)
    elif isinstance(decimals, numbers.Integral) and not isinstance(decimals, bool) and decimals >= 0:
        decimals_values = np.full(n_rows, int(decimals))
    else:
        raise InputError(
            f"decimals must be a column name or a non-negative whole number, got {decimals!r}"
        )

    def optional_float_column(name: str) -> np.ndarray | None:
        if name not in table.columns:
            return None
        series = table[name]
        if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            raise SchemaError(
                f"column {name!r} must hold numbers (percentages such as 48 or 61.2), "
                f"but its dtype is {series.dtype}; strip '%' signs before comparing",
                column=name,
            )
        return series.to_numpy(dtype=float, na_value=np.nan)

    printed = {
        "estimate": optional_float_column(published),
        "lower": optional_float_column(published_lower),
        "upper": optional_float_column(published_upper),
    }
    if all(v is None for v in printed.values()):
        raise SchemaError(
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
        raise SchemaError(
            f"nothing to compare with: give computed percentages in column {computed!r} "
            f"or counts in columns {k!r} and {n!r}"
        )
    for part in _PARTS:
        if printed[part] is not None and given[part] is None:
            raise SchemaError(
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
                raise InputError(
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


def _printed(value, decimals, name: str) -> tuple[Fraction, int]:
    if isinstance(decimals, bool) or not isinstance(decimals, numbers.Integral) or decimals < 0:
        raise InputError(f"decimals must be a whole number >= 0, got {decimals!r}")
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise InputError(f"{name} must be a finite number, got {value!r}")
    shown = _exact_decimal(value)
    if round(shown, int(decimals)) != shown:
        raise InputError(f"{name} {float(value)} has more than {decimals} decimal(s)")
    return shown, int(decimals)


def _rounds_to(x: Fraction, shown: Fraction, d: int) -> bool:
    """True when x rounds to ``shown`` at d decimals by round-half-up or round-half-even."""
    return _round_half_up(x, d) == shown or _round_half_even(x, d) == shown


def consistent_counts(published_pct, decimals: int, *, k=None, n=None) -> tuple[int, int | float] | None:
    """The counts that reproduce a printed percentage.

    Parameters
    ----------
    published_pct : float
        The percentage as printed (0-100).
    decimals : int
        Number of decimals printed.
    k : int, optional
        The numerator: find the denominators n >= max(k, 1) that reproduce the percentage.
    n : int, optional
        The denominator: find the numerators k in [0, n] that reproduce the percentage.
        Give exactly one of ``k`` and ``n``.

    Returns
    -------
    tuple of (int, int or float) or None
        ``(lowest, highest)`` inclusive such that ``100 k / n`` rounds to ``published_pct``
        at ``decimals`` decimals by either rounding rule (``highest`` is ``math.inf`` when
        every large enough n works, i.e. a printed 0 with k = 0), or None when no count
        reproduces the printed value.

    Raises
    ------
    InputError
        Both or neither of ``k`` and ``n`` given, a count not whole or negative, n = 0, the
        percentage outside [0, 100] or with more decimals than ``decimals``.

    Notes
    -----
    Both sets are intervals because ``100 k / n`` rises with k and falls with n; the ends of
    ``[(p - h) n / 100, (p + h) n / 100]`` (h half a unit of the last decimal) are checked
    exactly with fractions.

    Examples
    --------
    Kiss et al. 2015: "222 (22%) of 983"; 222/983 = 22.58% rounds to 23, but 222/n rounds to
    22% for n = 987..1032, so the printed 22% fits the full analytic sample of 1,015 (21.87%):

    >>> consistent_counts(22, 0, k=222)
    (987, 1032)

    A hand-worked case: 1 decimal, 33.3% of n = 3 is only k = 1:

    >>> consistent_counts(33.3, 1, n=3)
    (1, 1)
    """
    shown, d = _printed(published_pct, decimals, "published_pct")
    if not 0 <= shown <= 100:
        raise InputError(f"published_pct must lie in [0, 100], got {float(shown)}")
    if (k is None) == (n is None):
        raise InputError("give exactly one of k= (numerator) or n= (denominator)")
    half = Fraction(1, 2) / Fraction(10) ** d
    low_pct, high_pct = max(shown - half, Fraction(0)), shown + half
    if n is not None:
        n = _as_count(n, "n")
        if n == 0:
            raise InputError("n = 0: a percentage of nobody is undefined")
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


@dataclass(frozen=True, eq=False)
class ImpliedSampleSizeResult(Result):
    """Sample size implied by a printed proportion and its two-sided interval.

    Parameters
    ----------
    central : float
        n from the printed values.
    lowest : float
        Smallest n over all values that round to the printed ones.
    highest : float
        Largest n over all values that round to the printed ones.
    level : float
        Confidence level assumed for the printed interval.
    converged : bool
        Always True (closed form).
    iterations : int
        Always 0.
    message : str
        The implied n and its range in one line.
    diagnostics : pandas.DataFrame
        Empty (nothing to report).
    """

    central: float
    lowest: float
    highest: float
    level: float

    def to_frame(self) -> pd.DataFrame:
        """One-row table of the implied sample size.

        Returns
        -------
        pandas.DataFrame
            Columns ``central, lowest, highest, level``.
        """
        return pd.DataFrame([{"central": self.central, "lowest": self.lowest,
                              "highest": self.highest, "level": self.level}])


def implied_sample_size(pct, lower, upper, decimals: int,
                        level: float = 0.95) -> ImpliedSampleSizeResult:
    """What denominator a printed "pct% (lower-upper)" interval corresponds to.

    Parameters
    ----------
    pct : float
        The printed percentage (0-100).
    lower, upper : float
        The printed confidence limits (%), ``0 < lower < pct < upper < 100``.
    decimals : int
        Number of decimals printed.
    level : float, default 0.95
        Confidence level of the printed interval.

    Returns
    -------
    ImpliedSampleSizeResult
        ``central`` (from the printed values), ``lowest`` and ``highest`` (the extremes over
        all values that round to the printed ones), ``level``.

    Raises
    ------
    InputError
        The values are not ordered ``0 < lower < pct < upper < 100``, have more decimals
        than ``decimals``, or the level is not strictly between 0 and 1.

    Notes
    -----
    Under the Wald interval ``p +- z sqrt(p(1-p)/n)``, ``n = z^2 p (1 - p) / h^2`` with
    ``p = pct/100``, ``h = (upper - lower) / 200`` and z the normal quantile for ``level``
    (Brown, Cai & DasGupta 2001).  The extremes let p and both limits move by half a unit of
    the last printed decimal: n is largest for the narrowest interval and the p nearest 50%,
    smallest for the widest interval and the p furthest from 50%.  This is a consistency
    check, not a recomputation: a design-adjusted or non-Wald interval implies another n.

    References
    ----------
    Brown, L. D., Cai, T. T. & DasGupta, A. (2001). Interval estimation for a binomial
    proportion. *Statistical Science* 16(2): 101-133.

    Examples
    --------
    Kiss et al. 2015: depression symptoms 61.2%, 95% CI 58.2-64.2:

    >>> round(implied_sample_size(61.2, 58.2, 64.2, 1).central)
    1014

    Hand-worked: 50% (40-60) at 95% gives n = 1.96^2 x 0.25 / 0.1^2, about 96:

    >>> round(implied_sample_size(50, 40, 60, 0).central, 2)
    96.04
    """
    p, d = _printed(pct, decimals, "pct")
    lo, _ = _printed(lower, decimals, "lower")
    hi, _ = _printed(upper, decimals, "upper")
    if not 0 < lo < p < hi < 100:
        raise InputError(
            f"need 0 < lower < pct < upper < 100, got {float(lo)}, {float(p)}, {float(hi)}"
        )
    level = _check_level(level)
    z = _critical_value(level)
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
    central = n_for(float(p), width)
    lowest = n_for(p_far, width + 2 * half_unit)
    highest = n_for(p_near, width - 2 * half_unit)
    return ImpliedSampleSizeResult(
        central=central, lowest=lowest, highest=highest, level=level,
        message=(f"implied n = {central:.0f} (range {lowest:.0f} to {highest:.0f} over values "
                 f"that round to the printed ones; Wald interval, level {level:g})"),
    )
