"""Benchmark: mixedmig.flows.ipf2 against the ipfn package, and flows_demographic at 200 countries.

Run:  python benchmarks/bench_ipf_flows.py

Inputs are SYNTHETIC benchmark data, generated from a seeded numpy RNG (no real figures): a
200 x 200 prior table and margins for the IPF comparison, and a 200-country pair of
place-of-birth x place-of-residence stock tables for the flows-from-stocks timing.

Both IPF implementations are run in the same process at the same relative tolerance: ipfn stops
when every margin entry satisfies |fitted / target - 1| <= convergence_rate (its
``rate_tolerance`` early stop is switched off so that both use the same rule), and mixedmig stops
when |fitted - target| <= tol * max(1, |target|), which is the same relative rule because every
synthetic target is >= 1.  Each timing is the best of a few repeats.  Needs ``pip install ipfn``
(the ``bench`` extra).
"""

from __future__ import annotations


import numpy as np
import pandas as pd
from timing import best_time, run_ipfn

from mixedmig.flows import flows_demographic, flows_difference, ipf2

N = 200
TOL = 1e-10
REPEATS_FAST = 5
REPEATS_IPFN = 3




def synthetic_ipf_problem(rng, heavy_tailed=False):
    if heavy_tailed:  # cells spanning several orders of magnitude, like real OD tables
        prior = rng.lognormal(mean=0.0, sigma=2.0, size=(N, N))
    else:
        prior = rng.gamma(shape=1.0, scale=100.0, size=(N, N)) + 1.0
    rows = rng.uniform(1_000, 50_000, size=N)
    cols = rng.uniform(1_000, 50_000, size=N)
    cols *= rows.sum() / cols.sum()
    return prior, rows, cols



def synthetic_stocks(rng):
    """Birthplace x residence stocks: large native-born diagonal, sparse-ish foreign-born."""
    native = rng.uniform(1e5, 1e7, size=N)
    foreign = rng.gamma(shape=0.3, scale=2_000.0, size=(N, N))
    start = foreign.copy()
    start[np.arange(N), np.arange(N)] = native
    # end stocks: each birthplace's people redistributed across residences, same total
    end = start * rng.lognormal(mean=0.0, sigma=0.3, size=(N, N))
    end *= (start.sum(axis=1) / end.sum(axis=1))[:, None]
    return start, end


def synthetic_inverse_distance(rng):
    """Inverse-distance prior between random points in a unit square (diagonal unused)."""
    xy = rng.uniform(0.0, 1.0, size=(N, 2))
    dist = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    np.fill_diagonal(dist, 1.0)
    return 1.0 / dist


def main():
    rng = np.random.default_rng(20240611)
    for label, heavy in (("gamma prior", False), ("heavy-tailed lognormal prior", True)):
        prior, rows, cols = synthetic_ipf_problem(rng, heavy_tailed=heavy)
        t_ours, ours = best_time(
            lambda p=prior, r=rows, c=cols: ipf2(r, c, p, tol=TOL, max_iter=10_000), REPEATS_FAST)
        t_ipfn, (theirs, flag) = best_time(
            lambda p=prior, r=rows, c=cols: run_ipfn(p, r, c, TOL), REPEATS_IPFN)
        rel_diff = float(np.max(np.abs(ours.fitted.to_numpy() - theirs) / np.abs(theirs)))
        print(f"IPF {N}x{N}, {label}, relative tolerance {TOL:g}")
        print(f"  mixedmig.flows.ipf2 : {t_ours * 1e3:9.2f} ms  ({ours.iterations} iterations, "
              f"converged={ours.converged}, max margin error {ours.max_margin_error:.2e})")
        print(f"  ipfn.ipfn           : {t_ipfn * 1e3:9.2f} ms  (converged flag={flag})")
        print(f"  speed ratio ipfn / mixedmig : {t_ipfn / t_ours:8.1f}x   (target >= 30x)")
        print(f"  max relative difference of fitted cells : {rel_diff:.2e}   (target <= 1e-6)")

    start, end = synthetic_stocks(rng)
    labels = [f"C{k:03d}" for k in range(N)]

    s1 = pd.DataFrame(start, index=labels, columns=labels)
    s2 = pd.DataFrame(end, index=labels, columns=labels)
    t_ffs, res = best_time(lambda: flows_demographic(s1, s2), 3)
    print(f"flows_demographic ({N} countries, synthetic stocks, uniform prior): "
          f"{t_ffs:.2f} s per estimate; {res.message}")
    prior = synthetic_inverse_distance(rng)
    t_ffs_prior, res = best_time(lambda: flows_demographic(s1, s2, prior=prior), 3)
    print(f"flows_demographic ({N} countries, synthetic stocks, inverse-distance prior): "
          f"{t_ffs_prior:.2f} s per estimate; {res.message}")
    t_diff, _ = best_time(lambda: flows_difference(s1, s2), 3)
    print(f"flows_difference ({N} countries): {t_diff * 1e3:.1f} ms per estimate")


if __name__ == "__main__":
    main()
