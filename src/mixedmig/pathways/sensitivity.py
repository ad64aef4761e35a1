"""Sensitivity of absorption probabilities to the parameters, and scenario comparison."""

from __future__ import annotations
import math
import numbers
from typing import Mapping
import numpy as np
import pandas as pd
from ..errors import InputError
from .chain import PathwayModel


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
        raise InputError(f"unknown method {method!r}; choose 'analytic' or 'central'")
    if not (isinstance(step, numbers.Real) and 0 < step < 0.5):
        raise InputError(f"step must be a small positive number, got {step!r}")
    start = model.start if start is None else start
    model._check_state(start, "start")
    if target not in model.absorbing_states:
        raise InputError(f"target '{target}' is not an absorbing state; choose one of {list(model.absorbing_states)}")
    if start not in model.transient_states:
        raise InputError(f"start '{start}' is absorbing, so nothing depends on the parameters")
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
        except InputError:
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
        raise InputError(f"target '{target}' is not an absorbing state; choose one of {list(model.absorbing_states)}")
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
