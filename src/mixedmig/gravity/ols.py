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
import statsmodels.api as sm

from ..errors import ModelError
from ._prepare import _build_design, _cov_arguments, _prepare
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
        Cluster columns for cluster-robust standard errors, as in :func:`fit_ppml`.
    cov : {"HC1", "HC0", "nonrobust"}, default "HC1"
        Covariance when ``cluster`` is None.
    alpha : float, default 0.05
        Level of the ``1 - alpha`` confidence intervals.

    Returns
    -------
    GravityResult
        ``method == "ols-log"``; ``pseudo_r2`` is the R-squared of the log regression,
        ``fitted`` the fitted log flow; ``converged`` is True and ``iterations`` 0.
        Inference follows statsmodels OLS (t distributions).

    Raises
    ------
    SchemaError
        A model column is missing or not numeric.
    DataError
        A flow is negative or infinite, or a regressor is infinite.
    InputError
        An inconsistent specification (see :func:`fit_ppml`).
    ModelError
        Too few positive-flow rows remain for the parameters, or the fit fails numerically.

    References
    ----------
    Santos Silva, J. M. C. & Tenreyro, S. (2006). The log of gravity. *Review of Economics and
    Statistics* 88(4): 641-658.

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
    zero = prep.active & (prep.y == 0)
    for pos in np.flatnonzero(zero):
        prep.reasons[pos] = "zero flow: log(0) undefined"
    prep.active &= ~zero
    notes: list[tuple] = []
    if zero.any():
        notes.append(("dropped", int(zero.sum()),
                      f"{int(zero.sum())} zero-flow row(s) dropped: log(0) is undefined"))
    design = _build_design(prep, notes)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = sm.OLS(np.log(prep.y[prep.active]), design.matrix)
        try:
            res = model.fit(**_cov_arguments(prep, cov))
        except (ValueError, np.linalg.LinAlgError) as exc:
            raise ModelError(f"the log-linear OLS fit failed: {exc}") from exc
        pseudo_r2 = float(res.rsquared)
        fitted = np.asarray(res.fittedvalues, dtype=float)
        coef = _coefficient_tables(res, design, prep, alpha)
    return _result("ols-log", prep, design, coef, notes, caught, True, 0, pseudo_r2, fitted, cov)
