"""Small-cell suppression for count tables derived from person- or case-level data.

A table of counts of people (victims identified, cases referred, ...) can identify
someone when a cell is small.  :func:`suppress_small_cells` hides such cells (primary
suppression) and enough other cells (secondary, or complementary, suppression) that no
hidden cell can be worked out exactly from what is published, including the row and
column totals.  The threshold and the counts of suppressed cells go into a ``provenance``
dict to be recorded in output manifests; :class:`SuppressionResult` follows the result
protocol of :mod:`mixedmig.results`.

Protection model.  The reader is assumed to know every published cell, every published
total and that counts are non-negative.  For every hidden cell the set of values
consistent with that knowledge is an interval; it is found by linear programming (minimise
and maximise the cell subject to the published totals, cells >= 0) and the tables here
guarantee that every hidden cell's interval has positive width.  Because the constraint
matrix of a two-way table is totally unimodular, the interval end points are whole
numbers, so "positive width" means at least two integer values are possible.  This is the
feasibility-interval audit of secondary cell suppression (Cox 1980; Hundepool et al.
2012); the simpler rule "at least two
hidden cells in every line with a published total" is necessary but not sufficient in a
two-way table (a hidden cell that bridges two otherwise separate groups of hidden cells
can be recovered), which is why the audit is run.

References
----------
Cox LH (1980). Suppression methodology and statistical disclosure control.
    *Journal of the American Statistical Association* 75: 377-385.
Hundepool A, Domingo-Ferrer J, Franconi L, Giessing S, Schulte Nordholt E, Spicer K,
    de Wolf P-P (2012). *Statistical Disclosure Control*. Wiley (tabular data: secondary
    cell suppression and feasibility intervals).
"""

from __future__ import annotations

import heapq
import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from .data.schema import require_columns, require_counts
from .errors import DataError, InfeasibleError, InputError
from .results import Result, diagnostics_frame

__all__ = ["SuppressionResult", "disclosure_intervals", "suppress_small_cells"]

METHOD_DESCRIPTION = (
    "cell suppression: primary = counts with 0 < count < k{zeros}; secondary = complementary "
    "cells of smallest total count ({rule}), then a linear-programming audit adding cells "
    "until every hidden cell has a feasible interval of positive width given the published "
    "cells and totals (Cox 1980)"
)



