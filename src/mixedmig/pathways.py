"""Post-trafficking pathways as an absorbing Markov chain (the *After Trafficking* framework).

Surtees (2013) follows trafficked persons from the Greater Mekong Sub-region after their
exploitation: identified or not, referred or not, assistance accepted or declined, returned
through official channels or on their own, with or without reintegration assistance, and with
an outcome: reintegrated, re-migrated or re-trafficked.  This module writes such a pathway as
an absorbing Markov chain whose every transition probability is an explicit, documented
:class:`Parameter` (a published figure with its citation, or an assumption that says so), and
gives

* exact results from the fundamental matrix ``N = (I - Q)^-1``: expected visits ``N``,
  expected number of steps to absorption ``t = N 1``, its variance ``(2N - I) t - t_sq``
  and the absorption probabilities ``B = N R`` (Kemeny & Snell 1960, ch. 3; Grinstead &
  Snell 1997, ch. 11), where ``Q`` is the transient-to-transient and ``R`` the
  transient-to-absorbing block of the transition matrix;
* the derivative of any absorption probability with respect to each parameter,
  ``dB = N (dQ B + dR)`` (from ``dN = N dQ N``), checked against central differences;
* a vectorised Monte Carlo simulation of individual case pathways (:func:`simulate_pathways`);
* scenario comparisons: what a given absolute change in, say, identification does to the
  share of cases that end reintegrated (:func:`scenario_comparison`).

Keeping rows stochastic.  Each row (the transitions out of one state) may name one branch as
:data:`COMPLEMENT`; its probability is one minus the sum of the explicit branches.  When a
parameter changes (a sensitivity derivative or a scenario) the complement branch of every row
that uses the parameter absorbs the change, e.g. for the binary choice ``identified`` /
``not_identified`` a rise in ``p_identified`` is a fall in ``P(not_identified)``.  A row without
a complement branch must sum to one on its own, and its parameters cannot be varied.

References
----------
Surtees R (2013). *After Trafficking: Experiences and Challenges in the (Re)integration of
    Trafficked Persons in the Greater Mekong Sub-region.* Bangkok: UNIAP / NEXUS Institute.
Kemeny JG, Snell JL (1960). *Finite Markov Chains.* Princeton: Van Nostrand, ch. 3
    (fundamental matrix, Theorems 3.2.4, 3.3.5, 3.3.7).
Grinstead CM, Snell JL (1997). *Introduction to Probability*, 2nd rev. ed. Providence: AMS,
    ch. 11.2 (absorbing Markov chains).
U.S. Department of State (2022). *2022 Trafficking in Persons Report: Thailand.*
"""

from __future__ import annotations

import math
import numbers
from collections import deque
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from .errors import ModelError

__all__ = [
    "PARAMETER_KINDS",
    "COMPLEMENT",
    "Parameter",
    "PathwayModel",
    "AbsorptionAnalysis",
    "PathwaySimulation",
    "THAILAND_2021_SERVICES_GIVEN_IDENTIFIED",
    "AFTER_TRAFFICKING_STATES",
    "after_trafficking_model",
    "sensitivity",
    "simulate_pathways",
    "scenario_comparison",
]

PARAMETER_KINDS = ("sourced", "assumption")

#: Tolerance on the sum of the probabilities out of one state.
ROW_SUM_TOLERANCE = 1e-9


