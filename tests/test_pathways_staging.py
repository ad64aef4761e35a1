"""Tests of pathways.stage_pathways (stages of simulated routes)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from mixedmig import pathways
from mixedmig.errors import InputError
from mixedmig.pathways import stage_pathways

# ----------------------------------------------------------------------------- stage_pathways

STATES = ("start", "a", "b", "c", "end1", "end2")


def _fake(visits):
    return SimpleNamespace(states=STATES, visits=np.asarray(visits))


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
        stage_pathways(SimpleNamespace(states=STATES, visits=None), {"first": ["a"]})
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


# ----------------------------------------------------------------------------- consistent_counts


