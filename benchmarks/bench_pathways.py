"""Benchmark: mixedmig.pathways.simulate_pathways against per-case Python loops.

Run:  python benchmarks/bench_pathways.py

The chain is ``after_trafficking_model()`` with its default parameters (placeholder
assumptions plus the one sourced value, 354/414); the benchmark measures speed only, no result
is a finding.  The vectorised simulation runs 1,000,000 cases (best of 3 runs, with and without
the per-case visit counts).  The two reference implementations simulate a subsample of 20,000
cases one case at a time, in the same process and on the same chain, recording the same
outputs (final state, steps, visit counts):

* straightforward loop: ``rng.random()`` and ``np.searchsorted`` on the cumulative row for each
  step, counts written into a numpy array;
* tuned loop: the same in pure Python (``bisect`` on lists, counts in a list), the fastest
  per-case loop we could write without leaving Python.

Rates are case-steps (transitions) per second, so runs of different sizes compare fairly.
Each implementation's absorption shares are printed next to the exact probabilities as a
sanity check.  Target: the vectorised rate at least 50x the straightforward loop's.
"""

from __future__ import annotations

import bisect

import numpy as np
from timing import best_time

from mixedmig.pathways import after_trafficking_model, simulate_pathways

N_VECTOR = 1_000_000
N_LOOP = 20_000
REPEATS = 3
SEED = 2013




def straightforward_loop(matrix, absorbing, start, n_cases, seed):
    rng = np.random.default_rng(seed)
    cumulative = np.cumsum(matrix, axis=1)
    last_positive = [int(np.flatnonzero(row > 0)[-1]) for row in matrix]
    final = np.empty(n_cases, dtype=np.int64)
    steps = np.zeros(n_cases, dtype=np.int64)
    visits = np.zeros((n_cases, matrix.shape[0]), dtype=np.int64)
    for case in range(n_cases):
        state = start
        visits[case, state] += 1
        while not absorbing[state]:
            u = rng.random()
            state = min(int(np.searchsorted(cumulative[state], u, side="right")), last_positive[state])
            visits[case, state] += 1
            steps[case] += 1
        final[case] = state
    return final, steps, visits


def tuned_loop(matrix, absorbing, start, n_cases, seed):
    rng = np.random.default_rng(seed)
    n_states = matrix.shape[0]
    rows = []
    for row in matrix:
        targets = [int(j) for j in np.flatnonzero(row > 0)]
        rows.append((np.cumsum(row[targets])[:-1].tolist(), targets))
    absorbing = [bool(a) for a in absorbing]
    random = rng.random
    final = [0] * n_cases
    steps = [0] * n_cases
    visits = np.zeros((n_cases, n_states), dtype=np.int64)
    for case in range(n_cases):
        counts = [0] * n_states
        state = start
        counts[state] += 1
        k = 0
        while not absorbing[state]:
            thresholds, targets = rows[state]
            state = targets[bisect.bisect_right(thresholds, random())]
            counts[state] += 1
            k += 1
        final[case] = state
        steps[case] = k
        visits[case] = counts
    return np.array(final), np.array(steps), visits


def shares(final, model):
    """Share of cases per absorbing state; ``final`` holds state names (a categorical Series,
    as in PathwaySimulationResult.final_state) or state indices (the loops below)."""
    if isinstance(final, np.ndarray):
        final = np.asarray(model.states)[final]
    return "  ".join(f"{a} {np.mean(final == a):.4f}" for a in model.absorbing_states)


