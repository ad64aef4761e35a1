"""Implausible migrant stocks: figures a published table holds that stated rules do not believe.

Bilateral migrant stocks are estimates: UN DESA interpolates and extrapolates between censuses,
imputes origins where a destination's sources give none, and re-estimates the whole history in
every edition.  A few figures that result are hard to believe (86,447 Lao-born and 199,618
Malaysia-born persons living in Bangladesh in 2020, UN DESA 2024), and when nothing flags them
they go straight into gravity models and flow estimates.  :func:`implausible_stocks` flags
stocks by rules stated in advance, each with its threshold as a parameter, so that a notebook can
show its estimates with and without the flagged corridors instead of reading them as facts.

The rules (:data:`IMPLAUSIBILITY_RULES`), each an assumption of the analyst, not a finding:

``"edition_revision"``
    Two editions of the source give the same corridor, year and sex values that differ by more
    than a factor ``revision_ratio``: ``max / min > revision_ratio`` (or one is 0 and the other
    at least ``min_stock``).  Editions revise the history, but a revision by a factor of ten for
    the same date means at least one edition's figure is not a measurement.
``"jump"``
    Within one series (edition, sex, origin, destination), two consecutive observations differ
    by more than a factor ``jump_ratio``: ``|ln(x_t / x_s)| > ln(jump_ratio)``, considered when
    the larger of the two is at least ``min_stock`` (a corridor of a few dozen people may
    double by chance).  Stocks accumulate over decades, so a tenfold change in five years is
    more often a change of source or method than of population (the same measure as
    :func:`mixedmig.stats.breaks.series_breaks`, compared as an exact ratio).
``"against_gradient"``
    A stock living in a destination that is not contiguous to the origin and whose GDP per
    capita is at most ``max_income_ratio`` times the origin's, holding at least
    ``min_origin_share`` of the origin's population.  Migration runs mainly from poorer to
    richer countries (Sjaastad 1962; Harris & Todaro 1970); moves against that gradient,
    without a border to cross, are mainly expatriate employees, retirees and children born
    abroad to returning migrants, who are few relative to the origin's population.

A flag is a signal to look, not a proof of error: a refugee exodus also jumps, and a real
expatriate community can be large.  Report the rules and thresholds with the flags.

References
----------
Sjaastad, L. A. (1962). The costs and returns of human migration. *Journal of Political Economy*
70(5, part 2), 80-93.

Harris, J. R. & Todaro, M. P. (1970). Migration, unemployment and development: a two-sector
analysis. *American Economic Review* 60(1), 126-142.

United Nations Department of Economic and Social Affairs, Population Division (2024).
*International Migrant Stock 2024: Documentation* (POP/DB/MIG/Stock/Rev.2024): estimates are
interpolated, extrapolated and imputed where a destination's sources are missing.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..checks import require_columns
from ..errors import InputError
from ..results import Result, diagnostics_frame

__all__ = ["IMPLAUSIBILITY_RULES", "ImplausibleStocksResult", "implausible_stocks"]

#: The rules :func:`implausible_stocks` knows, with the columns each needs besides
#: ``orig``, ``dest``, ``year`` and the value column.
IMPLAUSIBILITY_RULES = {
    "edition_revision": ("edition",),
    "jump": (),
    "against_gradient": ("contig", "pop_orig", "gdppc_orig", "gdppc_dest"),
}

_FLAG_COLUMNS = ["rule", "edition", "year", "sex", "orig", "dest", "value", "reference",
                 "ratio", "description"]


@dataclass(frozen=True, eq=False, kw_only=True)
class ImplausibleStocksResult(Result):
    """Stocks flagged as implausible by :func:`implausible_stocks`.

    Parameters
    ----------
    flags : pandas.DataFrame
        One row per flag (a stock may be flagged by several rules): ``rule``, ``edition``
        (``<NA>`` for ``"edition_revision"``, which compares editions), ``year``, ``sex``
        (``"total"`` when the input has no sex column), ``orig``, ``dest``, ``value`` (the
        flagged stock, persons; for ``"edition_revision"`` the largest edition's), ``reference``
        (what it was compared with: the smallest edition's value, the previous observation, or
        the origin's population), ``ratio`` (``value / reference``) and ``description`` (the
        rule that fired, in words).  Sorted by rule, orig, dest, year.
    rules : pandas.DataFrame
        One row per rule: ``rule``, ``applied`` (False when its columns are absent),
        ``threshold`` (in words), ``checked`` (rows or comparisons examined), ``flagged``.
    converged, iterations, message, diagnostics
        The result protocol (:class:`mixedmig.results.Result`).
    """

    flags: pd.DataFrame
    rules: pd.DataFrame = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The flags, one row per (rule, stock).

        Returns
        -------
        pandas.DataFrame
            A copy of :attr:`flags`.
        """
        return self.flags.copy()

    def corridors(self, rules=None, years=None) -> pd.DataFrame:
        """The flagged corridors, one row per (orig, dest).

        Parameters
        ----------
        rules : str or sequence of str, optional
            Keep only flags of these rules (default: every rule).
        years : int or sequence of int, optional
            Keep only flags of these years (default: every year).

        Returns
        -------
        pandas.DataFrame
            Columns ``orig``, ``dest``, ``rules`` (the rules that fired, comma-separated),
            ``years`` (the flagged years, comma-separated), sorted by orig, dest.

        Raises
        ------
        InputError
            If a rule is not one of :data:`IMPLAUSIBILITY_RULES`.
        """
        flags = self._select(rules, years)
        if flags.empty:
            return pd.DataFrame({"orig": pd.Series(dtype=object), "dest": pd.Series(dtype=object),
                                 "rules": pd.Series(dtype=object),
                                 "years": pd.Series(dtype=object)})
        grouped = flags.groupby(["orig", "dest"], sort=True)
        return pd.DataFrame({
            "rules": grouped["rule"].agg(lambda s: ", ".join(sorted(set(s)))),
            "years": grouped["year"].agg(lambda s: ", ".join(str(y) for y in sorted(set(s)))),
        }).reset_index()

    def is_flagged(self, frame: pd.DataFrame, rules=None, years=None) -> pd.Series:
        """Which rows of ``frame`` belong to a flagged corridor.

        Parameters
        ----------
        frame : pandas.DataFrame
            Any table with ``orig`` and ``dest`` columns (e.g. a gravity model frame).
        rules, years
            As in :meth:`corridors`: only corridors flagged by these rules in these years.

        Returns
        -------
        pandas.Series of bool
            Aligned with ``frame``: True where (orig, dest) is a flagged corridor (every year of
            that corridor, not only the flagged years).

        Raises
        ------
        SchemaError
            If ``frame`` lacks ``orig`` or ``dest``.
        """
        require_columns(frame, ["orig", "dest"], "table to mark")
        pairs = set(zip(*(self.corridors(rules, years)[c] for c in ("orig", "dest"))))
        return pd.Series([(o, d) in pairs for o, d in zip(frame["orig"], frame["dest"])],
                         index=frame.index, dtype=bool)

    def _select(self, rules, years) -> pd.DataFrame:
        flags = self.flags
        if rules is not None:
            rules = [rules] if isinstance(rules, str) else list(rules)
            unknown = [r for r in rules if r not in IMPLAUSIBILITY_RULES]
            if unknown:
                raise InputError(f"unknown rule(s) {unknown}; choose from "
                                 f"{', '.join(IMPLAUSIBILITY_RULES)}.")
            flags = flags[flags["rule"].isin(rules)]
        if years is not None:
            years = [years] if isinstance(years, numbers.Integral) else list(years)
            flags = flags[flags["year"].isin(years)]
        return flags


def _positive(name: str, value, *, above: float = 0.0, at_most: float | None = None) -> float:
    if (isinstance(value, bool) or not isinstance(value, numbers.Real)
            or not math.isfinite(value) or value <= above
            or (at_most is not None and value > at_most)):
        bound = f"> {above:g}" + (f" and <= {at_most:g}" if at_most is not None else "")
        raise InputError(f"implausible_stocks: {name} must be a finite number {bound}, "
                         f"got {value!r}.")
    return float(value)


def _fmt(value: float) -> str:
    return f"{value:,.0f}"


def _edition_text(edition) -> str:
    """An edition as written in a description: 2019 (not 2019.0), "rev2019" as given."""
    if isinstance(edition, numbers.Integral):
        return str(int(edition))
    if isinstance(edition, numbers.Real) and float(edition).is_integer():
        return str(int(edition))
    return str(edition)


def _empty_flags() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in _FLAG_COLUMNS})


