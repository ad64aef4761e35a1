"""Test-wide settings (the one conftest.py: a second one elsewhere would clash with this one's
module name under ``--doctest-modules``).

nbval: rendered images are not compared byte for byte (PNG encoders differ across matplotlib and
libpng builds); every text output — tables, printed figures, reprs — is compared exactly. The
figures themselves are checked for determinism by tests/test_plotting.py.

Hypothesis: no per-example deadline and no "too slow" health check. The property tests solve
linear programmes, fit models and build tables; on a loaded two-core CI machine one example can
take longer than Hypothesis's default 200 ms, and a deadline then fails the run (or reports a
"flaky" test) for a reason that says nothing about the code. With ``CI`` set, examples are
derandomised, so that a CI run is reproducible; locally they are random, to explore more.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("mixedmig", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("mixedmig-ci", parent=settings.get_profile("mixedmig"), derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("mixedmig-ci" if os.environ.get("CI") else "mixedmig"))


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("image/png", "image/svg+xml", "application/pdf")
