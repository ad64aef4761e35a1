"""SDG indicator 10.7.1: recruitment cost borne by the worker as a proportion of monthly earnings.

SDG indicator 10.7.1 is "recruitment cost borne by employee as a proportion of monthly income
earned in country of destination". The custodians (ILO and the World Bank) define it from
costs and earnings *observed for the same worker*: for worker i with recruitment cost C_i and
monthly earnings E_i in the destination country, the recruitment cost indicator (RCI) is the
individual ratio ``r_i = C_i / E_i`` (months of earnings needed to recover the cost), and the
indicator for a population is the (survey-weighted) mean of the individual ratios.

This module computes it from survey microdata (:func:`recruitment_cost_indicator`), next to the
ratio of mean cost to mean earnings that published tables often allow one to compute, and
reads a small survey file of one row per worker (:func:`read_recruitment_survey`, schema
:data:`RECRUITMENT_SURVEY_SCHEMA`).

References
----------
ILO & World Bank (2019). *Statistics for SDG indicator 10.7.1: Guidelines for collecting data on
    recruitment costs of migrant workers* (draft 2018, consulted with national statistical
    offices). KNOMAD / ILO.
    https://www.knomad.org/publication/guidelines-statistics-sdg-indicator-1071
UN Statistics Division, SDG metadata repository, indicator 10.7.1 (update of 2022-05-18),
    custodians ILO and World Bank. https://worldbank.github.io/sdg-metadata/metadata/en/10-7-1
Habiyakare, T. & Zhong, K. (2019). Measuring recruitment costs of migrant workers through
    household surveys: results of a pilot test from Lao PDR Labour Force Survey 2017. ISI World
    Statistics Congress 2019, CPS2476, Proceedings vol. 4, pp. 413-419 (method p. 416, Table 1
    p. 418).
Kish, L. (1965). *Survey Sampling*. Wiley (effective sample size, section 11.7).
Wolter, K. M. (2007). *Introduction to Variance Estimation*, 2nd ed. Springer (Taylor-series
    linearisation, chapter 6).
Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall
    (percentile intervals, chapter 13).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..data import ColumnSpec, Schema, validate_frame
from ..errors import DataError, InputError
from ..results import Result, diagnostics_frame
from ._checks import _check_level, _critical_value

__all__ = [
    "RECRUITMENT_SURVEY_SCHEMA",
    "RecruitmentCostResult",
    "read_recruitment_survey",
    "recruitment_cost_indicator",
]

ZERO_COST_RULES = ("include", "exclude")
INVALID_RULES = ("raise", "drop")
CI_METHODS = ("linearization", "bootstrap")

#: Schema of a recruitment-cost survey file: one row per migrant worker (or return migrant
#: worker) interviewed. Amounts are in the row's ``currency``, cost and earnings in the same one.
RECRUITMENT_SURVEY_SCHEMA = Schema(
    columns=(
        ColumnSpec("worker_id", "string", "respondent identifier, unique in the file"),
        ColumnSpec("origin", "iso3", "country of origin (ISO 3166-1 alpha-3)"),
        ColumnSpec("destination", "iso3",
                   "country of destination of the job the costs were paid for (ISO3)"),
        ColumnSpec("sex", "string", "sex of the worker", nullable=True,
                   allowed=("male", "female")),
        ColumnSpec("recruitment_cost", "number",
                   "total recruitment costs paid by the worker for the job (fees and related "
                   "costs; 0 = paid nothing); empty = not reported", nullable=True, minimum=0),
        ColumnSpec("monthly_earnings", "number",
                   "earnings in the reference month of that job in the destination (first "
                   "month under the 2018/2019 guidelines); empty = not reported",
                   nullable=True, minimum=0),
        ColumnSpec("currency", "string",
                   "ISO 4217 code of both amounts of the row (e.g. USD, LAK, THB)",
                   pattern=r"[A-Z]{3}\Z"),
        ColumnSpec("weight", "number", "survey weight (persons represented)", minimum=0),
    ),
    primary_key=("worker_id",),
)


@dataclass(frozen=True, eq=False)
class RecruitmentCostResult(Result):
    """SDG 10.7.1 recruitment cost indicator from survey microdata.

    Parameters
    ----------
    estimate : float
        Weighted mean of the individual ratios ``C_i / E_i`` (the indicator; months of
        earnings), over every worker kept.
    se : float
        Its standard error (NaN with fewer than two workers, or two clusters when ``cluster``
        is given, in the group).
    lower, upper : float
        Confidence limits of ``estimate`` (lower limit not below 0).
    ratio_of_means : float
        ``sum w C / sum w E``: mean cost over mean earnings, for contrast (NaN when the rows
        hold more than one currency).
    ratio_of_means_lower, ratio_of_means_upper : float
        Confidence limits of ``ratio_of_means``.
    n : int
        Workers used: those kept with a positive weight (rows of weight 0 represent nobody
        and are left out; ``diagnostics`` counts them).
    sum_weights : float
        Sum of their weights (persons represented).
    effective_n : float
        Kish's effective sample size ``(sum w)^2 / sum w^2``.
    level : float
        Confidence level.
    ci_method : str
        ``"linearization"`` or ``"bootstrap"``.
    zero_costs : str
        ``"include"`` (workers who paid nothing count with ratio 0) or ``"exclude"``.
    table : pandas.DataFrame
        One row for all workers and one per group of ``by`` (see :meth:`to_frame`).
    converged : bool
        Always True (closed form, or a fixed number of bootstrap draws).
    iterations : int
        Bootstrap replicates drawn (0 for linearisation).
    message : str
        The indicator, its interval and the ratio of means in one line.
    diagnostics : pandas.DataFrame
        Rows dropped and why, rows of weight 0, workers with zero cost, currencies, clusters,
        the weights' design effect ``n / effective_n``.
    """

    estimate: float
    se: float
    lower: float
    upper: float
    ratio_of_means: float
    ratio_of_means_lower: float
    ratio_of_means_upper: float
    n: int
    sum_weights: float
    effective_n: float
    level: float
    ci_method: str
    zero_costs: str
    table: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The indicator for all workers and by group.

        Returns
        -------
        pandas.DataFrame
            One row per group (the first, labelled ``"all"`` in every grouping column, for all
            workers; no group may be called ``"all"``). Columns: the grouping columns
            (``group`` when none), ``n`` (workers of positive weight),
            ``sum_weights``, ``effective_n``, ``n_zero_cost``, ``mean_of_ratios``, ``se``,
            ``lower``, ``upper``, ``ratio_of_means``, ``ratio_of_means_se``,
            ``ratio_of_means_lower``, ``ratio_of_means_upper``, ``min_ratio``, ``max_ratio``.
        """
        return self.table.copy()


