"""Input checks shared by the drawing functions of :mod:`mixedmig.plotting` (private).

The one numeric check (:func:`_numeric`) every drawing function uses (columns are checked
with :func:`mixedmig.checks.require_columns`, the package's one column check), raising :class:`mixedmig.errors.InputError` with the column and
row at fault.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError


def _numeric(series: pd.Series, what: str, *, allow_missing: bool,
             allow_negative: bool = False) -> pd.Series:
    try:
        values = pd.to_numeric(series, errors="raise").astype(float)
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"{what}: column '{series.name}' must hold numbers ({exc})."
        ) from None
    if not allow_missing and values.isna().any():
        first = values.index[values.isna()][0]
        raise InputError(
            f"{what}: column '{series.name}' has a missing value (row {first!r}). "
            "Drop the row or fill it (e.g. with 0 for a pair with no reported flow)."
        )
    finite = values.dropna()
    bad_values = np.isinf(finite) if allow_negative else np.isinf(finite) | (finite < 0)
    if bad_values.any():
        bad = finite[bad_values].index[0]
        kind = "finite" if allow_negative else "finite and non-negative"
        raise InputError(
            f"{what}: column '{series.name}' must be {kind}; row {bad!r} holds {values[bad]}."
        )
    return values
