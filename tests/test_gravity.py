"""Tests of mixedmig.gravity: recovery of known coefficients from simulated Poisson gravity
data, agreement with a direct statsmodels fit, covariance matrices worked out by hand with
numpy (HC0, HC1, cluster-robust, nonrobust; PPML and OLS), no-estimate errors, separation
handling, dropped-row reporting, warning capture and input errors."""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from mixedmig import gravity
from mixedmig.countries import COUNTRIES
from mixedmig.errors import (
    ConvergenceError,
    DataError,
    InputError,
    MixedmigError,
    ModelError,
    SchemaError,
)
from mixedmig.gravity import fit_loglinear_ols, fit_ppml
from mixedmig.indices import distance_decay
from mixedmig.results import Result

# Simulation design values (assumptions of the tests, not empirical estimates).
TRUE_LOG_DIST = -1.0
TRUE_BOTH_GMS = 0.5
REGRESSORS = ["log_dist", "both_gms"]


def pairs_table() -> pd.DataFrame:
    """All 210 directed pairs of the registry's 15 economies with two real regressors: log
    great-circle distance between capitals (haversine, R = 6371.0088 km) and whether both
    economies are in the Greater Mekong Sub-region."""
    rows = []
    for o in COUNTRIES:
        for d in COUNTRIES:
            if o.iso3 == d.iso3:
                continue
            lat1, lon1, lat2, lon2 = map(
                np.radians, (o.capital_lat, o.capital_lon, d.capital_lat, d.capital_lon)
            )
            h = (np.sin((lat2 - lat1) / 2) ** 2
                 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2)
            km = 2 * 6371.0088 * np.arcsin(np.sqrt(h))
            both = "GMS" in o.groups and "GMS" in d.groups
            rows.append((o.iso3, d.iso3, np.log(km), float(both)))
    return pd.DataFrame(rows, columns=["orig", "dest", "log_dist", "both_gms"])


def simulate(seed: int, level: float = 9.0) -> pd.DataFrame:
    """Poisson flows with mean exp(level + a_orig + b_dest - 1.0 log_dist + 0.5 both_gms),
    a, b ~ N(0, 0.5).  ``level`` 9 gives flows from 0 to a few hundred, including zeros."""
    rng = np.random.default_rng(seed)
    df = pairs_table()
    iso3 = [c.iso3 for c in COUNTRIES]
    a = dict(zip(iso3, rng.normal(0, 0.5, len(iso3))))
    b = dict(zip(iso3, rng.normal(0, 0.5, len(iso3))))
    eta = (level + df["orig"].map(a) + df["dest"].map(b)
           + TRUE_LOG_DIST * df["log_dist"] + TRUE_BOTH_GMS * df["both_gms"])
    df["flow"] = rng.poisson(np.exp(eta.to_numpy()))
    return df


def direct_glm(df: pd.DataFrame, regressors, **fit_kwargs):
    """Independent reference: statsmodels GLM Poisson on pandas-built dummies."""
    x = pd.concat(
        [
            df[regressors],
            pd.get_dummies(df["orig"], prefix="o", drop_first=True, dtype=float),
            pd.get_dummies(df["dest"], prefix="d", drop_first=True, dtype=float),
        ],
        axis=1,
    )
    x = sm.add_constant(x)
    return sm.GLM(df["flow"].astype(float), x, family=sm.families.Poisson()).fit(**fit_kwargs)


@pytest.fixture(scope="module")
def sim() -> pd.DataFrame:
    return simulate(seed=2013)


def test_simulated_data_has_zeros_and_no_separation(sim):
    # the design keeps some zero flows, none of which the checks may flag
    assert (sim["flow"] == 0).sum() > 0
    fit = fit_ppml(sim, "flow", REGRESSORS)
    assert fit.dropped.empty and fit.nobs == 210 and fit.diagnostics.empty
    assert list(fit.diagnostics.columns) == ["check", "value", "note"]


def test_recovers_known_coefficients(sim):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing may leak to stderr
        fit = fit_ppml(sim, "flow", REGRESSORS)
    assert fit.converged and fit.iterations > 0
    truth = pd.Series({"log_dist": TRUE_LOG_DIST, "both_gms": TRUE_BOTH_GMS})
    z = (fit.params - truth) / fit.bse
    assert (z.abs() < 3).all(), z
    assert (fit.conf_int["ci_low"] < fit.params).all()
    assert (fit.params < fit.conf_int["ci_high"]).all()
    assert 0 < fit.pseudo_r2 < 1
    table = fit.to_frame()
    assert list(table.columns) == ["coef", "se", "statistic", "p_value", "ci_low", "ci_high"]
    np.testing.assert_allclose(table["statistic"], fit.params / fit.bse)
    assert list(table.index) == REGRESSORS  # no fixed-effect dummies reported


