"""Absorbed fixed effects (private): demeaning, the rank of the fixed-effect design, and the
PPML backend for large problems on pyfixest's ``fepois``.

Nothing here builds fixed-effect dummies as a dense ``n x k`` array:

* :func:`_demean` residualises columns on the fixed effects by alternating projections
  (Gauss-Seidel over the fixed effects: subtract the weighted group means of one fixed effect,
  then the next, until the means subtracted in a sweep are negligible; Guimaraes & Portugal
  2010, Correia 2017), with ``numpy.bincount``, so time and memory grow as ``n``;
* :func:`_fe_rank` is the rank of ``[1, D_1, ..., D_m]`` (intercept and all dummies): ``L_1``
  for one fixed effect, ``L_1 + L_2 - C`` for two, ``C`` the number of connected components
  of the bipartite graph linking the levels that share a row (Abowd, Creecy & Kramarz 2002);
  for three or more, the rank of the ``L x L`` Gram matrix ``D'D`` (sizes ``L`` = levels,
  never ``n``);
* :func:`_fit_absorbed` fits PPML with pyfixest's ``fepois`` (fixed effects absorbed) and
  computes the covariance of the regressors with mixedmig's conventions (``k`` = rank of the
  full design) from the regressors residualised with weights ``mu`` (Frisch-Waugh-Lovell;
  see ``_covariance``).

References
----------
Abowd, J. M., Creecy, R. H. & Kramarz, F. (2002). Computing person and firm effects using
linked longitudinal employer-employee data. US Census Bureau TP-2002-06.
Guimaraes, P. & Portugal, P. (2010). A simple feasible procedure to fit models with
high-dimensional fixed effects. *Stata Journal* 10(4): 628-649.
Correia, S. (2017). Linear models with high-dimensional fixed effects: an efficient and
feasible estimator. Working paper.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..errors import InputError, ModelError

#: Largest total number of fixed-effect levels for which the rank of three or more fixed
#: effects is computed exactly (dense ``L x L`` Gram matrix, 8 L^2 bytes).
_GRAM_MAX_LEVELS = 6000


def _compact(codes_list: list[np.ndarray]) -> list[np.ndarray]:
    """Codes renumbered 0..L-1 over the levels present."""
    return [np.unique(c, return_inverse=True)[1].astype(np.int64) for c in codes_list]


def _demean(x: np.ndarray, codes_list: list[np.ndarray], weights: np.ndarray | None = None,
            tol: float = 1e-12, maxiter: int = 10_000) -> tuple[np.ndarray, bool]:
    """Columns of ``x`` residualised on the fixed effects (weighted least squares).

    ``codes_list`` holds compact codes (0..L-1) per fixed effect; ``weights`` the row
    weights (None: 1).  Returns the residuals and whether the sweeps converged (largest mean
    subtracted in a sweep below ``tol`` times the largest absolute input value)."""
    out = np.array(x, dtype=float, copy=True)
    if out.ndim == 1:
        out = out[:, None]
    if not codes_list:
        return out, True
    w = np.ones(out.shape[0]) if weights is None else np.asarray(weights, dtype=float)
    sums = [np.bincount(c, weights=w) for c in codes_list]
    scale = max(float(np.abs(out).max(initial=0.0)), 1e-300)
    n_sweeps = 1 if len(codes_list) == 1 else maxiter
    for _ in range(n_sweeps):
        largest = 0.0
        for c, s in zip(codes_list, sums):
            for j in range(out.shape[1]):
                means = np.bincount(c, weights=w * out[:, j], minlength=len(s)) / s
                largest = max(largest, float(np.abs(means).max(initial=0.0)))
                out[:, j] -= means[c]
        if largest <= tol * scale:
            return out, True
    return out, len(codes_list) == 1


def _fe_rank(codes_list: list[np.ndarray]) -> tuple[int, bool]:
    """Rank of the intercept plus all fixed-effect dummies, and whether it is exact.

    ``codes_list``: compact codes per fixed effect.  For three or more fixed effects with more
    than ``_GRAM_MAX_LEVELS`` levels in all, returns the upper bound
    ``sum(L) - (m - 1)`` (pyfixest's count) and False."""
    if not codes_list:
        return 1, True
    levels = [int(c.max()) + 1 for c in codes_list]
    if len(codes_list) == 1:
        return levels[0], True
    from scipy import sparse

    if len(codes_list) == 2:
        from scipy.sparse.csgraph import connected_components

        a, b = codes_list
        n_nodes = levels[0] + levels[1]
        graph = sparse.coo_matrix((np.ones(len(a)), (a, b + levels[0])),
                                  shape=(n_nodes, n_nodes))
        n_comp = connected_components(graph, directed=False)[0]
        return levels[0] + levels[1] - int(n_comp), True
    total = sum(levels)
    if total > _GRAM_MAX_LEVELS:
        return total - (len(levels) - 1), False
    n = len(codes_list[0])
    offsets = np.cumsum([0] + levels[:-1])
    rows = np.concatenate([np.arange(n)] * len(codes_list))
    cols = np.concatenate([c + o for c, o in zip(codes_list, offsets)])
    dummies = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, total))
    gram = (dummies.T @ dummies).toarray()
    return int(np.linalg.matrix_rank(gram, hermitian=True)), True