def _revision_flags(data: pd.DataFrame, ratio: float, min_stock: float) -> tuple[pd.DataFrame, int]:
    rows = []
    keys = ["year", "sex", "orig", "dest"]
    checked = 0
    for key, part in data.groupby(keys, sort=True):
        if part["edition"].nunique() < 2:
            continue
        checked += 1
        values = part.sort_values("edition")
        high, low = values["value"].max(), values["value"].min()
        if high < min_stock or high <= 0:
            continue
        if low > 0 and high / low <= ratio:
            continue
        listing = "; ".join(f"{_edition_text(e)}: {_fmt(v)}"
                            for e, v in zip(values["edition"], values["value"]))
        factor = math.inf if low == 0 else high / low
        rows.append({"rule": "edition_revision", "edition": pd.NA, **dict(zip(keys, key)),
                     "value": high, "reference": low, "ratio": factor,
                     "description": (f"editions differ from 0 to {_fmt(high)}: {listing}"
                                     if low == 0 else
                                     f"editions differ by a factor {factor:,.1f} (> {ratio:g}): "
                                     f"{listing}")})
    return (pd.DataFrame(rows, columns=_FLAG_COLUMNS) if rows else _empty_flags()), checked


def _jump_flags(data: pd.DataFrame, ratio: float, min_stock: float) -> tuple[pd.DataFrame, int]:
    keys = ["edition", "sex", "orig", "dest"]
    ordered = data.sort_values([*keys, "year"], kind="stable")
    previous = ordered.groupby(keys, sort=False)[["year", "value"]].shift(1)
    pairs = ordered.assign(year_from=previous["year"], value_from=previous["value"])
    pairs = pairs.dropna(subset=["value_from"])
    checked = len(pairs)
    high = np.maximum(pairs["value"], pairs["value_from"])
    low = np.minimum(pairs["value"], pairs["value_from"])
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(low > 0, high / np.where(low > 0, low, 1.0), np.inf)
    hit = (high >= min_stock) & (high > 0) & (factor > ratio)
    rows = []
    for row in pairs[hit.to_numpy()].itertuples(index=False):
        start, end = float(row.value_from), float(row.value)
        change = math.inf if start == 0 else end / start
        year_from, year_to = int(row.year_from), int(row.year)
        if start == 0:
            what = f"from 0 in {year_from} to {_fmt(end)} in {year_to}"
        elif end == 0:
            what = f"from {_fmt(start)} in {year_from} to 0 in {year_to}"
        else:
            what = (f"from {_fmt(start)} in {year_from} to {_fmt(end)} in {year_to} "
                    f"(x{change:,.3g})")
        rows.append({"rule": "jump", "edition": row.edition, "year": year_to,
                     "sex": row.sex, "orig": row.orig, "dest": row.dest, "value": end,
                     "reference": start, "ratio": change,
                     "description": f"stock changed {what}, more than a factor {ratio:g}"})
    return (pd.DataFrame(rows, columns=_FLAG_COLUMNS) if rows else _empty_flags()), checked