def test_agrees_with_direct_statsmodels_fit(sim):
    # statsmodels is a valid reference for the coefficients, for HC0 and for one-way clusters
    # (not for HC1: its GLM silently returns HC0 when asked for HC1)
    ref_hc0 = direct_glm(sim, REGRESSORS, cov_type="HC0")
    ours = fit_ppml(sim, "flow", REGRESSORS, cov="HC0")
    np.testing.assert_allclose(ours.params, ref_hc0.params[REGRESSORS], rtol=0, atol=1e-8)
    np.testing.assert_allclose(ours.bse, ref_hc0.bse[REGRESSORS], rtol=1e-7)
    np.testing.assert_allclose(ours.fitted.to_numpy(), ref_hc0.fittedvalues.to_numpy(),
                               rtol=1e-8)
    assert ours.pseudo_r2 == pytest.approx(1 - ref_hc0.llf / ref_hc0.llnull, rel=1e-10)

    groups = pd.factorize(sim["orig"])[0]
    ref_cl = direct_glm(sim, REGRESSORS, cov_type="cluster", cov_kwds={"groups": groups})
    ours_cl = fit_ppml(sim, "flow", REGRESSORS, cluster="orig")
    np.testing.assert_allclose(ours_cl.params, ref_cl.params[REGRESSORS], rtol=0, atol=1e-8)
    np.testing.assert_allclose(ours_cl.bse, ref_cl.bse[REGRESSORS], rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours_cl.pvalues, ref_cl.pvalues[REGRESSORS], rtol=0, atol=1e-6)
    ci = ref_cl.conf_int(alpha=0.05).loc[REGRESSORS].to_numpy()
    np.testing.assert_allclose(ours_cl.conf_int.to_numpy(), ci, rtol=0, atol=1e-6)
    assert ours_cl.cov_type == "cluster(orig)"


# ------------------------------------------------------------- covariance, computed by hand


def explicit_design(df: pd.DataFrame, regressors, fe=("orig", "dest")) -> np.ndarray:
    """Intercept, one dummy per fixed-effect level but the first, regressors (numpy only)."""
    blocks = [np.ones((len(df), 1))]
    for column in fe:
        levels = sorted(df[column].unique())
        blocks.append(np.column_stack([(df[column] == lev).to_numpy(float)
                                       for lev in levels[1:]]))
    blocks.append(df[list(regressors)].to_numpy(float))
    return np.hstack(blocks)


def hand_sandwich(x, y, mu, weights=True):
    """Bread and HC0 meat worked out with numpy: B = (X'WX)^-1 (W = diag(mu), or I for
    OLS), M = X' diag(e^2) X with e = y - mu."""
    w = mu if weights else np.ones_like(mu)
    bread = np.linalg.inv(x.T @ np.diag(w) @ x)
    e = y - mu
    meat = x.T @ np.diag(e**2) @ x
    return bread, meat


@pytest.fixture(scope="module")
def small():
    """A small made-up problem (test fixture, not data): 6 regions, 30 directed pairs,
    Poisson flows with origin and destination effects."""
    rng = np.random.default_rng(8)
    regions = list("ABCDEF")
    rows = [(o, d) for o in regions for d in regions if o != d]
    df = pd.DataFrame(rows, columns=["orig", "dest"])
    df["x1"] = rng.normal(size=len(df))
    df["x2"] = rng.integers(0, 2, len(df)).astype(float)
    a = dict(zip(regions, rng.normal(0, 0.7, 6)))
    b = dict(zip(regions, rng.normal(0, 0.7, 6)))
    eta = 2.0 + df["orig"].map(a) + df["dest"].map(b) - 0.6 * df["x1"] + 0.4 * df["x2"]
    df["flow"] = rng.poisson(np.exp(eta.to_numpy()))
    df["pair"] = [min(o, d) + max(o, d) for o, d in rows]
    return df


