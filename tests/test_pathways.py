"""Tests of mixedmig.pathways: the absorbing-chain pathway model of After Trafficking.

Sources of the numbers used here:
* US Department of State (2022), 2022 Trafficking in Persons Report, Thailand: 414 victims
  identified in 2021, services provided to 354 (read on state.gov; also recorded in
  /work/shared/research/gms_trafficking_figures.md, section 4.2).
* Kemeny JG, Snell JL (1960). Finite Markov Chains, ch. 3: N = (I - Q)^-1, t = N 1,
  Var = (2N - I) t - t_sq, B = N R.
* Feller W (1968). An Introduction to Probability Theory and Its Applications, vol. 1, 3rd ed.,
  ch. XIV.2-3: gambler's ruin probabilities and expected duration in closed form.
All other probabilities below are synthetic inputs of hand-computable examples; every
expected value is derived in the comments (or by an independent computation), not typed in.
"""

from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mixedmig.errors import ConvergenceError, InputError, MixedmigError, ModelError
from mixedmig.pathways import (
    AFTER_TRAFFICKING_STATES,
    COMPLEMENT,
    AbsorptionResult,
    Parameter,
    PathwayModel,
    PathwaySimulationResult,
    after_trafficking_model,
    scenario_comparison,
    sensitivity,
    simulate_pathways,
    thailand_2021_services_given_identified,
)


def synthetic(name, value):
    return Parameter(name, value, None, "assumption", "synthetic value for a hand-computed test")


# ------------------------------------------------------------------ small chains with closed forms


def lazy_ruin_chain():
    """Three states: from A stay with s = 1/2, go to X with a = 3/10, else (1/5) to Y.

    One transient state, so Q = [s], N = 1/(1 - s) = 2, B = [a, 1 - s - a] / (1 - s)
    = [0.6, 0.4].  The number of steps is geometric with success probability 1 - s:
    E T = 1/(1 - s) = 2 and Var T = s/(1 - s)^2 = 0.5/0.25 = 2; the matrix formula gives the
    same, (2N - 1) t - t^2 = 3 * 2 - 4 = 2.
    """
    return PathwayModel({"A": {"A": synthetic("s", 0.5), "X": synthetic("a", 0.3), "Y": COMPLEMENT}})


def test_three_state_chain_matches_hand_computation():
    model = lazy_ruin_chain()
    assert model.transient_states == ("A",)
    assert model.absorbing_states == ("X", "Y")
    result = model.analysis()
    assert result.fundamental.loc["A", "A"] == pytest.approx(2.0, abs=1e-14)
    assert result.absorption.loc["A"].tolist() == pytest.approx([0.6, 0.4], abs=1e-14)
    assert result.expected_steps["A"] == pytest.approx(2.0, abs=1e-14)
    assert result.steps_variance["A"] == pytest.approx(2.0, abs=1e-13)
    assert model.absorption_probabilities("X")["X"] == 1.0  # absorbing start: absorbed at once
    np.testing.assert_allclose(model.transition_matrix().to_numpy(), [[0.5, 0.3, 0.2], [0, 1, 0], [0, 0, 1]],
                               atol=1e-15)


def test_three_state_sensitivity_by_hand():
    # B_X = a / (1 - s) with Y the remainder: dB_X/da = 1/(1 - s) = 2 and
    # dB_X/ds = a/(1 - s)^2 = 0.3/0.25 = 1.2.
    table = sensitivity(lazy_ruin_chain(), target="X")
    assert table.index.name == "parameter" and list(table.index) == ["s", "a"]
    assert table.loc["a", "derivative"] == pytest.approx(2.0, abs=1e-12)
    assert table.loc["s", "derivative"] == pytest.approx(1.2, abs=1e-12)
    # elasticity = theta / B * dB/dtheta = 0.3 / 0.6 * 2 = 1
    assert table.loc["a", "elasticity"] == pytest.approx(1.0, abs=1e-12)


def test_absorption_result_follows_the_result_protocol():
    model = lazy_ruin_chain()
    result = model.analysis()
    assert isinstance(result, AbsorptionResult)
    assert (result.converged, result.iterations) == (True, 0)
    assert "1 transient and 2 absorbing states" in result.message
    # labelled tables: rows are the transient states, columns the absorbing states
    assert result.absorption.index.name == "from" and list(result.absorption.columns) == ["X", "Y"]
    assert result.fundamental.columns.name == "visits_to"
    assert result.to_frame().equals(result.absorption)
    checks = result.diagnostics.set_index("check")["value"]
    assert checks["condition_number"] == pytest.approx(1.0)  # I - Q = [0.5] (1 x 1)
    assert checks["max_row_sum_error"] < 1e-15
    # each call returns fresh tables: editing one leaves the model's next result intact
    result.absorption.loc["A", "X"] = 0.0
    assert model.analysis().absorption.loc["A", "X"] == pytest.approx(0.6, abs=1e-14)
    assert model.absorption_probabilities()["X"] == pytest.approx(0.6, abs=1e-14)


