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
from ._covariance import _covariance
from ._prepare import (
    SEPARATION_CHECKS,
    _build_design,
    _cluster_index,
    _prepare,
    _require_positive_flow,
)
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
        ``None`` for the covariance ``cov``; else a column name, or a tuple of columns whose
        combination defines the clusters (one-way clustering: ``("orig", "dest")`` clusters by
        ordered pair), for cluster-robust standard errors (``cov`` is then ignored).
    cov : {"HC1", "HC0", "nonrobust"}, default "HC1"
        Covariance when ``cluster`` is None (formulas in Notes): ``HC1`` is the robust
        sandwich times ``n / (n - k)``, ``HC0`` the sandwich without correction,
        ``nonrobust`` assumes the Poisson variance.  Any other value (``HC2``, ``HC3``, ...)
        is refused.
    separation : {"fe+lp", "fe", "none"}, default "fe+lp"
        Which separation checks to run: both, the all-zero fixed-effect groups only, or none.
    alpha : float, default 0.05
        Level of the ``1 - alpha`` confidence intervals.
    maxiter : int, default 100
        Maximum IRLS iterations (``statsmodels.GLM.fit``), at least 1.
    tol : float, default 1e-8
        IRLS convergence tolerance on the deviance (``statsmodels.GLM.fit``), positive.
    strict : bool, default False
        Raise :class:`~mixedmig.errors.ConvergenceError` when IRLS does not converge, instead of
        returning ``converged=False`` with a diagnostic.

    Returns
    -------
    GravityResult
        Coefficients of the regressors (fixed effects are not reported), rows dropped with
        reasons, diagnostics; ``method == "ppml"``, ``pseudo_r2`` is McFadden's
        ``1 - llf / llnull``, ``fitted`` the fitted mean flow; ``cov_type``, ``cov_factor``
        and ``cov_factor_formula`` record the covariance and its small-sample factor.
        p-values and intervals use the standard normal distribution (z statistics).

    Raises
    ------
    SchemaError
        A model column is missing or not numeric.
    DataError
        A flow is negative or infinite, or a regressor is infinite.
    InputError
        An inconsistent specification (empty regressors, a column in two roles, an unknown
        ``cov`` or ``separation``, ``alpha`` outside (0, 1), a single cluster, ``maxiter``
        below 1 or ``tol`` not positive).
    ModelError
        Every flow left (after dropping rows with missing values) is zero, so no estimate
        exists; too few rows remain for the parameters; or the fit fails numerically.
    ConvergenceError
        ``strict=True`` and IRLS did not converge.

    Notes
    -----
    Standard errors are computed by mixedmig from the design and the fitted means, not taken
    from statsmodels (whose GLM returns HC0 when asked for HC1).  With ``X`` the full design
    of the rows used (intercept, fixed-effect dummies, identified regressors; collinear
    columns removed, so ``k = rank(X)`` counts the fixed effects), ``mu`` the fitted means,
    ``e = y - mu`` and the bread ``B = (X' diag(mu) X)^-1``:

    * ``nonrobust``: ``V = B`` (valid only if the variance equals the mean);
    * ``HC0``: ``V = B X' diag(e^2) X B``, the sandwich of White (1980) applied to the
      Poisson score ``X'(y - mu)`` (Santos Silva & Tenreyro 2006);
    * ``HC1``: ``V = n / (n - k) * HC0`` (MacKinnon & White 1985), as Stata's ``robust``
      and fixest/pyfixest's ``hetero`` with all fixed effects counted in ``k``;
    * cluster: ``V = G / (G - 1) * (n - 1) / (n - k) * B (sum_g s_g s_g') B`` with
      ``s_g = X_g' e_g`` the score of cluster g and G the number of clusters (one-way CRV1,
      Cameron & Miller 2015, section VI.C), with ``k`` counting every fixed effect, also
      those nested in the clusters.

    The factor applied is returned as ``cov_factor``.  The estimator is consistent whenever
    the conditional mean is right, whatever the variance (Santos Silva & Tenreyro 2006), hence
    robust standard errors by default.  Unlike ppmlhdfe, singleton fixed-effect groups are not
    dropped: they enter ``n`` and ``k`` alike.  With only zero flows no estimate exists (the
    likelihood keeps rising as the intercept goes to minus infinity) and a
    :class:`~mixedmig.errors.ModelError` says so.

    References
    ----------
    Santos Silva, J. M. C. & Tenreyro, S. (2006). The log of gravity. *Review of Economics and
    Statistics* 88(4): 641-658.
    Correia, S., Guimaraes, P. & Zylkin, T. (2019). Verifying the existence of maximum
    likelihood estimates for generalized linear models. arXiv:1903.01633.
    White, H. (1980). A heteroskedasticity-consistent covariance matrix estimator and a direct
    test for heteroskedasticity. *Econometrica* 48(4): 817-838.
    MacKinnon, J. G. & White, H. (1985). Some heteroskedasticity-consistent covariance matrix
    estimators with improved finite sample properties. *Journal of Econometrics* 29(3):
    305-325.
    Cameron, A. C. & Miller, D. L. (2015). A practitioner's guide to cluster-robust inference.
    *Journal of Human Resources* 50(2): 317-372.

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
    >>> fit.cov_type, fit.cov_factor_formula  # n = 6 rows, k = 2 (intercept, dist)
    ('HC1', 'n/(n-k) = 6/4 = 1.5')
    """
    if separation not in SEPARATION_CHECKS:
        raise InputError(
            f"separation={separation!r} is not one of {SEPARATION_CHECKS}; "
            "use 'fe+lp' unless you know the data cannot be separated"
        )
    if not isinstance(maxiter, (int, np.integer)) or isinstance(maxiter, bool) or maxiter < 1:
        raise InputError(f"maxiter={maxiter!r} must be a positive integer (IRLS iterations)")
    if not (isinstance(tol, (int, float, np.floating)) and np.isfinite(tol) and tol > 0):
        raise InputError(f"tol={tol!r} must be a positive finite number (IRLS tolerance)")
    prep = _prepare(df, flow, regressors, fe, cluster, cov, alpha)
    _require_positive_flow(prep, "ppml", "after dropping rows with missing values")
    notes: list[tuple] = []
    if separation != "none":
        _drop_separated(prep, lp=(separation == "fe+lp"), notes=notes)
        _require_positive_flow(prep, "ppml", "after the separation checks")
    design = _build_design(prep, notes)
    groups = _cluster_index(prep)
    y = prep.y[prep.active]

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = sm.GLM(y, design.matrix, family=sm.families.Poisson())
        try:
            res = model.fit(maxiter=maxiter, tol=tol)
        except (ValueError, np.linalg.LinAlgError) as exc:
            raise ModelError(f"the PPML fit failed: {exc}") from exc
        converged = bool(res.converged)
        iterations = int(res.fit_history["iteration"])
        pseudo_r2 = float(1.0 - res.llf / res.llnull)
        fitted = np.asarray(res.fittedvalues, dtype=float)
        if not np.all(np.isfinite(fitted)):
            raise ModelError("the PPML fit failed: the fitted means are not finite (the IRLS "
                             "iterations diverged); check the scale of the regressors and for "
                             "separation")
        covariance = _covariance(design.matrix, y - fitted, fitted, cov, groups,
                                 t_inference=False)
        coef = _coefficient_tables(res.params, covariance, design, prep, alpha)
    if not converged:
        text = (f"IRLS did not converge in {maxiter} iterations (deviance tolerance {tol}); "
                "coefficients may be unreliable -- check for separation or raise maxiter")
        if strict:
            raise ConvergenceError(text)
        notes.append(("convergence", iterations, text))
    return _result("ppml", prep, design, coef, notes, caught, converged, iterations,
                   pseudo_r2, fitted, cov, covariance)