def test_ppml_hc0_hc1_nonrobust_equal_the_sandwich_by_hand(small):
    x = explicit_design(small, ["x1", "x2"])
    y = small["flow"].to_numpy(float)
    n, k = x.shape
    assert k == np.linalg.matrix_rank(x) == 1 + 5 + 5 + 2
    fits = {cov: fit_ppml(small, "flow", ["x1", "x2"], cov=cov)
            for cov in ("HC0", "HC1", "nonrobust")}
    mu = fits["HC0"].fitted.to_numpy()
    assert fits["HC0"].converged and (small["flow"] == 0).any()
    # the fitted mean solves the Poisson score equations X'(y - mu) = 0 of this design
    np.testing.assert_allclose(x.T @ (y - mu), 0, atol=1e-6)
    bread, meat = hand_sandwich(x, y, mu)
    hc0 = bread @ meat @ bread
    expected = {"HC0": hc0, "HC1": hc0 * n / (n - k), "nonrobust": bread}
    z = 1.959963984540054  # standard normal 97.5% quantile
    for cov, fit in fits.items():
        se = np.sqrt(np.diag(expected[cov]))[-2:]
        np.testing.assert_allclose(fit.bse.to_numpy(), se, rtol=1e-6)
        coef = fit.params.to_numpy()
        np.testing.assert_allclose(fit.conf_int["ci_low"], coef - z * se, rtol=1e-6)
        np.testing.assert_allclose(fit.conf_int["ci_high"], coef + z * se, rtol=1e-6)
        p = [math.erfc(abs(c / s) / math.sqrt(2)) for c, s in zip(coef, se)]  # 2 P(Z > |z|)
        np.testing.assert_allclose(fit.pvalues.to_numpy(), p, rtol=1e-6, atol=1e-12)
        assert fit.cov_type == cov
    assert fits["HC1"].cov_factor == n / (n - k) and fits["HC0"].cov_factor == 1.0
    assert fits["HC1"].cov_factor_formula.startswith(f"n/(n-k) = {n}/{n - k} = ")


def test_hc1_over_hc0_is_exactly_sqrt_n_over_n_minus_k(sim):
    # k counts the intercept, the 14 + 14 fixed-effect dummies and the 2 regressors
    n, k = 210, 1 + 14 + 14 + 2
    hc0 = fit_ppml(sim, "flow", REGRESSORS, cov="HC0")
    hc1 = fit_ppml(sim, "flow", REGRESSORS, cov="HC1")
    np.testing.assert_allclose(hc1.bse / hc0.bse, np.sqrt(n / (n - k)), rtol=1e-12)
    assert hc1.cov_factor == pytest.approx(n / (n - k), rel=1e-15)
    # the same for log-linear OLS, on the positive flows only
    n_pos = int((sim["flow"] > 0).sum())
    ols0 = fit_loglinear_ols(sim, "flow", REGRESSORS, cov="HC0")
    ols1 = fit_loglinear_ols(sim, "flow", REGRESSORS, cov="HC1")
    np.testing.assert_allclose(ols1.bse / ols0.bse, np.sqrt(n_pos / (n_pos - k)), rtol=1e-12)


def test_cluster_robust_correction_by_hand(small):
    x = explicit_design(small, ["x1", "x2"])
    y = small["flow"].to_numpy(float)
    n, k = x.shape
    fit = fit_ppml(small, "flow", ["x1", "x2"], cluster="pair")
    mu = fit.fitted.to_numpy()
    bread, _ = hand_sandwich(x, y, mu)
    scores = pd.DataFrame(x * (y - mu)[:, None]).groupby(small["pair"].to_numpy()).sum()
    meat = scores.to_numpy().T @ scores.to_numpy()
    g = small["pair"].nunique()
    assert g == 15
    factor = g / (g - 1) * (n - 1) / (n - k)
    se = np.sqrt(np.diag(factor * bread @ meat @ bread))[-2:]
    np.testing.assert_allclose(fit.bse.to_numpy(), se, rtol=1e-6)
    assert fit.cov_factor == pytest.approx(factor, rel=1e-14)
    assert fit.cov_factor_formula.startswith("G/(G-1) * (n-1)/(n-k) = 15/14 * 29/17")
    # a cluster defined by a combination of columns: one-way, on the pair's identity
    combo = fit_ppml(small.assign(lo=small["pair"].str[0], hi=small["pair"].str[1]), "flow",
                     ["x1", "x2"], cluster=("lo", "hi"))
    np.testing.assert_allclose(combo.bse, fit.bse, rtol=1e-12)


