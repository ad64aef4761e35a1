"""Bilateral flows from two place-of-birth x place-of-residence stock tables."""

from __future__ import annotations
from collections.abc import Mapping
from dataclasses import dataclass, field
import numpy as np
import pandas as pd
from ..errors import DataError, InputError
from ._checks import SUM_RTOL
from ._checks import _as_float_array
from .ipf import _fit_table_newton
from .ipf import _ipf2_core
from ._checks import _safe_ratio
from .tables import _square_frame
from .tables import to_long


@dataclass(frozen=True, eq=False)
class FlowsFromStocksResult:
    """Outcome of :func:`flows_from_stocks`.

    * ``flows`` - origin x destination DataFrame summed over birthplaces, stayers excluded
      (diagonal 0).
    * ``by_birthplace`` - array ``[birthplace, origin, destination]``; for the demographic method
      its diagonals hold the estimated stayers.
    * ``labels`` - the common label order of all three axes.
    * ``diagnostics`` - one row per birthplace (demographic method: IPF iterations, largest
      margin error, convergence); empty for the closed-form methods.
    * ``rescaling_diagnostics`` - demographic method, step (4): one row per stock table
      ("start", "end") rescaled to common birthplace totals (iterations, largest absolute
      margin error, convergence); empty when the birthplace totals already agreed.
    * ``converged`` - True only if every iterative step converged (step (4) and every
      birthplace fit); ``message`` names the step that did not.
    * ``notes`` - adjustments made to the inputs (e.g. births spread over a column).
    * ``stock_start_adjusted`` / ``stock_end_adjusted`` - the stock tables actually fitted
      (after births, deaths and total matching); ``None`` for the other methods.
    """

    flows: pd.DataFrame
    by_birthplace: np.ndarray
    labels: tuple
    method: str
    assumptions: str
    diagnostics: pd.DataFrame
    converged: bool
    message: str
    notes: tuple = field(default_factory=tuple)
    stock_start_adjusted: pd.DataFrame | None = None
    stock_end_adjusted: pd.DataFrame | None = None
    rescaling_diagnostics: pd.DataFrame = field(default_factory=lambda: _empty_rescaling())

    def by_birthplace_long(self, drop_zero: bool = False) -> pd.DataFrame:
        """``by_birthplace`` as a long table with columns birthplace, orig, dest, value."""
        n = len(self.labels)
        labels = np.asarray(self.labels, dtype=object)
        out = pd.DataFrame(
            {
                "birthplace": np.repeat(labels, n * n),
                "orig": np.tile(np.repeat(labels, n), n),
                "dest": np.tile(labels, n * n),
                "value": self.by_birthplace.reshape(-1),
            }
        )
        if drop_zero:
            out = out.loc[out["value"] != 0].reset_index(drop=True)
        return out


def _empty_rescaling() -> pd.DataFrame:
    return pd.DataFrame({"table": pd.Series([], dtype=object),
                         "iterations": pd.Series([], dtype=int),
                         "max_margin_error": pd.Series([], dtype=float),
                         "converged": pd.Series([], dtype=bool)})


