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
* Duncan, O. D. & Duncan, B. (1955). A methodological analysis of segregation indexes.
  *American Sociological Review* 20(2):210-217.  (Index of dissimilarity.)

Examples below use the hypothetical 3 x 3 matrix of Plane & Mulligan (1997, p. 253), origins
in rows: ``[[0, 10, 10], [20, 0, 20], [30, 30, 0]]`` for regions A, B, C.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .checks import require_columns
from .errors import DataError, InputError, SchemaError
from .flows import to_matrix
from .flows.tables import check_od_matrix
from .gravity import fit_ppml
from .results import Result, diagnostics_frame

__all__ = [
    "DistanceDecayResult",
    "aggregate_field_cv",
    "aggregate_migration_effectiveness",
    "aggregate_net_migration_rate",
    "coefficient_of_variation",
    "connectivity",
    "crude_migration_probability",
    "dissimilarity_index",
    "distance_decay",
    "gini_total",
    "mean_migration_distance",
    "migration_effectiveness",
    "migration_field_cv",
    "migration_field_gini",
    "migration_intensity",
    "migration_totals",
    "migration_weighted_gini",
    "system_indices",
]

_FIELDS = ("in", "out")


# --------------------------------------------------------------------------------------------
# input handling


def _od_array(od, name: str = "od") -> tuple[np.ndarray, pd.Index]:
    """Validated float array of the OD matrix with a zero diagonal, and its labels.

    The structure is checked by :func:`mixedmig.flows.check_od_matrix`, the one OD-matrix
    check of the package (SchemaError; columns in another order than the rows are reordered
    to the rows); the values here (DataError).
    """
    od = check_od_matrix(od, name)
    rows = od.index
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


