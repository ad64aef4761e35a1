"""Separation pre-check for PPML: observations for which the Poisson ML estimate does not exist.

Two checks, repeated until nothing more is dropped (see :mod:`mixedmig.gravity`):

1. fixed-effect check: a fixed-effect group whose flows are all zero has a fixed effect that
   diverges to minus infinity; its rows carry no information and are dropped;
2. linear-programming check: a zero-flow observation is separated when some combination
   ``z = X g`` of the intercept, regressors and fixed-effect dummies is zero on every positive
   flow, non-negative on every zero flow and positive on that one.  It solves
   ``max sum(z_0)  s.t.  X_+ g = 0,  0 <= X_0 g <= 1`` with scipy's HiGHS solver and drops the
   zero-flow rows with ``z > 0``.

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
from scipy import optimize

from ._prepare import _dummies, _Prepared

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
    dropped = 0
    for spec, codes, labels in zip(prep.fe, prep.fe_codes, prep.fe_labels):
        act = prep.active
        totals = np.bincount(codes[act], weights=prep.y[act], minlength=len(labels))
        counts = np.bincount(codes[act], minlength=len(labels))
        empty_groups = np.flatnonzero((counts > 0) & (totals == 0))
        for g in empty_groups:
            rows = np.flatnonzero(act & (codes == g))
            for pos in rows:
                prep.reasons[int(pos)] = (
                    f"all flows are zero in fixed-effect group {labels[g]} "
                    "(its fixed effect would diverge; no information)"
                )
            prep.active[rows] = False
            dropped += len(rows)
    return dropped


def _lp_check(prep: _Prepared, notes: list[tuple]) -> int:
    act = np.flatnonzero(prep.active)
    zero = prep.y[act] == 0
    if not zero.any() or zero.all():
        return 0
    x = prep.x[act]
    scale = np.abs(x).max(axis=0)
    scale[scale == 0] = 1.0
    blocks = [np.ones((len(act), 1)), x / scale]
    for codes in prep.fe_codes:
        blocks.append(_dummies(codes[act]))
    design = np.hstack(blocks)
    x_zero, x_pos = design[zero], design[~zero]
    n_zero = x_zero.shape[0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lp = optimize.linprog(
            c=-x_zero.sum(axis=0),
            A_ub=np.vstack([x_zero, -x_zero]),
            b_ub=np.concatenate([np.ones(n_zero), np.zeros(n_zero)]),
            A_eq=x_pos,
            b_eq=np.zeros(x_pos.shape[0]),
            bounds=(None, None),
            method="highs",
        )
    notes.extend(("warning", w.category.__name__,
                  f"separation LP: {w.category.__name__}: {w.message}") for w in caught)
    if lp.status != 0:
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
