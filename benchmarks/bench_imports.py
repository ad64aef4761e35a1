"""Import profile: how long ``import mixedmig.<room>`` takes in a fresh interpreter, as a ratio to
``import pandas`` measured in the same run (issue 12, item 4).

``mixedmig.flows`` loads its submodules lazily (PEP 562), so ``module:name`` rows also time the
first use of a name (import + attribute access), which is what a user pays. Targets:
``mixedmig.flows`` (with its first function used) within 1.1x of pandas; ``mixedmig.gravity`` under 0.5 s (statsmodels and
pyfixest are imported inside the fitting functions). Each import runs in its own subprocess; the
median of ``REPEATS`` runs is reported. Run: ``python benchmarks/bench_imports.py``.
"""

from __future__ import annotations

import statistics
import subprocess
import sys

REPEATS = 7
MODULES = ("pandas", "mixedmig", "mixedmig.checks", "mixedmig.data", "mixedmig.flows",
           "mixedmig.flows:ipf2", "mixedmig.flows:flows_demographic",
           "mixedmig.indices", "mixedmig.gravity", "mixedmig.networks", "mixedmig.referral",
           "mixedmig.pathways", "mixedmig.stats", "mixedmig.privacy", "mixedmig.plotting")
HEAVY = ("statsmodels", "pyfixest", "dask", "networkx", "matplotlib", "scipy")

_PROBE = """
import sys, time
t = time.perf_counter()
{statement}
elapsed = time.perf_counter() - t
loaded = [m for m in {heavy!r} if m in sys.modules]
print(elapsed, ",".join(loaded))
"""


def import_time(module: str) -> tuple[float, str]:
    """Median wall-clock seconds of ``import module`` in a fresh interpreter, and heavy modules loaded."""
    times, loaded = [], ""
    for _ in range(REPEATS):
        name, _, attr = module.partition(":")
        statement = f"import {name}" + (f"; {name}.{attr}" if attr else "")
        out = subprocess.run([sys.executable, "-c", _PROBE.format(statement=statement, heavy=HEAVY)],
                             capture_output=True, text=True, check=True).stdout.split()
        times.append(float(out[0]))
        loaded = out[1] if len(out) > 1 else ""
    return statistics.median(times), loaded


def main() -> None:
    base, _ = import_time("pandas")
    print(f"import profile (median of {REPEATS} fresh interpreters; ratio to import pandas)")
    print(f"{'module':<34}{'seconds':>9}{'x pandas':>10}  heavy modules loaded")
    for module in MODULES:
        seconds, loaded = (base, "") if module == "pandas" else import_time(module)
        print(f"{module:<34}{seconds:>9.3f}{seconds / base:>10.2f}  {loaded or '-'}")


if __name__ == "__main__":
    main()
