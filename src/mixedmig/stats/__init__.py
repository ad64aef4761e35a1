"""Proportions with confidence intervals, a check of computed figures against published
ones, and tests for contingency tables.

Survey indicators: SDG indicator 10.7.1, the recruitment cost paid by migrant workers as a
proportion of their monthly earnings in the destination (:mod:`mixedmig.stats.recruitment`).

Everything else here works on counts: ``k`` events among ``n`` people (or cases).  Estimates are
frozen ``...Result`` dataclasses following the result protocol of :mod:`mixedmig.results`
(``message``, ``diagnostics``, ``to_frame()``); tables are pandas DataFrames.

References
----------
Wilson EB (1927). Probable inference, the law of succession, and statistical inference.
    *Journal of the American Statistical Association* 22: 209-212.
Clopper CJ, Pearson ES (1934). The use of confidence or fiducial limits illustrated in the
    case of the binomial. *Biometrika* 26: 404-413.
Newcombe RG (1998). Interval estimation for the difference between independent
    proportions: comparison of eleven methods. *Statistics in Medicine* 17: 873-890.
Rothman KJ, Greenland S, Lash TL (2008). *Modern Epidemiology*, 3rd ed., ch. 14.
    Lippincott Williams & Wilkins.
Cochran WG (1954). Some methods for strengthening the common chi-square tests.
    *Biometrics* 10: 417-451.
Katz D, Baptista J, Azen SP, Pike MC (1978). Obtaining confidence intervals for the risk
    ratio in cohort studies. *Biometrics* 34: 469-474.
Brown LD, Cai TT, DasGupta A (2001). Interval estimation for a binomial proportion.
    *Statistical Science* 16: 101-133.
"""

from __future__ import annotations

from .breaks import BREAK_RULES, series_breaks
from .outliers import IMPLAUSIBILITY_RULES, ImplausibleStocksResult, implausible_stocks
from .contingency import (
    ChiSquareResult,
    DifferenceResult,
    FisherExactResult,
    RatioResult,
    chi_square_test,
    fisher_exact_test,
    rate_ratio,
    risk_difference,
)
from .proportions import ProportionCIResult, proportion_ci, proportion_ci_table
from .recruitment import (
    RECRUITMENT_SURVEY_SCHEMA,
    RecruitmentCostResult,
    read_recruitment_survey,
    recruitment_cost_indicator,
)
from .published import (
    ImpliedSampleSizeResult,
    compare_to_published,
    consistent_counts,
    implied_sample_size,
)

__all__ = [
    "IMPLAUSIBILITY_RULES",
    "ImplausibleStocksResult",
    "implausible_stocks",
    "BREAK_RULES",
    "series_breaks",
    "ChiSquareResult",
    "DifferenceResult",
    "FisherExactResult",
    "ImpliedSampleSizeResult",
    "ProportionCIResult",
    "RECRUITMENT_SURVEY_SCHEMA",
    "RatioResult",
    "RecruitmentCostResult",
    "chi_square_test",
    "compare_to_published",
    "consistent_counts",
    "fisher_exact_test",
    "implied_sample_size",
    "proportion_ci",
    "proportion_ci_table",
    "rate_ratio",
    "read_recruitment_survey",
    "recruitment_cost_indicator",
    "risk_difference",
]
