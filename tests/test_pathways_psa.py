"""Probabilistic sensitivity analysis of pathway models (mixedmig.pathways.psa) on Dask.

Expected values come from closed forms worked here (Beta moments and quantiles from scipy, the
absorption probabilities of the After Trafficking chain by the law of total probability), never
from the code under test.  Chains and counts marked "made up" are test fixtures, not data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from mixedmig.errors import InputError
from mixedmig.pathways import (
    COMPLEMENT,
    Parameter,
    PathwayModel,
    PSAResult,
    after_trafficking_distributions,
    after_trafficking_model,
    beta_from_counts,
    dirichlet_row,
    psa,
    uniform_range,
)


def made_up(name, value):
    return Parameter(name, value, None, "assumption", "made-up value for a test")


def two_branch():
    """Made up: from A to X with a, else Y; so P(X) = a and one step."""
    return PathwayModel({"A": {"X": made_up("a", 0.5), "Y": COMPLEMENT}})


def test_beta_from_counts_is_the_uniform_prior_posterior():
    d = beta_from_counts("p_referred", 354, 414, "US TIP Report 2022, Thailand")
    assert d.params == (355.0, 61.0)  # Beta(1 + 354, 1 + 414 - 354)
    assert d.describe() == "Beta(355, 61)"
    assert beta_from_counts("p", 10, 20, "made up", weight=0.5).params == (6.0, 6.0)


def test_psa_matches_beta_moments_and_quantiles():
    # P(X) = a, a ~ Beta(355, 61): mean 355/416, quantiles from scipy
    result = psa(two_branch(), 20_000, [beta_from_counts("a", 354, 414, "made-up use of the TIP counts")],
                 seed=11, scheduler="serial")
    assert isinstance(result, PSAResult) and result.converged
    row = result.summary.loc["P(X)"]
    dist = sps.beta(355, 61)
    se = dist.std() / np.sqrt(20_000)
    assert abs(row["mean"] - dist.mean()) < 5 * se
    assert row["sd"] == pytest.approx(dist.std(), rel=0.03)
    assert row["lower"] == pytest.approx(dist.ppf(0.025), abs=0.003)
    assert row["upper"] == pytest.approx(dist.ppf(0.975), abs=0.003)
    assert row["baseline"] == 0.5
    np.testing.assert_allclose(result.outcome_draws["P(X)"], result.parameter_draws["a"], atol=1e-14)
    np.testing.assert_allclose(result.outcome_draws["expected_steps"], 1.0, atol=1e-12)


def _reintegrated_by_hand(t: pd.DataFrame) -> np.ndarray:
    """P(reintegrated | trafficked) of the After Trafficking chain by total probability."""
    i, r, acc = t["p_identified"], t["p_referred"], t["p_assistance_accepted"]
    official = (i * r * acc * t["p_official_return_accepted"]
                + i * r * (1 - acc) * t["p_official_return_declined"]
                + i * (1 - r) * t["p_official_return_not_referred"]
                + (1 - i) * t["p_official_return_not_identified"])
    assisted = official * t["p_reintegration_assistance_official"] + (1 - official) * t["p_reintegration_assistance_self"]
    return (assisted * t["p_reintegrated_assisted"] + (1 - assisted) * t["p_reintegrated_unassisted"]).to_numpy()


def test_every_draw_is_the_exact_chain_of_its_parameters():
    model = after_trafficking_model()
    result = psa(model, 300, after_trafficking_distributions(), seed=3, scheduler="serial")
    np.testing.assert_allclose(result.outcome_draws["P(reintegrated)"], _reintegrated_by_hand(result.parameter_draws),
                               atol=1e-12)
    sums = result.outcome_draws[["P(reintegrated)", "P(re_migrated)", "P(re_trafficked)"]].sum(axis=1)
    np.testing.assert_allclose(sums, 1.0, atol=1e-12)
    # 4, 5 or 6 steps (not identified / not referred / referred): t = 4 + i + i r
    t = result.parameter_draws
    expected = 4 + t["p_identified"] + t["p_identified"] * t["p_referred"]
    np.testing.assert_allclose(result.outcome_draws["expected_steps"], expected, atol=1e-12)


def test_drivers_are_spearman_rank_correlations():
    result = psa(after_trafficking_model(), 500, after_trafficking_distributions(), seed=5, scheduler="serial")
    for parameter in ("p_identified", "p_reintegrated_assisted"):
        rho = sps.spearmanr(result.parameter_draws[parameter], result.outcome_draws["P(reintegrated)"])[0]
        assert result.drivers.loc[parameter, "P(reintegrated)"] == pytest.approx(rho, abs=1e-12)
    # expected steps depend on identification and referral only
    assert result.top_drivers("expected_steps", 1).index[0] == "p_identified"


def test_distributions_record_sources_secondary_figures_and_assumptions():
    table = psa(after_trafficking_model(), 10, after_trafficking_distributions(), seed=1,
                scheduler="serial").distributions
    assert table.loc["p_referred", "distribution"] == "Beta(355, 61)"
    assert table.loc["p_referred", "kind"] == "sourced"
    assert set(table.index[table["kind"] == "secondary"]) == {
        "p_reintegration_assistance_official", "p_reintegration_assistance_self"}
    # "more than half not assisted" in a purposive sample bounds the share *assisted* from above
    # and says nothing about the population, so identification is a labelled assumption on the
    # same placeholder range as the other branches without a figure (default 0.1-0.9)
    assert table.loc["p_identified", "kind"] == "assumption"
    assert table.loc["p_identified", "distribution"] == "U(0.1, 0.9)"
    narrower = {d.names[0]: d for d in after_trafficking_distributions(assumption_range=(0.2, 0.7))}
    assert narrower["p_identified"].describe() == "U(0.2, 0.7)"
    # the three assumptions that turn "about one fifth" into 202 of 252 are stated in the basis
    basis = table.loc["p_reintegration_assistance_official", "basis"]
    assert "202 of 252" in basis and "subgroup" in basis and "official return" in basis
    assert table.loc["p_reintegration_assistance_self", "distribution"] == "Beta(21.2, 6)"  # 1 + 0.1*202, 1 + 0.1*50
    assert table.loc[table["kind"] == "secondary", "basis"].str.contains("SECONDARY").all()
    assert table.loc[table["kind"] == "assumption", "basis"].str.contains("ASSUMPTION").all()


def test_dirichlet_row_keeps_rows_stochastic_and_independent_ranges_that_break_a_row_are_refused():
    model = PathwayModel({"A": {"X": made_up("x", 0.3), "Y": made_up("y", 0.3), "Z": COMPLEMENT}})
    ok = psa(model, 500, [dirichlet_row(["x", "y"], [1, 1, 1], "made up")], seed=2, scheduler="serial")
    assert (ok.outcome_draws[["P(X)", "P(Y)", "P(Z)"]] >= 0).all().all()
    with pytest.raises(InputError, match="push a row past 1"):
        psa(model, 500, [uniform_range("x", 0.4, 0.9, "made up"), uniform_range("y", 0.4, 0.9, "made up")],
            seed=2, scheduler="serial")


@pytest.mark.parametrize("kwargs, match", [
    ({"seed": "a"}, "seed must be a non-negative integer"),
    ({"seed": -1}, "seed must be a non-negative integer"),
    ({"seed": 1.5}, "seed must be a non-negative integer"),
    ({"n_draws": 0}, "n_draws must be a positive integer"),
    ({"level": 1.0}, "level must lie strictly between 0 and 1"),
    ({"start": "X"}, "absorbing"),
    ({"scheduler": 3}, "scheduler must be None"),
])
def test_bad_arguments_raise_input_error(kwargs, match):
    args = {"seed": 1, "n_draws": 10, "scheduler": "serial"} | kwargs
    n_draws = args.pop("n_draws")
    with pytest.raises(InputError, match=match):
        psa(two_branch(), n_draws, [uniform_range("a", 0.1, 0.2, "made up")], **args)


def test_unknown_or_duplicated_parameters_are_refused():
    with pytest.raises(InputError, match="unknown parameter"):
        psa(two_branch(), 10, [uniform_range("nope", 0.1, 0.2, "made up")], scheduler="serial")
    with pytest.raises(InputError, match="two distributions"):
        psa(two_branch(), 10, [uniform_range("a", 0.1, 0.2, "made up"), uniform_range("a", 0.1, 0.3, "made up")],
            scheduler="serial")


def test_two_worker_local_cluster_equals_serial_run_exactly():
    distributed = pytest.importorskip("distributed")
    model = after_trafficking_model()
    dists = after_trafficking_distributions()
    serial = psa(model, 3_000, dists, seed=2013, chunk_size=250, scheduler="serial")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp://",
                                  host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        on_cluster = psa(model, 3_000, dists, seed=2013, chunk_size=250, scheduler=client)
        assert len(client.scheduler_info()["workers"]) == 2
    pd.testing.assert_frame_equal(serial.parameter_draws, on_cluster.parameter_draws, check_exact=True)
    pd.testing.assert_frame_equal(serial.outcome_draws, on_cluster.outcome_draws, check_exact=True)
    pd.testing.assert_frame_equal(serial.summary, on_cluster.summary, check_exact=True)
    # the default engine (a LocalCluster started and closed by psa) gives the same numbers
    default = psa(model, 3_000, dists, seed=2013, chunk_size=250, n_workers=1, progress=True)
    pd.testing.assert_frame_equal(serial.outcome_draws, default.outcome_draws, check_exact=True)
    # a different seed gives different draws (the streams really depend on it)
    other = psa(model, 250, dists, seed=2014, chunk_size=250, scheduler="serial")
    assert not np.array_equal(other.outcome_draws.to_numpy(), serial.outcome_draws.to_numpy()[:250])
