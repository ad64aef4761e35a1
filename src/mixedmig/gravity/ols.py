"""Log-linear OLS gravity models (the comparison PPML replaces)."""

from __future__ import annotations
import warnings
from typing import Sequence
import numpy as np
import pandas as pd
import statsmodels.api as sm
from ..errors import InputError
from .result import GravityResult
from .ppml import _build_design
from .result import _coefficient_tables
from .ppml import _cov_arguments
from ._prepare import _prepare
from .result import _result


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

    ``log(flow_ij) = x_ij' b + fixed effects + e_ij`` on the positive flows only: rows with a
    zero flow are dropped with reason ``"zero flow: log(0) undefined"``.  Santos Silva &
    Tenreyro (2006) show this estimator is inconsistent under heteroskedasticity, which is why
    it is offered only for comparison.  Arguments, errors and the result are as in
    :func:`fit_ppml` (``pseudo_r2`` is the R-squared of the log regression; inference follows
    statsmodels OLS, i.e. t distributions).
    """
    prep = _prepare(df, flow, regressors, fe, cluster, cov, alpha)
    zero = prep.active & (prep.y == 0)
    for pos in np.flatnonzero(zero):
        prep.reasons[pos] = "zero flow: log(0) undefined"
    prep.active &= ~zero
    notes: list[str] = []
    if zero.any():
        notes.append(f"{int(zero.sum())} zero-flow row(s) dropped: log(0) is undefined")
    design = _build_design(prep, notes)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = sm.OLS(np.log(prep.y[prep.active]), design.matrix)
        try:
            res = model.fit(**_cov_arguments(prep, cov))
        except (ValueError, np.linalg.LinAlgError) as exc:
            raise InputError(f"the log-linear OLS fit failed: {exc}") from exc
        pseudo_r2 = float(res.rsquared)
        fitted = np.asarray(res.fittedvalues, dtype=float)
        coef = _coefficient_tables(res, design, prep, alpha)
    return _result("ols-log", prep, design, coef, notes, caught, True, 0, pseudo_r2, fitted, cov)
