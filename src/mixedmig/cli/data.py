"""Data commands: ``list``, ``validate``, ``hash``, ``build``."""

from __future__ import annotations

import sys

from ..errors import InputError, MixedmigError
from ._report import report

__all__ = ["register"]


def _cmd_list(args) -> int:
    from .. import data

    if args.markdown:
        print(data.datasets_markdown(), end="")
        return 0
    table = data.list_datasets()
    print(table[["name", "rows", "publisher", "edition", "licence"]].to_string(index=False))
    return 0


def _cmd_validate(args) -> int:
    from .. import data
    from ..data.schema import _printable

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
                report(exc)
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
    from .. import data

    for path in args.files:
        print(f"{data.sha256_file(path)}  {path}")
    return 0


def _cmd_build(args) -> int:
    from ..data import build as _build

    target = _build(args.output)
    print(f"built {target}")
    return 0


def register(sub) -> None:
    """Add the data commands to the sub-parser collection ``sub``."""
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
