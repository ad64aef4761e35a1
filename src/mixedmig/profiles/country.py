"""One country's profile: every curated figure the toolkit holds about it, side by side.

:func:`country_profile` gathers, for one economy, the immigrant and emigrant stocks by UN DESA
edition and sex, its largest corridors in and out, refugees and asylum-seekers (UNHCR), identified
victims of trafficking and other case data, and the caveats of each source (from the manifests).
Every table keeps its source's unit, period and edition; nothing is summed across editions or
incompatible units. The template ``notebooks/profile.ipynb`` (``mixedmig profile ISO3``) draws it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .. import countries, data

__all__ = ["CountryProfile", "country_profile"]

#: Sexes of the UN DESA tables, in display order.
_SEXES = ("total", "male", "female")


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
    edition : int
        UN DESA edition of ``top_corridors`` (the latest bilateral edition by default).
    immigrant_totals : pandas.DataFrame
        UN DESA destination totals (``undesa_ims_totals``), all origins in the world: columns
        ``edition, year, sex, migrant_stock`` (persons; ``sex`` in total/male/female, rows only
        where published) and, on the ``total`` rows, ``refugees`` (persons, UN DESA's count),
        ``population_thousands`` and ``migrant_pct`` (percent of the population).
    bilateral_stocks : pandas.DataFrame
        From the UN DESA bilateral table (``undesa_ims_bilateral``), which covers the 15 study
        economies only: columns ``edition, year, sex, direction, stock`` where ``direction`` is
        ``"immigrants"`` (born in one of the other 14 economies, living here) or ``"emigrants"``
        (born here, living in one of the other 14); persons.
    top_corridors : pandas.DataFrame
        The largest bilateral stocks in and out for ``edition``'s latest year, both sexes:
        columns ``direction, rank, origin, destination, stock, share`` (share of the
        direction's total over the 14 partners, 0-1), ``top`` rows per direction at most; zero
        stocks are left out.
    refugees : pandas.DataFrame
        UNHCR end-year stocks (``unhcr_refugees_gms``) by ``year`` and ``direction``
        (``"hosted"``: in this country, from elsewhere; ``"abroad"``: from this country,
        elsewhere) with ``refugees``, ``asylum_seekers`` and ``partners`` (number of
        countries of origin or asylum with a positive count); persons.
    identified_victims : pandas.DataFrame
        Identified victims of trafficking reported by the country (``uniap_identified_victims``,
        2008-2012): ``year, victims, reliability, source, note``; ``victims`` missing where the
        source published no figure.
    trafficking_cases : pandas.DataFrame
        Rows of ``gms_trafficking_cases`` reported by this country or naming it as category
        (e.g. the destination of rescued nationals), all columns of that table.
    repatriations : pandas.DataFrame
        Rows of ``gms_repatriations`` from or to this country, all columns of that table.
    other_tables : dict of str to pandas.DataFrame
        Rows naming this country in any further curated table whose name starts with ``ctdc_``
        (Counter Trafficking Data Collaborative aggregates), by table name.
    sources : pandas.DataFrame
        One row per source table consulted: ``table, title, publisher, edition, units, rows,
        caveat`` where ``rows`` counts the rows about this country (0 = nothing) and ``caveat``
        is the manifest's reliability note plus what the profile's coverage misses.
    """

    iso3: str
    name: str
    edition: int
    immigrant_totals: pd.DataFrame
    bilateral_stocks: pd.DataFrame
    top_corridors: pd.DataFrame
    refugees: pd.DataFrame
    identified_victims: pd.DataFrame
    trafficking_cases: pd.DataFrame
    repatriations: pd.DataFrame
    other_tables: dict = field(default_factory=dict)
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)

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


