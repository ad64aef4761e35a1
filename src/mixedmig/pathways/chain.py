"""Parameters, the absorbing Markov chain and its exact absorption analysis.

A post-trafficking pathway is written as an absorbing Markov chain over named states whose
every transition probability is an explicit :class:`Parameter`, either *sourced* (a published
figure with its citation) or an *assumption* (a value with a note saying what is assumed and
why).  :class:`PathwayModel` builds and checks the transition matrix ``P`` (rows: from, columns:
to); :meth:`PathwayModel.analysis` returns an :class:`AbsorptionResult` with the fundamental
matrix ``N = (I - Q)^-1``, the expected number of steps ``t = N 1``, its variance
``(2N - I) t - t_sq`` and the absorption probabilities ``B = N R``, where ``Q`` is the
transient-to-transient and ``R`` the transient-to-absorbing block of ``P``.

References
----------
Kemeny JG, Snell JL (1960; 2nd ed. 1976). *Finite Markov Chains.* Princeton: Van Nostrand
    (2nd ed. New York: Springer), ch. 3 (fundamental matrix, Theorems 3.2.4, 3.3.5, 3.3.7).
Grinstead CM, Snell JL (1997). *Introduction to Probability*, 2nd rev. ed. Providence: AMS,
    ch. 11.2 (absorbing Markov chains).
Surtees R (2013). *After Trafficking: Experiences and Challenges in the (Re)integration of
    Trafficked Persons in the Greater Mekong Sub-region.* Bangkok: UNIAP / NEXUS Institute.
"""

from __future__ import annotations

import math
import numbers
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError, ModelError
from ..results import Result, diagnostics_frame

