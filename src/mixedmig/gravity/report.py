""""""

from __future__ import annotations
import re
from collections.abc import Mapping, Sequence
import numpy as np
import pandas as pd
from ..errors import InputError, SchemaError
from .result import GravityResult


def percent_effect(coef):
    """Percentage change in the expected stock when a regressor rises by one unit:
    ``100 (exp(b) - 1)`` (Halvorsen & Palmquist 1980, "The interpretation of dummy variables in
    semilogarithmic equations", *American Economic Review* 70(3):474-475).  For a 0/1 dummy
    such as contiguity it is the effect of switching the dummy on.  Accepts scalars, arrays and
    Series."""
    if isinstance(coef, pd.Series):
        return 100.0 * np.expm1(coef.astype(float))
    return 100.0 * np.expm1(np.asarray(coef, dtype=float))


def coefficient_table(results: Mapping[str, GravityResult],
                      percent: Sequence[str] = ()) -> pd.DataFrame:
    """Long table of the regressor coefficients of several fits: ``model, method, regressor,
    coef, se, ci_low, ci_high, p_value, nobs, n_dropped``.  For the regressors named in
    ``percent`` (dummies), also ``effect_pct, effect_pct_low, effect_pct_high`` =
    :func:`percent_effect` of the coefficient and of its confidence limits (NaN elsewhere).
    Rows follow the order of ``results`` and of each model's regressors."""
    if not results:
        raise InputError("results is empty; pass a mapping of model name -> GravityResult")
    frames = []
    for name, result in results.items():
        if not isinstance(result, GravityResult):
            raise InputError(f"results[{name!r}] is a {type(result).__name__}, not a "
                             "GravityResult from fit_ppml / fit_loglinear_ols")
        table = result.summary().reset_index()
        table.insert(0, "model", name)
        table.insert(1, "method", result.method)
        table["nobs"] = result.nobs
        table["n_dropped"] = result.n_dropped
        frames.append(table.drop(columns="statistic"))
    out = pd.concat(frames, ignore_index=True)
    out["model"] = out["model"].astype("str")
    out["regressor"] = out["regressor"].astype("str")
    is_pct = out["regressor"].isin(list(percent)).to_numpy()
    for source, target in (("coef", "effect_pct"), ("ci_low", "effect_pct_low"),
                           ("ci_high", "effect_pct_high")):
        out[target] = np.where(is_pct, percent_effect(out[source].to_numpy()), np.nan)
    return out


