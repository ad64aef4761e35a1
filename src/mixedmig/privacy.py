"""Small-cell suppression for count tables derived from person- or case-level data.

A table of counts of people (victims identified, cases referred, ...) can identify
someone when a cell is small.  :func:`suppress_small_cells` hides such cells (primary
suppression) and enough other cells (secondary, or complementary, suppression) that what
is published, totals included, does not give a small cell away; :func:`suppress_linked`
does the same for several tables published together that share margins (a region table
beside its province table; tables by sex and by form of the same total).
:func:`disclosure_intervals` is the audit: what a reader can infer about every hidden
cell.  The threshold, the rule and the counts of suppressed cells go into a
``provenance`` dict for output manifests; the results follow the result protocol of
:mod:`mixedmig.results`.

What the reader knows.  The audit uses exactly what the published form reveals: every
published cell, every published total and sub-total (and the identities that link
tables), and what the markers say about a hidden cell.  In the default published form
every hidden cell carries the same marker (``"[c]"``), so a hidden cell is only known to
be a whole number >= 0 (a zero may be hidden as a complement, so even "hidden" does not
mean "someone is there").  With distinct markers (``as_published(primary_marker="<k")``)
the reader also knows that a ``"<k"`` cell is 1..k-1 (0..k-1 when zeros are suppressed)
and that a ``"[c]"`` cell is 0 or >= k (>= k when zeros are suppressed);
``disclosure_intervals(result, markers="distinct")`` audits that form, and shows that it
gives away more (a ``"<k"`` marker alone says "small and not empty").

Protection rule (the guarantee of the default published form).  Let ``[L, U]`` be the set
of whole numbers a hidden cell can take given all of the above (found by linear /
integer programming: minimise and maximise the cell).  For a primary cell ``x`` (``0 <
x < k``) we require

* ``U >= min(k, T)``, where ``T`` is the smallest published total containing the cell: the
  reader cannot establish from the table that the cell is below the threshold (it may
  hold k or more people), unless a published total already says so, which the table
  cannot undo (such totals are listed in ``diagnostics``); and
* ``U - L >= 1``: the cell is never pinned to one value.

In the language of Hundepool et al. (2012, ch. 4, protection levels) this is an upper
protection level ``upl = k - x`` (capped by the totals) and no lower protection level.
It is chosen over the two alternatives in common use because (a) "the interval contains 0
or a value >= k" is met by ``[0, 2]`` for two cells of 1 in a row with total 52 and a
published 50 (k = 5): the reader then knows that two cells together hold 2 people, the
small-group disclosure the threshold rule exists to prevent; and (b) "the interval spans at
least k" costs more cells for no gain in this sense: once ``U >= k`` the reader cannot tell
the cell from a publishable one.  A hidden secondary cell must have ``U - L >= 1``; a
complement that the published cells and totals determine protects nothing and is published
(noted in ``diagnostics``).

Bounds are computed on whole numbers: for one two-way table the constraint matrix is
totally unimodular and the linear-programming bounds are already whole numbers; linked
tables are solved as integer programs (HiGHS through :func:`scipy.optimize.linprog` with
``integrality``).  A simple line rule ("two hidden cells in every line with a total") is
necessary but not sufficient; the audit is what guarantees the rule.

Not modelled: a reader who is told how many hidden cells are primary (the ``n_primary`` of
``provenance``) learns something the table itself does not say; publish the total number
of hidden cells instead.

References
----------
Cox LH (1980). Suppression methodology and statistical disclosure control.
    *Journal of the American Statistical Association* 75: 377-385.
Hundepool A, Domingo-Ferrer J, Franconi L, Giessing S, Schulte Nordholt E, Spicer K,
    de Wolf P-P (2012). *Statistical Disclosure Control*. Wiley (ch. 4 and 5: tabular data,
    primary and secondary cell suppression, protection levels and feasibility intervals,
    linked tables).
"""

from __future__ import annotations

import heapq
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .checks import label_sort_key, require_columns, require_counts
from .errors import DataError, InfeasibleError, InputError
from .results import Result, diagnostics_frame

__all__ = [
    "LinkedSuppressionResult",
    "LongSuppressionResult",
    "SuppressionResult",
    "disclosure_intervals",
    "suppress_linked",
    "suppress_long_counts",
    "suppress_small_cells",
]

PROTECTION_RULE = (
    "every hidden small cell: feasible upper bound >= min(k, smallest published total "
    "containing it) and feasible interval at least 1 wide; every hidden complement: "
    "interval at least 1 wide; reader knows published cells, totals, links and that a "
    "hidden cell is >= 0 (one marker for every hidden cell)"
)

METHOD_DESCRIPTION = (
    "cell suppression: primary = counts with 0 < count < k{zeros}; secondary = complementary "
    "cells of smallest total count ({rule}), then an audit by linear{integer} programming adding "
    "cells until the protection rule holds (Cox 1980; Hundepool et al. 2012)"
)