def test_numerically_singular_chain_is_a_model_error():
    # A -> B with 1 - e, B -> A with 1: the pair leaves only through A -> X (probability
    # e = 2^-53 after rounding), so det(I - Q) = e and cond(I - Q) ~ 4 / e > 1 / machine epsilon.
    model = PathwayModel({"A": {"B": synthetic("stay", 1 - 1e-16), "X": COMPLEMENT},
                          "B": {"A": synthetic("back", 1.0)}})
    assert model.transient_states == ("A", "B")  # a valid absorbing chain
    with pytest.raises(ModelError, match="I - Q is numerically singular"):
        model.analysis()
    assert not issubclass(ModelError, InputError)


GAMBLER_P = 0.4  # probability of moving up; q = 0.6
GAMBLER_TOP = 4


def gambler_chain(p=GAMBLER_P):
    """Gambler's ruin on 0..4: from 1, 2, 3 move up with p (one shared parameter), else down."""
    up = synthetic("p_up", p)
    transitions = {str(i): {str(i + 1): up, str(i - 1): COMPLEMENT} for i in range(1, GAMBLER_TOP)}
    return PathwayModel(transitions, start="2", states=[str(i) for i in range(GAMBLER_TOP + 1)])


def feller_win_probability(z, p, a=GAMBLER_TOP):
    """Feller XIV.2: P(reach a before 0 | start z) = (r^z - 1)/(r^a - 1), r = q/p."""
    r = (1 - p) / p
    return (r**z - 1) / (r**a - 1)


def feller_duration(z, p, a=GAMBLER_TOP):
    """Feller XIV.3 (3.4): D_z = z/(q - p) - a/(q - p) * (1 - r^z)/(1 - r^a), r = q/p."""
    q = 1 - p
    r = q / p
    return z / (q - p) - a / (q - p) * (1 - r**z) / (1 - r**a)


def test_gamblers_ruin_matches_feller_closed_forms():
    model = gambler_chain()
    result = model.analysis()
    assert model.transient_states == ("1", "2", "3")
    assert model.absorbing_states == ("0", "4")
    for z in (1, 2, 3):
        assert result.absorption.loc[str(z), "4"] == pytest.approx(feller_win_probability(z, GAMBLER_P), abs=1e-13)
        assert result.absorption.loc[str(z), "0"] == pytest.approx(1 - feller_win_probability(z, GAMBLER_P),
                                                                   abs=1e-13)
        assert result.expected_steps[str(z)] == pytest.approx(feller_duration(z, GAMBLER_P), abs=1e-12)


def test_steps_variance_matches_tail_sum():
    # Independent check of (2N - I) t - t_sq: P(T > k | i) = (Q^k 1)_i, E T = sum_k P(T > k),
    # E T^2 = sum_k (2k + 1) P(T > k).  The spectral radius of Q is 2 sqrt(pq) cos(pi/4) < 0.7,
    # so 400 terms leave a tail far below 1e-12.
    model = gambler_chain()
    q, _ = model._blocks(model.transition_matrix().to_numpy())
    survival = np.ones(3)
    mean = np.zeros(3)
    second = np.zeros(3)
    for k in range(400):
        mean += survival
        second += (2 * k + 1) * survival
        survival = q @ survival
    result = model.analysis()
    np.testing.assert_allclose(result.expected_steps, mean, atol=1e-12)
    np.testing.assert_allclose(result.steps_variance, second - mean**2, atol=1e-10)


def test_gambler_sensitivity_to_shared_parameter_matches_closed_form_derivative():
    # p_up sets three transitions; each row's remainder (move down) falls with it.
    h = 1e-6
    closed_form = (feller_win_probability(2, GAMBLER_P + h) - feller_win_probability(2, GAMBLER_P - h)) / (2 * h)
    table = sensitivity(gambler_chain(), target="4", start="2")
    assert list(table.index) == ["p_up"]
    assert table.loc["p_up", "derivative"] == pytest.approx(closed_form, rel=1e-7)
    assert table.loc["p_up", "remainder_branch"] == "1 -> 0; 2 -> 1; 3 -> 2"


# ------------------------------------------------------------------ validation


def test_parameter_requires_source_or_note():
    with pytest.raises(InputError, match="no source"):
        Parameter("p", 0.5, None, "sourced")
    with pytest.raises(InputError, match="no source"):
        Parameter("p", 0.5, "   ", "sourced", "note")
    with pytest.raises(InputError, match="without a note"):
        Parameter("p", 0.5, None, "assumption")
    with pytest.raises(InputError, match="kind must be one of"):
        Parameter("p", 0.5, "a source", "estimate", "note")
    with pytest.raises(InputError, match="finite"):
        Parameter("p", float("nan"), None, "assumption", "note")
    with pytest.raises(InputError, match="real number"):
        Parameter("p", True, None, "assumption", "note")
    ok = Parameter("p", 1, "a citation", "sourced")
    assert ok.value == 1.0 and isinstance(ok.value, float)
    assert issubclass(InputError, MixedmigError)


