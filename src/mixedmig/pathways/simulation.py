"""Monte Carlo simulation of individual case pathways through an absorbing chain.

:func:`simulate_pathways` moves many simulated cases through a :class:`PathwayModel` at once
(vectorised over cases, one uniform draw per case and step) and returns a
:class:`PathwaySimulationResult` whose summaries sit next to the exact values of the
fundamental matrix (Kemeny & Snell 1960), so the simulation checks the algebra and vice versa.

References
----------
Kemeny JG, Snell JL (1960; 2nd ed. 1976). *Finite Markov Chains*, ch. 3.
Surtees R (2013). *After Trafficking.* Bangkok: UNIAP / NEXUS Institute.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ConvergenceError, InputError
from ..results import Result, diagnostics_frame
from .chain import PathwayModel, _check_seed


@dataclass(frozen=True, eq=False)
class PathwaySimulationResult(Result):
    """Simulated case pathways, with their summaries next to the exact values.

    Returned by :func:`simulate_pathways`.  Per-case outputs are pandas objects indexed by
    ``case`` (0 .. n_cases - 1); per-state outputs are labelled by state name.

    Parameters
    ----------
    model : PathwayModel
        The chain that was simulated.
    states : tuple of str
        The model's states, in order (the columns of ``visits``).
    start : str
        The starting state of every case.
    seed : object
        The random seed given to :func:`simulate_pathways` (anything
        ``numpy.random.default_rng`` accepts).
    max_steps : int
        The cap on transitions per case.
    final_state : pandas.Series
        Categorical of state names (categories: ``states``), indexed by ``case``: the last
        state of each case, an absorbing state unless ``absorbed`` is False.
    steps : pandas.Series
        Transitions made by each case (int), indexed by ``case``.
    absorbed : pandas.Series
        Whether each case reached an absorbing state within ``max_steps`` (bool).
    visits : pandas.DataFrame or None
        Visit counts, shape (n_cases, n_states): index ``case``, columns the states; the
        starting visit and the arrival in the absorbing state are included, so each row sums to
        ``steps + 1``.  None when ``record_visits=False``.
    converged, iterations, message, diagnostics
        The result protocol (:class:`mixedmig.results.Result`): ``converged`` is True when
        every case was absorbed within ``max_steps``; ``iterations`` is the number of
        simulation steps run (the longest pathway, at most ``max_steps``); ``diagnostics`` lists
        the number of cases, cases not absorbed, the steps run and the sampling method.

    Examples
    --------
    A made-up three-state chain (not data): from ``A`` go to ``X`` with 0.25, else to ``Y``.

    >>> from mixedmig.pathways import COMPLEMENT, Parameter, PathwayModel
    >>> model = PathwayModel({"A": {"X": Parameter("a", 0.25, None, "assumption", "made up"),
    ...                             "Y": COMPLEMENT}})
    >>> sim = simulate_pathways(model, 1000, seed=1)
    >>> sim.converged, sim.n_cases, int(sim.steps.max())
    (True, 1000, 1)
    >>> list(sim.to_frame().columns)
    ['count', 'share', 'mc_se', 'exact', 'difference']
    """

    model: PathwayModel
    states: tuple[str, ...]
    start: str
    seed: object
    max_steps: int
    final_state: pd.Series
    steps: pd.Series
    absorbed: pd.Series
    visits: pd.DataFrame | None

    def __repr__(self) -> str:
        visits = "recorded" if self.visits is not None else "not recorded"
        return (f"PathwaySimulationResult(n_cases={self.n_cases}, start='{self.start}', seed={self.seed!r}, "
                f"absorbed={int(self.absorbed.sum())}, visits={visits})")

    @property
    def n_cases(self) -> int:
        """The number of simulated cases."""
        return int(self.final_state.shape[0])

    def _visits_or_raise(self) -> pd.DataFrame:
        """The visit counts; InputError when they were not recorded."""
        if self.visits is None:
            raise InputError("visits were not recorded; rerun simulate_pathways(..., record_visits=True)")
        return self.visits

    def absorption_table(self) -> pd.DataFrame:
        """Simulated counts and shares by absorbing state, next to the exact probabilities.

        Returns
        -------
        pandas.DataFrame
            Index ``absorbed_in`` (absorbing states, then ``not_absorbed`` if any case ran out of
            steps); columns ``count``, ``share`` (``count / n``), ``mc_se`` (Monte Carlo standard
            error ``sqrt(p (1 - p) / n)``), ``exact`` (row ``start`` of ``B = N R``; NaN for
            ``not_absorbed``) and ``difference`` (``share - exact``).

        Examples
        --------
        >>> from mixedmig.pathways import COMPLEMENT, Parameter, PathwayModel
        >>> model = PathwayModel({"A": {"X": Parameter("a", 0.25, None, "assumption", "made up"),
        ...                             "Y": COMPLEMENT}})
        >>> table = simulate_pathways(model, 1000, seed=1).absorption_table()
        >>> int(table["count"].sum()), table["exact"].tolist()
        (1000, [0.25, 0.75])
        """
        n = self.n_cases
        exact = self.model.absorption_probabilities(self.start)
        final = self.final_state[self.absorbed]
        counts = final.value_counts(sort=False)  # every category, in ``states`` order
        labels = list(self.model.absorbing_states)
        rows = [int(counts[a]) for a in labels]
        exact_values = [exact[a] for a in labels]
        not_absorbed = int((~self.absorbed).sum())
        if not_absorbed:
            labels.append("not_absorbed")
            rows.append(not_absorbed)
            exact_values.append(np.nan)
        count = np.asarray(rows, dtype=np.int64)
        share = count / n
        return pd.DataFrame(
            {"count": count, "share": share, "mc_se": np.sqrt(share * (1.0 - share) / n),
             "exact": exact_values, "difference": share - np.asarray(exact_values)},
            index=pd.Index(labels, name="absorbed_in"),
        )

    def to_frame(self) -> pd.DataFrame:
        """The main table: :meth:`absorption_table`.

        Returns
        -------
        pandas.DataFrame
            Counts, shares, Monte Carlo standard errors and exact probabilities by absorbing
            state (see :meth:`absorption_table`).
        """
        return self.absorption_table()

    def steps_summary(self) -> pd.Series:
        """Mean and standard deviation of the steps of absorbed cases, next to the exact values.

        Returns
        -------
        pandas.Series
            Named ``steps``: ``n_absorbed``, ``mean``, ``sd``, ``mc_se`` (``sd / sqrt(n)``), and
            ``exact_mean`` and ``exact_sd`` from ``t = N 1`` and ``Var(T) = (2N - I) t - t_sq``
            (0 for an absorbing start).

        Examples
        --------
        >>> from mixedmig.pathways import COMPLEMENT, Parameter, PathwayModel
        >>> model = PathwayModel({"A": {"X": Parameter("a", 0.25, None, "assumption", "made up"),
        ...                             "Y": COMPLEMENT}})
        >>> summary = simulate_pathways(model, 100, seed=1).steps_summary()
        >>> float(summary["mean"]), float(summary["exact_mean"])
        (1.0, 1.0)
        """
        steps = self.steps[self.absorbed].to_numpy(dtype=float)
        n = steps.size
        mean = steps.mean() if n else np.nan
        sd = steps.std(ddof=1) if n > 1 else np.nan
        if self.start in self.model.transient_states:
            _, _, variance, _ = self.model._analysis_arrays()
            exact_mean = self.model._expected_steps_from(self.start)
            exact_sd = math.sqrt(variance[self.model.transient_states.index(self.start)])
        else:
            exact_mean, exact_sd = 0.0, 0.0
        return pd.Series({"n_absorbed": float(n), "mean": mean, "sd": sd, "mc_se": sd / math.sqrt(n) if n else np.nan,
                          "exact_mean": exact_mean, "exact_sd": exact_sd}, name="steps")

    def mean_visits(self) -> pd.DataFrame:
        """Mean visits per case to each state, next to the exact expectation.

        Returns
        -------
        pandas.DataFrame
            Index ``state``; columns ``mean_visits`` and ``exact``: row ``start`` of the
            fundamental matrix ``N`` for transient states, the absorption probability for
            absorbing states (entered at most once).

        Raises
        ------
        InputError
            If the visits were not recorded (``record_visits=False``).

        Examples
        --------
        >>> from mixedmig.pathways import COMPLEMENT, Parameter, PathwayModel
        >>> model = PathwayModel({"A": {"X": Parameter("a", 0.25, None, "assumption", "made up"),
        ...                             "Y": COMPLEMENT}})
        >>> simulate_pathways(model, 100, seed=1).mean_visits().loc["A"].tolist()
        [1.0, 1.0]
        """
        visits = self._visits_or_raise()
        mean = visits.mean(axis=0).to_numpy()
        exact = np.full(len(self.states), np.nan)
        if self.start in self.model.transient_states:
            n_row = self.model._analysis_arrays()[0][self.model.transient_states.index(self.start)]
            for k, s in enumerate(self.model.transient_states):
                exact[self.model.index(s)] = n_row[k]
        absorption = self.model.absorption_probabilities(self.start)
        for s in self.model.absorbing_states:
            exact[self.model.index(s)] = absorption[s]
        return pd.DataFrame({"mean_visits": mean, "exact": exact}, index=pd.Index(self.states, name="state"))


class _RowSampler:
    """Draws next states for many cases at once from the cumulative rows of P.

    In row i, the k-th branch of positive probability (targets in ``states`` order) takes the
    uniform draws u in [c_(k-1), c_k), where c_k is the cumulative probability of the first
    k + 1 positive branches and the last positive branch runs up to 1.  Branches of zero
    probability are left out, so they are never chosen.

    Two equivalent ways to find k: "thresholds" counts the thresholds c_0 .. c_(K-2) that u
    has reached, one vectorised comparison per branch column (fast when every row has few
    branches, K = the most branches in a row); "searchsorted" lays the cumulative rows end to
    end, row i shifted by i, and finds i + u with one ``np.searchsorted`` (used for dense rows).
    """

    max_threshold_branches = 8

    def __init__(self, matrix: np.ndarray, method: str | None = None):
        n_states = matrix.shape[0]
        branches = [np.flatnonzero(row > 0) for row in matrix]
        width = max(1, max(len(b) for b in branches))
        self.method = method or ("thresholds" if width <= self.max_threshold_branches else "searchsorted")
        # thresholds: column k holds c_k of every row, 2.0 (never reached) past a row's branches
        self.targets = np.zeros((n_states, width), dtype=np.int64)
        thresholds = np.full((width - 1, n_states), 2.0)
        # searchsorted: cumulative rows, 1 from the last positive branch on, shifted by the row index
        cumulative = np.cumsum(matrix, axis=1)
        self.last_positive = np.zeros(n_states, dtype=np.int64)
        for i, targets in enumerate(branches):
            if targets.size == 0:  # not row-stochastic; a PathwayModel never gives this
                raise InputError(f"row {i} of the transition matrix has no positive entry")
            self.targets[i, : targets.size] = targets
            thresholds[: targets.size - 1, i] = np.cumsum(matrix[i, targets])[:-1]
            self.last_positive[i] = targets[-1]
            cumulative[i, targets[-1]:] = 1.0
        self.thresholds = [np.ascontiguousarray(column) for column in thresholds]
        self.flat_targets = self.targets.ravel()
        self.width = width
        self.n_states = n_states
        self.shifted = (cumulative + np.arange(n_states)[:, None]).ravel()

    def next_states(self, current: np.ndarray, uniform: np.ndarray) -> np.ndarray:
        if self.method == "thresholds":
            branch = np.zeros(current.shape[0], dtype=np.int64)
            for column in self.thresholds:
                branch += uniform >= column[current]
            return self.flat_targets[current * self.width + branch]
        position = np.searchsorted(self.shifted, current + uniform, side="right")
        # i + u can round up to i + 1 for u within 2^-53 of 1: keep it in row i
        return np.minimum(position - current * self.n_states, self.last_positive[current])


def _fewest_steps_to_absorption(model: PathwayModel, start: int, is_absorbing) -> int:
    """Fewest transitions of positive probability from ``start`` to an absorbing state.

    Breadth-first search; 0 when ``start`` is absorbing.  The model is absorbing (checked
    when it is built), so some absorbing state is always reachable.
    """
    if is_absorbing[start]:
        return 0
    seen = {start}
    frontier = [start]
    steps = 0
    while frontier:
        steps += 1
        nxt = []
        for i in frontier:
            for j in model._successors(i):
                j = int(j)
                if is_absorbing[j]:
                    return steps
                if j not in seen:
                    seen.add(j)
                    nxt.append(j)
        frontier = nxt
    return math.inf  # pragma: no cover - excluded by PathwayModel's absorbing check


def simulate_pathways(model: PathwayModel, n_cases: int, seed, start: str | None = None,
                      max_steps: int = 1000, record_visits: bool = True, *,
                      strict: bool = False) -> PathwaySimulationResult:
    """Simulate ``n_cases`` independent pathways from ``start`` until absorption.

    All cases still on their way move at once: one ``rng.random(n_active)`` draw per step, and
    the next states are read off the cumulative transition rows for all of them in one
    vectorised operation.  Python loops only over steps (and over the few branch columns),
    never over cases.  Cases still transient after ``max_steps`` steps are reported as not
    absorbed (``converged=False``), or raise with ``strict=True``.

    Parameters
    ----------
    model : PathwayModel
        The absorbing chain.
    n_cases : int
        Number of simulated cases (positive).
    seed : int, numpy.random.SeedSequence or numpy.random.Generator
        The random seed: anything ``numpy.random.default_rng`` accepts; the same seed gives the
        same pathways.
    start : str, optional
        Starting state of every case; default the model's ``start``.
    max_steps : int, default 1000
        Cap on the transitions of one case.
    record_visits : bool, default True
        Record the (n_cases x n_states) visit counts; False saves memory and time.
    strict : bool, default False
        Raise :class:`ConvergenceError` when some case is not absorbed within ``max_steps``.

    Returns
    -------
    PathwaySimulationResult
        Each case's final state, steps and visits, with summaries next to the exact values.

    Raises
    ------
    InputError
        For a non-positive ``n_cases`` or ``max_steps``, a ``seed`` that is not a random seed
        (a string, float or bool, a negative integer), an unknown ``start``, or a
        ``max_steps`` smaller than the fewest transitions from ``start`` to an absorbing
        state (no case could ever be absorbed; checked before simulating).
    ConvergenceError
        With ``strict=True``, when some case is still transient after ``max_steps`` steps.

    Notes
    -----
    In row i of ``P`` the k-th branch of positive probability takes the uniform draws
    ``u`` in ``[c_(k-1), c_k)``, ``c_k`` the cumulative probability of the first k + 1
    positive branches; branches of probability 0 are never chosen.  The simulated absorption
    shares estimate row ``start`` of ``B = N R`` with standard error ``sqrt(p (1 - p) / n)``.

    References
    ----------
    Kemeny JG, Snell JL (1960; 2nd ed. 1976). *Finite Markov Chains*, ch. 3.

    Examples
    --------
    A made-up three-state chain (not data): from ``A`` stay with 0.5, go to ``X`` with 0.3,
    else to ``Y``; the exact absorption probabilities are 0.6 and 0.4.

    >>> from mixedmig.pathways import COMPLEMENT, Parameter, PathwayModel
    >>> def made_up(name, value):
    ...     return Parameter(name, value, None, "assumption", "made-up value for the example")
    >>> model = PathwayModel({"A": {"A": made_up("s", 0.5), "X": made_up("a", 0.3), "Y": COMPLEMENT}})
    >>> sim = simulate_pathways(model, 10_000, seed=2013)
    >>> table = sim.absorption_table()
    >>> bool((table["difference"].abs() < 4 * table["mc_se"]).all())
    True
    >>> sim.final_state.cat.categories.tolist()
    ['A', 'X', 'Y']
    """
    if isinstance(n_cases, bool) or not isinstance(n_cases, numbers.Integral) or n_cases < 1:
        raise InputError(f"n_cases must be a positive integer, got {n_cases!r}")
    if isinstance(max_steps, bool) or not isinstance(max_steps, numbers.Integral) or max_steps < 1:
        raise InputError(f"max_steps must be a positive integer, got {max_steps!r}")
    _check_seed(seed)
    start = model._resolve_start(start)
    start_index = model.index(start)
    n_states = len(model.states)
    is_absorbing = np.zeros(n_states, dtype=bool)
    is_absorbing[[model.index(s) for s in model.absorbing_states]] = True
    fewest = _fewest_steps_to_absorption(model, start_index, is_absorbing)
    if fewest > max_steps:
        raise InputError(
            f"no pathway from '{start}' can be absorbed within max_steps={int(max_steps)}: "
            f"the shortest route to an absorbing state takes {fewest} steps, so every case "
            f"would end 'not absorbed'. Raise max_steps to at least {fewest}.")
    rng = np.random.default_rng(seed)
    sampler = _RowSampler(model._matrix)

    n_cases = int(n_cases)
    final_state = np.full(n_cases, start_index, dtype=np.int64)
    steps = np.zeros(n_cases, dtype=np.int32)
    visits = flat_visits = None
    if record_visits:
        dtype = np.uint16 if max_steps < np.iinfo(np.uint16).max else np.int64
        visits = np.zeros((n_cases, n_states), dtype=dtype)
        visits[:, start_index] = 1
        flat_visits = visits.reshape(-1)
    if is_absorbing[start_index]:
        active = np.empty(0, dtype=np.int64)
    else:
        active = np.arange(n_cases, dtype=np.int64)
    current = final_state[active]
    steps_run = 0
    for step in range(1, max_steps + 1):
        if active.size == 0:
            break
        steps_run = step
        current = sampler.next_states(current, rng.random(active.size))
        if flat_visits is not None:
            flat_visits[active * n_states + current] += 1
        done = is_absorbing[current]
        if done.any():
            finished = active[done]
            final_state[finished] = current[done]
            steps[finished] = step
            going_on = ~done
            active, current = active[going_on], current[going_on]
    final_state[active] = current
    steps[active] = max_steps
    n_open = int(active.size)
    if n_open and strict:
        raise ConvergenceError(
            f"{n_open} of {n_cases} cases were not absorbed within max_steps={int(max_steps)}; "
            "raise max_steps, or pass strict=False to keep them as 'not_absorbed'"
        )
    cases = pd.RangeIndex(n_cases, name="case")
    message = (f"simulated {n_cases} pathways from '{start}': "
               + (f"all absorbed within {steps_run} steps" if not n_open
                  else f"{n_open} not absorbed within max_steps={int(max_steps)}"))
    return PathwaySimulationResult(
        model=model, states=model.states, start=start, seed=seed, max_steps=int(max_steps),
        final_state=pd.Series(pd.Categorical.from_codes(final_state, categories=list(model.states)),
                              index=cases, name="final_state"),
        steps=pd.Series(steps, index=cases, name="steps", copy=False),
        absorbed=pd.Series(is_absorbing[final_state], index=cases, name="absorbed", copy=False),
        visits=(None if visits is None else
                pd.DataFrame(visits, index=cases, columns=pd.Index(model.states, name="state"), copy=False)),
        converged=not n_open, iterations=steps_run, message=message,
        diagnostics=diagnostics_frame([
            ("n_cases", n_cases, "simulated cases"),
            ("not_absorbed", n_open, f"cases still transient after max_steps={int(max_steps)}"),
            ("steps_run", steps_run, "simulation steps (the longest pathway, capped at max_steps)"),
            ("sampling_method", sampler.method, "how next states are drawn from the rows of P"),
        ]),
    )
