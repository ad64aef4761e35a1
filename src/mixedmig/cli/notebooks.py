"""Notebook commands: ``notebooks``, ``figures``, ``reproduce``, ``student-copies``."""

from __future__ import annotations

import argparse
from pathlib import Path

from .data import _cmd_build

__all__ = ["register"]


def _notebook_paths(names) -> list[Path]:
    from .. import data

    folder = data.repo_root() / "notebooks"
    if names:
        return [Path(n) for n in names]
    return sorted(folder.glob("[0-9][0-9]-*.ipynb"))


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

    for path in write_student_copies(_notebook_paths(args.notebooks), args.output):
        print(f"wrote {path}")
    return 0


def register(sub) -> None:
    """Add the notebook commands to the sub-parser collection ``sub``."""
    for name, helptext in (
        ("notebooks", "execute notebooks in place, storing outputs"),
        ("figures", "execute the notebooks, which write the figures/ folder"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("notebooks", nargs="*", help="notebook files (default: all)")
        p.add_argument("--timeout", type=int, default=600, help="seconds per cell")
        p.set_defaults(func=_cmd_notebooks)

    p = sub.add_parser(
        "reproduce", help="build data/processed, then execute every notebook (writes figures/)"
    )
    p.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    p.set_defaults(func=_cmd_reproduce)

    p = sub.add_parser(
        "student-copies", help="write copies of the notebooks without solution cells"
    )
    p.add_argument("output", help="folder to write the student copies to")
    p.add_argument("notebooks", nargs="*", help="notebook files (default: all)")
    p.set_defaults(func=_cmd_student_copies)