def _identified(x: np.ndarray, x_resid: np.ndarray, tol: float) -> np.ndarray:
    """Mask of the columns of ``x`` not in the span of the fixed effects and the columns
    before them: ``|R_jj| / ||x_j|| >= tol`` in the QR of the residualised columns."""
    keep = np.ones(x.shape[1], dtype=bool)
    norms = np.linalg.norm(x, axis=0)
    keep[norms == 0] = False
    while keep.any():
        cols = np.flatnonzero(keep)
        r = np.linalg.qr(x_resid[:, cols], mode="r")
        ratio = np.abs(np.diag(r)) / norms[cols]
        dependent = np.flatnonzero(ratio < tol)
        if len(dependent) == 0:
            break
        keep[cols[dependent[0]]] = False
    return keep


def _demean_fast(x: np.ndarray, codes_list: list[np.ndarray], weights: np.ndarray | None,
                 tol: float = 1e-12) -> tuple[np.ndarray, bool]:
    """:func:`_demean` by pyfixest's compiled alternating projections when available."""
    try:
        from pyfixest.estimation import demean
    except ImportError:  # pragma: no cover - depends on the environment
        return _demean(x, codes_list, weights, tol=tol)
    flist = np.column_stack(codes_list).astype(np.uint64)
    w = np.ones(x.shape[0]) if weights is None else np.asarray(weights, dtype=float)
    out, ok = demean(np.ascontiguousarray(x, dtype=float), flist, w, tol=tol, maxiter=100_000)
    return np.asarray(out, dtype=float), bool(ok)


def _require_pyfixest():
    try:
        import pyfixest
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise InputError(
            "backend='pyfixest' needs the pyfixest package (fixed effects absorbed, for large "
            "panels); install it with `pip install pyfixest` or `pip install mixedmig[bench]`, "
            "or use backend='statsmodels'"
        ) from exc
    return pyfixest


def _pyfixest_available() -> bool:
    from importlib.util import find_spec

    return find_spec("pyfixest") is not None


