"""Model frames for migration gravity models, built from the gravity pairs table.

:func:`model_frame` turns the table of :func:`mixedmig.data.gravity_pairs` (UN DESA bilateral
migrant stocks with CEPII distances, contiguity and common language, and World Bank population
and GDP per capita) into the regressors of a gravity model; :func:`corridor_counts` counts the
corridors by status in the source.  This module does not read files: pass it the table.

References
----------
Santos Silva, J. M. C. & Tenreyro, S. (2006). The log of gravity. *Review of Economics and
Statistics* 88(4): 641-658.
Beine, M., Bertoli, S. & Fernandez-Huertas Moraga, J. (2016). A practitioners' guide to gravity
models of international migration. *The World Economy* 39(4): 496-512.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..checks import require_columns
from ..errors import DataError, InputError

#: What a pair absent from the source means: ``"zero"`` (no migrants recorded, kept as 0) or
#: ``"missing"`` (unknown, left out of every fit).
UNLISTED_CHOICES: tuple[str, ...] = ("zero", "missing")


#: Status of a corridor in the source, in display order.
STATUSES: tuple[str, ...] = ("positive", "listed zero", "unlisted")


_REQUIRED = ("year", "orig", "dest", "stock", "stock_listed", "contig")


_COUNTRY_COLUMNS = ("pop_orig", "pop_dest", "gdppc_orig", "gdppc_dest")


def model_frame(pairs: pd.DataFrame, *, years: Sequence[int] | int | None = None,
                unlisted: str = "zero", distance: str = "distw",
                language: str = "comlang_ethno") -> pd.DataFrame:
    """Regressors of a migration gravity model, one row per (year, origin, destination).

    Parameters
    ----------
    pairs : pandas.DataFrame
        The table of :func:`mixedmig.data.gravity_pairs`: columns ``year, orig, dest, stock,
        stock_listed, contig``, the ``distance`` and ``language`` columns and, optionally,
        ``pop_orig, pop_dest, gdppc_orig, gdppc_dest``.  ``orig`` is the country of birth,
        ``dest`` the country of residence; ``stock`` counts persons.
    years : int or sequence of int, optional
        Keep only these years (each must be in the table); ``None`` keeps all.
    unlisted : {"zero", "missing"}, default "zero"
        What a pair absent from the source means (:data:`UNLISTED_CHOICES`): no migrants
        recorded (kept as 0), or unknown (``stock`` set to NaN, so the fits drop the row with
        reason "missing value in 'stock'").
    distance : str, default "distw"
        Distance column (km, positive), e.g. CEPII's population-weighted ``distw``.
    language : str, default "comlang_ethno"
        0/1 common-language column.

    Returns
    -------
    pandas.DataFrame
        A copy of the selected rows, sorted by year, origin, destination, with a fresh index
        and these columns added or replaced: ``stock_status`` (``"positive"``, ``"listed
        zero"`` or ``"unlisted"``, see :data:`STATUSES`; a listed pair with no value is
        ``"listed, no value"`` and keeps NaN), ``stock`` (float), ``log_dist``, ``contig``
        (float), ``comlang`` (float), ``log_pop_orig``, ``log_pop_dest``, ``log_gdppc_orig``,
        ``log_gdppc_dest`` (where the inputs are present; NaN stays NaN) and
        ``log_income_ratio``.

    Raises
    ------
    SchemaError
        A required column is missing.
    DataError
        A distance, population or GDP per capita is not positive.
    InputError
        ``pairs`` is not a DataFrame, ``unlisted`` is unknown or a year is not in the table.

    Notes
    -----
    ``log_dist = ln(distance)`` and ``log_income_ratio = ln(gdppc_dest / gdppc_orig) =
    log_gdppc_dest - log_gdppc_orig``.

    Examples
    --------
    Two made-up pairs, one unlisted in the source:

    >>> import pandas as pd
    >>> toy = pd.DataFrame({"year": [2020, 2020], "orig": ["AAA", "BBB"],
    ...                     "dest": ["BBB", "AAA"], "stock": [150.0, 0.0],
    ...                     "stock_listed": [True, False], "contig": [1, 1],
    ...                     "distw": [100.0, 100.0], "comlang_ethno": [0, 0]})
    >>> frame = model_frame(toy, unlisted="missing")
    >>> frame["stock_status"].tolist(), frame["stock"].tolist()
    (['positive', 'unlisted'], [150.0, nan])
    >>> round(float(frame.loc[0, "log_dist"]), 4)
    4.6052
    """
    if not isinstance(pairs, pd.DataFrame):
        raise InputError(f"pairs must be a pandas DataFrame, got {type(pairs).__name__}")
    if unlisted not in UNLISTED_CHOICES:
        raise InputError(f"unlisted={unlisted!r} is not one of {UNLISTED_CHOICES}: say whether "
                         "a pair the source does not list counts as a zero or as missing")
    require_columns(pairs, list(dict.fromkeys((*_REQUIRED, distance, language))),
                    "pairs table (build it with mixedmig.data.gravity_pairs())")
    frame = pairs
    if years is not None:
        wanted = [int(years)] if np.isscalar(years) else [int(y) for y in years]
        available = sorted(int(y) for y in pairs["year"].dropna().unique())
        absent = [y for y in wanted if y not in available]
        if absent:
            raise InputError(f"year(s) {absent} are not in the pairs table; available: "
                             f"{available}")
        frame = pairs[pairs["year"].isin(wanted)]
    out = frame.copy()

    listed = out["stock_listed"].astype(bool).to_numpy()
    stock = out["stock"].to_numpy(dtype=float, na_value=np.nan)
    status = np.where(~listed, "unlisted", np.where(stock > 0, "positive", "listed zero"))
    status = np.where(listed & np.isnan(stock), "listed, no value", status)
    out["stock_status"] = pd.Series(status, index=out.index, dtype="str")
    if unlisted == "missing":
        stock = np.where(listed, stock, np.nan)
    out["stock"] = stock

    out["log_dist"] = _log_positive(out, distance)
    out["contig"] = out["contig"].to_numpy(dtype=float, na_value=np.nan)
    out["comlang"] = out[language].to_numpy(dtype=float, na_value=np.nan)
    for column in _COUNTRY_COLUMNS:
        if column in out.columns:
            out[f"log_{column}"] = _log_positive(out, column)
    if {"gdppc_orig", "gdppc_dest"}.issubset(out.columns):
        out["log_income_ratio"] = out["log_gdppc_dest"] - out["log_gdppc_orig"]
    return out.sort_values(["year", "orig", "dest"]).reset_index(drop=True)


def _log_positive(frame: pd.DataFrame, column: str) -> np.ndarray:
    """Natural log of a column that must be positive where present (NaN stays NaN)."""
    values = frame[column].to_numpy(dtype=float, na_value=np.nan)
    bad = values <= 0
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"{int(bad.sum())} value(s) are not positive (first at row label "
            f"{frame.index[first]!r}: {values[first]!r}); a logarithm needs positive values - "
            "fix the input or set the value to missing",
            column=column,
        )
    return np.log(values)


def corridor_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Number of corridors by year and status in the source.

    Parameters
    ----------
    frame : pandas.DataFrame
        A :func:`model_frame` result (needs ``year`` and ``stock_status``).

    Returns
    -------
    pandas.DataFrame
        Of int64, indexed by year; one column per status of :data:`STATUSES` (then any other
        status found, sorted) and ``total``.

    Raises
    ------
    SchemaError
        ``frame`` is not a DataFrame, or ``year`` or ``stock_status`` is missing.

    Examples
    --------
    >>> import pandas as pd
    >>> toy = pd.DataFrame({"year": [2020, 2020, 2020],
    ...                     "stock_status": ["positive", "positive", "unlisted"]})
    >>> corridor_counts(toy).loc[2020].to_dict()
    {'positive': 2, 'listed zero': 0, 'unlisted': 1, 'total': 3}
    """
    require_columns(frame, ("year", "stock_status"), "model frame (build it with model_frame())")
    table = pd.crosstab(frame["year"], frame["stock_status"])
    columns = list(STATUSES) + sorted(set(table.columns) - set(STATUSES))
    table = table.reindex(columns=columns, fill_value=0)
    table["total"] = table.sum(axis=1)
    table.columns.name = None
    return table.astype("int64")
