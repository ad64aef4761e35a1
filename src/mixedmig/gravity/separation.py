"""Separation pre-check for PPML: observations for which the Poisson ML estimate does not exist.

Two checks, repeated until nothing more is dropped (see :mod:`mixedmig.gravity`):

1. fixed-effect check: a fixed-effect group whose flows are all zero has a fixed effect that
   diverges to minus infinity; its rows carry no information and are dropped;
2. linear-programming check: a zero-flow observation is separated when some combination
   ``z = X g`` of the intercept, regressors and fixed-effect dummies is zero on every positive
   flow, non-negative on every zero flow and positive on that one.  It solves
   ``max sum(z_0)  s.t.  X_+ g = 0,  0 <= X_0 g <= 1`` with scipy's HiGHS solver (sparse
   constraint matrices, no dense ``n x k`` array) and drops the zero-flow rows with ``z > 0``.
   The LP is skipped when the positive-flow rows alone have the rank of the whole design
   (then ``X_+ g = 0`` implies ``X g = 0`` and nothing can be separated); that rank is found
   without dummies (connected components of the fixed-effect levels, regressors residualised
   on the fixed effects by alternating projections).

References
----------
Santos Silva, J. M. C. & Tenreyro, S. (2010). On the existence of the maximum likelihood estimates
in Poisson regression. *Economics Letters* 107(2): 310-312.
Correia, S., Guimaraes, P. & Zylkin, T. (2019). Verifying the existence of maximum likelihood
estimates for generalized linear models. arXiv:1903.01633.
"""

from __future__ import annotations

import warnings

import numpy as np

from ._prepare import _Prepared

_SEPARATION_TOL = 1e-6


def _drop_separated(prep: _Prepared, lp: bool, notes: list[tuple]) -> None:
    """Iterate the fixed-effect check and (optionally) the LP check until nothing changes.

    Appends (check, value, note) triples to ``notes``."""
    n_fe = n_lp = 0
    while True:
        dropped_fe = _fe_check(prep)
        n_fe += dropped_fe
        dropped_lp = _lp_check(prep, notes) if lp else 0
        n_lp += dropped_lp
        if dropped_fe == 0 and dropped_lp == 0:
            break
    if n_fe:
        notes.append(("separation", n_fe,
                      (f"separation: {n_fe} row(s) dropped in fixed-effect groups whose flows "
                      "are all zero")))
    if n_lp:
        notes.append(("separation", n_lp,
                      (f"separation: {n_lp} zero-flow row(s) dropped because a linear "
                      "combination of the regressors perfectly predicts them (LP check)")))


def _fe_check(prep: _Prepared) -> int:
    """Drop the active rows of fixed-effect groups whose active flows are all zero.

    Vectorised with ``numpy.bincount`` per fixed effect: time and memory grow as ``n``."""
    dropped = 0
    for codes, labels in zip(prep.fe_codes, prep.fe_labels):
        act = prep.active
        totals = np.bincount(codes[act], weights=prep.y[act], minlength=len(labels))
        counts = np.bincount(codes[act], minlength=len(labels))
        empty = (counts > 0) & (totals == 0)
        if not empty.any():
            continue
        rows = np.flatnonzero(act & empty[np.maximum(codes, 0)] & (codes >= 0))
        for pos, g in zip(rows.tolist(), codes[rows].tolist()):
            prep.reasons[pos] = (
                f"all flows are zero in fixed-effect group {labels[g]} "
                "(its fixed effect would diverge; no information)"
            )
        prep.active[rows] = False
        dropped += len(rows)
    return dropped


def _sparse_design(prep: _Prepared, act: np.ndarray):
    """Sparse CSR design of the rows ``act``: intercept, regressors scaled to max |x| = 1,
    then one 0/1 column per fixed-effect level present (the first level of each dropped).

    Holds about ``n * (1 + p + number of fixed effects)`` non-zeros: no dense ``n x k``
    array is formed."""
    from scipy import sparse

    n = len(act)
    x = prep.x[act]
    scale = np.abs(x).max(axis=0) if n else np.ones(x.shape[1])
    scale[scale == 0] = 1.0
    blocks = [sparse.csr_matrix(np.ones((n, 1))), sparse.csr_matrix(x / scale)]
    for codes in prep.fe_codes:
        blocks.append(_sparse_dummies(codes[act]))
    return sparse.hstack(blocks, format="csr")


