"""The input tables of a profile: which are the curated ones, which the user's (private helper).

A profile reads each source from a curated table by default; ``tables={role: value}`` replaces
it by another table name, the path of a CSV file standing in for it (read by
:func:`mixedmig.data.load_as`), a DataFrame, or ``None`` (the source left out). Only a curated
table is cited with its manifest: a curated table's name, or a CSV file whose bytes are the
curated table's (its sha256 is the one the manifest records, so its figures are the shipped
ones). Every other input (an imported table, another CSV file, a DataFrame) is the user's and is
labelled so.

The rules both profiles apply to the rows of an input table live here too, so that the corridor
and the country profile read a row the same way (:func:`migrants_not_victims`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import data
from ..errors import InputError

#: Columns of a profile's ``inputs`` table, in order.
INPUT_COLUMNS = ["role", "input", "user_supplied", "source_table", "edition"]


@dataclass(frozen=True)
class Input:
    """One source of a profile as resolved: what was given and whose table it is."""

    role: str  # the curated table the input stands in for (a key of ``tables=``)
    given: object  # what the caller gave: a table name, a path, a DataFrame, or None
    table: pd.DataFrame | None  # the loaded table (None: left out)
    curated: str | None  # the curated table's name when the input is one; else None
    edition: str  # the input's own edition (an imported table's manifest), or ""

    @property
    def name(self) -> str:
        """The name whose manifest describes the table: the curated one, else the role."""
        return self.curated or self.role

    @property
    def shown(self) -> str:
        """What was given, as text: a table name, a path, ``a DataFrame`` or ``left out``."""
        return describe(self.given)

    @property
    def label(self) -> str:
        """The ``source_table`` of the profile's rows: the curated name, or the user's label."""
        if self.curated is not None:
            return self.curated
        return f"user-supplied table for {self.role} ({self.shown})"


def describe(given) -> str:
    """A given input as text (a name or path as given; ``a DataFrame``; ``left out``)."""
    if given is None:
        return "left out"
    if isinstance(given, pd.DataFrame):
        return "a DataFrame"
    return os.fspath(given) if isinstance(given, os.PathLike) else str(given)


def curated_name(given, role: str) -> str | None:
    """The curated table ``given`` is, or None for a user's table.

    A curated table's name is curated; so is the path of a file byte-identical to the curated
    table ``role`` (the sha256 its manifest records). A DataFrame, an imported table's name or
    any other file is the user's.
    """
    if isinstance(given, str) and given in data.dataset_names():
        return given
    if isinstance(given, (str, os.PathLike)):  # an imported name is no file: the user's
        path = Path(given)
        try:
            same = path.is_file() and data.sha256_file(path) == data.manifest(role).sha256
        except Exception:  # no manifest for the role: never curated
            same = False
        return role if same else None
    return None


def _edition(table: pd.DataFrame | None, curated: str | None) -> str:
    """The edition an imported table's manifest records (curated tables: ``""``, their
    citation names the edition); an ``edition`` column is read row by row by the builders."""
    if table is None or curated is not None:
        return ""
    record = table.attrs.get("manifest") or {}
    edition = record.get("edition") if isinstance(record, dict) else None
    return "" if edition is None or str(edition).strip() == "" else str(edition).strip()


def resolve(tables, roles, *, what: str = "tables") -> dict:
    """Role -> :class:`Input` for every role, ``tables`` replacing the defaults.

    Parameters
    ----------
    tables : dict or None
        Role -> table name, CSV path, DataFrame or None.
    roles : list of str
        The curated tables the profile reads, in order.
    what : str
        The argument's name in messages.

    Returns
    -------
    dict of str to Input
    """
    given = {role: role for role in roles}
    if tables is not None:
        if not isinstance(tables, dict):
            raise InputError(f"{what} must be a dict mapping a source table name to a table "
                             f"name, a CSV path or a DataFrame, got {type(tables).__name__}.")
        unknown = sorted(set(tables) - set(roles), key=str)
        if unknown:
            raise InputError(f"{what} has unknown key(s) {', '.join(map(repr, unknown))}; the "
                             f"keys are the source tables {', '.join(roles)}.")
        given.update(tables)
    out = {}
    for role in roles:
        value = given[role]
        if value is None:
            table = None
        elif isinstance(value, pd.DataFrame):
            table = value
        elif isinstance(value, (str, os.PathLike)):
            table = data.load_as(value, role)  # a name, or a CSV path in its place
        else:
            raise InputError(f"{what}[{role!r}] must be a table name, a CSV path, a DataFrame "
                             f"or None, got {type(value).__name__}.")
        curated = None if table is None else curated_name(value, role)
        out[role] = Input(role=role, given=value, table=table, curated=curated,
                          edition=_edition(table, curated))
    return out


def inputs_frame(inputs: dict) -> pd.DataFrame:
    """One row per source: ``role, input, user_supplied, source_table, edition``."""
    return pd.DataFrame([{
        "role": i.role, "input": i.shown,
        "user_supplied": i.table is not None and i.curated is None,
        "source_table": i.label if i.table is not None else "", "edition": i.edition,
    } for i in inputs.values()], columns=INPUT_COLUMNS)


_MID_YEAR = re.compile(r"last year \((\d{4})\) may be a mid-year figure", re.IGNORECASE)


def mid_year_last(name: str | None) -> int | None:
    """The year a curated table's manifest says may be a mid-year figure, or None.

    Only a curated table's manifest can say so (``unhcr_refugees_gms``: "The last year (2025)
    may be a mid-year figure"); a user's table (``name`` None) never gets the caveat.
    """
    if name is None:
        return None
    try:
        match = _MID_YEAR.search(" ".join(str(data.manifest(name).description).split()))
    except Exception:
        return None
    return int(match.group(1)) if match else None


def migrants_not_victims(from_label, note) -> bool:
    """Whether a row of ``gms_repatriations`` counts migrants deported or pushed back, not
    repatriated victims of trafficking.

    The rule of the corridor profile's repatriations (notebook 08) and of the country profile
    (:meth:`mixedmig.profiles.CountryProfile.migrants_not_victims`): a ``from_label`` naming
    deportees (``"Thailand (deportees screened at Poipet)"``) or a ``note`` saying the persons
    were pushed back (``"... Cambodians pushed back by Thailand ..."``), both case-insensitive.
    Every other row counts victims repatriated.

    Parameters
    ----------
    from_label : str or None
        The row's ``from_label``; a missing value is no label.
    note : str or None
        The row's ``note``; a missing value is no note.

    Returns
    -------
    bool
        True for migrants (deported or pushed back), False for victims repatriated.

    Examples
    --------
    >>> from mixedmig.profiles._inputs import migrants_not_victims
    >>> migrants_not_victims("Thailand (deportees screened at Poipet)", None)
    True
    >>> migrants_not_victims("Thailand", "nearly 1,000 Cambodians pushed back by Thailand")
    True
    >>> migrants_not_victims("Thailand", "rescued abroad and returned")
    False
    """
    label = from_label if isinstance(from_label, str) else ""
    note = note if isinstance(note, str) else ""
    return "deportee" in label.lower() or "pushed back" in note.lower()