def test_ols_covariances_by_hand_with_t_inference(small):
    positive = small[small["flow"] > 0].reset_index(drop=True)
    x = explicit_design(positive, ["x1", "x2"])
    log_y = np.log(positive["flow"].to_numpy(float))
    n, k = x.shape
    beta = np.linalg.lstsq(x, log_y, rcond=None)[0]
    fitted = x @ beta
    e = log_y - fitted
    bread, meat = hand_sandwich(x, log_y, fitted, weights=False)
    scores = pd.DataFrame(x * e[:, None]).groupby(positive["orig"].to_numpy()).sum().to_numpy()
    g = positive["orig"].nunique()
    expected = {
        "nonrobust": (e @ e / (n - k) * bread, n - k),
        "HC0": (bread @ meat @ bread, n - k),
        "HC1": (n / (n - k) * bread @ meat @ bread, n - k),
        "cluster": (g / (g - 1) * (n - 1) / (n - k) * bread @ scores.T @ scores @ bread, g - 1),
    }
    for cov, (matrix, df) in expected.items():
        kwargs = {"cluster": "orig"} if cov == "cluster" else {"cov": cov}
        fit = fit_loglinear_ols(small, "flow", ["x1", "x2"], **kwargs)
        np.testing.assert_allclose(fit.params.to_numpy(), beta[-2:], rtol=1e-9)
        se = np.sqrt(np.diag(matrix))[-2:]
        np.testing.assert_allclose(fit.bse.to_numpy(), se, rtol=1e-9)
        q = stats.t.ppf(0.975, df)
        np.testing.assert_allclose(fit.conf_int["ci_high"], beta[-2:] + q * se, rtol=1e-9)
        np.testing.assert_allclose(fit.pvalues,
                                   2 * stats.t.sf(np.abs(beta[-2:] / se), df), rtol=1e-9)


@pytest.mark.parametrize("cov", ["HC2", "HC3", "hc1", "cluster", None, "HAC"])
def test_unimplemented_covariance_is_refused(small, cov):
    for fit in (fit_ppml, fit_loglinear_ols):
        with pytest.raises(InputError, match="not implemented"):
            fit(small, "flow", ["x1", "x2"], cov=cov)


# ------------------------------------------------------------- no estimate exists


@pytest.mark.parametrize("fe", [(), ("orig", "dest"), (("orig", "dest"),)])
@pytest.mark.parametrize("separation", ["fe+lp", "fe", "none"])
def test_all_zero_flows_say_no_estimate_exists(small, fe, separation):
    zeros = small.assign(flow=0)
    with pytest.raises(ModelError, match=r"every flow in column 'flow' is zero in the 30 "
                                         r"row\(s\).*no PPML estimate exists") as info:
        fit_ppml(zeros, "flow", ["x1", "x2"], fe=fe, separation=separation)
    assert "nan" not in str(info.value).lower()
    with pytest.raises(ModelError, match="every flow in column 'flow' is zero.*positive flows"):
        fit_loglinear_ols(zeros, "flow", ["x1", "x2"], fe=fe)


def test_no_positive_flow_left_in_fixed_effect_design(small):
    # every positive flow sits in a row with a missing regressor: the rows left all have zero
    # flows, so with origin and destination effects every group is separated
    data = small.copy()
    data.loc[data["flow"] > 0, "x1"] = np.nan
    data.loc[data.index[:4], "flow"] = 0
    data.loc[data.index[:4], "x1"] = 0.5
    n_left = int(data["x1"].notna().sum())
    for separation in ("fe+lp", "fe", "none"):
        with pytest.raises(ModelError, match=rf"zero in the {n_left} row\(s\) left after "
                                             "dropping rows with missing values"):
            fit_ppml(data, "flow", ["x1", "x2"], separation=separation)


@pytest.mark.parametrize("kwargs", [{"maxiter": 0}, {"maxiter": 2.5}, {"tol": 0},
                                    {"tol": float("nan")}, {"tol": -1e-8}])
def test_bad_iteration_settings_are_refused(small, kwargs):
    with pytest.raises(InputError):
        fit_ppml(small, "flow", ["x1", "x2"], **kwargs)


