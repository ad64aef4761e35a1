"""Gravity models of migration flows: PPML with fixed effects, and log-linear OLS for comparison.

The workhorse is Poisson pseudo-maximum likelihood (PPML; Santos Silva & Tenreyro 2006,
"The log of gravity", *Review of Economics and Statistics* 88(4):641-658)::

    E[flow_ij | x] = exp(x_ij' b + alpha_i + gamma_j)

fitted by IRLS: statsmodels' GLM Poisson with explicit fixed-effect dummies for small designs
(the GMS and wider-Asia systems: 15 economies, 210 directed pairs per period), pyfixest's
``fepois`` with the fixed effects absorbed for global panels (``fit_ppml(..., backend=...)``;
pyfixest is optional and imported only when used, as is statsmodels).  Zero flows stay in the sample; the estimator is consistent whenever the conditional
mean is right, whatever the variance (hence robust standard errors by default).

Before fitting, :func:`fit_ppml` removes the observations for which the Poisson ML estimate does
not exist (Santos Silva & Tenreyro 2010, "On the existence of the maximum likelihood estimates
in Poisson regression", *Economics Letters* 107(2):310-312; Correia, Guimarães & Zylkin 2019,
"Verifying the existence of maximum likelihood estimates for generalized linear models",
arXiv:1903.01633, the ppmlhdfe notes):

1. *fixed-effect check* -- a fixed-effect group (e.g. an origin) whose flows are all zero carries
   no information and its fixed effect diverges to minus infinity; its rows are dropped;
2. *linear-programming check* -- an observation with a zero flow is separated when some linear
   combination ``z = X g`` of the regressors, the fixed-effect dummies and the intercept is zero
   on every positive-flow observation, non-negative on every zero-flow observation and positive
   on that one (then the likelihood keeps rising along ``b - t g`` as ``t`` grows, so no
   maximum exists).  It is skipped when the positive-flow rows alone have the rank of the
   whole design (nothing can then be separated); otherwise it solves ``max sum(z_0)  s.t.  X_+ g = 0,  0 <= X_0 g <= 1`` (a
   linear-programming form of the separation certificate of Correia et al. 2019) with scipy's
   HiGHS solver and drops the observations with ``z > 0``.  It covers the textbook case of a binary regressor whose one
   value has only zero flows, and combinations that no one-regressor check would find.

Both checks repeat until nothing more is dropped.  A regressor left without variation (or
collinear with the fixed effects) is then not identified: it is removed from the design, its
coefficient is reported as NaN and a diagnostic says why.  Rows with a missing value in any
model column are dropped first.  Every dropped row is returned in ``result.dropped`` with a
``reason``; every note and every warning raised by statsmodels, numpy or scipy is a row of
``result.diagnostics`` (a DataFrame) and never reaches stderr.

Unlike ppmlhdfe, singleton fixed-effect groups are *not* dropped: they do not change the
regressor coefficients but do enter ``nobs`` and the small-sample factors of the standard errors.

Standard errors (``HC1`` by default, ``HC0``, ``nonrobust`` or one-way cluster-robust) are
computed by mixedmig from the design and the fitted values, with ``k`` the rank of the full
design including the fixed-effect dummies (formulas and references in :func:`fit_ppml`); the
factor applied is recorded in ``result.cov_factor``.  Any other covariance type is refused.  When
every flow is zero no estimate exists, and :class:`~mixedmig.errors.ModelError` says so.
"""

from __future__ import annotations

from .ols import fit_loglinear_ols
from .ppml import fit_ppml
from .report import coefficient_table, percent_effect, regression_table
from .result import GravityResult
from .tables import STATUSES, UNLISTED_CHOICES, corridor_counts, model_frame

__all__ = [
    "STATUSES",
    "UNLISTED_CHOICES",
    "GravityResult",
    "coefficient_table",
    "corridor_counts",
    "fit_loglinear_ols",
    "fit_ppml",
    "model_frame",
    "percent_effect",
    "regression_table",
]
