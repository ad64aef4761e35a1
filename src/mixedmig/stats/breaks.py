"""Breaks in a series: changes between consecutive observations too large to be believed.

Published series are revised, spliced and imputed; a figure that jumps between two
consecutive observations (a female share falling from 53% to 20% in five years, a stock
multiplied by a hundred) is more often a change of source or method than a change in the
population.  :func:`series_breaks` flags such jumps by a stated rule so that a notebook can
name them as probable data artefacts instead of reading them as facts.

Two rules are provided:

``"share_points"``
    the value is a proportion in [0, 1] (e.g. the female share of a stock); a break is an
    absolute change of more than ``threshold`` percentage points,
    ``|100 (p_t - p_s)| > threshold``.
``"log_ratio"``
    the value is a non-negative amount (a stock, a count); a break is a log-ratio of more than
    ``threshold`` in absolute value, ``|ln(x_t / x_s)| > threshold`` (``ln 2`` = a doubling or
    a halving).  A change from or to zero is an infinite log-ratio and is always flagged.

``s`` and ``t`` are consecutive *observed* times of one series (missing values are skipped).
With ``per_year=True`` the change is divided by the time elapsed ``t - s`` first, so that
periods of different length (2015-2020 and 2020-2024) are compared on one scale.

References
----------
Tørnqvist, L., Vartia, P. & Vartia, Y. O. (1985). How should relative changes be measured?
*The American Statistician* 39(1), 43-46 (the log-ratio as the symmetric measure of relative
change).

United Nations Department of Economic and Social Affairs, Population Division (2024).
*International Migrant Stock 2024: Documentation* (POP/DB/MIG/Stock/Rev.2024): estimates are
interpolated and imputed where the destination's sources are missing.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import pandas as pd

from ..checks import require_columns
from ..errors import InputError

__all__ = ["BREAK_RULES", "series_breaks"]

#: The rules :func:`series_breaks` knows, with the meaning of their threshold.
BREAK_RULES = {
    "share_points": "absolute change of a proportion, in percentage points",
    "log_ratio": "absolute natural log of the ratio of consecutive values",
}

_COLUMNS = ["time_from", "time_to", "value_from", "value_to", "change", "rule", "threshold",
            "description"]


def _as_list(by) -> list:
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def series_breaks(
    frame: pd.DataFrame,
    value: str,
    *,
    by=None,
    time: str = "year",
    rule: str = "log_ratio",
    threshold: float = math.log(2.0),
    per_year: bool = False,
    weight: str | None = None,
    min_weight: float = 0.0,
) -> pd.DataFrame:
    """Flag changes between consecutive observations of a series beyond a stated threshold.

    For each series (one value of the ``by`` columns), the rows are sorted by ``time``, rows
    with a missing ``value`` are dropped, and each pair of consecutive observations
    ``(s, x_s), (t, x_t)`` gets a change

    * ``rule="share_points"``: ``c = 100 (x_t - x_s)`` percentage points (``x`` in [0, 1]);
    * ``rule="log_ratio"``: ``c = ln(x_t / x_s)`` (``+inf`` or ``-inf`` when one end is 0;
      nothing when both are 0);

    divided by ``t - s`` when ``per_year`` is True.  The pair is a **break** when
    ``|c| > threshold``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Long table, at most one row per (``by``..., ``time``).
    value : str
        Column of the series' values: proportions in [0, 1] for ``"share_points"``,
        non-negative amounts for ``"log_ratio"`` (missing values are skipped).
    by : str or list of str, optional
        Columns identifying one series (e.g. ``["orig", "dest"]``); None = one series.
    time : str, default "year"
        Column of the observation times (numbers, e.g. years; no missing values).
    rule : {"log_ratio", "share_points"}, default "log_ratio"
        How a change is measured (see :data:`BREAK_RULES`).
    threshold : float, default ln 2
        A break is a change whose absolute value exceeds it (strictly): percentage points
        for ``"share_points"``, a log-ratio for ``"log_ratio"`` (default: more than a doubling
        or a halving); per unit of ``time`` when ``per_year`` is True.  Must be > 0.
    per_year : bool, default False
        Divide each change by the time between the two observations.
    weight : str, optional
        Column of a size that makes the value reliable (e.g. the total stock of which a female
        share is computed).  A pair is considered only when both observations have
        ``weight >= min_weight``: shares of a few people swing by chance.
    min_weight : float, default 0
        Smallest ``weight`` considered (ignored without ``weight``).

    Returns
    -------
    pandas.DataFrame
        One row per break, sorted by the ``by`` columns and ``time_from``: the ``by``
        columns, then ``time_from``, ``time_to``, ``value_from``, ``value_to``, ``change``
        (as defined above, signed), ``rule``, ``threshold`` and ``description`` (the rule
        that fired, in words, e.g. ``"share fell 32.8 points (> 15 points)"``).  Empty (with
        these columns) when nothing is flagged.

    Raises
    ------
    mixedmig.errors.InputError
        If a column is missing, ``rule`` is unknown, ``threshold`` is not a positive number,
        ``min_weight`` is negative, ``time`` has missing or non-numeric values, a series has
        two rows at one time, or the values break the rule's domain (a proportion outside
        [0, 1], a negative amount, a non-number or an infinity).

    Notes
    -----
    A break is a *signal to look*, not a proof of error: a genuine shock (a refugee exodus)
    also breaks a series.  Report the rule and threshold with the flags, and read the
    source's documentation on the flagged years.

    References
    ----------
    Tørnqvist, L., Vartia, P. & Vartia, Y. O. (1985). How should relative changes be measured?
    *The American Statistician* 39(1), 43-46.

    Examples
    --------
    Made-up shares (not real data): one series falls from 0.53 to 0.20 in five years.

    >>> import pandas as pd
    >>> from mixedmig.stats.breaks import series_breaks
    >>> shares = pd.DataFrame({"corridor": ["A"] * 3 + ["B"] * 3,
    ...                        "year": [2010, 2015, 2020] * 2,
    ...                        "female_share": [0.53, 0.53, 0.20, 0.40, 0.45, 0.47]})
    >>> flagged = series_breaks(shares, "female_share", by="corridor",
    ...                         rule="share_points", threshold=15)
    >>> flagged[["corridor", "time_from", "time_to", "change"]].round(1)
      corridor  time_from  time_to  change
    0        A       2015     2020   -33.0
    >>> flagged.loc[0, "description"]
    'share fell 33.0 points (> 15 points)'

    A stock multiplied by ten between two observations (log-ratio ln 10 = 2.30):

    >>> stock = pd.DataFrame({"year": [2000, 2005, 2010], "stock": [100, 120, 1200]})
    >>> series_breaks(stock, "stock", threshold=1.0)[["time_to", "change"]].round(2)
       time_to  change
    0     2010     2.3
    """
    what = "series_breaks"
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{what}: frame must be a pandas DataFrame, got {type(frame).__name__}.")
    keys = _as_list(by)
    columns = keys + [time, value] + ([weight] if weight is not None else [])
    require_columns(frame, columns, what)
    if rule not in BREAK_RULES:
        raise InputError(
            f"{what}: unknown rule {rule!r}; choose one of {', '.join(BREAK_RULES)}."
        )
    if (isinstance(threshold, bool) or not isinstance(threshold, numbers.Real)
            or not math.isfinite(threshold) or threshold <= 0):
        raise InputError(
            f"{what}: threshold must be a positive number ("
            f"{'percentage points, e.g. 15' if rule == 'share_points' else 'a log-ratio, e.g. 0.693 for a doubling'}"
            f"), got {threshold!r}."
        )
    if (isinstance(min_weight, bool) or not isinstance(min_weight, numbers.Real)
            or not math.isfinite(min_weight) or min_weight < 0):
        raise InputError(f"{what}: min_weight must be a number >= 0, got {min_weight!r}.")

    data = frame[columns].copy()
    times = pd.to_numeric(data[time], errors="coerce")
    if times.isna().any():
        bad = data.loc[times.isna(), time].iloc[0]
        raise InputError(
            f"{what}: column '{time}' must hold numbers (e.g. years) without missing values; "
            f"found {bad!r} in row {data.index[times.isna()][0]!r}."
        )
    values = pd.to_numeric(data[value], errors="coerce")
    not_number = values.isna() & data[value].notna()
    if not_number.any():
        row = data.index[not_number][0]
        raise InputError(
            f"{what}: column '{value}' must hold numbers; row {row!r} holds "
            f"{data.loc[row, value]!r}."
        )
    values = values.astype("float64")
    finite = values.dropna()
    if not np.isfinite(finite).all():
        row = finite.index[~np.isfinite(finite)][0]
        raise InputError(f"{what}: column '{value}' holds an infinity in row {row!r}.")
    if rule == "share_points":
        outside = finite[(finite < 0) | (finite > 1)]
        if len(outside):
            raise InputError(
                f"{what}: rule 'share_points' needs proportions in [0, 1] in column "
                f"'{value}'; row {outside.index[0]!r} holds {outside.iloc[0]!r} (divide "
                "percentages by 100)."
            )
    elif (finite < 0).any():
        row = finite.index[finite < 0][0]
        raise InputError(
            f"{what}: rule 'log_ratio' needs non-negative amounts in column '{value}'; row "
            f"{row!r} holds {finite.loc[row]!r}."
        )
    data["_time"] = times.astype("float64")
    data["_value"] = values
    if data.duplicated(keys + ["_time"]).any():
        dup = data.loc[data.duplicated(keys + ["_time"], keep=False), keys + [time]]
        raise InputError(
            f"{what}: more than one row per ({', '.join(keys + [time])}), e.g. "
            f"{dup.iloc[0].to_dict()}; aggregate or filter the table first."
        )
    data = data[data["_value"].notna()]
    if weight is not None:
        w = pd.to_numeric(data[weight], errors="coerce").astype("float64")
        data = data.assign(_ok=w.fillna(-np.inf) >= float(min_weight))
    else:
        data = data.assign(_ok=True)
    data = data.sort_values(keys + ["_time"], kind="mergesort")

    if keys:
        grouped = data.groupby(keys, sort=False, dropna=False)
        prev_value = grouped["_value"].shift(1)
        prev_time = grouped["_time"].shift(1)
        prev_raw_time = grouped[time].shift(1)
        prev_ok = grouped["_ok"].shift(1)
    else:
        prev_value = data["_value"].shift(1)
        prev_time = data["_time"].shift(1)
        prev_raw_time = data[time].shift(1)
        prev_ok = data["_ok"].shift(1)
    pairs = data.assign(_prev_value=prev_value, _prev_time=prev_time,
                        _prev_raw_time=prev_raw_time, _prev_ok=prev_ok)
    pairs = pairs[pairs["_prev_time"].notna()]
    pairs = pairs[pairs["_ok"] & pairs["_prev_ok"].astype(bool)]

    a = pairs["_prev_value"].to_numpy(dtype="float64")
    b = pairs["_value"].to_numpy(dtype="float64")
    if rule == "share_points":
        change = 100.0 * (b - a)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            change = np.log(b) - np.log(a)
        change[(a == 0) & (b == 0)] = 0.0
    if per_year:
        elapsed = (pairs["_time"] - pairs["_prev_time"]).to_numpy(dtype="float64")
        change = change / elapsed
    flagged = np.abs(change) > float(threshold)
    out = pairs.loc[flagged, keys].copy()
    out["time_from"] = pairs.loc[flagged, "_prev_raw_time"].to_numpy()
    out["time_to"] = pairs.loc[flagged, time].to_numpy()
    out["value_from"] = a[flagged]
    out["value_to"] = b[flagged]
    out["change"] = change[flagged]
    out["rule"] = rule
    out["threshold"] = float(threshold)
    out["description"] = [_describe(rule, c, float(threshold), per_year)
                          for c in change[flagged]]
    out["time_from"] = out["time_from"].astype(frame[time].dtype)
    out["time_to"] = out["time_to"].astype(frame[time].dtype)
    out["rule"] = out["rule"].astype(object)
    out["description"] = out["description"].astype(object)
    return out[keys + _COLUMNS].reset_index(drop=True)


def _describe(rule: str, change: float, threshold: float, per_year: bool) -> str:
    """The rule that fired, in words."""
    unit = " a year" if per_year else ""
    if rule == "share_points":
        verb = "rose" if change > 0 else "fell"
        return (f"share {verb} {abs(change):.1f} points{unit} "
                f"(> {threshold:.3g} points{unit})")
    if math.isinf(change):
        return "rose from zero" if change > 0 else "fell to zero"
    factor = math.exp(abs(change)) if abs(change) < 700 else math.inf
    verb = "multiplied" if change > 0 else "divided"
    return (f"{verb} by {factor:.1f}{unit} (|log-ratio| {abs(change):.2f} > "
            f"{threshold:.3g}{unit})")
