"""Validation helpers shared inside :mod:`mixedmig.flows`: array coercion, margin-sum checks,
convergence errors and the scaled error of the convergence rule ``|f - t| <= tol * max(1, |t|)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ConvergenceError, DataError, InfeasibleError

#: Relative tolerance for "the margins have the same total" checks made before iterating.
SUM_RTOL = 1e-6


def _as_float_array(x, what: str, ndim: int | None = None) -> np.ndarray:
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{what} must be numeric: {exc}") from None
    if ndim is not None and arr.ndim != ndim:
        raise DataError(f"{what} must be {ndim}-dimensional, got shape {arr.shape}.")
    if not np.isfinite(arr).all():
        raise DataError(f"{what} contains missing or infinite values; fill them first.")
    if (arr < 0).any():
        pos = tuple(int(i) for i in np.argwhere(arr < 0)[0])
        raise DataError(f"{what} contains a negative value ({arr[pos]}) at position {pos}; "
                        f"counts and priors must be non-negative.")
    return arr


def _labels_of(x):
    if isinstance(x, pd.Series):
        return list(x.index)
    return None


def _check_sums(a: float, b: float, what_a: str, what_b: str, rtol: float = SUM_RTOL) -> None:
    if abs(a - b) > rtol * max(abs(a), abs(b), 1.0):
        raise InfeasibleError(
            f"{what_a} sum to {a:.10g} but {what_b} sum to {b:.10g} (gap {a - b:.6g}); IPF "
            f"can only fit margins with equal totals (relative tolerance {rtol:g}). Rescale one "
            f"margin first, e.g. multiply the {what_b} by {a:.10g} / {b:.10g}."
        )


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
