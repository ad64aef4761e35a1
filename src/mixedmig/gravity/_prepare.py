"""Preparation and validation of a gravity model frame, and its design matrix (private)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..checks import require_columns
from ..errors import DataError, InputError, ModelError, SchemaError
from ._covariance import _cluster_groups

COV_TYPES = ("nonrobust", "HC0", "HC1")


SEPARATION_CHECKS = ("fe+lp", "fe", "none")


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
        raise InputError(f"{what} must be a column name or a sequence of column names, "
                         f"got {value!r}") from None
    for name in names:
        if not isinstance(name, str):
            raise InputError(f"{what} must contain column names (strings), got {name!r}")
    return names


def _fe_specs(fe) -> tuple[tuple[str, ...], ...]:
    if fe is None:
        return ()
    if isinstance(fe, str):
        return ((fe,),)
    return tuple(_as_names(spec, "each fixed effect") for spec in fe)


def _prepare(df, flow, regressors, fe, cluster, cov, alpha) -> _Prepared:
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    if not isinstance(flow, str):
        raise InputError(f"flow must be a column name, got {flow!r}")
    regs = _as_names(regressors, "regressors")
    if not regs:
        raise InputError("regressors is empty; give at least one regressor column")
    if len(set(regs)) != len(regs):
        raise InputError(f"regressors {regs} list a column more than once")
    if flow in regs:
        raise InputError(f"the flow column '{flow}' is also listed as a regressor")
    fe_specs = _fe_specs(fe)
    fe_columns = {c for spec in fe_specs for c in spec}
    overlap = fe_columns.intersection(regs)
    if overlap:
        raise InputError(f"column(s) {sorted(overlap)} are both regressors and fixed effects")
    clusters = None if cluster is None else _as_names(cluster, "cluster")
    if not isinstance(cov, str) or cov not in COV_TYPES:
        raise InputError(f"cov={cov!r} is not implemented; choose one of {COV_TYPES} (other "
                         "types such as HC2 or HC3 are refused rather than approximated), or "
                         "pass cluster=... for cluster-robust standard errors")
    if not 0 < alpha < 1:
        raise InputError(f"alpha={alpha!r} must lie strictly between 0 and 1")

    columns = [flow, *regs, *(c for spec in fe_specs for c in spec), *(clusters or ())]
    require_columns(df, list(dict.fromkeys(columns)),
                    "data frame given to the gravity fit (flow, regressor, fixed-effect and "
                    "cluster columns)")
    if len(df) == 0:
        raise InputError("the data frame has no rows")

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


def _require_positive_flow(prep: _Prepared, method: str, stage: str) -> None:
    """Raise ModelError when no active row has a positive flow: no estimate exists."""
    act = prep.active
    n_used, n_dropped = int(act.sum()), len(prep.reasons)
    if n_used == 0 or (prep.y[act] > 0).any():
        return  # no row at all is reported by _build_design
    dropped = f" ({n_dropped} other row(s) were dropped before)" if n_dropped else ""
    if method == "ppml":
        why = ("with only zero flows the Poisson likelihood keeps rising as the intercept and "
               "fixed effects go to minus infinity, so no PPML estimate exists")
    else:
        why = "log-linear OLS uses positive flows only, so no estimate exists"
    raise ModelError(
        f"every flow in column '{prep.flow}' is zero in the {n_used} row(s) left {stage}"
        f"{dropped}; {why}. Check that "
        f"'{prep.flow}' is the intended column and that its positive values are not all in "
        "rows with missing regressors, fixed effects or clusters"
    )


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
    present = np.flatnonzero(codes >= 0)
    _, first = np.unique(codes[present], return_index=True)
    rows = df.iloc[present[first]]
    text = None
    for c in columns:
        part = f"{c}=" + rows[c].astype(str).to_numpy(dtype=object)
        text = part if text is None else text + ", " + part
    labels = [""] * n_groups if text is None else list(text)
    return codes, labels


@dataclass
class _Design:
    matrix: np.ndarray
    regressor_columns: dict[str, int]  # regressor -> column in matrix (identified ones only)


_COLLINEAR_TOL = 1e-9


def _build_design(prep: _Prepared, notes: list[tuple]) -> _Design:
    """Design matrix (intercept, fixed-effect dummies, regressors) of the active rows, with
    collinear columns removed; appends (check, value, note) triples to ``notes``."""
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
            notes.append((
                "identification", names[k],
                (f"regressor '{names[k]}' is not identified (no variation, or collinear with "
                "the fixed effects and other regressors, after dropping rows); its "
                "coefficient is reported as NaN"),
            ))
    if n_fe_removed:
        notes.append((
            "identification", n_fe_removed,
            (f"{n_fe_removed} fixed-effect dummy column(s) collinear with the other "
            "fixed effects were removed (expected for interacted effects such as "
            "origin-year and destination-year; otherwise a sign of disconnected "
            "groups); regressor coefficients are unaffected"),
        ))
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


def _cluster_index(prep: _Prepared) -> np.ndarray | None:
    """Cluster index (0..G-1) of each active row, or None without clustering."""
    if prep.cluster is None:
        return None
    return _cluster_groups(prep.cluster_codes[prep.active], prep.cluster)


def _dummies(codes: np.ndarray) -> np.ndarray:
    """One-hot columns for the levels present in ``codes``, first level dropped."""
    levels, inverse = np.unique(codes, return_inverse=True)
    out = np.zeros((len(codes), len(levels)), dtype=float)
    out[np.arange(len(codes)), inverse] = 1.0
    return out[:, 1:]