# --------------------------------------------------------------------------------------
# results
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
        ``suppression_threshold``, ``method``, ``protection_rule``, ``markers``,
        ``n_primary``, ``n_secondary`` and the options used; plain Python types, ready for
        a YAML/JSON manifest.
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
        (the function raises when no protection exists); ``iterations`` counts the audit
        rounds.  ``diagnostics`` (columns ``check``, ``value``, ``note``) lists what a
        publisher should know, one row each: ``row_total_below_k`` /
        ``column_total_below_k`` (value = the published total) and
        ``complement_published`` (a complementary cell that the totals alone determine, so
        it is published; value = ``(row, column)``).
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
            Shown in primary (small) cells.  Default: the same as ``secondary_marker``,
            so that every hidden cell looks alike (the form the protection rule of the
            module docstring guarantees).
        secondary_marker : str
            Shown in secondary cells and, by default, in primary ones; default ``"[c]"``.

        Returns
        -------
        pandas.DataFrame
            All cells as strings: counts as integers, missing values as ``""``.

        Raises
        ------
        InputError
            A marker that is not a non-empty text or that reads as a number (``"5"``,
            ``"0"``): a hidden cell must not look like a published count.

        Notes
        -----
        One marker for every hidden cell tells a reader only that the cell is hidden (a
        whole number >= 0).  A distinct primary marker (e.g. ``primary_marker="<5"``) also
        says that the cell is 1..k-1 and that every other hidden cell is 0 or >= k; that
        form is not covered by the guarantee: audit it with
        ``disclosure_intervals(result, markers="distinct")`` before publishing it.

        Examples
        --------
        >>> counts = pd.DataFrame({"a": [3, 20]}, index=["x", "y"])  # made-up counts
        >>> suppress_small_cells(counts, 5, row_totals=False).as_published()
                a
        x     [c]
        y     [c]
        Total  23
        """
        secondary_marker = _check_marker(secondary_marker, "secondary_marker")
        primary_marker = (secondary_marker if primary_marker is None
                          else _check_marker(primary_marker, "primary_marker"))
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


@dataclass(frozen=True, eq=False)
class LinkedSuppressionResult(Result):
    """Several count tables suppressed together (see :func:`suppress_linked`).

    Parameters
    ----------
    results : dict of str to SuppressionResult
        One result per table, by name, in the order given; each has its own ``table``,
        masks and ``as_published()``.  Their secondary suppression holds across the links.
    threshold : int
        k.
    provenance : dict
        As for :class:`SuppressionResult`, over all tables, plus ``tables`` (names) and
        ``links`` (the links audited, as plain strings).
    hierarchy : dict
        The ``hierarchy`` argument (coarse table -> (fine table, row mapping)).
    shared_margins : list of tuple
        The ``shared_margins`` argument ((table, table, "rows" or "columns") triples).
    converged, iterations, message, diagnostics
        The result protocol; ``diagnostics`` has a ``table`` column besides ``check``,
        ``value`` and ``note``.
    """

    results: dict
    threshold: int
    provenance: dict
    hierarchy: dict = field(default_factory=dict)
    shared_margins: list = field(default_factory=list)

    def __getitem__(self, name) -> SuppressionResult:
        """The result of one table, by name."""
        return self.results[name]

    def as_published(self, primary_marker: str | None = None, secondary_marker: str = "[c]") -> dict:
        """Every table as strings for display (see :meth:`SuppressionResult.as_published`).

        Parameters
        ----------
        primary_marker : str, optional
            Marker of small cells; default the same as ``secondary_marker``.
        secondary_marker : str
            Marker of complementary cells; default ``"[c]"``.

        Returns
        -------
        dict of str to pandas.DataFrame
            The display table of each table, by name.

        Raises
        ------
        InputError
            A marker that is not a non-empty text or that reads as a number.
        """
        return {name: r.as_published(primary_marker, secondary_marker) for name, r in self.results.items()}

    def to_frame(self) -> pd.DataFrame:
        """Every count cell of every table in one long table.

        Returns
        -------
        pandas.DataFrame
            Columns ``table``, ``row``, ``column``, ``count`` (``Int64``, ``<NA>`` when
            hidden) and ``status`` (``"published"``, ``"primary"`` or ``"secondary"``).
        """
        records = []
        for name, r in self.results.items():
            for row in r.primary.index:
                for column in r.primary.columns:
                    status = ("primary" if r.primary.at[row, column]
                              else "secondary" if r.secondary.at[row, column] else "published")
                    value = r.table.at[row, column]
                    records.append({"table": name, "row": row, "column": column,
                                    "count": None if status != "published" else int(value), "status": status})
        out = pd.DataFrame.from_records(records, columns=["table", "row", "column", "count", "status"])
        out["count"] = out["count"].astype("Int64")
        return out


# --------------------------------------------------------------------------------------
# the audit: what a reader can infer
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class LongSuppressionResult(Result):
    """A long table of counts published after small-cell suppression (see
    :func:`suppress_long_counts`).

    Parameters
    ----------
    table : pandas.DataFrame
        What may be published, one row per cell of the pivot (zeros included): the ``rows``
        columns, the ``column`` column, the count (nullable ``Int64``, ``<NA>`` where hidden)
        and the flag column (the marker where hidden, ``None`` where published).  Missing key
        values stay missing.
    wide : SuppressionResult
        The suppression of the pivot (row keys joined by ``separator`` x ``column`` values as
        text), with its masks, totals and ``provenance`` for a manifest.
    intervals : pandas.DataFrame
        The audit, :func:`disclosure_intervals` of ``wide`` (every hidden cell protected).
    threshold : int
        k.
    rows : tuple of str
        The columns whose combinations are the pivot's rows.
    column : str
        The column whose values are the pivot's columns.
    count, flag, marker, separator, missing_label : str
        The count column, the flag column, its marker, the separator of the row labels and
        the label of a missing key value in ``wide``.
    converged, iterations, message, diagnostics
        The result protocol; ``diagnostics`` is that of ``wide``.
    """

    table: pd.DataFrame
    wide: SuppressionResult
    intervals: pd.DataFrame
    threshold: int
    rows: tuple
    column: str
    count: str
    flag: str
    marker: str
    separator: str
    missing_label: str

    def to_frame(self) -> pd.DataFrame:
        """The publishable long table.

        Returns
        -------
        pandas.DataFrame
            A copy of ``table``.
        """
        return self.table.copy()


@dataclass
class _Problem:
    """Every count cell of the published tables as one vector, and the linear identities
    a reader knows: ``sum(coef * x[idx]) = rhs``.  ``totals`` flags the published totals
    (all coefficients 1); the others are links between tables (right-hand side 0)."""

    values: np.ndarray                     # float; NaN where unknown to the reader
    equations: list = field(default_factory=list)   # (idx, coef, rhs, is_total)
    integer: bool = False

    def add(self, idx, coef, rhs, is_total) -> None:
        idx = np.asarray(idx, dtype=np.int64)
        if idx.size:
            self.equations.append((idx, np.asarray(coef, dtype=float), float(rhs), bool(is_total)))

    def smallest_total(self) -> np.ndarray:
        """For every cell, the smallest published total that contains it (inf if none)."""
        out = np.full(self.values.shape, np.inf)
        for idx, _coef, rhs, is_total in self.equations:
            if is_total:
                out[idx] = np.minimum(out[idx], rhs)
        return out

    def neighbours(self, cell: int) -> set:
        """Cells that share an identity with ``cell``."""
        out: set = set()
        for idx, _coef, _rhs, _total in self.equations:
            if cell in idx:
                out.update(int(i) for i in idx)
        out.discard(cell)
        return out


class _Audit:
    """The linear system over the hidden cells of one suppression pattern, ready to bound
    any hidden cell.  ``lower``/``upper`` are the reader's bounds per cell (all cells),
    ``gap`` marks cells known to be 0 or >= k."""

    def __init__(self, problem: _Problem, hidden: np.ndarray, lower=None, upper=None, gap=None, k=None):
        values = problem.values
        self.hidden = np.flatnonzero(hidden)
        position = {int(v): p for p, v in enumerate(self.hidden)}
        self.position = position
        n = len(self.hidden)
        rows, rhs = [], []
        for idx, coef, total, is_total in problem.equations:
            mask = hidden[idx]
            residual = total - float(np.dot(coef[~mask], values[idx[~mask]]))
            if not mask.any():
                if abs(residual) > 0.5:
                    raise DataError(
                        f"the published cells and totals are inconsistent (a published "
                        f"{'total' if is_total else 'link between tables'} differs from its cells "
                        f"by {residual:g}); check that the totals are the sums of the cells"
                    )
                continue
            row = np.zeros(n)
            for v, c in zip(idx[mask], coef[mask], strict=True):
                row[position[int(v)]] += c
            rows.append(row)
            rhs.append(residual)
        self.a_eq = np.vstack(rows) if rows else None
        self.b_eq = np.asarray(rhs) if rows else None
        lower = np.zeros(values.shape) if lower is None else lower
        upper = np.full(values.shape, np.inf) if upper is None else upper
        self.bounds = [(float(lower[v]), None if np.isinf(upper[v]) else float(upper[v])) for v in self.hidden]
        self.gaps = [] if gap is None else [position[int(v)] for v in self.hidden if gap[v]]
        self.k = k
        self.integer = problem.integer
        finite = np.abs(values[np.isfinite(values)]).sum() + sum(abs(e[2]) for e in problem.equations)
        self.big = 10.0 * (1.0 + finite)

    def _solve(self, target: int, maximise: bool, with_gaps: bool):
        n = len(self.hidden)
        gaps = self.gaps if with_gaps else []
        n_var = n + len(gaps)
        objective = np.zeros(n_var)
        objective[target] = -1.0 if maximise else 1.0
        a_eq = None
        if self.a_eq is not None:
            a_eq = np.hstack([self.a_eq, np.zeros((self.a_eq.shape[0], len(gaps)))])
        a_ub, b_ub = None, None
        if gaps:  # x >= k b and x <= big b, b binary: x = 0 or k <= x <= big
            a_ub = np.zeros((2 * len(gaps), n_var))
            for g, p in enumerate(gaps):
                a_ub[2 * g, p], a_ub[2 * g, n + g] = -1.0, float(self.k)
                a_ub[2 * g + 1, p], a_ub[2 * g + 1, n + g] = 1.0, -self.big
            b_ub = np.zeros(2 * len(gaps))
        bounds = self.bounds + [(0.0, 1.0)] * len(gaps)
        integrality = None
        if self.integer or gaps:
            integrality = np.ones(n_var) if self.integer else np.r_[np.zeros(n), np.ones(len(gaps))]
        from scipy.optimize import linprog

        result = linprog(objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=self.b_eq, bounds=bounds,
                         integrality=integrality, method="highs")
        return result

    def bound(self, cell: int, maximise: bool) -> float:
        """The reader's smallest (largest) possible value of hidden ``cell``."""
        target = self.position[int(cell)]
        result = self._solve(target, maximise, with_gaps=False)
        if result.status == 3 or (result.status != 0 and "unbounded" in str(result.message).lower()):
            return np.inf if maximise else -np.inf
        if result.status == 0 and self.gaps:
            result = self._solve(target, maximise, with_gaps=True)
        if result.status != 0:
            raise DataError(
                f"the published cells, totals and markers are inconsistent (linear program: "
                f"{result.message}); check that the totals are the sums of the cells"
            )
        value = float(-result.fun if maximise else result.fun)
        return float(np.round(value)) if abs(value - np.round(value)) < 1e-6 else value