def _location(index, position: int) -> str:
    label = index[position]
    if isinstance(label, (int, np.integer)) and label == position:
        return f"row {position}"
    return f"row {position} (index {label!r})"


def _as_vector(values, name: str, length: int | None = None) -> tuple[np.ndarray, pd.Index]:
    """A 1-D float array and the labels that name its rows in messages."""
    if isinstance(values, (str, bytes)) or np.ndim(values) == 0:
        raise InputError(f"{name} must be a 1-D sequence of numbers (one per worker), got "
                         f"{type(values).__name__}")
    if isinstance(values, pd.DataFrame):
        raise InputError(f"{name} must be one column (a Series), not a DataFrame; pass "
                         f"frame['{name}']")
    index = values.index if isinstance(values, pd.Series) else None
    series = pd.Series(values)
    if series.dtype == object or pd.api.types.is_bool_dtype(series) \
            or not pd.api.types.is_numeric_dtype(series):
        coerced = pd.to_numeric(series, errors="coerce")
        bad = np.flatnonzero(coerced.isna().to_numpy() & series.notna().to_numpy())
        if bad.size or pd.api.types.is_bool_dtype(series):
            pos = int(bad[0]) if bad.size else 0
            raise InputError(f"{name}: {_location(series.index, pos)} holds "
                             f"{series.iloc[pos]!r}, which is not a number; write amounts as "
                             "plain numbers (no currency symbols or thousands separators)")
        series = coerced
    array = series.to_numpy(dtype=float)
    if array.ndim != 1:
        raise InputError(f"{name} must be 1-D (one value per worker), got shape {array.shape}")
    if length is not None and array.size != length:
        raise InputError(f"{name} has {array.size} values but costs has {length}; give one "
                         "value per worker, in the same order")
    return array, (index if index is not None else pd.RangeIndex(array.size))