def _fit_absorbed(prep, notes: list[tuple], maxiter: int, tol: float, collinear_tol: float):
    """PPML on the active rows with the fixed effects absorbed by pyfixest's ``fepois``.

    Returns ``(params, x_resid, mu, k, converged, llf, llnull, regressor_columns)`` where
    ``params`` and the columns of ``x_resid`` (the identified regressors residualised on the
    fixed effects with weights ``mu``) follow ``regressor_columns`` (name -> column)."""
    pf = _require_pyfixest()
    from scipy.special import gammaln

    act = prep.active
    n = int(act.sum())
    if n == 0:
        raise ModelError("no observations are left after dropping rows with missing values, "
                         "zero flows (OLS) or separated observations (PPML)")
    y = prep.y[act]
    x = prep.x[act]
    # no fixed effect: the intercept is absorbed as a single group
    codes = _compact([c[act] for c in prep.fe_codes]) or [np.zeros(n, dtype=np.int64)]

    x_resid, _ = _demean_fast(x, codes, None)
    keep = _identified(x, x_resid, collinear_tol)
    for name in np.asarray(prep.regressors)[~keep]:
        notes.append((
            "identification", str(name),
            (f"regressor '{name}' is not identified (no variation, or collinear with "
             "the fixed effects and other regressors, after dropping rows); its "
             "coefficient is reported as NaN"),
        ))
    rank_fe, exact = _fe_rank(codes)
    n_fe_cols = 1 + sum(int(c.max()) + 1 - 1 for c in codes)  # intercept + dummies, first dropped
    if n_fe_cols > rank_fe:
        notes.append((
            "identification", n_fe_cols - rank_fe,
            (f"{n_fe_cols - rank_fe} fixed-effect dummy column(s) collinear with the other "
             "fixed effects were removed (expected for interacted effects such as "
             "origin-year and destination-year; otherwise a sign of disconnected "
             "groups); regressor coefficients are unaffected"),
        ))
    if not exact:
        notes.append((
            "identification", rank_fe,
            (f"the rank of the {len(codes)} fixed effects was not computed exactly (more "
             f"than {_GRAM_MAX_LEVELS} levels); k uses the upper bound sum(levels) - "
             f"(fixed effects - 1) = {rank_fe}, so the small-sample factors are slightly "
             "conservative"),
        ))
    identified = [r for r, k in zip(prep.regressors, keep) if k]
    k_full = rank_fe + len(identified)
    if n <= k_full:
        raise ModelError(
            f"only {n} observation(s) remain for {k_full} parameters (regressors, "
            "intercept and fixed-effect dummies); the model cannot be estimated"
        )
    if not identified:
        raise ModelError("no regressor is identified (each is constant or collinear with the "
                         "fixed effects); nothing to estimate")

    import pandas as pd

    names = [f"x{j}" for j in range(len(identified))]
    frame = {"y": y}
    frame.update({nm: x[:, j] for nm, j in zip(names, np.flatnonzero(keep))})
    fe_names = [f"fe{f}" for f in range(len(codes))]
    frame.update(dict(zip(fe_names, codes)))
    formula = f"y ~ {' + '.join(names)} | {' + '.join(fe_names)}"
    demeaner = getattr(pf, "MapDemeaner", None)
    fixef_tol = min(1e-6, 100 * tol)  # pyfixest's default 1e-6 at the default tol 1e-8
    settings = ({"demeaner": demeaner(fixef_tol=fixef_tol)} if demeaner is not None
                else {"fixef_tol": fixef_tol})
    try:
        with warnings.catch_warnings():
            # pyfixest's own deprecation notices (its use of pandas) say nothing about the fit
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", FutureWarning)
            fit = pf.fepois(formula, data=pd.DataFrame(frame), vcov="iid", fixef_rm="none",
                            iwls_tol=tol, iwls_maxiter=maxiter, separation_check=[],
                            collin_tol=1e-14, copy_data=False, **settings)
    except Exception as exc:  # pyfixest raises several kinds; all mean the fit failed
        raise ModelError(f"the PPML fit (pyfixest backend) failed: {exc}") from exc
    coef = fit.coef()
    if list(coef.index) != names:
        raise ModelError(f"the PPML fit (pyfixest backend) dropped regressor(s) "
                         f"{sorted(set(names) - set(coef.index))} as collinear")
    params = coef.to_numpy(dtype=float)
    mu = y - np.asarray(fit.resid(type="response"), dtype=float)
    if not np.all(np.isfinite(mu)):
        raise ModelError("the PPML fit failed: the fitted means are not finite (the IRLS "
                         "iterations diverged); check the scale of the regressors and for "
                         "separation")
    converged = bool(getattr(fit, "convergence", False))
    z_resid, ok = _demean_fast(x[:, keep], codes, mu)
    if not ok:
        notes.append(("convergence", "demeaning",
                      ("the weighted demeaning of the regressors for the standard errors did "
                       "not reach its tolerance; standard errors may be imprecise")))
    llf = float(np.sum(y * np.log(np.where(y > 0, mu, 1.0)) - mu - gammaln(y + 1)))
    ybar = float(y.mean())
    llnull = float(np.sum(y * np.log(ybar) - ybar - gammaln(y + 1)))
    columns = {name: j for j, name in enumerate(identified)}
    return params, z_resid, mu, k_full, converged, llf, llnull, columns
