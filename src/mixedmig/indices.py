"""Summary indices of a migration system, computed from an origin-destination (OD) matrix.

Input conventions
-----------------
``od`` is a square pandas DataFrame of flows, **origins in rows, destinations in columns**,
with the same region labels on both axes (columns may be in another order; they are aligned to
the rows).  The diagonal (stayers, or flows within a region) is ignored whatever it holds,
even NaN.  Off-diagonal flows must be finite and non-negative.  ``population`` is a pandas
Series indexed by the same labels (extra labels are ignored) or a single number, the total
population at risk.  Notation below: ``M_ij`` the flow from i to j (i != j), ``O_i = sum_j M_ij``
out-migration, ``D_i = sum_j M_ji`` in-migration, ``M = sum O_i`` all migrants, ``n`` the number
of regions, ``P_i`` populations.

References
----------
* Bell, M., Blake, M., Boyle, P., Duke-Williams, O., Rees, P., Stillwell, J. & Hugo, G. (2002).
  Cross-national comparison of internal migration: issues and measures. *Journal of the Royal
  Statistical Society A* 165(3):435-464.  (CMP, MEI, ANMR, connectivity, corrected Ginis,
  migration-weighted Gini.)
* Bell, M., Charles-Edwards, E., Ueffing, P., Stillwell, J., Kupiszewski, M. & Kupiszewska, D.
  (2015). Internal migration and development: comparing migration intensities around the world.
  *Population and Development Review* 41(1):33-58.  (Crude migration intensity.)
* Plane, D. A. & Mulligan, G. F. (1997). Measuring spatial focusing in a migration system.
  *Demography* 34(2):251-262.  (Spatial-interaction Gini and migration-field Ginis.)
* Rogers, A. & Sweeney, S. (1998). Measuring the spatial focus of migration patterns.
  *The Professional Geographer* 50:232-242.  (Coefficients of variation.)
* Santos Silva, J. M. C. & Tenreyro, S. (2006). The log of gravity. *Review of Economics and
  Statistics* 88(4):641-658.  (Poisson PML, used for distance decay.)
"""

from __future__ import annotations

import dataclasses
import numbers

import numpy as np
import pandas as pd

from .errors import DataError, InputError, SchemaError
from .gravity import fit_ppml
from collections.abc import Mapping
from .flows.tables import to_matrix

__all__ = [
    "migration_totals",
    "crude_migration_probability",
    "migration_intensity",
    "migration_effectiveness",
    "aggregate_migration_effectiveness",
    "aggregate_net_migration_rate",
    "connectivity",
    "gini_total",
    "migration_field_gini",
    "migration_weighted_gini",
    "coefficient_of_variation",
    "migration_field_cv",
    "aggregate_field_cv",
    "mean_migration_distance",
    "DistanceDecay",
    "distance_decay",
]

_FIELDS = ("in", "out")


# --------------------------------------------------------------------------------------------
# input handling


def _od_array(od, name: str = "od") -> tuple[np.ndarray, pd.Index]:
    """Validated float array of the OD matrix with a zero diagonal, and its labels."""
    if isinstance(od, np.ndarray):
        od = pd.DataFrame(od)
    if not isinstance(od, pd.DataFrame):
        raise SchemaError(f"{name} must be a square pandas DataFrame (origins x destinations), "
                          f"got {type(od).__name__}")
    rows, cols = od.index, od.columns
    if od.shape[0] != od.shape[1]:
        raise SchemaError(f"{name} must be square (origins x destinations), got shape "
                          f"{od.shape}; reshape a long table with DataFrame.pivot first")
    if not rows.is_unique or not cols.is_unique:
        raise SchemaError(f"{name} has duplicated region labels; each region must appear "
                          "exactly once in the rows and once in the columns")
    if set(rows) != set(cols):
        only_rows = sorted(map(str, set(rows) - set(cols)))
        only_cols = sorted(map(str, set(cols) - set(rows)))
        raise SchemaError(f"{name} rows and columns must hold the same regions; only in rows: "
                          f"{only_rows}, only in columns: {only_cols}")
    od = od.reindex(columns=rows)
    for label in rows:
        column = od[label]
        if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            raise SchemaError(f"{name} column holds non-numeric values (dtype {column.dtype}); "
                              "convert with pandas.to_numeric", column=label)
    values = od.to_numpy(dtype=float, na_value=np.nan, copy=True)
    n = len(rows)
    off = ~np.eye(n, dtype=bool)
    bad = off & ~np.isfinite(values)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise DataError(f"{name} flow from {rows[i]!r} is {values[i, j]} (missing or infinite); "
                        "off-diagonal flows must be finite -- use 0 for no migration",
                        column=rows[j])
    negative = off & (values < 0)
    if negative.any():
        i, j = np.argwhere(negative)[0]
        raise DataError(f"{name} flow from {rows[i]!r} is negative ({values[i, j]}); flows are "
                        "counts >= 0 (net flows belong in a separate vector)", column=rows[j])
    values[~off] = 0.0
    return values, rows


