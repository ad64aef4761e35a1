"""Bilateral migration flows from two place-of-birth x place-of-residence stock tables.

Three estimators, each returning a :class:`FlowsFromStocksResult`:

* :func:`flows_demographic` - demographic accounting with the stayer (minimum migration)
  assumption (Abel 2013; Abel & Sander 2014; Abel & Cohen 2019);
* :func:`flows_difference` - stock differencing (Beine, Bertoli & Fernandez-Huertas Moraga 2016);
* :func:`flows_rates` - shares of the start-of-period foreign-born stock (Dennett 2016).

:func:`flows_from_stocks` dispatches to them by name; :func:`compare_methods` runs every variant
of :data:`VARIANTS` for one period and :func:`flows_over_periods` for consecutive periods;
:func:`closed_system_natural_change` approximates births and deaths from the stocks themselves.
Stock tables have rows = place of birth, columns = place of residence.

References
----------
Abel, G. J. (2013). Estimating global migration flow tables using place of birth data.
*Demographic Research* 28(18), 505-546.
Abel, G. J. & Sander, N. (2014). Quantifying global international migration flows. *Science*
343(6178), 1520-1522.
Abel, G. J. & Cohen, J. E. (2019). Bilateral international migration flow estimates for 200
countries. *Scientific Data* 6, 82.
Beine, M., Bertoli, S. & Fernandez-Huertas Moraga, J. (2016). A practitioners' guide to gravity
models of international migration. *The World Economy* 39(4), 496-512.
Dennett, A. (2016). Estimating an annual time series of global migration flows - an alternative
methodology for using migrant stock data. In Wilson, A. G. (ed.) *Global Dynamics: Approaches
from Complexity Science*, Wiley, 125-142.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd

from ..errors import DataError, InfeasibleError, InputError, SchemaError
from ..results import Result
from ._checks import (
    _as_float_array,
    _check_fit_options,
    _gap_limit,
    _raise_if_strict,
    _safe_ratio,
)
from .ipf import _fit_table_newton, _ipf2_core
from .tables import check_od_matrix, to_long

__all__ = [
    "VARIANTS",
    "FlowsFromStocksResult",
    "closed_system_natural_change",
    "compare_methods",
    "flows_demographic",
    "flows_difference",
    "flows_from_stocks",
    "flows_over_periods",
    "flows_rates",
]

# Three made-up birthplace x residence stock tables used by the examples below: A-born 90 at
# home and 10 in B become 80 and 20 (10 A-born move A -> B); B-born 20 in A and 100 at home
# become 10 and 110 (10 return A -> B); C-born 5 in A move to B.


@dataclass(frozen=True, eq=False)
class FlowsFromStocksResult(Result):
    """Flows estimated from two stock tables (:func:`flows_demographic`,
    :func:`flows_difference`, :func:`flows_rates`).

    Parameters
    ----------
    flows : pandas.DataFrame
        Origin (rows) x destination (columns) flows over the period, summed over birthplaces,
        stayers excluded (diagonal 0); indexed by the stock tables' labels.
    by_birthplace : pandas.DataFrame, shape (n * n, n)
        Flows by the mover's place of birth: rows a MultiIndex ``(birthplace, orig)``, columns
        ``dest``, all three in the label order of ``flows``; ``by_birthplace.loc[(b, i), j]``
        is the number of ``b``-born who moved from ``i`` to ``j``.  For the demographic method
        the cells ``(b, i), i`` hold the estimated stayers.  The numpy cube
        ``[birthplace, orig, dest]`` is ``by_birthplace.to_numpy().reshape(n, n, n)``;
        :meth:`by_birthplace_long` gives a tidy table.
    method : str
        ``"demographic"``, ``"difference"`` or ``"rates"``.
    assumptions : str
        Full statement of the method's assumptions and steps.
    notes : tuple of str
        Adjustments made to the inputs, one sentence each (e.g. births spread over a column,
        world totals balanced, step (4) rescaling); empty when none were needed.
    stock_start_adjusted, stock_end_adjusted : pandas.DataFrame or None
        Demographic method: the stock tables actually fitted (after births, deaths and total
        matching); ``None`` for the other methods.
    converged : bool
        True only if every iterative step converged (demographic step (4) and every birthplace
        fit); always True for the closed-form methods.
    iterations : int
        Largest number of iterations used by any step (0 for the closed-form methods).
    message : str
        One line; names the step that did not converge.
    diagnostics : pandas.DataFrame
        Demographic method: one row per iterative fit, with columns ``step``
        (``"rescale"`` for step (4), one row per stock table, ``item`` = ``"start"`` or
        ``"end"``, present only when birthplace totals differed; ``"birthplace"`` for step (5),
        ``item`` = the birthplace label), ``iterations``, ``max_margin_error`` and
        ``converged``.  Empty (same columns) for the closed-form methods.

    Examples
    --------
    >>> import pandas as pd
    >>> labels = ["A", "B", "C"]  # made-up stocks, rows = birthplace, columns = residence
    >>> start = pd.DataFrame([[90, 10, 0], [20, 100, 0], [5, 0, 50]], labels, labels)
    >>> end = pd.DataFrame([[80, 20, 0], [10, 110, 0], [0, 5, 50]], labels, labels)
    >>> res = flows_demographic(start, end)
    >>> res.converged, float(res.flows.loc["A", "B"].round(6))
    (True, 25.0)
    """

    flows: pd.DataFrame
    by_birthplace: pd.DataFrame
    method: str
    assumptions: str
    notes: tuple = ()
    stock_start_adjusted: pd.DataFrame | None = None
    stock_end_adjusted: pd.DataFrame | None = None

    def to_frame(self) -> pd.DataFrame:
        """The flows as a tidy long table, stayers (the diagonal) left out.

        Returns
        -------
        pandas.DataFrame
            Columns ``orig``, ``dest``, ``flow``: one row per ordered pair of different
            regions, origin-major in label order.

        Examples
        --------
        >>> import pandas as pd
        >>> labels = ["A", "B"]  # made-up stocks: 10 A-born move from A to B
        >>> start = pd.DataFrame([[90, 0], [0, 100]], labels, labels)
        >>> end = pd.DataFrame([[80, 10], [0, 100]], labels, labels)
        >>> flows_difference(start, end).to_frame()
          orig dest  flow
        0    A    B  10.0
        1    B    A   0.0
        """
        return to_long(self.flows, value="flow", drop_diagonal=True)

    def by_birthplace_long(self, drop_zero: bool = False) -> pd.DataFrame:
        """``by_birthplace`` as a long table.

        Parameters
        ----------
        drop_zero : bool, default False
            Leave out cells whose value is 0.

        Returns
        -------
        pandas.DataFrame
            Columns ``birthplace``, ``orig``, ``dest``, ``value``, birthplace-major in label
            order; stayers are the rows with ``orig == dest``.

        Examples
        --------
        >>> import pandas as pd
        >>> labels = ["A", "B"]  # made-up stocks: 10 A-born move from A to B
        >>> start = pd.DataFrame([[90, 0], [0, 100]], labels, labels)
        >>> end = pd.DataFrame([[80, 10], [0, 100]], labels, labels)
        >>> flows_difference(start, end).by_birthplace_long(drop_zero=True)
          birthplace orig dest  value
        0          A    A    B   10.0
        """
        labels = np.asarray(list(self.flows.index), dtype=object)
        n = len(labels)
        out = pd.DataFrame(
            {
                "birthplace": np.repeat(labels, n * n),
                "orig": np.tile(np.repeat(labels, n), n),
                "dest": np.tile(labels, n * n),
                "value": self.by_birthplace.to_numpy(dtype=float).reshape(-1),
            }
        )
        if drop_zero:
            out = out.loc[out["value"] != 0].reset_index(drop=True)
        return out

    def flow_types(self) -> pd.DataFrame:
        """Split the moves by the mover's birthplace: emigration, return and onward moves.

        Returns
        -------
        pandas.DataFrame
            Index ``type`` (``emigration``, ``return``, ``onward``); columns ``moves`` (number
            of moves) and ``share`` (per cent of all moves; NaN when there are none).

        Notes
        -----
        A move of a ``b``-born person from ``i`` to ``j`` (``i != j``) is ``emigration`` when
        ``i = b`` (leaving the birthplace), ``return`` when ``j = b`` (going back to it) and
        ``onward`` otherwise (between two countries other than the birthplace).  Only
        meaningful for birthplace-specific estimates (:func:`flows_demographic`); stock
        differencing and the rates method put every move in the mover's birthplace row.

        Examples
        --------
        >>> import pandas as pd
        >>> labels = ["A", "B", "C"]  # made-up stocks, rows = birthplace
        >>> start = pd.DataFrame([[90, 10, 0], [20, 100, 0], [5, 0, 50]], labels, labels)
        >>> end = pd.DataFrame([[80, 20, 0], [10, 110, 0], [0, 5, 50]], labels, labels)
        >>> flows_demographic(start, end).flow_types().round(6)
                    moves  share
        type                    
        emigration   10.0   40.0
        return       10.0   40.0
        onward        5.0   20.0
        """
        n = self.flows.shape[0]
        cube = self.by_birthplace.to_numpy(dtype=float).reshape(n, n, n)
        # broadcast index grids: n^3 booleans, no n^3 integer arrays
        b = np.arange(n)[:, None, None]
        i = np.arange(n)[None, :, None]
        j = np.arange(n)[None, None, :]
        moves = np.broadcast_to(i != j, cube.shape)
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


def _diagnostics(rows=None) -> pd.DataFrame:
    """The diagnostics table of the demographic method (empty for closed-form methods)."""
    rows = list(rows or [])
    return pd.DataFrame({
        "step": pd.Series([r[0] for r in rows], dtype=object),
        "item": pd.Series([r[1] for r in rows], dtype=object),
        "iterations": pd.Series([r[2] for r in rows], dtype=int),
        "max_margin_error": pd.Series([r[3] for r in rows], dtype=float),
        "converged": pd.Series([r[4] for r in rows], dtype=bool),
    })


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
        "(the largest number compatible with both), off-diagonal proportional to the prior. "
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
    """Both stock tables through the one OD-matrix check, ``stock_end`` in the label order of
    ``stock_start`` (reordered when it lists the same regions in another order)."""
    start = check_od_matrix(_as_frame(stock_start, "stock_start"), "stock_start")
    labels = list(start.index)
    end = check_od_matrix(_as_frame(stock_end, "stock_end"), "stock_end", labels=labels)
    s1 = _as_float_array(start.to_numpy(dtype=float), "stock_start", 2)
    s2 = _as_float_array(end.to_numpy(dtype=float), "stock_end", 2)
    return labels, s1, s2


def _as_frame(s, what):
    """A DataFrame as is; an array_like as a frame with positional labels ``0 .. n-1``."""
    if isinstance(s, pd.DataFrame):
        return s
    try:
        arr = np.asarray(s, dtype=float)
    except (TypeError, ValueError) as exc:
        raise SchemaError(f"{what} must be a square table (a DataFrame or a 2-D array of "
                          f"numbers), got {type(s).__name__}: {exc}") from None
    if arr.ndim != 2:
        raise SchemaError(f"{what} must be a square birthplace x residence table, got shape "
                          f"{arr.shape}.")
    return pd.DataFrame(arr, index=pd.Index(range(arr.shape[0]), dtype=object),
                        columns=pd.Index(range(arr.shape[1]), dtype=object))


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


def _prior3(prior, labels) -> np.ndarray:
    """The prior as a read-only (n, n, n) array: a broadcast view of an (n, n) prior (no n^3
    copy; the fit makes the one working copy)."""
    n = len(labels)
    if prior is None:
        return np.broadcast_to(np.ones((1, 1, 1)), (n, n, n))
    if isinstance(prior, pd.DataFrame):
        prior = check_od_matrix(prior, "prior", labels=labels)
    arr = _as_float_array(prior, "prior")
    if arr.shape == (n, n):
        return np.broadcast_to(arr, (n, n, n))
    if arr.shape == (n, n, n):
        return arr
    raise DataError(f"prior must have shape ({n}, {n}) (origin x destination) or ({n}, {n}, {n}) "
                    f"(birthplace x origin x destination), got {arr.shape}.")


def flows_demographic(stock_start, stock_end, births=None, deaths=None, prior=None, *,
                      tol: float = 1e-10, max_iter: int = 1000,
                      strict: bool = False) -> FlowsFromStocksResult:
    """Bilateral flows from two stock tables by demographic accounting (stayer assumption).

    For every birthplace ``b``, the flows ``y[b, i, j]`` (residence ``i`` at the start,
    ``j`` at the end of the period) are the quasi-independent IPF fit with row totals = the
    adjusted start stocks of ``b``, column totals = the adjusted end stocks of ``b``, stayers
    ``y[b, i, i] = min(start[b, i], end[b, i])`` and off-diagonal cells proportional to the
    prior (Abel 2013; Abel & Sander 2014; Abel & Cohen 2019).  See ``result.assumptions`` for
    the full statement of the five steps.

    Parameters
    ----------
    stock_start, stock_end : pandas.DataFrame or array_like, shape (n, n)
        Stocks at the start and end of the period, rows = place of birth, columns = place of
        residence, the same labels in the same order on both axes and in both tables.
    births, deaths : array_like or pandas.Series, shape (n,), optional
        Births and deaths over the period in each place of residence (default none).
    prior : array_like or pandas.DataFrame, shape (n, n) or (n, n, n), optional
        Prior (auxiliary) table of the origin x destination pattern (e.g. inverse distance),
        common to every birthplace (n, n) or per birthplace (n, n, n); default ones.
    tol : float, default 1e-10
        Convergence tolerance of every fit: ``|f - t| <= tol * max(1, |t|)`` on every margin.
    max_iter : int, default 1000
        Largest number of iterations of each fit.
    strict : bool, default False
        Raise :class:`~mixedmig.errors.ConvergenceError` instead of returning a result with
        ``converged=False``.

    Returns
    -------
    FlowsFromStocksResult
        ``method="demographic"``; ``diagnostics`` has one row per fit (step (4) rescaling of
        each stock table when needed, step (5) per birthplace); ``notes`` lists the
        adjustments made; ``stock_start_adjusted`` / ``stock_end_adjusted`` hold the tables
        actually fitted.

    Raises
    ------
    SchemaError
        Stock tables that are not square or list different regions (see
        :func:`mixedmig.flows.check_od_matrix`; the same regions in another order are
        reordered to the order of ``stock_start``), or a prior with other labels.
    DataError
        Stock tables that hold negative or missing values;
        births or deaths of the wrong length, or exceeding the population they come from; or
        a world-total gap that no native-born stock can absorb.
    InputError
        ``tol`` not a number > 0 or ``max_iter`` not an integer >= 1.
    InfeasibleError
        Adjusted start and end tables that hold different numbers of people (see Notes), or
        a prior whose zeros no birthplace table can fit.
    ConvergenceError
        ``strict=True`` and step (4) or a birthplace fit did not converge.

    Notes
    -----
    The steps follow the defaults of migest 2.0.5 ``ffs_demo``: (1) if the change in the world
    total of stocks differs from births minus deaths, the gap ``g = (B - D) - (S_end - S_start)``
    is split in half between the start and end native-born stocks; (2) deaths are removed
    from the start stocks of each residence in proportion to its stocks; (3) births are
    removed from the end native-born stock of their residence; (4) birthplace totals are made
    equal by rescaling each table to the mean of the two tables' birthplace totals, keeping
    residence totals; (5) per birthplace, ``y_ii = min(r_i, c_i)`` and
    ``y_ij = a_i b_j m_ij`` (``i != j``) fitted to the remaining margins.  Unlike migest, the
    native-born adjustment of step (1) is not rounded and every fit runs to ``tol`` (migest
    stops at 1e-3).  Step (4) is the same biproportional fit solved with Newton steps,
    because plain IPF needs thousands of cycles on tables dominated by native-born
    populations.

    The prior, and where this differs from migest: mixedmig applies ``prior`` to the movers
    of step (5), ``y_ij = a_i b_j m_ij`` for ``i != j``, as in the quasi-independence model of
    Abel (2013, section 2.1; its distance example).  migest 2.0.5 ``ffs_demo`` does not: with
    ``stayer_assumption = TRUE`` (its default) the movers are fitted by ``mipfp::Ipfp`` from
    the seed ``diag_zero`` (1 off the diagonal, 0 on it), and its ``seed`` argument is used
    only when ``stayer_assumption = FALSE``.  So mixedmig matches migest's printed examples
    without a seed (and, with a prior of ones, every example), but not the seeded example of
    its reference page (the "international migration review supp. material example",
    ``e2 <- ffs_demo(..., seed = dd)`` with a distance matrix), whose flows equal the
    unseeded ``e1``; mixedmig's flows for that example differ wherever the margins leave the
    movers' table free (birthplace D there; see the test derived by hand).

    Inputs no fit can reconcile are rejected before any fit: a world-total gap is balanced
    whenever it exceeds what the fits can absorb (``tol / 2`` of the start total), and if the
    tables still hold different numbers of people after removing deaths and births (deaths
    or births that exhaust a residence's population are clipped) an
    :class:`~mixedmig.errors.InfeasibleError` says so; a prior whose zeros leave some
    birthplace's movers nowhere to go raises it too (see :func:`ipf2`).

    References
    ----------
    Abel, G. J. (2013). *Demographic Research* 28(18), 505-546.
    Abel, G. J. & Sander, N. (2014). *Science* 343(6178), 1520-1522.
    Abel, G. J. & Cohen, J. E. (2019). *Scientific Data* 6, 82.

    Examples
    --------
    Made-up stocks (rows = birthplace, columns = residence): 10 A-born move A -> B, 10 B-born
    return A -> B, 5 C-born move A -> B.

    >>> import pandas as pd
    >>> labels = ["A", "B", "C"]
    >>> start = pd.DataFrame([[90, 10, 0], [20, 100, 0], [5, 0, 50]], labels, labels)
    >>> end = pd.DataFrame([[80, 20, 0], [10, 110, 0], [0, 5, 50]], labels, labels)
    >>> flows_demographic(start, end).flows.round(6)
    dest     A     B    C
    orig                 
    A      0.0  25.0  0.0
    B      0.0   0.0  0.0
    C      0.0   0.0  0.0
    """
    tol, max_iter = _check_fit_options(tol, max_iter)
    labels, s1, s2 = _validate_stocks(stock_start, stock_end)
    n = len(labels)
    idx = np.arange(n)
    notes: list[str] = []
    b = _vector(births, labels, "births")
    d = _vector(deaths, labels, "deaths")
    m3 = _prior3(prior, labels)
    s1 = s1.copy()
    s2 = s2.copy()

    # Every fit below must meet its margins to tol, so any gap larger than the fits could
    # absorb is balanced here (half the tolerance: see mixedmig.flows._checks.GAP_SHARE).
    gap = (b.sum() - d.sum()) - (s2.sum() - s1.sum())
    if abs(gap) > _gap_limit(s1.sum(), tol):
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
    if (d > col1 + _gap_limit(col1, tol)).any():
        j = int(np.flatnonzero(d > col1 + _gap_limit(col1, tol))[0])
        raise DataError(f"deaths in {labels[j]!r} ({d[j]:.10g}) exceed its start population "
                        f"({col1[j]:.10g}, after balancing world totals); deaths must come "
                        f"from the start-of-period residents, so check the deaths, the stocks "
                        f"and their period.")
    death_mat = s1 * _safe_ratio(d, col1)[None, :]

    birth_mat = np.zeros((n, n))
    birth_mat[idx, idx] = b
    too_many = b > s2[idx, idx]
    if too_many.any():
        col2 = s2.sum(axis=0)
        if (b > col2 + _gap_limit(col2, tol)).any():
            j = int(np.flatnonzero(b > col2 + _gap_limit(col2, tol))[0])
            raise DataError(f"births in {labels[j]!r} ({b[j]:.10g}) exceed its end population "
                            f"({col2[j]:.10g}, after balancing world totals); births join the "
                            f"end-of-period residents, so check the births, the stocks and "
                            f"their period.")
        spread = s2 * _safe_ratio(b, col2)[None, :]
        birth_mat[:, too_many] = spread[:, too_many]
        notes.append(f"births exceed the end native-born stock in "
                     f"{[labels[j] for j in np.flatnonzero(too_many)]}; those births were "
                     f"removed from the whole residence column in proportion to its stocks.")

    a1 = np.clip(s1 - death_mat, 0.0, None)
    a2 = np.clip(s2 - birth_mat, 0.0, None)
    # Steps (4) and (5) need the adjusted tables to hold the same number of people; check it
    # before fitting rather than report a fit that cannot converge.
    total1, total2 = float(a1.sum()), float(a2.sum())
    if abs(total1 - total2) > _gap_limit(min(total1, total2), tol):
        raise InfeasibleError(
            f"after removing deaths from the start stocks and births from the end stocks the "
            f"tables hold {total1:.10g} and {total2:.10g} persons (gap {total1 - total2:.6g}); "
            f"the birthplace fits (tol={tol:g}) could never reconcile them. Deaths or births "
            f"that (almost) exhaust a residence's population were clipped at zero: check "
            f"births, deaths and stocks for the same period and units.")
    r1, r2 = a1.sum(axis=1), a2.sum(axis=1)
    target_rows = 0.5 * (r1 + r2)
    rescale_rows: list[tuple] = []
    rescale_failed: list[str] = []
    if np.abs(r1 - r2).max(initial=0) > _gap_limit(r1.max(initial=0), tol):
        # residence totals kept, scaled (by 1 +- tol / 4 at most) to the common total
        cols1 = a1.sum(axis=0) * (target_rows.sum() / total1 if total1 else 1.0)
        cols2 = a2.sum(axis=0) * (target_rows.sum() / total2 if total2 else 1.0)
        fit1 = _fit_table_newton(a1, target_rows, cols1, tol, max_iter)
        fit2 = _fit_table_newton(a2, target_rows, cols2, tol, max_iter)
        rescale_rows = [("rescale", name, int(f.iterations[0]), float(f.max_error[0]),
                         bool(f.converged[0])) for name, f in (("start", fit1), ("end", fit2))]
        rescale_failed = [row[1] for row in rescale_rows if not row[4]]
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

    fit, extra, _ = _ipf2_core(m3, a1, a2, "max", tol, max_iter, labels=(labels, labels))
    diagnostics = _diagnostics(rescale_rows + [
        ("birthplace", lab, int(its), float(err), bool(conv))
        for lab, its, err, conv in zip(labels, fit.iterations, fit.max_error, fit.converged)])
    iterations = int(diagnostics["iterations"].max()) if len(diagnostics) else 0
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
        worst = max(row[3] for row in rescale_rows)
        message = (f"step (4), rescaling the {' and '.join(rescale_failed)} stock table(s) to "
                   f"common birthplace totals, did NOT converge within {max_iter} iterations "
                   f"(largest absolute margin error {worst:.3g}, tolerance {tol:g} relative for "
                   f"totals >= 1); see diagnostics (step 'rescale'). Step (5): {message}")
    adj1 = pd.DataFrame(a1, index=pd.Index(labels, dtype=object),
                        columns=pd.Index(labels, dtype=object))
    adj2 = pd.DataFrame(a2, index=pd.Index(labels, dtype=object),
                        columns=pd.Index(labels, dtype=object))
    _raise_if_strict(strict, converged, "flows_demographic", message)
    return _flows_result(fit.fitted, labels, "demographic", diagnostics, message, notes,
                         converged=converged, iterations=iterations, adj1=adj1, adj2=adj2)


def flows_difference(stock_start, stock_end, *, negative: str = "zero") -> FlowsFromStocksResult:
    """Bilateral flows from two stock tables by stock differencing.

    For each birthplace ``b`` and residence ``j != b``, the flow ``b -> j`` is the increase in
    the stock of ``b``-born persons living in ``j`` (Beine, Bertoli & Fernandez-Huertas Moraga
    2016).  Decreases are set to zero or read as return moves.

    Parameters
    ----------
    stock_start, stock_end : pandas.DataFrame or array_like, shape (n, n)
        Stocks at the start and end of the period, rows = place of birth, columns = place of
        residence, the same labels in the same order.
    negative : {"zero", "return"}, default "zero"
        A decrease ``end[b, j] < start[b, j]`` is set to zero (``"zero"``) or counted as a
        return move ``j -> b`` of ``start[b, j] - end[b, j]`` persons (``"return"``).

    Returns
    -------
    FlowsFromStocksResult
        ``method="difference"``, closed form (``converged=True``, ``iterations=0``, empty
        ``diagnostics``).

    Raises
    ------
    InputError
        ``negative`` not ``"zero"`` or ``"return"``.
    SchemaError
        Stock tables that are not square or list different regions (the same regions in
        another order are reordered to the order of ``stock_start``).
    DataError
        Stock tables that hold negative or missing values.

    Notes
    -----
    ``flow[b -> j] = max(end[b, j] - start[b, j], 0)`` for ``j != b``; with
    ``negative="return"`` also ``flow[j -> b] = max(start[b, j] - end[b, j], 0)``.  Native-born
    stocks, births, deaths and onward moves between third countries are ignored.

    References
    ----------
    Beine, M., Bertoli, S. & Fernandez-Huertas Moraga, J. (2016). *The World Economy* 39(4),
    496-512.

    Examples
    --------
    Made-up stocks: B-born in A fall from 20 to 10, A-born in B rise from 10 to 20.

    >>> import pandas as pd
    >>> labels = ["A", "B"]
    >>> start = pd.DataFrame([[90, 10], [20, 100]], labels, labels)
    >>> end = pd.DataFrame([[80, 20], [10, 110]], labels, labels)
    >>> flows_difference(start, end).flows.to_numpy().tolist()
    [[0.0, 10.0], [0.0, 0.0]]
    >>> flows_difference(start, end, negative="return").flows.to_numpy().tolist()
    [[0.0, 20.0], [0.0, 0.0]]
    """
    if negative not in ("zero", "return"):
        raise InputError(f"negative must be 'zero' or 'return', got {negative!r}.")
    labels, s1, s2 = _validate_stocks(stock_start, stock_end)
    n = len(labels)
    idx = np.arange(n)
    change = s2 - s1
    change[idx, idx] = 0.0
    cube = np.zeros((n, n, n))
    cube[idx[:, None], idx[:, None], idx[None, :]] = np.maximum(change, 0.0)
    if negative == "return":
        cube[idx[:, None], idx[None, :], idx[:, None]] = np.maximum(-change, 0.0)
    return _flows_result(cube, labels, "difference", _diagnostics(),
                         f"closed form (negative={negative!r}).", [])


def flows_rates(stock_start, stock_end, total_flow: float | None = None) -> FlowsFromStocksResult:
    """Bilateral flows as shares of the start-of-period foreign-born stock (rates method).

    Each corridor ``i -> j`` receives its share of the world's foreign-born stock at the start
    of the period, times a given world total of flows over the period (Dennett 2016, as
    summarised by Abel & Cohen 2019 and the migest documentation).

    Parameters
    ----------
    stock_start : pandas.DataFrame or array_like, shape (n, n)
        Stocks at the start of the period, rows = place of birth (taken as origin), columns =
        place of residence (destination).
    stock_end : pandas.DataFrame or array_like, shape (n, n)
        Stocks at the end of the period; only checked to match ``stock_start`` (the method
        does not use them).
    total_flow : float
        World total of migration flows over the period (e.g. the total of another estimate,
        or the sum of absolute net migration); required, >= 0.

    Returns
    -------
    FlowsFromStocksResult
        ``method="rates"``, closed form (``converged=True``, ``iterations=0``, empty
        ``diagnostics``).

    Raises
    ------
    InputError
        ``total_flow`` missing, negative or not finite.
    SchemaError
        Stock tables that are not square or list different regions (the same regions in
        another order are reordered to the order of ``stock_start``).
    DataError
        Stock tables that hold negative or missing values, or a start table without
        foreign-born population.

    Notes
    -----
    ``flow[i -> j] = total_flow * S[i, j] / sum_{k != l} S[k, l]`` for ``i != j``, where ``S``
    is the start stock table.  Flows follow existing migrant networks in proportion to their
    size; corridors without a start stock get no flow.

    References
    ----------
    Dennett, A. (2016). In Wilson, A. G. (ed.) *Global Dynamics: Approaches from Complexity
    Science*, Wiley, 125-142.
    Abel, G. J. & Cohen, J. E. (2019). *Scientific Data* 6, 82.

    Examples
    --------
    Made-up stocks with 10 + 20 foreign-born at the start; 60 moves are shared 1 : 2.

    >>> import pandas as pd
    >>> labels = ["A", "B"]
    >>> start = pd.DataFrame([[90, 10], [20, 100]], labels, labels)
    >>> flows_rates(start, start, total_flow=60).flows.to_numpy().tolist()
    [[0.0, 20.0], [40.0, 0.0]]
    """
    labels, s1, _ = _validate_stocks(stock_start, stock_end)
    if total_flow is None:
        raise InputError("the rates method needs total_flow, the world total of migration "
                         "flows over the period (e.g. the sum of absolute net migration).")
    if (not isinstance(total_flow, (int, float, np.integer, np.floating))
            or not np.isfinite(total_flow) or total_flow < 0):
        raise InputError(f"total_flow must be a non-negative number, got {total_flow!r}.")
    n = len(labels)
    idx = np.arange(n)
    foreign = s1.copy()
    foreign[idx, idx] = 0.0
    total_foreign = foreign.sum()
    if total_foreign <= 0:
        raise DataError("stock_start has no foreign-born population, so the rates method has "
                        "no corridor shares to allocate total_flow over.")
    cube = np.zeros((n, n, n))
    cube[idx[:, None], idx[:, None], idx[None, :]] = total_flow * foreign / total_foreign
    return _flows_result(cube, labels, "rates", _diagnostics(),
                         "closed form (shares of the start foreign-born stock).", [])


_METHODS = {"demographic": flows_demographic, "difference": flows_difference,
            "rates": flows_rates}


def flows_from_stocks(stock_start, stock_end, method: str = "demographic",
                      **kwargs) -> FlowsFromStocksResult:
    """Bilateral flows from two stock tables by the named method (a dispatcher).

    Calls :func:`flows_demographic`, :func:`flows_difference` or :func:`flows_rates`; prefer
    calling them directly, which documents each method's own parameters.

    Parameters
    ----------
    stock_start, stock_end : pandas.DataFrame or array_like, shape (n, n)
        Stocks at the start and end of the period, rows = place of birth, columns = place of
        residence.
    method : {"demographic", "difference", "rates"}, default "demographic"
        The estimator.
    **kwargs
        Keyword arguments of that estimator: ``births``, ``deaths``, ``prior``, ``tol``,
        ``max_iter``, ``strict`` (demographic); ``negative`` (difference); ``total_flow``
        (rates).

    Returns
    -------
    FlowsFromStocksResult
        The estimator's result.

    Raises
    ------
    InputError
        Unknown ``method``, or a keyword the chosen method does not use (it would otherwise be
        ignored silently).
    DataError, ConvergenceError
        As raised by the estimator.

    See Also
    --------
    flows_demographic, flows_difference, flows_rates

    Examples
    --------
    >>> import pandas as pd
    >>> labels = ["A", "B"]  # made-up stocks
    >>> start = pd.DataFrame([[90, 10], [20, 100]], labels, labels)
    >>> end = pd.DataFrame([[80, 20], [10, 110]], labels, labels)
    >>> flows_from_stocks(start, end, "difference", negative="return").flows.loc["A", "B"]
    np.float64(20.0)
    """
    if method not in _METHODS:
        raise InputError(f"method must be one of {sorted(_METHODS)}, got {method!r}.")
    func = _METHODS[method]
    accepted = set(inspect.signature(func).parameters) - {"stock_start", "stock_end"}
    unused = sorted(set(kwargs) - accepted)
    if unused:
        reasons = []
        for name in unused:
            owners = [m for m, f in _METHODS.items() if name in inspect.signature(f).parameters]
            if owners:
                reasons.append(f"{name} is only used by method={owners[0]!r}")
            elif name == "seed":
                reasons.append("seed is not a parameter: the prior (auxiliary) table is prior=")
            else:
                reasons.append(f"{name} is not a parameter of any method")
        raise InputError(f"method={method!r} would ignore {unused}: " + "; ".join(reasons)
                         + ". Drop them or switch method.")
    return func(stock_start, stock_end, **kwargs)


def _flows_result(cube, labels, method, diagnostics, message, notes, *, converged=True,
                  iterations=0, adj1=None, adj2=None) -> FlowsFromStocksResult:
    n = len(labels)
    od = cube.sum(axis=0)
    od[np.arange(n), np.arange(n)] = 0.0
    index = pd.Index(labels, dtype=object)
    flows = pd.DataFrame(od, index=index.rename("orig"), columns=index.rename("dest"))
    # the (n, n, n) cube as an (n * n, n) frame without copying it
    by_birthplace = pd.DataFrame(
        cube.reshape(n * n, n), copy=False,
        index=pd.MultiIndex.from_product([index, index], names=["birthplace", "orig"]),
        columns=index.rename("dest"))
    return FlowsFromStocksResult(
        flows=flows, by_birthplace=by_birthplace, method=method,
        assumptions=_ASSUMPTIONS[method], notes=tuple(notes), stock_start_adjusted=adj1,
        stock_end_adjusted=adj2, converged=bool(converged), iterations=int(iterations),
        message=message, diagnostics=diagnostics)


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
    """Closed-system net natural change of each birthplace population, split into its signs.

    Only the net change of each birthplace population is known from two stock tables, not
    births and deaths. This function returns that net change and splits it into its positive
    part (``natural_surplus``) and its negative part (``natural_deficit``). Passed as
    ``births=natural_surplus`` and ``deaths=natural_deficit`` to :func:`flows_demographic`,
    they are the smallest gross births and deaths consistent with the net change: a lower
    bound, not vital statistics (a birthplace population that grew by 30 million has a surplus
    of 30 million and a deficit of 0, whatever its real births and deaths were).

    Parameters
    ----------
    stock_start, stock_end : pandas.DataFrame, shape (n, n)
        Stocks at the start and end of the period, rows = place of birth, columns = place of
        residence, the same labels in the same order.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``economy``; columns ``born_start``, ``born_end`` (people born in the
        economy living anywhere in the table), ``natural_change`` (their net change, in the
        units of the stocks), ``natural_surplus`` = max(natural_change, 0) and
        ``natural_deficit`` = max(-natural_change, 0), both >= 0, at most one of them non-zero
        per economy, and ``natural_surplus - natural_deficit == natural_change``. Pass them
        as ``births`` and ``deaths`` (of residence ``b``) to :func:`flows_demographic`.

    Raises
    ------
    SchemaError
        Tables that are not square or do not list the same economies (the same economies in
        another order are reordered to the order of ``stock_start``).

    Notes
    -----
    For birthplace ``b``, ``natural_change[b] = sum_j S_end[b, j] - sum_j S_start[b, j]``.
    Moves between economies of the table leave it unchanged, so in a closed system it equals
    births minus deaths of the ``b``-born; in an open one it also holds their net migration to
    and from the rest of the world.  ``natural_surplus = max(natural_change, 0)``,
    ``natural_deficit = max(-natural_change, 0)``.

    References
    ----------
    Abel, G. J. (2013). Estimating global migration flow tables using place of birth data.
    *Demographic Research* 28(18), 505-546 (births and deaths in the demographic accounting
    of flows from stocks).

    Examples
    --------
    >>> import pandas as pd
    >>> labels = ["A", "B"]  # made-up stocks: A-born grow by 5, B-born shrink by 5
    >>> start = pd.DataFrame([[90.0, 10.0], [20.0, 100.0]], labels, labels)
    >>> end = pd.DataFrame([[95.0, 10.0], [20.0, 95.0]], labels, labels)
    >>> closed_system_natural_change(start, end)[["natural_surplus", "natural_deficit"]]
             natural_surplus  natural_deficit
    economy                                  
    A                    5.0              0.0
    B                    0.0              5.0
    """
    start = check_od_matrix(stock_start, "stock_start")
    end = check_od_matrix(stock_end, "stock_end", labels=list(start.index))
    born_start = start.sum(axis=1)
    born_end = end.sum(axis=1)
    change = born_end - born_start
    out = pd.DataFrame({
        "born_start": born_start,
        "born_end": born_end,
        "natural_change": change,
        "natural_surplus": change.clip(lower=0.0),
        "natural_deficit": (-change).clip(lower=0.0),
    })
    out.index = pd.Index(list(start.index), name="economy", dtype=object)
    return out


def compare_methods(stock_start: pd.DataFrame, stock_end: pd.DataFrame, *,
                    births: pd.Series, deaths: pd.Series,
                    rates_total_from: str = VARIANTS[0], tol: float = 1e-10,
                    max_iter: int = 1000, strict: bool = False) -> dict[str, FlowsFromStocksResult]:
    """Every estimator variant of :data:`VARIANTS` for one period.

    The two demographic variants differ only in ``births`` / ``deaths`` (given vs none); the
    two differencing variants in the treatment of decreases; the rates method (Dennett 2016)
    distributes the total flow of the variant ``rates_total_from``, so that it differs from
    that variant in pattern only.

    Parameters
    ----------
    stock_start, stock_end : pandas.DataFrame, shape (n, n)
        Stocks at the start and end of the period, rows = place of birth, columns = place of
        residence.
    births, deaths : pandas.Series
        Births and deaths over the period by place of residence (first variant only), e.g.
        the ``natural_surplus`` and ``natural_deficit`` of
        :func:`closed_system_natural_change`.
    rates_total_from : str, default ``VARIANTS[0]``
        The variant (one of the first four) whose total flow the rates method distributes.
    tol : float, default 1e-10
        Convergence tolerance of the demographic fits.
    max_iter : int, default 1000
        Largest number of iterations of each demographic fit.
    strict : bool, default False
        Raise :class:`~mixedmig.errors.ConvergenceError` if a demographic fit does not
        converge.

    Returns
    -------
    dict of str to FlowsFromStocksResult
        One result per variant, keyed by variant name in the order of :data:`VARIANTS`.

    Raises
    ------
    InputError
        ``rates_total_from`` not one of the first four variants.
    DataError, ConvergenceError
        As raised by the estimators.

    Examples
    --------
    >>> import pandas as pd
    >>> labels = ["A", "B"]  # made-up stocks: 10 A-born move A -> B
    >>> start = pd.DataFrame([[90, 5], [0, 100]], labels, labels)
    >>> end = pd.DataFrame([[80, 15], [0, 100]], labels, labels)
    >>> none = pd.Series(0.0, index=labels)
    >>> res = compare_methods(start, end, births=none, deaths=none)
    >>> {name: round(r.flows.loc["A", "B"], 6) for name, r in res.items()} == dict.fromkeys(
    ...     VARIANTS, 10.0)
    True
    """
    if rates_total_from not in VARIANTS[:4]:
        raise InputError(f"rates_total_from must be one of {list(VARIANTS[:4])}, got "
                         f"{rates_total_from!r}.")
    results = {
        VARIANTS[0]: flows_demographic(stock_start, stock_end, births=births, deaths=deaths,
                                       tol=tol, max_iter=max_iter, strict=strict),
        VARIANTS[1]: flows_demographic(stock_start, stock_end, tol=tol, max_iter=max_iter,
                                       strict=strict),
        VARIANTS[2]: flows_difference(stock_start, stock_end, negative="zero"),
        VARIANTS[3]: flows_difference(stock_start, stock_end, negative="return"),
    }
    total = float(results[rates_total_from].flows.to_numpy().sum())
    results[VARIANTS[4]] = flows_rates(stock_start, stock_end, total_flow=total)
    return {name: results[name] for name in VARIANTS}


@dataclass(frozen=True, eq=False)
class FlowsOverPeriodsResult(Result):
    """Flows of every estimator variant for each period between consecutive stock years.

    Attributes
    ----------
    flows : pandas.DataFrame
        Columns ``period_start``, ``period_end``, ``method``, ``orig``, ``dest``, ``value``;
        off-diagonal cells only, sorted by period, variant (in :data:`VARIANTS` order), origin
        and destination.
    converged : bool
        True when every demographic fit of every period converged.
    iterations : int
        The largest iteration count of any fit.
    message : str
        Periods and variants estimated, and how many did not converge.
    diagnostics : pandas.DataFrame
        One row per period and variant: ``period_start``, ``period_end``, ``method``,
        ``converged``, ``message`` and the adjustment ``notes`` joined by " | ".
    """

    flows: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The flows of every period and variant.

        Returns
        -------
        pandas.DataFrame
            A copy of ``flows``.
        """
        return self.flows.copy()


def flows_over_periods(stocks: Mapping[int, pd.DataFrame], *,
                       rates_total_from: str = VARIANTS[0], tol: float = 1e-10,
                       max_iter: int = 1000,
                       strict: bool = False) -> FlowsOverPeriodsResult:
    """:func:`compare_methods` for each pair of consecutive years.

    Births and deaths of the first variant are the ``natural_surplus`` and
    ``natural_deficit`` of :func:`closed_system_natural_change` (a lower bound, not vital
    statistics).

    Parameters
    ----------
    stocks : mapping of int to pandas.DataFrame
        Stock table (rows = place of birth, columns = place of residence) by year; at least
        two years, all with the same labels in the same order.
    rates_total_from : str, default ``VARIANTS[0]``
        Passed to :func:`compare_methods`.
    tol : float, default 1e-10
        Convergence tolerance of the demographic fits.
    max_iter : int, default 1000
        Largest number of iterations of each demographic fit.
    strict : bool, default False
        Raise :class:`~mixedmig.errors.ConvergenceError` if a demographic fit does not
        converge.

    Returns
    -------
    FlowsOverPeriodsResult
        ``flows`` (tidy, every period and variant) and ``diagnostics`` (one row per period and
        variant with its convergence, message and adjustment notes).

    Raises
    ------
    DataError
        Fewer than two years, or tables that do not match.

    Examples
    --------
    >>> import pandas as pd
    >>> labels = ["A", "B"]  # made-up stocks for three years
    >>> stocks = {2000: pd.DataFrame([[90, 5], [0, 100]], labels, labels),
    ...           2005: pd.DataFrame([[80, 15], [0, 100]], labels, labels),
    ...           2010: pd.DataFrame([[70, 25], [0, 100]], labels, labels)}
    >>> result = flows_over_periods(stocks)
    >>> len(result.flows), result.converged, len(result.diagnostics)
    (20, True, 10)
    """
    years = sorted(stocks)
    if len(years) < 2:
        raise DataError("flows_over_periods needs stock tables for at least two years.")
    flow_parts, diag_rows, iterations = [], [], 0
    for start, end in pairwise(years):
        change = closed_system_natural_change(stocks[start], stocks[end])
        results = compare_methods(stocks[start], stocks[end], births=change["natural_surplus"],
                                  deaths=change["natural_deficit"], rates_total_from=rates_total_from,
                                  tol=tol, max_iter=max_iter, strict=strict)
        for name, result in results.items():
            part = to_long(result.flows, drop_diagonal=True)
            part.insert(0, "method", name)
            part.insert(0, "period_end", end)
            part.insert(0, "period_start", start)
            flow_parts.append(part)
            iterations = max(iterations, int(result.iterations))
            diag_rows.append({"period_start": start, "period_end": end, "method": name,
                              "converged": bool(result.converged), "message": result.message,
                              "notes": " | ".join(result.notes)})
    flows = pd.concat(flow_parts, ignore_index=True)
    order = {name: k for k, name in enumerate(VARIANTS)}
    flows = flows.sort_values(["period_start", "method", "orig", "dest"],
                              key=lambda s: s.map(order) if s.name == "method" else s,
                              kind="stable", ignore_index=True)
    diagnostics = pd.DataFrame(diag_rows)
    failed = int((~diagnostics["converged"]).sum())
    return FlowsOverPeriodsResult(
        flows=flows, diagnostics=diagnostics, converged=failed == 0, iterations=iterations,
        message=(f"{len(years) - 1} period(s) x {len(VARIANTS)} variants estimated"
                 + (f"; {failed} did not converge (see diagnostics)" if failed else "")),
    )
