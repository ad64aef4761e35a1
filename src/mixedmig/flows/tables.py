"""Origin-destination (OD) tables: tidy long format <-> square labelled matrices, and stock tables.

:func:`to_matrix` pivots a tidy ``(orig, dest, value)`` table into a square matrix (rows =
origin, columns = destination, the same labels in the same order on both axes); :func:`to_long`
unpivots it; :func:`stock_table` builds a birthplace (rows) x residence (columns) stock table
from bilateral foreign-born stocks and resident populations.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..checks import require_columns
from ..checks import sorted_labels as _sorted_labels
from ..errors import DataError, SchemaError

__all__ = ["check_od_matrix", "stock_table", "to_long", "to_matrix"]


def check_od_matrix(matrix, what: str = "matrix", labels=None) -> pd.DataFrame:
    """Check a square labelled origin x destination matrix and put its axes in one order.

    The package's one check of OD (and stock) matrices: :mod:`mixedmig.flows` and
    :mod:`mixedmig.indices` both call it, so the same bad matrix raises the same error
    everywhere.

    Parameters
    ----------
    matrix : pandas.DataFrame or numpy.ndarray, shape (n, n)
        Rows = origin (or place of birth), columns = destination (or residence).  A 2-D numpy
        array gets the positional labels ``0 .. n-1`` on both axes.
    what : str, default "matrix"
        How messages name the matrix (e.g. ``"stock_start"``).
    labels : sequence, optional
        Labels the matrix must hold on both axes, in this order (e.g. those of a companion
        table); default the matrix's own row labels.

    Returns
    -------
    pandas.DataFrame
        The matrix with rows and columns in the same order: the order of ``labels`` when
        given, else the row order.  Values are not checked (callers check counts).

    Raises
    ------
    SchemaError
        Not a DataFrame or 2-D array, not square, a duplicated label, rows and columns (or
        ``labels``) naming different regions, or a non-numeric column.

    Notes
    -----
    Label ORDER is not an error: the labels name the regions, so columns listed in another
    order than the rows (or axes in another order than ``labels``) are reordered, never
    matched by position.  Label SETS that differ are rejected, naming what is missing on
    each side.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame([[0, 5], [2, 0]], index=["A", "B"], columns=["B", "A"])  # made up
    >>> check_od_matrix(m)
       A  B
    A  5  0
    B  0  2
    """
    if isinstance(matrix, np.ndarray) and matrix.ndim == 2:
        matrix = pd.DataFrame(matrix)
    if not isinstance(matrix, pd.DataFrame):
        raise SchemaError(f"{what} must be a square pandas DataFrame (rows = origins, columns "
                          f"= destinations), got {type(matrix).__name__}.")
    if matrix.shape[0] != matrix.shape[1]:
        raise SchemaError(f"{what} must be square, got {matrix.shape[0]} rows x "
                          f"{matrix.shape[1]} columns; reshape a long table with "
                          f"mixedmig.flows.to_matrix first.")
    rows, cols = matrix.index, matrix.columns
    for axis, index in (("row", rows), ("column", cols)):
        if not index.is_unique:
            dup = index[index.duplicated()][0]
            raise SchemaError(f"{what} has the {axis} label {dup!r} more than once; each region "
                              f"must appear exactly once on each axis.")
    if set(rows) != set(cols):
        raise SchemaError(
            f"{what} rows and columns must hold the same regions; only in rows: "
            f"{sorted(map(str, set(rows) - set(cols)))[:5]}, only in columns: "
            f"{sorted(map(str, set(cols) - set(rows)))[:5]}.")
    order = list(rows) if labels is None else list(labels)
    if labels is not None and (len(order) != len(rows) or set(order) != set(rows)):
        raise SchemaError(
            f"{what} must hold the regions {order[:5]}{' ...' if len(order) > 5 else ''}; "
            f"missing: {sorted(map(str, set(order) - set(rows)))[:5]}, extra: "
            f"{sorted(map(str, set(rows) - set(order)))[:5]}.")
    if list(cols) != order or list(rows) != order:
        matrix = matrix.loc[order, order]
    for label, dtype in zip(matrix.columns, matrix.dtypes):
        if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
            raise SchemaError(f"{what} column {label!r} holds non-numeric values (dtype "
                              f"{dtype}); convert with pandas.to_numeric.", column=label)
    return matrix


def to_matrix(long_df: pd.DataFrame, orig: str = "orig", dest: str = "dest",
              value: str = "value", labels=None, fill=0) -> pd.DataFrame:
    """Pivot a tidy ``(orig, dest, value)`` table into a square origin x destination matrix.

    Parameters
    ----------
    long_df : pandas.DataFrame
        One row per origin-destination pair.
    orig, dest, value : str, default "orig", "dest", "value"
        Names of the origin, destination and value columns.
    labels : sequence, optional
        Label order of both axes; default the sorted union of origins and destinations.
    fill : float, default 0
        Value of the pairs absent from the table.

    Returns
    -------
    pandas.DataFrame
        Square matrix, rows = origin (index named ``orig``), columns = destination (named
        ``dest``), the same labels in the same order on both axes.

    Raises
    ------
    SchemaError
        Not a DataFrame, or a missing column (:func:`mixedmig.checks.require_columns`).
    DataError
        A missing or non-numeric value, a pair that occurs twice, duplicated ``labels`` or a
        label outside ``labels``.

    Examples
    --------
    >>> import pandas as pd
    >>> long = pd.DataFrame({"orig": ["A", "B"], "dest": ["B", "C"], "value": [5, 7]})
    >>> to_matrix(long)
    dest    A    B    C
    orig               
    A     0.0  5.0  0.0
    B     0.0  0.0  7.0
    C     0.0  0.0  0.0
    """
    require_columns(long_df, (orig, dest, value),
                    "OD table (orig=, dest=, value= name its columns)")
    o = long_df[orig].to_numpy(dtype=object)
    d = long_df[dest].to_numpy(dtype=object)
    v = pd.to_numeric(long_df[value], errors="coerce").to_numpy(dtype=float)
    for col, arr in ((orig, pd.isna(o)), (dest, pd.isna(d)), (value, np.isnan(v))):
        if arr.any():
            row = int(np.flatnonzero(arr)[0])
            raise DataError(
                f"missing or non-numeric value in column '{col}' at row {row} "
                f"(0-based position); fill or drop it before building a matrix.",
                column=col,
            )
    pairs = pd.DataFrame({"o": o, "d": d})
    dup = pairs.duplicated(keep=False).to_numpy()
    if dup.any():
        first = int(np.flatnonzero(dup)[0])
        raise DataError(
            f"the pair ({o[first]!r} -> {d[first]!r}) occurs more than once "
            f"({int(((o == o[first]) & (d == d[first])).sum())} rows); aggregate duplicates "
            f"(e.g. groupby([{orig!r}, {dest!r}]).sum()) before building a matrix.",
            column=value,
        )
    if labels is None:
        labels = _sorted_labels(list(o) + list(d))
    else:
        labels = list(labels)
        if len(set(labels)) != len(labels):
            raise DataError("labels contain duplicates; each region must appear once.")
        known = set(labels)
        unknown = [x for x in dict.fromkeys(list(o) + list(d)) if x not in known]
        if unknown:
            raise DataError(
                f"labels {unknown[:5]} occur in the table but not in `labels`; add them or "
                f"drop those rows."
            )
    position = {lab: k for k, lab in enumerate(labels)}
    n = len(labels)
    mat = np.full((n, n), fill, dtype=float)
    if len(v):
        mat[[position[x] for x in o], [position[x] for x in d]] = v
    return pd.DataFrame(mat, index=pd.Index(labels, name=orig, dtype=object),
                        columns=pd.Index(labels, name=dest, dtype=object))


def to_long(matrix_df: pd.DataFrame, orig: str = "orig", dest: str = "dest",
            value: str = "value", drop_diagonal: bool = False) -> pd.DataFrame:
    """Unpivot a square labelled origin x destination matrix into a tidy table.

    Parameters
    ----------
    matrix_df : pandas.DataFrame
        Square matrix, rows = origin, columns = destination, the same labels in the same order
        on both axes.
    orig, dest, value : str, default "orig", "dest", "value"
        Names of the output columns.
    drop_diagonal : bool, default False
        Leave out the pairs of a region with itself.

    Returns
    -------
    pandas.DataFrame
        Columns ``orig``, ``dest``, ``value``, rows in matrix order (origin-major).

    Raises
    ------
    SchemaError
        Not a square DataFrame, or rows and columns naming different regions (see
        :func:`check_od_matrix`; columns in another order than the rows are reordered).

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame([[0, 5], [2, 0]], index=["A", "B"], columns=["A", "B"])
    >>> to_long(m, drop_diagonal=True)
      orig dest  value
    0    A    B    5.0
    1    B    A    2.0
    """
    mat = check_od_matrix(matrix_df, "matrix")
    labels = np.asarray(mat.index, dtype=object)
    n = len(labels)
    out = pd.DataFrame({
        orig: np.repeat(labels, n),
        dest: np.tile(labels, n),
        value: mat.to_numpy(dtype=float).reshape(-1),
    })
    if drop_diagonal:
        keep = ~np.eye(n, dtype=bool).reshape(-1)
        out = out.loc[keep].reset_index(drop=True)
    return out


def stock_table(bilateral: pd.DataFrame, population: pd.Series, *, orig: str = "orig",
                dest: str = "dest", value: str = "stock",
                labels: Sequence | None = None, unlisted: float = 0.0) -> pd.DataFrame:
    """Birthplace (rows) x residence (columns) stock table of a closed set of economies.

    Parameters
    ----------
    bilateral : pandas.DataFrame
        One year's foreign-born stocks, one row per listed (birthplace, residence) pair.
    population : pandas.Series
        Resident population of each economy, indexed by economy.
    orig, dest, value : str, default "orig", "dest", "stock"
        Names of the birthplace, residence and stock columns of ``bilateral``.
    labels : sequence, optional
        Economies of the table, in order; default the sorted index of ``population``.
    unlisted : float, default 0.0
        Stock of a pair that ``bilateral`` does not list (an assumption; 0 = "no migrants
        reported").

    Returns
    -------
    pandas.DataFrame
        Rows = place of birth (index ``birthplace``), columns = place of residence
        (``residence``); each column sums to the economy's population.

    Raises
    ------
    SchemaError
        ``bilateral`` not a DataFrame or without a named column; ``population`` not a Series.
    DataError
        A self-pair in ``bilateral``, a pair outside ``labels``, a missing population, a
        negative ``unlisted``, or a population smaller than its listed foreign-born.

    Notes
    -----
    The native-born diagonal is ``S[j, j] = population[j] - sum_{i != j} S[i, j]``: every
    resident not born in one of the other economies of the table (so people born outside the
    table are counted as native-born).

    Examples
    --------
    >>> import pandas as pd
    >>> bilateral = pd.DataFrame({"orig": ["A"], "dest": ["B"], "stock": [4.0]})  # made up
    >>> stock_table(bilateral, pd.Series({"A": 10.0, "B": 20.0}))
    residence     A     B
    birthplace           
    A          10.0   4.0
    B           0.0  16.0
    """
    if not isinstance(population, pd.Series):
        raise SchemaError(f"population must be a pandas Series indexed by economy, got "
                          f"{type(population).__name__}.")
    if population.index.has_duplicates:
        raise DataError("population lists an economy twice; give one population per economy.")
    labels = _sorted_labels(population.index) if labels is None else list(labels)
    missing = [lab for lab in labels if lab not in population.index]
    if missing:
        raise DataError(f"population has no value for {missing}; every economy of the table "
                        f"needs its resident population.")
    require_columns(bilateral, (orig, dest, value),
                    "bilateral stock table (orig=, dest=, value= name its columns)")
    self_pairs = bilateral[orig].to_numpy(dtype=object) == bilateral[dest].to_numpy(dtype=object)
    if self_pairs.any():
        row = int(np.flatnonzero(self_pairs)[0])
        raise DataError(f"bilateral row {row} pairs {bilateral[orig].iloc[row]!r} with itself; "
                        f"the native-born diagonal is derived from population, so drop "
                        f"self-pairs first.", row=row, column=orig)
    if not np.isfinite(unlisted) or unlisted < 0:
        raise DataError(f"unlisted must be a stock >= 0, got {unlisted!r}.")
    table = to_matrix(bilateral, orig=orig, dest=dest, value=value, labels=labels,
                      fill=float(unlisted))
    residents = pd.to_numeric(population.loc[labels], errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(residents).all():
        raise DataError("population is missing or non-numeric for "
                        f"{[lab for lab, p in zip(labels, residents) if not np.isfinite(p)]}.")
    values = table.to_numpy(copy=True)
    diagonal = np.arange(len(labels))
    values[diagonal, diagonal] = 0.0
    foreign_born = values.sum(axis=0)
    native = residents - foreign_born
    if (native < 0).any():
        j = int(np.flatnonzero(native < 0)[0])
        raise DataError(f"the listed foreign-born in {labels[j]!r} ({foreign_born[j]:.0f}) exceed "
                        f"its population ({residents[j]:.0f}); check that stocks and population "
                        f"refer to the same year and units.")
    values[diagonal, diagonal] = native
    return pd.DataFrame(values, index=pd.Index(labels, name="birthplace", dtype=object),
                        columns=pd.Index(labels, name="residence", dtype=object))
