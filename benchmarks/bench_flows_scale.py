"""Benchmark: full-world flows (issue 12, item 2) - the IPF core against a plain numpy loop and
ipfn, flows_from_stocks at 232 countries, and the growth exponent from 25 to 400 countries.

Run:  python benchmarks/bench_flows_scale.py        (needs ``pip install ipfn``, the bench extra)

All inputs are SYNTHETIC, generated from a seeded numpy RNG (no real figures): random IPF
problems (gamma and heavy-tailed lognormal priors), and birthplace x residence stock tables
with a large native-born diagonal plus an inverse-distance prior between random points.

Every ratio is measured in this run, on this machine (best of a few repeats):
* ``plain / core``: the same for the IPF core alone (``mixedmig.flows.ipf._fit_layers`` on one
  layer, which runs the single-table path ``_fit_table``: the cycles kept as row and column
  factors and the table formed once; no validation or result object).  Target >= 1.0 at
  200 x 200 and 1000 x 1000.
* ``plain / ipf2``: a plain numpy alternating-scaling loop (the best such loop: it reuses the
  row sums of its convergence check for the next row step) divided by the time of the public
  ``mixedmig.flows.ipf2`` (validation, support check and result object included); > 1 means
  ipf2 is faster.  All three must use the same number of cycles and give the same table: the
  largest relative cell difference is printed (target <= 1e-12; the factor form rounds each
  cell twice where the table loop rounds it twice per cycle, so the cells differ in the last
  few bits, not bit for bit).  numpy's BLAS may use both cores for the matrix-vector products
  of the core; the plain loop uses one.
* ``ipfn / ipf2``: the ipfn package at the same relative tolerance.  Target >= 30.
* ``flows_from_stocks`` at 232 countries (the UN DESA matrix): seconds per period for each
  method (target < 1 s with an inverse-distance prior) and peak traced memory over the n^3
  float64 array (target < 4).
* growth exponent ``b`` of ``time ~ n^b`` for the demographic method from 25 to 400 countries
  (least squares on log time vs log n).
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
from timing import best_time, run_ipfn

from mixedmig.flows import flows_from_stocks, ipf2
from mixedmig.flows.ipf import (
    _fit_layers,  # the IPF core: the cycles alone, no validation
)

TOL = 1e-10


def plain_ipf(prior, rows, cols, tol=TOL, max_iter=10_000):
    """Plain numpy alternating scaling with the convergence rule of ipf2."""
    y = prior.copy()
    r = y.sum(axis=1)
    for it in range(1, max_iter + 1):
        y *= (rows / r)[:, None]
        y *= (cols / y.sum(axis=0))[None, :]
        r = y.sum(axis=1)
        if (np.abs(r - rows) / np.maximum(1.0, rows)).max() <= tol:
            c = y.sum(axis=0)
            if (np.abs(c - cols) / np.maximum(1.0, cols)).max() <= tol:
                break
    return y, it



def ipf_problem(rng, n, heavy):
    prior = (rng.lognormal(0.0, 2.0, size=(n, n)) if heavy
             else rng.gamma(1.0, 100.0, size=(n, n)) + 1.0)
    rows = rng.uniform(1_000, 50_000, size=n)
    cols = rng.uniform(1_000, 50_000, size=n)
    cols *= rows.sum() / cols.sum()
    return prior, rows, cols


def stocks(rng, n):
    native = rng.uniform(1e5, 1e7, size=n)
    start = rng.gamma(shape=0.3, scale=2_000.0, size=(n, n))
    start[np.arange(n), np.arange(n)] = native
    end = start * rng.lognormal(0.0, 0.3, size=(n, n))
    end *= (start.sum(axis=1) / end.sum(axis=1))[:, None]
    labels = [f"C{k:03d}" for k in range(n)]
    xy = rng.uniform(0.0, 1.0, size=(n, 2))
    dist = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    np.fill_diagonal(dist, 1.0)
    return (pd.DataFrame(start, labels, labels), pd.DataFrame(end, labels, labels),
            pd.DataFrame(1.0 / dist, labels, labels))


def peak_ratio(fn, n):
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / (8.0 * n ** 3)


def main():
    rng = np.random.default_rng(20240611)
    print("IPF core: mixedmig.flows.ipf2 vs a plain numpy loop vs ipfn (tol 1e-10)")
    for n in (200, 1000):
        for heavy in (False, True):
            prior, rows, cols = ipf_problem(rng, n, heavy)
            reps = 7 if n == 200 else 3
            t_plain, (y_plain, it_plain) = best_time(
                lambda p=prior, r=rows, c=cols: plain_ipf(p, r, c), reps)
            t_ours, res = best_time(
                lambda p=prior, r=rows, c=cols: ipf2(r, c, p, tol=TOL, max_iter=10_000), reps)
            t_core, core = best_time(
                lambda p=prior, r=rows, c=cols: _fit_layers(p[None], r[None], c[None], TOL,
                                                            10_000), reps)
            nz = y_plain != 0
            diff = max(float((np.abs(res.fitted.to_numpy() - y_plain)[nz] / y_plain[nz]).max()),
                       float((np.abs(core.fitted[0] - y_plain)[nz] / y_plain[nz]).max()))
            same = res.iterations == it_plain == int(core.iterations[0])
            line = (f"  {n}x{n} {'lognormal' if heavy else 'gamma    '} prior: ipf2 "
                    f"{t_ours * 1e3:8.2f} ms ({res.iterations} it), plain {t_plain * 1e3:8.2f} ms "
                    f"({it_plain} it), core {t_core * 1e3:8.2f} ms: plain/core = "
                    f"{t_plain / t_core:5.2f}x, plain/ipf2 = {t_plain / t_ours:5.2f}x, "
                    f"max rel diff {diff:.1e}{'' if same else ' (CYCLES DIFFER)'}")
            if n == 200:
                t_ipfn, _ = best_time(lambda p=prior, r=rows, c=cols: run_ipfn(p, r, c, TOL), 2)
                line += f"; ipfn/ipf2 = {t_ipfn / t_ours:6.1f}x"
            print(line)

    n = 232
    s1, s2, prior = stocks(rng, n)
    print(f"flows_from_stocks, {n} countries (synthetic stocks), per period "
          f"[n^3 float64 = {8 * n ** 3 / 2 ** 20:.0f} MiB]:")
    calls = {
        "demographic, inverse-distance prior": lambda: flows_from_stocks(s1, s2, prior=prior),
        "demographic, uniform prior": lambda: flows_from_stocks(s1, s2),
        "difference": lambda: flows_from_stocks(s1, s2, "difference"),
        "rates": lambda: flows_from_stocks(s1, s2, "rates", total_flow=1e6),
    }
    for name, call in calls.items():
        t, res = best_time(call, 3)
        print(f"  {name:38s} {t:6.3f} s   peak memory {peak_ratio(call, n):4.2f} x n^3 array"
              f"   converged={res.converged}, {res.iterations} it")

    sizes = [25, 50, 100, 200, 400]
    times = []
    for n in sizes:
        s1, s2, prior = stocks(rng, n)
        t, _ = best_time(lambda a=s1, b=s2, p=prior: flows_from_stocks(a, b, prior=p),
                         3 if n < 400 else 1)
        times.append(t)
        print(f"  demographic, inverse-distance prior, {n:3d} countries: {t:7.3f} s")
    logn, logt = np.log(sizes), np.log(times)
    b_all = np.polyfit(logn, logt, 1)[0]
    b_top = np.polyfit(logn[2:], logt[2:], 1)[0]
    print(f"growth exponent (time ~ n^b): b = {b_all:.2f} from 25 to 400 countries, "
          f"b = {b_top:.2f} from 100 to 400 (n^3 cells: b >= 3 is the floor for a dense cube)")


if __name__ == "__main__":
    main()