def test_fixed_effect_spellings_and_interactions(sim):
    plain = fit_ppml(sim, "flow", REGRESSORS)
    nested = fit_ppml(sim, "flow", REGRESSORS, fe=[("orig",), ["dest"]])
    pd.testing.assert_series_equal(plain.params, nested.params)
    # a two-period panel with origin-year and destination-year effects, against explicit
    # dummies; with an intercept one destination-year dummy per extra year is redundant
    # (both sets of dummies sum to the year indicator), so the reference drops "BGD2024" too
    later = simulate(seed=2014)
    panel = pd.concat([sim.assign(year=2019), later.assign(year=2024)], ignore_index=True)
    fit = fit_ppml(panel, "flow", REGRESSORS, fe=[("orig", "year"), ("dest", "year")])
    orig_year = pd.get_dummies(panel["orig"] + panel["year"].astype(str), dtype=float)
    dest_year = pd.get_dummies(panel["dest"] + panel["year"].astype(str), dtype=float)
    x = pd.concat(
        [panel[REGRESSORS], orig_year.iloc[:, 1:], dest_year.iloc[:, 1:].drop(columns="BGD2024")],
        axis=1,
    )
    design = sm.add_constant(x)
    ref = sm.GLM(panel["flow"].astype(float), design,
                 family=sm.families.Poisson()).fit(cov_type="HC0")
    np.testing.assert_allclose(fit.params, ref.params[REGRESSORS], rtol=0, atol=1e-8)
    # HC1 = HC0 * n / (n - k), k the rank of the full design (statsmodels' HC0 is right)
    n, k = len(panel), np.linalg.matrix_rank(design.to_numpy())
    assert k == design.shape[1] == 1 + 29 + 28 + 2
    np.testing.assert_allclose(fit.bse, ref.bse[REGRESSORS] * np.sqrt(n / (n - k)), rtol=1e-7)
    assert any("collinear" in d for d in fit.diagnostics["note"])
    assert fit.nobs == 420


def test_all_zero_origin_is_dropped_with_reason(sim):
    data = sim.copy()
    data.loc[data["orig"] == "MMR", "flow"] = 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = fit_ppml(data, "flow", REGRESSORS, cluster=("orig", "dest"))
    assert fit.converged and fit.nobs == 210 - 14
    assert len(fit.dropped) == 14 and set(fit.dropped["orig"]) == {"MMR"}
    assert fit.dropped["reason"].str.contains("all flows are zero in fixed-effect group "
                                              "orig=MMR").all()
    assert list(fit.dropped.index) == list(data.index[data["orig"] == "MMR"])
    without = fit_ppml(data[data["orig"] != "MMR"], "flow", REGRESSORS, cluster=("orig", "dest"))
    np.testing.assert_allclose(fit.params, without.params, rtol=0, atol=1e-10)
    np.testing.assert_allclose(fit.bse, without.bse, rtol=0, atol=1e-10)


def test_binary_regressor_predicting_zeros_is_detected(sim):
    # every GMS-GMS pair (6 x 5 = 30) gets a zero flow: both_gms = 1 predicts zero perfectly,
    # so its ML estimate does not exist (Santos Silva & Tenreyro 2010)
    data = sim.copy()
    data.loc[data["both_gms"] == 1, "flow"] = 0
    fit = fit_ppml(data, "flow", REGRESSORS)
    assert len(fit.dropped) == 30 and (fit.dropped["both_gms"] == 1).all()
    assert fit.dropped["reason"].str.contains("'both_gms'").all()
    assert np.isnan(fit.params["both_gms"]) and np.isnan(fit.bse["both_gms"])
    assert any("'both_gms' is not identified" in d for d in fit.diagnostics["note"])
    reference = fit_ppml(data[data["both_gms"] == 0], "flow", ["log_dist"])
    assert fit.params["log_dist"] == pytest.approx(reference.params["log_dist"], abs=1e-10)
    assert fit.bse["log_dist"] == pytest.approx(reference.bse["log_dist"], abs=1e-10)
    # without the check the coefficient runs away instead of failing loudly
    unchecked = fit_ppml(data, "flow", REGRESSORS, separation="none")
    assert unchecked.params["both_gms"] < -10


def test_linear_combination_separation_found_by_lp(sim):
    # x1 equals log_dist except on five zero-flow rows, where it is larger: neither regressor
    # alone isolates them, but x1 - log_dist > 0 exactly there and = 0 on every positive flow.
    data = sim.copy()
    targets = data.index[data["flow"] > 0][:5]
    data.loc[targets, "flow"] = 0
    data["x1"] = data["log_dist"]
    data.loc[targets, "x1"] += 1.0
    fit = fit_ppml(data, "flow", ["log_dist", "x1"])
    assert sorted(fit.dropped.index) == sorted(targets)
    reasons = fit.dropped["reason"]
    assert reasons.str.contains("LP check").all() and reasons.str.contains("'x1'").all()
    # once they are gone x1 == log_dist: the later column is not identified
    assert np.isnan(fit.params["x1"])
    reference = fit_ppml(data.drop(index=targets), "flow", ["log_dist"])
    assert fit.params["log_dist"] == pytest.approx(reference.params["log_dist"], abs=1e-10)
    # the fixed-effect-only check cannot see this separation
    fe_only = fit_ppml(data, "flow", ["log_dist", "x1"], separation="fe")
    assert fe_only.dropped.empty


