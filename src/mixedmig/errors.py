"""The one exception taxonomy of mixedmig.

Every exception the package raises on purpose is defined here (a test checks it), so a caller can
catch one base class and a reader can see every kind of failure in one place::

    MixedmigError                      base of everything below
    ├── InputError (ValueError)        a bad argument: unknown option, wrong type, impossible value
    │   ├── DataError                  a bad table or file; ``path``, ``row``, ``column`` locate it
    │   │   ├── SchemaError            the table does not match its declared schema
    │   │   ├── ManifestError          a manifest is missing or malformed
    │   │   └── IntegrityError         a file's sha256 does not match its manifest
    │   └── UnknownCountryError (KeyError)   a name or code the country registry does not know
    └── ModelError                     valid inputs, but the model cannot deliver an estimate
        ├── InfeasibleError            constraints no table satisfies (margins whose sums differ,
        │                              a net total that structural zeros make unreachable)
        └── ConvergenceError           an iterative routine did not converge and the caller
                                       asked for strictness (``strict=True``)

Input errors subclass :class:`ValueError` so that generic code that catches ``ValueError`` keeps
working.  Messages name the file, the line and the column where that makes sense, and say how to
fix the problem.
"""

from __future__ import annotations

__all__ = [
    "MixedmigError",
    "InputError",
    "DataError",
    "SchemaError",
    "ManifestError",
    "IntegrityError",
    "UnknownCountryError",
    "ModelError",
    "InfeasibleError",
    "ConvergenceError",
]


class MixedmigError(Exception):
    """Base class of every exception raised by mixedmig."""


class InputError(MixedmigError, ValueError):
    """An argument the function cannot use: unknown option, wrong type or an impossible value."""


class UnknownCountryError(InputError, KeyError):
    """A country name or code that the registry does not know."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0]) if self.args else ""


class DataError(InputError):
    """A data file, table or manifest is missing, malformed or fails its schema.

    Parameters
    ----------
    message : str
        What is wrong and how to fix it.
    path : str or os.PathLike, optional
        The file (or a label for an in-memory table).
    row : int, optional
        1-based line number in the CSV file (the header is line 1).
    column : str, optional
        The column name.

    Examples
    --------
    >>> str(DataError("negative count; counts are >= 0", path="t.csv", row=3, column="value"))
    "file t.csv, line 3, column 'value': negative count; counts are >= 0"
    """

    def __init__(self, message: str, *, path=None, row=None, column=None):
        self.path = str(path) if path is not None else None
        self.row = row
        self.column = column
        where = []
        if self.path is not None:
            where.append(f"file {self.path}")
        if row is not None:
            where.append(f"line {row}")
        if column is not None:
            where.append(f"column '{column}'")
        prefix = (", ".join(where) + ": ") if where else ""
        super().__init__(prefix + message)


class SchemaError(DataError):
    """A table does not match its declared schema.

    Attributes
    ----------
    problems : sequence of mixedmig.data.Problem
        Every problem found in the file (up to the validator's ``max_problems``), in file order;
        empty when the error was raised for a single problem.
    problem_count : int
        How many problems were found in all (may exceed ``len(problems)``).
    """

    problems: tuple = ()
    problem_count: int = 0


class ManifestError(DataError):
    """A manifest is missing or malformed."""


class IntegrityError(DataError):
    """A file's sha256 does not match the one recorded in its manifest."""


class ModelError(MixedmigError):
    """The inputs are valid, but the model cannot deliver an estimate from them."""


class InfeasibleError(ModelError):
    """Constraints that no table satisfies (margins whose sums differ, unreachable net totals)."""


class ConvergenceError(ModelError):
    """An iterative routine did not converge and the caller asked for strictness."""
