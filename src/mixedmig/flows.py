"""Origin-destination (OD) migration flow tables: conversion, IPF and flows from stocks.

Contents
--------
* :func:`to_matrix` / :func:`to_long` - tidy ``(orig, dest, value)`` tables <-> square labelled
  matrices (same label order on both axes).
* :func:`ipf2`, :func:`ipf2_quasi`, :func:`ipf3` - iterative proportional fitting (Deming &
  Stephan 1940) of two- and three-way tables to known margins, vectorised with numpy.
  ``ipf2_quasi`` is the quasi-independence fit with the diagonal held at its maximum feasible
  value (Abel 2013, section 2.1).
* :func:`flows_from_stocks` - bilateral flows from two place-of-birth x place-of-residence stock
  tables: demographic accounting (Abel 2013; Abel & Sander 2014; Abel & Cohen 2019), stock
  differencing (Beine, Bertoli & Fernandez-Huertas Moraga 2016) and Dennett's rates method
  (Dennett 2016).
* :func:`net_matrix` - a full non-negative OD matrix that reproduces a vector of net migration
  totals, by minimum discrimination information (Kullback-Leibler) with respect to a prior.

Every iterative routine returns a frozen dataclass with the fitted values, the number of
iterations, the largest absolute margin error, a ``converged`` flag and a ``message``;
non-convergence is reported there, never silently.  Inputs that cannot be fitted at all (margins
whose sums disagree, negative counts) raise :class:`~mixedmig.errors.ConvergenceError` or
:class:`~mixedmig.errors.DataError` before any iteration.

Convergence rule (all routines): a fit has converged when every fitted margin entry ``f``
satisfies ``|f - t| <= tol * max(1, |t|)`` for its target ``t`` (relative error for counts of one
or more, absolute error below one).

References
----------
Abel, G. J. (2013). Estimating global migration flow tables using place of birth data.
*Demographic Research* 28(18), 505-546.
Abel, G. J. & Sander, N. (2014). Quantifying global international migration flows. *Science*
343(6178), 1520-1522.
Abel, G. J. & Cohen, J. E. (2019). Bilateral international migration flow estimates for 200
countries. *Scientific Data* 6, 82.
Beine, M., Bertoli, S. & Fernandez-Huertas Moraga, J. (2016). A practitioners' guide to gravity
models of international migration. *The World Economy* 39(4), 496-512.
Dennett, A. (2016). Estimating an annual time series of global migration flows - an alternative
methodology for using migrant stock data. In Wilson, A. G. (ed.) *Global Dynamics: Approaches
from Complexity Science*, Wiley, 125-142, doi:10.1002/9781118937464.ch7.  (The rates method is
implemented as summarised by Abel & Cohen 2019 and the migest documentation.)
Kullback, S. (1959). *Information Theory and Statistics*. Wiley.
Deming, W. E. & Stephan, F. F. (1940). On a least squares adjustment of a sampled frequency table
when the expected marginal totals are known. *Annals of Mathematical Statistics* 11(4), 427-444.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import ConvergenceError, DataError, ModelError

__all__ = [
    "IPFResult",
    "FlowsFromStocksResult",
    "NetMatrixResult",
    "to_matrix",
    "to_long",
    "ipf2",
    "ipf2_quasi",
    "ipf3",
    "flows_from_stocks",
    "net_matrix",
]

#: Relative tolerance for "the margins have the same total" checks made before iterating.
SUM_RTOL = 1e-6


# --------------------------------------------------------------------------------------------
# result objects
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class IPFResult:
    """Outcome of an iterative proportional fit.

    ``fitted`` is the fitted array; ``table`` a labelled DataFrame when the inputs carried labels
    (a matrix for two-way fits, a long table for three-way fits), else ``None``.
    ``max_margin_error`` is the largest absolute difference between a fitted margin entry and
    its target.
    """

    fitted: np.ndarray
    table: pd.DataFrame | None
    iterations: int
    max_margin_error: float
    converged: bool
    message: str


@dataclass(frozen=True, eq=False)
class NetMatrixResult:
    """Outcome of :func:`net_matrix`: ``flows`` (origin x destination array), ``table``
    (labelled DataFrame when labels were given), iterations, largest absolute error of
    ``in - out`` against the net targets, convergence flag and message."""

    flows: np.ndarray
    table: pd.DataFrame | None
    iterations: int
    max_net_error: float
    converged: bool
    message: str


@dataclass(frozen=True, eq=False)
class FlowsFromStocksResult:
    """Outcome of :func:`flows_from_stocks`.

    * ``flows`` - origin x destination DataFrame summed over birthplaces, stayers excluded
      (diagonal 0).
    * ``by_birthplace`` - array ``[birthplace, origin, destination]``; for the demographic method
      its diagonals hold the estimated stayers.
    * ``labels`` - the common label order of all three axes.
    * ``diagnostics`` - one row per birthplace (demographic method: IPF iterations, largest
      margin error, convergence); empty for the closed-form methods.
    * ``rescaling_diagnostics`` - demographic method, step (4): one row per stock table
      ("start", "end") rescaled to common birthplace totals (iterations, largest absolute
      margin error, convergence); empty when the birthplace totals already agreed.
    * ``converged`` - True only if every iterative step converged (step (4) and every
      birthplace fit); ``message`` names the step that did not.
    * ``notes`` - adjustments made to the inputs (e.g. births spread over a column).
    * ``stock_start_adjusted`` / ``stock_end_adjusted`` - the stock tables actually fitted
      (after births, deaths and total matching); ``None`` for the other methods.
    """

    flows: pd.DataFrame
    by_birthplace: np.ndarray
    labels: tuple
    method: str
    assumptions: str
    diagnostics: pd.DataFrame
    converged: bool
    message: str
    notes: tuple = field(default_factory=tuple)
    stock_start_adjusted: pd.DataFrame | None = None
    stock_end_adjusted: pd.DataFrame | None = None
    rescaling_diagnostics: pd.DataFrame = field(default_factory=lambda: _empty_rescaling())

    def by_birthplace_long(self, drop_zero: bool = False) -> pd.DataFrame:
        """``by_birthplace`` as a long table with columns birthplace, orig, dest, value."""
        n = len(self.labels)
        labels = np.asarray(self.labels, dtype=object)
        out = pd.DataFrame(
            {
                "birthplace": np.repeat(labels, n * n),
                "orig": np.tile(np.repeat(labels, n), n),
                "dest": np.tile(labels, n * n),
                "value": self.by_birthplace.reshape(-1),
            }
        )
        if drop_zero:
            out = out.loc[out["value"] != 0].reset_index(drop=True)
        return out


def _empty_rescaling() -> pd.DataFrame:
    return pd.DataFrame({"table": pd.Series([], dtype=object),
                         "iterations": pd.Series([], dtype=int),
                         "max_margin_error": pd.Series([], dtype=float),
                         "converged": pd.Series([], dtype=bool)})


# --------------------------------------------------------------------------------------------
# long <-> matrix
# --------------------------------------------------------------------------------------------


def _sorted_labels(values) -> list:
    unique = list(dict.fromkeys(values))
    try:
        return sorted(unique)
    except TypeError:
        return sorted(unique, key=str)


def to_matrix(long_df: pd.DataFrame, orig: str = "orig", dest: str = "dest",
              value: str = "value", labels=None, fill=0) -> pd.DataFrame:
    """Pivot a tidy ``(orig, dest, value)`` table into a square origin x destination matrix.

    Both axes use the same labels in the same order: ``labels`` if given, otherwise the sorted
    union of origins and destinations.  Pairs absent from the table get ``fill``.  A pair that
    occurs twice, a missing column, a missing value or a label outside ``labels`` raises
    :class:`DataError`.
    """
    if not isinstance(long_df, pd.DataFrame):
        raise DataError(f"to_matrix expects a pandas DataFrame, got {type(long_df).__name__}.")
    for col in (orig, dest, value):
        if col not in long_df.columns:
            raise DataError(
                f"column '{col}' is missing; the table has columns {list(long_df.columns)}. "
                f"Pass orig=, dest=, value= to name the columns to use.",
                column=col,
            )
    o = long_df[orig].to_numpy(dtype=object)
    d = long_df[dest].to_numpy(dtype=object)
    v = pd.to_numeric(long_df[value], errors="coerce").to_numpy(dtype=float)
    for col, arr in ((orig, pd.isna(o)), (dest, pd.isna(d)), (value, np.isnan(v))):
        if arr.any():
            row = int(np.flatnonzero(arr)[0])
            raise DataError(
                f"missing or non-numeric value in column '{col}' at row {row} "
                f"(0-based position); fill or drop it before building a matrix.",
                column=col,
            )
    pairs = pd.DataFrame({"o": o, "d": d})
    dup = pairs.duplicated(keep=False).to_numpy()
    if dup.any():
        first = int(np.flatnonzero(dup)[0])
        raise DataError(
            f"the pair ({o[first]!r} -> {d[first]!r}) occurs more than once "
            f"({int(((o == o[first]) & (d == d[first])).sum())} rows); aggregate duplicates "
            f"(e.g. groupby([{orig!r}, {dest!r}]).sum()) before building a matrix.",
            column=value,
        )
    if labels is None:
        labels = _sorted_labels(list(o) + list(d))
    else:
        labels = list(labels)
        if len(set(labels)) != len(labels):
            raise DataError("labels contain duplicates; each region must appear once.")
        known = set(labels)
        unknown = [x for x in dict.fromkeys(list(o) + list(d)) if x not in known]
        if unknown:
            raise DataError(
                f"labels {unknown[:5]} occur in the table but not in `labels`; add them or "
                f"drop those rows."
            )
    position = {lab: k for k, lab in enumerate(labels)}
    n = len(labels)
    mat = np.full((n, n), fill, dtype=float)
    if len(v):
        mat[[position[x] for x in o], [position[x] for x in d]] = v
    return pd.DataFrame(mat, index=pd.Index(labels, name=orig, dtype=object),
                        columns=pd.Index(labels, name=dest, dtype=object))


def to_long(matrix_df: pd.DataFrame, orig: str = "orig", dest: str = "dest",
            value: str = "value", drop_diagonal: bool = False) -> pd.DataFrame:
    """Unpivot a square labelled origin x destination matrix into a tidy table.

    Rows come out in matrix order (origin-major).  The matrix must have the same labels in the
    same order on both axes (else :class:`DataError`).
    """
    mat = _square_frame(matrix_df, "matrix")
    labels = np.asarray(mat.index, dtype=object)
    n = len(labels)
    out = pd.DataFrame({
        orig: np.repeat(labels, n),
        dest: np.tile(labels, n),
        value: mat.to_numpy(dtype=float).reshape(-1),
    })
    if drop_diagonal:
        keep = ~np.eye(n, dtype=bool).reshape(-1)
        out = out.loc[keep].reset_index(drop=True)
    return out


def _square_frame(df, what: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise DataError(f"{what} must be a pandas DataFrame, got {type(df).__name__}.")
    if df.shape[0] != df.shape[1]:
        raise DataError(f"{what} must be square, got {df.shape[0]} rows x {df.shape[1]} columns.")
    rows, cols = list(df.index), list(df.columns)
    if rows != cols:
        if set(rows) == set(cols):
            raise DataError(
                f"{what} has the same labels on both axes but in a different order; reorder "
                f"with df.loc[labels, labels] so that row k and column k are the same region."
            )
        raise DataError(
            f"{what} row labels {sorted(map(str, set(rows) - set(cols)))[:5]} are not columns "
            f"and column labels {sorted(map(str, set(cols) - set(rows)))[:5]} are not rows; "
            f"rows and columns must list the same regions in the same order."
        )
    return df


# --------------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------------


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
                        f"counts and seeds must be non-negative.")
    return arr


def _labels_of(x):
    if isinstance(x, pd.Series):
        return list(x.index)
    return None


def _check_sums(a: float, b: float, what_a: str, what_b: str, rtol: float = SUM_RTOL) -> None:
    if abs(a - b) > rtol * max(abs(a), abs(b), 1.0):
        raise ConvergenceError(
            f"{what_a} sum to {a:.10g} but {what_b} sum to {b:.10g}; IPF can only fit margins "
            f"with equal totals (relative tolerance {rtol:g}). Rescale one margin first."
        )


def _scaled_error(fit: np.ndarray, target: np.ndarray) -> np.ndarray:
    return np.abs(fit - target) / np.maximum(1.0, np.abs(target))


def _safe_ratio(target: np.ndarray, current: np.ndarray) -> np.ndarray:
    # A slice whose current sum is 0 holds only zeros, so its factor does not matter.
    return np.divide(target, current, out=np.zeros_like(current), where=current > 0)


# --------------------------------------------------------------------------------------------
# IPF core: a stack of independent two-way tables ("layers") fitted in one vectorised loop
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _LayerFit:
    fitted: np.ndarray
    iterations: np.ndarray
    max_error: np.ndarray
    converged: np.ndarray


def _fit_layers(seed: np.ndarray, row_t: np.ndarray | None, col_t: np.ndarray | None,
                tol: float, max_iter: int) -> _LayerFit:
    """Fit y[k] ~ seed[k] to row targets row_t[k] and column targets col_t[k] for every k.

    Row and column scaling per cycle (Deming & Stephan 1940); layers that meet the tolerance
    stop iterating, so each layer has its own iteration count.
    """
    y = seed.copy()
    n_layers = y.shape[0]
    iterations = np.zeros(n_layers, dtype=int)
    max_abs = np.zeros(n_layers)
    converged = np.zeros(n_layers, dtype=bool)

    def errors(block, idx):
        scaled = np.zeros(len(idx))
        absolute = np.zeros(len(idx))
        if row_t is not None:
            diff = block.sum(axis=2)
            scaled = np.maximum(scaled, _scaled_error(diff, row_t[idx]).max(axis=1, initial=0))
            absolute = np.maximum(absolute, np.abs(diff - row_t[idx]).max(axis=1, initial=0))
        if col_t is not None:
            diff = block.sum(axis=1)
            scaled = np.maximum(scaled, _scaled_error(diff, col_t[idx]).max(axis=1, initial=0))
            absolute = np.maximum(absolute, np.abs(diff - col_t[idx]).max(axis=1, initial=0))
        return scaled, absolute

    active = np.arange(n_layers)
    scaled, absolute = errors(y, active)
    max_abs[:] = absolute
    done = scaled <= tol
    converged[done] = True
    active = active[~done]
    it = 0
    while active.size and it < max_iter:
        whole = active.size == n_layers
        block = y if whole else y[active]
        if row_t is not None:
            block *= _safe_ratio(row_t[active], block.sum(axis=2))[:, :, None]
        if col_t is not None:
            block *= _safe_ratio(col_t[active], block.sum(axis=1))[:, None, :]
        if not whole:
            y[active] = block
        it += 1
        iterations[active] = it
        scaled, absolute = errors(block, active)
        max_abs[active] = absolute
        done = scaled <= tol
        converged[active[done]] = True
        active = active[~done]
    return _LayerFit(y, iterations, max_abs, converged)


def _fit_table_newton(seed: np.ndarray, row_t: np.ndarray, col_t: np.ndarray, tol: float,
                      max_iter: int) -> _LayerFit:
    """Biproportional fit ``y_ij = a_i b_j m_ij`` of one table to row and column targets.

    The same fit as IPF (the unique minimum Kullback-Leibler table with the given margins;
    Ireland & Kullback 1968, Biometrika 55(1), 179-188), reached by damped Newton steps on the
    convex dual ``phi(u, v) = sum_ij m_ij exp(u_i + v_j) - sum_i r_i u_i - sum_j c_j v_j``
    (gradient = fitted margins minus targets, Hessian ``[[diag(R), Y], [Y', diag(C)]]``;
    Boyd & Vandenberghe 2004, Convex Optimization, section 9.5).  IPF converges only linearly,
    and very slowly on nearly diagonal tables such as stocks dominated by the native-born
    (thousands of cycles to a relative error of 1e-10 on real populations); Newton steps
    converge quadratically.  The step length is halved until ``phi`` falls (Armijo rule) or the
    largest scaled margin error falls; if no length does, one IPF cycle (rows, then columns) is
    made instead.  Each step or cycle is one iteration; convergence:
    ``|f - t| <= tol * max(1, |t|)`` on every margin.
    """
    y = seed.astype(float, copy=True)
    n_rows = y.shape[0]

    def errors(table):
        rows, cols = table.sum(axis=1), table.sum(axis=0)
        scaled = max(_scaled_error(rows, row_t).max(initial=0),
                     _scaled_error(cols, col_t).max(initial=0))
        absolute = max(np.abs(rows - row_t).max(initial=0), np.abs(cols - col_t).max(initial=0))
        return float(scaled), float(absolute)

    def newton_step(table, scaled):
        rows, cols = table.sum(axis=1), table.sum(axis=0)
        gradient = np.concatenate([rows - row_t, cols - col_t])
        hessian = np.block([[np.diag(rows), table], [table.T, np.diag(cols)]])
        # Symmetric diagonal scaling keeps the system well conditioned for counts ~1e9; lstsq
        # gives the minimum-norm step, free of the (u + k, v - k) direction that changes nothing.
        d = np.sqrt(np.diag(hessian))
        d[d == 0] = 1.0
        try:
            direction = np.linalg.lstsq(hessian / d[:, None] / d[None, :], -gradient / d,
                                        rcond=None)[0] / d
        except np.linalg.LinAlgError:
            return None
        slope = float(gradient @ direction)  # < 0 unless the gradient is already ~0
        alpha = 1.0
        for _ in range(40):
            du, dv = alpha * direction[:n_rows], alpha * direction[n_rows:]
            with np.errstate(over="ignore", invalid="ignore"):
                change = np.expm1(du[:, None] + dv[None, :])
                candidate = table * (1.0 + change)
                # phi(new) - phi(old), written without the large common part of phi
                decrease = float(np.sum(table * change) - row_t @ du - col_t @ dv)
            if np.isfinite(candidate).all() and np.isfinite(decrease):
                cand_scaled, cand_absolute = errors(candidate)
                if cand_scaled < scaled or (slope < 0 and decrease <= 0.25 * alpha * slope):
                    return candidate, cand_scaled, cand_absolute
            alpha *= 0.5
        return None

    scaled, absolute = errors(y)
    it = 0
    while scaled > tol and it < max_iter:
        stepped = newton_step(y, scaled)
        if stepped is not None:
            y, scaled, absolute = stepped
        else:
            y *= _safe_ratio(row_t, y.sum(axis=1))[:, None]
            y *= _safe_ratio(col_t, y.sum(axis=0))[None, :]
            scaled, absolute = errors(y)
        it += 1
    return _LayerFit(y[None], np.array([it]), np.array([absolute]), np.array([scaled <= tol]))


def _unsupported(seed: np.ndarray, row_t, col_t) -> tuple[list, list]:
    """Rows/columns (per layer) with a positive target but no cell allowed to be positive."""
    bad_rows, bad_cols = [], []
    if row_t is not None:
        bad_rows = [tuple(int(i) for i in p)
                    for p in np.argwhere((seed.sum(axis=2) == 0) & (row_t > 0))]
    if col_t is not None:
        bad_cols = [tuple(int(i) for i in p)
                    for p in np.argwhere((seed.sum(axis=1) == 0) & (col_t > 0))]
    return bad_rows, bad_cols


def _fit_message(converged: bool, iterations: int, max_error: float, tol: float,
                 max_iter: int, extra: str = "") -> str:
    if converged:
        msg = (f"converged after {iterations} iteration(s); largest absolute margin error "
               f"{max_error:.3g} (tolerance {tol:g}, relative for targets >= 1).")
    else:
        msg = (f"did NOT converge after {iterations} iteration(s) (max_iter={max_iter}); largest "
               f"absolute margin error {max_error:.3g} exceeds tolerance {tol:g}.")
    return msg + (" " + extra if extra else "")


def _quasi_split(row_t: np.ndarray, col_t: np.ndarray, seed: np.ndarray):
    """Stayer (minimum migration) split: diagonal = min(row_i, col_i), residual margins."""
    diag = np.minimum(row_t, col_t)  # (K, n)
    n = row_t.shape[1]
    seed = seed.copy()
    idx = np.arange(n)
    seed[:, idx, idx] = 0.0
    return diag, row_t - diag, col_t - diag, seed


# --------------------------------------------------------------------------------------------
# public IPF API
# --------------------------------------------------------------------------------------------


def ipf2(row_totals, col_totals, seed=None, *, structural_zeros=None, diagonal=None,
         tol: float = 1e-10, max_iter: int = 1000) -> IPFResult:
    """Two-way IPF: fit ``y_ij = a_i b_j m_ij`` to row totals and column totals.

    Maximum-likelihood fit of the log-linear model ``log y_ij = log a_i + log b_j + log m_ij``
    with seed (prior) ``m`` (default ones) by alternately scaling rows and columns (Deming &
    Stephan 1940).  Either margin may be ``None`` (one proportional scaling).

    ``structural_zeros``: boolean array, ``True`` cells are fixed at 0.  ``diagonal``: ``None``
    (diagonal cells fitted like any other), ``"zero"`` (diagonal structurally zero) or ``"max"``
    (quasi-independence with the diagonal fixed at its largest feasible value
    ``min(row_i, col_i)`` and the off-diagonal fitted to the remaining margins: the stayer /
    minimum-migration assumption of Abel 2013, Demographic Research 28(18), section 2.1).

    Labelled inputs (pandas Series margins, DataFrame seed) give a labelled ``table``.  Margins
    whose totals differ by more than a relative 1e-6 raise :class:`ConvergenceError` before
    iterating.
    """
    row_labels = _labels_of(row_totals)
    col_labels = _labels_of(col_totals)
    if row_totals is None and col_totals is None:
        raise ModelError("ipf2 needs at least one of row_totals and col_totals.")
    row = None if row_totals is None else _as_float_array(row_totals, "row_totals", 1)
    col = None if col_totals is None else _as_float_array(col_totals, "col_totals", 1)

    if isinstance(seed, pd.DataFrame):
        seed_rows, seed_cols = list(seed.index), list(seed.columns)
        if row_labels is not None and row_labels != seed_rows:
            raise DataError("seed row labels differ from the labels of row_totals (or their "
                            "order); align them with seed.loc[row_labels, col_labels].")
        if col_labels is not None and col_labels != seed_cols:
            raise DataError("seed column labels differ from the labels of col_totals (or their "
                            "order); align them with seed.loc[row_labels, col_labels].")
        row_labels, col_labels = seed_rows, seed_cols
    if seed is not None:
        m = _as_float_array(seed, "seed", 2)
        n_rows, n_cols = m.shape
    else:
        n_rows = len(row) if row is not None else None
        n_cols = len(col) if col is not None else None
        if n_rows is None or n_cols is None:
            raise ModelError("with only one margin, pass a seed so the other dimension is known.")
        m = np.ones((n_rows, n_cols))
    if row is not None and len(row) != n_rows:
        raise DataError(f"row_totals has {len(row)} entries but the table has {n_rows} rows.")
    if col is not None and len(col) != n_cols:
        raise DataError(f"col_totals has {len(col)} entries but the table has {n_cols} columns.")
    if row is not None and col is not None:
        _check_sums(row.sum(), col.sum(), "row totals", "column totals")

    m = _apply_zeros(m, structural_zeros, diagonal)
    fit, extra = _ipf2_core(m[None], None if row is None else row[None],
                            None if col is None else col[None], diagonal, tol, max_iter)
    y = fit.fitted[0]
    table = None
    if row_labels is not None or col_labels is not None:
        table = pd.DataFrame(y, index=pd.Index(row_labels if row_labels is not None
                                               else range(n_rows), dtype=object),
                             columns=pd.Index(col_labels if col_labels is not None
                                              else range(n_cols), dtype=object))
    its, err, conv = int(fit.iterations[0]), float(fit.max_error[0]), bool(fit.converged[0])
    return IPFResult(y, table, its, err, conv, _fit_message(conv, its, err, tol, max_iter, extra))


def ipf2_quasi(row_totals, col_totals, seed=None, **kwargs) -> IPFResult:
    """Quasi-independent two-way IPF: :func:`ipf2` with ``diagonal="max"``.

    Diagonal fixed at ``min(row_i, col_i)`` (maximum stayers), off-diagonal cells fitted to the
    remaining margins (Abel 2013, Demographic Research 28(18), section 2.1)."""
    return ipf2(row_totals, col_totals, seed, diagonal="max", **kwargs)


def _apply_zeros(m: np.ndarray, structural_zeros, diagonal) -> np.ndarray:
    if diagonal not in (None, "max", "zero"):
        raise ModelError(f"diagonal must be None, 'max' or 'zero', got {diagonal!r}.")
    m = m.copy()
    if structural_zeros is not None:
        mask = np.asarray(structural_zeros, dtype=bool)
        try:
            m[np.broadcast_to(mask, m.shape)] = 0.0
        except ValueError:
            raise DataError(f"structural_zeros has shape {mask.shape}, which does not match "
                            f"the table shape {m.shape}.") from None
    if diagonal is not None:
        if m.shape[-1] != m.shape[-2]:
            raise ModelError(f"diagonal={diagonal!r} needs a square table, got shape {m.shape}.")
        if diagonal == "zero":
            idx = np.arange(m.shape[-1])
            m[..., idx, idx] = 0.0
    return m


def _ipf2_core(m3, row3, col3, diagonal, tol, max_iter) -> tuple[_LayerFit, str]:
    """Fit stacked layers, with the quasi-independent split when diagonal == 'max'."""
    if diagonal == "max":
        if row3 is None or col3 is None:
            raise ModelError("diagonal='max' needs both row and column totals.")
        diag, row_r, col_r, seed_r = _quasi_split(row3, col3, m3)
        bad_rows, bad_cols = _unsupported(seed_r, row_r, col_r)
        fit = _fit_layers(seed_r, row_r, col_r, tol, max_iter)
        idx = np.arange(m3.shape[-1])
        y = fit.fitted
        y[:, idx, idx] = diag
    else:
        bad_rows, bad_cols = _unsupported(m3, row3, col3)
        fit = _fit_layers(m3, row3, col3, tol, max_iter)
    extra = ""
    if bad_rows or bad_cols:
        extra = ("Infeasible pattern: " +
                 (f"rows (layer, row) {bad_rows[:5]} " if bad_rows else "") +
                 (f"columns (layer, column) {bad_cols[:5]} " if bad_cols else "") +
                 "have a positive target but every seed cell in them is zero.")
    return fit, extra


def ipf3(seed, margins: Mapping, *, structural_zeros=None, diagonal=None,
         tol: float = 1e-10, max_iter: int = 1000, labels=None,
         names=("layer", "orig", "dest")) -> IPFResult:
    """Three-way IPF with two-way margins.

    ``margins`` maps a pair of kept axes to its target table, e.g.
    ``{(0, 1): t01, (0, 2): t02}`` where ``t01[k, i] = sum_j y[k, i, j]``.  Any of
    ``(0, 1)``, ``(0, 2)``, ``(1, 2)`` may be given; each cycle scales to every margin in turn.
    The fit is the ML estimate of the log-linear model with the corresponding two-way
    interactions plus ``log m_kij`` (Abel 2013, Demographic Research 28(18), section 2).

    With margins ``(0, 1)`` and ``(0, 2)`` only, the layers ``k`` are independent and
    ``diagonal="max"`` fixes each layer's diagonal at ``min(t01[k, i], t02[k, i])`` (stayer
    assumption, Abel 2013 section 2.1) - the fit used by :func:`flows_from_stocks`.

    Margins that disagree on a shared one-way total (e.g. ``t01.sum(1) != t02.sum(1)``) raise
    :class:`ConvergenceError` before iterating.  ``labels`` (three label lists) gives a long
    labelled ``table`` with columns ``names + ("value",)``.
    """
    m = _as_float_array(seed, "seed", 3)
    if not isinstance(margins, Mapping) or not margins:
        raise ModelError("margins must be a non-empty mapping {(axis, axis): target}.")
    targets = {}
    for key, target in margins.items():
        key = tuple(sorted(int(a) for a in key))
        if key not in ((0, 1), (0, 2), (1, 2)):
            raise ModelError(f"margin key {key} is not one of (0, 1), (0, 2), (1, 2).")
        t = _as_float_array(target, f"margin {key}", 2)
        expected = (m.shape[key[0]], m.shape[key[1]])
        if t.shape != expected:
            raise DataError(f"margin {key} has shape {t.shape}; expected {expected}.")
        targets[key] = t
    keys = list(targets)
    for a_idx in range(len(keys)):
        for b_idx in range(a_idx + 1, len(keys)):
            ka, kb = keys[a_idx], keys[b_idx]
            shared = (set(ka) & set(kb)).pop()
            sa = targets[ka].sum(axis=1 - ka.index(shared))
            sb = targets[kb].sum(axis=1 - kb.index(shared))
            bad = np.abs(sa - sb) > SUM_RTOL * np.maximum(1.0, np.maximum(np.abs(sa), np.abs(sb)))
            if bad.any():
                pos = int(np.flatnonzero(bad)[0])
                raise ConvergenceError(
                    f"margins {ka} and {kb} disagree on axis {shared} total at index {pos}: "
                    f"{sa[pos]:.10g} vs {sb[pos]:.10g}; IPF can only fit consistent margins.")
    m = _apply_zeros(m, structural_zeros, diagonal)

    layered = set(keys) <= {(0, 1), (0, 2)}
    if diagonal == "max" and not (layered and len(keys) == 2):
        raise ModelError("diagonal='max' needs exactly the margins (0, 1) and (0, 2).")
    if layered:
        fit, extra = _ipf2_core(m, targets.get((0, 1)), targets.get((0, 2)), diagonal,
                                tol, max_iter)
        y = fit.fitted
        its = int(fit.iterations.max(initial=0))
        err = float(fit.max_error.max(initial=0))
        conv = bool(fit.converged.all())
        if not conv:
            extra = (f"Layers not converged: {np.flatnonzero(~fit.converged)[:10].tolist()}. "
                     + extra).strip()
    else:
        y, its, err, conv = _fit_general(m, targets, tol, max_iter)
        extra = ""
    table = None
    if labels is not None:
        labels = [list(lab) for lab in labels]
        if [len(lab) for lab in labels] != list(y.shape):
            raise DataError(f"labels have lengths {[len(lab) for lab in labels]}; the table "
                            f"has shape {y.shape}.")
        grid = np.meshgrid(*[np.asarray(lab, dtype=object) for lab in labels], indexing="ij")
        table = pd.DataFrame({names[0]: grid[0].reshape(-1), names[1]: grid[1].reshape(-1),
                              names[2]: grid[2].reshape(-1), "value": y.reshape(-1)})
    return IPFResult(y, table, its, err, conv, _fit_message(conv, its, err, tol, max_iter, extra))


def _fit_general(m, targets, tol, max_iter):
    y = m.copy()

    def margin_errors():
        scaled, absolute = 0.0, 0.0
        for key, t in targets.items():
            other = ({0, 1, 2} - set(key)).pop()
            s = y.sum(axis=other)
            scaled = max(scaled, float(_scaled_error(s, t).max(initial=0)))
            absolute = max(absolute, float(np.abs(s - t).max(initial=0)))
        return scaled, absolute

    scaled, absolute = margin_errors()
    it = 0
    while scaled > tol and it < max_iter:
        for key, t in targets.items():
            other = ({0, 1, 2} - set(key)).pop()
            y *= np.expand_dims(_safe_ratio(t, y.sum(axis=other)), other)
        it += 1
        scaled, absolute = margin_errors()
    return y, it, absolute, scaled <= tol


# --------------------------------------------------------------------------------------------
# flows from stocks
# --------------------------------------------------------------------------------------------

_ASSUMPTIONS = {
    "demographic": (
        "Demographic accounting, stayer (minimum migration) assumption - Abel (2013, "
        "Demographic Research 28(18)); Abel & Sander (2014, Science 343); Abel & Cohen (2019, "
        "Scientific Data 6:82). Rows of the stock tables are places of birth, columns places of "
        "residence. (1) If the change in the world total of stocks differs from births minus "
        "deaths, the gap is split in half: half is taken from the start-of-period native-born "
        "(diagonal) stocks and half added to the end-of-period native-born stocks, each in "
        "proportion to the native-born stock. (2) Deaths in each residence are removed from the "
        "start stocks of that residence in proportion to the stock of each birthplace (equal "
        "mortality for all birthplace groups). (3) Births in each residence are removed from the "
        "end-of-period native-born stock of that residence (births join the native-born only); "
        "where births exceed that native-born stock they are removed from the whole residence "
        "column in proportion to its stocks (recorded in notes). (4) Birthplace totals at start "
        "and end are made equal by IPF-rescaling each stock table to birthplace totals equal to "
        "the mean of the two tables' birthplace totals, keeping each table's residence totals. "
        "(5) For every birthplace b, flows y[b, i, j] (residence i at start, residence j at end) "
        "are the quasi-independent fit with row totals = adjusted start stocks of b, column "
        "totals = adjusted end stocks of b, stayers y[b, i, i] = min(start[b, i], end[b, i]) "
        "(the largest number compatible with both), off-diagonal proportional to the seed. "
        "Flows are migrant transitions over the period: returns within the period and moves by "
        "people who die or are born during it are not counted."
    ),
    "difference": (
        "Stock differencing - Beine, Bertoli & Fernandez-Huertas Moraga (2016, The World "
        "Economy 39(4)). For each birthplace b and residence j != b the flow b -> j is the "
        "increase in the stock of b-born persons living in j. Decreases are set to zero "
        "(negative='zero') or read as return moves j -> b (negative='return'). Native-born "
        "stocks, births, deaths and onward moves between third countries are ignored."
    ),
    "rates": (
        "Rates method - Dennett (2016): each corridor's share of the world's foreign-born stock "
        "at the start of the period, S[i, j] / sum over i != j of S[i, j] (i = birthplace taken "
        "as origin, j = residence as destination), multiplied by a given world total of flows "
        "over the period. Assumes flows follow existing migrant networks in proportion to their "
        "size; the end-of-period stocks, births and deaths are not used, and flows between "
        "countries with no existing stock are zero."
    ),
}


def _validate_stocks(stock_start, stock_end):
    frames = []
    for what, s in (("stock_start", stock_start), ("stock_end", stock_end)):
        if isinstance(s, pd.DataFrame):
            s = _square_frame(s, what)
        else:
            arr = np.asarray(s)
            if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
                raise DataError(f"{what} must be a square birthplace x residence table, got "
                                f"shape {arr.shape}.")
            s = pd.DataFrame(arr, index=pd.Index(range(arr.shape[0]), dtype=object),
                             columns=pd.Index(range(arr.shape[0]), dtype=object))
        frames.append(s)
    start, end = frames
    if list(start.index) != list(end.index):
        if set(start.index) == set(end.index):
            raise DataError("stock_start and stock_end list the same regions in a different "
                            "order; reorder stock_end with stock_end.loc[labels, labels].")
        raise DataError(
            f"stock_start and stock_end have different regions: only in start "
            f"{sorted(map(str, set(start.index) - set(end.index)))[:5]}, only in end "
            f"{sorted(map(str, set(end.index) - set(start.index)))[:5]}.")
    labels = list(start.index)
    s1 = _as_float_array(start.to_numpy(dtype=float), "stock_start", 2)
    s2 = _as_float_array(end.to_numpy(dtype=float), "stock_end", 2)
    return labels, s1, s2


def _vector(x, labels, what) -> np.ndarray:
    n = len(labels)
    if x is None:
        return np.zeros(n)
    if isinstance(x, pd.Series):
        missing = [lab for lab in labels if lab not in x.index]
        if missing:
            raise DataError(f"{what} has no value for regions {missing[:5]}.")
        x = x.loc[labels].to_numpy(dtype=float)
    arr = _as_float_array(x, what, 1)
    if len(arr) != n:
        raise DataError(f"{what} has {len(arr)} entries but the stock tables have {n} regions.")
    return arr


def _seed3(seed, labels) -> np.ndarray:
    n = len(labels)
    if seed is None:
        return np.ones((n, n, n))
    if isinstance(seed, pd.DataFrame):
        if list(seed.index) != labels or list(seed.columns) != labels:
            raise DataError("seed must be an origin x destination table with the stock tables' "
                            "labels in the same order on both axes.")
    arr = _as_float_array(seed, "seed")
    if arr.shape == (n, n):
        return np.broadcast_to(arr, (n, n, n)).copy()
    if arr.shape == (n, n, n):
        return arr.copy()
    raise DataError(f"seed must have shape ({n}, {n}) (origin x destination) or ({n}, {n}, {n}) "
                    f"(birthplace x origin x destination), got {arr.shape}.")


def flows_from_stocks(stock_start, stock_end, births=None, deaths=None, seed=None,
                      method: str = "demographic", *, negative: str = "zero",
                      total_flow: float | None = None, tol: float = 1e-10,
                      max_iter: int = 1000) -> FlowsFromStocksResult:
    """Estimate bilateral migration flows between two birthplace x residence stock tables.

    ``stock_start`` / ``stock_end``: DataFrames, rows = place of birth, columns = place of
    residence, same labels in the same order.  ``births`` / ``deaths``: per residence, used by
    ``method="demographic"`` only.  ``seed``: auxiliary prior for the origin x destination
    pattern (e.g. inverse distance), shape (n, n) or (birthplace, n, n).

    Methods (see ``result.assumptions`` for the full statement):

    * ``"demographic"`` - Abel (2013, Demographic Research 28(18)) / Abel & Sander (2014,
      Science 343): per birthplace b, IPF of ``y[b, i, j]`` to start stocks (rows) and end stocks
      (columns) with stayers fixed at ``min(start[b, i], end[b, i])``.
    * ``"difference"`` - ``flow[b -> j] = max(end[b, j] - start[b, j], 0)``; decreases zeroed
      (``negative="zero"``) or counted as returns ``j -> b`` (``negative="return"``)
      (Beine, Bertoli & Fernandez-Huertas Moraga 2016, The World Economy 39(4)).
    * ``"rates"`` - ``flow[i -> j] = total_flow * start[i, j] / sum_{k != l} start[k, l]``
      for ``i != j`` (Dennett 2016); ``total_flow`` (world flows over the period) is required.

    The demographic steps follow the defaults of migest 2.0.5 ``ffs_demo`` (global match before
    the demographic adjustment, births to the native-born, deaths in proportion to stocks,
    birthplace totals rescaled to their mean), except that the native-born adjustment of step
    (1) is not rounded to integers and every IPF runs to ``tol`` (migest stops at 1e-3).
    Every fit, including the rescaling of step (4), stops when each fitted margin ``f`` meets
    ``|f - t| <= tol * max(1, |t|)``.  Step (4) is the same biproportional (IPF) fit, solved
    with Newton steps because plain IPF needs thousands of cycles on stock tables dominated by
    native-born populations of ~1e9; ``result.converged`` is False if step (4) or any
    birthplace fit did not converge within ``max_iter`` (see ``rescaling_diagnostics`` and
    ``diagnostics``).
    """
    if method not in _ASSUMPTIONS:
        raise ModelError(f"method must be one of {sorted(_ASSUMPTIONS)}, got {method!r}.")
    labels, s1, s2 = _validate_stocks(stock_start, stock_end)
    n = len(labels)
    idx = np.arange(n)
    if method != "demographic":
        if births is not None or deaths is not None:
            raise ModelError(f"births and deaths are only used by method='demographic'; "
                             f"method={method!r} would ignore them. Drop them or switch method.")
        if seed is not None:
            raise ModelError(f"seed is only used by method='demographic'; method={method!r} "
                             f"would ignore it.")
    if method != "rates" and total_flow is not None:
        raise ModelError(f"total_flow is only used by method='rates'; method={method!r} would "
                         f"ignore it.")

    notes: list[str] = []
    empty_diag = pd.DataFrame({"birthplace": pd.Series([], dtype=object),
                               "iterations": pd.Series([], dtype=int),
                               "max_margin_error": pd.Series([], dtype=float),
                               "converged": pd.Series([], dtype=bool)})
    if method == "difference":
        if negative not in ("zero", "return"):
            raise ModelError(f"negative must be 'zero' or 'return', got {negative!r}.")
        change = s2 - s1
        change[idx, idx] = 0.0
        cube = np.zeros((n, n, n))
        cube[idx[:, None], idx[:, None], idx[None, :]] = np.maximum(change, 0.0)
        if negative == "return":
            cube[idx[:, None], idx[None, :], idx[:, None]] = np.maximum(-change, 0.0)
        return _flows_result(cube, labels, method, empty_diag, True,
                             f"closed form (negative={negative!r}).", notes, None, None)

    if method == "rates":
        if total_flow is None:
            raise ModelError("method='rates' needs total_flow, the world total of migration "
                             "flows over the period (e.g. the sum of absolute net migration).")
        if not np.isfinite(total_flow) or total_flow < 0:
            raise ModelError(f"total_flow must be a non-negative number, got {total_flow!r}.")
        foreign = s1.copy()
        foreign[idx, idx] = 0.0
        total_foreign = foreign.sum()
        if total_foreign <= 0:
            raise DataError("stock_start has no foreign-born population, so the rates method has "
                            "no corridor shares to allocate total_flow over.")
        cube = np.zeros((n, n, n))
        cube[idx[:, None], idx[:, None], idx[None, :]] = total_flow * foreign / total_foreign
        return _flows_result(cube, labels, method, empty_diag, True,
                             "closed form (shares of the start foreign-born stock).", notes,
                             None, None)

    # ---- demographic accounting ----
    b = _vector(births, labels, "births")
    d = _vector(deaths, labels, "deaths")
    m3 = _seed3(seed, labels)
    s1 = s1.copy()
    s2 = s2.copy()

    gap = (b.sum() - d.sum()) - (s2.sum() - s1.sum())
    if abs(gap) > SUM_RTOL * max(1.0, s1.sum()):
        nb1, nb2 = s1[idx, idx].copy(), s2[idx, idx].copy()
        if nb1.sum() <= 0 or nb2.sum() <= 0:
            raise DataError("the change in total stocks differs from births minus deaths and "
                            "there is no native-born stock to absorb the difference.")
        s1[idx, idx] = nb1 - 0.5 * gap * nb1 / nb1.sum()
        s2[idx, idx] = nb2 + 0.5 * gap * nb2 / nb2.sum()
        notes.append(f"world stock change differed from births - deaths by {gap:.6g}; half "
                     f"taken from start and half added to end native-born stocks "
                     f"proportionally.")
        if (s1[idx, idx] < 0).any() or (s2[idx, idx] < 0).any():
            raise DataError("balancing world totals made a native-born stock negative; check "
                            "that births, deaths and stocks refer to the same period and units.")

    col1 = s1.sum(axis=0)
    if (d > col1 + SUM_RTOL * np.maximum(1.0, col1)).any():
        j = int(np.flatnonzero(d > col1)[0])
        raise DataError(f"deaths in {labels[j]!r} ({d[j]:.6g}) exceed its start population "
                        f"({col1[j]:.6g}).")
    death_mat = s1 * _safe_ratio(d, col1)[None, :]

    birth_mat = np.zeros((n, n))
    birth_mat[idx, idx] = b
    too_many = b > s2[idx, idx]
    if too_many.any():
        col2 = s2.sum(axis=0)
        if (b > col2 + SUM_RTOL * np.maximum(1.0, col2)).any():
            j = int(np.flatnonzero(b > col2)[0])
            raise DataError(f"births in {labels[j]!r} ({b[j]:.6g}) exceed its end population "
                            f"({col2[j]:.6g}).")
        spread = s2 * _safe_ratio(b, col2)[None, :]
        birth_mat[:, too_many] = spread[:, too_many]
        notes.append(f"births exceed the end native-born stock in "
                     f"{[labels[j] for j in np.flatnonzero(too_many)]}; those births were "
                     f"removed from the whole residence column in proportion to its stocks.")

    a1 = np.clip(s1 - death_mat, 0.0, None)
    a2 = np.clip(s2 - birth_mat, 0.0, None)
    r1, r2 = a1.sum(axis=1), a2.sum(axis=1)
    target_rows = 0.5 * (r1 + r2)
    rescaling = _empty_rescaling()
    rescale_failed: list[str] = []
    if np.abs(r1 - r2).max(initial=0) > SUM_RTOL * max(1.0, r1.max(initial=0)):
        fit1 = _fit_table_newton(a1, target_rows, a1.sum(axis=0), tol, max_iter)
        fit2 = _fit_table_newton(a2, target_rows, a2.sum(axis=0), tol, max_iter)
        rescaling = pd.DataFrame({
            "table": pd.Series(["start", "end"], dtype=object),
            "iterations": np.array([fit1.iterations[0], fit2.iterations[0]], dtype=int),
            "max_margin_error": [float(fit1.max_error[0]), float(fit2.max_error[0])],
            "converged": [bool(fit1.converged[0]), bool(fit2.converged[0])],
        })
        rescale_failed = [row.table for row in rescaling.itertuples() if not row.converged]
        if rescale_failed:
            notes.append(f"rescaling the {' and '.join(rescale_failed)} stock table(s) to common "
                         f"birthplace totals did NOT converge; flows may not match the stock "
                         f"changes.")
        a1, a2 = fit1.fitted[0], fit2.fitted[0]
        notes.append("birthplace totals of the adjusted start and end tables differed; both "
                     "were IPF-rescaled to the mean birthplace totals, keeping residence totals.")
    # Each birthplace table needs equal row and column totals to the last digit; remove
    # rounding-level differences by a proportional row scaling.
    a1 *= _safe_ratio(target_rows, a1.sum(axis=1))[:, None]
    a2 *= _safe_ratio(target_rows, a2.sum(axis=1))[:, None]

    fit, extra = _ipf2_core(m3, a1, a2, "max", tol, max_iter)
    diag = pd.DataFrame({
        "birthplace": pd.Series(labels, dtype=object),
        "iterations": fit.iterations.astype(int),
        "max_margin_error": fit.max_error,
        "converged": fit.converged,
    })
    converged = bool(fit.converged.all()) and not rescale_failed
    if fit.converged.all():
        message = (f"all {n} birthplace fits converged (at most "
                   f"{int(fit.iterations.max(initial=0))} iterations; largest margin error "
                   f"{float(fit.max_error.max(initial=0)):.3g}).")
    else:
        bad = [labels[k] for k in np.flatnonzero(~fit.converged)]
        message = (f"{len(bad)} birthplace fit(s) did NOT converge within {max_iter} iterations: "
                   f"{bad[:10]}. {extra}").strip()
    if rescale_failed:
        worst = float(rescaling["max_margin_error"].max())
        message = (f"step (4), rescaling the {' and '.join(rescale_failed)} stock table(s) to "
                   f"common birthplace totals, did NOT converge within {max_iter} iterations "
                   f"(largest absolute margin error {worst:.3g}, tolerance {tol:g} relative for "
                   f"totals >= 1); see rescaling_diagnostics. Step (5): {message}")
    adj1 = pd.DataFrame(a1, index=pd.Index(labels, dtype=object),
                        columns=pd.Index(labels, dtype=object))
    adj2 = pd.DataFrame(a2, index=pd.Index(labels, dtype=object),
                        columns=pd.Index(labels, dtype=object))
    return _flows_result(fit.fitted, labels, method, diag, converged, message, notes, adj1, adj2,
                         rescaling)


def _flows_result(cube, labels, method, diagnostics, converged, message, notes, adj1, adj2,
                  rescaling=None):
    n = len(labels)
    od = cube.sum(axis=0)
    od[np.arange(n), np.arange(n)] = 0.0
    flows = pd.DataFrame(od, index=pd.Index(labels, name="orig", dtype=object),
                         columns=pd.Index(labels, name="dest", dtype=object))
    return FlowsFromStocksResult(
        flows=flows, by_birthplace=cube, labels=tuple(labels), method=method,
        assumptions=_ASSUMPTIONS[method], diagnostics=diagnostics, converged=converged,
        message=message, notes=tuple(notes), stock_start_adjusted=adj1,
        stock_end_adjusted=adj2,
        rescaling_diagnostics=_empty_rescaling() if rescaling is None else rescaling)


# --------------------------------------------------------------------------------------------
# net migration -> full OD matrix
# --------------------------------------------------------------------------------------------


def net_matrix(net_totals, seed=None, *, structural_zeros=None, tol: float = 1e-10,
               max_iter: int = 10000) -> NetMatrixResult:
    """Non-negative OD matrix whose ``in - out`` reproduces the net migration totals.

    Sign convention: ``net_i = sum_j y_ji - sum_j y_ij`` (in minus out; column sum minus row
    sum); ``net_totals`` must sum to zero.  The estimate minimises the Kullback-Leibler
    divergence ``sum y_ij log(y_ij / m_ij) - y_ij + m_ij`` from the seed ``m`` subject to the net
    constraints; its Lagrangian gives the multiplicative form ``y_ij = m_ij * alpha_j / alpha_i``
    (the log-linear model of Abel's net-migration flow matrices, migest ``net_matrix_ipf`` /
    ``net_matrix_entropy``; minimum discrimination information, Kullback 1959).  Each sweep
    updates one ``alpha_k`` at a time by the positive root of
    ``A alpha^2 - net_k alpha - B = 0`` with ``A = sum_i m_ik / alpha_i`` (inflow per unit
    ``alpha_k``) and ``B = sum_j m_kj alpha_j`` (outflow times ``alpha_k``).

    ``seed`` defaults to ones; ``structural_zeros`` defaults to the diagonal (no flow from a
    region to itself).
    """
    labels = _labels_of(net_totals)
    net = np.asarray(net_totals, dtype=float)
    if net.ndim != 1 or not np.isfinite(net).all():
        raise DataError("net_totals must be a one-dimensional vector of finite numbers.")
    n = len(net)
    scale = max(1.0, float(np.abs(net).sum()))
    if abs(net.sum()) > SUM_RTOL * scale:
        raise ConvergenceError(
            f"net migration totals sum to {net.sum():.10g}, not zero (in-migration totals "
            f"{net[net > 0].sum():.10g} vs out-migration totals {-net[net < 0].sum():.10g}); "
            f"every move is an inflow somewhere, so rescale them to sum to zero first.")
    if isinstance(seed, pd.DataFrame):
        if labels is not None and (list(seed.index) != labels or list(seed.columns) != labels):
            raise DataError("seed labels must equal the labels of net_totals, in the same order.")
        labels = list(seed.index)
    m = np.ones((n, n)) if seed is None else _as_float_array(seed, "seed", 2)
    if m.shape != (n, n):
        raise DataError(f"seed has shape {m.shape}; expected ({n}, {n}).")
    m = m.copy()
    if structural_zeros is None:
        m[np.arange(n), np.arange(n)] = 0.0
    else:
        mask = np.asarray(structural_zeros, dtype=bool)
        if mask.shape != (n, n):
            raise DataError(f"structural_zeros has shape {mask.shape}; expected ({n}, {n}).")
        m[mask] = 0.0
    # A region with zero net migration that can only send (or only receive) must have no
    # flows at all; remove its cells so that the multiplicative updates stay finite.
    isolated = []
    changed = True
    while changed:
        changed = False
        in_possible = m.sum(axis=0) > 0
        out_possible = m.sum(axis=1) > 0
        for k in np.flatnonzero((np.abs(net) <= 1e-12 * scale) & (in_possible != out_possible)):
            m[k, :] = 0.0
            m[:, k] = 0.0
            isolated.append(labels[k] if labels else int(k))
            changed = True
    for k in range(n):
        if net[k] > 0 and not in_possible[k]:
            raise ConvergenceError(f"region {labels[k] if labels else k!r} needs a net inflow of "
                                   f"{net[k]:.6g} but the seed allows no flow into it.")
        if net[k] < 0 and not out_possible[k]:
            raise ConvergenceError(f"region {labels[k] if labels else k!r} needs a net outflow of "
                                   f"{-net[k]:.6g} but the seed allows no flow out of it.")

    alpha = np.ones(n)

    def net_error():
        y = m * (alpha[None, :] / alpha[:, None])
        achieved = y.sum(axis=0) - y.sum(axis=1)
        return y, float(_scaled_error(achieved, net).max(initial=0)), \
            float(np.abs(achieved - net).max(initial=0))

    y, scaled, absolute = net_error()
    it = 0
    while scaled > tol and it < max_iter:
        for k in range(n):
            a = float(np.dot(m[:, k], 1.0 / alpha))  # m_kk is 0 unless the user allowed it
            b = float(np.dot(m[k, :], alpha))
            if m[k, k] > 0:  # a self-flow enters both in and out and cancels in the net
                a -= m[k, k] / alpha[k]
                b -= m[k, k] * alpha[k]
            t = net[k]
            if a <= 0 and b <= 0:
                continue
            if a <= 0:
                alpha[k] = -b / t
            elif b <= 0:
                alpha[k] = t / a
            elif t >= 0:
                alpha[k] = (t + np.sqrt(t * t + 4 * a * b)) / (2 * a)
            else:  # algebraically equal root, written without cancellation for t < 0
                alpha[k] = 2 * b / (-t + np.sqrt(t * t + 4 * a * b))
        alpha /= np.exp(np.mean(np.log(alpha)))  # the fit is invariant to a common factor
        it += 1
        y, scaled, absolute = net_error()
    converged = scaled <= tol
    if converged:
        message = (f"converged after {it} sweep(s); largest absolute net error {absolute:.3g} "
                   f"(tolerance {tol:g}, relative for |net| >= 1).")
    else:
        message = (f"did NOT converge after {it} sweep(s) (max_iter={max_iter}); largest "
                   f"absolute net error {absolute:.3g}.")
    if isolated:
        message += (f" Regions {isolated[:10]} have zero net migration and could only send or "
                    f"only receive, so all their flows were set to zero.")
    table = None
    if labels is not None:
        table = pd.DataFrame(y, index=pd.Index(labels, name="orig", dtype=object),
                             columns=pd.Index(labels, name="dest", dtype=object))
    return NetMatrixResult(y, table, it, absolute, bool(converged), message)
