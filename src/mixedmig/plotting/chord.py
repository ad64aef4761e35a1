"""Chord diagrams (circular migration plots) of origin-destination tables.

Each country is an arc of the circle, sized by its total flow out and in; each flow is a
ribbon from the origin's arc to the destination's arc, in the origin's colour, as in the
circular plots of global migration flows of Abel & Sander (2014) and Sander et al. (2014).

References
----------
Abel, G. J. & Sander, N. (2014). Quantifying global international migration flows.
*Science*, 343(6178), 1520-1522.

Sander, N., Abel, G. J., Bauer, R. & Schmidt, J. (2014). *Visualising migration flow data
with circular plots*. Vienna Institute of Demography Working Papers 2/2014.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.patches import PathPatch, Wedge
from matplotlib.path import Path as MplPath

from ..checks import require_columns
from ..errors import InputError
from ._checks import _numeric
from .style import GREY, _colour_for, _display_name, _new_axes

__all__ = ["ChordDiagram", "chord_diagram", "lump_small"]


@dataclass
class ChordDiagram:
    """What :func:`chord_diagram` drew (a drawing, not an estimator result).

    Attributes
    ----------
    ax : matplotlib.axes.Axes
        The axes drawn on.
    order : list
        Node labels in drawing order, counter-clockwise from ``start_angle``.
    totals : pandas.Series
        Outflow + inflow per node (diagonal excluded), indexed by ``order``.
    degrees_per_unit : float
        Scale ``k``: a node's arc spans ``totals * k`` degrees.
    arcs : dict of label to matplotlib.patches.Wedge
        The outer arc of every node with flow.
    ribbons : dict of (label, label) to matplotlib.patches.PathPatch
        The ribbon of every drawn flow, keyed by (origin, destination).
    segments : dict of (label, label) to pair of (float, float)
        The (start, end) angles (degrees) of each ribbon's end at the origin and at the
        destination, for every positive flow (drawn or not).
    lumped : list
        Labels summed into the "Other" node by :func:`lump_small` (empty when nothing was
        lumped).
    labels : dict of label to matplotlib.text.Text
        The node names written, by label.
    """

    ax: Any
    order: list
    totals: pd.Series
    degrees_per_unit: float
    arcs: dict[Any, Wedge]
    ribbons: dict[tuple[Any, Any], PathPatch]
    segments: dict[tuple[Any, Any], tuple[tuple[float, float], tuple[float, float]]]
    lumped: list = field(default_factory=list)
    labels: dict = field(default_factory=dict)


def _arc_vertices(theta1: float, theta2: float, radius: float):
    """Cubic Bezier approximation of a circular arc (degrees, counter-clockwise), without
    its MOVETO."""
    arc = MplPath.arc(theta1, theta2)
    return arc.vertices[1:] * radius, list(arc.codes[1:])


def _polar(angle_deg: float, radius: float) -> tuple[float, float]:
    a = math.radians(angle_deg)
    return radius * math.cos(a), radius * math.sin(a)


def _ribbon_path(a: tuple[float, float], b: tuple[float, float], radius: float) -> MplPath:
    """Ribbon from arc segment ``a`` to arc segment ``b`` on a circle: arc along ``a``, a
    quadratic Bezier through the centre to ``b``, arc along ``b``, Bezier back."""
    verts = [_polar(a[0], radius)]
    codes = [MplPath.MOVETO]
    arc_v, arc_c = _arc_vertices(a[0], a[1], radius)
    verts += list(map(tuple, arc_v))
    codes += arc_c
    verts += [(0.0, 0.0), _polar(b[0], radius)]
    codes += [MplPath.CURVE3, MplPath.CURVE3]
    arc_v, arc_c = _arc_vertices(b[0], b[1], radius)
    verts += list(map(tuple, arc_v))
    codes += arc_c
    verts += [(0.0, 0.0), _polar(a[0], radius), _polar(a[0], radius)]
    codes += [MplPath.CURVE3, MplPath.CURVE3, MplPath.CLOSEPOLY]
    return MplPath(np.asarray(verts, dtype=float), codes)


_LUMP_BY = ("node", "orig", "dest", "flow")


def lump_small(
    matrix_df: pd.DataFrame,
    *,
    threshold: float | None = None,
    top_n: int | None = None,
    by: str | Sequence[str] = "node",
    other: str = "Other",
) -> pd.DataFrame:
    """Sum small origins, destinations or flows of an OD matrix into one "Other" category.

    The behaviour of ``sum_lump`` of the R package migest (Abel), written anew: places (or
    single flows) below a size threshold -- or outside the ``top_n`` largest -- are summed
    into one category labelled ``other``, so a chord diagram of 200+ countries stays
    readable.  Nothing is lost: the lumped matrix has the same grand total (exactly, for
    integer matrices).  Lumping places (every ``by`` but ``"flow"``) also keeps the outflow
    (row total) of every kept origin and the inflow (column total) of every kept
    destination; lumping flows (``by="flow"``) moves small cells to ``(other, other)``, so
    the totals of the places they leave shrink.

    Parameters
    ----------
    matrix_df : pandas.DataFrame
        OD matrix, rows = origins, columns = destinations, finite and non-negative.
    threshold : float, optional
        Size below which a place (or a flow, with ``by="flow"``) is lumped; a size equal to
        the threshold is kept.  Give ``threshold`` or ``top_n``, not both.
    top_n : int, optional
        Keep the ``top_n`` largest places (ties broken by label order) and lump the rest.
    by : {"node", "orig", "dest", "flow"} or ("orig", "dest"), default "node"
        What is measured against the threshold:

        * ``"node"``: each place's outflow + inflow (diagonal excluded); a lumped place is
          lumped both as origin and as destination, so the matrix stays square -- the form
          :func:`chord_diagram` needs.  Flows between two lumped places become
          ``(other, other)``.
        * ``"orig"``: each origin's outflow (row sum, diagonal excluded); lumped origins
          become one row.
        * ``"dest"``: each destination's inflow (column sum, diagonal excluded); lumped
          destinations become one column.
        * ``("orig", "dest")`` (either order): both of the above at once -- an origin is
          lumped when its outflow is small and, separately, a destination when its inflow is
          small, so one place may be kept on one side and lumped on the other and the
          result is in general not square.  This is migest's
          ``sum_lump(m, threshold, lump = c("in", "out"))``.  On a matrix with a zero
          diagonal it equals ``by="orig"`` followed by ``by="dest"`` (otherwise the second
          call would count a lumped origin's diagonal cell as a flow from ``other``).
        * ``"flow"``: each off-diagonal cell; a small cell's value moves to
          ``(other, other)`` (``top_n`` keeps the ``top_n`` largest cells).

    other : str, default "Other"
        Label of the lumped category.  It may already be a label only as the *last* row
        and/or column, where an earlier call of this function puts it (so calls can be
        chained): that row/column is taken as the lumped category, is never ranked or
        lumped itself, and receives what is lumped now.  Anywhere else it is taken for a
        place, and rejected.

    Returns
    -------
    pandas.DataFrame
        The lumped matrix: the kept labels in their input order, then ``other`` (last row
        and/or column) when anything was lumped.  Integer matrices stay integer.

    Raises
    ------
    InputError
        If neither or both of ``threshold`` and ``top_n`` are given, ``top_n`` is not a
        positive integer, ``threshold`` is negative, ``by`` is unknown, ``other`` is a label
        other than the last row or column, labels repeat, or values are missing, negative or
        not numbers.

    Notes
    -----
    With ``by="node"`` and lumped set :math:`L`, the lumped matrix is
    :math:`f'_{ij} = f_{ij}` for kept :math:`i, j`,
    :math:`f'_{i,O} = \\sum_{j \\in L} f_{ij}`, :math:`f'_{O,j} = \\sum_{i \\in L} f_{ij}` and
    :math:`f'_{O,O} = \\sum_{i, j \\in L} f_{ij}`, so every row and column total of a kept
    place and the grand total are unchanged.  With ``by=("orig", "dest")``, lumped origins
    :math:`L_o` (outflow below the threshold) and lumped destinations :math:`L_d` (inflow
    below it) are summed separately: :math:`f'_{O,j} = \\sum_{i \\in L_o} f_{ij}`,
    :math:`f'_{i,O} = \\sum_{j \\in L_d} f_{ij}`,
    :math:`f'_{O,O} = \\sum_{i \\in L_o, j \\in L_d} f_{ij}`.

    References
    ----------
    Abel, G. J. (2024). migest: Methods for the Indirect Estimation of Bilateral Migration.
    R package, function ``sum_lump`` (documentation only; no code is taken from it).

    Examples
    --------
    Made-up flows (not real data); C and D move fewer than 10 persons in + out:

    >>> import pandas as pd
    >>> from mixedmig.plotting import lump_small
    >>> m = pd.DataFrame([[0, 50, 2, 1], [40, 0, 1, 0], [3, 1, 0, 1], [0, 1, 0, 0]],
    ...                  index=list("ABCD"), columns=list("ABCD"))
    >>> lump_small(m, threshold=10)
            A   B  Other
    A       0  50      3
    B      40   0      1
    Other   3   2      1
    >>> int(lump_small(m, top_n=2).to_numpy().sum()) == int(m.to_numpy().sum())
    True

    Origins and destinations measured separately (outflows: C 5, D 1; inflows: C 3, D 2):

    >>> lump_small(m, threshold=10, by=("orig", "dest"))
            A   B  Other
    A       0  50      3
    B      40   0      1
    Other   3   2      1
    """
    what = "lump_small"
    require_columns(matrix_df, [], what)
    if matrix_df.index.has_duplicates or matrix_df.columns.has_duplicates:
        raise InputError(f"{what}: row and column labels must be unique.")
    if (threshold is None) == (top_n is None):
        raise InputError(f"{what}: give exactly one of threshold= (a size) or top_n= (a count).")
    if top_n is not None and (isinstance(top_n, bool) or not isinstance(top_n, (int, np.integer))
                              or top_n < 1):
        raise InputError(f"{what}: top_n must be a positive integer, got {top_n!r}.")
    if threshold is not None:
        try:
            threshold = float(threshold)
        except (TypeError, ValueError):
            raise InputError(f"{what}: threshold must be a number, got {threshold!r}.") from None
        if not threshold >= 0:
            raise InputError(f"{what}: threshold must be >= 0, got {threshold!r}.")
    if isinstance(by, str):
        sides = {by} if by in _LUMP_BY else None
    elif isinstance(by, Sequence) and len(by) in (1, 2) and len(set(by)) == len(by) \
            and all(isinstance(b, str) for b in by) and set(by) <= {"orig", "dest"}:
        sides = set(by)
    else:
        sides = None
    if sides is None:
        raise InputError(f"{what}: by must be one of {list(_LUMP_BY)} or ('orig', 'dest') "
                         f"(both sides), got {by!r}.")
    for axis, labels in (("row", matrix_df.index), ("column", matrix_df.columns)):
        if other in set(labels) and labels[-1] != other:
            raise InputError(
                f"{what}: {other!r} is already a label of the matrix, and not as its last "
                f"{axis} (where an earlier lump_small call puts it), so it looks like a "
                "place; choose another other= (or move that row/column last to add to it).")
    values = matrix_df.apply(lambda s: _numeric(s, what, allow_missing=False))
    if all(pd.api.types.is_integer_dtype(t) for t in matrix_df.dtypes):
        values = values.astype(matrix_df.dtypes.iloc[0] if len(matrix_df.columns) else "int64")
    rows, cols = list(values.index), list(values.columns)
    off = values.copy()
    for label in set(rows) & set(cols):
        off.loc[label, label] = 0
    # an existing `other` row/column (from an earlier call) is the lumped category already:
    # never ranked, never kept as a place
    places_r = [r for r in rows if r != other]
    places_c = [c for c in cols if c != other]

    def small(sizes: pd.Series) -> set:
        if threshold is not None:
            return set(sizes.index[sizes < threshold])
        ranked = sorted(range(len(sizes)), key=lambda k: (-float(sizes.iloc[k]), k))
        return {sizes.index[k] for k in ranked[int(top_n):]}

    if sides == {"flow"}:
        long = off.loc[places_r, places_c].stack()
        long = long[long > 0]
        if threshold is not None:
            lumped_cells = long[long < threshold]
        else:
            ranked = sorted(range(len(long)), key=lambda k: (-float(long.iloc[k]), k))
            lumped_cells = long.iloc[sorted(ranked[int(top_n):])]
        if lumped_cells.empty:
            return values.copy()
        out = values.reindex(index=places_r + [other], columns=places_c + [other],
                             fill_value=0)
        for (i, j), v in lumped_cells.items():
            out.loc[i, j] -= v
        out.loc[other, other] += lumped_cells.sum()
        return out

    if sides == {"node"}:
        labels = places_r + [c for c in places_c if c not in set(places_r)]
        sizes = (off.sum(axis=1).reindex(labels, fill_value=0)
                 + off.sum(axis=0).reindex(labels, fill_value=0))
        lumped_rows = lumped_cols = small(sizes)
    else:
        lumped_rows = small(off.sum(axis=1)[places_r]) if "orig" in sides else set()
        lumped_cols = small(off.sum(axis=0)[places_c]) if "dest" in sides else set()
    if not lumped_rows and not lumped_cols:
        return values.copy()
    row_map = {r: (other if r in lumped_rows or r == other else r) for r in rows}
    col_map = {c: (other if c in lumped_cols or c == other else c) for c in cols}
    row_order = ([r for r in places_r if row_map[r] == r]
                 + ([other] if other in row_map.values() else []))
    col_order = ([c for c in places_c if col_map[c] == c]
                 + ([other] if other in col_map.values() else []))
    out = (values.groupby(values.index.map(row_map), sort=False).sum()
           .T.groupby(values.columns.map(col_map), sort=False).sum().T)
    return out.reindex(index=row_order, columns=col_order)


def chord_diagram(
    matrix_df: pd.DataFrame,
    ax=None,
    colours: Mapping | None = None,
    min_share: float = 0.0,
    *,
    order: Sequence | None = None,
    gap: float = 2.0,
    arc_width: float = 0.08,
    start_angle: float = 90.0,
    labels: bool = True,
    ribbon_alpha: float = 0.65,
    lump_threshold: float | None = None,
    lump_top_n: int | None = None,
    other_label: str = "Other",
    label_min_degrees: float = 0.0,
    label_size: float = 9.0,
    title: str | None = None,
    figsize=(6.0, 6.0),
) -> ChordDiagram:
    """Chord diagram of an origin-destination matrix.

    Each node gets an outer arc whose angle is proportional to its outflow + inflow; inside
    it, the node's outgoing segments come first, then the incoming ones, each ordered by
    ``order``.  The ribbon for flow ``f_ij`` spans the same angle at both ends (origin
    segment at i, destination segment at j) and takes the origin's colour.

    Parameters
    ----------
    matrix_df : pandas.DataFrame
        Square or rectangular OD matrix, rows = origins, columns = destinations, finite and
        non-negative (fill absent pairs with 0); the diagonal is ignored.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; None creates a new figure.
    colours : mapping, optional
        Colour of each label; default the house country colour for registry codes, else the
        colour cycle by position.
    min_share : float, default 0.0
        Ribbons whose flow is below ``min_share`` of the total flow are not drawn (arcs still
        count them); in [0, 1).
    order : sequence, optional
        Node order, counter-clockwise; default the row labels followed by column labels not
        among them.  Must list every label exactly once.
    gap : float, default 2.0
        Degrees between neighbouring arcs.
    arc_width : float, default 0.08
        Radial width of the arcs (circle radius 1).
    start_angle : float, default 90.0
        Angle (degrees) where the first arc starts.
    labels : bool, default True
        Write node names (country names for registry codes) outside the arcs.
    ribbon_alpha : float, default 0.65
        Ribbon opacity.
    lump_threshold, lump_top_n : float or int, optional
        Sum the small places into one node before drawing, with :func:`lump_small`
        (``by="node"``): places whose outflow + inflow is below ``lump_threshold``, or all but
        the ``lump_top_n`` largest.  Give at most one.  The lumped node comes last, in grey.
    other_label : str, default "Other"
        Label of the lumped node.
    label_min_degrees : float, default 0.0
        Name only arcs spanning at least this many degrees.
    label_size : float, default 9.0
        Font size (points) of the node names.
    title : str, optional
        Axes title.
    figsize : tuple of float, default (6.0, 6.0)
        Size (inches) of a new figure.

    Returns
    -------
    ChordDiagram
        The axes, node order, totals, scale, arcs, ribbons and segment angles.

    Raises
    ------
    InputError
        If the table is not a DataFrame, labels repeat, values are missing, negative or not
        numbers, ``order`` does not list every label, ``min_share`` is outside [0, 1), there
        is no off-diagonal flow, ``gap`` leaves no room, or :func:`lump_small` rejects the
        lumping options.

    Notes
    -----
    ``k = (360 - n gap) / sum_i (O_i + I_i)`` degrees per unit, with ``n`` the number of nodes
    with flow, ``O_i = sum_j f_ij`` and ``I_i = sum_j f_ji`` (``j != i``).  Node ``i``'s arc
    spans ``k (O_i + I_i)`` degrees and flow ``f_ij`` spans ``k f_ij`` degrees at each end.
    Nodes with no flow get no arc.

    References
    ----------
    Abel, G. J. & Sander, N. (2014). Quantifying global international migration flows.
    *Science*, 343(6178), 1520-1522.

    Sander, N., Abel, G. J., Bauer, R. & Schmidt, J. (2014). *Visualising migration flow
    data with circular plots*. Vienna Institute of Demography Working Papers 2/2014.

    Examples
    --------
    A made-up two-country table (not real data): 60 persons A->B, 30 persons B->A.  Each
    node's total is 90, so each arc spans (360 - 2 x 2) / 180 x 90 = 178 degrees.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from mixedmig.plotting import chord_diagram
    >>> m = pd.DataFrame([[0, 60], [30, 0]], index=["A", "B"], columns=["A", "B"])
    >>> drawing = chord_diagram(m)
    >>> drawing.totals.tolist(), drawing.degrees_per_unit
    ([90.0, 90.0], 1.9777777777777779)
    >>> float(round(drawing.arcs["A"].theta2 - drawing.arcs["A"].theta1, 6))
    178.0
    """
    what = "chord_diagram"
    require_columns(matrix_df, [], what)
    if matrix_df.index.has_duplicates or matrix_df.columns.has_duplicates:
        raise InputError(f"{what}: row and column labels must be unique.")
    lumped: list = []
    if lump_threshold is not None or lump_top_n is not None:
        before = list(matrix_df.index) + [c for c in matrix_df.columns
                                          if c not in set(matrix_df.index)]
        matrix_df = lump_small(matrix_df, threshold=lump_threshold, top_n=lump_top_n,
                               by="node", other=other_label)
        kept = set(matrix_df.index) | set(matrix_df.columns)
        lumped = [c for c in before if c not in kept]
        if order is not None and lumped:
            order = [c for c in order if c in kept] + [other_label]
        colours = {**(colours or {}), other_label: GREY}
    if not 0.0 <= min_share < 1.0:
        raise InputError(f"{what}: min_share must be in [0, 1), got {min_share}.")
    rows = set(matrix_df.index)
    default_order = list(matrix_df.index) + [c for c in matrix_df.columns if c not in rows]
    if order is None:
        order = default_order
    else:
        order = list(order)
        same_labels = sorted(map(str, order)) == sorted(map(str, default_order))
        if not same_labels or len(set(order)) != len(order):
            raise InputError(
                f"{what}: order must list every row/column label exactly once; labels are "
                f"{default_order}."
            )
    values = matrix_df.apply(lambda s: _numeric(s, what, allow_missing=False))
    full = np.array(values.reindex(index=order, columns=order, fill_value=0.0), dtype=float)
    np.fill_diagonal(full, 0.0)
    outflow, inflow = full.sum(axis=1), full.sum(axis=0)
    totals = pd.Series(outflow + inflow, index=order, name="total")
    grand = float(totals.sum())
    if grand <= 0:
        raise InputError(f"{what}: the matrix has no off-diagonal flow to draw.")
    active = [i for i, t in enumerate(totals) if t > 0]
    available = 360.0 - gap * len(active)
    if available <= 0:
        raise InputError(f"{what}: gap={gap} degrees leaves no room for {len(active)} arcs.")
    k = available / grand

    ax = _new_axes(ax, figsize)
    radius = 1.0
    inner = radius - arc_width
    arcs: dict[Any, Wedge] = {}
    texts: dict = {}
    out_start: dict[int, float] = {}
    in_start: dict[int, float] = {}
    angle = start_angle
    for pos, i in enumerate(active):
        label = order[i]
        theta1, theta2 = angle, angle + totals.iloc[i] * k
        colour = _colour_for(label, i, colours)
        wedge = Wedge((0, 0), radius, theta1, theta2, width=arc_width, facecolor=colour,
                      edgecolor="white", linewidth=0.5, zorder=3, gid=f"arc-{label}")
        ax.add_patch(wedge)
        arcs[label] = wedge
        out_start[i] = theta1
        in_start[i] = theta1 + outflow[i] * k
        if labels and theta2 - theta1 >= label_min_degrees:
            mid = math.radians((theta1 + theta2) / 2)
            c, s = math.cos(mid), math.sin(mid)
            texts[label] = ax.text(
                (radius + 0.06) * c,
                (radius + 0.06) * s,
                _display_name(label),
                ha="left" if c > 0.05 else ("right" if c < -0.05 else "center"),
                va="bottom" if s > 0.05 else ("top" if s < -0.05 else "center"),
                fontsize=label_size,
            )
        angle = theta2 + gap

    ribbons: dict[tuple[Any, Any], PathPatch] = {}
    segments: dict[tuple[Any, Any], tuple[tuple[float, float], tuple[float, float]]] = {}
    # Outgoing segments at i in destination order; incoming segments at j in origin order.
    out_cursor = dict(out_start)
    in_cursor = dict(in_start)
    threshold = min_share * grand / 2.0
    for i in active:
        for j in active:
            f = full[i, j]
            if f <= 0:
                continue
            a = (out_cursor[i], out_cursor[i] + f * k)
            out_cursor[i] = a[1]
            segments[(order[i], order[j])] = (a, (np.nan, np.nan))
    for j in active:
        for i in active:
            f = full[i, j]
            if f <= 0:
                continue
            b = (in_cursor[j], in_cursor[j] + f * k)
            in_cursor[j] = b[1]
            key = (order[i], order[j])
            segments[key] = (segments[key][0], b)
    position = {label: p for p, label in enumerate(order)}
    for (o, d), (a, b) in segments.items():
        f = full[position[o], position[d]]
        if f < threshold:
            continue
        colour = _colour_for(o, position[o], colours)
        patch = PathPatch(_ribbon_path(a, b, inner), facecolor=colour, edgecolor=colour,
                          linewidth=0.3, alpha=ribbon_alpha, zorder=2, gid=f"ribbon-{o}-{d}")
        ax.add_patch(patch)
        ribbons[(o, d)] = patch

    lim = radius + 0.45
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ChordDiagram(ax=ax, order=order, totals=totals, degrees_per_unit=k, arcs=arcs,
                        ribbons=ribbons, segments=segments, lumped=lumped, labels=texts)