def _rule_holds(audit: _Audit, cell: int, truth: float, primary: bool, required: float) -> bool:
    """The protection rule (module docstring) for one hidden cell, on the true values."""
    upper = audit.bound(cell, maximise=True)
    if primary and upper < required - 1e-7:
        return False
    if upper > truth + 0.5:
        return True  # can move up: not pinned
    return audit.bound(cell, maximise=False) < truth - 0.5


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



# --------------------------------------------------------------------------------------
# the joint problem of one or several tables, and the protection loop
# --------------------------------------------------------------------------------------


@dataclass
class _Block:
    """One table inside the joint problem: its cells are ``offset .. offset + size``."""

    name: object
    offset: int
    values: np.ndarray          # 2-D; float with NaN for hidden cells on the reader's side
    row_labels: list
    col_labels: list
    row_sums: np.ndarray | None  # published row totals (None: not published)
    col_sums: np.ndarray | None

    @property
    def size(self) -> int:
        return self.values.size

    def index(self, i: int, j: int) -> int:
        return self.offset + i * self.values.shape[1] + j

    def label(self, v: int) -> str:
        i, j = divmod(v - self.offset, self.values.shape[1])
        where = f"(row {self.row_labels[i]!r}, column {self.col_labels[j]!r})"
        return where if self.name is None else f"{where} of table {self.name!r}"


def _blocks(tables: list[tuple], row_totals: bool, col_totals: bool) -> list[_Block]:
    """``tables``: (name, 2-D values, row labels, column labels[, row sums, column sums])."""
    blocks, offset = [], 0
    for name, values, rows, cols, *sums in tables:
        values = np.asarray(values, dtype=float)
        row_sums = sums[0] if sums else (values.sum(axis=1) if row_totals else None)
        col_sums = sums[1] if sums else (values.sum(axis=0) if col_totals else None)
        blocks.append(_Block(name, offset, values, list(rows), list(cols), row_sums, col_sums))
        offset += values.size
    return blocks


def _link_equations(blocks: list[_Block], hierarchy, shared_margins) -> list[tuple]:
    """The identities between tables, as (cells, coefficients), each summing to 0."""
    by_name = {b.name: b for b in blocks}
    links = []
    for coarse_name, (fine_name, mapping) in (hierarchy or {}).items():
        coarse, fine = by_name[coarse_name], by_name[fine_name]
        for r, coarse_row in enumerate(coarse.row_labels):
            members = [p for p, fine_row in enumerate(fine.row_labels) if mapping[fine_row] == coarse_row]
            for j, column in enumerate(coarse.col_labels):
                f = fine.col_labels.index(column)
                cells = [coarse.index(r, j)] + [fine.index(p, f) for p in members]
                links.append((cells, [1.0] + [-1.0] * len(members),
                              (f"{coarse_name!r} row {coarse_row!r}, column {column!r} = sum of its rows "
                               f"in {fine_name!r}")))
    for a_name, b_name, axis in shared_margins or []:
        a, b = by_name[a_name], by_name[b_name]
        if axis == "rows":
            for i, row in enumerate(a.row_labels):
                p = b.row_labels.index(row)
                cells = [a.index(i, j) for j in range(len(a.col_labels))] + \
                        [b.index(p, j) for j in range(len(b.col_labels))]
                links.append((cells, [1.0] * len(a.col_labels) + [-1.0] * len(b.col_labels),
                              f"row {row!r}: {a_name!r} and {b_name!r} have the same total"))
        else:
            for j, column in enumerate(a.col_labels):
                q = b.col_labels.index(column)
                cells = [a.index(i, j) for i in range(len(a.row_labels))] + \
                        [b.index(i, q) for i in range(len(b.row_labels))]
                links.append((cells, [1.0] * len(a.row_labels) + [-1.0] * len(b.row_labels),
                              f"column {column!r}: {a_name!r} and {b_name!r} have the same total"))
    return links


def _problem(blocks: list[_Block], links=()) -> _Problem:
    problem = _Problem(np.concatenate([b.values.ravel() for b in blocks]), integer=bool(links))
    for b in blocks:
        n_rows, n_cols = b.values.shape
        if b.row_sums is not None:
            for i in range(n_rows):
                problem.add([b.index(i, j) for j in range(n_cols)], np.ones(n_cols), b.row_sums[i], True)
        if b.col_sums is not None:
            for j in range(n_cols):
                problem.add([b.index(i, j) for i in range(n_rows)], np.ones(n_rows), b.col_sums[j], True)
    for cells, coefficients, _what in links:
        problem.add(cells, coefficients, 0.0, False)
    return problem


def _complete_blocks(blocks, hidden, eligible, row_totals, col_totals, cells) -> np.ndarray:
    """The two-way heuristics (cheapest cycles, line rule) table by table."""
    hidden = hidden.copy()
    for b in blocks:
        part = slice(b.offset, b.offset + b.size)
        shape = b.values.shape
        mine = [divmod(int(v) - b.offset, shape[1]) for v in cells if b.offset <= v < b.offset + b.size]
        if row_totals and col_totals and not mine:
            continue
        values = b.values.astype(np.int64)
        hidden[part] = _complete(values, hidden[part].reshape(shape), eligible[part].reshape(shape),
                                 row_totals, col_totals, mine).ravel()
    return hidden


def _extend(problem, blocks, hidden, eligible, cell, required, row_totals, col_totals):
    """Smallest-first search for extra complements that make the rule hold for ``cell``:
    single cells (with their own complements) first, then cumulatively.  Returns the new
    mask or None."""
    values = problem.values
    near = problem.neighbours(cell)

    def holds(mask):
        return _rule_holds(_Audit(problem, mask), cell, values[cell], True, required[cell])

    candidates = [int(v) for v in np.flatnonzero(eligible & ~hidden)]
    candidates.sort(key=lambda v: (v not in near, values[v] == 0, values[v], v))
    for candidate in candidates:
        trial = hidden.copy()
        trial[candidate] = True
        trial = _complete_blocks(blocks, trial, eligible, row_totals, col_totals, [candidate])
        if holds(trial):
            return trial
    trial = hidden.copy()
    for candidate in candidates:
        trial[candidate] = True
        if holds(trial):
            return trial
    return None


