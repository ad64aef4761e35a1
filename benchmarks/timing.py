"""Helpers shared by the benchmark scripts (run as `python benchmarks/NAME.py`): best-of-n timing
and the ipfn reference fit."""

import time
import warnings


def best_time(fn, repeats):
    """Best wall-clock time of ``repeats`` calls of ``fn`` and the last call's result."""
    best, out = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def run_ipfn(prior, rows, cols, tol):
    """Fit a two-way table with the ipfn package (the reference IPF implementation).

    Returns the fitted array and ipfn's convergence flag.
    """
    from ipfn import ipfn as ipfn_module

    solver = ipfn_module.ipfn(prior.copy(), [rows.copy(), cols.copy()], [[0], [1]],
                              convergence_rate=tol, max_iteration=10_000, rate_tolerance=0.0,
                              verbose=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted, flag = solver.iteration()
    return fitted, flag
