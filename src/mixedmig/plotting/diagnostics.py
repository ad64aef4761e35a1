"""Model diagnostics figures: gravity-model fit and residual plots, coefficient plots, and the
individual ratios behind the recruitment-cost indicator.

:func:`residual_plot` draws observed against fitted stocks on log axes and the Pearson
residuals ``(observed - fitted) / sqrt(fitted)`` of a PPML gravity fit (Santos Silva &
Tenreyro 2006), from the table :func:`mixedmig.gravity.fit_table` returns.
:func:`coefficient_plot` draws point estimates with confidence intervals of several fits from
the long table :func:`mixedmig.gravity.coefficient_table` returns.
:func:`recruitment_ratio_histogram` draws the workers' recruitment cost / monthly earnings
ratios behind SDG indicator 10.7.1 (:func:`mixedmig.stats.recruitment_cost_indicator`), with
the indicator (the mean of the ratios), its confidence interval and the ratio of means marked,
so that a reader sees how skewed the ratios are and why the two summaries differ.

References
----------
Santos Silva, J. M. C. & Tenreyro, S. (2006). The log of gravity. *The Review of Economics and
Statistics*, 88(4), 641-658.

ILO & World Bank (2019). *Statistics for SDG indicator 10.7.1: Guidelines for collecting data
on recruitment costs of migrant workers*. KNOMAD / ILO.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..checks import require_columns
from ..errors import InputError
from ._checks import _numeric
from .style import PALETTE, _new_axes

__all__ = ["CoefficientPlot", "ResidualPlot", "coefficient_plot", "recruitment_ratio_histogram",
           "residual_plot"]

_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">")


@dataclass
class ResidualPlot:
    """What :func:`residual_plot` drew (a drawing, not an estimator result).

    Attributes
    ----------
    figure : matplotlib.figure.Figure
        The figure holding both panels.
    fit_ax : matplotlib.axes.Axes
        Panel (a): observed against fitted stock, log-log.
    residual_ax : matplotlib.axes.Axes
        Panel (b): Pearson residual against fitted stock (log x axis).
    points : dict of str to matplotlib.collections.PathCollection
        The scatters: ``"positive"`` (PPML, observed > 0), ``"zero"`` (PPML, observed = 0,
        drawn at ``zero_at``), ``"ols"`` (only when OLS fits were given) and ``"residuals"``.
    diagonal : matplotlib.lines.Line2D
        The line observed = fitted in panel (a).
    limits : tuple of float
        Axis limits ``(0.5, 10^ceil(log10(max)))`` of panel (a), persons.
    labelled : pandas.DataFrame
        The rows whose corridors are written next to their residual (largest first, then the
        most negative).
    annotations : list of matplotlib.text.Annotation
        The corridor labels ``"ORIG→DEST"``, in the order of ``labelled``.
    """

    figure: Any
    fit_ax: Any
    residual_ax: Any
    points: dict[str, Any]
    diagonal: Any
    limits: tuple[float, float]
    labelled: pd.DataFrame
    annotations: list = field(default_factory=list)


def residual_plot(
    fits: pd.DataFrame,
    ols_fits: pd.DataFrame | None = None,
    *,
    year: Any = None,
    zero_at: float = 1.0,
    n_largest: int = 3,
    n_smallest: int = 1,
    axes: Sequence | None = None,
    figsize=(11.5, 4.8),
) -> ResidualPlot:
    """Fit and residual plot of a PPML gravity model: observed vs fitted, and residuals.

    Panel (a) plots observed against fitted stock on log axes: corridors with a positive
    stock as blue dots, the OLS fits (``exp`` of the fitted log stock) as orange triangles,
    and corridors with a zero (or unlisted) stock as vermillion crosses drawn at
    ``observed = zero_at`` (tick label "0"), with the line observed = fitted.  Panel (b)
    plots the Pearson residual against the fitted stock (log x axis), zero corridors in
    vermillion, with the ``n_largest`` largest and ``n_smallest`` most negative residuals
    labelled "ORIG→DEST".

    Parameters
    ----------
    fits : pandas.DataFrame
        PPML fit table, one row per corridor, as returned by
        :func:`mixedmig.gravity.fit_table`: columns ``orig``, ``dest``, ``observed`` and
        ``fitted`` (persons) and ``pearson_residual``; other columns are ignored.
    ols_fits : pandas.DataFrame, optional
        The same table for the log-linear OLS fit (``fitted`` = exp of the fitted log
        stock); only ``observed`` and ``fitted`` are used.  None draws no OLS points.
    year : optional
        Written in the title of panel (a), "(a) observed vs fitted, YEAR".
    zero_at : float, default 1.0
        Where zero stocks are drawn on the log axis; must lie below every positive stock.
    n_largest, n_smallest : int, default 3 and 1
        How many of the largest and of the most negative residuals are labelled.
    axes : pair of matplotlib.axes.Axes, optional
        Panels (a) and (b) to draw on; None creates a figure with two panels side by side.
    figsize : tuple of float, default (11.5, 4.8)
        Size (inches) of a new figure.

    Returns
    -------
    ResidualPlot
        The figure, both panels and what was drawn on them.

    Raises
    ------
    InputError
        If a column is missing, values are not numbers, fitted values are not positive or
        ``zero_at`` is not below every positive observed stock.

    Notes
    -----
    Pearson residual: ``r_ij = (y_ij - mu_ij) / sqrt(mu_ij)``, with ``y`` the observed and
    ``mu`` the fitted stock; under the Poisson variance assumption it has variance about 1.
    The axis limits of panel (a) are ``(0.5, 10^ceil(log10(max(y, mu))))``.

    References
    ----------
    Santos Silva, J. M. C. & Tenreyro, S. (2006). The log of gravity. *The Review of Economics
    and Statistics*, 88(4), 641-658.

    Examples
    --------
    A made-up fit table of four corridors (not real data):

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from mixedmig.plotting import residual_plot
    >>> fits = pd.DataFrame({"orig": ["KHM", "LAO", "MMR", "VNM"],
    ...                      "dest": ["THA", "THA", "THA", "LAO"],
    ...                      "observed": [900.0, 400.0, 0.0, 25.0],
    ...                      "fitted": [400.0, 400.0, 100.0, 25.0]})
    >>> fits["pearson_residual"] = (fits["observed"] - fits["fitted"]) / fits["fitted"] ** 0.5
    >>> drawing = residual_plot(fits, year=2020, n_largest=1, n_smallest=1)
    >>> drawing.limits
    (0.5, 1000.0)
    >>> [a.get_text() for a in drawing.annotations]
    ['KHM→THA', 'MMR→THA']
    >>> drawing.points["zero"].get_offsets().tolist()
    [[100.0, 1.0]]
    """
    what = "residual_plot"
    require_columns(fits, ["orig", "dest", "observed", "fitted", "pearson_residual"], what)
    observed = _numeric(fits["observed"], what, allow_missing=False)
    fitted = _numeric(fits["fitted"], what, allow_missing=False)
    residual = _numeric(fits["pearson_residual"], what, allow_missing=False,
                        allow_negative=True)
    if (fitted <= 0).any():
        raise InputError(f"{what}: fitted values must be positive to be drawn on a log axis.")
    positive = observed[observed > 0]
    if not positive.empty and not positive.min() > zero_at:
        raise InputError(
            f"{what}: zero_at={zero_at} must lie below every positive observed stock (the "
            f"smallest is {positive.min()}); pass a smaller zero_at."
        )
    for name, value in (("n_largest", n_largest), ("n_smallest", n_smallest)):
        if not isinstance(value, (int, np.integer)) or value < 0:
            raise InputError(f"{what}: {name} must be a non-negative integer, got {value!r}.")
    if axes is None:
        import matplotlib.pyplot as plt

        figure, (left, right) = plt.subplots(1, 2, figsize=figsize)
    else:
        try:
            left, right = axes
        except (TypeError, ValueError):
            raise InputError(f"{what}: axes must be a pair of Axes (panel a, panel b).") from None
        figure = left.figure

    is_zero = (observed == 0).to_numpy()
    points: dict[str, Any] = {}
    points["positive"] = left.scatter(fitted[~is_zero], observed[~is_zero], s=16, alpha=0.8,
                                      color=PALETTE[5], label="PPML, positive corridors")
    if ols_fits is not None:
        require_columns(ols_fits, ["observed", "fitted"], what)
        points["ols"] = left.scatter(
            _numeric(ols_fits["fitted"], what, allow_missing=False),
            _numeric(ols_fits["observed"], what, allow_missing=False),
            s=16, marker="^", alpha=0.7, color=PALETTE[1], label="OLS, exp(fitted ln stock)")
    points["zero"] = left.scatter(fitted[is_zero], np.full(int(is_zero.sum()), zero_at), s=18,
                                  marker="x", color=PALETTE[6],
                                  label="PPML, zero or unlisted corridors")
    left.set_xscale("log")
    left.set_yscale("log")
    top = float(np.concatenate([observed.to_numpy(), fitted.to_numpy()]).max())
    limits = (0.5, float(10 ** np.ceil(np.log10(top))))
    (diagonal,) = left.plot(limits, limits, color="0.3", linewidth=0.8)
    left.set_xlim(limits)
    left.set_ylim(limits)
    decades = range(1, int(np.log10(limits[1])) + 1)
    left.set_yticks([zero_at] + [10.0 ** k for k in decades],
                    ["0"] + [f"$10^{k}$" for k in decades])
    left.set_xlabel("fitted stock (persons)")
    left.set_ylabel("observed stock (persons)")
    left.set_title("(a) observed vs fitted" + ("" if year is None else f", {year}"))
    left.legend(loc="upper left", frameon=False)

    points["residuals"] = right.scatter(fitted, residual, s=16,
                                        c=np.where(is_zero, PALETTE[6], PALETTE[5]))
    right.set_xscale("log")
    right.axhline(0, color="0.3", linewidth=0.8)
    table = fits.assign(fitted=fitted, pearson_residual=residual)
    labelled = pd.concat([table.nlargest(n_largest, "pearson_residual"),
                          table.nsmallest(n_smallest, "pearson_residual")])
    annotations = [
        right.annotate(f"{row.orig}→{row.dest}", (row.fitted, row.pearson_residual),
                       xytext=(-6, 0), textcoords="offset points", ha="right", va="center",
                       fontsize=8)
        for row in labelled.itertuples()
    ]
    right.set_xlabel("fitted stock (persons)")
    right.set_ylabel("Pearson residual (observed − fitted) / √fitted")
    right.set_title("(b) PPML residuals (vermillion: zero or unlisted)")
    return ResidualPlot(figure=figure, fit_ax=left, residual_ax=right, points=points,
                        diagonal=diagonal, limits=limits, labelled=labelled,
                        annotations=annotations)


@dataclass
class CoefficientPlot:
    """What :func:`coefficient_plot` drew (a drawing, not an estimator result).

    Attributes
    ----------
    ax : matplotlib.axes.Axes
        The axes drawn on.
    errorbars : dict of str to matplotlib.container.ErrorbarContainer
        One point-and-interval series per model, in the order of the table.
    positions : pandas.DataFrame
        One row per (model, regressor) drawn: ``model``, ``regressor``, ``y`` (vertical
        position: regressor rank + the model's offset), ``coef``, ``ci_low``, ``ci_high``.
    legend : matplotlib.legend.Legend
        The legend, one entry "MODEL (n = NOBS)" per model.
    """

    ax: Any
    errorbars: dict[str, Any]
    positions: pd.DataFrame
    legend: Any


def coefficient_plot(
    table: pd.DataFrame,
    regressors: Sequence[str],
    *,
    labels: Mapping[str, str] | None = None,
    alpha: float = 0.05,
    spread: float = 0.22,
    title: str | None = None,
    ax=None,
    figsize=(7.5, 3.8),
) -> CoefficientPlot:
    """Coefficients with confidence intervals of several fits, one row per regressor.

    Each model of ``table`` is one series of points with horizontal error bars (markers o,
    s, ^, ... in turn), shifted vertically by evenly spaced offsets in ``[-spread, spread]``
    so the models do not overlap; a vertical line marks 0.  The first regressor is at the
    top.

    Parameters
    ----------
    table : pandas.DataFrame
        Long coefficient table as returned by :func:`mixedmig.gravity.coefficient_table`:
        columns ``model``, ``regressor``, ``coef``, ``ci_low``, ``ci_high`` and ``nobs``.
    regressors : sequence of str
        The regressors to draw, top to bottom; each model must have all of them.
    labels : mapping of str to str, optional
        Axis label of each regressor (default: its name).
    alpha : float, default 0.05
        Significance level of the intervals in the table; the x label reads
        "coefficient (log points) with 95% confidence interval" for 0.05.
    spread : float, default 0.22
        Largest vertical offset of a model's points from its regressor's row.
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; None creates a new figure.
    figsize : tuple of float, default (7.5, 3.8)
        Size (inches) of a new figure.

    Returns
    -------
    CoefficientPlot
        The axes and what was drawn on it.

    Raises
    ------
    InputError
        If a column is missing, ``regressors`` is empty or a model lacks a regressor.

    Notes
    -----
    Model ``m`` of ``M`` is drawn at ``y = r + offset_m``, ``r`` the regressor's rank and
    ``offset_m = -spread + 2 spread m / (M - 1)`` (0 when there is one model).  The error
    bar runs from ``ci_low`` to ``ci_high``.

    Examples
    --------
    A made-up table of two models and two regressors (not real estimates):

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from mixedmig.plotting import coefficient_plot
    >>> table = pd.DataFrame({
    ...     "model": ["A", "A", "B", "B"], "regressor": ["log_dist", "contig"] * 2,
    ...     "coef": [-1.0, 0.5, -0.8, 0.7], "ci_low": [-1.2, 0.1, -1.1, 0.2],
    ...     "ci_high": [-0.8, 0.9, -0.5, 1.2], "nobs": [30, 30, 28, 28]})
    >>> drawing = coefficient_plot(table, ["log_dist", "contig"])
    >>> drawing.positions["y"].tolist()
    [-0.22, 0.78, 0.22, 1.22]
    >>> [t.get_text() for t in drawing.legend.get_texts()]
    ['A (n = 30)', 'B (n = 28)']
    """
    what = "coefficient_plot"
    require_columns(table, ["model", "regressor", "coef", "ci_low", "ci_high", "nobs"], what)
    regressors = list(regressors)
    if not regressors:
        raise InputError(f"{what}: name at least one regressor to draw.")
    models = list(pd.unique(table["model"]))
    if not models:
        raise InputError(f"{what}: the table has no rows.")
    ax = _new_axes(ax, figsize)
    offsets = np.linspace(-spread, spread, len(models))
    errorbars: dict[str, Any] = {}
    rows_drawn = []
    for position, (name, offset) in enumerate(zip(models, offsets)):
        part = table[table["model"] == name].set_index("regressor")
        absent = [r for r in regressors if r not in part.index]
        if absent:
            raise InputError(f"{what}: model {name!r} has no coefficient for {absent}.")
        rows = part.loc[regressors]
        y = np.arange(len(regressors)) + offset
        errorbars[name] = ax.errorbar(
            rows["coef"], y, marker=_MARKERS[position % len(_MARKERS)], linestyle="",
            xerr=[rows["coef"] - rows["ci_low"], rows["ci_high"] - rows["coef"]],
            capsize=3, label=f"{name} (n = {rows['nobs'].iloc[0]})")
        rows_drawn.append(pd.DataFrame({
            "model": name, "regressor": regressors, "y": np.round(y, 12),
            "coef": rows["coef"].to_numpy(), "ci_low": rows["ci_low"].to_numpy(),
            "ci_high": rows["ci_high"].to_numpy()}))
    ax.axvline(0, color="0.3", linewidth=0.8)
    ax.set_yticks(range(len(regressors)), [(labels or {}).get(r, r) for r in regressors])
    ax.invert_yaxis()
    ax.set_xlabel(f"coefficient (log points) with {100 * (1 - alpha):.0f}% confidence interval")
    if title:
        ax.set_title(title)
    legend = ax.legend(loc="upper right", frameon=False)
    return CoefficientPlot(ax=ax, errorbars=errorbars,
                           positions=pd.concat(rows_drawn, ignore_index=True), legend=legend)



def _numbers(values, name: str, what: str) -> np.ndarray:
    try:
        return pd.to_numeric(pd.Series(np.asarray(values).ravel()), errors="raise") \
            .to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{what}: {name} must hold numbers ({exc}).") from None


def recruitment_ratio_histogram(costs, earnings, result, *, weights=None, bins=40, ax=None,
                                title: str | None = None, figsize=(8.0, 3.6)):
    """Histogram of the workers' cost / earnings ratios with the indicator and its interval.

    The ratios :math:`r_i = C_i / E_i` of the workers the indicator used are binned; the
    indicator (mean of the ratios) is a solid line, the ratio of means a dashed line and the
    indicator's confidence interval a shaded band, each labelled with its value.

    Parameters
    ----------
    costs, earnings : array-like of float
        The recruitment costs and monthly earnings ``result`` was computed from (same length,
        same order, same currency per worker).
    result : mixedmig.stats.RecruitmentCostResult
        The indicator, from :func:`mixedmig.stats.recruitment_cost_indicator`.
    weights : array-like of float, optional
        The survey weights ``result`` was computed with: the bars then add up weights
        (persons represented) instead of counting workers. Without weights, the bars count
        respondents.
    bins : int or sequence of float, default 40
        Bins of :meth:`matplotlib.axes.Axes.hist`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure of size ``figsize``.
    title : str, optional
        Axes title.
    figsize : tuple of float, default (8.0, 3.6)
        Size (inches) of a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        The axes. The bars are its patches; the indicator and ratio-of-means lines and the
        interval band carry the gids ``"indicator"``, ``"ratio-of-means"`` and ``"interval"``
        (the line is absent when the ratio of means is NaN, e.g. several currencies; the band
        when the interval is).

    Raises
    ------
    InputError
        If ``result`` is not a recruitment-cost result, the lengths differ, values are not
        numbers, or the workers kept here (finite cost >= 0, earnings > 0, a positive weight,
        and a positive cost when ``result.zero_costs == "exclude"``) are not the
        ``result.n`` workers the indicator used (other data, or weights left out).

    Notes
    -----
    A worker is kept as :func:`mixedmig.stats.recruitment_cost_indicator` keeps him or her
    with ``invalid="drop"``: rows with a missing cost or earnings, or zero earnings, have no
    ratio; workers who paid nothing are drawn at 0 when zero costs were included, and left
    out when they were excluded; rows of weight 0 represent nobody. With weights, the bars
    show :math:`\\sum_{i \\in b} w_i` for each bin :math:`b`, whose weighted mean is the
    indicator; the ratio of means :math:`\\sum w C / \\sum w E` weights each ratio by the
    worker's earnings and is usually lower, because low earners have the highest ratios.

    References
    ----------
    ILO & World Bank (2019). *Statistics for SDG indicator 10.7.1: Guidelines for collecting
    data on recruitment costs of migrant workers*. KNOMAD / ILO.

    Examples
    --------
    Four workers (made-up illustrative values, not data); the one who paid nothing counts
    with ratio 0:

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from mixedmig.plotting import recruitment_ratio_histogram
    >>> from mixedmig.stats import recruitment_cost_indicator
    >>> costs, earnings = [100, 300, 300, 0], [200, 300, 600, 400]
    >>> result = recruitment_cost_indicator(costs, earnings)
    >>> ax = recruitment_ratio_histogram(costs, earnings, result, bins=[0, 0.25, 0.75, 1.25])
    >>> [int(p.get_height()) for p in ax.patches if p.get_gid() is None]
    [1, 2, 1]
    >>> [t.get_text() for t in ax.get_legend().get_texts()][:2]
    ['mean of ratios (indicator) 0.500', 'ratio of means 0.467']
    """
    from ..stats.recruitment import RecruitmentCostResult

    what = "recruitment_ratio_histogram"
    if not isinstance(result, RecruitmentCostResult):
        raise InputError(f"{what}: result must be a RecruitmentCostResult (from "
                         f"mixedmig.stats.recruitment_cost_indicator), got "
                         f"{type(result).__name__}.")
    c = _numbers(costs, "costs", what)
    e = _numbers(earnings, "earnings", what)
    w = None if weights is None else _numbers(weights, "weights", what)
    if len(e) != len(c) or (w is not None and len(w) != len(c)):
        raise InputError(f"{what}: costs ({len(c)}), earnings ({len(e)})"
                         + ("" if w is None else f" and weights ({len(w)})")
                         + " must have the same length.")
    keep = np.isfinite(c) & np.isfinite(e) & (e > 0) & (c >= 0)
    if result.zero_costs == "exclude":
        keep &= c > 0
    if w is not None:
        keep &= np.isfinite(w) & (w > 0)
    if int(keep.sum()) != result.n or (
            w is not None and not np.isclose(w[keep].sum(), result.sum_weights)):
        raise InputError(
            f"{what}: {int(keep.sum())} workers have a ratio here, but the indicator used "
            f"{result.n}" + ("" if w is None else f" (weights {w[keep].sum():,.6g} here, "
                                                  f"{result.sum_weights:,.6g} there)")
            + "; pass the costs, earnings and weights the result was computed from.")
    ratios = c[keep] / e[keep]
    ax = _new_axes(ax, figsize)
    ax.hist(ratios, bins=bins, weights=None if w is None else w[keep], color=PALETTE[2],
            alpha=0.8)
    ax.axvline(result.estimate, color=PALETTE[0], lw=2, gid="indicator",
               label=f"mean of ratios (indicator) {result.estimate:.3f}")
    if np.isfinite(result.ratio_of_means):
        ax.axvline(result.ratio_of_means, color=PALETTE[1], lw=2, ls="--", gid="ratio-of-means",
                   label=f"ratio of means {result.ratio_of_means:.3f}")
    if np.isfinite(result.lower) and np.isfinite(result.upper):
        ax.axvspan(result.lower, result.upper, color=PALETTE[0], alpha=0.15, gid="interval",
                   label=f"{100 * result.level:g}% CI of the indicator")
    ax.set_xlabel("recruitment cost / monthly earnings (months)")
    ax.set_ylabel("workers" if w is None else "persons represented (sum of weights)")
    if title:
        ax.set_title(title)
    ax.legend(frameon=False)
    return ax
