"""Tests of flows_sweep: combinations, perturbation model, serial = 2-worker Dask, errors.

All stock tables here are MADE-UP fixtures (not data).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mixedmig.errors import DataError, InputError, SchemaError
from mixedmig.flows import FlowsSweepResult, flows_demographic, flows_sweep
from mixedmig.flows.sweeps import _perturb

LABELS = ["A", "B", "C"]


def _table(rows):
    return pd.DataFrame(rows, LABELS, LABELS, dtype=float)


# made-up stocks of two "editions"; columns sum to each region's population
STOCKS = {
    "old": {2000: _table([[900, 10, 5], [20, 1000, 0], [5, 0, 500]]),
            2005: _table([[880, 20, 5], [10, 1010, 5], [0, 5, 505]]),
            2010: _table([[870, 30, 8], [10, 1000, 9], [0, 5, 510]])},
    "new": {2000: _table([[900, 12, 5], [18, 1000, 0], [5, 0, 500]]),
            2005: _table([[880, 22, 5], [10, 1010, 3], [0, 7, 500]])},
}
PRIORS = {"uniform": None, "made-up 1/d": _table([[1, 1, 0.25], [1, 1, 0.5], [0.25, 0.5, 1]])}


def test_point_estimates_equal_the_estimator_run_by_hand():
    result = flows_sweep(STOCKS, priors=PRIORS, natural_change=False, scheduler="serial")
    assert isinstance(result, FlowsSweepResult) and result.converged
    frame = result.to_frame()
    # default periods: consecutive years of each edition
    assert sorted(set(zip(frame["edition"], frame["period_start"]))) == [("new", 2000), ("old", 2000),
                                                                         ("old", 2005)]
    assert len(frame) == 3 * 2 * 6
    for edition, start, end in (("old", 2005, 2010), ("new", 2000, 2005)):
        for label, prior in PRIORS.items():
            direct = flows_demographic(STOCKS[edition][start], STOCKS[edition][end], prior=prior).flows
            part = frame[(frame["edition"] == edition) & (frame["prior"] == label)
                         & (frame["period_start"] == start)]
            for o, d, v in zip(part["orig"], part["dest"], part["flow"]):
                assert v == pytest.approx(direct.loc[o, d], abs=1e-9)
    # with four regions the margins leave the movers free, so the priors give different flows
    four = ["A", "B", "C", "D"]
    s0 = pd.DataFrame([[900, 10, 5, 5], [20, 1000, 0, 5], [5, 0, 500, 5], [5, 5, 5, 400]], four, four, dtype=float)
    s1 = pd.DataFrame([[870, 20, 15, 5], [10, 1000, 5, 15], [15, 5, 480, 5], [15, 5, 10, 390]], four, four,
                      dtype=float)
    dist = pd.DataFrame([[1, 1, 4, 4], [1, 1, 4, 4], [4, 4, 1, 1], [4, 4, 1, 1]], four, four, dtype=float)
    wide = flows_sweep({"e": {0: s0, 5: s1}}, priors={"uniform": None, "1/d": 1 / dist}, natural_change=False,
                       scheduler="serial").to_frame().pivot_table(index=["orig", "dest"], columns="prior",
                                                                   values="flow")
    for label, prior in (("uniform", None), ("1/d", 1 / dist)):
        direct = flows_demographic(s0, s1, prior=prior).flows
        for (o, d), v in wide[label].items():
            assert v == pytest.approx(direct.loc[o, d], abs=1e-9)
    assert (wide["uniform"] - wide["1/d"]).abs().max() > 0.01


def test_difference_method_by_hand_and_summary_range():
    # stock differencing, negatives zeroed: flow o->d = max(S_end[o, d] - S_start[o, d], 0), worked by hand
    stocks = {"old": {k: STOCKS["old"][k] for k in (2000, 2005)}, "new": STOCKS["new"]}
    result = flows_sweep(stocks, method="difference", scheduler="serial")
    by_hand = {"old": {("A", "B"): 10, ("B", "C"): 5, ("C", "B"): 5},
               "new": {("A", "B"): 10, ("B", "C"): 3, ("C", "B"): 7}}
    frame = result.to_frame().set_index(["edition", "orig", "dest"])["flow"]
    for edition, cells in by_hand.items():
        for (o, d), v in cells.items():
            assert frame.loc[(edition, o, d)] == v
        assert frame.loc[edition].sum() == sum(cells.values())
    summary = result.summary.loc[(2000, 2005)]
    assert summary.loc[("B", "C"), ["min", "median", "max"]].tolist() == [3, 4, 5]
    assert summary.loc[("C", "B"), ["min", "max"]].tolist() == [5, 7]
    assert (summary["n_combinations"] == 2).all() and summary["lower"].isna().all()


def test_perturbation_keeps_populations_and_is_mean_preserving_lognormal():
    tables = {y: t.to_numpy() for y, t in STOCKS["old"].items()}
    rng = np.random.default_rng(3)
    sd = 0.2
    draws = [_perturb(tables, [2000], rng, sd)[2000] for _ in range(20_000)]
    stack = np.stack(draws)
    # populations (column totals) kept exactly in every draw
    np.testing.assert_allclose(stack.sum(axis=1), np.broadcast_to(tables[2000].sum(axis=0), (20_000, 3)))
    # E[S*] = S and sd of log(S*/S) = sd, for a positive foreign-born cell (A-born in B: 10)
    ratio = stack[:, 0, 1] / 10.0
    se_mean = np.sqrt(np.exp(sd**2) - 1) / np.sqrt(20_000)
    assert abs(ratio.mean() - 1.0) < 4 * se_mean
    assert np.log(ratio).std() == pytest.approx(sd, rel=0.03)
    # zero stocks stay zero (a relative error of nothing is nothing)
    assert (stack[:, 1, 2] == 0).all()


def test_bootstrap_draws_are_paired_across_priors_and_reproducible():
    priors = {"uniform": None, "ones": _table(np.ones((3, 3)))}  # the same prior twice
    a = flows_sweep(STOCKS, priors=priors, n_boot=12, chunk_size=5, stock_sd=0.1, seed=7, scheduler="serial")
    draws = a.draws.pivot_table(index=["edition", "period_start", "draw", "orig", "dest"], columns="prior",
                                values="flow")
    assert len(draws) == (2 + 1) * 12 * 6
    np.testing.assert_allclose(draws["uniform"], draws["ones"], atol=1e-9)  # same perturbed stocks
    assert draws["uniform"].std() > 0
    b = flows_sweep(STOCKS, priors=priors, n_boot=12, chunk_size=5, stock_sd=0.1, seed=7, scheduler="serial")
    pd.testing.assert_frame_equal(a.draws, b.draws, check_exact=True)
    c = flows_sweep(STOCKS, priors=priors, n_boot=12, chunk_size=5, stock_sd=0.1, seed=8, scheduler="serial")
    assert not np.array_equal(a.draws["flow"].to_numpy(), c.draws["flow"].to_numpy())
    iv = a.intervals
    assert (iv["boot_lower"] <= iv["boot_upper"]).all()
    # percentile interval worked independently from the draws of one corridor
    one = a.draws[(a.draws["edition"] == "old") & (a.draws["prior"] == "uniform") & (a.draws["period_start"] == 2000)
                  & (a.draws["orig"] == "A") & (a.draws["dest"] == "B")]["flow"].to_numpy()
    row = iv[(iv["edition"] == "old") & (iv["prior"] == "uniform") & (iv["period_start"] == 2000)
             & (iv["orig"] == "A") & (iv["dest"] == "B")].iloc[0]
    assert row["boot_lower"] == pytest.approx(np.quantile(one, 0.025))
    assert row["boot_upper"] == pytest.approx(np.quantile(one, 0.975))
    assert "ASSUMPTION" in a.perturbation and "sd = 0.1" in a.perturbation


def test_two_worker_local_cluster_equals_serial():
    distributed = pytest.importorskip("distributed")
    kwargs = {"priors": PRIORS, "n_boot": 9, "chunk_size": 2, "stock_sd": 0.15, "seed": 2013}
    serial = flows_sweep(STOCKS, scheduler="serial", **kwargs)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp://",
                                  host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        on_cluster = flows_sweep(STOCKS, scheduler=client, **kwargs)
    assert "2 workers" in on_cluster.message
    for name in ("flows", "draws", "intervals", "summary"):
        pd.testing.assert_frame_equal(getattr(serial, name), getattr(on_cluster, name), check_exact=True)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"method": "nope"}, InputError, "method must be one of"),
    ({"method": "difference", "priors": PRIORS}, InputError, "uses no prior"),
    ({"priors": {}}, InputError, "non-empty mapping"),
    ({"n_boot": -1}, InputError, "n_boot must be"),
    ({"stock_sd": 0}, InputError, "stock_sd must be"),
    ({"level": 1.0}, InputError, "level must lie"),
    ({"periods": [(2005, 2010)]}, DataError, "edition 'new' has no stock table for \\[2010\\]"),
    ({"priors": {"x": pd.DataFrame(np.ones((2, 2)), ["A", "B"], ["A", "B"])}}, SchemaError, "prior 'x'"),
    ({"scheduler": 3}, InputError, "scheduler must be None"),
])
def test_bad_arguments_raise_mixedmig_errors(kwargs, error, match):
    args = {"scheduler": "serial"} | kwargs
    with pytest.raises(error, match=match):
        flows_sweep(STOCKS, **args)


def test_too_large_perturbation_is_named():
    tiny = {"e": {2000: _table([[1, 50, 0], [0, 1, 0], [0, 0, 1]]), 2005: _table([[1, 50, 0], [0, 1, 0], [0, 0, 1]])}}
    with pytest.raises(InputError, match="negative native-born stock.*lower stock_sd"):
        flows_sweep(tiny, n_boot=50, stock_sd=1.0, scheduler="serial")


def test_an_edition_with_one_year_is_a_data_error():
    with pytest.raises(DataError, match="stocks\\['x'\\] must map at least two years"):
        flows_sweep({"x": {2000: STOCKS["old"][2000]}}, scheduler="serial")