class _Complement:
    """Marks the branch of a row whose probability is one minus the other branches."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "COMPLEMENT"

    def __reduce__(self):
        return (_Complement, ())


#: Use as the value of one branch of a row: ``{"identified": p, "not_identified": COMPLEMENT}``.
COMPLEMENT = _Complement()


# --------------------------------------------------------------------------------------
# parameters
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parameter:
    """One documented model input.

    ``kind`` is ``"sourced"`` (a published figure: ``source`` must give the citation) or
    ``"assumption"`` (no publication behind the value: ``note`` must say what is assumed and
    why).  ``value`` is a finite real number; models that use it as a probability check that
    it lies in [0, 1].
    """

    name: str
    value: float
    source: str | None
    kind: str
    note: str = ""

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.strip():
            raise ModelError(f"a Parameter needs a non-empty name, got {self.name!r}")
        if isinstance(self.value, bool) or not isinstance(self.value, numbers.Real):
            raise ModelError(f"parameter '{self.name}': value must be a real number, got {self.value!r}")
        value = float(self.value)
        if not math.isfinite(value):
            raise ModelError(f"parameter '{self.name}': value must be finite, got {value}")
        object.__setattr__(self, "value", value)
        if self.kind not in PARAMETER_KINDS:
            raise ModelError(
                f"parameter '{self.name}': kind must be one of {PARAMETER_KINDS}, got {self.kind!r}"
            )
        if self.source is not None and not isinstance(self.source, str):
            raise ModelError(f"parameter '{self.name}': source must be a citation string or None")
        if not isinstance(self.note, str):
            raise ModelError(f"parameter '{self.name}': note must be a string")
        if self.kind == "sourced" and not (self.source and self.source.strip()):
            raise ModelError(
                f"parameter '{self.name}' is kind='sourced' but has no source: give the citation "
                "in source=..., or use kind='assumption' with a note explaining the value"
            )
        if self.kind == "assumption" and not self.note.strip():
            raise ModelError(
                f"parameter '{self.name}' is an assumption without a note: say in note=... what is "
                "assumed and why (e.g. 'placeholder, no published estimate')"
            )


def _as_parameter(name: str, value) -> Parameter:
    if isinstance(value, Parameter):
        if value.name != name:
            raise ModelError(f"keyword '{name}' was given a Parameter named '{value.name}'; the names must match")
        return value
    return Parameter(name, value, None, "assumption", "value supplied by the caller without a source")


# --------------------------------------------------------------------------------------
# the chain
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class AbsorptionAnalysis:
    """Exact results for an absorbing chain (Kemeny & Snell 1960, ch. 3).

    Arrays are indexed by ``transient_states`` (rows) and ``absorbing_states``:
    ``fundamental`` N = (I - Q)^-1 (expected visits to each transient state, the starting
    visit included), ``expected_steps`` t = N 1 (transitions until absorption),
    ``steps_variance`` (2N - I) t - t_sq (round-off below zero set to 0) and ``absorption``
    B = N R (probability of ending in each absorbing state).
    """

    transient_states: tuple[str, ...]
    absorbing_states: tuple[str, ...]
    fundamental: np.ndarray
    expected_steps: np.ndarray
    steps_variance: np.ndarray
    absorption: np.ndarray

    def fundamental_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.fundamental, index=pd.Index(self.transient_states, name="from"),
                            columns=pd.Index(self.transient_states, name="visits_to"))

    def absorption_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.absorption, index=pd.Index(self.transient_states, name="from"),
                            columns=pd.Index(self.absorbing_states, name="absorbed_in"))

    def steps_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"expected_steps": self.expected_steps, "variance": self.steps_variance,
             "sd": np.sqrt(self.steps_variance)},
            index=pd.Index(self.transient_states, name="from"),
        )


class PathwayModel:
    """An absorbing Markov chain over named states, with documented transition parameters.

    ``transitions`` maps each non-absorbing state to its branches ``{target: Parameter}``;
    at most one branch per row may be :data:`COMPLEMENT`.  States without a row (or with a
    row that returns to themselves with probability 1) are absorbing.  ``start`` (default:
    the first state in ``transitions``) is where pathways begin; ``states`` optionally fixes
    the order of states (it must contain every state mentioned).

    Raises :class:`ModelError` when a row does not sum to one (naming the state and the sum),
    a probability lies outside [0, 1], two different parameters share a name, there is no
    absorbing state, or some state cannot reach an absorbing state.  States that cannot be
    reached from ``start`` are reported in ``unreachable_states`` and ``diagnostics``.
    """

    def __init__(self, transitions: Mapping[str, Mapping[str, object]], *, start: str | None = None,
                 states: Sequence[str] | None = None):
        if not isinstance(transitions, Mapping) or not transitions:
            raise ModelError("transitions must be a non-empty mapping {state: {target: Parameter}}")
        rows: dict[str, tuple[tuple[str, object], ...]] = {}
        seen: list[str] = []

        def note_state(s):
            if not isinstance(s, str) or not s:
                raise ModelError(f"state names must be non-empty strings, got {s!r}")
            if s not in seen:
                seen.append(s)

        for state, branches in transitions.items():
            note_state(state)
            if not isinstance(branches, Mapping):
                raise ModelError(f"transitions of state '{state}' must be a mapping {{target: Parameter}}")
            for target in branches:
                note_state(target)
            rows[state] = tuple(branches.items())

        if states is None:
            order = tuple(seen)
        else:
            order = tuple(states)
            if len(set(order)) != len(order):
                raise ModelError("states contains duplicates")
            missing = [s for s in seen if s not in order]
            if missing:
                raise ModelError(f"states does not list {missing}; add them or leave states=None")
        self.states: tuple[str, ...] = order
        self._index = {s: i for i, s in enumerate(order)}

        n = len(order)
        matrix = np.zeros((n, n))
        parameters: dict[str, Parameter] = {}
        complement_of: dict[str, str] = {}
        for state, branches in rows.items():
            i = self._index[state]
            explicit = 0.0
            complement_target = None
            for target, p in branches:
                if p is COMPLEMENT:
                    if complement_target is not None:
                        raise ModelError(
                            f"state '{state}' has two COMPLEMENT branches ('{complement_target}' and "
                            f"'{target}'); at most one branch per row can take the remainder"
                        )
                    complement_target = target
                    continue
                if not isinstance(p, Parameter):
                    raise ModelError(
                        f"transition '{state}' -> '{target}' must be a Parameter or COMPLEMENT, got {p!r}"
                    )
                if not 0.0 <= p.value <= 1.0:
                    raise ModelError(
                        f"parameter '{p.name}' (transition '{state}' -> '{target}') is a probability "
                        f"but has value {p.value}; it must lie in [0, 1]"
                    )
                known = parameters.get(p.name)
                if known is not None and known != p:
                    raise ModelError(
                        f"two different parameters are named '{p.name}'; give them distinct names "
                        "or pass the same Parameter object"
                    )
                parameters[p.name] = p
                matrix[i, self._index[target]] += p.value
                explicit += p.value
            if complement_target is not None:
                remainder = 1.0 - explicit
                if remainder < -ROW_SUM_TOLERANCE:
                    raise ModelError(
                        f"transition probabilities out of state '{state}' sum to {explicit:.12g} before "
                        f"the COMPLEMENT branch to '{complement_target}'; they must not exceed 1"
                    )
                matrix[i, self._index[complement_target]] += max(remainder, 0.0)
                complement_of[state] = complement_target
            elif branches and abs(explicit - 1.0) > ROW_SUM_TOLERANCE:
                raise ModelError(
                    f"transition probabilities out of state '{state}' sum to {explicit:.12g}, not 1; "
                    "fix the values or mark one branch as COMPLEMENT to take the remainder"
                )
        self._rows = rows
        self._complement = complement_of
        self.parameters: dict[str, Parameter] = parameters
        self._matrix = matrix

        absorbing = [s for s in order if not rows.get(s) or matrix[self._index[s], self._index[s]] == 1.0]
        for s in absorbing:  # an absorbing state stays where it is: P[a, a] = 1
            matrix[self._index[s], self._index[s]] = 1.0
        matrix.flags.writeable = False
        if not absorbing:
            raise ModelError("the chain has no absorbing state (a state without outgoing transitions)")
        self.absorbing_states: tuple[str, ...] = tuple(absorbing)
        self.transient_states: tuple[str, ...] = tuple(s for s in order if s not in absorbing)
        self._check_absorbing_reachable()

        if start is None:
            start = next(iter(rows))
        self._check_state(start, "start")
        self.start: str = start
        reachable = self.reachable_from(start)
        self.unreachable_states: tuple[str, ...] = tuple(s for s in order if s not in reachable)
        self.diagnostics: tuple[str, ...] = tuple(
            [f"state '{s}' cannot be reached from '{start}'" for s in self.unreachable_states]
        )
        self._analysis: AbsorptionAnalysis | None = None

    # ---------------------------------------------------------------- structure
    def _check_state(self, state, what="state") -> int:
        if state not in self._index:
            raise ModelError(f"{what} '{state}' is not a state of the model; states are {list(self.states)}")
        return self._index[state]

    def _successors(self, i: int) -> np.ndarray:
        return np.flatnonzero(self._matrix[i] > 0)

    def reachable_from(self, state: str) -> set[str]:
        """States reachable from ``state`` through transitions of positive probability."""
        start = self._check_state(state)
        seen = {start}
        queue = deque([start])
        while queue:
            i = queue.popleft()
            for j in self._successors(i):
                if j not in seen:
                    seen.add(int(j))
                    queue.append(int(j))
        return {self.states[i] for i in seen}

    def _check_absorbing_reachable(self):
        predecessors: dict[int, list[int]] = {i: [] for i in range(len(self.states))}
        for i in range(len(self.states)):
            for j in self._successors(i):
                predecessors[int(j)].append(i)
        good = {self._index[s] for s in self.absorbing_states}
        queue = deque(good)
        while queue:
            j = queue.popleft()
            for i in predecessors[j]:
                if i not in good:
                    good.add(i)
                    queue.append(i)
        trapped = [s for s in self.transient_states if self._index[s] not in good]
        if trapped:
            raise ModelError(
                f"states {trapped} can never reach an absorbing state (they form a closed class), "
                "so the chain is not absorbing; add a transition from them to an absorbing state"
            )

    def index(self, state: str) -> int:
        """Position of ``state`` in ``states``."""
        return self._check_state(state)

    def transition_matrix(self, as_frame: bool = False):
        """The row-stochastic transition matrix P (rows: from, columns: to), in ``states`` order."""
        if as_frame:
            return pd.DataFrame(self._matrix.copy(), index=pd.Index(self.states, name="from"),
                                columns=pd.Index(self.states, name="to"))
        return self._matrix.copy()

    def transitions_of(self, name: str) -> list[tuple[str, str]]:
        """The (from, to) transitions that use parameter ``name``."""
        self._check_parameter(name)
        return [(s, t) for s, branches in self._rows.items() for t, p in branches
                if isinstance(p, Parameter) and p.name == name]

    def complement_branch(self, state: str) -> str | None:
        """The target whose probability is the remainder of ``state``'s row (None if none)."""
        self._check_state(state)
        return self._complement.get(state)

    def _check_parameter(self, name: str) -> Parameter:
        if name not in self.parameters:
            raise ModelError(f"unknown parameter '{name}'; the model's parameters are {list(self.parameters)}")
        return self.parameters[name]

    def parameters_table(self) -> pd.DataFrame:
        """One row per parameter: name, value, kind, source, note, and the transitions it sets
        (with the branch that takes the remainder of the row)."""
        records = []
        for name, p in self.parameters.items():
            uses = []
            for s, t in self.transitions_of(name):
                comp = self._complement.get(s)
                uses.append(f"{s} -> {t}" + (f" (remainder: {s} -> {comp})" if comp else ""))
            records.append({"name": name, "value": p.value, "kind": p.kind, "source": p.source,
                            "note": p.note, "transitions": "; ".join(uses)})
        return pd.DataFrame.from_records(
            records, columns=["name", "value", "kind", "source", "note", "transitions"]
        )

    def with_values(self, values: Mapping[str, float], *, reason: str = "scenario value") -> "PathwayModel":
        """A copy of the model with some parameter values replaced.

        A replaced parameter becomes an assumption (a changed value is no longer the published
        figure); its note records the baseline value and its kind/source.  Complement branches
        absorb the change; a parameter in a row without a complement cannot be changed.
        """
        replaced: dict[str, Parameter] = {}
        for name, value in values.items():
            old = self._check_parameter(name)
            self._check_variable(name)
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise ModelError(f"new value of '{name}' must be a real number, got {value!r}")
            if float(value) == old.value:
                continue
            baseline = f"baseline {old.value:.6g} ({old.kind}" + (f": {old.source}" if old.source else "") + ")"
            replaced[name] = Parameter(name, float(value), None, "assumption", f"{reason}; {baseline}")
        transitions = {
            s: {t: (replaced.get(p.name, p) if isinstance(p, Parameter) else p) for t, p in branches}
            for s, branches in self._rows.items()
        }
        return PathwayModel(transitions, start=self.start, states=self.states)

    def _check_variable(self, name: str):
        fixed = [s for s, _ in self.transitions_of(name) if s not in self._complement]
        if fixed:
            raise ModelError(
                f"parameter '{name}' sits in the row of state(s) {fixed}, which has no COMPLEMENT "
                "branch, so changing it would break the row sum; mark one branch of that row as COMPLEMENT"
            )

    def direction(self, name: str) -> np.ndarray:
        """dP/d(parameter): +1 on each transition the parameter sets, -1 on its row's complement."""
        self._check_parameter(name)
        self._check_variable(name)
        d = np.zeros_like(self._matrix)
        for s, t in self.transitions_of(name):
            i = self._index[s]
            d[i, self._index[t]] += 1.0
            d[i, self._index[self._complement[s]]] -= 1.0
        return d

    # ---------------------------------------------------------------- exact results
    def _blocks(self, matrix: np.ndarray):
        ti = [self._index[s] for s in self.transient_states]
        ai = [self._index[s] for s in self.absorbing_states]
        return matrix[np.ix_(ti, ti)], matrix[np.ix_(ti, ai)]

    def _fundamental(self, q: np.ndarray) -> np.ndarray:
        try:
            return np.linalg.solve(np.eye(q.shape[0]) - q, np.eye(q.shape[0]))
        except np.linalg.LinAlgError as exc:  # only with probabilities of leaving ~ 0
            raise ModelError(f"I - Q is numerically singular ({exc}); the chain almost never absorbs") from exc

    def analysis(self) -> AbsorptionAnalysis:
        """N, t, Var(steps) and B for every transient starting state (cached)."""
        if self._analysis is None:
            q, r = self._blocks(self._matrix)
            fundamental = self._fundamental(q)
            steps = fundamental.sum(axis=1)
            variance = (2.0 * fundamental - np.eye(len(steps))) @ steps - steps**2
            arrays = [fundamental, steps, np.maximum(variance, 0.0), fundamental @ r]
            for array in arrays:  # cached: protect it from accidental edits
                array.flags.writeable = False
            self._analysis = AbsorptionAnalysis(self.transient_states, self.absorbing_states, *arrays)
        return self._analysis

    def absorption_probabilities(self, start: str | None = None) -> pd.Series:
        """P(absorbed in each absorbing state | start); an absorbing start is absorbed at once."""
        start = self.start if start is None else start
        self._check_state(start, "start")
        if start in self.absorbing_states:
            values = [1.0 if a == start else 0.0 for a in self.absorbing_states]
        else:
            values = self.analysis().absorption[self.transient_states.index(start)]
        return pd.Series(values, index=pd.Index(self.absorbing_states, name="absorbed_in"),
                         name=f"P(absorbed | {start})")

    def __repr__(self) -> str:
        kinds = pd.Series([p.kind for p in self.parameters.values()]).value_counts().to_dict()
        return (f"PathwayModel({len(self.transient_states)} transient, {len(self.absorbing_states)} "
                f"absorbing states, start='{self.start}', parameters={kinds})")