def _population_total(population, labels: pd.Index) -> float:
    if isinstance(population, numbers.Real) and not isinstance(population, bool):
        total = float(population)
    elif isinstance(population, pd.Series):
        missing = [label for label in labels if label not in population.index]
        if missing:
            raise DataError(f"population has no value for region(s) {missing}; give one "
                            "population per region of the OD matrix")
        values = pd.to_numeric(population.loc[list(labels)], errors="coerce")
        values = values.to_numpy(dtype=float, na_value=np.nan)
        if not np.isfinite(values).all() or (values < 0).any():
            bad = [label for label, v in zip(labels, values) if not np.isfinite(v) or v < 0]
            raise DataError(f"population is missing, non-numeric or negative for {bad}")
        total = float(values.sum())
    else:
        raise SchemaError("population must be a pandas Series indexed by region or a number, "
                          f"got {type(population).__name__}")
    if not np.isfinite(total) or total <= 0:
        raise DataError(f"the population at risk must be positive, got {total}")
    return total


def _check_field(field_name: str) -> None:
    if field_name not in _FIELDS:
        raise InputError(f"field={field_name!r} must be 'in' (destination fields) or 'out' "
                         "(origin fields)")


def _off_diagonal(m: np.ndarray) -> np.ndarray:
    return m[~np.eye(m.shape[0], dtype=bool)]


def _fields(m: np.ndarray, field_name: str) -> list[np.ndarray]:
    """Flows of each region's in-field (column without diagonal) or out-field (row)."""
    n = m.shape[0]
    if field_name == "in":
        return [np.delete(m[:, j], j) for j in range(n)]
    return [np.delete(m[i, :], i) for i in range(n)]


def _sum_abs_differences(x: np.ndarray) -> float:
    """sum_a sum_b |x_a - x_b| over all ordered pairs, via the sorted-rank identity
    2 * sum_k (2k - N - 1) x_(k) (k = 1..N)."""
    x = np.sort(np.asarray(x, dtype=float))
    ranks = np.arange(1, len(x) + 1)
    return float(2.0 * np.sum((2 * ranks - len(x) - 1) * x))


def _gini(x: np.ndarray, corrected: bool) -> float:
    """Plane & Mulligan (1997) Gini of a set of N flows: sum|x_a - x_b| / (2 N sum x);
    Bell et al. (2002) correction: denominator 2 (N - 1) sum x, so one non-zero flow gives 1."""
    total = float(np.sum(x))
    n = len(x)
    pairs = n - 1 if corrected else n
    if total == 0 or pairs == 0:
        return float("nan")
    return _sum_abs_differences(x) / (2.0 * pairs * total)


# --------------------------------------------------------------------------------------------
# totals, intensity and impact


def migration_totals(od) -> pd.DataFrame:
    """In-, out-, net migration and turnover of each region.

    ``in_migration = D_i``, ``out_migration = O_i``, ``net_migration = D_i - O_i``,
    ``turnover = D_i + O_i`` (diagonal excluded).
    """
    m, labels = _od_array(od)
    inflow, outflow = m.sum(axis=0), m.sum(axis=1)
    return pd.DataFrame(
        {
            "in_migration": inflow,
            "out_migration": outflow,
            "net_migration": inflow - outflow,
            "turnover": inflow + outflow,
        },
        index=labels,
    )


