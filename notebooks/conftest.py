"""nbval settings for the notebooks.

Rendered images are not compared byte for byte (PNG encoders differ across matplotlib and
libpng builds); every text output — tables, printed figures, reprs — is compared exactly.
The figures themselves are checked for determinism by tests/test_plotting.py.
"""


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("image/png", "image/svg+xml", "application/pdf")
