"""Origin-destination (OD) migration flow tables: conversion, IPF and flows from stocks.

Contents
--------
* :func:`to_matrix` / :func:`to_long` - tidy ``(orig, dest, value)`` tables <-> square labelled
  matrices (same label order on both axes).
* :func:`ipf2`, :func:`ipf2_quasi`, :func:`ipf3` - iterative proportional fitting (Deming &
  Stephan 1940) of two- and three-way tables to known margins, vectorised with numpy.
  ``ipf2_quasi`` is the quasi-independence fit with the diagonal held at its maximum feasible
  value (Abel 2013, section 2.1).
* :func:`flows_from_stocks` - bilateral flows from two place-of-birth x place-of-residence stock
  tables: demographic accounting (Abel 2013; Abel & Sander 2014; Abel & Cohen 2019), stock
  differencing (Beine, Bertoli & Fernandez-Huertas Moraga 2016) and Dennett's rates method
  (Dennett 2016).
* :func:`net_matrix` - a full non-negative OD matrix that reproduces a vector of net migration
  totals, by minimum discrimination information (Kullback-Leibler) with respect to a prior.

Every iterative routine returns a frozen dataclass with the fitted values, the number of
iterations, the largest absolute margin error, a ``converged`` flag and a ``message``;
non-convergence is reported there, never silently.  Inputs that cannot be fitted at all (margins
whose sums disagree, negative counts) raise :class:`~mixedmig.errors.ConvergenceError` or
:class:`~mixedmig.errors.DataError` before any iteration.

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

from .ipf import IPFResult, ipf2, ipf2_quasi, ipf3
from .net import NetMatrixResult, net_matrix
from .stocks import (
    FlowsFromStocksResult,
    flows_from_stocks,
    VARIANTS,
    closed_system_natural_change,
    compare_methods,
    flows_over_periods,
    flow_types,
)
from .tables import to_matrix, to_long, stock_table

__all__ = [
    "IPFResult",
    "ipf2",
    "ipf2_quasi",
    "ipf3",
    "NetMatrixResult",
    "net_matrix",
    "FlowsFromStocksResult",
    "flows_from_stocks",
    "VARIANTS",
    "closed_system_natural_change",
    "compare_methods",
    "flows_over_periods",
    "flow_types",
    "to_matrix",
    "to_long",
    "stock_table",
]
