"""Covariance matrices of PPML and log-linear OLS coefficients, computed from the fit (private).

Every covariance type that :func:`~mixedmig.gravity.fit_ppml` and
:func:`~mixedmig.gravity.fit_loglinear_ols` offer is computed here from the design matrix
``X`` (intercept, fixed-effect dummies and regressors, collinear columns removed, so
``k = X.shape[1]`` is the rank of the full design), the outcome and the fitted values. No
covariance is taken from statsmodels: its GLM silently returns HC0 when asked for HC1.

Sandwich ``V = c * B M B`` with

* PPML (Poisson score ``X'(y - mu)``): bread ``B = (X' diag(mu) X)^-1``, residual ``e = y - mu``;
* OLS of ``log y``: bread ``B = (X'X)^-1``, residual ``e = log y - X b``;

and meat and small-sample factor ``c``:

=========== ============================================ ==================================
type        meat ``M``                                   ``c``
=========== ============================================ ==================================
nonrobust   none: ``V = B`` (PPML, Poisson variance);    1
            ``V = s^2 B``, ``s^2 = e'e / (n - k)`` (OLS)
HC0         ``X' diag(e^2) X``                           1
HC1         ``X' diag(e^2) X``                           ``n / (n - k)``
cluster     ``sum_g (X_g' e_g)(X_g' e_g)'``              ``G/(G-1) * (n-1)/(n-k)``
=========== ============================================ ==================================

References: White (1980); MacKinnon & White (1985); Cameron & Miller (2015); Santos Silva &
Tenreyro (2006).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError, ModelError


@dataclass(frozen=True)
class _Covariance:
    matrix: np.ndarray  # (k, k) covariance of all design columns
    factor: float  # small-sample factor c applied to the variance
    factor_text: str  # the factor as a formula with its numbers
    df: float | None  # degrees of freedom of the t reference distribution; None: normal


def _cluster_groups(codes: np.ndarray, cluster: tuple[str, ...]) -> np.ndarray:
    groups = np.unique(codes, return_inverse=True)[1]
    if groups.max(initial=0) < 1:
        raise InputError(f"cluster={cluster} has a single cluster among the rows used; "
                         "cluster-robust standard errors need at least two")
    return groups


def _covariance(x: np.ndarray, resid: np.ndarray, weights: np.ndarray | None, cov: str,
                groups: np.ndarray | None, t_inference: bool,
                k: int | None = None) -> _Covariance:
    """Covariance ``c * B M B`` of the coefficients of the design ``x``.

    ``weights`` is the Poisson mean ``mu`` (PPML) or None (OLS); ``resid`` is ``y - mu``
    (PPML) or the OLS residual; ``groups`` the cluster index of each row (None: no clustering,
    ``cov`` applies).  ``t_inference`` selects t distributions (OLS: n - k degrees of freedom,
    G - 1 when clustered) instead of the normal (PPML).

    ``k`` (default ``x.shape[1]``) is the rank of the full design.  The absorbed-fixed-effect
    backend passes as ``x`` only the regressors residualised on the fixed effects with
    weights ``mu`` (``Z~``) and ``k`` the rank of the full design: by Frisch-Waugh-Lovell the
    regressor block of ``B X' diag(e^2) X B`` is ``A Z~' diag(e^2) Z~ A`` with
    ``A = (Z~' diag(mu) Z~)^-1`` (and likewise for the cluster meat), so this returns the
    regressor block of the full-design covariance exactly."""
    n = x.shape[0]
    k = x.shape[1] if k is None else int(k)
    xw = x if weights is None else x * weights[:, None]
    hessian = x.T @ xw
    try:
        bread = np.linalg.inv(hessian)
    except np.linalg.LinAlgError as exc:
        raise ModelError(f"the information matrix X'WX is singular ({exc}); the standard "
                         "errors cannot be computed") from exc
    bread = (bread + bread.T) / 2
    df: float | None = float(n - k) if t_inference else None
    if groups is not None:
        n_groups = int(groups.max()) + 1
        scores = np.zeros((n_groups, x.shape[1]))
        np.add.at(scores, groups, x * resid[:, None])
        meat = scores.T @ scores
        factor = n_groups / (n_groups - 1) * (n - 1) / (n - k)
        text = (f"G/(G-1) * (n-1)/(n-k) = {n_groups}/{n_groups - 1} * {n - 1}/{n - k} "
                f"= {factor:.6g}")
        if t_inference:
            df = float(n_groups - 1)
    elif cov == "nonrobust":
        if weights is None:
            s2 = float(resid @ resid) / (n - k)
            return _Covariance(s2 * bread, 1.0, f"1 (s^2 = e'e/(n-k) = {s2:.6g})", df)
        return _Covariance(bread, 1.0, "1 (Poisson variance, no sandwich)", df)
    else:
        meat = (x * resid[:, None] ** 2).T @ x
        if cov == "HC0":
            factor, text = 1.0, "1"
        elif cov == "HC1":
            factor = n / (n - k)
            text = f"n/(n-k) = {n}/{n - k} = {factor:.6g}"
        else:  # pragma: no cover - refused by _prepare
            raise InputError(f"cov={cov!r} is not implemented")
    matrix = factor * bread @ meat @ bread
    return _Covariance((matrix + matrix.T) / 2, factor, text, df)


def _inference(params: np.ndarray, covariance: _Covariance, alpha: float):
    """Standard errors, two-sided p-values and ``1 - alpha`` intervals (normal or t)."""
    from scipy import stats

    bse = np.sqrt(np.clip(np.diag(covariance.matrix), 0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = params / bse
    dist = stats.norm if covariance.df is None else stats.t(covariance.df)
    pvalues = 2 * dist.sf(np.abs(statistic))
    q = dist.ppf(1 - alpha / 2)
    return bse, pvalues, params - q * bse, params + q * bse