def _gradient_flags(data: pd.DataFrame, income_ratio: float, origin_share: float,
                    min_stock: float) -> tuple[pd.DataFrame, int]:
    usable = data.dropna(subset=["value", "contig", "pop_orig", "gdppc_orig", "gdppc_dest"])
    for column in ("pop_orig", "gdppc_orig", "gdppc_dest"):
        bad = usable[usable[column] <= 0]
        if not bad.empty:
            raise InputError(f"implausible_stocks: column '{column}' must be positive; row "
                             f"{bad.index[0]!r} ({bad['orig'].iloc[0]} -> {bad['dest'].iloc[0]}, "
                             f"{bad['year'].iloc[0]}) holds {bad[column].iloc[0]!r}.")
    relative_income = usable["gdppc_dest"] / usable["gdppc_orig"]
    share = usable["value"] / usable["pop_orig"]
    hit = ((usable["contig"] == 0) & (relative_income <= income_ratio)
           & (share >= origin_share) & (usable["value"] >= min_stock))
    rows = []
    for index in usable.index[hit.to_numpy()]:
        row = usable.loc[index]
        rows.append({
            "rule": "against_gradient", "edition": row["edition"], "year": row["year"],
            "sex": row["sex"], "orig": row["orig"], "dest": row["dest"], "value": row["value"],
            "reference": row["pop_orig"], "ratio": share[index],
            "description": (f"{_fmt(row['value'])} = {1000 * share[index]:.1f} per 1,000 of the "
                            f"origin's population (>= {1000 * origin_share:g}), in a "
                            f"non-contiguous destination with {relative_income[index]:.2f} times "
                            f"the origin's GDP per capita (<= {income_ratio:g})")})
    return (pd.DataFrame(rows, columns=_FLAG_COLUMNS) if rows else _empty_flags()), len(usable)


