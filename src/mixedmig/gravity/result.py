"""The result of a gravity fit, shared by PPML and log-linear OLS, and its views.

:class:`GravityResult` follows the result protocol of :mod:`mixedmig.results`.  Besides the
coefficient table (:meth:`GravityResult.to_frame`) it offers the views a report needs: the dropped
rows counted by reason (:meth:`GravityResult.dropped_summary`), a printable account of the fit
(:meth:`GravityResult.report`) and observed-versus-fitted flows (:meth:`GravityResult.fit_table`).

References
----------
Santos Silva, J. M. C. & Tenreyro, S. (2006). The log of gravity. *Review of Economics and
Statistics* 88(4): 641-658.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..checks import require_columns
from ..errors import InputError
from ..results import Result, diagnostics_frame
from ._covariance import _Covariance, _inference
from ._prepare import _Design, _Prepared

#: Columns of :attr:`GravityResult.diagnostics`.
DIAGNOSTIC_COLUMNS = ("check", "value", "note")

_GROUP_LABEL = re.compile(r"fixed-effect group .*? \(")


@dataclass(frozen=True, eq=False)
class GravityResult(Result):
    """Result of :func:`~mixedmig.gravity.fit_ppml` or :func:`~mixedmig.gravity.fit_loglinear_ols`.

    Coefficients are reported for the regressors only: fixed-effect dummies are absorbed and
    not reported.  A regressor removed as not identified has NaN everywhere.

    Parameters
    ----------
    method : str
        ``"ppml"`` or ``"ols-log"``.
    flow : str
        Name of the flow column that was modelled.
    regressors : tuple of str
        The regressor columns, in the order given.
    fe : tuple of tuple of str
        The fixed effects; each is a tuple of the columns whose combination defines it.
    params : pandas.Series
        Coefficients (name ``coef``), indexed by regressor.
    bse : pandas.Series
        Standard errors (name ``se``), indexed by regressor.
    conf_int : pandas.DataFrame
        Columns ``ci_low`` and ``ci_high``: the ``1 - alpha`` confidence interval, indexed by
        regressor.
    pvalues : pandas.Series
        Two-sided p-values (name ``p_value``), indexed by regressor.
    nobs : int
        Number of rows used in the fit.
    dropped : pandas.DataFrame
        The input rows left out of the fit (original index and columns) with an added column
        ``reason`` (str): ``"missing value in '<column>'"``, ``"zero flow: log(0) undefined"``
        (OLS), ``"all flows are zero in fixed-effect group ..."`` or ``"zero flow perfectly
        predicted by ..."`` (separation, PPML).
    pseudo_r2 : float
        McFadden's ``1 - llf / llnull`` for PPML; the ordinary R-squared of ``log(flow)`` for OLS.
    cov_type : str
        ``"HC1"``, ``"HC0"``, ``"nonrobust"`` or ``"cluster(<columns>)"`` (one-way clusters
        defined by the combination of the columns).  Every type is computed by mixedmig from
        the design and the fitted values (formulas in :func:`~mixedmig.gravity.fit_ppml`).
    cov_factor : float
        The small-sample factor that multiplies the variance: 1 (``HC0``, ``nonrobust``),
        ``n / (n - k)`` (``HC1``) or ``G / (G - 1) * (n - 1) / (n - k)`` (cluster), with ``n``
        the rows used, ``k`` the rank of the full design (intercept, fixed-effect dummies and
        identified regressors) and ``G`` the number of clusters.  Standard errors carry its
        square root.
    cov_factor_formula : str
        ``cov_factor`` as a formula with its numbers, e.g. ``"n/(n-k) = 210/178 = 1.17978"``.
    alpha : float
        Level of the ``1 - alpha`` confidence intervals.
    fitted : pandas.Series
        Fitted mean flow (PPML) or fitted log flow (OLS) for the rows used, indexed like the
        input.
    backend : str
        The engine that fitted the model: ``"statsmodels"`` (dense fixed-effect dummies; OLS
        always) or ``"pyfixest"`` (fixed effects absorbed by ``pyfixest.fepois``).
    converged : bool
        Whether IRLS met its deviance tolerance (always True for OLS).
    iterations : int
        IRLS iterations (0 for OLS; -1 with the pyfixest backend, which does not report
        them).
    message : str
        One line: method, rows used and dropped, convergence.
    diagnostics : pandas.DataFrame
        One row per note or captured warning, columns ``check`` (``"dropped"``,
        ``"separation"``, ``"identification"``, ``"convergence"`` or ``"warning"``), ``value``
        (a count, a regressor name or a warning category) and ``note`` (the readable text).
        Warnings raised by statsmodels, numpy or scipy during the fit are recorded here and
        never reach stderr.

    See Also
    --------
    mixedmig.gravity.coefficient_table : coefficients of several fits in one long table.
    mixedmig.gravity.regression_table : a regression table of several fits, as text.
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
    pseudo_r2: float
    cov_type: str
    cov_factor: float
    cov_factor_formula: str
    alpha: float
    fitted: pd.Series = field(repr=False)
    backend: str = "statsmodels"

    @property
    def n_dropped(self) -> int:
        """Number of input rows left out of the fit (``len(dropped)``)."""
        return len(self.dropped)

    @property
    def fixed_effects_label(self) -> str:
        """The fixed effects as text: ``"orig + dest"``, ``"orig x year + dest x year"`` or
        ``"none"``."""
        if not self.fe:
            return "none"
        return " + ".join(" x ".join(spec) for spec in self.fe)

    def to_frame(self) -> pd.DataFrame:
        """Coefficient table, one row per regressor (fixed-effect dummies are not reported).

        Returns
        -------
        pandas.DataFrame
            Index ``regressor``; columns ``coef`` (estimate), ``se`` (standard error),
            ``statistic`` (``coef / se``: z for PPML, t for OLS), ``p_value``, ``ci_low`` and
            ``ci_high`` (the ``1 - alpha`` confidence interval).
        """
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

    def dropped_summary(self) -> pd.DataFrame:
        """Rows the fit left out, counted by reason, most frequent first.

        Reasons that name a single fixed-effect group (e.g. one all-zero origin) are pooled
        into one line per kind, with the number of groups in ``groups``.

        Returns
        -------
        pandas.DataFrame
            Columns ``reason`` (str), ``rows`` (int64, rows dropped) and ``groups`` (int64,
            distinct fixed-effect groups pooled into the line; 1 for other reasons).  Empty
            when nothing was dropped.
        """
        if self.dropped.empty:
            return pd.DataFrame({"reason": pd.Series([], dtype="str"),
                                 "rows": pd.Series([], dtype="int64"),
                                 "groups": pd.Series([], dtype="int64")})
        reasons = self.dropped["reason"].astype("str")
        pooled = reasons.str.replace(_GROUP_LABEL, "fixed-effect group <one per group> (",
                                     regex=True)
        summary = (pd.DataFrame({"reason": pooled, "detail": reasons})
                   .groupby("reason", sort=True)
                   .agg(rows=("detail", "size"), groups=("detail", "nunique"))
                   .reset_index())
        summary = summary.sort_values(["rows", "reason"], ascending=[False, True], kind="stable")
        summary["reason"] = summary["reason"].astype("str")
        return summary.reset_index(drop=True).astype({"rows": "int64", "groups": "int64"})

    def report(self, name: str) -> str:
        """A few printable lines on what the fit used and left out.

        Parameters
        ----------
        name : str
            Label of the model, printed first.

        Returns
        -------
        str
            First line: ``"<name>: <method>, fixed effects <label>; <nobs> rows used,
            <n> dropped; converged: yes|NO"``; then one line per reason of
            :meth:`dropped_summary` and one line ``"  diagnostic: <note>"`` per row of
            :attr:`diagnostics`.
        """
        lines = [(f"{name}: {self.method}, fixed effects {self.fixed_effects_label}; "
                 f"{self.nobs} rows used, {self.n_dropped} dropped; "
                 f"converged: {'yes' if self.converged else 'NO'}")]
        for row in self.dropped_summary().itertuples(index=False):
            groups = f" in {row.groups} groups" if row.groups > 1 else ""
            lines.append(f"  dropped {row.rows} row(s){groups}: {row.reason}")
        lines += [f"  diagnostic: {note}" for note in self.diagnostics["note"]]
        return "\n".join(lines)

    def fit_table(self, frame: pd.DataFrame,
                  keys: Sequence[str] = ("year", "orig", "dest")) -> pd.DataFrame:
        """Observed and fitted flow for every row the fit used.

        Parameters
        ----------
        frame : pandas.DataFrame
            The data frame that was passed to the fit (rows are matched on its index).
        keys : sequence of str
            Columns of ``frame`` that identify a row, copied to the output.

        Returns
        -------
        pandas.DataFrame
            Columns ``keys``, ``observed``, ``fitted`` and ``pearson_residual``, one row per
            row used, with a fresh index.

        Raises
        ------
        SchemaError
            A key or the flow column is not in ``frame``.
        InputError
            Some fitted rows are not in ``frame`` (another frame was passed).

        Notes
        -----
        ``pearson_residual = (observed - fitted) / sqrt(fitted)``.  PPML gives the fitted mean
        directly; for log-linear OLS ``fitted = exp(fitted log flow)``, the naive
        retransformation, which estimates the conditional median rather than the mean when
        the log errors are heteroskedastic or non-normal (Santos Silva & Tenreyro 2006,
        section II).
        """
        require_columns(frame, (*keys, self.flow), "frame that was fitted")
        if not self.fitted.index.isin(frame.index).all():
            raise InputError("the fitted rows are not all in the frame; pass the same data "
                             "frame that was given to the fit")
        used = frame.loc[self.fitted.index]
        fitted = self.fitted.to_numpy(dtype=float)
        if self.method == "ols-log":
            fitted = np.exp(fitted)
        observed = used[self.flow].to_numpy(dtype=float, na_value=np.nan)
        out = used[list(keys)].copy()
        out["observed"] = observed
        out["fitted"] = fitted
        out["pearson_residual"] = (observed - fitted) / np.sqrt(fitted)
        return out.reset_index(drop=True)


