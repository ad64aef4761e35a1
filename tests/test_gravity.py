"""Tests of mixedmig.gravity: recovery of known coefficients from simulated Poisson gravity
data, agreement with a direct statsmodels fit, separation handling, dropped-row reporting,
warning capture and input errors."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

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
    ref_hc1 = direct_glm(sim, REGRESSORS, cov_type="HC1")
    ours = fit_ppml(sim, "flow", REGRESSORS, cov="HC1")
    np.testing.assert_allclose(ours.params, ref_hc1.params[REGRESSORS], rtol=0, atol=1e-8)
    np.testing.assert_allclose(ours.bse, ref_hc1.bse[REGRESSORS], rtol=0, atol=1e-8)
    np.testing.assert_allclose(ours.fitted.to_numpy(), ref_hc1.fittedvalues.to_numpy(),
                               rtol=1e-8)
    assert ours.pseudo_r2 == pytest.approx(1 - ref_hc1.llf / ref_hc1.llnull, rel=1e-10)

    groups = pd.factorize(sim["orig"])[0]
    ref_cl = direct_glm(sim, REGRESSORS, cov_type="cluster", cov_kwds={"groups": groups})
    ours_cl = fit_ppml(sim, "flow", REGRESSORS, cluster="orig")
    np.testing.assert_allclose(ours_cl.params, ref_cl.params[REGRESSORS], rtol=0, atol=1e-8)
    np.testing.assert_allclose(ours_cl.bse, ref_cl.bse[REGRESSORS], rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours_cl.pvalues, ref_cl.pvalues[REGRESSORS], rtol=0, atol=1e-6)
    ci = ref_cl.conf_int(alpha=0.05).loc[REGRESSORS].to_numpy()
    np.testing.assert_allclose(ours_cl.conf_int.to_numpy(), ci, rtol=0, atol=1e-6)
    assert ours_cl.cov_type == "cluster(orig)"


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
    ref = sm.GLM(panel["flow"].astype(float), sm.add_constant(x),
                 family=sm.families.Poisson()).fit(cov_type="HC1")
    np.testing.assert_allclose(fit.params, ref.params[REGRESSORS], rtol=0, atol=1e-8)
    np.testing.assert_allclose(fit.bse, ref.bse[REGRESSORS], rtol=0, atol=1e-8)
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

    monkeypatch.setattr(gravity.ppml.sm, "GLM", NoisyGLM)
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