def test_row_that_does_not_sum_to_one_names_state_and_sum():
    with pytest.raises(InputError, match=r"out of state 'A' sum to 0\.9, not 1"):
        PathwayModel({"A": {"X": synthetic("a", 0.6), "Y": synthetic("b", 0.3)}})
    with pytest.raises(InputError, match=r"out of state 'A' sum to 1\.1 before the COMPLEMENT"):
        PathwayModel({"A": {"X": synthetic("a", 0.6), "Y": synthetic("b", 0.5), "Z": COMPLEMENT}})


def test_other_specification_errors():
    with pytest.raises(InputError, match="must lie in \\[0, 1\\]"):
        PathwayModel({"A": {"X": synthetic("a", 1.2), "Y": COMPLEMENT}})
    with pytest.raises(InputError, match="two COMPLEMENT branches"):
        PathwayModel({"A": {"X": COMPLEMENT, "Y": COMPLEMENT}})
    with pytest.raises(InputError, match="two different parameters are named 'a'"):
        PathwayModel({"A": {"X": synthetic("a", 0.2), "Y": COMPLEMENT},
                      "B": {"X": synthetic("a", 0.3), "Y": COMPLEMENT}})
    with pytest.raises(InputError, match="Parameter or COMPLEMENT"):
        PathwayModel({"A": {"X": 0.5, "Y": COMPLEMENT}})
    # A and B only feed each other: a closed class that never absorbs
    with pytest.raises(InputError, match=r"\['A', 'B'\] can never reach an absorbing state"):
        PathwayModel({"S": {"A": synthetic("a", 0.5), "X": COMPLEMENT},
                      "A": {"B": synthetic("one_ab", 1.0)}, "B": {"A": synthetic("one_ba", 1.0)}})
    with pytest.raises(InputError, match="no absorbing state"):
        PathwayModel({"A": {"B": synthetic("one_ab", 1.0)}, "B": {"A": synthetic("one_ba", 1.0)}})
    with pytest.raises(InputError, match="start 'nowhere' is not a state"):
        PathwayModel({"A": {"X": synthetic("a", 0.5), "Y": COMPLEMENT}}, start="nowhere")


def test_unreachable_states_are_reported():
    model = PathwayModel({"A": {"X": synthetic("a", 0.5), "Y": COMPLEMENT},
                          "orphan": {"X": synthetic("b", 0.5), "Z": COMPLEMENT}}, start="A")
    assert model.unreachable_states == ("orphan", "Z")
    assert model.diagnostics["note"].tolist() == ["state 'orphan' cannot be reached from 'A'",
                                                  "state 'Z' cannot be reached from 'A'"]
    assert model.diagnostics["value"].tolist() == ["orphan", "Z"]
    # the absorption analysis reports them too, after its numerical checks
    checks = model.analysis().diagnostics
    assert checks["check"].tolist() == ["condition_number", "max_row_sum_error",
                                        "unreachable_state", "unreachable_state"]
    # a zero-probability branch does not make its target reachable
    zero = PathwayModel({"A": {"X": synthetic("a", 0.0), "Y": COMPLEMENT}})
    assert zero.unreachable_states == ("X",)


def test_parameters_in_rows_without_complement_cannot_vary():
    model = PathwayModel({"A": {"X": synthetic("a", 0.6), "Y": synthetic("b", 0.4)}})
    table = sensitivity(model, target="X")
    assert table["derivative"].isna().all()
    assert set(table["remainder_branch"]) == {"none: row has no COMPLEMENT"}
    with pytest.raises(InputError, match="no COMPLEMENT branch"):
        model.with_values({"a": 0.7})
    with pytest.raises(InputError, match="no COMPLEMENT branch"):
        scenario_comparison(model, {"a": 0.1}, target="X")


# ------------------------------------------------------------------ the After Trafficking model


def test_default_parameters_table_separates_sourced_from_assumed():
    table = after_trafficking_model().parameters_table()
    assert list(table.columns) == ["name", "value", "kind", "source", "note", "transitions"]
    assert len(table) == 13
    sourced = table[table["kind"] == "sourced"]
    assert list(sourced["name"]) == ["p_referred"]
    # US TIP Report 2022, Thailand: of 414 victims identified in 2021, 354 were given services
    assert sourced["value"].iloc[0] == 354 / 414
    assert "2022 Trafficking in Persons Report" in sourced["source"].iloc[0]
    assert "414" in sourced["source"].iloc[0] and "354" in sourced["source"].iloc[0]
    assumed = table[table["kind"] == "assumption"]
    assert len(assumed) == 12
    assert assumed["source"].isna().all()
    assert assumed["note"].str.contains("placeholder: no published estimate").all()
    assert thailand_2021_services_given_identified().kind == "sourced"
    row = table.set_index("name").loc["p_identified", "transitions"]
    assert row == "trafficked -> identified (remainder: trafficked -> not_identified)"


