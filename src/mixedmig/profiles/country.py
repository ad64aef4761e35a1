"""One country's profile: every curated figure the toolkit holds about it, side by side.

:func:`country_profile` gathers, for one economy, the immigrant and emigrant stocks by UN DESA
edition and sex, its largest corridors in and out, refugees and asylum-seekers (UNHCR), identified
victims of trafficking and other case data, stateless persons and internally displaced persons,
the stocks that stated rules find implausible, and the caveats of each source (from the
manifests, each row credited to its own publisher). Every table keeps its source's unit, period
and edition; nothing is summed across editions or incompatible units. The template
``notebooks/profile.ipynb`` (``mixedmig profile ISO3``) draws it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .. import countries, data
from ..stats import implausible_stocks
from . import _inputs

__all__ = ["CountryProfile", "country_profile", "shipped_coverage", "source_roles"]

#: The source tables every country profile reads (then the curated ``ctdc_*`` tables).
_MAIN_ROLES = ("undesa_ims_totals", "undesa_ims_bilateral", "unhcr_refugees_gms",
               "uniap_identified_victims", "gms_trafficking_cases", "gms_repatriations")

#: Sexes of the UN DESA tables, in display order.
_SEXES = ("total", "male", "female")

#: UNHCR's non-country origin codes in ``unhcr_refugees_gms`` (see its manifest).
_NON_COUNTRY_ORIGINS = ("XXA", "UNK")

#: Coverage labels of the UNHCR tables of a profile.
_ALL = "all countries"
_GMS_ONLY = "GMS countries only"
_GIVEN = "as in the table given"

#: UNHCR measures of :attr:`CountryProfile.displacement`: (column, unit, description).
_DISPLACEMENT = (
    ("stateless", "persons, stock at end of year",
     "stateless persons living in the country (UNHCR origin code XXA = stateless)"),
    ("idps", "persons, stock at end of year",
     "internally displaced persons of concern to UNHCR"),
    ("returned_idps", "persons, returned during the year",
     "IDPs who returned home during the year"),
    ("returned_refugees", "persons, returned during the year",
     "refugees from this country who returned to it during the year"),
)


@dataclass(frozen=True)
class CountryProfile:
    """The curated figures about one country (see :func:`country_profile`).

    Every table is a tidy ``pandas.DataFrame`` (one observation per row, fresh ``RangeIndex``);
    a table with no rows for the country is empty but keeps its columns.

    Attributes
    ----------
    iso3 : str
        ISO 3166-1 alpha-3 code.
    name : str
        The registry's English short name.
    edition : int or None
        UN DESA edition of ``top_corridors`` (the latest bilateral edition by default; None
        only when the bilateral source is left out or has no edition).
    immigrant_totals : pandas.DataFrame
        UN DESA destination totals (``undesa_ims_totals``), all origins in the world: columns
        ``edition, year, sex, migrant_stock`` (persons; ``sex`` in total/male/female, rows only
        where published) and, on the ``total`` rows, ``refugees`` (persons, UN DESA's count),
        ``population_thousands`` and ``migrant_pct`` (percent of the population).
    bilateral_stocks : pandas.DataFrame
        From the UN DESA bilateral table (``undesa_ims_bilateral``), which covers the 15 study
        economies only: columns ``edition, year, sex, direction, stock`` where ``direction`` is
        ``"immigrants"`` (born in one of the other study economies of that edition, living
        here) or ``"emigrants"`` (born here, living in one of them); persons. The 2017 and
        2019 editions have no Taiwan, so they hold 13 partners for another study economy,
        the 2024 edition 14.
    top_corridors : pandas.DataFrame
        The largest bilateral stocks in and out for ``edition``'s latest year, both sexes:
        columns ``direction, year, rank, origin, destination, stock, share, flags`` (share of
        the direction's total over the other study economies of ``edition``, 0-1; ``flags``
        names the rules of :attr:`stock_flags` that flag the corridor in any edition, year
        or sex, with the years, ``""`` when none does), ``top`` rows per direction at most;
        zero stocks are left out.
    refugees : pandas.DataFrame
        UNHCR end-year stocks (``unhcr_refugees_gms``) by ``year`` and ``direction``
        (``"hosted"``: in this country, from elsewhere; ``"abroad"``: from this country,
        elsewhere) with ``refugees``, ``asylum_seekers`` (persons), ``partners`` (number of
        countries of origin or asylum with a positive count; UNHCR's non-country origins XXA
        and UNK are not counted) and ``coverage``: ``"all countries"`` for a GMS country,
        ``"GMS countries only"`` otherwise (the table holds only pairs involving a GMS
        country, so the sums are **not** the country's totals), ``"as in the table given"``
        for a user's table.
    displacement : pandas.DataFrame
        Further UNHCR measures (``unhcr_refugees_gms``), long: ``year, measure, persons,
        unit, coverage, description`` with ``measure`` in ``stateless`` (persons living in
        the country, any origin code; UNHCR files them under origin XXA), ``idps`` and
        ``returned_idps`` (the rows with origin = asylum = this country), and
        ``returned_refugees`` (refugees from this country who returned during the year,
        summed over the countries they returned from). Stocks are end-year, returns are
        flows during the year: never add them. Only positive values; ``coverage`` as in
        :attr:`refugees`.
    stock_flags : pandas.DataFrame
        Bilateral stocks to or from this country that :func:`mixedmig.stats.implausible_stocks`
        flags with its default thresholds: rules ``edition_revision`` and ``jump`` over every
        edition and sex of ``undesa_ims_bilateral``, ``against_gradient`` over the 2024
        edition joined with GDP per capita and population (``gravity_pairs``); columns of
        :attr:`mixedmig.stats.ImplausibleStocksResult.flags`. A flag is a signal to look, not
        a proof of error; a corridor without a flag is not thereby verified.
    identified_victims : pandas.DataFrame
        Identified victims of trafficking reported by the country (``uniap_identified_victims``,
        2008-2012): ``year, victims, reliability, source, note``; ``victims`` missing where the
        source published no figure.
    trafficking_cases : pandas.DataFrame
        Rows of ``gms_trafficking_cases`` reported by this country or naming it as category
        (e.g. the destination of rescued nationals), all columns of that table.
    repatriations : pandas.DataFrame
        Rows of ``gms_repatriations`` from or to this country, all columns of that table.
        Some count migrants deported or pushed back, not victims:
        :meth:`migrants_not_victims` picks them by the corridor profile's rule.
    other_tables : dict of str to pandas.DataFrame
        Rows naming this country in any further curated table whose name starts with ``ctdc_``
        (Counter Trafficking Data Collaborative aggregates), by table name.
    mid_year_last : dict of str to int
        Curated tables whose manifest says their last year may be a mid-year figure, with that
        year (``{"unhcr_refugees_gms": 2025}`` by default); a user's table is never listed.
    sources : pandas.DataFrame
        One row per source table consulted: ``table, title, publisher, cited, edition, units,
        rows, caveat, input, user_supplied`` where ``rows`` counts the rows about this country
        (0 = nothing), ``caveat`` is the manifest's reliability note plus what the profile's
        coverage misses (and, for a curated table in :attr:`mid_year_last`, that its last year
        may be a mid-year figure), ``input`` what was given for the table (its name, a path,
        ``"a DataFrame"`` or ``"left out"``) and ``user_supplied`` whether that is the user's
        table rather than the curated one. A user's table is credited to nobody but the
        ``source`` its import recorded (``publisher``), its ``edition`` is the import's, and
        its caveat starts with ``"Your table"`` and names the input.
        For a table whose rows name their own source (a ``source`` column, e.g.
        ``gms_trafficking_cases``), ``publisher`` lists the publishers of the rows about this
        country only, most rows first, and ``cited`` those sources with their row counts
        (``"Phnom Penh Post (NCCT 2016-2017 statistics): 16; ..."``); both are empty when no
        row is about the country. Other tables credit every publisher of their manifest.
    """

    iso3: str
    name: str
    edition: int | None
    immigrant_totals: pd.DataFrame
    bilateral_stocks: pd.DataFrame
    top_corridors: pd.DataFrame
    refugees: pd.DataFrame
    identified_victims: pd.DataFrame
    trafficking_cases: pd.DataFrame
    repatriations: pd.DataFrame
    displacement: pd.DataFrame = field(default_factory=pd.DataFrame)
    stock_flags: pd.DataFrame = field(default_factory=pd.DataFrame)
    other_tables: dict = field(default_factory=dict)
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)
    mid_year_last: dict = field(default_factory=dict)

    @property
    def study_economy(self) -> bool:
        """Whether the country is one of the 15 study economies the UN DESA extracts cover.

        Returns
        -------
        bool
            True for an ISO3 code of :data:`mixedmig.countries.ISO3_CODES`.

        Examples
        --------
        >>> from mixedmig.profiles import country_profile
        >>> country_profile("KHM").study_economy, country_profile("NPL").study_economy
        (True, False)
        """
        return countries.is_study_code(self.iso3)

    def empty_sources(self) -> list[str]:
        """Source tables with no row about this country.

        Returns
        -------
        list of str
            Table names from :attr:`sources` whose ``rows`` is 0, in the order of ``sources``.

        Examples
        --------
        >>> from mixedmig.profiles import country_profile
        >>> country_profile("TWN").empty_sources()[:2]
        ['undesa_ims_totals', 'unhcr_refugees_gms']
        """
        return self.sources.loc[self.sources["rows"] == 0, "table"].tolist()

    def migrants_not_victims(self) -> pd.DataFrame:
        """Rows of :attr:`repatriations` that count migrants deported or pushed back, not
        repatriated victims of trafficking.

        The one rule of both profiles (:func:`mixedmig.profiles._inputs.migrants_not_victims`,
        the corridor profile's repatriations of notebook 08): a ``from_label`` naming deportees
        or a ``note`` saying the persons were pushed back. Never read these rows as victim
        counts or add them to the other rows.

        Returns
        -------
        pandas.DataFrame
            The matching rows, all columns of :attr:`repatriations`, in its order, with a fresh
            index; empty (same columns) when none matches.

        Examples
        --------
        >>> from mixedmig.profiles import country_profile
        >>> country_profile("THA").migrants_not_victims()["period"].tolist()
        ['H1 2020', '2016', '2017', '2018 [?]']
        """
        rows = self.repatriations
        if rows.empty or not {"from_label", "note"} <= set(rows.columns):
            return rows.iloc[0:0].reset_index(drop=True)
        mask = [_inputs.migrants_not_victims(label, note)
                for label, note in zip(rows["from_label"], rows["note"])]
        return rows[pd.Series(mask, index=rows.index, dtype=bool)].reset_index(drop=True)


def country_profile(iso3: str, *, edition: int | None = None, top: int = 10,
                    tables: dict | None = None) -> CountryProfile:
    """The curated figures about one country: stocks, corridors, refugees, trafficking data.

    Parameters
    ----------
    iso3 : str
        A country code or name the registry knows (:func:`mixedmig.countries.to_iso3`).
    edition : int, optional
        UN DESA bilateral edition for :attr:`CountryProfile.top_corridors`; default the latest
        in the bilateral table. The stock tables always hold every edition, each labelled.
    top : int, default 10
        Corridors listed per direction.
    tables : dict of str to (str, os.PathLike, pandas.DataFrame or None), optional
        Replacement sources by role, the contract of
        :func:`mixedmig.profiles.corridor_profile`: the keys are the default table names
        (:func:`source_roles`: ``undesa_ims_totals``, ``undesa_ims_bilateral``,
        ``unhcr_refugees_gms``, ``uniap_identified_victims``, ``gms_trafficking_cases``,
        ``gms_repatriations`` and the curated ``ctdc_*`` tables), the values a table name
        (curated or imported), the path of a CSV file standing in for that table (read by
        :func:`mixedmig.data.load_as`) or a DataFrame in its shape; ``None`` leaves the source
        out (its tables are then empty). Only a curated table (its name, or a CSV file
        byte-identical to it) is credited to its manifest's publishers; every other input is
        the user's, and :attr:`CountryProfile.sources` says so (``user_supplied``, ``input``
        and the caveat).

    Returns
    -------
    CountryProfile
        Tidy tables, one per source, and the sources' caveats.

    Raises
    ------
    mixedmig.errors.UnknownCountryError
        If ``iso3`` is not a code or name of the registry.
    mixedmig.errors.InputError
        If ``edition`` is not an edition of the bilateral table, ``top`` is not a positive
        integer, or ``tables`` has an unknown key or a value of the wrong type.
    mixedmig.errors.DataError
        If a path in ``tables`` names no file or the file breaks the table's schema.

    Notes
    -----
    The emigrant and immigrant stocks of ``bilateral_stocks`` are sums over the other
    study economies only, not world totals: UN DESA's world total of immigrants is
    ``immigrant_totals``; no world total of emigrants is shipped. The shipped UN DESA
    extracts cover the 15 study economies only, so a country outside them has no UN DESA
    row at all although UN DESA publishes its figures (:func:`shipped_coverage`). UNHCR rows
    cover every pair in which origin or asylum is one of the six GMS countries, so for a
    country outside the GMS only its exchanges with the GMS are counted (``coverage``
    column of ``refugees`` and ``displacement``). A user's UNHCR table covers what it covers:
    its ``coverage`` is ``"as in the table given"``, and against_gradient flags (computed on
    the curated 2024 edition joined with covariates) are left out when the bilateral table is
    the user's.

    References
    ----------
    United Nations, Department of Economic and Social Affairs, Population Division (2017, 2019,
    2020, 2024). International Migrant Stock. UNHCR (2025). Refugee Data Finder. UNIAP (2013),
    identified victims in the COMMIT countries, 2008-2012.

    Examples
    --------
    >>> from mixedmig.profiles import country_profile
    >>> p = country_profile("THA", edition=2024)
    >>> p.name, p.edition
    ('Thailand', 2024)
    >>> p.top_corridors.query("direction == 'immigrants'").origin.iloc[0]
    'MMR'
    """
    from ..errors import InputError

    code = countries.to_iso3(iso3)
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise InputError(f"top must be a positive integer (corridors listed per direction), "
                         f"got {top!r}.")
    inputs = _inputs.resolve(tables, source_roles())
    given = {role: (i.table if i.table is not None else data.load(role).iloc[0:0])
             for role, i in inputs.items()}
    bilateral = given["undesa_ims_bilateral"]
    editions = sorted(int(e) for e in bilateral["edition"].dropna().unique()) \
        if "edition" in bilateral.columns else []
    if edition is None and editions:
        edition = editions[-1]
    if editions and edition not in editions:
        where = inputs["undesa_ims_bilateral"]
        where = where.curated or f"the bilateral table {where.shown}"
        raise InputError(f"edition {edition!r} is not in {where}; use one of "
                         f"{', '.join(map(str, editions))}.")

    immigrant_totals = _immigrant_totals(given["undesa_ims_totals"], code)
    bilateral_stocks = _bilateral_stocks(bilateral, code)
    top_corridors = _top_corridors(bilateral, code, edition, top)
    unhcr = given["unhcr_refugees_gms"]
    if inputs["unhcr_refugees_gms"].curated is None:
        coverage_label = _GIVEN
    else:
        coverage_label = _ALL if code in countries.GMS else _GMS_ONLY
    refugees = _refugees(unhcr, code, coverage_label)
    displacement = _displacement(unhcr, code, coverage_label)
    stock_flags = _stock_flags(bilateral, code,
                               gradient=inputs["undesa_ims_bilateral"].curated is not None)
    top_corridors = _flag_corridors(top_corridors, stock_flags)
    victims = given["uniap_identified_victims"]
    victims = victims.loc[victims["country"] == code,
                          ["year", "victims", "reliability", "source", "note"]]
    victims = victims.sort_values("year").reset_index(drop=True)
    cases = given["gms_trafficking_cases"]
    cases = cases[(cases["reporting_country"] == code)
                  | (cases["category_iso3"] == code)].reset_index(drop=True)
    repatriations = given["gms_repatriations"]
    repatriations = repatriations[(repatriations["from_iso3"] == code)
                                  | (repatriations["to_iso3"] == code)].reset_index(drop=True)
    other = {name: _rows_naming(name, given[name], code) for name in _ctdc_names()}

    rows = {
        "undesa_ims_totals": len(immigrant_totals),
        "undesa_ims_bilateral": int((bilateral_stocks["stock"] > 0).sum()),
        "unhcr_refugees_gms": len(refugees) + len(displacement),
        "uniap_identified_victims": int(victims["victims"].notna().sum()),
        "gms_trafficking_cases": len(cases),
        "gms_repatriations": len(repatriations),
        **{name: len(frame) for name, frame in other.items()},
    }
    outside = shipped_coverage(code)
    coverage = {
        "undesa_ims_totals": outside,
        "undesa_ims_bilateral": outside or (f"Counts only the {len(countries.ISO3_CODES)} "
                                            f"study economies as origins and destinations "
                                            f"(not world totals)."),
        "unhcr_refugees_gms": ("" if code in countries.GMS else
                               "Only pairs with a GMS country (KHM, CHN, LAO, MMR, THA, VNM) "
                               "are in the table: exchanges with other countries are missing, "
                               "so the figures are not the country's totals."),
        "uniap_identified_victims": "Six COMMIT countries, 2008-2012 only.",
    }
    own_rows = {"uniap_identified_victims": victims, "gms_trafficking_cases": cases,
                "gms_repatriations": repatriations}
    sources = _sources(rows, coverage, own_rows, inputs)
    mid_year = {role: year for role, i in inputs.items()
                if (year := _inputs.mid_year_last(i.curated)) is not None}
    return CountryProfile(
        iso3=code, name=countries.name(code), edition=None if edition is None else int(edition),
        immigrant_totals=immigrant_totals, bilateral_stocks=bilateral_stocks,
        top_corridors=top_corridors, refugees=refugees, identified_victims=victims,
        trafficking_cases=cases, repatriations=repatriations, displacement=displacement,
        stock_flags=stock_flags, other_tables=other, sources=sources, mid_year_last=mid_year,
    )


def source_roles() -> list[str]:
    """The source tables a country profile reads: the keys of ``country_profile(tables=...)``.

    Returns
    -------
    list of str
        ``undesa_ims_totals``, ``undesa_ims_bilateral``, ``unhcr_refugees_gms``,
        ``uniap_identified_victims``, ``gms_trafficking_cases``, ``gms_repatriations``, then
        the curated tables whose name starts with ``ctdc_``, sorted.

    Examples
    --------
    >>> from mixedmig.profiles.country import source_roles
    >>> source_roles()[:3]
    ['undesa_ims_totals', 'undesa_ims_bilateral', 'unhcr_refugees_gms']
    """
    return list(_MAIN_ROLES) + _ctdc_names()


def _ctdc_names() -> list[str]:
    return sorted(name for name in data.dataset_names() if name.startswith("ctdc_"))


def shipped_coverage(iso3: str) -> str:
    """What the shipped UN DESA extracts hold about a country outside the 15 study economies.

    ``undesa_ims_totals`` and ``undesa_ims_bilateral`` are extracts of UN DESA's
    International Migrant Stock for the 15 study economies; UN DESA itself publishes figures
    for every country. A missing total for such a country is therefore a gap of the shipped
    extract, not of UN DESA.

    Parameters
    ----------
    iso3 : str
        A country code or name the registry knows (:func:`mixedmig.countries.to_iso3`).

    Returns
    -------
    str
        ``""`` for a study economy; otherwise one paragraph saying what the shipped tables
        cover and how to get UN DESA's full files (``mixedmig fetch`` / ``mixedmig import``).

    Raises
    ------
    mixedmig.errors.UnknownCountryError
        If ``iso3`` is not a code or name of the registry.

    References
    ----------
    United Nations, Department of Economic and Social Affairs, Population Division (2024).
    International Migrant Stock 2024.

    Examples
    --------
    >>> from mixedmig.profiles.country import shipped_coverage
    >>> shipped_coverage("THA")
    ''
    >>> shipped_coverage("NPL")[:70]
    'The shipped UN DESA extracts (undesa_ims_totals, undesa_ims_bilateral)'
    """
    code = countries.to_iso3(iso3)
    if countries.is_study_code(code):
        return ""
    name = countries.name(code)
    gms = ", ".join(countries.GMS)
    return (
        f"The shipped UN DESA extracts (undesa_ims_totals, undesa_ims_bilateral) cover the "
        f"{len(countries.ISO3_CODES)} study economies only; {name} is not one of them, so they "
        f"hold no figure for {name} although UN DESA publishes its migrant stocks. In the "
        f"shipped tables {name} appears only as a partner of the GMS countries ({gms}) in "
        f"UNHCR's table and in case tables that name it. For UN DESA's figures run "
        f"`mixedmig fetch undesa_ims_by_destination` (totals by destination) or "
        f"`mixedmig fetch undesa_ims_bilateral --edition 2024` and then "
        f"`mixedmig import undesa_ims_bilateral FILE` (every origin and destination)."
    )


def _immigrant_totals(totals: pd.DataFrame, code: str) -> pd.DataFrame:
    rows = totals[totals["country"] == code]
    frames = []
    for sex, column in zip(_SEXES, ("migrant_stock", "migrant_stock_male",
                                    "migrant_stock_female")):
        part = rows[["edition", "year"]].copy()
        part["sex"] = sex
        part["migrant_stock"] = rows[column]
        if sex == "total":
            for extra in ("refugees", "population_thousands", "migrant_pct"):
                part[extra] = rows[extra]
        frames.append(part[part["migrant_stock"].notna()])
    out = pd.concat(frames, ignore_index=True)
    out["sex"] = pd.Categorical(out["sex"], categories=list(_SEXES))
    out = out.sort_values(["edition", "year", "sex"]).reset_index(drop=True)
    out["sex"] = out["sex"].astype(str)
    return out


def _bilateral_stocks(bilateral: pd.DataFrame, code: str) -> pd.DataFrame:
    keys = ["edition", "year", "sex"]
    frames = []
    for direction, own, other in (("immigrants", "dest", "orig"), ("emigrants", "orig", "dest")):
        rows = bilateral[(bilateral[own] == code) & (bilateral[other] != code)]
        summed = rows.groupby(keys, as_index=False)["stock"].sum(min_count=1)
        summed.insert(3, "direction", direction)
        frames.append(summed)
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["direction", "edition", "sex", "year"],
                           key=lambda s: s.map(_order) if s.name == "sex" else s
                           ).reset_index(drop=True)


def _order(sex):
    return _SEXES.index(sex) if sex in _SEXES else len(_SEXES)


def _top_corridors(bilateral: pd.DataFrame, code: str, edition: int, top: int) -> pd.DataFrame:
    columns = ["direction", "year", "rank", "origin", "destination", "stock", "share"]
    rows = bilateral[(bilateral["edition"] == edition) & (bilateral["sex"] == "total")]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    year = int(rows["year"].max())
    rows = rows[rows["year"] == year]
    frames = []
    for direction, own in (("immigrants", "dest"), ("emigrants", "orig")):
        part = rows[(rows[own] == code) & (rows["orig"] != rows["dest"])]
        total = part["stock"].sum()
        part = part[part["stock"] > 0].sort_values(["stock", "orig", "dest"],
                                                   ascending=[False, True, True]).head(top)
        frames.append(pd.DataFrame({
            "direction": direction,
            "year": year,
            "rank": range(1, len(part) + 1),
            "origin": part["orig"].to_numpy(),
            "destination": part["dest"].to_numpy(),
            "stock": part["stock"].to_numpy(),
            "share": (part["stock"] / total).astype(float).to_numpy() if total else [],
        }))
    return pd.concat(frames, ignore_index=True)


def _refugees(unhcr: pd.DataFrame, code: str, coverage: str) -> pd.DataFrame:
    cross = unhcr[unhcr["orig"] != unhcr["asylum"]]
    frames = []
    for direction, own, other in (("hosted", "asylum", "orig"), ("abroad", "orig", "asylum")):
        rows = cross[cross[own] == code]
        rows = rows[(rows["refugees"].fillna(0) > 0) | (rows["asylum_seekers"].fillna(0) > 0)]
        rows = rows.assign(_partner=rows[other].where(~rows[other].isin(_NON_COUNTRY_ORIGINS)))
        summed = rows.groupby("year", as_index=False).agg(
            refugees=("refugees", "sum"), asylum_seekers=("asylum_seekers", "sum"),
            partners=("_partner", "nunique"))
        summed.insert(1, "direction", direction)
        frames.append(summed)
    out = pd.concat(frames, ignore_index=True)
    out["coverage"] = coverage
    return out.sort_values(["year", "direction"], ascending=[True, False]).reset_index(drop=True)


def _displacement(unhcr: pd.DataFrame, code: str, coverage: str) -> pd.DataFrame:
    home = unhcr[(unhcr["orig"] == code) & (unhcr["asylum"] == code)]
    rows = {"stateless": unhcr[unhcr["asylum"] == code], "idps": home, "returned_idps": home,
            "returned_refugees": unhcr[(unhcr["orig"] == code) & (unhcr["asylum"] != code)]}
    frames = []
    for measure, unit, description in _DISPLACEMENT:
        if measure not in unhcr.columns:  # an optional column a user's table may lack
            continue
        values = rows[measure].groupby("year")[measure].sum()
        values = values[values.fillna(0) > 0]
        frames.append(pd.DataFrame({"year": values.index.astype("int64"), "measure": measure,
                                    "persons": values.to_numpy().astype("int64"),
                                    "unit": unit, "coverage": coverage,
                                    "description": description}))
    out = pd.concat(frames, ignore_index=True)
    order = {m[0]: i for i, m in enumerate(_DISPLACEMENT)}
    return (out.assign(_order=out["measure"].map(order))
            .sort_values(["year", "_order"]).drop(columns="_order").reset_index(drop=True))


def _stock_flags(bilateral: pd.DataFrame, code: str, *, gradient: bool = True) -> pd.DataFrame:
    """Flags of implausible_stocks on the country's corridors (default thresholds); the
    against_gradient rule (on gravity_pairs, the curated 2024 edition) only when ``gradient``."""
    mine = bilateral[((bilateral["orig"] == code) | (bilateral["dest"] == code))
                     & (bilateral["orig"] != bilateral["dest"])]
    if mine.empty:
        return implausible_stocks(bilateral.iloc[0:0]).flags
    parts = [implausible_stocks(mine, rules=["edition_revision", "jump"]).flags]
    pairs = data.load("gravity_pairs") if gradient else None
    if pairs is not None:
        pairs = pairs[((pairs["orig"] == code) | (pairs["dest"] == code))
                      & (pairs["stock"] > 0)].assign(edition=2024)
    if pairs is not None and not pairs.empty:
        parts.append(implausible_stocks(pairs, rules="against_gradient").flags)
    parts = [p for p in parts if not p.empty]
    if not parts:
        return implausible_stocks(bilateral.iloc[0:0]).flags
    return pd.concat(parts, ignore_index=True)


def _flag_corridors(corridors: pd.DataFrame, flags: pd.DataFrame) -> pd.DataFrame:
    labels = {}
    for (orig, dest, rule), part in flags.groupby(["orig", "dest", "rule"], sort=True):
        years = sorted({int(y) for y in part["year"]})
        labels.setdefault((orig, dest), []).append(
            f"{rule} ({', '.join(map(str, years))})")
    out = corridors.copy()
    out["flags"] = ["; ".join(labels.get((o, d), [])) for o, d in
                    zip(out["origin"], out["destination"])]
    return out


def _rows_naming(name: str, table: pd.DataFrame, code: str) -> pd.DataFrame:
    """Rows of ``table`` (in the shape of the curated table ``name``) with ``code`` in any of
    its country-typed columns."""
    columns = [c.name for c in data.manifest(name).schema.columns
               if c.type in ("iso3", "country") and c.name in table.columns]
    if not columns:
        return table.iloc[0:0]
    mask = pd.Series(False, index=table.index)
    for column in columns:
        mask |= table[column] == code
    return table[mask].reset_index(drop=True)


def _unique(values) -> list:
    return list(dict.fromkeys(v for v in values if v))


def _sources(rows: dict, coverage: dict, own_rows: dict, inputs: dict) -> pd.DataFrame:
    """One row per table; tables with a ``source`` column credit the sources of their rows; a
    user's table is credited to what its import recorded only, and its caveat says it is the
    user's."""
    records = []
    for name, count in rows.items():
        m = data.manifest(name)
        given = inputs[name]
        if given.table is not None and given.curated is None:
            record = given.table.attrs.get("manifest") or {}
            publisher = str(record.get("source") or "") if isinstance(record, dict) else ""
            records.append({
                "table": name, "title": f"user-supplied table for {name}",
                "publisher": publisher, "cited": "", "edition": given.edition,
                "units": m.units, "rows": int(count),
                "caveat": (f"Your table ({given.shown}), read in place of {name}: not a "
                           f"curated table, so no manifest of this toolkit vouches for its "
                           f"figures, coverage or edition; cite its own publisher."),
                "input": given.shown, "user_supplied": True,
            })
            continue
        entries = list(m.sources)
        cited = ""
        frame = own_rows.get(name)
        if frame is not None and "source" in frame.columns:
            counts = frame["source"].dropna().value_counts()
            counts = counts.sort_index(kind="stable").sort_values(ascending=False,
                                                                   kind="stable")
            by_id = {str(e.get("id")): e for e in entries if e.get("id") is not None}
            entries = [by_id.get(str(source), {"publisher": str(source)})
                       for source in counts.index]
            cited = "; ".join(f"{source}: {n}" for source, n in counts.items())
        editions = _unique(str(e.get("edition", "")) for e in entries)
        mid_year = _inputs.mid_year_last(given.curated)  # the shipped table only
        caveat = " ".join(filter(None, [
            str(m.reliability or "").strip(), coverage.get(name, ""),
            (f"The last year ({mid_year}) may be a mid-year figure, not an end-year one: "
             f"compare it with the earlier years' end-year figures only with care."
             if mid_year is not None else "")]))
        if given.table is None:
            caveat = f"Left out (tables[{name!r}] = None): no row read. " + caveat
        records.append({
            "table": name, "title": m.title,
            "publisher": "; ".join(_unique(str(e.get("publisher", "")) for e in entries)),
            "cited": cited, "edition": "; ".join(editions), "units": m.units,
            "rows": int(count), "caveat": caveat, "input": given.shown,
            "user_supplied": False,
        })
    return pd.DataFrame(records)
