"""Data commands: ``list``, ``validate``, ``hash``, ``build``."""

from __future__ import annotations

import shutil
import sys
import textwrap

from ..errors import InputError, MixedmigError
from ._report import report

__all__ = ["register"]


def _width() -> int:
    """The terminal width (``COLUMNS`` when set), at least 20 characters."""
    return max(shutil.get_terminal_size((100, 24)).columns, 20)


def _wrapped(text: str, width: int, indent: str = "") -> str:
    from ..data.schema import _printable

    return textwrap.fill(_printable(text, limit=None), width=width, initial_indent=indent,
                         subsequent_indent=indent + "    ", break_on_hyphens=False)


def _print_kinds() -> None:
    from .. import data

    width = _width()
    print(_wrapped("Schema kinds (mixedmig validate FILE --schema KIND; "
                   "data.load(path, kind=KIND)):", width))
    for row in data.kinds_table().itertuples():
        print()
        print(_wrapped(f"{row.kind}: {row.title}", width))
        print(_wrapped(f"required: {row.required}", width, "    "))
        if row.optional:
            print(_wrapped(f"optional: {row.optional}", width, "    "))
        if row.key:
            print(_wrapped(f"key: {row.key}", width, "    "))
        if row.curated:
            print(_wrapped(f"curated tables of this kind: {row.curated}", width, "    "))


_SECTIONS = (("curated", "Curated tables (data/raw)"),
             ("derived", "Derived tables (mixedmig build; loaded by name)"),
             ("imported", "Imported tables"))


def _cmd_list(args) -> int:
    from .. import data

    if args.markdown:
        print(data.datasets_markdown(), end="")
        return 0
    if args.kinds:
        _print_kinds()
        return 0
    table = data.list_datasets(derived=args.derived)
    width = _width()
    first = True
    for origin, heading in _SECTIONS:
        part = table[table["origin"] == origin]
        if part.empty:
            continue
        if origin == "imported":
            heading += f" ({data.imports_dir()})"
        print(("" if first else "\n") + _wrapped(heading + ":", width))
        first = False
        for row in part.itertuples():
            facts = [f"{row.rows:,} rows" if row.rows is not None and row.rows == row.rows
                     else ""]
            if row.kind:
                facts.append(f"kind {row.kind}")
            print(_wrapped(" - ".join([row.name] + [f for f in facts if f]), width, "  "))
            details = "; ".join(f"{label}: {value}" for label, value in (
                ("publisher", row.publisher), ("edition", row.edition),
                ("licence", row.licence)) if value)
            if details:
                print(_wrapped(details, width, "      "))
    return 0


def _cmd_validate(args) -> int:
    from .. import data
    from ..data.schema import _printable

    if args.kinds:
        _print_kinds()
        return 0
    if args.file is None:
        if args.schema is not None:
            raise InputError(
                "--schema needs a FILE to validate: mixedmig validate FILE --schema NAME"
            )
        failed = 0
        # every curated table, then every imported one (mixedmig import), each checked even
        # after a failure: sha256 against its manifest, then its schema or kind
        tables = ([(name, "") for name in data.dataset_names()]
                  + [(name, ", imported") for name in data.imported_names()])
        for name, what in tables:
            try:
                frame = data.load(name)
            except MixedmigError as exc:
                failed += 1
                report(exc)
                continue
            print(f"ok  {name} ({len(frame)} rows{what})")
        if failed:
            print(f"mixedmig: {failed} table(s) failed", file=sys.stderr)
        return 2 if failed else 0
    if args.schema is None:
        raise InputError(
            "name the schema to check against: mixedmig validate FILE --schema NAME, NAME a "
            f"schema kind ({', '.join(data.kind_names())}; `mixedmig list --kinds` describes "
            "them) or a curated table listed by `mixedmig list`"
        )
    frame = data.validate_file(args.file, args.schema, max_problems=args.max_problems)
    what = (f"schema kind '{args.schema}'" if args.schema in data.KINDS
            else f"the schema of curated table '{_printable(args.schema, limit=None)}'")
    print(f"ok  {_printable(args.file, limit=None)} matches {what} ({len(frame)} rows)")
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
    from ..data.kinds import kind_names

    kinds = ", ".join(kind_names())
    p = sub.add_parser(
        "list", help="list the tables (curated, imported; --derived) or the schema kinds",
        description="List the tables data.load(NAME) finds, by origin: curated (data/raw), "
        "derived (with --derived) and imported ($MIXEDMIG_IMPORTS), with rows, schema kind and "
        "provenance, wrapped to the terminal width. --kinds lists the schema kinds instead.")
    p.add_argument("--markdown", action="store_true", help="print the README's Markdown table")
    p.add_argument("--kinds", action="store_true",
                   help=f"list the schema kinds ({kinds}) with their columns")
    p.add_argument("--derived", action="store_true", help="also list the derived tables")
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser(
        "validate",
        help="validate every curated and imported table, or your own CSV against a schema kind or table",
        description="Without FILE: load every table in data/raw and every imported table (sha256 + schema). With FILE "
        f"and --schema NAME: check a CSV of your own against a schema kind ({kinds}: any "
        "year, any country, any edition) or against the schema of curated table NAME. "
        "Every problem is reported, one line each naming file, line and column and the fix "
        "(up to --max-problems, with a count of the rest); exits with status 2 if any. "
        "--kinds lists the schema kinds.",
    )
    p.add_argument("file", nargs="?", help="a CSV file to check (optional)")
    p.add_argument("--schema", metavar="NAME",
                   help=f"a schema kind ({kinds}) or the name of a curated table whose schema "
                   "FILE must follow")
    p.add_argument("--kinds", action="store_true", help="list the schema kinds and exit")
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