def test_missing_values_are_dropped_with_reason(sim):
    data = sim.copy()
    data["log_dist"] = data["log_dist"].astype(float)
    data.loc[3, "log_dist"] = np.nan
    data.loc[7, "orig"] = None
    fit = fit_ppml(data, "flow", REGRESSORS)
    assert fit.nobs == 208
    assert fit.dropped.loc[3, "reason"] == "missing value in 'log_dist'"
    assert fit.dropped.loc[7, "reason"] == "missing value in 'orig'"


def test_warnings_are_captured_not_printed(sim, monkeypatch):
    class NoisyGLM(sm.GLM):
        def fit(self, *args, **kwargs):
            warnings.warn("synthetic statsmodels warning", RuntimeWarning)
            return super().fit(*args, **kwargs)

    monkeypatch.setattr(sm, "GLM", NoisyGLM)  # fit_ppml imports statsmodels.api lazily
    with warnings.catch_warnings(record=True) as leaked:
        warnings.simplefilter("always")
        fit = fit_ppml(sim, "flow", REGRESSORS)
    assert leaked == []
    assert "RuntimeWarning: synthetic statsmodels warning" in fit.diagnostics["note"].tolist()
    assert "warning" in fit.diagnostics["check"].tolist()


def test_non_convergence_is_reported(sim):
    fit = fit_ppml(sim, "flow", REGRESSORS, maxiter=1)
    assert not fit.converged and fit.iterations == 1
    assert "did NOT converge" in fit.message
    with pytest.raises(ConvergenceError, match="did not converge"):
        fit_ppml(sim, "flow", REGRESSORS, maxiter=1, strict=True)
    assert any("did not converge" in d for d in fit.diagnostics["note"])


def test_loglinear_ols_drops_zeros_and_matches_statsmodels(sim):
    fit = fit_loglinear_ols(sim, "flow", REGRESSORS, cluster="orig")
    positive = sim[sim["flow"] > 0]
    assert fit.nobs == len(positive) and len(fit.dropped) == (sim["flow"] == 0).sum()
    assert (fit.dropped["reason"] == "zero flow: log(0) undefined").all()
    x = pd.concat(
        [
            positive[REGRESSORS],
            pd.get_dummies(positive["orig"], drop_first=True, dtype=float),
            pd.get_dummies(positive["dest"], drop_first=True, dtype=float),
        ],
        axis=1,
    )
    ref = sm.OLS(np.log(positive["flow"].astype(float)), sm.add_constant(x)).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(positive["orig"])[0]}
    )
    np.testing.assert_allclose(fit.params, ref.params[REGRESSORS], rtol=0, atol=1e-8)
    np.testing.assert_allclose(fit.bse, ref.bse[REGRESSORS], rtol=0, atol=1e-6)
    assert fit.pseudo_r2 == pytest.approx(ref.rsquared, rel=1e-12)
    assert fit.method == "ols-log" and fit.converged


