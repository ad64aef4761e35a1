"""Probabilistic sensitivity analysis (PSA) of a pathway model, with draws run on Dask.

Every varied parameter of a :class:`PathwayModel` gets a distribution
(:class:`ParameterDistribution`): a Beta posterior from published counts for a sourced figure
(:func:`beta_from_counts`: ``k`` of ``n`` gives ``Beta(k + 1, n - k + 1)``, the posterior under a
uniform prior), a labelled range for an assumption (:func:`uniform_range`) and, for a row with
several explicit branches, a Dirichlet over the whole row (:func:`dirichlet_row`).  :func:`psa`
draws the parameters ``n_draws`` times, solves the chain exactly for each draw (``B = N R``,
``t = N 1``; Kemeny & Snell 1960) and returns a :class:`PSAResult` with the distribution of
every absorption probability and of the expected number of steps, their intervals, and the
parameters that drive the spread (Spearman rank correlations).

The draws are cut into chunks of fixed size; chunk ``k`` draws from its own random stream,
``numpy.random.SeedSequence(seed).spawn(n_chunks)[k]``, so the result is identical whatever the
number of workers, and identical to a serial run.  The chunks run on Dask (``dask.distributed``):
a :class:`distributed.LocalCluster` on the loopback interface by default, the scheduler at any
address for a cluster, or in-process without Dask (``scheduler="serial"``), through the generic
engine of :mod:`mixedmig.sweeps` (:func:`~mixedmig.sweeps.seeded_chunks`,
:func:`~mixedmig.sweeps.map_tasks`).

References
----------
Kemeny JG, Snell JL (1960; 2nd ed. 1976). *Finite Markov Chains*, ch. 3.

Briggs AH, Weinstein MC, Fenwick EAL, Karnon J, Sculpher MJ, Paltiel AD (2012). Model parameter
estimation and uncertainty analysis: a report of the ISPOR-SMDM Modeling Good Research
Practices Task Force-6. *Medical Decision Making* 32(5): 722-732.

Saltelli A, Ratto M, Andres T et al. (2008). *Global Sensitivity Analysis: The Primer.*
Chichester: Wiley, ch. 1.2 (rank correlation as a screening measure).

Dask Development Team (2016). *Dask: Library for dynamic task scheduling.* https://dask.org
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError, ModelError
from ..results import Result, diagnostics_frame
from ..sweeps import map_tasks, seeded_chunks
from .chain import PathwayModel

#: Kinds of a distribution's basis: a published count, a secondary figure (press, third party)
#: widened for its doubts, or an assumption (a stated range).
DISTRIBUTION_KINDS = ("sourced", "secondary", "assumption")

#: Families :class:`ParameterDistribution` can draw from.
DISTRIBUTION_FAMILIES = ("beta", "uniform", "dirichlet")


def _positive_real(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value <= 0:
        raise InputError(f"{what} must be a positive finite number, got {value!r}")
    return float(value)


@dataclass(frozen=True)
class ParameterDistribution:
    """The distribution of one parameter (or of the explicit branches of one row) in a PSA.

    Build one with :func:`beta_from_counts`, :func:`uniform_range` or :func:`dirichlet_row`.

    Parameters
    ----------
    names : tuple of str
        The parameter(s) drawn: one name for ``beta`` and ``uniform``; the explicit branches of
        one row for ``dirichlet`` (the row's COMPLEMENT branch takes the last component).
    family : {"beta", "uniform", "dirichlet"}
        ``beta``: ``Beta(a, b)``; ``uniform``: ``U(low, high)``; ``dirichlet``:
        ``Dirichlet(alpha_1, ..., alpha_k, alpha_rest)``.
    params : tuple of float
        ``(a, b)``, ``(low, high)`` or ``(alpha_1, ..., alpha_k, alpha_rest)``.
    kind : {"sourced", "secondary", "assumption"}
        What stands behind the distribution.
    basis : str
        Where it comes from: the counts and citation, or what the range assumes and why.

    Raises
    ------
    InputError
        For an unknown family or kind, wrong number of parameters, non-positive shape
        parameters, a range outside [0, 1] or with ``low > high``, or an empty basis.

    Examples
    --------
    >>> d = uniform_range("p_x", 0.2, 0.6, "made-up range for the example")
    >>> d.sample(np.random.default_rng(1), 3).shape
    (3, 1)
    >>> round(d.mean()[0], 6)
    0.4
    """

    names: tuple[str, ...]
    family: str
    params: tuple[float, ...]
    kind: str
    basis: str

    def __post_init__(self):
        names = (self.names,) if isinstance(self.names, str) else tuple(self.names)
        if not names or not all(isinstance(n, str) and n for n in names) or len(set(names)) != len(names):
            raise InputError(f"names must be distinct non-empty parameter names, got {self.names!r}")
        object.__setattr__(self, "names", names)
        if self.family not in DISTRIBUTION_FAMILIES:
            raise InputError(f"family must be one of {DISTRIBUTION_FAMILIES}, got {self.family!r}")
        if self.kind not in DISTRIBUTION_KINDS:
            raise InputError(f"kind must be one of {DISTRIBUTION_KINDS}, got {self.kind!r}")
        if not isinstance(self.basis, str) or not self.basis.strip():
            raise InputError(f"the distribution of {list(names)} needs a basis: say where it comes from")
        params = tuple(self.params)
        if self.family in ("beta", "uniform") and (len(names) != 1 or len(params) != 2):
            raise InputError(f"a {self.family} distribution draws one parameter from two numbers; "
                             f"got names={list(names)}, params={params}")
        if self.family == "dirichlet" and len(params) != len(names) + 1:
            raise InputError(f"a Dirichlet over {list(names)} needs {len(names) + 1} concentrations "
                             f"(one per branch and one for the remainder), got {len(params)}")
        if self.family == "uniform":
            low, high = (float(v) for v in params)
            if not (0.0 <= low <= high <= 1.0):
                raise InputError(f"range of '{names[0]}' must satisfy 0 <= low <= high <= 1, got ({low}, {high})")
            params = (low, high)
        else:
            params = tuple(_positive_real(v, f"shape parameter of {list(names)}") for v in params)
        object.__setattr__(self, "params", params)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draw ``n`` values of the parameter(s).

        Parameters
        ----------
        rng : numpy.random.Generator
            The random stream.
        n : int
            Number of draws.

        Returns
        -------
        numpy.ndarray
            Shape ``(n, len(names))``, columns in ``names`` order.

        Examples
        --------
        >>> beta_from_counts("p", 3, 4, "made-up counts").sample(np.random.default_rng(0), 2).shape
        (2, 1)
        """
        if self.family == "beta":
            return rng.beta(self.params[0], self.params[1], size=n)[:, None]
        if self.family == "uniform":
            return rng.uniform(self.params[0], self.params[1], size=n)[:, None]
        return rng.dirichlet(self.params, size=n)[:, :-1]

    def mean(self) -> tuple[float, ...]:
        """The mean of each drawn parameter, in ``names`` order.

        Returns
        -------
        tuple of float
            ``a / (a + b)`` (beta), ``(low + high) / 2`` (uniform), ``alpha_i / sum(alpha)``
            (Dirichlet).

        Examples
        --------
        >>> beta_from_counts("p", 354, 414, "TIP 2022").mean()  # 355 / 416
        (0.8533653846153846,)
        """
        if self.family == "beta":
            a, b = self.params
            return (a / (a + b),)
        if self.family == "uniform":
            return ((self.params[0] + self.params[1]) / 2.0,)
        total = sum(self.params)
        return tuple(a / total for a in self.params[:-1])

    def describe(self) -> str:
        """A short label such as ``Beta(355, 61)`` or ``U(0.4, 1)``.

        Returns
        -------
        str
            The family and its parameters.

        Examples
        --------
        >>> beta_from_counts("p_referred", 354, 414, "TIP 2022").describe()
        'Beta(355, 61)'
        """
        numbers_ = ", ".join(f"{v:.4g}" for v in self.params)
        return {"beta": "Beta", "uniform": "U", "dirichlet": "Dirichlet"}[self.family] + f"({numbers_})"


def beta_from_counts(name: str, successes: int, trials: int, basis: str, *,
                     kind: str = "sourced", prior: tuple[float, float] = (1.0, 1.0),
                     weight: float = 1.0) -> ParameterDistribution:
    """The Beta posterior of a proportion from published counts: ``k`` of ``n``.

    Parameters
    ----------
    name : str
        The parameter.
    successes, trials : int
        ``k`` and ``n`` (``0 <= k <= n``, ``n >= 1``).
    basis : str
        The citation of the counts (and any caveat).
    kind : {"sourced", "secondary", "assumption"}, default "sourced"
        What the counts are.
    prior : tuple of float, default (1, 1)
        ``Beta(a0, b0)`` prior; the default is uniform.
    weight : float, default 1
        Effective-sample-size factor in (0, 1]: the counts enter as ``weight * k`` and
        ``weight * (n - k)``.  Below 1 it widens the distribution of a doubtful (e.g.
        secondary or purposive-sample) figure while keeping its centre.

    Returns
    -------
    ParameterDistribution
        ``Beta(a0 + w k, b0 + w (n - k))``.

    Raises
    ------
    InputError
        For counts that are not integers with ``0 <= k <= n``, ``n >= 1``, a weight outside
        (0, 1] or a non-positive prior.

    Notes
    -----
    With a ``Beta(a0, b0)`` prior and ``k`` successes in ``n`` binomial trials the posterior is
    ``Beta(a0 + k, b0 + n - k)`` (conjugacy; Gelman et al. 2013, ch. 2.4).

    References
    ----------
    Gelman A, Carlin JB, Stern HS, Dunson DB, Vehtari A, Rubin DB (2013).
    *Bayesian Data Analysis*, 3rd ed. Boca Raton: CRC, ch. 2.

    Examples
    --------
    >>> beta_from_counts("p_referred", 354, 414, "US TIP Report 2022, Thailand").describe()
    'Beta(355, 61)'
    """
    for value, what in ((successes, "successes"), (trials, "trials")):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise InputError(f"{what} of '{name}' must be an integer count, got {value!r}")
    if not 0 <= successes <= trials or trials < 1:
        raise InputError(f"counts of '{name}' must satisfy 0 <= successes <= trials, trials >= 1; "
                         f"got {successes} of {trials}")
    weight = _positive_real(weight, f"weight of '{name}'")
    if weight > 1:
        raise InputError(f"weight of '{name}' must lie in (0, 1], got {weight}")
    a0, b0 = (_positive_real(v, f"prior of '{name}'") for v in prior)
    return ParameterDistribution((name,), "beta", (a0 + weight * successes, b0 + weight * (trials - successes)),
                                 kind, basis)


def uniform_range(name: str, low: float, high: float, basis: str, *,
                  kind: str = "assumption") -> ParameterDistribution:
    """A labelled range: the parameter is uniform on ``[low, high]``.

    Parameters
    ----------
    name : str
        The parameter.
    low, high : float
        The range, ``0 <= low <= high <= 1``.
    basis : str
        What the range assumes and why.
    kind : {"assumption", "secondary", "sourced"}, default "assumption"
        What stands behind the range.

    Returns
    -------
    ParameterDistribution
        ``U(low, high)``.

    Raises
    ------
    InputError
        For a range outside [0, 1], ``low > high`` or an empty basis.

    Examples
    --------
    >>> uniform_range("p_identified", 0.1, 0.9, "placeholder range").describe()
    'U(0.1, 0.9)'
    """
    return ParameterDistribution((name,), "uniform", (low, high), kind, basis)


def dirichlet_row(names: Sequence[str], alpha: Sequence[float], basis: str, *,
                  kind: str = "assumption") -> ParameterDistribution:
    """A Dirichlet over the explicit branches of one row and its remainder.

    Use it where a row has several explicit branches (e.g. reintegrated and re-trafficked, with
    re-migrated the remainder) so that every draw keeps the row a probability vector.

    Parameters
    ----------
    names : sequence of str
        The explicit branch parameters of one row.
    alpha : sequence of float
        Concentrations, one per name and a last one for the remainder (COMPLEMENT) branch.
        ``(1, 1, 1)`` is uniform over the simplex.
    basis : str
        What the distribution assumes and why.
    kind : {"assumption", "secondary", "sourced"}, default "assumption"
        What stands behind it.

    Returns
    -------
    ParameterDistribution
        ``Dirichlet(alpha)``; the draws of ``names`` are its first components.

    Raises
    ------
    InputError
        For a wrong number of concentrations or a non-positive one.

    Examples
    --------
    >>> dirichlet_row(["a", "b"], [1, 1, 1], "uniform over the simplex").mean()
    (0.3333333333333333, 0.3333333333333333)
    """
    return ParameterDistribution(tuple(names), "dirichlet", tuple(alpha), kind, basis)


@dataclass(frozen=True, eq=False)
class PSAResult(Result):
    """Outcome of :func:`psa`: the distribution of the absorption probabilities and steps.

    Parameters
    ----------
    start : str
        The starting state of the pathways.
    seed : int
        The root seed; chunk ``k`` draws from ``SeedSequence(seed).spawn(n_chunks)[k]``.
    n_draws : int
        Number of parameter draws.
    level : float
        Coverage of the central intervals.
    parameter_draws : pandas.DataFrame
        Index ``draw``; one column per varied parameter.
    outcome_draws : pandas.DataFrame
        Index ``draw``; one column ``P(state)`` per absorbing state and ``expected_steps``.
    summary : pandas.DataFrame
        Index ``quantity`` (the columns of ``outcome_draws``); columns ``baseline`` (the model
        as given), ``mean``, ``sd``, ``lower``, ``median``, ``upper`` (central ``level``
        interval from the draws' quantiles).
    drivers : pandas.DataFrame
        Spearman rank correlation between each varied parameter (index ``parameter``) and each
        quantity (columns); NaN where a quantity does not vary.
    distributions : pandas.DataFrame
        One row per varied parameter: ``kind``, ``distribution`` (e.g. ``Beta(355, 61)``),
        ``mean`` and ``basis``.
    converged, iterations, message, diagnostics
        The result protocol (:class:`mixedmig.results.Result`): closed form per draw, so
        ``converged`` is True and ``iterations`` 0; ``diagnostics`` gives the draws, chunks,
        the engine (serial or the Dask scheduler and its number of workers), the parameters
        held at their value and the largest condition number of ``I - Q``.

    Examples
    --------
    >>> from mixedmig.pathways import COMPLEMENT, Parameter, PathwayModel
    >>> model = PathwayModel({"A": {"X": Parameter("a", 0.25, None, "assumption", "made up"),
    ...                             "Y": COMPLEMENT}})
    >>> result = psa(model, 400, [uniform_range("a", 0.0, 0.5, "made-up range")], seed=1,
    ...              scheduler="serial")
    >>> list(result.to_frame().columns)
    ['baseline', 'mean', 'sd', 'lower', 'median', 'upper']
    """

    start: str
    seed: int
    n_draws: int
    level: float
    parameter_draws: pd.DataFrame
    outcome_draws: pd.DataFrame
    summary: pd.DataFrame
    drivers: pd.DataFrame
    distributions: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The summary table: baseline, mean, sd and interval of every quantity.

        Returns
        -------
        pandas.DataFrame
            A copy of :attr:`summary`.

        Examples
        --------
        >>> from mixedmig.pathways import COMPLEMENT, Parameter, PathwayModel
        >>> model = PathwayModel({"A": {"X": Parameter("a", 0.25, None, "assumption", "made up"),
        ...                             "Y": COMPLEMENT}})
        >>> psa(model, 200, [uniform_range("a", 0.2, 0.3, "made up")], seed=3,
        ...     scheduler="serial").to_frame().index.tolist()
        ['P(X)', 'P(Y)', 'expected_steps']
        """
        return self.summary.copy()

    def top_drivers(self, quantity: str, n: int = 5) -> pd.Series:
        """The parameters most rank-correlated with one quantity, by absolute correlation.

        Parameters
        ----------
        quantity : str
            A column of :attr:`outcome_draws`, e.g. ``"P(reintegrated)"``.
        n : int, default 5
            How many to list.

        Returns
        -------
        pandas.Series
            Spearman correlations indexed by ``parameter``, largest ``|rho|`` first.

        Raises
        ------
        InputError
            For an unknown quantity.

        Examples
        --------
        >>> from mixedmig.pathways import COMPLEMENT, Parameter, PathwayModel
        >>> model = PathwayModel({"A": {"X": Parameter("a", 0.25, None, "assumption", "made up"),
        ...                             "Y": COMPLEMENT}})
        >>> res = psa(model, 200, [uniform_range("a", 0.1, 0.9, "made up")], seed=3, scheduler="serial")
        >>> float(res.top_drivers("P(X)")["a"])
        1.0
        """
        if quantity not in self.drivers.columns:
            raise InputError(f"unknown quantity {quantity!r}; choose one of {list(self.drivers.columns)}")
        column = self.drivers[quantity]
        order = column.abs().sort_values(ascending=False, kind="stable").index
        return column.loc[order].head(n)


# ------------------------------------------------------------------------------- the engine
@dataclass(frozen=True)
class _Spec:
    """What a worker needs to evaluate draws: plain arrays, no model object."""

    base: np.ndarray          # P at the baseline values
    directions: np.ndarray    # (n_params, n, n): dP / d(theta_j)
    baseline: np.ndarray      # theta_0 in column order
    transient: np.ndarray     # indices of transient states
    absorbing: np.ndarray     # indices of absorbing states
    start: int                # row of the start among the transient states
    distributions: tuple      # ParameterDistribution, in column order
    columns: tuple            # parameter names, in column order


def _evaluate_chunk(spec: _Spec, seed_sequence: np.random.SeedSequence, n: int):
    """Draw ``n`` parameter vectors from the chunk's own stream and solve the chain for each."""
    rng = np.random.default_rng(seed_sequence)
    theta = np.concatenate([d.sample(rng, n) for d in spec.distributions], axis=1)
    # P is affine in the parameters: each one adds to its branches and takes from the complement
    matrices = spec.base[None] + np.einsum("dj,jkl->dkl", theta - spec.baseline, spec.directions)
    low = matrices.min(axis=(1, 2))
    if (low < -1e-12).any():
        d = int(np.argmax(low < -1e-12))
        row = int(np.argmin(matrices[d].min(axis=1)))
        raise InputError(
            f"a draw of the parameters makes a probability negative in row {row} of P "
            f"(explicit branches above 1): the distributions of {list(spec.columns)} can push a row "
            "past 1; give the row's explicit branches a joint dirichlet_row distribution or narrower ranges"
        )
    ti, ai = spec.transient, spec.absorbing
    q = matrices[:, ti][:, :, ti]
    r = matrices[:, ti][:, :, ai]
    system = np.eye(ti.size)[None] - q
    rhs = np.concatenate([r, np.ones((n, ti.size, 1))], axis=2)
    solved = np.linalg.solve(system, rhs)[:, spec.start, :]  # row `start` of [N R | N 1]
    condition = float(np.linalg.cond(system).max()) if n else 1.0
    return theta, solved, condition


def _resolve_distributions(model: PathwayModel, distributions) -> tuple:
    if isinstance(distributions, ParameterDistribution):
        distributions = [distributions]
    if isinstance(distributions, Mapping):
        distributions = list(distributions.values())
    if distributions is None or not isinstance(distributions, Sequence) or not distributions:
        raise InputError("distributions must be a non-empty list of ParameterDistribution "
                         "(beta_from_counts, uniform_range, dirichlet_row)")
    seen = set()
    for d in distributions:
        if not isinstance(d, ParameterDistribution):
            raise InputError(f"every distribution must be a ParameterDistribution, got {d!r}")
        for name in d.names:
            model._check_parameter(name)
            model._check_variable(name)
            if name in seen:
                raise InputError(f"parameter '{name}' has two distributions; give it one")
            seen.add(name)
        if d.family == "dirichlet":
            rows = {tuple(s for s, _ in model.transitions_of(name)) for name in d.names}
            if len(rows) != 1:
                raise InputError(f"a dirichlet_row must cover explicit branches of the same row(s); "
                                 f"{list(d.names)} sit in different rows")
    return tuple(distributions)


def psa(model: PathwayModel, n_draws: int, distributions, *, seed: int = 2013, start: str | None = None,
        level: float = 0.95, scheduler=None, n_workers: int = 2, chunk_size: int = 500,
        progress: bool = False) -> PSAResult:
    """Probabilistic sensitivity analysis: the absorption probabilities under parameter uncertainty.

    Each draw samples every parameter named in ``distributions`` (the others stay at their
    value), rebuilds the transition matrix (complement branches absorb the change, as in
    :meth:`PathwayModel.with_values`) and solves it exactly.  The draws are summarised by their
    mean, standard deviation and central ``level`` interval, next to the model's own (baseline)
    values, and each parameter's influence on the spread is its Spearman rank correlation with
    each quantity.

    Parameters
    ----------
    model : PathwayModel
        The chain; its values are the baseline.
    n_draws : int
        Number of parameter draws (positive).
    distributions : sequence of ParameterDistribution
        One per varied parameter (a :func:`dirichlet_row` covers several); see
        :func:`mixedmig.pathways.after_trafficking_distributions` for the *After Trafficking* model.
    seed : int, default 2013
        Root of the random streams: chunk ``k`` draws from
        ``numpy.random.SeedSequence(seed).spawn(n_chunks)[k]``.
    start : str, optional
        Transient starting state; default the model's ``start``.
    level : float, default 0.95
        Coverage of the central intervals.
    scheduler : None, "serial", str or distributed.Client, default None
        Where the chunks run.  None: a ``LocalCluster`` started for this call on 127.0.0.1
        (``n_workers`` in-process workers, one thread each, no dashboard) and closed after it.
        ``"serial"``: in this process without Dask.  A string: the address of a running Dask
        scheduler (e.g. ``"tcp://10.0.0.5:8786"``).  A ``distributed.Client``: used as is, not
        closed.
    n_workers : int, default 2
        Workers of the default local cluster (ignored otherwise).
    chunk_size : int, default 500
        Draws per task.  Part of the random-stream layout: the same ``seed`` and ``chunk_size``
        give the same draws whatever the number of workers.
    progress : bool, default False
        Show a progress bar (tqdm) that advances as chunks finish.

    Returns
    -------
    PSAResult
        Draws, summary, rank-correlation drivers and the distributions used.

    Raises
    ------
    InputError
        For a non-positive ``n_draws``/``chunk_size``/``n_workers``, a ``seed`` that is not a
        non-negative integer, a ``level`` outside (0, 1), an unknown or absorbing ``start``,
        distributions naming unknown parameters, a parameter twice, a parameter in a row
        without a COMPLEMENT branch, a draw that pushes a row past 1, or an unreachable
        scheduler.
    ModelError
        If ``I - Q`` is numerically singular for some draw.

    Notes
    -----
    ``P`` is affine in the parameters: ``P(theta) = P(theta_0) + sum_j (theta_j - theta_0j) D_j``
    with ``D_j = dP/dtheta_j`` (:meth:`PathwayModel.direction`).  For each draw the rows
    ``start`` of ``B = N R`` and ``t = N 1`` come from one solve of ``(I - Q) X = [R | 1]``
    (Kemeny & Snell 1960, ch. 3), vectorised over the draws of a chunk.  Intervals are the
    ``(1 - level)/2`` and ``(1 + level)/2`` quantiles of the draws.  Spearman's rho is the
    Pearson correlation of the ranks (Saltelli et al. 2008); it measures monotone association
    and, with independent inputs, ranks which uncertain parameters drive the spread.

    **Running on a cluster.**  On a university HPC system start the workers with
    ``dask-jobqueue`` and pass the client::

        from dask_jobqueue import SLURMCluster        # or PBSCluster
        from distributed import Client
        cluster = SLURMCluster(cores=8, memory="16GB", walltime="01:00:00",
                               queue="normal", account="myproject")
        cluster.scale(jobs=4)                         # 4 batch jobs of workers
        result = psa(model, 100_000, dists, seed=2013, scheduler=Client(cluster))

    (``PBSCluster`` takes the same arguments with ``resource_spec``.)  Or start a scheduler
    with ``dask scheduler`` and workers with ``dask worker tcp://HOST:8786`` in the batch
    scripts, then pass ``scheduler="tcp://HOST:8786"``.  The workers need ``mixedmig``
    installed.  The numbers do not depend on the cluster: only ``seed`` and ``chunk_size`` set
    the random streams.

    References
    ----------
    Kemeny JG, Snell JL (1960; 2nd ed. 1976). *Finite Markov Chains*, ch. 3.

    Briggs AH et al. (2012). Model parameter estimation and uncertainty analysis.
    *Medical Decision Making* 32(5): 722-732.

    Saltelli A et al. (2008). *Global Sensitivity Analysis: The Primer.* Wiley.

    Examples
    --------
    A made-up chain (not data): from ``A`` go to ``X`` with ``a``, else to ``Y``, so
    ``P(X) = a``.  With ``a ~ Beta(3, 1)`` the mean of P(X) is about 3/4:

    >>> from mixedmig.pathways import COMPLEMENT, Parameter, PathwayModel
    >>> model = PathwayModel({"A": {"X": Parameter("a", 0.5, None, "assumption", "made up"),
    ...                             "Y": COMPLEMENT}})
    >>> result = psa(model, 4000, [beta_from_counts("a", 2, 2, "made-up counts")], seed=7,
    ...              scheduler="serial")
    >>> round(float(result.summary.loc["P(X)", "mean"]), 2)
    0.75
    """
    from .chain import _check_seed

    for value, what in ((n_draws, "n_draws"), (chunk_size, "chunk_size"), (n_workers, "n_workers")):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise InputError(f"{what} must be a positive integer, got {value!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise InputError(f"seed must be a non-negative integer (the root of the PSA's random streams), "
                         f"got {seed!r}; pass e.g. seed=2013")
    _check_seed(seed)
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0 < level < 1:
        raise InputError(f"level must lie strictly between 0 and 1, got {level!r}")
    start = model._resolve_start(start)
    if start not in model.transient_states:
        raise InputError(f"start '{start}' is absorbing, so nothing depends on the parameters")
    dists = _resolve_distributions(model, distributions)
    columns = tuple(name for d in dists for name in d.names)
    spec = _Spec(
        base=np.array(model._matrix), directions=np.stack([model._direction_array(c) for c in columns]),
        baseline=np.array([model.parameters[c].value for c in columns]),
        transient=np.array([model.index(s) for s in model.transient_states], dtype=np.int64),
        absorbing=np.array([model.index(s) for s in model.absorbing_states], dtype=np.int64),
        start=model.transient_states.index(start), distributions=dists, columns=columns,
    )
    n_draws, chunk_size = int(n_draws), int(chunk_size)
    chunks = seeded_chunks(n_draws, chunk_size, int(seed))
    sizes = [c.size for c in chunks]
    run = map_tasks(_evaluate_chunk, [(c.seed_sequence, c.size) for c in chunks], shared=spec,
                    scheduler=scheduler, n_workers=int(n_workers), progress=progress,
                    weights=sizes, desc="PSA draws", unit="draw")
    parts, engine = run.results, run.engine
    theta = np.concatenate([p[0] for p in parts])
    solved = np.concatenate([p[1] for p in parts])
    condition = max(p[2] for p in parts)
    if not condition < 1.0 / np.finfo(float).eps:
        raise ModelError(f"I - Q is numerically singular for some draw (condition number {condition:.3g})")

    draws = pd.RangeIndex(n_draws, name="draw")
    quantities = [f"P({a})" for a in model.absorbing_states] + ["expected_steps"]
    parameter_draws = pd.DataFrame(theta, index=draws, columns=pd.Index(columns, name="parameter"))
    outcome_draws = pd.DataFrame(solved, index=draws, columns=pd.Index(quantities, name="quantity"))
    baseline = list(model.absorption_probabilities(start).to_numpy()) + [model._expected_steps_from(start)]
    tail = (1.0 - float(level)) / 2.0
    summary = pd.DataFrame({
        "baseline": baseline,
        "mean": outcome_draws.mean(axis=0).to_numpy(),
        "sd": outcome_draws.std(axis=0, ddof=1).to_numpy() if n_draws > 1 else np.nan,
        "lower": outcome_draws.quantile(tail, axis=0).to_numpy(),
        "median": outcome_draws.quantile(0.5, axis=0).to_numpy(),
        "upper": outcome_draws.quantile(1.0 - tail, axis=0).to_numpy(),
    }, index=pd.Index(quantities, name="quantity"))
    ranks_in = parameter_draws.rank().to_numpy()
    ranks_out = outcome_draws.rank().to_numpy()
    drivers = np.full((len(columns), len(quantities)), np.nan)
    for i in range(len(columns)):
        for j in range(len(quantities)):
            a, b = ranks_in[:, i], ranks_out[:, j]
            if a.std() > 0 and b.std() > 0:
                drivers[i, j] = float(np.corrcoef(a, b)[0, 1])
    drivers = pd.DataFrame(drivers, index=pd.Index(columns, name="parameter"),
                           columns=pd.Index(quantities, name="quantity"))
    distributions_table = pd.DataFrame.from_records(
        [{"parameter": name, "kind": d.kind, "distribution": d.describe(), "mean": d.mean()[k], "basis": d.basis}
         for d in dists for k, name in enumerate(d.names)],
        columns=["parameter", "kind", "distribution", "mean", "basis"],
    ).set_index("parameter")
    fixed = [name for name in model.parameters if name not in columns]
    return PSAResult(
        start=start, seed=int(seed), n_draws=n_draws, level=float(level),
        parameter_draws=parameter_draws, outcome_draws=outcome_draws, summary=summary, drivers=drivers,
        distributions=distributions_table,
        converged=True, iterations=0,
        message=(f"PSA: {n_draws} draws of {len(columns)} parameters from '{start}' in {len(sizes)} chunks "
                 f"({engine}); {len(fixed)} parameters held at their value"),
        diagnostics=diagnostics_frame([
            ("n_draws", n_draws, "parameter draws"),
            ("n_chunks", len(sizes), f"tasks of at most {chunk_size} draws, one SeedSequence child each"),
            ("engine", engine, "where the chunks ran; the numbers do not depend on it"),
            run.log_diagnostic(),
            ("held_fixed", ", ".join(fixed) or "none", "parameters without a distribution keep their value"),
            ("max_condition_number", condition, "largest 2-norm condition number of I - Q over the draws"),
        ]),
    )
