"""Tests of pathways.stage_pathways (stages of simulated routes)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from mixedmig import pathways
from mixedmig.errors import InputError
from mixedmig.pathways import (
    COMPLEMENT,
    Parameter,
    PathwayModel,
    PathwaySimulationResult,
    stage_pathways,
)

# ----------------------------------------------------------------------------- stage_pathways

STATES = ("start", "a", "b", "c", "end1", "end2")


def _synthetic(name, value):
    return Parameter(name, value, None, "assumption", "synthetic value for a hand-made test")


# start -> a or b; a -> c -> end1; b -> end1 or end2 (probabilities are irrelevant here)
HAND_MODEL = PathwayModel(
    {"start": {"a": _synthetic("p_a", 0.5), "b": COMPLEMENT},
     "a": {"c": _synthetic("p_ac", 1.0)},
     "c": {"end1": _synthetic("p_c_end1", 1.0)},
     "b": {"end1": _synthetic("p_b_end1", 0.5), "end2": COMPLEMENT}},
    states=STATES,
)


def _fake(visits):
    """A simulation result written by hand: the given visit counts (rows = cases)."""
    visits = np.asarray(visits)
    cases = pd.RangeIndex(len(visits), name="case")
    last = [max((j for j in range(len(STATES)) if row[j]), default=0) for row in visits]
    return PathwaySimulationResult(
        model=HAND_MODEL, states=STATES, start="start", seed=None, max_steps=10,
        final_state=pd.Series(pd.Categorical.from_codes(last, categories=list(STATES)), index=cases),
        steps=pd.Series(visits.sum(axis=1) - 1, index=cases),
        absorbed=pd.Series([STATES[j] in ("end1", "end2") for j in last], index=cases),
        visits=pd.DataFrame(visits, index=cases, columns=list(STATES)),
    )


def _no_visits():
    sim = _fake([[1, 1, 0, 1, 1, 0]])
    return PathwaySimulationResult(model=sim.model, states=sim.states, start=sim.start, seed=None,
                                   max_steps=10, final_state=sim.final_state, steps=sim.steps,
                                   absorbed=sim.absorbed, visits=None)


def test_stage_pathways_hand_example():
    # Four cases: start-a-c-end1, start-a-c-end1, start-b-end2, start-b-end1.
    # Stage "first" = {a, b}; stage "second" = {c} (case 3 and 4 skip it -> fill);
    # stage "outcome" = {end1, end2}.  Routes: (a, c, end1) x2, (b, none, end1) x1,
    # (b, none, end2) x1; ties in count are broken by the order of the states given.
    visits = [[1, 1, 0, 1, 1, 0], [1, 1, 0, 1, 1, 0], [1, 0, 1, 0, 0, 1], [1, 0, 1, 0, 1, 0]]
    table = stage_pathways(_fake(visits), {"first": ["a", "b"], "second": ["c"],
                                           "outcome": ["end1", "end2"]},
                           labels={"end1": "E1"})
    assert table.columns.tolist() == ["first", "second", "outcome", "cases"]
    assert table.astype({"first": str, "second": str, "outcome": str}).values.tolist() == [
        ["a", "c", "E1", 2], ["b", "none", "E1", 1], ["b", "none", "end2", 1]]
    assert list(table["second"].cat.categories) == ["c", "none"]
    assert list(table["outcome"].cat.categories) == ["E1", "end2"]


def test_stage_pathways_rejects_bad_input():
    visits = [[1, 1, 1, 0, 1, 0]]  # visited both a and b
    with pytest.raises(InputError, match="more than one"):
        stage_pathways(_fake(visits), {"first": ["a", "b"]})
    with pytest.raises(InputError, match="not states"):
        stage_pathways(_fake(visits), {"first": ["a", "zzz"]})
    with pytest.raises(InputError, match="record_visits"):
        stage_pathways(_no_visits(), {"first": ["a"]})
    # anything but a PathwaySimulationResult is refused, even if it quacks like one
    with pytest.raises(InputError, match="PathwaySimulationResult"):
        stage_pathways(SimpleNamespace(states=STATES, visits=np.asarray(visits)), {"first": ["a"]})
    with pytest.raises(InputError, match="fill"):  # c unvisited: 'none' ambiguous
        stage_pathways(_fake([[1, 1, 0, 0, 1, 0]]), {"second": ["c"]}, labels={"c": "none"})
    with pytest.raises(InputError, match="share a label"):
        stage_pathways(_fake([[1, 1, 0, 0, 1, 0]]), {"first": ["a", "b"]}, labels={"a": "x", "b": "x"})
    # every case visited a or b, so a fill equal to a's label is never used and is allowed
    table = stage_pathways(_fake([[1, 1, 0, 0, 1, 0]]), {"first": ["a", "b"]}, labels={"a": "none"})
    assert table.astype({"first": str}).values.tolist() == [["none", 1]]
    with pytest.raises(InputError, match="clashes"):
        stage_pathways(_fake([[1, 1, 0, 0, 1, 0]]), {"cases": ["a", "b"]})


def test_stage_pathways_of_a_simulation_add_up_to_the_simulated_outcomes():
    model = pathways.after_trafficking_model(p_identified=0.3, p_reintegrated_assisted=0.7,
                                             p_re_trafficked_assisted=0.1)
    sim = pathways.simulate_pathways(model, 5000, seed=11)
    stages = {"identification": ["identified", "not_identified"],
              "assistance": ["assistance_accepted", "assistance_declined", "not_referred"],
              "return": ["return_official", "return_self"],
              "outcome": ["reintegrated", "re_migrated", "re_trafficked"]}
    table = stage_pathways(sim, stages)
    assert table["cases"].sum() == 5000
    assert (table["cases"].diff().dropna() <= 0).all()
    by_outcome = table.groupby("outcome", observed=True)["cases"].sum()
    counts = sim.absorption_table()["count"]
    for outcome in stages["outcome"]:
        assert by_outcome[outcome] == counts[outcome]
    # a person never identified has no assistance stage, and only they have none
    not_identified = table[table["identification"] == "not_identified"]
    assert set(not_identified["assistance"].astype(str)) == {"none"}
    identified = table[table["identification"] == "identified"]
    assert "none" not in set(identified["assistance"].astype(str))
    assert table.equals(stage_pathways(pathways.simulate_pathways(model, 5000, seed=11), stages))