_ASSUMPTIONS = {
    "demographic": (
        "Demographic accounting, stayer (minimum migration) assumption - Abel (2013, "
        "Demographic Research 28(18)); Abel & Sander (2014, Science 343); Abel & Cohen (2019, "
        "Scientific Data 6:82). Rows of the stock tables are places of birth, columns places of "
        "residence. (1) If the change in the world total of stocks differs from births minus "
        "deaths, the gap is split in half: half is taken from the start-of-period native-born "
        "(diagonal) stocks and half added to the end-of-period native-born stocks, each in "
        "proportion to the native-born stock. (2) Deaths in each residence are removed from the "
        "start stocks of that residence in proportion to the stock of each birthplace (equal "
        "mortality for all birthplace groups). (3) Births in each residence are removed from the "
        "end-of-period native-born stock of that residence (births join the native-born only); "
        "where births exceed that native-born stock they are removed from the whole residence "
        "column in proportion to its stocks (recorded in notes). (4) Birthplace totals at start "
        "and end are made equal by IPF-rescaling each stock table to birthplace totals equal to "
        "the mean of the two tables' birthplace totals, keeping each table's residence totals. "
        "(5) For every birthplace b, flows y[b, i, j] (residence i at start, residence j at end) "
        "are the quasi-independent fit with row totals = adjusted start stocks of b, column "
        "totals = adjusted end stocks of b, stayers y[b, i, i] = min(start[b, i], end[b, i]) "
        "(the largest number compatible with both), off-diagonal proportional to the seed. "
        "Flows are migrant transitions over the period: returns within the period and moves by "
        "people who die or are born during it are not counted."
    ),
    "difference": (
        "Stock differencing - Beine, Bertoli & Fernandez-Huertas Moraga (2016, The World "
        "Economy 39(4)). For each birthplace b and residence j != b the flow b -> j is the "
        "increase in the stock of b-born persons living in j. Decreases are set to zero "
        "(negative='zero') or read as return moves j -> b (negative='return'). Native-born "
        "stocks, births, deaths and onward moves between third countries are ignored."
    ),
    "rates": (
        "Rates method - Dennett (2016): each corridor's share of the world's foreign-born stock "
        "at the start of the period, S[i, j] / sum over i != j of S[i, j] (i = birthplace taken "
        "as origin, j = residence as destination), multiplied by a given world total of flows "
        "over the period. Assumes flows follow existing migrant networks in proportion to their "
        "size; the end-of-period stocks, births and deaths are not used, and flows between "
        "countries with no existing stock are zero."
    ),
}


def _validate_stocks(stock_start, stock_end):
    frames = []
    for what, s in (("stock_start", stock_start), ("stock_end", stock_end)):
        if isinstance(s, pd.DataFrame):
            s = _square_frame(s, what)
        else:
            arr = np.asarray(s)
            if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
                raise DataError(f"{what} must be a square birthplace x residence table, got "
                                f"shape {arr.shape}.")
            s = pd.DataFrame(arr, index=pd.Index(range(arr.shape[0]), dtype=object),
                             columns=pd.Index(range(arr.shape[0]), dtype=object))
        frames.append(s)
    start, end = frames
    if list(start.index) != list(end.index):
        if set(start.index) == set(end.index):
            raise DataError("stock_start and stock_end list the same regions in a different "
                            "order; reorder stock_end with stock_end.loc[labels, labels].")
        raise DataError(
            f"stock_start and stock_end have different regions: only in start "
            f"{sorted(map(str, set(start.index) - set(end.index)))[:5]}, only in end "
            f"{sorted(map(str, set(end.index) - set(start.index)))[:5]}.")
    labels = list(start.index)
    s1 = _as_float_array(start.to_numpy(dtype=float), "stock_start", 2)
    s2 = _as_float_array(end.to_numpy(dtype=float), "stock_end", 2)
    return labels, s1, s2


def _vector(x, labels, what) -> np.ndarray:
    n = len(labels)
    if x is None:
        return np.zeros(n)
    if isinstance(x, pd.Series):
        missing = [lab for lab in labels if lab not in x.index]
        if missing:
            raise DataError(f"{what} has no value for regions {missing[:5]}.")
        x = x.loc[labels].to_numpy(dtype=float)
    arr = _as_float_array(x, what, 1)
    if len(arr) != n:
        raise DataError(f"{what} has {len(arr)} entries but the stock tables have {n} regions.")
    return arr


def _seed3(seed, labels) -> np.ndarray:
    n = len(labels)
    if seed is None:
        return np.ones((n, n, n))
    if isinstance(seed, pd.DataFrame):
        if list(seed.index) != labels or list(seed.columns) != labels:
            raise DataError("seed must be an origin x destination table with the stock tables' "
                            "labels in the same order on both axes.")
    arr = _as_float_array(seed, "seed")
    if arr.shape == (n, n):
        return np.broadcast_to(arr, (n, n, n)).copy()
    if arr.shape == (n, n, n):
        return arr.copy()
    raise DataError(f"seed must have shape ({n}, {n}) (origin x destination) or ({n}, {n}, {n}) "
                    f"(birthplace x origin x destination), got {arr.shape}.")