# --------------------------------------------------------------------------------------
# sensitivity
# --------------------------------------------------------------------------------------


def _absorption_from_matrix(model: PathwayModel, matrix: np.ndarray) -> np.ndarray:
    q, r = model._blocks(matrix)
    return model._fundamental(q) @ r


def sensitivity(model: PathwayModel, target: str = "reintegrated", start: str | None = None,
                method: str = "analytic", step: float = 1e-6) -> pd.DataFrame:
    """Derivative of P(absorbed in ``target`` | ``start``) with respect to every parameter.

    ``method="analytic"``: with D = dP/dtheta (+1 on the parameter's transitions, -1 on the
    complement branch of the same row), dB = N (D_Q B + D_R), which follows from
    B = N R and dN = N dQ N.  ``method="central"``: (B(P + hD) - B(P - hD)) / 2h with
    h = ``step`` (default 1e-6: truncation error O(h^2), round-off about 1e-16 / h), evaluated
    on the matrix function B(P) directly so that a step at a boundary (theta = 0 or 1) is
    still defined.  The elasticity is theta / B * dB/dtheta (NaN when B = 0).

    Returns one row per parameter: parameter, value, kind, derivative, elasticity,
    remainder_branch (the transitions whose probability falls when the parameter rises).
    Parameters in a row without a COMPLEMENT branch get NaN.
    """
    if method not in ("analytic", "central"):
        raise ModelError(f"unknown method {method!r}; choose 'analytic' or 'central'")
    if not (isinstance(step, numbers.Real) and 0 < step < 0.5):
        raise ModelError(f"step must be a small positive number, got {step!r}")
    start = model.start if start is None else start
    model._check_state(start, "start")
    if target not in model.absorbing_states:
        raise ModelError(f"target '{target}' is not an absorbing state; choose one of {list(model.absorbing_states)}")
    if start not in model.transient_states:
        raise ModelError(f"start '{start}' is absorbing, so nothing depends on the parameters")
    row = model.transient_states.index(start)
    col = model.absorbing_states.index(target)
    result = model.analysis()
    base = result.absorption[row, col]
    records = []
    for name, p in model.parameters.items():
        uses = model.transitions_of(name)
        remainder = [f"{s} -> {model.complement_branch(s)}" for s, _ in uses if model.complement_branch(s)]
        try:
            d = model.direction(name)
        except ModelError:
            records.append({"parameter": name, "value": p.value, "kind": p.kind, "derivative": np.nan,
                            "elasticity": np.nan, "remainder_branch": "none: row has no COMPLEMENT"})
            continue
        if method == "analytic":
            d_q, d_r = model._blocks(d)
            derivative = (result.fundamental @ (d_q @ result.absorption + d_r))[row, col]
        else:
            plus = _absorption_from_matrix(model, model._matrix + step * d)[row, col]
            minus = _absorption_from_matrix(model, model._matrix - step * d)[row, col]
            derivative = (plus - minus) / (2.0 * step)
        elasticity = p.value * derivative / base if base > 0 else np.nan
        records.append({"parameter": name, "value": p.value, "kind": p.kind, "derivative": float(derivative),
                        "elasticity": float(elasticity), "remainder_branch": "; ".join(remainder)})
    return pd.DataFrame.from_records(
        records, columns=["parameter", "value", "kind", "derivative", "elasticity", "remainder_branch"]
    )


