"""Gravity models of migration flows: PPML with fixed effects, and log-linear OLS for comparison.

The workhorse is Poisson pseudo-maximum likelihood (PPML; Santos Silva & Tenreyro 2006,
"The log of gravity", *Review of Economics and Statistics* 88(4):641-658)::

    E[flow_ij | x] = exp(x_ij' b + alpha_i + gamma_j)

fitted with statsmodels' GLM Poisson (IRLS) and explicit fixed-effect dummies, which is fast
enough at the scale of the GMS and wider-Asia systems (15 economies, 210 directed pairs per
period).  Zero flows stay in the sample; the estimator is consistent whenever the conditional
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
   maximum exists).  This solves ``max sum(z_0)  s.t.  X_+ g = 0,  0 <= X_0 g <= 1`` (a
   linear-programming form of the separation certificate of Correia et al. 2019) with scipy's
   HiGHS solver and drops the observations with ``z > 0``.  It covers the textbook case of a binary regressor whose one
   value has only zero flows, and combinations that no one-regressor check would find.

Both checks repeat until nothing more is dropped.  A regressor left without variation (or
collinear with the fixed effects) is then not identified: it is removed from the design, its
coefficient is reported as NaN and a diagnostic says why.  Rows with a missing value in any
model column are dropped first.  Every dropped row is returned in ``result.dropped`` with a
``reason``; every warning raised by statsmodels or numpy is recorded in ``result.diagnostics``
and never reaches stderr.

Unlike ppmlhdfe, singleton fixed-effect groups are *not* dropped: they do not change the
regressor coefficients but do enter ``nobs`` and the small-sample factors of the standard errors.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize

from .errors import DataError, ModelError, SchemaError

__all__ = ["GravityResult", "fit_ppml", "fit_loglinear_ols"]

COV_TYPES = ("nonrobust", "HC0", "HC1")
SEPARATION_CHECKS = ("fe+lp", "fe", "none")

# A zero-flow observation counts as separated when the LP certificate z exceeds this value
# (z is bounded by 1 and HiGHS' feasibility tolerance is 1e-7).
_SEPARATION_TOL = 1e-6
# A design column is collinear when its QR residual is below this share of its norm.
_COLLINEAR_TOL = 1e-9


@dataclass(frozen=True)
class GravityResult:
    """Result of :func:`fit_ppml` or :func:`fit_loglinear_ols`.

    ``params``, ``bse``, ``pvalues`` (Series) and ``conf_int`` (DataFrame with columns
    ``ci_low``, ``ci_high``) are indexed by the regressors only -- fixed-effect dummies are not
    reported.  A regressor removed as not identified has NaN everywhere.  ``nobs`` counts the
    rows used; ``dropped`` holds the other rows of the input with a ``reason`` column;
    ``diagnostics`` lists captured warnings and notes.  ``pseudo_r2`` is McFadden's
    ``1 - llf/llnull`` for PPML and the ordinary R-squared of log(flow) for OLS.
    ``fitted`` holds the fitted mean flow (PPML) or fitted log flow (OLS) for the rows used,
    indexed like the input.
    """

    method: str
    flow: str
    regressors: tuple[str, ...]
    fe: tuple[tuple[str, ...], ...]
    params: pd.Series = field(repr=False)
    bse: pd.Series = field(repr=False)
    conf_int: pd.DataFrame = field(repr=False)
    pvalues: pd.Series = field(repr=False)
    nobs: int
    dropped: pd.DataFrame = field(repr=False)
    diagnostics: tuple[str, ...]
    converged: bool
    iterations: int
    pseudo_r2: float
    cov_type: str
    alpha: float
    fitted: pd.Series = field(repr=False)

    @property
    def n_dropped(self) -> int:
        """Number of input rows left out of the fit."""
        return len(self.dropped)

    def summary(self) -> pd.DataFrame:
        """Coefficient table: ``coef``, ``se``, ``statistic`` (coef/se), ``p_value``,
        ``ci_low``, ``ci_high``, one row per regressor."""
        table = pd.DataFrame(
            {
                "coef": self.params,
                "se": self.bse,
                "statistic": self.params / self.bse,
                "p_value": self.pvalues,
                "ci_low": self.conf_int["ci_low"],
                "ci_high": self.conf_int["ci_high"],
            }
        )
        table.index.name = "regressor"
        return table


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
    :class:`~mixedmig.errors.ModelError` for an inconsistent specification or too few rows.
    """
    if separation not in SEPARATION_CHECKS:
        raise ModelError(
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
            raise ModelError(f"the PPML fit failed: {exc}") from exc
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
            raise ModelError(f"the log-linear OLS fit failed: {exc}") from exc
        pseudo_r2 = float(res.rsquared)
        fitted = np.asarray(res.fittedvalues, dtype=float)
        coef = _coefficient_tables(res, design, prep, alpha)
    return _result("ols-log", prep, design, coef, notes, caught, True, 0, pseudo_r2, fitted, cov)


# --------------------------------------------------------------------------------------------
# preparation and validation


@dataclass
class _Prepared:
    df: pd.DataFrame
    flow: str
    regressors: tuple[str, ...]
    fe: tuple[tuple[str, ...], ...]
    cluster: tuple[str, ...] | None
    y: np.ndarray  # float, NaN where missing
    x: np.ndarray  # (n, p) float regressors, NaN where missing
    fe_codes: list[np.ndarray]  # integer codes per fixed effect, -1 where missing
    fe_labels: list[list[str]]  # readable label of each code
    cluster_codes: np.ndarray | None
    active: np.ndarray  # bool mask of rows still in the model
    alpha: float
    reasons: dict[int, str] = field(default_factory=dict)  # position -> reason dropped


def _as_names(value, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    try:
        names = tuple(value)
    except TypeError:
        raise ModelError(f"{what} must be a column name or a sequence of column names, "
                         f"got {value!r}") from None
    for name in names:
        if not isinstance(name, str):
            raise ModelError(f"{what} must contain column names (strings), got {name!r}")
    return names


def _fe_specs(fe) -> tuple[tuple[str, ...], ...]:
    if fe is None:
        return ()
    if isinstance(fe, str):
        return ((fe,),)
    return tuple(_as_names(spec, "each fixed effect") for spec in fe)


def _prepare(df, flow, regressors, fe, cluster, cov, alpha) -> _Prepared:
    if not isinstance(df, pd.DataFrame):
        raise ModelError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    if not isinstance(flow, str):
        raise ModelError(f"flow must be a column name, got {flow!r}")
    regs = _as_names(regressors, "regressors")
    if not regs:
        raise ModelError("regressors is empty; give at least one regressor column")
    if len(set(regs)) != len(regs):
        raise ModelError(f"regressors {regs} list a column more than once")
    if flow in regs:
        raise ModelError(f"the flow column '{flow}' is also listed as a regressor")
    fe_specs = _fe_specs(fe)
    fe_columns = {c for spec in fe_specs for c in spec}
    overlap = fe_columns.intersection(regs)
    if overlap:
        raise ModelError(f"column(s) {sorted(overlap)} are both regressors and fixed effects")
    clusters = None if cluster is None else _as_names(cluster, "cluster")
    if cov not in COV_TYPES:
        raise ModelError(f"cov={cov!r} is not one of {COV_TYPES}; pass cluster=... for "
                         "cluster-robust standard errors")
    if not 0 < alpha < 1:
        raise ModelError(f"alpha={alpha!r} must lie strictly between 0 and 1")

    roles = [(flow, "flow")] + [(r, "regressor") for r in regs]
    roles += [(c, "fixed effect") for spec in fe_specs for c in spec]
    roles += [(c, "cluster") for c in (clusters or ())]
    for column, role in roles:
        if column not in df.columns:
            raise SchemaError(
                f"column '{column}' ({role}) is not in the data frame; available columns: "
                f"{', '.join(map(str, df.columns))}",
                column=column,
            )
    if len(df) == 0:
        raise ModelError("the data frame has no rows")

    y = _numeric_column(df, flow, "flow")
    _refuse(df, flow, np.isinf(y), "infinite", "replace them by finite counts or NaN")
    _refuse(df, flow, y < 0, "negative",
            "flows are counts >= 0 (net flows cannot be modelled by PPML)")
    x = np.column_stack([_numeric_column(df, r, "regressor") for r in regs])
    for k, r in enumerate(regs):
        _refuse(df, r, np.isinf(x[:, k]), "infinite",
                "e.g. log(0) of a zero distance; fix the values or set them to NaN to drop "
                "the rows")

    reasons: dict[int, str] = {}
    missing_masks = [(flow, np.isnan(y))] + [(r, np.isnan(x[:, k])) for k, r in enumerate(regs)]
    fe_codes, fe_labels = [], []
    for spec in fe_specs:
        codes, labels = _group_codes(df, spec)
        fe_codes.append(codes)
        fe_labels.append(labels)
    for spec, codes in zip(fe_specs, fe_codes):
        missing_masks.append((" x ".join(spec), codes < 0))
    cluster_codes = None
    if clusters is not None:
        cluster_codes, _ = _group_codes(df, clusters)
        missing_masks.append((" x ".join(clusters), cluster_codes < 0))
    active = np.ones(len(df), dtype=bool)
    for column, mask in missing_masks:
        for pos in np.flatnonzero(mask & active):
            reasons[int(pos)] = f"missing value in '{column}'"
        active &= ~mask
    return _Prepared(df, flow, regs, fe_specs, clusters, y, x, fe_codes, fe_labels,
                     cluster_codes, active, alpha, reasons)


def _numeric_column(df: pd.DataFrame, column: str, role: str) -> np.ndarray:
    series = df[column]
    if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_complex_dtype(series):
        raise SchemaError(
            f"{role} column has non-numeric dtype {series.dtype}; convert it with "
            "pandas.to_numeric (or map categories to 0/1 indicators) before fitting",
            column=column,
        )
    return series.to_numpy(dtype=float, na_value=np.nan)


def _refuse(df, column, mask, what, fix):
    if mask.any():
        first = int(np.flatnonzero(mask)[0])
        raise DataError(
            f"{int(mask.sum())} value(s) are {what} (first at row label {df.index[first]!r}, "
            f"value {df[column].iloc[first]!r}); {fix}",
            column=column,
        )


def _group_codes(df: pd.DataFrame, columns: tuple[str, ...]) -> tuple[np.ndarray, list[str]]:
    """Integer code per row of the combination of ``columns`` (-1 where any is missing)."""
    codes = df.groupby(list(columns), sort=True, dropna=True).ngroup()
    codes = codes.to_numpy(dtype=float, na_value=np.nan)
    codes = np.where(np.isnan(codes), -1, codes).astype(np.int64)
    n_groups = int(codes.max()) + 1 if len(codes) else 0
    labels = [""] * n_groups
    present = np.flatnonzero(codes >= 0)
    _, first = np.unique(codes[present], return_index=True)
    for pos in present[first]:
        labels[codes[pos]] = ", ".join(f"{c}={df[c].iloc[pos]}" for c in columns)
    return codes, labels


# --------------------------------------------------------------------------------------------
# separation


def _drop_separated(prep: _Prepared, lp: bool, notes: list[str]) -> None:
    """Iterate the fixed-effect check and (optionally) the LP check until nothing changes."""
    n_fe = n_lp = 0
    while True:
        dropped_fe = _fe_check(prep)
        n_fe += dropped_fe
        dropped_lp = _lp_check(prep, notes) if lp else 0
        n_lp += dropped_lp
        if dropped_fe == 0 and dropped_lp == 0:
            break
    if n_fe:
        notes.append(f"separation: {n_fe} row(s) dropped in fixed-effect groups whose flows "
                     "are all zero")
    if n_lp:
        notes.append(f"separation: {n_lp} zero-flow row(s) dropped because a linear "
                     "combination of the regressors perfectly predicts them (LP check)")


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


def _lp_check(prep: _Prepared, notes: list[str]) -> int:
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
    notes.extend(f"separation LP: {w.category.__name__}: {w.message}" for w in caught)
    if lp.status != 0:
        notes.append(f"separation LP check could not be completed ({lp.message}); "
                     "only the fixed-effect check was applied")
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


def _dummies(codes: np.ndarray) -> np.ndarray:
    """One-hot columns for the levels present in ``codes``, first level dropped."""
    levels, inverse = np.unique(codes, return_inverse=True)
    out = np.zeros((len(codes), len(levels)), dtype=float)
    out[np.arange(len(codes)), inverse] = 1.0
    return out[:, 1:]


# --------------------------------------------------------------------------------------------
# design matrix and fit helpers


@dataclass
class _Design:
    matrix: np.ndarray
    regressor_columns: dict[str, int]  # regressor -> column in matrix (identified ones only)


def _build_design(prep: _Prepared, notes: list[str]) -> _Design:
    act = prep.active
    n = int(act.sum())
    if n == 0:
        raise ModelError("no observations are left after dropping rows with missing values, "
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
        raise ModelError(
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
        raise ModelError(
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
        raise ModelError(f"cluster={prep.cluster} has a single cluster among the rows used; "
                         "cluster-robust standard errors need at least two")
    return {"cov_type": "cluster", "cov_kwds": {"groups": groups}}


def _coefficient_tables(res, design: _Design, prep: _Prepared, alpha: float) -> dict:
    params = np.asarray(res.params, dtype=float)
    bse = np.asarray(res.bse, dtype=float)
    pvalues = np.asarray(res.pvalues, dtype=float)
    ci = np.asarray(res.conf_int(alpha=alpha), dtype=float)
    out = {key: pd.Series(np.nan, index=list(prep.regressors), dtype=float)
           for key in ("params", "bse", "pvalues", "ci_low", "ci_high")}
    for name, col in design.regressor_columns.items():
        out["params"][name] = params[col]
        out["bse"][name] = bse[col]
        out["pvalues"][name] = pvalues[col]
        out["ci_low"][name] = ci[col, 0]
        out["ci_high"][name] = ci[col, 1]
    return out


def _result(method, prep, design, coef, notes, caught, converged, iterations, pseudo_r2,
            fitted, cov) -> GravityResult:
    diagnostics = list(notes)
    diagnostics += [f"{w.category.__name__}: {w.message}" for w in caught]
    positions = sorted(prep.reasons)
    dropped = prep.df.iloc[positions].copy()
    dropped["reason"] = [prep.reasons[p] for p in positions]
    used_index = prep.df.index[prep.active]
    cov_type = cov if prep.cluster is None else f"cluster({', '.join(prep.cluster)})"
    conf = pd.DataFrame({"ci_low": coef["ci_low"], "ci_high": coef["ci_high"]})
    return GravityResult(
        method=method,
        flow=prep.flow,
        regressors=prep.regressors,
        fe=prep.fe,
        params=coef["params"].rename("coef"),
        bse=coef["bse"].rename("se"),
        conf_int=conf,
        pvalues=coef["pvalues"].rename("p_value"),
        nobs=int(prep.active.sum()),
        dropped=dropped,
        diagnostics=tuple(diagnostics),
        converged=converged,
        iterations=iterations,
        pseudo_r2=pseudo_r2,
        cov_type=cov_type,
        alpha=prep.alpha,
        fitted=pd.Series(fitted, index=used_index, name="fitted"),
    )