def _protect(problem, blocks, primary, k, row_totals, col_totals, notes) -> tuple[np.ndarray, int]:
    """Secondary suppression until the protection rule holds for every hidden cell.
    Returns the hidden mask and the number of audit rounds."""
    if not problem.equations:
        return primary.copy(), 0
    values = problem.values
    required = np.minimum(float(k), problem.smallest_total())
    eligible = ~primary
    hidden = _complete_blocks(blocks, primary, eligible, row_totals, col_totals, list(np.flatnonzero(primary)))
    published: list[int] = []
    rounds = 0
    while True:
        rounds += 1
        audit = _Audit(problem, hidden)
        order = list(np.flatnonzero(hidden & primary)) + list(np.flatnonzero(hidden & ~primary))
        bad = next((int(v) for v in order
                    if not _rule_holds(audit, v, values[v], bool(primary[v]), required[v])), None)
        if bad is None:
            break
        if not primary[bad]:
            # a complement that the published cells and totals determine protects nothing
            hidden[bad] = False
            eligible[bad] = False
            published.append(bad)
            continue
        label = _label(blocks, bad)
        everything = np.ones_like(hidden)
        if not _rule_holds(_Audit(problem, everything), bad, values[bad], True, required[bad]):
            raise InfeasibleError(
                f"cell {label} = {int(values[bad])} cannot be protected: the published totals "
                f"determine it, or bound it below {k}, even when every other cell is hidden "
                f"(typically the rest of its row or column is zero). Publish without those totals "
                f"(row_totals=False / col_totals=False), merge categories, or suppress the totals "
                f"before publishing"
            )
        extended = _extend(problem, blocks, hidden, eligible, bad, required, row_totals, col_totals)
        if extended is None:  # allow the complements published earlier again
            extended = _extend(problem, blocks, hidden, ~primary, bad, required, row_totals, col_totals)
        if extended is None:  # pragma: no cover - hiding everything works, so this is unreachable
            raise InfeasibleError(f"cell {label} could not be protected by secondary suppression")
        hidden = extended
    for v in published:
        if not hidden[v]:
            block = _block_of(blocks, v)
            i, j = divmod(v - block.offset, block.values.shape[1])
            notes.append((block.name, "complement_published", (block.row_labels[i], block.col_labels[j]),
                          f"cell {block.label(v)} is determined by the published totals, so it is published"))
    return hidden, rounds


def _block_of(blocks, v) -> _Block:
    return next(b for b in blocks if b.offset <= v < b.offset + b.size)


def _label(blocks, v) -> str:
    return _block_of(blocks, v).label(v)


def _line_rule(values, primary, row_totals, col_totals, row_labels, col_labels) -> np.ndarray:
    """``audit=False``: two or more hidden cells in every line with a published total."""
    hidden = _closure(values, primary, ~primary, row_totals, col_totals)
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



def _check_k(k) -> int:
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        raise InputError(f"k must be a whole number >= 1 (e.g. 5 or 10), got {k!r}")
    return int(k)


def _check_bool(value, name: str) -> bool:
    """The one flag check: True or False only (``audit="no"`` would otherwise mean True)."""
    if not isinstance(value, bool | np.bool_):
        raise InputError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def _check_option(value, name: str, allowed) -> str:
    """The one option check: ``value`` must be one of ``allowed`` (listed in the message)."""
    if not isinstance(value, str) or value not in allowed:
        raise InputError(f"{name} must be one of {', '.join(map(repr, allowed))}, got {value!r}")
    return value


def _looks_like_count(text: str) -> bool:
    try:
        float(text.replace(",", "").strip())
    except ValueError:
        return False
    return True


def _check_marker(value, name: str, allow_missing: bool = False):
    """The one marker check: a marker must not read as a count.

    A hidden cell shown as ``5`` or ``""`` (or a missing marker, unless ``allow_missing``)
    would be read as a published value or an empty cell; markers are non-empty strings that
    are not numbers, such as ``"[c]"``, ``"<5"`` or ``"x"``.
    """
    if allow_missing and value is not None and not isinstance(value, str):
        try:
            if pd.isna(value):
                return value
        except (TypeError, ValueError):
            pass
    if not isinstance(value, str) or not value.strip() or _looks_like_count(value):
        raise InputError(
            f"{name} must be a non-empty text that is not a number (e.g. '[c]' or '<5'), got "
            f"{value!r}: a hidden cell must not look like a published count"
        )
    return value


def _prepare(df, value_columns, margins_name, what: str = "df"):
    """Checked counts: (table without margins, count columns, 2-D int64 values)."""
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"{what} must be a pandas DataFrame, got {type(df).__name__}")
    if df.index.has_duplicates or df.columns.has_duplicates:
        raise InputError(f"{what}: row and column labels must be unique (cells are reported by label)")
    value_columns = list(df.columns) if value_columns is None else list(value_columns)
    require_columns(df, value_columns, "table of counts (value_columns)")
    df = _strip_margins(df, value_columns, margins_name)
    value_columns = [c for c in value_columns if c != margins_name]
    if not value_columns or len(df) == 0:
        raise InputError(f"{what}: the table has no count cells")
    if margins_name in df.columns:
        raise InputError(
            f"{what}: column {margins_name!r} is not a count column but has the totals' label; "
            f"rename it or pass margins_name=..."
        )
    return df, value_columns, _count_values(df, value_columns)


def _method(row_totals, col_totals, suppress_zeros, audit, integer=False) -> str:
    if not audit:
        return ("cell suppression: primary 0 < count < k; secondary: at least two hidden cells "
                "in every line with a published total (no audit)")
    return METHOD_DESCRIPTION.format(
        zeros=" and zeros" if suppress_zeros else "",
        rule="cheapest cycle through each primary cell" if row_totals and col_totals
        else "second-smallest cell of each line with a published total",
        integer=" and integer" if integer else "",
    )