def crude_migration_probability(od, population) -> float:
    """Crude migration probability (intensity) of the system, as a proportion.

    ``CMP = M / P``: all migrants over the population at risk (Bell et al. 2002, JRSS A
    165(3); called the crude migration intensity in Bell et al. 2015, PDR 41(1)).  Multiply by
    100 for the percentage Bell et al. tabulate.  ``population`` is a Series per region
    (summed) or the total population at risk.
    """
    m, labels = _od_array(od)
    return float(m.sum()) / _population_total(population, labels)


migration_intensity = crude_migration_probability  # the name used by Bell et al. (2015)


def migration_effectiveness(od) -> pd.Series:
    """Migration effectiveness index of each region.

    ``MEI_i = 100 (D_i - O_i) / (D_i + O_i)``, in [-100, 100]: +100 when a region only gains,
    -100 when it only loses, 0 when gains and losses balance (Bell et al. 2002, JRSS A
    165(3)).  NaN for a region with no migration at all.
    """
    totals = migration_totals(od)
    with np.errstate(invalid="ignore", divide="ignore"):
        mei = 100.0 * totals["net_migration"] / totals["turnover"].where(totals["turnover"] > 0)
    return mei.rename("mei")


def aggregate_migration_effectiveness(od) -> float:
    """Aggregate migration effectiveness index of the system.

    ``AMEI = 100 sum_i |D_i - O_i| / sum_i (D_i + O_i)``, in [0, 100] (Bell et al. 2002,
    JRSS A 165(3)); 0 when every region's gains equal its losses.  NaN with no migration.
    """
    totals = migration_totals(od)
    turnover = float(totals["turnover"].sum())
    if turnover == 0:
        return float("nan")
    return 100.0 * float(totals["net_migration"].abs().sum()) / turnover


def aggregate_net_migration_rate(od, population) -> float:
    """Aggregate net migration rate, in per cent of the population at risk.

    ``ANMR = 100 * (1/2) sum_i |D_i - O_i| / sum_i P_i`` (Bell et al. 2002, JRSS A 165(3)): the
    net redistribution of population by migration.  It factorises as
    ``ANMR = CMP * AMEI`` (with CMP as a proportion and AMEI in per cent).
    """
    totals = migration_totals(od)
    total_population = _population_total(population, totals.index)
    return 100.0 * 0.5 * float(totals["net_migration"].abs().sum()) / total_population


# --------------------------------------------------------------------------------------------
# connectivity and inequality (spatial focusing)


def connectivity(od, threshold: float = 0.0) -> float:
    """Index of migration connectivity: share of the ``n (n - 1)`` possible flows that exist.

    ``I_MC = #{(i, j), i != j : M_ij > threshold} / (n (n - 1))`` (Bell et al. 2002, JRSS A
    165(3)).  With the default ``threshold=0`` a flow counts when it is non-zero; a higher
    threshold ignores small flows (e.g. rounding or suppressed cells).  1 when every region
    sends migrants to every other one.
    """
    if not isinstance(threshold, numbers.Real) or not np.isfinite(threshold) or threshold < 0:
        raise InputError(f"threshold must be a finite number >= 0, got {threshold!r}")
    m, _ = _od_array(od)
    flows = _off_diagonal(m)
    if flows.size == 0:
        return float("nan")
    return float(np.mean(flows > threshold))


def gini_total(od, corrected: bool = True) -> float:
    """Spatial-interaction Gini index of the whole migration system.

    ``G = sum_(ij) sum_(kl) |M_ij - M_kl| / (2 (N - 1) M)`` over all ordered pairs of the
    ``N = n (n - 1)`` off-diagonal flows -- Plane & Mulligan (1997, Demography 34(2)) with the
    denominator corrected by Bell et al. (2002, JRSS A 165(3)) from ``2 N M`` to
    ``2 (N - 1) M`` so that G = 1 when all migrants are in one flow and 0 when all flows are
    equal.  ``corrected=False`` gives Plane & Mulligan's original.  Scale invariant.
    """
    m, _ = _od_array(od)
    return _gini(_off_diagonal(m), corrected)


