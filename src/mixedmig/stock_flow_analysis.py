"""Flows from bilateral migrant stocks for a closed set of economies: the steps around
:func:`mixedmig.flows.flows_from_stocks` that an analysis of UN DESA stocks needs.

* :func:`stock_table` - a birthplace x residence table for one year: the bilateral stocks of the
  foreign-born off the diagonal (pairs the source does not list count as 0) and, on the
  diagonal, the native-born living at home, derived as population minus the foreign-born from
  the other economies of the table.
* :func:`closed_system_natural_change` - a stand-in for births and deaths when no vital
  statistics are at hand: the change in the number of people born in each economy who live
  anywhere in the table.
* :func:`compare_methods` - the flow estimators of :mod:`mixedmig.flows` run side by side on
  one pair of stock tables.
* :func:`flows_over_periods` / :func:`system_indices` - the same for a series of periods, as a
  long table, and summary indices per period and method.
* :func:`flow_types` - a birthplace-specific estimate split into emigration, return and onward
  moves.

References
----------
Abel, G. J. (2013). Estimating global migration flow tables using place of birth data.
*Demographic Research* 28(18), 505-546.
Abel, G. J. & Sander, N. (2014). Quantifying global international migration flows. *Science*
343(6178), 1520-1522.
Bell, M., Blake, M., Boyle, P., Duke-Williams, O., Rees, P., Stillwell, J. & Hugo, G. (2002).
Cross-national comparison of internal migration: issues and measures. *Journal of the Royal
Statistical Society A* 165(3), 435-464.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from . import indices
from .errors import DataError, ModelError
from .flows import FlowsFromStocksResult, flows_from_stocks, to_long, to_matrix

__all__ = [
    "VARIANTS",
    "stock_table",
    "closed_system_natural_change",
    "compare_methods",
    "flows_over_periods",
    "system_indices",
    "flow_types",
]

#: The estimator variants of :func:`compare_methods`, in display order.
VARIANTS: tuple[str, ...] = (
    "demographic, approx. natural change",
    "demographic, no births/deaths",
    "difference, negatives zeroed",
    "difference, negatives as returns",
    "rates (Dennett)",
)


def stock_table(bilateral: pd.DataFrame, population: pd.Series, *, orig: str = "orig",
                dest: str = "dest", value: str = "stock",
                labels: Sequence | None = None, unlisted: float = 0.0) -> pd.DataFrame:
    """Birthplace (rows) x residence (columns) stock table of a closed set of economies.

    ``bilateral`` holds one year's foreign-born stocks, one row per listed pair; a pair that is
    not listed gets the stock ``unlisted`` (an assumption; 0 = "no migrants reported").
    ``population`` (indexed by economy) gives the residents of each economy; the native-born
    diagonal is
    ``S[j, j] = population[j] - sum_{i != j} S[i, j]``, i.e. every resident not born in one
    of the other economies of the table (so people born outside the table are counted as
    native-born).  A self-pair in ``bilateral``, a pair outside ``labels`` or a population
    smaller than its listed foreign-born raises :class:`DataError`.
    """
    if not isinstance(population, pd.Series):
        raise DataError(f"population must be a pandas Series indexed by economy, got "
                        f"{type(population).__name__}.")
    if population.index.has_duplicates:
        raise DataError("population lists an economy twice; give one population per economy.")
    labels = sorted(population.index) if labels is None else list(labels)
    missing = [lab for lab in labels if lab not in population.index]
    if missing:
        raise DataError(f"population has no value for {missing}; every economy of the table "
                        f"needs its resident population.")
    for col in (orig, dest):
        if col not in bilateral.columns:
            raise DataError(f"bilateral has no column '{col}' (columns: "
                            f"{list(bilateral.columns)}); pass orig=, dest=, value=.",
                            column=col)
    self_pairs = bilateral[orig].to_numpy(dtype=object) == bilateral[dest].to_numpy(dtype=object)
    if self_pairs.any():
        row = int(np.flatnonzero(self_pairs)[0])
        raise DataError(f"bilateral row {row} pairs {bilateral[orig].iloc[row]!r} with itself; "
                        f"the native-born diagonal is derived from population, so drop "
                        f"self-pairs first.", row=row, column=orig)
    if not np.isfinite(unlisted) or unlisted < 0:
        raise DataError(f"unlisted must be a stock >= 0, got {unlisted!r}.")
    table = to_matrix(bilateral, orig=orig, dest=dest, value=value, labels=labels,
                      fill=float(unlisted))
    residents = pd.to_numeric(population.loc[labels], errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(residents).all():
        raise DataError("population is missing or non-numeric for "
                        f"{[lab for lab, p in zip(labels, residents) if not np.isfinite(p)]}.")
    values = table.to_numpy(copy=True)
    diagonal = np.arange(len(labels))
    values[diagonal, diagonal] = 0.0
    foreign_born = values.sum(axis=0)
    native = residents - foreign_born
    if (native < 0).any():
        j = int(np.flatnonzero(native < 0)[0])
        raise DataError(f"the listed foreign-born in {labels[j]!r} ({foreign_born[j]:.0f}) exceed "
                        f"its population ({residents[j]:.0f}); check that stocks and population "
                        f"refer to the same year and units.")
    values[diagonal, diagonal] = native
    return pd.DataFrame(values, index=pd.Index(labels, name="birthplace", dtype=object),
                        columns=pd.Index(labels, name="residence", dtype=object))


def closed_system_natural_change(stock_start: pd.DataFrame,
                                 stock_end: pd.DataFrame) -> pd.DataFrame:
    """Births and deaths approximated from the stock tables themselves.

    For birthplace ``b``, ``natural_change[b] = sum_j S_end[b, j] - sum_j S_start[b, j]``:
    the change in the number of people born in ``b`` living anywhere in the table.  Moves
    between economies of the table leave it unchanged, so in a closed system it would equal
    births minus deaths of the ``b``-born; in an open one it also holds their net migration to
    and from the rest of the world.  Only the net is known, so ``births = max(change, 0)`` and
    ``deaths = max(-change, 0)`` (to be read as births and deaths in residence ``b``): the
    smallest gross figures consistent with the net - a lower bound, not vital statistics.
    """
    start = _square(stock_start, "stock_start")
    end = _square(stock_end, "stock_end")
    if list(start.index) != list(end.index):
        raise DataError("stock_start and stock_end must list the same economies in the same "
                        "order.")
    born_start = start.sum(axis=1)
    born_end = end.sum(axis=1)
    change = born_end - born_start
    out = pd.DataFrame({
        "born_start": born_start,
        "born_end": born_end,
        "natural_change": change,
        "births": change.clip(lower=0.0),
        "deaths": (-change).clip(lower=0.0),
    })
    out.index = pd.Index(list(start.index), name="economy", dtype=object)
    return out


def compare_methods(stock_start: pd.DataFrame, stock_end: pd.DataFrame, *,
                    births: pd.Series, deaths: pd.Series,
                    rates_total_from: str = VARIANTS[0], tol: float = 1e-10,
                    max_iter: int = 1000) -> dict[str, FlowsFromStocksResult]:
    """Every variant of :data:`VARIANTS` for one period, keyed by variant name.

    The two demographic variants differ only in ``births`` / ``deaths`` (given vs none); the
    rates method (Dennett) distributes the total flow of the variant ``rates_total_from``, so
    that it differs from that variant in pattern only.
    """
    if rates_total_from not in VARIANTS[:4]:
        raise ModelError(f"rates_total_from must be one of {list(VARIANTS[:4])}, got "
                         f"{rates_total_from!r}.")
    results = {
        VARIANTS[0]: flows_from_stocks(stock_start, stock_end, births=births, deaths=deaths,
                                       tol=tol, max_iter=max_iter),
        VARIANTS[1]: flows_from_stocks(stock_start, stock_end, tol=tol, max_iter=max_iter),
        VARIANTS[2]: flows_from_stocks(stock_start, stock_end, method="difference",
                                       negative="zero"),
        VARIANTS[3]: flows_from_stocks(stock_start, stock_end, method="difference",
                                       negative="return"),
    }
    total = float(results[rates_total_from].flows.to_numpy().sum())
    results[VARIANTS[4]] = flows_from_stocks(stock_start, stock_end, method="rates",
                                             total_flow=total)
    return {name: results[name] for name in VARIANTS}


def flows_over_periods(stocks: Mapping[int, pd.DataFrame], *,
                       rates_total_from: str = VARIANTS[0], tol: float = 1e-10,
                       max_iter: int = 1000) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`compare_methods` for each pair of consecutive years in ``stocks``.

    Births and deaths of the first variant come from :func:`closed_system_natural_change`.
    Returns ``(flows, diagnostics)``: ``flows`` has columns period_start, period_end, method,
    orig, dest, value (off-diagonal cells only, sorted); ``diagnostics`` one row per period and
    method with ``converged``, ``message`` and the adjustment ``notes`` joined by " | ".
    """
    years = sorted(stocks)
    if len(years) < 2:
        raise DataError("flows_over_periods needs stock tables for at least two years.")
    flow_parts, diag_rows = [], []
    for start, end in zip(years[:-1], years[1:]):
        change = closed_system_natural_change(stocks[start], stocks[end])
        results = compare_methods(stocks[start], stocks[end], births=change["births"],
                                  deaths=change["deaths"], rates_total_from=rates_total_from,
                                  tol=tol, max_iter=max_iter)
        for name, result in results.items():
            part = to_long(result.flows, drop_diagonal=True)
            part.insert(0, "method", name)
            part.insert(0, "period_end", end)
            part.insert(0, "period_start", start)
            flow_parts.append(part)
            diag_rows.append({"period_start": start, "period_end": end, "method": name,
                              "converged": bool(result.converged), "message": result.message,
                              "notes": " | ".join(result.notes)})
    flows = pd.concat(flow_parts, ignore_index=True)
    order = {name: k for k, name in enumerate(VARIANTS)}
    flows = flows.sort_values(["period_start", "method", "orig", "dest"],
                              key=lambda s: s.map(order) if s.name == "method" else s,
                              kind="stable", ignore_index=True)
    return flows, pd.DataFrame(diag_rows)


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
               "amei": indices.aggregate_migration_effectiveness(od),
               "connectivity": 100.0 * indices.connectivity(od, threshold=connectivity_threshold)}
        if population is not None:
            row["migrants_per_1000"] = 1000.0 * indices.crude_migration_probability(
                od, population[start])
        rows.append(row)
    return pd.DataFrame(rows)