def test_plain_numbers_become_labelled_assumptions():
    model = after_trafficking_model(p_identified=0.3)
    p = model.parameters["p_identified"]
    assert (p.value, p.kind, p.source) == (0.3, "assumption", None)
    assert p.note == "value supplied by the caller without a source"
    with pytest.raises(InputError, match="names must match"):
        after_trafficking_model(p_identified=synthetic("wrong_name", 0.3))
    with pytest.raises(TypeError):
        after_trafficking_model(p_unknown=0.3)


def test_default_model_structure():
    model = after_trafficking_model()
    assert model.states == AFTER_TRAFFICKING_STATES
    assert model.start == "trafficked"
    assert model.absorbing_states == ("reintegrated", "re_migrated", "re_trafficked")
    assert model.unreachable_states == ()
    # every reintegration branch is 1/3 by default, so each outcome has probability 1/3
    np.testing.assert_allclose(model.absorption_probabilities().to_numpy(), [1 / 3] * 3, atol=1e-14)


TEST_VALUES = dict(  # synthetic, distinct values so that every branch matters
    p_identified=0.4, p_assistance_accepted=0.7, p_official_return_accepted=0.9,
    p_official_return_declined=0.6, p_official_return_not_referred=0.5,
    p_official_return_not_identified=0.2, p_reintegration_assistance_official=0.8,
    p_reintegration_assistance_self=0.1, p_reintegrated_assisted=0.6, p_re_trafficked_assisted=0.1,
    p_reintegrated_unassisted=0.3, p_re_trafficked_unassisted=0.25,
)


def hand_computed_outcomes(v, p_referred=354 / 414):
    """Path enumeration.  The chain is a tree up to the return step:
    P(official return) = (1 - pi) r_ni + pi (1 - pr) r_nr + pi pr (pa r_acc + (1 - pa) r_dec);
    P(reintegration assistance) = P(official) a_off + (1 - P(official)) a_self;
    P(outcome) = P(RA) p_outcome_assisted + (1 - P(RA)) p_outcome_unassisted,
    with re_migrated the remainder.  Steps: 4 if not identified, 5 if identified but not
    referred, 6 if referred."""
    pi, pr, pa = v["p_identified"], p_referred, v["p_assistance_accepted"]
    official = ((1 - pi) * v["p_official_return_not_identified"]
                + pi * (1 - pr) * v["p_official_return_not_referred"]
                + pi * pr * (pa * v["p_official_return_accepted"] + (1 - pa) * v["p_official_return_declined"]))
    assisted = (official * v["p_reintegration_assistance_official"]
                + (1 - official) * v["p_reintegration_assistance_self"])
    reintegrated = assisted * v["p_reintegrated_assisted"] + (1 - assisted) * v["p_reintegrated_unassisted"]
    re_trafficked = assisted * v["p_re_trafficked_assisted"] + (1 - assisted) * v["p_re_trafficked_unassisted"]
    steps = {4: 1 - pi, 5: pi * (1 - pr), 6: pi * pr}
    mean = sum(k * w for k, w in steps.items())
    variance = sum(k * k * w for k, w in steps.items()) - mean**2
    return {"official": official, "assisted": assisted, "reintegrated": reintegrated,
            "re_trafficked": re_trafficked, "re_migrated": 1 - reintegrated - re_trafficked,
            "mean_steps": mean, "var_steps": variance}


def test_after_trafficking_model_matches_path_enumeration():
    model = after_trafficking_model(**TEST_VALUES)
    expected = hand_computed_outcomes(TEST_VALUES)
    probabilities = model.absorption_probabilities()
    for outcome in ("reintegrated", "re_migrated", "re_trafficked"):
        assert probabilities[outcome] == pytest.approx(expected[outcome], abs=1e-14)
    steps = model.analysis().steps_frame().loc["trafficked"]
    assert steps["expected_steps"] == pytest.approx(expected["mean_steps"], abs=1e-13)
    assert steps["variance"] == pytest.approx(expected["var_steps"], abs=1e-12)
    visits = model.analysis().fundamental.loc["trafficked"]
    assert visits["return_official"] == pytest.approx(expected["official"], abs=1e-14)
    assert visits["reintegration_assistance"] == pytest.approx(expected["assisted"], abs=1e-14)


def test_accepting_all_assistance_reproduces_the_published_services_share():
    # With P(accept | referred) = 1, P(assisted | identified) is the published 354/414.
    model = after_trafficking_model(p_assistance_accepted=1.0)
    visits = model.analysis().fundamental
    assert visits.loc["identified", "assistance_accepted"] == pytest.approx(354 / 414, abs=1e-15)
    assert visits.loc["identified", "assistance_declined"] == 0.0