def _make_result(df, value_columns, values, primary, hidden, k, *, row_totals, col_totals, marker,
                 suppress_zeros, margins_name, notes, audit, rounds, method) -> SuppressionResult:
    row_labels, col_labels = list(df.index), list(value_columns)
    secondary = hidden & ~primary
    notes = list(notes)
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
        "method": method,
        "protection_rule": PROTECTION_RULE if audit else "line rule only (not audited)",
        "markers": "one marker for every hidden cell",
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
        iterations=int(rounds),
        message=(f"k={k}: {int(primary.sum())} small cell(s) hidden, {int(secondary.sum())} more "
                 f"hidden to protect them" + (" (audited)" if audit else " (line rule, no audit)")),
        diagnostics=diagnostics_frame(notes),
    )


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
    """Hide counts below ``k`` and enough other counts that none is given away.

    Primary suppression hides the small cells; secondary (complementary) suppression hides
    enough other cells that the published cells and totals do not give a small cell away;
    an audit by linear programming enforces the protection rule of the module docstring
    (Cox 1980; Hundepool et al. 2012).

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
        Value put in hidden cells of ``table``: a missing value (default ``pd.NA``; the count
        columns are then nullable integers, ``Int64``) or a non-empty text that is not a
        number, such as ``"x"`` (the count columns are then ``object``).
    suppress_zeros : bool
        Also treat zero counts as primary. Default False: a zero is usually not disclosive
        (it says nobody has the attribute) and hiding zeros costs information.  Zeros may
        still be hidden as complements, as a last resort.
    margins_name : str
        Label of the total row and column, in the input and in the output (default
        ``"Total"``).
    audit : bool
        Enforce the protection rule by the audit (default).  With False only the line rule
        "two or more hidden cells in every line with a published total" is applied, which
        can leave cells recoverable; use False only to reproduce that rule.

    Returns
    -------
    SuppressionResult
        ``table`` (also ``to_frame()``), the ``primary`` and ``secondary`` masks,
        ``threshold``, ``provenance`` (for manifests), the options used and ``diagnostics``
        (published totals below k, complements published because the totals determine
        them); ``as_published()`` gives the display table, one marker for every hidden cell.

    Raises
    ------
    InputError
        Bad arguments: not a DataFrame, ``k`` not a whole number >= 1, a flag
        (``row_totals``, ``col_totals``, ``suppress_zeros``, ``audit``) other than
        True/False, a ``marker`` that reads as a count (a number or empty text), duplicate
        labels, unknown ``value_columns`` or no count cells.
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
    of the default published form knows the published cells, the totals and that a hidden
    cell is a whole number >= 0, so the feasible values of a hidden cell are ``L = min
    x_ij`` to ``U = max x_ij`` subject to ``sum_j x_ij = R_i``, ``sum_i x_ij = C_j``,
    ``x >= 0`` (whole numbers: the system is totally unimodular).  The result guarantees,
    for every primary cell, ``U >= min(k, R_i, C_j)`` (over the published totals) and ``U -
    L >= 1``, and ``U - L >= 1`` for every secondary cell.

    Secondary suppression. With both totals published, each primary cell is first put on
    a cycle of hidden cells (its row, another column, another row, ..., its column) of
    smallest total count, found as a shortest path (positive counts cost their value,
    hidden cells nothing, zeros are a last resort); moving +t/-t round a cycle keeps every
    total. With only row (or only column) totals a line holding one hidden cell gets its
    smallest positive eligible cell hidden too. Then the audit checks every hidden cell
    and, while the rule fails for a primary cell, hides further cells (cells sharing a
    total with it first, smallest count first, each with its own cycle); a complementary
    cell that the totals determine is published instead.

    References
    ----------
    Cox, L. H. (1980). Suppression methodology and statistical disclosure control.
    *Journal of the American Statistical Association* 75, 377-385.
    Hundepool, A., Domingo-Ferrer, J., Franconi, L., Giessing, S., Schulte Nordholt, E.,
    Spicer, K. & de Wolf, P.-P. (2012). *Statistical Disclosure Control*. Wiley (tabular
    data: secondary cell suppression, protection levels and feasibility intervals).

    Examples
    --------
    Lao PDR victims identified in 2021 (US TIP Report 2022: 30 adult women, 62 girls,
    5 adult men, 13 boys):

    >>> counts = pd.DataFrame({"adult": [30, 5], "child": [62, 13]}, index=["female", "male"])
    >>> result = suppress_small_cells(counts, 10)
    >>> result.as_published()
           adult child Total
    female   [c]   [c]    92
    male     [c]   [c]    18
    Total     35    75   110
    >>> result.provenance["n_primary"], result.provenance["n_secondary"]
    (1, 3)
    """
    k = _check_k(k)
    row_totals, col_totals = _check_bool(row_totals, "row_totals"), _check_bool(col_totals, "col_totals")
    suppress_zeros, audit = _check_bool(suppress_zeros, "suppress_zeros"), _check_bool(audit, "audit")
    marker = _check_marker(marker, "marker", allow_missing=True)
    df, value_columns, values = _prepare(df, value_columns, margins_name)
    row_labels = list(df.index)
    primary = (values < k) & ((values > 0) | suppress_zeros)
    notes: list[tuple] = []
    rounds = 0
    if not audit:
        hidden = _line_rule(values, primary, row_totals, col_totals, row_labels, value_columns) \
            if (row_totals or col_totals) else primary.copy()
    else:
        blocks = _blocks([(None, values, row_labels, value_columns)], row_totals, col_totals)
        flat, rounds = _protect(_problem(blocks), blocks, primary.ravel(), k, row_totals, col_totals, notes)
        hidden = flat.reshape(values.shape)
        notes = [note[1:] for note in notes]
    return _make_result(df, value_columns, values, primary, hidden, k, row_totals=row_totals,
                        col_totals=col_totals, marker=marker, suppress_zeros=suppress_zeros,
                        margins_name=margins_name, notes=notes, audit=audit, rounds=rounds,
                        method=_method(row_totals, col_totals, suppress_zeros, audit))


def _check_links(tables: dict, hierarchy, shared_margins) -> tuple[dict, list]:
    """Argument checks of :func:`suppress_linked` (labels only; sums are checked later)."""
    hierarchy = {} if hierarchy is None else hierarchy
    if not isinstance(hierarchy, Mapping):
        raise InputError("hierarchy must be a dict {coarse table: (fine table, {fine row: coarse row})}")
    checked_h = {}
    for coarse_name, spec in hierarchy.items():
        if not (isinstance(spec, tuple | list) and len(spec) == 2 and isinstance(spec[1], Mapping)):
            raise InputError(f"hierarchy[{coarse_name!r}] must be (fine table name, {{fine row: coarse row}}), "
                             f"got {spec!r}")
        fine_name, mapping = spec
        for name in (coarse_name, fine_name):
            if name not in tables:
                raise InputError(f"hierarchy names table {name!r}, which is not among the tables "
                                 f"{list(tables)}")
        coarse, fine = tables[coarse_name], tables[fine_name]
        for row in fine[0].index:
            if row not in mapping:
                raise DataError(f"table {fine_name!r}, row {row!r}: no row of {coarse_name!r} is given for it "
                                f"in the hierarchy mapping; add it")
        members = {mapping[row] for row in fine[0].index}
        for row in coarse[0].index:
            if row not in members:
                raise DataError(f"table {coarse_name!r}, row {row!r}: no row of {fine_name!r} maps to it; "
                                f"fix the hierarchy mapping or drop the row")
        for row in fine[0].index:
            if mapping[row] not in set(coarse[0].index):
                raise DataError(f"table {fine_name!r}, row {row!r} maps to {mapping[row]!r}, which is not a "
                                f"row of {coarse_name!r}; fix the hierarchy mapping")
        if set(coarse[1]) != set(fine[1]):
            raise DataError(f"tables {coarse_name!r} and {fine_name!r} must have the same count columns to "
                            f"be linked by a hierarchy; got {coarse[1]} and {fine[1]}")
        checked_h[coarse_name] = (fine_name, dict(mapping))
    checked_s = []
    for spec in shared_margins or []:
        if not (isinstance(spec, tuple | list) and len(spec) == 3 and spec[2] in ("rows", "columns")):
            raise InputError(f"each shared margin must be (table, table, 'rows' or 'columns'), got {spec!r}")
        a_name, b_name, axis = spec
        for name in (a_name, b_name):
            if name not in tables:
                raise InputError(f"shared_margins names table {name!r}, which is not among the tables "
                                 f"{list(tables)}")
        labels_a = list(tables[a_name][0].index) if axis == "rows" else tables[a_name][1]
        labels_b = list(tables[b_name][0].index) if axis == "rows" else tables[b_name][1]
        if set(labels_a) != set(labels_b):
            raise DataError(f"tables {a_name!r} and {b_name!r} share their {axis} totals, so they must have "
                            f"the same {axis}; got {labels_a} and {labels_b}")
        checked_s.append((a_name, b_name, axis))
    return checked_h, checked_s


