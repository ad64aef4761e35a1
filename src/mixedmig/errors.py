"""Exceptions raised by mixedmig.

Every error a user can cause by handing the toolkit bad input is a subclass of
:class:`MixedmigError`, so callers can catch one type.  Messages name the file, the row
and the column where that makes sense, and say how to fix the problem.
"""

from __future__ import annotations


class MixedmigError(Exception):
    """Base class of every error raised by mixedmig on bad input."""


class UnknownCountryError(MixedmigError, KeyError):
    """A country name or code that the registry does not know."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0]) if self.args else ""


class DataError(MixedmigError):
    """A data file or manifest is missing, malformed or fails its schema.

    Attributes ``path``, ``row`` (1-based line number in the CSV file, header = line 1)
    and ``column`` locate the problem when known.
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
    """A table does not match its declared schema."""


class ManifestError(DataError):
    """A manifest is missing or malformed."""


class IntegrityError(DataError):
    """A file's sha256 does not match the one recorded in its manifest."""


class ConvergenceError(MixedmigError):
    """An iterative method was asked for something it cannot deliver (e.g. inconsistent margins)."""


class ModelError(MixedmigError):
    """A model was specified inconsistently (bad parameters, probabilities not summing to one, ...)."""