def implausible_stocks(
    stocks: pd.DataFrame,
    *,
    rules=None,
    value: str = "stock",
    revision_ratio: float = 10.0,
    jump_ratio: float = 10.0,
    min_stock: float = 1000.0,
    max_income_ratio: float = 0.75,
    min_origin_share: float = 0.003,
) -> ImplausibleStocksResult:
    """Flag bilateral migrant stocks that stated rules find implausible.

    Each rule is an assumption with its threshold as a parameter (module docstring):

    * ``"edition_revision"``: the editions of one (year, sex, orig, dest) give ``x_max`` and
      ``x_min`` with ``x_max >= min_stock`` and ``x_max / x_min > revision_ratio`` (or
      ``x_min = 0``);
    * ``"jump"``: consecutive observations ``x_s, x_t`` of one (edition, sex, orig, dest)
      series with ``max(x_s, x_t) / min(x_s, x_t) > jump_ratio`` (equivalently
      ``|ln(x_t / x_s)| > ln(jump_ratio)``; a change from or to 0 always counts) and
      ``max(x_s, x_t) >= min_stock``;
    * ``"against_gradient"``: ``contig = 0``, ``gdppc_dest <= max_income_ratio * gdppc_orig``,
      ``x >= min_origin_share * pop_orig`` and ``x >= min_stock``.

    Parameters
    ----------
    stocks : pandas.DataFrame
        Long table of stocks (persons born in ``orig`` living in ``dest``), at most one row per
        (``edition``, ``year``, ``sex``, ``orig``, ``dest``): columns ``orig``, ``dest``,
        ``year``, ``value``; optional ``edition`` and ``sex`` (absent: one edition, both
        sexes; when present, no key of a row may be missing); for ``"against_gradient"``
        also ``contig`` (0/1), ``pop_orig`` (persons) and ``gdppc_orig``, ``gdppc_dest``
        (GDP per capita in one currency), as in
        :func:`mixedmig.data.gravity_pairs`.  Rows with a missing value are skipped.
    rules : str or sequence of str, optional
        Rules to apply (keys of :data:`IMPLAUSIBILITY_RULES`).  Default: every rule whose
        columns are present (the others are listed as not applied).
    value : str, default "stock"
        Column of the stocks (persons, >= 0).
    revision_ratio : float, default 10
        Largest believable factor between two editions' figures for one date (> 1).
    jump_ratio : float, default 10
        Largest believable factor between two consecutive observations of one series (> 1).
    min_stock : float, default 1000
        Smallest stock (persons) a rule flags: smaller corridors change by chance.
    max_income_ratio : float, default 0.75
        A destination is "poorer" when its GDP per capita is at most this share of the
        origin's (0 < r <= 1).
    min_origin_share : float, default 0.003
        Share of the origin's population (3 per 1,000) above which a stock against the income
        gradient is flagged (0 < s <= 1).  In the 2020 UN DESA 2024 figures, expatriate
        corridors towards poorer, non-neighbouring economies such as Japan-born in Thailand
        (0.8 per 1,000 of Japan's population) or Singapore-born in Japan (2.3) stay below it.

    Returns
    -------
    ImplausibleStocksResult
        ``flags`` (one row per rule and stock), ``rules`` (what was checked), ``message`` and
        ``diagnostics`` (rows skipped for missing covariates).

    Raises
    ------
    InputError
        If a rule is unknown or asked for without its columns, a threshold is out of range,
        values are negative or not numbers, a key (``orig``, ``dest``, ``year``, ``sex``,
        ``edition``) is missing on a row, or a key appears twice.
    SchemaError
        If ``orig``, ``dest``, ``year`` or ``value`` is missing.

    See Also
    --------
    mixedmig.stats.breaks.series_breaks : breaks in any series (shares or amounts).

    References
    ----------
    Sjaastad, L. A. (1962). The costs and returns of human migration. *Journal of Political
    Economy* 70(5, part 2), 80-93.

    Harris, J. R. & Todaro, M. P. (1970). Migration, unemployment and development: a
    two-sector analysis. *American Economic Review* 60(1), 126-142.

    Examples
    --------
    Made-up stocks (not real data): corridor A->B revised a hundredfold between two editions,
    and multiplied by 50 within one edition.

    >>> import pandas as pd
    >>> from mixedmig.stats.outliers import implausible_stocks
    >>> stocks = pd.DataFrame({"edition": [1, 1, 2, 2], "year": [2000, 2005, 2000, 2005],
    ...                        "orig": "A", "dest": "B", "stock": [20000, 25000, 200, 10000]})
    >>> result = implausible_stocks(stocks)
    >>> result.flags[["rule", "edition", "year", "value", "reference"]]
                   rule edition  year    value  reference
    0  edition_revision    <NA>  2000  20000.0      200.0
    1              jump       2  2005  10000.0      200.0
    >>> result.corridors()
      orig dest                    rules        years
    0    A    B  edition_revision, jump  2000, 2005
    """
    what = "implausible_stocks"
    if not isinstance(stocks, pd.DataFrame):
        raise InputError(f"{what}: stocks must be a pandas DataFrame, got "
                         f"{type(stocks).__name__}.")
    if not isinstance(value, str):
        raise InputError(f"{what}: value must be a column name, got {value!r}.")
    require_columns(stocks, ["orig", "dest", "year", value], "stock table")
    revision_ratio = _positive("revision_ratio", revision_ratio, above=1.0)
    jump_ratio = _positive("jump_ratio", jump_ratio, above=1.0)
    max_income_ratio = _positive("max_income_ratio", max_income_ratio, at_most=1.0)
    min_origin_share = _positive("min_origin_share", min_origin_share, at_most=1.0)
    if (isinstance(min_stock, bool) or not isinstance(min_stock, numbers.Real)
            or not math.isfinite(min_stock) or min_stock < 0):
        raise InputError(f"{what}: min_stock must be a finite number >= 0, got {min_stock!r}.")

    if rules is None:
        chosen = [r for r, cols in IMPLAUSIBILITY_RULES.items()
                  if all(c in stocks.columns for c in cols)]
    else:
        chosen = [rules] if isinstance(rules, str) else list(rules)
        unknown = [r for r in chosen if r not in IMPLAUSIBILITY_RULES]
        if unknown:
            raise InputError(f"{what}: unknown rule(s) {unknown}; choose from "
                             f"{', '.join(IMPLAUSIBILITY_RULES)}.")
        for rule in chosen:
            missing = [c for c in IMPLAUSIBILITY_RULES[rule] if c not in stocks.columns]
            if missing:
                raise InputError(f"{what}: rule {rule!r} needs column(s) {missing}, which the "
                                 f"stock table lacks; add them (e.g. from "
                                 f"mixedmig.data.gravity_pairs) or leave the rule out.")

    data = stocks.copy()
    data["value"] = pd.to_numeric(data[value], errors="coerce").astype(float)
    not_number = data["value"].isna() & stocks[value].notna()
    if not_number.any():
        index = data.index[not_number.to_numpy()][0]
        raise InputError(f"{what}: column '{value}' must hold numbers; row {index!r} holds "
                         f"{stocks.loc[index, value]!r}.")
    negative = data["value"] < 0
    if negative.any() or np.isinf(data["value"]).any():
        index = data.index[(negative | np.isinf(data["value"])).to_numpy()][0]
        raise InputError(f"{what}: stocks must be finite and >= 0; row {index!r} "
                         f"({data.loc[index, 'orig']} -> {data.loc[index, 'dest']}, "
                         f"{data.loc[index, 'year']}) holds {data.loc[index, 'value']!r}.")
    # a missing key would be dropped silently by the groupings of the rules: refuse it
    for column in ("orig", "dest", "year", "sex", "edition"):
        if column not in data.columns:
            continue
        missing = data[column].isna()
        if missing.any():
            index = data.index[missing.to_numpy()][0]
            where = ", ".join(str(data.loc[index, c]) for c in ("orig", "dest", "year")
                              if c != column)
            raise InputError(f"{what}: row {index!r} ({where}): column '{column}' is missing "
                             f"({int(missing.sum())} such row(s)); fill it in (for 'sex' e.g. "
                             f"'total', 'male' or 'female') or drop the row.")
    if "edition" not in data.columns:
        data["edition"] = pd.NA
    if "sex" not in data.columns:
        data["sex"] = "total"
    key = ["edition", "year", "sex", "orig", "dest"]
    duplicated = data.duplicated(key, keep=False)
    if duplicated.any():
        first = data[duplicated].iloc[0]
        raise InputError(f"{what}: more than one row for edition {first['edition']}, year "
                         f"{first['year']}, sex {first['sex']}, {first['orig']} -> "
                         f"{first['dest']}; keep one row per key.")
    data = data.dropna(subset=["value"])
    series_data = data.assign(edition=data["edition"].astype(object).where(
        data["edition"].notna(), "(one edition)"))

    parts, rule_rows = [], []
    thresholds = {
        "edition_revision": f"factor > {revision_ratio:g} between editions, stock >= {min_stock:g}",
        "jump": f"factor > {jump_ratio:g} between consecutive observations, stock >= {min_stock:g}",
        "against_gradient": (f"not contiguous, destination GDP per capita <= {max_income_ratio:g}"
                             f" x origin's, stock >= {1000 * min_origin_share:g} per 1,000 of "
                             f"the origin's population and >= {min_stock:g}"),
    }
    diagnostics = []
    for rule in IMPLAUSIBILITY_RULES:
        if rule not in chosen:
            rule_rows.append({"rule": rule, "applied": False, "threshold": thresholds[rule],
                              "checked": 0, "flagged": 0})
            continue
        if rule == "edition_revision":
            flags, checked = _revision_flags(data, revision_ratio, min_stock)
        elif rule == "jump":
            flags, checked = _jump_flags(series_data, jump_ratio, min_stock)
            flags["edition"] = flags["edition"].where(flags["edition"] != "(one edition)", pd.NA)
        else:
            flags, checked = _gradient_flags(data, max_income_ratio, min_origin_share, min_stock)
            skipped = len(data) - checked
            if skipped:
                diagnostics.append(("against_gradient rows skipped", skipped,
                                    "contig, pop_orig or GDP per capita missing"))
        parts.append(flags)
        rule_rows.append({"rule": rule, "applied": True, "threshold": thresholds[rule],
                          "checked": checked, "flagged": len(flags)})
    non_empty = [p for p in parts if not p.empty]
    flags = pd.concat(non_empty, ignore_index=True) if non_empty else _empty_flags()
    if not flags.empty:
        order = {r: i for i, r in enumerate(IMPLAUSIBILITY_RULES)}
        flags = (flags.assign(_order=flags["rule"].map(order))
                 .sort_values(["_order", "orig", "dest", "year"], kind="stable")
                 .drop(columns="_order").reset_index(drop=True))
        for column in ("value", "reference", "ratio"):
            flags[column] = flags[column].astype(float)
        flags["year"] = flags["year"].astype("int64")
    n_corridors = flags[["orig", "dest"]].drop_duplicates().shape[0] if not flags.empty else 0
    message = (f"implausible stocks: {len(chosen)} rule(s) applied ({', '.join(chosen) or 'none'})"
               f" to {len(data)} stocks; {len(flags)} flag(s) on {n_corridors} corridor(s)")
    return ImplausibleStocksResult(
        flags=flags, rules=pd.DataFrame(rule_rows), message=message,
        diagnostics=diagnostics_frame(diagnostics))
