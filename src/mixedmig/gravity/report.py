"""Tables that compare several gravity fits: coefficient tables, regression tables, percent effects.

Views of a single fit (its coefficient table, dropped rows by reason, a printable report,
observed-versus-fitted flows) are methods of :class:`~mixedmig.gravity.GravityResult`.

References
----------
Halvorsen, R. & Palmquist, R. (1980). The interpretation of dummy variables in semilogarithmic
equations. *American Economic Review* 70(3): 474-475.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from .result import GravityResult


def percent_effect(coef):
    """Percentage change in the expected flow when a regressor rises by one unit.

    Parameters
    ----------
    coef : float, array_like or pandas.Series
        Coefficient(s) of a log-link (PPML) or log-linear model, in log points.

    Returns
    -------
    float ndarray or pandas.Series
        ``100 (exp(b) - 1)``, a Series when ``coef`` is one (same index), else an array.

    Raises
    ------
    InputError
        ``coef`` is not numeric (e.g. a string), or a Series of non-numeric values.

    Notes
    -----
    For a 0/1 dummy such as contiguity it is the effect of switching the dummy on
    (Halvorsen & Palmquist 1980).

    References
    ----------
    Halvorsen, R. & Palmquist, R. (1980). The interpretation of dummy variables in
    semilogarithmic equations. *American Economic Review* 70(3): 474-475.

    Examples
    --------
    >>> float(percent_effect(np.log(2.0)))
    100.0
    >>> percent_effect([0.0, np.log(0.5)]).round(6).tolist()
    [0.0, -50.0]
    """
    values = coef.to_numpy() if isinstance(coef, pd.Series) else np.asarray(coef)
    if values.dtype.kind not in "biuf":
        raise InputError(f"percent_effect needs numeric coefficients (log points), got "
                         f"{coef!r} (dtype {values.dtype}); pass e.g. result.params")
    if isinstance(coef, pd.Series):
        return 100.0 * np.expm1(coef.astype(float))
    return 100.0 * np.expm1(values.astype(float))


def _check_results(results) -> None:
    if not isinstance(results, Mapping) or not results:
        raise InputError("results is empty; pass a mapping of model name -> GravityResult")
    for name, result in results.items():
        if not isinstance(result, GravityResult):
            raise InputError(f"results[{name!r}] is a {type(result).__name__}, not a "
                             "GravityResult from fit_ppml / fit_loglinear_ols")


def coefficient_table(results: Mapping[str, GravityResult],
                      percent: Sequence[str] = ()) -> pd.DataFrame:
    """Long table of the regressor coefficients of several fits.

    Parameters
    ----------
    results : mapping of str to GravityResult
        Model name -> fit, in display order.
    percent : sequence of str, optional
        Regressors (dummies) for which to add percent effects (:func:`percent_effect`).

    Returns
    -------
    pandas.DataFrame
        Columns ``model, method, regressor, coef, se, p_value, ci_low, ci_high, nobs,
        n_dropped, effect_pct, effect_pct_low, effect_pct_high``; the last three are the
        percent effects of ``coef`` and of its confidence limits for the regressors in
        ``percent`` and NaN elsewhere.  Rows follow the order of ``results`` and of each
        model's regressors.

    Raises
    ------
    InputError
        ``results`` is empty or holds something other than a GravityResult.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from mixedmig.gravity import fit_ppml
    >>> d = np.array([1.0, 2.0, 3.0, 1.5, 2.5, 0.5])
    >>> toy = pd.DataFrame({"orig": list("AABBCC"), "dest": list("BCACAB"),
    ...                     "flow": np.exp(1 - 0.5 * d), "dist": d})
    >>> table = coefficient_table({"toy": fit_ppml(toy, "flow", "dist", fe=())})
    >>> table[["model", "regressor", "nobs"]].to_dict("records")
    [{'model': 'toy', 'regressor': 'dist', 'nobs': 6}]
    """
    _check_results(results)
    frames = []
    for name, result in results.items():
        table = result.to_frame().reset_index()
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
    """A regression table as strings, one column per model.

    Parameters
    ----------
    results : mapping of str to GravityResult
        Model name -> fit, in display order.
    decimals : int, default 3
        Decimals printed for coefficients, standard errors and pseudo R-squared.
    labels : mapping of str to str, optional
        Display names of regressors.

    Returns
    -------
    pandas.DataFrame
        Of str.  For each regressor a row with the coefficient and a row ``"<label> (se)"``
        with its standard error in parentheses (``"absorbed"`` where the regressor is in the
        model but not identified, blank where it is not in the model), then ``fixed effects``
        (:attr:`GravityResult.fixed_effects_label`), ``standard errors`` (the covariance
        type), ``observations``, ``rows dropped`` and ``pseudo R2`` (McFadden for PPML,
        R-squared of the log regression for OLS).

    Raises
    ------
    InputError
        ``results`` is empty or holds something other than a GravityResult.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from mixedmig.gravity import fit_ppml
    >>> d = np.array([1.0, 2.0, 3.0, 1.5, 2.5, 0.5])
    >>> toy = pd.DataFrame({"orig": list("AABBCC"), "dest": list("BCACAB"),
    ...                     "flow": np.exp(1 - 0.5 * d), "dist": d})
    >>> table = regression_table({"toy": fit_ppml(toy, "flow", "dist", fe=())})
    >>> table["toy"].loc[["dist", "fixed effects", "observations"]].tolist()
    ['-0.500', 'none', '6']
    """
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
    rows["fixed effects"] = {n: r.fixed_effects_label for n, r in results.items()}
    rows["standard errors"] = {n: r.cov_type for n, r in results.items()}
    rows["observations"] = {n: str(r.nobs) for n, r in results.items()}
    rows["rows dropped"] = {n: str(r.n_dropped) for n, r in results.items()}
    rows["pseudo R2"] = {n: fmt.format(r.pseudo_r2) for n, r in results.items()}
    out = pd.DataFrame.from_dict(rows, orient="index", columns=list(results), dtype="str")
    out.index.name = None
    return out