def suppress_linked(
    tables,
    k: int,
    *,
    hierarchy=None,
    shared_margins=None,
    row_totals: bool = True,
    col_totals: bool = True,
    suppress_zeros: bool = False,
    margins_name: str = "Total",
) -> LinkedSuppressionResult:
    """Suppress small cells in several tables published together, audited together.

    Tables that share margins give a reader more equations than each table alone: a
    region table beside its province table (every region cell is the sum of its
    provinces' cells), or two tables of the same people by different variables (by sex
    and by form of exploitation, with the same total per year).  A suppression pattern
    safe in each table can be undone across them.  Here primary and secondary suppression
    and the audit of :func:`suppress_small_cells` run on all tables at once, with the
    links as further equations, so the protection rule (module docstring) holds for the
    tables as published together.

    Parameters
    ----------
    tables : dict of str to DataFrame
        The count tables by name (each as for :func:`suppress_small_cells`; every column is
        a count column; a ``margins_name`` row / column is checked and dropped).
    k : int
        Threshold: cells with ``0 < count < k`` are primary.
    hierarchy : dict, optional
        ``{coarse: (fine, {fine row: coarse row})}``: each row of table ``coarse`` is the
        sum of the rows of table ``fine`` mapped to it, column by column (the two tables
        have the same columns).  For a hierarchy of columns, transpose both tables.
    shared_margins : list of tuple, optional
        ``(a, b, "rows")``: tables ``a`` and ``b`` have the same rows and the same row
        totals (``"columns"``: the same columns and column totals).
    row_totals, col_totals : bool
        Whether row and column totals are published, for every table.
    suppress_zeros : bool
        Also treat zero counts as primary.
    margins_name : str
        Label of the total row and column.

    Returns
    -------
    LinkedSuppressionResult
        ``results`` (a :class:`SuppressionResult` per table), ``as_published()`` (a display
        table per table), ``to_frame()`` (all cells, long), ``provenance``,
        ``diagnostics``.

    Raises
    ------
    InputError
        Bad arguments: not a dict of DataFrames, unknown table names in the links, a bad
        ``k``, or a flag (``row_totals``, ``col_totals``, ``suppress_zeros``) other than
        True/False.
    DataError
        A bad table or link (naming the table, row and column): bad counts, rows missing
        from the hierarchy mapping, tables that should add up to each other and do not.
    InfeasibleError
        A small cell that no suppression pattern protects.

    Notes
    -----
    The reader's feasible values of every hidden cell are bounded by integer programs over
    all cells of all tables with the equations ``sum_j x_ij = R_i``, ``sum_i x_ij = C_j``
    of every table and, for a hierarchy, ``y_rj = sum_{p in r} x_pj``; for shared margins
    ``sum_j a_ij = sum_j b_ij``.  The rule and the algorithm are those of
    :func:`suppress_small_cells`; the candidates for further hiding come from every
    table, cells sharing an equation with the exposed one first.

    References
    ----------
    Hundepool, A., Domingo-Ferrer, J., Franconi, L., Giessing, S., Schulte Nordholt, E.,
    Spicer, K. & de Wolf, P.-P. (2012). *Statistical Disclosure Control*. Wiley (linked
    and hierarchical tables; secondary cell suppression).

    Examples
    --------
    Made-up counts: provinces P1 and P2 form region N, P3 alone is region S.  Alone,
    the province table would hide P1 (3 women) with the cheapest complements, P3; beside
    the region table, region S gives P3 away and with it P1, so P2 is hidden instead and
    P3 is published:

    >>> provinces = pd.DataFrame({"women": [3, 40, 12], "men": [25, 35, 14]}, index=["P1", "P2", "P3"])
    >>> regions = pd.DataFrame({"women": [43, 12], "men": [60, 14]}, index=["N", "S"])
    >>> suppress_small_cells(provinces, 5).as_published().loc[["P2", "P3"]]
       women men Total
    P2    40  35    75
    P3   [c] [c]    26
    >>> result = suppress_linked({"province": provinces, "region": regions}, 5,
    ...                          hierarchy={"region": ("province", {"P1": "N", "P2": "N", "P3": "S"})})
    >>> result.as_published()["province"]
          women  men Total
    P1      [c]  [c]    28
    P2      [c]  [c]    75
    P3       12   14    26
    Total    55   74   129
    """
    k = _check_k(k)
    row_totals, col_totals = _check_bool(row_totals, "row_totals"), _check_bool(col_totals, "col_totals")
    suppress_zeros = _check_bool(suppress_zeros, "suppress_zeros")
    if not isinstance(tables, Mapping) or not tables:
        raise InputError("tables must be a non-empty dict {name: DataFrame}")
    prepared = {name: _prepare(df, None, margins_name, what=f"table {name!r}") for name, df in tables.items()}
    hierarchy, shared_margins = _check_links(prepared, hierarchy, shared_margins)
    blocks = _blocks([(name, values, list(df.index), columns) for name, (df, columns, values) in prepared.items()],
                     row_totals, col_totals)
    links = _link_equations(blocks, hierarchy, shared_margins)
    for cells, coefficients, what in links:
        residual = float(np.dot(coefficients, np.concatenate([b.values.ravel() for b in blocks])[cells]))
        if abs(residual) > 0.5:
            raise DataError(f"{what} does not hold: the difference is {residual:g}; fix the tables or "
                            f"the links")
    problem = _problem(blocks, links)
    primary = np.concatenate([((values < k) & ((values > 0) | suppress_zeros)).ravel()
                              for _df, _c, values in prepared.values()])
    notes: list[tuple] = []
    hidden, rounds = _protect(problem, blocks, primary, k, row_totals, col_totals, notes)
    method = _method(row_totals, col_totals, suppress_zeros, True, integer=True)
    results = {}
    for block, (name, (df, columns, values)) in zip(blocks, prepared.items(), strict=True):
        part = slice(block.offset, block.offset + block.size)
        results[name] = _make_result(
            df, columns, values, primary[part].reshape(values.shape), hidden[part].reshape(values.shape), k,
            row_totals=row_totals, col_totals=col_totals, marker=pd.NA, suppress_zeros=suppress_zeros,
            margins_name=margins_name, notes=[n[1:] for n in notes if n[0] == name], audit=True,
            rounds=rounds, method=method)
    link_text = [what for _c, _k, what in links]
    provenance = {
        "suppression_threshold": k,
        "method": method,
        "protection_rule": PROTECTION_RULE,
        "markers": "one marker for every hidden cell",
        "n_primary": int(primary.sum()),
        "n_secondary": int((hidden & ~primary).sum()),
        "suppress_zeros": bool(suppress_zeros),
        "row_totals": bool(row_totals),
        "col_totals": bool(col_totals),
        "audited": True,
        "tables": [str(name) for name in prepared],
        "links": link_text,
    }
    diagnostics = pd.concat(
        [r.diagnostics.assign(table=name) for name, r in results.items()] or [diagnostics_frame()],
        ignore_index=True,
    ).reindex(columns=["table", "check", "value", "note"])
    return LinkedSuppressionResult(
        results=results,
        threshold=k,
        provenance=provenance,
        hierarchy=hierarchy,
        shared_margins=shared_margins,
        iterations=int(rounds),
        message=(f"k={k}, {len(results)} linked tables: {provenance['n_primary']} small cell(s) hidden, "
                 f"{provenance['n_secondary']} more hidden to protect them across {len(links)} link(s) (audited)"),
        diagnostics=diagnostics,
    )


def _published_block(name, result: SuppressionResult) -> tuple:
    rows, columns = list(result.primary.index), list(result.primary.columns)
    hidden = result.suppressed.to_numpy()
    cells = result.table.loc[rows, columns].where(~result.suppressed)
    published = np.array(cells.apply(pd.to_numeric, errors="coerce")
                         .to_numpy(dtype=float, na_value=np.nan))  # a writable copy
    published[hidden] = np.nan
    row_sums = (result.table.loc[rows, result.margins_name].to_numpy(dtype=float) if result.row_totals else None)
    col_sums = (result.table.loc[result.margins_name, columns].to_numpy(dtype=float) if result.col_totals else None)
    return (name, published, rows, columns, row_sums, col_sums)