def _labels(values, name: str, length: int, *, allow_missing: bool = False) -> pd.DataFrame:
    """Grouping (or cluster) labels as a DataFrame of one or more columns."""
    if isinstance(values, pd.DataFrame):
        frame = values.reset_index(drop=True)
    elif isinstance(values, pd.Series):
        frame = values.reset_index(drop=True).to_frame(
            name=values.name if values.name is not None else name)
    else:
        array = np.asarray(values, dtype=object)
        if array.ndim != 1:
            raise InputError(f"{name} must be one label per worker (a list, array or Series) "
                             "or a DataFrame of label columns")
        frame = pd.DataFrame({name: array})
    if len(frame) != length:
        raise InputError(f"{name} has {len(frame)} rows but costs has {length}; give one "
                         "label per worker, in the same order")
    missing = frame.isna().to_numpy()
    if missing.any() and not allow_missing:
        pos, col = np.argwhere(missing)[0]
        raise InputError(f"{name}: row {pos} of column {frame.columns[col]!r} is missing; "
                         "give every worker a label (e.g. 'unknown') or drop the row first")
    frame.columns = [str(c) for c in frame.columns]
    return frame


def _weighted_pieces(c, e, w, clusters):
    """Point estimates and linearised standard errors for one group."""
    r = c / e
    total_w = w.sum()
    mor = float((w * r).sum() / total_w)
    sum_we = (w * e).sum()
    rom = float((w * c).sum() / sum_we)
    # influence values (Taylor linearisation of the two ratio estimators)
    z_mor = w * (r - mor) / total_w
    z_rom = w * (c - rom * e) / sum_we
    if clusters is None:
        units, m = z_mor, z_mor.size
        units_rom = z_rom
    else:
        codes = pd.factorize(clusters)[0]
        m = int(codes.max()) + 1 if codes.size else 0
        units = np.bincount(codes, weights=z_mor, minlength=m)
        units_rom = np.bincount(codes, weights=z_rom, minlength=m)
    if m < 2:
        se_mor = se_rom = math.nan
    else:
        se_mor = math.sqrt(m / (m - 1) * float((units ** 2).sum()))
        se_rom = math.sqrt(m / (m - 1) * float((units_rom ** 2).sum()))
    return {
        "n": int(c.size), "sum_weights": float(total_w),
        "effective_n": float(total_w ** 2 / (w ** 2).sum()),
        "n_zero_cost": int((c == 0).sum()),
        "mean_of_ratios": mor, "se": se_mor,
        "ratio_of_means": rom, "ratio_of_means_se": se_rom,
        "min_ratio": float(r.min()), "max_ratio": float(r.max()),
    }


def _bootstrap(c, e, w, clusters, n_boot, rng, level):
    """Percentile bootstrap limits of both estimators (resampling workers or clusters)."""
    if clusters is None:
        codes = np.arange(c.size)
    else:
        codes = pd.factorize(clusters)[0]
    m = int(codes.max()) + 1
    members = [np.flatnonzero(codes == g) for g in range(m)] if clusters is not None else None
    r = c / e
    mor = np.empty(n_boot)
    rom = np.empty(n_boot)
    with np.errstate(invalid="ignore", divide="ignore"):
        for b in range(n_boot):
            pick = rng.integers(0, m, size=m)
            rows = pick if members is None else np.concatenate([members[g] for g in pick])
            wb = w[rows]
            mor[b] = (wb * r[rows]).sum() / wb.sum()
            rom[b] = (wb * c[rows]).sum() / (wb * e[rows]).sum()
    mor, rom = mor[np.isfinite(mor)], rom[np.isfinite(rom)]
    tail = (1.0 - level) / 2.0
    q = [tail, 1.0 - tail]
    return (*np.quantile(mor, q), *np.quantile(rom, q), float(np.std(mor, ddof=1)),
            float(np.std(rom, ddof=1)))