def test_sensitivity_analytic_equals_central_differences_and_path_derivatives():
    model = after_trafficking_model(**TEST_VALUES)
    analytic = sensitivity(model, target="reintegrated")
    central = sensitivity(model, target="reintegrated", method="central")
    np.testing.assert_allclose(analytic["derivative"], central["derivative"], rtol=1e-6, atol=1e-9)
    expected = hand_computed_outcomes(TEST_VALUES)
    # P(reintegrated) = P(RA) p_ra + (1 - P(RA)) p_ua: derivatives are P(RA) and 1 - P(RA),
    # and zero for the re-trafficking probabilities (their remainder is re_migrated).
    assert analytic.loc["p_reintegrated_assisted", "derivative"] == pytest.approx(expected["assisted"], abs=1e-14)
    assert analytic.loc["p_reintegrated_unassisted", "derivative"] == pytest.approx(1 - expected["assisted"], abs=1e-14)
    assert analytic.loc["p_re_trafficked_assisted", "derivative"] == pytest.approx(0.0, abs=1e-14)
    # d/dp_identified by differencing the closed form (linear in p_identified, so exact)
    shifted = dict(TEST_VALUES, p_identified=TEST_VALUES["p_identified"] + 0.1)
    slope = (hand_computed_outcomes(shifted)["reintegrated"] - expected["reintegrated"]) / 0.1
    assert analytic.loc["p_identified", "derivative"] == pytest.approx(slope, abs=1e-12)
    assert analytic.loc["p_referred", "kind"] == "sourced"


def test_sensitivity_rejects_bad_targets():
    model = after_trafficking_model()
    with pytest.raises(InputError, match="not an absorbing state"):
        sensitivity(model, target="identified")
    with pytest.raises(InputError, match="unknown method"):
        sensitivity(model, method="forward")


# ------------------------------------------------------------------ Monte Carlo


def within_mc_error(estimate, exact, n):
    return abs(estimate - exact) < 4 * math.sqrt(exact * (1 - exact) / n)


def test_simulation_converges_to_exact_absorption_and_steps():
    n = 200_000
    model = after_trafficking_model(**TEST_VALUES)
    sim = simulate_pathways(model, n, seed=20131001)
    table = sim.absorption_table()
    assert table["count"].sum() == n and sim.absorbed.all()
    for outcome, row in table.iterrows():
        assert within_mc_error(row["share"], row["exact"], n), (outcome, row["share"], row["exact"])
    steps = sim.steps_summary()
    assert abs(steps["mean"] - steps["exact_mean"]) < 4 * steps["exact_sd"] / math.sqrt(n)
    assert set(np.unique(sim.steps)) == {4, 5, 6}
    visits = sim.mean_visits()
    assert (visits.loc["trafficked", "mean_visits"], visits.loc["trafficked", "exact"]) == (1.0, 1.0)
    for state in model.states:  # every state is entered at most once, so visits are Bernoulli
        p = visits.loc[state, "exact"]
        assert within_mc_error(visits.loc[state, "mean_visits"], p, n) or p in (0.0, 1.0)
    # each case's visits add up to its steps plus the starting visit
    np.testing.assert_array_equal(sim.visits.sum(axis=1), sim.steps + 1)


def test_simulation_result_is_labelled():
    model = lazy_ruin_chain()
    sim = simulate_pathways(model, 2_000, seed=5)
    assert isinstance(sim, PathwaySimulationResult)
    assert sim.converged and sim.iterations == int(sim.steps.max())
    assert sim.final_state.index.name == "case" and len(sim.final_state) == 2_000
    assert set(sim.final_state.astype(str)) <= {"X", "Y"}
    assert list(sim.visits.columns) == ["A", "X", "Y"]
    assert sim.to_frame().equals(sim.absorption_table())
    checks = sim.diagnostics.set_index("check")["value"]
    assert (checks["n_cases"], checks["not_absorbed"]) == (2_000, 0)
    # visits to A are geometric: each case visits A (steps) times, then enters X or Y once
    np.testing.assert_array_equal(sim.visits["A"], sim.steps)


def test_simulation_with_cycles_converges():
    # The gambler's chain revisits states, so visits are counts, not indicators.
    n = 100_000
    model = gambler_chain()
    sim = simulate_pathways(model, n, seed=7)
    table = sim.absorption_table()
    p_win = feller_win_probability(2, GAMBLER_P)
    assert table.loc["4", "exact"] == pytest.approx(p_win, abs=1e-13)
    assert within_mc_error(table.loc["4", "share"], p_win, n)
    steps = sim.steps_summary()
    assert steps["exact_mean"] == pytest.approx(feller_duration(2, GAMBLER_P), abs=1e-12)
    assert abs(steps["mean"] - steps["exact_mean"]) < 4 * steps["exact_sd"] / math.sqrt(n)
    visits = sim.mean_visits()
    n_row = model.analysis().fundamental.loc["2"]
    # SD of a visit count is at most the SD of T, which bounds the Monte Carlo error
    tolerance = 4 * steps["exact_sd"] / math.sqrt(n)
    np.testing.assert_allclose(visits.loc[["1", "2", "3"], "mean_visits"], n_row, atol=tolerance)


