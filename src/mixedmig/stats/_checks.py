"""Input checks shared by the statistics functions (private): levels, methods, counts."""

from __future__ import annotations

import math
import numbers

import numpy as np
import pandas as pd

from ..checks import require_counts
from ..errors import InputError

PROPORTION_METHODS = ("wilson", "normal", "exact")



def _scipy_stats():
    """scipy.stats, imported on first use (it takes about half a second to import)."""
    from scipy import stats

    return stats

def _check_level(level) -> float:
    """A confidence level strictly between 0 and 1, as a float."""
    if isinstance(level, bool) or not isinstance(level, numbers.Real):
        raise InputError(f"level must be a number between 0 and 1 (e.g. 0.95), got {level!r}")
    level = float(level)
    if not (0.0 < level < 1.0):
        raise InputError(
            f"level must lie strictly between 0 and 1 (e.g. 0.95 for a 95% interval), got {level}"
        )
    return level


def _check_method(method, allowed=PROPORTION_METHODS) -> str:
    """``method`` if it is one of ``allowed``."""
    if method not in allowed:
        raise InputError(f"unknown method {method!r}; choose one of {', '.join(allowed)}")
    return method


def _critical_value(level: float) -> float:
    """Two-sided standard-normal quantile z with P(|Z| > z) = 1 - level."""
    return float(_scipy_stats().norm.isf((1.0 - level) / 2.0))


def _as_count(value, name: str) -> int:
    """An integer-valued, non-negative count as a Python int (481.0 is accepted as 481)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(f"{name} must be a whole number, got {value!r}")
    if not math.isfinite(value) or value != math.floor(value):
        raise InputError(f"{name} must be a whole number, got {value!r}")
    if value < 0:
        raise InputError(f"{name} must not be negative, got {value!r}")
    return int(value)


def _check_k_n(k, n, k_name: str = "k", n_name: str = "n") -> tuple[int, int]:
    """Counts ``0 <= k <= n`` with ``n >= 1``, as Python ints."""
    k = _as_count(k, k_name)
    n = _as_count(n, n_name)
    if n == 0:
        raise InputError(f"{n_name} must be at least 1: a proportion of zero people is undefined")
    if k > n:
        raise InputError(
            f"{k_name}={k} is larger than {n_name}={n}; a count of events cannot exceed "
            f"the number of people it is counted among (are k and n swapped?)"
        )
    return k, n


def _count_column(df: pd.DataFrame, column: str) -> np.ndarray:
    """A column of whole non-negative counts as floats (see mixedmig.checks.require_counts)."""
    return require_counts(df, [column], "table of counts")[:, 0]