def country_profile(iso3: str, *, edition: int | None = None, top: int = 10) -> CountryProfile:
    """The curated figures about one country: stocks, corridors, refugees, trafficking data.

    Parameters
    ----------
    iso3 : str
        A country code or name the registry knows (:func:`mixedmig.countries.to_iso3`).
    edition : int, optional
        UN DESA bilateral edition for :attr:`CountryProfile.top_corridors`; default the latest
        in ``undesa_ims_bilateral``. The stock tables always hold every edition, each labelled.
    top : int, default 10
        Corridors listed per direction.

    Returns
    -------
    CountryProfile
        Tidy tables, one per source, and the sources' caveats.

    Raises
    ------
    mixedmig.errors.UnknownCountryError
        If ``iso3`` is not a code or name of the registry.
    mixedmig.errors.InputError
        If ``edition`` is not an edition of ``undesa_ims_bilateral`` or ``top`` is not a
        positive integer.

    Notes
    -----
    The emigrant and immigrant stocks of ``bilateral_stocks`` are sums over the 14 other
    study economies only, not world totals: UN DESA's world total of immigrants is
    ``immigrant_totals``; no world total of emigrants is shipped. UNHCR rows cover every pair
    in which origin or asylum is one of the six GMS countries, so for a country outside the
    GMS only its exchanges with the GMS are counted.

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
    bilateral = data.load("undesa_ims_bilateral")
    editions = sorted(int(e) for e in bilateral["edition"].unique())
    if edition is None:
        edition = editions[-1]
    if edition not in editions:
        raise InputError(f"edition {edition!r} is not in undesa_ims_bilateral; use one of "
                         f"{', '.join(map(str, editions))}.")

    immigrant_totals = _immigrant_totals(data.load("undesa_ims_totals"), code)
    bilateral_stocks = _bilateral_stocks(bilateral, code)
    top_corridors = _top_corridors(bilateral, code, edition, top)
    refugees = _refugees(data.load("unhcr_refugees_gms"), code)
    victims = data.load("uniap_identified_victims")
    victims = victims.loc[victims["country"] == code,
                          ["year", "victims", "reliability", "source", "note"]]
    victims = victims.sort_values("year").reset_index(drop=True)
    cases = data.load("gms_trafficking_cases")
    cases = cases[(cases["reporting_country"] == code)
                  | (cases["category_iso3"] == code)].reset_index(drop=True)
    repatriations = data.load("gms_repatriations")
    repatriations = repatriations[(repatriations["from_iso3"] == code)
                                  | (repatriations["to_iso3"] == code)].reset_index(drop=True)
    other = {name: _rows_naming(name, code) for name in data.dataset_names()
             if name.startswith("ctdc_")}

    rows = {
        "undesa_ims_totals": len(immigrant_totals),
        "undesa_ims_bilateral": int((bilateral_stocks["stock"] > 0).sum()),
        "unhcr_refugees_gms": len(refugees),
        "uniap_identified_victims": int(victims["victims"].notna().sum()),
        "gms_trafficking_cases": len(cases),
        "gms_repatriations": len(repatriations),
        **{name: len(frame) for name, frame in other.items()},
    }
    coverage = {
        "undesa_ims_bilateral": "Counts only the 15 study economies as origins and "
                                "destinations (not world totals).",
        "unhcr_refugees_gms": ("" if code in countries.GMS else
                               "Only pairs with a GMS country (KHM, CHN, LAO, MMR, THA, VNM) "
                               "are in the table: exchanges with other countries are missing."),
        "uniap_identified_victims": "Six COMMIT countries, 2008-2012 only.",
    }
    sources = _sources(rows, coverage)
    return CountryProfile(
        iso3=code, name=countries.name(code), edition=int(edition),
        immigrant_totals=immigrant_totals, bilateral_stocks=bilateral_stocks,
        top_corridors=top_corridors, refugees=refugees, identified_victims=victims,
        trafficking_cases=cases, repatriations=repatriations, other_tables=other,
        sources=sources,
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
    rows = bilateral[(bilateral["edition"] == edition) & (bilateral["sex"] == "total")]
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


def _refugees(unhcr: pd.DataFrame, code: str) -> pd.DataFrame:
    cross = unhcr[unhcr["orig"] != unhcr["asylum"]]
    frames = []
    for direction, own, other in (("hosted", "asylum", "orig"), ("abroad", "orig", "asylum")):
        rows = cross[cross[own] == code]
        rows = rows[(rows["refugees"] > 0) | (rows["asylum_seekers"] > 0)]
        summed = rows.groupby("year", as_index=False).agg(
            refugees=("refugees", "sum"), asylum_seekers=("asylum_seekers", "sum"),
            partners=(other, "nunique"))
        summed.insert(1, "direction", direction)
        frames.append(summed)
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["year", "direction"], ascending=[True, False]).reset_index(drop=True)


def _rows_naming(name: str, code: str) -> pd.DataFrame:
    """Rows of a curated table with ``code`` in any of its country-typed columns."""
    table = data.load(name)
    columns = [c.name for c in data.manifest(name).schema.columns
               if c.type in ("iso3", "country") and c.name in table.columns]
    if not columns:
        return table.iloc[0:0]
    mask = pd.Series(False, index=table.index)
    for column in columns:
        mask |= table[column] == code
    return table[mask].reset_index(drop=True)


def _sources(rows: dict, coverage: dict) -> pd.DataFrame:
    records = []
    for name, count in rows.items():
        m = data.manifest(name)
        first = m.sources[0] if m.sources else {}
        editions = [str(s.get("edition", "")) for s in m.sources if s.get("edition")]
        caveat = " ".join(filter(None, [str(m.reliability or "").strip(),
                                        coverage.get(name, "")]))
        records.append({
            "table": name, "title": m.title, "publisher": first.get("publisher", ""),
            "edition": "; ".join(editions), "units": m.units, "rows": int(count),
            "caveat": caveat,
        })
    return pd.DataFrame(records)
