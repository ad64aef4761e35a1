"""Log-linear OLS gravity models (the comparison PPML replaces).

References
----------
Santos Silva, J. M. C. & Tenreyro, S. (2006). The log of gravity. *Review of Economics and
Statistics* 88(4): 641-658.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import ModelError
from ._covariance import _covariance
from ._prepare import _build_design, _cluster_index, _prepare, _require_positive_flow
from .result import GravityResult, _coefficient_tables, _result


def fit_loglinear_ols(
    df: pd.DataFrame,
    flow: str,
    regressors: Sequence[str] | str,
    fe: Sequence[str | Sequence[str]] = ("orig", "dest"),
    cluster: str | Sequence[str] | None = None,
    cov: str = "HC1",
    *,
    alpha: float = 0.05,
) -> GravityResult:
    """Log-linear gravity model by OLS, the traditional comparison for PPML.

    Fits ``log(flow_ij) = x_ij' b + fixed effects + e_ij`` on the positive flows only: rows
    with a zero flow are dropped with reason ``"zero flow: log(0) undefined"``.  Santos Silva
    & Tenreyro (2006) show this estimator is inconsistent under heteroskedasticity, which is
    why it is offered only for comparison.

    Parameters
    ----------
    df : pandas.DataFrame
        Long table, one row per observation (e.g. an origin-destination pair in a year).
    flow : str
        Column of non-negative flows; zeros are dropped, the others are logged.
    regressors : str or sequence of str
        Numeric (or boolean) regressor columns.
    fe : sequence of str or of tuple of str, default ("orig", "dest")
        Fixed effects, as in :func:`fit_ppml`; ``()`` fits an intercept only.
    cluster : str or sequence of str, optional
        Cluster columns for one-way cluster-robust standard errors, as in :func:`fit_ppml`.
    cov : {"HC1", "HC0", "nonrobust"}, default "HC1"
        Covariance when ``cluster`` is None (formulas in Notes); any other value is refused.
    alpha : float, default 0.05
        Level of the ``1 - alpha`` confidence intervals.

    Returns
    -------
    GravityResult
        ``method == "ols-log"``; ``pseudo_r2`` is the R-squared of the log regression,
        ``fitted`` the fitted log flow; ``converged`` is True and ``iterations`` 0;
        ``cov_type``, ``cov_factor`` and ``cov_factor_formula`` record the covariance.
        p-values and intervals use t distributions with ``n - k`` degrees of freedom
        (``G - 1`` when clustered), as Stata's ``regress`` and fixest/pyfixest's ``feols``.

    Raises
    ------
    SchemaError
        A model column is missing or not numeric.
    DataError
        A flow is negative or infinite, or a regressor is infinite.
    InputError
        An inconsistent specification (see :func:`fit_ppml`).
    ModelError
        Every flow is zero (no estimate exists), too few positive-flow rows remain for the
        parameters, or the fit fails numerically.

    Notes
    -----
    Standard errors are computed by mixedmig with the conventions of :func:`fit_ppml`, the
    bread being ``B = (X'X)^-1`` and ``e`` the residual of ``log(flow)``; ``X`` is the full
    design and ``k = rank(X)`` counts the fixed-effect dummies:

    * ``nonrobust``: ``V = s^2 B``, ``s^2 = e'e / (n - k)``;
    * ``HC0``: ``V = B X' diag(e^2) X B`` (White 1980);
    * ``HC1``: ``V = n / (n - k) * HC0`` (MacKinnon & White 1985);
    * cluster: ``V = G / (G - 1) * (n - 1) / (n - k) * B (sum_g s_g s_g') B``,
      ``s_g = X_g' e_g`` (Cameron & Miller 2015).

    References
    ----------
    Santos Silva, J. M. C. & Tenreyro, S. (2006). The log of gravity. *Review of Economics and
    Statistics* 88(4): 641-658.
    White, H. (1980). A heteroskedasticity-consistent covariance matrix estimator and a direct
    test for heteroskedasticity. *Econometrica* 48(4): 817-838.
    MacKinnon, J. G. & White, H. (1985). Some heteroskedasticity-consistent covariance matrix
    estimators with improved finite sample properties. *Journal of Econometrics* 29(3):
    305-325.
    Cameron, A. C. & Miller, D. L. (2015). A practitioner's guide to cluster-robust inference.
    *Journal of Human Resources* 50(2): 317-372.

    Examples
    --------
    Made-up flows with ``log(flow) = 1 - 0.5 dist`` exactly, plus one zero flow:

    >>> import numpy as np, pandas as pd
    >>> d = np.array([1.0, 2.0, 3.0, 1.5, 2.5, 0.5])
    >>> toy = pd.DataFrame({"orig": list("AABBCC"), "dest": list("BCACAB"),
    ...                     "flow": np.r_[np.exp(1 - 0.5 * d[:5]), 0.0], "dist": d})
    >>> fit = fit_loglinear_ols(toy, "flow", ["dist"], fe=())
    >>> round(float(fit.params["dist"]), 6), fit.nobs, fit.dropped["reason"].tolist()
    (-0.5, 5, ['zero flow: log(0) undefined'])
    """
    prep = _prepare(df, flow, regressors, fe, cluster, cov, alpha)
    _require_positive_flow(prep, "ols", "after dropping rows with missing values")
    zero = prep.active & (prep.y == 0)
    for pos in np.flatnonzero(zero):
        prep.reasons[pos] = "zero flow: log(0) undefined"
    prep.active &= ~zero
    notes: list[tuple] = []
    if zero.any():
        notes.append(("dropped", int(zero.sum()),
                      f"{int(zero.sum())} zero-flow row(s) dropped: log(0) is undefined"))
    design = _build_design(prep, notes)
    groups = _cluster_index(prep)
    log_y = np.log(prep.y[prep.active])

    import statsmodels.api as sm

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = sm.OLS(log_y, design.matrix)
        try:
            res = model.fit()
        except (ValueError, np.linalg.LinAlgError) as exc:
            raise ModelError(f"the log-linear OLS fit failed: {exc}") from exc
        pseudo_r2 = float(res.rsquared)
        fitted = np.asarray(res.fittedvalues, dtype=float)
        covariance = _covariance(design.matrix, log_y - fitted, None, cov, groups,
                                 t_inference=True)
        coef = _coefficient_tables(res.params, covariance, design, prep, alpha)
    return _result("ols-log", prep, design, coef, notes, caught, True, 0, pseudo_r2, fitted, cov,
                   covariance)
