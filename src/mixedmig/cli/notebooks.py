"""Notebook commands: ``notebooks`` (alias ``figures``), ``reproduce``, ``student-copies``.

``mixedmig figures`` is the same command as ``mixedmig notebooks``: executing the notebooks is
what writes the ``figures/`` folder, so one command does both.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from .data import _cmd_build

__all__ = ["register"]

#: Notebooks executed by default: the numbered units, then the country-profile template.
NOTEBOOK_PATTERNS = ("[0-9][0-9]-*.ipynb", "profile.ipynb")


def _notebook_paths(names, patterns=NOTEBOOK_PATTERNS) -> list[Path]:
    from .. import data

    if names:
        return [Path(n) for n in names]
    folder = data.repo_root() / "notebooks"
    paths = []
    for pattern in patterns:
        paths += sorted(folder.glob(pattern))
    return paths


def _cmd_notebooks(args) -> int:
    from ..notebook import execute_notebook

    for path in _notebook_paths(args.notebooks):
        seconds = execute_notebook(path, timeout=args.timeout)
        print(f"executed {path} in {seconds:.1f} s")
    return 0


def _cmd_reproduce(args) -> int:
    _cmd_build(argparse.Namespace(output=None))
    return _cmd_notebooks(argparse.Namespace(notebooks=[], timeout=args.timeout))


def _cmd_student_copies(args) -> int:
    from ..teaching import write_student_copies

    # default: the numbered units (the profile template has no exercises)
    paths = _notebook_paths(args.notebooks, patterns=NOTEBOOK_PATTERNS[:1])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        written = write_student_copies(paths, args.output)
    for warning in caught:
        print(f"mixedmig: warning: {warning.message}", file=sys.stderr)
    for path in written:
        print(f"wrote {path}")
    return 0


def register(sub) -> None:
    """Add the notebook commands to the sub-parser collection ``sub``.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The sub-parser collection of the ``mixedmig`` parser.

    Returns
    -------
    None
    """
    p = sub.add_parser(
        "notebooks", aliases=["figures"],
        help="execute notebooks in place, storing outputs and writing figures/ "
        "(alias: figures, the same command)",
        description="Execute notebooks in place (default: notebooks/NN-*.ipynb, then "
        "notebooks/profile.ipynb), storing their outputs and embedded figures; the notebooks "
        "also save their figures to figures/. 'mixedmig figures' is the same command.",
    )
    p.add_argument("notebooks", nargs="*", help="notebook files (default: all)")
    p.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    p.set_defaults(func=_cmd_notebooks)

    p = sub.add_parser(
        "reproduce", help="build data/processed, then execute every notebook (writes figures/)"
    )
    p.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    p.set_defaults(func=_cmd_reproduce)

    p = sub.add_parser(
        "student-copies", help="write copies of the notebooks without solution cells",
        description="Write student copies of the notebooks into OUTPUT: solution cells removed, "
        "an empty answer cell after each exercise, outputs cleared. Warns for a notebook "
        "without solution cells. OUTPUT must not be the notebooks' own folder nor a folder "
        "inside it.",
    )
    p.add_argument("output", help="folder to write the student copies to")
    p.add_argument("notebooks", nargs="*", help="notebook files (default: notebooks/NN-*.ipynb)")
    p.set_defaults(func=_cmd_student_copies)