def recruitment_cost_indicator(costs, earnings, weights=None, *, by=None, ci: float = 0.95,
                               zero_costs: str = "include", invalid: str = "raise",
                               currency=None, cluster=None, ci_method: str = "linearization",
                               n_boot: int = 2000, seed=None) -> RecruitmentCostResult:
    r"""SDG indicator 10.7.1: mean of the workers' recruitment cost / monthly earnings ratios.

    For worker i with recruitment cost :math:`C_i \ge 0` (paid by the worker) and monthly
    earnings :math:`E_i > 0` in the destination country, both in the same currency, and survey
    weight :math:`w_i`:

    .. math::

        r_i = C_i / E_i, \qquad
        \mathrm{RCI} = \frac{\sum_i w_i r_i}{\sum_i w_i}, \qquad
        R = \frac{\sum_i w_i C_i}{\sum_i w_i E_i}.

    RCI (the indicator, in months of earnings) is the mean of the individual ratios; ``R``, the
    ratio of mean cost to mean earnings, is returned for contrast. They agree when every worker
    earns the same; otherwise ``R`` weights each worker's ratio by his or her earnings
    (``R = sum w E r / sum w E``), so low earners, who usually have the highest ratios, count
    less. Lao PDR LFS 2017: mean cost USD 141.31, mean earnings USD 430.88, so R = 0.328,
    while the published mean of individual ratios is 0.33 (Habiyakare & Zhong 2019, Table 1).

    Parameters
    ----------
    costs : array-like of float, shape (n,)
        Recruitment costs paid by each worker (fees and related costs, in the row's currency;
        0 = paid nothing). A Series' index labels name rows in error messages.
    earnings : array-like of float, shape (n,)
        Each worker's monthly earnings in the destination country, same currency as the cost.
        The 2018/2019 guidelines use the earnings of the *first month* of the first job in the
        last destination (within, e.g., the 3 years before the survey); the Lao LFS 2017 pilot
        used *typical monthly earnings in the last job abroad*. Say which in your write-up:
        the function cannot tell.
    weights : array-like of float, shape (n,), optional
        Survey weights (persons represented), ``>= 0`` with a positive sum; ``None`` = every
        worker weighs 1 (unweighted mean). A row of weight 0 represents nobody: it is left
        out of every count (``n``, ``n_zero_cost``, ``min_ratio``, ``max_ratio``, the number
        of workers or clusters behind a standard error) and counted in ``diagnostics``.
    by : array-like or pandas.Series or pandas.DataFrame, optional
        Group labels, one per worker (e.g. sex, destination); a DataFrame gives one grouping
        column each. The result has a row for all workers, labelled ``"all"``, and one per
        group; a group label ``"all"`` is therefore an error (rename it).
    ci : float, default 0.95
        Confidence level of the intervals.
    zero_costs : {"include", "exclude"}, default "include"
        ``"include"``: workers who paid nothing count with ratio 0 (the indicator describes
        all migrant workers of the target population). ``"exclude"``: keep only workers with
        a positive cost, as the Lao PDR pilot did (its RCI is defined on the subset of return
        migrant workers with non-zero costs and non-zero earnings). Excluded rows are counted
        in ``diagnostics``.
    invalid : {"raise", "drop"}, default "raise"
        What to do with a worker whose cost or earnings is missing (NaN) or whose earnings are
        0 (no ratio exists): ``"raise"`` an error naming the row, or ``"drop"`` the row and
        count it in ``diagnostics`` (item nonresponse is then assumed ignorable: re-weight
        first if it is not). Negative or infinite amounts are always an error.
    currency : str or array-like of str, optional
        Currency of each row (or one for all); required on every row kept (a row that
        ``invalid="drop"`` or ``zero_costs="exclude"`` removes may lack it). The ratios are
        currency-free, so rows in different currencies may be averaged; the ratio of means is
        NaN then.
    cluster : array-like, optional
        Primary sampling unit of each worker (e.g. the survey's enumeration area). The
        variance then treats clusters, not workers, as the independent units.
    ci_method : {"linearization", "bootstrap"}, default "linearization"
        ``"linearization"``: normal interval ``estimate +- z se`` with the Taylor-linearised
        standard error (below). ``"bootstrap"``: percentile interval from ``n_boot`` resamples
        of workers (or clusters) with replacement, within each group; NaN for a group of
        fewer than two workers (or clusters).
    n_boot : int, default 2000
        Bootstrap replicates (``ci_method="bootstrap"`` only).
    seed : int or numpy.random.Generator, optional
        Random seed of the bootstrap (``ci_method="bootstrap"`` only).

    Returns
    -------
    RecruitmentCostResult
        ``estimate`` (RCI), ``se``, ``lower``, ``upper``, ``ratio_of_means`` and its limits,
        ``n``, ``sum_weights``, ``effective_n``; ``to_frame()`` holds the row for all workers
        and the rows by group; ``diagnostics`` the rows dropped and why.

    Raises
    ------
    InputError
        Lengths differ; a cost, earnings or weight is negative, infinite or not a number; a
        cost or earnings is missing or earnings are 0 with ``invalid="raise"``; the weights
        (of all workers kept, or of one group) sum to 0; no worker is left; a group or
        cluster label is missing, or a group is called ``"all"``; a kept row has no
        currency; an option is not one of those listed.

    Notes
    -----
    *Variance.* With :math:`W = \sum w_i`, the linearised (influence) values of the two
    estimators are :math:`z_i = w_i (r_i - \mathrm{RCI}) / W` and
    :math:`u_i = w_i (C_i - R E_i) / \sum_j w_j E_j`; with :math:`m` independent units
    (workers, or clusters whose values are summed first)
    :math:`\widehat{V} = \frac{m}{m-1} \sum_k z_k^2` (Wolter 2007, ch. 6): the with-replacement
    approximation for a single-stage design. It ignores stratification (usually conservative)
    and, without ``cluster``, the clustering of a household survey (usually too small): give
    ``cluster`` when the survey has one. Kish's effective sample size
    :math:`W^2 / \sum w_i^2` shows how much unequal weights cost in precision. The normal
    interval is poor for very small or very skewed samples; prefer the bootstrap there.

    *Choices of the definition* (document them with any figure): target population (migrant
    workers abroad, or return migrants at home); cost concept (all worker-paid fees and
    related costs, or fees paid to recruiters only); the earnings month; whether zero costs
    are included; the currency and the date of conversion when amounts were converted.

    References
    ----------
    ILO & World Bank (2019). *Statistics for SDG indicator 10.7.1: Guidelines for collecting
    data on recruitment costs of migrant workers*. KNOMAD / ILO.
    UN Statistics Division (2022). SDG metadata, indicator 10.7.1 (ILO and World Bank).
    Habiyakare, T. & Zhong, K. (2019). Measuring recruitment costs of migrant workers through
    household surveys: results of a pilot test from Lao PDR Labour Force Survey 2017. ISI
    World Statistics Congress 2019, CPS2476, Proceedings vol. 4: 413-419.
    Kish, L. (1965). *Survey Sampling*. Wiley.
    Wolter, K. M. (2007). *Introduction to Variance Estimation*, 2nd ed. Springer.
    Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.

    Examples
    --------
    Three workers (made-up illustrative values): costs 100, 300, 300 and earnings 200, 300,
    600 give ratios 0.5, 1.0, 0.5, so RCI = 2/3, while R = 700 / 1100 = 0.636:

    >>> res = recruitment_cost_indicator([100, 300, 300], [200, 300, 600])
    >>> round(res.estimate, 4), round(res.ratio_of_means, 4)
    (0.6667, 0.6364)

    Weights 1, 2, 1 count the middle worker twice: RCI = (0.5 + 2 + 0.5) / 4 = 0.75.

    >>> round(recruitment_cost_indicator([100, 300, 300], [200, 300, 600], [1, 2, 1]).estimate, 4)
    0.75
    """
    level = _check_level(ci)
    for value, name, allowed in ((zero_costs, "zero_costs", ZERO_COST_RULES),
                                 (invalid, "invalid", INVALID_RULES),
                                 (ci_method, "ci_method", CI_METHODS)):
        if value not in allowed:
            raise InputError(f"{name}={value!r} is not an option; choose one of "
                             f"{', '.join(repr(a) for a in allowed)}")
    c, index = _as_vector(costs, "costs")
    n_rows = c.size
    e, _ = _as_vector(earnings, "earnings", n_rows)
    if weights is None:
        w = np.ones(n_rows)
    else:
        w, _ = _as_vector(weights, "weights", n_rows)
    groups = None if by is None else _labels(by, "group", n_rows)
    if groups is not None:
        for column in groups.columns:
            clash = np.flatnonzero(groups[column].astype(str).to_numpy() == "all")
            if clash.size:
                raise InputError(
                    f"group: row {int(clash[0])} of column {column!r} is labelled 'all', the "
                    "label of the row for all workers in the result; rename that group "
                    "(e.g. 'all destinations')")
    clusters = None if cluster is None else _labels(cluster, "cluster", n_rows)
    if currency is None:
        currencies = None
    elif isinstance(currency, str):
        currencies = np.full(n_rows, currency, dtype=object)
    else:
        currencies = _labels(currency, "currency", n_rows,
                             allow_missing=True).iloc[:, 0].to_numpy(dtype=object)

    # always errors: negative or infinite amounts, bad weights
    for array, name, fix in (
        (c, "costs", "a recruitment cost is an amount paid (>= 0); record refunds separately"),
        (e, "earnings", "earnings are amounts received (>= 0)"),
    ):
        bad = np.flatnonzero(np.isinf(array) | (array < 0))
        if bad.size:
            raise InputError(f"{name}: {_location(index, int(bad[0]))} is {float(array[bad[0]]):g} "
                             f"({bad.size} such row(s)); {fix}")
    bad = np.flatnonzero(~np.isfinite(w) | (w < 0))
    if bad.size:
        raise InputError(f"weights: {_location(index, int(bad[0]))} is {float(w[bad[0]]):g} "
                         f"({bad.size} such row(s)); survey weights are finite and >= 0")

    dropped = []
    problems = [("cost missing", np.isnan(c),
                 "give the amount, or pass invalid='drop' to leave the worker out"),
                ("earnings missing", np.isnan(e),
                 "give the amount, or pass invalid='drop' to leave the worker out"),
                ("earnings zero", e == 0,
                 "no ratio exists for a worker with no earnings; check the value, or pass "
                 "invalid='drop' to leave the worker out")]
    keep = np.ones(n_rows, dtype=bool)
    for label, mask, fix in problems:
        mask = mask & keep
        if mask.any():
            if invalid == "raise":
                first = int(np.flatnonzero(mask)[0])
                raise InputError(f"{'costs' if 'cost' in label else 'earnings'}: "
                                 f"{_location(index, first)}: {label} ({int(mask.sum())} such "
                                 f"row(s)); {fix}")
            dropped.append((f"dropped: {label}", int(mask.sum()), "invalid='drop'"))
            keep &= ~mask
    zero = keep & (c == 0)
    if zero_costs == "exclude" and zero.any():
        dropped.append(("dropped: zero cost", int(zero.sum()),
                        "zero_costs='exclude' (Lao PDR 2017 pilot definition)"))
        keep &= ~zero
    if not keep.any():
        raise InputError("no worker is left to compute the indicator from (all rows were "
                         "dropped; see the options invalid and zero_costs)")
    if w[keep].sum() <= 0:
        raise InputError("the weights of the workers kept sum to 0; at least one worker needs "
                         "a positive weight")
    if currencies is not None:
        no_currency = np.flatnonzero(keep & pd.isna(currencies))
        if no_currency.size:
            raise InputError(f"currency: {_location(index, int(no_currency[0]))} is missing "
                             f"({no_currency.size} such row(s) kept); give the ISO 4217 code "
                             "of the row's amounts (e.g. USD)")
    # rows of weight 0 represent nobody: out of every count, but a group must keep someone
    weightless = keep & (w == 0)
    if weightless.any():
        if groups is not None:
            before = set(groups.loc[keep].itertuples(index=False, name=None))
            after = set(groups.loc[keep & ~weightless].itertuples(index=False, name=None))
            for key in sorted(before - after, key=lambda k: tuple(str(x) for x in k)):
                label = key[0] if len(key) == 1 else key
                raise InputError(f"group {label!r}: the weights of its workers sum to 0; give "
                                 "them positive weights or leave the group out of `by`")
        dropped.append(("rows with zero weight (not used)", int(weightless.sum()),
                        "weight 0 represents nobody"))
        keep &= ~weightless

    c, e, w = c[keep], e[keep], w[keep]
    clusters_kept = None if clusters is None else clusters.iloc[:, 0].to_numpy()[keep]
    groups_kept = None if groups is None else groups.loc[keep].reset_index(drop=True)
    single_currency = True
    if currencies is not None:
        single_currency = len(set(currencies[keep])) == 1

    rng = np.random.default_rng(seed) if ci_method == "bootstrap" else None
    if ci_method == "bootstrap":
        if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 100:
            raise InputError(f"n_boot must be a whole number >= 100, got {n_boot!r}")
    z = _critical_value(level)

    def row(mask):
        cl = None if clusters_kept is None else clusters_kept[mask]
        units = int(mask.sum()) if cl is None else int(pd.Series(cl).nunique())
        out = _weighted_pieces(c[mask], e[mask], w[mask], cl)
        if ci_method == "linearization":
            for est, se, prefix in ((out["mean_of_ratios"], out["se"], ""),
                                    (out["ratio_of_means"], out["ratio_of_means_se"],
                                     "ratio_of_means_")):
                out[prefix + "lower"] = max(0.0, est - z * se) if math.isfinite(se) else math.nan
                out[prefix + "upper"] = est + z * se if math.isfinite(se) else math.nan
        else:
            if units < 2:  # one worker, or one cluster: nothing to resample between
                lo = hi = rlo = rhi = se = rse = math.nan
            else:
                lo, hi, rlo, rhi, se, rse = _bootstrap(c[mask], e[mask], w[mask], cl,
                                                       int(n_boot), rng, level)
            out.update(lower=float(lo), upper=float(hi), ratio_of_means_lower=float(rlo),
                       ratio_of_means_upper=float(rhi), se=se, ratio_of_means_se=rse)
        if not single_currency:
            for key in ("ratio_of_means", "ratio_of_means_se", "ratio_of_means_lower",
                        "ratio_of_means_upper"):
                out[key] = math.nan
        return out

    group_names = ["group"] if groups_kept is None else list(groups_kept.columns)
    rows = [{**{g: "all" for g in group_names}, **row(np.ones(c.size, dtype=bool))}]
    if groups_kept is not None:
        keys = list(groups_kept.itertuples(index=False, name=None))
        for key in sorted(set(keys), key=lambda k: tuple(str(x) for x in k)):
            mask = np.array([k == key for k in keys])
            rows.append({**dict(zip(group_names, key)), **row(mask)})
    columns = [*group_names, "n", "sum_weights", "effective_n", "n_zero_cost",
               "mean_of_ratios", "se", "lower", "upper", "ratio_of_means",
               "ratio_of_means_se", "ratio_of_means_lower", "ratio_of_means_upper",
               "min_ratio", "max_ratio"]
    table = pd.DataFrame(rows)[columns]
    overall = rows[0]

    diag = [("rows given", n_rows, ""), *dropped,
            ("workers used", overall["n"], ""),
            ("workers with zero cost", overall["n_zero_cost"],
             "included with ratio 0" if zero_costs == "include" else "excluded"),
            ("design effect of the weights (n / effective n)",
             overall["n"] / overall["effective_n"], "Kish (1965); 1 = equal weights")]
    if currencies is not None:
        kept = sorted(set(currencies[keep]))
        diag.append(("currencies", ", ".join(kept),
                     "" if single_currency else "ratio of means not defined across currencies"))
    if clusters_kept is not None:
        diag.append(("clusters", int(pd.Series(clusters_kept).nunique()),
                     "variance from cluster totals"))
    pct = f"{100 * level:g}%"
    rom_text = ("ratio of means not defined (several currencies)" if not single_currency
                else f"ratio of means {overall['ratio_of_means']:.3f}")
    message = (f"recruitment cost indicator (mean of individual cost/earnings ratios) "
               f"{overall['mean_of_ratios']:.3f} months of earnings ({pct} {ci_method} CI "
               f"{overall['lower']:.3f} to {overall['upper']:.3f}); {rom_text}; "
               f"{overall['n']} workers"
               + (f", {n_rows - overall['n']} left out" if n_rows != overall["n"] else ""))
    return RecruitmentCostResult(
        estimate=overall["mean_of_ratios"], se=overall["se"], lower=overall["lower"],
        upper=overall["upper"], ratio_of_means=overall["ratio_of_means"],
        ratio_of_means_lower=overall["ratio_of_means_lower"],
        ratio_of_means_upper=overall["ratio_of_means_upper"], n=overall["n"],
        sum_weights=overall["sum_weights"], effective_n=overall["effective_n"], level=level,
        ci_method=ci_method, zero_costs=zero_costs, table=table,
        converged=True, iterations=int(n_boot) if ci_method == "bootstrap" else 0,
        message=message, diagnostics=diagnostics_frame(diag),
    )


