"""Scale: fit_ppml against pyfixest's own fepois on global-size gravity panels (issue 12, item 1).

Run:  .venv/bin/python benchmarks/bench_gravity_scale.py [50 100 200 400]

SIMULATED panels (seeded numpy RNG, no real figures): ``n`` countries at random positions in a
10 x 10 square, all ``n (n - 1)`` ordered pairs in each of 10 years, Poisson flows with mean
``exp(1 + a_ot + b_dt - 1.0 log(dist + 0.1) + 0.5 contig + 0.2 x3)``, ``a_ot`` and ``b_dt``
origin-year and destination-year effects drawn N(0, 1), ``contig = dist < 1`` and ``x3`` an
N(0, 1) pair-year covariate; about half the flows are zero.  Each model has origin-year and
destination-year fixed effects (4,000 + 4,000 levels at 400 countries, 1.6 M rows).

Each fit runs in a fresh child process (after one small warm-up fit, so that one-off compilation
is not timed), so that its peak resident memory (``ru_maxrss``,
including the data, about 90 MB at 400 countries) is its own; time is the wall-clock time of
the fit alone (the data are simulated before the clock starts):

* mixedmig: ``gravity.fit_ppml(..., fe=(("orig", "year"), ("dest", "year")))`` with its
  defaults (HC1, ``separation="fe+lp"``, ``backend="auto"``, which picks pyfixest here);
* pyfixest: ``pf.fepois("flow ~ log_dist + contig + x3 | oy + dy", vcov="hetero")`` with its
  defaults (``separation_check=["fe"]``, singletons dropped).

Printed: time and peak memory per size, the ratios mixedmig / pyfixest, the largest
coefficient difference, and the growth exponents (least-squares slope of log time and log
memory on log countries; rows grow as n^2).  No assertion is made on time.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

SIZES = (50, 100, 200, 400)
N_YEARS = 10
REGRESSORS = ["log_dist", "contig", "x3"]


def simulated_panel(n_countries: int, n_years: int = N_YEARS, seed: int = 12):
    """SIMULATED gravity panel (not data); see the module docstring."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    pos = rng.uniform(0, 10, (n_countries, 2))
    o, d = np.meshgrid(np.arange(n_countries), np.arange(n_countries), indexing="ij")
    off = o != d
    o, d = o[off], d[off]
    dist = np.hypot(*(pos[o] - pos[d]).T)
    log_dist, contig = np.log(dist + 0.1), (dist < 1.0).astype(float)
    t = np.repeat(np.arange(n_years), len(o))
    oo, dd = np.tile(o, n_years), np.tile(d, n_years)
    a = rng.normal(0, 1, (n_countries, n_years))
    b = rng.normal(0, 1, (n_countries, n_years))
    x3 = rng.normal(size=len(oo))
    eta = (1.0 + a[oo, t] + b[dd, t] - 1.0 * np.tile(log_dist, n_years)
           + 0.5 * np.tile(contig, n_years) + 0.2 * x3)
    return pd.DataFrame({"orig": oo, "dest": dd, "year": 2000 + t,
                         "log_dist": np.tile(log_dist, n_years),
                         "contig": np.tile(contig, n_years), "x3": x3,
                         "flow": rng.poisson(np.exp(eta)).astype(float)})


def _child(engine: str, n: int) -> None:
    """Fit one model in this (child) process and print a JSON line."""
    import resource
    import time
    import warnings

    frame = simulated_panel(n)
    warm = simulated_panel(8, 2, seed=1)  # one small fit first: compile/caches out of the timing
    if engine == "mixedmig":
        from mixedmig import gravity

        gravity.fit_ppml(warm, "flow", REGRESSORS, fe=(("orig", "year"), ("dest", "year")),
                         backend="pyfixest")
        start = time.perf_counter()
        fit = gravity.fit_ppml(frame, "flow", REGRESSORS,
                               fe=(("orig", "year"), ("dest", "year")))
        seconds = time.perf_counter() - start
        coef, extra = fit.params[REGRESSORS].tolist(), {"backend": fit.backend,
                                                         "dropped": fit.n_dropped}
    else:
        import pyfixest as pf

        for f in (warm, frame):
            f["oy"] = f["orig"] * 10_000 + f["year"]
            f["dy"] = f["dest"] * 10_000 + f["year"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pf.fepois("flow ~ log_dist + contig + x3 | oy + dy", data=warm, vcov="hetero")
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = pf.fepois("flow ~ log_dist + contig + x3 | oy + dy", data=frame,
                            vcov="hetero")
        seconds = time.perf_counter() - start
        coef, extra = fit.coef()[REGRESSORS].tolist(), {}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB -> GiB
    print(json.dumps({"seconds": seconds, "peak_gib": peak, "coef": coef,
                      "rows": len(frame), **extra}))


def run(engine: str, n: int, timeout: float = 240.0) -> dict | None:
    try:
        out = subprocess.run([sys.executable, __file__, "--child", engine, str(n)],
                             capture_output=True, text=True, timeout=timeout, check=True)
    except (subprocess.TimeoutExpired, subprocess.CalledProcessError) as exc:
        print(f"    {engine} at {n} countries failed: {type(exc).__name__}")
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def _slope(x, y) -> float:
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def main(sizes=SIZES) -> None:
    print(f"{'countries':>9} {'rows':>10} | {'mixedmig s':>10} {'GiB':>5} | "
          f"{'pyfixest s':>10} {'GiB':>5} | {'time ratio':>10} {'mem ratio':>9} | "
          "max |coef diff|")
    results = []
    for n in sizes:
        ours, theirs = run("mixedmig", n), run("pyfixest", n)
        if ours is None or theirs is None:
            continue
        diff = max(abs(a - b) for a, b in zip(ours["coef"], theirs["coef"]))
        print(f"{n:>9} {ours['rows']:>10,} | {ours['seconds']:>10.2f} {ours['peak_gib']:>5.2f} | "
              f"{theirs['seconds']:>10.2f} {theirs['peak_gib']:>5.2f} | "
              f"{ours['seconds'] / theirs['seconds']:>10.2f} "
              f"{ours['peak_gib'] / theirs['peak_gib']:>9.2f} | {diff:.1e}"
              f"   (backend {ours['backend']}, {ours['dropped']} rows dropped)", flush=True)
        results.append((n, ours, theirs))
    if len(results) >= 2:
        ns = [r[0] for r in results]
        for label, key in (("time", "seconds"), ("peak memory", "peak_gib")):
            print(f"growth exponent of {label} in countries: mixedmig "
                  f"n^{_slope(ns, [r[1][key] for r in results]):.2f}, pyfixest "
                  f"n^{_slope(ns, [r[2][key] for r in results]):.2f}")
    largest = results[-1] if results else None
    if largest:
        n, ours, theirs = largest
        print(f"target at {n} countries: time ratio {ours['seconds'] / theirs['seconds']:.2f} "
              f"(target < 2), peak {ours['peak_gib']:.2f} GiB (target < 4)")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2], int(sys.argv[3]))
    else:
        main(tuple(int(a) for a in sys.argv[1:]) or SIZES)
