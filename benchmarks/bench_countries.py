"""Benchmark: resolving 50,000 country names and codes to ISO3 with ``mixedmig.countries``.

Run:  python benchmarks/bench_countries.py [--n 50000] [--repeats 3]

The values are the registry's own names and the first two aliases of each country (real
spellings, repeated to ``--n`` values, as a large imported table repeats them). Reference,
measured in the same run on the same values: a loop of ``pycountry.countries.lookup`` (the ISO
3166 library the registry is built on), which knows no publisher aliases, so it is timed only
on the values it resolves. The script prints times and the ratio; it asserts nothing (the
former timed assertion in tests/test_countries_registry.py moved here).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import best_time  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    import pycountry

    from mixedmig.countries import REGISTRY, to_iso3_series

    names = [c.name for c in REGISTRY] + [a for c in REGISTRY for a in c.aliases[:2]]
    values = pd.Series((names * (args.n // len(names) + 1))[: args.n], dtype=object)
    ours, result = best_time(lambda: to_iso3_series(values), args.repeats)
    assert result.notna().all()

    def known(value):
        try:
            pycountry.countries.lookup(value)
            return True
        except LookupError:
            return False

    resolvable = values[values.map(known)]

    def reference():
        return [pycountry.countries.lookup(v).alpha_3 for v in resolvable]

    theirs, _ = best_time(reference, args.repeats)
    per_ours = ours / len(values) * 1e6
    per_theirs = theirs / len(resolvable) * 1e6
    print(f"mixedmig.countries.to_iso3_series: {len(values):,} values in {ours:.3f} s "
          f"({per_ours:.2f} us per value)")
    print(f"pycountry.countries.lookup loop:   {len(resolvable):,} values it resolves in {theirs:.3f} s "
          f"({per_theirs:.2f} us per value)")
    print(f"ratio (pycountry per value / mixedmig per value): {per_theirs / per_ours:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
