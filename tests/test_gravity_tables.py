"""Tests of mixedmig.gravity (model_frame, corridor_counts, fits and report tables) on a small
real table: the six GMS economies in 2010 and 2020, with UN DESA International Migrant Stock 2024 bilateral stocks, CEPII GeoDist distances
(distw), contiguity and common language (Mayer & Zignago 2011), UN WPP 2024 population and WDI
GDP per capita, PPP (constant 2017 international $), as printed in
/work/shared/research/migration_data_sources.md (sections 1.2, 3 and 4)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mixedmig import gravity
from mixedmig.errors import DataError, InputError, SchemaError
from mixedmig.gravity import fit_loglinear_ols, fit_ppml

GMS = ("KHM", "CHN", "LAO", "MMR", "THA", "VNM")

# UN DESA International Migrant Stock 2024, both sexes; rows = origin, columns = destination
# in GMS order.  The notes print pairs the edition does not list as 0; these tests treat every
# 0 as unlisted.
STOCKS = {
    2010: [
        [0, 268, 2273, 0, 273128, 2143],
        [1682, 0, 8110, 35082, 141649, 21690],
        [288, 1157, 0, 0, 216419, 0],
        [58, 30437, 1540, 0, 1255912, 0],
        [34143, 6266, 2415, 0, 0, 0],
        [40384, 34576, 14827, 0, 17372, 0],
    ],
    2020: [
        [0, 5042, 3667, 0, 345733, 0],
        [1627, 0, 14338, 35104, 100327, 31657],
        [278, 8448, 0, 0, 265386, 0],
        [54, 309339, 3032, 0, 1576317, 0],
        [33048, 3787, 3522, 0, 0, 0],
        [39098, 75187, 20270, 0, 17713, 0],
    ],
}
# CEPII GeoDist, each unordered pair once: (distw km, contig, comlang_ethno)
PAIR_GEO = {
    ("CHN", "KHM"): (2975.5, 0, 0), ("CHN", "LAO"): (2440.5, 1, 0),
    ("CHN", "MMR"): (2887.1, 1, 0), ("CHN", "THA"): (2986.2, 0, 0),
    ("CHN", "VNM"): (2664.7, 1, 0), ("KHM", "LAO"): (706.9, 1, 0),
    ("KHM", "MMR"): (1156.2, 0, 0), ("KHM", "THA"): (520.5, 1, 0),
    ("KHM", "VNM"): (533.9, 1, 0), ("LAO", "MMR"): (859.7, 1, 0),
    ("LAO", "THA"): (636.1, 1, 1), ("LAO", "VNM"): (736.8, 1, 0),
    ("MMR", "THA"): (718.4, 1, 0), ("MMR", "VNM"): (1327.9, 0, 0),
    ("THA", "VNM"): (852.6, 0, 0),
}
# UN WPP 2024 population (millions) and WDI GDP per capita PPP, by year
POP = {
    2010: {"KHM": 14.5, "CHN": 1351.56, "LAO": 6.33, "MMR": 49.02, "THA": 68.58, "VNM": 87.46},
    2020: {"KHM": 16.73, "CHN": 1426.11, "LAO": 7.35, "MMR": 53.02, "THA": 71.64, "VNM": 98.08},
}
GDPPC = {
    2010: {"KHM": 2717, "CHN": 8885, "LAO": 4850, "MMR": 2763, "THA": 14399, "VNM": 5089},
    2020: {"KHM": 4192, "CHN": 16316, "LAO": 7811, "MMR": 4857, "THA": 17285, "VNM": 8200},
}


def gms_pairs() -> pd.DataFrame:
    """The table in the layout of mixedmig.data.gravity_pairs()."""
    rows = []
    for year, matrix in STOCKS.items():
        for i, o in enumerate(GMS):
            for j, d in enumerate(GMS):
                if o == d:
                    continue
                distw, contig, comlang = PAIR_GEO.get((o, d)) or PAIR_GEO[(d, o)]
                stock = matrix[i][j]
                rows.append({
                    "year": year, "orig": o, "dest": d, "stock": stock,
                    "stock_listed": stock > 0, "contig": contig, "comlang_ethno": comlang,
                    "distw": distw, "pop_orig": POP[year][o] * 1e6,
                    "pop_dest": POP[year][d] * 1e6, "gdppc_orig": float(GDPPC[year][o]),
                    "gdppc_dest": float(GDPPC[year][d]),
                })
    # shuffled on purpose: model_frame must sort
    return pd.DataFrame(rows).iloc[::-1].reset_index(drop=True)


@pytest.fixture(scope="module")
def pairs() -> pd.DataFrame:
    return gms_pairs()


# --------------------------------------------------------------------------- model_frame


def test_model_frame_regressors(pairs):
    frame = gravity.model_frame(pairs, years=2020)
    assert len(frame) == 30
    assert list(frame[["year", "orig", "dest"]].iloc[0]) == [2020, "CHN", "KHM"]
    row = frame[(frame["orig"] == "KHM") & (frame["dest"] == "THA")].iloc[0]
    assert row["log_dist"] == pytest.approx(np.log(520.5), rel=1e-15)
    assert row["contig"] == 1.0 and row["comlang"] == 0.0
    # ln(17285 / 4192): Thailand's GDP per capita over Cambodia's, WDI 2020
    assert row["log_income_ratio"] == pytest.approx(np.log(17285 / 4192), rel=1e-12)
    assert row["log_pop_orig"] == pytest.approx(np.log(16.73e6), rel=1e-15)
    lao_tha = frame[(frame["orig"] == "LAO") & (frame["dest"] == "THA")].iloc[0]
    assert lao_tha["comlang"] == 1.0


def test_unlisted_choice(pairs):
    as_zero = gravity.model_frame(pairs, years=[2020], unlisted="zero")
    as_missing = gravity.model_frame(pairs, years=[2020], unlisted="missing")
    unlisted = (as_zero["stock_status"] == "unlisted").to_numpy()
    assert unlisted.sum() == 8  # the zeros of the 2020 matrix, counted by hand
    assert (as_zero.loc[unlisted, "stock"] == 0.0).all()
    assert as_missing.loc[unlisted, "stock"].isna().all()
    assert as_missing.loc[~unlisted, "stock"].equals(as_zero.loc[~unlisted, "stock"])
    assert as_zero["stock"].dtype == np.float64


def test_corridor_counts(pairs):
    frame = pairs.copy()
    # mark one listed pair as a listed zero to exercise the middle category
    frame.loc[(frame["orig"] == "KHM") & (frame["dest"] == "CHN") & (frame["year"] == 2010),
              "stock"] = 0
    counts = gravity.corridor_counts(gravity.model_frame(frame))
    assert list(counts.columns) == ["positive", "listed zero", "unlisted", "total"]
    # 2010: 30 pairs, 7 zeros in the matrix (unlisted), plus the one listed zero
    assert counts.loc[2010].tolist() == [22, 1, 7, 30]
    assert counts.loc[2020].tolist() == [22, 0, 8, 30]


def test_log_income_ratio_is_antisymmetric(pairs):
    frame = gravity.model_frame(pairs).set_index(["year", "orig", "dest"])["log_income_ratio"]
    swapped = frame.copy()
    swapped.index = swapped.index.set_names(["year", "dest", "orig"]).reorder_levels(
        ["year", "orig", "dest"])
    assert np.allclose(frame.sort_index(), -swapped.sort_index(), rtol=0, atol=1e-15)


def test_model_frame_errors(pairs):
    with pytest.raises(InputError, match="unlisted"):
        gravity.model_frame(pairs, unlisted="drop")
    with pytest.raises(SchemaError, match="stock_listed"):
        gravity.model_frame(pairs.drop(columns="stock_listed"))
    with pytest.raises(SchemaError, match="comlang_off"):
        gravity.model_frame(pairs, language="comlang_off")
    with pytest.raises(InputError, match=r"\[2024\]"):
        gravity.model_frame(pairs, years=[2020, 2024])
    bad = pairs.copy()
    bad.loc[3, "distw"] = 0.0
    with pytest.raises(DataError, match="not positive"):
        gravity.model_frame(bad)


def test_missing_gdp_stays_missing(pairs):
    frame = pairs.copy()
    frame.loc[frame["orig"] == "MMR", "gdppc_orig"] = np.nan
    out = gravity.model_frame(frame)
    assert out.loc[out["orig"] == "MMR", "log_income_ratio"].isna().all()
    assert out.loc[out["orig"] != "MMR", "log_income_ratio"].notna().all()


# --------------------------------------------------------------------------- percent effects


def test_percent_effect_exact_values():
    assert gravity.percent_effect(np.log(2.0)) == pytest.approx(100.0, rel=1e-14)
    assert gravity.percent_effect(0.0) == 0.0
    assert gravity.percent_effect(np.log(0.5)) == pytest.approx(-50.0, rel=1e-14)
    series = gravity.percent_effect(pd.Series([np.log(3.0)], index=["contig"]))
    assert series["contig"] == pytest.approx(200.0, rel=1e-14)


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=-5, max_value=5, allow_nan=False).filter(lambda b: abs(b) > 1e-6))
def test_percent_effect_exceeds_linear_reading(b):
    # exp(b) - 1 > b for every b != 0: reading a coefficient as 100 b percent understates it
    assert gravity.percent_effect(b) > 100 * b
    # and the transform inverts: ln(1 + pct/100) = b
    assert np.log1p(gravity.percent_effect(b) / 100) == pytest.approx(b, rel=1e-9, abs=1e-12)


def test_coefficient_table_binary_regressor_is_ratio_of_means(pairs):
    # Poisson ML with an intercept and one 0/1 regressor and no fixed effects fits each group's
    # mean exactly, so b = ln(mean stock of contiguous pairs / mean stock of the others) and the
    # percent effect is 100 (ratio - 1).
    frame = gravity.model_frame(pairs, years=2020)
    result = fit_ppml(frame, "stock", ["contig"], fe=())
    means = frame.groupby("contig")["stock"].mean()
    table = gravity.coefficient_table({"ppml": result}, percent=["contig"])
    row = table.iloc[0]
    assert row["coef"] == pytest.approx(np.log(means[1.0] / means[0.0]), rel=1e-8)
    assert row["effect_pct"] == pytest.approx(100 * (means[1.0] / means[0.0] - 1), rel=1e-7)
    assert row["effect_pct_low"] == pytest.approx(100 * np.expm1(row["ci_low"]), rel=1e-12)
    assert row["effect_pct_low"] < row["effect_pct"] < row["effect_pct_high"]
    assert (row["nobs"], row["n_dropped"]) == (30, 0)


def test_coefficient_and_regression_tables(pairs):
    frame = gravity.model_frame(pairs, years=2020)
    regs = ["log_dist", "contig", "log_pop_orig"]
    ppml = fit_ppml(frame, "stock", regs)  # origin-level population is absorbed by the FE
    ols = fit_loglinear_ols(frame, "stock", ["log_dist", "contig"])
    table = gravity.coefficient_table({"PPML": ppml, "OLS": ols}, percent=["contig"])
    assert table[["model", "regressor"]].values.tolist() == [
        ["PPML", "log_dist"], ["PPML", "contig"], ["PPML", "log_pop_orig"],
        ["OLS", "log_dist"], ["OLS", "contig"]]
    assert table["effect_pct"].notna().tolist() == [False, True, False, False, True]
    assert table.loc[0, "coef"] == ppml.params["log_dist"]
    assert table.loc[4, "se"] == ols.bse["contig"]

    text = gravity.regression_table({"PPML": ppml, "OLS": ols}, decimals=2,
                               labels={"log_dist": "ln distance"})
    assert list(text.columns) == ["PPML", "OLS"]
    assert text.loc["ln distance", "PPML"] == f"{ppml.params['log_dist']:.2f}"
    assert text.loc["ln distance (se)", "OLS"] == f"({ols.bse['log_dist']:.2f})"
    assert text.loc["log_pop_orig", "PPML"] == "absorbed"
    assert text.loc["log_pop_orig", "OLS"] == ""
    assert text.loc["fixed effects"].tolist() == ["orig + dest", "orig + dest"]
    assert text.loc["standard errors"].tolist() == ["HC1", "HC1"]
    assert text.loc["observations"].tolist() == ["30", "22"]
    assert text.loc["rows dropped"].tolist() == ["0", "8"]


def test_coefficient_table_errors():
    with pytest.raises(InputError, match="empty"):
        gravity.coefficient_table({})
    with pytest.raises(InputError, match="GravityResult"):
        gravity.coefficient_table({"x": 1.0})


# --------------------------------------------------------------------------- dropped rows


def test_dropped_summary_pools_fixed_effect_groups(pairs):
    frame = gravity.model_frame(pairs)
    result = fit_ppml(frame, "stock", ["log_income_ratio"], fe=(("orig", "dest"), "year"))
    summary = result.dropped_summary()
    assert len(summary) == 1
    # seven pairs are zero in both 2010 and 2020 (KHM-MMR, LAO-MMR, LAO-VNM, MMR-VNM,
    # THA-MMR, THA-VNM, VNM-MMR): two rows each
    assert summary.loc[0, "reason"].startswith(
        "all flows are zero in fixed-effect group <one per group>")
    assert (summary.loc[0, "rows"], summary.loc[0, "groups"]) == (14, 7)
    assert result.nobs == 60 - 14


def test_dropped_summary_of_ols_and_of_a_clean_fit(pairs):
    frame = gravity.model_frame(pairs, years=2020)
    ols = fit_loglinear_ols(frame, "stock", ["log_dist", "contig"])
    summary = ols.dropped_summary()
    assert summary.to_dict("records") == [
        {"reason": "zero flow: log(0) undefined", "rows": 8, "groups": 1}]
    clean = fit_ppml(frame, "stock", ["log_dist"]).dropped_summary()
    assert clean.empty and list(clean.columns) == ["reason", "rows", "groups"]


def test_fit_report_lists_drops_and_diagnostics(pairs):
    frame = gravity.model_frame(pairs, unlisted="missing")
    result = fit_ppml(frame, "stock", ["log_dist", "log_income_ratio"],
                      fe=(("orig", "year"), ("dest", "year")))
    assert result.fixed_effects_label == "orig x year + dest x year"
    lines = result.report("two years").splitlines()
    # 7 + 8 unlisted pairs (2010, 2020) are missing under unlisted="missing"
    assert lines[0] == ("two years: ppml, fixed effects orig x year + dest x year; "
                        "45 rows used, 15 dropped; converged: yes")
    assert lines[1] == "  dropped 15 row(s): missing value in 'stock'"
    # the income ratio is a destination-year term minus an origin-year term: absorbed
    assert np.isnan(result.params["log_income_ratio"])
    assert any("'log_income_ratio' is not identified" in line for line in lines[2:])
    assert len(lines) == 2 + len(result.diagnostics)
    no_fe = fit_ppml(gravity.model_frame(pairs), "stock", ["contig"], fe=())
    assert no_fe.fixed_effects_label == "none"
    assert no_fe.report("pooled").splitlines()[1:] == []


# --------------------------------------------------------------------------- fit table


def test_fit_table_ppml_reproduces_margins(pairs):
    # The Poisson score equations for origin and destination fixed effects make fitted
    # origin and destination totals equal the observed ones (Santos Silva & Tenreyro 2006).
    frame = gravity.model_frame(pairs, years=2020)
    result = fit_ppml(frame, "stock", ["log_dist", "contig"])
    fits = result.fit_table(frame)
    assert len(fits) == 30
    for side in ("orig", "dest"):
        totals = fits.groupby(side)[["observed", "fitted"]].sum()
        assert np.allclose(totals["fitted"], totals["observed"], rtol=1e-6)
    expected = (fits["observed"] - fits["fitted"]) / np.sqrt(fits["fitted"])
    assert np.allclose(fits["pearson_residual"], expected, rtol=1e-15, atol=0)


def test_fit_table_ols_retransforms(pairs):
    # OLS with an intercept: residuals sum to zero in logs, so the geometric means of fitted
    # and observed stocks agree
    frame = gravity.model_frame(pairs, years=2020, unlisted="missing")
    result = fit_loglinear_ols(frame, "stock", ["log_dist", "contig"])
    fits = result.fit_table(frame)
    assert len(fits) == 22
    assert np.log(fits["fitted"]).mean() == pytest.approx(np.log(fits["observed"]).mean(),
                                                          rel=1e-10)
    with pytest.raises(InputError, match="same data frame"):
        result.fit_table(frame.iloc[:5])
    with pytest.raises(SchemaError):
        result.fit_table(frame.drop(columns="orig"))


@pytest.mark.parametrize("fe, cluster", [
    (("orig", "dest"), None),
    ((("orig", "year"), ("dest", "year")), ("orig", "dest")),
    (("orig", "dest", "year"), ("orig",)),
])
def test_backends_agree_on_the_real_table(pairs, fe, cluster):
    """statsmodels (dense dummies) and pyfixest (absorbed) backends: same coefficients,
    standard errors, small-sample factor and dropped rows on real stocks."""
    frame = gravity.model_frame(pairs, unlisted="zero")
    kwargs = {"fe": fe, "cluster": cluster, "tol": 1e-12, "maxiter": 200}
    dense = fit_ppml(frame, "stock", ["log_dist", "contig"], backend="statsmodels", **kwargs)
    absorbed = fit_ppml(frame, "stock", ["log_dist", "contig"], backend="pyfixest", **kwargs)
    assert (dense.backend, absorbed.backend) == ("statsmodels", "pyfixest")
    np.testing.assert_allclose(absorbed.params, dense.params, rtol=0, atol=1e-8)
    np.testing.assert_allclose(absorbed.bse, dense.bse, rtol=1e-8, atol=1e-10)
    assert absorbed.cov_factor_formula == dense.cov_factor_formula
    assert absorbed.dropped.index.equals(dense.dropped.index)


def test_column_checks_use_the_shared_check(pairs):
    """Missing columns read as mixedmig.checks.require_columns words them, listing all."""
    with pytest.raises(SchemaError, match=r"has no column\(s\) \['stock_listed', 'contig'\]"):
        gravity.model_frame(pairs.drop(columns=["stock_listed", "contig"]))
    with pytest.raises(SchemaError, match=r"has no column\(s\) \['stock_status'\]"):
        gravity.corridor_counts(pairs[["year"]])
    with pytest.raises(SchemaError, match=r"has no column\(s\) \['nope', 'also'\]"):
        fit_ppml(gravity.model_frame(pairs), "stock", ["log_dist", "nope"], fe=("also",))
