"""Poisson pseudo-maximum-likelihood (PPML) gravity models with fixed effects.

References
----------
Santos Silva, J. M. C. & Tenreyro, S. (2006). The log of gravity. *Review of Economics and
Statistics* 88(4): 641-658.
Correia, S., Guimaraes, P. & Zylkin, T. (2019). Verifying the existence of maximum likelihood
estimates for generalized linear models. arXiv:1903.01633.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm

from ..errors import ConvergenceError, InputError, ModelError
from ._prepare import SEPARATION_CHECKS, _build_design, _cov_arguments, _prepare
from .result import GravityResult, _coefficient_tables, _result
from .separation import _drop_separated


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
    strict: bool = False,
) -> GravityResult:
    """Poisson pseudo-maximum-likelihood gravity model with fixed effects.

    Fits ``E[flow_ij | x] = exp(x_ij' b + sum of fixed effects)`` by statsmodels' GLM Poisson
    (IRLS) with explicit fixed-effect dummies.  Zero flows stay in the sample.  Before the fit,
    rows with a missing value in a model column are dropped, then (by default) the rows for which
    the Poisson ML estimate does not exist (separation; see :mod:`mixedmig.gravity`).  Every
    dropped row is reported in ``result.dropped`` with a reason.

    Parameters
    ----------
    df : pandas.DataFrame
        Long table, one row per observation (e.g. an origin-destination pair in a year).
    flow : str
        Column of non-negative flows or stocks (zeros allowed), e.g. persons.
    regressors : str or sequence of str
        Numeric (or boolean) regressor columns; transform them yourself (e.g. ``log_dist``).
    fe : sequence of str or of tuple of str, default ("orig", "dest")
        Fixed effects; each entry is a column name or a tuple of columns whose combination is
        one fixed effect (e.g. ``("orig", "year")``).  ``()`` fits an intercept only.
    cluster : str or sequence of str, optional
        ``None`` for heteroskedasticity-robust (``cov``) standard errors; else a column name, or
        a tuple of columns whose combination defines the clusters (``("orig", "dest")``
        clusters by pair).
    cov : {"HC1", "HC0", "nonrobust"}, default "HC1"
        Covariance when ``cluster`` is None: ``HC1`` scales the sandwich by ``n / (n - k)``.
    separation : {"fe+lp", "fe", "none"}, default "fe+lp"
        Which separation checks to run: both, the all-zero fixed-effect groups only, or none.
    alpha : float, default 0.05
        Level of the ``1 - alpha`` confidence intervals.
    maxiter : int, default 100
        Maximum IRLS iterations (``statsmodels.GLM.fit``).
    tol : float, default 1e-8
        IRLS convergence tolerance on the deviance (``statsmodels.GLM.fit``).
    strict : bool, default False
        Raise :class:`~mixedmig.errors.ConvergenceError` when IRLS does not converge, instead of
        returning ``converged=False`` with a diagnostic.

    Returns
    -------
    GravityResult
        Coefficients of the regressors (fixed effects are not reported), rows dropped with
        reasons, diagnostics; ``method == "ppml"``, ``pseudo_r2`` is McFadden's
        ``1 - llf / llnull``, ``fitted`` the fitted mean flow.

    Raises
    ------
    SchemaError
        A model column is missing or not numeric.
    DataError
        A flow is negative or infinite, or a regressor is infinite.
    InputError
        An inconsistent specification (empty regressors, a column in two roles, an unknown
        ``cov`` or ``separation``, ``alpha`` outside (0, 1), a single cluster).
    ModelError
        Too few rows remain for the parameters, or the fit fails numerically.
    ConvergenceError
        ``strict=True`` and IRLS did not converge.

    Notes
    -----
    Standard errors: ``HC1`` is the sandwich ``(X'WX)^-1 X' diag(u^2) X (X'WX)^-1`` times
    ``n / (n - k)``, k counting the intercept and fixed-effect dummies; cluster-robust errors
    use statsmodels' CRV1 factor ``G / (G - 1) * (n - 1) / (n - k)``.  The estimator is
    consistent whenever the conditional mean is right, whatever the variance (Santos Silva &
    Tenreyro 2006), hence robust standard errors by default.  Unlike ppmlhdfe, singleton
    fixed-effect groups are not dropped.

    References
    ----------
    Santos Silva, J. M. C. & Tenreyro, S. (2006). The log of gravity. *Review of Economics and
    Statistics* 88(4): 641-658.
    Correia, S., Guimaraes, P. & Zylkin, T. (2019). Verifying the existence of maximum
    likelihood estimates for generalized linear models. arXiv:1903.01633.

    Examples
    --------
    Made-up flows between three regions, exactly ``exp(1 - 0.5 d)`` up to rounding, so the
    distance coefficient is recovered without fixed effects:

    >>> import numpy as np, pandas as pd
    >>> d = np.array([1.0, 2.0, 3.0, 1.5, 2.5, 0.5])
    >>> toy = pd.DataFrame({"orig": list("AABBCC"), "dest": list("BCACAB"),
    ...                     "flow": np.exp(1 - 0.5 * d), "dist": d})
    >>> fit = fit_ppml(toy, "flow", ["dist"], fe=())
    >>> round(float(fit.params["dist"]), 6), fit.converged, fit.nobs
    (-0.5, True, 6)
    >>> list(fit.to_frame().columns)
    ['coef', 'se', 'statistic', 'p_value', 'ci_low', 'ci_high']
    """
    if separation not in SEPARATION_CHECKS:
        raise InputError(
            f"separation={separation!r} is not one of {SEPARATION_CHECKS}; "
            "use 'fe+lp' unless you know the data cannot be separated"
        )
    prep = _prepare(df, flow, regressors, fe, cluster, cov, alpha)
    notes: list[tuple] = []
    if separation != "none":
        _drop_separated(prep, lp=(separation == "fe+lp"), notes=notes)
    design = _build_design(prep, notes)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = sm.GLM(prep.y[prep.active], design.matrix, family=sm.families.Poisson())
        try:
            res = model.fit(maxiter=maxiter, tol=tol, **_cov_arguments(prep, cov))
        except (ValueError, np.linalg.LinAlgError) as exc:
            raise ModelError(f"the PPML fit failed: {exc}") from exc
        converged = bool(res.converged)
        iterations = int(res.fit_history["iteration"])
        pseudo_r2 = float(1.0 - res.llf / res.llnull)
        fitted = np.asarray(res.fittedvalues, dtype=float)
        coef = _coefficient_tables(res, design, prep, alpha)
    if not converged:
        text = (f"IRLS did not converge in {maxiter} iterations (deviance tolerance {tol}); "
                "coefficients may be unreliable -- check for separation or raise maxiter")
        if strict:
            raise ConvergenceError(text)
        notes.append(("convergence", iterations, text))
    return _result("ppml", prep, design, coef, notes, caught, converged, iterations,
                   pseudo_r2, fitted, cov)