def test_simulation_is_deterministic_under_seed():
    model = after_trafficking_model(**TEST_VALUES)
    first = simulate_pathways(model, 5_000, seed=42)
    second = simulate_pathways(model, 5_000, seed=np.random.default_rng(42))
    other = simulate_pathways(model, 5_000, seed=43)
    np.testing.assert_array_equal(first.final_state, second.final_state)
    np.testing.assert_array_equal(first.steps, second.steps)
    np.testing.assert_array_equal(first.visits, second.visits)
    assert not np.array_equal(first.final_state, other.final_state)
    labels = first.final_state
    assert list(labels.cat.categories) == list(model.states)
    assert set(labels.unique()) <= {"reintegrated", "re_migrated", "re_trafficked"}


def test_max_steps_below_the_shortest_route_is_rejected_before_simulating():
    # From state 2 of the gambler's chain (0..4) the shortest route to 0 or 4 takes 2 steps
    # (2 -> 1 -> 0 or 2 -> 3 -> 4), so with max_steps=1 no case can ever be absorbed. Old
    # behaviour: simulate, then report all 1,000 cases 'not absorbed'.
    with pytest.raises(InputError, match=r"shortest route to an absorbing state takes 2 steps"
                                         r".*at least 2"):
        simulate_pathways(gambler_chain(), 1_000, seed=1, max_steps=1)
    # a made-up chain a -> b -> c -> x needs 3 steps; 3 is enough
    chain = PathwayModel({"a": {"b": COMPLEMENT}, "b": {"c": COMPLEMENT},
                          "c": {"x": COMPLEMENT}})
    with pytest.raises(InputError, match="takes 3 steps"):
        simulate_pathways(chain, 10, seed=1, max_steps=2)
    assert simulate_pathways(chain, 10, seed=1, max_steps=3).converged


def test_max_steps_leaves_cases_unabsorbed():
    # With max_steps=2 a case from state 2 is absorbed iff its two moves go the same way:
    # probability p^2 + q^2 = 0.16 + 0.36 = 0.52 at p = 0.4, so about 480 of 1,000 are not.
    p = GAMBLER_P
    sim = simulate_pathways(gambler_chain(), 1_000, seed=1, max_steps=2, record_visits=False)
    table = sim.absorption_table()
    assert list(table.index) == ["0", "4", "not_absorbed"]
    open_cases = int(table.loc["not_absorbed", "count"])
    expected = 1_000 * (1 - p**2 - (1 - p) ** 2)
    assert abs(open_cases - expected) < 5 * math.sqrt(1_000 * 0.25)
    assert (sim.steps[~sim.absorbed] == 2).all() and (sim.steps <= 2).all()
    assert sim.visits is None
    assert not sim.converged and sim.iterations == 2
    assert f"{open_cases} not absorbed within max_steps=2" in sim.message
    with pytest.raises(ConvergenceError, match="not absorbed within max_steps=2"):
        simulate_pathways(gambler_chain(), 1_000, seed=1, max_steps=2, strict=True)
    with pytest.raises(InputError, match="visits were not recorded"):
        sim.mean_visits()


def test_simulation_input_errors():
    model = after_trafficking_model()
    with pytest.raises(InputError, match="n_cases"):
        simulate_pathways(model, 0, seed=1)
    with pytest.raises(InputError, match="max_steps"):
        simulate_pathways(model, 10, seed=1, max_steps=0)
    with pytest.raises(InputError, match="not a state"):
        simulate_pathways(model, 10, seed=1, start="home")


def test_row_sampling_never_picks_zero_probability_branch():
    # X has probability 0 and sits between two positive branches in the cumulative row.
    model = PathwayModel({"A": {"W": synthetic("w", 0.5), "X": synthetic("x", 0.0), "Y": COMPLEMENT}})
    sim = simulate_pathways(model, 20_000, seed=3)
    assert sim.absorption_table().loc["X", "count"] == 0


# ------------------------------------------------------------------ scenarios


def test_scenario_difference_is_linear_in_identification():
    # P(reintegrated) is linear in p_identified (it appears on one branch of a tree), so the
    # scenario difference equals derivative x change exactly.
    model = after_trafficking_model(**TEST_VALUES)
    table = scenario_comparison(model, {"p_identified": 0.1})
    derivative = sensitivity(model).loc["p_identified", "derivative"]
    assert table.loc["p_identified", "scenario"] == pytest.approx(0.5, abs=1e-15)
    assert not table.loc["p_identified", "clipped"]
    assert table.loc["P(reintegrated)", "difference"] == pytest.approx(0.1 * derivative, abs=1e-14)
    outcomes = table[table["kind"] == "absorption probability"]
    assert list(outcomes.index) == ["P(reintegrated)", "P(re_migrated)", "P(re_trafficked)"]
    assert outcomes["difference"].sum() == pytest.approx(0.0, abs=1e-15)
    # identifying more people lengthens pathways: E steps = 4 + pi + pi pr rises by 0.1 (1 + pr)
    assert table.loc["expected steps", "difference"] == pytest.approx(0.1 * (1 + 354 / 414), abs=1e-13)