# --------------------------------------------------------------------------------------
# result
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SuppressionResult(Result):
    """A count table after small-cell suppression (see :func:`suppress_small_cells`).

    Parameters
    ----------
    table : pandas.DataFrame
        What may be published: the input with its count columns as nullable integers
        (``Int64``) and hidden cells set to the marker (``<NA>`` by default), plus a
        total column / total row (labelled ``margins_name``) when requested.
    primary : pandas.DataFrame of bool
        Mask over the count cells (input rows x count columns): cells hidden because they
        are small.
    secondary : pandas.DataFrame of bool
        Mask over the count cells: cells hidden to protect the primary ones.
    threshold : int
        k: counts 0 < count < k are primary-suppressed.
    provenance : dict
        ``suppression_threshold``, ``method``, ``n_primary``, ``n_secondary`` and the
        options used; plain Python types, ready for a YAML/JSON manifest.
    row_totals : bool
        Whether row totals are published (a ``margins_name`` column).
    col_totals : bool
        Whether column totals are published (a ``margins_name`` row).
    suppress_zeros : bool
        Whether zero counts were treated as primary.
    margins_name : str
        Label of the total row and column.
    converged, iterations, message, diagnostics
        The result protocol (:class:`mixedmig.results.Result`).  ``converged`` is True
        (the function raises when no protection exists); ``iterations`` is 0.
        ``diagnostics`` (columns ``check``, ``value``, ``note``) lists what a publisher
        should know, one row each: ``row_total_below_k`` / ``column_total_below_k``
        (value = the published total) and ``complement_published`` (a complementary cell
        that the totals alone determine, so it is published; value = ``(row, column)``).
    """

    table: pd.DataFrame
    primary: pd.DataFrame
    secondary: pd.DataFrame
    threshold: int
    provenance: dict
    row_totals: bool
    col_totals: bool
    suppress_zeros: bool
    margins_name: str

    @property
    def suppressed(self) -> pd.DataFrame:
        """Mask of every hidden count cell (primary or secondary), rows x count columns."""
        return self.primary | self.secondary

    def to_frame(self) -> pd.DataFrame:
        """The publishable table (hidden cells hold the marker).

        Returns
        -------
        pandas.DataFrame
            A copy of ``table``.
        """
        return self.table.copy()

    def as_published(self, primary_marker: str | None = None, secondary_marker: str = "[c]") -> pd.DataFrame:
        """The table as strings for display, with markers in the hidden cells.

        Parameters
        ----------
        primary_marker : str, optional
            Shown in primary cells; default ``"<k"`` (e.g. ``"<5"``).
        secondary_marker : str
            Shown in secondary cells; default ``"[c]"``.

        Returns
        -------
        pandas.DataFrame
            All cells as strings: counts as integers, missing values as ``""``.

        Notes
        -----
        Secondary cells are not small, so they get their own marker by default rather than
        a false ``"<k"``.  Distinct markers tell a reader that a ``"<k"`` cell lies in
        1..k-1 (0..k-1 with ``suppress_zeros``); the protection guarantee (module
        docstring) assumes only non-negativity.  To show one marker for every hidden cell
        pass the same string twice, e.g. ``as_published("[c]", "[c]")``.

        Examples
        --------
        >>> counts = pd.DataFrame({"a": [3, 20]}, index=["x", "y"])  # made-up counts
        >>> suppress_small_cells(counts, 5, row_totals=False).as_published()
                a
        x      <5
        y     [c]
        Total  23
        """
        primary_marker = f"<{self.threshold}" if primary_marker is None else str(primary_marker)
        data_rows = list(self.primary.index)
        count_columns = list(self.primary.columns)
        out = pd.DataFrame(index=self.table.index, columns=self.table.columns, dtype=object)
        for column in self.table.columns:
            for label in self.table.index:
                value = self.table.at[label, column]
                is_count = column in count_columns and label in data_rows
                if is_count and self.primary.at[label, column]:
                    out.at[label, column] = primary_marker
                elif is_count and self.secondary.at[label, column]:
                    out.at[label, column] = secondary_marker
                elif value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
                    out.at[label, column] = ""
                elif isinstance(value, numbers.Integral):
                    out.at[label, column] = str(int(value))
                else:
                    out.at[label, column] = str(value)
        return out.astype(str)


# --------------------------------------------------------------------------------------
# linear-programming audit
# --------------------------------------------------------------------------------------


def _interval_system(published: np.ndarray, row_totals: np.ndarray | None, col_totals: np.ndarray | None):
    """Equality system A x = b over the hidden cells (NaN in ``published``)."""
    hidden = np.argwhere(np.isnan(published))
    variable = {tuple(cell): v for v, cell in enumerate(hidden)}
    equations, rhs = [], []
    for axis, totals in ((1, row_totals), (0, col_totals)):
        if totals is None:
            continue
        for line in range(published.shape[1 - axis]):
            values = published[line, :] if axis == 1 else published[:, line]
            members = np.flatnonzero(np.isnan(values))
            if members.size == 0:
                continue
            coefficients = np.zeros(len(hidden))
            for m in members:
                coefficients[variable[(line, m) if axis == 1 else (m, line)]] = 1.0
            equations.append(coefficients)
            rhs.append(float(totals[line]) - float(np.nansum(values)))
    if equations:
        return hidden, np.vstack(equations), np.asarray(rhs)
    return hidden, None, None


def _optimise(variable: int, n_variables: int, a_eq, b_eq, maximise: bool) -> float:
    if a_eq is None:
        return np.inf if maximise else 0.0
    objective = np.zeros(n_variables)
    objective[variable] = -1.0 if maximise else 1.0
    result = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    if result.status == 3:  # unbounded
        return np.inf if maximise else -np.inf
    if result.status != 0:
        raise DataError(
            f"the published cells and totals are inconsistent (linear program: {result.message}); "
            f"check that the totals are the sums of the cells"
        )
    return float(-result.fun if maximise else result.fun)