def flow_types(result: FlowsFromStocksResult) -> pd.DataFrame:
    """Split the flows of a birthplace-specific estimate by the mover's birthplace.

    For a move of a ``b``-born person from ``i`` to ``j`` (``i != j``): ``emigration`` when
    ``i = b`` (leaving the birthplace), ``return`` when ``j = b`` (going back to it),
    ``onward`` otherwise (between two foreign countries).  Returns one row per type with the
    number of moves and its share of all moves (per cent).
    """
    cube = np.asarray(result.by_birthplace, dtype=float)
    n = cube.shape[0]
    b, i, j = np.meshgrid(np.arange(n), np.arange(n), np.arange(n), indexing="ij")
    moves = i != j
    totals = {
        "emigration": float(cube[moves & (i == b)].sum()),
        "return": float(cube[moves & (j == b)].sum()),
        "onward": float(cube[moves & (i != b) & (j != b)].sum()),
    }
    all_moves = sum(totals.values())
    out = pd.DataFrame({"moves": pd.Series(totals)})
    out["share"] = 100.0 * out["moves"] / all_moves if all_moves > 0 else np.nan
    out.index.name = "type"
    return out


def _square(df, what: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame) or df.shape[0] != df.shape[1] \
            or list(df.index) != list(df.columns):
        raise DataError(f"{what} must be a square DataFrame with the same labels in the same "
                        f"order on both axes (birthplace rows, residence columns).")
    return df
