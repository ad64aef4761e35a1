"""Tests of mixedmig.stats.recruitment: SDG indicator 10.7.1 (recruitment cost / monthly earnings).

Published figures used here: Habiyakare, T. & Zhong, K. (2019). Measuring recruitment costs of
migrant workers through household surveys: results of a pilot test from Lao PDR Labour Force
Survey 2017. ISI World Statistics Congress 2019, CPS2476, Table 1 (p. 418): return migrant
workers with non-zero costs and earnings, n = 254 (48,429 persons weighted); mean cost USD
141.31 (male 141.35, 27,919 persons; female 141.27, 20,510 persons); mean monthly earnings
abroad USD 430.88 (male 435.49, female 424.60); mean of the individual cost/earnings ratios
0.33 months (male 0.32); totals USD 6,843,640 cost and 20,866,748 earnings. The Lao tests read
these from data/raw/recruitment_costs_gms.csv, not from literals.

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
from pathlib import Path

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
RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


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


def _lao_2017() -> pd.DataFrame:
    """Table 1 of Habiyakare & Zhong (2019) as curated in data/raw (one row per measure, sex)."""
    table = pd.read_csv(RAW / "recruitment_costs_gms.csv")
    return table[table["origin"] == "LAO"].set_index(["measure", "sex"])


def test_lao_2017_ratio_of_means_from_published_totals():
    """The function's ratio of means on the published totals of Table 1 is 0.328: not the
    published indicator (a mean of individual ratios, 0.33), which only microdata can give."""
    lao = _lao_2017()
    cost = lao.loc["recruitment_cost_mean", "published_total"]
    earn = lao.loc["monthly_earnings_abroad_mean", "published_total"]
    # one pseudo-unit per sex carrying the sex's published total cost and total earnings
    res = recruitment_cost_indicator(
        [cost["male"], cost["female"]], [earn["male"], earn["female"]],
        by=pd.Series(["male", "female"], name="sex"))
    # sum C / sum E over the sexes = overall total cost / overall total earnings
    assert res.ratio_of_means == pytest.approx(cost["total"] / earn["total"], rel=1e-12)
    assert round(res.ratio_of_means, 3) == 0.328
    # the unweighted mean of the two sex ratios is another number (0.329): the estimators differ
    assert round(res.estimate, 3) == 0.329
    by_sex = res.to_frame().set_index("sex")
    assert by_sex.loc["male", "ratio_of_means"] == pytest.approx(cost["male"] / earn["male"])
    # the published indicator is not the ratio of the published means; they agree only to
    # the two decimals printed (the microdata are not public, so no closer check is possible)
    published_rci = lao.loc[("recruitment_cost_indicator_mean", "total"), "value"]
    assert res.ratio_of_means != published_rci
    assert round(res.ratio_of_means, 2) == published_rci


def test_lao_2017_published_means_from_totals_and_persons():
    """Published total / weighted persons reproduces the published means (within the rounding
    of the printed figures), computed through the function's ratio of means."""
    lao = _lao_2017()
    for measure in ("recruitment_cost_mean", "monthly_earnings_abroad_mean"):
        rows = lao.loc[measure]
        res = recruitment_cost_indicator(
            rows.loc[["male", "female"], "published_total"].to_numpy(),
            rows.loc[["male", "female"], "weighted_persons"].to_numpy())
        # earnings: 20,866,748 / 48,429 = 430.873, a cent below the printed 430.88
        assert abs(res.ratio_of_means - rows.loc["total", "value"]) <= 0.01
        # the sex means weighted by persons give the overall mean back, to the same rounding
        weighted = recruitment_cost_indicator(
            rows.loc[["male", "female"], "value"].to_numpy(), [1.0, 1.0],
            rows.loc[["male", "female"], "weighted_persons"].to_numpy())
        assert weighted.sum_weights == rows.loc["total", "weighted_persons"]
        assert abs(weighted.estimate - rows.loc["total", "value"]) <= 0.01


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


