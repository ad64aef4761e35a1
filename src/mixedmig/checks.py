"""Input checks shared by every room of the package: the one column check, the one count check
and the one label order.

They sit at the bottom of the dependency order (beside :mod:`mixedmig.errors`), so the data layer,
the methods and plotting all use the same wording and the same order: a missing column, a
non-count cell or a sorted set of labels reads the same wherever it occurs.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from .errors import DataError, SchemaError

__all__ = ["label_sort_key", "require_columns", "require_counts", "sorted_labels"]


def require_columns(frame, columns, what: str = "table") -> None:
    """Check that ``frame`` is a DataFrame holding every column in ``columns``.

    The one column check of the package: data loaders, methods and plotting functions all call
    it, so a missing column reads the same everywhere.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table to check.
    columns : iterable of str
        Column names that must be present.
    what : str, default "table"
        How the message names the table (e.g. ``"flow table"``, ``"events"``).

    Returns
    -------
    None
        Returns only when every column is present.

    Raises
    ------
    mixedmig.errors.SchemaError
        If ``frame`` is not a DataFrame, or lacks a column (``column`` names the first missing one).

    Examples
    --------
    >>> import pandas as pd
    >>> require_columns(pd.DataFrame({"orig": [], "dest": []}), ["orig", "dest"], "flow table")
    >>> require_columns(pd.DataFrame({"orig": []}), ["orig", "dest"], "flow table")
    Traceback (most recent call last):
    ...
    mixedmig.errors.SchemaError: column 'dest': the flow table has no column(s) ['dest']; its columns are ['orig']. Rename the columns or pass their names as arguments.
    """
    if not isinstance(frame, pd.DataFrame):
        raise SchemaError(f"expected a pandas DataFrame as the {what}, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SchemaError(
            f"the {what} has no column(s) {missing}; its columns are {list(frame.columns)}. "
            "Rename the columns or pass their names as arguments.",
            column=missing[0],
        )


def label_sort_key(label):
    """Sort key for row and column labels: real numbers by value first, then the rest by text.

    The one label order of the package (matrices, graphs' nodes, tables): ISO3 codes sort
    alphabetically, years numerically, and a mix never raises.

    Parameters
    ----------
    label : object
        A label (country code, year, actor id, ...).

    Returns
    -------
    tuple
        ``(0, value, "")`` for real numbers (not bools), ``(1, 0.0, str(label))`` otherwise.

    Examples
    --------
    >>> sorted(["THA", 2020, "KHM", 1990.5], key=label_sort_key)
    [1990.5, 2020, 'KHM', 'THA']
    """
    if isinstance(label, numbers.Real) and not isinstance(label, bool):
        return (0, float(label), "")
    return (1, 0.0, str(label))


def sorted_labels(values) -> list:
    """The distinct values of ``values`` in :func:`label_sort_key` order.

    Parameters
    ----------
    values : iterable
        Labels, possibly repeated.

    Returns
    -------
    list
        Each distinct label once, sorted.

    Examples
    --------
    >>> sorted_labels(["VNM", "KHM", "VNM", "LAO"])
    ['KHM', 'LAO', 'VNM']
    """
    return sorted(dict.fromkeys(values), key=label_sort_key)


def require_counts(frame, columns, what: str = "table") -> np.ndarray:
    """The named columns of ``frame`` as whole, non-negative counts.

    The one count check of the package (statistics on tables of counts, disclosure control).

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.
    columns : sequence of str
        Count columns to read.
    what : str, default "table"
        How the message names the table.

    Returns
    -------
    numpy.ndarray of float, shape (len(frame), len(columns))
        The counts, in the order of ``columns``.

    Raises
    ------
    mixedmig.errors.SchemaError
        If a column is missing or not numeric.
    mixedmig.errors.DataError
        If a value is missing, infinite, negative or not whole (``column`` names it and the
        message gives the row label).

    Examples
    --------
    >>> import pandas as pd
    >>> require_counts(pd.DataFrame({"k": [3, 0], "n": [10, 4]}), ["k", "n"]).tolist()
    [[3.0, 10.0], [0.0, 4.0]]
    >>> require_counts(pd.DataFrame({"k": [3, -1]}), ["k"])
    Traceback (most recent call last):
    ...
    mixedmig.errors.DataError: column 'k': row 1: -1 is not a whole non-negative count (missing values are not allowed)
    """
    columns = list(columns)
    require_columns(frame, columns, what)
    for column in columns:
        series = frame[column]
        if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            raise SchemaError(
                f"column {column!r} must hold counts (numbers), but its dtype is {series.dtype}",
                column=column,
            )
    values = frame[columns].to_numpy(dtype=float, na_value=np.nan).reshape(len(frame), len(columns))
    bad = ~np.isfinite(values) | (values != np.floor(values)) | (values < 0)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        value = frame[columns[j]].iloc[i]
        value = value.item() if isinstance(value, np.generic) else value
        raise DataError(
            f"row {frame.index[i]!r}: {value!r} is not a whole non-negative count "
            f"(missing values are not allowed)",
            column=columns[j],
        )
    return values