def read_recruitment_survey(path) -> pd.DataFrame:
    """Read and validate a recruitment-cost survey file (one row per worker).

    The file is a UTF-8 CSV with exactly the columns of :data:`RECRUITMENT_SURVEY_SCHEMA`, in
    this order:

    ================  ===========================================================
    worker_id         respondent identifier, unique
    origin            country of origin, ISO3 (e.g. LAO)
    destination       country of the job the costs were paid for, ISO3 (e.g. THA)
    sex               ``male``, ``female`` or empty
    recruitment_cost  total costs paid by the worker (>= 0; empty = not reported)
    monthly_earnings  earnings of the reference month in the destination (>= 0)
    currency          ISO 4217 code of both amounts of the row (e.g. USD)
    weight            survey weight (>= 0)
    ================  ===========================================================

    Hand the columns to :func:`recruitment_cost_indicator`.

    Parameters
    ----------
    path : str or os.PathLike or pandas.DataFrame
        The CSV file, or a DataFrame with those columns (validated the same way).

    Returns
    -------
    pandas.DataFrame
        The typed table (``recruitment_cost``, ``monthly_earnings``, ``weight`` as float64),
        index = the CSV line numbers (header = line 1).

    Raises
    ------
    mixedmig.errors.DataError
        If the file does not exist or is not a readable CSV.
    mixedmig.errors.SchemaError
        If a column is missing, extra or out of order, a value has the wrong type or is out of
        range (negative amount, unknown sex, a currency that is not three capitals), or a
        ``worker_id`` repeats; the message names the file, line and column of every problem.

    Examples
    --------
    >>> import pandas as pd
    >>> toy = pd.DataFrame({  # made-up test values
    ...     "worker_id": ["a", "b"], "origin": ["LAO", "LAO"], "destination": ["THA", "THA"],
    ...     "sex": ["female", "male"], "recruitment_cost": ["100", "0"],
    ...     "monthly_earnings": ["250", "300"], "currency": ["USD", "USD"], "weight": ["1", "2"]})
    >>> survey = read_recruitment_survey(toy)
    >>> res = recruitment_cost_indicator(survey["recruitment_cost"], survey["monthly_earnings"],
    ...                                  survey["weight"])
    >>> round(res.estimate, 4)  # (1 x 0.4 + 2 x 0) / 3
    0.1333
    """
    if isinstance(path, pd.DataFrame):
        frame = path.copy()
        frame.index = pd.RangeIndex(2, len(frame) + 2)
        label = "survey table"
    else:
        if not isinstance(path, (str, os.PathLike)):
            raise InputError(f"path must be a file path or a DataFrame, got "
                             f"{type(path).__name__}")
        p = Path(path)
        if not p.is_file():
            raise DataError("file not found; check the path", path=p)
        try:
            frame = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except (UnicodeDecodeError, pd.errors.ParserError) as exc:
            raise DataError(f"not a readable UTF-8 CSV file ({exc}); save it as CSV UTF-8 "
                            "with commas", path=p) from None
        except pd.errors.EmptyDataError:
            raise DataError("the file is empty; it needs a header row", path=p) from None
        frame.index = pd.RangeIndex(2, len(frame) + 2)
        label = p
    return validate_frame(frame, RECRUITMENT_SURVEY_SCHEMA, label)