def _exposed_cells(values: np.ndarray, hidden_mask: np.ndarray, row_totals: bool, col_totals: bool,
                   only=None) -> list[tuple[int, int]]:
    """Hidden cells whose value is fixed by the published cells and totals (interval of
    zero width). ``only`` restricts the check to one cell. Uses the true values: a cell is
    not exposed as soon as the LP can move it away from its true value."""
    published = np.where(hidden_mask, np.nan, values.astype(float))
    hidden, a_eq, b_eq = _interval_system(
        published,
        values.sum(axis=1) if row_totals else None,
        values.sum(axis=0) if col_totals else None,
    )
    exposed = []
    for v, (i, j) in enumerate(hidden):
        if only is not None and (i, j) != only:
            continue
        truth = values[i, j]
        if _optimise(v, len(hidden), a_eq, b_eq, maximise=True) > truth + 0.5:
            continue
        if _optimise(v, len(hidden), a_eq, b_eq, maximise=False) < truth - 0.5:
            continue
        exposed.append((int(i), int(j)))
    return exposed


# --------------------------------------------------------------------------------------
# secondary suppression
# --------------------------------------------------------------------------------------


def _closure(values, hidden, eligible, row_totals, col_totals) -> np.ndarray:
    """Add complementary cells until no line with a published total holds exactly one
    hidden cell. In such a line the complement is the eligible cell with the smallest
    positive count (zeros last: a hidden zero protects in one direction only), preferring,
    among equal counts, a cell whose crossing line already holds a hidden cell (no new
    cascade). Lines without an eligible cell are left for the audit to report."""
    hidden = hidden.copy()
    n_rows, n_cols = values.shape
    while True:
        changed = False
        for axis, published in ((1, row_totals), (0, col_totals)):
            if not published:
                continue
            for line in range(n_rows if axis == 1 else n_cols):
                line_hidden = hidden[line, :] if axis == 1 else hidden[:, line]
                if line_hidden.sum() != 1:
                    continue
                best, best_key = None, None
                for m in range(n_cols if axis == 1 else n_rows):
                    cell = (line, m) if axis == 1 else (m, line)
                    if hidden[cell] or not eligible[cell]:
                        continue
                    crossing_published = col_totals if axis == 1 else row_totals
                    crossing = hidden[:, m] if axis == 1 else hidden[m, :]
                    key = (values[cell] == 0, values[cell],
                           bool(crossing_published and not crossing.any()), m)
                    if best_key is None or key < best_key:
                        best, best_key = cell, key
                if best is not None:
                    hidden[best] = True
                    changed = True
        if not changed:
            return hidden


def _cheapest_cycle(values, hidden, eligible, cell) -> list[tuple[int, int]]:
    """Cells to hide so that ``cell`` lies on a cycle of hidden cells (alternating between
    its row and its column through other rows and columns), at the smallest total count.

    Dijkstra's shortest path from the cell's row to its column in the bipartite graph of
    rows and columns, where a cell is an edge costing 0 if already hidden, its count if
    positive, and more than the whole table if zero (a hidden zero can only move one way).
    Moving +t, -t alternately round such a cycle keeps every published total, so each
    cell on a cycle of positive counts has a feasible interval of positive width.
    Returns [] when no such cycle exists (then the audit reports the cell)."""
    n_rows, n_cols = values.shape
    zero_cost = float(values.sum()) + 1.0
    start, goal = cell[0], n_rows + cell[1]  # row nodes 0..R-1, column nodes R..R+C-1
    distance = {start: 0.0}
    previous: dict[int, int] = {}
    heap = [(0.0, start)]
    done = set()
    while heap:
        d, node = heapq.heappop(heap)
        if node in done:
            continue
        done.add(node)
        if node == goal:
            break
        if node < n_rows:
            neighbours = [(n_rows + j, (node, j)) for j in range(n_cols)]
        else:
            neighbours = [(i, (i, node - n_rows)) for i in range(n_rows)]
        for target, edge in neighbours:
            if edge == tuple(cell) or not (hidden[edge] or eligible[edge]):
                continue
            cost = 0.0 if hidden[edge] else (float(values[edge]) if values[edge] > 0 else zero_cost)
            if d + cost < distance.get(target, np.inf):
                distance[target] = d + cost
                previous[target] = node
                heapq.heappush(heap, (d + cost, target))
    if goal not in done:
        return []
    path, node = [], goal
    while node != start:
        before = previous[node]
        edge = (before, node - n_rows) if before < n_rows else (node, before - n_rows)
        if not hidden[edge]:
            path.append(edge)
        node = before
    return path