def test_bootstrap_with_one_cluster_gives_no_interval():
    # one cluster: nothing to resample between, so no interval (as with linearisation)
    res = recruitment_cost_indicator(COSTS, EARNINGS, cluster=[1, 1, 1, 1],
                                     ci_method="bootstrap", seed=1, n_boot=200)
    assert math.isnan(res.se) and math.isnan(res.lower) and math.isnan(res.upper)
    assert math.isnan(res.ratio_of_means_lower) and math.isnan(res.ratio_of_means_upper)
    lin = recruitment_cost_indicator(COSTS, EARNINGS, cluster=[1, 1, 1, 1])
    assert math.isnan(lin.se)
    # two groups of one cluster each: no interval in either group; the overall row has two
    table = recruitment_cost_indicator(COSTS, EARNINGS, by=["a", "a", "b", "b"],
                                       cluster=[1, 1, 2, 2], ci_method="bootstrap", seed=1,
                                       n_boot=200).to_frame().set_index("group")
    for group in ("a", "b"):
        assert table.loc[group, ["se", "lower", "upper"]].isna().all()
    assert table.loc["all", "lower"] < table.loc["all", "upper"]
    # one worker (no cluster) in a group: no interval either
    one = recruitment_cost_indicator(COSTS, EARNINGS, by=["a", "b", "b", "b"],
                                     ci_method="bootstrap", seed=1, n_boot=200).to_frame()
    assert one.set_index("group").loc["a", ["se", "lower", "upper"]].isna().all()


def test_zero_weight_workers_are_not_counted():
    # weights 1, 1, 1, 0: the same as the three first workers alone (ratios 0.5, 1, 0.5)
    res = recruitment_cost_indicator(COSTS, EARNINGS, [1, 1, 1, 0])
    three = recruitment_cost_indicator(COSTS[:3], EARNINGS[:3])
    assert res.n == 3
    assert res.estimate == pytest.approx(2 / 3)
    # textbook s / sqrt(n) with n = 3: s^2 = (2 * (1/6)^2 + (1/3)^2) / 2 = 1/12, se = 1/6
    assert res.se == pytest.approx(1 / 6) == three.se
    row = res.to_frame().iloc[0]
    assert row["n"] == 3 and row["n_zero_cost"] == 0  # D (cost 0) has weight 0
    assert row["min_ratio"] == 0.5 and row["max_ratio"] == 1.0
    diag = res.diagnostics.set_index("check")
    assert diag.loc["rows with zero weight (not used)", "value"] == 1
    assert diag.loc["workers used", "value"] == 3
    assert "1 left out" in res.message


def test_group_of_zero_weights_only_is_an_error():
    with pytest.raises(InputError, match=r"group 'b'.*sum to 0"):
        recruitment_cost_indicator(COSTS, EARNINGS, [1, 1, 0, 0], by=["a", "a", "b", "b"])


def test_group_called_all_is_rejected():
    with pytest.raises(InputError, match=r"'all'.*row for all workers"):
        recruitment_cost_indicator(COSTS, EARNINGS, by=["all", "b", "all", "b"])
    by = pd.DataFrame({"sex": ["f", "m", "f", "m"], "destination": ["THA", "all", "THA", "all"]})
    with pytest.raises(InputError, match=r"column 'destination'"):
        recruitment_cost_indicator(COSTS, EARNINGS, by=by)


def test_missing_currency_on_a_dropped_row_is_not_an_error():
    # the row without currency is also the row without a cost: invalid='drop' removes it
    res = recruitment_cost_indicator([100, np.nan, 300], [200, 300, 600], invalid="drop",
                                     currency=["USD", None, "USD"])
    assert res.n == 2 and res.ratio_of_means == pytest.approx(400 / 800)
    # a kept row without currency is still an error naming it
    with pytest.raises(InputError, match=r"currency: row 1 is missing"):
        recruitment_cost_indicator([100, 200, 300], [200, 300, 600], invalid="drop",
                                   currency=["USD", None, "USD"])


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
    tol = 1e-12 * max(1.0, r.max())  # rounding of sums of up to 30 terms, relative
    assert r.min() - tol <= res.estimate <= r.max() + tol
    assert r.min() - tol <= res.ratio_of_means <= r.max() + tol
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