def disclosure_intervals(result, *, markers: str = "single") -> pd.DataFrame:
    """What a reader can infer about each hidden cell from the published table(s) alone.

    Parameters
    ----------
    result : SuppressionResult or LinkedSuppressionResult
        The output of :func:`suppress_small_cells` or :func:`suppress_linked`.
    markers : {"single", "distinct"}
        The published form audited. ``"single"`` (default, ``as_published()``): every
        hidden cell has the same marker, so the reader knows only that it is a whole number
        >= 0.  ``"distinct"`` (``as_published(primary_marker="<k")``): the reader also knows
        that a primary cell is 1..k-1 (0..k-1 with ``suppress_zeros``) and that a secondary
        cell is 0 or >= k (>= k with ``suppress_zeros``).

    Returns
    -------
    pandas.DataFrame
        One row per hidden cell: ``table`` (linked results only), ``row``, ``column``,
        ``kind`` (``"primary"`` or ``"secondary"``), ``lower``, ``upper`` (``inf`` when
        unbounded), ``width``, ``required`` (primary cells: the upper bound the protection
        rule asks for, ``min(k, smallest published total containing the cell)``; NaN for
        secondary cells) and ``protected`` (whether the rule of the module docstring holds
        for the cell in this published form).

    Raises
    ------
    InputError
        ``result`` is not a suppression result, or ``markers`` is unknown.
    DataError
        The published cells, totals and markers are inconsistent (e.g. an edited table
        whose totals are not the sums of its cells).

    Notes
    -----
    For every hidden cell, ``lower = min x`` and ``upper = max x`` over whole-number tables
    that agree with the published cells, the published totals, the links between tables
    and what the markers say: the feasibility interval of Hundepool et al. (2012), computed
    by HiGHS through ``scipy.optimize.linprog`` (with integer variables for linked tables
    and for the "0 or >= k" of distinct secondary markers: ``x >= k b``, ``x <= M b``, ``b``
    in {0, 1}).  The true values are not used.

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
    >>> result = suppress_small_cells(counts, 5)
    >>> disclosure_intervals(result)[["row", "column", "lower", "upper", "protected"]]
      row column  lower  upper  protected
    0   x      a    0.0   18.0       True
    1   x      b    0.0   18.0       True
    2   y      a    5.0   23.0       True
    3   y      b    9.0   27.0       True

    Distinct markers say more: ``"<5"`` puts ``x_a`` in 1..4 and ``"[c]"`` puts ``x_b =
    18 - x_a`` at 0 or >= 5, so ``x_a`` is 1..4 and the reader knows it is small:

    >>> disclosure_intervals(result, markers="distinct").loc[[0], ["lower", "upper", "protected"]]
       lower  upper  protected
    0    1.0    4.0      False
    """
    markers = _check_option(markers, "markers", ("single", "distinct"))
    if isinstance(result, LinkedSuppressionResult):
        named = list(result.results.items())
        hierarchy, shared = result.hierarchy, result.shared_margins
    elif isinstance(result, SuppressionResult):
        named, hierarchy, shared = [(None, result)], {}, []
    else:
        raise InputError(f"result must be a SuppressionResult or LinkedSuppressionResult, got "
                         f"{type(result).__name__}")
    k = named[0][1].threshold
    blocks = _blocks([_published_block(name, r) for name, r in named], True, True)
    problem = _problem(blocks, _link_equations(blocks, hierarchy, shared))
    primary = np.concatenate([r.primary.to_numpy().ravel() for _n, r in named])
    hidden = np.concatenate([r.suppressed.to_numpy().ravel() for _n, r in named])
    zeros = np.concatenate([np.full(r.primary.size, r.suppress_zeros) for _n, r in named])
    lower, upper, gap = np.zeros(hidden.size), np.full(hidden.size, np.inf), np.zeros(hidden.size, bool)
    if markers == "distinct":
        lower = np.where(primary, np.where(zeros, 0.0, 1.0), np.where(zeros, float(k), 0.0))
        upper = np.where(primary, float(k - 1), np.inf)
        gap = ~primary & ~zeros
    audit = _Audit(problem, hidden, lower, upper, gap, k)
    required = np.minimum(float(k), problem.smallest_total())
    records = []
    for v in np.flatnonzero(hidden):
        block = _block_of(blocks, v)
        i, j = divmod(int(v) - block.offset, block.values.shape[1])
        low = audit.bound(v, maximise=False)
        high = audit.bound(v, maximise=True)
        need = float(required[v]) if primary[v] else np.nan
        records.append({
            "table": block.name,
            "row": block.row_labels[i],
            "column": block.col_labels[j],
            "kind": "primary" if primary[v] else "secondary",
            "lower": low,
            "upper": high,
            "width": high - low,
            "required": need,
            "protected": bool(high - low >= 1 - 1e-7 and (not primary[v] or high >= need - 1e-7)),
        })
    columns = ["table", "row", "column", "kind", "lower", "upper", "width", "required", "protected"]
    out = pd.DataFrame.from_records(records, columns=columns)
    return out if isinstance(result, LinkedSuppressionResult) else out.drop(columns="table")


def _is_missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def _key_label(value, missing_label: str) -> str:
    """The text of a key value in the pivot; ``missing_label`` for a missing value."""
    return missing_label if _is_missing(value) else str(value)


