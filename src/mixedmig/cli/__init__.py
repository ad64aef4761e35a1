"""The ``mixedmig`` command line.

    mixedmig list [--kinds]                the curated, derived and imported tables; the schema kinds
    mixedmig validate                      load and check every curated table
    mixedmig validate FILE --schema KIND   check your own CSV against a schema kind (or a table's schema)
    mixedmig hash FILE                     print a file's sha256 (for a manifest)
    mixedmig build                         data/raw -> data/processed
    mixedmig fetch SOURCE [--edition E]    download an official file into the cache (pooch)
    mixedmig import SOURCE FILE            read an official file into a schema kind, for notebooks
    mixedmig notebooks [NB ...]            execute notebooks in place (outputs stored)
    mixedmig figures [NB ...]              the same as notebooks (the notebooks write figures/)
    mixedmig reproduce                     build, then execute every notebook
    mixedmig student-copies OUT            notebooks without solution cells, for teaching
    mixedmig run NB -p NAME VALUE ...      a copy of a notebook run with parameters (papermill)
    mixedmig profile ISO3 [-p NAME VALUE]  a country profile (notebook and HTML), on your tables

Errors of the package (:class:`mixedmig.errors.MixedmigError`) are printed as
``mixedmig: error: ...`` naming the file, line and column where that applies, one line per problem
when validation found several (then a line counting them), and the command exits with status 2.
Everything printed from a file (cell values, column names, paths) is escaped, so control
characters and ANSI escape sequences never reach the terminal raw.
"""

from __future__ import annotations

import argparse
import os
import sys

from .. import __version__
from ..errors import MixedmigError
from . import data, notebooks, opendata, teaching
from ._report import cli_terms, report

__all__ = ["build_parser", "main"]

#: Modules that add sub-commands, in the order they appear in ``mixedmig --help``.
_COMMAND_MODULES = (data, opendata, notebooks, teaching)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``mixedmig`` command, one sub-command each.

    Returns
    -------
    argparse.ArgumentParser
        Sub-commands ``list``, ``validate``, ``hash``, ``build``, ``fetch``, ``import``,
        ``notebooks`` (alias ``figures``), ``reproduce``, ``student-copies``, ``run``,
        ``profile``; each sets ``func`` to its handler.

    Examples
    --------
    >>> from mixedmig.cli import build_parser
    >>> args = build_parser().parse_args(["validate", "mine.csv", "--schema", "steam_cohort"])
    >>> args.command, args.file, args.schema
    ('validate', 'mine.csv', 'steam_cohort')
    """
    parser = argparse.ArgumentParser(
        prog="mixedmig",
        description="Mixed-migration research toolkit: curated data, build pipeline, notebooks.",
    )
    parser.add_argument("--version", action="version", version=f"mixedmig {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in _COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv=None) -> int:
    """Run the ``mixedmig`` command.

    Parameters
    ----------
    argv : list of str, optional
        Arguments after the program name; default ``sys.argv[1:]``.

    Returns
    -------
    int
        Exit status: 0 on success, 2 when the package raised a
        :class:`mixedmig.errors.MixedmigError` (printed to stderr as ``mixedmig: error: ...``,
        one line per problem found by validation) or a curated table failed
        ``mixedmig validate``; 1, silently, when the reader of the output went away (a
        broken pipe, as in ``mixedmig list | head -1``).
        Usage errors exit through argparse (``SystemExit`` with status 2).

    Notes
    -----
    A closed pipe is handled as the Python documentation recommends (*signal* module, "Note
    on SIGPIPE"): standard output is pointed at ``os.devnull`` so that the interpreter's
    final flush cannot fail again, and the command exits with status 1 without a traceback.

    Examples
    --------
    >>> from mixedmig.cli import main
    >>> main(["validate", "--schema", "steam_cohort"])
    2
    """
    try:
        return _run(argv)
    except BrokenPipeError:
        _silence_stdout()
        return 1


def _run(argv) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    finally:  # --help and --version print before argparse exits: flush while we can catch
        sys.stdout.flush()
    try:
        status = args.func(args)
    except MixedmigError as exc:
        if args.command in ("import", "fetch"):
            cli_terms(exc)  # "pass edition=2024" -> "pass --edition 2024"
        report(exc, more_option="--max-problems" if getattr(args, "file", None) is not None
               and hasattr(args, "max_problems") else None)
        status = 2
    sys.stdout.flush()  # a broken pipe raises here, inside main, not at interpreter exit
    return status


def _silence_stdout() -> None:
    """Point standard output at ``os.devnull`` (the Python docs' recipe for SIGPIPE)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):  # no file descriptor (captured output)
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