def _sparse_dummies(codes: np.ndarray):
    """Sparse one-hot columns for the levels present in ``codes``, first level dropped."""
    from scipy import sparse

    _, inverse = np.unique(codes, return_inverse=True)
    n_levels = int(inverse.max()) + 1 if len(inverse) else 0
    onehot = sparse.csr_matrix((np.ones(len(codes)), (np.arange(len(codes)), inverse)),
                               shape=(len(codes), n_levels))
    return onehot[:, 1:]


def _no_separation_possible(prep: _Prepared, act: np.ndarray, zero: np.ndarray) -> bool:
    """True when the positive-flow rows alone have the rank of the whole design.

    Then the null spaces of ``X_+`` and ``X`` are equal, so ``X_+ g = 0`` forces ``X g = 0``
    and no zero-flow row can be separated: the LP is not needed.  The rank is computed without
    dummies: fixed effects by :func:`~mixedmig.gravity._absorbed._fe_rank` (on all rows and on
    the positive ones), regressors by the QR of their residuals on the fixed effects of the
    positive rows, counted as full only when every ``|R_jj| / ||x_j||`` exceeds 1e-6.  False
    (run the LP) whenever this is not clear-cut."""
    from ._absorbed import _compact, _demean, _fe_rank, _identified

    all_codes = [c[act] for c in prep.fe_codes]
    pos_codes = [c[~zero] for c in all_codes]
    rank_all, exact_all = _fe_rank(_compact(all_codes))
    compact_pos = _compact(pos_codes)
    rank_pos, exact_pos = _fe_rank(compact_pos)
    if not (exact_all and exact_pos) or rank_pos != rank_all:
        return False
    x_pos = prep.x[act][~zero]
    resid, converged = _demean(x_pos, compact_pos or [np.zeros(len(x_pos), dtype=np.int64)],
                               tol=1e-13)
    return bool(converged and _identified(x_pos, resid, 1e-6).all())


def _lp_check(prep: _Prepared, notes: list[tuple]) -> int:
    from scipy import optimize

    act = np.flatnonzero(prep.active)
    zero = prep.y[act] == 0
    if not zero.any() or zero.all():
        return 0
    if _no_separation_possible(prep, act, zero):
        return 0
    design = _sparse_design(prep, act)
    x_zero, x_pos = design[zero], design[~zero]
    n_zero = x_zero.shape[0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lp = optimize.milp(
            c=-np.asarray(x_zero.sum(axis=0)).ravel(),
            constraints=[optimize.LinearConstraint(x_zero, np.zeros(n_zero), np.ones(n_zero)),
                         optimize.LinearConstraint(x_pos, 0.0, 0.0)],
            bounds=optimize.Bounds(-np.inf, np.inf),
        )
    notes.extend(("warning", w.category.__name__,
                  f"separation LP: {w.category.__name__}: {w.message}") for w in caught)
    if lp.status != 0 or lp.x is None:
        notes.append(("separation", lp.status,
                      (f"separation LP check could not be completed ({lp.message}); "
                      "only the fixed-effect check was applied")))
        return 0
    certificate = x_zero @ lp.x
    separated = certificate > _SEPARATION_TOL
    if not separated.any():
        return 0
    gamma_reg = lp.x[1 : 1 + len(prep.regressors)]
    involved = [r for r, g in zip(prep.regressors, gamma_reg) if abs(g) > _SEPARATION_TOL]
    what = ("regressor(s) " + ", ".join(f"'{r}'" for r in involved)) if involved else \
        "the fixed effects"
    reason = (f"zero flow perfectly predicted by {what} (separation, LP check of "
              "Correia, Guimaraes & Zylkin 2019)")
    positions = act[zero][separated]
    for pos in positions:
        prep.reasons[int(pos)] = reason
    prep.active[positions] = False
    return len(positions)
