"""A full non-negative origin-destination matrix that reproduces net migration totals.

:func:`net_matrix` estimates the flows ``y_ij`` whose in-minus-out totals equal given net
migration totals, by minimum discrimination information (Kullback-Leibler) with respect to a
prior table; it returns a :class:`NetMatrixResult`.

References
----------
Kullback, S. (1959). *Information Theory and Statistics*. Wiley.
Abel, G. J. migest: methods for the indirect estimation of bilateral migration (R package),
``net_matrix_ipf`` and ``net_matrix_entropy``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError, InfeasibleError, InputError
from ..results import Result
from ._checks import (
    _as_float_array,
    _check_fit_options,
    _gap_limit,
    _labels_of,
    _long_frame,
    _raise_if_strict,
    _rescale_factors,
    _scaled_error,
)
from .tables import check_od_matrix

__all__ = ["NetMatrixResult", "net_matrix"]


@dataclass(frozen=True, eq=False)
class NetMatrixResult(Result):
    """Outcome of :func:`net_matrix`.

    Parameters
    ----------
    flows : pandas.DataFrame, shape (n, n)
        Estimated flows, rows = origin (index ``orig``), columns = destination (``dest``),
        labelled by region when the net totals (Series) or the prior (DataFrame) carried
        labels, else by positions ``0 .. n-1``.
    max_net_error : float
        Largest absolute difference between the achieved ``in - out`` and the net target.
    converged : bool
        Every region met ``|achieved - net| <= tol * max(1, |net|)``.
    iterations : int
        Sweeps used (one sweep updates every region once).
    message : str
        One line: converged or not, the largest error, regions whose flows were set to zero.
    diagnostics : pandas.DataFrame
        One row per region: ``region``, ``net_given`` (the input), ``scale`` (the factor
        ``rescale=True`` applied to it; 1 otherwise), ``net_target`` (``net_given * scale``),
        ``net_fitted``, ``abs_error`` (against ``net_target``) and ``isolated`` (True for a
        region with zero net that could only send or only receive, whose flows were all set
        to zero).

    Examples
    --------
    >>> res = net_matrix([-1.5, 1.5])  # made-up net totals of two regions, prior of ones
    >>> res.converged
    True
    >>> res.flows.round(4)
    dest    0    1
    orig          
    0     0.0  2.0
    1     0.5  0.0
    """

    flows: pd.DataFrame
    max_net_error: float

    def to_frame(self) -> pd.DataFrame:
        """The estimated flows as a tidy long table.

        Returns
        -------
        pandas.DataFrame
            Columns ``orig``, ``dest``, ``flow``: one row per cell (diagonal included) in
            row-major order, labelled when labels were given (else integer positions).

        Examples
        --------
        >>> net_matrix([-1.5, 1.5]).to_frame().round(4)
           orig  dest  flow
        0     0     0   0.0
        1     0     1   2.0
        2     1     0   0.5
        3     1     1   0.0
        """
        return _long_frame(self.flows.to_numpy(dtype=float), self.flows.index,
                           self.flows.columns)


def net_matrix(net_totals, prior=None, *, structural_zeros=None, tol: float = 1e-10,
               max_iter: int = 10000, rescale: bool = False,
               strict: bool = False) -> NetMatrixResult:
    """A non-negative OD matrix whose ``in - out`` reproduces the net migration totals.

    The estimate minimises the Kullback-Leibler divergence
    ``sum_ij y_ij log(y_ij / m_ij) - y_ij + m_ij`` from the prior ``m`` subject to the net
    constraints (minimum discrimination information, Kullback 1959).  Its Lagrangian gives the
    multiplicative form ``y_ij = m_ij alpha_j / alpha_i``, the log-linear model of Abel's
    net-migration flow matrices (migest ``net_matrix_ipf`` / ``net_matrix_entropy``).

    Parameters
    ----------
    net_totals : array_like or pandas.Series, shape (n,)
        Net migration of each region, in minus out (``net_i = sum_j y_ji - sum_j y_ij``);
        must sum to zero.  A Series gives the labels.
    prior : array_like or pandas.DataFrame, shape (n, n), optional
        Non-negative prior (auxiliary) table, rows = origin, columns = destination; default
        ones.  A DataFrame must have the labels of ``net_totals`` in the same order.
    structural_zeros : array_like of bool, shape (n, n), optional
        ``True`` cells are fixed at 0; default the diagonal (no flow from a region to itself).
    tol : float, default 1e-10
        Convergence tolerance, ``|achieved - net| <= tol * max(1, |net|)`` for every region.
    max_iter : int, default 10000
        Largest number of sweeps.
    rescale : bool, default False
        ``False``: net totals whose sum is further from zero than the fit can absorb raise
        :class:`~mixedmig.errors.InfeasibleError`.  ``True``: the net gains are scaled by
        ``T / G`` and the net losses by ``T / L`` first (``G`` the sum of the gains, ``L`` of
        the losses, ``T = (G + L) / 2``); the factors are in ``diagnostics`` (``scale``).
    strict : bool, default False
        Raise :class:`~mixedmig.errors.ConvergenceError` instead of returning a result with
        ``converged=False``.

    Returns
    -------
    NetMatrixResult
        ``flows`` (labelled DataFrame), ``max_net_error``, ``iterations``, ``converged``,
        ``message`` and per-region ``diagnostics``.

    Raises
    ------
    InputError
        ``tol`` not a number > 0 or ``max_iter`` not an integer >= 1, or a prior whose sum
        overflows (the fit scales with the prior, so it is refused rather than rescaled).
    SchemaError
        A prior DataFrame that is not square or holds other regions than ``net_totals``
        (the same regions in another order are reordered; see
        :func:`mixedmig.flows.check_od_matrix`).
    DataError
        ``net_totals`` not a finite vector, or a prior or mask of the wrong shape.
    InfeasibleError
        Found before iterating: net totals whose sum ``g`` is further from zero than
        ``tol / 2 * max(1, sum |net|)`` (the gains and the losses are named, with the gap
        and how to rescale); a region whose net total needs a flow that the prior forbids;
        or a group of regions that no allowed flow leaves whose net losses exceed their net
        gains.  Totals that are all gains (or all losses) are named as such.
    ConvergenceError
        ``strict=True`` and the fit did not converge within ``max_iter`` sweeps.

    Notes
    -----
    Each sweep updates one ``alpha_k`` at a time by the positive root of
    ``A alpha^2 - net_k alpha - B = 0`` with ``A = sum_i m_ik / alpha_i`` (inflow per unit
    ``alpha_k``) and ``B = sum_j m_kj alpha_j`` (outflow times ``alpha_k``).

    The achieved net totals always sum to zero, so their errors sum to ``-g``; a gap with
    ``|g| > tol * max(1, sum |net|)`` could never meet the convergence rule, and the check
    rejects any gap above half of that.  A gap within it (rounding) is spread over the
    regions in proportion to ``|net_k|`` before fitting, a scaled error of at most
    ``|g| / max(1, sum |net|) <= tol / 2``, and convergence is judged against the net totals
    as given.  The pattern of allowed flows is checked as a transshipment problem (Gale
    1957): every group of regions that no allowed flow leaves must have net gains at least
    its net losses.

    References
    ----------
    Kullback, S. (1959). *Information Theory and Statistics*. Wiley.
    Gale, D. (1957). A theorem on flows in networks. *Pacific Journal of Mathematics* 7(2),
    1073-1082.

    Examples
    --------
    Two made-up regions with a prior of ones: ``y_12 = r``, ``y_21 = 1/r`` and
    ``1/r - r = -1.5`` give ``r = 2``.

    >>> net_matrix([-1.5, 1.5]).flows.to_numpy().round(6).tolist()
    [[0.0, 2.0], [0.5, 0.0]]

    Made-up totals that sum to -1: gains 1 and losses 2 are both scaled to 1.5.

    >>> res = net_matrix([-2.0, 1.0], rescale=True)
    >>> res.diagnostics[["net_given", "scale", "net_target"]].values.tolist()
    [[-2.0, 0.75, -1.5], [1.0, 1.5, 1.5]]
    """
    tol, max_iter = _check_fit_options(tol, max_iter)
    labels = _labels_of(net_totals)
    try:
        net = np.asarray(net_totals, dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataError(f"net_totals must be numeric: {exc}") from None
    if net.ndim != 1 or not np.isfinite(net).all():
        raise DataError("net_totals must be a one-dimensional vector of finite numbers.")
    n = len(net)
    given = net.copy()
    # + 0.0 turns the -0.0 of an empty sum of losses into 0.0 ("-0" in messages)
    gains, losses = float(net[net > 0].sum()) + 0.0, float(-net[net < 0].sum()) + 0.0
    factor = np.ones(n)
    if (gains == 0) != (losses == 0) and (abs(gains - losses)
                                          > _gap_limit(max(1.0, gains + losses), tol)):
        side, other = ("gains", "losses") if losses == 0 else ("losses", "gains")
        raise InfeasibleError(
            f"net migration totals are all net {side} (sum {net.sum():.10g}) and no region "
            f"has net {other}; every move out of one region is a move into another, so net "
            f"totals must sum to zero and no flows can produce these (rescaling cannot "
            f"help). Check the signs: net = in - out, negative for regions that lose "
            f"migrants.")
    if rescale:
        f_gain, f_loss = _rescale_factors(np.array([gains]), np.array([losses]),
                                          "net gains", "net losses")
        factor[net > 0], factor[net < 0] = f_gain[0], f_loss[0]
        net = net * factor
    scale = max(1.0, float(np.abs(net).sum()))
    gap = float(net.sum())
    if abs(gap) > _gap_limit(scale, tol):
        raise InfeasibleError(
            f"net migration totals sum to {gap:.10g}, not zero (net gains {gains:.10g} vs "
            f"net losses {losses:.10g}, gap {gap:.6g}); the achieved totals always sum to "
            f"zero, and a fit to tol={tol:g} can absorb a gap of at most "
            f"{float(_gap_limit(scale, tol)):.3g} (half the tolerance times sum |net| = "
            f"{scale:.6g}), so it could never converge. Every move is an inflow somewhere: "
            f"rescale them to sum to zero first, e.g. multiply the gains by {losses:.10g} / "
            f"{gains:.10g}, or pass rescale=True to scale gains and losses to their mean "
            f"{(gains + losses) / 2:.10g} (recorded in the result's diagnostics).")
    # A gap within the limit (rounding) is spread in proportion to |net| so that the fitted
    # targets sum to zero; convergence is still judged against ``net`` itself.
    fit_net = net - gap * np.abs(net) / np.abs(net).sum() if gap else net
    if isinstance(prior, pd.DataFrame):
        prior = check_od_matrix(prior, "prior", labels=labels)
        labels = list(prior.index)
    m = np.ones((n, n)) if prior is None else _as_float_array(prior, "prior", 2)
    if m.shape != (n, n):
        raise DataError(f"prior has shape {m.shape}; expected ({n}, {n}).")
    with np.errstate(over="ignore"):
        prior_total = m.sum()
    if not np.isfinite(prior_total):
        raise InputError(
            "the prior's entries are finite but their sum overflows; unlike IPF, the net-matrix "
            "fit is not invariant to the prior's scale (the gross flows scale with it), so "
            "rescale the prior to the unit you intend (e.g. persons or thousands) and call again.")
    m = m.copy()
    if structural_zeros is None:
        m[np.arange(n), np.arange(n)] = 0.0
    else:
        mask = np.asarray(structural_zeros, dtype=bool)
        if mask.shape != (n, n):
            raise DataError(f"structural_zeros has shape {mask.shape}; expected ({n}, {n}).")
        m[mask] = 0.0
    # A region with zero net migration that can only send (or only receive) must have no
    # flows at all; remove its cells so that the multiplicative updates stay finite.
    isolated = []
    changed = True
    while changed:
        changed = False
        in_possible = m.sum(axis=0) > 0
        out_possible = m.sum(axis=1) > 0
        for k in np.flatnonzero((np.abs(net) <= 1e-12 * scale) & (in_possible != out_possible)):
            m[k, :] = 0.0
            m[:, k] = 0.0
            isolated.append(labels[k] if labels else int(k))
            changed = True
    for k in range(n):
        if net[k] > 0 and not in_possible[k]:
            raise InfeasibleError(f"region {labels[k] if labels else k!r} needs a net inflow of "
                                   f"{net[k]:.6g} but the prior allows no flow into it.")
        if net[k] < 0 and not out_possible[k]:
            raise InfeasibleError(f"region {labels[k] if labels else k!r} needs a net outflow of "
                                   f"{-net[k]:.6g} but the prior allows no flow out of it.")
    _check_transshipment(m, fit_net, labels, tol)

    alpha = np.ones(n)

    def net_error():
        y = m * (alpha[None, :] / alpha[:, None])
        achieved = y.sum(axis=0) - y.sum(axis=1)
        return y, float(_scaled_error(achieved, net).max(initial=0)), \
            float(np.abs(achieved - net).max(initial=0))

    y, scaled, absolute = net_error()
    it = 0
    while scaled > tol and it < max_iter:
        for k in range(n):
            a = float(np.dot(m[:, k], 1.0 / alpha))  # m_kk is 0 unless the user allowed it
            b = float(np.dot(m[k, :], alpha))
            if m[k, k] > 0:  # a self-flow enters both in and out and cancels in the net
                a -= m[k, k] / alpha[k]
                b -= m[k, k] * alpha[k]
            t = fit_net[k]
            if a <= 0 and b <= 0:
                continue
            if a <= 0:
                alpha[k] = -b / t
            elif b <= 0:
                alpha[k] = t / a
            elif t >= 0:
                alpha[k] = (t + np.sqrt(t * t + 4 * a * b)) / (2 * a)
            else:  # algebraically equal root, written without cancellation for t < 0
                alpha[k] = 2 * b / (-t + np.sqrt(t * t + 4 * a * b))
        alpha /= np.exp(np.mean(np.log(alpha)))  # the fit is invariant to a common factor
        it += 1
        y, scaled, absolute = net_error()
    converged = scaled <= tol
    if converged:
        message = (f"converged after {it} sweep(s); largest absolute net error {absolute:.3g} "
                   f"(tolerance {tol:g}, relative for |net| >= 1).")
    else:
        message = (f"did NOT converge after {it} sweep(s) (max_iter={max_iter}); largest "
                   f"absolute net error {absolute:.3g}.")
    if rescale and (factor != 1).any():
        message += (f" Net totals rescaled (rescale=True): gains x {factor[given > 0][0]:.10g}, "
                    f"losses x {factor[given < 0][0]:.10g}.")
    if isolated:
        message += (f" Regions {isolated[:10]} have zero net migration and could only send or "
                    f"only receive, so all their flows were set to zero.")
    _raise_if_strict(strict, bool(converged), "net_matrix", message)
    index = pd.Index(range(n) if labels is None else labels)
    flows = pd.DataFrame(y, index=index.rename("orig"), columns=index.rename("dest"))
    achieved = y.sum(axis=0) - y.sum(axis=1)
    isolated_set = set(isolated)
    region = list(labels) if labels is not None else list(range(n))
    diagnostics = pd.DataFrame({
        "region": pd.Series(region, dtype=object),
        "net_given": given,
        "scale": factor,
        "net_target": net,
        "net_fitted": achieved,
        "abs_error": np.abs(achieved - net),
        "isolated": [r in isolated_set for r in region],
    })
    return NetMatrixResult(flows=flows, max_net_error=absolute,
                           converged=bool(converged), iterations=it, message=message,
                           diagnostics=diagnostics)


def _check_transshipment(m: np.ndarray, net: np.ndarray, labels, tol: float) -> None:
    """Raise InfeasibleError when no flows on the prior's support give these net totals.

    Flows ``y >= 0`` on the cells with ``m_ij > 0`` and ``in - out = net`` exist exactly when
    the transport network ``source -> i (capacity -net_i, losing regions) -> j (unbounded,
    where m_ij > 0) -> sink (capacity net_j, gaining regions)`` carries every net gain
    (Gale 1957).  Built only when some off-diagonal cell between regions with migration is
    forbidden.
    """
    active = np.flatnonzero((m.sum(axis=0) + m.sum(axis=1)) > 0)
    off = m[np.ix_(active, active)] > 0
    np.fill_diagonal(off, True)
    gains = float(net[net > 0].sum())
    if off.all() or gains == 0:
        return
    import networkx as nx  # only for priors with forbidden corridors

    G = nx.DiGraph()
    G.add_nodes_from(["source", "sink", *range(len(net))])
    for k in range(len(net)):
        if net[k] < 0:
            G.add_edge("source", k, capacity=float(-net[k]))
        elif net[k] > 0:
            G.add_edge(k, "sink", capacity=float(net[k]))
    for i, j in zip(*np.nonzero(m > 0)):
        if i != j:
            G.add_edge(int(i), int(j))  # no capacity: unbounded
    carried, (source_side, _) = nx.minimum_cut(G, "source", "sink")
    if gains - carried <= _gap_limit(gains, tol):
        return
    group = sorted(k for k in source_side if k not in ("source", "sink"))
    need = float(-net[group][net[group] < 0].sum())
    room = float(net[group][net[group] > 0].sum())
    shown = [labels[k] if labels else k for k in group[:10]]
    raise InfeasibleError(
        f"no flows allowed by the prior give these net totals: regions {shown}"
        f"{' ...' if len(group) > 10 else ''} have net losses of {need:.10g} but no allowed "
        f"flow leaves the group, and their net gains total only {room:.10g} "
        f"(short by {need - room:.6g}), so the fit could never converge. Allow flows out of "
        f"that group (fewer prior or structural zeros) or change the net totals.")
