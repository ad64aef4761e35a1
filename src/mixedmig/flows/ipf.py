"""Iterative proportional fitting (Deming & Stephan 1940) of two- and three-way tables."""

from __future__ import annotations
from collections.abc import Mapping
from dataclasses import dataclass
import numpy as np
import pandas as pd
from ..errors import InfeasibleError, DataError, InputError
from ._checks import SUM_RTOL
from ._checks import _as_float_array
from ._checks import _check_sums
from ._checks import _labels_of
from ._checks import _safe_ratio
from ._checks import _scaled_error


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
    whose totals differ by more than a relative 1e-6 raise :class:`InfeasibleError` before
    iterating.
    """
    row_labels = _labels_of(row_totals)
    col_labels = _labels_of(col_totals)
    if row_totals is None and col_totals is None:
        raise InputError("ipf2 needs at least one of row_totals and col_totals.")
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
            raise InputError("with only one margin, pass a seed so the other dimension is known.")
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
    :class:`InfeasibleError` before iterating.  ``labels`` (three label lists) gives a long
    labelled ``table`` with columns ``names + ("value",)``.
    """
    m = _as_float_array(seed, "seed", 3)
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
                    f"{sa[pos]:.10g} vs {sb[pos]:.10g}; IPF can only fit consistent margins.")
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