def test_scenario_changes_are_clipped_to_feasible_values():
    model = after_trafficking_model(**TEST_VALUES)
    table = scenario_comparison(model, {"p_identified": 0.8, "p_reintegrated_assisted": 0.5,
                                        "p_re_trafficked_unassisted": -0.4}, target="re_trafficked")
    assert table.loc["p_identified", "scenario"] == 1.0 and table.loc["p_identified", "clipped"]
    # row of reintegration_assistance: 0.6 + 0.1 explicit, remainder 0.3, so at most 0.9
    assert table.loc["p_reintegrated_assisted", "scenario"] == pytest.approx(0.9, abs=1e-15)
    assert table.loc["p_reintegrated_assisted", "clipped"]
    assert table.loc["p_re_trafficked_unassisted", "scenario"] == 0.0
    assert table.index[3] == "P(re_trafficked)"
    expected = hand_computed_outcomes(dict(TEST_VALUES, p_identified=1.0, p_reintegrated_assisted=0.9,
                                           p_re_trafficked_unassisted=0.0))
    assert table.loc["P(re_trafficked)", "scenario"] == pytest.approx(expected["re_trafficked"], abs=1e-14)


def test_changed_sourced_value_becomes_an_assumption():
    model = after_trafficking_model()
    changed = model.with_values({"p_referred": 0.9})
    p = changed.parameters["p_referred"]
    assert (p.value, p.kind) == (0.9, "assumption")
    assert "baseline 0.855072 (sourced: U.S. Department of State (2022)" in p.note
    assert model.parameters["p_referred"].kind == "sourced"  # the original is untouched
    with pytest.raises(InputError, match="unknown parameter 'p_typo'"):
        scenario_comparison(model, {"p_typo": 0.1})


# ------------------------------------------------------------------ property test


@st.composite
def absorbing_chains(draw):
    n_transient = draw(st.integers(1, 5))
    n_absorbing = draw(st.integers(1, 3))
    n = n_transient + n_absorbing
    weights = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=n_transient * n, max_size=n_transient * n)))
    weights = weights.reshape(n_transient, n)
    exits = draw(st.lists(st.integers(0, n_absorbing - 1), min_size=n_transient, max_size=n_transient))
    weights[np.arange(n_transient), n_transient + np.array(exits)] += 0.05  # every row can absorb
    probabilities = weights / weights.sum(axis=1, keepdims=True)
    names = [f"t{i}" for i in range(n_transient)] + [f"a{j}" for j in range(n_absorbing)]
    transitions = {names[i]: {names[j]: synthetic(f"p_{i}_{j}", probabilities[i, j]) for j in range(n)}
                   for i in range(n_transient)}
    return PathwayModel(transitions, states=names)


@settings(max_examples=60, deadline=None)
@given(absorbing_chains())
def test_absorption_probabilities_are_a_distribution(model):
    result = model.analysis()
    absorption = result.absorption.to_numpy()
    assert absorption.shape == (len(model.transient_states), len(model.absorbing_states))
    np.testing.assert_allclose(absorption.sum(axis=1), 1.0, atol=1e-9)
    assert (absorption >= -1e-12).all() and (absorption <= 1 + 1e-12).all()
    assert (result.expected_steps >= 1 - 1e-12).all()  # at least one transition to absorb
    assert (np.diag(result.fundamental.to_numpy()) >= 1 - 1e-12).all()  # the starting visit counts
    matrix = model.transition_matrix().to_numpy()
    np.testing.assert_allclose(matrix.sum(axis=1), 1.0, atol=1e-12)  # absorbing rows: P[a, a] = 1
    q, _ = model._blocks(matrix)
    np.testing.assert_allclose((np.eye(len(q)) - q) @ result.expected_steps.to_numpy(), 1.0, atol=1e-9)


