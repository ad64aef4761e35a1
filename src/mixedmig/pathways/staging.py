""""""

from __future__ import annotations
from typing import Mapping, Sequence
import numpy as np
import pandas as pd
from ..errors import InputError


def stage_pathways(simulation, stages: Mapping[str, Sequence[str]], *, fill: str = "none",
                   labels: Mapping[str, str] | None = None, count: str = "cases") -> pd.DataFrame:
    """One row per distinct route of the simulated cases through ``stages``, with its count.

    ``stages`` maps a stage name to the states that are alternatives at that stage (e.g.
    ``{"identification": ["identified", "not_identified"], ...}``).  A case's value at a stage
    is the one listed state it visited, or ``fill`` if it visited none of them (e.g. a person
    never identified has no referral stage).  A case that visited two states of one stage
    (possible only in a chain with loops) raises :class:`InputError`: such a
    stage does not describe one step.  ``labels`` renames states for display; ``fill`` may
    equal a label of a stage in which every case visited one of the states.

    Stage columns are ordered categoricals (states in the order given, ``fill`` last), so an
    alluvial plot keeps the model's order; rows are sorted by decreasing count, then by route.
    Needs ``simulation.visits`` (``simulate_pathways(..., record_visits=True)``).
    """
    visits = getattr(simulation, "visits", None)
    states = list(getattr(simulation, "states", ()))
    if visits is None:
        raise InputError(
            "the simulation has no visit counts; rerun simulate_pathways(..., record_visits=True)"
        )
    if not isinstance(stages, Mapping) or not stages:
        raise InputError("stages must be a non-empty mapping {stage: [states]}")
    labels = dict(labels or {})
    if count in stages:
        raise InputError(f"count column {count!r} clashes with a stage name")
    visited = np.asarray(visits) > 0
    columns: dict[str, pd.Categorical] = {}
    for stage, members in stages.items():
        members = list(members)
        if not members or len(set(members)) != len(members):
            raise InputError(f"stage {stage!r} needs distinct states, got {members}")
        unknown = [s for s in members if s not in states]
        if unknown:
            raise InputError(
                f"stage {stage!r}: {unknown} are not states of the model; states are {states}"
            )
        block = visited[:, [states.index(s) for s in members]]
        several = np.flatnonzero(block.sum(axis=1) > 1)
        if several.size:
            raise InputError(
                f"stage {stage!r}: case {int(several[0])} visited more than one of {members}; "
                "a stage must list states that exclude each other"
            )
        names = [labels.get(s, s) for s in members]
        if len(set(names)) != len(names):
            raise InputError(f"stage {stage!r}: two states share a label in {names}")
        matched = block.any(axis=1)
        if fill in names and not matched.all():
            raise InputError(
                f"stage {stage!r}: some cases visited none of its states, and their fill {fill!r} "
                "is also the label of one of its states; choose another fill"
            )
        choice = np.where(matched, block.argmax(axis=1), len(members))
        categories = names + ([] if fill in names else [fill])
        columns[stage] = pd.Categorical.from_codes(choice, categories=categories, ordered=True)
    frame = pd.DataFrame(columns)
    table = frame.groupby(list(stages), observed=True).size().rename(count).reset_index()
    codes = [table[s].cat.codes for s in stages]
    table = table.assign(_order=-table[count], **{f"_code{i}": c for i, c in enumerate(codes)})
    table = table.sort_values(["_order"] + [f"_code{i}" for i in range(len(codes))], kind="stable")
    table = table.drop(columns=["_order"] + [f"_code{i}" for i in range(len(codes))])
    for stage in stages:  # drop categories no case took, keep the order of the rest
        table[stage] = table[stage].cat.remove_unused_categories()
    return table.reset_index(drop=True)