def migration_field_gini(od, field: str = "in", corrected: bool = True) -> pd.Series:
    """In- or out-migration field Gini of each region (Plane & Mulligan 1997).

    In-migration field of region j: its ``n - 1`` inflows ``M_ij``;
    ``G^I_j = sum_i sum_k |M_ij - M_kj| / (2 (n - 2) D_j)`` (i, k != j).  Out-migration field
    of region i: its outflows, ``G^O_i = sum_j sum_l |M_ij - M_il| / (2 (n - 2) O_i)``.
    The ``n - 2`` is Bell et al.'s (2002) correction of Plane & Mulligan's ``n - 1``
    (``corrected=False``).  NaN for a region without in- (out-) migration, or when n = 2.
    """
    _check_field(field)
    m, labels = _od_array(od)
    values = [_gini(flows, corrected) for flows in _fields(m, field)]
    return pd.Series(values, index=labels, name=f"gini_{field}", dtype=float)


def migration_weighted_gini(od, field: str = "both", corrected: bool = True) -> float:
    """Migration-weighted Gini: field Ginis averaged with each region's share of migrants.

    ``MWG^I = sum_j G^I_j D_j / M`` (in-migration fields weighted by in-migration) and
    ``MWG^O = sum_i G^O_i O_i / M``; ``field="both"`` returns ``(MWG^I + MWG^O) / 2``
    (Bell et al. 2002, JRSS A 165(3), after Plane & Mulligan 1997).  In [0, 1].  Note: the
    R package migration.indices (0.3.1) documents a further division by n, giving values n
    times smaller; this function returns the weighted mean itself.
    """
    if field not in _FIELDS + ("both",):
        raise InputError(f"field={field!r} must be 'in', 'out' or 'both'")
    if field == "both":
        return 0.5 * (migration_weighted_gini(od, "in", corrected)
                      + migration_weighted_gini(od, "out", corrected))
    m, _ = _od_array(od)
    total = m.sum()
    if total == 0:
        return float("nan")
    weights = (m.sum(axis=0) if field == "in" else m.sum(axis=1)) / total
    ginis = np.array([_gini(flows, corrected) for flows in _fields(m, field)])
    # a region without in- (out-) migration has weight 0 and an undefined Gini
    return float(np.sum(np.where(weights > 0, ginis, 0.0) * weights))


def coefficient_of_variation(od) -> float:
    """Coefficient of variation of the off-diagonal flows, ``CV = sd / mean``.

    ``sd`` is the population standard deviation over the ``N = n (n - 1)`` flows (divisor N),
    the convention of Rogers & Sweeney's (1998, Prof. Geographer 50) field CVs applied to the
    whole system.  0 when all flows are equal; scale invariant.  NaN with no migration.
    """
    m, _ = _od_array(od)
    return _cv(_off_diagonal(m))


def _cv(x: np.ndarray) -> float:
    mean = float(np.mean(x)) if len(x) else 0.0
    if mean == 0:
        return float("nan")
    return float(np.std(x, ddof=0)) / mean


def migration_field_cv(od, field: str = "in") -> pd.Series:
    """Coefficient of variation of each region's in- or out-migration field.

    ``CV^I_j = sd_i(M_ij) / mean_i(M_ij)`` over the ``n - 1`` inflows of j (population sd), and
    likewise over the outflows for ``field="out"`` (Rogers & Sweeney 1998, Prof. Geographer
    50).
    """
    _check_field(field)
    m, labels = _od_array(od)
    return pd.Series([_cv(flows) for flows in _fields(m, field)], index=labels,
                     name=f"cv_{field}", dtype=float)


def aggregate_field_cv(od, field: str = "in") -> float:
    """Aggregate coefficient of variation: field CVs weighted by each region's migrant share.

    ``ACV^I = sum_j CV^I_j D_j / M`` and ``ACV^O = sum_i CV^O_i O_i / M`` (Rogers & Sweeney
    1998, Prof. Geographer 50).
    """
    _check_field(field)
    m, _ = _od_array(od)
    total = m.sum()
    if total == 0:
        return float("nan")
    weights = (m.sum(axis=0) if field == "in" else m.sum(axis=1)) / total
    cvs = np.array([_cv(flows) for flows in _fields(m, field)])
    return float(np.sum(np.where(weights > 0, cvs, 0.0) * weights))


