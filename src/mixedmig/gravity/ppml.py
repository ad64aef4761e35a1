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

from ..errors import ConvergenceError, InputError, ModelError
from ._absorbed import _fit_absorbed, _pyfixest_available
from ._covariance import _covariance
from ._prepare import (
    _COLLINEAR_TOL,
    SEPARATION_CHECKS,
    _build_design,
    _cluster_index,
    _Design,
    _prepare,
    _require_positive_flow,
)
from .result import GravityResult, _coefficient_tables, _result
from .separation import _drop_separated

#: Fitting engines of :func:`fit_ppml`: ``"auto"`` picks ``"statsmodels"`` (dense dummies)
#: for small designs and ``"pyfixest"`` (fixed effects absorbed) for large ones.
BACKENDS: tuple[str, ...] = ("auto", "statsmodels", "pyfixest")

#: ``backend="auto"`` uses pyfixest when the dense design (rows x columns, intercept,
#: regressors and fixed-effect dummies) would hold more cells than this (40 MB of float64).
AUTO_DENSE_CELLS = 5_000_000


def _dense_cells(prep) -> int:
    act = prep.active
    n = int(act.sum())
    levels = sum(len(np.unique(c[act])) - 1 for c in prep.fe_codes)
    return n * (1 + len(prep.regressors) + levels)


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
    backend: str = "auto",
) -> GravityResult:
    """Poisson pseudo-maximum-likelihood gravity model with fixed effects.

    Fits ``E[flow_ij | x] = exp(x_ij' b + sum of fixed effects)`` by IRLS: statsmodels' GLM
    Poisson with explicit fixed-effect dummies for small problems, pyfixest's ``fepois`` with
    the fixed effects absorbed (no dummy columns) for large ones (``backend``); both give the
    same coefficients and standard errors.  Zero flows stay in the sample.  Before the fit,
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
        Maximum IRLS iterations, at least 1.
    tol : float, default 1e-8
        IRLS convergence tolerance on the deviance, positive (statsmodels: change in deviance;
        pyfixest: ``|dev - dev_old| / (0.1 + |dev_old|)``, with ``min(1e-6, 100 tol)`` as the
        tolerance of its fixed-effect demeaning, pyfixest's default 1e-6 at the default tol).
    strict : bool, default False
        Raise :class:`~mixedmig.errors.ConvergenceError` when IRLS does not converge, instead of
        returning ``converged=False`` with a diagnostic.
    backend : {"auto", "statsmodels", "pyfixest"}, default "auto"
        Fitting engine (:data:`BACKENDS`).  ``"statsmodels"`` builds the dense design with
        fixed-effect dummies (memory ``8 n k`` bytes; fine for a few thousand rows);
        ``"pyfixest"`` absorbs the fixed effects with pyfixest's ``fepois`` (install
        ``pyfixest``; imported only here), for global panels with origin-year and
        destination-year effects; ``"auto"`` uses pyfixest when installed and the dense
        design would exceed :data:`AUTO_DENSE_CELLS` cells.  The separation checks, the
        dropped rows and the covariance conventions are mixedmig's in both.

    Returns
    -------
    GravityResult
        Coefficients of the regressors (fixed effects are not reported), rows dropped with
        reasons, diagnostics; ``method == "ppml"``, ``pseudo_r2`` is McFadden's
        ``1 - llf / llnull``, ``fitted`` the fitted mean flow; ``cov_type``, ``cov_factor``
        and ``cov_factor_formula`` record the covariance and its small-sample factor;
        ``backend`` the engine used (``iterations`` is -1 for pyfixest, which does not
        report its iteration count).  p-values and intervals use the standard normal
        distribution (z statistics).

    Raises
    ------
    SchemaError
        A model column is missing or not numeric.
    DataError
        A flow is negative or infinite, or a regressor is infinite.
    InputError
        An inconsistent specification (empty regressors, a column in two roles, an unknown
        ``cov``, ``separation`` or ``backend``, ``alpha`` outside (0, 1), a single cluster,
        ``maxiter`` below 1 or ``tol`` not positive), or ``backend="pyfixest"`` without
        pyfixest installed.
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

    With ``backend="pyfixest"`` the covariance of the regressors is computed from ``Z~``, the
    regressors residualised on the fixed effects with weights ``mu`` (alternating projections):
    by Frisch-Waugh-Lovell the regressor block of ``B`` is ``(Z~' diag(mu) Z~)^-1`` and that
    of the sandwich ``A Z~' diag(e^2) Z~ A``, exactly the block of the full-design formulas
    above; ``k`` is the rank of the full design, the fixed-effect part counted as
    ``L_1 + L_2 - C`` for two fixed effects (``C`` connected components of the graph of
    levels sharing a row).

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

    The same made-up model with origin effects, fitted by both engines:

    >>> dense = fit_ppml(toy, "flow", ["dist"], fe=("orig",), backend="statsmodels", tol=1e-12)
    >>> absorbed = fit_ppml(toy, "flow", ["dist"], fe=("orig",), backend="pyfixest", tol=1e-12)
    >>> absorbed.backend, bool(abs(dense.params["dist"] - absorbed.params["dist"]) < 1e-8)
    ('pyfixest', True)
    >>> bool(abs(dense.bse["dist"] - absorbed.bse["dist"]) < 1e-8)
    True
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
    if not isinstance(backend, str) or backend not in BACKENDS:
        raise InputError(f"backend={backend!r} is not one of {BACKENDS}; 'auto' picks "
                         "statsmodels for small designs and pyfixest for large ones")
    prep = _prepare(df, flow, regressors, fe, cluster, cov, alpha)
    _require_positive_flow(prep, "ppml", "after dropping rows with missing values")
    notes: list[tuple] = []
    if separation != "none":
        _drop_separated(prep, lp=(separation == "fe+lp"), notes=notes)
        _require_positive_flow(prep, "ppml", "after the separation checks")
    y = prep.y[prep.active]
    engine = backend
    if backend == "auto":
        large = _dense_cells(prep) > AUTO_DENSE_CELLS
        engine = "pyfixest" if large and _pyfixest_available() else "statsmodels"
        if large and engine == "statsmodels":
            notes.append(("backend", "statsmodels",
                          (f"the dense design has {_dense_cells(prep):,} cells; install "
                           "pyfixest to absorb the fixed effects instead (backend='pyfixest')")))

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if engine == "pyfixest":
            (params, z_resid, fitted, k, converged, llf, llnull,
             columns) = _fit_absorbed(prep, notes, maxiter, tol, _COLLINEAR_TOL)
            groups = _cluster_index(prep)
            iterations = -1
            pseudo_r2 = float(1.0 - llf / llnull)
            design = _Design(z_resid, columns)
            covariance = _covariance(z_resid, y - fitted, fitted, cov, groups,
                                     t_inference=False, k=k)
        else:
            import statsmodels.api as sm

            design = _build_design(prep, notes)
            groups = _cluster_index(prep)
            model = sm.GLM(y, design.matrix, family=sm.families.Poisson())
            try:
                res = model.fit(maxiter=maxiter, tol=tol)
            except (ValueError, np.linalg.LinAlgError) as exc:
                raise ModelError(f"the PPML fit failed: {exc}") from exc
            converged = bool(res.converged)
            iterations = int(res.fit_history["iteration"])
            pseudo_r2 = float(1.0 - res.llf / res.llnull)
            params = res.params
            fitted = np.asarray(res.fittedvalues, dtype=float)
            if not np.all(np.isfinite(fitted)):
                raise ModelError("the PPML fit failed: the fitted means are not finite (the "
                                 "IRLS iterations diverged); check the scale of the regressors "
                                 "and for separation")
            covariance = _covariance(design.matrix, y - fitted, fitted, cov, groups,
                                     t_inference=False)
        coef = _coefficient_tables(params, covariance, design, prep, alpha)
    if not converged:
        by = " (pyfixest backend)" if engine == "pyfixest" else ""
        text = (f"IRLS{by} did not converge in {maxiter} iterations (deviance tolerance {tol}); "
                "coefficients may be unreliable -- check for separation or raise maxiter")
        if strict:
            raise ConvergenceError(text)
        notes.append(("convergence", iterations, text))
    return _result("ppml", prep, design, coef, notes, caught, converged, iterations,
                   pseudo_r2, fitted, cov, covariance, backend=engine)
