"""Open-data commands: ``fetch`` and ``import`` (official files).

::

    mixedmig fetch --list                        the registry of official files
    mixedmig fetch SOURCE [--edition E]          download into the cache, print the path
                          [--refresh]            download again, record the new sha256
    mixedmig import SOURCE FILE [--edition E]    read an official file, validate, save it
                          [--name NAME] [--overwrite]

A failed download prints the manual route (URL, landing page, ``mixedmig import``) and exits
with status 2, as every package error does.
"""

from __future__ import annotations

__all__ = ["register"]


def register(sub) -> None:
    """Add the ``fetch`` and ``import`` commands to the sub-parser collection ``sub``.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The sub-parser collection of the ``mixedmig`` parser.

    Returns
    -------
    None

    Examples
    --------
    >>> from mixedmig.cli import build_parser
    >>> args = build_parser().parse_args(["import", "wpp", "WPP.csv.gz", "--edition", "2024"])
    >>> args.command, args.source, args.file, args.edition
    ('import', 'wpp', 'WPP.csv.gz', '2024')
    """
    p = sub.add_parser(
        "fetch",
        help="download an official file (UN DESA, World Bank, UNHCR, WDI, WPP, CTDC) into the "
             "cache",
        description="Download an official file into the cache ($MIXEDMIG_CACHE, else the "
        "platform's cache directory) and print its path. Its sha256 is recorded in the "
        "cache's lock file on first download and checked on every later use. "
        "$MIXEDMIG_FETCH_BASE_URL replaces the host (a mirror).",
    )
    p.add_argument("source", nargs="?", help="a source of the registry (see --list)")
    p.add_argument("--edition", help="edition or vintage (for wdi: the indicator code); "
                   "default: the latest confirmed one")
    p.add_argument("--refresh", action="store_true",
                   help="download again and record the new sha256 (the publisher re-issued "
                        "the file); the old copy is moved to quarantine/")
    p.add_argument("--list", action="store_true", help="print the registry and exit")
    p.add_argument("--no-progress", dest="progress", action="store_false",
                   help="no progress bar")
    p.set_defaults(func=_cmd_fetch)

    p = sub.add_parser(
        "import",
        help="read an official file into a schema kind, validate it and save it for "
             "data.load",
        description="Read an official file already on disk with the reader of its layout, keep "
        "every country of the registry (aggregates dropped and reported), validate it against "
        "its schema kind and save it where data.load(NAME) finds it ($MIXEDMIG_IMPORTS).",
    )
    p.add_argument("source", help="undesa_ims_bilateral, worldbank_bilateral, "
                   "unhcr_population (every UNHCR population type, kind displacement_stocks), "
                   "unhcr_refugees (the same file, refugees only, kind bilateral_stocks), wdi, "
                   "wpp, ctdc_k_anonymised or ctdc_synthetic")
    p.add_argument("file", help="the official file")
    p.add_argument("--edition", help="edition or vintage (default: read from the file name)")
    p.add_argument("--name", help="table name (default SOURCE_EDITION)")
    p.add_argument("--overwrite", action="store_true", help="replace an earlier import")
    p.set_defaults(func=_cmd_import)


def _cmd_fetch(args) -> int:
    from ..data import fetch as fetching
    from ..errors import InputError

    if args.list:
        _print_registry(fetching.registry_table())
        return 0
    if not args.source:
        raise InputError("name a SOURCE to fetch, or pass --list to see the registry")
    path = fetching.fetch(args.source, edition=args.edition, progress=args.progress,
                          refresh=args.refresh)
    print(path)
    return 0


def _cmd_import(args) -> int:
    from ..data.importing import import_official

    imported = import_official(args.source, args.file, edition=args.edition, name=args.name,
                               overwrite=args.overwrite)
    print(imported.summary())
    return 0


def _print_registry(table) -> None:
    """The registry of official files, one row each under a header, fitted to the terminal.

    Source, edition and status are columns; the URL follows on the same line when the line
    fits the terminal width (``COLUMNS`` when set) for every row, else on its own indented
    line, never broken (so it can be copied); notes are wrapped below it.
    """
    from ..data.schema import _printable
    from .data import _width, _wrapped

    width = _width()
    widths = [max(len(str(v)) for v in [title] + list(table[column]))
              for column, title in (("source", "SOURCE"), ("edition", "EDITION"),
                                    ("status", "STATUS"))]
    if sum(widths) + 4 > width:  # too narrow for aligned columns: no padding
        widths = [0, 0, 0]

    def columns(*values) -> str:
        return "  ".join(f"{_printable(v, limit=None):<{w}}" for v, w in zip(values, widths))

    lead = len(columns("", "", "")) + 2
    print(_wrapped("Official files (mixedmig fetch SOURCE --edition EDITION; status: confirmed, "
                   "corroborated or legacy, see docs/bringing-your-own-data.md):", width))
    urls = [_printable(u, limit=None) for u in table["url"]]
    beside = lead + max(map(len, urls), default=0) <= width  # every URL fits on its row
    if beside:
        print(columns("SOURCE", "EDITION", "STATUS") + "  URL")
    else:
        print(columns("SOURCE", "EDITION", "STATUS").rstrip())
        print("    URL")
    for row, url in zip(table.itertuples(index=False), urls):
        if beside:
            print(columns(row.source, row.edition, row.status) + "  " + url)
        else:
            print(columns(row.source, row.edition, row.status).rstrip())
            print("    " + url)
        if row.note:
            print(_wrapped(f"({row.note})", width, "    "))