# --------------------------------------------------------------------------------------
# Monte Carlo
# --------------------------------------------------------------------------------------


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
            raise ModelError("visits were not recorded; rerun simulate_pathways(..., record_visits=True)")
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
                raise ModelError(f"row {i} of the transition matrix has no positive entry")
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
        raise ModelError(f"n_cases must be a positive integer, got {n_cases!r}")
    if isinstance(max_steps, bool) or not isinstance(max_steps, numbers.Integral) or max_steps < 1:
        raise ModelError(f"max_steps must be a positive integer, got {max_steps!r}")
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


# --------------------------------------------------------------------------------------
# scenarios
# --------------------------------------------------------------------------------------


def scenario_comparison(model: PathwayModel, changes: Mapping[str, float], target: str = "reintegrated",
                        start: str | None = None) -> pd.DataFrame:
    """Baseline vs scenario after absolute changes to some probabilities.

    ``changes`` maps parameter names to absolute changes (e.g. ``{"p_identified": 0.1}``).
    Each new value is clipped to what keeps every row it appears in valid: at least 0 and at
    most its value plus the current remainder (complement) of the row, hence at most 1;
    changes are applied in the order given.  The complement branch absorbs the change.

    Returns one row per changed parameter (kind 'parameter', with the requested change and
    whether it was clipped), one per absorbing state (kind 'absorption probability', the
    ``target`` first) and the expected number of steps, with columns baseline, scenario,
    difference.
    """
    start = model.start if start is None else start
    model._check_state(start, "start")
    if target not in model.absorbing_states:
        raise ModelError(f"target '{target}' is not an absorbing state; choose one of {list(model.absorbing_states)}")
    if not changes:
        raise ModelError("changes is empty; give at least one {parameter: absolute change}")
    scenario = model
    parameter_rows = []
    for name, delta in changes.items():
        if isinstance(delta, bool) or not isinstance(delta, numbers.Real) or not math.isfinite(delta):
            raise ModelError(f"change of '{name}' must be a finite number, got {delta!r}")
        baseline = model._check_parameter(name).value
        current = scenario.parameters[name].value
        scenario._check_variable(name)
        matrix = scenario.transition_matrix()
        upper = min(
            [1.0] + [current + matrix[scenario.index(s), scenario.index(scenario.complement_branch(s))]
                     for s, _ in scenario.transitions_of(name)]
        )
        wanted = current + float(delta)
        new = min(max(wanted, 0.0), upper)
        scenario = scenario.with_values({name: new}, reason=f"scenario: change {float(delta):+.6g}")
        parameter_rows.append({"quantity": name, "kind": "parameter", "baseline": baseline, "scenario": new,
                               "difference": new - baseline, "requested_change": float(delta),
                               "clipped": not math.isclose(new, wanted, rel_tol=0.0, abs_tol=1e-15)})
    before = model.absorption_probabilities(start)
    after = scenario.absorption_probabilities(start)
    outcome_order = [target] + [a for a in model.absorbing_states if a != target]
    outcome_rows = [{"quantity": f"P({a})", "kind": "absorption probability", "baseline": before[a],
                     "scenario": after[a], "difference": after[a] - before[a],
                     "requested_change": np.nan, "clipped": False} for a in outcome_order]

    def expected_steps(m):
        if start in m.absorbing_states:
            return 0.0
        return float(m.analysis().expected_steps[m.transient_states.index(start)])

    steps_before, steps_after = expected_steps(model), expected_steps(scenario)
    outcome_rows.append({"quantity": "expected steps", "kind": "expected steps", "baseline": steps_before,
                         "scenario": steps_after, "difference": steps_after - steps_before,
                         "requested_change": np.nan, "clipped": False})
    table = pd.DataFrame.from_records(
        parameter_rows + outcome_rows,
        columns=["quantity", "kind", "baseline", "scenario", "difference", "requested_change", "clipped"],
    )
    return table.set_index("quantity")


