"""A full non-negative OD matrix that reproduces a vector of net migration totals."""

from __future__ import annotations
from dataclasses import dataclass
import numpy as np
import pandas as pd
from ..errors import InfeasibleError, DataError
from ._checks import SUM_RTOL
from ._checks import _as_float_array
from ._checks import _labels_of
from ._checks import _scaled_error


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
        raise InfeasibleError(
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
            raise InfeasibleError(f"region {labels[k] if labels else k!r} needs a net inflow of "
                                   f"{net[k]:.6g} but the seed allows no flow into it.")
        if net[k] < 0 and not out_possible[k]:
            raise InfeasibleError(f"region {labels[k] if labels else k!r} needs a net outflow of "
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