def main():
    model = after_trafficking_model()
    matrix = model.transition_matrix().to_numpy()
    absorbing = np.isin(np.arange(len(model.states)), [model.index(a) for a in model.absorbing_states])
    start = model.index(model.start)
    exact = model.absorption_probabilities()
    print(f"chain: after_trafficking_model() defaults, {len(model.states)} states, start '{model.start}'")
    print("exact:         " + "  ".join(f"{a} {exact[a]:.4f}" for a in model.absorbing_states))

    t_vec, sim = best_time(lambda: simulate_pathways(model, N_VECTOR, SEED), REPEATS)
    t_vec_nv, sim_nv = best_time(lambda: simulate_pathways(model, N_VECTOR, SEED, record_visits=False), REPEATS)
    steps_vec = int(sim.steps.sum())
    rate_vec = steps_vec / t_vec
    rate_vec_nv = int(sim_nv.steps.sum()) / t_vec_nv
    print(f"vectorised:    {shares(sim.final_state, model)}")

    t_plain, (final_plain, steps_plain, _) = best_time(
        lambda: straightforward_loop(matrix, absorbing, start, N_LOOP, SEED), 1)
    t_tuned, (final_tuned, steps_tuned, _) = best_time(
        lambda: tuned_loop(matrix, absorbing, start, N_LOOP, SEED), 1)
    rate_plain = steps_plain.sum() / t_plain
    rate_tuned = steps_tuned.sum() / t_tuned
    print(f"straightforward loop ({N_LOOP:,} cases): {shares(final_plain, model)}")
    print(f"tuned loop ({N_LOOP:,} cases):           {shares(final_tuned, model)}")
    print()
    print(f"{'implementation':44s} {'cases':>10s} {'case-steps':>11s} {'seconds':>8s} {'M case-steps/s':>15s}")
    rows = [
        ("simulate_pathways (visits recorded)", N_VECTOR, steps_vec, t_vec, rate_vec),
        ("simulate_pathways (record_visits=False)", N_VECTOR, int(sim_nv.steps.sum()), t_vec_nv, rate_vec_nv),
        ("straightforward per-case loop (numpy)", N_LOOP, int(steps_plain.sum()), t_plain, rate_plain),
        ("tuned per-case loop (pure Python)", N_LOOP, int(steps_tuned.sum()), t_tuned, rate_tuned),
    ]
    for label, n, k, t, rate in rows:
        print(f"{label:44s} {n:>10,d} {k:>11,d} {t:>8.3f} {rate / 1e6:>15.3f}")
    print()
    print(f"speed-up, visits recorded, vs straightforward loop: {rate_vec / rate_plain:6.1f}x (target >= 50x)")
    print(f"speed-up, visits recorded, vs tuned loop:           {rate_vec / rate_tuned:6.1f}x")
    print(f"speed-up, no visits, vs straightforward loop:       {rate_vec_nv / rate_plain:6.1f}x")
    print(f"speed-up, no visits, vs tuned loop:                 {rate_vec_nv / rate_tuned:6.1f}x")


def bench_psa(n_draws: int = 200_000) -> None:
    """PSA of the After Trafficking model: serial against a 2-worker local Dask cluster.

    Prints draws per second and the ratio, and checks that both give identical draws.
    """
    import time

    from mixedmig import pathways

    model = pathways.after_trafficking_model()
    dists = pathways.after_trafficking_distributions()
    t0 = time.perf_counter()
    serial = pathways.psa(model, n_draws, dists, seed=2013, scheduler="serial")
    t_serial = time.perf_counter() - t0
    t0 = time.perf_counter()
    local = pathways.psa(model, n_draws, dists, seed=2013, n_workers=2)  # includes cluster start-up
    t_local = time.perf_counter() - t0
    same = serial.outcome_draws.equals(local.outcome_draws)
    print()
    print(f"PSA, {n_draws:,} draws of {serial.parameter_draws.shape[1]} parameters (After Trafficking model)")
    print(f"  serial:                          {t_serial:7.3f} s  {n_draws / t_serial:12,.0f} draws/s")
    print(f"  LocalCluster, 2 workers (+start): {t_local:7.3f} s  {n_draws / t_local:12,.0f} draws/s")
    print(f"  ratio serial / dask time: {t_serial / t_local:5.2f}x; identical draws: {same}")


if __name__ == "__main__":
    main()
    bench_psa()