# --------------------------------------------------------------------------------------------
# distance


def _distance_array(distance, labels: pd.Index) -> np.ndarray:
    if not isinstance(distance, pd.DataFrame):
        raise SchemaError("distance must be a square DataFrame with the OD matrix's labels, "
                          f"got {type(distance).__name__}")
    missing = [label for label in labels
               if label not in distance.index or label not in distance.columns]
    if missing:
        raise DataError(f"distance has no row/column for region(s) {missing}")
    d = distance.loc[list(labels), list(labels)]
    for label in labels:
        if not pd.api.types.is_numeric_dtype(d[label]):
            raise SchemaError(f"distance column holds non-numeric values (dtype "
                              f"{d[label].dtype})", column=label)
    values = d.to_numpy(dtype=float, na_value=np.nan)
    off = ~np.eye(len(labels), dtype=bool)
    bad = off & ~(values > 0)  # also catches NaN
    if bad.any() or np.isinf(values[off]).any():
        i, j = np.argwhere(bad | (off & np.isinf(values)))[0]
        raise DataError(f"distance from {labels[i]!r} is {values[i, j]}; off-diagonal "
                        "distances must be positive and finite", column=labels[j])
    return values


def mean_migration_distance(od, distance) -> float:
    """Mean distance moved by migrants, ``sum_ij M_ij d_ij / M`` (i != j).

    ``distance`` is a square DataFrame with the OD labels (e.g. great-circle km between
    capitals); its diagonal is ignored.  NaN with no migration.
    """
    m, labels = _od_array(od)
    d = _distance_array(distance, labels)
    total = m.sum()
    if total == 0:
        return float("nan")
    return float(np.sum(_off_diagonal(m) * _off_diagonal(d)) / total)


@dataclasses.dataclass(frozen=True)
class DistanceDecay:
    """Distance-decay elasticity from :func:`distance_decay`.

    ``elasticity`` is the coefficient of log distance (negative = flows fall with distance),
    with standard error ``se``, ``1 - alpha`` confidence interval ``ci_low``/``ci_high`` and
    ``pvalue``.  ``nobs`` pairs were used; ``dropped`` lists the others with a reason;
    ``diagnostics`` holds captured warnings and notes.
    """

    elasticity: float
    se: float
    ci_low: float
    ci_high: float
    pvalue: float
    nobs: int
    converged: bool
    cov_type: str
    alpha: float
    diagnostics: tuple[str, ...]
    dropped: pd.DataFrame = dataclasses.field(repr=False)


def distance_decay(od, distance, cov: str = "HC1", alpha: float = 0.05) -> DistanceDecay:
    """Distance-decay parameter of a doubly-constrained spatial-interaction model.

    Fits ``E[M_ij] = exp(a_i + b_j + beta log d_ij)`` (i != j) by Poisson (pseudo-)maximum
    likelihood with origin and destination fixed effects (Santos Silva & Tenreyro 2006,
    REStat 88(4); the Poisson form of the doubly-constrained gravity model) and returns
    ``beta``.  Zero flows are kept; origins or destinations with no flows at all are dropped
    and reported (see :func:`mixedmig.gravity.fit_ppml`, which does the fitting).  ``cov`` is
    ``"HC1"`` (default, robust to over-dispersion), ``"HC0"`` or ``"nonrobust"`` (Poisson
    variance).  Warnings are captured into ``diagnostics``.
    """
    m, labels = _od_array(od)
    d = _distance_array(distance, labels)
    n = len(labels)
    if n < 3:
        raise InputError("distance decay with origin and destination effects needs at least "
                         f"3 regions, got {n}")
    orig, dest = np.nonzero(~np.eye(n, dtype=bool))
    long = pd.DataFrame(
        {
            "orig": labels[orig],
            "dest": labels[dest],
            "flow": m[orig, dest],
            "log_distance": np.log(d[orig, dest]),
        }
    )
    fit = fit_ppml(long, "flow", ["log_distance"], fe=("orig", "dest"), cov=cov, alpha=alpha)
    return DistanceDecay(
        elasticity=float(fit.params["log_distance"]),
        se=float(fit.bse["log_distance"]),
        ci_low=float(fit.conf_int.loc["log_distance", "ci_low"]),
        ci_high=float(fit.conf_int.loc["log_distance", "ci_high"]),
        pvalue=float(fit.pvalues["log_distance"]),
        nobs=fit.nobs,
        converged=fit.converged,
        cov_type=fit.cov_type,
        alpha=alpha,
        diagnostics=fit.diagnostics,
        dropped=fit.dropped,
    )


