"""Tests of mixedmig.indices: hand-computed examples, invariants, property tests and the
recovery of a known distance-decay elasticity from seeded Poisson data."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mixedmig import indices as ix
from mixedmig.countries import COUNTRIES
from mixedmig.errors import DataError, InputError, MixedmigError, SchemaError

# The 3x3 hypothetical migration matrix that the R package migration.indices (data
# `migration.hyp`) takes from Plane & Mulligan (1997, Demography 34(2), p. 253); origins in rows.
#            to A  to B  to C
PM_HYP = pd.DataFrame(
    [[0, 10, 10], [20, 0, 20], [30, 30, 0]], index=list("ABC"), columns=list("ABC")
)
# Its companion `migration.hyp2` in the same package.
PM_HYP2 = pd.DataFrame(
    [[0, 20, 20], [30, 0, 50], [20, 20, 0]], index=list("ABC"), columns=list("ABC")
)


# --------------------------------------------------------------------------------------------
# hand-computed examples


def test_totals_and_effectiveness_by_hand():
    # out O = row sums = (20, 40, 60); in D = column sums = (50, 40, 30); net D - O =
    # (30, 0, -30); turnover D + O = (70, 80, 90).
    totals = ix.migration_totals(PM_HYP)
    assert totals["out_migration"].tolist() == [20, 40, 60]
    assert totals["in_migration"].tolist() == [50, 40, 30]
    assert totals["net_migration"].tolist() == [30, 0, -30]
    assert totals["turnover"].tolist() == [70, 80, 90]
    # MEI = 100 net / turnover = (3000/70, 0, -3000/90)
    mei = ix.migration_effectiveness(PM_HYP)
    np.testing.assert_allclose(mei.to_numpy(), [3000 / 70, 0.0, -100 / 3], rtol=1e-15)
    # AMEI = 100 (30 + 0 + 30) / (70 + 80 + 90) = 6000 / 240 = 25
    assert ix.aggregate_migration_effectiveness(PM_HYP) == pytest.approx(25.0, abs=1e-12)


def test_intensity_and_net_rate_by_hand():
    # Toy populations of 1000, 2000 and 3000 (P = 6000) for a hand computation.
    population = pd.Series({"A": 1000, "B": 2000, "C": 3000})
    # CMP = M / P = 120 / 6000 = 0.02
    assert ix.crude_migration_probability(PM_HYP, population) == pytest.approx(0.02, abs=1e-15)
    assert ix.crude_migration_probability(PM_HYP, 6000) == pytest.approx(0.02, abs=1e-15)
    # ANMR = 100 * 0.5 * (30 + 0 + 30) / 6000 = 0.5 (per cent); = CMP * AMEI = 0.02 * 25
    assert ix.aggregate_net_migration_rate(PM_HYP, population) == pytest.approx(0.5, abs=1e-14)


def test_connectivity_by_hand():
    # All 6 off-diagonal flows of PM_HYP are non-zero -> 6/6.  Flows above 15: 20, 20, 30, 30
    # -> 4/6.  The threshold is strict: flows equal to 20 are not above 20 -> 2/6.
    assert ix.connectivity(PM_HYP) == 1.0
    assert ix.connectivity(PM_HYP, threshold=15) == pytest.approx(4 / 6)
    assert ix.connectivity(PM_HYP, threshold=20) == pytest.approx(2 / 6)
    sparse = PM_HYP.copy()
    sparse.loc["A", "B"] = 0
    sparse.loc["C", "A"] = 0
    assert ix.connectivity(sparse) == pytest.approx(4 / 6)


def test_gini_total_by_hand():
    # Off-diagonal flows {10, 10, 20, 20, 30, 30}, N = 6, M = 120.  Unordered pairs: four
    # (10, 20) and four (20, 30) pairs differ by 10, four (10, 30) pairs by 20 -> 160; ordered
    # pairs -> 320.  Bell et al. (2002): 320 / (2 (N-1) M) = 320 / 1200 = 0.26667;
    # Plane & Mulligan (1997): 320 / (2 N M) = 320 / 1440 = 0.22222.  migration.indices 0.3.1
    # documents the same two values (0.2666667, 0.2222222).
    assert ix.gini_total(PM_HYP) == pytest.approx(320 / 1200, abs=1e-15)
    assert ix.gini_total(PM_HYP, corrected=False) == pytest.approx(320 / 1440, abs=1e-15)
    # PM_HYP2 flows {20, 20, 20, 20, 30, 50}, M = 160: ordered |differences| =
    # 2 * (4*10 + 4*30 + 20) = 360 -> 360/1600 = 0.225 and 360/1920 = 0.1875 (as documented).
    assert ix.gini_total(PM_HYP2) == pytest.approx(0.225, abs=1e-15)
    assert ix.gini_total(PM_HYP2, corrected=False) == pytest.approx(0.1875, abs=1e-15)


def test_field_ginis_by_hand():
    # In-field of A = inflows (20, 30): ordered |diff| sum 20, D_A = 50 -> 20 / (2 (n-2) 50) =
    # 0.2; B: (10, 30) -> 40/80 = 0.5; C: (10, 20) -> 20/60 = 1/3.  With Plane & Mulligan's
    # 2 (n-1): 0.1, 0.25, 1/6.  Out-fields (10,10), (20,20), (30,30) are all equal -> 0.
    np.testing.assert_allclose(ix.migration_field_gini(PM_HYP, "in"), [0.2, 0.5, 1 / 3])
    np.testing.assert_allclose(
        ix.migration_field_gini(PM_HYP, "in", corrected=False), [0.1, 0.25, 1 / 6]
    )
    np.testing.assert_allclose(ix.migration_field_gini(PM_HYP, "out"), [0.0, 0.0, 0.0])
    # PM_HYP2 in-fields: A (30, 20) -> 20/100; B (20, 20) -> 0; C (20, 50) -> 60/140
    np.testing.assert_allclose(ix.migration_field_gini(PM_HYP2, "in"), [0.2, 0.0, 3 / 7])


def test_migration_weighted_gini_by_hand():
    # MWG^I = sum_j G^I_j D_j / M = (0.2*50 + 0.5*40 + (1/3)*30) / 120 = 40/120 = 1/3;
    # MWG^O = 0 (all out-field Ginis are 0); mean = 1/6.
    assert ix.migration_weighted_gini(PM_HYP, "in") == pytest.approx(1 / 3, abs=1e-15)
    assert ix.migration_weighted_gini(PM_HYP, "out") == 0.0
    assert ix.migration_weighted_gini(PM_HYP) == pytest.approx(1 / 6, abs=1e-15)


def test_coefficients_of_variation_by_hand():
    # All flows {10,10,20,20,30,30}: mean 20, population variance (4*100)/6 -> CV = sqrt(200/3)/20
    assert ix.coefficient_of_variation(PM_HYP) == pytest.approx(np.sqrt(200 / 3) / 20)
    # In-fields: A (20, 30): sd 5, mean 25 -> 0.2; B (10, 30) -> 10/20; C (10, 20) -> 5/15.
    np.testing.assert_allclose(ix.migration_field_cv(PM_HYP, "in"), [0.2, 0.5, 1 / 3])
    # ACV^I = (0.2*50 + 0.5*40 + 30/3) / 120 = 1/3 and for PM_HYP2
    # (0.2*50 + 0*40 + (15/35)*70) / 160 = 0.25 -- the values migration.indices 0.3.1
    # documents for migration.acv.in (0.3333333, 0.25).
    assert ix.aggregate_field_cv(PM_HYP, "in") == pytest.approx(1 / 3, abs=1e-15)
    assert ix.aggregate_field_cv(PM_HYP2, "in") == pytest.approx(0.25, abs=1e-15)
    assert ix.aggregate_field_cv(PM_HYP, "out") == 0.0


def test_mean_migration_distance_by_hand():
    # Distances A-B 1, A-C 2, B-C 3 (symmetric toy values).  sum M d = 10*1 + 10*2 + 20*1 +
    # 20*3 + 30*2 + 30*3 = 260; / 120 migrants = 13/6.
    d = pd.DataFrame([[0, 1, 2], [1, 0, 3], [2, 3, 0]], index=list("ABC"), columns=list("ABC"))
    assert ix.mean_migration_distance(PM_HYP, d) == pytest.approx(260 / 120)


# --------------------------------------------------------------------------------------------
# input handling


def test_diagonal_and_column_order_are_ignored():
    noisy = PM_HYP.astype(float)
    for label in noisy.index:
        noisy.loc[label, label] = np.nan if label == "A" else 1e9
    shuffled = noisy[["C", "A", "B"]]
    assert ix.gini_total(shuffled) == ix.gini_total(PM_HYP)
    assert ix.aggregate_migration_effectiveness(shuffled) == 25.0
    pd.testing.assert_series_equal(ix.migration_effectiveness(shuffled),
                                   ix.migration_effectiveness(PM_HYP))


def test_bad_matrices_raise_named_errors():
    with pytest.raises(SchemaError, match="square"):
        ix.gini_total(PM_HYP.iloc[:, :2])
    with pytest.raises(SchemaError, match="same regions"):
        ix.gini_total(PM_HYP.rename(columns={"C": "D"}))
    negative = PM_HYP.copy()
    negative.loc["B", "C"] = -5
    with pytest.raises(DataError, match="negative") as info:
        ix.connectivity(negative)
    assert info.value.column == "C" and "'B'" in str(info.value)
    missing = PM_HYP.astype(float)
    missing.loc["A", "B"] = np.nan
    with pytest.raises(DataError, match="finite") as info:
        ix.migration_totals(missing)
    assert info.value.column == "B"
    text = PM_HYP.copy()
    text["B"] = ["x", "0", "30"]  # a stray string makes the column non-numeric
    with pytest.raises(SchemaError, match="non-numeric") as info:
        ix.gini_total(text)
    assert info.value.column == "B"
    with pytest.raises(DataError, match="no value for region"):
        ix.crude_migration_probability(PM_HYP, pd.Series({"A": 1.0, "B": 2.0}))
    with pytest.raises(InputError):
        ix.migration_field_gini(PM_HYP, "sideways")
    with pytest.raises(InputError):
        ix.connectivity(PM_HYP, threshold=-1)
    zero_distance = pd.DataFrame(np.ones((3, 3)), index=list("ABC"), columns=list("ABC"))
    zero_distance.loc["A", "C"] = 0
    with pytest.raises(DataError, match="positive") as info:
        ix.mean_migration_distance(PM_HYP, zero_distance)
    assert info.value.column == "C"
    assert issubclass(SchemaError, MixedmigError) and issubclass(DataError, MixedmigError)


# --------------------------------------------------------------------------------------------
# property tests


def od_matrices(min_n=3, max_n=6, max_flow=1000):
    """Square integer OD matrices with labelled rows/columns and at least one flow."""

    def build(values):
        n = values.shape[0]
        labels = [f"R{i}" for i in range(n)]
        np.fill_diagonal(values, 0)
        if values.sum() == 0:
            values[0, 1] = 1
        return pd.DataFrame(values, index=labels, columns=labels)

    shapes = st.integers(min_n, max_n).map(lambda n: (n, n))
    arrays = shapes.flatmap(
        lambda s: hnp.arrays(np.int64, s, elements=st.integers(0, max_flow))
    )
    return arrays.map(build)


def brute_force_gini(flows, corrected):
    total = sum(abs(a - b) for a, b in itertools.product(flows, flows))
    n = len(flows)
    return total / (2 * (n - 1 if corrected else n) * sum(flows))


@settings(max_examples=60, deadline=None)
@given(od_matrices())
def test_effectiveness_bounds_and_net_rate_identity(od):
    mei = ix.migration_effectiveness(od).dropna()
    assert ((mei >= -100) & (mei <= 100)).all()
    amei = ix.aggregate_migration_effectiveness(od)
    assert 0 <= amei <= 100
    # ANMR = CMP * AMEI for any population (Bell et al. 2002): both equal 50 sum|net| / P
    population = pd.Series(np.arange(1, len(od) + 1) * 1000.0, index=od.index)
    anmr = ix.aggregate_net_migration_rate(od, population)
    cmp_ = ix.crude_migration_probability(od, population)
    assert anmr == pytest.approx(cmp_ * amei, rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(od_matrices())
def test_symmetric_matrix_has_zero_effectiveness(od):
    symmetric = od + od.T
    assert ix.aggregate_migration_effectiveness(symmetric) == 0.0
    assert (ix.migration_effectiveness(symmetric).dropna() == 0).all()
    assert ix.aggregate_net_migration_rate(symmetric, 1e6) == 0.0


@settings(max_examples=60, deadline=None)
@given(od_matrices(max_n=5), st.floats(0.001, 1000.0))
def test_gini_matches_definition_and_is_scale_invariant(od, factor):
    flows = [od.iloc[i, j] for i in range(len(od)) for j in range(len(od)) if i != j]
    for corrected in (True, False):
        g = ix.gini_total(od, corrected=corrected)
        assert g == pytest.approx(brute_force_gini(flows, corrected), rel=1e-12, abs=1e-15)
        assert ix.gini_total(od * factor, corrected=corrected) == pytest.approx(g, rel=1e-9,
                                                                                 abs=1e-12)
    assert 0 <= ix.gini_total(od) <= 1 + 1e-12
    assert ix.coefficient_of_variation(od * factor) == pytest.approx(
        ix.coefficient_of_variation(od), rel=1e-9)
    mwg = ix.migration_weighted_gini(od)
    assert 0 <= mwg <= 1 + 1e-12


@settings(max_examples=40, deadline=None)
@given(od_matrices())
def test_in_fields_are_out_fields_of_the_transpose(od):
    pd.testing.assert_series_equal(
        ix.migration_field_gini(od, "in"), ix.migration_field_gini(od.T, "out"),
        check_names=False,
    )
    assert ix.migration_weighted_gini(od, "in") == pytest.approx(
        ix.migration_weighted_gini(od.T, "out"))


@settings(max_examples=40, deadline=None)
@given(od_matrices(max_flow=50))
def test_connectivity_counts_positive_flows(od):
    n = len(od)
    positive = sum(od.iloc[i, j] > 0 for i in range(n) for j in range(n) if i != j)
    assert ix.connectivity(od) == pytest.approx(positive / (n * (n - 1)))
    full = od + 1
    assert ix.connectivity(full) == 1.0


@settings(max_examples=30, deadline=None)
@given(st.integers(3, 7), st.integers(1, 10**6))
def test_gini_extremes(n, size):
    labels = [f"R{i}" for i in range(n)]
    equal = pd.DataFrame(size, index=labels, columns=labels)
    assert ix.gini_total(equal) == 0.0
    assert ix.coefficient_of_variation(equal) == 0.0
    single = pd.DataFrame(0, index=labels, columns=labels)
    single.iloc[0, 1] = size
    # all migrants in one flow: the corrected Gini is exactly 1
    assert ix.gini_total(single) == pytest.approx(1.0, abs=1e-15)
    assert ix.gini_total(single, corrected=False) == pytest.approx((n * (n - 1) - 1)
                                                                   / (n * (n - 1)))


# --------------------------------------------------------------------------------------------
# distance decay


def capital_distances_km() -> pd.DataFrame:
    """Great-circle distances between the capitals of the registry's 15 economies
    (haversine, mean Earth radius 6371.0088 km)."""
    labels = [c.iso3 for c in COUNTRIES]
    lat = np.radians([c.capital_lat for c in COUNTRIES])
    lon = np.radians([c.capital_lon for c in COUNTRIES])
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    return pd.DataFrame(2 * 6371.0088 * np.arcsin(np.sqrt(h)), index=labels, columns=labels)


def simulate_od(distance: pd.DataFrame, elasticity: float, seed: int) -> pd.DataFrame:
    """Poisson flows with mean exp(a_i + b_j + elasticity log d_ij); a, b ~ N(0, 0.5) plus a
    level that puts typical flows in the hundreds.  Simulation design, not data."""
    rng = np.random.default_rng(seed)
    n = len(distance)
    a = rng.normal(0.0, 0.5, n)
    b = rng.normal(0.0, 0.5, n)
    log_d = np.log(np.where(np.eye(n, dtype=bool), 1.0, distance.to_numpy()))
    mean = np.exp(12.0 + a[:, None] + b[None, :] + elasticity * log_d)
    flows = rng.poisson(mean)
    np.fill_diagonal(flows, 0)
    return pd.DataFrame(flows, index=distance.index, columns=distance.columns)


def test_distance_decay_recovers_simulated_elasticity():
    distance = capital_distances_km()
    true_elasticity = -1.0  # simulation design value
    od = simulate_od(distance, true_elasticity, seed=20130718)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing may leak
        fit = ix.distance_decay(od, distance)
    assert fit.nobs == 15 * 14 and fit.converged and fit.diagnostics.empty
    assert isinstance(fit, ix.DistanceDecayResult)
    row = fit.to_frame().loc["log_distance"]
    assert row["elasticity"] == fit.elasticity and row["nobs"] == 15 * 14
    assert "210 pairs, 0 dropped" in fit.message
    assert abs(fit.elasticity - true_elasticity) < 3 * fit.se
    assert fit.ci_low < true_elasticity < fit.ci_high
    assert fit.ci_low < fit.elasticity < fit.ci_high
    # Poisson data: the model-based and robust standard errors agree to within a factor 2
    poisson_se = ix.distance_decay(od, distance, cov="nonrobust").se
    assert 0.5 < fit.se / poisson_se < 2.0


def test_distance_decay_drops_an_origin_without_migrants():
    distance = capital_distances_km()
    od = simulate_od(distance, -1.0, seed=7)
    od.loc["SGP", :] = 0
    fit = ix.distance_decay(od, distance)
    assert fit.nobs == 15 * 14 - 14
    assert len(fit.dropped) == 14 and set(fit.dropped["orig"]) == {"SGP"}
    assert fit.dropped["reason"].str.contains("orig=SGP").all()
    assert np.isfinite(fit.elasticity)


# ------------------------------------------------------------------------------------------
# issue 8: the migration-weighted Gini convention of the R package migration.indices
# ------------------------------------------------------------------------------------------


def test_migration_weighted_gini_states_and_reproduces_the_r_convention():
    # migration.indices' documented examples (R/gini.R): migration.hyp is the Plane & Mulligan
    # table (R fills column-major: matrix(c(0, 20, 30, 10, 0, 30, 10, 20, 0), 3, 3)), and
    # migration.weighted.gini.in(migration.hyp) = 0.1222222; migration.hyp2 =
    # matrix(c(0, 30, 20, 20, 0, 20, 20, 50, 0), 3, 3) gives
    # migration.weighted.gini.out(migration.hyp2) = 0.02083333. R computes
    # sum(G_in * rowSums(m) / M) / n and sum(G_out * colSums(m) / M) / n.
    from mixedmig.indices import migration_field_gini, migration_weighted_gini

    hyp = pd.DataFrame([[0, 10, 10], [20, 0, 20], [30, 30, 0]], index=list("ABC"),
                       columns=list("ABC"))
    hyp2 = pd.DataFrame([[0, 20, 20], [30, 0, 50], [20, 20, 0]], index=list("ABC"),
                        columns=list("ABC"))
    m, m2 = hyp.to_numpy(float), hyp2.to_numpy(float)
    # hand-worked field Ginis (corrected, 2 (n - 2) = 2): G_in(hyp) = |10-20|/(2*50)... etc.
    g_in = np.array([abs(20 - 30) * 2 / (2 * 50), abs(10 - 30) * 2 / (2 * 40),
                     abs(10 - 20) * 2 / (2 * 30)])           # 0.2, 0.5, 1/3
    g_out2 = np.array([0.0, abs(30 - 50) * 2 / (2 * 80), 0.0])  # 0, 0.25, 0
    np.testing.assert_allclose(migration_field_gini(hyp, "in"), g_in)
    np.testing.assert_allclose(migration_field_gini(hyp2, "out"), g_out2)
    # R's convention (swapped weights, / n) reproduces R's documented values ...
    assert (g_in * m.sum(axis=1)).sum() / (3 * m.sum()) == pytest.approx(0.1222222, abs=1e-7)
    assert (g_out2 * m2.sum(axis=0)).sum() / (3 * m2.sum()) == pytest.approx(0.02083333,
                                                                              abs=1e-8)
    # ... while mixedmig returns Bell et al.'s weighted mean: in-fields by D_j, out by O_i
    assert migration_weighted_gini(hyp, "in") == pytest.approx((g_in * m.sum(axis=0)).sum()
                                                               / m.sum())  # 1/3
    assert migration_weighted_gini(hyp2, "out") == pytest.approx(0.25 * 80 / 160)  # 0.125
    # and the docstring states both differences and the formula R uses
    doc = " ".join(migration_weighted_gini.__doc__.split())
    assert "divides by the number of regions ``n``" in doc
    assert "swaps the weights" in doc
    assert "MWG^I_R = sum_j G^I_j O_j / (n M)" in doc and "0.1222222" in doc


# ------------------------------------------------------------------------------------------
# issue 8 (review 7): one OD validator with mixedmig.flows, messages, Raises
# ------------------------------------------------------------------------------------------

_L4 = ["A", "B", "C", "D"]
_D4 = pd.DataFrame([[1, 2, 4, 8], [2, 1, 3, 5], [4, 3, 1, 2], [8, 5, 2, 1]], _L4, _L4,
                   dtype=float)  # made-up distances


def test_distance_decay_rejects_an_unknown_cov_without_mentioning_cluster():
    # review B8: the message leaked fit_ppml's "pass cluster=", a parameter distance_decay lacks
    od = pd.DataFrame(np.ones((4, 4)), _L4, _L4)
    with pytest.raises(InputError, match=r"cov must be one of \['HC1', 'HC0', 'nonrobust'\]") \
            as err:
        ix.distance_decay(od, _D4, cov="HC9")
    assert "cluster" not in str(err.value)


def test_distance_decay_all_zero_flows_raise_model_error_as_documented():
    # review D19: the ModelError from fit_ppml is part of the contract (Raises section)
    from mixedmig.errors import ModelError

    with pytest.raises(ModelError, match="every flow"):
        ix.distance_decay(pd.DataFrame(np.zeros((4, 4)), _L4, _L4), _D4)
    assert "ModelError" in ix.distance_decay.__doc__


def test_distance_decay_recovers_the_exponent_of_exact_gravity_flows():
    # flows a_i b_j d_ij^-2 (made up) give elasticity -2 whatever the label order of the inputs
    a, b = np.array([10.0, 20, 30, 40]), np.array([5.0, 1, 2, 3])
    od = pd.DataFrame(np.outer(a, b) / _D4.to_numpy() ** 2, _L4, _L4)
    order = ["C", "A", "D", "B"]
    res = ix.distance_decay(od.loc[:, order], _D4.loc[order[::-1], order])
    assert res.elasticity == pytest.approx(-2.0, abs=1e-8)


def test_od_checks_are_shared_with_flows():
    # review C9 / B7: indices uses mixedmig.flows.check_od_matrix: same classes, same rule
    # (columns in another order are matched by label; other regions are a SchemaError).
    from mixedmig.flows import check_od_matrix, to_long

    od = pd.DataFrame([[0, 5, 1], [2, 0, 3], [4, 6, 0]], ["A", "B", "C"], ["A", "B", "C"])
    swapped = od.loc[:, ["C", "A", "B"]]
    pd.testing.assert_frame_equal(ix.migration_totals(swapped), ix.migration_totals(od))
    pd.testing.assert_frame_equal(check_od_matrix(swapped), od)
    other = od.rename(columns={"C": "Z"})
    for call in (lambda: ix.migration_totals(other), lambda: to_long(other),
                 lambda: check_od_matrix(other)):
        with pytest.raises(SchemaError, match=r"only in rows: \['C'\], only in columns: \['Z'\]"):
            call()
    with pytest.raises(SchemaError, match="distance must hold the regions"):
        ix.mean_migration_distance(od, _D4)


def test_dissimilarity_index_wrong_type_is_a_schema_error_like_every_table_check():
    # review B7: a wrong-typed table is SchemaError in flows and indices alike
    with pytest.raises(SchemaError, match="a must be a pandas Series"):
        ix.dissimilarity_index([1, 2], pd.Series([1, 2]))