# --------------------------------------------------------------------------------------
# the After Trafficking framework
# --------------------------------------------------------------------------------------

_TIP_2022_THAILAND = (
    "U.S. Department of State (2022). 2022 Trafficking in Persons Report: Thailand. "
    "https://www.state.gov/reports/2022-trafficking-in-persons-report/thailand/ "
    "(of the 414 victims identified in 2021 the government reported providing services to 354)"
)

#: Thailand 2021: victims given services / victims identified = 354 / 414 (US TIP Report 2022).
THAILAND_2021_SERVICES_GIVEN_IDENTIFIED = Parameter(
    "p_referred",
    354 / 414,
    _TIP_2022_THAILAND,
    "sourced",
    "Thailand, 2021 only. The report counts identified victims PROVIDED services (shelter, "
    "reintegration support, legal and financial assistance, other), which is referral followed by "
    "acceptance; it is used here as P(referred | identified). With p_assistance_accepted < 1 the "
    "modelled share assisted falls below 354/414; set p_assistance_accepted=1 to reproduce it. "
    "Later TIP editions may revise the 2021 counts; check before publishing.",
)

_PLACEHOLDER_BINARY = "placeholder: no published estimate; 0.5 is the maximum-uncertainty midpoint, not an estimate"
_PLACEHOLDER_OUTCOME = ("placeholder: no published estimate; 1/3 gives the three outcomes equal weight, "
                        "not an estimate")