#: The two kinds of :class:`Parameter`: a published figure, or an assumption that says so.
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
    """One documented model input: a sourced figure or a labelled assumption.

    Every transition probability of a :class:`PathwayModel` is a ``Parameter``, so a reader can
    tell a published figure from a value somebody chose.  ``kind="sourced"`` means a published
    figure: ``source`` must give the citation.  ``kind="assumption"`` means no publication stands
    behind the value: ``note`` must say what is assumed and why (e.g. "placeholder: no published
    estimate").  A sourced value that is changed (a scenario, :meth:`PathwayModel.with_values`)
    becomes an assumption whose note records the baseline.

    Parameters
    ----------
    name : str
        Identifier, unique within a model (e.g. ``"p_identified"``).
    value : float
        A finite real number (stored as ``float``); a model that uses it as a probability
        checks that it lies in [0, 1].
    source : str or None
        The citation; required (non-blank) when ``kind="sourced"``.
    kind : {"sourced", "assumption"}
        Whether the value is a published figure or an assumption.
    note : str, default ""
        Caveats; required (non-blank) when ``kind="assumption"``.

    Raises
    ------
    InputError
        For an empty name, a non-real or non-finite value, an unknown kind, a sourced parameter
        without a source or an assumption without a note.

    References
    ----------
    Surtees R (2013). *After Trafficking.* Bangkok: UNIAP / NEXUS Institute.

    Examples
    --------
    >>> Parameter("p_stay", 0.5, None, "assumption", "made-up value for the example").kind
    'assumption'
    >>> Parameter("p_x", 0.3, None, "sourced")
    Traceback (most recent call last):
    ...
    mixedmig.errors.InputError: parameter 'p_x' is kind='sourced' but has no source: ...
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


def _check_seed(seed, what: str = "seed"):
    """``seed`` if ``numpy.random.default_rng`` accepts it, else InputError saying what does.

    The one seed check of the pathways room (``simulate_pathways``, ``psa``): a non-negative
    integer, a sequence of them, a ``numpy.random.SeedSequence``, ``BitGenerator`` or
    ``Generator`` (None draws fresh entropy).  Booleans, floats and strings are refused.
    """
    if isinstance(seed, (bool, np.bool_, str, bytes, float, np.floating)):
        raise InputError(
            f"{what} must be a non-negative integer (or a numpy SeedSequence/Generator), got {seed!r}; "
            "pass e.g. seed=2013"
        )
    try:
        np.random.default_rng(seed)
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"{what} must be a non-negative integer (or a numpy SeedSequence/Generator), got {seed!r} "
            f"({exc}); pass e.g. seed=2013"
        ) from None
    return seed


@dataclass(frozen=True, eq=False)
class AbsorptionResult(Result):
    """Exact results for an absorbing Markov chain (Kemeny & Snell 1960, ch. 3).

    Write the transition matrix with the transient states first,
    ``P = [[Q, R], [0, I]]``: ``Q`` holds the transient-to-transient and ``R`` the
    transient-to-absorbing probabilities.  Then

    * ``N = (I - Q)^-1``, the fundamental matrix: ``N[i, j]`` is the expected number of visits
      to transient state ``j`` of a pathway that starts in ``i`` (the starting visit counts);
    * ``t = N 1``: the expected number of transitions until absorption;
    * ``Var(T) = (2N - I) t - t_sq`` (``t_sq`` the element-wise square of ``t``);
    * ``B = N R``: ``B[i, a]`` is the probability of ending in absorbing state ``a``.

    Returned by :meth:`PathwayModel.analysis`.  Closed form: ``converged`` is True and
    ``iterations`` 0.

    Parameters
    ----------
    transient_states : tuple of str
        The transient states, in the model's order (the rows of every table).
    absorbing_states : tuple of str
        The absorbing states, in the model's order.
    fundamental : pandas.DataFrame
        ``N``; index ``from`` and columns ``visits_to``, both the transient states.
    expected_steps : pandas.Series
        ``t``, indexed by ``from`` (transient states).
    steps_variance : pandas.Series
        ``Var(T)``, indexed by ``from``; round-off below zero is set to 0.
    absorption : pandas.DataFrame
        ``B``; index ``from`` (transient states), columns ``absorbed_in`` (absorbing states);
        each row sums to 1.
    converged, iterations, message, diagnostics
        The result protocol (:class:`mixedmig.results.Result`).  ``diagnostics`` has one row
        for the condition number of ``I - Q``, one for the largest ``|B 1 - 1|`` and one per
        state that cannot be reached from the model's start.

    Notes
    -----
    ``N = sum_k Q^k`` counts visits; ``B = N R`` because a pathway is absorbed in ``a`` after
    some number of visits to transient states, the last of which jumps to ``a``; ``t = N 1``
    sums the visits (Kemeny & Snell 1960, Theorems 3.2.4, 3.3.5 and 3.3.7).

    References
    ----------
    Kemeny JG, Snell JL (1960; 2nd ed. 1976). *Finite Markov Chains*, ch. 3.
    Grinstead CM, Snell JL (1997). *Introduction to Probability*, ch. 11.2.

    Examples
    --------
    A made-up three-state chain: from ``A`` stay with probability 0.5, go to ``X`` with 0.3,
    else (0.2) to ``Y``.  Then ``N = 1 / (1 - 0.5) = 2``, ``B = 2 [0.3, 0.2] = [0.6, 0.4]``,
    ``t = 2`` and ``Var(T) = (2 * 2 - 1) * 2 - 4 = 2``.

    >>> def made_up(name, value):
    ...     return Parameter(name, value, None, "assumption", "made-up value for the example")
    >>> model = PathwayModel({"A": {"A": made_up("s", 0.5), "X": made_up("a", 0.3), "Y": COMPLEMENT}})
    >>> result = model.analysis()
    >>> result.fundamental.loc["A", "A"]
    np.float64(2.0)
    >>> result.absorption.round(6)
    absorbed_in    X    Y
    from
    A            0.6  0.4
    >>> result.steps_frame()
          expected_steps  variance        sd
    from
    A                2.0       2.0  1.414214
    """

    transient_states: tuple[str, ...]
    absorbing_states: tuple[str, ...]
    fundamental: pd.DataFrame
    expected_steps: pd.Series
    steps_variance: pd.Series
    absorption: pd.DataFrame

    def steps_frame(self) -> pd.DataFrame:
        """Expected number of steps to absorption, its variance and standard deviation.

        Returns
        -------
        pandas.DataFrame
            Index ``from`` (transient states); columns ``expected_steps`` (``t = N 1``),
            ``variance`` (``(2N - I) t - t_sq``) and ``sd`` (its square root).

        Examples
        --------
        >>> model = PathwayModel({"A": {"X": Parameter("a", 0.5, None, "assumption", "made up"),
        ...                             "Y": COMPLEMENT}})
        >>> model.analysis().steps_frame()
              expected_steps  variance   sd
        from
        A                1.0       0.0  0.0
        """
        return pd.DataFrame(
            {"expected_steps": self.expected_steps, "variance": self.steps_variance,
             "sd": np.sqrt(self.steps_variance)},
            index=pd.Index(self.transient_states, name="from"),
        )

    def to_frame(self) -> pd.DataFrame:
        """The absorption probabilities ``B = N R`` (the main table).

        Returns
        -------
        pandas.DataFrame
            A copy of :attr:`absorption`: index ``from`` (transient states), columns
            ``absorbed_in`` (absorbing states).

        Examples
        --------
        >>> model = PathwayModel({"A": {"X": Parameter("a", 0.25, None, "assumption", "made up"),
        ...                             "Y": COMPLEMENT}})
        >>> model.analysis().to_frame()
        absorbed_in     X     Y
        from
        A            0.25  0.75
        """
        return self.absorption.copy()


class PathwayModel:
    """An absorbing Markov chain over named states, with documented transition parameters.

    ``transitions`` maps each non-absorbing state to its branches ``{target: Parameter}``; at
    most one branch per row may be :data:`COMPLEMENT`, whose probability is one minus the other
    branches of the row.  When a parameter changes (a sensitivity derivative, a scenario) the
    complement branch of every row that uses it absorbs the change, so rows stay stochastic; a
    row without a complement must sum to one on its own and its parameters cannot be varied.
    States without a row (or whose row returns to themselves with probability 1) are absorbing.

    Parameters
    ----------
    transitions : mapping of str to mapping of str to Parameter
        ``{state: {target: Parameter or COMPLEMENT}}``; the rows of the transition matrix
        (rows = from, columns = to).
    start : str, optional
        Where pathways begin; default: the first state of ``transitions``.
    states : sequence of str, optional
        The order of the states; it must list every state mentioned.  Default: order of first
        mention.

    Attributes
    ----------
    states : tuple of str
        All states, in order.
    transient_states, absorbing_states : tuple of str
        The two classes of states, each in ``states`` order.
    start : str
        The starting state.
    parameters : dict of str to Parameter
        The model's parameters by name.
    unreachable_states : tuple of str
        States that cannot be reached from ``start`` through transitions of positive
        probability.
    diagnostics : pandas.DataFrame
        One row (``check``, ``value``, ``note``) per unreachable state; empty when every state
        can be reached.

    Raises
    ------
    InputError
        When a row does not sum to one (the message names the state and the sum), a probability
        lies outside [0, 1], a row has two COMPLEMENT branches, two different parameters share
        a name, there is no absorbing state, some state cannot reach an absorbing state, or
        ``start``/``states`` name unknown or duplicate states.

    References
    ----------
    Kemeny JG, Snell JL (1960; 2nd ed. 1976). *Finite Markov Chains*, ch. 3.
    Surtees R (2013). *After Trafficking.* Bangkok: UNIAP / NEXUS Institute.

    Examples
    --------
    A made-up three-state chain (not data): from ``A`` stay with 0.5, go to ``X`` with 0.3 and
    to ``Y`` with the remainder 0.2.

    >>> def made_up(name, value):
    ...     return Parameter(name, value, None, "assumption", "made-up value for the example")
    >>> model = PathwayModel({"A": {"A": made_up("s", 0.5), "X": made_up("a", 0.3), "Y": COMPLEMENT}})
    >>> model.transient_states, model.absorbing_states
    (('A',), ('X', 'Y'))
    >>> model.absorption_probabilities().round(6).to_dict()
    {'X': 0.6, 'Y': 0.4}
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
        self.diagnostics: pd.DataFrame = diagnostics_frame(
            ("unreachable_state", s, f"state '{s}' cannot be reached from '{start}'")
            for s in self.unreachable_states
        )
        self._arrays: tuple[np.ndarray, ...] | None = None

    # ---------------------------------------------------------------- structure
    def _check_state(self, state, what="state") -> int:
        if state not in self._index:
            raise InputError(f"{what} '{state}' is not a state of the model; states are {list(self.states)}")
        return self._index[state]

    def _resolve_start(self, start: str | None) -> str:
        """``start``, or the model's start when None; checked to be a state."""
        start = self.start if start is None else start
        self._check_state(start, "start")
        return start

    def _successors(self, i: int) -> np.ndarray:
        return np.flatnonzero(self._matrix[i] > 0)

    def reachable_from(self, state: str) -> set[str]:
        """States reachable from ``state`` through transitions of positive probability.

        Parameters
        ----------
        state : str
            The state to start from (it is reachable from itself).

        Returns
        -------
        set of str
            The reachable states, ``state`` included.

        Raises
        ------
        InputError
            If ``state`` is not a state of the model.

        Examples
        --------
        >>> model = PathwayModel({"A": {"X": Parameter("a", 0.0, None, "assumption", "made up"),
        ...                             "Y": COMPLEMENT}})
        >>> sorted(model.reachable_from("A"))  # X has probability 0
        ['A', 'Y']
        """
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
        """Position of ``state`` in ``states`` (and in the rows of :meth:`transition_matrix`).

        Parameters
        ----------
        state : str
            A state of the model.

        Returns
        -------
        int
            Its 0-based position.

        Raises
        ------
        InputError
            If ``state`` is not a state of the model.

        Examples
        --------
        >>> model = PathwayModel({"A": {"X": Parameter("a", 0.5, None, "assumption", "made up"),
        ...                             "Y": COMPLEMENT}})
        >>> model.index("Y")
        2
        """
        return self._check_state(state)

    def transition_matrix(self) -> pd.DataFrame:
        """The row-stochastic transition matrix ``P``, labelled by state.

        Returns
        -------
        pandas.DataFrame
            ``P`` of shape (n_states, n_states) in ``states`` order: index ``from``, columns
            ``to``; ``P.loc[i, j]`` is the probability of moving from state i to state j in one
            step.  Absorbing states have ``P[a, a] = 1``.  A copy: editing it does not change
            the model.

        Examples
        --------
        >>> model = PathwayModel({"A": {"X": Parameter("a", 0.25, None, "assumption", "made up"),
        ...                             "Y": COMPLEMENT}})
        >>> model.transition_matrix()
        to       A     X     Y
        from
        A      0.0  0.25  0.75
        X      0.0  1.00  0.00
        Y      0.0  0.00  1.00
        """
        return pd.DataFrame(self._matrix.copy(), index=pd.Index(self.states, name="from"),
                            columns=pd.Index(self.states, name="to"))

    def transitions_of(self, name: str) -> list[tuple[str, str]]:
        """The transitions whose probability parameter ``name`` sets.

        Parameters
        ----------
        name : str
            A parameter of the model.

        Returns
        -------
        list of tuple of (str, str)
            ``(from, to)`` pairs, in the order of ``transitions``.

        Raises
        ------
        InputError
            If ``name`` is not a parameter of the model.

        Examples
        --------
        >>> model = PathwayModel({"A": {"X": Parameter("a", 0.25, None, "assumption", "made up"),
        ...                             "Y": COMPLEMENT}})
        >>> model.transitions_of("a")
        [('A', 'X')]
        """
        self._check_parameter(name)
        return [(s, t) for s, branches in self._rows.items() for t, p in branches
                if isinstance(p, Parameter) and p.name == name]

    def complement_branch(self, state: str) -> str | None:
        """The target whose probability is the remainder (COMPLEMENT) of ``state``'s row.

        Parameters
        ----------
        state : str
            A state of the model.

        Returns
        -------
        str or None
            The complement target, or None when the row has no COMPLEMENT branch (or no row).

        Raises
        ------
        InputError
            If ``state`` is not a state of the model.

        Examples
        --------
        >>> model = PathwayModel({"A": {"X": Parameter("a", 0.25, None, "assumption", "made up"),
        ...                             "Y": COMPLEMENT}})
        >>> model.complement_branch("A")
        'Y'
        """
        self._check_state(state)
        return self._complement.get(state)

    def _check_parameter(self, name: str) -> Parameter:
        if name not in self.parameters:
            raise InputError(f"unknown parameter '{name}'; the model's parameters are {list(self.parameters)}")
        return self.parameters[name]

    def parameters_table(self) -> pd.DataFrame:
        """The model's parameters, sourced and assumed, with the transitions they set.

        Returns
        -------
        pandas.DataFrame
            One row per parameter, columns ``name``, ``value``, ``kind`` (``sourced`` or
            ``assumption``), ``source``, ``note`` and ``transitions`` (``"from -> to"``, with
            the branch that takes the remainder of the row).

        Examples
        --------
        >>> model = PathwayModel({"A": {"X": Parameter("a", 0.25, None, "assumption", "made up"),
        ...                             "Y": COMPLEMENT}})
        >>> model.parameters_table().loc[0, "transitions"]
        'A -> X (remainder: A -> Y)'
        """
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

    def with_values(self, values: Mapping[str, float], *, reason: str = "scenario value") -> PathwayModel:
        """A copy of the model with some parameter values replaced.

        A replaced parameter becomes an assumption (a changed value is no longer the published
        figure); its note records the baseline value and its kind/source.  Complement branches
        absorb the change; a parameter in a row without a complement cannot be changed.

        Parameters
        ----------
        values : mapping of str to float
            New values by parameter name (probabilities in [0, 1]).
        reason : str, default "scenario value"
            Start of the note of each replaced parameter.

        Returns
        -------
        PathwayModel
            The new model; the original is unchanged.

        Raises
        ------
        InputError
            For an unknown parameter, a non-real value, a parameter in a row without a
            COMPLEMENT branch, or a value that breaks a row (outside [0, 1] or pushing the
            row's explicit branches above 1).

        Examples
        --------
        >>> model = PathwayModel({"A": {"X": Parameter("a", 0.25, "made-up citation", "sourced"),
        ...                             "Y": COMPLEMENT}})
        >>> changed = model.with_values({"a": 0.5})
        >>> changed.parameters["a"].kind, changed.absorption_probabilities().to_dict()
        ('assumption', {'X': 0.5, 'Y': 0.5})
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

    def direction(self, name: str) -> pd.DataFrame:
        """The derivative of the transition matrix with respect to one parameter.

        Parameters
        ----------
        name : str
            A parameter of the model whose rows all have a COMPLEMENT branch.

        Returns
        -------
        pandas.DataFrame
            ``D = dP / d(theta)``, shape (n_states, n_states) in ``states`` order, index
            ``from`` and columns ``to``: +1 on each transition the parameter sets, -1 on the
            complement branch of the same row; each row of ``D`` sums to 0.

        Raises
        ------
        InputError
            For an unknown parameter or one in a row without a COMPLEMENT branch.

        Examples
        --------
        >>> model = PathwayModel({"A": {"X": Parameter("a", 0.25, None, "assumption", "made up"),
        ...                             "Y": COMPLEMENT}})
        >>> model.direction("a").loc["A"].to_dict()
        {'A': 0.0, 'X': 1.0, 'Y': -1.0}
        """
        return pd.DataFrame(self._direction_array(name), index=pd.Index(self.states, name="from"),
                            columns=pd.Index(self.states, name="to"))

    def _direction_array(self, name: str) -> np.ndarray:
        """``D = dP / d(theta)`` as a bare array in ``states`` order (see :meth:`direction`)."""
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
        """``N = (I - Q)^-1``; ModelError when ``I - Q`` is numerically singular."""
        identity = np.eye(q.shape[0])
        condition = np.linalg.cond(identity - q) if q.size else 1.0
        if not condition < 1.0 / np.finfo(float).eps:
            raise ModelError(
                f"I - Q is numerically singular (condition number {condition:.3g}); the chain almost "
                "never absorbs, so N = (I - Q)^-1 cannot be computed; raise the probabilities of "
                "leaving the states that keep returning to each other"
            )
        return np.linalg.solve(identity - q, identity)

    def _analysis_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """N, t, Var(T) and B as read-only arrays (transient states in order), computed once."""
        if self._arrays is None:
            q, r = self._blocks(self._matrix)
            fundamental = self._fundamental(q)
            steps = fundamental.sum(axis=1)
            variance = (2.0 * fundamental - np.eye(len(steps))) @ steps - steps**2
            arrays = (fundamental, steps, np.maximum(variance, 0.0), fundamental @ r)
            for array in arrays:  # cached: protect it from accidental edits
                array.flags.writeable = False
            self._arrays = arrays
        return self._arrays

    def _expected_steps_from(self, start: str) -> float:
        """Exact expected number of steps from ``start`` (0 for an absorbing start)."""
        if start in self.absorbing_states:
            return 0.0
        return float(self._analysis_arrays()[1][self.transient_states.index(start)])

    def analysis(self) -> AbsorptionResult:
        """Exact absorption analysis: ``N = (I - Q)^-1``, ``t = N 1``, ``Var(T)``, ``B = N R``.

        Returns
        -------
        AbsorptionResult
            The fundamental matrix, expected steps, their variance and the absorption
            probabilities for every transient starting state, labelled by state.  The arrays are
            computed once per model; each call returns fresh tables.

        Raises
        ------
        ModelError
            If ``I - Q`` is numerically singular (condition number at least 1 / machine
            epsilon): the chain almost never absorbs and no digit of ``N`` can be trusted.

        Notes
        -----
        ``N`` is found by solving ``(I - Q) N = I``; ``Var(T) = (2N - I) t - t_sq``
        (Kemeny & Snell 1960, Theorem 3.3.5), with round-off below zero set to 0.

        References
        ----------
        Kemeny JG, Snell JL (1960; 2nd ed. 1976). *Finite Markov Chains*, ch. 3.

        Examples
        --------
        >>> model = PathwayModel({"A": {"A": Parameter("s", 0.5, None, "assumption", "made up"),
        ...                             "X": Parameter("a", 0.3, None, "assumption", "made up"),
        ...                             "Y": COMPLEMENT}})
        >>> result = model.analysis()
        >>> float(result.expected_steps["A"]), float(result.steps_variance["A"])
        (2.0, 2.0)
        """
        fundamental, steps, variance, absorption = self._analysis_arrays()
        rows = pd.Index(self.transient_states, name="from")
        q, _ = self._blocks(self._matrix)
        condition = float(np.linalg.cond(np.eye(q.shape[0]) - q))
        row_error = float(np.abs(absorption.sum(axis=1) - 1.0).max())
        checks = diagnostics_frame(
            [("condition_number", condition, "2-norm condition number of I - Q; digits lost ~ log10 of it"),
             ("max_row_sum_error", row_error, "largest |B 1 - 1|: rows of B must sum to 1")]
        )
        checks = pd.concat([checks, self.diagnostics], ignore_index=True) if len(self.diagnostics) else checks
        return AbsorptionResult(
            transient_states=self.transient_states,
            absorbing_states=self.absorbing_states,
            fundamental=pd.DataFrame(fundamental, index=rows,
                                     columns=pd.Index(self.transient_states, name="visits_to"), copy=True),
            expected_steps=pd.Series(steps, index=rows, name="expected_steps", copy=True),
            steps_variance=pd.Series(variance, index=rows, name="steps_variance", copy=True),
            absorption=pd.DataFrame(absorption, index=rows,
                                    columns=pd.Index(self.absorbing_states, name="absorbed_in"), copy=True),
            converged=True,
            iterations=0,
            message=(f"absorbing chain with {len(self.transient_states)} transient and "
                     f"{len(self.absorbing_states)} absorbing states: N = (I - Q)^-1 solved"),
            diagnostics=checks,
        )

    def absorption_probabilities(self, start: str | None = None) -> pd.Series:
        """Probability of ending in each absorbing state, given the starting state.

        Parameters
        ----------
        start : str, optional
            The starting state; default the model's ``start``.  An absorbing start is absorbed
            at once (probability 1 for itself).

        Returns
        -------
        pandas.Series
            Row ``start`` of ``B = N R``, indexed by ``absorbed_in`` (absorbing states); sums
            to 1.

        Raises
        ------
        InputError
            If ``start`` is not a state of the model.

        Examples
        --------
        >>> model = PathwayModel({"A": {"X": Parameter("a", 0.25, None, "assumption", "made up"),
        ...                             "Y": COMPLEMENT}})
        >>> model.absorption_probabilities()
        absorbed_in
        X    0.25
        Y    0.75
        Name: P(absorbed | A), dtype: float64
        """
        start = self._resolve_start(start)
        if start in self.absorbing_states:
            values = [1.0 if a == start else 0.0 for a in self.absorbing_states]
        else:
            values = self._analysis_arrays()[3][self.transient_states.index(start)]
        return pd.Series(values, index=pd.Index(self.absorbing_states, name="absorbed_in"),
                         name=f"P(absorbed | {start})")

    def __repr__(self) -> str:
        kinds = pd.Series([p.kind for p in self.parameters.values()]).value_counts().to_dict()
        return (f"PathwayModel({len(self.transient_states)} transient, {len(self.absorbing_states)} "
                f"absorbing states, start='{self.start}', parameters={kinds})")
