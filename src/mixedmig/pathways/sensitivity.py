"""Sensitivity of absorption probabilities to the parameters, and scenario comparison.

Both functions return plain :class:`pandas.DataFrame` tables, not ``...Result`` objects: they
are closed-form calculations on a :class:`PathwayModel` (no iteration, nothing to converge, no
diagnostics beyond the table itself).  :func:`sensitivity` is indexed by ``parameter``,
:func:`scenario_comparison` by ``quantity``.

References
----------
Kemeny JG, Snell JL (1960; 2nd ed. 1976). *Finite Markov Chains*, ch. 3 (``N = (I - Q)^-1``,
    ``B = N R``).
Surtees R (2013). *After Trafficking.* Bangkok: UNIAP / NEXUS Institute.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import InputError
from .chain import PathwayModel


def _absorption_from_matrix(model: PathwayModel, matrix: np.ndarray) -> np.ndarray:
    q, r = model._blocks(matrix)
    return model._fundamental(q) @ r


def _check_target(model: PathwayModel, target: str) -> None:
    if target not in model.absorbing_states:
        raise InputError(f"target '{target}' is not an absorbing state; choose one of {list(model.absorbing_states)}")


def sensitivity(model: PathwayModel, target: str = "reintegrated", start: str | None = None,
                method: str = "analytic", step: float = 1e-6) -> pd.DataFrame:
    """Derivative of P(absorbed in ``target`` | ``start``) with respect to every parameter.

    A parameter theta sets one or more transitions; the complement branch of each of its rows
    takes the opposite change, so the transition matrix moves along ``D = dP/dtheta`` (+1 on
    the parameter's transitions, -1 on the complement branch of the same row; see
    :meth:`PathwayModel.direction`).

    Parameters
    ----------
    model : PathwayModel
        The absorbing chain.
    target : str, default "reintegrated"
        An absorbing state.
    start : str, optional
        A transient starting state; default the model's ``start``.
    method : {"analytic", "central"}, default "analytic"
        The exact derivative, or central finite differences (a check).
    step : float, default 1e-6
        The step ``h`` of ``method="central"`` (0 < h < 0.5).

    Returns
    -------
    pandas.DataFrame
        Index ``parameter`` (in the model's order); columns ``value``, ``kind`` (``sourced`` or
        ``assumption``), ``derivative`` (``dB[start, target] / dtheta``), ``elasticity``
        (``theta / B * dB/dtheta``, NaN when B = 0) and ``remainder_branch`` (the transitions
        whose probability falls when the parameter rises).  Parameters in a row without a
        COMPLEMENT branch cannot vary: NaN derivative and elasticity.

    Raises
    ------
    InputError
        For an unknown method, a bad step, an unknown or absorbing ``start`` or a ``target``
        that is not absorbing.
    ModelError
        If ``I - Q`` is numerically singular.

    Notes
    -----
    From ``B = N R`` and ``dN = N dQ N`` (differentiate ``N (I - Q) = I``):

        dB = dN R + N dR = N dQ N R + N dR = N dQ B + N dR = N (D_Q B + D_R),

    with ``D_Q`` and ``D_R`` the transient and absorbing blocks of ``D``.  ``method="central"``
    evaluates ``(B(P + hD) - B(P - hD)) / 2h`` on the matrix function ``B(P)`` directly, so a
    step at a boundary (theta = 0 or 1) is still defined; truncation error O(h^2), round-off
    about 1e-16 / h.

    References
    ----------
    Kemeny JG, Snell JL (1960; 2nd ed. 1976). *Finite Markov Chains*, ch. 3.

    Examples
    --------
    A made-up three-state chain (not data): from ``A`` stay with s = 0.5, go to ``X`` with
    a = 0.3, else to ``Y``.  ``B_X = a / (1 - s)``, so ``dB_X/da = 1 / (1 - s) = 2`` and
    ``dB_X/ds = a / (1 - s)^2 = 1.2``.

    >>> from mixedmig.pathways import COMPLEMENT, Parameter, PathwayModel
    >>> def made_up(name, value):
    ...     return Parameter(name, value, None, "assumption", "made-up value for the example")
    >>> model = PathwayModel({"A": {"A": made_up("s", 0.5), "X": made_up("a", 0.3), "Y": COMPLEMENT}})
    >>> sensitivity(model, target="X")["derivative"].round(12).to_dict()
    {'s': 1.2, 'a': 2.0}
    """
    if method not in ("analytic", "central"):
        raise InputError(f"unknown method {method!r}; choose 'analytic' or 'central'")
    if not (isinstance(step, numbers.Real) and 0 < step < 0.5):
        raise InputError(f"step must be a small positive number, got {step!r}")
    start = model._resolve_start(start)
    _check_target(model, target)
    if start not in model.transient_states:
        raise InputError(f"start '{start}' is absorbing, so nothing depends on the parameters")
    row = model.transient_states.index(start)
    col = model.absorbing_states.index(target)
    fundamental, _, _, absorption = model._analysis_arrays()
    base = absorption[row, col]
    records = []
    for name, p in model.parameters.items():
        uses = model.transitions_of(name)
        remainder = [f"{s} -> {model.complement_branch(s)}" for s, _ in uses if model.complement_branch(s)]
        try:
            d = model._direction_array(name)
        except InputError:
            records.append({"parameter": name, "value": p.value, "kind": p.kind, "derivative": np.nan,
                            "elasticity": np.nan, "remainder_branch": "none: row has no COMPLEMENT"})
            continue
        if method == "analytic":
            d_q, d_r = model._blocks(d)
            derivative = (fundamental @ (d_q @ absorption + d_r))[row, col]
        else:
            plus = _absorption_from_matrix(model, model._matrix + step * d)[row, col]
            minus = _absorption_from_matrix(model, model._matrix - step * d)[row, col]
            derivative = (plus - minus) / (2.0 * step)
        elasticity = p.value * derivative / base if base > 0 else np.nan
        records.append({"parameter": name, "value": p.value, "kind": p.kind, "derivative": float(derivative),
                        "elasticity": float(elasticity), "remainder_branch": "; ".join(remainder)})
    table = pd.DataFrame.from_records(
        records, columns=["parameter", "value", "kind", "derivative", "elasticity", "remainder_branch"]
    )
    return table.set_index("parameter")


def scenario_comparison(model: PathwayModel, changes: Mapping[str, float], target: str = "reintegrated",
                        start: str | None = None) -> pd.DataFrame:
    """Baseline against a scenario in which some probabilities change by given amounts.

    Each new value is clipped to what keeps every row it appears in valid: at least 0 and at
    most its value plus the current remainder (complement) of the row, hence at most 1; changes
    are applied in the order given, and the complement branch absorbs each one.  A changed
    sourced parameter becomes an assumption in the scenario (see
    :meth:`PathwayModel.with_values`).

    Parameters
    ----------
    model : PathwayModel
        The baseline chain.
    changes : mapping of str to float
        Absolute changes in probability by parameter name, e.g. ``{"p_identified": 0.1}`` for
        +10 percentage points.
    target : str, default "reintegrated"
        The absorbing state listed first among the outcomes.
    start : str, optional
        The starting state; default the model's ``start``.

    Returns
    -------
    pandas.DataFrame
        Index ``quantity``: one row per changed parameter (``kind`` ``parameter``), one per
        absorbing state (``P(state)``, kind ``absorption probability``, ``target`` first) and
        ``expected steps`` (``t = N 1``); columns ``kind``, ``baseline``, ``scenario``,
        ``difference``, ``requested_change`` (parameters only) and ``clipped``.

    Raises
    ------
    InputError
        For empty ``changes``, an unknown parameter, a non-finite change, a parameter in a row
        without a COMPLEMENT branch, an unknown ``start`` or a ``target`` that is not absorbing.
    ModelError
        If ``I - Q`` of the scenario is numerically singular.

    Notes
    -----
    The new value of a parameter theta is ``min(max(theta + delta, 0), upper)`` with
    ``upper = min(1, theta + P[s, complement(s)])`` over the rows ``s`` that use theta.  The
    outcome rows are ``B = N R`` of the two chains (Kemeny & Snell 1960, ch. 3).

    References
    ----------
    Kemeny JG, Snell JL (1960; 2nd ed. 1976). *Finite Markov Chains*, ch. 3.
    Surtees R (2013). *After Trafficking.* Bangkok: UNIAP / NEXUS Institute.

    Examples
    --------
    A made-up chain (not data): from ``A`` go to ``X`` with 0.25, else to ``Y``; raise the
    probability by 0.25 (to 0.5), then by 0.9 (0.25 + 0.9 = 1.15 is clipped at 1).

    >>> from mixedmig.pathways import COMPLEMENT, Parameter, PathwayModel
    >>> model = PathwayModel({"A": {"X": Parameter("a", 0.25, None, "assumption", "made up"),
    ...                             "Y": COMPLEMENT}})
    >>> scenario_comparison(model, {"a": 0.25}, target="X")[["baseline", "scenario", "difference"]]
                    baseline  scenario  difference
    quantity
    a                   0.25       0.5        0.25
    P(X)                0.25       0.5        0.25
    P(Y)                0.75       0.5       -0.25
    expected steps      1.00       1.0        0.00
    >>> bool(scenario_comparison(model, {"a": 0.9}, target="X").loc["a", "clipped"])
    True
    """
    start = model._resolve_start(start)
    _check_target(model, target)
    if not changes:
        raise InputError("changes is empty; give at least one {parameter: absolute change}")
    scenario = model
    parameter_rows = []
    for name, delta in changes.items():
        if isinstance(delta, bool) or not isinstance(delta, numbers.Real) or not math.isfinite(delta):
            raise InputError(f"change of '{name}' must be a finite number, got {delta!r}")
        baseline = model._check_parameter(name).value
        current = scenario.parameters[name].value
        scenario._check_variable(name)
        matrix = scenario._matrix
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
    steps_before, steps_after = model._expected_steps_from(start), scenario._expected_steps_from(start)
    outcome_rows.append({"quantity": "expected steps", "kind": "expected steps", "baseline": steps_before,
                         "scenario": steps_after, "difference": steps_after - steps_before,
                         "requested_change": np.nan, "clipped": False})
    table = pd.DataFrame.from_records(
        parameter_rows + outcome_rows,
        columns=["quantity", "kind", "baseline", "scenario", "difference", "requested_change", "clipped"],
    )
    return table.set_index("quantity")
