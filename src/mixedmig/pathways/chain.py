"""Post-trafficking pathways as an absorbing Markov chain: parameters, the model, absorption analysis."""

from __future__ import annotations
import math
import numbers
from collections import deque
from dataclasses import dataclass
from typing import Mapping, Sequence
import numpy as np
import pandas as pd
from ..errors import InputError


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
            raise InputError(f"a Parameter needs a non-empty name, got {self.name!r}")
        if isinstance(self.value, bool) or not isinstance(self.value, numbers.Real):
            raise InputError(f"parameter '{self.name}': value must be a real number, got {self.value!r}")
        value = float(self.value)
        if not math.isfinite(value):
            raise InputError(f"parameter '{self.name}': value must be finite, got {value}")
        object.__setattr__(self, "value", value)
        if self.kind not in PARAMETER_KINDS:
            raise InputError(
                f"parameter '{self.name}': kind must be one of {PARAMETER_KINDS}, got {self.kind!r}"
            )
        if self.source is not None and not isinstance(self.source, str):
            raise InputError(f"parameter '{self.name}': source must be a citation string or None")
        if not isinstance(self.note, str):
            raise InputError(f"parameter '{self.name}': note must be a string")
        if self.kind == "sourced" and not (self.source and self.source.strip()):
            raise InputError(
                f"parameter '{self.name}' is kind='sourced' but has no source: give the citation "
                "in source=..., or use kind='assumption' with a note explaining the value"
            )
        if self.kind == "assumption" and not self.note.strip():
            raise InputError(
                f"parameter '{self.name}' is an assumption without a note: say in note=... what is "
                "assumed and why (e.g. 'placeholder, no published estimate')"
            )


def _as_parameter(name: str, value) -> Parameter:
    if isinstance(value, Parameter):
        if value.name != name:
            raise InputError(f"keyword '{name}' was given a Parameter named '{value.name}'; the names must match")
        return value
    return Parameter(name, value, None, "assumption", "value supplied by the caller without a source")


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

    Raises :class:`InputError` when a row does not sum to one (naming the state and the sum),
    a probability lies outside [0, 1], two different parameters share a name, there is no
    absorbing state, or some state cannot reach an absorbing state.  States that cannot be
    reached from ``start`` are reported in ``unreachable_states`` and ``diagnostics``.
    """

    def __init__(self, transitions: Mapping[str, Mapping[str, object]], *, start: str | None = None,
                 states: Sequence[str] | None = None):
        if not isinstance(transitions, Mapping) or not transitions:
            raise InputError("transitions must be a non-empty mapping {state: {target: Parameter}}")
        rows: dict[str, tuple[tuple[str, object], ...]] = {}
        seen: list[str] = []

        def note_state(s):
            if not isinstance(s, str) or not s:
                raise InputError(f"state names must be non-empty strings, got {s!r}")
            if s not in seen:
                seen.append(s)

        for state, branches in transitions.items():
            note_state(state)
            if not isinstance(branches, Mapping):
                raise InputError(f"transitions of state '{state}' must be a mapping {{target: Parameter}}")
            for target in branches:
                note_state(target)
            rows[state] = tuple(branches.items())

        if states is None:
            order = tuple(seen)
        else:
            order = tuple(states)
            if len(set(order)) != len(order):
                raise InputError("states contains duplicates")
            missing = [s for s in seen if s not in order]
            if missing:
                raise InputError(f"states does not list {missing}; add them or leave states=None")
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
                        raise InputError(
                            f"state '{state}' has two COMPLEMENT branches ('{complement_target}' and "
                            f"'{target}'); at most one branch per row can take the remainder"
                        )
                    complement_target = target
                    continue
                if not isinstance(p, Parameter):
                    raise InputError(
                        f"transition '{state}' -> '{target}' must be a Parameter or COMPLEMENT, got {p!r}"
                    )
                if not 0.0 <= p.value <= 1.0:
                    raise InputError(
                        f"parameter '{p.name}' (transition '{state}' -> '{target}') is a probability "
                        f"but has value {p.value}; it must lie in [0, 1]"
                    )
                known = parameters.get(p.name)
                if known is not None and known != p:
                    raise InputError(
                        f"two different parameters are named '{p.name}'; give them distinct names "
                        "or pass the same Parameter object"
                    )
                parameters[p.name] = p
                matrix[i, self._index[target]] += p.value
                explicit += p.value
            if complement_target is not None:
                remainder = 1.0 - explicit
                if remainder < -ROW_SUM_TOLERANCE:
                    raise InputError(
                        f"transition probabilities out of state '{state}' sum to {explicit:.12g} before "
                        f"the COMPLEMENT branch to '{complement_target}'; they must not exceed 1"
                    )
                matrix[i, self._index[complement_target]] += max(remainder, 0.0)
                complement_of[state] = complement_target
            elif branches and abs(explicit - 1.0) > ROW_SUM_TOLERANCE:
                raise InputError(
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
            raise InputError("the chain has no absorbing state (a state without outgoing transitions)")
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
            raise InputError(f"{what} '{state}' is not a state of the model; states are {list(self.states)}")
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
            raise InputError(
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
            raise InputError(f"unknown parameter '{name}'; the model's parameters are {list(self.parameters)}")
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
                raise InputError(f"new value of '{name}' must be a real number, got {value!r}")
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
            raise InputError(
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
            raise InputError(f"I - Q is numerically singular ({exc}); the chain almost never absorbs") from exc

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
