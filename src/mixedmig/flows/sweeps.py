"""Sensitivity and bootstrap sweeps of flows from stocks over priors and editions.

:func:`flows_sweep` runs one flows-from-stocks estimator (:func:`mixedmig.flows.flows_from_stocks`)
for every combination of stock edition (e.g. the 2017, 2019 and 2024 editions of UN DESA's
*International Migrant Stock*, which re-estimate the whole history), prior (uniform,
inverse distance with several exponents, ...; each one an assumption with a label) and period,
optionally repeated over perturbed copies of the stock tables, and returns a
:class:`FlowsSweepResult`: the flows of every combination, their bootstrap intervals and, per
corridor, how far the estimates spread over all choices.  The runs go through the generic
engine of :mod:`mixedmig.sweeps` (serially, on a local Dask cluster or on any Dask scheduler),
with per-chunk random streams so the numbers never depend on the number of workers.

References
----------
Abel, G. J. (2013). Estimating global migration flow tables using place of birth data.
*Demographic Research* 28(18), 505-546 (priors such as inverse distance, section 2.1).
Abel, G. J. & Cohen, J. E. (2019). Bilateral international migration flow estimates for 200
countries. *Scientific Data* 6, 82 (sensitivity of the estimates to the stock editions).
Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall,
ch. 6 (parametric bootstrap) and ch. 13 (percentile intervals).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError, InputError, ModelError
from ..results import Result, diagnostics_frame
from ..sweeps import map_tasks, seeded_chunks
from .stocks import _METHODS, closed_system_natural_change, flows_from_stocks
from .tables import check_od_matrix

__all__ = ["FlowsSweepResult", "flows_sweep"]

PERTURBATION = (
    "ASSUMPTION (perturbation model): in each bootstrap draw every foreign-born stock S_ij "
    "(i != j) of every year is multiplied by exp(sd * z - sd^2 / 2), z ~ N(0, 1) independent "
    "across cells, years and draws (a mean-preserving lognormal relative error of about sd); "
    "the native-born diagonal absorbs the change so that every column total (the population) "
    "is kept. Errors independent across years are the pessimistic reading: errors shared by "
    "consecutive estimates of one corridor (same census) would cancel in the flows."
)

_KEYS = ["edition", "prior", "period_start", "period_end"]


@dataclass(frozen=True, eq=False)
class FlowsSweepResult(Result):
    """Flows from stocks for every edition x prior x period, with bootstrap intervals.

    Attributes
    ----------
    flows : pandas.DataFrame
        Columns ``edition``, ``prior``, ``period_start``, ``period_end``, ``orig``, ``dest``,
        ``flow``: the estimates from the stocks as given (off-diagonal cells only).
    draws : pandas.DataFrame
        The same columns plus ``draw`` (1 .. ``n_boot``): the estimates from each perturbed
        copy of the stocks; empty when ``n_boot == 0``.
    intervals : pandas.DataFrame
        One row per combination and corridor: ``flow`` (stocks as given), ``boot_mean``,
        ``boot_lower``, ``boot_upper`` (central ``level`` percentile interval of the draws;
        NaN without draws).
    summary : pandas.DataFrame
        One row per period and corridor (``period_start``, ``period_end``, ``orig``,
        ``dest``): ``n_combinations``, the ``min``, ``median`` and ``max`` of the estimates
        over the combinations of edition and prior, and ``lower`` / ``upper``, the central
        ``level`` interval pooled over every combination and draw (NaN without draws).
    method : str
        The estimator used.
    priors : tuple of str
        Labels of the priors, in order.
    editions : tuple
        Labels of the stock editions, in order.
    perturbation : str
        The perturbation model (an assumption), or "none".
    seed : int
        Root of the random streams.
    n_boot : int
        Perturbed draws per edition.
    level : float
        Coverage of the intervals.
    converged : bool
        Every fit converged.
    iterations : int
        The largest iteration count of any fit.
    message : str
        What was run, where, and how many fits did not converge.
    diagnostics : pandas.DataFrame
        Combinations, draws, chunks, engine, the perturbation model and the fits that did not
        converge.
    """

    flows: pd.DataFrame
    draws: pd.DataFrame
    intervals: pd.DataFrame
    summary: pd.DataFrame
    method: str
    priors: tuple
    editions: tuple
    perturbation: str
    seed: int
    n_boot: int
    level: float

    def to_frame(self) -> pd.DataFrame:
        """The flows of every combination of edition, prior and period (stocks as given).

        Returns
        -------
        pandas.DataFrame
            A copy of ``flows``.
        """
        return self.flows.copy()


def _perturb(tables: dict, years: list, rng: np.random.Generator, sd: float) -> dict:
    out = {}
    for year in years:
        s = tables[year]
        off = ~np.eye(s.shape[0], dtype=bool)
        noisy = s.copy()
        z = rng.standard_normal(s.shape)
        noisy[off] = s[off] * np.exp(sd * z[off] - sd * sd / 2.0)
        change = (noisy * off).sum(axis=0) - (s * off).sum(axis=0)
        diag = np.diag(s) - change
        if (diag < 0).any():
            j = int(np.argmin(diag))
            raise InputError(f"a perturbed draw of year {year} leaves a negative native-born stock in column {j}: "
                             f"the foreign-born exceed the population there; lower stock_sd (now {sd})")
        np.fill_diagonal(noisy, diag)
        out[year] = noisy
    return out


def _sweep_task(shared: dict, edition, chunk):
    """Run every period x prior of one edition, for the stocks as given (chunk None) or a chunk of draws."""
    tables, years = shared["stocks"][edition], shared["years"][edition]
    periods, labels = shared["periods"][edition], shared["labels"]
    priors, method, options = shared["priors"], shared["method"], shared["options"]
    if chunk is None:
        draws = [tables]
    else:
        rng = np.random.default_rng(chunk.seed_sequence)
        draws = [_perturb(tables, years, rng, shared["sd"]) for _ in range(chunk.size)]
    n = len(labels)
    off = ~np.eye(n, dtype=bool)
    values = np.empty((len(draws), len(periods), len(priors), n * (n - 1)))
    converged = np.ones(values.shape[:3], dtype=bool)
    iterations = np.zeros(values.shape[:3], dtype=np.int64)
    for d, stock in enumerate(draws):
        for p, (a, b) in enumerate(periods):
            s0 = pd.DataFrame(stock[a], index=labels, columns=labels)
            s1 = pd.DataFrame(stock[b], index=labels, columns=labels)
            kwargs = dict(options)
            if method == "demographic" and shared["natural_change"]:
                change = closed_system_natural_change(s0, s1)
                kwargs.update(births=change["natural_surplus"], deaths=change["natural_deficit"])
            for q, prior in enumerate(priors.values()):
                if method == "demographic":
                    kwargs["prior"] = prior
                result = flows_from_stocks(s0, s1, method, **kwargs)
                values[d, p, q] = result.flows.to_numpy(dtype=float)[off]
                converged[d, p, q] = bool(result.converged)
                iterations[d, p, q] = int(result.iterations)
    return values, converged, iterations


def _long(values: np.ndarray, keys: list[dict], labels: list, value: str) -> pd.DataFrame:
    n = len(labels)
    off = ~np.eye(n, dtype=bool)
    orig = np.repeat(np.asarray(labels, dtype=object), n).reshape(n, n)[off]
    dest = np.tile(np.asarray(labels, dtype=object), n).reshape(n, n)[off]
    parts = []
    for key, row in zip(keys, values):
        part = pd.DataFrame({"orig": orig, "dest": dest, value: row})
        for k, (name, v) in enumerate(key.items()):
            part.insert(k, name, v)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def flows_sweep(stocks: Mapping, *, periods: Sequence[tuple] | None = None, method: str = "demographic",
                priors: Mapping | None = None, natural_change: bool = True,
                method_options: Mapping | None = None, n_boot: int = 0, stock_sd: float = 0.1,
                level: float = 0.95, seed: int = 2013, chunk_size: int = 10, scheduler=None,
                n_workers: int = 2, progress: bool = False) -> FlowsSweepResult:
    """Flows from stocks for every edition x prior x period, optionally bootstrapped.

    For each stock edition and period, the estimator ``method`` runs once per prior on the
    stocks as given, and again on ``n_boot`` perturbed copies of the edition's stocks (the
    same copies for every prior and period, so priors are compared on paired draws).

    Parameters
    ----------
    stocks : mapping of edition label to mapping of year to pandas.DataFrame
        Birthplace (rows) x residence (columns) stock tables, e.g. from
        :func:`mixedmig.flows.stock_table`, by edition and year; every table holds the same
        regions (another order is reordered by label).  One edition: ``{"2024": {...}}``.
    periods : sequence of (int, int), optional
        The periods to estimate; every edition must hold both years of each.  Default: every
        pair of consecutive years of each edition (editions may then differ in periods).
    method : {"demographic", "difference", "rates"}, default "demographic"
        The estimator (:func:`mixedmig.flows.flows_from_stocks`).
    priors : mapping of str to None, pandas.DataFrame or array_like (n, n), optional
        Labelled priors (the auxiliary origin x destination pattern of the demographic
        method, e.g. ``{"uniform": None, "1/d": 1 / distance, "1/d^2": 1 / distance**2}``);
        ``None`` is the uniform prior.  Default ``{"uniform": None}``.  Only the demographic
        method uses a prior; others accept only the default.
    natural_change : bool, default True
        Demographic method: births and deaths from
        :func:`mixedmig.flows.closed_system_natural_change` of each period's (perturbed)
        stocks; False: no births and deaths.
    method_options : mapping, optional
        Further keyword arguments of the estimator (``tol``, ``max_iter``, ``negative``,
        ``total_flow``, ...).
    n_boot : int, default 0
        Perturbed copies of each edition's stocks (0: no bootstrap).
    stock_sd : float, default 0.1
        Log-scale standard deviation of the perturbation (about the relative error of a
        foreign-born stock); see Notes.  An assumption: UN DESA publishes no error margins.
    level : float, default 0.95
        Coverage of the percentile intervals.
    seed : int, default 2013
        Root of the random streams: edition ``e`` draws from
        ``SeedSequence(seed).spawn(n_editions)[e]``, cut into chunks by
        :func:`mixedmig.sweeps.seeded_chunks`.
    chunk_size : int, default 10
        Draws per task; with ``seed`` it fixes the random streams.
    scheduler : None, "serial", str or distributed.Client, default None
        Where the tasks run (:func:`mixedmig.sweeps.map_tasks`): None a 2-worker
        ``LocalCluster`` on 127.0.0.1 for this call, ``"serial"`` this process, a scheduler
        address, or a ``distributed.Client``.
    n_workers : int, default 2
        Workers of the default local cluster.
    progress : bool, default False
        Show a tqdm progress bar.

    Returns
    -------
    FlowsSweepResult
        ``to_frame()`` the tidy flows of every combination; ``intervals`` and ``summary``.

    Raises
    ------
    InputError
        Bad options: an unknown method, priors that are not a non-empty mapping, a
        non-uniform prior with another method, a non-positive ``n_boot``/``chunk_size``, a
        ``stock_sd`` that is not positive and finite, a ``level`` outside (0, 1), an unknown
        scheduler, or a perturbation that leaves a negative native-born stock.
    DataError
        No editions, an edition with fewer than two years, or a period whose years an edition
        lacks.
    SchemaError
        Tables (or a prior) that are not square or hold other regions.
    ModelError
        No combination to run.

    Notes
    -----
    **Perturbation model (an assumption).**  In draw ``r`` every foreign-born stock of every
    year becomes ``S*_ij = S_ij exp(sd z_ij - sd^2/2)``, ``z_ij ~ N(0, 1)`` independent, so
    ``E[S*_ij] = S_ij`` and the relative error is about ``sd``; the native-born diagonal takes
    the difference, ``S*_jj = S_jj - sum_{i != j}(S*_ij - S_ij)``, keeping each population.
    This is a parametric bootstrap (Efron & Tibshirani 1993, ch. 6) of measurement error in
    the stocks, not of sampling error; intervals are percentile intervals (ch. 13).  The
    spread over editions and priors is not a probability statement: it shows how much the
    answer depends on choices the data cannot make.

    References
    ----------
    Abel, G. J. (2013). Estimating global migration flow tables using place of birth data.
    *Demographic Research* 28(18), 505-546.
    Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.

    Examples
    --------
    Made-up stocks of two editions (not data) and two priors:

    >>> import pandas as pd
    >>> labels = ["A", "B", "C"]
    >>> def table(rows):
    ...     return pd.DataFrame(rows, labels, labels)
    >>> stocks = {"old": {2000: table([[90, 10, 5], [20, 100, 0], [5, 0, 50]]),
    ...                   2005: table([[80, 20, 5], [10, 110, 5], [0, 5, 50]])},
    ...           "new": {2000: table([[90, 12, 5], [18, 100, 0], [5, 0, 50]]),
    ...                   2005: table([[80, 22, 5], [10, 110, 3], [0, 7, 50]])}}
    >>> priors = {"uniform": None, "made-up 1/d": table([[1, 1, 0.5], [1, 1, 1], [0.5, 1, 1]])}
    >>> result = flows_sweep(stocks, priors=priors, n_boot=20, stock_sd=0.05, seed=1,
    ...                      scheduler="serial")
    >>> len(result.to_frame()), len(result.draws)
    (24, 480)
    >>> list(result.summary.columns)
    ['n_combinations', 'min', 'median', 'max', 'lower', 'upper']
    """
    if method not in _METHODS:
        raise InputError(f"method must be one of {sorted(_METHODS)}, got {method!r}")
    if priors is None:
        priors = {"uniform": None}
    if not isinstance(priors, Mapping) or not priors:
        raise InputError("priors must be a non-empty mapping of label -> prior (None = uniform), "
                         "e.g. {'uniform': None, '1/d': 1 / distance}")
    if method != "demographic" and any(p is not None for p in priors.values()):
        raise InputError(f"method={method!r} uses no prior; pass priors=None or method='demographic'")
    if isinstance(n_boot, bool) or not isinstance(n_boot, numbers.Integral) or n_boot < 0:
        raise InputError(f"n_boot must be a non-negative integer, got {n_boot!r}")
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, numbers.Integral) or chunk_size < 1:
        raise InputError(f"chunk_size must be a positive integer, got {chunk_size!r}")
    if (isinstance(stock_sd, bool) or not isinstance(stock_sd, numbers.Real) or not math.isfinite(stock_sd)
            or stock_sd <= 0):
        raise InputError(f"stock_sd must be a positive finite number (log-scale sd), got {stock_sd!r}")
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0 < level < 1:
        raise InputError(f"level must lie strictly between 0 and 1, got {level!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise InputError(f"seed must be a non-negative integer, got {seed!r}; pass e.g. seed=2013")
    if not isinstance(stocks, Mapping) or not stocks:
        raise DataError("stocks must be a non-empty mapping: edition -> {year: stock table}")

    labels = None
    tables, years_of, periods_of = {}, {}, {}
    for edition, by_year in stocks.items():
        if not isinstance(by_year, Mapping) or len(by_year) < 2:
            raise DataError(f"stocks[{edition!r}] must map at least two years to stock tables")
        tables[edition] = {}
        for year in sorted(by_year):
            table = check_od_matrix(by_year[year], f"stocks[{edition!r}][{year!r}]", labels=labels)
            labels = list(table.index) if labels is None else labels
            tables[edition][year] = table.to_numpy(dtype=float)
        years_of[edition] = sorted(by_year)
        if periods is None:
            periods_of[edition] = list(zip(years_of[edition][:-1], years_of[edition][1:]))
        else:
            periods_of[edition] = [tuple(p) for p in periods]
            for start, end in periods_of[edition]:
                missing = [y for y in (start, end) if y not in by_year]
                if missing:
                    raise DataError(f"edition {edition!r} has no stock table for {missing} (period "
                                    f"{start}-{end}); its years are {years_of[edition]}")
    prior_tables = {str(k): (None if v is None else check_od_matrix(v, f"prior {k!r}", labels=labels))
                    for k, v in priors.items()}
    if not any(periods_of.values()):
        raise ModelError("no period to estimate")

    editions = list(tables)
    shared = {"stocks": tables, "years": years_of, "periods": periods_of, "labels": labels,
              "priors": prior_tables, "method": method, "options": dict(method_options or {}),
              "natural_change": bool(natural_change), "sd": float(stock_sd)}
    tasks, weights, owners = [], [], []
    streams = np.random.SeedSequence(int(seed)).spawn(len(editions))
    for e, edition in enumerate(editions):
        tasks.append((edition, None))
        weights.append(1)
        owners.append((edition, None))
        if n_boot:
            for chunk in seeded_chunks(int(n_boot), int(chunk_size), streams[e]):
                tasks.append((edition, chunk))
                weights.append(chunk.size)
                owners.append((edition, chunk))
    run = map_tasks(_sweep_task, tasks, shared=shared, scheduler=scheduler, n_workers=n_workers,
                    progress=progress, weights=weights, desc="flows sweep", unit="draw")

    prior_labels = list(prior_tables)
    point_keys, point_values, draw_keys, draw_values = [], [], [], []
    not_converged, iterations = [], 0
    for (edition, chunk), (values, converged, iters) in zip(owners, run.results):
        iterations = max(iterations, int(iters.max()))
        for d in range(values.shape[0]):
            for p, (start, end) in enumerate(periods_of[edition]):
                for q, prior in enumerate(prior_labels):
                    key = {"edition": edition, "prior": prior, "period_start": start, "period_end": end}
                    if not converged[d, p, q]:
                        not_converged.append(f"{edition}/{prior}/{start}-{end}/draw "
                                             f"{0 if chunk is None else chunk.start + d + 1}")
                    if chunk is None:
                        point_keys.append(key)
                        point_values.append(values[d, p, q])
                    else:
                        draw_keys.append({**key, "draw": chunk.start + d + 1})
                        draw_values.append(values[d, p, q])
    flows = _long(point_values, point_keys, labels, "flow")
    corridor = ["orig", "dest"]
    if draw_values:
        draws = _long(draw_values, draw_keys, labels, "flow")
        cols = ["edition", "prior", "period_start", "period_end", "draw", "orig", "dest", "flow"]
        draws = draws[cols]
    else:
        draws = pd.DataFrame(columns=["edition", "prior", "period_start", "period_end", "draw", "orig",
                                      "dest", "flow"])
    tail = (1.0 - float(level)) / 2.0
    intervals = flows.set_index(_KEYS + corridor)
    if len(draws):
        grouped = draws.groupby(_KEYS + corridor, sort=False)["flow"]
        intervals = intervals.join(pd.DataFrame({"boot_mean": grouped.mean(),
                                                 "boot_lower": grouped.quantile(tail),
                                                 "boot_upper": grouped.quantile(1.0 - tail)}))
    else:
        intervals = intervals.assign(boot_mean=np.nan, boot_lower=np.nan, boot_upper=np.nan)
    intervals = intervals.reset_index()
    by_corridor = ["period_start", "period_end"] + corridor
    grouped = flows.groupby(by_corridor, sort=True)["flow"]
    summary = pd.DataFrame({"n_combinations": grouped.size(), "min": grouped.min(),
                            "median": grouped.median(), "max": grouped.max()})
    if len(draws):
        pooled = draws.groupby(by_corridor, sort=True)["flow"]
        summary["lower"] = pooled.quantile(tail)
        summary["upper"] = pooled.quantile(1.0 - tail)
    else:
        summary["lower"] = np.nan
        summary["upper"] = np.nan
    n_combos = len(point_keys)
    perturbation = PERTURBATION.replace("about sd", f"about sd = {stock_sd}") if n_boot else "none"
    return FlowsSweepResult(
        flows=flows, draws=draws, intervals=intervals, summary=summary, method=method,
        priors=tuple(prior_labels), editions=tuple(editions), perturbation=perturbation, seed=int(seed),
        n_boot=int(n_boot), level=float(level),
        converged=not not_converged, iterations=iterations,
        message=(f"flows sweep ({method}): {n_combos} combinations of {len(editions)} edition(s) x "
                 f"{len(prior_labels)} prior(s) x periods, {int(n_boot)} perturbed draws each, "
                 f"{len(tasks)} tasks ({run.engine})"
                 + (f"; {len(not_converged)} fits did not converge (see diagnostics)" if not_converged else "")),
        diagnostics=diagnostics_frame([
            ("combinations", n_combos, "edition x prior x period, stocks as given"),
            ("n_boot", int(n_boot), "perturbed copies of each edition's stocks, shared by priors and periods"),
            ("n_tasks", len(tasks), f"one per edition plus chunks of at most {chunk_size} draws, "
                                    "one SeedSequence child each"),
            ("engine", run.engine, "where the tasks ran; the numbers do not depend on it"),
            run.log_diagnostic(),
            ("perturbation", perturbation, "the bootstrap's error model (an assumption)"),
            ("not_converged", "; ".join(not_converged) or "none", "fits that missed their tolerance"),
        ]),
    )