def _assume(name: str, value: float, what: str, placeholder: str = _PLACEHOLDER_BINARY) -> Parameter:
    return Parameter(name, value, None, "assumption", f"{what}. {placeholder}")


#: The framework's states, in the order used by :func:`after_trafficking_model`.
AFTER_TRAFFICKING_STATES = (
    "trafficked", "identified", "not_identified", "referred", "not_referred",
    "assistance_accepted", "assistance_declined", "return_official", "return_self",
    "reintegration_assistance", "no_reintegration_assistance",
    "reintegrated", "re_migrated", "re_trafficked",
)


def after_trafficking_model(
    *,
    p_identified: Parameter | float = _assume(
        "p_identified", 0.5, "P(identified as a trafficked person | trafficked)"),
    p_referred: Parameter | float = THAILAND_2021_SERVICES_GIVEN_IDENTIFIED,
    p_assistance_accepted: Parameter | float = _assume(
        "p_assistance_accepted", 0.5, "P(accepts the assistance offered | referred)"),
    p_official_return_accepted: Parameter | float = _assume(
        "p_official_return_accepted", 0.5, "P(official return | accepted assistance)"),
    p_official_return_declined: Parameter | float = _assume(
        "p_official_return_declined", 0.5, "P(official return | declined assistance)"),
    p_official_return_not_referred: Parameter | float = _assume(
        "p_official_return_not_referred", 0.5, "P(official return | identified, not referred)"),
    p_official_return_not_identified: Parameter | float = _assume(
        "p_official_return_not_identified", 0.5,
        "P(official return | not identified); for unidentified persons an official return is "
        "typically deportation as an irregular migrant"),
    p_reintegration_assistance_official: Parameter | float = _assume(
        "p_reintegration_assistance_official", 0.5, "P(reintegration assistance | official return)"),
    p_reintegration_assistance_self: Parameter | float = _assume(
        "p_reintegration_assistance_self", 0.5, "P(reintegration assistance | returned on own)"),
    p_reintegrated_assisted: Parameter | float = _assume(
        "p_reintegrated_assisted", 1 / 3, "P(reintegrated | reintegration assistance)", _PLACEHOLDER_OUTCOME),
    p_re_trafficked_assisted: Parameter | float = _assume(
        "p_re_trafficked_assisted", 1 / 3, "P(re-trafficked | reintegration assistance)", _PLACEHOLDER_OUTCOME),
    p_reintegrated_unassisted: Parameter | float = _assume(
        "p_reintegrated_unassisted", 1 / 3, "P(reintegrated | no reintegration assistance)", _PLACEHOLDER_OUTCOME),
    p_re_trafficked_unassisted: Parameter | float = _assume(
        "p_re_trafficked_unassisted", 1 / 3, "P(re-trafficked | no reintegration assistance)",
        _PLACEHOLDER_OUTCOME),
) -> PathwayModel:
    """The post-trafficking pathway of Surtees (2013), *After Trafficking*, as an absorbing chain.

    Every probability is a keyword argument: a :class:`Parameter` (a plain number is taken as
    an assumption "supplied by the caller without a source").  Defaults are assumptions with
    placeholder values (0.5 for a binary branch, 1/3 for each of the three outcomes), because
    *After Trafficking* publishes no transition counts that could be read; the one sourced
    default is ``p_referred`` = 354/414 = 0.855 (Thailand 2021: victims given services among
    those identified; US Department of State, 2022 TIP Report), with the caveats in its note.
    Pathways start in ``trafficked``.  With the default placeholders both outcome rows are
    1/3 each, so the outcome does not depend on the earlier steps and every upstream
    sensitivity is zero: a notebook must set the outcome parameters (as labelled assumptions
    or from data) before the model says anything about the effect of identification or
    assistance.

    ===========================  ============================================  ===========================
    state                        branch set by a parameter                     remainder (COMPLEMENT)
    ===========================  ============================================  ===========================
    trafficked                   identified: p_identified                      not_identified
    identified                   referred: p_referred                          not_referred
    referred                     assistance_accepted: p_assistance_accepted    assistance_declined
    assistance_accepted          return_official: p_official_return_accepted   return_self
    assistance_declined          return_official: p_official_return_declined   return_self
    not_referred                 return_official:                              return_self
                                 p_official_return_not_referred
    not_identified               return_official:                              return_self
                                 p_official_return_not_identified
    return_official              reintegration_assistance:                     no_reintegration_assistance
                                 p_reintegration_assistance_official
    return_self                  reintegration_assistance:                     no_reintegration_assistance
                                 p_reintegration_assistance_self
    reintegration_assistance     reintegrated: p_reintegrated_assisted;        re_migrated
                                 re_trafficked: p_re_trafficked_assisted
    no_reintegration_assistance  reintegrated: p_reintegrated_unassisted;      re_migrated
                                 re_trafficked: p_re_trafficked_unassisted
    reintegrated                 absorbing
    re_migrated                  absorbing
    re_trafficked                absorbing
    ===========================  ============================================  ===========================

    A pathway takes 4 steps (not identified), 5 (identified, not referred) or 6 (referred).
    The chain is Markov: where a person goes next depends only on the current state, so e.g.
    the outcome after reintegration assistance does not depend on how the person returned.
    """
    p = {
        name: _as_parameter(name, value)
        for name, value in {
            "p_identified": p_identified,
            "p_referred": p_referred,
            "p_assistance_accepted": p_assistance_accepted,
            "p_official_return_accepted": p_official_return_accepted,
            "p_official_return_declined": p_official_return_declined,
            "p_official_return_not_referred": p_official_return_not_referred,
            "p_official_return_not_identified": p_official_return_not_identified,
            "p_reintegration_assistance_official": p_reintegration_assistance_official,
            "p_reintegration_assistance_self": p_reintegration_assistance_self,
            "p_reintegrated_assisted": p_reintegrated_assisted,
            "p_re_trafficked_assisted": p_re_trafficked_assisted,
            "p_reintegrated_unassisted": p_reintegrated_unassisted,
            "p_re_trafficked_unassisted": p_re_trafficked_unassisted,
        }.items()
    }
    transitions = {
        "trafficked": {"identified": p["p_identified"], "not_identified": COMPLEMENT},
        "identified": {"referred": p["p_referred"], "not_referred": COMPLEMENT},
        "referred": {"assistance_accepted": p["p_assistance_accepted"], "assistance_declined": COMPLEMENT},
        "assistance_accepted": {"return_official": p["p_official_return_accepted"], "return_self": COMPLEMENT},
        "assistance_declined": {"return_official": p["p_official_return_declined"], "return_self": COMPLEMENT},
        "not_referred": {"return_official": p["p_official_return_not_referred"], "return_self": COMPLEMENT},
        "not_identified": {"return_official": p["p_official_return_not_identified"], "return_self": COMPLEMENT},
        "return_official": {"reintegration_assistance": p["p_reintegration_assistance_official"],
                            "no_reintegration_assistance": COMPLEMENT},
        "return_self": {"reintegration_assistance": p["p_reintegration_assistance_self"],
                        "no_reintegration_assistance": COMPLEMENT},
        "reintegration_assistance": {"reintegrated": p["p_reintegrated_assisted"],
                                     "re_trafficked": p["p_re_trafficked_assisted"],
                                     "re_migrated": COMPLEMENT},
        "no_reintegration_assistance": {"reintegrated": p["p_reintegrated_unassisted"],
                                        "re_trafficked": p["p_re_trafficked_unassisted"],
                                        "re_migrated": COMPLEMENT},
    }
    return PathwayModel(transitions, start="trafficked", states=AFTER_TRAFFICKING_STATES)