def system_indices(flows: pd.DataFrame, population: Mapping[int, pd.Series] | None = None, *,
                   connectivity_threshold: float = 0.0) -> pd.DataFrame:
    """Summary indices per period and method of a :func:`flows_over_periods` table.

    Columns: ``total_flow`` (all moves between economies), ``amei`` (aggregate migration
    effectiveness, per cent; Bell et al. 2002), ``connectivity`` (share of the n(n-1)
    corridors whose flow exceeds ``connectivity_threshold``, per cent; Bell et al. 2002) and,
    when ``population`` (by year) is given, ``migrants_per_1000`` - moves per 1,000 residents
    at the start of the period.
    """
    needed = {"period_start", "period_end", "method", "orig", "dest", "value"}
    if not needed <= set(flows.columns):
        raise DataError(f"flows needs columns {sorted(needed)}; it has {list(flows.columns)}.")
    rows = []
    for (start, end, method), part in flows.groupby(["period_start", "period_end", "method"],
                                                    sort=False):
        od = to_matrix(part)
        row = {"period_start": start, "period_end": end, "method": method,
               "total_flow": float(od.to_numpy().sum()),
               "amei": aggregate_migration_effectiveness(od),
               "connectivity": 100.0 * connectivity(od, threshold=connectivity_threshold)}
        if population is not None:
            row["migrants_per_1000"] = 1000.0 * crude_migration_probability(
                od, population[start])
        rows.append(row)
    return pd.DataFrame(rows)


def dissimilarity_index(a: pd.Series, b: pd.Series) -> float:
    """Index of dissimilarity between two distributions over the same items (Duncan & Duncan
    1955): ``D = 1/2 * sum_i |a_i / sum(a) - b_i / sum(b)|``.

    D is the share of one distribution that would have to move to other items to reproduce the
    other's shares: 0 when the shares are identical (whatever the totals), 1 when no item is
    positive in both.  ``a`` and ``b`` must have the same index (the same corridors, e.g. a
    MultiIndex of origin and destination) with finite non-negative values and positive sums.
    """
    for label, s in (("a", a), ("b", b)):
        if not isinstance(s, pd.Series):
            raise DataError(f"{label} must be a pandas Series, got {type(s).__name__}")
        if not s.index.is_unique:
            raise DataError(f"{label} has a duplicated index label; give each item once")
    if not a.index.sort_values().equals(b.index.sort_values()):
        only_a = a.index.difference(b.index)
        only_b = b.index.difference(a.index)
        raise DataError(
            f"a and b must cover the same items; {len(only_a)} only in a, {len(only_b)} only "
            f"in b (e.g. {list(only_a[:2]) + list(only_b[:2])}). Align them first, e.g. keep "
            "the intersection of the two indexes."
        )
    x = pd.to_numeric(a, errors="coerce").astype("float64")
    y = pd.to_numeric(b, errors="coerce").astype("float64").reindex(x.index)
    for label, s in (("a", x), ("b", y)):
        values = s.to_numpy()
        if not np.isfinite(values).all() or (values < 0).any():
            raise DataError(
                f"{label} has missing, infinite or negative values; drop unknown items from "
                "both series first (a missing figure is not a zero)"
            )
        if values.sum() <= 0:
            raise DataError(f"{label} sums to zero; shares are undefined")
    share_x = x.to_numpy() / x.sum()
    share_y = y.to_numpy() / y.sum()
    return float(0.5 * np.abs(share_x - share_y).sum())