def _coefficient_tables(params, covariance: _Covariance, design: _Design, prep: _Prepared,
                        alpha: float) -> dict:
    params = np.asarray(params, dtype=float)
    bse, pvalues, ci_low, ci_high = _inference(params, covariance, alpha)
    out = {key: pd.Series(np.nan, index=list(prep.regressors), dtype=float)
           for key in ("params", "bse", "pvalues", "ci_low", "ci_high")}
    for name, col in design.regressor_columns.items():
        out["params"][name] = params[col]
        out["bse"][name] = bse[col]
        out["pvalues"][name] = pvalues[col]
        out["ci_low"][name] = ci_low[col]
        out["ci_high"][name] = ci_high[col]
    return out


def _result(method, prep, design, coef, notes, caught, converged, iterations, pseudo_r2,
            fitted, cov, covariance: _Covariance, backend: str = "statsmodels") -> GravityResult:
    """Assemble a :class:`GravityResult`; ``notes`` are (check, value, note) triples."""
    rows = list(notes)
    rows += [("warning", w.category.__name__, f"{w.category.__name__}: {w.message}")
             for w in caught]
    positions = sorted(prep.reasons)
    dropped = prep.df.iloc[positions].copy()
    dropped["reason"] = [prep.reasons[p] for p in positions]
    used_index = prep.df.index[prep.active]
    cov_type = cov if prep.cluster is None else f"cluster({', '.join(prep.cluster)})"
    conf = pd.DataFrame({"ci_low": coef["ci_low"], "ci_high": coef["ci_high"]})
    nobs = int(prep.active.sum())
    label = {"ppml": "PPML", "ols-log": "log-linear OLS"}[method]
    if method == "ppml" and iterations < 0:
        status = ("converged (IRLS by pyfixest, fixed effects absorbed)" if converged
                  else "did NOT converge (IRLS by pyfixest, fixed effects absorbed)")
    elif method == "ppml":
        status = (f"converged in {iterations} IRLS iterations" if converged
                  else f"did NOT converge in {iterations} IRLS iterations")
    else:
        status = "closed form"
    message = (f"{label}: {nobs} rows used, {len(positions)} dropped, {status}"
               + (f"; {len(rows)} diagnostic(s)" if rows else ""))
    return GravityResult(
        method=method,
        flow=prep.flow,
        regressors=prep.regressors,
        fe=prep.fe,
        params=coef["params"].rename("coef"),
        bse=coef["bse"].rename("se"),
        conf_int=conf,
        pvalues=coef["pvalues"].rename("p_value"),
        nobs=nobs,
        dropped=dropped,
        pseudo_r2=pseudo_r2,
        cov_type=cov_type,
        cov_factor=covariance.factor,
        cov_factor_formula=covariance.factor_text,
        alpha=prep.alpha,
        fitted=pd.Series(fitted, index=used_index, name="fitted"),
        backend=backend,
        converged=converged,
        iterations=iterations,
        message=message,
        diagnostics=diagnostics_frame(rows, columns=DIAGNOSTIC_COLUMNS),
    )