@pytest.mark.parametrize("method", ["thresholds", "searchsorted"])
def test_sampling_intervals_at_their_boundaries(method):
    # Row 0 of a 3-state matrix: branches (0, 0.5, 0.5): branch 0 has no mass; u in [0, 0.5)
    # goes to 1, u in [0.5, 1) to 2.  Rows 1 and 2 are absorbing self-loops.  For state 1,
    # 1 + u rounds to 2.0 when u = 1 - 2^-53 (the largest value Generator.random returns):
    # the searchsorted method must still keep the case in row 1.
    from mixedmig.pathways.simulation import _RowSampler

    matrix = np.array([[0.0, 0.5, 0.5], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    sampler = _RowSampler(matrix, method=method)
    largest_u = 1.0 - 2.0**-53
    u = np.array([0.0, 0.25, 0.5, largest_u, largest_u, largest_u])
    current = np.array([0, 0, 0, 0, 1, 2])
    np.testing.assert_array_equal(sampler.next_states(current, u), [1, 1, 2, 2, 1, 2])


def test_both_sampling_methods_agree_on_a_dense_chain():
    from mixedmig.pathways.simulation import _RowSampler

    rng = np.random.default_rng(11)
    matrix = rng.random((12, 12)) * (rng.random((12, 12)) < 0.7)  # synthetic, some zeros
    matrix[:, 0] += 0.01
    matrix /= matrix.sum(axis=1, keepdims=True)
    current = rng.integers(0, 12, 50_000)
    u = rng.random(50_000)
    thresholds = _RowSampler(matrix, method="thresholds").next_states(current, u)
    np.testing.assert_array_equal(thresholds, _RowSampler(matrix, method="searchsorted").next_states(current, u))
    assert (matrix[current, thresholds] > 0).all()


# ------------------------------------------------------------------ review 7: A1, B4, D18, E14
def test_transition_matrix_and_direction_are_labelled_frames():
    # A1: labelled outputs are DataFrames indexed by state, never bare arrays.  Expected values by
    # hand: from A stay 0.5, to X 0.3, remainder 0.2 to Y; dP/ds = +1 on A->A and -1 on A->Y.
    model = lazy_ruin_chain()
    matrix = model.transition_matrix()
    assert isinstance(matrix, pd.DataFrame)
    assert matrix.index.name == "from" and matrix.columns.name == "to"
    assert list(matrix.index) == list(matrix.columns) == ["A", "X", "Y"]
    assert matrix.loc["A"].to_dict() == pytest.approx({"A": 0.5, "X": 0.3, "Y": 0.2}, abs=1e-15)
    direction = model.direction("s")
    assert isinstance(direction, pd.DataFrame)
    assert direction.index.name == "from" and direction.columns.name == "to"
    assert direction.loc["A"].to_dict() == {"A": 1.0, "X": 0.0, "Y": -1.0}
    assert (direction.loc[["X", "Y"]] == 0).all().all()
    matrix.iloc[0, 0] = 99.0  # a copy: the model is unchanged
    assert model.transition_matrix().iloc[0, 0] == 0.5


@pytest.mark.parametrize("seed", ["a", 1.5, True, -1, [1, "x"], object()])
def test_simulate_pathways_rejects_a_bad_seed_with_input_error(seed):
    # B4: a numpy TypeError/ValueError escaped before
    with pytest.raises(InputError, match="seed must be a non-negative integer"):
        simulate_pathways(lazy_ruin_chain(), 10, seed=seed)


@pytest.mark.parametrize("seed", [0, 2013, np.random.SeedSequence(4), np.random.default_rng(5), [1, 2]])
def test_simulate_pathways_accepts_every_numpy_seed(seed):
    assert simulate_pathways(lazy_ruin_chain(), 10, seed=seed).n_cases == 10


def test_scenario_comparison_docstring_prose_matches_its_code():
    # D18: the example says +0.25, then +0.9 clipped at 1; the code must use those numbers
    doc = scenario_comparison.__doc__
    assert "by 0.25 (to 0.5), then by 0.9" in doc
    assert '{"a": 0.25}' in doc and '{"a": 0.9}' in doc
    assert "0.5 (clipped" not in doc


def test_tip_2022_figure_is_read_from_data_raw(tmp_path, monkeypatch):
    # E14: 354 / 414 lives in data/raw/tip_2022_thailand_services.csv and is read from there
    from mixedmig import data
    from mixedmig.pathways import after_trafficking

    table = data.load("tip_2022_thailand_services").set_index("measure")
    assert int(table.loc["victims_identified", "value"]) == 414  # TIP 2022, Thailand chapter
    assert int(table.loc["victims_provided_services", "value"]) == 354
    p = thailand_2021_services_given_identified()
    assert p.value == 354 / 414 and p.kind == "sourced"
    assert "state.gov/reports/2022-trafficking-in-persons-report/thailand" in p.source
    assert after_trafficking_model().parameters["p_referred"] == p
    import ast

    tree = ast.parse(Path(after_trafficking.__file__).read_text(encoding="utf-8"))
    literals = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
                and isinstance(node.value, (int, float)) and not isinstance(node.value, bool)}
    assert not literals & {354, 414, 354 / 414}, "the TIP figure is hard-coded in after_trafficking.py"
    # a changed table changes the parameter: the code holds no copy of the figure
    raw = tmp_path / "raw"
    raw.mkdir()
    root = Path(data.data_dir())
    for name in ("tip_2022_thailand_services",):
        csv = (root / f"{name}.csv").read_text(encoding="utf-8").replace(",354,", ",300,")
        (raw / f"{name}.csv").write_text(csv, encoding="utf-8")
        digest = hashlib.sha256((raw / f"{name}.csv").read_bytes()).hexdigest()
        yml = (root / f"{name}.yml").read_text(encoding="utf-8")
        yml = re.sub(r"sha256: [0-9a-f]{64}", f"sha256: {digest}", yml)
        (raw / f"{name}.yml").write_text(yml, encoding="utf-8")
    monkeypatch.setenv("MIXEDMIG_DATA", str(raw))
    after_trafficking._tip_2022_counts.cache_clear()
    try:
        assert thailand_2021_services_given_identified().value == 300 / 414
    finally:
        monkeypatch.undo()
        after_trafficking._tip_2022_counts.cache_clear()
    assert thailand_2021_services_given_identified().value == 354 / 414
