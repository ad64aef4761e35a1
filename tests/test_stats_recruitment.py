"""Tests of mixedmig.stats.recruitment: SDG indicator 10.7.1 (recruitment cost / monthly earnings).

Published figures used here: Habiyakare, T. & Zhong, K. (2019). Measuring recruitment costs of
migrant workers through household surveys: results of a pilot test from Lao PDR Labour Force
Survey 2017. ISI World Statistics Congress 2019, CPS2476, Table 1 (p. 418): return migrant
workers with non-zero costs and earnings, n = 254 (48,429 persons weighted); mean cost USD
141.31 (male 141.35, 27,919 persons; female 141.27, 20,510 persons); mean monthly earnings
abroad USD 430.88 (male 435.49, female 424.60); mean of the individual cost/earnings ratios
0.33 months (male 0.32).

The hand-worked example (made-up test values, used throughout):

    worker   cost   earnings   ratio r = cost / earnings   weight
    A         100      200          0.5                      2
    B         300      300          1.0                      1
    C         300      600          0.5                      1
    D           0      400          0.0                      4

Unweighted, all four workers:
    mean of ratios  = (0.5 + 1.0 + 0.5 + 0) / 4            = 0.5
    ratio of means  = (100 + 300 + 300 + 0) / (200 + 300 + 600 + 400) = 700 / 1500 = 7/15
Weighted (2, 1, 1, 4), sum of weights 8:
    mean of ratios  = (2*0.5 + 1*1.0 + 1*0.5 + 4*0) / 8    = 2.5 / 8 = 0.3125
    ratio of means  = (200 + 300 + 300 + 0) / (400 + 300 + 600 + 1600) = 800 / 2900 = 8/29
Zero cost excluded (the Lao pilot's subset), unweighted, A B C:
    mean of ratios  = 2.0 / 3 = 2/3;  ratio of means = 700 / 1100 = 7/11
Standard error (unweighted, 4 workers): linearised variance = 4/3 * sum(((r - 0.5)/4)^2)
    = 4/3 * (0 + 0.125^2 + 0 + 0.125^2) = 1/24, the textbook s^2/n with s^2 = 0.5/3 = 1/6.
Kish effective n with weights (2, 1, 1, 4): 8^2 / (4 + 1 + 1 + 16) = 64/22.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mixedmig.errors import InputError, SchemaError
from mixedmig.results import Result
from mixedmig.stats import (
    RECRUITMENT_SURVEY_SCHEMA,
    RecruitmentCostResult,
    read_recruitment_survey,
    recruitment_cost_indicator,
)

COSTS = [100, 300, 300, 0]  # made-up test values (see the module docstring)
EARNINGS = [200, 300, 600, 400]
WEIGHTS = [2, 1, 1, 4]


def test_result_protocol():
    res = recruitment_cost_indicator(COSTS, EARNINGS)
    assert isinstance(res, RecruitmentCostResult) and isinstance(res, Result)
    assert res.converged and res.iterations == 0
    assert "0.500" in res.message and "ratio of means 0.467" in res.message
    assert list(res.diagnostics.columns) == ["check", "value", "note"]


def test_hand_worked_unweighted():
    res = recruitment_cost_indicator(COSTS, EARNINGS)
    assert res.estimate == pytest.approx(0.5, abs=1e-15)
    assert res.ratio_of_means == pytest.approx(7 / 15, abs=1e-15)
    assert res.estimate != pytest.approx(res.ratio_of_means)  # they differ in general
    assert res.n == 4 and res.sum_weights == 4 and res.effective_n == pytest.approx(4)
    assert res.se == pytest.approx(math.sqrt(1 / 24), rel=1e-12)
    z = 1.959963984540054
    assert res.lower == pytest.approx(0.5 - z * math.sqrt(1 / 24), rel=1e-9)
    assert res.upper == pytest.approx(0.5 + z * math.sqrt(1 / 24), rel=1e-9)
    row = res.to_frame().iloc[0]
    assert row["group"] == "all" and row["n_zero_cost"] == 1
    assert (row["min_ratio"], row["max_ratio"]) == (0.0, 1.0)


def test_hand_worked_weighted():
    res = recruitment_cost_indicator(COSTS, EARNINGS, WEIGHTS)
    assert res.estimate == pytest.approx(0.3125, abs=1e-15)
    assert res.ratio_of_means == pytest.approx(8 / 29, abs=1e-15)
    assert res.sum_weights == 8
    assert res.effective_n == pytest.approx(64 / 22)
    deff = res.diagnostics.set_index("check").loc[
        "design effect of the weights (n / effective n)", "value"]
    assert deff == pytest.approx(4 / (64 / 22))


def test_zero_costs_excluded_is_the_lao_pilot_subset():
    res = recruitment_cost_indicator(COSTS, EARNINGS, zero_costs="exclude")
    assert res.estimate == pytest.approx(2 / 3)
    assert res.ratio_of_means == pytest.approx(7 / 11)
    assert res.n == 3
    diag = res.diagnostics.set_index("check")
    assert diag.loc["dropped: zero cost", "value"] == 1
    assert diag.loc["rows given", "value"] == 4
    assert "1 left out" in res.message


def test_unweighted_se_is_the_textbook_standard_error():
    rng = np.random.default_rng(7)
    costs = rng.gamma(2.0, 100.0, size=50)  # simulated values
    earnings = rng.gamma(5.0, 80.0, size=50)
    res = recruitment_cost_indicator(costs, earnings)
    ratios = costs / earnings
    assert res.estimate == pytest.approx(ratios.mean())
    assert res.se == pytest.approx(ratios.std(ddof=1) / math.sqrt(50))


def test_lao_2017_published_means():
    """Table 1 of Habiyakare & Zhong (2019): the ratio of the published means is 0.328, not the
    published mean of individual ratios 0.33; the sex rows, weighted by persons, reproduce the
    published overall means and so the overall ratio of means."""
    assert round(141.31 / 430.88, 3) == 0.328
    assert round(141.31 / 430.88, 2) == 0.33  # equal at the published precision only
    # one 'worker' per sex carrying the sex's mean cost and earnings and its weighted persons:
    res = recruitment_cost_indicator([141.35, 141.27], [435.49, 424.60], [27919, 20510],
                                     by=pd.Series(["male", "female"], name="sex"))
    assert res.sum_weights == 48429
    assert round(res.ratio_of_means, 3) == round(141.31 / 430.88, 3) == 0.328
    # the published sex totals add up to the overall totals, whose means are the published means
    assert 3_946_239 + 2_897_401 == 6_843_640 and 27919 + 20510 == 48429
    assert 12_158_304 + 8_708_444 == 20_866_748
    # total / persons gives the published mean cost; for earnings it gives 430.87, one cent
    # below the printed 430.88 (the persons are printed rounded to whole persons)
    assert round(6_843_640 / 48429, 2) == 141.31
    assert abs(20_866_748 / 48429 - 430.88) <= 0.01
    # from the rounded sex means the overall means come back to within the rounding (0.01)
    assert abs((141.35 * 27919 + 141.27 * 20510) / 48429 - 141.31) <= 0.01
    assert abs((435.49 * 27919 + 424.60 * 20510) / 48429 - 430.88) <= 0.01
    assert round(6_843_640 / 20_866_748, 3) == 0.328
    table = res.to_frame().set_index("sex")
    assert table.loc["male", "mean_of_ratios"] == pytest.approx(141.35 / 435.49)
    # the male ratio of means (0.3246) rounds to the published male mean of ratios 0.32
    assert round(table.loc["male", "mean_of_ratios"], 2) == 0.32


def test_by_groups_hand_worked():
    sex = ["f", "m", "f", "m"]
    res = recruitment_cost_indicator(COSTS, EARNINGS, WEIGHTS, by=sex)
    table = res.to_frame()
    assert list(table["group"]) == ["all", "f", "m"]
    f = table.iloc[1]
    # f: A (w 2, r 0.5) and C (w 1, r 0.5): mean 0.5; ratio of means (200+300)/(400+600)
    assert f["mean_of_ratios"] == pytest.approx(0.5) and f["ratio_of_means"] == pytest.approx(0.5)
    m = table.iloc[2]
    # m: B (w 1, r 1.0) and D (w 4, r 0): mean 1/5; ratio of means 300/(300+1600)
    assert m["mean_of_ratios"] == pytest.approx(0.2)
    assert m["ratio_of_means"] == pytest.approx(300 / 1900)
    assert table.iloc[0]["mean_of_ratios"] == pytest.approx(0.3125)


def test_by_dataframe_gives_one_column_per_grouping():
    by = pd.DataFrame({"sex": ["f", "m", "f", "m"], "destination": ["THA"] * 4})
    table = recruitment_cost_indicator(COSTS, EARNINGS, by=by).to_frame()
    assert list(table.columns[:2]) == ["sex", "destination"]
    assert table.iloc[0][["sex", "destination"]].tolist() == ["all", "all"]
    assert len(table) == 3


def test_invalid_drop_counts_rows():
    costs = [100, np.nan, 300, 300, 0]
    earnings = [200, 250, 0, 600, 400]
    res = recruitment_cost_indicator(costs, earnings, invalid="drop")
    diag = res.diagnostics.set_index("check")
    assert diag.loc["dropped: cost missing", "value"] == 1
    assert diag.loc["dropped: earnings zero", "value"] == 1
    # left: A (0.5), C (0.5), D (0)
    assert res.n == 3 and res.estimate == pytest.approx(1 / 3)


@pytest.mark.parametrize("costs,earnings,weights,match", [
    ([100, -5], [200, 300], None, r"costs: row 1 is -5"),
    ([100, 5], [200, 0], None, r"earnings: row 1: earnings zero"),
    ([100, np.nan], [200, 300], None, r"costs: row 1: cost missing.*invalid='drop'"),
    ([100, 5], [200, np.nan], None, r"earnings missing"),
    ([100, 5], [200, -1], None, r"earnings: row 1 is -1"),
    ([100, np.inf], [200, 300], None, r"costs: row 1 is inf"),
    ([100, 5], [200, 300], [1, -1], r"weights: row 1"),
    ([100, 5], [200, 300], [0, 0], r"sum to 0"),
    ([100, 5, 3], [200, 300], None, r"earnings has 2 values but costs has 3"),
    ([100, 5], [200, 300], [1], r"weights has 1 values"),
    (["100", "USD 5"], [200, 300], None, r"'USD 5', which is not a number"),
])
def test_errors_name_the_row_and_the_fix(costs, earnings, weights, match):
    with pytest.raises(InputError, match=match):
        recruitment_cost_indicator(costs, earnings, weights)


def test_error_names_series_labels():
    costs = pd.Series([100, -5], index=["w01", "w02"])
    with pytest.raises(InputError, match=r"row 1 \(index 'w02'\)"):
        recruitment_cost_indicator(costs, [200, 300])


@pytest.mark.parametrize("kwargs", [dict(zero_costs="drop"), dict(invalid="ignore"),
                                    dict(ci_method="jackknife"), dict(ci=95),
                                    dict(ci_method="bootstrap", n_boot=10),
                                    dict(by=["a", None, "b", "b"])])
def test_bad_options(kwargs):
    with pytest.raises(InputError):
        recruitment_cost_indicator(COSTS, EARNINGS, **kwargs)


def test_all_rows_dropped():
    with pytest.raises(InputError, match="no worker is left"):
        recruitment_cost_indicator([0, 0], [100, 200], zero_costs="exclude")


def test_mixed_currencies_leave_the_ratio_of_means_undefined():
    res = recruitment_cost_indicator(COSTS, EARNINGS, currency=["USD", "USD", "THB", "THB"])
    assert res.estimate == pytest.approx(0.5)  # ratios are currency-free
    assert math.isnan(res.ratio_of_means)
    assert "several currencies" in res.message
    one = recruitment_cost_indicator(COSTS, EARNINGS, currency="USD")
    assert one.ratio_of_means == pytest.approx(7 / 15)


def test_cluster_of_one_worker_each_equals_no_cluster():
    a = recruitment_cost_indicator(COSTS, EARNINGS, WEIGHTS)
    b = recruitment_cost_indicator(COSTS, EARNINGS, WEIGHTS, cluster=["a", "b", "c", "d"])
    assert b.se == pytest.approx(a.se) and b.ratio_of_means_lower == pytest.approx(
        a.ratio_of_means_lower)


def test_cluster_hand_worked():
    # clusters {A, B} and {C, D}, unweighted: influence values (r - 0.5)/4 = 0, .125, 0, -.125;
    # cluster sums .125 and -.125; variance 2/1 * (2 * .125^2) = 0.0625, se 0.25
    res = recruitment_cost_indicator(COSTS, EARNINGS, cluster=[1, 1, 2, 2])
    assert res.se == pytest.approx(0.25)


def test_bootstrap_is_seeded_and_brackets_the_estimate():
    rng = np.random.default_rng(3)
    costs = rng.gamma(2.0, 100.0, size=40)  # simulated values
    earnings = rng.gamma(5.0, 80.0, size=40)
    a = recruitment_cost_indicator(costs, earnings, ci_method="bootstrap", n_boot=500, seed=1)
    b = recruitment_cost_indicator(costs, earnings, ci_method="bootstrap", n_boot=500, seed=1)
    assert a.lower == b.lower and a.upper == b.upper and a.iterations == 500
    assert a.lower < a.estimate < a.upper
    assert a.ratio_of_means_lower < a.ratio_of_means < a.ratio_of_means_upper
    lin = recruitment_cost_indicator(costs, earnings)
    assert a.se == pytest.approx(lin.se, rel=0.25)  # same order as the linearised SE


# ------------------------------------------------------------------ property tests

amounts = st.floats(min_value=1.0, max_value=1e5, allow_nan=False)
workers = st.lists(st.tuples(st.floats(min_value=0.0, max_value=1e5), amounts,
                             st.floats(min_value=0.1, max_value=1e4)), min_size=2, max_size=30)


@settings(max_examples=60, deadline=None)
@given(workers, st.floats(min_value=1e-3, max_value=1e3))
def test_scaling_weights_changes_nothing(rows, k):
    c, e, w = map(np.array, zip(*rows))
    a = recruitment_cost_indicator(c, e, w)
    b = recruitment_cost_indicator(c, e, k * w)
    assert b.estimate == pytest.approx(a.estimate, rel=1e-9, abs=1e-12)
    assert b.ratio_of_means == pytest.approx(a.ratio_of_means, rel=1e-9, abs=1e-12)
    assert b.se == pytest.approx(a.se, rel=1e-7, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(workers, st.floats(min_value=0.1, max_value=100))
def test_equal_weights_equal_unweighted(rows, k):
    c, e, _ = map(np.array, zip(*rows))
    a = recruitment_cost_indicator(c, e)
    b = recruitment_cost_indicator(c, e, np.full(c.size, k))
    assert b.estimate == pytest.approx(a.estimate, rel=1e-9, abs=1e-12)
    assert b.effective_n == pytest.approx(c.size)


@settings(max_examples=60, deadline=None)
@given(workers, amounts)
def test_equal_earnings_make_the_two_estimators_equal(rows, earning):
    c, _, w = map(np.array, zip(*rows))
    res = recruitment_cost_indicator(c, np.full(c.size, earning), w)
    assert res.ratio_of_means == pytest.approx(res.estimate, rel=1e-9, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(workers)
def test_estimate_lies_between_the_smallest_and_largest_ratio(rows):
    c, e, w = map(np.array, zip(*rows))
    res = recruitment_cost_indicator(c, e, w)
    r = c / e
    assert r.min() - 1e-12 <= res.estimate <= r.max() + 1e-12
    assert r.min() - 1e-12 <= res.ratio_of_means <= r.max() + 1e-12
    assert 0 <= res.lower <= res.upper


# ------------------------------------------------------------------ survey file


HEADER = "worker_id,origin,destination,sex,recruitment_cost,monthly_earnings,currency,weight\n"


def test_read_survey_file_and_compute(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text(HEADER + "A,LAO,THA,female,100,200,USD,2\n"  # made-up test values
                    "B,LAO,THA,male,300,300,USD,1\n"
                    "C,LAO,THA,female,300,600,USD,1\n"
                    "D,LAO,THA,male,0,400,USD,4\n", encoding="utf-8")
    survey = read_recruitment_survey(path)
    assert list(survey.columns) == list(RECRUITMENT_SURVEY_SCHEMA.column_names)
    assert survey["recruitment_cost"].dtype == np.float64
    res = recruitment_cost_indicator(survey["recruitment_cost"], survey["monthly_earnings"],
                                     survey["weight"], by=survey["sex"],
                                     currency=survey["currency"])
    assert res.estimate == pytest.approx(0.3125)
    assert res.to_frame().set_index("sex").loc["male", "mean_of_ratios"] == pytest.approx(0.2)


def test_read_survey_reports_every_problem(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "A,LAO,THA,female,-100,200,USD,2\n"  # made-up test values
                    "A,LAO,THA,woman,300,300,usd,1\n", encoding="utf-8")
    with pytest.raises(SchemaError) as info:
        read_recruitment_survey(path)
    found = {(p.line, p.column) for p in info.value.problems}
    assert {(2, "recruitment_cost"), (3, "sex"), (3, "currency")} <= found
    assert any("worker_id" in str(p.column) or "duplicate" in p.message
               for p in info.value.problems)


def test_read_survey_missing_file_and_columns(tmp_path):
    from mixedmig.errors import DataError
    with pytest.raises(DataError, match="file not found"):
        read_recruitment_survey(tmp_path / "nope.csv")
    with pytest.raises(SchemaError):
        read_recruitment_survey(pd.DataFrame({"worker_id": ["a"], "cost": ["1"]}))
