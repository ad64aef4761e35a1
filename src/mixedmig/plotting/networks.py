""""""

from __future__ import annotations
import math
from collections.abc import Sequence
from ..errors import InputError


def grouped_circle_layout(G, group: str, order: Sequence | None = None, radius: float = 1.0,
                          inner_radius: float = 0.3) -> dict:
    """Positions ``{node: (x, y)}``: group ``i`` of ``g`` (in ``order``, default sorted) is
    centred at angle ``90 - 360 i / g`` degrees on a circle of ``radius`` (clockwise from the
    top); its ``m`` members, sorted by label, sit at angle ``90 - 360 j / m`` degrees on a
    circle of ``inner_radius`` around that centre (a group of one sits on the centre).
    ``group`` names a node attribute.  No randomness, so a drawing never changes between runs.
    """
    groups: dict = {}
    for node, data in G.nodes(data=True):
        if group not in data:
            raise InputError(f"node {node!r} has no attribute {group!r}")
        groups.setdefault(data[group], []).append(node)
    if order is None:
        order = sorted(groups, key=str)
    else:
        order = list(order)
        missing = [g for g in groups if g not in order]
        if missing:
            raise InputError(f"group(s) {missing} are not in order")
    positions = {}
    n_groups = len(order)
    for i, label in enumerate(order):
        angle = math.radians(90 - 360 * i / n_groups)
        cx, cy = radius * math.cos(angle), radius * math.sin(angle)
        members = sorted(groups.get(label, []), key=str)
        for j, node in enumerate(members):
            if len(members) == 1:
                positions[node] = (cx, cy)
                continue
            inner = math.radians(90 - 360 * j / len(members))
            positions[node] = (cx + inner_radius * math.cos(inner),
                               cy + inner_radius * math.sin(inner))
    return positions