def _complete(values, hidden, eligible, row_totals, col_totals, cells) -> np.ndarray:
    """Give each of ``cells`` complementary suppressions: a cheapest cycle when both
    totals are published, otherwise the line rule (:func:`_closure`)."""
    hidden = hidden.copy()
    if row_totals and col_totals:
        for cell in cells:
            for edge in _cheapest_cycle(values, hidden, eligible, cell):
                hidden[edge] = True
        return hidden
    return _closure(values, hidden, eligible, row_totals, col_totals)


def _protect(values, hidden, eligible, cell, row_totals, col_totals):
    """Smallest-first search for extra complements that give ``cell`` a positive-width
    interval: single cells first (each with its own complements), then cumulatively.
    Returns the new mask, or None when even hiding every eligible cell does not help."""
    candidates = [tuple(int(x) for x in c) for c in np.argwhere(eligible & ~hidden)]
    candidates.sort(key=lambda c: (c[0] != cell[0] and c[1] != cell[1], values[c] == 0, values[c], c))
    for candidate in candidates:
        trial = hidden.copy()
        trial[candidate] = True
        trial = _complete(values, trial, eligible, row_totals, col_totals, [candidate])
        if not _exposed_cells(values, trial, row_totals, col_totals, only=cell):
            return trial
    trial = hidden.copy()
    for candidate in candidates:
        trial[candidate] = True
        if not _exposed_cells(values, trial, row_totals, col_totals, only=cell):
            return trial
    return None


def _secondary(values, primary, row_totals, col_totals, audit, row_labels, col_labels, notes):
    eligible = ~primary
    if not (row_totals or col_totals):
        return primary.copy()
    if not audit:
        hidden = _closure(values, primary, eligible, row_totals, col_totals)
        for axis, published in ((1, row_totals), (0, col_totals)):
            counts = hidden.sum(axis=axis)
            if published and (counts == 1).any():
                line = int(np.flatnonzero(counts == 1)[0])
                what = "row" if axis == 1 else "column"
                label = row_labels[line] if axis == 1 else col_labels[line]
                raise InfeasibleError(
                    f"{what} {label!r} has a single hidden cell and no other cell to hide with it, "
                    f"so its published total reveals it; publish without that total or merge categories"
                )
        return hidden
    primary_cells = [tuple(int(x) for x in c) for c in np.argwhere(primary)]
    hidden = _complete(values, primary, eligible, row_totals, col_totals, primary_cells)
    while True:
        exposed = _exposed_cells(values, hidden, row_totals, col_totals)
        if not exposed:
            return hidden
        cell = exposed[0]
        everything = np.ones_like(hidden)
        if not _exposed_cells(values, everything, row_totals, col_totals, only=cell):
            protected = _protect(values, hidden, eligible, cell, row_totals, col_totals)
            if protected is not None:
                hidden = protected
                continue
        label = f"(row {row_labels[cell[0]]!r}, column {col_labels[cell[1]]!r})"
        if primary[cell]:
            raise InfeasibleError(
                f"cell {label} = {values[cell]} cannot be protected: the published totals determine "
                f"it even when every other cell is hidden (typically the rest of its row or column "
                f"is zero). Publish without those totals (row_totals=False / col_totals=False), "
                f"merge categories, or suppress the totals before publishing"
            )
        # a complementary cell that the totals alone determine gives no protection: publish it
        hidden[cell] = False
        eligible[cell] = False
        notes.append(("complement_published", (row_labels[cell[0]], col_labels[cell[1]]),
                      f"cell {label} is determined by the published totals, so it is published"))
        still_hidden = [tuple(int(x) for x in c) for c in np.argwhere(hidden)]
        hidden = _complete(values, hidden, eligible, row_totals, col_totals, still_hidden)


# --------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------


def _count_values(df: pd.DataFrame, columns: list) -> np.ndarray:
    return require_counts(df, columns, "table of counts").astype(np.int64)


def _check_margin(given, computed, labels, where: str, says: str, fix: str, column=None) -> None:
    """DataError at the first line whose given total differs from the sum of its cells."""
    if not np.array_equal(given, computed):
        i = int(np.flatnonzero(given != computed)[0])
        raise DataError(
            f"{where} {labels[i]!r}: the {says} says {given[i]} but the cells add up to "
            f"{computed[i]}; fix the table or drop its {fix}",
            column=column if column is not None else labels[i],
        )