def _migrant_weighted_mean(od, field_name: str, measure) -> float:
    """``sum_j measure(field_j) W_j / M``: a per-field measure weighted by each region's
    in-migration (``field_name="in"``) or out-migration (``"out"``); NaN with no migration."""
    m, _ = _od_array(od)
    total = m.sum()
    if total == 0:
        return float("nan")
    weights = (m.sum(axis=0) if field_name == "in" else m.sum(axis=1)) / total
    values = np.array([measure(flows) for flows in _fields(m, field_name)])
    # a region without in- (out-) migration has weight 0 and an undefined measure
    return float(np.sum(np.where(weights > 0, values, 0.0) * weights))


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

    Parameters
    ----------
    od : pandas.DataFrame, shape (n, n)
        Flows, origins in rows, destinations in columns, the same labels on both axes; the
        diagonal is ignored.

    Returns
    -------
    pandas.DataFrame
        Indexed by region; columns ``in_migration``, ``out_migration``, ``net_migration`` and
        ``turnover``.

    Raises
    ------
    SchemaError
        ``od`` is not a square DataFrame with the same labels on both axes, or holds
        non-numeric columns.
    DataError
        A missing, infinite or negative off-diagonal flow.

    Notes
    -----
    ``in_migration = D_i = sum_j M_ji``, ``out_migration = O_i = sum_j M_ij``,
    ``net_migration = D_i - O_i``, ``turnover = D_i + O_i`` (diagonal excluded).

    Examples
    --------
    >>> import pandas as pd
    >>> od = pd.DataFrame([[0, 10, 10], [20, 0, 20], [30, 30, 0]],
    ...                   index=list("ABC"), columns=list("ABC"))  # Plane & Mulligan (1997)
    >>> migration_totals(od)
       in_migration  out_migration  net_migration  turnover
    A          50.0           20.0           30.0      70.0
    B          40.0           40.0            0.0      80.0
    C          30.0           60.0          -30.0      90.0
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

    All migrants over the population at risk (Bell et al. 2002; called the crude migration
    intensity in Bell et al. 2015).  Multiply by 100 for the percentage Bell et al. tabulate.
    Also available as :func:`migration_intensity`.

    Parameters
    ----------
    od : pandas.DataFrame, shape (n, n)
        Flows, origins in rows, destinations in columns, the same labels on both axes; the
        diagonal is ignored.
    population : pandas.Series or float
        Population at risk: a Series per region (summed over the regions of ``od``) or the
        total.

    Returns
    -------
    float
        ``CMP`` as a proportion.

    Raises
    ------
    SchemaError
        ``od`` is not a square DataFrame with the same labels on both axes, or holds
        non-numeric columns.
    DataError
        A missing, infinite or negative off-diagonal flow, or a population that is missing
        for a region or not positive in total.

    Notes
    -----
    ``CMP = M / P`` with ``M = sum_{i != j} M_ij`` and ``P = sum_i P_i``.

    References
    ----------
    Bell, M. et al. (2002). *Journal of the Royal Statistical Society A* 165(3):435-464.
    Bell, M. et al. (2015). *Population and Development Review* 41(1):33-58.

    Examples
    --------
    >>> import pandas as pd
    >>> od = pd.DataFrame([[0, 10, 10], [20, 0, 20], [30, 30, 0]],
    ...                   index=list("ABC"), columns=list("ABC"))  # Plane & Mulligan (1997)
    >>> crude_migration_probability(od, 6000)  # made-up population at risk
    0.02
    """
    m, labels = _od_array(od)
    return float(m.sum()) / _population_total(population, labels)


migration_intensity = crude_migration_probability  # the name used by Bell et al. (2015)


def migration_effectiveness(od) -> pd.Series:
    """Migration effectiveness index of each region.

    Parameters
    ----------
    od : pandas.DataFrame, shape (n, n)
        Flows, origins in rows, destinations in columns, the same labels on both axes; the
        diagonal is ignored.

    Returns
    -------
    pandas.Series
        ``mei`` per region, in [-100, 100]: +100 when a region only gains, -100 when it only
        loses, 0 when gains and losses balance; NaN for a region with no migration at all.

    Raises
    ------
    SchemaError
        ``od`` is not a square DataFrame with the same labels on both axes, or holds
        non-numeric columns.
    DataError
        A missing, infinite or negative off-diagonal flow.

    Notes
    -----
    ``MEI_i = 100 (D_i - O_i) / (D_i + O_i)``.

    References
    ----------
    Bell, M. et al. (2002). *Journal of the Royal Statistical Society A* 165(3):435-464.

    Examples
    --------
    >>> import pandas as pd
    >>> od = pd.DataFrame([[0, 10, 10], [20, 0, 20], [30, 30, 0]],
    ...                   index=list("ABC"), columns=list("ABC"))  # Plane & Mulligan (1997)
    >>> migration_effectiveness(od).round(2)
    A    42.86
    B     0.00
    C   -33.33
    Name: mei, dtype: float64
    """
    totals = migration_totals(od)
    with np.errstate(invalid="ignore", divide="ignore"):
        mei = 100.0 * totals["net_migration"] / totals["turnover"].where(totals["turnover"] > 0)
    return mei.rename("mei")


def aggregate_migration_effectiveness(od) -> float:
    """Aggregate migration effectiveness index of the system.

    Parameters
    ----------
    od : pandas.DataFrame, shape (n, n)
        Flows, origins in rows, destinations in columns, the same labels on both axes; the
        diagonal is ignored.

    Returns
    -------
    float
        ``AMEI`` in [0, 100]; 0 when every region's gains equal its losses; NaN with no
        migration.

    Raises
    ------
    SchemaError
        ``od`` is not a square DataFrame with the same labels on both axes, or holds
        non-numeric columns.
    DataError
        A missing, infinite or negative off-diagonal flow.

    Notes
    -----
    ``AMEI = 100 sum_i |D_i - O_i| / sum_i (D_i + O_i)``.

    References
    ----------
    Bell, M. et al. (2002). *Journal of the Royal Statistical Society A* 165(3):435-464.

    Examples
    --------
    >>> import pandas as pd
    >>> od = pd.DataFrame([[0, 10, 10], [20, 0, 20], [30, 30, 0]],
    ...                   index=list("ABC"), columns=list("ABC"))  # Plane & Mulligan (1997)
    >>> aggregate_migration_effectiveness(od)  # 100 * (30 + 0 + 30) / 240
    25.0
    """
    totals = migration_totals(od)
    turnover = float(totals["turnover"].sum())
    if turnover == 0:
        return float("nan")
    return 100.0 * float(totals["net_migration"].abs().sum()) / turnover


def aggregate_net_migration_rate(od, population) -> float:
    """Aggregate net migration rate, in per cent of the population at risk.

    The net redistribution of population by migration (Bell et al. 2002).

    Parameters
    ----------
    od : pandas.DataFrame, shape (n, n)
        Flows, origins in rows, destinations in columns, the same labels on both axes; the
        diagonal is ignored.
    population : pandas.Series or float
        Population at risk: a Series per region (summed) or the total.

    Returns
    -------
    float
        ``ANMR`` in per cent.

    Raises
    ------
    SchemaError
        ``od`` is not a square DataFrame with the same labels on both axes, or holds
        non-numeric columns.
    DataError
        A missing, infinite or negative off-diagonal flow, or a missing or non-positive
        population.

    Notes
    -----
    ``ANMR = 100 * (1/2) sum_i |D_i - O_i| / sum_i P_i``.  It factorises as
    ``ANMR = CMP * AMEI`` (CMP as a proportion, AMEI in per cent).

    References
    ----------
    Bell, M. et al. (2002). *Journal of the Royal Statistical Society A* 165(3):435-464.

    Examples
    --------
    >>> import pandas as pd
    >>> od = pd.DataFrame([[0, 10, 10], [20, 0, 20], [30, 30, 0]],
    ...                   index=list("ABC"), columns=list("ABC"))  # Plane & Mulligan (1997)
    >>> aggregate_net_migration_rate(od, 6000)  # = 0.02 * 25; made-up population
    0.5
    """
    totals = migration_totals(od)
    total_population = _population_total(population, totals.index)
    return 100.0 * 0.5 * float(totals["net_migration"].abs().sum()) / total_population


# --------------------------------------------------------------------------------------------
# connectivity and inequality (spatial focusing)


def connectivity(od, threshold: float = 0.0) -> float:
    """Index of migration connectivity: share of the ``n (n - 1)`` possible flows that exist.

    Parameters
    ----------
    od : pandas.DataFrame, shape (n, n)
        Flows, origins in rows, destinations in columns, the same labels on both axes; the
        diagonal is ignored.
    threshold : float, default 0.0
        A flow counts when it exceeds this; 0 counts every non-zero flow, a higher threshold
        ignores small flows (e.g. rounding or suppressed cells).

    Returns
    -------
    float
        ``I_MC`` in [0, 1]; 1 when every region sends migrants to every other one; NaN for a
        single region.

    Raises
    ------
    InputError
        ``threshold`` negative or not finite.
    SchemaError
        ``od`` is not a square DataFrame with the same labels on both axes, or holds
        non-numeric columns.
    DataError
        A missing, infinite or negative off-diagonal flow.

    Notes
    -----
    ``I_MC = #{(i, j), i != j : M_ij > threshold} / (n (n - 1))``.

    References
    ----------
    Bell, M. et al. (2002). *Journal of the Royal Statistical Society A* 165(3):435-464.

    Examples
    --------
    >>> import pandas as pd
    >>> od = pd.DataFrame([[0, 10, 10], [20, 0, 20], [30, 30, 0]],
    ...                   index=list("ABC"), columns=list("ABC"))  # Plane & Mulligan (1997)
    >>> connectivity(od), round(connectivity(od, threshold=15), 4)
    (1.0, 0.6667)
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

    Parameters
    ----------
    od : pandas.DataFrame, shape (n, n)
        Flows, origins in rows, destinations in columns, the same labels on both axes; the
        diagonal is ignored.
    corrected : bool, default True
        Use Bell et al.'s (2002) denominator ``2 (N - 1) M``; False gives Plane & Mulligan's
        (1997) original ``2 N M``.

    Returns
    -------
    float
        ``G``: 1 (corrected) when all migrants are in one flow, 0 when all flows are equal;
        scale invariant; NaN with no migration.

    Raises
    ------
    SchemaError
        ``od`` is not a square DataFrame with the same labels on both axes, or holds
        non-numeric columns.
    DataError
        A missing, infinite or negative off-diagonal flow.

    Notes
    -----
    ``G = sum_(ij) sum_(kl) |M_ij - M_kl| / (2 (N - 1) M)`` over all ordered pairs of the
    ``N = n (n - 1)`` off-diagonal flows.

    References
    ----------
    Plane, D. A. & Mulligan, G. F. (1997). *Demography* 34(2):251-262.
    Bell, M. et al. (2002). *Journal of the Royal Statistical Society A* 165(3):435-464.

    Examples
    --------
    >>> import pandas as pd
    >>> od = pd.DataFrame([[0, 10, 10], [20, 0, 20], [30, 30, 0]],
    ...                   index=list("ABC"), columns=list("ABC"))  # Plane & Mulligan (1997)
    >>> round(gini_total(od), 6), round(gini_total(od, corrected=False), 6)
    (0.266667, 0.222222)
    """
    m, _ = _od_array(od)
    return _gini(_off_diagonal(m), corrected)


def migration_field_gini(od, field: str = "in", corrected: bool = True) -> pd.Series:
    """In- or out-migration field Gini of each region (Plane & Mulligan 1997).

    Parameters
    ----------
    od : pandas.DataFrame, shape (n, n)
        Flows, origins in rows, destinations in columns, the same labels on both axes; the
        diagonal is ignored.
    field : {"in", "out"}, default "in"
        In-migration fields (the inflows of each destination) or out-migration fields (the
        outflows of each origin).
    corrected : bool, default True
        Bell et al.'s (2002) denominator ``2 (n - 2)``; False gives Plane & Mulligan's
        ``2 (n - 1)``.

    Returns
    -------
    pandas.Series
        ``gini_in`` or ``gini_out`` per region; NaN for a region without in- (out-)
        migration, or when n = 2.

    Raises
    ------
    InputError
        ``field`` not ``"in"`` or ``"out"``.
    SchemaError
        ``od`` is not a square DataFrame with the same labels on both axes, or holds
        non-numeric columns.
    DataError
        A missing, infinite or negative off-diagonal flow.

    Notes
    -----
    In-migration field of j: ``G^I_j = sum_i sum_k |M_ij - M_kj| / (2 (n - 2) D_j)``
    (i, k != j).  Out-migration field of i:
    ``G^O_i = sum_j sum_l |M_ij - M_il| / (2 (n - 2) O_i)``.

    References
    ----------
    Plane, D. A. & Mulligan, G. F. (1997). *Demography* 34(2):251-262.
    Bell, M. et al. (2002). *Journal of the Royal Statistical Society A* 165(3):435-464.

    Examples
    --------
    >>> import pandas as pd
    >>> od = pd.DataFrame([[0, 10, 10], [20, 0, 20], [30, 30, 0]],
    ...                   index=list("ABC"), columns=list("ABC"))  # Plane & Mulligan (1997)
    >>> migration_field_gini(od, "in").round(4)
    A    0.2000
    B    0.5000
    C    0.3333
    Name: gini_in, dtype: float64
    """
    _check_field(field)
    m, labels = _od_array(od)
    values = [_gini(flows, corrected) for flows in _fields(m, field)]
    return pd.Series(values, index=labels, name=f"gini_{field}", dtype=float)


def migration_weighted_gini(od, field: str = "both", corrected: bool = True) -> float:
    """Migration-weighted Gini: field Ginis averaged with each region's share of migrants.

    Parameters
    ----------
    od : pandas.DataFrame, shape (n, n)
        Flows, origins in rows, destinations in columns, the same labels on both axes; the
        diagonal is ignored.
    field : {"in", "out", "both"}, default "both"
        In-migration fields, out-migration fields, or the mean of the two.
    corrected : bool, default True
        Use Bell et al.'s (2002) corrected field Ginis (see :func:`migration_field_gini`).

    Returns
    -------
    float
        ``MWG`` in [0, 1]; NaN with no migration.

    Raises
    ------
    InputError
        ``field`` not ``"in"``, ``"out"`` or ``"both"``.
    SchemaError
        ``od`` is not a square DataFrame with the same labels on both axes, or holds
        non-numeric columns.
    DataError
        A missing, infinite or negative off-diagonal flow.

    Notes
    -----
    ``MWG^I = sum_j G^I_j D_j / M`` (in-migration fields weighted by in-migration),
    ``MWG^O = sum_i G^O_i O_i / M``; ``field="both"`` gives ``(MWG^I + MWG^O) / 2``
    (Bell et al. 2002: each field Gini weighted by the region's share of the migrants in
    that field, ``D_j`` = column sum = in-migrants of j, ``O_i`` = row sum = out-migrants).

    The R package migration.indices (Daróczi & Bálint; ``migration.weighted.gini.in``,
    ``.out`` and ``.mean``) computes something else, in two ways:

    * it divides by the number of regions ``n``: its result is a mean over regions of the
      weighted Ginis, not the weighted mean;
    * it swaps the weights: the in-field Gini of ``j`` is weighted by ``rowSums`` (``O_j``,
      j's out-migrants) and the out-field Gini of ``i`` by ``colSums`` (``D_i``).

    So R gives ``MWG^I_R = sum_j G^I_j O_j / (n M)`` and ``MWG^O_R = sum_i G^O_i D_i / (n M)``.
    On its example matrix ``migration.hyp`` (the Plane & Mulligan table below)
    ``migration.weighted.gini.in`` returns ``(0.2 * 20 + 0.5 * 40 + (1/3) * 60) / (3 * 120)
    = 0.1222222`` where this function returns ``(0.2 * 50 + 0.5 * 40 + (1/3) * 30) / 120 =
    0.3333333``.  Neither is a rescaling of the other: only when every region's in- and
    out-migration are equal (``D_j = O_j``) is R's value this one divided by ``n``.

    References
    ----------
    Bell, M. et al. (2002). *Journal of the Royal Statistical Society A* 165(3):435-464.
    Plane, D. A. & Mulligan, G. F. (1997). *Demography* 34(2):251-262.
    Daróczi, G. & Bálint, L. migration.indices: Migration indices (R package), functions
    ``migration.weighted.gini.in`` / ``.out`` / ``.mean``.

    Examples
    --------
    >>> import pandas as pd
    >>> od = pd.DataFrame([[0, 10, 10], [20, 0, 20], [30, 30, 0]],
    ...                   index=list("ABC"), columns=list("ABC"))  # Plane & Mulligan (1997)
    >>> round(migration_weighted_gini(od, "in"), 6), round(migration_weighted_gini(od), 6)
    (0.333333, 0.166667)

    The R convention of migration.indices, rebuilt from the field Ginis (weights swapped,
    divided by n), reproduces its documented 0.1222222:

    >>> g, m = migration_field_gini(od, "in"), od.to_numpy()
    >>> round(float((g * m.sum(axis=1)).sum() / (len(od) * m.sum())), 7)
    0.1222222
    """
    if field not in _FIELDS + ("both",):
        raise InputError(f"field={field!r} must be 'in', 'out' or 'both'")
    if field == "both":
        return 0.5 * (migration_weighted_gini(od, "in", corrected)
                      + migration_weighted_gini(od, "out", corrected))
    return _migrant_weighted_mean(od, field, lambda flows: _gini(flows, corrected))


def coefficient_of_variation(od) -> float:
    """Coefficient of variation of the off-diagonal flows, ``CV = sd / mean``.

    Parameters
    ----------
    od : pandas.DataFrame, shape (n, n)
        Flows, origins in rows, destinations in columns, the same labels on both axes; the
        diagonal is ignored.

    Returns
    -------
    float
        ``CV``: 0 when all flows are equal; scale invariant; NaN with no migration.

    Raises
    ------
    SchemaError
        ``od`` is not a square DataFrame with the same labels on both axes, or holds
        non-numeric columns.
    DataError
        A missing, infinite or negative off-diagonal flow.

    Notes
    -----
    ``CV = sd / mean`` over the ``N = n (n - 1)`` off-diagonal flows, ``sd`` the population
    standard deviation (divisor N): the convention of Rogers & Sweeney's (1998) field CVs
    applied to the whole system.

    References
    ----------
    Rogers, A. & Sweeney, S. (1998). *The Professional Geographer* 50:232-242.

    Examples
    --------
    >>> import pandas as pd
    >>> od = pd.DataFrame([[0, 10, 10], [20, 0, 20], [30, 30, 0]],
    ...                   index=list("ABC"), columns=list("ABC"))  # Plane & Mulligan (1997)
    >>> round(coefficient_of_variation(od), 6)  # sqrt(200/3) / 20
    0.408248
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

    Parameters
    ----------
    od : pandas.DataFrame, shape (n, n)
        Flows, origins in rows, destinations in columns, the same labels on both axes; the
        diagonal is ignored.
    field : {"in", "out"}, default "in"
        In-migration fields (inflows of each destination) or out-migration fields.

    Returns
    -------
    pandas.Series
        ``cv_in`` or ``cv_out`` per region; NaN for a region without in- (out-) migration.

    Raises
    ------
    InputError
        ``field`` not ``"in"`` or ``"out"``.
    SchemaError
        ``od`` is not a square DataFrame with the same labels on both axes, or holds
        non-numeric columns.
    DataError
        A missing, infinite or negative off-diagonal flow.

    Notes
    -----
    ``CV^I_j = sd_i(M_ij) / mean_i(M_ij)`` over the ``n - 1`` inflows of j (population sd),
    and likewise over the outflows for ``field="out"``.

    References
    ----------
    Rogers, A. & Sweeney, S. (1998). *The Professional Geographer* 50:232-242.

    Examples
    --------
    >>> import pandas as pd
    >>> od = pd.DataFrame([[0, 10, 10], [20, 0, 20], [30, 30, 0]],
    ...                   index=list("ABC"), columns=list("ABC"))  # Plane & Mulligan (1997)
    >>> migration_field_cv(od, "in").round(4)
    A    0.2000
    B    0.5000
    C    0.3333
    Name: cv_in, dtype: float64
    """
    _check_field(field)
    m, labels = _od_array(od)
    return pd.Series([_cv(flows) for flows in _fields(m, field)], index=labels,
                     name=f"cv_{field}", dtype=float)


def aggregate_field_cv(od, field: str = "in") -> float:
    """Aggregate coefficient of variation: field CVs weighted by each region's migrant share.

    Parameters
    ----------
    od : pandas.DataFrame, shape (n, n)
        Flows, origins in rows, destinations in columns, the same labels on both axes; the
        diagonal is ignored.
    field : {"in", "out"}, default "in"
        In-migration or out-migration fields.

    Returns
    -------
    float
        ``ACV``; NaN with no migration.

    Raises
    ------
    InputError
        ``field`` not ``"in"`` or ``"out"``.
    SchemaError
        ``od`` is not a square DataFrame with the same labels on both axes, or holds
        non-numeric columns.
    DataError
        A missing, infinite or negative off-diagonal flow.

    Notes
    -----
    ``ACV^I = sum_j CV^I_j D_j / M`` and ``ACV^O = sum_i CV^O_i O_i / M``.

    References
    ----------
    Rogers, A. & Sweeney, S. (1998). *The Professional Geographer* 50:232-242.

    Examples
    --------
    >>> import pandas as pd
    >>> od = pd.DataFrame([[0, 10, 10], [20, 0, 20], [30, 30, 0]],
    ...                   index=list("ABC"), columns=list("ABC"))  # Plane & Mulligan (1997)
    >>> round(aggregate_field_cv(od, "in"), 6)  # (0.2*50 + 0.5*40 + 30/3) / 120
    0.333333
    """
    _check_field(field)
    return _migrant_weighted_mean(od, field, _cv)


# --------------------------------------------------------------------------------------------
# distance


def _distance_array(distance, labels: pd.Index) -> np.ndarray:
    d = check_od_matrix(distance, "distance", labels=list(labels))
    values = d.to_numpy(dtype=float, na_value=np.nan)
    off = ~np.eye(len(labels), dtype=bool)
    bad = off & ~(values > 0)  # also catches NaN
    if bad.any() or np.isinf(values[off]).any():
        i, j = np.argwhere(bad | (off & np.isinf(values)))[0]
        raise DataError(f"distance from {labels[i]!r} is {values[i, j]}; off-diagonal "
                        "distances must be positive and finite", column=labels[j])
    return values


def mean_migration_distance(od, distance) -> float:
    """Mean distance moved by migrants.

    Parameters
    ----------
    od : pandas.DataFrame, shape (n, n)
        Flows, origins in rows, destinations in columns, the same labels on both axes; the
        diagonal is ignored.
    distance : pandas.DataFrame, shape (n, n)
        Distances between regions with the labels of ``od`` (e.g. great-circle km between
        capitals); positive and finite off the diagonal, diagonal ignored.

    Returns
    -------
    float
        Mean distance in the units of ``distance``; NaN with no migration.

    Raises
    ------
    SchemaError
        ``od`` is not a square DataFrame with the same labels on both axes, or holds
        non-numeric columns; ``distance`` not a DataFrame or non-numeric.
    DataError
        A missing, infinite or negative off-diagonal flow; a region missing from
        ``distance`` or an off-diagonal distance that is not positive and finite.

    Notes
    -----
    ``sum_{i != j} M_ij d_ij / M``.

    Examples
    --------
    >>> import pandas as pd
    >>> od = pd.DataFrame([[0, 10, 10], [20, 0, 20], [30, 30, 0]],
    ...                   index=list("ABC"), columns=list("ABC"))  # Plane & Mulligan (1997)
    >>> d = pd.DataFrame([[0, 1, 2], [1, 0, 3], [2, 3, 0]],
    ...                  index=list("ABC"), columns=list("ABC"))  # made-up distances
    >>> round(mean_migration_distance(od, d), 6)  # 260 / 120
    2.166667
    """
    m, labels = _od_array(od)
    d = _distance_array(distance, labels)
    total = m.sum()
    if total == 0:
        return float("nan")
    return float(np.sum(_off_diagonal(m) * _off_diagonal(d)) / total)


@dataclass(frozen=True, eq=False)
class DistanceDecayResult(Result):
    """Distance-decay elasticity estimated by :func:`distance_decay`.

    Parameters
    ----------
    elasticity : float
        Coefficient ``beta`` of log distance (negative = flows fall with distance).
    se : float
        Its standard error (of type ``cov_type``).
    ci_low, ci_high : float
        The ``1 - alpha`` confidence interval of ``beta``.
    pvalue : float
        Two-sided p-value of ``beta = 0``.
    nobs : int
        Origin-destination pairs used in the fit.
    cov_type : str
        Covariance estimator: ``"HC1"``, ``"HC0"`` or ``"nonrobust"``.
    alpha : float
        Level of the confidence interval.
    dropped : pandas.DataFrame
        Pairs left out of the fit (columns ``orig``, ``dest``, ``flow``, ``log_distance`` and
        ``reason``), e.g. all pairs of an origin without migrants.
    converged : bool
        Whether the Poisson fit converged.
    iterations : int
        Iterations of the Poisson fit.
    message : str
        One line: the elasticity, the pairs used and dropped, convergence.
    diagnostics : pandas.DataFrame
        Notes and captured warnings of the fit, columns ``check``, ``value``, ``note``; empty
        when there is nothing to report.
    """

    elasticity: float
    se: float
    ci_low: float
    ci_high: float
    pvalue: float
    nobs: int
    cov_type: str
    alpha: float
    dropped: pd.DataFrame = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The estimate as a one-row table.

        Returns
        -------
        pandas.DataFrame
            Index ``term`` (``"log_distance"``); columns ``elasticity``, ``se``, ``ci_low``,
            ``ci_high``, ``pvalue``, ``nobs``, ``cov_type``.
        """
        return pd.DataFrame(
            {"elasticity": [self.elasticity], "se": [self.se], "ci_low": [self.ci_low],
             "ci_high": [self.ci_high], "pvalue": [self.pvalue], "nobs": [self.nobs],
             "cov_type": [self.cov_type]},
            index=pd.Index(["log_distance"], name="term"))


def _fit_diagnostics(diagnostics) -> pd.DataFrame:
    """The fit's diagnostics as a (check, value, note) table, whether it came as a DataFrame
    or as a tuple of notes."""
    if isinstance(diagnostics, pd.DataFrame):
        return diagnostics.reset_index(drop=True)
    return diagnostics_frame([("note", None, str(text)) for text in (diagnostics or ())])


_DECAY_COVS = ("HC1", "HC0", "nonrobust")


def distance_decay(od, distance, cov: str = "HC1", alpha: float = 0.05) -> DistanceDecayResult:
    """Distance-decay parameter of a doubly-constrained spatial-interaction model.

    Fits ``E[M_ij] = exp(a_i + b_j + beta log d_ij)`` (i != j) by Poisson (pseudo-)maximum
    likelihood with origin and destination fixed effects (Santos Silva & Tenreyro 2006; the
    Poisson form of the doubly-constrained gravity model) and returns ``beta``.  Zero flows
    are kept; origins or destinations with no flows at all are dropped and reported (the fit
    is done by :func:`mixedmig.gravity.fit_ppml`).

    Parameters
    ----------
    od : pandas.DataFrame, shape (n, n)
        Flows, origins in rows, destinations in columns, the same labels on both axes; the
        diagonal is ignored.  At least 3 regions.
    distance : pandas.DataFrame, shape (n, n)
        Distances with the labels of ``od``, positive and finite off the diagonal.
    cov : {"HC1", "HC0", "nonrobust"}, default "HC1"
        Covariance of the estimate: heteroskedasticity-robust (HC1, robust to
        over-dispersion) or the Poisson variance (``"nonrobust"``).
    alpha : float, default 0.05
        Level of the ``1 - alpha`` confidence interval.

    Returns
    -------
    DistanceDecayResult
        ``elasticity``, ``se``, ``ci_low``, ``ci_high``, ``pvalue``, ``nobs``, ``dropped``;
        warnings raised during the fit are captured in ``diagnostics``.

    Raises
    ------
    InputError
        Fewer than 3 regions, or ``cov`` not one of ``"HC1"``, ``"HC0"``, ``"nonrobust"``.
    SchemaError, DataError
        Malformed ``od`` or ``distance`` (see :func:`mean_migration_distance`).
    ModelError
        No estimate from the data, raised by :func:`mixedmig.gravity.fit_ppml`: e.g. an OD
        matrix whose off-diagonal flows are all zero, or too few pairs left after dropping
        origins and destinations without flows.

    Notes
    -----
    ``beta`` is the elasticity of flows with respect to distance: with origin and destination
    totals held fixed, a 1 % longer distance changes the expected flow by about ``beta`` %.

    References
    ----------
    Santos Silva, J. M. C. & Tenreyro, S. (2006). The log of gravity. *Review of Economics and
    Statistics* 88(4):641-658.

    Examples
    --------
    Made-up flows generated exactly by ``a_i b_j d_ij^-1`` (origin and destination factors
    times inverse distance), so the fitted elasticity is -1:

    >>> import numpy as np
    >>> import pandas as pd
    >>> labels = ["A", "B", "C", "D"]
    >>> d = pd.DataFrame([[1, 2, 4, 8], [2, 1, 3, 5], [4, 3, 1, 2], [8, 5, 2, 1]],
    ...                  labels, labels, dtype=float)
    >>> a, b = np.array([10.0, 20, 30, 40]), np.array([5.0, 1, 2, 3])
    >>> od = pd.DataFrame(np.outer(a, b) / d.to_numpy(), labels, labels)
    >>> round(distance_decay(od, d).elasticity, 6)
    -1.0
    """
    if cov not in _DECAY_COVS:
        raise InputError(f"cov must be one of {list(_DECAY_COVS)} for distance_decay, got "
                         f"{cov!r}.")
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
    elasticity = float(fit.params["log_distance"])
    converged = bool(fit.converged)
    message = (f"distance-decay elasticity {elasticity:.4g} (PPML, origin and destination "
               f"effects, {fit.cov_type} SE) from {fit.nobs} pairs, {len(fit.dropped)} dropped; "
               + ("converged." if converged else "did NOT converge."))
    return DistanceDecayResult(
        elasticity=elasticity,
        se=float(fit.bse["log_distance"]),
        ci_low=float(fit.conf_int.loc["log_distance", "ci_low"]),
        ci_high=float(fit.conf_int.loc["log_distance", "ci_high"]),
        pvalue=float(fit.pvalues["log_distance"]),
        nobs=int(fit.nobs),
        cov_type=fit.cov_type,
        alpha=alpha,
        dropped=fit.dropped,
        converged=converged,
        iterations=int(fit.iterations),
        message=message,
        diagnostics=_fit_diagnostics(fit.diagnostics),
    )


def system_indices(flows: pd.DataFrame, population: Mapping[int, pd.Series] | None = None, *,
                   connectivity_threshold: float = 0.0) -> pd.DataFrame:
    """System-wide indices per period and method of a long table of flows.

    Applies :func:`aggregate_migration_effectiveness`, :func:`connectivity` and
    :func:`crude_migration_probability` to the OD matrix of each period and method, e.g. of
    the ``flows`` table returned by :func:`mixedmig.flows.flows_over_periods`.

    Parameters
    ----------
    flows : pandas.DataFrame
        Columns ``period_start``, ``period_end``, ``method``, ``orig``, ``dest``, ``value``
        (one row per corridor, period and method).
    population : mapping of int to pandas.Series, optional
        Resident population by region, keyed by the year of ``period_start``.
    connectivity_threshold : float, default 0.0
        A corridor counts as connected when its flow exceeds this.

    Returns
    -------
    pandas.DataFrame
        One row per period and method: ``period_start``, ``period_end``, ``method``,
        ``total_flow`` (all moves between regions), ``amei`` (per cent), ``connectivity`` (per
        cent of the n (n - 1) corridors) and, when ``population`` is given,
        ``migrants_per_1000`` (moves per 1,000 residents at the start of the period).

    Raises
    ------
    SchemaError
        ``flows`` lacks a column.
    DataError
        A duplicated corridor, or a population missing for a region.

    Notes
    -----
    ``amei = AMEI``, ``connectivity = 100 I_MC``, ``migrants_per_1000 = 1000 CMP`` (Bell et al.
    2002); see the functions named above for the formulas.

    References
    ----------
    Bell, M. et al. (2002). *Journal of the Royal Statistical Society A* 165(3):435-464.

    Examples
    --------
    >>> import pandas as pd
    >>> flows = pd.DataFrame({"period_start": 2000, "period_end": 2005, "method": "m",
    ...                       "orig": ["A", "B"], "dest": ["B", "A"], "value": [10.0, 0.0]})
    >>> pop = {2000: pd.Series({"A": 100.0, "B": 300.0})}  # made-up populations
    >>> system_indices(flows, pop)[["total_flow", "amei", "connectivity", "migrants_per_1000"]]
       total_flow   amei  connectivity  migrants_per_1000
    0        10.0  100.0          50.0               25.0
    """
    require_columns(flows, ("period_start", "period_end", "method", "orig", "dest", "value"), "flows")
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
    """Index of dissimilarity between two distributions over the same items.

    The share of one distribution that would have to move to other items to reproduce the
    other's shares (Duncan & Duncan 1955), e.g. between the corridor distributions of two
    sources or years.

    Parameters
    ----------
    a, b : pandas.Series
        Counts over the same items (the same index in any order, e.g. a MultiIndex of origin
        and destination), finite and non-negative, with positive sums.

    Returns
    -------
    float
        ``D`` in [0, 1]: 0 when the shares are identical (whatever the totals), 1 when no item
        is positive in both.

    Raises
    ------
    DataError
        Not Series, duplicated or different items, missing, infinite or negative values, or a
        zero sum.

    Notes
    -----
    ``D = 1/2 sum_i |a_i / sum(a) - b_i / sum(b)|``.

    References
    ----------
    Duncan, O. D. & Duncan, B. (1955). *American Sociological Review* 20(2):210-217.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.Series({"x": 1, "y": 3})  # made-up counts: shares 0.25, 0.75
    >>> b = pd.Series({"x": 2, "y": 2})  # shares 0.5, 0.5
    >>> dissimilarity_index(a, b)
    0.25
    """
    for label, s in (("a", a), ("b", b)):
        if not isinstance(s, pd.Series):
            raise SchemaError(f"{label} must be a pandas Series, got {type(s).__name__}")
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
