"""One corridor's profile: every measure the toolkit holds about origin -> destination, side by side.

Mixed migration means that labour migrants, refugees, asylum-seekers and trafficked persons move
along the same routes, and each is counted by a different institution, in a different unit, over a
different period. :func:`corridor_profile` gathers every curated figure about one corridor
(migrant stocks by edition and sex, refugees and asylum-seekers, registered migrant workers,
identified victims, registered trafficking cases, repatriations and returns, recruitment costs),
one row per published figure, each with its unit, kind of quantity, period, source table, citation
and caveat. Nothing is ever summed across measures: a stock is not a flow, a case count is not
a number of migrants, and a cost in USD is not a count (the one sum is a case count's total over
the registration years of its own table, in :meth:`CorridorProfile.measures`). A measure with no figure for the corridor is listed as
"not available" with the reason, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import countries, data
from . import _inputs
from ..errors import InputError
from ..results import Result, diagnostics_frame

__all__ = ["CorridorProfile", "corridor_profile", "MEASURE_FAMILIES", "MID_YEAR_NOTE",
           "PROFILE_COLUMNS", "ZERO_SKIPPING_FAMILIES", "short_period"]

#: The families of measures a corridor profile looks for, in display order, each with the source
#: table it reads (the key of ``tables=``) and what it counts.
MEASURE_FAMILIES = {
    "migrant stock (UN DESA)": "undesa_ims_bilateral",
    "migrant stock (World Bank 2013)": "worldbank_bilateral_2013",
    "refugees (UNHCR)": "unhcr_refugees_gms",
    "asylum-seekers (UNHCR)": "unhcr_refugees_gms",
    "migrant workers in Thailand (official points)": "thailand_migrant_workers",
    "identified victims reported by the origin (UNIAP)": "uniap_identified_victims",
    "identified victims reported by the destination (UNIAP)": "uniap_identified_victims",
    "registered trafficking cases (CTDC)": "ctdc_cases_corridor_year",
    "repatriations and returns": "gms_repatriations",
    "trafficking case tables": "gms_trafficking_cases",
    "recruitment costs": "recruitment_costs_gms",
}

#: Families whose latest value in :meth:`CorridorProfile.measures` skips published zeros (as
#: case counts do), the later zero years listed: UNHCR publishes a 0 for one population type
#: in a row of the pair that counts another.
ZERO_SKIPPING_FAMILIES = frozenset({"refugees (UNHCR)", "asylum-seekers (UNHCR)"})

#: Columns of :meth:`CorridorProfile.to_frame`, in order.
PROFILE_COLUMNS = ["family", "measure", "value", "unit", "quantity", "period", "year", "sex",
                   "edition", "flag", "source_table", "citation", "reliability", "caveat"]

#: What follows the year in the period of a figure the manifest says may be mid-year.
MID_YEAR_NOTE = " (possibly mid-year)"

_SEX_ORDER = {"total": 0, "male": 1, "female": 2}

_STOCK = "persons (stock)"
_FLOW = "persons (flow over a period)"
_CASES = "registered cases"


@dataclass(frozen=True, eq=False, kw_only=True)
class CorridorProfile(Result):
    """Every measure the toolkit holds about one corridor (see :func:`corridor_profile`).

    A closed-form gathering of published figures, so ``converged`` is True and ``iterations``
    0 (the result protocol of :mod:`mixedmig.results`).

    Attributes
    ----------
    origin, destination : str
        ISO 3166-1 alpha-3 codes of the corridor (origin -> destination).
    origin_name, destination_name : str
        The registry's English short names.
    rows : pandas.DataFrame
        One row per published figure, columns :data:`PROFILE_COLUMNS`: ``family`` (one of
        :data:`MEASURE_FAMILIES`), ``measure`` (the figure's own label), ``value`` (float;
        missing where the source published no figure or disclosure control hid it),
        ``unit`` (e.g. ``"persons (stock)"``, ``"persons (flow over a period)"``,
        ``"registered cases"``, ``"USD"``, ``"months of earnings"``), ``quantity``
        (``stock``, ``flow``, ``case count``, ``point``, ``point estimate``, ``share``),
        ``period`` (as published), ``year`` (the calendar year it refers to, missing if
        unknown), ``sex``, ``edition``, ``flag`` (``[c]`` = suppressed at k = 11),
        ``source_table``, ``citation``, ``reliability``, ``caveat``.
    not_available : pandas.DataFrame
        One row per family with no figure on this corridor: ``family, source_table, reason``.
    inputs : pandas.DataFrame
        One row per source (the keys of ``tables=``, in the order of
        :data:`MEASURE_FAMILIES`): ``role`` (the curated table the input stands in for),
        ``input`` (what was given: a table name, a path, ``"a DataFrame"`` or
        ``"left out"``), ``user_supplied`` (bool: not a curated table, so not cited with a
        manifest), ``source_table`` (as in :attr:`rows`; ``""`` when left out) and
        ``edition`` (an imported table's edition from its manifest, else ``""``). What a
        report says about whose data it shows comes from here.
    mid_year_last : dict of str to int
        Curated tables whose manifest says their last year may be a mid-year figure, with that
        year (``{"unhcr_refugees_gms": 2025}`` by default); a user's table is never listed.
        The rows of that year have the period ``"YEAR (possibly mid-year)"``.
    diagnostics : pandas.DataFrame
        One row per source table consulted: ``check`` (table name), ``value`` (rows about the
        corridor), ``note`` (the user-supplied label, or why the source was left out).
    """

    origin: str
    destination: str
    origin_name: str
    destination_name: str
    rows: pd.DataFrame
    not_available: pd.DataFrame
    inputs: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=_inputs.INPUT_COLUMNS))
    mid_year_last: dict = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The tidy table: one row per published figure.

        Returns
        -------
        pandas.DataFrame
            A copy of :attr:`rows` (columns :data:`PROFILE_COLUMNS`).

        Examples
        --------
        >>> from mixedmig.profiles import corridor_profile
        >>> p = corridor_profile("Cambodia", "Thailand")
        >>> sorted(p.to_frame().quantity.unique())
        ['case count', 'flow', 'point', 'share', 'stock']
        """
        return self.rows.copy()

    def by_unit(self) -> dict:
        """The rows split by unit: values in one frame are comparable in kind, never across frames.

        Returns
        -------
        dict of str to pandas.DataFrame
            Unit -> the rows in that unit (fresh index), units in order of first appearance.

        Examples
        --------
        >>> from mixedmig.profiles import corridor_profile
        >>> list(corridor_profile("MMR", "THA").by_unit())[:2]
        ['persons (stock)', 'persons (point, at a date)']
        """
        return {unit: part.reset_index(drop=True)
                for unit, part in self.rows.groupby("unit", sort=False)}

    def measures(self) -> pd.DataFrame:
        """One line per measure with its latest value, then the families with no data.

        The latest value is the row with the latest ``year`` (then the latest ``edition``,
        then sex ``total`` first); rows of unknown year count as earliest. For case counts
        (``quantity == "case count"``) and UNHCR's refugees and asylum-seekers (families of
        :data:`ZERO_SKIPPING_FAMILIES`) a year with a published zero is skipped: the latest
        value is the latest non-zero year (a zero only when every year is zero), and the zero
        years after it are never hidden: ``zeros_after`` lists them and the caveat starts with
        ``"latest non-zero year shown; 0 in ..."``. (A zero of a case table is a year with no
        registration; a UNHCR zero is a row of the pair that counts another population type.
        Other stocks keep their latest figure even when it is 0: a UN DESA or World Bank 0 is
        a pair the destination does not itemise, to be read as missing.) For case counts
        ``total`` is the sum over the years the table covers, ``total_over`` says which,

        .. math:: \\text{total} = \\sum_{t \\in T} c_t,

        with :math:`T` the years with a published count :math:`c_t` (years absent from the
        table are unknown, not zero; a suppressed cell makes the total a lower bound). Families
        without a figure on this corridor are listed with ``status = "not available"`` and the
        reason.

        Returns
        -------
        pandas.DataFrame
            Columns ``family, measure, latest, unit, quantity, period, sex, edition, figures,
            total, total_over, zeros_after, source_table, status, caveat`` where ``figures``
            counts the measure's rows (zeros included), ``total`` (float, case counts only,
            else missing), ``total_over`` (str) and ``zeros_after`` (str: the years after the
            latest one shown with a published 0, as runs such as ``"2020-2025"``; ``""`` when
            none) are described above, and ``status`` is ``"available"``, ``"suppressed"``
            (latest value hidden by disclosure control) or ``"not available"``.

        Examples
        --------
        >>> from mixedmig.profiles import corridor_profile
        >>> m = corridor_profile("MMR", "THA").measures()
        >>> m.loc[m.family == "registered trafficking cases (CTDC)", "status"].item()
        'not available'
        >>> k = corridor_profile("KHM", "THA").measures().set_index("family")
        >>> ctdc = k.loc["registered trafficking cases (CTDC)"]
        >>> int(ctdc["latest"]), ctdc["period"], int(ctdc["total"])
        (126, 'registered 2017', 254)
        """
        rows = self.rows.copy()
        records = []
        if len(rows):
            rows["_y"] = rows["year"].fillna(-1)
            rows["_e"] = pd.to_numeric(rows["edition"], errors="coerce").fillna(-1)
            rows["_s"] = rows["sex"].map(_SEX_ORDER).fillna(9)
            # a figure the source did not publish is never "latest" (a suppressed one may be)
            rows["_p"] = rows["value"].isna() & rows["flag"].ne("[c]")
            rows["_f"] = rows["family"].map(list(MEASURE_FAMILIES).index)
            for (_, measure), part in rows.groupby(["_f", "measure"], sort=True):
                counts = part["quantity"].eq("case count").all()
                if counts or part["family"].isin(ZERO_SKIPPING_FAMILIES).all():
                    # a zero year is not the corridor's latest news: prefer the latest non-zero
                    part = part.assign(_z=part["value"].eq(0))
                else:
                    part = part.assign(_z=False)
                part = part.sort_values(["_p", "_z", "_y", "_e", "_s"],
                                        ascending=[True, True, False, False, True])
                top = part.iloc[0]
                status = "suppressed" if top["flag"] == "[c]" else "available"
                total, over = (_case_total(part) if counts else (np.nan, ""))
                caveat = top["caveat"]
                later = part.loc[part["_z"] & (part["_y"] > top["_y"]), "_y"]
                zeros_after = _year_spans(later) if top["value"] != 0 and len(later) else ""
                if zeros_after:
                    caveat = f"latest non-zero year shown; 0 in {zeros_after}; " + caveat
                records.append({
                    "family": top["family"], "measure": measure, "latest": top["value"],
                    "unit": top["unit"], "quantity": top["quantity"], "period": top["period"],
                    "sex": top["sex"], "edition": top["edition"], "figures": len(part),
                    "total": total, "total_over": over, "zeros_after": zeros_after,
                    "source_table": top["source_table"], "status": status,
                    "caveat": caveat,
                })
        for row in self.not_available.itertuples(index=False):
            records.append({
                "family": row.family, "measure": row.family, "latest": np.nan, "unit": "",
                "quantity": "", "period": "", "sex": "", "edition": "", "figures": 0,
                "total": np.nan, "total_over": "", "zeros_after": "",
                "source_table": row.source_table, "status": "not available",
                "caveat": row.reason,
            })
        columns = ["family", "measure", "latest", "unit", "quantity", "period", "sex",
                   "edition", "figures", "total", "total_over", "zeros_after", "source_table",
                   "status", "caveat"]
        out = pd.DataFrame(records, columns=columns)
        order = out["family"].map(list(MEASURE_FAMILIES).index)
        out = out.assign(_f=order, _n=out["status"].eq("not available"))
        out = out.sort_values(["_n", "_f"], kind="stable").drop(columns=["_f", "_n"])
        return out.reset_index(drop=True)

    @property
    def summary(self) -> pd.DataFrame:
        """Alias of :meth:`measures` (one line per measure, latest value).

        Returns
        -------
        pandas.DataFrame
            See :meth:`measures`.

        Examples
        --------
        >>> from mixedmig.profiles import corridor_profile
        >>> corridor_profile("KHM", "THA").summary.status.eq("available").any()
        np.True_
        """
        return self.measures()

    def implausible_stocks(self, *, revision_ratio: float = 10.0,
                           min_stock: float = 1000.0) -> pd.DataFrame:
        """The UN DESA stocks of the profile that editions disagree on beyond belief.

        Applies the ``"edition_revision"`` rule of :func:`mixedmig.stats.implausible_stocks`
        to the profile's UN DESA stocks (every sex it holds): for one year and sex, editions
        whose figures differ by more than a factor ``revision_ratio`` are not all
        measurements. The flag is then attributed to the outlying edition, the one furthest
        from the editions' median on a log scale; when several are equally far (always so
        with two editions) each is listed, since the rule cannot tell which one is wrong.

        Parameters
        ----------
        revision_ratio : float, default 10
            Largest believable factor between two editions' figures for one year (> 1).
        min_stock : float, default 1000
            Smallest stock (persons, the largest edition's figure) the rule flags.

        Returns
        -------
        pandas.DataFrame
            One row per flagged (edition, year, sex), sorted by year, sex (total, male,
            female) and edition: ``edition`` (str, as in :meth:`to_frame`), ``year`` (int),
            ``sex``, ``value`` (the edition's figure, persons), ``median`` (median of every
            edition's figure for that year and sex), ``ratio`` (largest over smallest figure,
            ``inf`` when the smallest is 0) and ``reason`` (the rule that fired, every
            edition's figure, and why this edition). Empty (same columns) when the profile
            holds fewer than two editions or none disagree.

        Raises
        ------
        mixedmig.errors.InputError
            If ``revision_ratio`` is not a number above 1 or ``min_stock`` is negative.

        Notes
        -----
        For editions :math:`e` with figures :math:`x_e` of one year and sex, the rule fires
        when :math:`\\max_e x_e \\ge` ``min_stock`` and :math:`\\max_e x_e / \\min_e x_e >`
        ``revision_ratio`` (or :math:`\\min_e x_e = 0`); the outlying editions are those
        maximising :math:`|\\ln \\max(x_e, 1) - \\operatorname{median}_f \\ln \\max(x_f, 1)|`.
        The threshold is an assumption to state with the flags.

        References
        ----------
        United Nations, Department of Economic and Social Affairs, Population Division (2017,
        2019, 2024). *International Migrant Stock*: every edition re-estimates the whole
        history.

        Examples
        --------
        The 2024 edition's 1990 and 1995 stocks of Myanmar-born people in Thailand (about
        1,100), against 229,504 and 436,777 in the 2017 and 2019 editions:

        >>> from mixedmig.profiles import corridor_profile
        >>> p = corridor_profile("MMR", "THA", sexes=["total"])
        >>> p.implausible_stocks()[["edition", "year", "sex", "value", "median"]]
          edition  year    sex   value    median
        0    2024  1990  total  1106.0  229504.0
        1    2024  1995  total  1104.0  436777.0
        """
        from ..stats.outliers import implausible_stocks

        columns = ["edition", "year", "sex", "value", "median", "ratio", "reason"]
        s = self.rows[(self.rows["family"] == "migrant stock (UN DESA)")
                      & self.rows["value"].notna() & self.rows["year"].notna()]
        stocks = pd.DataFrame({"orig": self.origin, "dest": self.destination,
                               "year": s["year"].astype(int), "edition": s["edition"],
                               "sex": s["sex"], "stock": s["value"].astype(float)})
        flags = implausible_stocks(stocks, rules="edition_revision",
                                   revision_ratio=revision_ratio, min_stock=min_stock).flags
        records = []
        for flag in flags.itertuples(index=False):
            one = stocks[(stocks["year"] == flag.year) & (stocks["sex"] == flag.sex)]
            one = one.set_index("edition")["stock"]
            logs = np.log(one.clip(lower=1.0))
            spread = (logs - logs.median()).abs()
            outlying = sorted(spread.index[np.isclose(spread, spread.max(), rtol=1e-12,
                                                      atol=1e-12)])
            if len(outlying) == 1:
                why = (f"edition {outlying[0]} is furthest from the editions' median "
                       f"({one.median():,.0f})")
            else:
                why = (f"editions {', '.join(outlying)} are equally far from the editions' "
                       f"median ({one.median():,.0f}): the rule cannot tell which is wrong")
            for edition in outlying:
                records.append({"edition": edition, "year": int(flag.year), "sex": flag.sex,
                                "value": float(one[edition]), "median": float(one.median()),
                                "ratio": float(flag.ratio),
                                "reason": f"{flag.description}; {why}"})
        out = pd.DataFrame(records, columns=columns)
        if out.empty:
            return out.astype({"year": int, "value": float, "median": float, "ratio": float})
        order = out["sex"].map(_SEX_ORDER).fillna(9)
        return (out.assign(_s=order).sort_values(["year", "_s", "edition"], kind="stable")
                .drop(columns="_s").reset_index(drop=True))

    def repeated_figures(self) -> pd.DataFrame:
        """Figures that appear in more than one family with the same value, unit and year.

        Some publications are read into two curated tables (a count of victims returned home
        is both a repatriation and a line of a country's case table). Such a figure is one
        figure, not two pieces of evidence; on a figure its two markers fall on one point.

        Returns
        -------
        pandas.DataFrame
            One row per (unit, year, value) found under at least two families (rows of sex
            ``total`` or without sex, with a positive value and a year; a published 0 of two
            sources is no shared figure): ``value``, ``unit``, ``year``
            (int), ``periods`` (the periods as published, ``"; "``-joined), ``families`` and
            ``measures`` (each ``" | "``-joined, in profile order), ``same_citation`` (bool:
            every row cites the same publication). Sorted by unit, year and value; empty (same
            columns) when no figure repeats.

        Examples
        --------
        The Phnom Penh Post's 260 Cambodians returned from Thailand in 2017 are both a
        repatriation count and a line of Cambodia's table of rescues abroad:

        >>> from mixedmig.profiles import corridor_profile
        >>> r = corridor_profile("KHM", "THA").repeated_figures()
        >>> r[["value", "year", "same_citation"]].to_dict("records")
        [{'value': 260.0, 'year': 2017, 'same_citation': True}]
        >>> r["families"].item()
        'repatriations and returns | trafficking case tables'
        """
        columns = ["value", "unit", "year", "periods", "families", "measures", "same_citation"]
        rows = self.rows[self.rows["sex"].isin(["total", ""]) & self.rows["value"].gt(0)
                         & self.rows["year"].notna()]
        records = []
        for (unit, year, value), part in rows.groupby(["unit", "year", "value"], sort=True):
            if part["family"].nunique() < 2:
                continue
            records.append({
                "value": float(value), "unit": unit, "year": int(year),
                "periods": "; ".join(dict.fromkeys(part["period"])),
                "families": " | ".join(dict.fromkeys(part["family"])),
                "measures": " | ".join(dict.fromkeys(part["measure"])),
                "same_citation": part["citation"].nunique() == 1,
            })
        out = pd.DataFrame(records, columns=columns)
        return out.astype({"value": float, "year": int, "same_citation": bool})

    def latest_by_family(self) -> pd.Series:
        """One line of text per family of measures: its latest figure, or what there is.

        For comparing corridors side by side (``pd.DataFrame({"A": a.latest_by_family(),
        "B": b.latest_by_family()})``): a family with one measure gives its latest value
        (from :meth:`measures`) with unit and period, then the later years with a published 0
        if any (``"; 0 in 2020-2025"``), and for case counts the total over the
        table's years; a family with several measures says how many, with how many figures in
        how many units (their values are never summed); a family with no figure says
        ``"not available"``.

        Returns
        -------
        pandas.Series of str
            Indexed by every family of :data:`MEASURE_FAMILIES`, in that order; named
            ``"ORIGIN -> DESTINATION"`` (ISO3 codes).

        Examples
        --------
        >>> from mixedmig.profiles import corridor_profile
        >>> line = corridor_profile("MMR", "THA").latest_by_family()
        >>> line.name
        'MMR -> THA'
        >>> line["migrant stock (UN DESA)"]
        '1,708,695 persons (stock) (mid-2024)'
        >>> line["registered trafficking cases (CTDC)"]
        'not available'
        """
        out = {}
        for family, part in self.measures().groupby("family", sort=False):
            top = part.iloc[0]
            if top["status"] == "not available":
                out[family] = "not available"
            elif len(part) == 1:
                latest = "suppressed" if top["status"] == "suppressed" else \
                    _number(top["latest"])
                out[family] = f"{latest} {top['unit']} ({short_period(top['period'])})"
                if top["zeros_after"]:
                    out[family] += f"; 0 in {top['zeros_after']}"
                if pd.notna(top["total"]) and top["figures"] > 1:
                    out[family] += f"; {_number(top['total'])} over the years in the table"
            else:
                out[family] = (f"{len(part)} measures, {part['figures'].sum()} figures in "
                               f"{part['unit'].nunique()} unit(s)")
        return (pd.Series(out, name=f"{self.origin} -> {self.destination}", dtype=object)
                .reindex(list(MEASURE_FAMILIES)).fillna("not available"))


def corridor_profile(origin: str, destination: str, *, tables: dict | None = None,
                     editions=None, sexes=("total", "male", "female")) -> CorridorProfile:
    """Every measure the toolkit holds about one corridor, side by side, never summed.

    Parameters
    ----------
    origin, destination : str
        Country codes or names :func:`mixedmig.countries.to_iso3` resolves (e.g. ``"MMR"``,
        ``"Burma"``, ``"Thailand"``); must differ.
    tables : dict of str to (str, os.PathLike or pandas.DataFrame), optional
        Replacement sources by role: the keys are the default table names (the values of
        :data:`MEASURE_FAMILIES`), the values a table name, a CSV path standing in for that
        table (read by :func:`mixedmig.data.load_as`: in its schema kind's shape, or against
        its own schema for a table of published figures), or a DataFrame in the same shape. A key mapped to ``None`` leaves that source
        out (its families are then "not available"). Default: the curated tables. Only a
        curated table is cited with its manifest's citation and reliability: a curated table's
        name, or the path of a CSV file byte-identical to the curated table (the sha256 its
        manifest records). The rows of a DataFrame, of any other CSV path or of an imported
        table are cited ``"user-supplied table for <role> (<name> | <path> | a DataFrame)"``
        with an empty reliability, and :attr:`CorridorProfile.inputs` lists them. An imported
        UNHCR table's edition (its manifest's ``edition``, or an ``edition`` column) is shown
        in the ``edition`` column of its rows.
    editions : iterable of int, optional
        UN DESA editions to keep (default: every edition in the table).
    sexes : iterable of str, default ("total", "male", "female")
        Sexes of the UN DESA stocks to keep.

    Returns
    -------
    CorridorProfile
        One row per published figure (:meth:`CorridorProfile.to_frame`), one line per measure
        (:meth:`CorridorProfile.measures`), and the families with no figure.

    Raises
    ------
    mixedmig.errors.UnknownCountryError
        If ``origin`` or ``destination`` is not a registry country.
    mixedmig.errors.InputError
        If origin equals destination, ``tables`` has an unknown key or a value of the wrong
        type, an edition is not in the stock table, or a sex is not total/male/female.

    Notes
    -----
    What each source can say about the corridor:

    * UN DESA and World Bank bilateral stocks are persons born in the origin living in the
      destination at mid-year (a stock: no movement in a period is implied).
    * UNHCR counts refugees and asylum-seekers of the origin's nationality in the destination at
      the end of the year (a stock, by nationality, not by country of birth). Every published
      figure is a row, zeros included (a row of the pair that counts another population type
      publishes 0 for this one); years absent from the table have no row. Only the curated
      ``unhcr_refugees_gms``, whose manifest says its last year may be a mid-year figure, has
      that year's period written ``"YEAR (possibly mid-year)"`` with the caveat; a user's table is
      read as end-year throughout.
    * Thailand's registered migrant workers are registrations under a policy at a date
      (points, not a series; a subset defined by the registration round).
    * UNIAP's identified victims are by reporting country, over all corridors: they are shown
      for the origin and the destination, never attributed to the corridor.
    * CTDC registered cases are records of identified or assisted victims by citizenship and
      country of exploitation: not a sample and not prevalence; absence from the k-anonymised
      extract is not zero.
    * Repatriations are persons returned from the destination to the origin over a period
      (a flow); deportations of migrants are kept apart from returns of victims.
    * Recruitment costs are survey means (USD, months of earnings); a row of the origin with no
      destination covers all destinations and is flagged so.

    References
    ----------
    United Nations, Department of Economic and Social Affairs, Population Division (2017, 2019,
    2024). International Migrant Stock. World Bank/KNOMAD (2016). Bilateral Migration Matrix
    2013. UNHCR (2025). Refugee Data Finder. UNIAP (Lyth 2013). Counter Trafficking Data
    Collaborative (2020). Global Dataset. Habiyakare, T. & Zhong, K. (2019). Measuring
    recruitment costs of migrant workers through household surveys. ISI WSC 2019.

    Examples
    --------
    >>> from mixedmig.profiles import corridor_profile
    >>> p = corridor_profile("Myanmar", "Thailand", editions=[2024], sexes=["total"])
    >>> p.origin, p.destination
    ('MMR', 'THA')
    >>> r = p.to_frame()
    >>> int(r.query("family == 'migrant stock (UN DESA)' and year == 2024").value.item())
    1708695
    """
    code_o = countries.to_iso3(origin)
    code_d = countries.to_iso3(destination)
    if code_o == code_d:
        raise InputError(f"origin and destination are both {code_o}: a corridor joins two "
                         f"different countries (for migration within a country use another "
                         f"source).")
    sexes = _check_sexes(sexes)
    sources = _inputs.resolve(tables, list(dict.fromkeys(MEASURE_FAMILIES.values())))

    frames, counts = [], {}
    for role, builder in _BUILDERS.items():
        src = sources[role]
        if src.table is None:
            counts[role] = (0, "left out (tables[...] = None)")
            continue
        kwargs = {"editions": editions, "sexes": sexes} if role == "undesa_ims_bilateral" else {}
        part = builder(src.table, code_o, code_d, src, **kwargs)
        if src.curated is None:
            # a table the user brought: never cite the curated source for it
            part["citation"] = src.label
            part["reliability"] = ""
        part["source_table"] = src.label
        counts[role] = (len(part), "" if src.curated else src.label)
        frames.append(part)
    rows = pd.concat([f for f in frames if len(f)], ignore_index=True) if any(
        len(f) for f in frames) else pd.DataFrame(columns=PROFILE_COLUMNS)
    rows = rows.reindex(columns=PROFILE_COLUMNS)
    for column in ("value", "year"):
        rows[column] = rows[column].map(lambda v: np.nan if pd.isna(v) else float(v))
        rows[column] = rows[column].astype(float)
    rows["year"] = rows["year"].astype("Int64")
    for column in ("family", "measure", "unit", "quantity", "period", "sex", "edition", "flag",
                   "source_table", "citation", "reliability", "caveat"):
        rows[column] = rows[column].map(lambda v: "" if pd.isna(v) else str(v)).astype(object)
    order = rows["family"].map(list(MEASURE_FAMILIES).index)
    rows = (rows.assign(_f=order).sort_values(["_f", "measure", "year", "edition", "sex"],
                                              kind="stable", na_position="first")
            .drop(columns="_f").reset_index(drop=True))

    present = set(rows["family"])
    missing = []
    for family, role in MEASURE_FAMILIES.items():
        if family in present:
            continue
        reason = _why_missing(family, role, code_o, code_d, sources[role].table is None)
        missing.append({"family": family, "source_table": role, "reason": reason})
    not_available = pd.DataFrame(missing, columns=["family", "source_table", "reason"])
    diagnostics = diagnostics_frame([(role, n, note) for role, (n, note) in counts.items()])
    message = (f"{code_o} -> {code_d}: {len(rows)} figures in {rows['family'].nunique()} "
               f"families; {len(not_available)} families not available.")
    return CorridorProfile(
        origin=code_o, destination=code_d, origin_name=countries.name(code_o),
        destination_name=countries.name(code_d), rows=rows, not_available=not_available,
        inputs=_inputs.inputs_frame(sources), converged=True, iterations=0, message=message,
        diagnostics=diagnostics,
        mid_year_last={role: year for role, i in sources.items()
                       if i.table is not None
                       and (year := _inputs.mid_year_last(i.curated)) is not None})


def short_period(period: str) -> str:
    """A profile row's period without its note, keeping the note that it may be mid-year.

    The Thai registration points carry what the date means after the date
    (``"2017-07-27 (certificate-of-identity centres 24-27 Jul 2017)"``); a short display keeps
    the date only. The note :data:`MID_YEAR_NOTE` of a UNHCR figure that may be mid-year is
    kept: it says when the figure was counted.

    Parameters
    ----------
    period : str
        The ``period`` of a row of :meth:`CorridorProfile.to_frame` or
        :meth:`CorridorProfile.measures`.

    Returns
    -------
    str
        The text before the first ``" ("``, followed by :data:`MID_YEAR_NOTE` when the period
        ends with it.

    Examples
    --------
    >>> from mixedmig.profiles.corridor import short_period
    >>> short_period("2017-07-27 (certificate-of-identity centres 24-27 Jul 2017)")
    '2017-07-27'
    >>> short_period("2025 (possibly mid-year)")
    '2025 (possibly mid-year)'
    """
    period = str(period)
    short = period.split(" (")[0]
    return short + MID_YEAR_NOTE if period.endswith(MID_YEAR_NOTE) else short


def _number(value) -> str:
    """A figure as text: integers without decimals, others with two; missing: empty."""
    if pd.isna(value):
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _year_spans(years) -> str:
    """Sorted years as runs: [2010, 2013, 2014, 2015] -> '2010, 2013-2015'."""
    years = sorted({int(y) for y in years})
    runs, start = [], None
    for i, y in enumerate(years):
        start = y if start is None else start
        if i + 1 == len(years) or years[i + 1] != y + 1:
            runs.append(str(y) if y == start else f"{start}-{y}")
            start = None
    return ", ".join(runs)


def _case_total(part: pd.DataFrame) -> tuple[float, str]:
    """Sum of one case-count measure over its published years, and which years they are."""
    published = part[part["value"].notna()]
    if published.empty:
        return np.nan, "no published count"
    total = float(published["value"].sum())
    years = published["year"].dropna()
    if len(years) == len(published):
        over = f"years in the table: {_year_spans(years)}"
        if len(published) > 1:
            over += " (years not listed are unknown, not zero)"
    else:
        over = "; ".join(dict.fromkeys(published["period"].astype(str)))
    suppressed = int(part["flag"].eq("[c]").sum())
    if suppressed:
        over += (f"; {suppressed} suppressed cell{'s' if suppressed > 1 else ''} not included: "
                 f"a lower bound")
    return total, over


def _check_sexes(sexes):
    if isinstance(sexes, str):
        sexes = [sexes]
    sexes = list(sexes)
    bad = [s for s in sexes if s not in _SEX_ORDER]
    if bad or not sexes:
        raise InputError(f"sexes must be a non-empty list of total, male, female; got "
                         f"{sexes!r}.")
    return sexes


def _citations(role: str) -> dict:
    """Manifest source id -> citation, plus ``None`` -> the first citation."""
    try:
        m = data.manifest(role)
    except Exception:  # a table the user brought has no manifest under this name
        return {None: f"user-supplied table for {role}"}
    out = {str(s.get("id")): s.get("citation", "") for s in m.sources}
    out[None] = m.sources[0].get("citation", "") if m.sources else ""
    return out


def _reliability(role: str) -> str:
    try:
        return str(data.manifest(role).reliability or "").strip()
    except Exception:
        return ""


def _frame(records) -> pd.DataFrame:
    return pd.DataFrame(records, columns=[c for c in PROFILE_COLUMNS if c != "source_table"])


# --------------------------------------------------------------------------- builders

def _undesa(table, o, d, src, *, editions=None, sexes=("total",)):
    rows = table[(table["orig"] == o) & (table["dest"] == d)]
    available = sorted(int(e) for e in table["edition"].unique())
    if editions is not None:
        editions = [editions] if isinstance(editions, (int, np.integer)) else list(editions)
        bad = [e for e in editions if e not in available]
        if bad:
            raise InputError(f"edition(s) {bad} not in the UN DESA stock table; use one of "
                             f"{', '.join(map(str, available))}.")
        rows = rows[rows["edition"].isin(editions)]
    rows = rows[rows["sex"].isin(sexes)]
    cite = _citations(src.name)
    rel = _reliability(src.name)
    return _frame([{
        "family": "migrant stock (UN DESA)", "measure": "migrant stock (UN DESA)",
        "value": r.stock, "unit": _STOCK, "quantity": "stock", "period": f"mid-{r.year}",
        "year": r.year, "sex": r.sex, "edition": str(r.edition),
        "citation": cite.get(str(r.edition), cite[None]), "reliability": rel,
        "caveat": "persons born in the origin living in the destination; editions revise the "
                  "whole history: compare within one edition only",
    } for r in rows.itertuples(index=False)])


def _worldbank(table, o, d, src):
    # the curated table's column is `migrants`; a file read in the bilateral_stocks kind's shape
    # (a researcher's CSV, an imported World Bank matrix) has `stock`, and maybe sex and edition
    value = "stock" if "stock" in table.columns else "migrants"
    rows = table[(table["orig"] == o) & (table["dest"] == d)]
    if "sex" in rows.columns:
        rows = rows[rows["sex"] == "total"]
    cite = _citations(src.name)
    return _frame([{
        "family": "migrant stock (World Bank 2013)", "measure": "migrant stock (World Bank 2013)",
        "value": getattr(r, value), "unit": _STOCK, "quantity": "stock", "period": str(r.year),
        "year": r.year, "sex": "total",
        "edition": str(getattr(r, "edition", 2013) if pd.notna(getattr(r, "edition", 2013)) else 2013),
        "citation": cite[None], "reliability": _reliability(src.name),
        "caveat": "a different estimate of the same population from UN DESA's (its own sources "
                  "and method): compare, never add",
    } for r in rows.itertuples(index=False)])


def _unhcr(table, o, d, src):
    rows = table[(table["orig"] == o) & (table["asylum"] == d)]
    cite = _citations(src.name)[None]
    rel = _reliability(src.name)
    # only a table whose manifest says so (the curated unhcr_refugees_gms) has a last year
    # that may be a mid-year figure; a researcher's export is read as it says: end-year
    mid_year = _inputs.mid_year_last(src.curated)
    records = []
    for column, family in (("refugees", "refugees (UNHCR)"),
                           ("asylum_seekers", "asylum-seekers (UNHCR)")):
        # every published figure, zeros included (a row of the pair that counts another
        # population type publishes 0 for this one); an empty cell is no figure
        for r in rows[rows[column].notna()].itertuples(index=False):
            caveat = ("by nationality, end-year stock; UNHCR counts only those it or the "
                      "host registers")
            period = f"end-{r.year}"
            if mid_year is not None and r.year == mid_year:
                caveat += f"; {mid_year} may be a mid-year figure"
                period = f"{r.year}{MID_YEAR_NOTE}"
            edition = getattr(r, "edition", None) if "edition" in rows.columns else None
            edition = src.edition if edition is None or pd.isna(edition) else str(edition)
            records.append({
                "family": family, "measure": family, "value": getattr(r, column),
                "unit": _STOCK, "quantity": "stock", "period": period,
                "year": r.year, "sex": "total", "edition": edition,
                "citation": cite, "reliability": rel, "caveat": caveat})
    return _frame(records)


#: Readable labels of the measures of ``thailand_migrant_workers`` (its ``measure`` column holds
#: identifiers; what each counts is in the manifest's description and the rows' notes). A
#: measure not listed (a researcher's own) is shown with its underscores as spaces.
THAI_WORKER_LABELS = {
    "registered_migrants_total": "registered migrants, total",
    "registered_migrants_share": "share of the registered migrants from Cambodia, Lao PDR and "
                                 "Myanmar",
    "registered_migrants": "registered migrants",
    "ossc_registered_persons": "registered at one-stop service centres (workers and dependants)",
    "ossc_registered_workers": "workers registered at one-stop service centres",
    "employer_reported_undocumented_workers": "undocumented workers reported by employers",
    "ci_registered": "certificates of identity issued",
    "work_permits_total": "work permits in force, total",
    "work_permits_nationality_verification": "work permits in force, nationality verification",
    "work_permits_mou_import": "work permits in force, MOU import",
    "work_permits_general": "work permits in force, general",
    "work_permits_minority_group": "work permits in force, minority group",
    "work_permits_boi_other_laws": "work permits in force, BOI and other laws",
    "work_permits_commuting_seasonal": "work permits in force, commuting and seasonal",
    "work_permits_permanent": "work permits in force, permanent",
    "migrant_workers_estimated": "migrant workers (official estimate)",
    "registered_migrant_workers": "registered migrant workers",
    "non_thai_residents": "non-Thai residents (estimate)",
    "migrant_workers_documented_and_undocumented": "migrant workers, documented and undocumented "
                                                   "(estimate)",
    "stateless_persons": "stateless persons (estimate)",
    "skilled_professionals": "skilled professionals (estimate)",
    "refugees_and_asylum_seekers": "refugees and asylum-seekers (estimate)",
    "thai_nationals_working_abroad": "Thai nationals working abroad",
    "myanmar_workers_in_thailand_estimated": "Myanmar workers in Thailand (official estimate)",
}

#: Appended to the label of a row the collector computed (``derived`` true: share x total).
COMPUTED_NOTE = " (computed by the collector: total x share, approximate)"


def _worker_label(r) -> str:
    measure = str(r.measure)
    label = THAI_WORKER_LABELS.get(measure, measure.replace("_", " "))
    derived = getattr(r, "derived", False)
    computed = (isinstance(derived, (bool, np.bool_)) and bool(derived)) \
        or str(derived).strip().lower() == "true" or str(getattr(r, "reliability", "")) == "computed"
    return label + (COMPUTED_NOTE if computed else "")


def _thailand_workers(table, o, d, src):
    if d != "THA":
        return _frame([])
    rows = table[table["nationality"] == o]
    cite = _citations(src.name)
    records = []
    for r in rows.itertuples(index=False):
        year = pd.to_numeric(str(r.ref_date)[:4], errors="coerce")
        percent = r.unit == "percent"
        records.append({
            "family": "migrant workers in Thailand (official points)",
            "measure": _worker_label(r),
            "value": r.value,
            "unit": "percent of registered migrants" if percent else "persons (point, at a date)",
            "quantity": "share" if percent else "point",
            "period": f"{r.ref_date} ({r.period_note})", "year": year, "sex": "total",
            "edition": "", "citation": cite.get(str(r.source), cite[None]),
            "reliability": str(r.reliability),
            "caveat": ("registrations under one policy round at one date: a subset defined by "
                       "policy, not the stock of migrants; points, not a series"
                       + (f"; {r.note}" if isinstance(r.note, str) and r.note else "")),
        })
    return _frame(records)


def _uniap(table, o, d, src):
    cite = _citations(src.name)
    records = []
    for code, side in ((o, "origin"), (d, "destination")):
        for r in table[table["country"] == code].itertuples(index=False):
            records.append({
                "family": f"identified victims reported by the {side} (UNIAP)",
                "measure": f"identified victims reported by {code} (all corridors)",
                "value": r.victims, "unit": _FLOW, "quantity": "flow", "period": str(r.year),
                "year": r.year, "sex": "total", "edition": "",
                "citation": cite.get(str(r.source), cite[None]),
                "reliability": str(r.reliability),
                "caveat": ("by reporting country, NOT by corridor: all nationalities and "
                           "routes the country identified; depends on identification effort"
                           + (f"; {r.note}" if isinstance(r.note, str) and r.note else "")),
            })
    return _frame(records)


def _ctdc(table, o, d, src):
    rows = table[(table["citizenship"] == o) & (table["country_of_exploitation"] == d)]
    cite = _citations(src.name)[None]
    records = []
    for r in rows.itertuples(index=False):
        flag = r.flag if isinstance(r.flag, str) else ""
        records.append({
            "family": "registered trafficking cases (CTDC)",
            "measure": "CTDC registered cases (citizenship -> country of exploitation)",
            "value": np.nan if flag == "[c]" else r.cases, "unit": _CASES,
            "quantity": "case count", "period": f"registered {r.year_of_registration}",
            "year": r.year_of_registration, "sex": "total", "edition": "14 Apr 2020 (k = 11)",
            "flag": flag, "citation": cite,
            "reliability": _reliability(src.name),
            "caveat": ("registrations by contributing organisations: not a sample, not "
                       "prevalence; year of registration, not of exploitation; k-anonymised"
                       + ("; suppressed by disclosure control" if flag else "")),
        })
    return _frame(records)


def _repatriations(table, o, d, src):
    rows = table[(table["from_iso3"] == d) & (table["to_iso3"] == o)]
    cite = _citations(src.name)
    records = []
    for r in rows.itertuples(index=False):
        note = r.note if isinstance(r.note, str) else ""
        migrants = _inputs.migrants_not_victims(r.from_label, note)  # one rule with the country profile
        # a calendar year only when the period lies within one (cumulative counts: undated)
        one_year = pd.notna(r.year_start) and pd.notna(r.year_end) and r.year_start == r.year_end
        year = r.year_end if one_year else np.nan
        records.append({
            "family": "repatriations and returns",
            "measure": ("migrants deported or pushed back (destination -> origin)" if migrants
                        else "victims repatriated (destination -> origin)"),
            "value": r.count, "unit": _FLOW, "quantity": "flow",
            "period": str(r.period), "year": year, "sex": "total", "edition": "",
            "citation": cite.get(str(r.source), cite[None]), "reliability": str(r.reliability),
            "caveat": (f"{r.count_qualifier}; periods differ: never add rows" +
                       (f"; {note}" if note else "")),
        })
    return _frame(records)


def _case_tables(table, o, d, src):
    by_origin = (table["reporting_country"] == o) & (table["dimension"] == "destination") \
        & (table["category_iso3"] == d)
    by_destination = (table["reporting_country"] == d) & (table["dimension"] == "nationality") \
        & (table["category_iso3"] == o)
    cite = _citations(src.name)
    units = {"persons": (_FLOW, "flow"), "cases": ("cases (over a period)", "case count"),
             "percent": ("percent of the table's total", "share")}
    records = []
    for r in table[by_origin | by_destination].itertuples(index=False):
        unit, quantity = units[r.unit]
        side = ("reported by the origin, by destination" if r.reporting_country == o
                else "reported by the destination, by nationality")
        note = r.note if isinstance(r.note, str) else ""
        records.append({
            "family": "trafficking case tables", "measure": f"{r.table_id} ({r.category})",
            "value": r.value, "unit": unit, "quantity": quantity, "period": str(r.period),
            "year": r.year, "sex": "total", "edition": "",
            "citation": cite.get(str(r.source), cite[None]), "reliability": str(r.reliability),
            "caveat": (f"{side}; {r.value_qualifier}; one country's table, its own definitions"
                       + (f"; {note}" if note else "")),
        })
    return _frame(records)


def _recruitment(table, o, d, src):
    dest = table["destination"]
    rows = table[(table["origin"] == o) & ((dest == d) | dest.isna() | (dest == ""))]
    cite = _citations(src.name)
    units = {"USD": "point estimate", "months of earnings": "point estimate",
             "persons": "point estimate", "percent": "share"}
    records = []
    for r in rows.itertuples(index=False):
        all_dest = not isinstance(r.destination, str) or not r.destination
        unit = "persons (survey estimate)" if r.unit == "persons" else str(r.unit)
        note = r.note if isinstance(r.note, str) else ""
        records.append({
            "family": "recruitment costs", "measure": str(r.measure).replace("_", " "),
            "value": r.value, "unit": unit, "quantity": units[r.unit],
            "period": str(r.reference_period),
            "year": pd.to_numeric(str(r.reference_period)[:4], errors="coerce"),
            "sex": str(r.sex), "edition": "",
            "citation": cite.get(str(r.source), cite[None]), "reliability": str(r.reliability),
            "caveat": (("ALL destinations of the origin's workers, not this corridor only; "
                        if all_dest else "") + f"survey of {r.population}"
                       + (f"; {note}" if note else "")),
        })
    return _frame(records)


_BUILDERS = {
    "undesa_ims_bilateral": _undesa,
    "worldbank_bilateral_2013": _worldbank,
    "unhcr_refugees_gms": _unhcr,
    "thailand_migrant_workers": _thailand_workers,
    "uniap_identified_victims": _uniap,
    "ctdc_cases_corridor_year": _ctdc,
    "gms_repatriations": _repatriations,
    "gms_trafficking_cases": _case_tables,
    "recruitment_costs_gms": _recruitment,
}


def _why_missing(family, role, o, d, left_out):
    if left_out:
        return f"source {role} left out by tables[{role!r}] = None."
    reasons = {
        "migrant stock (UN DESA)": "the UN DESA bilateral table covers the 15 study economies "
                                   "only, or has no row for this pair (edition/sex filter?).",
        "migrant stock (World Bank 2013)": "the World Bank 2013 table covers 14 of the 15 study "
                                           "economies; no row for this pair.",
        "refugees (UNHCR)": "UNHCR reports no refugees of this origin in this destination "
                            "(or neither end is a GMS country in the curated extract).",
        "asylum-seekers (UNHCR)": "UNHCR reports no asylum-seekers of this origin in this "
                                  "destination.",
        "migrant workers in Thailand (official points)": "Thai registration figures exist only for "
                                                 "Cambodian, Lao and Myanmar workers in "
                                                 "Thailand.",
        "identified victims reported by the origin (UNIAP)": f"{o} is not one of the six COMMIT "
                                                              "countries of the UNIAP table.",
        "identified victims reported by the destination (UNIAP)": f"{d} is not one of the six "
                                                                   "COMMIT countries of the "
                                                                   "UNIAP table.",
        "registered trafficking cases (CTDC)": "no CTDC record with this citizenship and country "
                                               "of exploitation in the k-anonymised GMS extract "
                                               "(absence is not zero: rare combinations were "
                                               "suppressed by CTDC).",
        "repatriations and returns": f"no published count of persons returned from {d} to {o}.",
        "trafficking case tables": f"no case table of {o} by destination {d}, nor of {d} by "
                                   f"nationality {o}.",
        "recruitment costs": f"no recruitment-cost survey for workers from {o} to {d}.",
    }
    return reasons[family]