def flows_from_stocks(stock_start, stock_end, births=None, deaths=None, seed=None,
                      method: str = "demographic", *, negative: str = "zero",
                      total_flow: float | None = None, tol: float = 1e-10,
                      max_iter: int = 1000) -> FlowsFromStocksResult:
    """Estimate bilateral migration flows between two birthplace x residence stock tables.

    ``stock_start`` / ``stock_end``: DataFrames, rows = place of birth, columns = place of
    residence, same labels in the same order.  ``births`` / ``deaths``: per residence, used by
    ``method="demographic"`` only.  ``seed``: auxiliary prior for the origin x destination
    pattern (e.g. inverse distance), shape (n, n) or (birthplace, n, n).

    Methods (see ``result.assumptions`` for the full statement):

    * ``"demographic"`` - Abel (2013, Demographic Research 28(18)) / Abel & Sander (2014,
      Science 343): per birthplace b, IPF of ``y[b, i, j]`` to start stocks (rows) and end stocks
      (columns) with stayers fixed at ``min(start[b, i], end[b, i])``.
    * ``"difference"`` - ``flow[b -> j] = max(end[b, j] - start[b, j], 0)``; decreases zeroed
      (``negative="zero"``) or counted as returns ``j -> b`` (``negative="return"``)
      (Beine, Bertoli & Fernandez-Huertas Moraga 2016, The World Economy 39(4)).
    * ``"rates"`` - ``flow[i -> j] = total_flow * start[i, j] / sum_{k != l} start[k, l]``
      for ``i != j`` (Dennett 2016); ``total_flow`` (world flows over the period) is required.

    The demographic steps follow the defaults of migest 2.0.5 ``ffs_demo`` (global match before
    the demographic adjustment, births to the native-born, deaths in proportion to stocks,
    birthplace totals rescaled to their mean), except that the native-born adjustment of step
    (1) is not rounded to integers and every IPF runs to ``tol`` (migest stops at 1e-3).
    Every fit, including the rescaling of step (4), stops when each fitted margin ``f`` meets
    ``|f - t| <= tol * max(1, |t|)``.  Step (4) is the same biproportional (IPF) fit, solved
    with Newton steps because plain IPF needs thousands of cycles on stock tables dominated by
    native-born populations of ~1e9; ``result.converged`` is False if step (4) or any
    birthplace fit did not converge within ``max_iter`` (see ``rescaling_diagnostics`` and
    ``diagnostics``).
    """
    if method not in _ASSUMPTIONS:
        raise InputError(f"method must be one of {sorted(_ASSUMPTIONS)}, got {method!r}.")
    labels, s1, s2 = _validate_stocks(stock_start, stock_end)
    n = len(labels)
    idx = np.arange(n)
    if method != "demographic":
        if births is not None or deaths is not None:
            raise InputError(f"births and deaths are only used by method='demographic'; "
                             f"method={method!r} would ignore them. Drop them or switch method.")
        if seed is not None:
            raise InputError(f"seed is only used by method='demographic'; method={method!r} "
                             f"would ignore it.")
    if method != "rates" and total_flow is not None:
        raise InputError(f"total_flow is only used by method='rates'; method={method!r} would "
                         f"ignore it.")

    notes: list[str] = []
    empty_diag = pd.DataFrame({"birthplace": pd.Series([], dtype=object),
                               "iterations": pd.Series([], dtype=int),
                               "max_margin_error": pd.Series([], dtype=float),
                               "converged": pd.Series([], dtype=bool)})
    if method == "difference":
        if negative not in ("zero", "return"):
            raise InputError(f"negative must be 'zero' or 'return', got {negative!r}.")
        change = s2 - s1
        change[idx, idx] = 0.0
        cube = np.zeros((n, n, n))
        cube[idx[:, None], idx[:, None], idx[None, :]] = np.maximum(change, 0.0)
        if negative == "return":
            cube[idx[:, None], idx[None, :], idx[:, None]] = np.maximum(-change, 0.0)
        return _flows_result(cube, labels, method, empty_diag, True,
                             f"closed form (negative={negative!r}).", notes, None, None)

    if method == "rates":
        if total_flow is None:
            raise InputError("method='rates' needs total_flow, the world total of migration "
                             "flows over the period (e.g. the sum of absolute net migration).")
        if not np.isfinite(total_flow) or total_flow < 0:
            raise InputError(f"total_flow must be a non-negative number, got {total_flow!r}.")
        foreign = s1.copy()
        foreign[idx, idx] = 0.0
        total_foreign = foreign.sum()
        if total_foreign <= 0:
            raise DataError("stock_start has no foreign-born population, so the rates method has "
                            "no corridor shares to allocate total_flow over.")
        cube = np.zeros((n, n, n))
        cube[idx[:, None], idx[:, None], idx[None, :]] = total_flow * foreign / total_foreign
        return _flows_result(cube, labels, method, empty_diag, True,
                             "closed form (shares of the start foreign-born stock).", notes,
                             None, None)

    # ---- demographic accounting ----
    b = _vector(births, labels, "births")
    d = _vector(deaths, labels, "deaths")
    m3 = _seed3(seed, labels)
    s1 = s1.copy()
    s2 = s2.copy()

    gap = (b.sum() - d.sum()) - (s2.sum() - s1.sum())
    if abs(gap) > SUM_RTOL * max(1.0, s1.sum()):
        nb1, nb2 = s1[idx, idx].copy(), s2[idx, idx].copy()
        if nb1.sum() <= 0 or nb2.sum() <= 0:
            raise DataError("the change in total stocks differs from births minus deaths and "
                            "there is no native-born stock to absorb the difference.")
        s1[idx, idx] = nb1 - 0.5 * gap * nb1 / nb1.sum()
        s2[idx, idx] = nb2 + 0.5 * gap * nb2 / nb2.sum()
        notes.append(f"world stock change differed from births - deaths by {gap:.6g}; half "
                     f"taken from start and half added to end native-born stocks "
                     f"proportionally.")
        if (s1[idx, idx] < 0).any() or (s2[idx, idx] < 0).any():
            raise DataError("balancing world totals made a native-born stock negative; check "
                            "that births, deaths and stocks refer to the same period and units.")

    col1 = s1.sum(axis=0)
    if (d > col1 + SUM_RTOL * np.maximum(1.0, col1)).any():
        j = int(np.flatnonzero(d > col1)[0])
        raise DataError(f"deaths in {labels[j]!r} ({d[j]:.6g}) exceed its start population "
                        f"({col1[j]:.6g}).")
    death_mat = s1 * _safe_ratio(d, col1)[None, :]

    birth_mat = np.zeros((n, n))
    birth_mat[idx, idx] = b
    too_many = b > s2[idx, idx]
    if too_many.any():
        col2 = s2.sum(axis=0)
        if (b > col2 + SUM_RTOL * np.maximum(1.0, col2)).any():
            j = int(np.flatnonzero(b > col2)[0])
            raise DataError(f"births in {labels[j]!r} ({b[j]:.6g}) exceed its end population "
                            f"({col2[j]:.6g}).")
        spread = s2 * _safe_ratio(b, col2)[None, :]
        birth_mat[:, too_many] = spread[:, too_many]
        notes.append(f"births exceed the end native-born stock in "
                     f"{[labels[j] for j in np.flatnonzero(too_many)]}; those births were "
                     f"removed from the whole residence column in proportion to its stocks.")

    a1 = np.clip(s1 - death_mat, 0.0, None)
    a2 = np.clip(s2 - birth_mat, 0.0, None)
    r1, r2 = a1.sum(axis=1), a2.sum(axis=1)
    target_rows = 0.5 * (r1 + r2)
    rescaling = _empty_rescaling()
    rescale_failed: list[str] = []
    if np.abs(r1 - r2).max(initial=0) > SUM_RTOL * max(1.0, r1.max(initial=0)):
        fit1 = _fit_table_newton(a1, target_rows, a1.sum(axis=0), tol, max_iter)
        fit2 = _fit_table_newton(a2, target_rows, a2.sum(axis=0), tol, max_iter)
        rescaling = pd.DataFrame({
            "table": pd.Series(["start", "end"], dtype=object),
            "iterations": np.array([fit1.iterations[0], fit2.iterations[0]], dtype=int),
            "max_margin_error": [float(fit1.max_error[0]), float(fit2.max_error[0])],
            "converged": [bool(fit1.converged[0]), bool(fit2.converged[0])],
        })
        rescale_failed = [row.table for row in rescaling.itertuples() if not row.converged]
        if rescale_failed:
            notes.append(f"rescaling the {' and '.join(rescale_failed)} stock table(s) to common "
                         f"birthplace totals did NOT converge; flows may not match the stock "
                         f"changes.")
        a1, a2 = fit1.fitted[0], fit2.fitted[0]
        notes.append("birthplace totals of the adjusted start and end tables differed; both "
                     "were IPF-rescaled to the mean birthplace totals, keeping residence totals.")
    # Each birthplace table needs equal row and column totals to the last digit; remove
    # rounding-level differences by a proportional row scaling.
    a1 *= _safe_ratio(target_rows, a1.sum(axis=1))[:, None]
    a2 *= _safe_ratio(target_rows, a2.sum(axis=1))[:, None]

    fit, extra = _ipf2_core(m3, a1, a2, "max", tol, max_iter)
    diag = pd.DataFrame({
        "birthplace": pd.Series(labels, dtype=object),
        "iterations": fit.iterations.astype(int),
        "max_margin_error": fit.max_error,
        "converged": fit.converged,
    })
    converged = bool(fit.converged.all()) and not rescale_failed
    if fit.converged.all():
        message = (f"all {n} birthplace fits converged (at most "
                   f"{int(fit.iterations.max(initial=0))} iterations; largest margin error "
                   f"{float(fit.max_error.max(initial=0)):.3g}).")
    else:
        bad = [labels[k] for k in np.flatnonzero(~fit.converged)]
        message = (f"{len(bad)} birthplace fit(s) did NOT converge within {max_iter} iterations: "
                   f"{bad[:10]}. {extra}").strip()
    if rescale_failed:
        worst = float(rescaling["max_margin_error"].max())
        message = (f"step (4), rescaling the {' and '.join(rescale_failed)} stock table(s) to "
                   f"common birthplace totals, did NOT converge within {max_iter} iterations "
                   f"(largest absolute margin error {worst:.3g}, tolerance {tol:g} relative for "
                   f"totals >= 1); see rescaling_diagnostics. Step (5): {message}")
    adj1 = pd.DataFrame(a1, index=pd.Index(labels, dtype=object),
                        columns=pd.Index(labels, dtype=object))
    adj2 = pd.DataFrame(a2, index=pd.Index(labels, dtype=object),
                        columns=pd.Index(labels, dtype=object))
    return _flows_result(fit.fitted, labels, method, diag, converged, message, notes, adj1, adj2,
                         rescaling)


