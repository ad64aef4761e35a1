"""Validation helpers shared inside :mod:`mixedmig.flows`: array coercion, margin-sum checks,
convergence errors and the scaled error of the convergence rule ``|f - t| <= tol * max(1, |t|)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ConvergenceError, DataError, InfeasibleError, InputError

#: Relative tolerance of the data checks "deaths (births) do not exceed the population they
#: come from" in :func:`mixedmig.flows.flows_demographic` (a rounding allowance on published
#: counts; anything within it is clipped, and the clipped tables are re-checked with
#: :func:`_closable_gap` before any fit).
SUM_RTOL = 1e-6

#: Share of the fitting tolerance that a gap between two margin totals may use up.  A fit
#: scales every margin in turn, so once the last margin is met exactly the others are off by
#: the gap, spread in proportion to their entries: entry ``t_i`` of a margin with total ``S``
#: is off by ``t_i * gap / S``, a scaled error of at most ``|gap| / max(1, S)``.  A gap up to
#: ``GAP_SHARE * tol * max(1, S)`` therefore leaves at least half the tolerance to the fit
#: itself; a larger gap could never meet ``|f - t| <= tol * max(1, |t|)`` and is rejected
#: before iterating.
GAP_SHARE = 0.5


def _gap_limit(scale, tol: float):
    """Largest gap between two margin totals a fit to ``tol`` can absorb (see ``GAP_SHARE``)."""
    return GAP_SHARE * tol * np.maximum(1.0, scale)


def _check_fit_options(tol, max_iter) -> tuple[float, int]:
    """Validated ``tol`` (a finite number > 0) and ``max_iter`` (an integer >= 1).

    The one option check of every iterative routine in :mod:`mixedmig.flows`: a string, a
    bool, a negative or zero tolerance or iteration limit raise :class:`InputError` before any
    work, instead of a numpy ``TypeError`` or a fit that silently runs every iteration.
    """
    if (isinstance(tol, (bool, np.bool_)) or not isinstance(tol, (int, float, np.integer,
                                                                   np.floating))
            or not np.isfinite(tol) or tol <= 0):
        raise InputError(f"tol must be a finite number > 0 (e.g. 1e-10), got {tol!r}.")
    if (isinstance(max_iter, (bool, np.bool_))
            or not isinstance(max_iter, (int, np.integer)) or max_iter < 1):
        raise InputError(f"max_iter must be an integer >= 1 (e.g. 1000), got {max_iter!r}.")
    return float(tol), int(max_iter)


def _as_float_array(x, what: str, ndim: int | None = None) -> np.ndarray:
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{what} must be numeric: {exc}") from None
    if ndim is not None and arr.ndim != ndim:
        raise DataError(f"{what} must be {ndim}-dimensional, got shape {arr.shape}.")
    if arr.size == 0:
        return arr
    # fast path: two reductions without n-sized temporaries (min propagates NaN and finds
    # -inf and negatives; a finite sum rules out +inf); the located checks run only on failure
    low = arr.min()
    with np.errstate(over="ignore"):  # a finite array whose sum overflows: see _finite_prior
        total = arr.sum()
    if np.isfinite(low) and low >= 0 and np.isfinite(total):
        return arr
    if not np.isfinite(arr).all():
        raise DataError(f"{what} contains missing or infinite values; fill them first.")
    if (arr < 0).any():
        pos = tuple(int(i) for i in np.argwhere(arr < 0)[0])
        raise DataError(f"{what} contains a negative value ({arr[pos]}) at position {pos}; "
                        f"counts and priors must be non-negative.")
    return arr


def _finite_prior(m: np.ndarray, what: str = "prior") -> np.ndarray:
    """The prior ``m`` itself, or ``m * 2**-e`` when its sum is not finite.

    A prior of finite entries can still overflow when summed (e.g. ``[[1e308] * 2] * 2``),
    and IPF divides by those sums: the fit came back all zero and "did not converge".  The
    fit ``y_ij = a_i b_j m_ij`` does not depend on the scale of ``m`` (``a_i`` absorbs it), so
    such a prior is scaled by the power of two ``2**-e`` that brings its sum to at most
    ``2**1000``; a power of two only changes the exponent of every entry, so the scaled prior
    is exact and the fit is that of the prior as given.  Priors whose sum is finite (every
    other case) are returned unchanged, without a copy.  Raises :class:`InputError` when the
    scaling would turn a positive entry into zero (entries spanning more than about 600
    orders of magnitude): rescale the prior by hand then.
    """
    if m.size == 0:
        return m
    with np.errstate(over="ignore"):
        total = m.sum()
    if np.isfinite(total):
        return m
    biggest = float(m.max())
    e = int(np.frexp(biggest)[1]) + int(np.ceil(np.log2(m.size))) - 1000
    scaled = np.ldexp(m, -e)
    if ((scaled == 0) & (m > 0)).any():
        raise InputError(
            f"{what} entries span too many orders of magnitude (largest {biggest:.6g}, "
            f"smallest positive {float(m[m > 0].min()):.6g}): their sum overflows, and scaling "
            f"the {what} down so that it does not would turn its smallest entries into zero. "
            f"Rescale the {what} (IPF does not depend on its scale) or set negligible entries "
            f"to 0.")
    return scaled


def _labels_of(x):
    if isinstance(x, pd.Series):
        return list(x.index)
    return None


def _check_sums(a: float, b: float, what_a: str, what_b: str, tol: float,
                scale: float | None = None, fitted: str = "", can_rescale: bool = True) -> None:
    """Reject totals ``a`` and ``b`` whose gap a fit to ``tol`` cannot close.

    ``scale`` is the total the fit works on (default the smaller of ``a`` and ``b``; the
    movers' total for quasi-independent fits, named by ``fitted``).
    """
    scale = min(abs(a), abs(b)) if scale is None else scale
    limit = float(_gap_limit(scale, tol))
    if abs(a - b) > limit:
        raise InfeasibleError(
            f"{what_a} sum to {a:.10g} but {what_b} sum to {b:.10g} (gap {a - b:.6g}); a fit "
            f"to tol={tol:g} can close a gap of at most {limit:.3g} (half the tolerance times "
            f"{'the ' + fitted + ' total' if fitted else 'the smaller total'} "
            f"{max(1.0, scale):.6g}), so it could never converge. Rescale one margin first, "
            f"e.g. multiply the {what_b} by {a:.10g} / {b:.10g}"
            + (f", or pass rescale=True to scale both to their mean total {(a + b) / 2:.10g} "
               f"(recorded in the result's diagnostics)." if can_rescale else ".")
        )


def _rescale_factors(a: np.ndarray, b: np.ndarray, what_a: str, what_b: str):
    """Factors that bring totals ``a`` and ``b`` (arrays, one per layer) to their mean.

    A pair in which exactly one total is zero cannot be rescaled: InfeasibleError.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    one_zero = (a == 0) != (b == 0)
    if one_zero.any():
        k = int(np.flatnonzero(one_zero)[0])
        raise InfeasibleError(
            f"cannot rescale: {what_a} sum to {a[k]:.10g} but {what_b} sum to {b[k]:.10g}"
            f"{f' (layer {k})' if a.size > 1 else ''}; a margin that sums to zero cannot be "
            f"scaled to a positive total. Supply margins with the same total.")
    mean = 0.5 * (a + b)
    fa = np.divide(mean, a, out=np.ones_like(a), where=a != 0)
    fb = np.divide(mean, b, out=np.ones_like(b), where=b != 0)
    return fa, fb


def _scaled_error(fit: np.ndarray, target: np.ndarray) -> np.ndarray:
    return np.abs(fit - target) / np.maximum(1.0, np.abs(target))


def _safe_ratio(target: np.ndarray, current: np.ndarray) -> np.ndarray:
    # A slice whose current sum is 0 holds only zeros, so its factor does not matter.
    return np.divide(target, current, out=np.zeros_like(current), where=current > 0)


def _raise_if_strict(strict: bool, converged: bool, what: str, message: str) -> None:
    """Raise :class:`ConvergenceError` for a fit that did not converge when ``strict`` is set."""
    if strict and not converged:
        raise ConvergenceError(f"{what}: {message} Raise max_iter or loosen tol, or pass "
                               f"strict=False to get the unconverged result.")


def _long_frame(values: np.ndarray, rows, cols, names=("orig", "dest"),
                value: str = "flow") -> pd.DataFrame:
    """A tidy (row label, column label, value) table of a 2-D array, row-major."""
    rows = np.asarray(list(rows), dtype=object)
    cols = np.asarray(list(cols), dtype=object)
    return pd.DataFrame({names[0]: np.repeat(rows, len(cols)),
                         names[1]: np.tile(cols, len(rows)),
                         value: np.asarray(values, dtype=float).reshape(-1)})
