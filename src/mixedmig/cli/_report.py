"""Print package errors for the command line, escaped, one line per problem."""

from __future__ import annotations

import re
import sys

from ..errors import MixedmigError

__all__ = ["cli_terms", "report"]


def report(exc: MixedmigError, *, more_option: str | None = None) -> None:
    """Print a package error to stderr: every listed problem on its own line, escaped.

    ``more_option``: the command-line option that lists more problems (``--max-problems``),
    named on the count line when some problems were not listed. A ``hint`` attribute of the
    error (e.g. "the file matches schema kind ...") is printed last, as ``mixedmig: hint:``.
    """
    from ..data.schema import _printable

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
    more = ""
    if unlisted:
        more = f"; the first {len(problems)} are listed, {unlisted} more are not"
        if more_option:
            more += f" ({more_option} {total} lists them all)"
    print(f"mixedmig: {total} problem(s){where}{more}", file=sys.stderr)
    hint = getattr(exc, "hint", None)
    if hint:
        print(f"mixedmig: hint: {_printable(hint, limit=None)}", file=sys.stderr)


#: Python keyword spellings in messages -> the options of ``mixedmig import`` and ``fetch``.
_KEYWORD_OPTIONS = (("edition", "--edition"), ("name", "--name"))


def cli_terms(exc: MixedmigError) -> MixedmigError:
    """The error with Python keyword arguments in its message spelt as command-line options.

    Messages of the data layer speak to Python callers ("pass edition=2024"); on the command
    line the same advice is ``--edition 2024``. The error is changed in place (its message
    and, if any, its listed problems keep their type and location) and returned.

    Examples
    --------
    >>> from mixedmig.errors import DataError
    >>> str(cli_terms(DataError("the workbook is the 2024 edition; pass edition=2024")))
    'the workbook is the 2024 edition; pass --edition 2024'
    """
    def spell(text: str) -> str:
        for keyword, option in _KEYWORD_OPTIONS:
            text = re.sub(rf"(?<![\w.-]){keyword}=(?!=)", f"{option} ", text)
        return text

    if exc.args and isinstance(exc.args[0], str):
        exc.args = (spell(exc.args[0]),) + exc.args[1:]
    return exc
