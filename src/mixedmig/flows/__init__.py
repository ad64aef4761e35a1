"""Origin-destination (OD) migration flow tables: conversion, IPF and flows from stocks.

Contents
--------
* :func:`check_od_matrix` - the one check of square OD (and stock) matrices, shared with
  :mod:`mixedmig.indices`: same regions on both axes (another order is reordered by label).
* :func:`to_matrix` / :func:`to_long` - tidy ``(orig, dest, value)`` tables <-> square labelled
  matrices (same label order on both axes); :func:`stock_table` - a birthplace x residence
  stock table from bilateral foreign-born stocks and populations.
* :func:`ipf2`, :func:`ipf2_quasi`, :func:`ipf3` - iterative proportional fitting (Deming &
  Stephan 1940) of two- and three-way tables to known margins from a ``prior`` (auxiliary)
  table, vectorised with numpy.  ``ipf2_quasi`` is the quasi-independence fit with the diagonal
  held at its maximum feasible value (Abel 2013, section 2.1).
* Flows from two place-of-birth x place-of-residence stock tables:
  :func:`flows_demographic` (demographic accounting; Abel 2013; Abel & Sander 2014; Abel &
  Cohen 2019), :func:`flows_difference` (stock differencing; Beine, Bertoli &
  Fernandez-Huertas Moraga 2016) and :func:`flows_rates` (Dennett 2016), with the dispatcher
  :func:`flows_from_stocks`, :func:`compare_methods` over the :data:`VARIANTS`,
  :func:`flows_over_periods` and :func:`closed_system_natural_change`; :func:`flows_sweep`
  runs an estimator over stock editions x priors x periods, optionally bootstrapped, serially
  or on Dask (:mod:`mixedmig.sweeps`).
* :func:`net_matrix` - a full non-negative OD matrix that reproduces a vector of net migration
  totals, by minimum discrimination information (Kullback-Leibler) with respect to a prior.

Every estimator returns a frozen ``...Result`` dataclass (:class:`mixedmig.results.Result`):
fitted values as DataFrames labelled by region (positions when the inputs had no labels;
three-way tables with a ``(layer, orig)`` MultiIndex), ``converged``, ``iterations``,
``message``, a ``diagnostics`` DataFrame and ``to_frame()``, the tidy ``(orig, dest, flow)``
table.  Non-convergence is reported there, never silently, and raises
:class:`~mixedmig.errors.ConvergenceError` when the caller passes ``strict=True``.  Inputs that
cannot be fitted at all raise before any iteration: margins whose sums disagree
:class:`~mixedmig.errors.InfeasibleError` (naming both sums and the gap), negative or
malformed counts :class:`~mixedmig.errors.DataError`, a table of the wrong structure (not a
DataFrame, not square, other regions, a missing column)
:class:`~mixedmig.errors.SchemaError`, bad options (including ``tol`` and ``max_iter``)
:class:`~mixedmig.errors.InputError`.  ``seed`` never names a table here: the IPF starting
table is the ``prior``.

Convergence rule (all routines): a fit has converged when every fitted margin entry ``f``
satisfies ``|f - t| <= tol * max(1, |t|)`` for its target ``t`` (relative error for counts of one
or more, absolute error below one).

References
----------
Abel, G. J. (2013). Estimating global migration flow tables using place of birth data.
*Demographic Research* 28(18), 505-546.
Abel, G. J. & Sander, N. (2014). Quantifying global international migration flows. *Science*
343(6178), 1520-1522.
Abel, G. J. & Cohen, J. E. (2019). Bilateral international migration flow estimates for 200
countries. *Scientific Data* 6, 82.
Beine, M., Bertoli, S. & Fernandez-Huertas Moraga, J. (2016). A practitioners' guide to gravity
models of international migration. *The World Economy* 39(4), 496-512.
Dennett, A. (2016). Estimating an annual time series of global migration flows - an alternative
methodology for using migrant stock data. In Wilson, A. G. (ed.) *Global Dynamics: Approaches
from Complexity Science*, Wiley, 125-142, doi:10.1002/9781118937464.ch7.  (The rates method is
implemented as summarised by Abel & Cohen 2019 and the migest documentation.)
Kullback, S. (1959). *Information Theory and Statistics*. Wiley.
Deming, W. E. & Stephan, F. F. (1940). On a least squares adjustment of a sampled frequency table
when the expected marginal totals are known. *Annals of Mathematical Statistics* 11(4), 427-444.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for type checkers and IDEs; at run time names load on first use
    from .ipf import IPFResult, ipf2, ipf2_quasi, ipf3  # noqa: F401
    from .net import NetMatrixResult, net_matrix  # noqa: F401
    from .stocks import VARIANTS, FlowsFromStocksResult, FlowsOverPeriodsResult, closed_system_natural_change, compare_methods, flows_demographic, flows_difference, flows_from_stocks, flows_over_periods, flows_rates  # noqa: F401
    from .sweeps import FlowsSweepResult, flows_sweep  # noqa: F401
    from .tables import check_od_matrix, stock_table, to_long, to_matrix  # noqa: F401

# Public name -> submodule. ``import mixedmig.flows`` loads no submodule; each loads the first
# time one of its names is used (PEP 562), so importing the package costs almost nothing.
_EXPORTS = {
    "IPFResult": "ipf",
    "ipf2": "ipf",
    "ipf2_quasi": "ipf",
    "ipf3": "ipf",
    "NetMatrixResult": "net",
    "net_matrix": "net",
    "VARIANTS": "stocks",
    "FlowsFromStocksResult": "stocks",
    "FlowsOverPeriodsResult": "stocks",
    "closed_system_natural_change": "stocks",
    "compare_methods": "stocks",
    "flows_demographic": "stocks",
    "flows_difference": "stocks",
    "flows_from_stocks": "stocks",
    "flows_over_periods": "stocks",
    "flows_rates": "stocks",
    "FlowsSweepResult": "sweeps",
    "flows_sweep": "sweeps",
    "check_od_matrix": "tables",
    "stock_table": "tables",
    "to_long": "tables",
    "to_matrix": "tables",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))