def suppress_long_counts(
    counts: pd.DataFrame,
    rows,
    column: str,
    k: int,
    *,
    count: str = "cases",
    row_order=None,
    column_order=None,
    row_totals: bool = True,
    col_totals: bool = True,
    suppress_zeros: bool = False,
    flag: str = "flag",
    marker: str = "[c]",
    separator: str = " | ",
    missing_label: str = "(missing)",
) -> LongSuppressionResult:
    """Publish a long table of counts with small cells suppressed, audited, in its long shape.

    The counts are pivoted (combinations of ``rows`` x values of ``column``), suppressed with
    :func:`suppress_small_cells` (totals of the pivot published as asked), audited with
    :func:`disclosure_intervals`, and returned as one row per cell: the count left empty and
    the flag set where a cell is hidden.  This is how case-derived tables are published (for
    example registered trafficking cases by citizenship, country of exploitation and year).

    Parameters
    ----------
    counts : pandas.DataFrame
        Long counts: the ``rows`` columns, ``column`` and ``count`` (whole numbers >= 0).
        Repeated keys are added up; missing key values (``None``, NaN) are a category of
        their own.  Person-level records must be counted first (e.g.
        :func:`mixedmig.data.ctdc.case_counts`).
    rows : str or list of str
        The columns whose combinations make the pivot's rows (e.g. ``["citizenship",
        "country_of_exploitation"]``).
    column : str
        The column whose values make the pivot's columns (e.g. ``"year_of_registration"``).
    k : int
        Threshold: cells with ``0 < count < k`` are suppressed (primary suppression).
    count : str, default "cases"
        The count column.
    row_order : list of tuple, optional
        Every row of the pivot, in order, as tuples of ``rows`` values (missing values as
        ``None``); rows absent from ``counts`` are zeros.  Default: the combinations that
        occur, sorted (missing values last).
    column_order : list, optional
        Every column of the pivot, in order; columns absent from ``counts`` are zeros.
        Default: the values that occur, sorted (missing last).
    row_totals, col_totals, suppress_zeros : bool
        As in :func:`suppress_small_cells`: which totals of the pivot are published (and
        protected against), and whether zeros are primary.
    flag : str, default "flag"
        Name of the flag column of the output.
    marker : str, default "[c]"
        The flag of a hidden cell (one marker for every hidden cell, the form the protection
        rule covers).
    separator : str, default " | "
        Joins the key values into the pivot's row labels (in ``wide``).
    missing_label : str, default "(missing)"
        Label of a missing key value in ``wide``.

    Returns
    -------
    LongSuppressionResult
        ``table`` (the long publishable table, also ``to_frame()``), ``wide`` (the
        :class:`SuppressionResult` of the pivot, with ``provenance`` for a manifest) and
        ``intervals`` (the audit).

    Raises
    ------
    InputError
        Bad arguments: ``rows`` empty or naming ``column``, ``k`` not a whole number >= 1,
        a key value that contains ``separator`` or equals ``missing_label``, key values that
        collide once written as text, a ``row_order`` / ``column_order`` that repeats an
        entry or misses one that occurs in ``counts``, ``flag`` or ``marker`` not a text.
    SchemaError
        ``counts`` is not a DataFrame or lacks a named column.
    DataError
        Counts that are missing, negative or not whole numbers (naming the row).
    InfeasibleError
        A small cell that the published totals determine (see :func:`suppress_small_cells`);
        also if the audit found a hidden cell unprotected (which the suppression rules out).

    Notes
    -----
    With ``x_ij`` the count of row combination ``i`` and column value ``j`` (summed over
    repeated keys), the pivot is suppressed exactly as by :func:`suppress_small_cells`: the
    published form reveals the visible cells, the row totals ``R_i = sum_j x_ij`` and column
    totals ``C_j = sum_i x_ij`` (as asked) and the grand total.  Publish those totals with the
    long table, or know that the guarantee assumed them published.  Linked tables (two long
    tables from the same records that share a margin) need :func:`suppress_linked`.

    References
    ----------
    Hundepool, A., Domingo-Ferrer, J., Franconi, L., Giessing, S., Schulte Nordholt, E.,
    Spicer, K. & de Wolf, P.-P. (2012). *Statistical Disclosure Control*. Wiley (ch. 4 and
    5: tabular data, cell suppression).

    Examples
    --------
    Made-up counts of cases by citizenship and year, published at k = 5:

    >>> counts = pd.DataFrame({"citizenship": ["KHM", "KHM", "LAO", "LAO"],
    ...                        "year": [2015, 2016, 2015, 2016], "cases": [12, 3, 20, 30]})
    >>> published = suppress_long_counts(counts, "citizenship", "year", 5)
    >>> published.table
      citizenship  year  cases  flag
    0         KHM  2015   <NA>   [c]
    1         KHM  2016   <NA>   [c]
    2         LAO  2015   <NA>   [c]
    3         LAO  2016   <NA>   [c]
    >>> published.wide.as_published()
          2015 2016 Total
    KHM    [c]  [c]    15
    LAO    [c]  [c]    50
    Total   32   33    65
    """
    rows = [rows] if isinstance(rows, str) else list(rows) if rows is not None else []
    if not rows or column in rows:
        raise InputError(f"rows must name one or more columns other than column {column!r}; got {rows!r}")
    k = _check_k(k)
    for value, what in ((flag, "flag"), (separator, "separator"), (missing_label, "missing_label"),
                        (count, "count")):
        if not isinstance(value, str) or not value:
            raise InputError(f"{what} must be a non-empty text, got {value!r}")
    marker = _check_marker(marker, "marker")
    require_columns(counts, rows + [column, count], "counts")
    values = require_counts(counts, [count], "counts")[:, 0]

    def row_label(key) -> str:
        return separator.join(_key_label(v, missing_label) for v in key)

    def check_text(value, where: str) -> None:
        if _is_missing(value):
            return
        text = str(value)
        if separator in text:
            raise InputError(f"{where} value {value!r} contains the separator {separator!r}; pass another "
                             "separator=")
        if text == missing_label:
            raise InputError(f"{where} value {value!r} equals missing_label; pass another missing_label=")

    keys = list(counts[rows].itertuples(index=False, name=None))
    for key in dict.fromkeys(keys):
        for name, value in zip(rows, key):
            check_text(value, f"counts column {name!r}:")
    for value in dict.fromkeys(counts[column]):
        check_text(value, f"counts column {column!r}:")

    def missing_last(value) -> tuple:
        return (1,) if _is_missing(value) else (0, label_sort_key(value))

    if row_order is None:
        distinct = {row_label(key): tuple(None if _is_missing(v) else v for v in key) for key in keys}
        row_order = sorted(distinct.values(), key=lambda key: tuple(missing_last(v) for v in key))
    else:
        row_order = [tuple(key) if isinstance(key, (tuple, list)) else (key,) for key in row_order]
    if column_order is None:
        distinct = {_key_label(v, missing_label): None if _is_missing(v) else v for v in counts[column]}
        column_order = sorted(distinct.values(), key=missing_last)
    else:
        column_order = list(column_order)
    row_labels = [row_label(key) for key in row_order]
    column_labels = [_key_label(v, missing_label) for v in column_order]
    for labels, what in ((row_labels, "row_order"), (column_labels, "column_order")):
        seen = pd.Index(labels)
        if seen.has_duplicates:
            raise InputError(f"{what} repeats {seen[seen.duplicated()][0]!r} (key values that are the same "
                             "once written as text count as one)")
    cell_rows = pd.Index(row_labels).get_indexer([row_label(key) for key in keys])
    cell_cols = pd.Index(column_labels).get_indexer([_key_label(v, missing_label) for v in counts[column]])
    if (cell_rows < 0).any():
        raise InputError(f"counts row {int(np.flatnonzero(cell_rows < 0)[0])}: key "
                         f"{keys[int(np.flatnonzero(cell_rows < 0)[0])]!r} is not in row_order; add it")
    if (cell_cols < 0).any():
        bad = int(np.flatnonzero(cell_cols < 0)[0])
        raise InputError(f"counts row {bad}: {column} = {counts[column].iloc[bad]!r} is not in column_order; add it")
    grid = np.zeros((len(row_labels), len(column_labels)), dtype=np.int64)
    np.add.at(grid, (cell_rows, cell_cols), np.rint(values).astype(np.int64))
    wide = pd.DataFrame(grid, index=row_labels, columns=column_labels)
    result = suppress_small_cells(wide, k, row_totals=row_totals, col_totals=col_totals,
                                  suppress_zeros=suppress_zeros)
    intervals = disclosure_intervals(result)
    if len(intervals) and not intervals["protected"].all():  # pragma: no cover - ruled out by the audit
        bad = intervals[~intervals["protected"]].iloc[0]
        raise InfeasibleError(f"the audit found hidden cell ({bad['row']}, {bad['column']}) unprotected")
    hidden = result.suppressed.to_numpy()
    n_rows, n_cols = grid.shape
    long = pd.DataFrame({name: [key[i] for key in row_order for _ in range(n_cols)]
                         for i, name in enumerate(rows)})
    long[column] = [value for _ in range(n_rows) for value in column_order]
    long[count] = pd.array(np.where(hidden, None, grid).ravel().tolist(), dtype="Int64")
    long[flag] = np.where(hidden.ravel(), marker, None)
    n_hidden = int(hidden.sum())
    return LongSuppressionResult(
        table=long, wide=result, intervals=intervals, threshold=k, rows=tuple(rows), column=column,
        count=count, flag=flag, marker=marker, separator=separator, missing_label=missing_label,
        converged=True, iterations=result.iterations,
        message=(f"{len(long)} cells ({n_rows} x {n_cols}), {n_hidden} hidden at k = {k} "
                 f"(audit: {int(intervals['protected'].sum()) if len(intervals) else 0} of {len(intervals)} "
                 "hidden cells protected)"),
        diagnostics=result.diagnostics,
    )
