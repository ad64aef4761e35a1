"""Iterative proportional fitting (IPF) of two- and three-way tables to known margins.

:func:`ipf2` fits a two-way table ``y_ij = a_i b_j m_ij`` to row and column totals, starting from
a prior (auxiliary) table ``m``; :func:`ipf2_quasi` is the quasi-independent fit with the
diagonal held at its largest feasible value (the stayer assumption); :func:`ipf3` fits a
three-way table to two-way margins.  All return an :class:`IPFResult`.

References
----------
Deming, W. E. & Stephan, F. F. (1940). On a least squares adjustment of a sampled frequency table
when the expected marginal totals are known. *Annals of Mathematical Statistics* 11(4), 427-444.
Ireland, C. T. & Kullback, S. (1968). Contingency tables with given marginals. *Biometrika*
55(1), 179-188.
Abel, G. J. (2013). Estimating global migration flow tables using place of birth data.
*Demographic Research* 28(18), 505-546.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError, InfeasibleError, InputError, SchemaError
from ..results import Result
from ._checks import (
    _as_float_array,
    _check_fit_options,
    _check_sums,
    _finite_prior,
    _gap_limit,
    _labels_of,
    _long_frame,
    _raise_if_strict,
    _rescale_factors,
    _safe_ratio,
    _scaled_error,
)

__all__ = ["IPFResult", "ipf2", "ipf2_quasi", "ipf3"]


@dataclass(frozen=True, eq=False)
class IPFResult(Result):
    """Outcome of an iterative proportional fit (:func:`ipf2`, :func:`ipf2_quasi`, :func:`ipf3`).

    Parameters
    ----------
    fitted : pandas.DataFrame
        The fitted table, labelled: two-way fits a matrix, rows = origin (index ``orig``),
        columns = destination (``dest``), indexed by the labels of the margins or prior
        (positions ``0 .. n-1`` where the inputs had none).  Three-way fits: rows a
        MultiIndex of the first two axes (``names[0]``, ``names[1]``), columns the third
        (``names[2]``), so ``fitted.loc[(k, i), j]`` is cell ``y[k, i, j]``; the numpy cube
        is ``fitted.to_numpy().reshape(K, n_rows, n_cols)``.
    max_margin_error : float
        Largest absolute difference between a fitted margin entry and its target.
    converged : bool
        Every margin entry ``f`` met ``|f - t| <= tol * max(1, |t|)`` for its target ``t``.
    iterations : int
        IPF cycles used (the largest over layers).
    message : str
        One line: converged or not, the largest margin error, infeasible patterns.
    diagnostics : pandas.DataFrame
        One row per layer (a two-way fit has one layer, 0) with columns ``layer``,
        ``iterations``, ``max_margin_error``, ``converged``, ``total_gap`` (row-margin sum
        minus column-margin sum as given; NaN when only one margin was fitted), ``rescaled``
        (``rescale=True`` was used), ``row_scale`` and ``col_scale`` (the factors applied to
        the row and column margins; 1 without rescaling).  The general three-way fit (margins
        other than ``(0, 1)`` and ``(0, 2)``) has one row, layer ``"all"``, whose
        ``total_gap`` is the largest gap between shared one-way totals and whose scale
        factors are NaN (it never rescales).

    Examples
    --------
    >>> res = ipf2([30, 70], [40, 60])  # made-up margins, prior of ones
    >>> res.converged
    True
    >>> res.fitted.round(1)
    dest     0     1
    orig            
    0     12.0  18.0
    1     28.0  42.0
    """

    fitted: pd.DataFrame
    max_margin_error: float

    def to_frame(self) -> pd.DataFrame:
        """The fitted table as a tidy long table.

        Returns
        -------
        pandas.DataFrame
            Two-way fits: columns ``orig``, ``dest``, ``flow``, one row per cell in row-major
            order, labelled when the inputs were (else integer positions).  Three-way fits:
            columns ``names[0]``, ``names[1]``, ``names[2]`` (default ``layer``, ``orig``,
            ``dest``) and ``flow``, layer-major.

        Examples
        --------
        >>> import pandas as pd
        >>> rows = pd.Series([30.0, 70.0], index=["A", "B"])  # made-up margins
        >>> cols = pd.Series([40.0, 60.0], index=["A", "B"])
        >>> ipf2(rows, cols).to_frame().round(1)
          orig dest  flow
        0    A    A  12.0
        1    A    B  18.0
        2    B    A  28.0
        3    B    B  42.0
        """
        index = self.fitted.index
        if isinstance(index, pd.MultiIndex):
            layers, rows = (np.asarray(level) for level in index.levels)
            cols = np.asarray(self.fitted.columns)
            k, n_rows, n_cols = len(layers), len(rows), len(cols)
            return pd.DataFrame({index.names[0]: np.repeat(layers, n_rows * n_cols),
                                 index.names[1]: np.tile(np.repeat(rows, n_cols), k),
                                 self.fitted.columns.name: np.tile(cols, k * n_rows),
                                 "flow": self.fitted.to_numpy(dtype=float).reshape(-1)})
        return _long_frame(self.fitted.to_numpy(dtype=float), index, self.fitted.columns)


_DIAGNOSTIC_COLUMNS = ["layer", "iterations", "max_margin_error", "converged", "total_gap",
                       "rescaled", "row_scale", "col_scale"]


def _layer_diagnostics(fit: _LayerFit, totals: dict | None = None) -> pd.DataFrame:
    n = len(fit.iterations)
    if totals is None:
        totals = _no_rescale(n, np.full(n, np.nan))
    return pd.DataFrame({"layer": np.arange(n),
                         "iterations": np.asarray(fit.iterations, dtype=int),
                         "max_margin_error": np.asarray(fit.max_error, dtype=float),
                         "converged": np.asarray(fit.converged, dtype=bool),
                         "total_gap": np.asarray(totals["total_gap"], dtype=float),
                         "rescaled": np.asarray(totals["rescaled"], dtype=bool),
                         "row_scale": np.asarray(totals["row_scale"], dtype=float),
                         "col_scale": np.asarray(totals["col_scale"], dtype=float)})


def _no_rescale(n: int, gap: np.ndarray) -> dict:
    """The per-layer record of totals (a dict of arrays; a frame only in diagnostics)."""
    return {"total_gap": np.asarray(gap, dtype=float), "rescaled": np.zeros(n, dtype=bool),
            "row_scale": np.ones(n), "col_scale": np.ones(n)}


@dataclass(frozen=True)
class _LayerFit:
    fitted: np.ndarray
    iterations: np.ndarray
    max_error: np.ndarray
    converged: np.ndarray


#: Bytes of the block of layers that :func:`_fit_layers` iterates at a time: small enough to
#: stay in the CPU cache, so each cycle reads memory once per block instead of once per pass.
_BLOCK_BYTES = 2 ** 21


def _fit_layers(prior: np.ndarray, row_t: np.ndarray | None, col_t: np.ndarray | None,
                tol: float, max_iter: int, *, inplace: bool = False) -> _LayerFit:
    """Fit y[k] ~ prior[k] to row targets row_t[k] and column targets col_t[k] for every k.

    Row and column scaling per cycle (Deming & Stephan 1940); layers that meet the tolerance
    stop iterating, so each layer has its own iteration count.  ``inplace=True`` fits in the
    caller's (owned, writable, C-contiguous) ``prior`` instead of a copy.  The layers are
    independent, so they are fitted in blocks of about ``_BLOCK_BYTES`` that stay in the CPU
    cache while they iterate (:func:`_fit_block`); every value is the same as fitting all
    layers at once.
    """
    if prior.shape[0] == 1 and row_t is not None and col_t is not None:
        return _fit_table(prior[0], row_t[0], col_t[0], tol, max_iter, inplace=inplace)
    y = prior if inplace else np.array(prior, dtype=float, order="C")
    n_layers = y.shape[0]
    iterations = np.zeros(n_layers, dtype=int)
    max_abs = np.zeros(n_layers)
    converged = np.zeros(n_layers, dtype=bool)
    step = max(1, _BLOCK_BYTES // max(1, y[0].nbytes)) if n_layers else 1
    for a in range(0, n_layers, step):
        b = min(n_layers, a + step)
        _fit_block(y[a:b], None if row_t is None else row_t[a:b],
                   None if col_t is None else col_t[a:b], tol, max_iter,
                   iterations[a:b], max_abs[a:b], converged[a:b])
    return _LayerFit(y, iterations, max_abs, converged)


def _fit_block(y, row_t, col_t, tol, max_iter, iterations, max_abs, converged) -> None:
    """Fit the layers of ``y`` in place; fill ``iterations``, ``max_abs``, ``converged``.

    Work per cycle is one row sum, one column sum and the two scalings: the row sums that
    judge convergence after a cycle are the ones the next cycle scales with, and the column
    sums are summed again only for layers whose rows already meet ``tol`` (after a column
    step the columns are met to rounding, so the column test decides only there).  Layers
    that have converged get the factor 1.0 (an exact no-op) until at most half the layers
    in the working block are live; the block is then compacted to the live layers.  Every
    value, iteration count and error equals that of the plain loop "scale rows, scale
    columns, check both margins".
    """
    n_layers = y.shape[0]

    # the block worked on, the layer of each of its rows, its targets, which rows are live
    work, ids, row_w, col_w = y, np.arange(n_layers), row_t, col_t
    live = np.ones(n_layers, dtype=bool)
    all_live = True
    rs = work.sum(axis=2) if row_t is not None else None

    def check():
        """Mark the live layers that meet tol and record their errors."""
        pos = slice(None) if all_live else np.flatnonzero(live)
        layer = ids[pos]
        ok = None
        absolute = 0.0
        if row_w is not None:
            r, t = rs[pos], row_w[pos]
            ok = _scaled_error(r, t).max(axis=1, initial=0) <= tol
            absolute = np.abs(r - t).max(axis=1, initial=0)
        if col_w is not None:
            cand = np.arange(layer.size) if ok is None else np.flatnonzero(ok)
            if ok is None:
                ok = np.ones(layer.size, dtype=bool)
            if cand.size:
                whole = cand.size == len(ids)
                rows_c = np.arange(len(ids))[pos][cand]
                c = (work if whole else work[rows_c]).sum(axis=1)
                t = col_w if whole else col_w[rows_c]
                ok[cand] = _scaled_error(c, t).max(axis=1, initial=0) <= tol
                col_abs = np.abs(c - t).max(axis=1, initial=0)
                absolute = np.broadcast_to(absolute, ok.shape).copy()
                absolute[cand] = np.maximum(absolute[cand], col_abs)
        if ok.any():
            absolute = np.broadcast_to(absolute, ok.shape)
            max_abs[layer[ok]] = absolute[ok]
            converged[layer[ok]] = True
            live[np.arange(len(ids))[pos][ok]] = False
            return False
        return all_live

    all_live = check()
    it = 0
    while it < max_iter and (all_live or live.any()):
        if not all_live and 2 * int(live.sum()) <= len(ids) and len(ids) > 1:
            if work is not y:
                y[ids[~live]] = work[~live]
            work, ids = work[live], ids[live]
            rs = None if rs is None else rs[live]
            row_w = None if row_t is None else row_t[ids]
            col_w = None if col_t is None else col_t[ids]
            live = np.ones(len(ids), dtype=bool)
            all_live = True
        if row_w is not None:
            factor = _safe_ratio(row_w, rs)
            if not all_live:
                factor[~live] = 1.0  # converged layers: an exact no-op
            work *= factor[:, :, None]
        if col_w is not None:
            factor = _safe_ratio(col_w, work.sum(axis=1))
            if not all_live:
                factor[~live] = 1.0
            work *= factor[:, None, :]
        it += 1
        iterations[ids[live]] = it
        if row_w is not None:
            rs = work.sum(axis=2)
        all_live = check()
    if live.any():  # stopped by max_iter: the largest error of both margins
        pos = np.flatnonzero(live)
        block = work if pos.size == len(ids) else work[pos]
        absolute = np.zeros(pos.size)
        if row_w is not None:
            absolute = np.abs(rs[pos] - row_w[pos]).max(axis=1, initial=0)
        if col_w is not None:
            absolute = np.maximum(absolute, np.abs(block.sum(axis=1) - col_w[pos])
                                  .max(axis=1, initial=0))
        max_abs[ids[pos]] = absolute
    if work is not y:
        y[ids] = work


#: Largest row or column factor of :func:`_fit_table` (2^100); beyond it the table loop goes on.
_DRIFT = 2.0 ** 100


def _fit_table(m: np.ndarray, row_t: np.ndarray, col_t: np.ndarray, tol: float, max_iter: int,
               *, inplace: bool = False) -> _LayerFit:
    """One table fitted to both margins by the cycles of :func:`_fit_block`, kept as factors.

    After any number of IPF cycles the table is ``y = diag(a) m diag(b)``: the row step sets
    ``a <- r / (m b)`` and the column step ``b <- c / (m' a)`` (Deming & Stephan 1940, in the
    scaling form of Sinkhorn & Knopp 1967, Pacific Journal of Mathematics 21(2), 343-348), so a
    cycle costs two matrix-vector products that only read ``m``, instead of two scalings and two
    sums that read and write the table.  The rule and the cycles are those of the table loop:
    the row sums ``a * (m b)`` that judge a cycle are the products the next row step divides
    by, the column sums ``b * (m' a)`` are formed only when the rows meet ``tol``, and a zero
    sum gives the factor 0.  The table is formed once at the end (in ``m`` when ``inplace``);
    its margins, summed from the table itself, give ``max_error`` and confirm convergence.
    Cells differ from the table loop's only by rounding (a few units in the last place: two
    products per cell here, two per cycle there).  When the margins cannot be met, the factors
    drift apart (``a`` grows as ``b`` shrinks, each cycle); past ``_DRIFT`` the table is formed
    and the table loop goes on from it, before anything under- or overflows.  Should the formed
    table miss ``tol`` although the factors met it, or a factor not be finite, the table loop
    takes over (from the formed table, resp. from ``m``), so the result never rests on the
    factors alone.
    """
    n_rows, n_cols = m.shape
    den_r = np.maximum(1.0, np.abs(row_t))
    den_c = np.maximum(1.0, np.abs(col_t))
    err_r = np.empty(n_rows)
    err_c = np.empty(n_cols)

    def met(sums, target, den, err):
        np.subtract(sums, target, out=err)
        np.abs(err, out=err)
        np.divide(err, den, out=err)
        return err.max(initial=0) <= tol

    def ratio(target, sums, out):
        """``target / sums``, 0 where a sum is 0 (:func:`_safe_ratio` without temporaries)."""
        np.divide(target, sums, out=out)
        if not sums.min(initial=1.0) > 0:
            out[sums <= 0] = 0.0
        return out

    a = np.ones(n_rows)
    b = np.ones(n_cols)
    u = m @ b  # the row sums of the table are a * u
    v = np.empty(n_cols)
    rows = np.empty(n_rows)
    ok = met(u, row_t, den_r, err_r) and met(m.sum(axis=0), col_t, den_c, err_c)
    it = 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        while not ok and it < max_iter:
            ratio(row_t, u, a)
            np.matmul(a, m, out=v)
            ratio(col_t, v, b)
            np.matmul(m, b, out=u)
            it += 1
            if a.max(initial=0.0) > _DRIFT or b.max(initial=0.0) > _DRIFT:
                break  # factors drifting apart (margins that cannot be met) or overflowing
            if met(np.multiply(a, u, out=rows), row_t, den_r, err_r):
                np.matmul(a, m, out=v)
                ok = met(np.multiply(b, v, out=v), col_t, den_c, err_c)
    writable = inplace and m.flags.c_contiguous and m.flags.writeable
    if not (np.isfinite(a).all() and np.isfinite(b).all()):  # the table loop from the start
        return _fit_classic(m if writable else np.array(m, dtype=float, order="C"),
                            row_t, col_t, tol, max_iter, 0)
    y = np.multiply(m, a[:, None], out=m if writable else None, order="C")
    y *= b
    if not ok and it < max_iter:  # left the loop on a drift: the table loop goes on from y
        return _fit_classic(y, row_t, col_t, tol, max_iter - it, it)
    rows, cols = y.sum(axis=1), y.sum(axis=0)
    converged = met(rows, row_t, den_r, err_r) and met(cols, col_t, den_c, err_c)
    if ok and not converged and it < max_iter:  # rounding of the factors: finish on the table
        return _fit_classic(y, row_t, col_t, tol, max_iter - it, it)
    max_error = max(np.abs(rows - row_t).max(initial=0), np.abs(cols - col_t).max(initial=0))
    return _LayerFit(y[None], np.array([it]), np.array([max_error]), np.array([converged]))


def _fit_classic(y: np.ndarray, row_t: np.ndarray, col_t: np.ndarray, tol: float, max_iter: int,
                 done: int) -> _LayerFit:
    """The table loop (:func:`_fit_block`) on one table ``y`` in place, after ``done`` cycles."""
    iterations, max_abs, converged = np.zeros(1, dtype=int), np.zeros(1), np.zeros(1, dtype=bool)
    _fit_block(y[None], row_t[None], col_t[None], tol, max_iter, iterations, max_abs, converged)
    return _LayerFit(y[None], iterations + done, max_abs, converged)


def _fit_table_newton(prior: np.ndarray, row_t: np.ndarray, col_t: np.ndarray, tol: float,
                      max_iter: int) -> _LayerFit:
    """Biproportional fit ``y_ij = a_i b_j m_ij`` of one table to row and column targets.

    The same fit as IPF (the unique minimum Kullback-Leibler table with the given margins;
    Ireland & Kullback 1968, Biometrika 55(1), 179-188), reached by damped Newton steps on the
    convex dual ``phi(u, v) = sum_ij m_ij exp(u_i + v_j) - sum_i r_i u_i - sum_j c_j v_j``
    (gradient = fitted margins minus targets, Hessian ``[[diag(R), Y], [Y', diag(C)]]``;
    Boyd & Vandenberghe 2004, Convex Optimization, section 9.5).  IPF converges only linearly,
    and very slowly on nearly diagonal tables such as stocks dominated by the native-born
    (thousands of cycles to a relative error of 1e-10 on real populations); Newton steps
    converge quadratically.  The step length is halved until ``phi`` falls (Armijo rule) or the
    largest scaled margin error falls; if no length does, one IPF cycle (rows, then columns) is
    made instead.  Each step or cycle is one iteration; convergence:
    ``|f - t| <= tol * max(1, |t|)`` on every margin.
    """
    y = prior.astype(float, copy=True)
    n_rows = y.shape[0]

    def errors(table):
        rows, cols = table.sum(axis=1), table.sum(axis=0)
        scaled = max(_scaled_error(rows, row_t).max(initial=0),
                     _scaled_error(cols, col_t).max(initial=0))
        absolute = max(np.abs(rows - row_t).max(initial=0), np.abs(cols - col_t).max(initial=0))
        return float(scaled), float(absolute)

    def newton_step(table, scaled):
        rows, cols = table.sum(axis=1), table.sum(axis=0)
        gradient = np.concatenate([rows - row_t, cols - col_t])
        hessian = np.block([[np.diag(rows), table], [table.T, np.diag(cols)]])
        # Symmetric diagonal scaling keeps the system well conditioned for counts ~1e9; lstsq
        # gives the minimum-norm step, free of the (u + k, v - k) direction that changes nothing.
        d = np.sqrt(np.diag(hessian))
        d[d == 0] = 1.0
        try:
            direction = np.linalg.lstsq(hessian / d[:, None] / d[None, :], -gradient / d,
                                        rcond=None)[0] / d
        except np.linalg.LinAlgError:
            return None
        slope = float(gradient @ direction)  # < 0 unless the gradient is already ~0
        alpha = 1.0
        for _ in range(40):
            du, dv = alpha * direction[:n_rows], alpha * direction[n_rows:]
            with np.errstate(over="ignore", invalid="ignore"):
                change = np.expm1(du[:, None] + dv[None, :])
                candidate = table * (1.0 + change)
                # phi(new) - phi(old), written without the large common part of phi
                decrease = float(np.sum(table * change) - row_t @ du - col_t @ dv)
            if np.isfinite(candidate).all() and np.isfinite(decrease):
                cand_scaled, cand_absolute = errors(candidate)
                if cand_scaled < scaled or (slope < 0 and decrease <= 0.25 * alpha * slope):
                    return candidate, cand_scaled, cand_absolute
            alpha *= 0.5
        return None

    scaled, absolute = errors(y)
    it = 0
    while scaled > tol and it < max_iter:
        stepped = newton_step(y, scaled)
        if stepped is not None:
            y, scaled, absolute = stepped
        else:
            y *= _safe_ratio(row_t, y.sum(axis=1))[:, None]
            y *= _safe_ratio(col_t, y.sum(axis=0))[None, :]
            scaled, absolute = errors(y)
        it += 1
    return _LayerFit(y[None], np.array([it]), np.array([absolute]), np.array([scaled <= tol]))


def _support_shortfall(prior: np.ndarray, row_t: np.ndarray, col_t: np.ndarray, tol: float):
    """Why no fit on the prior's support can converge, or None if one can.

    A non-negative table with row totals ``r``, column totals ``c`` and zeros wherever the
    prior is zero exists exactly when every set ``A`` of rows satisfies
    ``sum_{i in A} r_i <= sum_{j in N(A)} c_j``, ``N(A)`` the columns that ``A`` may use
    (Gale 1957, the supply-demand theorem); the most violated set is the source side of a
    minimum cut of the transport network ``source -> row i (capacity r_i) -> column j
    (unbounded, where m_ij > 0) -> sink (capacity c_j)``.  Returns ``("short", A, N(A),
    sum_A r, sum_{N(A)} c)`` when the shortfall exceeds what ``tol`` allows,
    ``tol * (sum_A max(1, r_i) + sum_{N(A)} max(1, c_j))``.

    When some set holds with equality, every table with these margins has zeros in cells the
    prior allows (the cells from ``A`` to columns outside ``N(A)``); IPF then approaches its
    limit only at rate ``1 / iterations`` (Bishop, Fienberg & Holland 1975, section 3.5),
    never reaching ``tol``.  Such forced zeros are the allowed cells ``(i, j)`` that lie on no
    cycle of the residual graph of a feasible flow (edges ``i -> j`` where allowed, ``j -> i``
    where the flow is positive): returns ``("forced", cells)``.  The network is built only
    when the block of positive targets has a zero prior cell (with a positive block every
    consistent pair of margins has a positive solution).
    """
    rows = np.flatnonzero(row_t > 0)
    cols = np.flatnonzero(col_t > 0)
    if rows.size == 0 or cols.size == 0:
        return None  # one margin all zero: a question of totals, checked before
    if rows.size == prior.shape[0] and cols.size == prior.shape[1]:
        if prior.min(initial=np.inf) > 0:
            return None
        block = prior > 0
    else:
        block = prior[np.ix_(rows, cols)] > 0
    if block.all():
        return None
    import networkx as nx  # only for tables whose support has holes

    G = nx.DiGraph()
    G.add_nodes_from(["source", "sink"])
    for i in rows:
        G.add_edge("source", ("row", int(i)), capacity=float(row_t[i]))
    for j in cols:
        G.add_edge(("col", int(j)), "sink", capacity=float(col_t[j]))
    allowed = [(int(rows[a]), int(cols[b])) for a, b in zip(*np.nonzero(block))]
    for i, j in allowed:
        G.add_edge(("row", i), ("col", j))  # no capacity: unbounded
    _, flow = nx.maximum_flow(G, "source", "sink")
    eps = 1e-12 * max(1.0, float(row_t.sum()))
    # residual graph: what more could flow, and where flow could be taken back
    residual = nx.DiGraph()
    residual.add_nodes_from(G.nodes)
    for u, v, data in G.edges(data=True):
        f = flow[u][v]
        if f < data.get("capacity", np.inf) - eps:
            residual.add_edge(u, v)
        if f > eps:
            residual.add_edge(v, u)
    source_side = nx.descendants(residual, "source") | {"source"}
    set_a = [int(i) for i in rows if ("row", int(i)) in source_side]
    set_n = [int(j) for j in cols if ("col", int(j)) in source_side]
    need, room = float(row_t[set_a].sum()), float(col_t[set_n].sum())
    allowance = tol * (np.maximum(1.0, row_t[set_a]).sum() + np.maximum(1.0, col_t[set_n]).sum())
    if need - room > allowance:
        return "short", set_a, set_n, need, room
    if need - room > eps:
        return None  # short by less than the tolerance allows: leave it to the fit
    inner = residual.subgraph([n for n in residual if n not in ("source", "sink")])
    component = {}
    for k, members in enumerate(nx.strongly_connected_components(inner)):
        for node in members:
            component[node] = k
    forced = [(i, j) for i, j in allowed if component[("row", i)] != component[("col", j)]]
    return ("forced", forced) if forced else None


def _check_support(prior3: np.ndarray, row3, col3, tol: float, labels=None,
                   words=("row", "column", "layer"), layer_labels=None) -> None:
    """Raise InfeasibleError for a layer whose margins no fit on the prior's support meets.

    ``words`` name the three axes of ``prior3`` (rows, columns, layers) in messages and
    ``layer_labels`` the layers (default positions); :func:`ipf3` passes its axis names when
    the layers are the slices of the axis that two general margins share.
    """
    row_w, col_w, _ = words

    def layer(k):
        return _layer(prior3, k, words[2], layer_labels)

    if row3 is None or col3 is None:
        bad_rows = [] if row3 is None else np.argwhere((prior3.sum(axis=2) == 0) & (row3 > 0))
        bad_cols = [] if col3 is None else np.argwhere((prior3.sum(axis=1) == 0) & (col3 > 0))
        for what, word, bad in (("row", row_w, bad_rows), ("column", col_w, bad_cols)):
            if len(bad):
                k, i = (int(x) for x in bad[0])
                raise InfeasibleError(
                    f"{word} {_name(labels, what, i)!r}{layer(k)} has a positive target "
                    f"but every prior cell in it is zero (prior or structural zeros), so no "
                    f"fit can reach it. Allow at least one cell in that {word} or set its "
                    f"target to 0.")
        return
    for k in range(prior3.shape[0]):
        found = _support_shortfall(prior3[k], row3[k], col3[k], tol)
        if found is None:
            continue
        if found[0] == "forced":
            cells = [(_name(labels, "row", i), _name(labels, "column", j))
                     for i, j in found[1][:8]]
            raise InfeasibleError(
                f"the margins force cells ({row_w}, {col_w}) {cells}"
                f"{' ...' if len(found[1]) > 8 else ''}{layer(k)} to be exactly zero "
                f"although the prior allows them: some {row_w}s need every unit their "
                f"{col_w}s can give. IPF approaches such a table only at a rate of "
                f"1 / iterations and would not reach tol={tol:g}. Declare those cells "
                f"structural zeros (structural_zeros=...) and fit again, or change the margins.")
        _, set_a, set_n, need, room = found
        shown_a = [_name(labels, "row", i) for i in set_a[:8]]
        shown_n = [_name(labels, "column", j) for j in set_n[:8]]
        raise InfeasibleError(
            f"no table fits these margins on the prior's pattern of zeros{layer(k)}: "
            f"{row_w}s {shown_a}{' ...' if len(set_a) > 8 else ''} need {need:.10g} in total "
            f"but may only use {col_w}s {shown_n}{' ...' if len(set_n) > 8 else ''}, whose "
            f"totals sum to {room:.10g} (short by {need - room:.6g}), so the fit could never "
            f"converge. Allow more cells (fewer prior or structural zeros) for those "
            f"{row_w}s, or change the margins.")


def _name(labels, what: str, i: int):
    """The label of row (column) ``i``, or its position when the inputs had no labels."""
    if labels is not None:
        lab = labels[0] if what == "row" else labels[1]
        if lab is not None:
            return lab[i]
    return i


def _layer(prior3: np.ndarray, k: int, word: str = "layer", layer_labels=None) -> str:
    if prior3.shape[0] <= 1 and layer_labels is None:
        return ""
    return f" ({word} {k if layer_labels is None else layer_labels[k]!r})"


def _fit_message(converged: bool, iterations: int, max_error: float, tol: float,
                 max_iter: int, extra: str = "") -> str:
    if converged:
        msg = (f"converged after {iterations} iteration(s); largest absolute margin error "
               f"{max_error:.3g} (tolerance {tol:g}, relative for targets >= 1).")
    else:
        msg = (f"did NOT converge after {iterations} iteration(s) (max_iter={max_iter}); largest "
               f"absolute margin error {max_error:.3g} exceeds tolerance {tol:g}.")
    return msg + (" " + extra if extra else "")


def _quasi_split(row_t: np.ndarray, col_t: np.ndarray, prior: np.ndarray):
    """Stayer (minimum migration) split: diagonal = min(row_i, col_i), residual margins."""
    diag = np.minimum(row_t, col_t)  # (K, n)
    n = row_t.shape[1]
    prior = np.array(prior, dtype=float, order="C")  # the one working copy (also of a view)
    idx = np.arange(n)
    prior[:, idx, idx] = 0.0
    return diag, row_t - diag, col_t - diag, prior


def ipf2(row_totals, col_totals, prior=None, *, structural_zeros=None, diagonal=None,
         tol: float = 1e-10, max_iter: int = 1000, rescale: bool = False,
         strict: bool = False) -> IPFResult:
    """Two-way iterative proportional fitting of a table to its row and column totals.

    Fits ``y_ij = a_i b_j m_ij``, the maximum-likelihood estimate of the log-linear model
    ``log y_ij = log a_i + log b_j + log m_ij`` with prior (auxiliary) table ``m``, by
    alternately scaling rows and columns (Deming & Stephan 1940).  The fit is also the table
    with the given margins closest to the prior in Kullback-Leibler divergence (Ireland &
    Kullback 1968).  Either margin may be ``None`` (one proportional scaling).

    Parameters
    ----------
    row_totals : array_like or pandas.Series or None, shape (n_rows,)
        Target row sums (rows = origin); a Series gives the row labels.
    col_totals : array_like or pandas.Series or None, shape (n_cols,)
        Target column sums (columns = destination); a Series gives the column labels.
    prior : array_like or pandas.DataFrame, shape (n_rows, n_cols), optional
        Non-negative prior (auxiliary) table ``m`` (e.g. inverse distance); default ones.  A
        DataFrame must have the margins' labels in the same order and gives the labels.
    structural_zeros : array_like of bool, shape (n_rows, n_cols), optional
        ``True`` cells are fixed at 0.
    diagonal : {None, "zero", "max"}, optional
        ``None``: diagonal cells fitted like any other; ``"zero"``: diagonal structurally zero;
        ``"max"``: quasi-independence with the diagonal fixed at its largest feasible value
        ``min(row_i, col_i)`` and the off-diagonal fitted to the remaining margins (the stayer
        or minimum-migration assumption of Abel 2013, section 2.1).  Needs a square table.
    tol : float, default 1e-10
        Convergence tolerance: every fitted margin entry ``f`` must meet
        ``|f - t| <= tol * max(1, |t|)``.
    max_iter : int, default 1000
        Largest number of IPF cycles (one cycle scales rows, then columns).
    rescale : bool, default False
        ``False``: row and column totals whose sums differ by more than the fit can absorb
        raise :class:`~mixedmig.errors.InfeasibleError`.  ``True``: both margins are first
        scaled to the mean of the two sums, ``r_i (S_r + S_c) / (2 S_r)`` and
        ``c_j (S_r + S_c) / (2 S_c)``; the factors are recorded in ``diagnostics``.
    strict : bool, default False
        Raise :class:`~mixedmig.errors.ConvergenceError` instead of returning a result with
        ``converged=False``.

    Returns
    -------
    IPFResult
        ``fitted`` (a DataFrame labelled by the margins' or prior's labels, else by
        positions), ``max_margin_error``,
        ``iterations``, ``converged``, ``message`` and ``diagnostics`` (one row, layer 0):
        ``iterations``, ``max_margin_error``, ``converged``, ``total_gap`` (``S_r - S_c`` of
        the margins as given; NaN with one margin), ``rescaled``, ``row_scale`` and
        ``col_scale`` (the factors applied; 1 without rescaling).

    Raises
    ------
    InputError
        Neither margin given, one margin without a prior, an unknown ``diagonal``, ``tol``
        not a number > 0 or ``max_iter`` not an integer >= 1; a prior whose sum overflows
        and whose entries span too many orders of magnitude to be scaled (see Notes).
    SchemaError
        A prior DataFrame whose labels are not those of the margins (the same labels in
        another order are reordered).
    DataError
        Negative or non-finite counts, or shapes that do not match.
    InfeasibleError
        Inputs no fit can meet, found before iterating: row and column sums whose gap exceeds
        ``tol / 2 * max(1, S)`` (``S`` the smaller sum; the movers' total with
        ``diagonal="max"``), naming both sums, the gap and how to rescale; margins that no
        table with the prior's zeros (and structural zeros) can meet, naming the rows and the
        only columns they may use; or margins met only by tables with zeros in cells the
        prior allows, naming those cells.
    ConvergenceError
        ``strict=True`` and the fit did not converge within ``max_iter`` cycles.

    Notes
    -----
    Each cycle sets ``y_ij <- y_ij r_i / sum_j y_ij`` and then ``y_ij <- y_ij c_j / sum_i y_ij``.
    The fit keeps every odds ratio of the prior: ``y_ij y_kl / (y_il y_kj) = m_ij m_kl /
    (m_il m_kj)``.

    A prior whose sum overflows although every entry is finite (e.g. entries of 1e308) is
    scaled by the power of two that brings its sum to at most ``2**1000``: exact in floating
    point, and the fit does not depend on the prior's scale (``a_i`` absorbs it); a prior
    whose smallest entries that scaling would turn into zero raises
    :class:`~mixedmig.errors.InputError` asking to rescale it.

    Why the up-front check uses half the tolerance: after a column step the columns are met
    exactly and row ``i`` is off by ``r_i (S_c - S_r) / S_r``, a scaled error of at most
    ``|S_r - S_c| / max(1, S_r)``.  A gap above ``tol * max(1, S)`` can therefore never
    converge; one up to ``tol / 2 * max(1, S)`` leaves half the tolerance to the fit.  The
    zero pattern is checked by Gale's (1957) supply-demand condition: every set ``A`` of rows
    needs ``sum_A r_i <= sum_{N(A)} c_j`` over the columns ``N(A)`` it may use (a maximum-flow
    computation, made only when the prior has zeros among the positive margins).  When some
    set meets it with equality, the margins force cells the prior allows to be exactly zero;
    IPF approaches such a table only at rate ``1 / iterations`` (Bishop, Fienberg & Holland
    1975, section 3.5) and is rejected too, naming the cells to declare structural zeros.

    References
    ----------
    Deming, W. E. & Stephan, F. F. (1940). *Annals of Mathematical Statistics* 11(4), 427-444.
    Ireland, C. T. & Kullback, S. (1968). *Biometrika* 55(1), 179-188.
    Abel, G. J. (2013). *Demographic Research* 28(18), 505-546.
    Gale, D. (1957). A theorem on flows in networks. *Pacific Journal of Mathematics* 7(2),
    1073-1082.
    Bishop, Y. M. M., Fienberg, S. E. & Holland, P. W. (1975). *Discrete Multivariate
    Analysis*. MIT Press.

    Examples
    --------
    With a prior of ones the fit is the independence table ``r_i c_j / T`` (made-up margins):

    >>> ipf2([30, 70], [40, 60]).fitted.to_numpy().round(6).tolist()
    [[12.0, 18.0], [28.0, 42.0]]

    The prior's odds ratio ``1 * 4 / (2 * 3) = 2/3`` is kept:

    >>> y = ipf2([10, 10], [10, 10], [[1, 2], [3, 4]]).fitted.to_numpy()
    >>> round(float(y[0, 0] * y[1, 1] / (y[0, 1] * y[1, 0])), 6)
    0.666667

    Made-up totals 100 and 102 cannot both be met; ``rescale=True`` fits both to 101:

    >>> res = ipf2([30, 70], [40, 62], rescale=True)
    >>> round(float(res.fitted.to_numpy().sum()), 6), res.diagnostics["total_gap"].tolist()
    (101.0, [-2.0])
    >>> res.diagnostics[["row_scale", "col_scale"]].round(6).values.tolist()
    [[1.01, 0.990196]]
    """
    tol, max_iter = _check_fit_options(tol, max_iter)
    row_labels = _labels_of(row_totals)
    col_labels = _labels_of(col_totals)
    if row_totals is None and col_totals is None:
        raise InputError("ipf2 needs at least one of row_totals and col_totals.")
    row = None if row_totals is None else _as_float_array(row_totals, "row_totals", 1)
    col = None if col_totals is None else _as_float_array(col_totals, "col_totals", 1)

    if isinstance(prior, pd.DataFrame):
        prior = _align_prior(prior, row_labels, col_labels)
        row_labels, col_labels = list(prior.index), list(prior.columns)
    if prior is not None:
        m = _as_float_array(prior, "prior", 2)
        n_rows, n_cols = m.shape
    else:
        n_rows = len(row) if row is not None else None
        n_cols = len(col) if col is not None else None
        if n_rows is None or n_cols is None:
            raise InputError("with only one margin, pass a prior so the other dimension is known.")
        m = np.ones((n_rows, n_cols))
    if row is not None and len(row) != n_rows:
        raise DataError(f"row_totals has {len(row)} entries but the table has {n_rows} rows.")
    if col is not None and len(col) != n_cols:
        raise DataError(f"col_totals has {len(col)} entries but the table has {n_cols} columns.")
    m = _apply_zeros(m, structural_zeros, diagonal)
    fit, extra, totals = _ipf2_core(m[None], None if row is None else row[None],
                                    None if col is None else col[None], diagonal, tol,
                                    max_iter, rescale=rescale, labels=(row_labels, col_labels),
                                    owned=True)
    fitted = pd.DataFrame(
        fit.fitted[0], copy=False,
        index=pd.Index(range(n_rows) if row_labels is None else row_labels, name="orig"),
        columns=pd.Index(range(n_cols) if col_labels is None else col_labels, name="dest"))
    its, err, conv = int(fit.iterations[0]), float(fit.max_error[0]), bool(fit.converged[0])
    message = _fit_message(conv, its, err, tol, max_iter, extra)
    _raise_if_strict(strict, conv, "ipf2", message)
    return IPFResult(fitted=fitted, max_margin_error=err, converged=conv,
                     iterations=its, message=message,
                     diagnostics=_layer_diagnostics(fit, totals))


def _align_prior(prior: pd.DataFrame, row_labels, col_labels) -> pd.DataFrame:
    """The prior in the label order of the margins (reordered when it lists the same labels
    in another order, as :func:`mixedmig.flows.check_od_matrix` does); SchemaError when the
    labels differ."""
    out = prior
    for axis, given, what in ((0, row_labels, "row"), (1, col_labels, "column")):
        have = list(out.axes[axis])
        if len(set(have)) != len(have):
            raise SchemaError(f"prior has a duplicated {what} label; each region must appear "
                              f"once on each axis.")
        if given is None or given == have:
            continue
        if len(given) != len(have) or set(given) != set(have):
            raise SchemaError(
                f"prior {what} labels differ from the labels of the {what} totals: missing "
                f"{sorted(map(str, set(given) - set(have)))[:5]}, extra "
                f"{sorted(map(str, set(have) - set(given)))[:5]}; give both the same regions.")
        out = out.loc[given] if axis == 0 else out.loc[:, given]
    return out


def ipf2_quasi(row_totals, col_totals, prior=None, *, structural_zeros=None,
               tol: float = 1e-10, max_iter: int = 1000, rescale: bool = False,
               strict: bool = False) -> IPFResult:
    """Quasi-independent two-way IPF: :func:`ipf2` with the diagonal at its maximum.

    The diagonal is fixed at ``min(row_i, col_i)`` (the largest number of stayers compatible
    with both margins) and the off-diagonal cells are fitted to the remaining margins
    ``row_i - y_ii`` and ``col_j - y_jj`` in proportion to the prior (Abel 2013, section 2.1).

    Parameters
    ----------
    row_totals : array_like or pandas.Series, shape (n,)
        Target row sums (rows = origin, e.g. start-of-period residence).
    col_totals : array_like or pandas.Series, shape (n,)
        Target column sums (columns = destination, e.g. end-of-period residence).
    prior : array_like or pandas.DataFrame, shape (n, n), optional
        Non-negative prior (auxiliary) table; default ones.  Its diagonal is not used.
    structural_zeros : array_like of bool, shape (n, n), optional
        ``True`` cells are fixed at 0.
    tol : float, default 1e-10
        Convergence tolerance, ``|f - t| <= tol * max(1, |t|)`` on every margin entry.
    max_iter : int, default 1000
        Largest number of IPF cycles.
    rescale : bool, default False
        Scale both margins to the mean of their sums first (recorded in ``diagnostics``)
        instead of rejecting sums whose gap the fit cannot absorb; as in :func:`ipf2`.
    strict : bool, default False
        Raise :class:`~mixedmig.errors.ConvergenceError` on non-convergence.

    Returns
    -------
    IPFResult
        As for :func:`ipf2`.

    Raises
    ------
    InputError, DataError, InfeasibleError, ConvergenceError
        As for :func:`ipf2`.

    Notes
    -----
    ``y_ii = min(r_i, c_i)``; for ``i != j``, ``y_ij = a_i b_j m_ij`` with
    ``sum_{j != i} y_ij = r_i - y_ii`` and ``sum_{i != j} y_ij = c_j - y_jj``.

    References
    ----------
    Abel, G. J. (2013). Estimating global migration flow tables using place of birth data.
    *Demographic Research* 28(18), 505-546.

    Examples
    --------
    Made-up margins: region 0 has 60 at the start and 50 at the end, region 1 40 and 50.  The
    stayers are ``min(60, 50) = 50`` and ``min(40, 50) = 40``; the other 10 of region 0 are
    the only movers, all to region 1.

    >>> ipf2_quasi([60, 40], [50, 50]).fitted.to_numpy().round(6).tolist()
    [[50.0, 10.0], [0.0, 40.0]]
    """
    return ipf2(row_totals, col_totals, prior, structural_zeros=structural_zeros,
                diagonal="max", tol=tol, max_iter=max_iter, rescale=rescale, strict=strict)


def _apply_zeros(m: np.ndarray, structural_zeros, diagonal) -> np.ndarray:
    if diagonal not in (None, "max", "zero"):
        raise InputError(f"diagonal must be None, 'max' or 'zero', got {diagonal!r}.")
    m = m.copy()
    if structural_zeros is not None:
        mask = np.asarray(structural_zeros, dtype=bool)
        try:
            m[np.broadcast_to(mask, m.shape)] = 0.0
        except ValueError:
            raise DataError(f"structural_zeros has shape {mask.shape}, which does not match "
                            f"the table shape {m.shape}.") from None
    if diagonal is not None:
        if m.shape[-1] != m.shape[-2]:
            raise InputError(f"diagonal={diagonal!r} needs a square table, got shape {m.shape}.")
        if diagonal == "zero":
            idx = np.arange(m.shape[-1])
            m[..., idx, idx] = 0.0
    return m


def _ipf2_core(m3, row3, col3, diagonal, tol, max_iter, *, rescale: bool = False,
               what=None, labels=None, owned: bool = False) -> tuple[_LayerFit, str, dict]:
    """Fit stacked layers, with the quasi-independent split when diagonal == 'max'.

    Before iterating, every layer's row and column totals must agree to within what the fit
    can absorb (``_gap_limit`` of the total actually fitted: the movers' total when
    diagonal == 'max'), or are rescaled to their mean when ``rescale`` is set; and the margins
    must fit the prior's pattern of zeros (``_check_support``).  ``what(k)`` names the two
    margins of layer ``k`` in messages.  Returns the fit, an extra message and the per-layer
    record of totals (``total_gap``, ``rescaled``, ``row_scale``, ``col_scale``).
    ``owned=True``: ``m3`` is the caller's private copy and may be fitted in place (the only
    n^3 array then is the fit itself; with ``diagonal == 'max'`` the movers' prior is that
    one copy and ``m3`` may be a read-only broadcast view).
    """
    if what is None:
        def what(_k):
            return "row totals", "column totals"
    scaled = _finite_prior(m3)
    owned = owned or scaled is not m3
    m3 = scaled
    n_layers = m3.shape[0]
    if row3 is None or col3 is None:
        if diagonal == "max":
            raise InputError("diagonal='max' needs both row and column totals.")
        totals = _no_rescale(n_layers, np.full(n_layers, np.nan))
    else:
        s_row, s_col = row3.sum(axis=1), col3.sum(axis=1)
        gap = s_row - s_col
        if rescale:
            f_row, f_col = _rescale_factors(s_row, s_col, *what(0))
            row3 = row3 * f_row[:, None]
            col3 = col3 * f_col[:, None]
            totals = {"total_gap": gap, "rescaled": np.ones(n_layers, dtype=bool),
                      "row_scale": f_row, "col_scale": f_col}
        else:
            if diagonal == "max":  # the fit works on the movers: totals less the stayers
                stay = np.minimum(row3, col3).sum(axis=1)
                scale = np.minimum(s_row - stay, s_col - stay)
            else:
                scale = np.minimum(s_row, s_col)
            for k in np.flatnonzero(np.abs(gap) > _gap_limit(scale, tol)):
                what_a, what_b = what(int(k))
                _check_sums(float(s_row[k]), float(s_col[k]), what_a, what_b, tol,
                            scale=float(scale[k]),
                            fitted="movers' (off-diagonal)" if diagonal == "max" else "")
            totals = _no_rescale(n_layers, gap)
    if diagonal == "max":
        diag, row_r, col_r, prior_r = _quasi_split(row3, col3, m3)
        _check_support(prior_r, row_r, col_r, tol, labels)
        fit = _fit_layers(prior_r, row_r, col_r, tol, max_iter, inplace=True)
        idx = np.arange(m3.shape[-1])
        y = fit.fitted
        y[:, idx, idx] = diag
    else:
        _check_support(m3, row3, col3, tol, labels)
        fit = _fit_layers(m3, row3, col3, tol, max_iter, inplace=owned)
    extra = ""
    if totals["rescaled"].any():
        changed = np.asarray(totals["total_gap"]) != 0
        extra = (f"Margins rescaled to their mean total (rescale=True) in {int(changed.sum())} "
                 f"of {n_layers} layer(s); factors in diagnostics.")
    return fit, extra, totals


def ipf3(prior, margins: Mapping, *, structural_zeros=None, diagonal=None,
         tol: float = 1e-10, max_iter: int = 1000, labels=None,
         names=("layer", "orig", "dest"), rescale: bool = False,
         strict: bool = False) -> IPFResult:
    """Three-way iterative proportional fitting to two-way margins.

    Fits ``y_kij`` to any of the two-way margins ``(0, 1)``, ``(0, 2)`` and ``(1, 2)``; the fit
    is the maximum-likelihood estimate of the log-linear model with the corresponding two-way
    interactions plus ``log m_kij`` (Abel 2013, section 2).  With margins ``(0, 1)`` and
    ``(0, 2)`` only, the layers ``k`` are independent two-way fits (each with its own iteration
    count), and ``diagonal="max"`` fixes each layer's diagonal at ``min(t01[k, i], t02[k, i])``
    (stayer assumption, Abel 2013 section 2.1), the fit used by :func:`flows_demographic`.

    Parameters
    ----------
    prior : array_like, shape (K, n_rows, n_cols)
        Non-negative prior (auxiliary) table ``m``, e.g. birthplace x origin x destination.
    margins : mapping
        ``{(axis, axis): target}``: the target of each pair of kept axes, e.g.
        ``{(0, 1): t01, (0, 2): t02}`` where ``t01[k, i] = sum_j y[k, i, j]``.
    structural_zeros : array_like of bool, optional
        ``True`` cells are fixed at 0 (broadcast to the table's shape).
    diagonal : {None, "zero", "max"}, optional
        As in :func:`ipf2`, applied to every layer; ``"max"`` needs exactly the margins
        ``(0, 1)`` and ``(0, 2)``.
    tol : float, default 1e-10
        Convergence tolerance, ``|f - t| <= tol * max(1, |t|)`` on every margin entry.
    max_iter : int, default 1000
        Largest number of cycles (one cycle scales to every margin in turn).
    labels : sequence of three sequences, optional
        Labels of the three axes of ``fitted``; default positions.
    names : tuple of three str, default ("layer", "orig", "dest")
        Names of the three axes in ``fitted`` and ``to_frame()``.
    rescale : bool, default False
        Only for the margins ``(0, 1)`` and ``(0, 2)``: scale each layer's two margins to the
        mean of their sums, ``t01[k] (S01_k + S02_k) / (2 S01_k)`` and likewise for ``t02[k]``,
        instead of rejecting layers whose sums the fit cannot reconcile; the factors are in
        ``diagnostics`` (``row_scale`` for ``t01``, ``col_scale`` for ``t02``).
    strict : bool, default False
        Raise :class:`~mixedmig.errors.ConvergenceError` on non-convergence.

    Returns
    -------
    IPFResult
        ``fitted``: a (K * n_rows, n_cols) DataFrame, rows a MultiIndex of axes 0 and 1
        (named ``names[0]``, ``names[1]``; ``labels`` or positions), columns axis 2;
        ``diagnostics`` one row per layer (layered fits) or one row for the whole table.

    Raises
    ------
    InputError
        Empty margins, a key that is not a pair of two different int axes among 0, 1, 2
        (e.g. ``"01"`` or ``(0, 0)``) or a pair given twice, ``diagonal="max"`` or
        ``rescale=True`` with other margins, ``tol`` not a number > 0 or ``max_iter`` not an
        integer >= 1.
    DataError
        Negative counts, margins or labels of the wrong shape.
    InfeasibleError
        Found before iterating: two margins whose shared one-way totals (e.g. ``t01.sum(1)``
        and ``t02.sum(1)``) differ by more than ``tol / 2 * max(1, S)`` at some index (``S``
        the smaller total; the movers' total with ``diagonal="max"``), naming both sums, the
        gap and how to rescale; or margins no table with the prior's zeros can meet, or meet
        only with zeros in cells the prior allows (IPF would approach them only
        sublinearly), for every margin set: one margin, a positive entry whose cells are all
        zero; two margins, Gale's condition and forced zeros on each slice of their shared
        axis (for ``(0, 1)`` and ``(0, 2)``, each layer); all three, a linear program
        (HiGHS) over the allowed cells, since pairwise consistent margins need not have a
        common table (run up to 5,000 allowed cells; beyond, the message says it was not
        checked).
    ConvergenceError
        ``strict=True`` and the fit did not converge.

    Notes
    -----
    Each cycle multiplies ``y`` by ``t / S`` for every margin in turn, where ``S`` is the
    current sum of ``y`` over the axis the margin omits.  A prior whose sum overflows (finite
    entries near 1e308) is scaled by a power of two first, which is exact and leaves the fit
    unchanged (as in :func:`ipf2`).

    References
    ----------
    Deming, W. E. & Stephan, F. F. (1940). *Annals of Mathematical Statistics* 11(4), 427-444.
    Abel, G. J. (2013). *Demographic Research* 28(18), 505-546.

    Examples
    --------
    Two made-up layers with a prior of ones: each layer is its own independence table.

    >>> import numpy as np
    >>> res = ipf3(np.ones((2, 2, 2)), {(0, 1): [[1, 3], [2, 2]], (0, 2): [[2, 2], [1, 3]]})
    >>> res.fitted.to_numpy().reshape(2, 2, 2).round(6).tolist()
    [[[0.5, 0.5], [1.5, 1.5]], [[0.5, 1.5], [0.5, 1.5]]]
    >>> res.fitted.loc[(1, 0), 1]  # y[layer 1, orig 0, dest 1]
    np.float64(1.5)
    """
    tol, max_iter = _check_fit_options(tol, max_iter)
    m = _as_float_array(prior, "prior", 3)
    if not isinstance(margins, Mapping) or not margins:
        raise InputError("margins must be a non-empty mapping {(axis, axis): target}.")
    targets = {}
    for raw_key, target in margins.items():
        key = _margin_key(raw_key)
        if key in targets:
            raise InputError(f"margin {raw_key!r} is the margin {key} given twice; give each "
                             f"pair of axes once.")
        t = _as_float_array(target, f"margin {key}", 2)
        expected = (m.shape[key[0]], m.shape[key[1]])
        if t.shape != expected:
            raise DataError(f"margin {key} has shape {t.shape}; expected {expected}.")
        targets[key] = t
    keys = list(targets)
    m = _apply_zeros(m, structural_zeros, diagonal)
    layered = set(keys) <= {(0, 1), (0, 2)}
    if diagonal == "max" and not (layered and len(keys) == 2):
        raise InputError("diagonal='max' needs exactly the margins (0, 1) and (0, 2).")
    if rescale and not (layered and len(keys) == 2):
        raise InputError("rescale=True is defined for the margins (0, 1) and (0, 2) (each "
                         "layer's two margins are scaled to their mean); for other margins make "
                         "the shared one-way totals agree before fitting.")
    if layered:
        def what(k):
            first = (f"margins (0, 1) and (0, 2) disagree on the axis 0 total at index {k}: "
                     "margin (0, 1) totals")
            return first, "margin (0, 2) totals"

        fit, extra, totals = _ipf2_core(m, targets.get((0, 1)), targets.get((0, 2)), diagonal,
                                        tol, max_iter, rescale=rescale, what=what, owned=True)
        y = fit.fitted
        its = int(fit.iterations.max(initial=0))
        err = float(fit.max_error.max(initial=0))
        conv = bool(fit.converged.all())
        diagnostics = _layer_diagnostics(fit, totals)
        if not conv:
            extra = (f"Layers not converged: {np.flatnonzero(~fit.converged)[:10].tolist()}. "
                     + extra).strip()
    else:
        largest_gap = _check_shared_totals(targets, tol)
        m = _finite_prior(m)
        shown = None
        if labels is not None and [len(lab) for lab in labels] == list(m.shape):
            shown = [list(lab) for lab in labels]
        extra = _check_general_support(m, targets, tol, shown, names)
        y, its, err, conv = _fit_general(m, targets, tol, max_iter)
        diagnostics = pd.DataFrame({"layer": ["all"], "iterations": [int(its)],
                                    "max_margin_error": [float(err)],
                                    "converged": [bool(conv)], "total_gap": [largest_gap],
                                    "rescaled": [False], "row_scale": [np.nan],
                                    "col_scale": [np.nan]})
    if labels is None:
        labels = [range(k) for k in y.shape]
    else:
        labels = [list(lab) for lab in labels]
        if [len(lab) for lab in labels] != list(y.shape):
            raise DataError(f"labels have lengths {[len(lab) for lab in labels]}; the table "
                            f"has shape {y.shape}.")
    k, n_rows, n_cols = y.shape
    fitted = pd.DataFrame(
        y.reshape(k * n_rows, n_cols), copy=False,
        index=pd.MultiIndex.from_product([labels[0], labels[1]], names=list(names[:2])),
        columns=pd.Index(labels[2], name=names[2]))
    message = _fit_message(conv, its, err, tol, max_iter, extra)
    _raise_if_strict(strict, conv, "ipf3", message)
    return IPFResult(fitted=fitted, max_margin_error=err, converged=bool(conv),
                     iterations=int(its), message=message, diagnostics=diagnostics)


def _margin_key(key) -> tuple[int, int]:
    """A margin key of :func:`ipf3` as a sorted pair of axes, or InputError."""
    valid = ((0, 1), (0, 2), (1, 2))
    if (isinstance(key, tuple) and len(key) == 2
            and all(isinstance(a, (int, np.integer)) and not isinstance(a, (bool, np.bool_))
                    for a in key)):
        pair = tuple(sorted(int(a) for a in key))
        if pair in valid:
            return pair
    raise InputError(f"margin key {key!r} is not a pair of two different axes; use one of "
                     f"{list(valid)} (tuples of ints, e.g. {{(0, 1): t01, (0, 2): t02}}).")


def _check_shared_totals(targets: dict, tol: float) -> float:
    """Reject margins whose shared one-way totals differ by more than a fit can absorb.

    Returns the largest absolute gap found (0 for a single margin).
    """
    keys = list(targets)
    largest = 0.0
    for a_idx in range(len(keys)):
        for b_idx in range(a_idx + 1, len(keys)):
            ka, kb = keys[a_idx], keys[b_idx]
            shared = (set(ka) & set(kb)).pop()
            sa = targets[ka].sum(axis=1 - ka.index(shared))
            sb = targets[kb].sum(axis=1 - kb.index(shared))
            gap = sa - sb
            largest = max(largest, float(np.abs(gap).max(initial=0)))
            for pos in np.flatnonzero(np.abs(gap) > _gap_limit(np.minimum(sa, sb), tol)):
                _check_sums(float(sa[pos]), float(sb[pos]),
                            f"margins {ka} and {kb} disagree on the axis {shared} total at "
                            f"index {pos}: margin {ka} totals", f"margin {kb} totals", tol,
                            can_rescale=False)
    return largest


#: Largest number of cells (prior > 0 and every margin entry over them > 0) for which
#: :func:`_check_three_margins` solves its linear programs up front; larger problems are left
#: to the fit (their message then says that feasibility was not checked): HiGHS takes about
#: 0.4 s at 2,000 cells but 58 s at 18,000 (the forced-zero program has 2 n + 1 variables).
_LP_MAX_CELLS = 5_000

#: Smallest relative margin error (``|f - t| / max(1, |t|)``) that the feasibility LP of
#: :func:`_check_three_margins` must prove before margins are rejected: well above the
#: solver's own feasibility tolerance (1e-7 on margins scaled to at most 1), so no margins a
#: fit can meet are ever rejected; margins infeasible by less are left to the fit.
_LP_REJECT = 1e-6


def _check_general_support(m: np.ndarray, targets: dict, tol: float, labels, names) -> str:
    """Reject general :func:`ipf3` margins that no table on the prior's support can meet.

    Rules, cheapest first (every one only rejects):

    1. Each margin alone: a positive target entry whose cells (the line over the axis the
       margin omits) are all zero in the prior can never be reached.
    2. Two margins always share one axis ``s``; for each index of ``s`` they are the row and
       column totals of the two-way slice across the other two axes, and the slices do not
       interact, so :func:`_check_support` (Gale's condition and forced zeros, exact) runs on
       every slice.
    3. All three margins: consistent pairs are not enough (see :func:`_check_three_margins`).

    Returns an extra note for the result's message ("" when everything was checked).
    """
    axes = ("axis 0", "axis 1", "axis 2") if names is None else tuple(names)
    lab = [None, None, None] if labels is None else list(labels)
    for key, t in targets.items():
        other = ({0, 1, 2} - set(key)).pop()
        bad = np.argwhere((t > 0) & (m.sum(axis=other) == 0))
        if len(bad):
            a, b = (int(x) for x in bad[0])
            at = [lab[key[0]][a] if lab[key[0]] is not None else a,
                  lab[key[1]][b] if lab[key[1]] is not None else b]
            raise InfeasibleError(
                f"margin {key} needs {t[a, b]:.10g} at ({axes[key[0]]} {at[0]!r}, "
                f"{axes[key[1]]} {at[1]!r}) but every prior cell there (over {axes[other]}) "
                f"is zero (prior or structural zeros), so no fit can reach it"
                f"{f' ({len(bad)} such entries)' if len(bad) > 1 else ''}. Allow at least "
                f"one of those cells or set that target to 0.")
    keys = sorted(targets)
    if len(keys) == 2:
        ka, kb = keys
        s = (set(ka) & set(kb)).pop()
        p, q = (set(ka) - {s}).pop(), (set(kb) - {s}).pop()
        prior3 = np.moveaxis(m, (s, p, q), (0, 1, 2))
        row3 = targets[ka] if ka[0] == s else targets[ka].T
        col3 = targets[kb] if kb[0] == s else targets[kb].T
        _check_support(prior3, row3, col3, tol, (lab[p], lab[q]),
                       words=(axes[p], axes[q], axes[s]),
                       layer_labels=lab[s] if lab[s] is not None else range(m.shape[s]))
        return ""
    if len(keys) == 3:
        return _check_three_margins(m, targets, tol, lab, axes)
    return ""


def _check_three_margins(m: np.ndarray, targets: dict, tol: float, lab, axes) -> str:
    """Reject three two-way margins that no table on the prior's support meets (or only one
    with zeros in cells the prior allows).

    Pairs of margins that agree on their shared one-way totals do not make the three
    consistent: ``t01 = t02 = [[45, 5], [5, 45]]`` and ``t12 = [[5, 45], [45, 5]]`` agree
    pairwise, yet ``y001 >= 45 - y000 >= 40`` and ``y101 >= 45 - y111 >= 40`` exceed
    ``t12[0, 1] = 45``.  Three-way feasibility is a linear program (no closed form like
    Gale's): with ``A`` the map from the allowed cells (prior > 0, every margin entry over
    them > 0; all others must be 0) to the three margins and ``w = max(1, |t|)``,

    * feasibility: ``z* = min z`` subject to ``|A y - t| <= z w``, ``y >= 0``; margins are
      rejected when ``z* > max(tol, _LP_REJECT)`` (every table misses some entry by more
      than the fit's tolerance, and by more than the solver's own tolerance);
    * forced zeros: ``max sum_c u_c`` subject to ``A y = s A y*`` (the margins of the
      feasible table ``y*`` just found), ``y_c >= u_c``, ``0 <= u_c <= 1``, ``s >= 0``.  The
      solutions ``(y, s)`` form a cone, closed under addition, so any allowed cell that some
      table makes positive reaches ``u_c = 1`` and cells with ``u_c = 0`` are zero in every
      table with these margins; IPF approaches such a table only sublinearly (Bishop,
      Fienberg & Holland 1975, section 3.5) and would not reach ``tol``.

    The programs are skipped when a cheaper sufficient condition shows a strictly positive
    solution: every cell allowed and the conditional-independence table
    ``t_ab[., .] t_ac[., .] / t_a`` for some axis ``a`` meets the third margin within
    ``tol / 2`` (it is then such a table itself); and when there are more than
    ``_LP_MAX_CELLS`` allowed cells (returns a note for the message).  Solved by HiGHS
    through :func:`scipy.optimize.linprog`.
    """
    t01, t02, t12 = targets[(0, 1)], targets[(0, 2)], targets[(1, 2)]
    live = ((m > 0) & (t01[:, :, None] > 0) & (t02[:, None, :] > 0) & (t12[None, :, :] > 0))
    n_live = int(live.sum())
    if n_live == 0:
        return ""  # no positive target at all (the line check above found any other)
    if live.all():
        t0, t1, t2 = t01.sum(axis=1), t01.sum(axis=0), t02.sum(axis=0)
        for implied, third in (((t01 / t0[:, None]).T @ t02, t12),   # given axis 0
                               ((t01 / t1[None, :]) @ t12, t02),     # given axis 1
                               ((t02 / t2[None, :]) @ t12.T, t01)):  # given axis 2
            if _scaled_error(implied, third).max(initial=0) <= tol / 2:
                return ""
    if n_live > _LP_MAX_CELLS:
        return (f"Feasibility of the three margins not checked up front ({n_live} cells "
                f"exceed {_LP_MAX_CELLS}).")
    from scipy import sparse
    from scipy.optimize import linprog

    k_idx, i_idx, j_idx = np.nonzero(live)
    rows, rhs, weights = [], [], []
    offset = 0
    for key, t, (ax_a, ax_b) in (((0, 1), t01, (k_idx, i_idx)), ((0, 2), t02, (k_idx, j_idx)),
                                 ((1, 2), t12, (i_idx, j_idx))):
        pos = np.flatnonzero(t.reshape(-1) > 0)
        lookup = np.full(t.size, -1)
        lookup[pos] = np.arange(pos.size)
        rows.append(offset + lookup[np.ravel_multi_index((ax_a, ax_b), t.shape)])
        rhs.append(t.reshape(-1)[pos])
        weights.append(np.maximum(1.0, t.reshape(-1)[pos]))
        offset += pos.size
    n_rows = offset
    scale = max(float(np.max(np.concatenate(rhs))), 1e-300)
    rhs = np.concatenate(rhs) / scale
    weights = np.concatenate(weights) / scale
    cells = np.tile(np.arange(n_live), 3)
    a_mat = sparse.csr_matrix((np.ones(3 * n_live), (np.concatenate(rows), cells)),
                              shape=(n_rows, n_live))
    # feasibility: min z, -z w <= A y - t <= z w
    w_col = sparse.csr_matrix(weights[:, None])
    a_ub = sparse.vstack([sparse.hstack([a_mat, -w_col]), sparse.hstack([-a_mat, -w_col])])
    cost = np.zeros(n_live + 1)
    cost[-1] = 1.0
    feas = linprog(cost, A_ub=a_ub.tocsc(), b_ub=np.concatenate([rhs, -rhs]),
                   bounds=(0, None), method="highs")
    if feas.status != 0:
        return ""  # the solver could not decide: leave it to the fit
    z_star = float(feas.x[-1])
    if z_star > max(tol, _LP_REJECT):
        raise InfeasibleError(
            f"no table with the prior's pattern of zeros meets the three margins (0, 1), "
            f"(0, 2) and (1, 2) at once, although each pair agrees on its shared totals: "
            f"every such table misses some margin entry by a relative error "
            f"|fitted - target| / max(1, target) of at least {z_star:.3g} (a linear program over the {n_live} allowed cells), so no "
            f"number of iterations can converge. Check that the three margins come from the "
            f"same population and period, or fit only two of them.")
    # forced zeros: max sum u, A y = s A y*, u <= y, 0 <= u <= 1, s >= 0
    target = a_mat @ feas.x[:n_live]
    eye = sparse.identity(n_live, format="csr")
    a_eq = sparse.hstack([a_mat, sparse.csr_matrix((n_rows, n_live)),
                          sparse.csr_matrix(-target[:, None])])
    a_ub = sparse.hstack([-eye, eye, sparse.csr_matrix((n_live, 1))])
    cost = np.concatenate([np.zeros(n_live), -np.ones(n_live), [0.0]])
    bounds = [(0, None)] * n_live + [(0, 1)] * n_live + [(0, None)]
    cone = linprog(cost, A_ub=a_ub.tocsc(), b_ub=np.zeros(n_live), A_eq=a_eq.tocsc(),
                   b_eq=np.zeros(n_rows), bounds=bounds, method="highs")
    if cone.status != 0:
        return ""
    forced = np.flatnonzero(cone.x[n_live:2 * n_live] < 0.5)
    if forced.size == 0 or forced.size == n_live:
        return ""  # no forced zero, or an answer the solver cannot support: leave it to the fit

    def label(axis, i):
        return lab[axis][i] if lab[axis] is not None else int(i)

    shown = [(label(0, k_idx[c]), label(1, i_idx[c]), label(2, j_idx[c])) for c in forced[:8]]
    raise InfeasibleError(
        f"the three margins force cells ({axes[0]}, {axes[1]}, {axes[2]}) {shown}"
        f"{' ...' if forced.size > 8 else ''} to be exactly zero although the prior allows "
        f"them (a linear program over the {n_live} allowed cells). IPF approaches such a "
        f"table only sublinearly and would not reach tol={tol:g}. Declare those cells "
        f"structural zeros (structural_zeros=...) and fit again, or change the margins.")


def _fit_general(m, targets, tol, max_iter):
    y = m.copy()

    def margin_errors():
        scaled, absolute = 0.0, 0.0
        for key, t in targets.items():
            other = ({0, 1, 2} - set(key)).pop()
            s = y.sum(axis=other)
            scaled = max(scaled, float(_scaled_error(s, t).max(initial=0)))
            absolute = max(absolute, float(np.abs(s - t).max(initial=0)))
        return scaled, absolute

    scaled, absolute = margin_errors()
    it = 0
    while scaled > tol and it < max_iter:
        for key, t in targets.items():
            other = ({0, 1, 2} - set(key)).pop()
            y *= np.expand_dims(_safe_ratio(t, y.sum(axis=other)), other)
        it += 1
        scaled, absolute = margin_errors()
    return y, it, absolute, scaled <= tol