def regression_table(results: Mapping[str, GravityResult], decimals: int = 3,
                     labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A regression table as strings, one column per model: for each regressor a row with the
    coefficient and a row with its standard error in parentheses ("absorbed" where the
    regressor is in the model but not identified, blank where it is not in the model), then
    ``fixed effects`` (:func:`fixed_effects_label`), ``standard errors`` (the covariance type),
    ``observations``, ``rows dropped`` and ``pseudo R2`` (McFadden for PPML, R-squared of the
    log regression for OLS).  ``labels`` renames regressors for display."""
    table = coefficient_table(results)
    labels = dict(labels or {})
    regressors = list(dict.fromkeys(table["regressor"]))
    fmt = f"{{:.{decimals}f}}"
    rows: dict[str, dict[str, str]] = {}
    for reg in regressors:
        label = labels.get(reg, reg)
        coef_row, se_row = {}, {}
        for name in results:
            hit = table[(table["model"] == name) & (table["regressor"] == reg)]
            if hit.empty:
                coef_row[name], se_row[name] = "", ""
            elif np.isnan(hit["coef"].iloc[0]):
                coef_row[name], se_row[name] = "absorbed", ""
            else:
                coef_row[name] = fmt.format(hit["coef"].iloc[0])
                se_row[name] = "(" + fmt.format(hit["se"].iloc[0]) + ")"
        rows[label] = coef_row
        rows[f"{label} (se)"] = se_row
    rows["fixed effects"] = {n: fixed_effects_label(r) for n, r in results.items()}
    rows["standard errors"] = {n: r.cov_type for n, r in results.items()}
    rows["observations"] = {n: str(r.nobs) for n, r in results.items()}
    rows["rows dropped"] = {n: str(r.n_dropped) for n, r in results.items()}
    rows["pseudo R2"] = {n: fmt.format(r.pseudo_r2) for n, r in results.items()}
    out = pd.DataFrame.from_dict(rows, orient="index", columns=list(results), dtype="str")
    out.index.name = None
    return out


def fixed_effects_label(result: GravityResult) -> str:
    """The fixed effects of a fit as text: ``"orig + dest"``, ``"orig x year + dest x year"``,
    or ``"none"``."""
    if not result.fe:
        return "none"
    return " + ".join(" x ".join(spec) for spec in result.fe)


def fit_report(name: str, result: GravityResult) -> str:
    """A few lines on what a fit used and left out: rows used and dropped, the dropped rows by
    reason (:func:`dropped_summary`) and every captured diagnostic, for printing."""
    lines = [f"{name}: {result.method}, fixed effects {fixed_effects_label(result)}; "
             f"{result.nobs} rows used, {result.n_dropped} dropped; "
             f"converged: {'yes' if result.converged else 'NO'}"]
    for row in dropped_summary(result).itertuples(index=False):
        groups = f" in {row.groups} groups" if row.groups > 1 else ""
        lines.append(f"  dropped {row.rows} row(s){groups}: {row.reason}")
    lines += [f"  diagnostic: {note}" for note in result.diagnostics]
    return "\n".join(lines)


_GROUP_LABEL = re.compile(r"fixed-effect group .*? \(")


def dropped_summary(result: GravityResult) -> pd.DataFrame:
    """Rows a fit left out, counted by reason (column ``rows``), most frequent first.  Reasons
    that name a single fixed-effect group (e.g. one all-zero origin-destination pair) are pooled
    into one line per kind, with the number of groups in ``groups``."""
    dropped = result.dropped
    if dropped.empty:
        return pd.DataFrame({"reason": pd.Series([], dtype="str"),
                             "rows": pd.Series([], dtype="int64"),
                             "groups": pd.Series([], dtype="int64")})
    reasons = dropped["reason"].astype("str")
    pooled = reasons.str.replace(_GROUP_LABEL, "fixed-effect group <one per group> (", regex=True)
    summary = (pd.DataFrame({"reason": pooled, "detail": reasons})
               .groupby("reason", sort=True)
               .agg(rows=("detail", "size"), groups=("detail", "nunique"))
               .reset_index())
    summary = summary.sort_values(["rows", "reason"], ascending=[False, True], kind="stable")
    summary["reason"] = summary["reason"].astype("str")
    return summary.reset_index(drop=True).astype({"rows": "int64", "groups": "int64"})


def fit_table(result: GravityResult, frame: pd.DataFrame,
              keys: Sequence[str] = ("year", "orig", "dest")) -> pd.DataFrame:
    """Observed and fitted stock for every row a fit used: ``keys``, ``observed``, ``fitted``
    and ``pearson_residual = (observed - fitted) / sqrt(fitted)``.

    ``frame`` must be the data frame that was passed to the fit (rows are matched on its
    index).  PPML fits give the fitted mean directly; for log-linear OLS ``fitted`` is
    ``exp(fitted log stock)``, the naive retransformation, which estimates the conditional
    median rather than the mean when the log errors are heteroskedastic or non-normal (Santos
    Silva & Tenreyro 2006, section II).
    """
    missing = [k for k in (*keys, result.flow) if k not in frame.columns]
    if missing:
        raise SchemaError(f"column(s) {missing} are not in the frame; pass the frame that was "
                          "fitted", column=missing[0])
    if not result.fitted.index.isin(frame.index).all():
        raise InputError("the fitted rows are not all in the frame; pass the same data frame "
                         "that was given to the fit")
    used = frame.loc[result.fitted.index]
    fitted = result.fitted.to_numpy(dtype=float)
    if result.method == "ols-log":
        fitted = np.exp(fitted)
    observed = used[result.flow].to_numpy(dtype=float, na_value=np.nan)
    out = used[list(keys)].copy()
    out["observed"] = observed
    out["fitted"] = fitted
    out["pearson_residual"] = (observed - fitted) / np.sqrt(fitted)
    return out.reset_index(drop=True)
