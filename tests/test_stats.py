"""Tests of mixedmig.stats: proportions with CIs, the published-table check, contingency tests.

Published figures used here:
* STEAM study — Kiss L, Pocock NS, Naisanguansri V, et al. (2015). Health of men, women, and
  children in post-trafficking services in Cambodia, Thailand, and Vietnam: an observational
  cross-sectional study. Lancet Global Health 3: e154-61 (abstract, "Findings").
* Conover WJ (1999). Practical Nonparametric Statistics, 3rd ed., Wiley: exact binomial 95%
  limits 0.068 to 0.407 for 5 successes in 25 trials (as quoted in the InfluentialPoints
  worked example, http://influentialpoints.com/Training/confidence_intervals_of_proportions.htm).
* US Department of State, Trafficking in Persons Report 2017, Thailand: victims assisted in
  government shelters by nationality, 2015: 126 Thai, 345 foreign; 2016: 207 Thai, 360
  foreign (the report's own total for 2016 is 561, not 207 + 360 = 567; we use the breakdown).
* UNIAP (2013), officially identified trafficking victims by country, 2009-2011 (presentation
  by A. Lyth, Bangkok, 27 Sept 2013; see /work/shared/research/gms_trafficking_figures.md 4.1).
* Fisher RA (1935). The Design of Experiments, section 2: the lady tasting tea, 8 cups,
  4 with milk first.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint
from statsmodels.stats.rates import confint_poisson_2indep

from mixedmig.errors import InputError, MixedmigError
from mixedmig.stats import (
    chi_square_test,
    compare_to_published,
    fisher_exact_test,
    proportion_ci,
    proportion_ci_table,
    rate_ratio,
    risk_difference,
)

STATSMODELS_NAME = {"wilson": "wilson", "normal": "normal", "exact": "beta"}

# STEAM (Kiss et al. 2015) abstract: (label, k, n, printed %)
STEAM_CONSISTENT = [
    ("sector: sex work", 329, 1015, 32),
    ("sector: fishing", 275, 1015, 27),
    ("sector: factories", 136, 1015, 13),
    ("sexual violence, women and girls", 198, 566, 35),
    ("threatened", 478, 1015, 47),
    ("locked in a room", 198, 1015, 20),
    ("worked 7 days a week", 685, 985, 70),
    ("worked 11+ hours a day", 296, 989, 30),
]
# Two abstract figures do not round to the printed integer with the printed denominators:
# 481/1015 = 47.39% printed "48%", 222/983 = 22.58% printed "22%".
STEAM_INCONSISTENT = [
    ("physical and/or sexual violence", 481, 1015, 48),
    ("serious injury at work", 222, 983, 22),
]

counts = st.integers(min_value=1, max_value=5000).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
)
levels = st.floats(min_value=0.5, max_value=0.999)


# ---------------------------------------------------------------------------- proportion_ci


@pytest.mark.parametrize("method", ["wilson", "normal", "exact"])
@settings(max_examples=60, deadline=None)
@given(kn=counts, level=levels)
def test_proportion_ci_equals_statsmodels(method, kn, level):
    k, n = kn
    ours = proportion_ci(k, n, method=method, level=level)
    low, upp = proportion_confint(k, n, alpha=1 - level, method=STATSMODELS_NAME[method])
    assert ours.lower == pytest.approx(low, abs=1e-12)
    assert ours.upper == pytest.approx(upp, abs=1e-12)
    assert ours.estimate == k / n


@pytest.mark.parametrize("method", ["wilson", "normal", "exact"])
def test_proportion_ci_equals_statsmodels_at_the_boundaries(method):
    for k, n in [(0, 1), (1, 1), (0, 37), (37, 37), (1, 2)]:
        ours = proportion_ci(k, n, method=method)
        low, upp = proportion_confint(k, n, alpha=0.05, method=STATSMODELS_NAME[method])
        assert (ours.lower, ours.upper) == pytest.approx((low, upp), abs=1e-12)


@pytest.mark.parametrize("label,k,n,printed", STEAM_CONSISTENT)
def test_steam_percentages_round_to_the_printed_integers(label, k, n, printed):
    assert round(100 * proportion_ci(k, n).estimate) == printed


@pytest.mark.parametrize("label,k,n,printed", STEAM_INCONSISTENT)
def test_steam_figures_that_do_not_round_to_the_printed_integer(label, k, n, printed):
    # A known discrepancy in the publication, kept as a regression: if this ever passes
    # with equality, the counts above were mistyped.
    assert round(100 * proportion_ci(k, n).estimate) != printed
    assert abs(100 * k / n - printed) < 1


def test_exact_interval_matches_conover_table():
    ci = proportion_ci(5, 25, method="exact")
    assert (round(ci.lower, 3), round(ci.upper, 3)) == (0.068, 0.407)


def test_wilson_interval_by_hand_for_steam_violence():
    # Wilson (1927): (k + z^2/2)/(n + z^2) +- z/(n + z^2) sqrt(k(n-k)/n + z^2/4)
    k, n = 481, 1015
    z = sps.norm.ppf(0.975)
    centre = (k + z * z / 2) / (n + z * z)
    half = z / (n + z * z) * math.sqrt(k * (n - k) / n + z * z / 4)
    ci = proportion_ci(k, n)
    assert ci.lower == pytest.approx(centre - half, abs=1e-15)
    assert ci.upper == pytest.approx(centre + half, abs=1e-15)
    assert (round(100 * ci.lower, 1), round(100 * ci.upper, 1)) == (44.3, 50.5)


@pytest.mark.parametrize("method", ["wilson", "normal", "exact"])
@settings(max_examples=80, deadline=None)
@given(kn=counts, level=levels)
def test_bounds_are_ordered_and_within_unit_interval(method, kn, level):
    ci = proportion_ci(*kn, method=method, level=level)
    assert 0.0 <= ci.lower <= ci.estimate <= ci.upper <= 1.0


@pytest.mark.parametrize("method", ["wilson", "normal", "exact"])
@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 300), data=st.data(), factor=st.integers(2, 20))
def test_width_shrinks_as_n_grows_at_fixed_proportion(method, n, data, factor):
    k = data.draw(st.integers(0, n))
    small = proportion_ci(k, n, method=method)
    large = proportion_ci(k * factor, n * factor, method=method)
    assert large.estimate == small.estimate
    if method == "normal":  # clipping to [0, 1] can keep the width at 1; zero width at k=0, n
        assert large.width <= small.width
    else:
        assert large.width < small.width


@pytest.mark.parametrize("method", ["wilson", "exact"])
@settings(max_examples=60, deadline=None)
@given(kn=counts, level=levels)
def test_interval_is_symmetric_under_swapping_events_and_non_events(method, kn, level):
    k, n = kn
    ci = proportion_ci(k, n, method=method, level=level)
    mirror = proportion_ci(n - k, n, method=method, level=level)
    assert ci.lower == pytest.approx(1 - mirror.upper, abs=1e-12)
    assert ci.upper == pytest.approx(1 - mirror.lower, abs=1e-12)


def test_higher_level_gives_wider_interval():
    assert proportion_ci(478, 1015, level=0.99).width > proportion_ci(478, 1015, level=0.95).width


@pytest.mark.parametrize(
    "k,n,level,method,fragment",
    [
        (1016, 1015, 0.95, "wilson", "larger than"),
        (-1, 1015, 0.95, "wilson", "negative"),
        (0, 0, 0.95, "wilson", "at least 1"),
        (481, 1015, 0.0, "wilson", "between 0 and 1"),
        (481, 1015, 1.0, "wilson", "between 0 and 1"),
        (481, 1015, 95, "wilson", "between 0 and 1"),
        (481, 1015, True, "wilson", "level"),
        (481.5, 1015, 0.95, "wilson", "whole number"),
        (float("nan"), 1015, 0.95, "wilson", "whole number"),
        (481, 1015, 0.95, "agresti", "unknown method"),
    ],
)
def test_bad_input_raises_a_clear_mixedmig_error(k, n, level, method, fragment):
    with pytest.raises(InputError, match=fragment) as info:
        proportion_ci(k, n, method=method, level=level)
    assert isinstance(info.value, MixedmigError)


def test_integer_valued_floats_are_accepted_as_counts():
    as_float, as_int = proportion_ci(481.0, 1015.0), proportion_ci(481, 1015)
    pd.testing.assert_frame_equal(as_float.to_frame(), as_int.to_frame())
    assert isinstance(as_float.k, int) and as_float.k == 481 and as_float.n == 1015


# ---------------------------------------------------------------------- proportion_ci_table


@pytest.mark.parametrize("method", ["wilson", "normal", "exact"])
def test_table_matches_scalar_and_statsmodels(method):
    rows = STEAM_CONSISTENT + STEAM_INCONSISTENT
    df = pd.DataFrame(rows, columns=["label", "events", "total", "printed"]).set_index("label")
    out = proportion_ci_table(df, k="events", n="total", method=method)
    low, upp = proportion_confint(df["events"], df["total"], alpha=0.05, method=STATSMODELS_NAME[method])
    np.testing.assert_allclose(out["lower"], low, rtol=0, atol=1e-12)
    np.testing.assert_allclose(out["upper"], upp, rtol=0, atol=1e-12)
    for label, row in out.iterrows():
        single = proportion_ci(row["events"], row["total"], method=method)
        assert (row["estimate"], row["lower"], row["upper"]) == (single.estimate, single.lower, single.upper)
    assert list(out.columns) == ["events", "total", "printed", "estimate", "lower", "upper"]
    assert "estimate" not in df.columns  # input left alone


def test_table_errors_name_the_row():
    df = pd.DataFrame({"k": [478, 1200], "n": [1015, 1015]}, index=["threatened", "typo"])
    with pytest.raises(InputError, match="row 'typo'"):
        proportion_ci_table(df)
    df = pd.DataFrame({"k": pd.array([478, None], dtype="Int64"), "n": [1015, 1015]}, index=["a", "b"])
    with pytest.raises(InputError, match="row 'b'"):
        proportion_ci_table(df)
    with pytest.raises(InputError, match=r"has no column\(s\) \['events'\]"):
        proportion_ci_table(df, k="events")
    with pytest.raises(InputError, match="already has column"):
        proportion_ci_table(pd.DataFrame({"k": [1], "n": [2], "lower": [0.0]}))


# ---------------------------------------------------------------------- compare_to_published


def _steam_table():
    rows = STEAM_CONSISTENT + STEAM_INCONSISTENT
    return pd.DataFrame(
        [(label, k, n, printed, 0) for label, k, n, printed in rows],
        columns=["item", "k", "n", "published_pct", "decimals"],
    ).set_index("item")


def test_compare_steam_abstract_flags_exactly_the_two_inconsistent_figures():
    out = compare_to_published(_steam_table())
    flagged = set(out.index[~out["agrees"].astype(bool)])
    assert flagged == {"physical and/or sexual violence", "serious injury at work"}
    violence = out.loc["physical and/or sexual violence"]
    assert violence["estimate_diff_pp"] == pytest.approx(100 * 481 / 1015 - 48)
    assert violence["explanation"] == "estimate: computed 47.39 rounds to 47, printed 48 (-0.61 pp)"
    injury = out.loc["serious injury at work"]
    assert injury["explanation"] == "estimate: computed 22.58 rounds to 23, printed 22 (+0.58 pp)"
    assert out.loc["threatened", "explanation"] == "agrees at 0 decimal(s)"
    assert out["lower_agrees"].isna().all() and out["upper_agrees"].isna().all()
    assert out["lower_diff_pp"].isna().all()
    assert out.loc["threatened", "computed_pct"] == pytest.approx(100 * 478 / 1015)


def test_compare_checks_interval_bounds_and_names_the_part_that_disagrees():
    table = pd.DataFrame(
        {"k": [5], "n": [25], "published_pct": [20.0], "published_lower_pct": [6.8],
         "published_upper_pct": [40.7], "decimals": [1]},
        index=["Conover 5/25"],
    )
    exact = compare_to_published(table, method="exact").iloc[0]
    assert bool(exact["agrees"]) and bool(exact["lower_agrees"]) and bool(exact["upper_agrees"])
    # Wald: 0.2 +- z sqrt(0.2 * 0.8 / 25) = 0.2 +- 0.08 z, z = 1.95996 -> 4.320% to 35.680%
    wald = compare_to_published(table, method="normal").iloc[0]
    assert not bool(wald["agrees"])
    assert bool(wald["estimate_agrees"])
    assert not bool(wald["lower_agrees"]) and not bool(wald["upper_agrees"])
    assert wald["explanation"].startswith("lower: computed 4.320 rounds to 4.3, printed 6.8")
    assert "upper: computed 35.680 rounds to 35.7, printed 40.7" in wald["explanation"]
    assert "estimate" not in wald["explanation"]
    z = sps.norm.ppf(0.975)
    assert wald["lower_diff_pp"] == pytest.approx(100 * (0.2 - 0.08 * z) - 6.8, abs=1e-12)


def test_compare_accepts_computed_percentages_instead_of_counts():
    table = pd.DataFrame(
        {"published_pct": [47, 48], "computed_pct": [100 * 478 / 1015, 100 * 481 / 1015]},
        index=["threatened", "violence"],
    )
    out = compare_to_published(table, decimals=0)
    assert out["agrees"].tolist() == [True, False]
    assert out["estimate_agrees"].dtype == "boolean"


@settings(max_examples=50, deadline=None)
@given(whole=st.integers(0, 9999), decimals=st.integers(0, 2))
def test_a_tie_agrees_under_either_rounding_rule(whole, decimals):
    # value = (whole + 1/2) / 10^decimals lies exactly halfway between two printable values.
    # Round-half-up always goes to the upper one; round-half-even goes to the even one, so
    # the two rules differ only when `whole` is even.
    scale = 10**decimals
    value = (whole + 0.5) / scale
    below, above = whole / scale, (whole + 1) / scale
    table = pd.DataFrame({"published_pct": [below, above, (whole + 2) / scale], "computed_pct": [value] * 3})
    out = compare_to_published(table, decimals=decimals)
    if whole % 2 == 0:
        assert out["agrees"].tolist() == [True, True, False]
        assert "matches round-half-even only" in out["explanation"][0]
        assert "matches round-half-up only" in out["explanation"][1]
    else:
        assert out["agrees"].tolist() == [False, True, False]
        assert out["explanation"][1] == f"agrees at {decimals} decimal(s)"


def test_compare_rejects_inconsistent_input():
    with pytest.raises(InputError, match="more than 0 decimal"):
        compare_to_published(pd.DataFrame({"published_pct": [47.4], "k": [478], "n": [1015]}), decimals=0)
    with pytest.raises(InputError, match="nothing to compare"):
        compare_to_published(pd.DataFrame({"published_pct": [47]}), decimals=0)
    with pytest.raises(InputError, match="no computed lower"):
        compare_to_published(
            pd.DataFrame({"published_pct": [47], "published_lower_pct": [44], "computed_pct": [47.1]}),
            decimals=0,
        )
    with pytest.raises(InputError, match="strip '%'"):
        compare_to_published(pd.DataFrame({"published_pct": ["47%"], "k": [478], "n": [1015]}), decimals=0)


def test_row_without_printed_values_is_reported_not_guessed():
    table = pd.DataFrame({"published_pct": [47.0, np.nan], "k": [478, 481], "n": [1015, 1015]})
    out = compare_to_published(table, decimals=0)
    assert out["agrees"].isna().tolist() == [False, True]
    assert out["explanation"][1] == "nothing printed to compare"


# ---------------------------------------------------------------------- contingency tables

THAI_SHELTERS = pd.DataFrame({"Thai": [126, 207], "foreign": [345, 360]}, index=[2015, 2016])
UNIAP_2009_2011 = pd.DataFrame(
    {
        2009: [701, 10820, 155, 302, 530, 869],
        2010: [686, 16568, 145, 381, 509, 671],
        2011: [581, 24118, 195, 265, 279, 821],
    },
    index=["KHM", "CHN", "LAO", "MMR", "THA", "VNM"],
)
TEA = [[3, 1], [1, 3]]


@pytest.mark.parametrize("correction", [False, True])
def test_chi_square_2x2_by_closed_form(correction):
    # X^2 = N (|ad - bc| - c)^2 / (R1 R2 C1 C2), c = 0 (Pearson) or N/2 (Yates)
    a, b, c, d = 126, 345, 207, 360
    n = a + b + c + d
    shift = Fraction(n, 2) if correction else 0
    expected = Fraction(n * (abs(a * d - b * c) - shift) ** 2, (a + b) * (c + d) * (a + c) * (b + d))
    result = chi_square_test(THAI_SHELTERS, correction=correction)
    assert result.statistic == pytest.approx(float(expected), rel=1e-12)
    assert result.dof == 1 and result.correction is correction
    assert result.p_value == pytest.approx(sps.chi2.sf(float(expected), 1), rel=1e-12)
    assert result.expected.loc[2015, "Thai"] == pytest.approx((a + b) * (a + c) / n)
    assert not result.any_expected_below_5 and result.diagnostics.empty


@pytest.mark.parametrize("correction", [False, True])
@pytest.mark.parametrize("table", [THAI_SHELTERS, UNIAP_2009_2011, pd.DataFrame(TEA)])
def test_chi_square_matches_scipy(table, correction):
    ref = sps.chi2_contingency(table.to_numpy(), correction=correction)
    ours = chi_square_test(table, correction=correction)
    assert ours.statistic == pytest.approx(ref.statistic, rel=1e-12)
    assert ours.p_value == pytest.approx(ref.pvalue, rel=1e-9, abs=1e-300)
    assert ours.dof == ref.dof
    np.testing.assert_allclose(ours.expected.to_numpy(), ref.expected_freq, rtol=1e-12)
    assert list(ours.expected.index) == list(table.index)


def test_small_expected_counts_are_flagged():
    # tea table: every expected count is 4 x 4 / 8 = 2, X^2 = 4 x (1^2 / 2) = 2
    result = chi_square_test(TEA)
    assert result.statistic == pytest.approx(2.0)
    assert result.any_expected_below_5 and result.n_expected_below_5 == 4
    assert result.min_expected == 2.0
    assert result.diagnostics["check"].tolist() == ["expected counts below 5"]
    assert result.diagnostics.loc[0, "value"] == 4
    assert "fisher_exact_test" in result.diagnostics.loc[0, "note"]


def test_chi_square_rejects_bad_tables():
    with pytest.raises(InputError, match="row 1 has no counts"):
        chi_square_test([[3, 1], [0, 0]])
    with pytest.raises(InputError, match="2 x 2"):
        chi_square_test([[3, 1, 4]])
    with pytest.raises(InputError, match="whole non-negative"):
        chi_square_test([[3, -1], [1, 3]])


def test_fisher_exact_tea_tasting_by_hand():
    # 4 of 8 cups chosen: C(8,4) = 70 equally likely choices; exactly 3 right in
    # C(4,3) C(4,1) = 16 ways, all 4 right in 1 way (Fisher 1935).
    greater = fisher_exact_test(TEA, alternative="greater")
    assert greater.p_value == pytest.approx(17 / 70, rel=1e-12)
    two_sided = fisher_exact_test(TEA)
    assert two_sided.p_value == pytest.approx(34 / 70, rel=1e-12)  # 0 or 1 right: 1 + 16
    assert two_sided.sample_odds_ratio == 9.0  # (3 x 3) / (1 x 1)


@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
def test_fisher_exact_matches_scipy(alternative):
    ref = sps.fisher_exact(THAI_SHELTERS.to_numpy(), alternative=alternative)
    ours = fisher_exact_test(THAI_SHELTERS, alternative=alternative)
    assert ours.p_value == pytest.approx(ref.pvalue, rel=1e-12)
    assert ours.sample_odds_ratio == pytest.approx((126 * 360) / (345 * 207), rel=1e-12)


def test_fisher_exact_rejects_non_2x2():
    with pytest.raises(InputError, match="2 x 2"):
        fisher_exact_test(UNIAP_2009_2011)


def test_risk_ratio_by_hand_and_against_statsmodels():
    # share of Thai nationals among shelter residents, 2016 vs 2015
    k1, n1, k2, n2 = 207, 567, 126, 471
    result = rate_ratio(k1, n1, k2, n2)
    assert result.estimate == pytest.approx(Fraction(k1 * n2, n1 * k2), rel=1e-15)
    se = math.sqrt(1 / k1 - 1 / n1 + 1 / k2 - 1 / n2)
    z = sps.norm.ppf(0.975)
    assert result.log_se == pytest.approx(se, rel=1e-15)
    assert result.lower == pytest.approx(result.estimate * math.exp(-z * se), rel=1e-12)
    table = Table2x2(np.array([[k1, n1 - k1], [k2, n2 - k2]]))
    low, upp = table.riskratio_confint(alpha=0.05)
    assert (result.lower, result.upper) == pytest.approx((low, upp), rel=1e-12)


def test_incidence_rate_ratio_matches_statsmodels_wald_log():
    # the same counts read as events per unit of person-time, to compare implementations
    result = rate_ratio(207, 567, 126, 471, denominator="person-time")
    low, upp = confint_poisson_2indep(207, 567, 126, 471, method="wald-log", compare="ratio")
    assert (result.lower, result.upper) == pytest.approx((low, upp), rel=1e-12)
    assert result.log_se == pytest.approx(math.sqrt(1 / 207 + 1 / 126))


def test_rate_ratio_rejects_zero_counts_and_bad_denominators():
    with pytest.raises(InputError, match="zero count"):
        rate_ratio(0, 566, 198, 566)
    with pytest.raises(InputError, match="larger than"):
        rate_ratio(600, 566, 198, 566)
    with pytest.raises(InputError, match="person-time"):
        rate_ratio(3, -1.0, 4, 10.0, denominator="person-time")
    with pytest.raises(InputError, match="denominator"):
        rate_ratio(3, 10, 4, 10, denominator="cases")


@pytest.mark.parametrize("method,sm_method", [("wald", "wald"), ("newcombe", "newcomb")])
def test_risk_difference_matches_statsmodels(method, sm_method):
    result = risk_difference(207, 567, 126, 471, method=method)
    low, upp = confint_proportions_2indep(207, 567, 126, 471, method=sm_method, compare="diff")
    assert result.estimate == pytest.approx(207 / 567 - 126 / 471, rel=1e-15)
    assert (result.lower, result.upper) == pytest.approx((low, upp), abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(a=counts, b=counts)
def test_newcombe_difference_contains_estimate_and_stays_in_range(a, b):
    result = risk_difference(*a, *b, method="newcombe")
    assert -1.0 <= result.lower <= result.estimate <= result.upper <= 1.0


# ---------------------------------------------------------------------- result protocol


def test_results_follow_the_protocol():
    from mixedmig.results import Result

    ci = proportion_ci(5, 10)
    rr = rate_ratio(20, 100, 10, 100)
    rd = risk_difference(50, 100, 30, 100)
    chi = chi_square_test([[10, 20], [20, 10]])
    fisher = fisher_exact_test([[3, 0], [0, 3]], alternative="greater")
    for result in (ci, rr, rd, chi, fisher):
        assert isinstance(result, Result)
        assert result.converged and result.iterations == 0 and result.message
        assert isinstance(result.diagnostics, pd.DataFrame)
        assert len(result.to_frame()) == 1
    # hand-worked values: 5/10 = 0.5; RR = (20/100) / (10/100) = 2; d = 0.5 - 0.3 = 0.2;
    # every expected count of [[10, 20], [20, 10]] is 15, X^2 = 4 x 5^2 / 15 = 20/3;
    # the table [[3, 0], [0, 3]] is the most extreme of C(6, 3) = 20: p = 1/20
    assert ci.to_frame().loc[0, ["k", "n", "estimate"]].tolist() == [5, 10, 0.5]
    assert ci.message.startswith("5/10 = 50.0% (95% wilson CI")
    assert rr.to_frame().loc[0, "estimate"] == 2.0
    assert rd.to_frame().loc[0, "estimate"] == pytest.approx(0.2, abs=1e-15)
    assert chi.to_frame().loc[0, "statistic"] == pytest.approx(20 / 3, rel=1e-12)
    assert fisher.to_frame().loc[0, "p_value"] == pytest.approx(1 / 20, rel=1e-12)
