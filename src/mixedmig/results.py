"""The one result protocol of mixedmig.

Every estimator and iterative routine returns a frozen dataclass named ``...Result`` that
subclasses :class:`Result`, so results read the same everywhere:

``converged`` : bool
    True when the routine met its stopping rule (closed-form methods: always True).
``iterations`` : int
    Iterations used (closed-form methods: 0).
``message`` : str
    One line a person can read: what was done and whether it worked.
``diagnostics`` : pandas.DataFrame
    Everything else worth checking, one row per check or per iteration step, never a tuple or
    ``.attrs``.  Empty when there is nothing to report.
``to_frame()``
    The main tidy table of the result (labelled by country codes where labels exist).

Labelled outputs are DataFrames or Series indexed by country codes (or state names), not bare
arrays, wherever labels exist.  Subclasses add their own fields; the four fields above are
keyword-only so that a subclass may declare its own fields first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = ["Result", "diagnostics_frame"]


def diagnostics_frame(rows=None, columns=("check", "value", "note")) -> pd.DataFrame:
    """A diagnostics table: one row per check.

    Parameters
    ----------
    rows : iterable of dict or tuple, optional
        The checks; ``None`` gives an empty table with the given columns.
    columns : sequence of str
        Column names (default ``check``, ``value``, ``note``).

    Returns
    -------
    pandas.DataFrame
        The table, with a fresh ``RangeIndex``.

    Examples
    --------
    >>> diagnostics_frame([("iterations", 3, "")]).shape
    (1, 3)
    >>> list(diagnostics_frame().columns)
    ['check', 'value', 'note']
    """
    if rows is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return pd.DataFrame(list(rows), columns=list(columns))


@dataclass(frozen=True, eq=False, kw_only=True)
class Result:
    """Base of every ``...Result`` dataclass (see the module docstring for the vocabulary).

    Parameters
    ----------
    converged : bool
        Whether the routine met its stopping rule.
    iterations : int
        Iterations used; 0 for closed-form methods.
    message : str
        A one-line human-readable summary.
    diagnostics : pandas.DataFrame
        Checks worth reading, one row each.
    """

    converged: bool = True
    iterations: int = 0
    message: str = ""
    diagnostics: pd.DataFrame = field(default_factory=diagnostics_frame, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The main tidy table of the result.

        Returns
        -------
        pandas.DataFrame
            Defined by each subclass.

        Raises
        ------
        NotImplementedError
            On the base class itself.
        """
        raise NotImplementedError(f"{type(self).__name__} does not define to_frame()")
