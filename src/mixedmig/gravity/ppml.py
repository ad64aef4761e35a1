"""Poisson pseudo-maximum-likelihood (PPML) gravity models with fixed effects."""

from __future__ import annotations
import warnings
from typing import Sequence
import numpy as np
import pandas as pd
import statsmodels.api as sm
from ..errors import InputError
from .result import GravityResult
from ._prepare import SEPARATION_CHECKS
from ._prepare import _Prepared
from .result import _coefficient_tables
from .separation import _drop_separated
from .separation import _dummies
from ._prepare import _prepare
from .result import _result
from ._prepare import _Design


_COLLINEAR_TOL = 1e-9


def fit_ppml(
    df: pd.DataFrame,
    flow: str,
    regressors: Sequence[str] | str,
    fe: Sequence[str | Sequence[str]] = ("orig", "dest"),
    cluster: str | Sequence[str] | None = None,
    cov: str = "HC1",
    *,
    separation: str = "fe+lp",
    alpha: float = 0.05,
    maxiter: int = 100,
    tol: float = 1e-8,
) -> GravityResult:
    """Poisson pseudo-maximum-likelihood gravity model with fixed effects.

    ``flow_ij ~ Poisson-PML(exp(x_ij' b + sum of fixed effects))`` (Santos Silva & Tenreyro
    2006, "The log of gravity", REStat 88(4):641-658), fitted by statsmodels GLM (IRLS).

    Parameters
    ----------
    df : long table, one row per observation (e.g. origin-destination pair).
    flow : column of non-negative flows (zeros allowed).
    regressors : numeric (or boolean) columns; transform them yourself (e.g. ``log_dist``).
    fe : fixed effects; each entry is a column name or a tuple of columns whose combination
        is one fixed effect (e.g. ``("orig", "year")``).  ``()`` fits an intercept only.
    cluster : ``None`` for heteroskedasticity-robust (``cov``) standard errors, else a column
        name, or a tuple of columns whose combination defines the clusters (e.g.
        ``("orig", "dest")`` clusters by pair).  Cluster-robust errors use statsmodels' CRV1
        correction ``G/(G-1) * (N-1)/(N-K)``, K counting the fixed-effect dummies.
    cov : ``"HC1"`` (default, ``n/(n-k)`` scaled sandwich), ``"HC0"`` or ``"nonrobust"``.
    separation : ``"fe+lp"`` (default; both checks of the module docstring), ``"fe"`` (all-zero
        fixed-effect groups only) or ``"none"``.
    alpha : level of the ``1 - alpha`` confidence intervals.
    maxiter, tol : IRLS limits passed to ``statsmodels.GLM.fit`` (tol is its deviance criterion).

    Raises :class:`~mixedmig.errors.SchemaError` for a missing or non-numeric column,
    :class:`~mixedmig.errors.DataError` for negative or infinite values, and
    :class:`~mixedmig.errors.InputError` for an inconsistent specification or too few rows.
    """
    if separation not in SEPARATION_CHECKS:
        raise InputError(
            f"separation={separation!r} is not one of {SEPARATION_CHECKS}; "
            "use 'fe+lp' unless you know the data cannot be separated"
        )
    prep = _prepare(df, flow, regressors, fe, cluster, cov, alpha)
    notes: list[str] = []
    if separation != "none":
        _drop_separated(prep, lp=(separation == "fe+lp"), notes=notes)
    design = _build_design(prep, notes)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = sm.GLM(prep.y[prep.active], design.matrix, family=sm.families.Poisson())
        try:
            res = model.fit(maxiter=maxiter, tol=tol, **_cov_arguments(prep, cov))
        except (ValueError, np.linalg.LinAlgError) as exc:
            raise InputError(f"the PPML fit failed: {exc}") from exc
        converged = bool(res.converged)
        iterations = int(res.fit_history["iteration"])
        pseudo_r2 = float(1.0 - res.llf / res.llnull)
        fitted = np.asarray(res.fittedvalues, dtype=float)
        coef = _coefficient_tables(res, design, prep, alpha)
    if not converged:
        notes.append(
            f"IRLS did not converge in {maxiter} iterations (deviance tolerance {tol}); "
            "coefficients may be unreliable -- check for separation or raise maxiter"
        )
    return _result("ppml", prep, design, coef, notes, caught, converged, iterations,
                   pseudo_r2, fitted, cov)




def _build_design(prep: _Prepared, notes: list[str]) -> _Design:
    act = prep.active
    n = int(act.sum())
    if n == 0:
        raise InputError("no observations are left after dropping rows with missing values, "
                         "zero flows (OLS) or separated observations (PPML)")
    blocks = [np.ones((n, 1))]
    names = ["intercept"]
    for spec, codes in zip(prep.fe, prep.fe_codes):
        block = _dummies(codes[act])
        blocks.append(block)
        names += [f"fe:{' x '.join(spec)}"] * block.shape[1]
    blocks.append(prep.x[act])
    names += list(prep.regressors)
    matrix = np.hstack(blocks)
    if n <= matrix.shape[1]:
        raise InputError(
            f"only {n} observation(s) remain for {matrix.shape[1]} parameters (regressors, "
            "intercept and fixed-effect dummies); the model cannot be estimated"
        )
    keep = _independent_columns(matrix)
    n_fe_removed = 0
    for k in np.flatnonzero(~keep):
        if names[k].startswith("fe:"):
            n_fe_removed += 1
        else:
            notes.append(
                f"regressor '{names[k]}' is not identified (no variation, or collinear with "
                "the fixed effects and other regressors, after dropping rows); its "
                "coefficient is reported as NaN"
            )
    if n_fe_removed:
        notes.append(f"{n_fe_removed} fixed-effect dummy column(s) collinear with the other "
                     "fixed effects were removed (expected for interacted effects such as "
                     "origin-year and destination-year; otherwise a sign of disconnected "
                     "groups); regressor coefficients are unaffected")
    matrix = matrix[:, keep]
    kept_names = [name for name, k in zip(names, keep) if k]
    regressor_columns = {name: i for i, name in enumerate(kept_names) if name in prep.regressors}
    if n <= matrix.shape[1]:
        raise InputError(
            f"only {n} observation(s) remain for {matrix.shape[1]} parameters (regressors, "
            "intercept and fixed-effect dummies); the model cannot be estimated"
        )
    return _Design(matrix, regressor_columns)


def _independent_columns(matrix: np.ndarray) -> np.ndarray:
    """Mask of columns that are not linear combinations of the columns before them."""
    keep = np.ones(matrix.shape[1], dtype=bool)
    norms = np.linalg.norm(matrix, axis=0)
    keep[norms == 0] = False
    while True:
        cols = np.flatnonzero(keep)
        r = np.linalg.qr(matrix[:, cols], mode="r")
        ratio = np.abs(np.diag(r)) / norms[cols]
        dependent = np.flatnonzero(ratio < _COLLINEAR_TOL)
        if len(dependent) == 0:
            return keep
        keep[cols[dependent[0]]] = False


def _cov_arguments(prep: _Prepared, cov: str) -> dict:
    if prep.cluster is None:
        return {"cov_type": cov}
    groups = np.unique(prep.cluster_codes[prep.active], return_inverse=True)[1]
    if groups.max() < 1:
        raise InputError(f"cluster={prep.cluster} has a single cluster among the rows used; "
                         "cluster-robust standard errors need at least two")
    return {"cov_type": "cluster", "cov_kwds": {"groups": groups}}