def test_result_is_frozen(sim):
    fit = fit_ppml(sim, "flow", REGRESSORS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fit.nobs = 0


def test_result_follows_the_protocol(sim):
    fit = fit_ppml(sim, "flow", REGRESSORS)
    assert isinstance(fit, Result)
    assert fit.message.startswith("PPML: 210 rows used, 0 dropped, converged in ")
    ols = fit_loglinear_ols(sim, "flow", REGRESSORS)
    assert ols.iterations == 0 and ols.converged
    assert ols.diagnostics.loc[0, "check"] == "dropped"
    assert ols.diagnostics.loc[0, "value"] == (sim["flow"] == 0).sum()


@pytest.mark.parametrize(
    ("mutate", "kwargs", "error", "column"),
    [
        (lambda d: d.drop(columns="log_dist"), {}, SchemaError, "log_dist"),
        (lambda d: d.drop(columns="dest"), {}, SchemaError, "dest"),
        (lambda d: d, {"cluster": "pair"}, SchemaError, "pair"),
        (lambda d: d.assign(log_dist=d["log_dist"].astype(str)), {}, SchemaError, "log_dist"),
        (lambda d: d.assign(flow=d["flow"].astype(str)), {}, SchemaError, "flow"),
        (lambda d: d.assign(flow=d["flow"] - 1), {}, DataError, "flow"),
        (lambda d: d.assign(log_dist=d["log_dist"].where(d["both_gms"] == 0, -np.inf)), {},
         DataError, "log_dist"),
    ],
)
def test_bad_input_raises_named_error(sim, mutate, kwargs, error, column):
    with pytest.raises(error) as info:
        fit_ppml(mutate(sim), "flow", REGRESSORS, **kwargs)
    assert info.value.column == column
    assert f"'{column}'" in str(info.value)
    assert isinstance(info.value, MixedmigError)


def test_bad_specification_raises_model_error(sim):
    with pytest.raises(InputError):
        fit_ppml(sim, "flow", [])
    with pytest.raises(InputError):
        fit_ppml(sim, "flow", ["flow"])
    with pytest.raises(InputError):
        fit_ppml(sim, "flow", REGRESSORS, cov="HC3")
    with pytest.raises(InputError):
        fit_ppml(sim, "flow", REGRESSORS, separation="maybe")
    with pytest.raises(InputError):
        fit_ppml(sim, "flow", ["orig_gdp", "orig"], fe=("orig",))
    with pytest.raises(ModelError, match="observation"):
        fit_ppml(sim.head(3), "flow", REGRESSORS)


def test_distance_decay_default_is_the_hc1_sandwich_by_hand(small):
    # mixedmig.indices.distance_decay fits through fit_ppml with cov="HC1" by default
    regions = list("ABCDEF")
    frame = small.assign(log_d=small["x1"] + 3.0)
    od = frame.pivot(index="orig", columns="dest", values="flow").reindex(
        index=regions, columns=regions).fillna(0.0)
    dist = np.exp(frame.pivot(index="orig", columns="dest", values="log_d").reindex(
        index=regions, columns=regions).fillna(1.0))
    fit = distance_decay(od, dist)
    x = explicit_design(frame, ["log_d"])
    y = frame["flow"].to_numpy(float)
    beta = fit_ppml(frame, "flow", ["log_d"], cov="HC0")
    mu = beta.fitted.to_numpy()
    bread, meat = hand_sandwich(x, y, mu)
    n, k = x.shape
    se = np.sqrt(np.diag(n / (n - k) * bread @ meat @ bread))[-1]
    assert fit.elasticity == pytest.approx(beta.params["log_d"], rel=1e-8)
    assert fit.se == pytest.approx(se, rel=1e-6)


# --- issue 12: absorbed fixed effects, sparse separation check --------------------------------


def _panel(seed: int, n: int = 12, years: int = 3) -> pd.DataFrame:
    """MADE-UP panel: Poisson flows with origin-year and destination-year effects."""
    rng = np.random.default_rng(seed)
    o, d, t = np.meshgrid(np.arange(n), np.arange(n), np.arange(years), indexing="ij")
    keep = o != d
    o, d, t = o[keep], d[keep], t[keep]
    x1 = np.log1p(np.abs(o - d)).astype(float)
    x2 = rng.normal(size=len(o))
    eta = 1 + rng.normal(0, 1, (n, years))[o, t] + rng.normal(0, 1, (n, years))[d, t] \
        - x1 + 0.3 * x2
    return pd.DataFrame({"orig": o, "dest": d, "year": t, "x1": x1, "x2": x2,
                         "flow": rng.poisson(np.exp(eta)).astype(float)})


@pytest.mark.parametrize("fe", [(("orig", "year"), ("dest", "year")), ("orig", "dest", "year"),
                                ("orig",), ()])
@pytest.mark.parametrize("cov, cluster", [("HC1", None), ("HC0", None), ("nonrobust", None),
                                          ("HC1", ("orig", "dest")), ("HC1", "orig")])
def test_absorbed_backend_equals_dense_backend(fe, cov, cluster):
    data = _panel(7)
    kwargs = {"fe": fe, "cov": cov, "cluster": cluster, "tol": 1e-12, "maxiter": 200}
    dense = fit_ppml(data, "flow", ["x1", "x2"], backend="statsmodels", **kwargs)
    absorbed = fit_ppml(data, "flow", ["x1", "x2"], backend="pyfixest", **kwargs)
    np.testing.assert_allclose(absorbed.params, dense.params, rtol=0, atol=1e-8)
    np.testing.assert_allclose(absorbed.bse, dense.bse, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(absorbed.fitted, dense.fitted, rtol=1e-8)
    assert absorbed.cov_factor == pytest.approx(dense.cov_factor, rel=1e-15)
    assert absorbed.pseudo_r2 == pytest.approx(dense.pseudo_r2, abs=1e-10)
    assert absorbed.backend == "pyfixest" and absorbed.iterations == -1
    assert dense.diagnostics["note"].tolist() == absorbed.diagnostics["note"].tolist()


def test_absorbed_backend_matches_pyfixest_hc1_with_full_k():
    """Independent reference: pyfixest's own fepois with fixest's small-sample settings that
    count every fixed effect in k (orig + dest + year: pyfixest's k is the exact rank)."""
    pf = pytest.importorskip("pyfixest")
    data = _panel(3)
    fit = fit_ppml(data, "flow", ["x1", "x2"], fe=("orig", "dest", "year"), backend="pyfixest",
                   tol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = pf.fepois("flow ~ x1 + x2 | orig + dest + year", data=data, vcov="hetero",
                        ssc=pf.ssc(k_adj=True, k_fixef="full", G_adj=True, G_df="min"),
                        fixef_rm="none", iwls_tol=1e-12, iwls_maxiter=200)
    np.testing.assert_allclose(fit.params, ref.coef()[["x1", "x2"]], atol=1e-8)
    np.testing.assert_allclose(fit.bse, ref.se()[["x1", "x2"]], rtol=1e-6)


def test_fixed_effect_rank_equals_dense_rank():
    """_fe_rank (connected components / Gram) against numpy's rank of the dense dummies,
    including a disconnected design (two blocks of levels that never share a row)."""
    from mixedmig.gravity._absorbed import _compact, _fe_rank

    rng = np.random.default_rng(0)
    designs = [[rng.integers(0, 6, 40), rng.integers(0, 5, 40)],
               [np.r_[np.zeros(10, int), np.ones(10, int)], np.r_[np.arange(10) % 3,
                                                                   3 + np.arange(10) % 2]],
               [rng.integers(0, 4, 30), rng.integers(0, 3, 30), rng.integers(0, 2, 30)],
               [rng.integers(0, 7, 25)]]
    for codes in designs:
        codes = _compact(codes)
        dense = np.hstack([np.ones((len(codes[0]), 1))]
                          + [np.eye(int(c.max()) + 1)[c] for c in codes])
        assert _fe_rank(codes) == (np.linalg.matrix_rank(dense), True)


def test_separation_check_builds_no_dense_dummies(monkeypatch):
    """The LP check and the absorbed fit never call the dense dummy builder."""
    from mixedmig.gravity import _prepare

    def refuse(*args, **kwargs):
        raise AssertionError("dense fixed-effect dummies were built")

    monkeypatch.setattr(_prepare, "_dummies", refuse)
    data = _panel(5)
    data.loc[data["x1"] > 2.2, "flow"] = 0.0  # far pairs all zero: separated by x1 and FE
    data["far"] = (data["x1"] > 2.2).astype(float)
    fit = fit_ppml(data, "flow", ["x1", "far"], fe=(("orig", "year"), ("dest", "year")),
                   backend="pyfixest")
    assert (fit.dropped["reason"].str.contains("perfectly predicted")).any()
    assert fit.nobs + fit.n_dropped == len(data)


def test_rank_shortcut_agrees_with_the_lp():
    """Where the positive rows have the full rank the LP is skipped; the LP run on the same
    prepared rows must find nothing either (both sides computed)."""
    from mixedmig.gravity import separation
    from mixedmig.gravity._prepare import _prepare

    data = _panel(11)
    prep = _prepare(data, "flow", ["x1", "x2"], (("orig", "year"), ("dest", "year")), None,
                    "HC1", 0.05)
    separation._fe_check(prep)
    act = np.flatnonzero(prep.active)
    zero = prep.y[act] == 0
    assert zero.any() and separation._no_separation_possible(prep, act, zero)
    monkey = separation._no_separation_possible
    try:
        separation._no_separation_possible = lambda *a: False
        assert separation._lp_check(prep, []) == 0
    finally:
        separation._no_separation_possible = monkey


def test_unknown_backend_is_refused(small):
    with pytest.raises(InputError, match="backend"):
        fit_ppml(small, "flow", ["x1", "x2"], backend="numba")


@pytest.mark.parametrize("bad", ["a", ["a", 1.0], pd.Series(["x"]), None])
def test_percent_effect_refuses_non_numbers(bad):
    with pytest.raises(InputError, match="numeric"):
        gravity.percent_effect(bad)


def test_import_does_not_load_statsmodels_or_pyfixest():
    import subprocess
    import sys

    code = ("import sys, mixedmig.gravity; "
            "print(sorted(m for m in ('statsmodels', 'pyfixest') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
