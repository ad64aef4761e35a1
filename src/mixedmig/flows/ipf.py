"""Iterative proportional fitting (IPF) of two- and three-way tables to known margins.

:func:`ipf2` fits a two-way table ``y_ij = a_i b_j m_ij`` to row and column totals, starting from
a prior (auxiliary) table ``m``; :func:`ipf2_quasi` is the quasi-independent fit with the
diagonal held at its largest feasible value (the stayer assumption); :func:`ipf3` fits a
three-way table to two-way margins.  All return an :class:`IPFResult`.

References
----------
Deming, W. E. & Stephan, F. F. (1940). On a least squares adjustment of a sampled frequency table
when the expected marginal totals are known. *Annals of Mathematical Statistics* 11(4), 427-444.
Ireland, C. T. & Kullback, S. (1968). Contingency tables with given marginals. *Biometrika*
55(1), 179-188.
Abel, G. J. (2013). Estimating global migration flow tables using place of birth data.
*Demographic Research* 28(18), 505-546.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError, InfeasibleError, InputError
from ..results import Result
from ._checks import (
    SUM_RTOL,
    _as_float_array,
    _check_sums,
    _labels_of,
    _long_frame,
    _raise_if_strict,
    _safe_ratio,
    _scaled_error,
)

__all__ = ["IPFResult", "ipf2", "ipf2_quasi", "ipf3"]


@dataclass(frozen=True, eq=False)
class IPFResult(Result):
    """Outcome of an iterative proportional fit (:func:`ipf2`, :func:`ipf2_quasi`, :func:`ipf3`).

    Parameters
    ----------
    fitted : numpy.ndarray
        The fitted table: shape (rows, columns) for two-way fits, (layer, rows, columns) for
        three-way fits.
    table : pandas.DataFrame or None
        The fitted table with labels when the inputs carried them: for two-way fits a matrix
        (rows = origin, columns = destination) indexed by the labels of the margins or prior;
        for three-way fits a long table with columns ``names + ("value",)``.  ``None`` for
        unlabelled inputs.
    max_margin_error : float
        Largest absolute difference between a fitted margin entry and its target.
    converged : bool
        Every margin entry ``f`` met ``|f - t| <= tol * max(1, |t|)`` for its target ``t``.
    iterations : int
        IPF cycles used (the largest over layers).
    message : str
        One line: converged or not, the largest margin error, infeasible patterns.
    diagnostics : pandas.DataFrame
        One row per layer (a two-way fit has one layer, 0) with columns ``layer``,
        ``iterations``, ``max_margin_error`` and ``converged``.

    Examples
    --------
    >>> res = ipf2([30, 70], [40, 60])  # made-up margins, prior of ones
    >>> res.converged, res.fitted.round(1).tolist()
    (True, [[12.0, 18.0], [28.0, 42.0]])
    """

    fitted: np.ndarray
    table: pd.DataFrame | None
    max_margin_error: float

    def to_frame(self) -> pd.DataFrame:
        """The fitted table as a tidy long table.

        Returns
        -------
        pandas.DataFrame
            Two-way fits: columns ``orig``, ``dest``, ``flow``, one row per cell in row-major
            order, labelled when the inputs were (else integer positions).  Three-way fits: the
            labelled long ``table`` with its value column named ``flow`` (or, without labels,
            columns ``layer``, ``orig``, ``dest``, ``flow`` with integer positions).

        Examples
        --------
        >>> import pandas as pd
        >>> rows = pd.Series([30.0, 70.0], index=["A", "B"])  # made-up margins
        >>> cols = pd.Series([40.0, 60.0], index=["A", "B"])
        >>> ipf2(rows, cols).to_frame().round(1)
          orig dest  flow
        0    A    A  12.0
        1    A    B  18.0
        2    B    A  28.0
        3    B    B  42.0
        """
        if self.fitted.ndim == 3:
            if self.table is not None:
                return self.table.rename(columns={"value": "flow"})
            k, n_rows, n_cols = self.fitted.shape
            return pd.DataFrame({"layer": np.repeat(np.arange(k), n_rows * n_cols),
                                 "orig": np.tile(np.repeat(np.arange(n_rows), n_cols), k),
                                 "dest": np.tile(np.arange(n_cols), k * n_rows),
                                 "flow": self.fitted.reshape(-1)})
        if self.table is not None:
            return _long_frame(self.table.to_numpy(), self.table.index, self.table.columns)
        return _long_frame(self.fitted, range(self.fitted.shape[0]), range(self.fitted.shape[1]))


def _layer_diagnostics(fit: _LayerFit) -> pd.DataFrame:
    return pd.DataFrame({"layer": np.arange(len(fit.iterations)),
                         "iterations": np.asarray(fit.iterations, dtype=int),
                         "max_margin_error": np.asarray(fit.max_error, dtype=float),
                         "converged": np.asarray(fit.converged, dtype=bool)})


@dataclass(frozen=True)
class _LayerFit:
    fitted: np.ndarray
    iterations: np.ndarray
    max_error: np.ndarray
    converged: np.ndarray


def _fit_layers(prior: np.ndarray, row_t: np.ndarray | None, col_t: np.ndarray | None,
                tol: float, max_iter: int) -> _LayerFit:
    """Fit y[k] ~ prior[k] to row targets row_t[k] and column targets col_t[k] for every k.

    Row and column scaling per cycle (Deming & Stephan 1940); layers that meet the tolerance
    stop iterating, so each layer has its own iteration count.
    """
    y = prior.copy()
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


def _fit_table_newton(prior: np.ndarray, row_t: np.ndarray, col_t: np.ndarray, tol: float,
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
    y = prior.astype(float, copy=True)
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


def _unsupported(prior: np.ndarray, row_t, col_t) -> tuple[list, list]:
    """Rows/columns (per layer) with a positive target but no cell allowed to be positive."""
    bad_rows, bad_cols = [], []
    if row_t is not None:
        bad_rows = [tuple(int(i) for i in p)
                    for p in np.argwhere((prior.sum(axis=2) == 0) & (row_t > 0))]
    if col_t is not None:
        bad_cols = [tuple(int(i) for i in p)
                    for p in np.argwhere((prior.sum(axis=1) == 0) & (col_t > 0))]
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


def _quasi_split(row_t: np.ndarray, col_t: np.ndarray, prior: np.ndarray):
    """Stayer (minimum migration) split: diagonal = min(row_i, col_i), residual margins."""
    diag = np.minimum(row_t, col_t)  # (K, n)
    n = row_t.shape[1]
    prior = prior.copy()
    idx = np.arange(n)
    prior[:, idx, idx] = 0.0
    return diag, row_t - diag, col_t - diag, prior


def ipf2(row_totals, col_totals, prior=None, *, structural_zeros=None, diagonal=None,
         tol: float = 1e-10, max_iter: int = 1000, strict: bool = False) -> IPFResult:
    """Two-way iterative proportional fitting of a table to its row and column totals.

    Fits ``y_ij = a_i b_j m_ij``, the maximum-likelihood estimate of the log-linear model
    ``log y_ij = log a_i + log b_j + log m_ij`` with prior (auxiliary) table ``m``, by
    alternately scaling rows and columns (Deming & Stephan 1940).  The fit is also the table
    with the given margins closest to the prior in Kullback-Leibler divergence (Ireland &
    Kullback 1968).  Either margin may be ``None`` (one proportional scaling).

    Parameters
    ----------
    row_totals : array_like or pandas.Series or None, shape (n_rows,)
        Target row sums (rows = origin); a Series gives the row labels.
    col_totals : array_like or pandas.Series or None, shape (n_cols,)
        Target column sums (columns = destination); a Series gives the column labels.
    prior : array_like or pandas.DataFrame, shape (n_rows, n_cols), optional
        Non-negative prior (auxiliary) table ``m`` (e.g. inverse distance); default ones.  A
        DataFrame must have the margins' labels in the same order and gives the labels.
    structural_zeros : array_like of bool, shape (n_rows, n_cols), optional
        ``True`` cells are fixed at 0.
    diagonal : {None, "zero", "max"}, optional
        ``None``: diagonal cells fitted like any other; ``"zero"``: diagonal structurally zero;
        ``"max"``: quasi-independence with the diagonal fixed at its largest feasible value
        ``min(row_i, col_i)`` and the off-diagonal fitted to the remaining margins (the stayer
        or minimum-migration assumption of Abel 2013, section 2.1).  Needs a square table.
    tol : float, default 1e-10
        Convergence tolerance: every fitted margin entry ``f`` must meet
        ``|f - t| <= tol * max(1, |t|)``.
    max_iter : int, default 1000
        Largest number of IPF cycles (one cycle scales rows, then columns).
    strict : bool, default False
        Raise :class:`~mixedmig.errors.ConvergenceError` instead of returning a result with
        ``converged=False``.

    Returns
    -------
    IPFResult
        ``fitted`` array, labelled ``table`` (when labels were given), ``max_margin_error``,
        ``iterations``, ``converged``, ``message`` and per-layer ``diagnostics``.

    Raises
    ------
    InputError
        Neither margin given, one margin without a prior, or an unknown ``diagonal``.
    DataError
        Negative or non-finite counts, shapes or labels that do not match.
    InfeasibleError
        Row and column totals whose sums differ by more than a relative 1e-6.
    ConvergenceError
        ``strict=True`` and the fit did not converge within ``max_iter`` cycles.

    Notes
    -----
    Each cycle sets ``y_ij <- y_ij r_i / sum_j y_ij`` and then ``y_ij <- y_ij c_j / sum_i y_ij``.
    The fit keeps every odds ratio of the prior: ``y_ij y_kl / (y_il y_kj) = m_ij m_kl /
    (m_il m_kj)``.  A row or column with a positive target whose prior cells are all zero
    cannot be fitted; the message names it.

    References
    ----------
    Deming, W. E. & Stephan, F. F. (1940). *Annals of Mathematical Statistics* 11(4), 427-444.
    Ireland, C. T. & Kullback, S. (1968). *Biometrika* 55(1), 179-188.
    Abel, G. J. (2013). *Demographic Research* 28(18), 505-546.

    Examples
    --------
    With a prior of ones the fit is the independence table ``r_i c_j / T`` (made-up margins):

    >>> ipf2([30, 70], [40, 60]).fitted.round(6).tolist()
    [[12.0, 18.0], [28.0, 42.0]]

    The prior's odds ratio ``1 * 4 / (2 * 3) = 2/3`` is kept:

    >>> y = ipf2([10, 10], [10, 10], [[1, 2], [3, 4]]).fitted
    >>> round(float(y[0, 0] * y[1, 1] / (y[0, 1] * y[1, 0])), 6)
    0.666667
    """
    row_labels = _labels_of(row_totals)
    col_labels = _labels_of(col_totals)
    if row_totals is None and col_totals is None:
        raise InputError("ipf2 needs at least one of row_totals and col_totals.")
    row = None if row_totals is None else _as_float_array(row_totals, "row_totals", 1)
    col = None if col_totals is None else _as_float_array(col_totals, "col_totals", 1)

    if isinstance(prior, pd.DataFrame):
        prior_rows, prior_cols = list(prior.index), list(prior.columns)
        if row_labels is not None and row_labels != prior_rows:
            raise DataError("prior row labels differ from the labels of row_totals (or their "
                            "order); align them with prior.loc[row_labels, col_labels].")
        if col_labels is not None and col_labels != prior_cols:
            raise DataError("prior column labels differ from the labels of col_totals (or their "
                            "order); align them with prior.loc[row_labels, col_labels].")
        row_labels, col_labels = prior_rows, prior_cols
    if prior is not None:
        m = _as_float_array(prior, "prior", 2)
        n_rows, n_cols = m.shape
    else:
        n_rows = len(row) if row is not None else None
        n_cols = len(col) if col is not None else None
        if n_rows is None or n_cols is None:
            raise InputError("with only one margin, pass a prior so the other dimension is known.")
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
    message = _fit_message(conv, its, err, tol, max_iter, extra)
    _raise_if_strict(strict, conv, "ipf2", message)
    return IPFResult(fitted=y, table=table, max_margin_error=err, converged=conv,
                     iterations=its, message=message, diagnostics=_layer_diagnostics(fit))


def ipf2_quasi(row_totals, col_totals, prior=None, *, structural_zeros=None,
               tol: float = 1e-10, max_iter: int = 1000, strict: bool = False) -> IPFResult:
    """Quasi-independent two-way IPF: :func:`ipf2` with the diagonal at its maximum.

    The diagonal is fixed at ``min(row_i, col_i)`` (the largest number of stayers compatible
    with both margins) and the off-diagonal cells are fitted to the remaining margins
    ``row_i - y_ii`` and ``col_j - y_jj`` in proportion to the prior (Abel 2013, section 2.1).

    Parameters
    ----------
    row_totals : array_like or pandas.Series, shape (n,)
        Target row sums (rows = origin, e.g. start-of-period residence).
    col_totals : array_like or pandas.Series, shape (n,)
        Target column sums (columns = destination, e.g. end-of-period residence).
    prior : array_like or pandas.DataFrame, shape (n, n), optional
        Non-negative prior (auxiliary) table; default ones.  Its diagonal is not used.
    structural_zeros : array_like of bool, shape (n, n), optional
        ``True`` cells are fixed at 0.
    tol : float, default 1e-10
        Convergence tolerance, ``|f - t| <= tol * max(1, |t|)`` on every margin entry.
    max_iter : int, default 1000
        Largest number of IPF cycles.
    strict : bool, default False
        Raise :class:`~mixedmig.errors.ConvergenceError` on non-convergence.

    Returns
    -------
    IPFResult
        As for :func:`ipf2`.

    Raises
    ------
    InputError, DataError, InfeasibleError, ConvergenceError
        As for :func:`ipf2`.

    Notes
    -----
    ``y_ii = min(r_i, c_i)``; for ``i != j``, ``y_ij = a_i b_j m_ij`` with
    ``sum_{j != i} y_ij = r_i - y_ii`` and ``sum_{i != j} y_ij = c_j - y_jj``.

    References
    ----------
    Abel, G. J. (2013). Estimating global migration flow tables using place of birth data.
    *Demographic Research* 28(18), 505-546.

    Examples
    --------
    Made-up margins: 50 of 60 and 30 of 40 stay; the 10 movers each way fill the off-diagonal.

    >>> ipf2_quasi([60, 40], [50, 50]).fitted.round(6).tolist()
    [[50.0, 10.0], [0.0, 40.0]]
    """
    return ipf2(row_totals, col_totals, prior, structural_zeros=structural_zeros,
                diagonal="max", tol=tol, max_iter=max_iter, strict=strict)


def _apply_zeros(m: np.ndarray, structural_zeros, diagonal) -> np.ndarray:
    if diagonal not in (None, "max", "zero"):
        raise InputError(f"diagonal must be None, 'max' or 'zero', got {diagonal!r}.")
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
            raise InputError(f"diagonal={diagonal!r} needs a square table, got shape {m.shape}.")
        if diagonal == "zero":
            idx = np.arange(m.shape[-1])
            m[..., idx, idx] = 0.0
    return m


def _ipf2_core(m3, row3, col3, diagonal, tol, max_iter) -> tuple[_LayerFit, str]:
    """Fit stacked layers, with the quasi-independent split when diagonal == 'max'."""
    if diagonal == "max":
        if row3 is None or col3 is None:
            raise InputError("diagonal='max' needs both row and column totals.")
        diag, row_r, col_r, prior_r = _quasi_split(row3, col3, m3)
        bad_rows, bad_cols = _unsupported(prior_r, row_r, col_r)
        fit = _fit_layers(prior_r, row_r, col_r, tol, max_iter)
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
                 "have a positive target but every prior cell in them is zero.")
    return fit, extra


def ipf3(prior, margins: Mapping, *, structural_zeros=None, diagonal=None,
         tol: float = 1e-10, max_iter: int = 1000, labels=None,
         names=("layer", "orig", "dest"), strict: bool = False) -> IPFResult:
    """Three-way iterative proportional fitting to two-way margins.

    Fits ``y_kij`` to any of the two-way margins ``(0, 1)``, ``(0, 2)`` and ``(1, 2)``; the fit
    is the maximum-likelihood estimate of the log-linear model with the corresponding two-way
    interactions plus ``log m_kij`` (Abel 2013, section 2).  With margins ``(0, 1)`` and
    ``(0, 2)`` only, the layers ``k`` are independent two-way fits (each with its own iteration
    count), and ``diagonal="max"`` fixes each layer's diagonal at ``min(t01[k, i], t02[k, i])``
    (stayer assumption, Abel 2013 section 2.1), the fit used by :func:`flows_demographic`.

    Parameters
    ----------
    prior : array_like, shape (K, n_rows, n_cols)
        Non-negative prior (auxiliary) table ``m``, e.g. birthplace x origin x destination.
    margins : mapping
        ``{(axis, axis): target}``: the target of each pair of kept axes, e.g.
        ``{(0, 1): t01, (0, 2): t02}`` where ``t01[k, i] = sum_j y[k, i, j]``.
    structural_zeros : array_like of bool, optional
        ``True`` cells are fixed at 0 (broadcast to the table's shape).
    diagonal : {None, "zero", "max"}, optional
        As in :func:`ipf2`, applied to every layer; ``"max"`` needs exactly the margins
        ``(0, 1)`` and ``(0, 2)``.
    tol : float, default 1e-10
        Convergence tolerance, ``|f - t| <= tol * max(1, |t|)`` on every margin entry.
    max_iter : int, default 1000
        Largest number of cycles (one cycle scales to every margin in turn).
    labels : sequence of three sequences, optional
        Labels of the three axes; gives a long labelled ``table``.
    names : tuple of three str, default ("layer", "orig", "dest")
        Column names of the three axes in ``table``.
    strict : bool, default False
        Raise :class:`~mixedmig.errors.ConvergenceError` on non-convergence.

    Returns
    -------
    IPFResult
        ``fitted`` of shape (K, n_rows, n_cols); ``table`` with columns ``names + ("value",)``
        when ``labels`` were given; ``diagnostics`` one row per layer (layered fits) or one
        row for the whole table.

    Raises
    ------
    InputError
        Empty or unknown margin keys, or ``diagonal="max"`` with other margins.
    DataError
        Negative counts, margins or labels of the wrong shape.
    InfeasibleError
        Two margins that disagree on a shared one-way total (e.g. ``t01.sum(1) !=
        t02.sum(1)``), naming both sums and the gap.
    ConvergenceError
        ``strict=True`` and the fit did not converge.

    Notes
    -----
    Each cycle multiplies ``y`` by ``t / S`` for every margin in turn, where ``S`` is the
    current sum of ``y`` over the axis the margin omits.

    References
    ----------
    Deming, W. E. & Stephan, F. F. (1940). *Annals of Mathematical Statistics* 11(4), 427-444.
    Abel, G. J. (2013). *Demographic Research* 28(18), 505-546.

    Examples
    --------
    Two made-up layers with a prior of ones: each layer is its own independence table.

    >>> import numpy as np
    >>> res = ipf3(np.ones((2, 2, 2)), {(0, 1): [[1, 3], [2, 2]], (0, 2): [[2, 2], [1, 3]]})
    >>> res.fitted.round(6).tolist()
    [[[0.5, 0.5], [1.5, 1.5]], [[0.5, 1.5], [0.5, 1.5]]]
    """
    m = _as_float_array(prior, "prior", 3)
    if not isinstance(margins, Mapping) or not margins:
        raise InputError("margins must be a non-empty mapping {(axis, axis): target}.")
    targets = {}
    for key, target in margins.items():
        key = tuple(sorted(int(a) for a in key))
        if key not in ((0, 1), (0, 2), (1, 2)):
            raise InputError(f"margin key {key} is not one of (0, 1), (0, 2), (1, 2).")
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
                raise InfeasibleError(
                    f"margins {ka} and {kb} disagree on axis {shared} total at index {pos}: "
                    f"{sa[pos]:.10g} vs {sb[pos]:.10g} (gap {sa[pos] - sb[pos]:.6g}); IPF can "
                    f"only fit consistent margins. Rescale that slice of margin {kb} by "
                    f"{sa[pos]:.10g} / {sb[pos]:.10g} (or of {ka} by the inverse).")
    m = _apply_zeros(m, structural_zeros, diagonal)

    layered = set(keys) <= {(0, 1), (0, 2)}
    if diagonal == "max" and not (layered and len(keys) == 2):
        raise InputError("diagonal='max' needs exactly the margins (0, 1) and (0, 2).")
    if layered:
        fit, extra = _ipf2_core(m, targets.get((0, 1)), targets.get((0, 2)), diagonal,
                                tol, max_iter)
        y = fit.fitted
        its = int(fit.iterations.max(initial=0))
        err = float(fit.max_error.max(initial=0))
        conv = bool(fit.converged.all())
        diagnostics = _layer_diagnostics(fit)
        if not conv:
            extra = (f"Layers not converged: {np.flatnonzero(~fit.converged)[:10].tolist()}. "
                     + extra).strip()
    else:
        y, its, err, conv = _fit_general(m, targets, tol, max_iter)
        extra = ""
        diagnostics = pd.DataFrame({"layer": ["all"], "iterations": [int(its)],
                                    "max_margin_error": [float(err)],
                                    "converged": [bool(conv)]})
    table = None
    if labels is not None:
        labels = [list(lab) for lab in labels]
        if [len(lab) for lab in labels] != list(y.shape):
            raise DataError(f"labels have lengths {[len(lab) for lab in labels]}; the table "
                            f"has shape {y.shape}.")
        grid = np.meshgrid(*[np.asarray(lab, dtype=object) for lab in labels], indexing="ij")
        table = pd.DataFrame({names[0]: grid[0].reshape(-1), names[1]: grid[1].reshape(-1),
                              names[2]: grid[2].reshape(-1), "value": y.reshape(-1)})
    message = _fit_message(conv, its, err, tol, max_iter, extra)
    _raise_if_strict(strict, conv, "ipf3", message)
    return IPFResult(fitted=y, table=table, max_margin_error=err, converged=bool(conv),
                     iterations=int(its), message=message, diagnostics=diagnostics)


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
