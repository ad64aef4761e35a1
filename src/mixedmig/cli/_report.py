"""Print package errors for the command line, escaped, one line per problem."""

from __future__ import annotations

import sys

from ..errors import MixedmigError

__all__ = ["report"]


def report(exc: MixedmigError) -> None:
    """Print a package error to stderr: every listed problem on its own line, escaped."""
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
    print(f"mixedmig: {total} problem(s){where}"
          + (f"; the first {len(problems)} are listed, {unlisted} more are not" if unlisted
             else ""), file=sys.stderr)