def _strip_margins(df: pd.DataFrame, value_columns: list, margins_name: str) -> pd.DataFrame:
    """Drop a total row / column already in the input after checking it adds up."""
    if margins_name in value_columns:
        inner = [c for c in value_columns if c != margins_name]
        rows = [r for r in df.index if r != margins_name]
        _check_margin(_count_values(df.loc[rows], [margins_name])[:, 0],
                      _count_values(df.loc[rows], inner).sum(axis=1), rows, "row",
                      f"{margins_name!r} column", "total column", column=margins_name)
        df = df.drop(columns=margins_name)
        value_columns = inner
    if margins_name in df.index:
        rows = [r for r in df.index if r != margins_name]
        _check_margin(_count_values(df.loc[[margins_name]], value_columns)[0],
                      _count_values(df.loc[rows], value_columns).sum(axis=0), value_columns,
                      "column", f"{margins_name!r} row", "total row")
    df = df.drop(index=margins_name) if margins_name in df.index else df
    return df


def suppress_small_cells(
    df: pd.DataFrame,
    k: int,
    *,
    value_columns=None,
    row_totals: bool = True,
    col_totals: bool = True,
    marker=pd.NA,
    suppress_zeros: bool = False,
    margins_name: str = "Total",
    audit: bool = True,
) -> SuppressionResult:
    """Hide counts below ``k`` and enough other counts that none can be recovered.

    Primary suppression hides the small cells; secondary (complementary) suppression hides
    enough other cells that no hidden cell can be worked out exactly from the published
    cells and totals; a linear-programming audit checks it (Cox 1980; Hundepool et al. 2012).

    Parameters
    ----------
    df : DataFrame
        Counts, rows x columns (e.g. country of origin x year). Row labels are the index.
        Columns not in ``value_columns`` (e.g. a name column) are carried along untouched.
        A row or column labelled ``margins_name`` is taken as totals: it is checked to add
        up, dropped, and recomputed as asked by ``row_totals`` / ``col_totals``.
    k : int
        Threshold: cells with ``0 < count < k`` are suppressed (primary suppression).
    value_columns : list, optional
        The count columns; default all columns.
    row_totals, col_totals : bool
        Whether row totals (a ``margins_name`` column) and column totals (a ``margins_name``
        row; with both, also the grand total) are published. Secondary suppression protects
        against them. Totals are never suppressed; a total below k is reported in
        ``diagnostics``.
    marker : scalar
        Value put in hidden cells of ``table``; with the default ``pd.NA`` the count columns
        are nullable integers (``Int64``), otherwise ``object``.
    suppress_zeros : bool
        Also treat zero counts as primary. Default False: a zero is usually not disclosive
        (it says nobody has the attribute) and hiding zeros costs information.
    audit : bool
        Run the linear-programming audit and add complements until every hidden cell has a
        positive-width feasible interval (default). With False only the line rule "two or
        more hidden cells in every line with a published total" is applied, which can leave
        cells recoverable in a two-way table; use False only to reproduce that rule.
    margins_name : str
        Label of the total row and column, in the input and in the output (default
        ``"Total"``).

    Returns
    -------
    SuppressionResult
        ``table`` (also ``to_frame()``), the ``primary`` and ``secondary`` masks,
        ``threshold``, ``provenance`` (for manifests), the options used and ``diagnostics``
        (published totals below k, complements published because the totals determine
        them); ``as_published()`` gives the display table.

    Raises
    ------
    InputError
        Bad arguments: not a DataFrame, ``k`` not a whole number >= 1, duplicate labels,
        unknown ``value_columns`` or no count cells.
    DataError
        A bad table (naming the row and column): non-numeric, non-integer, negative or
        missing counts, or a total row / column in the input that does not add up.
    InfeasibleError
        A small cell cannot be protected because the published totals determine it
        whatever else is hidden (e.g. the rest of its row is zero); with ``audit=False``,
        a line with a published total holds one hidden cell and nothing else to hide.

    Notes
    -----
    Primary cells: ``0 < x_ij < k`` (``0 <= x_ij < k`` with ``suppress_zeros``).  A reader
    who knows the published cells, the totals and ``x >= 0`` can bound each hidden cell by
    ``min / max x_ij subject to sum_j x_ij = R_i, sum_i x_ij = C_j, x >= 0``; the result
    guarantees ``max - min >= 1`` for every hidden cell (the constraint matrix of a two-way
    table is totally unimodular, so the bounds are whole numbers).

    Secondary suppression (``audit=True``). With both totals published, each primary cell
    is put on a cycle of hidden cells (its row, another column, another row, ..., its
    column) of smallest total count, found as a shortest path (positive counts cost their
    value, hidden cells nothing, zeros are a last resort); moving +t/-t round a cycle keeps
    every total, so no cell on it can be pinned down. With only row (or only column) totals
    a line holding one hidden cell gets its smallest positive eligible cell hidden too.
    Then the audit (module docstring) checks every hidden cell and, while one is still
    determined, hides further cells (its own row and column first, smallest count first).
    A complementary cell that the totals alone determine is published instead.

    References
    ----------
    Cox, L. H. (1980). Suppression methodology and statistical disclosure control.
    *Journal of the American Statistical Association* 75, 377-385.
    Hundepool, A., Domingo-Ferrer, J., Franconi, L., Giessing, S., Schulte Nordholt, E.,
    Spicer, K. & de Wolf, P.-P. (2012). *Statistical Disclosure Control*. Wiley (tabular
    data: secondary cell suppression and feasibility intervals).

    Examples
    --------
    Lao PDR victims identified in 2021 (US TIP Report 2022: 30 adult women, 62 girls,
    5 adult men, 13 boys):

    >>> counts = pd.DataFrame({"adult": [30, 5], "child": [62, 13]}, index=["female", "male"])
    >>> result = suppress_small_cells(counts, 10)
    >>> result.as_published()
           adult child Total
    female   [c]   [c]    92
    male     <10   [c]    18
    Total     35    75   110
    >>> result.provenance["n_primary"], result.provenance["n_secondary"]
    (1, 3)
    """
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        raise InputError(f"k must be a whole number >= 1 (e.g. 5 or 10), got {k!r}")
    k = int(k)
    if df.index.has_duplicates or df.columns.has_duplicates:
        raise InputError("row and column labels must be unique (cells are reported by label)")
    value_columns = list(df.columns) if value_columns is None else list(value_columns)
    require_columns(df, value_columns, "table of counts (value_columns)")
    df = _strip_margins(df, value_columns, margins_name)
    value_columns = [c for c in value_columns if c != margins_name]
    if not value_columns or len(df) == 0:
        raise InputError("the table has no count cells")
    if margins_name in df.columns:
        raise InputError(
            f"column {margins_name!r} is not a count column but has the totals' label; "
            f"rename it or pass margins_name=..."
        )

    values = _count_values(df, value_columns)
    row_labels, col_labels = list(df.index), value_columns
    primary = (values < k) & ((values > 0) | suppress_zeros)
    notes: list[tuple] = []
    hidden = _secondary(values, primary, row_totals, col_totals, audit, row_labels, col_labels, notes)
    secondary = hidden & ~primary

    table = df.copy()
    for j, column in enumerate(value_columns):
        if marker is pd.NA:
            table[column] = pd.array(np.where(hidden[:, j], None, values[:, j]).tolist(), dtype="Int64")
        else:
            table[column] = pd.Series(
                [marker if hidden[i, j] else int(values[i, j]) for i in range(len(df))],
                index=df.index, dtype=object,
            )
    if row_totals:
        table[margins_name] = pd.array(values.sum(axis=1).tolist(), dtype="Int64")
        for i in np.flatnonzero(values.sum(axis=1) < k):
            notes.append(("row_total_below_k", int(values[i].sum()),
                          (f"row total of {row_labels[i]!r} is {int(values[i].sum())}, below "
                           f"k={k}, and is published")))
    if col_totals:
        total_row = {c: int(values[:, j].sum()) for j, c in enumerate(value_columns)}
        if row_totals:
            total_row[margins_name] = int(values.sum())
        extra = pd.DataFrame([total_row], index=[margins_name])
        for column in extra.columns:
            extra[column] = extra[column].astype("Int64" if marker is pd.NA or column == margins_name else object)
        table = pd.concat([table, extra], axis=0)
        for j in np.flatnonzero(values.sum(axis=0) < k):
            notes.append(("column_total_below_k", int(values[:, j].sum()),
                          (f"column total of {col_labels[j]!r} is {int(values[:, j].sum())}, "
                           f"below k={k}, and is published")))

    provenance = {
        "suppression_threshold": k,
        "method": METHOD_DESCRIPTION.format(
            zeros=" and zeros" if suppress_zeros else "",
            rule="cheapest cycle through each primary cell" if row_totals and col_totals
            else "second-smallest cell of each line with a published total",
        )
        if audit else "cell suppression: primary 0 < count < k; secondary: at least two hidden cells "
        "in every line with a published total (no audit)",
        "n_primary": int(primary.sum()),
        "n_secondary": int(secondary.sum()),
        "suppress_zeros": bool(suppress_zeros),
        "row_totals": bool(row_totals),
        "col_totals": bool(col_totals),
        "audited": bool(audit),
    }
    return SuppressionResult(
        table=table,
        primary=pd.DataFrame(primary, index=df.index, columns=value_columns),
        secondary=pd.DataFrame(secondary, index=df.index, columns=value_columns),
        threshold=k,
        provenance=provenance,
        row_totals=bool(row_totals),
        col_totals=bool(col_totals),
        suppress_zeros=bool(suppress_zeros),
        margins_name=margins_name,
        message=(f"k={k}: {int(primary.sum())} small cell(s) hidden, {int(secondary.sum())} more "
                 f"hidden to protect them" + (" (audited)" if audit else " (line rule, no audit)")),
        diagnostics=diagnostics_frame(notes),
    )


