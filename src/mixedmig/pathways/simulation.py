"""Monte Carlo simulation of individual pathways through the chain."""

from __future__ import annotations
import math
import numbers
from dataclasses import dataclass
import numpy as np
import pandas as pd
from ..errors import InputError
from .chain import PathwayModel


@dataclass(frozen=True, eq=False)
class PathwaySimulation:
    """Simulated case pathways.

    ``final_state``: index into ``states`` of each case's last state (an absorbing state,
    unless ``absorbed`` is False because ``max_steps`` ran out); ``steps``: transitions made;
    ``visits``: (n_cases x n_states) visit counts, the starting visit and the arrival in the
    absorbing state included (None when not recorded).
    """

    model: PathwayModel
    states: tuple[str, ...]
    start: str
    seed: object
    max_steps: int
    final_state: np.ndarray
    steps: np.ndarray
    absorbed: np.ndarray
    visits: np.ndarray | None

    def __repr__(self) -> str:
        visits = "recorded" if self.visits is not None else "not recorded"
        return (f"PathwaySimulation(n_cases={self.n_cases}, start='{self.start}', seed={self.seed!r}, "
                f"absorbed={int(self.absorbed.sum())}, visits={visits})")

    @property
    def n_cases(self) -> int:
        return int(self.final_state.shape[0])

    def final_states(self) -> pd.Categorical:
        """Each case's final state as a categorical of state names."""
        return pd.Categorical.from_codes(self.final_state, categories=list(self.states))

    def absorption_table(self) -> pd.DataFrame:
        """Counts and shares by absorbing state with Monte Carlo standard errors
        sqrt(p (1 - p) / n), next to the exact probability from the fundamental matrix.
        Cases not absorbed within ``max_steps`` form a row 'not_absorbed' (if any)."""
        n = self.n_cases
        exact = self.model.absorption_probabilities(self.start)
        counts = np.bincount(self.final_state[self.absorbed], minlength=len(self.states))
        labels = list(self.model.absorbing_states)
        rows = [counts[self.model.index(a)] for a in labels]
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

    def steps_summary(self) -> pd.Series:
        """Mean and SD of the number of steps of absorbed cases, the Monte Carlo SE of the
        mean, and the exact mean and SD from t = N 1 and (2N - I) t - t_sq."""
        steps = self.steps[self.absorbed].astype(float)
        n = steps.size
        mean = steps.mean() if n else np.nan
        sd = steps.std(ddof=1) if n > 1 else np.nan
        if self.start in self.model.transient_states:
            analysis = self.model.analysis()
            k = self.model.transient_states.index(self.start)
            exact_mean, exact_sd = analysis.expected_steps[k], math.sqrt(analysis.steps_variance[k])
        else:
            exact_mean, exact_sd = 0.0, 0.0
        return pd.Series({"n_absorbed": float(n), "mean": mean, "sd": sd, "mc_se": sd / math.sqrt(n) if n else np.nan,
                          "exact_mean": exact_mean, "exact_sd": exact_sd}, name="steps")

    def mean_visits(self) -> pd.DataFrame:
        """Mean visits per case to each state, next to the exact expectation: the row of N for
        the starting state (transient states) and the absorption probability (absorbing states,
        entered at most once)."""
        if self.visits is None:
            raise InputError("visits were not recorded; rerun simulate_pathways(..., record_visits=True)")
        mean = self.visits.mean(axis=0)
        exact = np.full(len(self.states), np.nan)
        if self.start in self.model.transient_states:
            n_row = self.model.analysis().fundamental[self.model.transient_states.index(self.start)]
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


def simulate_pathways(model: PathwayModel, n_cases: int, seed, start: str | None = None,
                      max_steps: int = 1000, record_visits: bool = True) -> PathwaySimulation:
    """Simulate ``n_cases`` independent pathways from ``start`` until absorption.

    All cases still on their way move at once: one ``rng.random(n_active)`` draw per step,
    and the next states are read off the cumulative transition rows for all of them in one
    vectorised operation (see ``_RowSampler``).  Python loops only over steps (and over the
    few branch columns), never over cases.  ``seed`` is anything
    ``numpy.random.default_rng`` accepts (an int, a SeedSequence, a Generator); the same seed
    gives the same pathways.  Cases still transient after ``max_steps`` steps are reported as
    not absorbed.  ``record_visits=False`` skips the (n_cases x n_states) visit counts.
    """
    if isinstance(n_cases, bool) or not isinstance(n_cases, numbers.Integral) or n_cases < 1:
        raise InputError(f"n_cases must be a positive integer, got {n_cases!r}")
    if isinstance(max_steps, bool) or not isinstance(max_steps, numbers.Integral) or max_steps < 1:
        raise InputError(f"max_steps must be a positive integer, got {max_steps!r}")
    start = model.start if start is None else start
    start_index = model._check_state(start, "start")
    rng = np.random.default_rng(seed)
    sampler = _RowSampler(model.transition_matrix())
    n_states = len(model.states)
    is_absorbing = np.zeros(n_states, dtype=bool)
    is_absorbing[[model.index(s) for s in model.absorbing_states]] = True

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
    for step in range(1, max_steps + 1):
        if active.size == 0:
            break
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
    return PathwaySimulation(model, model.states, start, seed, int(max_steps), final_state, steps,
                             is_absorbing[final_state], visits)
