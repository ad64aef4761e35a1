"""Staging of simulated pathways: one row per distinct route, ready for an alluvial plot.

:func:`stage_pathways` reads the visit counts of a :class:`PathwaySimulationResult` and groups
the states into stages (identification, assistance, return, outcome...), following the
stages of the *After Trafficking* framework (Surtees 2013); ``mixedmig.plotting.alluvial``
draws the table it returns.

References
----------
Surtees R (2013). *After Trafficking: Experiences and Challenges in the (Re)integration of
    Trafficked Persons in the Greater Mekong Sub-region.* Bangkok: UNIAP / NEXUS Institute.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from .simulation import PathwaySimulationResult


def stage_pathways(simulation: PathwaySimulationResult, stages: Mapping[str, Sequence[str]], *,
                   fill: str = "none", labels: Mapping[str, str] | None = None,
                   count: str = "cases") -> pd.DataFrame:
    """One row per distinct route of the simulated cases through ``stages``, with its count.

    A case's value at a stage is the one listed state it visited, or ``fill`` if it visited
    none of them (e.g. a person never identified has no referral stage).  A case that visited
    two states of one stage (possible only in a chain with loops) is an error: such a stage does
    not describe one step.

    Parameters
    ----------
    simulation : PathwaySimulationResult
        The output of :func:`simulate_pathways` with ``record_visits=True``.
    stages : mapping of str to sequence of str
        Stage name -> the states that are alternatives at that stage, in display order, e.g.
        ``{"identification": ["identified", "not_identified"], ...}``.
    fill : str, default "none"
        The value of a stage none of whose states a case visited.  It may equal a label of a
        stage in which every case visited one of the states.
    labels : mapping of str to str, optional
        Display names of states.
    count : str, default "cases"
        Name of the count column.

    Returns
    -------
    pandas.DataFrame
        One column per stage (ordered categoricals: states in the order given, ``fill`` last;
        categories no case took are dropped) and ``count``; rows sorted by decreasing count,
        then by route.  The counts sum to ``simulation.n_cases``.

    Raises
    ------
    InputError
        If ``simulation`` is not a :class:`PathwaySimulationResult` or has no visit counts,
        ``stages`` is empty or names unknown or repeated states, a case visited two states of
        one stage, two states of a stage share a label, ``fill`` is ambiguous, or ``count``
        clashes with a stage name.

    References
    ----------
    Surtees R (2013). *After Trafficking.* Bangkok: UNIAP / NEXUS Institute.

    Examples
    --------
    A made-up chain (not data): from ``A`` go to ``X`` with 0.25, else to ``Y``.

    >>> from mixedmig.pathways import COMPLEMENT, Parameter, PathwayModel, simulate_pathways
    >>> model = PathwayModel({"A": {"X": Parameter("a", 0.25, None, "assumption", "made up"),
    ...                             "Y": COMPLEMENT}})
    >>> sim = simulate_pathways(model, 1000, seed=1)
    >>> routes = stage_pathways(sim, {"outcome": ["X", "Y"]})
    >>> routes.columns.tolist(), int(routes["cases"].sum())
    (['outcome', 'cases'], 1000)
    """
    if not isinstance(simulation, PathwaySimulationResult):
        raise InputError(
            "stage_pathways needs the PathwaySimulationResult of simulate_pathways(...), "
            f"got {type(simulation).__name__}"
        )
    visits = simulation._visits_or_raise()
    states = list(simulation.states)
    if not isinstance(stages, Mapping) or not stages:
        raise InputError("stages must be a non-empty mapping {stage: [states]}")
    labels = dict(labels or {})
    if count in stages:
        raise InputError(f"count column {count!r} clashes with a stage name")
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
        block = visits[members].to_numpy() > 0
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
