"""The ``mixedmig`` command line.

    mixedmig list                          the curated tables with their sources
    mixedmig validate                      load and check every curated table
    mixedmig validate FILE --schema NAME   check your own CSV against a table's schema
    mixedmig hash FILE                     print a file's sha256 (for a manifest)
    mixedmig build                         data/raw -> data/processed
    mixedmig notebooks [NB ...]            execute notebooks in place (outputs stored)
    mixedmig figures                       execute the notebooks, which write figures/
    mixedmig reproduce                     build, then execute every notebook
    mixedmig student-copies OUT            notebooks without solution cells, for teaching

Errors of the package (:class:`mixedmig.errors.MixedmigError`) are printed as
``mixedmig: error: ...`` naming the file, line and column where that applies, one line per problem
when validation found several (then a line counting them), and the command exits with status 2.
Everything printed from a file (cell values, column names, paths) is escaped, so control
characters and ANSI escape sequences never reach the terminal raw.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .errors import InputError, MixedmigError

__all__ = ["build_parser", "main"]


def _cmd_list(args) -> int:
    from . import data

    if args.markdown:
        print(data.datasets_markdown(), end="")
        return 0
    table = data.list_datasets()
    print(table[["name", "rows", "publisher", "edition", "licence"]].to_string(index=False))
    return 0


def _report(exc: MixedmigError) -> None:
    """Print a package error to stderr: every listed problem on its own line, escaped."""
    from .data.schema import _printable

    problems = getattr(exc, "problems", None)
    if not problems:
        print(f"mixedmig: error: {_printable(exc, limit=None, keep_newlines=True)}",
              file=sys.stderr)
        return
    for problem in problems:
        print(f"mixedmig: error: {_printable(problem, limit=None)}", file=sys.stderr)
    total = getattr(exc, "problem_count", len(problems))
    where = f" in {problems[0].path}" if problems[0].path else ""
    unlisted = total - len(problems)
    print(f"mixedmig: {total} problem(s){where}"
          + (f"; the first {len(problems)} are listed, {unlisted} more are not" if unlisted
             else ""), file=sys.stderr)


def _cmd_validate(args) -> int:
    from . import data
    from .data.schema import _printable

    if args.file is None:
        if args.schema is not None:
            raise InputError(
                "--schema needs a FILE to validate: mixedmig validate FILE --schema NAME"
            )
        failed = 0
        for name in data.dataset_names():  # every table is checked, even after a failure
            try:
                frame = data.load(name)
            except MixedmigError as exc:
                failed += 1
                _report(exc)
                continue
            print(f"ok  {name} ({len(frame)} rows)")
        if failed:
            print(f"mixedmig: {failed} table(s) failed", file=sys.stderr)
        return 2 if failed else 0
    if args.schema is None:
        raise InputError(
            "name the schema to check against: mixedmig validate FILE --schema NAME "
            "(NAME is one of the tables listed by `mixedmig list`)"
        )
    frame = data.validate_file(args.file, args.schema, max_problems=args.max_problems)
    print(f"ok  {_printable(args.file, limit=None)} matches schema "
          f"'{_printable(args.schema, limit=None)}' ({len(frame)} rows)")
    return 0


def _cmd_hash(args) -> int:
    from . import data

    for path in args.files:
        print(f"{data.sha256_file(path)}  {path}")
    return 0


def _cmd_build(args) -> int:
    from .data import build as _build

    target = _build(args.output)
    print(f"built {target}")
    return 0


def _notebook_paths(names) -> list[Path]:
    from . import data

    folder = data.repo_root() / "notebooks"
    if names:
        return [Path(n) for n in names]
    return sorted(folder.glob("[0-9][0-9]-*.ipynb"))


def _cmd_notebooks(args) -> int:
    from .notebook import execute_notebook

    for path in _notebook_paths(args.notebooks):
        seconds = execute_notebook(path, timeout=args.timeout)
        print(f"executed {path} in {seconds:.1f} s")
    return 0


def _cmd_reproduce(args) -> int:
    _cmd_build(argparse.Namespace(output=None))
    return _cmd_notebooks(argparse.Namespace(notebooks=[], timeout=args.timeout))


def _cmd_student_copies(args) -> int:
    from .teaching import write_student_copies

    for path in write_student_copies(_notebook_paths(args.notebooks), args.output):
        print(f"wrote {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``mixedmig`` command, one sub-command each.

    Returns
    -------
    argparse.ArgumentParser
        Sub-commands ``list``, ``validate``, ``hash``, ``build``, ``notebooks``, ``figures``,
        ``reproduce``, ``student-copies``; each sets ``func`` to its handler.

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

    p = sub.add_parser("list", help="list the curated tables with their sources")
    p.add_argument("--markdown", action="store_true", help="print the README's Markdown table")
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser(
        "validate",
        help="validate every curated table, or your own CSV against a named schema",
        description="Without FILE: load every table in data/raw (sha256 + schema). With FILE "
        "and --schema NAME: check a CSV of your own against the schema of table NAME. "
        "Every problem is reported, one line each naming file, line and column and the fix "
        "(up to --max-problems, with a count of the rest); exits with status 2 if any.",
    )
    p.add_argument("file", nargs="?", help="a CSV file to check (optional)")
    p.add_argument("--schema", help="name of the curated table whose schema FILE must follow")
    p.add_argument("--max-problems", type=int, default=50, metavar="N",
                   help="list at most N problems (default 50; all are counted)")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("hash", help="print the sha256 of files (to record in a manifest)")
    p.add_argument("files", nargs="+")
    p.set_defaults(func=_cmd_hash)

    p = sub.add_parser(
        "build",
        help="turn data/raw into data/processed (deterministic, atomic)",
        description="Validate every raw table, then write data/processed and its manifest.json "
        "atomically: a failure leaves the previous outputs intact.",
    )
    p.add_argument("--output", default=None, help="folder to write instead of data/processed")
    p.set_defaults(func=_cmd_build)

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
        ``mixedmig validate``.
        Usage errors exit through argparse (``SystemExit`` with status 2).

    Examples
    --------
    >>> from mixedmig.cli import main
    >>> main(["validate", "--schema", "steam_cohort"])
    2
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except MixedmigError as exc:
        _report(exc)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