def disclosure_intervals(result: SuppressionResult) -> pd.DataFrame:
    """What a reader can infer about each hidden cell from the published table alone.

    Parameters
    ----------
    result : SuppressionResult
        The output of :func:`suppress_small_cells`.

    Returns
    -------
    pandas.DataFrame
        One row per hidden cell: ``row``, ``column``, ``kind`` (``"primary"`` or
        ``"secondary"``), ``lower``, ``upper`` (``inf`` when unbounded) and ``width``.

    Raises
    ------
    DataError
        The published cells and totals are inconsistent (e.g. an edited table whose totals
        are not the sums of its cells).

    Notes
    -----
    For every hidden cell, ``lower = min x_ij`` and ``upper = max x_ij`` subject to the
    published cells, the published totals and ``x >= 0`` (two linear programs per cell,
    HiGHS via ``scipy.optimize.linprog``): the feasibility interval of Hundepool et al.
    (2012).

    References
    ----------
    Hundepool, A., Domingo-Ferrer, J., Franconi, L., Giessing, S., Schulte Nordholt, E.,
    Spicer, K. & de Wolf, P.-P. (2012). *Statistical Disclosure Control*. Wiley.

    Examples
    --------
    Made-up counts.  All four cells are hidden; with row totals 18, 32 and column totals
    23, 27 a reader knows only ``x_a`` in [0, 18], hence ``y_a = 23 - x_a`` in [5, 23] and
    ``y_b = 32 - y_a`` in [9, 27]:

    >>> counts = pd.DataFrame({"a": [3, 20], "b": [15, 12]}, index=["x", "y"])
    >>> disclosure_intervals(suppress_small_cells(counts, 5))[["row", "column", "lower", "upper"]]
      row column  lower  upper
    0   x      a    0.0   18.0
    1   x      b    0.0   18.0
    2   y      a    5.0   23.0
    3   y      b    9.0   27.0
    """
    hidden_mask = result.suppressed
    rows, columns = list(hidden_mask.index), list(hidden_mask.columns)
    cells = result.table.loc[rows, columns].where(~hidden_mask)
    published = cells.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    totals = result.table[result.margins_name] if result.row_totals else None
    row_totals = totals.loc[rows].to_numpy(dtype=float) if totals is not None else None
    col_totals = (result.table.loc[result.margins_name, columns].to_numpy(dtype=float)
                  if result.col_totals else None)
    hidden, a_eq, b_eq = _interval_system(published, row_totals, col_totals)
    records = []
    for v, (i, j) in enumerate(hidden):
        lower = _optimise(v, len(hidden), a_eq, b_eq, maximise=False)
        upper = _optimise(v, len(hidden), a_eq, b_eq, maximise=True)
        records.append({
            "row": rows[i],
            "column": columns[j],
            "kind": "primary" if result.primary.iat[i, j] else "secondary",
            "lower": lower,
            "upper": upper,
            "width": upper - lower,
        })
    return pd.DataFrame.from_records(records, columns=["row", "column", "kind", "lower", "upper", "width"])