def _flows_result(cube, labels, method, diagnostics, converged, message, notes, adj1, adj2,
                  rescaling=None):
    n = len(labels)
    od = cube.sum(axis=0)
    od[np.arange(n), np.arange(n)] = 0.0
    flows = pd.DataFrame(od, index=pd.Index(labels, name="orig", dtype=object),
                         columns=pd.Index(labels, name="dest", dtype=object))
    return FlowsFromStocksResult(
        flows=flows, by_birthplace=cube, labels=tuple(labels), method=method,
        assumptions=_ASSUMPTIONS[method], diagnostics=diagnostics, converged=converged,
        message=message, notes=tuple(notes), stock_start_adjusted=adj1,
        stock_end_adjusted=adj2,
        rescaling_diagnostics=_empty_rescaling() if rescaling is None else rescaling)


#: The estimator variants of :func:`compare_methods`, in display order.
VARIANTS: tuple[str, ...] = (
    "demographic, approx. natural change",
    "demographic, no births/deaths",
    "difference, negatives zeroed",
    "difference, negatives as returns",
    "rates (Dennett)",
)


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
    start = _square_frame(stock_start, "stock_start")
    end = _square_frame(stock_end, "stock_end")
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
        raise InputError(f"rates_total_from must be one of {list(VARIANTS[:4])}, got "
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
