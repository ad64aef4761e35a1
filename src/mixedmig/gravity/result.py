"""The result of a gravity fit, shared by PPML and OLS."""

from __future__ import annotations
from dataclasses import dataclass, field
import numpy as np
import pandas as pd
from ._prepare import _Design, _Prepared


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
