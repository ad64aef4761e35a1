"""Proportions with confidence intervals, a check of computed figures against published
ones, and tests for contingency tables.

Everything here works on counts: ``k`` events among ``n`` people (or cases).  Results are
frozen dataclasses so they can be logged and compared; tables are pandas DataFrames.

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
"""

from __future__ import annotations

from .contingency import (
    ChiSquareResult,
    chi_square_test,
    FisherExactResult,
    fisher_exact_test,
    RatioResult,
    rate_ratio,
    DifferenceResult,
    risk_difference,
)
from .proportions import ProportionCI, proportion_ci, proportion_ci_table
from .published import (
    compare_to_published,
    consistent_counts,
    ImpliedSampleSize,
    implied_sample_size,
)

__all__ = [
    "ChiSquareResult",
    "chi_square_test",
    "FisherExactResult",
    "fisher_exact_test",
    "RatioResult",
    "rate_ratio",
    "DifferenceResult",
    "risk_difference",
    "ProportionCI",
    "proportion_ci",
    "proportion_ci_table",
    "compare_to_published",
    "consistent_counts",
    "ImpliedSampleSize",
    "implied_sample_size",
]
