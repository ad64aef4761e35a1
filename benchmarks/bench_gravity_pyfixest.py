"""Cross-check: mixedmig.gravity.fit_ppml against pyfixest.fepois (coefficients and SEs).

Run:  .venv/bin/python benchmarks/bench_gravity_pyfixest.py

Two kinds of input:

* the project's own data: ``mixedmig.data.load("gravity_pairs")`` made into model frames with
  ``gravity.model_frame`` exactly as notebook 03 does (UN DESA 2024 stocks, CEPII GeoDist,
  WPP/WDI), for the notebook's specifications: the 2020 cross-section with origin and
  destination fixed effects (HC1), the same on the positive stocks only, and the 1990-2020
  panel with origin, destination and year effects clustered by corridor;
* a SIMULATED panel (seeded numpy RNG, no real figures): 40 economies, 1,560 ordered pairs, 5
  years, Poisson flows with origin, destination and year effects, many zeros; HC1 and
  clustered by pair.

pyfixest's small-sample conventions are set to match mixedmig's (``fit_ppml`` Notes):
``ssc(k_adj=True, k_fixef="full", G_adj=True, G_df="min")`` counts every fixed effect in k
(pyfixest's default ``k_fixef="nonnested"`` leaves out those nested in the clusters), giving
``n/(n-k)`` for "hetero" (= HC1) and ``G/(G-1) (n-1)/(n-k)`` for CRV1; ``fixef_rm="none"``
keeps singleton groups, as mixedmig does.  pyfixest reduces k by one per extra fixed effect
(``k_fe - (n_fe - 1)``), which is the rank of the full design for non-interacted effects such as
orig + dest + year, so k agrees exactly there; for interacted effects (orig x year + dest x year)
the rank deficit is larger and the two k differ, which is why those specifications are not
compared here.  Both are run with a tight IRLS tolerance (1e-12), and pyfixest with a tight
fixed-effect demeaning tolerance (``fixef_tol=1e-12``), so that the comparison measures the
formulas, not the stopping rules.  Timings are the best of a few runs; ratios are printed, no
assertion is made on time.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pyfixest as pf
from timing import best_time

from mixedmig import data, gravity

REPEATS = 3
TOL = 1e-12
SSC = pf.ssc(k_adj=True, k_fixef="full", G_adj=True, G_df="min")


def compare(name, frame, flow, regressors, fe, cluster=None):
    """Fit both, print the largest absolute differences and the time ratio."""
    frame = frame.reset_index(drop=True)
    used = frame.dropna(subset=[flow, *regressors, *fe]).copy()
    if cluster is not None:
        used["_cluster"] = used[list(cluster)].astype(str).agg("|".join, axis=1)
    rhs = " + ".join(regressors)
    formula = f"{flow} ~ {rhs}" + (f" | {' + '.join(fe)}" if fe else "")
    vcov = "hetero" if cluster is None else {"CRV1": "_cluster"}

    def ours():
        return gravity.fit_ppml(frame, flow, regressors, fe=fe, cluster=cluster, tol=TOL,
                                maxiter=200)

    def theirs():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pf.fepois(formula, data=used, vcov=vcov, ssc=SSC, fixef_rm="none",
                             iwls_tol=TOL, iwls_maxiter=200, fixef_tol=1e-12)

    t_ours, fit = best_time(ours, REPEATS)
    t_theirs, ref = best_time(theirs, REPEATS)
    ref_coef = ref.coef()[list(regressors)]
    ref_se = ref.se()[list(regressors)]
    d_coef = float(np.max(np.abs(fit.params - ref_coef)))
    d_se = float(np.max(np.abs(fit.bse - ref_se)))
    r_se = float(np.max(np.abs(fit.bse / ref_se - 1)))
    d_p = float(np.max(np.abs(fit.pvalues - ref.pvalue()[list(regressors)])))
    d_ci = float(np.max(np.abs(fit.conf_int.to_numpy()
                               - ref.confint().loc[list(regressors)].to_numpy())))
    print(f"{name}\n    {fit.nobs} rows (pyfixest {ref._N}); mixedmig {fit.cov_type}, "
          f"factor {fit.cov_factor_formula}")
    print(f"    max |coef diff| = {d_coef:.2e}   max |se diff| = {d_se:.2e}   "
          f"max |se ratio - 1| = {r_se:.2e}")
    print(f"    max |p-value diff| = {d_p:.2e}   max |CI bound diff| = {d_ci:.2e} "
          "(both use the normal distribution)")
    absorbed = gravity.fit_ppml(frame, flow, regressors, fe=fe, cluster=cluster, tol=TOL,
                                maxiter=200, backend="pyfixest")
    print(f"    mixedmig backends (statsmodels {fit.backend!r} vs 'pyfixest'): max |coef diff| = "
          f"{float(np.max(np.abs(fit.params - absorbed.params))):.2e}   max |se diff| = "
          f"{float(np.max(np.abs(fit.bse - absorbed.bse))):.2e}")
    print(f"    time: mixedmig {t_ours * 1e3:8.1f} ms, pyfixest {t_theirs * 1e3:8.1f} ms, "
          f"ratio mixedmig/pyfixest = {t_ours / t_theirs:.2f}")
    return d_coef, d_se


def simulated_panel(seed=2025, n_econ=40, years=(2000, 2005, 2010, 2015, 2020)):
    """SIMULATED panel (not data): Poisson flows, mean exp(1 + a_o + b_d + c_t - 1.1 x1
    + 0.6 x2 + 0.3 x3)."""
    rng = np.random.default_rng(seed)
    econ = [f"E{i:02d}" for i in range(n_econ)]
    a, b = rng.normal(0, 1, n_econ), rng.normal(0, 1, n_econ)
    pos = rng.uniform(0, 10, (n_econ, 2))
    rows = []
    for t, year in enumerate(years):
        for i in range(n_econ):
            for j in range(n_econ):
                if i == j:
                    continue
                x1 = np.log1p(np.hypot(*(pos[i] - pos[j])))
                x2 = float(abs(i - j) == 1)
                x3 = rng.normal()
                eta = 1 + a[i] + b[j] + 0.1 * t - 1.1 * x1 + 0.6 * x2 + 0.3 * x3
                rows.append((econ[i], econ[j], year, x1, x2, x3, rng.poisson(np.exp(eta))))
    return pd.DataFrame(rows, columns=["orig", "dest", "year", "x1", "x2", "x3", "flow"])


def main():
    pairs = data.load("gravity_pairs")
    cross = gravity.model_frame(pairs, years=2020, unlisted="zero", distance="distw",
                                language="comlang_ethno")
    panel = gravity.model_frame(pairs, years=(1990, 1995, 2000, 2005, 2010, 2015, 2020),
                                unlisted="zero", distance="distw", language="comlang_ethno")
    bilateral = ["log_dist", "contig", "comlang"]
    diffs = [
        compare("project data, 2020, orig + dest FE, HC1", cross, "stock", bilateral,
                ("orig", "dest")),
        compare("project data, 2020 positive stocks, orig + dest FE, HC1",
                cross[cross["stock"] > 0], "stock", bilateral, ("orig", "dest")),
        compare("project data, 2020, orig + dest FE, clustered by origin", cross, "stock",
                bilateral, ("orig", "dest"), cluster=("orig",)),
        compare("project data, panel 1990-2020, orig + dest + year FE, clustered by corridor",
                panel, "stock", [*bilateral, "log_income_ratio"], ("orig", "dest", "year"),
                cluster=("orig", "dest")),
    ]
    sim = simulated_panel()
    print(f"\nsimulated panel: {len(sim)} rows, {int((sim['flow'] == 0).sum())} zero flows")
    diffs += [
        compare("simulated panel, orig + dest + year FE, HC1", sim, "flow",
                ["x1", "x2", "x3"], ("orig", "dest", "year")),
        compare("simulated panel, orig + dest + year FE, clustered by pair", sim, "flow",
                ["x1", "x2", "x3"], ("orig", "dest", "year"), cluster=("orig", "dest")),
    ]
    print(f"\noverall: max |coef diff| = {max(d[0] for d in diffs):.2e}, "
          f"max |se diff| = {max(d[1] for d in diffs):.2e}")


if __name__ == "__main__":
    main()
